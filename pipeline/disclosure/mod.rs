//! Disclosure control (outputs.md §4): makes the `openbaar/` copy of every table, in which no
//! person count from 1 to `min_count − 1` can be seen or worked out. Primary and secondary
//! suppression on a cell system of the sensitive counts and their relations, an LP audit before
//! publishing, and the `openbaar` tables rebuilt by the same SQL models over suppressed inputs.

pub mod audit;
mod bounds;
pub mod cells;
mod evaluation;
mod forced;
mod part;
pub mod protect;
mod rings;
mod signals;
mod trends;
mod unhide;
mod victims;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, BooleanArray, Int64Array, RecordBatch, StringArray,
};
use datafusion::arrow::compute::{cast, concat_batches, nullif};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use rayon::prelude::*;

pub use audit::{Exposure, Protection, audit};
pub use cells::CellSystem;
pub use protect::protect;

use crate::transform::{OutputTable, TransformError, rendered_over, run_models, run_rendered};
use risicobeeld_snapshot::vocabulary::signal_form_columns;
pub(crate) use signals::fase_label;
use signals::{add_bronnen, add_fasen, bron_label, fase_labels, years_only};
use victims::{add_slachtoffers, slachtoffer_labels};

pub use risicobeeld_snapshot::tables::{
    BOUNDING, EVALUATIE_SENSITIVE, changed_by_disclosure, controlled, flag_name, sensitive,
    small_values,
};

/// The ratios of the registry made from `count`: null wherever it is hidden.
fn derived_from(count: &str) -> impl Iterator<Item = &'static str> + '_ {
    risicobeeld_snapshot::indicators::ratios()
        .filter(move |r| r.count == Some(count))
        .map(|r| r.name)
}

#[derive(Debug, thiserror::Error)]
pub enum DisclosureError {
    #[error("{0} is missing")]
    Shape(String),
    #[error("{0}")]
    Arrow(#[from] datafusion::arrow::error::ArrowError),
    #[error(transparent)]
    Transform(#[from] TransformError),
    #[error("disclosure audit: {0}")]
    Audit(String),
    #[error("the openbaar tables fail the audit: {count} cells can be worked out, e.g. {first}")]
    Exposed { count: usize, first: String },
    #[error(transparent)]
    Read(#[from] risicobeeld_snapshot::tables::ReadError),
    #[error("the openbaar trends stopped: {0}")]
    Task(String),
}

/// (gemeente, period) → the signal forms with a row in `signalen_fasen`.
type FormsOf = BTreeMap<(String, String), Vec<String>>;

/// What disclosure control did, for the run's report: the cells and how many were hidden, why.
pub type Summary = cells::Counts;

fn concat(table: &OutputTable) -> Result<RecordBatch, DisclosureError> {
    Ok(concat_batches(&table.schema, &table.batches)?)
}

/// A column cast to `to` (published files from other writers may use string views or int32).
fn column_as(batch: &RecordBatch, name: &str, to: &DataType) -> Result<ArrayRef, DisclosureError> {
    let column = batch
        .column_by_name(name)
        .ok_or_else(|| DisclosureError::Shape(format!("column {name}")))?;
    Ok(cast(column, to)?)
}

pub(crate) fn strings(
    batch: &RecordBatch,
    name: &str,
) -> Result<Vec<Option<String>>, DisclosureError> {
    let column = column_as(batch, name, &DataType::Utf8)?;
    let a = column
        .as_any()
        .downcast_ref::<StringArray>()
        .ok_or_else(|| DisclosureError::Shape(name.into()))?;
    Ok(a.iter().map(|v| v.map(str::to_string)).collect())
}

pub(crate) fn ints(batch: &RecordBatch, name: &str) -> Result<Vec<Option<i64>>, DisclosureError> {
    let column = column_as(batch, name, &DataType::Int64)?;
    let a = column
        .as_any()
        .downcast_ref::<Int64Array>()
        .ok_or_else(|| DisclosureError::Shape(name.into()))?;
    Ok(a.iter().collect())
}

/// The column's flag (`flag_name`), or all false when the table has no flags (the full tables).
pub(crate) fn flags(batch: &RecordBatch, column: &str) -> Vec<bool> {
    let name = flag_name(column);
    batch
        .column_by_name(&name)
        .and_then(|c| {
            c.as_any()
                .downcast_ref::<BooleanArray>()
                .map(|a| a.iter().map(|v| v == Some(true)).collect())
        })
        .unwrap_or_else(|| vec![false; batch.num_rows()])
}

pub(crate) fn gebied_label(niveau: &str, code: &str, periode: &str, column: &str) -> String {
    let mut label = String::new();
    write_gebied_label(&mut label, niveau, code, periode, column);
    label
}

/// `gebied_label` written at the end of `label` (to look up many without a string each).
pub(crate) fn write_gebied_label(
    label: &mut String,
    niveau: &str,
    code: &str,
    periode: &str,
    column: &str,
) {
    for part in ["gebied_indicatoren", niveau, code, periode] {
        label.push_str(part);
        label.push(' ');
    }
    label.push_str(column);
}

/// The parent area of a row of gebied_indicatoren, and whether parent = Σ children exactly.
fn parent_of(
    niveau: &str,
    code: &str,
    gemeente: Option<&str>,
    district: Option<&str>,
    regio: Option<&str>,
) -> Option<(&'static str, String, bool)> {
    match niveau {
        "buurt" => code.get(2..8).map(|w| ("wijk", format!("WK{w}"), false)),
        "wijk" => gemeente.map(|g| ("gemeente", g.to_string(), false)),
        "gemeente" => district.map(|d| ("district", d.to_string(), true)),
        "district" => regio.map(|r| ("regio", r.to_string(), true)),
        _ => None,
    }
}

/// The evaluation's values for the cell system: `int_evaluatie_waarden` (flag column
/// `onderdrukt`) or the published `evaluatie` (`waarde_onderdrukt`).
#[derive(Clone, Copy)]
pub struct Evaluatie<'a> {
    pub batch: &'a RecordBatch,
    pub flag_column: &'a str,
    /// A published table (flags known), as the attacker sees it.
    pub published: bool,
}

fn is_signal_column(column: &str) -> bool {
    column.starts_with("signalen_")
}

fn is_wijk_signal(label: &str) -> bool {
    label.starts_with("gebied_indicatoren wijk ")
        && label.rsplit(' ').next().is_some_and(is_signal_column)
}

/// The labour-migrant housing counts, published from the gemeente up only (`is_local_housing`).
const HOUSING: [&str; 2] = ["rni_adressen_meervoudig", "rni_adressen_uitzendbureau"];

/// Is `column` at `niveau` a buurt's or wijk's housing count? A buurt holds a handful of RNI
/// addresses, so its count of addresses with many registrants is nearly always 0, 1 or 2, and
/// with `rni_ingeschrevenen ≥ rni_adressen + (v − 1) · meervoudig` it would give itself away
/// through the buurt's RNI counts — protecting it would hide those instead (measured on the demo:
/// 77 buurt and 30 wijk RNI counts of at least 5 more hidden, 16 gemeente counts). So below the
/// gemeente these counts are analysts' figures only: `build_system` makes no cell of them and
/// `hide_local_housing` hides every value.
fn is_local_housing(niveau: &str, column: &str) -> bool {
    matches!(niveau, "buurt" | "wijk") && HOUSING.contains(&column)
}

/// Adds every buurt's and wijk's housing count with a value to the system as a hidden cell
/// without relations (`is_local_housing`), after the search, so that `suppress` and the trends'
/// flags hide them and the run's summary counts only the cells of the published levels.
fn hide_local_housing(
    system: &mut CellSystem,
    gebied: &RecordBatch,
) -> Result<(), DisclosureError> {
    let (niveau, code, periode) = (
        strings(gebied, "niveau")?,
        strings(gebied, "gebiedscode")?,
        strings(gebied, "periode")?,
    );
    for column in HOUSING {
        let values = ints(gebied, column)?;
        for r in 0..gebied.num_rows() {
            if let (Some(n), Some(c), Some(p), Some(v)) =
                (&niveau[r], &code[r], &periode[r], values[r])
                && is_local_housing(n, column)
            {
                let id = system.cell(gebied_label(n, c, p, column), Some(v), true);
                system.cells[id].primary = true;
            }
        }
    }
    Ok(())
}

/// Signals are published from the gemeente up: every wijk-level signal count is hidden (as a
/// primary cell). A wijk's signals then form a block of hidden cells whose only tie to the rest
/// is `gemeente ≥ Σ wijken`; a block that can always be all zero never narrows its gemeente,
/// and each of its cells can reach the gemeente's own upper bound (the other wijken at zero), so
/// it is exactly as safe as the gemeente's count, which the audit checks. `build_system` leaves
/// that relation out, and `shown_unpublished` makes sure no wijk-level signal is shown.
fn hide_wijk_signals(system: &mut CellSystem) {
    for c in system.cells.iter_mut() {
        if is_wijk_signal(&c.label) && c.value.is_some_and(|v| v > 0) {
            c.suppressed = true;
            c.primary = true;
        }
    }
}

/// The first count that is never published at its level and that a published table shows, if
/// any: a wijk-level signal count in the system (other than a zero, which the gemeente's zero
/// gives away anyway), or a buurt's or wijk's housing count in `gebied`.
fn shown_unpublished(
    system: &CellSystem,
    gebied: &RecordBatch,
) -> Result<Option<String>, DisclosureError> {
    if let Some(c) = system
        .cells
        .iter()
        .find(|c| is_wijk_signal(&c.label) && !c.suppressed && c.value.is_some_and(|v| v > 0))
    {
        return Ok(Some(c.label.clone()));
    }
    let niveau = strings(gebied, "niveau")?;
    for column in HOUSING {
        let Some(values) = gebied.column_by_name(column) else {
            continue;
        };
        if let Some(r) = (0..gebied.num_rows()).find(|&r| {
            !values.is_null(r)
                && niveau[r]
                    .as_deref()
                    .is_some_and(|n| is_local_housing(n, column))
        }) {
            let code = strings(gebied, "gebiedscode")?[r]
                .clone()
                .unwrap_or_default();
            return Ok(Some(format!("gebied_indicatoren {code} {column}")));
        }
    }
    Ok(None)
}

/// The bounds between the RNI counts of one area and period: an address counts at least one
/// registrant, an address with many (`rni_adressen_meervoudig`) at least `meervoudig_vanaf`, so
/// `rni_ingeschrevenen ≥ rni_adressen + (meervoudig_vanaf − 1) · rni_adressen_meervoudig`; and
/// both kinds of address are addresses (`rni_adressen ≥` each). Without them an attacker who
/// reads a shown `rni_ingeschrevenen` of 12 would know a hidden `rni_adressen_meervoudig` is at
/// most 2.
fn add_address_bounds(s: &mut CellSystem, ids: &BTreeMap<&str, usize>, meervoudig_vanaf: i64) {
    let id = |column: &str| ids.get(column).copied();
    let (adressen, meervoudig) = (id("rni_adressen"), id("rni_adressen_meervoudig"));
    if let Some(ingeschrevenen) = id("rni_ingeschrevenen") {
        let parts: Vec<(usize, f64)> = [
            adressen.map(|a| (a, 1.0)),
            meervoudig.map(|m| (m, (meervoudig_vanaf - 1).max(0) as f64)),
        ]
        .into_iter()
        .flatten()
        .collect();
        s.bound_weighted(ingeschrevenen, parts);
    }
    if let Some(adressen) = adressen {
        for part in [meervoudig, id("rni_adressen_uitzendbureau")]
            .into_iter()
            .flatten()
        {
            s.relate(adressen, vec![part], false);
        }
    }
}

/// The tables a cell system is built from: the full tables (every value known) or the published
/// `openbaar` ones (flagged cells unknown). A run published before a table existed has none.
#[derive(Clone, Copy)]
pub struct Tables<'a> {
    pub gebied: &'a RecordBatch,
    pub fasen: &'a RecordBatch,
    /// `signalen_bronnen`, its years only.
    pub bronnen: Option<&'a RecordBatch>,
    pub slachtoffers: Option<&'a RecordBatch>,
    pub evaluatie: Option<Evaluatie<'a>>,
    /// The run's `[rni] meervoudig_vanaf` (`add_address_bounds`).
    pub meervoudig_vanaf: i64,
}

/// Builds the cell system from `gebied_indicatoren`, `signalen_fasen`, `signalen_bronnen`,
/// `slachtoffers` and the evaluation's values.
pub fn build_system(tables: Tables) -> Result<CellSystem, DisclosureError> {
    let Tables {
        gebied,
        fasen,
        bronnen,
        slachtoffers,
        evaluatie,
        meervoudig_vanaf,
    } = tables;
    let mut s = CellSystem::default();
    let niveau = strings(gebied, "niveau")?;
    let code = strings(gebied, "gebiedscode")?;
    let periode = strings(gebied, "periode")?;
    let gemeente = strings(gebied, "gemeentecode")?;
    let district = strings(gebied, "district_code")?;
    let regio = strings(gebied, "regio_code")?;
    let sensitive = sensitive();
    let mut values = BTreeMap::new();
    for column in &sensitive {
        values.insert(*column, (ints(gebied, column)?, flags(gebied, column)));
    }
    // Tables published before bounding cells existed have no flags for them: their values are
    // then all shown, which is what the audit must assume.
    let mut bounding = Vec::new();
    for (column, _) in BOUNDING {
        let v = match gebied.column_by_name(column) {
            Some(_) => ints(gebied, column)?,
            None => vec![None; gebied.num_rows()],
        };
        bounding.push((v, flags(gebied, column)));
    }
    // Cells, and the split of signalen_totaal within each row.
    for r in 0..gebied.num_rows() {
        let (Some(n), Some(c), Some(p)) = (&niveau[r], &code[r], &periode[r]) else {
            continue;
        };
        let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
        for column in &sensitive {
            let (v, f) = (&values[column].0[r], values[column].1[r]);
            if (v.is_some() || f) && !is_local_housing(n, column) {
                let id = s.cell(gebied_label(n, c, p, column), *v, f);
                s.cells[id].importance = evaluation::level_importance(n);
                ids.insert(column, id);
            }
        }
        // signalen_totaal = Σ the form columns (one definition: `SIGNAALVORMEN`).
        if let Some(&total) = ids.get("signalen_totaal") {
            let parts: Vec<usize> = signal_form_columns()
                .iter()
                .filter_map(|column| ids.get(column).copied())
                .collect();
            s.relate(total, parts, true);
        }
        add_address_bounds(&mut s, &ids, meervoudig_vanaf);
        for (k, (bound, count)) in BOUNDING.iter().enumerate() {
            let (v, f) = (&bounding[k].0[r], bounding[k].1[r]);
            if v.is_none() && !f {
                continue;
            }
            let b = s.bounding_cell(gebied_label(n, c, p, bound), *v, f);
            s.cells[b].importance = evaluation::level_importance(n);
            if let Some(part) = s.get(&gebied_label(n, c, p, count)) {
                s.relate(b, vec![part], false);
            }
        }
    }
    // Each area's periods, for the evaluation's years and half-years.
    let mut periods_of: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for r in 0..gebied.num_rows() {
        if let (Some(n), Some(c), Some(p)) = (&niveau[r], &code[r], &periode[r]) {
            periods_of
                .entry((n.clone(), c.clone()))
                .or_default()
                .push(p.clone());
        }
    }
    // Parent = Σ children, per column and period.
    let mut children: BTreeMap<(String, String, String, &str), Vec<usize>> = BTreeMap::new();
    for r in 0..gebied.num_rows() {
        let (Some(n), Some(c), Some(p)) = (&niveau[r], &code[r], &periode[r]) else {
            continue;
        };
        let Some((parent_level, parent, _)) = parent_of(
            n,
            c,
            gemeente[r].as_deref(),
            district[r].as_deref(),
            regio[r].as_deref(),
        ) else {
            continue;
        };
        for column in controlled() {
            // Wijk-level signals are never published (`hide_wijk_signals`): hidden cells under
            // their gemeente's count, which the linear programs need not carry; local housing
            // counts have no cell.
            if (n == "wijk" && is_signal_column(column)) || is_local_housing(n, column) {
                continue;
            }
            if let Some(id) = s.get(&gebied_label(n, c, p, column)) {
                children
                    .entry((parent_level.to_string(), parent.clone(), p.clone(), column))
                    .or_default()
                    .push(id);
            }
        }
    }
    for ((level, parent, p, column), kids) in children {
        if let Some(total) = s.get(&gebied_label(&level, &parent, &p, column)) {
            let exact = matches!(level.as_str(), "district" | "regio");
            s.relate(total, kids, exact);
        }
    }
    let forms_of = add_fasen(&mut s, fasen)?;
    if let Some(e) = evaluatie {
        evaluation::add(&mut s, e, &periods_of, &forms_of)?;
    }
    // Each gemeente's district and regio, for the sums by source and by victims' category.
    let mut parents = BTreeMap::new();
    for r in 0..gebied.num_rows() {
        if let (Some("gemeente"), Some(c)) = (niveau[r].as_deref(), &code[r]) {
            parents.insert(c.clone(), [district[r].clone(), regio[r].clone()]);
        }
    }
    if let Some(bronnen) = bronnen {
        add_bronnen(&mut s, bronnen, &parents)?;
    }
    if let Some(slachtoffers) = slachtoffers {
        add_slachtoffers(&mut s, slachtoffers, &parents)?;
    }
    Ok(s)
}

/// Sets the suppressed cells of `columns` to null and adds `<column>_onderdrukt` flags.
fn suppress(
    batch: &RecordBatch,
    columns: &[&str],
    label: impl Fn(usize, &str) -> Option<String> + Sync,
    system: &CellSystem,
    add_flags: bool,
) -> Result<RecordBatch, DisclosureError> {
    let mut fields: Vec<Arc<Field>> = batch.schema().fields().iter().cloned().collect();
    let mut arrays: Vec<ArrayRef> = batch.columns().to_vec();
    // Which cells of each column are hidden, the columns side by side (a label per cell: at
    // national scale a million of them); then the table is put together in the columns' order.
    let hidden: Vec<(usize, &str, BooleanArray)> = columns
        .par_iter()
        .filter_map(|column| {
            let index = batch.schema().index_of(column).ok()?;
            let hidden: BooleanArray = (0..batch.num_rows())
                .map(|r| Some(label(r, column).is_some_and(|l| system.is_suppressed(&l))))
                .collect();
            Some((index, *column, hidden))
        })
        .collect();
    for (index, column, hidden) in hidden {
        arrays[index] = nullif(&arrays[index], &hidden)?;
        fields[index] = Arc::new(fields[index].as_ref().clone().with_nullable(true));
        for ratio in derived_from(column) {
            if let Ok(ri) = batch.schema().index_of(ratio) {
                arrays[ri] = nullif(&arrays[ri], &hidden)?;
                fields[ri] = Arc::new(fields[ri].as_ref().clone().with_nullable(true));
            }
        }
        if add_flags {
            fields.push(Arc::new(Field::new(
                flag_name(column),
                DataType::Boolean,
                false,
            )));
            arrays.push(Arc::new(hidden));
        }
    }
    Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)?)
}

/// The cell labels of a table keyed by area and period (`niveau`, `gebiedscode`, `periode`):
/// `label` of those and, per row, the value of its column `by` (a source) or, without one, the
/// column asked for (`gebied_indicatoren`'s counts).
pub(crate) fn area_labels(
    batch: &RecordBatch,
    by: Option<&str>,
    label: fn(&str, &str, &str, &str) -> String,
) -> Result<impl Fn(usize, &str) -> Option<String>, DisclosureError> {
    let (n, c, p) = (
        strings(batch, "niveau")?,
        strings(batch, "gebiedscode")?,
        strings(batch, "periode")?,
    );
    let by = by.map(|b| strings(batch, b)).transpose()?;
    Ok(move |r: usize, column: &str| {
        let last = match &by {
            Some(values) => values[r].as_deref()?,
            None => column,
        };
        Some(label(
            n[r].as_deref()?,
            c[r].as_deref()?,
            p[r].as_deref()?,
            last,
        ))
    })
}

fn table(name: &str, batch: RecordBatch) -> OutputTable {
    OutputTable {
        name: name.to_string(),
        schema: batch.schema(),
        batches: vec![batch],
    }
}

fn get<'a>(
    tables: &'a BTreeMap<String, OutputTable>,
    name: &str,
) -> Result<&'a OutputTable, DisclosureError> {
    tables
        .get(name)
        .ok_or_else(|| DisclosureError::Shape(name.into()))
}

/// Makes the `openbaar/` tables from the full ones; refuses when the audit finds an exposure.
pub async fn openbaar(
    tables: &BTreeMap<String, OutputTable>,
    min_count: i64,
    protection: Protection,
) -> Result<(Vec<OutputTable>, Summary), DisclosureError> {
    let gebied = concat(get(tables, "gebied_indicatoren")?)?;
    let fasen = concat(get(tables, "signalen_fasen")?)?;
    let bronnen = years_only(&concat(get(tables, "signalen_bronnen")?)?)?;
    let waarden = concat(get(tables, "int_evaluatie_waarden")?)?;
    let full = Evaluatie {
        batch: &waarden,
        flag_column: "onderdrukt",
        published: false,
    };
    let meervoudig_vanaf = ints(
        &concat(get(tables, "stg_instellingen")?)?,
        "rni_meervoudig_vanaf",
    )?
    .first()
    .copied()
    .flatten()
    .ok_or_else(|| DisclosureError::Shape("stg_instellingen.rni_meervoudig_vanaf".into()))?;
    let clock = std::time::Instant::now();
    let slachtoffers = concat(get(tables, "slachtoffers")?)?;
    let mut system = build_system(Tables {
        gebied: &gebied,
        fasen: &fasen,
        bronnen: Some(&bronnen),
        slachtoffers: Some(&slachtoffers),
        evaluatie: Some(full),
        meervoudig_vanaf,
    })?;
    system.primary(min_count);
    hide_wijk_signals(&mut system);
    let before: Vec<bool> = system.cells.iter().map(|c| c.suppressed).collect();
    let searched = protect(&mut system, protection).map_err(DisclosureError::Audit)?;
    tracing::debug!(
        seconds = clock.elapsed().as_secs_f64(),
        hidden = searched.hidden,
        rounds = searched.rounds,
        protection_programs = searched.protection_programs,
        audit_programs = searched.audit_programs,
        certified = searched.certified,
        shown_again = searched.unhidden.shown,
        tried_again = searched.unhidden.tried,
        clean_up_programs = searched.unhidden.programs,
        "disclosure: the cells to hide"
    );
    let forcing = forced::forcing_sets(&system, protection.min_upper);
    forced::trace(&system, &forcing);
    forced::trace_parts(&system, &before);
    let summary = system.counts(min_count, &forcing);
    hide_local_housing(&mut system, &gebied)?;

    // The score and the trends are recomputed from the suppressed counts by the same models.
    let ratios = concat(get(tables, "int_gebied_ratios")?)?;
    let columns: Vec<&str> = controlled().collect();
    let ratios = suppress(
        &ratios,
        &columns,
        area_labels(&ratios, None, gebied_label)?,
        &system,
        false,
    )?;
    let inputs = vec![
        table("int_gebied_ratios", ratios),
        get(tables, "stg_score_gewichten")?.clone(),
        get(tables, "stg_perioden")?.clone(),
        get(tables, "stg_statistiek")?.clone(),
    ];
    let rebuilt = run_models(inputs.clone(), &["gebied_indicatoren"], &[]).await?;
    // The trends of the suppressed table run beside the rest of this phase: at national scale
    // the model takes as long as the suppression, the attacker's view and its audit together
    // (bench/RESULTS.md). A failed audit drops them with the runtime.
    let mut trend_inputs = inputs;
    trend_inputs.push(get(&rebuilt, "gebied_indicatoren")?.clone());
    // Only the indicators disclosure can change are rerun; the others are the full table's.
    let trends_model = rendered_over("trends", &changed_by_disclosure)?;
    let trends_task = tokio::spawn(run_rendered(trend_inputs, vec![trends_model], &[]));
    let open_evaluatie = evaluation::rebuild(tables, &waarden, &system).await?;
    let open_gebied = concat(get(&rebuilt, "gebied_indicatoren")?)?;
    let open_gebied = suppress(
        &open_gebied,
        &columns,
        area_labels(&open_gebied, None, gebied_label)?,
        &system,
        true,
    )?;
    let open_fasen = suppress(
        &fasen,
        &["aantal", "bereikt"],
        fase_labels(&fasen)?,
        &system,
        true,
    )?;
    let open_bronnen = suppress(
        &bronnen,
        &["aantal"],
        area_labels(&bronnen, Some("bron"), bron_label)?,
        &system,
        true,
    )?;
    let open_slachtoffers = suppress(
        &slachtoffers,
        &["aantal"],
        slachtoffer_labels(&slachtoffers)?,
        &system,
        true,
    )?;

    // The attacker's view of exactly what will be published must pass. The true values are
    // given to it as a point its programs allow (checked against every relation first), so that
    // a part it can certify needs no programs; the bounds are those of the published numbers.
    let published = Evaluatie {
        batch: &open_evaluatie,
        flag_column: "waarde_onderdrukt",
        published: true,
    };
    let mut attacker_view = build_system(Tables {
        gebied: &open_gebied,
        fasen: &open_fasen,
        bronnen: Some(&open_bronnen),
        slachtoffers: Some(&open_slachtoffers),
        evaluatie: Some(published),
        meervoudig_vanaf,
    })?;
    if let Some(label) = shown_unpublished(&attacker_view, &open_gebied)? {
        return Err(DisclosureError::Exposed {
            count: 1,
            first: format!(
                "{label} is shown (wijk-level signals and buurt- and wijk-level housing counts are never published)"
            ),
        });
    }
    for cell in attacker_view.cells.iter_mut().filter(|c| c.value.is_none()) {
        cell.value = system.get(&cell.label).and_then(|i| system.cells[i].value);
    }
    let exposed = audit_view(&attacker_view, &system, &searched.points, protection)?;
    if let Some(first) = exposed.first() {
        return Err(DisclosureError::Exposed {
            count: exposed.len(),
            first: first.to_string(),
        });
    }
    let since = std::time::Instant::now();
    let rebuilt = trends_task
        .await
        .map_err(|e| DisclosureError::Task(e.to_string()))??;
    let waited = since.elapsed().as_secs_f64();
    let rerun = trends::trend_flags(&concat(get(&rebuilt, "trends")?)?, &system)?;
    let marked = since.elapsed().as_secs_f64();
    let open_trends = trends::with_unchanged(&get(tables, "trends")?.batches, &rerun)?;
    tracing::debug!(
        waited,
        marked,
        seconds = since.elapsed().as_secs_f64(),
        "disclosure: the published trends"
    );
    let mut out = vec![
        table("openbaar/gebied_indicatoren", open_gebied),
        get(tables, "kvk_sectoren")?.renamed("openbaar/kvk_sectoren"),
        table("openbaar/signalen_fasen", open_fasen),
        table("openbaar/signalen_bronnen", open_bronnen),
        table("openbaar/slachtoffers", open_slachtoffers),
        table("openbaar/trends", open_trends),
        // No input values and no file names: the rule, the source, counts and dates.
        get(tables, "kwaliteit_openbaar")?.renamed("openbaar/kwaliteit"),
        table("openbaar/evaluatie", open_evaluatie),
        // Policy text and the parts from the config: no person counts, the same for everyone.
        get(tables, "onderdelen")?.renamed("openbaar/onderdelen"),
        get(tables, "acties")?.renamed("openbaar/acties"),
        get(tables, "bevindingen")?.renamed("openbaar/bevindingen"),
        get(tables, "indicatoren")?.renamed("openbaar/indicatoren"),
    ];
    out.retain(|t| !t.schema.fields().is_empty());
    Ok((out, summary))
}

/// The audit of the attacker's view of the published tables, given the true values. The
/// search's points (moves from the true values that proved cells protected) are checked again
/// against the published tables' own relations — a point that moves a cell the view does not
/// hide, or breaks one of its relations, proves nothing — so that programs are solved only for
/// what no point proves.
fn audit_view(
    view: &CellSystem,
    system: &CellSystem,
    points: &[audit::Deviation],
    protection: Protection,
) -> Result<Vec<Exposure>, DisclosureError> {
    let mut cache = audit::AuditCache::default();
    if audit::consistent(view) {
        let memberships = protect::relations_of_cells(view);
        for point in points {
            let moved: Option<audit::Deviation> = point
                .iter()
                .map(|&(c, d)| view.get(&system.cells[c].label).map(|v| (v, d)))
                .collect();
            if let Some(moved) = moved {
                cache.certify(view, &memberships, &moved, protection);
            }
        }
    }
    let exposed =
        audit::audit_with(view, protection, &mut cache).map_err(DisclosureError::Audit)?;
    tracing::debug!(
        certified = cache.certified,
        programs = cache.programs,
        "disclosure: the audit of the published tables"
    );
    Ok(exposed)
}

/// Reads every Parquet file under `dir` into one batch (`risicobeeld_snapshot::tables`).
pub fn read_dir_table(dir: &Path) -> Result<RecordBatch, DisclosureError> {
    Ok(risicobeeld_snapshot::tables::read_dir_table(dir)?)
}

/// The table under `dir`, or `None` when the run has no such table.
fn optional_table(dir: &Path) -> Result<Option<RecordBatch>, DisclosureError> {
    if risicobeeld_snapshot::tables::has_parquet(dir) {
        Ok(Some(read_dir_table(dir)?))
    } else {
        Ok(None)
    }
}

/// `risicobeeld audit`: the attacker's view of a published `openbaar/` directory, with the
/// `[rni] meervoudig_vanaf` the run used.
pub fn audit_published(
    openbaar_dir: &Path,
    protection: Protection,
    meervoudig_vanaf: i64,
) -> Result<(CellSystem, Vec<Exposure>), DisclosureError> {
    let gebied = read_dir_table(&openbaar_dir.join("gebied_indicatoren"))?;
    let fasen = read_dir_table(&openbaar_dir.join("signalen_fasen"))?;
    // Runs published before the sources, the victims or the yearly evaluation lack those tables.
    let bronnen = optional_table(&openbaar_dir.join("signalen_bronnen"))?;
    let evaluatie = optional_table(&openbaar_dir.join("evaluatie"))?;
    let published = evaluatie.as_ref().map(|batch| Evaluatie {
        batch,
        flag_column: "waarde_onderdrukt",
        published: true,
    });
    let slachtoffers = optional_table(&openbaar_dir.join("slachtoffers"))?;
    let system = build_system(Tables {
        gebied: &gebied,
        fasen: &fasen,
        bronnen: bronnen.as_ref(),
        slachtoffers: slachtoffers.as_ref(),
        evaluatie: published,
        meervoudig_vanaf,
    })?;
    let mut exposed = audit(&system, protection).map_err(DisclosureError::Audit)?;
    if let Some(label) = shown_unpublished(&system, &gebied)? {
        // Shown wijk signals leave `gemeente ≥ Σ wijken` out of the linear programs unsafely.
        exposed.insert(
            0,
            Exposure {
                cell: system.get(&label).unwrap_or_default(),
                label: format!("{label} (never published at its level)"),
                min: 0.0,
                max: 0.0,
            },
        );
    }
    Ok((system, exposed))
}
