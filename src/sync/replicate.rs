//! Replication with a CouchDB database, one batch at a time, as a state machine that does no
//! I/O: it says which HTTP request to make next, is given the response, and reads and writes the
//! local side through [`LocalSide`]. The page runs it over `fetch`; native tests run it against an
//! in-memory server.
//!
//! A pull batch: `_changes?style=all_docs&since=` (opaque sequences), the revisions this side
//! lacks, `_bulk_get?revs=true` for them (or, where a server does not have it, one
//! `?open_revs=` GET per document), stored locally, then the checkpoint written on both sides:
//! three requests a batch. A push batch: this side's changes since its checkpoint,
//! `_revs_diff`, `_bulk_docs` with `new_edits: false` and each revision's history, then the
//! checkpoint (a push into a database its round's pull found without documents skips
//! `_revs_diff`, nothing there to diff against, and sends up to two later batches ahead while
//! one is stored: `Push::ahead`). A checkpoint is written only after its batch is stored, so a
//! pull that stops anywhere fetches at most one batch again, and a push sends again at most the
//! batch it stopped at and those sent ahead of it.

use std::collections::VecDeque;

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::checkpoint::{resume_from, Checkpoint, Seq};
use super::revtree::{Rev, Revisions};

/// An HTTP request to the database, its path relative to the database's URL.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub method: &'static str,
    pub path: String,
    pub body: Option<Value>,
}

impl Request {
    /// Whether it writes a replication's checkpoint on the server: a driver that stores this
    /// side's documents in the background has them stored before sending it (a checkpoint is
    /// written only after its batch is stored).
    pub fn writes_checkpoint(&self) -> bool {
        self.method == "PUT" && self.path.starts_with("_local/")
    }
}

/// What the server answered.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    pub status: u16,
    pub body: Value,
}

/// One revision of a document with its history, as replication carries it.
#[derive(Clone, Debug, PartialEq)]
pub struct Doc {
    pub id: String,
    pub revisions: Revisions,
    pub deleted: bool,
    /// The fields, without the `_` ones.
    pub body: Map<String, Value>,
}

impl Doc {
    /// The revision this is.
    pub fn rev(&self) -> Rev {
        Rev::new(self.revisions.start, self.revisions.ids[0].clone())
    }

    /// As JSON for `_bulk_docs` (`_id`, `_rev`, `_revisions`, `_deleted` and the fields).
    pub fn to_json(&self) -> Value {
        self.clone().into_json()
    }

    /// `to_json`, taking the fields along instead of copying them.
    pub fn into_json(self) -> Value {
        let rev = self.rev().to_string();
        let mut out = self.body;
        out.insert("_id".into(), json!(self.id));
        out.insert("_rev".into(), json!(rev));
        out.insert("_revisions".into(), json!({ "start": self.revisions.start, "ids": self.revisions.ids }));
        if self.deleted {
            out.insert("_deleted".into(), json!(true));
        }
        Value::Object(out)
    }

    /// From a server's JSON (with `_revisions`; without them, the revision alone).
    pub fn from_json(value: &Value) -> Result<Doc, SyncError> {
        Doc::from_value(value.clone())
    }

    /// `from_json`, taking the fields along instead of copying them.
    pub fn from_value(value: Value) -> Result<Doc, SyncError> {
        let bad = |why: &str| SyncError::Protocol(format!("a document {why}"));
        let Value::Object(mut object) = value else { return Err(bad("that is not an object")) };
        let id = match object.remove("_id") {
            Some(Value::String(id)) => id,
            _ => return Err(bad("without _id")),
        };
        let rev: Rev = object
            .get("_rev")
            .and_then(Value::as_str)
            .and_then(|r| r.parse().ok())
            .ok_or_else(|| bad("without a readable _rev"))?;
        let revisions = match object.get("_revisions") {
            Some(r) => Revisions::deserialize(r).map_err(|_| bad("with unreadable _revisions"))?,
            None => Revisions { start: rev.pos, ids: vec![rev.id.clone()] },
        };
        if !revisions.is_valid() || revisions.leaf().as_ref() != Some(&rev) {
            return Err(bad("whose _revisions do not end in its _rev"));
        }
        let deleted = object.get("_deleted").and_then(Value::as_bool).unwrap_or(false);
        object.retain(|k, _| !k.starts_with('_'));
        Ok(Doc { id, revisions, deleted, body: object })
    }
}

/// A change of the local side, for a push: the document, its leaf revisions, and the local
/// sequence it was made at.
#[derive(Clone, Debug, PartialEq)]
pub struct LocalChange {
    pub id: String,
    pub revs: Vec<Rev>,
    pub seq: u64,
}

/// The local side of a replication: its documents' revisions, its changes, its checkpoints.
pub trait LocalSide {
    fn checkpoint(&self, replication: &str) -> Option<Checkpoint>;
    fn set_checkpoint(&mut self, replication: &str, checkpoint: Checkpoint);
    /// Of `revs` of document `id`, those this side does not have.
    fn missing(&self, id: &str, revs: &[Rev]) -> Vec<Rev>;
    /// Stores documents that came in (merged into their trees); all or nothing.
    fn store(&mut self, docs: Vec<Doc>) -> Result<(), SyncError>;
    /// Up to `limit` changes after local sequence `since`, oldest first.
    fn changes_since(&self, since: u64, limit: usize) -> Vec<LocalChange>;
    /// A revision of a document with its history; None if its body is no longer here: a newer
    /// revision followed it (which a later batch sends), or the record is gone. The push then
    /// passes over it.
    fn doc(&self, id: &str, rev: &Rev) -> Option<Doc>;
}

/// Why a replication stopped.
#[derive(Clone, Debug, PartialEq)]
pub enum SyncError {
    /// The server needs a login (401): log in and start again.
    Unauthorized,
    /// The server answered something this client does not follow.
    Protocol(String),
    /// The server answered an error status.
    Status(u16, String),
    /// The local store refused or failed.
    Local(String),
}

/// A change the server refused (its validation function, say): kept locally and shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejected {
    pub id: String,
    pub rev: Rev,
    pub error: String,
    pub reason: String,
}

/// What the next step is.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Make this request and hand its response to `respond`.
    Send(Request),
    /// The oldest request `Push::ahead` gave whose response was not handed over yet is this
    /// step's: hand its response to `respond`.
    Sent,
    /// Up to date: nothing more to fetch or send.
    Done,
}

/// What a replication did so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    pub batches: usize,
    pub requests: usize,
    pub docs: usize,
    pub rejected: Vec<Rejected>,
}

/// Documents and the revisions of each this side lacks.
type Wanted = Vec<(String, Vec<Rev>)>;

/// What a pull and a push share: their names, batch size, the server's checkpoint, the tally.
struct Run {
    replication: String,
    session: String,
    batch: usize,
    /// The server's checkpoint and its `_rev`, once read (or written).
    remote: Option<(Checkpoint, Option<String>)>,
    tally: Tally,
}

impl Run {
    fn new(replication: &str, session: &str, batch: usize) -> Run {
        Run {
            replication: replication.to_owned(),
            session: session.to_owned(),
            batch: batch.max(1),
            remote: None,
            tally: Tally::default(),
        }
    }

    fn send(&mut self, request: Request) -> Step {
        self.tally.requests += 1;
        Step::Send(request)
    }

    /// The first request: the server's checkpoint.
    fn read_checkpoint(&mut self) -> Step {
        let path = local_path(&self.replication);
        self.send(Request { method: "GET", path, body: None })
    }

    /// Writes the local checkpoint of a batch that reached `seq` (its records stored), and sends
    /// the server's.
    fn write_checkpoint(&mut self, seq: &Seq, local: &mut dyn LocalSide) -> Step {
        let before = local.checkpoint(&self.replication);
        local.set_checkpoint(&self.replication, Checkpoint::after(before.as_ref(), &self.session, seq.clone()));
        let written = Checkpoint::after(self.remote.as_ref().map(|(c, _)| c), &self.session, seq.clone());
        let mut body = serde_json::to_value(&written).unwrap_or(Value::Null);
        if let (Some(rev), Some(object)) = (self.remote.as_ref().and_then(|(_, r)| r.clone()), body.as_object_mut()) {
            object.insert("_rev".into(), json!(rev));
        }
        let path = local_path(&self.replication);
        self.send(Request { method: "PUT", path, body: Some(body) })
    }

    /// The server took the checkpoint of a batch that reached `seq`.
    fn checkpoint_written(&mut self, response: &Response, seq: &Seq) -> Result<(), SyncError> {
        ok(response)?;
        let rev = response.body.get("rev").and_then(Value::as_str).map(str::to_owned);
        let written = Checkpoint::after(self.remote.as_ref().map(|(c, _)| c), &self.session, seq.clone());
        self.remote = Some((written, rev));
        self.tally.batches += 1;
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq)]
enum PullState {
    Checkpoint,
    Changes { since: Seq },
    Fetch { wanted: Wanted, last_seq: Seq, fetched: Vec<Doc>, one_by_one: bool },
    SaveCheckpoint { last_seq: Seq },
    Done,
}

/// A pull: the server's changes into the local side, a batch at a time.
pub struct Pull {
    run: Run,
    state: PullState,
    /// Whether the server answered `_bulk_get` with an error once (then every batch GETs).
    no_bulk_get: bool,
    /// Whether it read the server's changes from the start, and found any but design documents.
    from_start: bool,
    found_any: bool,
}

impl Pull {
    /// A pull under replication id `replication`, in session `session`, `batch` changes at a time.
    pub fn new(replication: &str, session: &str, batch: usize) -> Pull {
        let run = Run::new(replication, session, batch);
        Pull { run, state: PullState::Checkpoint, no_bulk_get: false, from_start: false, found_any: false }
    }

    /// The first request.
    pub fn start(&mut self) -> Step {
        self.state = PullState::Checkpoint;
        self.run.read_checkpoint()
    }

    /// What it did so far.
    pub fn tally(&self) -> &Tally {
        &self.run.tally
    }

    /// Done, having read the server's changes from the start and found no document but design
    /// documents: the database is empty (`Push::into_empty`).
    pub fn found_nothing(&self) -> bool {
        self.state == PullState::Done && self.from_start && !self.found_any
    }

    /// Takes the response to the last request and says what comes next.
    pub fn respond(&mut self, response: Response, local: &mut dyn LocalSide) -> Result<Step, SyncError> {
        if response.status == 401 {
            return Err(SyncError::Unauthorized);
        }
        match std::mem::replace(&mut self.state, PullState::Done) {
            PullState::Checkpoint => {
                let remote = read_checkpoint(&response)?;
                let since =
                    resume_from(remote.as_ref().map(|(c, _)| c), local.checkpoint(&self.run.replication).as_ref());
                self.from_start = since == Seq::start();
                self.run.remote = remote;
                Ok(self.changes(since))
            }
            PullState::Changes { since } => {
                ok(&response)?;
                let (wanted, last_seq) = self.read_changes(&response.body, local)?;
                if wanted.is_empty() {
                    if last_seq == since {
                        self.state = PullState::Done;
                        return Ok(Step::Done);
                    }
                    return Ok(self.save_checkpoint(last_seq, local));
                }
                let one_by_one = self.no_bulk_get;
                self.state = PullState::Fetch { wanted, last_seq, fetched: Vec::new(), one_by_one };
                Ok(self.next_fetch())
            }
            PullState::Fetch { mut wanted, last_seq, mut fetched, one_by_one } => {
                if !one_by_one && matches!(response.status, 400 | 404 | 405 | 501) {
                    // No `_bulk_get` here: each document by itself from now on.
                    self.no_bulk_get = true;
                    self.state = PullState::Fetch { wanted, last_seq, fetched, one_by_one: true };
                    return Ok(self.next_fetch());
                }
                ok(&response)?;
                if one_by_one {
                    fetched.extend(read_open_revs(response.body)?);
                    wanted.remove(0);
                } else {
                    fetched.extend(read_bulk_get(response.body)?);
                    wanted.clear();
                }
                if !wanted.is_empty() {
                    self.state = PullState::Fetch { wanted, last_seq, fetched, one_by_one };
                    return Ok(self.next_fetch());
                }
                self.run.tally.docs += fetched.len();
                local.store(fetched)?;
                Ok(self.save_checkpoint(last_seq, local))
            }
            PullState::SaveCheckpoint { last_seq } => {
                self.run.checkpoint_written(&response, &last_seq)?;
                Ok(self.changes(last_seq))
            }
            PullState::Done => Ok(Step::Done),
        }
    }

    /// The request that will follow the one just sent, when it is already known and only reads:
    /// the next batch's `_changes` while this batch is stored and its checkpoint written. A
    /// driver may send it at once and hand its answer to `respond` when it is asked for.
    pub fn upcoming(&self) -> Option<Request> {
        match &self.state {
            PullState::SaveCheckpoint { last_seq } => Some(self.changes_request(last_seq)),
            _ => None,
        }
    }

    fn changes_request(&self, since: &Seq) -> Request {
        let path = format!("_changes?style=all_docs&since={}&limit={}", encode(&since.as_query()), self.run.batch);
        Request { method: "GET", path, body: None }
    }

    fn changes(&mut self, since: Seq) -> Step {
        let request = self.changes_request(&since);
        self.state = PullState::Changes { since };
        self.run.send(request)
    }

    /// The documents and revisions of a `_changes` answer this side lacks, and its last sequence.
    fn read_changes(&mut self, body: &Value, local: &dyn LocalSide) -> Result<(Wanted, Seq), SyncError> {
        let results =
            body.get("results").and_then(Value::as_array).ok_or_else(|| protocol("_changes without results"))?;
        let last_seq = body
            .get("last_seq")
            .cloned()
            .or_else(|| results.last().and_then(|r| r.get("seq").cloned()))
            .ok_or_else(|| protocol("_changes without last_seq"))?;
        let mut wanted = Vec::new();
        for change in results {
            let id = change.get("id").and_then(Value::as_str).ok_or_else(|| protocol("a change without id"))?;
            self.found_any |= !id.starts_with("_design/");
            let revs: Vec<Rev> = change
                .get("changes")
                .and_then(Value::as_array)
                .map(|c| c.iter().filter_map(|r| r.get("rev")?.as_str()?.parse().ok()).collect())
                .unwrap_or_default();
            let missing = local.missing(id, &revs);
            if !missing.is_empty() {
                wanted.push((id.to_owned(), missing));
            }
        }
        Ok((wanted, Seq(last_seq)))
    }

    fn next_fetch(&mut self) -> Step {
        let PullState::Fetch { wanted, one_by_one, .. } = &self.state else { return Step::Done };
        let request = if *one_by_one {
            let (id, revs) = &wanted[0];
            let revs: Vec<String> = revs.iter().map(Rev::to_string).collect();
            let path = format!("{}?revs=true&latest=true&open_revs={}", encode(id), encode(&json!(revs).to_string()));
            Request { method: "GET", path, body: None }
        } else {
            let docs: Vec<Value> = wanted
                .iter()
                .flat_map(|(id, revs)| revs.iter().map(move |r| json!({ "id": id, "rev": r.to_string() })))
                .collect();
            let body = Value::Object(Map::from_iter([("docs".to_owned(), Value::Array(docs))]));
            Request { method: "POST", path: "_bulk_get?revs=true".into(), body: Some(body) }
        };
        self.run.send(request)
    }

    fn save_checkpoint(&mut self, last_seq: Seq, local: &mut dyn LocalSide) -> Step {
        let step = self.run.write_checkpoint(&last_seq, local);
        self.state = PullState::SaveCheckpoint { last_seq };
        step
    }
}

/// A push: the local side's changes to the server, a batch at a time.
pub struct Push {
    run: Run,
    state: PushState,
    /// The database held no document but design documents when this round's pull read it from
    /// the start (`Pull::found_nothing`): there is nothing to diff against, so every batch goes
    /// straight to `_bulk_docs`. Skipping the diff is always safe, only slower when wrong:
    /// `new_edits: false` stores a revision the server has (from another client meanwhile) once.
    empty: bool,
    /// Batches whose `_bulk_docs` went out before their turn (`ahead`), in order.
    ahead: VecDeque<Ahead>,
}

/// How many batches a push sends ahead (`Push::ahead`).
const AHEAD: usize = 2;

/// A batch sent ahead: the local sequence it follows and reaches, its documents' ids and revisions.
#[derive(Clone, Debug, PartialEq)]
struct Ahead {
    since: u64,
    last: u64,
    sent: Vec<(String, Rev)>,
}

#[derive(Clone, Debug, PartialEq)]
enum PushState {
    Checkpoint,
    RevsDiff {
        changes: Vec<LocalChange>,
    },
    /// The documents sent: their ids and revisions.
    BulkDocs {
        last: u64,
        sent: Vec<(String, Rev)>,
    },
    SaveCheckpoint {
        last: u64,
    },
    Done,
}

impl Push {
    /// A push under replication id `replication`, in session `session`, `batch` changes at a time.
    pub fn new(replication: &str, session: &str, batch: usize) -> Push {
        Push {
            run: Run::new(replication, session, batch),
            state: PushState::Checkpoint,
            empty: false,
            ahead: VecDeque::new(),
        }
    }

    /// A push into a database its round's pull found empty (`Pull::found_nothing`).
    pub fn into_empty(mut self, empty: bool) -> Push {
        self.empty = empty;
        self
    }

    /// The first request.
    pub fn start(&mut self) -> Step {
        self.state = PushState::Checkpoint;
        self.ahead.clear();
        self.run.read_checkpoint()
    }

    /// The next batch's `_bulk_docs` while this batch's is on its way, when the push needs no
    /// answer to build it (into a database found empty: no `_revs_diff`). A driver may send it at
    /// once; where the push gets to that batch it says `Step::Sent`, and the driver hands over
    /// its answer then. Up to `AHEAD` batches go ahead of the one whose answer or checkpoint is
    /// awaited, so the server always has the next one (a checkpoint waits behind a batch the
    /// server is storing). Each checkpoint still follows the batch before it: if one fails, the
    /// round ends with the checkpoint before it, and the next round sends the rest again (with
    /// `new_edits: false`, a revision the server has is stored once).
    pub fn ahead(&mut self, local: &mut dyn LocalSide) -> Option<Request> {
        let since = match (self.ahead.back(), &self.state) {
            (Some(ahead), _) => ahead.last,
            (None, PushState::BulkDocs { last, .. } | PushState::SaveCheckpoint { last }) => *last,
            (None, _) => return None,
        };
        if !self.empty || self.ahead.len() == AHEAD {
            return None;
        }
        let changes = local.changes_since(since, self.run.batch);
        let last = changes.last()?.seq;
        let docs = batch_docs(&changes, local);
        if docs.is_empty() {
            return None;
        }
        let (sent, request) = bulk_docs(docs);
        self.run.tally.requests += 1;
        self.ahead.push_back(Ahead { since, last, sent });
        Some(request)
    }

    /// What it did so far.
    pub fn tally(&self) -> &Tally {
        &self.run.tally
    }

    /// How many batches sent ahead are still to come (`Step::Sent`); a driver holding more
    /// answers drops the oldest (never in practice: a push gets to its batches in order).
    pub fn sent_ahead(&self) -> usize {
        self.ahead.len()
    }

    /// Takes the response to the last request and says what comes next.
    pub fn respond(&mut self, response: Response, local: &mut dyn LocalSide) -> Result<Step, SyncError> {
        if response.status == 401 {
            return Err(SyncError::Unauthorized);
        }
        match std::mem::replace(&mut self.state, PushState::Done) {
            PushState::Checkpoint => {
                let remote = read_checkpoint(&response)?;
                let since =
                    resume_from(local.checkpoint(&self.run.replication).as_ref(), remote.as_ref().map(|(c, _)| c));
                self.run.remote = remote;
                Ok(self.next_batch(since.0.as_u64().unwrap_or(0), local))
            }
            PushState::RevsDiff { changes } => {
                ok(&response)?;
                let last = changes.last().map_or(0, |c| c.seq);
                let missing = response.body.as_object().ok_or_else(|| protocol("_revs_diff answered no object"))?;
                let mut sent = Vec::new();
                for (id, entry) in missing {
                    for rev in entry.get("missing").and_then(Value::as_array).into_iter().flatten() {
                        let rev: Rev =
                            rev.as_str().and_then(|r| r.parse().ok()).ok_or_else(|| protocol("a missing revision"))?;
                        // A revision whose body this side no longer holds was changed again
                        // since: the newer revision (with this one in its history) goes next.
                        sent.extend(local.doc(id, &rev));
                    }
                }
                Ok(self.send_docs(last, sent, local))
            }
            PushState::BulkDocs { last, sent } => {
                ok(&response)?;
                self.run.tally.docs += sent.len();
                for result in response.body.as_array().into_iter().flatten() {
                    let Some(error) = result.get("error").and_then(Value::as_str) else { continue };
                    let id = result.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
                    let rev = sent.iter().find(|(i, _)| *i == id).map_or_else(|| Rev::new(1, "?"), |(_, r)| r.clone());
                    let reason = result.get("reason").and_then(Value::as_str).unwrap_or_default().to_owned();
                    self.run.tally.rejected.push(Rejected { id, rev, error: error.to_owned(), reason });
                }
                Ok(self.save_checkpoint(last, local))
            }
            PushState::SaveCheckpoint { last } => {
                self.run.checkpoint_written(&response, &Seq(json!(last)))?;
                Ok(self.next_batch(last, local))
            }
            PushState::Done => Ok(Step::Done),
        }
    }

    fn next_batch(&mut self, since: u64, local: &mut dyn LocalSide) -> Step {
        match self.ahead.pop_front() {
            Some(ahead) if ahead.since == since => {
                self.state = PushState::BulkDocs { last: ahead.last, sent: ahead.sent };
                return Step::Sent;
            }
            Some(_) => self.ahead.clear(),
            None => {}
        }
        let changes = local.changes_since(since, self.run.batch);
        if changes.is_empty() {
            self.state = PushState::Done;
            return Step::Done;
        }
        if self.empty {
            let last = changes.last().map_or(0, |c| c.seq);
            let sent = batch_docs(&changes, local);
            return self.send_docs(last, sent, local);
        }
        let diff: Map<String, Value> = changes
            .iter()
            .map(|c| (c.id.clone(), json!(c.revs.iter().map(Rev::to_string).collect::<Vec<_>>())))
            .collect();
        self.state = PushState::RevsDiff { changes };
        self.run.send(Request { method: "POST", path: "_revs_diff".into(), body: Some(Value::Object(diff)) })
    }

    /// Sends the documents of a batch that reached local sequence `last` (none: its checkpoint).
    fn send_docs(&mut self, last: u64, sent: Vec<Doc>, local: &mut dyn LocalSide) -> Step {
        if sent.is_empty() {
            return self.save_checkpoint(last, local);
        }
        let (ids, request) = bulk_docs(sent);
        self.state = PushState::BulkDocs { last, sent: ids };
        self.run.send(request)
    }

    fn save_checkpoint(&mut self, last: u64, local: &mut dyn LocalSide) -> Step {
        let step = self.run.write_checkpoint(&Seq(json!(last)), local);
        self.state = PushState::SaveCheckpoint { last };
        step
    }
}

/// Every revision of a batch's changes this side holds, as documents.
fn batch_docs(changes: &[LocalChange], local: &dyn LocalSide) -> Vec<Doc> {
    changes.iter().flat_map(|c| c.revs.iter().filter_map(|r| local.doc(&c.id, r))).collect()
}

/// The `_bulk_docs` request storing `docs` as they are, and their ids and revisions.
fn bulk_docs(docs: Vec<Doc>) -> (Vec<(String, Rev)>, Request) {
    let ids = docs.iter().map(|d| (d.id.clone(), d.rev())).collect();
    let docs: Vec<Value> = docs.into_iter().map(Doc::into_json).collect();
    // Built as values, not with `json!`, which would copy every document once more.
    let body = Value::Object(Map::from_iter([
        ("docs".to_owned(), Value::Array(docs)),
        ("new_edits".to_owned(), Value::Bool(false)),
    ]));
    (ids, Request { method: "POST", path: "_bulk_docs".into(), body: Some(body) })
}

fn local_path(replication: &str) -> String {
    format!("_local/{}", encode(replication))
}

fn protocol(what: &str) -> SyncError {
    SyncError::Protocol(what.to_owned())
}

fn ok(response: &Response) -> Result<(), SyncError> {
    if (200..300).contains(&response.status) {
        return Ok(());
    }
    let reason = response.body.get("reason").and_then(Value::as_str).unwrap_or_default();
    Err(SyncError::Status(response.status, reason.to_owned()))
}

/// A `_local` checkpoint answer: None when there is none yet (404), with the document's `_rev`.
fn read_checkpoint(response: &Response) -> Result<Option<(Checkpoint, Option<String>)>, SyncError> {
    if response.status == 404 {
        return Ok(None);
    }
    ok(response)?;
    let rev = response.body.get("_rev").and_then(Value::as_str).map(str::to_owned);
    // A checkpoint written by another client in another shape: start over rather than guess.
    Ok(serde_json::from_value::<Checkpoint>(response.body.clone()).ok().map(|c| (c, rev)))
}

fn read_bulk_get(mut body: Value) -> Result<Vec<Doc>, SyncError> {
    let Some(Value::Array(results)) = body.get_mut("results").map(Value::take) else {
        return Err(protocol("_bulk_get without results"));
    };
    let mut docs = Vec::new();
    for mut result in results {
        let Some(Value::Array(entries)) = result.get_mut("docs").map(Value::take) else { continue };
        docs.extend(entries.into_iter().filter_map(ok_doc).map(Doc::from_value).collect::<Result<Vec<_>, _>>()?);
    }
    Ok(docs)
}

fn read_open_revs(body: Value) -> Result<Vec<Doc>, SyncError> {
    let Value::Array(entries) = body else { return Err(protocol("open_revs answered no list")) };
    entries.into_iter().filter_map(ok_doc).map(Doc::from_value).collect()
}

/// The document of a `{"ok": doc}` entry (a revision the server has; `{"missing": rev}` is not).
fn ok_doc(mut entry: Value) -> Option<Value> {
    entry.get_mut("ok").map(Value::take)
}

/// Percent-encodes what goes into a path or query.
pub fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>().replace('+', "%20")
}
