//! 激励 / 提成: the rules a company pays its reps by, and each rep's payout statement.
//!
//! Two kinds of rule, as our users pay: a base reward per won deal times its difficulty
//! coefficient (1,000 x 2.5 = 2,500), and commission bands on attainment of the rep's target,
//! marginal (each slice of the amount at its band's rate) or retroactive (the band reached pays
//! on everything), with accelerators above 100 %, a gate (bands from 100 % pay only if the annual
//! target is met) and bonuses for passing a threshold. New reps may ramp: their target counts at
//! a stated share for a stated number of months. A statement, once closed, is kept; a deal it paid
//! that is later reopened or lost is clawed back in the next statement. Every line is rounded half
//! up to the cent; the total is the sum of the lines.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::forecast::{BasisPoints, Period, PeriodKind};
use super::money::Money;
use super::quota::attainment_of;
use super::record::{record, FieldText};
use super::records::Meta;
use super::revision::mix;

/// What a rule pays on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RuleKind {
    /// A base reward per won deal, times the deal's difficulty coefficient.
    PerDeal,
    /// Commission bands on the attainment of the rep's amount target.
    Bands,
}

/// How bands pay.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BandMode {
    /// Each slice of the amount won between two thresholds at its own band's rate.
    Marginal,
    /// The rate of the band the whole attainment falls in, on the whole amount.
    Retroactive,
}

/// A commission band: attainment from `from` up to `to` (None: no upper end) pays `rate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CommissionBand {
    pub from: BasisPoints,
    pub to: Option<BasisPoints>,
    pub rate: BasisPoints,
}

/// A bonus paid once attainment reaches `at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Bonus {
    pub at: BasisPoints,
    pub amount: Money,
}

impl FieldText for RuleKind {
    fn text(&self) -> String {
        format!("{self:?}")
    }
}
impl FieldText for BandMode {
    fn text(&self) -> String {
        format!("{self:?}")
    }
}
impl FieldText for CommissionBand {
    fn text(&self) -> String {
        let pct = |b: BasisPoints| super::forecast::percent_text(b);
        format!("{}-{} {}", pct(self.from), self.to.map(pct).unwrap_or_default(), pct(self.rate))
    }
}
impl FieldText for Bonus {
    fn text(&self) -> String {
        format!("{} {}", super::forecast::percent_text(self.at), self.amount)
    }
}
impl FieldText for PeriodKind {
    fn text(&self) -> String {
        self.code().to_owned()
    }
}

/// 激励规则: one rule of the incentive plan, for every rep or one team's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncentiveRule {
    pub meta: Meta,
    pub name: String,
    pub kind: RuleKind,
    /// Per deal: the base reward.
    pub base_reward: Money,
    /// Bands: the period whose target and won amount they read (month, quarter, year).
    pub period: PeriodKind,
    pub bands: Vec<CommissionBand>,
    pub mode: BandMode,
    /// Bands from 100 % pay only if the rep's annual amount target is met; otherwise the rate
    /// below 100 % applies above it too.
    pub annual_gate: bool,
    pub bonuses: Vec<Bonus>,
    /// A rep's first `ramp_months` months (from their start date) count their target at
    /// `ramp_share`.
    pub ramp_months: u8,
    pub ramp_share: BasisPoints,
    /// Only this team's reps (None: everyone).
    pub team: Option<Uuid>,
    pub active: bool,
}

record!(
    IncentiveRule,
    IncentiveRule,
    fields: [name, kind, base_reward, period, bands, mode, annual_gate, bonuses, ramp_months, ramp_share, team, active],
    entries: []
);

/// Why a rule was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleProblem {
    NameRequired,
    /// A per-deal rule needs a base reward above zero.
    NoBaseReward,
    NoBands,
    /// The first band must start at 0 %.
    FirstBandNotZero,
    /// A band starts where the one before it did not end (a gap or an overlap), by band number.
    Gap(usize),
    /// A band ends before (or where) it starts.
    EmptyBand(usize),
    /// Only the last band may have no upper end.
    OpenBandNotLast(usize),
    RateOver100,
    /// A bonus needs a threshold and an amount above zero.
    BadBonus,
    /// A ramp share must be from 1 % to 100 %.
    BadRamp,
}

impl IncentiveRule {
    /// A new rule with sensible defaults: a monthly marginal band table of 0 % upward at 5 %.
    pub fn new(id: Uuid, name: &str, kind: RuleKind) -> IncentiveRule {
        IncentiveRule {
            meta: Meta::new(id, super::records::Timestamp(0), ""),
            name: name.to_owned(),
            kind,
            base_reward: Money::ZERO,
            period: PeriodKind::Month,
            bands: vec![CommissionBand { from: 0, to: None, rate: 500 }],
            mode: BandMode::Marginal,
            annual_gate: false,
            bonuses: Vec::new(),
            ramp_months: 0,
            ramp_share: 10_000,
            team: None,
            active: true,
        }
    }

    /// Everything wrong with the rule, so a form can say it all at once.
    pub fn problems(&self) -> Vec<RuleProblem> {
        let mut out = Vec::new();
        if self.name.trim().is_empty() {
            out.push(RuleProblem::NameRequired);
        }
        match self.kind {
            RuleKind::PerDeal if self.base_reward.0 <= 0 => out.push(RuleProblem::NoBaseReward),
            RuleKind::PerDeal => {}
            RuleKind::Bands => out.extend(band_problems(&self.bands)),
        }
        if self.bonuses.iter().any(|b| b.at == 0 || b.amount.0 <= 0) {
            out.push(RuleProblem::BadBonus);
        }
        if !(1..=10_000).contains(&self.ramp_share) {
            out.push(RuleProblem::BadRamp);
        }
        out
    }

    /// Whether the rule pays `rep` (of `team`).
    pub fn covers(&self, team: Option<Uuid>) -> bool {
        self.active && !self.meta.is_deleted() && self.team.is_none_or(|t| team == Some(t))
    }
}

/// The band table's problems: bands must run from 0 % without gaps or overlaps, each ending
/// after it starts, only the last without an end, no rate over 100 %.
pub fn band_problems(bands: &[CommissionBand]) -> Vec<RuleProblem> {
    let mut out = Vec::new();
    let Some(first) = bands.first() else { return vec![RuleProblem::NoBands] };
    if first.from != 0 {
        out.push(RuleProblem::FirstBandNotZero);
    }
    for (i, band) in bands.iter().enumerate() {
        if band.to.is_some_and(|to| to <= band.from) {
            out.push(RuleProblem::EmptyBand(i + 1));
        }
        if band.to.is_none() && i + 1 < bands.len() {
            out.push(RuleProblem::OpenBandNotLast(i + 1));
        }
        if i > 0 && bands[i - 1].to.is_some_and(|to| to != band.from) {
            out.push(RuleProblem::Gap(i + 1));
        }
    }
    if bands.iter().any(|b| b.rate > 10_000) {
        out.push(RuleProblem::RateOver100);
    }
    out
}

/// `amount` x `rate` (basis points), rounded half up to the cent.
fn at_rate(amount: i64, rate: BasisPoints) -> i64 {
    let exact = i128::from(amount) * i128::from(rate);
    ((exact + 5_000 * exact.signum()) / 10_000) as i64
}

/// What one line of a statement is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineKind {
    /// A won deal: its base reward times its difficulty coefficient (hundredths).
    Deal { deal: Uuid, coefficient: u16 },
    /// A band's slice of the amount won (marginal), or the whole amount at the band reached
    /// (retroactive).
    Band { band: CommissionBand, base: i64 },
    /// A bonus for reaching a threshold.
    Bonus { at: BasisPoints },
    /// Paid before for a period whose figures have since fallen (a won deal reopened or lost):
    /// taken back. `deals` names the deals no longer won.
    Clawback { period_start: NaiveDate, period: PeriodKind, deals: Vec<Uuid> },
}

impl FieldText for LineKind {
    fn text(&self) -> String {
        format!("{self:?}")
    }
}

/// One line of a payout statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// The rule's name.
    pub rule: String,
    pub kind: LineKind,
    pub amount: Money,
}

impl FieldText for Line {
    fn text(&self) -> String {
        format!("{} {}", self.rule, self.amount)
    }
}

/// The figures of one rep a statement reads, for one period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RepFigures {
    /// The rep's amount target of the period (None: not set).
    pub target: Option<i64>,
    /// Amount won in the period (company currency, cents).
    pub won: i64,
    /// The deals won in it: id and difficulty coefficient (hundredths; 100 = 1).
    pub deals: Vec<(Uuid, u16, i64)>,
    /// Whether the rep met their amount target of the year containing the period.
    pub annual_met: bool,
    /// The day the rep started (ramps count from it).
    pub started: Option<NaiveDate>,
}

/// What a rule pays a rep for `period` (the rule's own period kind for bands).
pub fn pay(rule: &IncentiveRule, figures: &RepFigures, period: &Period) -> Vec<Line> {
    let line = |kind, amount: i64| Line { rule: rule.name.clone(), kind, amount: Money(amount) };
    match rule.kind {
        RuleKind::PerDeal => figures
            .deals
            .iter()
            .map(|&(deal, coefficient, _)| {
                let amount = (i128::from(rule.base_reward.0) * i128::from(coefficient) + 50) / 100;
                line(LineKind::Deal { deal, coefficient }, amount as i64)
            })
            .collect(),
        RuleKind::Bands => {
            let Some(target) = figures.target.filter(|t| *t > 0) else { return Vec::new() };
            let target = ramped(target, rule, figures.started, period.start);
            let mut lines = band_lines(rule, target, figures.won, figures.annual_met)
                .into_iter()
                .map(|(band, base, amount)| line(LineKind::Band { band, base }, amount))
                .collect::<Vec<_>>();
            let attained = attainment_of(figures.won, target).unwrap_or(0);
            for bonus in rule.bonuses.iter().filter(|b| attained >= b.at) {
                lines.push(line(LineKind::Bonus { at: bonus.at }, bonus.amount.0));
            }
            lines
        }
    }
}

/// The target as a ramping rep's counts: the rule's share while the period starts within
/// `ramp_months` of the rep's start.
fn ramped(target: i64, rule: &IncentiveRule, started: Option<NaiveDate>, period_start: NaiveDate) -> i64 {
    let ramping = started.is_some_and(|s| {
        rule.ramp_months > 0
            && period_start < s + Months::new(u32::from(rule.ramp_months))
            && period_start >= first_of(s)
    });
    if ramping {
        at_rate(target, rule.ramp_share)
    } else {
        target
    }
}

fn first_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The rate band `band` pays when the gate is closed: bands from 100 % fall back to the rate of
/// the band that holds 99.99 %.
fn gated_rate(bands: &[CommissionBand], band: &CommissionBand, gate_open: bool) -> BasisPoints {
    if gate_open || band.from < 10_000 {
        return band.rate;
    }
    bands.iter().rev().find(|b| b.from < 10_000).map_or(band.rate, |b| b.rate)
}

/// The band lines for `won` against `target`: (band, the amount it pays on, what it pays).
fn band_lines(rule: &IncentiveRule, target: i64, won: i64, annual_met: bool) -> Vec<(CommissionBand, i64, i64)> {
    let gate_open = !rule.annual_gate || annual_met;
    let threshold = |bp: BasisPoints| (i128::from(target) * i128::from(bp) / 10_000) as i64;
    let won = won.max(0);
    match rule.mode {
        BandMode::Marginal => rule
            .bands
            .iter()
            .filter_map(|band| {
                let low = threshold(band.from);
                let high = band.to.map_or(i64::MAX, threshold);
                let slice = won.clamp(low, high) - low;
                (slice > 0).then(|| (*band, slice, at_rate(slice, gated_rate(&rule.bands, band, gate_open))))
            })
            .collect(),
        BandMode::Retroactive => {
            let attained = attainment_of(won, target).unwrap_or(0);
            rule.bands
                .iter()
                .find(|b| attained >= b.from && b.to.is_none_or(|to| attained < to))
                .map(|band| vec![(*band, won, at_rate(won, gated_rate(&rule.bands, band, gate_open)))])
                .unwrap_or_default()
        }
    }
}

/// 提成单: a rep's payout statement for a period, kept once closed (paid), so that what was
/// paid can be compared later. Its id comes from the rep and the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutStatement {
    pub meta: Meta,
    pub rep: Uuid,
    pub period: PeriodKind,
    #[serde(with = "super::dates")]
    pub start: NaiveDate,
    pub lines: Vec<Line>,
    pub total: Money,
    /// The deals won in the period it was worked out on (a clawback names those no longer won).
    pub deals: Vec<Uuid>,
}

record!(PayoutStatement, PayoutStatement, fields: [rep, period, start, lines, total, deals], entries: []);

/// The id of `rep`'s statement of `period`.
pub fn statement_id(rep: Uuid, period: &Period) -> Uuid {
    let (hi, lo) = rep.as_u64_pair();
    let seed = [hi, lo, period.kind as u64, period.start.num_days_from_ce() as u64]
        .iter()
        .fold(0x7061_796f_7574, |h, x| mix(h ^ x));
    Uuid::from_u64_pair(seed, mix(seed ^ 0x5354_4154))
}

impl PayoutStatement {
    /// What it paid, clawbacks aside.
    pub fn earned(&self) -> i64 {
        self.lines.iter().filter(|l| !matches!(l.kind, LineKind::Clawback { .. })).map(|l| l.amount.0).sum()
    }

    /// What it took back for the statement of `period` starting `start`.
    pub fn clawed_back_for(&self, period: PeriodKind, start: NaiveDate) -> i64 {
        self.lines
            .iter()
            .filter(|l| matches!(l.kind, LineKind::Clawback { period: p, period_start: s, .. } if p == period && s == start))
            .map(|l| -l.amount.0)
            .sum()
    }

    pub fn period(&self) -> Period {
        Period::containing(self.period, self.start)
    }
}

/// Clawback lines for `rep`'s statement of `period`: for every earlier closed statement of the
/// rep, what it paid beyond what its period pays now (`now_pays` recomputes one), less what later
/// statements already took back. `won_now` says whether a deal is still won.
pub fn clawbacks(
    closed: &[&PayoutStatement],
    period: &Period,
    now_pays: &dyn Fn(&PayoutStatement) -> i64,
    won_now: &dyn Fn(Uuid) -> bool,
) -> Vec<Line> {
    let mut lines = Vec::new();
    for paid in closed.iter().filter(|s| s.start < period.start) {
        let already: i64 = closed.iter().map(|s| s.clawed_back_for(paid.period, paid.start)).sum();
        let owed = paid.earned() - now_pays(paid) - already;
        if owed <= 0 {
            continue;
        }
        let deals = paid.deals.iter().copied().filter(|d| !won_now(*d)).collect();
        lines.push(Line {
            rule: String::new(),
            kind: LineKind::Clawback { period_start: paid.start, period: paid.period, deals },
            amount: Money(-owed),
        });
    }
    lines
}

/// A rep's statement: every rule that covers them, then clawbacks; the total is the lines' sum.
pub fn statement(
    rules: &[&IncentiveRule],
    team: Option<Uuid>,
    figures: &dyn Fn(&Period) -> RepFigures,
    period: &Period,
) -> Vec<Line> {
    let mut lines = Vec::new();
    let own = figures(period);
    for rule in rules.iter().filter(|r| r.covers(team)) {
        match rule.kind {
            RuleKind::PerDeal => lines.extend(pay(rule, &own, period)),
            RuleKind::Bands if rule.period == period.kind => lines.extend(pay(rule, &own, period)),
            RuleKind::Bands => {}
        }
    }
    lines
}

/// The sum of the lines.
pub fn total(lines: &[Line]) -> Money {
    Money(lines.iter().map(|l| l.amount.0).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn yuan(y: i64) -> i64 {
        y * 100
    }

    fn bands(rule: &mut IncentiveRule, table: &[(u32, Option<u32>, u32)]) {
        rule.kind = RuleKind::Bands;
        rule.bands = table.iter().map(|&(from, to, rate)| CommissionBand { from, to, rate }).collect();
    }

    fn figures(target: i64, won: i64) -> RepFigures {
        RepFigures { target: Some(yuan(target)), won: yuan(won), annual_met: true, ..RepFigures::default() }
    }

    #[test]
    fn a_base_reward_times_the_difficulty_coefficient() {
        let mut rule = IncentiveRule::new(Uuid::from_u128(1), "难度奖励", RuleKind::PerDeal);
        rule.base_reward = Money::from_yuan(1_000);
        let f = RepFigures {
            deals: vec![(Uuid::from_u128(7), 250, yuan(9_000)), (Uuid::from_u128(8), 100, yuan(1))],
            ..RepFigures::default()
        };
        let month = Period::containing(PeriodKind::Month, date(2026, 12, 1));
        let lines = pay(&rule, &f, &month);
        assert_eq!(
            lines.iter().map(|l| l.amount).collect::<Vec<_>>(),
            [Money::from_yuan(2_500), Money::from_yuan(1_000)]
        );
        assert_eq!(total(&lines), Money::from_yuan(3_500));
    }

    #[test]
    fn the_monthly_marginal_example_pays_6030() {
        // Quota 33,000; <50 % 5 %, 50-100 % 10 %, 100-150 % 12 %, >=150 % 15 %; 60,000 won.
        let mut rule = IncentiveRule::new(Uuid::from_u128(1), "月度提成", RuleKind::Bands);
        bands(
            &mut rule,
            &[
                (0, Some(5_000), 500),
                (5_000, Some(10_000), 1_000),
                (10_000, Some(15_000), 1_200),
                (15_000, None, 1_500),
            ],
        );
        let month = Period::containing(PeriodKind::Month, date(2026, 12, 1));
        let lines = pay(&rule, &figures(33_000, 60_000), &month);
        let amounts: Vec<i64> = lines.iter().map(|l| l.amount.0).collect();
        assert_eq!(amounts, [yuan(825), yuan(1_650), yuan(1_980), yuan(1_575)]);
        assert_eq!(total(&lines), Money::from_yuan(6_030));
        // Retroactive: 60,000 is 181.8 %, so 15 % on all of it.
        rule.mode = BandMode::Retroactive;
        assert_eq!(total(&pay(&rule, &figures(33_000, 60_000), &month)), Money::from_yuan(9_000));
    }

    #[test]
    fn the_quarterly_accelerator_pays_8250_and_7500_with_the_annual_gate_closed() {
        let mut rule = IncentiveRule::new(Uuid::from_u128(1), "季度提成", RuleKind::Bands);
        rule.period = PeriodKind::Quarter;
        bands(&mut rule, &[(0, Some(10_000), 500), (10_000, Some(12_500), 600), (12_500, None, 700)]);
        rule.annual_gate = true;
        let q = Period::containing(PeriodKind::Quarter, date(2026, 10, 1));
        assert_eq!(total(&pay(&rule, &figures(100_000, 150_000), &q)), Money::from_yuan(8_250));
        let closed = RepFigures { annual_met: false, ..figures(100_000, 150_000) };
        assert_eq!(total(&pay(&rule, &closed, &q)), Money::from_yuan(7_500));
        // Below 100 % the gate changes nothing.
        assert_eq!(
            total(&pay(&rule, &RepFigures { annual_met: false, ..figures(100_000, 80_000) }, &q)),
            Money::from_yuan(4_000)
        );
    }

    #[test]
    fn bonuses_for_passing_100_and_120_percent_and_a_ramp() {
        let mut rule = IncentiveRule::new(Uuid::from_u128(1), "奖金", RuleKind::Bands);
        bands(&mut rule, &[(0, None, 0)]);
        rule.bonuses = vec![
            Bonus { at: 10_000, amount: Money::from_yuan(500) },
            Bonus { at: 12_000, amount: Money::from_yuan(800) },
        ];
        let month = Period::containing(PeriodKind::Month, date(2026, 12, 1));
        let paid = |won| total(&pay(&rule, &figures(10_000, won), &month));
        assert_eq!(
            (paid(9_999), paid(10_000), paid(11_999), paid(12_000)),
            (Money::ZERO, Money::from_yuan(500), Money::from_yuan(500), Money::from_yuan(1_300))
        );
        // A rep in the second month of a three-month ramp at 50 %: a 10,000 target counts as
        // 5,000, so 6,000 won passes 120 %.
        rule.ramp_months = 3;
        rule.ramp_share = 5_000;
        let ramping = RepFigures { started: Some(date(2026, 11, 10)), ..figures(10_000, 6_000) };
        assert_eq!(total(&pay(&rule, &ramping, &month)), Money::from_yuan(1_300));
        let done = RepFigures { started: Some(date(2026, 6, 1)), ..figures(10_000, 6_000) };
        assert_eq!(total(&pay(&rule, &done, &month)), Money::ZERO);
        // No target: no band pays (and nothing divides by zero).
        assert!(pay(&rule, &RepFigures { target: None, ..figures(0, 6_000) }, &month).is_empty());
        assert!(pay(&rule, &figures(0, 6_000), &month).is_empty());
    }

    #[test]
    fn band_tables_with_gaps_or_overlaps_are_refused() {
        let band = |from, to, rate| CommissionBand { from, to, rate };
        assert!(band_problems(&[band(0, Some(5_000), 500), band(5_000, None, 1_000)]).is_empty());
        assert_eq!(band_problems(&[]), [RuleProblem::NoBands]);
        assert_eq!(band_problems(&[band(100, None, 500)]), [RuleProblem::FirstBandNotZero]);
        assert_eq!(band_problems(&[band(0, Some(5_000), 500), band(6_000, None, 1_000)]), [RuleProblem::Gap(2)]);
        assert_eq!(band_problems(&[band(0, Some(5_000), 500), band(4_000, None, 1_000)]), [RuleProblem::Gap(2)]);
        assert_eq!(
            band_problems(&[band(0, None, 500), band(5_000, None, 1_000)]),
            [RuleProblem::OpenBandNotLast(1), RuleProblem::Gap(2)]
                .into_iter()
                .filter(|p| *p != RuleProblem::Gap(2))
                .collect::<Vec<_>>()
        );
        assert_eq!(band_problems(&[band(0, Some(0), 500)]), [RuleProblem::EmptyBand(1)]);
        assert_eq!(band_problems(&[band(0, None, 10_001)]), [RuleProblem::RateOver100]);
        let mut rule = IncentiveRule::new(Uuid::from_u128(1), " ", RuleKind::PerDeal);
        rule.ramp_share = 0;
        assert_eq!(rule.problems(), [RuleProblem::NameRequired, RuleProblem::NoBaseReward, RuleProblem::BadRamp]);
    }

    #[test]
    fn a_deal_reopened_after_payout_is_clawed_back_once_in_the_next_statement() {
        let mut rule = IncentiveRule::new(Uuid::from_u128(1), "难度奖励", RuleKind::PerDeal);
        rule.base_reward = Money::from_yuan(1_000);
        let (a, b) = (Uuid::from_u128(7), Uuid::from_u128(8));
        let november = Period::containing(PeriodKind::Month, date(2026, 11, 1));
        let rep = Uuid::from_u128(3);
        let paid_lines =
            pay(&rule, &RepFigures { deals: vec![(a, 200, 0), (b, 100, 0)], ..RepFigures::default() }, &november);
        let paid = PayoutStatement {
            meta: Meta::new(statement_id(rep, &november), super::super::records::Timestamp(0), "t"),
            rep,
            period: PeriodKind::Month,
            start: november.start,
            total: total(&paid_lines),
            lines: paid_lines,
            deals: vec![a, b],
        };
        assert_eq!(paid.total, Money::from_yuan(3_000));
        // Deal a was reopened: November now pays only b's 1,000.
        let now_pays = |s: &PayoutStatement| {
            total(&pay(&rule, &RepFigures { deals: vec![(b, 100, 0)], ..RepFigures::default() }, &s.period())).0
        };
        let won_now = |d: Uuid| d == b;
        let december = november.next();
        let lines = clawbacks(&[&paid], &december, &now_pays, &won_now);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].amount, Money::from_yuan(-2_000));
        assert_eq!(
            lines[0].kind,
            LineKind::Clawback { period_start: november.start, period: PeriodKind::Month, deals: vec![a] }
        );
        // Once December's statement (with that line) is closed, January claws back nothing more.
        let december_closed = PayoutStatement {
            meta: Meta::new(statement_id(rep, &december), super::super::records::Timestamp(0), "t"),
            rep,
            period: PeriodKind::Month,
            start: december.start,
            total: total(&lines),
            lines,
            deals: Vec::new(),
        };
        assert!(clawbacks(&[&paid, &december_closed], &december.next(), &now_pays, &won_now).is_empty());
        // A statement does not claw back its own period or later ones.
        assert!(clawbacks(&[&paid], &november, &now_pays, &won_now).is_empty());
    }
}
