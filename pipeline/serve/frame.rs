//! Query results in the two shapes the server hands out: a `Frame` of display cells (with every
//! `<col>_onderdrukt` flag folded into its column as `Suppressed`) for pages, and the raw batches
//! encoded as JSON, CSV or Parquet for downloads and the API.

use std::sync::Arc;

use datafusion::arrow::array::{Array, BooleanArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Schema};
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::parquet::arrow::ArrowWriter;

/// The suffixes of a disclosure flag beside its column: a hidden person count, and a bounding
/// count hidden to protect one. Both fold into the column as `Cell::Suppressed`.
pub const FLAG_SUFFIXES: [&str; 2] = ["_onderdrukt", "_afgeschermd"];

fn is_flag(name: &str) -> bool {
    FLAG_SUFFIXES.iter().any(|s| name.ends_with(s))
}

/// The flag of `column` in `batch`, if it has one.
fn flag_of(batch: &RecordBatch, column: &str) -> Option<BooleanArray> {
    FLAG_SUFFIXES.iter().find_map(|suffix| {
        batch
            .column_by_name(&format!("{column}{suffix}"))
            .and_then(|a| a.as_any().downcast_ref::<BooleanArray>().cloned())
    })
}

/// One display value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    /// Hidden by disclosure control: shown as `html::HIDDEN_MARK`.
    Suppressed,
    Num(f64),
    Text(String),
}

impl Cell {
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Num(v) => Some(*v),
            _ => None,
        }
    }
    pub fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Num(v) => format_number(*v),
            Cell::Null | Cell::Suppressed => String::new(),
        }
    }
    /// A boolean column's value (booleans are read as "ja"/"nee").
    pub fn boolean(&self) -> Option<bool> {
        match self {
            Cell::Text(t) if t == "ja" => Some(true),
            Cell::Text(t) if t == "nee" => Some(false),
            _ => None,
        }
    }
}

/// Dutch number formatting: decimal comma, thin grouping with dots, at most two decimals.
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let s = format!("{}", v.abs() as i64);
        let mut grouped = String::new();
        for (i, ch) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                grouped.push('.');
            }
            grouped.push(ch);
        }
        return if v < 0.0 {
            format!("-{grouped}")
        } else {
            grouped
        };
    }
    let rounded = format!("{v:.2}");
    let trimmed = rounded.trim_end_matches('0').trim_end_matches('.');
    trimmed.replace('.', ",")
}

/// A result for display: column names and rows of cells.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Frame {
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// Builds a frame from batches; flag columns mark their value column and are dropped.
    pub fn from_batches(batches: &[RecordBatch]) -> Frame {
        let mut frame = Frame::default();
        let Some(first) = batches.first() else {
            return frame;
        };
        let schema = first.schema();
        let shown: Vec<usize> = (0..schema.fields().len())
            .filter(|i| !is_flag(schema.field(*i).name()))
            .collect();
        frame.columns = shown
            .iter()
            .map(|i| schema.field(*i).name().clone())
            .collect();
        for batch in batches {
            let cells: Vec<Vec<Cell>> = shown
                .iter()
                .map(|i| {
                    let flag = flag_of(batch, schema.field(*i).name());
                    column_cells(batch.column(*i).as_ref(), flag.as_ref())
                })
                .collect();
            for r in 0..batch.num_rows() {
                frame
                    .rows
                    .push(cells.iter().map(|c| c[r].clone()).collect());
            }
        }
        frame
    }

    /// Sorts rows by one column (numbers numerically, nulls last).
    pub fn sort_by(&mut self, column: usize, descending: bool) {
        self.rows.sort_by(|a, b| {
            let (x, y) = (&a[column], &b[column]);
            let order = match (x.number(), y.number()) {
                (Some(p), Some(q)) => p.total_cmp(&q),
                (Some(_), None) => return std::cmp::Ordering::Less,
                (None, Some(_)) => return std::cmp::Ordering::Greater,
                (None, None) => x.text().cmp(&y.text()),
            };
            if descending { order.reverse() } else { order }
        });
    }
}

fn is_numeric(t: &DataType) -> bool {
    t.is_numeric()
}

fn column_cells(array: &dyn Array, flag: Option<&BooleanArray>) -> Vec<Cell> {
    let suppressed = |i: usize| flag.is_some_and(|f| !f.is_null(i) && f.value(i));
    if is_numeric(array.data_type())
        && let Ok(floats) = cast(array, &DataType::Float64)
        && let Some(f) = floats
            .as_any()
            .downcast_ref::<datafusion::arrow::array::Float64Array>()
    {
        return (0..array.len())
            .map(|i| {
                if suppressed(i) {
                    Cell::Suppressed
                } else if f.is_null(i) {
                    Cell::Null
                } else {
                    Cell::Num(f.value(i))
                }
            })
            .collect();
    }
    let options = FormatOptions::default();
    let formatter = ArrayFormatter::try_new(array, &options).ok();
    (0..array.len())
        .map(|i| {
            if suppressed(i) {
                Cell::Suppressed
            } else if array.is_null(i) {
                Cell::Null
            } else if let Some(b) = array.as_any().downcast_ref::<BooleanArray>() {
                Cell::Text(if b.value(i) { "ja" } else { "nee" }.to_string())
            } else {
                Cell::Text(
                    formatter
                        .as_ref()
                        .map(|f| f.value(i).to_string())
                        .unwrap_or_default(),
                )
            }
        })
        .collect()
}

/// The batches as a JSON array of objects (numbers as numbers, nulls as null).
pub fn to_json(batches: &[RecordBatch]) -> serde_json::Value {
    let mut rows = Vec::new();
    let options = FormatOptions::default();
    for batch in batches {
        let schema = batch.schema();
        for r in 0..batch.num_rows() {
            let mut object = serde_json::Map::new();
            for (i, field) in schema.fields().iter().enumerate() {
                object.insert(
                    field.name().clone(),
                    json_value(batch.column(i), r, &options),
                );
            }
            rows.push(serde_json::Value::Object(object));
        }
    }
    serde_json::Value::Array(rows)
}

fn json_value(array: &Arc<dyn Array>, r: usize, options: &FormatOptions) -> serde_json::Value {
    use datafusion::arrow::array::{Float64Array, Int64Array};
    if array.is_null(r) {
        return serde_json::Value::Null;
    }
    if let Some(b) = array.as_any().downcast_ref::<BooleanArray>() {
        return serde_json::Value::Bool(b.value(r));
    }
    let dt = array.data_type();
    if dt.is_integer()
        && let Ok(c) = cast(array.as_ref(), &DataType::Int64)
        && let Some(i) = c.as_any().downcast_ref::<Int64Array>()
    {
        return serde_json::Value::from(i.value(r));
    }
    if dt.is_floating()
        && let Ok(c) = cast(array.as_ref(), &DataType::Float64)
        && let Some(f) = c.as_any().downcast_ref::<Float64Array>()
    {
        return serde_json::Number::from_f64(f.value(r))
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null);
    }
    if let DataType::Struct(fields) = dt
        && let Some(s) = array
            .as_any()
            .downcast_ref::<datafusion::arrow::array::StructArray>()
    {
        let mut object = serde_json::Map::new();
        for (i, f) in fields.iter().enumerate() {
            object.insert(f.name().clone(), json_value(s.column(i), r, options));
        }
        return serde_json::Value::Object(object);
    }
    ArrayFormatter::try_new(array.as_ref(), options)
        .map(|f| serde_json::Value::String(f.value(r).to_string()))
        .unwrap_or(serde_json::Value::Null)
}

/// The batches as CSV with a header row (`,`-separated, RFC 4180 quoting, empty = null).
/// A text cell as a spreadsheet may read it: one that starts with `=`, `+`, `-`, `@`, a tab or
/// a carriage return would be taken for a formula, so it gets a leading `'` (OWASP, CSV
/// injection). Number columns are never touched: a negative number stays a number.
pub fn neutralised(text: String) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text
    }
}

pub fn to_csv(schema: &Schema, batches: &[RecordBatch]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(
        schema
            .fields()
            .iter()
            .map(|f| neutralised(f.name().clone())),
    );
    let options = FormatOptions::default();
    for batch in batches {
        let formatters: Vec<Option<ArrayFormatter>> = batch
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &options).ok())
            .collect();
        let text: Vec<bool> = batch
            .columns()
            .iter()
            .map(|c| {
                matches!(
                    c.data_type(),
                    DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
                )
            })
            .collect();
        // A hidden value reads as the one mark, as on the pages (its flag column stays too).
        let flags: Vec<Option<BooleanArray>> = batch
            .schema()
            .fields()
            .iter()
            .map(|f| flag_of(batch, f.name()))
            .collect();
        for r in 0..batch.num_rows() {
            let record: Vec<String> = formatters
                .iter()
                .enumerate()
                .map(|(i, f)| match f {
                    _ if flags[i]
                        .as_ref()
                        .is_some_and(|h| !h.is_null(r) && h.value(r)) =>
                    {
                        crate::html::HIDDEN_MARK.to_string()
                    }
                    Some(f) if !batch.column(i).is_null(r) && text[i] => {
                        neutralised(f.value(r).to_string())
                    }
                    Some(f) if !batch.column(i).is_null(r) => f.value(r).to_string(),
                    _ => String::new(),
                })
                .collect();
            let _ = writer.write_record(&record);
        }
    }
    writer.into_inner().unwrap_or_default()
}

/// The batches as one Parquet file.
pub fn to_parquet(schema: Arc<Schema>, batches: &[RecordBatch]) -> Result<Vec<u8>, String> {
    let mut buffer = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut buffer, schema, None).map_err(|e| e.to_string())?;
    for b in batches {
        writer.write(b).map_err(|e| e.to_string())?;
    }
    writer.close().map_err(|e| e.to_string())?;
    Ok(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Int64Array, StringArray};
    use datafusion::arrow::datatypes::Field;

    fn batch() -> RecordBatch {
        let schema = Schema::new(vec![
            Field::new("gebiedscode", DataType::Utf8, true),
            Field::new("signalen_totaal", DataType::Int64, true),
            Field::new("signalen_totaal_onderdrukt", DataType::Boolean, true),
        ]);
        RecordBatch::try_new(
            Arc::new(schema),
            vec![
                Arc::new(StringArray::from(vec!["GM0001", "GM0002", "GM0003"])),
                Arc::new(Int64Array::from(vec![Some(12), None, None])),
                Arc::new(BooleanArray::from(vec![false, true, false])),
            ],
        )
        .expect("batch")
    }

    #[test]
    fn flags_fold_into_their_column() {
        let frame = Frame::from_batches(&[batch()]);
        assert_eq!(frame.columns, vec!["gebiedscode", "signalen_totaal"]);
        assert_eq!(frame.rows[0][1], Cell::Num(12.0));
        assert_eq!(frame.rows[1][1], Cell::Suppressed);
        assert_eq!(frame.rows[2][1], Cell::Null);
    }

    #[test]
    fn sorting_puts_nulls_last_either_way() {
        let mut frame = Frame::from_batches(&[batch()]);
        frame.sort_by(1, true);
        assert_eq!(frame.rows[0][0], Cell::Text("GM0001".into()));
        frame.sort_by(1, false);
        assert_eq!(frame.rows[0][0], Cell::Text("GM0001".into()));
    }

    #[test]
    fn numbers_are_formatted_the_dutch_way() {
        assert_eq!(format_number(1234567.0), "1.234.567");
        assert_eq!(format_number(12.5), "12,5");
        assert_eq!(format_number(-3.0), "-3");
        assert_eq!(format_number(0.126), "0,13");
    }

    #[test]
    fn json_keeps_types_and_csv_marks_what_is_hidden() {
        let b = batch();
        let json = to_json(std::slice::from_ref(&b));
        assert_eq!(json[0]["signalen_totaal"], 12);
        assert_eq!(json[1]["signalen_totaal"], serde_json::Value::Null);
        assert_eq!(json[1]["signalen_totaal_onderdrukt"], true);
        let csv = String::from_utf8(to_csv(&b.schema(), &[b])).expect("utf8");
        // A hidden value reads as the mark, beside its flag.
        assert_eq!(csv.lines().nth(2), Some("GM0002,×,true"), "{csv}");
        assert_eq!(csv.lines().nth(3), Some("GM0003,,false"), "{csv}");
    }

    #[test]
    fn csv_text_that_a_spreadsheet_would_run_is_neutralised_and_numbers_stay() {
        let schema = Schema::new(vec![
            Field::new("naam", DataType::Utf8, true),
            Field::new("verschil", DataType::Int64, true),
        ]);
        let names = [
            "=HYPERLINK(\"x\")",
            "+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "Delft",
        ];
        let b = RecordBatch::try_new(
            Arc::new(schema),
            vec![
                Arc::new(StringArray::from(names.to_vec())),
                Arc::new(Int64Array::from(vec![-3; names.len()])),
            ],
        )
        .expect("batch");
        let csv = String::from_utf8(to_csv(&b.schema(), &[b])).expect("utf8");
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let cells: Vec<(String, String)> = reader
            .records()
            .map(|r| {
                let r = r.expect("record");
                (r[0].to_string(), r[1].to_string())
            })
            .collect();
        for (cell, original) in cells.iter().zip(names) {
            if original == "Delft" {
                assert_eq!(cell.0, "Delft");
            } else {
                assert_eq!(cell.0, format!("'{original}"));
            }
            assert_eq!(cell.1, "-3", "a number stays a number");
        }
    }
}
