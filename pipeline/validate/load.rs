//! Loading a drop: every file of every input read (in parallel), fingerprinted for the manifest,
//! and parsed into typed rows; file-level problems become findings. Cross-file rules
//! (duplicate keys, required inputs) are checked here once all files are in.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;

use rayon::prelude::*;

use super::sources::{
    self, Actie, Bevinding, Bevolking, District, Doel, Herindeling, Inspanning, LeegstandAggregaat,
    RniRegel, Signaal, Slachtoffer, Verblijfsobject, Vestiging,
};
use super::{Cells, Finding, QualityReport, Row, RowParser, Rule, Verdict, check_unique_keys};
use crate::config::Config;
use crate::ingest::{IngestError, InputFile, read_rows};

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
    /// The RNI and KvK files: `locate` reads them (`read_rni`, `read_kvk`) once the objects
    /// are placed, so that their millions of rows and the objects' are not held at once.
    pub rni: Vec<InputFile>,
    pub kvk: Vec<InputFile>,
    pub signalen: Vec<Row<Signaal>>,
    pub inspanningen: Vec<Row<Inspanning>>,
    pub slachtoffers: Vec<Row<Slachtoffer>>,
    pub doelen: Vec<Row<Doel>>,
    pub acties: Vec<Row<Actie>>,
    pub bevindingen: Vec<Row<Bevinding>>,
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
                crate::hashing::sha256_hex(&bytes),
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
            let fresh = || {
                let mut local = QualityReport::default();
                local.register_file(input, &f.shown, 0, String::new());
                local
            };
            let mut local = fresh();
            let mut parser = RowParser::new(input, &f.shown, &parse);
            let read = read_rows(&f.path, &f.shown, contract, &mapping, |shape, row| {
                parser.row(shape, row, &mut local)
            });
            let rows = match read {
                Ok(_) => parser.finish(&mut local),
                Err(e) => {
                    // Nothing of a file that cannot be read to its end is used.
                    local = fresh();
                    local.push(Finding {
                        source: input,
                        file: f.shown.clone(),
                        line: e.line(),
                        column: e.column(),
                        rule: ingest_rule(&e),
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

/// One file's verblijfsobject keys and where they were, sorted by (peildatum, id, line): per
/// peildatum a run of [id high, id low, line], 12 bytes a key (40 M of them in a national drop).
#[derive(Debug, Default)]
struct ObjectKeys {
    runs: Vec<(NaiveDate, Vec<[u32; 3]>)>,
}

impl ObjectKeys {
    fn new(mut keys: Vec<(NaiveDate, u64, u32)>) -> ObjectKeys {
        keys.sort_unstable();
        let mut runs: Vec<(NaiveDate, Vec<[u32; 3]>)> = Vec::new();
        for (date, id, line) in keys {
            let key = [(id >> 32) as u32, id as u32, line];
            match runs.last_mut() {
                Some((d, run)) if *d == date => run.push(key),
                _ => runs.push((date, vec![key])),
            }
        }
        ObjectKeys { runs }
    }

    /// (peildatum, id, line) in order.
    fn iter(&self) -> impl Iterator<Item = (NaiveDate, u64, u32)> + '_ {
        self.runs.iter().flat_map(|(date, run)| {
            run.iter()
                .map(|&[high, low, line]| (*date, (u64::from(high) << 32) | u64::from(low), line))
        })
    }

    /// The first and last (peildatum, id).
    fn range(&self) -> Option<((NaiveDate, u64), (NaiveDate, u64))> {
        let first = self.iter().next()?;
        let (date, run) = self.runs.last()?;
        let &[high, low, _] = run.last()?;
        Some((
            (first.0, first.1),
            (*date, (u64::from(high) << 32) | u64::from(low)),
        ))
    }
}

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
            let keys = ObjectKeys::new(
                rows.iter()
                    .map(|r| {
                        let line = u32::try_from(r.origin.line).unwrap_or(u32::MAX);
                        (r.value.peildatum, r.value.id, line)
                    })
                    .collect(),
            );
            (file, keys, consume(rows))
        },
    );
    let mut made = Vec::with_capacity(per_file.len());
    let mut keys = Vec::with_capacity(per_file.len());
    for (file, file_keys, c) in per_file {
        made.push(c);
        keys.push((file, file_keys));
    }
    let clock = std::time::Instant::now();
    check_unique_object_keys(keys, report);
    tracing::debug!(
        seconds = clock.elapsed().as_secs_f64(),
        "checked the verblijfsobject keys"
    );
    made
}

/// A key with the file (by number) and line it is on.
type PlacedKey = (NaiveDate, u64, u32, u32);

/// Reports every (peildatum, verblijfsobject_id) that occurs twice across the files, as
/// `check_unique_keys` does, over compact keys instead of a map of rows. Each file's keys come
/// sorted; only files whose key ranges overlap are merged, each group streaming through a k-way
/// merge, so that a national drop's 40 M keys are checked without copying or sorting them again.
fn check_unique_object_keys(
    files: Vec<(Option<Arc<str>>, ObjectKeys)>,
    report: &mut QualityReport,
) {
    let names: Vec<Arc<str>> = files
        .iter()
        .map(|(name, _)| name.clone().unwrap_or_default())
        .collect();
    let keys: Vec<ObjectKeys> = files.into_iter().map(|(_, k)| k).collect();
    let mut repeats: Vec<(u32, u32, String)> = overlapping_files(&keys)
        .par_iter()
        .flat_map_iter(|group| {
            // Each file's keys are sorted: merging them gives the group's keys in order.
            let merged = group.iter().map(|&f| {
                let n = u32::try_from(f).unwrap_or(u32::MAX);
                keys[f].iter().map(move |(d, id, line)| (d, id, n, line))
            });
            adjacent_repeats(itertools::kmerge(merged), &names)
        })
        .collect();
    repeats.sort();
    for (f, line, message) in repeats {
        report.push(Finding {
            source: "verblijfsobjecten",
            file: names[f as usize].to_string(),
            line: Some(u64::from(line)),
            column: None,
            rule: Rule::DubbeleSleutel,
            message,
            value: None,
        });
    }
}

/// Groups the files (by index) whose ranges of sorted keys overlap, each group in file order.
fn overlapping_files(keys: &[ObjectKeys]) -> Vec<Vec<usize>> {
    let mut order: Vec<(usize, _)> = (0..keys.len())
        .filter_map(|f| keys[f].range().map(|r| (f, r)))
        .collect();
    order.sort_by_key(|(f, (first, _))| (*first, *f));
    let mut groups: Vec<(Vec<usize>, (NaiveDate, u64))> = Vec::new();
    for (f, (first, last)) in order {
        match groups.last_mut() {
            Some((group, reach)) if first <= *reach => {
                group.push(f);
                *reach = (*reach).max(last);
            }
            _ => groups.push((vec![f], last)),
        }
    }
    groups
        .into_iter()
        .map(|(mut group, _)| {
            group.sort_unstable();
            group
        })
        .collect()
}

/// In sorted keys, each repeat with the occurrence before it (in file and line order), as in
/// `check_unique_keys`: (file, line, message).
fn adjacent_repeats(
    sorted: impl Iterator<Item = PlacedKey>,
    names: &[Arc<str>],
) -> Vec<(u32, u32, String)> {
    let mut repeats = Vec::new();
    let mut before: Option<PlacedKey> = None;
    for key in sorted {
        if let Some((peildatum, id, first_file, first_line)) = before
            && (peildatum, id) == (key.0, key.1)
        {
            let first = &names[first_file as usize];
            let message = format!(
                "duplicate peildatum and verblijfsobject_id {:?}: also at {first}:{first_line}; deliver each key once",
                (peildatum, id),
            );
            repeats.push((key.2, key.3, message));
        }
        before = Some(key);
    }
    repeats
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
                file: crate::ingest::default_globs(input)
                    .and_then(|globs| globs.first().copied())
                    .unwrap_or(input)
                    .to_string(),
                line: None,
                column: None,
                rule: Rule::BestandOntbreekt,
                message: format!("the required input '{input}' has no files; deliver it or set [inputs.{input}].paths"),
                value: None,
            });
        }
    }
    let get = |input: &str| files.get(input).map(Vec::as_slice).unwrap_or_default();
    let indicators = sources::evaluation_indicators(config);
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
        rni: get("rni").to_vec(),
        kvk: get("kvk").to_vec(),
        signalen: read_input(get("signalen"), "signalen", config, report, |c| {
            sources::signaal(c, config)
        }),
        inspanningen: read_input(get("inspanningen"), "inspanningen", config, report, |c| {
            sources::inspanning(c, config)
        }),
        slachtoffers: read_input(get("slachtoffers"), "slachtoffers", config, report, |c| {
            sources::slachtoffer(c, config)
        }),
        doelen: read_input(get("doelen"), "doelen", config, report, |c| {
            sources::doel(c, config, &indicators)
        }),
        acties: read_input(get("acties"), "acties", config, report, |c| {
            sources::actie(c, config)
        }),
        bevindingen: sources::read_bevindingen(get("bevindingen"), config, report),
    };
    check_unique_keys(
        &drop.doelen,
        "doelen",
        "gebiedscode, jaar and indicator",
        report,
        |d| (d.gebied.clone(), d.jaar, d.indicator.clone()),
    );
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
    check_unique_keys(
        &drop.slachtoffers,
        "slachtoffers",
        "jaar, gemeentecode, bron, vorm, leeftijdsklasse and geslacht",
        report,
        |v| {
            (
                v.jaar,
                v.gemeente,
                v.bron,
                v.vorm,
                v.leeftijdsklasse,
                v.geslacht,
            )
        },
    );
    drop
}

/// Reads and validates the RNI files of a drop.
pub fn read_rni(
    files: &[InputFile],
    config: &Config,
    report: &mut QualityReport,
) -> Vec<Row<RniRegel>> {
    read_input(files, "rni", config, report, |c| sources::rni(c, config))
}

/// Reads and validates the KvK files of a drop; each vestigingsnummer occurs once.
pub fn read_kvk(
    files: &[InputFile],
    config: &Config,
    report: &mut QualityReport,
) -> Vec<Row<Vestiging>> {
    let rows = read_input(files, "kvk", config, report, |c| {
        sources::vestiging(c, config)
    });
    check_unique_keys(&rows, "kvk", "vestigingsnummer", report, |v| {
        v.vestigingsnummer
    });
    rows
}

/// The quality-report rule a file that `ingest` could not read breaks.
fn ingest_rule(e: &IngestError) -> Rule {
    match e {
        IngestError::Io { .. }
        | IngestError::Parquet { .. }
        | IngestError::ParquetColumn { .. }
        | IngestError::Csv { .. }
        | IngestError::NoHeader { .. } => Rule::OnleesbaarBestand,
        IngestError::UnknownColumn { .. } => Rule::OnbekendeKolom,
        IngestError::MissingColumn { .. } => Rule::KolomOntbreekt,
        IngestError::DuplicateColumn { .. } => Rule::DubbeleKolom,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(date: &str, ids: &[u64]) -> ObjectKeys {
        let d: NaiveDate = date.parse().expect("a date");
        ObjectKeys::new(
            ids.iter()
                .zip(2..)
                .map(|(&id, line)| (d, id, line))
                .collect(),
        )
    }

    /// The findings of the key check over `files`, named `v0.csv`, `v1.csv`, ….
    fn repeats_found(files: Vec<ObjectKeys>) -> Vec<Finding> {
        let named = files
            .into_iter()
            .enumerate()
            .map(|(i, k)| (Some(Arc::from(format!("v{i}.csv"))), k))
            .collect();
        let mut report = QualityReport::default();
        check_unique_object_keys(named, &mut report);
        report.findings
    }

    #[test]
    fn keys_are_kept_sorted_and_whole() {
        let (a, b): (NaiveDate, NaiveDate) = (
            "2024-03-31".parse().expect("a date"),
            "2024-06-30".parse().expect("a date"),
        );
        let big = 5_180_100_000_000_123;
        let keys = ObjectKeys::new(vec![(b, 7, 2), (a, big, 3), (a, 7, 4)]);
        let seen: Vec<_> = keys.iter().collect();
        assert_eq!(seen, vec![(a, 7, 4), (a, big, 3), (b, 7, 2)]);
        assert_eq!(keys.range(), Some(((a, 7), (b, 7))));
    }

    #[test]
    fn only_overlapping_files_are_merged_and_repeats_across_them_are_found() {
        let files = vec![
            keys("2024-03-31", &[10, 11, 12]),
            keys("2024-03-31", &[1, 2, 3]),
            keys("2024-03-31", &[3, 4]),
            keys("2024-06-30", &[1, 2]),
            ObjectKeys::default(),
        ];
        assert_eq!(
            overlapping_files(&files),
            vec![vec![1, 2], vec![0], vec![3]]
        );
        let findings = repeats_found(files);
        let found: Vec<_> = findings
            .iter()
            .map(|f| {
                (
                    f.file.as_str(),
                    f.line,
                    f.message.contains("also at v1.csv:4"),
                )
            })
            .collect();
        assert_eq!(found, vec![("v2.csv", Some(2), true)]);
    }

    #[test]
    fn repeats_in_one_file_and_across_interleaved_files_name_the_occurrence_before() {
        let files = vec![
            keys("2024-03-31", &[1, 3, 5, 5]),
            keys("2024-03-31", &[2, 3, 4, 6]),
            keys("2024-03-31", &[3]),
        ];
        let findings = repeats_found(files);
        let found: Vec<_> = findings
            .iter()
            .map(|f| {
                let also = f.message.split("also at ").nth(1).unwrap_or("");
                (
                    f.file.as_str(),
                    f.line,
                    also.split(';').next().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![
                ("v0.csv", Some(5), "v0.csv:4"),
                ("v1.csv", Some(3), "v0.csv:3"),
                ("v2.csv", Some(2), "v1.csv:3"),
            ]
        );
    }
}
