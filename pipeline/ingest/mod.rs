//! Ingest: reads one input file — CSV in any dialect of inputs.md §1, or Parquet — into rows of
//! cells under the contract's column names: trimmed text, or a Parquet column's own value. It
//! knows nothing of meaning: typing and the rules are `validate`'s job. Header problems (unknown, missing, doubled columns) are
//! reported here because they are properties of the file, not of a row.

mod csv_file;
mod discover;
mod parquet_file;

use std::collections::BTreeMap;
use std::path::Path;

pub use csv_file::{decode_text, detect_delimiter};
pub use discover::{DiscoverError, InputFile, default_globs, discover};

/// The columns a source may have (inputs.md §2–7).
#[derive(Debug)]
pub struct Contract {
    pub source: &'static str,
    pub columns: &'static [&'static str],
    /// Columns that must be present in every file.
    pub required: &'static [&'static str],
}

/// What is known of a file once its header is read: which contract column is where.
#[derive(Debug)]
pub struct TableShape {
    /// The path as shown to the user.
    pub file: String,
    /// The contract column at each position.
    pub columns: Vec<&'static str>,
    /// The contract's columns that this file lacks.
    pub absent: Vec<&'static str>,
    /// True for `;`-separated files, where `12,5` is a decimal.
    pub decimal_comma: bool,
    /// At least the number of data rows (a CSV's line count, a Parquet file's row count), so
    /// that whoever keeps the rows can make room for them at once.
    pub rows_hint: usize,
}

/// One data row with the line it starts on (CSV) or its 1-based row number (Parquet). Its
/// cells are a CSV record's fields, or, when `columns` is not empty, row `index` of a Parquet
/// batch's columns. The readers reuse one row for all rows of a file.
#[derive(Debug)]
pub struct InputRow {
    pub line: u64,
    record: csv::StringRecord,
    columns: Vec<parquet_file::Column>,
    index: usize,
}

/// One non-empty cell as the file holds it. CSV cells and Parquet string columns are text;
/// Parquet's typed columns keep their value, so that a number or a date is not printed only
/// to be parsed again. `text` gives any cell as text, for rules that read text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Text(&'a str),
    Int(i64),
    Float(f64),
    Date(chrono::NaiveDate),
    Bool(bool),
}

impl<'a> Cell<'a> {
    /// The cell as text: a text cell as it is, a typed value as Parquet tools print it.
    #[inline]
    pub fn text(self) -> std::borrow::Cow<'a, str> {
        use std::borrow::Cow;
        match self {
            Cell::Text(t) => Cow::Borrowed(t),
            Cell::Int(n) => Cow::Owned(n.to_string()),
            Cell::Float(f) => Cow::Owned(f.to_string()),
            Cell::Date(d) => Cow::Owned(d.format("%Y-%m-%d").to_string()),
            Cell::Bool(b) => Cow::Borrowed(if b { "true" } else { "false" }),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("cannot read the file: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("{message}")]
    Csv {
        file: String,
        line: u64,
        message: String,
    },
    #[error("the file has no header row")]
    NoHeader { file: String },
    #[error(
        "column '{column}' is not in the contract of {source_name} \
         (the pipeline accepts counts, never persons); remove the column, or map it onto a \
         contract column in [inputs.{source_name}.columns]"
    )]
    UnknownColumn {
        file: String,
        column: String,
        source_name: &'static str,
    },
    #[error(
        "required column '{column}' is missing; add it, or map your own column name onto it in [inputs.<name>.columns]"
    )]
    MissingColumn { file: String, column: &'static str },
    #[error("column '{column}' appears more than once")]
    DuplicateColumn { file: String, column: String },
    #[error("not a readable Parquet file: {source}")]
    Parquet {
        file: String,
        source: datafusion::parquet::errors::ParquetError,
    },
    #[error("a column of the Parquet file could not be read: {source}")]
    ParquetColumn {
        file: String,
        source: datafusion::arrow::error::ArrowError,
    },
}

impl IngestError {
    pub fn line(&self) -> Option<u64> {
        match self {
            IngestError::Csv { line, .. } => Some(*line),
            IngestError::UnknownColumn { .. }
            | IngestError::MissingColumn { .. }
            | IngestError::DuplicateColumn { .. }
            | IngestError::NoHeader { .. } => Some(1),
            _ => None,
        }
    }

    pub fn column(&self) -> Option<String> {
        match self {
            IngestError::UnknownColumn { column, .. }
            | IngestError::DuplicateColumn { column, .. } => Some(column.clone()),
            IngestError::MissingColumn { column, .. } => Some(column.to_string()),
            _ => None,
        }
    }
}

impl TableShape {
    /// Position of a contract column in this file, if present.
    pub fn index(&self, column: &str) -> Option<usize> {
        // The validator asks with the contract's own names, so the address mostly matches, also
        // for a column the file lacks, and no text is compared (a dozen lookups per row, tens of
        // millions of rows).
        let same = |c: &&str| std::ptr::eq(*c, column);
        if let Some(i) = self.columns.iter().position(same) {
            return Some(i);
        }
        if self.absent.iter().any(same) {
            return None;
        }
        self.columns.iter().position(|c| *c == column)
    }

    pub fn has(&self, column: &str) -> bool {
        self.index(column).is_some()
    }
}

impl InputRow {
    /// The cell at `index`, text trimmed; `None` when the column is absent or the cell empty
    /// (or null).
    #[inline]
    pub fn get(&self, index: Option<usize>) -> Option<Cell<'_>> {
        let index = index?;
        let cell = if self.columns.is_empty() {
            Cell::Text(self.record.get(index)?)
        } else {
            self.columns.get(index)?.cell(self.index)?
        };
        match cell {
            Cell::Text(t) => {
                let t = trim(t);
                (!t.is_empty()).then_some(Cell::Text(t))
            }
            typed => Some(typed),
        }
    }
}

/// `text` without leading and trailing whitespace; a cell that starts and ends with a visible
/// ASCII character, as nearly all do, is returned without the Unicode-aware scan.
#[inline]
fn trim(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// Reads `path` (CSV or Parquet by extension) under `contract`, mapping the user's column names
/// through `mapping` (user name → contract name, case-insensitive), and hands every row to
/// `each` as it is read: a file's rows are never all held. On an error, rows already handed
/// over are to be discarded by the caller.
pub fn read_rows(
    path: &Path,
    shown: &str,
    contract: &Contract,
    mapping: &BTreeMap<String, String>,
    each: impl FnMut(&TableShape, &InputRow),
) -> Result<TableShape, IngestError> {
    let is_parquet = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("parq"));
    let shape = |header: &[String], decimal_comma: bool, rows_hint: usize| {
        let columns = map_header(header, shown, contract, mapping)?;
        let absent = (contract.columns.iter())
            .filter(|c| !columns.contains(c))
            .copied()
            .collect();
        Ok(TableShape {
            file: shown.to_string(),
            columns,
            absent,
            decimal_comma,
            rows_hint,
        })
    };
    if is_parquet {
        parquet_file::read(path, shown, shape, each)
    } else {
        csv_file::read(path, shown, shape, each)
    }
}

/// Matches header names onto contract columns: trimmed, case-insensitive, through the mapping.
fn map_header(
    header: &[String],
    file: &str,
    contract: &Contract,
    mapping: &BTreeMap<String, String>,
) -> Result<Vec<&'static str>, IngestError> {
    let mapping: BTreeMap<String, String> = mapping
        .iter()
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_lowercase()))
        .collect();
    let mut columns: Vec<&'static str> = Vec::with_capacity(header.len());
    for raw in header {
        let name = raw.trim().to_lowercase();
        let target = mapping.get(&name).cloned().unwrap_or(name);
        let column = contract
            .columns
            .iter()
            .find(|c| **c == target)
            .ok_or_else(|| IngestError::UnknownColumn {
                file: file.to_string(),
                column: raw.trim().to_string(),
                source_name: contract.source,
            })?;
        if columns.contains(column) {
            return Err(IngestError::DuplicateColumn {
                file: file.to_string(),
                column: raw.trim().into(),
            });
        }
        columns.push(column);
    }
    if let Some(missing) = contract.required.iter().find(|r| !columns.contains(r)) {
        return Err(IngestError::MissingColumn {
            file: file.to_string(),
            column: missing,
        });
    }
    Ok(columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTRACT: Contract = Contract {
        source: "test",
        columns: &["peildatum", "aantal", "naam"],
        required: &["peildatum"],
    };

    /// A row as the tests compare it: its line and the text of each cell.
    type ShownRow = (u64, Vec<Option<String>>);

    /// A file's shape and rows (line, cells), as `read_rows` hands them over.
    fn read_table(
        path: &Path,
        shown: &str,
        contract: &Contract,
        mapping: &BTreeMap<String, String>,
    ) -> Result<(TableShape, Vec<ShownRow>), IngestError> {
        let mut rows = Vec::new();
        let shape = read_rows(path, shown, contract, mapping, |shape, row| {
            let cells = (0..shape.columns.len())
                .map(|i| row.get(Some(i)).map(|c| c.text().into_owned()))
                .collect();
            rows.push((row.line, cells))
        })?;
        Ok((shape, rows))
    }

    /// The text of a row's cell under a contract column, as the tests compare it.
    fn text<'a>(
        t: &TableShape,
        row: &'a (u64, Vec<Option<String>>),
        column: &str,
    ) -> Option<&'a str> {
        row.1.get(t.index(column)?)?.as_deref()
    }

    fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).expect("write test file");
        p
    }

    #[test]
    fn reads_semicolon_windows1252_with_bom_free_header_and_quotes() {
        let dir = tempfile::tempdir().expect("tempdir");
        // "Súdwest-Fryslân" in Windows-1252, a quoted field with a newline and a `;`.
        let mut bytes = b"Peildatum ;AANTAL;naam\r\n2024-01-01;12,5;\"S".to_vec();
        bytes.extend_from_slice(&[0xFA]);
        bytes.extend_from_slice(b"dwest-Frysl");
        bytes.push(0xE2);
        bytes.extend_from_slice(b"n\"\r\n2024-02-01;3;\"twee\nregels; echt\"\r\n");
        let p = write(&dir, "a.csv", &bytes);
        let (t, rows) = read_table(&p, "a.csv", &CONTRACT, &BTreeMap::new()).expect("reads");
        assert!(t.decimal_comma);
        assert_eq!(t.columns, vec!["peildatum", "aantal", "naam"]);
        assert_eq!(rows.len(), 2);
        assert_eq!(text(&t, &rows[0], "naam"), Some("Súdwest-Fryslân"));
        assert_eq!(rows[0].0, 2);
        assert_eq!(rows[1].0, 3);
        assert_eq!(text(&t, &rows[1], "naam"), Some("twee\nregels; echt"));
    }

    #[test]
    fn strips_utf8_bom_and_maps_columns() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = write(
            &dir,
            "b.csv",
            "\u{feff}Datum,Aantal\n2024-01-01,  7  \n".as_bytes(),
        );
        let mapping = BTreeMap::from([("DATUM".to_string(), "peildatum".to_string())]);
        let (t, rows) = read_table(&p, "b.csv", &CONTRACT, &mapping).expect("reads");
        assert!(!t.decimal_comma);
        assert_eq!(text(&t, &rows[0], "aantal"), Some("7"));
    }

    #[test]
    fn refuses_unknown_missing_and_duplicate_columns() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = write(&dir, "c.csv", b"peildatum,bsn\n2024-01-01,123\n");
        let e = read_table(&p, "c.csv", &CONTRACT, &BTreeMap::new()).expect_err("unknown column");
        assert!(e.to_string().contains("column 'bsn'"), "{e}");
        assert!(matches!(e, IngestError::UnknownColumn { .. }));
        let p = write(&dir, "d.csv", b"aantal\n1\n");
        let e = read_table(&p, "d.csv", &CONTRACT, &BTreeMap::new()).expect_err("missing");
        assert!(matches!(e, IngestError::MissingColumn { .. }));
        let p = write(&dir, "e.csv", b"peildatum,Peildatum\n1,2\n");
        let e = read_table(&p, "e.csv", &CONTRACT, &BTreeMap::new()).expect_err("dup");
        assert!(matches!(e, IngestError::DuplicateColumn { .. }));
    }

    #[test]
    fn trims_ascii_and_unicode_whitespace() {
        assert_eq!(trim("BU03630000"), "BU03630000");
        assert_eq!(trim("  a b\t"), "a b");
        assert_eq!(trim("\u{a0}x\u{2003}"), "x");
        assert_eq!(trim("é"), "é");
        assert_eq!(trim(""), "");
    }

    #[test]
    fn ragged_row_names_its_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = write(
            &dir,
            "f.csv",
            b"peildatum,aantal\n2024-01-01,1\n2024-01-01,1,9\n",
        );
        let e = read_table(&p, "f.csv", &CONTRACT, &BTreeMap::new()).expect_err("ragged");
        assert_eq!(e.line(), Some(3), "{e}");
        assert!(
            e.to_string().contains("3 fields where the header has 2"),
            "{e}"
        );
    }
}
