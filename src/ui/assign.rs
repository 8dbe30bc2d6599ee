//! Batch assignment: gives every record a list shows (new leads from a trade fair, say) to one
//! rep, to nobody, or evenly to all active reps, in one action with the plan shown first and an
//! undo after.

use leptos::prelude::*;
use uuid::Uuid;

use crate::domain::assignment::{plan, Target};
use crate::domain::{Assignment, Command};
use crate::i18n::{Lang, PipeMsg};
use crate::ui::state::{tr, use_app, AppState, UndoAction};

/// The value of the "spread evenly" choice in the menu.
const SPREAD: &str = "spread";

/// `王伟 4 · 李丽 3` (nobody as "unassigned").
pub fn describe(state: &AppState, lang: Lang, assignments: &[Assignment]) -> String {
    state
        .read(|d| {
            assignments
                .iter()
                .map(|a| {
                    let name = if a.to.is_some() {
                        d.archive.rep_name(a.to).to_owned()
                    } else {
                        lang.t(crate::i18n::Msg::Unassigned).to_owned()
                    };
                    format!("{name} {}", a.deals.len() + a.customers.len())
                })
                .collect::<Vec<_>>()
                .join(" · ")
        })
        .unwrap_or_default()
}

/// Runs an assignment with its undo in the message.
pub fn run(state: AppState, assignments: Vec<Assignment>) {
    // Where each record was before, for the undo: grouped by its old owner.
    let previous = state
        .read(|d| {
            let mut back: Vec<Assignment> = Vec::new();
            for a in &assignments {
                let deals = a.deals.iter().filter_map(|&id| d.archive.deals.get(id).map(|x| (x.owner, id, true)));
                let customers =
                    a.customers.iter().filter_map(|&id| d.archive.customers.get(id).map(|x| (x.owner, id, false)));
                for (owner, id, is_deal) in deals.chain(customers) {
                    let at = match back.iter().position(|b| b.to == owner) {
                        Some(at) => at,
                        None => {
                            back.push(Assignment { to: owner, ..Assignment::default() });
                            back.len() - 1
                        }
                    };
                    if is_deal {
                        back[at].deals.push(id)
                    } else {
                        back[at].customers.push(id)
                    }
                }
            }
            back
        })
        .unwrap_or_default();
    let count: usize = assignments.iter().map(|a| a.deals.len() + a.customers.len()).sum();
    leptos::task::spawn_local(async move {
        let lang = state.lang.get_untracked();
        let text = describe(&state, lang, &assignments);
        match state.execute(Command::Assign(assignments)).await {
            Ok(_) => state.show_toast(
                lang.fill_all(PipeMsg::AssignDone, &[("n", count.to_string()), ("plan", text)]),
                false,
                Some(UndoAction::Assign(previous)),
            ),
            Err(crate::store::ActionError::Domain(e)) => state.show_toast(lang.domain_error(&e), true, None),
            Err(_) => {}
        }
    });
}

/// What the bar assigns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignKind {
    Deals,
    Customers,
}

/// "Assign…": a panel to give the `count` records the list shows (`ids` on demand) to reps.
#[component]
pub fn AssignBar(kind: AssignKind, #[prop(into)] count: Signal<usize>, ids: Callback<(), Vec<Uuid>>) -> impl IntoView {
    let state = use_app();
    let open = RwSignal::new(false);
    let choice = RwSignal::new(String::new());
    let reps = Memo::new(move |_| {
        state
            .read(|d| {
                d.archive.reps.live().filter(|r| r.active).map(|r| (r.meta.id, r.name.clone())).collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    // The target as chosen, with each rep's present load for an even spread.
    let target = move || -> Target {
        let choice = choice.get();
        if choice == SPREAD {
            // What each rep holds now, counted in one pass over the records.
            let held: std::collections::HashMap<Uuid, usize> = state
                .read(|d| {
                    let mut held = std::collections::HashMap::new();
                    let mut count = |owner: Option<Uuid>| {
                        if let Some(owner) = owner {
                            *held.entry(owner).or_insert(0) += 1;
                        }
                    };
                    match kind {
                        AssignKind::Deals => {
                            let pipeline = d.archive.pipeline();
                            d.archive
                                .deals
                                .live()
                                .filter(|x| pipeline.is_some_and(|p| p.is_open(x)))
                                .for_each(|x| count(x.owner));
                        }
                        AssignKind::Customers => d.archive.customers.live().for_each(|c| count(c.owner)),
                    }
                    held
                })
                .unwrap_or_default();
            Target::Spread(reps.get().iter().map(|&(id, _)| (id, held.get(&id).copied().unwrap_or(0))).collect())
        } else {
            Target::One(choice.parse().ok())
        }
    };
    let items =
        move || -> Vec<(Uuid, bool)> { ids.run(()).into_iter().map(|id| (id, kind == AssignKind::Deals)).collect() };
    let preview = Memo::new(move |_| {
        if !open.get() {
            return String::new();
        }
        state.version.track();
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
        <button class="secondary" data-testid="assign-open" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
            {tr(PipeMsg::AssignOpen)}
        </button>
        {move || open.get().then(|| view! {
            <div class="assign-panel card" data-testid="assign-panel">
                <label class="field">
                    <span>{move || {
                        let msg = if kind == AssignKind::Deals { PipeMsg::AssignDealsAsk } else { PipeMsg::AssignCustomersAsk };
                        state.lang.get().fill(msg, "n", &count.get().to_string())
                    }}</span>
                    <select data-testid="assign-to" on:change=move |ev| choice.set(event_target_value(&ev))>
                        <option value="" selected=move || choice.get().is_empty()>{tr(crate::i18n::Msg::Unassigned)}</option>
                        <option value=SPREAD selected=move || choice.get() == SPREAD>
                            {move || state.lang.get().fill(PipeMsg::AssignSpread, "n", &reps.get().len().to_string())}
                        </option>
                        {move || reps.get().into_iter().map(|(id, name)| view! {
                            <option value=id.to_string() selected=move || choice.get() == id.to_string()>{name}</option>
                        }).collect_view()}
                    </select>
                </label>
                <p class="muted" data-testid="assign-plan">{move || state.lang.get().fill(PipeMsg::AssignPlan, "plan", &preview.get())}</p>
                {move || (choice.get() == SPREAD).then(|| view! { <p class="muted small">{tr(PipeMsg::AssignReason)}</p> })}
                <button class="primary" data-testid="assign-go" on:click=go>{tr(PipeMsg::AssignGo)}</button>
            </div>
        })}
    }
}
