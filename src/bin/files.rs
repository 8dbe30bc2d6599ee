//! The files worker's wasm module: reads CSV/XLSX, checks rows, writes CSV/XLSX and backups (see
//! `jobs`). Loaded when the import/export page first needs it.

#[cfg(target_arch = "wasm32")]
fn main() {
    pocket_crm::jobs::serve(pocket_crm::jobs::run_file);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
