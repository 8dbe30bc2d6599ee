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
    Settings,
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

/// The customer's page and the customer form (the list itself is in the first load).
#[cfg_attr(feature = "split", leptos::wasm_split::wasm_split(customer, wasm_split_path = ::leptos::wasm_split, fallible))]
fn customer_area(page: Page) -> Result<AnyView, LoadFailed> {
    use super::customers::{CustomerDetail, CustomerForm};
    Ok(match page {
        Page::Customer(id) => view! { <CustomerDetail id /> }.into_any(),
        Page::EditCustomer(id) => view! { <CustomerForm id=Some(id) /> }.into_any(),
        _ => view! { <CustomerForm id=None /> }.into_any(),
    })
}

/// The board, deals, stages and the follow-up report.
#[cfg_attr(feature = "split", leptos::wasm_split::wasm_split(pipeline, wasm_split_path = ::leptos::wasm_split, fallible))]
fn pipeline_area(page: Page) -> Result<AnyView, LoadFailed> {
    use super::pipeline::{DealDetail, DealForm, FollowUpReport, PipelineBoard, StagesPage};
    Ok(match page {
        Page::Stages => view! { <StagesPage /> }.into_any(),
        Page::Deal(id) => view! { <DealDetail id /> }.into_any(),
        Page::NewDeal(customer) => view! { <DealForm id=None customer /> }.into_any(),
        Page::EditDeal(id) => view! { <DealForm id=Some(id) customer=None /> }.into_any(),
        Page::Reports => view! { <FollowUpReport /> }.into_any(),
        _ => view! { <PipelineBoard /> }.into_any(),
    })
}

/// Import, export and backup.
#[cfg_attr(feature = "split", leptos::wasm_split::wasm_split(data, wasm_split_path = ::leptos::wasm_split, fallible))]
fn data_area() -> Result<AnyView, LoadFailed> {
    Ok(view! { <super::data::DataPage /> }.into_any())
}

/// Language, user name and demo data.
#[cfg_attr(feature = "split", leptos::wasm_split::wasm_split(settings, wasm_split_path = ::leptos::wasm_split, fallible))]
fn settings_area() -> Result<AnyView, LoadFailed> {
    Ok(view! { <super::settings::SettingsPage /> }.into_any())
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

/// Loads the chunk of `page`'s area (once) and builds the page.
async fn open(page: Page) -> Result<AnyView, LoadFailed> {
    match page {
        Page::NewCustomer | Page::Customer(_) | Page::EditCustomer(_) => enter!(customer_area(page)),
        Page::Pipeline | Page::Stages | Page::Deal(_) | Page::NewDeal(_) | Page::EditDeal(_) | Page::Reports => {
            enter!(pipeline_area(page))
        }
        Page::Data => enter!(data_area()),
        Page::Settings => enter!(settings_area()),
        Page::Customers | Page::Later(_) => Ok(().into_any()),
    }
}

/// A page of an area loaded on first use (see `Lazy`).
///
/// `page`: the page to show; it must belong to a split area (not the customer list).
#[component]
pub fn AreaPage(page: Page) -> impl IntoView {
    view! { <Lazy load=move || open(page) /> }
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
