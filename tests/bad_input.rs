//! Every validation rule has a bad-input case: exit code 1, a message naming file, line and rule,
//! nothing published, and the previous snapshot still current and complete.

use crate::util::{Drop, read_table, risicobeeld_cmd};

struct Case {
    rule: &'static str,
    /// Text the error output must contain: the file and line (`file:line`).
    location: &'static str,
    breaks: fn(&Drop),
}

fn replace(drop: &Drop, rel: &str, from: &str, to: &str) {
    let text = drop.read(rel);
    assert!(text.contains(from), "{rel} does not contain {from:?}");
    drop.write(rel, &text.replacen(from, to, 1));
}

fn append(drop: &Drop, rel: &str, line: &str) {
    let text = drop.read(rel);
    drop.write(rel, &format!("{text}{line}\n"));
}

const INSPANNINGEN: &str = "inspanningen/inspanningen.csv";

const SLACHTOFFERS: &str = "slachtoffers/slachtoffers.csv";

const ACTIES: &str = "acties.csv";

const ACTIES_KOP: &str = "gebiedscode,jaar,onderdeel,actie,status,toelichting\n";

const CASES: &[Case] = &[
    // The plan's actions: policy text, published; the guard reads every word (issue 34).
    Case {
        rule: "onbekende_waarde",
        location: "acties.csv:3",
        breaks: |d| {
            d.write(
                ACTIES,
                &format!("{ACTIES_KOP}GM0001,2024,handhaving,Controles,afgerond,\nGM0001,2024,handhaving,Bibob-beleid,half af,\n"),
            )
        },
    },
    Case {
        rule: "persoonsgegevens",
        location: "acties.csv:2",
        breaks: |d| {
            d.write(
                ACTIES,
                &format!("{ACTIES_KOP}GM0001,2024,ondersteuning,Opvang geregeld voor cliënt 111 222 333,afgerond,\n"),
            )
        },
    },
    Case {
        rule: "te_lange_tekst",
        location: "acties.csv:2",
        breaks: |d| {
            let long = "heel lang verhaal ".repeat(60);
            d.write(
                ACTIES,
                &format!("{ACTIES_KOP}GM0001,2024,handhaving,Controles,lopend,{long}\n"),
            )
        },
    },
    // Findings in words: an e-mail address on line 3 of the file stops the run there.
    Case {
        rule: "persoonsgegevens",
        location: "bevindingen/GM0001/2024/signalering.md:3",
        breaks: |d| {
            d.write(
                "bevindingen/GM0001/2024/signalering.md",
                "# Signalering\n\nVragen aan j.de.vries@example.nl; de weging duurt te lang.\n",
            )
        },
    },
    Case {
        rule: "onbekende_waarde",
        location: "bevindingen/GM0001/2024/opsporing.md",
        breaks: |d| d.write("bevindingen/GM0001/2024/opsporing.md", "Tekst.\n"),
    },
    // Goals: an indicator the evaluation does not have; an area that is not in districten.
    Case {
        rule: "onbekende_waarde",
        location: "doelen.csv:2",
        breaks: |d| {
            d.write(
                "doelen.csv",
                "gebiedscode,jaar,indicator,doel,richting\nGM0001,2024,koppelingen,75,minimaal\n",
            )
        },
    },
    Case {
        rule: "onbekend_gebied",
        location: "doelen.csv:2",
        breaks: |d| {
            d.write(
                "doelen.csv",
                "gebiedscode,jaar,indicator,doel,richting\nD9,2024,controles,10,minimaal\n",
            )
        },
    },
    // A regional effort may not be a count of persons: disclosure control protects those per
    // gemeente.
    Case {
        rule: "onmogelijke_waarde",
        location: "inspanningen/inspanningen.csv:2",
        breaks: |d| {
            d.write(
                INSPANNINGEN,
                "gebiedscode,periode,onderdeel,indicator,aantal\nD1,2024,ondersteuning,slachtoffers_ondersteund,6\n",
            )
        },
    },
    // Victims: counts in the vocabulary only.
    Case {
        rule: "onbekende_waarde",
        location: "slachtoffers/slachtoffers.csv:3",
        breaks: |d| {
            replace(
                d,
                SLACHTOFFERS,
                "2024,GM0001,comensha,seksueel,18-22,vrouw,2",
                "2024,GM0001,comensha,seksueel,17-21,vrouw,2",
            )
        },
    },
    Case {
        rule: "negatief_aantal",
        location: "slachtoffers/slachtoffers.csv:5",
        breaks: |d| {
            replace(
                d,
                SLACHTOFFERS,
                "2024,GM0001,nla,arbeid,30+,man,3",
                "2024,GM0001,nla,arbeid,30+,man,-3",
            )
        },
    },
    Case {
        rule: "persoonsgegevens",
        location: "slachtoffers/slachtoffers.csv:6",
        breaks: |d| {
            replace(
                d,
                SLACHTOFFERS,
                "2024,GM0002,fairwork,arbeid,23-29,man,4",
                "2024,GM0002,fairwork,111222333,23-29,man,4",
            )
        },
    },
    Case {
        rule: "onbekende_kolom",
        location: "slachtoffers/slachtoffers.csv:1",
        breaks: |d| {
            d.write(
                SLACHTOFFERS,
                "jaar,gemeentecode,bron,vorm,leeftijdsklasse,geslacht,nationaliteit,aantal\n2024,GM0001,shop,seksueel,0-17,vrouw,NL,1\n",
            )
        },
    },
    // The yearly evaluation's efforts: counts only.
    Case {
        rule: "onbekende_kolom",
        location: "inspanningen/inspanningen.csv:1",
        breaks: |d| {
            d.write(
                INSPANNINGEN,
                "gemeentecode,periode,onderdeel,indicator,aantal,toelichting\nGM0001,2024,handhaving,controles,4,controle bij nagelstudio\n",
            )
        },
    },
    Case {
        rule: "onbekende_waarde",
        location: "inspanningen/inspanningen.csv:2",
        breaks: |d| {
            d.write(
                INSPANNINGEN,
                "gemeentecode,periode,onderdeel,indicator,aantal\nGM0001,2024,opsporing,controles,4\n",
            )
        },
    },
    Case {
        rule: "persoonsgegevens",
        location: "inspanningen/inspanningen.csv:2",
        breaks: |d| {
            d.write(
                INSPANNINGEN,
                "gemeentecode,periode,onderdeel,indicator,aantal\nGM0001,2024,ondersteuning,slachtoffers_ondersteund,123456782\n",
            )
        },
    },
    Case {
        rule: "negatief_aantal",
        location: "inspanningen/inspanningen.csv:2",
        breaks: |d| {
            d.write(
                INSPANNINGEN,
                "gemeentecode,periode,onderdeel,indicator,aantal\nGM0001,2024-H1,handhaving,controles,-3\n",
            )
        },
    },
    Case {
        rule: "onleesbaar_bestand",
        location: "kvk/kapot.parquet",
        breaks: |d| d.write("kvk/kapot.parquet", "this is not parquet"),
    },
    Case {
        rule: "onleesbaar_bestand",
        location: "gebieden/gemeenten.geojson",
        breaks: |d| {
            d.write(
                "gebieden/gemeenten.geojson",
                "{\"type\": \"FeatureCollection\", \"features\": [",
            )
        },
    },
    // Boundaries in Web Mercator, without a crs member: outside both RD New and WGS84.
    Case {
        rule: "projectie",
        location: "gebieden/gemeenten.geojson",
        breaks: |d| {
            d.write(
                "gebieden/gemeenten.geojson",
                r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"statcode":"GM0001","statnaam":"Eerstdorp"},"geometry":{"type":"Polygon","coordinates":[[[490000,6800000],[491000,6800000],[491000,6801000],[490000,6801000],[490000,6800000]]]}}]}"#,
            )
        },
    },
    // A declared system that is neither: EPSG:3857.
    Case {
        rule: "projectie",
        location: "gebieden/wijken.geojson",
        breaks: |d| {
            let text = d.read("gebieden/wijken.geojson");
            d.write(
                "gebieden/wijken.geojson",
                &text.replacen(
                    r#"{"type":"FeatureCollection","#,
                    r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}},"#,
                    1,
                ),
            )
        },
    },
    Case {
        rule: "kolom_ontbreekt",
        location: "rni/rni.csv:1",
        breaks: |d| {
            d.write(
                "rni/rni.csv",
                "peildatum,verblijfsobject_id\n2024-03-31,0001010000000001\n",
            )
        },
    },
    Case {
        rule: "onbekende_kolom",
        location: "signalen/signalen.csv:1",
        breaks: |d| {
            d.write("signalen/signalen.csv", "periode,gebiedscode,bron,vorm,fase,aantal,naam_melder\n2024-Q1,GM0001,politie,arbeid,1,1,\n")
        },
    },
    Case {
        rule: "dubbele_kolom",
        location: "bevolking.csv:1",
        breaks: |d| {
            d.write(
                "bevolking.csv",
                "gebiedscode,jaar,inwoners,Inwoners\nGM0001,2024,2000,2000\n",
            )
        },
    },
    Case {
        rule: "persoonsgegevens",
        location: "signalen/signalen.csv:3",
        breaks: |d| {
            replace(
                d,
                "signalen/signalen.csv",
                "2024-Q1,GM0001,politie,seksueel,2,3",
                "2024-Q1,GM0001,111222333,seksueel,2,3",
            )
        },
    },
    Case {
        rule: "persoonsgegevens",
        location: "signalen/signalen.csv:2",
        breaks: |d| {
            replace(
                d,
                "signalen/signalen.csv",
                "2023-Q3,GM0001,politie",
                "2023-Q3,GM0001,melder@example.nl",
            )
        },
    },
    Case {
        rule: "persoonsgegevens",
        location: "signalen/signalen.csv:4",
        breaks: |d| {
            replace(
                d,
                "signalen/signalen.csv",
                "2024MM01,GM0001,intern",
                "2024MM01,GM0001,06-12345678",
            )
        },
    },
    Case {
        rule: "kolom_type",
        location: "kvk/kvk.csv",
        breaks: |d| {
            let text = d.read("kvk/kvk.csv");
            let broken: Vec<String> = text
                .lines()
                .enumerate()
                .map(|(i, l)| {
                    if i == 0 {
                        l.to_string()
                    } else {
                        l.replacen(",2023-", ",gisteren-", 1)
                            .replacen(",2020-", ",gisteren-", 1)
                            .replacen(",01-02-2024", ",gisteren", 1)
                    }
                })
                .collect();
            d.write("kvk/kvk.csv", &(broken.join("\n") + "\n"));
        },
    },
    Case {
        rule: "dubbele_sleutel",
        location: "kvk/kvk_2.csv:2",
        breaks: |d| {
            d.write("kvk/kvk_2.csv", "vestigingsnummer,kvk_nummer,sbi_code,datum_inschrijving,buurtcode\n000000000001,10000001,78201,2023-01-10,GM0001\n")
        },
    },
    Case {
        // Objects are read one file at a time; the key check spans the files.
        rule: "dubbele_sleutel",
        location: "verblijfsobjecten/objecten_correctie.csv:3",
        breaks: |d| {
            d.write(
                "verblijfsobjecten/objecten_correctie.csv",
                "peildatum,verblijfsobject_id,status,x,y,bewoners_brp,vestigingen_hr,woz_gebruik\n\
                 2024-02-29,0001010000000099,Verblijfsobject in gebruik,100200,450500,1,0,ja\n\
                 2024-02-29,0001010000000002,Verblijfsobject in gebruik,100300,450500,0,0,nee\n",
            )
        },
    },
    Case {
        rule: "sbi_versie_zonder_indeling",
        location: "kvk/kvk_2025.csv:2",
        breaks: |d| {
            d.write("kvk/kvk_2025.csv", "vestigingsnummer,kvk_nummer,sbi_code,sbi_versie,datum_inschrijving,buurtcode\n000000000099,10000099,78201,2025,2025-10-01,GM0001\n")
        },
    },
    Case {
        rule: "herindeling_kring",
        location: "gebieden/herindelingen.csv",
        breaks: |d| append(d, "gebieden/herindelingen.csv", "GM0002,GM0009,2023-01-01"),
    },
    Case {
        rule: "bestand_ontbreekt",
        location: "bevolking.csv",
        breaks: |d| std::fs::remove_file(d.input().join("bevolking.csv")).expect("remove"),
    },
    // Row problems are quarantined; in a file this small one bad row exceeds 1 %.
    Case {
        rule: "adres_onbekend",
        location: "rni/rni.csv:5",
        breaks: |d| append(d, "rni/rni.csv", "2024-03-31,1,,9999 ZZ,1,,,"),
    },
    Case {
        rule: "onbekend_gebied",
        location: "signalen/signalen.csv:6",
        breaks: |d| {
            append(
                d,
                "signalen/signalen.csv",
                "2024-Q1,GM0777,politie,arbeid,1,1",
            )
        },
    },
    Case {
        rule: "onbekend_gebied",
        location: "kvk/kvk.csv:6",
        breaks: |d| {
            append(
                d,
                "kvk/kvk.csv",
                "000000000005,10000005,4120,2024-01-01,,,200000,300000",
            )
        },
    },
    Case {
        rule: "negatief_aantal",
        location: "signalen/signalen.csv:6",
        breaks: |d| {
            append(
                d,
                "signalen/signalen.csv",
                "2024-Q1,GM0001,politie,arbeid,1,-2",
            )
        },
    },
    Case {
        rule: "datum_buiten_venster",
        location: "rni/rni.csv:5",
        breaks: |d| append(d, "rni/rni.csv", "1999-12-31,1,0001010000000001,,,,,"),
    },
    Case {
        rule: "onleesbare_waarde",
        location: "leegstand.csv:4",
        breaks: |d| append(d, "leegstand.csv", "GM0003,2024-03-31,veel,3"),
    },
    Case {
        rule: "grain_te_grof",
        location: "signalen/signalen.csv:6",
        breaks: |d| append(d, "signalen/signalen.csv", "2024,GM0001,politie,arbeid,1,1"),
    },
    Case {
        rule: "waarde_ontbreekt",
        location: "signalen/signalen.csv:6",
        breaks: |d| {
            append(
                d,
                "signalen/signalen.csv",
                "2024-Q1,GM0001,politie,arbeid,1,",
            )
        },
    },
    Case {
        rule: "onbekende_waarde",
        location: "signalen/signalen.csv:6",
        breaks: |d| {
            append(
                d,
                "signalen/signalen.csv",
                "2024-Q1,GM0001,telefoon,arbeid,1,1",
            )
        },
    },
    Case {
        rule: "onmogelijke_waarde",
        location: "leegstand.csv:4",
        breaks: |d| append(d, "leegstand.csv", "GM0003,2024-03-31,10,20"),
    },
    Case {
        rule: "geen_locatie",
        location: "kvk/kvk.csv:6",
        breaks: |d| {
            append(
                d,
                "kvk/kvk.csv",
                "000000000006,10000006,4120,2024-01-01,,,,",
            )
        },
    },
    Case {
        rule: "te_veel_quarantaine",
        location: "signalen/signalen.csv",
        breaks: |d| {
            append(
                d,
                "signalen/signalen.csv",
                "2024-Q1,GM0001,politie,onbekende_vorm,1,1",
            )
        },
    },
];

#[test]
fn every_rule_stops_the_run_and_keeps_the_previous_snapshot() {
    for case in CASES {
        let drop = Drop::of("mini");
        let first = drop.run(&[]);
        assert_eq!(first.code, 0, "baseline run: {}", first.stderr);
        let before = drop.current().expect("current after the first run");
        let tables_before = read_table(&drop.out().join("current"), "gebied_indicatoren");

        (case.breaks)(&drop);
        let outcome = drop.run(&[]);
        let context = format!(
            "case {} ({}):\n{}",
            case.rule, case.location, outcome.stderr
        );
        assert_eq!(outcome.code, 1, "{context}");
        assert!(
            outcome.stderr.contains(case.rule),
            "rule missing; {context}"
        );
        assert!(
            outcome.stderr.contains(case.location),
            "file/line missing; {context}"
        );
        assert!(
            outcome.stderr.contains("nothing was published"),
            "{context}"
        );

        assert_eq!(
            drop.current().as_deref(),
            Some(before.as_str()),
            "{context}"
        );
        let runs = std::fs::read_dir(drop.out().join("runs"))
            .expect("runs")
            .count();
        assert_eq!(runs, 1, "no second snapshot; {context}");
        assert_eq!(
            read_table(&drop.out().join("current"), "gebied_indicatoren"),
            tables_before,
            "{context}"
        );
    }
}

#[test]
fn quarantined_rows_under_the_limit_are_reported_not_fatal() {
    let drop = Drop::of("mini");
    append(&drop, "rni/rni.csv", "2024-03-31,1,,9999 ZZ,1,,,");
    drop.write(
        "risicobeeld.toml",
        "[validation]\nmax_quarantine_ratio = 0.5\n",
    );
    let config = drop.input().join("risicobeeld.toml");
    let outcome = drop.run(&["--config", config.to_str().expect("utf8")]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let kwaliteit = read_table(&drop.out().join("current"), "kwaliteit");
    let row = kwaliteit
        .iter()
        .find(|r| r["regel"] == crate::util::V::S("adres_onbekend".into()))
        .expect("the quarantined row is in kwaliteit");
    assert_eq!(row["ernst"], crate::util::V::S("quarantine".into()));
    assert_eq!(row["aantal"], crate::util::V::I(1));
    assert!(matches!(&row["voorbeelden"], crate::util::V::S(s) if s.contains("regel 5")));
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(drop.out().join("current/manifest.json")).expect("manifest"),
    )
    .expect("json");
    let rni = manifest["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .find(|i| i["bestand"] == "rni/rni.csv")
        .expect("rni entry")
        .clone();
    assert_eq!(rni["rows_read"], 4);
    assert_eq!(rni["rows_quarantined"], 1);
}

#[test]
fn usage_and_config_errors_exit_2() {
    let drop = Drop::of("mini");
    drop.write("bad.toml", "[validation]\nmax_quarantaine = 0.5\n");
    let config = drop.input().join("bad.toml");
    let outcome = drop.run(&["--config", config.to_str().expect("utf8")]);
    assert_eq!(outcome.code, 2, "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("max_quarantaine"),
        "{}",
        outcome.stderr
    );
    let missing = risicobeeld_cmd(&[
        "run",
        "--input",
        "/nonexistent/drop",
        "--out",
        drop.out().to_str().expect("utf8"),
    ]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert_eq!(risicobeeld_cmd(&["run", "--no-such-flag"]).code, 2);
}

#[test]
fn an_explicit_out_without_input_is_a_usage_error_and_writes_nothing() {
    // A cron line that lost its --input must not publish the synthetic demo into production.
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("productie");
    let outcome = risicobeeld_cmd(&["run", "--out", out.to_str().expect("utf8")]);
    assert_eq!(outcome.code, 2, "{}", outcome.stderr);
    assert!(outcome.stderr.contains("--input"), "{}", outcome.stderr);
    assert!(!out.exists(), "nothing written under --out");
    let entries = std::fs::read_dir(dir.path()).expect("read dir").count();
    assert_eq!(entries, 0, "nothing written next to it either");
}

#[test]
fn validate_prints_the_report_and_exits_1_on_error() {
    let drop = Drop::of("mini");
    let ok = risicobeeld_cmd(&["validate", "--input", drop.input().to_str().expect("utf8")]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stdout.contains("object_niveau_wint"), "{}", ok.stdout);
    append(
        &drop,
        "signalen/signalen.csv",
        "2024-Q1,GM0001,politie,arbeid,1,-2",
    );
    let bad = risicobeeld_cmd(&["validate", "--input", drop.input().to_str().expect("utf8")]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stdout.contains("signalen/signalen.csv:6"),
        "{}",
        bad.stdout
    );
    assert!(!drop.out().exists(), "validate writes nothing");
}

#[test]
fn a_district_code_that_is_not_a_safe_name_stops_the_run_and_writes_nothing_outside() {
    // A district code names a directory (`district=<code>`): these would escape the table or
    // break the readers of hive partitions.
    let long = "D".repeat(200);
    for code in ["../x", "a/b", long.as_str(), "D\u{7}1", "D 1"] {
        let drop = Drop::of("mini");
        replace(
            &drop,
            "gebieden/districten.csv",
            "GM0001,D1,",
            &format!("GM0001,{code},"),
        );
        let outcome = drop.run(&[]);
        let context = format!("code {code:?}:\n{}", outcome.stderr);
        assert_eq!(outcome.code, 1, "{context}");
        assert!(
            outcome.stderr.contains("gebieden/districten.csv:2"),
            "{context}"
        );
        assert!(outcome.stderr.contains("ongeldige_code"), "{context}");
        assert!(outcome.stderr.contains("district_code"), "{context}");
        // Nothing but the run's own bookkeeping under --out, and nothing beside it.
        let top: Vec<String> = std::fs::read_dir(drop.dir.path())
            .expect("read dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        assert!(
            top.iter().all(|name| name == "input" || name == "out"),
            "{top:?}; {context}"
        );
        assert!(drop.current().is_none(), "nothing published; {context}");
        let runs = drop.out().join("runs");
        let published = std::fs::read_dir(&runs).map_or(0, |d| d.count());
        assert_eq!(published, 0, "{context}");
    }
}

#[test]
fn a_regio_code_is_checked_like_a_district_code() {
    let drop = Drop::of("mini");
    replace(
        &drop,
        "gebieden/districten.csv",
        "District Een,R1,",
        "District Een,R/1,",
    );
    let outcome = drop.run(&[]);
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("regio_code") && outcome.stderr.contains("ongeldige_code"),
        "{}",
        outcome.stderr
    );
}
