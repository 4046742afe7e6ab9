//! Golden tests of `gebied_indicatoren` on `fixtures/mini`: every expected value is worked out
//! by hand from the fixture's rows in the comments, never read back from the program.

use crate::util::{Drop, V, area_row, assert_close, read_table};

fn published_mini() -> (Drop, Vec<crate::util::Row>) {
    let drop = Drop::of("mini");
    let outcome = drop.run(&[]);
    assert_eq!(outcome.code, 0, "{}{}", outcome.stdout, outcome.stderr);
    let rows = read_table(&drop.out().join("current"), "gebied_indicatoren");
    (drop, rows)
}

#[test]
fn gemeente_with_object_level_data() {
    let (_drop, rows) = published_mini();
    let gm1 = area_row(&rows, "GM0001", "2024-Q1");
    // Q1 has two object snapshots (02-29, 03-31); the latest wins. On 03-31 objects 1, 2, 3
    // and 5 are "in gebruik" (4 is "gevormd" and not counted); 1 and 3 have no BRP residents,
    // no HR establishments and no WOZ use: leeg. The aggregate row for GM0001 is overruled.
    assert_eq!(gm1["vbo_in_gebruik"], V::I(4));
    assert_eq!(gm1["leeg_aantal"], V::I(2));
    assert_close(&gm1["leeg_pct"], 50.0, "leeg_pct");
    // RNI: 3 at object 1 (by id) and 2 at object 2 (address "1234 ab" 2 A): 5 persons, 2 addresses.
    assert_eq!(gm1["rni_ingeschrevenen"], V::I(5));
    assert_eq!(gm1["rni_adressen"], V::I(2));
    assert_eq!(gm1["inwoners"], V::I(2000));
    assert_close(&gm1["rni_per_1000_inwoners"], 2.5, "rni per 1000");
    // Object 1 is leeg and has RNI registrations: verborgen bewoning.
    assert_eq!(gm1["verborgen_bewoning"], V::I(1));
    // KvK: vestiging 1 (uitzendbureau, 2023) and 2 (bouw, registered 01-02-2024) active at
    // 2024-03-31; vestiging 2 is new in Q1.
    assert_eq!(gm1["kvk_risico_actief"], V::I(2));
    assert_eq!(gm1["kvk_uitzendbureaus"], V::I(1));
    assert_eq!(gm1["kvk_risico_nieuw"], V::I(1));
    assert_eq!(gm1["kvk_risico_opgeheven"], V::I(0));
    assert_eq!(gm1["kvk_adresconcentratie"], V::I(0));
    // Signals in Q1: 3 seksueel (quarter row), 1 arbeid (month 2024-01), 2 crimineel/seksueel
    // from wijk WK000102 (counts toward its gemeente, in a column of its own; overig is 0).
    assert_eq!(gm1["signalen_totaal"], V::I(6));
    assert_eq!(gm1["signalen_seksueel"], V::I(3));
    assert_eq!(gm1["signalen_arbeid"], V::I(1));
    assert_eq!(gm1["signalen_crimineel"], V::I(0));
    assert_eq!(gm1["signalen_crimineel_seksueel"], V::I(2));
    assert_eq!(gm1["signalen_overig"], V::I(0));
    for bron in ["bron_leegstand", "bron_rni", "bron_kvk", "bron_signalen"] {
        assert_eq!(gm1[bron], V::B(true), "{bron}");
    }
    assert_eq!(gm1["gebiedsnaam"], V::S("Eerstdorp".into()));
    assert_eq!(gm1["district_code"], V::S("D1".into()));
}

#[test]
fn gemeente_with_aggregates_and_a_merger() {
    let (_drop, rows) = published_mini();
    let gm2 = area_row(&rows, "GM0002", "2024-Q1");
    // Population: no 2024 row, so 2023: GM0002 1000 + merged GM0009 500.
    assert_eq!(gm2["inwoners"], V::I(1500));
    // Aggregate leegstand (code padded "GM0002    "): 10 of 200.
    assert_eq!(gm2["vbo_in_gebruik"], V::I(200));
    assert_close(&gm2["leeg_pct"], 5.0, "leeg_pct");
    // RNI by gebiedscode only: persons, but no addresses and no verborgen bewoning.
    assert_eq!(gm2["rni_ingeschrevenen"], V::I(7));
    assert_eq!(gm2["rni_adressen"], V::Null);
    assert_close(
        &gm2["rni_per_1000_inwoners"],
        7.0 / 1500.0 * 1000.0,
        "rni per 1000",
    );
    assert_eq!(gm2["verborgen_bewoning"], V::Null);
    // Horeca vestiging registered 2023-06-01, deregistered 2024-03-15: 288 days, short-lived.
    assert_eq!(gm2["kvk_risico_actief"], V::I(0));
    assert_eq!(gm2["kvk_risico_opgeheven"], V::I(1));
    assert_eq!(gm2["kvk_kortlevend"], V::I(1));
    // No signal rows at all: missing, not zero.
    assert_eq!(gm2["signalen_totaal"], V::Null);
    assert_eq!(gm2["bron_signalen"], V::B(false));

    let gm3 = area_row(&rows, "GM0003", "2024-Q1");
    for column in [
        "vbo_in_gebruik",
        "rni_ingeschrevenen",
        "kvk_risico_actief",
        "signalen_totaal",
        "risicoscore",
        "risicorang",
    ] {
        assert_eq!(gm3[column], V::Null, "{column}");
    }
    assert_eq!(gm3["inwoners"], V::I(4000));
}

#[test]
fn signal_coverage_span_and_history() {
    let (_drop, rows) = published_mini();
    // GM0001 delivered signals in 2023-Q3 and 2024-Q1: inside that span 2023-Q4 is 0.
    assert_eq!(
        area_row(&rows, "GM0001", "2023-Q3")["signalen_totaal"],
        V::I(4)
    );
    assert_eq!(
        area_row(&rows, "GM0001", "2023-Q4")["signalen_totaal"],
        V::I(0)
    );
    // No snapshot in 2023: stocks are null there, and the period range starts at 2023-Q3.
    assert_eq!(
        area_row(&rows, "GM0001", "2023-Q4")["vbo_in_gebruik"],
        V::Null
    );
    assert!(!rows.iter().any(|r| r["periode"] == V::S("2023-Q2".into())));
    // KvK history before the range still counts: the horeca vestiging (2023-06-01) is active in 2023-Q4.
    assert_eq!(
        area_row(&rows, "GM0002", "2023-Q4")["kvk_risico_actief"],
        V::I(1)
    );
}

#[test]
fn wijken_district_and_regio() {
    let (_drop, rows) = published_mini();
    let west = area_row(&rows, "WK000101", "2024-Q1");
    // West: objects 1 (leeg) and 2; RNI at both (3 + 2); 1200 inwoners; bouw vestiging 2.
    assert_eq!(west["vbo_in_gebruik"], V::I(2));
    assert_eq!(west["leeg_aantal"], V::I(1));
    assert_eq!(west["rni_ingeschrevenen"], V::I(5));
    assert_close(
        &west["rni_per_1000_inwoners"],
        5.0 / 1200.0 * 1000.0,
        "wijk rate",
    );
    assert_eq!(west["kvk_risico_actief"], V::I(1));
    assert_eq!(west["signalen_totaal"], V::Null);
    assert_eq!(west["gemeentecode"], V::S("GM0001".into()));
    let oost = area_row(&rows, "WK000102", "2024-Q1");
    // Oost: objects 3 (leeg) and 5; no RNI there, but GM0001's RNI is placed in wijken: 0.
    assert_eq!(oost["vbo_in_gebruik"], V::I(2));
    assert_eq!(oost["rni_ingeschrevenen"], V::I(0));

    let d1 = area_row(&rows, "D1", "2024-Q1");
    // District D1 = GM0001 + GM0002.
    assert_eq!(d1["inwoners"], V::I(3500));
    assert_eq!(d1["vbo_in_gebruik"], V::I(204));
    assert_eq!(d1["leeg_aantal"], V::I(12));
    assert_close(&d1["leeg_pct"], 1200.0 / 204.0, "district leeg_pct");
    assert_eq!(d1["rni_ingeschrevenen"], V::I(12));
    assert_close(
        &d1["rni_per_1000_inwoners"],
        12.0 / 3500.0 * 1000.0,
        "district rni rate",
    );
    // Signals: only GM0001 delivered, so the sum is 6 but coverage is false.
    assert_eq!(d1["signalen_totaal"], V::I(6));
    assert_eq!(d1["bron_signalen"], V::B(false));
    assert_eq!(d1["bron_leegstand"], V::B(true));
    assert_eq!(d1["gemeentecode"], V::Null);

    let r1 = area_row(&rows, "R1", "2024-Q1");
    // Regio = all three gemeenten; GM0003 has no RNI, so the rate divides by 3500, not 7500.
    assert_eq!(r1["inwoners"], V::I(7500));
    assert_close(
        &r1["rni_per_1000_inwoners"],
        12.0 / 3500.0 * 1000.0,
        "regio rni rate",
    );
    assert_eq!(r1["bron_leegstand"], V::B(false));
    assert_eq!(r1["district_code"], V::Null);
    assert_eq!(r1["district"], V::Null);
}

#[test]
fn risk_score_and_contributions() {
    // On the raw rates ([statistiek] score_op_gladgemaakt = false), gemeente level, 2024-Q1
    // (GM0003 has no indicator and no score):
    //   leeg_pct 50 vs 5 → z +1, −1;  rni per 1000 2.5 vs 4.667 → z −1, +1;
    //   kvk per 1000: 1 vs 0 → z +1, −1;  verborgen per 1000 vbo and signals: GM0001 only → z 0.
    // Signals weigh 0 by default (the score is structural), so they leave both sums:
    // GM0001: (1 − 1 + 0 + 1) / 4 = 0.25;  GM0002: (−1 + 1 − 1) / 3 = −1/3.
    let drop = Drop::of("mini");
    drop.write("ruw.toml", "[statistiek]\nscore_op_gladgemaakt = false\n");
    let config = drop.input().join("ruw.toml");
    let outcome = drop.run(&["--config", config.to_str().expect("utf8")]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let rows = read_table(&drop.out().join("current"), "gebied_indicatoren");
    let gm1 = area_row(&rows, "GM0001", "2024-Q1");
    let gm2 = area_row(&rows, "GM0002", "2024-Q1");
    assert_close(&gm1["risicoscore"], 0.25, "score GM0001");
    assert_close(&gm2["risicoscore"], -1.0 / 3.0, "score GM0002");
    assert_eq!(gm1["risicorang"], V::I(1));
    assert_eq!(gm2["risicorang"], V::I(2));
    let V::Struct(parts) = &gm1["risico_bijdragen"] else {
        panic!("bijdragen is a struct")
    };
    // Each share is weight × z / 4.
    assert_close(&parts["leeg_pct"], 0.25, "contribution leeg_pct");
    assert_close(&parts["rni_per_1000_inwoners"], -0.25, "contribution rni");
    assert_close(
        &parts["kvk_risico_per_1000_inwoners"],
        0.25,
        "contribution kvk",
    );
    assert_close(
        &parts["signalen_per_10000_inwoners"],
        0.0,
        "contribution signalen",
    );
}

#[test]
fn smoothed_rates_and_the_score_on_them() {
    // The default score uses the empirical-Bayes rates (docs/statistics.md), gemeente level,
    // 2024-Q1, GM0001 and GM0002 (GM0003 has no rates):
    //   leeg: counts 2/4 and 10/200; m = 12/204 = 0.0588235, n̄ = 102;
    //     s² = (4·0.4411765² + 200·0.0088235²)/204 − m/102 = 0.0038927 − 0.0005767 = 0.0033160;
    //     w₁ = s²/(s² + m/4) = 0.18400 → 0.18400·0.5 + 0.81600·m = 0.14000 (14.00 %);
    //     w₂ = s²/(s² + m/200) = 0.91853 → 0.91853·0.05 + 0.08147·m = 0.050719 (5.0719 %).
    //   rni: 5/2000 and 7/1500; m = 12/3500; s² = (2000·(0.0025 − m)² + 1500·(0.0046667 − m)²)/3500
    //     − m/1750 = 1.1497e-6 − 1.9592e-6 < 0 → 0: both get m = 3.4286 per 1000 (z 0).
    //   kvk: 2/2000 and 0/1500; likewise s² < 0: both 2/3500 = 0.5714 per 1000 (z 0).
    // Score (signals weigh 0): GM0001: (1 + 0 + 0 + 0) / 4 = 0.25; GM0002: (−1 + 0 + 0) / 3 = −1/3.
    let (_drop, rows) = published_mini();
    let gm1 = area_row(&rows, "GM0001", "2024-Q1");
    let gm2 = area_row(&rows, "GM0002", "2024-Q1");
    let near = |v: &V, expected: f64, tolerance: f64, what: &str| match v {
        V::F(x) => assert!(
            (x - expected).abs() < tolerance,
            "{what}: {x} vs {expected}"
        ),
        other => panic!("{what}: {other:?}"),
    };
    near(&gm1["leeg_pct_gladgemaakt"], 14.000, 2e-3, "leeg GM0001");
    near(&gm2["leeg_pct_gladgemaakt"], 5.0719, 2e-4, "leeg GM0002");
    near(
        &gm1["rni_per_1000_inwoners_gladgemaakt"],
        12.0 / 3.5,
        1e-9,
        "rni GM0001",
    );
    near(
        &gm2["rni_per_1000_inwoners_gladgemaakt"],
        12.0 / 3.5,
        1e-9,
        "rni GM0002",
    );
    near(
        &gm1["kvk_risico_per_1000_inwoners_gladgemaakt"],
        2.0 / 3.5,
        1e-9,
        "kvk",
    );
    assert_close(&gm1["risicoscore"], 0.25, "score GM0001");
    assert_close(&gm2["risicoscore"], -1.0 / 3.0, "score GM0002");
    let V::Struct(parts) = &gm1["risico_bijdragen"] else {
        panic!("bijdragen is a struct")
    };
    assert_close(&parts["leeg_pct"], 0.25, "contribution leeg_pct");
    assert_close(&parts["rni_per_1000_inwoners"], 0.0, "contribution rni");
    assert_close(
        &parts["kvk_risico_per_1000_inwoners"],
        0.0,
        "contribution kvk",
    );
    // Wilson for 2 of 4 at 95 %: centre (0.5 + 0.48018)/1.96036 = 0.5, half
    // 1.959964·√(0.0625 + 0.060023)/1.96036 = 0.34993 → [15.00, 84.99] %; the regio's
    // 12/204 = 5.88 % lies below the interval: hoger.
    near(&gm1["leeg_pct_ci_laag"], 15.004, 2e-3, "leeg low");
    near(&gm1["leeg_pct_ci_hoog"], 84.996, 2e-3, "leeg high");
    assert_eq!(gm1["leeg_pct_vergelijking"], V::S("hoger".into()));
}

#[test]
fn other_tables_on_the_mini_drop() {
    let (drop, _) = published_mini();
    let snapshot = drop.out().join("current");
    let fasen = read_table(&snapshot, "signalen_fasen");
    let cell = |vorm: &str, fase: i64| {
        fasen
            .iter()
            .find(|r| {
                r["gebiedscode"] == V::S("GM0001".into())
                    && r["periode"] == V::S("2024-Q1".into())
                    && r["vorm"] == V::S(vorm.into())
                    && r["fase"] == V::I(fase)
            })
            .unwrap_or_else(|| panic!("{vorm} {fase}"))
            .clone()
    };
    // 3 seksueel signals stopped in phase 2: all reached 1 and 2, none reached 3.
    assert_eq!(cell("seksueel", 1)["bereikt"], V::I(3));
    assert_eq!(cell("seksueel", 2)["aantal"], V::I(3));
    assert_eq!(cell("seksueel", 3)["bereikt"], V::I(0));
    assert_eq!(cell("crimineel_seksueel", 5)["bereikt"], V::I(2));
    assert_eq!(cell("arbeid", 3)["bereikt"], V::I(1));
    assert_eq!(cell("arbeid", 1)["aantal"], V::I(0));

    let sectoren = read_table(&snapshot, "kvk_sectoren");
    let bouw = sectoren
        .iter()
        .find(|r| {
            r["gebiedscode"] == V::S("GM0001".into())
                && r["periode"] == V::S("2024-Q1".into())
                && r["sector"] == V::S("bouw".into())
        })
        .expect("bouw row");
    assert_eq!(bouw["actief"], V::I(1));
    assert_eq!(bouw["nieuw"], V::I(1));

    // Signals by source (signalen.csv): 2023-Q3 politie 4; 2024-Q1 politie 3 (seksueel), intern
    // 1 (the month row), extern 2 (the wijk row). Σ bron = signalen_totaal: 3 + 1 + 2 = 6.
    let bronnen = read_table(&snapshot, "signalen_bronnen");
    let bron = |code: &str, periode: &str, bron: &str| {
        bronnen
            .iter()
            .find(|r| {
                r["gebiedscode"] == V::S(code.into())
                    && r["periode"] == V::S(periode.into())
                    && r["bron"] == V::S(bron.into())
            })
            .unwrap_or_else(|| panic!("{code} {periode} {bron}"))
            .clone()
    };
    assert_eq!(bron("GM0001", "2024-Q1", "politie")["aantal"], V::I(3));
    assert_eq!(bron("GM0001", "2024-Q1", "intern")["aantal"], V::I(1));
    assert_eq!(bron("GM0001", "2024-Q1", "extern")["aantal"], V::I(2));
    assert_eq!(bron("GM0001", "2024-Q1", "shop")["aantal"], V::I(0));
    assert_eq!(
        bron("GM0001", "2024-Q1", "shop")["bron_omschrijving"],
        V::S("SHOP (slachtoffermelding)".into())
    );
    // One row per source of the vocabulary; their sum is the quarter's 6.
    let q1: Vec<_> = bronnen
        .iter()
        .filter(|r| {
            r["gebiedscode"] == V::S("GM0001".into()) && r["periode"] == V::S("2024-Q1".into())
        })
        .collect();
    assert_eq!(q1.len(), risicobeeld_snapshot::vocabulary::BRONNEN.len());
    assert_eq!(
        q1.iter()
            .map(|r| if let V::I(n) = r["aantal"] { n } else { 0 })
            .sum::<i64>(),
        6
    );
    // The years: 2023 is Q3 + Q4 = 4 + 0 (politie); 2024 is Q1 alone (the coverage ends there).
    let y2023 = bron("GM0001", "2023", "politie");
    assert_eq!(y2023["aantal"], V::I(4));
    assert_eq!(y2023["periodesoort"], V::S("jaar".into()));
    assert_eq!(bron("GM0001", "2024", "extern")["aantal"], V::I(2));
    // Above the gemeente: only GM0001 delivers signals, so D1 and R1 are its counts.
    assert_eq!(bron("D1", "2024-Q1", "politie")["aantal"], V::I(3));
    assert_eq!(bron("R1", "2024", "extern")["aantal"], V::I(2));
    // Σ bron = signalen_totaal for every area and period of gebied_indicatoren that has
    // signals (gemeente, district, regio), and no sources row where it has none.
    let gebied = read_table(&snapshot, "gebied_indicatoren");
    let mut checked = 0;
    for g in &gebied {
        let (V::S(code), V::S(periode)) = (&g["gebiedscode"], &g["periode"]) else {
            continue;
        };
        let sum: Option<i64> = bronnen
            .iter()
            .filter(|r| r["gebiedscode"] == g["gebiedscode"] && r["periode"] == g["periode"])
            .map(|r| if let V::I(n) = r["aantal"] { n } else { 0 })
            .reduce(|a, b| a + b);
        match &g["signalen_totaal"] {
            V::I(total) => {
                assert_eq!(sum, Some(*total), "{code} {periode}");
                checked += 1;
            }
            _ => assert_eq!(sum, None, "{code} {periode}: sources without signals"),
        }
    }
    assert!(checked >= 9, "only {checked} area-periods with signals");
    // GM0002 delivers no signals: no rows (no delivery is not zero).
    assert!(
        !bronnen
            .iter()
            .any(|r| r["gebiedscode"] == V::S("GM0002".into()))
    );

    let trends = read_table(&snapshot, "trends");
    let t = trends
        .iter()
        .find(|r| {
            r["gebiedscode"] == V::S("GM0001".into())
                && r["indicator"] == V::S("signalen_totaal".into())
                && r["periode"] == V::S("2024-Q1".into())
        })
        .expect("trend row");
    // 2023-Q4 had 0 signals; 2024-Q1 has 6. Mean of the last four periods present: (4 + 0 + 6) / 3.
    assert_close(&t["waarde"], 6.0, "waarde");
    assert_close(&t["vorige_periode"], 0.0, "vorige");
    assert_close(&t["verschil_vorige_periode"], 6.0, "verschil");
    assert_close(&t["gemiddelde_4_perioden"], 10.0 / 3.0, "gemiddelde");

    let kwaliteit = read_table(&snapshot, "kwaliteit");
    assert!(
        kwaliteit
            .iter()
            .any(|r| r["regel"] == V::S("object_niveau_wint".into())
                && r["bestand"] == V::S("leegstand.csv".into())),
        "the overruled aggregate row is reported"
    );
    let gelezen = kwaliteit
        .iter()
        .find(|r| {
            r["regel"] == V::S("rijen_gelezen".into()) && r["bestand"] == V::S("rni/rni.csv".into())
        })
        .expect("every file has a rijen_gelezen row");
    assert_eq!(gelezen["aantal"], V::I(3));
    assert!(
        kwaliteit
            .iter()
            .any(|r| r["regel"] == V::S("laatste_peildatum".into())
                && r["bron"] == V::S("rni".into())
                && r["gemeentecode"] == V::S("GM0001".into()))
    );
}

#[test]
fn year_on_year_tests_per_indicator_and_only_for_ratios() {
    // The mini drop with a year before 2024-Q1: GM0002 had 2 of 200 objects administratief
    // leeg on 2023-03-31, GM0001 one signal in 2023-Q1 (and 2,000 inwoners in 2023 as well).
    let drop = Drop::of("mini");
    let leegstand = drop.read("leegstand.csv");
    drop.write(
        "leegstand.csv",
        &format!("{leegstand}GM0002,2023-03-31,200,2\n"),
    );
    let signalen = drop.read("signalen/signalen.csv");
    drop.write(
        "signalen/signalen.csv",
        &format!("{signalen}2023-Q1,GM0001,politie,arbeid,1,1\n"),
    );
    let bevolking = drop.read("bevolking.csv");
    drop.write("bevolking.csv", &format!("{bevolking}GM0001,2023,2000\n"));
    let outcome = drop.run(&[]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let trends = read_table(&drop.out().join("current"), "trends");
    let row = |code: &str, indicator: &str| {
        trends
            .iter()
            .find(|r| {
                r["gebiedscode"] == V::S(code.into())
                    && r["indicator"] == V::S(indicator.into())
                    && r["periode"] == V::S("2024-Q1".into())
            })
            .unwrap_or_else(|| panic!("no trend row {code} {indicator}"))
    };
    // leeg_pct of GM0002: 10 of 200 now, 2 of 200 a year earlier. Given 12 empty objects in
    // all, under no change the count now is binomial(12, 200 / 400 = 0.5): P(k) = C(12, k) /
    // 4096. The observed 10 has P = 66 / 4096; the outcomes no more likely are k = 0, 1, 2, 10,
    // 11, 12 with 1 + 12 + 66 + 66 + 12 + 1 = 158, so p = 158 / 4096 = 0.03857421875.
    let leeg = row("GM0002", "leeg_pct");
    assert_close(&leeg["p_vorig_jaar"], 158.0 / 4096.0, "p of leeg_pct");
    // It is the only gemeente with leeg_pct in both years: Benjamini–Hochberg over m = 1 test
    // rejects when p < 0.05 · 1 / 1, so the change is opvallend.
    assert_eq!(leeg["opvallend"], V::B(true));
    // signalen_per_10000_inwoners of GM0001: 6 signals now (3 + 1 + 2, see above), 1 a year
    // earlier, 2,000 inwoners both years: binomial(7, 0.5), P(k) = C(7, k) / 128. The observed
    // 6 has P = 7 / 128; no more likely are k = 0, 1, 6, 7: (1 + 7 + 7 + 1) / 128 = 0.125.
    let signalen = row("GM0001", "signalen_per_10000_inwoners");
    assert_close(
        &signalen["p_vorig_jaar"],
        16.0 / 128.0,
        "p of the signal rate",
    );
    // m = 1 again: 0.125 is not below 0.05, so the rise is not opvallend.
    assert_eq!(signalen["opvallend"], V::B(false));
    // Only the ratios of the registry carry a test; every other indicator's row has none.
    for r in &trends {
        let V::S(indicator) = &r["indicator"] else {
            panic!("indicator is text");
        };
        let ratio = risicobeeld_snapshot::indicators::indicator(indicator)
            .is_some_and(|i| i.kind.is_ratio());
        if !ratio {
            assert_eq!(r["p_vorig_jaar"], V::Null, "{indicator}");
            assert_eq!(r["opvallend"], V::Null, "{indicator}");
        }
    }
    // A ratio without a year before (GM0001's leegstand starts in 2024) has no test either.
    assert_eq!(row("GM0001", "leeg_pct")["p_vorig_jaar"], V::Null);
}

#[test]
fn labour_migrant_housing_counts() {
    // The mini drop with `[rni] meervoudig_vanaf = 3` and three more uitzendbureau vestigingen:
    // 5 at object 1 (78201, ended 2024-03-01, before the RNI peildatum 2024-03-31), 6 and 7 both
    // at object 2 (78301 since 2023; 7820 until 2024-06-30: active on 03-31).
    let drop = Drop::of("mini");
    let kvk = drop.read("kvk/kvk.csv");
    drop.write(
        "kvk/kvk.csv",
        &format!(
            "{kvk}000000000005,10000005,78201,2022-05-01,2024-03-01,0001010000000001,,\n\
             000000000006,10000006,78301,2023-02-01,,0001010000000002,,\n\
             000000000007,10000007,7820,2023-09-01,2024-06-30,0001010000000002,,\n"
        ),
    );
    let config = drop.dir.path().join("risicobeeld.toml");
    std::fs::write(&config, "[rni]\nmeervoudig_vanaf = 3\n").expect("write config");
    let outcome = drop.run(&["--config", config.to_str().expect("utf8")]);
    assert_eq!(outcome.code, 0, "{}{}", outcome.stdout, outcome.stderr);
    let rows = read_table(&drop.out().join("current"), "gebied_indicatoren");
    let gm1 = area_row(&rows, "GM0001", "2024-Q1");
    // RNI on 2024-03-31: object 1 has 3 registrants (exactly meervoudig_vanaf: counts), object 2
    // has 2 (one below: does not). So 1 of the 2 addresses.
    assert_eq!(gm1["rni_adressen"], V::I(2));
    assert_eq!(gm1["rni_adressen_meervoudig"], V::I(1));
    // Per 1,000 objects in use: 1000 × 1 / 4 = 250.
    assert_close(
        &gm1["rni_meervoudig_per_1000_vbo"],
        250.0,
        "meervoudig rate",
    );
    // Object 1's uitzendbureau ended before the peildatum: no. Object 2 holds two active ones:
    // counted once.
    assert_eq!(gm1["rni_adressen_uitzendbureau"], V::I(1));
    // Both lie in wijk West (objects 1 and 2 at x 100200 and 100300); wijk Oost has none.
    let west = area_row(&rows, "WK000101", "2024-Q1");
    assert_eq!(west["rni_adressen_meervoudig"], V::I(1));
    assert_eq!(west["rni_adressen_uitzendbureau"], V::I(1));
    assert_close(&west["rni_meervoudig_per_1000_vbo"], 500.0, "1000 × 1 / 2");
    let oost = area_row(&rows, "WK000102", "2024-Q1");
    assert_eq!(oost["rni_adressen_meervoudig"], V::I(0));
    // GM0002's RNI is one aggregate row (no addresses): null, as rni_adressen. The district is
    // GM0001's alone, its rate divides by GM0001's 4 objects only (not the district's 204).
    let gm2 = area_row(&rows, "GM0002", "2024-Q1");
    assert_eq!(gm2["rni_adressen_meervoudig"], V::Null);
    assert_eq!(gm2["rni_adressen_uitzendbureau"], V::Null);
    let d1 = area_row(&rows, "D1", "2024-Q1");
    assert_eq!(d1["rni_adressen_meervoudig"], V::I(1));
    assert_close(&d1["rni_meervoudig_per_1000_vbo"], 250.0, "1000 × 1 / 4");
    // With the default (5) no address of the mini counts.
    let (_plain, plain) = published_mini();
    assert_eq!(
        area_row(&plain, "GM0001", "2024-Q1")["rni_adressen_meervoudig"],
        V::I(0)
    );
}

#[test]
fn victims_in_one_way_breakdowns() {
    let (drop, _) = published_mini();
    let rows = read_table(&drop.out().join("current"), "slachtoffers");
    let aantal = |code: &str, jaar: i64, dimensie: &str, waarde: &str| {
        rows.iter()
            .find(|r| {
                r["gebiedscode"] == V::S(code.into())
                    && r["jaar"] == V::I(jaar)
                    && r["dimensie"] == V::S(dimensie.into())
                    && r["waarde"] == V::S(waarde.into())
            })
            .map(|r| r["aantal"].clone())
            .unwrap_or_else(|| panic!("no row {code} {jaar} {dimensie} {waarde}"))
    };
    // GM0001 2024: comensha/seksueel/18-22/vrouw 2, shop/seksueel/0-17/vrouw 1, nla/arbeid/30+/man
    // 3: total 2 + 1 + 3 = 6.
    assert_eq!(aantal("GM0001", 2024, "totaal", "totaal"), V::I(6));
    assert_eq!(aantal("GM0001", 2024, "bron", "comensha"), V::I(2));
    assert_eq!(aantal("GM0001", 2024, "bron", "shop"), V::I(1));
    assert_eq!(aantal("GM0001", 2024, "bron", "nla"), V::I(3));
    // Every category of the vocabulary has a row: no FairWork victims in GM0001 is a 0.
    assert_eq!(aantal("GM0001", 2024, "bron", "fairwork"), V::I(0));
    assert_eq!(aantal("GM0001", 2024, "vorm", "seksueel"), V::I(3));
    assert_eq!(aantal("GM0001", 2024, "vorm", "arbeid"), V::I(3));
    assert_eq!(aantal("GM0001", 2024, "leeftijdsklasse", "0-17"), V::I(1));
    assert_eq!(aantal("GM0001", 2024, "leeftijdsklasse", "18-22"), V::I(2));
    assert_eq!(aantal("GM0001", 2024, "leeftijdsklasse", "30+"), V::I(3));
    assert_eq!(aantal("GM0001", 2024, "geslacht", "vrouw"), V::I(3));
    assert_eq!(aantal("GM0001", 2024, "geslacht", "man"), V::I(3));
    // GM0002 2024: fairwork/arbeid/23-29/man 4, and merged GM0009's politie/crimineel/"0 – 17"/man
    // 1 counted for its successor: total 5, of whom 1 under 18, all men.
    assert_eq!(aantal("GM0002", 2024, "totaal", "totaal"), V::I(5));
    assert_eq!(aantal("GM0002", 2024, "bron", "politie"), V::I(1));
    assert_eq!(aantal("GM0002", 2024, "leeftijdsklasse", "0-17"), V::I(1));
    assert_eq!(aantal("GM0002", 2024, "geslacht", "man"), V::I(5));
    // District D1 (GM0001 + GM0002) 2024: 6 + 5 = 11; under 18: 1 + 1 = 2; men 3 + 5 = 8.
    assert_eq!(aantal("D1", 2024, "totaal", "totaal"), V::I(11));
    assert_eq!(aantal("D1", 2024, "leeftijdsklasse", "0-17"), V::I(2));
    assert_eq!(aantal("D1", 2024, "geslacht", "man"), V::I(8));
    // Each breakdown sums to its total, for every area and year.
    for r in rows
        .iter()
        .filter(|r| r["dimensie"] == V::S("totaal".into()))
    {
        let V::I(total) = r["aantal"] else {
            panic!("a total is a count")
        };
        for dimensie in ["bron", "vorm", "leeftijdsklasse", "geslacht"] {
            let sum: i64 = rows
                .iter()
                .filter(|s| {
                    s["gebiedscode"] == r["gebiedscode"]
                        && s["jaar"] == r["jaar"]
                        && s["dimensie"] == V::S(dimensie.into())
                })
                .map(|s| match s["aantal"] {
                    V::I(v) => v,
                    _ => panic!("a count"),
                })
                .sum();
            assert_eq!(
                sum, total,
                "{:?} {:?} {dimensie}",
                r["gebiedscode"], r["jaar"]
            );
        }
    }
    // The regio R1 has three gemeenten; in 2024 two delivered (GM0003 none), in 2023 one.
    let regio = |jaar: i64| {
        rows.iter()
            .find(|r| {
                r["gebiedscode"] == V::S("R1".into())
                    && r["jaar"] == V::I(jaar)
                    && r["dimensie"] == V::S("totaal".into())
            })
            .map(|r| {
                (
                    r["aantal"].clone(),
                    r["gemeenten_geleverd"].clone(),
                    r["gemeenten"].clone(),
                )
            })
    };
    assert_eq!(regio(2024), Some((V::I(11), V::I(2), V::I(3))));
    assert_eq!(regio(2023), Some((V::I(1), V::I(1), V::I(3))));
    // GM0003 delivered nothing: no rows (not zeros).
    assert!(
        !rows
            .iter()
            .any(|r| r["gebiedscode"] == V::S("GM0003".into()))
    );
}
