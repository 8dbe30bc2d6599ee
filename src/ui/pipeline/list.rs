//! The deal list: every deal as a table row, filtered by the board's filters plus status and
//! stage, sorted by any column either way. Filters and sort live in the URL; only the rows in
//! view exist in the page (slots that change their text as the list scrolls).

use leptos::prelude::*;
use uuid::Uuid;

use super::board::{query_value, set_param, set_params};
use super::{amount, sums, today};
use crate::domain::pipeline::{deal_list, BoardFilter, DealSort, DealStatus};
use crate::domain::RecordKind;
use crate::i18n::{Lang, Msg, PipeMsg};
use crate::ui::assign::{AssignBar, Holding};
use crate::ui::perf;
use crate::ui::route::Route;
use crate::ui::state::{tr, use_app};
use crate::ui::virtual_rows::VirtualRows;

#[derive(Clone, Debug, PartialEq)]
struct DealRow {
    id: Uuid,
    title: String,
    customer: String,
    stage: String,
    outcome: &'static str,
    amount: String,
    probability: String,
    weighted: String,
    close: String,
    overdue: bool,
    owner: String,
    idle: String,
    rotting: bool,
}

fn label(lang: Lang, key: DealSort) -> &'static str {
    match key {
        DealSort::Title => lang.t(PipeMsg::DealTitle),
        DealSort::Customer => lang.t(PipeMsg::Customer),
        DealSort::Stage => lang.t(PipeMsg::Stage),
        DealSort::Amount => lang.t(PipeMsg::Amount),
        DealSort::Probability => lang.t(PipeMsg::ColProbability),
        DealSort::Weighted => lang.t(PipeMsg::ColWeighted),
        DealSort::Close => lang.t(PipeMsg::ExpectedClose),
        DealSort::Owner => lang.t(Msg::ColOwner),
        DealSort::Idle => lang.t(PipeMsg::ColIdle),
        DealSort::Updated => lang.t(Msg::ColUpdated),
    }
}

fn status_label(status: DealStatus) -> PipeMsg {
    match status {
        DealStatus::Open => PipeMsg::StatusOpen,
        DealStatus::Won => PipeMsg::StatusWon,
        DealStatus::Lost => PipeMsg::StatusLost,
        DealStatus::All => PipeMsg::StatusAll,
    }
}

/// The columns shown, in order, with their CSS class.
const COLUMNS: [(DealSort, &str); 9] = [
    (DealSort::Title, "d-title"),
    (DealSort::Customer, "d-customer"),
    (DealSort::Stage, "d-stage"),
    (DealSort::Amount, "d-amount"),
    (DealSort::Probability, "d-prob"),
    (DealSort::Weighted, "d-weighted"),
    (DealSort::Close, "d-close"),
    (DealSort::Owner, "d-owner"),
    (DealSort::Idle, "d-idle"),
];

/// The list view of the pipeline page, under the board's filter bar.
#[component]
pub fn DealTable(filter: Memo<BoardFilter>) -> impl IntoView {
    let state = use_app();
    let status = Memo::new(move |_| {
        state.route.with(|r| query_value(r, "status")).and_then(|s| DealStatus::from_code(&s)).unwrap_or_default()
    });
    let stage = Memo::new(move |_| state.route.with(|r| query_value(r, "stage")).and_then(|s| s.parse::<Uuid>().ok()));
    let sort = Memo::new(move |_| {
        let key =
            state.route.with(|r| query_value(r, "sort")).and_then(|s| DealSort::from_code(&s)).unwrap_or_default();
        (key, state.route.with(|r| query_value(r, "desc")).is_some())
    });
    let stages = Memo::new(move |_| {
        state
            .read(&[RecordKind::Pipeline], |d| {
                d.archive().pipeline().map(|p| p.stages.iter().map(|s| (s.id, s.name.clone())).collect::<Vec<_>>())
            })
            .flatten()
            .unwrap_or_default()
    });

    let list = Memo::new(move |_| {
        let started = perf::now();
        let (filter, status, stage, sort) = (filter.get(), status.get(), stage.get(), sort.get());
        let built = state.read(&[RecordKind::Deal, RecordKind::Customer, RecordKind::Rep, RecordKind::Pipeline], |d| {
            let pipeline = d.archive().pipeline()?;
            let customer = |id| d.archive().customers.get(id).map_or("", |c| c.name.as_str());
            let owner = |id| d.archive().rep_name(id);
            Some(deal_list(pipeline, d.archive().deals.rows(), customer, owner, &filter, status, stage, sort, today()))
        });
        perf::record("deals:list", perf::now() - started);
        built.flatten().unwrap_or_default()
    });

    let scroller = VirtualRows::new(Signal::derive(move || list.with(|l| l.rows.len())), move || {
        (filter.get(), status.get(), stage.get(), sort.get())
    });
    let window_range = scroller.range;
    let visible = Memo::new(move |_| {
        let started = perf::now();
        let (first, last) = window_range.get();
        let lang = state.lang.get();
        let shown: Vec<u32> = list.with(|l| l.rows[first..last].to_vec());
        let today = today();
        let rows = state
            .read(&[RecordKind::Deal, RecordKind::Customer, RecordKind::Rep, RecordKind::Pipeline], |d| {
                let Some(pipeline) = d.archive().pipeline() else { return Vec::new() };
                shown
                    .iter()
                    .map(|&row| {
                        let deal = &d.archive().deals.rows()[row as usize];
                        let found = pipeline.stage(deal.stage);
                        let attention = pipeline.attention(deal, today);
                        let open = pipeline.is_open(deal);
                        DealRow {
                            id: deal.id(),
                            title: deal.title.clone(),
                            customer: d
                                .archive()
                                .customers
                                .get(deal.customer)
                                .map(|c| c.name.clone())
                                .unwrap_or_default(),
                            stage: found.map(|s| s.name.clone()).unwrap_or_default(),
                            outcome: found.map_or("open", |s| s.outcome.code()),
                            amount: amount(lang, deal.currency, deal.amount),
                            probability: format!("{}%", pipeline.probability(deal)),
                            weighted: amount(lang, deal.currency, pipeline.weighted(deal)),
                            close: deal.expected_close.map(|c| c.to_string()).unwrap_or_default(),
                            overdue: open && attention.overdue,
                            owner: d.archive().rep_name(deal.owner).to_owned(),
                            idle: if open {
                                lang.idle_days(attention.idle_days.max(0) as usize)
                            } else {
                                String::new()
                            },
                            rotting: open && attention.rotting,
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        perf::record("deals:rows", perf::now() - started);
        rows
    });

    let header_sort = move |key: DealSort| {
        let (current, descending) = sort.get_untracked();
        let descending = if current == key { !descending } else { key.starts_descending() };
        set_params(
            state,
            vec![
                ("desc", descending.then(|| "1".to_owned())),
                ("sort", (key != DealSort::default()).then(|| key.code().to_owned())),
            ],
        );
    };

    view! {
        <div class="toolbar list-filters">
            <select data-testid="deal-status" aria-label=tr(PipeMsg::StatusAll)
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    set_param(state, "status", (v != DealStatus::Open.code()).then_some(v));
                }>
                {DealStatus::ALL.into_iter().map(|s| view! {
                    <option value=s.code() selected=move || status.get() == s>{tr(status_label(s))}</option>
                }).collect_view()}
            </select>
            <select data-testid="deal-stage" aria-label=tr(PipeMsg::AllStages) on:change=move |ev| set_param(state, "stage", Some(event_target_value(&ev)))>
                <option value="" selected=move || stage.get().is_none()>{tr(PipeMsg::AllStages)}</option>
                {move || stages.get().into_iter().map(|(id, name)| view! {
                    <option value=id.to_string() selected=move || stage.get() == Some(id)>{name}</option>
                }).collect_view()}
            </select>
            <AssignBar
                kind=Holding::Deals
                count=Signal::derive(move || list.with(|l| l.rows.len()))
                ids=Callback::new(move |()| {
                    list.with_untracked(|l| state.with_data(|d| l.rows.iter().map(|&r| d.archive().deals.rows()[r as usize].id()).collect()).unwrap_or_default())
                })
            />
            <p class="count" data-testid="deal-list-summary">
                {move || {
                    let lang = state.lang.get();
                    list.with(|l| lang.list_summary(l.rows.len(), &sums(lang, &l.total), &sums(lang, &l.weighted)))
                }}
            </p>
        </div>
        <div class="table deal-table" role="table" aria-rowcount=move || list.with(|l| l.rows.len() + 1)>
            <div class="row head" role="row">
                {COLUMNS.into_iter().map(|(key, class)| view! {
                    <span class=class role="columnheader" aria-sort=move || match sort.get() {
                        (k, _) if k != key => "none",
                        (_, true) => "descending",
                        _ => "ascending",
                    }>
                        <button class="sort-head" data-testid=format!("deal-sort-{}", key.code()) on:click=move |_| header_sort(key)>
                            {move || label(state.lang.get(), key)}
                            {move || match sort.get() {
                                (k, _) if k != key => "",
                                (_, true) => " ↓",
                                _ => " ↑",
                            }}
                        </button>
                    </span>
                }).collect_view()}
            </div>
            <div class="list-viewport" data-testid="deal-list" node_ref=scroller.viewport on:scroll=move |_| scroller.on_scroll()>
                <Show when=move || list.with(|l| l.rows.is_empty())>
                    <p class="empty" data-testid="deal-list-empty">{tr(PipeMsg::NoDealsMatch)}</p>
                </Show>
                <div class="list-spacer" style:height=move || scroller.spacer_height(list.with(|l| l.rows.len()))>
                    <div class="list-window" style:transform=move || scroller.window_offset()>
                        <For each=move || 0..scroller.slots.get() key=|position| *position let:position>
                            <DealListRow position visible />
                        </For>
                    </div>
                </div>
            </div>
        </div>
    }
}

/// One slot of the list: the `position`-th visible deal, or nothing past the end.
#[component]
fn DealListRow(position: usize, visible: Memo<Vec<DealRow>>) -> impl IntoView {
    let text = move |f: fn(&DealRow) -> String| move || visible.with(|v| v.get(position).map(f).unwrap_or_default());
    let flag = move |f: fn(&DealRow) -> bool| move || visible.with(|v| v.get(position).is_some_and(f));
    view! {
        <div class="row" role="row" data-testid="deal-row" hidden=move || visible.with(|v| position >= v.len())>
            <span class="d-title" role="cell"><a href=text(|r| Route::Deal(r.id).to_hash())>{text(|r| r.title.clone())}</a></span>
            <span class="d-customer" role="cell">{text(|r| r.customer.clone())}</span>
            <span class="d-stage" role="cell"><span class=text(|r| format!("badge outcome-{}", r.outcome))>{text(|r| r.stage.clone())}</span></span>
            <span class="d-amount" role="cell">{text(|r| r.amount.clone())}</span>
            <span class="d-prob" role="cell">{text(|r| r.probability.clone())}</span>
            <span class="d-weighted" role="cell">{text(|r| r.weighted.clone())}</span>
            <span class="d-close" role="cell" class:overdue=flag(|r| r.overdue)>{text(|r| r.close.clone())}</span>
            <span class="d-owner" role="cell">{text(|r| r.owner.clone())}</span>
            <span class="d-idle" role="cell" class:rotting=flag(|r| r.rotting)>{text(|r| r.idle.clone())}</span>
        </div>
    }
}
