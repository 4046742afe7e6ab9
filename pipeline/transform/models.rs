//! The SQL models of `queries/`, one per table, as dbt-style templates: a model that does the
//! same for every indicator (intervals, the regio comparison, smoothing, z-scores, the test of a
//! change) loops over the indicator registry (`risicobeeld_snapshot::indicators`) instead of
//! spelling each indicator out, so an indicator is declared once. `risicobeeld sql MODEL`
//! prints a model as it runs. Models run in the order of the names they mention.

use std::collections::{BTreeMap, BTreeSet};

use risicobeeld_snapshot::indicators::{INDICATORS, Indicator, Kind};
use risicobeeld_snapshot::vocabulary::{NIVEAUS, SLACHTOFFERDIMENSIES, signal_form_columns};
use serde_json::{Value, json};

use super::TransformError;

/// The SQL models, by name (the file stem in `queries/`), as templates.
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
    (
        "signalen_bronnen",
        include_str!("../../queries/signalen_bronnen.sql"),
    ),
    (
        "slachtoffers",
        include_str!("../../queries/slachtoffers.sql"),
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
    ("onderdelen", include_str!("../../queries/onderdelen.sql")),
    ("acties", include_str!("../../queries/acties.sql")),
    ("bevindingen", include_str!("../../queries/bevindingen.sql")),
    ("kwaliteit", include_str!("../../queries/kwaliteit.sql")),
    (
        "kwaliteit_openbaar",
        include_str!("../../queries/kwaliteit_openbaar.sql"),
    ),
    ("indicatoren", include_str!("../../queries/indicatoren.sql")),
];

/// The macros the models share (`{% import "macros.sql" as m %}`): not a model.
const MACROS: &str = include_str!("../../queries/macros.sql");

/// One model as it runs: its name and its rendered SQL.
#[derive(Debug, Clone)]
pub struct Model {
    pub name: &'static str,
    pub sql: String,
}

/// A number as a SQL double literal (`100.0`), never an integer one (`100` would make
/// `100 * count / n` integer arithmetic).
fn double(v: f64) -> String {
    format!("{v:.1}")
}

/// What a template sees of one indicator.
fn indicator(i: &Indicator) -> Value {
    json!({
        "naam": i.name,
        "label": i.label,
        "eenheid": i.unit,
        "soort": i.kind.name(),
        "telling": i.count,
        "noemer": i.denominator.map(|d| d.column),
        "noemer_van": i.denominator.map(|d| d.of),
        "schaal": double(i.scale),
        // Proportions get Wilson's interval, rates the exact Poisson one (statistics.md).
        "interval": if i.kind == Kind::Proportion { "wilson" } else { "poisson" },
        "persoonsaantal": i.person_count,
        "evaluatie_onderdeel": i.evaluation.map(|e| e.part),
        "evaluatie_volgorde": i.evaluation.map(|e| e.position),
        "structureel": i.structural,
        // The levels it exists on, where that is not every level (`None`: all of them).
        "niveaus": (i.levels.len() < NIVEAUS.len()).then_some(i.levels),
    })
}

/// The registry as the templates see it, in lists for the loops they make.
fn context() -> Value {
    context_over(&|_| true)
}

/// `context`, with only the indicators `over` takes in its loops.
fn context_over(over: &dyn Fn(&Indicator) -> bool) -> Value {
    let all = |keep: &dyn Fn(&Indicator) -> bool| -> Vec<Value> {
        INDICATORS
            .iter()
            .filter(|i| over(i) && keep(i))
            .map(indicator)
            .collect()
    };
    // The ratios' statistics columns: the proportions first, then the rates.
    let mut statistiek = all(&|i| i.kind == Kind::Proportion);
    statistiek.extend(all(&|i| i.kind == Kind::Rate));
    // The denominators a ratio divides by that are masked by its count.
    let noemers: Vec<Value> = INDICATORS
        .iter()
        .filter(|i| over(i))
        .filter_map(|i| {
            let d = i.denominator?;
            (d.column != d.of).then(|| json!({"naam": d.column, "van": d.of, "telling": i.count}))
        })
        .collect();
    json!({
        "indicatoren": all(&|_| true),
        "tellingen": all(&|i| i.kind == Kind::Count),
        "verhoudingen": all(&|i| i.kind.is_ratio()),
        "statistiek": statistiek,
        "score": all(&|i| i.score_weight.is_some()),
        "structureel": all(&|i| i.structural.is_some()),
        "trends": all(&|i| i.in_trends),
        "stand": all(&|i| i.evaluation.is_some_and(|e| e.part == "risicobeeld")),
        "signaalvormen": all(&|i| i.evaluation.is_some_and(|e| e.part == "signalering")),
        "noemers": noemers,
        "vormkolommen": signal_form_columns(),
        // The victims' breakdowns (each an input column), after the total.
        "slachtofferindelingen": SLACHTOFFERDIMENSIES
            .iter()
            .map(|d| d.naam)
            .filter(|d| *d != "totaal")
            .collect::<Vec<_>>(),
    })
}

/// Renders one model's template.
fn render_template(name: &str, template: &str, context: &Value) -> Result<String, TransformError> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    let err = |e: minijinja::Error| TransformError::Template {
        model: name.to_string(),
        message: e.to_string(),
    };
    env.add_template("macros.sql", MACROS).map_err(err)?;
    env.add_template(name, template).map_err(err)?;
    let template = env.get_template(name).map_err(err)?;
    template
        .render(minijinja::Value::from_serialize(context))
        .map_err(err)
}

/// Every model, rendered.
pub fn rendered() -> Result<Vec<Model>, TransformError> {
    let context = context();
    MODELS
        .iter()
        .map(|(name, template)| {
            Ok(Model {
                name,
                sql: render_template(name, template, &context)?,
            })
        })
        .collect()
}

/// One model rendered over a part of the registry: its loops over indicators take only those
/// `over` takes (the published trends rerun only for the indicators disclosure can change).
pub fn rendered_over(
    name: &str,
    over: &dyn Fn(&Indicator) -> bool,
) -> Result<Model, TransformError> {
    let (name, template) = MODELS
        .iter()
        .find(|(model, _)| *model == name)
        .ok_or_else(|| TransformError::UnknownModel(name.to_string()))?;
    Ok(Model {
        name,
        sql: render_template(name, template, &context_over(over))?,
    })
}

/// One model's SQL as it runs (`risicobeeld sql MODEL`).
pub fn render(name: &str) -> Result<String, TransformError> {
    rendered()?
        .into_iter()
        .find(|m| m.name == name)
        .map(|m| m.sql)
        .ok_or_else(|| TransformError::UnknownModel(name.to_string()))
}

/// The words of a model's SQL (outside `--` comments) that are among `names`.
pub(super) fn names_in<'a>(sql: &str, names: &BTreeSet<&'a str>) -> BTreeSet<&'a str> {
    sql.lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .flat_map(|l| l.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
        .filter_map(|w| names.get(w).copied())
        .collect()
}

/// The models, rendered, in an order where each comes after the models its SQL names.
pub fn model_order() -> Result<Vec<Model>, TransformError> {
    let models = rendered()?;
    let names: BTreeSet<&str> = models.iter().map(|m| m.name).collect();
    let deps: BTreeMap<&str, BTreeSet<&str>> = models
        .iter()
        .map(|m| {
            let mut words = names_in(&m.sql, &names);
            words.remove(m.name);
            (m.name, words)
        })
        .collect();
    let mut done: Vec<Model> = Vec::new();
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    while done.len() < models.len() {
        let ready: Vec<&Model> = models
            .iter()
            .filter(|m| !placed.contains(m.name) && deps[m.name].iter().all(|d| placed.contains(d)))
            .collect();
        if ready.is_empty() {
            let left: Vec<&str> = names
                .iter()
                .filter(|n| !placed.contains(*n))
                .copied()
                .collect();
            return Err(TransformError::Cycle(left.join(", ")));
        }
        for m in ready {
            placed.insert(m.name);
            done.push(m.clone());
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_renders_and_names_no_undefined_value() {
        for m in rendered().expect("every template renders") {
            assert!(!m.sql.contains("{{") && !m.sql.contains("{%"), "{}", m.name);
        }
    }

    #[test]
    fn a_scale_is_a_double_literal() {
        assert_eq!(double(100.0), "100.0");
        assert_eq!(double(10000.0), "10000.0");
        let ratios = render("int_gebied_ratios").expect("renders");
        assert!(ratios.contains("100.0 * leeg_aantal"), "{ratios}");
    }

    #[test]
    fn models_run_after_what_they_read() {
        let order: Vec<&str> = model_order()
            .expect("no cycle")
            .into_iter()
            .map(|m| m.name)
            .collect();
        let pos = |n: &str| order.iter().position(|m| *m == n).expect("listed");
        assert!(pos("int_gekozen_peildata") < pos("int_leegstand"));
        assert!(pos("int_dekking") < pos("int_signalen"));
        assert!(pos("int_gebied_tellingen") < pos("int_gebied_ratios"));
        assert!(pos("int_gebied_ratios") < pos("gebied_indicatoren"));
        assert!(pos("gebied_indicatoren") < pos("trends"));
    }
}
