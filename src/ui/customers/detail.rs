//! A customer's page: profile and contacts, the order and follow-up logs (see `log`), deals,
//! owner changes and replaced values, and delete (asking what becomes of its deals), with undo.

use leptos::prelude::*;
use uuid::Uuid;

use super::log::{CommunicationsCard, OwnerHistoryCard, TransactionsCard};
use crate::domain::{Command, Customer, DealsOfDeleted, RecordKind};
use crate::i18n::Msg;
use crate::ui::clock::format_time;
use crate::ui::route::Route;
use crate::ui::state::{tr, use_app};
use crate::ui::superseded::SupersededCard;

/// The detail page of one customer.
#[component]
pub fn CustomerDetail(id: Uuid) -> impl IntoView {
    let state = use_app();
    let customer = Memo::new(move |_| {
        state.read(&[RecordKind::Customer], |d| d.archive().customers.live_one(id).cloned()).flatten()
    });
    view! {
        <section class="page detail">
            <a class="back" href="#/customers">{move || format!("← {}", state.t(Msg::BackToList))}</a>
            {move || match (state.lang.get(), customer.get()).1 {
                None => view! { <p class="empty" data-testid="not-found">{state.t(Msg::NotFound)}</p> }.into_any(),
                Some(c) => view! {
                    <div class="page-head">
                        <h1 data-testid="detail-name">{c.name.clone()}</h1>
                        <div class="head-actions">
                            <a class="button" data-testid="edit" href=Route::EditCustomer(id).to_hash()>{tr(Msg::Edit)}</a>
                            <DeleteCustomer customer=c.clone() />
                        </div>
                    </div>
                    <Badges customer=c.clone() />
                    <div class="cards">
                        <Profile customer=c.clone() />
                        <Contacts customer=c.clone() />
                    </div>
                    <div class="cards">
                        <TransactionsCard customer=c.clone() />
                        <CommunicationsCard customer=c.clone() />
                    </div>
                    <div class="cards">
                        <crate::ui::pipeline::CustomerDeals customer=id />
                        {(!c.owner_history.is_empty()).then(|| view! { <OwnerHistoryCard customer=c.clone() /> })}
                        <SupersededCard record=id />
                    </div>
                }
                .into_any(),
            }}
        </section>
    }
}

/// Kind, tier, intent and tags.
#[component]
fn Badges(customer: Customer) -> impl IntoView {
    let state = use_app();
    let c = customer;
    view! {
        <p class="badges">
            <span class="badge">{move || state.lang.get().kind(c.kind)}</span>
            <span class=format!("badge tier-{}", c.tier.code())>{move || state.lang.get().tier(c.tier)}</span>
            <span class=format!("badge intent-{}", c.intent.code())>
                {move || format!("{} · {}", state.t(Msg::ColIntent), state.lang.get().intent(c.intent))}
            </span>
            {c.tags.iter().map(|t| view! { <span class="badge tag">{t.clone()}</span> }).collect_view()}
        </p>
    }
}

/// The customer's fields.
#[component]
fn Profile(customer: Customer) -> impl IntoView {
    let state = use_app();
    let c = customer;
    let owner = state.with_data(|d| d.archive().rep_name(c.owner).to_owned()).unwrap_or_default();
    let lang = state.lang.get_untracked();
    let field = |label: Msg, value: String| {
        view! {
            <div class="field">
                <dt>{tr(label)}</dt>
                <dd>{if value.is_empty() { "—".to_owned() } else { value }}</dd>
            </div>
        }
    };
    let place =
        [c.region.as_str(), c.city.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" · ");
    let last = c.last_contacted().map(|d| d.to_string()).unwrap_or_else(|| lang.t(Msg::Never).to_owned());
    view! {
        <section class="card">
            <h2>{tr(Msg::Profile)}</h2>
            <dl class="fields">
                {field(Msg::ColIndustry, c.industry.clone())}
                {field(Msg::ColRegion, place)}
                {field(Msg::Address, c.address.clone())}
                {field(Msg::Size, c.size.map(|s| lang.size(s).to_owned()).unwrap_or_default())}
                {field(Msg::ColValue, c.potential_value.to_string())}
                {field(Msg::LeadSource, c.lead_source.clone())}
                {field(Msg::ColOwner, owner)}
                {field(Msg::LifetimeRevenue, c.lifetime_revenue().to_string())}
                {field(Msg::LastContacted, last)}
                {field(Msg::Created, format_time(c.meta.created_at.0))}
                {field(Msg::UpdatedBy, format!("{} · {}", format_time(c.meta.updated_at.0), c.meta.updated_by))}
            </dl>
            {(!c.notes.is_empty()).then(|| view! { <p class="notes">{c.notes.clone()}</p> })}
        </section>
    }
}

/// The people at the customer.
#[component]
fn Contacts(customer: Customer) -> impl IntoView {
    let state = use_app();
    let contacts = customer.contacts.clone();
    view! {
        <section class="card">
            <h2>{tr(Msg::Contacts)}</h2>
            {if contacts.is_empty() {
                view! { <p class="muted">{tr(Msg::NoContacts)}</p> }.into_any()
            } else {
                view! {
                    <ul class="contacts" data-testid="contacts">
                        {contacts.iter().map(|p| view! {
                            <li>
                                <strong>{p.name.clone()}</strong>
                                {(!p.title.is_empty()).then(|| view! { <span class="muted">{format!(" · {}", p.title)}</span> })}
                                <div class="contact-lines">
                                    {(!p.phone.is_empty()).then(|| view! { <a href=format!("tel:{}", p.phone)>{p.phone.clone()}</a> })}
                                    {(!p.email.is_empty()).then(|| view! { <a href=format!("mailto:{}", p.email)>{p.email.clone()}</a> })}
                                    {(!p.wechat.is_empty()).then(|| { let w = p.wechat.clone(); view! { <span>{move || format!("{}: {w}", state.t(Msg::ContactWechat))}</span> } })}
                                </div>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// The delete button. A customer with deals asks first what becomes of them: deleted with it,
/// or (the open ones) closed as lost and kept for the reports. Undone from the message.
#[component]
fn DeleteCustomer(customer: Customer) -> impl IntoView {
    let state = use_app();
    let id = customer.meta.id;
    let asking = RwSignal::new(false);
    let deals = Memo::new(move |_| {
        state.read(&[RecordKind::Deal], |d| d.archive().deals.live().filter(|x| x.customer == id).count()).unwrap_or(0)
    });
    let name = customer.name.clone();
    let delete = move |choice: DealsOfDeleted| {
        let name = name.clone();
        leptos::task::spawn_local(async move {
            if let Ok(saved) = state.execute(Command::DeleteCustomer { id, deals: choice }).await {
                state.navigate(Route::default());
                let lang = state.lang.get_untracked();
                state.toast_with_undo(lang.deleted_name(&name), &saved, lang.restored(&name));
            }
        });
    };
    let first = delete.clone();
    view! {
        <button class="danger" data-testid="delete"
            on:click=move |_| {
                if deals.get_untracked() > 0 {
                    asking.set(true)
                } else {
                    first(DealsOfDeleted::Delete)
                }
            }>
            {tr(Msg::Delete)}
        </button>
        <Show when=move || asking.get()>
            {
                let (with_deals, close) = (delete.clone(), delete.clone());
                view! {
                    <div class="card ask" role="dialog" data-testid="delete-ask">
                        <p>{move || state.lang.get().delete_ask_deals(deals.get())}</p>
                        <button class="danger" data-testid="delete-with-deals" on:click=move |_| with_deals(DealsOfDeleted::Delete)>
                            {tr(Msg::DeleteWithDeals)}
                        </button>
                        <button data-testid="delete-close-deals" on:click=move |_| close(DealsOfDeleted::CloseAsLost)>
                            {tr(Msg::DeleteCloseDeals)}
                        </button>
                        <button class="secondary" on:click=move |_| asking.set(false)>{tr(Msg::Cancel)}</button>
                    </div>
                }
            }
        </Show>
    }
}
