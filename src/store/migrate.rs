//! Schema migrations of stored records. Schema 1 kept one flat value per customer, shaped like
//! the spreadsheet it came from; schema 2 keeps full records in segments.

use uuid::Uuid;

use crate::domain::{Contact, Customer, CustomerKind, Intent, Meta, Money, Tier, Timestamp};

/// A customer as schema 1 stored it (as JSON text; the browser's `JSON.parse` reads it, see
/// `idb::v1_from_json`, so the page's module carries no JSON parser).
#[derive(Debug, Default, Clone, PartialEq, serde::Deserialize)]
#[serde(default)]
pub struct CustomerV1 {
    pub id: Uuid,
    pub name: String,
    /// "company" or "person".
    pub company_type: String,
    pub industry: String,
    pub region: String,
    pub contact: String,
    pub phone: String,
    pub email: String,
    /// Potential value in yuan, as a float.
    pub value: f64,
    /// 1 low, 2 medium, 3 high.
    pub intent: u8,
    pub notes: String,
    pub created: i64,
    pub updated: i64,
    pub deleted: bool,
}

impl CustomerV1 {
    /// The same customer as a current record.
    pub fn into_customer(self) -> Customer {
        let old = self;
        let kind = if old.company_type == "person" { CustomerKind::Individual } else { CustomerKind::Organisation };
        let mut customer = Customer::blank(kind);
        customer.meta = Meta {
            id: old.id,
            created_at: Timestamp(old.created),
            updated_at: Timestamp(old.updated.max(old.created)),
            updated_by: "migration".to_owned(),
            deleted_at: old.deleted.then_some(Timestamp(old.updated)),
        };
        customer.name = old.name;
        customer.industry = old.industry;
        customer.region = old.region;
        customer.notes = old.notes;
        customer.potential_value = if old.value.is_finite() && old.value > 0.0 {
            Money((old.value * 100.0).round().min(Money::MAX.0 as f64) as i64)
        } else {
            Money::ZERO
        };
        customer.intent = match old.intent {
            3 => Intent::High,
            1 => Intent::Low,
            _ => Intent::Medium,
        };
        customer.tier = Tier::Regular;
        let mut contact = Contact { name: old.contact, phone: old.phone, email: old.email, ..Contact::default() };
        // A phone without a contact name belongs to the customer itself (a person, or a switchboard).
        if contact.name.is_empty() && !contact.is_blank() {
            contact.name = customer.name.clone();
        }
        if !contact.is_blank() {
            customer.contacts.push(contact);
        }
        customer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v1(name: &str) -> CustomerV1 {
        CustomerV1 { id: Uuid::from_u128(1), name: name.into(), created: 1000, updated: 2000, ..CustomerV1::default() }
    }

    #[test]
    fn flat_v1_customer_becomes_a_full_record() {
        let old = CustomerV1 {
            company_type: "company".into(),
            industry: "家电".into(),
            region: "浙江".into(),
            contact: "李伟".into(),
            phone: "13812345678".into(),
            value: 35000.5,
            intent: 3,
            ..v1("恒达电器")
        };
        let c = old.into_customer();
        assert_eq!(c.kind, CustomerKind::Organisation);
        assert_eq!((c.name.as_str(), c.industry.as_str(), c.region.as_str()), ("恒达电器", "家电", "浙江"));
        assert_eq!(c.potential_value, Money(3_500_050));
        assert_eq!(c.intent, Intent::High);
        assert_eq!(c.contacts, vec![Contact { name: "李伟".into(), phone: "13812345678".into(), ..Contact::default() }]);
        assert_eq!((c.meta.created_at, c.meta.updated_at, c.meta.deleted_at), (Timestamp(1000), Timestamp(2000), None));
        assert_eq!(c.meta.id, Uuid::from_u128(1));
    }

    #[test]
    fn a_person_becomes_their_own_contact_and_odd_values_are_tamed() {
        let old = CustomerV1 { company_type: "person".into(), phone: "139".into(), value: -5.0, created: 5, updated: 1, deleted: true, ..v1("王芳") };
        let c = old.into_customer();
        assert_eq!(c.kind, CustomerKind::Individual);
        assert_eq!(c.contacts[0].name, "王芳");
        assert_eq!(c.potential_value, Money::ZERO);
        assert_eq!(c.meta.updated_at, Timestamp(5));
        assert!(c.meta.deleted_at.is_some());
        assert_eq!(CustomerV1 { value: f64::NAN, ..v1("x") }.into_customer().potential_value, Money::ZERO);
        assert_eq!(CustomerV1 { value: 1e30, ..v1("x") }.into_customer().potential_value, Money::MAX);
        assert!(CustomerV1 { intent: 9, ..v1("x") }.into_customer().contacts.is_empty());
    }
}
