//! The Leptos UI: the app shell (navigation, language switch, messages) and one folder per page.

pub mod prefs;
pub mod route;

#[cfg(target_arch = "wasm32")]
mod actions;
#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
mod areas;
#[cfg(target_arch = "wasm32")]
mod assign;
#[cfg(target_arch = "wasm32")]
mod attachments;
#[cfg(target_arch = "wasm32")]
mod charts;
#[cfg(target_arch = "wasm32")]
pub mod clock;
#[cfg(target_arch = "wasm32")]
mod couch;
#[cfg(target_arch = "wasm32")]
mod couch_card;
#[cfg(target_arch = "wasm32")]
mod customers;
#[cfg(target_arch = "wasm32")]
mod data;
#[cfg(target_arch = "wasm32")]
mod engine;
#[cfg(target_arch = "wasm32")]
mod folder;
#[cfg(target_arch = "wasm32")]
mod folder_card;
#[cfg(target_arch = "wasm32")]
mod forecast;
#[cfg(target_arch = "wasm32")]
pub mod jobs;
#[cfg(target_arch = "wasm32")]
mod locks;
#[cfg(target_arch = "wasm32")]
mod notify;
#[cfg(target_arch = "wasm32")]
mod offline;
#[cfg(target_arch = "wasm32")]
mod perf;
#[cfg(target_arch = "wasm32")]
mod pipeline;
#[cfg(target_arch = "wasm32")]
mod quotas;
#[cfg(target_arch = "wasm32")]
mod settings;
#[cfg(target_arch = "wasm32")]
pub mod state;
#[cfg(target_arch = "wasm32")]
mod superseded;
#[cfg(target_arch = "wasm32")]
mod team;
#[cfg(target_arch = "wasm32")]
mod testing;
#[cfg(target_arch = "wasm32")]
mod virtual_rows;

#[cfg(target_arch = "wasm32")]
pub use app::App;
