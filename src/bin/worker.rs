//! The worker's wasm module: answers each message from the page with `jobs::handle`. Loaded on
//! first use (see `ui::jobs`), so none of its code is part of the page's first load.

#[cfg(target_arch = "wasm32")]
fn main() {
    use wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let request = js_sys::Uint8Array::new(&event.data()).to_vec();
        // Progress goes out as a plain array [job, done, total]; replies as bytes.
        let progress = |id: u32, done: u32, total: u32| {
            let report = js_sys::Array::of3(&id.into(), &done.into(), &total.into());
            let _ = reply_to.post_message(&report);
        };
        let reply = js_sys::Uint8Array::from(pocket_crm::jobs::handle(&request, &progress).as_slice());
        // Hand the buffer over instead of copying it.
        let _ = reply_to.post_message_with_transfer(&reply, &js_sys::Array::of1(&reply.buffer()));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // Messages sent before this point would be lost: the page waits for this one first.
    let _ = scope.post_message(&wasm_bindgen::JsValue::from_str("ready"));
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
