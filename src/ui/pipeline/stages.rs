//! The pipeline's settings: stages (add, rename, reorder, remove with a place for their deals),
//! each stage's probability, funnel class, outcome and idle alert; the time rules; lead sources;
//! handing over everything of a rep who leaves. And the no-follow-up report.

use leptos::prelude::*;
use uuid::Uuid;

use crate::domain::pipeline::{closed_without_follow_up, Pipeline, Stage};
use crate::domain::{Command, FunnelClass, StageOutcome};
use crate::i18n::{Msg, PipeMsg};
use crate::store::ActionError;
use crate::ui::route::Route;
use crate::ui::state::{tr, use_app};

/// A number typed into a settings field, or the field's old value.
fn number<T: std::str::FromStr>(text: &str, old: T) -> T {
    text.trim().parse().unwrap_or(old)
}

#[component]
pub fn StagesPage() -> impl IntoView {
    let state = use_app();
    // The pipeline being edited; saved as a whole.
    let draft = RwSignal::new(state.with_data(|d| d.archive().pipeline().cloned()).flatten());
    let error = RwSignal::new(None::<String>);
    // A stage with deals the user wants removed: where its deals go.
    let removing = RwSignal::new(None::<(Uuid, usize)>);
    let move_to = RwSignal::new(String::new());

    let deals_in = move |stage: Uuid| {
        state.with_data(|d| d.archive().deals.live().filter(|x| x.stage == stage).count()).unwrap_or(0)
    };
    let edit = move |f: Box<dyn FnOnce(&mut Pipeline)>| {
        draft.update(|p| {
            if let Some(p) = p {
                f(p)
            }
        })
    };
    let save = move |_| {
        let Some(pipeline) = draft.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            match state.execute(Command::SavePipeline(pipeline)).await {
                Ok(saved) => {
                    error.set(None);
                    let lang = state.lang.get_untracked();
                    state.toast_with_undo(
                        lang.t(PipeMsg::StagesSaved).to_owned(),
                        &saved,
                        lang.t(PipeMsg::StagesUndone).to_owned(),
                    );
                }
                Err(ActionError::Domain(e)) => error.set(Some(state.lang.get_untracked().domain_error(&e))),
                Err(_) => {}
            }
        });
    };
    let remove_now = move |_| {
        let (Some((stage, _)), Ok(to)) = (removing.get_untracked(), move_to.get_untracked().parse::<Uuid>()) else {
            return;
        };
        leptos::task::spawn_local(async move {
            match state.execute(Command::RemoveStage { stage, move_to: to }).await {
                Ok(saved) => {
                    let names = draft.with_untracked(|p| {
                        let name =
                            |id| p.as_ref().and_then(|p| p.stage(id)).map(|s| s.name.clone()).unwrap_or_default();
                        (name(stage), name(to))
                    });
                    removing.set(None);
                    draft.update(|p| {
                        if let Some(p) = p {
                            p.stages.retain(|s| s.id != stage);
                        }
                    });
                    let lang = state.lang.get_untracked();
                    let text = lang.stage_removed(&names.0, &names.1);
                    state.toast_with_undo(text, &saved, lang.t(PipeMsg::StagesUndone).to_owned());
                }
                Err(ActionError::Domain(e)) => error.set(Some(state.lang.get_untracked().domain_error(&e))),
                Err(_) => {}
            }
        });
    };

    view! {
        <section class="page stages">
            <a class="back" href=Route::Pipeline { query: vec![] }.to_hash()>{move || format!("← {}", state.t(Msg::NavPipeline))}</a>
            <h1>{tr(PipeMsg::StagesTitle)}</h1>
            <p class="hint">{tr(PipeMsg::StagesHint)}</p>
            <div class="card">
                <div class="stage-rows" data-testid="stage-rows">
                    {move || {
                        let lang = state.lang.get();
                        let stages = draft.with(|p| p.as_ref().map(|p| p.stages.clone()).unwrap_or_default());
                        let last = stages.len().saturating_sub(1);
                        stages.into_iter().enumerate().map(|(i, stage)| {
                            let sid = stage.id;
                            let set = move |f: fn(&mut Stage, String), value: String| edit(Box::new(move |p| {
                                if let Some(s) = p.stages.iter_mut().find(|s| s.id == sid) {
                                    f(s, value)
                                }
                            }));
                            view! {
                                <div class="stage-row" data-testid="stage-row">
                                    <input type="text" class="grow" data-testid="stage-name" aria-label=lang.t(PipeMsg::StageName) prop:value=stage.name.clone()
                                        on:change=move |ev| set(|s, v| s.name = v.trim().to_owned(), event_target_value(&ev)) />
                                    <label class="compact">
                                        <span>{lang.t(PipeMsg::StageProbability)}</span>
                                        <input type="number" min="0" max="100" data-testid="stage-probability" prop:value=stage.probability.to_string()
                                            on:change=move |ev| set(|s, v| s.probability = number(&v, s.probability), event_target_value(&ev)) />
                                    </label>
                                    <select aria-label=lang.t(PipeMsg::Class) data-testid="stage-class" on:change=move |ev| set(|s, v| s.class = v.parse().unwrap_or(s.class), event_target_value(&ev))>
                                        {FunnelClass::ALL.iter().rev().map(|c| view! { <option value=c.code() selected=*c == stage.class>{lang.funnel_class(*c)}</option> }).collect_view()}
                                    </select>
                                    <select aria-label=lang.t(PipeMsg::StageKind) data-testid="stage-outcome" on:change=move |ev| set(|s, v| s.outcome = v.parse().unwrap_or(s.outcome), event_target_value(&ev))>
                                        {StageOutcome::ALL.iter().map(|o| view! { <option value=o.code() selected=*o == stage.outcome>{lang.stage_outcome(*o)}</option> }).collect_view()}
                                    </select>
                                    <label class="compact">
                                        <span>{lang.t(PipeMsg::RottingDays)}</span>
                                        <input type="number" min="0" prop:value=stage.rotting_days.to_string()
                                            on:change=move |ev| set(|s, v| s.rotting_days = number(&v, s.rotting_days), event_target_value(&ev)) />
                                    </label>
                                    <button type="button" class="icon" title=lang.t(PipeMsg::MoveUp) aria-label=lang.t(PipeMsg::MoveUp) disabled=i == 0
                                        on:click=move |_| edit(Box::new(move |p| p.stages.swap(i - 1, i)))>"↑"</button>
                                    <button type="button" class="icon" title=lang.t(PipeMsg::MoveDown) aria-label=lang.t(PipeMsg::MoveDown) disabled=i == last
                                        on:click=move |_| edit(Box::new(move |p| p.stages.swap(i, i + 1)))>"↓"</button>
                                    <button type="button" class="danger icon" data-testid="stage-remove" title=lang.t(PipeMsg::RemoveStage) aria-label=lang.t(PipeMsg::RemoveStage)
                                        on:click=move |_| {
                                            let n = deals_in(sid);
                                            if n == 0 {
                                                edit(Box::new(move |p| p.stages.retain(|s| s.id != sid)));
                                            } else {
                                                move_to.set(String::new());
                                                removing.set(Some((sid, n)));
                                            }
                                        }>"×"</button>
                                </div>
                            }
                        }).collect_view()
                    }}
                </div>
                {move || removing.get().map(|(sid, n)| {
                    let lang = state.lang.get();
                    let (name, others) = draft.with(|p| {
                        let p = p.as_ref();
                        (p.and_then(|p| p.stage(sid)).map(|s| s.name.clone()).unwrap_or_default(), p.map(|p| p.stages.iter().filter(|s| s.id != sid).map(|s| (s.id, s.name.clone())).collect::<Vec<_>>()).unwrap_or_default())
                    });
                    view! {
                        <div class="confirm" role="alertdialog" data-testid="remove-ask">
                            <p>{lang.remove_ask(&name, n)}</p>
                            <select data-testid="remove-move-to" on:change=move |ev| move_to.set(event_target_value(&ev))>
                                <option value="">"—"</option>
                                {others.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                            </select>
                            <button class="danger" data-testid="remove-go" disabled=move || move_to.with(String::is_empty) on:click=remove_now>{lang.t(PipeMsg::RemoveGo)}</button>
                            <button class="secondary" on:click=move |_| removing.set(None)>{lang.t(Msg::Cancel)}</button>
                        </div>
                    }
                })}
                <button type="button" class="secondary" data-testid="stage-add" on:click=move |_| {
                    let name = state.t(PipeMsg::NewStageName).to_owned();
                    edit(Box::new(move |p| {
                        // Before the first closing stage.
                        let at = p.stages.iter().position(|s| s.outcome != StageOutcome::Open).unwrap_or(p.stages.len());
                        p.stages.insert(at, Stage { id: Uuid::new_v4(), name, probability: 50, class: FunnelClass::C, outcome: StageOutcome::Open, rotting_days: 14 });
                    }))
                }>{tr(PipeMsg::AddStage)}</button>
            </div>
            <div class="card">
                {move || draft.with(|p| p.as_ref().map(|p| (p.grace_days, p.remind_days, p.lead_sources.join("\n")))).map(|(grace, remind, sources)| view! {
                    <div class="field-row">
                        <label class="field">
                            <span>{tr(PipeMsg::GraceDays)}</span>
                            <input type="number" min="0" data-testid="grace-days" prop:value=grace.to_string()
                                on:change=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |p| p.grace_days = number(&v, p.grace_days))) } />
                        </label>
                        <label class="field">
                            <span>{tr(PipeMsg::RemindDays)}</span>
                            <input type="number" min="0" prop:value=remind.to_string()
                                on:change=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |p| p.remind_days = number(&v, p.remind_days))) } />
                        </label>
                    </div>
                    <label class="field">
                        <span>{tr(PipeMsg::LeadSources)}</span>
                        <textarea rows="4" prop:value=sources
                            on:change=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |p| p.lead_sources = v.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect())) }></textarea>
                    </label>
                })}
                {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="stages-error">{e}</p> })}
                <div class="form-actions">
                    <button class="primary" data-testid="stages-save" on:click=save>{tr(Msg::Save)}</button>
                </div>
            </div>
            <HandOverAll />
        </section>
    }
}

/// Hands every customer and deal of one rep to another (someone leaves), in one action.
#[component]
fn HandOverAll() -> impl IntoView {
    let state = use_app();
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let reps = Memo::new(move |_| {
        state
            .read(&[crate::domain::RecordKind::Rep], |d| {
                d.archive().reps.live().map(|r| (r.meta.id, r.name.clone())).collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let go = move |_| {
        let (Ok(from), Ok(to)) = (from.get_untracked().parse::<Uuid>(), to.get_untracked().parse::<Uuid>()) else {
            return;
        };
        if from == to {
            return;
        }
        let (deals, customers) = state
            .with_data(|d| {
                (
                    d.archive().deals.live().filter(|x| x.owner == Some(from)).map(|x| x.meta.id).collect::<Vec<_>>(),
                    d.archive()
                        .customers
                        .live()
                        .filter(|x| x.owner == Some(from))
                        .map(|x| x.meta.id)
                        .collect::<Vec<_>>(),
                )
            })
            .unwrap_or_default();
        let counts = (deals.len(), customers.len());
        leptos::task::spawn_local(async move {
            if let Ok(saved) = state.execute(Command::HandOver { deals, customers, to: Some(to) }).await {
                let name = state.with_data(|d| d.archive().rep_name(Some(to)).to_owned()).unwrap_or_default();
                let lang = state.lang.get_untracked();
                let text = lang.hand_over_all_done(counts.0, counts.1, &name);
                state.toast_with_undo(text, &saved, lang.t(PipeMsg::AssignUndone).to_owned());
            }
        });
    };
    let options = move |selected: RwSignal<String>| {
        reps.get().into_iter().map(move |(id, name)| view! { <option value=id.to_string() selected=move || selected.get() == id.to_string()>{name}</option> }).collect_view()
    };
    view! {
        <div class="card">
            <h2>{tr(PipeMsg::HandOverAll)}</h2>
            <div class="inline-form">
                <label class="field">
                    <span>{tr(PipeMsg::HandOverFrom)}</span>
                    <select data-testid="handover-from" on:change=move |ev| from.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {move || options(from)}
                    </select>
                </label>
                <label class="field">
                    <span>{tr(PipeMsg::HandOverTo)}</span>
                    <select data-testid="handover-to" on:change=move |ev| to.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {move || options(to)}
                    </select>
                </label>
                <button data-testid="handover-all" disabled=move || from.with(String::is_empty) || to.with(String::is_empty) || from.get() == to.get() on:click=go>
                    {tr(PipeMsg::HandOver)}
                </button>
            </div>
        </div>
    }
}

/// Deals closed without one activity, per owner.
#[component]
pub fn FollowUpReport() -> impl IntoView {
    let state = use_app();
    let rows = Memo::new(move |_| {
        state
            .read(
                &[crate::domain::RecordKind::Deal, crate::domain::RecordKind::Rep, crate::domain::RecordKind::Pipeline],
                |d| {
                    let pipeline = d.archive().pipeline()?;
                    Some(
                        closed_without_follow_up(pipeline, d.archive().deals.rows().iter())
                            .into_iter()
                            .map(|(owner, ids)| {
                                let name = d.archive().rep_name(owner).to_owned();
                                let titles: Vec<(Uuid, String)> = ids
                                    .iter()
                                    .take(5)
                                    .filter_map(|id| d.archive().deals.get(*id))
                                    .map(|x| (x.meta.id, x.title.clone()))
                                    .collect();
                                (name, ids.len(), titles)
                            })
                            .collect::<Vec<_>>(),
                    )
                },
            )
            .flatten()
            .unwrap_or_default()
    });
    view! {
        <section class="page reports">
            <h1>{tr(Msg::NavReports)}</h1>
            <div class="card">
                <h2>{tr(PipeMsg::Report)}</h2>
                <p class="hint">{tr(PipeMsg::ReportHint)}</p>
                {move || {
                    let rows = rows.get();
                    if rows.is_empty() {
                        return view! { <p class="muted">{tr(PipeMsg::ReportNone)}</p> }.into_any();
                    }
                    view! {
                        <table class="history" data-testid="followup-report">
                            <thead><tr><th>{tr(Msg::ColOwner)}</th><th class="num">{tr(PipeMsg::CustomerDeals)}</th><th></th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|(name, n, titles)| view! {
                                    <tr>
                                        <td>{if name.is_empty() { state.t(Msg::Unassigned).to_owned() } else { name }}</td>
                                        <td class="num">{n}</td>
                                        <td>{titles.into_iter().map(|(id, t)| view! { <a class="chip" href=Route::Deal(id).to_hash()>{t}</a> }).collect_view()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </div>
        </section>
    }
}
