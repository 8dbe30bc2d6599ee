//! The app shell: header with navigation and language switch, the page for the current route,
//! and the message area.

use leptos::prelude::*;

use super::areas::{AreaPage, Page};
use super::clock;
use super::customers::CustomerList;
use super::route::{Route, AREAS};
use super::state::{tr, use_app, AppState, LoadState, UndoAction};
use crate::domain::backup::BackupDue;
use crate::domain::{Command, RecordKind};
use crate::i18n::Msg;

fn page_of(route: &Route) -> Page {
    match route {
        Route::Customers { .. } => Page::Customers,
        Route::NewCustomer => Page::NewCustomer,
        Route::Customer(id) => Page::Customer(*id),
        Route::EditCustomer(id) => Page::EditCustomer(*id),
        Route::Data { .. } => Page::Data,
        Route::Pipeline { .. } => Page::Pipeline,
        Route::Stages => Page::Stages,
        Route::Deal(id) => Page::Deal(*id),
        Route::NewDeal { customer } => Page::NewDeal(*customer),
        Route::EditDeal(id) => Page::EditDeal(*id),
        Route::Reports => Page::Reports,
        Route::Forecast { .. } => Page::Forecast,
        Route::Quotas { .. } => Page::Quotas,
        Route::Settings => Page::Settings,
        Route::Team => Page::Team,
        other => Page::Later(other.area()),
    }
}

fn area_label(area: usize) -> Msg {
    [
        Msg::NavCustomers,
        Msg::NavPipeline,
        Msg::NavForecast,
        Msg::NavQuotas,
        Msg::NavAssignment,
        Msg::NavRoutes,
        Msg::NavReports,
        Msg::NavSettings,
    ][area.min(7)]
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    state.set_lang(state.lang.get_untracked());
    let listener = window_event_listener_untyped("hashchange", move |_| {
        let hash = window().location().hash().unwrap_or_default();
        let route = Route::parse(&hash);
        if state.route.with_untracked(|r| *r != route) {
            state.route.set(route);
        }
    });
    let hide = window_event_listener_untyped("pagehide", move |_| state.save_last_view());
    // A tab left open past midnight: the day's expiry and reminders run then, not at the next open.
    let day_watch = set_interval_with_handle(move || state.check_new_day(), std::time::Duration::from_secs(60)).ok();
    on_cleanup(move || {
        listener.remove();
        hide.remove();
        if let Some(watch) = day_watch {
            watch.clear();
        }
    });
    state.start_loading();
    super::testing::install(state);

    // Memos, so that typing a filter (which rewrites the route) does not touch the shell.
    let page = Memo::new(move |_| state.route.with(page_of));
    let area = Memo::new(move |_| state.route.with(|r| r.area()));
    Effect::new(move |_| {
        let title = format!("{} · {}", state.t(area_label(area.get())), state.t(Msg::AppName));
        document().set_title(&title);
    });

    view! {
        <div class="app">
            <header class="topbar">
                <a class="brand" href="#/customers">{tr(Msg::AppName)}</a>
                <nav class="nav" aria-label=tr(Msg::Menu)>
                    {AREAS
                        .iter()
                        .enumerate()
                        .map(|(i, route)| {
                            view! {
                                <a
                                    href=route.to_hash()
                                    class="nav-link"
                                    class:active=move || area.get() == i
                                    aria-current=move || (area.get() == i).then_some("page")
                                    data-testid=format!("nav-{i}")
                                >
                                    {move || state.t(area_label(i))}
                                </a>
                            }
                        })
                        .collect_view()}
                </nav>
                <button
                    class="lang-switch"
                    data-testid="lang-switch"
                    on:click=move |_| state.set_lang(state.lang.get_untracked().other())
                >
                    {tr(Msg::SwitchLanguage)}
                </button>
            </header>
            <StaleBanner />
            <super::offline::UpdateOffer />
            <BackupReminder />
            <main class="main">
                {move || match state.load.get() {
                    LoadState::Loading => view! { <p class="loading" data-testid="loading">{state.t(Msg::Loading)}</p> }.into_any(),
                    LoadState::Failed(e) => {
                        view! { <p class="load-error" role="alert" data-testid="load-error">{state.lang.get().store_error(&e)}</p> }.into_any()
                    }
                    LoadState::Ready => {
                        match page.get() {
                            Page::Customers => view! { <CustomerList /> }.into_any(),
                            Page::Later(area) => {
                                view! {
                                    <section class="page later">
                                        <h1>{move || state.t(area_label(area))}</h1>
                                        <p>{tr(Msg::ComingLater)}</p>
                                    </section>
                                }
                                    .into_any()
                            }
                            page => view! { <AreaPage page /> }.into_any(),
                        }
                    }
                }}
            </main>
            <Toasts />
        </div>
    }
}

/// The message area: confirmations with undo, and errors that stay until dismissed.
#[component]
pub fn Toasts() -> impl IntoView {
    let state = use_app();
    // Every saved command can be taken back: the undo is itself a change, saved like any other.
    let undo = move |action: UndoAction| {
        state.toast.set(None);
        leptos::task::spawn_local(async move {
            if state.execute(Command::Undo(Box::new(action.token))).await.is_ok() {
                state.show_toast(action.done, false, None);
            }
        });
    };
    view! {
        <div class="toasts" aria-live="polite">
            {move || {
                state
                    .toast
                    .get()
                    .map(|toast| {
                        let action = toast.undo.clone();
                        view! {
                            <div class="toast" class:error=toast.error role=if toast.error { "alert" } else { "status" } data-testid="toast">
                                <span>{toast.text.clone()}</span>
                                {action
                                    .map(|a| {
                                        view! {
                                            <button class="toast-action" data-testid="undo" on:click=move |_| undo(a.clone())>
                                                {state.t(Msg::Undo)}
                                            </button>
                                        }
                                    })}
                                <button class="toast-close" aria-label=state.t(Msg::Dismiss) on:click=move |_| state.toast.set(None)>
                                    "×"
                                </button>
                            </div>
                        }
                    })
            }}
        </div>
    }
}

/// Shown when a newer version took the store over (in another tab): this page saves nothing
/// until it is reloaded.
#[component]
fn StaleBanner() -> impl IntoView {
    let state = use_app();
    view! {
        <Show when=move || state.stale.get()>
            <p class="stale-banner" role="alert" data-testid="stale-banner">
                {tr(Msg::ErrNewerVersion)} " "
                <button class="link" on:click=move |_| { let _ = window().location().reload(); }>{tr(Msg::Reload)}</button>
            </p>
        </Show>
    }
}

/// Asks for a backup when there are customers and the last backup is over 7 days old (or never
/// made): the data lives only in this browser.
#[component]
fn BackupReminder() -> impl IntoView {
    let state = use_app();
    // Looked at again on each navigation, and when the import/export page made a backup.
    let backed_up = RwSignal::new(0_u32);
    let listener = window_event_listener_untyped(AppState::BACKED_UP_EVENT, move |_| backed_up.update(|n| *n += 1));
    on_cleanup(move || listener.remove());
    let due = Memo::new(move |_| {
        let _ = state.route.get();
        let _ = backed_up.get();
        let has_customers = state.read(&[RecordKind::Customer], |d| d.query.live_count() > 0).unwrap_or(false);
        match crate::domain::backup::backup_due(has_customers, state.last_backup(), clock::now()) {
            Some(BackupDue::Never) => Some(Msg::BackupNever),
            Some(BackupDue::Old) => Some(Msg::BackupDue),
            None => None,
        }
    });
    view! {
        {move || due.get().map(|msg| view! {
            <p class="backup-reminder" role="status" data-testid="backup-reminder">
                {state.t(msg)} " " <a href="#/data">{tr(Msg::BackupNowLink)}</a>
            </p>
        })}
    }
}
