//! The quality report: every finding of a run with file, line, column and rule, the per-file
//! row counts, and the `max_quarantine_ratio` rule that turns too many bad rows into an error.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::rules::Rule;

/// How bad a finding is (inputs.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The run stops and publishes nothing.
    Error,
    /// The row is left out, counted and listed.
    Quarantine,
    /// Worth knowing; nothing is left out.
    Info,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Quarantine => "quarantine",
            Severity::Info => "info",
        }
    }
}

/// One problem, where it is, and what to do about it.
#[derive(Debug, Clone)]
pub struct Finding {
    pub source: &'static str,
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<String>,
    pub rule: Rule,
    pub message: String,
    /// The offending value, for the report's examples.
    pub value: Option<String>,
}

impl Finding {
    /// How bad this finding is: its rule's severity.
    pub fn severity(&self) -> Severity {
        self.rule.severity()
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.severity().name())?;
        if let Some(column) = &self.column {
            write!(f, ": column '{column}'")?;
        }
        write!(f, ": {} [{}]", self.message, self.rule)
    }
}

/// Rows read and quarantined in one input file.
#[derive(Debug, Clone, Default)]
pub struct FileStats {
    pub source: &'static str,
    pub rows_read: u64,
    pub rows_quarantined: u64,
    pub size: u64,
    pub sha256: String,
}

/// One row of the `kwaliteit` table: findings grouped per file and rule.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSummary {
    pub source: &'static str,
    pub file: String,
    pub rule: Rule,
    pub count: u64,
    pub examples: String,
}

#[derive(Debug, Default)]
pub struct QualityReport {
    pub findings: Vec<Finding>,
    pub files: BTreeMap<String, FileStats>,
}

/// (source, file, rule): one row of `kwaliteit`.
type GroupKey<'a> = (&'static str, &'a str, Rule);

/// Examples kept per file and rule in the report.
const EXAMPLES: usize = 5;

impl QualityReport {
    pub fn push(&mut self, finding: Finding) {
        if finding.severity() == Severity::Quarantine
            && let Some(stats) = self.files.get_mut(&finding.file)
        {
            stats.rows_quarantined += 1;
        }
        self.findings.push(finding);
    }

    pub fn register_file(&mut self, source: &'static str, file: &str, size: u64, sha256: String) {
        self.files.insert(
            file.to_string(),
            FileStats {
                source,
                rows_read: 0,
                rows_quarantined: 0,
                size,
                sha256,
            },
        );
    }

    pub fn add_rows_read(&mut self, file: &str, rows: u64) {
        if let Some(stats) = self.files.get_mut(file) {
            stats.rows_read += rows;
        }
    }

    /// Adds the findings and file statistics of a report made elsewhere (one file's).
    pub fn merge(&mut self, other: QualityReport) {
        for (file, stats) in other.files {
            let entry = self.files.entry(file).or_insert_with(|| FileStats {
                source: stats.source,
                ..Default::default()
            });
            entry.rows_read += stats.rows_read;
            entry.rows_quarantined += stats.rows_quarantined;
        }
        self.findings.extend(other.findings);
    }

    /// Reports a problem with a typed row found by a later stage (e.g. an unknown area).
    pub fn reject(
        &mut self,
        source: &'static str,
        origin: &super::Origin,
        problem: super::Problem,
    ) {
        self.push(Finding {
            source,
            file: origin.file.to_string(),
            line: Some(origin.line),
            column: Some(problem.column.to_string()),
            rule: problem.rule,
            message: problem.message,
            value: problem.value,
        });
    }

    pub fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity() == Severity::Error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity() == Severity::Error)
    }

    /// Turns a file whose quarantined share exceeds `max_ratio` into an error.
    pub fn apply_quarantine_limit(&mut self, max_ratio: f64) {
        let over: Vec<(String, &'static str, u64, u64)> = self
            .files
            .iter()
            .filter(|(_, s)| {
                s.rows_read > 0 && s.rows_quarantined as f64 / s.rows_read as f64 > max_ratio
            })
            .map(|(f, s)| (f.clone(), s.source, s.rows_quarantined, s.rows_read))
            .collect();
        for (file, source, bad, read) in over {
            self.findings.push(Finding {
                source,
                file,
                line: None,
                column: None,
                rule: Rule::TeVeelQuarantaine,
                message: format!(
                    "{bad} of {read} rows ({:.1} %) are quarantined, more than max_quarantine_ratio \
                     ({:.1} %); fix the quarantined rows this report lists, or raise the limit in the config",
                    100.0 * bad as f64 / read as f64,
                    100.0 * max_ratio
                ),
                value: None,
            });
        }
    }

    /// Findings grouped per (source, file, rule), in a stable order (rules by code).
    pub fn summaries(&self) -> Vec<RuleSummary> {
        let mut groups: BTreeMap<GroupKey, (u64, Vec<String>)> = BTreeMap::new();
        for f in &self.findings {
            let entry = groups
                .entry((f.source, f.file.as_str(), f.rule))
                .or_default();
            entry.0 += 1;
            if entry.1.len() < EXAMPLES {
                let mut ex = f.line.map_or_else(String::new, |l| format!("regel {l}"));
                if let Some(v) = &f.value {
                    let _ = write!(ex, "{}{v:?}", if ex.is_empty() { "" } else { ": " });
                }
                if !ex.is_empty() {
                    entry.1.push(ex);
                }
            }
        }
        groups
            .into_iter()
            .map(|((source, file, rule), (count, examples))| RuleSummary {
                source,
                file: file.to_string(),
                rule,
                count,
                examples: examples.join("; "),
            })
            .collect()
    }

    /// The report as text for the terminal: errors in full, then a line per file and rule.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for f in self.errors() {
            let _ = writeln!(out, "{f}");
        }
        let shown_quarantine: Vec<&Finding> = self
            .findings
            .iter()
            .filter(|f| f.severity() == Severity::Quarantine)
            .take(20)
            .collect();
        for f in &shown_quarantine {
            let _ = writeln!(out, "{f}");
        }
        let _ = writeln!(out, "\nquality report (file, rule, severity, count):");
        for s in self.summaries() {
            let _ = writeln!(
                out,
                "  {}  {}  {}  {}  {}",
                s.file,
                s.rule,
                s.rule.severity().name(),
                s.count,
                s.examples
            );
        }
        let _ = writeln!(out, "\nfiles (rows read, quarantined):");
        for (file, s) in &self.files {
            let _ = writeln!(out, "  {file}  {}  {}", s.rows_read, s.rows_quarantined);
        }
        out
    }
}
