//! `manifest.json` of a published run: what it read, what it wrote, and what disclosure control
//! hid; and which run `<out>/current` points at.

use std::path::Path;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InputEntry {
    pub bron: String,
    pub bestand: String,
    pub size: u64,
    pub sha256: String,
    pub rows_read: u64,
    pub rows_quarantined: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ColumnEntry {
    pub name: String,
    #[serde(rename = "type")]
    pub data_type: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TableEntry {
    pub name: String,
    pub rows: usize,
    pub columns: Vec<ColumnEntry>,
    pub partitioned_by: Option<String>,
    pub files: Vec<String>,
}

/// What disclosure control suppressed in `openbaar/`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DisclosureEntry {
    pub min_count: i64,
    /// Sensitive cells (non-null person counts) in the full tables.
    pub cells: usize,
    /// Hidden for being 1 … min_count − 1.
    pub primary: usize,
    /// Hidden to protect another (secondary suppression, chosen by optimisation).
    pub secondary: usize,
    /// Runs before the optimised search split their secondary cells: those the old repair's
    /// wider search hid. Read from old manifests, never written again.
    #[serde(default, skip_serializing)]
    pub fallback: usize,
    /// Non-sensitive counts that bound a sensitive one (`leeg_aantal`), and how many of those
    /// were hidden to protect it.
    #[serde(default)]
    pub bounding_cells: usize,
    #[serde(default)]
    pub bounding_hidden: usize,
    /// What protection cost, per table: its sensitive cells of at least `min_count` (safe to
    /// show on their own) and how many of those are hidden to protect others.
    #[serde(default)]
    pub safe_cells: Vec<SafeCells>,
}

/// One table's safe cells (`DisclosureEntry::safe_cells`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SafeCells {
    pub table: String,
    /// Sensitive cells of at least `min_count`.
    pub cells: usize,
    /// Of those, hidden.
    pub hidden: usize,
    /// The least number of them that any safe pattern hides: a lower bound read from each
    /// relation alone (docs/disclosure.md). Not in manifests written before 2026-12-07.
    #[serde(default)]
    pub forced: usize,
}

impl DisclosureEntry {
    /// Hidden sensitive cells, all reasons together.
    pub fn hidden(&self) -> usize {
        self.primary + self.secondary + self.fallback
    }

    /// `part` as a percentage of the sensitive cells.
    pub fn share(&self, part: usize) -> f64 {
        if self.cells == 0 {
            0.0
        } else {
            100.0 * part as f64 / self.cells as f64
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub run_id: String,
    pub started: String,
    pub finished: String,
    pub tool_version: String,
    pub config_hash: String,
    pub grain: String,
    pub inputs: Vec<InputEntry>,
    pub tables: Vec<TableEntry>,
    #[serde(default)]
    pub disclosure: Option<DisclosureEntry>,
}

impl Manifest {
    /// The fingerprint that decides whether a new run has anything to do.
    pub fn same_inputs(&self, config_hash: &str, inputs: &[InputEntry]) -> bool {
        let key = |i: &InputEntry| (i.bestand.clone(), i.sha256.clone());
        self.config_hash == config_hash
            && self.inputs.iter().map(key).collect::<Vec<_>>()
                == inputs.iter().map(key).collect::<Vec<_>>()
    }
}

/// The run id `current` points at.
pub fn current_run(out: &Path) -> Option<String> {
    let target = std::fs::read_link(out.join("current")).ok()?;
    Some(target.file_name()?.to_string_lossy().to_string())
}

pub fn current_manifest(out: &Path) -> Option<Manifest> {
    let text = std::fs::read_to_string(out.join("current").join("manifest.json")).ok()?;
    serde_json::from_str(&text).ok()
}
