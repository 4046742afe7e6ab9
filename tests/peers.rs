//! The benchmark's fairness check (issue 5): on a small national drop, the DuckDB and Polars
//! peers in `bench/peers/` compute the same gebied_indicatoren, kvk_sectoren and signalen_fasen
//! as risicobeeld, row for row; and the CSV and Parquet variants of the drop give risicobeeld
//! the same tables. No timings here: speed is measured by `bench/run`.

use std::path::{Path, PathBuf};
use std::process::Command;

use risicobeeld::config::Config;
use risicobeeld::publish::write_table;
use risicobeeld::run::validate_drop;

use crate::util::{block_on, python, repo};

const TABLES: [&str; 3] = ["gebied_indicatoren", "kvk_sectoren", "signalen_fasen"];

/// `bench-drop` at a scale where every buurt has objects (~1.5 per buurt per snapshot).
fn generate(dir: &Path, format: &str) -> PathBuf {
    let out = dir.join(format);
    let status = Command::new(env!("CARGO_BIN_EXE_bench-drop"))
        .args(["--scale", "0.002", "--format", format, "--out"])
        .arg(&out)
        .status()
        .expect("run bench-drop");
    assert!(status.success(), "bench-drop --format {format} failed");
    out
}

/// risicobeeld's tables for `input` (validation, placing and the SQL models; disclosure control
/// does not touch these tables), written as the published snapshot writes them.
fn risicobeeld_tables(input: &Path, out: &Path) {
    let config = Config::default();
    let (report, located) = validate_drop(input, &config).expect("validate the drop");
    assert!(
        !report.has_errors(),
        "the generated drop does not validate: {:?}",
        report.errors().take(3).collect::<Vec<_>>()
    );
    let tables = block_on(risicobeeld::transform::run(located, &report, &config))
        .expect("run the SQL models");
    for name in TABLES {
        write_table(out, &tables[name]).expect("write a table");
    }
}

fn peer(python: &Path, script: &str, input: &Path, out: &Path) {
    // The peers read the signal forms and their columns from the one vocabulary.
    let vocabulary = out.with_extension("vocabulary.json");
    let printed = Command::new(crate::util::bin())
        .arg("vocabulary")
        .output()
        .expect("risicobeeld vocabulary");
    assert!(printed.status.success());
    std::fs::write(&vocabulary, &printed.stdout).expect("write the vocabulary");
    let output = Command::new(python)
        .arg(repo().join("bench/peers").join(script))
        .arg("--input")
        .arg(input)
        .arg("--out")
        .arg(out)
        .arg("--vocabulary")
        .arg(&vocabulary)
        .output()
        .expect("run a peer");
    assert!(
        output.status.success(),
        "{script} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `compare.py`; returns whether it found the two equal, and what it printed.
fn compare(python: &Path, ours: &Path, theirs: &Path) -> (bool, String) {
    let output = Command::new(python)
        .arg(repo().join("bench/peers/compare.py"))
        .arg(ours)
        .arg(theirs)
        .output()
        .expect("run compare.py");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn peers_compute_what_risicobeeld_computes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = generate(dir.path(), "csv");
    let parquet = generate(dir.path(), "parquet");
    let python = python();

    let ours = dir.path().join("risicobeeld");
    risicobeeld_tables(&csv, &ours);
    let ours_from_parquet = dir.path().join("risicobeeld-parquet");
    risicobeeld_tables(&parquet, &ours_from_parquet);
    let (equal, text) = compare(&python, &ours, &ours_from_parquet);
    assert!(equal, "CSV and Parquet variants differ:\n{text}");

    for (script, input) in [("duckdb_peer.py", &csv), ("polars_peer.py", &parquet)] {
        let out = dir.path().join(script);
        peer(&python, script, input, &out);
        let (equal, text) = compare(&python, &ours, &out);
        assert!(equal, "{script} differs from risicobeeld:\n{text}");
        for table in TABLES {
            assert!(
                text.contains(&format!("{table}: ")) && text.contains("rows, equal"),
                "{text}"
            );
        }
    }
}

#[test]
fn the_comparison_finds_a_changed_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = generate(dir.path(), "csv");
    let python = python();
    let ours = dir.path().join("risicobeeld");
    risicobeeld_tables(&csv, &ours);

    // One more signal in one row of one file: the peer's totals must now differ in its gemeente,
    // district and regio.
    let file = csv.join("signalen/D01.csv");
    let text = std::fs::read_to_string(&file).expect("read signals");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    let aantal: u32 = cells[5].parse().expect("a count");
    cells[5] = (aantal + 1).to_string();
    lines[1] = cells.join(",");
    std::fs::write(&file, lines.join("\n") + "\n").expect("write signals");

    let out = dir.path().join("peer");
    peer(&python, "duckdb_peer.py", &csv, &out);
    let (equal, text) = compare(&python, &ours, &out);
    assert!(!equal, "a changed count went unnoticed:\n{text}");
    assert!(text.contains("signalen_totaal: 3 rows differ"), "{text}");
    assert!(text.contains("signalen_fasen: DIFFERENT"), "{text}");
}
