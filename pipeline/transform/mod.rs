//! Transform: registers the staging tables in DataFusion and runs the SQL models of `queries/`
//! in dependency order; models named `int_*` are intermediate, the others are output tables.
//! The models are compiled into the binary, so a run needs no files besides its inputs.

pub mod models;
pub mod staging;
pub mod statistics;

pub use models::{MODELS, Model, model_order, render, rendered_over};

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
    #[error("SQL model {model}: its template does not render: {message}")]
    Template { model: String, message: String },
    #[error("no SQL model {0:?} (models: the files in queries/)")]
    UnknownModel(String),
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
    let order: Vec<Model> = model_order()?
        .into_iter()
        .filter(|m| models.contains(&m.name))
        .collect();
    run_rendered(inputs, order, transient).await
}

/// `run_models` with the models rendered already (`models::rendered_over`), in their order.
pub async fn run_rendered(
    inputs: Vec<OutputTable>,
    order: Vec<Model>,
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
    let last_reader = last_readers(&order, transient);
    for (i, table) in transient.iter().enumerate() {
        if last_reader[i].is_none() {
            ctx.deregister_table(*table)?;
            tables.remove(*table);
        }
    }
    for (step, Model { name, sql }) in order.into_iter().enumerate() {
        let model_err = |source| TransformError::Model {
            model: name.to_string(),
            source,
        };
        let clock = std::time::Instant::now();
        let df = ctx.sql(&sql).await.map_err(model_err)?;
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
fn last_readers(order: &[Model], tables: &[&str]) -> Vec<Option<usize>> {
    let wanted: BTreeSet<&str> = tables.iter().copied().collect();
    let read: Vec<BTreeSet<&str>> = order
        .iter()
        .map(|m| models::names_in(&m.sql, &wanted))
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
        let model = |name, sql: &str| Model {
            name,
            sql: sql.to_string(),
        };
        let order = [
            model("a", "select * from stg_x"),
            model("b", "-- not stg_z\nselect 1 from stg_x join stg_y on true"),
            model("c", "select 2 from b"),
        ];
        let last = last_readers(&order, &["stg_x", "stg_y", "stg_z"]);
        assert_eq!(last, vec![Some(1), Some(1), None]);
    }
}
