//! A folder the team's cloud drive syncs (OneDrive, Dropbox, 坚果云...), used through the File
//! System Access API: each device writes its own change files into it and reads everyone's
//! (`changes`). Here, with no I/O: which of the files listed in the folder to take in, and what
//! is remembered of those taken in before.
//!
//! A file is taken in once as it is: by its name, size and last change. A sync tool's
//! "(conflicted copy)" of one has another name and is taken in once too (the join makes that
//! change nothing); a file the drive replaced since (another size or time) is read again.

use std::collections::HashMap;

use super::changes::FileName;

/// A file as the folder lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Listed {
    pub name: String,
    pub size: u64,
    /// When it last changed (ms since 1970).
    pub modified: i64,
}

/// The files taken in (or found unreadable) before: by name, their size and last change then.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Seen(HashMap<String, (u64, i64)>);

impl Seen {
    pub fn contains(&self, file: &Listed) -> bool {
        self.0.get(&file.name) == Some(&(file.size, file.modified))
    }

    pub fn insert(&mut self, file: &Listed) {
        self.0.insert(file.name.clone(), (file.size, file.modified));
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// As text to store: a line per file, `size`, `modified`, then the name (which may hold
    /// anything but a line break).
    pub fn to_text(&self) -> String {
        let mut lines: Vec<String> = self.0.iter().map(|(name, (size, at))| format!("{size}\t{at}\t{name}")).collect();
        lines.sort();
        lines.join("\n")
    }

    /// Reads `to_text` back; lines that are not one are left out (their files are read again,
    /// which changes nothing).
    pub fn from_text(text: &str) -> Seen {
        let read = |line: &str| {
            let mut parts = line.splitn(3, '\t');
            let size = parts.next()?.parse().ok()?;
            let at = parts.next()?.parse().ok()?;
            Some((parts.next().filter(|n| !n.is_empty())?.to_owned(), (size, at)))
        };
        Seen(text.lines().filter_map(read).collect())
    }
}

/// The files of `listed` to take in, in order: change files of other devices than `mine`, not
/// taken in before as they are now; each device's oldest first (its series in order), copies
/// after the file they copy.
pub fn to_take<'a>(listed: &'a [Listed], mine: &str, seen: &Seen) -> Vec<&'a Listed> {
    let mut wanted: Vec<(FileName, &Listed)> = listed
        .iter()
        .filter(|f| !seen.contains(f))
        .filter_map(|f| Some((FileName::parse(&f.name)?, f)))
        .filter(|(name, _)| name.device != mine)
        .collect();
    wanted.sort_by(|(a, fa), (b, fb)| {
        (&a.user, &a.device, a.seq, fa.name.len(), &fa.name).cmp(&(&b.user, &b.device, b.seq, fb.name.len(), &fb.name))
    });
    wanted.into_iter().map(|(_, f)| f).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, size: u64, modified: i64) -> Listed {
        Listed { name: name.into(), size, modified }
    }

    const MINE: &str = "00000000000000aa";

    #[test]
    fn only_other_devices_change_files_are_taken_each_series_in_order() {
        let listed = vec![
            file("pocket-crm-李娜-00000000000000bb-10.json", 10, 1),
            file("pocket-crm-李娜-00000000000000bb-9.json", 10, 1),
            file("pocket-crm-Wang-00000000000000aa-3.json", 10, 1),
            file("notes.txt", 10, 1),
            file("pocket-crm-李娜-00000000000000bb-9 (conflicted copy 2026-12-07).json", 10, 2),
            file("pocket-crm-Chen-00000000000000cc-1.json", 10, 1),
        ];
        let names: Vec<&str> = to_take(&listed, MINE, &Seen::default()).iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "pocket-crm-Chen-00000000000000cc-1.json",
                "pocket-crm-李娜-00000000000000bb-9.json",
                "pocket-crm-李娜-00000000000000bb-9 (conflicted copy 2026-12-07).json",
                "pocket-crm-李娜-00000000000000bb-10.json",
            ]
        );
    }

    #[test]
    fn a_file_taken_in_is_not_taken_again_unless_the_drive_replaced_it() {
        let one = file("pocket-crm-李娜-00000000000000bb-1.json", 120, 1_000);
        let mut seen = Seen::default();
        assert_eq!(to_take(std::slice::from_ref(&one), MINE, &seen).len(), 1);
        seen.insert(&one);
        assert!(to_take(std::slice::from_ref(&one), MINE, &seen).is_empty());
        let replaced = file(&one.name, 130, 2_000);
        assert_eq!(to_take(std::slice::from_ref(&replaced), MINE, &seen), vec![&replaced]);
    }

    #[test]
    fn what_was_seen_reads_back_from_its_text_and_bad_lines_are_left_out() {
        let mut seen = Seen::default();
        seen.insert(&file("pocket-crm-李娜-00000000000000bb-1.json", 120, 1_765_000_000_000));
        seen.insert(&file("pocket-crm-a\tb-00000000000000bb-2.json", 7, -5));
        let back = Seen::from_text(&seen.to_text());
        assert_eq!(back, seen);
        let damaged = format!("{}\nnot a line\n12\tx\tname\n5\t6\t", seen.to_text());
        assert_eq!(Seen::from_text(&damaged), seen);
        assert!(Seen::from_text("").is_empty());
    }
}
