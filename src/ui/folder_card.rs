//! The team page's shared-folder card: choose the folder a cloud drive syncs, then where its
//! rounds stand (`folder::Status`), with "Sync now", access asked again, and another folder.
//! Where the browser has no folder access, it says how to pass files instead.

use leptos::prelude::*;

use crate::i18n::folder::FolderMsg;
use crate::i18n::Lang;
use crate::sync::changes::CameIn;
use crate::ui::clock;
use crate::ui::folder::{self, Fault, Phase, Status};
use crate::ui::state::{tr, use_app};

/// `came_in`: the page's list of files taken in, refreshed after each round here.
#[component]
pub fn FolderCard(came_in: RwSignal<Vec<CameIn>>) -> impl IntoView {
    let state = use_app();
    // A page opened before the app resumed the folder's rounds resumes them (once).
    folder::resume(state);
    let running = RwSignal::new(folder::live().map(|l| l.status));
    let error = RwSignal::new(None::<String>);
    let choose = move |_| {
        leptos::task::spawn_local(async move {
            match folder::choose(state).await {
                Ok(true) => {
                    running.set(folder::live().map(|l| l.status));
                    error.set(None);
                }
                Ok(false) => {}
                Err(fault) => error.set(Some(fault_text(state.lang.get_untracked(), &fault))),
            }
        });
    };
    // The rounds resumed by the app may start after this card was built.
    let watch = leptos::prelude::set_interval_with_handle(
        move || {
            if running.get_untracked().is_none() {
                if let Some(live) = folder::live() {
                    running.set(Some(live.status));
                }
            }
        },
        std::time::Duration::from_millis(500),
    );
    on_cleanup(move || {
        if let Ok(handle) = watch {
            handle.clear();
        }
    });
    view! {
        <div class="card folder" data-testid="folder">
            <h2>{tr(FolderMsg::Title)}</h2>
            <p class="muted">{tr(FolderMsg::Help)}</p>
            {move || match (folder::supported(), running.get()) {
                (false, _) => view! { <p data-testid="folder-unsupported">{tr(FolderMsg::NoApi)}</p> }.into_any(),
                (true, Some(status)) => view! { <InUse status came_in running /> }.into_any(),
                (true, None) => view! {
                    <button class="primary" data-testid="folder-choose" on:click=choose>{tr(FolderMsg::Choose)}</button>
                }.into_any(),
            }}
            <Show when=move || error.with(Option::is_some)>
                <p class="error" role="alert" data-testid="folder-error">{move || error.get()}</p>
            </Show>
        </div>
    }
}

/// The folder in use: its name, where it stands, what the last round did, and the actions.
///
/// `status`: its rounds' status; `came_in`: refreshed when a round took files in; `running`:
/// cleared on "Stop using".
#[component]
fn InUse(
    status: RwSignal<Status>,
    came_in: RwSignal<Vec<CameIn>>,
    running: RwSignal<Option<RwSignal<Status>>>,
) -> impl IntoView {
    let state = use_app();
    Effect::new(move |_| {
        if status.with(|s| s.took) > 0 {
            came_in.set(state.came_in());
        }
    });
    let stop = move |_| {
        leptos::task::spawn_local(async move {
            folder::stop_using().await;
            running.set(None);
        });
    };
    let error = RwSignal::new(None::<String>);
    let other = move |_| {
        leptos::task::spawn_local(async move {
            match folder::choose(state).await {
                Ok(true) => running.set(folder::live().map(|l| l.status)),
                Ok(false) => {}
                Err(fault) => error.set(Some(fault_text(state.lang.get_untracked(), &fault))),
            }
        });
    };
    let needs_access = move || status.with(|s| s.phase == Phase::PermissionNeeded);
    view! {
        <dl class="facts">
            <dt>{tr(FolderMsg::Folder)}</dt>
            <dd data-testid="folder-name"><code>{move || status.with(|s| s.folder.clone())}</code></dd>
            <dt>{tr(FolderMsg::Status)}</dt>
            <dd><PhaseLine status /></dd>
        </dl>
        <Show when=needs_access>
            <p>{tr(FolderMsg::AllowHelp)}</p>
            <button class="primary" data-testid="folder-allow" on:click=move |_| leptos::task::spawn_local(folder::allow())>
                {tr(FolderMsg::Allow)}
            </button>
        </Show>
        <ul class="problems" role="alert" data-testid="folder-problems">
            {move || status.with(|s| s.problems.clone()).into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
        </ul>
        <div class="actions">
            <button data-testid="folder-sync-now" on:click=move |_| folder::nudge()>{tr(FolderMsg::SyncNow)}</button>
            <button class="secondary" data-testid="folder-other" on:click=other>{tr(FolderMsg::ChooseOther)}</button>
            <button class="secondary" data-testid="folder-stop" on:click=stop>{tr(FolderMsg::StopUsing)}</button>
        </div>
        <Show when=move || error.with(Option::is_some)>
            <p class="error" role="alert">{move || error.get()}</p>
        </Show>
    }
}

/// Where the folder's rounds stand, in words (`data-phase` and `data-rounds` for tests).
///
/// `status`: the rounds' status.
#[component]
fn PhaseLine(status: RwSignal<Status>) -> impl IntoView {
    let state = use_app();
    let text = move || {
        let lang = state.lang.get();
        status.with(|s| match &s.phase {
            Phase::Working => lang.t(FolderMsg::Working).to_owned(),
            Phase::Synced => lang.folder_synced(&s.last.map(clock::format_time).unwrap_or_default(), s.wrote, s.took),
            Phase::PermissionNeeded => lang.t(FolderMsg::AllowHelp).to_owned(),
            Phase::OtherTab => lang.t(FolderMsg::OtherTab).to_owned(),
            Phase::Failed(fault) => lang.folder_failed(&fault_text(lang, fault)),
        })
    };
    let code = move || {
        status.with(|s| match s.phase {
            Phase::Working => "working",
            Phase::Synced => "synced",
            Phase::PermissionNeeded => "permission",
            Phase::OtherTab => "other-tab",
            Phase::Failed(_) => "failed",
        })
    };
    let rounds = move || status.with(|s| s.rounds);
    view! { <span data-testid="folder-phase" data-phase=code data-rounds=rounds>{text}</span> }
}

/// A fault of the folder, in words.
pub fn fault_text(lang: Lang, fault: &Fault) -> String {
    match fault {
        Fault::Gone => lang.t(FolderMsg::Gone).to_owned(),
        Fault::Denied => lang.t(FolderMsg::Denied).to_owned(),
        Fault::Full => lang.t(FolderMsg::Full).to_owned(),
        Fault::Other(why) => why.clone(),
    }
}
