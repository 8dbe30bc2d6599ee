//! Records as CouchDB documents: the document id of a record (its kind, then its UUID), and the
//! revisions a replica gives its own changes.
//!
//! A revision id is a hash of the parent revision, the deletion marker and the body, so two
//! devices that make the same change on the same revision (merging the same conflict by the same
//! rule, say) make the same revision, and replication sees one change instead of a new conflict.

use std::fmt::Write;

use sha2::{Digest, Sha256};
use uuid::Uuid;

use serde_json::{Map, Value};

use super::revtree::Rev;
use crate::domain::{AnyRecord, RecordKind};

/// A record's document id: `customer:6f1c...`.
pub fn doc_id(kind: RecordKind, id: Uuid) -> String {
    format!("{}:{}", kind.code(), id)
}

/// The kind and UUID of a document id; None for a document that is not one of our records
/// (design documents, `_local`, another application's).
pub fn record_of(doc_id: &str) -> Option<(RecordKind, Uuid)> {
    let (kind, id) = doc_id.split_once(':')?;
    Some((RecordKind::from_code(kind)?, Uuid::parse_str(id).ok()?))
}

/// The revision that follows `parent` (None: a document's first) with `body`: the next
/// generation, and 32 hex digits of a SHA-256 over the parent, the deletion marker and the body.
pub fn next_rev(parent: Option<&Rev>, deleted: bool, body: &[u8]) -> Rev {
    let mut hash = Sha256::new();
    hash.update(parent.map(Rev::to_string).unwrap_or_default().as_bytes());
    hash.update([0, u8::from(deleted)]);
    hash.update(body);
    let digest = hash.finalize();
    let mut id = String::with_capacity(32);
    for byte in &digest[..16] {
        let _ = write!(id, "{byte:02x}");
    }
    Rev::new(parent.map_or(1, |p| p.pos + 1), id)
}

/// A record as a document's fields: its kind (`type`, which a validation function can read) and
/// the record itself.
pub fn body_of(record: &AnyRecord) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("type".into(), Value::from(record.kind().code()));
    body.insert("record".into(), serde_json::to_value(record).unwrap_or(Value::Null));
    body
}

/// A record's document fields as bytes, for its revision's hash (`next_rev`): `body_of`'s JSON,
/// its keys sorted. Every version of the app must write the same bytes for the same record, or
/// two versions settling one conflict would make two revisions, a new conflict, for ever.
pub fn body_bytes(record: &AnyRecord) -> Vec<u8> {
    serde_json::to_vec(&body_of(record)).unwrap_or_default()
}

/// The record a document's fields hold; None for fields that are not one of ours.
pub fn record_of_body(body: &Map<String, Value>) -> Option<AnyRecord> {
    use serde::Deserialize;
    let record = AnyRecord::deserialize(body.get("record")?).ok()?;
    (body.get("type")?.as_str()? == record.kind().code()).then_some(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_records_document_id_names_its_kind_and_reads_back() {
        let id = Uuid::from_u128(0x6f1c_0000_0000_4000_8000_0000_0000_0001);
        for kind in RecordKind::ALL {
            let doc = doc_id(kind, id);
            assert!(doc.starts_with(kind.code()) && doc.ends_with(&id.to_string()), "{doc}");
            assert_eq!(record_of(&doc), Some((kind, id)));
        }
        for other in
            ["_design/app", "_local/x", "customer:not-a-uuid", "widget:6f1c0000-0000-4000-8000-000000000001", ""]
        {
            assert_eq!(record_of(other), None, "{other}");
        }
    }

    #[test]
    fn a_revisions_bytes_are_the_documents_json_with_sorted_keys() {
        // Written again through a JSON value (whose keys are sorted), the bytes stay the same:
        // the layout every version of the app hashes.
        use crate::domain::{demo, Archive, Timestamp, UtcOffset};
        let records = demo::generate_with_deals(9, 20, 20, 3, Timestamp(1_790_000_000_000), UtcOffset::CHINA, "demo");
        for record in Archive::from_records(records).to_records().into_any() {
            let bytes = body_bytes(&record);
            let value: Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(serde_json::to_vec(&value).unwrap(), bytes, "{record:?}");
            assert!(bytes.starts_with(b"{\"record\":{"));
        }
    }

    #[test]
    fn a_documents_numbers_survive_javascript() {
        // A server or client in JavaScript keeps 53 bits of a number: entry ids, devices and
        // clock readings (64 bits) travel as strings, and read back the same.
        use crate::domain::{demo, Archive, Timestamp, UtcOffset};
        fn numbers(value: &Value, out: &mut Vec<f64>) {
            match value {
                Value::Number(n) => out.push(n.as_f64().unwrap_or(f64::MAX)),
                Value::Array(items) => items.iter().for_each(|v| numbers(v, out)),
                Value::Object(fields) => fields.values().for_each(|v| numbers(v, out)),
                _ => {}
            }
        }
        let records = demo::generate_with_deals(5, 40, 40, 4, Timestamp(1_790_000_000_000), UtcOffset::CHINA, "demo");
        let mut seen = 0;
        for record in Archive::from_records(records).to_records().into_any() {
            let body = body_of(&record);
            let mut found = Vec::new();
            numbers(&Value::Object(body.clone()), &mut found);
            seen += found.len();
            assert!(found.iter().all(|n| n.abs() <= 9_007_199_254_740_992.0), "{record:?}");
            assert_eq!(record_of_body(&body), Some(record));
        }
        assert!(seen > 0);
        // Written before, with numbers: still read.
        let old: crate::domain::EntryId = serde_json::from_str("7498364927347357691").unwrap();
        assert_eq!(old.0, 7_498_364_927_347_357_691);
    }

    #[test]
    fn a_revision_follows_its_parent_and_depends_on_all_it_hashes() {
        let first = next_rev(None, false, b"{\"name\":\"A\"}");
        assert_eq!(first.pos, 1);
        assert_eq!(first.id.len(), 32);
        assert!(first.id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        let second = next_rev(Some(&first), false, b"{\"name\":\"B\"}");
        assert_eq!(second.pos, 2);
        // The same change on the same parent is the same revision, on any device.
        assert_eq!(next_rev(Some(&first), false, b"{\"name\":\"B\"}"), second);
        // Each input counts.
        assert_ne!(next_rev(Some(&first), true, b"{\"name\":\"B\"}"), second);
        assert_ne!(next_rev(Some(&first), false, b"{\"name\":\"C\"}"), second);
        assert_ne!(next_rev(Some(&second), false, b"{\"name\":\"B\"}").id, second.id);
    }
}
