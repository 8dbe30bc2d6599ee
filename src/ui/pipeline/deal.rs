//! One deal: its page (facts, stage, hand-over, activities, timeline), the form that creates or
//! edits it, and the deals card on a customer's page.

use leptos::prelude::*;
use uuid::Uuid;

use super::{amount, today};
use crate::domain::dates::parse_date;
use crate::domain::pipeline::{Activity, Deal, DealChange};
use crate::domain::query::CustomerFilter;
use crate::domain::sorting::sort_by;
use crate::domain::{ActivityKind, Command, Currency, Money};
use crate::i18n::{Lang, Msg, PipeMsg};
use crate::store::ActionError;
use crate::ui::attachments;
use crate::ui::customers::format_time;
use crate::ui::route::Route;
use crate::ui::state::{tr, use_app, AppState};

/// Saves a deal; shows why not if the domain refuses it. `done` runs after a successful save.
fn save_deal(
    state: AppState,
    deal: Deal,
    files: Vec<(String, Vec<u8>)>,
    error: RwSignal<Option<String>>,
    done: impl FnOnce() + 'static,
) {
    leptos::task::spawn_local(async move {
        match state.execute_with_files(Command::SaveDeal(deal), files).await {
            Ok(_) => {
                error.set(None);
                done();
            }
            Err(ActionError::Domain(e)) => error.set(Some(state.lang.get_untracked().domain_error(&e))),
            Err(_) => {}
        }
    });
}

/// A timeline line for one history entry.
fn describe(state: AppState, lang: Lang, change: &DealChange) -> String {
    let stage = |id: Uuid| {
        state
            .with_data(|d| d.archive.pipeline().and_then(|p| p.stage_name(id)).map(str::to_owned))
            .flatten()
            .unwrap_or_else(|| "?".into())
    };
    let rep = |id: Option<Uuid>| {
        let name = state.with_data(|d| d.archive.rep_name(id).to_owned()).unwrap_or_default();
        if name.is_empty() {
            lang.t(PipeMsg::Nobody).to_owned()
        } else {
            name
        }
    };
    let date = |d: Option<chrono::NaiveDate>| d.map_or_else(|| "—".to_owned(), |d| d.to_string());
    match change {
        DealChange::Created { stage: s } => lang.fill(PipeMsg::Created, "stage", &stage(*s)),
        DealChange::Stage { from, to } => {
            lang.fill_all(PipeMsg::StageMoved, &[("from", stage(*from)), ("to", stage(*to))])
        }
        DealChange::Owner { from, to } => {
            lang.fill_all(PipeMsg::OwnerChanged, &[("from", rep(*from)), ("to", rep(*to))])
        }
        DealChange::Expired { to, .. } => lang.fill(PipeMsg::ExpiredEvent, "to", &stage(*to)),
        DealChange::CloseDate { from, to } => {
            lang.fill_all(PipeMsg::CloseDateChanged, &[("from", date(*from)), ("to", date(*to))])
        }
        DealChange::Probability { to: Some(p) } => lang.fill(PipeMsg::ProbabilitySet, "n", &p.to_string()),
        DealChange::Probability { to: None } => lang.t(PipeMsg::ProbabilityCleared).to_owned(),
    }
}

/// The page of one deal.
#[component]
pub fn DealDetail(id: Uuid) -> impl IntoView {
    let state = use_app();
    let deal =
        Memo::new(move |_| state.read(|d| d.archive.deals.get(id).filter(|x| !x.meta.is_deleted()).cloned()).flatten());
    let error = RwSignal::new(None::<String>);
    let hand_to = RwSignal::new(deal.get_untracked().and_then(|d| d.owner).map(|o| o.to_string()).unwrap_or_default());

    let delete = move |_| {
        let Some(d) = deal.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            if state.execute(Command::DeleteDeal(id)).await.is_ok() {
                state.navigate(Route::Pipeline { query: vec![] });
                state.show_toast(state.lang.get_untracked().fill(PipeMsg::DealDeleted, "name", &d.title), false, None);
            }
        });
    };
    let hand_over = move |_| {
        let to = hand_to.get_untracked().parse::<Uuid>().ok();
        leptos::task::spawn_local(async move {
            match state.execute(Command::HandOver { deals: vec![id], customers: vec![], to }).await {
                Ok(_) => {
                    let name = state.with_data(|d| d.archive.rep_name(to).to_owned()).unwrap_or_default();
                    state.show_toast(state.lang.get_untracked().fill(PipeMsg::HandedOver, "name", &name), false, None);
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
                        .with_data(|x| (x.archive.pipeline().cloned(), x.archive.customers.get(d.customer).map(|c| c.name.clone()).unwrap_or_default(), x.archive.rep_name(d.owner).to_owned()))
                        .unwrap_or_default();
                    let Some(pipeline) = pipeline else { return ().into_any() };
                    let stage = pipeline.stage(d.stage).cloned();
                    let attention = pipeline.attention(&d, today());
                    let probability = pipeline.probability(&d);
                    let reps = state.with_data(|x| x.archive.reps.live().filter(|r| r.active).map(|r| (r.meta.id, r.name.clone())).collect::<Vec<_>>()).unwrap_or_default();
                    let field = |label: &'static str, value: String| view! {
                        <div class="field"><dt>{label}</dt><dd>{if value.is_empty() { "—".to_owned() } else { value }}</dd></div>
                    };
                    let mut timeline: Vec<(i64, String, String)> = d.history.iter().map(|e| (e.at.0, e.by.clone(), describe(state, lang, &e.change))).collect();
                    sort_by(&mut timeline, |a, b| b.0.cmp(&a.0));
                    let stages = pipeline.stages.clone();
                    let current_stage = d.stage;
                    let extend_base = d.clone();
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
                            {attention.rotting.then(|| view! { <span class="badge rot">{lang.fill(PipeMsg::Rotting, "n", &attention.idle_days.to_string())}</span> })}
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
                                                let _ = state.execute(Command::MoveDeal { id, stage }).await;
                                            });
                                        }
                                    }>
                                        {stages.iter().map(|s| view! { <option value=s.id.to_string() selected=s.id == current_stage>{s.name.clone()}</option> }).collect_view()}
                                    </select>
                                </label>
                                {(pipeline.is_open(&d) && d.expected_close.is_some()).then(|| view! {
                                    <button class="secondary" data-testid="extend" on:click=move |_| {
                                        let mut deal = extend_base.clone();
                                        deal.expected_close = deal.expected_close.map(|c| c.max(today()) + chrono::Duration::days(30));
                                        save_deal(state, deal, Vec::new(), error, || {});
                                    }>{lang.t(PipeMsg::Extend)}</button>
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

/// The deal's activities, newest first, and a form to log one.
#[component]
fn ActivitiesCard(deal: Deal) -> impl IntoView {
    let state = use_app();
    let date = RwSignal::new(today().to_string());
    let kind = RwSignal::new(ActivityKind::Call);
    let outcome = RwSignal::new(String::new());
    let courier = RwSignal::new(String::new());
    let tracking = RwSignal::new(String::new());
    let quoted = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    // Each activity with its number (the key of its files), newest first.
    let mut rows: Vec<(usize, Activity)> = deal.activities.iter().cloned().enumerate().collect();
    sort_by(&mut rows, |a, b| b.1.date.cmp(&a.1.date));
    let picker: NodeRef<leptos::html::Input> = NodeRef::new();
    let deal_id = deal.id();
    let attached = attachments::use_attached(deal_id, error);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = state.lang.get_untracked();
        let picked = match attachments::picked(picker, lang) {
            Ok(picked) => picked,
            Err(problem) => return error.set(Some(problem)),
        };
        let Some(d) = parse_date(&date.get_untracked()) else {
            return error.set(Some(lang.t(Msg::ProblemDate).to_owned()));
        };
        let k = kind.get_untracked();
        let amount = if k == ActivityKind::Quotation {
            match Money::parse(&quoted.get_untracked()) {
                Ok(a) => a,
                Err(_) => return error.set(Some(lang.t(Msg::ProblemAmount).to_owned())),
            }
        } else {
            Money::ZERO
        };
        let sample = k == ActivityKind::Sample;
        let activity = Activity {
            date: d,
            kind: k,
            by: state.user.get_untracked(),
            outcome: outcome.get_untracked().trim().to_owned(),
            courier: if sample { courier.get_untracked().trim().to_owned() } else { String::new() },
            tracking: if sample { tracking.get_untracked().trim().to_owned() } else { String::new() },
            amount,
        };
        let mut updated = deal.clone();
        let number = updated.activities.len();
        updated.activities.push(activity);
        let by = state.user.get_untracked();
        leptos::task::spawn_local(async move {
            // The files go in the same transaction as the activity: both are saved, or neither.
            match attachments::stored(picked, deal_id, number, &by, lang).await {
                Ok(files) => save_deal(state, updated, files, error, move || {
                    outcome.set(String::new());
                    tracking.set(String::new());
                    quoted.set(String::new());
                    attachments::clear(picker);
                }),
                Err(problem) => error.set(Some(problem)),
            }
        });
    };
    view! {
        <section class="card">
            <h2>{tr(PipeMsg::Activities)}</h2>
            {if rows.is_empty() {
                view! { <p class="muted">{tr(PipeMsg::NoActivities)}</p> }.into_any()
            } else {
                view! {
                    <ul class="log" data-testid="activities">
                        {rows.into_iter().map(|(number, a)| {
                            let extra = [
                                (!a.courier.is_empty() || !a.tracking.is_empty()).then(|| format!("{} {}", a.courier, a.tracking)),
                                (a.amount.0 > 0).then(|| a.amount.to_string()),
                            ].into_iter().flatten().collect::<Vec<_>>().join(" · ");
                            view! {
                                <li>
                                    <span class="log-head">{format!("{} · ", a.date)}{move || state.lang.get().activity(a.kind)}{(!a.by.is_empty()).then(|| format!(" · {}", a.by))}</span>
                                    <span>{a.outcome.clone()}</span>
                                    {(!extra.is_empty()).then(|| view! { <span class="muted">{extra}</span> })}
                                    {attachments::shown(attached, number)}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <form class="inline-form" on:submit=add data-testid="add-activity">
                <input type="date" aria-label=tr(Msg::Date) prop:value=move || date.get() on:input=move |ev| date.set(event_target_value(&ev)) />
                <select aria-label=tr(PipeMsg::AddActivity) data-testid="activity-kind" on:change=move |ev| if let Ok(k) = event_target_value(&ev).parse() { kind.set(k) }>
                    {ActivityKind::ALL.iter().map(|k| { let k = *k; view! { <option value=k.code() selected=move || kind.get() == k>{move || state.lang.get().activity(k)}</option> } }).collect_view()}
                </select>
                <input type="text" class="grow" data-testid="activity-outcome" placeholder=tr(PipeMsg::Outcome) aria-label=tr(PipeMsg::Outcome) prop:value=move || outcome.get() on:input=move |ev| outcome.set(event_target_value(&ev)) />
                <Show when=move || kind.get() == ActivityKind::Sample>
                    <input type="text" placeholder=tr(PipeMsg::Courier) aria-label=tr(PipeMsg::Courier) prop:value=move || courier.get() on:input=move |ev| courier.set(event_target_value(&ev)) />
                    <input type="text" data-testid="activity-tracking" placeholder=tr(PipeMsg::Tracking) aria-label=tr(PipeMsg::Tracking) prop:value=move || tracking.get() on:input=move |ev| tracking.set(event_target_value(&ev)) />
                </Show>
                <Show when=move || kind.get() == ActivityKind::Quotation>
                    <input type="text" inputmode="decimal" placeholder=tr(PipeMsg::QuoteAmount) aria-label=tr(PipeMsg::QuoteAmount) prop:value=move || quoted.get() on:input=move |ev| quoted.set(event_target_value(&ev)) />
                </Show>
                <label class="file-pick">
                    <span>{tr(PipeMsg::Attach)}</span>
                    <input type="file" multiple data-testid="activity-files" node_ref=picker />
                </label>
                <button type="submit" data-testid="activity-add">{tr(PipeMsg::AddActivity)}</button>
                {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            </form>
        </section>
    }
}

/// Creates a deal (for a customer, if the route names one) or edits one.
#[component]
pub fn DealForm(id: Option<Uuid>, customer: Option<Uuid>) -> impl IntoView {
    let state = use_app();
    let original = state.with_data(|d| id.and_then(|id| d.archive.deals.get(id).cloned())).flatten();
    let first_stage = state
        .with_data(|d| d.archive.pipeline().and_then(|p| p.stages.first()).map(|s| s.id))
        .flatten()
        .unwrap_or_default();
    let base = original.clone().unwrap_or_else(|| {
        let mut deal = Deal::blank(customer.unwrap_or_default(), first_stage);
        deal.owner =
            state.with_data(|d| customer.and_then(|c| d.archive.customers.get(c)).and_then(|c| c.owner)).flatten();
        deal.lead_source = state
            .with_data(|d| customer.and_then(|c| d.archive.customers.get(c)).map(|c| c.lead_source.clone()))
            .flatten()
            .unwrap_or_default();
        deal
    });
    let title = RwSignal::new(base.title.clone());
    let customer_id = RwSignal::new(base.customer);
    let customer_text = RwSignal::new(
        state
            .with_data(|d| d.archive.customers.get(base.customer).map(|c| c.name.clone()))
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
            let p = d.archive.pipeline();
            (
                p.map(|p| p.stages.clone()).unwrap_or_default(),
                d.archive.reps.live().map(|r| (r.meta.id, r.name.clone())).collect::<Vec<_>>(),
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
                .with_data(|d| d.archive.customers.get(customer_id.get_untracked()).is_some_and(|c| c.name == text))
                .unwrap_or(false)
        {
            return Vec::new();
        }
        let filter = CustomerFilter { text, ..CustomerFilter::default() };
        state
            .with_data_mut(|d| {
                let rows = d.query.run(&d.archive, &filter, Default::default());
                rows.iter()
                    .take(8)
                    .map(|&r| {
                        let c = &d.archive.customers.rows()[r as usize];
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
        let probability = match probability.get_untracked().trim() {
            "" => None,
            text => match text.trim_end_matches('%').parse::<u8>() {
                Ok(p) => Some(p),
                Err(_) => return error.set(Some(lang.t(PipeMsg::ErrProbabilityOver100).to_owned())),
            },
        };
        let difficulty = match Money::parse(&difficulty.get_untracked()) {
            Ok(d) if (0..=u16::MAX as i64).contains(&d.0) => d.0 as u16,
            _ => return error.set(Some(lang.t(PipeMsg::ErrDifficulty).to_owned())),
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
        save_deal(state, deal, Vec::new(), error, move || {
            state.show_toast(state.t(PipeMsg::DealSaved).to_owned(), false, None);
            state.navigate(Route::Deal(saved));
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
                        <small class="muted">{move || state.lang.get().fill(PipeMsg::ProbabilityAuto, "n", &stage_probability().to_string())}</small>
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

/// The deals of one customer, on the customer's page.
#[component]
pub fn CustomerDeals(customer: Uuid) -> impl IntoView {
    let state = use_app();
    let deals = Memo::new(move |_| {
        state
            .read(|d| {
                let pipeline = d.archive.pipeline()?;
                let lang = state.lang.get();
                Some(
                    d.archive
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
