//! The two methods side by side, and the table of classes with their rates (set here, or the
//! stages') and what each class actually converted.

use leptos::prelude::*;

use super::{money, use_figures};
use crate::domain::forecast::{
    parse_percent, percent_text, weighted_total, CategoryTotals, ClassRates, LearnedRate, ENOUGH_DEALS,
};
use crate::domain::{Command, FunnelClass};
use crate::i18n::{FcMsg, Lang};
use crate::ui::state::{tr, use_app};

/// The headline figures: weighted forecast, A/B/C/D method, closed won, target and coverage.
#[component]
pub fn Headline() -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    let currency = move || figures.currency();
    let weighted = move || figures.scenario.with(|d| d.as_deref().map(weighted_total).unwrap_or_default());
    let by_class = move || figures.classes.with(|c| c.as_ref().map(|c| c.1).unwrap_or_default());
    let closed =
        move || figures.scenario.with(|d| d.as_deref().map(|d| CategoryTotals::of(d).closed).unwrap_or_default());
    view! {
        <div class="figures">
            <Figure label=FcMsg::Weighted hint=FcMsg::WeightedHint testid="forecast-weighted"
                value=Signal::derive(move || money(currency(), weighted())) />
            <Figure label=FcMsg::ClassMethod hint=FcMsg::ClassMethodHint testid="forecast-class-total"
                value=Signal::derive(move || money(currency(), by_class())) />
            <Figure label=FcMsg::ClosedWon hint=FcMsg::CatClosed testid="forecast-closed"
                value=Signal::derive(move || money(currency(), closed())) />
            <Figure label=FcMsg::Target hint=FcMsg::Coverage testid="forecast-target"
                value=Signal::derive(move || state.t(FcMsg::NoTarget).to_owned()) />
        </div>
    }
}

/// One headline figure.
///
/// `label`: what it is; `hint`: how it is worked out; `value`: the figure; `testid`: its test id.
#[component]
fn Figure(label: FcMsg, hint: FcMsg, value: Signal<String>, testid: &'static str) -> impl IntoView {
    view! {
        <div class="card figure">
            <span class="figure-label">{tr(label)}</span>
            <strong class="figure-value" data-testid=testid>{move || value.get()}</strong>
            <span class="hint">{tr(hint)}</span>
        </div>
    }
}

/// A learned rate as the manager should read it: a rate on enough deals, an interval below.
fn learned_text(lang: Lang, rate: &LearnedRate) -> String {
    match rate.rate() {
        None => lang.t(FcMsg::NoHistory).to_owned(),
        Some(r) if rate.closed >= ENOUGH_DEALS => lang.learned_rate(format!("{:.1}", r * 100.0), rate.closed),
        Some(_) => lang.learned_interval(
            (rate.low * 100.0).round() as u32,
            (rate.high * 100.0).round() as u32,
            rate.won,
            rate.closed,
        ),
    }
}

/// The A/B/C/D method line by line: count, amount, rate (editable), forecast, and the rate the
/// team actually converted at.
#[component]
pub fn ClassTable() -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    let stage_rates = Memo::new(move |_| {
        state
            .read(&[crate::domain::RecordKind::Pipeline], |d| d.archive().pipeline().map(ClassRates::from_stages))
            .flatten()
    });
    let lines = move || figures.classes.with(|c| c.as_ref().map(|c| c.0.clone()).unwrap_or_default());
    view! {
        <div class="card">
            <h2>{tr(FcMsg::ClassMethod)}</h2>
            <div class="table-scroll">
            <table class="history" data-testid="forecast-classes">
                <thead><tr>
                    <th>{tr(FcMsg::ColClass)}</th><th class="num">{tr(FcMsg::ColCount)}</th><th class="num">{tr(FcMsg::ColAmount)}</th>
                    <th class="num">{tr(FcMsg::ColRate)}</th><th class="num">{tr(FcMsg::ColTry)}</th><th class="num">{tr(FcMsg::ColForecast)}</th><th>{tr(FcMsg::ColLearned)}</th>
                </tr></thead>
                <tbody>
                    {move || lines().into_iter().map(|line| {
                        let class = line.class;
                        let learned = move || figures.report.with(|r| r.as_ref().map(|r| learned_text(state.lang.get(), &r.learned[class as usize])).unwrap_or_default());
                        let placeholder = move || stage_rates.get().map(|r| percent_text(r.of(class))).unwrap_or_default();
                        view! {
                            <tr data-testid=format!("forecast-class-{}", class.code())>
                                <td>{move || state.lang.get().funnel_class(class)}</td>
                                <td class="num">{line.count}</td>
                                <td class="num">{move || money(figures.currency(), line.amount)}</td>
                                <td class="num"><RateInput class placeholder=Signal::derive(placeholder) /></td>
                                <td class="num"><RateToTry class /></td>
                                <td class="num" data-testid="forecast-class-forecast">{move || money(figures.currency(), line.forecast)}</td>
                                <td class="learned">{learned}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            </div>
            <p class="hint">{tr(FcMsg::RateHint)} " " {tr(FcMsg::LearnedHint)} " " {tr(FcMsg::TryHint)}</p>
            <LearnMonths />
            <super::range::WhatIfActive />
        </div>
    }
}

/// A class's rate as set in the forecast settings; empty follows the stages. Saved on change;
/// a rate that is not 0-100 % is refused with a message beside it, and nothing is saved.
///
/// `class`: whose rate; `placeholder`: the stages' rate, shown when none is set.
#[component]
fn RateInput(class: FunnelClass, placeholder: Signal<String>) -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    let problem = RwSignal::new(None::<crate::domain::forecast::PlanProblem>);
    let stored =
        move || figures.plan.with(|p| p.as_ref().and_then(|p| p.rate(class)).map(percent_text).unwrap_or_default());
    let save = move |text: String| match parse_percent(&text) {
        Err(p) => problem.set(Some(p)),
        Ok(rate) => {
            problem.set(None);
            leptos::task::spawn_local(async move {
                if state.execute(Command::SetClassRate { class, rate }).await.is_ok() {
                    state.show_toast(state.t(FcMsg::RateSaved).to_owned(), false, None);
                }
            });
        }
    };
    view! {
        <input type="text" inputmode="decimal" class="rate" data-testid=format!("rate-{}", class.code())
            aria-label=move || format!("{} {}", state.lang.get().funnel_class(class), state.t(FcMsg::ColRate))
            prop:value=stored placeholder=move || placeholder.get()
            on:change=move |ev| save(event_target_value(&ev)) />
        {move || problem.get().map(|p| view! { <span class="field-error" role="alert" data-testid="rate-error">{state.lang.get().plan_problem(p)}</span> })}
    }
}

/// A class rate to try: the figures use it at once, nothing is saved; empty goes back to the
/// saved rate. A rate that is not 0-100 % is said beside it and not used.
///
/// `class`: whose rate.
#[component]
fn RateToTry(class: FunnelClass) -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    let problem = RwSignal::new(None::<crate::domain::forecast::PlanProblem>);
    // What is typed, as typed ("12." stays while the user goes on typing).
    let text = RwSignal::new(String::new());
    let saved = move || figures.saved_rates.get().map(|r| percent_text(r.of(class))).unwrap_or_default();
    let try_it = move |typed: String| {
        text.set(typed.clone());
        match parse_percent(&typed) {
            Err(p) => problem.set(Some(p)),
            Ok(rate) => {
                problem.set(None);
                figures.rates_to_try.update(|r| r[class as usize] = rate);
            }
        }
    };
    // A reset empties the field.
    Effect::new(move |_| {
        if figures.rates_to_try.with(|r| r[class as usize].is_none()) && problem.get_untracked().is_none() {
            text.set(String::new());
        }
    });
    view! {
        <input type="text" inputmode="decimal" class="rate try" data-testid=format!("rate-try-{}", class.code())
            aria-label=move || format!("{} {}", state.lang.get().funnel_class(class), state.t(FcMsg::ColTry))
            prop:value=move || text.get() placeholder=saved
            on:input=move |ev| try_it(event_target_value(&ev)) />
        {move || problem.get().map(|p| view! { <span class="field-error" role="alert" data-testid="rate-try-error">{state.lang.get().plan_problem(p)}</span> })}
    }
}

/// How many months of closed deals the team's actual rates read, kept in the book (1-60).
#[component]
fn LearnMonths() -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    let problem = RwSignal::new(None::<crate::domain::forecast::PlanProblem>);
    let stored = move || {
        figures.plan.with(|p| p.as_ref().map_or(crate::domain::forecast::DEFAULT_LEARN_MONTHS, |p| p.learn_months))
    };
    let save = move |text: String| {
        let months = text.trim().parse::<u16>().unwrap_or(0);
        leptos::task::spawn_local(async move {
            match state.execute(Command::SetLearnMonths(months)).await {
                Ok(_) => {
                    problem.set(None);
                    state.show_toast(state.t(FcMsg::LearnSaved).to_owned(), false, None);
                }
                Err(crate::store::ActionError::Domain(crate::domain::DomainError::Forecast(p))) => {
                    problem.set(p.first().copied())
                }
                Err(_) => {}
            }
        });
    };
    view! {
        <label class="field inline">
            <span>{tr(FcMsg::LearnMonths)}</span>
            <input type="number" min="1" max="60" class="months" data-testid="learn-months" prop:value=move || stored().to_string()
                on:change=move |ev| save(event_target_value(&ev)) />
            {move || problem.get().map(|p| view! { <span class="field-error" role="alert" data-testid="learn-months-error">{state.lang.get().plan_problem(p)}</span> })}
        </label>
    }
}
