//! The yearly evaluation (`inspanningen/*` → `evaluatie`): golden values on `fixtures/mini` with
//! a hand-made efforts file (worked out in the comments), and a yearly signal total that is
//! published while its small quarters are not.

use crate::util::{Drop, Row, V, read_table, risicobeeld_cmd};

/// GM0001 and GM0002 form district D1, GM0003 district D2; all three are regio R1.
const EFFORTS: &str = "gemeentecode,periode,onderdeel,indicator,aantal
GM0001,2022,handhaving,controles,7
GM0001,2023,bewustwording,professionals_getraind,10
GM0001,2024-H1,bewustwording,professionals_getraind,4
GM0001,2024-Q3,bewustwording,professionals_getraind,5
GM0001,2024KW04,Bewustwording en training,professionals_getraind,3
GM0001,2024,handhaving,controles,9
GM0001,2024,ondersteuning,slachtoffers_ondersteund,3
GM0002,2024JJ00,handhaving,controles,4
";

fn find<'a>(rows: &'a [Row], code: &str, periode: &str, indicator: &str) -> Option<&'a Row> {
    rows.iter().find(|r| {
        r["gebiedscode"] == V::S(code.into())
            && r["periode"] == V::S(periode.into())
            && r["indicator"] == V::S(indicator.into())
    })
}

fn row<'a>(rows: &'a [Row], code: &str, periode: &str, indicator: &str) -> &'a Row {
    find(rows, code, periode, indicator)
        .unwrap_or_else(|| panic!("no evaluatie row {code} {periode} {indicator}"))
}

fn f(v: f64) -> V {
    V::F(v)
}

fn published(drop: &Drop) -> (Vec<Row>, Vec<Row>) {
    let outcome = drop.run(&[]);
    assert_eq!(outcome.code, 0, "{}{}", outcome.stdout, outcome.stderr);
    let current = drop.out().join("current");
    (
        read_table(&current, "evaluatie"),
        read_table(&current.join("openbaar"), "evaluatie"),
    )
}

#[test]
fn evaluatie_golden_values() {
    let drop = Drop::of("mini");
    drop.write("inspanningen/inspanningen.csv", EFFORTS);
    // GM0003 gets signals but no efforts.
    let signals = drop.read("signalen/signalen.csv");
    drop.write(
        "signalen/signalen.csv",
        &format!("{signals}2024-Q2,GM0003,politie,arbeid,1,2\n"),
    );
    // GM0002's nulmeting is set to a year it delivered nothing for.
    drop.write("risicobeeld.toml", "[evaluatie.nulmeting]\nGM0002 = 2020\n");
    let config = drop.input().join("risicobeeld.toml");
    let outcome = drop.run(&["--config", config.to_str().expect("utf8")]);
    assert_eq!(outcome.code, 0, "{}{}", outcome.stdout, outcome.stderr);
    let rows = read_table(&drop.out().join("current"), "evaluatie");

    // GM0001's nulmeting is its first year of efforts: 2022 (controles).
    let p = row(&rows, "GM0001", "2024", "professionals_getraind");
    // 2024 = H1 4 + Q3 5 + Q4 3 = 12; not delivered in 2022 (no nulmeting value); 2023: 10.
    assert_eq!(p["waarde"], f(12.0));
    assert_eq!(p["nulmeting_jaar"], V::I(2022));
    assert_eq!(p["nulmeting"], V::Null);
    assert_eq!(p["vorig_jaar"], f(10.0));
    assert_eq!(p["verschil_vorig_jaar"], f(2.0));
    assert_eq!(p["verschil_vorig_jaar_pct"], f(20.0));
    assert_eq!(p["onderdeel"], V::S("bewustwording".into()));
    // Half-years: H1 = 4 (delivered as such), H2 = Q3 5 + Q4 3 = 8. 2023 came as a whole year,
    // so it has no halves and 2024-H2 has no year before.
    assert_eq!(
        row(&rows, "GM0001", "2024-H1", "professionals_getraind")["waarde"],
        f(4.0)
    );
    let h2 = row(&rows, "GM0001", "2024-H2", "professionals_getraind");
    assert_eq!(h2["waarde"], f(8.0));
    assert_eq!(h2["periodesoort"], V::S("halfjaar".into()));
    assert_eq!(h2["vorig_jaar"], V::Null);
    assert!(find(&rows, "GM0001", "2023-H1", "professionals_getraind").is_none());
    // A missing year: controles 2022 = 7 (the nulmeting), nothing in 2023, 9 in 2024.
    let c = row(&rows, "GM0001", "2024", "controles");
    assert_eq!(c["waarde"], f(9.0));
    assert_eq!(c["nulmeting"], f(7.0));
    assert_eq!(c["verschil_nulmeting"], f(2.0));
    assert_eq!(c["vorig_jaar"], V::Null);
    assert_eq!(c["verschil_vorig_jaar"], V::Null);
    assert!(find(&rows, "GM0001", "2023", "controles").is_none());
    // A whole-year row cannot be split: no half-years of controles in 2024.
    assert!(find(&rows, "GM0001", "2024-H1", "controles").is_none());
    // The configured nulmeting (2020) of GM0002, a year without data.
    let g2 = row(&rows, "GM0002", "2024", "controles");
    assert_eq!(g2["waarde"], f(4.0));
    assert_eq!(g2["nulmeting_jaar"], V::I(2020));
    assert_eq!(g2["nulmeting"], V::Null);
    // GM0003 delivered signals but no efforts, and has no configured year: no nulmeting.
    let g3: Vec<&Row> = rows
        .iter()
        .filter(|r| r["gebiedscode"] == V::S("GM0003".into()))
        .collect();
    assert!(!g3.is_empty());
    assert!(g3.iter().all(|r| r["nulmeting_jaar"] == V::Null), "{g3:?}");
    // District D1 = GM0001 + GM0002: controles 2024 = 9 + 4; its nulmeting is the latest of
    // its gemeenten' (2022, 2020): 2022, when D1 had 7.
    let d1 = row(&rows, "D1", "2024", "controles");
    assert_eq!(d1["waarde"], f(13.0));
    assert_eq!(d1["nulmeting_jaar"], V::I(2022));
    assert_eq!(d1["nulmeting"], f(7.0));
    assert_eq!(row(&rows, "R1", "2024", "controles")["waarde"], f(13.0));
    // Signals of GM0001 (fixtures/mini/signalen.csv): 2023-Q3 arbeid 4; 2024-Q1 seksueel 3,
    // arbeid 1 (a month row) and crimineel/seksueel 2 (a wijk row, a form of its own): 6.
    assert_eq!(
        row(&rows, "GM0001", "2023", "signalen_totaal")["waarde"],
        f(4.0)
    );
    assert_eq!(
        row(&rows, "GM0001", "2024", "signalen_totaal")["waarde"],
        f(6.0)
    );
    assert_eq!(
        row(&rows, "GM0001", "2024-H1", "signalen_crimineel_seksueel")["waarde"],
        f(2.0)
    );
    assert_eq!(
        row(&rows, "GM0001", "2024-H1", "signalen_overig")["waarde"],
        f(0.0)
    );
    // Phases reached in 2024: fase 2 by the seksueel 3 (phase 2), the arbeid 1 (phase 3) and
    // the crimineel/seksueel 2 (phase 5): 6; fase 3 by 3; fase 5 by 2.
    assert_eq!(
        row(&rows, "GM0001", "2024", "signalen_bereikt_weging")["waarde"],
        f(6.0)
    );
    assert_eq!(
        row(&rows, "GM0001", "2024", "signalen_bereikt_bronnenonderzoek")["waarde"],
        f(3.0)
    );
    assert_eq!(
        row(&rows, "GM0001", "2024", "signalen_bereikt_actie")["waarde"],
        f(2.0)
    );
    // The stand at the year's end is read from the period's last quarter.
    let rni = row(&rows, "GM0001", "2024", "rni_ingeschrevenen");
    assert_eq!(rni["onderdeel"], V::S("risicobeeld".into()));
    assert!(matches!(&rni["peilperiode"], V::S(p) if p.starts_with("2024-Q")));

    // openbaar/: the 3 victims are hidden (a person count under 5), the controls are not.
    let open = read_table(&drop.out().join("current").join("openbaar"), "evaluatie");
    let v = row(&open, "GM0001", "2024", "slachtoffers_ondersteund");
    assert_eq!(v["waarde"], V::Null);
    assert_eq!(v["waarde_onderdrukt"], V::B(true));
    assert_eq!(row(&open, "GM0001", "2024", "controles")["waarde"], f(9.0));
    let audit = risicobeeld_cmd(&["audit", "--out", drop.out().to_str().expect("utf8")]);
    assert_eq!(audit.code, 0, "{}{}", audit.stdout, audit.stderr);
}

#[test]
fn a_yearly_total_is_published_while_its_small_quarters_are_not() {
    let drop = Drop::of("mini");
    // GM0002 (district D1) and GM0003 (D2): 3 labour signals in each quarter of 2024 (each
    // under 5), 12 in the year. The regio's quarters (6) keep each gemeente's quarter within
    // [0, 6]; the year 12 leaves each of the four hidden quarters within [0, 6] as well.
    let mut signals = String::from("periode,gebiedscode,bron,vorm,fase,aantal\n");
    for gemeente in ["GM0002", "GM0003"] {
        for q in 1..=4 {
            signals.push_str(&format!("2024-Q{q},{gemeente},politie,arbeid,1,3\n"));
        }
    }
    drop.write("signalen/signalen.csv", &signals);
    let (full, open) = published(&drop);
    assert_eq!(
        row(&full, "GM0002", "2024", "signalen_totaal")["waarde"],
        f(12.0)
    );
    let year = row(&open, "GM0002", "2024", "signalen_totaal");
    assert_eq!(year["waarde"], f(12.0), "{year:?}");
    assert_eq!(year["waarde_onderdrukt"], V::B(false));
    let gebied = read_table(
        &drop.out().join("current").join("openbaar"),
        "gebied_indicatoren",
    );
    for q in 1..=4 {
        let quarter = gebied
            .iter()
            .find(|r| {
                r["gebiedscode"] == V::S("GM0002".into())
                    && r["periode"] == V::S(format!("2024-Q{q}"))
            })
            .expect("quarter row");
        assert_eq!(quarter["signalen_totaal"], V::Null, "{quarter:?}");
        assert_eq!(quarter["signalen_totaal_onderdrukt"], V::B(true));
    }
    crate::disclosure::assert_no_small_counts(&drop.out().join("current"));
    let audit = risicobeeld_cmd(&["audit", "--out", drop.out().to_str().expect("utf8")]);
    assert_eq!(audit.code, 0, "{}{}", audit.stdout, audit.stderr);
}
