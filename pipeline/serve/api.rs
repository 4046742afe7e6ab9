//! Machine routes: table rows as JSON, CSV, Parquet or Excel with validated filters; panel
//! downloads; `/status` for the nightly job's watcher; the OpenAPI description. (The analysts'
//! SQL endpoint is `sql.rs`.)

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::Schema;
use datafusion::scalar::ScalarValue;

use super::dashboards::{self, Bound, ParamKind};
use super::error::Internal;
use super::frame;
use super::routes::parse_query;
use super::snapshot::Snapshot;
use super::{AppState, Viewer};
use risicobeeld_snapshot::{RunStatus, TABLES};

type Shared = State<Arc<AppState>>;

pub const OPENAPI: &str = include_str!("assets/openapi.json");

pub(crate) fn json_error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "fout": message }))).into_response()
}

pub(crate) fn with_run(mut response: Response, snapshot: &Snapshot) -> Response {
    if let Ok(v) = HeaderValue::from_str(&snapshot.run_id) {
        response.headers_mut().insert("x-risicobeeld-run", v);
    }
    response
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Format {
    Json,
    Csv,
    Parquet,
    /// An Excel workbook (`serve::xlsx`), hidden figures as `×`.
    Xlsx,
}

pub(crate) fn format_of(pairs: &[(String, String)]) -> Result<Format, String> {
    match pairs
        .iter()
        .find(|(k, _)| k == "format")
        .map(|(_, v)| v.as_str())
    {
        None | Some("json") => Ok(Format::Json),
        Some("csv") => Ok(Format::Csv),
        Some("parquet") => Ok(Format::Parquet),
        Some("xlsx") => Ok(Format::Xlsx),
        Some(other) => Err(format!("format {other:?}: use json, csv, parquet or xlsx")),
    }
}

pub(crate) fn encode(
    name: &str,
    schema: Arc<Schema>,
    batches: &[RecordBatch],
    format: Format,
) -> Response {
    let (content_type, body, ext): (&str, Vec<u8>, &str) = match format {
        Format::Json => (
            "application/json",
            serde_json::to_vec(&frame::to_json(batches)).unwrap_or_default(),
            "json",
        ),
        Format::Csv => (
            "text/csv; charset=utf-8",
            frame::to_csv(&schema, batches),
            "csv",
        ),
        Format::Parquet => match frame::to_parquet(schema, batches) {
            Ok(bytes) => ("application/vnd.apache.parquet", bytes, "parquet"),
            Err(e) => return Internal::logged("encoding a Parquet download", e).json(),
        },
        Format::Xlsx => match super::xlsx::to_xlsx(batches, name) {
            Ok(bytes) => (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                bytes,
                "xlsx",
            ),
            Err(e) => return Internal::logged("encoding an Excel download", e).json(),
        },
    };
    let mut r = body.into_response();
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if format != Format::Json
        && let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}.{ext}\""))
    {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// The viewer and snapshot of an API request, or the JSON error.
pub(crate) fn api_context(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(Viewer, Arc<Snapshot>), Box<Response>> {
    let viewer = state
        .viewer(headers)
        .ok_or_else(|| json_error(StatusCode::UNAUTHORIZED, "aanmelden vereist (POST /login)"))?;
    let snapshot = state.snapshot().ok_or_else(|| {
        json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "nog geen gepubliceerde snapshot",
        )
    })?;
    if let Err(e) = snapshot.context(viewer.role) {
        return Err(Box::new(json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            &e.to_string(),
        )));
    }
    Ok((viewer, snapshot))
}

const FILTERS: [(&str, ParamKind); 4] = [
    ("niveau", ParamKind::Niveau),
    ("gebiedscode", ParamKind::Gebiedscode),
    ("periode", ParamKind::Periode),
    ("indicator", ParamKind::Indicator),
];

/// A filter value checked for its table: `evaluatie` has years and half-years for periods and
/// indicators of its own (only their shape is checked).
fn check_filter(
    table: &str,
    name: &str,
    kind: ParamKind,
    value: &str,
    snapshot: &Snapshot,
) -> Result<(), dashboards::ParamError> {
    match (table, kind) {
        ("evaluatie", ParamKind::Periode) => {
            dashboards::check_param(name, ParamKind::Evaluatieperiode, value, snapshot)
        }
        ("evaluatie", ParamKind::Indicator) => {
            let word = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
            if !value.is_empty() && value.len() <= 64 && value.chars().all(word) {
                Ok(())
            } else {
                Err(dashboards::ParamError::Malformed {
                    name: name.to_string(),
                    value: value.to_string(),
                    what: "indicatornaam",
                })
            }
        }
        _ => dashboards::check_param(name, kind, value, snapshot),
    }
}

/// `GET /api/{table}?niveau=&gebiedscode=&periode=&indicator=&format=`
pub async fn table(
    State(state): Shared,
    Path(table): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let (viewer, snapshot) = match api_context(&state, &headers) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let Some(table) = TABLES.iter().find(|t| **t == table) else {
        return json_error(
            StatusCode::NOT_FOUND,
            &format!("geen tabel {table:?}; tabellen: {}", TABLES.join(", ")),
        );
    };
    let pairs = parse_query(q.as_deref());
    let format = match format_of(&pairs) {
        Ok(f) => f,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    if let Some((k, _)) = pairs
        .iter()
        .find(|(k, _)| k != "format" && !FILTERS.iter().any(|(f, _)| f == k))
    {
        return json_error(
            StatusCode::BAD_REQUEST,
            &format!(
                "onbekende parameter {k:?}; filters: niveau, gebiedscode, periode, indicator, format"
            ),
        );
    }
    let ctx = match snapshot.context(viewer.role) {
        Ok(ctx) => ctx,
        Err(e) => return json_error(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()),
    };
    let schema = match ctx.table_provider(*table).await {
        Ok(p) => p.schema(),
        Err(e) => return Internal::logged("preparing a query", e).json(),
    };
    let mut conditions = Vec::new();
    let mut bound = Bound::default();
    for (name, value) in &pairs {
        let Some((_, kind)) = FILTERS.iter().find(|(f, _)| f == name) else {
            continue;
        };
        if schema.field_with_name(name).is_err() {
            return json_error(
                StatusCode::BAD_REQUEST,
                &format!("tabel {table} heeft geen kolom {name}"),
            );
        }
        if let Err(e) = check_filter(table, name, *kind, value, &snapshot) {
            return json_error(e.status(), &e.to_string());
        }
        conditions.push(format!("{name} = ${name}"));
        bound
            .scalars
            .insert(name.clone(), ScalarValue::Utf8(Some(value.clone())));
    }
    let mut sql = format!("SELECT * FROM {table}");
    if !conditions.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conditions.join(" AND "));
    }
    match super::render::run_panel(&snapshot, viewer.role, &sql, &bound).await {
        Ok(batches) => with_run(encode(table, schema, &batches, format), &snapshot),
        Err(e) => Internal::logged("querying a table", e).json(),
    }
}

/// `GET /dashboards/{name}/paneel/{index}?…&format=csv|parquet|json`: what a panel shows.
pub async fn panel_download(
    State(state): Shared,
    Path((name, index)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let (viewer, snapshot) = match api_context(&state, &headers) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let all = state.dashboards.all(&snapshot).await;
    let Some(Ok(d)) = all
        .iter()
        .find(|d| d.name == name)
        .map(|d| d.result.clone())
    else {
        return json_error(
            StatusCode::NOT_FOUND,
            &format!("geen bruikbaar dashboard {name:?}"),
        );
    };
    if !d.allows(viewer.role) {
        return json_error(StatusCode::FORBIDDEN, "dit dashboard is niet voor uw rol");
    }
    let Some(panel) = index
        .parse::<usize>()
        .ok()
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| d.panels.get(i))
        .filter(|p| p.shown_to(viewer.role))
    else {
        return json_error(
            StatusCode::NOT_FOUND,
            &format!("dashboard {name} heeft geen paneel {index:?}"),
        );
    };
    let pairs = parse_query(q.as_deref());
    let format = match format_of(&pairs) {
        Ok(f) => f,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    let bound = match dashboards::bind(&d, &pairs, &snapshot) {
        Ok(b) => b,
        Err(e) => return json_error(e.status(), &e.to_string()),
    };
    match super::render::run_panel(&snapshot, viewer.role, &panel.sql, &bound).await {
        Ok(batches) => {
            let schema = batches
                .first()
                .map(|b| b.schema())
                .unwrap_or_else(|| Arc::new(Schema::empty()));
            let file = format!("{name}-paneel-{index}-{}", snapshot.run_id);
            with_run(encode(&file, schema, &batches, format), &snapshot)
        }
        Err(e) => Internal::logged("running a panel", e).json(),
    }
}

/// `GET /status`: for monitoring. Everyone learns whether a snapshot is up, whether it is stale
/// and whether the last run failed; analysts also get the run, its times, the load error and the
/// freshness per source (these can name files and paths).
pub async fn status(State(state): Shared, headers: HeaderMap) -> Response {
    let details = state
        .viewer(&headers)
        .is_some_and(|v| v.role.sees_full_tables());
    let last = RunStatus::read(state.snapshots.out());
    let load_error = state
        .snapshots
        .last_error
        .read()
        .ok()
        .and_then(|e| e.clone());
    let Some(snapshot) = state.snapshot() else {
        let body = if details {
            serde_json::json!({
                "beschikbaar": false,
                "run_id": null,
                "laatste_run": last,
                "snapshot_fout": load_error,
            })
        } else {
            serde_json::json!({ "beschikbaar": false })
        };
        return (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response();
    };
    let m = &snapshot.manifest;
    let age_hours = snapshot.age_hours();
    let stale = snapshot.is_stale(state.settings.stale_after_hours);
    let failed = last.as_ref().is_some_and(|s| s.failed_since(&m.finished));
    if !details {
        let body = serde_json::json!({
            "beschikbaar": true,
            "verouderd": stale,
            "laatste_run_mislukt": failed,
        });
        return with_run(axum::Json(body).into_response(), &snapshot);
    }
    let mut bronnen: std::collections::BTreeMap<&str, Vec<&super::snapshot::Freshness>> =
        Default::default();
    for f in &snapshot.freshness {
        bronnen.entry(f.bron.as_str()).or_default().push(f);
    }
    let bronnen: Vec<serde_json::Value> = bronnen
        .into_iter()
        .map(|(bron, list)| {
            serde_json::json!({
                "bron": bron,
                "laatste_peildatum": list.iter().map(|f| f.laatste_peildatum.as_str()).max(),
                "vroegste_laatste_peildatum": list.iter().map(|f| f.laatste_peildatum.as_str()).min(),
                "gemeenten": list,
            })
        })
        .collect();
    let body = serde_json::json!({
        "beschikbaar": true,
        "run_id": snapshot.run_id,
        "gestart": m.started,
        "gepubliceerd": m.finished,
        "leeftijd_uren": age_hours,
        "verouderd": stale,
        "verouderd_na_uren": state.settings.stale_after_hours,
        "laatste_run": last,
        "laatste_run_mislukt": failed,
        "snapshot_fout": load_error,
        "openbaar_probleem": snapshot.public_problem(),
        "bronnen": bronnen,
    });
    with_run(axum::Json(body).into_response(), &snapshot)
}

pub async fn openapi() -> Response {
    let mut r = OPENAPI.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_openapi_description_names_every_api_route() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).expect("valid JSON");
        for route in ["/api/{table}", "/api/sql", "/status"] {
            assert!(doc["paths"].get(route).is_some(), "{route} missing");
        }
        // The table parameter offers exactly the published tables.
        let tables: Vec<&str> = doc["paths"]["/api/{table}"]["get"]["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["name"] == "table")
            .flat_map(|p| p["schema"]["enum"].as_array().into_iter().flatten())
            .filter_map(|t| t.as_str())
            .collect();
        assert_eq!(tables, risicobeeld_snapshot::tables::TABLES);
    }
}
