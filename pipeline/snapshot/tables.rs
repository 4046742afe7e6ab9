//! The published tables: their names, which columns hold person counts, how a hidden cell is
//! flagged (`<column>_onderdrukt`), and reading a table directory of Parquet files back.

use std::path::Path;

use datafusion::arrow::array::{BooleanArray, RecordBatch};
use datafusion::arrow::compute::concat_batches;

/// The tables of a run, in the order the models make them; each is published in full (analysts)
/// and under `openbaar/` (everyone else).
pub const TABLES: [&str; 12] = [
    "gebied_indicatoren",
    "kvk_sectoren",
    "signalen_fasen",
    "signalen_bronnen",
    "slachtoffers",
    "trends",
    "kwaliteit",
    "evaluatie",
    "onderdelen",
    "acties",
    "bevindingen",
    "indicatoren",
];

/// The smallest count shown when a manifest does not say (outputs.md §4).
pub const DEFAULT_MIN_COUNT: i64 = 5;

/// The person counts of `gebied_indicatoren` (outputs.md §4): the registry's, in its order.
pub fn sensitive() -> Vec<&'static str> {
    crate::indicators::person_counts().map(|i| i.name).collect()
}

/// The columns of `evaluatie` that hold a person count in the rows marked `persoonsaantal`.
pub const EVALUATIE_SENSITIVE: [&str; 3] = ["waarde", "nulmeting", "vorig_jaar"];

/// Non-sensitive counts of `gebied_indicatoren` that bound a sensitive one: `verborgen_bewoning`
/// counts leeg objects, so `leeg_aantal ≥ verborgen_bewoning`. Hidden only where that bound would
/// give a hidden count away (a buurt with 2 leeg objects tells that its hidden verborgen_bewoning
/// is at most 2). `vbo_in_gebruik` bounds both as well, but it counts BAG objects, which anyone
/// can count in the public BAG: hiding it would protect nothing (docs/disclosure.md).
pub const BOUNDING: [(&str, &str); 1] = [("leeg_aantal", "verborgen_bewoning")];

/// The flag beside a column that marks its hidden cells: `<column>_onderdrukt` for a person
/// count (pages show ×), `<column>_afgeschermd` for a bounding count (hidden to protect
/// another cell, whatever its own value; pages show a dash).
pub fn flag_name(column: &str) -> String {
    if BOUNDING.iter().any(|(bound, _)| *bound == column) {
        format!("{column}_afgeschermd")
    } else {
        format!("{column}_onderdrukt")
    }
}

/// Every column of `gebied_indicatoren` that disclosure control may hide.
pub fn controlled() -> impl Iterator<Item = &'static str> {
    sensitive()
        .into_iter()
        .chain(BOUNDING.iter().map(|(bound, _)| *bound))
}

/// Whether disclosure control can change an indicator's value in `openbaar/` (and so its
/// trends): a column it may hide, a ratio of one (by its count or its denominator), or the
/// score, which weighs the ratios of every area of a level. Any other indicator is published
/// exactly as computed.
pub fn changed_by_disclosure(indicator: &crate::indicators::Indicator) -> bool {
    let made_of = [
        Some(indicator.name),
        indicator.count,
        indicator.denominator.map(|d| d.column),
        indicator.denominator.map(|d| d.of),
    ];
    indicator.kind == crate::indicators::Kind::Score
        || made_of
            .into_iter()
            .flatten()
            .any(|column| controlled().any(|c| c == column))
}

/// The published columns that hold person counts, per table: in `openbaar/` each must carry its
/// `<column>_onderdrukt` flag and show no value from 1 to `min_count − 1` (none for a table
/// without any).
pub fn sensitive_columns(table: &str) -> Vec<&'static str> {
    match table {
        "gebied_indicatoren" => sensitive(),
        "signalen_fasen" => vec!["aantal", "bereikt"],
        "signalen_bronnen" => vec!["aantal"],
        "slachtoffers" => vec!["aantal"],
        "evaluatie" => EVALUATIE_SENSITIVE.to_vec(),
        _ => Vec::new(),
    }
}

/// Every column of a table that carries a disclosure flag in `openbaar/` (the sensitive ones,
/// in `gebied_indicatoren` the counts that bound them, and in `trends` the value, hidden with the
/// count it is or is made of).
pub fn flagged_columns(table: &str) -> Vec<&'static str> {
    match table {
        "gebied_indicatoren" => controlled().collect(),
        "trends" => vec!["waarde"],
        _ => sensitive_columns(table),
    }
}

/// A published table that cannot be read.
#[derive(Debug, Clone, thiserror::Error)]
#[error("reading {path}: {message}")]
pub struct ReadError {
    pub path: String,
    pub message: String,
}

/// How deep a table directory may go (`<table>/district=<code>/part-0.parquet`) and how many
/// entries it may hold: a directory that goes on further is not a published table.
const MAX_DEPTH: usize = 3;
const MAX_ENTRIES: usize = 100_000;

/// The Parquet files under `dir`, sorted. A symbolic link anywhere, a directory deeper than
/// `MAX_DEPTH` or more than `MAX_ENTRIES` entries is refused: a run is read from its own
/// directory only, and a loop of links cannot keep a reader walking.
fn parquet_files(dir: &Path) -> Result<Vec<std::path::PathBuf>, ReadError> {
    let err = |p: &Path, e: &dyn std::fmt::Display| ReadError {
        path: p.display().to_string(),
        message: e.to_string(),
    };
    let top = std::fs::symlink_metadata(dir).map_err(|e| err(dir, &e))?;
    if !top.file_type().is_dir() {
        return Err(err(dir, &"not a directory of the run (a link or a file)"));
    }
    let mut files = Vec::new();
    let mut seen = 0usize;
    let mut stack = vec![(dir.to_path_buf(), 0usize)];
    while let Some((d, depth)) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| err(&d, &e))? {
            let entry = entry.map_err(|e| err(&d, &e))?;
            seen += 1;
            if seen > MAX_ENTRIES {
                return Err(err(dir, &format!("more than {MAX_ENTRIES} entries")));
            }
            let path = entry.path();
            let kind = entry.file_type().map_err(|e| err(&path, &e))?;
            if kind.is_symlink() {
                return Err(err(&path, &"a symbolic link (refused)"));
            }
            if kind.is_dir() {
                if depth + 1 >= MAX_DEPTH {
                    return Err(err(&path, &"nested deeper than a published table"));
                }
                stack.push((path, depth + 1));
            } else if kind.is_file() && path.extension().is_some_and(|x| x == "parquet") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Reads every Parquet file under `dir` into one batch (hive partition columns are not needed).
pub fn read_dir_table(dir: &Path) -> Result<RecordBatch, ReadError> {
    use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let err = |p: &Path, e: &dyn std::fmt::Display| ReadError {
        path: p.display().to_string(),
        message: e.to_string(),
    };
    let mut batches = Vec::new();
    let mut schema = None;
    for f in parquet_files(dir)? {
        let file = std::fs::File::open(&f).map_err(|e| err(&f, &e))?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| err(&f, &e))?;
        // A table without rows is one file without row groups: its schema still counts.
        schema.get_or_insert_with(|| builder.schema().clone());
        let reader = builder.build().map_err(|e| err(&f, &e))?;
        for b in reader {
            batches.push(b.map_err(|e| err(&f, &e))?);
        }
    }
    let schema = schema.ok_or_else(|| err(dir, &"no Parquet files"))?;
    concat_batches(&schema, &batches).map_err(|e| err(dir, &e))
}

/// A file directly in the run directory `run` (`manifest.json`, `gebieden.geojson`), refused
/// when it is a symbolic link or not a plain file.
pub fn read_file_in_run(run: &Path, name: &str) -> Result<Vec<u8>, ReadError> {
    let path = run.join(name);
    let err = |e: &dyn std::fmt::Display| ReadError {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let meta = std::fs::symlink_metadata(&path).map_err(|e| err(&e))?;
    if !meta.file_type().is_file() {
        return Err(err(&"not a plain file of the run (a link?)"));
    }
    std::fs::read(&path).map_err(|e| err(&e))
}

/// Does `dir` hold a Parquet file (at any depth, without following links)?
pub fn has_parquet(dir: &Path) -> bool {
    parquet_files(dir).is_ok_and(|files| !files.is_empty())
}

/// Values of sensitive columns in 1 … min_count − 1 in a batch (for tests and the audit report),
/// whatever the columns' numeric type. In a table with a `persoonsaantal` column (`evaluatie`,
/// whose `waarde` holds counts of work done and rates as well), only the rows it marks are
/// person counts.
pub fn small_values(batch: &RecordBatch, columns: &[&str], min_count: i64) -> usize {
    let person_row: Option<Vec<bool>> = batch
        .column_by_name("persoonsaantal")
        .and_then(|c| c.as_any().downcast_ref::<BooleanArray>())
        .map(|a| a.iter().map(|v| v != Some(false)).collect());
    columns
        .iter()
        .filter_map(|c| batch.column_by_name(c))
        .map(|a| crate::check::small_count(a, person_row.as_deref(), min_count).unwrap_or(0))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::indicator;

    /// Which indicators disclosure can change, from the registry: the person counts and the
    /// bounding count (`leeg_aantal`), the ratios made of them, and the score; not the
    /// inhabitants, the objects in use, the KvK counts or a ratio of two of those.
    #[test]
    fn disclosure_changes_the_hidden_counts_their_ratios_and_the_score() {
        let changed = |name: &str| indicator(name).is_some_and(changed_by_disclosure);
        for name in [
            "signalen_totaal",
            "rni_ingeschrevenen",
            "leeg_aantal",
            "leeg_pct",
            "signalen_per_10000_inwoners",
            "risicoscore",
        ] {
            assert!(changed(name), "{name}");
        }
        for name in [
            "inwoners",
            "vbo_in_gebruik",
            "kvk_risico_actief",
            "kvk_risico_per_1000_inwoners",
        ] {
            assert!(!changed(name), "{name}");
        }
    }
}
