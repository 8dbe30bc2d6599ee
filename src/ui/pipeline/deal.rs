//! One deal: its page (facts, stage, extension, hand-over, activities, timeline, replaced
//! values), and the deals card on a customer's page.

use leptos::prelude::*;
use uuid::Uuid;

use super::activities::ActivitiesCard;
use super::{amount, today};
use crate::domain::pipeline::{DealChange, EXTEND_DAYS};
use crate::domain::sorting::sort_by;
use crate::domain::{Command, Money, RecordKind};
use crate::i18n::{Lang, Msg, PipeMsg};
use crate::store::ActionError;
use crate::ui::clock::format_time;
use crate::ui::route::Route;
use crate::ui::state::{tr, use_app, AppState};
use crate::ui::superseded::SupersededCard;

/// A timeline line for one history entry.
fn describe(state: AppState, lang: Lang, change: &DealChange) -> String {
    let stage = |id: Uuid| {
        state
            .with_data(|d| d.archive().pipeline().and_then(|p| p.stage_name(id)).map(str::to_owned))
            .flatten()
            .unwrap_or_else(|| "?".into())
    };
    let rep = |id: Option<Uuid>| {
        let name = state.with_data(|d| d.archive().rep_name(id).to_owned()).unwrap_or_default();
        if name.is_empty() {
            lang.t(PipeMsg::Nobody).to_owned()
        } else {
            name
        }
    };
    let date = |d: Option<chrono::NaiveDate>| d.map_or_else(|| "—".to_owned(), |d| d.to_string());
    match change {
        DealChange::Created { stage: s } => lang.created(&stage(*s)),
        DealChange::Stage { from, to } => lang.stage_moved(&stage(*from), &stage(*to)),
        DealChange::Owner { from, to } => lang.owner_changed(&rep(*from), &rep(*to)),
        DealChange::Expired { to, .. } => lang.expired_event(&stage(*to)),
        DealChange::CloseDate { from, to } => lang.close_date_changed(&date(*from), &date(*to)),
        DealChange::Probability { to: Some(p) } => lang.probability_set(*p as usize),
        DealChange::Probability { to: None } => lang.t(PipeMsg::ProbabilityCleared).to_owned(),
    }
}

/// Moves the expected close date 30 days past the later of today and the date it has.
fn extend(state: AppState, id: Uuid, error: RwSignal<Option<String>>) {
    leptos::task::spawn_local(async move {
        match state.execute(Command::ExtendDeal { id, days: EXTEND_DAYS }).await {
            Ok(saved) => {
                let lang = state.lang.get_untracked();
                state.toast_with_undo(
                    lang.t(PipeMsg::Extended).to_owned(),
                    &saved,
                    lang.t(PipeMsg::ExtendUndone).to_owned(),
                );
            }
            Err(ActionError::Domain(e)) => error.set(Some(state.lang.get_untracked().domain_error(&e))),
            Err(_) => {}
        }
    });
}

/// The page of one deal.
#[component]
pub fn DealDetail(id: Uuid) -> impl IntoView {
    let state = use_app();
    let deal =
        Memo::new(move |_| state.read(&[RecordKind::Deal], |d| d.archive().deals.live_one(id).cloned()).flatten());
    let error = RwSignal::new(None::<String>);
    let hand_to = RwSignal::new(deal.get_untracked().and_then(|d| d.owner).map(|o| o.to_string()).unwrap_or_default());

    let delete = move |_| {
        let Some(d) = deal.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            if let Ok(saved) = state.execute(Command::DeleteDeal(id)).await {
                state.navigate(Route::Pipeline { query: vec![] });
                let lang = state.lang.get_untracked();
                state.toast_with_undo(lang.deal_deleted(&d.title), &saved, lang.restored(&d.title));
            }
        });
    };
    let hand_over = move |_| {
        let to = hand_to.get_untracked().parse::<Uuid>().ok();
        leptos::task::spawn_local(async move {
            match state.execute(Command::HandOver { deals: vec![id], customers: vec![], to }).await {
                Ok(saved) => {
                    let name = state.with_data(|d| d.archive().rep_name(to).to_owned()).unwrap_or_default();
                    let lang = state.lang.get_untracked();
                    state.toast_with_undo(lang.handed_over(&name), &saved, lang.t(PipeMsg::AssignUndone).to_owned());
                }
                Err(ActionError::Domain(e)) => error.set(Some(state.lang.get_untracked().domain_error(&e))),
                Err(_) => {}
            }
        });
    };

    view! {
        <section class="page detail deal-detail">
            <a class="back" href="#/pipeline">{move || format!("← {}", state.t(Msg::NavPipeline))}</a>
            {move || match deal.get() {
                None => view! { <p class="empty" data-testid="not-found">{state.t(PipeMsg::DealNotFound)}</p> }.into_any(),
                Some(d) => {
                    let lang = state.lang.get();
                    let (pipeline, customer, owner) = state
                        .with_data(|x| (x.archive().pipeline().cloned(), x.archive().customers.get(d.customer).map(|c| c.name.clone()).unwrap_or_default(), x.archive().rep_name(d.owner).to_owned()))
                        .unwrap_or_default();
                    let Some(pipeline) = pipeline else { return ().into_any() };
                    let stage = pipeline.stage(d.stage).cloned();
                    let attention = pipeline.attention(&d, today());
                    let probability = pipeline.probability(&d);
                    let reps = state.with_data(|x| x.archive().reps.live().filter(|r| r.active).map(|r| (r.meta.id, r.name.clone())).collect::<Vec<_>>()).unwrap_or_default();
                    let field = |label: &'static str, value: String| view! {
                        <div class="field"><dt>{label}</dt><dd>{if value.is_empty() { "—".to_owned() } else { value }}</dd></div>
                    };
                    let mut timeline: Vec<(i64, String, String)> = d.history.iter().map(|e| (e.at.0, e.by.clone(), describe(state, lang, &e.change))).collect();
                    sort_by(&mut timeline, |a, b| b.0.cmp(&a.0));
                    let stages = pipeline.stages.clone();
                    let current_stage = d.stage;
                    view! {
                        <div class="page-head">
                            <h1 data-testid="deal-name">{d.title.clone()}</h1>
                            <div class="head-actions">
                                <a class="button" data-testid="edit-deal" href=Route::EditDeal(id).to_hash()>{lang.t(Msg::Edit)}</a>
                                <button class="danger" data-testid="delete-deal" on:click=delete>{lang.t(Msg::Delete)}</button>
                            </div>
                        </div>
                        <p class="badges">
                            <span class="badge" data-testid="deal-stage">{stage.as_ref().map(|s| s.name.clone()).unwrap_or_default()}</span>
                            <span class="badge">{format!("{} {probability}%", lang.t(PipeMsg::Probability))}</span>
                            <span class="badge">{lang.funnel_class(pipeline.class(&d))}</span>
                            {attention.overdue.then(|| view! { <span class="badge warn">{lang.t(PipeMsg::Overdue)}</span> })}
                            {attention.due_soon.then(|| view! { <span class="badge soon">{lang.t(PipeMsg::DueSoon)}</span> })}
                            {attention.rotting.then(|| view! { <span class="badge rot">{lang.rotting(attention.idle_days.max(0) as usize)}</span> })}
                        </p>
                        <div class="cards">
                            <section class="card">
                                <dl class="fields">
                                    <div class="field"><dt>{lang.t(PipeMsg::Customer)}</dt><dd><a href=Route::Customer(d.customer).to_hash() data-testid="deal-customer">{customer}</a></dd></div>
                                    {field(lang.t(PipeMsg::Amount), format!("{} ({})", amount(lang, d.currency, d.amount), d.currency.code()))}
                                    {field(lang.t(Msg::ColOwner), owner)}
                                    {field(lang.t(Msg::LeadSource), d.lead_source.clone())}
                                    {field(lang.t(PipeMsg::ExpectedClose), d.expected_close.map(|c| c.to_string()).unwrap_or_default())}
                                    {field(lang.t(PipeMsg::Difficulty), Money(d.difficulty as i64).to_input())}
                                    {field(lang.t(PipeMsg::NextStep), d.next_step.clone())}
                                    {field(lang.t(Msg::Created), format_time(d.meta.created_at.0))}
                                    {field(lang.t(Msg::UpdatedBy), format!("{} · {}", format_time(d.meta.updated_at.0), d.meta.updated_by))}
                                </dl>
                            </section>
                            <section class="card">
                                <label class="field">
                                    <span>{lang.t(PipeMsg::Stage)}</span>
                                    <select data-testid="deal-stage-select" on:change=move |ev| {
                                        if let Ok(stage) = event_target_value(&ev).parse::<Uuid>() {
                                            leptos::task::spawn_local(async move {
                                                let from = Some(current_stage);
                                                let _ = state.execute(Command::MoveDeal { id, stage, from }).await;
                                            });
                                        }
                                    }>
                                        {stages.iter().map(|s| view! { <option value=s.id.to_string() selected=s.id == current_stage>{s.name.clone()}</option> }).collect_view()}
                                    </select>
                                </label>
                                {pipeline.is_open(&d).then(|| view! { <ForecastCategory deal=id /> })}
                                {(pipeline.is_open(&d) && d.expected_close.is_some()).then(|| view! {
                                    <button class="secondary" data-testid="extend" on:click=move |_| extend(state, id, error)>
                                        {lang.t(PipeMsg::Extend)}
                                    </button>
                                })}
                                <div class="inline-form">
                                    <label class="field">
                                        <span>{lang.t(PipeMsg::HandOverTo)}</span>
                                        <select data-testid="hand-over-to" on:change=move |ev| hand_to.set(event_target_value(&ev))>
                                            <option value="">{lang.t(Msg::Unassigned)}</option>
                                            {reps.into_iter().map(|(rid, name)| view! { <option value=rid.to_string() selected=move || hand_to.get() == rid.to_string()>{name}</option> }).collect_view()}
                                        </select>
                                    </label>
                                    <button data-testid="hand-over" on:click=hand_over>{lang.t(PipeMsg::HandOver)}</button>
                                </div>
                                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                            </section>
                        </div>
                        <div class="cards">
                            <ActivitiesCard deal=d.clone() />
                            <SupersededCard record=id />
                            <section class="card">
                                <h2>{lang.t(PipeMsg::Timeline)}</h2>
                                <ol class="log timeline" data-testid="timeline">
                                    {timeline.into_iter().map(|(at, by, text)| view! {
                                        <li><span class="log-head">{format!("{} · {by}", format_time(at))}</span><span>{text}</span></li>
                                    }).collect_view()}
                                </ol>
                            </section>
                        </div>
                    }.into_any()
                }
            }}
        </section>
    }
}

/// The deals of one customer, on the customer's page.
#[component]
pub fn CustomerDeals(customer: Uuid) -> impl IntoView {
    let state = use_app();
    let deals = Memo::new(move |_| {
        state
            .read(&[RecordKind::Deal, RecordKind::Pipeline], |d| {
                let pipeline = d.archive().pipeline()?;
                let lang = state.lang.get();
                Some(
                    d.archive()
                        .deals
                        .live()
                        .filter(|x| x.customer == customer)
                        .map(|x| {
                            (
                                x.meta.id,
                                x.title.clone(),
                                pipeline.stage(x.stage).map(|s| s.name.clone()).unwrap_or_default(),
                                amount(lang, x.currency, x.amount),
                            )
                        })
                        .collect::<Vec<_>>(),
                )
            })
            .flatten()
            .unwrap_or_default()
    });
    view! {
        <section class="card">
            <h2>{tr(PipeMsg::CustomerDeals)}</h2>
            {move || {
                let rows = deals.get();
                if rows.is_empty() {
                    view! { <p class="muted">{tr(PipeMsg::NoDeals)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="log" data-testid="customer-deals">
                            {rows.into_iter().map(|(id, title, stage, money)| view! {
                                <li><a href=Route::Deal(id).to_hash()>{title}</a><span class="muted">{format!("{stage} · {money}")}</span></li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
            <a class="button secondary" data-testid="customer-new-deal" href=Route::NewDeal { customer: Some(customer) }.to_hash()>{tr(PipeMsg::NewDeal)}</a>
        </section>
    }
}

/// An open deal's forecast category: following its stage, or set by its rep (commit, best case,
/// pipeline, omitted). Saved on change.
///
/// `deal`: the deal's id.
#[component]
fn ForecastCategory(deal: Uuid) -> impl IntoView {
    use crate::domain::forecast::Category;
    use crate::i18n::FcMsg;
    let state = use_app();
    let set = Memo::new(move |_| {
        state
            .read(&[crate::domain::RecordKind::DealCategory], |d| {
                d.archive().deal_categories.get(deal).and_then(|c| c.category)
            })
            .flatten()
    });
    let save = move |value: String| {
        let category = Category::SETTABLE.into_iter().find(|c| format!("{c:?}") == value);
        leptos::task::spawn_local(async move {
            if state.execute(Command::SetDealCategory { deal, category }).await.is_ok() {
                state.show_toast(state.t(FcMsg::CategorySaved).to_owned(), false, None);
            }
        });
    };
    view! {
        <label class="field">
            <span>{move || state.t(FcMsg::DealCategory)}</span>
            <select data-testid="deal-category" on:change=move |ev| save(event_target_value(&ev))>
                <option value="" selected=move || set.get().is_none()>{move || state.t(FcMsg::FollowsStage)}</option>
                {Category::SETTABLE.into_iter().map(|c| view! {
                    <option value=format!("{c:?}") selected=move || set.get() == Some(c)>{move || state.lang.get().category(c)}</option>
                }).collect_view()}
            </select>
        </label>
    }
}
