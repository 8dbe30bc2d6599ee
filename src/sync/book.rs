//! The book's side of a CouchDB replication (`replicate::LocalSide`): each record is a document
//! (`docs::doc_id`) whose revision tree this side keeps beside the record, with no I/O, so native
//! tests drive it as the page does.
//!
//! Records stay what the write path stores; the trees only say which revisions this side has.
//! - Before a push, `prepare` gives every record changed here since its tree last matched it a
//!   revision after the winner (a hash of what it holds, so the same change is the same revision
//!   on any device), numbered in this side's change sequence.
//! - A pull's documents are merged into the trees (`store`) and their records handed out
//!   (`take_incoming`) to be taken in through the write path (`Command::TakeInSince`, the field
//!   join, which keeps the losing value of a field both sides changed as superseded).
//!   `settle` then looks at each record as stored: a record equal to the winner that came in is
//!   in step; otherwise (changes here not yet sent, or a conflict, whose every live leaf the join
//!   has taken in) the record as stored becomes a revision after the winner and every other live
//!   leaf is ended by a deletion. Two devices settling the same conflict write the same
//!   revisions, so replication sees one change, not a new conflict.
//! - A deleted record is a live document with its deletion marker (the join decides, as for any
//!   field); a document deleted by another client (`_deleted`) leaves the record alone.
//!
//! Changed trees and checkpoints are handed out (`take_dirty`) to be written after the records,
//! so a replication that stops in between fetches the batch again and the join makes that harmless.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::Map;
use uuid::Uuid;

use super::checkpoint::Checkpoint;
use super::docs::{body_bytes, body_of, doc_id, next_rev, record_of, record_of_body};
use super::replicate::{Doc, LocalChange, LocalSide, SyncError};
use super::revtree::{Rev, RevTree, Revisions, REVS_LIMIT};
use crate::domain::kinds::TableVisitor;
use crate::domain::{AnyRecord, Archive, RecordKind, Stamp, Stored, Table};

/// A record's key: its kind and id.
pub type Key = (RecordKind, Uuid);

/// What this side keeps of one document.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DocMeta {
    /// Stored as its leaves with their histories (a tree's map has revisions for keys, which JSON
    /// cannot hold).
    #[serde(with = "leaves")]
    pub tree: RevTree,
    /// The record's revision stamp when the winning revision last matched it: the record changed
    /// here since when its stamp differs.
    pub at: Option<Stamp>,
    /// The record's revision stamp when this side last held what the server's winner held: a
    /// field both sides changed after it, concurrently, is a true conflict.
    #[serde(default)]
    pub base: Option<Stamp>,
    /// Where in this side's change sequence it last changed (what a push sends).
    pub seq: u64,
}

/// A revision tree as the list of its leaves, each with its history and whether it deletes.
mod leaves {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::sync::revtree::{RevTree, Revisions, REVS_LIMIT};

    pub fn serialize<S: Serializer>(tree: &RevTree, s: S) -> Result<S::Ok, S::Error> {
        let leaves: Vec<(Revisions, bool)> =
            tree.leaves().into_iter().filter_map(|(rev, deleted)| Some((tree.revisions_of(&rev)?, deleted))).collect();
        leaves.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<RevTree, D::Error> {
        let leaves = Vec::<(Revisions, bool)>::deserialize(d)?;
        let mut tree = RevTree::default();
        for (history, deleted) in leaves.iter().filter(|(h, _)| h.is_valid()) {
            tree.merge(&RevTree::from_revisions(history, *deleted), REVS_LIMIT);
        }
        Ok(tree)
    }
}

/// What is stored besides the trees: checkpoints and the change sequence.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BookState {
    /// The database these trees and checkpoints are of (its URL).
    #[serde(default)]
    pub database: String,
    pub checkpoints: HashMap<String, Checkpoint>,
    pub seq: u64,
}

/// What changed since it was last written out.
#[derive(Debug, Default, PartialEq)]
pub struct Dirty {
    pub docs: Vec<(String, DocMeta)>,
    /// Set when the checkpoints or the sequence changed.
    pub state: Option<BookState>,
}

impl Dirty {
    /// Nothing to write.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty() && self.state.is_none()
    }
}

/// The book's side of a replication.
#[derive(Debug, Default)]
pub struct Book {
    docs: HashMap<Key, DocMeta>,
    state: BookState,
    /// Documents stored by a pull, their records not yet taken in (or not yet settled).
    incoming: HashMap<Key, Incoming>,
    dirty_docs: BTreeSet<Key>,
    dirty_state: bool,
}

/// The records of a document's live revisions that a pull brought: by revision, each with the
/// stamp after which a change here is concurrent with it (None: no common point known).
type Incoming = Vec<(Rev, AnyRecord, Option<Stamp>)>;

impl Book {
    /// A side with the trees and state stored before.
    pub fn new(docs: impl IntoIterator<Item = (String, DocMeta)>, state: BookState) -> Book {
        let docs = docs.into_iter().filter_map(|(id, meta)| Some((record_of(&id)?, meta))).collect();
        Book { docs, state, ..Book::default() }
    }

    /// A side with nothing yet, for the database at `url`.
    pub fn for_database(url: &str) -> Book {
        let state = BookState { database: url.to_owned(), ..BookState::default() };
        Book { state, dirty_state: true, ..Book::default() }
    }

    /// A replication's checkpoint on this side.
    pub fn checkpoint(&self, replication: &str) -> Option<&Checkpoint> {
        self.state.checkpoints.get(replication)
    }

    /// Gives each record changed here since its tree last matched it a revision after the winner.
    /// Returns how many did.
    pub fn prepare(&mut self, archive: &Archive) -> usize {
        self.prepare_some(archive, usize::MAX)
    }

    /// `prepare`, for at most `limit` records (the first of them in the archive's order); fewer
    /// than `limit` means every record is prepared. A first push prepares every record: a slice
    /// at a time, its first batches go to the server while the rest are prepared.
    pub fn prepare_some(&mut self, archive: &Archive, limit: usize) -> usize {
        struct Walk<'a>(&'a mut Book, usize, usize);
        impl TableVisitor for Walk<'_> {
            fn visit<R: Stored>(&mut self, table: &Table<R>) {
                for record in table.rows() {
                    if self.1 == self.2 {
                        return;
                    }
                    let key = (R::KIND, record.meta().id);
                    if self.0.docs.get(&key).is_some_and(|m| m.at == Some(record.meta().rev)) {
                        continue;
                    }
                    self.0.write_after_winner(key, &record.clone().wrap());
                    self.1 += 1;
                }
            }
        }
        let mut walk = Walk(self, 0, limit);
        for kind in RecordKind::ALL {
            archive.visit(kind, &mut walk);
        }
        walk.1
    }

    /// Writes `record` as a revision after the winner, ends every other live leaf (their
    /// records are in it: the join took them in), and numbers the change.
    fn write_after_winner(&mut self, key: Key, record: &AnyRecord) {
        let body = body_bytes(record);
        self.state.seq += 1;
        self.dirty_state = true;
        let seq = self.state.seq;
        let meta = self.docs.entry(key).or_default();
        let winner = meta.tree.winner().map(|(rev, _)| rev);
        for leaf in meta.tree.conflicts() {
            let end = next_rev(Some(&leaf), true, b"");
            let history = after(&meta.tree, &leaf, &end);
            meta.tree.merge(&RevTree::from_revisions(&history, true), REVS_LIMIT);
        }
        let rev = next_rev(winner.as_ref(), false, &body);
        let history = match &winner {
            Some(w) => after(&meta.tree, w, &rev),
            None => Revisions { start: rev.pos, ids: vec![rev.id.clone()] },
        };
        meta.tree.merge(&RevTree::from_revisions(&history, false), REVS_LIMIT);
        meta.at = Some(record.meta().rev);
        meta.seq = seq;
        self.dirty_docs.insert(key);
    }

    /// The records a pull brought, to take in through the write path
    /// (`Command::TakeInSince`), each with the stamp after which a change here is concurrent
    /// with it (a field both sides changed after it is a true conflict); `settle` follows.
    pub fn take_incoming(&self) -> Vec<(AnyRecord, Stamp)> {
        let all = self.incoming.values().flatten();
        all.map(|(_, record, since)| (record.clone(), since.unwrap_or_default())).collect()
    }

    pub fn has_incoming(&self) -> bool {
        !self.incoming.is_empty()
    }

    /// After the records a pull brought were taken in: each document whose record as stored is
    /// the winner that came is in step; any other (changes here, or a conflict) gets the record
    /// as stored as a revision after the winner, for the next push. Returns how many did.
    pub fn settle(&mut self, archive: &Archive) -> usize {
        let mut revised = 0;
        for (key, incoming) in std::mem::take(&mut self.incoming) {
            let Some(record) = archive.get_any(key.0, key.1) else { continue };
            let Some(meta) = self.docs.get_mut(&key) else { continue };
            let one_leaf = meta.tree.conflicts().is_empty();
            let winner = meta.tree.winner().map(|(w, _)| w);
            let came = incoming.into_iter().find(|(rev, ..)| Some(rev) == winner.as_ref()).map(|(_, r, _)| r);
            if one_leaf && came.as_ref() == Some(&record) {
                meta.at = Some(record.meta().rev);
                meta.base = meta.at;
                self.dirty_docs.insert(key);
            } else if !one_leaf || came.is_some() {
                if let Some(c) = &came {
                    meta.base = Some(c.meta().rev);
                }
                self.write_after_winner(key, &record);
                revised += 1;
            }
        }
        revised
    }

    /// The trees and state changed since last asked, to write after the records.
    pub fn take_dirty(&mut self) -> Dirty {
        let keys = std::mem::take(&mut self.dirty_docs);
        let docs = keys.into_iter().filter_map(|k| Some((doc_id(k.0, k.1), self.docs.get(&k)?.clone()))).collect();
        let state = std::mem::take(&mut self.dirty_state).then(|| self.state.clone());
        Dirty { docs, state }
    }

    /// The documents with more than one live revision (a conflict not settled yet).
    pub fn conflicted(&self) -> Vec<Key> {
        self.docs.iter().filter(|(_, m)| !m.tree.conflicts().is_empty()).map(|(k, _)| *k).collect()
    }
}

/// Whether `history` passes through `rev` (or there is no `rev` yet).
fn follows(history: &Revisions, rev: Option<&Rev>) -> bool {
    rev.is_none_or(|w| {
        let age = history.start.checked_sub(w.pos);
        age.and_then(|a| history.ids.get(a as usize)).is_some_and(|id| *id == w.id)
    })
}

/// `rev`'s history: `rev` after `parent`, and `parent`'s as the tree knows it.
fn after(tree: &RevTree, parent: &Rev, rev: &Rev) -> Revisions {
    let mut ids = vec![rev.id.clone()];
    ids.extend(tree.revisions_of(parent).map(|r| r.ids).unwrap_or_default());
    Revisions { start: rev.pos, ids }
}

/// The book's side of a replication: the trees, and the records as the archive holds them now
/// (the bodies of the revisions a push sends).
pub struct BookSide<'a> {
    pub book: &'a mut Book,
    pub archive: &'a Archive,
}

impl LocalSide for BookSide<'_> {
    fn checkpoint(&self, replication: &str) -> Option<Checkpoint> {
        self.book.state.checkpoints.get(replication).cloned()
    }

    fn set_checkpoint(&mut self, replication: &str, checkpoint: Checkpoint) {
        self.book.state.checkpoints.insert(replication.to_owned(), checkpoint);
        self.book.dirty_state = true;
    }

    fn missing(&self, id: &str, revs: &[Rev]) -> Vec<Rev> {
        // Documents that are not our records (design documents, another application's) are
        // never fetched.
        let Some(key) = record_of(id) else { return Vec::new() };
        let tree = self.book.docs.get(&key).map(|m| &m.tree);
        revs.iter().filter(|r| !tree.is_some_and(|t| t.contains(r))).cloned().collect()
    }

    fn store(&mut self, docs: Vec<Doc>) -> Result<(), SyncError> {
        self.book.store(docs)
    }

    fn changes_since(&self, since: u64, limit: usize) -> Vec<LocalChange> {
        self.book.changes_since(since, limit)
    }

    /// A live revision's body is the record as the archive holds it, while it is the one the
    /// winner was given (changed since, it has a newer revision that the next push sends).
    fn doc(&self, id: &str, rev: &Rev) -> Option<Doc> {
        let key = record_of(id)?;
        let meta = self.book.docs.get(&key)?;
        let revisions = meta.tree.revisions_of(rev)?;
        let deleted = meta.tree.leaves().into_iter().any(|(r, d)| &r == rev && d);
        let body = if deleted {
            Map::new()
        } else {
            let winner = meta.tree.winner().is_some_and(|(w, _)| &w == rev);
            let record = self.archive.get_any(key.0, key.1).filter(|r| winner && Some(r.meta().rev) == meta.at)?;
            let mut body = body_of(&record);
            if let Some(owner) = owner_name(self.archive, &record) {
                body.insert("owner".into(), owner.into());
            }
            body
        };
        Some(Doc { id: id.to_owned(), revisions, deleted, body })
    }
}

impl Book {
    /// Merges a pull's documents into their trees and keeps their records for the write path.
    /// A document that is not one of our records, holds another record than its id says, or
    /// whose body this version cannot read (a newer app's) is left out: it stays on the server,
    /// and its branch is never ended here.
    fn store(&mut self, docs: Vec<Doc>) -> Result<(), SyncError> {
        for doc in docs {
            let Some(key) = record_of(&doc.id) else { continue };
            let record = if doc.deleted { None } else { record_of_body(&doc.body) };
            let readable = record.as_ref().is_some_and(|r| (r.kind(), r.id()) == key);
            if !doc.deleted && !readable {
                continue;
            }
            let meta = self.docs.entry(key).or_default();
            // A revision that follows this side's winner saw every change made here; one beside
            // it is concurrent with those made since the last common point.
            let since =
                if follows(&doc.revisions, meta.tree.winner().map(|(w, _)| w).as_ref()) { meta.at } else { meta.base };
            meta.tree.merge(&RevTree::from_revisions(&doc.revisions, doc.deleted), REVS_LIMIT);
            self.dirty_docs.insert(key);
            let incoming = self.incoming.entry(key).or_default();
            if let Some(record) = record.filter(|_| readable) {
                incoming.push((doc.rev(), record, since));
            }
        }
        Ok(())
    }

    fn changes_since(&self, since: u64, limit: usize) -> Vec<LocalChange> {
        // The first `limit` by sequence are picked before any is built.
        let mut after: Vec<(u64, &Key)> =
            self.docs.iter().filter(|(_, m)| m.seq > since).map(|(k, m)| (m.seq, k)).collect();
        if after.len() > limit {
            after.select_nth_unstable(limit);
            after.truncate(limit);
        }
        after.sort_unstable();
        after
            .into_iter()
            .filter_map(|(seq, k)| {
                let revs = self.docs.get(k)?.tree.leaves().into_iter().map(|(r, _)| r).collect();
                Some(LocalChange { id: doc_id(k.0, k.1), revs, seq })
            })
            .collect()
    }
}

/// The name of the rep a customer or deal belongs to (the server's validation function compares
/// it with the user name that writes it); None for other records and records nobody owns.
fn owner_name(archive: &Archive, record: &AnyRecord) -> Option<String> {
    let owner = match record {
        AnyRecord::Customer(c) => c.owner,
        AnyRecord::Deal(d) => d.owner,
        _ => None,
    };
    Some(archive.rep_name(owner)).filter(|n| !n.is_empty()).map(str::to_owned)
}

/// A stored tree as bytes, and back (None for bytes that are not one).
pub fn meta_to_bytes(meta: &DocMeta) -> Vec<u8> {
    serde_json::to_vec(meta).unwrap_or_default()
}

pub fn meta_from_bytes(bytes: &[u8]) -> Option<DocMeta> {
    serde_json::from_slice(bytes).ok()
}
