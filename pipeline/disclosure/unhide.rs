//! After the search: shows again the figures the search hid that no hidden cell turned out to
//! need (the clean-up of a sequential secondary suppression). The search protects one cell at a
//! time, so a cell hidden early may be made redundant by cells hidden later; the most costly
//! are tried first. docs/disclosure.md gives what it shows and costs on the demo.

use super::audit::{Deviation, Protection, allows};
use super::cells::CellSystem;
use super::protect::{needs, over_hidden};

/// A cell is tried only if showing it leaves at most this many hidden cells without a move: in
/// a regio-year's block of signal cells one move carries hundreds of cells, and each try there
/// costs hundreds of programs (measured at 50 and without a limit: docs/disclosure.md)...
const MAX_DEPENDANTS: usize = 10;

/// ...unless its connected part holds at most this many cells, where a program is small and a
/// try cheap whatever it needs (the demo's RNI, housing and evaluation parts of cases and
/// victims: 21 to 201 cells).
const SMALL_PART_CELLS: usize = 400;

/// What the clean-up did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Unhidden {
    /// Cells shown again.
    pub shown: usize,
    /// Cells tried (shown again or not).
    pub tried: usize,
    /// Programs solved (a hidden cell's move over the hidden cells alone).
    pub programs: usize,
}

/// The checked moves of the search, and which cells each one moves by how much: a hidden cell
/// is protected while the moves that leave the shown cells where they are take it far enough.
struct Points {
    points: Vec<Option<Deviation>>,
    /// Per cell: (point, change), the points in the order they were added.
    moving: Vec<Vec<(usize, f64)>>,
}

impl Points {
    fn new(cells: usize) -> Points {
        Points {
            points: Vec::new(),
            moving: vec![Vec::new(); cells],
        }
    }

    fn add(&mut self, point: Deviation) {
        let id = self.points.len();
        for &(c, d) in &point {
            self.moving[c].push((id, d));
        }
        self.points.push(Some(point));
    }

    /// The live points that move `cell`, in the order they were added.
    fn live_moving(&self, cell: usize) -> Vec<usize> {
        self.moving[cell]
            .iter()
            .map(|&(p, _)| p)
            .filter(|&p| self.points[p].is_some())
            .collect()
    }

    /// Is `cell` protected by the true values and the live points not in `except` (sorted)?
    fn protects(
        &self,
        system: &CellSystem,
        cell: usize,
        except: &[usize],
        protection: Protection,
    ) -> bool {
        let value = system.cells[cell].value.unwrap_or(0) as f64;
        let (mut low, mut high) = (value, value);
        for &(p, d) in &self.moving[cell] {
            if self.points[p].is_some() && except.binary_search(&p).is_err() {
                low = low.min(value + d);
                high = high.max(value + d);
            }
        }
        !protection.exposes(low, high)
    }

    fn drop(&mut self, points: &[usize]) {
        for &p in points {
            self.points[p] = None;
        }
    }

    fn into_live(self) -> Vec<Deviation> {
        self.points.into_iter().flatten().collect()
    }
}

/// Would showing the hidden cells of `group` leave a relation (an equality) with one hidden
/// sensitive cell, which the published numbers then give away? That cell, if so (the cheap
/// test, before any program).
fn pinned_by(system: &CellSystem, memberships: &[Vec<usize>], group: &[usize]) -> Option<usize> {
    group.iter().flat_map(|&s| &memberships[s]).find_map(|&r| {
        let rel = &system.relations[r];
        let mut hidden = std::iter::once(rel.total)
            .chain(rel.parts.iter().copied())
            .filter(|&c| !group.contains(&c) && system.cells[c].suppressed);
        match (hidden.next(), hidden.next()) {
            (Some(c), None) if rel.exact && system.cells[c].sensitive => Some(c),
            _ => None,
        }
    })
}

/// A move of hidden `cell` over the hidden cells alone (the shown ones held), far enough to
/// protect it; `None` when the shown cells pin it.
fn hidden_move(
    system: &CellSystem,
    memberships: &[Vec<usize>],
    cell: usize,
    protection: Protection,
    programs: &mut usize,
) -> Option<Deviation> {
    let value = system.cells[cell].value.unwrap_or(0) as f64;
    for need in needs(system, cell, protection) {
        if !need.1 && (value < protection.min_upper || value < need.0) {
            continue;
        }
        *programs += 1;
        if let Some(point) = over_hidden(system, memberships, cell, need)
            && allows(system, memberships, &point)
        {
            return Some(point);
        }
    }
    None
}

/// Shows the cells of `group` again if every hidden sensitive cell keeps a move far enough
/// over the hidden cells alone (the moves through `group` dropped, new ones added to `known`);
/// else leaves them hidden and says which single cell stood in the way, where one did.
fn try_showing(
    system: &mut CellSystem,
    memberships: &[Vec<usize>],
    protection: Protection,
    known: &mut Points,
    unproved: &[usize],
    (group, part_cells): (&[usize], usize),
    done: &mut Unhidden,
) -> Result<(), Option<usize>> {
    if let Some(c) = pinned_by(system, memberships, group) {
        return Err(Some(c));
    }
    let mut through: Vec<usize> = group.iter().flat_map(|&s| known.live_moving(s)).collect();
    through.sort_unstable();
    through.dedup();
    let mut affected: Vec<usize> = through
        .iter()
        .filter_map(|&p| known.points[p].as_ref())
        .flat_map(|point| point.iter().map(|&(c, _)| c))
        .filter(|&c| !group.contains(&c) && system.cells[c].sensitive)
        .chain(unproved.iter().copied())
        .collect();
    affected.sort_unstable();
    affected.dedup();
    let mut dependants: Vec<usize> = affected
        .into_iter()
        .filter(|&c| !known.protects(system, c, &through, protection))
        .collect();
    // The cells that share a relation with the group first: where showing it pins a cell, it
    // is most likely one of those, and a failed try ends sooner.
    let near = |c: usize| {
        memberships[c]
            .iter()
            .any(|r| group.iter().any(|&s| memberships[s].contains(r)))
    };
    dependants.sort_by_key(|&c| !near(c));
    if dependants.len() > MAX_DEPENDANTS && part_cells > SMALL_PART_CELLS {
        return Err(None);
    }
    for &s in group {
        system.cells[s].suppressed = false;
    }
    // A move found with the group shown leaves it where it is: it holds with the group hidden
    // too, and it may take the next dependants far enough as well.
    for c in dependants {
        if known.protects(system, c, &through, protection) {
            continue;
        }
        match hidden_move(system, memberships, c, protection, &mut done.programs) {
            Some(point) => known.add(point),
            None => {
                for &s in group {
                    system.cells[s].suppressed = true;
                }
                return Err(Some(c));
            }
        }
    }
    known.drop(&through);
    Ok(())
}

/// Shows again, most costly first, each figure the search hid (`hidden_before` false; at least
/// the protection level: the search's other cells are zeros) whose showing leaves every hidden
/// sensitive cell a move far enough over the hidden cells alone.
/// `points` (the search's checked moves) come back without those that move a cell shown again,
/// and with the moves found here. The result is only as safe as the moves it keeps: the caller
/// audits it again.
pub fn unhide_unneeded(
    system: &mut CellSystem,
    memberships: &[Vec<usize>],
    protection: Protection,
    hidden_before: &[bool],
    points: Vec<Deviation>,
) -> (Vec<Deviation>, Unhidden) {
    let mut done = Unhidden::default();
    let mut known = Points::new(system.cells.len());
    for point in points {
        known.add(point);
    }
    // A hidden cell that no move proves protected (the audit proved it by its bounds) gets a
    // move of its own; one that has none stays a dependant of every cell tried.
    let mut unproved = Vec::new();
    for c in 0..system.cells.len() {
        let cell = &system.cells[c];
        if !(cell.suppressed && cell.sensitive) || known.protects(system, c, &[], protection) {
            continue;
        }
        match hidden_move(system, memberships, c, protection, &mut done.programs) {
            Some(point) => known.add(point),
            None => unproved.push(c),
        }
    }
    tracing::debug!(
        points = known.points.len(),
        unproved = unproved.len(),
        programs = done.programs,
        "clean-up: the hidden cells' moves"
    );
    let mut candidates: Vec<usize> = (0..system.cells.len())
        .filter(|&c| system.cells[c].suppressed && !hidden_before[c])
        .filter(|&c| system.cells[c].value.unwrap_or(0) as f64 >= protection.min_upper)
        .collect();
    candidates.sort_by(|&a, &b| {
        system.cells[b]
            .cost()
            .total_cmp(&system.cells[a].cost())
            .then(a.cmp(&b))
    });
    let part_cells = system.part_sizes();
    let candidate = |system: &CellSystem, c: usize| {
        system.cells[c].suppressed
            && !hidden_before[c]
            && system.cells[c].value.unwrap_or(0) as f64 >= protection.min_upper
    };
    for s in candidates {
        if !system.cells[s].suppressed {
            continue; // shown again as another's partner
        }
        done.tried += 1;
        let mut group = vec![s];
        // Two cells the search hid may protect only each other: where showing `s` fails on one
        // such cell alone, the two are tried together (docs/disclosure.md: the exact optimum of
        // the demo's small parts showed such pairs).
        let shown = loop {
            let at = (group.as_slice(), part_cells[s]);
            match try_showing(
                system,
                memberships,
                protection,
                &mut known,
                &unproved,
                at,
                &mut done,
            ) {
                Ok(()) => break true,
                Err(Some(c)) if group.len() == 1 && candidate(system, c) => group.push(c),
                Err(_) => break false,
            }
        };
        tracing::trace!(
            cell = system.cells[s].label,
            group = group.len(),
            shown,
            "clean-up: tried"
        );
        if shown {
            done.shown += group.len();
        }
    }
    (known.into_live(), done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disclosure::audit::audit;
    use crate::disclosure::protect::relations_of_cells;

    /// The clean-up of a hand-made search: primary suppression at 5, then `searched` hidden as
    /// the search would have, its certificates `points`; the audit must pass on the result.
    fn clean_up(
        s: &mut CellSystem,
        searched: &[usize],
        points: Vec<Deviation>,
    ) -> (Vec<Deviation>, Unhidden) {
        s.primary(5);
        let before: Vec<bool> = s.cells.iter().map(|c| c.suppressed).collect();
        for &c in searched {
            s.cells[c].suppressed = true;
        }
        let memberships = relations_of_cells(s);
        let protection = Protection::for_min_count(5);
        let cleaned = unhide_unneeded(s, &memberships, protection, &before, points);
        assert!(audit(s, protection).expect("runs").is_empty());
        cleaned
    }

    /// T = a + b + c + G = 2 + 20 + 40 + 300 = 362, all but a shown at first; a is small. Say the
    /// search hid G first (its move: a + 3, G − 3) and later b for another cell. Then G is not
    /// needed: with b hidden, a + b = 362 − 40 − 300 = 22, so a ∈ [0, 22] and b ∈ [0, 22],
    /// both protected. G (the most costly) is tried first and shown again; b is then tried and
    /// kept, since with b shown too a = 362 − 20 − 40 − 300 = 2 is pinned.
    #[test]
    fn a_total_made_redundant_by_a_later_sibling_is_shown_again() {
        let mut s = CellSystem::default();
        let t = s.cell("T".into(), Some(362), false);
        let a = s.cell("a".into(), Some(2), false);
        let b = s.cell("b".into(), Some(20), false);
        let c = s.cell("c".into(), Some(40), false);
        let g = s.cell("G".into(), Some(300), false);
        s.cells[g].importance = 4.0;
        s.relate(t, vec![a, b, c, g], true);
        let (points, done) = clean_up(&mut s, &[b, g], vec![vec![(a, 3.0), (g, -3.0)]]);
        assert_eq!(s.hidden_labels(), ["a", "b"]);
        assert_eq!((done.shown, done.tried), (1, 2));
        // The move that kept a protected without G, and nothing that moves G.
        assert!(points.iter().all(|p| p.iter().all(|&(cell, _)| cell != g)));
        assert!(
            points
                .iter()
                .any(|p| p.iter().any(|&(cell, d)| cell == a && d >= 3.0 - 1e-6))
        );
    }

    /// T = a + b = 2 + 10 with a small and b hidden for it; S = p + q + r = 30 + 8 + 50, where
    /// the search (say) hid p and q, which protect only each other (p + 1, q − 1). Showing p
    /// alone would leave q alone in S, pinned, and the other way round, so one at a time neither
    /// goes; as a pair both are shown again (nothing else moves with them). b stays: with b
    /// shown, a = 12 − 10 is pinned.
    #[test]
    fn two_cells_that_protect_only_each_other_are_shown_again_together() {
        let mut s = CellSystem::default();
        let t = s.cell("T".into(), Some(12), false);
        let a = s.cell("a".into(), Some(2), false);
        let b = s.cell("b".into(), Some(10), false);
        let total = s.cell("S".into(), Some(88), false);
        let p = s.cell("p".into(), Some(30), false);
        let q = s.cell("q".into(), Some(8), false);
        let r = s.cell("r".into(), Some(50), false);
        s.relate(t, vec![a, b], true);
        s.relate(total, vec![p, q, r], true);
        let points = vec![vec![(a, 3.0), (b, -3.0)], vec![(p, 1.0), (q, -1.0)]];
        let (points, done) = clean_up(&mut s, &[b, p, q], points);
        assert_eq!(s.hidden_labels(), ["a", "b"]);
        // p's try (with q), then b's; q was shown with p.
        assert_eq!((done.shown, done.tried), (2, 2));
        assert!(
            points
                .iter()
                .all(|pt| pt.iter().all(|&(c, _)| c != p && c != q))
        );
    }

    /// T = F + a1 + … + a11 = 20 + 11 · 1 = 31, the a's small (hidden) and F hidden by the
    /// search, each a's certificate moving it up 4 against F. Showing F leaves eleven hidden
    /// cells without a move, more than `MAX_DEPENDANTS`; but the part is small, so F is tried:
    /// with F shown the a's still trade among themselves (a1 + 4 against a2 … a5 − 1 each;
    /// a1 ∈ [0, 11]), so F is shown again.
    #[test]
    fn a_small_part_is_cleaned_up_whatever_its_dependants() {
        let mut s = CellSystem::default();
        let t = s.cell("T".into(), Some(31), false);
        let f = s.cell("F".into(), Some(20), false);
        let small: Vec<usize> = (1..=11)
            .map(|i| s.cell(format!("a{i:02}"), Some(1), false))
            .collect();
        s.relate(
            t,
            std::iter::once(f).chain(small.iter().copied()).collect(),
            true,
        );
        let points: Vec<Deviation> = small.iter().map(|&a| vec![(a, 4.0), (f, -4.0)]).collect();
        assert!(small.len() > MAX_DEPENDANTS && s.cells.len() <= SMALL_PART_CELLS);
        let (_, done) = clean_up(&mut s, &[f], points);
        assert_eq!(done.shown, 1);
        assert!(!s.cells[f].suppressed);
    }
}
