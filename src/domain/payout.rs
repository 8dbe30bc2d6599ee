//! Payout statements from the book: every rep's lines for a period under the incentive rules,
//! with what was paid before and has since been taken back (clawbacks), worked out from one pass
//! over the deals per period (the statements of 200 reps read the deals once, not 200 times).

use std::collections::HashMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::forecast::{ForecastPlan, Period, PeriodKind, FORECAST_PLAN_ID};
use super::incentive::{clawbacks, statement, statement_id, total, IncentiveRule, Line, PayoutStatement, RepFigures};
use super::money::Money;
use super::quota::{actuals, Actuals, Holder, Measure, RepProfile, TargetBook};
use super::records::{StageOutcome, UtcOffset};
use super::Archive;

/// One rep's statement for a period: its lines (clawbacks last), their total, the deals won in
/// it, and the closed statement if it was closed (paid).
#[derive(Clone, Debug, PartialEq)]
pub struct RepStatement {
    pub rep: Uuid,
    pub lines: Vec<Line>,
    pub total: Money,
    pub deals: Vec<Uuid>,
    pub closed: Option<PayoutStatement>,
}

/// Works out statements over one archive, reading each period's deals once.
pub struct Payouts<'a> {
    archive: &'a Archive,
    offset: UtcOffset,
    book: TargetBook,
    rules: Vec<&'a IncentiveRule>,
    actuals: HashMap<(PeriodKind, NaiveDate), Actuals>,
}

impl<'a> Payouts<'a> {
    pub fn new(archive: &'a Archive, offset: UtcOffset) -> Payouts<'a> {
        Payouts {
            archive,
            offset,
            book: TargetBook::new(archive.targets.rows()),
            rules: archive.incentive_rules.live().collect(),
            actuals: HashMap::new(),
        }
    }

    fn actuals(&mut self, period: &Period) -> &Actuals {
        let archive = self.archive;
        let offset = self.offset;
        self.actuals.entry((period.kind, period.start)).or_insert_with(|| {
            let fx = ForecastPlan::conversion(archive.forecast_plans.get(FORECAST_PLAN_ID));
            match archive.pipeline() {
                Some(pipeline) => {
                    actuals(pipeline, archive.deals.rows(), archive.customers.rows(), period, offset, &fx)
                }
                None => Actuals::default(),
            }
        })
    }

    /// What a statement of `rep` reads for `period`.
    fn figures(&mut self, rep: Uuid, period: &Period) -> RepFigures {
        let year = Period::containing(PeriodKind::Year, period.start);
        let annual_target = self.book.of(Holder::Rep(rep), Measure::Amount, &year).map(|t| t.target);
        let annual_met = match annual_target {
            Some(target) => self.actuals(&year).of(&[rep], Measure::Amount) >= target,
            None => false,
        };
        let target = self.book.of(Holder::Rep(rep), Measure::Amount, period).map(|t| t.target);
        let actuals = self.actuals(period);
        let won = actuals.of(&[rep], Measure::Amount);
        let deals =
            actuals.won.iter().filter(|w| w.owner == Some(rep)).map(|w| (w.id, w.difficulty, w.amount)).collect();
        let started = self.archive.rep_profiles.get(rep).and_then(|p: &RepProfile| p.started);
        RepFigures { target, won, deals, annual_met, started }
    }

    /// The lines `rep`'s rules pay for `period`, clawbacks aside.
    fn earned(&mut self, rep: Uuid, team: Option<Uuid>, period: &Period) -> (Vec<Line>, Vec<Uuid>) {
        let figures = self.figures(rep, period);
        let deals = figures.deals.iter().map(|d| d.0).collect();
        let rules = self.rules.clone();
        (statement(&rules, team, &|_| figures.clone(), period), deals)
    }

    /// `rep`'s statement for `period`: as closed if it was, else worked out now with the
    /// clawbacks of earlier closed statements.
    pub fn statement(&mut self, rep: Uuid, period: &Period) -> RepStatement {
        let closed = self.archive.payout_statements.live_one(statement_id(rep, period)).cloned();
        if let Some(paid) = closed {
            return RepStatement {
                rep,
                lines: paid.lines.clone(),
                total: paid.total,
                deals: paid.deals.clone(),
                closed: Some(paid),
            };
        }
        let team = self.archive.reps.get(rep).and_then(|r| r.team);
        let (mut lines, deals) = self.earned(rep, team, period);
        let earlier: Vec<PayoutStatement> =
            self.archive.payout_statements.live().filter(|s| s.rep == rep && s.start < period.start).cloned().collect();
        if !earlier.is_empty() {
            let mut now_pays = HashMap::new();
            for paid in &earlier {
                let (lines, _) = self.earned(rep, team, &paid.period());
                now_pays.insert(paid.meta.id, total(&lines).0);
            }
            let archive = self.archive;
            let still_won = |deal: Uuid| {
                let won = |d: &super::pipeline::Deal| {
                    archive.pipeline().and_then(|p| p.stage(d.stage)).is_some_and(|s| s.outcome == StageOutcome::Won)
                };
                archive.deals.live_one(deal).is_some_and(won)
            };
            let refs: Vec<&PayoutStatement> = earlier.iter().collect();
            lines.extend(clawbacks(&refs, period, &|s| now_pays.get(&s.meta.id).copied().unwrap_or(0), &still_won));
        }
        RepStatement { rep, total: total(&lines), lines, deals, closed: None }
    }

    /// Every active rep's statement for `period` (and those of reps who left but won deals in it
    /// or were paid for it).
    pub fn all(&mut self, period: &Period) -> Vec<RepStatement> {
        let with_results: std::collections::HashSet<Uuid> =
            self.actuals(period).by_rep.keys().flatten().copied().collect();
        let archive = self.archive;
        let reps: Vec<Uuid> = archive
            .reps
            .live()
            .filter(|r| {
                r.active
                    || with_results.contains(&r.meta.id)
                    || archive.payout_statements.live_one(statement_id(r.meta.id, period)).is_some()
            })
            .map(|r| r.meta.id)
            .collect();
        reps.into_iter().map(|r| self.statement(r, period)).collect()
    }
}
