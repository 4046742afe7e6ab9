//! The evaluation's goals (`doelen.csv`) and its plan's actions (`acties.csv`): their contracts
//! and row parsers (inputs.md §10). Both name an area of the evaluation — a gemeente, or a
//! district or regio for a regional goal or action — and a year.

use risicobeeld_snapshot::indicators::INDICATORS;
use risicobeeld_snapshot::vocabulary::{ACTIESTATUSSEN, DOELRICHTINGEN};

use super::*;

/// The longest free text an action's cell may hold; a longer one is quarantined.
pub const MAX_ACTIE_TEKST: usize = 1_000;

const DOEL_COLUMNS: [&str; 5] = ["gebiedscode", "jaar", "indicator", "doel", "richting"];

pub const DOELEN: Contract = Contract {
    source: "doelen",
    columns: &DOEL_COLUMNS,
    required: &DOEL_COLUMNS,
};

pub const ACTIES: Contract = Contract {
    source: "acties",
    columns: &[
        "gebiedscode",
        "jaar",
        "onderdeel",
        "actie",
        "status",
        "toelichting",
    ],
    required: &["gebiedscode", "jaar", "onderdeel", "actie", "status"],
};

/// The area a row of the evaluation's inputs is for: a gemeente, or a district or regio code
/// (checked against `districten` when the rows are placed).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EvaluatieGebied {
    Gemeente(AreaCode),
    DistrictOfRegio(String),
}

/// One goal (*streefwaarde*) of the evaluation.
#[derive(Debug, Clone)]
pub struct Doel {
    pub gebied: EvaluatieGebied,
    pub jaar: i32,
    /// An indicator of `evaluatie` (`evaluation_indicators`).
    pub indicator: String,
    pub doel: f64,
    /// `minimaal` (at least) or `maximaal` (at most).
    pub richting: &'static str,
}

/// One action of the plan of approach.
#[derive(Debug, Clone)]
pub struct Actie {
    pub gebied: EvaluatieGebied,
    pub jaar: i32,
    pub onderdeel: String,
    pub actie: String,
    pub status: &'static str,
    pub toelichting: Option<String>,
}

const RICHTINGEN: [&str; 2] = names_of(&DOELRICHTINGEN);
const STATUSSEN: [&str; 4] = names_of(&ACTIESTATUSSEN);

/// Every indicator a row of `evaluatie` can have: the configured efforts, the signal totals,
/// forms and phases, and the registry's figures of the evaluation.
pub fn evaluation_indicators(config: &Config) -> Vec<String> {
    let mut names: Vec<String> = config.evaluatie.indicatoren.keys().cloned().collect();
    names.extend(FASEN.iter().map(|f| f.indicator.to_string()));
    names.extend(
        INDICATORS
            .iter()
            .filter(|i| i.evaluation.is_some())
            .map(|i| i.name.to_string()),
    );
    names.sort();
    names.dedup();
    names
}

/// The area of a row: a gemeente code, or a district or regio code of a safe shape.
pub fn evaluatie_gebied(c: &Cells, column: &'static str) -> Result<EvaluatieGebied, Problem> {
    let text = c.req(column)?;
    let code = text.trim();
    if let Some(area) = AreaCode::parse(code) {
        return match area {
            gm @ AreaCode::Gemeente(_) => Ok(EvaluatieGebied::Gemeente(gm)),
            _ => Err(with_value(
                Problem::new(
                    column,
                    Rule::OnleesbareWaarde,
                    "a wijk or buurt has no evaluation: give a gemeente, district or regio code",
                ),
                code,
            )),
        };
    }
    if !risicobeeld_snapshot::codes::is_safe_code(code) {
        return Err(with_value(
            Problem::new(
                column,
                Rule::OnleesbareWaarde,
                "not a gemeente code (GM0518) nor a district or regio code of districten.csv",
            ),
            code,
        ));
    }
    Ok(EvaluatieGebied::DistrictOfRegio(code.to_string()))
}

/// The personal-data guard over free text: every cell, searched inside its words.
fn personal_data_in_cells(c: &Cells) -> Option<Problem> {
    c.all().find_map(|(column, value)| {
        cells::personal_data_in_text(&value).map(|kind| {
            Problem::new(
                column,
                Rule::Persoonsgegevens,
                format!(
                    "the text holds what looks like {kind}; the evaluation is published: remove it from the file"
                ),
            )
        })
    })
}

/// A goal: a non-negative number, written `75`, `7,5` or `7.5`.
fn goal_value(c: &Cells) -> Result<f64, Problem> {
    let text = c.req("doel")?;
    text.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| {
            with_value(
                Problem::new(
                    "doel",
                    Rule::OnleesbareWaarde,
                    "not a number of 0 or more (75, 7,5)",
                ),
                &text,
            )
        })
}

pub fn doel(c: &Cells, config: &Config, indicators: &[String]) -> Verdict<Doel> {
    if let Some(p) = personal_data(c) {
        return Verdict::Error(p);
    }
    (|| {
        let indicator_text = c.req("indicator")?;
        let indicator = normalise_word(&indicator_text);
        if !indicators.contains(&indicator) {
            return Err(with_value(
                Problem::new(
                    "indicator",
                    Rule::OnbekendeWaarde,
                    format!(
                        "not an indicator of evaluatie (known: {})",
                        indicators.join(", ")
                    ),
                ),
                &indicator_text,
            ));
        }
        Ok(Doel {
            gebied: evaluatie_gebied(c, "gebiedscode")?,
            jaar: year_in_window(c, config)?,
            indicator,
            doel: goal_value(c)?,
            richting: one_of("richting", &c.req("richting")?, &RICHTINGEN)?,
        })
    })()
    .into()
}

/// A free-text cell of an action: at most `MAX_ACTIE_TEKST` characters.
fn short_text(column: &'static str, text: &str) -> Result<String, Problem> {
    let n = text.chars().count();
    if n > MAX_ACTIE_TEKST {
        return Err(Problem::new(
            column,
            Rule::TeLangeTekst,
            format!(
                "{n} characters, more than {MAX_ACTIE_TEKST}: name the action in a sentence and put the story in a findings file (bevindingen/)"
            ),
        ));
    }
    Ok(text.trim().to_string())
}

pub fn actie(c: &Cells, config: &Config) -> Verdict<Actie> {
    if let Some(p) = personal_data_in_cells(c) {
        return Verdict::Error(p);
    }
    (|| {
        Ok(Actie {
            gebied: evaluatie_gebied(c, "gebiedscode")?,
            jaar: year_in_window(c, config)?,
            onderdeel: onderdeel(config, &c.req("onderdeel")?)?.to_string(),
            actie: short_text("actie", &c.req("actie")?)?,
            status: one_of("status", &c.req("status")?, &STATUSSEN)?,
            toelichting: c
                .opt("toelichting")
                .map(|t| short_text("toelichting", &t))
                .transpose()?
                .filter(|t| !t.is_empty()),
        })
    })()
    .into()
}
