//! Transform: registers the staging tables in DataFusion and runs the SQL models of `queries/`
//! in dependency order; models named `int_*` are intermediate, the others are output tables.
//! The models are compiled into the binary, so a run needs no files besides its inputs.

pub mod staging;
pub mod statistics;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::error::ArrowError;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::datasource::MemTable;
use datafusion::error::DataFusionError;
use datafusion::prelude::{SessionConfig, SessionContext};

use crate::config::Config;
use crate::locate::Located;
use crate::validate::QualityReport;

/// The SQL models, by name (the file stem in `queries/`).
pub const MODELS: &[(&str, &str)] = &[
    (
        "int_gekozen_peildata",
        include_str!("../../queries/int_gekozen_peildata.sql"),
    ),
    (
        "int_rni_gekozen",
        include_str!("../../queries/int_rni_gekozen.sql"),
    ),
    (
        "int_leegstand",
        include_str!("../../queries/int_leegstand.sql"),
    ),
    ("int_rni", include_str!("../../queries/int_rni.sql")),
    ("int_kvk", include_str!("../../queries/int_kvk.sql")),
    (
        "int_kvk_concentratie",
        include_str!("../../queries/int_kvk_concentratie.sql"),
    ),
    ("int_dekking", include_str!("../../queries/int_dekking.sql")),
    (
        "int_signalen",
        include_str!("../../queries/int_signalen.sql"),
    ),
    (
        "int_bevolking",
        include_str!("../../queries/int_bevolking.sql"),
    ),
    (
        "int_gemeente_naar_boven",
        include_str!("../../queries/int_gemeente_naar_boven.sql"),
    ),
    (
        "int_gebied_tellingen",
        include_str!("../../queries/int_gebied_tellingen.sql"),
    ),
    (
        "int_gebied_ratios",
        include_str!("../../queries/int_gebied_ratios.sql"),
    ),
    (
        "gebied_indicatoren",
        include_str!("../../queries/gebied_indicatoren.sql"),
    ),
    (
        "kvk_sectoren",
        include_str!("../../queries/kvk_sectoren.sql"),
    ),
    (
        "signalen_fasen",
        include_str!("../../queries/signalen_fasen.sql"),
    ),
    ("trends", include_str!("../../queries/trends.sql")),
    (
        "int_evaluatie_waarden",
        include_str!("../../queries/int_evaluatie_waarden.sql"),
    ),
    (
        "int_nulmeting",
        include_str!("../../queries/int_nulmeting.sql"),
    ),
    ("evaluatie", include_str!("../../queries/evaluatie.sql")),
    ("kwaliteit", include_str!("../../queries/kwaliteit.sql")),
    (
        "kwaliteit_openbaar",
        include_str!("../../queries/kwaliteit_openbaar.sql"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum TransformError {
    #[error("building the staging tables: {0}")]
    Staging(#[from] datafusion::arrow::error::ArrowError),
    #[error("SQL model {model}: {source}")]
    Model {
        model: String,
        source: DataFusionError,
    },
    #[error("the SQL models depend on each other in a cycle: {0}")]
    Cycle(String),
    #[error("{0}")]
    DataFusion(#[from] DataFusionError),
}

/// One output table, rows in their final order.
#[derive(Clone)]
pub struct OutputTable {
    pub name: String,
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

impl OutputTable {
    /// The same rows under another name (e.g. `openbaar/kvk_sectoren`).
    pub fn renamed(&self, name: &str) -> OutputTable {
        OutputTable {
            name: name.to_string(),
            ..self.clone()
        }
    }

    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// The table without its disclosure flags (`*_onderdrukt` columns).
    pub fn without_flags(&self) -> Result<OutputTable, ArrowError> {
        let keep: Vec<usize> = (0..self.schema.fields().len())
            .filter(|&i| !self.schema.field(i).name().ends_with("_onderdrukt"))
            .collect();
        let batches = self
            .batches
            .iter()
            .map(|b| b.project(&keep))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(OutputTable {
            name: self.name.clone(),
            schema: Arc::new(self.schema.project(&keep)?),
            batches,
        })
    }
}

/// The words of a model's SQL (outside `--` comments) that are among `names`.
fn names_in<'a>(sql: &str, names: &BTreeSet<&'a str>) -> BTreeSet<&'a str> {
    sql.lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .flat_map(|l| l.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
        .filter_map(|w| names.get(w).copied())
        .collect()
}

/// Models in an order where each comes after the models its SQL names.
pub fn model_order() -> Result<Vec<(&'static str, &'static str)>, TransformError> {
    let names: BTreeSet<&str> = MODELS.iter().map(|(n, _)| *n).collect();
    let deps: BTreeMap<&str, BTreeSet<&str>> = MODELS
        .iter()
        .map(|(name, sql)| {
            let mut words = names_in(sql, &names);
            words.remove(name);
            (*name, words)
        })
        .collect();
    let mut done: Vec<(&str, &str)> = Vec::new();
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    while done.len() < MODELS.len() {
        let ready: Vec<(&str, &str)> = MODELS
            .iter()
            .filter(|(n, _)| !placed.contains(n) && deps[n].iter().all(|d| placed.contains(d)))
            .copied()
            .collect();
        if ready.is_empty() {
            let left: Vec<&str> = names
                .iter()
                .filter(|n| !placed.contains(*n))
                .copied()
                .collect();
            return Err(TransformError::Cycle(left.join(", ")));
        }
        for (n, sql) in ready {
            placed.insert(n);
            done.push((n, sql));
        }
    }
    Ok(done)
}

/// Runs every model over the staged facts; returns every table by name — staging (but for the
/// fact-level ones, `FACT_STAGING`), intermediate and output — so that later steps (disclosure
/// control) can rerun models over altered inputs.
/// Takes the facts: once staged they are dropped, before the models run (at national scale they
/// are gigabytes).
pub async fn run(
    mut located: Located,
    report: &QualityReport,
    config: &Config,
) -> Result<BTreeMap<String, OutputTable>, TransformError> {
    let clock = std::time::Instant::now();
    let staged = staging::stage(&mut located, report, config)?;
    std::mem::drop(located);
    tracing::debug!(seconds = clock.elapsed().as_secs_f64(), "staged the facts");
    let staged = staged
        .into_iter()
        .map(|s| OutputTable {
            name: s.name.to_string(),
            schema: s.batches[0].schema(),
            batches: s.batches,
        })
        .collect();
    let all: Vec<&str> = MODELS.iter().map(|(n, _)| *n).collect();
    let mut tables = run_models(staged, &all, &FACT_STAGING).await?;
    // `evaluatie` carries its flags so that its openbaar/ rebuild can set them; the full table
    // is published without, like every full table (disclosure control adds them).
    if let Some(t) = tables.get_mut("evaluatie") {
        *t = t.without_flags()?;
    }
    Ok(tables)
}

/// The staging tables with a row per input fact. Only the models read them, so each is dropped
/// as soon as the last model that names it has run: a national stg_objecten alone is about
/// 2 GB that the later models, disclosure control and publishing need not hold.
const FACT_STAGING: [&str; 5] = [
    "stg_objecten",
    "stg_leegstand_aggregaat",
    "stg_rni",
    "stg_kvk",
    "stg_signalen",
];

/// Registers `inputs` and runs the named models (in dependency order) over them; returns the
/// inputs and the models' results by name, except the inputs named in `transient`: those are
/// dropped once no model still to run reads them.
pub async fn run_models(
    inputs: Vec<OutputTable>,
    models: &[&str],
    transient: &[&str],
) -> Result<BTreeMap<String, OutputTable>, TransformError> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut session = SessionConfig::new().with_target_partitions(threads);
    // Plain Utf8 strings, which every Parquet reader maps to its string type.
    session
        .options_mut()
        .sql_parser
        .map_string_types_to_utf8view = false;
    let ctx = SessionContext::new_with_config(session);
    statistics::register(&ctx);
    let mut tables = BTreeMap::new();
    for input in inputs {
        let table = MemTable::try_new(input.schema.clone(), partitions(&input.batches, threads))?;
        ctx.register_table(input.name.as_str(), Arc::new(table))?;
        tables.insert(input.name.clone(), input);
    }
    let order: Vec<(&str, &str)> = model_order()?
        .into_iter()
        .filter(|(n, _)| models.contains(n))
        .collect();
    let last_reader = last_readers(&order, transient);
    for (i, table) in transient.iter().enumerate() {
        if last_reader[i].is_none() {
            ctx.deregister_table(*table)?;
            tables.remove(*table);
        }
    }
    for (step, (name, sql)) in order.into_iter().enumerate() {
        let model_err = |source| TransformError::Model {
            model: name.to_string(),
            source,
        };
        let clock = std::time::Instant::now();
        let df = ctx.sql(sql).await.map_err(model_err)?;
        let planned: SchemaRef = Arc::new(df.schema().as_arrow().clone());
        let batches = df.collect().await.map_err(model_err)?;
        // The physical schema may differ from the logical one in nullability; batches rule.
        let schema = batches.first().map_or(planned, RecordBatch::schema);
        tracing::debug!(seconds = clock.elapsed().as_secs_f64(), "ran model {name}");
        let table = MemTable::try_new(schema.clone(), vec![batches.clone()]).map_err(model_err)?;
        ctx.register_table(name, Arc::new(table))
            .map_err(model_err)?;
        tables.insert(
            name.to_string(),
            OutputTable {
                name: name.to_string(),
                schema,
                batches,
            },
        );
        for (i, table) in transient.iter().enumerate() {
            if last_reader[i] == Some(step) {
                ctx.deregister_table(*table)?;
                tables.remove(*table);
            }
        }
    }
    Ok(tables)
}

/// For each of `tables`, the position in `order` of the last model whose SQL names it.
fn last_readers(order: &[(&str, &str)], tables: &[&str]) -> Vec<Option<usize>> {
    let wanted: BTreeSet<&str> = tables.iter().copied().collect();
    let read: Vec<BTreeSet<&str>> = order
        .iter()
        .map(|(_, sql)| names_in(sql, &wanted))
        .collect();
    tables
        .iter()
        .map(|t| read.iter().rposition(|names| names.contains(t)))
        .collect()
}

/// Rows per batch handed to DataFusion: small enough to spread a big staging table over every
/// core and to stay in cache, large enough to keep per-batch overhead low.
const BATCH_ROWS: usize = 65_536;

/// Splits `batches` into zero-copy slices of at most `BATCH_ROWS` rows, dealt round-robin over
/// `count` partitions, so that a scan of a staging table of tens of millions of rows (one
/// batch) runs on every core.
fn partitions(batches: &[RecordBatch], count: usize) -> Vec<Vec<RecordBatch>> {
    let mut out = vec![Vec::new(); count.max(1)];
    let slices = batches.iter().flat_map(|b| {
        (0..b.num_rows())
            .step_by(BATCH_ROWS)
            .map(move |start| b.slice(start, BATCH_ROWS.min(b.num_rows() - start)))
    });
    let parts = out.len();
    for (i, slice) in slices.enumerate() {
        out[i % parts].push(slice);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_cover_every_row_once_in_slices() {
        use datafusion::arrow::array::{Array, Int64Array};
        let rows = 2 * BATCH_ROWS + 7;
        let values: Int64Array = (0..rows as i64).collect();
        let batch = RecordBatch::try_from_iter([("n", Arc::new(values) as _)]).expect("a batch");
        let empty = batch.slice(0, 0);
        let parts = partitions(&[batch, empty], 2);
        assert_eq!(parts.len(), 2);
        let sizes: Vec<Vec<usize>> = parts
            .iter()
            .map(|p| p.iter().map(RecordBatch::num_rows).collect())
            .collect();
        assert_eq!(sizes, vec![vec![BATCH_ROWS, 7], vec![BATCH_ROWS]]);
        let mut seen: Vec<i64> = parts
            .iter()
            .flatten()
            .flat_map(|b| {
                let n = b
                    .column(0)
                    .as_any()
                    .downcast_ref::<Int64Array>()
                    .expect("ints");
                (0..n.len()).map(|i| n.value(i)).collect::<Vec<_>>()
            })
            .collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..rows as i64).collect::<Vec<_>>());
    }

    #[test]
    fn a_transient_table_lives_until_its_last_reader() {
        let order = [
            ("a", "select * from stg_x"),
            ("b", "-- not stg_z\nselect 1 from stg_x join stg_y on true"),
            ("c", "select 2 from b"),
        ];
        let last = last_readers(&order, &["stg_x", "stg_y", "stg_z"]);
        assert_eq!(last, vec![Some(1), Some(1), None]);
    }

    #[test]
    fn models_run_after_what_they_read() {
        let order: Vec<&str> = model_order()
            .expect("no cycle")
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        let pos = |n: &str| order.iter().position(|m| *m == n).expect("listed");
        assert!(pos("int_gekozen_peildata") < pos("int_leegstand"));
        assert!(pos("int_dekking") < pos("int_signalen"));
        assert!(pos("int_gebied_tellingen") < pos("int_gebied_ratios"));
        assert!(pos("int_gebied_ratios") < pos("gebied_indicatoren"));
        assert!(pos("gebied_indicatoren") < pos("trends"));
    }
}
