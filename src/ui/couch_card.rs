//! The team page's CouchDB card: connect (address, name, password), then where the live
//! replication stands (`couch::Status`), what it moved, and what the server refused.

use leptos::prelude::*;

use crate::i18n::couch::CouchMsg;
use crate::i18n::Lang;
use crate::sync::docs::record_of;
use crate::ui::clock;
use crate::ui::couch::{self, Config, LoginError, Phase, Status};
use crate::ui::state::{tr, use_app};

#[component]
pub fn CouchCard() -> impl IntoView {
    // A page opened before the app resumed the saved replication resumes it (once).
    couch::resume(use_app());
    // Which replication is shown: set when one starts or stops here.
    let running = RwSignal::new(couch::live().map(|l| l.status));
    view! {
        <div class="card couch" data-testid="couch">
            <h2>{tr(CouchMsg::Title)}</h2>
            <p class="muted">{tr(CouchMsg::Help)}</p>
            {move || match running.get() {
                Some(status) => view! { <Running status running /> }.into_any(),
                None => view! { <ConnectForm running /> }.into_any(),
            }}
        </div>
    }
}

/// Address, name and password; connecting logs in and starts the replication.
///
/// `running`: set to the new replication's status once it starts.
#[component]
fn ConnectForm(running: RwSignal<Option<RwSignal<Status>>>) -> impl IntoView {
    let state = use_app();
    let saved = couch::saved_config();
    let url = RwSignal::new(saved.as_ref().map(|c| c.url.clone()).unwrap_or_default());
    let name = RwSignal::new(saved.map(|c| c.name).unwrap_or_else(|| state.user.get_untracked()));
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let config =
            Config { url: url.get_untracked().trim().to_owned(), name: name.get_untracked().trim().to_owned() };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let lang = state.lang.get_untracked();
            match couch::connect(state, config, password.get_untracked()).await {
                Ok(()) => running.set(couch::live().map(|l| l.status)),
                Err(e) => error.set(Some(login_error(lang, &e))),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="couch-connect" on:submit=submit>
            <label>{tr(CouchMsg::Url)}
                <input type="url" required placeholder="https://nas.example.com:6984/team-book" data-testid="couch-url" bind:value=url />
            </label>
            <label>{tr(CouchMsg::Name)}<input required data-testid="couch-name" bind:value=name /></label>
            <label>{tr(CouchMsg::Password)}<input type="password" data-testid="couch-password" bind:value=password /></label>
            <button type="submit" data-testid="couch-connect" disabled=move || busy.get()>{tr(CouchMsg::Connect)}</button>
            <Show when=move || error.with(Option::is_some)>
                <p class="error" role="alert" data-testid="couch-error">{move || error.get()}</p>
            </Show>
        </form>
    }
}

fn login_error(lang: Lang, error: &LoginError) -> String {
    match error {
        LoginError::Offline => lang.t(CouchMsg::Unreachable).to_owned(),
        LoginError::Refused => lang.t(CouchMsg::Refused).to_owned(),
        LoginError::Other(why) => lang.server_said(why),
    }
}

/// A replication under way: the database, where it stands, its counts, what was refused.
///
/// `status`: its status; `running`: cleared on "Disconnect".
#[component]
fn Running(status: RwSignal<Status>, running: RwSignal<Option<RwSignal<Status>>>) -> impl IntoView {
    let state = use_app();
    let config = couch::live().map(|l| l.config.clone());
    let (url, name) = config.map(|c| (c.url, c.name)).unwrap_or_default();
    let disconnect = move |_| {
        couch::disconnect();
        running.set(None);
    };
    view! {
        <dl class="facts">
            <dt>{tr(CouchMsg::Url)}</dt><dd data-testid="couch-db"><code>{url}</code></dd>
            <dt>{tr(CouchMsg::Name)}</dt><dd>{name}</dd>
            <dt>{tr(CouchMsg::Status)}</dt><dd><PhaseLine status /></dd>
        </dl>
        <p class="muted" data-testid="couch-moved">
            {move || status.with(|s| state.lang.get().couch_moved(s.pulled, s.pushed))}
            {move || status.with(|s| s.requests_per_batch).map(|n| format!(" · {}", state.lang.get().requests_per_batch(n)))}
        </p>
        <Show when=move || status.with(|s| s.phase == Phase::LoginNeeded)>
            <LogInAgain running />
        </Show>
        <div class="actions">
            <button data-testid="couch-sync-now" on:click=move |_| couch::nudge()>{tr(CouchMsg::SyncNow)}</button>
            <button class="secondary" data-testid="couch-disconnect" on:click=disconnect>{tr(CouchMsg::Disconnect)}</button>
        </div>
        <Refused status />
    }
}

/// Where the replication stands, in words.
///
/// `status`: the replication's status.
#[component]
fn PhaseLine(status: RwSignal<Status>) -> impl IntoView {
    let state = use_app();
    let text = move || {
        let lang = state.lang.get();
        status.with(|s| match &s.phase {
            Phase::Connecting => lang.t(CouchMsg::Connecting).to_owned(),
            Phase::Syncing => lang.t(CouchMsg::Syncing).to_owned(),
            Phase::UpToDate => lang.up_to_date(&s.last.map(clock::format_time).unwrap_or_default()),
            Phase::Offline(seconds) => lang.offline_retry(*seconds),
            Phase::LoginNeeded => lang.t(CouchMsg::LoginNeeded).to_owned(),
            Phase::OtherTab => lang.t(CouchMsg::OtherTab).to_owned(),
            Phase::Failed(why) => lang.sync_failed(why),
        })
    };
    let code = move || {
        status.with(|s| match s.phase {
            Phase::Connecting => "connecting",
            Phase::Syncing => "syncing",
            Phase::UpToDate => "up-to-date",
            Phase::Offline(_) => "offline",
            Phase::LoginNeeded => "login",
            Phase::OtherTab => "other-tab",
            Phase::Failed(_) => "failed",
        })
    };
    view! { <span data-testid="couch-phase" data-phase=code>{text}</span> }
}

/// The password again, when the session ended.
///
/// `running`: set to the restarted replication's status.
#[component]
fn LogInAgain(running: RwSignal<Option<RwSignal<Status>>>) -> impl IntoView {
    let state = use_app();
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            let lang = state.lang.get_untracked();
            match couch::log_in_again(state, password.get_untracked()).await {
                Ok(()) => running.set(couch::live().map(|l| l.status)),
                Err(e) => error.set(Some(login_error(lang, &e))),
            }
        });
    };
    view! {
        <form class="couch-login" on:submit=submit>
            <label>{tr(CouchMsg::Password)}<input type="password" required data-testid="couch-password-again" bind:value=password /></label>
            <button type="submit" data-testid="couch-log-in">{tr(CouchMsg::LogIn)}</button>
            <Show when=move || error.with(Option::is_some)>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
        </form>
    }
}

/// The changes the server refused, each with its record and the server's reason.
///
/// `status`: the replication's status.
#[component]
fn Refused(status: RwSignal<Status>) -> impl IntoView {
    let state = use_app();
    let rows = move || {
        status.with(|s| {
            s.rejected
                .iter()
                .map(|r| {
                    let label = record_of(&r.id)
                        .and_then(|(kind, id)| state.with_data(|d| d.archive().get_any(kind, id)))
                        .flatten()
                        .map_or_else(|| r.id.clone(), |record| label_of(&record));
                    let why = if r.reason.is_empty() { r.error.clone() } else { r.reason.clone() };
                    view! { <li data-testid="couch-rejected-row"><strong>{label}</strong>": "{why}</li> }
                })
                .collect_view()
        })
    };
    view! {
        <Show when=move || status.with(|s| !s.rejected.is_empty())>
            <h3>{tr(CouchMsg::RejectedTitle)}</h3>
            <ul class="couch-rejected" data-testid="couch-rejected">{rows}</ul>
        </Show>
    }
}

/// A record's name for a person: a customer's, rep's or team's name, a deal's title, otherwise
/// its kind and id.
fn label_of(record: &crate::domain::AnyRecord) -> String {
    use crate::domain::AnyRecord;
    match record {
        AnyRecord::Customer(c) => c.name.clone(),
        AnyRecord::Deal(d) => d.title.clone(),
        AnyRecord::Rep(r) => r.name.clone(),
        AnyRecord::Team(t) => t.name.clone(),
        other => format!("{} {}", other.kind().code(), other.id()),
    }
}
