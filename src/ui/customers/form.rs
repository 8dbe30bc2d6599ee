//! Create and edit a customer, with every problem shown beside its field.

use leptos::prelude::*;
use uuid::Uuid;

use crate::domain::validate::{Field, FieldError, Problem};
use crate::domain::{
    Command, CompanySize, Contact, Customer, CustomerKind, DomainError, Intent, Money, MoneyError, RecordKind, Tier,
};
use crate::i18n::Msg;
use crate::store::ActionError;
use crate::ui::route::Route;
use crate::ui::state::{tr, use_app};

/// The form; `id` is the customer to edit, or `None` for a new one.
#[component]
pub fn CustomerForm(id: Option<Uuid>) -> impl IntoView {
    let state = use_app();
    let existing = id.and_then(|id| state.with_data(|d| d.archive().customers.get(id).cloned()).flatten());
    if id.is_some() && existing.is_none() {
        return view! { <section class="page"><p class="empty" data-testid="not-found">{tr(Msg::NotFound)}</p></section> }.into_any();
    }
    let draft = RwSignal::new(existing.clone().unwrap_or_else(|| {
        let mut c = Customer::blank(CustomerKind::Organisation);
        c.contacts.push(Contact::default());
        c
    }));
    let value_text = RwSignal::new(existing.as_ref().map(|c| c.potential_value.to_input()).unwrap_or_default());
    let tags_text = RwSignal::new(existing.as_ref().map(|c| c.tags.join(", ")).unwrap_or_default());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    // A save in flight ignores further submits. The button says "saving" only if the write is
    // slow: changing the page while the transaction runs would make the browser render a frame
    // before it can report the commit.
    let in_flight = StoredValue::new(false);
    let saving = RwSignal::new(false);
    let contact_count = Memo::new(move |_| draft.with(|c| c.contacts.len()));
    let reps = Memo::new(move |_| {
        state
            .read(&[RecordKind::Rep], |d| {
                d.archive().reps.live().map(|r| (r.meta.id, r.name.clone())).collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });

    let error_for = move |field: Field| {
        move || errors.with(|es| es.iter().find(|e| e.field == field).map(|e| state.lang.get().problem(e)))
    };
    let invalid = move |field: Field| move || errors.with(|es| es.iter().any(|e| e.field == field));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if in_flight.get_value() {
            return;
        }
        let mut customer = draft.get_untracked();
        customer.tags = crate::domain::records::split_tags(&tags_text.get_untracked());
        match Money::parse(&value_text.get_untracked()) {
            Ok(v) => customer.potential_value = v,
            Err(e) => {
                let problem = match e {
                    MoneyError::NotANumber => Problem::InvalidAmount,
                    MoneyError::Negative => Problem::NegativeAmount,
                    MoneyError::TooLarge => Problem::AmountTooLarge,
                };
                let mut all = crate::domain::validate::validate_customer(&customer);
                all.push(FieldError { field: Field::PotentialValue, problem });
                errors.set(all);
                return;
            }
        }
        // An edit says what the form began with, so only what the user changed is saved.
        let command = match existing.clone() {
            Some(before) => Command::EditCustomer { before: Box::new(before), after: Box::new(customer.clone()) },
            None => {
                customer.meta.id = Uuid::new_v4();
                Command::CreateCustomer(customer.clone())
            }
        };
        let saved_id = customer.meta.id;
        in_flight.set_value(true);
        // The form may be gone by then (saved and navigated away): try_ never panics on that.
        set_timeout(
            move || _ = saving.try_set(in_flight.try_get_value().unwrap_or(false)),
            std::time::Duration::from_millis(150),
        );
        leptos::task::spawn_local(async move {
            let result = state.execute(command).await;
            in_flight.try_set_value(false);
            saving.try_set(false);
            match result {
                Ok(saved) => {
                    errors.set(Vec::new());
                    let lang = state.lang.get_untracked();
                    state.toast_with_undo(lang.t(Msg::Saved).to_owned(), &saved, lang.t(Msg::EditUndone).to_owned());
                    state.navigate(Route::Customer(saved_id));
                }
                Err(ActionError::Domain(DomainError::Invalid(field_errors))) => errors.set(field_errors),
                Err(ActionError::Domain(other)) => {
                    state.show_toast(state.lang.get_untracked().domain_error(&other), true, None)
                }
                // The store's refusal is already shown; the form keeps what was typed.
                Err(ActionError::Store(_) | ActionError::Refused(_)) => {}
            }
        });
    };
    let cancel_href = id.map(|id| Route::Customer(id).to_hash()).unwrap_or_else(|| "#/customers".to_owned());

    view! {
        <section class="page form-page">
            <h1>{move || state.t(if id.is_some() { Msg::EditCustomer } else { Msg::NewCustomer })}</h1>
            <form class="customer-form" data-testid="customer-form" on:submit=submit novalidate>
                <Show when=move || errors.with(|e| !e.is_empty())>
                    <p class="form-error" role="alert" data-testid="form-error">{tr(Msg::FixMarked)}</p>
                </Show>
                <fieldset class="kind-choice">
                    <legend>{tr(Msg::Kind)}</legend>
                    {CustomerKind::ALL.iter().map(|k| {
                        let k = *k;
                        view! {
                            <label class="radio">
                                <input type="radio" name="kind" value=k.code() data-testid=format!("kind-{}", k.code())
                                    prop:checked=move || draft.with(|c| c.kind == k)
                                    on:change=move |_| draft.update(|c| { c.kind = k; if k == CustomerKind::Individual { c.size = None; } }) />
                                {move || state.lang.get().kind(k)}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="grid">
                    <TextField label=Msg::ColName testid="name" required=true
                        value=Signal::derive(move || draft.with(|c| c.name.clone()))
                        on_input=Callback::new(move |v: String| draft.update(|c| c.name = v))
                        error=Signal::derive(error_for(Field::Name)) invalid=Signal::derive(invalid(Field::Name)) />
                    <TextField label=Msg::ColIndustry testid="industry" required=false
                        value=Signal::derive(move || draft.with(|c| c.industry.clone()))
                        on_input=Callback::new(move |v: String| draft.update(|c| c.industry = v))
                        error=Signal::derive(error_for(Field::Industry)) invalid=Signal::derive(invalid(Field::Industry)) />
                    <TextField label=Msg::ColRegion testid="region" required=false
                        value=Signal::derive(move || draft.with(|c| c.region.clone()))
                        on_input=Callback::new(move |v: String| draft.update(|c| c.region = v))
                        error=Signal::derive(error_for(Field::Region)) invalid=Signal::derive(invalid(Field::Region)) />
                    <TextField label=Msg::ColCity testid="city" required=false
                        value=Signal::derive(move || draft.with(|c| c.city.clone()))
                        on_input=Callback::new(move |v: String| draft.update(|c| c.city = v))
                        error=Signal::derive(error_for(Field::City)) invalid=Signal::derive(invalid(Field::City)) />
                    <TextField label=Msg::Address testid="address" required=false
                        value=Signal::derive(move || draft.with(|c| c.address.clone()))
                        on_input=Callback::new(move |v: String| draft.update(|c| c.address = v))
                        error=Signal::derive(error_for(Field::Address)) invalid=Signal::derive(invalid(Field::Address)) />
                    <TextField label=Msg::ColValue testid="value" required=false
                        value=Signal::derive(move || value_text.get())
                        on_input=Callback::new(move |v: String| value_text.set(v))
                        error=Signal::derive(error_for(Field::PotentialValue)) invalid=Signal::derive(invalid(Field::PotentialValue)) />
                    <Show when=move || draft.with(|c| c.kind == CustomerKind::Organisation)>
                        <label class="field">
                            <span>{tr(Msg::Size)}</span>
                            <select data-testid="size" on:change=move |ev| { let v = event_target_value(&ev); draft.update(|c| c.size = v.parse().ok()) }>
                                <option value="" selected=move || draft.with(|c| c.size.is_none())>{tr(Msg::NoSize)}</option>
                                {CompanySize::ALL.iter().map(|s| { let s = *s; view! {
                                    <option value=s.code() selected=move || draft.with(|c| c.size == Some(s))>{move || state.lang.get().size(s)}</option>
                                } }).collect_view()}
                            </select>
                        </label>
                    </Show>
                    <label class="field">
                        <span>{tr(Msg::ColTier)}</span>
                        <select data-testid="tier" on:change=move |ev| { if let Ok(t) = event_target_value(&ev).parse::<Tier>() { draft.update(|c| c.tier = t) } }>
                            {Tier::ALL.iter().map(|t| { let t = *t; view! {
                                <option value=t.code() selected=move || draft.with(|c| c.tier == t)>{move || state.lang.get().tier(t)}</option>
                            } }).collect_view()}
                        </select>
                    </label>
                    <label class="field">
                        <span>{tr(Msg::ColIntent)}</span>
                        <select data-testid="intent" on:change=move |ev| { if let Ok(i) = event_target_value(&ev).parse::<Intent>() { draft.update(|c| c.intent = i) } }>
                            {Intent::ALL.iter().map(|i| { let i = *i; view! {
                                <option value=i.code() selected=move || draft.with(|c| c.intent == i)>{move || state.lang.get().intent(i)}</option>
                            } }).collect_view()}
                        </select>
                    </label>
                    <label class="field">
                        <span>{tr(Msg::ColOwner)}</span>
                        <select data-testid="owner" on:change=move |ev| { let v = event_target_value(&ev); draft.update(|c| c.owner = v.parse().ok()) }>
                            <option value="" selected=move || draft.with(|c| c.owner.is_none())>{tr(Msg::Unassigned)}</option>
                            {move || reps.get().into_iter().map(|(rid, name)| view! {
                                <option value=rid.to_string() selected=move || draft.with(|c| c.owner == Some(rid))>{name}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <TextField label=Msg::LeadSource testid="lead-source" required=false
                        value=Signal::derive(move || draft.with(|c| c.lead_source.clone()))
                        on_input=Callback::new(move |v: String| draft.update(|c| c.lead_source = v))
                        error=Signal::derive(error_for(Field::LeadSource)) invalid=Signal::derive(invalid(Field::LeadSource)) />
                    <TextField label=Msg::Tags testid="tags" required=false
                        value=Signal::derive(move || tags_text.get())
                        on_input=Callback::new(move |v: String| tags_text.set(v))
                        error=Signal::derive(error_for(Field::Tags)) invalid=Signal::derive(invalid(Field::Tags)) />
                </div>
                <label class="field wide">
                    <span>{tr(Msg::Notes)}</span>
                    <textarea data-testid="notes" rows="3" prop:value=move || draft.with(|c| c.notes.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); draft.update(|c| c.notes = v) }
                        aria-invalid=move || invalid(Field::Notes)().to_string()></textarea>
                    {move || error_for(Field::Notes)().map(|m| view! { <small class="field-error">{m}</small> })}
                </label>
                <fieldset class="contacts-edit">
                    <legend>{tr(Msg::Contacts)}</legend>
                    {move || (0..contact_count.get()).map(|i| view! { <ContactEditor index=i draft errors /> }).collect_view()}
                    <button type="button" class="secondary" data-testid="add-contact"
                        on:click=move |_| draft.update(|c| c.contacts.push(Contact::default()))>
                        {tr(Msg::AddContact)}
                    </button>
                </fieldset>
                <div class="form-actions">
                    <button type="submit" class="primary" data-testid="save" disabled=move || saving.get()>
                        {move || state.t(if saving.get() { Msg::Saving } else { Msg::Save })}
                    </button>
                    <a class="button" href=cancel_href.clone()>{tr(Msg::Cancel)}</a>
                </div>
            </form>
        </section>
    }.into_any()
}

/// A labelled text input with its problem shown below it.
#[component]
fn TextField(
    label: Msg,
    testid: &'static str,
    required: bool,
    value: Signal<String>,
    on_input: Callback<String>,
    error: Signal<Option<String>>,
    invalid: Signal<bool>,
) -> impl IntoView {
    let state = use_app();
    view! {
        <label class="field">
            <span>{move || state.t(label)}{required.then_some(" *")}</span>
            <input type="text" data-testid=testid prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
                aria-invalid=move || invalid.get().to_string() aria-required=required.to_string() />
            {move || error.get().map(|m| view! { <small class="field-error" data-testid=format!("error-{testid}")>{m}</small> })}
        </label>
    }
}

/// One contact's inputs in the form.
#[component]
fn ContactEditor(index: usize, draft: RwSignal<Customer>, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let state = use_app();
    let get = move |f: fn(&Contact) -> &String| {
        move || draft.with(|c| c.contacts.get(index).map(|p| f(p).clone()).unwrap_or_default())
    };
    let set = move |f: fn(&mut Contact) -> &mut String| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            draft.update(|c| {
                if let Some(p) = c.contacts.get_mut(index) {
                    *f(p) = v;
                }
            })
        }
    };
    let problem = move |field: Field| {
        move || errors.with(|es| es.iter().find(|e| e.field == field).map(|e| state.lang.get().problem(e)))
    };
    let bad = move |field: Field| move || errors.with(|es| es.iter().any(|e| e.field == field)).to_string();
    view! {
        <div class="contact-edit" data-testid="contact-edit">
            <label class="field">
                <span>{tr(Msg::ContactName)}</span>
                <input type="text" data-testid="contact-name" prop:value=get(|p| &p.name) on:input=set(|p| &mut p.name) aria-invalid=bad(Field::ContactName(index)) />
                {move || problem(Field::ContactName(index))().map(|m| view! { <small class="field-error">{m}</small> })}
            </label>
            <label class="field">
                <span>{tr(Msg::ContactTitle)}</span>
                <input type="text" data-testid="contact-title" prop:value=get(|p| &p.title) on:input=set(|p| &mut p.title) />
            </label>
            <label class="field">
                <span>{tr(Msg::ColPhone)}</span>
                <input type="tel" data-testid="contact-phone" prop:value=get(|p| &p.phone) on:input=set(|p| &mut p.phone) aria-invalid=bad(Field::ContactPhone(index)) />
                {move || problem(Field::ContactPhone(index))().map(|m| view! { <small class="field-error" data-testid="error-contact-phone">{m}</small> })}
            </label>
            <label class="field">
                <span>{tr(Msg::ContactEmail)}</span>
                <input type="email" data-testid="contact-email" prop:value=get(|p| &p.email) on:input=set(|p| &mut p.email) aria-invalid=bad(Field::ContactEmail(index)) />
                {move || problem(Field::ContactEmail(index))().map(|m| view! { <small class="field-error">{m}</small> })}
            </label>
            <label class="field">
                <span>{tr(Msg::ContactWechat)}</span>
                <input type="text" data-testid="contact-wechat" prop:value=get(|p| &p.wechat) on:input=set(|p| &mut p.wechat) />
            </label>
            <button type="button" class="link remove" on:click=move |_| draft.update(|c| { if index < c.contacts.len() { c.contacts.remove(index); } })>
                {tr(Msg::Remove)}
            </button>
        </div>
    }
}
