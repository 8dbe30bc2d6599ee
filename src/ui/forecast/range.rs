//! The range of the period's outcome: P10 / P50 / P90, the histogram, and the deals that carry
//! most of the spread.

use leptos::prelude::*;

use super::{money, use_figures, Basis, DealChips};
use crate::charts::{Bar, BarChart};
use crate::domain::outcome::{spread_carriers, Method};
use crate::i18n::FcMsg;
use crate::ui::charts::WorkerCharts;
use crate::ui::state::{tr, use_app};

/// Bins of the histogram.
const BINS: usize = 10;

#[component]
pub fn RangeCard() -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    let quantile = move |q: f64| {
        figures.range.with(|r| r.as_ref().map(|d| money(figures.currency(), d.quantile(q))).unwrap_or_default())
    };
    let method = move || {
        let lang = state.lang.get();
        figures.range.with(|r| match r.as_ref().map(|d| d.method) {
            Some(Method::MonteCarlo { runs, .. }) => lang.simulated(runs),
            Some(Method::Exact { .. }) => lang.t(FcMsg::Exact).to_owned(),
            None => String::new(),
        })
    };
    let histogram = Memo::new(move |_| {
        let lang = state.lang.get();
        let currency = figures.currency();
        figures.range.with(|r| {
            let Some(d) = r else { return Vec::new() };
            let bars = d
                .histogram(BINS)
                .into_iter()
                .map(|(low, high, p)| Bar {
                    label: format!("{}–{}", low.compact(lang.is_zh()), high.compact(lang.is_zh()))
                        .replace('¥', currency.symbol()),
                    value: p,
                    value_text: format!("{:.1}%", p * 100.0),
                })
                .collect();
            vec![BarChart { title: lang.t(FcMsg::Range).to_owned(), bars }]
        })
    });
    let carriers = move || {
        figures.report.with(|r| {
            r.as_ref()
                .map(|r| spread_carriers(&r.deals).into_iter().take(5).map(|(id, _)| id).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    view! {
        <div class="card range">
            <h2>{tr(FcMsg::Range)} " " <span class="muted" data-testid="range-method">{method}</span></h2>
            <p class="hint">{tr(FcMsg::RangeHint)}</p>
            <div class="bands" role="group">
                {[(Basis::Probability, FcMsg::ByProbability), (Basis::ClassRates, FcMsg::ByClassRate)].into_iter().map(|(basis, label)| view! {
                    <button class="band" data-testid=format!("range-by-{}", if basis == Basis::Probability { "probability" } else { "class" })
                        aria-pressed=move || (figures.basis.get() == basis).to_string()
                        on:click=move |_| figures.basis.set(basis)>{tr(label)}</button>
                }).collect_view()}
            </div>
            <div class="figures">
                <div class="figure"><span class="figure-label">{tr(FcMsg::Low)}</span><strong data-testid="range-p10">{move || quantile(0.1)}</strong></div>
                <div class="figure"><span class="figure-label">{tr(FcMsg::Median)}</span><strong data-testid="range-p50">{move || quantile(0.5)}</strong></div>
                <div class="figure"><span class="figure-label">{tr(FcMsg::High)}</span><strong data-testid="range-p90">{move || quantile(0.9)}</strong></div>
            </div>
            <div class="charts">
                <WorkerCharts charts=histogram names=&["range"] width=460 timing="chart:range" />
            </div>
            <h3>{tr(FcMsg::Carriers)}</h3>
            {move || view! { <DealChips ids=carriers() max=5 testid="range-carriers" /> }}
        </div>
    }
}
