//! Where the page keeps the shared folder it syncs change files through (`ui::folder`): the
//! folder's handle (the File System Access API's, which only IndexedDB can keep across visits)
//! and the files taken in from it (`sync::folder::Seen`), in an IndexedDB database of its own,
//! opened only when a folder is in use.

use idb::{Database, Factory, ObjectStoreParams, TransactionMode};
use wasm_bindgen::JsValue;

use super::idb::{commit, fail};
use super::StoreError;
use crate::sync::folder::Seen;

const DB_NAME: &str = "pocket-crm-folder";
const STORE: &str = "folder";
const HANDLE: &str = "handle";
const SEEN: &str = "seen";

pub struct FolderStore {
    db: Database,
}

impl FolderStore {
    pub async fn open() -> Result<FolderStore, StoreError> {
        let fail = fail(false);
        let mut request = Factory::new().map_err(&fail)?.open(DB_NAME, Some(1)).map_err(&fail)?;
        request.on_upgrade_needed(|event| {
            use idb::DatabaseEvent;
            let Ok(db) = event.database() else { return };
            if !db.store_names().iter().any(|s| s == STORE) {
                let _ = db.create_object_store(STORE, ObjectStoreParams::new());
            }
        });
        Ok(FolderStore { db: request.await.map_err(&fail)? })
    }

    /// The folder chosen before (a `FileSystemDirectoryHandle`), and the files taken in from it.
    pub async fn load(&self) -> Result<(Option<JsValue>, Seen), StoreError> {
        let fail = fail(false);
        let tx = self.db.transaction(&[STORE], TransactionMode::ReadOnly).map_err(&fail)?;
        let store = tx.object_store(STORE).map_err(&fail)?;
        let handle = store.get(JsValue::from_str(HANDLE)).map_err(&fail)?.await.map_err(&fail)?;
        let seen = store.get(JsValue::from_str(SEEN)).map_err(&fail)?.await.map_err(&fail)?;
        let seen = seen.and_then(|v| v.as_string()).map(|t| Seen::from_text(&t)).unwrap_or_default();
        Ok((handle.filter(|h| h.is_object()), seen))
    }

    /// Keeps `handle` as the folder, forgetting the files seen in another.
    pub async fn set_handle(&self, handle: &JsValue) -> Result<(), StoreError> {
        self.write(&[(HANDLE, handle.clone()), (SEEN, JsValue::from_str(""))]).await
    }

    pub async fn set_seen(&self, seen: &Seen) -> Result<(), StoreError> {
        self.write(&[(SEEN, JsValue::from_str(&seen.to_text()))]).await
    }

    /// Forgets the folder and what was taken in from it.
    pub async fn forget(&self) -> Result<(), StoreError> {
        let fail = fail(true);
        let tx = self.db.transaction(&[STORE], TransactionMode::ReadWrite).map_err(&fail)?;
        tx.object_store(STORE).map_err(&fail)?.clear().map_err(&fail)?;
        commit(tx).await
    }

    async fn write(&self, entries: &[(&str, JsValue)]) -> Result<(), StoreError> {
        let fail = fail(true);
        let tx = self.db.transaction(&[STORE], TransactionMode::ReadWrite).map_err(&fail)?;
        let store = tx.object_store(STORE).map_err(&fail)?;
        for (key, value) in entries {
            store.put(value, Some(&JsValue::from_str(key))).map_err(&fail)?;
        }
        commit(tx).await
    }
}
