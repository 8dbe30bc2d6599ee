//! The IndexedDB backend, through the `idb` crate: one object store of segments, keyed by
//! segment key, each value the segment's bytes. Each write is one readwrite transaction.
//!
//! Schema 1 kept one flat JSON value per customer in the object store `customers`; opening such
//! a database migrates it into segments in a single transaction, so an interrupted migration
//! leaves the old data as it was.

use std::cell::Cell;

use idb::{Database, Factory, KeyRange, ObjectStoreParams, Query, TransactionMode, TransactionResult};
use wasm_bindgen::{JsCast, JsValue};

use super::migrate::CustomerV1;
use super::segments::{encode, parse_key, segment_key, SEGMENT_SIZE};
use super::{Backend, StoreError, WriteBatch, SCHEMA_VERSION};
use crate::domain::RecordKind;

/// The database the app uses; tests use their own names.
pub const DB_NAME: &str = "pocket-crm";
const SEGMENTS: &str = "segments";
/// Schema 1's object store of one value per customer.
pub const LEGACY_CUSTOMERS: &str = "customers";

/// Segment bodies are stored as `Uint8Array`s: cloning bytes in and out of IndexedDB is a copy,
/// where strings with Chinese text would be converted to and from UTF-16.
fn js_bytes(body: &[u8]) -> JsValue {
    js_sys::Uint8Array::from(body).into()
}

/// A stored body as bytes; anything else (a value written by something else) reads as empty,
/// which the segment decoder reports as unreadable.
fn bytes_of(value: &JsValue) -> Vec<u8> {
    value.dyn_ref::<js_sys::Uint8Array>().map(|a| a.to_vec()).unwrap_or_default()
}

pub struct IdbBackend {
    db: Database,
    /// Test hook: make the n-th put of the next write fail inside the transaction.
    fail_at_put: Cell<Option<usize>>,
}

/// Turns what IndexedDB reports into what the user can be told.
fn classify(error: &idb::Error, write: bool) -> StoreError {
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
    /// Opens (creating or upgrading) the database `name` and migrates schema-1 data.
    pub async fn open(name: &str) -> Result<IdbBackend, StoreError> {
        let unavailable = |e: idb::Error| StoreError::Unavailable(e.to_string());
        let factory = Factory::new().map_err(unavailable)?;
        let mut request = factory.open(name, Some(SCHEMA_VERSION)).map_err(unavailable)?;
        request.on_upgrade_needed(|event| {
            use idb::DatabaseEvent;
            let Ok(db) = event.database() else { return };
            if !db.store_names().iter().any(|s| s == SEGMENTS) {
                // A failure here aborts the upgrade; the open request then reports it.
                let _ = db.create_object_store(SEGMENTS, ObjectStoreParams::new());
            }
        });
        let blocked = std::rc::Rc::new(Cell::new(false));
        let flag = blocked.clone();
        request.on_blocked(move |_| flag.set(true));
        let mut db = request.await.map_err(|e| if blocked.get() { StoreError::Blocked } else { unavailable(e) })?;
        // A newer version opened in another tab: let it upgrade instead of blocking it.
        db.on_version_change(|event| {
            if let Some(db) = event.target().and_then(|t| t.dyn_into::<web_sys::IdbDatabase>().ok()) {
                db.close();
            }
        });
        let backend = IdbBackend { db, fail_at_put: Cell::new(None) };
        if let Err(e) = backend.migrate_legacy().await {
            // Do not keep a connection that would block a later delete or upgrade.
            backend.close();
            return Err(e);
        }
        Ok(backend)
    }

    /// Closes the connection (after running transactions finish).
    pub fn close(&self) {
        self.db.close();
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

    async fn migrate_legacy(&self) -> Result<(), StoreError> {
        if !self.db.store_names().iter().any(|s| s == LEGACY_CUSTOMERS) {
            return Ok(());
        }
        let fail = |e: idb::Error| classify(&e, true);
        let tx = self.db.transaction(&[LEGACY_CUSTOMERS, SEGMENTS], TransactionMode::ReadWrite).map_err(fail)?;
        let legacy = tx.object_store(LEGACY_CUSTOMERS).map_err(fail)?;
        let values = legacy.get_all(None, None).map_err(fail)?.await.map_err(fail)?;
        if values.is_empty() {
            return Ok(());
        }
        let mut customers = Vec::with_capacity(values.len());
        for value in values {
            match v1_from_json(&value) {
                Ok(old) => customers.push(old.into_customer()),
                Err(reason) => {
                    let _ = tx.abort();
                    return Err(StoreError::Corrupt { key: format!("{LEGACY_CUSTOMERS} (schema 1)"), reason });
                }
            }
        }
        let segments = tx.object_store(SEGMENTS).map_err(fail)?;
        let existing = segments.get_all_keys(None, None).map_err(fail)?.await.map_err(fail)?;
        let first = existing
            .iter()
            .filter_map(|k| k.as_string())
            .filter_map(|k| parse_key(&k))
            .filter(|(kind, _)| *kind == RecordKind::Customer)
            .map(|(_, n)| n + 1)
            .max()
            .unwrap_or(0);
        for (i, chunk) in customers.chunks(SEGMENT_SIZE).enumerate() {
            let key = JsValue::from_str(&segment_key(RecordKind::Customer, first + i));
            segments.put(&js_bytes(&encode(chunk)), Some(&key)).map_err(fail)?;
        }
        legacy.clear().map_err(fail)?;
        match tx.commit().map_err(fail)?.await.map_err(fail)? {
            TransactionResult::Committed => Ok(()),
            TransactionResult::Aborted => Err(StoreError::WriteFailed("migration aborted".into())),
        }
    }
}

impl Backend for IdbBackend {
    async fn load(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let fail = |e: idb::Error| classify(&e, false);
        let tx = self.db.transaction(&[SEGMENTS], TransactionMode::ReadOnly).map_err(fail)?;
        let store = tx.object_store(SEGMENTS).map_err(fail)?;
        // Segments only: attached files sort after `~`.
        let range = || KeyRange::upper_bound(&JsValue::from_str("~"), Some(true)).map(Query::KeyRange).map_err(fail);
        let keys = store.get_all_keys(Some(range()?), None).map_err(fail)?.await.map_err(fail)?;
        let values = store.get_all(Some(range()?), None).map_err(fail)?.await.map_err(fail)?;
        Ok(keys.into_iter().zip(values).map(|(k, v)| (k.as_string().unwrap_or_default(), bytes_of(&v))).collect())
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

    async fn write(&self, batch: WriteBatch) -> Result<(), StoreError> {
        if batch.is_empty() {
            return Ok(());
        }
        let fail = |e: idb::Error| classify(&e, true);
        let tx = self.db.transaction(&[SEGMENTS], TransactionMode::ReadWrite).map_err(fail)?;
        let store = tx.object_store(SEGMENTS).map_err(fail)?;
        let fail_at = self.fail_at_put.take();
        let mut queued = Ok(());
        // Requests run in order: the cleared ranges go before the puts.
        for prefix in &batch.clear {
            if let Err(e) = prefix_range(prefix).and_then(|range| store.delete(range)).map_err(fail) {
                queued = Err(e);
                break;
            }
        }
        let puts = if queued.is_ok() { batch.puts.as_slice() } else { &[] };
        for (i, (key, body)) in puts.iter().enumerate() {
            let key = if fail_at == Some(i) { JsValue::from_f64(f64::NAN) } else { JsValue::from_str(key) };
            if let Err(e) = store.put(&js_bytes(body), Some(&key)) {
                queued = Err(fail(e));
                break;
            }
        }
        if queued.is_ok() {
            for key in &batch.deletes {
                if let Err(e) = store.delete(JsValue::from_str(key)) {
                    queued = Err(fail(e));
                    break;
                }
            }
        }
        if let Err(e) = queued {
            // Nothing of this batch may land: take back the puts already queued.
            let _ = tx.abort();
            return Err(e);
        }
        match tx.commit().map_err(fail)?.await.map_err(fail)? {
            TransactionResult::Committed => Ok(()),
            TransactionResult::Aborted => Err(StoreError::WriteFailed("transaction aborted".into())),
        }
    }
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
