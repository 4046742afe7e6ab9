//! The published trends' mark: `openbaar/trends` is recomputed from the suppressed counts, and
//! `waarde_onderdrukt` tells which of its values are hidden (rather than missing), from the
//! cell system's hidden counts.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, BooleanArray, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};

use rayon::prelude::*;

use super::{CellSystem, DisclosureError, column_as, flag_name, write_gebied_label};

/// Rows per task of `trend_flags`.
const CHUNK: usize = 65_536;

/// `openbaar/trends` with `waarde_onderdrukt`: true where the row's value is hidden because the
/// count it is (or is made from) is hidden, so that a chart marks it like any hidden figure
/// instead of leaving a gap that looks like missing data.
pub(super) fn trend_flags(
    trends: &RecordBatch,
    system: &CellSystem,
) -> Result<RecordBatch, DisclosureError> {
    // A national table has a million rows and more: the strings are read in place and each
    // label written into one buffer.
    let [n, c, i, p] = ["niveau", "gebiedscode", "indicator", "periode"]
        .map(|name| column_as(trends, name, &DataType::Utf8));
    let (n, c, i, p) = (n?, c?, i?, p?);
    let [n, c, i, p] = [&n, &c, &i, &p].map(|a| a.as_any().downcast_ref::<StringArray>());
    let (Some(n), Some(c), Some(i), Some(p)) = (n, c, i, p) else {
        return Err(DisclosureError::Shape("trends: text columns".into()));
    };
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
}
