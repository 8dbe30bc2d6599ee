//! Virtual scrolling for long tables (customers, deals): only the rows in view, plus a few above
//! and below, exist in the page; they are slots that change their text as the table scrolls.

use leptos::html;
use leptos::prelude::*;

/// Row height in pixels; CSS uses the same value (`--row-height`).
pub const ROW_HEIGHT: f64 = 44.0;
/// Rows rendered above and below the visible ones, so fast scrolling shows no gaps. They come a
/// frame after the table's first rows are painted (`overscan_after_first_rows`).
const OVERSCAN: usize = 8;

/// The state of one scrolled table.
#[derive(Clone, Copy)]
pub struct VirtualRows {
    /// The scrolled element.
    pub viewport: NodeRef<html::Div>,
    scroll_top: RwSignal<f64>,
    /// The rows in the page: (first, end) positions in the results.
    pub range: Memo<(usize, usize)>,
    /// How many row slots the page keeps.
    pub slots: Memo<usize>,
}

/// The least height a table is given, in pixels.
const MIN_HEIGHT: f64 = 200.0;

/// Keeps `height` at the viewport's height. It is read when the browser has laid the page out
/// (a `ResizeObserver`, which also hears the window resized), so reading it forces no layout of
/// its own before the first rows are in the page.
fn watch_height(viewport: NodeRef<html::Div>, height: RwSignal<f64>) {
    use wasm_bindgen::{closure::Closure, JsCast};
    Effect::new(move |_| {
        let Some(el) = viewport.get() else { return };
        let measured = el.clone();
        let on_resize = Closure::<dyn Fn()>::new(move || height.set((measured.client_height() as f64).max(MIN_HEIGHT)));
        let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) else { return };
        observer.observe(&el);
        // Stopped before its callback is dropped, when the viewport changes or the table goes.
        let kept = send_wrapper::SendWrapper::new((observer, on_resize));
        on_cleanup(move || kept.0.disconnect());
    });
}

/// The rows kept above and below the view: none until the table's first rows have been painted,
/// then `OVERSCAN`; a table's first paint does only the rows that show.
fn overscan_after_first_rows(total: Signal<usize>) -> RwSignal<usize> {
    let overscan = RwSignal::new(0);
    Effect::new(move |started: Option<bool>| {
        // (Once started it reads no signal, so it does not run again.)
        if started == Some(true) || total.get() == 0 {
            return started == Some(true);
        }
        leptos::task::spawn_local(async move {
            super::state::after_paint().await;
            // (The table may be gone by then.)
            let _ = overscan.try_set(OVERSCAN);
        });
        true
    });
    overscan
}

impl VirtualRows {
    /// For `total` results; the table goes back to the top when `key` changes (a new filter or
    /// sort).
    pub fn new<K: PartialEq + Clone + Send + Sync + 'static>(
        total: Signal<usize>,
        key: impl Fn() -> K + Send + Sync + 'static,
    ) -> VirtualRows {
        let viewport: NodeRef<html::Div> = NodeRef::new();
        let scroll_top = RwSignal::new(0.0_f64);
        // The window's height until the viewport's is known (the table is never taller).
        let window_height = window().inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(600.0);
        let viewport_height = RwSignal::new(window_height.max(MIN_HEIGHT));
        watch_height(viewport, viewport_height);
        Effect::new(move |previous: Option<K>| {
            let current = key();
            // Setting scrollTop forces a layout: only do it when the table is scrolled.
            if previous.is_some_and(|p| p != current) && scroll_top.get_untracked() > 0.0 {
                if let Some(el) = viewport.get_untracked() {
                    el.set_scroll_top(0);
                }
                scroll_top.set(0.0);
            }
            current
        });
        let overscan = overscan_after_first_rows(total);
        let slots = Memo::new(move |_| (viewport_height.get() / ROW_HEIGHT).ceil() as usize + 2 * overscan.get());
        let range = Memo::new(move |_| {
            let total = total.get();
            let first = ((scroll_top.get() / ROW_HEIGHT) as usize).saturating_sub(overscan.get()).min(total);
            (first, (first + slots.get()).min(total))
        });
        VirtualRows { viewport, scroll_top, range, slots }
    }

    /// The viewport's scroll handler.
    pub fn on_scroll(&self) {
        if let Some(el) = self.viewport.get_untracked() {
            self.scroll_top.set(el.scroll_top() as f64);
        }
    }

    /// The spacer's height and the window's offset, as CSS values.
    pub fn spacer_height(&self, total: usize) -> String {
        format!("{}px", total * ROW_HEIGHT as usize)
    }

    pub fn window_offset(&self) -> String {
        format!("translateY({}px)", self.range.get().0 * ROW_HEIGHT as usize)
    }
}
