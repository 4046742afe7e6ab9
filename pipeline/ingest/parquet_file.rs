//! Parquet files: every column is cast to text so that Parquet and CSV inputs pass through the
//! same validation; "line" is the 1-based row number.

use std::path::Path;

use datafusion::arrow::array::{Array, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::record_batch::RecordBatchReader;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::{IngestError, TableShape, TextRow};

/// Reads a Parquet file: its column names go to `shape`, then every row as text to `each`, one
/// record reused for all rows.
pub(super) fn read(
    path: &Path,
    shown: &str,
    shape: impl FnOnce(&[String], bool) -> Result<TableShape, IngestError>,
    mut each: impl FnMut(&TableShape, &TextRow),
) -> Result<TableShape, IngestError> {
    let err = |message: String| IngestError::Parquet {
        file: shown.into(),
        message,
    };
    let file = std::fs::File::open(path).map_err(|source| IngestError::Io {
        file: shown.into(),
        source,
    })?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.with_batch_size(64 * 1024).build())
        .map_err(|e| err(e.to_string()))?;
    let header: Vec<String> = reader
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let shape = shape(&header, false)?;
    let mut row = TextRow {
        line: 0,
        record: csv::StringRecord::with_capacity(256, header.len()),
    };
    for batch in reader {
        let batch = batch.map_err(|e| err(e.to_string()))?;
        let texts: Vec<StringArray> = batch
            .columns()
            .iter()
            .map(|c| {
                let utf8 = cast(c, &DataType::Utf8).map_err(|e| err(e.to_string()))?;
                utf8.as_any()
                    .downcast_ref::<StringArray>()
                    .cloned()
                    .ok_or_else(|| err("a column could not be read as text".into()))
            })
            .collect::<Result<_, _>>()?;
        for i in 0..batch.num_rows() {
            row.line += 1;
            row.record.clear();
            for t in &texts {
                row.record
                    .push_field(if t.is_null(i) { "" } else { t.value(i) });
            }
            each(&shape, &row);
        }
    }
    Ok(shape)
}
