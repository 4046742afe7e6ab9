//! The rules `ARCHITECTURE.md` states about the pipeline's modules, checked on the source: the
//! layers (a module uses only modules of the layers above it, so there are no cycles and
//! `config` uses nothing but the base modules), which modules write files, and that `transform`
//! reads none. The layers are read from `ARCHITECTURE.md` itself, so the map and the check
//! cannot drift apart.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::util::repo;

/// The pipeline's modules (a file or a folder right under `pipeline/`, besides the two crates
/// of their own and the crate roots), each with its source without its test module.
fn modules() -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let root = repo().join("pipeline");
    for file in rust_files(&root) {
        let rel = file.strip_prefix(&root).expect("under pipeline/");
        let first = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .expect("a path");
        let module = first.trim_end_matches(".rs").to_string();
        if ["serve", "snapshot", "lib", "main"].contains(&module.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("read source");
        // Test modules come last in a file (clippy's items_after_test_module).
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        out.entry(module).or_default().push_str(code);
    }
    out
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The modules a source names as `crate::<module>` (also inside `crate::{a, b}`).
fn uses(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        // `risicobeeld_snapshot::…` or `super::crate` do not count; `$crate` neither.
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = &code[i + "crate::".len()..];
        let names: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => group
                .split('}')
                .next()
                .unwrap_or_default()
                .split(',')
                .map(|n| n.trim().split("::").next().unwrap_or_default())
                .collect(),
            None => vec![
                rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or_default(),
            ],
        };
        found.extend(
            names
                .into_iter()
                .filter(|n| !n.is_empty())
                .map(str::to_string),
        );
    }
    found
}

/// The layers as `ARCHITECTURE.md` lists them, top (used by all) first.
fn layers() -> Vec<Vec<String>> {
    let map = std::fs::read_to_string(repo().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let start = map
        .find("```layers")
        .expect("a ```layers block in ARCHITECTURE.md");
    let block = &map[start + "```layers".len()..];
    let block = &block[..block.find("```").expect("closed block")];
    block
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default())
        .map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn every_module_uses_only_the_layers_above_it() {
    let modules = modules();
    let layers = layers();
    let layer_of: BTreeMap<&str, usize> = layers
        .iter()
        .enumerate()
        .flat_map(|(i, l)| l.iter().map(move |m| (m.as_str(), i)))
        .collect();
    let mut wrong = Vec::new();
    for (module, code) in &modules {
        let Some(&own) = layer_of.get(module.as_str()) else {
            wrong.push(format!("{module} is in no layer of ARCHITECTURE.md"));
            continue;
        };
        for used in uses(code) {
            if used == *module {
                continue;
            }
            match layer_of.get(used.as_str()) {
                Some(&layer) if layer < own => {}
                Some(_) => wrong.push(format!("{module} uses {used}, which is not above it")),
                None => wrong.push(format!("{module} uses {used}, which is in no layer")),
            }
        }
    }
    for m in layer_of.keys() {
        // `codes` is the snapshot crate's, re-exported at the crate root.
        if !modules.contains_key(*m) && *m != "codes" {
            wrong.push(format!("ARCHITECTURE.md lists {m}, which is not a module"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn the_checker_sees_uses_in_every_form() {
    let code = "use crate::config::Config;\nuse crate::{ingest, validate::Rule};\nfn f() { crate::hashing::sha256_hex(b\"\"); }\nuse risicobeeld_snapshot::x; $crate::y";
    let found: Vec<String> = uses(code).into_iter().collect();
    assert_eq!(found, ["config", "hashing", "ingest", "validate"]);
}

/// Outside tests, only `publish` writes the snapshot; besides it only the demo (the demo drop)
/// and the CLI (`export`'s file) write files. The run's status file is written through the
/// snapshot crate (`RunStatus::write`). `transform` reads no files: it gets Arrow tables.
#[test]
fn only_publish_demo_and_the_cli_write_files_and_transform_reads_none() {
    const WRITES: [&str; 6] = [
        "fs::write",
        "fs::rename",
        "fs::create_dir",
        "File::create",
        "fs::remove",
        "OpenOptions",
    ];
    const READS: [&str; 4] = ["fs::read", "File::open", "read_dir", "read_to_string"];
    let mut wrong = Vec::new();
    for (module, code) in modules() {
        if !["publish", "demo"].contains(&module.as_str()) {
            for w in WRITES.iter().filter(|w| code.contains(*w)) {
                wrong.push(format!("{module} writes files ({w})"));
            }
        }
        if module == "transform" {
            for r in READS.iter().filter(|r| code.contains(*r)) {
                wrong.push(format!("transform reads files ({r})"));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// The server writes markup only through maud templates: no HTML or SVG tag in a string
/// literal outside tests (a tag in a string would bypass the templates' escaping).
#[test]
fn the_server_builds_no_markup_from_strings() {
    let mut wrong = Vec::new();
    for file in rust_files(&repo().join("pipeline").join("serve")) {
        let text = std::fs::read_to_string(&file).expect("read source");
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (n, line) in code.lines().enumerate() {
            let tag = line.match_indices("\"<").any(|(i, _)| {
                line[i + 2..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!')
            });
            if tag {
                wrong.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
