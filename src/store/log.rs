//! The change log: one entry per saved command, numbered in the order the store took them. Other
//! tabs read the entries after the last one they saw to catch up (the entry carries the changed
//! records); the coming team sync reads which records changed, at which revision, since its last
//! exchange. Every entry keeps its records for now; the team sync will decide when an old one may
//! drop them (keeping the list of what changed).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{in_shape_of, StoreError, SCHEMA_VERSION};
use crate::domain::{AnyRecord, RecordKind, Stamp};

const MAGIC: &[u8; 4] = b"PCRL";
const HEADER: usize = 8;

/// One saved change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Its place in the store's order (1, 2, 3...).
    pub seq: u64,
    /// The change's revision (device and clock reading) and who made it.
    pub stamp: Stamp,
    pub user: String,
    /// Everything was replaced (a restore, demo data, a migration): readers load the whole store.
    pub replaced_all: bool,
    /// Every record the change touched, with its revision after it.
    pub changes: Vec<(RecordKind, Uuid, Stamp)>,
    /// The records as the change left them; None once the entry is old (or for a replacement).
    pub records: Option<Vec<AnyRecord>>,
    /// Kinds whose records the change spread over a new number of buckets (bits).
    pub layout: Vec<(RecordKind, u8)>,
}

impl LogEntry {
    pub fn encode(&self) -> Vec<u8> {
        let mut body = Vec::with_capacity(HEADER + 256);
        body.extend_from_slice(MAGIC);
        body.extend_from_slice(&SCHEMA_VERSION.to_le_bytes());
        postcard::to_extend(self, body).expect("log entries serialise: plain data")
    }

    /// Reads an entry; one written by a newer version is refused (`StoreError::Newer`).
    pub fn decode(seq: u64, body: &[u8]) -> Result<LogEntry, StoreError> {
        let corrupt = |reason: &str| StoreError::Corrupt { key: format!("log {seq}"), reason: reason.to_owned() };
        let rest = body.strip_prefix(MAGIC.as_slice()).ok_or_else(|| corrupt("not a log entry"))?;
        let schema =
            rest.get(..4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok_or_else(|| corrupt("cut short"))?;
        if schema > SCHEMA_VERSION {
            return Err(StoreError::Newer);
        }
        match in_shape_of(schema, || postcard::take_from_bytes::<LogEntry>(&body[HEADER..])) {
            Ok((entry, [])) if entry.seq == seq => Ok(entry),
            Ok(_) => Err(corrupt("does not fit its place")),
            Err(e) => Err(corrupt(&e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Customer, CustomerKind, DeviceId, Hlc};

    #[test]
    fn entries_round_trip_and_foreign_ones_are_refused() {
        let stamp = Stamp { at: Hlc::new(1_790_000_000_000, 0), device: DeviceId(5) };
        let mut customer = Customer::blank(CustomerKind::Organisation);
        customer.name = "恒达".into();
        let entry = LogEntry {
            seq: 7,
            stamp,
            user: "王伟".into(),
            replaced_all: false,
            changes: vec![(RecordKind::Customer, customer.meta.id, stamp)],
            records: Some(vec![AnyRecord::Customer(customer)]),
            layout: vec![],
        };
        let body = entry.encode();
        assert_eq!(LogEntry::decode(7, &body).unwrap(), entry);
        assert!(matches!(LogEntry::decode(8, &body), Err(StoreError::Corrupt { .. })), "not in its place");
        let mut newer = body.clone();
        newer[4] = 200;
        assert_eq!(LogEntry::decode(7, &newer), Err(StoreError::Newer));
        for bad in [&b""[..], b"PCRL", b"PCRM\x04\0\0\0", &body[..body.len() - 2]] {
            assert!(matches!(LogEntry::decode(7, bad), Err(StoreError::Corrupt { .. })), "{bad:?}");
        }
    }
}
