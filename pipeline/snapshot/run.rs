//! Opening a published run: its manifest, its full tables, and its `openbaar/` tables — checked,
//! or refused as a whole. A reader never gets an unchecked `openbaar/` table: a run whose
//! manifest has no disclosure section, or whose `openbaar/` copy of a table is missing or fails
//! `check::check_public_table`, has none (fail closed). Nothing is read through a symbolic link
//! or from outside the run's own directory.

use std::path::{Path, PathBuf};

use datafusion::arrow::array::RecordBatch;

use crate::check::{MIN_COUNT_FLOOR, check_public_table};
use crate::manifest::Manifest;
use crate::tables::{TABLES, has_parquet, read_dir_table, read_file_in_run};

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
    /// The `min_count` the public tables were checked against: the manifest's, never below
    /// `MIN_COUNT_FLOOR` (`None`: no disclosure section).
    pub min_count: Option<i64>,
}

impl OpenRun {
    pub fn full_table(&self, name: &str) -> Option<&RecordBatch> {
        self.full.iter().find(|(t, _)| *t == name).map(|(_, b)| b)
    }
}

/// A run id is one plain directory name (what `current` points at), never a path.
fn plain_name(run_id: &str) -> bool {
    !run_id.is_empty()
        && run_id != "."
        && run_id != ".."
        && run_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c))
}

/// Tables a run published before they existed may lack (`evaluatie` came with the yearly
/// evaluation, `indicatoren` with the indicator registry, `onderdelen`, `acties` and
/// `bevindingen` with the evaluation's parts, actions and findings).
fn optional(table: &str) -> bool {
    matches!(
        table,
        "evaluatie" | "indicatoren" | "onderdelen" | "acties" | "bevindingen"
    )
}

/// Reads `<out>/runs/<run_id>`.
pub fn open_run(out: &Path, run_id: &str) -> Result<OpenRun, OpenError> {
    let fail = |what: &str, message: String| OpenError {
        run_id: run_id.to_string(),
        what: what.to_string(),
        message,
    };
    if !plain_name(run_id) {
        return Err(fail(
            "the run",
            "its id is not a plain directory name".into(),
        ));
    }
    let dir = out.join("runs").join(run_id);
    match std::fs::symlink_metadata(&dir) {
        Ok(m) if m.file_type().is_dir() => {}
        Ok(_) => return Err(fail("the run", "its directory is a link or a file".into())),
        Err(e) => return Err(fail("the run", e.to_string())),
    }
    let text = read_file_in_run(&dir, "manifest.json")
        .map_err(|e| fail("manifest.json", e.message))
        .and_then(|bytes| {
            String::from_utf8(bytes).map_err(|e| fail("manifest.json", e.to_string()))
        })?;
    let manifest: Manifest =
        serde_json::from_str(&text).map_err(|e| fail("manifest.json", e.to_string()))?;
    let min_count = manifest
        .disclosure
        .as_ref()
        .map(|d| d.min_count.max(MIN_COUNT_FLOOR));
    let mut full = Vec::new();
    let mut openbaar = match min_count {
        Some(_) => Ok(Vec::new()),
        None => Err("manifest.json has no disclosure section".to_string()),
    };
    for table in TABLES {
        if optional(table) && !has_parquet(&dir.join(table)) {
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

/// The `openbaar/` twin of `table`, checked (`check_public_table`). Err says what is wrong.
fn read_protected(dir: &Path, table: &str, min_count: i64) -> Result<RecordBatch, String> {
    let open_dir = dir.join("openbaar").join(table);
    match std::fs::symlink_metadata(dir.join("openbaar")) {
        Ok(m) if m.file_type().is_dir() => {}
        _ => return Err("openbaar/ is missing or not a directory of the run".to_string()),
    }
    if !open_dir.is_dir() {
        return Err(format!("openbaar/{table} is missing"));
    }
    let open = read_dir_table(&open_dir)
        .map_err(|e| format!("openbaar/{table} cannot be read: {}", e.message))?;
    check_public_table(table, &open, min_count)?;
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

    /// A table of one column that the contract knows for `table` (the tables besides
    /// `gebied_indicatoren`, whose content these tests do not vary).
    fn other(table: &str) -> RecordBatch {
        let column = match table {
            "kwaliteit" => "bron",
            "indicatoren" => "indicator",
            "slachtoffers" => "dimensie",
            "onderdelen" | "acties" | "bevindingen" => "onderdeel",
            _ => "periode",
        };
        let fields = vec![Field::new(column, DataType::Utf8, false)];
        let values: Vec<Arc<dyn datafusion::arrow::array::Array>> =
            vec![Arc::new(StringArray::from(vec!["2024-Q1"]))];
        RecordBatch::try_new(Arc::new(Schema::new(fields)), values).expect("batch")
    }

    /// A run with `gebied_indicatoren` as `full`, and in `openbaar/` as `open` (no
    /// `openbaar/` when `None`).
    fn run(out: &Path, full: &RecordBatch, open: Option<&RecordBatch>, disclosure: bool) {
        let dir = out.join("runs").join("r1");
        for table in TABLES {
            let (full, open) = if table == "gebied_indicatoren" {
                (full.clone(), open.cloned())
            } else {
                (other(table), open.map(|_| other(table)))
            };
            write(&dir.join(table), &full);
            if let Some(open) = open {
                write(&dir.join("openbaar").join(table), &open);
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
                safe_cells: Vec::new(),
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

    #[test]
    fn links_are_refused_and_a_loop_of_them_ends() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let open = gebied(&[0, 7], Some(&[true, false]));
        run(tmp.path(), &gebied(&[3, 7], None), Some(&open), true);
        let dir = tmp
            .path()
            .join("runs")
            .join("r1")
            .join("openbaar")
            .join("trends");
        std::os::unix::fs::symlink(dir.join("b"), dir.join("a")).expect("link a");
        std::os::unix::fs::symlink(dir.join("a"), dir.join("b")).expect("link b");
        let looped = open_run(tmp.path(), "r1").expect("the full tables open");
        assert!(looped.openbaar.expect_err("a loop").contains("link"));
        // A run id is a directory name, never a path out of runs/.
        assert!(open_run(tmp.path(), "../r1").is_err());
        assert!(open_run(tmp.path(), "..").is_err());
    }
}
