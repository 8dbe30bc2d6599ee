//! One writer's copy of the store (a tab, the tests' writers): the archive as the store held it
//! at log entry `seen`, plus this writer's commands applied on top and not yet saved. No I/O
//! here: the caller reads and writes through a `Backend` and hands the results in, so native
//! tests drive several replicas over one store step by step.
//!
//! How a write goes: [`Replica::apply`] applies a command at once (the page shows it). The
//! caller then opens a transaction and gives [`Replica::prepare`] the log entries other writers
//! added since `seen`. If there are any, the pending commands are taken back, the entries taken
//! in, and the commands applied again on top, each with a new revision (so the change saved
//! last wins, and a form's edit still changes only what the user changed). The write holds the
//! buckets the commands changed and one log entry with the records as they left them.
//! [`Replica::finish`] keeps the commands when the write succeeded, and takes them back when
//! it failed.

use std::collections::{BTreeSet, HashSet};

use super::files::FILE_PREFIX;
use super::log::LogEntry;
use super::migrate::{self, Migration};
use super::segments::{bits_for, bucket_key, count_of, decode_onto, parse_bucket_key, Layout};
use super::{StoreError, WriteBatch};
use crate::domain::kinds::{ListVisitor, Stored};
use crate::domain::pipeline::{Deal, Pipeline};
use crate::domain::{
    Actor, AnyRecord, Applied, Archive, ChangeSet, Clock, Command, Customer, DeviceId, DomainError, PerKind,
    RecordKind, Records, Rep, Stamp, Superseded, Team, Timestamp, Today, UndoToken, UtcOffset,
};

/// Names one applied command, to ask later how its write went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ticket(u64);

/// How an applied command ended. (One per command, alive until the page reads it, so the size
/// of the largest variant does not matter.)
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Outcome {
    Saved(Saved),
    /// Applied again over other writers' newer changes, it no longer holds (e.g. its customer
    /// was deleted meanwhile); nothing of it was saved.
    Refused(DomainError),
    /// The store refused the write; nothing of it was saved.
    Failed(StoreError),
}

/// A saved command.
#[derive(Debug, Default)]
pub struct Saved {
    pub changes: ChangeSet,
    /// Takes it back later, as a new change (None for a replacement).
    pub undo: Option<UndoToken>,
    /// Values of others that this command replaced (kept as superseded records).
    pub superseded: Vec<Superseded>,
    /// The change log entry the save became (orders saves across writers); for a command that
    /// changed nothing, and so wrote nothing, the last entry this replica had taken in.
    pub seq: u64,
}

/// Something the user should hear about when other writers' changes come in.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)] // a few at a time, told and dropped
pub enum Notice {
    /// A value this replica saved was replaced by someone else's later change.
    Superseded(Superseded),
    /// Another writer's log entry could not be read (damaged, or of a kind this build does not
    /// know): it was not taken in; the store was read again from its segments instead, which hold
    /// everything saved.
    Unreadable { what: String },
}

/// What taking in other writers' entries changed in memory, and what to tell the user.
#[derive(Debug, Default)]
pub struct Caught {
    pub changed: ChangeSet,
    pub notices: Vec<Notice>,
    /// Who made the changes taken in (the log entries' users), for "what came in, from whom".
    pub from: Vec<String>,
}

/// Why log entries could not be taken in one by one.
#[derive(Debug, PartialEq, Eq)]
pub enum Catch {
    /// The entries do not carry everything (a replacement, old entries trimmed, a gap): load
    /// the whole store again and hand it to [`Replica::replace_confirmed`].
    Reload,
    Store(StoreError),
}

/// A command as the user asked for it, kept until it is saved so it can be applied again.
struct Intent {
    ticket: Ticket,
    command: Command,
    /// Attached files written with it (key, value); `replace_files` deletes the stored ones first.
    files: Vec<(String, Vec<u8>)>,
    replace_files: bool,
    user: String,
    now: Timestamp,
    today: Today,
}

struct Pending {
    intent: Intent,
    stamp: Stamp,
    applied: Applied,
}

/// The write `prepare` worked out, until `finish` settles it.
#[derive(Debug, Default)]
struct Prepared {
    /// How many of the pending commands it saves.
    commands: usize,
    seq: u64,
    /// Bucket bits as stored before it (it split or replaced buckets).
    bits_before: Option<PerKind<u8>>,
}

pub struct Replica {
    archive: Archive,
    layout: Layout,
    /// Bucket bits per kind as the store has them.
    stored_bits: PerKind<u8>,
    seen: u64,
    clock: Clock,
    pending: Vec<Pending>,
    next_ticket: u64,
    settled: Vec<(Ticket, Outcome)>,
    prepared: Option<Prepared>,
    /// Revisions of the changes this replica saved: a superseded value carrying one of them was
    /// this replica's user's.
    saved: HashSet<Stamp>,
    /// Buckets the first read left as stored bytes (kinds the customer list does not need, see
    /// `Decoding::deferring`), until `decode_deferred`.
    deferred: Vec<(RecordKind, String, Vec<u8>)>,
    /// Keys of buckets whose bodies the backend hands over later (`Loaded::later`), until
    /// `take_later`.
    unread: Vec<String>,
}

impl Replica {
    pub fn archive(&self) -> &Archive {
        &self.archive
    }

    /// Whether some kinds are still stored bytes, or still to be read (see `decode_deferred`).
    pub fn has_deferred(&self) -> bool {
        !self.deferred.is_empty() || !self.unread.is_empty()
    }

    /// Whether the bodies of some buckets are still to come from the backend's `load_later`.
    pub fn awaits_later(&self) -> bool {
        !self.unread.is_empty()
    }

    /// Takes the bodies of the buckets the first read named for later (`Backend::load_later`,
    /// read as of the same moment), as stored bytes until they are decoded. Nothing once they are
    /// taken. Refused if they are not the buckets named.
    pub fn take_later(&mut self, segments: Vec<(String, Vec<u8>)>) -> Result<(), StoreError> {
        if self.unread.is_empty() {
            return Ok(());
        }
        let mut keys: Vec<&String> = segments.iter().map(|(k, _)| k).collect();
        keys.sort();
        let mut unread: Vec<&String> = self.unread.iter().collect();
        unread.sort();
        if keys != unread {
            return Err(StoreError::Corrupt {
                key: self.unread[0].clone(),
                reason: "the later read does not hold the buckets the first one named".into(),
            });
        }
        for (key, body) in segments {
            if let Some((kind, _, _)) = parse_bucket_key(&key) {
                self.deferred.push((kind, key, body));
            }
        }
        self.unread.clear();
        Ok(())
    }

    /// Decodes the buckets the first read left as stored bytes, into the archive; returns what
    /// came in. All or nothing: a bucket that cannot be read leaves them all as they were.
    /// Anything that writes, takes in other writers' changes or reads those kinds runs this
    /// first (the page's write path does, see `ui::engine`).
    pub fn decode_deferred(&mut self) -> Result<ChangeSet, StoreError> {
        if self.awaits_later() {
            return Err(StoreError::Unavailable("part of the store is still being read".into()));
        }
        if self.deferred.is_empty() {
            return Ok(ChangeSet::default());
        }
        let mut records = Records::default();
        for (kind, key, body) in &self.deferred {
            decode_into(&mut records, *kind, key, body)?;
        }
        self.deferred.clear();
        Ok(self.put_decoded(records))
    }

    /// Decodes the deals the first read left as stored bytes (the page does so right after its
    /// first paint: the customer list does not read them), leaving the later areas' kinds as they
    /// are; returns what came in. All or nothing, as `decode_deferred`.
    pub fn decode_deferred_deals(&mut self) -> Result<ChangeSet, StoreError> {
        let mut records = Records::default();
        let mut decoded = Vec::with_capacity(self.deferred.len());
        for (kind, key, body) in &self.deferred {
            decoded.push(decode_after_first_paint(&mut records, *kind, key, body)?);
        }
        if !decoded.contains(&true) {
            return Ok(ChangeSet::default());
        }
        let mut decoded = decoded.into_iter();
        self.deferred.retain(|_| !decoded.next().unwrap_or(false));
        Ok(self.put_decoded(records))
    }

    /// Puts records decoded from stored bytes in the archive and its layout; returns what came in.
    fn put_decoded(&mut self, records: Records) -> ChangeSet {
        let mut changed = ChangeSet::default();
        for record in records.into_any() {
            changed.push(record.kind(), record.id());
            self.archive.put_received(record);
        }
        self.layout.sync(&self.archive);
        changed
    }

    /// The number of the last log entry taken in.
    pub fn seen(&self) -> u64 {
        self.seen
    }

    pub fn device(&self) -> DeviceId {
        self.clock.device
    }

    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Whether a pending command replaces everything.
    pub fn replacing(&self) -> bool {
        self.pending.iter().any(|p| p.applied.changes.replaced_all)
    }

    /// Whether a write was prepared and not yet settled.
    pub fn is_writing(&self) -> bool {
        self.prepared.is_some()
    }

    /// A new stamp from this device's clock (for entry ids chosen before a command is applied).
    pub fn stamp(&mut self, now: Timestamp) -> Stamp {
        self.clock.tick(now.0)
    }

    /// Applies a command in memory at once; its write comes with the next `prepare`. `files`
    /// are written in the same transaction (with `replace_files`, instead of every stored file).
    #[allow(clippy::too_many_arguments)]
    pub fn apply(
        &mut self,
        command: Command,
        user: &str,
        now: Timestamp,
        offset: UtcOffset,
        files: Vec<(String, Vec<u8>)>,
        replace_files: bool,
    ) -> Result<(Ticket, ChangeSet), DomainError> {
        // A command reads and merges with what is stored: every kind must be read first.
        let mut changed = self.decode_deferred().map_err(|_| DomainError::Unreadable)?;
        let ticket = Ticket(self.next_ticket);
        let intent =
            Intent { ticket, command, files, replace_files, user: user.to_owned(), now, today: Today::at(now, offset) };
        match self.reapply(intent, &mut changed) {
            Ok(()) => {
                self.next_ticket += 1;
                Ok((ticket, changed))
            }
            Err(e) => Err(e),
        }
    }

    /// How the command behind `ticket` ended, once it has.
    pub fn take_outcome(&mut self, ticket: Ticket) -> Option<Outcome> {
        let at = self.settled.iter().position(|(t, _)| *t == ticket)?;
        Some(self.settled.remove(at).1)
    }

    /// Inside the write's transaction: takes in `tail` (the log entries after `seen`), then works
    /// out the write of every pending command. Returns the batch, and what changed in memory
    /// meanwhile (others' records, commands applied again) with what to tell the user.
    pub fn prepare(&mut self, tail: Vec<(u64, Vec<u8>)>) -> Result<(WriteBatch, Caught), Catch> {
        self.decode_deferred().map_err(Catch::Store)?;
        let caught = self.catch_up(tail)?;
        Ok((self.write_batch(), caught))
    }

    /// Takes in other writers' log entries (another tab said it saved something, or a write
    /// found them): this writer's pending commands are applied again on top.
    pub fn catch_up(&mut self, tail: Vec<(u64, Vec<u8>)>) -> Result<Caught, Catch> {
        if tail.is_empty() {
            return Ok(Caught::default());
        }
        // Others' records merge with ours: ours must all be read first.
        let mut caught = Caught { changed: self.decode_deferred().map_err(Catch::Store)?, ..Caught::default() };
        let mut entries = Vec::with_capacity(tail.len());
        for (i, (seq, body)) in tail.iter().enumerate() {
            let entry = LogEntry::decode(*seq, body).map_err(Catch::Store)?;
            if entry.replaced_all || entry.records.is_none() || *seq != self.seen + 1 + i as u64 {
                return Err(Catch::Reload);
            }
            entries.push(entry);
        }
        let intents = self.take_back_pending(&mut caught.changed);
        for entry in entries {
            for record in entry.records.unwrap_or_default() {
                self.clock.observe(record.meta().rev);
                caught.changed.push(record.kind(), record.id());
                if let AnyRecord::Superseded(s) = &record {
                    if self.saved.contains(&s.lost) {
                        caught.notices.push(Notice::Superseded(s.clone()));
                    }
                }
                self.archive.put_received(record);
            }
            self.layout.sync(&self.archive);
            for (kind, bits) in entry.layout {
                self.layout.resplit(&self.archive, kind, bits);
                self.stored_bits[kind.index()] = bits;
            }
            self.clock.observe(entry.stamp);
            if !caught.from.contains(&entry.user) {
                caught.from.push(entry.user);
            }
            self.seen = entry.seq;
        }
        caught.changed.dedup();
        self.apply_again(intents, &mut caught.changed);
        Ok(caught)
    }

    /// Puts a freshly loaded store in place of the confirmed copy (after `Catch::Reload`), with
    /// this writer's pending commands applied again on top.
    pub fn replace_confirmed(&mut self, fresh: Opened) -> ChangeSet {
        let mut changed = ChangeSet::default();
        changed.replaced_all = true;
        let intents = self.take_back_pending(&mut changed);
        let Opened { replica, .. } = fresh;
        self.archive = Archive { version: self.archive.version() + 1, ..replica.archive };
        self.layout = replica.layout;
        self.stored_bits = replica.stored_bits;
        self.seen = replica.seen;
        self.deferred = replica.deferred;
        self.unread = replica.unread;
        self.apply_again(intents, &mut changed);
        changed
    }

    /// Settles the prepared write: keeps its commands if it was stored, takes them back if not
    /// (commands applied after it are applied again). Returns what changed in memory.
    /// A failure before anything was prepared (the transaction could not start) fails every
    /// pending command.
    pub fn finish(&mut self, written: Result<(), StoreError>) -> ChangeSet {
        let prepared = match self.prepared.take() {
            Some(p) => Prepared { commands: p.commands.min(self.pending.len()), ..p },
            None if written.is_err() => Prepared { commands: self.pending.len(), seq: self.seen, bits_before: None },
            None => Prepared { commands: 0, seq: self.seen, bits_before: None },
        };
        let count = prepared.commands;
        let mut changed = ChangeSet::default();
        match written {
            Ok(()) => {
                if count > 0 {
                    self.seen = prepared.seq;
                    self.stored_bits = RecordKind::ALL.map(|k| self.layout.bits(k));
                }
                for p in self.pending.drain(..count).collect::<Vec<_>>() {
                    self.saved.insert(p.stamp);
                    let undo = p.applied.undo_token(&self.archive);
                    let superseded = p
                        .applied
                        .changes
                        .ids(RecordKind::Superseded)
                        .iter()
                        .filter_map(|id| self.archive.superseded.get(*id).cloned())
                        .collect();
                    let saved = Saved { changes: p.applied.changes, undo, superseded, seq: prepared.seq };
                    self.settled.push((p.intent.ticket, Outcome::Saved(saved)));
                }
            }
            Err(e) => {
                let later = self.pending.split_off(count);
                let mut again = Vec::new();
                for p in later.into_iter().rev() {
                    again.push(self.take_back(p, &mut changed));
                }
                for p in std::mem::take(&mut self.pending).into_iter().rev() {
                    let intent = self.take_back(p, &mut changed);
                    self.settled.push((intent.ticket, Outcome::Failed(e.clone())));
                }
                self.restore_layout(prepared.bits_before);
                again.reverse();
                self.apply_again(again, &mut changed);
            }
        }
        changed
    }

    /// Takes back every pending command, newest first; returns them in order.
    fn take_back_pending(&mut self, changed: &mut ChangeSet) -> Vec<Intent> {
        let mut intents = Vec::with_capacity(self.pending.len());
        let replaced = self.pending.iter().any(|p| p.applied.changes.replaced_all);
        for p in std::mem::take(&mut self.pending).into_iter().rev() {
            intents.push(self.take_back(p, changed));
        }
        intents.reverse();
        self.restore_layout(replaced.then_some(self.stored_bits));
        intents
    }

    /// Takes back one pending command (the newest); returns its intent, whole again: a
    /// replacement's records are kept in the archive while it is applied, not copied.
    fn take_back(&mut self, p: Pending, changed: &mut ChangeSet) -> Intent {
        changed.extend(&p.applied.changes);
        let mut intent = p.intent;
        if let Some(records) = self.archive.revert_replacement(p.applied) {
            intent.command = Command::ReplaceAll(Box::new(records));
        }
        intent
    }

    fn restore_layout(&mut self, bits: Option<PerKind<u8>>) {
        match bits {
            Some(bits) => self.layout = Layout::new(&self.archive, bits),
            None if RecordKind::ALL.iter().any(|k| self.layout.bits(*k) != self.stored_bits[k.index()]) => {
                self.layout = Layout::new(&self.archive, self.stored_bits)
            }
            None => self.layout.sync(&self.archive),
        }
    }

    fn apply_again(&mut self, intents: Vec<Intent>, changed: &mut ChangeSet) {
        for intent in intents {
            let ticket = intent.ticket;
            if let Err(e) = self.reapply(intent, changed) {
                self.settled.push((ticket, Outcome::Refused(e)));
            }
        }
    }

    /// Applies an intent with a new revision and keeps it pending. A replacement is applied
    /// without a copy of its records (taking it back gives them back, see `take_back`).
    fn reapply(&mut self, mut intent: Intent, changed: &mut ChangeSet) -> Result<(), DomainError> {
        let stamp = self.clock.tick(intent.now.0);
        let actor = Actor { name: intent.user.clone(), now: intent.now, today: intent.today, stamp };
        let command = match &mut intent.command {
            Command::ReplaceAll(records) => Command::ReplaceAll(std::mem::take(records)),
            other => other.clone(),
        };
        let applied = self.archive.apply(command, &actor)?;
        changed.extend(&applied.changes);
        if applied.changes.replaced_all {
            self.layout = Layout::fitting(&self.archive);
        } else {
            self.layout.sync(&self.archive);
        }
        self.pending.push(Pending { intent, stamp, applied });
        Ok(())
    }

    /// The write of every pending command: the buckets they changed (all buckets of a kind that
    /// grew past its buckets, or of everything after a replacement), one log entry, their files.
    fn write_batch(&mut self) -> WriteBatch {
        let mut batch = WriteBatch::default();
        let count = self.pending.len();
        // Commands that changed nothing (records taken in again, say): saved, with no write.
        let nothing = self
            .pending
            .iter()
            .all(|p| p.applied.changes.is_empty() && p.intent.files.is_empty() && !p.intent.replace_files);
        if nothing {
            self.prepared = Some(Prepared { commands: count, seq: self.seen, bits_before: None });
            return batch;
        }
        let bits_before = self.stored_bits;
        let replaced = self.pending.iter().any(|p| p.applied.changes.replaced_all);
        let mut changes = ChangeSet::default();
        for p in &self.pending {
            changes.extend(&p.applied.changes);
        }
        let mut dirty: BTreeSet<(RecordKind, usize)> = BTreeSet::new();
        let mut layout_changes = Vec::new();
        for kind in RecordKind::ALL {
            let old = bits_before[kind.index()];
            if !replaced && self.layout.needs_split(&self.archive, kind) {
                self.layout.resplit(&self.archive, kind, bits_for(self.archive.count(kind)));
            }
            let bits = self.layout.bits(kind);
            if bits != old {
                batch.deletes.extend((0..1usize << old).map(|b| bucket_key(kind, old, b)));
                layout_changes.push((kind, bits));
            }
            if replaced || bits != old {
                dirty.extend((0..self.layout.buckets(kind)).map(|b| (kind, b)));
            } else {
                dirty.extend(changes.ids(kind).iter().map(|id| (kind, self.layout.bucket(kind, *id))));
            }
        }
        for (kind, bucket) in dirty {
            let key = bucket_key(kind, self.layout.bits(kind), bucket);
            if self.layout.members(kind, bucket).is_empty() {
                batch.deletes.push(key);
            } else {
                batch.puts.push((key, self.layout.encode_bucket(&self.archive, kind, bucket)));
            }
        }
        let last = &self.pending[count - 1];
        let seq = self.seen + 1;
        let mut entry = LogEntry {
            seq,
            stamp: last.stamp,
            user: last.intent.user.clone(),
            replaced_all: replaced,
            changes: Vec::new(),
            records: None,
            layout: layout_changes.clone(),
        };
        if !replaced {
            let mut records = Vec::with_capacity(changes.len());
            for kind in RecordKind::ALL {
                for &id in changes.ids(kind) {
                    if let Some(record) = self.archive.get_any(kind, id) {
                        entry.changes.push((kind, id, record.meta().rev));
                        records.push(record);
                    }
                }
            }
            entry.records = Some(records);
        }
        batch.log.push((seq, entry.encode()));
        for p in &mut self.pending {
            if p.intent.replace_files {
                batch.clear.push(FILE_PREFIX.to_owned());
            }
            batch.puts.append(&mut p.intent.files);
        }
        let split = !layout_changes.is_empty();
        self.prepared = Some(Prepared { commands: count, seq, bits_before: split.then_some(bits_before) });
        batch
    }

    /// Everything the store holds, as a fresh store would get it (tests, and healing).
    pub fn full_batch(archive: &Archive, head: u64, stamp: Stamp, user: &str) -> WriteBatch {
        let layout = Layout::fitting(archive);
        let mut batch = WriteBatch::default();
        for kind in RecordKind::ALL {
            for bucket in 0..layout.buckets(kind) {
                if !layout.members(kind, bucket).is_empty() {
                    let body = layout.encode_bucket(archive, kind, bucket);
                    batch.puts.push((bucket_key(kind, layout.bits(kind), bucket), body));
                }
            }
        }
        let entry = LogEntry {
            seq: head + 1,
            stamp,
            user: user.to_owned(),
            replaced_all: true,
            changes: Vec::new(),
            records: None,
            layout: RecordKind::ALL.map(|k| (k, layout.bits(k))).to_vec(),
        };
        batch.log.push((head + 1, entry.encode()));
        batch
    }
}

/// A store read and decoded: the replica, and whether it must be rewritten first.
pub struct Opened {
    pub replica: Replica,
    /// The store must be written again in today's layout before anything else
    /// (`rewrite_batch`): an older schema was converted, or segments were in an odd shape.
    pub needs_rewrite: bool,
    /// An older schema was converted: the attached files move to their new keys in the same write.
    pub migrated: bool,
    /// How many stored values were of no kind this build knows: left as they were.
    pub foreign: usize,
    /// Every segment key read (the rewrite deletes those it does not write again).
    keys: Vec<String>,
}

/// Reads one bucket into `records`; false when it leaves the bucket for later (a kind the first
/// load does not decode).
type DecodeFn = fn(&mut Records, RecordKind, &str, &[u8]) -> Result<bool, StoreError>;

impl Opened {
    /// The write that puts the store in today's layout: every record, and the old keys deleted.
    pub fn rewrite_batch(&self) -> WriteBatch {
        let replica = &self.replica;
        let stamp = Stamp { at: crate::domain::Hlc(0), device: replica.device() };
        let mut batch = Replica::full_batch(&replica.archive, replica.seen, stamp, "migration");
        let kept: HashSet<&String> = batch.puts.iter().map(|(k, _)| k).collect();
        batch.deletes = self.keys.iter().filter(|k| !kept.contains(k)).cloned().collect();
        batch
    }
}

/// Reading a store a part at a time, for large stores read while the page must respond.
#[derive(Debug)]
pub struct Decoding {
    segments: std::vec::IntoIter<(String, Vec<u8>)>,
    records: Records,
    bits: PerKind<Option<u8>>,
    keys: Vec<String>,
    odd: bool,
    migrated: bool,
    /// Keys of no kind this build knows (left untouched).
    foreign: usize,
    migration: Option<&'static Migration>,
    decode: DecodeFn,
    deferred: Vec<(RecordKind, String, Vec<u8>)>,
    unread: Vec<String>,
}

impl Decoding {
    /// `migration` reads older schemas' segments; without it they are refused (see
    /// `migrate::has_old_segments`).
    pub fn new(segments: Vec<(String, Vec<u8>)>, migration: Option<&'static Migration>) -> Self {
        Self::with(segments, migration, |records, kind, key, body| decode_into(records, kind, key, body).map(|()| true))
    }

    /// Reads only the kinds the customer list needs (customers, reps, teams; and the pipeline,
    /// which tells a first run); the others stay stored bytes in the replica: the deals until
    /// `Replica::decode_deferred_deals` (the page runs it right after its first paint, for the
    /// time rules and the reminders), the later areas' kinds until `Replica::decode_deferred`.
    /// Their decoding code (every later area's record kinds) is then not part of the page's first
    /// load.
    pub fn deferring(segments: Vec<(String, Vec<u8>)>, migration: Option<&'static Migration>) -> Self {
        Self::with(segments, migration, decode_at_load)
    }

    fn with(segments: Vec<(String, Vec<u8>)>, migration: Option<&'static Migration>, decode: DecodeFn) -> Self {
        let keys = segments.iter().map(|(k, _)| k.clone()).collect();
        Decoding {
            records: reserved_for(&segments),
            segments: segments.into_iter(),
            bits: Default::default(),
            keys,
            odd: false,
            migrated: false,
            foreign: 0,
            migration,
            decode,
            deferred: Vec::new(),
            unread: Vec::new(),
        }
    }

    /// Buckets whose bodies come later (`Loaded::later`): counted in the layout now, read when
    /// the replica takes them (`Replica::take_later`).
    pub fn expect_later(&mut self, keys: Vec<String>) {
        for key in keys {
            if let Some((kind, bits, _)) = parse_bucket_key(&key) {
                note_bits(&mut self.bits, &mut self.odd, kind, bits);
                self.keys.push(key.clone());
                self.unread.push(key);
            }
        }
    }

    /// Decodes up to `n` more segments; true when all are.
    pub fn decode_some(&mut self, n: usize) -> Result<bool, StoreError> {
        for (key, body) in self.segments.by_ref().take(n) {
            if let Some((kind, bits, _)) = parse_bucket_key(&key) {
                note_bits(&mut self.bits, &mut self.odd, kind, bits);
                if !(self.decode)(&mut self.records, kind, &key, &body)? {
                    self.deferred.push((kind, key, body));
                }
            } else if let Some(kind) = migrate::old_segment_kind(&key) {
                let migration = self.migration.ok_or_else(|| StoreError::Corrupt {
                    key: key.clone(),
                    reason: "an older schema's data, read without the migration".into(),
                })?;
                for record in (migration.decode_old)(kind, &key, &body)? {
                    self.records.push(record);
                }
                self.migrated = true;
            } else {
                // A key this build does not know (a kind from a build that forgot to raise the
                // schema, or something put there by hand): kept as it is, never read, never
                // deleted by a rewrite, so no build can lose what another wrote.
                self.keys.retain(|k| k != &key);
                self.foreign += 1;
            }
        }
        Ok(self.segments.len() == 0)
    }

    /// The replica read, and whether the store needs rewriting.
    pub fn finish(self, head: u64, device: DeviceId) -> Opened {
        let archive = Archive::from_records(self.records);
        let needs_rewrite = self.odd || self.migrated;
        let bits = RecordKind::ALL.map(|k| self.bits[k.index()].unwrap_or(0));
        let layout = if needs_rewrite { Layout::fitting(&archive) } else { Layout::new(&archive, bits) };
        let stored_bits = RecordKind::ALL.map(|k| layout.bits(k));
        let replica = Replica {
            archive,
            layout,
            stored_bits,
            seen: head,
            clock: Clock::new(device),
            pending: Vec::new(),
            next_ticket: 0,
            settled: Vec::new(),
            prepared: None,
            saved: HashSet::new(),
            deferred: self.deferred,
            unread: self.unread,
        };
        Opened { replica, needs_rewrite, migrated: self.migrated, foreign: self.foreign, keys: self.keys }
    }
}

/// Notes a kind's bucket bits as a key gives them (`odd`: the kind is stored in buckets of two
/// layouts, which a rewrite mends).
fn note_bits(bits: &mut PerKind<Option<u8>>, odd: &mut bool, kind: RecordKind, of_key: u8) {
    let slot = &mut bits[kind.index()];
    *odd |= slot.is_some_and(|b| b != of_key);
    *slot = Some(slot.map_or(of_key, |b| b.max(of_key)));
}

/// Lists with room for every record the buckets among `segments` hold (read from their lengths),
/// so that decoding them bucket by bucket never moves a list.
fn reserved_for(segments: &[(String, Vec<u8>)]) -> Records {
    struct Reserve(usize);
    impl ListVisitor for Reserve {
        fn visit<R: Stored>(&mut self, list: &mut Vec<R>) {
            // (Room that cannot be had is left to the decoding, which grows the list as it goes.)
            let _ = list.try_reserve(self.0);
        }
    }
    let mut counts = PerKind::<usize>::default();
    for (key, body) in segments {
        if let Some((kind, _, _)) = parse_bucket_key(key) {
            counts[kind.index()] += count_of(body);
        }
    }
    let mut records = Records::default();
    for kind in RecordKind::ALL {
        records.visit_mut(kind, &mut Reserve(counts[kind.index()]));
    }
    records
}

/// The first load's decoding: the kinds the customer list reads, named one by one so that no
/// other kind's decoder is reachable from it.
fn decode_at_load(records: &mut Records, kind: RecordKind, key: &str, body: &[u8]) -> Result<bool, StoreError> {
    match kind {
        RecordKind::Customer => decode_onto::<Customer>(key, body, &mut records.customers)?,
        RecordKind::Rep => decode_onto::<Rep>(key, body, &mut records.reps)?,
        RecordKind::Team => decode_onto::<Team>(key, body, &mut records.teams)?,
        RecordKind::Pipeline => decode_onto::<Pipeline>(key, body, &mut records.pipelines)?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// The decoding right after the first paint: the deals (the time rules, the reminders, the
/// pipeline's pages), as large as the customers in a demo store.
fn decode_after_first_paint(
    records: &mut Records,
    kind: RecordKind,
    key: &str,
    body: &[u8],
) -> Result<bool, StoreError> {
    match kind {
        RecordKind::Deal => decode_onto::<Deal>(key, body, &mut records.deals)?,
        _ => return Ok(false),
    }
    Ok(true)
}

fn decode_into(records: &mut Records, kind: RecordKind, key: &str, body: &[u8]) -> Result<(), StoreError> {
    struct Decode<'a>(&'a str, &'a [u8], Result<(), StoreError>);
    impl ListVisitor for Decode<'_> {
        fn visit<R: Stored>(&mut self, list: &mut Vec<R>) {
            if let Err(e) = decode_onto::<R>(self.0, self.1, list) {
                self.2 = Err(e);
            }
        }
    }
    let mut decoding = Decode(key, body, Ok(()));
    records.visit_mut(kind, &mut decoding);
    decoding.2
}
