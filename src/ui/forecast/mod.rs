//! The forecast page: the funnel of the period's open deals, the weighted forecast and the
//! A/B/C/D method side by side, the class rates (set and learned), the forecast categories, the
//! range of outcomes, slipped deals and the conversion between stages. Every figure comes from
//! `domain::forecast` and `domain::outcome`; the page only reads the address and shows them.

mod classes;
mod funnel;
mod fx;
mod present;
mod range;
mod snapshots;
mod tables;

use leptos::prelude::*;
use uuid::Uuid;

use crate::domain::forecast::{
    class_method, report, BasisPoints, ClassLine, ClassRates, ForecastDeal, ForecastPlan, Period, PeriodKind, Report,
    Scope,
};
use crate::domain::forecast::{DEFAULT_LEARN_MONTHS, FORECAST_PLAN_ID};
use crate::domain::outcome::{
    by_class_rate, by_probability, period_outcome, spread_carriers, what_if as apply_what_if, Distribution, WhatIf,
};
use crate::domain::{Currency, Money, RecordKind};
use crate::i18n::{FcMsg, Lang};
use crate::ui::route::{set_pairs, Route};
use crate::ui::state::{tr, use_app, AppState};
use crate::ui::{clock, perf};

/// An amount in the scope's currency, in full: `¥12,345.00`.
fn money(currency: Currency, amount: Money) -> String {
    amount.to_string().replacen('¥', currency.symbol(), 1)
}

/// The period's name in the user's language.
fn period_name(lang: Lang, period: &Period) -> String {
    use chrono::Datelike;
    let (year, month) = (period.start.year(), period.start.month());
    match period.kind {
        PeriodKind::Month => lang.month_name(year, month),
        PeriodKind::Quarter => lang.quarter_name(year, (month - 1) / 3 + 1),
        PeriodKind::Year => lang.year_name(year),
    }
}

/// Sets (or with `None` or empty, removes) parameters of the forecast's address.
fn set_params(state: AppState, pairs: Vec<(&str, Option<String>)>) {
    let query = state.route.with_untracked(|r| match r {
        Route::Forecast { query } => query.clone(),
        _ => Vec::new(),
    });
    state.replace_route(Route::Forecast { query: set_pairs(query, pairs) });
}

/// Where the range takes each deal's chance from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Basis {
    /// Its own win probability (as the weighted forecast).
    Probability,
    /// Its class's rate (as the A/B/C/D method).
    ClassRates,
}

/// The page's figures, each a memo: the report (deals, pipeline and scope), the class method
/// (that and the rates), the range (the report's deals, and the rates if it is by class).
#[derive(Clone, Copy)]
struct Figures {
    view: Memo<(Period, Scope)>,
    report: Memo<Option<Report>>,
    scenario: Memo<Option<Vec<ForecastDeal>>>,
    classes: Memo<Option<(Vec<ClassLine>, Money)>>,
    range: Memo<Option<Distribution>>,
    plan: Memo<Option<ForecastPlan>>,
    basis: RwSignal<Basis>,
    /// What-if changes to single deals (win it, lose it, slip it), until the page is left.
    what_if: RwSignal<Vec<(Uuid, WhatIf)>>,
    /// The class rates the figures use: the saved ones, or those being tried.
    rates: Memo<Option<ClassRates>>,
    /// The class rates as saved in the book (or the stages').
    saved_rates: Memo<Option<ClassRates>>,
    /// Rates typed to try, per class (D C B A), not kept.
    rates_to_try: RwSignal<[Option<BasisPoints>; 4]>,
}

impl Figures {
    fn new(state: AppState) -> Figures {
        let today = clock::today();
        let plan = Memo::new(move |_| {
            state
                .read(&[RecordKind::ForecastPlan], |d| d.archive().forecast_plans.get(FORECAST_PLAN_ID).cloned())
                .flatten()
        });
        let view = Memo::new(move |_| {
            let (period, mut scope) = state.route.with(|r| r.forecast_view(today.date));
            if scope.fx.is_some() {
                let fx = plan.with(|p| ForecastPlan::conversion(p.as_ref()));
                scope.currency = fx.company;
                scope.fx = Some(fx);
            }
            let scope = state
                .read(&[RecordKind::Rep], |d| scope.clone().with_members(d.archive().reps.live()))
                .unwrap_or(scope);
            (period, scope)
        });
        let learn_months =
            Memo::new(move |_| plan.with(|p| p.as_ref().map_or(DEFAULT_LEARN_MONTHS, |p| p.learn_months)));
        let report = Memo::new(move |_| {
            let (period, scope) = view.get();
            let months = learn_months.get();
            let started = perf::now();
            let out = state
                .read(&[RecordKind::Deal, RecordKind::Pipeline, RecordKind::DealCategory], |d| {
                    let pipeline = d.archive().pipeline()?;
                    let set = |id| d.archive().deal_categories.get(id).and_then(|c| c.category);
                    Some(report(pipeline, d.archive().deals.rows(), &scope, &period, today, months, &set))
                })
                .flatten();
            perf::record("forecast:report", perf::now() - started);
            out
        });
        let saved_rates: Memo<Option<ClassRates>> = Memo::new(move |_| {
            let plan = plan.get();
            state
                .read(&[RecordKind::Pipeline], |d| {
                    d.archive().pipeline().map(|p| ForecastPlan::rates(plan.as_ref(), p))
                })
                .flatten()
        });
        // Class rates to try, not kept: they override the saved ones until reset or the page is
        // left (a manager playing with rates does not change the team's settings).
        let rates_to_try = RwSignal::new([None::<BasisPoints>; 4]);
        let rates = Memo::new(move |_| {
            let mut rates = saved_rates.get()?;
            for (rate, tried) in rates.0.iter_mut().zip(rates_to_try.get()) {
                *rate = tried.unwrap_or(*rate);
            }
            Some(rates)
        });
        let what_if = RwSignal::new(Vec::<(Uuid, WhatIf)>::new());
        // The period's deals with the what-if changes made (the headline, the class method and
        // the range read these; the funnel and the tables show the pipeline as it is).
        let scenario = Memo::new(move |_| {
            let changes = what_if.get();
            report.with(|r| r.as_ref().map(|r| apply_what_if(&r.deals, &changes)))
        });
        let classes = Memo::new(move |_| {
            let rates = rates.get()?;
            let started = perf::now();
            let out = scenario.with(|deals| deals.as_ref().map(|deals| class_method(deals, &rates)));
            perf::record("forecast:classes", perf::now() - started);
            out
        });
        let basis = RwSignal::new(Basis::Probability);
        let range = Memo::new(move |_| {
            let seed = view.with(|(p, _)| seed_of(p));
            let by_class = match basis.get() {
                Basis::Probability => None,
                Basis::ClassRates => Some(rates.get()?),
            };
            let started = perf::now();
            let out = scenario.with(|deals| {
                let deals = deals.as_ref()?;
                Some(match by_class {
                    None => period_outcome(deals, by_probability, seed),
                    Some(rates) => period_outcome(deals, by_class_rate(rates), seed),
                })
            });
            perf::record("forecast:range", perf::now() - started);
            out
        });
        Figures { view, report, scenario, classes, range, plan, basis, what_if, rates, saved_rates, rates_to_try }
    }

    fn currency(&self) -> Currency {
        self.view.with(|(_, s)| s.currency)
    }

    /// The range's seed: the same for a period whenever it is drawn.
    fn seed(&self) -> u64 {
        self.view.with_untracked(|(p, _)| seed_of(p))
    }

    /// How many what-if changes are in the figures (deals, and class rates being tried).
    fn what_ifs(&self) -> usize {
        self.what_if.with(Vec::len) + self.rates_to_try.with(|r| r.iter().flatten().count())
    }

    /// Takes every what-if change back.
    fn reset_what_if(&self) {
        self.what_if.set(Vec::new());
        self.rates_to_try.set([None; 4]);
    }

    /// The chance each open deal is given by the range's basis (its probability or its class's
    /// rate), for the deals that carry the spread.
    fn spread(&self, n: usize) -> Vec<(Uuid, f64)> {
        let rates = match self.basis.get() {
            Basis::Probability => None,
            Basis::ClassRates => self.rates.get(),
        };
        self.scenario.with(|deals| {
            let Some(deals) = deals else { return Vec::new() };
            let mut all = match rates {
                None => spread_carriers(deals, by_probability),
                Some(rates) => spread_carriers(deals, by_class_rate(rates)),
            };
            all.truncate(n);
            all
        })
    }
}

/// A period's seed for the Monte Carlo range (the same figures each time it is drawn).
fn seed_of(period: &Period) -> u64 {
    period.start.to_string().bytes().fold(0u64, |h, b| h.wrapping_mul(31) + u64::from(b))
}

#[component]
pub fn ForecastPage() -> impl IntoView {
    let state = use_app();
    let figures = Figures::new(state);
    provide_context(figures);
    let presenting = RwSignal::new(None::<usize>);
    // The range is the page's slowest figure: it is drawn once the rest has been painted.
    let range_shown = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        crate::ui::state::after_paint().await;
        let _ = range_shown.try_set(true);
    });
    view! {
        <section class="page forecast" data-testid="forecast">
            <div class="page-head">
                <h1>{tr(FcMsg::Title)}</h1>
                <div class="head-actions">
                    <button data-testid="present" on:click=move |_| presenting.set(Some(0))>{tr(FcMsg::Present)}</button>
                    <button data-testid="print" on:click=move |_| { let _ = window().print(); }>{tr(FcMsg::Print)}</button>
                </div>
            </div>
            <present::Presentation open=presenting />
            <PeriodBar />
            {move || match figures.report.with(|r| r.is_some()) {
                false => view! { <p class="muted" data-testid="forecast-no-pipeline">{tr(FcMsg::NoPipeline)}</p> }.into_any(),
                true => view! {
                    <classes::Headline />
                    <Notes />
                    <funnel::FunnelCard />
                    <classes::ClassTable />
                    {move || range_shown.get().then(|| view! { <range::RangeCard /> })}
                    <snapshots::Snapshots />
                    <tables::Categories />
                    <tables::ByPeople />
                    <tables::Slipped />
                    <tables::StageFlowTable />
                    <fx::FxRates />
                }
                .into_any(),
            }}
        </section>
    }
}

fn use_figures() -> Figures {
    expect_context::<Figures>()
}

/// Period kind, previous / next, and the rep and lead source filters, all in the address.
#[component]
fn PeriodBar() -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    let reps = Memo::new(move |_| {
        state
            .read(&[RecordKind::Rep], |d| {
                d.archive().reps.live().map(|r| (r.meta.id, r.name.clone())).collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let teams = Memo::new(move |_| {
        state
            .read(&[RecordKind::Team], |d| {
                d.archive().teams.live().map(|t| (t.meta.id, t.name.clone())).collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let team_of = move || figures.view.with(|(_, s)| s.team);
    let currency_of = move || figures.currency();
    let converting = move || figures.view.with(|(_, s)| s.fx.is_some());
    let sources = Memo::new(move |_| {
        state
            .read(&[RecordKind::Pipeline], |d| d.archive().pipeline().map(|p| p.lead_sources.clone()))
            .flatten()
            .unwrap_or_default()
    });
    let step = move |forward: bool| {
        let (period, _) = figures.view.get_untracked();
        let to = if forward { period.next() } else { period.previous() };
        set_params(state, vec![("at", Some(to.start.to_string()))]);
    };
    let kind_of = move || figures.view.with(|(p, _)| p.kind);
    let owner_of = move || figures.view.with(|(_, s)| s.owner);
    let source_of = move || figures.view.with(|(_, s)| s.lead_source.clone());
    view! {
        <div class="period-bar inline-form">
            <select data-testid="forecast-period" aria-label=move || state.t(FcMsg::Title)
                on:change=move |ev| set_params(state, vec![("period", Some(event_target_value(&ev)))])>
                {[(PeriodKind::Month, FcMsg::Month), (PeriodKind::Quarter, FcMsg::Quarter), (PeriodKind::Year, FcMsg::Year)]
                    .into_iter()
                    .map(|(kind, label)| view! { <option value=kind.code() selected=move || kind_of() == kind>{tr(label)}</option> })
                    .collect_view()}
            </select>
            <button data-testid="forecast-previous" aria-label=move || state.t(FcMsg::Previous) on:click=move |_| step(false)>"‹"</button>
            <strong class="period-name" data-testid="forecast-period-name">
                {move || figures.view.with(|(p, _)| period_name(state.lang.get(), p))}
            </strong>
            <button data-testid="forecast-next" aria-label=move || state.t(FcMsg::Next) on:click=move |_| step(true)>"›"</button>
            <select data-testid="forecast-owner" on:change=move |ev| set_params(state, vec![("owner", Some(event_target_value(&ev)))])>
                <option value="" selected=move || owner_of().is_none()>{tr(FcMsg::AllReps)}</option>
                {move || reps.get().into_iter().map(|(id, name)| view! {
                    <option value=id.to_string() selected=move || owner_of() == Some(id)>{name}</option>
                }).collect_view()}
            </select>
            <select data-testid="forecast-team" on:change=move |ev| set_params(state, vec![("team", Some(event_target_value(&ev)))])>
                <option value="" selected=move || team_of().is_none()>{tr(FcMsg::AllTeams)}</option>
                {move || teams.get().into_iter().map(|(id, name)| view! {
                    <option value=id.to_string() selected=move || team_of() == Some(id)>{name}</option>
                }).collect_view()}
            </select>
            <select data-testid="forecast-currency" aria-label=move || state.t(FcMsg::Currency)
                on:change=move |ev| set_params(state, vec![("currency", Some(event_target_value(&ev)).filter(|c| c != "CNY"))])>
                {Currency::ALL.iter().map(|&c| view! { <option value=c.code() selected=move || !converting() && currency_of() == c>{c.code()}</option> }).collect_view()}
                <option value="all" selected=converting>{tr(FcMsg::AllConverted)}</option>
            </select>
            <select data-testid="forecast-source" on:change=move |ev| set_params(state, vec![("source", Some(event_target_value(&ev)))])>
                <option value="" selected=move || source_of().is_none()>{tr(FcMsg::AllSources)}</option>
                {move || sources.get().into_iter().map(|s| {
                    let (value, label) = (s.clone(), s.clone());
                    view! { <option value=s selected=move || source_of().as_deref() == Some(value.as_str())>{label}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// What the figures leave out: open deals with no close date, deals with no amount.
#[component]
fn Notes() -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    let counts =
        move || figures.report.with(|r| r.as_ref().map_or((0, 0, 0), |r| (r.undated, r.no_amount, r.other_currency)));
    view! {
        <Show when=move || counts() != (0, 0, 0)>
            <p class="hint" data-testid="forecast-notes">
                {move || {
                    let (undated, no_amount, other) = counts();
                    let lang = state.lang.get();
                    let mut parts = Vec::new();
                    if undated > 0 { parts.push(lang.undated(undated)); }
                    if no_amount > 0 { parts.push(lang.no_amount(no_amount)); }
                    if other > 0 { parts.push(lang.other_currency(other)); }
                    parts.join(" ")
                }}
            </p>
        </Show>
    }
}

/// Deal titles by id, for lists of deals (a band, slipped deals, the spread).
fn deal_links(state: AppState, ids: &[Uuid]) -> Vec<(Uuid, String)> {
    state
        .with_data(|d| ids.iter().filter_map(|id| d.archive().deals.get(*id).map(|x| (*id, x.title.clone()))).collect())
        .unwrap_or_default()
}

/// A list of deals as links to their pages (at most `max`, then how many more).
///
/// `ids`: the deals; `max`: how many to show; `testid`: the list's test id.
#[component]
fn DealChips(ids: Vec<Uuid>, max: usize, testid: &'static str) -> impl IntoView {
    let state = use_app();
    let more = ids.len().saturating_sub(max);
    let shown = deal_links(state, &ids[..ids.len().min(max)]);
    view! {
        <p class="deal-chips" data-testid=testid>
            {shown.into_iter().map(|(id, title)| view! { <a class="chip" href=Route::Deal(id).to_hash()>{title}</a> }).collect_view()}
            {(more > 0).then(|| view! { <span class="muted">{move || format!("+{}", state.lang.get().deals_count(more))}</span> })}
        </p>
    }
}
