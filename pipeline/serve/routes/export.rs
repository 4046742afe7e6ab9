//! Exports: the college summary and the yearly evaluation as one self-contained HTML file that
//! opens offline (the page's route `…/export`, and `risicobeeld export`).

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use super::*;

pub async fn college_export(
    State(state): Shared,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Response {
    export_page(&state, &headers, "college", code).await
}

pub async fn jaarevaluatie_export(
    State(state): Shared,
    Path(code): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    export_page_with(&state, &headers, "jaarevaluatie", code, q).await
}

/// A page as one self-contained HTML file (`/college/…/export`, `/jaarevaluatie/…/export`).
async fn export_page(
    state: &AppState,
    headers: &HeaderMap,
    dashboard: &str,
    code: String,
) -> Response {
    export_page_with(state, headers, dashboard, code, None).await
}

async fn export_page_with(
    state: &AppState,
    headers: &HeaderMap,
    dashboard: &str,
    code: String,
    q: Option<String>,
) -> Response {
    if let Err(r) = checked_code(&code, None) {
        return *r;
    }
    let path = format!("/{dashboard}/{code}");
    let mut response = show(
        state,
        headers,
        dashboard,
        Some(code.clone()),
        q,
        path,
        Mode::Export,
    )
    .await;
    if response.status() == StatusCode::OK {
        let run = response
            .headers()
            .get("x-risicobeeld-run")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("snapshot")
            .to_string();
        if let Ok(v) = HeaderValue::from_str(&format!(
            "attachment; filename=\"{dashboard}-{code}-{run}.html\""
        )) {
            response
                .headers_mut()
                .insert(header::CONTENT_DISPOSITION, v);
        }
    }
    response
}

/// `risicobeeld export`: the college page of one gemeente as one self-contained HTML file.
pub async fn export_college(state: &AppState, gemeentecode: &str) -> Result<String, String> {
    // The export is for the college: always the openbaar/ tables.
    let viewer = Viewer {
        role: Role::College,
        user: None,
    };
    let request = PageRequest {
        name: "college",
        path_value: Some(gemeentecode.to_string()),
        raw_query: None,
        path: format!("/college/{gemeentecode}"),
        mode: Mode::Export,
    };
    match render_page(state, &viewer, request).await {
        Ok((page, _)) => Ok(String::from_utf8_lossy(&page.html).into_owned()),
        Err(refusal) => Err(format!("{}: {}", refusal.status.as_u16(), refusal.message)),
    }
}
