//! The `run` and `validate` commands as library functions: the whole flow from an input drop to
//! a published snapshot (or a quality report that says why not), with the outcome mapped onto
//! the exit codes of outputs.md §1.

use std::path::Path;

use crate::config::Config;
use crate::ingest::{DiscoverError, discover};
use crate::locate::{Located, locate};
use crate::publish::{self, InputEntry, Manifest, OutputLock, PublishError, checkpoint};
use crate::transform::{self, TransformError};
use crate::validate::{QualityReport, fingerprint, load};

/// The published tables, in the order they are written.
pub use risicobeeld_snapshot::TABLES;

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    #[error(transparent)]
    Transform(#[from] TransformError),
    #[error(transparent)]
    Publish(#[from] PublishError),
    #[error(transparent)]
    Disclosure(#[from] crate::disclosure::DisclosureError),
    #[error("cannot start the query engine: {0}")]
    Runtime(std::io::Error),
}

impl RunError {
    /// Exit code: 2 usage/config, 3 internal or I/O (outputs.md §1).
    pub fn exit_code(&self) -> u8 {
        match self {
            RunError::Discover(_) => 2,
            _ => 3,
        }
    }
}

pub enum RunOutcome {
    Published(Box<Manifest>),
    /// Nothing changed since the current snapshot (its run id).
    NothingToDo(String),
    /// Validation found errors; nothing was published.
    Invalid(QualityReport),
}

/// Reads, validates and places a whole drop. The report says whether it may be published.
pub fn validate_drop(input: &Path, config: &Config) -> Result<(QualityReport, Located), RunError> {
    let files = discover(input, config)?;
    let mut report = QualityReport::default();
    fingerprint(&files, &mut report);
    Ok(check(&files, report, config))
}

fn check(
    files: &std::collections::BTreeMap<&'static str, Vec<crate::ingest::InputFile>>,
    mut report: QualityReport,
    config: &Config,
) -> (QualityReport, Located) {
    let clock = std::time::Instant::now();
    let drop = load(files, config, &mut report);
    phase_done(clock, "read and validated the inputs");
    let clock = std::time::Instant::now();
    let located = locate(drop, config, &mut report);
    phase_done(clock, "placed every row in its areas");
    report.apply_quarantine_limit(config.validation.max_quarantine_ratio);
    (report, located)
}

fn input_entries(report: &QualityReport) -> Vec<InputEntry> {
    report
        .files
        .iter()
        .map(|(file, s)| InputEntry {
            bron: s.source.to_string(),
            bestand: file.clone(),
            size: s.size,
            sha256: s.sha256.clone(),
            rows_read: s.rows_read,
            rows_quarantined: s.rows_quarantined,
        })
        .collect()
}

fn new_run_id(out: &Path) -> String {
    let base = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let mut id = base.clone();
    let mut n = 2;
    while out.join("runs").join(&id).exists() {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

pub use risicobeeld_snapshot::{RunState, RunStatus, STATUS_FILE};

/// Validates, computes and publishes one snapshot of `input` under `out`, and records the
/// outcome in `<out>/laatste_run.json` (except when another run holds the lock).
pub fn run(input: &Path, out: &Path, config: &Config, force: bool) -> Result<RunOutcome, RunError> {
    let result = run_locked(input, out, config, force);
    let tijd = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let status = |status: RunState, run_id: Option<String>, melding: Option<String>| RunStatus {
        status,
        tijd: tijd.clone(),
        run_id,
        melding,
    };
    let record = match &result {
        Ok(RunOutcome::Published(m)) => {
            Some(status(RunState::Gepubliceerd, Some(m.run_id.clone()), None))
        }
        Ok(RunOutcome::NothingToDo(id)) => {
            Some(status(RunState::NietsTeDoen, Some(id.clone()), None))
        }
        Ok(RunOutcome::Invalid(r)) => Some(status(
            RunState::Ongeldig,
            None,
            Some(format!("validatie: {} fout(en)", r.errors().count())),
        )),
        Err(RunError::Publish(PublishError::Locked(_))) => None,
        Err(e) => Some(status(RunState::Mislukt, None, Some(e.to_string()))),
    };
    if let Some(record) = record
        && out.is_dir()
    {
        record.write(out);
    }
    result
}

fn run_locked(
    input: &Path,
    out: &Path,
    config: &Config,
    force: bool,
) -> Result<RunOutcome, RunError> {
    let started = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let lock = OutputLock::acquire(out)?;
    lock.clean_partial(out)?;

    let files = discover(input, config)?;
    let mut prints = QualityReport::default();
    fingerprint(&files, &mut prints);
    let config_hash = crate::hashing::sha256_hex(config.canonical_text().as_bytes());
    if !force
        && let Some(current) = publish::current_manifest(out)
        && current.same_inputs(&config_hash, &input_entries(&prints))
    {
        return Ok(RunOutcome::NothingToDo(current.run_id));
    }

    let (report, located) = check(&files, prints, config);
    if report.has_errors() {
        return Ok(RunOutcome::Invalid(report));
    }
    checkpoint("na_validatie");

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(RunError::Runtime)?;
    let clock = std::time::Instant::now();
    let boundaries = crate::locate::boundaries_geojson(&located.registry);
    let tables = runtime.block_on(transform::run(located, &report, config))?;
    phase_done(clock, "ran the SQL models");
    let clock = std::time::Instant::now();
    let (openbaar, disclosure) = runtime.block_on(crate::disclosure::openbaar(
        &tables,
        config.disclosure.min_count,
        crate::disclosure::Protection::of(&config.disclosure),
    ))?;
    let ordered: Vec<&transform::OutputTable> = TABLES
        .iter()
        .filter_map(|t| tables.get(*t))
        .chain(openbaar.iter())
        .collect();

    let manifest = Manifest {
        run_id: new_run_id(out),
        started,
        finished: String::new(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        config_hash,
        grain: config.grain.name().to_string(),
        inputs: input_entries(&report),
        tables: Vec::new(),
        disclosure: Some(publish::DisclosureEntry {
            min_count: config.disclosure.min_count,
            cells: disclosure.cells,
            primary: disclosure.primary,
            secondary: disclosure.secondary,
            fallback: 0,
            bounding_cells: disclosure.bounding_cells,
            bounding_hidden: disclosure.bounding_hidden,
            safe_cells: disclosure
                .safe
                .iter()
                .map(|(table, safe)| publish::SafeCells {
                    table: table.clone(),
                    cells: safe.cells,
                    hidden: safe.hidden,
                    forced: safe.forced,
                })
                .collect(),
        }),
    };
    phase_done(clock, "disclosure control and audit");
    let clock = std::time::Instant::now();
    let published = publish::publish(
        out,
        manifest,
        &ordered,
        &[("gebieden.geojson", boundaries)],
        config.keep_runs,
    )?;
    phase_done(clock, "wrote and published the snapshot");
    Ok(RunOutcome::Published(Box::new(published)))
}

/// Logs how long a phase took, the process's peak memory so far and what it still holds at
/// the phase's end (Linux `VmHWM` and `VmRSS`; absent elsewhere), so that a run's log shows
/// which phase sets the peak. (The peak is not reset between phases: that would also reset
/// the `ru_maxrss` the benchmark reads.)
fn phase_done(clock: std::time::Instant, phase: &str) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let mib = |field: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(field))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024)
    };
    let (peak_mib, held_mib) = (mib("VmHWM:"), mib("VmRSS:"));
    tracing::info!(
        seconds = clock.elapsed().as_secs_f64(),
        peak_mib,
        held_mib,
        "{phase}"
    );
}
