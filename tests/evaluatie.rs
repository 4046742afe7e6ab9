//! The yearly evaluation (`inspanningen/*`, `doelen.csv`, `acties.csv`, `bevindingen/` → `evaluatie`,
//! `acties`, `bevindingen`): golden values on `fixtures/mini` with
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

/// Goals of both directions, one on a count that is hidden publicly, one on the risk picture and
/// one of a district; a district's and a regio's own efforts; actions and a findings text.
const GOALS: &str = "gebiedscode,jaar,indicator,doel,richting
GM0001,2024,controles,8,minimaal
GM0001,2024,professionals_getraind,15,minimaal
GM0002,2024,controles,3,maximaal
GM0001,2024,slachtoffers_ondersteund,2,maximaal
GM0001,2024,leeg_pct,50,maximaal
D1,2024,controles,18,minimaal
";

const REGIONAL_EFFORTS: &str = "D1,2024,handhaving,controles,5
R1,2024,handhaving,advertenties_gecontroleerd,40
";

const ACTIONS: &str = "gebiedscode,jaar,onderdeel,actie,status,toelichting
GM0001,2024,handhaving,Controles bij uitzendbureaus,afgerond,
GM0001,2024,Bewustwording en training,\"Training wijkteams, handhavers\",lopend,Vier sessies
D1,2024,samenwerking,Mensenhandeltafel elke maand,gepland,
";

const FINDINGS: &str = "De weging **duurt** te lang.\n\n<script>alert(1)</script>\n";

#[test]
fn goals_actions_findings_and_regional_efforts() {
    let drop = Drop::of("mini");
    drop.write(
        "inspanningen/inspanningen.csv",
        &format!("{EFFORTS}{REGIONAL_EFFORTS}"),
    );
    drop.write("doelen.csv", GOALS);
    drop.write("acties.csv", ACTIONS);
    drop.write("bevindingen/GM0001/2024/signalering.md", FINDINGS);
    let (full, open) = published(&drop);

    // Regional efforts count in their own area and above it, never in a gemeente: D1's 2024
    // controls = GM0001 9 + GM0002 4 + D1's own 5 = 18, R1's = D1's 18 (D2 has none); GM0001
    // keeps its 9. The regio's advertisement checks (40) are R1's only: no D1 or gemeente row.
    assert_eq!(row(&full, "D1", "2024", "controles")["waarde"], f(18.0));
    assert_eq!(row(&full, "R1", "2024", "controles")["waarde"], f(18.0));
    assert_eq!(row(&full, "GM0001", "2024", "controles")["waarde"], f(9.0));
    assert_eq!(
        row(&full, "R1", "2024", "advertenties_gecontroleerd")["waarde"],
        f(40.0)
    );
    for area in ["D1", "D2", "GM0001", "GM0002", "GM0003"] {
        assert!(find(&full, area, "2024", "advertenties_gecontroleerd").is_none());
    }

    // Goals: at least 8 controls, 9 done → reached; at least 15 trained, 12 (4 + 5 + 3) → not;
    // GM0002 at most 3 controls, 4 → not; D1 at least 18, 18 (with its own 5) → reached.
    let goal = |rows: &[Row], code: &str, periode: &str, indicator: &str| {
        let r = row(rows, code, periode, indicator);
        (
            r["doel"].clone(),
            r["doel_richting"].clone(),
            r["doel_bereikt"].clone(),
        )
    };
    let s = |t: &str| V::S(t.into());
    assert_eq!(
        goal(&full, "GM0001", "2024", "controles"),
        (f(8.0), s("minimaal"), V::B(true))
    );
    assert_eq!(
        goal(&full, "GM0001", "2024", "professionals_getraind"),
        (f(15.0), s("minimaal"), V::B(false))
    );
    assert_eq!(
        goal(&full, "GM0002", "2024", "controles"),
        (f(3.0), s("maximaal"), V::B(false))
    );
    assert_eq!(
        goal(&full, "D1", "2024", "controles"),
        (f(18.0), s("minimaal"), V::B(true))
    );
    // A goal on the risk picture (leegstand under 50 %): the stand is read at the year's end.
    assert_eq!(
        goal(&full, "GM0001", "2024", "leeg_pct").2,
        V::B(true),
        "leegstand below 50 %"
    );
    // A half-year has no goal; an area without one neither.
    assert_eq!(
        goal(&full, "GM0001", "2024-H1", "professionals_getraind"),
        (V::Null, V::Null, V::Null)
    );
    assert_eq!(goal(&full, "R1", "2024", "controles").2, V::Null);
    // A goal on a person count: 3 victims helped, at most 2 → not reached for the analysts;
    // publicly the 3 is hidden and so is whether its goal was reached (never a hint).
    assert_eq!(
        goal(&full, "GM0001", "2024", "slachtoffers_ondersteund").2,
        V::B(false)
    );
    let hidden = row(&open, "GM0001", "2024", "slachtoffers_ondersteund");
    assert_eq!(hidden["waarde_onderdrukt"], V::B(true));
    assert_eq!(hidden["doel"], f(2.0), "the goal itself is policy, public");
    assert_eq!(hidden["doel_bereikt"], V::Null, "{hidden:?}");
    assert_eq!(
        goal(&open, "GM0001", "2024", "controles"),
        (f(8.0), s("minimaal"), V::B(true))
    );

    // The change against a year earlier is tested: GM0001's signals 6 (2024) against 4 (2023),
    // two Poisson counts of equal exposure: given 10, 6 or more is as likely as 4 or fewer, so
    // p = 2 · P(X ≥ 6 | n = 10, ½) = 2 · (210 + 120 + 45 + 10 + 1) / 1024 = 0.75390625: not
    // opvallend. A stand (a rate) is tested in trends, not here.
    let signals = row(&full, "GM0001", "2024", "signalen_totaal");
    crate::util::assert_close(&signals["p_vorig_jaar"], 0.753_906_25, "p of 6 against 4");
    assert_eq!(signals["opvallend"], V::B(false));
    assert_eq!(
        row(&full, "GM0001", "2024", "leeg_pct")["p_vorig_jaar"],
        V::Null
    );

    // The actions, in the order of the parts and then as delivered; a regional one on D1.
    let current = drop.out().join("current");
    for dir in [current.clone(), current.join("openbaar")] {
        let acties = read_table(&dir, "acties");
        let gm1: Vec<(V, V, V)> = acties
            .iter()
            .filter(|r| r["gebiedscode"] == s("GM0001"))
            .map(|r| {
                (
                    r["onderdeel"].clone(),
                    r["actie"].clone(),
                    r["status_omschrijving"].clone(),
                )
            })
            .collect();
        assert_eq!(
            gm1,
            vec![
                (
                    s("bewustwording"),
                    s("Training wijkteams, handhavers"),
                    s("Lopend")
                ),
                (
                    s("handhaving"),
                    s("Controles bij uitzendbureaus"),
                    s("Afgerond")
                ),
            ]
        );
        let d1: Vec<&Row> = acties
            .iter()
            .filter(|r| r["gebiedscode"] == s("D1"))
            .collect();
        assert_eq!(d1.len(), 1);
        assert_eq!(d1[0]["niveau"], s("district"));
        assert_eq!(d1[0]["toelichting"], V::Null);
        let bevindingen: Vec<Row> = read_table(&dir, "bevindingen")
            .into_iter()
            .filter(|r| r["gebiedscode"] == s("GM0001"))
            .collect();
        assert_eq!(bevindingen.len(), 1);
        assert_eq!(bevindingen[0]["tekst"], s(FINDINGS.trim()));
        assert_eq!(bevindingen[0]["onderdeel"], s("signalering"));
    }

    // The page: the goal and whether it was reached beside the figure, the summary per part,
    // the actions and the findings — its <script> shown as text, never run.
    let accounts = tempfile::tempdir().expect("tempdir");
    let app = crate::server::router_with_accounts(&drop.out(), accounts.path());
    let carl = crate::server::login_to(&app, "carl", crate::server::COLLEGE_PW);
    let page = crate::server::get_from(&app, "/jaarevaluatie/GM0001?periode=2024", Some(&carl));
    assert_eq!(page.status, 200);
    let body = &page.body;
    for text in [
        "ten minste 8",
        ">bereikt<",
        ">niet bereikt<",
        // Per part: bewustwording (12 trained, goal 15; the training still running),
        // handhaving (9 controls, goal 8; the controls done), ondersteuning (the hidden 3).
        "0 van 1 doelen bereikt · 0 van 1 acties afgerond",
        "1 van 1 doelen bereikt · 1 van 1 acties afgerond",
        "1 doel niet te beoordelen (cijfer niet getoond)",
        "Controles bij uitzendbureaus",
        "De weging <strong>duurt</strong> te lang.",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
    ] {
        assert!(body.contains(text), "the page lacks {text:?}");
    }
    assert!(
        !body.contains("<script>alert"),
        "a findings script reached the page"
    );
    // The district's page shows its own action and goal.
    let d1 = crate::server::get_from(&app, "/jaarevaluatie/D1?periode=2024", Some(&carl)).body;
    assert!(d1.contains("Mensenhandeltafel elke maand") && d1.contains("ten minste 18"));
    let audit = risicobeeld_cmd(&["audit", "--out", drop.out().to_str().expect("utf8")]);
    assert_eq!(audit.code, 0, "{}{}", audit.stdout, audit.stderr);
}
