//! The analysts' read-only SQL endpoint (`/api/sql`), run so that no query can hurt another
//! user: on a runtime of its own (one thread, one query at a time), in one partition with small
//! batches, under a memory pool that does not spill, with the functions that can blow a small
//! input up into gigabytes capped, and with its answer streamed and cut at the row and size
//! limits as it comes — the page requests never wait for it.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Int64Type, Schema};
use datafusion::common::{DataFusionError, Result as DfResult, ScalarValue};
use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::execution::session_state::SessionStateBuilder;
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
};
use datafusion::prelude::SessionContext;

use super::api::{Format, encode, format_of, json_error, with_run};
use super::frame;
use super::routes::parse_query;
use super::snapshot::Role;
use super::{AppState, ServeError};

/// Memory that one query may hold in its operators (joins, sorts, aggregates): a query that
/// needs more fails instead of taking the server's memory, and nothing spills to disk.
pub const SQL_QUERY_MEMORY_BYTES: usize = 512 * 1024 * 1024;

/// Rows per batch of an analyst's query: small, so that a batch of wide generated values stays
/// small and the answer can be cut soon after it passes a limit.
const BATCH_ROWS: usize = 256;

/// The longest text, and the most array elements, that one value of a capped function may
/// produce (`repeat`, `lpad`, `rpad`; `array_repeat`, `array_resize`, `range`,
/// `generate_series`).
pub const MAX_GENERATED: i64 = 100_000;

/// How long a query may wait for the one before it.
const QUEUE_WAIT: Duration = Duration::from_secs(5);

/// The runtime the analysts' queries run on: one worker thread, so a query that does not yield
/// can hold at most one core, never the threads that answer pages; one query at a time.
pub struct SqlRunner {
    runtime: Option<tokio::runtime::Runtime>,
    gate: Arc<tokio::sync::Semaphore>,
}

impl SqlRunner {
    pub fn new() -> Result<SqlRunner, ServeError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(1)
            .thread_name("analist-sql")
            .enable_time()
            .build()?;
        Ok(SqlRunner {
            runtime: Some(runtime),
            gate: Arc::new(tokio::sync::Semaphore::new(1)),
        })
    }

    /// Runs `work` on the SQL runtime once the query before it is done (`None`: it waited
    /// longer than `QUEUE_WAIT`, or the runner is gone). The returned handle aborts the work
    /// when dropped, so a caller that stops waiting (the time limit) cancels it at its next
    /// yield.
    async fn spawn<T: Send + 'static>(
        &self,
        work: impl std::future::Future<Output = T> + Send + 'static,
    ) -> Option<AbortOnDrop<T>> {
        let runtime = self.runtime.as_ref()?;
        let permit = tokio::time::timeout(QUEUE_WAIT, self.gate.clone().acquire_owned())
            .await
            .ok()?
            .ok()?;
        let handle = runtime.spawn(async move {
            let out = work.await;
            drop(permit);
            out
        });
        Some(AbortOnDrop(handle))
    }
}

impl Drop for SqlRunner {
    fn drop(&mut self) {
        // Dropping a runtime may block; the server may be dropped inside another runtime.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// A task handle that aborts its task when dropped.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A session over the role's tables for one analyst query: one partition, small batches, a
/// memory pool of `SQL_QUERY_MEMORY_BYTES` that does not spill, the capped functions in place
/// of the built-in ones, and no table functions.
pub fn analyst_session(ctx: &SessionContext) -> DfResult<SessionContext> {
    let runtime = RuntimeEnvBuilder::new()
        .with_memory_limit(SQL_QUERY_MEMORY_BYTES, 1.0)
        .with_disk_manager_builder(
            DiskManagerBuilder::default().with_mode(DiskManagerMode::Disabled),
        )
        .build_arc()?;
    // The tables are the existing catalog's: the new config must not make an empty default one.
    let config = ctx
        .state()
        .config()
        .clone()
        .with_create_default_catalog_and_schema(false)
        .with_target_partitions(1)
        .with_batch_size(BATCH_ROWS);
    let state = SessionStateBuilder::new_from_existing(ctx.state())
        .with_config(config)
        .with_runtime_env(runtime)
        .with_physical_optimizer_rule(Arc::new(EveryOperatorYields))
        .build();
    let session = SessionContext::new_with_state(state);
    for name in ["generate_series", "range"] {
        session.deregister_udtf(name);
    }
    for (name, limit) in CAPPED {
        if let Some(inner) = session.state().scalar_functions().get(*name).cloned() {
            session.register_udf(ScalarUDF::new_from_impl(Capped {
                inner,
                limit: *limit,
            }));
        }
    }
    Ok(session)
}

/// Wraps every operator of an analyst's plan in DataFusion's `CooperativeExec`, so that each
/// batch any operator hands on spends the task's scheduling budget and the query yields every
/// few batches — also where a join or an unnest makes many batches from one input batch, which
/// DataFusion's own rule (leaves only) does not catch. At a yield the time limit can abort it.
#[derive(Debug)]
struct EveryOperatorYields;

impl datafusion::physical_optimizer::optimizer::PhysicalOptimizerRule for EveryOperatorYields {
    fn optimize(
        &self,
        plan: Arc<dyn datafusion::physical_plan::ExecutionPlan>,
        _config: &datafusion::config::ConfigOptions,
    ) -> DfResult<Arc<dyn datafusion::physical_plan::ExecutionPlan>> {
        use datafusion::common::tree_node::{Transformed, TreeNode};
        use datafusion::physical_plan::coop::CooperativeExec;
        plan.transform_up(|node| {
            if node.is::<CooperativeExec>() {
                return Ok(Transformed::no(node));
            }
            let wrapped: Arc<dyn datafusion::physical_plan::ExecutionPlan> =
                Arc::new(CooperativeExec::new(node));
            Ok(Transformed::yes(wrapped))
        })
        .map(|t| t.data)
    }

    fn name(&self) -> &str {
        "every_operator_yields"
    }

    fn schema_check(&self) -> bool {
        true
    }
}

/// What a capped function's arguments may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Limit {
    /// `repeat(text, n)`: at most `MAX_GENERATED` characters.
    RepeatText,
    /// `lpad(text, n, …)`, `rpad`, `array_repeat(x, n)`, `array_resize(a, n, …)`: `n` at most
    /// `MAX_GENERATED`.
    SecondArgument,
    /// `range(a, b[, step])`, `generate_series`: at most `MAX_GENERATED` elements.
    Series,
}

const CAPPED: &[(&str, Limit)] = &[
    ("repeat", Limit::RepeatText),
    ("lpad", Limit::SecondArgument),
    ("rpad", Limit::SecondArgument),
    ("array_repeat", Limit::SecondArgument),
    ("array_resize", Limit::SecondArgument),
    ("range", Limit::Series),
    ("generate_series", Limit::Series),
];

/// A built-in function that refuses arguments asking for more than `MAX_GENERATED`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Capped {
    inner: Arc<ScalarUDF>,
    limit: Limit,
}

/// The largest integer an argument holds (any row), if it is an integer argument.
fn max_int(arg: Option<&ColumnarValue>) -> Option<i64> {
    match arg? {
        ColumnarValue::Scalar(s) => s.cast_to(&DataType::Int64).ok().and_then(|v| match v {
            ScalarValue::Int64(v) => v,
            _ => None,
        }),
        ColumnarValue::Array(a) => {
            let ints = datafusion::arrow::compute::cast(a, &DataType::Int64).ok()?;
            datafusion::arrow::compute::max(ints.as_primitive::<Int64Type>())
        }
    }
}

/// The longest text an argument holds (any row).
fn max_len(arg: Option<&ColumnarValue>) -> i64 {
    let longest = |a: &dyn Array| -> usize {
        let Ok(text) = datafusion::arrow::compute::cast(a, &DataType::Utf8) else {
            return 0;
        };
        text.as_string::<i32>()
            .iter()
            .flatten()
            .map(str::len)
            .max()
            .unwrap_or(0)
    };
    match arg {
        Some(ColumnarValue::Scalar(s)) => s.to_array().map_or(0, |a| longest(a.as_ref())) as i64,
        Some(ColumnarValue::Array(a)) => longest(a.as_ref()) as i64,
        None => 0,
    }
}

impl Capped {
    fn check(&self, args: &[ColumnarValue]) -> DfResult<()> {
        let asked = match self.limit {
            Limit::RepeatText => max_int(args.get(1))
                .unwrap_or(0)
                .saturating_mul(max_len(args.first())),
            Limit::SecondArgument => max_int(args.get(1)).unwrap_or(0),
            Limit::Series => {
                let (a, b) = (max_int(args.first()), max_int(args.get(1)));
                let step = max_int(args.get(2)).unwrap_or(1).max(1);
                match (a, b) {
                    // One argument: range(0, a).
                    (Some(end), None) => end / step,
                    (Some(start), Some(end)) => end.saturating_sub(start) / step,
                    _ => 0,
                }
            }
        };
        if asked > MAX_GENERATED {
            return Err(DataFusionError::Execution(format!(
                "{} zou waarden van meer dan {MAX_GENERATED} tekens of elementen maken",
                self.inner.name()
            )));
        }
        Ok(())
    }
}

impl ScalarUDFImpl for Capped {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn aliases(&self) -> &[String] {
        self.inner.aliases()
    }
    fn signature(&self) -> &Signature {
        self.inner.signature()
    }
    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        self.inner.return_type(arg_types)
    }
    fn return_field_from_args(
        &self,
        args: datafusion::logical_expr::ReturnFieldArgs,
    ) -> DfResult<datafusion::arrow::datatypes::FieldRef> {
        self.inner.return_field_from_args(args)
    }
    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        self.inner.coerce_types(arg_types)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        self.check(&args.args)?;
        self.inner.invoke_with_args(args)
    }
}

/// Why a text is not one read-only query, if it is not.
pub fn not_a_single_select(sql: &str) -> Option<String> {
    use datafusion::sql::parser::{DFParser, Statement};
    use datafusion::sql::sqlparser::ast::Statement as Ast;
    let statements = match DFParser::parse_sql(sql) {
        Ok(s) => s,
        Err(e) => return Some(format!("SQL is niet te lezen: {e}")),
    };
    if statements.len() != 1 {
        return Some(format!(
            "precies één SELECT-opdracht toegestaan, gevonden: {}",
            statements.len()
        ));
    }
    match statements.front() {
        Some(Statement::Statement(s)) if matches!(**s, Ast::Query(_)) => None,
        _ => Some("alleen een SELECT-opdracht (of WITH … SELECT) is toegestaan".to_string()),
    }
}

/// How a query ended on the SQL runtime.
enum Answer {
    Rows {
        schema: Arc<Schema>,
        batches: Vec<RecordBatch>,
        truncated: bool,
    },
    TooLarge,
    Failed(String),
}

/// Plans and runs `sql`, reading its answer batch by batch: stops after `max_rows` rows (the
/// answer is then cut) or at `max_bytes` (the answer is refused), without computing the rest.
async fn answer(ctx: SessionContext, sql: String, max_rows: usize, max_bytes: usize) -> Answer {
    use futures_util::StreamExt;
    let planned = async {
        let df = ctx
            .sql_with_options(&sql, super::snapshot::read_only())
            .await?;
        let df = df.limit(0, Some(max_rows + 1))?;
        let schema = Arc::new(df.schema().as_arrow().clone());
        Ok::<_, DataFusionError>((schema, df.execute_stream().await?))
    };
    let (schema, mut stream) = match planned.await {
        Ok(p) => p,
        Err(e) => return Answer::Failed(e.to_string()),
    };
    let (mut rows, mut bytes, mut batches) = (0usize, 0usize, Vec::new());
    while let Some(batch) = stream.next().await {
        let batch = match batch {
            Ok(b) => b,
            Err(e) => return Answer::Failed(e.to_string()),
        };
        bytes += batch.get_array_memory_size();
        if bytes > max_bytes {
            return Answer::TooLarge;
        }
        let take = batch.num_rows().min(max_rows + 1 - rows);
        rows += take;
        batches.push(batch.slice(0, take));
        if rows > max_rows {
            break;
        }
        // Between batches, let the runtime see a deadline or an abort.
        tokio::task::yield_now().await;
    }
    let truncated = rows > max_rows;
    Answer::Rows {
        schema,
        batches: truncate(batches, max_rows),
        truncated,
    }
}

fn truncate(batches: Vec<RecordBatch>, max_rows: usize) -> Vec<RecordBatch> {
    let mut left = max_rows;
    let mut out = Vec::new();
    for b in batches {
        if left == 0 {
            break;
        }
        let take = b.num_rows().min(left);
        out.push(b.slice(0, take));
        left -= take;
    }
    out
}

async fn run_sql(state: &AppState, headers: &HeaderMap, pairs: &[(String, String)]) -> Response {
    let (viewer, snapshot) = match super::api::api_context(state, headers) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    if viewer.role != Role::Analist {
        return json_error(
            StatusCode::FORBIDDEN,
            "de SQL-ingang is alleen voor analisten",
        );
    }
    let format = match format_of(pairs) {
        Ok(f) => f,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    let Some(sql) = pairs
        .iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.as_str())
    else {
        return json_error(
            StatusCode::BAD_REQUEST,
            "parameter q (de SELECT-opdracht) ontbreekt",
        );
    };
    if sql.len() > 20_000 {
        return json_error(
            StatusCode::BAD_REQUEST,
            "de opdracht is langer dan 20.000 tekens",
        );
    }
    if let Some(reason) = not_a_single_select(sql) {
        return json_error(StatusCode::BAD_REQUEST, &reason);
    }
    let max_rows = state.settings.sql_max_rows;
    let max_mb = state.settings.sql_max_response_mb;
    let limit = Duration::from_secs(state.settings.sql_timeout_secs);
    let ctx = match snapshot.context(viewer.role) {
        Ok(ctx) => ctx,
        Err(e) => return json_error(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()),
    };
    let ctx = match analyst_session(ctx) {
        Ok(ctx) => ctx,
        Err(e) => return super::error::Internal::logged("preparing a query", e).json(),
    };
    let work = answer(
        ctx,
        sql.to_string(),
        max_rows,
        max_mb.saturating_mul(1024 * 1024),
    );
    let Some(task) = state.sql.spawn(work).await else {
        return json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "er loopt al een andere SQL-opdracht; probeer het zo opnieuw",
        );
    };
    // At the deadline the task is dropped, which aborts it at its next yield.
    let mut task = task;
    let answered = tokio::time::timeout(limit, &mut task.0).await;
    drop(task);
    let (schema, batches, truncated) = match answered {
        Err(_) => {
            return json_error(
                StatusCode::GATEWAY_TIMEOUT,
                &format!(
                    "de opdracht duurde langer dan {} s en is afgebroken",
                    limit.as_secs()
                ),
            );
        }
        Ok(Err(join)) => return super::error::Internal::logged("running a SQL query", join).json(),
        Ok(Ok(Answer::Failed(e))) => return json_error(StatusCode::BAD_REQUEST, &e),
        Ok(Ok(Answer::TooLarge)) => {
            return json_error(
                StatusCode::BAD_REQUEST,
                &format!(
                    "het antwoord is groter dan {max_mb} MB (sql_max_response_mb); vraag minder kolommen of kortere waarden"
                ),
            );
        }
        Ok(Ok(Answer::Rows {
            schema,
            batches,
            truncated,
        })) => (schema, batches, truncated),
    };
    let response = match format {
        Format::Json => axum::Json(serde_json::json!({
            "run_id": snapshot.run_id,
            "rijen": frame::to_json(&batches),
            "afgekapt": truncated,
            "max_rijen": max_rows,
        }))
        .into_response(),
        other => encode("sql", schema, &batches, other),
    };
    let mut response = with_run(response, &snapshot);
    if truncated {
        response
            .headers_mut()
            .insert("x-risicobeeld-afgekapt", HeaderValue::from_static("true"));
    }
    response
}

/// `GET /api/sql?q=SELECT …`
pub async fn sql_get(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    run_sql(&state, &headers, &parse_query(q.as_deref())).await
}

/// `POST /api/sql` with a form body `q=…` (or the SQL itself as `text/plain`).
pub async fn sql_post(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let pairs = if is_form {
        parse_query(Some(&body))
    } else {
        vec![("q".to_string(), body)]
    };
    run_sql(&state, &headers, &pairs).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_select_passes() {
        assert_eq!(not_a_single_select("SELECT 1"), None);
        assert_eq!(
            not_a_single_select("WITH a AS (SELECT 1) SELECT * FROM a"),
            None
        );
        assert!(not_a_single_select("SELECT 1; SELECT 2").is_some());
        assert!(not_a_single_select("DROP TABLE trends").is_some());
        assert!(not_a_single_select("CREATE TABLE x AS SELECT 1").is_some());
        assert!(not_a_single_select("COPY trends TO '/tmp/x.csv'").is_some());
        assert!(not_a_single_select("EXPLAIN SELECT 1").is_some());
        assert!(not_a_single_select("SELEKT").is_some());
    }

    async fn run(sql: &str) -> Result<Vec<RecordBatch>, String> {
        let tables = SessionContext::new();
        tables
            .sql("CREATE TABLE t AS VALUES (1), (2)")
            .await
            .map_err(|e| e.to_string())?
            .collect()
            .await
            .map_err(|e| e.to_string())?;
        let ctx = analyst_session(&tables).map_err(|e| e.to_string())?;
        ctx.sql(sql)
            .await
            .map_err(|e| e.to_string())?
            .collect()
            .await
            .map_err(|e| e.to_string())
    }

    #[tokio::test]
    async fn functions_that_make_huge_values_are_capped() {
        // The session keeps the tables of the context it was made from.
        assert!(run("SELECT repeat('x', 10) FROM t").await.is_ok());
        for sql in [
            "SELECT repeat('x', 1000000)",
            "SELECT repeat('xy', 60000)",
            "SELECT lpad('x', 1000000000)",
            "SELECT rpad('x', 1000000, 'y')",
            "SELECT array_repeat(1, 100000000)",
            "SELECT range(1, 100000000)",
            "SELECT generate_series(1, 100000000)",
        ] {
            let e = run(sql).await.expect_err(sql);
            assert!(e.contains("100000"), "{sql}: {e}");
        }
        // The table functions are not there at all.
        assert!(run("SELECT * FROM generate_series(1, 10)").await.is_err());
    }

    #[tokio::test]
    async fn an_answer_is_cut_as_it_streams() {
        let ctx = analyst_session(&SessionContext::new()).expect("session");
        let sql =
            "SELECT a.v FROM (VALUES (1),(2),(3),(4)) a(v) CROSS JOIN (VALUES (1),(2),(3)) b(w)";
        match answer(ctx.clone(), sql.into(), 5, usize::MAX).await {
            Answer::Rows {
                batches, truncated, ..
            } => {
                assert!(truncated);
                assert_eq!(batches.iter().map(RecordBatch::num_rows).sum::<usize>(), 5);
            }
            _ => panic!("rows expected"),
        }
        assert!(matches!(
            answer(ctx, sql.into(), 100, 1).await,
            Answer::TooLarge
        ));
    }
}
