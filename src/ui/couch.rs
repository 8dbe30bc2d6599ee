//! Live replication with a CouchDB database (or any server speaking its protocol): the page's
//! driver of `sync::replicate` over `fetch`, with `sync::book` as the local side, its trees kept
//! in their own IndexedDB database (`store::couch`). Records pulled go through the write path
//! (`Command::TakeInSince`), so other tabs see them and nothing another writer saved is lost.
//!
//! One tab of the browser replicates at a time: it holds a Web Lock, which the browser lets go of
//! when the page closes, and the others say so and take over then. A round pulls, then pushes;
//! then the tab waits on the server's `_changes` long poll, which it aborts itself when the book
//! changes here, on "Sync now", or after 35 s. Offline, it retries with growing pauses; on a 401
//! it logs in again with the password typed in this page (kept in memory only), or asks for it.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::domain::Command;
use crate::store::couch::{CouchStore, COUCH_DB_NAME};
use crate::store::StoreError;
use crate::sync::book::{Book, BookSide, Dirty};
use crate::sync::replicate::{encode, Pull, Push, Rejected, Request, Response, Step, SyncError, Tally};
use crate::ui::clock;
use crate::ui::locks::hold;
use crate::ui::perf;
use crate::ui::state::{pause, AppState};

pub const CONFIG_KEY: &str = "pocket.couch";
/// The Web Lock the replicating tab holds.
const LOCK_NAME: &str = "pocket-crm-couch";
/// Changes a batch. Larger than CouchDB's own replicator's 500: each pulled batch is one write
/// of the records (every bucket it touches encoded again), and a server stores a large
/// `_bulk_docs` faster per document; measured at 10,000 customers (README, "Performance").
const PULL_BATCH: usize = 4_000;
const PUSH_BATCH: usize = 2_000;
const LONG_POLL_MS: u32 = 25_000;

/// The database this browser replicates with, and who logs in.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub url: String,
    pub name: String,
}

impl Config {
    /// The server's root (the database URL without its last part), where `_session` is.
    fn root(&self) -> &str {
        let url = self.url.trim_end_matches('/');
        url.rsplit_once('/').map_or(url, |(root, _)| root)
    }

    fn database(&self) -> &str {
        self.url.trim_end_matches('/')
    }

    /// The replication ids: this device and this database.
    fn ids(&self, device: &str) -> (String, String) {
        let tag: u32 = self.url.bytes().fold(2_166_136_261, |h, b| (h ^ u32::from(b)).wrapping_mul(16_777_619));
        (format!("pocket-pull-{device}-{tag:08x}"), format!("pocket-push-{device}-{tag:08x}"))
    }
}

/// Where the replication stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    Connecting,
    Syncing,
    UpToDate,
    /// The server could not be reached; tried again in this many seconds.
    Offline(u32),
    /// The session ended and no password is at hand: the person logs in again.
    LoginNeeded,
    /// Another tab of this browser replicates.
    OtherTab,
    Failed(String),
}

/// What the page shows of the replication.
#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    pub phase: Phase,
    /// When the last round finished (ms since 1970).
    pub last: Option<i64>,
    /// Documents fetched and sent since the page opened.
    pub pulled: usize,
    pub pushed: usize,
    /// HTTP requests per batch in the last round's pull (its requests over its batches).
    pub requests_per_batch: Option<f64>,
    /// Changes the server refused (its validation function), kept here.
    pub rejected: Vec<Rejected>,
}

/// A running replication.
pub struct Live {
    pub config: Config,
    pub status: RwSignal<Status>,
    password: RefCell<Option<String>>,
    stop: Rc<Cell<bool>>,
    /// Set by "Sync now": ends the wait.
    nudged: Rc<Cell<bool>>,
}

thread_local! {
    static LIVE: RefCell<Option<Rc<Live>>> = const { RefCell::new(None) };
}

/// The running replication, if any.
pub fn live() -> Option<Rc<Live>> {
    LIVE.with(|l| l.borrow().clone())
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The database this browser was connected to.
pub fn saved_config() -> Option<Config> {
    let text = storage()?.get_item(CONFIG_KEY).ok().flatten()?;
    let (url, name) = text.split_once('\t')?;
    Some(Config { url: url.to_owned(), name: name.to_owned() })
}

/// Why logging in failed.
#[derive(Clone, Debug, PartialEq)]
pub enum LoginError {
    Offline,
    Refused,
    Other(String),
}

/// Logs in (`_session`, its cookie kept by the browser), remembers the database and starts
/// replicating with it.
pub async fn connect(state: AppState, config: Config, password: String) -> Result<(), LoginError> {
    log_in(&config, &password).await?;
    if let Some(s) = storage() {
        let _ = s.set_item(CONFIG_KEY, &format!("{}\t{}", config.url, config.name));
    }
    stop();
    start(state, config, Some(password));
    Ok(())
}

/// Starts replicating with the saved database (the app's start; the session cookie may still
/// hold).
pub fn resume(state: AppState) {
    if live().is_none() {
        if let Some(config) = saved_config() {
            start(state, config, None);
        }
    }
}

/// Logs in again with a password typed now.
pub async fn log_in_again(state: AppState, password: String) -> Result<(), LoginError> {
    let Some(config) = live().map(|l| l.config.clone()).or_else(saved_config) else {
        return Err(LoginError::Other("not connected".into()));
    };
    connect(state, config, password).await
}

/// Ends the wait for changes: a round starts now.
pub fn nudge() {
    if let Some(live) = live() {
        live.nudged.set(true);
    }
}

/// Stops replicating and forgets the database (the trees stay until another is chosen).
pub fn disconnect() {
    stop();
    if let Some(s) = storage() {
        let _ = s.remove_item(CONFIG_KEY);
    }
}

fn stop() {
    if let Some(live) = LIVE.with(|l| l.borrow_mut().take()) {
        live.stop.set(true);
    }
}

fn start(state: AppState, config: Config, password: Option<String>) {
    let status = Status {
        phase: Phase::Connecting,
        last: None,
        pulled: 0,
        pushed: 0,
        requests_per_batch: None,
        rejected: Vec::new(),
    };
    let live = Rc::new(Live {
        config,
        status: RwSignal::new(status),
        password: RefCell::new(password),
        stop: Rc::default(),
        nudged: Rc::default(),
    });
    LIVE.with(|l| *l.borrow_mut() = Some(live.clone()));
    leptos::task::spawn_local(run(live, state));
}

/// The replication's life: rounds, waits, retries, until stopped.
async fn run(live: Rc<Live>, state: AppState) {
    let set_phase = |phase: Phase| live.status.update(|s| s.phase = phase);
    let store = match CouchStore::open(COUCH_DB_NAME).await {
        Ok(store) => Rc::new(store),
        Err(e) => return set_phase(Phase::Failed(state.lang.get_untracked().store_error(&e))),
    };
    let other_tab = || live.status.update(|s| s.phase = Phase::OtherTab);
    let Some(lock) = hold(LOCK_NAME, &live.stop, 1_000, other_tab).await else { return };
    let mut book: Option<Book> = None;
    let mut offline_pause = 5;
    let mut fresh_login = false;
    while !live.stop.get() {
        if book.is_none() {
            match open_book(&store, &live.config).await {
                Ok(opened) => book = Some(opened),
                Err(e) => {
                    set_phase(Phase::Failed(state.lang.get_untracked().store_error(&e)));
                    pause(30_000).await;
                    continue;
                }
            }
        }
        let Some(current) = book.as_mut() else { continue };
        set_phase(Phase::Syncing);
        match round(&live, &state, current, &store).await {
            Ok(version) => {
                (offline_pause, fresh_login) = (5, false);
                live.status.update(|s| (s.phase, s.last) = (Phase::UpToDate, Some(clock::now().0)));
                wait_for_change(&live, &state, current, version).await;
            }
            Err(Fault::Stopped) => break,
            Err(Fault::Offline) => {
                book = None;
                set_phase(Phase::Offline(offline_pause));
                pause(offline_pause as i32 * 1_000).await;
                offline_pause = (offline_pause * 2).min(60);
            }
            Err(Fault::Sync(SyncError::Unauthorized)) => {
                book = None;
                // A 401 right after logging in again: the cookie is not kept (see the README on
                // serving the page from the server's site); ask rather than loop.
                let password = live.password.borrow().clone().filter(|_| !fresh_login);
                fresh_login = match password {
                    Some(p) => log_in(&live.config, &p).await.is_ok(),
                    None => false,
                };
                if !fresh_login {
                    set_phase(Phase::LoginNeeded);
                    break;
                }
            }
            Err(fault) => {
                book = None;
                set_phase(Phase::Failed(fault.describe(&state)));
                pause(30_000).await;
            }
        }
    }
    drop(lock);
}

/// This side as stored; for another database than the stored one's, a fresh side (the trees
/// and checkpoints of another database say nothing of this one).
async fn open_book(store: &CouchStore, config: &Config) -> Result<Book, crate::store::StoreError> {
    let (docs, saved) = store.load().await?;
    if saved.database == config.url {
        return Ok(Book::new(docs, saved));
    }
    store.clear().await?;
    Ok(Book::for_database(&config.url))
}

/// Why a round stopped.
enum Fault {
    /// Disconnected, or another database chosen, while the round ran.
    Stopped,
    Offline,
    Sync(SyncError),
    Store(crate::store::StoreError),
}

impl Fault {
    fn describe(&self, state: &AppState) -> String {
        match self {
            Fault::Offline => "offline".into(),
            Fault::Stopped => "stopped".into(),
            Fault::Sync(SyncError::Status(code, reason)) => format!("HTTP {code} {reason}"),
            Fault::Sync(SyncError::Protocol(what)) | Fault::Sync(SyncError::Local(what)) => what.clone(),
            Fault::Sync(SyncError::Unauthorized) => "401".into(),
            Fault::Store(e) => state.lang.get_untracked().store_error(e),
        }
    }
}

impl From<SyncError> for Fault {
    fn from(e: SyncError) -> Self {
        Fault::Sync(e)
    }
}

impl From<crate::store::StoreError> for Fault {
    fn from(e: crate::store::StoreError) -> Self {
        Fault::Store(e)
    }
}

/// One round: the server's changes in, then this book's out. Returns the book's version
/// before the push looked at it (a change after it starts the next round).
async fn round(live: &Live, state: &AppState, book: &mut Book, store: &Rc<CouchStore>) -> Result<u64, Fault> {
    state.full().await;
    let device = state.device().to_string();
    let (pull_id, push_id) = live.config.ids(&device);
    let session = format!("{device}-{}", clock::now().0);
    let started = perf::now();
    let (pulled, empty) = pull(live, state, book, store, &pull_id, &session).await?;
    let between = perf::now();
    let version = state.with_data(|d| d.archive().version()).unwrap_or_default();
    let pushed = push(live, state, book, store, (&push_id, &session), empty).await?;
    record_round(&pulled, &pushed, between - started, perf::now() - between);
    live.status.update(|s| {
        s.pulled += pulled.docs;
        s.pushed += pushed.docs;
        if pulled.batches > 0 {
            s.requests_per_batch = Some(pulled.requests as f64 / pulled.batches as f64);
        }
        for rejected in &pushed.rejected {
            s.rejected.retain(|r| r.id != rejected.id);
            s.rejected.push(rejected.clone());
        }
    });
    Ok(version)
}

/// The round's figures for the benchmark.
fn record_round(pulled: &Tally, pushed: &Tally, pull_ms: f64, push_ms: f64) {
    perf::record("couch:pull", pull_ms);
    perf::record("couch:push", push_ms);
    for (name, n) in [
        ("couch:pulled", pulled.docs),
        ("couch:pushed", pushed.docs),
        ("couch:pull-requests", pulled.requests),
        ("couch:pull-batches", pulled.batches),
        ("couch:push-requests", pushed.requests),
        ("couch:push-batches", pushed.batches),
    ] {
        perf::record_count(name, n);
    }
}

/// A pull. While a batch's records and trees are stored and its checkpoint written, the next
/// batch's `_changes` is already on its way (`Pull::upcoming`); the trees are written in the
/// background, each write after the one before (`Writes`), and every write has landed before a
/// checkpoint is sent (`Request::writes_checkpoint`). Returns its tally and whether it found the
/// database empty (`Pull::found_nothing`).
async fn pull(
    live: &Live,
    state: &AppState,
    book: &mut Book,
    store: &Rc<CouchStore>,
    id: &str,
    session: &str,
) -> Result<(Tally, bool), Fault> {
    let mut pull = Pull::new(id, session, PULL_BATCH);
    let mut writes = Writes::new(store);
    let pulled = pull_batches(live, state, book, &mut pull, &mut writes).await;
    // Whatever ended the pull, its writes land before the book is read again or another round
    // writes.
    let written = writes.done().await;
    pulled?;
    written?;
    Ok((pull.tally().clone(), pull.found_nothing()))
}

async fn pull_batches(
    live: &Live,
    state: &AppState,
    book: &mut Book,
    pull: &mut Pull,
    writes: &mut Writes,
) -> Result<(), Fault> {
    let mut step = pull.start();
    let mut early: Option<(Request, Later<Result<Response, Fault>>)> = None;
    while let Step::Send(request) = step {
        if request.writes_checkpoint() {
            writes.done().await?;
        }
        let response = match early.take() {
            Some((sent, answer)) if sent == request => stopped(live, answer.wait().await)?,
            held => {
                early = held;
                exchange(live, &request).await?
            }
        };
        step = respond(state, book, |side| pull.respond(response, side))?;
        if early.is_none() {
            early = pull.upcoming().map(|next| {
                let answer = send_now(&live.config, &next);
                (next, answer)
            });
        }
        if book.has_incoming() {
            let records = book.take_incoming();
            state
                .execute(Command::TakeInSince(records))
                .await
                .map_err(|_| Fault::Sync(SyncError::Local("save".into())))?;
            state.with_data(|d| book.settle(d.archive()));
        }
        writes.start(book.take_dirty());
    }
    Ok(())
}

/// A push (`empty`: the round's pull found the database empty); the trees and checkpoints are
/// written in the background (`Writes`), every write landed before a checkpoint is sent.
async fn push(
    live: &Live,
    state: &AppState,
    book: &mut Book,
    store: &Rc<CouchStore>,
    (id, session): (&str, &str),
    empty: bool,
) -> Result<Tally, Fault> {
    let mut writes = Writes::new(store);
    // Two batches' worth of records get their revisions now, the rest two batches' worth at a
    // time while the server stores the first batches (`push_batches`). The trees this makes are
    // written from the first answer on: their writes then run while the server stores a batch,
    // instead of holding up the first one.
    let mut preparing = Preparing::start(state, book);
    let mut push = Push::new(id, session, PUSH_BATCH).into_empty(empty);
    let pushed = push_batches(live, state, book, &mut push, &mut writes, &mut preparing).await;
    // However the push ended, the trees prepared meanwhile are written.
    writes.start(book.take_dirty());
    let written = writes.done().await;
    pushed?;
    written?;
    Ok(push.tally().clone())
}

/// Records given their revisions a slice at a time (`Book::prepare_some`), ahead of the batches
/// that send them: a first push (every record) sends its first batches while the rest are
/// prepared.
struct Preparing {
    more: bool,
}

impl Preparing {
    /// Prepares two batches' worth.
    fn start(state: &AppState, book: &mut Book) -> Preparing {
        let mut preparing = Preparing { more: true };
        preparing.next(state, book, 2 * PUSH_BATCH);
        preparing
    }

    /// Prepares up to `limit` more records, if any are left.
    fn next(&mut self, state: &AppState, book: &mut Book, limit: usize) {
        if self.more {
            self.more = state.with_data(|d| book.prepare_some(d.archive(), limit)) == Some(limit);
        }
    }
}

async fn push_batches(
    live: &Live,
    state: &AppState,
    book: &mut Book,
    push: &mut Push,
    writes: &mut Writes,
    preparing: &mut Preparing,
) -> Result<(), Fault> {
    let mut step = push.start();
    // The next batches' documents, sent while the server stores this batch's (`Push::ahead`).
    let mut early: VecDeque<Later<Result<Response, Fault>>> = VecDeque::new();
    loop {
        let answer = match step {
            Step::Done => return Ok(()),
            Step::Send(request) => {
                if request.writes_checkpoint() {
                    writes.done().await?;
                }
                send_now(&live.config, &request)
            }
            Step::Sent => {
                early.pop_front().ok_or_else(|| Fault::Sync(SyncError::Protocol("no batch was sent ahead".into())))?
            }
        };
        // The push asks for its next batch after this answer: prepared by then, it is never
        // found missing (a step sends two batches at most, its own and one ahead, and prepares
        // two batches' worth).
        preparing.next(state, book, 2 * PUSH_BATCH);
        let next = with_side(state, book, |side| push.ahead(side)).flatten();
        early.extend(next.map(|request| send_now(&live.config, &request)));
        let response = stopped(live, answer.wait().await)?;
        step = respond(state, book, |side| push.respond(response, side))?;
        // Answers the push will ask for: those still ahead, and the next step's (more are held
        // only if the push let go of its batches sent ahead, which a push in order never does).
        let owed = push.sent_ahead() + usize::from(matches!(step, Step::Sent));
        while early.len() > owed {
            early.pop_front();
        }
        // Started now, they run while the next request is on its way (sent before it is waited on).
        writes.start(book.take_dirty());
    }
}

/// Work started now whose result is taken later.
struct Later<T> {
    done: js_sys::Promise,
    result: Rc<RefCell<Option<T>>>,
}

impl<T: 'static> Later<T> {
    fn start(work: impl std::future::Future<Output = T> + 'static) -> Later<T> {
        let result = Rc::new(RefCell::new(None));
        let slot = result.clone();
        let done = wasm_bindgen_futures::future_to_promise(async move {
            *slot.borrow_mut() = Some(work.await);
            Ok(JsValue::UNDEFINED)
        });
        Later { done, result }
    }

    async fn wait(self) -> Option<T> {
        let _ = JsFuture::from(self.done).await;
        self.result.borrow_mut().take()
    }
}

/// Sends `request` before it returns; its answer is taken later.
fn send_now(config: &Config, request: &Request) -> Later<Result<Response, Fault>> {
    let pending = dispatch(config, request, None);
    Later::start(async move { pending?.answer().await.map_err(|_| Fault::Offline) })
}

/// An answer, once it is in (sent now or earlier); stopped meanwhile, the round ends.
fn stopped(live: &Live, answer: Option<Result<Response, Fault>>) -> Result<Response, Fault> {
    let response = answer.unwrap_or(Err(Fault::Offline))?;
    if live.stop.get() {
        return Err(Fault::Stopped);
    }
    Ok(response)
}

/// The trees and checkpoints a round changed, written while it goes on: each write starts after
/// the one before it ended, and none after one failed (a later checkpoint never lands without
/// the trees before it).
struct Writes {
    store: Rc<CouchStore>,
    last: Option<Later<Result<(), StoreError>>>,
}

impl Writes {
    fn new(store: &Rc<CouchStore>) -> Writes {
        Writes { store: store.clone(), last: None }
    }

    fn start(&mut self, dirty: Dirty) {
        if dirty.is_empty() {
            return;
        }
        let (before, store) = (self.last.take(), self.store.clone());
        self.last = Some(Later::start(async move {
            if let Some(before) = before {
                before.wait().await.unwrap_or(Ok(()))?;
            }
            store.write(&dirty).await
        }));
    }

    /// Waits for the writes started; the first failure, if any.
    async fn done(&mut self) -> Result<(), StoreError> {
        match self.last.take() {
            Some(last) => last.wait().await.unwrap_or(Ok(())),
            None => Ok(()),
        }
    }
}

/// Sends a request of a round; stopped meanwhile (disconnected, or another database chosen),
/// the round ends without taking its answer.
async fn exchange(live: &Live, request: &Request) -> Result<Response, Fault> {
    stopped(live, Some(send(&live.config, request, None).await))
}

/// Hands a response to the replication with the book and the archive as they are now.
fn respond(
    state: &AppState,
    book: &mut Book,
    f: impl FnOnce(&mut BookSide) -> Result<Step, SyncError>,
) -> Result<Step, Fault> {
    let step = with_side(state, book, f);
    Ok(step.ok_or(Fault::Sync(SyncError::Local("not loaded".into())))??)
}

/// Runs `f` on this side of the replication: the book and the archive as they are now (None
/// before the archive is loaded).
fn with_side<T>(state: &AppState, book: &mut Book, f: impl FnOnce(&mut BookSide) -> T) -> Option<T> {
    state.with_data(|d| f(&mut BookSide { book, archive: d.archive() }))
}

/// Waits until the server has changes (its long poll answers with some), the book changes here
/// after `version`, or "Sync now"; at most about half a minute.
async fn wait_for_change(live: &Live, state: &AppState, book: &Book, version: u64) {
    let since = book_since(book, &live.config.ids(&state.device().to_string()).0);
    let path = format!("_changes?feed=longpoll&timeout={LONG_POLL_MS}&limit=1&since={}", encode(&since));
    let request = Request { method: "GET", path, body: None };
    let Ok(controller) = web_sys::AbortController::new() else { return pause(5_000).await };
    // Aborts the poll when the book changes here, "Sync now" is pressed, or this replication stops.
    let waiting = Rc::new(Cell::new(true));
    let (flag, c, state, stop) = (waiting.clone(), controller.clone(), *state, live.stop.clone());
    let nudged = live.nudged.clone();
    leptos::task::spawn_local(async move {
        while flag.get() {
            pause(500).await;
            if !flag.get() {
                return;
            }
            let changed = state.with_data(|d| d.archive().version()).is_some_and(|v| v != version);
            if stop.get() || nudged.replace(false) || changed {
                c.abort();
                return;
            }
        }
    });
    let _ = send(&live.config, &request, Some(&controller)).await;
    waiting.set(false);
}

/// The pull's sequence as a `since=` value.
fn book_since(book: &Book, pull_id: &str) -> String {
    book.checkpoint(pull_id).map_or_else(|| "now".into(), |c| c.last_seq.as_query())
}

/// Logs in: `POST _session`; the browser keeps the cookie.
async fn log_in(config: &Config, password: &str) -> Result<(), LoginError> {
    let body = serde_json::json!({ "name": config.name, "password": password });
    let url = format!("{}/_session", config.root());
    let response = fetch(&url, "POST", Some(&body), None).await.map_err(|_| LoginError::Offline)?;
    match response.status {
        200..=299 => Ok(()),
        401 | 403 => Err(LoginError::Refused),
        code => Err(LoginError::Other(format!("HTTP {code}"))),
    }
}

/// Sends a replication request to the database.
async fn send(config: &Config, request: &Request, abort: Option<&web_sys::AbortController>) -> Result<Response, Fault> {
    dispatch(config, request, abort)?.answer().await.map_err(|_| Fault::Offline)
}

/// Sends a replication request to the database before it returns (`send`, `send_now`).
fn dispatch(config: &Config, request: &Request, abort: Option<&web_sys::AbortController>) -> Result<Pending, Fault> {
    let url = format!("{}/{}", config.database(), request.path);
    Pending::start(&url, request.method, request.body.as_ref(), abort).map_err(|_| Fault::Offline)
}

/// One HTTP request with the session cookie; the client ends it itself after 35 s.
async fn fetch(
    url: &str,
    method: &str,
    body: Option<&Value>,
    abort: Option<&web_sys::AbortController>,
) -> Result<Response, JsValue> {
    Pending::start(url, method, body, abort)?.answer().await
}

/// A request on its way (`fetch` called), with the timer that ends it after 35 s.
struct Pending {
    answer: js_sys::Promise,
    timer: i32,
}

impl Pending {
    /// Sends the request before it returns.
    fn start(
        url: &str,
        method: &str,
        body: Option<&Value>,
        abort: Option<&web_sys::AbortController>,
    ) -> Result<Pending, JsValue> {
        let init = web_sys::RequestInit::new();
        init.set_method(method);
        init.set_credentials(web_sys::RequestCredentials::Include);
        let headers = web_sys::Headers::new()?;
        headers.set("Accept", "application/json")?;
        if let Some(body) = body {
            headers.set("Content-Type", "application/json")?;
            // Bytes, not a string: a JavaScript string would be decoded from UTF-8 here and
            // encoded back by `fetch` (a push batch is megabytes).
            let bytes = serde_json::to_vec(body).map_err(|_| JsValue::NULL)?;
            init.set_body(&js_sys::Uint8Array::from(bytes.as_slice()));
        }
        init.set_headers(&headers);
        let controller = match abort {
            Some(c) => c.clone(),
            None => web_sys::AbortController::new()?,
        };
        init.set_signal(Some(&controller.signal()));
        let window = web_sys::window().ok_or(JsValue::NULL)?;
        let abort = wasm_bindgen::closure::Closure::once_into_js(move || controller.abort());
        let timer = window.set_timeout_with_callback_and_timeout_and_arguments_0(abort.unchecked_ref(), 35_000)?;
        Ok(Pending { answer: window.fetch_with_str_and_init(url, &init), timer })
    }

    /// The response, read whole.
    async fn answer(self) -> Result<Response, JsValue> {
        let result = async {
            let response: web_sys::Response = JsFuture::from(self.answer).await?.dyn_into()?;
            // The bytes as they came (`text()` would decode them into a string, copied back).
            let bytes = js_sys::Uint8Array::new(&JsFuture::from(response.array_buffer()?).await?).to_vec();
            Ok(Response { status: response.status(), body: serde_json::from_slice(&bytes).unwrap_or(Value::Null) })
        }
        .await;
        if let Some(window) = web_sys::window() {
            window.clear_timeout_with_handle(self.timer);
        }
        result
    }
}
