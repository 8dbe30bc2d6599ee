//! The customer area's import/export page, as the page's app sees it: a place where the tools
//! module (`src/bin/tools.rs`, its own wasm) is loaded on first visit and mounted. When the tools
//! change the store, this app takes their change in (as it does another tab's) and shows their
//! message.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::state::use_app;
use crate::i18n::Msg;

#[wasm_bindgen(
    inline_js = "export function load_tools(url) { return import(new URL(url, document.baseURI).href).then(async (m) => { await m.default(); return m; }); }"
)]
extern "C" {
    fn load_tools(url: &str) -> js_sys::Promise;
}

/// Trunk writes the tools module next to index.html (resolved against the page, not the snippet).
const TOOLS_URL: &str = "./tools.js";

fn call(module: &JsValue, name: &str, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let f: js_sys::Function = js_sys::Reflect::get(module, &name.into())?.dyn_into()?;
    f.apply(module, &args.iter().copied().collect::<js_sys::Array>())
}

#[component]
pub fn DataHost() -> impl IntoView {
    let state = use_app();
    let root: NodeRef<html::Div> = NodeRef::new();
    let failed = RwSignal::new(false);
    let module = StoredValue::new_local(None::<JsValue>);
    // The tools write the store like another tab does: their save is taken in here at once.
    let on_change = Closure::<dyn Fn(String)>::new(move |text: String| {
        leptos::task::spawn_local(async move { state.catch_up().await });
        state.show_toast(text, false, None);
    })
    .into_js_value();
    Effect::new(move |_| {
        // Mounted again when the language changes: the tools read it when they start.
        let _ = state.lang.get();
        let Some(el) = root.get() else { return };
        let on_change = on_change.clone();
        leptos::task::spawn_local(async move {
            let loaded = match module.try_get_value().flatten() {
                Some(m) => Ok(m),
                None => JsFuture::from(load_tools(TOOLS_URL)).await,
            };
            let mounted = loaded.and_then(|m| {
                let _ = call(&m, "unmount", &[]);
                call(&m, "mount", &[&el.into(), &on_change])?;
                module.try_set_value(Some(m));
                Ok(())
            });
            if mounted.is_err() {
                leptos::logging::warn!("tools module: {mounted:?}");
                failed.try_set(true);
            }
        });
    });
    on_cleanup(move || {
        if let Some(m) = module.try_get_value().flatten() {
            let _ = call(&m, "unmount", &[]);
        }
    });
    view! {
        <div class="tools-root" node_ref=root data-testid="tools-root">
            <p class="loading">{move || state.t(if failed.get() { Msg::ErrWorker } else { Msg::ToolsLoading })}</p>
        </div>
    }
}
