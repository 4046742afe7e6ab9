//! Opening a published run: its manifest, its full tables, and its `openbaar/` tables — checked,
//! or refused as a whole. A reader never gets an unchecked `openbaar/` table: a run whose
//! manifest has no disclosure section, or whose `openbaar/` copy of a table is missing, lacks a
//! `<column>_onderdrukt` flag or shows a count from 1 to `min_count − 1`, has none (fail closed).

use std::path::{Path, PathBuf};

use datafusion::arrow::array::RecordBatch;

use crate::manifest::Manifest;
use crate::tables::{
    TABLES, flag_name, has_parquet, read_dir_table, sensitive_columns, small_values,
};

/// A run that cannot be opened at all (analysts see nothing of it either).
#[derive(Debug, Clone, thiserror::Error)]
#[error("snapshot {run_id}: cannot read {what}: {message}")]
pub struct OpenError {
    pub run_id: String,
    pub what: String,
    pub message: String,
}

/// A published run, read.
#[derive(Debug)]
pub struct OpenRun {
    pub run_id: String,
    pub dir: PathBuf,
    pub manifest: Manifest,
    /// The full tables in `TABLES` order (a run made before a table existed lacks it).
    pub full: Vec<(&'static str, RecordBatch)>,
    /// The checked `openbaar/` twin of every full table, or why this run shows non-analysts
    /// nothing.
    pub openbaar: Result<Vec<(&'static str, RecordBatch)>, String>,
    /// The `min_count` the manifest promises (`None`: no disclosure section).
    pub min_count: Option<i64>,
}

impl OpenRun {
    pub fn full_table(&self, name: &str) -> Option<&RecordBatch> {
        self.full.iter().find(|(t, _)| *t == name).map(|(_, b)| b)
    }
}

/// Reads `<out>/runs/<run_id>`.
pub fn open_run(out: &Path, run_id: &str) -> Result<OpenRun, OpenError> {
    let dir = out.join("runs").join(run_id);
    let fail = |what: &str, message: String| OpenError {
        run_id: run_id.to_string(),
        what: what.to_string(),
        message,
    };
    let text = std::fs::read_to_string(dir.join("manifest.json"))
        .map_err(|e| fail("manifest.json", e.to_string()))?;
    let manifest: Manifest =
        serde_json::from_str(&text).map_err(|e| fail("manifest.json", e.to_string()))?;
    let min_count = manifest.disclosure.as_ref().map(|d| d.min_count);
    let mut full = Vec::new();
    let mut openbaar = match min_count {
        Some(_) => Ok(Vec::new()),
        None => Err("manifest.json has no disclosure section".to_string()),
    };
    for table in TABLES {
        // Runs published before the yearly evaluation have no `evaluatie`.
        if table == "evaluatie" && !has_parquet(&dir.join(table)) {
            continue;
        }
        let batch = read_dir_table(&dir.join(table)).map_err(|e| fail(table, e.to_string()))?;
        full.push((table, batch));
        if let (Ok(open), Some(min_count)) = (&mut openbaar, min_count) {
            match read_protected(&dir, table, min_count) {
                Ok(batch) => open.push((table, batch)),
                Err(problem) => openbaar = Err(problem),
            }
        }
    }
    Ok(OpenRun {
        run_id: run_id.to_string(),
        dir,
        manifest,
        full,
        openbaar,
        min_count,
    })
}

/// The `openbaar/` twin of `table`, checked: present, every sensitive column with its
/// `_onderdrukt` flag, and no sensitive value from 1 to `min_count − 1`. Err says what is wrong.
fn read_protected(dir: &Path, table: &str, min_count: i64) -> Result<RecordBatch, String> {
    let open_dir = dir.join("openbaar").join(table);
    if !open_dir.is_dir() {
        return Err(format!("openbaar/{table} is missing"));
    }
    let open = read_dir_table(&open_dir)
        .map_err(|e| format!("openbaar/{table} cannot be read: {}", e.message))?;
    let columns = sensitive_columns(table);
    for column in columns {
        if open.column_by_name(column).is_some()
            && open.column_by_name(&flag_name(column)).is_none()
        {
            return Err(format!(
                "openbaar/{table} has {column} without {}: not made by disclosure control",
                flag_name(column)
            ));
        }
    }
    let small = small_values(&open, columns, min_count);
    if small > 0 {
        return Err(format!(
            "openbaar/{table} shows {small} sensitive values below {min_count}"
        ));
    }
    Ok(open)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::array::{BooleanArray, Int64Array, StringArray};
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::parquet::arrow::ArrowWriter;

    use super::*;
    use crate::manifest::DisclosureEntry;

    /// `signalen_totaal` values (and their flags, if given) as a one-column-plus table.
    fn gebied(values: &[i64], flags: Option<&[bool]>) -> RecordBatch {
        let mut fields = vec![
            Field::new("gebiedscode", DataType::Utf8, false),
            Field::new("signalen_totaal", DataType::Int64, true),
        ];
        let codes: Vec<String> = (0..values.len()).map(|i| format!("GM{i:04}")).collect();
        let mut columns: Vec<Arc<dyn datafusion::arrow::array::Array>> = vec![
            Arc::new(StringArray::from(codes)),
            Arc::new(Int64Array::from(values.to_vec())),
        ];
        if let Some(flags) = flags {
            fields.push(Field::new(
                "signalen_totaal_onderdrukt",
                DataType::Boolean,
                true,
            ));
            columns.push(Arc::new(BooleanArray::from(flags.to_vec())));
        }
        RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).expect("batch")
    }

    fn write(dir: &Path, batch: &RecordBatch) {
        std::fs::create_dir_all(dir).expect("mkdir");
        let file = std::fs::File::create(dir.join("part-0.parquet")).expect("create");
        let mut writer = ArrowWriter::try_new(file, batch.schema(), None).expect("writer");
        writer.write(batch).expect("write");
        writer.close().expect("close");
    }

    /// A run with every table as `full`, and `openbaar/` as `open` (none when `None`).
    fn run(out: &Path, full: &RecordBatch, open: Option<&RecordBatch>, disclosure: bool) {
        let dir = out.join("runs").join("r1");
        for table in TABLES {
            write(&dir.join(table), full);
            if let Some(open) = open {
                write(&dir.join("openbaar").join(table), open);
            }
        }
        let manifest = Manifest {
            run_id: "r1".into(),
            started: "s".into(),
            finished: "f".into(),
            tool_version: "t".into(),
            config_hash: "c".into(),
            grain: "kwartaal".into(),
            inputs: Vec::new(),
            tables: Vec::new(),
            disclosure: disclosure.then_some(DisclosureEntry {
                min_count: 5,
                cells: 0,
                primary: 0,
                secondary: 0,
                fallback: 0,
                bounding_cells: 0,
                bounding_hidden: 0,
            }),
        };
        let text = serde_json::to_string(&manifest).expect("json");
        std::fs::write(dir.join("manifest.json"), text).expect("manifest");
    }

    fn opened(full: &[i64], open: Option<RecordBatch>, disclosure: bool) -> OpenRun {
        let tmp = tempfile::tempdir().expect("tempdir");
        run(tmp.path(), &gebied(full, None), open.as_ref(), disclosure);
        open_run(tmp.path(), "r1").expect("opens")
    }

    #[test]
    fn a_checked_openbaar_copy_is_given_out() {
        let open = gebied(&[0, 7], Some(&[true, false]));
        let run = opened(&[3, 7], Some(open), true);
        assert_eq!(run.full.len(), TABLES.len());
        assert_eq!(run.openbaar.expect("protected").len(), TABLES.len());
    }

    #[test]
    fn any_doubt_about_openbaar_gives_non_analysts_nothing() {
        let missing = opened(&[3, 7], None, true);
        assert!(
            missing
                .openbaar
                .expect_err("no openbaar")
                .contains("missing")
        );
        let unflagged = opened(&[3, 7], Some(gebied(&[0, 7], None)), true);
        assert!(
            unflagged
                .openbaar
                .expect_err("no flags")
                .contains("without")
        );
        let small = opened(&[3, 7], Some(gebied(&[3, 7], Some(&[false, false]))), true);
        assert!(small.openbaar.expect_err("a 3").contains("below 5"));
        let open = gebied(&[0, 7], Some(&[true, false]));
        let unpromised = opened(&[3, 7], Some(open), false);
        assert!(
            unpromised
                .openbaar
                .expect_err("no section")
                .contains("disclosure")
        );
        // The full tables are read all the same: analysts see the run.
        assert_eq!(unpromised.full.len(), TABLES.len());
    }
}
