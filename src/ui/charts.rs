//! Charts on a page: the page works out the numbers, the charts worker draws them to SVG (see
//! `crate::jobs`), so plotters is in no page chunk.

use leptos::prelude::*;

use crate::charts::BarChart;
use crate::i18n::Msg;
use crate::jobs::ChartJob;
use crate::ui::state::use_app;
use crate::ui::{jobs, perf};

/// Bar charts drawn by the worker, each in a `<figure data-testid="chart-{name}">` with a button
/// that downloads it as an SVG file; redrawn when `charts` changes (the newest request wins). A
/// note says so if the worker cannot draw.
///
/// `charts`: the charts to draw, in order; `names`: a test id suffix per chart, in the same
/// order; `width`: in pixels; `timing`: the name the drawing time is recorded under (`perf`).
#[component]
pub fn WorkerCharts(
    charts: Memo<Vec<BarChart>>,
    names: &'static [&'static str],
    width: u32,
    timing: &'static str,
) -> impl IntoView {
    let state = use_app();
    // Drawn charts, or None while drawing or if the worker failed.
    let drawn = RwSignal::new(None::<Vec<String>>);
    let failed = RwSignal::new(false);
    let generation = StoredValue::new(0u32);
    Effect::new(move |_| {
        let job = ChartJob { charts: charts.get(), width };
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
                    perf::record(timing, perf::now() - started);
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
    let figures = move || -> Vec<(String, &'static str)> {
        drawn.get().unwrap_or_default().into_iter().zip(names.iter().copied()).collect()
    };
    view! {
        <Show when=move || failed.get()>
            <p class="chart-note">{move || state.t(Msg::ChartsUnavailable)}</p>
        </Show>
        <For each=figures key=|(svg, name)| (name.to_owned(), svg.clone()) let:chart>
            <div class="chart-box">
                // The SVG comes from our chart code, which escapes every label (tested in charts).
                <figure class="chart" data-testid=format!("chart-{}", chart.1) inner_html=chart.0.clone() />
                <button class="link chart-export" data-testid=format!("export-{}", chart.1)
                    on:click=move |_| { let _ = jobs::download(chart.0.as_bytes(), &format!("pocket-crm-{}.svg", chart.1), "image/svg+xml"); }>
                    {move || state.t(Msg::DownloadSvg)}
                </button>
            </div>
        </For>
    }
}
