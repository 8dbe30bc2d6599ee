//! A customer's page: profile, contacts, transaction history and communication log, with quick
//! forms to add an order or a follow-up, and delete with undo.

use chrono::NaiveDate;
use leptos::prelude::*;
use uuid::Uuid;

use crate::domain::dates::parse_date;
use crate::domain::sorting::sort_by;
use crate::domain::{CommKind, Command, Communication, Customer, Money, Transaction};
use crate::i18n::Msg;
use crate::ui::attachments;
use crate::ui::route::Route;
use crate::ui::state::{tr, use_app, AppState, UndoAction};

/// `2026-03-15 14:05` in the browser's time zone.
pub(crate) fn format_time(ms: i64) -> String {
    use chrono::Timelike;
    let offset_minutes = js_sys::Date::new(&(ms as f64).into()).get_timezone_offset() as i64;
    chrono::DateTime::from_timestamp_millis(ms - offset_minutes * 60_000)
        .map(|t| format!("{} {:02}:{:02}", t.date_naive(), t.hour(), t.minute()))
        .unwrap_or_default()
}

fn today() -> NaiveDate {
    crate::domain::Timestamp(js_sys::Date::now() as i64).date()
}

/// The detail page of one customer.
#[component]
pub fn CustomerDetail(id: Uuid) -> impl IntoView {
    let state = use_app();
    let customer = Memo::new(move |_| {
        state.read(|d| d.archive.customers.get(id).filter(|c| !c.meta.is_deleted()).cloned()).flatten()
    });
    let owner = Memo::new(move |_| {
        state.read(|d| d.archive.rep_name(customer.get().and_then(|c| c.owner)).to_owned()).unwrap_or_default()
    });

    let delete = move |_| {
        let Some(c) = customer.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            if state.execute(Command::DeleteCustomer(id)).await.is_ok() {
                state.navigate(Route::default());
                let text = state.lang.get_untracked().fill(Msg::DeletedName, "name", &c.name);
                state.show_toast(text, false, Some(UndoAction::RestoreCustomer(id, c.name.clone())));
            }
        });
    };

    view! {
        <section class="page detail">
            <a class="back" href="#/customers">{move || format!("← {}", state.t(Msg::BackToList))}</a>
            {move || match customer.get() {
                None => view! { <p class="empty" data-testid="not-found">{state.t(Msg::NotFound)}</p> }.into_any(),
                Some(c) => {
                    let lang = state.lang.get();
                    let field = |label: Msg, value: String| {
                        view! {
                            <div class="field">
                                <dt>{state.t(label)}</dt>
                                <dd>{if value.is_empty() { "—".to_owned() } else { value }}</dd>
                            </div>
                        }
                    };
                    let place = [c.region.as_str(), c.city.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" · ");
                    view! {
                        <div class="page-head">
                            <h1 data-testid="detail-name">{c.name.clone()}</h1>
                            <div class="head-actions">
                                <a class="button" data-testid="edit" href=Route::EditCustomer(id).to_hash()>{state.t(Msg::Edit)}</a>
                                <button class="danger" data-testid="delete" on:click=delete>{state.t(Msg::Delete)}</button>
                            </div>
                        </div>
                        <p class="badges">
                            <span class="badge">{lang.kind(c.kind)}</span>
                            <span class=format!("badge tier-{}", c.tier.code())>{lang.tier(c.tier)}</span>
                            <span class=format!("badge intent-{}", c.intent.code())>{format!("{} · {}", state.t(Msg::ColIntent), lang.intent(c.intent))}</span>
                            {c.tags.iter().map(|t| view! { <span class="badge tag">{t.clone()}</span> }).collect_view()}
                        </p>
                        <div class="cards">
                            <section class="card">
                                <h2>{state.t(Msg::Profile)}</h2>
                                <dl class="fields">
                                    {field(Msg::ColIndustry, c.industry.clone())}
                                    {field(Msg::ColRegion, place)}
                                    {field(Msg::Address, c.address.clone())}
                                    {field(Msg::Size, c.size.map(|s| lang.size(s).to_owned()).unwrap_or_default())}
                                    {field(Msg::ColValue, c.potential_value.to_string())}
                                    {field(Msg::LeadSource, c.lead_source.clone())}
                                    {field(Msg::ColOwner, owner.get())}
                                    {field(Msg::LifetimeRevenue, c.lifetime_revenue().to_string())}
                                    {field(Msg::LastContacted, c.last_contacted().map(|d| d.to_string()).unwrap_or_else(|| state.t(Msg::Never).to_owned()))}
                                    {field(Msg::Created, format_time(c.meta.created_at.0))}
                                    {field(Msg::UpdatedBy, format!("{} · {}", format_time(c.meta.updated_at.0), c.meta.updated_by))}
                                </dl>
                                {(!c.notes.is_empty()).then(|| view! { <p class="notes">{c.notes.clone()}</p> })}
                            </section>
                            <section class="card">
                                <h2>{state.t(Msg::Contacts)}</h2>
                                {if c.contacts.is_empty() {
                                    view! { <p class="muted">{state.t(Msg::NoContacts)}</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="contacts" data-testid="contacts">
                                            {c.contacts.iter().map(|p| view! {
                                                <li>
                                                    <strong>{p.name.clone()}</strong>
                                                    {(!p.title.is_empty()).then(|| view! { <span class="muted">{format!(" · {}", p.title)}</span> })}
                                                    <div class="contact-lines">
                                                        {(!p.phone.is_empty()).then(|| view! { <a href=format!("tel:{}", p.phone)>{p.phone.clone()}</a> })}
                                                        {(!p.email.is_empty()).then(|| view! { <a href=format!("mailto:{}", p.email)>{p.email.clone()}</a> })}
                                                        {(!p.wechat.is_empty()).then(|| view! { <span>{format!("{}: {}", state.t(Msg::ContactWechat), p.wechat)}</span> })}
                                                    </div>
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                            </section>
                        </div>
                        <div class="cards">
                            <TransactionsCard customer=c.clone() />
                            <CommunicationsCard customer=c.clone() />
                        </div>
                        <div class="cards">
                            <crate::ui::pipeline::CustomerDeals customer=id />
                            {(!c.owner_history.is_empty()).then(|| view! { <OwnerHistoryCard customer=c.clone() /> })}
                        </div>
                    }.into_any()
                }
            }}
        </section>
    }
}

/// Saves `customer` with one change applied; shows field problems as a message.
fn save_with(
    state: AppState,
    customer: Customer,
    change: impl FnOnce(&mut Customer),
    files: Vec<(String, Vec<u8>)>,
    done: impl FnOnce() + 'static,
) {
    let mut updated = customer;
    change(&mut updated);
    leptos::task::spawn_local(async move {
        if state.execute_with_files(Command::UpdateCustomer(updated), files).await.is_ok() {
            state.show_toast(state.t(Msg::Saved).to_owned(), false, None);
            done();
        }
    });
}

#[component]
fn TransactionsCard(customer: Customer) -> impl IntoView {
    let state = use_app();
    let date = RwSignal::new(today().to_string());
    let product = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Msg>);
    let mut rows = customer.transactions.clone();
    sort_by(&mut rows, |a, b| b.date.cmp(&a.date));
    let base = customer.clone();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(d) = parse_date(&date.get_untracked()) else {
            return error.set(Some(Msg::ProblemDate));
        };
        let a = match Money::parse(&amount.get_untracked()) {
            Ok(a) if a.0 > 0 => a,
            _ => return error.set(Some(Msg::ProblemAmount)),
        };
        let p = product.get_untracked().trim().to_owned();
        if p.is_empty() {
            return error.set(Some(Msg::ProblemRequired));
        }
        error.set(None);
        save_with(
            state,
            base.clone(),
            |c| c.transactions.push(Transaction { date: d, product: p, amount: a }),
            Vec::new(),
            move || {
                product.set(String::new());
                amount.set(String::new());
            },
        );
    };
    view! {
        <section class="card">
            <h2>{tr(Msg::Transactions)}</h2>
            {if rows.is_empty() {
                view! { <p class="muted">{tr(Msg::NoTransactions)}</p> }.into_any()
            } else {
                view! {
                    <table class="history" data-testid="transactions">
                        <thead><tr><th>{tr(Msg::Date)}</th><th>{tr(Msg::Product)}</th><th class="num">{tr(Msg::Amount)}</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|t| view! { <tr><td>{t.date.to_string()}</td><td>{t.product}</td><td class="num">{t.amount.to_string()}</td></tr> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <form class="inline-form" on:submit=add data-testid="add-transaction">
                <input type="date" aria-label=tr(Msg::Date) prop:value=move || date.get() on:input=move |ev| date.set(event_target_value(&ev)) />
                <input type="text" placeholder=tr(Msg::Product) aria-label=tr(Msg::Product) prop:value=move || product.get() on:input=move |ev| product.set(event_target_value(&ev)) />
                <input type="text" inputmode="decimal" placeholder=tr(Msg::Amount) aria-label=tr(Msg::Amount) prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev)) />
                <button type="submit">{tr(Msg::AddTransaction)}</button>
                {move || error.get().map(|m| view! { <p class="field-error" role="alert">{state.t(m)}</p> })}
            </form>
        </section>
    }
}

/// Who gave this customer from whom to whom, and when; newest first.
#[component]
fn OwnerHistoryCard(customer: Customer) -> impl IntoView {
    let state = use_app();
    let name = move |id: Option<Uuid>| {
        let name = state.with_data(|d| d.archive.rep_name(id).to_owned()).unwrap_or_default();
        if name.is_empty() {
            state.t(crate::i18n::PipeMsg::Nobody).to_owned()
        } else {
            name
        }
    };
    view! {
        <section class="card">
            <h2>{tr(Msg::OwnerHistory)}</h2>
            <ul class="log" data-testid="owner-history">
                {customer.owner_history.iter().rev().map(|h| {
                    let (at, by, from, to) = (h.at.0, h.by.clone(), h.from, h.to);
                    view! {
                        <li>
                            <span class="log-head">{format_time(at)}{(!by.is_empty()).then(|| format!(" · {by}"))}</span>
                            <span>{move || state.lang.get().fill_all(crate::i18n::PipeMsg::OwnerChanged, &[("from", name(from)), ("to", name(to))])}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn CommunicationsCard(customer: Customer) -> impl IntoView {
    let state = use_app();
    let date = RwSignal::new(today().to_string());
    let kind = RwSignal::new(CommKind::Call);
    let summary = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Msg>);
    let file_error = RwSignal::new(None::<String>);
    // Each entry with its number (the key of its files), newest first.
    let mut rows: Vec<(usize, Communication)> = customer.communications.iter().cloned().enumerate().collect();
    sort_by(&mut rows, |a, b| b.1.date.cmp(&a.1.date));
    let owner = customer.id();
    let picker: NodeRef<leptos::html::Input> = NodeRef::new();
    let attached = attachments::use_attached(owner, file_error);
    let base = customer.clone();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = state.lang.get_untracked();
        let Some(d) = parse_date(&date.get_untracked()) else {
            return error.set(Some(Msg::ProblemDate));
        };
        let s = summary.get_untracked().trim().to_owned();
        if s.is_empty() {
            return error.set(Some(Msg::ProblemRequired));
        }
        error.set(None);
        let picked = match attachments::picked(picker, lang) {
            Ok(picked) => picked,
            Err(problem) => return file_error.set(Some(problem)),
        };
        file_error.set(None);
        let by = state.user.get_untracked();
        let k = kind.get_untracked();
        let base = base.clone();
        let entry = base.communications.len();
        leptos::task::spawn_local(async move {
            // The files go in the same transaction as the entry: both are saved, or neither.
            match attachments::stored(picked, owner, entry, &by, lang).await {
                Ok(files) => save_with(
                    state,
                    base,
                    |c| c.communications.push(Communication { date: d, kind: k, summary: s, by }),
                    files,
                    move || {
                        summary.set(String::new());
                        attachments::clear(picker);
                    },
                ),
                Err(problem) => file_error.set(Some(problem)),
            }
        });
    };
    view! {
        <section class="card">
            <h2>{tr(Msg::Communications)}</h2>
            {if rows.is_empty() {
                view! { <p class="muted">{tr(Msg::NoCommunications)}</p> }.into_any()
            } else {
                view! {
                    <ul class="log" data-testid="communications">
                        {rows.into_iter().map(|(entry, c)| view! {
                            <li>
                                <span class="log-head">{format!("{} · ", c.date)}{move || state.lang.get().comm(c.kind)}{(!c.by.is_empty()).then(|| format!(" · {}", c.by))}</span>
                                <span>{c.summary}</span>
                                {attachments::shown(attached, entry)}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <form class="inline-form" on:submit=add data-testid="add-communication">
                <input type="date" aria-label=tr(Msg::Date) prop:value=move || date.get() on:input=move |ev| date.set(event_target_value(&ev)) />
                <select aria-label=tr(Msg::CommType) on:change=move |ev| if let Ok(k) = event_target_value(&ev).parse() { kind.set(k) }>
                    {CommKind::ALL.iter().map(|k| { let k = *k; view! { <option value=k.code() selected=move || kind.get() == k>{move || state.lang.get().comm(k)}</option> } }).collect_view()}
                </select>
                <input type="text" class="grow" data-testid="communication-summary" placeholder=tr(Msg::CommSummary) aria-label=tr(Msg::CommSummary) prop:value=move || summary.get() on:input=move |ev| summary.set(event_target_value(&ev)) />
                <label class="file-pick">
                    <span>{tr(crate::i18n::PipeMsg::Attach)}</span>
                    <input type="file" multiple data-testid="communication-files" node_ref=picker />
                </label>
                <button type="submit" data-testid="communication-add">{tr(Msg::AddCommunication)}</button>
                {move || error.get().map(|m| view! { <p class="field-error" role="alert">{state.t(m)}</p> })}
                {move || file_error.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            </form>
        </section>
    }
}
