//! An in-memory backend for tests, with a switch to make the next write fail. Several replicas
//! may share one (as tabs share one IndexedDB database); each `transact` is atomic.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::ops::Bound;

use super::{Backend, Loaded, StoreError, WriteBatch};

#[derive(Default)]
pub struct MemoryBackend {
    segments: RefCell<BTreeMap<String, Vec<u8>>>,
    log: RefCell<BTreeMap<u64, Vec<u8>>>,
    fail_next_write: Cell<Option<StoreError>>,
    writes: Cell<usize>,
    /// Segments whose keys start with this are handed over by `load_later`, as IndexedDB's
    /// first read hands over the deals (see `hand_later`).
    later_prefix: RefCell<Option<String>>,
    /// What the last `load` left for `load_later`, as of that load.
    later: RefCell<Vec<(String, Vec<u8>)>>,
}

impl MemoryBackend {
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes the next write fail with `error` and change nothing.
    pub fn fail_next_write(&self, error: StoreError) {
        self.fail_next_write.set(Some(error));
    }

    /// A copy of what is stored (segments and files), for assertions.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        self.segments.borrow().clone()
    }

    /// A copy of the log.
    pub fn log_snapshot(&self) -> BTreeMap<u64, Vec<u8>> {
        self.log.borrow().clone()
    }

    /// Replaces a stored body directly, as a damaged disk or an old version would have left it.
    pub fn put_raw(&self, key: &str, body: &[u8]) {
        self.segments.borrow_mut().insert(key.to_owned(), body.to_vec());
    }

    /// Replaces a log entry directly.
    pub fn put_raw_log(&self, seq: u64, body: &[u8]) {
        self.log.borrow_mut().insert(seq, body.to_vec());
    }

    /// From now on, `load` leaves the bodies of segments whose keys start with `prefix` for
    /// `load_later` (as the page's first read does with the deals).
    pub fn hand_later(&self, prefix: &str) {
        *self.later_prefix.borrow_mut() = Some(prefix.to_owned());
    }

    pub fn writes(&self) -> usize {
        self.writes.get()
    }

    fn apply(&self, batch: WriteBatch) {
        let mut segments = self.segments.borrow_mut();
        for prefix in &batch.clear {
            segments.retain(|key, _| !key.starts_with(prefix.as_str()));
        }
        for key in batch.deletes {
            segments.remove(&key);
        }
        for (key, body) in batch.puts {
            segments.insert(key, body);
        }
        let mut log = self.log.borrow_mut();
        for seq in batch.log_deletes {
            log.remove(&seq);
        }
        log.extend(batch.log);
        self.writes.set(self.writes.get() + 1);
    }
}

impl Backend for MemoryBackend {
    async fn load(&self) -> Result<Loaded, StoreError> {
        let (later, segments): (Vec<_>, Vec<_>) = self
            .segments
            .borrow()
            .range::<str, _>((Bound::Unbounded, Bound::Excluded("~")))
            .map(|(k, v)| (k.clone(), v.clone()))
            .partition(|(k, _)| self.later_prefix.borrow().as_ref().is_some_and(|p| k.starts_with(p.as_str())));
        let keys = later.iter().map(|(k, _)| k.clone()).collect();
        *self.later.borrow_mut() = later;
        Ok(Loaded { segments, head: self.log.borrow().keys().next_back().copied().unwrap_or(0), later: keys })
    }

    async fn load_later(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        Ok(self.later.borrow().clone())
    }

    async fn read_log(&self, after: u64) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
        Ok(self.log.borrow().range(after + 1..).map(|(k, v)| (*k, v.clone())).collect())
    }

    async fn load_prefix(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        Ok(self
            .segments
            .borrow()
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }

    async fn transact<E>(
        &self,
        seen: u64,
        decide: impl FnOnce(Vec<(u64, Vec<u8>)>) -> Result<WriteBatch, E>,
    ) -> Result<Result<(), E>, StoreError> {
        let tail = self.read_log(seen).await?;
        let batch = match decide(tail) {
            Ok(batch) => batch,
            Err(e) => return Ok(Err(e)),
        };
        if let Some(error) = self.fail_next_write.take() {
            return Err(error);
        }
        if !batch.is_empty() {
            self.apply(batch);
        }
        Ok(Ok(()))
    }
}
