//! Targets for the period and measure: the company, each team and each rep with their three
//! tiers, typed by hand or split from the level above (evenly, by capacity, by experience, by
//! last period's share); where the parts do not add up to the whole, by how much; and every
//! change with who and when.

use leptos::prelude::*;

use super::{holder_name, use_quota, Quota};
use crate::domain::quota::{
    actuals, figure_text, mismatch, parse_figure, split_tiers, split_weights, Holder, Measure, Org, QuotaProblem,
    RepProfile, SplitMethod, Tiers,
};
use crate::domain::quota_commands::{sets_for_period, TargetSet};
use crate::domain::{Command, DomainError, RecordKind};
use crate::i18n::QMsg;
use crate::store::ActionError;
use crate::ui::clock;
use crate::ui::state::{tr, use_app, AppState};

/// What is typed in a row: target, stretch, challenge.
type Typed = [String; 3];

/// The rows of the table, in the org's order: the company, each team and its reps, then the
/// reps in no team.
fn holders(quota: Quota) -> Vec<Holder> {
    quota.org.with(|org| {
        let mut out = vec![Holder::Company];
        for (team, reps) in &org.teams {
            out.push(Holder::Team(*team));
            out.extend(reps.iter().map(|r| Holder::Rep(*r)));
        }
        out.extend(org.teamless.iter().map(|r| Holder::Rep(*r)));
        out
    })
}

/// The stored tiers of `holder` for the period and measure, as typed text.
fn stored_text(quota: Quota, holder: Holder) -> Typed {
    let (period, measure) = (quota.period(), quota.measure());
    let tiers = quota.book.with(|b| b.of(holder, measure, &period));
    let text = |v: Option<i64>| v.map(|v| plain(measure, v)).unwrap_or_default();
    [text(tiers.map(|t| t.target)), text(tiers.and_then(|t| t.stretch)), text(tiers.and_then(|t| t.challenge))]
}

/// A figure as it is typed back into a field: an amount in yuan (`35000` or `35000.5`), a count.
fn plain(measure: Measure, value: i64) -> String {
    if measure.is_money() {
        let (yuan, cents) = (value / 100, value % 100);
        if cents == 0 {
            yuan.to_string()
        } else {
            format!("{yuan}.{cents:02}")
        }
    } else {
        value.to_string()
    }
}

/// The tiers typed in a row (None: the target emptied, to remove it).
fn parse_row(measure: Measure, typed: &Typed) -> Result<Option<Tiers>, QuotaProblem> {
    let [target, stretch, challenge] = [0, 1, 2].map(|i| parse_figure(measure, &typed[i]));
    let Some(target) = target? else { return Ok(None) };
    Ok(Some(Tiers { target, stretch: stretch?, challenge: challenge? }))
}

#[component]
pub fn TargetsTab() -> impl IntoView {
    let state = use_app();
    let quota = use_quota();
    // Rows typed but not saved, and the problem of each that could not be saved.
    let drafts = RwSignal::new(Vec::<(Holder, Typed)>::new());
    let problems = RwSignal::new(Vec::<(Holder, String)>::new());
    // A new period or measure starts with what is stored.
    Effect::new(move |_| {
        quota.view.track();
        drafts.set(Vec::new());
        problems.set(Vec::new());
    });
    let save = move |_| save_drafts(state, quota, drafts, problems);
    view! {
        <div class="card">
            <SplitPanel drafts />
            <p class="hint">{tr(QMsg::SpreadHint)}</p>
            <div class="table-scroll">
                <table class="history targets" data-testid="targets">
                    <thead><tr>
                        <th>{tr(QMsg::ColHolder)}</th>
                        <th class="num">{tr(QMsg::TierTarget)}</th><th class="num">{tr(QMsg::TierStretch)}</th><th class="num">{tr(QMsg::TierChallenge)}</th>
                        <th></th>
                    </tr></thead>
                    <tbody>
                        {move || holders(quota).into_iter().map(|holder| view! { <TargetRow holder drafts problems /> }).collect_view()}
                    </tbody>
                </table>
            </div>
            <div class="form-actions">
                <button class="primary" data-testid="targets-save" disabled=move || drafts.with(Vec::is_empty) on:click=save>{tr(QMsg::Save)}</button>
            </div>
            <Mismatches />
        </div>
        <HistoryCard />
    }
}

/// Sends every typed row as one command (spread over the period's months); rows that cannot be
/// read stay typed with their problem beside them, and nothing is saved.
fn save_drafts(
    state: AppState,
    quota: Quota,
    drafts: RwSignal<Vec<(Holder, Typed)>>,
    problems: RwSignal<Vec<(Holder, String)>>,
) {
    let (period, measure) = (quota.period(), quota.measure());
    let lang = state.lang.get_untracked();
    let mut sets: Vec<TargetSet> = Vec::new();
    let mut wrong = Vec::new();
    for (holder, typed) in drafts.get_untracked() {
        match parse_row(measure, &typed).and_then(|tiers| sets_for_period(holder, measure, &period, tiers)) {
            Ok(more) => sets.extend(more),
            Err(problem) => wrong.push((holder, lang.quota_problem(problem).to_owned())),
        }
    }
    problems.set(wrong.clone());
    if !wrong.is_empty() {
        return;
    }
    leptos::task::spawn_local(async move {
        match state.execute(Command::SetTargets(sets)).await {
            Ok(saved) => {
                drafts.set(Vec::new());
                state.toast_with_undo(
                    state.t(QMsg::Saved).to_owned(),
                    &saved,
                    state.t(crate::i18n::Msg::EditUndone).to_owned(),
                );
            }
            Err(ActionError::Domain(DomainError::Quota(problem))) => {
                state.show_toast(state.lang.get_untracked().quota_problem(problem).to_owned(), true, None)
            }
            Err(_) => {}
        }
    });
}

/// One holder's row: its name (indented under its team) and its three tiers.
///
/// `holder`: whose targets; `drafts`: what is typed and not saved; `problems`: why a row was
/// not saved.
#[component]
fn TargetRow(
    holder: Holder,
    drafts: RwSignal<Vec<(Holder, Typed)>>,
    problems: RwSignal<Vec<(Holder, String)>>,
) -> impl IntoView {
    let state = use_app();
    let quota = use_quota();
    let typed = move |i: usize| {
        drafts
            .with(|d| d.iter().find(|(h, _)| *h == holder).map(|(_, t)| t[i].clone()))
            .unwrap_or_else(|| stored_text(quota, holder)[i].clone())
    };
    let set = move |i: usize, value: String| {
        drafts.update(|d| match d.iter_mut().find(|(h, _)| *h == holder) {
            Some((_, t)) => t[i] = value,
            None => {
                let mut t = stored_text(quota, holder);
                t[i] = value;
                d.push((holder, t));
            }
        })
    };
    let class = match holder {
        Holder::Company => "company-row",
        Holder::Team(_) => "team-row",
        Holder::Rep(_) => "rep-row",
    };
    let testid = match holder {
        Holder::Company => "target-company".to_owned(),
        Holder::Team(id) => format!("target-team-{id}"),
        Holder::Rep(id) => format!("target-rep-{id}"),
    };
    let problem = move || problems.with(|p| p.iter().find(|(h, _)| *h == holder).map(|(_, t)| t.clone()));
    view! {
        <tr class=class data-testid=testid>
            <td>{move || holder_name(state, holder)}</td>
            {[0usize, 1, 2].into_iter().map(|i| view! {
                <td class="num">
                    <input type="text" inputmode="decimal" class="figure" data-testid=format!("tier-{i}")
                        aria-label=move || format!("{} {}", holder_name(state, holder), state.t([QMsg::TierTarget, QMsg::TierStretch, QMsg::TierChallenge][i]))
                        prop:value=move || typed(i) on:input=move |ev| set(i, event_target_value(&ev)) />
                </td>
            }).collect_view()}
            <td>{move || problem().map(|p| view! { <span class="field-error" role="alert" data-testid="target-error">{p}</span> })}</td>
        </tr>
    }
}

/// Where a level's parts do not add up to its target, and by how much (in cents for amounts).
#[component]
fn Mismatches() -> impl IntoView {
    let state = use_app();
    let quota = use_quota();
    let lines = move || {
        let (period, measure) = (quota.period(), quota.measure());
        let lang = state.lang.get();
        let parents: Vec<Holder> = std::iter::once(Holder::Company)
            .chain(quota.org.with(|o| o.teams.iter().map(|(t, _)| Holder::Team(*t)).collect::<Vec<_>>()))
            .collect();
        parents
            .into_iter()
            .filter_map(|parent| {
                let (whole, parts) = quota.book.with(|book| {
                    let target = |h| book.of(h, measure, &period).map(|t| t.target);
                    (target(parent), quota.org.with(|o| o.parts(parent)).into_iter().map(target).collect::<Vec<_>>())
                });
                let diff = mismatch(whole, &parts)?;
                let amount = figure_text(measure, diff.abs());
                let name = holder_name(state, parent);
                Some(if diff > 0 { lang.mismatch_over(&name, &amount) } else { lang.mismatch_under(&name, &amount) })
            })
            .collect::<Vec<_>>()
    };
    view! {
        <ul class="mismatches" data-testid="mismatches">
            {move || lines().into_iter().map(|l| view! { <li class="field-error" data-testid="mismatch">{l}</li> }).collect_view()}
        </ul>
    }
}

/// Splits a level's stored target among its parts into the table (to check and change before
/// saving).
///
/// `drafts`: the table's typed rows, which the split fills.
#[component]
fn SplitPanel(drafts: RwSignal<Vec<(Holder, Typed)>>) -> impl IntoView {
    let state = use_app();
    let quota = use_quota();
    let parent = RwSignal::new(Holder::Company);
    let method = RwSignal::new(SplitMethod::Even);
    let problem = RwSignal::new(None::<String>);
    let teams = move || quota.org.with(|o| o.teams.iter().map(|(t, _)| *t).collect::<Vec<_>>());
    let preview = move |_| match split_into_drafts(state, quota, parent.get_untracked(), method.get_untracked()) {
        Ok(rows) => {
            problem.set(None);
            drafts.update(|d| {
                for (holder, typed) in rows {
                    d.retain(|(h, _)| *h != holder);
                    d.push((holder, typed));
                }
            });
        }
        Err(text) => problem.set(Some(text)),
    };
    let method_label = |m: SplitMethod| match m {
        SplitMethod::Even => QMsg::SplitEven,
        SplitMethod::Capacity => QMsg::SplitCapacity,
        SplitMethod::Experience => QMsg::SplitExperience,
        SplitMethod::LastPeriod => QMsg::SplitLast,
    };
    view! {
        <div class="inline-form split" data-testid="split">
            <strong>{tr(QMsg::SplitTitle)}</strong>
            <label class="field inline"><span>{tr(QMsg::SplitFrom)}</span>
                <select data-testid="split-parent" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    parent.set(v.parse().map(Holder::Team).unwrap_or(Holder::Company));
                }>
                    <option value="company">{tr(QMsg::Company)}</option>
                    {move || teams().into_iter().map(|t| view! { <option value=t.to_string()>{holder_name(state, Holder::Team(t))}</option> }).collect_view()}
                </select>
            </label>
            <label class="field inline"><span>{tr(QMsg::SplitBy)}</span>
                <select data-testid="split-method" on:change=move |ev| method.set(SplitMethod::from_code(&event_target_value(&ev)).unwrap_or(SplitMethod::Even))>
                    {SplitMethod::ALL.iter().map(|&m| view! { <option value=m.code()>{tr(method_label(m))}</option> }).collect_view()}
                </select>
            </label>
            <button data-testid="split-preview" on:click=preview>{tr(QMsg::SplitPreview)}</button>
            <span class="hint">{tr(QMsg::SplitHint)}</span>
            {move || problem.get().map(|p| view! { <p class="field-error" role="alert" data-testid="split-error">{p}</p> })}
        </div>
    }
}

/// The parts of `parent`'s stored target under `method`, as rows to type into the table.
fn split_into_drafts(
    state: AppState,
    quota: Quota,
    parent: Holder,
    method: SplitMethod,
) -> Result<Vec<(Holder, Typed)>, String> {
    let (period, measure) = (quota.period(), quota.measure());
    let lang = state.lang.get_untracked();
    let whole = quota.book.with_untracked(|b| b.of(parent, measure, &period));
    let Some(whole) = whole else { return Err(lang.no_parent_target(&holder_name(state, parent))) };
    // A split goes to the reps still here: the period's org also holds those who left during it
    // (their results count), but a new target is not given to someone who has left.
    let org = state.with_data(|d| Org::new(d.archive().teams.rows(), d.archive().reps.rows())).unwrap_or_default();
    let parts = org.parts(parent);
    // Last period's results, for a split by share.
    let previous = period.previous();
    let last = state
        .with_data(|d| {
            let a = d.archive();
            let fx = crate::domain::forecast::ForecastPlan::conversion(
                a.forecast_plans.get(crate::domain::forecast::FORECAST_PLAN_ID),
            );
            a.pipeline().map(|p| actuals(p, a.deals.rows(), a.customers.rows(), &previous, clock::today().offset, &fx))
        })
        .flatten()
        .unwrap_or_default();
    let profiles =
        state.read(&[RecordKind::RepProfile], |d| d.archive().rep_profiles.rows().to_vec()).unwrap_or_default();
    let profile =
        |id| profiles.iter().find(|p| p.meta.id == id).cloned().unwrap_or_else(|| RepProfile::default_for(id));
    let last_of = |h: Holder| match h {
        Holder::Company => last.total(measure),
        _ => last.of(&org.reps_of(h), measure),
    };
    let weights = split_weights(method, &parts, &org, &profile, &last_of);
    let split = split_tiers(whole, &weights).map_err(|p| lang.quota_problem(p).to_owned())?;
    Ok(parts
        .into_iter()
        .zip(split)
        .map(|(holder, t)| {
            let text = |v: Option<i64>| v.map(|v| plain(measure, v)).unwrap_or_default();
            (holder, [plain(measure, t.target), text(t.stretch), text(t.challenge)])
        })
        .collect())
}

/// Every change of the period's targets for the measure, newest first: who, when, from, to.
#[component]
fn HistoryCard() -> impl IntoView {
    let state = use_app();
    let quota = use_quota();
    let lines = move || {
        let (period, measure) = (quota.period(), quota.measure());
        let months = crate::domain::quota::months_of(&period);
        let lang = state.lang.get();
        let mut changes = state
            .read(&[RecordKind::Target], |d| {
                d.archive()
                    .targets
                    .rows()
                    .iter()
                    .filter(|t| t.measure == measure && months.contains(&t.month))
                    .flat_map(|t| t.changes.iter().map(move |c| (t.holder, t.month, c.clone())))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        changes.sort_by_key(|c| std::cmp::Reverse(c.2.at));
        changes
            .into_iter()
            .take(50)
            .map(|(holder, month, change)| {
                let tiers =
                    |t: Option<Tiers>| t.map(|t| figure_text(measure, t.target)).unwrap_or_else(|| "—".to_owned());
                let who = format!("{} · {} {}", change.by, holder_name(state, holder), month.format("%Y-%m"));
                lang.history_line(&who, &clock::format_time(change.at.0), &tiers(change.from), &tiers(Some(change.to)))
            })
            .collect::<Vec<_>>()
    };
    view! {
        <div class="card">
            <h2>{tr(QMsg::History)}</h2>
            {move || {
                let lines = lines();
                if lines.is_empty() {
                    view! { <p class="muted">{tr(QMsg::NoHistory)}</p> }.into_any()
                } else {
                    view! { <ul class="history-lines" data-testid="target-history">{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul> }.into_any()
                }
            }}
        </div>
    }
}
