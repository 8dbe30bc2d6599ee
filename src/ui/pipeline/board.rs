//! The board: a column per stage with its count, total and weighted total; deals move by drag
//! and drop or with each card's move buttons (keyboard). Filters live in the URL.

use leptos::prelude::*;
use uuid::Uuid;
use wasm_bindgen::JsCast;

use super::list::DealTable;
use super::{amount, sums, today};
use crate::domain::pipeline::{board, Attention, BoardFilter, Stage};
use crate::domain::{Command, RecordKind, StageOutcome};
use crate::i18n::{Msg, PipeMsg};
use crate::ui::route::Route;
use crate::ui::state::{tr, use_app, AppState};
use crate::ui::{notify, perf};
use web_sys::NotificationPermission;

/// Cards shown per column when the board opens: building a card's DOM is
/// what opening costs, so a column starts short.
const PAGE: usize = 12;
/// Cards added by "show more".
const MORE: usize = 40;

/// What one card shows.
#[derive(Clone, Debug, PartialEq)]
struct Card {
    id: Uuid,
    /// Changes when the deal does (or the language), so the card is redrawn only then.
    version: (i64, bool),
    /// The stage is open (closed deals show no reminders).
    open: bool,
    title: String,
    customer: String,
    amount: String,
    owner: String,
    close: String,
    attention: Attention,
}

#[derive(Clone, Debug, PartialEq)]
struct ColumnView {
    stage: Stage,
    count: usize,
    total: String,
    weighted: String,
    cards: Vec<Card>,
}

#[derive(Clone, Debug, Default, PartialEq)]
struct BoardView {
    columns: Vec<ColumnView>,
    due_soon: usize,
    overdue: usize,
    rotting: usize,
}

pub(super) fn query_value(route: &Route, key: &str) -> Option<String> {
    route.query_value(key).map(str::to_owned)
}

/// The board's filter as the URL has it: `owner` (a rep id, or `none`), `q`, `attention`.
fn filter_of(route: &Route) -> BoardFilter {
    BoardFilter {
        owner: query_value(route, "owner").map(|o| o.parse().ok()),
        text: query_value(route, "q").unwrap_or_default().trim().to_lowercase(),
        attention_only: query_value(route, "attention").is_some(),
    }
}

/// Sets (or with `None` or empty, removes) one parameter of the pipeline page's URL.
pub(super) fn set_param(state: AppState, key: &str, value: Option<String>) {
    set_params(state, vec![(key, value)]);
}

/// Sets several parameters in one change of the URL (one recomputation of the view).
pub(super) fn set_params(state: AppState, pairs: Vec<(&str, Option<String>)>) {
    let query = state.route.with_untracked(|r| match r {
        Route::Pipeline { query } => query.clone(),
        _ => Vec::new(),
    });
    state.replace_route(Route::Pipeline { query: crate::ui::route::set_pairs(query, pairs) });
}

/// Moves a deal and says so (with an undo); the board redraws from the archive at once, before
/// the write. The stage it leaves is the one the user saw it in.
fn move_deal(state: AppState, id: Uuid, stage: Uuid) {
    let started = perf::now();
    let from = state.with_data(|d| d.archive().deals.get(id).map(|x| x.stage)).flatten();
    leptos::task::spawn_local(async move {
        let result = state.execute(Command::MoveDeal { id, stage, from }).await;
        perf::record("deal:move", perf::now() - started);
        match result {
            Ok(saved) => {
                let names = state.with_data(|d| {
                    let deal = d.archive().deals.get(id).map(|x| x.title.clone()).unwrap_or_default();
                    let stage =
                        d.archive().pipeline().and_then(|p| p.stage(stage)).map(|s| s.name.clone()).unwrap_or_default();
                    (deal, stage)
                });
                if let Some((deal, stage)) = names {
                    let lang = state.lang.get_untracked();
                    state.toast_with_undo(lang.moved(&deal, &stage), &saved, lang.t(PipeMsg::MoveUndone).to_owned());
                }
                // Keyboard users keep their place: focus follows the card.
                let _ = window().request_animation_frame(
                    wasm_bindgen::closure::Closure::once_into_js(move || {
                        if let Ok(Some(el)) = document().query_selector(&format!("[data-deal=\"{id}\"]")) {
                            let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
                        }
                    })
                    .unchecked_ref(),
                );
            }
            Err(crate::store::ActionError::Domain(e)) => {
                state.show_toast(state.lang.get_untracked().domain_error(&e), true, None)
            }
            // Store errors were shown by `execute`.
            Err(_) => {}
        }
    });
}

#[component]
pub fn PipelineBoard() -> impl IntoView {
    let state = use_app();
    let filter = Memo::new(move |_| state.route.with(filter_of));
    // How many cards each column shows (grows with "show more").
    let limits = RwSignal::new(Vec::<(Uuid, usize)>::new());
    let reps = Memo::new(move |_| {
        state
            .read(&[RecordKind::Rep], |d| {
                d.archive().reps.live().map(|r| (r.meta.id, r.name.clone())).collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });

    let view_model = Memo::new(move |_| {
        let started = perf::now();
        let filter = filter.get();
        let lang = state.lang.get();
        let limits = limits.get();
        let today = today();
        let built = state.read(&[RecordKind::Deal, RecordKind::Customer, RecordKind::Rep, RecordKind::Pipeline], |d| {
            let pipeline = d.archive().pipeline()?;
            let deals = d.archive().deals.rows();
            let name = |id| d.archive().customers.get(id).map_or("", |c| c.name.as_str());
            let b = board(pipeline, deals, name, &filter, today);
            let columns = pipeline
                .stages
                .iter()
                .zip(b.columns)
                .map(|(stage, column)| {
                    let limit = limits.iter().find(|(s, _)| *s == stage.id).map_or(PAGE, |(_, n)| *n);
                    let cards = column
                        .deals
                        .iter()
                        .take(limit)
                        .map(|&row| {
                            let deal = &deals[row as usize];
                            Card {
                                id: deal.id(),
                                version: (deal.meta.updated_at.0, lang.is_zh()),
                                open: stage.outcome == StageOutcome::Open,
                                title: deal.title.clone(),
                                customer: name(deal.customer).to_owned(),
                                amount: amount(lang, deal.currency, deal.amount),
                                owner: d.archive().rep_name(deal.owner).to_owned(),
                                close: deal.expected_close.map(|c| c.to_string()).unwrap_or_default(),
                                attention: pipeline.attention(deal, today),
                            }
                        })
                        .collect();
                    ColumnView {
                        stage: stage.clone(),
                        count: column.deals.len(),
                        total: sums(lang, &column.total),
                        weighted: sums(lang, &column.weighted),
                        cards,
                    }
                })
                .collect();
            Some(BoardView { columns, due_soon: b.due_soon, overdue: b.overdue, rotting: b.rotting })
        });
        perf::record("board:build", perf::now() - started);
        built.flatten().unwrap_or_default()
    });

    let stage_ids = Memo::new(move |_| view_model.with(|v| v.columns.iter().map(|c| c.stage.id).collect::<Vec<_>>()));

    let set_param = move |key: &'static str, value: Option<String>| set_param(state, key, value);
    // Read after the board's first paint: asking the browser takes a few ms.
    let notifications = RwSignal::new(None);
    set_timeout(move || notifications.set(notify::permission()), std::time::Duration::ZERO);
    let list_view = Memo::new(move |_| state.route.with(|r| query_value(r, "view")).is_some_and(|v| v == "list"));

    view! {
        <section class="page pipeline">
            <div class="page-head">
                <h1>{tr(Msg::NavPipeline)}</h1>
                <div class="head-actions">
                    <a class="button secondary" href=Route::Stages.to_hash() data-testid="stages-link">{tr(PipeMsg::StagesLink)}</a>
                    <a class="button primary" href=Route::NewDeal { customer: None }.to_hash() data-testid="new-deal">{tr(PipeMsg::NewDeal)}</a>
                </div>
            </div>
            <div class="toolbar board-filters">
                <div class="segmented" role="group">
                    <button class="secondary" data-testid="view-board" aria-pressed=move || (!list_view.get()).to_string()
                        on:click=move |_| set_param("view", None)>{tr(PipeMsg::ViewBoard)}</button>
                    <button class="secondary" data-testid="view-list" aria-pressed=move || list_view.get().to_string()
                        on:click=move |_| set_param("view", Some("list".to_owned()))>{tr(PipeMsg::ViewList)}</button>
                </div>
                <input
                    type="search"
                    data-testid="deal-search"
                    placeholder=tr(PipeMsg::SearchDeals)
                    prop:value=move || state.route.with(|r| query_value(r, "q")).unwrap_or_default()
                    on:input=move |ev| set_param("q", Some(event_target_value(&ev)))
                />
                <select data-testid="deal-owner" on:change=move |ev| set_param("owner", Some(event_target_value(&ev)))>
                    <option value="" selected=move || filter.with(|f| f.owner.is_none())>{tr(Msg::AllOwners)}</option>
                    <option value="none" selected=move || filter.with(|f| f.owner == Some(None))>{tr(Msg::Unassigned)}</option>
                    {move || reps.get().into_iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=move || filter.with(|f| f.owner == Some(Some(id)))>{name}</option>
                    }).collect_view()}
                </select>
                <label class="check">
                    <input type="checkbox" data-testid="deal-attention" prop:checked=move || filter.with(|f| f.attention_only)
                        on:change=move |ev| set_param("attention", event_target_checked(&ev).then(|| "1".to_owned())) />
                    {tr(PipeMsg::NeedsAttention)}
                </label>
            </div>
            {move || list_view.get().then(|| view! { <DealTable filter /> })}
            {move || (!list_view.get()).then(|| {
                let v = view_model.get();
                (v.due_soon + v.overdue + v.rotting > 0).then(|| view! {
                    <p class="reminders" role="status" data-testid="deal-reminders">
                        {state.lang.get().remind_summary(v.due_soon, v.overdue, v.rotting)}
                        {move || match notifications.get() {
                            Some(NotificationPermission::Default) => Some(view! {
                                " " <button class="link" data-testid="notify-enable" on:click=move |_| notify::ask(state, notifications)>{tr(PipeMsg::NotifyEnable)}</button>
                            }.into_any()),
                            Some(NotificationPermission::Denied) => Some(view! { " " <span class="muted">{tr(PipeMsg::NotifyBlocked)}</span> }.into_any()),
                            _ => None,
                        }}
                    </p>
                })
            }).flatten()}
            {move || (!list_view.get()).then(|| view! {
            <div class="board" data-testid="board">
                {move || {
                    // Only a change of stages rebuilds the columns; moves update them in place.
                    let columns = stage_ids.get();
                    if columns.is_empty() {
                        return view! { <p class="empty">{state.t(PipeMsg::NoStages)}</p> }.into_any();
                    }
                    columns
                        .iter()
                        .enumerate()
                        .map(|(at, &stage_id)| {
                            let previous = at.checked_sub(1).and_then(|i| columns.get(i)).copied();
                            let next = columns.get(at + 1).copied();
                            view! { <BoardColumn stage_id previous next view_model limits /> }
                        })
                        .collect_view()
                        .into_any()
                }}
            </div>
            })}
        </section>
    }
}

/// One stage's column; a drop target for cards.
#[component]
fn BoardColumn(
    stage_id: Uuid,
    previous: Option<Uuid>,
    next: Option<Uuid>,
    view_model: Memo<BoardView>,
    limits: RwSignal<Vec<(Uuid, usize)>>,
) -> impl IntoView {
    let state = use_app();
    let column = Memo::new(move |_| view_model.with(|v| v.columns.iter().find(|c| c.stage.id == stage_id).cloned()));
    let over = RwSignal::new(false);
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        over.set(false);
        let id = ev.data_transfer().and_then(|t| t.get_data("text/plain").ok()).and_then(|s| s.parse::<Uuid>().ok());
        if let Some(id) = id {
            let here =
                state.with_data(|d| d.archive().deals.get(id).map(|x| x.stage == stage_id)).flatten().unwrap_or(true);
            if !here {
                move_deal(state, id, stage_id);
            }
        }
    };
    view! {
        <section
            class="column"
            class:drag-over=move || over.get()
            data-testid="board-column"
            data-stage=stage_id.to_string()
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                over.set(true);
            }
            on:dragleave=move |_| over.set(false)
            on:drop=on_drop
        >
            {move || column.get().map(|c| {
                let lang = state.lang.get();
                view! {
                    <header class=format!("column-head outcome-{}", c.stage.outcome.code())>
                        <h2 data-testid="column-name">{c.stage.name.clone()}</h2>
                        <p class="column-meta">
                            <span data-testid="column-count">{lang.deal_count(c.count)}</span>
                            " · " {format!("{}%", c.stage.probability)}
                        </p>
                        <p class="column-total">
                            <strong data-testid="column-total">{c.total.clone()}</strong>
                            <span class="muted" data-testid="column-weighted">{lang.weighted(&c.weighted)}</span>
                        </p>
                    </header>
                }
            })}
            // The cards' events are handled here, once for the column (see `DealCard`).
            <ol
                class="cards-list"
                on:dragstart=move |ev: leptos::ev::DragEvent| {
                    if let (Some(id), Some(t)) = (deal_at(&ev), ev.data_transfer()) {
                        let _ = t.set_data("text/plain", &id.to_string());
                        t.set_effect_allowed("move");
                    }
                }
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    // Alt+arrows move the focused card between stages.
                    let to = match ev.key().as_str() {
                        "ArrowLeft" if ev.alt_key() => previous,
                        "ArrowRight" if ev.alt_key() => next,
                        _ => None,
                    };
                    if let (Some(to), Some(id)) = (to, deal_at(&ev)) {
                        ev.prevent_default();
                        move_deal(state, id, to);
                    }
                }
                on:click=move |ev: leptos::ev::MouseEvent| {
                    let to = hit(&ev, "button[data-to]").and_then(|b| b.get_attribute("data-to")?.parse::<Uuid>().ok());
                    if let (Some(to), Some(id)) = (to, deal_at(&ev)) {
                        move_deal(state, id, to);
                    }
                }
            >
                <For
                    each=move || column.get().map(|c| c.cards).unwrap_or_default()
                    key=|card| (card.id, card.version)
                    children=move |card| view! { <DealCard card previous next /> }
                />
            </ol>
            {move || column.get().and_then(|c| {
                let left = c.count.saturating_sub(c.cards.len());
                if c.count == 0 {
                    return Some(view! { <p class="muted drop-hint">{state.t(PipeMsg::EmptyColumn)}</p> }.into_any());
                }
                (left > 0).then(|| view! {
                    <button class="secondary more" data-testid="column-more" on:click=move |_| limits.update(|l| {
                        let shown = c.cards.len() + MORE;
                        l.retain(|(s, _)| *s != stage_id);
                        l.push((stage_id, shown));
                    })>
                        {state.lang.get().show_more(left)}
                    </button>
                }.into_any())
            })}
        </section>
    }
}

/// The element `ev` happened in, or the nearest one around it, that matches `selector`.
fn hit(ev: &web_sys::Event, selector: &str) -> Option<web_sys::Element> {
    ev.target()?.dyn_into::<web_sys::Element>().ok()?.closest(selector).ok()?
}

/// The deal of the card (`data-deal`) `ev` happened in.
fn deal_at(ev: &web_sys::Event) -> Option<Uuid> {
    hit(ev, "[data-deal]")?.get_attribute("data-deal")?.parse().ok()
}

/// A deal on the board: drag it, or move it with the buttons (keyboard). Its texts are fixed:
/// a change of the deal or the language makes a new card. It has no handlers of its own (its
/// column handles drags, keys and the buttons, which carry the stage they move to in
/// `data-to`): a card's listeners were most of what building one cost.
#[component]
fn DealCard(card: Card, previous: Option<Uuid>, next: Option<Uuid>) -> impl IntoView {
    let state = use_app();
    let lang = state.lang.get_untracked();
    let id = card.id;
    let a = card.attention;
    view! {
        <li
            class="deal-card"
            class:overdue=card.open && a.overdue
            class:rotting=card.open && a.rotting
            draggable="true"
            tabindex="0"
            data-testid="deal-card"
            data-deal=id.to_string()
        >
            <a class="deal-title" href=Route::Deal(id).to_hash() draggable="false">{card.title}</a>
            <p class="deal-customer muted">{card.customer}</p>
            <p class="deal-line">
                <strong>{card.amount}</strong>
                {(!card.owner.is_empty()).then(|| view! { <span class="muted">{card.owner}</span> })}
            </p>
            <p class="deal-line">
                {(!card.close.is_empty()).then(|| view! { <span class="muted">{card.close}</span> })}
                {(card.open && a.overdue).then(|| view! { <span class="badge warn" data-testid="badge-overdue">{lang.t(PipeMsg::Overdue)}</span> })}
                {(card.open && a.due_soon).then(|| view! { <span class="badge soon">{lang.t(PipeMsg::DueSoon)}</span> })}
                {(card.open && a.rotting).then(|| view! { <span class="badge rot">{lang.rotting(a.idle_days.max(0) as usize)}</span> })}
            </p>
            <div class="card-moves">
                {previous.map(|to| view! {
                    <button class="icon" data-testid="move-left" data-to=to.to_string() title=lang.t(PipeMsg::MoveLeft) aria-label=lang.t(PipeMsg::MoveLeft)>"‹"</button>
                })}
                {next.map(|to| view! {
                    <button class="icon" data-testid="move-right" data-to=to.to_string() title=lang.t(PipeMsg::MoveRight) aria-label=lang.t(PipeMsg::MoveRight)>"›"</button>
                })}
            </div>
        </li>
    }
}
