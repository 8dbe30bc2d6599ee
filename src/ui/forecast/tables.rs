//! The forecast categories (single and cumulative), slipped deals, and the conversion between
//! stages.

use leptos::prelude::*;

use super::{money, use_figures, DealChips};
use crate::domain::forecast::{by_owner, by_team, CategoryTotals};
use crate::domain::RecordKind;
use crate::i18n::FcMsg;
use crate::ui::state::{tr, use_app};

/// Totals per category, each on its own and cumulative.
#[component]
pub fn Categories() -> impl IntoView {
    let figures = use_figures();
    let totals = move || figures.report.with(|r| r.as_ref().map(|r| r.totals).unwrap_or_default());
    let rows = move || {
        let t = totals();
        let c = t.cumulative();
        [
            (FcMsg::CatClosed, t.closed, Some(c.closed)),
            (FcMsg::CatCommit, t.commit, Some(c.commit)),
            (FcMsg::CatBestCase, t.best_case, Some(c.best_case)),
            (FcMsg::CatPipeline, t.pipeline, Some(c.open_pipeline)),
            (FcMsg::CatOmitted, t.omitted, None),
        ]
    };
    view! {
        <div class="card">
            <h2>{tr(FcMsg::Categories)}</h2>
            <table class="history" data-testid="forecast-categories">
                <thead><tr><th></th><th class="num">{tr(FcMsg::Single)}</th><th class="num">{tr(FcMsg::Cumulative)}</th></tr></thead>
                <tbody>
                    {move || rows().into_iter().map(|(label, single, cumulative)| view! {
                        <tr>
                            <td>{tr(label)}{(label == FcMsg::CatPipeline).then(|| view! { <span class="muted">" / " {tr(FcMsg::OpenPipeline)}</span> })}</td>
                            <td class="num">{money(figures.currency(), single)}</td>
                            <td class="num">{cumulative.map(|c| money(figures.currency(), c)).unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p class="hint">{tr(FcMsg::CategoriesHint)}</p>
        </div>
    }
}

/// Commit and best-case deals past their close date.
#[component]
pub fn Slipped() -> impl IntoView {
    let figures = use_figures();
    let ids = move || figures.report.with(|r| r.as_ref().map(|r| r.slipped.clone()).unwrap_or_default());
    view! {
        <div class="card">
            <h2>{tr(FcMsg::Slipped)}</h2>
            {move || {
                let ids = ids();
                if ids.is_empty() {
                    view! { <p class="muted" data-testid="slipped-none">{tr(FcMsg::NoSlipped)}</p> }.into_any()
                } else {
                    view! { <DealChips ids max=30 testid="slipped" /> }.into_any()
                }
            }}
        </div>
    }
}

/// How many deals entered each open stage, how many moved on, and in how many days.
#[component]
pub fn StageFlowTable() -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    let rows = move || {
        let names = state.with_data(|d| d.archive().pipeline().cloned()).flatten();
        figures.report.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.flow
                        .iter()
                        .map(|f| {
                            let name =
                                names.as_ref().and_then(|p| p.stage_name(f.stage)).unwrap_or_default().to_owned();
                            (name, f.entered, f.moved_on, f.median_days)
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <div class="card">
            <h2>{tr(FcMsg::StageFlow)}</h2>
            <table class="history" data-testid="forecast-flow">
                <thead><tr>
                    <th>{tr(FcMsg::ColStage)}</th><th class="num">{tr(FcMsg::ColEntered)}</th>
                    <th class="num">{tr(FcMsg::ColMovedOn)}</th><th class="num">{tr(FcMsg::ColMedianDays)}</th>
                </tr></thead>
                <tbody>
                    {move || rows().into_iter().map(|(name, entered, moved, days)| view! {
                        <tr>
                            <td>{name}</td>
                            <td class="num">{entered}</td>
                            <td class="num">{moved}{(entered > 0).then(|| format!(" ({}%)", moved * 100 / entered))}</td>
                            <td class="num">{days.map(|d| d.to_string()).unwrap_or_else(|| "—".into())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Cumulative totals per team, and per rep under their team.
#[component]
pub fn ByPeople() -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    let cumulative = RwSignal::new(true);
    let rows = Memo::new(move |_| {
        let lang = state.lang.get();
        let per_rep = figures.report.with(|r| r.as_ref().map(|r| by_owner(&r.deals)).unwrap_or_default());
        state
            .read(&[RecordKind::Rep, RecordKind::Team], |d| {
                let archive = d.archive();
                let team_of = |rep: uuid::Uuid| archive.reps.get(rep).and_then(|r| r.team);
                let mut rows: Vec<(bool, String, CategoryTotals)> = Vec::new();
                for (team, totals) in by_team(&per_rep, team_of) {
                    let name = team
                        .and_then(|t| archive.teams.get(t))
                        .map_or(lang.t(FcMsg::NoTeam).to_owned(), |t| t.name.clone());
                    rows.push((true, name, totals));
                    for (rep, totals) in per_rep.iter().filter(|(rep, _)| rep.and_then(team_of) == team) {
                        let name = archive.rep_name(*rep);
                        rows.push((
                            false,
                            if name.is_empty() { lang.t(FcMsg::NoOwner).to_owned() } else { name.to_owned() },
                            *totals,
                        ));
                    }
                }
                rows
            })
            .unwrap_or_default()
    });
    view! {
        <div class="card">
            <h2>{tr(FcMsg::ByPeople)}</h2>
            <div class="bands" role="group">
                {[(true, FcMsg::Cumulative), (false, FcMsg::Single)].into_iter().map(|(is, label)| view! {
                    <button class="band" data-testid=if is { "people-cumulative" } else { "people-single" }
                        aria-pressed=move || (cumulative.get() == is).to_string() on:click=move |_| cumulative.set(is)>{tr(label)}</button>
                }).collect_view()}
            </div>
            <div class="table-scroll">
            <table class="history people-table" data-testid="forecast-people">
                <thead><tr>
                    <th>{tr(FcMsg::ColRep)}</th><th class="num">{tr(FcMsg::CatClosed)}</th><th class="num">{tr(FcMsg::CatCommit)}</th>
                    <th class="num">{tr(FcMsg::CatBestCase)}</th>
                    <th class="num">{move || state.t(if cumulative.get() { FcMsg::OpenPipeline } else { FcMsg::CatPipeline })}</th>
                </tr></thead>
                <tbody>
                    {move || rows.get().into_iter().map(|(team, name, totals)| {
                        let c = totals.cumulative();
                        let figures_of = if cumulative.get() {
                            [c.closed, c.commit, c.best_case, c.open_pipeline]
                        } else {
                            [totals.closed, totals.commit, totals.best_case, totals.pipeline]
                        };
                        let currency = figures.currency();
                        view! {
                            <tr class:team-row=team data-testid=if team { "people-team" } else { "people-rep" }>
                                <td>{name}</td>
                                {figures_of.into_iter().map(|m| view! { <td class="num">{money(currency, m)}</td> }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            </div>
            <p class="hint">{tr(FcMsg::CurrencyHint)}</p>
        </div>
    }
}
