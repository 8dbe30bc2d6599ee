//! Settings: language, the user's name (recorded on every change), and demo data.

use leptos::prelude::*;

use crate::domain::demo::{generate, DEMO_SIZES};
use crate::domain::pipeline::Pipeline;
use crate::domain::Command;
use crate::i18n::team::TeamMsg;
use crate::i18n::{Lang, Msg};
use crate::ui::clock;
use crate::ui::perf;
use crate::ui::state::{tr, use_app};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let state = use_app();
    let demo_size = RwSignal::new(DEMO_SIZES[1]);
    let busy = RwSignal::new(false);
    let load_demo = move |_| {
        if busy.get_untracked() {
            return;
        }
        let has_data = state.with_data(|d| d.archive().customers.live().next().is_some()).unwrap_or(false);
        if has_data && !window().confirm_with_message(state.t(Msg::DemoReplaceConfirm)).unwrap_or(false) {
            return;
        }
        busy.set(true);
        let size = demo_size.get_untracked();
        // Let the busy state paint before the work starts.
        set_timeout(
            move || {
                leptos::task::spawn_local(async move {
                    let started = perf::now();
                    let now = clock::now();
                    let mut data = generate(now.0 as u64, size, now, clock::offset_at(now), "demo");
                    // Stage names in the user's language (the stage ids are the same).
                    data.pipelines = vec![Pipeline::defaults(state.lang.get_untracked().is_zh(), now, "demo")];
                    perf::record("demo:generate", perf::now() - started);
                    let result = state.execute(Command::ReplaceAll(Box::new(data))).await;
                    busy.set(false);
                    if result.is_ok() {
                        perf::record_count("demo:size", size);
                        state.show_toast(state.lang.get_untracked().demo_loaded(size), false, None);
                    }
                });
            },
            std::time::Duration::from_millis(16),
        );
    };
    view! {
        <section class="page settings">
            <h1>{tr(Msg::NavSettings)}</h1>
            <div class="card">
                <label class="field">
                    <span>{tr(Msg::SettingsLanguage)}</span>
                    <select data-testid="settings-lang" on:change=move |ev| state.set_lang(Lang::from_code(&event_target_value(&ev)))>
                        <option value="zh-CN" selected=move || state.lang.get() == Lang::Zh>"中文"</option>
                        <option value="en" selected=move || state.lang.get() == Lang::En>"English"</option>
                    </select>
                </label>
                <label class="field">
                    <span>{tr(Msg::SettingsUser)}</span>
                    <input type="text" data-testid="settings-user" prop:value=move || state.user.get()
                        on:change=move |ev| {
                            let name = event_target_value(&ev).trim().to_owned();
                            if !name.is_empty() { state.set_user(name) }
                        } />
                </label>
                <p class="muted">{tr(Msg::StorageInfo)}</p>
                <p><a href=crate::ui::route::Route::Team.to_hash() data-testid="to-team">{tr(TeamMsg::Title)}" →"</a></p>
            </div>
            <div class="card">
                <h2>{tr(Msg::DemoData)}</h2>
                <p>{tr(Msg::DemoHelp)}</p>
                <div class="inline-form">
                    <label class="field">
                        <span>{tr(Msg::DemoSize)}</span>
                        <select data-testid="demo-size" on:change=move |ev| if let Ok(n) = event_target_value(&ev).parse() { demo_size.set(n) }>
                            {DEMO_SIZES.iter().map(|n| { let n = *n; view! { <option value=n.to_string() selected=move || demo_size.get() == n>{n.to_string()}</option> } }).collect_view()}
                        </select>
                    </label>
                    <button class="primary" data-testid="load-demo" disabled=move || busy.get() on:click=load_demo>
                        {move || state.t(if busy.get() { Msg::Loading } else { Msg::LoadDemo })}
                    </button>
                </div>
            </div>
        </section>
    }
}
