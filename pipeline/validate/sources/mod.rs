//! The contract of each input (inputs.md §2–7) and the parser that turns one file's text rows
//! into typed rows of that source. Cross-file rules (duplicate keys, herindeling chains) and
//! rules that need geography (unknown areas, addresses) live in the caller and in `locate`.

mod bevindingen;
mod bevolking;
mod doelen;
mod gebieden;
mod inspanningen;
mod kvk;
mod leegstand;
mod rni;
mod signalen;
mod slachtoffers;
mod verblijfsobjecten;

pub use bevindingen::*;
pub use bevolking::*;
pub use doelen::*;
pub use gebieden::*;
pub use inspanningen::*;
pub use kvk::*;
pub use leegstand::*;
pub use rni::*;
pub use signalen::*;
pub use slachtoffers::*;
pub use verblijfsobjecten::*;

use crate::validate::Rule;
use chrono::NaiveDate;
use risicobeeld_snapshot::vocabulary::{FASEN, names_of};

use super::cells::{self, AreaCode, Postcode};
use super::{Cells, Problem, Verdict};
use crate::calendar::{Grain, Period};
use crate::config::Config;
use crate::ingest::Cell;
use crate::ingest::Contract;

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
        "slachtoffers" => &SLACHTOFFERS,
        "doelen" => &DOELEN,
        "acties" => &ACTIES,
        _ => return None,
    })
}

use risicobeeld_snapshot::vocabulary::{BRONNEN, VORMEN};

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

/// A year cell (`2024`, `2024JJ00`).
fn year(c: &Cells, column: &'static str) -> Result<i32, Problem> {
    let text = c.req(column)?;
    Period::parse(&text)
        .filter(|p| p.grain == Grain::Jaar)
        .map(|p| p.year)
        .ok_or_else(|| {
            with_value(
                Problem::new(
                    column,
                    Rule::OnleesbareWaarde,
                    "not a year (2024 or 2024JJ00)",
                ),
                &text,
            )
        })
}

/// The `jaar` cell of a row, inside the validation window (its 1 January).
fn year_in_window(c: &Cells, config: &Config) -> Result<i32, Problem> {
    let jaar = year(c, "jaar")?;
    in_window(
        config,
        "jaar",
        NaiveDate::from_ymd_opt(jaar, 1, 1).unwrap_or(NaiveDate::MIN),
    )?;
    Ok(jaar)
}

fn normalise_word(text: &str) -> String {
    text.trim().to_lowercase().replace(['/', ' ', '-'], "_")
}

/// The part of the evaluation a cell names (`onderdeel`): a code or title of
/// `[evaluatie.onderdelen]`.
fn onderdeel<'c>(config: &'c Config, text: &str) -> Result<&'c str, Problem> {
    config.evaluatie.onderdeel(text).ok_or_else(|| {
        with_value(
            Problem::new(
                "onderdeel",
                Rule::OnbekendeWaarde,
                format!(
                    "not a part of the evaluation ([evaluatie.onderdelen]: {})",
                    config
                        .evaluatie
                        .onderdelen
                        .keys()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            text,
        )
    })
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

/// A cell that looks like personal data (BSN by elfproef, e-mail, phone), anywhere in a row of
/// an input that may only hold counts.
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

#[cfg(test)]
mod tests {
    use super::*;

    use risicobeeld_snapshot::vocabulary::{signal_form_columns, vormen_in};

    #[test]
    fn every_signal_form_counts_in_one_published_form_column() {
        // The published sensitive columns `signalen_<x>` besides the total are exactly the
        // columns the forms count in: a new form or column cannot make the SQL and the
        // disclosure audit's relations disagree.
        let published: Vec<&str> = risicobeeld_snapshot::tables::sensitive()
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
            ["orgaan", "overig", "onbekend"]
        );
        assert_eq!(
            vormen_in("signalen_crimineel_seksueel"),
            ["crimineel_seksueel"]
        );
    }
}
