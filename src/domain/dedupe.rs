//! Duplicates on import: a customer with the same name (ignoring case, spaces and brackets), or a
//! contact with the same phone (digits, without a leading 86) or e-mail, as one already stored or
//! one earlier in the file. The user picks what happens to them.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::records::{Contact, Customer};
use super::Archive;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum DuplicateChoice {
    /// Leave the existing customer as it is; the row is not imported.
    #[default]
    Skip,
    /// Fill the existing customer with the row's values (non-empty cells win; new contacts and
    /// deals are added).
    Update,
    /// Import the row as a separate customer.
    KeepBoth,
}

/// What matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Match {
    Name,
    Phone,
    Email,
}

/// The records an import writes, and what it found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportPlan {
    pub create: Vec<Customer>,
    /// Stored customers (by id) to fill with the imported rows' values: what `merge` takes from
    /// the rows, gathered in one customer, applied to the stored one as it is when saved.
    pub fill: Vec<(Uuid, Customer)>,
    pub skipped: usize,
    /// Rows matching a stored customer / an earlier row of the file.
    pub in_store: usize,
    pub in_file: usize,
}

pub fn name_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            c if c.is_whitespace() => {}
            '(' | ')' | '（' | '）' | '[' | ']' | '【' | '】' | '.' | ',' | '，' | '。' | '-' | '_' => {}
            c if c.is_ascii() => key.push(c.to_ascii_lowercase()),
            c => key.extend(c.to_lowercase()),
        }
    }
    key
}

/// A fast hash for short keys (the multiply-rotate hash rustc uses); these maps hold the
/// user's own data, so there is no one to attack them with chosen collisions.
#[derive(Default, Clone, Copy)]
pub struct FastHash(u64);

impl std::hash::Hasher for FastHash {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
}

type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FastHash>>;

pub fn phone_key(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix("86") {
        Some(rest) if rest.len() == 11 => rest.to_owned(),
        _ => digits,
    }
}

/// Where a customer is known from: stored (by id) or a row of the plan being built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Seen {
    Stored(Uuid),
    Created(usize),
}

struct Keys {
    names: FastMap<String, Seen>,
    phones: FastMap<String, Seen>,
    emails: FastMap<String, Seen>,
}

/// One customer's normalised keys, computed once.
struct RowKeys {
    name: String,
    phones: Vec<String>,
    emails: Vec<String>,
}

fn keys_of(c: &Customer) -> RowKeys {
    RowKeys {
        name: name_key(&c.name),
        phones: c.contacts.iter().map(|x| phone_key(&x.phone)).filter(|p| p.len() >= 5).collect(),
        emails: c.contacts.iter().map(|x| x.email.trim().to_lowercase()).filter(|e| !e.is_empty()).collect(),
    }
}

impl Keys {
    fn with_capacity(n: usize) -> Self {
        let map = || FastMap::with_capacity_and_hasher(n, Default::default());
        Keys { names: map(), phones: map(), emails: map() }
    }

    fn add(&mut self, keys: RowKeys, seen: Seen) {
        if !keys.name.is_empty() {
            self.names.entry(keys.name).or_insert(seen);
        }
        for phone in keys.phones {
            self.phones.entry(phone).or_insert(seen);
        }
        for email in keys.emails {
            self.emails.entry(email).or_insert(seen);
        }
    }

    fn find(&self, keys: &RowKeys) -> Option<(Seen, Match)> {
        let by_name = self.names.get(&keys.name).map(|s| (*s, Match::Name));
        let by_phone = || keys.phones.iter().find_map(|p| self.phones.get(p)).map(|s| (*s, Match::Phone));
        let by_email = || keys.emails.iter().find_map(|e| self.emails.get(e)).map(|s| (*s, Match::Email));
        by_name.or_else(by_phone).or_else(by_email)
    }
}

/// What happens to one imported row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Create,
    Skip,
    /// Merged into the row at this index (an earlier row of the file being created).
    IntoRow(usize),
    IntoStored(Uuid),
}

/// How many rows go where.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlanCounts {
    pub create: usize,
    /// Distinct stored customers updated.
    pub update: usize,
    pub skipped: usize,
    pub in_store: usize,
    pub in_file: usize,
}

/// Decides each row's fate without copying any of them (the preview shows the counts).
pub fn decide<'a>(
    archive: &Archive,
    rows: impl ExactSizeIterator<Item = &'a Customer>,
    choice: DuplicateChoice,
) -> (Vec<Decision>, PlanCounts) {
    let mut decider = Decider::new(archive.customers.len() + rows.len(), choice);
    decider.add_stored(archive.customers.live());
    decider.decide(rows);
    decider.finish()
}

/// `decide` in steps, for callers that pause between them: first every stored customer
/// (`add_stored`, in any number of calls), then the rows in order (`decide`, likewise).
pub struct Decider {
    keys: Keys,
    choice: DuplicateChoice,
    counts: PlanCounts,
    updated: std::collections::HashSet<Uuid, std::hash::BuildHasherDefault<FastHash>>,
    decisions: Vec<Decision>,
}

impl Decider {
    /// `capacity`: about how many stored customers and rows there are.
    pub fn new(capacity: usize, choice: DuplicateChoice) -> Self {
        Decider {
            keys: Keys::with_capacity(capacity),
            choice,
            counts: PlanCounts::default(),
            updated: Default::default(),
            decisions: Vec::new(),
        }
    }

    pub fn add_stored<'a>(&mut self, customers: impl Iterator<Item = &'a Customer>) {
        for c in customers {
            self.keys.add(keys_of(c), Seen::Stored(c.meta.id));
        }
    }

    /// Decides the next rows of the file.
    pub fn decide<'a>(&mut self, rows: impl Iterator<Item = &'a Customer>) {
        for row in rows {
            let i = self.decisions.len();
            let row_keys = keys_of(row);
            let found = self.keys.find(&row_keys);
            match found {
                None => {}
                Some((Seen::Stored(_), _)) => self.counts.in_store += 1,
                Some((Seen::Created(_), _)) => self.counts.in_file += 1,
            }
            let decision = match (found, self.choice) {
                (None, _) | (Some(_), DuplicateChoice::KeepBoth) => {
                    self.keys.add(row_keys, Seen::Created(i));
                    self.counts.create += 1;
                    Decision::Create
                }
                (Some(_), DuplicateChoice::Skip) => {
                    self.counts.skipped += 1;
                    Decision::Skip
                }
                (Some((Seen::Created(at), _)), DuplicateChoice::Update) => Decision::IntoRow(at),
                (Some((Seen::Stored(id), _)), DuplicateChoice::Update) => {
                    if self.updated.insert(id) {
                        self.counts.update += 1;
                    }
                    Decision::IntoStored(id)
                }
            };
            self.decisions.push(decision);
        }
    }

    pub fn finish(self) -> (Vec<Decision>, PlanCounts) {
        (self.decisions, self.counts)
    }
}

/// Sorts imported rows into new customers and updates, under `choice`.
pub fn plan(archive: &Archive, rows: Vec<Customer>, choice: DuplicateChoice) -> ImportPlan {
    let decided = decide(archive, rows.iter(), choice);
    plan_decided(archive, rows, decided)
}

/// `plan` with the rows' decisions already made (by `decide` or a `Decider`, on this archive).
/// A decision naming a customer the archive no longer has creates the row instead.
pub fn plan_decided(
    archive: &Archive,
    rows: Vec<Customer>,
    (decisions, counts): (Vec<Decision>, PlanCounts),
) -> ImportPlan {
    let mut out = ImportPlan {
        skipped: counts.skipped,
        in_store: counts.in_store,
        in_file: counts.in_file,
        ..ImportPlan::default()
    };
    // Where each created row went in `out.create`, and each stored customer's fill in `out.fill`.
    let mut created_at: Vec<usize> = vec![usize::MAX; rows.len()];
    let mut updated_at: HashMap<Uuid, usize> = HashMap::new();
    for (i, (row, decision)) in rows.into_iter().zip(decisions).enumerate() {
        let stored = match decision {
            Decision::IntoStored(id) => archive.customers.get(id).map(|c| (id, c)),
            _ => None,
        };
        match (decision, stored) {
            (Decision::Skip, _) => {}
            (Decision::IntoRow(at), _) if created_at.get(at).is_some_and(|&c| c < out.create.len()) => {
                merge(&mut out.create[created_at[at]], row)
            }
            (Decision::IntoStored(_), Some((id, _))) => match updated_at.get(&id) {
                Some(&at) => merge(&mut out.fill[at].1, row),
                None => {
                    updated_at.insert(id, out.fill.len());
                    out.fill.push((id, row));
                }
            },
            _ => {
                created_at[i] = out.create.len();
                out.create.push(row);
            }
        }
    }
    out
}

/// Fills `into` with the non-empty values of `from`; adds contacts and deals it does not have.
pub fn merge(into: &mut Customer, from: Customer) {
    let take = |a: &mut String, b: String| {
        if !b.is_empty() {
            *a = b;
        }
    };
    take(&mut into.industry, from.industry);
    take(&mut into.region, from.region);
    take(&mut into.city, from.city);
    take(&mut into.address, from.address);
    take(&mut into.lead_source, from.lead_source);
    take(&mut into.notes, from.notes);
    into.size = from.size.or(into.size);
    into.owner = from.owner.or(into.owner);
    if from.potential_value.0 > 0 {
        into.potential_value = from.potential_value;
    }
    into.intent = from.intent;
    into.tier = from.tier;
    for tag in from.tags {
        if !into.tags.contains(&tag) {
            into.tags.push(tag);
        }
    }
    for contact in from.contacts {
        if !into.contacts.iter().any(|c| same_contact(c, &contact)) {
            into.contacts.push(contact);
        }
    }
    for deal in from.transactions {
        if !into.transactions.contains(&deal) {
            into.transactions.push(deal);
        }
    }
}

fn same_contact(a: &Contact, b: &Contact) -> bool {
    let phone = !b.phone.is_empty() && phone_key(&a.phone) == phone_key(&b.phone);
    let email = !b.email.is_empty() && a.email.trim().eq_ignore_ascii_case(b.email.trim());
    phone || email || (a.name == b.name && b.phone.is_empty() && b.email.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Actor, Command, CustomerKind, Intent, Timestamp};

    fn customer(n: u128, name: &str, phone: &str) -> Customer {
        let mut c = Customer::blank(CustomerKind::Organisation);
        c.meta.id = Uuid::from_u128(n);
        c.name = name.into();
        if !phone.is_empty() {
            c.contacts.push(Contact { name: "联系人".into(), phone: phone.into(), ..Contact::default() });
        }
        c
    }

    fn archive() -> Archive {
        let mut a = Archive::default();
        let actor = Actor::at("t", Timestamp(1));
        a.apply(Command::CreateCustomer(customer(1, "恒达电器（杭州）", "13812345678")), &actor).unwrap();
        a
    }

    fn rows() -> Vec<Customer> {
        let mut by_phone = customer(11, "另一个名字", "+86 138-1234-5678");
        by_phone.intent = Intent::High;
        by_phone.industry = "家电".into();
        vec![
            customer(10, "恒达电器(杭州)", ""),
            by_phone,
            customer(12, "新客户", "13900000000"),
            customer(13, "新 客户", "13700000000"),
        ]
    }

    #[test]
    fn skip_leaves_duplicates_out() {
        let p = plan(&archive(), rows(), DuplicateChoice::Skip);
        assert_eq!(p.create.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["新客户"]);
        assert_eq!((p.skipped, p.in_store, p.in_file, p.fill.len()), (3, 2, 1, 0));
    }

    #[test]
    fn update_fills_the_stored_customer_and_the_earlier_row() {
        let p = plan(&archive(), rows(), DuplicateChoice::Update);
        assert_eq!(p.fill.len(), 1);
        assert_eq!(p.fill[0].0, Uuid::from_u128(1));
        // The fill is applied to the stored customer as it is when the import is saved.
        let mut stored = archive();
        let actor = crate::domain::Actor::at("t", crate::domain::Timestamp(9));
        let command = crate::domain::Command::ImportCustomers { create: vec![], fill: p.fill.clone() };
        stored.apply(command, &actor).unwrap();
        let u = stored.customers.get(Uuid::from_u128(1)).unwrap();
        assert_eq!((u.meta.id, u.industry.as_str(), u.intent), (Uuid::from_u128(1), "家电", Intent::High));
        assert_eq!(u.contacts.len(), 1, "same phone, not a new contact");
        assert_eq!(p.create.len(), 1);
        assert_eq!(p.create[0].contacts.len(), 2, "the file's second 新客户 row added its contact");
    }

    #[test]
    fn decide_counts_without_copying_and_agrees_with_plan() {
        for choice in [DuplicateChoice::Skip, DuplicateChoice::Update, DuplicateChoice::KeepBoth] {
            let (_, counts) = decide(&archive(), rows().iter(), choice);
            let p = plan(&archive(), rows(), choice);
            assert_eq!(
                (counts.create, counts.update, counts.skipped),
                (p.create.len(), p.fill.len(), p.skipped),
                "{choice:?}"
            );
        }
        assert_eq!(name_key(" 恒达 (Hangzhou) 电器。"), "恒达hangzhou电器");
    }

    #[test]
    fn deciding_in_steps_equals_deciding_at_once() {
        let mut store = archive();
        let actor = Actor::at("t", Timestamp(2));
        store.apply(Command::CreateCustomer(customer(2, "新客户", "")), &actor).unwrap();
        let rows = rows();
        for choice in [DuplicateChoice::Skip, DuplicateChoice::Update, DuplicateChoice::KeepBoth] {
            let at_once = decide(&store, rows.iter(), choice);
            let stored: Vec<&Customer> = store.customers.live().collect();
            let mut steps = Decider::new(0, choice);
            for chunk in stored.chunks(1) {
                steps.add_stored(chunk.iter().copied());
            }
            for chunk in rows.chunks(3) {
                steps.decide(chunk.iter());
            }
            assert_eq!(steps.finish(), at_once, "{choice:?}");
        }
    }

    #[test]
    fn a_decision_about_a_customer_gone_since_creates_the_row() {
        let decided = decide(&archive(), rows().iter(), DuplicateChoice::Update);
        assert!(decided.0.contains(&Decision::IntoStored(Uuid::from_u128(1))));
        let p = plan_decided(&Archive::default(), rows(), decided);
        assert_eq!(p.fill.len(), 0);
        assert!(p.create.iter().any(|c| c.name == "恒达电器(杭州)"), "the row is kept, not dropped");
        assert_eq!(p.create.len() + p.skipped, 3, "the second 新客户 row still merges into the first");
    }

    #[test]
    fn keep_both_imports_everything() {
        let p = plan(&archive(), rows(), DuplicateChoice::KeepBoth);
        assert_eq!((p.create.len(), p.fill.len(), p.skipped), (4, 0, 0));
        assert_eq!((p.in_store, p.in_file), (2, 1));
    }
}
