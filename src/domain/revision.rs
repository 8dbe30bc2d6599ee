//! Revisions that order changes across tabs and devices: a hybrid logical clock (wall-clock
//! milliseconds plus a counter, never running backwards), the device that made a change, and
//! the ids of entries inside records (a contact, a follow-up, a deal's activity).
//!
//! A [`Stamp`] (clock reading + device) is unique and totally ordered: per field of a record,
//! the change with the greater stamp wins a merge. Stamps are made by the app's [`Clock`] and
//! passed into the domain with the actor, so the domain never reads a clock itself.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A 64-bit number in text formats (JSON: backups, change files, CouchDB documents) as a decimal
/// string, since JavaScript (a browser's `JSON.parse`, pouchdb-server, a CouchDB client) keeps
/// only 53 bits of a number and would change it; in binary formats (the store's segments) as a
/// number. Text written before, with numbers, still reads.
mod big {
    use serde::de::{self, Visitor};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(n: &u64, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(n)
        } else {
            s.serialize_u64(*n)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        struct Either;
        impl Visitor<'_> for Either {
            type Value = u64;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a 64-bit number, or one in a string")
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<u64, E> {
                Ok(n)
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<u64, E> {
                u64::try_from(n).map_err(|_| E::custom("a negative number"))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<u64, E> {
                text.parse().map_err(|_| E::custom(format!("not a number: {text}")))
            }
        }
        if d.is_human_readable() {
            d.deserialize_any(Either)
        } else {
            u64::deserialize(d)
        }
    }
}

/// A hybrid logical clock reading: milliseconds since 1970 in the high 48 bits, a counter in
/// the low 16 (several changes in one millisecond, or a clock that stepped back).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Hlc(#[serde(with = "big")] pub u64);

impl Hlc {
    const COUNTER_BITS: u32 = 16;

    pub fn new(ms: i64, counter: u16) -> Hlc {
        Hlc(((ms.max(0) as u64) << Self::COUNTER_BITS) | u64::from(counter))
    }

    /// The wall-clock part, in milliseconds since 1970.
    pub fn ms(self) -> i64 {
        (self.0 >> Self::COUNTER_BITS) as i64
    }

    pub fn counter(self) -> u16 {
        self.0 as u16
    }
}

/// Which device (browser profile) made a change: a random number chosen once per device.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DeviceId(#[serde(with = "big")] pub u64);

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl DeviceId {
    /// Reads the hex form `Display` writes.
    pub fn parse(text: &str) -> Option<DeviceId> {
        (text.len() == 16).then(|| u64::from_str_radix(text, 16).ok()).flatten().map(DeviceId)
    }
}

/// One change's place in the order of all changes: when (clock reading) and where (device).
/// Ordered by time, then device, so two devices never tie.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp {
    pub at: Hlc,
    pub device: DeviceId,
}

impl Stamp {
    /// Before every real change (records written before revisions existed carry it).
    pub const ZERO: Stamp = Stamp { at: Hlc(0), device: DeviceId(0) };

    /// The wall-clock time of the change.
    pub fn time(self) -> super::records::Timestamp {
        super::records::Timestamp(self.at.ms())
    }
}

/// `00018c2f3a4b0001-1a2b3c4d5e6f7081` in JSON (a backup, a change file, a CouchDB document):
/// one readable string that JavaScript cannot round to a float; two integers in the binary store.
impl Serialize for Stamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.collect_str(&format_args!("{:016x}-{}", self.at.0, self.device))
        } else {
            (self.at, self.device).serialize(serializer)
        }
    }
}

impl<'de> Deserialize<'de> for Stamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Stamp, D::Error> {
        if deserializer.is_human_readable() {
            let text = String::deserialize(deserializer)?;
            Stamp::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("not a revision stamp: {text}")))
        } else {
            let (at, device) = <(Hlc, DeviceId)>::deserialize(deserializer)?;
            Ok(Stamp { at, device })
        }
    }
}

impl Stamp {
    fn parse(text: &str) -> Option<Stamp> {
        let (at, device) = text.split_once('-')?;
        let at = u64::from_str_radix(at, 16).ok()?;
        Some(Stamp { at: Hlc(at), device: DeviceId::parse(device)? })
    }
}

/// A device's hybrid logical clock: every reading is later than the last one and than every
/// stamp it has seen, and close to the wall clock.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    pub device: DeviceId,
    last: Hlc,
}

impl Clock {
    pub fn new(device: DeviceId) -> Clock {
        Clock { device, last: Hlc(0) }
    }

    /// A new stamp at wall-clock time `now_ms`.
    pub fn tick(&mut self, now_ms: i64) -> Stamp {
        let wall = Hlc::new(now_ms, 0);
        self.last = if wall > self.last { wall } else { Hlc(self.last.0 + 1) };
        Stamp { at: self.last, device: self.device }
    }

    /// Moves the clock past a stamp made elsewhere, so the next change orders after it.
    pub fn observe(&mut self, seen: Stamp) {
        self.last = self.last.max(seen.at);
    }

    /// The last reading (or the latest stamp observed).
    pub fn last(&self) -> Hlc {
        self.last
    }
}

/// An entry's id inside its record's list (contacts, follow-ups, orders, activities, history).
/// Ids order by creation: the wall-clock milliseconds in the high 42 bits, then the clock's
/// counter (6 bits) and the entry's number within its change (6 bits), so entries made by one
/// change, or in one millisecond, read in the order they were made; the low 10 bits are mixed
/// from the device, so two devices adding to one record in the same instant do not collide.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntryId(#[serde(with = "big")] pub u64);

impl EntryId {
    const LOW_BITS: u32 = 22;

    /// The `n`-th entry a change (`stamp`) adds to one record.
    pub fn new(stamp: Stamp, n: u32) -> EntryId {
        let order = (u64::from(stamp.at.counter()).min(63) << 16) | (u64::from(n).min(63) << 10);
        Self::at(stamp.at.ms(), order | (mix(stamp.device.0) & 0x3ff))
    }

    /// An id for an entry made at `ms` (migrations and demo data derive the low bits from what
    /// they convert, so the same data gets the same ids everywhere).
    pub fn at(ms: i64, low: u64) -> EntryId {
        EntryId(((ms.max(0) as u64) << Self::LOW_BITS) | (low & ((1 << Self::LOW_BITS) - 1)))
    }

    /// 16 hex digits: the form in file keys.
    pub fn hex(self) -> String {
        format!("{:016x}", self.0)
    }

    pub fn from_hex(text: &str) -> Option<EntryId> {
        (text.len() == 16).then(|| u64::from_str_radix(text, 16).ok()).flatten().map(EntryId)
    }
}

/// A 64-bit finaliser (splitmix64): spreads nearby inputs over all bits.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_never_runs_backwards_and_passes_what_it_saw() {
        let mut clock = Clock::new(DeviceId(7));
        let a = clock.tick(1_000);
        let b = clock.tick(1_000);
        let c = clock.tick(900); // the wall clock stepped back
        assert!(a < b && b < c, "{a:?} {b:?} {c:?}");
        assert_eq!((a.at.ms(), b.at.counter()), (1_000, 1));
        clock.observe(Stamp { at: Hlc::new(5_000, 3), device: DeviceId(9) });
        let d = clock.tick(1_001);
        assert!(d.at > Hlc::new(5_000, 3) && d.device == DeviceId(7));
        assert_eq!(clock.tick(6_000).at, Hlc::new(6_000, 0));
    }

    #[test]
    fn stamps_tie_break_by_device_and_read_back_from_json_and_binary() {
        let one = Stamp { at: Hlc::new(1_790_000_000_000, 2), device: DeviceId(1) };
        let two = Stamp { device: DeviceId(2), ..one };
        assert!(one < two && Stamp::ZERO < one);
        let json = serde_json::to_string(&two).unwrap();
        assert_eq!(json, format!("\"{:016x}-0000000000000002\"", two.at.0));
        assert_eq!(serde_json::from_str::<Stamp>(&json).unwrap(), two);
        assert!(serde_json::from_str::<Stamp>("\"12-34\"").is_err());
        let bytes = postcard::to_allocvec(&two).unwrap();
        assert_eq!(postcard::from_bytes::<Stamp>(&bytes).unwrap(), two);
    }

    #[test]
    fn entry_ids_order_by_time_and_differ_between_devices_and_numbers() {
        let stamp = |ms, device| Stamp { at: Hlc::new(ms, 0), device: DeviceId(device) };
        let early = EntryId::new(stamp(1_000, 1), 0);
        let late = EntryId::new(stamp(1_001, 1), 0);
        assert!(early < late);
        assert_ne!(EntryId::new(stamp(1_000, 1), 0), EntryId::new(stamp(1_000, 2), 0));
        assert!(EntryId::new(stamp(1_000, 1), 0) < EntryId::new(stamp(1_000, 1), 1), "in the order a change made them");
        let next = Stamp { at: Hlc::new(1_000, 1), device: DeviceId(1) };
        assert!(EntryId::new(stamp(1_000, 1), 5) < EntryId::new(next, 0), "then by the clock's counter");
        assert_eq!(EntryId::from_hex(&late.hex()), Some(late));
        assert_eq!(EntryId::from_hex("xyz"), None);
    }
}
