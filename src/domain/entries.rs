//! Entry lists inside records (contacts, orders, follow-ups, activities), and how they are stored.
//!
//! Stored (binary, schema 7 on) a list is one length-prefixed run of bytes, which a load keeps
//! as it is and decodes on first use: opening the app reads every customer, but the list of
//! customers and its first paint need none of their contacts or history, and decoding those is
//! most of a load's allocations (one per text field of every entry). A list never read is
//! written back as the bytes it came as. Schemas before 7 stored the lists inline; their segments
//! are read (and test fixtures written) inside [`with_inline_entries`]. JSON (backups, CouchDB)
//! is as it always was.

use std::cell::Cell;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::OnceLock;

use serde::de::{DeserializeOwned, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::record::{Entry, EntryList};
use super::revision::{EntryId, Stamp};

/// A list whose entries can be edited and removed (contacts, orders, follow-ups, activities).
/// Reads as the live entries (`Deref` to a `Vec`); removed entries are kept apart with when they
/// were removed, so that a merge does not bring them back and undo can.
pub struct Entries<T> {
    /// The lists, when made here or changed since the load (empty while `loaded` holds them).
    own: Lists<T>,
    /// The lists as loaded, decoded on first read; taken into `own` on the first change.
    loaded: Option<Box<Loaded<T>>>,
}

#[derive(Clone)]
struct Loaded<T> {
    bytes: Box<[u8]>,
    read: OnceLock<Lists<T>>,
}

/// What an entry list holds; also its stored shape (inside the bytes, or inline before schema 7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
struct Lists<T> {
    live: Vec<T>,
    /// Live entries changed after they were added (edited, or brought back), with when.
    #[serde(default)]
    changed: Vec<(EntryId, Stamp)>,
    /// Removed entries, with when.
    #[serde(default)]
    removed: Vec<(T, Stamp)>,
}

impl<T> Default for Lists<T> {
    fn default() -> Self {
        Lists { live: Vec::new(), changed: Vec::new(), removed: Vec::new() }
    }
}

impl<T> Lists<T> {
    fn is_empty(&self) -> bool {
        self.live.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// The lists in stored bytes; damaged bytes read as empty lists (and stay stored as they are
/// until the list is changed).
fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Lists<T> {
    match postcard::take_from_bytes(bytes) {
        Ok((lists, [])) => lists,
        _ => Lists::default(),
    }
}

thread_local! {
    static INLINE: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with entry lists in the binary shape of schemas before 7 (inline, decoded at once):
/// for reading an older segment or log entry, and for tests that write one.
pub fn with_inline_entries<R>(f: impl FnOnce() -> R) -> R {
    let before = INLINE.replace(true);
    let out = f();
    INLINE.set(before);
    out
}

impl<T> Entries<T> {
    fn from_lists(lists: Lists<T>) -> Self {
        Entries { own: lists, loaded: None }
    }

    fn from_bytes(bytes: Box<[u8]>) -> Self {
        if bytes.is_empty() {
            return Entries::default();
        }
        Entries { own: Lists::default(), loaded: Some(Box::new(Loaded { bytes, read: OnceLock::new() })) }
    }
}

impl<T: DeserializeOwned> Loaded<T> {
    /// The lists, decoded on the first call.
    fn lists(&self) -> &Lists<T> {
        self.read.get_or_init(|| decode(&self.bytes))
    }

    fn into_lists(self) -> Lists<T> {
        self.read.into_inner().unwrap_or_else(|| decode(&self.bytes))
    }
}

impl<T: DeserializeOwned> Entries<T> {
    fn lists(&self) -> &Lists<T> {
        self.loaded.as_ref().map_or(&self.own, |loaded| loaded.lists())
    }

    fn lists_mut(&mut self) -> &mut Lists<T> {
        if let Some(loaded) = self.loaded.take() {
            self.own = loaded.into_lists();
        }
        &mut self.own
    }

    fn into_lists(self) -> Lists<T> {
        self.loaded.map_or(self.own, |loaded| loaded.into_lists())
    }
}

impl<T: DeserializeOwned> Deref for Entries<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.lists().live
    }
}

/// Forms edit a draft's entries directly; the archive compares the draft with what it started
/// from (see [`Entries::apply_draft`]) and never stores a draft's lists as they are.
impl<T: DeserializeOwned> DerefMut for Entries<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.lists_mut().live
    }
}

impl<T> Default for Entries<T> {
    fn default() -> Self {
        Entries::from_lists(Lists::default())
    }
}

impl<T: Clone> Clone for Entries<T> {
    fn clone(&self) -> Self {
        Entries { own: self.own.clone(), loaded: self.loaded.clone() }
    }
}

impl<T: DeserializeOwned + fmt::Debug> fmt::Debug for Entries<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.lists().fmt(f)
    }
}

/// The same bytes are the same lists (the encoding is canonical); else the lists are compared.
impl<T: DeserializeOwned + PartialEq> PartialEq for Entries<T> {
    fn eq(&self, other: &Self) -> bool {
        match (&self.loaded, &other.loaded) {
            (Some(a), Some(b)) if a.bytes == b.bytes => true,
            _ => self.lists() == other.lists(),
        }
    }
}

impl<T: DeserializeOwned + Eq> Eq for Entries<T> {}

impl<T> FromIterator<T> for Entries<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Entries::from(iter.into_iter().collect::<Vec<T>>())
    }
}

impl<'a, T: DeserializeOwned> IntoIterator for &'a Entries<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.lists().live.iter()
    }
}

/// The live entries (a form's or an import's list becomes the record's).
impl<T: DeserializeOwned> IntoIterator for Entries<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.into_lists().live.into_iter()
    }
}

impl<T> From<Vec<T>> for Entries<T> {
    fn from(live: Vec<T>) -> Self {
        Entries::from_lists(Lists { live, changed: Vec::new(), removed: Vec::new() })
    }
}

impl<T: Entry> Entries<T> {
    /// The live entry with this id.
    pub fn find(&self, id: EntryId) -> Option<&T> {
        self.lists().find(id)
    }

    /// The id of the `n`-th live entry.
    pub fn get_nth(&self, n: usize) -> Option<EntryId> {
        self.lists().live.get(n).map(Entry::entry_id)
    }

    /// Removed entries, newest removal last.
    pub fn removed(&self) -> impl Iterator<Item = &T> {
        self.lists().removed.iter().map(|(e, _)| e)
    }

    /// Adds an entry (its id must be new to the list), in id order.
    pub fn add(&mut self, entry: T) {
        self.lists_mut().add(entry);
    }

    /// Replaces a live entry with an edited version.
    pub fn edit(&mut self, entry: T, stamp: Stamp) -> bool {
        self.lists_mut().edit(entry, stamp)
    }

    /// Removes a live entry (kept apart, so merges and undo know).
    pub fn remove_entry(&mut self, id: EntryId, stamp: Stamp) -> Option<T> {
        self.lists_mut().remove_entry(id, stamp)
    }

    /// Brings a removed entry back.
    pub fn restore(&mut self, id: EntryId, stamp: Stamp) -> bool {
        self.lists_mut().restore(id, stamp)
    }

    /// Carries a form's edit of the list into the stored one: entries of `draft` that `start`
    /// (what the form began with) did not have are added; entries changed between `start` and
    /// `draft` are edited; entries `start` had and `draft` has not are removed. Entries the form
    /// never saw (added elsewhere meanwhile) stay. Returns whether anything changed.
    pub fn apply_draft(&mut self, start: &[T], draft: &[T], stamp: Stamp) -> bool {
        let mut changed = false;
        for old in start {
            match draft.iter().find(|d| d.entry_id() == old.entry_id()) {
                None => changed |= self.remove_entry(old.entry_id(), stamp).is_some(),
                Some(new) if new != old => changed |= self.edit(new.clone(), stamp),
                Some(_) => {}
            }
        }
        for new in draft.iter().filter(|d| !start.iter().any(|s| s.entry_id() == d.entry_id())) {
            if self.find(new.entry_id()).is_none() {
                self.add(new.clone());
                changed = true;
            }
        }
        changed
    }
}

impl<T: Entry> Lists<T> {
    fn find(&self, id: EntryId) -> Option<&T> {
        self.live.iter().find(|e| e.entry_id() == id)
    }

    fn stamp_of_live(&self, id: EntryId) -> Stamp {
        self.changed.iter().find(|(e, _)| *e == id).map_or(Stamp::ZERO, |(_, s)| *s)
    }

    fn add(&mut self, entry: T) {
        let at = self.live.partition_point(|e| e.entry_id() < entry.entry_id());
        self.live.insert(at, entry);
    }

    fn edit(&mut self, entry: T, stamp: Stamp) -> bool {
        let id = entry.entry_id();
        let Some(slot) = self.live.iter_mut().find(|e| e.entry_id() == id) else { return false };
        *slot = entry;
        self.mark_changed(id, stamp);
        true
    }

    fn remove_entry(&mut self, id: EntryId, stamp: Stamp) -> Option<T> {
        let at = self.live.iter().position(|e| e.entry_id() == id)?;
        let entry = self.live.remove(at);
        self.changed.retain(|(e, _)| *e != id);
        self.removed.push((entry.clone(), stamp));
        Some(entry)
    }

    fn restore(&mut self, id: EntryId, stamp: Stamp) -> bool {
        let Some(at) = self.removed.iter().position(|(e, _)| e.entry_id() == id) else { return false };
        let (entry, _) = self.removed.remove(at);
        self.add(entry);
        self.mark_changed(id, stamp);
        true
    }

    fn mark_changed(&mut self, id: EntryId, stamp: Stamp) {
        match self.changed.iter_mut().find(|(e, _)| *e == id) {
            Some(slot) => slot.1 = stamp,
            None => self.changed.push((id, stamp)),
        }
    }

    /// Both sides' entries by id, each with its latest state.
    fn joined(&self, other: &Self) -> Lists<T> {
        // Every id either side knows, with its latest state: (stamp, removed, entry).
        let mut all: Vec<(EntryId, Stamp, bool, T)> = Vec::new();
        let mut offer =
            |id: EntryId, stamp: Stamp, removed: bool, entry: &T| match all.iter_mut().find(|(i, ..)| *i == id) {
                Some(slot) if (stamp, removed) > (slot.1, slot.2) => *slot = (id, stamp, removed, entry.clone()),
                Some(_) => {}
                None => all.push((id, stamp, removed, entry.clone())),
            };
        for side in [self, other] {
            for entry in &side.live {
                offer(entry.entry_id(), side.stamp_of_live(entry.entry_id()), false, entry);
            }
            for (entry, stamp) in &side.removed {
                offer(entry.entry_id(), *stamp, true, entry);
            }
        }
        super::sorting::sort_by(&mut all, |a, b| a.0.cmp(&b.0));
        let mut out = Lists::default();
        for (id, stamp, removed, entry) in all {
            if removed {
                out.removed.push((entry, stamp));
            } else {
                if stamp != Stamp::ZERO {
                    out.changed.push((id, stamp));
                }
                out.live.push(entry);
            }
        }
        out
    }

    fn undo(&mut self, before: &Self, after: &Self, stamp: Stamp) {
        for entry in after.live.iter().filter(|e| before.find(e.entry_id()).is_none()) {
            self.remove_entry(entry.entry_id(), stamp);
        }
        for old in before.live.iter() {
            match after.find(old.entry_id()) {
                None => {
                    self.restore(old.entry_id(), stamp);
                }
                Some(new) if new != old && self.find(old.entry_id()) == Some(new) => {
                    self.edit(old.clone(), stamp);
                }
                Some(_) => {}
            }
        }
    }
}

impl<T: Entry> EntryList for Entries<T> {
    fn join(&mut self, other: &Self) {
        if self == other {
            return;
        }
        *self = Entries::from_lists(self.lists().joined(other.lists()));
    }

    fn undo(&mut self, before: &Self, after: &Self, stamp: Stamp) {
        self.lists_mut().undo(before.lists(), after.lists(), stamp);
    }
}

/// Binary: the lists' bytes (inline lists before schema 7). JSON: a plain array when nothing was
/// edited or removed (as backups made before entry revisions read), else the three lists.
impl<T: Serialize + DeserializeOwned> Serialize for Entries<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            let lists = self.lists();
            if lists.changed.is_empty() && lists.removed.is_empty() {
                return lists.live.serialize(serializer);
            }
            return lists.serialize(serializer);
        }
        if INLINE.get() {
            return self.lists().serialize(serializer);
        }
        match &self.loaded {
            Some(loaded) => serializer.serialize_bytes(&loaded.bytes),
            None if self.own.is_empty() => serializer.serialize_bytes(&[]),
            None => {
                let bytes = postcard::to_allocvec(&self.own).map_err(serde::ser::Error::custom)?;
                serializer.serialize_bytes(&bytes)
            }
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Entries<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        #[serde(bound(deserialize = "T: Deserialize<'de>"))]
        enum Readable<T> {
            Plain(Vec<T>),
            Parts(Lists<T>),
        }
        if deserializer.is_human_readable() {
            return Ok(Entries::from_lists(match Readable::deserialize(deserializer)? {
                Readable::Plain(live) => Lists { live, changed: Vec::new(), removed: Vec::new() },
                Readable::Parts(lists) => lists,
            }));
        }
        if INLINE.get() {
            return Lists::deserialize(deserializer).map(Entries::from_lists);
        }
        deserializer.deserialize_bytes(BytesVisitor).map(Entries::from_bytes)
    }
}

struct BytesVisitor;

impl Visitor<'_> for BytesVisitor {
    type Value = Box<[u8]>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an entry list's bytes")
    }

    fn visit_bytes<E>(self, bytes: &[u8]) -> Result<Box<[u8]>, E> {
        Ok(bytes.into())
    }

    fn visit_byte_buf<E>(self, bytes: Vec<u8>) -> Result<Box<[u8]>, E> {
        Ok(bytes.into_boxed_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Contact, DeviceId, Hlc};

    fn stamp(ms: i64) -> Stamp {
        Stamp { at: Hlc::new(ms, 0), device: DeviceId(3) }
    }

    fn contact(id: u32, name: &str) -> Contact {
        Contact {
            id: EntryId(u64::from(id)),
            name: name.into(),
            phone: format!("1380000{id:04}"),
            ..Contact::default()
        }
    }

    /// A list with an edited and a removed entry.
    fn edited() -> Entries<Contact> {
        let mut list: Entries<Contact> = vec![contact(1, "王芳"), contact(2, "李强"), contact(3, "Ann")].into();
        list.edit(contact(2, "李强 (经理)"), stamp(10));
        list.remove_entry(EntryId(3), stamp(11));
        list
    }

    fn stored(list: &Entries<Contact>) -> Entries<Contact> {
        postcard::from_bytes(&postcard::to_allocvec(list).unwrap()).unwrap()
    }

    fn is_decoded(list: &Entries<Contact>) -> bool {
        list.loaded.as_ref().is_none_or(|loaded| loaded.read.get().is_some())
    }

    #[test]
    fn a_stored_list_is_decoded_on_first_read_and_reads_as_it_was() {
        let list = edited();
        let back = stored(&list);
        assert!(!is_decoded(&back), "a load keeps the list's bytes");
        assert_eq!(back.len(), 2);
        assert!(is_decoded(&back));
        assert_eq!(back, list);
        assert_eq!(back.find(EntryId(2)).map(|c| c.name.as_str()), Some("李强 (经理)"));
        assert_eq!(back.removed().map(|c| c.id).collect::<Vec<_>>(), vec![EntryId(3)]);
        // Written again unread, it is the same bytes.
        let unread = stored(&list);
        assert_eq!(postcard::to_allocvec(&unread).unwrap(), postcard::to_allocvec(&list).unwrap());
        assert!(!is_decoded(&unread));
    }

    #[test]
    fn a_change_to_a_loaded_list_is_what_is_stored_next() {
        let mut back = stored(&edited());
        back.add(contact(4, "赵敏"));
        back.restore(EntryId(3), stamp(12));
        let again = stored(&back);
        assert_eq!(again.iter().map(|c| c.id.0).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
        assert_eq!(again.removed().count(), 0);
        let mut through_vec = stored(&edited());
        through_vec.clear();
        assert!(stored(&through_vec).is_empty());
    }

    #[test]
    fn empty_lists_take_one_byte_and_no_allocation() {
        let empty: Entries<Contact> = Entries::default();
        assert_eq!(postcard::to_allocvec(&empty).unwrap(), vec![0]);
        let back = stored(&empty);
        assert!(back.loaded.is_none() && back.is_empty());
    }

    #[test]
    fn damaged_bytes_read_as_empty_and_are_kept_until_the_list_changes() {
        let damaged = vec![4, 0xff, 0xff, 0xff, 0xff];
        let mut list: Entries<Contact> = postcard::from_bytes(&damaged).unwrap();
        assert!(list.is_empty());
        assert_eq!(postcard::to_allocvec(&list).unwrap(), damaged, "nothing stored is lost by reading");
        list.add(contact(1, "王芳"));
        assert_eq!(stored(&list).len(), 1);
    }

    #[test]
    fn schemas_before_7_read_and_write_the_lists_inline() {
        let list = edited();
        let inline = with_inline_entries(|| postcard::to_allocvec(&list).unwrap());
        assert_eq!(
            inline,
            postcard::to_allocvec(&list.lists()).unwrap(),
            "the three lists, with no length before them"
        );
        assert_ne!(inline, postcard::to_allocvec(&list).unwrap());
        let back: Entries<Contact> = with_inline_entries(|| postcard::from_bytes(&inline).unwrap());
        assert!(back.loaded.is_none());
        assert_eq!(back, list);
        // The flag is the caller's only: outside it the shape is bytes again.
        assert_eq!(stored(&list), list);
    }

    #[test]
    fn json_is_unchanged_a_plain_array_unless_entries_were_edited_or_removed() {
        let plain: Entries<Contact> = vec![contact(1, "王芳")].into();
        let json = serde_json::to_value(stored(&plain)).unwrap();
        assert!(json.is_array());
        let json = serde_json::to_string(&stored(&edited())).unwrap();
        assert!(json.starts_with("{\"live\":"));
        assert_eq!(serde_json::from_str::<Entries<Contact>>(&json).unwrap(), edited());
    }

    #[test]
    fn a_merge_of_a_loaded_list_keeps_both_sides() {
        let mut ours = stored(&edited());
        let mut theirs = edited();
        theirs.add(contact(5, "周杰"));
        ours.join(&stored(&theirs));
        assert_eq!(ours.iter().map(|c| c.id.0).collect::<Vec<_>>(), vec![1, 2, 5]);
        assert_eq!(ours.removed().count(), 1);
    }
}
