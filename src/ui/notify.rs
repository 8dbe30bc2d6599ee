//! Reminders as a browser notification, if the user allows: once a day, when the app opens (or
//! right after the user allows it), the same counts as the board's reminder bar. A click opens
//! the board's "needs attention" view.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

use crate::domain::pipeline::reminder_counts;
use crate::i18n::PipeMsg;
use crate::ui::route::Route;
use crate::ui::state::AppState;

/// Whether notifications exist here and what the user said; `None` if the browser has none.
pub fn permission() -> Option<NotificationPermission> {
    // Browsers without the API (or a page where it is missing) have no `Notification` global.
    let global = js_sys::Reflect::get(&js_sys::global(), &"Notification".into()).ok()?;
    (!global.is_undefined()).then(Notification::permission)
}

/// Asks the user (the answer lands in `answer`); shows today's reminders at once if allowed.
pub fn ask(state: AppState, answer: RwSignal<Option<NotificationPermission>>) {
    let Ok(promise) = Notification::request_permission() else { return };
    leptos::task::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        answer.set(permission());
        if permission() == Some(NotificationPermission::Granted) {
            remind(state, true);
        }
    });
}

/// Shows the reminders if allowed, there are any, and (unless `now`) not yet today.
pub fn remind(state: AppState, now: bool) {
    if permission() != Some(NotificationPermission::Granted) {
        return;
    }
    let today = crate::ui::clock::today();
    let day = today.date.to_string();
    if !now && state.notified_on().as_deref() == Some(day.as_str()) {
        return;
    }
    let counts =
        state.with_data(|d| Some(reminder_counts(d.archive().pipeline()?, d.archive().deals.rows(), today))).flatten();
    let Some((due, overdue, rotting)) = counts.filter(|c| c.0 + c.1 + c.2 > 0) else { return };
    let lang = state.lang.get_untracked();
    let body = lang.remind_summary(due, overdue, rotting);
    let options = NotificationOptions::new();
    options.set_body(&body);
    options.set_tag("pocket-crm-reminders");
    if let Ok(shown) = Notification::new_with_options(lang.t(PipeMsg::NotifyTitle), &options) {
        let target = Route::Pipeline { query: vec![("attention".into(), "1".into())] };
        let click = Closure::once_into_js(move || {
            let _ = web_sys::window().map(|w| {
                let _ = w.focus();
                state.navigate(target);
            });
        });
        shown.set_onclick(Some(click.unchecked_ref()));
        state.mark_notified(&day);
    }
}
