//! Dashboards as data: the TOML files in `dashboards/` (title, audience, parameters, panels of
//! SQL + chart kind + field bindings), loaded and checked against the served snapshot. A broken
//! file is reported and left out; the others keep serving. The bundled files are compiled in,
//! and a file of the same name in the dashboards directory replaces its bundled one.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use datafusion::common::ParamValues;
use datafusion::scalar::ScalarValue;
use serde::Deserialize;

use super::snapshot::{Role, Snapshot};

/// The bundled dashboards (also in the repository's `dashboards/`).
pub const BUNDLED: [(&str, &str); 6] = [
    ("verkenner", include_str!("../../dashboards/verkenner.toml")),
    ("gebied", include_str!("../../dashboards/gebied.toml")),
    ("college", include_str!("../../dashboards/college.toml")),
    (
        "vergelijking",
        include_str!("../../dashboards/vergelijking.toml"),
    ),
    ("kwaliteit", include_str!("../../dashboards/kwaliteit.toml")),
    (
        "jaarevaluatie",
        include_str!("../../dashboards/jaarevaluatie.toml"),
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    Kpi,
    Line,
    Bar,
    StackedBar,
    Map,
    Table,
    Funnel,
    /// Spiegelhalter's funnel plot of one rate over the areas of a level (not the signal funnel).
    FunnelPlot,
    /// Text in words: each row's `text` column as Markdown (the evaluation's findings, a
    /// summary sentence), raw HTML shown as text.
    Text,
}

/// What a parameter may hold; every kind is checked against the snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamKind {
    Niveau,
    Periode,
    Indicator,
    Gebiedscode,
    Gemeentecode,
    /// Two to eight area codes (`?gebied=…&gebied=…`), bound as `$gebied_1` … `$gebied_8`.
    Gebieden,
    /// How a rate is shown: one of `WEERGAVEN` (the rate as counted, the smoothed estimate, or
    /// the comparison with the regio).
    Weergave,
    /// A period of the yearly evaluation: a year (`2024`) or half-year (`2024-H1`) of the
    /// table `evaluatie`; by default the latest year.
    Evaluatieperiode,
    /// A part of the yearly evaluation (a code of the table `onderdelen`): the parameter a
    /// dashboard's `sections` repeat their panels over; by default the first part.
    Onderdeel,
}

/// The values of a `weergave` parameter, with their labels.
pub const WEERGAVEN: [(&str, &str); 3] = [
    ("ruw", "ruw (zoals geteld)"),
    (
        "gladgemaakt",
        "gladgemaakt (kleine gebieden naar het gemiddelde)",
    ),
    ("vergelijking", "vergelijking met de regio"),
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamSpec {
    pub name: String,
    pub kind: ParamKind,
    #[serde(default)]
    pub label: Option<String>,
    /// Default value; for `periode`, the latest period when absent.
    #[serde(default)]
    pub default: Option<String>,
    /// Shown as a picker in the page's form.
    #[serde(default)]
    pub picker: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fields {
    pub x: Option<String>,
    #[serde(default)]
    pub y: Vec<String>,
    /// Line and bar: the lower and upper ends of the interval of `y[k]` (drawn as whiskers),
    /// in the order of `y` (fewer than `y`: the rest have none).
    #[serde(default)]
    pub low: Vec<String>,
    #[serde(default)]
    pub high: Vec<String>,
    /// Line: a text column per `y[k]`; a point with a text is circled, the text its tooltip
    /// (the reason it is *opvallend*).
    #[serde(default)]
    pub mark: Vec<String>,
    pub series: Option<String>,
    pub facet: Option<String>,
    pub code: Option<String>,
    pub label: Option<String>,
    pub value: Option<String>,
    pub change: Option<String>,
    /// Kpi: a boolean column, true when the change is more than chance (`trends.opvallend`);
    /// false words it "gelijk gebleven (binnen de marge)", null "niet getoetst". Without this
    /// field a change is never called a rise or a fall.
    pub significant: Option<String>,
    /// Map: a column of comparison classes (`hoger`, `gelijk`, `lager`); where any row has one,
    /// the map shows the classes (by pattern as well as colour) instead of the value.
    pub class: Option<String>,
    /// Funnel plot: each area's denominator, the regio rate (same scale as `value`), the
    /// scale (100, 1000, 10000) and the distribution of the count (`binomiaal`, `poisson`).
    pub denominator: Option<String>,
    pub target: Option<String>,
    pub scale: Option<String>,
    pub distribution: Option<String>,
    /// Table: the column whose values link to their area page.
    pub link: Option<String>,
    /// Table: a column of area codes to tick for a comparison.
    pub select: Option<String>,
    /// Text: the column of Markdown to show.
    pub text: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PanelSpec {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Who sees this panel, when not everyone the dashboard is for (a panel of input file
    /// names and examples is for analysts only).
    #[serde(default)]
    pub audience: Option<Vec<Role>>,
    pub kind: ChartKind,
    pub sql: String,
    #[serde(default)]
    pub fields: Fields,
    /// Leave the panel out when its query finds no rows: a panel that says something only
    /// when it holds (the college's blind-spot sentence).
    #[serde(default)]
    pub hide_when_empty: bool,
    /// Repeated once per section (each part of the evaluation), with the dashboard's
    /// `sections` parameter bound to that section. A run of consecutive repeated panels makes
    /// the sections, in the place of the run.
    #[serde(default)]
    pub repeat: bool,
    /// A repeated panel shown only in the section of this value (the signal sources under
    /// `signalering`).
    #[serde(default)]
    pub only_in: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dashboard {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    pub audience: Vec<Role>,
    /// Show the standard caution that a high score is a pattern, not evidence.
    #[serde(default)]
    pub disclaimer: bool,
    #[serde(default)]
    pub params: Vec<ParamSpec>,
    #[serde(default)]
    pub panels: Vec<PanelSpec>,
    /// The parameter (of kind `onderdeel`) whose values make the sections that `repeat`
    /// panels are repeated in: one section per part of the evaluation, titled and described
    /// from the table `onderdelen`.
    #[serde(default)]
    pub sections: Option<String>,
    /// The columns its table panels may be sorted on (`?sorteer=`), found when it is checked.
    #[serde(skip)]
    pub sortable: Vec<String>,
}

impl Dashboard {
    pub fn allows(&self, role: Role) -> bool {
        self.audience.contains(&role) || role == Role::Analist
    }
}

impl PanelSpec {
    /// Does `role` see this panel (its own audience, else the dashboard's)? A panel's own
    /// audience is exact: a panel for the public view only (one that an analyst sees in a fuller
    /// form beside it) is left out for analysts.
    pub fn shown_to(&self, role: Role) -> bool {
        self.audience.as_ref().is_none_or(|a| a.contains(&role))
    }
}

/// One dashboard file as loaded: usable, or broken with the reasons.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub name: String,
    pub source: String,
    pub result: Result<Arc<Dashboard>, Vec<String>>,
}

/// Parses and checks one dashboard file against a snapshot.
pub async fn load_one(name: &str, source: &str, text: &str, snapshot: &Snapshot) -> Loaded {
    let result = match toml::from_str::<Dashboard>(text) {
        Err(e) => Err(vec![format!("{source}: {}", e.message())]),
        Ok(mut d) => {
            let (problems, sortable) = check(&d, snapshot).await;
            d.sortable = sortable;
            if problems.is_empty() {
                Ok(Arc::new(d))
            } else {
                Err(problems
                    .into_iter()
                    .map(|p| format!("{source}: {p}"))
                    .collect())
            }
        }
    };
    Loaded {
        name: name.to_string(),
        source: source.to_string(),
        result,
    }
}

fn required_fields(kind: ChartKind) -> &'static [&'static str] {
    match kind {
        ChartKind::Kpi => &["label", "value"],
        ChartKind::Line | ChartKind::Bar => &["x", "y"],
        ChartKind::StackedBar => &["x", "series", "y"],
        ChartKind::Map => &["code", "value"],
        ChartKind::Table => &[],
        ChartKind::Funnel => &["x", "y"],
        ChartKind::Text => &["text"],
        ChartKind::FunnelPlot => &[
            "code",
            "value",
            "denominator",
            "target",
            "scale",
            "distribution",
        ],
    }
}

fn field_columns(f: &Fields) -> Vec<(&'static str, &String)> {
    let mut out = Vec::new();
    let single = [
        ("x", &f.x),
        ("series", &f.series),
        ("facet", &f.facet),
        ("code", &f.code),
        ("label", &f.label),
        ("value", &f.value),
        ("change", &f.change),
        ("significant", &f.significant),
        ("class", &f.class),
        ("denominator", &f.denominator),
        ("target", &f.target),
        ("scale", &f.scale),
        ("distribution", &f.distribution),
        ("link", &f.link),
        ("select", &f.select),
        ("text", &f.text),
    ];
    for (k, v) in single {
        if let Some(v) = v {
            out.push((k, v));
        }
    }
    out.extend(f.y.iter().map(|y| ("y", y)));
    out.extend(f.low.iter().map(|c| ("low", c)));
    out.extend(f.high.iter().map(|c| ("high", c)));
    out.extend(f.mark.iter().map(|c| ("mark", c)));
    out
}

/// Every problem of a dashboard: names, parameters, and each panel's SQL planned against the
/// snapshot with its bound columns present; and the columns of its table panels (what
/// `?sorteer=` may name).
async fn check(d: &Dashboard, snapshot: &Snapshot) -> (Vec<String>, Vec<String>) {
    let mut problems = Vec::new();
    let mut sortable = Vec::new();
    if d.audience.is_empty() {
        problems.push("audience is empty: name at least one of analist, college, anoniem".into());
    }
    let ctx = snapshot.analyst_context();
    let bound = bound_names(d);
    match &d.sections {
        Some(name)
            if !d
                .params
                .iter()
                .any(|p| &p.name == name && p.kind == ParamKind::Onderdeel) =>
        {
            problems.push(format!(
                "sections = {name:?} is not a parameter of kind onderdeel of this dashboard"
            ));
        }
        None if d.panels.iter().any(|p| p.repeat || p.only_in.is_some()) => {
            problems
                .push("a panel has repeat or only_in, but the dashboard names no sections".into());
        }
        _ => {}
    }
    for (i, p) in d.panels.iter().enumerate() {
        let at = format!("panel {} ({:?})", i + 1, p.title);
        if p.only_in.is_some() && !p.repeat {
            problems.push(format!(
                "{at}: only_in is for a repeated panel (repeat = true)"
            ));
        }
        for name in placeholders(&p.sql) {
            if !bound.contains(&name) {
                problems.push(format!(
                    "{at}: ${name} is not a parameter of this dashboard (it binds {})",
                    bound.join(", ")
                ));
            }
        }
        for needed in required_fields(p.kind) {
            let present = field_columns(&p.fields).iter().any(|(k, _)| k == needed);
            if !present {
                problems.push(format!("{at}: kind {:?} needs fields.{needed}", p.kind));
            }
        }
        // A panel that non-analysts see must plan on the openbaar/ tables as well (which lack
        // some columns of the full ones, such as kwaliteit's file names).
        let public_roles = d
            .audience
            .iter()
            .any(|r| *r != Role::Analist && p.shown_to(*r));
        if public_roles
            && let Ok(public) = snapshot.context(Role::Anoniem)
            && let Err(e) = public.state().create_logical_plan(&p.sql).await
        {
            problems.push(format!(
                "{at}: SQL does not plan on the openbaar tables (give the panel audience = [\"analist\"] if it is for analysts only): {}",
                first_line(&e.to_string())
            ));
        }
        match ctx.state().create_logical_plan(&p.sql).await {
            Err(e) => problems.push(format!(
                "{at}: SQL does not plan: {}",
                first_line(&e.to_string())
            )),
            Ok(plan) => {
                let schema = plan.schema();
                if p.kind == ChartKind::Table {
                    sortable.extend(schema.fields().iter().map(|f| f.name().clone()));
                }
                for (k, col) in field_columns(&p.fields) {
                    if !schema.fields().iter().any(|f| f.name() == col) {
                        problems.push(format!(
                            "{at}: fields.{k} = {col:?} is not a column of the query"
                        ));
                    }
                }
                if let Err(e) = super::snapshot::read_only().verify_plan(&plan) {
                    problems.push(format!(
                        "{at}: the SQL must be one SELECT query ({})",
                        first_line(&e.to_string())
                    ));
                }
            }
        }
    }
    sortable.sort();
    sortable.dedup();
    (problems, sortable)
}

/// The parameters a dashboard binds: its own, and those `bind` derives from them.
fn bound_names(d: &Dashboard) -> Vec<String> {
    let mut names = vec![
        "laatste_periode".to_string(),
        "laatste_halfjaar".to_string(),
        "laatste_jaar".to_string(),
    ];
    for p in &d.params {
        match p.kind {
            ParamKind::Gebieden => names.extend((1..=8).map(|i| format!("{}_{i}", p.name))),
            ParamKind::Periode => names.extend([p.name.clone(), "vorig_jaar".into()]),
            ParamKind::Gebiedscode | ParamKind::Gemeentecode => names.extend(
                [
                    p.name.as_str(),
                    "district_code",
                    "regio_code",
                    "gebiedsnaam",
                    "gebied_niveau",
                    "gemeente_van_gebied",
                ]
                .map(str::to_string),
            ),
            _ => names.push(p.name.clone()),
        }
    }
    names
}

/// The `$name` placeholders of a query (outside quoted text and `--` comments).
fn placeholders(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in sql.lines() {
        let code = line.split("--").next().unwrap_or_default();
        let mut quoted = false;
        for (i, c) in code.char_indices() {
            match c {
                '\'' => quoted = !quoted,
                '$' if !quoted => {
                    let name: String = code[i + 1..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        out.push(name);
                    }
                }
                _ => {}
            }
        }
    }
    out
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_string()
}

/// The tables a query reads, for lineage.
pub fn tables_in(sql: &str) -> Vec<&'static str> {
    let words: Vec<&str> = sql
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .collect();
    risicobeeld_snapshot::TABLES
        .iter()
        .copied()
        .filter(|t| words.contains(t))
        .collect()
}

/// A dashboard file's name, modification time and size.
type FileStamp = (String, SystemTime, u64);

/// The loaded dashboards, for these files and this snapshot's run id.
type Cached = (Vec<FileStamp>, String, Arc<Vec<Loaded>>);

/// Runs whose checked dashboards are kept: while a newly published run is taken up, requests on
/// the previous one keep theirs instead of each run's requests checking all dashboards anew.
const CACHED_RUNS: usize = 3;

/// Loads dashboards again when a file or the snapshot changed.
pub struct DashboardStore {
    dir: PathBuf,
    /// The most recently used last.
    cache: Mutex<std::collections::VecDeque<Cached>>,
}

impl DashboardStore {
    pub fn new(dir: &Path) -> DashboardStore {
        DashboardStore {
            dir: dir.to_path_buf(),
            cache: Mutex::new(Default::default()),
        }
    }

    fn fingerprint(&self) -> Vec<FileStamp> {
        let mut files: Vec<FileStamp> = std::fs::read_dir(&self.dir)
            .map(|rd| {
                rd.flatten()
                    .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
                    .filter_map(|e| {
                        let m = e.metadata().ok()?;
                        Some((
                            e.file_name().to_string_lossy().to_string(),
                            m.modified().ok()?,
                            m.len(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    }

    /// All dashboards for this snapshot, in name order.
    pub async fn all(&self, snapshot: &Snapshot) -> Arc<Vec<Loaded>> {
        let print = self.fingerprint();
        if let Ok(mut cache) = self.cache.lock()
            && let Some(at) = cache
                .iter()
                .position(|(p, run, _)| *p == print && *run == snapshot.run_id)
            && let Some(hit) = cache.remove(at)
        {
            let loaded = hit.2.clone();
            cache.push_back(hit);
            return loaded;
        }
        let mut sources: BTreeMap<String, (String, String)> = BUNDLED
            .iter()
            .map(|(n, t)| {
                (
                    n.to_string(),
                    (format!("(bundled) {n}.toml"), t.to_string()),
                )
            })
            .collect();
        for (file, _, _) in &print {
            let path = self.dir.join(file);
            let name = file.trim_end_matches(".toml").to_string();
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    sources.insert(name, (path.display().to_string(), text));
                }
                Err(e) => {
                    sources.insert(name, (path.display().to_string(), format!("\u{0}{e}")));
                }
            }
        }
        let mut loaded = Vec::new();
        for (name, (source, text)) in sources {
            let one = if let Some(err) = text.strip_prefix('\u{0}') {
                Loaded {
                    name: name.clone(),
                    source: source.clone(),
                    result: Err(vec![format!("{source}: cannot read: {err}")]),
                }
            } else if !valid_name(&name) {
                Loaded {
                    name: name.clone(),
                    source: source.clone(),
                    result: Err(vec![format!(
                        "{source}: a dashboard file name may hold only a-z, 0-9, - and _"
                    )]),
                }
            } else {
                load_one(&name, &source, &text, snapshot).await
            };
            if let Err(problems) = &one.result {
                for p in problems {
                    tracing::error!("dashboard {name} left out: {p}");
                }
            }
            loaded.push(one);
        }
        let loaded = Arc::new(loaded);
        if let Ok(mut cache) = self.cache.lock() {
            // Another version of the files, or a run no longer kept: out.
            cache.retain(|(p, run, _)| *p == print && *run != snapshot.run_id);
            while cache.len() >= CACHED_RUNS {
                cache.pop_front();
            }
            cache.push_back((print, snapshot.run_id.clone(), loaded.clone()));
        }
        loaded
    }
}

pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// A parameter value that does not fit the snapshot.
#[derive(Debug, thiserror::Error)]
pub enum ParamError {
    #[error("parameter {name}: {value:?} is geen geldige {what}")]
    Malformed {
        name: String,
        value: String,
        what: &'static str,
    },
    #[error("parameter {name}: {value:?} komt in deze snapshot niet voor")]
    Unknown { name: String, value: String },
    #[error("parameter {0} ontbreekt")]
    Missing(String),
}

impl ParamError {
    /// 404 for a well-formed value the snapshot does not have, 400 for everything else.
    pub fn status(&self) -> axum::http::StatusCode {
        match self {
            ParamError::Unknown { .. } => axum::http::StatusCode::NOT_FOUND,
            _ => axum::http::StatusCode::BAD_REQUEST,
        }
    }
}

/// The shape of an area code (CBS) or of a district/regio code from `districten.csv`.
pub fn well_formed_code(code: &str) -> bool {
    risicobeeld_snapshot::codes::is_safe_code(code)
}

fn gemeentecode_shape(code: &str) -> bool {
    code.len() == 6 && code.starts_with("GM") && code[2..].chars().all(|c| c.is_ascii_digit())
}

/// Parameters checked against the snapshot and ready to bind.
#[derive(Debug, Clone, Default)]
pub struct Bound {
    /// The values as the page's URL carries them.
    pub values: Vec<(String, String)>,
    /// Everything a query may use (`$name`).
    pub scalars: HashMap<String, ScalarValue>,
}

impl Bound {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn param_values(&self) -> ParamValues {
        ParamValues::from(self.scalars.clone())
    }
}

use risicobeeld_snapshot::vocabulary::{complete_evaluation_periods, year_before};

/// Checks `query` against the dashboard's parameters and the snapshot.
pub fn bind(
    d: &Dashboard,
    query: &[(String, String)],
    snapshot: &Snapshot,
) -> Result<Bound, ParamError> {
    let mut bound = Bound::default();
    let text = |v: &str| ScalarValue::Utf8(Some(v.to_string()));
    if let Some(p) = snapshot.latest_period() {
        bound.scalars.insert("laatste_periode".into(), text(p));
        // The college's rhythm: the latest complete half-year and year of the evaluation.
        if let Some((half, year)) = complete_evaluation_periods(p) {
            bound.scalars.insert("laatste_halfjaar".into(), text(&half));
            bound.scalars.insert("laatste_jaar".into(), text(&year));
        }
    }
    for spec in &d.params {
        let given: Vec<&str> = query
            .iter()
            .filter(|(k, _)| *k == spec.name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
            .collect();
        if spec.kind == ParamKind::Gebieden {
            bind_areas(spec, &given, snapshot, &mut bound)?;
            continue;
        }
        let value = match (given.first(), &spec.default) {
            (Some(v), _) => v.to_string(),
            (None, Some(d)) => d.clone(),
            (None, None) if spec.kind == ParamKind::Periode => snapshot
                .latest_period()
                .map(str::to_string)
                .ok_or_else(|| ParamError::Missing(spec.name.clone()))?,
            (None, None) if spec.kind == ParamKind::Evaluatieperiode => snapshot
                .latest_evaluation_year()
                .map(str::to_string)
                .ok_or_else(|| ParamError::Missing(spec.name.clone()))?,
            (None, None) if spec.kind == ParamKind::Onderdeel => snapshot
                .onderdelen
                .first()
                .map(|o| o.code.clone())
                .ok_or_else(|| ParamError::Missing(spec.name.clone()))?,
            (None, None) => return Err(ParamError::Missing(spec.name.clone())),
        };
        check_value(spec, &value, snapshot)?;
        bound.scalars.insert(spec.name.clone(), text(&value));
        match spec.kind {
            ParamKind::Periode => {
                if let Some(y) = year_before(&value) {
                    bound.scalars.insert("vorig_jaar".into(), text(&y));
                }
            }
            ParamKind::Gebiedscode | ParamKind::Gemeentecode => {
                if let Some(area) = snapshot.areas.get(&value) {
                    let parent = |v: &Option<String>| text(v.as_deref().unwrap_or(""));
                    bound
                        .scalars
                        .insert("district_code".into(), parent(&area.district_code));
                    bound
                        .scalars
                        .insert("regio_code".into(), parent(&area.regio_code));
                    bound.scalars.insert("gebiedsnaam".into(), text(&area.naam));
                    bound
                        .scalars
                        .insert("gebied_niveau".into(), text(&area.niveau));
                    let gemeente = if area.niveau == "gemeente" {
                        Some(value.clone())
                    } else {
                        area.gemeentecode.clone()
                    };
                    bound
                        .scalars
                        .insert("gemeente_van_gebied".into(), parent(&gemeente));
                }
            }
            _ => {}
        }
        bound.values.push((spec.name.clone(), value));
    }
    Ok(bound)
}

fn bind_areas(
    spec: &ParamSpec,
    given: &[&str],
    snapshot: &Snapshot,
    bound: &mut Bound,
) -> Result<(), ParamError> {
    if given.len() < 2 || given.len() > 8 {
        return Err(ParamError::Malformed {
            name: spec.name.clone(),
            value: given.join(","),
            what: "keuze van twee tot acht gebieden",
        });
    }
    for (i, code) in given.iter().enumerate() {
        if !well_formed_code(code) {
            return Err(ParamError::Malformed {
                name: spec.name.clone(),
                value: code.to_string(),
                what: "gebiedscode",
            });
        }
        if !snapshot.areas.contains_key(*code) {
            return Err(ParamError::Unknown {
                name: spec.name.clone(),
                value: code.to_string(),
            });
        }
        bound.values.push((spec.name.clone(), code.to_string()));
        bound.scalars.insert(
            format!("{}_{}", spec.name, i + 1),
            ScalarValue::Utf8(Some(code.to_string())),
        );
    }
    for i in given.len()..8 {
        bound.scalars.insert(
            format!("{}_{}", spec.name, i + 1),
            ScalarValue::Utf8(Some(String::new())),
        );
    }
    Ok(())
}

fn check_value(spec: &ParamSpec, value: &str, snapshot: &Snapshot) -> Result<(), ParamError> {
    check_param(&spec.name, spec.kind, value, snapshot)
}

/// Checks one parameter value for shape, then for presence in the snapshot.
pub fn check_param(
    name: &str,
    kind: ParamKind,
    value: &str,
    snapshot: &Snapshot,
) -> Result<(), ParamError> {
    let unknown = || ParamError::Unknown {
        name: name.to_string(),
        value: value.to_string(),
    };
    let malformed = |what| ParamError::Malformed {
        name: name.to_string(),
        value: value.to_string(),
        what,
    };
    match kind {
        ParamKind::Niveau => {
            if !super::snapshot::NIVEAUS.contains(&value) {
                return Err(malformed("niveau (buurt, wijk, gemeente, district, regio)"));
            }
            if !snapshot.niveaus.iter().any(|n| n == value) {
                return Err(unknown());
            }
        }
        ParamKind::Periode => {
            if value.len() > 10 || !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                return Err(malformed("periode (2024-Q1, 2024-03, 2024)"));
            }
            if !snapshot.periods.iter().any(|p| p == value) {
                return Err(unknown());
            }
        }
        ParamKind::Indicator => {
            if !value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(malformed("indicatornaam"));
            }
            if !snapshot.indicators.iter().any(|p| p == value) {
                return Err(unknown());
            }
        }
        ParamKind::Gebiedscode => {
            if !well_formed_code(value) {
                return Err(malformed("gebiedscode"));
            }
            if !snapshot.areas.contains_key(value) {
                return Err(unknown());
            }
        }
        ParamKind::Gemeentecode => {
            if !gemeentecode_shape(value) {
                return Err(malformed("gemeentecode (GM en vier cijfers)"));
            }
            if snapshot
                .areas
                .get(value)
                .is_none_or(|a| a.niveau != "gemeente")
            {
                return Err(unknown());
            }
        }
        ParamKind::Gebieden => {}
        ParamKind::Evaluatieperiode => {
            if value.len() > 7
                || !value
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '-' || c == 'H')
            {
                return Err(malformed("jaar of halfjaar (2024, 2024-H1)"));
            }
            if !snapshot.evaluation_periods.iter().any(|p| p == value) {
                return Err(unknown());
            }
        }
        ParamKind::Onderdeel => {
            if !snapshot.onderdelen.iter().any(|o| o.code == value) {
                return Err(unknown());
            }
        }
        ParamKind::Weergave => {
            if !WEERGAVEN.iter().any(|(w, _)| *w == value) {
                return Err(malformed("weergave (ruw, gladgemaakt, vergelijking)"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_dashboards_parse() {
        for (name, text) in BUNDLED {
            let d: Dashboard = toml::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!d.panels.is_empty(), "{name}");
            for p in &d.panels {
                for needed in required_fields(p.kind) {
                    assert!(
                        field_columns(&p.fields).iter().any(|(k, _)| k == needed),
                        "{name}: {} needs {needed}",
                        p.title
                    );
                }
            }
        }
    }

    #[test]
    fn lineage_names_the_tables_a_query_reads() {
        assert_eq!(
            tables_in("SELECT * FROM trends t JOIN gebied_indicatoren g ON t.x = g.x"),
            vec!["gebied_indicatoren", "trends"]
        );
    }

    #[test]
    fn codes_and_periods_are_checked_for_shape() {
        assert!(well_formed_code("BU05180101"));
        assert!(well_formed_code("RIEC-DH"));
        assert!(!well_formed_code("../etc/passwd"));
        assert!(!well_formed_code("GM0518' OR 1=1"));
        assert!(gemeentecode_shape("GM0518"));
        assert!(!gemeentecode_shape("GM05181"));
        assert_eq!(year_before("2024-Q3").as_deref(), Some("2023-Q3"));
        assert_eq!(year_before("2024").as_deref(), Some("2023"));
    }

    #[test]
    fn file_names_are_restricted() {
        assert!(valid_name("mijn-dashboard_2"));
        assert!(!valid_name("Mijn dashboard"));
        assert!(!valid_name(""));
    }

    #[test]
    fn placeholders_are_found_outside_text_and_comments() {
        let sql = "SELECT '$niet' AS x -- $ook_niet\nFROM t WHERE a = $gemeentecode AND p = $laatste_periode";
        assert_eq!(placeholders(sql), ["gemeentecode", "laatste_periode"]);
    }
}
