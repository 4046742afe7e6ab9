//! The evaluation's findings in words (`bevindingen/<gebiedscode>/<jaar>/<onderdeel>.md`,
//! inputs.md §11): one Markdown text per area, year and part, its place read from its path, its
//! text checked line by line by the personal-data guard. The server renders it (raw HTML inert).

use std::sync::Arc;

use super::*;
use crate::ingest::InputFile;
use crate::validate::{Finding, Origin, QualityReport, Row};

/// The longest findings text; a longer file is quarantined.
pub const MAX_BEVINDING_TEKENS: usize = 20_000;

/// One part's findings of an area and year, as Markdown.
#[derive(Debug, Clone)]
pub struct Bevinding {
    pub gebied: EvaluatieGebied,
    pub jaar: i32,
    pub onderdeel: String,
    pub tekst: String,
}

/// Where a findings file says it belongs, from the last three parts of its path
/// (`GM0518/2024/signalering.md`): (area code, year, part as written).
fn place_of(shown: &str) -> Option<(&str, &str, &str)> {
    let mut parts = shown.rsplit('/');
    let file = parts.next()?;
    let year = parts.next()?;
    let area = parts.next()?;
    Some((area, year, file.strip_suffix(".md")?))
}

/// Reads every findings file: a file that cannot be placed, is not UTF-8 or is too long is
/// quarantined (file and rule); personal data stops the run (file, line and what it looks like).
pub fn read_bevindingen(
    files: &[InputFile],
    config: &Config,
    report: &mut QualityReport,
) -> Vec<Row<Bevinding>> {
    let mut out = Vec::new();
    for f in files {
        // The file is registered (size, hash) by the fingerprint; it reads as one row.
        report.add_rows_read(&f.shown, 1);
        match read_one(f, config) {
            Ok(b) => out.push(Row {
                origin: Origin {
                    file: Arc::from(f.shown.as_str()),
                    line: 1,
                },
                value: b,
            }),
            Err((line, problem)) => report.push(Finding {
                source: "bevindingen",
                file: f.shown.clone(),
                line,
                column: Some(problem.column.to_string()),
                rule: problem.rule,
                message: problem.message,
                value: problem.value,
            }),
        }
    }
    out
}

fn read_one(f: &InputFile, config: &Config) -> Result<Bevinding, (Option<u64>, Problem)> {
    let whole = |p: Problem| (None, p);
    let (area, year_text, part) = place_of(&f.shown).ok_or_else(|| {
        whole(Problem::new(
            "bestand",
            Rule::OnleesbareWaarde,
            "a findings file lies at bevindingen/<gebiedscode>/<jaar>/<onderdeel>.md",
        ))
    })?;
    let gebied = match AreaCode::parse(area) {
        Some(gm @ AreaCode::Gemeente(_)) => EvaluatieGebied::Gemeente(gm),
        None if risicobeeld_snapshot::codes::is_safe_code(area) => {
            EvaluatieGebied::DistrictOfRegio(area.to_string())
        }
        _ => {
            return Err(whole(with_value(
                Problem::new(
                    "gebiedscode",
                    Rule::OnleesbareWaarde,
                    "the directory is not a gemeente, district or regio code",
                ),
                area,
            )));
        }
    };
    let jaar = Period::parse(year_text)
        .filter(|p| p.grain == Grain::Jaar)
        .map(|p| p.year)
        .ok_or_else(|| {
            whole(with_value(
                Problem::new(
                    "jaar",
                    Rule::OnleesbareWaarde,
                    "the directory is not a year (2024)",
                ),
                year_text,
            ))
        })?;
    let onderdeel = onderdeel(config, part).map_err(whole)?.to_string();
    let bytes = std::fs::read(&f.path).map_err(|e| {
        whole(Problem::new(
            "bestand",
            Rule::OnleesbaarBestand,
            format!("cannot read the file: {e}"),
        ))
    })?;
    let tekst = String::from_utf8(bytes).map_err(|_| {
        whole(Problem::new(
            "bestand",
            Rule::OnleesbaarBestand,
            "not UTF-8 text: save the file as UTF-8",
        ))
    })?;
    for (i, line) in tekst.lines().enumerate() {
        if let Some(kind) = cells::personal_data_in_text(line) {
            return Err((
                Some(i as u64 + 1),
                Problem::new(
                    "tekst",
                    Rule::Persoonsgegevens,
                    format!(
                        "the line holds what looks like {kind}; findings are published: remove it from the file"
                    ),
                ),
            ));
        }
    }
    let n = tekst.chars().count();
    if n > MAX_BEVINDING_TEKENS {
        return Err(whole(Problem::new(
            "tekst",
            Rule::TeLangeTekst,
            format!("{n} characters, more than {MAX_BEVINDING_TEKENS}: summarise the findings"),
        )));
    }
    Ok(Bevinding {
        gebied,
        jaar,
        onderdeel,
        tekst: tekst.trim().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_findings_file_is_placed_by_its_path() {
        assert_eq!(
            place_of("bevindingen/GM0518/2024/signalering.md"),
            Some(("GM0518", "2024", "signalering"))
        );
        assert_eq!(
            place_of("elders/RIEC-DH/2023/handhaving.md"),
            Some(("RIEC-DH", "2023", "handhaving"))
        );
        assert_eq!(place_of("bevindingen/2024/signalering.txt"), None);
        assert_eq!(place_of("signalering.md"), None);
    }
}
