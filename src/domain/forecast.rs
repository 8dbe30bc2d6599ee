//! 销售预测: the funnel and the forecast for a period, from the pipeline's deals.
//!
//! Two methods side by side: the weighted forecast (each deal's amount x its win probability) and
//! our users' A/B/C/D method (each class's amount x that class's conversion rate). The class
//! rates come from settings or are learned from the team's own closed deals, with how many deals
//! a learned rate rests on. Forecast categories (pipeline, best case, commit, closed, omitted)
//! follow the deal's stage. Amounts are integer cents throughout; rates are basis points
//! (1 % = 100), so nothing drifts.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::money::Money;
use super::pipeline::{Deal, DealChange, Pipeline, Stage};
use super::record::record;
use super::records::{Currency, FunnelClass, Meta, Rep, StageOutcome, Timestamp, UtcOffset};

/// A rate in basis points: 10,000 is 100 %.
pub type BasisPoints = u32;

/// The forecast settings' record id (one per book, a fixed id so devices merge it).
pub const FORECAST_PLAN_ID: Uuid = Uuid::from_u128(0x464f_5245_4341_5354);
/// How far back learned rates look unless the plan says otherwise.
pub const DEFAULT_LEARN_MONTHS: u16 = 12;

/// The forecast's settings: each class's conversion rate for the A/B/C/D method (None: the
/// average win probability of the class's stages), and how many months of closed deals the
/// learned rates read. One field per class, so two managers changing different classes merge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForecastPlan {
    pub meta: Meta,
    pub rate_d: Option<BasisPoints>,
    pub rate_c: Option<BasisPoints>,
    pub rate_b: Option<BasisPoints>,
    pub rate_a: Option<BasisPoints>,
    pub learn_months: u16,
    /// The currency totals of several currencies are converted into.
    pub company_currency: Currency,
    /// Dated exchange rates into the company currency.
    pub fx: Vec<FxRate>,
}

record!(ForecastPlan, ForecastPlan, fields: [rate_d, rate_c, rate_b, rate_a, learn_months, company_currency, fx], entries: []);

/// One exchange rate: from `from` on, 1 of `currency` is `rate` / 10,000 of the company currency
/// (`7.1234` is 71,234).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FxRate {
    pub currency: Currency,
    #[serde(with = "super::dates")]
    pub from: NaiveDate,
    pub rate: u32,
}

impl super::record::FieldText for FxRate {
    fn text(&self) -> String {
        format!("{} {} {}", self.currency.code(), self.from, rate_text(self.rate))
    }
}

/// The largest rate accepted: 1 unit = 100,000 company units.
pub const MAX_FX_RATE: u32 = 1_000_000_000;

/// A rate as typed (`7.1234`, up to four decimals), in ten-thousandths.
pub fn parse_rate(text: &str) -> Result<u32, PlanProblem> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 4 || whole.len() > 6 {
        return Err(PlanProblem::BadFxRate);
    }
    let rate = whole.parse::<u32>().map_err(|_| PlanProblem::BadFxRate)? * 10_000
        + format!("{fraction:0<4}").parse::<u32>().map_err(|_| PlanProblem::BadFxRate)?;
    if rate == 0 || rate > MAX_FX_RATE {
        return Err(PlanProblem::BadFxRate);
    }
    Ok(rate)
}

/// A rate as shown: `7.1234`, `7.1`.
pub fn rate_text(rate: u32) -> String {
    let fraction = format!("{:04}", rate % 10_000);
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        (rate / 10_000).to_string()
    } else {
        format!("{}.{fraction}", rate / 10_000)
    }
}

/// Conversion into the company currency with the user's dated rates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fx {
    pub company: Currency,
    pub rates: Vec<FxRate>,
}

impl Fx {
    /// `amount` of `currency` in the company currency at the rate of day `on`: the latest rate
    /// from that day or before (a day before every rate takes the earliest), rounded half up to
    /// the cent. None when the currency has no rate at all.
    pub fn convert(&self, amount: Money, currency: Currency, on: NaiveDate) -> Option<Money> {
        if currency == self.company {
            return Some(amount);
        }
        let of_currency = || self.rates.iter().filter(move |r| r.currency == currency);
        let rate = of_currency()
            .filter(|r| r.from <= on)
            .max_by_key(|r| r.from)
            .or_else(|| of_currency().min_by_key(|r| r.from))?;
        Some(Money(((i128::from(amount.0) * i128::from(rate.rate) + 5_000) / 10_000) as i64))
    }
}

/// The forecast category a rep set on one deal (the record's id is the deal's); None follows
/// the stage again. Its own kind, so setting it never rewrites the deal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealCategory {
    pub meta: Meta,
    pub category: Option<Category>,
}

record!(DealCategory, DealCategory, fields: [category], entries: []);

/// Why a forecast setting was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanProblem {
    /// A rate above 100 %.
    RateTooHigh,
    /// A rate that is not a number of percent (with at most two decimals).
    NotARate,
    /// Learned rates must read 1 to 60 months.
    MonthsOutOfRange,
    /// Only an open deal takes a category by hand, and never "closed" (that is its won stage).
    CategoryNotSettable,
    /// An exchange rate must be a positive number with at most four decimals, of another
    /// currency than the company's.
    BadFxRate,
}

impl ForecastPlan {
    /// The settings a book starts with: rates from the stages, a year of history.
    pub fn new(now: Timestamp, actor: &str) -> ForecastPlan {
        ForecastPlan {
            meta: Meta::new(FORECAST_PLAN_ID, now, actor),
            rate_d: None,
            rate_c: None,
            rate_b: None,
            rate_a: None,
            learn_months: DEFAULT_LEARN_MONTHS,
            company_currency: Currency::Cny,
            fx: Vec::new(),
        }
    }

    /// Sets the rate of `currency` from `from` (None: removes it).
    pub fn set_fx(&mut self, currency: Currency, from: NaiveDate, rate: Option<u32>) {
        self.fx.retain(|r| !(r.currency == currency && r.from == from));
        if let Some(rate) = rate {
            self.fx.push(FxRate { currency, from, rate });
            self.fx.sort_by_key(|r| (r.currency, r.from));
        }
    }

    /// The conversion these settings give.
    pub fn conversion(plan: Option<&ForecastPlan>) -> Fx {
        match plan {
            Some(p) => Fx { company: p.company_currency, rates: p.fx.clone() },
            None => Fx { company: Currency::Cny, rates: Vec::new() },
        }
    }

    /// The rate set for `class`, if one is.
    pub fn rate(&self, class: FunnelClass) -> Option<BasisPoints> {
        match class {
            FunnelClass::D => self.rate_d,
            FunnelClass::C => self.rate_c,
            FunnelClass::B => self.rate_b,
            FunnelClass::A => self.rate_a,
        }
    }

    pub fn set_rate(&mut self, class: FunnelClass, rate: Option<BasisPoints>) {
        let slot = match class {
            FunnelClass::D => &mut self.rate_d,
            FunnelClass::C => &mut self.rate_c,
            FunnelClass::B => &mut self.rate_b,
            FunnelClass::A => &mut self.rate_a,
        };
        *slot = rate;
    }

    /// The rates the A/B/C/D method uses: the ones set, the stages' for the others.
    pub fn rates(plan: Option<&ForecastPlan>, pipeline: &Pipeline) -> ClassRates {
        let from_stages = ClassRates::from_stages(pipeline);
        ClassRates(std::array::from_fn(|i| {
            let class = FunnelClass::ALL[i];
            plan.and_then(|p| p.rate(class)).unwrap_or(from_stages.0[i])
        }))
    }

    pub fn problems(&self) -> Vec<PlanProblem> {
        let mut problems = Vec::new();
        if FunnelClass::ALL.iter().any(|&c| self.rate(c).is_some_and(|r| r > 10_000)) {
            problems.push(PlanProblem::RateTooHigh);
        }
        if !(1..=60).contains(&self.learn_months) {
            problems.push(PlanProblem::MonthsOutOfRange);
        }
        if self.fx.iter().any(|r| r.currency == self.company_currency || r.rate == 0 || r.rate > MAX_FX_RATE) {
            problems.push(PlanProblem::BadFxRate);
        }
        problems
    }
}

/// How long a forecast period is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PeriodKind {
    Month,
    Quarter,
    Year,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 3] = [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year];

    /// Its name in the address (`?period=quarter`).
    pub fn code(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
        }
    }

    pub fn from_code(code: &str) -> Option<PeriodKind> {
        PeriodKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// A rate as typed (`12.5`, `12.5%`, `９０`), in percent with up to two decimals: `Ok(None)` for
/// an empty field (the stages' rate applies), an error outside 0-100 or for anything else.
pub fn parse_percent(text: &str) -> Result<Option<BasisPoints>, PlanProblem> {
    match parse_share(text)? {
        Some(bp) if bp > 10_000 => Err(PlanProblem::RateTooHigh),
        read => Ok(read),
    }
}

/// A share as typed, as `parse_percent` reads it but without the 100 % ceiling (an attainment
/// threshold of 150 %); at most 999,999 %.
pub fn parse_share(text: &str) -> Result<Option<BasisPoints>, PlanProblem> {
    let text: String = text.trim().chars().map(super::money::half_width).collect();
    let text = text.trim_end_matches('%').trim();
    if text.is_empty() {
        return Ok(None);
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 2 || whole.len() > 6 {
        return Err(PlanProblem::NotARate);
    }
    let hundredths = format!("{fraction:0<2}").parse::<u32>().map_err(|_| PlanProblem::NotARate)?;
    let bp = whole.parse::<u32>().map_err(|_| PlanProblem::NotARate)? * 100 + hundredths;
    Ok(Some(bp))
}

/// A rate as shown: `12.5`, `90`, `0.25` (percent, no trailing zeros).
pub fn percent_text(rate: BasisPoints) -> String {
    let (whole, hundredths) = (rate / 100, rate % 100);
    match hundredths {
        0 => whole.to_string(),
        h if h % 10 == 0 => format!("{whole}.{}", h / 10),
        h => format!("{whole}.{h:02}"),
    }
}

/// A forecast period: the days from `start` up to, not including, `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    pub kind: PeriodKind,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// The month, quarter or year that holds `date`.
    pub fn containing(kind: PeriodKind, date: NaiveDate) -> Period {
        let (month, months) = match kind {
            PeriodKind::Month => (date.month(), 1),
            PeriodKind::Quarter => ((date.month() - 1) / 3 * 3 + 1, 3),
            PeriodKind::Year => (1, 12),
        };
        let start = NaiveDate::from_ymd_opt(date.year(), month, 1).unwrap_or(date);
        Period { kind, start, end: start + Months::new(months) }
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date < self.end
    }

    /// The period before this one.
    pub fn previous(&self) -> Period {
        Period::containing(self.kind, self.start.pred_opt().unwrap_or(self.start))
    }

    /// The period after this one.
    pub fn next(&self) -> Period {
        Period::containing(self.kind, self.end)
    }
}

/// A deal's forecast category. The cumulative view adds the ones below: see `Cumulative`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Category {
    Pipeline,
    BestCase,
    Commit,
    Closed,
    Omitted,
}

impl super::record::FieldText for Category {
    fn text(&self) -> String {
        format!("{self:?}")
    }
}

impl Category {
    /// The categories a rep may set on an open deal (closed follows the won stage).
    pub const SETTABLE: [Category; 4] = [Category::Pipeline, Category::BestCase, Category::Commit, Category::Omitted];

    /// What a deal in `stage` counts as unless its rep says otherwise: won is closed, lost is
    /// omitted; open deals by funnel class: A (about to close) commit, B best case, C and D
    /// pipeline.
    pub fn of_stage(stage: &Stage) -> Category {
        match (stage.outcome, stage.class) {
            (StageOutcome::Won, _) => Category::Closed,
            (StageOutcome::Lost, _) => Category::Omitted,
            (StageOutcome::Open, FunnelClass::A) => Category::Commit,
            (StageOutcome::Open, FunnelClass::B) => Category::BestCase,
            (StageOutcome::Open, _) => Category::Pipeline,
        }
    }
}

/// One deal as the forecast reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForecastDeal {
    pub id: Uuid,
    pub owner: Option<Uuid>,
    pub stage: Uuid,
    pub amount: Money,
    /// Win probability, 0-100.
    pub probability: u8,
    pub class: FunnelClass,
    pub category: Category,
    /// The expected close date (open deals) or the day it closed (won and lost deals).
    pub close: Option<NaiveDate>,
}

impl ForecastDeal {
    pub fn is_open(&self) -> bool {
        !matches!(self.category, Category::Closed | Category::Omitted)
    }

    /// Amount x win probability, in cents (rounded down, as the board shows it).
    pub fn weighted(&self) -> Money {
        Money(self.amount.0 * i64::from(self.probability) / 100)
    }
}

/// Which deals a forecast or funnel covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    /// One currency: amounts in different currencies are never added.
    pub currency: Currency,
    /// Only this rep's deals (None: everyone's).
    pub owner: Option<Uuid>,
    /// Only the deals of this team's reps (None: every team's); its reps are `members`.
    pub team: Option<Uuid>,
    pub members: Vec<Uuid>,
    /// Only deals from this lead source (None: all).
    pub lead_source: Option<String>,
    /// Every currency, converted into the company currency (`currency`) with these rates;
    /// None: only deals in `currency`.
    pub fx: Option<Fx>,
}

impl Default for Scope {
    /// Everyone's deals in yuan.
    fn default() -> Self {
        Scope { currency: Currency::Cny, owner: None, team: None, members: Vec::new(), lead_source: None, fx: None }
    }
}

impl Scope {
    /// The scope with its team's reps looked up in `reps`.
    pub fn with_members<'a>(mut self, reps: impl IntoIterator<Item = &'a Rep>) -> Scope {
        if let Some(team) = self.team {
            self.members = reps.into_iter().filter(|r| r.team == Some(team)).map(|r| r.meta.id).collect();
        }
        self
    }

    /// Whether a deal of `currency` counts: its own currency, or any with a rate when converting.
    pub fn holds_currency(&self, currency: Currency) -> bool {
        match &self.fx {
            None => currency == self.currency,
            Some(fx) => currency == fx.company || fx.rates.iter().any(|r| r.currency == currency),
        }
    }

    /// Whether a deal owned by `owner` is in the scope's people.
    pub fn holds_owner(&self, owner: Option<Uuid>) -> bool {
        self.owner.is_none_or(|o| owner == Some(o))
            && self.team.is_none_or(|_| owner.is_some_and(|o| self.members.contains(&o)))
    }
}

/// The live deals of `scope` as the forecast reads them; with a period, only the open deals
/// expected to close in it and the deals that closed in it. An open deal's category is the one
/// `set` gives it (a rep's choice), else its stage's.
pub fn forecast_deals<'a>(
    pipeline: &Pipeline,
    deals: impl IntoIterator<Item = &'a Deal>,
    scope: &Scope,
    period: Option<&Period>,
    offset: UtcOffset,
    set: &dyn Fn(Uuid) -> Option<Category>,
) -> Vec<ForecastDeal> {
    deals
        .into_iter()
        .filter(|d| d.meta.deleted_at.is_none() && scope.holds_currency(d.currency))
        .filter(|d| scope.holds_owner(d.owner))
        .filter(|d| scope.lead_source.as_ref().is_none_or(|s| &d.lead_source == s))
        .filter_map(|d| {
            let stage = pipeline.stage(d.stage)?;
            let category = match stage.outcome {
                StageOutcome::Open => set(d.id()).unwrap_or_else(|| Category::of_stage(stage)),
                _ => Category::of_stage(stage),
            };
            let close = match stage.outcome {
                StageOutcome::Open => d.expected_close,
                _ => Some(closed_at(d).date(offset)),
            };
            let amount = match &scope.fx {
                None => d.amount,
                Some(fx) => fx.convert(d.amount, d.currency, close.unwrap_or(NaiveDate::MAX))?,
            };
            Some(ForecastDeal {
                id: d.id(),
                owner: d.owner,
                stage: d.stage,
                probability: pipeline.probability(d),
                class: stage.class,
                category,
                close,
                amount,
            })
        })
        .filter(|f| period.is_none_or(|p| f.close.is_some_and(|c| p.contains(c))))
        .collect()
}

/// When a closed deal closed: its last move (or expiry) into the stage it is in, else its last
/// change.
pub(crate) fn closed_at(deal: &Deal) -> Timestamp {
    deal.history
        .iter()
        .rev()
        .find(|e| match e.change {
            DealChange::Stage { to, .. } | DealChange::Expired { to, .. } => to == deal.stage,
            _ => false,
        })
        .map_or(deal.meta.updated_at, |e| e.at)
}

/// Sum of amount x win probability over the open deals.
pub fn weighted_total(deals: &[ForecastDeal]) -> Money {
    Money(deals.iter().filter(|d| d.is_open()).map(|d| d.weighted().0).sum())
}

/// Conversion rates of the four classes, D C B A, in basis points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClassRates(pub [BasisPoints; 4]);

impl ClassRates {
    pub fn of(&self, class: FunnelClass) -> BasisPoints {
        self.0[class as usize]
    }

    /// Each class's rate: its stages' average win probability (where settings give none).
    pub fn from_stages(pipeline: &Pipeline) -> ClassRates {
        let mut sums = [(0u32, 0u32); 4];
        for s in pipeline.stages.iter().filter(|s| s.outcome == StageOutcome::Open) {
            let (sum, n) = &mut sums[s.class as usize];
            *sum += u32::from(s.probability) * 100;
            *n += 1;
        }
        ClassRates(sums.map(|(sum, n)| sum.checked_div(n).unwrap_or(0)))
    }
}

/// One class of the A/B/C/D method: count x amount x the class's rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClassLine {
    pub class: FunnelClass,
    pub count: usize,
    pub amount: Money,
    pub rate: BasisPoints,
    /// amount x rate, rounded to the cent.
    pub forecast: Money,
}

/// The A/B/C/D method over the open deals: one line per class (top of the funnel first) and
/// their sum.
pub fn class_method(deals: &[ForecastDeal], rates: &ClassRates) -> (Vec<ClassLine>, Money) {
    let lines: Vec<ClassLine> = FunnelClass::ALL
        .iter()
        .map(|&class| {
            let of_class = deals.iter().filter(|d| d.is_open() && d.class == class);
            let (count, amount) = of_class.fold((0, 0i64), |(n, sum), d| (n + 1, sum + d.amount.0));
            let rate = rates.of(class);
            ClassLine { class, count, amount: Money(amount), rate, forecast: apply_rate(Money(amount), rate) }
        })
        .collect();
    let total = Money(lines.iter().map(|l| l.forecast.0).sum());
    (lines, total)
}

/// `amount` x `rate`, rounded half up to the cent.
pub fn apply_rate(amount: Money, rate: BasisPoints) -> Money {
    Money(((i128::from(amount.0) * i128::from(rate) + 5_000) / 10_000) as i64)
}

/// Totals per category, each on its own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CategoryTotals {
    pub pipeline: Money,
    pub best_case: Money,
    pub commit: Money,
    pub closed: Money,
    pub omitted: Money,
}

/// The same totals as a forecast call reads them: each includes the surer ones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cumulative {
    pub closed: Money,
    /// commit + closed.
    pub commit: Money,
    /// best case + commit + closed.
    pub best_case: Money,
    /// Every open deal: pipeline + best case + commit.
    pub open_pipeline: Money,
}

impl CategoryTotals {
    pub fn of(deals: &[ForecastDeal]) -> CategoryTotals {
        let mut t = CategoryTotals::default();
        for d in deals {
            let slot = match d.category {
                Category::Pipeline => &mut t.pipeline,
                Category::BestCase => &mut t.best_case,
                Category::Commit => &mut t.commit,
                Category::Closed => &mut t.closed,
                Category::Omitted => &mut t.omitted,
            };
            slot.0 += d.amount.0;
        }
        t
    }

    /// Adds `other`'s totals to these.
    pub fn add(&mut self, other: &CategoryTotals) {
        for (mine, theirs) in [
            (&mut self.pipeline, other.pipeline),
            (&mut self.best_case, other.best_case),
            (&mut self.commit, other.commit),
            (&mut self.closed, other.closed),
            (&mut self.omitted, other.omitted),
        ] {
            mine.0 += theirs.0;
        }
    }

    pub fn cumulative(&self) -> Cumulative {
        let commit = Money(self.commit.0 + self.closed.0);
        Cumulative {
            closed: self.closed,
            commit,
            best_case: Money(self.best_case.0 + commit.0),
            open_pipeline: Money(self.pipeline.0 + self.best_case.0 + self.commit.0),
        }
    }
}

/// Category totals per rep (None: deals with no owner), the rep with the most committed
/// (commit + closed) first.
pub fn by_owner(deals: &[ForecastDeal]) -> Vec<(Option<Uuid>, CategoryTotals)> {
    let mut owners: Vec<Option<Uuid>> = deals.iter().map(|d| d.owner).collect();
    owners.sort();
    owners.dedup();
    let mut out: Vec<(Option<Uuid>, CategoryTotals)> = owners
        .into_iter()
        .map(|o| {
            let mine: Vec<ForecastDeal> = deals.iter().filter(|d| d.owner == o).cloned().collect();
            (o, CategoryTotals::of(&mine))
        })
        .collect();
    out.sort_by_key(|(_, t)| std::cmp::Reverse(t.cumulative().commit));
    out
}

/// The per-rep totals added up per team (`team_of` a rep's team; None: no team).
pub fn by_team(
    per_rep: &[(Option<Uuid>, CategoryTotals)],
    team_of: impl Fn(Uuid) -> Option<Uuid>,
) -> Vec<(Option<Uuid>, CategoryTotals)> {
    let mut out: Vec<(Option<Uuid>, CategoryTotals)> = Vec::new();
    for (rep, totals) in per_rep {
        let team = rep.and_then(&team_of);
        let slot = match out.iter().position(|(t, _)| *t == team) {
            Some(i) => &mut out[i].1,
            None => {
                out.push((team, CategoryTotals::default()));
                &mut out.last_mut().expect("just pushed").1
            }
        };
        slot.add(totals);
    }
    out.sort_by_key(|(_, t)| std::cmp::Reverse(t.cumulative().commit));
    out
}

/// Commit and best-case deals still open past their expected close date, as seen from
/// `period`: those due in it, and, for the period under way, those due before it too (a deal
/// that slipped out of last quarter is in no quarter's deals, but it is this quarter's risk).
pub fn slipped<'a>(deals: &'a [ForecastDeal], period: &Period, today: NaiveDate) -> Vec<&'a ForecastDeal> {
    let under_way = period.contains(today);
    deals
        .iter()
        .filter(|d| matches!(d.category, Category::Commit | Category::BestCase))
        .filter(|d| d.close.is_some_and(|c| c < today && (period.contains(c) || (under_way && c < period.start))))
        .collect()
}

/// Coverage: open weighted pipeline / (target - closed). None when nothing remains to cover
/// (closed has reached the target) or there is no target.
pub fn coverage(open_weighted: Money, target: Money, closed: Money) -> Option<f64> {
    let remaining = target.0 - closed.0;
    (remaining > 0).then(|| open_weighted.0 as f64 / remaining as f64)
}

/// A class rate learned from the team's closed deals.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LearnedRate {
    pub class: FunnelClass,
    /// Closed deals that were in this class at some time, and how many of them were won.
    pub closed: u32,
    pub won: u32,
    /// The 95 % Wilson interval of the rate, 0-1.
    pub low: f64,
    pub high: f64,
}

/// Below this many closed deals a learned rate is shown as its interval, not as a rate.
pub const ENOUGH_DEALS: u32 = 20;

impl LearnedRate {
    /// won / closed, 0-1 (None with no closed deals).
    pub fn rate(&self) -> Option<f64> {
        (self.closed > 0).then(|| f64::from(self.won) / f64::from(self.closed))
    }

    /// Whether enough deals back the rate to show it as one number.
    pub fn is_enough(&self) -> bool {
        self.closed >= ENOUGH_DEALS
    }
}

/// What each class actually converted: of the deals that closed (won or lost) since `since`
/// and were in an open stage of the class at some time, the share won.
pub fn learned_rates<'a>(
    pipeline: &Pipeline,
    deals: impl IntoIterator<Item = &'a Deal>,
    since: Timestamp,
) -> [LearnedRate; 4] {
    let mut counts = [(0u32, 0u32); 4];
    for deal in deals.into_iter().filter(|d| d.meta.deleted_at.is_none()) {
        let Some(outcome) = pipeline.stage(deal.stage).map(|s| s.outcome).filter(|o| *o != StageOutcome::Open) else {
            continue;
        };
        if closed_at(deal) < since {
            continue;
        }
        for class in classes_visited(pipeline, deal) {
            let (closed, won) = &mut counts[class as usize];
            *closed += 1;
            *won += u32::from(outcome == StageOutcome::Won);
        }
    }
    let classes = [FunnelClass::D, FunnelClass::C, FunnelClass::B, FunnelClass::A];
    std::array::from_fn(|i| {
        let (closed, won) = counts[i];
        let (low, high) = wilson(won, closed);
        LearnedRate { class: classes[i], closed, won, low, high }
    })
}

/// The classes of the open stages a deal has been in (by its history), each once.
fn classes_visited(pipeline: &Pipeline, deal: &Deal) -> Vec<FunnelClass> {
    let stages = deal.history.iter().flat_map(|e| match e.change {
        DealChange::Created { stage } => vec![stage],
        DealChange::Stage { from, to } | DealChange::Expired { from, to } => vec![from, to],
        _ => Vec::new(),
    });
    let mut classes: Vec<FunnelClass> = stages
        .chain([deal.stage])
        .filter_map(|id| pipeline.stage(id))
        .filter(|s| s.outcome == StageOutcome::Open)
        .map(|s| s.class)
        .collect();
    classes.sort();
    classes.dedup();
    classes
}

/// The 95 % Wilson score interval of `won` out of `n` (0-1; the whole range with no deals).
pub fn wilson(won: u32, n: u32) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let z = 1.96_f64;
    let (n, p) = (f64::from(n), f64::from(won) / f64::from(n));
    let denominator = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denominator;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denominator;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// How deals flowed out of one open stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageFlow {
    pub stage: Uuid,
    /// Deals that entered the stage (created in it or moved into it).
    pub entered: u32,
    /// Of those, deals that left it for a later stage or a won one.
    pub moved_on: u32,
    /// Median whole days from entering to moving on (None if none moved on).
    pub median_days: Option<i64>,
}

/// The conversion between stages: for each open stage in order, how many deals entered, how many
/// moved on (forward or to won), and how long that took.
pub fn stage_flow<'a>(pipeline: &Pipeline, deals: impl IntoIterator<Item = &'a Deal>) -> Vec<StageFlow> {
    let position = |id: Uuid| pipeline.stages.iter().position(|s| s.id == id);
    let mut flows: Vec<(u32, Vec<i64>)> = vec![(0, Vec::new()); pipeline.stages.len()];
    for deal in deals.into_iter().filter(|d| d.meta.deleted_at.is_none()) {
        // (stage, when it was entered) of the stage the deal is in, walking its history.
        let mut current: Option<(Uuid, Timestamp)> = None;
        for event in &deal.history {
            let (from, to) = match event.change {
                DealChange::Created { stage } => (None, stage),
                DealChange::Stage { from, to } | DealChange::Expired { from, to } => (Some(from), to),
                _ => continue,
            };
            if let (Some(from), Some((_, entered))) = (from, current) {
                let forward = pipeline.stage(to).is_some_and(|s| s.outcome == StageOutcome::Won)
                    || position(to)
                        .zip(position(from))
                        .is_some_and(|(t, f)| t > f && pipeline.stages[t].outcome == StageOutcome::Open);
                if let (true, Some(i)) = (forward, position(from)) {
                    flows[i].1.push((event.at.0 - entered.0).div_euclid(86_400_000));
                }
            }
            if let Some(i) = position(to) {
                flows[i].0 += 1;
            }
            current = Some((to, event.at));
        }
    }
    pipeline
        .stages
        .iter()
        .zip(flows)
        .filter(|(s, _)| s.outcome == StageOutcome::Open)
        .map(|(s, (entered, mut days))| {
            days.sort_unstable();
            let median_days = (!days.is_empty()).then(|| days[days.len() / 2]);
            StageFlow { stage: s.id, entered, moved_on: days.len() as u32, median_days }
        })
        .collect()
}

/// One band of the funnel: a class or a stage, over the open deals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Band {
    pub count: usize,
    pub amount: Money,
    pub weighted: Money,
    /// The deals in the band (a click on the band lists them).
    pub deals: Vec<Uuid>,
}

impl Band {
    fn add(&mut self, deal: &ForecastDeal) {
        self.count += 1;
        self.amount.0 += deal.amount.0;
        self.weighted.0 += deal.weighted().0;
        self.deals.push(deal.id);
    }
}

/// The open pipeline by class (D C B A, top first) and by open stage (in the pipeline's order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Funnel {
    pub classes: [Band; 4],
    pub stages: Vec<(Uuid, Band)>,
}

/// The funnel of `deals` (already scoped: see `forecast_deals`).
pub fn funnel(pipeline: &Pipeline, deals: &[ForecastDeal]) -> Funnel {
    let mut f = Funnel {
        stages: pipeline
            .stages
            .iter()
            .filter(|s| s.outcome == StageOutcome::Open)
            .map(|s| (s.id, Band::default()))
            .collect(),
        ..Funnel::default()
    };
    for deal in deals.iter().filter(|d| d.is_open()) {
        f.classes[deal.class as usize].add(deal);
        if let Some(band) = f.stages.iter_mut().find(|(s, _)| *s == deal.stage) {
            band.1.add(deal);
        }
    }
    f
}

/// Everything the forecast page shows for a scope and period but the class method (which the
/// class rates change) and the range (see `outcome`).
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The deals of the period: open ones expected to close in it, closed ones that closed in it.
    pub deals: Vec<ForecastDeal>,
    /// Open deals of the scope with no expected close date: in no period.
    pub undated: usize,
    /// Open deals of the period with no amount.
    pub no_amount: usize,
    /// Live deals of the scope's people left out for their currency (converting: no rate).
    pub other_currency: usize,
    pub weighted: Money,
    pub totals: CategoryTotals,
    pub slipped: Vec<Uuid>,
    pub learned: [LearnedRate; 4],
    pub flow: Vec<StageFlow>,
    pub funnel: Funnel,
}

/// The forecast of `period` for `scope` as of `today` (local date and offset); learned rates
/// read the deals closed in the last `learn_months` months.
pub fn report(
    pipeline: &Pipeline,
    deals: &[Deal],
    scope: &Scope,
    period: &Period,
    today: super::records::Today,
    learn_months: u16,
    set: &dyn Fn(Uuid) -> Option<Category>,
) -> Report {
    let all = forecast_deals(pipeline, deals, scope, None, today.offset, set);
    let undated = all.iter().filter(|d| d.is_open() && d.close.is_none()).count();
    let slipped = slipped(&all, period, today.date).iter().map(|d| d.id).collect();
    let in_period: Vec<ForecastDeal> =
        all.into_iter().filter(|d| d.close.is_some_and(|c| period.contains(c))).collect();
    // Learned rates and stage flow read the scope's people and lead source over all time (not
    // the period: they describe how deals move, not what closes when).
    let scoped = || {
        deals.iter().filter(|d| {
            d.currency == scope.currency
                && scope.holds_owner(d.owner)
                && scope.lead_source.as_ref().is_none_or(|s| &d.lead_source == s)
        })
    };
    let since_day = today.date - Months::new(u32::from(learn_months));
    let since = since_day.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp_millis())
        - i64::from(today.offset.0) * 60_000;
    let other_currency = deals
        .iter()
        .filter(|d| d.meta.deleted_at.is_none() && scope.holds_owner(d.owner) && !scope.holds_currency(d.currency))
        .count();
    Report {
        undated,
        other_currency,
        no_amount: in_period.iter().filter(|d| d.is_open() && d.amount.0 == 0).count(),
        weighted: weighted_total(&in_period),
        totals: CategoryTotals::of(&in_period),
        slipped,
        learned: learned_rates(pipeline, scoped(), Timestamp(since)),
        flow: stage_flow(pipeline, scoped()),
        funnel: funnel(pipeline, &in_period),
        deals: in_period,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::pipeline::DealEvent;
    use crate::domain::records::Meta;
    use crate::domain::revision::EntryId;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn open(amount: i64, probability: u8, class: FunnelClass, category: Category) -> ForecastDeal {
        ForecastDeal {
            id: Uuid::new_v4(),
            owner: None,
            stage: Uuid::nil(),
            amount: Money::from_yuan(amount),
            probability,
            class,
            category,
            close: Some(date(2026, 12, 20)),
        }
    }

    #[test]
    fn periods_hold_their_days_and_follow_each_other() {
        let q = Period::containing(PeriodKind::Quarter, date(2026, 11, 15));
        assert_eq!((q.start, q.end), (date(2026, 10, 1), date(2027, 1, 1)));
        assert!(q.contains(date(2026, 12, 31)) && !q.contains(date(2027, 1, 1)) && !q.contains(date(2026, 9, 30)));
        assert_eq!(q.next().start, date(2027, 1, 1));
        assert_eq!(q.previous().start, date(2026, 7, 1));
        let m = Period::containing(PeriodKind::Month, date(2028, 2, 29));
        assert_eq!((m.start, m.end), (date(2028, 2, 1), date(2028, 3, 1)));
        assert_eq!(Period::containing(PeriodKind::Year, date(2026, 6, 1)).end, date(2027, 1, 1));
    }

    #[test]
    fn dated_rates_convert_into_the_company_currency() {
        let fx = Fx {
            company: Currency::Cny,
            rates: vec![
                FxRate { currency: Currency::Usd, from: date(2026, 1, 1), rate: 71_000 },
                FxRate { currency: Currency::Usd, from: date(2026, 7, 1), rate: 72_345 },
            ],
        };
        let usd = Money::from_yuan(1_000);
        assert_eq!(fx.convert(usd, Currency::Usd, date(2026, 3, 1)), Some(Money::from_yuan(7_100)));
        assert_eq!(fx.convert(usd, Currency::Usd, date(2026, 12, 1)), Some(Money(723_450)));
        assert_eq!(
            fx.convert(usd, Currency::Usd, date(2025, 1, 1)),
            Some(Money::from_yuan(7_100)),
            "before every rate: the earliest"
        );
        assert_eq!(fx.convert(usd, Currency::Eur, date(2026, 3, 1)), None);
        assert_eq!(fx.convert(usd, Currency::Cny, date(2026, 3, 1)), Some(usd));
        // Half a cent rounds up: 0.01 USD at 7.1234 is 0.071234 yuan, 7 fen.
        assert_eq!(
            Fx { rates: vec![FxRate { currency: Currency::Usd, from: date(2026, 1, 1), rate: 71_234 }], ..fx.clone() }
                .convert(Money(1), Currency::Usd, date(2026, 2, 2)),
            Some(Money(7))
        );
        assert_eq!(parse_rate("7.1234"), Ok(71_234));
        assert_eq!(rate_text(71_000), "7.1");
        for bad in ["", "0", "-1", "7.12345", "abc", "1000000"] {
            assert_eq!(parse_rate(bad), Err(PlanProblem::BadFxRate), "{bad}");
        }
        let mut plan = ForecastPlan::new(Timestamp(0), "t");
        plan.set_fx(Currency::Usd, date(2026, 7, 1), Some(72_000));
        plan.set_fx(Currency::Usd, date(2026, 1, 1), Some(71_000));
        plan.set_fx(Currency::Usd, date(2026, 7, 1), Some(72_345));
        assert_eq!(plan.fx.iter().map(|r| r.rate).collect::<Vec<_>>(), [71_000, 72_345]);
        plan.set_fx(Currency::Usd, date(2026, 1, 1), None);
        assert_eq!(plan.fx.len(), 1);
        plan.set_fx(Currency::Cny, date(2026, 1, 1), Some(10_000));
        assert_eq!(plan.problems(), [PlanProblem::BadFxRate], "no rate of the company currency itself");
    }

    #[test]
    fn a_converted_scope_holds_every_currency_with_a_rate() {
        let p = pipeline();
        let mut yuan = walked(&p, &[0], &[]);
        yuan.expected_close = Some(date(2026, 12, 10));
        let mut dollars = yuan.clone();
        dollars.meta.id = Uuid::new_v4();
        dollars.currency = Currency::Usd;
        let mut euros = yuan.clone();
        euros.meta.id = Uuid::new_v4();
        euros.currency = Currency::Eur;
        let deals = [yuan, dollars, euros];
        let fx = Fx {
            company: Currency::Cny,
            rates: vec![FxRate { currency: Currency::Usd, from: date(2026, 1, 1), rate: 70_000 }],
        };
        let scope = Scope { fx: Some(fx), ..Scope::default() };
        let got = forecast_deals(&p, &deals, &scope, None, UtcOffset::CHINA, &|_| None);
        assert_eq!(
            got.iter().map(|d| d.amount).collect::<Vec<_>>(),
            [Money::from_yuan(1_000), Money::from_yuan(7_000)]
        );
        let today = crate::domain::records::Today { date: date(2026, 12, 4), offset: UtcOffset::CHINA };
        let december = Period::containing(PeriodKind::Month, date(2026, 12, 4));
        let r = report(&p, &deals, &scope, &december, today, 12, &|_| None);
        assert_eq!((r.deals.len(), r.other_currency), (2, 1), "the euro deal has no rate");
        let r = report(&p, &deals, &Scope::default(), &december, today, 12, &|_| None);
        assert_eq!((r.deals.len(), r.other_currency), (1, 2));
    }

    #[test]
    fn rates_are_typed_in_percent_and_shown_back_the_same() {
        assert_eq!(parse_percent(""), Ok(None));
        assert_eq!(parse_percent(" 12.5 % "), Ok(Some(1_250)));
        assert_eq!(parse_percent("９０％"), Ok(Some(9_000)));
        assert_eq!(parse_percent("0.25"), Ok(Some(25)));
        assert_eq!(parse_percent("100"), Ok(Some(10_000)));
        for bad in ["-5", "abc", "1.234", ".5", "1e2"] {
            assert_eq!(parse_percent(bad), Err(PlanProblem::NotARate), "{bad}");
        }
        for high in ["100.01", "1000"] {
            assert_eq!(parse_percent(high), Err(PlanProblem::RateTooHigh), "{high}");
        }
        // A threshold may pass 100 %.
        assert_eq!(parse_share("150"), Ok(Some(15_000)));
        assert_eq!(parse_share("abc"), Err(PlanProblem::NotARate));
        for rate in [0, 25, 1_250, 9_000, 10_000, 333] {
            assert_eq!(parse_percent(&percent_text(rate)), Ok(Some(rate)));
        }
        assert_eq!(percent_text(1_250), "12.5");
        assert_eq!(PeriodKind::from_code("quarter"), Some(PeriodKind::Quarter));
        assert_eq!(PeriodKind::from_code("week"), None);
    }

    #[test]
    fn an_empty_period_undated_deals_and_deals_without_amount_give_counts_and_zeros_never_nan() {
        use crate::domain::outcome::{by_class_rate, by_probability, period_outcome};
        let p = pipeline();
        let today = crate::domain::records::Today { date: date(2026, 12, 4), offset: UtcOffset::CHINA };
        let december = Period::containing(PeriodKind::Month, today.date);
        // Nothing at all: a report of zeros.
        let r = report(&p, &[], &Scope::default(), &december, today, 12, &|_| None);
        assert!(r.deals.is_empty() && r.slipped.is_empty());
        assert_eq!((r.weighted, r.undated, r.no_amount), (Money::ZERO, 0, 0));
        assert!(r.learned.iter().all(|l| l.rate().is_none() && l.low.is_finite() && l.high.is_finite()));
        let rates = ClassRates::from_stages(&p);
        let (lines, total) = class_method(&r.deals, &rates);
        assert_eq!(total, Money::ZERO);
        assert!(lines.iter().all(|l| l.count == 0 && l.forecast == Money::ZERO));
        for range in [period_outcome(&r.deals, by_probability, 1), period_outcome(&r.deals, by_class_rate(rates), 1)] {
            assert_eq!(range.quantile(0.1), Money::ZERO);
            assert_eq!(range.chance_of(Money::from_yuan(1)), 0.0);
            assert!(range.mean.is_finite());
        }
        assert_eq!(coverage(Money::ZERO, Money::ZERO, Money::ZERO), None, "no target: no coverage, not 0/0");
        // An open deal with no close date is in no period and counted; one with no amount is in
        // the period with its count, adding nothing.
        let mut undated = walked(&p, &[0], &[]);
        undated.expected_close = None;
        let mut no_amount = walked(&p, &[3], &[]);
        no_amount.expected_close = Some(date(2026, 12, 20));
        no_amount.amount = Money::ZERO;
        let r = report(&p, &[undated, no_amount], &Scope::default(), &december, today, 12, &|_| None);
        assert_eq!((r.undated, r.no_amount, r.deals.len()), (1, 1, 1));
        assert_eq!(r.weighted, Money::ZERO);
        assert_eq!(r.funnel.classes[FunnelClass::B as usize].count, 1);
        let range = period_outcome(&r.deals, by_probability, 1);
        assert_eq!(range.quantile(0.9), Money::ZERO);
        assert!(range.mean.is_finite());
    }

    #[test]
    fn weighted_forecast_of_the_worked_example_is_7920() {
        let deals =
            [open(3_800, 90, FunnelClass::A, Category::Commit), open(22_500, 20, FunnelClass::D, Category::Pipeline)];
        assert_eq!(weighted_total(&deals), Money::from_yuan(7_920));
        // Closed deals are not part of the open forecast.
        let mut with_won = deals.to_vec();
        with_won.push(open(50_000, 100, FunnelClass::A, Category::Closed));
        assert_eq!(weighted_total(&with_won), Money::from_yuan(7_920));
    }

    #[test]
    fn class_method_multiplies_each_class_amount_by_its_rate() {
        // D 40 deals x 10 %, C 20 x 30 %, B 10 x 60 %, A 5 x 90 %, each deal 10,000.
        let mut deals = Vec::new();
        for (class, count, category) in [
            (FunnelClass::D, 40, Category::Pipeline),
            (FunnelClass::C, 20, Category::Pipeline),
            (FunnelClass::B, 10, Category::BestCase),
            (FunnelClass::A, 5, Category::Commit),
        ] {
            deals.extend((0..count).map(|_| open(10_000, 50, class, category)));
        }
        let rates = ClassRates([1_000, 3_000, 6_000, 9_000]);
        let (lines, total) = class_method(&deals, &rates);
        let forecasts: Vec<i64> = lines.iter().map(|l| l.forecast.0 / 100).collect();
        assert_eq!(forecasts, [40_000, 60_000, 60_000, 45_000]);
        assert_eq!(lines.iter().map(|l| l.count).collect::<Vec<_>>(), [40, 20, 10, 5]);
        assert_eq!(total, Money::from_yuan(205_000));
    }

    #[test]
    fn rates_round_half_up_to_the_cent_without_drift() {
        assert_eq!(apply_rate(Money(1), 5_000), Money(1));
        assert_eq!(apply_rate(Money(3), 3_333), Money(1));
        assert_eq!(apply_rate(Money::MAX, 10_000), Money::MAX);
    }

    #[test]
    fn cumulative_categories_of_the_worked_example() {
        let deals = [
            open(50, 100, FunnelClass::A, Category::Closed),
            open(100, 90, FunnelClass::A, Category::Commit),
            open(150, 60, FunnelClass::B, Category::BestCase),
            open(200, 10, FunnelClass::D, Category::Pipeline),
            open(999, 0, FunnelClass::D, Category::Omitted),
        ];
        let totals = CategoryTotals::of(&deals);
        assert_eq!(totals.omitted, Money::from_yuan(999));
        let c = totals.cumulative();
        assert_eq!([c.closed, c.commit, c.best_case, c.open_pipeline], [50, 150, 300, 450].map(Money::from_yuan));
    }

    #[test]
    fn totals_per_rep_add_up_per_team_and_to_the_company() {
        let (li, wang, zhao) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let south = Uuid::from_u128(10);
        let mut deals = Vec::new();
        for (owner, amount, category) in [
            (Some(li), 100, Category::Commit),
            (Some(li), 50, Category::Closed),
            (Some(wang), 300, Category::Commit),
            (Some(zhao), 70, Category::Pipeline),
            (None, 5, Category::BestCase),
        ] {
            let mut d = open(amount, 50, FunnelClass::A, category);
            d.owner = owner;
            deals.push(d);
        }
        let reps = by_owner(&deals);
        assert_eq!(reps.iter().map(|(o, _)| *o).collect::<Vec<_>>(), [Some(wang), Some(li), None, Some(zhao)]);
        assert_eq!(reps[1].1.cumulative().commit, Money::from_yuan(150));
        let teams = by_team(&reps, |r| (r != zhao).then_some(south));
        assert_eq!(teams.len(), 2);
        assert_eq!((teams[0].0, teams[0].1.cumulative().commit), (Some(south), Money::from_yuan(450)));
        assert_eq!(
            (teams[1].0, teams[1].1.pipeline, teams[1].1.best_case),
            (None, Money::from_yuan(70), Money::from_yuan(5))
        );
        let mut company = CategoryTotals::default();
        teams.iter().for_each(|(_, t)| company.add(t));
        assert_eq!(company, CategoryTotals::of(&deals));
    }

    #[test]
    fn a_team_scope_holds_its_reps_deals_only() {
        let team = Uuid::from_u128(10);
        let rep = |n: u128, team: Option<Uuid>| Rep {
            meta: Meta::new(Uuid::from_u128(n), Timestamp(0), "t"),
            name: format!("rep {n}"),
            team,
            email: String::new(),
            phone: String::new(),
            active: true,
        };
        let reps = [rep(1, Some(team)), rep(2, None), rep(3, Some(team))];
        let scope = Scope { team: Some(team), ..Scope::default() }.with_members(&reps);
        assert!(scope.holds_owner(Some(Uuid::from_u128(1))) && scope.holds_owner(Some(Uuid::from_u128(3))));
        assert!(!scope.holds_owner(Some(Uuid::from_u128(2))) && !scope.holds_owner(None));
        assert!(Scope::default().holds_owner(None));
    }

    #[test]
    fn slipped_holds_commit_and_best_case_deals_past_their_date() {
        let mut late_commit = open(1, 90, FunnelClass::A, Category::Commit);
        late_commit.close = Some(date(2026, 11, 30));
        let mut late_pipeline = open(1, 10, FunnelClass::D, Category::Pipeline);
        late_pipeline.close = Some(date(2026, 11, 30));
        let on_time = open(1, 60, FunnelClass::B, Category::BestCase);
        // Due last quarter and still open: in no quarter's deals, but slipped in this one.
        let mut last_quarter = open(1, 90, FunnelClass::A, Category::Commit);
        last_quarter.close = Some(date(2026, 9, 20));
        let deals = [late_commit.clone(), late_pipeline, on_time, last_quarter.clone()];
        let today = date(2026, 12, 4);
        let ids = |p: &Period| slipped(&deals, p, today).iter().map(|d| d.id).collect::<Vec<Uuid>>();
        let quarter = Period::containing(PeriodKind::Quarter, today);
        assert_eq!(ids(&quarter), [late_commit.id, last_quarter.id]);
        assert_eq!(ids(&Period::containing(PeriodKind::Month, today)), [late_commit.id, last_quarter.id]);
        // Looking back at last quarter: its own late deal only; a future period has none.
        assert_eq!(ids(&quarter.previous()), [last_quarter.id]);
        assert!(ids(&quarter.next()).is_empty());
    }

    #[test]
    fn coverage_is_open_weighted_over_what_remains() {
        let c = coverage(Money::from_yuan(300), Money::from_yuan(250), Money::from_yuan(100)).unwrap();
        assert!((c - 2.0).abs() < 1e-12);
        assert_eq!(coverage(Money::from_yuan(300), Money::from_yuan(100), Money::from_yuan(100)), None);
    }

    #[test]
    fn wilson_interval_narrows_with_more_deals() {
        let (low5, high5) = wilson(2, 5);
        let (low50, high50) = wilson(20, 50);
        assert!(low5 < 0.4 && 0.4 < high5 && low50 < 0.4 && 0.4 < high50);
        assert!(high50 - low50 < high5 - low5);
        // Known value: 20 of 50 is 0.276-0.538.
        assert!((low50 - 0.276).abs() < 0.001 && (high50 - 0.538).abs() < 0.001, "{low50} {high50}");
        assert_eq!(wilson(0, 0), (0.0, 1.0));
    }

    fn pipeline() -> Pipeline {
        Pipeline::defaults(false, Timestamp(0), "test")
    }

    /// A deal created in stage `path[0]` and moved along `path`, a day (`days[i]`) per step.
    fn walked(p: &Pipeline, path: &[usize], days: &[i64]) -> Deal {
        let mut deal = Deal::blank(Uuid::new_v4(), p.stages[path[0]].id);
        deal.meta = Meta::new(Uuid::new_v4(), Timestamp(0), "test");
        deal.amount = Money::from_yuan(1_000);
        let event = |i: u64, at: i64, change| DealEvent {
            id: EntryId::new(Default::default(), i as u32),
            at: Timestamp(at),
            by: "t".into(),
            change,
        };
        deal.history.push(event(0, 0, DealChange::Created { stage: p.stages[path[0]].id }));
        let mut at = 0;
        for (i, pair) in path.windows(2).enumerate() {
            at += days[i] * 86_400_000;
            deal.history.push(event(
                i as u64 + 1,
                at,
                DealChange::Stage { from: p.stages[pair[0]].id, to: p.stages[pair[1]].id },
            ));
        }
        deal.stage = p.stages[*path.last().unwrap()].id;
        deal.meta.updated_at = Timestamp(at);
        deal
    }

    #[test]
    fn learned_rates_count_each_class_a_closed_deal_passed_through() {
        let p = pipeline();
        // Default stages: 0-1 D, 2 C, 3-4 B, 5 A, 6 won, 7 lost.
        let deals = [
            walked(&p, &[0, 2, 3, 5, 6], &[1, 1, 1, 1]), // won through D C B A
            walked(&p, &[0, 7], &[3]),                   // lost in D
            walked(&p, &[2, 3, 7], &[1, 1]),             // lost in B, after C
            walked(&p, &[0, 1], &[1]),                   // still open: not counted
        ];
        let rates = learned_rates(&p, &deals, Timestamp(0));
        let got: Vec<(u32, u32)> = rates.iter().map(|r| (r.won, r.closed)).collect();
        assert_eq!(got, [(1, 2), (1, 2), (1, 2), (1, 1)]);
        assert!(!rates[0].is_enough());
        assert_eq!(rates[3].rate(), Some(1.0));
        // Deals that closed before `since` are left out.
        let later = learned_rates(&p, &deals, Timestamp(5 * 86_400_000));
        assert!(later.iter().all(|r| r.closed == 0 && r.rate().is_none()));
    }

    #[test]
    fn stage_flow_counts_who_moved_on_and_how_long_it_took() {
        let p = pipeline();
        let deals = [walked(&p, &[0, 1, 2], &[2, 5]), walked(&p, &[0, 1, 7], &[4, 1]), walked(&p, &[0, 2], &[6])];
        let flow = stage_flow(&p, &deals);
        assert_eq!(flow.len(), 6, "open stages only");
        assert_eq!((flow[0].entered, flow[0].moved_on, flow[0].median_days), (3, 3, Some(4)));
        // Stage 1: two entered, one moved on (after 5 days), one was lost.
        assert_eq!((flow[1].entered, flow[1].moved_on, flow[1].median_days), (2, 1, Some(5)));
        assert_eq!((flow[2].entered, flow[2].moved_on, flow[2].median_days), (2, 0, None));
    }

    #[test]
    fn funnel_bands_by_class_and_stage_hold_their_deals() {
        let p = pipeline();
        let deals: Vec<Deal> =
            [&[0][..], &[0, 2], &[0, 2, 3], &[0, 6]].iter().map(|path| walked(&p, path, &[1, 1, 1])).collect();
        let read = forecast_deals(&p, &deals, &Scope::default(), None, UtcOffset::CHINA, &|_| None);
        let f = funnel(&p, &read);
        let counts: Vec<usize> = f.classes.iter().map(|b| b.count).collect();
        assert_eq!(counts, [1, 1, 1, 0], "D C B A; the won deal is not in the open funnel");
        assert_eq!(f.classes[1].weighted, Money::from_yuan(400));
        assert_eq!(f.stages[3].1.deals, [deals[2].id()]);
        assert_eq!(f.stages.len(), 6);
    }

    #[test]
    fn forecast_deals_keep_the_scope_and_the_period() {
        let p = pipeline();
        let rep = Uuid::new_v4();
        let mut mine = walked(&p, &[0], &[]);
        mine.owner = Some(rep);
        mine.expected_close = Some(date(2026, 12, 10));
        let mut later = mine.clone();
        later.meta.id = Uuid::new_v4();
        later.expected_close = Some(date(2027, 1, 10));
        let mut usd = mine.clone();
        usd.meta.id = Uuid::new_v4();
        usd.currency = Currency::Usd;
        let mut theirs = mine.clone();
        theirs.meta.id = Uuid::new_v4();
        theirs.owner = None;
        let mut gone = mine.clone();
        gone.meta.id = Uuid::new_v4();
        gone.meta.deleted_at = Some(Timestamp(1));
        let deals = [mine.clone(), later, usd, theirs, gone];
        let scope = Scope { owner: Some(rep), ..Scope::default() };
        let december = Period::containing(PeriodKind::Month, date(2026, 12, 4));
        let got = forecast_deals(&p, &deals, &scope, Some(&december), UtcOffset::CHINA, &|_| None);
        assert_eq!(got.iter().map(|d| d.id).collect::<Vec<_>>(), [mine.id()]);
        assert_eq!((got[0].probability, got[0].category), (10, Category::Pipeline));
        // A rep's commit on it wins over the stage's category.
        let set = |id: Uuid| (id == mine.id()).then_some(Category::Commit);
        let got = forecast_deals(&p, &deals, &scope, Some(&december), UtcOffset::CHINA, &set);
        assert_eq!(got[0].category, Category::Commit);
    }

    #[test]
    fn a_won_deal_counts_in_the_period_it_closed_in_local_time() {
        let p = pipeline();
        let mut won = walked(&p, &[5, 6], &[0]);
        // Won at 2026-11-30 17:00 UTC: 1 December in China.
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
            .unwrap()
            .and_hms_opt(17, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp_millis();
        won.history.last_mut().unwrap().at = Timestamp(at);
        let december = Period::containing(PeriodKind::Month, date(2026, 12, 1));
        let got = forecast_deals(&p, [&won], &Scope::default(), Some(&december), UtcOffset::CHINA, &|_| None);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].category, Category::Closed);
        assert!(forecast_deals(&p, [&won], &Scope::default(), Some(&december), UtcOffset(0), &|_| None).is_empty());
    }

    #[test]
    fn class_rates_from_stages_average_their_probabilities() {
        assert_eq!(ClassRates::from_stages(&pipeline()), ClassRates([1_500, 4_000, 6_750, 9_000]));
    }

    #[test]
    fn the_plan_sets_some_rates_and_the_stages_give_the_rest() {
        let mut plan = ForecastPlan::new(Timestamp(0), "t");
        assert_eq!(ForecastPlan::rates(None, &pipeline()), ClassRates::from_stages(&pipeline()));
        plan.set_rate(FunnelClass::B, Some(5_500));
        assert_eq!(ForecastPlan::rates(Some(&plan), &pipeline()), ClassRates([1_500, 4_000, 5_500, 9_000]));
        assert!(plan.problems().is_empty());
        plan.set_rate(FunnelClass::A, Some(10_001));
        plan.learn_months = 0;
        assert_eq!(plan.problems(), [PlanProblem::RateTooHigh, PlanProblem::MonthsOutOfRange]);
    }
}
