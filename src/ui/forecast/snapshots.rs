//! Snapshots of the forecast and its trend: the period's forecast as it stood each week (and
//! whenever saved by hand), and for a period that is over, how far each call was from what closed.

use leptos::prelude::*;
use uuid::Uuid;

use super::{money, use_figures, Figures};
use crate::charts::{Bar, BarChart};
use crate::domain::forecast::{class_method, weighted_total};
use crate::domain::outcome::{by_probability, period_outcome};
use crate::domain::snapshot::{of_period, weekly_due, ForecastSnapshot, Taken};
use crate::domain::{Command, RecordKind};
use crate::i18n::FcMsg;
use crate::ui::charts::WorkerCharts;
use crate::ui::clock;
use crate::ui::state::{tr, use_app, AppState};

/// The snapshot of the forecast as it stands, if it can be taken (a view with a lead source filter
/// cannot: snapshots are of the whole pipeline, a team's or one rep's). What-if changes on the
/// page (deals won or lost, rates to try) are never in it: it is the pipeline as it is, with the
/// saved rates and the range by win probability.
fn take(figures: Figures, automatic: bool) -> Option<ForecastSnapshot> {
    let (period, scope) = figures.view.get_untracked();
    if scope.lead_source.is_some() {
        return None;
    }
    let deals = figures.report.with_untracked(|r| r.as_ref().map(|r| r.deals.clone()))?;
    let rates = figures.saved_rates.get_untracked()?;
    let range = period_outcome(&deals, by_probability, figures.seed());
    let class_method = class_method(&deals, &rates).1;
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
    // The weekly one, taken once the figures are there.
    let tried = StoredValue::new(false);
    Effect::new(move |_| {
        // (Only once every snapshot is read: the first load leaves them for later.)
        let ready =
            state.complete.get() && figures.report.with(Option::is_some) && figures.saved_rates.with(Option::is_some);
        if !ready || tried.get_value() {
            return;
        }
        tried.set_value(true);
        // After the page is painted: taking one works the range out again, and saving it may
        // fetch the write path; neither should hold up the forecast's first paint.
        leptos::task::spawn_local(async move {
            crate::ui::state::pause(300).await;
            // (The page may have been left meanwhile.)
            let Some((period, scope)) = figures.view.try_get_untracked() else { return };
            let due = all.try_with_untracked(|all| weekly_due(all, &period, &scope, clock::today().date));
            if let (Some(true), Some(snapshot)) = (due, take(figures, true)) {
                save(state, snapshot, false);
            }
        });
    });
    let rows = move || {
        let (period, scope) = figures.view.get();
        all.with(|all| of_period(all, &period, &scope).into_iter().cloned().collect::<Vec<_>>())
    };
    let over = move || figures.view.with(|(p, _)| p.end <= clock::today().date);
    // How the call moved: one bar per snapshot, oldest at the top.
    let trend = Memo::new(move |_| {
        let lang = state.lang.get();
        let currency = figures.currency();
        let bars = rows()
            .iter()
            .map(|s| {
                let label = format!(
                    "{} {}",
                    s.taken.format("%m-%d"),
                    lang.t(if s.automatic { FcMsg::Weekly } else { FcMsg::ByHand })
                );
                Bar::new(
                    label,
                    s.forecast().0 as f64,
                    s.forecast().compact(lang.is_zh()).replacen('¥', currency.symbol(), 1),
                )
            })
            .collect();
        vec![BarChart::new(lang.t(FcMsg::Trend).to_owned(), bars).into()]
    });
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
                let many = rows.len() > 1;
                view! {
                    <div class="table-scroll">
                    <table class="history" data-testid="snapshots">
                        <thead><tr>
                            <th>{tr(FcMsg::ColTaken)}</th><th class="num">{tr(FcMsg::ColCall)}</th><th class="num">{tr(FcMsg::ColClassCall)}</th>
                            <th class="num">{tr(FcMsg::CatCommit)}</th><th class="num">"P10–P90"</th>
                            {over().then(|| view! { <th class="num">{tr(FcMsg::ColError)}</th><th class="num">{tr(FcMsg::ColClassError)}</th> })}
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|s| {
                                let percent = |e: Option<f64>| e.map(|e| format!("{:+.1}%", e * 100.0)).unwrap_or_else(|| "—".into());
                                let error = over().then(|| (percent(s.error(actual())), percent(s.class_error(actual()))));
                                view! {
                                    <tr data-testid="snapshot-row">
                                        <td>{s.taken.to_string()} " " <span class="muted">{tr(if s.automatic { FcMsg::Weekly } else { FcMsg::ByHand })}</span></td>
                                        <td class="num">{money(currency, s.forecast())}</td>
                                        <td class="num">{money(currency, s.class_forecast())}</td>
                                        <td class="num">{money(currency, s.commit)}</td>
                                        <td class="num">{format!("{} – {}", money(currency, s.p10), money(currency, s.p90))}</td>
                                        {error.map(|(e, c)| view! { <td class="num">{e}</td><td class="num">{c}</td> })}
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                    {over().then(|| view! { <p class="hint">{tr(FcMsg::ActualClosed)} ": " {money(currency, actual())}</p> })}
                    {many.then(|| view! {
                        <div class="charts">
                            <WorkerCharts charts=trend names=&["snapshot-trend"] width=460 timing="chart:trend" />
                        </div>
                    })}
                }
                .into_any()
            }}
            <p class="hint">{tr(FcMsg::SnapshotsHint)}</p>
        </div>
    }
}
