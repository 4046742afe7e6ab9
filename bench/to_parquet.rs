//! The Parquet variant of a generated drop: every CSV table rewritten as one typed, zstd Parquet
//! file of the same name (inputs.md §1: same column names), and the CSV removed. Read through
//! DataFusion with an explicit schema per input, so a value that does not fit its type fails here.

use std::path::Path;

use rayon::prelude::*;

use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::config::TableParquetOptions;
use datafusion::dataframe::DataFrameWriteOptions;
use datafusion::prelude::{CsvReadOptions, SessionConfig, SessionContext};

fn schema(columns: &[(&str, DataType)]) -> Schema {
    Schema::new(
        columns
            .iter()
            .map(|(name, t)| Field::new(*name, t.clone(), true))
            .collect::<Vec<_>>(),
    )
}

/// The typed schema of each generated input, by the file's directory or name.
fn schema_for(relative: &str) -> Option<Schema> {
    use DataType::{Boolean, Date32, Float64, Int32, Int64, Utf8};
    let s = if relative.starts_with("verblijfsobjecten/") {
        schema(&[
            ("peildatum", Date32),
            ("verblijfsobject_id", Utf8),
            ("status", Utf8),
            ("gebruiksdoel", Utf8),
            ("buurtcode", Utf8),
            ("x", Float64),
            ("y", Float64),
            ("postcode", Utf8),
            ("huisnummer", Int32),
            ("bewoners_brp", Int32),
            ("vestigingen_hr", Int32),
            ("woz_gebruik", Boolean),
        ])
    } else if relative.starts_with("rni/") && relative.ends_with("_id.csv") {
        schema(&[
            ("peildatum", Date32),
            ("verblijfsobject_id", Utf8),
            ("ingeschrevenen", Int32),
        ])
    } else if relative.starts_with("rni/") {
        schema(&[
            ("peildatum", Date32),
            ("postcode", Utf8),
            ("huisnummer", Int32),
            ("ingeschrevenen", Int32),
        ])
    } else if relative.starts_with("kvk/") {
        schema(&[
            ("vestigingsnummer", Utf8),
            ("kvk_nummer", Utf8),
            ("sbi_code", Utf8),
            ("datum_inschrijving", Date32),
            ("datum_uitschrijving", Date32),
            ("verblijfsobject_id", Utf8),
            ("postcode", Utf8),
            ("huisnummer", Int32),
            ("x", Float64),
            ("y", Float64),
        ])
    } else if relative.starts_with("signalen/") {
        schema(&[
            ("periode", Utf8),
            ("gebiedscode", Utf8),
            ("bron", Utf8),
            ("vorm", Utf8),
            ("fase", Int32),
            ("aantal", Int32),
        ])
    } else if relative == "bevolking.csv" {
        schema(&[("gebiedscode", Utf8), ("jaar", Int32), ("inwoners", Int64)])
    } else if relative == "gebieden/districten.csv" {
        schema(&[
            ("gemeentecode", Utf8),
            ("district_code", Utf8),
            ("district_naam", Utf8),
            ("regio_code", Utf8),
            ("regio_naam", Utf8),
        ])
    } else {
        return None;
    };
    Some(s)
}

fn csv_files(out: &Path) -> std::io::Result<Vec<String>> {
    let mut files = vec![
        "bevolking.csv".to_string(),
        "gebieden/districten.csv".into(),
    ];
    for dir in ["verblijfsobjecten", "rni", "kvk", "signalen"] {
        let mut names: Vec<String> = std::fs::read_dir(out.join(dir))?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".csv"))
            .map(|n| format!("{dir}/{n}"))
            .collect();
        names.sort();
        files.extend(names);
    }
    Ok(files)
}

/// One file, read in one partition so the rows keep their order (a line number means the same
/// row in both variants).
async fn convert_file(out: &Path, relative: &str) -> Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| format!("{relative}: {e}");
    let schema = schema_for(relative).ok_or_else(|| format!("no schema for {relative}"))?;
    let csv = out.join(relative);
    let parquet = csv.with_extension("parquet");
    let ctx = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(1));
    let options = CsvReadOptions::new()
        .has_header(true)
        .schema(&schema)
        .file_extension(".csv");
    let mut writer = TableParquetOptions::default();
    writer.global.compression = Some("zstd(3)".into());
    ctx.read_csv(csv.display().to_string(), options)
        .await
        .map_err(|e| fail(&e))?
        .write_parquet(
            &parquet.display().to_string(),
            DataFrameWriteOptions::new().with_single_file_output(true),
            Some(writer),
        )
        .await
        .map_err(|e| fail(&e))?;
    std::fs::remove_file(&csv).map_err(|e| fail(&e))
}

/// Rewrites every CSV table under `out` as Parquet, files in parallel.
pub fn convert_drop(out: &Path) -> std::io::Result<()> {
    csv_files(out)?.par_iter().try_for_each(|relative| {
        tokio::runtime::Builder::new_current_thread()
            .build()?
            .block_on(convert_file(out, relative))
            .map_err(std::io::Error::other)
    })
}
