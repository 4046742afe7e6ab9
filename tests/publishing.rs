//! Publishing (outputs.md §1): no-op when nothing changed, `--force`, `keep_runs`, `rollback`,
//! the lock against a second run, and crash safety under SIGKILL at several points of a run.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::util::{Drop, bin, read_table, risicobeeld_cmd};

fn change_an_input(drop: &Drop, n: usize) {
    let text = drop.read("signalen/signalen.csv");
    drop.write(
        "signalen/signalen.csv",
        &format!("{text}2023-Q4,GM0001,riec,arbeid,1,{n}\n"),
    );
}

#[test]
fn unchanged_inputs_are_a_no_op_unless_forced() {
    let drop = Drop::of("mini");
    assert_eq!(drop.run(&[]).code, 0);
    let first = drop.current().expect("current");
    let again = drop.run(&[]);
    assert_eq!(again.code, 0);
    assert!(again.stdout.contains("nothing to do"), "{}", again.stdout);
    assert_eq!(drop.current().as_deref(), Some(first.as_str()));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let forced = drop.run(&["--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert_ne!(drop.current().as_deref(), Some(first.as_str()));
}

#[test]
fn keep_runs_prunes_and_rollback_repoints() {
    let drop = Drop::of("mini");
    drop.write("cfg.toml", "keep_runs = 2\n");
    let cfg = drop.input().join("cfg.toml");
    let cfg = cfg.to_str().expect("utf8");
    let mut ids = Vec::new();
    for n in 1..=3 {
        change_an_input(&drop, n);
        let outcome = drop.run(&["--config", cfg]);
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
        ids.push(drop.current().expect("current"));
    }
    let runs: Vec<String> = std::fs::read_dir(drop.out().join("runs"))
        .expect("runs")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(runs.len(), 2, "{runs:?}");
    let out = drop.out();
    let back = risicobeeld_cmd(&["rollback", "--out", out.to_str().expect("utf8")]);
    assert_eq!(back.code, 0, "{}", back.stderr);
    assert_eq!(drop.current().as_deref(), Some(ids[1].as_str()));
    let id3 = ids[2].trim_start_matches("runs/");
    let forward = risicobeeld_cmd(&["rollback", "--out", out.to_str().expect("utf8"), id3]);
    assert_eq!(forward.code, 0, "{}", forward.stderr);
    assert_eq!(drop.current().as_deref(), Some(ids[2].as_str()));
    let unknown = risicobeeld_cmd(&[
        "rollback",
        "--out",
        out.to_str().expect("utf8"),
        "19990101T000000Z",
    ]);
    assert_eq!(unknown.code, 2);
}

/// Starts a run that pauses at `point`; returns the child once it is there.
fn run_paused_at(drop: &Drop, point: &str) -> std::process::Child {
    let mut child = Command::new(bin())
        .args([
            "run",
            "--input",
            drop.input().to_str().expect("utf8"),
            "--out",
            drop.out().to_str().expect("utf8"),
        ])
        .env("RISICOBEELD_PAUSE_AT", point)
        .env("RISICOBEELD_LOG", "warn")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let marker = format!("PAUSE {point}");
    loop {
        match lines.next() {
            Some(Ok(line)) if line.contains(&marker) => break,
            Some(Ok(_)) => continue,
            _ => panic!("the run ended before reaching {point}"),
        }
    }
    child
}

#[test]
fn a_second_run_is_refused_while_one_holds_the_lock() {
    let drop = Drop::of("mini");
    let mut first = run_paused_at(&drop, "na_validatie");
    let second = drop.run(&["--force"]);
    assert_eq!(second.code, 3, "{}", second.stderr);
    assert!(second.stderr.contains("lock"), "{}", second.stderr);
    first.kill().expect("kill");
    let _ = first.wait();
    assert_eq!(drop.run(&[]).code, 0, "the lock of a killed run is gone");
}

#[test]
fn sigkill_at_any_point_leaves_a_complete_current_snapshot() {
    for point in [
        "na_validatie",
        "tijdens_schrijven",
        "voor_omschakelen",
        "na_omschakelen",
    ] {
        let drop = Drop::of("mini");
        assert_eq!(drop.run(&[]).code, 0);
        let before = drop.current().expect("current");
        change_an_input(&drop, 7);
        let mut child = run_paused_at(&drop, point);
        child.kill().expect("SIGKILL");
        let _ = child.wait();

        let current = drop.current().expect("current survives");
        if point != "na_omschakelen" {
            assert_eq!(current, before, "{point}: current must not move");
        }
        let snapshot = drop.out().join("current");
        assert!(
            snapshot.join("manifest.json").is_file(),
            "{point}: complete snapshot"
        );
        for table in risicobeeld::run::TABLES {
            assert!(
                !read_table(&snapshot, table).is_empty(),
                "{point}: {table} readable"
            );
        }
        let next = drop.run(&[]);
        assert_eq!(
            next.code, 0,
            "{point}: the next run succeeds: {}",
            next.stderr
        );
        let leftovers: Vec<_> = std::fs::read_dir(drop.out().join("runs"))
            .expect("runs")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(
            leftovers.is_empty(),
            "{point}: partial directories cleaned up"
        );
    }
}
