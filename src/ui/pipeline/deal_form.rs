//! The form that creates a deal (for a customer, if the route names one) or edits one. An edit
//! says what the form began with, so only the fields the user changed are saved.

use leptos::prelude::*;
use uuid::Uuid;

use crate::domain::dates::parse_date;
use crate::domain::pipeline::{parse_difficulty, parse_probability, Deal};
use crate::domain::query::CustomerFilter;
use crate::domain::{Command, Currency, Money};
use crate::i18n::{Msg, PipeMsg};
use crate::store::ActionError;
use crate::ui::route::Route;
use crate::ui::state::{tr, use_app};

/// Creates a deal (for a customer, if the route names one) or edits one.
#[component]
pub fn DealForm(id: Option<Uuid>, customer: Option<Uuid>) -> impl IntoView {
    let state = use_app();
    let original = state.with_data(|d| id.and_then(|id| d.archive().deals.get(id).cloned())).flatten();
    let first_stage = state
        .with_data(|d| d.archive().pipeline().and_then(|p| p.stages.first()).map(|s| s.id))
        .flatten()
        .unwrap_or_default();
    let base = original.clone().unwrap_or_else(|| {
        let mut deal = Deal::blank(customer.unwrap_or_default(), first_stage);
        deal.owner =
            state.with_data(|d| customer.and_then(|c| d.archive().customers.get(c)).and_then(|c| c.owner)).flatten();
        deal.lead_source = state
            .with_data(|d| customer.and_then(|c| d.archive().customers.get(c)).map(|c| c.lead_source.clone()))
            .flatten()
            .unwrap_or_default();
        deal
    });
    let title = RwSignal::new(base.title.clone());
    let customer_id = RwSignal::new(base.customer);
    let customer_text = RwSignal::new(
        state
            .with_data(|d| d.archive().customers.get(base.customer).map(|c| c.name.clone()))
            .flatten()
            .unwrap_or_default(),
    );
    let amount_text = RwSignal::new(if base.amount.0 == 0 { String::new() } else { base.amount.to_input() });
    let currency = RwSignal::new(base.currency);
    let owner = RwSignal::new(base.owner);
    let source = RwSignal::new(base.lead_source.clone());
    let close = RwSignal::new(base.expected_close.map(|d| d.to_string()).unwrap_or_default());
    let stage = RwSignal::new(base.stage);
    let probability = RwSignal::new(base.probability.map(|p| p.to_string()).unwrap_or_default());
    let difficulty = RwSignal::new(Money(base.difficulty as i64).to_input());
    let next_step = RwSignal::new(base.next_step.clone());
    let error = RwSignal::new(None::<String>);
    let (stages, reps, sources) = state
        .with_data(|d| {
            let p = d.archive().pipeline();
            (
                p.map(|p| p.stages.clone()).unwrap_or_default(),
                d.archive().reps.live().map(|r| (r.meta.id, r.name.clone())).collect::<Vec<_>>(),
                p.map(|p| p.lead_sources.clone()).unwrap_or_default(),
            )
        })
        .unwrap_or_default();
    let stage_probability = {
        let stages = StoredValue::new(stages.clone());
        move || stages.with_value(|stages| stages.iter().find(|s| s.id == stage.get()).map_or(0, |s| s.probability))
    };
    // Customers matching what is typed (the first few), to pick from.
    let suggestions = Memo::new(move |_| {
        let text = customer_text.get();
        if text.trim().is_empty()
            || state
                .with_data(|d| d.archive().customers.get(customer_id.get_untracked()).is_some_and(|c| c.name == text))
                .unwrap_or(false)
        {
            return Vec::new();
        }
        let filter = CustomerFilter { text, ..CustomerFilter::default() };
        state
            .with_data_mut(|d| {
                let rows = d.query.run(d.replica.archive(), &filter, Default::default());
                rows.iter()
                    .take(8)
                    .map(|&r| {
                        let c = &d.archive().customers.rows()[r as usize];
                        (c.meta.id, c.name.clone())
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });

    let pick_currency = move |ev: leptos::ev::Event| {
        if let Ok(c) = event_target_value(&ev).parse::<Currency>() {
            currency.set(c)
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = state.lang.get_untracked();
        let Ok(money) = Money::parse(&amount_text.get_untracked()) else {
            return error.set(Some(lang.t(PipeMsg::ErrAmount).to_owned()));
        };
        let expected_close = match close.get_untracked().trim() {
            "" => None,
            text => match parse_date(text) {
                Some(d) => Some(d),
                None => return error.set(Some(lang.t(Msg::ProblemDate).to_owned())),
            },
        };
        let probability = match parse_probability(&probability.get_untracked()) {
            Ok(p) => p,
            Err(problem) => return error.set(Some(lang.deal_problem(problem).to_owned())),
        };
        let difficulty = match parse_difficulty(&difficulty.get_untracked()) {
            Ok(d) => d,
            Err(problem) => return error.set(Some(lang.deal_problem(problem).to_owned())),
        };
        let mut deal = base.clone();
        if deal.meta.id.is_nil() {
            deal.meta.id = Uuid::new_v4();
        }
        deal.title = title.get_untracked();
        deal.customer = customer_id.get_untracked();
        deal.amount = money;
        deal.currency = currency.get_untracked();
        deal.owner = owner.get_untracked();
        deal.lead_source = source.get_untracked().trim().to_owned();
        deal.expected_close = expected_close;
        deal.stage = stage.get_untracked();
        deal.probability = probability;
        deal.difficulty = difficulty;
        deal.next_step = next_step.get_untracked().trim().to_owned();
        let saved = deal.meta.id;
        let command = match original.clone() {
            Some(before) => Command::EditDeal { before: Box::new(before), after: Box::new(deal) },
            None => Command::CreateDeal(deal),
        };
        leptos::task::spawn_local(async move {
            match state.execute(command).await {
                Ok(done) => {
                    let lang = state.lang.get_untracked();
                    state.toast_with_undo(
                        lang.t(PipeMsg::DealSaved).to_owned(),
                        &done,
                        lang.t(Msg::EditUndone).to_owned(),
                    );
                    state.navigate(Route::Deal(saved));
                }
                Err(ActionError::Domain(e)) => {
                    let _ = error.try_set(Some(state.lang.get_untracked().domain_error(&e)));
                }
                Err(_) => {}
            }
        });
    };

    view! {
        <section class="page form-page">
            <h1>{move || if id.is_some() { state.t(Msg::Edit) } else { state.t(PipeMsg::NewDeal) }}</h1>
            <form class="card form" on:submit=submit data-testid="deal-form">
                <label class="field">
                    <span>{tr(PipeMsg::DealTitle)}</span>
                    <input type="text" data-testid="deal-title" required prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev)) />
                </label>
                <label class="field">
                    <span>{tr(PipeMsg::Customer)}</span>
                    <input type="text" data-testid="deal-customer-input" placeholder=tr(PipeMsg::ChooseCustomer) prop:value=move || customer_text.get()
                        on:input=move |ev| { customer_text.set(event_target_value(&ev)); customer_id.set(Uuid::nil()); } />
                </label>
                <Show when=move || suggestions.with(|s| !s.is_empty())>
                    <ul class="suggestions" data-testid="customer-suggestions">
                        {move || suggestions.get().into_iter().map(|(cid, name)| {
                            let label = name.clone();
                            view! { <li><button type="button" class="link" on:click=move |_| { customer_id.set(cid); customer_text.set(name.clone()); }>{label}</button></li> }
                        }).collect_view()}
                    </ul>
                </Show>
                <div class="field-row">
                    <label class="field">
                        <span>{tr(PipeMsg::Amount)}</span>
                        <input type="text" inputmode="decimal" data-testid="deal-amount" prop:value=move || amount_text.get() on:input=move |ev| amount_text.set(event_target_value(&ev)) />
                    </label>
                    <label class="field">
                        <span>{tr(PipeMsg::Currency)}</span>
                        <select on:change=pick_currency>
                            {Currency::ALL.iter().map(|c| { let c = *c; view! { <option value=c.code() selected=move || currency.get() == c>{c.code()}</option> } }).collect_view()}
                        </select>
                    </label>
                </div>
                <div class="field-row">
                    <label class="field">
                        <span>{tr(PipeMsg::Stage)}</span>
                        <select data-testid="deal-stage-field" on:change=move |ev| if let Ok(s) = event_target_value(&ev).parse() { stage.set(s) }>
                            {stages.iter().map(|s| { let sid = s.id; view! { <option value=sid.to_string() selected=move || stage.get() == sid>{s.name.clone()}</option> } }).collect_view()}
                        </select>
                    </label>
                    <label class="field">
                        <span>{tr(PipeMsg::Probability)}</span>
                        <input type="text" inputmode="numeric" data-testid="deal-probability" prop:value=move || probability.get() on:input=move |ev| probability.set(event_target_value(&ev))
                            placeholder=move || format!("{}%", stage_probability()) />
                        <small class="muted">{move || state.lang.get().probability_auto(stage_probability() as usize)}</small>
                    </label>
                </div>
                <div class="field-row">
                    <label class="field">
                        <span>{tr(Msg::ColOwner)}</span>
                        <select data-testid="deal-owner-field" on:change=move |ev| owner.set(event_target_value(&ev).parse().ok())>
                            <option value="" selected=move || owner.get().is_none()>{tr(Msg::Unassigned)}</option>
                            {reps.iter().map(|(rid, name)| { let rid = *rid; view! { <option value=rid.to_string() selected=move || owner.get() == Some(rid)>{name.clone()}</option> } }).collect_view()}
                        </select>
                    </label>
                    <label class="field">
                        <span>{tr(PipeMsg::ExpectedClose)}</span>
                        <input type="date" data-testid="deal-close" prop:value=move || close.get() on:input=move |ev| close.set(event_target_value(&ev)) />
                    </label>
                </div>
                <div class="field-row">
                    <label class="field">
                        <span>{tr(Msg::LeadSource)}</span>
                        <input type="text" list="lead-sources" prop:value=move || source.get() on:input=move |ev| source.set(event_target_value(&ev)) />
                        <datalist id="lead-sources">{sources.iter().map(|s| view! { <option value=s.clone() /> }).collect_view()}</datalist>
                    </label>
                    <label class="field">
                        <span>{tr(PipeMsg::Difficulty)}</span>
                        <input type="text" inputmode="decimal" data-testid="deal-difficulty" prop:value=move || difficulty.get() on:input=move |ev| difficulty.set(event_target_value(&ev)) />
                    </label>
                </div>
                <label class="field">
                    <span>{tr(PipeMsg::NextStep)}</span>
                    <input type="text" prop:value=move || next_step.get() on:input=move |ev| next_step.set(event_target_value(&ev)) />
                </label>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="deal-error">{e}</p> })}
                <div class="form-actions">
                    <button type="submit" class="primary" data-testid="deal-save">{tr(Msg::Save)}</button>
                    <a class="button secondary" href=move || id.map_or_else(|| Route::Pipeline { query: vec![] }.to_hash(), |id| Route::Deal(id).to_hash())>{tr(Msg::Cancel)}</a>
                </div>
            </form>
        </section>
    }
}
