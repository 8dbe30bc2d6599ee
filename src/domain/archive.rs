//! The archive's state and the commands that change it. Every change goes through `apply`, which
//! validates, stamps metadata, and returns what changed plus what is needed to take it back, so
//! that persistence, undo and later sync all see the same thing.

use std::collections::HashMap;
use uuid::Uuid;

use super::pipeline::{Deal, DealChange, DealEvent, DealProblem, Pipeline, PipelineProblem, PIPELINE_ID};
use super::records::{Customer, Meta, RecordKind, Rep, StageOutcome, Team, Timestamp};
use super::validate::{validate_customer, FieldError};

/// A record kept in a [`Table`].
pub trait Record: Clone {
    const KIND: RecordKind;
    fn meta(&self) -> &Meta;
    fn meta_mut(&mut self) -> &mut Meta;
}

macro_rules! impl_record {
    ($t:ty, $kind:expr) => {
        impl Record for $t {
            const KIND: RecordKind = $kind;
            fn meta(&self) -> &Meta {
                &self.meta
            }
            fn meta_mut(&mut self) -> &mut Meta {
                &mut self.meta
            }
        }
    };
}
impl_record!(Customer, RecordKind::Customer);
impl_record!(Rep, RecordKind::Rep);
impl_record!(Team, RecordKind::Team);
impl_record!(Deal, RecordKind::Deal);
impl_record!(Pipeline, RecordKind::Pipeline);

/// Records of one kind in insertion order, found by id in constant time. Row numbers are stable:
/// deleted records stay (soft delete), so indexes built over rows stay valid.
#[derive(Clone, Debug)]
pub struct Table<R> {
    rows: Vec<R>,
    position: HashMap<Uuid, usize>,
}

impl<R: Record> Default for Table<R> {
    fn default() -> Self {
        Table { rows: Vec::new(), position: HashMap::new() }
    }
}

impl<R: Record> Table<R> {
    /// Builds a table from stored records; a later duplicate of an id replaces the earlier one.
    pub fn from_rows(records: impl IntoIterator<Item = R>) -> Self {
        let records = records.into_iter();
        let mut table = Table::default();
        table.rows.reserve(records.size_hint().0);
        table.position.reserve(records.size_hint().0);
        for r in records {
            table.put(r);
        }
        table
    }

    pub fn rows(&self) -> &[R] {
        &self.rows
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn get(&self, id: Uuid) -> Option<&R> {
        self.position.get(&id).map(|&i| &self.rows[i])
    }

    pub fn row_of(&self, id: Uuid) -> Option<usize> {
        self.position.get(&id).copied()
    }

    /// Live (not deleted) records.
    pub fn live(&self) -> impl Iterator<Item = &R> {
        self.rows.iter().filter(|r| !r.meta().is_deleted())
    }

    /// Inserts or replaces by id, returning the previous version.
    fn put(&mut self, record: R) -> Option<R> {
        let id = record.meta().id;
        match self.position.get(&id) {
            Some(&i) => Some(std::mem::replace(&mut self.rows[i], record)),
            None => {
                self.position.insert(id, self.rows.len());
                self.rows.push(record);
                None
            }
        }
    }

    /// Puts back what `put` replaced. Reverts run newest first, so a record that did not exist
    /// before is always the last row.
    fn revert(&mut self, id: Uuid, previous: Option<R>) {
        match previous {
            Some(p) => {
                self.put(p);
            }
            None => {
                if let Some(i) = self.position.remove(&id) {
                    debug_assert_eq!(i, self.rows.len() - 1, "reverts must run newest first");
                    self.rows.remove(i);
                }
            }
        }
    }
}

/// Everything the archive holds.
#[derive(Clone, Debug, Default)]
pub struct Archive {
    pub customers: Table<Customer>,
    pub reps: Table<Rep>,
    pub teams: Table<Team>,
    pub deals: Table<Deal>,
    /// One record (`PIPELINE_ID`), written on first run.
    pub pipelines: Table<Pipeline>,
    /// Bumped on every change (and every revert), so derived indexes know when to refresh.
    version: u64,
}

/// Who acts and when; passed in so the domain never reads a clock.
#[derive(Clone, Debug)]
pub struct Actor {
    pub name: String,
    pub now: Timestamp,
}

/// A change a user asks for.
#[derive(Clone, Debug)]
pub enum Command {
    /// The customer's id must be new and not nil; metadata is stamped here.
    CreateCustomer(Customer),
    /// Replaces the editable fields; `created_at` is kept from the stored record.
    UpdateCustomer(Customer),
    DeleteCustomer(Uuid),
    RestoreCustomer(Uuid),
    SaveRep(Rep),
    SaveTeam(Team),
    /// Replaces the whole archive (demo data, restore from backup).
    ReplaceAll(Box<Records>),
    /// Creates or updates a deal; its history records the stage, owner, date and probability
    /// changes (who, when).
    SaveDeal(Deal),
    DeleteDeal(Uuid),
    /// Moves a deal to another stage (the board).
    MoveDeal { id: Uuid, stage: Uuid },
    /// Saves the stages and rules; every deal's stage must still exist (see `RemoveStage`).
    SavePipeline(Pipeline),
    /// Removes a stage, moving its deals to `move_to` first.
    RemoveStage { stage: Uuid, move_to: Uuid },
    /// Gives deals and customers to another rep (or none), recorded in each deal's history.
    HandOver { deals: Vec<Uuid>, customers: Vec<Uuid>, to: Option<Uuid> },
    /// Several hand-overs at once (batch assignment of new leads to reps), one undo.
    Assign(Vec<Assignment>),
    /// Closes as lost every open deal whose expected close date plus the grace is before `today`.
    ExpireDeals { today: chrono::NaiveDate },
    /// An import: new customers (new ids) and updated ones (stored ids), all or nothing.
    ImportCustomers { create: Vec<Customer>, update: Vec<Customer> },
}

/// Deals and customers given to one rep (`None`: to nobody).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assignment {
    pub to: Option<Uuid>,
    pub deals: Vec<Uuid>,
    pub customers: Vec<Uuid>,
}

/// Every record of every kind (a restore, demo data).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Records {
    pub customers: Vec<Customer>,
    pub reps: Vec<Rep>,
    pub teams: Vec<Team>,
    pub deals: Vec<Deal>,
    pub pipelines: Vec<Pipeline>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DomainError {
    Invalid(Vec<FieldError>),
    Deal(Vec<DealProblem>),
    Pipeline(Vec<PipelineProblem>),
    /// Deals are still in this stage.
    StageInUse(Uuid),
    NotFound(Uuid),
    AlreadyExists(Uuid),
    NilId,
}

/// Which records a command touched, by kind, so the store writes only those.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeSet {
    pub replaced_all: bool,
    pub customers: Vec<Uuid>,
    pub reps: Vec<Uuid>,
    pub teams: Vec<Uuid>,
    pub deals: Vec<Uuid>,
    pub pipelines: Vec<Uuid>,
}

impl ChangeSet {
    pub fn ids(&self, kind: RecordKind) -> &[Uuid] {
        match kind {
            RecordKind::Customer => &self.customers,
            RecordKind::Rep => &self.reps,
            RecordKind::Team => &self.teams,
            RecordKind::Deal => &self.deals,
            RecordKind::Pipeline => &self.pipelines,
        }
    }

    /// Adds another command's changes (several commands saved as one).
    pub fn extend(&mut self, other: ChangeSet) {
        self.replaced_all |= other.replaced_all;
        self.customers.extend(other.customers);
        self.reps.extend(other.reps);
        self.teams.extend(other.teams);
        self.deals.extend(other.deals);
        self.pipelines.extend(other.pipelines);
    }
}

/// What it takes to undo an applied command exactly (used when the store refuses the write).
/// One lives per pending command, so the size of the customer variant does not matter.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Undo {
    Customer(Uuid, Option<Customer>),
    Rep(Uuid, Option<Rep>),
    Team(Uuid, Option<Team>),
    /// Many customers, in the order they were put (reverted newest first).
    Customers(Vec<(Uuid, Option<Customer>)>),
    Deals(Vec<(Uuid, Option<Deal>)>),
    Pipeline(Option<Pipeline>),
    /// Several of the above, reverted last first.
    Many(Vec<Undo>),
    /// The whole archive as it was.
    Replaced(Box<Archive>),
}

/// An applied command: what changed, and how to take it back.
#[derive(Debug)]
pub struct Applied {
    pub changes: ChangeSet,
    pub undo: Undo,
}

impl Archive {
    pub fn from_records(records: Records) -> Self {
        Archive {
            customers: Table::from_rows(records.customers),
            reps: Table::from_rows(records.reps),
            teams: Table::from_rows(records.teams),
            deals: Table::from_rows(records.deals),
            pipelines: Table::from_rows(records.pipelines),
            version: 0,
        }
    }

    /// The pipeline (stages and rules); None until the first run wrote it.
    pub fn pipeline(&self) -> Option<&Pipeline> {
        self.pipelines.get(PIPELINE_ID)
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    /// Validates and applies one command. On error nothing has changed.
    pub fn apply(&mut self, command: Command, actor: &Actor) -> Result<Applied, DomainError> {
        let mut changes = ChangeSet::default();
        let undo = match command {
            Command::CreateCustomer(customer) => {
                let customer = self.checked_new(customer, actor)?;
                let id = customer.id();
                changes.customers.push(id);
                Undo::Customer(id, self.customers.put(customer))
            }
            Command::UpdateCustomer(customer) => {
                let customer = self.checked_update(customer, actor)?;
                let id = customer.id();
                changes.customers.push(id);
                Undo::Customer(id, self.customers.put(customer))
            }
            Command::DeleteCustomer(id) | Command::RestoreCustomer(id) => {
                let deleting = matches!(command, Command::DeleteCustomer(_));
                let mut customer = self.customers.get(id).ok_or(DomainError::NotFound(id))?.clone();
                customer.meta.deleted_at = deleting.then_some(actor.now);
                customer.meta.touch(actor.now, &actor.name);
                changes.customers.push(id);
                Undo::Customer(id, self.customers.put(customer))
            }
            Command::SaveRep(mut rep) => {
                let id = rep.meta.id;
                if id.is_nil() {
                    return Err(DomainError::NilId);
                }
                rep.meta = stamp(self.reps.get(id).map(|r| &r.meta), id, actor);
                changes.reps.push(id);
                Undo::Rep(id, self.reps.put(rep))
            }
            Command::SaveTeam(mut team) => {
                let id = team.meta.id;
                if id.is_nil() {
                    return Err(DomainError::NilId);
                }
                team.meta = stamp(self.teams.get(id).map(|t| &t.meta), id, actor);
                changes.teams.push(id);
                Undo::Team(id, self.teams.put(team))
            }
            Command::ImportCustomers { create, update } => {
                let mut checked = Vec::with_capacity(create.len() + update.len());
                let mut new_ids = std::collections::HashSet::with_capacity(create.len());
                for customer in create {
                    if !new_ids.insert(customer.id()) {
                        return Err(DomainError::AlreadyExists(customer.id()));
                    }
                    checked.push(self.checked_new(customer, actor)?);
                }
                for customer in update {
                    checked.push(self.checked_update(customer, actor)?);
                }
                let mut undo = Vec::with_capacity(checked.len());
                for customer in checked {
                    let id = customer.id();
                    changes.customers.push(id);
                    undo.push((id, self.customers.put(customer)));
                }
                Undo::Customers(undo)
            }
            Command::ReplaceAll(records) => {
                let Records { customers, reps, teams, deals, pipelines } = *records;
                if customers.iter().any(|c| c.id().is_nil()) || deals.iter().any(|d| d.id().is_nil()) {
                    return Err(DomainError::NilId);
                }
                changes.replaced_all = true;
                let new = Archive::from_records(Records { customers, reps, teams, deals, pipelines });
                let old = std::mem::replace(self, Archive { version: self.version, ..new });
                Undo::Replaced(Box::new(old))
            }
            Command::SaveDeal(deal) => {
                let deal = self.checked_deal(deal, actor)?;
                self.put_deals(vec![deal], &mut changes)
            }
            Command::DeleteDeal(id) => {
                let mut deal = self.deals.get(id).ok_or(DomainError::NotFound(id))?.clone();
                deal.meta.deleted_at = Some(actor.now);
                deal.meta.touch(actor.now, &actor.name);
                self.put_deals(vec![deal], &mut changes)
            }
            Command::MoveDeal { id, stage } => {
                let mut deal = self.deals.get(id).ok_or(DomainError::NotFound(id))?.clone();
                deal.stage = stage;
                let deal = self.checked_deal(deal, actor)?;
                self.put_deals(vec![deal], &mut changes)
            }
            Command::SavePipeline(mut pipeline) => {
                check_pipeline(&pipeline)?;
                if let Some(d) = self.deals.live().find(|d| pipeline.stage(d.stage).is_none()) {
                    return Err(DomainError::StageInUse(d.stage));
                }
                if let Some(before) = self.pipelines.get(PIPELINE_ID) {
                    pipeline.retire_missing(before);
                }
                pipeline.meta = stamp(self.pipelines.get(PIPELINE_ID).map(|p| &p.meta), PIPELINE_ID, actor);
                changes.pipelines.push(PIPELINE_ID);
                Undo::Pipeline(self.pipelines.put(pipeline))
            }
            Command::RemoveStage { stage, move_to } => {
                let mut pipeline = self.pipeline().ok_or(DomainError::NotFound(PIPELINE_ID))?.clone();
                if stage == move_to || pipeline.stage(move_to).is_none() {
                    return Err(DomainError::NotFound(move_to));
                }
                pipeline.stages.retain(|s| s.id != stage);
                check_pipeline(&pipeline)?;
                if let Some(before) = self.pipelines.get(PIPELINE_ID) {
                    pipeline.retire_missing(before);
                }
                let moved: Vec<Deal> = self
                    .deals
                    .rows()
                    .iter()
                    .filter(|d| d.stage == stage)
                    .map(|d| {
                        let mut d = d.clone();
                        d.stage = move_to;
                        record_changes(self.deals.get(d.id()), &mut d, actor);
                        d.meta.touch(actor.now, &actor.name);
                        d
                    })
                    .collect();
                let deals = self.put_deals(moved, &mut changes);
                pipeline.meta.touch(actor.now, &actor.name);
                changes.pipelines.push(PIPELINE_ID);
                let pipeline = Undo::Pipeline(self.pipelines.put(pipeline));
                Undo::Many(vec![deals, pipeline])
            }
            Command::HandOver { deals, customers, to } => self.assign(vec![Assignment { to, deals, customers }], actor, &mut changes)?,
            Command::Assign(assignments) => self.assign(assignments, actor, &mut changes)?,
            Command::ExpireDeals { today } => {
                let pipeline = self.pipeline().ok_or(DomainError::NotFound(PIPELINE_ID))?;
                let Some(lost) = pipeline.lost_stage().map(|s| s.id) else { return Err(DomainError::Pipeline(vec![PipelineProblem::Missing(StageOutcome::Lost)])) };
                let expired: Vec<Deal> = self
                    .deals
                    .live()
                    .filter(|d| pipeline.has_expired(d, today))
                    .map(|d| {
                        let mut d = d.clone();
                        d.history.push(DealEvent { at: actor.now, by: actor.name.clone(), change: DealChange::Expired { from: d.stage, to: lost } });
                        d.stage = lost;
                        d.meta.touch(actor.now, &actor.name);
                        d
                    })
                    .collect();
                self.put_deals(expired, &mut changes)
            }
        };
        self.version += 1;
        Ok(Applied { changes, undo })
    }

    /// A new customer, normalised, validated and stamped; its id must be new and not nil.
    fn checked_new(&self, mut customer: Customer, actor: &Actor) -> Result<Customer, DomainError> {
        let id = customer.id();
        if id.is_nil() {
            return Err(DomainError::NilId);
        }
        if self.customers.get(id).is_some() {
            return Err(DomainError::AlreadyExists(id));
        }
        normalise_customer(&mut customer);
        check(validate_customer(&customer))?;
        customer.meta = Meta::new(id, actor.now, &actor.name);
        customer.owner_history = Vec::new();
        Ok(customer)
    }

    /// A stored customer's new version: normalised, validated, keeping its creation metadata.
    fn checked_update(&self, mut customer: Customer, actor: &Actor) -> Result<Customer, DomainError> {
        let id = customer.id();
        let stored = self.customers.get(id).ok_or(DomainError::NotFound(id))?;
        normalise_customer(&mut customer);
        check(validate_customer(&customer))?;
        customer.meta = stored.meta.clone();
        customer.meta.touch(actor.now, &actor.name);
        customer.owner_history = owner_history(stored, customer.owner, actor);
        Ok(customer)
    }

    /// A deal to store: validated against the pipeline and customers, stamped, its history
    /// extended with what changed since the stored version.
    fn checked_deal(&self, mut deal: Deal, actor: &Actor) -> Result<Deal, DomainError> {
        let id = deal.id();
        if id.is_nil() {
            return Err(DomainError::NilId);
        }
        deal.title = deal.title.trim().to_owned();
        let mut problems = Vec::new();
        if deal.title.is_empty() {
            problems.push(DealProblem::TitleRequired);
        }
        if deal.title.chars().count() > super::validate::MAX_NAME {
            problems.push(DealProblem::TitleTooLong);
        }
        if self.customers.get(deal.customer).is_none() {
            problems.push(DealProblem::UnknownCustomer);
        }
        if self.pipeline().and_then(|p| p.stage(deal.stage)).is_none() {
            problems.push(DealProblem::UnknownStage);
        }
        if deal.probability.is_some_and(|p| p > 100) {
            problems.push(DealProblem::ProbabilityOver100);
        }
        if !(10..=1000).contains(&deal.difficulty) {
            problems.push(DealProblem::Difficulty);
        }
        if deal.amount > super::money::Money::MAX || deal.amount.0 < 0 {
            problems.push(DealProblem::AmountTooLarge);
        }
        if !problems.is_empty() {
            return Err(DomainError::Deal(problems));
        }
        let stored = self.deals.get(id);
        record_changes(stored, &mut deal, actor);
        deal.meta = stamp(stored.map(|d| &d.meta), id, actor);
        if let Some(stored) = stored {
            deal.meta.deleted_at = stored.meta.deleted_at;
        }
        Ok(deal)
    }

    /// Gives deals and customers to reps (or none), all or nothing; each deal's history says
    /// who gave it from whom to whom, and when.
    fn assign(&mut self, assignments: Vec<Assignment>, actor: &Actor, changes: &mut ChangeSet) -> Result<Undo, DomainError> {
        let mut moved = Vec::new();
        let mut given = Vec::new();
        for Assignment { to, deals, customers } in assignments {
            if let Some(rep) = to.filter(|id| self.reps.get(*id).is_none()) {
                return Err(DomainError::NotFound(rep));
            }
            for id in deals {
                let mut deal = self.deals.get(id).ok_or(DomainError::NotFound(id))?.clone();
                if deal.owner != to {
                    deal.owner = to;
                    record_changes(self.deals.get(id), &mut deal, actor);
                    deal.meta.touch(actor.now, &actor.name);
                    moved.push(deal);
                }
            }
            for id in customers {
                let stored = self.customers.get(id).ok_or(DomainError::NotFound(id))?;
                if stored.owner != to {
                    let mut customer = stored.clone();
                    customer.owner_history = owner_history(stored, to, actor);
                    customer.owner = to;
                    customer.meta.touch(actor.now, &actor.name);
                    given.push(customer);
                }
            }
        }
        let deals = self.put_deals(moved, changes);
        let mut undo = Vec::with_capacity(given.len());
        for customer in given {
            let id = customer.id();
            changes.customers.push(id);
            undo.push((id, self.customers.put(customer)));
        }
        Ok(Undo::Many(vec![deals, Undo::Customers(undo)]))
    }

    fn put_deals(&mut self, deals: Vec<Deal>, changes: &mut ChangeSet) -> Undo {
        let mut undo = Vec::with_capacity(deals.len());
        for deal in deals {
            let id = deal.id();
            changes.deals.push(id);
            undo.push((id, self.deals.put(deal)));
        }
        Undo::Deals(undo)
    }

    /// Takes back an applied command (the store could not save it).
    pub fn revert(&mut self, applied: Applied) {
        self.undo(applied.undo);
        self.version += 1;
    }

    fn undo(&mut self, undo: Undo) {
        match undo {
            Undo::Customer(id, previous) => self.customers.revert(id, previous),
            Undo::Rep(id, previous) => self.reps.revert(id, previous),
            Undo::Team(id, previous) => self.teams.revert(id, previous),
            Undo::Customers(puts) => {
                for (id, previous) in puts.into_iter().rev() {
                    self.customers.revert(id, previous);
                }
            }
            Undo::Deals(puts) => {
                for (id, previous) in puts.into_iter().rev() {
                    self.deals.revert(id, previous);
                }
            }
            Undo::Pipeline(previous) => self.pipelines.revert(PIPELINE_ID, previous),
            Undo::Many(undos) => {
                for undo in undos.into_iter().rev() {
                    self.undo(undo);
                }
            }
            Undo::Replaced(old) => {
                let version = self.version;
                *self = Archive { version, ..*old };
            }
        }
    }

    /// A rep's display name, or an empty string for none or unknown.
    pub fn rep_name(&self, id: Option<Uuid>) -> &str {
        id.and_then(|id| self.reps.get(id)).map(|r| r.name.as_str()).unwrap_or("")
    }
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

/// Appends to `deal`'s history what changed since `stored` (its history is the stored one:
/// forms cannot rewrite it).
fn record_changes(stored: Option<&Deal>, deal: &mut Deal, actor: &Actor) {
    let event = |change| DealEvent { at: actor.now, by: actor.name.clone(), change };
    let Some(stored) = stored else {
        deal.history = vec![event(DealChange::Created { stage: deal.stage })];
        return;
    };
    let mut history = stored.history.clone();
    if stored.stage != deal.stage {
        history.push(event(DealChange::Stage { from: stored.stage, to: deal.stage }));
    }
    if stored.owner != deal.owner {
        history.push(event(DealChange::Owner { from: stored.owner, to: deal.owner }));
    }
    if stored.expected_close != deal.expected_close {
        history.push(event(DealChange::CloseDate { from: stored.expected_close, to: deal.expected_close }));
    }
    if stored.probability != deal.probability {
        history.push(event(DealChange::Probability { to: deal.probability }));
    }
    deal.history = history;
}

/// The stored customer's owner history, with a line for the change to `owner` if it is one.
fn owner_history(stored: &Customer, owner: Option<Uuid>, actor: &Actor) -> Vec<super::records::OwnerChange> {
    let mut history = stored.owner_history.clone();
    if stored.owner != owner {
        history.push(super::records::OwnerChange { at: actor.now, by: actor.name.clone(), from: stored.owner, to: owner });
    }
    history
}

fn stamp(stored: Option<&Meta>, id: Uuid, actor: &Actor) -> Meta {
    match stored {
        Some(meta) => {
            let mut meta = meta.clone();
            meta.touch(actor.now, &actor.name);
            meta
        }
        None => Meta::new(id, actor.now, &actor.name),
    }
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
    for contact in &mut c.contacts {
        for s in [&mut contact.name, &mut contact.title, &mut contact.phone, &mut contact.email, &mut contact.wechat] {
            *s = s.trim().to_owned();
        }
    }
    c.tags = c.tags.iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
    c.tags.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::{Contact, CustomerKind};
    use crate::domain::validate::{Field, Problem};

    fn actor(now: i64) -> Actor {
        Actor { name: "张伟".into(), now: Timestamp(now) }
    }

    fn customer(n: u128, name: &str) -> Customer {
        let mut c = Customer::blank(CustomerKind::Organisation);
        c.meta.id = Uuid::from_u128(n);
        c.name = name.into();
        c
    }

    #[test]
    fn create_stamps_metadata_and_trims() {
        let mut archive = Archive::default();
        let mut c = customer(1, "  恒达电器  ");
        c.contacts.push(Contact::default());
        archive.apply(Command::CreateCustomer(c), &actor(1000)).unwrap();
        let stored = archive.customers.get(Uuid::from_u128(1)).unwrap();
        assert_eq!(stored.name, "恒达电器");
        assert!(stored.contacts.is_empty(), "blank contacts are dropped");
        assert_eq!((stored.meta.created_at, stored.meta.updated_by.as_str()), (Timestamp(1000), "张伟"));
    }

    #[test]
    fn invalid_create_changes_nothing() {
        let mut archive = Archive::default();
        let err = archive.apply(Command::CreateCustomer(customer(1, " ")), &actor(1)).unwrap_err();
        assert_eq!(err, DomainError::Invalid(vec![FieldError { field: Field::Name, problem: Problem::Required }]));
        assert!(archive.customers.is_empty());
        assert_eq!(archive.version(), 0);
        assert_eq!(archive.apply(Command::CreateCustomer(customer(0, "x")), &actor(1)).unwrap_err(), DomainError::NilId);
    }

    #[test]
    fn update_keeps_creation_and_duplicate_create_is_refused() {
        let mut archive = Archive::default();
        archive.apply(Command::CreateCustomer(customer(1, "A")), &actor(10)).unwrap();
        assert_eq!(
            archive.apply(Command::CreateCustomer(customer(1, "B")), &actor(20)).unwrap_err(),
            DomainError::AlreadyExists(Uuid::from_u128(1))
        );
        let mut edited = customer(1, "A2");
        edited.meta.created_at = Timestamp(999_999);
        archive.apply(Command::UpdateCustomer(edited), &actor(30)).unwrap();
        let stored = archive.customers.get(Uuid::from_u128(1)).unwrap();
        assert_eq!((stored.name.as_str(), stored.meta.created_at, stored.meta.updated_at), ("A2", Timestamp(10), Timestamp(30)));
    }

    #[test]
    fn delete_is_soft_and_restore_brings_it_back() {
        let mut archive = Archive::default();
        archive.apply(Command::CreateCustomer(customer(1, "A")), &actor(10)).unwrap();
        archive.apply(Command::DeleteCustomer(Uuid::from_u128(1)), &actor(20)).unwrap();
        assert_eq!(archive.customers.live().count(), 0);
        assert_eq!(archive.customers.get(Uuid::from_u128(1)).unwrap().meta.deleted_at, Some(Timestamp(20)));
        archive.apply(Command::RestoreCustomer(Uuid::from_u128(1)), &actor(30)).unwrap();
        assert_eq!(archive.customers.live().count(), 1);
    }

    #[test]
    fn an_import_is_all_or_nothing_and_reverts_exactly() {
        let mut a = Archive::default();
        a.apply(Command::CreateCustomer(customer(1, "A")), &actor(1)).unwrap();
        let before: Vec<Customer> = a.customers.rows().to_vec();
        let mut changed = customer(1, "A2");
        changed.industry = "家电".into();
        let applied = a
            .apply(Command::ImportCustomers { create: vec![customer(2, "B"), customer(3, "C")], update: vec![changed] }, &actor(5))
            .unwrap();
        assert_eq!(applied.changes.customers.len(), 3);
        assert_eq!(a.customers.len(), 3);
        assert_eq!(a.customers.get(Uuid::from_u128(1)).unwrap().name, "A2");
        assert_eq!(a.customers.get(Uuid::from_u128(1)).unwrap().meta.created_at, before[0].meta.created_at);
        assert_eq!(a.customers.get(Uuid::from_u128(2)).unwrap().meta.created_at, Timestamp(5));
        a.revert(applied);
        assert_eq!(a.customers.rows(), &before[..]);
        // One bad record refuses the whole import.
        let err = a.apply(Command::ImportCustomers { create: vec![customer(4, "D"), customer(5, "")], update: vec![] }, &actor(6));
        assert!(matches!(err, Err(DomainError::Invalid(_))));
        let dup = a.apply(Command::ImportCustomers { create: vec![customer(4, "D"), customer(4, "E")], update: vec![] }, &actor(6));
        assert_eq!(dup.unwrap_err(), DomainError::AlreadyExists(Uuid::from_u128(4)));
        assert_eq!(a.customers.len(), 1);
    }

    #[test]
    fn revert_restores_exactly_the_state_before() {
        let mut archive = Archive::default();
        archive.apply(Command::CreateCustomer(customer(1, "A")), &actor(10)).unwrap();
        let before: Vec<Customer> = archive.customers.rows().to_vec();

        let applied = archive.apply(Command::UpdateCustomer(customer(1, "changed")), &actor(20)).unwrap();
        archive.revert(applied);
        assert_eq!(archive.customers.rows(), &before[..]);

        let applied = archive.apply(Command::CreateCustomer(customer(2, "B")), &actor(20)).unwrap();
        archive.revert(applied);
        assert_eq!(archive.customers.rows(), &before[..]);
        assert!(archive.customers.get(Uuid::from_u128(2)).is_none());

        let applied = archive
            .apply(Command::ReplaceAll(Box::new(Records { customers: vec![customer(3, "C")], ..Records::default() })), &actor(20))
            .unwrap();
        assert!(applied.changes.replaced_all);
        archive.revert(applied);
        assert_eq!(archive.customers.rows(), &before[..]);
    }
}
