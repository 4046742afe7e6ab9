//! The yearly evaluation's efforts (`inspanningen/*`): their contract and row parser
//! (inputs.md §8).

use super::*;

pub const INSPANNINGEN: Contract = Contract {
    source: "inspanningen",
    // `gebiedscode` (a gemeente, district or regio); `gemeentecode` is its earlier name.
    columns: &[
        "gebiedscode",
        "gemeentecode",
        "periode",
        "onderdeel",
        "indicator",
        "aantal",
    ],
    required: &["periode", "onderdeel", "indicator", "aantal"],
};

/// One delivered effort count (inputs: `inspanningen`).
#[derive(Debug, Clone)]
pub struct Inspanning {
    /// A gemeente, or a district or regio for a regional effort (HEIT, the regional ad checks).
    pub gebied: EvaluatieGebied,
    pub jaar: i32,
    /// 1 or 2 for a row of a half-year, quarter or month; `None` for a row of a whole year.
    pub halfjaar: Option<u8>,
    /// A code of `[evaluatie.onderdelen]`.
    pub onderdeel: String,
    /// A key of `[evaluatie.indicatoren]`.
    pub indicator: String,
    pub aantal: i64,
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

pub fn inspanning(c: &Cells, config: &Config) -> Verdict<Inspanning> {
    if let Some(p) = personal_data(c) {
        return Verdict::Error(p);
    }
    (|| {
        let column = if c.cell("gebiedscode").is_some() || c.cell("gemeentecode").is_none() {
            "gebiedscode"
        } else {
            "gemeentecode"
        };
        let gebied = evaluatie_gebied(c, column)?;
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
        let part = onderdeel(config, &part_text)?;
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
        if def.persoonsaantal && matches!(gebied, EvaluatieGebied::DistrictOfRegio(_)) {
            return Err(Problem::new(
                column,
                Rule::OnmogelijkeWaarde,
                format!(
                    "{indicator} counts persons: deliver it per gemeente, so that disclosure control can protect it within the gemeenten's figures"
                ),
            ));
        }
        Ok(Inspanning {
            gebied,
            jaar,
            halfjaar,
            onderdeel: part.to_string(),
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
        let e = crate::config::EvaluatieConfig::default();
        assert_eq!(e.onderdeel("Handhaving en barrières"), Some("handhaving"));
        assert_eq!(e.onderdeel("Handhaving en barrieres"), Some("handhaving"));
        assert_eq!(e.onderdeel("signaleringsstructuur"), Some("signalering"));
        assert_eq!(e.onderdeel(" Signalering "), Some("signalering"));
        assert_eq!(
            e.onderdeel("Ondersteuning van slachtoffers"),
            Some("ondersteuning")
        );
        assert_eq!(e.onderdeel("opsporing"), None);
        assert_eq!(e.onderdeel(""), None);
    }
}
