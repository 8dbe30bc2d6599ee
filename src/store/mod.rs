//! Persistence: a small `Backend` trait that reads and atomically writes named segments, with an
//! IndexedDB implementation for the page and an in-memory one for tests, and the `Repository`
//! that maps the archive's records onto segments.
//!
//! Layout: records of each kind are stored in segments of [`SEGMENT_SIZE`] rows, one IndexedDB
//! value per segment (`customer/000003` holds rows 3000..3999). Loading 100k customers reads
//! 100 values instead of 100,000, and an edit rewrites one segment.

pub mod files;
mod memory;
pub mod migrate;
mod repository;
mod segments;

#[cfg(target_arch = "wasm32")]
pub mod idb;

pub use memory::MemoryBackend;
pub use repository::{ActionError, Applying, Decoding, Pending, Repository, Staged};
pub use segments::{decode as decode_segment, encode as encode_segment, schema_of, segment_key, SEGMENT_SIZE};

/// The schema this build writes. 1 was one flat value per customer; 2 is segments of records;
/// 3 adds customers' owner history.
pub const SCHEMA_VERSION: u32 = 3;

/// What one user action writes: segment bodies to put and segment keys to delete, all or none.
/// `clear` names key prefixes whose values are all deleted before the puts (a restore replaces
/// every attached file).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteBatch {
    pub puts: Vec<(String, Vec<u8>)>,
    pub deletes: Vec<String>,
    pub clear: Vec<String>,
}

impl WriteBatch {
    pub fn is_empty(&self) -> bool {
        self.puts.is_empty() && self.deletes.is_empty() && self.clear.is_empty()
    }
    pub fn bytes(&self) -> usize {
        self.puts.iter().map(|(k, v)| k.len() + v.len()).sum()
    }
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
    /// A stored segment could not be read; it is left untouched.
    Corrupt { key: String, reason: String },
    /// The write failed and was rolled back.
    WriteFailed(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Unavailable(why) => write!(f, "storage unavailable: {why}"),
            StoreError::QuotaExceeded => write!(f, "storage quota exceeded"),
            StoreError::Blocked => write!(f, "database blocked by another tab"),
            StoreError::Corrupt { key, reason } => write!(f, "segment {key} unreadable: {reason}"),
            StoreError::WriteFailed(why) => write!(f, "write failed: {why}"),
        }
    }
}

/// Raw persistence of segments. Implementations must make `write` atomic.
#[allow(async_fn_in_trait)]
pub trait Backend {
    /// Every stored segment as (key, body), in key order; attached files (keys from `~`) are
    /// not segments and are left out.
    async fn load(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError>;
    /// Every value whose key starts with `prefix` (a deal's files), in key order.
    async fn load_prefix(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError>;
    /// Applies the whole batch in one transaction, or nothing of it.
    async fn write(&self, batch: WriteBatch) -> Result<(), StoreError>;
}
