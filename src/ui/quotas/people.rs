//! Teams and reps: added, renamed, put in a team, given a manager; a rep's profile for targets
//! and incentives (capacity, experience, start and leaving days); a rep who left stays on record.

use leptos::prelude::*;
use uuid::Uuid;

use crate::domain::dates::parse_date;
use crate::domain::quota::RepProfile;
use crate::domain::records::{Meta, Timestamp};
use crate::domain::validate::Field;
use crate::domain::{Command, DomainError, RecordKind, Rep, Team};
use crate::i18n::{Msg, QMsg};
use crate::store::ActionError;
use crate::ui::state::{tr, use_app, AppState};

/// A refusal in words, for the form that sent it.
fn refusal(state: AppState, error: ActionError) -> Option<String> {
    let lang = state.lang.get_untracked();
    match error {
        ActionError::Domain(DomainError::Quota(p)) => Some(lang.quota_problem(p).to_owned()),
        ActionError::Domain(DomainError::Invalid(errors)) => Some(
            errors
                .iter()
                .map(|e| {
                    let field = match e.field {
                        Field::Email => lang.t(QMsg::Email),
                        Field::Phone => lang.t(QMsg::Phone),
                        _ => lang.t(QMsg::Name),
                    };
                    format!("{field}: {}", lang.problem(e))
                })
                .collect::<Vec<_>>()
                .join("；"),
        ),
        ActionError::Domain(e) | ActionError::Refused(e) => Some(lang.domain_error(&e)),
        ActionError::Store(_) => None,
    }
}

#[component]
pub fn PeopleTab() -> impl IntoView {
    view! {
        <TeamsCard />
        <RepsCard />
    }
}

/// Teams: name and manager, added and changed in place.
#[component]
fn TeamsCard() -> impl IntoView {
    let state = use_app();
    let teams = Memo::new(move |_| {
        state.read(&[RecordKind::Team], |d| d.archive().teams.live().cloned().collect::<Vec<_>>()).unwrap_or_default()
    });
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let add = move |_| {
        let team =
            Team { meta: Meta::new(Uuid::new_v4(), Timestamp(0), ""), name: name.get_untracked(), manager: None };
        save_team(state, team, error, move || name.set(String::new()));
    };
    view! {
        <div class="card">
            <h2>{tr(QMsg::Teams)}</h2>
            <table class="history" data-testid="teams">
                <thead><tr><th>{tr(QMsg::Name)}</th><th>{tr(QMsg::Manager)}</th></tr></thead>
                // Keyed by id: a row keeps what is typed in it (and its message) when others change.
                <tbody><For each=move || teams.get() key=|t| t.meta.id let:team><TeamRow team /></For></tbody>
            </table>
            <div class="inline-form">
                <input type="text" data-testid="team-name" placeholder=tr(QMsg::NewTeam) prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                <button data-testid="team-add" on:click=add>{tr(QMsg::NewTeam)}</button>
                {move || error.get().map(|e| view! { <span class="field-error" role="alert" data-testid="team-error">{e}</span> })}
            </div>
        </div>
    }
}

fn save_team(state: AppState, team: Team, error: RwSignal<Option<String>>, done: impl FnOnce() + 'static) {
    leptos::task::spawn_local(async move {
        match state.execute(Command::SaveTeam(team)).await {
            Ok(saved) => {
                error.set(None);
                done();
                state.toast_with_undo(state.t(QMsg::Saved).to_owned(), &saved, state.t(Msg::EditUndone).to_owned());
            }
            Err(e) => error.set(refusal(state, e)),
        }
    });
}

/// One team: its name (saved when changed) and its manager.
///
/// `team`: the team as stored.
#[component]
fn TeamRow(team: Team) -> impl IntoView {
    let state = use_app();
    let error = RwSignal::new(None::<String>);
    let reps = Memo::new(move |_| {
        state
            .read(&[RecordKind::Rep], |d| {
                d.archive().reps.live().filter(|r| r.active).map(|r| (r.meta.id, r.name.clone())).collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let (rename, pick) = (team.clone(), team.clone());
    let manager = team.manager;
    view! {
        <tr data-testid="team-row">
            <td><input type="text" data-testid="team-row-name" prop:value=team.name.clone()
                on:change=move |ev| save_team(state, Team { name: event_target_value(&ev), ..rename.clone() }, error, || ()) /></td>
            <td>
                <select data-testid="team-manager" on:change=move |ev| save_team(state, Team { manager: event_target_value(&ev).parse().ok(), ..pick.clone() }, error, || ())>
                    <option value="" selected=manager.is_none()>{tr(QMsg::NoManager)}</option>
                    {move || reps.get().into_iter().map(|(id, n)| view! { <option value=id.to_string() selected=manager == Some(id)>{n}</option> }).collect_view()}
                </select>
                {move || error.get().map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
            </td>
        </tr>
    }
}

/// Reps: name, team, e-mail, phone, active, and their profile, each row saved on its own.
#[component]
fn RepsCard() -> impl IntoView {
    let state = use_app();
    let reps = Memo::new(move |_| {
        let mut reps = state
            .read(&[RecordKind::Rep], |d| d.archive().reps.live().cloned().collect::<Vec<_>>())
            .unwrap_or_default();
        reps.sort_by_key(|r| (!r.active, r.name.clone()));
        reps
    });
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let add = move |_| {
        let rep = Rep {
            meta: Meta::new(Uuid::new_v4(), Timestamp(0), ""),
            name: name.get_untracked(),
            team: None,
            email: String::new(),
            phone: String::new(),
            active: true,
        };
        leptos::task::spawn_local(async move {
            match state.execute(Command::SaveRep(rep)).await {
                Ok(saved) => {
                    error.set(None);
                    name.set(String::new());
                    state.toast_with_undo(state.t(QMsg::Saved).to_owned(), &saved, state.t(Msg::EditUndone).to_owned());
                }
                Err(e) => error.set(refusal(state, e)),
            }
        });
    };
    view! {
        <div class="card">
            <h2>{tr(QMsg::Reps)}</h2>
            <p class="hint">{tr(QMsg::PeopleHint)}</p>
            <div class="table-scroll">
                <table class="history people-edit" data-testid="reps">
                    <thead><tr>
                        <th>{tr(QMsg::Name)}</th><th>{tr(QMsg::Team)}</th><th>{tr(QMsg::Email)}</th><th>{tr(QMsg::Phone)}</th><th>{tr(QMsg::ActiveRep)}</th>
                        <th>{tr(QMsg::Capacity)}</th><th>{tr(QMsg::Experience)}</th><th>{tr(QMsg::Started)}</th><th>{tr(QMsg::Left)}</th><th></th>
                    </tr></thead>
                    <tbody><For each=move || reps.get() key=|r| r.meta.id let:rep><RepRow rep /></For></tbody>
                </table>
            </div>
            <div class="inline-form">
                <input type="text" data-testid="rep-name" placeholder=tr(QMsg::NewRep) prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                <button data-testid="rep-add" on:click=add>{tr(QMsg::NewRep)}</button>
                {move || error.get().map(|e| view! { <span class="field-error" role="alert" data-testid="rep-error">{e}</span> })}
            </div>
        </div>
    }
}

/// One rep and their profile, saved with one button (the rep, then the profile if it changed).
///
/// `rep`: the rep as stored.
#[component]
fn RepRow(rep: Rep) -> impl IntoView {
    let state = use_app();
    let id = rep.meta.id;
    let profile = state
        .with_data(|d| d.archive().rep_profiles.live_one(id).cloned())
        .flatten()
        .unwrap_or_else(|| RepProfile::default_for(id));
    let teams = Memo::new(move |_| {
        state
            .read(&[RecordKind::Team], |d| {
                d.archive().teams.live().map(|t| (t.meta.id, t.name.clone())).collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let text = |s: &str| RwSignal::new(s.to_owned());
    let (name, email, phone) = (text(&rep.name), text(&rep.email), text(&rep.phone));
    let team = RwSignal::new(rep.team);
    let active = RwSignal::new(rep.active);
    let capacity = text(&profile.capacity.to_string());
    let experience = text(&profile.experience_years.to_string());
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let (started, left) = (text(&date(profile.started)), text(&date(profile.left)));
    let error = RwSignal::new(None::<String>);
    let stored = (rep.clone(), profile.clone());
    let save = move |_| {
        let lang = state.lang.get_untracked();
        let number = |s: RwSignal<String>| {
            s.get_untracked()
                .trim()
                .parse::<u16>()
                .map_err(|_| lang.quota_problem(crate::domain::quota::QuotaProblem::OutOfRange).to_owned())
        };
        let day = |s: RwSignal<String>| -> Result<Option<chrono::NaiveDate>, String> {
            let t = s.get_untracked();
            if t.trim().is_empty() {
                return Ok(None);
            }
            parse_date(&t).map(Some).ok_or_else(|| lang.t(Msg::ProblemDate).to_owned())
        };
        let read = || -> Result<(Rep, RepProfile), String> {
            let rep = Rep {
                name: name.get_untracked(),
                team: team.get_untracked(),
                email: email.get_untracked(),
                phone: phone.get_untracked(),
                active: active.get_untracked(),
                ..stored.0.clone()
            };
            let profile = RepProfile {
                capacity: number(capacity)?,
                experience_years: u8::try_from(number(experience)?)
                    .map_err(|_| lang.quota_problem(crate::domain::quota::QuotaProblem::OutOfRange).to_owned())?,
                started: day(started)?,
                left: day(left)?,
                ..stored.1.clone()
            };
            Ok((rep, profile))
        };
        let (rep, profile) = match read() {
            Ok(both) => both,
            Err(e) => return error.set(Some(e)),
        };
        let profile_changed = profile != stored.1;
        leptos::task::spawn_local(async move {
            let mut result = state.execute(Command::SaveRep(rep)).await.map(|_| ());
            if result.is_ok() && profile_changed {
                result = state.execute(Command::SaveRepProfile(profile)).await.map(|_| ());
            }
            match result {
                Ok(()) => {
                    error.set(None);
                    state.show_toast(state.t(QMsg::Saved).to_owned(), false, None);
                }
                Err(e) => error.set(refusal(state, e)),
            }
        });
    };
    let field = |value: RwSignal<String>, testid: &'static str, kind: &'static str| {
        view! {
            <input type=kind data-testid=testid prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
        }
    };
    view! {
        <tr data-testid="rep-row" class:inactive=move || !active.get()>
            <td>{field(name, "rep-row-name", "text")}</td>
            <td>
                <select data-testid="rep-team" on:change=move |ev| team.set(event_target_value(&ev).parse().ok())>
                    <option value="" selected=move || team.get().is_none()>{tr(QMsg::NoTeamChoice)}</option>
                    {move || teams.get().into_iter().map(|(tid, n)| view! { <option value=tid.to_string() selected=move || team.get() == Some(tid)>{n}</option> }).collect_view()}
                </select>
            </td>
            <td>{field(email, "rep-email", "email")}</td>
            <td>{field(phone, "rep-phone", "tel")}</td>
            <td><input type="checkbox" data-testid="rep-active" prop:checked=move || active.get() on:change=move |ev| active.set(event_target_checked(&ev)) /></td>
            <td>{field(capacity, "rep-capacity", "number")}</td>
            <td>{field(experience, "rep-experience", "number")}</td>
            <td>{field(started, "rep-started", "date")}</td>
            <td>{field(left, "rep-left", "date")}</td>
            <td>
                <button data-testid="rep-save" on:click=save>{tr(QMsg::Save)}</button>
                {move || error.get().map(|e| view! { <span class="field-error" role="alert" data-testid="rep-row-error">{e}</span> })}
            </td>
        </tr>
    }
}
