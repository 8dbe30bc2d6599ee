//! When to remind the user to back up: the data lives only in this browser, so a store with
//! customers and no backup in the last week asks for one.

use super::records::{Timestamp, Today};

/// A week, in milliseconds.
const REMIND_AFTER_MS: i64 = 7 * 86_400_000;

/// Why a backup is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackupDue {
    /// There are customers and never was a backup.
    Never,
    /// The last backup is over a week old.
    Old,
}

/// Whether to remind: only when there is something to lose.
pub fn backup_due(has_customers: bool, last: Option<Timestamp>, now: Timestamp) -> Option<BackupDue> {
    match last {
        _ if !has_customers => None,
        None => Some(BackupDue::Never),
        Some(at) if now.0 - at.0 > REMIND_AFTER_MS => Some(BackupDue::Old),
        Some(_) => None,
    }
}

/// Calendar days since the last backup, by the user's local dates (0: today, 1: yesterday, even
/// if that was an hour ago).
pub fn days_since(last: Timestamp, today: Today) -> i64 {
    (today.date - last.date(today.offset)).num_days().max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminds_only_with_customers_and_after_a_week() {
        let now = Timestamp(1_790_000_000_000);
        let days = |d: i64| Some(Timestamp(now.0 - d * 86_400_000));
        assert_eq!(backup_due(false, None, now), None);
        assert_eq!(backup_due(true, None, now), Some(BackupDue::Never));
        assert_eq!(backup_due(true, days(7), now), None);
        assert_eq!(backup_due(true, Some(Timestamp(now.0 - REMIND_AFTER_MS - 1)), now), Some(BackupDue::Old));
        let today = Today::at(now, super::super::UtcOffset::CHINA);
        assert_eq!(days_since(days(3).unwrap(), today), 3);
        assert_eq!(days_since(Timestamp(now.0 - 1_000), today), 0);
    }

    #[test]
    fn a_backup_before_midnight_was_yesterday_an_hour_later() {
        let at = |s: &str| Timestamp(chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis());
        // 23:30 and 00:30 the next day in Shanghai.
        let today = Today::at(at("2026-12-03T16:30:00Z"), super::super::UtcOffset::CHINA);
        assert_eq!(days_since(at("2026-12-03T15:30:00Z"), today), 1);
        assert_eq!(days_since(at("2026-12-03T16:10:00Z"), today), 0);
    }
}
