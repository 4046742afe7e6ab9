//! The demo's yearly-evaluation inputs, synthetic from their own random streams: the efforts of
//! the plan of approach (`inspanningen/`, per gemeente and a few regional ones) and the victims
//! reported by the partners (`slachtoffers/`), calibrated to the seeds' published figures
//! (fixtures/demo/README.md).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rand::Rng;
use rand::distr::{Distribution, weighted::WeightedIndex};
use rand_chacha::ChaCha8Rng;

use super::{Gemeente, poisson};

/// The efforts of the yearly evaluation, per 10,000 inwoners a year (persons: victims and
/// cases, Poisson), calibrated to the published figures (fixtures/demo/README.md): Gooi en
/// Vechtstreek (about 250,000 inwoners) checked 433 sex advertisements in ten months of 2019;
/// Hollands Midden's care coordinator registered 2 to 14 victims a year for 800,000 inwoners.
const INSPANNINGEN: [(&str, &str, f64); 15] = [
    ("bewustwording", "professionals_getraind", 6.0),
    ("bewustwording", "campagne_bereik", 60.0),
    ("bewustwording", "risicosectoren_bereikt", 3.0),
    ("handhaving", "bibob_toetsen", 1.0),
    ("handhaving", "controles", 2.0),
    ("handhaving", "prostitutiecontroles", 0.5),
    ("handhaving", "advertenties_gecontroleerd", 18.0),
    ("handhaving", "maatregelen", 0.4),
    ("ondersteuning", "slachtoffers_ondersteund", 0.15),
    ("ondersteuning", "opvang", 0.06),
    ("ondersteuning", "medische_zorg", 0.05),
    ("ondersteuning", "juridische_hulp", 0.08),
    ("samenwerking", "casusoverleggen", 0.6),
    ("samenwerking", "casussen_riec", 0.2),
    ("samenwerking", "casussen_mensenhandeltafel", 0.1),
];

/// Synthetic efforts, 2021–2024 (Zoetermeer–Leidschendam district from 2022, like its signals):
/// Den Haag reports per quarter, that district per half-year (StatLine codes), the others per
/// year. The approach grows: about 12 % more work each year.
pub(super) fn inspanningen(gemeenten: &[Gemeente], rng: &mut ChaCha8Rng) -> String {
    let mut out = String::from("gebiedscode,periode,onderdeel,indicator,aantal\n");
    for g in gemeenten {
        let code = g.area.code.to_string();
        let district_zlv = ["GM0629", "GM0637", "GM1916", "GM1926"].contains(&code.as_str());
        let steps: &[&str] = if code == "GM0518" {
            &["-Q1", "-Q2", "-Q3", "-Q4"]
        } else if district_zlv {
            &["HJ01", "HJ02"]
        } else {
            &[""]
        };
        let first_year = if district_zlv { 2022 } else { 2021 };
        for year in first_year..=2024 {
            let growth = 1.12f64.powi(year - 2021);
            for (onderdeel, indicator, per_10000) in INSPANNINGEN {
                let mean =
                    g.area.inwoners() as f64 / 10_000.0 * per_10000 * growth / steps.len() as f64;
                for step in steps {
                    let n = if mean > 30.0 {
                        (mean * rng.random_range(0.8..1.2)).round() as i64
                    } else {
                        poisson(rng, mean)
                    };
                    let _ = writeln!(out, "{code},{year}{step},{onderdeel},{indicator},{n}");
                }
            }
        }
    }
    // Regional efforts, drawn after every gemeente's (which they leave as they were): the
    // regio's advertisement checks and the Zoetermeer–Leidschendam district's HEIT controls.
    for year in 2022..=2024 {
        let growth = 1.12f64.powi(year - 2021);
        let ads = (400.0 * growth * rng.random_range(0.9..1.1)).round() as i64;
        let _ = writeln!(
            out,
            "RIEC-DH,{year},handhaving,advertenties_gecontroleerd,{ads}"
        );
        let heit = poisson(rng, 12.0 * growth);
        let _ = writeln!(out, "ZLV,{year},handhaving,controles,{heit}");
    }
    out
}

/// Victims reported per 10,000 inwoners a year (CoMensha registers about 1,500 a year for
/// 17.9 million inwoners: 0.8), growing about 8 % a year as the partners look harder.
const SLACHTOFFERS_PER_10000: f64 = 0.8;

/// Who reported a victim, with weights: CoMensha most, then the police, then the partners
/// Leidschendam-Voorburg names (SHOP, FairWork, the labour inspectorate).
const VICTIM_SOURCES: [(&str, f64); 7] = [
    ("comensha", 0.35),
    ("politie", 0.20),
    ("shop", 0.10),
    ("fairwork", 0.10),
    ("nla", 0.10),
    ("veilig_thuis", 0.05),
    ("overig", 0.10),
];

/// The form of exploitation, as in the Hollands Midden victim figures (sexual most).
const VICTIM_FORMS: [(&str, f64); 5] = [
    ("seksueel", 0.45),
    ("arbeid", 0.30),
    ("crimineel", 0.15),
    ("crimineel_seksueel", 0.05),
    ("onbekend", 0.05),
];

/// Age classes (Gooi en Vechtstreek: mostly younger than 30); SHOP's victims are all under 18.
const VICTIM_AGES: [(&str, f64); 5] = [
    ("0-17", 0.15),
    ("18-22", 0.25),
    ("23-29", 0.25),
    ("30+", 0.30),
    ("onbekend", 0.05),
];

/// Gender: mostly women, nearly all women in sexual exploitation (Gooi en Vechtstreek).
const VICTIM_GENDERS: [(&str, f64); 4] = [
    ("vrouw", 0.55),
    ("man", 0.40),
    ("anders", 0.01),
    ("onbekend", 0.04),
];

fn draw<'a>(rng: &mut ChaCha8Rng, weights: &[(&'a str, f64)]) -> &'a str {
    WeightedIndex::new(weights.iter().map(|(_, w)| *w))
        .map(|d| weights[d.sample(rng)].0)
        .unwrap_or(weights[0].0)
}

/// Synthetic victims, 2019–2024, per gemeente and year as the partners deliver them: one row
/// per combination of source, form, age class and gender that occurs, with its count.
pub(super) fn slachtoffers(gemeenten: &[Gemeente], rng: &mut ChaCha8Rng) -> String {
    let mut out = String::from("jaar,gemeentecode,bron,vorm,leeftijdsklasse,geslacht,aantal\n");
    for g in gemeenten {
        let code = g.area.code.to_string();
        for year in 2019..=2024 {
            let mean = g.area.inwoners() as f64 / 10_000.0
                * SLACHTOFFERS_PER_10000
                * 1.08f64.powi(year - 2019);
            let mut cells: BTreeMap<(&str, &str, &str, &str), i64> = BTreeMap::new();
            for _ in 0..poisson(rng, mean) {
                let bron = draw(rng, &VICTIM_SOURCES);
                let vorm = draw(rng, &VICTIM_FORMS);
                let leeftijd = if bron == "shop" {
                    "0-17"
                } else {
                    draw(rng, &VICTIM_AGES)
                };
                let geslacht = if vorm == "seksueel" && rng.random_bool(0.9) {
                    "vrouw"
                } else {
                    draw(rng, &VICTIM_GENDERS)
                };
                *cells.entry((bron, vorm, leeftijd, geslacht)).or_default() += 1;
            }
            // A year without victims is delivered as one row of 0, so that it reads 0, not
            // "not delivered".
            if cells.is_empty() {
                cells.insert(("overig", "onbekend", "onbekend", "onbekend"), 0);
            }
            for ((bron, vorm, leeftijd, geslacht), n) in cells {
                let _ = writeln!(out, "{year},{code},{bron},{vorm},{leeftijd},{geslacht},{n}");
            }
        }
    }
    out
}
