//! Schema migrations of stored records. Schema 1 kept one flat value per customer, shaped like
//! the spreadsheet it came from; schema 2 keeps full records in segments.

use serde::Deserialize;
use uuid::Uuid;

use crate::domain::{Contact, Customer, CustomerKind, Intent, Meta, Money, Tier, Timestamp};

/// A customer as schema 1 stored it.
#[derive(Debug, Deserialize)]
pub struct CustomerV1 {
    pub id: Uuid,
    pub name: String,
    /// "company" or "person".
    #[serde(default)]
    pub company_type: String,
    #[serde(default)]
    pub industry: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    /// Potential value in yuan, as a float.
    #[serde(default)]
    pub value: f64,
    /// 1 low, 2 medium, 3 high.
    #[serde(default)]
    pub intent: u8,
    #[serde(default)]
    pub notes: String,
    pub created: i64,
    pub updated: i64,
    #[serde(default)]
    pub deleted: bool,
}

/// Converts one schema-1 value (its JSON text) into a current customer.
pub fn customer_from_v1(json: &str) -> Result<Customer, String> {
    let old: CustomerV1 = serde_json::from_str(json).map_err(|e| e.to_string())?;
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
    let contact_name = if old.contact.is_empty() && kind == CustomerKind::Individual { customer.name.clone() } else { old.contact };
    let contact = Contact { name: contact_name, phone: old.phone, email: old.email, ..Contact::default() };
    if !contact.is_blank() {
        customer.contacts.push(contact);
    }
    Ok(customer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_v1_customer_becomes_a_full_record() {
        let json = r#"{"id":"6f1c2d4e-0000-4000-8000-000000000001","name":"恒达电器","company_type":"company",
            "industry":"家电","region":"浙江","contact":"李伟","phone":"13812345678","value":35000.5,
            "intent":3,"created":1000,"updated":2000}"#;
        let c = customer_from_v1(json).unwrap();
        assert_eq!(c.kind, CustomerKind::Organisation);
        assert_eq!(c.potential_value, Money(3_500_050));
        assert_eq!(c.intent, Intent::High);
        assert_eq!(c.contacts, vec![Contact { name: "李伟".into(), phone: "13812345678".into(), ..Contact::default() }]);
        assert_eq!((c.meta.created_at, c.meta.updated_at, c.meta.deleted_at), (Timestamp(1000), Timestamp(2000), None));
    }

    #[test]
    fn a_person_becomes_their_own_contact_and_garbage_is_refused() {
        let json = r#"{"id":"6f1c2d4e-0000-4000-8000-000000000002","name":"王芳","company_type":"person","phone":"139",
            "value":-5,"created":5,"updated":1,"deleted":true}"#;
        let c = customer_from_v1(json).unwrap();
        assert_eq!(c.kind, CustomerKind::Individual);
        assert_eq!(c.contacts[0].name, "王芳");
        assert_eq!(c.potential_value, Money::ZERO);
        assert_eq!(c.meta.updated_at, Timestamp(5));
        assert!(c.meta.deleted_at.is_some());
        assert!(customer_from_v1("{}").is_err());
        assert!(customer_from_v1("not json").is_err());
    }
}
