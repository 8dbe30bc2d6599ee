//! The archive's state and the commands that change it. Every change goes through `apply`, which
//! validates, stamps metadata, and returns what changed plus what is needed to take it back, so
//! that persistence, undo and later sync all see the same thing.

use std::collections::HashMap;
use uuid::Uuid;

use super::records::{Customer, Meta, RecordKind, Rep, Team, Timestamp};
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
    ReplaceAll { customers: Vec<Customer>, reps: Vec<Rep>, teams: Vec<Team> },
    /// An import: new customers (new ids) and updated ones (stored ids), all or nothing.
    ImportCustomers { create: Vec<Customer>, update: Vec<Customer> },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DomainError {
    Invalid(Vec<FieldError>),
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
}

impl ChangeSet {
    pub fn ids(&self, kind: RecordKind) -> &[Uuid] {
        match kind {
            RecordKind::Customer => &self.customers,
            RecordKind::Rep => &self.reps,
            RecordKind::Team => &self.teams,
        }
    }
}

/// What it takes to undo an applied command exactly (used when the store refuses the write).
#[derive(Debug)]
pub enum Undo {
    Customer(Uuid, Option<Customer>),
    Rep(Uuid, Option<Rep>),
    Team(Uuid, Option<Team>),
    /// Many customers, in the order they were put (reverted newest first).
    Customers(Vec<(Uuid, Option<Customer>)>),
    Replaced(Box<(Table<Customer>, Table<Rep>, Table<Team>)>),
}

/// An applied command: what changed, and how to take it back.
#[derive(Debug)]
pub struct Applied {
    pub changes: ChangeSet,
    pub undo: Undo,
}

impl Archive {
    pub fn from_records(customers: Vec<Customer>, reps: Vec<Rep>, teams: Vec<Team>) -> Self {
        Archive {
            customers: Table::from_rows(customers),
            reps: Table::from_rows(reps),
            teams: Table::from_rows(teams),
            version: 0,
        }
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
            Command::ReplaceAll { customers, reps, teams } => {
                if customers.iter().any(|c| c.id().is_nil()) {
                    return Err(DomainError::NilId);
                }
                changes.replaced_all = true;
                let old = (
                    std::mem::replace(&mut self.customers, Table::from_rows(customers)),
                    std::mem::replace(&mut self.reps, Table::from_rows(reps)),
                    std::mem::replace(&mut self.teams, Table::from_rows(teams)),
                );
                Undo::Replaced(Box::new(old))
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
        Ok(customer)
    }

    /// Takes back an applied command (the store could not save it).
    pub fn revert(&mut self, applied: Applied) {
        match applied.undo {
            Undo::Customer(id, previous) => self.customers.revert(id, previous),
            Undo::Rep(id, previous) => self.reps.revert(id, previous),
            Undo::Team(id, previous) => self.teams.revert(id, previous),
            Undo::Customers(puts) => {
                for (id, previous) in puts.into_iter().rev() {
                    self.customers.revert(id, previous);
                }
            }
            Undo::Replaced(old) => {
                let (customers, reps, teams) = *old;
                self.customers = customers;
                self.reps = reps;
                self.teams = teams;
            }
        }
        self.version += 1;
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
            .apply(Command::ReplaceAll { customers: vec![customer(3, "C")], reps: vec![], teams: vec![] }, &actor(20))
            .unwrap();
        assert!(applied.changes.replaced_all);
        archive.revert(applied);
        assert_eq!(archive.customers.rows(), &before[..]);
    }
}
