//! Parquet output: one table as zstd Parquet, hive-partitioned by its `district` column
//! (`<table>/district=<code>/part-0.parquet`; rows without a district, such as the regio, under
//! `district=__HIVE_DEFAULT_PARTITION__`, which DuckDB, pyarrow and Spark read as null).

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::array::{Array, StringArray, UInt32Array};
use datafusion::arrow::compute::take_record_batch;
use datafusion::arrow::datatypes::Schema;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::{Compression, ZstdLevel};
use datafusion::parquet::file::properties::WriterProperties;
use rayon::prelude::*;

use super::PublishError;
use crate::transform::OutputTable;

/// The partition column a model adds; it becomes the directory name, not a file column.
pub const PARTITION_COLUMN: &str = "district";
pub const HIVE_NULL: &str = "__HIVE_DEFAULT_PARTITION__";

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> PublishError + '_ {
    move |source| PublishError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn write_file(
    path: &Path,
    schema: Arc<Schema>,
    batches: &[RecordBatch],
) -> Result<(), PublishError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let file = File::create(path).map_err(io(path))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(3).unwrap_or_default()))
        .set_created_by(format!("risicobeeld {}", env!("CARGO_PKG_VERSION")))
        .build();
    let parquet_err = |source| PublishError::Parquet {
        path: path.display().to_string(),
        source,
    };
    let mut writer = ArrowWriter::try_new(file.try_clone().map_err(io(path))?, schema, Some(props))
        .map_err(parquet_err)?;
    for b in batches {
        writer.write(b).map_err(parquet_err)?;
    }
    writer.close().map_err(parquet_err)?;
    file.sync_all().map_err(io(path))?;
    Ok(())
}

/// Writes `table` under `dir/<name>/`; returns the files written (relative to `dir`).
pub fn write_table(dir: &Path, table: &OutputTable) -> Result<Vec<String>, PublishError> {
    let table_dir = dir.join(&table.name);
    let Ok(index) = table.schema.index_of(PARTITION_COLUMN) else {
        let path = table_dir.join("part-0.parquet");
        write_file(&path, table.schema.clone(), &table.batches)?;
        return Ok(vec![format!("{}/part-0.parquet", table.name)]);
    };
    let file_schema = Arc::new(
        table.schema.project(
            &(0..table.schema.fields().len())
                .filter(|i| *i != index)
                .collect::<Vec<_>>(),
        )?,
    );
    // district value → its rows, in table order.
    let mut parts: BTreeMap<String, Vec<RecordBatch>> = BTreeMap::new();
    for batch in &table.batches {
        let districts = batch
            .column(index)
            .as_any()
            .downcast_ref::<StringArray>()
            .ok_or_else(|| PublishError::DistrictColumn {
                path: table_dir.display().to_string(),
            })?;
        let mut rows_of: BTreeMap<Option<&str>, Vec<u32>> = BTreeMap::new();
        for (row, district) in (0u32..).zip(districts.iter()) {
            rows_of.entry(district).or_default().push(row);
        }
        let rest = batch.project(
            &(0..batch.num_columns())
                .filter(|i| *i != index)
                .collect::<Vec<_>>(),
        )?;
        for (value, rows) in rows_of {
            let part = take_record_batch(&rest, &UInt32Array::from(rows))?;
            let key = value.map_or_else(|| HIVE_NULL.to_string(), str::to_string);
            parts.entry(key).or_default().push(part);
        }
    }
    // The districts' files are independent: written (compressed, synced) in parallel.
    let mut files = parts
        .into_par_iter()
        .map(|(district, batches)| {
            let rel: PathBuf = [
                table.name.as_str(),
                &format!("{PARTITION_COLUMN}={district}"),
                "part-0.parquet",
            ]
            .iter()
            .collect();
            write_file(&dir.join(&rel), file_schema.clone(), &batches)?;
            Ok(rel.to_string_lossy().replace('\\', "/"))
        })
        .collect::<Result<Vec<String>, PublishError>>()?;
    if files.is_empty() {
        // An empty table is still a table: one empty file keeps its schema readable.
        let rel = format!(
            "{}/{PARTITION_COLUMN}={HIVE_NULL}/part-0.parquet",
            table.name
        );
        write_file(&dir.join(&rel), file_schema, &[])?;
        files.push(rel);
    }
    Ok(files)
}
