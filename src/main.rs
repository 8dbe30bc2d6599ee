//! Starts the app in the page.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(pocket_crm::ui::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Pocket CRM runs in the browser: build it with `trunk build` (see README.md).");
}
