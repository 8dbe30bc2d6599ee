//! Replication checkpoints: where a replication got to, kept on both sides in a `_local`
//! document, so that a replication that stopped (offline, a closed tab) resumes from there
//! instead of from the start.
//!
//! Each run of a replication has a session id. A checkpoint holds the session that wrote it, the
//! source sequence it reached, and the sessions before it (newest first). Both sides write the
//! same checkpoint after a batch is stored; if one write was lost (the tab closed between the
//! two), the two disagree, and the replication resumes from the newest session both know, as
//! CouchDB and PouchDB do. Sequences are opaque (a number on some servers, a string on CouchDB 3):
//! they are kept and sent back as they came, never compared.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How many earlier sessions a checkpoint remembers.
pub const HISTORY: usize = 5;

/// A source sequence, opaque: kept exactly as the server sent it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Seq(pub Value);

impl Seq {
    /// Where a replication with no checkpoint starts.
    pub fn start() -> Seq {
        Seq(Value::from(0))
    }

    /// The value for `since=` in a URL: strings as they are, anything else as JSON.
    pub fn as_query(&self) -> String {
        match &self.0 {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

/// One earlier session of a checkpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub session_id: String,
    pub recorded_seq: Seq,
}

/// A checkpoint as kept in `_local/<replication id>` on either side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub session_id: String,
    pub last_seq: Seq,
    /// This session and the ones before it, newest first, at most `HISTORY`.
    pub history: Vec<Session>,
}

impl Checkpoint {
    /// The checkpoint after a batch of `session` reached `seq`, following `before` (this side's
    /// previous checkpoint, if any): the session is recorded once, at the head of the history.
    pub fn after(before: Option<&Checkpoint>, session: &str, seq: Seq) -> Checkpoint {
        let mut history = vec![Session { session_id: session.to_owned(), recorded_seq: seq.clone() }];
        if let Some(before) = before {
            history.extend(before.history.iter().filter(|s| s.session_id != session).cloned());
        }
        history.truncate(HISTORY);
        Checkpoint { session_id: session.to_owned(), last_seq: seq, history }
    }
}

/// Where to resume, from the source's and the target's checkpoints: the source's sequence when
/// both were written by the same session; else the sequence recorded by the newest session both
/// remember; else the start.
pub fn resume_from(source: Option<&Checkpoint>, target: Option<&Checkpoint>) -> Seq {
    let (Some(source), Some(target)) = (source, target) else { return Seq::start() };
    if source.session_id == target.session_id {
        return source.last_seq.clone();
    }
    common_session(&source.history, &target.history).unwrap_or_else(Seq::start)
}

/// Walks both histories from the newest: the first session of either that the other also holds.
fn common_session(source: &[Session], target: &[Session]) -> Option<Seq> {
    let holds = |list: &[Session], id: &str| list.iter().any(|s| s.session_id == id);
    let (mut source, mut target) = (source, target);
    while let (Some((s, source_rest)), Some((t, target_rest))) = (source.split_first(), target.split_first()) {
        if holds(target, &s.session_id) {
            return Some(s.recorded_seq.clone());
        }
        if holds(source_rest, &t.session_id) {
            return Some(t.recorded_seq.clone());
        }
        source = source_rest;
        target = target_rest;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn seq(v: Value) -> Seq {
        Seq(v)
    }

    /// A checkpoint written by a run of sessions, each reaching the sequence given.
    fn run(sessions: &[(&str, Value)]) -> Checkpoint {
        let mut at: Option<Checkpoint> = None;
        for (id, s) in sessions {
            at = Some(Checkpoint::after(at.as_ref(), id, seq(s.clone())));
        }
        at.unwrap()
    }

    #[test]
    fn without_a_checkpoint_on_either_side_it_starts_over() {
        let c = run(&[("a", json!(10))]);
        assert_eq!(resume_from(None, Some(&c)), Seq::start());
        assert_eq!(resume_from(Some(&c), None), Seq::start());
        assert_eq!(resume_from(None, None), Seq::start());
    }

    #[test]
    fn the_same_session_on_both_sides_resumes_where_it_got_to() {
        let c = run(&[("a", json!(10)), ("b", json!("25-g1AAAA"))]);
        assert_eq!(resume_from(Some(&c), Some(&c.clone())), seq(json!("25-g1AAAA")));
    }

    #[test]
    fn a_checkpoint_written_on_one_side_only_resumes_from_the_last_both_have() {
        // Session b wrote the source's checkpoint, then the tab closed before the target's.
        let target = run(&[("a", json!(10))]);
        let source = run(&[("a", json!(10)), ("b", json!(20))]);
        assert_eq!(resume_from(Some(&source), Some(&target)), seq(json!(10)));
        assert_eq!(resume_from(Some(&target), Some(&source)), seq(json!(10)));
        // Several sessions apart: the newest one both remember.
        let target = run(&[("a", json!(1)), ("b", json!(2)), ("c", json!(3))]);
        let source = run(&[("a", json!(1)), ("b", json!(2)), ("c", json!(3)), ("d", json!(4)), ("e", json!(5))]);
        assert_eq!(resume_from(Some(&source), Some(&target)), seq(json!(3)));
    }

    #[test]
    fn sessions_with_nothing_in_common_start_over() {
        let source = run(&[("a", json!(10)), ("b", json!(20))]);
        let target = run(&[("x", json!(10)), ("y", json!(20))]);
        assert_eq!(resume_from(Some(&source), Some(&target)), Seq::start());
    }

    #[test]
    fn a_checkpoint_remembers_a_few_sessions_newest_first_and_each_once() {
        let c = run(&[
            ("a", json!(1)),
            ("b", json!(2)),
            ("b", json!(3)),
            ("c", json!(4)),
            ("d", json!(5)),
            ("e", json!(6)),
            ("f", json!(7)),
        ]);
        let ids: Vec<&str> = c.history.iter().map(|s| s.session_id.as_str()).collect();
        assert_eq!(ids, ["f", "e", "d", "c", "b"]);
        assert_eq!(c.history[4].recorded_seq, seq(json!(3)), "a session's latest sequence");
        assert_eq!((c.session_id.as_str(), &c.last_seq), ("f", &seq(json!(7))));
        // Too old to be remembered: a side still at session a starts over.
        let old = run(&[("a", json!(1))]);
        assert_eq!(resume_from(Some(&c), Some(&old)), Seq::start());
    }

    #[test]
    fn sequences_go_back_to_the_server_as_they_came() {
        let text = r#"{"session_id":"s1","last_seq":"42-g1AAAAB","history":[{"session_id":"s1","recorded_seq":"42-g1AAAAB"}]}"#;
        let c: Checkpoint = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), text);
        assert_eq!(c.last_seq.as_query(), "42-g1AAAAB");
        assert_eq!(seq(json!(17)).as_query(), "17");
        assert_eq!(seq(json!([3, "x"])).as_query(), r#"[3,"x"]"#);
    }
}
