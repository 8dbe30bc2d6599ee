//! Change files, for a team with no server: each device writes its own files of "my changes since
//! the last exchange" and reads anyone's. A file is named by who wrote it, on which device, and
//! its number in that device's series (`pocket-crm-李娜-7f3a9c2e-12.json`); it holds the records as
//! that device last saved them.
//!
//! Taking a file in (`Command::TakeIn`, through the write path) joins each record with ours field
//! by field (`record::join`: the later change of each field wins, entry lists are unions), which
//! is commutative and idempotent: the same file twice, files in any order, or a cloud drive's
//! "(conflicted copy)" of one change nothing more. Here: the counts of what a file brought.

use serde::{Deserialize, Serialize};

use crate::domain::kinds::{AnyRecord, Stored, TableVisitor};
use crate::domain::{Archive, ChangeSet, Hlc, RecordKind, Table};
use uuid::Uuid;

/// The change file format this build writes and reads.
pub const FORMAT: u32 = 1;

/// Who wrote a change file, on which device, and its number in that device's series.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FileName {
    pub user: String,
    pub device: String,
    pub seq: u64,
}

impl FileName {
    /// The file's name: `pocket-crm-<user>-<device>-<seq>.json`, the user's name kept as letters
    /// and digits of any script (others become `_`, so no name breaks a path or the pattern).
    pub fn to_file_name(&self) -> String {
        let user: String = self.user.chars().map(|c| if c.is_alphanumeric() { c } else { '_' }).collect();
        let user = if user.is_empty() { "_".to_owned() } else { user };
        format!("pocket-crm-{user}-{}-{}.json", self.device, self.seq)
    }

    /// Reads a name back, also as sync tools and browsers rename copies: `... (conflicted copy
    /// 2026-12-06).json`, `... (1).json`, `...-冲突副本.json`. None for any other file.
    pub fn parse(name: &str) -> Option<FileName> {
        let stem = name.strip_prefix("pocket-crm-")?.strip_suffix(".json")?;
        // What a copy adds comes after the number: cut at the first character that cannot be in it.
        let (user, rest) = stem.split_once('-')?;
        let (device, rest) = rest.split_once('-')?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let seq = digits.parse().ok()?;
        let valid = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_');
        if !valid(user) || device.is_empty() || !device.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        Some(FileName { user: user.to_owned(), device: device.to_owned(), seq })
    }
}

/// A change file's content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangeFile {
    pub format: u32,
    pub user: String,
    pub device: String,
    pub seq: u64,
    /// The records changed since this device's previous file, as it last saved them.
    pub records: Vec<AnyRecord>,
}

/// Why a change file was not read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FileProblem {
    /// Not a change file (or damaged): not JSON of the expected shape.
    Unreadable,
    /// Written by a newer version of the app: update before reading it.
    NewerFormat(u32),
}

impl FileProblem {
    /// Whether the file, read again as it is, would be refused again: damaged or not a change
    /// file; one of a newer format reads once this device's app is updated.
    pub fn for_good(&self) -> bool {
        matches!(self, FileProblem::Unreadable)
    }
}

impl ChangeFile {
    /// The file of `records` (this device's changes since its previous file).
    pub fn new(name: &FileName, records: Vec<AnyRecord>) -> ChangeFile {
        ChangeFile { format: FORMAT, user: name.user.clone(), device: name.device.clone(), seq: name.seq, records }
    }

    /// Who wrote it, which device, which number.
    pub fn name(&self) -> FileName {
        FileName { user: self.user.clone(), device: self.device.clone(), seq: self.seq }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Reads a file; one of a newer format is refused before its records are looked at.
    pub fn from_bytes(bytes: &[u8]) -> Result<ChangeFile, FileProblem> {
        #[derive(Deserialize)]
        struct Head {
            format: u32,
        }
        let head: Head = serde_json::from_slice(bytes).map_err(|_| FileProblem::Unreadable)?;
        if head.format > FORMAT {
            return Err(FileProblem::NewerFormat(head.format));
        }
        serde_json::from_slice(bytes).map_err(|_| FileProblem::Unreadable)
    }
}

/// Where this device's series of change files stands: the number of its last file, and the
/// clock reading it was written at (records changed after it go in the next file).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    pub seq: u64,
    /// None before the first file.
    pub since: Option<Hlc>,
}

/// Every record changed after `since` (deleted ones too: a deletion is a change; every record
/// with None, for the first file), as this
/// device holds it: its own changes, and those it took in from others since, so that a file from
/// the manager passes the reps' changes on to each other. Taking a record in twice changes nothing,
/// so sending one again is harmless.
pub fn changed_since(archive: &Archive, since: Option<Hlc>) -> Vec<AnyRecord> {
    struct Changed(Option<Hlc>, Vec<AnyRecord>);
    impl TableVisitor for Changed {
        fn visit<R: Stored>(&mut self, table: &Table<R>) {
            let since = self.0;
            self.1.extend(
                table.rows().iter().filter(|r| since.is_none_or(|s| r.meta().rev.at > s)).cloned().map(R::wrap),
            );
        }
    }
    let mut changed = Changed(since, Vec::new());
    for kind in RecordKind::ALL {
        archive.visit(kind, &mut changed);
    }
    changed.1
}

/// A change file taken in, for "what came in, from whom".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CameIn {
    pub user: String,
    pub device: String,
    pub seq: u64,
    /// When it was taken in (ms since 1970).
    pub at: i64,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Per kind (its code), how many records came in new or changed.
    pub by_kind: Vec<(String, usize)>,
}

impl CameIn {
    pub fn new(file: FileName, taken: &TakenIn, at: i64) -> CameIn {
        CameIn {
            user: file.user,
            device: file.device,
            seq: file.seq,
            at,
            added: taken.added,
            updated: taken.updated,
            unchanged: taken.unchanged,
            by_kind: taken.by_kind.iter().map(|(k, n)| (k.code().to_owned(), *n)).collect(),
        }
    }
}

/// What taking records in did (`counted`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TakenIn {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Per kind, how many records came in new or changed (for "what came in, from whom").
    pub by_kind: Vec<(RecordKind, usize)>,
}

/// What taking records in (`Command::TakeIn`; `records`: each one's kind and id) did, from what
/// the write path reported
/// (`changed`: the records the join changed) and which of them were here before (`existed`):
/// nothing is joined here, so the page's team chunk holds no join code (the write path's).
pub fn counted(
    records: &[(RecordKind, Uuid)],
    existed: impl Fn(RecordKind, Uuid) -> bool,
    changed: &ChangeSet,
) -> TakenIn {
    let mut out = TakenIn::default();
    for &(kind, id) in records {
        if !changed.ids(kind).contains(&id) {
            out.unchanged += 1;
            continue;
        }
        if existed(kind, id) {
            out.updated += 1;
        } else {
            out.added += 1;
        }
        match out.by_kind.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => out.by_kind.push((kind, 1)),
        }
    }
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::domain::demo;
    use crate::domain::{Actor, Command, Customer, DealsOfDeleted, Timestamp, UtcOffset};

    #[test]
    fn a_file_name_says_who_which_device_and_which_number_and_survives_copies() {
        let name = FileName { user: "李娜".into(), device: "7f3a9c2e".into(), seq: 12 };
        let file = name.to_file_name();
        assert_eq!(file, "pocket-crm-李娜-7f3a9c2e-12.json");
        for copy in [
            file.clone(),
            "pocket-crm-李娜-7f3a9c2e-12 (conflicted copy 2026-12-06).json".to_owned(),
            "pocket-crm-李娜-7f3a9c2e-12 (1).json".to_owned(),
            "pocket-crm-李娜-7f3a9c2e-12-冲突副本.json".to_owned(),
        ] {
            assert_eq!(FileName::parse(&copy), Some(name.clone()), "{copy}");
        }
        let odd = FileName { user: "Anna Lee-Wu/2".into(), device: "00ff".into(), seq: 3 };
        assert_eq!(odd.to_file_name(), "pocket-crm-Anna_Lee_Wu_2-00ff-3.json");
        assert_eq!(FileName::parse(&odd.to_file_name()).map(|n| n.user), Some("Anna_Lee_Wu_2".to_owned()));
        for other in [
            "backup.json",
            "pocket-crm-a-b-c.json",
            "pocket-crm-a-zz-1.json",
            "pocket-crm--00-1.json",
            "pocket-crm-a-00-1.csv",
        ] {
            assert_eq!(FileName::parse(other), None, "{other}");
        }
    }

    #[test]
    fn a_change_file_reads_back_and_a_newer_or_broken_one_is_refused() {
        let records = demo::generate(4, 5, Timestamp(1_790_000_000_000), UtcOffset::CHINA, "demo");
        let name = FileName { user: "王芳".into(), device: "0a1b".into(), seq: 3 };
        let changed: Vec<AnyRecord> = records.customers.iter().cloned().map(AnyRecord::Customer).collect();
        let file = ChangeFile::new(&name, changed);
        let back = ChangeFile::from_bytes(&file.to_bytes()).unwrap();
        assert_eq!(back, file);
        assert_eq!(back.name(), name);
        let newer = String::from_utf8(file.to_bytes()).unwrap().replacen("\"format\":1", "\"format\":2", 1);
        assert_eq!(ChangeFile::from_bytes(newer.as_bytes()), Err(FileProblem::NewerFormat(2)));
        // A newer file is read again after an update (a shared folder keeps trying it); a
        // broken one never is.
        assert!(!FileProblem::NewerFormat(2).for_good());
        for broken in [&b"{}"[..], b"not json", &file.to_bytes()[..40]] {
            assert_eq!(ChangeFile::from_bytes(broken), Err(FileProblem::Unreadable));
            assert!(FileProblem::Unreadable.for_good());
        }
    }

    #[test]
    fn the_next_file_holds_what_changed_after_the_last_one_deletions_included() {
        let now = Timestamp(1_790_000_000_000);
        let mut book = Archive::from_records(demo::generate(5, 30, now, UtcOffset::CHINA, "demo"));
        let everything = changed_since(&book, None);
        assert_eq!(everything.len(), RecordKind::ALL.iter().map(|k| book.count(*k)).sum::<usize>());
        let since = Some(Hlc::new(now.0 + 1_000, 0));
        assert!(changed_since(&book, since).is_empty());
        let later = |s: i64| Actor::at("王芳", Timestamp(now.0 + s * 1_000));
        let (first, second) = (book.customers.rows()[0].clone(), book.customers.rows()[1].clone());
        let renamed = Customer { name: "改名".into(), ..first.clone() };
        book.apply(Command::EditCustomer { before: Box::new(first.clone()), after: Box::new(renamed) }, &later(5))
            .unwrap();
        book.apply(Command::DeleteCustomer { id: second.meta.id, deals: DealsOfDeleted::Delete }, &later(6)).unwrap();
        let changed = changed_since(&book, since);
        let mut customers: Vec<_> =
            changed.iter().filter(|r| r.kind() == RecordKind::Customer).map(AnyRecord::id).collect();
        customers.sort();
        let mut want = vec![first.meta.id, second.meta.id];
        want.sort();
        assert_eq!(customers, want);
        let deals_of_second = book.deals.rows().iter().filter(|d| d.customer == second.meta.id).count();
        assert_eq!(changed.len(), 2 + deals_of_second, "the deleted customer's deals went with it");
        assert!(changed_since(&book, Some(Hlc::new(now.0 + 7_000, 0))).is_empty());
    }

    #[test]
    fn taking_a_file_in_twice_or_its_copy_changes_nothing_more() {
        let now = Timestamp(1_790_000_000_000);
        let records = demo::generate(3, 40, now, UtcOffset::CHINA, "demo");
        let here = Archive::from_records(records.clone());
        // Their device: the same book, where a customer was renamed and another added.
        let mut theirs = Archive::from_records(records);
        let actor = Actor::at("李娜", Timestamp(now.0 + 60_000));
        let before = theirs.customers.rows()[0].clone();
        let mut renamed = before.clone();
        renamed.name = "新名字有限公司".into();
        theirs
            .apply(Command::EditCustomer { before: Box::new(before), after: Box::new(renamed.clone()) }, &actor)
            .unwrap();
        let file: Vec<AnyRecord> = vec![
            AnyRecord::Customer(theirs.customers.get(renamed.meta.id).unwrap().clone()),
            AnyRecord::Customer(theirs.customers.rows()[1].clone()),
        ];
        // Taken in as the page does it: the command, then the counts from what it changed.
        let mut here = here;
        let mine = Actor::at("王芳", Timestamp(now.0 + 120_000));
        let ids: Vec<(RecordKind, Uuid)> = file.iter().map(|r| (r.kind(), r.id())).collect();
        let changed = here.apply(Command::TakeIn(file.clone()), &mine).unwrap().changes;
        let first = counted(&ids, |_, _| true, &changed);
        assert_eq!((first.added, first.updated, first.unchanged), (0, 1, 1));
        assert_eq!(first.by_kind, [(RecordKind::Customer, 1)]);
        let taken = here.customers.get(renamed.meta.id).unwrap();
        assert_eq!(taken.name, "新名字有限公司");
        assert_eq!(taken.meta.rev, theirs.customers.get(renamed.meta.id).unwrap().meta.rev, "their revision, not ours");
        let changed_again = here.apply(Command::TakeIn(file.clone()), &mine).unwrap().changes;
        assert!(changed_again.is_empty());
        let again = counted(&ids, |_, _| true, &changed_again);
        assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 2));
        // A record not here before counts as added.
        let new_here = counted(&ids, |_, id| id != renamed.meta.id, &changed);
        assert_eq!((new_here.added, new_here.updated), (1, 0));
    }
}
