//! SQL functions for display, registered in the server's SQL contexts so that a dashboard query
//! can say how sure a figure is in the words and numbers a page shows: `interval_tekst(value,
//! low, high)` → "4,1 (3,2–5,3)".

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, Float64Array, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result as DfResult;
use datafusion::logical_expr::{ColumnarValue, Volatility, create_udf};
use datafusion::prelude::SessionContext;

use super::frame::format_number;

/// A value with its interval in Dutch notation, all three rounded alike: to the decimals that
/// show the interval's width with two digits (at least one, at most three), so a wide interval
/// is not written with false precision and a narrow one does not collapse ("2 (1,9–2)").
/// Without an interval, the value alone, to one decimal from 1 up and two below.
pub fn interval_text(value: f64, low: Option<f64>, high: Option<f64>) -> String {
    let decimals = match (low, high) {
        (Some(l), Some(h)) if h - l > 0.0 => (1.0 - (h - l).log10().floor()).clamp(1.0, 3.0) as i32,
        _ if value.abs() >= 1.0 => 1,
        _ => 2,
    };
    let round = |v: f64| {
        let f = 10f64.powi(decimals);
        format_number((v * f).round() / f)
    };
    match (low, high) {
        (Some(l), Some(h)) => format!("{} ({}–{})", round(value), round(l), round(h)),
        _ => round(value),
    }
}

/// Registers `interval_tekst(value, low, high)` (null when the value is null).
pub fn register(ctx: &SessionContext) {
    let body = |args: &[ColumnarValue]| -> DfResult<ColumnarValue> {
        let arrays = ColumnarValue::values_to_arrays(args)?;
        let columns: Vec<Float64Array> = arrays
            .iter()
            .map(|a| {
                datafusion::arrow::compute::cast(a, &DataType::Float64).map(|c| {
                    c.as_any()
                        .downcast_ref::<Float64Array>()
                        .cloned()
                        .unwrap_or_else(|| Float64Array::from(vec![None; a.len()]))
                })
            })
            .collect::<Result<_, _>>()?;
        let rows = columns.first().map_or(0, Array::len);
        let at = |c: usize, r: usize| columns.get(c).filter(|a| !a.is_null(r)).map(|a| a.value(r));
        let out: StringArray = (0..rows)
            .map(|r| at(0, r).map(|v| interval_text(v, at(1, r), at(2, r))))
            .collect();
        Ok(ColumnarValue::Array(Arc::new(out) as ArrayRef))
    };
    ctx.register_udf(create_udf(
        "interval_tekst",
        vec![DataType::Float64; 3],
        DataType::Utf8,
        Volatility::Immutable,
        Arc::new(body),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_read_as_the_pages_show_them() {
        assert_eq!(interval_text(4.1, Some(3.24), Some(5.26)), "4,1 (3,2–5,3)");
        // A narrow interval keeps the digits that tell its ends apart.
        assert_eq!(
            interval_text(1.984, Some(1.931), Some(2.036)),
            "1,98 (1,93–2,04)"
        );
        assert_eq!(
            interval_text(0.052, Some(0.0123), Some(0.21)),
            "0,05 (0,01–0,21)"
        );
        assert_eq!(interval_text(12.0, Some(0.0), Some(30.0)), "12 (0–30)");
        assert_eq!(interval_text(2.345, None, None), "2,3");
    }

    #[tokio::test]
    async fn the_sql_function_formats_each_row_and_keeps_nulls() {
        let ctx = SessionContext::new();
        register(&ctx);
        let batches = ctx
            .sql("SELECT interval_tekst(v, l, h) AS t FROM (VALUES (4.1, 3.2, 5.3), (NULL, 1.0, 2.0), (7.0, NULL, NULL)) AS x(v, l, h)")
            .await
            .expect("plan")
            .collect()
            .await
            .expect("run");
        let texts = batches[0]
            .column(0)
            .as_any()
            .downcast_ref::<StringArray>()
            .expect("text")
            .iter()
            .map(|t| t.map(str::to_string))
            .collect::<Vec<_>>();
        assert_eq!(
            texts,
            [
                Some("4,1 (3,2–5,3)".to_string()),
                None,
                Some("7".to_string())
            ]
        );
    }
}
