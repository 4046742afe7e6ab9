//! Discovery: which files make up each input of a drop — the directory convention of
//! inputs.md §0, or the config's `paths` globs — in a stable (sorted) order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;

/// One input file: where it is, and how it is named in messages and tables (relative to the
/// input directory, so that reports and tables do not depend on where the drop lies).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputFile {
    pub path: PathBuf,
    pub shown: String,
}

/// The default globs of an input (inputs.md §0); `None` for a name that is no input.
pub fn default_globs(input: &str) -> Option<&'static [&'static str]> {
    crate::config::INPUTS
        .iter()
        .find(|(name, _)| *name == input)
        .map(|(_, globs)| *globs)
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("input directory {0} does not exist or is not a directory")]
    NoInputDir(String),
    #[error("[inputs.{input}].paths: '{pattern}' is not a valid glob: {source}")]
    BadGlob {
        input: String,
        pattern: String,
        source: glob::PatternError,
    },
}

/// Every input's files, by input name.
pub fn discover(
    input_dir: &Path,
    config: &Config,
) -> Result<BTreeMap<&'static str, Vec<InputFile>>, DiscoverError> {
    if !input_dir.is_dir() {
        return Err(DiscoverError::NoInputDir(input_dir.display().to_string()));
    }
    let mut out = BTreeMap::new();
    for (input, globs) in crate::config::INPUTS {
        let configured = config.input(input).paths;
        let patterns: Vec<String> = if configured.is_empty() {
            globs.iter().map(|s| s.to_string()).collect()
        } else {
            configured
        };
        let mut files = Vec::new();
        for pattern in &patterns {
            let full = if Path::new(pattern).is_absolute() {
                PathBuf::from(pattern)
            } else {
                input_dir.join(pattern)
            };
            let full_text = full.to_string_lossy().to_string();
            let paths = glob::glob(&full_text).map_err(|source| DiscoverError::BadGlob {
                input: input.to_string(),
                pattern: pattern.clone(),
                source,
            })?;
            for path in paths.flatten() {
                // districten.csv and herindelingen.csv are not boundaries; *.json might be.
                if path.is_file() {
                    let shown = path
                        .strip_prefix(input_dir)
                        .unwrap_or(&path)
                        .to_string_lossy()
                        .replace('\\', "/");
                    files.push(InputFile { path, shown });
                }
            }
        }
        files.sort();
        files.dedup();
        out.insert(input, files);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_conventional_and_configured_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        for f in [
            "gebieden/a.geojson",
            "gebieden/districten.csv",
            "rni/2.csv",
            "rni/1.parquet",
            "elders/kvk.csv",
        ] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, "x").expect("write");
        }
        let mut config = Config::default();
        config.inputs.insert(
            "kvk".into(),
            crate::config::InputConfig {
                paths: vec!["elders/*.csv".into()],
                ..Default::default()
            },
        );
        let found = discover(dir.path(), &config).expect("discover");
        let shown = |i: &str| found[i].iter().map(|f| f.shown.clone()).collect::<Vec<_>>();
        assert_eq!(shown("gebieden"), ["gebieden/a.geojson"]);
        assert_eq!(shown("districten"), ["gebieden/districten.csv"]);
        assert_eq!(shown("rni"), ["rni/1.parquet", "rni/2.csv"]);
        assert_eq!(shown("kvk"), ["elders/kvk.csv"]);
        assert!(shown("signalen").is_empty());
    }
}
