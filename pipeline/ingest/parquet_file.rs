//! Parquet files: strings are read as text, and the types that print and parse back exactly
//! (integers, Float64, Date32, Boolean) keep their value, so the validator reads them without a
//! round trip through text; any other type is cast to text. "line" is the 1-based row number.

use std::path::Path;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Date32Array, Float64Array, Int64Array, StringArray,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Date32Type, Float64Type, Int64Type};
use datafusion::arrow::error::ArrowError;
use datafusion::arrow::record_batch::RecordBatchReader;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::{Cell, IngestError, InputRow, TableShape};

/// One column of a batch in the form the validator reads it.
#[derive(Debug)]
pub(super) enum Column {
    Text(StringArray),
    Int(Int64Array),
    Float(Float64Array),
    Date(Date32Array),
    Bool(BooleanArray),
}

impl Column {
    fn new(array: &ArrayRef) -> Result<Column, ArrowError> {
        use DataType::*;
        Ok(match array.data_type() {
            // Unsigned 64-bit values may not fit an i64: those go through text.
            Int8 | Int16 | Int32 | Int64 | UInt8 | UInt16 | UInt32 => {
                Column::Int(cast(array, &Int64)?.as_primitive::<Int64Type>().clone())
            }
            Float64 => Column::Float(array.as_primitive::<Float64Type>().clone()),
            Date32 => Column::Date(array.as_primitive::<Date32Type>().clone()),
            Boolean => Column::Bool(array.as_boolean().clone()),
            Utf8 => Column::Text(array.as_string::<i32>().clone()),
            _ => Column::Text(cast(array, &Utf8)?.as_string::<i32>().clone()),
        })
    }

    /// The value in `row`; `None` when it is null.
    #[inline]
    pub(super) fn cell(&self, row: usize) -> Option<Cell<'_>> {
        match self {
            Column::Text(a) => a.is_valid(row).then(|| Cell::Text(a.value(row))),
            Column::Int(a) => a.is_valid(row).then(|| Cell::Int(a.value(row))),
            Column::Float(a) => a.is_valid(row).then(|| Cell::Float(a.value(row))),
            Column::Date(a) => a
                .is_valid(row)
                .then(|| a.value_as_date(row))
                .flatten()
                .map(Cell::Date),
            Column::Bool(a) => a.is_valid(row).then(|| Cell::Bool(a.value(row))),
        }
    }
}

/// Reads a Parquet file: its column names go to `shape`, then every row to `each`, one row
/// reused for all rows.
pub(super) fn read(
    path: &Path,
    shown: &str,
    shape: impl FnOnce(&[String], bool, usize) -> Result<TableShape, IngestError>,
    mut each: impl FnMut(&TableShape, &InputRow),
) -> Result<TableShape, IngestError> {
    let err = |source| IngestError::Parquet {
        file: shown.into(),
        source,
    };
    let file = std::fs::File::open(path).map_err(|source| IngestError::Io {
        file: shown.into(),
        source,
    })?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(err)?;
    let rows = usize::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0);
    let reader = builder.with_batch_size(64 * 1024).build().map_err(err)?;
    let header: Vec<String> = reader
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let shape = shape(&header, false, rows)?;
    let mut row = InputRow {
        line: 0,
        record: csv::StringRecord::new(),
        columns: Vec::new(),
        index: 0,
    };
    for batch in reader {
        let column_err = |source| IngestError::ParquetColumn {
            file: shown.into(),
            source,
        };
        let batch = batch.map_err(column_err)?;
        row.columns = batch
            .columns()
            .iter()
            .map(Column::new)
            .collect::<Result<_, _>>()
            .map_err(column_err)?;
        for index in 0..batch.num_rows() {
            row.line += 1;
            row.index = index;
            each(&shape, &row);
        }
    }
    Ok(shape)
}
