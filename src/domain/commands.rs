//! The changes a user can ask for, as intentions ("add this follow-up", "extend this deal by
//! 30 days", "these fields of this form changed"), each validated here. The UI sends them and
//! holds no business arithmetic; `Archive::apply` runs them, stamps what they touched and keeps
//! what it takes to undo them.

use chrono::{Duration, NaiveDate};
use uuid::Uuid;

use super::archive::{Change, UndoToken};
use super::dedupe;
use super::forecast::{BasisPoints, Category, DealCategory, ForecastPlan, PlanProblem, FORECAST_PLAN_ID};
use super::kinds::{AnyRecord, AnyVisitor, Records, Stored};
use super::pipeline::{Activity, Deal, DealChange, DealEvent, DealProblem, Pipeline, PipelineProblem, PIPELINE_ID};
use super::record::{changed_fields, field_stamp, undo_onto, Entries, Entry, Record};
use super::records::{
    ActivityKind, Communication, Currency, Customer, FunnelClass, Meta, OwnerChange, Rep, StageOutcome, Team,
    Transaction,
};
use super::revision::{mix, EntryId, Stamp};
use super::snapshot::ForecastSnapshot;
use super::superseded::Superseded;
use super::validate::{validate_customer, FieldError, MAX_NAME, MAX_TEXT};
use super::{Archive, Money};

/// A change a user asks for. (A few are alive at a time, so the size of the largest variant does
/// not matter.)
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Command {
    /// A new customer; its id must be new and not nil.
    CreateCustomer(Customer),
    /// A form's edit: the customer as the form began and as the user left it. Only what the user
    /// changed is applied, to the customer as it is now; a field someone else changed meanwhile
    /// is overwritten, and their value kept as superseded.
    EditCustomer {
        before: Box<Customer>,
        after: Box<Customer>,
    },
    /// Deletes a customer, and decides what becomes of its deals.
    DeleteCustomer {
        id: Uuid,
        deals: DealsOfDeleted,
    },
    AddTransaction {
        customer: Uuid,
        transaction: Transaction,
    },
    /// A follow-up; its id may be chosen by the caller (its attached files are keyed by it).
    AddCommunication {
        customer: Uuid,
        communication: Communication,
    },
    /// Removes an order, a follow-up or a deal's activity entered by mistake.
    RemoveEntry {
        record: Uuid,
        entry: RecordEntry,
    },
    /// An import: new customers, and stored ones filled with imported values (non-empty cells
    /// win; new contacts and orders are added), all or nothing.
    ImportCustomers {
        create: Vec<Customer>,
        fill: Vec<(Uuid, Customer)>,
    },
    SaveRep(Rep),
    SaveTeam(Team),
    /// Replaces the whole archive (demo data, restore from backup). Not undone by `Undo`.
    ReplaceAll(Box<Records>),
    /// A new deal; its history starts here.
    CreateDeal(Deal),
    /// A form's edit of a deal (as `EditCustomer`); its history records what changed.
    EditDeal {
        before: Box<Deal>,
        after: Box<Deal>,
    },
    DeleteDeal(Uuid),
    /// Moves a deal to another stage (the board). `from` is the stage the user saw it in: if
    /// someone moved it meanwhile, their move is kept as superseded.
    MoveDeal {
        id: Uuid,
        stage: Uuid,
        from: Option<Uuid>,
    },
    /// Moves the expected close date `days` past the later of today and the date it has.
    ExtendDeal {
        id: Uuid,
        days: u16,
    },
    /// Something done on a deal; its id may be chosen by the caller (as for follow-ups).
    AddActivity {
        deal: Uuid,
        activity: Activity,
    },
    /// Saves the stages and rules; every deal's stage must still exist (see `RemoveStage`).
    SavePipeline(Pipeline),
    /// The default stages and rules in Chinese or English, if the book has none yet (its first
    /// run); nothing if it has.
    SetUpPipeline {
        chinese: bool,
    },
    /// Removes a stage, moving its deals to `move_to` first.
    RemoveStage {
        stage: Uuid,
        move_to: Uuid,
    },
    /// Gives deals and customers to another rep (or none), recorded in their histories.
    HandOver {
        deals: Vec<Uuid>,
        customers: Vec<Uuid>,
        to: Option<Uuid>,
    },
    /// Several hand-overs at once (batch assignment of new leads to reps).
    Assign(Vec<Assignment>),
    /// Closes as lost every open deal whose expected close date plus the grace is before `today`.
    ExpireDeals {
        today: NaiveDate,
    },
    /// Sets one funnel class's conversion rate in the forecast settings (None: the stages').
    SetClassRate {
        class: FunnelClass,
        rate: Option<BasisPoints>,
    },
    /// How many months of closed deals the learned class rates read (1 to 60).
    SetLearnMonths(u16),
    /// Sets (or with None removes) the exchange rate of `currency` from day `from`.
    SetFxRate {
        currency: Currency,
        from: NaiveDate,
        rate: Option<u32>,
    },
    /// Sets an open deal's forecast category by hand (None: it follows the stage again).
    SetDealCategory {
        deal: Uuid,
        category: Option<Category>,
    },
    /// Keeps the forecast of a period as it stands (a new id each time).
    SaveSnapshot(Box<ForecastSnapshot>),
    /// Sets months' targets (a split, a period spread over its months), all or nothing.
    SetTargets(Vec<super::quota_commands::TargetSet>),
    SaveRepProfile(super::quota::RepProfile),
    /// Marks a day a holiday, a worked weekend day, or (None) as the week has it.
    SetCalendarDay {
        day: NaiveDate,
        kind: Option<super::evaluation::DayKind>,
    },
    /// The evaluation's weights in percent (results, attitude, satisfaction; adding up to 100).
    SetEvaluationWeights {
        results: u8,
        attitude: u8,
        satisfaction: u8,
    },
    /// The share of an allotment at which it warns.
    SetAllotmentWarning(BasisPoints),
    SaveIncentiveRule(Box<super::incentive::IncentiveRule>),
    DeleteIncentiveRule(Uuid),
    /// Closes (pays) a rep's statement of a period as the book works it out now.
    ClosePayout {
        rep: Uuid,
        period: super::forecast::Period,
    },
    SaveEvaluation(Box<super::evaluation::Evaluation>),
    SaveAllotmentRule(super::evaluation::AllotmentRule),
    DeleteAllotmentRule(Uuid),
    /// A customer used some of an allotment.
    RecordUsage {
        customer: Uuid,
        usage: super::evaluation::Usage,
    },
    /// Takes back a stored command, as a new change: what it set goes back where nobody changed
    /// it since; entries it added are removed, entries it removed come back.
    Undo(Box<UndoToken>),
    /// Records a teammate saved (a change file, a server's documents), each joined with ours
    /// field by field (`record::join`) and kept with the revisions it carries: not stamped as this
    /// user's change, and with no undo. The same records taken in again change nothing.
    TakeIn(Vec<AnyRecord>),
    /// `TakeIn` from a server, each record with the revision it had here when this side and the
    /// server last agreed on it: a field both sides changed since, to different values, is a
    /// true conflict, and the value that loses (the earlier change) is kept as superseded, shown
    /// on the record's page for a person to settle.
    TakeInSince(Vec<(AnyRecord, Stamp)>),
}

/// What becomes of a deleted customer's deals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DealsOfDeleted {
    /// Deleted with the customer.
    Delete,
    /// Open deals closed as lost (closed deals stay as they were), kept for reports.
    CloseAsLost,
}

/// An entry that can be removed: an order or a follow-up of a customer, an activity of a deal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordEntry {
    Transaction(EntryId),
    Communication(EntryId),
    Activity(EntryId),
}

/// Deals and customers given to one rep (`None`: to nobody).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assignment {
    pub to: Option<Uuid>,
    pub deals: Vec<Uuid>,
    pub customers: Vec<Uuid>,
}

/// Why an order, a follow-up or an activity cannot be added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryProblem {
    /// The product, summary or outcome is empty.
    TextRequired,
    TextTooLong,
    /// An order needs an amount above zero.
    AmountRequired,
    AmountTooLarge,
    /// The id is taken in this record.
    RepeatedId,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DomainError {
    Invalid(Vec<FieldError>),
    Deal(Vec<DealProblem>),
    Pipeline(Vec<PipelineProblem>),
    Forecast(Vec<PlanProblem>),
    Entry(EntryProblem),
    /// Deals are still in this stage.
    StageInUse(Uuid),
    NotFound(Uuid),
    AlreadyExists(Uuid),
    NilId,
    /// Some stored records could not be read, so no change can be made safely over them.
    Unreadable,
    Quota(super::quota::QuotaProblem),
    Incentive(Vec<super::incentive::RuleProblem>),
}

/// The archive a replacement puts in place, checked.
/// Records without a revision (demo data, a backup from before revisions) are given the
/// replacement's, so every stored record can be merged with other devices' copies.
pub(crate) fn replacement(records: Records, actor: &super::Actor) -> Result<Archive, DomainError> {
    if records.customers.iter().any(|c| c.meta.id.is_nil()) || records.deals.iter().any(|d| d.meta.id.is_nil()) {
        return Err(DomainError::NilId);
    }
    let mut records = records.into_any();
    for record in &mut records {
        record.meta_mut_unstamped(actor.stamp);
    }
    let mut out = Records::default();
    for record in records {
        out.push(record);
    }
    Ok(Archive::from_records(out))
}

impl Change<'_> {
    pub(crate) fn run(&mut self, command: Command) -> Result<(), DomainError> {
        match command {
            Command::CreateCustomer(customer) => {
                let customer = self.new_customer(customer)?;
                self.put(customer);
            }
            Command::EditCustomer { before, after } => self.edit_customer(*before, *after)?,
            Command::DeleteCustomer { id, deals } => self.delete_customer(id, deals)?,
            Command::AddTransaction { customer, transaction } => self.add_transaction(customer, transaction)?,
            Command::AddCommunication { customer, communication } => self.add_communication(customer, communication)?,
            Command::RemoveEntry { record, entry } => self.remove_entry(record, entry)?,
            Command::ImportCustomers { create, fill } => self.import(create, fill)?,
            Command::SaveRep(rep) => self.save_rep(rep)?,
            Command::SaveTeam(team) => self.save_team(team)?,
            Command::ReplaceAll(_) => unreachable!("applied by Archive::apply"),
            Command::CreateDeal(deal) => self.create_deal(deal)?,
            Command::EditDeal { before, after } => self.edit_deal(*before, *after)?,
            Command::DeleteDeal(id) => {
                let mut deal: Deal = self.fetch(id)?;
                deal.meta.deleted_at = Some(self.actor.now);
                self.put(deal);
            }
            Command::MoveDeal { id, stage, from } => self.move_deal(id, stage, from)?,
            Command::ExtendDeal { id, days } => {
                let mut deal: Deal = self.fetch(id)?;
                let from = deal.expected_close.unwrap_or(self.actor.today.date).max(self.actor.today.date);
                deal.expected_close = Some(from + Duration::days(i64::from(days)));
                self.put_deal(deal)?;
            }
            Command::AddActivity { deal, activity } => self.add_activity(deal, activity)?,
            Command::SavePipeline(pipeline) => self.save_pipeline(pipeline)?,
            Command::SetUpPipeline { chinese } => {
                if self.archive.pipeline().is_none() {
                    self.save_pipeline(Pipeline::defaults(chinese, self.actor.now, &self.actor.name))?;
                }
            }
            Command::RemoveStage { stage, move_to } => self.remove_stage(stage, move_to)?,
            Command::HandOver { deals, customers, to } => self.assign(vec![Assignment { to, deals, customers }])?,
            Command::Assign(assignments) => self.assign(assignments)?,
            Command::ExpireDeals { today } => self.expire(today)?,
            Command::SetClassRate { class, rate } => self.change_plan(|plan| plan.set_rate(class, rate))?,
            Command::SetFxRate { currency, from, rate } => {
                self.change_plan(|plan| plan.set_fx(currency, from, rate))?
            }
            Command::SetLearnMonths(months) => self.change_plan(|plan| plan.learn_months = months)?,
            Command::SetDealCategory { deal, category } => {
                let stored: Deal = self.fetch(deal)?;
                let open = self.archive.pipeline().is_some_and(|p| p.is_open(&stored));
                if !open || category.is_some_and(|c| !Category::SETTABLE.contains(&c)) {
                    return Err(DomainError::Forecast(vec![PlanProblem::CategoryNotSettable]));
                }
                let record = match self.get::<DealCategory>(deal) {
                    Some(set) => DealCategory { category, ..set.clone() },
                    None => DealCategory { meta: Meta::new(deal, self.actor.now, &self.actor.name), category },
                };
                self.put(record);
            }
            Command::SaveSnapshot(snapshot) => {
                let mut snapshot = *snapshot;
                if snapshot.meta.id.is_nil() {
                    return Err(DomainError::NilId);
                }
                if self.get::<ForecastSnapshot>(snapshot.meta.id).is_some() {
                    return Err(DomainError::AlreadyExists(snapshot.meta.id));
                }
                snapshot.meta = Meta::new(snapshot.meta.id, self.actor.now, &self.actor.name);
                self.put(snapshot);
            }
            Command::SetTargets(sets) => self.set_targets(sets)?,
            Command::SaveRepProfile(profile) => self.save_rep_profile(profile)?,
            Command::SetCalendarDay { day, kind } => self.set_calendar_day(day, kind)?,
            Command::SetEvaluationWeights { results, attitude, satisfaction } => {
                self.set_weights(results, attitude, satisfaction)?
            }
            Command::SetAllotmentWarning(share) => self.set_near_share(share)?,
            Command::SaveIncentiveRule(rule) => self.save_incentive_rule(*rule)?,
            Command::DeleteIncentiveRule(id) => self.delete_plain::<super::incentive::IncentiveRule>(id)?,
            Command::ClosePayout { rep, period } => self.close_payout(rep, period)?,
            Command::SaveEvaluation(evaluation) => self.save_evaluation(*evaluation)?,
            Command::SaveAllotmentRule(rule) => self.save_allotment_rule(rule)?,
            Command::DeleteAllotmentRule(id) => self.delete_plain::<super::evaluation::AllotmentRule>(id)?,
            Command::RecordUsage { customer, usage } => self.record_usage(customer, usage)?,
            Command::Undo(token) => self.undo(*token)?,
            Command::TakeIn(records) => self.take_in(records.into_iter().map(|r| (r, None))),
            Command::TakeInSince(records) => self.take_in(records.into_iter().map(|(r, s)| (r, Some(s)))),
        }
        Ok(())
    }

    /// Puts each record joined with ours (new ones as they are); leaves those the join does not
    /// change. With a stamp (`TakeInSince`), a field both sides changed after it, to different
    /// values, keeps the losing value as superseded.
    fn take_in(&mut self, records: impl IntoIterator<Item = (AnyRecord, Option<Stamp>)>) {
        struct Receiving<'c, 'a>(&'c mut Change<'a>, Option<Stamp>);
        impl AnyVisitor for Receiving<'_, '_> {
            fn visit<R: Stored>(&mut self, incoming: R) {
                let current = self.1.and_then(|since| Some((self.0.get::<R>(incoming.meta().id)?.clone(), since)));
                if let Some((current, since)) = current {
                    self.0.keep_conflicts(&current, &incoming, since);
                }
                if let Some(joined) = self.0.archive.joined(incoming) {
                    self.0.put(joined);
                }
            }
        }
        for (record, since) in records {
            record.visit(&mut Receiving(self, since));
        }
    }

    /// Keeps as superseded each field that `ours` and `theirs` both changed after `since`, to
    /// different values: the earlier change loses (as the join decides). The kept value's record
    /// is the same on every device that takes the same two versions in (its id, times and
    /// stamps come from the two changes), so replicas that each find the conflict agree on it.
    fn keep_conflicts<R: Stored>(&mut self, ours: &R, theirs: &R, since: Stamp) {
        for field in 1..=R::FIELDS.len() as u8 {
            let (o, t) = (field_stamp(ours.meta(), field), field_stamp(theirs.meta(), field));
            if o > since && t > since && o != t && ours.field_text(field) != theirs.field_text(field) {
                let (lost, won) = if t > o { (ours, theirs) } else { (theirs, ours) };
                let name = won.meta().updated_by.clone();
                self.supersede_by(lost, field, won, &name, Some(o.max(t)));
            }
        }
    }

    // ---- customers ----

    /// A new customer, normalised, validated, its entries given ids; its id must be new and not nil.
    fn new_customer(&self, mut customer: Customer) -> Result<Customer, DomainError> {
        let id = customer.meta.id;
        if id.is_nil() {
            return Err(DomainError::NilId);
        }
        if self.get::<Customer>(id).is_some() {
            return Err(DomainError::AlreadyExists(id));
        }
        normalise_customer(&mut customer);
        check(validate_customer(&customer))?;
        customer.meta = Meta::new(id, self.actor.now, &self.actor.name);
        customer.owner_history = Vec::new();
        let mut n = 0;
        give_ids(&mut customer.contacts, self.actor, &mut n);
        give_ids(&mut customer.transactions, self.actor, &mut n);
        give_ids(&mut customer.communications, self.actor, &mut n);
        Ok(customer)
    }

    fn edit_customer(&mut self, before: Customer, mut after: Customer) -> Result<(), DomainError> {
        let id = before.meta.id;
        let current: Customer = self.fetch(id)?;
        normalise_customer(&mut after);
        let mut n = 0;
        give_ids(&mut after.contacts, self.actor, &mut n);
        let mut next = current.clone();
        self.carry_fields(&before, &after, &mut next);
        next.contacts.apply_draft(&before.contacts, &after.contacts, self.actor.stamp);
        check(validate_customer(&next))?;
        next.owner_history = owner_history(&current, next.owner, self.actor);
        self.put(next);
        Ok(())
    }

    /// Copies onto `next` (the record as it is now) the fields the user changed between `before`
    /// and `after`. A field changed meanwhile by someone else loses their value: it is kept as
    /// superseded.
    fn carry_fields<R: Stored>(&mut self, before: &R, after: &R, next: &mut R) {
        let current = next.clone();
        for field in after.differing_fields(before).iter() {
            let elsewhere = current.differing_fields(before).contains(field);
            if elsewhere && current.differing_fields(after).contains(field) {
                self.supersede(&current, field, after);
            }
            next.take_field(after, field);
        }
    }

    /// Keeps the value `current` has in `field` (which `winner` is about to replace). Its id
    /// comes from the record, the field and the lost change, so a value superseded on two
    /// devices at once is kept once.
    fn supersede<R: Stored>(&mut self, current: &R, field: u8, winner: &R) {
        let name = self.actor.name.clone();
        self.supersede_by(current, field, winner, &name, None);
    }

    /// `supersede`, the winning value saved by `won_by`; with `received` (the winning change's
    /// stamp, when taking a teammate's records in) the kept value's times and stamps are the
    /// changes', not this device's.
    fn supersede_by<R: Stored>(&mut self, current: &R, field: u8, winner: &R, won_by: &str, received: Option<Stamp>) {
        let lost = field_stamp(current.meta(), field);
        let (hi, lo) = current.meta().id.as_u64_pair();
        let seed = [hi, lo, lost.at.0, lost.device.0 ^ u64::from(field)].iter().fold(0, |h, x| mix(h ^ x));
        let id = Uuid::from_u64_pair(seed, mix(seed));
        if self.get::<Superseded>(id).is_some() {
            return;
        }
        let meta = match received {
            Some(stamp) => Meta {
                rev: stamp,
                created: stamp,
                updated_by: won_by.to_owned(),
                ..Meta::new(id, stamp.time(), won_by)
            },
            None => Meta::new(id, self.actor.now, &self.actor.name),
        };
        self.put(Superseded {
            meta,
            kind: R::KIND,
            record: current.meta().id,
            field: R::field_name(field).to_owned(),
            value: current.field_text(field),
            by: current.meta().updated_by.clone(),
            at: lost.time(),
            won_value: winner.field_text(field),
            won_by: won_by.to_owned(),
            lost,
        });
    }

    fn delete_customer(&mut self, id: Uuid, deals: DealsOfDeleted) -> Result<(), DomainError> {
        let mut customer: Customer = self.fetch(id)?;
        customer.meta.deleted_at = Some(self.actor.now);
        self.put(customer);
        let theirs: Vec<Deal> = self.archive.deals.live().filter(|d| d.customer == id).cloned().collect();
        let pipeline = self.archive.pipeline().cloned();
        let lost = pipeline.as_ref().and_then(Pipeline::lost_stage).map(|s| s.id);
        for mut deal in theirs {
            match deals {
                DealsOfDeleted::Delete => deal.meta.deleted_at = Some(self.actor.now),
                DealsOfDeleted::CloseAsLost => {
                    let (Some(pipeline), Some(lost)) = (&pipeline, lost) else { continue };
                    if !pipeline.is_open(&deal) {
                        continue;
                    }
                    let stored = deal.clone();
                    deal.stage = lost;
                    record_changes(Some(&stored), &mut deal, self.actor);
                }
            }
            self.put(deal);
        }
        Ok(())
    }

    fn add_transaction(&mut self, id: Uuid, mut transaction: Transaction) -> Result<(), DomainError> {
        let mut customer: Customer = self.live(id)?;
        transaction.product = transaction.product.trim().to_owned();
        if transaction.product.is_empty() {
            return Err(DomainError::Entry(EntryProblem::TextRequired));
        }
        if transaction.product.chars().count() > MAX_NAME {
            return Err(DomainError::Entry(EntryProblem::TextTooLong));
        }
        check_amount(transaction.amount, true)?;
        add_entry(&mut customer.transactions, transaction, self.actor)?;
        self.put(customer);
        Ok(())
    }

    fn add_communication(&mut self, id: Uuid, mut communication: Communication) -> Result<(), DomainError> {
        let mut customer: Customer = self.live(id)?;
        communication.summary = communication.summary.trim().to_owned();
        if communication.summary.is_empty() {
            return Err(DomainError::Entry(EntryProblem::TextRequired));
        }
        if communication.summary.chars().count() > MAX_TEXT {
            return Err(DomainError::Entry(EntryProblem::TextTooLong));
        }
        if communication.by.trim().is_empty() {
            communication.by = self.actor.name.clone();
        }
        add_entry(&mut customer.communications, communication, self.actor)?;
        self.put(customer);
        Ok(())
    }

    fn remove_entry(&mut self, record: Uuid, entry: RecordEntry) -> Result<(), DomainError> {
        let stamp = self.actor.stamp;
        let missing = |id: EntryId| DomainError::NotFound(Uuid::from_u128(u128::from(id.0)));
        match entry {
            RecordEntry::Transaction(e) | RecordEntry::Communication(e) => {
                let mut customer: Customer = self.fetch(record)?;
                let removed = match entry {
                    RecordEntry::Transaction(_) => customer.transactions.remove_entry(e, stamp).is_some(),
                    _ => customer.communications.remove_entry(e, stamp).is_some(),
                };
                if !removed {
                    return Err(missing(e));
                }
                self.put(customer);
            }
            RecordEntry::Activity(e) => {
                let mut deal: Deal = self.fetch(record)?;
                deal.activities.remove_entry(e, stamp).ok_or_else(|| missing(e))?;
                self.put(deal);
            }
        }
        Ok(())
    }

    fn import(&mut self, create: Vec<Customer>, fill: Vec<(Uuid, Customer)>) -> Result<(), DomainError> {
        let mut new_ids = std::collections::HashSet::with_capacity(create.len());
        let mut checked = Vec::with_capacity(create.len() + fill.len());
        for customer in create {
            if !new_ids.insert(customer.meta.id) {
                return Err(DomainError::AlreadyExists(customer.meta.id));
            }
            checked.push(self.new_customer(customer)?);
        }
        for (id, row) in fill {
            let current: Customer = self.fetch(id)?;
            let mut next = current.clone();
            dedupe::merge(&mut next, row);
            normalise_customer(&mut next);
            let mut n = 0;
            give_ids(&mut next.contacts, self.actor, &mut n);
            give_ids(&mut next.transactions, self.actor, &mut n);
            check(validate_customer(&next))?;
            next.owner_history = owner_history(&current, next.owner, self.actor);
            checked.push(next);
        }
        for customer in checked {
            self.put(customer);
        }
        Ok(())
    }

    /// Reps and teams: saved whole (there is one form for each, and no history).
    /// Changes the forecast settings (made with the defaults the first time), checked whole.
    fn change_plan(&mut self, change: impl FnOnce(&mut ForecastPlan)) -> Result<(), DomainError> {
        let mut plan = self
            .get::<ForecastPlan>(FORECAST_PLAN_ID)
            .cloned()
            .unwrap_or_else(|| ForecastPlan::new(self.actor.now, &self.actor.name));
        change(&mut plan);
        let problems = plan.problems();
        if !problems.is_empty() {
            return Err(DomainError::Forecast(problems));
        }
        self.put(plan);
        Ok(())
    }

    /// A rep, new or changed: named, in a team that exists (or none).
    fn save_rep(&mut self, mut rep: Rep) -> Result<(), DomainError> {
        rep.name = rep.name.trim().to_owned();
        rep.email = rep.email.trim().to_owned();
        rep.phone = rep.phone.trim().to_owned();
        check(super::validate::validate_rep(&rep))?;
        if let Some(team) = rep.team {
            self.archive.teams.live_one(team).ok_or(DomainError::NotFound(team))?;
        }
        self.save_plain(rep)
    }

    /// A team, new or changed: named, its manager (if any) a rep who exists.
    fn save_team(&mut self, mut team: Team) -> Result<(), DomainError> {
        team.name = team.name.trim().to_owned();
        check(super::validate::validate_team(&team))?;
        if let Some(manager) = team.manager {
            self.archive.reps.live_one(manager).ok_or(DomainError::NotFound(manager))?;
        }
        self.save_plain(team)
    }

    fn save_plain<R: Stored>(&mut self, mut record: R) -> Result<(), DomainError> {
        let id = record.meta().id;
        if id.is_nil() {
            return Err(DomainError::NilId);
        }
        if let Some(stored) = self.get::<R>(id) {
            *record.meta_mut() = stored.meta().clone();
        }
        self.put(record);
        Ok(())
    }

    /// A live customer, or NotFound.
    fn live(&self, id: Uuid) -> Result<Customer, DomainError> {
        self.archive.customers.live_one(id).cloned().ok_or(DomainError::NotFound(id))
    }

    // ---- deals ----

    fn create_deal(&mut self, mut deal: Deal) -> Result<(), DomainError> {
        let id = deal.meta.id;
        if id.is_nil() {
            return Err(DomainError::NilId);
        }
        if self.get::<Deal>(id).is_some() {
            return Err(DomainError::AlreadyExists(id));
        }
        deal.meta = Meta::new(id, self.actor.now, &self.actor.name);
        deal.history = Vec::new();
        let mut n = 0;
        give_ids(&mut deal.activities, self.actor, &mut n);
        self.put_deal(deal)
    }

    fn edit_deal(&mut self, before: Deal, after: Deal) -> Result<(), DomainError> {
        let current: Deal = self.fetch(before.meta.id)?;
        let mut next = current.clone();
        self.carry_fields(&before, &after, &mut next);
        self.put_deal(next)
    }

    fn move_deal(&mut self, id: Uuid, stage: Uuid, from: Option<Uuid>) -> Result<(), DomainError> {
        let current: Deal = self.fetch(id)?;
        let mut next = current.clone();
        next.stage = stage;
        if let Some(from) = from.filter(|f| *f != current.stage && current.stage != stage) {
            let mut seen = current.clone();
            seen.stage = from;
            let stage_field = Deal::FIELDS.iter().position(|f| *f == "stage").map_or(0, |p| p as u8 + 1);
            if changed_fields(&seen, &current).contains(stage_field) {
                self.supersede(&current, stage_field, &next);
            }
        }
        self.put_deal(next)
    }

    fn add_activity(&mut self, id: Uuid, mut activity: Activity) -> Result<(), DomainError> {
        let mut deal: Deal = self.fetch(id)?;
        if deal.meta.is_deleted() {
            return Err(DomainError::NotFound(id));
        }
        activity.outcome = activity.outcome.trim().to_owned();
        if activity.outcome.chars().count() > MAX_TEXT {
            return Err(DomainError::Entry(EntryProblem::TextTooLong));
        }
        // Only samples have a courier, only quotations an amount.
        if activity.kind == ActivityKind::Sample {
            activity.courier = activity.courier.trim().to_owned();
            activity.tracking = activity.tracking.trim().to_owned();
        } else {
            activity.courier.clear();
            activity.tracking.clear();
        }
        if activity.kind == ActivityKind::Quotation {
            check_amount(activity.amount, false)?;
        } else {
            activity.amount = Money::ZERO;
        }
        if activity.by.trim().is_empty() {
            activity.by = self.actor.name.clone();
        }
        add_entry(&mut deal.activities, activity, self.actor)?;
        self.put(deal);
        Ok(())
    }

    /// Validates a deal against the pipeline and customers, extends its history with what
    /// changed since the stored version, and stores it.
    fn put_deal(&mut self, mut deal: Deal) -> Result<(), DomainError> {
        deal.title = deal.title.trim().to_owned();
        deal.lead_source = deal.lead_source.trim().to_owned();
        deal.next_step = deal.next_step.trim().to_owned();
        let mut problems = Vec::new();
        if deal.title.is_empty() {
            problems.push(DealProblem::TitleRequired);
        }
        if deal.title.chars().count() > MAX_NAME {
            problems.push(DealProblem::TitleTooLong);
        }
        match self.archive.customers.get(deal.customer) {
            None => problems.push(DealProblem::UnknownCustomer),
            // A deal on a deleted customer may stay as it was (closed when the customer went),
            // but nothing new is put on it.
            Some(c) if c.meta.is_deleted() && !deal.meta.is_deleted() => {
                let stored = self.archive.deals.get(deal.meta.id);
                if stored.is_none_or(|s| s.customer != deal.customer || s.stage != deal.stage) {
                    problems.push(DealProblem::CustomerDeleted);
                }
            }
            Some(_) => {}
        }
        if self.archive.pipeline().and_then(|p| p.stage(deal.stage)).is_none() {
            problems.push(DealProblem::UnknownStage);
        }
        if deal.probability.is_some_and(|p| p > 100) {
            problems.push(DealProblem::ProbabilityOver100);
        }
        if !super::pipeline::DIFFICULTY.contains(&deal.difficulty) {
            problems.push(DealProblem::Difficulty);
        }
        if deal.amount > Money::MAX || deal.amount.0 < 0 {
            problems.push(DealProblem::AmountTooLarge);
        }
        if !problems.is_empty() {
            return Err(DomainError::Deal(problems));
        }
        let stored = self.archive.deals.get(deal.meta.id).cloned();
        record_changes(stored.as_ref(), &mut deal, self.actor);
        self.put(deal);
        Ok(())
    }

    // ---- the pipeline ----

    fn save_pipeline(&mut self, mut pipeline: Pipeline) -> Result<(), DomainError> {
        check_pipeline(&pipeline)?;
        if let Some(d) = self.archive.deals.live().find(|d| pipeline.stage(d.stage).is_none()) {
            return Err(DomainError::StageInUse(d.stage));
        }
        let stored = self.archive.pipeline().cloned();
        if let Some(before) = &stored {
            pipeline.retire_missing(before);
            pipeline.meta = before.meta.clone();
        } else {
            pipeline.meta = Meta::new(PIPELINE_ID, self.actor.now, &self.actor.name);
        }
        pipeline.meta.id = PIPELINE_ID;
        self.put(pipeline);
        Ok(())
    }

    fn remove_stage(&mut self, stage: Uuid, move_to: Uuid) -> Result<(), DomainError> {
        let mut pipeline = self.archive.pipeline().ok_or(DomainError::NotFound(PIPELINE_ID))?.clone();
        if stage == move_to || pipeline.stage(move_to).is_none() {
            return Err(DomainError::NotFound(move_to));
        }
        let before = pipeline.clone();
        pipeline.stages.retain(|s| s.id != stage);
        check_pipeline(&pipeline)?;
        pipeline.retire_missing(&before);
        let moved: Vec<Deal> = self.archive.deals.rows().iter().filter(|d| d.stage == stage).cloned().collect();
        for mut deal in moved {
            let stored = deal.clone();
            deal.stage = move_to;
            record_changes(Some(&stored), &mut deal, self.actor);
            self.put(deal);
        }
        self.put(pipeline);
        Ok(())
    }

    /// Gives deals and customers to reps (or none), all or nothing; each history says who gave
    /// it from whom to whom, and when.
    fn assign(&mut self, assignments: Vec<Assignment>) -> Result<(), DomainError> {
        for Assignment { to, deals, customers } in assignments {
            if let Some(rep) = to.filter(|id| self.archive.reps.get(*id).is_none()) {
                return Err(DomainError::NotFound(rep));
            }
            for id in deals {
                let stored: Deal = self.fetch(id)?;
                if stored.owner != to {
                    let mut deal = stored.clone();
                    deal.owner = to;
                    record_changes(Some(&stored), &mut deal, self.actor);
                    self.put(deal);
                }
            }
            for id in customers {
                let stored: Customer = self.fetch(id)?;
                if stored.owner != to {
                    let mut customer = stored.clone();
                    customer.owner_history = owner_history(&stored, to, self.actor);
                    customer.owner = to;
                    self.put(customer);
                }
            }
        }
        Ok(())
    }

    fn expire(&mut self, today: NaiveDate) -> Result<(), DomainError> {
        let pipeline = self.archive.pipeline().ok_or(DomainError::NotFound(PIPELINE_ID))?.clone();
        let Some(lost) = pipeline.lost_stage().map(|s| s.id) else {
            return Err(DomainError::Pipeline(vec![PipelineProblem::Missing(StageOutcome::Lost)]));
        };
        let expired: Vec<Deal> =
            self.archive.deals.live().filter(|d| pipeline.has_expired(d, today)).cloned().collect();
        for mut deal in expired {
            let change = DealChange::Expired { from: deal.stage, to: lost };
            push_event(&mut deal, change, self.actor);
            deal.stage = lost;
            self.put(deal);
        }
        Ok(())
    }

    // ---- undo ----

    fn undo(&mut self, token: UndoToken) -> Result<(), DomainError> {
        for (before, after) in token.records {
            match (before, after) {
                (None, AnyRecord::Superseded(_)) => {}
                (before, AnyRecord::Customer(after)) => {
                    let before = before.and_then(Customer::unwrap);
                    let stored: Customer = self.fetch(after.meta.id)?;
                    let mut next = stored.clone();
                    self.undo_one(before.as_ref(), &after, &mut next);
                    next.owner_history = owner_history(&stored, next.owner, self.actor);
                    self.put(next);
                }
                (before, AnyRecord::Deal(after)) => {
                    let before = before.and_then(Deal::unwrap);
                    let stored: Deal = self.fetch(after.meta.id)?;
                    let mut next = stored.clone();
                    self.undo_one(before.as_ref(), &after, &mut next);
                    record_changes(Some(&stored), &mut next, self.actor);
                    self.put(next);
                }
                (before, after) => self.undo_plain(before, after)?,
            }
        }
        Ok(())
    }

    fn undo_one<R: Stored>(&self, before: Option<&R>, after: &R, next: &mut R) {
        match (before, settings_as_new::<R>(after)) {
            (Some(before), _) => {
                undo_onto(next, before, after, self.actor.stamp);
            }
            // The book's settings, made by this command: what it set goes back to the settings a
            // book starts with (deleting them would take everyone's later settings too).
            (None, Some(blank)) => {
                undo_onto(next, &blank, after, self.actor.stamp);
            }
            // It was new: undone, it is deleted.
            (None, None) => next.meta_mut().deleted_at = Some(self.actor.now),
        }
    }

    fn undo_plain(&mut self, before: Option<AnyRecord>, after: AnyRecord) -> Result<(), DomainError> {
        struct Plain<'c, 'a> {
            change: &'c mut Change<'a>,
            before: Option<AnyRecord>,
            result: Result<(), DomainError>,
        }
        impl super::kinds::AnyVisitor for Plain<'_, '_> {
            fn visit<R: Stored>(&mut self, after: R) {
                let before = self.before.take().and_then(R::unwrap);
                match self.change.fetch::<R>(after.meta().id) {
                    Ok(mut next) => {
                        self.change.undo_one(before.as_ref(), &after, &mut next);
                        self.change.put(next);
                    }
                    Err(e) => self.result = Err(e),
                }
            }
        }
        let mut plain = Plain { change: self, before, result: Ok(()) };
        after.visit(&mut plain);
        plain.result
    }
}

/// The settings a book starts with, if `record` is the book's one settings record of its kind
/// (made the first time a setting is changed).
fn settings_as_new<R: Stored>(record: &R) -> Option<R> {
    (record.meta().id == FORECAST_PLAN_ID).then(|| R::unwrap(ForecastPlan::new(record.meta().created_at, "").wrap()))?
}

/// Gives every entry without an id (a form's new contact, an imported row's) a new one.
fn give_ids<T: Entry + HasId>(list: &mut Entries<T>, actor: &super::Actor, n: &mut u32) {
    for entry in list.iter_mut().filter(|e| e.entry_id() == EntryId::default()) {
        entry.set_id(actor.entry_id(*n));
        *n += 1;
    }
}

/// Adds an entry with the id it came with (or a new one): ids never repeat in a record.
fn add_entry<T: Entry + HasId>(list: &mut Entries<T>, mut entry: T, actor: &super::Actor) -> Result<(), DomainError> {
    if entry.entry_id() == EntryId::default() {
        let mut n = 0;
        while list.find(actor.entry_id(n)).is_some() {
            n += 1;
        }
        entry.set_id(actor.entry_id(n));
    } else if list.find(entry.entry_id()).is_some() || list.removed().any(|e| e.entry_id() == entry.entry_id()) {
        return Err(DomainError::Entry(EntryProblem::RepeatedId));
    }
    list.add(entry);
    Ok(())
}

/// Entries whose id the domain may set.
pub(crate) trait HasId {
    fn set_id(&mut self, id: EntryId);
}

macro_rules! has_id {
    ($($t:ty),+) => {
        $(impl HasId for $t {
            fn set_id(&mut self, id: EntryId) {
                self.id = id;
            }
        })+
    };
}
has_id!(super::records::Contact, Transaction, Communication, Activity);

fn check_amount(amount: Money, required: bool) -> Result<(), DomainError> {
    if amount > Money::MAX {
        return Err(DomainError::Entry(EntryProblem::AmountTooLarge));
    }
    if amount.0 < 0 || (required && amount.0 == 0) {
        return Err(DomainError::Entry(EntryProblem::AmountRequired));
    }
    Ok(())
}

fn check(errors: Vec<FieldError>) -> Result<(), DomainError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Invalid(errors))
    }
}

fn check_pipeline(pipeline: &Pipeline) -> Result<(), DomainError> {
    let problems = pipeline.problems();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Pipeline(problems))
    }
}

/// Adds one event to a deal's history, with an id no other event of the deal has.
fn push_event(deal: &mut Deal, change: DealChange, actor: &super::Actor) {
    let mut n = 0;
    while deal.history.iter().any(|e| e.id == actor.entry_id(n)) {
        n += 1;
    }
    let event = DealEvent { id: actor.entry_id(n), at: actor.now, by: actor.name.clone(), change };
    let at = deal.history.partition_point(|e| e.id < event.id);
    deal.history.insert(at, event);
}

/// Appends to `deal`'s history what changed since `stored` (its history is the stored one:
/// forms cannot rewrite it).
fn record_changes(stored: Option<&Deal>, deal: &mut Deal, actor: &super::Actor) {
    let Some(stored) = stored else {
        deal.history = Vec::new();
        push_event(deal, DealChange::Created { stage: deal.stage }, actor);
        return;
    };
    deal.history = stored.history.clone();
    if stored.stage != deal.stage {
        push_event(deal, DealChange::Stage { from: stored.stage, to: deal.stage }, actor);
    }
    if stored.owner != deal.owner {
        push_event(deal, DealChange::Owner { from: stored.owner, to: deal.owner }, actor);
    }
    if stored.expected_close != deal.expected_close {
        push_event(deal, DealChange::CloseDate { from: stored.expected_close, to: deal.expected_close }, actor);
    }
    if stored.probability != deal.probability {
        push_event(deal, DealChange::Probability { to: deal.probability }, actor);
    }
}

/// The stored customer's owner history, with a line for the change to `owner` if it is one.
fn owner_history(stored: &Customer, owner: Option<Uuid>, actor: &super::Actor) -> Vec<OwnerChange> {
    let mut history = stored.owner_history.clone();
    if stored.owner != owner {
        let mut n = 0;
        while history.iter().any(|h| h.id == actor.entry_id(n)) {
            n += 1;
        }
        history.push(OwnerChange {
            id: actor.entry_id(n),
            at: actor.now,
            by: actor.name.clone(),
            from: stored.owner,
            to: owner,
        });
    }
    history
}

/// Trims what forms and imports leave around values and drops empty contacts and tags.
fn normalise_customer(c: &mut Customer) {
    for s in [&mut c.name, &mut c.industry, &mut c.region, &mut c.city, &mut c.address, &mut c.lead_source] {
        let trimmed = s.trim();
        if trimmed.len() != s.len() {
            *s = trimmed.to_owned();
        }
    }
    c.contacts.retain(|contact| !contact.is_blank());
    for contact in c.contacts.iter_mut() {
        for s in [&mut contact.name, &mut contact.title, &mut contact.phone, &mut contact.email, &mut contact.wechat] {
            *s = s.trim().to_owned();
        }
    }
    c.tags = c.tags.iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
    c.tags.dedup();
}
