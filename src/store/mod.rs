//! Persistence: a small `Backend` trait over a store of segments and a change log, with an
//! IndexedDB implementation for the page and an in-memory one for tests, and the `Replica`
//! that keeps one writer's copy of the archive in step with the store.
//!
//! Several writers share one store (tabs, the import page, later the team sync). Records are
//! stored in buckets by id (`segments`), and every write is one transaction that first reads
//! the log entries other writers added since this copy last looked, takes them in, applies this
//! writer's commands again on top (they are intentions, so they still mean what the user
//! meant), and only then writes the buckets it changed and its own log entry. No writer ever
//! puts a stale copy of a record over a newer one.

#[cfg(target_arch = "wasm32")]
pub mod couch;
pub mod files;
#[cfg(target_arch = "wasm32")]
pub mod folder;
pub mod log;
mod memory;
pub mod migrate;
mod replica;
pub mod segments;
pub mod writer;

#[cfg(target_arch = "wasm32")]
pub mod idb;

pub use log::LogEntry;
pub use memory::MemoryBackend;
pub use replica::{Catch, Caught, Decoding, Notice, Opened, Outcome, Replica, Saved, Ticket};
pub use segments::{bucket_key, decode as decode_segment, encode as encode_segment, schema_of};

/// The schema this build writes. 1 was one flat value per customer; 2 segments of records by
/// position; 3 added customers' owner history; 4 revisions (per-field stamps), entry ids, buckets
/// by id and the change log; 5 the forecast's kinds (settings, snapshots, categories set on deals);
/// 6 the quota area's (targets, rep profiles, settings, incentive rules, payout statements,
/// evaluations, allotments); 7 stores each entry list as bytes decoded on first use
/// (`domain::entries`). Segments and log entries of 4 to 6 read in their shape (see
/// [`in_shape_of`]); a page of an older schema still open hears of the newer one and asks for a
/// reload instead of reading it.
pub const SCHEMA_VERSION: u32 = 7;

/// The first schema that stores entry lists as bytes (before it, inline).
pub const ENTRIES_AS_BYTES_SINCE: u32 = 7;

/// Runs `f`, which reads or writes records in postcard, in the binary shape of `schema`.
pub fn in_shape_of<R>(schema: u32, f: impl FnOnce() -> R) -> R {
    if schema < ENTRIES_AS_BYTES_SINCE {
        crate::domain::entries::with_inline_entries(f)
    } else {
        f()
    }
}

/// How many record kinds each schema knows. A new kind raises the schema: a tab of an older
/// build then hears of the upgrade and asks for a reload instead of meeting values of a kind it
/// cannot read (which it would keep as they are, see `Decoding`, but not show).
pub const KINDS_OF_SCHEMA: [(u32, usize); 4] = [(4, 6), (5, 9), (6, 17), (7, 17)];

/// What one write puts in the store, all or none: segment bodies to put and keys to delete,
/// key prefixes whose values are all deleted first (a restore replaces every attached file),
/// and log entries to add or drop.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteBatch {
    pub puts: Vec<(String, Vec<u8>)>,
    pub deletes: Vec<String>,
    pub clear: Vec<String>,
    pub log: Vec<(u64, Vec<u8>)>,
    pub log_deletes: Vec<u64>,
}

impl WriteBatch {
    pub fn is_empty(&self) -> bool {
        self.puts.is_empty()
            && self.deletes.is_empty()
            && self.clear.is_empty()
            && self.log.is_empty()
            && self.log_deletes.is_empty()
    }

    pub fn bytes(&self) -> usize {
        self.puts.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>()
            + self.log.iter().map(|(_, v)| v.len()).sum::<usize>()
    }
}

/// Everything a store holds but the attached files: every segment (key, body) in key order,
/// and the number of the last log entry (0: none). A backend may hand some segments' bodies
/// over a moment later, as of the same moment (`later`: their keys; `Backend::load_later`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Loaded {
    pub segments: Vec<(String, Vec<u8>)>,
    pub head: u64,
    pub later: Vec<String>,
}

/// Why a user action did not happen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionError {
    /// The command is not valid (a form's fields, a rule); nothing changed.
    Domain(crate::domain::DomainError),
    /// Applied again over changes saved meanwhile elsewhere, it no longer holds (its customer
    /// was deleted in another tab, say); nothing of it was saved.
    Refused(crate::domain::DomainError),
    /// The store refused the write; nothing of it was saved.
    Store(StoreError),
}

/// Why the store could not do what was asked. Nothing is half written in any of these cases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// The browser offers no storage here (private mode, disabled, or blocked by settings).
    Unavailable(String),
    /// The disk or the browser's quota for this site is full.
    QuotaExceeded,
    /// Another tab holds the database open with an older version.
    Blocked,
    /// A stored segment or log entry could not be read; it is left untouched.
    Corrupt { key: String, reason: String },
    /// The write failed and was rolled back.
    WriteFailed(String),
    /// A newer version of the app has written this store (or opened it in another tab): this
    /// page must be reloaded, and writes nothing until then.
    Newer,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Unavailable(why) => write!(f, "storage unavailable: {why}"),
            StoreError::QuotaExceeded => write!(f, "storage quota exceeded"),
            StoreError::Blocked => write!(f, "database blocked by another tab"),
            StoreError::Corrupt { key, reason } => write!(f, "segment {key} unreadable: {reason}"),
            StoreError::WriteFailed(why) => write!(f, "write failed: {why}"),
            StoreError::Newer => write!(f, "a newer version of the app uses this store"),
        }
    }
}

/// Raw persistence of segments and the log. Implementations must make `transact` atomic and
/// isolated from other writers of the same store.
#[allow(async_fn_in_trait)]
pub trait Backend {
    /// Every segment, and the log's last entry number, as of one moment. Attached files (keys
    /// from `~`) are not segments and are left out.
    async fn load(&self) -> Result<Loaded, StoreError>;
    /// The bodies of the segments the last `load` named `later`, as of the same moment (none
    /// when it named none).
    async fn load_later(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        Ok(Vec::new())
    }
    /// Log entries after number `after`, in order.
    async fn read_log(&self, after: u64) -> Result<Vec<(u64, Vec<u8>)>, StoreError>;
    /// Every value whose key starts with `prefix` (a deal's files), in key order.
    async fn load_prefix(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError>;
    /// One transaction: reads the log entries after `seen`, asks `decide` what to write given
    /// them (synchronously: the transaction stays open), and writes it. `decide` may refuse
    /// with its own error, and then nothing is written.
    async fn transact<E>(
        &self,
        seen: u64,
        decide: impl FnOnce(Vec<(u64, Vec<u8>)>) -> Result<WriteBatch, E>,
    ) -> Result<Result<(), E>, StoreError>;
}

#[cfg(test)]
mod schema_tests {
    use super::*;

    #[test]
    fn a_new_record_kind_comes_with_a_new_schema() {
        let (schema, kinds) = KINDS_OF_SCHEMA[KINDS_OF_SCHEMA.len() - 1];
        assert_eq!(
            (schema, kinds),
            (SCHEMA_VERSION, crate::domain::RecordKind::ALL.len()),
            "a record kind was added or removed: raise SCHEMA_VERSION and add a line to KINDS_OF_SCHEMA"
        );
    }
}
