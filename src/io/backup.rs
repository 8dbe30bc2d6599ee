//! A full backup: one JSON file with every record of every kind, the files attached to deals'
//! activities and customers' communications (base64), and the settings, versioned, with counts. Restoring checks the whole file before anything is touched. The output is a pure
//! function of the records and settings (no export time inside; the date goes in the file name),
//! so backup → wipe → restore → backup gives the same bytes.

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::validate::validate_customer;
use crate::domain::pipeline::{Deal, Pipeline};
use crate::domain::{Customer, Records, Rep, Team, Timestamp};
use crate::store::files::{self, FileInfo};
use crate::store::migrate::CustomerV1;
use crate::store::SCHEMA_VERSION;

pub const FORMAT: &str = "pocket-crm-backup";
/// The backup file's own layout version: 2 holds the attached files.
pub const BACKUP_VERSION: u32 = 2;
/// The largest backup a restore reads: the file, its copy in the worker and the decoded records
/// and files must fit in the page's and the worker's memory at once (measured: a 402 MB backup,
/// 300 MB of photos, restores in about 10 s).
pub const MAX_BACKUP_BYTES: u64 = 1 << 30;

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
    /// (Backups from before files were backed up have none.)
    #[serde(default)]
    pub files: usize,
}

/// An attached file as the store keeps it: its key and value (see `store::files`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFile {
    pub key: String,
    #[serde(with = "crate::jobs::as_bytes")]
    pub value: Vec<u8>,
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
    /// Every attached file, in key order. None when read from a backup made before files were
    /// backed up: restoring it keeps the files already stored.
    pub files: Option<Vec<StoredFile>>,
}

/// What a restore puts in place: the records, the settings, and (if the backup holds them) the
/// attached files that replace the stored ones.
pub struct Restore {
    pub records: Records,
    pub settings: Vec<(String, String)>,
    pub files: Option<Vec<StoredFile>>,
}

impl Contents {
    fn counts(&self) -> Counts {
        Counts {
            customers: self.customers.len(),
            reps: self.reps.len(),
            teams: self.teams.len(),
            deals: self.deals.len(),
            pipelines: self.pipelines.len(),
            files: self.files.as_ref().map_or(0, Vec::len),
        }
    }

    /// The attached files' number and total size in bytes.
    pub fn file_totals(&self) -> (usize, u64) {
        let files = self.files.as_deref().unwrap_or_default();
        (files.len(), files.iter().map(|f| f.value.len() as u64).sum())
    }

    /// What a restore writes.
    pub fn into_restore(self) -> Restore {
        let records = Records { customers: self.customers, reps: self.reps, teams: self.teams, deals: self.deals, pipelines: self.pipelines };
        Restore { records, settings: self.settings, files: self.files }
    }
}

/// An attached file in the backup file: where it belongs, its description, and its bytes.
#[derive(Serialize, Deserialize)]
struct FileEntry {
    /// The deal or customer.
    owner: Uuid,
    /// The activity's or communication's number in that record.
    entry: usize,
    id: Uuid,
    name: String,
    mime: String,
    added_at: Timestamp,
    by: String,
    size: u64,
    /// The bytes, base64 (standard alphabet, padded).
    data: String,
}

impl FileEntry {
    /// None for a stored value that cannot be read (it is left out of the backup).
    fn of(file: &StoredFile) -> Option<FileEntry> {
        let (owner, entry) = files::parse_key(&file.key)?;
        let (_, info, bytes) = files::decode(&file.key, &file.value).ok()?;
        let FileInfo { id, name, mime, added_at, by, size } = info;
        Some(FileEntry { owner, entry, id, name, mime, added_at, by, size, data: BASE64.encode(bytes) })
    }

    /// The stored form, if the entry is sound: its bytes decode to its size, within the limit.
    fn into_stored(self) -> Option<StoredFile> {
        let bytes = BASE64.decode(self.data.as_bytes()).ok()?;
        if self.id.is_nil() || bytes.len() as u64 != self.size || files::check(bytes.len()).is_err() {
            return None;
        }
        let info = FileInfo { id: self.id, name: self.name, mime: self.mime, added_at: self.added_at, by: self.by, size: self.size };
        Some(StoredFile { key: files::key(self.owner, self.entry, self.id), value: files::encode(&info, &bytes) })
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
    files: Vec<FileEntry>,
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

/// How many entries (communications of a customer, activities of a deal) each record has: a
/// file belongs to one of them.
fn entry_counts<'a>(customers: impl Iterator<Item = &'a Customer>, deals: impl Iterator<Item = &'a Deal>) -> std::collections::HashMap<Uuid, usize> {
    customers.map(|c| (c.meta.id, c.communications.len())).chain(deals.map(|d| (d.meta.id, d.activities.len()))).collect()
}

fn belongs(logs: &std::collections::HashMap<Uuid, usize>, owner: Uuid, entry: usize) -> bool {
    logs.get(&owner).is_some_and(|&n| entry < n)
}

/// The backup file. Stored files that cannot be read, or that belong to no entry of these
/// records (left by a restore of a backup from before files were backed up), are left out, so
/// that what is written can always be read back.
pub fn write(contents: &Contents) -> Vec<u8> {
    let logs = entry_counts(contents.customers.iter(), contents.deals.iter());
    let files: Vec<FileEntry> = contents.files.iter().flatten().filter_map(FileEntry::of).filter(|f| belongs(&logs, f.owner, f.entry)).collect();
    let file = FileOut {
        format: FORMAT,
        backup_version: BACKUP_VERSION,
        schema: SCHEMA_VERSION,
        counts: Counts { files: files.len(), ..contents.counts() },
        settings: contents.settings.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
        customers: &contents.customers,
        reps: &contents.reps,
        teams: &contents.teams,
        deals: &contents.deals,
        pipelines: &contents.pipelines,
        files,
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
    #[serde(default)]
    files: Option<Vec<FileEntry>>,
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
            files: None,
        }
    } else {
        let body: Body<Customer> = serde_json::from_slice(bytes).map_err(|_| BackupError::NotABackup)?;
        let mut files = None;
        if let Some(entries) = body.files {
            // A file belongs to an entry that exists: a customer's communication or a deal's activity.
            let logs = entry_counts(body.customers.iter(), body.deals.iter());
            let mut ids = std::collections::HashSet::new();
            let mut stored = Vec::with_capacity(entries.len());
            for (index, entry) in entries.into_iter().enumerate() {
                let bad = || BackupError::BadRecord { kind: "file".into(), index };
                if !belongs(&logs, entry.owner, entry.entry) || !ids.insert(entry.id) {
                    return Err(bad());
                }
                stored.push(entry.into_stored().ok_or_else(bad)?);
            }
            files = Some(stored);
        }
        Contents { settings: body.settings.into_iter().collect(), customers: body.customers, reps: body.reps, teams: body.teams, deals: body.deals, pipelines: body.pipelines, files }
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

    fn stored_file(owner: Uuid, entry: usize, id: u128, name: &str, bytes: &[u8]) -> StoredFile {
        let info = FileInfo { id: Uuid::from_u128(id), name: name.into(), mime: "image/png".into(), added_at: Timestamp(9), by: "王伟".into(), size: 0 };
        StoredFile { key: files::key(owner, entry, info.id), value: files::encode(&info, bytes) }
    }

    fn sample() -> Contents {
        let d = demo::generate(7, 300, Timestamp(1_700_000_000_000), "test");
        let settings = vec![("pocket.lang".to_owned(), "zh".to_owned()), ("pocket.user".to_owned(), "李 \"伟\"".to_owned())];
        // A business card on a customer's communication, a photo and a quotation on a deal's activity.
        let customer = d.customers.iter().find(|c| !c.communications.is_empty()).expect("demo customers talk");
        let deal = d.deals.iter().find(|x| x.activities.len() > 1).expect("demo deals have activities");
        let mut files = vec![
            stored_file(customer.meta.id, customer.communications.len() - 1, 1, "名片.png", &[0x89, b'P', b'N', b'G', 0, 255]),
            stored_file(deal.meta.id, 0, 2, "样品照片.png", &(0..=255).collect::<Vec<u8>>()),
            stored_file(deal.meta.id, 1, 3, "报价单.txt", "单价 ¥128\n".as_bytes()),
        ];
        files.sort_by(|a, b| a.key.cmp(&b.key));
        Contents { settings, customers: d.customers, reps: d.reps, teams: d.teams, deals: d.deals, pipelines: d.pipelines, files: Some(files) }
    }

    #[test]
    fn backup_restore_backup_is_byte_identical() {
        let first = write(&sample());
        let restored = read(&first).unwrap();
        assert_eq!(restored, sample());
        assert_eq!(write(&restored), first);
        assert_eq!(restored.file_totals(), (3, sample().files.unwrap().iter().map(|f| f.value.len() as u64).sum()));
        let text = String::from_utf8(first).unwrap();
        assert!(text.contains("\"files\":3") && text.contains("\"name\":\"名片.png\""), "counted and described");
        assert!(text.contains(&format!("\"data\":\"{}\"", BASE64.encode("单价 ¥128\n"))), "bytes in base64");
    }

    #[test]
    fn files_that_do_not_belong_or_do_not_decode_are_refused() {
        let good = String::from_utf8(write(&sample())).unwrap();
        let contents = sample();
        let deal = files::parse_key(&contents.files.as_ref().unwrap()[1].key).unwrap().0;
        let photo = format!("\"data\":\"{}\"", BASE64.encode((0..=255).collect::<Vec<u8>>()));
        let cases = [
            // Owner not in the backup.
            good.replacen(&format!("\"owner\":\"{deal}\""), &format!("\"owner\":\"{}\"", Uuid::from_u128(77)), 1),
            // An activity the deal does not have.
            good.replacen(&format!("\"owner\":\"{deal}\",\"entry\":0"), &format!("\"owner\":\"{deal}\",\"entry\":999"), 1),
            // Not base64, or not the size said.
            good.replacen(&photo, "\"data\":\"@@@\"", 1),
            good.replacen(&photo, &format!("\"data\":\"{}\"", BASE64.encode([1, 2, 3])), 1),
            // The same file twice.
            good.replacen(&format!("\"id\":\"{}\"", Uuid::from_u128(3)), &format!("\"id\":\"{}\"", Uuid::from_u128(2)), 1),
        ];
        for (i, bad) in cases.iter().enumerate() {
            assert_ne!(bad, &good, "case {i} changed the file");
            assert!(matches!(read(bad.as_bytes()), Err(BackupError::BadRecord { ref kind, .. }) if kind == "file"), "case {i}: {:?}", read(bad.as_bytes()).err());
        }
        // Counted files that are missing: cut short.
        let cut = good.replacen("\"files\":3", "\"files\":4", 1);
        assert_eq!(read(cut.as_bytes()), Err(BackupError::CountsDiffer));
    }

    #[test]
    fn a_backup_from_before_files_keeps_the_stored_ones_and_unreadable_files_are_left_out() {
        let mut contents = sample();
        contents.files = None;
        let text = String::from_utf8(write(&contents)).unwrap();
        let old = text.replacen("\"backup_version\":2", "\"backup_version\":1", 1).replacen(",\"files\":0}", "}", 1).replacen(",\"files\":[]", "", 1);
        assert!(!old.contains("files"));
        assert_eq!(read(old.as_bytes()).unwrap().files, None, "no files section: nothing to replace");

        let mut damaged = sample();
        damaged.files.as_mut().unwrap()[0].value.truncate(5);
        let back = read(&write(&damaged)).unwrap();
        assert_eq!(back.file_totals().0, 2, "the unreadable one is left out, and the counts agree");

        // Files kept from before a restore of an older backup may point past the restored
        // records' entries, or at records that are gone: left out, so the backup still reads.
        let mut stray = sample();
        let deal = stray.deals.iter().find(|x| x.activities.len() > 1).unwrap().meta.id;
        stray.files.as_mut().unwrap().push(stored_file(deal, 500, 4, "旧照片.png", b"old"));
        stray.files.as_mut().unwrap().push(stored_file(Uuid::from_u128(404), 0, 5, "别处的.png", b"gone"));
        let back = read(&write(&stray)).unwrap();
        assert_eq!(back.files, sample().files);
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
