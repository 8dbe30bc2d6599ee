//! Forecast snapshots: the forecast of a period as it stood on a day, kept as records so the
//! manager sees how it moved and, once the period is over, how close each one came to what
//! closed. One is taken automatically each week (the first time the forecast is opened in a week
//! without one), and any time on demand.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::forecast::{CategoryTotals, Period, Scope};
use super::money::Money;
use super::outcome::Distribution;
use super::record::record;
use super::records::{Currency, Meta};

/// The forecast of one period and scope on the day it was taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForecastSnapshot {
    pub meta: Meta,
    #[serde(with = "super::dates")]
    pub taken: NaiveDate,
    #[serde(with = "super::dates")]
    pub period_start: NaiveDate,
    #[serde(with = "super::dates")]
    pub period_end: NaiveDate,
    pub owner: Option<Uuid>,
    pub team: Option<Uuid>,
    pub currency: Currency,
    /// Of every currency converted into `currency` (not of `currency`'s deals alone).
    pub converted: bool,
    pub weighted: Money,
    pub class_method: Money,
    pub closed: Money,
    /// Cumulative commit (commit + closed) and best case (best case + commit + closed).
    pub commit: Money,
    pub best_case: Money,
    pub p10: Money,
    pub p50: Money,
    pub p90: Money,
    /// Taken by the weekly rule rather than by the user.
    pub automatic: bool,
}

record!(
    ForecastSnapshot,
    ForecastSnapshot,
    fields: [
        taken, period_start, period_end, owner, team, currency, converted, weighted, class_method, closed, commit, best_case, p10, p50,
        p90, automatic,
    ],
    entries: []
);

/// What a snapshot records, worked out by the forecast.
pub struct Taken<'a> {
    pub period: &'a Period,
    pub scope: &'a Scope,
    pub weighted: Money,
    pub class_method: Money,
    pub totals: CategoryTotals,
    pub range: &'a Distribution,
}

impl ForecastSnapshot {
    /// A snapshot with id `id` taken on `today` (its meta is set when it is saved).
    pub fn new(id: Uuid, today: NaiveDate, taken: Taken, automatic: bool) -> ForecastSnapshot {
        let cumulative = taken.totals.cumulative();
        ForecastSnapshot {
            meta: Meta::new(id, super::records::Timestamp(0), ""),
            taken: today,
            period_start: taken.period.start,
            period_end: taken.period.end,
            owner: taken.scope.owner,
            team: taken.scope.team,
            currency: taken.scope.currency,
            converted: taken.scope.fx.is_some(),
            weighted: taken.weighted,
            class_method: taken.class_method,
            closed: cumulative.closed,
            commit: cumulative.commit,
            best_case: cumulative.best_case,
            p10: taken.range.quantile(0.1),
            p50: taken.range.quantile(0.5),
            p90: taken.range.quantile(0.9),
            automatic,
        }
    }

    /// Whether this snapshot is of `period` and `scope`.
    pub fn is_of(&self, period: &Period, scope: &Scope) -> bool {
        self.meta.deleted_at.is_none()
            && self.period_start == period.start
            && self.period_end == period.end
            && self.owner == scope.owner
            && self.team == scope.team
            && self.currency == scope.currency
            && self.converted == scope.fx.is_some()
    }

    /// The forecast this snapshot called: the weighted one plus what had closed.
    pub fn forecast(&self) -> Money {
        Money(self.weighted.0 + self.closed.0)
    }

    /// The A/B/C/D method's call: its forecast of the open deals plus what had closed.
    pub fn class_forecast(&self) -> Money {
        Money(self.class_method.0 + self.closed.0)
    }

    /// How far the weighted call was from what closed in the end, as a share of that (+0.1:
    /// called 10 % too high). None while nothing closed.
    pub fn error(&self, actual: Money) -> Option<f64> {
        error_of(self.forecast(), actual)
    }

    /// The same for the A/B/C/D method's call, so the manager sees which method was nearer.
    pub fn class_error(&self, actual: Money) -> Option<f64> {
        error_of(self.class_forecast(), actual)
    }
}

fn error_of(call: Money, actual: Money) -> Option<f64> {
    (actual.0 > 0).then(|| (call.0 - actual.0) as f64 / actual.0 as f64)
}

/// The snapshots of `period` and `scope`, oldest first.
pub fn of_period<'a>(all: &'a [ForecastSnapshot], period: &Period, scope: &Scope) -> Vec<&'a ForecastSnapshot> {
    let mut found: Vec<&ForecastSnapshot> = all.iter().filter(|s| s.is_of(period, scope)).collect();
    found.sort_by_key(|s| (s.taken, s.meta.created_at));
    found
}

/// Whether the weekly snapshot of `period` and `scope` is due on `today`: the period is under
/// way and no snapshot of it was taken in the last seven days.
pub fn weekly_due(all: &[ForecastSnapshot], period: &Period, scope: &Scope, today: NaiveDate) -> bool {
    period.contains(today)
        && !all.iter().any(|s| s.is_of(period, scope) && s.taken > today - Duration::days(7) && s.taken <= today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::forecast::PeriodKind;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn snapshot(taken: NaiveDate, period: &Period, weighted: i64, closed: i64) -> ForecastSnapshot {
        let range = Distribution::of(&[(Money::from_yuan(weighted * 2), 0.5)], 1);
        let totals = CategoryTotals { closed: Money::from_yuan(closed), ..CategoryTotals::default() };
        let taken_with = Taken {
            period,
            scope: &Scope::default(),
            weighted: Money::from_yuan(weighted),
            class_method: Money::from_yuan(weighted),
            totals,
            range: &range,
        };
        ForecastSnapshot::new(Uuid::new_v4(), taken, taken_with, true)
    }

    #[test]
    fn a_weekly_snapshot_is_due_once_a_week_while_the_period_runs() {
        let q4 = Period::containing(PeriodKind::Quarter, date(2026, 12, 4));
        let scope = Scope::default();
        assert!(weekly_due(&[], &q4, &scope, date(2026, 12, 4)));
        let taken = [snapshot(date(2026, 12, 1), &q4, 100, 0)];
        assert!(!weekly_due(&taken, &q4, &scope, date(2026, 12, 7)), "six days later");
        assert!(weekly_due(&taken, &q4, &scope, date(2026, 12, 8)), "seven days later");
        assert!(!weekly_due(&[], &q4, &scope, date(2027, 1, 2)), "the period is over");
        // Another rep's snapshot is not this scope's.
        let mine = Scope { owner: Some(Uuid::from_u128(3)), ..Scope::default() };
        assert!(weekly_due(&taken, &q4, &mine, date(2026, 12, 2)));
    }

    #[test]
    fn snapshots_keep_the_figures_and_say_how_far_off_they_were() {
        let q4 = Period::containing(PeriodKind::Quarter, date(2026, 12, 4));
        let s = snapshot(date(2026, 11, 2), &q4, 800, 300);
        assert_eq!(s.forecast(), Money::from_yuan(1_100));
        assert_eq!((s.p10, s.p90), (Money::ZERO, Money::from_yuan(1_600)));
        // 1,000 closed in the end: the call was 10 % high.
        assert!((s.error(Money::from_yuan(1_000)).unwrap() - 0.1).abs() < 1e-12);
        assert_eq!(s.error(Money::ZERO), None);
        // The A/B/C/D call, judged the same way: 600 + 300 against 1,000 closed is 10 % low.
        let mut by_class = s.clone();
        by_class.class_method = Money::from_yuan(600);
        assert_eq!(by_class.class_forecast(), Money::from_yuan(900));
        assert!((by_class.class_error(Money::from_yuan(1_000)).unwrap() + 0.1).abs() < 1e-12);
        let later = snapshot(date(2026, 11, 30), &q4, 700, 400);
        let other = snapshot(date(2026, 11, 9), &Period::containing(PeriodKind::Month, date(2026, 11, 9)), 1, 1);
        let all = [later.clone(), other, s.clone()];
        let found: Vec<NaiveDate> = of_period(&all, &q4, &Scope::default()).iter().map(|x| x.taken).collect();
        assert_eq!(found, [s.taken, later.taken]);
    }
}
