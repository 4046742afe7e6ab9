//! RNI registrations (`rni/*`): their contract and row parser (inputs.md §5).

use super::*;

pub const RNI: Contract = Contract {
    source: "rni",
    columns: &[
        "peildatum",
        "ingeschrevenen",
        "verblijfsobject_id",
        "postcode",
        "huisnummer",
        "huisletter",
        "huisnummertoevoeging",
        "gebiedscode",
    ],
    required: &["peildatum", "ingeschrevenen"],
};

#[derive(Debug, Clone)]
pub struct RniRegel {
    pub peildatum: NaiveDate,
    pub key: LocationKey,
    pub ingeschrevenen: i64,
}

pub fn rni(c: &Cells, config: &Config) -> Verdict<RniRegel> {
    (|| {
        Ok(RniRegel {
            peildatum: in_window(config, "peildatum", c.date("peildatum")?)?,
            ingeschrevenen: c.count("ingeschrevenen")?,
            key: location_key(c, "gebiedscode")?,
        })
    })()
    .into()
}
