//! Batch assignment: gives every record a list shows (new leads from a trade fair, say) to one
//! rep, to nobody, or evenly to all active reps, in one action with the plan shown first and an
//! undo after. The plan and the reps' workloads are the domain's (`domain::assignment`).

use leptos::prelude::*;
use uuid::Uuid;

pub use crate::domain::assignment::Holding;
use crate::domain::assignment::{plan, workloads, Target};
use crate::domain::{Assignment, Command, RecordKind};
use crate::i18n::{Lang, Msg, PipeMsg};
use crate::ui::areas::Lazy;
use crate::ui::state::{tr, use_app, AppState};

/// The value of the "spread evenly" choice in the menu.
const SPREAD: &str = "spread";

/// `王伟 4 · 李丽 3` (nobody as "unassigned").
pub fn describe(state: &AppState, lang: Lang, assignments: &[Assignment]) -> String {
    state
        .with_data(|d| {
            assignments
                .iter()
                .map(|a| {
                    let name = if a.to.is_some() {
                        d.archive().rep_name(a.to).to_owned()
                    } else {
                        lang.t(Msg::Unassigned).to_owned()
                    };
                    format!("{name} {}", a.deals.len() + a.customers.len())
                })
                .collect::<Vec<_>>()
                .join(" · ")
        })
        .unwrap_or_default()
}

/// Runs an assignment, with its undo in the message.
pub fn run(state: AppState, assignments: Vec<Assignment>) {
    let count: usize = assignments.iter().map(|a| a.deals.len() + a.customers.len()).sum();
    leptos::task::spawn_local(async move {
        let lang = state.lang.get_untracked();
        let text = describe(&state, lang, &assignments);
        match state.execute(Command::Assign(assignments)).await {
            Ok(saved) => {
                state.toast_with_undo(lang.assign_done(count, &text), &saved, lang.t(PipeMsg::AssignUndone).to_owned())
            }
            Err(crate::store::ActionError::Domain(e)) => state.show_toast(lang.domain_error(&e), true, None),
            Err(_) => {}
        }
    });
}

/// "Assign…": opens a panel (loaded on first use, see `areas`) to give the `count` records the
/// list shows (`ids` on demand) to reps.
#[component]
pub fn AssignBar(kind: Holding, #[prop(into)] count: Signal<usize>, ids: Callback<(), Vec<Uuid>>) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <button class="secondary" data-testid="assign-open" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
            {tr(Msg::AssignOpen)}
        </button>
        {move || open.get().then(|| view! { <Lazy load=move || super::areas::assign_panel(kind, count, ids, open) /> })}
    }
}

/// The assignment panel: who gets the records, the plan, and the button that runs it; closes
/// `open` when it has run.
pub fn panel(kind: Holding, count: Signal<usize>, ids: Callback<(), Vec<Uuid>>, open: RwSignal<bool>) -> AnyView {
    let state = use_app();
    let choice = RwSignal::new(String::new());
    let reps = Memo::new(move |_| {
        state
            .read(&[RecordKind::Rep], |d| {
                d.archive().reps.live().filter(|r| r.active).map(|r| (r.meta.id, r.name.clone())).collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    // The target as chosen, with each rep's present load for an even spread.
    let target = move || -> Target {
        let choice = choice.get();
        if choice == SPREAD {
            let ids: Vec<Uuid> = reps.get().iter().map(|(id, _)| *id).collect();
            Target::Spread(state.with_data(|d| workloads(d.archive(), kind, &ids)).unwrap_or_default())
        } else {
            Target::One(choice.parse().ok())
        }
    };
    let items =
        move || -> Vec<(Uuid, bool)> { ids.run(()).into_iter().map(|id| (id, kind == Holding::Deals)).collect() };
    let preview = Memo::new(move |_| {
        state.track(&[RecordKind::Deal, RecordKind::Customer, RecordKind::Rep]);
        let lang = state.lang.get();
        let _ = count.get();
        let assignments = plan(&items(), &target());
        describe(&state, lang, &assignments)
    });
    let go = move |_| {
        let assignments = plan(&items(), &target());
        if assignments.is_empty() {
            state.show_toast(state.t(PipeMsg::AssignNothing).to_owned(), true, None);
            return;
        }
        open.set(false);
        run(state, assignments);
    };
    view! {
            <div class="assign-panel card" data-testid="assign-panel">
                <label class="field">
                    <span>{move || {
                        let lang = state.lang.get();
                        if kind == Holding::Deals { lang.assign_deals_ask(count.get()) } else { lang.assign_customers_ask(count.get()) }
                    }}</span>
                    <select data-testid="assign-to" on:change=move |ev| choice.set(event_target_value(&ev))>
                        <option value="" selected=move || choice.get().is_empty()>{tr(Msg::Unassigned)}</option>
                        <option value=SPREAD selected=move || choice.get() == SPREAD>
                            {move || state.lang.get().assign_spread(reps.get().len())}
                        </option>
                        {move || reps.get().into_iter().map(|(id, name)| view! {
                            <option value=id.to_string() selected=move || choice.get() == id.to_string()>{name}</option>
                        }).collect_view()}
                    </select>
                </label>
                <p class="muted" data-testid="assign-plan">{move || state.lang.get().assign_plan(&preview.get())}</p>
                {move || (choice.get() == SPREAD).then(|| view! { <p class="muted small">{tr(PipeMsg::AssignReason)}</p> })}
                <button class="primary" data-testid="assign-go" on:click=go>{tr(PipeMsg::AssignGo)}</button>
            </div>
    }
    .into_any()
}
