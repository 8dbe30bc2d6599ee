//! Opening offline, and updates: once the list is shown, the page registers the service worker
//! (`style/pwa/sw.js`, which keeps every file of this build), looks for a new version when it
//! comes back to the front and every half hour, and offers a reload when one has installed. The
//! new version takes over only when the user says so.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use super::state::{tr, use_app};
use crate::i18n::Msg;

#[wasm_bindgen(inline_js = r#"
export function watch_updates(on_waiting) {
  if (!('serviceWorker' in navigator)) return;
  const sw = navigator.serviceWorker;
  sw.register(new URL('./sw.js', document.baseURI)).then((reg) => {
    // A new version waits beside the running one (on the first visit there is nothing to replace).
    const offer = () => { if (reg.waiting && sw.controller) on_waiting(); };
    offer();
    reg.addEventListener('updatefound', () => {
      const installing = reg.installing;
      if (installing) installing.addEventListener('statechange', () => { if (installing.state === 'installed') offer(); });
    });
    const look = () => reg.update().catch(() => {});
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') look(); });
    setInterval(look, 30 * 60 * 1000);
  }).catch((e) => console.warn('service worker not registered:', e));
}
export function take_over() {
  const sw = navigator.serviceWorker;
  let reloading = false;
  const reload = () => { if (!reloading) { reloading = true; location.reload(); } };
  if (!sw) return reload();
  sw.addEventListener('controllerchange', reload);
  sw.getRegistration().then((reg) => { if (reg && reg.waiting) reg.waiting.postMessage('take-over'); else reload(); }, reload);
}
"#)]
extern "C" {
    fn watch_updates(on_waiting: &js_sys::Function);
    fn take_over();
}

/// Registers the service worker once the data has loaded (so its fetching of every file does
/// not slow the first load), and shows the offer to reload when a new version is ready.
#[component]
pub fn UpdateOffer() -> impl IntoView {
    let state = use_app();
    let ready = RwSignal::new(false);
    let registered = StoredValue::new(false);
    Effect::new(move |_| {
        if state.load.with(|l| matches!(l, super::state::LoadState::Ready)) && !registered.get_value() {
            registered.set_value(true);
            let waiting = Closure::<dyn Fn()>::new(move || ready.set(true)).into_js_value();
            watch_updates(waiting.unchecked_ref());
        }
    });
    view! {
        <Show when=move || ready.get()>
            <p class="update-banner" role="status" data-testid="update-banner">
                {tr(Msg::UpdateReady)} " "
                <button class="link" data-testid="update-reload" on:click=move |_| take_over()>{tr(Msg::Reload)}</button>
            </p>
        </Show>
    }
}
