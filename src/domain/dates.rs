//! Dates in storage: readable `2026-03-15` in JSON, a day number in the binary store (parsing
//! date strings was a quarter of the time it took to load 100k customers).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub fn serialize<S: Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
    if serializer.is_human_readable() {
        date.serialize(serializer)
    } else {
        date.num_days_from_ce().serialize(serializer)
    }
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    if deserializer.is_human_readable() {
        NaiveDate::deserialize(deserializer)
    } else {
        let days = i32::deserialize(deserializer)?;
        NaiveDate::from_num_days_from_ce_opt(days)
            .ok_or_else(|| serde::de::Error::custom(format!("day {days} out of range")))
    }
}

/// Parses `2026-03-15` (what date inputs give), also with `/` or `.` between the parts.
/// Written out rather than through chrono's format parser, which is 8 KB of wasm.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let mut parts = text.trim().split(['-', '/', '.']);
    let mut next = || parts.next()?.trim().parse::<u32>().ok();
    let (y, m, d) = (next()?, next()?, next()?);
    if parts.next().is_some() || !(1..=9999).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

#[cfg(test)]
mod tests {
    use crate::domain::{Money, Transaction};
    use chrono::NaiveDate;

    #[test]
    fn parses_the_dates_people_type() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 15);
        assert_eq!(super::parse_date("2026-03-15"), d);
        assert_eq!(super::parse_date(" 2026/3/15 "), d);
        assert_eq!(super::parse_date("2026.03.15"), d);
        for bad in ["", "2026-02-30", "2026-13-01", "15-03", "2026-03-15-1", "abcd-ef-gh", "0-1-1"] {
            assert_eq!(super::parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn json_keeps_readable_dates_and_binary_keeps_day_numbers() {
        let t = Transaction {
            id: Default::default(),
            date: NaiveDate::from_ymd_opt(2026, 3, 15).unwrap(),
            product: "样品".into(),
            amount: Money(100),
        };
        let json = serde_json::to_string(&t).unwrap();
        assert!(json.contains("\"2026-03-15\""), "{json}");
        assert_eq!(serde_json::from_str::<Transaction>(&json).unwrap(), t);
        let bytes = postcard::to_allocvec(&t).unwrap();
        assert!(bytes.len() < 16, "{} bytes", bytes.len());
        assert_eq!(postcard::from_bytes::<Transaction>(&bytes).unwrap(), t);
    }
}
