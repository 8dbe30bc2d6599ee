//! Records as CouchDB documents: the document id of a record (its kind, then its UUID), and the
//! revisions a replica gives its own changes.
//!
//! A revision id is a hash of the parent revision, the deletion marker and the body, so two
//! devices that make the same change on the same revision (merging the same conflict by the same
//! rule, say) make the same revision, and replication sees one change instead of a new conflict.

use std::fmt::Write;

use sha2::{Digest, Sha256};
use uuid::Uuid;

use serde_json::{Map, Value};

use super::revtree::{Rev, RevTree, Revisions, REVS_LIMIT};
use crate::domain::kinds::{AnyVisitor, Stored};
use crate::domain::{AnyRecord, RecordKind};

/// A record's document id: `customer:6f1c...`.
pub fn doc_id(kind: RecordKind, id: Uuid) -> String {
    format!("{}:{}", kind.code(), id)
}

/// The kind and UUID of a document id; None for a document that is not one of our records
/// (design documents, `_local`, another application's).
pub fn record_of(doc_id: &str) -> Option<(RecordKind, Uuid)> {
    let (kind, id) = doc_id.split_once(':')?;
    Some((RecordKind::from_code(kind)?, Uuid::parse_str(id).ok()?))
}

/// The revision that follows `parent` (None: a document's first) with `body`: the next
/// generation, and 32 hex digits of a SHA-256 over the parent, the deletion marker and the body.
pub fn next_rev(parent: Option<&Rev>, deleted: bool, body: &[u8]) -> Rev {
    let mut hash = Sha256::new();
    hash.update(parent.map(Rev::to_string).unwrap_or_default().as_bytes());
    hash.update([0, u8::from(deleted)]);
    hash.update(body);
    let digest = hash.finalize();
    let mut id = String::with_capacity(32);
    for byte in &digest[..16] {
        let _ = write!(id, "{byte:02x}");
    }
    Rev::new(parent.map_or(1, |p| p.pos + 1), id)
}

/// What a replica knows of one document: its revision tree.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DocState {
    pub tree: RevTree,
}

impl DocState {
    /// A change made here: a revision after the current winner (as CouchDB edits the winning
    /// revision), returned with its history for `_bulk_docs`.
    pub fn edit(&mut self, deleted: bool, body: &[u8]) -> (Rev, Revisions) {
        let winner = self.tree.winner().map(|(rev, _)| rev);
        let rev = next_rev(winner.as_ref(), deleted, body);
        let mut ids = vec![rev.id.clone()];
        if let Some(history) = winner.as_ref().and_then(|w| self.tree.revisions_of(w)) {
            ids.extend(history.ids);
        }
        let revisions = Revisions { start: rev.pos, ids };
        self.tree.merge(&RevTree::from_revisions(&revisions, deleted), REVS_LIMIT);
        (rev, revisions)
    }
}

/// A record as a document's fields: its kind (`type`, which a validation function can read) and
/// the record itself.
pub fn body_of(record: &AnyRecord) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("type".into(), Value::from(record.kind().code()));
    body.insert("record".into(), serde_json::to_value(record).unwrap_or(Value::Null));
    body
}

/// The record a document's fields hold; None for fields that are not one of ours.
pub fn record_of_body(body: &Map<String, Value>) -> Option<AnyRecord> {
    let record: AnyRecord = serde_json::from_value(body.get("record")?.clone()).ok()?;
    (body.get("type")?.as_str()? == record.kind().code()).then_some(record)
}

/// How a document's conflict is settled: the join of every live leaf's record written as a new
/// revision after the winner, and each losing live leaf ended by a deletion.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolution {
    pub merged: AnyRecord,
    pub revisions: Revisions,
    /// The deletions that end the losing branches, each with its history.
    pub retired: Vec<Revisions>,
}

/// Settles `doc`'s conflict with the records of its live leaves (`record_at`): None when there is
/// no conflict, or a leaf's record is not at hand. The join is commutative and the revision ids
/// are hashes of what they hold, so two devices settling the same conflict write the same
/// revisions, and replicating them makes no new conflict.
pub fn resolve(doc: &DocState, record_at: &dyn Fn(&Rev) -> Option<AnyRecord>) -> Option<Resolution> {
    let conflicts = doc.tree.conflicts();
    if conflicts.is_empty() {
        return None;
    }
    let (winner, _) = doc.tree.winner()?;
    let mut merged = record_at(&winner)?;
    for leaf in &conflicts {
        merged = join_any(&merged, &record_at(leaf)?)?;
    }
    let body = serde_json::to_vec(&body_of(&merged)).ok()?;
    let rev = next_rev(Some(&winner), false, &body);
    let after = |parent: &Rev, rev: &Rev| {
        let mut ids = vec![rev.id.clone()];
        ids.extend(doc.tree.revisions_of(parent).map(|r| r.ids).unwrap_or_default());
        Revisions { start: rev.pos, ids }
    };
    let revisions = after(&winner, &rev);
    let retired = conflicts.iter().map(|leaf| after(leaf, &next_rev(Some(leaf), true, b""))).collect();
    Some(Resolution { merged, revisions, retired })
}

/// The field-level join of two versions of one record (None if they are not of one kind).
fn join_any(a: &AnyRecord, b: &AnyRecord) -> Option<AnyRecord> {
    struct Joining(Option<AnyRecord>, Option<AnyRecord>);
    impl AnyVisitor for Joining {
        fn visit<R: Stored>(&mut self, ours: R) {
            let theirs = self.0.take().and_then(R::unwrap);
            self.1 = theirs.map(|theirs| crate::domain::record::join(&ours, &theirs).wrap());
        }
    }
    let mut joining = Joining(Some(b.clone()), None);
    a.clone().visit(&mut joining);
    joining.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_records_document_id_names_its_kind_and_reads_back() {
        let id = Uuid::from_u128(0x6f1c_0000_0000_4000_8000_0000_0000_0001);
        for kind in RecordKind::ALL {
            let doc = doc_id(kind, id);
            assert!(doc.starts_with(kind.code()) && doc.ends_with(&id.to_string()), "{doc}");
            assert_eq!(record_of(&doc), Some((kind, id)));
        }
        for other in
            ["_design/app", "_local/x", "customer:not-a-uuid", "widget:6f1c0000-0000-4000-8000-000000000001", ""]
        {
            assert_eq!(record_of(other), None, "{other}");
        }
    }

    #[test]
    fn a_revision_follows_its_parent_and_depends_on_all_it_hashes() {
        let first = next_rev(None, false, b"{\"name\":\"A\"}");
        assert_eq!(first.pos, 1);
        assert_eq!(first.id.len(), 32);
        assert!(first.id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        let second = next_rev(Some(&first), false, b"{\"name\":\"B\"}");
        assert_eq!(second.pos, 2);
        // The same change on the same parent is the same revision, on any device.
        assert_eq!(next_rev(Some(&first), false, b"{\"name\":\"B\"}"), second);
        // Each input counts.
        assert_ne!(next_rev(Some(&first), true, b"{\"name\":\"B\"}"), second);
        assert_ne!(next_rev(Some(&first), false, b"{\"name\":\"C\"}"), second);
        assert_ne!(next_rev(Some(&second), false, b"{\"name\":\"B\"}").id, second.id);
    }

    #[test]
    fn a_conflict_settles_into_the_join_the_same_on_both_devices() {
        use crate::domain::{demo, Actor, Archive, Command, DeviceId, Timestamp, UtcOffset};
        let now = Timestamp(1_790_000_000_000);
        let records = demo::generate(5, 10, now, UtcOffset::CHINA, "demo");
        let base = records.customers[0].clone();
        // Two devices change two fields of one customer, offline.
        let edit = |device: u64, change: &dyn Fn(&mut crate::domain::Customer)| {
            let mut archive = Archive::from_records(records.clone());
            let mut actor = Actor::at("rep", Timestamp(now.0 + 1_000 * device as i64));
            actor.stamp.device = DeviceId(device);
            let mut after = base.clone();
            change(&mut after);
            archive
                .apply(Command::EditCustomer { before: Box::new(base.clone()), after: Box::new(after) }, &actor)
                .unwrap();
            AnyRecord::Customer(archive.customers.get(base.meta.id).unwrap().clone())
        };
        let by_a = edit(2, &|c| c.name = "甲改的名字".into());
        let by_b = edit(3, &|c| c.notes = "乙写的备注".into());
        // The document: the common version, then each device's revision.
        let common = AnyRecord::Customer(base.clone());
        let bytes = |r: &AnyRecord| serde_json::to_vec(&body_of(r)).unwrap();
        let mut doc = DocState::default();
        let (root, _) = doc.edit(false, &bytes(&common));
        let mut records_at = vec![(root.clone(), common.clone())];
        for record in [&by_a, &by_b] {
            let rev = next_rev(Some(&root), false, &bytes(record));
            let history = Revisions { start: 2, ids: vec![rev.id.clone(), root.id.clone()] };
            doc.tree.merge(&RevTree::from_revisions(&history, false), REVS_LIMIT);
            records_at.push((rev, record.clone()));
        }
        assert_eq!(doc.tree.conflicts().len(), 1);
        let lookup = |rev: &Rev| records_at.iter().find(|(r, _)| r == rev).map(|(_, rec)| rec.clone());
        let settled = resolve(&doc, &lookup).unwrap();
        let AnyRecord::Customer(merged) = &settled.merged else { panic!("a customer") };
        assert_eq!((merged.name.as_str(), merged.notes.as_str()), ("甲改的名字", "乙写的备注"));
        assert_eq!(record_of_body(&body_of(&settled.merged)), Some(settled.merged.clone()));
        // The other device, whose tree got the branches the other way round, settles it the same.
        let mut other = DocState::default();
        for (rev, _) in records_at.iter().rev() {
            let history = doc.tree.revisions_of(rev).unwrap();
            other.tree.merge(&RevTree::from_revisions(&history, false), REVS_LIMIT);
        }
        assert_eq!(resolve(&other, &lookup), Some(settled.clone()));
        // Written, it leaves one live leaf: the merged revision.
        doc.tree.merge(&RevTree::from_revisions(&settled.revisions, false), REVS_LIMIT);
        for retired in &settled.retired {
            doc.tree.merge(&RevTree::from_revisions(retired, true), REVS_LIMIT);
        }
        assert!(doc.tree.conflicts().is_empty());
        assert_eq!(doc.tree.winner().map(|(r, _)| r), settled.revisions.leaf());
        assert_eq!(resolve(&doc, &lookup), None, "nothing left to settle");
    }

    #[test]
    fn edits_extend_the_winner_and_carry_their_history() {
        let mut doc = DocState::default();
        let (a, history) = doc.edit(false, b"a");
        assert_eq!(history, Revisions { start: 1, ids: vec![a.id.clone()] });
        let (b, history) = doc.edit(false, b"b");
        assert_eq!(history.ids, [b.id.clone(), a.id.clone()]);
        // A conflicting branch arrives; the next edit follows whichever wins.
        let other = next_rev(Some(&a), false, b"zzz");
        let branch = Revisions { start: 2, ids: vec![other.id.clone(), a.id.clone()] };
        doc.tree.merge(&RevTree::from_revisions(&branch, false), REVS_LIMIT);
        let winner = doc.tree.winner().unwrap().0;
        let (c, history) = doc.edit(false, b"c");
        assert_eq!((c.pos, &history.ids[1]), (3, &winner.id));
        assert_eq!(doc.tree.conflicts().len(), 1, "the other branch is still a conflict");
        // Deleting makes a deleted leaf; the live branch then wins.
        let (d, _) = doc.edit(true, b"");
        assert_eq!(d.pos, 4);
        assert_eq!(doc.tree.winner().map(|(r, deleted)| (r.pos, deleted)), Some((2, false)));
        assert_eq!(doc.tree.deleted_conflicts(), [d]);
    }
}
