//! The customer archive: the searchable, filterable list (virtualised: only visible rows are in
//! the page), the detail page, the create/edit form and the summary charts.

mod detail;
mod form;
mod log;

pub use log::RemoveEntry;
mod summary;

pub use detail::CustomerDetail;
pub use form::CustomerForm;

use std::sync::Arc;

use leptos::prelude::*;
use uuid::Uuid;

use super::assign::{AssignBar, Holding};
use super::perf;
use super::route::Route;
use super::state::{tr, use_app};
use super::virtual_rows::VirtualRows;
use crate::domain::query::{CustomerFilter, OwnerFilter, Sort, SortKey};
use crate::domain::{CustomerKind, Intent, Money, RecordKind, Tier};
use crate::i18n::{Lang, Msg};
pub use summary::CustomerSummaryCharts;

/// What one list row shows.
#[derive(Clone, Debug, PartialEq)]
struct RowData {
    id: Uuid,
    updated: i64,
    name: String,
    kind: CustomerKind,
    industry: String,
    place: String,
    owner: String,
    tier: Tier,
    intent: Intent,
    value: Money,
    phone: String,
}

fn sort_label(key: SortKey) -> Msg {
    match key {
        SortKey::Name => Msg::ColName,
        SortKey::PotentialValue => Msg::ColValue,
        SortKey::Updated => Msg::ColUpdated,
        SortKey::Region => Msg::ColRegion,
        SortKey::Tier => Msg::ColTier,
    }
}

/// The customer list page.
#[component]
pub fn CustomerList() -> impl IntoView {
    let state = use_app();
    let (initial_filter, initial_sort) = state.route.with_untracked(Route::customer_filter);
    let filter = RwSignal::new(initial_filter);
    let sort = RwSignal::new(initial_sort);
    let show_summary = RwSignal::new(false);

    // The view lives in the URL; back/forward or a pasted link updates the filters.
    Effect::new(move |_| {
        let pairs: Vec<(String, String)> =
            filter.with(|f| f.to_query_pairs(sort.get())).into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let route = Route::Customers { query: pairs };
        if state.route.with_untracked(|r| *r != route) {
            state.replace_route(route);
        }
    });
    Effect::new(move |_| {
        let (f, s) = state.route.with(Route::customer_filter);
        if state.route.with(|r| matches!(r, Route::Customers { .. })) {
            if filter.with_untracked(|cur| *cur != f) {
                filter.set(f);
            }
            if sort.get_untracked() != s {
                sort.set(s);
            }
        }
    });

    let results = Memo::new(move |_| {
        state.track(&[RecordKind::Customer]);
        let (f, s) = (filter.get(), sort.get());
        let started = perf::now();
        let rows = state.with_data_mut(|d| d.query.run(d.replica.archive(), &f, s)).unwrap_or_default();
        perf::record("search", perf::now() - started);
        Arc::new(rows)
    });
    let total_live = Memo::new(move |_| state.read(&[RecordKind::Customer], |d| d.query.live_count()).unwrap_or(0));
    let industries =
        Memo::new(move |_| state.read(&[RecordKind::Customer], |d| d.query.industries()).unwrap_or_default());
    let regions = Memo::new(move |_| state.read(&[RecordKind::Customer], |d| d.query.regions()).unwrap_or_default());
    let reps = Memo::new(move |_| {
        state
            .read(&[RecordKind::Rep], |d| {
                d.archive().reps.live().map(|r| (r.meta.id, r.name.clone())).collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });

    let scroller =
        VirtualRows::new(Signal::derive(move || results.with(|r| r.len())), move || (filter.get(), sort.get()));
    let window_range = scroller.range;
    let visible = Memo::new(move |_| {
        let (first, last) = window_range.get();
        let rows: Vec<u32> = results.with(|r| r[first..last].to_vec());
        state
            .read(&[RecordKind::Customer, RecordKind::Rep], |d| {
                rows.iter()
                    .map(|&row| {
                        let c = &d.archive().customers.rows()[row as usize];
                        RowData {
                            id: c.id(),
                            updated: c.meta.updated_at.0,
                            name: c.name.clone(),
                            kind: c.kind,
                            industry: c.industry.clone(),
                            place: if c.city.is_empty() || c.city == c.region {
                                c.region.clone()
                            } else {
                                format!("{} · {}", c.region, c.city)
                            },
                            owner: d.archive().rep_name(c.owner).to_owned(),
                            tier: c.tier,
                            intent: c.intent,
                            value: c.potential_value,
                            phone: c.primary_phone().to_owned(),
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });

    let set_filter = move |f: &dyn Fn(&mut CustomerFilter)| filter.update(|cur| f(cur));
    let filters_active = move || filter.with(|f| *f != CustomerFilter::default());
    let header_sort = move |key: SortKey| {
        sort.update(|s| {
            if s.key == key {
                s.descending = !s.descending;
            } else {
                *s = Sort { key, descending: matches!(key, SortKey::PotentialValue | SortKey::Updated) };
            }
        })
    };
    let sort_mark = move |key: SortKey| {
        move || {
            let s = sort.get();
            if s.key != key {
                ""
            } else if s.descending {
                " ↓"
            } else {
                " ↑"
            }
        }
    };
    let aria_sort = move |key: SortKey| {
        move || {
            let s = sort.get();
            if s.key != key {
                "none"
            } else if s.descending {
                "descending"
            } else {
                "ascending"
            }
        }
    };

    view! {
        <section class="page customers">
            <div class="page-head">
                <h1>{tr(Msg::NavCustomers)}</h1>
                <div class="head-actions">
                    <button class="secondary" data-testid="toggle-summary" on:click=move |_| show_summary.update(|s| *s = !*s)>
                        {move || state.t(if show_summary.get() { Msg::HideSummary } else { Msg::ShowSummary })}
                    </button>
                    <a
                        class="button secondary"
                        data-testid="export-link"
                        href=move || state.route.with(|r| match r {
                            Route::Customers { query } => Route::Data { query: query.clone() }.to_hash(),
                            _ => "#/data".to_owned(),
                        })
                    >
                        {tr(Msg::NavData)}
                    </a>
                    <a class="button primary" href="#/customers/new" data-testid="new-customer">
                        {tr(Msg::NewCustomer)}
                    </a>
                </div>
            </div>
            <Show when=move || show_summary.get()>
                <crate::ui::areas::Lazy load=crate::ui::areas::summary_charts />
            </Show>
            <div class="filters" role="search">
                <input
                    type="search"
                    class="search"
                    data-testid="search"
                    placeholder=tr(Msg::SearchPlaceholder)
                    aria-label=tr(Msg::SearchPlaceholder)
                    prop:value=move || filter.with(|f| f.text.clone())
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        set_filter(&|f| f.text = text.clone());
                    }
                />
                <FilterSelect
                    testid="filter-kind"
                    any=Msg::AllKinds
                    options=Signal::derive(move || {
                        let lang = state.lang.get();
                        CustomerKind::ALL.iter().map(|k| (k.code().to_owned(), lang.kind(*k).to_owned())).collect()
                    })
                    value=Signal::derive(move || filter.with(|f| f.kind.map(|k| k.code().to_owned()).unwrap_or_default()))
                    on_change=Callback::new(move |v: String| set_filter(&|f| f.kind = v.parse().ok()))
                />
                <FilterSelect
                    testid="filter-industry"
                    any=Msg::AllIndustries
                    options=Signal::derive(move || industries.get().into_iter().map(|(v, n)| (v.clone(), format!("{v} ({n})"))).collect())
                    value=Signal::derive(move || filter.with(|f| f.industry.clone().unwrap_or_default()))
                    on_change=Callback::new(move |v: String| set_filter(&|f| f.industry = (!v.is_empty()).then(|| v.clone())))
                />
                <FilterSelect
                    testid="filter-region"
                    any=Msg::AllRegions
                    options=Signal::derive(move || regions.get().into_iter().map(|(v, n)| (v.clone(), format!("{v} ({n})"))).collect())
                    value=Signal::derive(move || filter.with(|f| f.region.clone().unwrap_or_default()))
                    on_change=Callback::new(move |v: String| set_filter(&|f| f.region = (!v.is_empty()).then(|| v.clone())))
                />
                <FilterSelect
                    testid="filter-owner"
                    any=Msg::AllOwners
                    options=Signal::derive(move || {
                        let mut options = vec![("none".to_owned(), state.t(Msg::Unassigned).to_owned())];
                        options.extend(reps.get().into_iter().map(|(id, name)| (id.to_string(), name)));
                        options
                    })
                    value=Signal::derive(move || {
                        filter
                            .with(|f| match f.owner {
                                OwnerFilter::Any => String::new(),
                                OwnerFilter::Unassigned => "none".to_owned(),
                                OwnerFilter::Rep(id) => id.to_string(),
                            })
                    })
                    on_change=Callback::new(move |v: String| {
                        set_filter(
                            &|f| {
                                f.owner = match v.as_str() {
                                    "" => OwnerFilter::Any,
                                    "none" => OwnerFilter::Unassigned,
                                    id => id.parse().map(OwnerFilter::Rep).unwrap_or_default(),
                                }
                            },
                        )
                    })
                />
                <FilterSelect
                    testid="filter-tier"
                    any=Msg::AllTiers
                    options=Signal::derive(move || {
                        let lang = state.lang.get();
                        Tier::ALL.iter().map(|t| (t.code().to_owned(), lang.tier(*t).to_owned())).collect()
                    })
                    value=Signal::derive(move || filter.with(|f| f.tier.map(|t| t.code().to_owned()).unwrap_or_default()))
                    on_change=Callback::new(move |v: String| set_filter(&|f| f.tier = v.parse().ok()))
                />
                <FilterSelect
                    testid="filter-intent"
                    any=Msg::AllIntents
                    options=Signal::derive(move || {
                        let lang = state.lang.get();
                        Intent::ALL.iter().map(|i| (i.code().to_owned(), lang.intent(*i).to_owned())).collect()
                    })
                    value=Signal::derive(move || filter.with(|f| f.intent.map(|i| i.code().to_owned()).unwrap_or_default()))
                    on_change=Callback::new(move |v: String| set_filter(&|f| f.intent = v.parse().ok()))
                />
                <label class="sort">
                    <span>{tr(Msg::SortBy)}</span>
                    <select
                        data-testid="sort"
                        on:change=move |ev| {
                            let code = event_target_value(&ev);
                            if let Some(key) = SortKey::ALL.into_iter().find(|k| k.code() == code) {
                                sort.update(|s| s.key = key);
                            }
                        }
                    >
                        {SortKey::ALL
                            .into_iter()
                            .map(|key| {
                                view! {
                                    <option value=key.code() selected=move || sort.get().key == key>
                                        {move || state.t(sort_label(key))}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    <button
                        class="icon"
                        data-testid="sort-direction"
                        title=move || state.t(if sort.get().descending { Msg::Descending } else { Msg::Ascending })
                        aria-label=move || state.t(if sort.get().descending { Msg::Descending } else { Msg::Ascending })
                        on:click=move |_| sort.update(|s| s.descending = !s.descending)
                    >
                        {move || if sort.get().descending { "↓" } else { "↑" }}
                    </button>
                </label>
                <Show when=filters_active>
                    <button class="link" data-testid="clear-filters" on:click=move |_| filter.set(CustomerFilter::default())>
                        {tr(Msg::ClearFilters)}
                    </button>
                </Show>
            </div>
            <div class="count-bar">
                <p class="count" data-testid="result-count">
                    {move || state.lang.get().customers_count(results.with(|r| r.len()))}
                </p>
                <AssignBar
                    kind=Holding::Customers
                    count=Signal::derive(move || results.with(|r| r.len()))
                    ids=Callback::new(move |()| {
                        results.with_untracked(|r| state.with_data(|d| r.iter().map(|&row| d.archive().customers.rows()[row as usize].id()).collect()).unwrap_or_default())
                    })
                />
            </div>
            <div class="table" role="table" aria-rowcount=move || results.with(|r| r.len() + 1)>
                <div class="row head" role="row">
                    <SortHeader key=SortKey::Name class="c-name" on_sort=header_sort mark=sort_mark aria=aria_sort />
                    <span class="c-industry" role="columnheader">{tr(Msg::ColIndustry)}</span>
                    <SortHeader key=SortKey::Region class="c-place" on_sort=header_sort mark=sort_mark aria=aria_sort />
                    <span class="c-owner" role="columnheader">{tr(Msg::ColOwner)}</span>
                    <SortHeader key=SortKey::Tier class="c-tier" on_sort=header_sort mark=sort_mark aria=aria_sort />
                    <span class="c-intent" role="columnheader">{tr(Msg::ColIntent)}</span>
                    <SortHeader key=SortKey::PotentialValue class="c-value" on_sort=header_sort mark=sort_mark aria=aria_sort />
                    <span class="c-phone" role="columnheader">{tr(Msg::ColPhone)}</span>
                </div>
                <div class="list-viewport" data-testid="list-viewport" node_ref=scroller.viewport on:scroll=move |_| scroller.on_scroll()>
                    <Show when=move || results.with(|r| r.is_empty())>
                        <p class="empty" data-testid="empty">
                            {move || state.t(if total_live.get() == 0 { Msg::EmptyArchive } else { Msg::NoMatches })}
                        </p>
                    </Show>
                    <div class="list-spacer" style:height=move || scroller.spacer_height(results.with(|r| r.len()))>
                        <div class="list-window" style:transform=move || scroller.window_offset()>
                            <For each=move || 0..scroller.slots.get() key=|position| *position let:position>
                                <CustomerRow position visible />
                            </For>
                        </div>
                    </div>
                </div>
            </div>
        </section>
    }
}

/// A column header that sorts by its column.
#[component]
fn SortHeader<F, M, MF, A, AF>(key: SortKey, class: &'static str, on_sort: F, mark: M, aria: A) -> impl IntoView
where
    F: Fn(SortKey) + Copy + 'static,
    M: Fn(SortKey) -> MF,
    MF: Fn() -> &'static str + Send + Sync + 'static,
    A: Fn(SortKey) -> AF,
    AF: Fn() -> &'static str + Send + Sync + 'static,
{
    let state = use_app();
    view! {
        <span class=class role="columnheader" aria-sort=aria(key)>
            <button class="sort-head" data-testid=format!("sort-{}", key.code()) on:click=move |_| on_sort(key)>
                {move || state.t(sort_label(key))}
                {mark(key)}
            </button>
        </span>
    }
}

/// One slot of the list: shows the `position`-th visible customer, or nothing past the end.
#[component]
fn CustomerRow(position: usize, visible: Memo<Vec<RowData>>) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let text = move |f: fn(&RowData) -> String| move || visible.with(|v| v.get(position).map(f).unwrap_or_default());
    let label = move |f: fn(&RowData, Lang) -> String| {
        move || visible.with(|v| v.get(position).map(|r| f(r, lang.get())).unwrap_or_default())
    };
    view! {
        <div class="row" role="row" data-testid="customer-row" hidden=move || visible.with(|v| position >= v.len())>
            <span class="c-name" role="cell">
                <a href=text(|r| Route::Customer(r.id).to_hash())>{text(|r| r.name.clone())}</a>
                <small class="kind">{label(|r, l| l.kind(r.kind).to_owned())}</small>
            </span>
            <span class="c-industry" role="cell">{text(|r| r.industry.clone())}</span>
            <span class="c-place" role="cell">{text(|r| r.place.clone())}</span>
            <span class="c-owner" role="cell">{text(|r| r.owner.clone())}</span>
            <span class="c-tier" role="cell">
                <span class=text(|r| format!("badge tier-{}", r.tier.code()))>{label(|r, l| l.tier(r.tier).to_owned())}</span>
            </span>
            <span class="c-intent" role="cell">
                <span class=text(|r| format!("badge intent-{}", r.intent.code()))>{label(|r, l| l.intent(r.intent).to_owned())}</span>
            </span>
            <span class="c-value" role="cell">{label(|r, l| r.value.compact(l == Lang::Zh))}</span>
            <span class="c-phone" role="cell">{text(|r| r.phone.clone())}</span>
        </div>
    }
}

/// A filter menu whose first entry means "any".
#[component]
fn FilterSelect(
    /// `data-testid` of the select.
    testid: &'static str,
    /// Label of the "any" entry; also the menu's accessible name.
    any: Msg,
    /// (value, label) pairs.
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
    /// The selected value; empty for "any".
    #[prop(into)]
    value: Signal<String>,
    on_change: Callback<String>,
) -> impl IntoView {
    let state = use_app();
    view! {
        <select
            data-testid=testid
            aria-label=move || state.t(any)
            class:active=move || !value.get().is_empty()
            on:change=move |ev| on_change.run(event_target_value(&ev))
        >
            <option value="" selected=move || value.get().is_empty()>
                {move || state.t(any)}
            </option>
            // Only a change of options rebuilds them; a change of value only updates `selected`.
            {move || {
                options
                    .get()
                    .into_iter()
                    .map(|(v, label)| {
                        let option_value = v.clone();
                        view! {
                            <option value=v selected=move || value.with(|cur| *cur == option_value)>
                                {label}
                            </option>
                        }
                    })
                    .collect_view()
            }}
        </select>
    }
}
