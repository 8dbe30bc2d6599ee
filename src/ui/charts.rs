//! Charts on a page: the page works out the numbers, the charts worker draws them to SVG (see
//! `crate::jobs`), so plotters is in no page chunk.

use leptos::prelude::*;

use crate::charts::Chart;
use crate::i18n::Msg;
use crate::jobs::ChartJob;
use crate::ui::state::use_app;
use crate::ui::{jobs, perf};

/// Charts drawn by the worker, each in a `<figure data-testid="chart-{name}">` with buttons
/// that download it as an SVG or a PNG file; redrawn when `charts` changes (the newest request wins). A
/// note says so if the worker cannot draw.
///
/// `charts`: the charts to draw, in order; `names`: a test id suffix per chart, in the same
/// order; `width`: in pixels; `timing`: the name the drawing time is recorded under (`perf`).
#[component]
pub fn WorkerCharts(
    charts: Memo<Vec<Chart>>,
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
        charts.track();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        let started = perf::now();
        leptos::task::spawn_local(async move {
            // After the page's own change is painted: the charts follow it (a few hundred bars
            // take a moment to pack for the worker, and their SVG to lay out), and a burst of
            // changes sends one request.
            crate::ui::state::after_paint().await;
            if generation.try_get_value() != Some(mine) {
                return;
            }
            let Some(charts) = charts.try_get_untracked() else { return };
            let job = ChartJob { charts, width };
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
                <div class="chart-exports">
                    <button class="link chart-export" data-testid=format!("export-{}", chart.1)
                        on:click={
                            let svg = chart.0.clone();
                            move |_| { let _ = jobs::download(svg.as_bytes(), &format!("pocket-crm-{}.svg", chart.1), "image/svg+xml"); }
                        }>
                        {move || state.t(Msg::DownloadSvg)}
                    </button>
                    <button class="link chart-export" data-testid=format!("export-png-{}", chart.1)
                        on:click={
                            let svg = chart.0.clone();
                            move |_| {
                                let (svg, name) = (svg.clone(), format!("pocket-crm-{}.png", chart.1));
                                leptos::task::spawn_local(async move {
                                    if super::areas::export_png(svg, name).await.is_err() {
                                        state.show_toast(state.t(Msg::AreaLoadFailed).to_owned(), true, None);
                                    }
                                });
                            }
                        }>
                        {move || state.t(Msg::DownloadPng)}
                    </button>
                </div>
            </div>
        </For>
    }
}

/// Draws `svg` on a canvas at twice its size (sharp when printed) on white, and downloads it as
/// the PNG `file_name`. Runs in the export chunk (see `areas::export_png`).
pub fn download_png(svg: String, file_name: String) {
    use wasm_bindgen::{closure::Closure, JsCast};
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/svg+xml");
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&svg));
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    let Ok(image) = web_sys::HtmlImageElement::new() else { return };
    let loaded = image.clone();
    let source = url.clone();
    let onload = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&source);
        let (width, height) = (loaded.natural_width().max(1), loaded.natural_height().max(1));
        let Some(canvas) =
            document().create_element("canvas").ok().and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        else {
            return;
        };
        canvas.set_width(width * 2);
        canvas.set_height(height * 2);
        let Some(context) = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
        else {
            return;
        };
        context.set_fill_style_str("#ffffff");
        context.fill_rect(0.0, 0.0, f64::from(width * 2), f64::from(height * 2));
        let _ = context.draw_image_with_html_image_element_and_dw_and_dh(
            &loaded,
            0.0,
            0.0,
            f64::from(width * 2),
            f64::from(height * 2),
        );
        let Ok(data) = canvas.to_data_url_with_type("image/png") else { return };
        if let Some(link) =
            document().create_element("a").ok().and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        {
            link.set_href(&data);
            link.set_download(&file_name);
            link.click();
        }
    });
    image.set_onload(Some(onload.unchecked_ref()));
    image.set_src(&url);
}
