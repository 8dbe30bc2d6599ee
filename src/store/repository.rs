//! Maps the archive onto segments: decodes a store into an archive, turns each applied command
//! into one atomic write of the segments it touched, and takes the command back if the write
//! fails, so memory and disk never disagree.

use serde::Serialize;

use super::segments::{decode, encode, parse_key, segment_key, SEGMENT_SIZE};
use super::{Backend, StoreError, WriteBatch};
use crate::domain::archive::{Record, Table};
use crate::domain::sorting::sort_rows;
use crate::domain::{Actor, Applied, Archive, ChangeSet, Command, DomainError, RecordKind, Records};

/// Knows how many segments of each kind are stored, so that shrinking writes delete the rest.
#[derive(Debug, Default)]
pub struct Repository {
    stored: PerKind<usize>,
}

/// One value per record kind (an array, not a map: it is tiny and this keeps the wasm small).
type PerKind<T> = [T; RecordKind::ALL.len()];

/// Commands applied in memory, not yet written: one or more that must be saved together.
#[derive(Debug, Default)]
pub struct Applying {
    /// Newest last (each with its changes moved into `changes`).
    applied: Vec<Applied>,
    changes: ChangeSet,
}

impl Applying {
    /// Applies one more command; on an error nothing of it changed (the earlier ones stay
    /// applied: `abandon` takes them back).
    pub fn apply(&mut self, archive: &mut Archive, command: Command, actor: &Actor) -> Result<(), DomainError> {
        let mut applied = archive.apply(command, actor)?;
        let changes = std::mem::take(&mut applied.changes);
        if self.applied.is_empty() {
            self.changes = changes;
        } else {
            self.changes.extend(changes);
        }
        self.applied.push(applied);
        Ok(())
    }

    /// Takes back every command applied, newest first.
    pub fn abandon(self, archive: &mut Archive) {
        for applied in self.applied.into_iter().rev() {
            archive.revert(applied);
        }
    }
}

/// Commands applied in memory whose write is under way.
#[derive(Debug)]
pub struct Pending {
    applying: Applying,
    stored_after: PerKind<usize>,
}

impl Pending {
    /// What the commands changed (in memory, before the write settles).
    pub fn changes(&self) -> &ChangeSet {
        &self.applying.changes
    }
}

/// A large command applied in memory whose segments are being encoded.
#[derive(Debug)]
pub struct Staged {
    batch: WriteBatch,
    /// Segments still to encode, last first.
    todo: Vec<(RecordKind, usize)>,
    pending: Pending,
}

impl Staged {
    pub fn changes(&self) -> &ChangeSet {
        self.pending.changes()
    }

    /// Encodes up to `n` more segments; true when all are done.
    pub fn encode_some(&mut self, archive: &Archive, n: usize) -> bool {
        for _ in 0..n {
            let Some((kind, number)) = self.todo.pop() else { break };
            match kind {
                RecordKind::Customer => put_segment(&mut self.batch, &archive.customers, number),
                RecordKind::Rep => put_segment(&mut self.batch, &archive.reps, number),
                RecordKind::Team => put_segment(&mut self.batch, &archive.teams, number),
                RecordKind::Deal => put_segment(&mut self.batch, &archive.deals, number),
                RecordKind::Pipeline => put_segment(&mut self.batch, &archive.pipelines, number),
            }
        }
        self.todo.is_empty()
    }

    /// The write and what settles it, once every segment is encoded.
    pub fn into_write(mut self, archive: &Archive) -> (WriteBatch, Pending) {
        while !self.encode_some(archive, usize::MAX) {}
        (self.batch, self.pending)
    }
}

/// Why a user action did not happen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionError {
    Domain(DomainError),
    Store(StoreError),
}

impl Repository {
    /// Reads everything from the backend. Segments left in an odd shape (by an interrupted
    /// older layout or a changed segment size) are rewritten in one transaction.
    pub async fn open<B: Backend>(backend: &B) -> Result<(Repository, Archive), StoreError> {
        let segments = backend.load().await?;
        let (mut repo, archive, heal) = Repository::decode(segments)?;
        if let Some(batch) = heal {
            repo.heal(backend, &archive, batch).await?;
        }
        Ok((repo, archive))
    }

    /// Rewrites every segment in the standard shape and deletes the keys `decode` flagged.
    pub async fn heal<B: Backend>(
        &mut self,
        backend: &B,
        archive: &Archive,
        flagged: WriteBatch,
    ) -> Result<(), StoreError> {
        let (batch, stored) = self.rewrite_all(archive, flagged.deletes);
        backend.write(batch).await?;
        self.stored = stored;
        Ok(())
    }

    /// Builds the archive from stored segments. Returns a batch of keys to delete when the
    /// segments need rewriting.
    pub fn decode(segments: Vec<(String, Vec<u8>)>) -> Result<(Repository, Archive, Option<WriteBatch>), StoreError> {
        let mut decoding = Decoding::new(segments);
        decoding.decode_some(usize::MAX)?;
        Ok(decoding.finish())
    }

    /// Applies `command` in memory and returns the write that persists it.
    pub fn prepare(
        &self,
        archive: &mut Archive,
        command: Command,
        actor: &Actor,
    ) -> Result<(WriteBatch, Pending), DomainError> {
        Ok(self.stage(archive, command, actor)?.into_write(archive))
    }

    /// Like `prepare`, for large commands (imports, restores): applies the command, and leaves
    /// its segments to be encoded a few at a time with `Staged::encode_some`, so the caller can
    /// let the page breathe in between. Still one write.
    pub fn stage(&self, archive: &mut Archive, command: Command, actor: &Actor) -> Result<Staged, DomainError> {
        let mut applying = Applying::default();
        applying.apply(archive, command, actor)?;
        Ok(self.stage_applied(archive, applying))
    }

    /// Stages commands already applied (several, applied with pauses in between, are saved as
    /// one write).
    pub fn stage_applied(&self, archive: &Archive, applying: Applying) -> Staged {
        let changes = &applying.changes;
        let mut todo = Vec::new();
        let mut deletes = Vec::new();
        for kind in RecordKind::ALL {
            let rows = rows_of(archive, kind);
            if changes.replaced_all {
                todo.extend((0..segment_count(rows)).map(|n| (kind, n)));
                deletes.extend((segment_count(rows)..self.stored_count(kind)).map(|n| segment_key(kind, n)));
            } else {
                let mut dirty: Vec<u32> = changes
                    .ids(kind)
                    .iter()
                    .filter_map(|id| row_of(archive, kind, *id))
                    .map(|r| (r / SEGMENT_SIZE) as u32)
                    .collect();
                sort_rows(&mut dirty, &|a, b| a.cmp(&b));
                dirty.dedup();
                todo.extend(dirty.into_iter().map(|n| (kind, n as usize)));
            }
        }
        todo.reverse();
        let stored_after = if changes.replaced_all {
            RecordKind::ALL.map(|k| segment_count(rows_of(archive, k)))
        } else {
            self.stored_after(archive)
        };
        Staged {
            batch: WriteBatch { puts: Vec::with_capacity(todo.len()), deletes, clear: vec![] },
            todo,
            pending: Pending { applying, stored_after },
        }
    }

    /// Settles a prepared command: keeps it if the write succeeded, takes it back if not.
    pub fn finish(
        &mut self,
        archive: &mut Archive,
        pending: Pending,
        written: Result<(), StoreError>,
    ) -> Result<ChangeSet, StoreError> {
        match written {
            Ok(()) => {
                self.stored = pending.stored_after;
                Ok(pending.applying.changes)
            }
            Err(e) => {
                pending.applying.abandon(archive);
                Err(e)
            }
        }
    }

    /// Prepare, write and finish in one call (for callers that can hold the archive across the
    /// write, such as tests and benchmarks).
    pub async fn execute<B: Backend>(
        &mut self,
        backend: &B,
        archive: &mut Archive,
        command: Command,
        actor: &Actor,
    ) -> Result<ChangeSet, ActionError> {
        let (batch, pending) = self.prepare(archive, command, actor).map_err(ActionError::Domain)?;
        let written = backend.write(batch).await;
        self.finish(archive, pending, written).map_err(ActionError::Store)
    }

    fn stored_after(&self, archive: &Archive) -> PerKind<usize> {
        RecordKind::ALL.map(|k| segment_count(rows_of(archive, k)).max(self.stored_count(k)))
    }

    fn stored_count(&self, kind: RecordKind) -> usize {
        self.stored[kind.index()]
    }

    /// Every segment of every kind, plus deletes for segments past the new end.
    fn rewrite_all(&self, archive: &Archive, mut deletes: Vec<String>) -> (WriteBatch, PerKind<usize>) {
        let mut batch = WriteBatch::default();
        put_all(&mut batch, &archive.customers);
        put_all(&mut batch, &archive.reps);
        put_all(&mut batch, &archive.teams);
        put_all(&mut batch, &archive.deals);
        put_all(&mut batch, &archive.pipelines);
        let mut stored = PerKind::default();
        for kind in RecordKind::ALL {
            let count = segment_count(rows_of(archive, kind));
            deletes.extend((count..self.stored_count(kind)).map(|n| segment_key(kind, n)));
            stored[kind.index()] = count;
        }
        batch.deletes = deletes;
        (batch, stored)
    }
}

/// `Repository::decode` a part at a time, for large stores read while the page must respond.
#[derive(Debug)]
pub struct Decoding {
    segments: std::vec::IntoIter<(String, Vec<u8>)>,
    records: Records,
    numbers: PerKind<Vec<(usize, usize)>>,
    stray: Vec<String>,
}

impl Decoding {
    pub fn new(segments: Vec<(String, Vec<u8>)>) -> Self {
        Decoding {
            segments: segments.into_iter(),
            records: Records::default(),
            numbers: Default::default(),
            stray: Vec::new(),
        }
    }

    /// Decodes up to `n` more segments; true when all are.
    pub fn decode_some(&mut self, n: usize) -> Result<bool, StoreError> {
        for (key, body) in self.segments.by_ref().take(n) {
            let Some((kind, number)) = parse_key(&key) else {
                self.stray.push(key);
                continue;
            };
            let len = match kind {
                RecordKind::Customer if super::segments::schema_of(&body) < 3 => {
                    let old: Vec<super::migrate::CustomerV2> = decode(&key, &body)?;
                    extend(&mut self.records.customers, old.into_iter().map(Into::into).collect())
                }
                RecordKind::Customer => extend(&mut self.records.customers, decode(&key, &body)?),
                RecordKind::Rep => extend(&mut self.records.reps, decode(&key, &body)?),
                RecordKind::Team => extend(&mut self.records.teams, decode(&key, &body)?),
                RecordKind::Deal => extend(&mut self.records.deals, decode(&key, &body)?),
                RecordKind::Pipeline => extend(&mut self.records.pipelines, decode(&key, &body)?),
            };
            self.numbers[kind.index()].push((number, len));
        }
        Ok(self.segments.len() == 0)
    }

    /// The repository and archive read, and the keys to delete if the segments need rewriting.
    pub fn finish(self) -> (Repository, Archive, Option<WriteBatch>) {
        let archive = Archive::from_records(self.records);
        let mut repo = Repository::default();
        let mut needs_rewrite = !self.stray.is_empty();
        for (kind, segs) in RecordKind::ALL.iter().zip(&self.numbers).filter(|(_, segs)| !segs.is_empty()) {
            repo.stored[kind.index()] = segs.iter().map(|(n, _)| n + 1).max().unwrap_or(0);
            let tidy =
                segs.iter().enumerate().all(|(i, &(n, len))| n == i && (len == SEGMENT_SIZE || i + 1 == segs.len()));
            let rows = rows_of(&archive, *kind);
            let stored_rows: usize = segs.iter().map(|(_, len)| len).sum();
            needs_rewrite |= !tidy || stored_rows != rows;
        }
        let heal = needs_rewrite.then(|| WriteBatch { deletes: self.stray, ..WriteBatch::default() });
        (repo, archive, heal)
    }
}

fn extend<R>(all: &mut Vec<R>, more: Vec<R>) -> usize {
    let len = more.len();
    all.extend(more);
    len
}

fn row_of(archive: &Archive, kind: RecordKind, id: uuid::Uuid) -> Option<usize> {
    match kind {
        RecordKind::Customer => archive.customers.row_of(id),
        RecordKind::Rep => archive.reps.row_of(id),
        RecordKind::Team => archive.teams.row_of(id),
        RecordKind::Deal => archive.deals.row_of(id),
        RecordKind::Pipeline => archive.pipelines.row_of(id),
    }
}

fn rows_of(archive: &Archive, kind: RecordKind) -> usize {
    match kind {
        RecordKind::Customer => archive.customers.len(),
        RecordKind::Rep => archive.reps.len(),
        RecordKind::Team => archive.teams.len(),
        RecordKind::Deal => archive.deals.len(),
        RecordKind::Pipeline => archive.pipelines.len(),
    }
}

fn segment_count(rows: usize) -> usize {
    rows.div_ceil(SEGMENT_SIZE)
}

fn put_segment<R: Record + Serialize>(batch: &mut WriteBatch, table: &Table<R>, number: usize) {
    let start = number * SEGMENT_SIZE;
    let end = (start + SEGMENT_SIZE).min(table.len());
    batch.puts.push((segment_key(R::KIND, number), encode(&table.rows()[start..end])));
}

fn put_all<R: Record + Serialize>(batch: &mut WriteBatch, table: &Table<R>) {
    for number in 0..segment_count(table.len()) {
        put_segment(batch, table, number);
    }
}
