//! The check an `openbaar/` table must pass before anyone who is not an analyst sees it. Every
//! column is read by what `schema::column_kind` says it is, whatever its storage type: a column
//! the contract does not know, or of a type that does not fit its kind, is refused; a person
//! count shows no value between 0 and `min_count`, carries its flag, and what is made from it is
//! null where it is hidden; text from input files is never there.

use std::collections::HashSet;

use datafusion::arrow::array::{Array, ArrayRef, BooleanArray, Float64Array, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;

use crate::schema::{ColumnKind, PersonRows, column_kind, person_count_indicators, person_rows};
use crate::tables::{flag_name, sensitive_columns};

/// The smallest `min_count` a reader accepts, whatever a manifest says (outputs.md §4): a
/// manifest edited to `min_count = 1` cannot open the door to small counts.
pub const MIN_COUNT_FLOOR: i64 = 5;

/// Why an `openbaar/` table is refused (the first problem found).
pub fn check_public_table(table: &str, batch: &RecordBatch, min_count: i64) -> Result<(), String> {
    let min_count = min_count.max(MIN_COUNT_FLOOR);
    let rows = person_rows_of(table, batch)?;
    for field in batch.schema().fields() {
        let name = field.name().as_str();
        let Some(kind) = column_kind(table, name) else {
            return Err(format!(
                "openbaar/{table} has a column the snapshot contract does not know: {name}"
            ));
        };
        if !type_fits(kind, field.data_type()) {
            return Err(format!(
                "openbaar/{table}.{name} is {} where the contract expects {kind:?}",
                field.data_type()
            ));
        }
        let column = batch
            .column_by_name(name)
            .ok_or_else(|| format!("openbaar/{table}.{name} cannot be read"))?;
        match kind {
            ColumnKind::InputText => {
                return Err(format!(
                    "openbaar/{table} holds {name}, text from input files (analysts only)"
                ));
            }
            ColumnKind::PersonCount => small(table, name, column, None, min_count)?,
            ColumnKind::PersonCountInRows => small(table, name, column, Some(&rows), min_count)?,
            ColumnKind::DerivedFrom(count) => {
                let flag = flag_of(batch, count).ok_or_else(|| {
                    format!("openbaar/{table}.{name} is made from {count}, which has no flag")
                })?;
                let leaks = (0..batch.num_rows())
                    .filter(|&r| flag.value(r) && !column.is_null(r))
                    .count();
                if leaks > 0 {
                    return Err(format!(
                        "openbaar/{table}.{name} has {leaks} values where {count} is hidden"
                    ));
                }
            }
            ColumnKind::DifferenceOf(a, b) => {
                let (Some(a), Some(b)) = (batch.column_by_name(a), batch.column_by_name(b)) else {
                    return Err(format!("openbaar/{table}.{name}: its parts are missing"));
                };
                let leaks = (0..batch.num_rows())
                    .filter(|&r| rows[r] && (a.is_null(r) || b.is_null(r)) && !column.is_null(r))
                    .count();
                if leaks > 0 {
                    return Err(format!(
                        "openbaar/{table}.{name} has {leaks} values beside a hidden count"
                    ));
                }
            }
            _ => {}
        }
    }
    for column in sensitive_columns(table) {
        if batch.column_by_name(column).is_some() && flag_of(batch, column).is_none() {
            return Err(format!(
                "openbaar/{table} has {column} without {}: not made by disclosure control",
                flag_name(column)
            ));
        }
    }
    Ok(())
}

/// Which rows of `batch` count persons in its `PersonCountInRows` columns (all, for a table
/// without such columns or when the marker cannot be read: fail closed).
fn person_rows_of(table: &str, batch: &RecordBatch) -> Result<Vec<bool>, String> {
    let all = vec![true; batch.num_rows()];
    Ok(match person_rows(table) {
        None => all,
        Some(PersonRows::IndicatorIsPersonCount) => {
            let persons: HashSet<&str> = person_count_indicators().into_iter().collect();
            // Without the indicator every row is taken for a person count.
            let Some(indicator) = batch.column_by_name("indicator") else {
                return Ok(all);
            };
            let indicator = cast(indicator, &DataType::Utf8).map_err(|e| e.to_string())?;
            let Some(text) = indicator
                .as_any()
                .downcast_ref::<datafusion::arrow::array::StringArray>()
            else {
                return Ok(all);
            };
            text.iter()
                .map(|v| v.is_none_or(|v| persons.contains(v)))
                .collect()
        }
        Some(PersonRows::MarkedPersoonsaantal) => {
            match batch
                .column_by_name("persoonsaantal")
                .and_then(|c| c.as_any().downcast_ref::<BooleanArray>())
            {
                Some(marked) => marked.iter().map(|v| v != Some(false)).collect(),
                None => all,
            }
        }
    })
}

/// The column's disclosure flag, when it has one of type boolean.
fn flag_of(batch: &RecordBatch, column: &str) -> Option<BooleanArray> {
    batch
        .column_by_name(&flag_name(column))?
        .as_any()
        .downcast_ref::<BooleanArray>()
        .cloned()
}

/// Refuses a value between 0 and `min_count` (exclusive) in the picked rows of a person count.
fn small(
    table: &str,
    name: &str,
    column: &ArrayRef,
    rows: Option<&[bool]>,
    min_count: i64,
) -> Result<(), String> {
    let count = small_count(column, rows, min_count)?;
    if count > 0 {
        return Err(format!(
            "openbaar/{table} shows {count} sensitive values below {min_count} in {name}"
        ));
    }
    Ok(())
}

/// How many values of a numeric column (any width or type) lie strictly between 0 and
/// `min_count`, in the rows picked (all when `None`).
pub fn small_count(
    column: &ArrayRef,
    rows: Option<&[bool]>,
    min_count: i64,
) -> Result<usize, String> {
    let values = cast(column, &DataType::Float64).map_err(|e| e.to_string())?;
    let values = values
        .as_any()
        .downcast_ref::<Float64Array>()
        .ok_or("not a number")?;
    let limit = min_count as f64;
    Ok(values
        .iter()
        .enumerate()
        .filter(|(r, v)| {
            rows.is_none_or(|rows| rows.get(*r).copied().unwrap_or(true))
                && v.is_some_and(|v| (v > 0.0 && v < limit) || v.is_nan())
        })
        .count())
}

fn is_number(t: &DataType) -> bool {
    t.is_integer()
        || t.is_floating()
        || matches!(t, DataType::Decimal128(..) | DataType::Decimal256(..))
}

fn is_text(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

/// Does a column of type `t` fit `kind`? Anything else is refused.
fn type_fits(kind: ColumnKind, t: &DataType) -> bool {
    use ColumnKind::*;
    match kind {
        Code | Name | Label | InputText | PolicyText => is_text(t),
        Date => matches!(t, DataType::Date32 | DataType::Date64),
        Flag => matches!(t, DataType::Boolean),
        PersonCount | PersonCountInRows | Count | Measure => is_number(t),
        // A difference, or the test of one (`opvallend`).
        DifferenceOf(..) => is_number(t) || matches!(t, DataType::Boolean),
        DerivedFrom(_) => is_number(t) || is_text(t) || matches!(t, DataType::Boolean),
        Measures => match t {
            DataType::Struct(fields) => fields.iter().all(|f| is_number(f.data_type())),
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::array::{Int32Array, Int64Array, StringArray};
    use datafusion::arrow::datatypes::{Field, Schema};

    use super::*;

    fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
        let fields: Vec<Field> = columns
            .iter()
            .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
            .collect();
        RecordBatch::try_new(
            Arc::new(Schema::new(fields)),
            columns.into_iter().map(|(_, a)| a).collect(),
        )
        .expect("batch")
    }

    fn signals(values: ArrayRef, flags: Vec<bool>) -> RecordBatch {
        batch(vec![
            (
                "gebiedscode",
                Arc::new(StringArray::from(vec!["GM1", "GM2"])),
            ),
            ("signalen_totaal", values),
            (
                "signalen_totaal_onderdrukt",
                Arc::new(BooleanArray::from(flags)),
            ),
        ])
    }

    #[test]
    fn a_small_count_is_refused_whatever_its_integer_type() {
        let int64 = signals(
            Arc::new(Int64Array::from(vec![Some(3), Some(9)])),
            vec![false; 2],
        );
        let int32 = signals(
            Arc::new(Int32Array::from(vec![Some(3), Some(9)])),
            vec![false; 2],
        );
        for b in [int64, int32] {
            let e = check_public_table("gebied_indicatoren", &b, 5).expect_err("a 3");
            assert!(e.contains("below 5"), "{e}");
        }
        let ok = signals(
            Arc::new(Int32Array::from(vec![None, Some(9)])),
            vec![true, false],
        );
        assert!(check_public_table("gebied_indicatoren", &ok, 5).is_ok());
    }

    #[test]
    fn the_floor_holds_whatever_the_manifest_says() {
        let b = signals(
            Arc::new(Int64Array::from(vec![Some(2), Some(9)])),
            vec![false; 2],
        );
        assert!(check_public_table("gebied_indicatoren", &b, 1).is_err());
    }

    #[test]
    fn unknown_columns_wrong_types_and_input_text_are_refused() {
        let unknown = batch(vec![(
            "adres",
            Arc::new(StringArray::from(vec!["x"])) as ArrayRef,
        )]);
        assert!(check_public_table("gebied_indicatoren", &unknown, 5).is_err());
        let text_count = batch(vec![(
            "kvk_risico_actief",
            Arc::new(StringArray::from(vec!["3"])) as ArrayRef,
        )]);
        assert!(check_public_table("gebied_indicatoren", &text_count, 5).is_err());
        let examples = batch(vec![(
            "voorbeelden",
            Arc::new(StringArray::from(vec!["2261QX 404B"])) as ArrayRef,
        )]);
        let e = check_public_table("kwaliteit", &examples, 5).expect_err("input text");
        assert!(e.contains("input files"), "{e}");
    }

    #[test]
    fn trend_rows_of_person_counts_are_checked_and_others_not() {
        let b = batch(vec![
            (
                "indicator",
                Arc::new(StringArray::from(vec![
                    "kvk_risico_actief",
                    "rni_ingeschrevenen",
                ])),
            ),
            (
                "waarde",
                Arc::new(Float64Array::from(vec![Some(2.0), Some(12.0)])),
            ),
            (
                "vorig_jaar",
                Arc::new(Float64Array::from(vec![Some(1.0), Some(3.0)])),
            ),
        ]);
        let e = check_public_table("trends", &b, 5).expect_err("a 3 last year");
        assert!(e.contains("vorig_jaar"), "{e}");
    }

    #[test]
    fn a_rate_of_a_hidden_count_is_refused() {
        let (count, rate) = crate::indicators::derived_from_person_counts()
            .next()
            .expect("a rate of a person count");
        let flag = flag_name(count);
        let b = batch(vec![
            (count, Arc::new(Int64Array::from(vec![None, Some(40)]))),
            (
                flag.as_str(),
                Arc::new(BooleanArray::from(vec![true, false])),
            ),
            (
                rate,
                Arc::new(Float64Array::from(vec![Some(0.4), Some(4.0)])),
            ),
        ]);
        let e = check_public_table("gebied_indicatoren", &b, 5).expect_err("a derived rate");
        assert!(e.contains("hidden"), "{e}");
    }
}
