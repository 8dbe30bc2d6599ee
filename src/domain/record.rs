//! What every stored record is: metadata with its revision, fields that merge one by one (the
//! later change wins), and lists of entries (contacts, follow-ups, activities, history) that
//! merge as unions by entry id. A record type declares its fields once with [`record!`]; the
//! merge, the stamping of changes and the undo read that declaration, not hand-written code.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::Serialize;
use uuid::Uuid;

pub use super::entries::Entries;
use super::records::{Meta, Timestamp};
use super::revision::{EntryId, Stamp};
use super::RecordKind;

/// A set of field numbers (1..=63 as declared; 0 is the deletion mark).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FieldSet(pub u64);

impl FieldSet {
    pub const EMPTY: FieldSet = FieldSet(0);

    pub fn insert(&mut self, field: u8) {
        self.0 |= 1 << field;
    }

    pub fn contains(self, field: u8) -> bool {
        self.0 & (1 << field) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = u8> {
        (0..64u8).filter(move |f| self.contains(*f))
    }
}

/// The number of the deletion mark (`meta.deleted_at`), which merges like a field.
pub const DELETED: u8 = 0;

/// A stored record: its metadata and its declared fields and entry lists.
pub trait Record: Clone + PartialEq + fmt::Debug + Serialize + DeserializeOwned + 'static {
    const KIND: RecordKind;
    /// The fields that merge one by one, in stored order: field number n is `FIELDS[n - 1]`.
    /// New fields are appended, never reordered (the numbers are stored with each change).
    const FIELDS: &'static [&'static str];
    fn meta(&self) -> &Meta;
    fn meta_mut(&mut self) -> &mut Meta;
    /// The declared fields whose values differ from `other`'s (the deletion mark not included).
    fn differing_fields(&self, other: &Self) -> FieldSet;
    /// Copies field `field` from `from`.
    fn take_field(&mut self, from: &Self, field: u8);
    /// A field's value as a person reads it (kept when a value is superseded).
    fn field_text(&self, field: u8) -> String;
    /// Merges every entry list with `other`'s.
    fn join_entries(&mut self, other: &Self);
    /// Takes back, entry list by entry list, what changed from `before` to `after`, where this
    /// version still has what `after` had (see [`undo_onto`]).
    fn undo_entries(&mut self, before: &Self, after: &Self, stamp: Stamp);

    fn id(&self) -> Uuid {
        self.meta().id
    }

    /// The field's name (`name`, `stage`...), `deleted` for the deletion mark.
    fn field_name(field: u8) -> &'static str {
        match field {
            DELETED => "deleted",
            n => Self::FIELDS.get(n as usize - 1).copied().unwrap_or("?"),
        }
    }
}

/// Declares a record type's merged fields and entry lists (see [`Record`]).
macro_rules! record {
    ($type:ty, $kind:ident, fields: [$($field:ident),* $(,)?], entries: [$($list:ident),* $(,)?]) => {
        impl $crate::domain::record::Record for $type {
            const KIND: $crate::domain::RecordKind = $crate::domain::RecordKind::$kind;
            const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];

            fn meta(&self) -> &$crate::domain::Meta {
                &self.meta
            }

            fn meta_mut(&mut self) -> &mut $crate::domain::Meta {
                &mut self.meta
            }

            #[allow(unused_assignments, unused_mut, unused_variables)]
            fn differing_fields(&self, other: &Self) -> $crate::domain::record::FieldSet {
                let mut set = $crate::domain::record::FieldSet::EMPTY;
                let mut n = 0u8;
                $(
                    n += 1;
                    if self.$field != other.$field {
                        set.insert(n);
                    }
                )*
                set
            }

            #[allow(unused_assignments, unused_mut, unused_variables)]
            fn take_field(&mut self, from: &Self, field: u8) {
                if field == $crate::domain::record::DELETED {
                    self.meta.deleted_at = from.meta.deleted_at;
                    return;
                }
                let mut n = 0u8;
                $(
                    n += 1;
                    if n == field {
                        self.$field = from.$field.clone();
                        return;
                    }
                )*
            }

            #[allow(unused_assignments, unused_mut, unused_variables)]
            fn field_text(&self, field: u8) -> String {
                if field == $crate::domain::record::DELETED {
                    return $crate::domain::record::FieldText::text(&self.meta.deleted_at.is_some());
                }
                let mut n = 0u8;
                $(
                    n += 1;
                    if n == field {
                        return $crate::domain::record::FieldText::text(&self.$field);
                    }
                )*
                String::new()
            }

            #[allow(unused_variables)]
            fn join_entries(&mut self, other: &Self) {
                $( $crate::domain::record::EntryList::join(&mut self.$list, &other.$list); )*
            }

            #[allow(unused_variables)]
            fn undo_entries(&mut self, before: &Self, after: &Self, stamp: $crate::domain::Stamp) {
                $( $crate::domain::record::EntryList::undo(&mut self.$list, &before.$list, &after.$list, stamp); )*
            }
        }
    };
}
pub(crate) use record;

/// The stamp of a field's last change in this version of a record.
pub fn field_stamp(meta: &Meta, field: u8) -> Stamp {
    meta.stamps.iter().find(|(f, _)| *f == field).map_or(meta.created, |(_, s)| *s)
}

fn set_field_stamp(meta: &mut Meta, field: u8, stamp: Stamp) {
    match meta.stamps.binary_search_by_key(&field, |(f, _)| *f) {
        Ok(at) => meta.stamps[at].1 = stamp,
        Err(at) => meta.stamps.insert(at, (field, stamp)),
    }
}

/// The fields whose values differ between two versions, the deletion mark included.
pub fn changed_fields<R: Record>(a: &R, b: &R) -> FieldSet {
    let mut set = a.differing_fields(b);
    if a.meta().deleted_at.is_some() != b.meta().deleted_at.is_some() {
        set.insert(DELETED);
    }
    set
}

/// Stamps a change: `after` is the new version of `before` (None: a new record). Every field
/// whose value changed carries `stamp` from now on; the record's revision becomes `stamp`, and
/// who and when are recorded. Called by the archive for every record a command touched, so
/// commands never deal with revisions themselves.
pub fn stamp_change<R: Record>(before: Option<&R>, after: &mut R, stamp: Stamp, by: &str, now: Timestamp) {
    let changed = before.map(|b| changed_fields(b, after));
    let meta = after.meta_mut();
    match (before, changed) {
        (Some(before), Some(changed)) => {
            let kept = before.meta();
            meta.created_at = kept.created_at;
            meta.created = kept.created;
            meta.stamps = kept.stamps.clone();
            for field in changed.iter() {
                set_field_stamp(meta, field, stamp);
            }
            meta.rev = stamp.max(kept.rev);
            // Clocks can step back; never let a record's history run backwards.
            meta.updated_at = now.max(kept.updated_at);
        }
        _ => {
            meta.created = stamp;
            meta.rev = stamp;
            meta.stamps.clear();
            meta.created_at = now;
            meta.updated_at = now;
        }
    }
    meta.updated_by = by.to_owned();
}

/// The merge of two versions of one record, as two devices (or a device and a server) hold
/// them: per field, the value with the later stamp; entry lists as unions (an entry's later
/// edit or removal winning); the later revision's who and when. Commutative, associative and
/// idempotent, so any replicas that saw the same changes hold the same record.
pub fn join<R: Record>(a: &R, b: &R) -> R {
    // Two creations of one id (a fixed id written on two devices): the later creation's values
    // stand for every field neither side changed since.
    let (base, other) =
        if (b.meta().created, b.meta().rev) > (a.meta().created, a.meta().rev) { (b, a) } else { (a, b) };
    let mut out = base.clone();
    let created = base.meta().created;
    for field in std::iter::once(DELETED).chain(1..=R::FIELDS.len() as u8) {
        let theirs = field_stamp(other.meta(), field);
        if theirs > field_stamp(out.meta(), field) {
            out.take_field(other, field);
            set_field_stamp(out.meta_mut(), field, theirs);
        }
    }
    out.meta_mut().stamps.retain(|(_, s)| *s > created);
    out.join_entries(other);
    if other.meta().rev > out.meta().rev {
        let m = other.meta();
        let (rev, at, by) = (m.rev, m.updated_at, m.updated_by.clone());
        let meta = out.meta_mut();
        (meta.rev, meta.updated_at, meta.updated_by) = (rev, at, by);
    }
    out
}

/// Takes back a change from `before` to `after` on `current` (the record as it is now, perhaps
/// changed by others since): each field the change set goes back to its old value unless it was
/// changed again since; entries it added are removed, entries it removed come back. Returns the
/// fields left alone because they changed again.
pub fn undo_onto<R: Record>(current: &mut R, before: &R, after: &R, stamp: Stamp) -> FieldSet {
    let mut skipped = FieldSet::EMPTY;
    for field in changed_fields(before, after).iter() {
        if field_stamp(current.meta(), field) == field_stamp(after.meta(), field) {
            current.take_field(before, field);
        } else {
            skipped.insert(field);
        }
    }
    current.undo_entries(before, after, stamp);
    skipped
}

/// How a field's value reads in a record's history of superseded values.
pub trait FieldText {
    fn text(&self) -> String;
}

macro_rules! display_text {
    ($($t:ty),*) => {
        $(impl FieldText for $t {
            fn text(&self) -> String {
                self.to_string()
            }
        })*
    };
}
display_text!(String, bool, u8, u16, u32, i64, u64, Uuid, chrono::NaiveDate, super::Money);

impl<T: FieldText> FieldText for Option<T> {
    fn text(&self) -> String {
        self.as_ref().map(FieldText::text).unwrap_or_default()
    }
}

impl<T: FieldText> FieldText for Vec<T> {
    fn text(&self) -> String {
        self.iter().map(FieldText::text).collect::<Vec<_>>().join(", ")
    }
}

/// An entry in a record's list: known by an id of its own, so lists merge as unions.
/// (Lists keep their entries stored until first read, see [`Entries`].)
pub trait Entry: Clone + PartialEq + fmt::Debug + DeserializeOwned {
    fn entry_id(&self) -> EntryId;
}

/// A list of entries inside a record, merged by id.
pub trait EntryList {
    fn join(&mut self, other: &Self);
    fn undo(&mut self, before: &Self, after: &Self, stamp: Stamp);
}

/// An append-only list (a deal's history, a customer's owner changes): entries are only ever
/// added, so the merge is the union, in id (creation) order.
impl<T: Entry> EntryList for Vec<T> {
    fn join(&mut self, other: &Self) {
        if other.iter().all(|e| self.iter().any(|m| m.entry_id() == e.entry_id())) {
            return;
        }
        for entry in other {
            if let Err(at) = self.binary_search_by_key(&entry.entry_id(), Entry::entry_id) {
                self.insert(at, entry.clone());
            }
        }
    }

    /// History is not taken back: an undo is itself a change, recorded as such.
    fn undo(&mut self, _before: &Self, _after: &Self, _stamp: Stamp) {}
}
