//! Snapshots (outputs.md §1): `<out>/runs/<run_id>/` written in full under a temporary name,
//! renamed into place, then `<out>/current` (a symlink) switched by an atomic rename. A lock
//! file keeps a second run out; `keep_runs` prunes old snapshots; `rollback` re-points.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::write_table;
use crate::transform::OutputTable;

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: writing Parquet failed: {source}")]
    Parquet {
        path: String,
        source: datafusion::parquet::errors::ParquetError,
    },
    #[error("{path}: the table's district column is not text")]
    DistrictColumn { path: String },
    #[error(
        "another risicobeeld run holds the lock on {0}; wait for it to finish (a killed run's lock \
         is released by the operating system)"
    )]
    Locked(String),
    #[error(
        "no snapshot '{0}' under runs/; `risicobeeld rollback --out DIR` lists none to go back to"
    )]
    NoSuchRun(String),
    #[error("there is no earlier snapshot to roll back to")]
    NothingEarlier,
    #[error("{0}")]
    Arrow(#[from] datafusion::arrow::error::ArrowError),
    #[error("manifest: {0}")]
    Manifest(#[from] serde_json::Error),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> PublishError + '_ {
    move |source| PublishError::Io {
        path: path.display().to_string(),
        source,
    }
}

pub use risicobeeld_snapshot::manifest::{
    ColumnEntry, DisclosureEntry, InputEntry, Manifest, SafeCells, TableEntry, current_manifest,
    current_run,
};

/// Pauses at a named point when `RISICOBEELD_PAUSE_AT` names it, so that the crash-safety
/// tests can kill the process there. Compiled in only with the `crash-points` feature (the
/// tests' build); a no-op in the product.
#[cfg(feature = "crash-points")]
pub fn checkpoint(point: &str) {
    if std::env::var("RISICOBEELD_PAUSE_AT").is_ok_and(|p| p == point) {
        eprintln!("PAUSE {point}");
        std::thread::sleep(std::time::Duration::from_secs(120));
    }
}

/// Without the `crash-points` feature, a named point is nothing at all.
#[cfg(not(feature = "crash-points"))]
#[inline(always)]
pub fn checkpoint(_point: &str) {}

/// The exclusive lock on an output directory, held for the whole run.
pub struct OutputLock {
    _file: File,
}

impl OutputLock {
    pub fn acquire(out: &Path) -> Result<OutputLock, PublishError> {
        std::fs::create_dir_all(out.join("runs")).map_err(io(out))?;
        let path = out.join(".lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io(&path))?;
        match file.try_lock() {
            Ok(()) => Ok(OutputLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => {
                Err(PublishError::Locked(out.display().to_string()))
            }
            Err(std::fs::TryLockError::Error(e)) => Err(PublishError::Io {
                path: path.display().to_string(),
                source: e,
            }),
        }
    }

    /// Removes what killed runs left behind: `runs/*.tmp` directories and stray pointers.
    pub fn clean_partial(&self, out: &Path) -> Result<(), PublishError> {
        let runs = out.join("runs");
        for entry in std::fs::read_dir(&runs).map_err(io(&runs))?.flatten() {
            if entry.file_name().to_string_lossy().ends_with(".tmp") {
                std::fs::remove_dir_all(entry.path()).map_err(io(&entry.path()))?;
            }
        }
        for entry in std::fs::read_dir(out).map_err(io(out))?.flatten() {
            if entry.file_name().to_string_lossy().starts_with(".current.") {
                std::fs::remove_file(entry.path()).map_err(io(&entry.path()))?;
            }
        }
        Ok(())
    }
}

/// Completed snapshots, oldest first (run ids sort by time).
pub fn list_runs(out: &Path) -> Vec<String> {
    let mut runs: Vec<String> = std::fs::read_dir(out.join("runs"))
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.path().join("manifest.json").is_file())
                .map(|e| e.file_name().to_string_lossy().to_string())
                .filter(|n| !n.ends_with(".tmp"))
                .collect()
        })
        .unwrap_or_default();
    runs.sort();
    runs
}

fn sync_dir(dir: &Path) -> Result<(), PublishError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))
}

/// Points `<out>/current` at `runs/<run_id>` with one atomic rename.
fn switch_current(out: &Path, run_id: &str) -> Result<(), PublishError> {
    let tmp = out.join(format!(".current.{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let target: PathBuf = ["runs", run_id].iter().collect();
    std::os::unix::fs::symlink(&target, &tmp).map_err(io(&tmp))?;
    std::fs::rename(&tmp, out.join("current")).map_err(io(out))?;
    sync_dir(out)
}

/// Writes the snapshot and makes it current. The caller holds the lock.
pub fn publish(
    out: &Path,
    mut manifest: Manifest,
    tables: &[&OutputTable],
    extra_files: &[(&str, Vec<u8>)],
    keep_runs: usize,
) -> Result<Manifest, PublishError> {
    let runs = out.join("runs");
    let tmp = runs.join(format!("{}.tmp", manifest.run_id));
    std::fs::create_dir_all(&tmp).map_err(io(&tmp))?;
    for (i, table) in tables.iter().enumerate() {
        let files = write_table(&tmp, table)?;
        let has_partition = table.schema.index_of(super::PARTITION_COLUMN).is_ok();
        manifest.tables.push(TableEntry {
            name: table.name.clone(),
            rows: table.num_rows(),
            columns: table
                .schema
                .fields()
                .iter()
                .map(|f| ColumnEntry {
                    name: f.name().clone(),
                    data_type: f.data_type().to_string(),
                })
                .collect(),
            partitioned_by: has_partition.then(|| super::PARTITION_COLUMN.to_string()),
            files,
        });
        if i == 0 {
            checkpoint("tijdens_schrijven");
        }
    }
    for (name, bytes) in extra_files {
        let path = tmp.join(name);
        std::fs::write(&path, bytes).map_err(io(&path))?;
    }
    manifest.finished = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let manifest_path = tmp.join("manifest.json");
    let json = serde_json::to_vec_pretty(&manifest)?;
    std::fs::write(&manifest_path, json).map_err(io(&manifest_path))?;
    restrict(&tmp, false)?;
    File::open(&manifest_path)
        .and_then(|f| f.sync_all())
        .map_err(io(&manifest_path))?;
    sync_dir(&tmp)?;
    let final_dir = runs.join(&manifest.run_id);
    std::fs::rename(&tmp, &final_dir).map_err(io(&final_dir))?;
    sync_dir(&runs)?;
    checkpoint("voor_omschakelen");
    switch_current(out, &manifest.run_id)?;
    checkpoint("na_omschakelen");
    prune(out, keep_runs)?;
    Ok(manifest)
}

/// File modes of a run: the full tables (small counts, input file names) readable by the owner
/// and its group only; the `openbaar/` copy by anyone who can reach it.
const PRIVATE_FILE: u32 = 0o640;
const PRIVATE_DIR: u32 = 0o750;
const PUBLIC_FILE: u32 = 0o644;
const PUBLIC_DIR: u32 = 0o755;

/// Sets the modes of everything under `dir` (the run directory included): private, but for
/// the `openbaar/` subtree.
fn restrict(dir: &Path, public: bool) -> Result<(), PublishError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = |m: u32| std::fs::Permissions::from_mode(m);
    let dir_mode = if public { PUBLIC_DIR } else { PRIVATE_DIR };
    std::fs::set_permissions(dir, mode(dir_mode)).map_err(io(dir))?;
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(io(&path))?;
        if kind.is_dir() {
            restrict(&path, public || entry.file_name() == "openbaar")?;
        } else if kind.is_file() {
            let file_mode = if public { PUBLIC_FILE } else { PRIVATE_FILE };
            std::fs::set_permissions(&path, mode(file_mode)).map_err(io(&path))?;
        }
    }
    Ok(())
}

/// Removes the oldest snapshots beyond `keep_runs`, never the current one.
fn prune(out: &Path, keep_runs: usize) -> Result<(), PublishError> {
    let current = current_run(out);
    let runs = list_runs(out);
    let excess = runs.len().saturating_sub(keep_runs);
    for run in runs.iter().take(excess) {
        if Some(run) != current.as_ref() {
            let dir = out.join("runs").join(run);
            std::fs::remove_dir_all(&dir).map_err(io(&dir))?;
        }
    }
    Ok(())
}

/// Re-points `current` to `run_id`, or to the snapshot before the current one.
pub fn rollback(out: &Path, run_id: Option<&str>) -> Result<String, PublishError> {
    let _lock = OutputLock::acquire(out)?;
    let runs = list_runs(out);
    let target = match run_id {
        Some(id) => runs
            .iter()
            .find(|r| *r == id)
            .cloned()
            .ok_or_else(|| PublishError::NoSuchRun(id.to_string()))?,
        None => {
            let current = current_run(out);
            let before: Vec<&String> = runs
                .iter()
                .filter(|r| current.as_ref().is_none_or(|c| *r < c))
                .collect();
            before
                .last()
                .map(|r| r.to_string())
                .ok_or(PublishError::NothingEarlier)?
        }
    };
    switch_current(out, &target)?;
    Ok(target)
}
