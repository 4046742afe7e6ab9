//! Small-area statistics (statistics.md): the Wilson interval of a proportion, the exact Poisson
//! (Garwood) interval of a rate, and the conditional exact test of two counts given their
//! denominators — as plain functions, and as the SQL functions the models call. Quantiles and
//! distributions come from `statrs`; the smoothing and Benjamini–Hochberg are SQL windows.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, Float64Array};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{DataFusionError, Result as DfResult};
use datafusion::logical_expr::{ColumnarValue, ScalarUDF, Volatility, create_udf};
use datafusion::prelude::SessionContext;
use statrs::distribution::{Binomial, ChiSquared, ContinuousCDF, Discrete, DiscreteCDF, Normal};

/// The two-sided normal quantile of a confidence level (0.95 → 1.96).
fn z_of(level: f64) -> Option<f64> {
    let normal = Normal::standard();
    (level > 0.0 && level < 1.0).then(|| normal.inverse_cdf(1.0 - (1.0 - level) / 2.0))
}

/// The Wilson score interval of the proportion `count / n` (as a fraction, not scaled), at the
/// given confidence level. `None` when `n` is not positive or the count is outside `0..=n`.
pub fn wilson(count: f64, n: f64, level: f64) -> Option<(f64, f64)> {
    wilson_at(count, n, z_of(level)?)
}

/// The Wilson interval at the normal quantile `z` of its level (`z_of`).
fn wilson_at(count: f64, n: f64, z: f64) -> Option<(f64, f64)> {
    if n <= 0.0 || count < 0.0 || count > n {
        return None;
    }
    let p = count / n;
    let z2n = z * z / n;
    let centre = (p + z2n / 2.0) / (1.0 + z2n);
    let half = z * (p * (1.0 - p) / n + z2n / (4.0 * n)).sqrt() / (1.0 + z2n);
    // At 0 and n the bound is exactly 0 or 1; rounding must not push it outside.
    let low = if count == 0.0 { 0.0 } else { centre - half };
    let high = if count == n { 1.0 } else { centre + half };
    Some((low.max(0.0), high.min(1.0)))
}

/// The exact Poisson interval of the rate `count / n` (Garwood: chi-square quantiles), not
/// scaled. A count of 0 has lower bound 0. `None` when `n` is not positive or the count negative.
pub fn garwood(count: f64, n: f64, level: f64) -> Option<(f64, f64)> {
    if n <= 0.0 {
        return None;
    }
    Some((
        garwood_low(count, level)? / n,
        garwood_high(count, level)? / n,
    ))
}

/// The lower Garwood bound of a count (of the rate times its denominator): half the chi-square
/// quantile at (1 − level) / 2 with 2·count degrees of freedom; 0 for a count of 0.
fn garwood_low(count: f64, level: f64) -> Option<f64> {
    if count < 0.0 || !(level > 0.0 && level < 1.0) {
        return None;
    }
    if count == 0.0 {
        return Some(0.0);
    }
    Some(
        ChiSquared::new(2.0 * count)
            .ok()?
            .inverse_cdf((1.0 - level) / 2.0)
            / 2.0,
    )
}

/// The upper Garwood bound of a count: half the chi-square quantile at 1 − (1 − level) / 2 with
/// 2·count + 2 degrees of freedom.
fn garwood_high(count: f64, level: f64) -> Option<f64> {
    if count < 0.0 || !(level > 0.0 && level < 1.0) {
        return None;
    }
    let alpha = 1.0 - level;
    Some(
        ChiSquared::new(2.0 * count + 2.0)
            .ok()?
            .inverse_cdf(1.0 - alpha / 2.0)
            / 2.0,
    )
}

/// The two-sided p-value of the conditional exact test of two counts given their denominators:
/// under no change, `c1` given `c1 + c2` is binomial with `p = n1 / (n1 + n2)`. Two-sided as R's
/// `binom.test`: the probability of every outcome no more likely than the one observed. `None`
/// when a denominator is not positive or a count is negative or not whole.
pub fn conditional_test(c1: f64, n1: f64, c2: f64, n2: f64) -> Option<f64> {
    let whole = |c: f64| c >= 0.0 && c.fract() == 0.0 && c < 9.0e15;
    if n1 <= 0.0 || n2 <= 0.0 || !whole(c1) || !whole(c2) {
        return None;
    }
    let (k, total) = (c1 as u64, (c1 + c2) as u64);
    if total == 0 {
        return Some(1.0);
    }
    let b = Binomial::new(n1 / (n1 + n2), total).ok()?;
    // Outcomes within this factor of the observed probability count as equally likely.
    let d = b.pmf(k) * (1.0 + 1e-7);
    let mode = ((total as f64 + 1.0) * b.p()).floor().min(total as f64) as u64;
    // The pmf rises to the mode and falls after it: each tail is a run of outcomes.
    let p = if k == mode {
        1.0
    } else if k < mode {
        // This side: 0..=k. Other side: from the first outcome above the mode that is no more
        // likely than k, to total.
        let first = first_at_most(mode, total, d, |i| b.pmf(i), true);
        b.cdf(k) + first.map_or(0.0, |f| b.sf(f - 1))
    } else {
        // This side: k..=total. Other side: from 0 to the last outcome below the mode that is
        // no more likely than k.
        let last = first_at_most(0, mode, d, |i| b.pmf(i), false);
        b.sf(k - 1) + last.map_or(0.0, |l| b.cdf(l))
    };
    Some(p.min(1.0))
}

/// In the monotone run `lo..=hi` of the pmf (falling when `falling`, else rising), the first
/// (falling) or last (rising) outcome whose probability is at most `d`, by bisection.
fn first_at_most(lo: u64, hi: u64, d: f64, pmf: impl Fn(u64) -> f64, falling: bool) -> Option<u64> {
    if falling {
        // Smallest i in lo..=hi with pmf(i) <= d.
        if pmf(hi) > d {
            return None;
        }
        let (mut a, mut b) = (lo, hi);
        while a < b {
            let m = a + (b - a) / 2;
            if pmf(m) <= d { b = m } else { a = m + 1 }
        }
        Some(a)
    } else {
        // Largest i in lo..=hi with pmf(i) <= d.
        if pmf(lo) > d {
            return None;
        }
        let (mut a, mut b) = (lo, hi);
        while a < b {
            let m = a + (b - a).div_ceil(2);
            if pmf(m) <= d { a = m } else { b = m - 1 }
        }
        Some(a)
    }
}

/// The Benjamini–Hochberg step-up rule at level `fdr` over the p-values of one group: the largest
/// p-value that is rejected (every p-value at most this one has an adjusted p-value below `fdr`),
/// or `None` when none is. With the m p-values in ascending order, that is p₍ₖ₎ for the highest
/// rank k with m·p₍ₖ₎ < k·fdr (the adjusted p-value of rank i is the least m·p₍ⱼ₎/j over j ≥ i).
pub fn bh_threshold(p: &mut [f64], fdr: f64) -> Option<f64> {
    p.sort_by(f64::total_cmp);
    let m = p.len() as f64;
    p.iter()
        .enumerate()
        .filter(|(i, v)| m * **v < (*i as f64 + 1.0) * fdr)
        .map(|(_, v)| *v)
        .next_back()
}

/// The Float64 arguments of a SQL function call, as arrays of one length.
fn float_args(args: &[ColumnarValue]) -> DfResult<Vec<Float64Array>> {
    ColumnarValue::values_to_arrays(args)?
        .into_iter()
        .map(|a| {
            a.as_any()
                .downcast_ref::<Float64Array>()
                .cloned()
                .ok_or_else(|| DataFusionError::Internal("expected double arguments".into()))
        })
        .collect()
}

/// A SQL function of `arity` doubles returning a double, whose costly part depends on the
/// arguments at `key` alone (at most two: an exact interval's quantile on the count and the
/// level, not the denominator): `costly(arguments)` is worked out once per distinct key within a
/// batch, `per_row(costly, arguments)` for every row. Null where any argument is null or either
/// part has no answer.
fn keyed_udf(
    name: &str,
    arity: usize,
    key: &'static [usize],
    costly: fn(&[f64]) -> Option<f64>,
    per_row: fn(f64, &[f64]) -> Option<f64>,
) -> ScalarUDF {
    let body = move |args: &[ColumnarValue]| -> DfResult<ColumnarValue> {
        let columns = float_args(args)?;
        let rows = columns.first().map_or(0, Array::len);
        let mut values = vec![0.0; columns.len()];
        let mut known: HashMap<[u64; 2], Option<f64>> = HashMap::new();
        let out: Float64Array = (0..rows)
            .map(|r| {
                for (v, c) in values.iter_mut().zip(&columns) {
                    if c.is_null(r) {
                        return None;
                    }
                    *v = c.value(r);
                }
                let mut bits = [0; 2];
                for (b, &k) in bits.iter_mut().zip(key) {
                    *b = values[k].to_bits();
                }
                let part = *known.entry(bits).or_insert_with(|| costly(&values));
                per_row(part?, &values)
            })
            .collect();
        Ok(ColumnarValue::Array(Arc::new(out) as ArrayRef))
    };
    create_udf(
        name,
        vec![DataType::Float64; arity],
        DataType::Float64,
        Volatility::Immutable,
        Arc::new(body),
    )
}

/// A rate's bound: the count's bound over a positive denominator (as `garwood`).
fn per_denominator(bound: f64, a: &[f64]) -> Option<f64> {
    if a[1] <= 0.0 {
        None
    } else {
        Some(bound / a[1])
    }
}

/// Registers the SQL functions: `wilson_laag(count, n, level)`, `wilson_hoog`,
/// `poisson_laag(count, n, level)`, `poisson_hoog` (fractions, unscaled),
/// and `p_twee_tellingen(count1, n1, count2, n2)`. (The Benjamini–Hochberg threshold is plain
/// SQL in `trends.sql`; `bh_threshold` is its reference.) The quantiles — the normal one of the
/// level, the chi-square ones of a count — are worked out once per batch and value: at national
/// scale computing them per row took most of `gebied_indicatoren`'s time.
pub fn register(ctx: &SessionContext) {
    let z = |a: &[f64]| z_of(a[2]);
    ctx.register_udf(keyed_udf("wilson_laag", 3, &[2], z, |z, a| {
        wilson_at(a[0], a[1], z).map(|i| i.0)
    }));
    ctx.register_udf(keyed_udf("wilson_hoog", 3, &[2], z, |z, a| {
        wilson_at(a[0], a[1], z).map(|i| i.1)
    }));
    ctx.register_udf(keyed_udf(
        "poisson_laag",
        3,
        &[0, 2],
        |a| garwood_low(a[0], a[2]),
        per_denominator,
    ));
    ctx.register_udf(keyed_udf(
        "poisson_hoog",
        3,
        &[0, 2],
        |a| garwood_high(a[0], a[2]),
        per_denominator,
    ));
    ctx.register_udf(keyed_udf(
        "p_twee_tellingen",
        4,
        &[],
        |_| Some(0.0),
        |_, a| conditional_test(a[0], a[1], a[2], a[3]),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    #[test]
    fn wilson_matches_worked_values() {
        // 2 of 10 at 95 %: p = 0.2, z = 1.959964; centre = (0.2 + 0.19207)/1.38415 = 0.28324,
        // half = 1.959964·√(0.016 + 0.0096037)/1.38415 = 0.22663 → [0.05668, 0.50984]
        // (also Newcombe 1998, table I, and R's prop.test without correction).
        let (lo, hi) = wilson(2.0, 10.0, 0.95).expect("interval");
        assert!(
            close(lo, 0.056_68, 5e-5) && close(hi, 0.509_84, 5e-5),
            "{lo} {hi}"
        );
        // 0 of 10: lower bound exactly 0, upper z²/(n + z²) = 3.84146/13.84146 = 0.27753.
        let (lo, hi) = wilson(0.0, 10.0, 0.95).expect("interval");
        assert_eq!(lo, 0.0);
        assert!(close(hi, 0.277_53, 5e-5), "{hi}");
        // A count equal to its denominator: upper bound exactly 1, lower n/(n + z²) = 0.72247.
        let (lo, hi) = wilson(10.0, 10.0, 0.95).expect("interval");
        assert_eq!(hi, 1.0);
        assert!(close(lo, 0.722_47, 5e-5), "{lo}");
        // A denominator of 0 has no interval.
        assert_eq!(wilson(0.0, 0.0, 0.95), None);
        assert_eq!(wilson(3.0, 2.0, 0.95), None);
    }

    #[test]
    fn garwood_matches_published_exact_poisson_limits() {
        // Exact 95 % limits of a Poisson count (Garwood 1936; tabulated e.g. by the Public
        // Health England and CDC small-numbers guidance): 0 → [0, 3.689]; 1 → [0.0253, 5.572];
        // 5 → [1.623, 11.668]; 10 → [4.795, 18.390].
        for (count, lo, hi) in [
            (0.0, 0.0, 3.689),
            (1.0, 0.0253, 5.572),
            (5.0, 1.623, 11.668),
            (10.0, 4.795, 18.390),
        ] {
            let (l, h) = garwood(count, 1.0, 0.95).expect("interval");
            assert!(close(l, lo, 1e-3) && close(h, hi, 1e-3), "{count}: {l} {h}");
        }
        // Divided by the denominator: 5 in 1,000 inwoners → [1.623, 11.668] per 1,000.
        let (l, h) = garwood(5.0, 1000.0, 0.95).expect("interval");
        assert!(close(l * 1000.0, 1.623, 1e-3) && close(h * 1000.0, 11.668, 1e-3));
        assert_eq!(garwood(3.0, 0.0, 0.95), None);
    }

    #[test]
    fn the_conditional_test_matches_worked_values() {
        // Equal denominators, 5 against 9: X ~ Bin(14, ½), P(X ≤ 5) = (1 + 14 + 91 + 364 +
        // 1,001 + 2,002)/16,384 = 3,473/16,384; two-sided (symmetric) 6,946/16,384 = 0.423950 —
        // R: binom.test(5, 14) gives p-value = 0.424.
        let p = conditional_test(5.0, 100.0, 9.0, 100.0).expect("p");
        assert!(close(p, 0.423_950, 1e-6), "{p}");
        // Zoeterwoude's 5 → 9 on the college page is within chance; 2 against 20 is not:
        // P(X ≤ 2 | Bin(22, ½)) = 254/4,194,304 = 6.0558e-5, two-sided 1.2112e-4.
        let p = conditional_test(2.0, 1.0, 20.0, 1.0).expect("p");
        assert!(close(p, 1.2112e-4, 1e-8), "{p}");
        // Unequal denominators, asymmetric: 1 of 3 with p = ¼: pmf(0) = 27/64, pmf(1) = 27/64,
        // pmf(2) = 9/64, pmf(3) = 1/64; every outcome is at most as likely as 1 → p = 1.
        let p = conditional_test(1.0, 1.0, 2.0, 3.0).expect("p");
        assert!(close(p, 1.0, 1e-9), "{p}");
        // 3 of 3 with p = ¼: only pmf(3) = 1/64 → p = 0.015625.
        let p = conditional_test(3.0, 1.0, 0.0, 3.0).expect("p");
        assert!(close(p, 0.015_625, 1e-9), "{p}");
        // Both zero: no evidence of a change.
        assert_eq!(conditional_test(0.0, 10.0, 0.0, 10.0), Some(1.0));
        assert_eq!(conditional_test(1.0, 0.0, 2.0, 10.0), None);
    }

    #[test]
    fn benjamini_hochberg_matches_worked_examples() {
        // m = 5, fdr 0.05; sorted 0.005, 0.01, 0.031, 0.041, 0.2: m·p = 0.025, 0.05, 0.155,
        // 0.205, 1.0 against k·fdr = 0.05, 0.10, 0.15, 0.20, 0.25: below for k = 1 and 2 only.
        // Adjusted by hand: 0.025, 0.025, 0.05125, 0.05125, 0.2.
        let mut p = vec![0.01, 0.041, 0.031, 0.2, 0.005];
        assert_eq!(bh_threshold(&mut p, 0.05), Some(0.01));
        // Step-up: 0.01 alone fails (5·0.01 = 0.05 is not below 0.05), but rank 4 passes
        // (5·0.013 = 0.065 < 0.2), so the first four are all rejected.
        let mut p = vec![0.9, 0.013, 0.012, 0.011, 0.01];
        assert_eq!(bh_threshold(&mut p, 0.05), Some(0.013));
        // Nothing rejected, and an empty group.
        assert_eq!(bh_threshold(&mut [0.5, 0.2, 0.04], 0.05), None);
        assert_eq!(bh_threshold(&mut [], 0.05), None);
        // Ties at the threshold: both 0.02s fall under it.
        let mut p = vec![0.02, 0.02, 0.5];
        assert_eq!(bh_threshold(&mut p, 0.05), Some(0.02));
    }

    #[test]
    fn the_test_is_fast_and_exact_for_large_counts() {
        // 100,000 against 100,000 on equal denominators: the centre, p = 1; 99,000 against
        // 101,000 is far out (z ≈ 4.47).
        let p = conditional_test(100_000.0, 1.0, 100_000.0, 1.0).expect("p");
        assert!(close(p, 1.0, 1e-9), "{p}");
        let p = conditional_test(99_000.0, 1.0, 101_000.0, 1.0).expect("p");
        assert!(p > 0.0 && p < 1e-4, "{p}");
    }

    /// The SQL functions work each quantile out once per count and level within a batch: every
    /// row must still get exactly what the plain functions give it. The rows repeat a count with
    /// another denominator (the quantile reused, the division not) and with another level (a key
    /// without the level would reuse the 95 % quantile for the 90 % row), and hold a null, a
    /// zero denominator and a negative count.
    #[test]
    fn the_sql_functions_give_every_row_what_the_plain_functions_give() {
        let rows: [(Option<f64>, f64, f64); 8] = [
            (Some(7.0), 1000.0, 0.95),
            (Some(7.0), 250.0, 0.95),
            (Some(7.0), 250.0, 0.90),
            (Some(0.0), 40.0, 0.95),
            (Some(3.0), 0.0, 0.95),
            (Some(-1.0), 10.0, 0.95),
            (None, 10.0, 0.95),
            (Some(7.0), 1000.0, 0.95),
        ];
        let column = |values: Vec<Option<f64>>| Arc::new(Float64Array::from(values)) as ArrayRef;
        let batch = datafusion::arrow::array::RecordBatch::try_from_iter([
            ("k", column(rows.iter().map(|r| r.0).collect())),
            ("n", column(rows.iter().map(|r| Some(r.1)).collect())),
            ("niveau", column(rows.iter().map(|r| Some(r.2)).collect())),
        ])
        .expect("a batch");
        let ctx = SessionContext::new();
        register(&ctx);
        ctx.register_batch("t", batch).expect("registered");
        let sql = "select poisson_laag(k, n, niveau), poisson_hoog(k, n, niveau), \
                   wilson_laag(k, n, niveau), wilson_hoog(k, n, niveau) from t";
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        let batches = runtime
            .block_on(async { ctx.sql(sql).await?.collect().await })
            .expect("the query");
        let out = datafusion::arrow::compute::concat_batches(&batches[0].schema(), &batches)
            .expect("one batch");
        let got = |c: usize, r: usize| {
            let a = out.column(c).as_any().downcast_ref::<Float64Array>();
            a.filter(|a| a.is_valid(r)).map(|a| a.value(r).to_bits())
        };
        for (r, (k, n, level)) in rows.iter().enumerate() {
            let poisson = k.and_then(|k| garwood(k, *n, *level));
            let wilson = k.and_then(|k| wilson(k, *n, *level));
            let want = [
                poisson.map(|i| i.0),
                poisson.map(|i| i.1),
                wilson.map(|i| i.0),
                wilson.map(|i| i.1),
            ];
            for (c, w) in want.iter().enumerate() {
                assert_eq!(got(c, r), w.map(f64::to_bits), "row {r}, column {c}");
            }
        }
        // The case the key must tell apart: the same count at 90 % is a narrower interval.
        assert!(got(1, 2) < got(1, 1) && got(1, 1).is_some());
    }
}
