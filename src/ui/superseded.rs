//! The values of a record that a later change replaced (two people changed one field, and the
//! later save won): kept, and listed on the record's page with who typed them and when.

use leptos::prelude::*;
use uuid::Uuid;

use crate::domain::superseded::of_record;
use crate::domain::RecordKind;
use crate::i18n::Msg;
use crate::ui::clock::format_time;
use crate::ui::state::{tr, use_app};

/// The replaced values of `record`, newest first; nothing when there are none.
#[component]
pub fn SupersededCard(record: Uuid) -> impl IntoView {
    let state = use_app();
    let lines = Memo::new(move |_| {
        let lang = state.lang.get();
        state
            .read(&[RecordKind::Superseded], |d| {
                of_record(d.archive().superseded.rows(), record)
                    .into_iter()
                    .map(|s| {
                        let field = lang.field_label(s.kind, &s.field);
                        lang.superseded_line(field, &s.value, &s.by, &format_time(s.at.0), &s.won_value, &s.won_by)
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    view! {
        <Show when=move || lines.with(|l| !l.is_empty())>
            <section class="card">
                <h2>{tr(Msg::SupersededTitle)}</h2>
                <ul class="log" data-testid="superseded">
                    {move || lines.get().into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}
