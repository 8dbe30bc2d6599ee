//! Attainment of the period: each holder's target, what was attained, the gap, where they should
//! be by today on the working-day calendar, and coverage by the open pipeline; the charts
//! (attainment by rep against the target line, the burn-up of won amount, coverage by rep) and
//! the leaderboard.

use leptos::prelude::*;

use super::{holder_name, percent, use_quota, Quota};
use crate::charts::{Bar, BarChart, Chart, LineChart, Series};
use crate::domain::quota::{burn_up, figure_text, leaderboard, pace, Holder, Standing};
use crate::i18n::QMsg;
use crate::ui::charts::WorkerCharts;
use crate::ui::clock;
use crate::ui::state::{tr, use_app, AppState};

#[component]
pub fn AttainmentTab() -> impl IntoView {
    let state = use_app();
    let quota = use_quota();
    let unconverted = move || quota.actuals.with(|a| a.as_ref().map_or(0, |a| a.unconverted));
    view! {
        <div class="card">
            <StandingsTable />
            <Show when=move || { unconverted() > 0 }>
                <p class="hint" data-testid="unconverted">{move || state.lang.get().unconverted(unconverted())}</p>
            </Show>
            <p class="hint">{tr(QMsg::CoverageHint)}</p>
        </div>
        <div class="card">
            <AttainmentCharts />
        </div>
        <div class="card">
            <h2>{tr(QMsg::Leaderboard)}</h2>
            <Leaderboard />
        </div>
    }
}

/// The company, each team and each rep: target, attained, attainment, gap, due by today,
/// ahead or behind, open weighted, coverage.
#[component]
fn StandingsTable() -> impl IntoView {
    let state = use_app();
    let quota = use_quota();
    // How far into the period, on working days; or why there is no pace (no working day in it).
    let pace_note = move || {
        let lang = state.lang.get();
        quota.standings.with(|s| match s.first() {
            Some(c) if c.pace.is_some() => c.pace.map(|p| lang.working_days(p.elapsed, p.total)),
            Some(c) if c.target.is_some() => {
                Some(lang.quota_problem(crate::domain::quota::QuotaProblem::NoWorkingDays).to_owned())
            }
            _ => None,
        })
    };
    view! {
        <p class="hint" data-testid="pace-note">{pace_note}</p>
        <div class="table-scroll">
            <table class="history standings" data-testid="standings">
                <thead><tr>
                    <th>{tr(QMsg::ColHolder)}</th><th class="num">{tr(QMsg::TierTarget)}</th><th class="num">{tr(QMsg::ColActual)}</th>
                    <th class="num">{tr(QMsg::ColAttainment)}</th><th class="num">{tr(QMsg::ColGap)}</th><th class="num">{tr(QMsg::ColDue)}</th>
                    <th class="num">{tr(QMsg::ColAhead)}</th><th class="num">{tr(QMsg::ColOpen)}</th><th class="num">{tr(QMsg::ColCoverage)}</th>
                </tr></thead>
                <tbody>
                    // Keyed by what a row shows: a deal won repaints its rep's, team's and the
                    // company's rows, not all of them.
                    <For each=move || quota.standings.get() key=row_key let:standing><StandingRow standing /></For>
                </tbody>
            </table>
        </div>
    }
}

/// What a standing's row shows, to tell which rows changed.
type RowKey = (Holder, Option<(i64, Option<i64>, Option<i64>)>, i64, i64, Option<i64>, Option<i64>);

fn row_key(s: &Standing) -> RowKey {
    let target = s.target.map(|t| (t.target, t.stretch, t.challenge));
    (s.holder, target, s.actual, s.open_weighted, s.ahead, s.pace.map(|p| p.expected))
}

/// One row of the standings.
///
/// `standing`: the holder's figures.
#[component]
fn StandingRow(standing: Standing) -> impl IntoView {
    let state = use_app();
    let quota = use_quota();
    let measure = quota.measure();
    let figure = move |v: i64| figure_text(measure, v);
    let (class, testid) = match standing.holder {
        Holder::Company => ("company-row", "standing-company".to_owned()),
        Holder::Team(id) => ("team-row", format!("standing-team-{id}")),
        Holder::Rep(id) => ("rep-row", format!("standing-rep-{id}")),
    };
    let holder = standing.holder;
    let ahead = standing.ahead.map(|a| if a >= 0 { format!("+{}", figure(a)) } else { format!("−{}", figure(-a)) });
    view! {
        <tr class=class data-testid=testid>
            <td>{move || holder_name(state, holder)}</td>
            <td class="num">{standing.target.map(|t| figure(t.target)).unwrap_or_else(|| state.t(QMsg::NoTarget).to_owned())}</td>
            <td class="num" data-testid="standing-actual">{figure(standing.actual)}</td>
            <td class="num" data-testid="standing-attainment">{percent(standing.attainment)}</td>
            <td class="num">{standing.target.map(|_| figure(standing.gap)).unwrap_or_default()}</td>
            <td class="num">{standing.pace.map(|p| figure(p.expected)).unwrap_or_default()}</td>
            <td class="num">{ahead.unwrap_or_default()}</td>
            <td class="num">{if measure.is_money() { figure(standing.open_weighted) } else { String::new() }}</td>
            <td class="num">{standing.coverage.map(|c| format!("{c:.2}×")).unwrap_or_default()}</td>
        </tr>
    }
}

/// Attainment by rep against the 100 % line, the burn-up of the company's won amount with its
/// target and pace, and coverage by rep.
#[component]
fn AttainmentCharts() -> impl IntoView {
    let state = use_app();
    let quota = use_quota();
    let charts = Memo::new(move |_| {
        let lang = state.lang.get();
        let reps: Vec<Standing> =
            quota.standings.with(|s| s.iter().filter(|x| matches!(x.holder, Holder::Rep(_))).cloned().collect());
        let by_rep = |value: &dyn Fn(&Standing) -> Option<f64>, text: &dyn Fn(f64) -> String| {
            reps.iter()
                .map(|s| {
                    let v = value(s).unwrap_or(0.0);
                    Bar::new(holder_name(state, s.holder), v, value(s).map(text).unwrap_or_else(|| "—".into()))
                })
                .collect::<Vec<_>>()
        };
        let mut attainment = BarChart::new(
            lang.t(QMsg::ChartAttainment).to_owned(),
            by_rep(&|s| s.attainment.map(|a| f64::from(a) / 100.0), &|v| format!("{v:.1}%")),
        );
        attainment.marker = Some((100.0, format!("{} 100%", lang.t(QMsg::TierTarget))));
        let mut coverage =
            BarChart::new(lang.t(QMsg::ChartCoverage).to_owned(), by_rep(&|s| s.coverage, &|v| format!("{v:.2}×")));
        coverage.marker = Some((1.0, "1×".to_owned()));
        // Counts (deals, customers, activities) have no burn-up of amounts and no coverage.
        let mut out: Vec<Chart> = vec![attainment.into()];
        if let Some(line) = burn_up_chart(state, quota) {
            out.push(line.into());
            out.push(coverage.into());
        }
        out
    });
    view! {
        <div class="charts">
            {move || {
                let names: &'static [&'static str] =
                    if quota.measure().is_money() { &["attainment", "burn-up", "coverage"] } else { &["attainment"] };
                view! { <WorkerCharts charts names width=460 timing="chart:quota" /> }
            }}
        </div>
    }
}

/// The burn-up of the company's won amount through the period (until today), with its target
/// and where it should be on the working-day calendar each day. Amounts only.
fn burn_up_chart(state: AppState, quota: Quota) -> Option<LineChart> {
    let lang = state.lang.get();
    let (period, measure) = (quota.period(), quota.measure());
    if !measure.is_money() {
        return None;
    }
    let today = clock::today().date;
    let target = quota.book.with(|b| b.of(Holder::Company, measure, &period)).map(|t| t.target);
    let calendar = quota.settings.with(|s| s.calendar());
    let won: Vec<f64> = quota.actuals.with(|a| {
        a.as_ref()
            .map(|a| burn_up(a, None, &period, today).into_iter().map(|(_, v)| v as f64).collect())
            .unwrap_or_default()
    });
    let days: Vec<chrono::NaiveDate> = period.start.iter_days().take_while(|d| *d < period.end).collect();
    let mut series = vec![Series {
        name: lang.t(QMsg::SeriesWon).to_owned(),
        values: won.iter().map(|v| v / 100.0).collect(),
        dashed: false,
    }];
    if let Some(target) = target {
        series.push(Series {
            name: lang.t(QMsg::SeriesTarget).to_owned(),
            values: vec![target as f64 / 100.0; days.len()],
            dashed: true,
        });
        let due: Vec<f64> = days
            .iter()
            .map(|d| pace(target, &period, *d, &calendar).map_or(0.0, |p| p.expected as f64 / 100.0))
            .collect();
        series.push(Series { name: lang.t(QMsg::SeriesPace).to_owned(), values: due, dashed: true });
    }
    let top = target.unwrap_or(0).max(won.last().copied().unwrap_or(0.0) as i64);
    let label = |d: Option<&chrono::NaiveDate>| d.map(|d| d.format("%m-%d").to_string()).unwrap_or_default();
    Some(LineChart {
        title: lang.t(QMsg::ChartBurnUp).to_owned(),
        length: days.len(),
        x_labels: [label(days.first()), label(days.get(days.len() / 2)), label(days.last())],
        y_max_text: crate::domain::Money(top).compact(lang.is_zh()),
        series,
    })
}

/// Reps by attainment, highest first.
#[component]
fn Leaderboard() -> impl IntoView {
    let state = use_app();
    let quota = use_quota();
    let rows = move || {
        let measure = quota.measure();
        quota.standings.with(|s| {
            leaderboard(s).into_iter().map(|x| (x.holder, x.attainment, x.actual, measure)).collect::<Vec<_>>()
        })
    };
    view! {
        <ol class="leaderboard" data-testid="leaderboard">
            <For each=rows key=|row| *row let:row>
                <li><span class="name">{holder_name(state, row.0)}</span> " " <strong>{percent(row.1)}</strong> " " <span class="muted">{figure_text(row.3, row.2)}</span></li>
            </For>
        </ol>
    }
}
