//! The app mounted in headless Chromium: it loads from IndexedDB, speaks the stored language,
//! switches language on click and remembers it.
#![cfg(target_arch = "wasm32")]

use pocket_crm::store::idb::{IdbBackend, DB_NAME};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

fn find(selector: &str) -> Option<web_sys::HtmlElement> {
    let document = web_sys::window()?.document()?;
    document.query_selector(selector).ok().flatten()?.dyn_into().ok()
}

async fn wait_for(selector: &str) -> web_sys::HtmlElement {
    for _ in 0..200 {
        if let Some(el) = find(selector) {
            return el;
        }
        sleep(10).await;
    }
    panic!("{selector} never appeared");
}

#[wasm_bindgen_test]
async fn app_loads_empty_archive_and_switches_language() {
    IdbBackend::delete(DB_NAME).await.unwrap();
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.set_item("pocket.lang", "\"zh-CN\"").unwrap();
    storage.remove_item("pocket.lastView").unwrap();

    leptos::mount::mount_to_body(pocket_crm::ui::App);
    let count = wait_for("[data-testid=result-count]").await;
    assert_eq!(count.text_content().unwrap(), "共 0 位客户");
    assert_eq!(find("[data-testid=nav-0]").unwrap().text_content().unwrap(), "客户档案");

    find("[data-testid=lang-switch]").unwrap().click();
    sleep(20).await;
    assert_eq!(find("[data-testid=nav-0]").unwrap().text_content().unwrap(), "Customers");
    assert_eq!(find("[data-testid=result-count]").unwrap().text_content().unwrap(), "0 customers");
    assert_eq!(storage.get_item("pocket.lang").unwrap().as_deref(), Some("en"));
    let lang = web_sys::window().unwrap().document().unwrap().document_element().unwrap().get_attribute("lang");
    assert_eq!(lang.as_deref(), Some("en"));
}
