//! The object index: every verblijfsobject of every snapshot by id and by normalised address,
//! for placing RNI and KvK rows (postcode `2271 ab` = `2271AB`; huisletter and toevoeging
//! compare case-insensitively, which `validate` already normalised to upper case).

use std::collections::HashMap;

use chrono::NaiveDate;

use super::Location;
use crate::validate::{Address, Row, Verblijfsobject};

/// Maps with a fast hasher: keys are object ids and addresses from the drop, looked up tens of
/// millions of times in a national run; no key is chosen by an outsider.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

#[derive(Default)]
pub struct ObjectIndex {
    /// Id → location in its latest snapshot.
    locations: FastMap<u64, (NaiveDate, Location)>,
    /// Address → the object at it in the latest snapshot that has the address (on a tie, the
    /// lowest id: the same address on two objects of one snapshot is a registry error).
    addresses: FastMap<Address, (NaiveDate, u64)>,
}

impl ObjectIndex {
    /// Builds the index from the objects that could be placed (`places[i]` is the location of
    /// `objects[i]`, `None` when it has none); the two maps are built side by side.
    pub fn new(objects: &[Row<Verblijfsobject>], places: &[Option<Location>]) -> ObjectIndex {
        let placed = || {
            objects
                .iter()
                .zip(places)
                .filter_map(|(row, place)| Some((&row.value, (*place)?)))
        };
        let (locations, addresses) = rayon::join(
            || {
                let mut locations = FastMap::default();
                locations.reserve(objects.len() / 2);
                for (v, location) in placed() {
                    let entry = locations.entry(v.id).or_insert((v.peildatum, location));
                    if v.peildatum > entry.0 {
                        *entry = (v.peildatum, location);
                    }
                }
                locations
            },
            || {
                let mut addresses: FastMap<Address, (NaiveDate, u64)> = FastMap::default();
                for (v, _) in placed() {
                    if let Some(a) = &v.address {
                        let seen = (v.peildatum, v.id);
                        match addresses.get_mut(a) {
                            Some(entry) => {
                                // Later snapshot wins; within one snapshot the lower id.
                                if seen.0 > entry.0 || (seen.0 == entry.0 && seen.1 < entry.1) {
                                    *entry = seen;
                                }
                            }
                            None => {
                                addresses.insert(a.clone(), seen);
                            }
                        }
                    }
                }
                addresses
            },
        );
        ObjectIndex {
            locations,
            addresses,
        }
    }

    pub fn by_id(&self, id: u64) -> Option<Location> {
        self.locations.get(&id).map(|(_, l)| *l)
    }

    pub fn by_address(&self, address: &Address) -> Option<(u64, Location)> {
        let (_, id) = *self.addresses.get(address)?;
        Some((id, self.by_id(id)?))
    }
}
