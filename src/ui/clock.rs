//! The one place the page reads the clock and the time zone: now, the user's offset from UTC,
//! and "today" as a local date (a user in China at 01:30 is on today's date, not yesterday's
//! UTC one). Everything else gets these passed in.

use crate::domain::{Timestamp, Today, UtcOffset};

pub fn now() -> Timestamp {
    Timestamp(js_sys::Date::now() as i64)
}

/// The browser's offset from UTC at instant `at` (minutes east).
pub fn offset_at(at: Timestamp) -> UtcOffset {
    // `getTimezoneOffset` counts minutes west of UTC.
    UtcOffset(-(js_sys::Date::new(&(at.0 as f64).into()).get_timezone_offset() as i32))
}

pub fn offset() -> UtcOffset {
    offset_at(now())
}

/// Today where the user is.
pub fn today() -> Today {
    let now = now();
    Today::at(now, offset_at(now))
}

/// `2026-03-15 14:05`, local time.
pub fn format_time(ms: i64) -> String {
    use chrono::Timelike;
    let at = Timestamp(ms);
    let shift = i64::from(offset_at(at).0) * 60_000;
    chrono::DateTime::from_timestamp_millis(ms + shift)
        .map(|t| format!("{} {:02}:{:02}", t.date_naive(), t.hour(), t.minute()))
        .unwrap_or_default()
}
