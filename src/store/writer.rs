//! Driving a replica against a backend: opening (with the rewrite an older store needs first),
//! writing every pending command, and catching up with other writers. Generic over the backend,
//! so the page (IndexedDB) and the native tests (memory) run the same steps.

use std::future::Future;

use super::replica::{Catch, Caught, Decoding, Opened, Replica};
use super::{files, migrate, Backend, StoreError};
use crate::domain::{ChangeSet, DeviceId};

/// Segments decoded between pauses when a store is read while the page is in use.
const DECODE_PART: usize = 40;

/// Opens the store: reads it (in parts, calling `pause` in between), converts an older schema or
/// an odd layout in one transaction (moving attached files to their new keys), and returns the
/// replica. If another writer changed the store meanwhile, it reads it again.
pub async fn open<B: Backend, F: Future<Output = ()>>(
    backend: &B,
    device: DeviceId,
    pause: impl Fn() -> F,
) -> Result<Replica, StoreError> {
    for _ in 0..4 {
        let opened = read(backend, device, &pause).await?;
        let Some(mut rewrite) = opened.rewrite else { return Ok(opened.replica) };
        if opened.migrated {
            let stored = backend.load_prefix(files::FILE_PREFIX).await?;
            let (puts, deletes) = migrate::file_moves(opened.replica.archive(), stored);
            rewrite.deletes.extend(deletes);
            rewrite.puts.extend(puts);
        }
        let seen = opened.replica.seen();
        // Written only if nobody wrote since it was read; otherwise read again.
        match backend.transact(seen, |tail| if tail.is_empty() { Ok(rewrite) } else { Err(()) }).await? {
            Ok(()) => return read(backend, device, &pause).await.map(|o| o.replica),
            Err(()) => continue,
        }
    }
    Err(StoreError::Blocked)
}

/// Reads and decodes the store without writing anything.
pub async fn read<B: Backend, F: Future<Output = ()>>(
    backend: &B,
    device: DeviceId,
    pause: &impl Fn() -> F,
) -> Result<Opened, StoreError> {
    let loaded = backend.load().await?;
    let head = loaded.head;
    let mut decoding = Decoding::new(loaded.segments);
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
    replica: &mut Replica,
    pause: impl Fn() -> F,
) -> Flushed {
    let mut out = Flushed::default();
    for _ in 0..8 {
        if !replica.has_pending() {
            return out;
        }
        let seen = replica.seen();
        let mut caught = None;
        let written = backend
            .transact(seen, |tail| {
                let (batch, c) = replica.prepare(tail)?;
                caught = Some(c);
                Ok::<_, Catch>(batch)
            })
            .await;
        if let Some(c) = caught {
            out.take(c);
        }
        match written {
            Ok(Ok(())) => {
                out.changed.extend(&replica.finish(Ok(())));
                return out;
            }
            Ok(Err(Catch::Reload)) => {
                if let Err(e) = reload(backend, replica, &pause, &mut out).await {
                    return fail(replica, e, out);
                }
            }
            Ok(Err(Catch::Store(StoreError::Corrupt { .. }))) => {
                // A log entry this build cannot read: refused, and the store read again from its
                // segments (which hold everything that was saved).
                if let Err(e) = reload(backend, replica, &pause, &mut out).await {
                    return fail(replica, e, out);
                }
            }
            Ok(Err(Catch::Store(e))) | Err(e) => return fail(replica, e, out),
        }
    }
    fail(replica, StoreError::Blocked, out)
}

fn fail(replica: &mut Replica, error: StoreError, mut out: Flushed) -> Flushed {
    out.changed.extend(&replica.finish(Err(error.clone())));
    out.error = Some(error);
    out
}

async fn reload<B: Backend, F: Future<Output = ()>>(
    backend: &B,
    replica: &mut Replica,
    pause: &impl Fn() -> F,
    out: &mut Flushed,
) -> Result<(), StoreError> {
    let opened = read(backend, replica.device(), pause).await?;
    let changed = replica.replace_confirmed(opened);
    out.changed.extend(&changed);
    out.caught.changed.extend(&changed);
    Ok(())
}

/// Takes in what other writers saved since this replica last looked (another tab said so).
pub async fn catch_up<B: Backend, F: Future<Output = ()>>(
    backend: &B,
    replica: &mut Replica,
    pause: impl Fn() -> F,
) -> Flushed {
    let mut out = Flushed::default();
    let tail = match backend.read_log(replica.seen()).await {
        Ok(tail) => tail,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    match replica.catch_up(tail) {
        Ok(caught) => out.take(caught),
        Err(Catch::Reload) | Err(Catch::Store(StoreError::Corrupt { .. })) => {
            if let Err(e) = reload(backend, replica, &pause, &mut out).await {
                out.error = Some(e);
            }
        }
        Err(Catch::Store(e)) => out.error = Some(e),
    }
    out
}
