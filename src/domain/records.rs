//! The records the archive keeps: customers with their contacts and histories, reps and teams,
//! each carrying the metadata later team sync needs to merge them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

use super::money::Money;
use super::record::{record, Entries, Entry, FieldText};
use super::revision::{DeviceId, EntryId, Stamp};

/// Milliseconds since the Unix epoch, as the browser's `Date.now()` gives them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

/// The user's time zone as its offset from UTC (minutes east: China is +480), which the page
/// reads from the browser and passes in. "Today" and the day of a change are local dates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct UtcOffset(pub i32);

impl UtcOffset {
    pub const CHINA: UtcOffset = UtcOffset(480);
}

impl Timestamp {
    /// The calendar date of this instant where the user is.
    pub fn date(self, offset: UtcOffset) -> NaiveDate {
        chrono::DateTime::from_timestamp_millis(self.0 + i64::from(offset.0) * 60_000)
            .map(|t| t.date_naive())
            .unwrap_or_default()
    }
}

/// "Today" where the user is: the local date, and the offset that turns a change's instant into
/// a local date (how long a deal has been idle).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Today {
    pub date: NaiveDate,
    pub offset: UtcOffset,
}

impl Today {
    /// The local date at instant `now`.
    pub fn at(now: Timestamp, offset: UtcOffset) -> Today {
        Today { date: now.date(offset), offset }
    }
}

/// Tags as typed in one field (`老客户，广交会; VIP`) or one spreadsheet cell: split at commas,
/// semicolons, the enumeration comma and bars (half- or full-width), trimmed, empty ones dropped.
pub fn split_tags(text: &str) -> Vec<String> {
    text.split([',', '，', ';', '；', '、', '|']).map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

/// What every record carries so that edits can be traced and merged between tabs and devices.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub id: Uuid,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Who made the last change (the user name set on this device).
    pub updated_by: String,
    /// Set when the record is deleted; deleted records stay so that undo and sync can see them.
    #[serde(default)]
    pub deleted_at: Option<Timestamp>,
    /// The revision: the stamp of the record's last change, which orders its versions across
    /// devices (clock reading, then device).
    #[serde(default)]
    pub rev: Stamp,
    /// The stamp of the record's creation, which every field not in `stamps` carries.
    #[serde(default)]
    pub created: Stamp,
    /// Fields changed since the record was created (by number, see `record::Record::FIELDS`),
    /// with the stamp of each one's last change; sorted by field.
    #[serde(default)]
    pub stamps: Vec<(u8, Stamp)>,
}

impl Meta {
    /// A new record's metadata; the archive stamps its revision when the record is stored.
    pub fn new(id: Uuid, now: Timestamp, actor: &str) -> Self {
        Meta { id, created_at: now, updated_at: now, updated_by: actor.to_owned(), ..Meta::default() }
    }

    pub fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }

    /// The device that made the last change.
    pub fn device(&self) -> DeviceId {
        self.rev.device
    }
}

/// Declares a plain enum with a stable code (used in JSON and URLs) for each variant.
/// The store keeps variants by position: append new variants, never reorder.
macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }

        impl FieldText for $name {
            fn text(&self) -> String {
                self.code().to_owned()
            }
        }

        impl FromStr for $name {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s { $($code => Ok($name::$variant),)+ _ => Err(UnknownCode(s.to_owned())) }
            }
        }
    };
}

/// A code that names no variant of the enum it was parsed as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCode(pub String);

coded_enum!(
    /// 企业客户 / 个人客户.
    CustomerKind { Organisation = "organisation", Individual = "individual" }
);

coded_enum!(
    /// 客户等级: how much attention a customer gets.
    Tier { Strategic = "strategic", Key = "key", Regular = "regular", Prospect = "prospect" }
);

coded_enum!(
    /// 合作意向.
    Intent { High = "high", Medium = "medium", Low = "low" }
);

coded_enum!(
    /// Head count bands for organisations.
    CompanySize { Micro = "micro", Small = "small", Medium = "medium", Large = "large" }
);

coded_enum!(
    /// The ways a follow-up happens.
    CommKind { Call = "call", Visit = "visit", Meeting = "meeting", Email = "email", WeChat = "wechat", Other = "other" }
);

coded_enum!(
    /// 销售漏斗 class: D potential, C initial trust, B needs understood and intent to buy, A about
    /// to close. Ordered top of the funnel first.
    FunnelClass { D = "d", C = "c", B = "b", A = "a" }
);

coded_enum!(
    /// Whether a stage is still open or closes the deal.
    StageOutcome { Open = "open", Won = "won", Lost = "lost" }
);

coded_enum!(
    /// What happened in a deal's activity.
    ActivityKind { Call = "call", Visit = "visit", Meeting = "meeting", Email = "email", Sample = "sample", Quotation = "quotation", Note = "note" }
);

coded_enum!(
    /// A deal's currency.
    Currency { Cny = "CNY", Usd = "USD", Eur = "EUR" }
);

impl Currency {
    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Cny => "¥",
            Currency::Usd => "$",
            Currency::Eur => "€",
        }
    }
}

/// 联系人: a person at a customer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Its id in the customer's list (0 in a form's new contact, until it is stored).
    #[serde(default)]
    pub id: EntryId,
    pub name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub wechat: String,
}

impl Contact {
    pub fn is_blank(&self) -> bool {
        [&self.name, &self.title, &self.phone, &self.email, &self.wechat].iter().all(|s| s.trim().is_empty())
    }
}

/// 成交记录: one past order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    #[serde(default)]
    pub id: EntryId,
    #[serde(with = "super::dates")]
    pub date: NaiveDate,
    pub product: String,
    pub amount: Money,
}

/// 沟通记录: one follow-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Communication {
    #[serde(default)]
    pub id: EntryId,
    #[serde(with = "super::dates")]
    pub date: NaiveDate,
    pub kind: CommKind,
    pub summary: String,
    #[serde(default)]
    pub by: String,
}

/// 客户档案: one customer in the uniform format the whole team shares.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub meta: Meta,
    pub kind: CustomerKind,
    pub name: String,
    #[serde(default)]
    pub industry: String,
    /// Province or large region (e.g. 广东, 浙江).
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub size: Option<CompanySize>,
    #[serde(default)]
    pub potential_value: Money,
    pub intent: Intent,
    pub tier: Tier,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub lead_source: String,
    #[serde(default)]
    pub owner: Option<Uuid>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub contacts: Entries<Contact>,
    #[serde(default)]
    pub transactions: Entries<Transaction>,
    #[serde(default)]
    pub communications: Entries<Communication>,
    /// Every change of owner (hand-overs, assignments, edits), oldest first; written by the
    /// archive, never by forms. Added in schema 3.
    #[serde(default)]
    pub owner_history: Vec<OwnerChange>,
}

/// Who gave a customer from whom to whom, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerChange {
    #[serde(default)]
    pub id: EntryId,
    pub at: Timestamp,
    pub by: String,
    pub from: Option<Uuid>,
    pub to: Option<Uuid>,
}

impl Customer {
    /// An empty customer of the given kind, as a new-customer form starts.
    pub fn blank(kind: CustomerKind) -> Self {
        Customer {
            meta: Meta::new(Uuid::nil(), Timestamp(0), ""),
            kind,
            name: String::new(),
            industry: String::new(),
            region: String::new(),
            city: String::new(),
            address: String::new(),
            size: None,
            potential_value: Money::ZERO,
            intent: Intent::Medium,
            tier: Tier::Regular,
            tags: Vec::new(),
            lead_source: String::new(),
            owner: None,
            notes: String::new(),
            contacts: Entries::default(),
            transactions: Entries::default(),
            communications: Entries::default(),
            owner_history: Vec::new(),
        }
    }

    pub fn id(&self) -> Uuid {
        self.meta.id
    }

    /// Total of all past orders.
    pub fn lifetime_revenue(&self) -> Money {
        Money(self.transactions.iter().map(|t| t.amount.0).sum())
    }

    /// The most recent follow-up date, if any.
    pub fn last_contacted(&self) -> Option<NaiveDate> {
        self.communications.iter().map(|c| c.date).max()
    }

    /// The first contact's phone, which the list shows.
    pub fn primary_phone(&self) -> &str {
        self.contacts.iter().map(|c| c.phone.as_str()).find(|p| !p.is_empty()).unwrap_or("")
    }
}

/// 销售代表: a rep who owns customers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rep {
    pub meta: Meta,
    pub name: String,
    #[serde(default)]
    pub team: Option<Uuid>,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    /// Reps who left stay as records so history keeps their names.
    #[serde(default = "yes")]
    pub active: bool,
}

/// 销售团队.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub meta: Meta,
    pub name: String,
    #[serde(default)]
    pub manager: Option<Uuid>,
}

fn yes() -> bool {
    true
}

record!(
    Customer,
    Customer,
    fields: [
        kind, name, industry, region, city, address, size, potential_value, intent, tier, tags, lead_source, owner,
        notes,
    ],
    entries: [contacts, transactions, communications, owner_history]
);
record!(Rep, Rep, fields: [name, team, email, phone, active], entries: []);
record!(Team, Team, fields: [name, manager], entries: []);

macro_rules! entry {
    ($($t:ty),+) => {
        $(impl Entry for $t {
            fn entry_id(&self) -> EntryId {
                self.id
            }
        })+
    };
}
entry!(Contact, Transaction, Communication, OwnerChange);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_at_every_separator_users_type() {
        assert_eq!(split_tags(" 老客户，广交会; VIP、展会|a,,  "), ["老客户", "广交会", "VIP", "展会", "a"]);
        assert!(split_tags(" ， ").is_empty());
    }

    #[test]
    fn enum_codes_round_trip_and_reject_unknown() {
        for tier in Tier::ALL {
            assert_eq!(tier.code().parse::<Tier>(), Ok(*tier));
        }
        assert_eq!("urgent".parse::<Intent>(), Err(UnknownCode("urgent".into())));
    }

    #[test]
    fn customer_json_reads_back_and_fills_missing_fields_with_defaults() {
        let mut c = Customer::blank(CustomerKind::Organisation);
        c.name = "杭州恒达电器有限公司".into();
        let json = serde_json::to_string(&c).unwrap();
        let back: Customer = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
        let sparse = r#"{"meta":{"id":"00000000-0000-0000-0000-000000000000","created_at":0,"updated_at":0,"updated_by":""},
            "kind":"individual","name":"王芳","intent":"low","tier":"key"}"#;
        let read: Customer = serde_json::from_str(sparse).unwrap();
        assert_eq!(read.meta.rev, Stamp::ZERO, "records from before revisions carry none");
        assert_eq!((read.kind, read.intent, read.contacts.len()), (CustomerKind::Individual, Intent::Low, 0));
    }
}
