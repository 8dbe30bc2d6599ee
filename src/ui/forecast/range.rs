//! The range of the period's outcome: P10 / P50 / P90, the histogram, and the deals that carry
//! most of the spread.

use leptos::prelude::*;

use uuid::Uuid;

use super::{deal_links, money, use_figures, Basis};
use crate::charts::forecast::outcome_histogram;
use crate::domain::outcome::Method;
use crate::domain::outcome::WhatIf;
use crate::domain::Money;
use crate::i18n::FcMsg;
use crate::ui::charts::WorkerCharts;
use crate::ui::route::Route;
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
        let compact = |m: Money, decimals: u32| m.compact_with(lang.is_zh(), decimals).replace('¥', currency.symbol());
        figures.range.with(|r| {
            r.as_ref()
                .map(|d| vec![outcome_histogram(d, BINS, lang.t(FcMsg::Range).to_owned(), compact).into()])
                .unwrap_or_default()
        })
    });
    // From the deals as they stand (a deal already won or lost by what-if carries no spread),
    // by the range's basis.
    let carriers = move || figures.spread(5);
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
            <TargetWhatIf />
            <div class="charts">
                <WorkerCharts charts=histogram names=&["range"] width=460 timing="chart:range" />
            </div>
            <h3>{tr(FcMsg::Carriers)}</h3>
            <ul class="what-if" data-testid="range-carriers">
                {move || {
                    let carriers = carriers();
                    let ids: Vec<Uuid> = carriers.iter().map(|(id, _)| *id).collect();
                    deal_links(state, &ids).into_iter().zip(carriers).map(|((id, title), (_, share))| view! { <WhatIfRow id title share /> }).collect_view()
                }}
            </ul>
            <WhatIfActive />
        </div>
    }
}

/// How many what-if changes the figures hold, with a button that takes them all back.
#[component]
pub fn WhatIfActive() -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    view! {
        <Show when=move || { figures.what_ifs() > 0 }>
            <p class="hint what-if-active" data-testid="what-if-active">
                {move || state.lang.get().what_if_active(figures.what_ifs())} " "
                <button class="link" data-testid="what-if-reset" on:click=move |_| figures.reset_what_if()>{tr(FcMsg::WhatIfReset)}</button>
            </p>
        </Show>
    }
}

/// A deal with what-if buttons: win it, lose it, slip it out of the period (pressed again: as
/// it is). The headline, the class method and the range redraw at once.
///
/// `id`: the deal; `title`: its title; `share`: its share of the outcome's variance, 0-1.
#[component]
fn WhatIfRow(id: Uuid, title: String, share: f64) -> impl IntoView {
    let state = use_app();
    let figures = use_figures();
    let current = move || figures.what_if.with(|w| w.iter().find(|(d, _)| *d == id).map(|(_, c)| *c));
    let toggle = move |change: WhatIf| {
        figures.what_if.update(|w| {
            let was = w.iter().position(|(d, _)| *d == id);
            let same = was.is_some_and(|i| w[i].1 == change);
            w.retain(|(d, _)| *d != id);
            if !same {
                w.push((id, change));
            }
        })
    };
    let button = move |change: WhatIf, label: FcMsg, code: &'static str| {
        view! {
            <button class="band" data-testid=format!("what-if-{code}") aria-pressed=move || (current() == Some(change)).to_string()
                on:click=move |_| toggle(change)>{tr(label)}</button>
        }
    };
    view! {
        <li>
            <a class="chip" href=Route::Deal(id).to_hash()>{title}</a>
            <span class="muted">{move || state.lang.get().spread_share((share * 100.0).round() as u32)}</span>
            {button(WhatIf::Win, FcMsg::WhatIfWin, "win")}
            {button(WhatIf::Lose, FcMsg::WhatIfLose, "lose")}
            {button(WhatIf::Slip, FcMsg::WhatIfSlip, "slip")}
        </li>
    }
}

/// A target typed in to play with (not kept: the quotas bring the real one): the chance the
/// range reaches it, and the coverage of what remains of it by the open weighted pipeline.
#[component]
fn TargetWhatIf() -> impl IntoView {
    use crate::domain::forecast::{coverage, weighted_total, CategoryTotals};
    use crate::domain::Money;
    let state = use_app();
    let figures = use_figures();
    let typed = RwSignal::new(String::new());
    let target = move || Money::parse(&typed.get()).ok().filter(|m| m.0 > 0);
    let chance = move || {
        let target = target()?;
        figures.range.with(|r| r.as_ref().map(|d| d.chance_of(target)))
    };
    let covered = move || {
        let target = target()?;
        figures.scenario.with(|d| {
            let d = d.as_deref()?;
            coverage(weighted_total(d), target, CategoryTotals::of(d).closed)
        })
    };
    view! {
        <div class="inline-form target-what-if">
            <label class="field">
                <span>{tr(FcMsg::TargetWhatIf)}</span>
                <input type="text" inputmode="decimal" data-testid="target-what-if" prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev)) />
            </label>
            {move || target().map(|_| view! {
                <p data-testid="target-chance">
                    {move || {
                        let lang = state.lang.get();
                        let chance = chance().map(|c| format!("{:.0}%", c * 100.0)).unwrap_or_default();
                        let covered = covered().map_or_else(|| lang.t(FcMsg::TargetReached).to_owned(), |c| format!("{c:.2}×"));
                        lang.target_chance(chance, covered)
                    }}
                </p>
            })}
        </div>
    }
}
