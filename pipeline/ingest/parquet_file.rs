//! Parquet files: every column is cast to text so that Parquet and CSV inputs pass through the
//! same validation; "line" is the 1-based row number.

use std::path::Path;

use datafusion::arrow::array::{Array, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::record_batch::RecordBatchReader;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::{IngestError, TextRow};

pub(super) fn read(path: &Path, shown: &str) -> Result<(Vec<String>, Vec<TextRow>), IngestError> {
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
    let mut rows = Vec::new();
    let mut line = 0u64;
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
            line += 1;
            let mut record = csv::StringRecord::with_capacity(64, texts.len());
            for t in &texts {
                record.push_field(if t.is_null(i) { "" } else { t.value(i) });
            }
            rows.push(TextRow { line, record });
        }
    }
    Ok((header, rows))
}
