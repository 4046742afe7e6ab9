//! Anonymised signal counts (`signalen/*`): their contract, the row parser and the personal-data
//! guard (inputs.md §7).

use super::*;

pub const SIGNALEN: Contract = Contract {
    source: "signalen",
    columns: &["periode", "gebiedscode", "bron", "vorm", "fase", "aantal"],
    required: &["periode", "gebiedscode", "bron", "vorm", "fase", "aantal"],
};

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
