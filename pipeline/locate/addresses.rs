//! The object index: every verblijfsobject of every snapshot by id and by normalised address,
//! for placing RNI and KvK rows (postcode `2271 ab` = `2271AB`; huisletter and toevoeging
//! compare case-insensitively, which `validate` already normalised to upper case). Files read in
//! parallel add to it at the same time (`IndexBuilder`, sharded); entries are kept compact
//! (a packed address, a location by number) because a national drop has ten million objects.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use chrono::NaiveDate;
use rayon::prelude::*;

use super::Location;
use crate::validate::{Address, Row, Verblijfsobject};

/// Maps with a fast hasher: keys come from the drop; no key is chosen by an outsider.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A location by number (its position in `IndexBuilder`'s table): tens of millions of index
/// entries carry 4 bytes instead of a `Location`.
pub type PlaceNumber = u32;

/// Independent parts of the index, each behind its own lock: the files read in parallel add
/// to it at the same time. An id or address always goes to the same shard.
const SHARDS: usize = 64;

/// Collects the index entries of every verblijfsobjecten file, read in parallel.
pub struct IndexBuilder {
    places: Mutex<PlaceTable>,
    shards: Vec<Mutex<Shard>>,
}

#[derive(Default)]
struct PlaceTable {
    numbers: FastMap<Location, PlaceNumber>,
    locations: Vec<Location>,
}

impl PlaceTable {
    fn number(&mut self, location: Location) -> PlaceNumber {
        let next = PlaceNumber::try_from(self.locations.len()).unwrap_or(PlaceNumber::MAX);
        *self.numbers.entry(location).or_insert_with(|| {
            self.locations.push(location);
            next
        })
    }
}

/// Per id the latest (peildatum, place); per address the winning (peildatum, id), see `wins`.
#[derive(Default)]
struct Shard {
    ids: FastMap<u64, (NaiveDate, PlaceNumber)>,
    addresses: FastMap<PackedAddress, (NaiveDate, u64)>,
    /// Addresses with a huisletter or toevoeging too long to pack (rare).
    other_addresses: FastMap<Address, (NaiveDate, u64)>,
}

/// One file's entries for one shard.
#[derive(Default)]
struct Bucket {
    ids: Vec<(u64, NaiveDate, PlaceNumber)>,
    addresses: Vec<(PackedAddress, NaiveDate, u64)>,
    other_addresses: Vec<(Address, NaiveDate, u64)>,
}

fn shard_of(key: u64) -> usize {
    // The top bits of a multiplicative hash (Fibonacci hashing).
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SHARDS.trailing_zeros())) as usize
}

impl Default for IndexBuilder {
    fn default() -> Self {
        IndexBuilder {
            places: Mutex::default(),
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
        }
    }
}

impl IndexBuilder {
    /// The number of each location (`None` stays `None`), the same for a location in every
    /// file.
    pub fn number(&self, places: &[Option<Location>]) -> Vec<Option<PlaceNumber>> {
        let mut local: FastMap<Location, PlaceNumber> = FastMap::default();
        places
            .iter()
            .map(|place| {
                let location = (*place)?;
                Some(
                    *local
                        .entry(location)
                        .or_insert_with(|| lock(&self.places).number(location)),
                )
            })
            .collect()
    }

    /// Adds one file's objects that could be placed (`places[i]` is the number of the location
    /// of `objects[i]`, see `number`; `None` when it has none). The result does not depend on
    /// the order in which files are added: per id the latest snapshot wins; per address the
    /// latest snapshot that has it, and within one snapshot the lowest id (the same address on
    /// two objects is a registry error).
    pub fn add(&self, objects: &[Row<Verblijfsobject>], places: &[Option<PlaceNumber>]) {
        let mut buckets: Vec<Bucket> = (0..SHARDS).map(|_| Bucket::default()).collect();
        for (row, place) in objects.iter().zip(places) {
            let (v, Some(number)) = (&row.value, *place) else {
                continue;
            };
            buckets[shard_of(v.id)]
                .ids
                .push((v.id, v.peildatum, number));
            if let Some(a) = &v.address {
                match PackedAddress::pack(a) {
                    Some(packed) => {
                        buckets[shard_of(packed.fold())]
                            .addresses
                            .push((packed, v.peildatum, v.id))
                    }
                    None => buckets[0]
                        .other_addresses
                        .push((a.clone(), v.peildatum, v.id)),
                }
            }
        }
        buckets
            .into_par_iter()
            .zip(&self.shards)
            .for_each(|(bucket, shard)| lock(shard).add(bucket));
    }

    pub fn build(self) -> ObjectIndex {
        ObjectIndex {
            locations: self
                .places
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner)
                .locations,
            shards: self
                .shards
                .into_iter()
                .map(|s| s.into_inner().unwrap_or_else(PoisonError::into_inner))
                .collect(),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shard {
    fn add(&mut self, bucket: Bucket) {
        for (id, peildatum, place) in bucket.ids {
            let entry = self.ids.entry(id).or_insert((peildatum, place));
            if peildatum > entry.0 {
                *entry = (peildatum, place);
            }
        }
        for (a, peildatum, id) in bucket.addresses {
            keep_winner(
                self.addresses.entry(a).or_insert((peildatum, id)),
                (peildatum, id),
            );
        }
        for (a, peildatum, id) in bucket.other_addresses {
            keep_winner(
                self.other_addresses.entry(a).or_insert((peildatum, id)),
                (peildatum, id),
            );
        }
    }
}

/// Replaces the object held at an address when the one seen wins: a later snapshot, or in the
/// same snapshot a lower id.
fn keep_winner(held: &mut (NaiveDate, u64), seen: (NaiveDate, u64)) {
    if seen.0 > held.0 || (seen.0 == held.0 && seen.1 < held.1) {
        *held = seen;
    }
}

/// An address in 16 bytes: postcode (6), huisnummer (4), huisletter (≤1) and toevoeging (≤4),
/// zero-padded. Addresses whose huisletter or toevoeging is longer, or holds a zero byte, do
/// not pack and are kept as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct PackedAddress(u128);

impl PackedAddress {
    fn pack(a: &Address) -> Option<PackedAddress> {
        let (letter, suffix) = (a.huisletter.as_bytes(), a.toevoeging.as_bytes());
        if letter.len() > 1 || suffix.len() > 4 || letter.contains(&0) || suffix.contains(&0) {
            return None;
        }
        let mut bytes = [0u8; 16];
        bytes[..6].copy_from_slice(a.postcode.as_bytes());
        bytes[6..10].copy_from_slice(&a.huisnummer.to_be_bytes());
        bytes[10..10 + letter.len()].copy_from_slice(letter);
        bytes[11..11 + suffix.len()].copy_from_slice(suffix);
        Some(PackedAddress(u128::from_be_bytes(bytes)))
    }

    /// The two halves folded into one word, to pick a shard.
    fn fold(self) -> u64 {
        (self.0 >> 64) as u64 ^ self.0 as u64
    }
}

/// The finished index.
pub struct ObjectIndex {
    /// Place number → location.
    locations: Vec<Location>,
    shards: Vec<Shard>,
}

impl ObjectIndex {
    /// Every location an object was placed in, by its number.
    pub fn places(&self) -> &[Location] {
        &self.locations
    }

    pub fn by_id(&self, id: u64) -> Option<Location> {
        let (_, place) = self.shards.get(shard_of(id))?.ids.get(&id)?;
        self.locations.get(*place as usize).copied()
    }

    pub fn by_address(&self, address: &Address) -> Option<(u64, Location)> {
        let (_, id) = match PackedAddress::pack(address) {
            Some(packed) => self
                .shards
                .get(shard_of(packed.fold()))?
                .addresses
                .get(&packed)?,
            None => self.shards.first()?.other_addresses.get(address)?,
        };
        Some((*id, self.by_id(*id)?))
    }
}
#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::validate::{AreaCode, LocationKey, Origin};

    fn address(huisletter: &str, toevoeging: &str) -> Address {
        Address {
            postcode: crate::validate::cells::normalise_postcode("2271 AB").expect("a postcode"),
            huisnummer: 12,
            huisletter: huisletter.into(),
            toevoeging: toevoeging.into(),
        }
    }

    fn object(peildatum: &str, id: u64, buurt: u32) -> (Row<Verblijfsobject>, Option<Location>) {
        object_at(peildatum, id, buurt, address("", ""))
    }

    fn object_at(
        peildatum: &str,
        id: u64,
        buurt: u32,
        address: Address,
    ) -> (Row<Verblijfsobject>, Option<Location>) {
        let row = Row {
            origin: Origin {
                file: Arc::from("v.csv"),
                line: 2,
            },
            value: Verblijfsobject {
                peildatum: peildatum.parse().expect("a date"),
                id,
                counted: true,
                leeg: false,
                place: LocationKey::Area(AreaCode::Buurt(buurt)),
                address: Some(address),
            },
        };
        let location = Location {
            gemeente: AreaCode::Gemeente(518),
            wijk: None,
            buurt: Some(AreaCode::Buurt(buurt)),
        };
        (row, Some(location))
    }

    #[test]
    fn later_snapshots_win_whatever_the_order_files_arrive_in() {
        let files = [
            vec![
                object("2024-01-01", 7, 5180101),
                object("2024-01-01", 9, 5180102),
            ],
            vec![
                object("2024-04-01", 9, 5180103),
                object("2024-04-01", 8, 5180104),
            ],
        ];
        let address = files[0][0].0.value.address.clone().expect("an address");
        for order in [[0, 1], [1, 0]] {
            let builder = IndexBuilder::default();
            for f in order {
                let (rows, places): (Vec<_>, Vec<_>) = files[f].iter().cloned().unzip();
                builder.add(&rows, &builder.number(&places));
            }
            let index = builder.build();
            let buurt = |id| index.by_id(id).and_then(|l| l.buurt);
            assert_eq!(buurt(7), Some(AreaCode::Buurt(5180101)));
            assert_eq!(
                buurt(9),
                Some(AreaCode::Buurt(5180103)),
                "the later snapshot"
            );
            // The address is on 8 and 9 in the latest snapshot (a registry error): the lower id.
            let (id, location) = index.by_address(&address).expect("matched");
            assert_eq!((id, location.buurt), (8, Some(AreaCode::Buurt(5180104))));
        }
    }

    #[test]
    fn addresses_differ_by_letter_and_suffix_packed_or_not() {
        let shapes = [
            ("", ""),
            ("A", ""),
            ("", "A"),
            ("A", "1"),
            ("", "BIS"),
            ("", "ZEER LANG"),
            ("AB", ""),
        ];
        let rows: Vec<_> = shapes
            .iter()
            .enumerate()
            .map(|(i, (l, t))| object_at("2024-01-01", i as u64, 5180101 + i as u32, address(l, t)))
            .collect();
        let builder = IndexBuilder::default();
        let (objects, places): (Vec<_>, Vec<_>) = rows.into_iter().unzip();
        builder.add(&objects, &builder.number(&places));
        let index = builder.build();
        let unpacked: usize = index.shards.iter().map(|s| s.other_addresses.len()).sum();
        assert_eq!(unpacked, 2, "the long ones are kept as they are");
        for (i, (l, t)) in shapes.iter().enumerate() {
            let (id, location) = index.by_address(&address(l, t)).expect("matched");
            assert_eq!(id, i as u64, "{l:?} {t:?}");
            assert_eq!(location.buurt, Some(AreaCode::Buurt(5180101 + i as u32)));
        }
        assert!(index.by_address(&address("B", "")).is_none());
        assert!(index.by_id(99).is_none());
    }
}
