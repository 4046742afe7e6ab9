//! HTML routes: the explorer, area, college and comparison pages (each a dashboard from
//! `dashboards/`), any other dashboard, the status page, login and logout, assets, and the error
//! pages (400/403/404 for anything a visitor can type, never a 500).

use std::sync::Arc;

use axum::extract::{Form, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::dashboards::{self, Dashboard, ParamError};
use super::html::{Mode, Page, url_value};
use super::page::{self, RenderContext};
use super::snapshot::{Role, Snapshot};
use super::{AppState, Viewer};
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

pub async fn college_export(
    State(state): Shared,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Response {
    export_page(&state, &headers, "college", code).await
}

pub async fn jaarevaluatie(
    State(state): Shared,
    Path(code): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    area_page(&state, &headers, "jaarevaluatie", "jaarevaluatie", code, q).await
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
    let page = Page {
        title: "Dashboards",
        body,
        banner: banner(&state, &snapshot, viewer.role),
        user: viewer.user.as_deref().map(|u| (u, viewer.role.name())),
        run_id: &snapshot.run_id,
        footer: footer(&snapshot, Mode::Live),
        mode: Mode::Live,
    };
    html_response(StatusCode::OK, page.render(), Some(&snapshot.run_id))
}

/// Status and sources, for people (the cron's view is `/status`).
pub async fn about(State(state): Shared, headers: HeaderMap) -> Response {
    let Some(viewer) = state.viewer(&headers) else {
        return login_redirect("/over");
    };
    let Some(snapshot) = state.snapshot() else {
        return no_snapshot();
    };
    let m = &snapshot.manifest;
    let details = viewer.role.sees_full_tables();
    let status = RunStatus::read(state.snapshots.out());
    let body = html! {
        h2 { "Laatste publicatie" }
        dl {
            dt { "Snapshot" } dd { (m.run_id) }
            dt { "Gestart" } dd { (m.started) }
            dt { "Gepubliceerd" } dd { (m.finished) }
            dt { "Versie" } dd { (m.tool_version) }
            dt { "Periode-indeling" } dd { (m.grain) }
        }
        @if let Some(status) = &status {
            h2 { "Laatste run" }
            p {
                (status.tijd) ": " (status.status.word())
                // The run's message can name files and paths: for analysts only.
                @if let Some(melding) = status.melding.as_ref().filter(|_| details) {
                    " – " (melding)
                }
            }
        }
        (sources_table(&m.inputs, details))
        p {
            a href="/dashboards/kwaliteit" { "Kwaliteit van de levering per gemeente" }
            " · " a href="/status" { "status als JSON" }
        }
    };
    let page = Page {
        title: "Status en bronnen",
        body,
        banner: banner(&state, &snapshot, viewer.role),
        user: viewer.user.as_deref().map(|u| (u, viewer.role.name())),
        run_id: &snapshot.run_id,
        footer: footer(&snapshot, Mode::Live),
        mode: Mode::Live,
    };
    html_response(StatusCode::OK, page.render(), Some(&snapshot.run_id))
}

/// The inputs of the run: per file for analysts, per source for everyone else (file names are
/// the data team's business, not the public's).
fn sources_table(inputs: &[risicobeeld_snapshot::manifest::InputEntry], per_file: bool) -> Markup {
    let mut rows: Vec<(String, String, u64, u64)> = Vec::new();
    for i in inputs {
        let file = if per_file {
            i.bestand.clone()
        } else {
            String::new()
        };
        match rows.iter_mut().find(|r| r.0 == i.bron && r.1 == file) {
            Some(r) => {
                r.2 += i.rows_read;
                r.3 += i.rows_quarantined;
            }
            None => rows.push((i.bron.clone(), file, i.rows_read, i.rows_quarantined)),
        }
    }
    let caption = if per_file {
        "Ingelezen bestanden"
    } else {
        "Ingelezen bronnen"
    };
    html! {
        h2 { "Bronnen" }
        div.tabel {
            table {
                caption { (caption) }
                thead {
                    tr {
                        th scope="col" { "bron" }
                        @if per_file { th scope="col" { "bestand" } }
                        th scope="col" { "rijen" }
                        th scope="col" { "in quarantaine" }
                    }
                }
                tbody {
                    @for (bron, file, read, quarantined) in &rows {
                        tr {
                            td { (bron) }
                            @if per_file { td { (file) } }
                            td.getal { (read) }
                            td.getal { (quarantined) }
                        }
                    }
                }
            }
        }
    }
}

/// Where a login returns to: only a path on this site — one `/` then visible ASCII, no
/// backslash, no second `/` at the start, no whitespace or control character anywhere (a
/// browser drops a tab or a newline, so `/\t/evil.example/` would take it to another host),
/// no scheme — else the overview.
pub fn safe_return(path: Option<&str>) -> String {
    let same_site = |p: &str| {
        let mut chars = p.chars();
        chars.next() == Some('/')
            && !matches!(chars.next(), Some('/' | '\\'))
            && p.chars().all(|c| c.is_ascii_graphic() && c != '\\')
    };
    match path {
        Some(p) if same_site(p) => p.to_string(),
        _ => "/".to_string(),
    }
}

fn login_body(message: Option<&str>, terug: &str) -> Markup {
    html! {
        @if let Some(m) = message {
            p.melding role="alert" { (m) }
        }
        form.login method="post" action="/login" {
            input type="hidden" name="terug" value=(terug);
            label for="naam" { "Naam" }
            input id="naam" name="naam" autocomplete="username" required;
            label for="wachtwoord" { "Wachtwoord" }
            input id="wachtwoord" name="wachtwoord" type="password" autocomplete="current-password" required;
            button type="submit" { "Aanmelden" }
        }
    }
}

pub async fn login_form(State(state): Shared, RawQuery(q): RawQuery) -> Response {
    let pairs = parse_query(q.as_deref());
    let terug = safe_return(
        pairs
            .iter()
            .find(|(k, _)| k == "terug")
            .map(|(_, v)| v.as_str()),
    );
    let note = state
        .users()
        .users
        .is_empty()
        .then_some("Er zijn geen accounts ingesteld: iedereen ziet de openbare gegevens.");
    simple_page(StatusCode::OK, "Aanmelden", login_body(note, &terug), None)
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    naam: String,
    wachtwoord: String,
    terug: Option<String>,
}

pub async fn login(
    State(state): Shared,
    extensions: axum::http::Extensions,
    Form(form): Form<LoginForm>,
) -> Response {
    let terug = safe_return(form.terug.as_deref());
    let name = form.naam.trim().to_lowercase();
    // The client's address, when the server was started with it (`serve` is; a test router
    // without it throttles by name only).
    let address = extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let Some(attempt) = state.sessions.begin_attempt(&name, address) else {
        let mut r = simple_page(
            StatusCode::TOO_MANY_REQUESTS,
            "Aanmelden",
            login_body(
                Some("Te veel mislukte pogingen; probeer het over een kwartier opnieuw."),
                &terug,
            ),
            None,
        );
        r.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(super::auth::lockout_seconds()),
        );
        return r;
    };
    // A few password checks at a time: a burst of logins waits briefly, then gets 429.
    let Ok(Ok(_permit)) = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        state.password_checks.acquire(),
    )
    .await
    else {
        state.sessions.not_tried(&attempt);
        let mut r = simple_page(
            StatusCode::TOO_MANY_REQUESTS,
            "Aanmelden",
            login_body(Some("Het is nu te druk; probeer het zo opnieuw."), &terug),
            None,
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        return r;
    };
    let users = state.users();
    let check_name = name.clone();
    let role = tokio::task::spawn_blocking(move || users.verify(&check_name, &form.wachtwoord))
        .await
        .ok()
        .flatten();
    match role {
        Some(role) => {
            state.sessions.succeeded(&attempt);
            let token = state.sessions.create(&name, role);
            let mut r = StatusCode::SEE_OTHER.into_response();
            let h = r.headers_mut();
            let cookie = super::auth::session_cookie(&token, state.settings.secure_cookie);
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                h.insert(header::SET_COOKIE, v);
            }
            if let Ok(v) = HeaderValue::from_str(&terug) {
                h.insert(header::LOCATION, v);
            }
            r
        }
        None => simple_page(
            StatusCode::UNAUTHORIZED,
            "Aanmelden",
            login_body(Some("Onjuiste naam of wachtwoord."), &terug),
            None,
        ),
    }
}

pub async fn logout(State(state): Shared, headers: HeaderMap) -> Response {
    for c in headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
    {
        if let Some(t) = super::auth::token_from_cookie(c) {
            state.sessions.end(t);
        }
    }
    let mut r = StatusCode::SEE_OTHER.into_response();
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&super::auth::expired_cookie(state.settings.secure_cookie))
    {
        h.insert(header::SET_COOKIE, v);
    }
    h.insert(header::LOCATION, HeaderValue::from_static("/"));
    r
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

pub async fn style() -> Response {
    asset("text/css; charset=utf-8", super::html::STYLE)
}

pub async fn script() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("assets/app.js"),
    )
}

pub async fn favicon() -> Response {
    asset("image/svg+xml", include_str!("assets/favicon.svg"))
}

pub async fn not_found(State(state): Shared, headers: HeaderMap) -> Response {
    let viewer = state.viewer(&headers);
    error_page(
        StatusCode::NOT_FOUND,
        "Deze pagina bestaat niet.",
        viewer.as_ref(),
    )
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
