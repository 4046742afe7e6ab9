//! The snapshot the server answers from: a published run loaded into memory once (tables for
//! analysts, `openbaar/` tables for everyone else, areas, periods, map shapes), and the store that
//! swaps in a newly published run without a restart while requests keep their own `Arc`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use datafusion::arrow::array::{Array, ArrayRef, BooleanArray, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::datasource::MemTable;
use datafusion::prelude::SessionContext;

use risicobeeld_snapshot::manifest::{self as publish, Manifest};

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error(
        "no published snapshot under {0}: run `risicobeeld run` first (or pass --out to the directory a run published to)"
    )]
    NoSnapshot(String),
    #[error(transparent)]
    Open(#[from] risicobeeld_snapshot::OpenError),
}

/// Who is asking, for the choice of tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Analist,
    College,
    Anoniem,
}

impl Role {
    pub fn sees_full_tables(self) -> bool {
        self == Role::Analist
    }
    pub fn name(self) -> &'static str {
        match self {
            Role::Analist => "analist",
            Role::College => "college",
            Role::Anoniem => "anoniem",
        }
    }
}

/// One area as the snapshot knows it.
#[derive(Debug, Clone)]
pub struct Area {
    pub niveau: String,
    pub naam: String,
    pub gemeentecode: Option<String>,
    pub district_code: Option<String>,
    pub regio_code: Option<String>,
}

/// One boundary, projected for drawing: an SVG path in a 1000-wide view box.
#[derive(Debug, Clone)]
pub struct Shape {
    pub gebiedscode: String,
    pub gebiedsnaam: String,
    pub path: String,
}

/// Per level, the shapes and the view box height (the width is 1000).
#[derive(Debug, Clone, Default)]
pub struct MapShapes {
    pub by_niveau: BTreeMap<String, Vec<Shape>>,
    pub height: f64,
    /// Whom the boundaries come from (the published `attribution`), shown under every map.
    pub attribution: Option<String>,
}

/// One source's latest delivered peildatum for one gemeente (from `kwaliteit`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Freshness {
    pub bron: String,
    pub gemeentecode: String,
    pub laatste_peildatum: String,
}

pub use risicobeeld_snapshot::tables::{flagged_columns, sensitive_columns};

/// Asked for the tables of a role that may see only protected figures, in a run whose
/// `openbaar/` tables are missing or not valid: such a run shows non-analysts nothing.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error(
    "de openbare (beschermde) cijfers van deze snapshot ontbreken of zijn niet geldig; alleen analisten kunnen deze snapshot inzien"
)]
pub struct NotProtected;

/// A published run, loaded. Immutable: a request holds an `Arc<Snapshot>` from start to end.
pub struct Snapshot {
    pub run_id: String,
    pub manifest: Manifest,
    analyst: SessionContext,
    /// The `openbaar/` tables, or why this run has none that may be shown (fail closed).
    public: Result<SessionContext, String>,
    pub areas: BTreeMap<String, Area>,
    /// Periods in order (labels sort chronologically within one grain).
    pub periods: Vec<String>,
    /// The periods of the yearly evaluation, newest first, each year before its halves
    /// (`2024`, `2024-H2`, `2024-H1`, `2023`, …); empty for a run without `evaluatie`.
    pub evaluation_periods: Vec<String>,
    /// The parts of the yearly evaluation in the order of the report (table `onderdelen`; for
    /// a run published before it, read from `evaluatie`).
    pub onderdelen: Vec<Onderdeel>,
    pub niveaus: Vec<String>,
    /// Indicators of the `trends` table.
    pub indicators: Vec<String>,
    pub shapes: MapShapes,
    pub min_count: i64,
    pub freshness: Vec<Freshness>,
}

pub use risicobeeld_snapshot::vocabulary::NIVEAUS;

/// A part of the yearly evaluation: a section of the Jaarevaluatie.
#[derive(Debug, Clone, PartialEq)]
pub struct Onderdeel {
    pub code: String,
    pub titel: String,
    pub omschrijving: String,
}

/// What SQL from a dashboard file or the analysts' endpoint may do: one query, nothing that
/// creates, changes or sets anything.
pub fn read_only() -> datafusion::execution::context::SQLOptions {
    datafusion::execution::context::SQLOptions::new()
        .with_allow_ddl(false)
        .with_allow_dml(false)
        .with_allow_statements(false)
}

impl Snapshot {
    /// The SQL context of a role: analysts get the full tables, everyone else `openbaar/` — and
    /// nothing at all when this run's `openbaar/` tables are missing or not valid.
    pub fn context(&self, role: Role) -> Result<&SessionContext, NotProtected> {
        if role.sees_full_tables() {
            Ok(&self.analyst)
        } else {
            self.public.as_ref().map_err(|_| NotProtected)
        }
    }

    /// The full tables, for checking that a dashboard's SQL plans (never for answering).
    pub fn analyst_context(&self) -> &SessionContext {
        &self.analyst
    }

    /// Why non-analysts see nothing of this run (for the analysts' banner and the log).
    pub fn public_problem(&self) -> Option<&str> {
        self.public.as_ref().err().map(String::as_str)
    }

    /// Loads `<out>/runs/<run_id>` into memory.
    pub fn load(out: &Path, run_id: &str) -> Result<Snapshot, SnapshotError> {
        let run = risicobeeld_snapshot::open_run(out, run_id).map_err(SnapshotError::Open)?;
        let read_err = |what: &str, message: String| {
            SnapshotError::Open(risicobeeld_snapshot::OpenError {
                run_id: run_id.to_string(),
                what: what.to_string(),
                message,
            })
        };
        let analyst = SessionContext::new();
        super::functions::register(&analyst);
        for (table, full) in &run.full {
            let full = with_flags(full, &flagged_columns(table)).map_err(|e| read_err(table, e))?;
            register(&analyst, table, &full).map_err(|e| read_err(table, e))?;
        }
        // Only the tables `open_run` checked reach the public context (fail closed).
        let public = run
            .openbaar
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|tables| {
                let ctx = SessionContext::new();
                super::functions::register(&ctx);
                for (table, open) in tables {
                    register(&ctx, table, open)?;
                }
                Ok(ctx)
            });
        if let Err(problem) = &public {
            tracing::error!(
                run_id,
                "{problem}: non-analysts see nothing of this snapshot (fail closed)"
            );
        }
        let dir = &run.dir;
        let gebied = run.full_table("gebied_indicatoren").cloned();
        let trends = run.full_table("trends").cloned();
        let kwaliteit = run.full_table("kwaliteit").cloned();
        let evaluatie = run.full_table("evaluatie").cloned();
        let onderdelen = run
            .full_table("onderdelen")
            .or(evaluatie.as_ref())
            .map(onderdelen_of)
            .unwrap_or_default();
        let min_count = run.min_count;
        let manifest = run.manifest.clone();
        let gebied = gebied.ok_or_else(|| read_err("gebied_indicatoren", "missing".into()))?;
        let areas = areas_of(&gebied);
        let periods = distinct(&gebied, "periode");
        let mut evaluation_periods = evaluatie
            .map(|e| distinct(&e, "periode"))
            .unwrap_or_default();
        // Newest year first, the year before its halves (`2024`, `2024-H2`, `2024-H1`).
        evaluation_periods.sort_by(|a, b| {
            let year = |p: &str| p.get(..4).unwrap_or(p).to_string();
            year(b)
                .cmp(&year(a))
                .then(a.len().cmp(&b.len()))
                .then(b.cmp(a))
        });
        let present: Vec<String> = distinct(&gebied, "niveau");
        let niveaus = NIVEAUS
            .iter()
            .filter(|n| present.iter().any(|p| p == *n))
            .map(|n| n.to_string())
            .collect();
        let indicators = trends
            .map(|t| distinct(&t, "indicator"))
            .unwrap_or_default();
        let geojson = risicobeeld_snapshot::tables::read_file_in_run(dir, "gebieden.geojson")
            .map_err(|e| read_err("gebieden.geojson", e.message))?;
        let shapes =
            crate::map::project_shapes(&geojson).map_err(|e| read_err("gebieden.geojson", e))?;
        // Only for showing `<min_count` to analysts when the run has no disclosure section.
        let min_count = min_count.unwrap_or(risicobeeld_snapshot::tables::DEFAULT_MIN_COUNT);
        Ok(Snapshot {
            run_id: run_id.to_string(),
            manifest,
            analyst,
            public,
            areas,
            periods,
            evaluation_periods,
            onderdelen,
            niveaus,
            indicators,
            shapes,
            min_count,
            freshness: kwaliteit.map(|k| freshness_of(&k)).unwrap_or_default(),
        })
    }

    /// Hours since the run was published (from the manifest), if its time can be read.
    pub fn age_hours(&self) -> Option<f64> {
        let finished = chrono::DateTime::parse_from_rfc3339(&self.manifest.finished).ok()?;
        let age = chrono::Utc::now() - finished.with_timezone(&chrono::Utc);
        Some(age.num_seconds() as f64 / 3600.0)
    }

    /// Older than `stale_after_hours`: the banner and `/status` both ask this.
    pub fn is_stale(&self, stale_after_hours: u64) -> bool {
        self.age_hours()
            .is_some_and(|h| h > stale_after_hours as f64)
    }

    /// The newest year of the yearly evaluation.
    pub fn latest_evaluation_year(&self) -> Option<&str> {
        self.evaluation_periods
            .iter()
            .find(|p| !p.contains('-'))
            .map(String::as_str)
    }

    pub fn latest_period(&self) -> Option<&str> {
        self.periods.last().map(String::as_str)
    }
}

/// The flag beside `<column>`: `_onderdrukt` (the renderer shows ×) or `_afgeschermd`.
pub fn flag_name(column: &str) -> String {
    risicobeeld_snapshot::tables::flag_name(column)
}

/// The full table with an all-`false` flag (`flag_name`) for each of its flagged `columns`, as
/// its `openbaar/` twin has them, so one dashboard query runs unchanged for every role.
fn with_flags(full: &RecordBatch, columns: &[&str]) -> Result<RecordBatch, String> {
    let mut fields: Vec<Field> = full
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    let mut arrays: Vec<ArrayRef> = full.columns().to_vec();
    for column in columns {
        let flag = flag_name(column);
        if full.column_by_name(column).is_some() && full.column_by_name(&flag).is_none() {
            fields.push(Field::new(flag, DataType::Boolean, true));
            arrays.push(Arc::new(BooleanArray::from(vec![false; full.num_rows()])));
        }
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| e.to_string())
}

fn register(ctx: &SessionContext, name: &str, batch: &RecordBatch) -> Result<(), String> {
    let table =
        MemTable::try_new(batch.schema(), vec![vec![batch.clone()]]).map_err(|e| e.to_string())?;
    ctx.register_table(name, Arc::new(table))
        .map_err(|e| e.to_string())?;
    Ok(())
}

fn strings<'a>(batch: &'a RecordBatch, name: &str) -> Option<&'a StringArray> {
    batch
        .column_by_name(name)?
        .as_any()
        .downcast_ref::<StringArray>()
}

fn distinct(batch: &RecordBatch, column: &str) -> Vec<String> {
    let mut values: Vec<String> = strings(batch, column)
        .map(|a| a.iter().flatten().map(str::to_string).collect())
        .unwrap_or_default();
    values.sort();
    values.dedup();
    values
}

/// The parts of the evaluation in `onderdeel_volgorde` order, once each, from a table with
/// `onderdeel`, `onderdeel_titel`, `onderdeel_volgorde` and perhaps `onderdeel_omschrijving`.
fn onderdelen_of(batch: &RecordBatch) -> Vec<Onderdeel> {
    use datafusion::arrow::array::{Array, Int64Array};
    let (Some(code), Some(titel), Some(volgorde)) = (
        strings(batch, "onderdeel"),
        strings(batch, "onderdeel_titel"),
        batch.column_by_name("onderdeel_volgorde"),
    ) else {
        return Vec::new();
    };
    let omschrijving = strings(batch, "onderdeel_omschrijving");
    let Ok(volgorde) =
        datafusion::arrow::compute::cast(volgorde, &datafusion::arrow::datatypes::DataType::Int64)
    else {
        return Vec::new();
    };
    let Some(volgorde) = volgorde.as_any().downcast_ref::<Int64Array>() else {
        return Vec::new();
    };
    let mut parts: BTreeMap<(i64, String), Onderdeel> = BTreeMap::new();
    for i in 0..batch.num_rows() {
        if code.is_null(i) || volgorde.is_null(i) {
            continue;
        }
        parts
            .entry((volgorde.value(i), code.value(i).to_string()))
            .or_insert_with(|| Onderdeel {
                code: code.value(i).to_string(),
                titel: titel.value(i).to_string(),
                omschrijving: omschrijving
                    .filter(|o| !o.is_null(i))
                    .map(|o| o.value(i).to_string())
                    .unwrap_or_default(),
            });
    }
    parts.into_values().collect()
}

fn freshness_of(kwaliteit: &RecordBatch) -> Vec<Freshness> {
    use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
    let (Some(bron), Some(regel), Some(gemeente), Some(peil)) = (
        strings(kwaliteit, "bron"),
        strings(kwaliteit, "regel"),
        strings(kwaliteit, "gemeentecode"),
        kwaliteit.column_by_name("laatste_peildatum"),
    ) else {
        return Vec::new();
    };
    let options = FormatOptions::default();
    let Ok(format) = ArrayFormatter::try_new(peil.as_ref(), &options) else {
        return Vec::new();
    };
    (0..kwaliteit.num_rows())
        .filter(|i| {
            regel.value(*i) == "laatste_peildatum" && !gemeente.is_null(*i) && !peil.is_null(*i)
        })
        .map(|i| Freshness {
            bron: bron.value(i).to_string(),
            gemeentecode: gemeente.value(i).to_string(),
            laatste_peildatum: format.value(i).to_string(),
        })
        .collect()
}

fn areas_of(gebied: &RecordBatch) -> BTreeMap<String, Area> {
    let mut areas = BTreeMap::new();
    let col = |n: &str| strings(gebied, n);
    let (Some(niveau), Some(code), Some(naam)) =
        (col("niveau"), col("gebiedscode"), col("gebiedsnaam"))
    else {
        return areas;
    };
    let opt = |a: Option<&StringArray>, i: usize| {
        a.and_then(|a| (!a.is_null(i)).then(|| a.value(i).to_string()))
    };
    for i in 0..gebied.num_rows() {
        if code.is_null(i) || areas.contains_key(code.value(i)) {
            continue;
        }
        areas.insert(
            code.value(i).to_string(),
            Area {
                niveau: niveau.value(i).to_string(),
                naam: naam.value(i).to_string(),
                gemeentecode: opt(col("gemeentecode"), i),
                district_code: opt(col("district_code"), i),
                regio_code: opt(col("regio_code"), i),
            },
        );
    }
    areas
}

/// The current snapshot, swapped when `<out>/current` points somewhere new.
pub struct SnapshotStore {
    out: PathBuf,
    current: RwLock<Option<Arc<Snapshot>>>,
    /// The last load failure (a broken snapshot keeps the previous one serving).
    pub last_error: RwLock<Option<String>>,
    /// The runs being loaded in the background (one loader per run: a run whose load hangs
    /// never keeps a later run from being taken up).
    loading: std::sync::Mutex<std::collections::BTreeSet<String>>,
    /// The run that failed to load, when it may be tried again, and the wait after that.
    backoff: std::sync::Mutex<Option<Backoff>>,
}

/// A run that failed to load is tried again after 2 s, then 4 s, … up to 5 minutes (a broken
/// run is not read again on every request).
#[derive(Debug, Clone)]
struct Backoff {
    run_id: String,
    next_try: std::time::Instant,
    wait: std::time::Duration,
}

const FIRST_RETRY: std::time::Duration = std::time::Duration::from_secs(2);
const LAST_RETRY: std::time::Duration = std::time::Duration::from_secs(300);

impl SnapshotStore {
    pub fn new(out: &Path) -> SnapshotStore {
        SnapshotStore {
            out: out.to_path_buf(),
            current: RwLock::new(None),
            last_error: RwLock::new(None),
            loading: std::sync::Mutex::new(Default::default()),
            backoff: std::sync::Mutex::new(None),
        }
    }

    pub fn out(&self) -> &Path {
        &self.out
    }

    /// The snapshot to answer one request from.
    pub fn get(&self) -> Option<Arc<Snapshot>> {
        self.current.read().ok().and_then(|c| c.clone())
    }

    /// Is the run `current` points at another one than the served snapshot's?
    pub fn is_behind(&self) -> bool {
        let current = publish::current_run(&self.out);
        match (self.get(), current) {
            (Some(s), Some(c)) => s.run_id != c,
            (None, _) => true,
            (Some(_), None) => false,
        }
    }

    /// Starts loading the current run on a thread of its own, unless that run is being loaded
    /// already or failed to load and its back-off has not passed. Requests meanwhile keep the
    /// snapshot they have.
    pub fn refresh_in_background(self: &Arc<Self>) {
        let Some(run_id) = publish::current_run(&self.out) else {
            return;
        };
        if self.waiting_after_failure() {
            return;
        }
        {
            let mut loading = self
                .loading
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if !loading.insert(run_id.clone()) {
                return;
            }
        }
        let store = Arc::clone(self);
        let run = run_id.clone();
        let started = std::thread::Builder::new()
            .name("snapshot-loader".into())
            .spawn(move || {
                let _ = store.load(&run);
                store.done_loading(&run);
            });
        if let Err(e) = started {
            tracing::error!("cannot start the snapshot loader: {e}");
            self.done_loading(&run_id);
        }
    }

    fn done_loading(&self, run_id: &str) {
        self.loading
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(run_id);
    }

    /// The current run failed to load and may not be tried yet.
    pub fn waiting_after_failure(&self) -> bool {
        let Some(run_id) = publish::current_run(&self.out) else {
            return false;
        };
        let backoff = self
            .backoff
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        backoff
            .as_ref()
            .is_some_and(|b| b.run_id == run_id && std::time::Instant::now() < b.next_try)
    }

    fn record_failure(&self, run_id: &str) {
        let mut backoff = self
            .backoff
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let wait = match backoff.as_ref() {
            Some(b) if b.run_id == run_id => (b.wait * 2).min(LAST_RETRY),
            _ => FIRST_RETRY,
        };
        *backoff = Some(Backoff {
            run_id: run_id.to_string(),
            next_try: std::time::Instant::now() + wait,
            wait,
        });
    }

    /// Loads the run `current` points at if it is not the one being served. Returns whether
    /// the served snapshot changed.
    pub fn refresh(&self) -> Result<bool, SnapshotError> {
        let Some(run_id) = publish::current_run(&self.out) else {
            return if self.get().is_some() {
                Ok(false)
            } else {
                Err(SnapshotError::NoSnapshot(self.out.display().to_string()))
            };
        };
        self.load(&run_id)
    }

    /// Loads `run_id` unless it is served already, and serves it if `current` still points at
    /// it (a slow load of an older run never replaces a newer one). Returns whether the served
    /// snapshot changed.
    fn load(&self, run_id: &str) -> Result<bool, SnapshotError> {
        if self.get().is_some_and(|s| s.run_id == run_id) {
            return Ok(false);
        }
        match Snapshot::load(&self.out, run_id) {
            Ok(snapshot) => {
                let still_current = publish::current_run(&self.out).as_deref() == Some(run_id);
                if !still_current && self.get().is_some() {
                    return Ok(false);
                }
                tracing::info!(run_id, "serving snapshot");
                if let Ok(mut c) = self.current.write() {
                    *c = Some(Arc::new(snapshot));
                }
                if let Ok(mut e) = self.last_error.write() {
                    *e = None;
                }
                if let Ok(mut b) = self.backoff.lock() {
                    *b = None;
                }
                Ok(true)
            }
            Err(e) => {
                tracing::warn!("{e}; still serving the previous snapshot");
                if let Ok(mut last) = self.last_error.write() {
                    *last = Some(e.to_string());
                }
                self.record_failure(run_id);
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_that_fails_to_load_is_retried_after_a_growing_wait() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path();
        std::fs::create_dir_all(out.join("runs/kapot")).expect("mkdir");
        #[cfg(unix)]
        std::os::unix::fs::symlink("runs/kapot", out.join("current")).expect("symlink");
        let store = Arc::new(SnapshotStore::new(out));
        assert!(store.is_behind() && !store.waiting_after_failure());
        // The run has no manifest: the load fails, and the run waits 2 s, then 4 s, …
        assert!(store.refresh().is_err());
        assert!(store.waiting_after_failure());
        let wait = |s: &SnapshotStore| s.backoff.lock().expect("lock").as_ref().map(|b| b.wait);
        assert_eq!(wait(&store), Some(FIRST_RETRY));
        assert!(store.refresh().is_err());
        assert_eq!(wait(&store), Some(FIRST_RETRY * 2));
        for _ in 0..20 {
            let _ = store.refresh();
        }
        assert_eq!(wait(&store), Some(LAST_RETRY));
        // While it waits, no background load starts.
        store.refresh_in_background();
        assert!(store.loading.lock().expect("lock").is_empty());
        assert!(store.last_error.read().expect("lock").is_some());
    }
}
