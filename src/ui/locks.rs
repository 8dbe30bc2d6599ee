//! Web Locks: one tab of the browser does a thing at a time (the CouchDB replication, the shared
//! folder's rounds), and the browser lets go of a lock when its page closes or reloads.

use std::cell::Cell;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A Web Lock held for as long as this lives; the browser also lets go of it when the page
/// closes or reloads, so another tab takes over at once.
pub struct Held(Option<js_sys::Function>);

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(release) = self.0.take() {
            let _ = release.call0(&JsValue::NULL);
        }
    }
}

/// `navigator.locks.request(name, { ifAvailable: true }, ...)`: the lock if no other tab holds
/// it. Without Web Locks (a page not served over HTTPS or from localhost) every tab gets it, so
/// what it guards must be safe to do twice at once (records go through the write path).
pub async fn try_lock(name: &str) -> Option<Held> {
    let navigator: JsValue = web_sys::window()?.navigator().into();
    let Some(locks) = js_sys::Reflect::get(&navigator, &"locks".into()).ok().filter(|l| l.is_object()) else {
        return Some(Held(None));
    };
    let request: js_sys::Function = js_sys::Reflect::get(&locks, &"request".into()).ok()?.dyn_into().ok()?;
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE).ok()?;
    let mut decide = None;
    let decided = js_sys::Promise::new(&mut |resolve, _| decide = Some(resolve));
    let decide = decide?;
    let callback = wasm_bindgen::closure::Closure::once_into_js(move |lock: JsValue| -> JsValue {
        if lock.is_null() {
            let _ = decide.call1(&JsValue::NULL, &JsValue::FALSE);
            return JsValue::UNDEFINED;
        }
        let mut release = None;
        let hold = js_sys::Promise::new(&mut |resolve, _| release = Some(resolve));
        let _ = decide.call1(&JsValue::NULL, &release.map_or(JsValue::FALSE, JsValue::from));
        hold.into()
    });
    request.call3(&locks, &JsValue::from_str(name), &options, &callback).ok()?;
    let got = JsFuture::from(decided).await.ok()?;
    got.dyn_into::<js_sys::Function>().ok().map(|release| Held(Some(release)))
}

/// Waits until this tab holds the Web Lock `name` (another tab may hold it for a moment).
pub async fn lock(name: &str) -> Held {
    let never = Cell::new(false);
    hold(name, &never, 50, || {}).await.unwrap_or(Held(None))
}

/// Waits until this tab holds the Web Lock `name`, trying again every `every_ms` and calling
/// `waiting` each time another tab holds it; None once `stop` is set.
pub async fn hold(name: &str, stop: &Cell<bool>, every_ms: i32, waiting: impl Fn()) -> Option<Held> {
    loop {
        if stop.get() {
            return None;
        }
        if let Some(held) = try_lock(name).await {
            return Some(held);
        }
        waiting();
        crate::ui::state::pause(every_ms).await;
    }
}
