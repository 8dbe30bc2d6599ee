//! The summary charts above the customer list, drawn by `charts` to SVG.

use leptos::prelude::*;

use crate::charts::{bar_chart_height, bar_chart_svg, Bar, BarChart};
use crate::domain::summary::{summarise, Bucket};
use crate::i18n::{Lang, Msg};
use crate::ui::perf;
use crate::ui::state::use_app;

fn bucket_label(lang: Lang, bucket: &Bucket) -> String {
    match bucket {
        Bucket::Named(name) => name.clone(),
        Bucket::Other => lang.t(Msg::Other).to_owned(),
    }
}

/// Customers by tier and by region, potential value by industry.
#[component]
pub fn CustomerSummaryCharts() -> impl IntoView {
    let state = use_app();
    let charts = Memo::new(move |_| {
        let lang = state.lang.get();
        let started = perf::now();
        let summary = state.read(|d| summarise(&d.archive)).unwrap_or_default();
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
                .map(|(b, v)| Bar { label: bucket_label(lang, b), value: v.0 as f64, value_text: v.compact(lang == Lang::Zh) })
                .collect(),
        };
        let svgs: Vec<(String, String)> = [("tier", by_tier), ("region", by_region), ("industry", by_industry)]
            .into_iter()
            .map(|(name, chart)| {
                let svg = bar_chart_svg(&chart, 420, bar_chart_height(chart.bars.len())).unwrap_or_default();
                (name.to_owned(), svg)
            })
            .collect();
        perf::record("chart:summary", perf::now() - started);
        svgs
    });
    view! {
        <div class="charts" data-testid="summary-charts">
            <For each=move || charts.get() key=|(name, svg)| (name.clone(), svg.clone()) let:chart>
                // The SVG comes from our chart code, which escapes every label (tested in charts).
                <figure class="chart" data-testid=format!("chart-{}", chart.0) inner_html=chart.1 />
            </For>
        </div>
    }
}
