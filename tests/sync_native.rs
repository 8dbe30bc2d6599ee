//! The replication state machine against an in-memory server that answers as CouchDB does (the
//! subset the replicator uses), and local replicas that edit, push and pull.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, HashMap};

#[path = "common/sync_local.rs"]
mod sync_local;

use pocket_crm::sync::replicate::{Doc, LocalSide, Pull, Push, Request, Response, Step, SyncError, Tally};
use pocket_crm::sync::revtree::Rev;
use serde_json::{json, Map, Value};
use sync_local::{customer, Held, Local};

/// A CouchDB-like server in memory.
#[derive(Default)]
struct Server {
    docs: BTreeMap<String, (Held, u64)>,
    seq: u64,
    locals: HashMap<String, (Value, u64)>,
    no_bulk_get: bool,
    string_seqs: bool,
    /// Documents whose `owner` is this are refused (as a validation function would).
    forbidden_owner: Option<String>,
    unauthorized: bool,
    requests: usize,
    /// Each request's method and path (without its query).
    paths: Vec<String>,
}

impl Server {
    fn seq_value(&self, n: u64) -> Value {
        if self.string_seqs {
            json!(format!("{n}-g1AAAAFTeJzLYWBgYMlgTmFQSElKzi9KdUhJMtHLTMrVTU4sTk3J"))
        } else {
            json!(n)
        }
    }

    fn read_seq(&self, text: &str) -> u64 {
        text.split('-').next().and_then(|n| n.parse().ok()).unwrap_or(0)
    }

    fn handle(&mut self, request: &Request) -> Response {
        self.requests += 1;
        let bare = request.path.split('?').next().unwrap_or_default();
        self.paths.push(format!("{} {bare}", request.method));
        if self.unauthorized {
            return Response { status: 401, body: json!({"error": "unauthorized"}) };
        }
        let (path, query) = request.path.split_once('?').unwrap_or((&request.path, ""));
        let params: HashMap<String, String> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        let path = form_urlencoded::parse(format!("p={path}").as_bytes()).next().unwrap().1.into_owned();
        let ok = |body: Value| Response { status: 200, body };
        match (request.method, path.as_str()) {
            ("GET", p) if p.starts_with("_local/") => match self.locals.get(p) {
                Some((doc, rev)) => {
                    let mut doc = doc.clone();
                    doc["_rev"] = json!(format!("0-{rev}"));
                    ok(doc)
                }
                None => Response { status: 404, body: json!({"error": "not_found"}) },
            },
            ("PUT", p) if p.starts_with("_local/") => {
                let body = request.body.clone().unwrap();
                let known = self.locals.get(p).map(|(_, r)| *r);
                let given = body.get("_rev").and_then(Value::as_str).map(|r| r[2..].parse::<u64>().unwrap());
                if known != given {
                    return Response { status: 409, body: json!({"error": "conflict"}) };
                }
                let rev = known.unwrap_or(0) + 1;
                self.locals.insert(p.to_owned(), (body, rev));
                ok(json!({"ok": true, "id": p, "rev": format!("0-{rev}")}))
            }
            ("GET", "_changes") => {
                let since = self.read_seq(params.get("since").map(String::as_str).unwrap_or("0"));
                let limit: usize = params.get("limit").and_then(|l| l.parse().ok()).unwrap_or(usize::MAX);
                let mut changed: Vec<(&String, &(Held, u64))> =
                    self.docs.iter().filter(|(_, (_, s))| *s > since).collect();
                changed.sort_by_key(|(_, (_, s))| *s);
                let results: Vec<Value> = changed
                    .iter()
                    .take(limit)
                    .map(|(id, (held, s))| {
                        let leaves: Vec<Value> =
                            held.tree.leaves().iter().map(|(r, _)| json!({"rev": r.to_string()})).collect();
                        json!({"seq": self.seq_value(*s), "id": id, "changes": leaves})
                    })
                    .collect();
                let last = changed.get(changed.len().min(limit).wrapping_sub(1)).map_or(since, |(_, (_, s))| *s);
                ok(json!({"results": results, "last_seq": self.seq_value(last)}))
            }
            ("POST", "_bulk_get") => {
                if self.no_bulk_get {
                    return Response { status: 400, body: json!({"error": "bad_request"}) };
                }
                let asked = request.body.as_ref().unwrap()["docs"].as_array().unwrap().clone();
                let results: Vec<Value> = asked
                    .iter()
                    .map(|a| {
                        let id = a["id"].as_str().unwrap();
                        let rev: Rev = a["rev"].as_str().unwrap().parse().unwrap();
                        let doc = self.docs.get(id).and_then(|(h, _)| h.doc(id, &rev)).unwrap();
                        json!({"id": id, "docs": [{"ok": doc.to_json()}]})
                    })
                    .collect();
                ok(json!({"results": results}))
            }
            ("POST", "_revs_diff") => {
                let asked = request.body.as_ref().unwrap().as_object().unwrap();
                let mut out = Map::new();
                for (id, revs) in asked {
                    let missing: Vec<Value> = revs
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|r| {
                            let rev: Rev = r.as_str().unwrap().parse().unwrap();
                            !self.docs.get(id).is_some_and(|(h, _)| h.tree.contains(&rev))
                        })
                        .cloned()
                        .collect();
                    if !missing.is_empty() {
                        out.insert(id.clone(), json!({"missing": missing}));
                    }
                }
                ok(Value::Object(out))
            }
            ("POST", "_bulk_docs") => {
                let body = request.body.as_ref().unwrap();
                assert_eq!(body["new_edits"], json!(false));
                let mut errors = Vec::new();
                for doc in body["docs"].as_array().unwrap() {
                    let doc = Doc::from_json(doc).unwrap();
                    if self.forbidden_owner.as_deref().is_some_and(|o| doc.body.get("owner") == Some(&json!(o))) {
                        errors.push(json!({"id": doc.id, "error": "forbidden", "reason": "not your record"}));
                        continue;
                    }
                    self.seq += 1;
                    let entry = self.docs.entry(doc.id.clone()).or_default();
                    entry.0.take(&doc);
                    entry.1 = self.seq;
                }
                Response { status: 201, body: Value::Array(errors) }
            }
            ("GET", id) => {
                let revs: Vec<String> = serde_json::from_str(&params["open_revs"]).unwrap();
                let held = &self.docs[id].0;
                let docs: Vec<Value> =
                    revs.iter().map(|r| json!({"ok": held.doc(id, &r.parse().unwrap()).unwrap().to_json()})).collect();
                ok(Value::Array(docs))
            }
            other => panic!("unexpected request {other:?}"),
        }
    }
}

/// Pulls as the page does: the next batch's `_changes` (`Pull::upcoming`) is sent early, before
/// the batch's checkpoint, and its answer handed over when the pull asks for it.
fn pull(server: &mut Server, local: &mut Local, session: &str, batch: usize) -> Result<Tally, SyncError> {
    let mut pull = Pull::new("pull-a", session, batch);
    let mut step = pull.start();
    let mut early: Option<(Request, Response)> = None;
    while let Step::Send(request) = step {
        let response = match early.take() {
            Some((sent, answer)) if sent == request => answer,
            held => {
                early = held;
                server.handle(&request)
            }
        };
        step = pull.respond(response, local)?;
        if early.is_none() {
            early = pull.upcoming().map(|r| {
                let answer = server.handle(&r);
                (r, answer)
            });
        }
    }
    assert!(early.is_none(), "what was sent early was asked for");
    Ok(pull.tally().clone())
}

fn push(server: &mut Server, local: &mut Local, session: &str, batch: usize) -> Result<Tally, SyncError> {
    push_as(server, local, "push-a", session, batch)
}

/// A push under replication id `id`.
fn push_as(server: &mut Server, local: &mut Local, id: &str, session: &str, batch: usize) -> Result<Tally, SyncError> {
    let mut push = Push::new(id, session, batch);
    let mut step = push.start();
    while let Step::Send(request) = step {
        let response = server.handle(&request);
        step = push.respond(response, local)?;
    }
    Ok(push.tally().clone())
}

#[test]
fn what_one_device_pushes_another_pulls_in_batches_of_three_requests() {
    let (mut server, mut a, mut b) = (Server::default(), Local::default(), Local::default());
    for n in 0..250 {
        a.edit(&format!("customer:{n:04}"), customer(n, "rep1"), false);
    }
    let pushed = push(&mut server, &mut a, "s1", 100).unwrap();
    assert_eq!((pushed.docs, pushed.batches), (250, 3));
    assert!(pushed.requests <= 1 + 3 * pushed.batches, "{pushed:?}");
    let pulled = pull(&mut server, &mut b, "s2", 100).unwrap();
    assert_eq!((pulled.docs, pulled.batches), (250, 3));
    // A checkpoint read, three requests a batch, and the changes call that finds nothing more.
    assert_eq!(pulled.requests, 1 + 3 * 3 + 1);
    assert_eq!(b.state(), a.state());
    // Again: nothing new, nothing fetched, two requests.
    let again = pull(&mut server, &mut b, "s3", 100).unwrap();
    assert_eq!((again.docs, again.requests), (0, 2));
}

/// A round as the page runs it: a pull, then a push that skips `_revs_diff` when the pull found
/// the database empty. Returns the push's tally.
fn round(server: &mut Server, local: &mut Local, name: &str, session: &str) -> Tally {
    let mut pull = Pull::new(&format!("pull-{name}"), session, 100);
    let mut step = pull.start();
    while let Step::Send(request) = step {
        step = pull.respond(server.handle(&request), local).unwrap();
    }
    let mut push = Push::new(&format!("push-{name}"), session, 100).into_empty(pull.found_nothing());
    push_ahead(server, local, &mut push, |_| false).unwrap();
    push.tally().clone()
}

/// Pushes as the page does: while a batch's `_bulk_docs` is on its way, the next batch's goes
/// too (`Push::ahead`; the server here takes it before the first one's answer is read), and its
/// answer is handed over at `Step::Sent`. A request for which `fails` says so is answered 500.
fn push_ahead(
    server: &mut Server,
    local: &mut Local,
    push: &mut Push,
    mut fails: impl FnMut(&Request) -> bool,
) -> Result<(), SyncError> {
    let mut answer = |server: &mut Server, request: &Request| {
        if fails(request) {
            return Response { status: 500, body: json!({"error": "unknown_error", "reason": "the disk is full"}) };
        }
        server.handle(request)
    };
    let mut step = push.start();
    let mut early = std::collections::VecDeque::new();
    loop {
        let response = match step {
            Step::Done => break,
            Step::Send(request) => answer(server, &request),
            Step::Sent => early.pop_front().expect("a batch was sent ahead"),
        };
        early.extend(push.ahead(local).map(|request| answer(server, &request)));
        step = push.respond(response, local)?;
        assert_eq!(early.len(), push.sent_ahead() + usize::from(step == Step::Sent));
    }
    assert!(early.is_empty(), "what was sent ahead was asked for");
    Ok(())
}

#[test]
fn a_push_sends_the_next_batch_ahead_and_a_failed_batch_keeps_the_checkpoint_before_it() {
    let (mut server, mut a, mut b) = (Server::default(), Local::default(), Local::default());
    for n in 0..450 {
        a.edit(&format!("customer:{n:04}"), customer(n, "rep1"), false);
    }
    // The second batch's `_bulk_docs` fails; the third and fourth, sent ahead meanwhile, are
    // stored.
    let mut push = Push::new("push-a", "s1", 100).into_empty(true);
    let mut bulk = 0;
    let failed = push_ahead(&mut server, &mut a, &mut push, |r| {
        bulk += usize::from(r.path == "_bulk_docs");
        r.path == "_bulk_docs" && bulk == 2
    });
    assert!(matches!(failed, Err(SyncError::Status(500, _))), "{failed:?}");
    assert_eq!(push.tally().batches, 1);
    assert_eq!(server.paths.iter().filter(|p| p.as_str() == "POST _bulk_docs").count(), 3, "{:?}", server.paths);
    // The first, third and fourth batches are on the server, the second not.
    let stored = |server: &Server, n: usize| server.docs.contains_key(&format!("customer:{n:04}"));
    let batches = [0, 150, 250, 350, 420].map(|n| stored(&server, n));
    assert_eq!(batches, [true, false, true, true, false]);
    // The checkpoint is the first batch's: the next round sends from there on, and every
    // customer arrives once.
    let checkpoint = |server: &Server| server.locals.values().next().map(|(doc, _)| doc["last_seq"].clone());
    let first = checkpoint(&server);
    assert_eq!(first, Some(json!(100)), "{:?}", server.locals);
    server.paths.clear();
    let mut again = Push::new("push-a", "s2", 100).into_empty(true);
    push_ahead(&mut server, &mut a, &mut again, |_| false).unwrap();
    assert_eq!((again.tally().docs, again.tally().batches), (350, 4));
    // The checkpoint read, four batches' documents and checkpoints (three batches sent ahead).
    assert_eq!(again.tally().requests, 1 + 2 * 4, "{:?}", server.paths);
    // Each batch's documents go before the checkpoint of the batch before it, up to two
    // batches ahead of the one awaited.
    let (bulk, put) = ("POST _bulk_docs", "PUT _local/push-a");
    assert_eq!(server.paths, ["GET _local/push-a", bulk, bulk, put, bulk, bulk, put, put, put]);
    assert_eq!(checkpoint(&server), Some(json!(450)));
    pull(&mut server, &mut b, "s3", 100).unwrap();
    assert_eq!(b.state(), a.state());
    assert_eq!(b.state().len(), 450);
}

#[test]
fn a_push_into_a_database_found_empty_skips_revs_diff_and_nothing_is_lost_beside_another() {
    let (mut server, mut a, mut b) = (Server::default(), Local::default(), Local::default());
    // A design document (the validation function) does not make a database less empty.
    server.docs.entry("_design/pocket-crm".into()).or_default().0.take(&Doc {
        id: "_design/pocket-crm".into(),
        revisions: pocket_crm::sync::revtree::Revisions { start: 1, ids: vec!["d".into()] },
        deleted: false,
        body: Map::new(),
    });
    server.seq = 1;
    server.docs.get_mut("_design/pocket-crm").unwrap().1 = 1;
    for n in 0..250 {
        a.edit(&format!("customer:{n:04}"), customer(n, "rep1"), false);
    }
    for n in 200..300 {
        b.edit(&format!("customer:{n:04}"), customer(n, "rep2"), false);
    }
    let sent = |server: &Server, what: &str| server.paths.iter().filter(|p| p.as_str() == what).count();
    let pushed = round(&mut server, &mut a, "a", "s1");
    // 250 customers, and the design document this test's side took in like any (the book takes
    // in records only).
    assert_eq!((pushed.docs, pushed.batches), (251, 3));
    // The checkpoint, then each batch's documents and checkpoint.
    assert_eq!(pushed.requests, 1 + 2 * 3, "{:?}", server.paths);
    assert_eq!(sent(&server, "POST _revs_diff"), 0);
    // Another device's first round: its pull finds the documents, its push diffs and sends only
    // its own (customers 200-249 were made on both: conflicts).
    server.paths.clear();
    let other = round(&mut server, &mut b, "b", "s2");
    assert_eq!(other.docs, 100);
    assert!(sent(&server, "POST _revs_diff") > 0);
    // A later round of the first device: nothing found from the start, a diff again.
    a.edit("customer:0000", customer(0, "rep3"), false);
    server.paths.clear();
    assert_eq!(round(&mut server, &mut a, "a", "s3").docs, 1);
    assert!(sent(&server, "POST _revs_diff") > 0);
    // Both end with the same documents, revisions and conflicts, and nothing is lost.
    round(&mut server, &mut a, "a", "s4");
    round(&mut server, &mut b, "b", "s5");
    assert_eq!(a.state(), b.state());
    assert_eq!(a.state().keys().filter(|id| id.starts_with("customer:")).count(), 300);
}

#[test]
fn an_interrupted_pull_resumes_without_fetching_more_than_one_batch_again() {
    let (mut server, mut a, mut b) = (Server::default(), Local::default(), Local::default());
    for n in 0..300 {
        a.edit(&format!("customer:{n:04}"), customer(n, "rep1"), false);
    }
    push(&mut server, &mut a, "s1", 100).unwrap();
    // The third batch's store fails (a full disk): the pull stops, its checkpoint at batch two.
    let mut first = Pull::new("pull-a", "s2", 100);
    let mut step = first.start();
    let mut stores = 0;
    let stopped = loop {
        let Step::Send(request) = step else { break None };
        if request.path.starts_with("_bulk_get") {
            stores += 1;
            b.fail_store = stores == 3;
        }
        match first.respond(server.handle(&request), &mut b) {
            Ok(next) => step = next,
            Err(e) => break Some(e),
        }
    };
    assert_eq!(stopped, Some(SyncError::Local("disk full".into())));
    assert_eq!(b.stored, 200);
    let resumed = pull(&mut server, &mut b, "s3", 100).unwrap();
    assert_eq!(resumed.docs, 100, "only the batch that was not stored");
    // From the checkpoint of batch two: its checkpoint read, one batch, the empty changes call.
    assert_eq!((resumed.batches, resumed.requests), (1, 1 + 3 + 1));
    assert_eq!(b.state(), a.state());
}

#[test]
fn concurrent_edits_give_the_same_winner_and_conflicts_on_both_sides_and_deletions_travel() {
    let (mut server, mut a, mut b) = (Server::default(), Local::default(), Local::default());
    a.edit("customer:1", customer(1, "rep1"), false);
    a.edit("customer:2", customer(2, "rep1"), false);
    push(&mut server, &mut a, "a1", 10).unwrap();
    pull(&mut server, &mut b, "b1", 10).unwrap();
    // Offline, both edit customer 1; b deletes customer 2.
    a.edit("customer:1", json!({"type": "customer", "name": "A's name", "owner": "rep1"}), false);
    b.edit("customer:1", json!({"type": "customer", "name": "B's name", "owner": "rep1"}), false);
    b.edit("customer:2", json!({}), true);
    for (side, session) in [("a", "a2"), ("b", "b2"), ("a", "a3")] {
        let side = if side == "a" { &mut a } else { &mut b };
        push(&mut server, side, session, 10).unwrap();
        pull(&mut server, side, session, 10).unwrap();
    }
    assert_eq!(a.state(), b.state());
    let (rev, _, body, conflicts) = &a.state()["customer:1"];
    assert_eq!(conflicts.len(), 1, "the losing edit is listed as a conflict");
    assert_eq!(rev.pos, 2);
    assert!(body["name"] == "A's name" || body["name"] == "B's name");
    assert!(a.state()["customer:2"].1, "the deletion reached a");
}

#[test]
fn a_server_without_bulk_get_and_with_string_sequences_is_followed() {
    let mut server = Server { no_bulk_get: true, string_seqs: true, ..Server::default() };
    let (mut a, mut b) = (Local::default(), Local::default());
    for n in 0..25 {
        a.edit(&format!("customer:{n:04}"), customer(n, "rep1"), false);
    }
    push(&mut server, &mut a, "s1", 10).unwrap();
    let pulled = pull(&mut server, &mut b, "s2", 10).unwrap();
    assert_eq!(pulled.docs, 25);
    assert_eq!(b.state(), a.state());
    let checkpoint = b.checkpoint("pull-a").unwrap();
    assert!(checkpoint.last_seq.0.as_str().is_some_and(|s| s.starts_with("25-")), "{checkpoint:?}");
    assert_eq!(pull(&mut server, &mut b, "s3", 10).unwrap().docs, 0);
}

#[test]
fn a_change_the_server_refuses_is_reported_and_kept() {
    let mut server = Server { forbidden_owner: Some("rep2".into()), ..Server::default() };
    let mut a = Local::default();
    a.edit("customer:1", customer(1, "rep1"), false);
    let refused = a.edit("customer:2", customer(2, "rep2"), false);
    let pushed = push(&mut server, &mut a, "s1", 10).unwrap();
    assert_eq!(pushed.rejected.len(), 1);
    assert_eq!((pushed.rejected[0].id.as_str(), &pushed.rejected[0].rev), ("customer:2", &refused));
    assert_eq!(pushed.rejected[0].error, "forbidden");
    assert!(server.docs.contains_key("customer:1") && !server.docs.contains_key("customer:2"));
    assert_eq!(a.state()["customer:2"].0, refused, "kept locally");
}

#[test]
fn a_401_asks_for_a_login() {
    let mut server = Server { unauthorized: true, ..Server::default() };
    let mut a = Local::default();
    assert_eq!(pull(&mut server, &mut a, "s1", 10).unwrap_err(), SyncError::Unauthorized);
    assert_eq!(push(&mut server, &mut a, "s1", 10).unwrap_err(), SyncError::Unauthorized);
}

/// One step of a random history: a device edits (or deletes) a document, or syncs.
#[derive(Clone, Debug)]
enum Action {
    Edit { device: usize, doc: usize, delete: bool },
    Sync { device: usize },
}

fn actions() -> impl proptest::strategy::Strategy<Value = Vec<Action>> {
    use proptest::prelude::*;
    let action = prop_oneof![
        3 => (0usize..3, 0usize..6, proptest::bool::weighted(0.15)).prop_map(|(device, doc, delete)| Action::Edit { device, doc, delete }),
        1 => (0usize..3).prop_map(|device| Action::Sync { device }),
    ];
    proptest::collection::vec(action, 1..60)
}

fn sync(server: &mut Server, local: &mut Local, session: &str) {
    push(server, local, session, 4).unwrap();
    pull(server, local, session, 4).unwrap();
}

proptest::proptest! {
    #[test]
    fn three_replicas_with_random_histories_converge_and_lose_no_revision(actions in actions()) {
        let mut server = Server::default();
        let mut devices: Vec<Local> = (0..3).map(|_| Local::default()).collect();
        let mut made: Vec<(String, Rev)> = Vec::new();
        for (step, action) in actions.iter().enumerate() {
            match action {
                Action::Edit { device, doc, delete } => {
                    let id = format!("customer:{doc}");
                    let body = if *delete { json!({}) } else { json!({"name": format!("{device}-{step}")}) };
                    made.push((id.clone(), devices[*device].edit(&id, body, *delete)));
                }
                Action::Sync { device } => sync(&mut server, &mut devices[*device], &format!("{device}-{step}")),
            }
        }
        // Everyone syncs twice over: all have seen everything.
        for round in 0..2 {
            for (device, local) in devices.iter_mut().enumerate() {
                sync(&mut server, local, &format!("end-{round}-{device}"));
            }
        }
        let first = devices[0].state();
        for other in &devices[1..] {
            proptest::prop_assert_eq!(&other.state(), &first);
        }
        for (id, rev) in &made {
            for local in &devices {
                proptest::prop_assert!(local.docs[id].tree.contains(rev), "{} {} lost", id, rev);
            }
            proptest::prop_assert!(server.docs[id].0.tree.contains(rev));
        }
    }
}

/// The book's side (`sync::book`): archives as the page holds them, replicated through the server.
mod books {
    use super::Server;
    use pocket_crm::domain::{
        demo, Actor, AnyRecord, Archive, Command, Customer, DeviceId, Records, Timestamp, UtcOffset,
    };
    use pocket_crm::sync::book::{meta_from_bytes, meta_to_bytes, Book, BookSide, BookState};
    use pocket_crm::sync::replicate::{Pull, Push, Step, Tally};
    use pocket_crm::sync::revtree::Rev;

    const NOW: i64 = 1_790_000_000_000;

    /// A device: its archive, its side of the replication, its clock.
    struct Device {
        name: String,
        device: u64,
        archive: Archive,
        book: Book,
        ticks: i64,
        /// What the page writes to IndexedDB: each tree as bytes, and the state.
        stored: std::collections::HashMap<String, Vec<u8>>,
        state: BookState,
    }

    impl Device {
        fn new(name: &str, device: u64, records: Records) -> Device {
            let archive = Archive::from_records(records);
            let (stored, state) = (Default::default(), BookState::default());
            Device { name: name.into(), device, archive, book: Book::default(), ticks: 0, stored, state }
        }

        fn actor(&mut self) -> Actor {
            self.ticks += 1;
            let mut actor = Actor::at(&self.name, Timestamp(NOW + self.ticks * 1_000 + self.device as i64));
            actor.stamp.device = DeviceId(self.device);
            actor
        }

        fn edit(&mut self, id: uuid::Uuid, change: impl Fn(&mut Customer)) {
            let before = self.archive.customers.get(id).unwrap().clone();
            let mut after = before.clone();
            change(&mut after);
            let actor = self.actor();
            self.archive
                .apply(Command::EditCustomer { before: Box::new(before), after: Box::new(after) }, &actor)
                .unwrap();
        }

        /// Pull, then push, as the page does; the records a pull brings go through the write
        /// path, and what changed is written out after each step.
        fn sync(&mut self, server: &mut Server, session: &str) -> (Tally, Tally) {
            let pulled = self.pull(server, session);
            (self.push(server, session), pulled)
        }

        fn pull(&mut self, server: &mut Server, session: &str) -> Tally {
            let mut pull = Pull::new(&format!("pull-{}", self.name), session, 100);
            let mut step = pull.start();
            while let Step::Send(request) = step {
                let response = server.handle(&request);
                step = pull.respond(response, &mut BookSide { book: &mut self.book, archive: &self.archive }).unwrap();
                if self.book.has_incoming() {
                    let records = self.book.take_incoming();
                    let actor = self.actor();
                    self.archive.apply(Command::TakeInSince(records), &actor).unwrap();
                    self.book.settle(&self.archive);
                }
                self.persist();
            }
            pull.tally().clone()
        }

        fn push(&mut self, server: &mut Server, session: &str) -> Tally {
            self.book.prepare(&self.archive);
            self.persist();
            let mut push = Push::new(&format!("push-{}", self.name), session, 100);
            let mut step = push.start();
            while let Step::Send(request) = step {
                let response = server.handle(&request);
                step = push.respond(response, &mut BookSide { book: &mut self.book, archive: &self.archive }).unwrap();
                self.persist();
            }
            push.tally().clone()
        }

        fn persist(&mut self) {
            let dirty = self.book.take_dirty();
            for (id, meta) in &dirty.docs {
                self.stored.insert(id.clone(), meta_to_bytes(meta));
            }
            if let Some(state) = dirty.state {
                self.state = state;
            }
        }

        /// The page opened again: the side read back from what was written.
        fn reload(&mut self) {
            let docs = self
                .stored
                .iter()
                .map(|(id, bytes)| (id.clone(), meta_from_bytes(bytes).expect("a stored tree reads back")));
            self.book = Book::new(docs, self.state.clone());
        }

        fn records(&self) -> Vec<AnyRecord> {
            let mut all = self.archive.to_records().into_any();
            all.sort_by_key(|r| (r.kind(), r.id()));
            all
        }
    }

    fn sync_all(server: &mut Server, devices: &mut [Device], round: &str) {
        for device in devices.iter_mut() {
            let session = format!("{round}-{}", device.name);
            device.sync(server, &session);
        }
    }

    #[test]
    fn three_books_converge_field_by_field_and_settle_their_conflicts_once() {
        let records = demo::generate(7, 30, Timestamp(NOW), UtcOffset::CHINA, "demo");
        let mut server = Server::default();
        let mut devices = vec![
            Device::new("manager", 1, records.clone()),
            Device::new("rep-li", 2, Records::default()),
            Device::new("rep-wang", 3, Records::default()),
        ];
        let (pushed, _) = devices[0].sync(&mut server, "first");
        let total = devices[0].records().len();
        assert_eq!(pushed.docs, total, "the first push sends every record");
        sync_all(&mut server, &mut devices[1..], "first");
        assert_eq!(devices[1].records(), devices[0].records());
        assert_eq!(devices[2].records(), devices[0].records());

        // Offline, two reps change two fields of one customer, and two fields of another
        // collide (the later change wins); the manager changes a third.
        let ids: Vec<uuid::Uuid> = records.customers.iter().map(|c| c.meta.id).collect();
        devices[1].edit(ids[0], |c| c.name = "李改的名字".into());
        devices[2].edit(ids[0], |c| c.notes = "王写的备注".into());
        devices[1].edit(ids[1], |c| c.city = "杭州".into());
        devices[2].edit(ids[1], |c| c.city = "苏州".into());
        devices[0].edit(ids[2], |c| c.industry = "制造".into());
        for round in ["a", "b", "c"] {
            sync_all(&mut server, &mut devices, round);
        }
        let first = devices[0].records();
        for other in &devices[1..] {
            assert_eq!(other.records(), first, "{} differs", other.name);
        }
        let customer = devices[0].archive.customers.get(ids[0]).unwrap();
        assert_eq!((customer.name.as_str(), customer.notes.as_str()), ("李改的名字", "王写的备注"));
        assert_eq!(devices[0].archive.customers.get(ids[1]).unwrap().city, "苏州", "the later change");
        assert_eq!(devices[0].archive.customers.get(ids[2]).unwrap().industry, "制造");
        // The city both changed is a true conflict: the value that lost is kept, once, on every
        // device, with who typed it; the fields only one side changed are not.
        for device in &devices {
            let kept: Vec<_> = device.archive.superseded.rows().iter().filter(|s| !s.meta.is_deleted()).collect();
            assert_eq!(kept.len(), 1, "{}: {kept:?}", device.name);
            let s = kept[0];
            assert_eq!((s.record, s.field.as_str(), s.value.as_str()), (ids[1], "city", "杭州"));
            assert_eq!((s.won_value.as_str(), s.by.as_str(), s.won_by.as_str()), ("苏州", "rep-li", "rep-wang"));
        }
        // No conflict is left open, here or on the server, and the server's winner holds the join.
        for device in &devices {
            assert!(device.book.conflicted().is_empty(), "{} holds a conflict", device.name);
        }
        let doc = pocket_crm::sync::docs::doc_id(pocket_crm::domain::RecordKind::Customer, ids[0]);
        let held = &server.docs[&doc].0;
        assert!(held.tree.conflicts().is_empty());
        let (_, deleted, body) = held.winner_body().unwrap();
        assert!(!deleted);
        assert_eq!(pocket_crm::sync::docs::record_of_body(&body), Some(AnyRecord::Customer(customer.clone())));

        // Two reps online change one field within seconds: both push before either pulls. Each
        // finds the conflict itself (the manager, idle, too): the losing value is kept once.
        devices[1].edit(ids[3], |c| c.city = "南京".into());
        devices[2].edit(ids[3], |c| c.city = "宁波".into());
        devices[1].push(&mut server, "d");
        devices[2].push(&mut server, "d");
        for device in &mut devices[1..] {
            device.pull(&mut server, "d");
            let kept = device.archive.superseded.rows().iter().filter(|s| s.record == ids[3]).count();
            assert_eq!(kept, 1, "{} kept the losing city itself", device.name);
        }
        for round in ["e", "f"] {
            sync_all(&mut server, &mut devices, round);
        }
        for other in &devices[1..] {
            assert_eq!(other.records(), devices[0].records(), "{} differs", other.name);
        }
        assert_eq!(devices[0].archive.superseded.rows().len(), 2, "one kept value per conflict, not one per device");

        // With nothing new, a sync sends and fetches nothing, also after the page is opened again
        // (the trees and checkpoints read back from what was written): a checkpoint read for
        // the push, a checkpoint read and one `_changes` for the pull.
        for device in devices.iter_mut() {
            device.reload();
            let (push, pull) = device.sync(&mut server, "quiet");
            assert_eq!((push.docs, pull.docs), (0, 0), "{}", device.name);
            assert_eq!((push.requests, pull.requests), (1, 2), "{}", device.name);
        }
    }

    #[test]
    fn a_book_prepared_a_slice_at_a_time_pushes_what_one_prepared_at_once_does() {
        let records = demo::generate(8, 30, Timestamp(NOW), UtcOffset::CHINA, "demo");
        let (mut whole, mut sliced) = (Device::new("rep", 2, records.clone()), Device::new("rep", 2, records));
        let all = whole.book.prepare(&whole.archive);
        assert!(all > 60, "{all}");
        let mut slices = vec![];
        while slices.last().is_none_or(|&n| n == 7) {
            slices.push(sliced.book.prepare_some(&sliced.archive, 7));
        }
        assert_eq!(slices.iter().sum::<usize>(), all);
        assert_eq!(slices.len(), all / 7 + 1);
        // Pushed, the two give the same documents and revisions.
        let (mut one, mut other) = (Server::default(), Server::default());
        whole.sync(&mut one, "s1");
        sliced.sync(&mut other, "s2");
        assert_eq!(one.docs, other.docs);
        assert_eq!(one.docs.len(), all);
    }

    #[test]
    fn a_record_changed_during_a_push_goes_with_the_next_one() {
        let records = demo::generate(8, 3, Timestamp(NOW), UtcOffset::CHINA, "demo");
        let id = records.customers[0].meta.id;
        let mut server = Server::default();
        let mut device = Device::new("rep", 2, records);
        device.book.prepare(&device.archive);
        // Changed after its revision was made and before the push asks for it.
        device.edit(id, |c| c.name = "改过".into());
        let mut push = Push::new("push-rep", "s", 100);
        let mut step = push.start();
        while let Step::Send(request) = step {
            let response = server.handle(&request);
            step = push.respond(response, &mut BookSide { book: &mut device.book, archive: &device.archive }).unwrap();
        }
        let doc = pocket_crm::sync::docs::doc_id(pocket_crm::domain::RecordKind::Customer, id);
        assert!(!server.docs.contains_key(&doc), "its stale revision was not sent");
        let (push, _) = device.sync(&mut server, "next");
        assert!(push.docs >= 1);
        let (_, _, body) = server.docs[&doc].0.winner_body().unwrap();
        let record = pocket_crm::sync::docs::record_of_body(&body).unwrap();
        let AnyRecord::Customer(customer) = record else { panic!("a customer") };
        assert_eq!(customer.name, "改过");
        // Its revision follows the one that was never sent.
        let winner: Rev = server.docs[&doc].0.tree.winner().unwrap().0;
        assert_eq!(winner.pos, 2);
    }
}
