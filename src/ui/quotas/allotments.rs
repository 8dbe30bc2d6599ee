//! Customer allotments (客户配额, the other meaning): how much of a product or service a customer
//! of each tier may use per period, the uses recorded against them, and the customers near or
//! over their allotment in the period under way (which starts again each period).

use leptos::prelude::*;
use uuid::Uuid;

use crate::domain::dates::parse_date;
use crate::domain::evaluation::{allotments, AllotmentRule, Level, Usage};
use crate::domain::forecast::{percent_text, PeriodKind};
use crate::domain::query::CustomerFilter;
use crate::domain::quota::QuotaProblem;
use crate::domain::records::{Meta, Timestamp};
use crate::domain::{Command, DomainError, RecordKind, Tier};
use crate::i18n::{FcMsg, Msg, QMsg};
use crate::store::ActionError;
use crate::ui::clock;
use crate::ui::state::{tr, use_app, AppState};

/// Says a refusal of the quota area beside the form that sent it.
fn refusal(state: AppState, error: ActionError) -> Option<String> {
    match error {
        ActionError::Domain(DomainError::Quota(p)) => Some(state.lang.get_untracked().quota_problem(p).to_owned()),
        ActionError::Domain(e) | ActionError::Refused(e) => Some(state.lang.get_untracked().domain_error(&e)),
        ActionError::Store(_) => None,
    }
}

#[component]
pub fn AllotmentsTab() -> impl IntoView {
    view! {
        <RulesCard />
        <UseCard />
        <WarningsCard />
    }
}

/// The rules: product, tier, limit, period; added and removed.
#[component]
fn RulesCard() -> impl IntoView {
    let state = use_app();
    let rules = Memo::new(move |_| {
        state
            .read(&[RecordKind::AllotmentRule], |d| d.archive().allotment_rules.live().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
    });
    let product = RwSignal::new(String::new());
    let tier = RwSignal::new(Tier::Key);
    let limit = RwSignal::new(String::new());
    let period = RwSignal::new(PeriodKind::Month);
    let error = RwSignal::new(None::<String>);
    let add = move |_| {
        let Ok(limit) = limit.get_untracked().trim().parse::<u32>() else {
            return error
                .set(Some(state.lang.get_untracked().quota_problem(QuotaProblem::QuantityRequired).to_owned()));
        };
        let rule = AllotmentRule {
            meta: Meta::new(Uuid::new_v4(), Timestamp(0), ""),
            product: product.get_untracked(),
            tier: tier.get_untracked(),
            limit,
            period: period.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match state.execute(Command::SaveAllotmentRule(rule)).await {
                Ok(saved) => {
                    error.set(None);
                    product.set(String::new());
                    state.toast_with_undo(state.t(QMsg::Saved).to_owned(), &saved, state.t(Msg::EditUndone).to_owned());
                }
                Err(e) => error.set(refusal(state, e)),
            }
        });
    };
    let remove = move |id: Uuid| {
        leptos::task::spawn_local(async move {
            if let Ok(saved) = state.execute(Command::DeleteAllotmentRule(id)).await {
                state.toast_with_undo(state.t(QMsg::Saved).to_owned(), &saved, state.t(Msg::EditUndone).to_owned());
            }
        });
    };
    let period_label = |k: PeriodKind| match k {
        PeriodKind::Month => FcMsg::Month,
        PeriodKind::Quarter => FcMsg::Quarter,
        PeriodKind::Year => FcMsg::Year,
    };
    view! {
        <div class="card">
            <h2>{tr(QMsg::AllotRules)}</h2>
            <p class="muted" hidden=move || !rules.get().is_empty() data-testid="allot-none">{tr(QMsg::NoAllotRules)}</p>
            <table class="history" data-testid="allotment-rules" hidden=move || rules.get().is_empty()>
                <thead><tr><th>{tr(QMsg::Product)}</th><th>{tr(QMsg::Tier)}</th><th class="num">{tr(QMsg::Limit)}</th><th>{tr(QMsg::RulePeriod)}</th><th></th></tr></thead>
                <tbody>
                    {move || rules.get().into_iter().map(|r| {
                        let id = r.meta.id;
                        view! {
                            <tr data-testid="allotment-rule">
                                <td>{r.product.clone()}</td><td>{move || state.lang.get().tier(r.tier)}</td><td class="num">{r.limit}</td>
                                <td>{tr(period_label(r.period))}</td>
                                <td><button class="link" on:click=move |_| remove(id)>{tr(QMsg::Delete)}</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <div class="inline-form">
                <input type="text" data-testid="allot-product" placeholder=tr(QMsg::Product) prop:value=move || product.get() on:input=move |ev| product.set(event_target_value(&ev)) />
                <select data-testid="allot-tier" on:change=move |ev| tier.set(event_target_value(&ev).parse().unwrap_or(Tier::Key))>
                    {Tier::ALL.iter().map(|&t| view! { <option value=t.code() selected=move || tier.get() == t>{move || state.lang.get().tier(t)}</option> }).collect_view()}
                </select>
                <input type="number" min="1" data-testid="allot-limit" placeholder=tr(QMsg::Limit) prop:value=move || limit.get() on:input=move |ev| limit.set(event_target_value(&ev)) />
                <select data-testid="allot-period" on:change=move |ev| period.set(PeriodKind::from_code(&event_target_value(&ev)).unwrap_or(PeriodKind::Month))>
                    {PeriodKind::ALL.iter().map(|&k| view! { <option value=k.code()>{tr(period_label(k))}</option> }).collect_view()}
                </select>
                <button data-testid="allot-add" on:click=add>{tr(QMsg::AddRule)}</button>
                {move || error.get().map(|e| view! { <span class="field-error" role="alert" data-testid="allot-error">{e}</span> })}
            </div>
        </div>
    }
}

/// Records a use: a customer found by name, a product of the rules, a quantity and a day; then
/// shows that customer's allotments, with a warning when near or over.
#[component]
fn UseCard() -> impl IntoView {
    let state = use_app();
    let search = RwSignal::new(String::new());
    let customer = RwSignal::new(None::<Uuid>);
    let product = RwSignal::new(String::new());
    let quantity = RwSignal::new("1".to_owned());
    let day = RwSignal::new(clock::today().date.to_string());
    let error = RwSignal::new(None::<String>);
    let found = Memo::new(move |_| {
        let text = search.get();
        if text.trim().is_empty() || customer.get().is_some() {
            return Vec::new();
        }
        let filter = CustomerFilter { text, ..CustomerFilter::default() };
        state
            .with_data_mut(|d| {
                let rows = d.query.run(d.replica.archive(), &filter, Default::default());
                rows.iter()
                    .take(8)
                    .filter_map(|&r| {
                        d.archive()
                            .customers
                            .rows()
                            .get(r as usize)
                            .map(|c| (c.meta.id, c.name.clone(), c.city.clone(), c.tier))
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let products = Memo::new(move |_| {
        let mut all: Vec<String> = state
            .read(&[RecordKind::AllotmentRule], |d| {
                d.archive().allotment_rules.live().map(|r| r.product.clone()).collect()
            })
            .unwrap_or_default();
        all.sort();
        all.dedup();
        all
    });
    let status = move || {
        let id = customer.get()?;
        let near = state.read(&[RecordKind::QuotaSettings], |d| {
            d.archive().quota_settings.get(crate::domain::evaluation::QUOTA_SETTINGS_ID).map_or(8_000, |s| s.near_share)
        })?;
        state.read(&[RecordKind::AllotmentRule, RecordKind::AllotmentUsage, RecordKind::Customer], |d| {
            let a = d.archive();
            let tier = a.customers.get(id)?.tier;
            let rules: Vec<&AllotmentRule> = a.allotment_rules.live().collect();
            Some(allotments(&rules, tier, a.allotment_usages.get(id), clock::today().date, near))
        })?
    };
    let record = move |_| {
        let lang = state.lang.get_untracked();
        let Some(id) = customer.get_untracked() else {
            return error.set(Some(state.t(QMsg::ChooseCustomer).to_owned()));
        };
        let Some(date) = parse_date(&day.get_untracked()) else {
            return error.set(Some(state.t(Msg::ProblemDate).to_owned()));
        };
        let Ok(quantity) = quantity.get_untracked().trim().parse::<u32>() else {
            return error.set(Some(lang.quota_problem(QuotaProblem::QuantityRequired).to_owned()));
        };
        let usage = Usage {
            id: state.new_entry_id(),
            date,
            product: product.get_untracked(),
            quantity,
            by: String::new(),
            note: String::new(),
        };
        leptos::task::spawn_local(async move {
            match state.execute(Command::RecordUsage { customer: id, usage }).await {
                Ok(saved) => {
                    error.set(None);
                    state.toast_with_undo(
                        state.t(QMsg::UseRecorded).to_owned(),
                        &saved,
                        state.t(Msg::EditUndone).to_owned(),
                    );
                }
                Err(e) => error.set(refusal(state, e)),
            }
        });
    };
    view! {
        <div class="card">
            <h2>{tr(QMsg::RecordUse)}</h2>
            <div class="inline-form">
                <input type="text" data-testid="use-customer" placeholder=tr(QMsg::ChooseCustomer) prop:value=move || search.get()
                    on:input=move |ev| { search.set(event_target_value(&ev)); customer.set(None); } />
                <select data-testid="use-product" on:change=move |ev| product.set(event_target_value(&ev))>
                    <option value="">{tr(QMsg::Product)}</option>
                    {move || products.get().into_iter().map(|p| view! { <option value=p.clone()>{p.clone()}</option> }).collect_view()}
                </select>
                <input type="number" min="1" class="score" data-testid="use-quantity" prop:value=move || quantity.get() on:input=move |ev| quantity.set(event_target_value(&ev)) />
                <input type="date" data-testid="use-date" prop:value=move || day.get() on:input=move |ev| day.set(event_target_value(&ev)) />
                <button class="primary" data-testid="use-record" on:click=record>{tr(QMsg::RecordUse)}</button>
                {move || error.get().map(|e| view! { <span class="field-error" role="alert" data-testid="use-error">{e}</span> })}
            </div>
            <ul class="suggestions" data-testid="use-suggestions">
                // Name, city and tier: two customers of one name (people often share one) tell apart.
                {move || found.get().into_iter().map(|(id, name, city, tier)| {
                    let lang = state.lang.get();
                    let label = [name.as_str(), city.as_str(), lang.tier(tier)].iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join(" · ");
                    view! { <li><button type="button" class="link" on:click=move |_| { customer.set(Some(id)); search.set(name.clone()); }>{label}</button></li> }
                }).collect_view()}
            </ul>
            <ul class="allotments" data-testid="customer-allotments">
                {move || status().unwrap_or_default().into_iter().map(|s| {
                    let class = match s.level { Level::Fine => "fine", Level::Near => "near", Level::Over => "over" };
                    view! {
                        <li class=class data-testid="allotment-status">
                            {s.product.clone()} " · " {tr(QMsg::Used)} " " {format!("{}/{}", s.used, s.limit)} " · " <strong>{move || state.lang.get().level(s.level)}</strong>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}

/// The customers near or over an allotment in the period under way, and the warning share.
#[component]
fn WarningsCard() -> impl IntoView {
    let state = use_app();
    let rows = move || {
        state
            .read(
                &[
                    RecordKind::AllotmentRule,
                    RecordKind::AllotmentUsage,
                    RecordKind::Customer,
                    RecordKind::QuotaSettings,
                ],
                |d| {
                    let a = d.archive();
                    let near = a
                        .quota_settings
                        .get(crate::domain::evaluation::QUOTA_SETTINGS_ID)
                        .map_or(8_000, |s| s.near_share);
                    let rules: Vec<&AllotmentRule> = a.allotment_rules.live().collect();
                    let today = clock::today().date;
                    a.allotment_usages
                        .live()
                        .filter_map(|u| {
                            let c = a.customers.live_one(u.meta.id)?;
                            let flagged: Vec<_> = allotments(&rules, c.tier, Some(u), today, near)
                                .into_iter()
                                .filter(|s| s.level != Level::Fine)
                                .collect();
                            (!flagged.is_empty()).then(|| (c.name.clone(), flagged))
                        })
                        .collect::<Vec<_>>()
                },
            )
            .unwrap_or_default()
    };
    let share = RwSignal::new(String::new());
    Effect::new(move |_| {
        let near = state
            .read(&[RecordKind::QuotaSettings], |d| {
                d.archive()
                    .quota_settings
                    .get(crate::domain::evaluation::QUOTA_SETTINGS_ID)
                    .map_or(8_000, |s| s.near_share)
            })
            .unwrap_or(8_000);
        share.set(percent_text(near));
    });
    let save_share = move |_| {
        let Ok(Some(bp)) = crate::domain::forecast::parse_percent(&share.get_untracked()) else { return };
        leptos::task::spawn_local(async move {
            if state.execute(Command::SetAllotmentWarning(bp)).await.is_ok() {
                state.show_toast(state.t(QMsg::Saved).to_owned(), false, None);
            }
        });
    };
    view! {
        <div class="card">
            <h2>{tr(QMsg::AllotWarnings)}</h2>
            <div class="inline-form">
                <label class="field inline"><span>{tr(QMsg::WarnAt)}</span>
                    <input type="text" class="rate" data-testid="warn-share" prop:value=move || share.get() on:input=move |ev| share.set(event_target_value(&ev)) />
                </label>
                <button data-testid="warn-save" on:click=save_share>{tr(QMsg::Save)}</button>
            </div>
            {move || {
                let rows = rows();
                if rows.is_empty() {
                    return view! { <p class="muted" data-testid="warnings-none">{tr(QMsg::NoWarnings)}</p> }.into_any();
                }
                view! {
                    <ul data-testid="allotment-warnings">
                        {rows.into_iter().map(|(name, flagged)| view! {
                            <li>{name} ": " {flagged.into_iter().map(|s| format!("{} {}/{} ({})", s.product, s.used, s.limit, state.lang.get_untracked().level(s.level))).collect::<Vec<_>>().join("; ")}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </div>
    }
}
