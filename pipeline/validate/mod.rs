//! Validate: turns the text rows of `ingest` into typed rows of each source (inputs.md §2–7),
//! deciding per problem between *error* (the run stops) and *quarantine* (the row is left out
//! and reported). Only this module constructs the typed rows that later stages consume.

pub mod cells;
mod load;
pub mod report;
pub mod sources;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

pub use cells::AreaCode;
pub use load::{ValidDrop, fingerprint, load, read_objects};
pub use report::{Finding, QualityReport, RuleSummary, Severity};
pub use sources::{
    Address, Bevolking, District, Herindeling, LeegstandAggregaat, LocationKey, RniRegel, Signaal,
    Verblijfsobject, Vestiging,
};

use crate::ingest::{TableShape, TextRow};

/// The inputs of a drop, as named in the config's `[inputs.<name>]`.
pub const INPUT_NAMES: [&str; 9] = [
    "gebieden",
    "districten",
    "herindelingen",
    "bevolking",
    "verblijfsobjecten",
    "leegstand",
    "rni",
    "kvk",
    "signalen",
];

/// Where a typed row came from, for findings raised by later stages.
#[derive(Debug, Clone)]
pub struct Origin {
    pub file: Arc<str>,
    pub line: u64,
}

/// A typed row with its origin.
#[derive(Debug, Clone)]
pub struct Row<T> {
    pub origin: Origin,
    pub value: T,
}

/// Why one row cannot be used.
#[derive(Debug, Clone)]
pub struct Problem {
    pub column: &'static str,
    pub rule: &'static str,
    pub message: String,
    pub value: Option<String>,
}

impl Problem {
    pub fn new(column: &'static str, rule: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            column,
            rule,
            message: message.into(),
            value: None,
        }
    }

    fn with_value(mut self, value: &str) -> Problem {
        self.value = Some(value.to_string());
        self
    }
}

/// Typed access to the cells of one row; every failure is a `Problem` naming the column.
pub struct Cells<'a> {
    table: &'a TableShape,
    row: &'a TextRow,
}

impl<'a> Cells<'a> {
    pub fn opt(&self, column: &'static str) -> Option<&'a str> {
        self.row.get(self.table.index(column))
    }

    pub fn req(&self, column: &'static str) -> Result<&'a str, Problem> {
        self.opt(column)
            .ok_or_else(|| Problem::new(column, "waarde_ontbreekt", "the value is empty"))
    }

    pub fn count(&self, column: &'static str) -> Result<i64, Problem> {
        let text = self.req(column)?;
        cells::parse_count(text).map_err(|negative| {
            if negative {
                Problem::new(column, "negatief_aantal", "a count cannot be negative")
                    .with_value(text)
            } else {
                Problem::new(column, "onleesbare_waarde", "not a whole number").with_value(text)
            }
        })
    }

    pub fn date(&self, column: &'static str) -> Result<NaiveDate, Problem> {
        let text = self.req(column)?;
        crate::calendar::parse_date(text).ok_or_else(|| {
            Problem::new(
                column,
                "onleesbare_waarde",
                "not a date (YYYY-MM-DD or DD-MM-YYYY)",
            )
            .with_value(text)
        })
    }

    pub fn opt_date(&self, column: &'static str) -> Result<Option<NaiveDate>, Problem> {
        match self.opt(column) {
            None => Ok(None),
            Some(_) => self.date(column).map(Some),
        }
    }

    pub fn bool(&self, column: &'static str) -> Result<bool, Problem> {
        let text = self.req(column)?;
        cells::parse_bool(text).ok_or_else(|| {
            Problem::new(
                column,
                "onleesbare_waarde",
                "not a boolean (true/false, ja/nee, 1/0)",
            )
            .with_value(text)
        })
    }

    pub fn decimal(&self, column: &'static str) -> Result<Option<f64>, Problem> {
        match self.opt(column) {
            None => Ok(None),
            Some(text) => cells::parse_decimal(text, self.table.decimal_comma)
                .map(Some)
                .ok_or_else(|| {
                    Problem::new(column, "onleesbare_waarde", "not a decimal number")
                        .with_value(text)
                }),
        }
    }

    pub fn area(&self, column: &'static str) -> Result<Option<AreaCode>, Problem> {
        match self.opt(column) {
            None => Ok(None),
            Some(text) => AreaCode::parse(text).map(Some).ok_or_else(|| {
                Problem::new(
                    column,
                    "onleesbare_waarde",
                    "not a CBS area code (GM0000, WK000000, BU00000000)",
                )
                .with_value(text)
            }),
        }
    }

    pub fn digits(&self, column: &'static str, n: usize) -> Result<Option<u64>, Problem> {
        match self.opt(column) {
            None => Ok(None),
            Some(text) => cells::parse_digits(text, n).map(Some).ok_or_else(|| {
                Problem::new(
                    column,
                    "onleesbare_waarde",
                    format!("not a {n}-digit number"),
                )
                .with_value(text)
            }),
        }
    }

    /// True when the file has this column at all.
    pub fn table_has(&self, column: &str) -> bool {
        self.table.has(column)
    }

    /// Every cell of the row with its column, for whole-row scans.
    pub fn all(&self) -> impl Iterator<Item = (&'static str, &'a str)> + '_ {
        self.table
            .columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| self.row.get(Some(i)).map(|v| (*c, v)))
    }
}

/// What a row parser decides about a row.
pub enum Verdict<T> {
    Keep(T),
    Quarantine(Problem),
    /// A problem that stops the run (personal data, or a structural problem in a row).
    Error(Problem),
}

impl<T> From<Result<T, Problem>> for Verdict<T> {
    fn from(r: Result<T, Problem>) -> Self {
        match r {
            Ok(v) => Verdict::Keep(v),
            Err(p) => Verdict::Quarantine(p),
        }
    }
}

/// Runs `parse` over the rows of one file as `ingest` hands them over (`row`), reporting
/// problems, and keeps what it returns (`finish`). When every row fails on the same column as
/// unreadable, that column has the wrong type for the whole file: an error rather than a
/// quarantine.
pub struct RowParser<T, P> {
    source: &'static str,
    file: Arc<str>,
    parse: P,
    rows: usize,
    kept: Vec<Row<T>>,
    unreadable: HashMap<&'static str, usize>,
}

impl<T, P: FnMut(&Cells) -> Verdict<T>> RowParser<T, P> {
    pub fn new(source: &'static str, file: &str, parse: P) -> Self {
        RowParser {
            source,
            file: Arc::from(file),
            parse,
            rows: 0,
            kept: Vec::new(),
            unreadable: HashMap::new(),
        }
    }

    pub fn row(&mut self, shape: &TableShape, row: &TextRow, report: &mut QualityReport) {
        self.rows += 1;
        let cells = Cells { table: shape, row };
        let (problem, severity) = match (self.parse)(&cells) {
            Verdict::Keep(value) => {
                self.kept.push(Row {
                    origin: Origin {
                        file: self.file.clone(),
                        line: row.line,
                    },
                    value,
                });
                return;
            }
            Verdict::Quarantine(p) => (p, Severity::Quarantine),
            Verdict::Error(p) => (p, Severity::Error),
        };
        if problem.rule == "onleesbare_waarde" {
            *self.unreadable.entry(problem.column).or_default() += 1;
        }
        report.push(Finding {
            source: self.source,
            file: self.file.to_string(),
            line: Some(row.line),
            column: Some(problem.column.to_string()),
            rule: problem.rule,
            severity,
            message: problem.message,
            value: problem.value,
        });
    }

    /// The kept rows, once every row has been seen.
    pub fn finish(self, report: &mut QualityReport) -> Vec<Row<T>> {
        report.add_rows_read(&self.file, self.rows as u64);
        if self.rows >= 2
            && let Some((column, _)) = self.unreadable.iter().find(|(_, n)| **n == self.rows)
        {
            report.push(Finding {
                source: self.source,
                file: self.file.to_string(),
                line: None,
                column: Some(column.to_string()),
                rule: "kolom_type",
                severity: Severity::Error,
                message:
                    "no value in this column has the type the contract asks; is it the right column?"
                        .into(),
                value: None,
            });
        }
        self.kept
    }
}

/// Reports every key that occurs twice, across all files of one input, as an error.
pub fn check_unique_keys<T, K: std::hash::Hash + Eq + std::fmt::Debug>(
    rows: &[Row<T>],
    source: &'static str,
    what: &str,
    report: &mut QualityReport,
    key: impl Fn(&T) -> K,
) {
    // A fast hasher: tens of millions of keys in a national drop, none chosen by an outsider.
    let mut seen: HashMap<K, &Origin, foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(rows.len(), Default::default());
    for row in rows {
        if let Some(first) = seen.insert(key(&row.value), &row.origin) {
            report.push(Finding {
                source,
                file: row.origin.file.to_string(),
                line: Some(row.origin.line),
                column: None,
                rule: "dubbele_sleutel",
                severity: Severity::Error,
                message: format!(
                    "duplicate {what} {:?}: also at {}:{}; deliver each key once",
                    key(&row.value),
                    first.file,
                    first.line
                ),
                value: None,
            });
        }
    }
}
