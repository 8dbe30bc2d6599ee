//! The areas loaded on first use. Each area's pages enter through one function marked as a split
//! point (`#[wasm_split]`, with the `split` feature that the release build turns on): the
//! splitter moves those functions, and all code and texts only they reach, into that area's
//! chunk, fetched the first time one of its pages opens. A chunk shares the page module's
//! memory, so every area reads and writes the one `AppState` (no second copy of the data).
//!
//! Without the feature (native checks, browser tests) the same functions are plain calls.

use leptos::prelude::*;
use uuid::Uuid;

use super::state::{tr, use_app};
use crate::domain::assignment::Holding;
use crate::i18n::Msg;

/// Which page is shown; filters in the URL are not part of it, so typing a filter does not
/// rebuild the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Customers,
    NewCustomer,
    Customer(Uuid),
    EditCustomer(Uuid),
    Data,
    Pipeline,
    Stages,
    Deal(Uuid),
    NewDeal(Option<Uuid>),
    EditDeal(Uuid),
    Reports,
    Forecast,
    Quotas,
    Settings,
    Team,
    Later(usize),
}

/// A chunk that did not load (offline before it was cached, or a new version deployed in
/// between): the page says so and offers to try again.
#[derive(Clone, Copy, Debug)]
pub struct LoadFailed;

impl From<leptos::wasm_split::SplitLoaderError> for LoadFailed {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        LoadFailed
    }
}

/// With the `split` feature a split function is `async` (it loads its chunk first); without,
/// it is a plain call.
#[cfg(feature = "split")]
macro_rules! enter {
    ($call:expr) => {
        $call.await
    };
}
#[cfg(not(feature = "split"))]
macro_rules! enter {
    ($call:expr) => {
        $call
    };
}

// Each area function builds `page`, or with `None` only loads its chunk (see `prefetch`).

/// The customer's page and the customer form (the list itself is in the first load).
#[cfg_attr(feature = "split", leptos::wasm_split::wasm_split(customer, wasm_split_path = ::leptos::wasm_split, fallible))]
fn customer_area(page: Option<Page>) -> Result<AnyView, LoadFailed> {
    use super::customers::{CustomerDetail, CustomerForm};
    Ok(match page {
        None => ().into_any(),
        Some(Page::Customer(id)) => view! { <CustomerDetail id /> }.into_any(),
        Some(Page::EditCustomer(id)) => view! { <CustomerForm id=Some(id) /> }.into_any(),
        Some(_) => view! { <CustomerForm id=None /> }.into_any(),
    })
}

/// The board, deals, stages and the follow-up report.
#[cfg_attr(feature = "split", leptos::wasm_split::wasm_split(pipeline, wasm_split_path = ::leptos::wasm_split, fallible))]
fn pipeline_area(page: Option<Page>) -> Result<AnyView, LoadFailed> {
    use super::pipeline::{DealDetail, DealForm, FollowUpReport, PipelineBoard, StagesPage};
    Ok(match page {
        None => ().into_any(),
        Some(Page::Stages) => view! { <StagesPage /> }.into_any(),
        Some(Page::Deal(id)) => view! { <DealDetail id /> }.into_any(),
        Some(Page::NewDeal(customer)) => view! { <DealForm id=None customer /> }.into_any(),
        Some(Page::EditDeal(id)) => view! { <DealForm id=Some(id) customer=None /> }.into_any(),
        Some(Page::Reports) => view! { <FollowUpReport /> }.into_any(),
        Some(_) => view! { <PipelineBoard /> }.into_any(),
    })
}

/// The funnel and the forecast.
#[cfg_attr(feature = "split", leptos::wasm_split::wasm_split(forecast, wasm_split_path = ::leptos::wasm_split, fallible))]
fn forecast_area(show: bool) -> Result<AnyView, LoadFailed> {
    Ok(if show { view! { <super::forecast::ForecastPage /> }.into_any() } else { ().into_any() })
}

/// Targets, attainment, incentives, evaluations, allotments, calendar, people.
#[cfg_attr(feature = "split", leptos::wasm_split::wasm_split(quotas, wasm_split_path = ::leptos::wasm_split, fallible))]
fn quotas_area(show: bool) -> Result<AnyView, LoadFailed> {
    Ok(if show { view! { <super::quotas::QuotasPage /> }.into_any() } else { ().into_any() })
}

/// Import, export and backup.
#[cfg_attr(feature = "split", leptos::wasm_split::wasm_split(data, wasm_split_path = ::leptos::wasm_split, fallible))]
fn data_area(show: bool) -> Result<AnyView, LoadFailed> {
    Ok(if show { view! { <super::data::DataPage /> }.into_any() } else { ().into_any() })
}

/// Language, user name and demo data.
#[cfg_attr(feature = "split", leptos::wasm_split::wasm_split(settings, wasm_split_path = ::leptos::wasm_split, fallible))]
fn settings_area(show: bool) -> Result<AnyView, LoadFailed> {
    Ok(if show { view! { <super::settings::SettingsPage /> }.into_any() } else { ().into_any() })
}

/// Demo data with exactly `deals` deals (the test door's `demo`, for the forecast's benchmark),
/// in the settings chunk with the rest of the demo generator.
#[cfg_attr(feature = "split", leptos::wasm_split::wasm_split(settings, wasm_split_path = ::leptos::wasm_split, fallible))]
fn demo_with_deals(customers: usize, deals: usize, reps: usize) -> Result<crate::domain::Records, LoadFailed> {
    let now = super::clock::now();
    Ok(crate::domain::demo::generate_with_deals(7, customers, deals, reps, now, super::clock::offset_at(now), "demo"))
}

/// `demo_with_deals`, loading its chunk first.
pub async fn benchmark_demo(customers: usize, deals: usize, reps: usize) -> Result<crate::domain::Records, LoadFailed> {
    enter!(demo_with_deals(customers, deals, reps))
}

/// Turns a chart's SVG into a PNG file and downloads it, in a chunk of its own fetched on the
/// first PNG export.
#[cfg_attr(feature = "split", leptos::wasm_split::wasm_split(export, wasm_split_path = ::leptos::wasm_split, fallible))]
fn png_export(svg: String, file_name: String) -> Result<(), LoadFailed> {
    super::charts::download_png(svg, file_name);
    Ok(())
}

/// `png_export`, loading its chunk first.
pub async fn export_png(svg: String, file_name: String) -> Result<(), LoadFailed> {
    enter!(png_export(svg, file_name))
}

/// The batch assignment panel (see `assign`), loaded when first opened.
#[cfg_attr(feature = "split", leptos::wasm_split::wasm_split(assign, wasm_split_path = ::leptos::wasm_split, fallible))]
fn assign_area(
    kind: Holding,
    count: Signal<usize>,
    ids: Callback<(), Vec<Uuid>>,
    open: RwSignal<bool>,
) -> Result<AnyView, LoadFailed> {
    Ok(super::assign::panel(kind, count, ids, open))
}

/// `assign_area`, loading its chunk first.
pub async fn assign_panel(
    kind: Holding,
    count: Signal<usize>,
    ids: Callback<(), Vec<Uuid>>,
    open: RwSignal<bool>,
) -> Result<AnyView, LoadFailed> {
    enter!(assign_area(kind, count, ids, open))
}

/// The customer list's summary charts (shown when asked for), with the charts worker's
/// protocol: out of the first load.
#[cfg_attr(feature = "split", leptos::wasm_split::wasm_split(summary, wasm_split_path = ::leptos::wasm_split, fallible))]
fn summary_area() -> Result<AnyView, LoadFailed> {
    Ok(view! { <super::customers::CustomerSummaryCharts /> }.into_any())
}

/// `summary_area`, loading its chunk first.
pub async fn summary_charts() -> Result<AnyView, LoadFailed> {
    enter!(summary_area())
}

/// A line of the end-to-end tests' door (see `testing`), run by code in a chunk of its own
/// fetched on the door's first use.
#[cfg_attr(feature = "split", leptos::wasm_split::wasm_split(testing, wasm_split_path = ::leptos::wasm_split, fallible))]
fn test_door(
    state: super::state::AppState,
    line: String,
) -> Result<std::pin::Pin<Box<dyn std::future::Future<Output = String>>>, LoadFailed> {
    Ok(Box::pin(async move { super::testing::run(state, &line).await }))
}

/// `test_door`, loading its chunk first.
pub async fn run_test_line(state: super::state::AppState, line: String) -> String {
    state.read_deals().await;
    match enter!(test_door(state, line)) {
        Ok(running) => running.await,
        Err(LoadFailed) => "failed	the test door did not load".to_owned(),
    }
}

/// Loads the chunk of `page`'s area (once) and builds the page.
/// What the team area is entered for.
enum TeamEntry {
    Page,
    #[cfg_attr(not(feature = "split"), allow(dead_code))]
    Prefetch,
    /// Resuming the CouchDB replication this browser was connected to, and the shared folder's
    /// rounds.
    Resume(Box<super::state::AppState>),
}

/// Team sync: change files, and CouchDB replication.
#[cfg_attr(feature = "split", leptos::wasm_split::wasm_split(team, wasm_split_path = ::leptos::wasm_split, fallible))]
fn team_area(entry: TeamEntry) -> Result<AnyView, LoadFailed> {
    Ok(match entry {
        TeamEntry::Page => view! { <super::team::TeamPage /> }.into_any(),
        TeamEntry::Prefetch => ().into_any(),
        TeamEntry::Resume(state) => {
            super::couch::resume(*state);
            super::folder::resume(*state);
            ().into_any()
        }
    })
}

/// Resumes the CouchDB replication and the shared folder's rounds after the first paint, if this
/// browser uses them (loading the team area's chunk for it).
pub fn resume_sync(state: super::state::AppState) {
    let storage = window().local_storage().ok().flatten();
    let saved = |key: &str| storage.as_ref().and_then(|s| s.get_item(key).ok().flatten()).is_some();
    if saved(super::couch::CONFIG_KEY) || saved(super::folder::FOLDER_KEY) {
        leptos::task::spawn_local(async move {
            let _ = enter!(team_area(TeamEntry::Resume(Box::new(state))));
        });
    }
}

async fn open(page: Page) -> Result<AnyView, LoadFailed> {
    match page {
        Page::NewCustomer | Page::Customer(_) | Page::EditCustomer(_) => enter!(customer_area(Some(page))),
        Page::Pipeline | Page::Stages | Page::Deal(_) | Page::NewDeal(_) | Page::EditDeal(_) | Page::Reports => {
            enter!(pipeline_area(Some(page)))
        }
        Page::Data => enter!(data_area(true)),
        Page::Forecast => enter!(forecast_area(true)),
        Page::Quotas => enter!(quotas_area(true)),
        Page::Settings => enter!(settings_area(true)),
        Page::Team => enter!(team_area(TeamEntry::Page)),
        Page::Customers | Page::Later(_) => Ok(().into_any()),
    }
}

/// Loads the areas' chunks and the write path's, one after another while the page is idle after
/// its first paint, so that opening an area later only builds its page. A chunk that fails here
/// is left alone: opening its area tries again (and says so if it fails then). Nothing is
/// prefetched when the browser is asked to save data, or with `noprefetch` in the address's
/// query (the benchmark measures cold first openings with it).
pub fn prefetch() {
    #[cfg(feature = "split")]
    {
        let search = window().location().search().unwrap_or_default();
        if search.contains("noprefetch") || save_data() {
            return;
        }
        leptos::task::spawn_local(async {
            let started = super::perf::now();
            idle().await;
            let _ = pipeline_area(None).await;
            idle().await;
            let _ = customer_area(None).await;
            idle().await;
            let _ = super::engine::write_engine().await;
            idle().await;
            let _ = forecast_area(false).await;
            idle().await;
            let _ = quotas_area(false).await;
            idle().await;
            let _ = settings_area(false).await;
            idle().await;
            let _ = data_area(false).await;
            idle().await;
            let _ = team_area(TeamEntry::Prefetch).await;
            super::perf::record("prefetch:done", super::perf::now() - started);
        });
    }
}

/// Whether the user asked the browser to use less data (`navigator.connection.saveData`).
#[cfg(feature = "split")]
fn save_data() -> bool {
    let connection = js_sys::Reflect::get(&window().navigator(), &"connection".into()).ok();
    connection
        .filter(|c| c.is_object())
        .and_then(|c| js_sys::Reflect::get(&c, &"saveData".into()).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// Resolves when the browser is idle (`requestIdleCallback`, at most a second later), or after
/// 100 ms where it has none.
#[cfg(feature = "split")]
async fn idle() {
    use wasm_bindgen::{JsCast, JsValue};
    let window: JsValue = window().into();
    let request = js_sys::Reflect::get(&window, &"requestIdleCallback".into()).ok();
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"timeout".into(), &1000.into());
    let called = request.and_then(|f| f.dyn_into::<js_sys::Function>().ok()).and_then(|request| {
        let mut called = false;
        let promise =
            js_sys::Promise::new(&mut |resolve, _| called = request.call2(&window, &resolve, &options).is_ok());
        called.then_some(promise)
    });
    match called {
        Some(promise) => drop(wasm_bindgen_futures::JsFuture::from(promise).await),
        None => super::state::pause(100).await,
    }
}

/// A page of an area loaded on first use (see `Lazy`).
///
/// `page`: the page to show; it must belong to a split area (not the customer list).
#[component]
pub fn AreaPage(page: Page) -> impl IntoView {
    let state = use_app();
    view! { <Lazy load=move || open_reading(state, page) /> }
}

/// `open`, with the record kinds the first load left as stored bytes decoded first for a page
/// that reads them (both loaded at once): its figures are worked out once, on everything.
async fn open_reading(state: super::state::AppState, page: Page) -> Result<AnyView, LoadFailed> {
    // Every area reads deals (opened straight from an address, it may come before they are).
    state.read_deals().await;
    if !page.reads_every_kind() {
        return open(page).await;
    }
    let (view, ()) = both(open(page), state.full()).await;
    view
}

/// Runs two futures at once; resolves with both outputs.
async fn both<A: std::future::Future, B: std::future::Future>(a: A, b: B) -> (A::Output, B::Output) {
    use std::task::Poll;
    let (mut a, mut b) = (Box::pin(a), Box::pin(b));
    let (mut first, mut second) = (None, None);
    std::future::poll_fn(move |cx| {
        if first.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                first = Some(v);
            }
        }
        if second.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                second = Some(v);
            }
        }
        match (first.take(), second.take()) {
            (Some(x), Some(y)) => Poll::Ready((x, y)),
            (x, y) => {
                (first, second) = (x, y);
                Poll::Pending
            }
        }
    })
    .await
}

impl Page {
    /// Whether the page reads record kinds the first load leaves for later (a record's replaced
    /// values, the forecast's settings, targets...): opening it has them decoded too (its views
    /// update when they arrive). The board, the stages and the report read only deals.
    fn reads_every_kind(self) -> bool {
        !matches!(self, Page::Customers | Page::Pipeline | Page::Stages | Page::Reports | Page::Later(_))
    }
}

/// A view built by code loaded on first use: blank while its chunk loads (a "loading" line if
/// that takes a moment), then the view; a failed load shows a message with a retry.
///
/// `load`: loads the chunk (once; at once when it is loaded) and builds the view.
#[component]
pub fn Lazy<L, F>(load: L) -> impl IntoView
where
    L: Fn() -> F + Copy + Send + Sync + 'static,
    F: std::future::Future<Output = Result<AnyView, LoadFailed>> + Send + 'static,
{
    let attempt = RwSignal::new(0_u32);
    view! {
        <Suspense fallback=|| view! { <p class="loading" data-testid="area-loading">{tr(Msg::Loading)}</p> }>
            {move || {
                attempt.track();
                Suspend::new(async move {
                    match load().await {
                        Ok(view) => view,
                        Err(LoadFailed) => view! { <LoadError retry=move || attempt.update(|n| *n += 1) /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// Says that a part of the app could not be loaded, with a button to try again.
///
/// `retry`: loads the chunk again.
#[component]
fn LoadError(retry: impl Fn() + 'static) -> impl IntoView {
    let state = use_app();
    view! {
        <section class="page area-error" role="alert" data-testid="area-error">
            <p>{move || state.t(Msg::AreaLoadFailed)}</p>
            <button class="primary" data-testid="area-retry" on:click=move |_| retry()>
                {move || state.t(Msg::Retry)}
            </button>
        </section>
    }
}
