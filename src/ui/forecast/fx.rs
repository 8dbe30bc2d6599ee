//! The book's exchange rates: dated rates into the company currency, which "every currency"
//! uses to add amounts of several currencies into one total.

use leptos::prelude::*;

use super::use_figures;
use crate::domain::dates::parse_date;
use crate::domain::forecast::{parse_rate, rate_text, PlanProblem};
use crate::domain::{Command, Currency};
use crate::i18n::FcMsg;
use crate::ui::state::{tr, use_app, AppState};

/// Saves one rate (None removes it); a refusal is shown in `problem`.
fn save(state: AppState, currency: Currency, from: chrono::NaiveDate, rate: Option<u32>) {
    leptos::task::spawn_local(async move {
        if state.execute(Command::SetFxRate { currency, from, rate }).await.is_ok() {
            state.show_toast(state.t(FcMsg::FxSaved).to_owned(), false, None);
        }
    });
}

#[component]
pub fn FxRates() -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    let rates = move || figures.plan.with(|p| p.as_ref().map(|p| p.fx.clone()).unwrap_or_default());
    let company = move || figures.plan.with(|p| p.as_ref().map_or(Currency::Cny, |p| p.company_currency));
    let currency = RwSignal::new(Currency::Usd);
    let from = RwSignal::new(String::new());
    let rate = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<PlanProblem>);
    let add = move |_| {
        let Some(day) = parse_date(&from.get_untracked()) else {
            problem.set(Some(PlanProblem::BadFxRate));
            return;
        };
        match parse_rate(&rate.get_untracked()) {
            Err(p) => problem.set(Some(p)),
            Ok(r) => {
                problem.set(None);
                save(state, currency.get_untracked(), day, Some(r));
            }
        }
    };
    view! {
        <div class="card">
            <h2>{tr(FcMsg::FxTitle)}</h2>
            <table class="history" data-testid="fx-rates">
                <thead><tr><th>{tr(FcMsg::Currency)}</th><th>{tr(FcMsg::ColFrom)}</th><th class="num">{move || state.lang.get().fx_unit(company().code())}</th><th></th></tr></thead>
                <tbody>
                    {move || rates().into_iter().map(|r| view! {
                        <tr data-testid="fx-rate">
                            <td>{r.currency.code()}</td><td>{r.from.to_string()}</td><td class="num">{rate_text(r.rate)}</td>
                            <td><button class="link" data-testid="fx-remove" on:click=move |_| save(state, r.currency, r.from, None)>{tr(FcMsg::Remove)}</button></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <div class="inline-form">
                <select data-testid="fx-currency" aria-label=move || state.t(FcMsg::Currency)
                    on:change=move |ev| if let Ok(c) = event_target_value(&ev).parse() { currency.set(c) }>
                    {move || Currency::ALL.iter().copied().filter(|c| *c != company()).map(|c| view! {
                        <option value=c.code() selected=move || currency.get() == c>{c.code()}</option>
                    }).collect_view()}
                </select>
                <input type="date" data-testid="fx-from" aria-label=move || state.t(FcMsg::ColFrom) prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev)) />
                <input type="text" inputmode="decimal" class="rate" data-testid="fx-value" placeholder="7.1234"
                    aria-label=move || state.lang.get().fx_unit(company().code()) prop:value=move || rate.get() on:input=move |ev| rate.set(event_target_value(&ev)) />
                <button data-testid="fx-add" on:click=add>{tr(FcMsg::AddRate)}</button>
            </div>
            {move || problem.get().map(|p| view! { <p class="field-error" role="alert" data-testid="fx-error">{state.lang.get().plan_problem(p)}</p> })}
            <p class="hint">{tr(FcMsg::FxHint)}</p>
        </div>
    }
}
