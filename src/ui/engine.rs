//! The write path: applying commands (every command's rules and undo), writing them in one
//! transaction over other writers' changes, and taking in what other tabs saved. The customer
//! list shows without any of it, so it is a chunk of its own (`#[wasm_split]` with the `split`
//! feature), loaded by the first write or the first save heard from another tab, and fetched
//! right after the list has loaded so that a first edit does not wait for it.
//!
//! The page reaches the write path only through the `Engine` trait object the chunk returns:
//! that keeps every function behind it (and the commands' code) out of the first load. Also
//! here: the reading of older schemas, a chunk loaded only for a store that holds old data.

use std::future::Future;
use std::pin::Pin;

use super::areas::LoadFailed;
use crate::domain::{ChangeSet, Command, DomainError, Timestamp, UtcOffset};
use crate::store::idb::IdbBackend;
use crate::store::migrate::{Migration, Migrations, MIGRATION};
use crate::store::writer::{self, Flushed, Holder};
use crate::store::{Opened, Replica, StoreError, Ticket};

/// A write or catch-up under way.
pub type Writing<'a> = Pin<Box<dyn Future<Output = Flushed> + 'a>>;

/// What the write path's chunk offers the page.
pub trait Engine {
    /// Applies `command` to the replica in memory (see `Replica::apply`).
    #[allow(clippy::too_many_arguments)]
    fn apply(
        &self,
        replica: &mut Replica,
        command: Command,
        user: &str,
        now: Timestamp,
        offset: UtcOffset,
        files: Vec<(String, Vec<u8>)>,
        replace_files: bool,
    ) -> Result<(Ticket, ChangeSet), DomainError>;

    /// Writes every pending command (see `writer::flush`); `pause` lets the page paint between
    /// parts of a long job.
    fn flush<'a>(&self, backend: &'a IdbBackend, holder: &'a dyn Keeper) -> Writing<'a>;

    /// Takes in what other writers saved (see `writer::catch_up`).
    fn catch_up<'a>(&self, backend: &'a IdbBackend, holder: &'a dyn Keeper) -> Writing<'a>;

    /// Writes a store opened in an older schema or an odd layout again (see `writer::rewrite`).
    fn rewrite<'a>(&self, backend: &'a IdbBackend, opened: Opened) -> Rewriting<'a>;

    /// Decodes the kinds the first read left as stored bytes (`Replica::decode_deferred`): their
    /// decoding code is here, out of the first load.
    fn decode_rest(&self, replica: &mut Replica) -> Result<ChangeSet, StoreError>;
}

/// A store's rewrite under way, ending with its replica.
pub type Rewriting<'a> = Pin<Box<dyn Future<Output = Result<Replica, StoreError>> + 'a>>;

/// Where the page keeps its replica, as the write path sees it (object-safe `writer::Holder`).
pub trait Keeper {
    fn with_replica(&self, f: &mut dyn FnMut(&mut Replica));
    fn changed(&self, changes: &ChangeSet);
    fn pause(&self) -> Pin<Box<dyn Future<Output = ()>>>;
}

/// `writer::Holder` over a `Keeper`.
struct Held<'a>(&'a dyn Keeper);

impl Holder for Held<'_> {
    fn with<R>(&self, f: impl FnOnce(&mut Replica) -> R) -> Option<R> {
        let mut f = Some(f);
        let mut out = None;
        self.0.with_replica(&mut |replica| {
            if let Some(f) = f.take() {
                out = Some(f(replica));
            }
        });
        out
    }

    fn changed(&self, changes: &ChangeSet) {
        self.0.changed(changes);
    }
}

struct Writer;

impl Engine for Writer {
    fn apply(
        &self,
        replica: &mut Replica,
        command: Command,
        user: &str,
        now: Timestamp,
        offset: UtcOffset,
        files: Vec<(String, Vec<u8>)>,
        replace_files: bool,
    ) -> Result<(Ticket, ChangeSet), DomainError> {
        replica.apply(command, user, now, offset, files, replace_files)
    }

    fn flush<'a>(&self, backend: &'a IdbBackend, keeper: &'a dyn Keeper) -> Writing<'a> {
        Box::pin(async move { writer::flush(backend, &Held(keeper), || keeper.pause()).await })
    }

    fn catch_up<'a>(&self, backend: &'a IdbBackend, keeper: &'a dyn Keeper) -> Writing<'a> {
        Box::pin(async move { writer::catch_up(backend, &Held(keeper), || keeper.pause()).await })
    }

    fn rewrite<'a>(&self, backend: &'a IdbBackend, opened: Opened) -> Rewriting<'a> {
        Box::pin(async move { writer::rewrite(backend, opened, &|| async {}, &LoadMigration).await })
    }

    fn decode_rest(&self, replica: &mut Replica) -> Result<ChangeSet, StoreError> {
        replica.decode_deferred()
    }
}

/// The write path, loading its chunk first (once).
#[cfg_attr(feature = "split", leptos::wasm_split::wasm_split(write, wasm_split_path = ::leptos::wasm_split, fallible))]
pub fn write_engine() -> Result<&'static dyn Engine, LoadFailed> {
    Ok(&Writer)
}

/// The reading of older schemas: a chunk of its own, loaded only when a store holds old data.
#[cfg_attr(feature = "split", leptos::wasm_split::wasm_split(migrate, wasm_split_path = ::leptos::wasm_split, fallible))]
fn migration() -> Result<&'static Migration, LoadFailed> {
    Ok(&MIGRATION)
}

/// `Migrations` for the page: loads the migration's chunk when asked.
pub struct LoadMigration;

impl Migrations for LoadMigration {
    async fn get(&self) -> Result<&'static Migration, StoreError> {
        #[cfg(feature = "split")]
        let loaded = migration().await;
        #[cfg(not(feature = "split"))]
        let loaded = migration();
        loaded.map_err(|_| StoreError::Unavailable("the migration of older data did not load".into()))
    }
}
