//! Team sync with no server: this device's change files saved for teammates, and theirs taken
//! in (`sync::changes`). What came in, from whom, is listed; the list and this device's series
//! of files are small settings of this browser. The files' JSON is written and read by the files
//! worker (as backups are), so the page's module holds no JSON code for records.

use std::collections::HashSet;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::domain::people::{people, Role};
use crate::domain::{Command, RecordKind};
use crate::i18n::team::TeamMsg;
use crate::i18n::Msg;
use crate::jobs::{FileJob, FileOutcome};
use crate::store::ActionError;
use crate::sync::changes::{changed_since, counted, CameIn, ChangeFile, FileName, FileProblem, Series};
use crate::ui::clock;
use crate::ui::folder;
use crate::ui::jobs;
use crate::ui::locks::lock;
use crate::ui::route::Route;
use crate::ui::state::{tr, use_app, AppState};

#[component]
pub fn TeamPage() -> impl IntoView {
    let state = use_app();
    let came_in = RwSignal::new(state.came_in());
    view! {
        <section class="page team">
            <h1>{tr(TeamMsg::Title)}</h1>
            <p class="muted">{tr(TeamMsg::Intro)}</p>
            <ThisDevice />
            <SendChanges />
            <TakeIn came_in />
            <CameInList came_in />
            <crate::ui::folder_card::FolderCard came_in />
            <crate::ui::couch_card::CouchCard />
        </section>
    }
}

/// Who uses this device, and its id (the one in its change files' names).
#[component]
fn ThisDevice() -> impl IntoView {
    let state = use_app();
    let device = state.device().to_string();
    view! {
        <div class="card">
            <h2>{tr(TeamMsg::ThisDevice)}</h2>
            <dl class="facts">
                <dt>{tr(TeamMsg::IAm)}</dt>
                <dd><WhoUses /></dd>
                <dt>{tr(TeamMsg::UsedBy)}</dt>
                <dd data-testid="team-user">{move || state.user.get()}" "
                    <a href=Route::Settings.to_hash()>{tr(TeamMsg::ChangeName)}</a>
                </dd>
                <dt>{tr(TeamMsg::DeviceId)}</dt>
                <dd data-testid="team-device"><code>{device}</code></dd>
            </dl>
        </div>
    }
}

/// Picks which of the book's people uses this device (their role beside their name); the name
/// is then the one recorded on every change made here.
#[component]
fn WhoUses() -> impl IntoView {
    let state = use_app();
    let me = RwSignal::new(state.me());
    let people = Memo::new(move |_| {
        state.read(&[RecordKind::Rep, RecordKind::Team], |d| people(d.archive())).unwrap_or_default()
    });
    let chosen = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev).parse::<uuid::Uuid>().ok();
        if let Some(person) = id.and_then(|id| people.with_untracked(|all| all.iter().find(|p| p.id == id).cloned())) {
            state.set_me(person.id, person.name);
            me.set(Some(person.id));
        }
    };
    let role = move |role: Role| state.t(if role == Role::Manager { TeamMsg::RoleManager } else { TeamMsg::RoleRep });
    view! {
        <Show when=move || people.with(|p| !p.is_empty()) fallback=|| view! { <span class="muted">{tr(TeamMsg::NoPeople)}</span> }>
            <select data-testid="team-me" on:change=chosen>
                <option value="" selected=move || me.get().is_none()>{tr(TeamMsg::NotListed)}</option>
                {move || people.get().into_iter().map(|p| {
                    let id = p.id;
                    view! { <option value=id.to_string() selected=move || me.get() == Some(id)>{p.name}" · "{role(p.role)}</option> }
                }).collect_view()}
            </select>
        </Show>
    }
}

/// Saves the records changed since this device's last change file as the next one.
#[component]
fn SendChanges() -> impl IntoView {
    let state = use_app();
    let busy = RwSignal::new(false);
    let send = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            save_change_file(state).await;
            busy.set(false);
        });
    };
    view! {
        <div class="card">
            <h2>{tr(TeamMsg::SendTitle)}</h2>
            <p>{tr(TeamMsg::SendHelp)}</p>
            <button class="primary" data-testid="team-send" disabled=move || busy.get() on:click=send>
                {move || if busy.get() { state.t(Msg::Loading) } else { state.t(TeamMsg::SaveFile) }}
            </button>
        </div>
    }
}

/// This device's next change file.
pub(super) struct Outgoing {
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// How many records it holds.
    pub count: usize,
    /// The series once it is delivered.
    pub series: Series,
}

/// Makes the next change file, with every record changed since the last one, after taking in
/// what other tabs saved; None when nothing changed (or the book is not loaded). Err: what to
/// tell.
pub(super) async fn next_change_file(state: AppState) -> Result<Option<Outgoing>, String> {
    state.full().await;
    state.catch_up().await;
    let series = state.change_series();
    let now = clock::now();
    let Some((records, at)) =
        state.with_data_mut(|d| (changed_since(d.archive(), series.since), d.replica.stamp(now).at))
    else {
        return Ok(None);
    };
    if records.is_empty() {
        return Ok(None);
    }
    let name = FileName { user: state.user.get_untracked(), device: state.device().to_string(), seq: series.seq + 1 };
    let (count, file_name) = (records.len(), name.to_file_name());
    let written =
        jobs::run::<_, FileOutcome>(jobs::Kind::Files, FileJob::WriteChangeFile(ChangeFile::new(&name, records)));
    match written.await {
        Ok(FileOutcome::Bytes(bytes)) => {
            Ok(Some(Outgoing { file_name, bytes, count, series: Series { seq: name.seq, since: Some(at) } }))
        }
        _ => Err(state.lang.get_untracked().t(Msg::AreaLoadFailed).to_owned()),
    }
}

/// The Web Lock held while a change file of this device's series is made and delivered, so that
/// two tabs, or the folder's round and a download, never make two files of one number.
pub(super) const SERIES_LOCK: &str = "pocket-crm-series";

/// Saves the next change file (a download, and into the shared folder when one is in use); says
/// so when nothing changed.
async fn save_change_file(state: AppState) {
    let lang = state.lang.get_untracked();
    let _series = lock(SERIES_LOCK).await;
    let file = match next_change_file(state).await {
        Ok(Some(file)) => file,
        Ok(None) => return state.show_toast(lang.t(TeamMsg::NothingToSend).to_owned(), false, None),
        Err(e) => return state.show_toast(e, true, None),
    };
    if let Err(e) = jobs::download(&file.bytes, &file.file_name, "application/json") {
        return state.show_toast(e, true, None);
    }
    state.set_change_series(file.series);
    match folder::also_write(&file.file_name, &file.bytes).await {
        Ok(()) => state.show_toast(lang.saved_change_file(&file.file_name, file.count), false, None),
        Err(fault) => state.show_toast(crate::ui::folder_card::fault_text(lang, &fault), true, None),
    }
}

/// Takes in the change files the user picks, one after another; tells what could not be read.
///
/// `came_in`: the list of files taken in, which this adds to.
#[component]
fn TakeIn(came_in: RwSignal<Vec<CameIn>>) -> impl IntoView {
    let state = use_app();
    let busy = RwSignal::new(false);
    let problems = RwSignal::new(Vec::<String>::new());
    let picked = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let files: Vec<web_sys::File> =
            input.files().map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect()).unwrap_or_default();
        input.set_value("");
        if files.is_empty() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let (taken, said) = take_in_files(state, files).await;
            problems.set(said);
            if !taken.is_empty() {
                state.show_toast(state.lang.get_untracked().took_in_files(taken.len()), false, None);
                state.note_came_in(taken);
                came_in.set(state.came_in());
            }
            busy.set(false);
        });
    };
    view! {
        <div class="card">
            <h2>{tr(TeamMsg::TakeTitle)}</h2>
            <p>{tr(TeamMsg::TakeHelp)}</p>
            <label class="button primary file-button">
                {move || state.t(if busy.get() { TeamMsg::Working } else { TeamMsg::ChooseFiles })}
                <input type="file" multiple accept=".json,application/json" data-testid="team-files"
                    disabled=move || busy.get() on:change=picked />
            </label>
            <ul class="problems" role="alert" data-testid="team-problems">
                {move || problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
            </ul>
        </div>
    }
}

/// Reads and takes in each file; returns what came in (newest first) and what to tell about the
/// files that were not taken in.
async fn take_in_files(state: AppState, files: Vec<web_sys::File>) -> (Vec<CameIn>, Vec<String>) {
    let (mut taken, mut said) = (Vec::new(), Vec::new());
    for file in files {
        match take_in_file(state, &file).await {
            Ok(came) => taken.insert(0, came),
            Err(refused) => said.push(refused.said),
        }
    }
    (taken, said)
}

/// Why a file was not taken in, in words.
pub(super) struct Refused {
    pub said: String,
    /// Whether reading it again as it is would be refused again (not a change file, this
    /// device's own); otherwise it may be taken in later (a newer format after an update, a
    /// failed read or save).
    pub for_good: bool,
}

/// Reads and takes in one change file (through the write path).
pub(super) async fn take_in_file(state: AppState, file: &web_sys::File) -> Result<CameIn, Refused> {
    state.full().await;
    let lang = state.lang.get_untracked();
    let name = file.name();
    let refuse = |why: &str, for_good| Refused { said: lang.not_a_change_file(&name, why), for_good };
    let bytes = jobs::read_file(file).await.map_err(|e| refuse(&e, false))?;
    let read = jobs::run::<_, FileOutcome>(jobs::Kind::Files, FileJob::ReadChangeFile { bytes }).await;
    let change = match read {
        Ok(FileOutcome::ChangeFileRead(Ok(change))) => change,
        Ok(FileOutcome::ChangeFileRead(Err(problem))) => {
            let said = match problem {
                FileProblem::NewerFormat(_) => lang.newer_change_file(&name),
                FileProblem::Unreadable => lang.not_a_change_file(&name, lang.t(TeamMsg::NotAChangeFile)),
            };
            return Err(Refused { said, for_good: problem.for_good() });
        }
        _ => return Err(refuse(lang.t(Msg::AreaLoadFailed), false)),
    };
    if change.device == state.device().to_string() {
        return Err(refuse(lang.t(TeamMsg::OwnFile), true));
    }
    let ids: Vec<(RecordKind, uuid::Uuid)> = change.records.iter().map(|r| (r.kind(), r.id())).collect();
    let existed = state
        .with_data(|d| {
            ids.iter().filter(|(kind, id)| d.archive().row_of(*kind, *id).is_some()).copied().collect::<HashSet<_>>()
        })
        .unwrap_or_default();
    let from = change.name();
    match state.execute(Command::TakeIn(change.records)).await {
        Ok(saved) => {
            let counts = counted(&ids, |kind, id| existed.contains(&(kind, id)), &saved.changes);
            Ok(CameIn::new(from, &counts, clock::now().0))
        }
        Err(ActionError::Store(e)) => Err(refuse(&lang.store_error(&e), false)),
        Err(ActionError::Domain(e) | ActionError::Refused(e)) => Err(refuse(&lang.domain_error(&e), false)),
    }
}

/// The change files taken in on this device, newest first: from whom, and what they brought.
///
/// `came_in`: the list.
#[component]
fn CameInList(came_in: RwSignal<Vec<CameIn>>) -> impl IntoView {
    let state = use_app();
    view! {
        <div class="card">
            <h2>{tr(TeamMsg::CameInTitle)}</h2>
            <Show when=move || came_in.with(|c| !c.is_empty()) fallback=|| view! { <p class="muted">{tr(TeamMsg::NoneYet)}</p> }>
                <ul class="came-in" data-testid="came-in">
                    {move || {
                        let lang = state.lang.get();
                        came_in.get().into_iter().map(|c| view! { <CameInRow came=c lang /> }).collect_view()
                    }}
                </ul>
            </Show>
        </div>
    }
}

/// One file taken in.
///
/// `came`: the file; `lang`: the language to say it in.
#[component]
fn CameInRow(came: CameIn, lang: crate::i18n::Lang) -> impl IntoView {
    let when = clock::format_time(came.at);
    let counts = if came.added + came.updated == 0 {
        lang.t(TeamMsg::NothingNew).to_owned()
    } else {
        lang.came_counts(&lang.kind_counts(&came.by_kind), &lang.taken_counts(came.added, came.updated, came.unchanged))
    };
    view! {
        <li data-testid="came-in-row">
            <strong>{lang.came_from(&came.user, &came.device, came.seq)}</strong>
            <span class="muted">" · "{when}</span>
            <div>{counts}</div>
        </li>
    }
}
