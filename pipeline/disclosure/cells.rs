//! The cell system of disclosure control: every sensitive count as a cell, the non-sensitive
//! counts that bound one (`leeg_aantal ≥ verborgen_bewoning`), and the relations an attacker can
//! use between them (a total and its parts; a parent area and its children; a year and its
//! quarters). Primary suppression (1 … min_count − 1) works on it, the search for what else to
//! hide (`protect.rs`) reads each cell's cost of hiding.

use std::collections::HashMap;

/// One sensitive count.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Where the cell is, for messages: `gebied_indicatoren GM0518 2024-Q1 signalen_arbeid`.
    pub label: String,
    /// The true value; `None` when unknown (an audit of published tables).
    pub value: Option<i64>,
    pub suppressed: bool,
    pub primary: bool,
    /// A person count. A non-sensitive cell (a count of buildings that bounds a person count)
    /// is never suppressed for its own sake, only to protect a sensitive one.
    pub sensitive: bool,
    /// How much it matters that this cell is shown, besides its value: its level and kind
    /// (a gemeente total more than a buurt, a year more than a quarter). See `cost`.
    pub importance: f64,
}

impl Cell {
    /// What hiding this cell costs the reader, per unit it is moved: its importance times
    /// `1 + ln(1 + value)`, so a larger count costs more but not in proportion (hiding a 400
    /// costs about 1.7 times a 20, not twenty times). docs/disclosure.md explains the choice.
    pub fn cost(&self) -> f64 {
        let v = self.value.unwrap_or(0).max(0) as f64;
        self.importance * (1.0 + v.ln_1p())
    }
}

/// `total = Σ parts` (exact) or `total ≥ Σ parts` (a parent with rows its children do not place);
/// a part may carry a weight (`total ≥ adressen + 4 · meervoudig`).
#[derive(Debug, Clone)]
pub struct Relation {
    pub total: usize,
    pub parts: Vec<usize>,
    /// Each part's weight, in the order of `parts`; empty when every weight is 1.
    pub weights: Vec<f64>,
    pub exact: bool,
}

impl Relation {
    fn weight(&self, i: usize) -> f64 {
        self.weights.get(i).copied().unwrap_or(1.0)
    }

    /// The relation as `Σ coefficient · cell (= or ≥) 0`: the total with 1, each part with
    /// minus its weight.
    pub fn terms(&self) -> impl Iterator<Item = (usize, f64)> + '_ {
        std::iter::once((self.total, 1.0)).chain(
            self.parts
                .iter()
                .enumerate()
                .map(|(i, &p)| (p, -self.weight(i))),
        )
    }

    /// Does it hold for these values (`None` when a value is unknown)?
    pub fn holds(&self, value: impl Fn(usize) -> Option<f64>, eps: f64) -> Option<bool> {
        let mut parts = 0.0;
        for (i, &p) in self.parts.iter().enumerate() {
            parts += self.weight(i) * value(p)?;
        }
        let total = value(self.total)?;
        Some(if self.exact {
            (total - parts).abs() < eps
        } else {
            total >= parts - eps
        })
    }
}

/// The cells of a system and how many are hidden, by reason (the manifest's disclosure entry).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    /// Sensitive cells (non-null person counts).
    pub cells: usize,
    /// Hidden for being 1 … min_count − 1.
    pub primary: usize,
    /// Hidden to protect another (secondary suppression, chosen by `protect`).
    pub secondary: usize,
    /// Non-sensitive counts that bound a sensitive one (`leeg_aantal`), and how many are hidden.
    pub bounding_cells: usize,
    pub bounding_hidden: usize,
    /// Per table: its sensitive cells of at least `min_count`, how many of those are hidden (the
    /// cost of protection: safe figures not shown) and how many any safe pattern hides.
    pub safe: std::collections::BTreeMap<String, SafeHidden>,
}

/// One table's safe cells (`Counts::safe`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SafeHidden {
    /// Sensitive cells of at least `min_count`.
    pub cells: usize,
    /// Of those, hidden.
    pub hidden: usize,
    /// The least number of them that any safe pattern hides (`forced::least_hidden`).
    pub forced: usize,
}

#[derive(Debug, Default, Clone)]
pub struct CellSystem {
    pub cells: Vec<Cell>,
    pub relations: Vec<Relation>,
    /// Each label's cell; never iterated, so the order of the hash map cannot show (a national
    /// system has a million cells, looked up by label while the tables are suppressed).
    index: HashMap<String, usize, foldhash::fast::FixedState>,
}

/// The root of `x` in a union-find forest (path halving): the connected parts of a system.
pub(super) fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

impl CellSystem {
    /// Adds a sensitive cell (or returns the existing one with this label).
    pub fn cell(&mut self, label: String, value: Option<i64>, suppressed: bool) -> usize {
        self.add(label, value, suppressed, true)
    }

    /// Adds a non-sensitive cell that bounds sensitive ones (or returns the existing one).
    pub fn bounding_cell(&mut self, label: String, value: Option<i64>, suppressed: bool) -> usize {
        self.add(label, value, suppressed, false)
    }

    fn add(
        &mut self,
        label: String,
        value: Option<i64>,
        suppressed: bool,
        sensitive: bool,
    ) -> usize {
        if let Some(&i) = self.index.get(&label) {
            return i;
        }
        let i = self.cells.len();
        self.index.insert(label.clone(), i);
        self.cells.push(Cell {
            label,
            value,
            suppressed,
            primary: false,
            sensitive,
            importance: 1.0,
        });
        i
    }

    /// Each cell's connected part, as the least cell of the part (cells tied through relations).
    pub fn part_roots(&self) -> Vec<usize> {
        let mut parent: Vec<usize> = (0..self.cells.len()).collect();
        for rel in &self.relations {
            for &p in &rel.parts {
                let (a, b) = (find(&mut parent, rel.total), find(&mut parent, p));
                parent[a.max(b)] = a.min(b);
            }
        }
        (0..self.cells.len())
            .map(|c| find(&mut parent, c))
            .collect()
    }

    /// How many cells each cell's connected part holds.
    pub fn part_sizes(&self) -> Vec<usize> {
        let roots = self.part_roots();
        let mut size = vec![0usize; roots.len()];
        for &root in &roots {
            size[root] += 1;
        }
        roots.iter().map(|&root| size[root]).collect()
    }

    /// The system cut into bundles of whole independent parts (cells tied through relations,
    /// hidden or shown): no relation crosses two bundles, so each can be searched on its own.
    /// Parts are taken in the order of their first cell and packed into a bundle until it holds
    /// `min_cells`; each bundle comes with the ids its cells have in this system.
    pub fn bundles(&self, min_cells: usize) -> Vec<(CellSystem, Vec<usize>)> {
        let n = self.cells.len();
        // Parts in the order of their first cell, then packed into bundles.
        let roots = self.part_roots();
        let mut part_size = vec![0usize; n];
        for &root in &roots {
            part_size[root] += 1;
        }
        let mut bundle_of_root = vec![usize::MAX; n];
        let mut sizes: Vec<usize> = Vec::new();
        let bundle_of: Vec<usize> = roots
            .iter()
            .map(|&root| {
                if bundle_of_root[root] == usize::MAX {
                    if sizes.last().is_none_or(|&s| s >= min_cells) {
                        sizes.push(0);
                    }
                    let b = sizes.len() - 1;
                    bundle_of_root[root] = b;
                    sizes[b] += part_size[root];
                }
                bundle_of_root[root]
            })
            .collect();
        let mut bundles: Vec<(CellSystem, Vec<usize>)> = sizes
            .iter()
            .map(|&s| (CellSystem::default(), Vec::with_capacity(s)))
            .collect();
        let mut local = vec![0; n];
        for (c, cell) in self.cells.iter().enumerate() {
            let (system, ids) = &mut bundles[bundle_of[c]];
            local[c] = system.cells.len();
            system.index.insert(cell.label.clone(), local[c]);
            system.cells.push(cell.clone());
            ids.push(c);
        }
        for rel in &self.relations {
            let mut rel = rel.clone();
            let b = bundle_of[rel.total];
            rel.total = local[rel.total];
            for p in &mut rel.parts {
                *p = local[*p];
            }
            bundles[b].0.relations.push(rel);
        }
        bundles
    }

    pub fn get(&self, label: &str) -> Option<usize> {
        self.index.get(label).copied()
    }

    pub fn relate(&mut self, total: usize, parts: Vec<usize>, exact: bool) {
        if !parts.is_empty() {
            self.relations.push(Relation {
                total,
                parts,
                weights: Vec::new(),
                exact,
            });
        }
    }

    /// `total ≥ Σ weight · part`: a bound with weights (a count of persons over counts of
    /// addresses that each hold at least so many).
    pub fn bound_weighted(&mut self, total: usize, parts: Vec<(usize, f64)>) {
        if !parts.is_empty() {
            let (parts, weights) = parts.into_iter().unzip();
            self.relations.push(Relation {
                total,
                parts,
                weights,
                exact: false,
            });
        }
    }

    /// Suppresses every cell with a value from 1 to `min_count − 1`.
    pub fn primary(&mut self, min_count: i64) {
        for c in self.cells.iter_mut().filter(|c| c.sensitive) {
            if c.value.is_some_and(|v| v >= 1 && v < min_count) {
                c.suppressed = true;
                c.primary = true;
            }
        }
    }

    /// The table a cell belongs to: the first word of its label.
    pub fn table_of(&self, cell: usize) -> &str {
        self.cells[cell].label.split(' ').next().unwrap_or_default()
    }

    /// How many cells are hidden, and why; `min_count` says which cells are safe to show, and
    /// `forcing` (`forced::forcing_sets`) how many of them any safe pattern must hide.
    pub fn counts(&self, min_count: i64, forcing: &[Vec<usize>]) -> Counts {
        let sensitive = || self.cells.iter().filter(|c| c.sensitive);
        let hidden = || sensitive().filter(|c| c.suppressed);
        let bounding = || self.cells.iter().filter(|c| !c.sensitive);
        let mut safe: std::collections::BTreeMap<String, SafeHidden> = Default::default();
        for (i, c) in self.cells.iter().enumerate() {
            if c.sensitive && c.value.is_some_and(|v| v >= min_count) {
                let entry = safe.entry(self.table_of(i).to_string()).or_default();
                entry.cells += 1;
                entry.hidden += usize::from(c.suppressed);
                // Hidden whatever its value (a wijk's signals are never published).
                entry.forced += usize::from(c.primary);
            }
        }
        for (table, entry) in &mut safe {
            entry.forced += super::forced::least_hidden(forcing, &|c| {
                self.table_of(c) == table && self.cells[c].sensitive
            });
        }
        Counts {
            cells: sensitive().count(),
            primary: hidden().filter(|c| c.primary).count(),
            secondary: hidden().filter(|c| !c.primary).count(),
            bounding_cells: bounding().count(),
            bounding_hidden: bounding().filter(|c| c.suppressed).count(),
            safe,
        }
    }

    pub fn is_suppressed(&self, label: &str) -> bool {
        self.get(label).is_some_and(|i| self.cells[i].suppressed)
    }

    /// Published sensitive cells with these labels and values, for a hand-worked test table.
    #[cfg(test)]
    pub(crate) fn shown_cells<const N: usize>(&mut self, cells: [(&str, i64); N]) -> [usize; N] {
        cells.map(|(label, value)| self.cell(label.into(), Some(value), false))
    }

    /// The labels of the hidden cells, in cell order (what the tests compare).
    #[cfg(test)]
    pub(crate) fn hidden_labels(&self) -> Vec<&str> {
        self.cells
            .iter()
            .filter(|c| c.suppressed)
            .map(|c| c.label.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primary_hides_one_to_min_count_minus_one_and_never_a_bound() {
        let mut s = CellSystem::default();
        for v in [0, 1, 4, 5, 12] {
            s.cell(format!("c{v}"), Some(v), false);
        }
        let bound = s.bounding_cell("leeg 2".into(), Some(2), false);
        s.primary(5);
        assert_eq!(s.hidden_labels(), ["c1", "c4"]);
        assert!(!s.cells[bound].suppressed);
        let counts = s.counts(5, &[]);
        assert_eq!((counts.cells, counts.primary, counts.secondary), (5, 2, 0));
        // Safe to show: the 5 and the 12, neither hidden (nor forced: no relation).
        let shown = SafeHidden {
            cells: 1,
            hidden: 0,
            forced: 0,
        };
        assert_eq!(counts.safe.get("c5").copied(), Some(shown));
    }

    #[test]
    fn a_larger_count_or_a_higher_level_costs_more_to_hide() {
        let mut s = CellSystem::default();
        let small = s.cell("small".into(), Some(6), false);
        let large = s.cell("large".into(), Some(400), false);
        let zero = s.cell("zero".into(), Some(0), false);
        assert!(s.cells[small].cost() < s.cells[large].cost());
        assert!((s.cells[zero].cost() - 1.0).abs() < 1e-12);
        // Not in proportion: (1 + ln 401) / (1 + ln 21) = 6.994 / 4.045 = 1.73.
        let twenty = s.cell("twenty".into(), Some(20), false);
        let ratio = s.cells[large].cost() / s.cells[twenty].cost();
        assert!((1.72..1.74).contains(&ratio), "{ratio}");
        s.cells[small].importance = 4.0;
        assert!(s.cells[small].cost() > 4.0 * (1.0 + 6f64.ln_1p()) - 1e-9);
    }
}
