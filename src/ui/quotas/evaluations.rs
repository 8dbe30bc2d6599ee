//! Evaluations (绩效考核) of the period: per rep, the results from the data (attainment of the
//! amount target, won deals, activities), the scores the manager gives for work attitude and
//! customer satisfaction, the weighted score, a review note, the payout beside it; the weights;
//! and each rep's past evaluations.

use leptos::prelude::*;
use uuid::Uuid;

use super::{percent, period_name, rep_name, use_quota};
use crate::domain::evaluation::{evaluation_id, score, Evaluation};
use crate::domain::forecast::Period;
use crate::domain::payout::Payouts;
use crate::domain::quota::{Holder, Measure, Sheet};
use crate::domain::{Command, DomainError, RecordKind};
use crate::i18n::{Msg, QMsg};
use crate::store::ActionError;
use crate::ui::clock;
use crate::ui::state::{tr, use_app};

/// One rep's figures from the data for the period.
#[derive(Clone, Debug, PartialEq)]
struct Results {
    rep: Uuid,
    attainment: Option<u32>,
    won: i64,
    activities: i64,
    payout: crate::domain::Money,
}

#[component]
pub fn EvaluationsTab() -> impl IntoView {
    let state = use_app();
    let quota = use_quota();
    let results = Memo::new(move |_| {
        let period = quota.period();
        let calendar = quota.settings.with(|s| s.calendar());
        let reps = quota.org.with(|o| o.reps_of(Holder::Company));
        let payouts = state
            .read(&[RecordKind::IncentiveRule, RecordKind::PayoutStatement, RecordKind::Target], |d| {
                let mut p = Payouts::new(d.archive(), clock::today().offset);
                reps.iter().map(|r| (*r, p.statement(*r, &period).total)).collect::<Vec<_>>()
            })
            .unwrap_or_default();
        quota.actuals.with(|a| {
            let Some(actuals) = a else { return Vec::new() };
            quota.book.with(|book| {
                quota.org.with(|org| {
                    let sheet = Sheet { period, today: clock::today().date, book, org, actuals, calendar: &calendar };
                    reps.iter()
                        .map(|&rep| Results {
                            rep,
                            attainment: sheet.standing(Holder::Rep(rep), Measure::Amount).attainment,
                            won: actuals.of(&[rep], Measure::WonDeals),
                            activities: actuals.of(&[rep], Measure::Activities),
                            payout: payouts.iter().find(|(r, _)| *r == rep).map(|(_, t)| *t).unwrap_or_default(),
                        })
                        .collect()
                })
            })
        })
    });
    view! {
        <div class="card">
            <WeightsForm />
            <p class="hint">{tr(QMsg::EvalHint)}</p>
            <div class="table-scroll">
                <table class="history evaluations" data-testid="evaluations">
                    <thead><tr>
                        <th>{tr(crate::i18n::FcMsg::ColRep)}</th><th class="num">{tr(QMsg::ColAttainment)}</th><th class="num">{tr(QMsg::ColWonDeals)}</th>
                        <th class="num">{tr(QMsg::ColActivities)}</th><th>{tr(QMsg::Discipline)}</th><th>{tr(QMsg::Teamwork)}</th><th>{tr(QMsg::Service)}</th>
                        <th>{tr(QMsg::Satisfaction)}</th><th class="num">{tr(QMsg::ColScore)}</th><th class="num">{tr(QMsg::ColPayout)}</th><th>{tr(QMsg::Note)}</th><th></th>
                    </tr></thead>
                    <tbody>
                        // Keyed by rep and figures: what is typed stays while nothing of the rep changes.
                        <For each=move || results.get() key=|r| (r.rep, r.attainment, r.won, r.activities, r.payout) let:r><EvaluationRow results=r /></For>
                    </tbody>
                </table>
            </div>
        </div>
        <HistoryCard />
    }
}

/// The stored evaluation of `rep` for `period`, or a blank one.
fn stored(state: crate::ui::state::AppState, rep: Uuid, period: &Period) -> Evaluation {
    state
        .read(&[RecordKind::Evaluation], |d| d.archive().evaluations.live_one(evaluation_id(rep, period)).cloned())
        .flatten()
        .unwrap_or_else(|| Evaluation::blank(rep, period))
}

/// One rep's evaluation: figures from the data, the four scores and the note, saved together.
///
/// `results`: the rep's figures from the data.
#[component]
fn EvaluationRow(results: Results) -> impl IntoView {
    let state = use_app();
    let quota = use_quota();
    let rep = results.rep;
    let evaluation = Memo::new(move |_| stored(state, rep, &quota.period()));
    let text = |v: Option<u8>| v.map(|v| v.to_string()).unwrap_or_default();
    let scores: [RwSignal<String>; 4] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let note = RwSignal::new(String::new());
    Effect::new(move |_| {
        let e = evaluation.get();
        for (signal, value) in scores.iter().zip([e.discipline, e.teamwork, e.service, e.satisfaction]) {
            signal.set(text(value));
        }
        note.set(e.note.clone());
    });
    let error = RwSignal::new(None::<String>);
    let total = move || {
        let settings = quota.settings.get();
        score(&evaluation.get(), results.attainment, &settings)
            .total
            .map(|t| t.to_string())
            .unwrap_or_else(|| "—".into())
    };
    let save = move |_| {
        let lang = state.lang.get_untracked();
        let parse = |s: &RwSignal<String>| -> Result<Option<u8>, String> {
            let t = s.get_untracked();
            let t = t.trim();
            if t.is_empty() {
                return Ok(None);
            }
            t.parse::<u8>()
                .map(Some)
                .map_err(|_| lang.quota_problem(crate::domain::quota::QuotaProblem::OutOfRange).to_owned())
        };
        let read = || -> Result<Evaluation, String> {
            Ok(Evaluation {
                discipline: parse(&scores[0])?,
                teamwork: parse(&scores[1])?,
                service: parse(&scores[2])?,
                satisfaction: parse(&scores[3])?,
                note: note.get_untracked(),
                ..evaluation.get_untracked()
            })
        };
        let e = match read() {
            Ok(e) => e,
            Err(text) => return error.set(Some(text)),
        };
        leptos::task::spawn_local(async move {
            match state.execute(Command::SaveEvaluation(Box::new(e))).await {
                Ok(saved) => {
                    error.set(None);
                    state.toast_with_undo(
                        state.t(QMsg::EvaluationSaved).to_owned(),
                        &saved,
                        state.t(Msg::EditUndone).to_owned(),
                    );
                }
                Err(ActionError::Domain(DomainError::Quota(p))) => {
                    error.set(Some(state.lang.get_untracked().quota_problem(p).to_owned()))
                }
                Err(_) => {}
            }
        });
    };
    let labels = [QMsg::Discipline, QMsg::Teamwork, QMsg::Service, QMsg::Satisfaction];
    view! {
        <tr data-testid="evaluation-row">
            <td>{move || rep_name(state, rep)}</td>
            <td class="num">{percent(results.attainment)}</td>
            <td class="num">{results.won}</td>
            <td class="num">{results.activities}</td>
            {scores.into_iter().zip(labels).enumerate().map(|(i, (signal, label))| view! {
                <td><input type="number" min="0" max="100" class="score" data-testid=format!("score-{i}")
                    aria-label=move || format!("{} {}", rep_name(state, rep), state.t(label))
                    prop:value=move || signal.get() on:input=move |ev| signal.set(event_target_value(&ev)) /></td>
            }).collect_view()}
            <td class="num" data-testid="evaluation-score">{total}</td>
            <td class="num">{results.payout.to_string()}</td>
            <td><input type="text" class="note" data-testid="evaluation-note" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) /></td>
            <td>
                <button data-testid="evaluation-save" on:click=save>{tr(QMsg::Save)}</button>
                {move || error.get().map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
            </td>
        </tr>
    }
}

/// The three weights, in percent, saved together (they must add up to 100).
#[component]
fn WeightsForm() -> impl IntoView {
    let state = use_app();
    let quota = use_quota();
    let weights: [RwSignal<String>; 3] = std::array::from_fn(|_| RwSignal::new(String::new()));
    Effect::new(move |_| {
        let s = quota.settings.get();
        for (w, v) in weights.iter().zip([s.weight_results, s.weight_attitude, s.weight_satisfaction]) {
            w.set(v.to_string());
        }
    });
    let error = RwSignal::new(None::<String>);
    let save = move |_| {
        let lang = state.lang.get_untracked();
        let [results, attitude, satisfaction] =
            weights.map(|w| w.get_untracked().trim().parse::<u8>().unwrap_or(u8::MAX));
        leptos::task::spawn_local(async move {
            match state.execute(Command::SetEvaluationWeights { results, attitude, satisfaction }).await {
                Ok(_) => {
                    error.set(None);
                    state.show_toast(state.t(QMsg::Saved).to_owned(), false, None);
                }
                Err(ActionError::Domain(DomainError::Quota(p))) => error.set(Some(lang.quota_problem(p).to_owned())),
                Err(_) => {}
            }
        });
    };
    view! {
        <div class="inline-form weights">
            <span>{tr(QMsg::Weights)}</span>
            {weights.into_iter().enumerate().map(|(i, w)| view! {
                <input type="number" min="0" max="100" class="score" data-testid=format!("weight-{i}") prop:value=move || w.get() on:input=move |ev| w.set(event_target_value(&ev)) />
            }).collect_view()}
            <button data-testid="weights-save" on:click=save>{tr(QMsg::Save)}</button>
            {move || error.get().map(|e| view! { <span class="field-error" role="alert" data-testid="weights-error">{e}</span> })}
        </div>
    }
}

/// Every rep's past evaluations: period, score, note.
#[component]
fn HistoryCard() -> impl IntoView {
    let state = use_app();
    let quota = use_quota();
    let rows = move || {
        let settings = quota.settings.get();
        let mut all = state
            .read(&[RecordKind::Evaluation], |d| d.archive().evaluations.live().cloned().collect::<Vec<_>>())
            .unwrap_or_default();
        all.sort_by(|a, b| (b.start, a.rep).cmp(&(a.start, b.rep)));
        let lang = state.lang.get();
        all.into_iter()
            .take(100)
            .map(|e| {
                let period = Period::containing(e.period, e.start);
                // The results part is the one kept by the score worked out then; here without
                // attainment, the attitude and satisfaction parts.
                let total = score(&e, None, &settings).total.map(|t| t.to_string()).unwrap_or_else(|| "—".into());
                (rep_name(state, e.rep), period_name(lang, &period), total, e.note.clone())
            })
            .collect::<Vec<_>>()
    };
    view! {
        <div class="card">
            <h2>{tr(QMsg::EvalHistory)}</h2>
            <ul class="history-lines" data-testid="evaluation-history">
                {move || rows().into_iter().map(|(name, period, total, note)| view! {
                    <li>{name} " · " {period} " · " {tr(QMsg::ColScore)} " " <strong>{total}</strong> " " <span class="muted">{note}</span></li>
                }).collect_view()}
            </ul>
        </div>
    }
}
