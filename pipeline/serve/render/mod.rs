//! A dashboard rendered for one request: run each panel's SQL with the bound parameters in the
//! role's context, and turn the result into its chart kind, a data-table alternative and a
//! lineage line (tables, query, run id) with downloads.

use std::collections::BTreeMap;
use std::time::Duration;

use datafusion::arrow::array::RecordBatch;
use maud::{Markup, html};

use super::charts::{self, Series};
use super::dashboards::{Bound, ChartKind, Dashboard, PanelSpec, ParamKind, WEERGAVEN, tables_in};
use super::frame::{Cell, Frame};
use super::funnel_plot;
use super::html::{HIDDEN_MARK, Mode, TableOptions, query_string, show, table};
use super::indicators;
use super::map;
use super::markdown;
use super::snapshot::{Onderdeel, Role, Snapshot};

pub const PANEL_TIMEOUT: Duration = Duration::from_secs(20);

mod cache;

pub use cache::{RenderCache, RenderedPage};

/// Runs one panel's query for a role.
pub async fn run_panel(
    snapshot: &Snapshot,
    role: Role,
    sql: &str,
    bound: &Bound,
) -> Result<Vec<RecordBatch>, String> {
    let ctx = snapshot.context(role).map_err(|e| e.to_string())?;
    let work = async {
        let df = ctx.sql(sql).await.map_err(|e| e.to_string())?;
        let df = df
            .with_param_values(bound.param_values())
            .map_err(|e| e.to_string())?;
        df.collect().await.map_err(|e| e.to_string())
    };
    tokio::time::timeout(PANEL_TIMEOUT, work)
        .await
        .map_err(|_| format!("query took longer than {} s", PANEL_TIMEOUT.as_secs()))?
}

/// What the renderer needs besides the dashboard.
pub struct RenderContext<'a> {
    pub name: &'a str,
    pub snapshot: &'a Snapshot,
    pub role: Role,
    pub bound: &'a Bound,
    pub mode: Mode,
    /// Sort of table panels: column and descending.
    pub sort: Option<(String, bool)>,
    /// The path the form submits to (the page's own route).
    pub path: String,
}

/// The body of a dashboard page.
pub async fn render(d: &Dashboard, rc: &RenderContext<'_>) -> Markup {
    let mut panels = Vec::with_capacity(d.panels.len());
    let mut i = 0;
    while i < d.panels.len() {
        let panel = &d.panels[i];
        if panel.repeat {
            // A run of repeated panels: the sections, each with its part bound.
            let run = d.panels[i..].iter().take_while(|p| p.repeat).count();
            if let Some(param) = &d.sections {
                for (n, part) in rc.snapshot.onderdelen.iter().enumerate() {
                    panels.push(
                        render_section(n + 1, part, param, i, &d.panels[i..i + run], rc).await,
                    );
                }
            }
            i += run;
            continue;
        }
        if panel.shown_to(rc.role) {
            panels.extend(render_panel(i, panel, rc, None).await);
        }
        i += 1;
    }
    let min_count = rc.snapshot.min_count;
    html! {
        @if let Some(desc) = &d.description {
            p.intro { (desc) }
        }
        @if d.disclaimer {
            p.let-op {
                strong { "Let op:" }
                " een hoge score is een patroon om nader te bekijken, geen bewijs over een adres, persoon of bedrijf."
            }
        }
        @if !rc.role.sees_full_tables() {
            p.openbaar {
                "U ziet de openbare gegevens. " (HIDDEN_MARK) ": niet getoond ter bescherming van \
                 kleine aantallen (minder dan " (min_count) " personen, of een cijfer waaruit zo'n \
                 aantal te berekenen is; dat kan ook een groot cijfer zijn)."
            }
        }
        @if rc.mode == Mode::Live {
            (pickers(d, rc))
        }
        @if let Some(ind) = rc.bound.get("indicator") {
            (indicators::describe(ind, rc.snapshot))
        }
        @for panel in panels {
            (panel)
        }
    }
}

/// The options of a picker: (value, label).
fn picker_options(kind: &ParamKind, snapshot: &Snapshot) -> Vec<(String, String)> {
    let same = |n: &String| (n.clone(), n.clone());
    match kind {
        ParamKind::Niveau => snapshot.niveaus.iter().map(same).collect(),
        ParamKind::Periode => snapshot.periods.iter().rev().map(same).collect(),
        ParamKind::Indicator => snapshot
            .indicators
            .iter()
            .map(|n| (n.clone(), indicators::label(n).to_string()))
            .collect(),
        ParamKind::Evaluatieperiode => snapshot
            .evaluation_periods
            .iter()
            .map(|n| (n.clone(), evaluation_period_label(n)))
            .collect(),
        ParamKind::Weergave => WEERGAVEN
            .iter()
            .map(|(w, label)| (w.to_string(), label.to_string()))
            .collect(),
        _ => Vec::new(),
    }
}

fn pickers(d: &Dashboard, rc: &RenderContext<'_>) -> Markup {
    let pickers: Vec<_> = d.params.iter().filter(|p| p.picker).collect();
    if pickers.is_empty() {
        return html! {};
    }
    // Parameters without a picker travel along so the state stays in the URL.
    let hidden =
        rc.bound.values.iter().filter(|(k, v)| {
            !pickers.iter().any(|p| &p.name == k) && !rc.path.contains(v.as_str())
        });
    html! {
        form.kiezers method="get" action=(rc.path) aria-label="Keuzes" {
            @for (k, v) in hidden {
                input type="hidden" name=(k) value=(v);
            }
            @for p in &pickers {
                @let current = rc.bound.get(&p.name).unwrap_or_default();
                @let id = format!("kies-{}", p.name);
                label for=(id) { (p.label.as_deref().unwrap_or(&p.name)) }
                select id=(id) name=(p.name) {
                    @for (value, label) in picker_options(&p.kind, rc.snapshot) {
                        option value=(value) selected[value == current] { (label) }
                    }
                }
            }
            button type="submit" { "Toon" }
        }
    }
}

fn fmt_for() -> impl Fn(&Cell) -> String {
    show
}

/// Distinct values of a column in order of first appearance.
fn distinct_in_order(frame: &Frame, column: usize) -> Vec<String> {
    let mut seen = Vec::new();
    for row in &frame.rows {
        let v = row[column].text();
        if !seen.contains(&v) {
            seen.push(v);
        }
    }
    seen
}

/// Categories along `x` and one series per `y` column, or per value of `series`.
fn series_of(frame: &Frame, panel: &PanelSpec) -> (Vec<String>, Vec<Series>) {
    let f = &panel.fields;
    let Some(x) = f.x.as_deref().and_then(|x| frame.column(x)) else {
        return (Vec::new(), Vec::new());
    };
    let categories: Vec<String> = distinct_in_order(frame, x);
    let position = |row: &Vec<Cell>| categories.iter().position(|c| *c == row[x].text());
    // The columns of series k: value, interval ends and mark (each may be absent).
    let columns = |k: usize, y: usize| SeriesColumns {
        y,
        low: f.low.get(k).and_then(|c| frame.column(c)),
        high: f.high.get(k).and_then(|c| frame.column(c)),
        mark: f.mark.get(k).and_then(|c| frame.column(c)),
    };
    if let Some(s) = f.series.as_deref().and_then(|s| frame.column(s)) {
        let Some(y) = f.y.first().and_then(|y| frame.column(y)) else {
            return (categories, Vec::new());
        };
        let names = distinct_in_order(frame, s);
        let series = names
            .into_iter()
            .map(|name| {
                let rows = frame.rows.iter().filter(|r| r[s].text() == name);
                columns(0, y).fill(name.clone(), categories.len(), rows, &position)
            })
            .collect();
        return (categories, series);
    }
    let series =
        f.y.iter()
            .enumerate()
            .filter_map(|(k, y)| frame.column(y).map(|i| (k, y, i)))
            .map(|(k, name, yi)| {
                columns(k, yi).fill(
                    name.replace('_', " "),
                    categories.len(),
                    frame.rows.iter(),
                    &position,
                )
            })
            .collect();
    (categories, series)
}

/// Where one series' numbers are in a frame's rows.
struct SeriesColumns {
    y: usize,
    low: Option<usize>,
    high: Option<usize>,
    mark: Option<usize>,
}

impl SeriesColumns {
    fn fill<'r>(
        &self,
        name: String,
        n: usize,
        rows: impl Iterator<Item = &'r Vec<Cell>>,
        position: &dyn Fn(&Vec<Cell>) -> Option<usize>,
    ) -> Series {
        let mut series = Series::new(name, vec![Cell::Null; n]);
        if self.low.is_some() && self.high.is_some() {
            series.low = vec![Cell::Null; n];
            series.high = vec![Cell::Null; n];
        }
        if self.mark.is_some() {
            series.marks = vec![None; n];
        }
        for row in rows {
            let Some(i) = position(row) else { continue };
            series.values[i] = row[self.y].clone();
            if let (Some(l), Some(h)) = (self.low, self.high) {
                series.low[i] = row[l].clone();
                series.high[i] = row[h].clone();
            }
            if let Some(m) = self.mark {
                series.marks[i] = Some(row[m].text()).filter(|t| !t.is_empty() && t != "nee");
            }
        }
        series
    }
}

fn chart(panel: &PanelSpec, frame: &Frame, rc: &RenderContext<'_>) -> Markup {
    let format = fmt_for();
    let f = &panel.fields;
    match panel.kind {
        ChartKind::Line => {
            let (categories, series) = series_of(frame, panel);
            charts::line(&panel.title, &categories, &series, &format)
        }
        ChartKind::Bar => {
            let (categories, series) = series_of(frame, panel);
            let categories: Vec<String> = categories
                .iter()
                .map(|c| indicators::label(c).to_string())
                .collect();
            charts::bar(&panel.title, &categories, &series, &format)
        }
        ChartKind::StackedBar => {
            let (categories, series) = series_of(frame, panel);
            charts::stacked_bar(&panel.title, &categories, &series, &format)
        }
        ChartKind::Funnel => {
            let (categories, series) = series_of(frame, panel);
            let values = series
                .into_iter()
                .next()
                .map(|s| s.values)
                .unwrap_or_default();
            let stages: Vec<String> = categories
                .iter()
                .map(|c| indicators::phase_label(c))
                .collect();
            charts::funnel(&panel.title, &stages, &values, &format)
        }
        ChartKind::Kpi => {
            let col = |n: &Option<String>| n.as_deref().and_then(|n| frame.column(n));
            let (label, value, change) = (col(&f.label), col(&f.value), col(&f.change));
            let significant = col(&f.significant);
            let tiles: Vec<charts::KpiTile> = frame
                .rows
                .iter()
                .map(|r| charts::KpiTile {
                    label: label.map(|i| r[i].text()).unwrap_or_default(),
                    value: value.map(|i| r[i].clone()).unwrap_or(Cell::Null),
                    change: change.map(|i| r[i].clone()),
                    significant: significant.and_then(|i| r[i].boolean()),
                })
                .collect();
            charts::kpi(&tiles, &format)
        }
        ChartKind::Map => {
            let col = |n: &Option<String>| n.as_deref().and_then(|n| frame.column(n));
            let (Some(code), Some(value)) = (col(&f.code), col(&f.value)) else {
                return html! {};
            };
            let values: BTreeMap<String, Cell> = frame
                .rows
                .iter()
                .map(|r| (r[code].text(), r[value].clone()))
                .collect();
            let niveau = values
                .keys()
                .find_map(|c| rc.snapshot.areas.get(c))
                .map(|a| a.niveau.clone())
                .or_else(|| rc.bound.get("niveau").map(str::to_string))
                .unwrap_or_default();
            let classes: BTreeMap<String, String> = col(&f.class)
                .map(|class| {
                    frame
                        .rows
                        .iter()
                        .filter(|r| matches!(r[class], Cell::Text(_)))
                        .map(|r| (r[code].text(), r[class].text()))
                        .collect()
                })
                .unwrap_or_default();
            if classes.is_empty() {
                map::choropleth(
                    &rc.snapshot.shapes,
                    &niveau,
                    &values,
                    &panel.title,
                    rc.mode == Mode::Live,
                    &format,
                )
            } else {
                map::comparison_map(
                    &rc.snapshot.shapes,
                    &niveau,
                    &classes,
                    &panel.title,
                    rc.mode == Mode::Live,
                )
            }
        }
        ChartKind::FunnelPlot => funnel_plot_of(panel, frame, rc),
        ChartKind::Text => {
            let Some(text) = f.text.as_deref().and_then(|t| frame.column(t)) else {
                return html! {};
            };
            html! {
                @for row in &frame.rows {
                    (markdown::render(&row[text].text()))
                }
            }
        }
        ChartKind::Table => table(
            frame,
            &TableOptions {
                caption: &panel.title,
                link_column: f.link.as_deref(),
                sort: Some((
                    query_string(&rc.bound.values_without_path(&rc.path)),
                    rc.sort.as_ref().map(|s| s.0.clone()),
                    rc.sort.as_ref().is_some_and(|s| s.1),
                )),
                select_column: if rc.mode == Mode::Live {
                    f.select.as_deref()
                } else {
                    None
                },
                links: rc.mode == Mode::Live,
            },
        ),
    }
}

/// One section (a part of the evaluation): its title and description, then its panels with
/// the part bound as `$param` (those of another part's `only_in` left out). `first` is the
/// index of the first of `panels` in the dashboard.
async fn render_section(
    number: usize,
    part: &Onderdeel,
    param: &str,
    first: usize,
    panels: &[PanelSpec],
    rc: &RenderContext<'_>,
) -> Markup {
    let bound = rc.bound.with(param, &part.code);
    let inner = RenderContext {
        name: rc.name,
        snapshot: rc.snapshot,
        role: rc.role,
        bound: &bound,
        mode: rc.mode,
        sort: rc.sort.clone(),
        path: rc.path.clone(),
    };
    let mut shown = Vec::new();
    for (k, panel) in panels.iter().enumerate() {
        let here = panel.only_in.as_ref().is_none_or(|v| *v == part.code);
        if here && panel.shown_to(rc.role) {
            shown.extend(render_panel(first + k, panel, &inner, Some(&part.code)).await);
        }
    }
    let heading = format!("onderdeel-{}", part.code);
    html! {
        section.onderdeel aria-labelledby=(heading) {
            h2 id=(heading) { (number) ". " (part.titel) }
            @if !part.omschrijving.is_empty() {
                p.toelichting { (part.omschrijving) }
            }
            @if shown.is_empty() {
                p.leeg { "Geen gegevens voor dit onderdeel in deze periode." }
            }
            @for p in shown {
                (p)
            }
        }
    }
}

/// One panel; `None` for a panel that says something only when its query finds rows
/// (`hide_when_empty`) and found none. In a section (`section`: its part) the panel is a
/// level lower (`h3`) and its id names the part.
async fn render_panel(
    index: usize,
    panel: &PanelSpec,
    rc: &RenderContext<'_>,
    section: Option<&str>,
) -> Option<Markup> {
    let content = match run_panel(rc.snapshot, rc.role, &panel.sql, rc.bound).await {
        Err(e) => {
            let failure =
                super::error::Internal::logged(&format!("panel {index} of {}", rc.name), e);
            html! {
                p.fout {
                    "Dit paneel kon niet worden berekend (referentie " (failure.reference)
                    "); de beheerder vindt de oorzaak in het logboek."
                }
            }
        }
        Ok(batches) => {
            let mut frame = Frame::from_batches(&batches);
            if frame.rows.is_empty() && panel.hide_when_empty {
                return None;
            } else if frame.rows.is_empty() {
                html! { p.leeg { "Geen gegevens voor deze keuze." } }
            } else {
                if panel.kind == ChartKind::Table
                    && let Some((col, desc)) = &rc.sort
                    && let Some(i) = frame.column(col)
                {
                    frame.sort_by(i, *desc);
                }
                panel_body(panel, &frame, rc)
            }
        }
    };
    let heading = match section {
        None => format!("paneel-{index}"),
        Some(part) => format!("paneel-{index}-{part}"),
    };
    Some(html! {
        section class={ "paneel paneel-" (kind_class(panel.kind)) } aria-labelledby=(heading) {
            @if section.is_some() {
                h3 id=(heading) { (panel.title) }
            } @else {
                h2 id=(heading) { (panel.title) }
            }
            @if let Some(d) = &panel.description {
                p.toelichting { (d) }
            }
            (content)
            (lineage(index, panel, rc))
        }
    })
}

/// A chart's data as a table, folded away under the chart (its text alternative).
fn as_table(frame: &Frame, caption: &str) -> Markup {
    let options = TableOptions {
        caption,
        link_column: None,
        sort: None,
        select_column: None,
        links: false,
    };
    html! {
        details.als-tabel {
            summary { "Gegevens als tabel" }
            (table(frame, &options))
        }
    }
}

fn panel_body(panel: &PanelSpec, frame: &Frame, rc: &RenderContext<'_>) -> Markup {
    match (&panel.fields.facet, panel.kind) {
        (Some(facet), ChartKind::Line | ChartKind::Bar | ChartKind::StackedBar) => {
            let Some(fi) = frame.column(facet) else {
                return html! {};
            };
            html! {
                div.facetten {
                    @for value in distinct_in_order(frame, fi) {
                        @let sub = Frame {
                            columns: frame.columns.clone(),
                            rows: frame.rows.iter().filter(|r| r[fi].text() == value).cloned().collect(),
                        };
                        @let title = indicators::label(&value);
                        @let one = PanelSpec { title: format!("{} – {title}", panel.title), ..panel.clone() };
                        div.facet {
                            h3 { (title) }
                            (chart(&one, &sub, rc))
                            (as_table(&sub, &one.title))
                        }
                    }
                }
            }
        }
        (_, ChartKind::Table) => selectable(panel, frame, rc),
        // Words are their own text alternative.
        (_, ChartKind::Text) => chart(panel, frame, rc),
        (_, ChartKind::Funnel) => html! {
            (chart(panel, frame, rc))
            (as_table(&with_phase_labels(panel, frame), &panel.title))
        },
        _ => html! {
            (chart(panel, frame, rc))
            (as_table(frame, &panel.title))
        },
    }
}

/// A funnel's rows with each stage (`x`) labelled as on the chart (`2. weging`), for its table.
fn with_phase_labels(panel: &PanelSpec, frame: &Frame) -> Frame {
    let x = panel.fields.x.as_deref().and_then(|x| frame.column(x));
    let rows = frame
        .rows
        .iter()
        .map(|row| {
            let mut row = row.clone();
            if let Some(cell) = x.and_then(|i| row.get_mut(i)) {
                *cell = Cell::Text(indicators::phase_label(&cell.text()));
            }
            row
        })
        .collect();
    Frame {
        columns: frame.columns.clone(),
        rows,
    }
}

/// A table with area tick boxes is a form that opens the comparison.
fn selectable(panel: &PanelSpec, frame: &Frame, rc: &RenderContext<'_>) -> Markup {
    let inner = chart(panel, frame, rc);
    if panel.fields.select.is_some() && rc.mode == Mode::Live {
        html! {
            form method="get" action="/vergelijk" {
                @if let Some(p) = rc.bound.get("periode") {
                    input type="hidden" name="periode" value=(p);
                }
                (inner)
                button type="submit" { "Vergelijk aangevinkte gebieden (2 tot 8)" }
            }
        }
    } else {
        inner
    }
}

/// A funnel plot from a panel's rows: one dot per row; the target, scale and distribution are
/// read from the first row that has them (they are the same on every row).
fn funnel_plot_of(panel: &PanelSpec, frame: &Frame, rc: &RenderContext<'_>) -> Markup {
    let f = &panel.fields;
    let col = |n: &Option<String>| n.as_deref().and_then(|n| frame.column(n));
    let (Some(code), Some(value), Some(denominator)) =
        (col(&f.code), col(&f.value), col(&f.denominator))
    else {
        return html! {};
    };
    let first = |c: Option<usize>, get: &dyn Fn(&Cell) -> Option<String>| {
        c.and_then(|i| frame.rows.iter().find_map(|r| get(&r[i])))
    };
    let number = |c: &Cell| c.number().map(|v| v.to_string());
    let target = first(col(&f.target), &number).and_then(|v| v.parse().ok());
    let scale = first(col(&f.scale), &number).and_then(|v| v.parse().ok());
    let distribution = first(col(&f.distribution), &|c: &Cell| Some(c.text()))
        .and_then(|d| funnel_plot::Distribution::parse(&d));
    let label = col(&f.label);
    let mark = f.mark.first().and_then(|m| frame.column(m));
    let dots: Vec<funnel_plot::Dot> = frame
        .rows
        .iter()
        .filter_map(|r| {
            Some(funnel_plot::Dot {
                code: r[code].text(),
                name: label.map_or_else(|| r[code].text(), |l| r[l].text()),
                rate: r[value].number()?,
                denominator: r[denominator].number()?,
                highlighted: mark.is_some_and(|m| r[m].boolean() == Some(true)),
            })
        })
        .collect();
    match (target, scale, distribution) {
        (Some(target), Some(scale), Some(distribution)) => funnel_plot::funnel_plot(
            &panel.title,
            &dots,
            target,
            scale,
            distribution,
            rc.mode == Mode::Live,
        ),
        _ => funnel_plot::funnel_plot(
            &panel.title,
            &[],
            0.0,
            0.0,
            funnel_plot::Distribution::Poisson,
            false,
        ),
    }
}

fn kind_class(kind: ChartKind) -> &'static str {
    match kind {
        ChartKind::Kpi => "kpi",
        ChartKind::Line => "lijn",
        ChartKind::Bar => "staaf",
        ChartKind::StackedBar => "gestapeld",
        ChartKind::Map => "kaart",
        ChartKind::Table => "tabel",
        ChartKind::Funnel => "trechter",
        ChartKind::FunnelPlot => "trechterplot",
        ChartKind::Text => "tekst",
    }
}

fn lineage(index: usize, panel: &PanelSpec, rc: &RenderContext<'_>) -> Markup {
    let prefix = if rc.role.sees_full_tables() {
        ""
    } else {
        "openbaar/"
    };
    let names: Vec<String> = tables_in(&panel.sql)
        .iter()
        .map(|t| format!("{prefix}{t}"))
        .collect();
    let q = query_string(&rc.bound.values);
    let sep = if q.is_empty() { "" } else { "&" };
    let download = |format: &str| {
        format!(
            "/dashboards/{}/paneel/{}?{q}{sep}format={format}",
            rc.name,
            index + 1
        )
    };
    html! {
        div.herkomst {
            p {
                "Bron: " (names.join(", ")) " · snapshot " span.run-id { (rc.snapshot.run_id) }
                " · dashboard " (rc.name) ".toml"
            }
            @if rc.mode == Mode::Live {
                p {
                    "Download: " a href=(download("csv")) { "CSV" }
                    " · " a href=(download("xlsx")) { "Excel (.xlsx)" }
                    " · " a href=(download("parquet")) { "Parquet" }
                }
            }
            details {
                summary { "Query" }
                pre { (panel.sql.trim()) }
            }
        }
    }
}

impl Bound {
    /// The same values with `name` set to `value` (a section's part).
    pub fn with(&self, name: &str, value: &str) -> Bound {
        let mut out = self.clone();
        out.values.retain(|(k, _)| k != name);
        out.values.push((name.to_string(), value.to_string()));
        out.scalars.insert(
            name.to_string(),
            datafusion::scalar::ScalarValue::Utf8(Some(value.to_string())),
        );
        out
    }

    /// The values that are not already part of the path (for links back to the same page).
    pub fn values_without_path(&self, path: &str) -> Vec<(String, String)> {
        self.values
            .iter()
            .filter(|(_, v)| !path.ends_with(&format!("/{v}")))
            .cloned()
            .collect()
    }
}

/// The one dashboard parameter that comes from the route path, if any.
pub fn path_param(d: &Dashboard) -> Option<&str> {
    d.params
        .iter()
        .find(|p| matches!(p.kind, ParamKind::Gebiedscode | ParamKind::Gemeentecode))
        .map(|p| p.name.as_str())
}

/// `2024` → "2024 (heel jaar)", `2024-H1` → "2024, eerste halfjaar".
fn evaluation_period_label(period: &str) -> String {
    match period.split_once("-H") {
        Some((year, "1")) => format!("{year}, eerste halfjaar"),
        Some((year, _)) => format!("{year}, tweede halfjaar"),
        None => format!("{period} (heel jaar)"),
    }
}
