//! KvK vestigingen (`kvk/*`): their contract and row parser (inputs.md §6).

use super::*;

pub const KVK: Contract = Contract {
    source: "kvk",
    columns: &[
        "vestigingsnummer",
        "kvk_nummer",
        "sbi_code",
        "sbi_versie",
        "datum_inschrijving",
        "datum_uitschrijving",
        "verblijfsobject_id",
        "postcode",
        "huisnummer",
        "huisletter",
        "huisnummertoevoeging",
        "buurtcode",
        "x",
        "y",
    ],
    required: &[
        "vestigingsnummer",
        "kvk_nummer",
        "sbi_code",
        "datum_inschrijving",
    ],
};

#[derive(Debug, Clone)]
pub struct Vestiging {
    pub vestigingsnummer: u64,
    pub sbi_code: String,
    pub sbi_versie: String,
    pub ingeschreven: NaiveDate,
    pub uitgeschreven: Option<NaiveDate>,
    pub key: LocationKey,
}

pub fn vestiging(c: &Cells, config: &Config) -> Verdict<Vestiging> {
    let parsed = (|| {
        let nr = c.req("vestigingsnummer")?;
        let vestigingsnummer = c.digits("vestigingsnummer", 12)?.ok_or_else(|| {
            with_value(
                Problem::new("vestigingsnummer", Rule::OnleesbareWaarde, "not 12 digits"),
                &nr,
            )
        })?;
        c.digits("kvk_nummer", 8)?;
        let sbi_text = c.req("sbi_code")?;
        let sbi_code = cells::normalise_sbi(&sbi_text).ok_or_else(|| {
            with_value(
                Problem::new(
                    "sbi_code",
                    Rule::OnleesbareWaarde,
                    "not an SBI code of 2 to 5 digits",
                ),
                &sbi_text,
            )
        })?;
        let ingeschreven = c.date("datum_inschrijving")?;
        let uitgeschreven = c.opt_date("datum_uitschrijving")?;
        if uitgeschreven.is_some_and(|u| u < ingeschreven) {
            return Err(Problem::new(
                "datum_uitschrijving",
                Rule::OnmogelijkeWaarde,
                "deregistered before it was registered",
            ));
        }
        Ok(Vestiging {
            vestigingsnummer,
            sbi_code,
            sbi_versie: c
                .opt("sbi_versie")
                .map_or_else(|| "2008".into(), |v| v.into_owned()),
            ingeschreven,
            uitgeschreven,
            key: location_key(c, "buurtcode")?,
        })
    })();
    match parsed {
        Ok(v) if !config.kvk.sectors.contains_key(&v.sbi_versie) => Verdict::Error(with_value(
            Problem::new(
                "sbi_versie",
                Rule::SbiVersieZonderIndeling,
                format!(
                    "codes of SBI version {} but the config has no sector mapping for it; add \
                     [kvk.sectors.\"{}\"] with the official list",
                    v.sbi_versie, v.sbi_versie
                ),
            ),
            &v.sbi_versie,
        )),
        other => other.into(),
    }
}
