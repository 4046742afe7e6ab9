//! Victims by source, form, age class and gender (`slachtoffers/*`): their contract and row
//! parser (inputs.md §9). Counts only: the personal-data guard checks every cell.

use risicobeeld_snapshot::vocabulary::{GESLACHTEN, LEEFTIJDSKLASSEN, SLACHTOFFERBRONNEN};

use super::*;

/// Every column is required; there is no other.
const COLUMNS: [&str; 7] = [
    "jaar",
    "gemeentecode",
    "bron",
    "vorm",
    "leeftijdsklasse",
    "geslacht",
    "aantal",
];

pub const SLACHTOFFERS: Contract = Contract {
    source: "slachtoffers",
    columns: &COLUMNS,
    required: &COLUMNS,
};

/// One delivered count of victims of a year and gemeente, by source, form, age class and gender.
#[derive(Debug, Clone)]
pub struct Slachtoffer {
    pub jaar: i32,
    pub gemeente: AreaCode,
    pub bron: &'static str,
    pub vorm: &'static str,
    pub leeftijdsklasse: &'static str,
    pub geslacht: &'static str,
    pub aantal: i64,
}

const BRONNEN: [&str; 7] = names_of(&SLACHTOFFERBRONNEN);
const GESLACHT: [&str; 4] = names_of(&GESLACHTEN);

/// An age class as written (`0-17`, `0 – 17`, `30+`, `30 +`, `Onbekend`).
fn leeftijdsklasse(text: &str) -> Result<&'static str, Problem> {
    let word: String = text
        .trim()
        .to_lowercase()
        .replace(['–', '—'], "-")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    LEEFTIJDSKLASSEN
        .iter()
        .map(|(name, _)| *name)
        .find(|name| *name == word)
        .ok_or_else(|| {
            with_value(
                Problem::new(
                    "leeftijdsklasse",
                    Rule::OnbekendeWaarde,
                    format!("not one of: {}", names_of(&LEEFTIJDSKLASSEN).join(", ")),
                ),
                text,
            )
        })
}

pub fn slachtoffer(c: &Cells, config: &Config) -> Verdict<Slachtoffer> {
    if let Some(p) = personal_data(c) {
        return Verdict::Error(p);
    }
    (|| {
        Ok(Slachtoffer {
            jaar: year_in_window(c, config)?,
            gemeente: gemeente_code(c, "gemeentecode")?,
            bron: one_of("bron", &c.req("bron")?, &BRONNEN)?,
            vorm: one_of("vorm", &c.req("vorm")?, &VORMEN)?,
            leeftijdsklasse: leeftijdsklasse(&c.req("leeftijdsklasse")?)?,
            geslacht: one_of("geslacht", &c.req("geslacht")?, &GESLACHT)?,
            aantal: c.count("aantal")?,
        })
    })()
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_classes_as_written() {
        assert_eq!(leeftijdsklasse("0-17").ok(), Some("0-17"));
        assert_eq!(leeftijdsklasse(" 0 – 17 ").ok(), Some("0-17"));
        assert_eq!(leeftijdsklasse("30 +").ok(), Some("30+"));
        assert_eq!(leeftijdsklasse("Onbekend").ok(), Some("onbekend"));
        assert!(leeftijdsklasse("17-21").is_err());
        assert!(leeftijdsklasse("minderjarig").is_err());
    }
}
