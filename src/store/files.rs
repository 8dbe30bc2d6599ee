//! Files attached to a deal's activities or a customer's communications (photos of goods,
//! quotations as PDF, business cards).
//! They are not records: each is written once, with its id, name, type, when and by whom, and
//! kept beside the segments under keys that `Backend::load` skips (`~` sorts after every
//! segment key), so opening the app never reads them. A deal's page reads its own by prefix.
//!
//! Key: `~file/<deal or customer id>/<entry id, 16 hex digits>/<file id>`: the activity or
//! follow-up it belongs to, by its id (schema 3 used the entry's place in the list; migration
//! moves those, see `migrate::file_moves`).
//! Value: `PCRF`, then the description in postcard, then the file's bytes as they are.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::StoreError;
use crate::domain::{EntryId, Timestamp};

/// Every file key starts with this; segment keys never do.
pub const FILE_PREFIX: &str = "~file/";
/// The largest file accepted (a phone photo is 2-4 MB; larger files belong elsewhere).
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// Longest file name kept, in characters.
const MAX_NAME_CHARS: usize = 200;
const MAGIC: &[u8; 4] = b"PCRF";

/// What a stored file is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileInfo {
    pub id: Uuid,
    pub name: String,
    /// The browser's media type (`image/jpeg`), empty if unknown.
    pub mime: String,
    pub added_at: Timestamp,
    pub by: String,
    pub size: u64,
}

impl FileInfo {
    pub fn is_image(&self) -> bool {
        matches!(self.mime.as_str(), "image/jpeg" | "image/png" | "image/gif" | "image/webp")
    }
}

/// Why a file is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileProblem {
    Empty,
    /// Over [`MAX_FILE_BYTES`].
    TooLarge,
}

/// Whether a file of `size` bytes may be attached.
pub fn check(size: usize) -> Result<(), FileProblem> {
    match size {
        0 => Err(FileProblem::Empty),
        s if s > MAX_FILE_BYTES => Err(FileProblem::TooLarge),
        _ => Ok(()),
    }
}

/// The keys of one record's files (a deal's or a customer's) share this prefix.
pub fn owner_prefix(owner: Uuid) -> String {
    format!("{FILE_PREFIX}{owner}/")
}

/// The key of file `id` of entry `entry` (an activity, or a communication) of `owner`.
pub fn key(owner: Uuid, entry: EntryId, id: Uuid) -> String {
    format!("{}{}/{id}", owner_prefix(owner), entry.hex())
}

/// The stored value of a file: its description (name cut to a sane length) and its bytes.
pub fn encode(info: &FileInfo, bytes: &[u8]) -> Vec<u8> {
    let mut info = info.clone();
    if let Some((cut, _)) = info.name.char_indices().nth(MAX_NAME_CHARS) {
        info.name.truncate(cut);
    }
    info.size = bytes.len() as u64;
    let mut body = MAGIC.to_vec();
    let mut body = postcard::to_extend(&info, std::mem::take(&mut body)).expect("plain data serialises");
    body.extend_from_slice(bytes);
    body
}

/// The owner (deal or customer) and entry a file key names.
pub fn parse_key(key: &str) -> Option<(Uuid, EntryId)> {
    let mut parts = key.strip_prefix(FILE_PREFIX)?.split('/');
    let owner = parts.next()?.parse().ok()?;
    let entry = EntryId::from_hex(parts.next()?)?;
    Some((owner, entry))
}

/// A key as schema 3 wrote it: `~file/<owner>/<entry number, 4 digits>/<file id>`.
pub fn numbered_key(owner: Uuid, entry: usize, id: Uuid) -> String {
    format!("{}{entry:04}/{id}", owner_prefix(owner))
}

/// The owner, entry number and file id of a key as schema 3 wrote it.
pub fn parse_numbered_key(key: &str) -> Option<(Uuid, usize, Uuid)> {
    let mut parts = key.strip_prefix(FILE_PREFIX)?.split('/');
    let owner = parts.next()?.parse().ok()?;
    let entry = parts.next().filter(|n| n.len() == 4)?.parse().ok()?;
    let file = parts.next()?.parse().ok()?;
    Some((owner, entry, file))
}

/// Reads a stored file back: its entry (from the key), description and bytes.
pub fn decode(key: &str, body: &[u8]) -> Result<(EntryId, FileInfo, Vec<u8>), StoreError> {
    let corrupt = |reason: &str| StoreError::Corrupt { key: key.to_owned(), reason: reason.to_owned() };
    let (_, activity) = parse_key(key).ok_or_else(|| corrupt("not a file key"))?;
    let rest = body.strip_prefix(MAGIC.as_slice()).ok_or_else(|| corrupt("not a Pocket CRM file"))?;
    let (info, bytes): (FileInfo, &[u8]) =
        postcard::take_from_bytes(rest).map_err(|_| corrupt("damaged description"))?;
    if info.size != bytes.len() as u64 {
        return Err(corrupt("cut short"));
    }
    Ok((activity, info, bytes.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: &str) -> FileInfo {
        FileInfo {
            id: Uuid::from_u128(9),
            name: name.into(),
            mime: "image/png".into(),
            added_at: Timestamp(5),
            by: "王伟".into(),
            size: 0,
        }
    }

    #[test]
    fn files_round_trip_and_their_keys_sort_after_every_segment() {
        let deal = Uuid::from_u128(3);
        let entry = EntryId(0x0123_4567_89ab_cdef);
        let k = key(deal, entry, Uuid::from_u128(9));
        assert!(k.starts_with(&owner_prefix(deal)));
        assert_eq!(parse_key(&k), Some((deal, entry)));
        assert_eq!(parse_key("~file/not-a-uuid/0001/x"), None);
        let old = numbered_key(deal, 12, Uuid::from_u128(9));
        assert_eq!(parse_numbered_key(&old), Some((deal, 12, Uuid::from_u128(9))));
        assert_eq!(parse_numbered_key(&k), None);
        for segment in ["customer/08-0001", "deal/00-0000", "pipeline/00-0000", "rep/00-0000", "superseded/00-0000"] {
            assert!(segment < FILE_PREFIX && segment < k.as_str(), "{segment}");
        }
        let bytes = vec![0_u8, 255, 7, 7];
        let (activity, back, got) = decode(&k, &encode(&info("样品照片.png"), &bytes)).unwrap();
        assert_eq!((activity, back.name.as_str(), back.size, got), (entry, "样品照片.png", 4, bytes));
        assert!(back.is_image());
    }

    #[test]
    fn long_names_are_cut_and_damaged_values_are_reported() {
        let k = key(Uuid::from_u128(3), EntryId(1), Uuid::from_u128(9));
        let body = encode(&info(&"名".repeat(500)), b"abc");
        assert_eq!(decode(&k, &body).unwrap().1.name.chars().count(), 200);
        let mut cut = body.clone();
        cut.truncate(body.len() - 1);
        for bad in [&b"PCRF"[..], b"", b"JUNKxxxx", &cut[..]] {
            assert!(matches!(decode(&k, bad), Err(StoreError::Corrupt { .. })));
        }
        assert!(matches!(decode("deal/00-0000", &body), Err(StoreError::Corrupt { .. })));
    }

    #[test]
    fn size_limits() {
        assert_eq!(check(0), Err(FileProblem::Empty));
        assert_eq!(check(1), Ok(()));
        assert_eq!(check(MAX_FILE_BYTES), Ok(()));
        assert_eq!(check(MAX_FILE_BYTES + 1), Err(FileProblem::TooLarge));
    }
}
