//! Values that lost to a later change of the same field. When two people change one field of a
//! record and neither saw the other's change, the change saved later wins; the other value is
//! kept here, with who typed it and when, and shown on the record's page, so nothing typed is
//! lost and the person whose value lost is told.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::record::record;
use super::records::{Meta, Timestamp};
use super::revision::Stamp;
use super::RecordKind;

/// 被覆盖的修改: one field value that a later change replaced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Superseded {
    pub meta: Meta,
    /// The record whose field it was.
    pub kind: RecordKind,
    pub record: Uuid,
    /// The field's name, as the record type declares it (`name`, `stage`...).
    pub field: String,
    /// The value that lost, as a person reads it.
    pub value: String,
    pub by: String,
    pub at: Timestamp,
    /// The value that won, and who saved it.
    pub won_value: String,
    pub won_by: String,
    /// The stamp of the change that lost (the tab or device that made it recognises its own).
    pub lost: Stamp,
}

record!(Superseded, Superseded, fields: [], entries: []);

/// The superseded values of one record, newest first.
pub fn of_record(all: &[Superseded], record: Uuid) -> Vec<&Superseded> {
    let mut found: Vec<&Superseded> = all.iter().filter(|s| s.record == record && !s.meta.is_deleted()).collect();
    super::sorting::sort_by(&mut found, |a, b| b.meta.created_at.cmp(&a.meta.created_at));
    found
}
