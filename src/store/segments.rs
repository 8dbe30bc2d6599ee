//! Segments: records of one kind grouped into buckets by a hash of their id, one stored value
//! per bucket (`customer/08-00a3`: 2^8 buckets, bucket 0xa3). A record's bucket depends on its
//! id alone, never on the order one tab happened to load records in, so writers that each know
//! a different part of the store never rewrite each other's records.
//!
//! A kind starts with one bucket; when it holds more than [`SPLIT_AT`] records a bucket on
//! average, its records are spread over twice as many (written in one transaction).

use serde::de::{DeserializeOwned, DeserializeSeed, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use uuid::Uuid;

use super::{in_shape_of, StoreError, SCHEMA_VERSION};
use crate::domain::kinds::{Stored, TableVisitor};
use crate::domain::revision::mix;
use crate::domain::{Archive, PerKind, RecordKind, Table};

/// Records a bucket holds on average after a split; an edit rewrites about this many (for
/// customers, about 120 KB: a few milliseconds).
pub const BUCKET_TARGET: usize = 400;
/// Records a bucket may hold on average before its kind is split.
pub const SPLIT_AT: usize = 800;
/// At most 2^MAX_BITS buckets per kind.
const MAX_BITS: u8 = 16;

/// Every segment starts with these bytes and then the schema version (u32, little endian).
const MAGIC: &[u8; 4] = b"PCRM";
const HEADER: usize = 8;

/// How many bucket bits a kind with `count` records needs.
pub fn bits_for(count: usize) -> u8 {
    let mut bits = 0;
    while bits < MAX_BITS && count > BUCKET_TARGET << bits {
        bits += 1;
    }
    bits
}

/// The bucket of a record id among 2^bits.
pub fn bucket_of(id: Uuid, bits: u8) -> usize {
    if bits == 0 {
        return 0;
    }
    let (hi, lo) = id.as_u64_pair();
    (mix(hi ^ mix(lo)) >> (64 - u32::from(bits))) as usize
}

/// `customer/08-00a3`: zero-padded, so key order is bucket order.
pub fn bucket_key(kind: RecordKind, bits: u8, bucket: usize) -> String {
    format!("{}/{bits:02}-{bucket:04x}", kind.code())
}

/// The kind, bucket bits and bucket a key names; None for anything else.
pub fn parse_bucket_key(key: &str) -> Option<(RecordKind, u8, usize)> {
    let (kind, rest) = key.split_once('/')?;
    let (bits, bucket) = rest.split_once('-')?;
    if bits.len() != 2 || bucket.len() < 4 {
        return None;
    }
    let bits: u8 = bits.parse().ok().filter(|b| *b <= MAX_BITS)?;
    let bucket = usize::from_str_radix(bucket, 16).ok().filter(|b| *b < 1 << bits)?;
    Some((RecordKind::from_code(kind)?, bits, bucket))
}

/// Which bucket each record is in, kept in step with the archive's tables (rows are only ever
/// added at the end or taken back from the end).
#[derive(Clone, Debug, Default)]
pub struct Layout {
    bits: PerKind<u8>,
    /// Per kind: the rows of each bucket, in row order.
    members: PerKind<Vec<Vec<u32>>>,
    /// Per kind: the bucket of each row.
    row_bucket: PerKind<Vec<u32>>,
}

impl Layout {
    /// The layout of `archive` with the given bucket bits per kind.
    pub fn new(archive: &Archive, bits: PerKind<u8>) -> Layout {
        let mut layout = Layout { bits, ..Layout::default() };
        for kind in RecordKind::ALL {
            layout.members[kind.index()] = vec![Vec::new(); 1 << bits[kind.index()]];
        }
        layout.sync(archive);
        layout
    }

    /// A layout fitting how many records `archive` holds (after a replacement).
    pub fn fitting(archive: &Archive) -> Layout {
        Layout::new(archive, RecordKind::ALL.map(|k| bits_for(archive.count(k))))
    }

    pub fn bits(&self, kind: RecordKind) -> u8 {
        self.bits[kind.index()]
    }

    /// Follows rows added to or taken back from the end of the archive's tables.
    pub fn sync(&mut self, archive: &Archive) {
        for kind in RecordKind::ALL {
            let k = kind.index();
            let rows = archive.count(kind);
            while self.row_bucket[k].len() > rows {
                let row = self.row_bucket[k].len() as u32 - 1;
                let bucket = self.row_bucket[k].pop().unwrap_or_default() as usize;
                let members = &mut self.members[k][bucket];
                debug_assert_eq!(members.last(), Some(&row));
                members.pop();
            }
            while self.row_bucket[k].len() < rows {
                let row = self.row_bucket[k].len();
                let id = archive.id_at(kind, row).unwrap_or_default();
                let bucket = bucket_of(id, self.bits[k]);
                self.members[k][bucket].push(row as u32);
                self.row_bucket[k].push(bucket as u32);
            }
        }
    }

    /// Spreads a kind over 2^bits buckets (rows stay where they are).
    pub fn resplit(&mut self, archive: &Archive, kind: RecordKind, bits: u8) {
        let k = kind.index();
        self.bits[k] = bits;
        self.members[k] = vec![Vec::new(); 1 << bits];
        self.row_bucket[k].clear();
        self.sync(archive);
    }

    /// The bucket a record of `kind` is in.
    pub fn bucket(&self, kind: RecordKind, id: Uuid) -> usize {
        bucket_of(id, self.bits[kind.index()])
    }

    /// How many buckets a kind has.
    pub fn buckets(&self, kind: RecordKind) -> usize {
        1 << self.bits[kind.index()]
    }

    /// Whether a kind holds too many records for its buckets.
    pub fn needs_split(&self, archive: &Archive, kind: RecordKind) -> bool {
        archive.count(kind) > SPLIT_AT << self.bits[kind.index()] && self.bits[kind.index()] < MAX_BITS
    }

    /// The stored value of one bucket.
    pub fn encode_bucket(&self, archive: &Archive, kind: RecordKind, bucket: usize) -> Vec<u8> {
        struct Encode<'a>(&'a [u32], Vec<u8>);
        impl TableVisitor for Encode<'_> {
            fn visit<R: Stored>(&mut self, table: &Table<R>) {
                let records: Vec<&R> = self.0.iter().map(|&r| &table.rows()[r as usize]).collect();
                self.1 = encode(&records);
            }
        }
        let mut encoding = Encode(&self.members[kind.index()][bucket], Vec::new());
        archive.visit(kind, &mut encoding);
        encoding.1
    }

    /// The rows of one bucket.
    pub fn members(&self, kind: RecordKind, bucket: usize) -> &[u32] {
        &self.members[kind.index()][bucket]
    }
}

/// A segment body: header, then the records in postcard (compact binary serde). Binary is a
/// third of the JSON size and several times faster to decode, which is what lets 100k customers
/// load in well under a second. Field order is the format: schema changes bump SCHEMA_VERSION
/// and add a migration.
pub fn encode<R: Serialize>(records: &[R]) -> Vec<u8> {
    encode_as(records, SCHEMA_VERSION)
}

/// A segment body as the build writing `schema` made it (tests build old stores with it).
pub fn encode_as<R: Serialize>(records: &[R], schema: u32) -> Vec<u8> {
    let mut body = Vec::with_capacity(HEADER + records.len() * 320);
    body.extend_from_slice(MAGIC);
    body.extend_from_slice(&schema.to_le_bytes());
    in_shape_of(schema, || postcard::to_extend(records, body)).expect("records serialise: plain data")
}

/// The schema a segment was written by (0 if it is not a segment).
pub fn schema_of(body: &[u8]) -> u32 {
    match body.strip_prefix(MAGIC.as_slice()) {
        Some([a, b, c, d, ..]) => u32::from_le_bytes([*a, *b, *c, *d]),
        _ => 0,
    }
}

pub fn decode<R: DeserializeOwned>(key: &str, body: &[u8]) -> Result<Vec<R>, StoreError> {
    let mut records = Vec::new();
    decode_onto(key, body, &mut records)?;
    Ok(records)
}

/// `decode`, the records appended to `out` (nothing is, if the body cannot be read): a load
/// decodes every bucket of a kind into its one list, with no list per bucket to move them from.
pub fn decode_onto<R: DeserializeOwned>(key: &str, body: &[u8], out: &mut Vec<R>) -> Result<(), StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt { key: key.to_owned(), reason };
    if body.len() < HEADER || &body[..4] != MAGIC {
        return Err(corrupt("not a Pocket CRM segment".into()));
    }
    let schema = u32::from_le_bytes([body[4], body[5], body[6], body[7]]);
    if schema > SCHEMA_VERSION {
        return Err(StoreError::Newer);
    }
    let before = out.len();
    let mut input = postcard::Deserializer::from_bytes(&body[HEADER..]);
    let read =
        in_shape_of(schema, || Append(out, room_for(body)).deserialize(&mut input).and_then(|()| input.finalize()));
    let result = match read {
        Ok([]) => return Ok(()),
        Ok(rest) => corrupt(format!("{} unexpected trailing bytes", rest.len())),
        Err(e) => corrupt(e.to_string()),
    };
    out.truncate(before);
    Err(result)
}

/// The fewest bytes a stored record takes: every record starts with its 16-byte id.
const MIN_RECORD_BYTES: usize = 16;

/// The most records `body` could hold, whatever its list's length says.
fn room_for(body: &[u8]) -> usize {
    body.len() / MIN_RECORD_BYTES
}

/// How many records a segment body holds (0 if it is not a segment), read from its list's
/// length without decoding it; a damaged length counts at most what the body's bytes could hold.
pub fn count_of(body: &[u8]) -> usize {
    body.get(HEADER..)
        .filter(|_| body.starts_with(MAGIC))
        .and_then(|list| postcard::take_from_bytes::<u64>(list).ok())
        .map_or(0, |(n, _)| usize::try_from(n).unwrap_or(usize::MAX).min(room_for(body)))
}

/// Deserialises a list by appending its elements to a vector; the second field is the most
/// elements the body could hold (`room_for`).
struct Append<'a, R>(&'a mut Vec<R>, usize);

impl<'de, R: Deserialize<'de>> DeserializeSeed<'de> for Append<'_, R> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, R: Deserialize<'de>> Visitor<'de> for Append<'_, R> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // A damaged length must not reserve gigabytes: at most what the body could hold (and
        // room that cannot be had is left to the pushes, which fail as decoding would).
        let _ = self.0.try_reserve(seq.size_hint().unwrap_or(0).min(self.1));
        while let Some(record) = seq.next_element()? {
            self.0.push(record);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Customer, CustomerKind};

    #[test]
    fn keys_sort_in_bucket_order_and_parse_back() {
        let mut keys: Vec<String> = [10, 2, 255].iter().map(|&n| bucket_key(RecordKind::Customer, 8, n)).collect();
        keys.sort();
        assert_eq!(keys, ["customer/08-0002", "customer/08-000a", "customer/08-00ff"]);
        assert_eq!(parse_bucket_key("rep/00-0000"), Some((RecordKind::Rep, 0, 0)));
        assert_eq!(parse_bucket_key("deal/03-0007"), Some((RecordKind::Deal, 3, 7)));
        for bad in ["deal/03-0008", "invoice/00-0000", "customer/000012", "customer/x", "~file/a/b"] {
            assert_eq!(parse_bucket_key(bad), None, "{bad}");
        }
    }

    #[test]
    fn buckets_spread_ids_evenly_and_depend_on_the_id_alone() {
        assert_eq!(bits_for(0), 0);
        assert_eq!(bits_for(BUCKET_TARGET), 0);
        assert_eq!(bits_for(BUCKET_TARGET + 1), 1);
        assert_eq!(bits_for(100_000), 8);
        let mut counts = vec![0usize; 256];
        for n in 0..100_000u128 {
            counts[bucket_of(Uuid::from_u128(n), 8)] += 1;
        }
        let (min, max) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
        assert!(*min > 300 && *max < 500, "sequential ids spread too: {min}..{max}");
        let id = Uuid::from_u128(12345);
        assert_eq!(bucket_of(id, 8) >> 1, bucket_of(id, 7), "a split halves each bucket");
    }

    #[test]
    fn bodies_round_trip_and_bad_ones_are_reported_not_panicked() {
        let c = Customer::blank(CustomerKind::Individual);
        let body = encode(std::slice::from_ref(&c));
        assert_eq!(decode::<Customer>("k", &body).unwrap(), vec![c]);
        let mut newer = body.clone();
        newer[4] = 99;
        assert_eq!(decode::<Customer>("k", &newer).unwrap_err(), StoreError::Newer);
        let mut truncated = body.clone();
        truncated.truncate(body.len() - 3);
        let mut trailing = body.clone();
        trailing.push(0);
        for bad in
            [vec![], b"{}".to_vec(), b"PCRM".to_vec(), truncated, trailing, b"PCRM\x04\0\0\0\xff\xff\xff".to_vec()]
        {
            let err = decode::<Customer>("customer/00-0000", &bad).unwrap_err();
            assert!(
                matches!(err, StoreError::Corrupt { ref key, .. } if key == "customer/00-0000"),
                "{bad:?}: {err:?}"
            );
        }
    }

    #[test]
    fn bodies_decode_onto_a_list_and_a_bad_one_leaves_it_as_it_was() {
        let named = |name: &str| Customer { name: name.into(), ..Customer::blank(CustomerKind::Individual) };
        let first = encode(&[named("a"), named("b")]);
        let second = encode(&[named("c")]);
        assert_eq!((count_of(&first), count_of(&second), count_of(b"PCRM")), (2, 1, 0));
        let mut list = Vec::new();
        decode_onto::<Customer>("k", &first, &mut list).unwrap();
        decode_onto::<Customer>("k", &second, &mut list).unwrap();
        assert_eq!(list.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
        // The second record cut short: the first, already decoded, is taken back off.
        let mut cut = encode(&[named("d"), named("e")]);
        cut.truncate(cut.len() - 3);
        assert!(matches!(decode_onto::<Customer>("k", &cut, &mut list), Err(StoreError::Corrupt { .. })));
        assert_eq!(list.len(), 3);
        // A damaged length claims more records than the body has bytes: counted at most what
        // the bytes could hold.
        let mut huge = encode::<Customer>(&[]);
        huge.truncate(HEADER);
        huge.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0x0f]);
        huge.resize(HEADER + 5 + 40, 0);
        assert_eq!(count_of(&huge), huge.len() / MIN_RECORD_BYTES);
        assert!(decode_onto::<Customer>("k", &huge, &mut list).is_err());
        assert_eq!(list.len(), 3);
    }

    #[test]
    fn segments_of_schemas_before_7_read_their_inline_lists() {
        let records = crate::domain::demo::generate(
            5,
            40,
            crate::domain::Timestamp(1_790_000_000_000),
            crate::domain::UtcOffset::CHINA,
            "demo",
        );
        let with_lists =
            records.customers.iter().filter(|c| !c.contacts.is_empty() && !c.communications.is_empty()).count();
        assert!(with_lists > 5, "the demo gives customers contacts and follow-ups");
        let old = encode_as(&records.customers, 6);
        let new = encode(&records.customers);
        assert_ne!(old, new);
        assert_eq!(decode::<Customer>("k", &old).unwrap(), records.customers);
        assert_eq!(decode::<Customer>("k", &new).unwrap(), records.customers);
        // A segment of schema 6 written again is in today's shape.
        assert_eq!(encode(&decode::<Customer>("k", &old).unwrap()), new);
    }
}
