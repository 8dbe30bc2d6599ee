//! 绩效考核 and 客户配额: each rep's evaluation for a period (results from the data, work
//! attitude and customer satisfaction scored by the manager, with weights), the quota settings
//! (working-day calendar, evaluation weights, when an allotment warns), and customers'
//! allotments (how much of a product or service a customer of a tier may use per period, the
//! use recorded against it).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::forecast::{BasisPoints, Period, PeriodKind};
use super::quota::{Calendar, QuotaProblem};
use super::record::{record, Entries, Entry};
use super::records::{Meta, Tier, Timestamp};
use super::revision::{mix, EntryId};

/// The quota settings' record id (one per book).
pub const QUOTA_SETTINGS_ID: Uuid = Uuid::from_u128(0x5155_4f54_4153_4554);

/// The quota area's settings: the working-day calendar (holidays, and the weekend days worked
/// instead), the evaluation's weights, and the share of an allotment at which it warns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaSettings {
    pub meta: Meta,
    pub holidays: Vec<NaiveDate>,
    pub workdays: Vec<NaiveDate>,
    /// Evaluation weights in percent: results, work attitude, customer satisfaction (adding up
    /// to 100).
    pub weight_results: u8,
    pub weight_attitude: u8,
    pub weight_satisfaction: u8,
    /// An allotment used this far (basis points) warns that it is nearly used up.
    pub near_share: BasisPoints,
}

record!(
    QuotaSettings,
    QuotaSettings,
    fields: [holidays, workdays, weight_results, weight_attitude, weight_satisfaction, near_share],
    entries: []
);

impl QuotaSettings {
    /// What a book starts with: weekends off, no holidays; results 60 %, attitude 20 %,
    /// satisfaction 20 %; a warning at 80 % of an allotment.
    pub fn new(now: Timestamp, actor: &str) -> QuotaSettings {
        QuotaSettings {
            meta: Meta::new(QUOTA_SETTINGS_ID, now, actor),
            holidays: Vec::new(),
            workdays: Vec::new(),
            weight_results: 60,
            weight_attitude: 20,
            weight_satisfaction: 20,
            near_share: 8_000,
        }
    }

    pub fn calendar(&self) -> Calendar {
        Calendar { holidays: self.holidays.clone(), workdays: self.workdays.clone() }
    }

    /// Marks `day` a holiday, a worked weekend day, or (`None`) as the week has it.
    pub fn set_day(&mut self, day: NaiveDate, kind: Option<DayKind>) {
        self.holidays.retain(|d| *d != day);
        self.workdays.retain(|d| *d != day);
        match kind {
            Some(DayKind::Holiday) => self.holidays.push(day),
            Some(DayKind::Workday) => self.workdays.push(day),
            None => {}
        }
        self.holidays.sort();
        self.workdays.sort();
    }

    pub fn problems(&self) -> Vec<QuotaProblem> {
        let mut out = Vec::new();
        let sum =
            u16::from(self.weight_results) + u16::from(self.weight_attitude) + u16::from(self.weight_satisfaction);
        if sum != 100 {
            out.push(QuotaProblem::WeightsNot100);
        }
        if self.near_share == 0 || self.near_share > 10_000 {
            out.push(QuotaProblem::OutOfRange);
        }
        out
    }
}

/// What a calendar day is, set by hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DayKind {
    /// A day off (a public holiday).
    Holiday,
    /// A weekend day worked (调休).
    Workday,
}

/// 绩效考核: a rep's evaluation for a period. Its id comes from the rep and the period. Scores
/// are 0-100, None while not given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub meta: Meta,
    pub rep: Uuid,
    pub period: PeriodKind,
    #[serde(with = "super::dates")]
    pub start: NaiveDate,
    /// Work attitude: discipline, teamwork, service.
    pub discipline: Option<u8>,
    pub teamwork: Option<u8>,
    pub service: Option<u8>,
    pub satisfaction: Option<u8>,
    pub note: String,
}

record!(
    Evaluation,
    Evaluation,
    fields: [rep, period, start, discipline, teamwork, service, satisfaction, note],
    entries: []
);

/// The id of `rep`'s evaluation of `period`.
pub fn evaluation_id(rep: Uuid, period: &Period) -> Uuid {
    let (hi, lo) = rep.as_u64_pair();
    let seed = [hi, lo, period.kind as u64, period.start.num_days_from_ce() as u64]
        .iter()
        .fold(0x6576_616c, |h, x| mix(h ^ x));
    Uuid::from_u64_pair(seed, mix(seed ^ 0x4556_414c))
}

impl Evaluation {
    pub fn blank(rep: Uuid, period: &Period) -> Evaluation {
        Evaluation {
            meta: Meta::new(evaluation_id(rep, period), Timestamp(0), ""),
            rep,
            period: period.kind,
            start: period.start,
            discipline: None,
            teamwork: None,
            service: None,
            satisfaction: None,
            note: String::new(),
        }
    }

    pub fn problems(&self) -> Vec<QuotaProblem> {
        let scores = [self.discipline, self.teamwork, self.service, self.satisfaction];
        let mut out = Vec::new();
        if scores.iter().flatten().any(|s| *s > 100) {
            out.push(QuotaProblem::OutOfRange);
        }
        if self.note.chars().count() > super::validate::MAX_TEXT {
            out.push(QuotaProblem::TooLarge);
        }
        out
    }

    /// Work attitude: the mean of the attitude scores given (None if none is).
    pub fn attitude(&self) -> Option<u32> {
        let given: Vec<u32> =
            [self.discipline, self.teamwork, self.service].iter().flatten().map(|s| u32::from(*s)).collect();
        (!given.is_empty()).then(|| (given.iter().sum::<u32>() * 2 + given.len() as u32) / (2 * given.len() as u32))
    }
}

/// A rep's evaluation, worked out: the results score (attainment, 100 at 100 % and above), the
/// attitude and satisfaction scores, and the weighted total over the parts there are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Score {
    pub results: Option<u32>,
    pub attitude: Option<u32>,
    pub satisfaction: Option<u32>,
    pub total: Option<u32>,
}

/// The score of `evaluation` with attainment `attainment` (basis points; None without a target)
/// under `settings`' weights; a part not scored yet leaves its weight to the others.
pub fn score(evaluation: &Evaluation, attainment: Option<BasisPoints>, settings: &QuotaSettings) -> Score {
    let results = attainment.map(|a| a.min(10_000) / 100);
    let attitude = evaluation.attitude();
    let satisfaction = evaluation.satisfaction.map(u32::from);
    let parts = [
        (results, u32::from(settings.weight_results)),
        (attitude, u32::from(settings.weight_attitude)),
        (satisfaction, u32::from(settings.weight_satisfaction)),
    ];
    let weight: u32 = parts.iter().filter(|(s, _)| s.is_some()).map(|(_, w)| w).sum();
    let sum: u32 = parts.iter().filter_map(|(s, w)| s.map(|s| s * w)).sum();
    let total = (weight > 0).then(|| (sum * 2 + weight) / (2 * weight));
    Score { results, attitude, satisfaction, total }
}

/// 客户配额: how much of `product` a customer of `tier` may use per `period`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllotmentRule {
    pub meta: Meta,
    pub product: String,
    pub tier: Tier,
    pub limit: u32,
    pub period: PeriodKind,
}

record!(AllotmentRule, AllotmentRule, fields: [product, tier, limit, period], entries: []);

impl AllotmentRule {
    pub fn problems(&self) -> Vec<QuotaProblem> {
        let mut out = Vec::new();
        if self.product.trim().is_empty() {
            out.push(QuotaProblem::ProductRequired);
        }
        if self.limit == 0 {
            out.push(QuotaProblem::QuantityRequired);
        }
        out
    }
}

/// One use of an allotment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub id: EntryId,
    #[serde(with = "super::dates")]
    pub date: NaiveDate,
    pub product: String,
    pub quantity: u32,
    pub by: String,
    pub note: String,
}

impl Entry for Usage {
    fn entry_id(&self) -> EntryId {
        self.id
    }
}

/// A customer's use of its allotments (its id is the customer's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllotmentUsage {
    pub meta: Meta,
    pub uses: Entries<Usage>,
}

record!(AllotmentUsage, AllotmentUsage, fields: [], entries: [uses]);

/// How far a customer is into an allotment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Fine,
    /// At or past the settings' warning share.
    Near,
    /// Past the limit.
    Over,
}

/// One allotment of one customer in the period containing a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllotmentStatus {
    pub product: String,
    pub period: Period,
    pub used: u32,
    pub limit: u32,
    pub level: Level,
}

/// The allotments of a customer of `tier` on `day`: each rule of its tier, with the use
/// recorded in that rule's period (so it starts again each period).
pub fn allotments(
    rules: &[&AllotmentRule],
    tier: Tier,
    usage: Option<&AllotmentUsage>,
    day: NaiveDate,
    near_share: BasisPoints,
) -> Vec<AllotmentStatus> {
    rules
        .iter()
        .filter(|r| r.tier == tier && !r.meta.is_deleted())
        .map(|rule| {
            let period = Period::containing(rule.period, day);
            let used: u32 = usage
                .map(|u| {
                    u.uses
                        .iter()
                        .filter(|x| x.product == rule.product && period.contains(x.date))
                        .map(|x| x.quantity)
                        .sum()
                })
                .unwrap_or(0);
            let level = if used > rule.limit {
                Level::Over
            } else if u64::from(used) * 10_000 >= u64::from(rule.limit) * u64::from(near_share) {
                Level::Near
            } else {
                Level::Fine
            };
            AllotmentStatus { product: rule.product.clone(), period, used, limit: rule.limit, level }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn an_evaluation_weighs_results_attitude_and_satisfaction() {
        let settings = QuotaSettings::new(Timestamp(0), "t");
        let december = Period::containing(PeriodKind::Month, date(2026, 12, 1));
        let mut e = Evaluation::blank(Uuid::from_u128(1), &december);
        // Only results so far: they are the whole score.
        assert_eq!(score(&e, Some(8_000), &settings).total, Some(80));
        e.discipline = Some(90);
        e.teamwork = Some(80);
        e.service = Some(70);
        e.satisfaction = Some(100);
        // Attainment 120 % counts as 100; attitude (90+80+70)/3 = 80; 60 % x 100 + 20 % x 80 +
        // 20 % x 100 = 96.
        let s = score(&e, Some(12_000), &settings);
        assert_eq!((s.results, s.attitude, s.satisfaction, s.total), (Some(100), Some(80), Some(100), Some(96)));
        // No target: results leave their weight to the rest: (80 x 20 + 100 x 20) / 40 = 90.
        assert_eq!(score(&e, None, &settings).total, Some(90));
        assert_eq!(score(&Evaluation::blank(Uuid::from_u128(1), &december), None, &settings).total, None);
        e.service = Some(101);
        assert_eq!(e.problems(), [QuotaProblem::OutOfRange]);
        let mut bad = settings.clone();
        bad.weight_results = 50;
        assert_eq!(bad.problems(), [QuotaProblem::WeightsNot100]);
        assert_ne!(evaluation_id(Uuid::from_u128(1), &december), evaluation_id(Uuid::from_u128(1), &december.next()));
    }

    #[test]
    fn an_allotment_warns_near_its_limit_and_starts_again_each_period() {
        let rule = AllotmentRule {
            meta: Meta::new(Uuid::from_u128(5), Timestamp(0), "t"),
            product: "免费样品".into(),
            tier: Tier::Key,
            limit: 10,
            period: PeriodKind::Month,
        };
        let use_of = |n: u64, date: NaiveDate, quantity: u32| Usage {
            id: EntryId(n),
            date,
            product: "免费样品".into(),
            quantity,
            by: "王伟".into(),
            note: String::new(),
        };
        let mut usage =
            AllotmentUsage { meta: Meta::new(Uuid::from_u128(9), Timestamp(0), "t"), uses: Entries::default() };
        usage.uses.add(use_of(1, date(2026, 11, 28), 9));
        usage.uses.add(use_of(2, date(2026, 12, 2), 7));
        let status = |usage: &AllotmentUsage, day| allotments(&[&rule], Tier::Key, Some(usage), day, 8_000);
        let november = &status(&usage, date(2026, 11, 30))[0];
        assert_eq!((november.used, november.level), (9, Level::Near));
        let december = &status(&usage, date(2026, 12, 5))[0];
        assert_eq!((december.used, december.level), (7, Level::Fine), "a new period starts again");
        usage.uses.add(use_of(3, date(2026, 12, 3), 4));
        assert_eq!(status(&usage, date(2026, 12, 5))[0].level, Level::Over);
        // Another tier's customer has no such allotment.
        assert!(allotments(&[&rule], Tier::Regular, Some(&usage), date(2026, 12, 5), 8_000).is_empty());
    }

    #[test]
    fn calendar_days_are_set_and_cleared() {
        let mut s = QuotaSettings::new(Timestamp(0), "t");
        s.set_day(date(2026, 10, 1), Some(DayKind::Holiday));
        s.set_day(date(2026, 10, 10), Some(DayKind::Workday));
        s.set_day(date(2026, 10, 1), Some(DayKind::Workday));
        assert_eq!((s.holidays.clone(), s.workdays.clone()), (vec![], vec![date(2026, 10, 1), date(2026, 10, 10)]));
        s.set_day(date(2026, 10, 1), None);
        assert_eq!(s.workdays, [date(2026, 10, 10)]);
        assert!(s.calendar().is_working(date(2026, 10, 10)));
    }
}
