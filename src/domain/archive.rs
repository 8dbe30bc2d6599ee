//! The archive's tables and the one way they change: [`Archive::apply`] validates a command,
//! applies it, stamps every record it touched with the change's revision, and returns what
//! changed and how to take it back. Persistence, undo, other tabs and later sync all see the
//! same thing. The commands themselves are in `commands`.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use rustc_hash::FxHashMap;
use uuid::Uuid;

use super::kinds::{AnyRecord, ChangeSet, RecordKind, Stored, TableVisitorMut};
use super::record::{stamp_change, Record};
use super::records::{Timestamp, Today};
use super::revision::{EntryId, Stamp};
use super::{Archive, Command, DomainError, Records};

/// Records of one kind in the order they were added, found by id in constant time. Row numbers
/// are stable: deleted records stay (soft delete), so indexes built over rows stay valid.
#[derive(Clone, Debug)]
pub struct Table<R> {
    rows: Vec<R>,
    position: FxHashMap<Uuid, usize>,
}

impl<R> Default for Table<R> {
    fn default() -> Self {
        Table { rows: Vec::new(), position: FxHashMap::default() }
    }
}

impl<R: Record> Table<R> {
    /// Builds a table from stored records; a later duplicate of an id replaces the earlier one.
    pub fn from_rows(records: impl IntoIterator<Item = R>) -> Self {
        let records = records.into_iter();
        let mut table = Table::default();
        table.rows.reserve(records.size_hint().0);
        table.position.reserve(records.size_hint().0);
        for r in records {
            table.put(r);
        }
        table
    }

    pub fn rows(&self) -> &[R] {
        &self.rows
    }

    /// The records, in row order.
    pub fn into_rows(self) -> Vec<R> {
        self.rows
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn get(&self, id: Uuid) -> Option<&R> {
        self.position.get(&id).map(|&i| &self.rows[i])
    }

    /// A live (not deleted) record.
    pub fn live_one(&self, id: Uuid) -> Option<&R> {
        self.get(id).filter(|r| !r.meta().is_deleted())
    }

    pub fn row_of(&self, id: Uuid) -> Option<usize> {
        self.position.get(&id).copied()
    }

    /// Live (not deleted) records.
    pub fn live(&self) -> impl Iterator<Item = &R> {
        self.rows.iter().filter(|r| !r.meta().is_deleted())
    }

    /// Inserts or replaces by id, returning the previous version.
    pub(crate) fn put(&mut self, record: R) -> Option<R> {
        // (One lookup: a load puts every stored record through here.)
        match self.position.entry(record.meta().id) {
            Entry::Occupied(at) => Some(std::mem::replace(&mut self.rows[*at.get()], record)),
            Entry::Vacant(slot) => {
                slot.insert(self.rows.len());
                self.rows.push(record);
                None
            }
        }
    }

    fn get_mut(&mut self, id: Uuid) -> Option<&mut R> {
        self.position.get(&id).map(|&i| &mut self.rows[i])
    }

    /// Puts back what `put` replaced. Reverts run newest first, so a record that did not exist
    /// before is always the last row.
    fn revert(&mut self, id: Uuid, previous: Option<R>) {
        match previous {
            Some(p) => {
                self.put(p);
            }
            None => {
                if let Some(i) = self.position.remove(&id) {
                    debug_assert_eq!(i, self.rows.len() - 1, "reverts must run newest first");
                    self.rows.remove(i);
                }
            }
        }
    }
}

/// Who acts, when and where; passed in so the domain never reads a clock.
#[derive(Clone, Debug)]
pub struct Actor {
    /// The user's name, recorded on every change.
    pub name: String,
    pub now: Timestamp,
    /// The local date and time zone (time rules, default dates, idle days).
    pub today: Today,
    /// This change's revision (from the device's clock): every field it changes carries it.
    pub stamp: Stamp,
}

impl Actor {
    /// `name` acting at `now` in China, with a stamp of that instant from device 1 (tests, tools).
    pub fn at(name: &str, now: Timestamp) -> Actor {
        let stamp = Stamp { at: super::Hlc::new(now.0, 0), device: super::DeviceId(1) };
        Actor { name: name.to_owned(), now, today: Today::at(now, super::UtcOffset::CHINA), stamp }
    }

    /// An id for the `n`-th entry this change adds to one record.
    pub fn entry_id(&self, n: u32) -> EntryId {
        EntryId::new(self.stamp, n)
    }
}

/// An applied command: what changed, and the versions before it, to take it back exactly (when
/// the store refuses the write, or the command is applied again over newer data).
#[derive(Debug, Default)]
pub struct Applied {
    pub changes: ChangeSet,
    /// The records came from elsewhere with their own revisions (`Command::TakeIn`): not
    /// stamped, and no undo.
    received: bool,
    /// Each record's version before the command (None: it was new), in the order they were put.
    previous: Vec<(RecordKind, Uuid, Option<AnyRecord>)>,
    /// The whole archive as it was (a replacement).
    replaced: Option<Box<Archive>>,
}

/// How to take back a stored command later, as a new change (the user's undo): each record as
/// it was before the command and as the command left it.
#[derive(Clone, Debug, PartialEq)]
pub struct UndoToken {
    pub records: Vec<(Option<AnyRecord>, AnyRecord)>,
}

impl Applied {
    /// The undo of this command, given the archive right after it (None for replacements).
    pub fn undo_token(&self, archive: &Archive) -> Option<UndoToken> {
        if self.replaced.is_some() || self.received {
            return None;
        }
        let mut records = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (kind, id, before) in &self.previous {
            if seen.insert((*kind, *id)) {
                let after = archive.get_any(*kind, *id)?;
                records.push((before.clone(), after));
            }
        }
        Some(UndoToken { records })
    }
}

impl Archive {
    /// The pipeline (stages and rules); None until the first run wrote it.
    pub fn pipeline(&self) -> Option<&super::pipeline::Pipeline> {
        self.pipelines.get(super::pipeline::PIPELINE_ID)
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    /// A rep's display name, or an empty string for none or unknown.
    pub fn rep_name(&self, id: Option<Uuid>) -> &str {
        id.and_then(|id| self.reps.get(id)).map(|r| r.name.as_str()).unwrap_or("")
    }

    /// Validates and applies one command; on error nothing has changed. Every record the
    /// command touched is stamped with `actor.stamp` (the fields it changed, the revision, who
    /// and when).
    pub fn apply(&mut self, command: Command, actor: &Actor) -> Result<Applied, DomainError> {
        let mut applied = Applied::default();
        if let Command::ReplaceAll(records) = command {
            let new = super::commands::replacement(*records, actor)?;
            let old = std::mem::replace(self, Archive { version: self.version, ..new });
            applied.replaced = Some(Box::new(old));
            applied.changes.replaced_all = true;
        } else {
            applied.received = matches!(command, Command::TakeIn(_) | Command::TakeInSince(_));
            let mut change = Change { archive: self, applied: &mut applied, actor };
            if let Err(e) = change.run(command) {
                self.undo_applied(applied);
                return Err(e);
            }
            applied.changes.dedup();
            if !applied.received {
                self.stamp_all(&applied, actor);
            }
        }
        self.version += 1;
        Ok(applied)
    }

    /// Takes back an applied command (the store could not save it, or it is applied again over
    /// newer data).
    pub fn revert(&mut self, applied: Applied) {
        self.undo_applied(applied);
        self.version += 1;
    }

    /// Takes back an applied command; for a replacement, returns the records it had put in
    /// place (moved out, not copied), so it can be applied again.
    pub fn revert_replacement(&mut self, applied: Applied) -> Option<Records> {
        let Some(old) = applied.replaced else {
            self.revert(applied);
            return None;
        };
        let version = self.version + 1;
        let current = std::mem::replace(self, Archive { version, ..*old });
        Some(current.into_records())
    }

    fn undo_applied(&mut self, applied: Applied) {
        if let Some(old) = applied.replaced {
            let version = self.version;
            *self = Archive { version, ..*old };
            return;
        }
        struct Revert(Uuid, Option<AnyRecord>);
        impl TableVisitorMut for Revert {
            fn visit<R: Stored>(&mut self, table: &mut Table<R>) {
                table.revert(self.0, self.1.take().and_then(R::unwrap));
            }
        }
        for (kind, id, previous) in applied.previous.into_iter().rev() {
            self.visit_mut(kind, &mut Revert(id, previous));
        }
    }

    fn stamp_all(&mut self, applied: &Applied, actor: &Actor) {
        struct Stamping<'a> {
            id: Uuid,
            before: Option<&'a AnyRecord>,
            actor: &'a Actor,
        }
        impl TableVisitorMut for Stamping<'_> {
            fn visit<R: Stored>(&mut self, table: &mut Table<R>) {
                let before = self.before.cloned().and_then(R::unwrap);
                if let Some(after) = table.get_mut(self.id) {
                    stamp_change(before.as_ref(), after, self.actor.stamp, &self.actor.name, self.actor.now);
                }
            }
        }
        // The version before the command is the first one it replaced.
        let mut first: HashMap<(RecordKind, Uuid), Option<&AnyRecord>> = HashMap::new();
        for (kind, id, previous) in &applied.previous {
            first.entry((*kind, *id)).or_insert(previous.as_ref());
        }
        for kind in RecordKind::ALL {
            for &id in applied.changes.ids(kind) {
                let before = first.get(&(kind, id)).copied().flatten();
                self.visit_mut(kind, &mut Stamping { id, before, actor });
            }
        }
    }

    /// `incoming` (a teammate's version of a record) joined with ours, to store; None when the
    /// join adds nothing to ours.
    pub fn joined<R: Stored>(&self, incoming: R) -> Option<R> {
        match R::table(self).get(incoming.meta().id) {
            None => Some(incoming),
            Some(ours) => Some(super::record::join(ours, &incoming)).filter(|joined| joined != ours),
        }
    }

    /// Puts records that came from elsewhere (another tab's saved change, a teammate's) in
    /// place as they are, without stamping: they carry their own revisions.
    pub fn put_received(&mut self, record: AnyRecord) -> Option<AnyRecord> {
        struct Put(Option<AnyRecord>, Option<AnyRecord>);
        impl TableVisitorMut for Put {
            fn visit<R: Stored>(&mut self, table: &mut Table<R>) {
                if let Some(record) = self.0.take().and_then(R::unwrap) {
                    self.1 = table.put(record).map(R::wrap);
                }
            }
        }
        let kind = record.kind();
        let mut put = Put(Some(record), None);
        self.visit_mut(kind, &mut put);
        self.version += 1;
        put.1
    }
}

/// One command being applied: puts go through here, so each is recorded for the undo and the
/// change set.
pub(crate) struct Change<'a> {
    pub archive: &'a mut Archive,
    applied: &'a mut Applied,
    pub actor: &'a Actor,
}

impl Change<'_> {
    /// Stores a record (new or a new version); it is stamped when the command is done.
    pub fn put<R: Stored>(&mut self, record: R) {
        let id = record.meta().id;
        let previous = R::table_mut(self.archive).put(record);
        self.applied.changes.push(R::KIND, id);
        self.applied.previous.push((R::KIND, id, previous.map(R::wrap)));
    }

    pub fn get<R: Stored>(&self, id: Uuid) -> Option<&R> {
        R::table(self.archive).get(id)
    }

    /// A copy of a stored record to change, or NotFound.
    pub fn fetch<R: Stored>(&self, id: Uuid) -> Result<R, DomainError> {
        self.get::<R>(id).cloned().ok_or(DomainError::NotFound(id))
    }
}
