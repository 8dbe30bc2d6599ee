//! A customer's logs: orders (transaction history), follow-ups with attached files, and owner
//! changes. Adding or removing an entry is one command; the domain checks it.

use leptos::prelude::*;
use uuid::Uuid;

use crate::domain::dates::parse_date;
use crate::domain::sorting::sort_by;
use crate::domain::{CommKind, Command, Communication, Customer, EntryId, Money, RecordEntry, Transaction};
use crate::i18n::{Msg, PipeMsg};
use crate::store::ActionError;
use crate::ui::attachments;
use crate::ui::clock::{self, format_time};
use crate::ui::state::{tr, use_app, AppState};

/// Runs a command that adds an entry: on success says so and runs `done`; a refusal is put in
/// `error` (in the user's language).
fn add_entry(
    state: AppState,
    command: Command,
    files: Vec<(String, Vec<u8>)>,
    error: RwSignal<Option<String>>,
    done: impl FnOnce() + 'static,
) {
    leptos::task::spawn_local(async move {
        match state.execute_with_files(command, files, false).await {
            Ok(_) => {
                let _ = error.try_set(None);
                state.show_toast(state.t(Msg::Saved).to_owned(), false, None);
                done();
            }
            Err(ActionError::Domain(e)) => {
                let _ = error.try_set(Some(state.lang.get_untracked().domain_error(&e)));
            }
            Err(_) => {}
        }
    });
}

/// A small "remove" button for an entry, with undo in the message.
#[component]
pub fn RemoveEntry(record: Uuid, entry: RecordEntry) -> impl IntoView {
    let state = use_app();
    let remove = move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(saved) = state.execute(Command::RemoveEntry { record, entry }).await {
                let lang = state.lang.get_untracked();
                state.toast_with_undo(lang.t(Msg::EntryRemoved).to_owned(), &saved, lang.t(Msg::EntryBack).to_owned());
            }
        });
    };
    view! {
        <button class="link remove-entry" data-testid="remove-entry" title=tr(Msg::Remove) aria-label=tr(Msg::Remove) on:click=remove>
            "×"
        </button>
    }
}

#[component]
pub fn TransactionsCard(customer: Customer) -> impl IntoView {
    let state = use_app();
    let date = RwSignal::new(clock::today().date.to_string());
    let product = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let id = customer.meta.id;
    let mut rows = customer.transactions.to_vec();
    sort_by(&mut rows, |a, b| b.date.cmp(&a.date));
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = state.lang.get_untracked();
        let Some(d) = parse_date(&date.get_untracked()) else {
            return error.set(Some(lang.t(Msg::ProblemDate).to_owned()));
        };
        let Ok(money) = Money::parse(&amount.get_untracked()) else {
            return error.set(Some(lang.t(Msg::ProblemAmount).to_owned()));
        };
        let transaction =
            Transaction { id: EntryId::default(), date: d, product: product.get_untracked(), amount: money };
        add_entry(state, Command::AddTransaction { customer: id, transaction }, Vec::new(), error, move || {
            product.set(String::new());
            amount.set(String::new());
        });
    };
    view! {
        <section class="card">
            <h2>{tr(Msg::Transactions)}</h2>
            {if rows.is_empty() {
                view! { <p class="muted">{tr(Msg::NoTransactions)}</p> }.into_any()
            } else {
                view! {
                    <table class="history" data-testid="transactions">
                        <thead><tr><th>{tr(Msg::Date)}</th><th>{tr(Msg::Product)}</th><th class="num">{tr(Msg::Amount)}</th><th></th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|t| view! {
                                <tr>
                                    <td>{t.date.to_string()}</td><td>{t.product}</td><td class="num">{t.amount.to_string()}</td>
                                    <td><RemoveEntry record=id entry=RecordEntry::Transaction(t.id) /></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <form class="inline-form" on:submit=add data-testid="add-transaction">
                <input type="date" aria-label=tr(Msg::Date) prop:value=move || date.get() on:input=move |ev| date.set(event_target_value(&ev)) />
                <input type="text" placeholder=tr(Msg::Product) aria-label=tr(Msg::Product) prop:value=move || product.get() on:input=move |ev| product.set(event_target_value(&ev)) />
                <input type="text" inputmode="decimal" placeholder=tr(Msg::Amount) aria-label=tr(Msg::Amount) prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev)) />
                <button type="submit">{tr(Msg::AddTransaction)}</button>
                {move || error.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            </form>
        </section>
    }
}

/// Who gave this customer from whom to whom, and when; newest first.
#[component]
pub fn OwnerHistoryCard(customer: Customer) -> impl IntoView {
    let state = use_app();
    let name = move |id: Option<Uuid>| {
        let name = state.with_data(|d| d.archive().rep_name(id).to_owned()).unwrap_or_default();
        if name.is_empty() {
            state.t(PipeMsg::Nobody).to_owned()
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
                            <span>{move || state.lang.get().owner_changed(&name(from), &name(to))}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// Follow-ups, newest first, each with its files; a form to add one (files go in the same
/// transaction as the entry, keyed by its id).
#[component]
pub fn CommunicationsCard(customer: Customer) -> impl IntoView {
    let state = use_app();
    let date = RwSignal::new(clock::today().date.to_string());
    let kind = RwSignal::new(CommKind::Call);
    let summary = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let file_error = RwSignal::new(None::<String>);
    let mut rows: Vec<Communication> = customer.communications.to_vec();
    sort_by(&mut rows, |a, b| b.date.cmp(&a.date).then(b.id.cmp(&a.id)));
    let owner = customer.meta.id;
    let picker: NodeRef<leptos::html::Input> = NodeRef::new();
    let attached = attachments::use_attached(owner, file_error);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = state.lang.get_untracked();
        let Some(d) = parse_date(&date.get_untracked()) else {
            return error.set(Some(lang.t(Msg::ProblemDate).to_owned()));
        };
        let picked = match attachments::picked(picker, lang) {
            Ok(picked) => picked,
            Err(problem) => return file_error.set(Some(problem)),
        };
        file_error.set(None);
        let by = state.user.get_untracked();
        let entry = state.new_entry_id();
        let communication = Communication {
            id: entry,
            date: d,
            kind: kind.get_untracked(),
            summary: summary.get_untracked(),
            by: by.clone(),
        };
        leptos::task::spawn_local(async move {
            match attachments::stored(picked, owner, entry, &by, lang).await {
                Ok(files) => add_entry(
                    state,
                    Command::AddCommunication { customer: owner, communication },
                    files,
                    error,
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
                        {rows.into_iter().map(|c| view! {
                            <li>
                                <span class="log-head">{format!("{} · ", c.date)}{move || state.lang.get().comm(c.kind)}{(!c.by.is_empty()).then(|| format!(" · {}", c.by))}</span>
                                <span>{c.summary}</span>
                                {attachments::shown(attached, c.id)}
                                <RemoveEntry record=owner entry=RecordEntry::Communication(c.id) />
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
                    <span>{tr(PipeMsg::Attach)}</span>
                    <input type="file" multiple data-testid="communication-files" node_ref=picker />
                </label>
                <button type="submit" data-testid="communication-add">{tr(Msg::AddCommunication)}</button>
                {move || error.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                {move || file_error.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            </form>
        </section>
    }
}
