//! The import/export/backup page as its own wasm module, loaded when the user first opens it
//! (see `ui::data_host`), so its code stays out of the first load. `mount` starts its own small
//! Leptos app inside the element the page gives it; `unmount` removes it.

#[cfg(target_arch = "wasm32")]
mod exports {
    use std::cell::RefCell;

    use wasm_bindgen::prelude::*;

    use pocket_crm::ui::data::{Notify, ToolsApp};

    thread_local! {
        static MOUNTED: RefCell<Option<Box<dyn std::any::Any>>> = RefCell::new(None);
    }

    /// Mounts the tools into `root`; `on_change(message)` is called after they changed the store.
    #[wasm_bindgen]
    pub fn mount(root: web_sys::HtmlElement, on_change: js_sys::Function) {
        console_error_panic_hook::set_once();
        unmount();
        root.set_inner_html("");
        let handle = leptos::mount::mount_to(root, move || {
            let notify = Notify::new(move |text: String| {
                let _ = on_change.call1(&JsValue::NULL, &JsValue::from_str(&text));
            });
            leptos::prelude::view! { <ToolsApp notify /> }
        });
        MOUNTED.with(|m| *m.borrow_mut() = Some(Box::new(handle)));
    }

    #[wasm_bindgen]
    pub fn unmount() {
        // Dropping the handle unmounts the view and disposes its reactive owner.
        let handle = MOUNTED.with(|m| m.borrow_mut().take());
        drop(handle);
    }
}

fn main() {}
