//! The quota area (销售目标): targets split from the company down to teams and reps, attainment
//! with its charts, incentive rules and payout statements, evaluations, customer allotments, the
//! working-day calendar, and the teams and reps themselves. Every figure comes from
//! `domain::quota`, `domain::incentive`, `domain::payout` and `domain::evaluation`; the pages
//! read the address and send commands.

mod allotments;
mod attainment;
mod calendar;
mod evaluations;
mod incentives;
mod people;
mod targets;

use leptos::prelude::*;
use uuid::Uuid;

use crate::domain::evaluation::{QuotaSettings, QUOTA_SETTINGS_ID};
use crate::domain::forecast::{ForecastPlan, Period, PeriodKind, FORECAST_PLAN_ID};
use crate::domain::quota::{
    actuals_counting, Actuals, Calendar, Counting, Holder, Measure, Org, Sheet, Standing, TargetBook,
};
use crate::domain::RecordKind;
use crate::i18n::{FcMsg, Lang, QMsg};
use crate::ui::route::{set_pairs, Route};
use crate::ui::state::{tr, use_app, AppState};
use crate::ui::{clock, perf};

/// The tabs, in order: (code in the address, label).
const TABS: [(&str, QMsg); 7] = [
    ("targets", QMsg::TabTargets),
    ("attainment", QMsg::TabAttainment),
    ("incentives", QMsg::TabIncentives),
    ("evaluations", QMsg::TabEvaluations),
    ("allotments", QMsg::TabAllotments),
    ("calendar", QMsg::TabCalendar),
    ("people", QMsg::TabPeople),
];

/// Sets (or with `None`, removes) parameters of the quota area's address.
fn set_params(state: AppState, pairs: Vec<(&str, Option<String>)>) {
    let query = state.route.with_untracked(|r| match r {
        Route::Quotas { query } => query.clone(),
        _ => Vec::new(),
    });
    state.replace_route(Route::Quotas { query: set_pairs(query, pairs) });
}

/// The area's shared figures, each a memo that re-runs only when what it reads changes.
#[derive(Clone, Copy)]
struct Quota {
    /// Tab, period and measure, from the address.
    view: Memo<(String, Period, Measure)>,
    org: Memo<Org>,
    book: Memo<TargetBook>,
    settings: Memo<QuotaSettings>,
    /// What was attained in the period.
    actuals: Memo<Option<Actuals>>,
    /// The company, teams and reps, for the period and measure.
    standings: Memo<Vec<Standing>>,
}

impl Quota {
    fn new(state: AppState) -> Quota {
        let today = clock::today();
        let view = Memo::new(move |_| state.route.with(|r| r.quota_view(today.date)));
        // The org of the period: a rep who left during it still counts in it.
        let org = Memo::new(move |_| {
            let period = view.with(|(_, p, _)| *p);
            state
                .read(&[RecordKind::Rep, RecordKind::Team, RecordKind::RepProfile], |d| {
                    let a = d.archive();
                    let left = |id| a.rep_profiles.live_one(id).and_then(|p| p.left);
                    Org::of_period(a.teams.rows(), a.reps.rows(), &left, Some(&period))
                })
                .unwrap_or_default()
        });
        let book = Memo::new(move |_| {
            state.read(&[RecordKind::Target], |d| TargetBook::new(d.archive().targets.rows())).unwrap_or_default()
        });
        let settings = Memo::new(move |_| {
            state
                .read(&[RecordKind::QuotaSettings], |d| d.archive().quota_settings.get(QUOTA_SETTINGS_ID).cloned())
                .flatten()
                .unwrap_or_else(|| QuotaSettings::new(Default::default(), ""))
        });
        // The period and what its tab counts (the evaluations read every measure; the others one).
        let counting = Memo::new(move |_| {
            view.with(|(tab, p, m)| (*p, if tab == "evaluations" { Counting::ALL } else { Counting::of(*m) }))
        });
        let actuals = Memo::new(move |_| {
            let (period, counting) = counting.get();
            let kinds = [RecordKind::Deal, RecordKind::Customer, RecordKind::Pipeline, RecordKind::ForecastPlan];
            let started = perf::now();
            let out = state
                .read(&kinds, |d| {
                    let a = d.archive();
                    let fx = ForecastPlan::conversion(a.forecast_plans.get(FORECAST_PLAN_ID));
                    let (deals, customers) = (a.deals.rows(), a.customers.rows());
                    Some(actuals_counting(a.pipeline()?, deals, customers, &period, today.offset, &fx, counting))
                })
                .flatten();
            perf::record("quota:actuals", perf::now() - started);
            out
        });
        let standings = Memo::new(move |_| {
            let (_, period, measure) = view.get();
            let started = perf::now();
            let calendar: Calendar = settings.with(QuotaSettings::calendar);
            let out = actuals.with(|a| {
                let Some(actuals) = a else { return Vec::new() };
                book.with(|book| {
                    org.with(|org| {
                        Sheet { period, today: today.date, book, org, actuals, calendar: &calendar }.standings(measure)
                    })
                })
            });
            perf::record("quota:standings", perf::now() - started);
            out
        });
        Quota { view, org, book, settings, actuals, standings }
    }

    fn period(&self) -> Period {
        self.view.with(|(_, p, _)| *p)
    }

    fn measure(&self) -> Measure {
        self.view.with(|(_, _, m)| *m)
    }
}

fn use_quota() -> Quota {
    expect_context::<Quota>()
}

/// A holder's name: the company's, a team's or a rep's.
fn holder_name(state: AppState, holder: Holder) -> String {
    match holder {
        Holder::Company => state.t(QMsg::Company).to_owned(),
        Holder::Team(id) => {
            state.with_data(|d| d.archive().teams.get(id).map(|t| t.name.clone())).flatten().unwrap_or_default()
        }
        Holder::Rep(id) => rep_name(state, id),
    }
}

fn rep_name(state: AppState, id: Uuid) -> String {
    state.with_data(|d| d.archive().reps.get(id).map(|r| r.name.clone())).flatten().unwrap_or_default()
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

/// Attainment in percent with one decimal (`85.3%`), or a dash.
fn percent(attainment: Option<u32>) -> String {
    attainment.map_or_else(|| "—".to_owned(), |a| format!("{}.{}%", a / 100, (a % 100) / 10))
}

#[component]
pub fn QuotasPage() -> impl IntoView {
    let state = use_app();
    let quota = Quota::new(state);
    provide_context(quota);
    let tab = move || quota.view.with(|(t, _, _)| t.clone());
    view! {
        <section class="page quotas" data-testid="quotas">
            <div class="page-head">
                <h1>{tr(QMsg::Title)}</h1>
            </div>
            <nav class="tabs" role="tablist">
                {TABS.iter().map(|&(code, label)| view! {
                    <button role="tab" class="tab" data-testid=format!("tab-{code}") aria-selected=move || (tab() == code).to_string()
                        on:click=move |_| set_params(state, vec![("tab", Some(code.to_owned()))])>{tr(label)}</button>
                }).collect_view()}
            </nav>
            {move || match tab().as_str() {
                "attainment" => view! { <PeriodBar measures=true /> <attainment::AttainmentTab /> }.into_any(),
                "incentives" => view! { <PeriodBar measures=false /> <incentives::IncentivesTab /> }.into_any(),
                "evaluations" => view! { <PeriodBar measures=false /> <evaluations::EvaluationsTab /> }.into_any(),
                "allotments" => view! { <allotments::AllotmentsTab /> }.into_any(),
                "calendar" => view! { <PeriodBar measures=false /> <calendar::CalendarTab /> }.into_any(),
                "people" => view! { <people::PeopleTab /> }.into_any(),
                _ => view! { <PeriodBar measures=true /> <targets::TargetsTab /> }.into_any(),
            }}
        </section>
    }
}

/// Period kind, previous / next and (with `measures`) the measure, all in the address.
///
/// `measures`: whether the tab reads a measure (targets and attainment do).
#[component]
fn PeriodBar(measures: bool) -> impl IntoView {
    let state = use_app();
    let quota = use_quota();
    let step = move |forward: bool| {
        let period = quota.period();
        let to = if forward { period.next() } else { period.previous() };
        set_params(state, vec![("at", Some(to.start.to_string()))]);
    };
    let kind = move || quota.period().kind;
    view! {
        <div class="period-bar inline-form">
            <select data-testid="quota-period" aria-label=move || state.t(QMsg::Title)
                on:change=move |ev| set_params(state, vec![("period", Some(event_target_value(&ev)))])>
                {[(PeriodKind::Month, FcMsg::Month), (PeriodKind::Quarter, FcMsg::Quarter), (PeriodKind::Year, FcMsg::Year)]
                    .into_iter()
                    .map(|(k, label)| view! { <option value=k.code() selected=move || kind() == k>{tr(label)}</option> })
                    .collect_view()}
            </select>
            <button data-testid="quota-previous" aria-label=move || state.t(FcMsg::Previous) on:click=move |_| step(false)>"‹"</button>
            <strong class="period-name" data-testid="quota-period-name">{move || period_name(state.lang.get(), &quota.period())}</strong>
            <button data-testid="quota-next" aria-label=move || state.t(FcMsg::Next) on:click=move |_| step(true)>"›"</button>
            {measures.then(|| view! {
                <select data-testid="quota-measure" on:change=move |ev| set_params(state, vec![("measure", Some(event_target_value(&ev)))])>
                    {Measure::ALL.iter().map(|&m| view! {
                        <option value=m.code() selected=move || quota.measure() == m>{move || state.lang.get().measure(m)}</option>
                    }).collect_view()}
                </select>
            })}
        </div>
    }
}
