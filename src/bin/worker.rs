//! The charts worker's wasm module: draws charts for the page (see `jobs`). Loaded on first use,
//! so none of its code is part of the page's first load.

#[cfg(target_arch = "wasm32")]
fn main() {
    pocket_crm::jobs::serve(pocket_crm::jobs::run_charts);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
