//! The replicator against a real CouchDB-protocol server: pouchdb-server 4.2.0 (in memory, pure
//! JavaScript, installed in `tests/couch` by `scripts/setup.sh`), started on a free port of
//! 127.0.0.1 by each test and stopped by its pid when the test ends. After each scenario PouchDB 9
//! (an independent client, `tests/couch/replicate.mjs`) replicates the same database, and every
//! document's winner, deletion, fields and conflicts must equal ours.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/sync_local.rs"]
mod sync_local;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pocket_crm::sync::replicate::{Pull, Push, Request, Response, Step, SyncError, Tally};
use serde_json::{json, Value};
use sync_local::{customer, Local, Seen};

fn couch_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/couch")
}

/// A pouchdb-server of this test's own, stopped (by its pid) when dropped.
struct Server {
    child: Child,
    root: String,
    dir: PathBuf,
}

impl Server {
    fn start() -> Server {
        let bin = couch_dir().join("node_modules/pouchdb-server/bin/pouchdb-server");
        assert!(bin.exists(), "{} is missing: run scripts/setup.sh (make test does)", bin.display());
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        // It writes a config and a log file where it runs: a folder of its own.
        let dir = std::env::temp_dir().join(format!("pocket-couch-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let child = Command::new("node")
            .arg(&bin)
            .args(["-m", "-p", &port.to_string(), "-o", "127.0.0.1"])
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs");
        let server = Server { child, root: format!("http://127.0.0.1:{port}"), dir };
        let started = Instant::now();
        while ureq::get(&server.root).call().is_err() {
            assert!(started.elapsed() < Duration::from_secs(30), "pouchdb-server did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    /// A new empty database; its URL.
    fn database(&self, name: &str) -> String {
        let url = format!("{}/{name}", self.root);
        ureq::put(&url).call().expect("database created");
        url
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One request of the replicator, over HTTP; counts them.
fn send(db: &str, request: &Request, count: &mut usize) -> Response {
    *count += 1;
    let call = ureq::request(request.method, &format!("{db}/{}", request.path)).timeout(Duration::from_secs(30));
    let result = match &request.body {
        Some(body) => call.send_json(body.clone()),
        None => call.call(),
    };
    let (status, response) = match result {
        Ok(response) => (response.status(), response),
        Err(ureq::Error::Status(status, response)) => (status, response),
        Err(e) => panic!("{} {}: {e}", request.method, request.path),
    };
    Response { status, body: response.into_json().unwrap_or(Value::Null) }
}

/// How a request reaches the server: straight (`send`), or through a stand-in between them.
type Transport = fn(&str, &Request, &mut usize) -> Response;

fn pull(db: &str, local: &mut Local, name: &str, session: &str, batch: usize) -> Result<Tally, SyncError> {
    pull_through(send, db, local, name, session, batch)
}

fn pull_through(
    send: Transport,
    db: &str,
    local: &mut Local,
    name: &str,
    session: &str,
    batch: usize,
) -> Result<Tally, SyncError> {
    let mut pull = Pull::new(name, session, batch);
    let mut step = pull.start();
    let mut count = 0;
    while let Step::Send(request) = step {
        step = pull.respond(send(db, &request, &mut count), local)?;
    }
    assert_eq!(count, pull.tally().requests);
    Ok(pull.tally().clone())
}

fn push(db: &str, local: &mut Local, name: &str, session: &str, batch: usize) -> Result<Tally, SyncError> {
    let mut push = Push::new(name, session, batch);
    let mut step = push.start();
    let mut count = 0;
    while let Step::Send(request) = step {
        step = push.respond(send(db, &request, &mut count), local)?;
    }
    Ok(push.tally().clone())
}

/// The database as PouchDB 9 replicates it: per document, its winner, whether deleted, its
/// fields and its conflicts (sorted), as our `Local::state` gives them.
fn as_pouchdb_sees_it(db: &str) -> BTreeMap<String, Value> {
    let output = Command::new("node").arg(couch_dir().join("replicate.mjs")).arg(db).output().expect("node runs");
    assert!(output.status.success(), "PouchDB: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("PouchDB's JSON")
}

fn ours(local: &Local) -> BTreeMap<String, Value> {
    let as_json = |(rev, deleted, body, conflicts): Seen| {
        let mut conflicts: Vec<String> = conflicts.iter().map(ToString::to_string).collect();
        conflicts.sort();
        json!({ "rev": rev.to_string(), "deleted": deleted, "body": body, "conflicts": conflicts })
    };
    local.state().into_iter().map(|(id, seen)| (id, as_json(seen))).collect()
}

#[test]
fn pushed_by_one_pulled_by_another_in_batches_and_pouchdb_reads_the_same() {
    let server = Server::start();
    let db = server.database("push-pull");
    let (mut a, mut b) = (Local::default(), Local::default());
    for n in 0..250 {
        a.edit(&format!("customer:{n:04}"), customer(n, "rep1"), false);
    }
    let pushed = push(&db, &mut a, "a-push", "s1", 100).unwrap();
    assert_eq!((pushed.docs, pushed.batches), (250, 3));
    let pulled = pull(&db, &mut b, "b-pull", "s1", 100).unwrap();
    assert_eq!((pulled.docs, pulled.batches), (250, 3));
    // A pull batch: the changes, the revisions (one `_bulk_get`), the checkpoint.
    assert_eq!(pulled.requests, 1 + 3 * 3 + 1);
    assert_eq!(ours(&b), ours(&a));
    assert_eq!(as_pouchdb_sees_it(&db), ours(&a));
    // Nothing new: one batch-less round.
    let again = pull(&db, &mut b, "b-pull", "s2", 100).unwrap();
    assert_eq!((again.docs, again.batches), (0, 0));
}

#[test]
fn an_interrupted_pull_resumes_fetching_at_most_one_batch_again() {
    let server = Server::start();
    let db = server.database("resume");
    let mut a = Local::default();
    for n in 0..300 {
        a.edit(&format!("customer:{n:04}"), customer(n, "rep1"), false);
    }
    push(&db, &mut a, "a-push", "s1", 100).unwrap();
    let mut b = Local::default();
    // The first batch is stored; the second fails to store (a full disk, the page closed).
    let mut first = Pull::new("b-pull", "s1", 100);
    let mut step = first.start();
    let mut count = 0;
    let error = loop {
        let Step::Send(request) = step else { panic!("finished without the failure") };
        if b.stored == 100 {
            b.fail_store = true;
        }
        match first.respond(send(&db, &request, &mut count), &mut b) {
            Ok(next) => step = next,
            Err(e) => break e,
        }
    };
    assert!(matches!(error, SyncError::Local(_)));
    assert_eq!(b.stored, 100);
    let resumed = pull(&db, &mut b, "b-pull", "s2", 100).unwrap();
    assert_eq!(resumed.docs, 200, "only what was not stored is fetched again");
    assert_eq!(ours(&b), ours(&a));
}

#[test]
fn concurrent_edits_and_a_deletion_give_the_same_winner_and_conflicts_everywhere() {
    let server = Server::start();
    let db = server.database("conflicts");
    let (mut a, mut b) = (Local::default(), Local::default());
    a.edit("customer:1", customer(1, "rep1"), false);
    a.edit("customer:2", customer(2, "rep1"), false);
    push(&db, &mut a, "a-push", "a1", 10).unwrap();
    pull(&db, &mut b, "b-pull", "b1", 10).unwrap();
    // Offline, both edit customer 1; b deletes customer 2.
    a.edit("customer:1", json!({"type": "customer", "name": "A's name", "owner": "rep1"}), false);
    b.edit("customer:1", json!({"type": "customer", "name": "B's name", "owner": "rep1"}), false);
    b.edit("customer:2", json!({}), true);
    for (side, session) in [("a", "a2"), ("b", "b2"), ("a", "a3")] {
        let (local, name) = if side == "a" { (&mut a, "a") } else { (&mut b, "b") };
        push(&db, local, &format!("{name}-push"), session, 10).unwrap();
        pull(&db, local, &format!("{name}-pull"), session, 10).unwrap();
    }
    assert_eq!(ours(&a), ours(&b));
    let one = &ours(&a)["customer:1"];
    assert_eq!(one["conflicts"].as_array().map(Vec::len), Some(1), "the losing edit is a conflict");
    assert_eq!(ours(&a)["customer:2"]["deleted"], json!(true));
    // The server's own view agrees: its winner and its conflicts.
    let doc: Value = ureq::get(&format!("{db}/customer%3A1?conflicts=true")).call().unwrap().into_json().unwrap();
    assert_eq!(doc["_rev"], one["rev"]);
    assert_eq!(doc["_conflicts"], one["conflicts"]);
    assert_eq!(as_pouchdb_sees_it(&db), ours(&a));
}

#[test]
fn a_change_the_validation_function_refuses_is_reported_and_kept() {
    let server = Server::start();
    let db = server.database("validated");
    // A design document as a team's database carries one (here: no record may be owned by
    // "nobody"): the server's own JavaScript validation runs on each document pushed.
    let design = json!({
        "_id": "_design/rules",
        "validate_doc_update": "function (newDoc) { if (newDoc.owner === 'nobody') { throw({forbidden: 'no owner'}); } }"
    });
    ureq::put(&format!("{db}/_design/rules")).send_json(design).unwrap();
    let mut a = Local::default();
    a.edit("customer:1", customer(1, "rep1"), false);
    let refused = a.edit("customer:2", customer(2, "nobody"), false);
    let pushed = push(&db, &mut a, "a-push", "s1", 10).unwrap();
    assert_eq!(pushed.rejected.len(), 1, "{pushed:?}");
    assert_eq!((pushed.rejected[0].id.as_str(), &pushed.rejected[0].rev), ("customer:2", &refused));
    assert_eq!(pushed.rejected[0].error, "forbidden");
    assert_eq!(a.state()["customer:2"].0, refused, "kept locally");
    let missing = ureq::get(&format!("{db}/customer%3A2")).call();
    assert!(matches!(missing, Err(ureq::Error::Status(404, _))), "not on the server");
    // What PouchDB reads is what the server took: customer 1 and the design document.
    let seen = as_pouchdb_sees_it(&db);
    assert!(seen.contains_key("customer:1") && !seen.contains_key("customer:2"));
}

/// Between the replicator and the server: answers `_bulk_get` with 400 (as a server without it
/// does), so the replicator falls back to one `?open_revs=` GET per document, and hands out the
/// server's sequences as opaque strings (as CouchDB 3 does), taking them back on the way in.
fn through_an_older_server(db: &str, request: &Request, count: &mut usize) -> Response {
    if request.path.starts_with("_bulk_get") {
        *count += 1;
        return Response { status: 400, body: json!({"error": "bad_request", "reason": "no _bulk_get here"}) };
    }
    let mut request = request.clone();
    if let Some(at) = request.path.find("since=") {
        let (head, tail) = request.path.split_at(at + "since=".len());
        let (since, rest) = tail.split_once('&').map_or((tail, ""), |(s, r)| (s, r));
        let number: String = since.trim_start_matches("%22").chars().take_while(char::is_ascii_digit).collect();
        request.path = format!("{head}{}&{rest}", if number.is_empty() { "0" } else { &number });
    }
    let mut response = send(db, &request, count);
    let opaque = |seq: &Value| json!(format!("{}-g1AAAAFTeJzLYWBgYMlgTmFQSElKzi9KdUhJMtHLTMrVTU4sTk3J", seq));
    if let Some(last) = response.body.get("last_seq").cloned() {
        response.body["last_seq"] = opaque(&last);
        for row in response.body["results"].as_array_mut().into_iter().flatten() {
            let seq = row["seq"].clone();
            row["seq"] = opaque(&seq);
        }
    }
    response
}

#[test]
fn without_bulk_get_and_with_string_sequences_it_fetches_each_document_and_resumes() {
    let server = Server::start();
    let db = server.database("older");
    let mut a = Local::default();
    for n in 0..25 {
        a.edit(&format!("customer:{n:04}"), customer(n, "rep1"), false);
    }
    a.edit("customer:0003", json!({}), true);
    push(&db, &mut a, "a-push", "s1", 10).unwrap();
    let mut b = Local::default();
    let pulled = pull_through(through_an_older_server, &db, &mut b, "b-pull", "s1", 10).unwrap();
    assert_eq!(pulled.docs, 25);
    assert!(pulled.requests > 25 + 3 * 2, "a GET per document: {} requests", pulled.requests);
    let checkpoint = pocket_crm::sync::replicate::LocalSide::checkpoint(&b, "b-pull").unwrap();
    assert!(checkpoint.last_seq.0.as_str().is_some_and(|s| s.contains("-g1AAAA")), "{checkpoint:?}");
    let again = pull_through(through_an_older_server, &db, &mut b, "b-pull", "s2", 10).unwrap();
    assert_eq!(again.docs, 0, "resumed from the opaque sequence: nothing again");
    assert_eq!(ours(&b), ours(&a));
    assert_eq!(as_pouchdb_sees_it(&db), ours(&a));
}
