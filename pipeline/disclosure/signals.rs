//! The signal tables in the cell system: the funnel of `signalen_fasen` (each phase reached is
//! the phase's own count plus the next phase reached; the forms sum to the gemeente's form
//! columns) and the yearly sources of `signalen_bronnen` (Σ bron = the year's signalen_totaal;
//! a district or regio the sum of its gemeenten).

use std::collections::BTreeMap;

use datafusion::arrow::array::{BooleanArray, RecordBatch};
use datafusion::arrow::compute::filter_record_batch;
use risicobeeld_snapshot::vocabulary::{signal_form_columns, vormen_in};

use super::evaluation::{evaluatie_label, level_importance};
use super::{CellSystem, DisclosureError, FormsOf, flags, gebied_label, ints, strings};

pub(crate) fn fase_label(
    gemeente: &str,
    periode: &str,
    vorm: &str,
    fase: i64,
    column: &str,
) -> String {
    format!("signalen_fasen {gemeente} {periode} {vorm} fase {fase} {column}")
}

/// The label of a cell of `signalen_bronnen`.
pub(crate) fn bron_label(niveau: &str, code: &str, periode: &str, bron: &str) -> String {
    format!("signalen_bronnen {niveau} {code} {periode} {bron}")
}

/// How much a cell of the funnel (one gemeente, period, form and phase) matters: half a buurt's.
const FUNNEL_IMPORTANCE: f64 = 0.5;

/// The funnel: bereikt(f) = aantal(f) + bereikt(f + 1); and the per-form totals of the gemeente
/// row. Returns the forms of each (gemeente, period) for the evaluation's funnel.
pub(super) fn add_fasen(
    s: &mut CellSystem,
    fasen: &RecordBatch,
) -> Result<FormsOf, DisclosureError> {
    let gm = strings(fasen, "gebiedscode")?;
    let periode = strings(fasen, "periode")?;
    let vorm = strings(fasen, "vorm")?;
    let fase = ints(fasen, "fase")?;
    let (aantal, aantal_f) = (ints(fasen, "aantal")?, flags(fasen, "aantal"));
    let (bereikt, bereikt_f) = (ints(fasen, "bereikt")?, flags(fasen, "bereikt"));
    let mut groups: BTreeMap<(String, String, String), Vec<usize>> = BTreeMap::new();
    for r in 0..fasen.num_rows() {
        let (Some(g), Some(p), Some(v), Some(f)) = (&gm[r], &periode[r], &vorm[r], fase[r]) else {
            continue;
        };
        // A phase of one form matters less than the gemeente's totals (`FUNNEL_IMPORTANCE`).
        if aantal[r].is_some() || aantal_f[r] {
            let id = s.cell(fase_label(g, p, v, f, "aantal"), aantal[r], aantal_f[r]);
            s.cells[id].importance = FUNNEL_IMPORTANCE;
        }
        if bereikt[r].is_some() || bereikt_f[r] {
            let id = s.cell(fase_label(g, p, v, f, "bereikt"), bereikt[r], bereikt_f[r]);
            s.cells[id].importance = FUNNEL_IMPORTANCE;
        }
        groups.entry((g.clone(), p.clone(), v.clone())).or_default();
    }
    let mut forms_of = FormsOf::new();
    for (g, p, v) in groups.keys() {
        forms_of
            .entry((g.clone(), p.clone()))
            .or_default()
            .push(v.clone());
    }
    let mut first_phase: BTreeMap<(String, String), Vec<(String, usize)>> = BTreeMap::new();
    for (g, p, v) in groups.keys() {
        for f in 1..=5 {
            let (Some(b), Some(a)) = (
                s.get(&fase_label(g, p, v, f, "bereikt")),
                s.get(&fase_label(g, p, v, f, "aantal")),
            ) else {
                continue;
            };
            let mut parts = vec![a];
            if let Some(next) = s.get(&fase_label(g, p, v, f + 1, "bereikt")) {
                parts.push(next);
            }
            s.relate(b, parts, true);
            if f == 1 {
                first_phase
                    .entry((g.clone(), p.clone()))
                    .or_default()
                    .push((v.clone(), b));
            }
        }
    }
    for ((g, p), forms) in first_phase {
        let of = |names: &[&str]| {
            forms
                .iter()
                .filter(|(v, _)| names.contains(&v.as_str()))
                .map(|(_, b)| *b)
                .collect::<Vec<_>>()
        };
        // Each form column of gebied_indicatoren is the sum of its forms in signalen_fasen, as
        // the SQL groups them (one definition: `SIGNAALVORMEN`).
        for column in signal_form_columns() {
            if let Some(total) = s.get(&gebied_label("gemeente", &g, &p, column)) {
                s.relate(total, of(&vormen_in(column)), true);
            }
        }
    }
    Ok(forms_of)
}

pub(super) fn fase_labels(
    batch: &RecordBatch,
) -> Result<impl Fn(usize, &str) -> Option<String>, DisclosureError> {
    let (g, p, v, f) = (
        strings(batch, "gebiedscode")?,
        strings(batch, "periode")?,
        strings(batch, "vorm")?,
        ints(batch, "fase")?,
    );
    Ok(move |r: usize, column: &str| {
        Some(fase_label(
            g[r].as_deref()?,
            p[r].as_deref()?,
            v[r].as_deref()?,
            f[r]?,
            column,
        ))
    })
}

/// How much a source's yearly figure matters beside its level's (`level_importance`): like a
/// quarter's total — the yearly figures by source are what part 2 of the evaluation shows, but
/// never at the cost of the totals.
const BRON_IMPORTANCE: f64 = 1.0;

/// Is `periode` a year (`2024`) rather than one of the table's periods?
fn is_year(periode: &str) -> bool {
    periode.len() == 4 && periode.bytes().all(|b| b.is_ascii_digit())
}

/// The yearly rows of `signalen_bronnen`, the only ones `openbaar/` publishes: per quarter
/// nearly every gemeente's count by source is below `min_count` (on the demo 36 of 3,660 are
/// not), and hiding them would pull the yearly figures down with them (docs/disclosure.md).
pub(super) fn years_only(bronnen: &RecordBatch) -> Result<RecordBatch, DisclosureError> {
    let keep: BooleanArray = strings(bronnen, "periode")?
        .iter()
        .map(|p| Some(p.as_deref().is_some_and(is_year)))
        .collect();
    Ok(filter_record_batch(bronnen, &keep)?)
}

/// The yearly sources of `signalen_bronnen` as cells: per area and year Σ bron = the year's
/// `signalen_totaal` in the evaluation (or, at the grain `jaar`, in `gebied_indicatoren`); a
/// district or regio per source = Σ its gemeenten (`parents`: gemeente → its district and
/// regio). Rows of other periods are not published and not taken in.
pub(super) fn add_bronnen(
    s: &mut CellSystem,
    bronnen: &RecordBatch,
    parents: &BTreeMap<String, [Option<String>; 2]>,
) -> Result<(), DisclosureError> {
    let niveau = strings(bronnen, "niveau")?;
    let code = strings(bronnen, "gebiedscode")?;
    let periode = strings(bronnen, "periode")?;
    let bron = strings(bronnen, "bron")?;
    let (aantal, hidden) = (ints(bronnen, "aantal")?, flags(bronnen, "aantal"));
    // (niveau, code, year) → the sources' cells; (level, parent, year, bron) → its gemeenten's.
    let mut per_area: BTreeMap<(&str, &str, &str), Vec<usize>> = BTreeMap::new();
    let mut members: BTreeMap<(&str, String, &str, &str), Vec<usize>> = BTreeMap::new();
    for r in 0..bronnen.num_rows() {
        let (Some(n), Some(c), Some(p), Some(b)) = (&niveau[r], &code[r], &periode[r], &bron[r])
        else {
            continue;
        };
        if !is_year(p) || (aantal[r].is_none() && !hidden[r]) {
            continue;
        }
        let id = s.cell(bron_label(n, c, p, b), aantal[r], hidden[r]);
        s.cells[id].importance = level_importance(n) * BRON_IMPORTANCE;
        per_area.entry((n, c, p)).or_default().push(id);
        if n == "gemeente" {
            let up = parents.get(c).into_iter().flatten();
            for (level, parent) in ["district", "regio"].into_iter().zip(up) {
                if let Some(parent) = parent {
                    members
                        .entry((level, parent.clone(), p, b))
                        .or_default()
                        .push(id);
                }
            }
        }
    }
    for ((n, c, p), parts) in per_area {
        let total = s
            .get(&evaluatie_label(n, c, p, "signalen_totaal"))
            .or_else(|| s.get(&gebied_label(n, c, p, "signalen_totaal")));
        if let Some(total) = total {
            s.relate(total, parts, true);
        }
    }
    for ((level, parent, p, b), parts) in members {
        if let Some(total) = s.get(&bron_label(level, &parent, p, b)) {
            s.relate(total, parts, true);
        }
    }
    Ok(())
}
