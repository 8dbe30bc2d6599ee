//! An in-memory backend for tests, with a switch to make the next write fail.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use super::{Backend, StoreError, WriteBatch};

#[derive(Default)]
pub struct MemoryBackend {
    segments: RefCell<BTreeMap<String, Vec<u8>>>,
    fail_next_write: Cell<Option<StoreError>>,
    writes: Cell<usize>,
}

impl MemoryBackend {
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes the next `write` fail with `error` and change nothing.
    pub fn fail_next_write(&self, error: StoreError) {
        self.fail_next_write.set(Some(error));
    }

    /// A copy of what is stored, for assertions.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        self.segments.borrow().clone()
    }

    /// Replaces a stored body directly, as a damaged disk or an old version would have left it.
    pub fn put_raw(&self, key: &str, body: &[u8]) {
        self.segments.borrow_mut().insert(key.to_owned(), body.to_vec());
    }

    pub fn writes(&self) -> usize {
        self.writes.get()
    }
}

impl Backend for MemoryBackend {
    async fn load(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        Ok(self.segments.borrow().range::<str, _>((std::ops::Bound::Unbounded, std::ops::Bound::Excluded("~"))).map(|(k, v)| (k.clone(), v.clone())).collect())
    }

    async fn load_prefix(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        Ok(self.segments.borrow().range::<str, _>((std::ops::Bound::Included(prefix), std::ops::Bound::Unbounded)).take_while(|(k, _)| k.starts_with(prefix)).map(|(k, v)| (k.clone(), v.clone())).collect())
    }

    async fn write(&self, batch: WriteBatch) -> Result<(), StoreError> {
        if let Some(error) = self.fail_next_write.take() {
            return Err(error);
        }
        let mut segments = self.segments.borrow_mut();
        for prefix in &batch.clear {
            segments.retain(|key, _| !key.starts_with(prefix.as_str()));
        }
        for (key, body) in batch.puts {
            segments.insert(key, body);
        }
        for key in batch.deletes {
            segments.remove(&key);
        }
        self.writes.set(self.writes.get() + 1);
        Ok(())
    }
}
