//! Small-area statistics (statistics.md) on generated regions, through the real SQL models
//! (`gebied_indicatoren`, `trends`) and SQL functions: where every buurt has the same true rates,
//! about 5 % differ significantly from the regio, almost no change is opvallend, and the top of
//! the ranking is not made of the smallest buurten; a few truly high buurten are found.

use std::collections::BTreeMap;
use std::sync::Arc;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use risicobeeld::datafusion_reexport::arrow::array::{
    Array, ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray,
};
use risicobeeld::datafusion_reexport::arrow::datatypes::{DataType, Field, Schema};
use risicobeeld::disclosure::changed_by_disclosure;
use risicobeeld::transform::{OutputTable, rendered_over, run_models, run_rendered};

use crate::util::block_on;

/// True rates of the generated region (fractions).
const LEEG: f64 = 0.04;
const RNI: f64 = 0.010;
const KVK: f64 = 0.005;
const SIGNALEN: f64 = 0.0005;
const PERIODS: [&str; 2] = ["2023-Q4", "2024-Q4"];
const BUURTEN: usize = 400;

/// One area in one period: its denominators and counts.
#[derive(Clone)]
struct Area {
    niveau: &'static str,
    code: String,
    periode: &'static str,
    vbo: i64,
    inwoners: i64,
    leeg: i64,
    rni: i64,
    kvk: i64,
    signalen: i64,
}

fn binomial(rng: &mut ChaCha8Rng, n: i64, p: f64) -> i64 {
    (0..n).filter(|_| rng.random::<f64>() < p).count() as i64
}

/// Knuth's method; the means here are at most a few hundred.
fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> i64 {
    let (limit, mut product, mut k) = ((-mean).exp(), rng.random::<f64>(), 0);
    while product > limit {
        product *= rng.random::<f64>();
        k += 1;
    }
    k
}

/// `BUURTEN` buurten from 5 to 5,000 objects in use (log-uniform), two years; the buurten in
/// `high` have three times the true rates. Plus the regio (their sum).
fn region(seed: u64, high: &[usize]) -> Vec<Area> {
    region_from(seed, high, PERIODS[0])
}

/// As `region`, with the buurten in `high` at three times the rates only from period `from`.
fn region_from(seed: u64, high: &[usize], from: &str) -> Vec<Area> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let sizes: Vec<i64> = (0..BUURTEN)
        .map(|_| (5.0 * 1000f64.powf(rng.random::<f64>())).round() as i64)
        .collect();
    let mut areas = Vec::new();
    for periode in PERIODS {
        let mut regio = Area {
            niveau: "regio",
            code: "R".into(),
            periode,
            vbo: 0,
            inwoners: 0,
            leeg: 0,
            rni: 0,
            kvk: 0,
            signalen: 0,
        };
        for (i, &vbo) in sizes.iter().enumerate() {
            let f = if high.contains(&i) && periode >= from {
                3.0
            } else {
                1.0
            };
            let inwoners = 2 * vbo;
            let a = Area {
                niveau: "buurt",
                code: format!("BU{:08}", i + 1),
                periode,
                vbo,
                inwoners,
                leeg: binomial(&mut rng, vbo, f * LEEG),
                rni: poisson(&mut rng, f * RNI * inwoners as f64),
                kvk: poisson(&mut rng, f * KVK * inwoners as f64),
                signalen: poisson(&mut rng, f * SIGNALEN * inwoners as f64),
            };
            regio.vbo += a.vbo;
            regio.inwoners += a.inwoners;
            regio.leeg += a.leeg;
            regio.rni += a.rni;
            regio.kvk += a.kvk;
            regio.signalen += a.signalen;
            areas.push(a);
        }
        areas.push(regio);
    }
    areas
}

fn table(name: &str, columns: Vec<(&str, ArrayRef)>) -> OutputTable {
    let schema = Arc::new(Schema::new(
        columns
            .iter()
            .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
            .collect::<Vec<_>>(),
    ));
    let batch = RecordBatch::try_new(
        schema.clone(),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .expect("batch");
    OutputTable {
        name: name.into(),
        schema,
        batches: vec![batch],
    }
}

fn text(values: impl Iterator<Item = Option<String>>) -> ArrayRef {
    Arc::new(values.collect::<StringArray>())
}
fn ints(values: impl Iterator<Item = Option<i64>>) -> ArrayRef {
    Arc::new(values.collect::<Int64Array>())
}
fn floats(values: impl Iterator<Item = Option<f64>>) -> ArrayRef {
    Arc::new(values.collect::<Float64Array>())
}

/// `int_gebied_ratios` as the pipeline makes it (the columns the two models read).
fn ratios(areas: &[Area]) -> OutputTable {
    let s = |f: fn(&Area) -> Option<String>| text(areas.iter().map(f));
    let i = |f: fn(&Area) -> Option<i64>| ints(areas.iter().map(f));
    let r = |f: fn(&Area) -> Option<f64>| floats(areas.iter().map(f));
    let none = || ints(areas.iter().map(|_| None));
    let yes =
        || -> ArrayRef { Arc::new(areas.iter().map(|_| Some(true)).collect::<BooleanArray>()) };
    let day =
        || -> ArrayRef { Arc::new(areas.iter().map(|_| Some(19_700)).collect::<Date32Array>()) };
    table(
        "int_gebied_ratios",
        vec![
            ("niveau", s(|a| Some(a.niveau.into()))),
            ("gebiedscode", s(|a| Some(a.code.clone()))),
            ("gebiedsnaam", s(|a| Some(a.code.clone()))),
            ("gemeentecode", s(|_| None)),
            ("district_code", s(|_| None)),
            ("regio_code", s(|_| Some("R".into()))),
            ("periode", s(|a| Some(a.periode.into()))),
            ("periode_start", day()),
            ("periode_eind", day()),
            ("inwoners", i(|a| Some(a.inwoners))),
            ("vbo_in_gebruik", i(|a| Some(a.vbo))),
            ("leeg_aantal", i(|a| Some(a.leeg))),
            (
                "leeg_pct",
                r(|a| Some(100.0 * a.leeg as f64 / a.vbo as f64)),
            ),
            ("rni_ingeschrevenen", i(|a| Some(a.rni))),
            ("rni_adressen", none()),
            ("rni_adressen_meervoudig", none()),
            ("rni_meervoudig_per_1000_vbo", r(|_| None)),
            ("rni_adressen_uitzendbureau", none()),
            (
                "rni_per_1000_inwoners",
                r(|a| Some(1000.0 * a.rni as f64 / a.inwoners as f64)),
            ),
            ("verborgen_bewoning", none()),
            ("verborgen_per_1000_vbo", r(|_| None)),
            ("kvk_risico_actief", i(|a| Some(a.kvk))),
            ("kvk_uitzendbureaus", none()),
            ("kvk_risico_nieuw", none()),
            ("kvk_risico_opgeheven", none()),
            ("kvk_kortlevend", none()),
            ("kvk_adresconcentratie", none()),
            (
                "kvk_risico_per_1000_inwoners",
                r(|a| Some(1000.0 * a.kvk as f64 / a.inwoners as f64)),
            ),
            ("signalen_totaal", i(|a| Some(a.signalen))),
            ("signalen_seksueel", none()),
            ("signalen_crimineel", none()),
            ("signalen_arbeid", none()),
            ("signalen_crimineel_seksueel", none()),
            ("signalen_overig", none()),
            (
                "signalen_per_10000_inwoners",
                r(|a| Some(10000.0 * a.signalen as f64 / a.inwoners as f64)),
            ),
            ("bron_leegstand", yes()),
            ("bron_rni", yes()),
            ("bron_kvk", yes()),
            ("bron_signalen", yes()),
            ("inwoners_rni", i(|a| Some(a.inwoners))),
            ("vbo_rni_meervoudig", none()),
            ("vbo_verborgen", none()),
            ("inwoners_kvk", i(|a| Some(a.inwoners))),
            ("inwoners_signalen", i(|a| Some(a.inwoners))),
        ],
    )
}

fn settings(score_op_gladgemaakt: bool) -> Vec<OutputTable> {
    let weights = [
        "leeg_pct",
        "rni_per_1000_inwoners",
        "verborgen_per_1000_vbo",
    ]
    .into_iter()
    .chain([
        "kvk_risico_per_1000_inwoners",
        "signalen_per_10000_inwoners",
    ])
    .map(|w| (w, floats(std::iter::once(Some(1.0)))))
    .collect();
    vec![
        table("stg_score_gewichten", weights),
        table(
            "stg_perioden",
            vec![
                ("periode", text(PERIODS.iter().map(|p| Some(p.to_string())))),
                ("vorige_periode", text([None, None].into_iter())),
                (
                    "vorig_jaar_periode",
                    text([None, Some("2023-Q4".to_string())].into_iter()),
                ),
            ],
        ),
        table(
            "stg_statistiek",
            vec![
                ("betrouwbaarheid", floats(std::iter::once(Some(0.95)))),
                ("fdr", floats(std::iter::once(Some(0.05)))),
                (
                    "score_op_gladgemaakt",
                    Arc::new(BooleanArray::from(vec![score_op_gladgemaakt])) as ArrayRef,
                ),
            ],
        ),
    ]
}

/// Runs `gebied_indicatoren` and `trends` over a generated region.
fn run(areas: &[Area], score_op_gladgemaakt: bool) -> (Vec<Row>, Vec<Row>) {
    let mut inputs = settings(score_op_gladgemaakt);
    inputs.push(ratios(areas));
    let out = block_on(run_models(inputs, &["gebied_indicatoren", "trends"], &[]))
        .expect("the models run");
    let rows = |name: &str| rows_of(&out[name].batches);
    (rows("gebied_indicatoren"), rows("trends"))
}

type Row = BTreeMap<String, Value>;

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    F(f64),
    S(String),
    B(bool),
}

impl Value {
    fn f(&self) -> Option<f64> {
        match self {
            Value::F(v) => Some(*v),
            _ => None,
        }
    }
    fn s(&self) -> Option<&str> {
        match self {
            Value::S(v) => Some(v),
            _ => None,
        }
    }
}

fn rows_of(batches: &[RecordBatch]) -> Vec<Row> {
    use risicobeeld::datafusion_reexport::arrow::compute::cast;
    let mut out = Vec::new();
    for b in batches {
        for r in 0..b.num_rows() {
            let mut row = Row::new();
            for (field, column) in b.schema().fields().iter().zip(b.columns()) {
                let value = if column.is_null(r) {
                    Value::Null
                } else {
                    match column.data_type() {
                        DataType::Utf8 | DataType::Utf8View | DataType::LargeUtf8 => {
                            let c = cast(column, &DataType::Utf8).expect("text");
                            let a = c.as_any().downcast_ref::<StringArray>().expect("text");
                            Value::S(a.value(r).to_string())
                        }
                        DataType::Boolean => {
                            let a = column
                                .as_any()
                                .downcast_ref::<BooleanArray>()
                                .expect("bool");
                            Value::B(a.value(r))
                        }
                        DataType::Int64
                        | DataType::Int32
                        | DataType::UInt64
                        | DataType::Float64 => {
                            let c = cast(column, &DataType::Float64).expect("number");
                            let a = c.as_any().downcast_ref::<Float64Array>().expect("number");
                            Value::F(a.value(r))
                        }
                        _ => Value::Null,
                    }
                };
                row.insert(field.name().clone(), value);
            }
            out.push(row);
        }
    }
    out
}

const RATES: [&str; 4] = [
    "leeg_pct",
    "rni_per_1000_inwoners",
    "kvk_risico_per_1000_inwoners",
    "signalen_per_10000_inwoners",
];

fn buurten_of<'a>(rows: &'a [Row], periode: &str) -> Vec<&'a Row> {
    rows.iter()
        .filter(|r| r["niveau"].s() == Some("buurt") && r["periode"].s() == Some(periode))
        .collect()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    (values[(n - 1) / 2] + values[n / 2]) / 2.0
}

/// The median number of objects of the ten buurten ranked highest, and of all buurten.
fn top_ten_size(rows: &[Row]) -> (f64, f64) {
    let mut buurten = buurten_of(rows, "2024-Q4");
    buurten.sort_by(|a, b| {
        a["risicorang"]
            .f()
            .partial_cmp(&b["risicorang"].f())
            .expect("ranks")
    });
    let size = |r: &&Row| r["vbo_in_gebruik"].f().expect("size");
    (
        median(buurten.iter().take(10).map(size).collect()),
        median(buurten.iter().map(size).collect()),
    )
}

#[test]
fn equal_true_rates_give_about_five_percent_differences_and_no_small_area_top() {
    let (gebied, trends) = run(&region(7, &[]), true);
    let buurten = buurten_of(&gebied, "2024-Q4");
    assert_eq!(buurten.len(), BUURTEN);
    // Every interval holds its rate, and every comparison follows from interval and benchmark.
    let mut compared = 0;
    let mut differ = 0;
    for r in &buurten {
        for rate in RATES {
            let value = r[rate].f().expect("rate");
            let (lo, hi) = (
                r[&format!("{rate}_ci_laag")].f().expect("low"),
                r[&format!("{rate}_ci_hoog")].f().expect("high"),
            );
            assert!(
                lo <= value + 1e-12 && value <= hi + 1e-12,
                "{rate} {lo} {value} {hi}"
            );
            match r[&format!("{rate}_vergelijking")].s() {
                Some("hoger") | Some("lager") => differ += 1,
                Some("gelijk") => {}
                other => panic!("{rate}: {other:?}"),
            }
            compared += 1;
        }
    }
    let share = differ as f64 / compared as f64;
    assert!(
        (0.01..=0.10).contains(&share),
        "{differ} of {compared} comparisons differ from the regio ({:.1} %)",
        100.0 * share
    );
    // Almost no change against a year earlier is opvallend. (Tested per buurt: the three rates
    // that exist there; trends follows the signal rate from the gemeente up, its registry
    // levels, even where a made-up region gives buurten signals.)
    let tested: Vec<&Row> = trends
        .iter()
        .filter(|t| t["niveau"].s() == Some("buurt") && t["p_vorig_jaar"].f().is_some())
        .collect();
    assert!(
        tested.len() >= 3 * BUURTEN - 10,
        "{} changes tested",
        tested.len()
    );
    let opvallend = tested
        .iter()
        .filter(|t| t["opvallend"] == Value::B(true))
        .count();
    assert!(
        opvallend <= tested.len() / 100,
        "{opvallend} of {} opvallend",
        tested.len()
    );
    // The ten buurten ranked highest are not the smallest ones; on raw rates they were.
    let (top, all) = top_ten_size(&gebied);
    assert!(
        top >= 0.5 * all,
        "smoothed: top ten median {top} objects, all {all}"
    );
    let (raw_top, _) = top_ten_size(&run(&region(7, &[]), false).0);
    assert!(
        raw_top < top,
        "raw rates rank small buurten first: {raw_top} against {top}"
    );
}

#[test]
fn truly_high_buurten_are_found() {
    // Five buurten with three times the rates, from the upper quarter of sizes (a median buurt
    // has ~160 objects: three times its rates is not always detectable on two indicators).
    let mut sizes: Vec<(i64, usize)> = region(11, &[])
        .iter()
        .filter(|a| a.niveau == "buurt" && a.periode == "2024-Q4")
        .enumerate()
        .map(|(i, a)| (a.vbo, i))
        .collect();
    sizes.sort();
    let high: Vec<usize> = sizes[3 * BUURTEN / 4..]
        .iter()
        .step_by(20)
        .take(5)
        .map(|s| s.1)
        .collect();
    let (gebied, _) = run(&region(11, &high), true);
    let buurten = buurten_of(&gebied, "2024-Q4");
    for &i in &high {
        let r = buurten
            .iter()
            .find(|r| r["gebiedscode"].s() == Some(format!("BU{:08}", i + 1).as_str()))
            .expect("buurt");
        let hoger = RATES
            .iter()
            .filter(|rate| r[&format!("{rate}_vergelijking")].s() == Some("hoger"))
            .count();
        assert!(hoger >= 2, "{:?}: hoger on {hoger} rates", r["gebiedscode"]);
        let rank = r["risicorang"].f().expect("rank");
        assert!(rank <= 15.0, "{:?} ranks {rank}", r["gebiedscode"]);
    }
}

#[test]
fn smoothed_values_lie_between_the_rate_and_the_prior_mean() {
    let (gebied, _) = run(&region(3, &[]), true);
    let buurten = buurten_of(&gebied, "2024-Q4");
    for (rate, count, denominator, scale) in [
        ("leeg_pct", "leeg_aantal", "vbo_in_gebruik", 100.0),
        (
            "rni_per_1000_inwoners",
            "rni_ingeschrevenen",
            "inwoners",
            1000.0,
        ),
    ] {
        let total = |c: &str| {
            buurten
                .iter()
                .map(|r| r[c].f().expect("count"))
                .sum::<f64>()
        };
        let prior = scale * total(count) / total(denominator);
        for r in &buurten {
            let (raw, smooth) = (
                r[rate].f().expect("rate"),
                r[&format!("{rate}_gladgemaakt")].f().expect("smoothed"),
            );
            let (lo, hi) = (raw.min(prior), raw.max(prior));
            assert!(
                lo - 1e-9 <= smooth && smooth <= hi + 1e-9,
                "{rate}: {raw} {smooth} {prior}"
            );
        }
    }
    // The regio is compared with nothing.
    let regio = gebied
        .iter()
        .find(|r| r["niveau"].s() == Some("regio"))
        .expect("regio");
    assert_eq!(regio["leeg_pct_vergelijking"], Value::Null);
}

#[test]
fn opvallend_is_benjamini_hochberg_over_the_areas_of_each_indicator() {
    // Forty buurten triple their rates from 2023-Q4 to 2024-Q4: real changes among chance ones.
    let high: Vec<usize> = (0..BUURTEN).step_by(10).collect();
    let (_, trends) = run(&region_from(3, &high, "2024-Q4"), true);
    let mut groups: BTreeMap<(String, String, String), Vec<&Row>> = BTreeMap::new();
    for t in trends.iter().filter(|t| t["p_vorig_jaar"].f().is_some()) {
        let key = |c: &str| t[c].s().unwrap_or_default().to_string();
        groups
            .entry((key("niveau"), key("indicator"), key("periode")))
            .or_default()
            .push(t);
    }
    assert!(groups.len() >= 5, "{:?}", groups.keys());
    let mut opvallend = 0;
    for (group, rows) in &groups {
        // The reference rule, in Rust, over the group's p-values.
        let mut p: Vec<f64> = rows.iter().filter_map(|t| t["p_vorig_jaar"].f()).collect();
        let threshold = risicobeeld::transform::statistics::bh_threshold(&mut p, 0.05);
        for t in rows {
            let expected = threshold.is_some_and(|g| t["p_vorig_jaar"].f() <= Some(g));
            assert_eq!(t["opvallend"], Value::B(expected), "{group:?} {t:?}");
            opvallend += usize::from(expected);
        }
    }
    assert!(opvallend >= 40, "only {opvallend} changes opvallend");
}

/// `openbaar/trends` reruns only the indicators disclosure can change (`changed_by_disclosure`)
/// and takes the others' rows from the full table, which is right only while an indicator's
/// trends depend on its own values alone. Over a generated region with real changes (so that
/// the Benjamini–Hochberg limits differ between indicators), the model rendered over those
/// indicators gives exactly the full model's rows of them, in the full model's order.
#[test]
fn the_trends_rerun_over_some_indicators_gives_the_full_trends_rows_of_them() {
    let high: Vec<usize> = (0..BUURTEN).step_by(10).collect();
    let mut inputs = settings(true);
    inputs.push(ratios(&region_from(3, &high, "2024-Q4")));
    let full = block_on(run_models(
        inputs.clone(),
        &["gebied_indicatoren", "trends"],
        &[],
    ))
    .expect("the models run");
    inputs.push(full["gebied_indicatoren"].clone());
    let model = rendered_over("trends", &changed_by_disclosure).expect("renders");
    let part = block_on(run_rendered(inputs, vec![model], &[])).expect("the model runs");
    let full_rows = rows_of(&full["trends"].batches);
    let changed = |r: &&Row| {
        r["indicator"]
            .s()
            .and_then(risicobeeld_snapshot::indicators::indicator)
            .is_some_and(changed_by_disclosure)
    };
    let expected: Vec<&Row> = full_rows.iter().filter(changed).collect();
    assert!(!expected.is_empty() && expected.len() < full_rows.len());
    let part_rows = rows_of(&part["trends"].batches);
    assert_eq!(part_rows.iter().collect::<Vec<_>>(), expected);
}

/// Issue 32, blind spots, worked by hand. Three gemeenten of 10,000 objects in use and 20,000
/// inhabitants each, and their regio (the sum: 30,000 objects, 60,000 inhabitants):
/// - A: 1,000 leeg (10 %), 600 RNI (30 per 1,000), 10 KvK, 10 signals (5 per 10,000);
/// - B: 200 leeg (2 %), 100 RNI (5 per 1,000), 10 KvK, 60 signals (30 per 10,000);
/// - C: 200 leeg, 100 RNI, 10 KvK, 20 signals (10 per 10,000).
///   Regio: leeg 1,400 / 30,000 = 4.67 %; RNI 800 / 60,000 = 13.3 per 1,000; KvK 30 / 60,000 =
///   0.5 per 1,000; signals 90 / 60,000 = 15 per 10,000.
///
/// A: leegstand's Wilson interval (about 9.4–10.6 %) lies above 4.67 and RNI's exact Poisson
/// interval (about 27.6–32.5) above 13.3: two structural rates `hoger`; KvK 0.5 is `gelijk`; the
/// signals' interval (10 signals: 4.8–18.4, so 2.4–9.2 per 10,000) lies below 15: `lager`. A is a
/// blind spot, for leegstand and RNI. B: leegstand and RNI `lager`, signals (60: about
/// 23–39 per 10,000) `hoger`: not a blind spot. C: nothing `hoger`: not one either. The regio
/// is the reference itself: not judged (null).
#[test]
fn a_gemeente_with_high_structural_rates_and_few_signals_is_a_blind_spot() {
    let gemeente = |code: &str, leeg: i64, rni: i64, signalen: i64| Area {
        niveau: "gemeente",
        code: code.into(),
        periode: PERIODS[1],
        vbo: 10_000,
        inwoners: 20_000,
        leeg,
        rni,
        kvk: 10,
        signalen,
    };
    let areas = vec![
        gemeente("GM0001", 1000, 600, 10),
        gemeente("GM0002", 200, 100, 60),
        gemeente("GM0003", 200, 100, 20),
        Area {
            niveau: "regio",
            code: "R".into(),
            periode: PERIODS[1],
            vbo: 30_000,
            inwoners: 60_000,
            leeg: 1400,
            rni: 800,
            kvk: 30,
            signalen: 90,
        },
    ];
    let (rows, _) = run(&areas, true);
    let of = |code: &str| {
        rows.iter()
            .find(|r| r["gebiedscode"].s() == Some(code))
            .unwrap_or_else(|| panic!("{code}"))
    };
    let a = of("GM0001");
    assert_eq!(a["leeg_pct_vergelijking"].s(), Some("hoger"));
    assert_eq!(a["rni_per_1000_inwoners_vergelijking"].s(), Some("hoger"));
    assert_eq!(
        a["signalen_per_10000_inwoners_vergelijking"].s(),
        Some("lager")
    );
    assert_eq!(a["blinde_vlek"], Value::B(true));
    assert_eq!(
        a["blinde_vlek_reden"].s(),
        Some("leegstand en RNI significant hoger dan de regio; signalen niet")
    );
    let b = of("GM0002");
    assert_eq!(
        b["signalen_per_10000_inwoners_vergelijking"].s(),
        Some("hoger")
    );
    assert_eq!(b["blinde_vlek"], Value::B(false));
    assert_eq!(b["blinde_vlek_reden"], Value::Null);
    assert_eq!(of("GM0003")["blinde_vlek"], Value::B(false));
    // The regio is the reference itself: its rates have no comparison, so it is not judged.
    assert_eq!(of("R")["leeg_pct_vergelijking"], Value::Null);
    assert_eq!(of("R")["blinde_vlek"], Value::Null);
}

/// On a region where every buurt has the same true rates, a blind spot (two structural rates
/// significantly high by chance while the signals are not) is rare: at most 5 % of the buurten
/// that can be judged, over four seeds.
#[test]
fn blind_spots_are_rare_where_all_areas_are_alike() {
    for seed in 1..=4 {
        let (rows, _) = run(&region(seed, &[]), true);
        let judged: Vec<&Row> = rows
            .iter()
            .filter(|r| r["niveau"].s() == Some("buurt") && r["blinde_vlek"] != Value::Null)
            .collect();
        let flagged = judged
            .iter()
            .filter(|r| r["blinde_vlek"] == Value::B(true))
            .count();
        assert!(judged.len() > 100, "seed {seed}: {} judged", judged.len());
        assert!(
            flagged * 20 <= judged.len(),
            "seed {seed}: {flagged} of {} buurten flagged",
            judged.len()
        );
    }
}
