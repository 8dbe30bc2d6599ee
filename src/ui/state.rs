//! The one app state, provided once as context: the archive with its query indexes, the store,
//! the settings, the current route, and the action runner that turns a command into one stored
//! transaction (or a clear message and no change).

use std::rc::Rc;

use gloo_storage::{LocalStorage as Settings, Storage};
use leptos::prelude::*;

use super::perf;
use super::route::Route;
use crate::domain::query::CustomerQuery;
use crate::domain::{Actor, Archive, ChangeSet, Command, DomainError, Timestamp};
use crate::i18n::{Lang, Msg};
use crate::store::idb::{IdbBackend, DB_NAME};
use crate::store::{ActionError, Applying, Backend, Decoding, Pending, Repository, StoreError, WriteBatch};

const KEY_LANG: &str = "pocket.lang";
const KEY_USER: &str = "pocket.user";
const KEY_LAST_VIEW: &str = "pocket.lastView";
const KEY_LAST_BACKUP: &str = "pocket.lastBackup";
const KEY_IMPORT_MAPPING: &str = "pocket.importMapping";
const KEY_NOTIFIED: &str = "pocket.notifiedOn";
/// The settings a backup carries (the last view and backup time belong to this browser).
const BACKED_UP_SETTINGS: [&str; 2] = [KEY_LANG, KEY_USER];

/// The archive and what is derived from it, kept together so they never disagree.
pub struct Data {
    pub archive: Archive,
    pub query: CustomerQuery,
    pub repo: Repository,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LoadState {
    Loading,
    Ready,
    Failed(StoreError),
}

/// A short message at the bottom of the screen, optionally with an undo.
#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    pub text: String,
    pub error: bool,
    pub undo: Option<UndoAction>,
    pub serial: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub enum UndoAction {
    RestoreCustomer(uuid::Uuid, String),
    /// Gives back what a batch assignment gave (each record to its owner before).
    Assign(Vec<crate::domain::Assignment>),
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub lang: RwSignal<Lang>,
    pub user: RwSignal<String>,
    pub route: RwSignal<Route>,
    pub load: RwSignal<LoadState>,
    /// Bumped after every change to the archive; views that read the archive track it.
    pub version: RwSignal<u64>,
    pub toast: RwSignal<Option<Toast>>,
    /// Bumped after attached files were written; pages showing files read them again.
    pub files_written: RwSignal<u64>,
    pub data: StoredValue<Option<Data>>,
    backend: StoredValue<Option<Rc<IdbBackend>>, LocalStorage>,
    /// The day the time rules (expiry, reminders) last ran: a tab left open runs them again
    /// when the date changes.
    rules_day: StoredValue<Option<chrono::NaiveDate>>,
}

impl AppState {
    pub fn new() -> Self {
        let lang = setting(KEY_LANG)
            .ok()
            .map(|c| Lang::from_code(&c))
            .unwrap_or_else(|| Lang::from_code(&window().navigator().language().unwrap_or_default()));
        let user = setting(KEY_USER).unwrap_or_else(|_| lang.t(Msg::DefaultUser).to_owned());
        let hash = window().location().hash().unwrap_or_default();
        let route = if hash.len() > 2 {
            Route::parse(&hash)
        } else {
            setting(KEY_LAST_VIEW).map(|h| Route::parse(&h)).unwrap_or_default()
        };
        AppState {
            lang: RwSignal::new(lang),
            user: RwSignal::new(user),
            route: RwSignal::new(route),
            load: RwSignal::new(LoadState::Loading),
            version: RwSignal::new(0),
            toast: RwSignal::new(None),
            files_written: RwSignal::new(0),
            data: StoredValue::new(None),
            backend: StoredValue::new_local(None),
            rules_day: StoredValue::new(None),
        }
    }

    pub fn t(&self, msg: impl crate::i18n::Message) -> &'static str {
        self.lang.get().t(msg)
    }

    pub fn set_lang(&self, lang: Lang) {
        self.lang.set(lang);
        set_setting(KEY_LANG, lang.code());
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", lang.code());
        }
    }

    pub fn set_user(&self, user: String) {
        set_setting(KEY_USER, &user);
        self.user.set(user);
    }

    /// Goes to a route, adding a history entry.
    pub fn navigate(&self, route: Route) {
        let hash = route.to_hash();
        let _ = window().location().set_hash(&hash);
        set_setting(KEY_LAST_VIEW, &hash);
        self.route.set(route);
    }

    /// Updates the URL to the current view without a history entry (filters while typing).
    /// The last view is saved when the page is hidden: a localStorage write per keystroke cost
    /// a millisecond each.
    pub fn replace_route(&self, route: Route) {
        let hash = route.to_hash();
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&hash));
        }
        self.route.set(route);
    }

    /// Remembers the current view, so the next visit opens where this one left off.
    pub fn save_last_view(&self) {
        set_setting(KEY_LAST_VIEW, self.route.with_untracked(|r| r.to_hash()));
    }

    /// The settings a backup holds.
    pub fn settings_for_backup(&self) -> Vec<(String, String)> {
        BACKED_UP_SETTINGS.iter().filter_map(|k| setting(k).ok().map(|v| (k.to_string(), v))).collect()
    }

    /// Puts back settings from a backup (unknown keys are ignored).
    pub fn restore_settings(&self, settings: &[(String, String)]) {
        let get = |key: &str| settings.iter().find(|(k, _)| k == key).map(|(_, v)| v);
        if let Some(user) = get(KEY_USER) {
            self.set_user(user.clone());
        }
        if let Some(lang) = get(KEY_LANG) {
            self.set_lang(Lang::from_code(lang));
        }
    }

    /// When the last backup was downloaded (ms since 1970), if ever.
    /// (Whole milliseconds: parsing or printing floats would add ~15 KB to the page's wasm.)
    pub fn last_backup(&self) -> Option<f64> {
        setting(KEY_LAST_BACKUP).ok().and_then(|v| v.parse::<i64>().ok()).map(|ms| ms as f64)
    }

    /// The event the import/export page sends the app's window when it marked a backup (the app's
    /// reminder looks again).
    pub const BACKED_UP_EVENT: &'static str = "pocket:backed-up";

    pub fn mark_backup(&self, at_ms: f64) {
        set_setting(KEY_LAST_BACKUP, (at_ms as i64).to_string());
    }

    /// The day (`2026-11-22`) the browser last showed the reminders, so they come once a day.
    pub fn notified_on(&self) -> Option<String> {
        setting(KEY_NOTIFIED).ok()
    }

    pub fn mark_notified(&self, day: &str) {
        set_setting(KEY_NOTIFIED, day);
    }

    /// The last import's column choices, as (header, field code) pairs.
    pub fn remembered_mapping(&self) -> Vec<(String, String)> {
        setting(KEY_IMPORT_MAPPING)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(h, c)| (h.to_owned(), c.to_owned()))
            .collect()
    }

    pub fn remember_mapping(&self, pairs: &[(String, String)]) {
        let text: Vec<String> = pairs.iter().map(|(h, c)| format!("{}\t{c}", h.replace(['\t', '\n'], " "))).collect();
        set_setting(KEY_IMPORT_MAPPING, text.join("\n"));
    }

    /// Reads from the loaded data; `None` until the store has loaded.
    pub fn with_data<R>(&self, f: impl FnOnce(&Data) -> R) -> Option<R> {
        self.data.with_value(|d| d.as_ref().map(f))
    }

    /// Like `with_data`, and tracks the archive version so the caller re-runs after changes.
    pub fn read<R>(&self, f: impl FnOnce(&Data) -> R) -> Option<R> {
        self.version.track();
        self.with_data(f)
    }

    pub fn with_data_mut<R>(&self, f: impl FnOnce(&mut Data) -> R) -> Option<R> {
        self.data.try_update_value(|d| d.as_mut().map(f)).flatten()
    }

    pub fn show_toast(&self, text: String, error: bool, undo: Option<UndoAction>) {
        let serial = self.toast.get_untracked().map_or(0, |t| t.serial + 1);
        self.toast.set(Some(Toast { text, error, undo, serial }));
        if !error {
            let toast = self.toast;
            set_timeout(
                move || {
                    if toast.get_untracked().is_some_and(|t| t.serial == serial) {
                        toast.set(None);
                    }
                },
                std::time::Duration::from_secs(8),
            );
        }
    }

    pub fn show_store_error(&self, error: &StoreError) {
        self.show_toast(self.lang.get_untracked().store_error(error), true, None);
    }

    /// Opens the database and loads everything, recording how long each step took; then applies
    /// the time rules (the app's own state does; the import/export page's copy leaves them to it).
    pub fn start_loading(self, time_rules: bool) {
        self.load_all(false, time_rules);
    }

    /// Loads everything again (another module of the page changed the store, e.g. an import),
    /// keeping the page as it is until the new data is there. The time rules do not run: what
    /// was restored stays as the backup had it until the next opening, so backup, restore,
    /// backup gives the same bytes.
    pub fn reload(self) {
        self.load_all(true, false);
    }

    fn load_all(self, reloading: bool, time_rules: bool) {
        leptos::task::spawn_local(async move {
            let started = perf::now();
            let opened = async {
                let backend = IdbBackend::open(DB_NAME).await?;
                perf::record("load:open", perf::now() - started);
                let segments = backend.load().await?;
                let loaded = perf::now();
                perf::record("load:read", loaded - started);
                // A reload (after an import) happens while the page is in use: read in parts.
                let mut decoding = Decoding::new(segments);
                while !decoding.decode_some(if reloading { 40 } else { usize::MAX })? {
                    pause(0).await;
                }
                if reloading {
                    pause(0).await;
                }
                let (mut repo, archive, heal) = decoding.finish();
                let decoded = perf::now();
                perf::record("load:decode", decoded - loaded);
                if let Some(flagged) = heal {
                    repo.heal(&backend, &archive, flagged).await?;
                }
                Ok::<_, StoreError>((backend, repo, archive))
            }
            .await;
            match opened {
                Ok((backend, repo, archive)) => {
                    let before_index = perf::now();
                    let mut query = CustomerQuery::default();
                    while !query.index_some(&archive, if reloading { 20_000 } else { usize::MAX }) {
                        pause(0).await;
                    }
                    if reloading {
                        pause(0).await;
                    }
                    perf::record("load:index", perf::now() - before_index);
                    perf::record_count("load:customers", archive.customers.len());
                    if let Some(old) = self.backend.get_value() {
                        old.close();
                    }
                    self.backend.set_value(Some(Rc::new(backend)));
                    self.data.set_value(Some(Data { archive, query, repo }));
                    self.version.update(|v| *v += 1);
                    // (Set only on the first load: setting it again rebuilds every page.)
                    if !reloading {
                        self.load.set(LoadState::Ready);
                        if time_rules {
                            self.apply_time_rules();
                        }
                    }
                    perf::record("load:total", perf::now() - started);
                    perf::record("load:started-at", started);
                }
                Err(e) if reloading => self.show_store_error(&e),
                Err(e) => self.load.set(LoadState::Failed(e)),
            }
        });
    }

    /// Runs the time rules again if the date changed since they last ran (the app calls this
    /// every minute while it is open).
    pub fn check_new_day(self) {
        let today = Timestamp(js_sys::Date::now() as i64).date();
        if self.load.get_untracked() == LoadState::Ready
            && self.rules_day.try_get_value().flatten().is_some_and(|day| day != today)
        {
            // What depends on today (closing soon, overdue, idle days) is looked at again.
            self.version.update(|v| *v += 1);
            self.apply_time_rules();
        }
    }

    /// On opening, and on each new day while open: writes the default pipeline on first run (in
    /// the user's language), then closes deals past their close date and grace, and says so,
    /// and shows the day's reminders as a notification if the user allowed them.
    fn apply_time_rules(self) {
        let now = Timestamp(js_sys::Date::now() as i64);
        self.rules_day.set_value(Some(now.date()));
        leptos::task::spawn_local(async move {
            let lang = self.lang.get_untracked();
            if self.with_data(|d| d.archive.pipeline().is_none()) == Some(true) {
                let pipeline =
                    crate::domain::pipeline::Pipeline::defaults(lang.is_zh(), now, &self.user.get_untracked());
                if self.execute(Command::SavePipeline(pipeline)).await.is_err() {
                    return;
                }
            }
            let today = now.date();
            let expiring = self
                .with_data(|d| {
                    d.archive.pipeline().is_some_and(|p| d.archive.deals.live().any(|x| p.has_expired(x, today)))
                })
                .unwrap_or(false);
            if expiring {
                if let Ok(changes) = self.execute(Command::ExpireDeals { today }).await {
                    self.show_toast(
                        lang.fill(crate::i18n::PipeMsg::ExpiredToast, "n", &changes.deals.len().to_string()),
                        false,
                        None,
                    );
                }
            }
            super::notify::remind(self, false);
        });
    }

    /// Runs one user action: applies it in memory at once (the page updates), writes it as one
    /// transaction, and takes it back with a message if the write fails. Domain errors (invalid
    /// fields) return before anything changes.
    pub async fn execute(&self, command: Command) -> Result<ChangeSet, ActionError> {
        self.execute_with_files(command, Vec::new()).await
    }

    /// `execute`, with attached files (key, stored value) written in the same transaction.
    pub async fn execute_with_files(
        &self,
        command: Command,
        files: Vec<(String, Vec<u8>)>,
    ) -> Result<ChangeSet, ActionError> {
        let (actor, backend) = self.begin_action()?;
        let started = perf::now();
        let prepared = self
            .with_data_mut(|d| {
                let (batch, pending) = d.repo.prepare(&mut d.archive, command, &actor)?;
                let changes = pending.changes().clone();
                d.query.note_changes(&d.archive, &changes);
                Ok::<_, DomainError>((batch, pending, changes))
            })
            .ok_or(ActionError::Store(StoreError::Unavailable("not loaded".into())))?;
        let (mut batch, pending, changes) = prepared.map_err(ActionError::Domain)?;
        let with_files = !files.is_empty();
        batch.puts.extend(files);
        self.version.update(|v| *v += 1);
        let result = self.write_and_settle(&backend, batch, pending, changes, started).await;
        if with_files && result.is_ok() {
            self.files_written.update(|n| *n += 1);
        }
        result
    }

    /// The stored values whose keys start with `prefix` (a deal's attached files).
    pub async fn load_files(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let backend = self.backend.get_value().ok_or(StoreError::Unavailable("not loaded".into()))?;
        crate::store::Backend::load_prefix(&*backend, prefix).await
    }

    /// Like `execute`, for large changes (imports, restores), given as one or more commands
    /// that succeed or fail together: the same single transaction, but the work on the page's
    /// thread is split (each command applied; segments encoded a few at a time; the indexes
    /// built in parts) with pauses in between, so the page can paint and respond. `files`, if
    /// given, replace every attached file in the same transaction (a restore).
    pub async fn execute_staged(
        &self,
        commands: Vec<Command>,
        files: Option<Vec<(String, Vec<u8>)>>,
    ) -> Result<ChangeSet, ActionError> {
        let unavailable = || ActionError::Store(StoreError::Unavailable("not loaded".into()));
        let (actor, backend) = self.begin_action()?;
        let started = perf::now();
        let mut applying = Applying::default();
        for command in commands {
            let applied =
                self.with_data_mut(|d| applying.apply(&mut d.archive, command, &actor)).ok_or_else(unavailable);
            if let Err(e) = applied.and_then(|r| r.map_err(ActionError::Domain)) {
                self.with_data_mut(|d| applying.abandon(&mut d.archive));
                return Err(e);
            }
            pause(0).await;
        }
        let mut staged = self.with_data(|d| d.repo.stage_applied(&d.archive, applying)).ok_or_else(unavailable)?;
        perf::record("staged:apply", perf::now() - started);
        loop {
            pause(0).await;
            if self.with_data(|d| staged.encode_some(&d.archive, 20)).unwrap_or(true) {
                break;
            }
        }
        let (mut batch, pending) = self.with_data(|d| staged.into_write(&d.archive)).ok_or_else(unavailable)?;
        if let Some(files) = files {
            batch.clear.push(crate::store::files::FILE_PREFIX.to_owned());
            batch.puts.extend(files);
        }
        let changes = pending.changes().clone();
        let indexing = perf::now();
        if changes.replaced_all || changes.customers.len() > 2_000 {
            // Many changes: a new index, built in parts.
            let mut query = CustomerQuery::default();
            while !self.with_data(|d| query.index_some(&d.archive, 20_000)).unwrap_or(true) {
                pause(0).await;
            }
            self.with_data_mut(|d| d.query = query);
        } else {
            self.with_data_mut(|d| d.query.note_changes(&d.archive, &changes));
        }
        perf::record("staged:index", perf::now() - indexing);
        self.version.update(|v| *v += 1);
        self.write_and_settle(&backend, batch, pending, changes, started).await
    }

    /// Who acts now, and the store to write to (armed to fail if a test asked for it).
    fn begin_action(&self) -> Result<(Actor, Rc<IdbBackend>), ActionError> {
        let actor = Actor { name: self.user.get_untracked(), now: Timestamp(js_sys::Date::now() as i64) };
        let backend =
            self.backend.get_value().ok_or(ActionError::Store(StoreError::Unavailable("not loaded".into())))?;
        if take_test_failure_flag() {
            backend.fail_next_write_at_put(0);
        }
        Ok((actor, backend))
    }

    /// Writes a prepared command's batch and keeps or takes back the command.
    async fn write_and_settle(
        &self,
        backend: &IdbBackend,
        batch: WriteBatch,
        pending: Pending,
        changes: ChangeSet,
        started: f64,
    ) -> Result<ChangeSet, ActionError> {
        let replaced = changes.replaced_all;
        let bytes = batch.bytes();
        let write_started = perf::now();
        let written = backend.write(batch).await;
        let finished = perf::now();
        perf::record(if replaced { "save:replace-all" } else { "save:commit" }, finished - write_started);
        perf::record("action:total", finished - started);
        perf::record_count("save:bytes", bytes);
        let result = self.with_data_mut(|d| {
            let result = d.repo.finish(&mut d.archive, pending, written);
            if result.is_err() {
                d.query.note_changes(&d.archive, &changes);
            }
            result
        });
        match result {
            Some(Ok(changes)) => Ok(changes),
            Some(Err(e)) => {
                self.version.update(|v| *v += 1);
                self.show_store_error(&e);
                Err(ActionError::Store(e))
            }
            None => Err(ActionError::Store(StoreError::Unavailable("not loaded".into()))),
        }
    }
}

/// Lets the browser handle input (and, given a few milliseconds, paint) before the next piece
/// of work.
pub async fn pause(delay_ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, delay_ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// End-to-end tests set `window.pocketFailNextWrite = true` to make the next write fail inside
/// IndexedDB, so they can see what the user is told and that nothing was lost.
fn take_test_failure_flag() -> bool {
    let key = wasm_bindgen::JsValue::from_str("pocketFailNextWrite");
    let set = js_sys::Reflect::get(&window(), &key).map(|v| v.is_truthy()).unwrap_or(false);
    if set {
        let _ = js_sys::Reflect::set(&window(), &key, &wasm_bindgen::JsValue::FALSE);
    }
    set
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

pub fn use_app() -> AppState {
    expect_context::<AppState>()
}

/// A text in the current language, for use in views. Every message shares this one closure
/// type, so the view code is not compiled once per message (that saved a fifth of the UI code).
pub fn tr<M: crate::i18n::Message + Send + Sync>(msg: M) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = use_app().lang;
    move || lang.get().t(msg)
}

/// Settings are plain strings under `pocket.*` keys (see `prefs`), through gloo-storage's handle
/// on localStorage (its typed get/set would bring a JSON parser into the page's wasm).
fn setting(key: &str) -> Result<String, ()> {
    Settings::raw().get_item(key).ok().flatten().map(|v| super::prefs::decode(&v)).ok_or(())
}

/// Failing to save a setting (storage full or blocked) loses only that setting.
fn set_setting(key: &str, value: impl AsRef<str>) {
    let _ = Settings::raw().set_item(key, value.as_ref());
}
