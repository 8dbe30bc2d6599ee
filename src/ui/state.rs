//! The one app state, provided once as context: the replica of the store with its query indexes,
//! the settings, the current route, messages, and a change signal per record kind (a view that
//! reads customers re-runs when customers change, not on every edit of anything). Running
//! commands, writing them and hearing of other tabs' changes are in `actions`.

use std::rc::Rc;

use gloo_storage::{LocalStorage as Settings, Storage};
use leptos::prelude::*;

use super::route::Route;
use crate::domain::query::CustomerQuery;
use crate::domain::{Archive, ChangeSet, DeviceId, PerKind, RecordKind};
use crate::i18n::{Lang, Msg};
use crate::store::idb::IdbBackend;
use crate::store::{Replica, StoreError};

const KEY_LANG: &str = "pocket.lang";
const KEY_USER: &str = "pocket.user";
const KEY_DEVICE: &str = "pocket.device";
const KEY_LAST_VIEW: &str = "pocket.lastView";
const KEY_LAST_BACKUP: &str = "pocket.lastBackup";
const KEY_IMPORT_MAPPING: &str = "pocket.importMapping";
const KEY_NOTIFIED: &str = "pocket.notifiedOn";
/// This device's series of change files (`sync::changes::Series`, JSON).
const KEY_SERIES: &str = "pocket.changeSeries";
/// The change files taken in, newest first (`sync::changes::CameIn`, a JSON list).
const KEY_CAME_IN: &str = "pocket.cameIn";
/// Which of the book's people uses this device (a rep's id).
const KEY_ME: &str = "pocket.me";
/// How many taken-in files the list keeps.
const CAME_IN_KEPT: usize = 100;
/// The settings a backup carries (the last view, backup time and device belong to this browser).
const BACKED_UP_SETTINGS: [&str; 2] = [KEY_LANG, KEY_USER];

/// This tab's copy of the store and what is derived from it, kept together so they never disagree.
pub struct Data {
    pub replica: Replica,
    pub query: CustomerQuery,
}

impl Data {
    pub fn archive(&self) -> &Archive {
        self.replica.archive()
    }
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

/// What the message's undo button takes back: a saved command, with the text to show after.
#[derive(Clone, Debug, PartialEq)]
pub struct UndoAction {
    pub token: crate::domain::UndoToken,
    pub done: String,
}

/// Whether a write is under way, and whether other tabs' changes wait to be taken in after it.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Writing {
    pub busy: bool,
    pub catch_up: bool,
}

/// The deals' bodies the first read hands over after the rest (see `AppState::read_deals`): read
/// once, by one task; whoever needs them meanwhile waits for it.
#[derive(Debug, Default)]
pub(crate) struct LaterRead {
    pub started: bool,
    /// How the read ended (None: under way or not started).
    pub ended: Option<bool>,
    pub waiting: Vec<std::task::Waker>,
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub lang: RwSignal<Lang>,
    pub user: RwSignal<String>,
    pub route: RwSignal<Route>,
    pub load: RwSignal<LoadState>,
    pub toast: RwSignal<Option<Toast>>,
    /// Bumped after attached files were written; pages showing files read them again.
    pub files_written: RwSignal<u64>,
    /// Another tab opened a newer version: this page must be reloaded and saves nothing.
    pub stale: RwSignal<bool>,
    /// Bumped when records of a kind change (here or in another tab).
    changed: PerKind<RwSignal<u64>>,
    /// Every record kind is decoded (the first load leaves some as stored bytes, see
    /// `AppState::full`): a decision that needs all records of those kinds waits for it.
    pub complete: RwSignal<bool>,
    pub data: StoredValue<Option<Data>>,
    pub(crate) backend: StoredValue<Option<Rc<IdbBackend>>, LocalStorage>,
    pub(crate) channel: StoredValue<Option<web_sys::BroadcastChannel>, LocalStorage>,
    pub(crate) writing: StoredValue<Writing>,
    pub(crate) later: StoredValue<LaterRead>,
    /// The day the time rules (expiry, reminders) last ran: a tab left open runs them again
    /// when the date changes.
    pub(crate) rules_day: StoredValue<Option<chrono::NaiveDate>>,
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
            toast: RwSignal::new(None),
            files_written: RwSignal::new(0),
            stale: RwSignal::new(false),
            changed: RecordKind::ALL.map(|_| RwSignal::new(0)),
            complete: RwSignal::new(false),
            data: StoredValue::new(None),
            backend: StoredValue::new_local(None),
            channel: StoredValue::new_local(None),
            writing: StoredValue::new(Writing::default()),
            later: StoredValue::new(LaterRead::default()),
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

    /// This browser's device id, chosen once (it marks every change made here).
    pub fn device(&self) -> DeviceId {
        if let Some(id) = setting(KEY_DEVICE).ok().and_then(|t| DeviceId::parse(&t)) {
            return id;
        }
        let id = DeviceId(uuid::Uuid::new_v4().as_u64_pair().0 | 1);
        set_setting(KEY_DEVICE, id.to_string());
        id
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

    /// Which of the book's people uses this device (None: not said yet).
    pub fn me(&self) -> Option<uuid::Uuid> {
        setting(KEY_ME).ok().and_then(|t| t.parse().ok())
    }

    /// Says who uses this device: their id, and their name as the one recorded on every change.
    pub fn set_me(&self, id: uuid::Uuid, name: String) {
        set_setting(KEY_ME, id.to_string());
        self.set_user(name);
    }

    /// Where this device's series of change files stands (none written: the default).
    pub fn change_series(&self) -> crate::sync::changes::Series {
        setting(KEY_SERIES).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
    }

    pub fn set_change_series(&self, series: crate::sync::changes::Series) {
        set_setting(KEY_SERIES, serde_json::to_string(&series).unwrap_or_default());
    }

    /// The change files taken in on this device, newest first.
    pub fn came_in(&self) -> Vec<crate::sync::changes::CameIn> {
        setting(KEY_CAME_IN).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
    }

    /// Adds taken-in files to the front of the list (the oldest beyond a hundred go).
    pub fn note_came_in(&self, mut files: Vec<crate::sync::changes::CameIn>) {
        files.extend(self.came_in());
        files.truncate(CAME_IN_KEPT);
        set_setting(KEY_CAME_IN, serde_json::to_string(&files).unwrap_or_default());
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

    /// When the last backup was downloaded, if ever.
    /// (Whole milliseconds: parsing or printing floats would add ~15 KB to the page's wasm.)
    pub fn last_backup(&self) -> Option<crate::domain::Timestamp> {
        setting(KEY_LAST_BACKUP).ok().and_then(|v| v.parse::<i64>().ok()).map(crate::domain::Timestamp)
    }

    /// The event the import/export page sends the app's window when it marked a backup (the app's
    /// reminder looks again).
    pub const BACKED_UP_EVENT: &'static str = "pocket:backed-up";

    pub fn mark_backup(&self, at: crate::domain::Timestamp) {
        set_setting(KEY_LAST_BACKUP, at.0.to_string());
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
        self.data.try_with_value(|d| d.as_ref().map(f)).flatten()
    }

    /// Like `with_data`, and tracks the given kinds, so the caller re-runs when their records
    /// change.
    pub fn read<R>(&self, kinds: &[RecordKind], f: impl FnOnce(&Data) -> R) -> Option<R> {
        self.track(kinds);
        self.with_data(f)
    }

    /// Makes the running view or memo re-run when records of these kinds change.
    pub fn track(&self, kinds: &[RecordKind]) {
        for kind in kinds {
            self.changed[kind.index()].track();
        }
    }

    /// Tells the views reading the kinds that changed.
    pub fn bump(&self, changes: &ChangeSet) {
        for kind in changes.kinds() {
            self.changed[kind.index()].update(|n| *n += 1);
        }
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
                    if toast.try_get_untracked().flatten().is_some_and(|t| t.serial == serial) {
                        toast.set(None);
                    }
                },
                std::time::Duration::from_secs(8),
            );
        }
    }

    pub fn show_store_error(&self, error: &StoreError) {
        if *error == StoreError::Newer {
            self.stale.set(true);
        }
        self.show_toast(self.lang.get_untracked().store_error(error), true, None);
    }
}

/// Resolves once the next frame has been painted (an animation frame, then a task after it).
pub async fn after_paint() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let then = wasm_bindgen::closure::Closure::once_into_js(move || {
            let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        });
        let _ = window().request_animation_frame(wasm_bindgen::JsCast::unchecked_ref(&then));
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Lets the browser handle input (and, given a few milliseconds, paint) before the next piece
/// of work.
pub async fn pause(delay_ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, delay_ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
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
