//! Records as CouchDB documents: the document id of a record (its kind, then its UUID), and the
//! revisions a replica gives its own changes.
//!
//! A revision id is a hash of the parent revision, the deletion marker and the body, so two
//! devices that make the same change on the same revision (merging the same conflict by the same
//! rule, say) make the same revision, and replication sees one change instead of a new conflict.

use std::fmt::Write;

use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::revtree::{Rev, RevTree, Revisions, REVS_LIMIT};
use crate::domain::RecordKind;

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
