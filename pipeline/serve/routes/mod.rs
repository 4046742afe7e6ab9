//! The HTML routes of the dashboard pages: who asks, which dashboard, its parameters checked
//! against the snapshot, the page from the render cache (or rendered once), the frame around it
//! (banner, footer, the area's place). Login, the about page, exports and assets are modules of
//! their own.

mod about;
mod assets;
mod export;
mod login;

pub use about::about;
pub use assets::{favicon, script, style};
pub use export::{college_export, export_college, jaarevaluatie_export};
pub use login::{login, login_form, logout, safe_return};

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::dashboards::{self, Dashboard, ParamError};
use crate::html::{Mode, Page, url_value};
use crate::render::{self as page, RenderContext};
use crate::snapshot::{Role, Snapshot};
use crate::{AppState, Viewer};
use maud::{Markup, html};
use risicobeeld_snapshot::RunStatus;

type Shared = State<Arc<AppState>>;

pub fn html_response(status: StatusCode, body: String, run_id: Option<&str>) -> Response {
    let mut response = (status, body).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Some(id) = run_id.and_then(|r| HeaderValue::from_str(r).ok()) {
        h.insert("x-risicobeeld-run", id);
    }
    response
}

/// A live page of the current snapshot for this viewer: its banner, account, run id and footer.
fn live_page(
    state: &AppState,
    snapshot: &Snapshot,
    viewer: &Viewer,
    title: &str,
    body: Markup,
) -> Response {
    let page = Page {
        title,
        body,
        banner: banner(state, snapshot, viewer.role),
        user: viewer.user.as_deref().map(|u| (u, viewer.role.name())),
        run_id: &snapshot.run_id,
        footer: footer(snapshot, Mode::Live),
        mode: Mode::Live,
    };
    html_response(StatusCode::OK, page.render(), Some(&snapshot.run_id))
}

/// A plain page for errors and forms.
fn simple_page(status: StatusCode, title: &str, body: Markup, viewer: Option<&Viewer>) -> Response {
    let page = Page {
        title,
        body,
        banner: None,
        user: viewer.and_then(|v| v.user.as_deref().map(|u| (u, v.role.name()))),
        run_id: "",
        footer: html! {},
        mode: Mode::Live,
    };
    html_response(status, page.render(), None)
}

pub fn error_page(status: StatusCode, message: &str, viewer: Option<&Viewer>) -> Response {
    let title = match status {
        StatusCode::BAD_REQUEST => "Ongeldige vraag",
        StatusCode::FORBIDDEN => "Geen toegang",
        StatusCode::NOT_FOUND => "Niet gevonden",
        StatusCode::TOO_MANY_REQUESTS => "Te veel pogingen",
        _ => "Niet beschikbaar",
    };
    simple_page(
        status,
        title,
        html! {
            p { (message) }
            p { a href="/" { "Naar de verkenner" } }
        },
        viewer,
    )
}

/// Why a page is not shown: the status and what the visitor reads (never internal text for
/// non-analysts; the caller decides what goes in `message`).
#[derive(Debug)]
pub struct Refusal {
    pub status: StatusCode,
    pub message: String,
}

impl Refusal {
    fn new(status: StatusCode, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            message: message.into(),
        }
    }

    fn response(&self, viewer: Option<&Viewer>) -> Response {
        error_page(self.status, &self.message, viewer)
    }
}

const NO_SNAPSHOT: &str = "Er zijn nog geen gepubliceerde cijfers. Draai eerst `risicobeeld run`.";

fn login_redirect(path: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/login?terug={}", url_value(path))) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn no_snapshot() -> Response {
    error_page(StatusCode::SERVICE_UNAVAILABLE, NO_SNAPSHOT, None)
}

/// Query-string pairs, in order (repeated keys kept).
pub fn parse_query(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|q| {
        form_urlencoded::parse(q.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    })
    .unwrap_or_default()
}

fn parse_sort(pairs: &[(String, String)]) -> Result<Option<(String, bool)>, String> {
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let Some(column) = get("sorteer") else {
        return Ok(None);
    };
    let ok = !column.is_empty()
        && column.len() <= 64
        && column
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok {
        return Err(format!("sorteer: {column:?} is geen kolomnaam"));
    }
    let descending = match get("richting").unwrap_or("op") {
        "op" => false,
        "af" => true,
        other => return Err(format!("richting: {other:?} is niet op of af")),
    };
    Ok(Some((column.to_string(), descending)))
}

/// The usable dashboard of this name, or why not.
async fn find_dashboard(
    state: &AppState,
    snapshot: &Snapshot,
    name: &str,
    viewer: &Viewer,
) -> Result<Arc<Dashboard>, Refusal> {
    let all = state.dashboards.all(snapshot).await;
    let Some(loaded) = all.iter().find(|d| d.name == name) else {
        return Err(Refusal::new(
            StatusCode::NOT_FOUND,
            format!("Er is geen dashboard {name:?}."),
        ));
    };
    match &loaded.result {
        Ok(d) if d.allows(viewer.role) => Ok(d.clone()),
        Ok(_) => Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "Dit dashboard is niet voor uw rol bedoeld.",
        )),
        Err(problems) => {
            let detail = if viewer.role.sees_full_tables() {
                problems.join("; ")
            } else {
                "de definitie bevat een fout".to_string()
            };
            Err(Refusal::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("Dashboard {name} is niet beschikbaar: {detail}"),
            ))
        }
    }
}

/// Freshness banner: stale snapshot, failed last run, a snapshot that would not load, or (for
/// analysts) a snapshot whose openbaar/ tables are missing. What went wrong, with its paths and
/// messages, is shown to analysts only; everyone else reads that something did.
pub fn banner(state: &AppState, snapshot: &Snapshot, role: Role) -> Option<String> {
    let details = role.sees_full_tables();
    let mut parts = Vec::new();
    if snapshot.is_stale(state.settings.stale_after_hours)
        && let Some(hours) = snapshot.age_hours()
    {
        parts.push(format!(
            "De gegevens zijn verouderd: de getoonde snapshot is {} uur oud (gepubliceerd {}).",
            hours.floor(),
            snapshot.manifest.finished
        ));
    }
    if let Some(status) = RunStatus::read(state.snapshots.out())
        && status.failed_since(&snapshot.manifest.finished)
    {
        let reason = if details {
            format!(": {}", status.melding.unwrap_or_default())
        } else {
            String::new()
        };
        parts.push(format!(
            "De laatste run ({}) is niet gepubliceerd{reason}. U ziet de vorige snapshot.",
            status.tijd,
        ));
    }
    if let Ok(e) = state.snapshots.last_error.read()
        && let Some(e) = e.as_ref()
    {
        let reason = if details {
            format!(" ({e})")
        } else {
            String::new()
        };
        parts.push(format!(
            "Een nieuwe snapshot kon niet worden geladen{reason}; u ziet de vorige."
        ));
    }
    if details && let Some(problem) = snapshot.public_problem() {
        parts.push(format!(
            "Let op: deze snapshot heeft geen geldige openbare tabellen ({problem}); college en bezoekers zien er geen cijfers van."
        ));
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn footer(snapshot: &Snapshot, mode: Mode) -> Markup {
    let mut per_source: std::collections::BTreeMap<&str, &str> = Default::default();
    for f in &snapshot.freshness {
        let e = per_source
            .entry(f.bron.as_str())
            .or_insert(f.laatste_peildatum.as_str());
        if f.laatste_peildatum.as_str() > *e {
            *e = f.laatste_peildatum.as_str();
        }
    }
    let sources: Vec<String> = per_source.iter().map(|(b, d)| format!("{b} {d}")).collect();
    html! {
        p {
            "Gepubliceerd " (snapshot.manifest.finished)
            " · laatste peildatum per bron: " (sources.join(", "))
            @if mode == Mode::Live {
                " · " a href="/over" { "status en bronnen" }
            }
        }
    }
}

/// What the page says above its dashboard for an area: its place in the hierarchy.
fn area_header(snapshot: &Snapshot, code: &str, mode: Mode) -> Markup {
    let Some(area) = snapshot.areas.get(code) else {
        return html! {};
    };
    let live = mode == Mode::Live;
    let parents = [&area.gemeentecode, &area.district_code, &area.regio_code]
        .into_iter()
        .flatten()
        .filter(|p| p.as_str() != code);
    html! {
        p.plaats {
            "niveau " (area.niveau)
            @for parent in parents {
                @let name = snapshot.areas.get(parent).map(|a| a.naam.as_str()).unwrap_or(parent);
                " · "
                @if live { a href={ "/gebied/" (parent) } { (name) } } @else { (name) }
            }
            @if area.niveau == "gemeente" && live {
                " · " a href={ "/college/" (code) } { "samenvatting voor het college" }
            }
            @if matches!(area.niveau.as_str(), "gemeente" | "district") && live {
                " · " a href={ "/jaarevaluatie/" (code) } { "jaarevaluatie" }
            }
        }
    }
}

/// Renders dashboard `name` for a request, after working out who asks.
async fn show(
    state: &AppState,
    headers: &HeaderMap,
    name: &str,
    path_value: Option<String>,
    raw_query: Option<String>,
    path: String,
    mode: Mode,
) -> Response {
    let Some(viewer) = state.viewer(headers) else {
        return login_redirect(&path);
    };
    let request = PageRequest {
        name,
        path_value,
        raw_query,
        path,
        mode,
    };
    match render_page(state, &viewer, request).await {
        Ok((page, run_id)) => cached_html_response(&page, accepts_gzip(headers), &run_id),
        Err(refusal) => refusal.response(Some(&viewer)),
    }
}

/// Which dashboard page is asked for. `path_value` is the route's area code.
struct PageRequest<'a> {
    name: &'a str,
    path_value: Option<String>,
    raw_query: Option<String>,
    path: String,
    mode: Mode,
}

/// Dashboard page for a viewer (from the render cache when it was rendered before), with the
/// run it shows; or why it is not shown.
async fn render_page(
    state: &AppState,
    viewer: &Viewer,
    request: PageRequest<'_>,
) -> Result<(Arc<page::RenderedPage>, String), Refusal> {
    let PageRequest {
        name,
        path_value,
        raw_query,
        path,
        mode,
    } = request;
    let snapshot = state
        .snapshot()
        .ok_or_else(|| Refusal::new(StatusCode::SERVICE_UNAVAILABLE, NO_SNAPSHOT))?;
    snapshot
        .context(viewer.role)
        .map_err(|e| Refusal::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string()))?;
    let d = find_dashboard(state, &snapshot, name, viewer).await?;
    let mut pairs = parse_query(raw_query.as_deref());
    if let (Some(value), Some(param)) = (&path_value, page::path_param(&d)) {
        pairs.retain(|(k, _)| k != param);
        pairs.push((param.to_string(), value.clone()));
    }
    let sort = parse_sort(&pairs).map_err(|e| Refusal::new(StatusCode::BAD_REQUEST, e))?;
    // Only a column a table of this dashboard has: any other would only make a page to cache.
    if let Some((column, _)) = &sort
        && !d.sortable.contains(column)
    {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            format!("sorteer: dit dashboard heeft geen tabel met kolom {column:?}"),
        ));
    }
    let bound = dashboards::bind(&d, &pairs, &snapshot)
        .map_err(|e: ParamError| Refusal::new(e.status(), e.to_string()))?;
    let rc = RenderContext {
        name,
        snapshot: &snapshot,
        role: viewer.role,
        bound: &bound,
        mode,
        sort,
        path,
    };
    let banner = banner(state, &snapshot, viewer.role);
    let user = viewer.user.as_deref().map(|u| (u, viewer.role.name()));
    // The frame around the body depends on the banner and the account, so they are part of the key.
    let key = format!(
        "{}|{banner:?}|{user:?}|{path_value:?}",
        page::RenderCache::key(&d, &rc)
    );
    let rendered = state
        .rendered
        .page(&snapshot.run_id, key, async {
            let body = dashboard_body(&d, &rc, path_value.as_deref()).await;
            let title = match path_value
                .as_deref()
                .and_then(|c| snapshot.areas.get(c).map(|a| (c, a)))
            {
                Some((code, area)) => format!("{}: {} ({code})", d.title, area.naam),
                None => d.title.clone(),
            };
            Page {
                title: &title,
                body,
                banner,
                user,
                run_id: &snapshot.run_id,
                footer: footer(&snapshot, mode),
                mode,
            }
            .render()
        })
        .await;
    Ok((rendered, snapshot.run_id.clone()))
}

/// A dashboard's body on its page: the area's place, the export buttons, and the panels.
async fn dashboard_body(d: &Dashboard, rc: &RenderContext<'_>, path_value: Option<&str>) -> Markup {
    let exportable = (rc.name == "college" || rc.name == "jaarevaluatie") && rc.mode == Mode::Live;
    // The export keeps the chosen period.
    let export = format!(
        "/{}/{}/export{}",
        rc.name,
        path_value.unwrap_or_default(),
        rc.bound
            .get("periode")
            .map(|p| format!("?periode={}", url_value(p)))
            .unwrap_or_default()
    );
    let panels = page::render(d, rc).await;
    html! {
        @if let Some(code) = path_value {
            (area_header(rc.snapshot, code, rc.mode))
        }
        @if exportable {
            p.acties {
                a.knop href=(export) download { "Exporteer als HTML-bestand" }
                " "
                button.knop type="button" id="afdrukken" { "Afdrukken" }
            }
        }
        (panels)
    }
}

/// Whether the request accepts a gzipped answer (`Accept-Encoding: gzip`, not with `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            parts.next().is_some_and(|c| c.eq_ignore_ascii_case("gzip"))
                && parts.all(|p| {
                    !matches!(
                        p.replace(' ', "").as_str(),
                        "q=0" | "q=0.0" | "q=0.00" | "q=0.000"
                    )
                })
        })
}

/// A cached page as a 200 answer, gzipped when the browser accepts that.
fn cached_html_response(page: &page::RenderedPage, gzip: bool, run_id: &str) -> Response {
    let gzipped = page.gzip.as_ref().filter(|_| gzip);
    let body = gzipped.unwrap_or(&page.html).clone();
    let mut response = (StatusCode::OK, body).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if gzipped.is_some() {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    if let Ok(id) = HeaderValue::from_str(run_id) {
        h.insert("x-risicobeeld-run", id);
    }
    response
}

fn checked_code(code: &str, viewer: Option<&Viewer>) -> Result<(), Box<Response>> {
    if dashboards::well_formed_code(code) {
        Ok(())
    } else {
        Err(Box::new(error_page(
            StatusCode::BAD_REQUEST,
            &format!("{code:?} is geen gebiedscode (zoals GM0518, WK051801 of BU05180101)."),
            viewer,
        )))
    }
}

pub async fn explorer(State(state): Shared, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    show(
        &state,
        &headers,
        "verkenner",
        None,
        q,
        "/".into(),
        Mode::Live,
    )
    .await
}

/// A page whose route carries an area code (`/gebied/…`, `/college/…`): the code's shape is
/// checked before anything else.
async fn area_page(
    state: &AppState,
    headers: &HeaderMap,
    dashboard: &str,
    route: &str,
    code: String,
    q: Option<String>,
) -> Response {
    if let Err(r) = checked_code(&code, None) {
        return *r;
    }
    let path = format!("/{route}/{code}");
    show(state, headers, dashboard, Some(code), q, path, Mode::Live).await
}

pub async fn area(
    State(state): Shared,
    Path(code): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    area_page(&state, &headers, "gebied", "gebied", code, q).await
}

pub async fn college(
    State(state): Shared,
    Path(code): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    area_page(&state, &headers, "college", "college", code, q).await
}

pub async fn jaarevaluatie(
    State(state): Shared,
    Path(code): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    area_page(&state, &headers, "jaarevaluatie", "jaarevaluatie", code, q).await
}

pub async fn compare(State(state): Shared, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    show(
        &state,
        &headers,
        "vergelijking",
        None,
        q,
        "/vergelijk".into(),
        Mode::Live,
    )
    .await
}

pub async fn dashboard(
    State(state): Shared,
    Path(name): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if !dashboards::valid_name(&name) {
        return error_page(
            StatusCode::NOT_FOUND,
            "Er is geen dashboard met die naam.",
            None,
        );
    }
    let path = format!("/dashboards/{name}");
    show(&state, &headers, &name, None, q, path, Mode::Live).await
}

pub async fn dashboard_list(State(state): Shared, headers: HeaderMap) -> Response {
    let Some(viewer) = state.viewer(&headers) else {
        return login_redirect("/dashboards");
    };
    let Some(snapshot) = state.snapshot() else {
        return no_snapshot();
    };
    let all = state.dashboards.all(&snapshot).await;
    let details = viewer.role.sees_full_tables();
    let body = html! {
        p {
            "Elk dashboard is een bestand in de map " code { "dashboards/" }
            ": SQL over de gepubliceerde tabellen en een soort grafiek per paneel."
        }
        ul.lijst {
            @for d in all.iter() {
                @match &d.result {
                    Ok(dash) if dash.allows(viewer.role) => {
                        @let needs_area = page::path_param(dash).is_some()
                            || dash.params.iter().any(|p| p.kind == dashboards::ParamKind::Gebieden);
                        li {
                            @if needs_area {
                                (dash.title) " " span.klein { "(via een gebied of vergelijking)" }
                            } @else {
                                a href={ "/dashboards/" (d.name) } { (dash.title) }
                            }
                            " – " (d.name) ".toml"
                        }
                    }
                    Ok(_) => {}
                    Err(problems) => {
                        li.fout {
                            (d.name) ".toml is niet beschikbaar (fout in de definitie)"
                            @if details {
                                ul { @for p in problems { li { (p) } } }
                            }
                        }
                    }
                }
            }
        }
    };
    live_page(&state, &snapshot, &viewer, "Dashboards", body)
}

pub async fn not_found(State(state): Shared, headers: HeaderMap) -> Response {
    let viewer = state.viewer(&headers);
    error_page(
        StatusCode::NOT_FOUND,
        "Deze pagina bestaat niet.",
        viewer.as_ref(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_accept_encoding(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).expect("ascii header value"),
        );
        h
    }

    #[test]
    fn gzip_only_when_the_browser_accepts_it() {
        assert!(accepts_gzip(&with_accept_encoding(
            "gzip, deflate, br, zstd"
        )));
        assert!(accepts_gzip(&with_accept_encoding("br;q=1.0, GZIP;q=0.5")));
        assert!(!accepts_gzip(&with_accept_encoding("gzip;q=0, br")));
        assert!(!accepts_gzip(&with_accept_encoding("gzip; q=0.000")));
        assert!(!accepts_gzip(&with_accept_encoding(
            "identity, x-gzip-like"
        )));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
