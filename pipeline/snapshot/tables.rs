//! The published tables: their names, which columns hold person counts, how a hidden cell is
//! flagged (`<column>_onderdrukt`), and reading a table directory of Parquet files back.

use std::path::Path;

use datafusion::arrow::array::{Array, BooleanArray, Float64Array, Int64Array, RecordBatch};
use datafusion::arrow::compute::concat_batches;

/// The tables of a run, in the order the models make them; each is published in full (analysts)
/// and under `openbaar/` (everyone else).
pub const TABLES: [&str; 6] = [
    "gebied_indicatoren",
    "kvk_sectoren",
    "signalen_fasen",
    "trends",
    "kwaliteit",
    "evaluatie",
];

/// The smallest count shown when a manifest does not say (outputs.md §4).
pub const DEFAULT_MIN_COUNT: i64 = 5;

/// Sensitive counts of `gebied_indicatoren` (outputs.md §4), and the ratios computed from them.
pub const SENSITIVE: [&str; 8] = [
    "rni_ingeschrevenen",
    "rni_adressen",
    "verborgen_bewoning",
    "signalen_totaal",
    "signalen_seksueel",
    "signalen_crimineel",
    "signalen_arbeid",
    "signalen_overig",
];
/// The columns of `evaluatie` that hold a person count in the rows marked `persoonsaantal`.
pub const EVALUATIE_SENSITIVE: [&str; 3] = ["waarde", "nulmeting", "vorig_jaar"];

/// Non-sensitive counts of `gebied_indicatoren` that bound a sensitive one: `verborgen_bewoning`
/// counts leeg objects, so `leeg_aantal ≥ verborgen_bewoning`. Hidden only where that bound would
/// give a hidden count away (a buurt with 2 leeg objects tells that its hidden verborgen_bewoning
/// is at most 2). `vbo_in_gebruik` bounds both as well, but it counts BAG objects, which anyone
/// can count in the public BAG: hiding it would protect nothing (docs/disclosure.md).
pub const BOUNDING: [(&str, &str); 1] = [("leeg_aantal", "verborgen_bewoning")];

/// The flag beside a column that marks its hidden cells: `<column>_onderdrukt` for a person
/// count (pages show `<5`), `<column>_afgeschermd` for a bounding count (hidden to protect
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
    SENSITIVE
        .into_iter()
        .chain(BOUNDING.iter().map(|(bound, _)| *bound))
}

/// The published columns that hold person counts, per table: in `openbaar/` each must carry its
/// `<column>_onderdrukt` flag and show no value from 1 to `min_count − 1`.
pub const SENSITIVE_COLUMNS: [(&str, &[&str]); 3] = [
    ("gebied_indicatoren", &SENSITIVE),
    ("signalen_fasen", &["aantal", "bereikt"]),
    ("evaluatie", &EVALUATIE_SENSITIVE),
];

/// The person-count columns of `table` (none for a table without any).
pub fn sensitive_columns(table: &str) -> &'static [&'static str] {
    SENSITIVE_COLUMNS
        .iter()
        .find(|(t, _)| *t == table)
        .map_or(&[], |(_, c)| c)
}

/// Every column of a table that carries a disclosure flag in `openbaar/` (the sensitive ones,
/// and in `gebied_indicatoren` the counts that bound them).
pub fn flagged_columns(table: &str) -> Vec<&'static str> {
    if table == "gebied_indicatoren" {
        controlled().collect()
    } else {
        sensitive_columns(table).to_vec()
    }
}

/// A published table that cannot be read.
#[derive(Debug, Clone, thiserror::Error)]
#[error("reading {path}: {message}")]
pub struct ReadError {
    pub path: String,
    pub message: String,
}

/// Reads every Parquet file under `dir` into one batch (hive partition columns are not needed).
pub fn read_dir_table(dir: &Path) -> Result<RecordBatch, ReadError> {
    use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let err = |p: &Path, e: &dyn std::fmt::Display| ReadError {
        path: p.display().to_string(),
        message: e.to_string(),
    };
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| err(&d, &e))?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "parquet") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut batches = Vec::new();
    let mut schema = None;
    for f in files {
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

/// Does `dir` hold a Parquet file (at any depth)?
pub fn has_parquet(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let path = e.path();
            if path.is_dir() {
                has_parquet(&path)
            } else {
                path.extension().is_some_and(|x| x == "parquet")
            }
        })
    })
}

/// Values of sensitive columns in 1 … min_count − 1 in a batch (for tests and the audit report).
/// In a table with a `persoonsaantal` column (`evaluatie`, whose `waarde` holds counts of work
/// done and rates as well), only the rows it marks are person counts.
pub fn small_values(batch: &RecordBatch, columns: &[&str], min_count: i64) -> usize {
    let person_row: Vec<bool> = match batch.column_by_name("persoonsaantal") {
        Some(c) => match c.as_any().downcast_ref::<BooleanArray>() {
            Some(a) => a.iter().map(|v| v != Some(false)).collect(),
            None => vec![true; batch.num_rows()],
        },
        None => vec![true; batch.num_rows()],
    };
    let small_int = |v: i64| v >= 1 && v < min_count;
    let small_float = |v: f64| v >= 1.0 && v < min_count as f64 && v.fract() == 0.0;
    columns
        .iter()
        .filter_map(|c| batch.column_by_name(c))
        .map(|a| {
            if let Some(i) = a.as_any().downcast_ref::<Int64Array>() {
                i.iter()
                    .zip(&person_row)
                    .filter(|(v, person)| **person && v.is_some_and(small_int))
                    .count()
            } else if let Some(f) = a.as_any().downcast_ref::<Float64Array>() {
                f.iter()
                    .zip(&person_row)
                    .filter(|(v, person)| **person && v.is_some_and(small_float))
                    .count()
            } else {
                0
            }
        })
        .sum()
}
