//! The yearly evaluation in the cell system: each person count of `evaluatie` (a year's or
//! half-year's signals, funnel phases, victims helped, the RNI stand) is a cell, tied by exact
//! relations to the quarter cells it sums, to its halves, and to its member gemeenten — so that a
//! year's total is published wherever that gives no hidden quarter away. Also rebuilds the
//! `openbaar/evaluatie` table from the suppressed values.

use std::collections::{BTreeMap, BTreeSet};
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

/// Above this many hidden cells, a component that the evaluation's signal figures tie across a
/// year's quarters is too slow for the linear programs (they grow with the square of it and
/// more): those figures are then hidden for that regio and year (`decoupled`), whether the
/// component is that large before the repair or grows so while the repair hides more.
pub(super) const MAX_TIED_COMPONENT: usize = 300;

/// A regio and year whose evaluation signal figures are all hidden.
pub(super) type Block = (String, i32);

/// Is this an evaluation indicator summed from the quarterly signal cells?
fn is_signal_indicator(indicator: &str) -> bool {
    indicator.starts_with("signalen_")
}

fn label(niveau: &str, code: &str, periode: &str, indicator: &str) -> String {
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

    /// The regio and year of row `r`.
    fn block(&self, r: usize) -> Option<Block> {
        let regio = if self.niveau[r].as_deref() == Some("regio") {
            self.code[r].clone()?
        } else {
            self.regio[r].clone()?
        };
        let (year, _) = evaluation_period(self.periode[r].as_deref()?)?;
        Some((regio, year))
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
            return Some(label(n, c, p, i));
        }
        let bron = self.bron_kolom[r].as_deref()?;
        Some(gebied_label(n, c, self.peilperiode[r].as_deref()?, bron))
    }
}

/// Adds the evaluation's person counts and their relations to `s`; returns the regio and year
/// of each signal figure's cell.
///
/// The signal figures of a regio and year that are all hidden (or zero) are *decoupled*: their
/// ties to the quarterly cells are left out. Each of them is a sum of quarterly cells, so
/// whatever the quarters are, the hidden sums can match them: they narrow nothing, and the
/// linear programs need not carry them. Each is as safe as its parts: its quarters lie in
/// separate components, so its upper bound is the sum of theirs, at least that of any hidden
/// part (≥ min_count by the audit), and with no part hidden it is a sum of published counts,
/// never a small one. `force` hides the nonzero signal figures of the blocks it names first
/// (the components that `MAX_TIED_COMPONENT` finds too large); the attacker's view of the
/// published table finds the same blocks all hidden.
pub(super) fn add(
    s: &mut CellSystem,
    e: Evaluatie,
    periods_of: &BTreeMap<(String, String), Vec<String>>,
    forms_of: &FormsOf,
    force: &BTreeSet<Block>,
) -> Result<SignalCells, DisclosureError> {
    let rows = Rows::read(e.batch)?;
    let waarde = floats(e.batch, "waarde")?;
    let flag = flags_named(e.batch, e.flag_column);
    let mut cells = Vec::new();
    let mut blocks = BTreeMap::new();
    // A block stays tied while one of its signal figures is shown and not zero.
    let mut shown_blocks = BTreeSet::new();
    for r in 0..e.batch.num_rows() {
        let Some((n, c, p, i)) = rows.key(r) else {
            continue;
        };
        if !rows.persoonsaantal[r] || (waarde[r].is_none() && !flag[r]) {
            continue;
        }
        let value = waarde[r].map(|v| v.round() as i64);
        let block = rows.block(r).filter(|_| is_signal_indicator(i));
        let forced =
            block.as_ref().is_some_and(|b| force.contains(b)) && value.is_some_and(|v| v > 0);
        let id = s.cell(label(n, c, p, i), value, flag[r] || forced);
        if forced {
            s.cells[id].suppressed = true;
            s.cells[id].fallback = true;
        }
        if let Some(b) = block {
            blocks.insert(id, b);
        }
        cells.push((r, id));
    }
    // Each signal figure's quarterly parts; in a published table, a shown figure whose parts
    // are all shown tells nothing new (`redundant`) and does not tie its block.
    let mut parts_of = BTreeMap::new();
    for &(r, id) in &cells {
        if let (Some(key), true) = (rows.key(r), blocks.contains_key(&id)) {
            parts_of.insert(id, quarter_parts(s, key, periods_of, forms_of));
        }
    }
    for (&id, block) in &blocks {
        let cell = &s.cells[id];
        let shown = !cell.suppressed && cell.value.is_some_and(|v| v > 0);
        let redundant = e.published && parts_of.get(&id).is_some_and(|p| all_shown(s, p));
        if shown && !redundant {
            shown_blocks.insert(block.clone());
        }
    }
    let decoupled = |id: usize| blocks.get(&id).is_some_and(|b| !shown_blocks.contains(b));
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
        if decoupled(id) {
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
                .filter_map(|h| s.get(&label(n, c, &format!("{year}-{h}"), i)))
                .collect();
            s.relate(id, halves, true);
        }
        // A district or regio is the sum of its gemeenten.
        if let Some(kids) = members.get(&(n, c, p, i)) {
            s.relate(id, kids.clone(), true);
        }
    }
    Ok(SignalCells { blocks, parts_of })
}

/// The evaluation's signal figures in a cell system: each one's regio-year block and its
/// quarterly parts.
#[derive(Debug, Default)]
pub(super) struct SignalCells {
    pub blocks: BTreeMap<usize, Block>,
    parts_of: BTreeMap<usize, Vec<usize>>,
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

/// After the repair: a signal figure of a decoupled block whose quarterly parts are all shown
/// is shown again. It is a sum of published counts (never small, and telling nothing new), and
/// a decoupled block has no relations that it could tie.
pub(super) fn show_redundant(
    system: &mut CellSystem,
    signals: &SignalCells,
    decoupled: &BTreeSet<Block>,
) {
    for (&id, block) in &signals.blocks {
        if !decoupled.contains(block) || !system.cells[id].fallback {
            continue;
        }
        if signals
            .parts_of
            .get(&id)
            .is_some_and(|p| all_shown(system, p))
        {
            system.cells[id].suppressed = false;
            system.cells[id].fallback = false;
        }
    }
}

/// The blocks whose signal figures tie a component of more than `MAX_TIED_COMPONENT` hidden
/// cells together.
pub(super) fn oversized(system: &CellSystem, signals: &SignalCells) -> BTreeSet<Block> {
    let blocks = &signals.blocks;
    let mut out = BTreeSet::new();
    for (vars, _) in super::audit::components(system) {
        if vars.len() > MAX_TIED_COMPONENT {
            out.extend(vars.iter().filter_map(|v| blocks.get(v).cloned()));
        }
    }
    out
}

/// The blocks that would tie more than `MAX_TIED_COMPONENT` cells together if every signal
/// figure and every quarterly cell it sums were hidden: the most a repair could make of them.
pub(super) fn possibly_oversized(system: &CellSystem, signals: &SignalCells) -> BTreeSet<Block> {
    let mut worst = system.clone();
    for (&figure, parts) in &signals.parts_of {
        worst.cells[figure].suppressed = true;
        for &p in parts {
            worst.cells[p].suppressed = true;
        }
    }
    oversized(&worst, signals)
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
/// hidden by disclosure control (`onderdrukt`), or a rate whose count is hidden (null; flagged
/// only when that count is itself a person count, not a bounding count shown as a dash).
///
/// A signal figure of a `decoupled` block is null but not flagged: it is hidden because it would
/// tie too much together, not because it is small, and pages show it as "–", not "<5".
fn suppressed_values(
    waarden: &RecordBatch,
    system: &CellSystem,
    decoupled: &BTreeSet<Block>,
) -> Result<RecordBatch, DisclosureError> {
    let rows = Rows::read(waarden)?;
    let mut hidden = Vec::with_capacity(waarden.num_rows());
    let mut flagged = Vec::with_capacity(waarden.num_rows());
    for r in 0..waarden.num_rows() {
        let cell = rows.deciding_label(r).and_then(|l| system.get(&l));
        let is_hidden = cell.is_some_and(|i| system.cells[i].suppressed);
        let too_tied = rows.indicator[r]
            .as_deref()
            .is_some_and(is_signal_indicator)
            && rows.block(r).is_some_and(|b| decoupled.contains(&b));
        hidden.push(Some(is_hidden));
        flagged.push(Some(
            is_hidden && !too_tied && cell.is_some_and(|i| system.cells[i].sensitive),
        ));
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
    decoupled: &BTreeSet<Block>,
) -> Result<RecordBatch, DisclosureError> {
    let mut inputs = vec![table(
        "int_evaluatie_waarden",
        suppressed_values(waarden, system, decoupled)?,
    )];
    for name in [
        "int_nulmeting",
        "stg_evaluatie_indicatoren",
        "stg_onderdelen",
        "stg_fasen",
        "stg_gebieden",
        "stg_indicatoren",
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
        force: &BTreeSet<Block>,
    ) -> SignalCells {
        let batch = evaluatie(waarde, flagged);
        let e = Evaluatie {
            batch: &batch,
            flag_column: "waarde_onderdrukt",
            published,
        };
        add(s, e, periods_of, &FormsOf::new(), force).expect("add")
    }

    #[test]
    fn a_decoupled_figure_is_shown_again_when_its_quarters_are() {
        let block: Block = ("R".into(), 2024);
        let force = BTreeSet::from([block.clone()]);
        for first_hidden in [false, true] {
            let (mut s, periods_of) = quarters(first_hidden);
            let signals = add_year(&mut s, &periods_of, (Some(26.0), false), false, &force);
            let year = s
                .get("evaluatie gemeente GM1 2024 signalen_totaal")
                .expect("cell");
            // Forced: hidden, and tied to nothing (its block is decoupled).
            assert!(s.cells[year].suppressed && s.relations.is_empty());
            show_redundant(&mut s, &signals, &force);
            // 26 = 5 + 6 + 7 + 8 tells nothing new; with a quarter hidden it would.
            assert_eq!(
                s.cells[year].suppressed, first_hidden,
                "first_hidden {first_hidden}"
            );
        }
    }

    #[test]
    fn the_attacker_ties_a_figure_to_its_quarters_unless_it_tells_nothing_new() {
        for (first_hidden, tied) in [(false, false), (true, true)] {
            let (mut s, periods_of) = quarters(first_hidden);
            add_year(
                &mut s,
                &periods_of,
                (Some(26.0), false),
                true,
                &BTreeSet::new(),
            );
            assert_eq!(!s.relations.is_empty(), tied, "first_hidden {first_hidden}");
        }
        // A hidden year (all of its block hidden) is decoupled as well.
        let (mut s, periods_of) = quarters(true);
        add_year(&mut s, &periods_of, (None, true), true, &BTreeSet::new());
        assert!(s.relations.is_empty());
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
