//! Driving a replica against a backend: opening (with the rewrite an older store needs first),
//! writing every pending command, and catching up with other writers. Generic over the backend
//! and over where the replica is kept, so the page (IndexedDB, the replica in the app's state)
//! and the native tests (memory) run the same steps.

use std::cell::RefCell;
use std::future::Future;

use super::migrate::{self, Migrations, Without};
use super::replica::{Catch, Caught, Decoding, Notice, Opened, Replica};
use super::{files, Backend, Loaded, StoreError};
use crate::domain::{ChangeSet, DeviceId};

/// Where a replica is kept. It is only ever borrowed between awaits, never across one: the page
/// renders (and reads the replica) while a write's transaction is under way.
pub trait Holder {
    /// Runs `f` on the replica; None when there is none (the page is not loaded).
    fn with<R>(&self, f: impl FnOnce(&mut Replica) -> R) -> Option<R>;
    /// Told right after the replica changed in memory (the page brings its indexes and views up
    /// to date at once).
    fn changed(&self, _changes: &ChangeSet) {}
}

impl Holder for RefCell<Replica> {
    fn with<R>(&self, f: impl FnOnce(&mut Replica) -> R) -> Option<R> {
        Some(f(&mut self.borrow_mut()))
    }
}

fn gone() -> StoreError {
    StoreError::Unavailable("not loaded".into())
}

/// Segments decoded between pauses when a store is read while the page is in use.
const DECODE_PART: usize = 40;

/// Opens the store: reads it (in parts, calling `pause` in between), converts an older schema or
/// an odd layout (see `rewrite`), and returns the replica. `migrations` is asked for the reading
/// of older schemas only if the store holds such data.
pub async fn open<B: Backend, F: Future<Output = ()>>(
    backend: &B,
    device: DeviceId,
    pause: impl Fn() -> F,
    migrations: &impl Migrations,
) -> Result<Replica, StoreError> {
    let opened = first_read(backend, device, &pause, migrations).await?;
    if !opened.needs_rewrite {
        return Ok(opened.replica);
    }
    rewrite(backend, opened, &pause, migrations).await
}

/// The first read of `open`: the store decoded, older schemas converted in memory. A store that
/// `needs_rewrite` must go through `rewrite` before anything else is written.
pub async fn first_read<B: Backend, F: Future<Output = ()>>(
    backend: &B,
    device: DeviceId,
    pause: &impl Fn() -> F,
    migrations: &impl Migrations,
) -> Result<Opened, StoreError> {
    read_with(backend, device, pause, migrations).await
}

/// Writes an opened store again in today's layout (attached files moved to their keys by entry
/// id if an older schema was converted), in one transaction if nobody wrote since it was read;
/// otherwise reads it again and retries. Returns the replica of what was written.
pub async fn rewrite<B: Backend, F: Future<Output = ()>>(
    backend: &B,
    mut opened: Opened,
    pause: &impl Fn() -> F,
    migrations: &impl Migrations,
) -> Result<Replica, StoreError> {
    let device = opened.replica.device();
    opened.replica.decode_deferred()?;
    for _ in 0..4 {
        if !opened.needs_rewrite {
            return Ok(opened.replica);
        }
        let mut batch = opened.rewrite_batch();
        if opened.migrated {
            let migration = migrations.get().await?;
            let stored = backend.load_prefix(files::FILE_PREFIX).await?;
            let (puts, deletes) = (migration.file_moves)(opened.replica.archive(), stored);
            batch.deletes.extend(deletes);
            batch.puts.extend(puts);
        }
        let seen = opened.replica.seen();
        // Written only if nobody wrote since it was read; otherwise read again.
        match backend.transact(seen, |tail| if tail.is_empty() { Ok(batch) } else { Err(()) }).await? {
            Ok(()) => return read(backend, device, pause).await.map(|o| o.replica),
            Err(()) => opened = read_with(backend, device, pause, migrations).await?,
        }
    }
    Err(StoreError::Blocked)
}

/// Reads and decodes the store (in today's schema: `open` converted older data) without writing
/// anything.
pub async fn read<B: Backend, F: Future<Output = ()>>(
    backend: &B,
    device: DeviceId,
    pause: &impl Fn() -> F,
) -> Result<Opened, StoreError> {
    read_with(backend, device, pause, &Without).await
}

async fn read_with<B: Backend, F: Future<Output = ()>>(
    backend: &B,
    device: DeviceId,
    pause: &impl Fn() -> F,
    migrations: &impl Migrations,
) -> Result<Opened, StoreError> {
    read_by(backend, device, pause, migrations, (Decoding::new, false)).await
}

/// The page's first read: as `first_read`, but the kinds the customer list does not need stay
/// stored bytes until the replica's `decode_deferred` (which the write path runs), and the
/// buckets the backend hands over later stay unread until the replica's `take_later`. A store
/// that `needs_rewrite` is handed to the write path, which decodes them first (after
/// `take_later`).
pub async fn first_read_deferring<B: Backend, F: Future<Output = ()>>(
    backend: &B,
    device: DeviceId,
    pause: &impl Fn() -> F,
    migrations: &impl Migrations,
) -> Result<Opened, StoreError> {
    read_by(backend, device, pause, migrations, (Decoding::deferring, true)).await
}

/// `first_read_deferring` of a read the backend did not make: the page's early read (by the
/// service worker or index.html, before the module started; see `idb::take_early`).
pub async fn decode_first_read<F: Future<Output = ()>>(
    loaded: Loaded,
    device: DeviceId,
    pause: &impl Fn() -> F,
    migrations: &impl Migrations,
) -> Result<Opened, StoreError> {
    decode(loaded, device, pause, migrations, Decoding::deferring).await
}

/// Starts reading stored segments: all kinds (`Decoding::new`), or deferring some
/// (`Decoding::deferring`, and true), passed as a function so that the page's first read reaches
/// no other kind's decoder.
type StartDecoding = (Decoder, bool);
type Decoder = fn(Vec<(String, Vec<u8>)>, Option<&'static migrate::Migration>) -> Decoding;

async fn read_by<B: Backend, F: Future<Output = ()>>(
    backend: &B,
    device: DeviceId,
    pause: &impl Fn() -> F,
    migrations: &impl Migrations,
    (decoding, deferring): StartDecoding,
) -> Result<Opened, StoreError> {
    let mut loaded = backend.load().await?;
    // Only the deferring read leaves the buckets the backend hands over later for the replica
    // to take (`Replica::take_later`); any other read has them now.
    if !deferring && !loaded.later.is_empty() {
        loaded.segments.extend(backend.load_later().await?);
        loaded.later.clear();
    }
    decode(loaded, device, pause, migrations, decoding).await
}

/// Decodes what a `load` read (asking `migrations` for the code only if a segment is of an
/// older schema), pausing between parts.
async fn decode<F: Future<Output = ()>>(
    loaded: Loaded,
    device: DeviceId,
    pause: &impl Fn() -> F,
    migrations: &impl Migrations,
    decoding: Decoder,
) -> Result<Opened, StoreError> {
    let head = loaded.head;
    let migration = if migrate::has_old_segments(&loaded.segments) { Some(migrations.get().await?) } else { None };
    let mut decoding = decoding(loaded.segments, migration);
    decoding.expect_later(loaded.later);
    while !decoding.decode_some(DECODE_PART)? {
        pause().await;
    }
    Ok(decoding.finish(head, device))
}

/// What a flush or a catch-up did.
#[derive(Debug, Default)]
pub struct Flushed {
    /// Everything that changed in memory (others' records, commands applied again or taken back).
    pub changed: ChangeSet,
    /// Others' changes taken in, with what to tell the user.
    pub caught: Caught,
    /// The store refused; the pending commands were taken back.
    pub error: Option<StoreError>,
    /// Bytes the last write put (segments and log).
    pub bytes: usize,
    /// The last write replaced everything (a restore, demo data).
    pub replaced: bool,
}

impl Flushed {
    fn take(&mut self, caught: Caught) {
        self.changed.extend(&caught.changed);
        self.caught.changed.extend(&caught.changed);
        self.caught.notices.extend(caught.notices);
        for who in caught.from {
            if !self.caught.from.contains(&who) {
                self.caught.from.push(who);
            }
        }
    }
}

/// Writes every pending command in one transaction, taking in what other writers saved first.
/// When their entries cannot be taken in one by one, the whole store is read again and the
/// commands applied on top of it.
pub async fn flush<B: Backend, F: Future<Output = ()>>(
    backend: &B,
    holder: &impl Holder,
    pause: impl Fn() -> F,
) -> Flushed {
    let mut out = Flushed::default();
    for _ in 0..8 {
        let Some(seen) = holder.with(|r| r.has_pending().then(|| r.seen())).flatten() else { return out };
        let mut caught = None;
        let written = backend
            .transact(seen, |tail| {
                let (batch, c) = holder.with(|r| r.prepare(tail)).unwrap_or(Err(Catch::Store(gone())))?;
                caught = Some(c);
                out.bytes = batch.bytes();
                out.replaced = holder.with(|r| r.replacing()).unwrap_or(false);
                Ok::<_, Catch>(batch)
            })
            .await;
        if let Some(c) = caught {
            holder.changed(&c.changed);
            out.take(c);
        }
        match written {
            Ok(Ok(())) => {
                let changed = holder.with(|r| r.finish(Ok(()))).unwrap_or_default();
                holder.changed(&changed);
                out.changed.extend(&changed);
                return out;
            }
            // A replacement, a gap, or a log entry this build cannot read: the store is read
            // again from its segments (which hold everything that was saved), and the commands
            // applied on top.
            Ok(Err(catch @ (Catch::Reload | Catch::Store(StoreError::Corrupt { .. })))) => {
                if let Catch::Store(StoreError::Corrupt { key, .. }) = catch {
                    out.caught.notices.push(Notice::Unreadable { what: key });
                }
                if let Err(e) = reload(backend, holder, &pause, &mut out).await {
                    return fail(holder, e, out);
                }
            }
            Ok(Err(Catch::Store(e))) | Err(e) => return fail(holder, e, out),
        }
    }
    fail(holder, StoreError::Blocked, out)
}

fn fail(holder: &impl Holder, error: StoreError, mut out: Flushed) -> Flushed {
    let changed = holder.with(|r| r.finish(Err(error.clone()))).unwrap_or_default();
    holder.changed(&changed);
    out.changed.extend(&changed);
    out.error = Some(error);
    out
}

async fn reload<B: Backend, F: Future<Output = ()>>(
    backend: &B,
    holder: &impl Holder,
    pause: &impl Fn() -> F,
    out: &mut Flushed,
) -> Result<(), StoreError> {
    let device = holder.with(|r| r.device()).ok_or_else(gone)?;
    let opened = read(backend, device, pause).await?;
    let changed = holder.with(|r| r.replace_confirmed(opened)).ok_or_else(gone)?;
    holder.changed(&changed);
    out.changed.extend(&changed);
    out.caught.changed.extend(&changed);
    Ok(())
}

/// Takes in what other writers saved since this replica last looked (another tab said so).
pub async fn catch_up<B: Backend, F: Future<Output = ()>>(
    backend: &B,
    holder: &impl Holder,
    pause: impl Fn() -> F,
) -> Flushed {
    let mut out = Flushed::default();
    let Some(seen) = holder.with(|r| r.seen()) else { return out };
    let tail = match backend.read_log(seen).await {
        Ok(tail) => tail,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    // Another write may have taken these in meanwhile: only what is still new counts.
    let now_seen = holder.with(|r| r.seen()).unwrap_or(u64::MAX);
    let tail: Vec<(u64, Vec<u8>)> = tail.into_iter().filter(|(seq, _)| *seq > now_seen).collect();
    match holder.with(|r| r.catch_up(tail)).unwrap_or(Ok(Default::default())) {
        Ok(caught) => {
            holder.changed(&caught.changed);
            out.take(caught);
        }
        Err(catch @ (Catch::Reload | Catch::Store(StoreError::Corrupt { .. }))) => {
            if let Catch::Store(StoreError::Corrupt { key, .. }) = catch {
                out.caught.notices.push(Notice::Unreadable { what: key });
            }
            if let Err(e) = reload(backend, holder, &pause, &mut out).await {
                out.error = Some(e);
            }
        }
        Err(Catch::Store(e)) => out.error = Some(e),
    }
    out
}
