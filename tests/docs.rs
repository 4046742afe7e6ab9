//! Docs that cannot drift: every column a run publishes is described in `docs/outputs.md` (by
//! name, or by a pattern such as `<r>_ci_laag` for every ratio of the registry), every column
//! described there is published, and the registry's table in the docs is the registry.

use std::collections::{BTreeMap, BTreeSet};

use risicobeeld_snapshot::indicators::{INDICATORS, markdown_table, ratios};

use crate::util::{Drop, repo};

const BEGIN: &str = "<!-- indicatoren: begin";
const END: &str = "<!-- indicatoren: end -->";

fn outputs_md() -> String {
    std::fs::read_to_string(repo().join("docs/outputs.md")).expect("docs/outputs.md")
}

/// The backticked names in the first cell of each column table, per `### \`table\`` section of
/// §2 (for `gebied_indicatoren` also the registry's indicators, which its table refers to).
fn described() -> BTreeMap<String, BTreeSet<String>> {
    let text = outputs_md();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut table: Option<String> = None;
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("### `") {
            table = heading.split('`').next().map(str::to_string);
            continue;
        }
        if line.starts_with("## ") {
            table = None;
        }
        let (Some(t), Some(cell)) = (&table, line.strip_prefix("| ")) else {
            continue;
        };
        let first = cell.split(" |").next().unwrap_or_default();
        let names = first.split('`').skip(1).step_by(2).map(str::to_string);
        out.entry(t.clone()).or_default().extend(names);
    }
    out
}

/// Does `column` match a described name (exactly, or a pattern over the registry's ratios or
/// over the table's described columns)?
fn matches(column: &str, described: &BTreeSet<String>) -> bool {
    if described.contains(column) {
        return true;
    }
    described.iter().any(|d| {
        if let Some(suffix) = d.strip_prefix("<r>") {
            ratios().any(|r| format!("{}{suffix}", r.name) == column)
        } else if let Some(suffix) = d.strip_prefix("<column>") {
            column
                .strip_suffix(suffix)
                .is_some_and(|base| described.contains(base) || is_indicator(base))
        } else {
            false
        }
    })
}

fn is_indicator(name: &str) -> bool {
    INDICATORS.iter().any(|i| i.name == name)
}

#[test]
fn every_published_column_is_described_and_every_described_one_published() {
    let drop = Drop::of("mini");
    assert_eq!(drop.run(&[]).code, 0);
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(drop.out().join("current/manifest.json")).expect("manifest"),
    )
    .expect("json");
    let mut published: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for t in manifest["tables"].as_array().expect("tables") {
        let name = t["name"].as_str().expect("name");
        let table = name.trim_start_matches("openbaar/").to_string();
        let columns = t["columns"].as_array().expect("columns");
        published.entry(table).or_default().extend(
            columns
                .iter()
                .map(|c| c["name"].as_str().expect("column").to_string()),
        );
    }
    let mut described = described();
    described
        .entry("gebied_indicatoren".into())
        .or_default()
        .extend(INDICATORS.iter().map(|i| i.name.to_string()));
    let mut missing = Vec::new();
    for (table, columns) in &published {
        let docs = described.get(table).cloned().unwrap_or_default();
        for c in columns {
            if !matches(c, &docs) {
                missing.push(format!("{table}.{c}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "published but not described in docs/outputs.md: {missing:?}"
    );
    let mut stale = Vec::new();
    for (table, names) in &described {
        let columns = published.get(table).cloned().unwrap_or_default();
        for n in names.iter().filter(|n| !n.contains('<')) {
            if !columns.contains(n) {
                stale.push(format!("{table}.{n}"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "described in docs/outputs.md but not published: {stale:?}"
    );
}

#[test]
fn the_indicator_table_in_the_docs_is_the_registry() {
    let text = outputs_md();
    let start = text.find(BEGIN).expect("begin marker");
    let body_start = text[start..]
        .find('\n')
        .map(|i| start + i + 1)
        .expect("line");
    let end = text.find(END).expect("end marker");
    let expected = markdown_table();
    assert_eq!(
        &text[body_start..end],
        expected,
        "docs/outputs.md's indicator table differs from the registry; put this between the markers:\n{expected}"
    );
}

#[test]
fn every_registered_indicator_is_published_labelled_and_followed() {
    let drop = Drop::of("mini");
    assert_eq!(drop.run(&[]).code, 0);
    let current = drop.out().join("current");
    let gebied = crate::util::read_table(&current, "gebied_indicatoren");
    let trends = crate::util::read_table(&current, "trends");
    let published = crate::util::read_table(&current, "indicatoren");
    let followed: BTreeSet<String> = trends
        .iter()
        .filter_map(|r| match &r["indicator"] {
            crate::util::V::S(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    for (k, i) in INDICATORS.iter().enumerate() {
        assert!(gebied[0].contains_key(i.name), "{} is not a column", i.name);
        assert_eq!(
            followed.contains(i.name),
            i.in_trends,
            "{} in trends",
            i.name
        );
        assert!(
            !i.label.is_empty() && !i.definition.is_empty(),
            "{}",
            i.name
        );
        let row = &published[k];
        assert_eq!(row["indicator"], crate::util::V::S(i.name.into()));
        assert_eq!(row["label"], crate::util::V::S(i.label.into()));
        assert_eq!(row["persoonsaantal"], crate::util::V::B(i.person_count));
    }
    assert_eq!(published.len(), INDICATORS.len());
}
