//! CouchDB's revision trees: every revision of one document a replica has heard of, each known
//! by its generation and id (`3-93c3...`) and linked to its parent where the parent is known.
//!
//! Replication never sends bodies to decide anything: two replicas exchange revision paths
//! (`_revisions`), merge them into their trees, and each picks the same winner by CouchDB's rule
//! (a leaf not deleted beats a deleted one, then the higher generation, then the greater id), so
//! they agree without talking again. The other live leaves are the document's `_conflicts`.
//!
//! The tree is kept as nodes keyed by revision, each naming its parent's id (the parent's
//! generation is one less) or none where history was cut off (stemmed, or never sent). Merging is
//! then a union of nodes and parent links, which is why the order revisions arrive in does not
//! change the result (property-tested below).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// CouchDB's default `_revs_limit`: how many revisions of a branch are kept.
pub const REVS_LIMIT: usize = 1000;

/// One revision: its generation (1 for a document's first) and its id.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Rev {
    pub pos: u64,
    pub id: String,
}

impl Rev {
    pub fn new(pos: u64, id: impl Into<String>) -> Rev {
        Rev { pos, id: id.into() }
    }
}

impl fmt::Display for Rev {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.pos, self.id)
    }
}

/// Why a revision string was not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRev(pub String);

impl FromStr for Rev {
    type Err = BadRev;

    /// `3-93c3db16`: a generation of at least 1, a dash, a non-empty id.
    fn from_str(text: &str) -> Result<Rev, BadRev> {
        let bad = || BadRev(text.to_owned());
        let (pos, id) = text.split_once('-').ok_or_else(bad)?;
        let pos: u64 = pos.parse().map_err(|_| bad())?;
        if pos == 0 || id.is_empty() {
            return Err(bad());
        }
        Ok(Rev::new(pos, id))
    }
}

/// A document's history as `_revisions` sends it: the newest revision's generation (`start`)
/// and the ids from the newest back (each one generation older).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revisions {
    pub start: u64,
    pub ids: Vec<String>,
}

impl Revisions {
    /// The revision this history ends in.
    pub fn leaf(&self) -> Option<Rev> {
        self.ids.first().map(|id| Rev::new(self.start, id.clone()))
    }

    /// Whether the generations fit: as many ids as generations down to 1 at most, none empty.
    pub fn is_valid(&self) -> bool {
        !self.ids.is_empty() && self.ids.len() as u64 <= self.start && self.ids.iter().all(|id| !id.is_empty())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Node {
    /// The parent's id (its generation is one less); None where the history stops.
    parent: Option<String>,
    /// Whether this revision deletes the document (what counts is a leaf's).
    deleted: bool,
}

/// What merging new revisions into a tree did, in CouchDB's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MergeOutcome {
    /// The revisions extended a leaf (or the tree was empty): the document moved on.
    NewLeaf,
    /// They started a branch beside an existing child: a conflict.
    NewBranch,
    /// They joined nothing to an existing revision: already known, or a disconnected history.
    InternalNode,
}

/// The revision tree of one document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevTree {
    nodes: BTreeMap<Rev, Node>,
}

impl RevTree {
    /// A tree holding one history (`deleted`: whether its newest revision deletes the document).
    pub fn from_revisions(revisions: &Revisions, deleted: bool) -> RevTree {
        let mut tree = RevTree::default();
        let count = revisions.ids.len();
        for (age, id) in revisions.ids.iter().enumerate() {
            let pos = revisions.start - age as u64;
            let parent = revisions.ids.get(age + 1).cloned();
            tree.nodes.insert(Rev::new(pos, id.clone()), Node { parent, deleted: deleted && age == 0 });
        }
        debug_assert_eq!(tree.nodes.len(), count);
        tree
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn contains(&self, rev: &Rev) -> bool {
        self.nodes.contains_key(rev)
    }

    /// Every revision known, oldest generation first.
    pub fn revs(&self) -> impl Iterator<Item = &Rev> {
        self.nodes.keys()
    }

    fn has_children(&self, rev: &Rev) -> bool {
        let next = rev.pos + 1;
        self.nodes
            .range(Rev::new(next, "")..)
            .take_while(|(r, _)| r.pos == next)
            .any(|(_, n)| n.parent.as_deref() == Some(rev.id.as_str()))
    }

    fn parent_of(&self, rev: &Rev) -> Option<Rev> {
        let node = self.nodes.get(rev)?;
        node.parent.as_ref().map(|id| Rev::new(rev.pos - 1, id.clone())).filter(|p| self.nodes.contains_key(p))
    }

    /// The revisions no other revision follows, each with whether it deletes the document.
    pub fn leaves(&self) -> Vec<(Rev, bool)> {
        let parents: BTreeSet<Rev> = self.nodes.keys().filter_map(|r| self.parent_of(r)).collect();
        self.nodes.iter().filter(|(r, _)| !parents.contains(r)).map(|(r, n)| (r.clone(), n.deleted)).collect()
    }

    /// The winning revision: a leaf not deleted before a deleted one, then the higher generation,
    /// then the greater id (compared as bytes). None for an empty tree.
    pub fn winner(&self) -> Option<(Rev, bool)> {
        self.leaves().into_iter().max_by(|(a, a_deleted), (b, b_deleted)| {
            (!a_deleted, a.pos, a.id.as_bytes()).cmp(&(!b_deleted, b.pos, b.id.as_bytes()))
        })
    }

    /// The live leaves other than the winner (`_conflicts`), in winning order.
    pub fn conflicts(&self) -> Vec<Rev> {
        self.losing_leaves(false)
    }

    /// The deleted leaves other than the winner (`_deleted_conflicts`), in winning order.
    pub fn deleted_conflicts(&self) -> Vec<Rev> {
        self.losing_leaves(true)
    }

    fn losing_leaves(&self, deleted: bool) -> Vec<Rev> {
        let winner = self.winner().map(|(r, _)| r);
        let mut out: Vec<Rev> = self
            .leaves()
            .into_iter()
            .filter(|(r, d)| *d == deleted && Some(r) != winner.as_ref())
            .map(|(r, _)| r)
            .collect();
        out.sort_by(|a, b| (b.pos, b.id.as_bytes()).cmp(&(a.pos, a.id.as_bytes())));
        out
    }

    /// `rev`'s history back as far as this tree knows it, as `_revisions` sends it.
    pub fn revisions_of(&self, rev: &Rev) -> Option<Revisions> {
        self.nodes.get(rev)?;
        let mut ids = vec![rev.id.clone()];
        let mut at = rev.clone();
        while let Some(parent) = self.parent_of(&at) {
            ids.push(parent.id.clone());
            at = parent;
        }
        Some(Revisions { start: rev.pos, ids })
    }

    /// Merges `other` into this tree and keeps at most `depth` revisions of every branch
    /// (CouchDB's `_revs_limit`). Nodes are joined by revision, parent links where either side
    /// knows them; a revision deletes the document if either side says so. The outcome: a branch
    /// if a revision known before gained a second child, a leaf if new history was linked onto
    /// one known before, otherwise nothing joined (the tree empty before counts as a new leaf).
    pub fn merge(&mut self, other: &RevTree, depth: usize) -> MergeOutcome {
        let was_empty = self.is_empty();
        let mut added = BTreeSet::new();
        let (mut leaf, mut branch) = (false, false);
        // `other`'s nodes come oldest first, so a parent is in the tree before its children.
        for (rev, theirs) in &other.nodes {
            let known_parent = theirs
                .parent
                .as_ref()
                .map(|id| Rev::new(rev.pos - 1, id.clone()))
                .filter(|p| self.nodes.contains_key(p) && !added.contains(p));
            let unlinked = self.nodes.get(rev).is_none_or(|n| n.parent.is_none());
            if let Some(parent) = known_parent.filter(|_| unlinked) {
                if self.has_children(&parent) {
                    branch = true;
                } else {
                    leaf = true;
                }
            }
            let ours = self.nodes.entry(rev.clone()).or_insert_with(|| {
                added.insert(rev.clone());
                Node { parent: None, deleted: false }
            });
            if ours.parent.is_none() {
                ours.parent.clone_from(&theirs.parent);
            }
            ours.deleted |= theirs.deleted;
        }
        self.stem(depth);
        match (was_empty, branch, leaf) {
            (true, _, _) | (false, false, true) => MergeOutcome::NewLeaf,
            (false, true, _) => MergeOutcome::NewBranch,
            (false, false, false) => MergeOutcome::InternalNode,
        }
    }

    /// Keeps, for every leaf, its `depth` newest revisions; a parent link stays where both ends
    /// are kept for one leaf, other kept revisions become roots of their own.
    fn stem(&mut self, depth: usize) {
        let depth = depth.max(1);
        let mut keep = BTreeSet::new();
        let mut links = BTreeSet::new();
        for (leaf, _) in self.leaves() {
            let mut at = leaf;
            keep.insert(at.clone());
            for _ in 1..depth {
                let Some(parent) = self.parent_of(&at) else { break };
                links.insert(at.clone());
                keep.insert(parent.clone());
                at = parent;
            }
        }
        self.nodes.retain(|rev, _| keep.contains(rev));
        for (rev, node) in &mut self.nodes {
            if !links.contains(rev) {
                node.parent = None;
            }
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    //! The merge cases of CouchDB's key-tree suite (as PouchDB's merge tests carry them), the
    //! winner rule, and properties over random edit histories.
    use super::*;
    use proptest::prelude::*;
    use MergeOutcome::*;

    /// A tree from root-to-leaf paths written `start:id,id,...` (oldest first); each path's first
    /// revision is a root. Built directly, not by merging, so it can check `merge`.
    fn tree(paths: &[&str]) -> RevTree {
        let mut t = RevTree::default();
        for path in paths {
            let (start, ids) = path.split_once(':').unwrap();
            let start: u64 = start.parse().unwrap();
            let mut parent: Option<String> = None;
            for (i, id) in ids.split(',').enumerate() {
                t.nodes.insert(Rev::new(start + i as u64, id), Node { parent: parent.clone(), deleted: false });
                parent = Some(id.to_owned());
            }
        }
        t
    }

    fn merged(into: &[&str], other: &[&str], depth: usize) -> (RevTree, MergeOutcome) {
        let mut t = tree(into);
        let outcome = t.merge(&tree(other), depth);
        (t, outcome)
    }

    const SIMPLE: &[&str] = &["1:1"];
    const TWO_0: &[&str] = &["1:1,2_0"];
    const TWO_1: &[&str] = &["1:1,2_1"];
    const NEW_LEAF: &[&str] = &["2:2_0,3"];
    const WITH_NEW_LEAF: &[&str] = &["1:1,2_0,3"];
    const NEW_BRANCH: &[&str] = &["1:1,2_0", "1:1,2_1"];
    const NEW_DEEP_BRANCH: &[&str] = &["2:2_0,3_1"];
    const STEMMED_CONFLICTS: &[&str] = &["1:1", "3:3"];
    const NEW_BRANCH_LEAF: &[&str] = &["1:1,2_0,3", "1:1,2_1"];
    const NEW_BRANCH_LEAF_BRANCH: &[&str] = &["1:1,2_0,3", "1:1,2_0,3_1", "1:1,2_1"];
    const STEMMED_2: &[&str] = &["1:1,2_1", "2:2_0,3", "2:2_0,3_1"];
    const STEMMED_3: &[&str] = &["2:2_1", "3:3", "3:3_1"];
    const PARTIAL_RECOVER: &[&str] = &["1:1,2_0,3", "2:2_1", "3:3_1"];

    /// A merge case: its name, the tree, what is merged into it, the depth kept, the tree
    /// expected and the outcome.
    type Case =
        (&'static str, &'static [&'static str], &'static [&'static str], usize, &'static [&'static str], MergeOutcome);

    #[test]
    fn merge_cases_of_the_pouchdb_suite() {
        let cases: &[Case] = &[
            ("a path into an empty tree is the path", &[], SIMPLE, 10, SIMPLE, NewLeaf),
            ("re-merging a path is reflexive", SIMPLE, SIMPLE, 10, SIMPLE, InternalNode),
            ("a path of several revisions into an empty tree", &[], TWO_0, 10, TWO_0, NewLeaf),
            ("a path of several revisions is reflexive", TWO_0, TWO_0, 10, TWO_0, InternalNode),
            ("a subpath into a path gives the path", TWO_0, SIMPLE, 10, TWO_0, InternalNode),
            ("a new leaf", TWO_0, NEW_LEAF, 10, WITH_NEW_LEAF, NewLeaf),
            ("a new branch", TWO_0, TWO_1, 10, NEW_BRANCH, NewBranch),
            ("the order of merging does not matter", TWO_1, TWO_0, 10, NEW_BRANCH, NewBranch),
            ("a new leaf where branches exist is a new leaf", NEW_BRANCH, NEW_LEAF, 10, NEW_BRANCH_LEAF, NewLeaf),
            ("a deep branch beside branches", NEW_BRANCH_LEAF, NEW_DEEP_BRANCH, 10, NEW_BRANCH_LEAF_BRANCH, NewBranch),
            ("new history reconnects what stemming cut", STEMMED_CONFLICTS, WITH_NEW_LEAF, 10, WITH_NEW_LEAF, NewLeaf),
            ("simple stemming", TWO_0, NEW_LEAF, 2, NEW_LEAF, NewLeaf),
            ("stemming with branches", NEW_BRANCH_LEAF_BRANCH, SIMPLE, 2, STEMMED_2, InternalNode),
            ("stemming to the leaves", NEW_BRANCH_LEAF_BRANCH, SIMPLE, 1, STEMMED_3, InternalNode),
            ("unstemmed history recovers what it can", STEMMED_3, WITH_NEW_LEAF, 10, PARTIAL_RECOVER, InternalNode),
            // CouchDB's kt-merging cases.
            ("the empty tree is the identity", &[], &["1:1"], 10, &["1:1"], NewLeaf),
            ("merging is reflexive", &["1:1"], &["1:1"], 10, &["1:1"], InternalNode),
            ("a prefix of a tree with the tree", &["1:1", "1:2"], &["1:1"], 10, &["1:1", "1:2"], InternalNode),
            ("a third unrelated branch", &["1:1", "1:2"], &["1:3"], 10, &["1:1", "1:2", "1:3"], InternalNode),
            ("two children, reflexive", &["1:1,1a,1aa"], &["1:1,1a,1aa"], 10, &["1:1,1a,1aa"], InternalNode),
            (
                "a tree with itself",
                &["1:1,1a", "1:1,1b"],
                &["1:1,1a", "1:1,1b"],
                10,
                &["1:1,1a", "1:1,1b"],
                InternalNode,
            ),
            (
                "trees of uneven length at node 2",
                &["1:1,1a,1aa"],
                &["1:1,1a", "1:1,1b"],
                10,
                &["1:1,1a,1aa", "1:1,1b"],
                NewBranch,
            ),
            ("a tree with a stem", &["1:1,1a", "1:1,1b"], &["2:1a"], 10, &["1:1,1a", "1:1,1b"], InternalNode),
            (
                "a stem at a deeper level",
                &["1:1,1a", "1:1,1b,1bb"],
                &["3:1bb"],
                10,
                &["1:1,1a", "1:1,1b,1bb"],
                InternalNode,
            ),
            (
                "a stem at a deeper level against paths at deeper levels",
                &["2:1a", "2:1b,1bb"],
                &["3:1bb"],
                10,
                &["2:1a", "2:1b,1bb"],
                InternalNode,
            ),
            ("a single tree with a deeper stem", &["1:1,1a,1aa"], &["3:1aa"], 10, &["1:1,1a,1aa"], InternalNode),
            ("a larger stem", &["1:1,1a,1aa"], &["2:1a,1aa"], 10, &["1:1,1a,1aa"], InternalNode),
            ("more merging", &["2:1a,1aa"], &["3:1aa"], 10, &["2:1a,1aa"], InternalNode),
            (
                "a stem that cannot be placed stays apart",
                &["1:1,1a"],
                &["3:1aa"],
                10,
                &["1:1,1a", "3:1aa"],
                InternalNode,
            ),
            ("the full history joins it", &["1:1,1a", "3:1aa"], &["1:1,1a,1aa"], 10, &["1:1,1a,1aa"], NewLeaf),
            (
                "trees with conflicts",
                &["1:foo,foo2", "1:foo,foo3"],
                &["1:foo,foo3,foo4"],
                10,
                &["1:foo,foo2", "1:foo,foo3,foo4"],
                NewLeaf,
            ),
        ];
        for (name, into, other, depth, expect, outcome) in cases {
            let (got, got_outcome) = merged(into, other, *depth);
            assert_eq!(got, tree(expect), "{name}: tree");
            assert_eq!(got_outcome, *outcome, "{name}: outcome");
        }
    }

    #[test]
    fn the_winner_is_the_longest_live_leaf_then_the_greater_id() {
        let t = tree(&[
            "1:bfe70372c90ded1087239e5191984f76,44d71a718b90e4696c06a90e08912c8f",
            "1:bfe70372c90ded1087239e5191984f76,56e657612d55ab1a402dcb281c874f2a,93c3db16462f656f7172ccabd3cf6cd6",
        ]);
        assert_eq!(t.winner().unwrap().0.to_string(), "3-93c3db16462f656f7172ccabd3cf6cd6");
        let t = tree(&[
            "1:203db1a1810a838895d561f67b224b5d,bf5e08a4f9fa6d33a53f4a00ae3ea399,28cd77a3ca30f79e1cfffcd6a41ca308",
            "1:c6d5cce35bcfbef90b20f140d723cbdb,1b8dfbb1267e213328920bae43f2f597",
            "1:c6d5cce35bcfbef90b20f140d723cbdb,59ed830b84b276ab776c3c51aaf93a16,64a9842c6aea50bf24660378e496e853",
        ]);
        assert_eq!(t.winner().unwrap().0.to_string(), "3-64a9842c6aea50bf24660378e496e853");
        assert_eq!(
            t.conflicts().iter().map(Rev::to_string).collect::<Vec<_>>(),
            ["3-28cd77a3ca30f79e1cfffcd6a41ca308", "2-1b8dfbb1267e213328920bae43f2f597"]
        );
        assert!(RevTree::default().winner().is_none());
    }

    #[test]
    fn a_live_leaf_beats_a_longer_deleted_one_and_deleted_leaves_are_not_conflicts() {
        let mut t = tree(&["1:a,b", "1:a,c"]);
        t.merge(
            &RevTree::from_revisions(&Revisions { start: 3, ids: vec!["d".into(), "b".into(), "a".into()] }, true),
            10,
        );
        assert_eq!(t.winner(), Some((Rev::new(2, "c"), false)));
        assert!(t.conflicts().is_empty());
        assert_eq!(t.deleted_conflicts(), [Rev::new(3, "d")]);
        // Every leaf deleted: the document is deleted, its winner the longest deletion.
        t.merge(
            &RevTree::from_revisions(&Revisions { start: 3, ids: vec!["e".into(), "c".into(), "a".into()] }, true),
            10,
        );
        assert_eq!(t.winner(), Some((Rev::new(3, "e"), true)));
        assert_eq!(t.deleted_conflicts(), [Rev::new(3, "d")]);
    }

    #[test]
    fn revisions_go_out_as_they_came_in() {
        let history = Revisions { start: 4, ids: vec!["d".into(), "c".into(), "b".into()] };
        assert!(history.is_valid());
        let t = RevTree::from_revisions(&history, false);
        assert_eq!(t.revisions_of(&Rev::new(4, "d")), Some(history.clone()));
        assert_eq!(t.revisions_of(&Rev::new(3, "c")).unwrap().ids, ["c", "b"]);
        assert_eq!(t.revisions_of(&Rev::new(9, "x")), None);
        assert_eq!(history.leaf(), Some(Rev::new(4, "d")));
        assert!(!Revisions { start: 1, ids: vec!["a".into(), "b".into()] }.is_valid(), "more ids than generations");
        assert!(!Revisions { start: 1, ids: vec![] }.is_valid());
        assert_eq!("12-abc".parse(), Ok(Rev::new(12, "abc")));
        for bad in ["", "abc", "0-abc", "3-", "-abc", "x-abc"] {
            assert!(bad.parse::<Rev>().is_err(), "{bad}");
        }
    }

    /// A random document history: revisions added one by one as children of random earlier ones
    /// (edits on several devices branching), some leaves deleted. Gives every root-to-leaf path
    /// and, to stand for replicas that saw a revision before it was edited on, every prefix of one.
    fn histories() -> impl Strategy<Value = Vec<(Revisions, bool)>> {
        proptest::collection::vec((any::<prop::sample::Index>(), any::<bool>()), 1..25).prop_map(|steps| {
            // parents[i]: the index of revision i's parent; revision 0 is the root.
            let mut parents: Vec<Option<usize>> = vec![None];
            let mut deleted = vec![false];
            for (pick, delete) in &steps {
                parents.push(Some(pick.index(parents.len())));
                deleted.push(*delete);
            }
            let depth = |mut i: usize| {
                let mut d = 1;
                while let Some(p) = parents[i] {
                    d += 1;
                    i = p;
                }
                d
            };
            let id = |i: usize| format!("r{i:02}");
            (0..parents.len())
                .map(|i| {
                    let mut ids = vec![id(i)];
                    let mut at = i;
                    while let Some(p) = parents[at] {
                        ids.push(id(p));
                        at = p;
                    }
                    (Revisions { start: depth(i) as u64, ids }, deleted[i])
                })
                .collect()
        })
    }

    fn replay(histories: &[(Revisions, bool)]) -> RevTree {
        let mut t = RevTree::default();
        for (revisions, deleted) in histories {
            t.merge(&RevTree::from_revisions(revisions, *deleted), REVS_LIMIT);
        }
        t
    }

    proptest! {
        #[test]
        fn any_order_gives_the_same_tree_winner_and_conflicts(histories in histories(), seed in any::<u64>()) {
            let in_order = replay(&histories);
            let mut shuffled = histories.clone();
            fastrand::Rng::with_seed(seed).shuffle(&mut shuffled);
            let other = replay(&shuffled);
            prop_assert_eq!(&other, &in_order);
            prop_assert_eq!(other.winner(), in_order.winner());
            prop_assert_eq!(other.conflicts(), in_order.conflicts());
            prop_assert_eq!(other.leaves(), in_order.leaves());
            // Every revision of the history is known, linked to its parent.
            for (revisions, _) in &histories {
                prop_assert_eq!(other.revisions_of(&revisions.leaf().unwrap()), Some(revisions.clone()));
            }
        }

        #[test]
        fn merging_what_is_known_changes_nothing(histories in histories(), pick in any::<prop::sample::Index>()) {
            let mut t = replay(&histories);
            let before = t.clone();
            let (revisions, deleted) = &histories[pick.index(histories.len())];
            prop_assert_eq!(t.merge(&RevTree::from_revisions(revisions, *deleted), REVS_LIMIT), MergeOutcome::InternalNode);
            prop_assert_eq!(&t, &before);
            let whole = before.clone();
            prop_assert_eq!(t.merge(&whole, REVS_LIMIT), MergeOutcome::InternalNode);
            prop_assert_eq!(t, before);
        }

        #[test]
        fn merging_trees_is_commutative_and_associative(
            a in histories(), cut_1 in any::<prop::sample::Index>(), cut_2 in any::<prop::sample::Index>()
        ) {
            // Three replicas that each saw a part of one history.
            let (i, j) = { let (x, y) = (cut_1.index(a.len() + 1), cut_2.index(a.len() + 1)); (x.min(y), x.max(y)) };
            let (p, q, r) = (replay(&a[..i]), replay(&a[i..j]), replay(&a[j..]));
            let join = |x: &RevTree, y: &RevTree| { let mut t = x.clone(); t.merge(y, REVS_LIMIT); t };
            prop_assert_eq!(join(&p, &q), join(&q, &p));
            prop_assert_eq!(join(&join(&p, &q), &r), join(&p, &join(&q, &r)));
            prop_assert_eq!(join(&join(&p, &q), &r), replay(&a));
        }
    }
}
