//! Where the page keeps its side of a CouchDB replication (`sync::book`): an IndexedDB database
//! of its own, apart from the records (which the write path stores), with each document's
//! revision tree keyed by document id, and the checkpoints and change sequence under one key.
//! Opened only when the book replicates, so the first load never reads it.

use idb::{Database, Factory, ObjectStoreParams, TransactionMode};
use wasm_bindgen::JsValue;

use super::idb::{bytes_of, commit, fail, js_bytes};
use super::StoreError;
use crate::sync::book::{meta_from_bytes, meta_to_bytes, BookState, Dirty, DocMeta};

pub const COUCH_DB_NAME: &str = "pocket-crm-couch";
const DOCS: &str = "docs";
const STATE: &str = "state";
const STATE_KEY: &str = "state";

pub struct CouchStore {
    db: Database,
}

impl CouchStore {
    pub async fn open(name: &str) -> Result<CouchStore, StoreError> {
        let fail = fail(false);
        let factory = Factory::new().map_err(&fail)?;
        let mut request = factory.open(name, Some(1)).map_err(&fail)?;
        request.on_upgrade_needed(|event| {
            use idb::DatabaseEvent;
            let Ok(db) = event.database() else { return };
            for store in [DOCS, STATE] {
                if !db.store_names().iter().any(|s| s == store) {
                    let _ = db.create_object_store(store, ObjectStoreParams::new());
                }
            }
        });
        let db = request.await.map_err(&fail)?;
        Ok(CouchStore { db })
    }

    /// Every stored tree (unreadable ones left out: their documents are fetched again) and the
    /// state.
    pub async fn load(&self) -> Result<(Vec<(String, DocMeta)>, BookState), StoreError> {
        let fail = fail(false);
        let tx = self.db.transaction(&[DOCS, STATE], TransactionMode::ReadOnly).map_err(&fail)?;
        let docs = tx.object_store(DOCS).map_err(&fail)?;
        let keys = docs.get_all_keys(None, None).map_err(&fail)?.await.map_err(&fail)?;
        let values = docs.get_all(None, None).map_err(&fail)?.await.map_err(&fail)?;
        let state = tx.object_store(STATE).map_err(&fail)?;
        let stored = state.get(JsValue::from_str(STATE_KEY)).map_err(&fail)?.await.map_err(&fail)?;
        let metas = keys
            .iter()
            .zip(&values)
            .filter_map(|(k, v)| Some((k.as_string()?, meta_from_bytes(&bytes_of(v))?)))
            .collect();
        let state = stored.and_then(|v| serde_json::from_slice(&bytes_of(&v)).ok()).unwrap_or_default();
        Ok((metas, state))
    }

    /// Writes what changed, in one transaction.
    pub async fn write(&self, dirty: &Dirty) -> Result<(), StoreError> {
        if dirty.is_empty() {
            return Ok(());
        }
        let fail = fail(true);
        let tx = self.db.transaction(&[DOCS, STATE], TransactionMode::ReadWrite).map_err(&fail)?;
        let docs = tx.object_store(DOCS).map_err(&fail)?;
        for (id, meta) in &dirty.docs {
            docs.put(&js_bytes(&meta_to_bytes(meta)), Some(&JsValue::from_str(id))).map_err(&fail)?;
        }
        if let Some(state) = &dirty.state {
            let bytes = js_bytes(&serde_json::to_vec(state).unwrap_or_default());
            tx.object_store(STATE).map_err(&fail)?.put(&bytes, Some(&JsValue::from_str(STATE_KEY))).map_err(&fail)?;
        }
        commit(tx).await
    }

    /// Forgets every tree and checkpoint (another database chosen: start over).
    pub async fn clear(&self) -> Result<(), StoreError> {
        let fail = fail(true);
        let tx = self.db.transaction(&[DOCS, STATE], TransactionMode::ReadWrite).map_err(&fail)?;
        tx.object_store(DOCS).map_err(&fail)?.clear().map_err(&fail)?;
        tx.object_store(STATE).map_err(&fail)?.clear().map_err(&fail)?;
        commit(tx).await
    }
}
