//! Timings the benchmark reads: each is pushed onto `window.pocketPerf` as `{name, value}`.

use wasm_bindgen::{JsCast, JsValue};

pub fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

fn push(name: &str, value: f64) {
    let Some(window) = web_sys::window() else { return };
    let key = JsValue::from_str("pocketPerf");
    let list = js_sys::Reflect::get(&window, &key).ok().filter(|v| v.is_object()).unwrap_or_else(|| {
        let list: JsValue = js_sys::Array::new().into();
        let _ = js_sys::Reflect::set(&window, &key, &list);
        list
    });
    let entry = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&entry, &"name".into(), &name.into());
    let _ = js_sys::Reflect::set(&entry, &"value".into(), &value.into());
    list.unchecked_into::<js_sys::Array>().push(&entry);
}

/// A duration in milliseconds.
pub fn record(name: &str, ms: f64) {
    push(name, ms);
}

/// A count (records, bytes).
pub fn record_count(name: &str, count: usize) {
    push(name, count as f64);
}
