//! The yearly evaluation in the cell system: each person count of `evaluatie` (a year's or
//! half-year's signals, funnel phases, victims helped, the RNI stand) is a cell, tied by exact
//! relations to the quarter cells it sums, to its halves, and to its member gemeenten — so that a
//! year's total is published wherever that gives no hidden quarter away, and protected like any
//! other cell where it would. Also rebuilds the `openbaar/evaluatie` table from the suppressed
//! values.

use std::collections::BTreeMap;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, BooleanArray, Float64Array, RecordBatch};
use datafusion::arrow::compute::{cast, nullif};
use datafusion::arrow::datatypes::DataType;

use super::{
    CellSystem, DisclosureError, Evaluatie, FormsOf, concat, fase_label, gebied_label, get,
    strings, table,
};
use crate::calendar::{Grain, Period};
use crate::transform::{OutputTable, run_models};
use risicobeeld_snapshot::vocabulary::FASEN;

/// How much a figure of the yearly evaluation matters, beside the quarter's (`Cell::importance`):
/// the year is what the college reads, the half-year what it reads in between. Measured on the
/// demo (docs/disclosure.md): with the program over the whole connected part, 40 and 15 or 200
/// and 10 show the same yearly figures; 6 and 3 over small rings hid most of them.
const YEAR_IMPORTANCE: f64 = 40.0;
const HALF_YEAR_IMPORTANCE: f64 = 15.0;

/// Is this an evaluation indicator summed from the quarterly signal cells?
fn is_signal_indicator(indicator: &str) -> bool {
    indicator.starts_with("signalen_")
}

/// The label of a cell of the evaluation.
pub(super) fn evaluatie_label(niveau: &str, code: &str, periode: &str, indicator: &str) -> String {
    format!("evaluatie {niveau} {code} {periode} {indicator}")
}

/// An evaluation period: a year (`2024`) or one of its halves (`2024-H1`).
fn evaluation_period(periode: &str) -> Option<(i32, Option<u8>)> {
    match periode.split_once("-H") {
        Some((year, half)) => Some((year.parse().ok()?, Some(half.parse().ok()?))),
        None => Some((periode.parse().ok()?, None)),
    }
}

/// Does the table period `p` (`2024-Q3`, `2024-07`, `2024`) lie inside the evaluation period?
fn inside(p: &str, year: i32, half: Option<u8>) -> bool {
    let Some(period) = Period::parse(p) else {
        return false;
    };
    if period.year != year {
        return false;
    }
    match half {
        None => true,
        Some(h) => {
            period.grain != Grain::Jaar && (if period.first_month <= 6 { 1 } else { 2 }) == h
        }
    }
}

fn floats(batch: &RecordBatch, name: &str) -> Result<Vec<Option<f64>>, DisclosureError> {
    let column = batch
        .column_by_name(name)
        .ok_or_else(|| DisclosureError::Shape(format!("column {name}")))?;
    let column = cast(column, &DataType::Float64)?;
    let a = column
        .as_any()
        .downcast_ref::<Float64Array>()
        .ok_or_else(|| DisclosureError::Shape(name.into()))?;
    Ok(a.iter().collect())
}

fn bools(batch: &RecordBatch, name: &str) -> Result<Vec<bool>, DisclosureError> {
    let column = batch
        .column_by_name(name)
        .ok_or_else(|| DisclosureError::Shape(format!("column {name}")))?;
    let a = column
        .as_any()
        .downcast_ref::<BooleanArray>()
        .ok_or_else(|| DisclosureError::Shape(name.into()))?;
    Ok(a.iter().map(|v| v == Some(true)).collect())
}

/// The columns of the evaluation's rows that decide their cells.
struct Rows {
    niveau: Vec<Option<String>>,
    code: Vec<Option<String>>,
    periode: Vec<Option<String>>,
    indicator: Vec<Option<String>>,
    district: Vec<Option<String>>,
    regio: Vec<Option<String>>,
    persoonsaantal: Vec<bool>,
    bron_kolom: Vec<Option<String>>,
    peilperiode: Vec<Option<String>>,
}

impl Rows {
    fn read(batch: &RecordBatch) -> Result<Rows, DisclosureError> {
        Ok(Rows {
            niveau: strings(batch, "niveau")?,
            code: strings(batch, "gebiedscode")?,
            periode: strings(batch, "periode")?,
            indicator: strings(batch, "indicator")?,
            district: strings(batch, "district_code")?,
            regio: strings(batch, "regio_code")?,
            persoonsaantal: bools(batch, "persoonsaantal")?,
            bron_kolom: strings(batch, "bron_kolom")?,
            peilperiode: strings(batch, "peilperiode")?,
        })
    }

    /// (niveau, code, periode, indicator) of row `r`.
    fn key(&self, r: usize) -> Option<(&str, &str, &str, &str)> {
        Some((
            self.niveau[r].as_deref()?,
            self.code[r].as_deref()?,
            self.periode[r].as_deref()?,
            self.indicator[r].as_deref()?,
        ))
    }

    /// The cell that decides whether row `r` is shown: its own (a person count) or, for a rate
    /// read from `gebied_indicatoren`, the count it is computed from.
    fn deciding_label(&self, r: usize) -> Option<String> {
        let (n, c, p, i) = self.key(r)?;
        if self.persoonsaantal[r] {
            return Some(evaluatie_label(n, c, p, i));
        }
        let bron = self.bron_kolom[r].as_deref()?;
        Some(gebied_label(n, c, self.peilperiode[r].as_deref()?, bron))
    }
}

/// Adds the evaluation's person counts and their relations to `s`: a signal figure is the sum of
/// its quarterly cells, a gemeente's year the sum of its halves, a district or regio the sum of
/// its gemeenten, a stand the `gebied_indicatoren` cell it is read from. A figure of a published
/// table whose quarterly parts are all shown is a sum of published counts: it tells nothing new
/// and is not tied (that keeps the attacker's programs smaller, and changes no bound).
pub(super) fn add(
    s: &mut CellSystem,
    e: Evaluatie,
    periods_of: &BTreeMap<(String, String), Vec<String>>,
    forms_of: &FormsOf,
) -> Result<(), DisclosureError> {
    let rows = Rows::read(e.batch)?;
    let waarde = floats(e.batch, "waarde")?;
    let flag = flags_named(e.batch, e.flag_column);
    let mut cells = Vec::new();
    for r in 0..e.batch.num_rows() {
        let Some((n, c, p, i)) = rows.key(r) else {
            continue;
        };
        if !rows.persoonsaantal[r] || (waarde[r].is_none() && !flag[r]) {
            continue;
        }
        let value = waarde[r].map(|v| v.round() as i64);
        let id = s.cell(evaluatie_label(n, c, p, i), value, flag[r]);
        s.cells[id].importance = level_importance(n)
            * if p.contains("-H") {
                HALF_YEAR_IMPORTANCE
            } else {
                YEAR_IMPORTANCE
            };
        cells.push((r, id));
    }
    // Each signal figure's quarterly parts.
    let mut parts_of = BTreeMap::new();
    for &(r, id) in &cells {
        if let Some(key) = rows.key(r).filter(|k| is_signal_indicator(k.3)) {
            parts_of.insert(id, quarter_parts(s, key, periods_of, forms_of));
        }
    }
    let redundant = |s: &CellSystem, id: usize| {
        e.published && !s.cells[id].suppressed && parts_of.get(&id).is_some_and(|p| all_shown(s, p))
    };
    // Members of each district and regio, per period and indicator.
    let mut members: BTreeMap<(&str, &str, &str, &str), Vec<usize>> = BTreeMap::new();
    for &(r, id) in &cells {
        let Some((n, _, p, i)) = rows.key(r) else {
            continue;
        };
        if n != "gemeente" || rows.bron_kolom[r].is_some() {
            continue;
        }
        for (level, parent) in [("district", &rows.district[r]), ("regio", &rows.regio[r])] {
            if let Some(parent) = parent.as_deref() {
                members.entry((level, parent, p, i)).or_default().push(id);
            }
        }
    }
    for &(r, id) in &cells {
        let Some((n, c, p, i)) = rows.key(r) else {
            continue;
        };
        let Some((year, half)) = evaluation_period(p) else {
            continue;
        };
        if redundant(s, id) {
            continue;
        }
        // A stand at the period's end is the cell of gebied_indicatoren it is read from.
        if let Some(bron) = rows.bron_kolom[r].as_deref() {
            let source = rows.peilperiode[r]
                .as_deref()
                .and_then(|peil| s.get(&gebied_label(n, c, peil, bron)));
            if let Some(source) = source {
                s.relate(id, vec![source], true);
            }
            continue;
        }
        // Signals: the sum of the area's periods in gebied_indicatoren; the funnel: the sum
        // over forms and periods of signalen_fasen.
        if let Some(parts) = parts_of.get(&id) {
            s.relate(id, parts.clone(), true);
        }
        // A gemeente's year is the sum of its halves, where it has them. (Not so above the
        // gemeente: a district's halves sum only the gemeenten that deliver per half-year.)
        if half.is_none() && n == "gemeente" {
            let halves = ["H1", "H2"]
                .iter()
                .filter_map(|h| s.get(&evaluatie_label(n, c, &format!("{year}-{h}"), i)))
                .collect();
            s.relate(id, halves, true);
        }
        // A district or regio is the sum of its gemeenten.
        if let Some(kids) = members.get(&(n, c, p, i)) {
            s.relate(id, kids.clone(), true);
        }
    }
    Ok(())
}

/// How much an area's figure matters by its level (`Cell::importance`): a gemeente's more than a
/// buurt's, a regio's most.
pub(super) fn level_importance(niveau: &str) -> f64 {
    match niveau {
        "buurt" => 1.0,
        "wijk" => 2.0,
        "gemeente" => 4.0,
        "district" => 6.0,
        _ => 8.0,
    }
}

fn all_shown(s: &CellSystem, parts: &[usize]) -> bool {
    !parts.is_empty() && parts.iter().all(|&p| !s.cells[p].suppressed)
}

/// The quarterly cells a signal figure sums: its area's periods of `gebied_indicatoren`, or for
/// a gemeente's funnel phase, the forms and periods of `signalen_fasen`.
fn quarter_parts(
    s: &CellSystem,
    (n, c, p, i): (&str, &str, &str, &str),
    periods_of: &BTreeMap<(String, String), Vec<String>>,
    forms_of: &FormsOf,
) -> Vec<usize> {
    let Some((year, half)) = evaluation_period(p) else {
        return Vec::new();
    };
    let periods = periods_of
        .get(&(n.to_string(), c.to_string()))
        .map(Vec::as_slice)
        .unwrap_or_default();
    let inside_period = periods.iter().filter(|q| inside(q, year, half));
    if super::sensitive().contains(&i) {
        return inside_period
            .filter_map(|q| s.get(&gebied_label(n, c, q, i)))
            .collect();
    }
    // A funnel indicator of phase 2 or later (phase 1's, `signalen_totaal`, is a sensitive
    // column of its own, above).
    let Some(fase) = FASEN
        .iter()
        .find(|f| f.nummer >= 2 && f.indicator == i)
        .map(|f| i64::from(f.nummer))
    else {
        return Vec::new();
    };
    if n != "gemeente" {
        return Vec::new();
    }
    let mut parts = Vec::new();
    for q in inside_period {
        for vorm in forms_of
            .get(&(c.to_string(), q.clone()))
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            parts.extend(s.get(&fase_label(c, q, vorm, fase, "bereikt")));
        }
    }
    parts
}

/// A flag column by its exact name (all false when absent).
fn flags_named(batch: &RecordBatch, name: &str) -> Vec<bool> {
    batch
        .column_by_name(name)
        .and_then(|c| {
            c.as_any()
                .downcast_ref::<BooleanArray>()
                .map(|a| a.iter().map(|v| v == Some(true)).collect())
        })
        .unwrap_or_else(|| vec![false; batch.num_rows()])
}

/// `int_evaluatie_waarden` with the hidden values nulled and `onderdrukt` set: a person count
/// hidden by disclosure control, or a rate whose count is hidden. Every hidden figure is flagged
/// alike, whatever hid it, so that the mark tells nothing (docs/disclosure.md).
fn suppressed_values(
    waarden: &RecordBatch,
    system: &CellSystem,
) -> Result<RecordBatch, DisclosureError> {
    let rows = Rows::read(waarden)?;
    let mut hidden = Vec::with_capacity(waarden.num_rows());
    let mut flagged = Vec::with_capacity(waarden.num_rows());
    for r in 0..waarden.num_rows() {
        let cell = rows.deciding_label(r).and_then(|l| system.get(&l));
        let is_hidden = cell.is_some_and(|i| system.cells[i].suppressed);
        hidden.push(Some(is_hidden));
        flagged.push(Some(is_hidden));
    }
    let hidden = BooleanArray::from(hidden);
    let schema = waarden.schema();
    let mut arrays: Vec<ArrayRef> = waarden.columns().to_vec();
    let index = |name: &str| {
        schema
            .index_of(name)
            .map_err(|_| DisclosureError::Shape(format!("column {name}")))
    };
    let w = index("waarde")?;
    arrays[w] = nullif(&arrays[w], &hidden)?;
    arrays[index("onderdrukt")?] = Arc::new(BooleanArray::from(flagged));
    Ok(RecordBatch::try_new(schema, arrays)?)
}

/// `openbaar/evaluatie`: the same model over the suppressed values.
pub(super) async fn rebuild(
    tables: &BTreeMap<String, OutputTable>,
    waarden: &RecordBatch,
    system: &CellSystem,
) -> Result<RecordBatch, DisclosureError> {
    let mut inputs = vec![table(
        "int_evaluatie_waarden",
        suppressed_values(waarden, system)?,
    )];
    for name in [
        "int_nulmeting",
        "stg_evaluatie_indicatoren",
        "stg_onderdelen",
        "stg_doelen",
        "stg_fasen",
        "stg_gebieden",
        "stg_indicatoren",
        "stg_statistiek",
    ] {
        inputs.push(get(tables, name)?.clone());
    }
    let rebuilt = run_models(inputs, &["evaluatie"], &[]).await?;
    concat(get(&rebuilt, "evaluatie")?)
}

#[cfg(test)]
mod tests {
    use super::*;

    use datafusion::arrow::array::{BooleanArray, Float64Array, StringArray};
    use datafusion::arrow::datatypes::{Field, Schema};

    /// One evaluation row: GM1's (district D, regio R) signals of 2024, 26, flagged or not.
    fn evaluatie(waarde: Option<f64>, flagged: bool) -> RecordBatch {
        let text = |v: &str| Arc::new(StringArray::from(vec![Some(v)])) as ArrayRef;
        let none = Arc::new(StringArray::from(vec![None::<&str>])) as ArrayRef;
        let columns: Vec<(&str, ArrayRef)> = vec![
            ("niveau", text("gemeente")),
            ("gebiedscode", text("GM1")),
            ("periode", text("2024")),
            ("indicator", text("signalen_totaal")),
            ("district_code", text("D")),
            ("regio_code", text("R")),
            ("persoonsaantal", Arc::new(BooleanArray::from(vec![true]))),
            ("bron_kolom", none.clone()),
            ("peilperiode", none),
            ("waarde", Arc::new(Float64Array::from(vec![waarde]))),
            (
                "waarde_onderdrukt",
                Arc::new(BooleanArray::from(vec![flagged])),
            ),
        ];
        let schema = Schema::new(
            columns
                .iter()
                .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
                .collect::<Vec<_>>(),
        );
        RecordBatch::try_new(
            Arc::new(schema),
            columns.into_iter().map(|(_, a)| a).collect(),
        )
        .expect("batch")
    }

    /// GM1's four quarters of 2024 (5, 6, 7, 8) as cells, the first one hidden or not.
    fn quarters(first_hidden: bool) -> (CellSystem, BTreeMap<(String, String), Vec<String>>) {
        let mut s = CellSystem::default();
        let periods: Vec<String> = (1..=4).map(|q| format!("2024-Q{q}")).collect();
        for (q, p) in periods.iter().enumerate() {
            let label = gebied_label("gemeente", "GM1", p, "signalen_totaal");
            s.cell(label, Some(5 + q as i64), q == 0 && first_hidden);
        }
        let periods_of = BTreeMap::from([(("gemeente".into(), "GM1".into()), periods)]);
        (s, periods_of)
    }

    /// Adds GM1's 2024 signal figure (`waarde`, flagged or not) to `s` over its quarters.
    fn add_year(
        s: &mut CellSystem,
        periods_of: &BTreeMap<(String, String), Vec<String>>,
        (waarde, flagged): (Option<f64>, bool),
        published: bool,
    ) {
        let batch = evaluatie(waarde, flagged);
        let e = Evaluatie {
            batch: &batch,
            flag_column: "waarde_onderdrukt",
            published,
        };
        add(s, e, periods_of, &FormsOf::new()).expect("add");
    }

    #[test]
    fn a_year_is_tied_to_its_quarters_and_matters_more_than_they_do() {
        for first_hidden in [false, true] {
            let (mut s, periods_of) = quarters(first_hidden);
            add_year(&mut s, &periods_of, (Some(26.0), false), false);
            let year = s
                .get("evaluatie gemeente GM1 2024 signalen_totaal")
                .expect("cell");
            // Year = Σ quarters, whatever is hidden: the search sees every tie.
            assert_eq!(s.relations.len(), 1);
            assert_eq!(s.relations[0].total, year);
            assert_eq!(s.relations[0].parts.len(), 4);
            assert!(s.cells[year].importance > s.cells[0].importance);
        }
    }

    #[test]
    fn the_attacker_ties_a_figure_to_its_quarters_unless_it_tells_nothing_new() {
        for (first_hidden, tied) in [(false, false), (true, true)] {
            let (mut s, periods_of) = quarters(first_hidden);
            add_year(&mut s, &periods_of, (Some(26.0), false), true);
            assert_eq!(!s.relations.is_empty(), tied, "first_hidden {first_hidden}");
        }
        // A hidden year is tied to its quarters all the same.
        let (mut s, periods_of) = quarters(true);
        add_year(&mut s, &periods_of, (None, true), true);
        assert_eq!(s.relations.len(), 1);
    }

    #[test]
    fn table_periods_fall_in_years_and_halves() {
        assert!(inside("2024-Q2", 2024, Some(1)));
        assert!(!inside("2024-Q3", 2024, Some(1)));
        assert!(inside("2024-07", 2024, Some(2)));
        assert!(inside("2024-Q4", 2024, None));
        assert!(!inside("2023-Q4", 2024, None));
        // A year of the grain `jaar` is no part of a half-year.
        assert!(inside("2024", 2024, None) && !inside("2024", 2024, Some(1)));
        assert_eq!(evaluation_period("2024-H2"), Some((2024, Some(2))));
        assert_eq!(evaluation_period("2024"), Some((2024, None)));
    }
}
