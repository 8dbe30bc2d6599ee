//! The quota area's commands, validated here: targets set (a whole split at once, all or
//! nothing, each change kept with who and when), reps' profiles, the calendar and weights,
//! incentive rules, closing a payout statement (worked out here from the book), evaluations,
//! allotment rules and their use. Undo is the archive's, as for every command.

use chrono::{Datelike, NaiveDate};
use uuid::Uuid;

use super::archive::Change;
use super::commands::DomainError;
use super::evaluation::{AllotmentRule, AllotmentUsage, DayKind, Evaluation, QuotaSettings, Usage, QUOTA_SETTINGS_ID};
use super::forecast::{BasisPoints, Period};
use super::incentive::{statement_id, IncentiveRule, PayoutStatement};
use super::payout::Payouts;
use super::quota::{
    check_tiers, target_id, Holder, Measure, QuotaProblem, RepProfile, Target, TargetChange, Tiers, MAX_CAPACITY,
};
use super::record::Entries;
use super::records::Meta;
use super::validate::{MAX_NAME, MAX_TEXT};

/// One month's target to set (None: removed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TargetSet {
    pub holder: Holder,
    pub measure: Measure,
    pub month: NaiveDate,
    pub tiers: Option<Tiers>,
}

/// The months' targets that set `holder`'s target of `period` to `tiers` (spread evenly over its
/// months), or remove it (None).
pub fn sets_for_period(
    holder: Holder,
    measure: Measure,
    period: &Period,
    tiers: Option<Tiers>,
) -> Result<Vec<TargetSet>, QuotaProblem> {
    let months = super::quota::months_of(period);
    let parts = match tiers {
        Some(tiers) => super::quota::spread(tiers, months.len())?.into_iter().map(Some).collect(),
        None => vec![None; months.len()],
    };
    Ok(months.into_iter().zip(parts).map(|(month, tiers)| TargetSet { holder, measure, month, tiers }).collect())
}

fn quota(problem: QuotaProblem) -> DomainError {
    DomainError::Quota(problem)
}

impl Change<'_> {
    /// Sets several months' targets at once (a split, a year spread over its months): every one
    /// checked before any is stored.
    pub(crate) fn set_targets(&mut self, sets: Vec<TargetSet>) -> Result<(), DomainError> {
        for set in &sets {
            if set.month.day() != 1 {
                return Err(quota(QuotaProblem::NotAMonth));
            }
            if let Some(tiers) = &set.tiers {
                check_tiers(tiers).map_err(quota)?;
            }
            let known = match set.holder {
                Holder::Company => true,
                Holder::Team(id) => self.archive.teams.live_one(id).is_some(),
                Holder::Rep(id) => self.archive.reps.live_one(id).is_some(),
            };
            if !known {
                return Err(quota(QuotaProblem::UnknownHolder));
            }
        }
        for set in sets {
            let id = target_id(set.holder, set.measure, set.month);
            let stored = self.get::<Target>(id).filter(|t| !t.meta.is_deleted()).cloned();
            let before = stored.as_ref().map(Target::tiers);
            if before == set.tiers {
                continue;
            }
            let mut target = self.get::<Target>(id).cloned().unwrap_or_else(|| Target {
                meta: Meta::new(id, self.actor.now, &self.actor.name),
                holder: set.holder,
                measure: set.measure,
                month: set.month,
                target: 0,
                stretch: None,
                challenge: None,
                changes: Vec::new(),
            });
            match set.tiers {
                Some(tiers) => {
                    target.meta.deleted_at = None;
                    (target.target, target.stretch, target.challenge) = (tiers.target, tiers.stretch, tiers.challenge);
                    let n = target.changes.len() as u32;
                    target.changes.push(TargetChange {
                        id: self.actor.entry_id(n),
                        at: self.actor.now,
                        by: self.actor.name.clone(),
                        from: before,
                        to: tiers,
                    });
                }
                None => target.meta.deleted_at = Some(self.actor.now),
            }
            self.put(target);
        }
        Ok(())
    }

    /// A rep's capacity, experience, start and leaving days.
    pub(crate) fn save_rep_profile(&mut self, mut profile: RepProfile) -> Result<(), DomainError> {
        let id = profile.meta.id;
        self.archive.reps.get(id).ok_or(DomainError::NotFound(id))?;
        if profile.capacity == 0 || profile.capacity > MAX_CAPACITY || profile.experience_years > 60 {
            return Err(quota(QuotaProblem::OutOfRange));
        }
        if let (Some(started), Some(left)) = (profile.started, profile.left) {
            if left < started {
                return Err(quota(QuotaProblem::LeftBeforeStart));
            }
        }
        profile.meta = match self.get::<RepProfile>(id) {
            Some(stored) => stored.meta.clone(),
            None => Meta::new(id, self.actor.now, &self.actor.name),
        };
        self.put(profile);
        Ok(())
    }

    /// Changes the quota settings (made with the defaults the first time), checked whole.
    pub(crate) fn change_quota_settings(&mut self, change: impl FnOnce(&mut QuotaSettings)) -> Result<(), DomainError> {
        let mut settings = self
            .get::<QuotaSettings>(QUOTA_SETTINGS_ID)
            .cloned()
            .unwrap_or_else(|| QuotaSettings::new(self.actor.now, &self.actor.name));
        change(&mut settings);
        if let Some(problem) = settings.problems().first() {
            return Err(quota(*problem));
        }
        self.put(settings);
        Ok(())
    }

    pub(crate) fn set_calendar_day(&mut self, day: NaiveDate, kind: Option<DayKind>) -> Result<(), DomainError> {
        self.change_quota_settings(|s| s.set_day(day, kind))
    }

    pub(crate) fn set_weights(&mut self, results: u8, attitude: u8, satisfaction: u8) -> Result<(), DomainError> {
        self.change_quota_settings(|s| {
            (s.weight_results, s.weight_attitude, s.weight_satisfaction) = (results, attitude, satisfaction)
        })
    }

    pub(crate) fn set_near_share(&mut self, share: BasisPoints) -> Result<(), DomainError> {
        self.change_quota_settings(|s| s.near_share = share)
    }

    pub(crate) fn save_incentive_rule(&mut self, mut rule: IncentiveRule) -> Result<(), DomainError> {
        rule.name = rule.name.trim().to_owned();
        if rule.meta.id.is_nil() {
            return Err(DomainError::NilId);
        }
        let problems = rule.problems();
        if !problems.is_empty() {
            return Err(DomainError::Incentive(problems));
        }
        if rule.name.chars().count() > MAX_NAME {
            return Err(quota(QuotaProblem::TooLarge));
        }
        if let Some(team) = rule.team {
            self.archive.teams.live_one(team).ok_or(DomainError::NotFound(team))?;
        }
        rule.meta = match self.get::<IncentiveRule>(rule.meta.id) {
            Some(stored) => stored.meta.clone(),
            None => Meta::new(rule.meta.id, self.actor.now, &self.actor.name),
        };
        self.put(rule);
        Ok(())
    }

    pub(crate) fn delete_plain<R: super::kinds::Stored>(&mut self, id: Uuid) -> Result<(), DomainError> {
        let mut record: R = self.fetch(id)?;
        record.meta_mut().deleted_at = Some(self.actor.now);
        self.put(record);
        Ok(())
    }

    /// Closes (pays) `rep`'s statement of `period` as the book works it out now; a closed one is
    /// kept as it was paid, and a later statement claws back what it paid for deals no longer won.
    pub(crate) fn close_payout(&mut self, rep: Uuid, period: Period) -> Result<(), DomainError> {
        self.archive.reps.get(rep).ok_or(DomainError::NotFound(rep))?;
        let id = statement_id(rep, &period);
        if self.archive.payout_statements.live_one(id).is_some() {
            return Err(DomainError::AlreadyExists(id));
        }
        let worked = Payouts::new(self.archive, self.actor.today.offset).statement(rep, &period);
        let statement = PayoutStatement {
            meta: Meta::new(id, self.actor.now, &self.actor.name),
            rep,
            period: period.kind,
            start: period.start,
            lines: worked.lines,
            total: worked.total,
            deals: worked.deals,
        };
        // A statement reopened (undone) and closed again is the same record, live again.
        let statement = match self.get::<PayoutStatement>(id) {
            Some(stored) => PayoutStatement { meta: stored.meta.clone(), ..statement },
            None => statement,
        };
        let mut statement = statement;
        statement.meta.deleted_at = None;
        self.put(statement);
        Ok(())
    }

    pub(crate) fn save_evaluation(&mut self, mut evaluation: Evaluation) -> Result<(), DomainError> {
        self.archive.reps.get(evaluation.rep).ok_or(DomainError::NotFound(evaluation.rep))?;
        evaluation.note = evaluation.note.trim().to_owned();
        if let Some(problem) = evaluation.problems().first() {
            return Err(quota(*problem));
        }
        let period = Period::containing(evaluation.period, evaluation.start);
        let id = super::evaluation::evaluation_id(evaluation.rep, &period);
        evaluation.start = period.start;
        evaluation.meta = match self.get::<Evaluation>(id) {
            Some(stored) => stored.meta.clone(),
            None => Meta::new(id, self.actor.now, &self.actor.name),
        };
        self.put(evaluation);
        Ok(())
    }

    pub(crate) fn save_allotment_rule(&mut self, mut rule: AllotmentRule) -> Result<(), DomainError> {
        rule.product = rule.product.trim().to_owned();
        if rule.meta.id.is_nil() {
            return Err(DomainError::NilId);
        }
        if let Some(problem) = rule.problems().first() {
            return Err(quota(*problem));
        }
        if rule.product.chars().count() > MAX_NAME {
            return Err(quota(QuotaProblem::TooLarge));
        }
        rule.meta = match self.get::<AllotmentRule>(rule.meta.id) {
            Some(stored) => stored.meta.clone(),
            None => Meta::new(rule.meta.id, self.actor.now, &self.actor.name),
        };
        self.put(rule);
        Ok(())
    }

    /// Records a use of an allotment by a customer (it may pass the limit: the page warns).
    pub(crate) fn record_usage(&mut self, customer: Uuid, mut usage: Usage) -> Result<(), DomainError> {
        self.archive.customers.live_one(customer).ok_or(DomainError::NotFound(customer))?;
        usage.product = usage.product.trim().to_owned();
        usage.note = usage.note.trim().to_owned();
        if usage.product.is_empty() {
            return Err(quota(QuotaProblem::ProductRequired));
        }
        if usage.quantity == 0 {
            return Err(quota(QuotaProblem::QuantityRequired));
        }
        if usage.note.chars().count() > MAX_TEXT || usage.product.chars().count() > MAX_NAME {
            return Err(quota(QuotaProblem::TooLarge));
        }
        if usage.by.trim().is_empty() {
            usage.by = self.actor.name.clone();
        }
        let mut record = self.get::<AllotmentUsage>(customer).cloned().unwrap_or_else(|| AllotmentUsage {
            meta: Meta::new(customer, self.actor.now, &self.actor.name),
            uses: Entries::default(),
        });
        if usage.id == super::revision::EntryId::default() {
            usage.id = self.actor.entry_id(0);
        }
        if record.uses.find(usage.id).is_some() || record.uses.removed().any(|u| u.id == usage.id) {
            return Err(DomainError::Entry(super::commands::EntryProblem::RepeatedId));
        }
        record.uses.add(usage);
        self.put(record);
        Ok(())
    }
}
