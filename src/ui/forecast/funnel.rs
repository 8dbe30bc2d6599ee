//! The funnel: the period's open deals by class (D at the top) and by stage, drawn by the charts
//! worker; a band's button lists its deals.

use leptos::prelude::*;

use super::{money, use_figures, DealChips};

use crate::charts::{Bar, BarChart};
use crate::domain::forecast::Band;
use crate::domain::FunnelClass;
use crate::i18n::FcMsg;
use crate::ui::charts::WorkerCharts;
use crate::ui::state::{tr, use_app};

#[component]
pub fn FunnelCard() -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    let chosen = RwSignal::new(None::<FunnelClass>);
    let charts = Memo::new(move |_| {
        let lang = state.lang.get();
        let currency = figures.currency();
        let bar = |label: String, band: &Band| Bar {
            label: format!("{label} ({})", band.count),
            value: band.amount.0 as f64,
            value_text: band.amount.compact(lang.is_zh()).replacen('¥', currency.symbol(), 1),
        };
        figures.report.with(|r| {
            let Some(r) = r else { return Vec::new() };
            let classes = BarChart {
                title: lang.t(FcMsg::Funnel).to_owned(),
                bars: FunnelClass::ALL
                    .iter()
                    .map(|&c| bar(lang.funnel_class(c).to_owned(), &r.funnel.classes[c as usize]))
                    .collect(),
            };
            let names = state.with_data(|d| d.archive().pipeline().cloned()).flatten();
            let stages = BarChart {
                title: lang.t(FcMsg::ColStage).to_owned(),
                bars: r
                    .funnel
                    .stages
                    .iter()
                    .map(|(id, band)| {
                        bar(names.as_ref().and_then(|p| p.stage_name(*id)).unwrap_or_default().to_owned(), band)
                    })
                    .collect(),
            };
            vec![classes, stages]
        })
    });
    let band = move |class: FunnelClass| {
        figures.report.with(|r| r.as_ref().map(|r| r.funnel.classes[class as usize].clone()).unwrap_or_default())
    };
    view! {
        <div class="card funnel">
            <h2>{tr(FcMsg::Funnel)}</h2>
            <Show when=move || figures.report.with(|r| r.as_ref().is_some_and(|r| r.deals.is_empty()))>
                <p class="muted" data-testid="forecast-empty">{tr(FcMsg::NoDeals)}</p>
            </Show>
            <div class="charts">
                <WorkerCharts charts names=&["funnel-classes", "funnel-stages"] width=460 timing="chart:funnel" />
            </div>
            <div class="bands" role="group">
                {FunnelClass::ALL.iter().map(|&class| view! {
                    <button class="band" data-testid=format!("band-{}", class.code())
                        aria-pressed=move || (chosen.get() == Some(class)).to_string()
                        on:click=move |_| chosen.update(|c| *c = if *c == Some(class) { None } else { Some(class) })>
                        {move || state.lang.get().funnel_class(class)} " · "
                        {move || state.lang.get().deals_count(band(class).count)} " · "
                        {move || format!("{} {}", state.t(FcMsg::ColWeighted), money(figures.currency(), band(class).weighted))}
                    </button>
                }).collect_view()}
            </div>
            {move || chosen.get().map(|class| view! { <DealChips ids=band(class).deals max=40 testid="band-deals" /> })}
        </div>
    }
}
