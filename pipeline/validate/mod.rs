//! Validate: turns the text rows of `ingest` into typed rows of each source (inputs.md §2–7),
//! deciding per problem between *error* (the run stops) and *quarantine* (the row is left out
//! and reported). Only this module constructs the typed rows that later stages consume.

pub mod cells;
mod load;
pub mod report;
pub mod rules;
pub mod sources;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

pub use cells::AreaCode;
pub use load::{ValidDrop, fingerprint, load, read_kvk, read_objects, read_rni};
pub use report::{Finding, QualityReport, RuleSummary, Severity};
pub use rules::Rule;
pub use sources::{
    Actie, Address, Bevinding, Bevolking, District, Doel, EvaluatieGebied, Herindeling, Inspanning,
    LeegstandAggregaat, LocationKey, RniRegel, Signaal, Slachtoffer, Verblijfsobject, Vestiging,
};

use crate::ingest::{Cell, InputRow, TableShape};
use std::borrow::Cow;

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
    pub rule: Rule,
    pub message: String,
    pub value: Option<String>,
}

impl Problem {
    pub fn new(column: &'static str, rule: Rule, message: impl Into<String>) -> Problem {
        Problem {
            column,
            rule,
            message: message.into(),
            value: None,
        }
    }

    pub fn with_value(mut self, value: &str) -> Problem {
        self.value = Some(value.to_string());
        self
    }
}

/// Typed access to the cells of one row; every failure is a `Problem` naming the column.
/// A Parquet cell that already has the asked type is taken as it is; anything else is read as
/// text, by the same rules as a CSV cell.
pub struct Cells<'a> {
    table: &'a TableShape,
    row: &'a InputRow,
}

impl<'a> Cells<'a> {
    /// The cell under `column`; `None` when the column is absent or the cell empty.
    pub fn cell(&self, column: &'static str) -> Option<Cell<'a>> {
        self.row.get(self.table.index(column))
    }

    pub fn req_cell(&self, column: &'static str) -> Result<Cell<'a>, Problem> {
        self.cell(column)
            .ok_or_else(|| Problem::new(column, Rule::WaardeOntbreekt, "the value is empty"))
    }

    pub fn opt(&self, column: &'static str) -> Option<Cow<'a, str>> {
        self.cell(column).map(Cell::text)
    }

    pub fn req(&self, column: &'static str) -> Result<Cow<'a, str>, Problem> {
        self.req_cell(column).map(Cell::text)
    }

    pub fn count(&self, column: &'static str) -> Result<i64, Problem> {
        let cell = self.req_cell(column)?;
        let parsed = match cell {
            Cell::Int(n) if n >= 0 => Ok(n),
            Cell::Int(_) => Err(true),
            other => cells::parse_count(&other.text()),
        };
        parsed.map_err(|negative| {
            let text = cell.text();
            if negative {
                Problem::new(column, Rule::NegatiefAantal, "a count cannot be negative")
                    .with_value(&text)
            } else {
                Problem::new(column, Rule::OnleesbareWaarde, "not a whole number").with_value(&text)
            }
        })
    }

    pub fn date(&self, column: &'static str) -> Result<NaiveDate, Problem> {
        let text = match self.req_cell(column)? {
            Cell::Date(d) if (1000..=9999).contains(&chrono::Datelike::year(&d)) => return Ok(d),
            other => other.text(),
        };
        crate::calendar::parse_date(&text).ok_or_else(|| {
            Problem::new(
                column,
                Rule::OnleesbareWaarde,
                "not a date (YYYY-MM-DD or DD-MM-YYYY)",
            )
            .with_value(&text)
        })
    }

    pub fn opt_date(&self, column: &'static str) -> Result<Option<NaiveDate>, Problem> {
        match self.cell(column) {
            None => Ok(None),
            Some(_) => self.date(column).map(Some),
        }
    }

    pub fn bool(&self, column: &'static str) -> Result<bool, Problem> {
        let text = match self.req_cell(column)? {
            Cell::Bool(b) => return Ok(b),
            other => other.text(),
        };
        cells::parse_bool(&text).ok_or_else(|| {
            Problem::new(
                column,
                Rule::OnleesbareWaarde,
                "not a boolean (true/false, ja/nee, 1/0)",
            )
            .with_value(&text)
        })
    }

    pub fn decimal(&self, column: &'static str) -> Result<Option<f64>, Problem> {
        let text = match self.cell(column) {
            None => return Ok(None),
            Some(Cell::Float(f)) if f.is_finite() => return Ok(Some(f)),
            Some(Cell::Int(n)) => return Ok(Some(n as f64)),
            Some(other) => other.text(),
        };
        cells::parse_decimal(&text, self.table.decimal_comma)
            .map(Some)
            .ok_or_else(|| {
                Problem::new(column, Rule::OnleesbareWaarde, "not a decimal number")
                    .with_value(&text)
            })
    }

    pub fn area(&self, column: &'static str) -> Result<Option<AreaCode>, Problem> {
        match self.opt(column) {
            None => Ok(None),
            Some(text) => AreaCode::parse(&text).map(Some).ok_or_else(|| {
                Problem::new(
                    column,
                    Rule::OnleesbareWaarde,
                    "not a CBS area code (GM0000, WK000000, BU00000000)",
                )
                .with_value(&text)
            }),
        }
    }

    pub fn digits(&self, column: &'static str, n: usize) -> Result<Option<u64>, Problem> {
        let text = match self.cell(column) {
            None => return Ok(None),
            Some(Cell::Int(v)) if n <= 19 && u64::try_from(v).is_ok_and(|v| fits_digits(v, n)) => {
                return Ok(Some(v as u64));
            }
            Some(other) => other.text(),
        };
        cells::parse_digits(&text, n).map(Some).ok_or_else(|| {
            Problem::new(
                column,
                Rule::OnleesbareWaarde,
                format!("not a {n}-digit number"),
            )
            .with_value(&text)
        })
    }

    /// True when the file has this column at all.
    pub fn table_has(&self, column: &str) -> bool {
        self.table.has(column)
    }

    /// Every cell of the row as text with its column, for whole-row scans.
    pub fn all(&self) -> impl Iterator<Item = (&'static str, Cow<'a, str>)> + '_ {
        self.table
            .columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| self.row.get(Some(i)).map(|v| (*c, v.text())))
    }
}

/// True when `v` has at most `n` digits (n ≤ 19).
fn fits_digits(v: u64, n: usize) -> bool {
    n >= 19 || v < 10u64.pow(n as u32)
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

    pub fn row(&mut self, shape: &TableShape, row: &InputRow, report: &mut QualityReport) {
        if self.rows == 0 {
            // Room for every row at once: a national file grown by doubling copies its rows
            // several times. Room not used is never touched, so it costs no memory.
            self.kept.reserve(shape.rows_hint);
        }
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
        // The verdict and the rule agree on how bad a problem is (the rule is the definition).
        debug_assert_eq!(severity, problem.rule.severity(), "{:?}", problem.rule);
        if problem.rule == Rule::OnleesbareWaarde {
            *self.unreadable.entry(problem.column).or_default() += 1;
        }
        report.push(Finding {
            source: self.source,
            file: self.file.to_string(),
            line: Some(row.line),
            column: Some(problem.column.to_string()),
            rule: problem.rule,
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
                rule: Rule::KolomType,
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
                rule: Rule::DubbeleSleutel,
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use datafusion::arrow::array::{
        ArrayRef, BooleanArray, Date32Array, Float64Array, Int32Array, Int64Array, StringArray,
    };
    use datafusion::arrow::record_batch::RecordBatch;
    use datafusion::parquet::arrow::ArrowWriter;

    use super::*;
    use crate::ingest::{Contract, read_rows};

    const CONTRACT: Contract = Contract {
        source: "test",
        columns: &["datum", "aantal", "id", "x", "ja", "tekst"],
        required: &[],
    };

    /// What each typed accessor makes of every row of `path`, as text for comparison.
    fn typed_rows(path: &std::path::Path) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        read_rows(path, "t", &CONTRACT, &BTreeMap::new(), |table, row| {
            let c = Cells { table, row };
            let show = |r: Result<String, Problem>| r.unwrap_or_else(|p| p.rule.code().to_string());
            out.push(vec![
                show(c.date("datum").map(|d| d.to_string())),
                show(c.count("aantal").map(|n| n.to_string())),
                show(c.digits("id", 16).map(|d| format!("{d:?}"))),
                show(c.decimal("x").map(|d| format!("{d:?}"))),
                show(c.bool("ja").map(|b| b.to_string())),
                show(c.req("tekst").map(|t| t.into_owned())),
            ]);
        })
        .expect("reads");
        out
    }

    #[test]
    fn typed_parquet_cells_follow_the_text_rules() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.parquet");
        let columns: Vec<(&str, ArrayRef)> = vec![
            (
                "datum",
                Arc::new(Date32Array::from(vec![Some(19_723), None, Some(19_724)])),
            ),
            (
                "aantal",
                Arc::new(Int32Array::from(vec![Some(3), Some(-2), None])),
            ),
            (
                "id",
                Arc::new(Int64Array::from(vec![
                    Some(363_010_000_000_001),
                    Some(12_345_678_901_234_567),
                    Some(-1),
                ])),
            ),
            (
                "x",
                Arc::new(Float64Array::from(vec![
                    Some(155_000.5),
                    Some(f64::NAN),
                    None,
                ])),
            ),
            (
                "ja",
                Arc::new(BooleanArray::from(vec![Some(true), Some(false), None])),
            ),
            (
                "tekst",
                Arc::new(StringArray::from(vec![Some("  a "), Some(""), None])),
            ),
        ];
        let batch = RecordBatch::try_from_iter(columns).expect("batch");
        let file = std::fs::File::create(&path).expect("create");
        let mut writer = ArrowWriter::try_new(file, batch.schema(), None).expect("writer");
        writer.write(&batch).expect("write");
        writer.close().expect("close");

        let rows = typed_rows(&path);
        assert_eq!(
            rows[0],
            [
                "2024-01-01",
                "3",
                "Some(363010000000001)",
                "Some(155000.5)",
                "true",
                "a"
            ]
        );
        assert_eq!(
            rows[1],
            [
                "waarde_ontbreekt",
                "negatief_aantal",
                "onleesbare_waarde",
                "onleesbare_waarde",
                "false",
                "waarde_ontbreekt"
            ]
        );
        assert_eq!(
            rows[2],
            [
                "2024-01-02",
                "waarde_ontbreekt",
                "onleesbare_waarde",
                "None",
                "waarde_ontbreekt",
                "waarde_ontbreekt"
            ]
        );
    }

    #[test]
    fn text_cells_give_the_same_answers_as_typed_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.csv");
        std::fs::write(
            &path,
            "datum,aantal,id,x,ja,tekst\n\
             2024-01-01,3,363010000000001,155000.5,ja,  a \n\
             ,-2,12345678901234567,NaN,nee,\n\
             2024-01-02,,-1,,,\n",
        )
        .expect("write");
        let rows = typed_rows(&path);
        assert_eq!(
            rows[0][..5],
            [
                "2024-01-01",
                "3",
                "Some(363010000000001)",
                "Some(155000.5)",
                "true"
            ]
        );
        assert_eq!(
            rows[1][1..4],
            ["negatief_aantal", "onleesbare_waarde", "onleesbare_waarde"]
        );
        assert_eq!(
            rows[2][2..5],
            ["onleesbare_waarde", "None", "waarde_ontbreekt"]
        );
    }
}
