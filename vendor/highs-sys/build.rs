//! Builds HiGHS from the sources beside this file with the `cc` crate: every C++ and C source
//! under `HiGHS/highs` (only those HiGHS's own CMake build compiles into its library are kept),
//! with the configuration header `HiGHS/highs/HConfig.h` written once for this build, so a
//! machine needs a C++ compiler and nothing else (PATCH.md).

use std::fs;
use std::path::{Path, PathBuf};

/// Every file under `dir` and every folder (for the include path), in name order.
fn walk(dir: &Path, files: &mut Vec<PathBuf>, dirs: &mut Vec<PathBuf>) {
    dirs.push(dir.to_path_buf());
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a readable folder entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, files, dirs);
        } else {
            files.push(path);
        }
    }
}

fn main() {
    let root = Path::new("HiGHS/highs");
    let (mut files, mut dirs) = (Vec::new(), Vec::new());
    walk(root, &mut files, &mut dirs);
    dirs.push(PathBuf::from("HiGHS/extern"));
    let extension = |path: &Path| path.extension().and_then(|e| e.to_str()).map(str::to_owned);
    let cpp: Vec<&PathBuf> = files
        .iter()
        .filter(|f| matches!(extension(f).as_deref(), Some("cpp" | "cc")))
        .collect();
    let c: Vec<&PathBuf> = files
        .iter()
        .filter(|f| extension(f).as_deref() == Some("c"))
        .collect();

    // The C++ library first: it calls into the C one (basiclu, cuPDLP), which the linker must
    // see after it.
    cc::Build::new()
        .cpp(true)
        .std("c++11")
        .define("NDEBUG", None)
        .warnings(false)
        .includes(&dirs)
        .files(cpp)
        .compile("highs");
    cc::Build::new()
        .define("NDEBUG", None)
        .warnings(false)
        .includes(&dirs)
        .files(c)
        .compile("highs_c");

    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=HiGHS");
}
