//! Schema migrations of stored records. Schema 1 kept one flat value per customer, shaped like
//! the spreadsheet it came from; schema 2 keeps full records in segments; schema 3 adds each
//! customer's owner history (segments written by schema 2 are read through `CustomerV2`).

use uuid::Uuid;

use crate::domain::{Communication, CompanySize, Contact, Customer, CustomerKind, Intent, Meta, Money, Tier, Timestamp, Transaction};

/// A customer as schema 2 stored it: the fields of today's customer, in the same order, up to
/// `communications` (binary segments encode fields by position).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CustomerV2 {
    pub meta: Meta,
    pub kind: CustomerKind,
    pub name: String,
    pub industry: String,
    pub region: String,
    pub city: String,
    pub address: String,
    pub size: Option<CompanySize>,
    pub potential_value: Money,
    pub intent: Intent,
    pub tier: Tier,
    pub tags: Vec<String>,
    pub lead_source: String,
    pub owner: Option<Uuid>,
    pub notes: String,
    pub contacts: Vec<Contact>,
    pub transactions: Vec<Transaction>,
    pub communications: Vec<Communication>,
}

impl CustomerV2 {
    /// A customer as schema 2 would have stored it (tests build old stores with it).
    pub fn of(c: Customer) -> CustomerV2 {
        CustomerV2 {
            meta: c.meta,
            kind: c.kind,
            name: c.name,
            industry: c.industry,
            region: c.region,
            city: c.city,
            address: c.address,
            size: c.size,
            potential_value: c.potential_value,
            intent: c.intent,
            tier: c.tier,
            tags: c.tags,
            lead_source: c.lead_source,
            owner: c.owner,
            notes: c.notes,
            contacts: c.contacts,
            transactions: c.transactions,
            communications: c.communications,
        }
    }

    /// A schema-2 segment of these customers, as that build wrote it.
    pub fn segment(customers: &[Customer]) -> Vec<u8> {
        let old: Vec<CustomerV2> = customers.iter().cloned().map(CustomerV2::of).collect();
        super::segments::encode_as(&old, 2)
    }
}

impl From<CustomerV2> for Customer {
    fn from(c: CustomerV2) -> Customer {
        Customer {
            meta: c.meta,
            kind: c.kind,
            name: c.name,
            industry: c.industry,
            region: c.region,
            city: c.city,
            address: c.address,
            size: c.size,
            potential_value: c.potential_value,
            intent: c.intent,
            tier: c.tier,
            tags: c.tags,
            lead_source: c.lead_source,
            owner: c.owner,
            notes: c.notes,
            contacts: c.contacts,
            transactions: c.transactions,
            communications: c.communications,
            owner_history: Vec::new(),
        }
    }
}

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
    fn schema_2_customers_read_back_whole_with_an_empty_owner_history() {
        let customers = crate::domain::demo::generate(4, 40, Timestamp(1_790_000_000_000), "demo").customers;
        assert!(customers.iter().any(|c| !c.contacts.is_empty() && !c.communications.is_empty() && c.owner.is_some()));
        let body = CustomerV2::segment(&customers);
        // Read as today's records, the old bytes do not fit: the migration is needed.
        assert!(crate::store::decode_segment::<Customer>("customer/000000", &body).is_err());
        let (_, archive, heal) = crate::store::Repository::decode(vec![("customer/000000".into(), body)]).unwrap();
        assert_eq!(archive.customers.rows(), &customers[..]);
        assert!(heal.is_none());
        // Segments written now are schema 3 and read back the same.
        let now = crate::store::encode_segment(&customers);
        assert_eq!(crate::store::schema_of(&now), 3);
        let (_, again, _) = crate::store::Repository::decode(vec![("customer/000000".into(), now)]).unwrap();
        assert_eq!(again.customers.rows(), &customers[..]);
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
