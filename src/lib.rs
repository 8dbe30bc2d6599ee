//! Pocket CRM: a sales-management app that runs entirely in the browser.
//!
//! `domain`, `store` (its trait and in-memory half), `sync`, `charts` and `i18n` are plain Rust and
//! tested natively; `ui` and the IndexedDB store exist only in the browser build.

pub mod charts;
pub mod domain;
pub mod i18n;
pub mod io;
pub mod jobs;
pub mod store;
pub mod sync;

pub mod ui;
