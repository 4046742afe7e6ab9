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
    /// Adds one file's objects that could be placed (`places[i]` is the location of
    /// `objects[i]`, `None` when it has none). The result does not depend on the order in which
    /// files are added: the later snapshot wins, and within one snapshot the lower id.
    pub fn add(&mut self, objects: &[Row<Verblijfsobject>], places: &[Option<Location>]) {
        for (row, place) in objects.iter().zip(places) {
            let (v, Some(location)) = (&row.value, *place) else {
                continue;
            };
            let entry = self
                .locations
                .entry(v.id)
                .or_insert((v.peildatum, location));
            if v.peildatum > entry.0 {
                *entry = (v.peildatum, location);
            }
            if let Some(a) = &v.address {
                let seen = (v.peildatum, v.id);
                match self.addresses.get_mut(a) {
                    Some(entry) => {
                        if seen.0 > entry.0 || (seen.0 == entry.0 && seen.1 < entry.1) {
                            *entry = seen;
                        }
                    }
                    None => {
                        self.addresses.insert(a.clone(), seen);
                    }
                }
            }
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::validate::{AreaCode, LocationKey, Origin};

    fn object(peildatum: &str, id: u64, buurt: u32) -> (Row<Verblijfsobject>, Option<Location>) {
        let address = Address {
            postcode: crate::validate::cells::normalise_postcode("2271 AB").expect("a postcode"),
            huisnummer: 12,
            huisletter: "".into(),
            toevoeging: "".into(),
        };
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
            let mut index = ObjectIndex::default();
            for f in order {
                let (rows, places): (Vec<_>, Vec<_>) = files[f].iter().cloned().unzip();
                index.add(&rows, &places);
            }
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
}
