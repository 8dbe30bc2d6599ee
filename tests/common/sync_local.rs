//! A device's side of a replication for the sync tests: documents with their revision trees, a
//! change log, checkpoints (`LocalSide`), and edits made as the app makes them.

use std::collections::{BTreeMap, HashMap};

use pocket_crm::sync::checkpoint::Checkpoint;
use pocket_crm::sync::docs::next_rev;
use pocket_crm::sync::replicate::{Doc, LocalChange, LocalSide, SyncError};
use pocket_crm::sync::revtree::{Rev, RevTree, Revisions, REVS_LIMIT};
use serde_json::{json, Map, Value};

/// One document as a side holds it: its tree and the bodies of the revisions it has.
#[derive(Default, Clone, PartialEq, Debug)]
pub struct Held {
    pub tree: RevTree,
    pub bodies: HashMap<Rev, (bool, Map<String, Value>)>,
}

impl Held {
    pub fn take(&mut self, doc: &Doc) {
        self.tree.merge(&RevTree::from_revisions(&doc.revisions, doc.deleted), REVS_LIMIT);
        self.bodies.insert(doc.rev(), (doc.deleted, doc.body.clone()));
    }

    pub fn doc(&self, id: &str, rev: &Rev) -> Option<Doc> {
        let (deleted, body) = self.bodies.get(rev)?;
        Some(Doc { id: id.to_owned(), revisions: self.tree.revisions_of(rev)?, deleted: *deleted, body: body.clone() })
    }

    pub fn winner_body(&self) -> Option<(Rev, bool, Map<String, Value>)> {
        let (rev, deleted) = self.tree.winner()?;
        let body = self.bodies.get(&rev).map(|(_, b)| b.clone()).unwrap_or_default();
        Some((rev, deleted, body))
    }
}

/// A document as a side shows it: the winning revision, whether it is deleted, its fields, and
/// the conflicting revisions.
pub type Seen = (Rev, bool, Map<String, Value>, Vec<Rev>);

/// A device's side: documents, its change log, its checkpoints.
#[derive(Default)]
pub struct Local {
    pub docs: BTreeMap<String, Held>,
    pub log: Vec<(u64, String)>,
    pub checkpoints: HashMap<String, Checkpoint>,
    pub stored: usize,
    /// Fails the next store (a full disk).
    pub fail_store: bool,
}

impl Local {
    pub fn edit(&mut self, id: &str, body: Value, deleted: bool) -> Rev {
        let held = self.docs.entry(id.to_owned()).or_default();
        let winner = held.tree.winner().map(|(r, _)| r);
        let bytes = serde_json::to_vec(&body).unwrap();
        let rev = next_rev(winner.as_ref(), deleted, &bytes);
        let mut ids = vec![rev.id.clone()];
        if let Some(w) = &winner {
            ids.extend(held.tree.revisions_of(w).unwrap().ids);
        }
        let doc = Doc {
            id: id.to_owned(),
            revisions: Revisions { start: rev.pos, ids },
            deleted,
            body: body.as_object().unwrap().clone(),
        };
        held.take(&doc);
        let seq = self.log.len() as u64 + 1;
        self.log.push((seq, id.to_owned()));
        rev
    }

    /// Every document's winner and conflicts, to compare replicas.
    pub fn state(&self) -> BTreeMap<String, Seen> {
        self.docs
            .iter()
            .map(|(id, h)| {
                let (rev, deleted, body) = h.winner_body().unwrap();
                (id.clone(), (rev, deleted, body, h.tree.conflicts()))
            })
            .collect()
    }
}

impl LocalSide for Local {
    fn checkpoint(&self, replication: &str) -> Option<Checkpoint> {
        self.checkpoints.get(replication).cloned()
    }
    fn set_checkpoint(&mut self, replication: &str, checkpoint: Checkpoint) {
        self.checkpoints.insert(replication.to_owned(), checkpoint);
    }
    fn missing(&self, id: &str, revs: &[Rev]) -> Vec<Rev> {
        revs.iter().filter(|r| !self.docs.get(id).is_some_and(|h| h.bodies.contains_key(r))).cloned().collect()
    }
    fn store(&mut self, docs: Vec<Doc>) -> Result<(), SyncError> {
        if std::mem::take(&mut self.fail_store) {
            return Err(SyncError::Local("disk full".into()));
        }
        self.stored += docs.len();
        for doc in docs {
            self.docs.entry(doc.id.clone()).or_default().take(&doc);
            let seq = self.log.len() as u64 + 1;
            self.log.push((seq, doc.id));
        }
        Ok(())
    }
    fn changes_since(&self, since: u64, limit: usize) -> Vec<LocalChange> {
        let mut latest: BTreeMap<&str, u64> = BTreeMap::new();
        for (seq, id) in self.log.iter().filter(|(s, _)| *s > since) {
            latest.insert(id, *seq);
        }
        let mut changes: Vec<LocalChange> = latest
            .into_iter()
            .map(|(id, seq)| LocalChange {
                id: id.to_owned(),
                revs: self.docs[id].tree.leaves().into_iter().map(|(r, _)| r).collect(),
                seq,
            })
            .collect();
        changes.sort_by_key(|c| c.seq);
        changes.truncate(limit);
        changes
    }
    fn doc(&self, id: &str, rev: &Rev) -> Option<Doc> {
        self.docs.get(id)?.doc(id, rev)
    }
}

pub fn customer(n: usize, owner: &str) -> Value {
    json!({"type": "customer", "name": format!("客户 {n}"), "owner": owner})
}
