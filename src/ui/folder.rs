//! Team sync through a folder the team's cloud drive syncs, with the File System Access API
//! (Chromium: Chrome, Edge): this device's change files are written into the folder and the
//! other devices' files in it are taken in (`sync::folder` says which), in rounds while the app
//! is open. Every device writes only files of its own, so no file is ever written by two.
//!
//! The folder's handle is kept in IndexedDB (`store::folder`) and its name in localStorage, so
//! the app's start knows, without loading this area, that a folder is in use. After a restart
//! the browser may want the person to allow access again (a click); until then the card says so.
//! One tab of the browser does the rounds (a Web Lock), so two tabs never write the same file.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    FileSystemDirectoryHandle, FileSystemFileHandle, FileSystemGetFileOptions, FileSystemWritableFileStream,
};

use crate::store::folder::FolderStore;
use crate::sync::changes::CameIn;
use crate::sync::folder::{to_take, Listed, Seen};
use crate::ui::clock;
use crate::ui::locks::{hold, lock};
use crate::ui::state::{pause, AppState};
use crate::ui::team::{next_change_file, take_in_file, SERIES_LOCK};

/// localStorage: the name of the folder in use (none: no folder).
pub const FOLDER_KEY: &str = "pocket.folder";
const LOCK_NAME: &str = "pocket-crm-folder";
/// How often the folder is read for teammates' files.
const READ_EVERY_MS: u32 = 30_000;
/// How often, at most, this device's changes go into a new file ("Sync now" writes at once).
const WRITE_EVERY_MS: f64 = 120_000.0;
const PROBLEMS_KEPT: usize = 10;

/// Where the folder's rounds stand.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    Working,
    Synced,
    /// The browser wants the person to allow access to the folder again.
    PermissionNeeded,
    OtherTab,
    Failed(Fault),
}

/// Why a round failed.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// The folder was moved or deleted.
    Gone,
    Denied,
    /// The disk is full: the file was not written.
    Full,
    Other(String),
}

/// What the card shows of the folder.
#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    pub phase: Phase,
    /// The folder's name.
    pub folder: String,
    /// When the last round ended (ms since 1970), the records it wrote, the files it took in.
    pub last: Option<i64>,
    pub wrote: usize,
    pub took: usize,
    /// The files not taken in since the page opened (the latest `PROBLEMS_KEPT`), in words: a
    /// file that can never be taken in is said once, and stays listed.
    pub problems: Vec<String>,
    /// Rounds ended since the page opened.
    pub rounds: u32,
}

/// The folder in use.
pub struct Live {
    pub status: RwSignal<Status>,
    handle: FileSystemDirectoryHandle,
    stop: Rc<Cell<bool>>,
    /// Set by "Sync now" and "Allow access": a round now, writing this device's changes.
    nudged: Rc<Cell<bool>>,
}

thread_local! {
    static LIVE: std::cell::RefCell<Option<Rc<Live>>> = const { std::cell::RefCell::new(None) };
}

/// The folder in use, once its rounds started.
pub fn live() -> Option<Rc<Live>> {
    LIVE.with(|l| l.borrow().clone())
}

/// Whether this browser can use a folder (the File System Access API's directory picker).
pub fn supported() -> bool {
    let picker = web_sys::window().and_then(|w| js_sys::Reflect::get(&w, &"showDirectoryPicker".into()).ok());
    picker.is_some_and(|p| p.is_function())
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Lets the person pick the folder, keeps it and starts its rounds. Ok(false): they cancelled.
pub async fn choose(state: AppState) -> Result<bool, Fault> {
    let window = web_sys::window().ok_or_else(|| Fault::Other("no window".into()))?;
    let picker: js_sys::Function = js_sys::Reflect::get(&window, &"showDirectoryPicker".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| Fault::Other("showDirectoryPicker".into()))?;
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"id".into(), &"pocket-crm".into());
    let _ = js_sys::Reflect::set(&options, &"mode".into(), &"readwrite".into());
    let picked = picker.call1(&window, &options).map_err(|e| fault_of(&e))?;
    let handle = match JsFuture::from(js_sys::Promise::from(picked)).await {
        Ok(handle) => handle,
        Err(e) if error_name(&e) == "AbortError" => return Ok(false),
        Err(e) => return Err(fault_of(&e)),
    };
    let store = FolderStore::open().await.map_err(|e| stored(state, &e))?;
    store.set_handle(&handle).await.map_err(|e| stored(state, &e))?;
    let handle: FileSystemDirectoryHandle = handle.unchecked_into();
    if let Some(s) = storage() {
        let _ = s.set_item(FOLDER_KEY, &handle.name());
    }
    stop();
    start(state, handle, store, Seen::default());
    Ok(true)
}

/// Starts the rounds with the folder chosen before (the app's start, or the team page opened).
pub fn resume(state: AppState) {
    if live().is_some() || storage().and_then(|s| s.get_item(FOLDER_KEY).ok().flatten()).is_none() {
        return;
    }
    leptos::task::spawn_local(async move {
        let Ok(store) = FolderStore::open().await else { return };
        match store.load().await {
            Ok((Some(handle), seen)) if live().is_none() => start(state, handle.unchecked_into(), store, seen),
            Ok((None, _)) => forget_name(),
            _ => {}
        }
    });
}

/// Asks the browser for access to the folder again (from a click), then syncs.
pub async fn allow() {
    if let Some(live) = live() {
        if permission(&live.handle, true).await {
            live.nudged.set(true);
        }
    }
}

/// Puts a change file saved as a download into the folder too, when one is in use and may be
/// written (the file is in the series the folder's files are in, so teammates who read the
/// folder get it). Err: what to tell.
pub async fn also_write(name: &str, bytes: &[u8]) -> Result<(), Fault> {
    match live() {
        Some(live) if permission(&live.handle, false).await => write_file(&live.handle, name, bytes).await,
        _ => Ok(()),
    }
}

/// A round now, writing this device's changes.
pub fn nudge() {
    if let Some(live) = live() {
        live.nudged.set(true);
    }
}

/// Stops using the folder (its files stay as they are).
pub async fn stop_using() {
    stop();
    forget_name();
    if let Ok(store) = FolderStore::open().await {
        let _ = store.forget().await;
    }
}

fn forget_name() {
    if let Some(s) = storage() {
        let _ = s.remove_item(FOLDER_KEY);
    }
}

fn stop() {
    if let Some(live) = LIVE.with(|l| l.borrow_mut().take()) {
        live.stop.set(true);
    }
}

fn start(state: AppState, handle: FileSystemDirectoryHandle, store: FolderStore, seen: Seen) {
    let status = Status {
        phase: Phase::Working,
        folder: handle.name(),
        last: None,
        wrote: 0,
        took: 0,
        problems: Vec::new(),
        rounds: 0,
    };
    let live =
        Rc::new(Live { status: RwSignal::new(status), handle, stop: Rc::default(), nudged: Rc::new(Cell::new(true)) });
    LIVE.with(|l| *l.borrow_mut() = Some(live.clone()));
    leptos::task::spawn_local(run(live, state, store, seen));
}

/// The rounds, until stopped: one at once (writing), then every half minute (writing at most
/// every two minutes) or when nudged.
async fn run(live: Rc<Live>, state: AppState, store: FolderStore, mut seen: Seen) {
    let other_tab = || live.status.update(|s| s.phase = Phase::OtherTab);
    let Some(lock) = hold(LOCK_NAME, &live.stop, 1_000, other_tab).await else { return };
    let mut last_write = f64::NEG_INFINITY;
    while !live.stop.get() {
        if !permission(&live.handle, false).await {
            live.status.update(|s| s.phase = Phase::PermissionNeeded);
            // Until "Allow access" (or "Sync now") asks again.
            live.nudged.set(false);
            wait(&live, u32::MAX).await;
            continue;
        }
        let now = crate::ui::perf::now();
        let write = live.nudged.replace(false) || now - last_write >= WRITE_EVERY_MS;
        live.status.update(|s| s.phase = Phase::Working);
        match round(&live, state, &store, &mut seen, write).await {
            Ok(done) => {
                if write {
                    last_write = now;
                }
                live.status.update(|s| {
                    (s.phase, s.last, s.wrote, s.took) = (Phase::Synced, Some(clock::now().0), done.wrote, done.took);
                    s.problems.retain(|p| !done.problems.contains(p));
                    s.problems.extend(done.problems);
                    let extra = s.problems.len().saturating_sub(PROBLEMS_KEPT);
                    s.problems.drain(..extra);
                });
            }
            Err(fault) => live.status.update(|s| s.phase = Phase::Failed(fault)),
        }
        live.status.update(|s| s.rounds += 1);
        wait(&live, READ_EVERY_MS).await;
    }
    drop(lock);
}

/// Waits `ms`, or until nudged or stopped.
async fn wait(live: &Live, ms: u32) {
    let mut waited = 0;
    while waited < ms && !live.stop.get() && !live.nudged.get() {
        pause(250).await;
        waited = waited.saturating_add(250);
    }
}

/// What a round did.
struct Done {
    wrote: usize,
    took: usize,
    problems: Vec<String>,
}

/// Writes this device's changes since its last file (when `write`), then takes in the files of
/// other devices not taken in before.
async fn round(live: &Live, state: AppState, store: &FolderStore, seen: &mut Seen, write: bool) -> Result<Done, Fault> {
    let mut wrote = 0;
    if write {
        // One file of the series at a time, whichever tab or button makes it.
        let _series = lock(SERIES_LOCK).await;
        if let Some(file) = next_change_file(state).await.map_err(Fault::Other)? {
            write_file(&live.handle, &file.file_name, &file.bytes).await?;
            state.set_change_series(file.series);
            wrote = file.count;
        }
    }
    let (files, mut problems) = list(state, &live.handle).await?;
    let listed: Vec<Listed> = files.iter().map(|(l, _)| l.clone()).collect();
    let mine = state.device().to_string();
    let mut taken: Vec<CameIn> = Vec::new();
    let seen_before = seen.clone();
    for wanted in to_take(&listed, &mine, &seen_before) {
        let Some((_, file)) = files.iter().find(|(l, _)| l == wanted) else { continue };
        match take_in_file(state, file).await {
            Ok(came) => {
                taken.insert(0, came);
                seen.insert(wanted);
            }
            Err(refused) => {
                if refused.for_good {
                    seen.insert(wanted);
                }
                problems.push(refused.said);
            }
        }
    }
    if *seen != seen_before {
        store.set_seen(seen).await.map_err(|e| stored(state, &e))?;
    }
    let took = taken.len();
    if took > 0 {
        state.note_came_in(taken);
    }
    Ok(Done { wrote, took, problems })
}

/// The change files' candidates in the folder, each with what it is now, and what to say of
/// those that could not be opened (a drive holding one, a placeholder not yet downloaded: tried
/// again next round). Files whose names are no change file's are not opened.
async fn list(
    state: AppState,
    folder: &FileSystemDirectoryHandle,
) -> Result<(Vec<(Listed, web_sys::File)>, Vec<String>), Fault> {
    let entries = folder.values();
    let (mut out, mut problems) = (Vec::new(), Vec::new());
    loop {
        let next = JsFuture::from(entries.next().map_err(|e| fault_of(&e))?).await.map_err(|e| fault_of(&e))?;
        if js_sys::Reflect::get(&next, &"done".into()).ok().is_some_and(|d| d.is_truthy()) {
            return Ok((out, problems));
        }
        let entry = js_sys::Reflect::get(&next, &"value".into()).map_err(|e| fault_of(&e))?;
        let Ok(handle) = entry.dyn_into::<FileSystemFileHandle>() else { continue };
        if crate::sync::changes::FileName::parse(&handle.name()).is_none() {
            continue;
        }
        match JsFuture::from(handle.get_file()).await {
            Ok(file) => {
                let file: web_sys::File = file.unchecked_into();
                let listed =
                    Listed { name: file.name(), size: file.size() as u64, modified: file.last_modified() as i64 };
                out.push((listed, file));
            }
            Err(e) => {
                let why = error_message(&e);
                problems.push(state.lang.get_untracked().not_a_change_file(&handle.name(), &why));
            }
        }
    }
}

/// Writes a file into the folder. The browser writes it aside and puts it in place when closed,
/// so a drive never syncs half a file.
async fn write_file(folder: &FileSystemDirectoryHandle, name: &str, bytes: &[u8]) -> Result<(), Fault> {
    let options = FileSystemGetFileOptions::new();
    options.set_create(true);
    let handle: FileSystemFileHandle = JsFuture::from(folder.get_file_handle_with_options(name, &options))
        .await
        .map_err(|e| fault_of(&e))?
        .unchecked_into();
    let writer: FileSystemWritableFileStream =
        JsFuture::from(handle.create_writable()).await.map_err(|e| fault_of(&e))?.unchecked_into();
    let written = async {
        JsFuture::from(writer.write_with_u8_array(bytes)?).await?;
        JsFuture::from(writer.close()).await
    };
    if let Err(e) = written.await {
        let _ = JsFuture::from(writer.abort()).await;
        return Err(fault_of(&e));
    }
    Ok(())
}

/// Whether the page may read and write the folder; `ask`: ask the person (from a click) when
/// it may not yet.
async fn permission(handle: &FileSystemDirectoryHandle, ask: bool) -> bool {
    let method = if ask { "requestPermission" } else { "queryPermission" };
    let Some(call) =
        js_sys::Reflect::get(handle, &method.into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return true;
    };
    let descriptor = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&descriptor, &"mode".into(), &"readwrite".into());
    let Ok(promise) = call.call1(handle, &descriptor) else { return false };
    let answer = JsFuture::from(js_sys::Promise::from(promise)).await;
    answer.ok().and_then(|a| a.as_string()).as_deref() == Some("granted")
}

/// The folder's own IndexedDB failing, in the person's language.
fn stored(state: AppState, error: &crate::store::StoreError) -> Fault {
    Fault::Other(state.lang.get_untracked().store_error(error))
}

fn error_name(error: &JsValue) -> String {
    js_sys::Reflect::get(error, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default()
}

/// What a File System Access error means for the person.
fn fault_of(error: &JsValue) -> Fault {
    match error_name(error).as_str() {
        "NotFoundError" => Fault::Gone,
        "NotAllowedError" | "SecurityError" => Fault::Denied,
        "QuotaExceededError" => Fault::Full,
        _ => Fault::Other(error_message(error)),
    }
}

fn error_message(error: &JsValue) -> String {
    let message = js_sys::Reflect::get(error, &"message".into()).ok().and_then(|m| m.as_string());
    message.unwrap_or_else(|| format!("{error:?}"))
}
