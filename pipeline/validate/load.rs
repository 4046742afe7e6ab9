//! Loading a drop: every file of every input read (in parallel), fingerprinted for the manifest,
//! and parsed into typed rows; file-level problems become findings. Cross-file rules
//! (duplicate keys, required inputs) are checked here once all files are in.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;

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
    /// The verblijfsobjecten files: `locate` reads them through `read_objects`, one file at a
    /// time, because a national drop holds tens of millions of objects.
    pub verblijfsobjecten: Vec<InputFile>,
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

/// Reads every file of `input` into typed rows.
fn read_input<T: Send>(
    files: &[InputFile],
    input: &'static str,
    config: &Config,
    report: &mut QualityReport,
    parse: impl Fn(&Cells) -> Verdict<T> + Sync,
) -> Vec<Row<T>> {
    let per_file = read_files(files, input, config, report, parse, |rows| rows);
    let mut out = Vec::with_capacity(per_file.iter().map(Vec::len).sum());
    for rows in per_file {
        out.extend(rows);
    }
    out
}

/// Reads the files of `input` in parallel and hands each file's kept rows to `consume`, as soon
/// as the file is parsed; returns what `consume` made of each file, in file order.
fn read_files<T: Send, C: Send>(
    files: &[InputFile],
    input: &'static str,
    config: &Config,
    report: &mut QualityReport,
    parse: impl Fn(&Cells) -> Verdict<T> + Sync,
    consume: impl Fn(Vec<Row<T>>) -> C + Sync,
) -> Vec<C> {
    let Some(contract) = sources::contract(input) else {
        return Vec::new();
    };
    let mapping = config.input(input).columns;
    let per_file: Vec<(C, QualityReport)> = files
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
            (consume(rows), local)
        })
        .collect();
    let mut out = Vec::with_capacity(per_file.len());
    for (made, local) in per_file {
        report.merge(local);
        out.push(made);
    }
    out
}

/// A verblijfsobject's key and where it was: (peildatum, id, line), per file.
type ObjectKeys = Vec<(NaiveDate, u64, u32)>;

/// Reads the verblijfsobjecten `files` (in parallel) and hands each file's typed rows to
/// `consume`, which keeps what it needs: the rows of a national drop are never all held at
/// once. Checks that each (peildatum, verblijfsobject_id) occurs once across all files.
pub fn read_objects<C: Send>(
    files: &[InputFile],
    config: &Config,
    report: &mut QualityReport,
    consume: impl Fn(Vec<Row<Verblijfsobject>>) -> C + Sync,
) -> Vec<C> {
    let per_file = read_files(
        files,
        "verblijfsobjecten",
        config,
        report,
        |c| sources::verblijfsobject(c, config),
        |rows| {
            let file = rows.first().map(|r| r.origin.file.clone());
            let keys: ObjectKeys = rows
                .iter()
                .map(|r| {
                    let line = u32::try_from(r.origin.line).unwrap_or(u32::MAX);
                    (r.value.peildatum, r.value.id, line)
                })
                .collect();
            (file, keys, consume(rows))
        },
    );
    let mut made = Vec::with_capacity(per_file.len());
    let mut keys = Vec::with_capacity(per_file.len());
    for (file, file_keys, c) in per_file {
        made.push(c);
        keys.push((file, file_keys));
    }
    check_unique_object_keys(keys, report);
    made
}

/// Reports every (peildatum, verblijfsobject_id) that occurs twice across the files, as
/// `check_unique_keys` does, over compact keys sorted in parallel instead of a map of rows.
fn check_unique_object_keys(
    files: Vec<(Option<Arc<str>>, ObjectKeys)>,
    report: &mut QualityReport,
) {
    let total = files.iter().map(|(_, k)| k.len()).sum();
    let mut all: Vec<(NaiveDate, u64, u32, u32)> = Vec::with_capacity(total);
    let mut names = Vec::with_capacity(files.len());
    for (f, (name, keys)) in files.into_iter().enumerate() {
        names.push(name.unwrap_or_default());
        let f = u32::try_from(f).unwrap_or(u32::MAX);
        all.extend(keys.into_iter().map(|(d, id, line)| (d, id, f, line)));
    }
    all.par_sort_unstable();
    // Each repeat names the occurrence before it (in file and line order), as in `check_unique_keys`.
    let mut repeats: Vec<(u32, u32, String)> = all
        .windows(2)
        .filter(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1))
        .map(|w| {
            let (peildatum, id, f, line) = w[1];
            let first = &names[w[0].2 as usize];
            let message = format!(
                "duplicate peildatum and verblijfsobject_id {:?}: also at {first}:{}; deliver each key once",
                (peildatum, id),
                w[0].3
            );
            (f, line, message)
        })
        .collect();
    repeats.sort();
    for (f, line, message) in repeats {
        report.push(Finding {
            source: "verblijfsobjecten",
            file: names[f as usize].to_string(),
            line: Some(u64::from(line)),
            column: None,
            rule: "dubbele_sleutel",
            severity: Severity::Error,
            message,
            value: None,
        });
    }
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
        verblijfsobjecten: get("verblijfsobjecten").to_vec(),
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
