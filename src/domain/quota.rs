//! 销售目标: targets for a period, set for the company and split down to teams and reps, and what
//! each has attained of them, paced on the working-day calendar.
//!
//! A target is kept per month, per holder (the company, a team, a rep) and per measure (amount
//! won, won deals, new customers, activities), with three tiers (目标 / 冲刺 / 挑战). A quarter's
//! or a year's target is the sum of its months, so months always add up. Amounts are integer
//! cents, counts plain numbers; every split adds up to the whole exactly (largest remainder).

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::forecast::{BasisPoints, Fx, Period, PeriodKind};
use super::pipeline::{Deal, Pipeline};
use super::record::{record, Entry, FieldText};
use super::records::{Customer, Meta, Rep, StageOutcome, Team, Timestamp, UtcOffset};
use super::revision::{mix, EntryId};

/// What a target counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Measure {
    /// Amount won (company currency, cents).
    Amount,
    /// Deals won.
    WonDeals,
    /// Customers added.
    NewCustomers,
    /// Activities and follow-ups recorded.
    Activities,
}

impl Measure {
    pub const ALL: [Measure; 4] = [Measure::Amount, Measure::WonDeals, Measure::NewCustomers, Measure::Activities];

    /// Its name in the address (`?measure=won`).
    pub fn code(self) -> &'static str {
        match self {
            Measure::Amount => "amount",
            Measure::WonDeals => "won",
            Measure::NewCustomers => "customers",
            Measure::Activities => "activities",
        }
    }

    pub fn from_code(code: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.code() == code)
    }

    /// Whether its figures are money (cents) rather than counts.
    pub fn is_money(self) -> bool {
        self == Measure::Amount
    }
}

impl FieldText for Measure {
    fn text(&self) -> String {
        self.code().to_owned()
    }
}

/// Who a target is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Holder {
    Company,
    Team(Uuid),
    Rep(Uuid),
}

impl FieldText for Holder {
    fn text(&self) -> String {
        match self {
            Holder::Company => "company".into(),
            Holder::Team(id) => format!("team {id}"),
            Holder::Rep(id) => format!("rep {id}"),
        }
    }
}

/// The three tiers of a target: 目标 (the target), 冲刺 (stretch), 挑战 (challenge).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Tiers {
    pub target: i64,
    pub stretch: Option<i64>,
    pub challenge: Option<i64>,
}

impl Tiers {
    pub fn of(target: i64) -> Tiers {
        Tiers { target, stretch: None, challenge: None }
    }

    /// Adds another period's tiers (a tier set in some months only adds their target there).
    fn add(&mut self, other: &Tiers) {
        let (mine, theirs) = (self.stretch.is_some() || other.stretch.is_some(), self.challenge.is_some());
        self.stretch = mine.then(|| self.stretch.unwrap_or(self.target) + other.stretch.unwrap_or(other.target));
        self.challenge = (theirs || other.challenge.is_some())
            .then(|| self.challenge.unwrap_or(self.target) + other.challenge.unwrap_or(other.target));
        self.target += other.target;
    }
}

/// One change of a target: who, when, from what to what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetChange {
    pub id: EntryId,
    pub at: Timestamp,
    pub by: String,
    pub from: Option<Tiers>,
    pub to: Tiers,
}

impl Entry for TargetChange {
    fn entry_id(&self) -> EntryId {
        self.id
    }
}

/// 销售目标: one month's target of one holder for one measure. Its id comes from the holder,
/// the measure and the month, so the same target set on two devices is one record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub meta: Meta,
    pub holder: Holder,
    pub measure: Measure,
    /// The first day of the month.
    #[serde(with = "super::dates")]
    pub month: NaiveDate,
    pub target: i64,
    pub stretch: Option<i64>,
    pub challenge: Option<i64>,
    /// Every change, with who and when (append-only).
    pub changes: Vec<TargetChange>,
}

record!(Target, Target, fields: [holder, measure, month, target, stretch, challenge], entries: [changes]);

impl Target {
    pub fn tiers(&self) -> Tiers {
        Tiers { target: self.target, stretch: self.stretch, challenge: self.challenge }
    }
}

/// The id of the target of `holder` for `measure` in the month starting `month`.
pub fn target_id(holder: Holder, measure: Measure, month: NaiveDate) -> Uuid {
    let (tag, (hi, lo)) = match holder {
        Holder::Company => (1u64, (0, 0)),
        Holder::Team(id) => (2, id.as_u64_pair()),
        Holder::Rep(id) => (3, id.as_u64_pair()),
    };
    let seed =
        [tag, hi, lo, measure as u64, month.num_days_from_ce() as u64].iter().fold(0x7a72_6774, |h, x| mix(h ^ x));
    Uuid::from_u64_pair(seed, mix(seed ^ 0x0051_554f_5441))
}

/// Why targets, a split or a calendar were not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuotaProblem {
    /// A target below zero.
    Negative,
    /// A stretch below the target, or a challenge below the stretch.
    TiersOutOfOrder,
    /// A target of a team or rep that does not exist (or was deleted).
    UnknownHolder,
    /// A month that is not the first day of a month.
    NotAMonth,
    /// Weights that are all zero: nothing to split by.
    WeightsAllZero,
    /// Nothing to split among.
    NoParts,
    /// A period with no working day in it.
    NoWorkingDays,
    /// A figure too large to add up safely (or a text too long).
    TooLarge,
    /// Evaluation weights that do not add up to 100 %.
    WeightsNot100,
    /// A score, capacity, share or number of years outside what it can be.
    OutOfRange,
    /// A rep who left before they started.
    LeftBeforeStart,
    /// An allotment without a product or service named.
    ProductRequired,
    /// An allotment's limit or a use's quantity of zero.
    QuantityRequired,
}

/// The largest target accepted: a trillion yuan in cents (sums of thousands stay far from
/// overflow).
pub const MAX_TARGET: i64 = 100_000_000_000_000;

/// Checks one month's tiers.
pub fn check_tiers(tiers: &Tiers) -> Result<(), QuotaProblem> {
    let all = [Some(tiers.target), tiers.stretch, tiers.challenge];
    if all.iter().flatten().any(|v| *v < 0) {
        return Err(QuotaProblem::Negative);
    }
    if all.iter().flatten().any(|v| *v > MAX_TARGET) {
        return Err(QuotaProblem::TooLarge);
    }
    let stretch = tiers.stretch.unwrap_or(tiers.target);
    if stretch < tiers.target || tiers.challenge.is_some_and(|c| c < stretch) {
        return Err(QuotaProblem::TiersOutOfOrder);
    }
    Ok(())
}

/// The first days of the months of `period`.
pub fn months_of(period: &Period) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut month = period.start;
    while month < period.end {
        out.push(month);
        month = Period::containing(PeriodKind::Month, month).end;
    }
    out
}

/// `total` split into parts in proportion to `weights`, adding up to `total` exactly: each part
/// rounded down, and what remains given one by one to the parts that lost most to rounding
/// (the first of equals first).
pub fn split(total: i64, weights: &[u64]) -> Result<Vec<i64>, QuotaProblem> {
    if weights.is_empty() {
        return Err(QuotaProblem::NoParts);
    }
    if total < 0 {
        return Err(QuotaProblem::Negative);
    }
    let sum: u128 = weights.iter().map(|w| u128::from(*w)).sum();
    if sum == 0 {
        return Err(QuotaProblem::WeightsAllZero);
    }
    let total = total as u128;
    let mut parts: Vec<i64> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let exact = total * u128::from(*w);
        parts.push((exact / sum) as i64);
        remainders.push((exact % sum, i));
    }
    let given: i64 = parts.iter().sum();
    let mut left = total as i64 - given;
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    Ok(parts)
}

/// `tiers` split into `parts` equal parts (each tier exactly, see `split`): a quarter's or a
/// year's target spread over its months.
pub fn spread(tiers: Tiers, parts: usize) -> Result<Vec<Tiers>, QuotaProblem> {
    split_tiers(tiers, &vec![1; parts])
}

/// `tiers` split by `weights`, each tier exactly.
pub fn split_tiers(tiers: Tiers, weights: &[u64]) -> Result<Vec<Tiers>, QuotaProblem> {
    check_tiers(&tiers)?;
    let targets = split(tiers.target, weights)?;
    let stretch = tiers.stretch.map(|s| split(s, weights)).transpose()?;
    let challenge = tiers.challenge.map(|c| split(c, weights)).transpose()?;
    Ok((0..weights.len())
        .map(|i| Tiers {
            target: targets[i],
            stretch: stretch.as_ref().map(|s| s[i]),
            challenge: challenge.as_ref().map(|c| c[i]),
        })
        .collect())
}

/// A figure as typed for `measure`: an amount (`3.5万`, `12,000`) in cents, or a whole count;
/// None when empty.
pub fn parse_figure(measure: Measure, text: &str) -> Result<Option<i64>, QuotaProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let value = if measure.is_money() {
        super::money::Money::parse(text).map(|m| m.0).map_err(|e| match e {
            super::money::MoneyError::Negative => QuotaProblem::Negative,
            super::money::MoneyError::TooLarge => QuotaProblem::TooLarge,
            super::money::MoneyError::NotANumber => QuotaProblem::OutOfRange,
        })?
    } else {
        let digits: String = text.chars().map(super::money::half_width).filter(|c| *c != ',').collect();
        if digits.starts_with('-') {
            return Err(QuotaProblem::Negative);
        }
        digits.parse::<u32>().map(i64::from).map_err(|_| QuotaProblem::OutOfRange)?
    };
    if value > MAX_TARGET {
        return Err(QuotaProblem::TooLarge);
    }
    Ok(Some(value))
}

/// A figure of `measure` as shown: an amount in full (`¥12,345.00`) or a count.
pub fn figure_text(measure: Measure, value: i64) -> String {
    if measure.is_money() {
        super::money::Money(value).to_string()
    } else {
        value.to_string()
    }
}

/// How much the parts' sum differs from the whole (positive: the parts add up to more); None
/// when there is no whole or no part set to compare.
pub fn mismatch(whole: Option<i64>, parts: &[Option<i64>]) -> Option<i64> {
    let whole = whole?;
    let set: Vec<i64> = parts.iter().flatten().copied().collect();
    if set.is_empty() {
        return None;
    }
    let diff = set.iter().sum::<i64>() - whole;
    (diff != 0).then_some(diff)
}

/// Every target of the book by holder, measure and month, for sums over periods.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TargetBook {
    months: HashMap<(Holder, Measure, NaiveDate), Tiers>,
}

impl TargetBook {
    pub fn new<'a>(targets: impl IntoIterator<Item = &'a Target>) -> TargetBook {
        let months = targets
            .into_iter()
            .filter(|t| !t.meta.is_deleted())
            .map(|t| ((t.holder, t.measure, t.month), t.tiers()))
            .collect();
        TargetBook { months }
    }

    /// One month's tiers, if set.
    pub fn month(&self, holder: Holder, measure: Measure, month: NaiveDate) -> Option<Tiers> {
        self.months.get(&(holder, measure, month)).copied()
    }

    /// The tiers of `period`: the sum of its months' (None if no month of it is set).
    pub fn of(&self, holder: Holder, measure: Measure, period: &Period) -> Option<Tiers> {
        let mut sum: Option<Tiers> = None;
        for month in months_of(period) {
            if let Some(t) = self.month(holder, measure, month) {
                sum.get_or_insert_with(Tiers::default).add(&t);
            }
        }
        sum
    }
}

/// The company's people as the split sees them: teams with their active reps, and active reps
/// in no team (who sit directly under the company).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Org {
    pub teams: Vec<(Uuid, Vec<Uuid>)>,
    pub teamless: Vec<Uuid>,
}

impl Org {
    /// The org of active reps.
    pub fn new<'a>(teams: impl IntoIterator<Item = &'a Team>, reps: impl IntoIterator<Item = &'a Rep>) -> Org {
        Org::of_period(teams, reps, &|_| None, None)
    }

    /// The org as it was during `period`: active reps, and reps who left during or after it
    /// (`left` gives a rep's leaving day): a rep who left mid-period still counts in their
    /// team's results for it.
    pub fn of_period<'a>(
        teams: impl IntoIterator<Item = &'a Team>,
        reps: impl IntoIterator<Item = &'a Rep>,
        left: &dyn Fn(Uuid) -> Option<NaiveDate>,
        period: Option<&Period>,
    ) -> Org {
        let mut org = Org {
            teams: teams.into_iter().filter(|t| !t.meta.is_deleted()).map(|t| (t.meta.id, Vec::new())).collect(),
            teamless: Vec::new(),
        };
        let counts = |r: &Rep| r.active || period.is_some_and(|p| left(r.meta.id).is_some_and(|day| day >= p.start));
        for rep in reps.into_iter().filter(|r| !r.meta.is_deleted() && counts(r)) {
            match rep.team.and_then(|t| org.teams.iter_mut().find(|(id, _)| *id == t)) {
                Some((_, members)) => members.push(rep.meta.id),
                None => org.teamless.push(rep.meta.id),
            }
        }
        org
    }

    /// The holders directly under `holder`: the company's teams and teamless reps, a team's reps.
    pub fn parts(&self, holder: Holder) -> Vec<Holder> {
        match holder {
            Holder::Company => self
                .teams
                .iter()
                .map(|(t, _)| Holder::Team(*t))
                .chain(self.teamless.iter().map(|r| Holder::Rep(*r)))
                .collect(),
            Holder::Team(team) => self
                .teams
                .iter()
                .find(|(t, _)| *t == team)
                .map(|(_, reps)| reps.iter().map(|r| Holder::Rep(*r)).collect())
                .unwrap_or_default(),
            Holder::Rep(_) => Vec::new(),
        }
    }

    /// The reps whose results make up `holder`'s.
    pub fn reps_of(&self, holder: Holder) -> Vec<Uuid> {
        match holder {
            Holder::Company => {
                self.teams.iter().flat_map(|(_, r)| r.iter().copied()).chain(self.teamless.iter().copied()).collect()
            }
            Holder::Team(team) => {
                self.teams.iter().find(|(t, _)| *t == team).map(|(_, r)| r.clone()).unwrap_or_default()
            }
            Holder::Rep(rep) => vec![rep],
        }
    }
}

/// How a whole is split among its parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SplitMethod {
    /// The same to each.
    Even,
    /// By each rep's capacity (a team: its reps' together).
    Capacity,
    /// By each rep's years of experience (at least one; a team: its reps' together).
    Experience,
    /// By each part's share of what was attained in the period before.
    LastPeriod,
}

impl SplitMethod {
    pub const ALL: [SplitMethod; 4] =
        [SplitMethod::Even, SplitMethod::Capacity, SplitMethod::Experience, SplitMethod::LastPeriod];

    pub fn code(self) -> &'static str {
        match self {
            SplitMethod::Even => "even",
            SplitMethod::Capacity => "capacity",
            SplitMethod::Experience => "experience",
            SplitMethod::LastPeriod => "last",
        }
    }

    pub fn from_code(code: &str) -> Option<SplitMethod> {
        SplitMethod::ALL.into_iter().find(|m| m.code() == code)
    }
}

/// A rep's profile for targets and incentives: capacity (100 = a full rep), years of experience,
/// when they started (for ramps) and left. Its id is the rep's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepProfile {
    pub meta: Meta,
    /// Capacity in percent of a full rep (a part-timer 50, a lead 120).
    pub capacity: u16,
    pub experience_years: u8,
    pub started: Option<NaiveDate>,
    pub left: Option<NaiveDate>,
}

record!(RepProfile, RepProfile, fields: [capacity, experience_years, started, left], entries: []);

/// The largest capacity accepted (percent).
pub const MAX_CAPACITY: u16 = 500;

impl RepProfile {
    /// The profile a rep has until one is saved: a full rep, no experience recorded.
    pub fn default_for(rep: Uuid) -> RepProfile {
        RepProfile {
            meta: Meta::new(rep, Timestamp(0), ""),
            capacity: 100,
            experience_years: 0,
            started: None,
            left: None,
        }
    }
}

/// The weights of `parts` under `method`: `profile` gives a rep's profile, `last` what a part
/// attained in the period before.
pub fn split_weights(
    method: SplitMethod,
    parts: &[Holder],
    org: &Org,
    profile: &dyn Fn(Uuid) -> RepProfile,
    last: &dyn Fn(Holder) -> i64,
) -> Vec<u64> {
    let of_reps = |holder: Holder, weight: &dyn Fn(&RepProfile) -> u64| -> u64 {
        org.reps_of(holder).iter().map(|r| weight(&profile(*r))).sum()
    };
    parts
        .iter()
        .map(|&p| match method {
            SplitMethod::Even => 1,
            SplitMethod::Capacity => of_reps(p, &|r| u64::from(r.capacity)),
            SplitMethod::Experience => of_reps(p, &|r| u64::from(r.experience_years.max(1))),
            SplitMethod::LastPeriod => last(p).max(0) as u64,
        })
        .collect()
}

/// The working-day calendar: Monday to Friday, less the holidays, plus the weekend days worked
/// instead (调休), which China's holiday schedule moves every year.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    pub holidays: Vec<NaiveDate>,
    pub workdays: Vec<NaiveDate>,
}

impl Calendar {
    pub fn is_working(&self, day: NaiveDate) -> bool {
        if self.workdays.contains(&day) {
            return true;
        }
        !self.holidays.contains(&day) && !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// Working days from `from` up to (not including) `to`.
    pub fn working_days(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut n = 0;
        let mut day = from;
        while day < to {
            n += u32::from(self.is_working(day));
            day += Duration::days(1);
        }
        n
    }
}

/// Where a holder should be by today on the working-day calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pace {
    /// Working days of the period up to and including today.
    pub elapsed: u32,
    pub total: u32,
    /// The target's share for the elapsed working days (rounded half up).
    pub expected: i64,
}

/// The pace of `target` over `period` on `today`.
pub fn pace(target: i64, period: &Period, today: NaiveDate, calendar: &Calendar) -> Result<Pace, QuotaProblem> {
    let total = calendar.working_days(period.start, period.end);
    if total == 0 {
        return Err(QuotaProblem::NoWorkingDays);
    }
    let through = (today + Duration::days(1)).clamp(period.start, period.end);
    let elapsed = calendar.working_days(period.start, through);
    let expected =
        ((i128::from(target) * i128::from(elapsed) * 2 + i128::from(total)) / (2 * i128::from(total))) as i64;
    Ok(Pace { elapsed, total, expected })
}

/// A deal won in a period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WonDeal {
    pub owner: Option<Uuid>,
    pub day: NaiveDate,
    /// In the company currency, cents.
    pub amount: i64,
    pub id: Uuid,
    /// Its difficulty coefficient in hundredths (250 is 2.5).
    pub difficulty: u16,
}

/// What each rep attained in a period, by measure, and the open weighted pipeline due in it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Actuals {
    /// Per rep (None: deals and customers without an owner): amount won, deals won, customers
    /// added, activities.
    pub by_rep: HashMap<Option<Uuid>, [i64; 4]>,
    /// Open deals due in the period, weighted (amount x win probability), per rep.
    pub open_weighted: HashMap<Option<Uuid>, i64>,
    /// Each won deal of the period, in the order they were won.
    pub won: Vec<WonDeal>,
    /// Won deals left out of amounts: their currency has no rate.
    pub unconverted: usize,
}

impl Actuals {
    /// What `reps` attained together in `measure`.
    pub fn of(&self, reps: &[Uuid], measure: Measure) -> i64 {
        reps.iter().map(|r| self.by_rep.get(&Some(*r)).map_or(0, |a| a[measure as usize])).sum()
    }

    /// The open weighted pipeline of `reps`.
    pub fn open_of(&self, reps: &[Uuid]) -> i64 {
        reps.iter().map(|r| self.open_weighted.get(&Some(*r)).copied().unwrap_or(0)).sum()
    }

    /// The company's: everyone's, owned or not.
    pub fn total(&self, measure: Measure) -> i64 {
        self.by_rep.values().map(|a| a[measure as usize]).sum()
    }
}

/// Which measures a pass over the book counts: a page showing one measure counts that one
/// (amounts and won deals read the deals; new customers the customers; activities both).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counting {
    pub deals: bool,
    pub customers: bool,
    pub activities: bool,
}

impl Counting {
    pub const ALL: Counting = Counting { deals: true, customers: true, activities: true };

    pub fn of(measure: Measure) -> Counting {
        let none = Counting { deals: false, customers: false, activities: false };
        match measure {
            Measure::Amount | Measure::WonDeals => Counting { deals: true, ..none },
            Measure::NewCustomers => Counting { customers: true, ..none },
            Measure::Activities => Counting { activities: true, ..none },
        }
    }
}

/// What was attained in `period` (local dates at `offset`): deals won in it (amounts converted
/// into the company currency by `fx`), customers added, activities and follow-ups dated in it;
/// and the open pipeline due in it, weighted.
pub fn actuals(
    pipeline: &Pipeline,
    deals: &[Deal],
    customers: &[Customer],
    period: &Period,
    offset: UtcOffset,
    fx: &Fx,
) -> Actuals {
    actuals_counting(pipeline, deals, customers, period, offset, fx, Counting::ALL)
}

/// `actuals`, counting only what `counting` asks for (the others stay zero).
pub fn actuals_counting(
    pipeline: &Pipeline,
    deals: &[Deal],
    customers: &[Customer],
    period: &Period,
    offset: UtcOffset,
    fx: &Fx,
    counting: Counting,
) -> Actuals {
    let mut out = Actuals::default();
    let outcomes: Vec<(Uuid, StageOutcome)> = pipeline.stages.iter().map(|s| (s.id, s.outcome)).collect();
    for deal in deals.iter().filter(|d| !d.meta.is_deleted() && (counting.deals || counting.activities)) {
        let Some(outcome) = outcomes.iter().find(|(id, _)| *id == deal.stage).map(|(_, o)| *o) else { continue };
        if counting.activities {
            let n = deal.activities.iter().filter(|a| period.contains(a.date)).count() as i64;
            out.by_rep.entry(deal.owner).or_default()[Measure::Activities as usize] += n;
        }
        if !counting.deals {
            continue;
        }
        match outcome {
            StageOutcome::Won => {
                let day = super::forecast::closed_at(deal).date(offset);
                if !period.contains(day) {
                    continue;
                }
                let row = out.by_rep.entry(deal.owner).or_default();
                row[Measure::WonDeals as usize] += 1;
                match fx.convert(deal.amount, deal.currency, day) {
                    Some(amount) => {
                        row[Measure::Amount as usize] += amount.0;
                        out.won.push(WonDeal {
                            owner: deal.owner,
                            day,
                            amount: amount.0,
                            id: deal.meta.id,
                            difficulty: deal.difficulty,
                        });
                    }
                    None => out.unconverted += 1,
                }
            }
            StageOutcome::Open => {
                let Some(close) = deal.expected_close.filter(|c| period.contains(*c)) else { continue };
                if let Some(amount) = fx.convert(deal.amount, deal.currency, close) {
                    let weighted = amount.0 * i64::from(pipeline.probability(deal)) / 100;
                    *out.open_weighted.entry(deal.owner).or_default() += weighted;
                }
            }
            StageOutcome::Lost => {}
        }
    }
    for customer in customers.iter().filter(|c| !c.meta.is_deleted() && (counting.customers || counting.activities)) {
        let row = out.by_rep.entry(customer.owner).or_default();
        if counting.customers && period.contains(customer.meta.created_at.date(offset)) {
            row[Measure::NewCustomers as usize] += 1;
        }
        if counting.activities {
            row[Measure::Activities as usize] +=
                customer.communications.iter().filter(|c| period.contains(c.date)).count() as i64;
        }
    }
    out.won.sort_by_key(|w| (w.day, w.id));
    out
}

/// One holder's standing in a period.
#[derive(Clone, Debug, PartialEq)]
pub struct Standing {
    pub holder: Holder,
    pub target: Option<Tiers>,
    pub actual: i64,
    /// Actual / target, in basis points (None without a target above zero).
    pub attainment: Option<BasisPoints>,
    /// What is left to reach the target (0 once reached).
    pub gap: i64,
    /// Where the holder should be by today, and by how much they are ahead (negative: behind).
    pub pace: Option<Pace>,
    pub ahead: Option<i64>,
    /// Open weighted pipeline due in the period.
    pub open_weighted: i64,
    /// Open weighted pipeline / what remains of the target (amounts only).
    pub coverage: Option<f64>,
}

/// Actual over target in basis points, rounded down (None for no target, or a target of zero).
pub fn attainment_of(actual: i64, target: i64) -> Option<BasisPoints> {
    (target > 0).then(|| (i128::from(actual.max(0)) * 10_000 / i128::from(target)).min(u32::MAX as i128) as u32)
}

/// What the standings of a period read: its targets, its people, what they attained, the
/// calendar, and the day it is.
pub struct Sheet<'a> {
    pub period: Period,
    pub today: NaiveDate,
    pub book: &'a TargetBook,
    pub org: &'a Org,
    pub actuals: &'a Actuals,
    pub calendar: &'a Calendar,
}

impl Sheet<'_> {
    /// The standing of `holder` for `measure`.
    pub fn standing(&self, holder: Holder, measure: Measure) -> Standing {
        let target = self.book.of(holder, measure, &self.period);
        let (actual, open_weighted) = match holder {
            Holder::Company => (self.actuals.total(measure), self.actuals.open_weighted.values().sum()),
            _ => {
                let reps = self.org.reps_of(holder);
                (self.actuals.of(&reps, measure), self.actuals.open_of(&reps))
            }
        };
        let goal = target.map(|t| t.target);
        let pace = goal.and_then(|g| pace(g, &self.period, self.today, self.calendar).ok());
        Standing {
            holder,
            target,
            actual,
            attainment: goal.and_then(|g| attainment_of(actual, g)),
            gap: goal.map_or(0, |g| (g - actual).max(0)),
            ahead: pace.map(|p| actual - p.expected),
            pace,
            open_weighted,
            coverage: goal.filter(|_| measure.is_money()).and_then(|g| {
                let remaining = g - actual;
                (remaining > 0).then(|| open_weighted as f64 / remaining as f64)
            }),
        }
    }

    /// The company, each team and each rep, in the org's order (a team before its reps).
    pub fn standings(&self, measure: Measure) -> Vec<Standing> {
        let mut out = vec![self.standing(Holder::Company, measure)];
        for (team, reps) in &self.org.teams {
            out.push(self.standing(Holder::Team(*team), measure));
            out.extend(reps.iter().map(|r| self.standing(Holder::Rep(*r), measure)));
        }
        out.extend(self.org.teamless.iter().map(|r| self.standing(Holder::Rep(*r), measure)));
        out
    }
}

/// Reps by attainment, highest first (then by amount; reps without a target last).
pub fn leaderboard(standings: &[Standing]) -> Vec<&Standing> {
    let mut reps: Vec<&Standing> = standings.iter().filter(|s| matches!(s.holder, Holder::Rep(_))).collect();
    reps.sort_by(|a, b| b.attainment.cmp(&a.attainment).then(b.actual.cmp(&a.actual)));
    reps
}

/// The won amount of `reps` day by day through `period`, added up (the burn-up): one point per
/// day from the period's start to `until` (its end, or today if sooner).
pub fn burn_up(actuals: &Actuals, reps: Option<&[Uuid]>, period: &Period, until: NaiveDate) -> Vec<(NaiveDate, i64)> {
    let mut points = Vec::new();
    let mut sum = 0;
    let mut won =
        actuals.won.iter().filter(|w| reps.is_none_or(|reps| w.owner.is_some_and(|o| reps.contains(&o)))).peekable();
    let end = until.min(period.end - Duration::days(1));
    let mut day = period.start;
    while day <= end {
        while let Some(w) = won.next_if(|w| w.day <= day) {
            sum += w.amount;
        }
        points.push((day, sum));
        day += Duration::days(1);
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(not(target_arch = "wasm32"))]
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_split_adds_up_to_the_whole_in_cents() {
        assert_eq!(split(100, &[1, 1, 1]).unwrap(), [34, 33, 33]);
        assert_eq!(split(1_000_000, &[100, 50, 120]).unwrap().iter().sum::<i64>(), 1_000_000);
        assert_eq!(split(10, &[0, 3, 1]).unwrap(), [0, 8, 2]);
        assert_eq!(split(5, &[0, 0]), Err(QuotaProblem::WeightsAllZero));
        assert_eq!(split(5, &[]), Err(QuotaProblem::NoParts));
        assert_eq!(split(-5, &[1]), Err(QuotaProblem::Negative));
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest! {
        #[test]
        fn every_split_adds_up_exactly_and_follows_its_weights(
            total in 0i64..MAX_TARGET,
            weights in proptest::collection::vec(0u64..1_000_000, 1..60),
        ) {
            prop_assume!(weights.iter().any(|w| *w > 0));
            let parts = split(total, &weights).unwrap();
            prop_assert_eq!(parts.iter().sum::<i64>(), total);
            let sum: u128 = weights.iter().map(|w| u128::from(*w)).sum();
            for (part, w) in parts.iter().zip(&weights) {
                // Each part is within one cent of its exact share; a zero weight gets nothing.
                let exact = total as u128 * u128::from(*w);
                let floor = (exact / sum) as i64;
                prop_assert!(*part == floor || *part == floor + 1, "{part} vs {floor}");
                if *w == 0 { prop_assert_eq!(*part, 0); }
            }
        }
    }

    #[test]
    fn months_add_up_to_quarters_and_years() {
        let rep = Holder::Rep(Uuid::from_u128(1));
        let month = |m| date(2026, m, 1);
        let target = |m, t: i64, stretch: Option<i64>| Target {
            meta: Meta::new(target_id(rep, Measure::Amount, month(m)), Timestamp(0), "t"),
            holder: rep,
            measure: Measure::Amount,
            month: month(m),
            target: t,
            stretch,
            challenge: None,
            changes: Vec::new(),
        };
        let book = TargetBook::new(&[
            target(1, 100, Some(120)),
            target(2, 200, None),
            target(3, 300, None),
            target(4, 50, None),
        ]);
        let q1 = Period::containing(PeriodKind::Quarter, date(2026, 2, 10));
        let q = book.of(rep, Measure::Amount, &q1).unwrap();
        assert_eq!((q.target, q.stretch, q.challenge), (600, Some(620), None));
        assert_eq!(
            book.of(rep, Measure::Amount, &Period::containing(PeriodKind::Year, date(2026, 6, 1))).unwrap().target,
            650
        );
        assert_eq!(book.of(rep, Measure::WonDeals, &q1), None);
        assert_eq!(book.of(rep, Measure::Amount, &Period::containing(PeriodKind::Month, date(2026, 7, 1))), None);
        assert_ne!(target_id(rep, Measure::Amount, month(1)), target_id(rep, Measure::Amount, month(2)));
        assert_ne!(target_id(rep, Measure::Amount, month(1)), target_id(Holder::Company, Measure::Amount, month(1)));
    }

    #[test]
    fn tiers_must_rise_and_stay_positive() {
        assert_eq!(check_tiers(&Tiers { target: 100, stretch: Some(120), challenge: Some(150) }), Ok(()));
        assert_eq!(check_tiers(&Tiers::of(-1)), Err(QuotaProblem::Negative));
        assert_eq!(
            check_tiers(&Tiers { target: 100, stretch: Some(90), challenge: None }),
            Err(QuotaProblem::TiersOutOfOrder)
        );
        assert_eq!(
            check_tiers(&Tiers { target: 100, stretch: None, challenge: Some(99) }),
            Err(QuotaProblem::TiersOutOfOrder)
        );
        assert_eq!(check_tiers(&Tiers::of(MAX_TARGET + 1)), Err(QuotaProblem::TooLarge));
    }

    #[test]
    fn a_quarter_spreads_over_its_months_and_figures_read_as_typed() {
        let months = spread(Tiers { target: 100_000, stretch: Some(120_001), challenge: None }, 3).unwrap();
        assert_eq!(months.iter().map(|t| t.target).collect::<Vec<_>>(), [33_334, 33_333, 33_333]);
        assert_eq!(months.iter().map(|t| t.stretch.unwrap()).sum::<i64>(), 120_001);
        assert!(months.iter().all(|t| t.challenge.is_none()));
        assert_eq!(spread(Tiers::of(-1), 3), Err(QuotaProblem::Negative));
        assert_eq!(parse_figure(Measure::Amount, "3.5万"), Ok(Some(3_500_000)));
        assert_eq!(parse_figure(Measure::Amount, ""), Ok(None));
        assert_eq!(parse_figure(Measure::Amount, "-5"), Err(QuotaProblem::Negative));
        assert_eq!(parse_figure(Measure::WonDeals, "１２"), Ok(Some(12)));
        assert_eq!(parse_figure(Measure::WonDeals, "1.5"), Err(QuotaProblem::OutOfRange));
        assert_eq!(figure_text(Measure::Amount, 3_500_000), "¥35,000.00");
        assert_eq!(figure_text(Measure::Activities, 40), "40");
    }

    #[test]
    fn a_mismatch_is_said_in_cents() {
        assert_eq!(mismatch(Some(100_000), &[Some(60_000), Some(39_999)]), Some(-1));
        assert_eq!(mismatch(Some(100_000), &[Some(60_000), Some(40_000)]), None);
        assert_eq!(mismatch(Some(100_000), &[None, None]), None, "nothing split yet");
        assert_eq!(mismatch(None, &[Some(5)]), None);
        assert_eq!(mismatch(Some(10), &[Some(7), None, Some(5)]), Some(2));
    }

    #[test]
    fn pace_follows_the_working_days_with_a_make_up_workday() {
        // October 2026: National Day 1-7 off, Saturday the 10th worked instead (调休).
        let calendar =
            Calendar { holidays: (1..=7).map(|d| date(2026, 10, d)).collect(), workdays: vec![date(2026, 10, 10)] };
        let october = Period::containing(PeriodKind::Month, date(2026, 10, 1));
        // 22 weekdays, 5 of them off (1, 2, 5, 6, 7), and Saturday the 10th: 18.
        assert_eq!(calendar.working_days(october.start, october.end), 18);
        assert!(calendar.is_working(date(2026, 10, 10)) && !calendar.is_working(date(2026, 10, 11)));
        // By Monday the 12th: the 8th, 9th, 10th and 12th have been worked.
        let p = pace(18_000, &october, date(2026, 10, 12), &calendar).unwrap();
        assert_eq!((p.elapsed, p.total, p.expected), (4, 18, 4_000));
        // During the holiday nothing was due yet; after the month, all of it.
        assert_eq!(pace(18_000, &october, date(2026, 10, 5), &calendar).unwrap().expected, 0);
        assert_eq!(pace(18_000, &october, date(2026, 11, 20), &calendar).unwrap().expected, 18_000);
        assert_eq!(pace(18_000, &october, date(2026, 9, 20), &calendar).unwrap().elapsed, 0);
        // A period with no working day is refused.
        let off = Calendar { holidays: (1..=31).map(|d| date(2026, 10, d)).collect(), ..Calendar::default() };
        assert_eq!(pace(1, &october, date(2026, 10, 12), &off), Err(QuotaProblem::NoWorkingDays));
    }

    fn rep(n: u128, team: Option<u128>, active: bool) -> Rep {
        Rep {
            meta: Meta::new(Uuid::from_u128(n), Timestamp(0), "t"),
            name: format!("rep {n}"),
            team: team.map(Uuid::from_u128),
            email: String::new(),
            phone: String::new(),
            active,
        }
    }

    fn team(n: u128) -> Team {
        Team { meta: Meta::new(Uuid::from_u128(n), Timestamp(0), "t"), name: format!("team {n}"), manager: None }
    }

    #[test]
    fn the_org_puts_reps_under_their_teams_and_leaves_out_those_who_left() {
        let org = Org::new(
            &[team(10), team(20)],
            &[rep(1, Some(10), true), rep(2, None, true), rep(3, Some(20), true), rep(4, Some(10), false)],
        );
        assert_eq!(
            org.teams,
            vec![(Uuid::from_u128(10), vec![Uuid::from_u128(1)]), (Uuid::from_u128(20), vec![Uuid::from_u128(3)])]
        );
        assert_eq!(org.teamless, vec![Uuid::from_u128(2)]);
        // Rep 4 left on 15 October: in October's org (their results count for their team), not
        // in November's.
        let left = |id: Uuid| (id == Uuid::from_u128(4)).then(|| date(2026, 10, 15));
        let reps = [rep(1, Some(10), true), rep(4, Some(10), false)];
        let october = Period::containing(PeriodKind::Month, date(2026, 10, 1));
        let of =
            |p: &Period| Org::of_period(&[team(10)], &reps, &left, Some(p)).reps_of(Holder::Team(Uuid::from_u128(10)));
        assert_eq!(of(&october), [Uuid::from_u128(1), Uuid::from_u128(4)]);
        assert_eq!(of(&october.next()), [Uuid::from_u128(1)]);
        assert_eq!(org.parts(Holder::Company).len(), 3);
        assert_eq!(org.reps_of(Holder::Company).len(), 3);
        let profile = |id: Uuid| RepProfile {
            capacity: if id == Uuid::from_u128(1) { 50 } else { 100 },
            ..RepProfile::default_for(id)
        };
        let parts = org.parts(Holder::Company);
        assert_eq!(split_weights(SplitMethod::Capacity, &parts, &org, &profile, &|_| 0), [50, 100, 100]);
        assert_eq!(split_weights(SplitMethod::Even, &parts, &org, &profile, &|_| 0), [1, 1, 1]);
        assert_eq!(split_weights(SplitMethod::Experience, &parts, &org, &profile, &|_| 0), [1, 1, 1]);
        let last = |h: Holder| if h == Holder::Team(Uuid::from_u128(10)) { 300 } else { 100 };
        assert_eq!(split_weights(SplitMethod::LastPeriod, &parts, &org, &profile, &last), [300, 100, 100]);
    }

    #[test]
    fn actuals_count_what_was_won_added_and_done_in_the_period_by_local_date() {
        use crate::domain::{demo, Actor, Archive, Command, Timestamp};
        let now = Timestamp(chrono::DateTime::parse_from_rfc3339("2026-12-10T04:00:00Z").unwrap().timestamp_millis());
        let records = demo::generate_with_deals(9, 400, 3_000, 12, now, UtcOffset::CHINA, "demo");
        let mut archive = Archive::default();
        archive.apply(Command::ReplaceAll(Box::new(records)), &Actor::at("t", now)).unwrap();
        let pipeline = archive.pipeline().unwrap().clone();
        let december = Period::containing(PeriodKind::Month, date(2026, 12, 10));
        let fx = Fx { company: crate::domain::Currency::Cny, rates: Vec::new() };
        let all = actuals(&pipeline, archive.deals.rows(), archive.customers.rows(), &december, UtcOffset::CHINA, &fx);
        assert!(all.total(Measure::WonDeals) > 0 && all.total(Measure::Activities) > 0, "{all:?}");
        // Counting one measure gives the same figures for it.
        for measure in Measure::ALL {
            let one = actuals_counting(
                &pipeline,
                archive.deals.rows(),
                archive.customers.rows(),
                &december,
                UtcOffset::CHINA,
                &fx,
                Counting::of(measure),
            );
            assert_eq!(one.total(measure), all.total(measure), "{measure:?}");
        }
        // A deal in yuan moved to won at 01:00 on 1 December in Shanghai (still 30 November in UTC)
        // counts in December, in its owner's row; one in dollars without a rate is said, not added.
        let won = pipeline.stages.iter().find(|s| s.outcome == StageOutcome::Won).unwrap().id;
        let at = Timestamp(chrono::DateTime::parse_from_rfc3339("2026-11-30T17:00:00Z").unwrap().timestamp_millis());
        let open: Vec<Deal> =
            archive.deals.live().filter(|d| pipeline.is_open(d) && d.owner.is_some()).take(2).cloned().collect();
        let (mut yuan, mut dollars) = (open[0].clone(), open[1].clone());
        yuan.currency = crate::domain::Currency::Cny;
        dollars.currency = crate::domain::Currency::Usd;
        for deal in [&mut yuan, &mut dollars] {
            deal.history.push(crate::domain::pipeline::DealEvent {
                id: EntryId(u64::MAX - deal.history.len() as u64),
                at,
                by: "t".into(),
                change: crate::domain::pipeline::DealChange::Stage { from: deal.stage, to: won },
            });
            deal.stage = won;
        }
        let deals = [yuan.clone(), dollars];
        let got = actuals(&pipeline, &deals, &[], &december, UtcOffset::CHINA, &fx);
        assert_eq!(got.of(&[yuan.owner.unwrap()], Measure::Amount), yuan.amount.0);
        assert_eq!((got.total(Measure::WonDeals), got.unconverted), (2, 1));
        assert_eq!(got.won.len(), 1);
        let november = actuals(&pipeline, &deals, &[], &december.previous(), UtcOffset::CHINA, &fx);
        assert_eq!(november.total(Measure::WonDeals), 0, "not in November by the UTC date");
    }
}
