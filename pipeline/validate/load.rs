//! Loading a drop: every file of every input read (in parallel), fingerprinted for the manifest,
//! and parsed into typed rows; file-level problems become findings. Cross-file rules
//! (duplicate keys, required inputs) are checked here once all files are in.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::sources::{
    self, Bevolking, District, Herindeling, LeegstandAggregaat, RniRegel, Signaal, Verblijfsobject,
    Vestiging,
};
use super::{Cells, Finding, QualityReport, Row, Severity, Verdict, check_unique_keys, parse_rows};
use crate::config::Config;
use crate::ingest::{InputFile, read_table};

/// The typed rows of a whole drop. Only `load` constructs one.
#[derive(Debug, Default)]
pub struct ValidDrop {
    /// Boundary files, read by `locate` (GeoJSON is geometry, not rows).
    pub gebieden: Vec<InputFile>,
    pub districten: Vec<Row<District>>,
    pub herindelingen: Vec<Row<Herindeling>>,
    pub bevolking: Vec<Row<Bevolking>>,
    pub verblijfsobjecten: Vec<Row<Verblijfsobject>>,
    pub leegstand: Vec<Row<LeegstandAggregaat>>,
    pub rni: Vec<Row<RniRegel>>,
    pub kvk: Vec<Row<Vestiging>>,
    pub signalen: Vec<Row<Signaal>>,
}

/// Inputs without which no table can be made.
const REQUIRED_INPUTS: [&str; 3] = ["gebieden", "districten", "bevolking"];

/// Fingerprints every file (size, SHA-256) into the report, in parallel.
pub fn fingerprint(files: &BTreeMap<&'static str, Vec<InputFile>>, report: &mut QualityReport) {
    let all: Vec<(&'static str, &InputFile)> = files
        .iter()
        .flat_map(|(input, fs)| fs.iter().map(move |f| (*input, f)))
        .collect();
    let prints: Vec<_> = all
        .par_iter()
        .map(|(input, f)| {
            let bytes = std::fs::read(&f.path).unwrap_or_default();
            (
                *input,
                f.shown.clone(),
                bytes.len() as u64,
                crate::publish::sha256_hex(&bytes),
            )
        })
        .collect();
    for (input, shown, size, hash) in prints {
        report.register_file(input, &shown, size, hash);
    }
}

fn read_input<T: Send>(
    files: &[InputFile],
    input: &'static str,
    config: &Config,
    report: &mut QualityReport,
    parse: impl Fn(&Cells) -> Verdict<T> + Sync,
) -> Vec<Row<T>> {
    let Some(contract) = sources::contract(input) else {
        return Vec::new();
    };
    let mapping = config.input(input).columns;
    let per_file: Vec<(Vec<Row<T>>, QualityReport)> = files
        .par_iter()
        .map(|f| {
            let mut local = QualityReport::default();
            local.register_file(input, &f.shown, 0, String::new());
            let rows = match read_table(&f.path, &f.shown, contract, &mapping) {
                Ok(table) => parse_rows(&table, input, &mut local, &parse),
                Err(e) => {
                    local.push(Finding {
                        source: input,
                        file: f.shown.clone(),
                        line: e.line(),
                        column: e.column(),
                        rule: e.rule(),
                        severity: Severity::Error,
                        message: e.to_string(),
                        value: None,
                    });
                    Vec::new()
                }
            };
            (rows, local)
        })
        .collect();
    let mut out = Vec::new();
    for (rows, local) in per_file {
        report.merge(local);
        out.extend(rows);
    }
    out
}

/// Reads and validates every input of the drop.
pub fn load(
    files: &BTreeMap<&'static str, Vec<InputFile>>,
    config: &Config,
    report: &mut QualityReport,
) -> ValidDrop {
    for input in REQUIRED_INPUTS {
        if files.get(input).is_none_or(|f| f.is_empty()) {
            report.push(Finding {
                source: input,
                file: crate::ingest::default_globs(input).first().copied().unwrap_or(input).to_string(),
                line: None,
                column: None,
                rule: "bestand_ontbreekt",
                severity: Severity::Error,
                message: format!("the required input '{input}' has no files; deliver it or set [inputs.{input}].paths"),
                value: None,
            });
        }
    }
    let get = |input: &str| files.get(input).map(Vec::as_slice).unwrap_or_default();
    let drop = ValidDrop {
        gebieden: get("gebieden").to_vec(),
        districten: read_input(
            get("districten"),
            "districten",
            config,
            report,
            sources::district,
        ),
        herindelingen: read_input(
            get("herindelingen"),
            "herindelingen",
            config,
            report,
            sources::herindeling,
        ),
        bevolking: read_input(
            get("bevolking"),
            "bevolking",
            config,
            report,
            sources::bevolking,
        ),
        verblijfsobjecten: read_input(
            get("verblijfsobjecten"),
            "verblijfsobjecten",
            config,
            report,
            |c| sources::verblijfsobject(c, config),
        ),
        leegstand: read_input(get("leegstand"), "leegstand", config, report, |c| {
            sources::leegstand(c, config)
        }),
        rni: read_input(get("rni"), "rni", config, report, |c| {
            sources::rni(c, config)
        }),
        kvk: read_input(get("kvk"), "kvk", config, report, |c| {
            sources::vestiging(c, config)
        }),
        signalen: read_input(get("signalen"), "signalen", config, report, |c| {
            sources::signaal(c, config)
        }),
    };
    check_unique_keys(
        &drop.districten,
        "districten",
        "gemeentecode",
        report,
        |d| d.gemeente,
    );
    check_unique_keys(
        &drop.herindelingen,
        "herindelingen",
        "oude_gemeentecode",
        report,
        |h| h.oud,
    );
    check_unique_keys(
        &drop.bevolking,
        "bevolking",
        "gebiedscode and jaar",
        report,
        |b| (b.area, b.jaar),
    );
    check_unique_keys(
        &drop.verblijfsobjecten,
        "verblijfsobjecten",
        "peildatum and verblijfsobject_id",
        report,
        |v| (v.peildatum, v.id),
    );
    check_unique_keys(
        &drop.leegstand,
        "leegstand",
        "gebiedscode and peildatum",
        report,
        |l| (l.area, l.peildatum),
    );
    check_unique_keys(&drop.kvk, "kvk", "vestigingsnummer", report, |v| {
        v.vestigingsnummer
    });
    drop
}
