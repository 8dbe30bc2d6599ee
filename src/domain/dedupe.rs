//! Duplicates on import: a customer with the same name (ignoring case, spaces and brackets), or a
//! contact with the same phone (digits, without a leading 86) or e-mail, as one already stored or
//! one earlier in the file. The user picks what happens to them.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::archive::Archive;
use super::records::{Contact, Customer};

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
    pub update: Vec<Customer>,
    pub skipped: usize,
    /// Rows matching a stored customer / an earlier row of the file.
    pub in_store: usize,
    pub in_file: usize,
}

pub fn name_key(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace() && !"()（）[]【】.,，。-_".contains(*c)).flat_map(char::to_lowercase).collect()
}

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

#[derive(Default)]
struct Keys {
    names: HashMap<String, Seen>,
    phones: HashMap<String, Seen>,
    emails: HashMap<String, Seen>,
}

impl Keys {
    fn add(&mut self, c: &Customer, seen: Seen) {
        let key = name_key(&c.name);
        if !key.is_empty() {
            self.names.entry(key).or_insert(seen);
        }
        for contact in &c.contacts {
            let (phone, email) = (phone_key(&contact.phone), contact.email.trim().to_lowercase());
            if phone.len() >= 5 {
                self.phones.entry(phone).or_insert(seen);
            }
            if !email.is_empty() {
                self.emails.entry(email).or_insert(seen);
            }
        }
    }

    fn find(&self, c: &Customer) -> Option<(Seen, Match)> {
        if let Some(s) = self.names.get(&name_key(&c.name)) {
            return Some((*s, Match::Name));
        }
        c.contacts.iter().find_map(|contact| {
            let phone = self.phones.get(&phone_key(&contact.phone)).map(|s| (*s, Match::Phone));
            phone.or_else(|| self.emails.get(&contact.email.trim().to_lowercase()).map(|s| (*s, Match::Email)))
        })
    }
}

/// Sorts imported rows into new customers and updates, under `choice`.
pub fn plan(archive: &Archive, rows: Vec<Customer>, choice: DuplicateChoice) -> ImportPlan {
    let mut keys = Keys::default();
    for c in archive.customers.live() {
        keys.add(c, Seen::Stored(c.meta.id));
    }
    let mut out = ImportPlan::default();
    let mut updated: HashMap<Uuid, usize> = HashMap::new();
    for row in rows {
        let found = keys.find(&row);
        match found {
            None => {}
            Some((Seen::Stored(_), _)) => out.in_store += 1,
            Some((Seen::Created(_), _)) => out.in_file += 1,
        }
        match (found, choice) {
            (None, _) | (Some(_), DuplicateChoice::KeepBoth) => {
                keys.add(&row, Seen::Created(out.create.len()));
                out.create.push(row);
            }
            (Some(_), DuplicateChoice::Skip) => out.skipped += 1,
            (Some((Seen::Created(i), _)), DuplicateChoice::Update) => merge(&mut out.create[i], row),
            (Some((Seen::Stored(id), _)), DuplicateChoice::Update) => {
                let at = *updated.entry(id).or_insert_with(|| {
                    let stored = archive.customers.get(id).cloned().expect("keys come from the archive");
                    out.update.push(stored);
                    out.update.len() - 1
                });
                merge(&mut out.update[at], row);
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
        let actor = Actor { name: "t".into(), now: Timestamp(1) };
        a.apply(Command::CreateCustomer(customer(1, "恒达电器（杭州）", "13812345678")), &actor).unwrap();
        a
    }

    fn rows() -> Vec<Customer> {
        let mut by_phone = customer(11, "另一个名字", "+86 138-1234-5678");
        by_phone.intent = Intent::High;
        by_phone.industry = "家电".into();
        vec![customer(10, "恒达电器(杭州)", ""), by_phone, customer(12, "新客户", "13900000000"), customer(13, "新 客户", "13700000000")]
    }

    #[test]
    fn skip_leaves_duplicates_out() {
        let p = plan(&archive(), rows(), DuplicateChoice::Skip);
        assert_eq!(p.create.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["新客户"]);
        assert_eq!((p.skipped, p.in_store, p.in_file, p.update.len()), (3, 2, 1, 0));
    }

    #[test]
    fn update_fills_the_stored_customer_and_the_earlier_row() {
        let p = plan(&archive(), rows(), DuplicateChoice::Update);
        assert_eq!(p.update.len(), 1);
        let u = &p.update[0];
        assert_eq!((u.meta.id, u.industry.as_str(), u.intent), (Uuid::from_u128(1), "家电", Intent::High));
        assert_eq!(u.contacts.len(), 1, "same phone, not a new contact");
        assert_eq!(p.create.len(), 1);
        assert_eq!(p.create[0].contacts.len(), 2, "the file's second 新客户 row added its contact");
    }

    #[test]
    fn keep_both_imports_everything() {
        let p = plan(&archive(), rows(), DuplicateChoice::KeepBoth);
        assert_eq!((p.create.len(), p.update.len(), p.skipped), (4, 0, 0));
        assert_eq!((p.in_store, p.in_file), (2, 1));
    }
}
