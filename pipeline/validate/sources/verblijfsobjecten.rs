//! BAG verblijfsobjecten at object level (`verblijfsobjecten/*`): their contract and row parser
//! (inputs.md §4), and which statuses count for leegstand.

use super::*;

pub const VERBLIJFSOBJECTEN: Contract = Contract {
    source: "verblijfsobjecten",
    columns: &[
        "peildatum",
        "verblijfsobject_id",
        "status",
        "gebruiksdoel",
        "buurtcode",
        "x",
        "y",
        "postcode",
        "huisnummer",
        "huisletter",
        "huisnummertoevoeging",
        "bewoners_brp",
        "vestigingen_hr",
        "woz_gebruik",
    ],
    required: &[
        "peildatum",
        "verblijfsobject_id",
        "status",
        "bewoners_brp",
        "vestigingen_hr",
        "woz_gebruik",
    ],
};

/// BAG statuses under which an object counts for leegstand (inputs.md §4).
const COUNTED_STATUSES: [&str; 2] = [
    "verblijfsobject in gebruik",
    "verblijfsobject in gebruik (niet ingemeten)",
];

#[derive(Debug, Clone)]
pub struct Verblijfsobject {
    pub peildatum: NaiveDate,
    pub id: u64,
    /// Status is one of the two "in gebruik" statuses: the object counts for leegstand.
    pub counted: bool,
    pub leeg: bool,
    /// `Area` (buurtcode) or `Point` (x, y).
    pub place: LocationKey,
    pub address: Option<Address>,
}

pub fn verblijfsobject(c: &Cells, config: &Config) -> Verdict<Verblijfsobject> {
    (|| {
        let peildatum = in_window(config, "peildatum", c.date("peildatum")?)?;
        // An id that is there but not 16 digits is reported by `object_id`.
        let id = object_id(c)?.ok_or_else(|| {
            Problem::new(
                "verblijfsobject_id",
                Rule::WaardeOntbreekt,
                "the value is empty",
            )
        })?;
        let status = c.req("status")?;
        let counted = COUNTED_STATUSES
            .iter()
            .any(|s| s.eq_ignore_ascii_case(&status));
        let bewoners = c.count("bewoners_brp")?;
        let vestigingen = c.count("vestigingen_hr")?;
        let woz = c.bool("woz_gebruik")?;
        let place = match (c.area("buurtcode")?, point(c)?) {
            (Some(area), _) => LocationKey::Area(area),
            (None, Some((x, y))) => LocationKey::Point(x, y),
            (None, None) => {
                return Err(Problem::new(
                    "buurtcode",
                    Rule::GeenLocatie,
                    "the object has neither a buurtcode nor x,y coordinates",
                ));
            }
        };
        Ok(Verblijfsobject {
            peildatum,
            id,
            counted,
            leeg: counted && bewoners == 0 && vestigingen == 0 && !woz,
            place,
            address: address(c)?,
        })
    })()
    .into()
}
