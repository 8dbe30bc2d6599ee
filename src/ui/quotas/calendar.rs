//! The working-day calendar pace is measured on: Monday to Friday, less the days off, plus the
//! weekend days worked instead (调休); the period's working days.

use leptos::prelude::*;

use super::use_quota;
use crate::domain::dates::parse_date;
use crate::domain::evaluation::DayKind;
use crate::domain::{Command, DomainError};
use crate::i18n::{Msg, QMsg};
use crate::store::ActionError;
use crate::ui::state::{tr, use_app};

#[component]
pub fn CalendarTab() -> impl IntoView {
    let state = use_app();
    let quota = use_quota();
    let day = RwSignal::new(String::new());
    let kind = RwSignal::new(DayKind::Holiday);
    let error = RwSignal::new(None::<String>);
    let set_day = move |date: chrono::NaiveDate, kind: Option<DayKind>| {
        leptos::task::spawn_local(async move {
            match state.execute(Command::SetCalendarDay { day: date, kind }).await {
                Ok(saved) => {
                    error.set(None);
                    state.toast_with_undo(state.t(QMsg::Saved).to_owned(), &saved, state.t(Msg::EditUndone).to_owned());
                }
                Err(ActionError::Domain(DomainError::Quota(p))) => {
                    error.set(Some(state.lang.get_untracked().quota_problem(p).to_owned()))
                }
                Err(_) => {}
            }
        });
    };
    let add = move |_| match parse_date(&day.get_untracked()) {
        Some(date) => set_day(date, Some(kind.get_untracked())),
        None => error.set(Some(state.t(Msg::ProblemDate).to_owned())),
    };
    let working = move || {
        let period = quota.period();
        let calendar = quota.settings.with(|s| s.calendar());
        calendar.working_days(period.start, period.end)
    };
    let list = move |days: Vec<chrono::NaiveDate>, testid: &'static str| {
        view! {
            <ul class="days" data-testid=testid>
                {days.into_iter().map(|d| view! {
                    <li>{d.to_string()} " " <button class="link" data-testid="day-remove" on:click=move |_| set_day(d, None)>{tr(QMsg::RemoveRow)}</button></li>
                }).collect_view()}
            </ul>
        }
    };
    view! {
        <div class="card calendar">
            <p class="hint">{tr(QMsg::CalendarHint)}</p>
            <p data-testid="working-days"><strong>{move || state.lang.get().period_working_days(working())}</strong></p>
            <div class="inline-form">
                <input type="date" data-testid="day-date" prop:value=move || day.get() on:input=move |ev| day.set(event_target_value(&ev)) />
                <select data-testid="day-kind" on:change=move |ev| kind.set(if event_target_value(&ev) == "work" { DayKind::Workday } else { DayKind::Holiday })>
                    <option value="off">{tr(QMsg::DayOff)}</option>
                    <option value="work">{tr(QMsg::DayWorked)}</option>
                </select>
                <button data-testid="day-add" on:click=add>{tr(QMsg::AddDay)}</button>
                {move || error.get().map(|e| view! { <span class="field-error" role="alert" data-testid="day-error">{e}</span> })}
            </div>
            <div class="field-row">
                <div><h3>{tr(QMsg::Holidays)}</h3>{move || list(quota.settings.with(|s| s.holidays.clone()), "holidays")}</div>
                <div><h3>{tr(QMsg::Workdays)}</h3>{move || list(quota.settings.with(|s| s.workdays.clone()), "workdays")}</div>
            </div>
        </div>
    }
}
