//! Presentation mode: the forecast story on a few full-screen slides a manager clicks through
//! (funnel, forecast against target, range, what moved, risks), in large type; arrow keys, space
//! and Escape work too.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{deal_links, money, period_name, use_figures};
use crate::domain::snapshot::of_period;
use crate::domain::{FunnelClass, Money, RecordKind};
use crate::i18n::FcMsg;
use crate::ui::state::{tr, use_app};

/// The slides, in order.
const SLIDES: usize = 5;

/// The slides over the page; `open` holds the slide shown (None: closed).
///
/// `open`: which slide is shown, set to None to close.
#[component]
pub fn Presentation(open: RwSignal<Option<usize>>) -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    let step =
        move |by: isize| open.update(|o| *o = o.map(|i| (i as isize + by).clamp(0, SLIDES as isize - 1) as usize));
    let close = move || {
        if document().fullscreen_element().is_some() {
            document().exit_fullscreen();
        }
        open.set(None);
    };
    let root = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let (Some(_), Some(el)) = (open.get(), root.get()) {
            let _ = el.focus();
            let element: &web_sys::Element = el.unchecked_ref();
            let _ = element.request_fullscreen();
        }
    });
    view! {
        <Show when=move || open.get().is_some()>
            <div class="presentation" data-testid="presentation" tabindex="0" node_ref=root
                on:keydown=move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
                    "ArrowRight" | " " | "PageDown" => { ev.prevent_default(); step(1) }
                    "ArrowLeft" | "PageUp" => { ev.prevent_default(); step(-1) }
                    "Escape" => close(),
                    _ => {}
                }>
                <header class="slide-head">
                    <span>{move || figures.view.with(|(p, _)| period_name(state.lang.get(), p))}</span>
                    <span data-testid="slide-number">{move || format!("{} / {SLIDES}", open.get().unwrap_or(0) + 1)}</span>
                </header>
                <div class="slide" data-testid="slide">
                    {move || match open.get().unwrap_or(0) {
                        0 => view! { <FunnelSlide /> }.into_any(),
                        1 => view! { <ForecastSlide /> }.into_any(),
                        2 => view! { <RangeSlide /> }.into_any(),
                        3 => view! { <MoversSlide /> }.into_any(),
                        _ => view! { <RisksSlide /> }.into_any(),
                    }}
                </div>
                <footer class="slide-nav">
                    <button data-testid="slide-previous" disabled=move || open.get() == Some(0) on:click=move |_| step(-1)>{tr(FcMsg::SlidePrevious)}</button>
                    <button class="primary" data-testid="slide-next" disabled=move || open.get() == Some(SLIDES - 1) on:click=move |_| step(1)>{tr(FcMsg::SlideNext)}</button>
                    <button data-testid="slide-close" on:click=move |_| close()>{tr(FcMsg::PresentClose)}</button>
                </footer>
            </div>
        </Show>
    }
}

/// The funnel as a funnel: one band per class, D at the top, its width the class's amount.
#[component]
fn FunnelSlide() -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    let bands = move || figures.report.with(|r| r.as_ref().map(|r| r.funnel.classes.clone()).unwrap_or_default());
    view! {
        <h2>{tr(FcMsg::Funnel)}</h2>
        <div class="funnel-shape">
            {move || {
                let bands = bands();
                let widest = bands.iter().map(|b| b.amount.0).max().unwrap_or(0).max(1);
                FunnelClass::ALL.iter().map(|&class| {
                    let band = bands[class as usize].clone();
                    let width = 30.0 + 70.0 * band.amount.0 as f64 / widest as f64;
                    view! {
                        <div class="funnel-band" style=format!("width: {width:.0}%") data-testid=format!("slide-band-{}", class.code())>
                            <strong>{move || state.lang.get().funnel_class(class)}</strong>
                            <span>{move || state.lang.get().deals_count(band.count)}</span>
                            <span>{money(figures.currency(), band.amount)}</span>
                        </div>
                    }
                }).collect_view()
            }}
        </div>
    }
}

/// Weighted, A/B/C/D, closed won, target.
#[component]
fn ForecastSlide() -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    let weighted = move || {
        figures.scenario.with(|d| d.as_deref().map(crate::domain::forecast::weighted_total).unwrap_or_default())
    };
    let classes = move || figures.classes.with(|c| c.as_ref().map(|c| c.1).unwrap_or_default());
    let closed = move || {
        figures
            .scenario
            .with(|d| d.as_deref().map(|d| crate::domain::forecast::CategoryTotals::of(d).closed).unwrap_or_default())
    };
    view! {
        <h2>{tr(FcMsg::SlideForecast)}</h2>
        <dl class="slide-figures">
            <dt>{tr(FcMsg::Weighted)}</dt><dd data-testid="slide-weighted">{move || money(figures.currency(), weighted())}</dd>
            <dt>{tr(FcMsg::ClassMethod)}</dt><dd>{move || money(figures.currency(), classes())}</dd>
            <dt>{tr(FcMsg::ClosedWon)}</dt><dd>{move || money(figures.currency(), closed())}</dd>
            <dt>{tr(FcMsg::Target)}</dt><dd>{move || state.t(FcMsg::NoTarget)}</dd>
        </dl>
    }
}

/// P10 / P50 / P90.
#[component]
fn RangeSlide() -> impl IntoView {
    let figures = use_figures();
    let q = move |p: f64| {
        figures.range.with(|r| r.as_ref().map(|d| money(figures.currency(), d.quantile(p))).unwrap_or_default())
    };
    view! {
        <h2>{tr(FcMsg::Range)}</h2>
        <dl class="slide-figures">
            <dt>{tr(FcMsg::Low)}</dt><dd>{move || q(0.1)}</dd>
            <dt>{tr(FcMsg::Median)}</dt><dd data-testid="slide-p50">{move || q(0.5)}</dd>
            <dt>{tr(FcMsg::High)}</dt><dd>{move || q(0.9)}</dd>
        </dl>
        <p class="slide-note">{tr(FcMsg::RangeHint)}</p>
    }
}

/// How the forecast moved since the period's first snapshot, and the deals that matter most.
#[component]
fn MoversSlide() -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    let moved = move || {
        let (period, scope) = figures.view.get();
        let first = state
            .read(&[RecordKind::ForecastSnapshot], |d| {
                of_period(d.archive().forecast_snapshots.rows(), &period, &scope)
                    .first()
                    .map(|s| (s.taken, s.forecast()))
            })
            .flatten()?;
        let now = figures.scenario.with(|d| {
            d.as_deref().map(|d| {
                let t = crate::domain::forecast::CategoryTotals::of(d);
                Money(crate::domain::forecast::weighted_total(d).0 + t.closed.0)
            })
        })?;
        Some((first.0, Money(now.0 - first.1 .0)))
    };
    let carriers = move || {
        let ids: Vec<_> = figures.spread(6).into_iter().map(|(id, _)| id).collect();
        deal_links(state, &ids)
    };
    view! {
        <h2>{tr(FcMsg::SlideMovers)}</h2>
        <p class="slide-note" data-testid="slide-moved">
            {move || match moved() {
                Some((since, delta)) => state.lang.get().moved_since(since.to_string(), format!("{}{}", if delta.0 >= 0 { "+" } else { "" }, money(figures.currency(), delta))),
                None => state.t(FcMsg::NoMoves).to_owned(),
            }}
        </p>
        <h3>{tr(FcMsg::Carriers)}</h3>
        <ul class="slide-list">{move || carriers().into_iter().map(|(_, title)| view! { <li>{title}</li> }).collect_view()}</ul>
    }
}

/// Slipped commit and best-case deals, and open deals in no period.
#[component]
fn RisksSlide() -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    let slipped = move || figures.report.with(|r| r.as_ref().map(|r| r.slipped.clone()).unwrap_or_default());
    let undated = move || figures.report.with(|r| r.as_ref().map_or(0, |r| r.undated));
    view! {
        <h2>{tr(FcMsg::SlideRisks)}</h2>
        <h3>{tr(FcMsg::Slipped)} " (" {move || slipped().len()} ")"</h3>
        <ul class="slide-list" data-testid="slide-slipped">
            {move || deal_links(state, &slipped().into_iter().take(8).collect::<Vec<_>>()).into_iter().map(|(_, t)| view! { <li>{t}</li> }).collect_view()}
        </ul>
        {move || (undated() > 0).then(|| view! { <p class="slide-note">{state.lang.get().undated(undated())}</p> })}
    }
}
