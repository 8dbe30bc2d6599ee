//! Running commands, and sharing the store with other tabs. A command is applied to this tab's
//! copy at once (the page shows it), then written in one transaction that first takes in what
//! other tabs saved (see `store::Replica`); the other tabs hear of it on a BroadcastChannel and
//! take it in within moments, without a reload. Also: loading the store, and the time rules.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use super::clock;
use super::engine::{Engine, Keeper, LoadMigration};
use super::perf;
use super::state::{pause, AppState, Data, LoadState, UndoAction};
use crate::domain::query::CustomerQuery;
use crate::domain::{ChangeSet, Command, RecordKind, Superseded};
use crate::i18n::Msg;
use crate::store::idb::{self, IdbBackend, DB_NAME};
use crate::store::writer::{self, Flushed};
use crate::store::{ActionError, Notice, Outcome, Saved, StoreError};

/// The channel tabs of this app tell each other on that they saved something.
const CHANNEL: &str = "pocket-crm-saved";

/// The app state as the place the replica is kept: borrowed only between awaits, and every
/// change it reports brings the query indexes and the views of the kinds touched up to date.
struct Holding(AppState);

impl Keeper for Holding {
    fn with_replica(&self, f: &mut dyn FnMut(&mut crate::store::Replica)) {
        self.0.with_data_mut(|d| f(&mut d.replica));
    }

    fn changed(&self, changes: &ChangeSet) {
        if changes.is_empty() {
            return;
        }
        self.0.with_data_mut(|d| d.query.note_changes(d.replica.archive(), changes));
        self.0.bump(changes);
    }

    fn pause(&self) -> Pin<Box<dyn Future<Output = ()>>> {
        Box::pin(pause(0))
    }
}

/// Customers the search index takes in at a time after the first paint (12-15 ms each on a slow
/// day, decoding their contacts included: 47-58 ms for 10k in four slices).
const INDEX_SLICE: usize = 2_500;

impl AppState {
    /// Opens the database and loads everything, recording how long each step took; then applies
    /// the time rules and starts hearing other tabs.
    pub fn start_loading(self) {
        leptos::task::spawn_local(async move {
            let started = perf::now();
            let opened = async {
                // index.html's early read comes with the connection it opened: the page opens
                // none of its own then.
                let (backend, loaded) = match idb::take_early(DB_NAME).await {
                    Some(early) => {
                        perf::record("load:read", perf::now() - started);
                        perf::record_count("load:early-by-worker", usize::from(early.from_worker));
                        early.open(&LoadMigration).await?
                    }
                    None => (IdbBackend::open(DB_NAME, &LoadMigration).await?, None),
                };
                perf::record("load:open", perf::now() - started);
                perf::record_count("load:early", usize::from(loaded.is_some()));
                let decoding = perf::now();
                let opened = match loaded {
                    Some(loaded) => {
                        writer::decode_first_read(loaded, self.device(), &|| async {}, &LoadMigration).await
                    }
                    None => writer::first_read_deferring(&backend, self.device(), &|| async {}, &LoadMigration).await,
                };
                perf::record("load:decode", perf::now() - decoding);
                let mut opened = opened?;
                // An older schema or an odd layout: written again first, by the write path,
                // with every bucket read.
                if opened.needs_rewrite && opened.replica.awaits_later() {
                    let later = crate::store::Backend::load_later(&backend).await?;
                    opened.replica.take_later(later)?;
                }
                let replica = if opened.needs_rewrite {
                    let engine = self
                        .engine()
                        .await
                        .map_err(|_| StoreError::Unavailable("the write path did not load".into()))?;
                    engine.rewrite(&backend, opened).await?
                } else {
                    opened.replica
                };
                Ok::<_, StoreError>((backend, replica))
            }
            .await;
            match opened {
                Ok((backend, replica)) => {
                    // The search index is built after the first paint, which needs only the facets.
                    let before_facets = perf::now();
                    let query = CustomerQuery::without_index(replica.archive());
                    perf::record("load:facets", perf::now() - before_facets);
                    perf::record_count("load:customers", replica.archive().customers.len());
                    let stale = self.stale;
                    backend.on_stale(move || stale.set(true));
                    let seen = replica.seen();
                    let backend = Rc::new(backend);
                    self.backend.set_value(Some(backend.clone()));
                    self.complete.set(!replica.has_deferred());
                    self.data.set_value(Some(Data { replica, query }));
                    let mut all = ChangeSet::default();
                    all.replaced_all = true;
                    self.bump(&all);
                    self.load.set(LoadState::Ready);
                    self.listen_to_other_tabs();
                    // What another tab saved after this page's read and before it listened
                    // (the read is made before the module starts, so the gap is its start-up).
                    leptos::task::spawn_local(async move {
                        let missed = crate::store::Backend::read_log(&*backend, seen).await;
                        if missed.is_ok_and(|tail| !tail.is_empty()) {
                            self.catch_up().await;
                        }
                    });
                    perf::record("load:total", perf::now() - started);
                    perf::record("load:started-at", started);
                    // The list is painted first; the search index and the deals, which it does
                    // not need, right after.
                    leptos::task::spawn_local(async move {
                        super::state::after_paint().await;
                        self.build_search_index().await;
                        self.read_deals().await;
                        self.apply_time_rules();
                        super::areas::prefetch();
                        super::areas::resume_sync(self);
                    });
                }
                Err(e) => {
                    self.stale.set(e == StoreError::Newer);
                    self.load.set(LoadState::Failed(e));
                }
            }
        });
    }

    /// Builds the search index in slices of `INDEX_SLICE` rows with a pause after each, so that
    /// the page answers in between; records the time spent building.
    async fn build_search_index(self) {
        let mut building = 0.0;
        loop {
            let before = perf::now();
            let done = self.with_data_mut(|d| d.query.build_index_some(d.replica.archive(), INDEX_SLICE));
            building += perf::now() - before;
            if done != Some(false) {
                break;
            }
            pause(0).await;
        }
        perf::record("load:search-index", building);
    }

    /// The write path (its chunk loads with the first write, see `engine`), with every record
    /// kind decoded: the first load leaves the kinds the customer list does not need as stored
    /// bytes, and the write path reads them before anything is applied, written or taken in.
    pub async fn engine(&self) -> Result<&'static dyn Engine, super::areas::LoadFailed> {
        if !self.read_deals().await {
            return Err(super::areas::LoadFailed);
        }
        #[cfg(feature = "split")]
        let engine = super::engine::write_engine().await?;
        #[cfg(not(feature = "split"))]
        let engine = super::engine::write_engine()?;
        let decoded =
            self.with_data_mut(|d| d.replica.has_deferred().then(|| engine.decode_rest(&mut d.replica))).flatten();
        match decoded {
            Some(Ok(changes)) => {
                self.bump(&changes);
                self.complete.set(true);
            }
            Some(Err(e)) => {
                self.show_store_error(&e);
                return Err(super::areas::LoadFailed);
            }
            None => {}
        }
        Ok(engine)
    }

    /// Reads and decodes the deals the first load left for later (nothing once they are in):
    /// right after the first paint, before a page that reads them is built, and before anything
    /// is written or taken in. Their bodies come from the first read's transaction, so they are
    /// as of the same moment as the rest. One task reads them; other callers wait for it. False
    /// if they could not be read (told to the user; nothing is written then).
    pub fn read_deals(&self) -> impl Future<Output = bool> + Send + 'static {
        let state = *self;
        let start = state.with_data(|d| d.replica.awaits_later()) == Some(true)
            && state.later.try_update_value(|l| !std::mem::replace(&mut l.started, true)) == Some(true);
        if start {
            leptos::task::spawn_local(async move {
                let ok = state.take_later().await;
                let waiting = state.later.try_update_value(|l| {
                    l.ended = Some(ok);
                    std::mem::take(&mut l.waiting)
                });
                waiting.into_iter().flatten().for_each(std::task::Waker::wake);
            });
        }
        std::future::poll_fn(move |cx| {
            if state.with_data(|d| d.replica.awaits_later()) != Some(true) {
                state.decode_deals();
                return std::task::Poll::Ready(true);
            }
            match state.later.try_update_value(|l| {
                l.waiting.push(cx.waker().clone());
                l.ended
            }) {
                Some(Some(false)) | None => std::task::Poll::Ready(false),
                _ => std::task::Poll::Pending,
            }
        })
    }

    /// The read of `read_deals`: the bodies handed to the replica.
    async fn take_later(&self) -> bool {
        let started = perf::now();
        let Some(backend) = self.backend.try_get_value().flatten() else { return false };
        let later = crate::store::Backend::load_later(&*backend).await;
        let taken = later.and_then(|later| self.with_data_mut(|d| d.replica.take_later(later)).unwrap_or(Ok(())));
        if let Err(e) = taken {
            self.show_store_error(&e);
            return false;
        }
        backend.forget_later();
        perf::record("load:deals-read", perf::now() - started);
        true
    }

    /// Decodes the deals the first load left as stored bytes (nothing once they are, or while
    /// they are still being read: see `read_deals`). A bucket that cannot be read is told; the
    /// deals then stay stored bytes, and the write path reads them with the rest (and refuses to
    /// write if it cannot).
    pub fn decode_deals(&self) {
        let started = perf::now();
        match self.with_data_mut(|d| d.replica.decode_deferred_deals()) {
            Some(Ok(changes)) if !changes.is_empty() => {
                self.bump(&changes);
                perf::record("load:deals", perf::now() - started);
            }
            Some(Err(e)) => self.show_store_error(&e),
            _ => {}
        }
    }

    /// Waits until every record kind is decoded (pages that read the kinds the first load leaves
    /// for later call it when they open; their views update when the kinds arrive).
    pub async fn full(&self) {
        if self.with_data(|d| d.replica.has_deferred()) == Some(true) {
            let _ = self.engine().await;
        }
    }

    /// `engine`, telling the user if it could not be loaded (nothing was changed; what they typed
    /// stays on the page).
    async fn engine_or_say(&self) -> Result<&'static dyn Engine, ActionError> {
        self.engine().await.map_err(|_| {
            self.show_toast(self.t(crate::i18n::Msg::AreaLoadFailed).to_owned(), true, None);
            ActionError::Store(StoreError::Unavailable("the write path did not load".into()))
        })
    }

    /// Runs one user action: applies it at once (the page updates), writes it, and takes it back
    /// with a message if the write fails. A domain error (an invalid field) returns before
    /// anything changed.
    pub async fn execute(&self, command: Command) -> Result<Saved, ActionError> {
        self.execute_with_files(command, Vec::new(), false).await
    }

    /// `execute`, with attached files (key, stored value) written in the same transaction
    /// (`replace_files`: instead of every stored file, as a restore does).
    pub async fn execute_with_files(
        &self,
        command: Command,
        files: Vec<(String, Vec<u8>)>,
        replace_files: bool,
    ) -> Result<Saved, ActionError> {
        let unavailable = || ActionError::Store(StoreError::Unavailable("not loaded".into()));
        if self.stale.get_untracked() {
            self.show_store_error(&StoreError::Newer);
            return Err(ActionError::Store(StoreError::Newer));
        }
        let engine = self.engine_or_say().await?;
        let started = perf::now();
        let now = clock::now();
        let (offset, user) = (clock::offset_at(now), self.user.get_untracked());
        let with_files = !files.is_empty();
        let applied = self
            .with_data_mut(|d| {
                let applied = engine.apply(&mut d.replica, command, &user, now, offset, files, replace_files);
                if let Ok((_, changes)) = &applied {
                    d.query.note_changes(d.replica.archive(), changes);
                }
                applied
            })
            .ok_or_else(unavailable)?;
        let (ticket, changes) = applied.map_err(ActionError::Domain)?;
        self.bump(&changes);
        perf::record("action:apply", perf::now() - started);
        loop {
            if let Some(outcome) = self.with_data_mut(|d| d.replica.take_outcome(ticket)).flatten() {
                perf::record("action:total", perf::now() - started);
                return self.settle(outcome, with_files);
            }
            self.flush().await;
        }
    }

    /// Large changes (imports, restores), given as one or more commands that succeed or fail
    /// together: each applied with a pause after it, so the page can paint, then written as one
    /// transaction. `files`, if given, replace every attached file in it (a restore).
    pub async fn execute_staged(
        &self,
        commands: Vec<Command>,
        files: Option<Vec<(String, Vec<u8>)>>,
    ) -> Result<Saved, ActionError> {
        let engine = self.engine_or_say().await?;
        let count = commands.len();
        let mut last = None;
        let mut files = files;
        for (i, command) in commands.into_iter().enumerate() {
            let replace = files.is_some() && i + 1 == count;
            let attached = if i + 1 == count { files.take().unwrap_or_default() } else { Vec::new() };
            let now = clock::now();
            let user = self.user.get_untracked();
            let applied = self.with_data_mut(|d| {
                engine.apply(&mut d.replica, command, &user, now, clock::offset_at(now), attached, replace)
            });
            match applied {
                Some(Ok((ticket, changes))) => {
                    self.with_data_mut(|d| d.query.note_changes(d.replica.archive(), &changes));
                    self.bump(&changes);
                    last = Some(ticket);
                }
                Some(Err(e)) => return Err(ActionError::Domain(e)),
                None => return Err(ActionError::Store(StoreError::Unavailable("not loaded".into()))),
            }
            pause(0).await;
        }
        let Some(ticket) = last else { return Ok(Saved::default()) };
        loop {
            if let Some(outcome) = self.with_data_mut(|d| d.replica.take_outcome(ticket)).flatten() {
                return self.settle(outcome, false);
            }
            self.flush().await;
        }
    }

    /// What a settled command means for the user: saved (and what it replaced), refused, failed.
    fn settle(&self, outcome: Outcome, with_files: bool) -> Result<Saved, ActionError> {
        match outcome {
            Outcome::Saved(saved) => {
                if with_files {
                    self.files_written.update(|n| *n += 1);
                }
                Ok(saved)
            }
            Outcome::Refused(e) => {
                let lang = self.lang.get_untracked();
                self.show_toast(lang.refused_meanwhile(&lang.domain_error(&e)), true, None);
                Err(ActionError::Refused(e))
            }
            // The flush already told the user.
            Outcome::Failed(e) => Err(ActionError::Store(e)),
        }
    }

    /// A superseded value's field, named as its record's form names it.
    pub fn field_label(&self, lost: &Superseded) -> String {
        self.lang.get_untracked().field_label(lost.kind, &lost.field).to_owned()
    }

    /// Writes everything applied and not yet saved (if a write is under way, waits for it; the
    /// caller looks again whether its command was in it).
    async fn flush(&self) {
        let Some(writing) = self.writing.try_get_value() else { return };
        if writing.busy {
            while self.writing.try_get_value().is_some_and(|w| w.busy) {
                pause(1).await;
            }
            return;
        }
        let Some(backend) = self.backend.try_get_value().flatten() else { return };
        let Ok(engine) = self.engine().await else { return };
        self.writing.update_value(|w| w.busy = true);
        if take_test_failure_flag() {
            backend.fail_next_write_at_put(0);
        }
        let before = self.with_data(|d| d.replica.seen()).unwrap_or(0);
        let started = perf::now();
        let flushed = engine.flush(&backend, &Holding(*self)).await;
        perf::record(if flushed.replaced { "save:replace-all" } else { "save:commit" }, perf::now() - started);
        perf::record_count("save:bytes", flushed.bytes);
        if self.writing.try_update_value(|w| w.busy = false).is_some() {
            self.after_write(&flushed, before);
        }
    }

    /// Tells the user what a write or catch-up brought, other tabs that something was saved, and
    /// takes in what other tabs saved meanwhile.
    fn after_write(&self, flushed: &Flushed, seen_before: u64) {
        if let Some(e) = &flushed.error {
            self.show_store_error(e);
        }
        self.tell_notices(&flushed.caught.notices);
        let seen = self.with_data(|d| d.replica.seen()).unwrap_or(0);
        if seen > seen_before && flushed.error.is_none() {
            if let Some(channel) = self.channel.get_value() {
                let _ = channel.post_message(&JsValue::from_f64(seen as f64));
            }
        }
        if self.writing.get_value().catch_up {
            self.writing.update_value(|w| w.catch_up = false);
            let state = *self;
            leptos::task::spawn_local(async move { state.catch_up().await });
        }
    }

    fn tell_notices(&self, notices: &[Notice]) {
        let lang = self.lang.get_untracked();
        for notice in notices {
            let text = match notice {
                Notice::Superseded(lost) => {
                    let record = self.record_name(lost.kind, lost.record);
                    lang.yours_replaced(&self.field_label(lost), &record, &lost.won_by, &lost.value)
                }
                Notice::Unreadable { what } => lang.unreadable_change(what),
            };
            self.show_toast(text, false, None);
        }
    }

    /// A record's name as the user knows it (a customer's, a deal's title).
    pub fn record_name(&self, kind: RecordKind, id: uuid::Uuid) -> String {
        let lang = self.lang.get_untracked();
        self.with_data(|d| match kind {
            RecordKind::Customer | RecordKind::AllotmentUsage => d.archive().customers.get(id).map(|c| c.name.clone()),
            RecordKind::Deal | RecordKind::DealCategory => d.archive().deals.get(id).map(|x| x.title.clone()),
            RecordKind::Rep | RecordKind::RepProfile => d.archive().reps.get(id).map(|r| r.name.clone()),
            RecordKind::Target
            | RecordKind::QuotaSettings
            | RecordKind::IncentiveRule
            | RecordKind::PayoutStatement
            | RecordKind::Evaluation
            | RecordKind::AllotmentRule => Some(lang.t(Msg::NavQuotas).to_owned()),
            RecordKind::Team => d.archive().teams.get(id).map(|t| t.name.clone()),
            RecordKind::Pipeline => Some(lang.t(Msg::NavPipeline).to_owned()),
            RecordKind::ForecastPlan | RecordKind::ForecastSnapshot => Some(lang.t(Msg::NavForecast).to_owned()),
            RecordKind::Superseded => None,
        })
        .flatten()
        .unwrap_or_default()
    }

    /// Takes in what other tabs saved (they said so on the channel, or this tab came back to
    /// the front). Waits for a write under way: that write takes them in itself.
    pub async fn catch_up(&self) {
        // (A copy whose page has closed hears nothing more.)
        let Some(writing) = self.writing.try_get_value() else { return };
        if writing.busy {
            self.writing.update_value(|w| w.catch_up = true);
            return;
        }
        let Some(backend) = self.backend.try_get_value().flatten() else { return };
        // Not loaded (offline before it was cached): the next save heard, or coming back to the
        // front, tries again.
        let Ok(engine) = self.engine().await else { return };
        self.writing.update_value(|w| w.busy = true);
        let started = perf::now();
        let flushed = engine.catch_up(&backend, &Holding(*self)).await;
        if !flushed.changed.is_empty() {
            perf::record("sync:catch-up", perf::now() - started);
        }
        if self.writing.try_update_value(|w| w.busy = false).is_none() {
            return;
        }
        if backend.is_stale() {
            self.stale.set(true);
        }
        match &flushed.error {
            Some(StoreError::Newer) => self.stale.set(true),
            Some(e) => self.show_store_error(e),
            None => {}
        }
        self.tell_notices(&flushed.caught.notices);
        // Commands applied while it ran are written now.
        if self.with_data(|d| d.replica.has_pending()).unwrap_or(false) {
            self.flush().await;
        }
    }

    /// Hears other tabs' saves, and looks again when this tab comes back to the front (a tab in
    /// the background may have been frozen and missed a message). For the page's lifetime.
    fn listen_to_other_tabs(&self) {
        let state = *self;
        let Ok(channel) = web_sys::BroadcastChannel::new(CHANNEL) else { return };
        let heard = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| {
            leptos::task::spawn_local(async move { state.catch_up().await });
        });
        channel.set_onmessage(Some(heard.as_ref().unchecked_ref()));
        heard.forget();
        let _ = self.channel.try_set_value(Some(channel));
        let visible = Closure::<dyn Fn()>::new(move || {
            if document().visibility_state() == web_sys::VisibilityState::Visible {
                leptos::task::spawn_local(async move { state.catch_up().await });
            }
        });
        let _ = document().add_event_listener_with_callback("visibilitychange", visible.as_ref().unchecked_ref());
        visible.forget();
    }

    /// The stored values whose keys start with `prefix` (a deal's attached files).
    pub async fn load_files(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let backend = self.backend.get_value().ok_or(StoreError::Unavailable("not loaded".into()))?;
        crate::store::Backend::load_prefix(&*backend, prefix).await
    }

    /// An id for an entry the user is about to add (its files are keyed by it before it is saved).
    pub fn new_entry_id(&self) -> crate::domain::EntryId {
        let now = clock::now();
        let stamp = self.with_data_mut(|d| d.replica.stamp(now));
        crate::domain::EntryId::new(stamp.unwrap_or_default(), 0)
    }

    /// Says a command was saved (and, if it replaced a value someone else saved meanwhile,
    /// whose, which is kept), with an undo that takes it back.
    pub fn toast_with_undo(&self, text: String, saved: &Saved, done: String) {
        let undo = saved.undo.clone().map(|token| UndoAction { token, done });
        // Every field whose value someone else saved meanwhile is named, one sentence each.
        let lang = self.lang.get_untracked();
        let mut text = text;
        for lost in &saved.superseded {
            let replaced = lang.replaced_theirs(&lost.by, &self.field_label(lost), &lost.value);
            let stop = match (lang.is_zh(), text.ends_with(['。', '.'])) {
                (_, true) => {
                    if lang.is_zh() {
                        ""
                    } else {
                        " "
                    }
                }
                (true, false) => "。",
                (false, false) => ". ",
            };
            text = format!("{text}{stop}{replaced}");
        }
        self.show_toast(text, false, undo);
    }

    /// Runs the time rules again if the date changed since they last ran (the app calls this
    /// every minute while it is open).
    pub fn check_new_day(self) {
        let today = clock::today().date;
        if self.load.get_untracked() == LoadState::Ready
            && self.rules_day.try_get_value().flatten().is_some_and(|day| day != today)
        {
            // What depends on today (closing soon, overdue, idle days) is looked at again.
            let mut all = ChangeSet::default();
            all.replaced_all = true;
            self.bump(&all);
            self.apply_time_rules();
        }
    }

    /// On opening, and on each new day while open: writes the default pipeline on first run (in
    /// the user's language), then closes deals past their close date and grace, and says so,
    /// and shows the day's reminders as a notification if the user allowed them.
    fn apply_time_rules(self) {
        let today = clock::today();
        self.rules_day.set_value(Some(today.date));
        leptos::task::spawn_local(async move {
            let lang = self.lang.get_untracked();
            // Rules that write need the write path; if it cannot be loaded now, they run next time.
            let writes = self.with_data(|d| {
                let archive = d.archive();
                archive.pipeline().is_none_or(|p| archive.deals.live().any(|x| p.has_expired(x, today.date)))
            });
            if writes == Some(true) && self.engine().await.is_err() {
                super::notify::remind(self, false);
                return;
            }
            let first_run = self.with_data(|d| d.archive().pipeline().is_none()) == Some(true);
            if first_run && self.execute(Command::SetUpPipeline { chinese: lang.is_zh() }).await.is_err() {
                return;
            }
            let expiring = self
                .with_data(|d| {
                    let archive = d.archive();
                    archive.pipeline().is_some_and(|p| archive.deals.live().any(|x| p.has_expired(x, today.date)))
                })
                .unwrap_or(false);
            if expiring {
                if let Ok(saved) = self.execute(Command::ExpireDeals { today: today.date }).await {
                    let n = saved.changes.ids(RecordKind::Deal).len();
                    if n > 0 {
                        self.show_toast(lang.expired_toast(n), false, None);
                    }
                }
            }
            super::notify::remind(self, false);
        });
    }
}

/// End-to-end tests set `window.pocketFailNextWrite = true` to make the next write fail inside
/// IndexedDB, so they can see what the user is told and that nothing was lost.
fn take_test_failure_flag() -> bool {
    let key = JsValue::from_str("pocketFailNextWrite");
    let set = js_sys::Reflect::get(&window(), &key).map(|v| v.is_truthy()).unwrap_or(false);
    if set {
        let _ = js_sys::Reflect::set(&window(), &key, &JsValue::FALSE);
    }
    set
}
