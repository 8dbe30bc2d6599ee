//! A full backup: one JSON file with every record of every kind, the files attached to deals'
//! activities and customers' communications (base64), and the settings, versioned, with counts.
//! Restoring checks the whole file before anything is touched. The output is a pure function of
//! the records and settings (no export time inside; the date goes in the file name), so
//! backup → wipe → restore → backup gives the same bytes. The record lists are the archive's
//! kinds (`Records`): a new kind is in the backup without a change here.

use std::collections::{BTreeMap, HashMap, HashSet};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::validate::validate_customer;
use crate::domain::{EntryId, RecordKind, Records, Timestamp};
use crate::store::files::{self, FileInfo};
use crate::store::migrate::CustomerV1;
use crate::store::SCHEMA_VERSION;

pub const FORMAT: &str = "pocket-crm-backup";
/// The backup file's own layout version: 2 holds the attached files; 3 names a file's entry by
/// its id (2: by its number in the list).
pub const BACKUP_VERSION: u32 = 3;
/// The largest backup a restore reads: the file, its copy in the worker and the decoded records
/// and files must fit in the page's and the worker's memory at once (measured: a 402 MB backup,
/// 300 MB of photos, restores in about 10 s).
pub const MAX_BACKUP_BYTES: u64 = 1 << 30;

/// How many records of each kind (by list name: `customers`, `deals`...) and files a backup holds.
pub type Counts = BTreeMap<String, usize>;

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
    pub records: Records,
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

fn counts(records: &Records, files: Option<usize>) -> Counts {
    let mut counts: Counts =
        RecordKind::ALL.iter().map(|k| (k.plural().to_owned(), records.counts()[k.index()])).collect();
    if let Some(n) = files {
        counts.insert("files".to_owned(), n);
    }
    counts
}

impl Contents {
    /// The attached files' number and total size in bytes.
    pub fn file_totals(&self) -> (usize, u64) {
        let files = self.files.as_deref().unwrap_or_default();
        (files.len(), files.iter().map(|f| f.value.len() as u64).sum())
    }

    /// What a restore writes.
    pub fn into_restore(self) -> Restore {
        Restore { records: self.records, settings: self.settings, files: self.files }
    }
}

/// Which entry of its record a file belongs to: by id (version 3), or by its number in the
/// activities or communications (version 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
enum EntryRef {
    Number(usize),
    Id(#[serde(with = "entry_hex")] EntryId),
}

mod entry_hex {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(id: &crate::domain::EntryId, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&id.hex())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<crate::domain::EntryId, D::Error> {
        let text = String::deserialize(d)?;
        crate::domain::EntryId::from_hex(&text).ok_or_else(|| serde::de::Error::custom("not an entry id"))
    }
}

/// An attached file in the backup file: where it belongs, its description, and its bytes.
#[derive(Serialize, Deserialize)]
struct FileEntry {
    /// The deal or customer.
    owner: Uuid,
    /// The activity or communication.
    entry: EntryRef,
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
        let entry = EntryRef::Id(entry);
        Some(FileEntry { owner, entry, id, name, mime, added_at, by, size, data: BASE64.encode(bytes) })
    }

    /// The stored form, if the entry is sound: its bytes decode to its size, within the limit.
    fn into_stored(self, entry: EntryId) -> Option<StoredFile> {
        let bytes = BASE64.decode(self.data.as_bytes()).ok()?;
        if self.id.is_nil() || bytes.len() as u64 != self.size || files::check(bytes.len()).is_err() {
            return None;
        }
        let info = FileInfo {
            id: self.id,
            name: self.name,
            mime: self.mime,
            added_at: self.added_at,
            by: self.by,
            size: self.size,
        };
        Some(StoredFile { key: files::key(self.owner, entry, self.id), value: files::encode(&info, &bytes) })
    }
}

#[derive(Serialize)]
struct FileOut<'a> {
    format: &'static str,
    backup_version: u32,
    schema: u32,
    counts: Counts,
    settings: BTreeMap<&'a str, &'a str>,
    #[serde(flatten)]
    records: &'a Records,
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

/// The entries a file may belong to: each customer's communications and each deal's activities,
/// in order.
fn entries_of(records: &Records) -> HashMap<Uuid, Vec<EntryId>> {
    let customers = records.customers.iter().map(|c| (c.meta.id, c.communications.iter().map(|e| e.id).collect()));
    let deals = records.deals.iter().map(|d| (d.meta.id, d.activities.iter().map(|e| e.id).collect()));
    customers.chain(deals).collect()
}

/// The entry a file names, if its record has it.
fn resolve(entries: &HashMap<Uuid, Vec<EntryId>>, owner: Uuid, entry: EntryRef) -> Option<EntryId> {
    let list = entries.get(&owner)?;
    match entry {
        EntryRef::Id(id) => list.contains(&id).then_some(id),
        EntryRef::Number(n) => list.get(n).copied(),
    }
}

/// The backup file. Stored files that cannot be read, or that belong to no entry of these
/// records (left by a restore of a backup from before files were backed up), are left out, so
/// that what is written can always be read back.
pub fn write(contents: &Contents) -> Vec<u8> {
    let entries = entries_of(&contents.records);
    let files: Vec<FileEntry> = contents
        .files
        .iter()
        .flatten()
        .filter_map(FileEntry::of)
        .filter(|f| resolve(&entries, f.owner, f.entry).is_some())
        .collect();
    let file = FileOut {
        format: FORMAT,
        backup_version: BACKUP_VERSION,
        schema: SCHEMA_VERSION,
        counts: counts(&contents.records, Some(files.len())),
        settings: contents.settings.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
        records: &contents.records,
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
struct Body {
    #[serde(default)]
    settings: BTreeMap<String, String>,
    #[serde(flatten)]
    records: Records,
    #[serde(default)]
    files: Option<Vec<FileEntry>>,
}

/// Schema 1 had flat customers and no deals.
#[derive(Deserialize)]
struct BodyV1 {
    #[serde(default)]
    settings: BTreeMap<String, String>,
    customers: Vec<CustomerV1>,
    #[serde(default)]
    reps: Vec<crate::domain::Rep>,
    #[serde(default)]
    teams: Vec<crate::domain::Team>,
}

/// Reads and checks a whole backup. Older backups are read as today's records: schema 1's flat
/// customers are converted, and entries from before entry ids are given theirs (the same ids the
/// store's own migration gives them).
pub fn read(bytes: &[u8]) -> Result<Contents, BackupError> {
    let head: Head = serde_json::from_slice(bytes).map_err(|_| BackupError::NotABackup)?;
    if head.format != FORMAT {
        return Err(BackupError::NotABackup);
    }
    if head.schema > SCHEMA_VERSION || head.schema == 0 {
        return Err(BackupError::TooNew { schema: head.schema });
    }
    let (settings, records, file_entries) = if head.schema == 1 {
        let body: BodyV1 = serde_json::from_slice(bytes).map_err(|_| BackupError::NotABackup)?;
        let customers = body.customers.into_iter().map(CustomerV1::into_customer).collect();
        (body.settings, Records { customers, reps: body.reps, teams: body.teams, ..Records::default() }, None)
    } else {
        let body: Body = serde_json::from_slice(bytes).map_err(|_| BackupError::NotABackup)?;
        (body.settings, body.records.numbered(), body.files)
    };
    let files = match file_entries {
        None => None,
        Some(list) => {
            // A file belongs to an entry that exists: a customer's communication or a deal's activity.
            let entries = entries_of(&records);
            let mut ids = HashSet::new();
            let mut stored = Vec::with_capacity(list.len());
            for (index, entry) in list.into_iter().enumerate() {
                let bad = || BackupError::BadRecord { kind: "file".into(), index };
                let Some(id) = resolve(&entries, entry.owner, entry.entry).filter(|_| ids.insert(entry.id)) else {
                    return Err(bad());
                };
                stored.push(entry.into_stored(id).ok_or_else(bad)?);
            }
            stored.sort_by(|a, b| a.key.cmp(&b.key));
            Some(stored)
        }
    };
    let mut expected = head.counts;
    // Kinds a backup does not name (made before they existed) hold nothing.
    for kind in RecordKind::ALL {
        expected.entry(kind.plural().to_owned()).or_insert(0);
    }
    if expected != counts(&records, files.as_ref().map(Vec::len)) {
        return Err(BackupError::CountsDiffer);
    }
    check_records(&records)?;
    Ok(Contents { settings: settings.into_iter().collect(), records, files })
}

/// Every id once and not nil, customers valid, deals on customers of the backup.
fn check_records(records: &Records) -> Result<(), BackupError> {
    let mut seen = HashSet::new();
    for (index, c) in records.customers.iter().enumerate() {
        if c.meta.id.is_nil() || !seen.insert(c.meta.id) || !validate_customer(c).is_empty() {
            return Err(BackupError::BadRecord { kind: "customer".into(), index });
        }
    }
    for (index, id) in records.reps.iter().map(|r| r.meta.id).chain(records.teams.iter().map(|t| t.meta.id)).enumerate()
    {
        if id.is_nil() || !seen.insert(id) {
            return Err(BackupError::BadRecord { kind: "rep/team".into(), index });
        }
    }
    let customers: HashSet<_> = records.customers.iter().map(|c| c.meta.id).collect();
    for (index, deal) in records.deals.iter().enumerate() {
        if deal.meta.id.is_nil() || !seen.insert(deal.meta.id) || !customers.contains(&deal.customer) {
            return Err(BackupError::BadRecord { kind: "deal".into(), index });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{demo, Timestamp};

    fn stored_file(owner: Uuid, entry: EntryId, id: u128, name: &str, bytes: &[u8]) -> StoredFile {
        let info = FileInfo {
            id: Uuid::from_u128(id),
            name: name.into(),
            mime: "image/png".into(),
            added_at: Timestamp(9),
            by: "王伟".into(),
            size: 0,
        };
        StoredFile { key: files::key(owner, entry, info.id), value: files::encode(&info, bytes) }
    }

    fn sample() -> Contents {
        let d = demo::generate(7, 300, Timestamp(1_700_000_000_000), crate::domain::UtcOffset::CHINA, "test");
        let settings =
            vec![("pocket.lang".to_owned(), "zh".to_owned()), ("pocket.user".to_owned(), "李 \"伟\"".to_owned())];
        // A business card on a customer's communication, a photo and a quotation on a deal's activity.
        let customer = d.customers.iter().find(|c| !c.communications.is_empty()).expect("demo customers talk");
        let deal = d.deals.iter().find(|x| x.activities.len() > 1).expect("demo deals have activities");
        let mut files = vec![
            stored_file(
                customer.meta.id,
                customer.communications.last().unwrap().id,
                1,
                "名片.png",
                &[0x89, b'P', b'N', b'G', 0, 255],
            ),
            stored_file(deal.meta.id, deal.activities[0].id, 2, "样品照片.png", &(0..=255).collect::<Vec<u8>>()),
            stored_file(deal.meta.id, deal.activities[1].id, 3, "报价单.txt", "单价 ¥128\n".as_bytes()),
        ];
        files.sort_by(|a, b| a.key.cmp(&b.key));
        Contents { settings, records: d, files: Some(files) }
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
            {
                let at =
                    good.find(&format!("\"owner\":\"{deal}\",\"entry\":\"")).unwrap() + deal.to_string().len() + 20;
                format!("{}ffffffffffffffff{}", &good[..at], &good[at + 16..])
            },
            // Not base64, or not the size said.
            good.replacen(&photo, "\"data\":\"@@@\"", 1),
            good.replacen(&photo, &format!("\"data\":\"{}\"", BASE64.encode([1, 2, 3])), 1),
            // The same file twice.
            good.replacen(
                &format!("\"id\":\"{}\"", Uuid::from_u128(3)),
                &format!("\"id\":\"{}\"", Uuid::from_u128(2)),
                1,
            ),
        ];
        for (i, bad) in cases.iter().enumerate() {
            assert_ne!(bad, &good, "case {i} changed the file");
            assert!(
                matches!(read(bad.as_bytes()), Err(BackupError::BadRecord { ref kind, .. }) if kind == "file"),
                "case {i}: {:?}",
                read(bad.as_bytes()).err()
            );
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
        let old = text
            .replacen("\"backup_version\":2", "\"backup_version\":1", 1)
            .replacen("\"files\":0,", "", 1)
            .replacen(",\"files\":[]", "", 1);
        assert!(!old.contains("\"files\""));
        assert_eq!(read(old.as_bytes()).unwrap().files, None, "no files section: nothing to replace");

        let mut damaged = sample();
        damaged.files.as_mut().unwrap()[0].value.truncate(5);
        let back = read(&write(&damaged)).unwrap();
        assert_eq!(back.file_totals().0, 2, "the unreadable one is left out, and the counts agree");

        // Files kept from before a restore of an older backup may point past the restored
        // records' entries, or at records that are gone: left out, so the backup still reads.
        let mut stray = sample();
        let deal = stray.records.deals.iter().find(|x| x.activities.len() > 1).unwrap().meta.id;
        stray.files.as_mut().unwrap().push(stored_file(deal, EntryId(500), 4, "旧照片.png", b"old"));
        stray.files.as_mut().unwrap().push(stored_file(Uuid::from_u128(404), EntryId(1), 5, "别处的.png", b"gone"));
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
        assert_eq!(
            read(text.replacen("\"customers\":300", "\"customers\":301", 1).as_bytes()),
            Err(BackupError::CountsDiffer)
        );
        let first_name = &sample().records.customers[0].name;
        let emptied =
            text.replacen(&format!("\"name\":{}", serde_json::to_string(first_name).unwrap()), "\"name\":\"\"", 1);
        assert_eq!(read(emptied.as_bytes()), Err(BackupError::BadRecord { kind: "customer".into(), index: 0 }));
    }

    #[test]
    fn a_schema_1_backup_is_migrated() {
        let old = r#"{"format":"pocket-crm-backup","backup_version":1,"schema":1,"counts":{"customers":1,"reps":0,"teams":0},
            "customers":[{"id":"6f1c2d4e-0000-4000-8000-000000000001","name":"恒达电器","phone":"13812345678","value":100,"intent":3,"created":1,"updated":2}]}"#;
        let c = read(old.as_bytes()).unwrap();
        assert_eq!(c.records.customers[0].name, "恒达电器");
        assert_eq!(c.records.customers[0].contacts[0].phone, "13812345678");
    }
}
