//! Incentives: the rules (a base reward per won deal times its difficulty, or commission bands on
//! attainment with a gate, bonuses and a ramp), and each rep's payout statement for the period,
//! closed (paid) one by one, exported as CSV or Excel, printable.

use leptos::prelude::*;
use uuid::Uuid;

use super::{period_name, rep_name, use_quota};
use crate::domain::forecast::{parse_percent, parse_share, percent_text, BasisPoints, PeriodKind};
use crate::domain::incentive::{BandMode, Bonus, CommissionBand, IncentiveRule, LineKind, RuleKind};
use crate::domain::payout::{Payouts, RepStatement};
use crate::domain::{Command, DomainError, Money, RecordKind};
use crate::i18n::{FcMsg, Lang, Msg, QMsg};
use crate::jobs::{FileJob as Job, FileOutcome as Outcome};
use crate::store::ActionError;
use crate::ui::clock;
use crate::ui::state::{tr, use_app, AppState};

#[component]
pub fn IncentivesTab() -> impl IntoView {
    view! {
        <RulesCard />
        <StatementsCard />
    }
}

/// The rules, each with edit and delete; a new rule or the one being edited in a form.
#[component]
fn RulesCard() -> impl IntoView {
    let state = use_app();
    let editing = RwSignal::new(None::<IncentiveRule>);
    let rules = Memo::new(move |_| {
        state
            .read(&[RecordKind::IncentiveRule], |d| d.archive().incentive_rules.live().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
    });
    let delete = move |id: Uuid| {
        leptos::task::spawn_local(async move {
            if let Ok(saved) = state.execute(Command::DeleteIncentiveRule(id)).await {
                state.toast_with_undo(
                    state.t(QMsg::RuleDeleted).to_owned(),
                    &saved,
                    state.t(Msg::EditUndone).to_owned(),
                );
            }
        });
    };
    view! {
        <div class="card">
            <h2>{tr(QMsg::Rules)}</h2>
            {move || {
                let rules = rules.get();
                if rules.is_empty() {
                    return view! { <p class="muted" data-testid="rules-none">{tr(QMsg::NoRules)}</p> }.into_any();
                }
                view! {
                    <ul class="rules" data-testid="rules">
                        {rules.into_iter().map(|rule| {
                            let (id, for_edit) = (rule.meta.id, rule.clone());
                            view! {
                                <li data-testid="rule">
                                    <strong>{rule.name.clone()}</strong> " · " <span class="muted">{move || rule_summary(state.lang.get(), &rule)}</span>
                                    " " <button class="link" data-testid="rule-edit" on:click=move |_| editing.set(Some(for_edit.clone()))>{tr(QMsg::Edit)}</button>
                                    " " <button class="link" data-testid="rule-delete" on:click=move |_| delete(id)>{tr(QMsg::Delete)}</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <div class="form-actions">
                <button data-testid="rule-new-deal" on:click=move |_| editing.set(Some(IncentiveRule::new(Uuid::new_v4(), "", RuleKind::PerDeal)))>
                    {tr(QMsg::NewRule)} " · " {tr(QMsg::RulePerDeal)}
                </button>
                <button data-testid="rule-new-bands" on:click=move |_| editing.set(Some(IncentiveRule::new(Uuid::new_v4(), "", RuleKind::Bands)))>
                    {tr(QMsg::NewRule)} " · " {tr(QMsg::RuleBands)}
                </button>
            </div>
            {move || editing.get().map(|rule| view! { <RuleForm rule editing /> })}
        </div>
    }
}

/// A rule as one line: its kind and figures.
fn rule_summary(lang: Lang, rule: &IncentiveRule) -> String {
    let pct = |b: BasisPoints| format!("{}%", percent_text(b));
    let mut text = match rule.kind {
        RuleKind::PerDeal => format!("{} {}", lang.t(QMsg::RulePerDeal), rule.base_reward),
        RuleKind::Bands => {
            let bands: Vec<String> = rule
                .bands
                .iter()
                .map(|b| match b.to {
                    Some(to) => format!("{}–{}: {}", pct(b.from), pct(to), pct(b.rate)),
                    None => format!("≥{}: {}", pct(b.from), pct(b.rate)),
                })
                .collect();
            let mode = lang.t(if rule.mode == BandMode::Marginal { QMsg::Marginal } else { QMsg::Retroactive });
            format!(
                "{} ({}): {}; {}",
                lang.t(QMsg::RuleBands),
                lang.t(period_label(rule.period)),
                bands.join(", "),
                mode
            )
        }
    };
    if rule.annual_gate {
        text.push_str(&format!("; {}", lang.t(QMsg::AnnualGate)));
    }
    for bonus in &rule.bonuses {
        text.push_str(&format!("; {} {} → {}", lang.t(QMsg::BonusAmount), pct(bonus.at), bonus.amount));
    }
    if rule.ramp_months > 0 {
        text.push_str(&format!("; {}", lang.ramp_note(rule.ramp_months, pct(rule.ramp_share))));
    }
    if !rule.active {
        text.push_str(&format!(" ({})", lang.t(QMsg::Active).to_owned() + " ✗"));
    }
    text
}

fn period_label(kind: PeriodKind) -> FcMsg {
    match kind {
        PeriodKind::Month => FcMsg::Month,
        PeriodKind::Quarter => FcMsg::Quarter,
        PeriodKind::Year => FcMsg::Year,
    }
}

/// What is typed in a band row: from, to, rate (percent).
type BandText = (String, String, String);

/// The rule form: every field of the rule, bands and bonuses as rows. Saving sends the rule;
/// what is wrong with it is said above the buttons, and nothing is saved.
///
/// `rule`: the rule as it was (or a new one); `editing`: cleared when saved or cancelled.
#[component]
fn RuleForm(rule: IncentiveRule, editing: RwSignal<Option<IncentiveRule>>) -> impl IntoView {
    let state = use_app();
    let base = rule.clone();
    let name = RwSignal::new(rule.name.clone());
    let base_reward =
        RwSignal::new(if rule.base_reward.0 > 0 { (rule.base_reward.0 / 100).to_string() } else { String::new() });
    let period = RwSignal::new(rule.period);
    let mode = RwSignal::new(rule.mode);
    let gate = RwSignal::new(rule.annual_gate);
    let active = RwSignal::new(rule.active);
    let team = RwSignal::new(rule.team);
    let ramp_months = RwSignal::new(rule.ramp_months.to_string());
    let ramp_share = RwSignal::new(percent_text(rule.ramp_share));
    let pct = |b: BasisPoints| percent_text(b);
    let bands = RwSignal::new(
        rule.bands
            .iter()
            .map(|b| (pct(b.from), b.to.map(pct).unwrap_or_default(), pct(b.rate)))
            .collect::<Vec<BandText>>(),
    );
    let bonuses = RwSignal::new(
        rule.bonuses.iter().map(|b| (pct(b.at), (b.amount.0 / 100).to_string())).collect::<Vec<(String, String)>>(),
    );
    let errors = RwSignal::new(Vec::<String>::new());
    let kind = rule.kind;
    let teams = Memo::new(move |_| {
        state
            .read(&[RecordKind::Team], |d| {
                d.archive().teams.live().map(|t| (t.meta.id, t.name.clone())).collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = state.lang.get_untracked();
        let percent = |text: &str| parse_percent(text).map_err(|p| lang.plan_problem(p).to_owned());
        // Thresholds may pass 100 % (a band from 150 %).
        let share = |text: &str| parse_share(text).map_err(|p| lang.plan_problem(p).to_owned());
        let money = |text: &str| Money::parse(text).map_err(|_| lang.t(Msg::ProblemAmount).to_owned());
        let read = || -> Result<IncentiveRule, String> {
            let bands = bands
                .get_untracked()
                .iter()
                .map(|(from, to, rate)| {
                    Ok(CommissionBand {
                        from: share(from)?.unwrap_or(0),
                        to: share(to)?,
                        rate: percent(rate)?.unwrap_or(0),
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            let bonuses = bonuses
                .get_untracked()
                .iter()
                .map(|(at, amount)| Ok(Bonus { at: share(at)?.unwrap_or(0), amount: money(amount)? }))
                .collect::<Result<Vec<_>, String>>()?;
            Ok(IncentiveRule {
                name: name.get_untracked(),
                base_reward: money(&base_reward.get_untracked())?,
                period: period.get_untracked(),
                bands,
                mode: mode.get_untracked(),
                annual_gate: gate.get_untracked(),
                bonuses,
                ramp_months: ramp_months
                    .get_untracked()
                    .trim()
                    .parse()
                    .map_err(|_| lang.quota_problem(crate::domain::quota::QuotaProblem::OutOfRange).to_owned())?,
                ramp_share: percent(&ramp_share.get_untracked())?.unwrap_or(10_000),
                team: team.get_untracked(),
                active: active.get_untracked(),
                ..base.clone()
            })
        };
        let rule = match read() {
            Ok(rule) => rule,
            Err(e) => return errors.set(vec![e]),
        };
        leptos::task::spawn_local(async move {
            match state.execute(Command::SaveIncentiveRule(Box::new(rule))).await {
                Ok(saved) => {
                    errors.set(Vec::new());
                    editing.set(None);
                    state.toast_with_undo(
                        state.t(QMsg::RuleSaved).to_owned(),
                        &saved,
                        state.t(Msg::EditUndone).to_owned(),
                    );
                }
                Err(ActionError::Domain(DomainError::Incentive(problems))) => {
                    let lang = state.lang.get_untracked();
                    errors.set(problems.into_iter().map(|p| lang.rule_problem(p)).collect());
                }
                Err(ActionError::Domain(DomainError::Quota(p))) => {
                    errors.set(vec![state.lang.get_untracked().quota_problem(p).to_owned()])
                }
                Err(_) => {}
            }
        });
    };
    let text_input = |value: RwSignal<String>, testid: &'static str| {
        view! {
            <input type="text" data-testid=testid prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
        }
    };
    view! {
        <form class="card form rule-form" data-testid="rule-form" on:submit=submit>
            <label class="field"><span>{tr(QMsg::ColName)}</span>{text_input(name, "rule-name")}</label>
            {(kind == RuleKind::PerDeal).then(|| view! {
                <label class="field"><span>{tr(QMsg::BaseReward)}</span>{text_input(base_reward, "rule-base")}</label>
            })}
            {(kind == RuleKind::Bands).then(|| view! {
                <div class="field-row">
                    <label class="field"><span>{tr(QMsg::RulePeriod)}</span>
                        <select data-testid="rule-period" on:change=move |ev| period.set(PeriodKind::from_code(&event_target_value(&ev)).unwrap_or(PeriodKind::Month))>
                            {PeriodKind::ALL.iter().map(|&k| view! { <option value=k.code() selected=move || period.get() == k>{tr(period_label(k))}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="field"><span>{tr(QMsg::Bands)}</span>
                        <select data-testid="rule-mode" on:change=move |ev| mode.set(if event_target_value(&ev) == "retro" { BandMode::Retroactive } else { BandMode::Marginal })>
                            <option value="marginal" selected=move || mode.get() == BandMode::Marginal>{tr(QMsg::Marginal)}</option>
                            <option value="retro" selected=move || mode.get() == BandMode::Retroactive>{tr(QMsg::Retroactive)}</option>
                        </select>
                    </label>
                </div>
                <BandRows bands />
                <label class="check"><input type="checkbox" data-testid="rule-gate" prop:checked=move || gate.get() on:change=move |ev| gate.set(event_target_checked(&ev)) />" " {tr(QMsg::AnnualGate)}</label>
                <BonusRows bonuses />
                <p class="hint">{tr(QMsg::Ramp)}</p>
                <div class="field-row">
                    <label class="field"><span>{tr(QMsg::RampMonths)}</span>{text_input(ramp_months, "rule-ramp-months")}</label>
                    <label class="field"><span>{tr(QMsg::RampShare)}</span>{text_input(ramp_share, "rule-ramp-share")}</label>
                </div>
            })}
            <div class="field-row">
                <label class="field"><span>{tr(QMsg::AppliesTo)}</span>
                    <select data-testid="rule-team" on:change=move |ev| team.set(event_target_value(&ev).parse().ok())>
                        <option value="" selected=move || team.get().is_none()>{tr(QMsg::Everyone)}</option>
                        {move || teams.get().into_iter().map(|(id, n)| view! { <option value=id.to_string() selected=move || team.get() == Some(id)>{n}</option> }).collect_view()}
                    </select>
                </label>
                <label class="check"><input type="checkbox" data-testid="rule-active" prop:checked=move || active.get() on:change=move |ev| active.set(event_target_checked(&ev)) />" " {tr(QMsg::Active)}</label>
            </div>
            {move || (!errors.with(Vec::is_empty)).then(|| view! {
                <ul class="form-error" role="alert" data-testid="rule-errors">{errors.get().into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
            })}
            <div class="form-actions">
                <button type="submit" class="primary" data-testid="rule-save">{tr(QMsg::Save)}</button>
                <button type="button" on:click=move |_| editing.set(None)>{tr(QMsg::Cancel)}</button>
            </div>
        </form>
    }
}

/// The band table: from, to (empty: and above), rate, in percent; rows added and removed.
///
/// `bands`: the typed rows.
#[component]
fn BandRows(bands: RwSignal<Vec<BandText>>) -> impl IntoView {
    let cell = move |i: usize, part: usize, testid: &'static str| {
        let get = move || bands.with(|b| b.get(i).map(|r| [&r.0, &r.1, &r.2][part].clone()).unwrap_or_default());
        view! {
            <input type="text" inputmode="decimal" class="rate" data-testid=testid prop:value=get
                on:input=move |ev| bands.update(|b| if let Some(r) = b.get_mut(i) { *[&mut r.0, &mut r.1, &mut r.2][part] = event_target_value(&ev) }) />
        }
    };
    view! {
        <table class="history bands-table" data-testid="bands">
            <thead><tr><th>{tr(QMsg::BandFrom)}</th><th>{tr(QMsg::BandTo)}</th><th>{tr(QMsg::BandRate)}</th><th></th></tr></thead>
            <tbody>
                {move || (0..bands.with(Vec::len)).map(|i| view! {
                    <tr data-testid="band-row">
                        <td>{cell(i, 0, "band-from")}</td><td>{cell(i, 1, "band-to")}</td><td>{cell(i, 2, "band-rate")}</td>
                        <td><button type="button" class="link" on:click=move |_| bands.update(|b| { if i < b.len() { b.remove(i); } })>{tr(QMsg::RemoveRow)}</button></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <button type="button" data-testid="band-add" on:click=move |_| bands.update(|b| {
            let from = b.last().map(|r| r.1.clone()).unwrap_or_default();
            b.push((from, String::new(), String::new()));
        })>{tr(QMsg::AddBand)}</button>
    }
}

/// The bonus rows: attainment (percent) and amount.
///
/// `bonuses`: the typed rows.
#[component]
fn BonusRows(bonuses: RwSignal<Vec<(String, String)>>) -> impl IntoView {
    let cell = move |i: usize, second: bool, testid: &'static str| {
        let get = move || {
            bonuses.with(|b| b.get(i).map(|r| if second { r.1.clone() } else { r.0.clone() }).unwrap_or_default())
        };
        view! {
            <input type="text" inputmode="decimal" data-testid=testid prop:value=get
                on:input=move |ev| bonuses.update(|b| if let Some(r) = b.get_mut(i) { if second { r.1 = event_target_value(&ev) } else { r.0 = event_target_value(&ev) } }) />
        }
    };
    view! {
        <p class="hint">{tr(QMsg::Bonuses)}</p>
        <table class="history" data-testid="bonuses">
            <thead><tr><th>{tr(QMsg::BonusAt)}</th><th>{tr(QMsg::BonusAmount)}</th><th></th></tr></thead>
            <tbody>
                {move || (0..bonuses.with(Vec::len)).map(|i| view! {
                    <tr><td>{cell(i, false, "bonus-at")}</td><td>{cell(i, true, "bonus-amount")}</td>
                        <td><button type="button" class="link" on:click=move |_| bonuses.update(|b| { if i < b.len() { b.remove(i); } })>{tr(QMsg::RemoveRow)}</button></td></tr>
                }).collect_view()}
            </tbody>
        </table>
        <button type="button" data-testid="bonus-add" on:click=move |_| bonuses.update(|b| b.push(Default::default()))>{tr(QMsg::AddBonus)}</button>
    }
}

/// Every rep's statement for the period: total and whether it is paid; a rep's lines opened
/// below; closing one; exporting all as CSV or Excel; printing.
#[component]
fn StatementsCard() -> impl IntoView {
    let state = use_app();
    let quota = use_quota();
    let open = RwSignal::new(None::<Uuid>);
    let statements = Memo::new(move |_| {
        let period = quota.period();
        let kinds = [
            RecordKind::Deal,
            RecordKind::Pipeline,
            RecordKind::Target,
            RecordKind::IncentiveRule,
            RecordKind::PayoutStatement,
            RecordKind::RepProfile,
            RecordKind::Rep,
            RecordKind::ForecastPlan,
        ];
        let started = crate::ui::perf::now();
        let out =
            state.read(&kinds, |d| Payouts::new(d.archive(), clock::today().offset).all(&period)).unwrap_or_default();
        crate::ui::perf::record("quota:payouts", crate::ui::perf::now() - started);
        out
    });
    let close = move |rep: Uuid| {
        let period = quota.period();
        leptos::task::spawn_local(async move {
            if let Ok(saved) = state.execute(Command::ClosePayout { rep, period }).await {
                state.toast_with_undo(
                    state.t(QMsg::PayoutClosed).to_owned(),
                    &saved,
                    state.t(Msg::EditUndone).to_owned(),
                );
            }
        });
    };
    let export = move |xlsx: bool| {
        let lang = state.lang.get_untracked();
        let period = quota.period();
        let rows = statement_rows(state, lang, &statements.get_untracked());
        let file = format!("pocket-crm-payouts-{}.{}", period.start, if xlsx { "xlsx" } else { "csv" });
        let sheet = lang.t(QMsg::Statements).to_owned();
        leptos::task::spawn_local(async move {
            let job = Job::ExportRows { rows, sheet, xlsx };
            if let Ok(Outcome::Bytes(bytes)) =
                crate::ui::jobs::run::<_, Outcome>(crate::ui::jobs::Kind::Files, job).await
            {
                let mime =
                    if xlsx { "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" } else { "text/csv" };
                let _ = crate::ui::jobs::download(&bytes, &file, mime);
            }
        });
    };
    view! {
        <div class="card statements">
            <h2>{tr(QMsg::Statements)} " · " {move || period_name(state.lang.get(), &quota.period())}</h2>
            <p class="hint">{tr(QMsg::StatementHint)}</p>
            <div class="head-actions">
                <button data-testid="payouts-csv" on:click=move |_| export(false)>{tr(QMsg::ExportCsv)}</button>
                <button data-testid="payouts-xlsx" on:click=move |_| export(true)>{tr(QMsg::ExportXlsx)}</button>
                <button data-testid="payouts-print" on:click=move |_| { let _ = window().print(); }>{tr(QMsg::Print)}</button>
            </div>
            <div class="table-scroll">
                <table class="history" data-testid="statements">
                    <thead><tr><th>{tr(FcMsg::ColRep)}</th><th class="num">{tr(QMsg::ColTotal)}</th><th>{tr(QMsg::ColStatus)}</th><th></th></tr></thead>
                    <tbody>
                        {move || statements.get().into_iter().map(|s| {
                            let rep = s.rep;
                            let closed = s.closed.is_some();
                            view! {
                                <tr data-testid="statement-row">
                                    <td><button class="link" data-testid="statement-open" on:click=move |_| open.update(|o| *o = if *o == Some(rep) { None } else { Some(rep) })>{rep_name(state, rep)}</button></td>
                                    <td class="num" data-testid="statement-total">{s.total.to_string()}</td>
                                    <td>{tr(if closed { QMsg::Closed } else { QMsg::Open })}</td>
                                    <td>{(!closed).then(|| view! { <button data-testid="statement-close" on:click=move |_| close(rep)>{tr(QMsg::ClosePayout)}</button> })}</td>
                                </tr>
                                {move || (open.get() == Some(rep)).then(|| view! {
                                    <tr class="statement-lines"><td colspan="4"><StatementLines statement=s.clone() /></td></tr>
                                })}
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}

/// A statement's lines as words and amounts, in the user's language.
fn line_text(state: AppState, lang: Lang, kind: &LineKind) -> String {
    let pct = |b: BasisPoints| format!("{}%", percent_text(b));
    match kind {
        LineKind::Deal { deal, coefficient } => {
            let title = state
                .with_data(|d| d.archive().deals.get(*deal).map(|x| x.title.clone()))
                .flatten()
                .unwrap_or_default();
            let coefficient = format!("{}.{:02}", coefficient / 100, coefficient % 100);
            format!("{}: {}", lang.t(QMsg::LineDeal), lang.deal_line(&title, coefficient))
        }
        LineKind::Band { band, base } => format!(
            "{}: {}",
            lang.t(QMsg::LineBand),
            lang.band_line(
                pct(band.from),
                band.to.map(pct).unwrap_or_default(),
                pct(band.rate),
                Money(*base).to_string()
            )
        ),
        LineKind::Bonus { at } => format!("{}: {}", lang.t(QMsg::LineBonus), lang.bonus_line(pct(*at))),
        LineKind::Clawback { period_start, period, .. } => {
            format!(
                "{} ({})",
                lang.t(QMsg::LineClawback),
                period_name(lang, &crate::domain::forecast::Period::containing(*period, *period_start))
            )
        }
    }
}

/// The rows of every statement for a spreadsheet: rep, rule, line, amount; a total per rep.
fn statement_rows(state: AppState, lang: Lang, statements: &[RepStatement]) -> Vec<Vec<String>> {
    let mut rows = vec![vec![
        lang.t(FcMsg::ColRep).to_owned(),
        lang.t(QMsg::Rules).to_owned(),
        lang.t(QMsg::Statements).to_owned(),
        lang.t(QMsg::ColTotal).to_owned(),
    ]];
    for s in statements {
        let name = rep_name(state, s.rep);
        for line in &s.lines {
            rows.push(vec![
                name.clone(),
                line.rule.clone(),
                line_text(state, lang, &line.kind),
                amount_cell(line.amount),
            ]);
        }
        rows.push(vec![name, String::new(), lang.t(QMsg::ColTotal).to_owned(), amount_cell(s.total)]);
    }
    rows
}

/// An amount as a spreadsheet reads it: `2500.00`.
fn amount_cell(amount: Money) -> String {
    let sign = if amount.0 < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", amount.0.abs() / 100, amount.0.abs() % 100)
}

/// One statement's lines.
///
/// `statement`: whose and which.
#[component]
fn StatementLines(statement: RepStatement) -> impl IntoView {
    let state = use_app();
    view! {
        <ul class="statement" data-testid="statement-lines">
            {if statement.lines.is_empty() {
                view! { <li class="muted">{tr(QMsg::NoLines)}</li> }.into_any()
            } else {
                statement.lines.into_iter().map(|line| {
                    let kind = line.kind.clone();
                    view! { <li data-testid="statement-line"><span>{line.rule.clone()} " " {move || line_text(state, state.lang.get(), &kind)}</span> " " <strong>{line.amount.to_string()}</strong></li> }
                }).collect_view().into_any()
            }}
        </ul>
    }
}
