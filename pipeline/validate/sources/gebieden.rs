//! The districts (`gebieden/districten.csv`) and mergers (`gebieden/herindelingen.csv`): their
//! contracts and row parsers (inputs.md §2). A district or regio code names a directory, so an
//! unsafe one stops the run.

use super::*;

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
