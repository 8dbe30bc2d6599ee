//! The summary charts above the customer list, drawn by `charts` to SVG.

use leptos::prelude::*;

use crate::charts::{Bar, BarChart};
use crate::domain::summary::{summarise, Bucket};
use crate::i18n::{Lang, Msg};
use crate::ui::charts::WorkerCharts;
use crate::ui::state::use_app;

fn bucket_label(lang: Lang, bucket: &Bucket) -> String {
    match bucket {
        Bucket::Named(name) => name.clone(),
        Bucket::Other => lang.t(Msg::Other).to_owned(),
    }
}

/// Customers by tier and by region, potential value by industry. The page works out the
/// numbers; the worker draws them (see `WorkerCharts`), so plotters is not in the first load.
#[component]
pub fn CustomerSummaryCharts() -> impl IntoView {
    let state = use_app();
    let charts = Memo::new(move |_| {
        let lang = state.lang.get();
        let summary = state
            .read(&[crate::domain::RecordKind::Customer, crate::domain::RecordKind::Rep], |d| summarise(d.archive()))
            .unwrap_or_default();
        let count = |n: usize| Bar::new(String::new(), n as f64, n.to_string());
        let by_tier = BarChart::new(
            lang.t(Msg::ChartByTier).to_owned(),
            summary.by_tier.iter().map(|(t, n)| Bar { label: lang.tier(*t).to_owned(), ..count(*n) }).collect(),
        );
        let by_region = BarChart::new(
            lang.t(Msg::ChartByRegion).to_owned(),
            summary.by_region.iter().map(|(b, n)| Bar { label: bucket_label(lang, b), ..count(*n) }).collect(),
        );
        let by_industry = BarChart::new(
            lang.t(Msg::ChartValueByIndustry).to_owned(),
            summary
                .value_by_industry
                .iter()
                .map(|(b, v)| Bar::new(bucket_label(lang, b), v.0 as f64, v.compact(lang == Lang::Zh)))
                .collect(),
        );
        vec![by_tier.into(), by_region.into(), by_industry.into()]
    });
    view! {
        <div class="charts" data-testid="summary-charts">
            <WorkerCharts charts names=&["tier", "region", "industry"] width=420 timing="chart:summary" />
        </div>
    }
}
