//! The funnel: the period's open deals by class (D at the top) and by stage, drawn by the charts
//! worker (each band's amount, its weighted amount darker inside it); a band's button lists its
//! deals.

use leptos::prelude::*;
use uuid::Uuid;

use super::{money, use_figures, DealChips};

use crate::charts::forecast::{funnel_by_class, funnel_by_stage};
use crate::domain::forecast::Band;
use crate::domain::{FunnelClass, Money};
use crate::i18n::FcMsg;
use crate::ui::charts::WorkerCharts;
use crate::ui::state::{tr, use_app};

/// Which band's deals are listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Chosen {
    Class(FunnelClass),
    Stage(Uuid),
}

#[component]
pub fn FunnelCard() -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    let chosen = RwSignal::new(None::<Chosen>);
    let stage_names = Memo::new(move |_| {
        state
            .read(&[crate::domain::RecordKind::Pipeline], |d| {
                d.archive().pipeline().map(|p| p.stages.iter().map(|s| (s.id, s.name.clone())).collect::<Vec<_>>())
            })
            .flatten()
            .unwrap_or_default()
    });
    let stage_name = move |id: Uuid| {
        stage_names.with(|names| names.iter().find(|(s, _)| *s == id).map(|(_, n)| n.clone()).unwrap_or_default())
    };
    let charts = Memo::new(move |_| {
        let lang = state.lang.get();
        let currency = figures.currency();
        let compact = move |m: Money| m.compact(lang.is_zh()).replacen('¥', currency.symbol(), 1);
        figures.report.with(|r| {
            let Some(r) = r else { return Vec::new() };
            let class_name = |c: FunnelClass| lang.funnel_class(c).to_owned();
            vec![
                funnel_by_class(&r.funnel, lang.t(FcMsg::Funnel).to_owned(), class_name, compact).into(),
                funnel_by_stage(&r.funnel, lang.t(FcMsg::ColStage).to_owned(), stage_name, compact).into(),
            ]
        })
    });
    let band = move |chosen: Chosen| {
        figures.report.with(|r| {
            let Some(r) = r else { return Band::default() };
            match chosen {
                Chosen::Class(class) => r.funnel.classes[class as usize].clone(),
                Chosen::Stage(id) => {
                    r.funnel.stages.iter().find(|(s, _)| *s == id).map(|(_, b)| b.clone()).unwrap_or_default()
                }
            }
        })
    };
    let stages = move || {
        figures.report.with(|r| {
            r.as_ref().map(|r| r.funnel.stages.iter().map(|(id, _)| *id).collect::<Vec<_>>()).unwrap_or_default()
        })
    };
    view! {
        <div class="card funnel">
            <h2>{tr(FcMsg::Funnel)}</h2>
            <Show when=move || figures.report.with(|r| r.as_ref().is_some_and(|r| r.deals.is_empty()))>
                <p class="muted" data-testid="forecast-empty">{tr(FcMsg::NoDeals)}</p>
            </Show>
            <p class="hint">{tr(FcMsg::FunnelHint)}</p>
            <div class="charts">
                <WorkerCharts charts names=&["funnel-classes", "funnel-stages"] width=460 timing="chart:funnel" />
            </div>
            <div class="bands" role="group">
                {FunnelClass::ALL.iter().map(|&class| view! {
                    <BandButton chosen which=Chosen::Class(class) testid=format!("band-{}", class.code())
                        name=Signal::derive(move || state.lang.get().funnel_class(class).to_owned()) band=Signal::derive(move || band(Chosen::Class(class))) />
                }).collect_view()}
            </div>
            <div class="bands stage-bands" role="group">
                {move || stages().into_iter().map(|id| view! {
                    <BandButton chosen which=Chosen::Stage(id) testid="band-stage".to_owned()
                        name=Signal::derive(move || stage_name(id)) band=Signal::derive(move || band(Chosen::Stage(id))) />
                }).collect_view()}
            </div>
            {move || chosen.get().map(|c| view! { <DealChips ids=band(c).deals max=40 testid="band-deals" /> })}
        </div>
    }
}

/// A band's button: its name, how many deals, its weighted amount; pressed, it lists its deals
/// (pressed again, it hides them).
///
/// `chosen`: which band's deals are listed; `which`: this band; `name`: its name; `band`: its
/// figures; `testid`: the button's test id.
#[component]
fn BandButton(
    chosen: RwSignal<Option<Chosen>>,
    which: Chosen,
    name: Signal<String>,
    band: Signal<Band>,
    testid: String,
) -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    view! {
        <button class="band" data-testid=testid aria-pressed=move || (chosen.get() == Some(which)).to_string()
            on:click=move |_| chosen.update(|c| *c = if *c == Some(which) { None } else { Some(which) })>
            {move || name.get()} " · "
            {move || state.lang.get().deals_count(band.with(|b| b.count))} " · "
            {move || format!("{} {}", state.t(FcMsg::ColWeighted), money(figures.currency(), band.with(|b| b.weighted)))}
        </button>
    }
}
