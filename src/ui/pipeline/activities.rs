//! A deal's activities (calls, visits, samples sent, quotations...), newest first, each with its
//! attached files, and the form to log one.

use leptos::prelude::*;

use super::today;
use crate::domain::dates::parse_date;
use crate::domain::pipeline::{Activity, Deal};
use crate::domain::sorting::sort_by;
use crate::domain::{ActivityKind, Command, Money, RecordEntry};
use crate::i18n::{Msg, PipeMsg};
use crate::store::ActionError;
use crate::ui::attachments;
use crate::ui::customers::RemoveEntry;
use crate::ui::state::{tr, use_app};

/// The deal's activities, newest first, and a form to log one.
#[component]
pub fn ActivitiesCard(deal: Deal) -> impl IntoView {
    let state = use_app();
    let date = RwSignal::new(today().date.to_string());
    let kind = RwSignal::new(ActivityKind::Call);
    let outcome = RwSignal::new(String::new());
    let courier = RwSignal::new(String::new());
    let tracking = RwSignal::new(String::new());
    let quoted = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    // Newest first; each with its files (keyed by the activity's id).
    let mut rows: Vec<Activity> = deal.activities.to_vec();
    sort_by(&mut rows, |a, b| b.date.cmp(&a.date).then(b.id.cmp(&a.id)));
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
        // What applies to which kind (a courier for samples, an amount for quotations) is the
        // domain's to decide; the form passes what was typed (an amount only where it is shown).
        let amount = match Money::parse(&quoted.get_untracked()) {
            Ok(amount) => amount,
            Err(_) if k == ActivityKind::Quotation => return error.set(Some(lang.t(Msg::ProblemAmount).to_owned())),
            Err(_) => Money::ZERO,
        };
        let by = state.user.get_untracked();
        let activity = Activity {
            id: state.new_entry_id(),
            date: d,
            kind: k,
            by: by.clone(),
            outcome: outcome.get_untracked(),
            courier: courier.get_untracked(),
            tracking: tracking.get_untracked(),
            amount,
        };
        let entry = activity.id;
        leptos::task::spawn_local(async move {
            // The files go in the same transaction as the activity: both are saved, or neither.
            let files = match attachments::stored(picked, deal_id, entry, &by, lang).await {
                Ok(files) => files,
                Err(problem) => return error.set(Some(problem)),
            };
            match state.execute_with_files(Command::AddActivity { deal: deal_id, activity }, files, false).await {
                Ok(_) => {
                    let _ = error.try_set(None);
                    outcome.set(String::new());
                    tracking.set(String::new());
                    quoted.set(String::new());
                    attachments::clear(picker);
                }
                Err(ActionError::Domain(e)) => {
                    let _ = error.try_set(Some(state.lang.get_untracked().domain_error(&e)));
                }
                Err(_) => {}
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
                        {rows.into_iter().map(|a| {
                            let extra = [
                                (!a.courier.is_empty() || !a.tracking.is_empty()).then(|| format!("{} {}", a.courier, a.tracking)),
                                (a.amount.0 > 0).then(|| a.amount.to_string()),
                            ].into_iter().flatten().collect::<Vec<_>>().join(" · ");
                            view! {
                                <li>
                                    <span class="log-head">{format!("{} · ", a.date)}{move || state.lang.get().activity(a.kind)}{(!a.by.is_empty()).then(|| format!(" · {}", a.by))}</span>
                                    <span>{a.outcome.clone()}</span>
                                    {(!extra.is_empty()).then(|| view! { <span class="muted">{extra}</span> })}
                                    {attachments::shown(attached, a.id)}
                                    <RemoveEntry record=deal_id entry=RecordEntry::Activity(a.id) />
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
