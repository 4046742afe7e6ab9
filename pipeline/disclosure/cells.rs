//! The cell system of disclosure control: every sensitive count as a cell, the non-sensitive
//! counts that bound one (`leeg_aantal ≥ verborgen_bewoning`), and the relations an attacker can
//! use between them (a total and its parts; a parent area and its children). Primary suppression
//! (1 … min_count − 1) and secondary suppression work on this system.

use std::collections::BTreeMap;

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
    /// Hidden by the repair's wider search (a relation further away than the exposed cell's own).
    pub fallback: bool,
}

/// `total = Σ parts` (exact) or `total ≥ Σ parts` (a parent with rows its children do not place).
#[derive(Debug, Clone)]
pub struct Relation {
    pub total: usize,
    pub parts: Vec<usize>,
    pub exact: bool,
}

/// The cells of a system and how many are hidden, by reason (the manifest's disclosure entry).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Sensitive cells (non-null person counts).
    pub cells: usize,
    /// Hidden for being 1 … min_count − 1.
    pub primary: usize,
    /// Hidden so that no total and its parts give a hidden cell away (secondary suppression and
    /// the repair's first choice: a published member of a relation the exposed cell is in).
    pub secondary: usize,
    /// Hidden by the repair's wider search, further from the exposed cell.
    pub fallback: usize,
    /// Non-sensitive counts that bound a sensitive one (`leeg_aantal`), and how many are hidden.
    pub bounding_cells: usize,
    pub bounding_hidden: usize,
}

#[derive(Debug, Default, Clone)]
pub struct CellSystem {
    pub cells: Vec<Cell>,
    pub relations: Vec<Relation>,
    index: BTreeMap<String, usize>,
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
            fallback: false,
        });
        i
    }

    pub fn get(&self, label: &str) -> Option<usize> {
        self.index.get(label).copied()
    }

    pub fn relate(&mut self, total: usize, parts: Vec<usize>, exact: bool) {
        if !parts.is_empty() {
            self.relations.push(Relation {
                total,
                parts,
                exact,
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

    /// Secondary suppression: while some exact relation has exactly one suppressed cell (which
    /// would follow by subtraction), suppress the smallest other non-zero part as well — or, when no
    /// part qualifies, the total. Relations are visited in a fixed order: deterministic.
    pub fn secondary(&mut self) -> usize {
        let mut added = 0;
        loop {
            let mut changed = false;
            for r in 0..self.relations.len() {
                if let Some(extra) = self.complement(r) {
                    self.cells[extra].suppressed = true;
                    added += 1;
                    changed = true;
                }
            }
            if !changed {
                return added;
            }
        }
    }

    /// Adds one more cell to suppress in `relation` if it has exactly one suppressed cell.
    pub fn complement(&self, relation: usize) -> Option<usize> {
        let r = &self.relations[relation];
        if !r.exact {
            return None;
        }
        let members = std::iter::once(r.total).chain(r.parts.iter().copied());
        let suppressed: Vec<usize> = members
            .clone()
            .filter(|&c| self.cells[c].suppressed)
            .collect();
        if suppressed.len() != 1 {
            return None;
        }
        let lone = suppressed[0];
        let nonzero =
            |c: &usize| self.cells[*c].value.is_some_and(|v| v > 0) && !self.cells[*c].suppressed;
        let smallest_part = r
            .parts
            .iter()
            .copied()
            .filter(|c| *c != lone)
            .filter(nonzero)
            .min_by_key(|c| (self.cells[*c].value, *c));
        smallest_part.or_else(|| (r.total != lone && nonzero(&r.total)).then_some(r.total))
    }

    /// How many cells are hidden, and why.
    pub fn counts(&self) -> Counts {
        let sensitive = || self.cells.iter().filter(|c| c.sensitive);
        let hidden = || sensitive().filter(|c| c.suppressed);
        let bounding = || self.cells.iter().filter(|c| !c.sensitive);
        Counts {
            cells: sensitive().count(),
            primary: hidden().filter(|c| c.primary).count(),
            secondary: hidden().filter(|c| !c.primary && !c.fallback).count(),
            fallback: hidden().filter(|c| c.fallback).count(),
            bounding_cells: bounding().count(),
            bounding_hidden: bounding().filter(|c| c.suppressed).count(),
        }
    }

    pub fn is_suppressed(&self, label: &str) -> bool {
        self.get(label).is_some_and(|i| self.cells[i].suppressed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn system(total: i64, parts: &[i64]) -> CellSystem {
        let mut s = CellSystem::default();
        let t = s.cell("total".into(), Some(total), false);
        let p = parts
            .iter()
            .enumerate()
            .map(|(i, v)| s.cell(format!("p{i}"), Some(*v), false))
            .collect();
        s.relate(t, p, true);
        s
    }

    #[test]
    fn one_small_part_takes_the_smallest_other_nonzero_part_with_it() {
        // Total 20 and parts 3, 0, 9, 8: the 3 would follow from 20 − 0 − 9 − 8.
        let mut s = system(20, &[3, 0, 9, 8]);
        s.primary(5);
        assert_eq!(s.secondary(), 1);
        let hidden: Vec<&str> = s
            .cells
            .iter()
            .filter(|c| c.suppressed)
            .map(|c| c.label.as_str())
            .collect();
        assert_eq!(hidden, ["p0", "p3"]);
    }

    #[test]
    fn a_total_and_all_but_one_part_visible_is_repaired() {
        // The total is small and every part visible: the total would follow by addition.
        let mut s = system(4, &[0, 4, 0]);
        s.cells[2].value = Some(4);
        s.primary(5);
        assert!(
            s.is_suppressed("total") && s.is_suppressed("p1"),
            "both are primary"
        );
        // Two small parts are two unknowns already: nothing more to do.
        let mut s = system(12, &[2, 3, 7]);
        s.primary(5);
        assert_eq!(s.secondary(), 0);
    }

    #[test]
    fn a_parent_with_exactly_one_small_child() {
        // Parent 9 with children 4 and 5: the 4 is primary and the 5 goes with it; the parent stays.
        let mut s = system(9, &[4, 5, 0]);
        s.primary(5);
        assert_eq!(s.secondary(), 1);
        assert!(s.is_suppressed("p0") && s.is_suppressed("p1") && !s.is_suppressed("total"));
        // A parent whose only non-zero child is small equals that child: both are primary.
        let mut s = system(2, &[0, 2]);
        s.primary(5);
        assert!(s.is_suppressed("total") && s.is_suppressed("p1"));
        assert_eq!(s.secondary(), 0);
    }

    #[test]
    fn inequalities_are_left_to_the_audit() {
        let mut s = CellSystem::default();
        let t = s.cell("T".into(), Some(20), false);
        let a = s.cell("a".into(), Some(3), false);
        s.relate(t, vec![a], false);
        s.primary(5);
        assert_eq!(s.secondary(), 0);
    }

    #[test]
    fn suppression_cascades_through_linked_relations() {
        // Row: T = a + b; column: a = x + y. a is small; b joins it; then in the column relation
        // a is the only suppressed cell, so the smallest non-zero of x, y follows.
        let mut s = CellSystem::default();
        let t = s.cell("T".into(), Some(30), false);
        let a = s.cell("a".into(), Some(4), false);
        let b = s.cell("b".into(), Some(26), false);
        let x = s.cell("x".into(), Some(1), false);
        let y = s.cell("y".into(), Some(3), false);
        s.relate(t, vec![a, b], true);
        s.relate(a, vec![x, y], true);
        s.primary(5);
        s.secondary();
        assert!(s.is_suppressed("b"));
        assert!(s.is_suppressed("x") && s.is_suppressed("y"));
        assert!(!s.is_suppressed("T"));
    }
}
