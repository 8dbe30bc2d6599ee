//! The record kinds the book keeps, declared once. Each line of [`record_kinds!`] names a kind,
//! its record type, the archive's table of it and its code in keys and files; from it come the
//! kind enum, the archive's tables, the lists of a backup or restore, the change set, the
//! generic access by type and the undo's copies. A new kind is one line here plus its record
//! type and its [`record!`](super::record::record) declaration.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::archive::Table;
use super::evaluation::{AllotmentRule, AllotmentUsage, Evaluation, QuotaSettings};
use super::forecast::{DealCategory, ForecastPlan};
use super::incentive::{IncentiveRule, PayoutStatement};
use super::pipeline::{Deal, Pipeline};
use super::quota::{RepProfile, Target};
use super::record::Record;
use super::records::{Customer, Meta, Rep, Team};
use super::revision::{mix, EntryId};
use super::snapshot::ForecastSnapshot;
use super::superseded::Superseded;

/// A record type as the archive stores it: found by type in the archive and in record lists.
pub trait Stored: Record {
    fn table(archive: &super::Archive) -> &Table<Self>;
    fn table_mut(archive: &mut super::Archive) -> &mut Table<Self>;
    fn list(records: &Records) -> &Vec<Self>;
    fn list_mut(records: &mut Records) -> &mut Vec<Self>;
    fn wrap(self) -> AnyRecord;
    fn unwrap(record: AnyRecord) -> Option<Self>;
}

/// Code that works on a table of any kind, called with the right type for a kind.
pub trait TableVisitor {
    fn visit<R: Stored>(&mut self, table: &Table<R>);
}

/// Code that works on a list of records of any kind, called with the right type for a kind.
pub trait ListVisitor {
    fn visit<R: Stored>(&mut self, list: &mut Vec<R>);
}

/// Code that works on one record of any kind, called with its type.
pub trait AnyVisitor {
    fn visit<R: Stored>(&mut self, record: R);
}

pub trait TableVisitorMut {
    fn visit<R: Stored>(&mut self, table: &mut Table<R>);
}

macro_rules! record_kinds {
    ($($(#[$doc:meta])* $kind:ident($type:ty) $table:ident $code:literal;)+) => {
        /// The kinds of record the archive stores. Stored by position (and by code in keys):
        /// append new kinds, never reorder.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum RecordKind { $($(#[$doc])* $kind),+ }

        impl RecordKind {
            pub const ALL: [RecordKind; [$($code),+].len()] = [$(RecordKind::$kind),+];

            /// Position in [`RecordKind::ALL`].
            pub fn index(self) -> usize {
                self as usize
            }

            /// The kind's name in store keys, files and document ids.
            pub fn code(self) -> &'static str {
                match self { $(RecordKind::$kind => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|k| k.code() == code)
            }

            /// The name of the kind's list (`customers`) in the archive and in backups.
            pub fn plural(self) -> &'static str {
                match self { $(RecordKind::$kind => stringify!($table)),+ }
            }
        }

        /// Everything the archive holds: a table per kind.
        #[derive(Clone, Debug, Default)]
        pub struct Archive {
            $(pub $table: Table<$type>,)+
            /// Bumped on every change (and every revert), so derived indexes know when to refresh.
            pub(crate) version: u64,
        }

        impl Archive {
            pub fn from_records(records: Records) -> Self {
                Archive { $($table: Table::from_rows(records.$table),)+ version: 0 }
            }

            /// Every record of every kind, as lists (a backup).
            pub fn to_records(&self) -> Records {
                Records { $($table: self.$table.rows().to_vec(),)+ }
            }

            /// Every record of every kind, moved out.
            pub fn into_records(self) -> Records {
                Records { $($table: self.$table.into_rows(),)+ }
            }

            /// Calls `visitor` with the table of `kind`.
            pub fn visit(&self, kind: RecordKind, visitor: &mut impl TableVisitor) {
                match kind { $(RecordKind::$kind => visitor.visit(&self.$table),)+ }
            }

            pub fn visit_mut(&mut self, kind: RecordKind, visitor: &mut impl TableVisitorMut) {
                match kind { $(RecordKind::$kind => visitor.visit(&mut self.$table),)+ }
            }

            /// How many records of `kind` (deleted ones included).
            pub fn count(&self, kind: RecordKind) -> usize {
                match kind { $(RecordKind::$kind => self.$table.len(),)+ }
            }

            /// The id of the record at `row` of the table of `kind`.
            pub fn id_at(&self, kind: RecordKind, row: usize) -> Option<Uuid> {
                match kind { $(RecordKind::$kind => self.$table.rows().get(row).map(|r| r.meta.id),)+ }
            }

            pub fn row_of(&self, kind: RecordKind, id: Uuid) -> Option<usize> {
                match kind { $(RecordKind::$kind => self.$table.row_of(id),)+ }
            }

            /// A copy of one record, whatever its kind.
            pub fn get_any(&self, kind: RecordKind, id: Uuid) -> Option<AnyRecord> {
                match kind { $(RecordKind::$kind => self.$table.get(id).cloned().map(AnyRecord::$kind),)+ }
            }
        }

        /// Every record of every kind (a restore, demo data, a backup's contents).
        #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
        pub struct Records {
            $(#[serde(default)] pub $table: Vec<$type>,)+
        }

        impl Records {
            /// How many records of each kind, in [`RecordKind::ALL`] order.
            pub fn counts(&self) -> PerKind<usize> {
                [$(self.$table.len()),+]
            }

            pub fn is_empty(&self) -> bool {
                self.counts().iter().all(|n| *n == 0)
            }

            /// Every record as one list, kind by kind.
            pub fn into_any(self) -> Vec<AnyRecord> {
                let mut all = Vec::new();
                $(all.extend(self.$table.into_iter().map(AnyRecord::$kind));)+
                all
            }

            /// Calls `visitor` with the list of `kind`.
            pub fn visit_mut(&mut self, kind: RecordKind, visitor: &mut impl ListVisitor) {
                match kind { $(RecordKind::$kind => visitor.visit(&mut self.$table),)+ }
            }

            pub fn push(&mut self, record: AnyRecord) {
                match record { $(AnyRecord::$kind(r) => self.$table.push(r),)+ }
            }
        }

        /// One record of any kind (what the undo keeps, what a change file carries).
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[allow(clippy::large_enum_variant)]
        pub enum AnyRecord { $($kind($type)),+ }

        impl AnyRecord {
            pub fn kind(&self) -> RecordKind {
                match self { $(AnyRecord::$kind(_) => RecordKind::$kind),+ }
            }

            pub fn meta(&self) -> &Meta {
                match self { $(AnyRecord::$kind(r) => &r.meta),+ }
            }

            pub fn id(&self) -> Uuid {
                self.meta().id
            }

            /// Calls `visitor` with the record as its own type.
            pub fn visit(self, visitor: &mut impl AnyVisitor) {
                match self { $(AnyRecord::$kind(r) => visitor.visit(r)),+ }
            }

            /// Gives a record that has no revision yet (demo data, an old backup) `stamp`.
            pub fn meta_mut_unstamped(&mut self, stamp: super::Stamp) {
                let meta = match self { $(AnyRecord::$kind(r) => &mut r.meta),+ };
                if meta.rev == super::Stamp::ZERO {
                    meta.rev = stamp;
                    meta.created = stamp;
                }
            }
        }

        $(impl Stored for $type {
            fn table(archive: &Archive) -> &Table<Self> {
                &archive.$table
            }
            fn table_mut(archive: &mut Archive) -> &mut Table<Self> {
                &mut archive.$table
            }
            fn list(records: &Records) -> &Vec<Self> {
                &records.$table
            }
            fn list_mut(records: &mut Records) -> &mut Vec<Self> {
                &mut records.$table
            }
            fn wrap(self) -> AnyRecord {
                AnyRecord::$kind(self)
            }
            fn unwrap(record: AnyRecord) -> Option<Self> {
                match record {
                    AnyRecord::$kind(r) => Some(r),
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }
        })+
    };
}

record_kinds! {
    /// 客户档案.
    Customer(Customer) customers "customer";
    /// 销售代表.
    Rep(Rep) reps "rep";
    /// 销售团队.
    Team(Team) teams "team";
    /// 销售机会.
    Deal(Deal) deals "deal";
    /// The stages and time rules (one record).
    Pipeline(Pipeline) pipelines "pipeline";
    /// A value that lost to a later change of the same field, kept so nothing typed is lost.
    Superseded(Superseded) superseded "superseded";
    /// The forecast's settings (one record).
    ForecastPlan(ForecastPlan) forecast_plans "forecast_plan";
    /// The forecast of a period as it stood on a day.
    ForecastSnapshot(ForecastSnapshot) forecast_snapshots "forecast_snapshot";
    /// A forecast category set by hand on a deal (the deal's id).
    DealCategory(DealCategory) deal_categories "deal_category";
    /// 销售目标: one month's target of the company, a team or a rep.
    Target(Target) targets "target";
    /// A rep's capacity, experience, start and leaving days (the rep's id).
    RepProfile(RepProfile) rep_profiles "rep_profile";
    /// The quota area's settings: calendar, evaluation weights (one record).
    QuotaSettings(QuotaSettings) quota_settings "quota_settings";
    /// 激励规则.
    IncentiveRule(IncentiveRule) incentive_rules "incentive_rule";
    /// 提成单: a rep's closed (paid) payout statement of a period.
    PayoutStatement(PayoutStatement) payout_statements "payout";
    /// 绩效考核: a rep's evaluation of a period.
    Evaluation(Evaluation) evaluations "evaluation";
    /// 客户配额: what a customer of a tier may use per period.
    AllotmentRule(AllotmentRule) allotment_rules "allotment_rule";
    /// A customer's recorded use of its allotments (the customer's id).
    AllotmentUsage(AllotmentUsage) allotment_usages "allotment_usage";
}

/// One value per record kind, in [`RecordKind::ALL`] order (an array: tiny, and it keeps the
/// wasm small where a map would not).
pub type PerKind<T> = [T; RecordKind::ALL.len()];

/// Which records a command touched, by kind, so the store writes only those and views that
/// read other kinds do not re-run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// Everything was replaced (a restore, demo data).
    pub replaced_all: bool,
    ids: PerKind<Vec<Uuid>>,
}

impl ChangeSet {
    pub fn ids(&self, kind: RecordKind) -> &[Uuid] {
        &self.ids[kind.index()]
    }

    pub fn push(&mut self, kind: RecordKind, id: Uuid) {
        self.ids[kind.index()].push(id);
    }

    /// Whether records of `kind` changed (every kind, after a replacement).
    pub fn touches(&self, kind: RecordKind) -> bool {
        self.replaced_all || !self.ids[kind.index()].is_empty()
    }

    /// The kinds that changed.
    pub fn kinds(&self) -> impl Iterator<Item = RecordKind> + '_ {
        RecordKind::ALL.into_iter().filter(|k| self.touches(*k))
    }

    pub fn is_empty(&self) -> bool {
        !self.replaced_all && self.ids.iter().all(Vec::is_empty)
    }

    /// How many records changed, all kinds together.
    pub fn len(&self) -> usize {
        self.ids.iter().map(Vec::len).sum()
    }

    /// Adds another command's changes (several commands saved or merged as one); each id once.
    pub fn extend(&mut self, other: &ChangeSet) {
        self.replaced_all |= other.replaced_all;
        for (mine, theirs) in self.ids.iter_mut().zip(&other.ids) {
            mine.extend_from_slice(theirs);
        }
        self.dedup();
    }

    /// Drops repeated ids (a command that touched a record twice).
    pub fn dedup(&mut self) {
        for ids in &mut self.ids {
            let mut seen = std::collections::HashSet::with_capacity(ids.len());
            ids.retain(|id| seen.insert(*id));
        }
    }
}

impl AnyRecord {
    /// Gives every entry without an id (read from an old segment or an old backup, or made by
    /// the demo) one derived from its record, its list and its place: the same everywhere, and
    /// in the list's order.
    pub fn number_entries(&mut self) {
        fn number<T>(
            list: &mut [T],
            record: Uuid,
            tag: u64,
            start_ms: i64,
            get: impl Fn(&mut T) -> (&mut EntryId, i64),
        ) {
            let (hi, lo) = record.as_u64_pair();
            let mut last = i64::MIN;
            for (i, entry) in list.iter_mut().enumerate() {
                let (id, at) = get(entry);
                // Ordered like the list, even where the times it holds are not.
                let ms = at.max(start_ms + i as i64).max(last.saturating_add(1));
                last = ms;
                if *id == EntryId::default() {
                    *id = EntryId::at(ms, mix(hi ^ mix(lo ^ tag) ^ i as u64));
                }
            }
        }
        match self {
            AnyRecord::Customer(c) => {
                let (id, born) = (c.meta.id, c.meta.created_at.0);
                number(&mut c.contacts, id, 1, born, |e| (&mut e.id, 0));
                number(&mut c.transactions, id, 2, born, |e| (&mut e.id, 0));
                number(&mut c.communications, id, 3, born, |e| (&mut e.id, 0));
                number(&mut c.owner_history, id, 4, born, |e| (&mut e.id, e.at.0));
            }
            AnyRecord::Deal(d) => {
                let (id, born) = (d.meta.id, d.meta.created_at.0);
                number(&mut d.activities, id, 5, born, |e| (&mut e.id, 0));
                number(&mut d.history, id, 6, born, |e| (&mut e.id, e.at.0));
            }
            _ => {}
        }
    }
}

impl Records {
    /// Every record's entries numbered (see [`AnyRecord::number_entries`]).
    pub fn numbered(self) -> Records {
        let mut out = Records::default();
        for mut record in self.into_any() {
            record.number_entries();
            out.push(record);
        }
        out
    }
}
