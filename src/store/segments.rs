//! Segment keys and bodies: how a run of records becomes one stored value and back.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{StoreError, SCHEMA_VERSION};
use crate::domain::RecordKind;

/// Records per segment: large enough that 100k customers are 100 values, small enough that
/// rewriting one after an edit stays a few milliseconds.
pub const SEGMENT_SIZE: usize = 1000;

/// `customer/000012`: zero-padded so key order is row order.
pub fn segment_key(kind: RecordKind, number: usize) -> String {
    format!("{}/{number:06}", kind.code())
}

pub fn parse_key(key: &str) -> Option<(RecordKind, usize)> {
    let (kind, number) = key.split_once('/')?;
    Some((RecordKind::from_code(kind)?, number.parse().ok()?))
}

#[derive(Serialize)]
struct SegmentOut<'a, R> {
    schema: u32,
    records: &'a [R],
}

#[derive(Deserialize)]
struct SegmentIn<R> {
    schema: u32,
    records: Vec<R>,
}

pub fn encode<R: Serialize>(records: &[R]) -> String {
    serde_json::to_string(&SegmentOut { schema: SCHEMA_VERSION, records })
        .expect("records serialise: plain data with string keys")
}

pub fn decode<R: DeserializeOwned>(key: &str, body: &str) -> Result<Vec<R>, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt { key: key.to_owned(), reason };
    let segment: SegmentIn<R> = serde_json::from_str(body).map_err(|e| corrupt(e.to_string()))?;
    if segment.schema > SCHEMA_VERSION {
        return Err(corrupt(format!("written by a newer version (schema {})", segment.schema)));
    }
    Ok(segment.records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Customer, CustomerKind};

    #[test]
    fn keys_sort_in_row_order_and_parse_back() {
        let mut keys: Vec<String> = [10, 2, 1000].iter().map(|&n| segment_key(RecordKind::Customer, n)).collect();
        keys.sort();
        assert_eq!(keys, ["customer/000002", "customer/000010", "customer/001000"]);
        assert_eq!(parse_key("rep/000003"), Some((RecordKind::Rep, 3)));
        assert_eq!(parse_key("deal/000003"), None);
        assert_eq!(parse_key("customer/x"), None);
    }

    #[test]
    fn bodies_round_trip_and_bad_ones_are_reported_not_panicked() {
        let c = Customer::blank(CustomerKind::Individual);
        let body = encode(std::slice::from_ref(&c));
        assert_eq!(decode::<Customer>("k", &body).unwrap(), vec![c]);
        for bad in ["", "{", "[]", r#"{"schema":2,"records":[{"name":1}]}"#, r#"{"schema":99,"records":[]}"#] {
            let err = decode::<Customer>("customer/000001", bad).unwrap_err();
            assert!(matches!(err, StoreError::Corrupt { ref key, .. } if key == "customer/000001"), "{bad}: {err:?}");
        }
    }
}
