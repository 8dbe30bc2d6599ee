//! The IndexedDB backend, through the `idb` crate: an object store of segments (and attached
//! files), keyed by segment key, each value the segment's bytes; and the change log, keyed by
//! entry number. Each write is one readwrite transaction over both, which first reads the log
//! entries other writers (tabs) added, so that the write can take them in (see `Replica`).
//!
//! When a newer version of the app opens the database in another tab, this connection closes and
//! the backend refuses every write from then on (`StoreError::Newer`); the page asks for a reload.
//!
//! Schema 1 kept one flat JSON value per customer in the object store `customers`; opening such
//! a database migrates it into segments in a single transaction, so an interrupted migration
//! leaves the old data as it was.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use idb::{CursorDirection, Database, Factory, KeyRange, ObjectStoreParams, Query, TransactionMode, TransactionResult};
use wasm_bindgen::{JsCast, JsValue};

use super::migrate::{CustomerV1, Migrations};
use super::{Backend, Loaded, StoreError, WriteBatch, SCHEMA_VERSION};

/// The database the app uses; tests use their own names.
pub const DB_NAME: &str = "pocket-crm";
const SEGMENTS: &str = "segments";
const LOG: &str = "log";
/// Schema 1's object store of one value per customer.
pub const LEGACY_CUSTOMERS: &str = "customers";

/// Bodies are stored as `Uint8Array`s: cloning bytes in and out of IndexedDB is a copy, where
/// strings with Chinese text would be converted to and from UTF-16.
pub(super) fn js_bytes(body: &[u8]) -> JsValue {
    js_sys::Uint8Array::from(body).into()
}

/// A stored body as bytes; anything else (a value written by something else) reads as empty,
/// which the decoders report as unreadable.
pub(super) fn bytes_of(value: &JsValue) -> Vec<u8> {
    value.dyn_ref::<js_sys::Uint8Array>().map(|a| a.to_vec()).unwrap_or_default()
}

fn seq_of(key: &JsValue) -> u64 {
    key.as_f64().map_or(0, |n| n as u64)
}

pub struct IdbBackend {
    db: Database,
    /// Test hook: make the n-th put of the next write fail inside the transaction.
    fail_at_put: Cell<Option<usize>>,
    /// A newer version opened the database elsewhere: closed, and nothing more is written.
    stale: Rc<Cell<bool>>,
    /// Told when that happens (the page shows it at once).
    on_stale: StaleHook,
    /// Opening moved schema-1 data into segments: a read made before is out of date.
    migrated_legacy: bool,
    /// The rest of that read: the deals' bucket keys, and the promise of their bodies (read in
    /// the same transaction, after the rest).
    later: RefCell<Option<(Vec<String>, js_sys::Promise)>>,
}

/// A backend let go of (its page's load failed after opening, say) closes its connection: the
/// connection's own handler for a newer version goes with it, and it would hold that upgrade up.
impl Drop for IdbBackend {
    fn drop(&mut self) {
        self.db.close();
    }
}

/// What to call when a newer version takes the database over.
type StaleHook = Rc<std::cell::RefCell<Option<Box<dyn Fn()>>>>;

/// IndexedDB's errors as the user is told them (`classify`), for the side databases (`couch`,
/// `folder`).
pub(super) fn fail(write: bool) -> impl Fn(idb::Error) -> StoreError {
    move |e| classify(&e, write)
}

/// Commits `tx` of one of the side databases; an abort is a failed write.
pub(super) async fn commit(tx: idb::Transaction) -> Result<(), StoreError> {
    let fail = fail(true);
    match tx.commit().map_err(&fail)?.await.map_err(&fail)? {
        TransactionResult::Committed => Ok(()),
        TransactionResult::Aborted => Err(StoreError::WriteFailed("aborted".into())),
    }
}

/// Turns what IndexedDB reports into what the user can be told.
pub(super) fn classify(error: &idb::Error, write: bool) -> StoreError {
    let text = match error {
        idb::Error::DomException(e) => format!("{}: {}", e.name(), e.message()),
        other => other.to_string(),
    };
    if text.contains("QuotaExceeded") {
        StoreError::QuotaExceeded
    } else if write {
        StoreError::WriteFailed(text)
    } else {
        StoreError::Unavailable(text)
    }
}

impl IdbBackend {
    /// Opens (creating or upgrading) the database `name` and migrates schema-1 data (asking
    /// `migrations` for the code only then). A database a newer version has upgraded is refused
    /// with `StoreError::Newer`.
    pub async fn open(name: &str, migrations: &impl Migrations) -> Result<IdbBackend, StoreError> {
        let unavailable = |e: idb::Error| StoreError::Unavailable(e.to_string());
        let factory = Factory::new().map_err(unavailable)?;
        let mut request = factory.open(name, Some(SCHEMA_VERSION)).map_err(unavailable)?;
        request.on_upgrade_needed(|event| {
            use idb::DatabaseEvent;
            let Ok(db) = event.database() else { return };
            // A failure here aborts the upgrade; the open request then reports it.
            for store in [SEGMENTS, LOG] {
                if !db.store_names().iter().any(|s| s == store) {
                    let _ = db.create_object_store(store, ObjectStoreParams::new());
                }
            }
        });
        let blocked = Rc::new(Cell::new(false));
        let flag = blocked.clone();
        request.on_blocked(move |_| flag.set(true));
        let db = request.await.map_err(|e| {
            let text = e.to_string();
            if blocked.get() {
                StoreError::Blocked
            } else if text.contains("VersionError") || text.contains("less than") {
                StoreError::Newer
            } else {
                unavailable(e)
            }
        })?;
        IdbBackend::over(db, migrations).await
    }

    /// The backend over the open connection `db` (at this schema), after migrating schema-1
    /// data (asking `migrations` for the code only then).
    async fn over(mut db: Database, migrations: &impl Migrations) -> Result<IdbBackend, StoreError> {
        let stale = Rc::new(Cell::new(false));
        let on_stale: StaleHook = Rc::default();
        let (mark, tell) = (stale.clone(), on_stale.clone());
        // A newer version opened in another tab: let it upgrade instead of blocking it, and
        // write nothing more from this page.
        db.on_version_change(move |event| {
            mark.set(true);
            if let Some(db) = event.target().and_then(|t| t.dyn_into::<web_sys::IdbDatabase>().ok()) {
                db.close();
            }
            if let Some(tell) = tell.borrow().as_ref() {
                tell();
            }
        });
        let mut backend = IdbBackend {
            db,
            fail_at_put: Cell::new(None),
            stale,
            on_stale,
            migrated_legacy: false,
            later: RefCell::new(None),
        };
        match backend.migrate_legacy(migrations).await {
            Ok(migrated) => backend.migrated_legacy = migrated,
            Err(e) => {
                // Do not keep a connection that would block a later delete or upgrade.
                backend.close();
                return Err(e);
            }
        }
        Ok(backend)
    }

    /// Closes the connection (after running transactions finish).
    pub fn close(&self) {
        self.db.close();
    }

    /// Whether a newer version took over the database (this page must be reloaded).
    pub fn is_stale(&self) -> bool {
        self.stale.get()
    }

    /// Calls `tell` when a newer version takes the database over.
    pub fn on_stale(&self, tell: impl Fn() + 'static) {
        *self.on_stale.borrow_mut() = Some(Box::new(tell));
    }

    /// Test hook: the `n`-th put (0-based) of the next write is given an invalid key, so
    /// IndexedDB rejects it mid-transaction and the whole write must roll back.
    pub fn fail_next_write_at_put(&self, n: usize) {
        self.fail_at_put.set(Some(n));
    }

    /// Deletes the whole database (tests and "start over").
    pub async fn delete(name: &str) -> Result<(), StoreError> {
        let unavailable = |e: idb::Error| StoreError::Unavailable(e.to_string());
        Factory::new().map_err(unavailable)?.delete(name).map_err(unavailable)?.await.map_err(unavailable)
    }

    /// Schema 1's customers, with whatever segments there already are, rewritten in today's
    /// layout in one transaction; true if there were any.
    async fn migrate_legacy(&self, migrations: &impl Migrations) -> Result<bool, StoreError> {
        if !self.db.store_names().iter().any(|s| s == LEGACY_CUSTOMERS) {
            return Ok(false);
        }
        // Before the transaction: it would end while this waits.
        let migration = migrations.get().await?;
        let fail = |e: idb::Error| classify(&e, true);
        let tx = self.db.transaction(&[LEGACY_CUSTOMERS, SEGMENTS, LOG], TransactionMode::ReadWrite).map_err(fail)?;
        let legacy = tx.object_store(LEGACY_CUSTOMERS).map_err(fail)?;
        let values = legacy.get_all(None, None).map_err(fail)?.await.map_err(fail)?;
        if values.is_empty() {
            return Ok(false);
        }
        let mut customers = Vec::with_capacity(values.len());
        for value in values {
            match v1_from_json(&value) {
                Ok(old) => customers.push((migration.customer_v1)(old)),
                Err(reason) => {
                    let _ = tx.abort();
                    return Err(StoreError::Corrupt { key: format!("{LEGACY_CUSTOMERS} (schema 1)"), reason });
                }
            }
        }
        let segments = tx.object_store(SEGMENTS).map_err(fail)?;
        let range = || segment_range().map_err(fail);
        let keys = segments.get_all_keys(Some(range()?), None).map_err(fail)?.await.map_err(fail)?;
        let bodies = segments.get_all(Some(range()?), None).map_err(fail)?.await.map_err(fail)?;
        let existing: Vec<(String, Vec<u8>)> =
            keys.iter().zip(&bodies).map(|(k, v)| (k.as_string().unwrap_or_default(), bytes_of(v))).collect();
        let batch = match (migration.legacy_batch)(existing, customers) {
            Ok(batch) => batch,
            Err(e) => {
                let _ = tx.abort();
                return Err(e);
            }
        };
        let log = tx.object_store(LOG).map_err(fail)?;
        if let Err(e) = queue(&segments, &log, &batch, None) {
            let _ = tx.abort();
            return Err(e);
        }
        legacy.clear().map_err(fail)?;
        match tx.commit().map_err(fail)?.await.map_err(fail)? {
            TransactionResult::Committed => Ok(true),
            TransactionResult::Aborted => Err(StoreError::WriteFailed("migration aborted".into())),
        }
    }
}

/// The name of the promise index.html's first script keeps its early read in.
const EARLY: &str = "__pocketEarly";

/// The store's first read, made while the app's module was still loading (style/pwa/early-read.js)
/// by the service worker as it answered the navigation, or by index.html's first script: the same
/// read as `load` (every segment and the log's head, in one read-only transaction), but with the
/// deals' bodies handed over later (`load_later`): the customer list does not read them, and they
/// are as large as the customers. The script opens the page's connection and keeps it open for
/// the page (`open`), which then opens none of its own.
pub struct EarlyRead {
    loaded: Loaded,
    /// The deals' bucket keys, and the promise of their bodies (read in the same transaction,
    /// after the rest).
    later: (Vec<String>, js_sys::Promise),
    /// The script's connection; `closed` once a newer version asked for the database.
    connection: web_sys::IdbDatabase,
    /// The service worker read it (not the page).
    pub from_worker: bool,
}

/// Takes the early read of the database `name` (index.html hands it over): once per page, and
/// only if it read that database at this schema; `None` otherwise (no such script, another
/// database, an older schema that must be migrated first, or the read failed; its connection is
/// closed then), and the page opens and reads for itself.
pub async fn take_early(name: &str) -> Option<EarlyRead> {
    let window: JsValue = web_sys::window()?.into();
    let key = JsValue::from_str(EARLY);
    let promise = js_sys::Reflect::get(&window, &key).ok()?.dyn_into::<js_sys::Promise>().ok()?;
    let _ = js_sys::Reflect::delete_property(window.unchecked_ref::<js_sys::Object>(), &key);
    let read = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let field = |name: &str| js_sys::Reflect::get(&read, &JsValue::from_str(name)).ok();
    let connection = field("db")?.dyn_into::<web_sys::IdbDatabase>().ok()?;
    let early = (|| {
        let same_db = field("name")?.as_string()? == name;
        let same_schema = field("version")?.as_f64()? == f64::from(SCHEMA_VERSION);
        if !(same_db && same_schema) {
            return None;
        }
        let keys = field("keys")?.dyn_into::<js_sys::Array>().ok()?;
        let values = field("values")?.dyn_into::<js_sys::Array>().ok()?;
        if keys.length() != values.length() {
            return None;
        }
        let head = seq_of(&field("head")?);
        let later_keys: Vec<String> =
            field("laterKeys")?.dyn_into::<js_sys::Array>().ok()?.iter().filter_map(|k| k.as_string()).collect();
        let later = field("later")?.dyn_into::<js_sys::Promise>().ok()?;
        let segments =
            keys.iter().zip(values.iter()).map(|(k, v)| (k.as_string().unwrap_or_default(), bytes_of(&v))).collect();
        let loaded = Loaded { segments, head, later: later_keys.clone() };
        Some(EarlyRead {
            loaded,
            later: (later_keys, later),
            connection: connection.clone(),
            from_worker: field("source")?.as_string()? == "worker",
        })
    })();
    if early.is_none() {
        connection.close();
    }
    early
}

impl EarlyRead {
    /// The backend over the early read's connection, and the read as its first load (its deals
    /// from `load_later`). If a newer version asked for the database meanwhile (the script closed
    /// its connection), the database is opened again (and refused: `StoreError::Newer`); if
    /// opening moved schema-1 data, the read is out of date: no load is handed back, and the page
    /// reads for itself.
    pub async fn open(self, migrations: &impl Migrations) -> Result<(IdbBackend, Option<Loaded>), StoreError> {
        let closed = js_sys::Reflect::get(&self.connection, &JsValue::from_str("closed")).is_ok_and(|c| c.is_truthy());
        if closed {
            return Ok((IdbBackend::open(&self.connection.name(), migrations).await?, None));
        }
        let backend = IdbBackend::over(Database::from(self.connection), migrations).await?;
        if backend.migrated_legacy {
            return Ok((backend, None));
        }
        *backend.later.borrow_mut() = Some(self.later);
        Ok((backend, Some(self.loaded)))
    }
}

impl IdbBackend {
    /// Lets go of the early read's later part once the replica has taken it.
    pub fn forget_later(&self) {
        self.later.borrow_mut().take();
    }
}

impl Backend for IdbBackend {
    async fn load(&self) -> Result<Loaded, StoreError> {
        let fail = |e: idb::Error| classify(&e, false);
        let tx = self.db.transaction(&[SEGMENTS, LOG], TransactionMode::ReadOnly).map_err(fail)?;
        let store = tx.object_store(SEGMENTS).map_err(fail)?;
        // Segments only: attached files sort after `~`.
        let range = || segment_range().map_err(fail);
        let keys = store.get_all_keys(Some(range()?), None).map_err(fail)?.await.map_err(fail)?;
        let values = store.get_all(Some(range()?), None).map_err(fail)?.await.map_err(fail)?;
        let log = tx.object_store(LOG).map_err(fail)?;
        let last = log.open_key_cursor(None, Some(CursorDirection::Prev)).map_err(fail)?.await.map_err(fail)?;
        let head = match last {
            Some(cursor) => seq_of(&cursor.key().map_err(fail)?),
            None => 0,
        };
        let segments =
            keys.into_iter().zip(values).map(|(k, v)| (k.as_string().unwrap_or_default(), bytes_of(&v))).collect();
        Ok(Loaded { segments, head, later: Vec::new() })
    }

    async fn load_later(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let Some((keys, promise)) = self.later.borrow().clone() else { return Ok(Vec::new()) };
        let failed = || StoreError::Unavailable("the deals could not be read".into());
        let values = wasm_bindgen_futures::JsFuture::from(promise).await.map_err(|_| failed())?;
        let values = values.dyn_into::<js_sys::Array>().map_err(|_| failed())?;
        if values.length() as usize != keys.len() {
            return Err(failed());
        }
        Ok(keys.into_iter().zip(values.iter()).map(|(k, v)| (k, bytes_of(&v))).collect())
    }

    async fn read_log(&self, after: u64) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
        let fail = |e: idb::Error| classify(&e, false);
        let tx = self.db.transaction(&[LOG], TransactionMode::ReadOnly).map_err(fail)?;
        let log = tx.object_store(LOG).map_err(fail)?;
        read_tail(&log, after).await.map_err(fail)
    }

    async fn load_prefix(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let fail = |e: idb::Error| classify(&e, false);
        let tx = self.db.transaction(&[SEGMENTS], TransactionMode::ReadOnly).map_err(fail)?;
        let store = tx.object_store(SEGMENTS).map_err(fail)?;
        let range = || prefix_range(prefix).map_err(fail);
        let keys = store.get_all_keys(Some(range()?), None).map_err(fail)?.await.map_err(fail)?;
        let values = store.get_all(Some(range()?), None).map_err(fail)?.await.map_err(fail)?;
        Ok(keys.into_iter().zip(values).map(|(k, v)| (k.as_string().unwrap_or_default(), bytes_of(&v))).collect())
    }

    async fn transact<E>(
        &self,
        seen: u64,
        decide: impl FnOnce(Vec<(u64, Vec<u8>)>) -> Result<WriteBatch, E>,
    ) -> Result<Result<(), E>, StoreError> {
        if self.stale.get() {
            return Err(StoreError::Newer);
        }
        let fail = |e: idb::Error| classify(&e, true);
        let tx = self.db.transaction(&[SEGMENTS, LOG], TransactionMode::ReadWrite).map_err(fail)?;
        let log = tx.object_store(LOG).map_err(fail)?;
        let tail = read_tail(&log, seen).await.map_err(fail)?;
        // Worked out while the transaction waits: nothing is awaited before the writes are queued.
        let batch = match decide(tail) {
            Ok(batch) => batch,
            Err(e) => {
                let _ = tx.abort();
                return Ok(Err(e));
            }
        };
        let segments = tx.object_store(SEGMENTS).map_err(fail)?;
        if let Err(e) = queue(&segments, &log, &batch, self.fail_at_put.take()) {
            // Nothing of this batch may land: take back the requests already queued.
            let _ = tx.abort();
            return Err(e);
        }
        match tx.commit().map_err(fail)?.await.map_err(fail)? {
            TransactionResult::Committed => Ok(Ok(())),
            TransactionResult::Aborted => Err(StoreError::WriteFailed("transaction aborted".into())),
        }
    }
}

/// Log entries after `after`, in order.
async fn read_tail(log: &idb::ObjectStore, after: u64) -> Result<Vec<(u64, Vec<u8>)>, idb::Error> {
    let range = || KeyRange::lower_bound(&JsValue::from_f64(after as f64), Some(true)).map(Query::KeyRange);
    let keys = log.get_all_keys(Some(range()?), None)?.await?;
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let values = log.get_all(Some(range()?), None)?.await?;
    Ok(keys.iter().zip(values).map(|(k, v)| (seq_of(k), bytes_of(&v))).collect())
}

/// Queues a batch's requests in order: cleared ranges, deletes, puts, then the log.
fn queue(
    segments: &idb::ObjectStore,
    log: &idb::ObjectStore,
    batch: &WriteBatch,
    fail_at: Option<usize>,
) -> Result<(), StoreError> {
    let fail = |e: idb::Error| classify(&e, true);
    for prefix in &batch.clear {
        segments.delete(prefix_range(prefix).map_err(fail)?).map_err(fail)?;
    }
    for key in &batch.deletes {
        segments.delete(JsValue::from_str(key)).map_err(fail)?;
    }
    for (i, (key, body)) in batch.puts.iter().enumerate() {
        let key = if fail_at == Some(i) { JsValue::from_f64(f64::NAN) } else { JsValue::from_str(key) };
        segments.put(&js_bytes(body), Some(&key)).map_err(fail)?;
    }
    for seq in &batch.log_deletes {
        log.delete(JsValue::from_f64(*seq as f64)).map_err(fail)?;
    }
    for (seq, body) in &batch.log {
        log.put(&js_bytes(body), Some(&JsValue::from_f64(*seq as f64))).map_err(fail)?;
    }
    Ok(())
}

/// Every segment key (attached files sort after `~`).
fn segment_range() -> Result<Query, idb::Error> {
    KeyRange::upper_bound(&JsValue::from_str("~"), Some(true)).map(Query::KeyRange)
}

/// Every key that starts with `prefix`.
fn prefix_range(prefix: &str) -> Result<Query, idb::Error> {
    let end = format!("{prefix}\u{ffff}");
    KeyRange::bound(&JsValue::from_str(prefix), &JsValue::from_str(&end), None, None).map(Query::KeyRange)
}

/// Reads one schema-1 value (JSON text) with the browser's JSON parser. `id`, `name`, `created`
/// and `updated` are required; other fields default like schema 1's reader did.
fn v1_from_json(value: &JsValue) -> Result<CustomerV1, String> {
    let text = value.as_string().ok_or("not text")?;
    let object = js_sys::JSON::parse(&text).map_err(|_| "not JSON".to_owned())?;
    if !object.is_object() {
        return Err("not a JSON object".into());
    }
    let field = |name: &str| js_sys::Reflect::get(&object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
    let text = |name: &str| field(name).as_string().unwrap_or_default();
    let number = |name: &str| field(name).as_f64();
    let required = |name: &str| number(name).filter(|n| n.is_finite()).ok_or(format!("missing {name}"));
    let name = field("name").as_string().ok_or("missing name")?;
    Ok(CustomerV1 {
        id: uuid::Uuid::parse_str(&text("id")).map_err(|_| "bad id".to_owned())?,
        name,
        company_type: text("company_type"),
        industry: text("industry"),
        region: text("region"),
        contact: text("contact"),
        phone: text("phone"),
        email: text("email"),
        value: number("value").unwrap_or(0.0),
        intent: number("intent").map_or(0, |n| n as u8),
        notes: text("notes"),
        created: required("created")? as i64,
        updated: required("updated")? as i64,
        deleted: field("deleted").as_bool().unwrap_or(false),
    })
}
