//! Snapshots of the forecast and its trend: the period's forecast as it stood each week (and
//! whenever saved by hand), and for a period that is over, how far each call was from what closed.

use leptos::prelude::*;
use uuid::Uuid;

use super::{money, use_figures, Figures};
use crate::domain::forecast::weighted_total;
use crate::domain::snapshot::{of_period, weekly_due, ForecastSnapshot, Taken};
use crate::domain::{Command, RecordKind};
use crate::i18n::FcMsg;
use crate::ui::clock;
use crate::ui::state::{tr, use_app, AppState};

/// The snapshot of what the page shows now, if it can be taken (a view with a lead source filter
/// cannot: snapshots are of the whole pipeline or one rep's).
fn take(figures: Figures, automatic: bool) -> Option<ForecastSnapshot> {
    let (period, scope) = figures.view.get_untracked();
    if scope.lead_source.is_some() {
        return None;
    }
    let deals = figures.scenario.get_untracked()?;
    let range = figures.range.get_untracked()?;
    let class_method = figures.classes.get_untracked()?.1;
    let totals = crate::domain::forecast::CategoryTotals::of(&deals);
    let taken =
        Taken { period: &period, scope: &scope, weighted: weighted_total(&deals), class_method, totals, range: &range };
    Some(ForecastSnapshot::new(Uuid::new_v4(), clock::today().date, taken, automatic))
}

/// Saves `snapshot`; says so when it was asked for.
fn save(state: AppState, snapshot: ForecastSnapshot, tell: bool) {
    leptos::task::spawn_local(async move {
        if state.execute(Command::SaveSnapshot(Box::new(snapshot))).await.is_ok() && tell {
            state.show_toast(state.t(FcMsg::SnapshotSaved).to_owned(), false, None);
        }
    });
}

#[component]
pub fn Snapshots() -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    let all = Memo::new(move |_| {
        state
            .read(&[RecordKind::ForecastSnapshot], |d| d.archive().forecast_snapshots.rows().to_vec())
            .unwrap_or_default()
    });
    // The weekly one, taken once the figures are there, without what-if changes in them.
    let tried = StoredValue::new(false);
    Effect::new(move |_| {
        let ready = figures.range.with(Option::is_some) && figures.classes.with(Option::is_some);
        if !ready || tried.get_value() || !figures.what_if.with_untracked(Vec::is_empty) {
            return;
        }
        tried.set_value(true);
        let (period, scope) = figures.view.get_untracked();
        let due = all.with_untracked(|all| weekly_due(all, &period, &scope, clock::today().date));
        if let (true, Some(snapshot)) = (due, take(figures, true)) {
            save(state, snapshot, false);
        }
    });
    let rows = move || {
        let (period, scope) = figures.view.get();
        all.with(|all| of_period(all, &period, &scope).into_iter().cloned().collect::<Vec<_>>())
    };
    let over = move || figures.view.with(|(p, _)| p.end <= clock::today().date);
    let actual = move || figures.report.with(|r| r.as_ref().map(|r| r.totals.closed).unwrap_or_default());
    view! {
        <div class="card">
            <h2>{tr(FcMsg::Snapshots)}</h2>
            <div>
                <button data-testid="snapshot-save" disabled=move || figures.view.with(|(_, s)| s.lead_source.is_some())
                    on:click=move |_| if let Some(s) = take(figures, false) { save(state, s, true) }>{tr(FcMsg::SaveSnapshot)}</button>
            </div>
            {move || {
                let rows = rows();
                if rows.is_empty() {
                    return view! { <p class="muted" data-testid="snapshots-none">{tr(FcMsg::NoSnapshots)}</p> }.into_any();
                }
                let currency = figures.currency();
                view! {
                    <div class="table-scroll">
                    <table class="history" data-testid="snapshots">
                        <thead><tr>
                            <th>{tr(FcMsg::ColTaken)}</th><th class="num">{tr(FcMsg::ColCall)}</th><th class="num">{tr(FcMsg::ClassMethod)}</th>
                            <th class="num">{tr(FcMsg::CatCommit)}</th><th class="num">"P10–P90"</th>
                            {over().then(|| view! { <th class="num">{tr(FcMsg::ColError)}</th> })}
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|s| {
                                let error = over().then(|| s.error(actual()).map(|e| format!("{:+.1}%", e * 100.0)).unwrap_or_else(|| "—".into()));
                                view! {
                                    <tr data-testid="snapshot-row">
                                        <td>{s.taken.to_string()} " " <span class="muted">{tr(if s.automatic { FcMsg::Weekly } else { FcMsg::ByHand })}</span></td>
                                        <td class="num">{money(currency, s.forecast())}</td>
                                        <td class="num">{money(currency, s.class_method)}</td>
                                        <td class="num">{money(currency, s.commit)}</td>
                                        <td class="num">{format!("{} – {}", money(currency, s.p10), money(currency, s.p90))}</td>
                                        {error.map(|e| view! { <td class="num">{e}</td> })}
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                    {over().then(|| view! { <p class="hint">{tr(FcMsg::ActualClosed)} ": " {money(currency, actual())}</p> })}
                }
                .into_any()
            }}
            <p class="hint">{tr(FcMsg::SnapshotsHint)}</p>
        </div>
    }
}
