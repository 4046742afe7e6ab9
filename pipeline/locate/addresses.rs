//! The object index: every verblijfsobject of every snapshot by id and by normalised address,
//! for placing RNI and KvK rows (postcode `2271 ab` = `2271AB`; huisletter and toevoeging
//! compare case-insensitively, which `validate` already normalised to upper case).

use std::collections::HashMap;

use super::Location;
use crate::validate::{Address, Row, Verblijfsobject};

pub struct ObjectIndex {
    /// Id → location in its latest snapshot.
    locations: HashMap<u64, (chrono::NaiveDate, Location)>,
    addresses: HashMap<Address, u64>,
}

impl ObjectIndex {
    pub fn new(rows: &[(&Row<Verblijfsobject>, Location)]) -> ObjectIndex {
        let mut locations: HashMap<u64, (chrono::NaiveDate, Location)> =
            HashMap::with_capacity(rows.len());
        let mut addresses = HashMap::new();
        for (row, location) in rows {
            let v = &row.value;
            let entry = locations.entry(v.id).or_insert((v.peildatum, *location));
            if v.peildatum > entry.0 {
                *entry = (v.peildatum, *location);
            }
            if let Some(a) = &v.address {
                // An address that moved to another object between snapshots: the latest wins.
                let current = addresses.entry(a.clone()).or_insert(v.id);
                if locations
                    .get(current)
                    .is_some_and(|(d, _)| *d < v.peildatum)
                {
                    *current = v.id;
                }
            }
        }
        ObjectIndex {
            locations,
            addresses,
        }
    }

    pub fn by_id(&self, id: u64) -> Option<Location> {
        self.locations.get(&id).map(|(_, l)| *l)
    }

    pub fn by_address(&self, address: &Address) -> Option<(u64, Location)> {
        let id = *self.addresses.get(address)?;
        Some((id, self.by_id(id)?))
    }
}
