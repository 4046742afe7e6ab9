//! The contract of each input (inputs.md §2–7) and the parser that turns one file's text rows
//! into typed rows of that source. Cross-file rules (duplicate keys, herindeling chains) and
//! rules that need geography (unknown areas, addresses) live in the caller and in `locate`.

use crate::validate::Rule;
use chrono::NaiveDate;
use risicobeeld_snapshot::vocabulary::FASEN;

use super::cells::{self, AreaCode, Postcode};
use super::{Cells, Problem, Verdict};
use crate::calendar::{Grain, Period};
use crate::config::Config;
use crate::ingest::Cell;
use crate::ingest::Contract;

pub const DISTRICTEN: Contract = Contract {
    source: "districten",
    columns: &[
        "gemeentecode",
        "district_code",
        "district_naam",
        "regio_code",
        "regio_naam",
    ],
    required: &[
        "gemeentecode",
        "district_code",
        "district_naam",
        "regio_code",
        "regio_naam",
    ],
};

pub const HERINDELINGEN: Contract = Contract {
    source: "herindelingen",
    columns: &["oude_gemeentecode", "nieuwe_gemeentecode", "ingangsdatum"],
    required: &["oude_gemeentecode", "nieuwe_gemeentecode", "ingangsdatum"],
};

pub const BEVOLKING: Contract = Contract {
    source: "bevolking",
    columns: &["gebiedscode", "jaar", "inwoners"],
    required: &["gebiedscode", "jaar", "inwoners"],
};

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

pub const LEEGSTAND: Contract = Contract {
    source: "leegstand",
    columns: &[
        "gebiedscode",
        "peildatum",
        "verblijfsobjecten_in_gebruik",
        "administratief_leeg",
    ],
    required: &[
        "gebiedscode",
        "peildatum",
        "verblijfsobjecten_in_gebruik",
        "administratief_leeg",
    ],
};

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

pub const SIGNALEN: Contract = Contract {
    source: "signalen",
    columns: &["periode", "gebiedscode", "bron", "vorm", "fase", "aantal"],
    required: &["periode", "gebiedscode", "bron", "vorm", "fase", "aantal"],
};

pub const INSPANNINGEN: Contract = Contract {
    source: "inspanningen",
    columns: &[
        "gemeentecode",
        "periode",
        "onderdeel",
        "indicator",
        "aantal",
    ],
    required: &[
        "gemeentecode",
        "periode",
        "onderdeel",
        "indicator",
        "aantal",
    ],
};

/// The contract of an input by its config name.
pub fn contract(input: &str) -> Option<&'static Contract> {
    Some(match input {
        "districten" => &DISTRICTEN,
        "herindelingen" => &HERINDELINGEN,
        "bevolking" => &BEVOLKING,
        "verblijfsobjecten" => &VERBLIJFSOBJECTEN,
        "leegstand" => &LEEGSTAND,
        "rni" => &RNI,
        "kvk" => &KVK,
        "signalen" => &SIGNALEN,
        "inspanningen" => &INSPANNINGEN,
        _ => return None,
    })
}

pub const BRONNEN: [&str; 12] = [
    "intern", "extern", "website", "mma", "politie", "shop", "comensha", "fairwork", "nla", "heit",
    "riec", "overig",
];
/// The signal forms (inputs.md) and the `gebied_indicatoren` column each one counts in: the
/// three main forms have a column of their own, the others count in `signalen_overig`
/// (outputs.md §2). The one definition: the SQL groups by it (`stg_vormen.kolom` in
/// `int_signalen`), and disclosure control's relations `signalen_<vorm> = Σ forms` come from it.
pub const SIGNAALVORMEN: [(&str, &str); 7] = [
    ("seksueel", "signalen_seksueel"),
    ("crimineel", "signalen_crimineel"),
    ("arbeid", "signalen_arbeid"),
    ("crimineel_seksueel", "signalen_overig"),
    ("orgaan", "signalen_overig"),
    ("overig", "signalen_overig"),
    ("onbekend", "signalen_overig"),
];

/// The names of the signal forms, in `SIGNAALVORMEN` order.
pub const VORMEN: [&str; 7] = crate::config::names_of(&SIGNAALVORMEN);

/// The `gebied_indicatoren` columns that count signals by form, in `SIGNAALVORMEN` order.
pub fn signal_form_columns() -> Vec<&'static str> {
    let mut columns: Vec<&str> = Vec::new();
    for (_, kolom) in SIGNAALVORMEN {
        if !columns.contains(&kolom) {
            columns.push(kolom);
        }
    }
    columns
}

/// The forms that count in the `gebied_indicatoren` column `kolom`.
pub fn vormen_in(kolom: &str) -> Vec<&'static str> {
    SIGNAALVORMEN
        .iter()
        .filter(|(_, k)| *k == kolom)
        .map(|(v, _)| *v)
        .collect()
}

/// BAG statuses under which an object counts for leegstand (inputs.md §4).
const COUNTED_STATUSES: [&str; 2] = [
    "verblijfsobject in gebruik",
    "verblijfsobject in gebruik (niet ingemeten)",
];

#[derive(Debug, Clone)]
pub struct District {
    pub gemeente: AreaCode,
    pub district_code: String,
    pub district_naam: String,
    pub regio_code: String,
    pub regio_naam: String,
}

#[derive(Debug, Clone)]
pub struct Herindeling {
    pub oud: AreaCode,
    pub nieuw: AreaCode,
    pub ingangsdatum: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct Bevolking {
    pub area: AreaCode,
    pub jaar: i32,
    pub inwoners: i64,
}

/// A normalised Dutch address: `2271AB`, 12, `A`, `BIS`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address {
    pub postcode: Postcode,
    pub huisnummer: u32,
    /// Upper case; empty when absent (an empty `Box<str>` does not allocate).
    pub huisletter: Box<str>,
    pub toevoeging: Box<str>,
}

/// Where a row of RNI, KvK or verblijfsobjecten is, as delivered.
#[derive(Debug, Clone, PartialEq)]
pub enum LocationKey {
    Object(u64),
    Address(Address),
    Area(AreaCode),
    /// RD New metres.
    Point(f64, f64),
}

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

#[derive(Debug, Clone)]
pub struct LeegstandAggregaat {
    pub area: AreaCode,
    pub peildatum: NaiveDate,
    pub in_gebruik: i64,
    pub leeg: i64,
}

#[derive(Debug, Clone)]
pub struct RniRegel {
    pub peildatum: NaiveDate,
    pub key: LocationKey,
    pub ingeschrevenen: i64,
}

#[derive(Debug, Clone)]
pub struct Vestiging {
    pub vestigingsnummer: u64,
    pub sbi_code: String,
    pub sbi_versie: String,
    pub ingeschreven: NaiveDate,
    pub uitgeschreven: Option<NaiveDate>,
    pub key: LocationKey,
}

#[derive(Debug, Clone)]
pub struct Signaal {
    /// The delivered period, already checked to fit in the output grain.
    pub periode: Period,
    pub area: AreaCode,
    pub bron: &'static str,
    pub vorm: &'static str,
    pub fase: u8,
    pub aantal: i64,
}

/// One delivered effort count (inputs: `inspanningen`).
#[derive(Debug, Clone)]
pub struct Inspanning {
    pub gemeente: AreaCode,
    pub jaar: i32,
    /// 1 or 2 for a row of a half-year, quarter or month; `None` for a row of a whole year.
    pub halfjaar: Option<u8>,
    /// A code of `config::ONDERDELEN`.
    pub onderdeel: &'static str,
    /// A key of `[evaluatie.indicatoren]`.
    pub indicator: String,
    pub aantal: i64,
}

fn with_value(p: Problem, value: &str) -> Problem {
    Problem {
        value: Some(value.to_string()),
        ..p
    }
}

fn in_window(config: &Config, column: &'static str, date: NaiveDate) -> Result<NaiveDate, Problem> {
    let v = &config.validation;
    if date < v.window_start || date > v.window_end {
        return Err(with_value(
            Problem::new(
                column,
                Rule::DatumBuitenVenster,
                format!(
                    "the date lies outside the configured window {} – {} (validation.window_start/window_end)",
                    v.window_start, v.window_end
                ),
            ),
            &date.to_string(),
        ));
    }
    Ok(date)
}

fn req_area(c: &Cells, column: &'static str) -> Result<AreaCode, Problem> {
    c.area(column)?
        .ok_or_else(|| Problem::new(column, Rule::WaardeOntbreekt, "the area code is empty"))
}

fn gemeente_code(c: &Cells, column: &'static str) -> Result<AreaCode, Problem> {
    match req_area(c, column)? {
        gm @ AreaCode::Gemeente(_) => Ok(gm),
        other => Err(with_value(
            Problem::new(
                column,
                Rule::OnleesbareWaarde,
                "expected a gemeente code (GM + 4 digits)",
            ),
            &other.to_string(),
        )),
    }
}

fn object_id(c: &Cells) -> Result<Option<u64>, Problem> {
    c.digits("verblijfsobject_id", 16)
}

fn address(c: &Cells) -> Result<Option<Address>, Problem> {
    let Some(pc) = c.opt("postcode") else {
        return Ok(None);
    };
    let postcode = cells::normalise_postcode(&pc).ok_or_else(|| {
        with_value(
            Problem::new(
                "postcode",
                Rule::OnleesbareWaarde,
                "not a Dutch postcode (1234 AB)",
            ),
            &pc,
        )
    })?;
    let nr = c.req_cell("huisnummer")?;
    let huisnummer = match nr {
        Cell::Int(n) => u32::try_from(n).ok(),
        other => other.text().parse::<u32>().ok(),
    };
    let huisnummer = huisnummer.filter(|n| *n > 0).ok_or_else(|| {
        with_value(
            Problem::new("huisnummer", Rule::OnleesbareWaarde, "not a house number"),
            &nr.text(),
        )
    })?;
    let upper = |col| -> Box<str> {
        c.opt(col)
            .map(|s| s.trim().to_uppercase().into_boxed_str())
            .unwrap_or_default()
    };
    Ok(Some(Address {
        postcode,
        huisnummer,
        huisletter: upper("huisletter"),
        toevoeging: upper("huisnummertoevoeging"),
    }))
}

fn point(c: &Cells) -> Result<Option<(f64, f64)>, Problem> {
    match (c.decimal("x")?, c.decimal("y")?) {
        (Some(x), Some(y)) => Ok(Some((x, y))),
        (None, None) => Ok(None),
        _ => Err(Problem::new(
            "x",
            Rule::WaardeOntbreekt,
            "x and y must be given together",
        )),
    }
}

/// The location key of an RNI or KvK row: object id, address, area code or point, the first
/// one given in that order.
fn location_key(c: &Cells, area_column: &'static str) -> Result<LocationKey, Problem> {
    if let Some(id) = object_id(c)? {
        return Ok(LocationKey::Object(id));
    }
    if let Some(a) = address(c)? {
        return Ok(LocationKey::Address(a));
    }
    if let Some(area) = c.area(area_column)? {
        return Ok(LocationKey::Area(area));
    }
    if c.table_has("x")
        && let Some((x, y)) = point(c)?
    {
        return Ok(LocationKey::Point(x, y));
    }
    Err(Problem::new(
        area_column,
        Rule::GeenLocatie,
        "the row has no location: give verblijfsobject_id, an address (postcode, huisnummer) or an area code",
    ))
}

pub fn district(c: &Cells) -> Verdict<District> {
    let parsed = (|| {
        Ok(District {
            gemeente: gemeente_code(c, "gemeentecode")?,
            district_code: c.req("district_code")?.to_string(),
            district_naam: c.req("district_naam")?.to_string(),
            regio_code: c.req("regio_code")?.to_string(),
            regio_naam: c.req("regio_naam")?.to_string(),
        })
    })();
    match parsed {
        Ok(d) => match unsafe_code(&d) {
            Some(problem) => Verdict::Error(problem),
            None => Verdict::Keep(d),
        },
        Err(problem) => Verdict::Quarantine(problem),
    }
}

/// A district or regio code that cannot be a directory name (`district=<code>`) stops the run:
/// leaving the row out would silently drop the gemeente from its district.
fn unsafe_code(d: &District) -> Option<Problem> {
    [
        ("district_code", &d.district_code),
        ("regio_code", &d.regio_code),
    ]
    .into_iter()
    .find(|(_, code)| !crate::codes::is_safe_code(code))
    .map(|(column, code)| {
        Problem::new(
            column,
            Rule::OngeldigeCode,
            format!(
                "{code:?} is not a valid code: use {}",
                crate::codes::SAFE_CODE_RULE
            ),
        )
        .with_value(code)
    })
}

pub fn herindeling(c: &Cells) -> Verdict<Herindeling> {
    (|| {
        Ok(Herindeling {
            oud: gemeente_code(c, "oude_gemeentecode")?,
            nieuw: gemeente_code(c, "nieuwe_gemeentecode")?,
            ingangsdatum: c.date("ingangsdatum")?,
        })
    })()
    .into()
}

pub fn bevolking(c: &Cells) -> Verdict<Bevolking> {
    (|| {
        let jaar_text = c.req("jaar")?;
        let jaar = Period::parse(&jaar_text)
            .filter(|p| p.grain == Grain::Jaar)
            .map(|p| p.year)
            .ok_or_else(|| {
                with_value(
                    Problem::new(
                        "jaar",
                        Rule::OnleesbareWaarde,
                        "not a year (2024 or 2024JJ00)",
                    ),
                    &jaar_text,
                )
            })?;
        Ok(Bevolking {
            area: req_area(c, "gebiedscode")?,
            jaar,
            inwoners: c.count("inwoners")?,
        })
    })()
    .into()
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

pub fn leegstand(c: &Cells, config: &Config) -> Verdict<LeegstandAggregaat> {
    (|| {
        let row = LeegstandAggregaat {
            area: req_area(c, "gebiedscode")?,
            peildatum: in_window(config, "peildatum", c.date("peildatum")?)?,
            in_gebruik: c.count("verblijfsobjecten_in_gebruik")?,
            leeg: c.count("administratief_leeg")?,
        };
        if row.leeg > row.in_gebruik {
            return Err(Problem::new(
                "administratief_leeg",
                Rule::OnmogelijkeWaarde,
                format!(
                    "{} vacant objects is more than the {} objects in use",
                    row.leeg, row.in_gebruik
                ),
            ));
        }
        Ok(row)
    })()
    .into()
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

fn normalise_word(text: &str) -> String {
    text.trim().to_lowercase().replace(['/', ' ', '-'], "_")
}

fn one_of(
    column: &'static str,
    text: &str,
    allowed: &'static [&'static str],
) -> Result<&'static str, Problem> {
    let word = normalise_word(text);
    allowed.iter().copied().find(|a| *a == word).ok_or_else(|| {
        with_value(
            Problem::new(
                column,
                Rule::OnbekendeWaarde,
                format!("not one of: {}", allowed.join(", ")),
            ),
            text,
        )
    })
}

fn fase(text: &str) -> Result<u8, Problem> {
    let word = normalise_word(text);
    let digit = word
        .split('_')
        .next()
        .and_then(|d| d.parse::<u8>().ok())
        .filter(|d| (1..=5).contains(d));
    let named = FASEN
        .iter()
        .find(|f| word.ends_with(f.code))
        .map(|f| f.nummer);
    digit.or(named).ok_or_else(|| {
        with_value(
            Problem::new(
                "fase",
                Rule::OnbekendeWaarde,
                "not a phase 1–5 (ontvangst … actie)",
            ),
            text,
        )
    })
}

/// A cell that looks like personal data, anywhere in a signals row.
fn personal_data(c: &Cells) -> Option<Problem> {
    c.all().find_map(|(column, value)| {
        let kind = if cells::looks_like_bsn(&value) {
            "a BSN (9 digits passing the elfproef)"
        } else if cells::looks_like_email(&value) {
            "an e-mail address"
        } else if cells::looks_like_phone(&value) {
            "a phone number"
        } else {
            return None;
        };
        Some(Problem::new(
            column,
            Rule::Persoonsgegevens,
            format!("the value looks like {kind}; signals are counts, never persons: remove it from the file"),
        ))
    })
}

pub fn signaal(c: &Cells, config: &Config) -> Verdict<Signaal> {
    if let Some(p) = personal_data(c) {
        return Verdict::Error(p);
    }
    (|| {
        let text = c.req("periode")?;
        let periode = Period::parse(&text).ok_or_else(|| {
            with_value(
                Problem::new("periode", Rule::OnleesbareWaarde, "not a period (2024-03, 2024-Q1, 2024MM03, 2024KW01)"),
                &text,
            )
        })?;
        if !periode.fits_in(config.grain) {
            return Err(with_value(
                Problem::new(
                    "periode",
                    Rule::GrainTeGrof,
                    format!(
                        "a {} row cannot be split into the output grain '{}'; deliver finer rows or set a coarser grain",
                        periode.grain.name(),
                        config.grain.name()
                    ),
                ),
                &text,
            ));
        }
        in_window(config, "periode", periode.start())?;
        let area = req_area(c, "gebiedscode")?;
        if matches!(area, AreaCode::Buurt(_)) {
            return Err(with_value(
                Problem::new("gebiedscode", Rule::OnleesbareWaarde, "signals are delivered per gemeente (GM) or wijk (WK)"),
                &area.to_string(),
            ));
        }
        Ok(Signaal {
            periode,
            area,
            bron: one_of("bron", &c.req("bron")?, &BRONNEN)?,
            vorm: one_of("vorm", &c.req("vorm")?, &VORMEN)?,
            fase: fase(&c.req("fase")?)?,
            aantal: c.count("aantal")?,
        })
    })()
    .into()
}

/// The period of an effort row: a year (`2024`, `2024JJ00`), a half-year (`2024-H1`, `2024HJ01`),
/// or a quarter or month as elsewhere. Returns the year and, below a year, the half.
fn effort_period(text: &str) -> Option<(i32, Option<u8>)> {
    let t = text.trim().to_ascii_uppercase();
    let half = t
        .strip_suffix("-H1")
        .or(t.strip_suffix("HJ01"))
        .map(|y| (y, 1))
        .or_else(|| {
            t.strip_suffix("-H2")
                .or(t.strip_suffix("HJ02"))
                .map(|y| (y, 2))
        });
    if let Some((year, h)) = half {
        let year = Period::parse(year).filter(|p| p.grain == Grain::Jaar)?.year;
        return Some((year, Some(h)));
    }
    let p = Period::parse(&t)?;
    Some(match p.grain {
        Grain::Jaar => (p.year, None),
        _ => (p.year, Some(if p.first_month <= 6 { 1 } else { 2 })),
    })
}

/// The part of the evaluation a cell names: its code, or its title (`Handhaving en barrières`).
fn onderdeel(text: &str) -> Option<&'static str> {
    let word = normalise_word(text).replace('è', "e");
    crate::config::ONDERDELEN
        .iter()
        .map(|(code, _)| *code)
        .find(|code| word.starts_with(code))
}

pub fn inspanning(c: &Cells, config: &Config) -> Verdict<Inspanning> {
    if let Some(p) = personal_data(c) {
        return Verdict::Error(p);
    }
    (|| {
        let gemeente = gemeente_code(c, "gemeentecode")?;
        let text = c.req("periode")?;
        let (jaar, halfjaar) = effort_period(&text).ok_or_else(|| {
            with_value(
                Problem::new(
                    "periode",
                    Rule::OnleesbareWaarde,
                    "not a period (2024, 2024-H1, 2024-Q1, 2024-03 or the StatLine codes)",
                ),
                &text,
            )
        })?;
        let start = NaiveDate::from_ymd_opt(jaar, 1, 1).unwrap_or(NaiveDate::MIN);
        in_window(config, "periode", start)?;
        let part_text = c.req("onderdeel")?;
        let part = onderdeel(&part_text).ok_or_else(|| {
            with_value(
                Problem::new(
                    "onderdeel",
                    Rule::OnbekendeWaarde,
                    format!(
                        "not one of the five parts: {}",
                        crate::config::ONDERDELEN.map(|(code, _)| code).join(", ")
                    ),
                ),
                &part_text,
            )
        })?;
        let indicator_text = c.req("indicator")?;
        let indicator = normalise_word(&indicator_text);
        let Some(def) = config.evaluatie.indicatoren.get(&indicator) else {
            return Err(with_value(
                Problem::new(
                    "indicator",
                    Rule::OnbekendeWaarde,
                    format!(
                        "not an indicator of [evaluatie.indicatoren] (known: {}); add it to the config or correct the name",
                        config.evaluatie.indicatoren.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
                    ),
                ),
                &indicator_text,
            ));
        };
        if def.onderdeel != part {
            return Err(with_value(
                Problem::new(
                    "onderdeel",
                    Rule::OnmogelijkeWaarde,
                    format!("{indicator} belongs to the part '{}'", def.onderdeel),
                ),
                &part_text,
            ));
        }
        Ok(Inspanning {
            gemeente,
            jaar,
            halfjaar,
            onderdeel: part,
            indicator,
            aantal: c.count("aantal")?,
        })
    })()
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_signal_form_counts_in_one_published_form_column() {
        // The published sensitive columns `signalen_<x>` besides the total are exactly the
        // columns the forms count in: a new form or column cannot make the SQL and the
        // disclosure audit's relations disagree.
        let published: Vec<&str> = risicobeeld_snapshot::tables::SENSITIVE
            .into_iter()
            .filter(|c| c.starts_with("signalen_") && *c != "signalen_totaal")
            .collect();
        assert_eq!(signal_form_columns(), published);
        let mut counted: Vec<&str> = published.iter().flat_map(|c| vormen_in(c)).collect();
        counted.sort_unstable();
        let mut all = VORMEN.to_vec();
        all.sort_unstable();
        assert_eq!(counted, all, "each form in exactly one column");
        assert_eq!(
            vormen_in("signalen_overig"),
            ["crimineel_seksueel", "orgaan", "overig", "onbekend"]
        );
    }

    #[test]
    fn effort_periods_are_years_or_halves() {
        assert_eq!(effort_period("2024"), Some((2024, None)));
        assert_eq!(effort_period("2024JJ00"), Some((2024, None)));
        assert_eq!(effort_period("2024-h1"), Some((2024, Some(1))));
        assert_eq!(effort_period("2024HJ02"), Some((2024, Some(2))));
        assert_eq!(effort_period("2024-Q3"), Some((2024, Some(2))));
        assert_eq!(effort_period("2024-06"), Some((2024, Some(1))));
        assert_eq!(effort_period("2024KW02"), Some((2024, Some(1))));
        assert_eq!(effort_period("2024-H3"), None);
        assert_eq!(effort_period("H1"), None);
    }

    #[test]
    fn parts_are_named_by_code_or_title() {
        assert_eq!(onderdeel("Handhaving en barrières"), Some("handhaving"));
        assert_eq!(onderdeel("signaleringsstructuur"), Some("signalering"));
        assert_eq!(
            onderdeel("Ondersteuning van slachtoffers"),
            Some("ondersteuning")
        );
        assert_eq!(onderdeel("opsporing"), None);
    }
}
