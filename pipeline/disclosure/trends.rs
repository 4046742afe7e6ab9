//! The published trends' mark: `openbaar/trends` is recomputed from the suppressed counts, and
//! `waarde_onderdrukt` tells which of its values are hidden (rather than missing), from the
//! cell system's hidden counts.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, BooleanArray, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};

use rayon::prelude::*;

use datafusion::arrow::compute::concat;

use super::{
    CellSystem, DisclosureError, changed_by_disclosure, column_as, flag_name, write_gebied_label,
};

/// Rows per task of `trend_flags`.
const CHUNK: usize = 65_536;

/// A trends table's key columns as text: `niveau`, `gebiedscode`, `indicator`, `periode`.
fn keys(trends: &RecordBatch) -> Result<[StringArray; 4], DisclosureError> {
    let key = |name: &str| -> Result<StringArray, DisclosureError> {
        column_as(trends, name, &DataType::Utf8)?
            .as_any()
            .downcast_ref::<StringArray>()
            .cloned()
            .ok_or_else(|| DisclosureError::Shape(format!("trends: {name} as text")))
    };
    Ok([
        key("niveau")?,
        key("gebiedscode")?,
        key("indicator")?,
        key("periode")?,
    ])
}

/// `openbaar/trends` from the full table and the rerun over the suppressed counts of only the
/// indicators disclosure can change (`changed_by_disclosure`), marked (`trend_flags`): each
/// other indicator's rows are the full table's, unmarked. Both come from one model with one
/// order, and the rerun holds exactly the full table's rows of its indicators, so each of its
/// rows takes the place of the next such row of the full table — the model's order, with no
/// second copy of it here. A rerun row that does not line up with that row (another area,
/// period or indicator), or rows left over on either side, is an error, never a mixed table.
/// The rows come in runs from one side (an area's indicators in name order), so each column is
/// put together from slices, the batches and the columns on every core.
pub(super) fn with_unchanged(
    full: &[RecordBatch],
    rerun: &RecordBatch,
) -> Result<RecordBatch, DisclosureError> {
    let misfit = |what: String| DisclosureError::Shape(format!("openbaar/trends: {what}"));
    let rerun_keys = keys(rerun)?;
    // Which rows of each batch the rerun replaces; the runs of rows are the same indicator.
    let changed: Vec<Vec<bool>> = full
        .par_iter()
        .map(|batch| {
            let [_, _, indicators, _] = keys(batch)?;
            let mut last: Option<(&str, bool)> = None;
            Ok((0..batch.num_rows())
                .map(|r| {
                    let name = indicators.is_valid(r).then(|| indicators.value(r));
                    match (name, last) {
                        (Some(name), Some((seen, answer))) if name == seen => answer,
                        (Some(name), _) => {
                            let answer = risicobeeld_snapshot::indicators::indicator(name)
                                .is_some_and(changed_by_disclosure);
                            last = Some((name, answer));
                            answer
                        }
                        (None, _) => false,
                    }
                })
                .collect())
        })
        .collect::<Result<_, DisclosureError>>()?;
    // Where each batch's rows start in the rerun.
    let mut first_of_batch = Vec::with_capacity(full.len());
    let mut replaced = 0;
    for rows in &changed {
        first_of_batch.push(replaced);
        replaced += rows.iter().filter(|&&c| c).count();
    }
    if replaced != rerun.num_rows() {
        return Err(misfit(format!(
            "the rerun has {} rows for the full table's {replaced}",
            rerun.num_rows()
        )));
    }
    // Runs `(side, first row, rows)`: side `b` is the full table's batch `b`, `full.len()` the
    // rerun. Each rerun row is checked against the row it replaces.
    let runs: Vec<Vec<(usize, usize, usize)>> =
        full.par_iter()
            .zip(&changed)
            .zip(&first_of_batch)
            .enumerate()
            .map(|(b, ((batch, changed), &first))| {
                let full_keys = keys(batch)?;
                let mut runs: Vec<(usize, usize, usize)> = Vec::new();
                let mut at = first;
                for (r, &replace) in changed.iter().enumerate() {
                    let (side, row) = if replace {
                        let lines_up = full_keys.iter().zip(&rerun_keys).all(|(f, o)| {
                            f.is_valid(r) == o.is_valid(at) && f.value(r) == o.value(at)
                        });
                        if !lines_up {
                            return Err(misfit(format!(
                                "the rerun's row {at} is not the full table's row {r} of batch {b}"
                            )));
                        }
                        at += 1;
                        (full.len(), at - 1)
                    } else {
                        (b, r)
                    };
                    match runs.last_mut() {
                        Some((s, start, len)) if *s == side && *start + *len == row => *len += 1,
                        _ => runs.push((side, row, 1)),
                    }
                }
                Ok(runs)
            })
            .collect::<Result<_, DisclosureError>>()?;
    let runs: Vec<(usize, usize, usize)> = runs.into_iter().flatten().collect();
    let flag = flag_name("waarde");
    if rerun.column_by_name(&flag).is_none() {
        return Err(misfit(format!("the rerun has no {flag}")));
    }
    let schema = rerun.schema();
    if runs.is_empty() {
        return Ok(RecordBatch::new_empty(schema));
    }
    let columns = schema
        .fields()
        .par_iter()
        .zip(rerun.columns())
        .map(
            |(field, rerun_column)| -> Result<ArrayRef, DisclosureError> {
                // The full table's side of the column: its own, or for the mark, all unmarked.
                let mut sides: Vec<ArrayRef> = full
                    .iter()
                    .map(|batch| {
                        if field.name() == &flag {
                            return Ok(Arc::new(BooleanArray::from(vec![false; batch.num_rows()]))
                                as ArrayRef);
                        }
                        batch
                            .column_by_name(field.name())
                            .filter(|c| c.data_type() == field.data_type())
                            .cloned()
                            .ok_or_else(|| misfit(format!("the full table's {}", field.name())))
                    })
                    .collect::<Result<_, _>>()?;
                sides.push(rerun_column.clone());
                let slices: Vec<ArrayRef> = runs
                    .iter()
                    .map(|&(side, start, len)| sides[side].slice(start, len))
                    .collect();
                let slices: Vec<&dyn Array> = slices.iter().map(|a| a.as_ref()).collect();
                Ok(concat(&slices)?)
            },
        )
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RecordBatch::try_new(schema, columns)?)
}

/// `openbaar/trends` with `waarde_onderdrukt`: true where the row's value is hidden because the
/// count it is (or is made from) is hidden, so that a chart marks it like any hidden figure
/// instead of leaving a gap that looks like missing data.
pub(super) fn trend_flags(
    trends: &RecordBatch,
    system: &CellSystem,
) -> Result<RecordBatch, DisclosureError> {
    // A national table has a million rows and more: the strings are read in place and each
    // label written into one buffer.
    let [n, c, i, p] = &keys(trends)?;
    // The rows in runs of `CHUNK`, side by side; each run writes its labels into one buffer.
    let flags: Vec<Vec<bool>> = (0..trends.num_rows())
        .step_by(CHUNK)
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|start| {
            let mut label = String::new();
            (start..trends.num_rows().min(start + CHUNK))
                .map(|r| {
                    let deciding = i
                        .is_valid(r)
                        .then(|| risicobeeld_snapshot::indicators::indicator(i.value(r)))
                        .flatten()
                        .and_then(|ind| ind.deciding_count());
                    let known = n.is_valid(r) && c.is_valid(r) && p.is_valid(r);
                    match deciding {
                        Some(column) if known => {
                            label.clear();
                            write_gebied_label(
                                &mut label,
                                n.value(r),
                                c.value(r),
                                p.value(r),
                                column,
                            );
                            system.is_suppressed(&label)
                        }
                        _ => false,
                    }
                })
                .collect()
        })
        .collect();
    let flag: BooleanArray = flags.into_iter().flatten().map(Some).collect();
    let mut fields: Vec<Arc<Field>> = trends.schema().fields().iter().cloned().collect();
    let mut arrays: Vec<ArrayRef> = trends.columns().to_vec();
    let at = fields
        .iter()
        .position(|f| f.name() == "waarde")
        .map_or(fields.len(), |i| i + 1);
    fields.insert(
        at,
        Arc::new(Field::new(flag_name("waarde"), DataType::Boolean, false)),
    );
    arrays.insert(at, Arc::new(flag));
    Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disclosure::gebied_label;

    /// A trend row is marked hidden where the count it is, or is made from, is hidden for its
    /// area and period — and nowhere else: not another period, area or level, not an indicator
    /// without a deciding count, not a row without an indicator.
    #[test]
    fn a_trend_is_marked_where_its_deciding_count_is_hidden() {
        let mut system = CellSystem::default();
        system.cell(
            gebied_label("gemeente", "GM1", "2024-Q4", "signalen_totaal"),
            Some(3),
            true,
        );
        system.cell(
            gebied_label("gemeente", "GM1", "2024-Q3", "signalen_totaal"),
            Some(9),
            false,
        );
        type Row = (
            &'static str,
            &'static str,
            Option<&'static str>,
            &'static str,
            bool,
        );
        let rows: [Row; 7] = [
            ("gemeente", "GM1", Some("signalen_totaal"), "2024-Q4", true),
            // Its deciding count is signalen_totaal (the registry).
            (
                "gemeente",
                "GM1",
                Some("signalen_per_10000_inwoners"),
                "2024-Q4",
                true,
            ),
            ("gemeente", "GM1", Some("signalen_totaal"), "2024-Q3", false),
            ("gemeente", "GM2", Some("signalen_totaal"), "2024-Q4", false),
            ("district", "GM1", Some("signalen_totaal"), "2024-Q4", false),
            ("gemeente", "GM1", Some("inwoners"), "2024-Q4", false),
            ("gemeente", "GM1", None, "2024-Q4", false),
        ];
        let text = |pick: fn(&Row) -> Option<&'static str>| {
            Arc::new(StringArray::from(rows.iter().map(pick).collect::<Vec<_>>())) as ArrayRef
        };
        let trends = RecordBatch::try_from_iter([
            ("niveau", text(|r| Some(r.0))),
            ("gebiedscode", text(|r| Some(r.1))),
            ("indicator", text(|r| r.2)),
            ("periode", text(|r| Some(r.3))),
            (
                "waarde",
                Arc::new(datafusion::arrow::array::Float64Array::from(vec![1.0; 7])) as ArrayRef,
            ),
        ])
        .expect("a batch");
        let flagged = trend_flags(&trends, &system).expect("flags");
        // The flag stands right after `waarde`.
        assert_eq!(flagged.schema().field(5).name(), "waarde_onderdrukt");
        let flags = flagged
            .column(5)
            .as_any()
            .downcast_ref::<BooleanArray>()
            .expect("booleans");
        let expected: Vec<bool> = rows.iter().map(|r| r.4).collect();
        assert_eq!(flags.iter().flatten().collect::<Vec<_>>(), expected);
    }

    /// niveau, gebiedscode, indicator, periode, waarde.
    type TrendRow = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        Option<f64>,
    );

    /// A trends table of `rows`.
    fn trends_of(rows: &[TrendRow]) -> RecordBatch {
        let text = |pick: fn(&TrendRow) -> &'static str| {
            Arc::new(StringArray::from_iter_values(rows.iter().map(pick))) as ArrayRef
        };
        RecordBatch::try_from_iter([
            ("niveau", text(|r| r.0)),
            ("gebiedscode", text(|r| r.1)),
            ("indicator", text(|r| r.2)),
            ("periode", text(|r| r.3)),
            (
                "waarde",
                Arc::new(datafusion::arrow::array::Float64Array::from_iter(
                    rows.iter().map(|r| r.4),
                )) as ArrayRef,
            ),
        ])
        .expect("a batch")
    }

    /// The full table (two batches) has `inwoners` (not changed by disclosure) and
    /// `signalen_totaal` (changed) for GM1 and GM2; the rerun has only the signals, GM1's 2024-Q4
    /// hidden (null, marked). Put together: every `inwoners` row the full table's, unmarked, in
    /// its place; every signals row the rerun's, with its mark. A rerun that does not line up
    /// (another area) or has a row too many is refused.
    #[test]
    fn the_rerun_takes_the_place_of_the_changed_rows_and_the_others_stay() {
        let full = [
            trends_of(&[
                ("gemeente", "GM1", "inwoners", "2024-Q4", Some(900.0)),
                ("gemeente", "GM1", "signalen_totaal", "2024-Q3", Some(7.0)),
                ("gemeente", "GM1", "signalen_totaal", "2024-Q4", Some(3.0)),
            ]),
            trends_of(&[
                ("gemeente", "GM2", "inwoners", "2024-Q4", Some(800.0)),
                ("gemeente", "GM2", "signalen_totaal", "2024-Q4", Some(12.0)),
            ]),
        ];
        let mut system = CellSystem::default();
        system.cell(
            gebied_label("gemeente", "GM1", "2024-Q4", "signalen_totaal"),
            Some(3),
            true,
        );
        let rerun_rows = [
            ("gemeente", "GM1", "signalen_totaal", "2024-Q3", Some(7.0)),
            ("gemeente", "GM1", "signalen_totaal", "2024-Q4", None),
            ("gemeente", "GM2", "signalen_totaal", "2024-Q4", Some(12.0)),
        ];
        let rerun = trend_flags(&trends_of(&rerun_rows), &system).expect("flags");
        let open = with_unchanged(&full, &rerun).expect("lines up");
        assert_eq!(open.schema(), rerun.schema());
        let [_, codes, indicators, _] = keys(&open).expect("keys");
        let waarde = open
            .column_by_name("waarde")
            .and_then(|a| {
                a.as_any()
                    .downcast_ref::<datafusion::arrow::array::Float64Array>()
            })
            .expect("waarde");
        let flags = open
            .column_by_name("waarde_onderdrukt")
            .and_then(|a| a.as_any().downcast_ref::<BooleanArray>())
            .expect("flags");
        let got: Vec<(&str, &str, Option<f64>, bool)> = (0..open.num_rows())
            .map(|r| {
                (
                    codes.value(r),
                    indicators.value(r),
                    waarde.is_valid(r).then(|| waarde.value(r)),
                    flags.value(r),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("GM1", "inwoners", Some(900.0), false),
                ("GM1", "signalen_totaal", Some(7.0), false),
                ("GM1", "signalen_totaal", None, true),
                ("GM2", "inwoners", Some(800.0), false),
                ("GM2", "signalen_totaal", Some(12.0), false),
            ]
        );
        let mut elsewhere = rerun_rows;
        elsewhere[2].1 = "GM3";
        let elsewhere = trend_flags(&trends_of(&elsewhere), &system).expect("flags");
        assert!(with_unchanged(&full, &elsewhere).is_err());
        let mut more = rerun_rows.to_vec();
        more.push(("gemeente", "GM2", "signalen_totaal", "2025-Q1", Some(1.0)));
        let more = trend_flags(&trends_of(&more), &system).expect("flags");
        assert!(with_unchanged(&full, &more).is_err());
    }
}
