//! The victims of `slachtoffers` in the cell system: per area and year every one-way breakdown
//! (source, form, age class, gender) sums to the year's total, and a district or regio is the
//! sum of its gemeenten that delivered, per category. The table ties to no other: its cells form
//! parts of their own.

use std::collections::BTreeMap;

use datafusion::arrow::array::RecordBatch;

use super::evaluation::level_importance;
use super::{CellSystem, DisclosureError, flags, ints, strings};

/// The label of a cell of `slachtoffers`.
pub(crate) fn slachtoffer_label(
    niveau: &str,
    code: &str,
    jaar: i64,
    dimensie: &str,
    waarde: &str,
) -> String {
    format!("slachtoffers {niveau} {code} {jaar} {dimensie} {waarde}")
}

/// How much the year's total of victims matters beside a category of a breakdown: the total is
/// the figure part 4 of the evaluation and the college page lead with.
const TOTAL_IMPORTANCE: f64 = 4.0;

/// The cells and relations of `slachtoffers` (`parents`: gemeente → its district and regio).
pub(super) fn add_slachtoffers(
    s: &mut CellSystem,
    batch: &RecordBatch,
    parents: &BTreeMap<String, [Option<String>; 2]>,
) -> Result<(), DisclosureError> {
    let niveau = strings(batch, "niveau")?;
    let code = strings(batch, "gebiedscode")?;
    let jaar = ints(batch, "jaar")?;
    let dimensie = strings(batch, "dimensie")?;
    let waarde = strings(batch, "waarde")?;
    let (aantal, hidden) = (ints(batch, "aantal")?, flags(batch, "aantal"));
    // (niveau, code, jaar) → the total; (niveau, code, jaar, dimensie) → its categories;
    // (level, parent, jaar, dimensie, waarde) → its gemeenten's cells.
    let mut totals: BTreeMap<(&str, &str, i64), usize> = BTreeMap::new();
    let mut breakdowns: BTreeMap<(&str, &str, i64, &str), Vec<usize>> = BTreeMap::new();
    let mut members: BTreeMap<(&str, String, i64, &str, &str), Vec<usize>> = BTreeMap::new();
    for r in 0..batch.num_rows() {
        let (Some(n), Some(c), Some(j), Some(d), Some(w)) =
            (&niveau[r], &code[r], jaar[r], &dimensie[r], &waarde[r])
        else {
            continue;
        };
        if aantal[r].is_none() && !hidden[r] {
            continue;
        }
        let id = s.cell(slachtoffer_label(n, c, j, d, w), aantal[r], hidden[r]);
        let total = d == "totaal";
        s.cells[id].importance = level_importance(n) * if total { TOTAL_IMPORTANCE } else { 1.0 };
        if total {
            totals.insert((n, c, j), id);
        } else {
            breakdowns.entry((n, c, j, d)).or_default().push(id);
        }
        if n == "gemeente" {
            let up = parents.get(c).into_iter().flatten();
            for (level, parent) in ["district", "regio"].into_iter().zip(up) {
                if let Some(parent) = parent {
                    members
                        .entry((level, parent.clone(), j, d, w))
                        .or_default()
                        .push(id);
                }
            }
        }
    }
    for ((n, c, j, _), parts) in breakdowns {
        if let Some(&total) = totals.get(&(n, c, j)) {
            s.relate(total, parts, true);
        }
    }
    for ((level, parent, j, d, w), parts) in members {
        if let Some(total) = s.get(&slachtoffer_label(level, &parent, j, d, w)) {
            s.relate(total, parts, true);
        }
    }
    Ok(())
}

/// The cell label of each row of `slachtoffers`, for `suppress`.
pub(super) fn slachtoffer_labels(
    batch: &RecordBatch,
) -> Result<impl Fn(usize, &str) -> Option<String>, DisclosureError> {
    let (n, c, j, d, w) = (
        strings(batch, "niveau")?,
        strings(batch, "gebiedscode")?,
        ints(batch, "jaar")?,
        strings(batch, "dimensie")?,
        strings(batch, "waarde")?,
    );
    Ok(move |r: usize, _column: &str| {
        Some(slachtoffer_label(
            n[r].as_deref()?,
            c[r].as_deref()?,
            j[r]?,
            d[r].as_deref()?,
            w[r].as_deref()?,
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Int64Array, StringArray};
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use std::sync::Arc;

    #[test]
    fn each_breakdown_sums_to_the_total_and_gemeenten_to_their_district() {
        // Two gemeenten of district D, one year; totaal and the two genders only.
        let rows = [
            ("gemeente", "GM1", "totaal", "totaal", 7),
            ("gemeente", "GM1", "geslacht", "vrouw", 5),
            ("gemeente", "GM1", "geslacht", "man", 2),
            ("gemeente", "GM2", "totaal", "totaal", 3),
            ("gemeente", "GM2", "geslacht", "vrouw", 3),
            ("gemeente", "GM2", "geslacht", "man", 0),
            ("district", "D", "totaal", "totaal", 10),
            ("district", "D", "geslacht", "vrouw", 8),
            ("district", "D", "geslacht", "man", 2),
        ];
        type Row = (&'static str, &'static str, &'static str, &'static str, i64);
        let text = |f: fn(&Row) -> &'static str| {
            Arc::new(StringArray::from(rows.iter().map(f).collect::<Vec<_>>()))
        };
        let batch = RecordBatch::try_new(
            Arc::new(Schema::new(vec![
                Field::new("niveau", DataType::Utf8, false),
                Field::new("gebiedscode", DataType::Utf8, false),
                Field::new("jaar", DataType::Int64, false),
                Field::new("dimensie", DataType::Utf8, false),
                Field::new("waarde", DataType::Utf8, false),
                Field::new("aantal", DataType::Int64, false),
            ])),
            vec![
                text(|r| r.0),
                text(|r| r.1),
                Arc::new(Int64Array::from(vec![2024; rows.len()])),
                text(|r| r.2),
                text(|r| r.3),
                Arc::new(Int64Array::from(
                    rows.iter().map(|r| r.4).collect::<Vec<_>>(),
                )),
            ],
        )
        .expect("batch");
        let parents = BTreeMap::from([
            ("GM1".to_string(), [Some("D".to_string()), None]),
            ("GM2".to_string(), [Some("D".to_string()), None]),
        ]);
        let mut s = CellSystem::default();
        add_slachtoffers(&mut s, &batch, &parents).expect("cells");
        assert_eq!(s.cells.len(), 9);
        // Per area: totaal = vrouw + man (3 relations); per category: D = GM1 + GM2 (3).
        assert_eq!(s.relations.len(), 6);
        for rel in &s.relations {
            assert!(rel.exact);
            assert_eq!(
                rel.holds(|c| s.cells[c].value.map(|v| v as f64), 1e-9),
                Some(true)
            );
        }
        let total = s
            .get("slachtoffers district D 2024 totaal totaal")
            .expect("D");
        assert!(
            s.cells[total].importance
                > s.cells[s
                    .get("slachtoffers district D 2024 geslacht man")
                    .expect("man")]
                .importance
        );
    }
}
