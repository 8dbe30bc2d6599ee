//! The summary charts above the customer list, drawn by `charts` to SVG.

use leptos::prelude::*;

use crate::charts::{Bar, BarChart};
use crate::domain::summary::{summarise, Bucket};
use crate::i18n::{Lang, Msg};
use crate::jobs::ChartJob;
use crate::ui::state::use_app;
use crate::ui::{jobs, perf};

fn bucket_label(lang: Lang, bucket: &Bucket) -> String {
    match bucket {
        Bucket::Named(name) => name.clone(),
        Bucket::Other => lang.t(Msg::Other).to_owned(),
    }
}

/// Customers by tier and by region, potential value by industry. The page works out the
/// numbers; the worker draws them (see `crate::jobs`), so plotters is not in the first load.
#[component]
pub fn CustomerSummaryCharts() -> impl IntoView {
    let state = use_app();
    let charts = Memo::new(move |_| {
        let lang = state.lang.get();
        let summary = state
            .read(&[crate::domain::RecordKind::Customer, crate::domain::RecordKind::Rep], |d| summarise(d.archive()))
            .unwrap_or_default();
        let count = |n: usize| Bar { label: String::new(), value: n as f64, value_text: n.to_string() };
        let by_tier = BarChart {
            title: lang.t(Msg::ChartByTier).to_owned(),
            bars: summary.by_tier.iter().map(|(t, n)| Bar { label: lang.tier(*t).to_owned(), ..count(*n) }).collect(),
        };
        let by_region = BarChart {
            title: lang.t(Msg::ChartByRegion).to_owned(),
            bars: summary.by_region.iter().map(|(b, n)| Bar { label: bucket_label(lang, b), ..count(*n) }).collect(),
        };
        let by_industry = BarChart {
            title: lang.t(Msg::ChartValueByIndustry).to_owned(),
            bars: summary
                .value_by_industry
                .iter()
                .map(|(b, v)| Bar {
                    label: bucket_label(lang, b),
                    value: v.0 as f64,
                    value_text: v.compact(lang == Lang::Zh),
                })
                .collect(),
        };
        vec![by_tier, by_region, by_industry]
    });
    // Drawn charts, or None while drawing or if the worker failed; the newest request wins.
    let drawn = RwSignal::new(None::<Vec<String>>);
    let failed = RwSignal::new(false);
    let generation = StoredValue::new(0u32);
    Effect::new(move |_| {
        let job = ChartJob { charts: charts.get(), width: 420 };
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        let started = perf::now();
        leptos::task::spawn_local(async move {
            let outcome = jobs::run::<_, Result<Vec<String>, String>>(jobs::Kind::Charts, job).await;
            // A newer request, or the charts were closed meanwhile.
            if generation.try_get_value() != Some(mine) {
                return;
            }
            match outcome {
                Ok(Ok(svgs)) => {
                    perf::record("chart:summary", perf::now() - started);
                    failed.try_set(false);
                    drawn.try_set(Some(svgs));
                }
                other => {
                    leptos::logging::warn!("charts not drawn: {other:?}");
                    failed.try_set(true);
                }
            }
        });
    });
    const NAMES: [&str; 3] = ["tier", "region", "industry"];
    let figures =
        move || -> Vec<(String, &'static str)> { drawn.get().unwrap_or_default().into_iter().zip(NAMES).collect() };
    view! {
        <div class="charts" data-testid="summary-charts">
            <Show when=move || failed.get()>
                <p class="chart-note">{move || state.t(Msg::ChartsUnavailable)}</p>
            </Show>
            <For
                each=figures
                key=|(svg, name)| (name.to_owned(), svg.clone())
                let:chart
            >
                // The SVG comes from our chart code, which escapes every label (tested in charts).
                <figure class="chart" data-testid=format!("chart-{}", chart.1) inner_html=chart.0 />
            </For>
        </div>
    }
}
