//! A full backup: one JSON file with every record of every kind and the settings, versioned,
//! with counts. Restoring checks the whole file before anything is touched. The output is a pure
//! function of the records and settings (no export time inside; the date goes in the file name),
//! so backup → wipe → restore → backup gives the same bytes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::validate::validate_customer;
use crate::domain::pipeline::{Deal, Pipeline};
use crate::domain::{Customer, Records, Rep, Team};
use crate::store::migrate::CustomerV1;
use crate::store::SCHEMA_VERSION;

pub const FORMAT: &str = "pocket-crm-backup";
/// The backup file's own layout version.
pub const BACKUP_VERSION: u32 = 1;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub customers: usize,
    pub reps: usize,
    pub teams: usize,
    /// (Backups from before deals have neither.)
    #[serde(default)]
    pub deals: usize,
    #[serde(default)]
    pub pipelines: usize,
}

/// Everything a backup holds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Contents {
    /// Setting key and value pairs (a map in the file; a list here keeps map code out of the
    /// page's wasm, which receives this from the worker).
    pub settings: Vec<(String, String)>,
    pub customers: Vec<Customer>,
    pub reps: Vec<Rep>,
    pub teams: Vec<Team>,
    pub deals: Vec<Deal>,
    pub pipelines: Vec<Pipeline>,
}

impl Contents {
    fn counts(&self) -> Counts {
        Counts { customers: self.customers.len(), reps: self.reps.len(), teams: self.teams.len(), deals: self.deals.len(), pipelines: self.pipelines.len() }
    }

    /// The records, for a restore; the settings stay behind.
    pub fn records(self) -> (Records, Vec<(String, String)>) {
        (Records { customers: self.customers, reps: self.reps, teams: self.teams, deals: self.deals, pipelines: self.pipelines }, self.settings)
    }
}

#[derive(Serialize)]
struct FileOut<'a> {
    format: &'static str,
    backup_version: u32,
    schema: u32,
    counts: Counts,
    settings: BTreeMap<&'a str, &'a str>,
    customers: &'a [Customer],
    reps: &'a [Rep],
    teams: &'a [Team],
    deals: &'a [Deal],
    pipelines: &'a [Pipeline],
}

/// Why a file cannot be restored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BackupError {
    /// Not JSON, or not our backup format.
    NotABackup,
    /// Made by a newer version of the app.
    TooNew { schema: u32 },
    /// The counts do not match the records: the file was cut short or edited.
    CountsDiffer,
    /// A record is invalid or an id is repeated.
    BadRecord { kind: String, index: usize },
}

pub fn write(contents: &Contents) -> Vec<u8> {
    let file = FileOut {
        format: FORMAT,
        backup_version: BACKUP_VERSION,
        schema: SCHEMA_VERSION,
        counts: contents.counts(),
        settings: contents.settings.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
        customers: &contents.customers,
        reps: &contents.reps,
        teams: &contents.teams,
        deals: &contents.deals,
        pipelines: &contents.pipelines,
    };
    serde_json::to_vec(&file).unwrap_or_default()
}

#[derive(Deserialize)]
struct Head {
    format: String,
    schema: u32,
    counts: Counts,
}

#[derive(Deserialize)]
struct Body<C> {
    #[serde(default)]
    settings: BTreeMap<String, String>,
    customers: Vec<C>,
    #[serde(default)]
    reps: Vec<Rep>,
    #[serde(default)]
    teams: Vec<Team>,
    #[serde(default)]
    deals: Vec<Deal>,
    #[serde(default)]
    pipelines: Vec<Pipeline>,
}

/// Reads and checks a whole backup. Schema-1 backups (flat customers) are migrated.
pub fn read(bytes: &[u8]) -> Result<Contents, BackupError> {
    let head: Head = serde_json::from_slice(bytes).map_err(|_| BackupError::NotABackup)?;
    if head.format != FORMAT {
        return Err(BackupError::NotABackup);
    }
    if head.schema > SCHEMA_VERSION || head.schema == 0 {
        return Err(BackupError::TooNew { schema: head.schema });
    }
    let contents = if head.schema == 1 {
        let body: Body<CustomerV1> = serde_json::from_slice(bytes).map_err(|_| BackupError::NotABackup)?;
        Contents {
            settings: body.settings.into_iter().collect(),
            customers: body.customers.into_iter().map(CustomerV1::into_customer).collect(),
            reps: body.reps,
            teams: body.teams,
            deals: body.deals,
            pipelines: body.pipelines,
        }
    } else {
        let body: Body<Customer> = serde_json::from_slice(bytes).map_err(|_| BackupError::NotABackup)?;
        Contents { settings: body.settings.into_iter().collect(), customers: body.customers, reps: body.reps, teams: body.teams, deals: body.deals, pipelines: body.pipelines }
    };
    if contents.counts() != head.counts {
        return Err(BackupError::CountsDiffer);
    }
    let mut seen = std::collections::HashSet::new();
    for (index, c) in contents.customers.iter().enumerate() {
        if c.meta.id.is_nil() || !seen.insert(c.meta.id) || !validate_customer(c).is_empty() {
            return Err(BackupError::BadRecord { kind: "customer".into(), index });
        }
    }
    for (index, id) in contents.reps.iter().map(|r| r.meta.id).chain(contents.teams.iter().map(|t| t.meta.id)).enumerate() {
        if id.is_nil() || !seen.insert(id) {
            return Err(BackupError::BadRecord { kind: "rep/team".into(), index });
        }
    }
    let customers: std::collections::HashSet<_> = contents.customers.iter().map(|c| c.meta.id).collect();
    for (index, deal) in contents.deals.iter().enumerate() {
        if deal.meta.id.is_nil() || !seen.insert(deal.meta.id) || !customers.contains(&deal.customer) {
            return Err(BackupError::BadRecord { kind: "deal".into(), index });
        }
    }
    Ok(contents)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{demo, Timestamp};

    fn sample() -> Contents {
        let d = demo::generate(7, 300, Timestamp(1_700_000_000_000), "test");
        let settings = vec![("pocket.lang".to_owned(), "zh".to_owned()), ("pocket.user".to_owned(), "李 \"伟\"".to_owned())];
        Contents { settings, customers: d.customers, reps: d.reps, teams: d.teams, deals: d.deals, pipelines: d.pipelines }
    }

    #[test]
    fn backup_restore_backup_is_byte_identical() {
        let first = write(&sample());
        let restored = read(&first).unwrap();
        assert_eq!(restored, sample());
        assert_eq!(write(&restored), first);
    }

    #[test]
    fn damaged_files_are_refused_before_anything_happens() {
        let good = write(&sample());
        let text = String::from_utf8(good.clone()).unwrap();
        assert_eq!(read(b"not json"), Err(BackupError::NotABackup));
        assert_eq!(read(&good[..good.len() / 2]), Err(BackupError::NotABackup));
        assert_eq!(read(text.replacen(FORMAT, "other", 1).as_bytes()), Err(BackupError::NotABackup));
        let schema = format!("\"schema\":{SCHEMA_VERSION}");
        assert_eq!(read(text.replacen(&schema, "\"schema\":9", 1).as_bytes()), Err(BackupError::TooNew { schema: 9 }));
        // A schema-2 backup (customers without owner history) reads as the same records.
        let v2 = text.replacen(&schema, "\"schema\":2", 1).replace(",\"owner_history\":[]", "");
        assert!(v2.len() < text.len() - 300 * 10, "the field was there to remove");
        assert_eq!(read(v2.as_bytes()).unwrap(), read(&good).unwrap());
        assert_eq!(read(text.replacen("\"customers\":300", "\"customers\":301", 1).as_bytes()), Err(BackupError::CountsDiffer));
        let first_name = &sample().customers[0].name;
        let emptied = text.replacen(&format!("\"name\":{}", serde_json::to_string(first_name).unwrap()), "\"name\":\"\"", 1);
        assert_eq!(read(emptied.as_bytes()), Err(BackupError::BadRecord { kind: "customer".into(), index: 0 }));
    }

    #[test]
    fn a_schema_1_backup_is_migrated() {
        let old = r#"{"format":"pocket-crm-backup","backup_version":1,"schema":1,"counts":{"customers":1,"reps":0,"teams":0},
            "customers":[{"id":"6f1c2d4e-0000-4000-8000-000000000001","name":"恒达电器","phone":"13812345678","value":100,"intent":3,"created":1,"updated":2}]}"#;
        let c = read(old.as_bytes()).unwrap();
        assert_eq!(c.customers[0].name, "恒达电器");
        assert_eq!(c.customers[0].contacts[0].phone, "13812345678");
    }
}
