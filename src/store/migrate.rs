//! Schema migrations of stored records. Schema 1 kept one flat value per customer, shaped like
//! the spreadsheet it came from; schema 2 kept full records in segments by position; schema 3
//! added each customer's owner history; schema 4 (today) adds revisions, ids for the entries
//! inside records, buckets by id and the change log.
//!
//! Old segments (`customer/000012`) are read through the old shapes here and converted; entries
//! get ids derived from their record and place, so the same data gets the same ids on every
//! device (and a backup made before the upgrade restores with the ids the store got). Files
//! attached to entries move from keys by entry number to keys by entry id.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::files;
use super::segments::{decode, schema_of};
use super::{Decoding, Replica, StoreError, WriteBatch};
use crate::domain::pipeline::{optional_date, Activity, Deal, DealChange, DealEvent, Pipeline, Stage};
use crate::domain::{
    ActivityKind, AnyRecord, Archive, CommKind, Communication, CompanySize, Contact, Currency, Customer, CustomerKind,
    DeviceId, EntryId, Hlc, Intent, Meta, Money, OwnerChange, RecordKind, Rep, Stamp, Team, Tier, Timestamp,
    Transaction,
};

/// The reading of older schemas, as values: the page loads this code only when a store holds old
/// data (it is a chunk of its own, see `Migrations`); native tests use `MIGRATION` directly.
/// Stored values by key.
pub type Stored = Vec<(String, Vec<u8>)>;
/// An old segment's records in today's shape.
pub type Converted = Result<Vec<AnyRecord>, StoreError>;

#[derive(Debug)]
pub struct Migration {
    /// `decode_old`.
    pub decode_old: fn(RecordKind, &str, &[u8]) -> Converted,
    /// `file_moves`.
    pub file_moves: fn(&Archive, Stored) -> (Stored, Vec<String>),
    /// `CustomerV1::into_customer`.
    pub customer_v1: fn(CustomerV1) -> Customer,
    /// `legacy_batch`.
    pub legacy_batch: fn(Stored, Vec<Customer>) -> Result<WriteBatch, StoreError>,
}

pub static MIGRATION: Migration =
    Migration { decode_old, file_moves, customer_v1: CustomerV1::into_customer, legacy_batch };

/// Where the reading of older schemas comes from when a store needs it.
pub trait Migrations {
    fn get(&self) -> impl std::future::Future<Output = Result<&'static Migration, StoreError>>;
}

/// `MIGRATION`, at hand (native code and tests).
pub struct Bundled;

impl Migrations for Bundled {
    async fn get(&self) -> Result<&'static Migration, StoreError> {
        Ok(&MIGRATION)
    }
}

/// No reading of older schemas: for a store `open` has already converted.
pub struct Without;

impl Migrations for Without {
    async fn get(&self) -> Result<&'static Migration, StoreError> {
        Err(StoreError::Corrupt { key: "segments".into(), reason: "an older schema's data after the migration".into() })
    }
}

/// The rewrite of a schema-1 store: its `customers` (converted) and the records of the segments
/// it also has (`existing`, any schema), in today's layout; the keys not written again deleted.
pub fn legacy_batch(existing: Vec<(String, Vec<u8>)>, customers: Vec<Customer>) -> Result<WriteBatch, StoreError> {
    let keys: Vec<String> = existing.iter().map(|(k, _)| k.clone()).collect();
    let mut decoding = Decoding::new(existing, Some(&MIGRATION));
    decoding.decode_some(usize::MAX)?;
    let mut records = decoding.finish(0, DeviceId(0)).replica.archive().to_records();
    records.customers.extend(customers);
    let archive = Archive::from_records(records);
    let mut batch = Replica::full_batch(&archive, 0, Stamp { at: Hlc(0), device: DeviceId(0) }, "migration");
    let kept: Vec<&String> = batch.puts.iter().map(|(k, _)| k).collect();
    batch.deletes = keys.into_iter().filter(|k| !kept.contains(&k)).collect();
    Ok(batch)
}

/// Whether any of these stored keys is an older schema's segment.
pub fn has_old_segments(segments: &[(String, Vec<u8>)]) -> bool {
    segments.iter().any(|(key, _)| old_segment_kind(key).is_some())
}

/// The kind an old segment key (`customer/000012`, schema 2 and 3) names.
pub fn old_segment_kind(key: &str) -> Option<RecordKind> {
    let (kind, number) = key.split_once('/')?;
    (number.len() == 6 && number.bytes().all(|b| b.is_ascii_digit())).then_some(())?;
    RecordKind::from_code(kind)
}

/// The records of an old segment, converted to today's shape.
pub fn decode_old(kind: RecordKind, key: &str, body: &[u8]) -> Result<Vec<AnyRecord>, StoreError> {
    let schema = schema_of(body);
    let mut records: Vec<AnyRecord> = match kind {
        RecordKind::Customer if schema < 3 => {
            decode::<CustomerV2>(key, body)?.into_iter().map(|c| AnyRecord::Customer(c.into_v3().into())).collect()
        }
        RecordKind::Customer => {
            decode::<CustomerV3>(key, body)?.into_iter().map(|c| AnyRecord::Customer(c.into())).collect()
        }
        RecordKind::Rep => decode::<RepV3>(key, body)?.into_iter().map(|r| AnyRecord::Rep(r.into())).collect(),
        RecordKind::Team => decode::<TeamV3>(key, body)?.into_iter().map(|t| AnyRecord::Team(t.into())).collect(),
        RecordKind::Deal => decode::<DealV3>(key, body)?.into_iter().map(|d| AnyRecord::Deal(d.into())).collect(),
        RecordKind::Pipeline => {
            decode::<PipelineV3>(key, body)?.into_iter().map(|p| AnyRecord::Pipeline(p.into())).collect()
        }
        // Every other kind came with schema 4 or later: there are no old segments of them.
        _ => Vec::new(),
    };
    for record in &mut records {
        record.number_entries();
    }
    Ok(records)
}

/// The new key of a file stored under an entry number (schema 3 and backups before it): the id
/// of entry `n` of its deal's activities or its customer's follow-ups. A file whose entry is
/// gone keeps a key of its own.
pub fn file_key_by_entry(archive: &Archive, old_key: &str) -> Option<String> {
    let (owner, number, file) = files::parse_numbered_key(old_key)?;
    let entry = match (archive.deals.get(owner), archive.customers.get(owner)) {
        (Some(deal), _) => deal.activities.get_nth(number),
        (None, Some(customer)) => customer.communications.get_nth(number),
        _ => None,
    };
    let entry = entry.unwrap_or(EntryId(number as u64));
    Some(files::key(owner, entry, file))
}

/// Puts and deletes that move stored files from keys by entry number to keys by entry id.
pub fn file_moves(archive: &Archive, stored: Vec<(String, Vec<u8>)>) -> (Vec<(String, Vec<u8>)>, Vec<String>) {
    let mut puts = Vec::new();
    let mut deletes = Vec::new();
    for (key, value) in stored {
        if let Some(new) = file_key_by_entry(archive, &key) {
            puts.push((new, value));
            deletes.push(key);
        }
    }
    (puts, deletes)
}

/// Record metadata as schemas 2 and 3 stored it (no revisions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetaV3 {
    pub id: Uuid,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub updated_by: String,
    pub deleted_at: Option<Timestamp>,
}

impl From<MetaV3> for Meta {
    fn from(m: MetaV3) -> Meta {
        Meta {
            id: m.id,
            created_at: m.created_at,
            updated_at: m.updated_at,
            updated_by: m.updated_by,
            deleted_at: m.deleted_at,
            ..Meta::default()
        }
    }
}

impl From<&Meta> for MetaV3 {
    fn from(m: &Meta) -> MetaV3 {
        MetaV3 {
            id: m.id,
            created_at: m.created_at,
            updated_at: m.updated_at,
            updated_by: m.updated_by.clone(),
            deleted_at: m.deleted_at,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactV3 {
    pub name: String,
    pub title: String,
    pub phone: String,
    pub email: String,
    pub wechat: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionV3 {
    #[serde(with = "crate::domain::dates")]
    pub date: NaiveDate,
    pub product: String,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunicationV3 {
    #[serde(with = "crate::domain::dates")]
    pub date: NaiveDate,
    pub kind: CommKind,
    pub summary: String,
    pub by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnerChangeV3 {
    pub at: Timestamp,
    pub by: String,
    pub from: Option<Uuid>,
    pub to: Option<Uuid>,
}

/// A customer as schema 3 stored it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerV3 {
    pub meta: MetaV3,
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
    pub contacts: Vec<ContactV3>,
    pub transactions: Vec<TransactionV3>,
    pub communications: Vec<CommunicationV3>,
    pub owner_history: Vec<OwnerChangeV3>,
}

/// A customer as schema 2 stored it: schema 3's fields up to `communications`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerV2 {
    pub meta: MetaV3,
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
    pub contacts: Vec<ContactV3>,
    pub transactions: Vec<TransactionV3>,
    pub communications: Vec<CommunicationV3>,
}

impl CustomerV2 {
    fn into_v3(self) -> CustomerV3 {
        let c = self;
        CustomerV3 {
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

impl From<CustomerV3> for Customer {
    fn from(c: CustomerV3) -> Customer {
        let contact = |x: ContactV3| Contact {
            id: EntryId::default(),
            name: x.name,
            title: x.title,
            phone: x.phone,
            email: x.email,
            wechat: x.wechat,
        };
        let transaction = |t: TransactionV3| Transaction {
            id: EntryId::default(),
            date: t.date,
            product: t.product,
            amount: t.amount,
        };
        let communication = |m: CommunicationV3| Communication {
            id: EntryId::default(),
            date: m.date,
            kind: m.kind,
            summary: m.summary,
            by: m.by,
        };
        let owner_change =
            |h: OwnerChangeV3| OwnerChange { id: EntryId::default(), at: h.at, by: h.by, from: h.from, to: h.to };
        Customer {
            meta: c.meta.into(),
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
            contacts: c.contacts.into_iter().map(contact).collect::<Vec<_>>().into(),
            transactions: c.transactions.into_iter().map(transaction).collect::<Vec<_>>().into(),
            communications: c.communications.into_iter().map(communication).collect::<Vec<_>>().into(),
            owner_history: c.owner_history.into_iter().map(owner_change).collect(),
        }
    }
}

impl CustomerV3 {
    /// A customer as schema 3 stored it (tests build old stores with it).
    pub fn of(c: &Customer) -> CustomerV3 {
        let contact = |x: &Contact| ContactV3 {
            name: x.name.clone(),
            title: x.title.clone(),
            phone: x.phone.clone(),
            email: x.email.clone(),
            wechat: x.wechat.clone(),
        };
        CustomerV3 {
            meta: (&c.meta).into(),
            kind: c.kind,
            name: c.name.clone(),
            industry: c.industry.clone(),
            region: c.region.clone(),
            city: c.city.clone(),
            address: c.address.clone(),
            size: c.size,
            potential_value: c.potential_value,
            intent: c.intent,
            tier: c.tier,
            tags: c.tags.clone(),
            lead_source: c.lead_source.clone(),
            owner: c.owner,
            notes: c.notes.clone(),
            contacts: c.contacts.iter().map(contact).collect(),
            transactions: c
                .transactions
                .iter()
                .map(|t| TransactionV3 { date: t.date, product: t.product.clone(), amount: t.amount })
                .collect(),
            communications: c
                .communications
                .iter()
                .map(|m| CommunicationV3 { date: m.date, kind: m.kind, summary: m.summary.clone(), by: m.by.clone() })
                .collect(),
            owner_history: c
                .owner_history
                .iter()
                .map(|h| OwnerChangeV3 { at: h.at, by: h.by.clone(), from: h.from, to: h.to })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepV3 {
    pub meta: MetaV3,
    pub name: String,
    pub team: Option<Uuid>,
    pub email: String,
    pub phone: String,
    pub active: bool,
}

impl From<RepV3> for Rep {
    fn from(r: RepV3) -> Rep {
        Rep { meta: r.meta.into(), name: r.name, team: r.team, email: r.email, phone: r.phone, active: r.active }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamV3 {
    pub meta: MetaV3,
    pub name: String,
    pub manager: Option<Uuid>,
}

impl From<TeamV3> for Team {
    fn from(t: TeamV3) -> Team {
        Team { meta: t.meta.into(), name: t.name, manager: t.manager }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityV3 {
    #[serde(with = "crate::domain::dates")]
    pub date: NaiveDate,
    pub kind: ActivityKind,
    pub by: String,
    pub outcome: String,
    pub courier: String,
    pub tracking: String,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealEventV3 {
    pub at: Timestamp,
    pub by: String,
    pub change: DealChange,
}

/// A deal as schema 3 stored it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealV3 {
    pub meta: MetaV3,
    pub customer: Uuid,
    pub title: String,
    pub amount: Money,
    pub currency: Currency,
    pub owner: Option<Uuid>,
    pub lead_source: String,
    #[serde(with = "optional_date")]
    pub expected_close: Option<NaiveDate>,
    pub stage: Uuid,
    pub probability: Option<u8>,
    pub difficulty: u16,
    pub next_step: String,
    pub activities: Vec<ActivityV3>,
    pub history: Vec<DealEventV3>,
}

impl From<DealV3> for Deal {
    fn from(d: DealV3) -> Deal {
        let activity = |a: ActivityV3| Activity {
            id: EntryId::default(),
            date: a.date,
            kind: a.kind,
            by: a.by,
            outcome: a.outcome,
            courier: a.courier,
            tracking: a.tracking,
            amount: a.amount,
        };
        Deal {
            meta: d.meta.into(),
            customer: d.customer,
            title: d.title,
            amount: d.amount,
            currency: d.currency,
            owner: d.owner,
            lead_source: d.lead_source,
            expected_close: d.expected_close,
            stage: d.stage,
            probability: d.probability,
            difficulty: d.difficulty,
            next_step: d.next_step,
            activities: d.activities.into_iter().map(activity).collect::<Vec<_>>().into(),
            history: d
                .history
                .into_iter()
                .map(|e| DealEvent { id: EntryId::default(), at: e.at, by: e.by, change: e.change })
                .collect(),
        }
    }
}

impl DealV3 {
    /// A deal as schema 3 stored it (tests build old stores with it).
    pub fn of(d: &Deal) -> DealV3 {
        DealV3 {
            meta: (&d.meta).into(),
            customer: d.customer,
            title: d.title.clone(),
            amount: d.amount,
            currency: d.currency,
            owner: d.owner,
            lead_source: d.lead_source.clone(),
            expected_close: d.expected_close,
            stage: d.stage,
            probability: d.probability,
            difficulty: d.difficulty,
            next_step: d.next_step.clone(),
            activities: d
                .activities
                .iter()
                .map(|a| ActivityV3 {
                    date: a.date,
                    kind: a.kind,
                    by: a.by.clone(),
                    outcome: a.outcome.clone(),
                    courier: a.courier.clone(),
                    tracking: a.tracking.clone(),
                    amount: a.amount,
                })
                .collect(),
            history: d
                .history
                .iter()
                .map(|e| DealEventV3 { at: e.at, by: e.by.clone(), change: e.change.clone() })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipelineV3 {
    pub meta: MetaV3,
    pub stages: Vec<Stage>,
    pub grace_days: u16,
    pub remind_days: u16,
    pub lead_sources: Vec<String>,
    pub retired: Vec<(Uuid, String)>,
}

impl From<PipelineV3> for Pipeline {
    fn from(p: PipelineV3) -> Pipeline {
        Pipeline {
            meta: p.meta.into(),
            stages: p.stages,
            grace_days: p.grace_days,
            remind_days: p.remind_days,
            lead_sources: p.lead_sources,
            retired: p.retired,
        }
    }
}

impl PipelineV3 {
    pub fn of(p: &Pipeline) -> PipelineV3 {
        PipelineV3 {
            meta: (&p.meta).into(),
            stages: p.stages.clone(),
            grace_days: p.grace_days,
            remind_days: p.remind_days,
            lead_sources: p.lead_sources.clone(),
            retired: p.retired.clone(),
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
            ..Meta::default()
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
        let mut record = AnyRecord::Customer(customer);
        record.number_entries();
        match record {
            AnyRecord::Customer(c) => c,
            _ => unreachable!("numbering keeps the kind"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Records, UtcOffset};
    use crate::store::segments::encode_as;

    fn v1(name: &str) -> CustomerV1 {
        CustomerV1 { id: Uuid::from_u128(1), name: name.into(), created: 1000, updated: 2000, ..CustomerV1::default() }
    }

    fn demo() -> Records {
        crate::domain::demo::generate(4, 60, Timestamp(1_790_000_000_000), UtcOffset::CHINA, "demo")
    }

    /// Today's records as schema 3 had them: no revisions, entry ids as migration gives them.
    fn as_v3_would_read(records: &Records) -> Records {
        let mut out = Records::default();
        for mut record in records.clone().into_any() {
            match &mut record {
                AnyRecord::Customer(c) => *c = Customer::from(CustomerV3::of(c)),
                AnyRecord::Deal(d) => *d = Deal::from(DealV3::of(d)),
                AnyRecord::Pipeline(p) => *p = Pipeline::from(PipelineV3::of(p)),
                AnyRecord::Rep(r) => r.meta = Meta::from(MetaV3::from(&r.meta)),
                AnyRecord::Team(t) => t.meta = Meta::from(MetaV3::from(&t.meta)),
                // Kinds that came with schema 4 or later.
                _ => {}
            }
            record.number_entries();
            out.push(record);
        }
        out
    }

    #[test]
    fn schema_3_segments_of_every_kind_read_back_whole_with_entry_ids_in_order() {
        let d = demo();
        assert!(d.customers.iter().any(|c| c.contacts.len() > 1 && !c.communications.is_empty()));
        assert!(d.deals.iter().any(|x| x.activities.len() > 1 && x.history.len() > 1));
        let customers: Vec<CustomerV3> = d.customers.iter().map(CustomerV3::of).collect();
        let deals: Vec<DealV3> = d.deals.iter().map(DealV3::of).collect();
        let pipelines: Vec<PipelineV3> = d.pipelines.iter().map(PipelineV3::of).collect();
        let reps: Vec<RepV3> = d
            .reps
            .iter()
            .map(|r| RepV3 {
                meta: (&r.meta).into(),
                name: r.name.clone(),
                team: r.team,
                email: r.email.clone(),
                phone: r.phone.clone(),
                active: r.active,
            })
            .collect();
        let read = |kind, body: Vec<u8>| decode_old(kind, "x/000000", &body).unwrap();
        let expected = as_v3_would_read(&d);
        let got_customers = read(RecordKind::Customer, encode_as(&customers, 3));
        assert_eq!(got_customers, expected.customers.iter().cloned().map(AnyRecord::Customer).collect::<Vec<_>>());
        assert_eq!(read(RecordKind::Deal, encode_as(&deals, 3)).len(), d.deals.len());
        assert_eq!(
            read(RecordKind::Pipeline, encode_as(&pipelines, 3)),
            vec![AnyRecord::Pipeline(expected.pipelines[0].clone())]
        );
        assert_eq!(read(RecordKind::Rep, encode_as(&reps, 3)).len(), 12);
        for record in got_customers.iter().chain(&read(RecordKind::Deal, encode_as(&deals, 3))) {
            let ids: Vec<EntryId> = match record {
                AnyRecord::Customer(c) => {
                    c.contacts.iter().map(|e| e.id).chain(c.communications.iter().map(|e| e.id)).collect()
                }
                AnyRecord::Deal(x) => x.history.iter().map(|e| e.id).collect(),
                _ => vec![],
            };
            assert!(ids.iter().all(|id| *id != EntryId::default()));
        }
        for x in expected.deals.iter() {
            assert!(x.history.windows(2).all(|w| w[0].id < w[1].id), "history ids follow its order");
            assert!(x.activities.windows(2).all(|w| w[0].id < w[1].id));
        }
        // Today's shape does not read old bytes: the conversion is needed.
        assert!(decode::<Customer>("customer/000000", &encode_as(&customers, 3)).is_err());
    }

    #[test]
    fn schema_2_customers_gain_an_empty_owner_history() {
        let d = demo();
        let old: Vec<CustomerV2> = d
            .customers
            .iter()
            .map(|c| {
                let v3 = CustomerV3::of(c);
                CustomerV2 {
                    meta: v3.meta,
                    kind: v3.kind,
                    name: v3.name,
                    industry: v3.industry,
                    region: v3.region,
                    city: v3.city,
                    address: v3.address,
                    size: v3.size,
                    potential_value: v3.potential_value,
                    intent: v3.intent,
                    tier: v3.tier,
                    tags: v3.tags,
                    lead_source: v3.lead_source,
                    owner: v3.owner,
                    notes: v3.notes,
                    contacts: v3.contacts,
                    transactions: v3.transactions,
                    communications: v3.communications,
                }
            })
            .collect();
        let got = decode_old(RecordKind::Customer, "customer/000000", &encode_as(&old, 2)).unwrap();
        let expected = as_v3_would_read(&d);
        assert_eq!(got, expected.customers.into_iter().map(AnyRecord::Customer).collect::<Vec<_>>());
        assert_eq!(old_segment_kind("customer/000012"), Some(RecordKind::Customer));
        assert_eq!(old_segment_kind("customer/08-0001"), None);
    }

    #[test]
    fn files_move_to_the_id_of_their_entry() {
        let d = as_v3_would_read(&demo());
        let archive = Archive::from_records(d);
        let deal = archive.deals.rows().iter().find(|x| x.activities.len() > 1).unwrap();
        let customer = archive.customers.rows().iter().find(|c| !c.communications.is_empty()).unwrap();
        let file = Uuid::from_u128(99);
        let stored = vec![
            (files::numbered_key(deal.meta.id, 1, file), b"photo".to_vec()),
            (files::numbered_key(customer.meta.id, 0, file), b"card".to_vec()),
            (files::numbered_key(Uuid::from_u128(12345), 3, file), b"orphan".to_vec()),
        ];
        let (puts, deletes) = file_moves(&archive, stored.clone());
        assert_eq!(deletes, stored.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>());
        assert_eq!(puts[0], (files::key(deal.meta.id, deal.activities[1].id, file), b"photo".to_vec()));
        assert_eq!(puts[1], (files::key(customer.meta.id, customer.communications[0].id, file), b"card".to_vec()));
        assert_eq!(files::parse_key(&puts[2].0), Some((Uuid::from_u128(12345), EntryId(3))));
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
        assert_eq!((c.contacts[0].name.as_str(), c.contacts[0].phone.as_str()), ("李伟", "13812345678"));
        assert_ne!(c.contacts[0].id, EntryId::default());
        assert_eq!((c.meta.created_at, c.meta.updated_at, c.meta.deleted_at), (Timestamp(1000), Timestamp(2000), None));
        assert_eq!(c.meta.id, Uuid::from_u128(1));
    }

    #[test]
    fn a_person_becomes_their_own_contact_and_odd_values_are_tamed() {
        let old = CustomerV1 {
            company_type: "person".into(),
            phone: "139".into(),
            value: -5.0,
            created: 5,
            updated: 1,
            deleted: true,
            ..v1("王芳")
        };
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
