//! Choosing what else to hide (secondary suppression) as an optimisation: for each exposed cell,
//! the cheapest set of published cells whose hiding lets it move far enough — the protection
//! linear program of Fischetti & Salazar-González, solved per exposed cell over the cells around
//! it. A deviation `y` of the true values that keeps every relation and every count ≥ 0, and
//! moves the exposed cell up to the protection level, is a point the attacker's programs allow
//! once every cell it moves is hidden; its cost is the sum over the published cells it moves of
//! their cost (`Cell::cost`: larger and higher cells cost more). Hidden cells move for free.

use std::collections::HashMap;

use super::audit::{AuditCache, Deviation, Protection, audit_with, consistent};
use super::bounds::Program;
use super::cells::CellSystem;
use super::part::{MOVED, Part, cheapest, cheapest_in, connected_part};
use super::rings::cheapest_in_ring;
use super::unhide::{Unhidden, unhide_unneeded};

/// The tables that break a total of another table down (by source): a cell of one is protected
/// among the cells of its own table where that can be done (`protection_for`). Measured on the
/// demo (docs/disclosure.md).
const BREAKDOWNS: [&str; 1] = ["signalen_bronnen "];

/// What the search did: cells hidden besides the primary ones, programs solved, rounds, and the
/// checked points that proved cells protected (for the audit of the published tables).
#[derive(Debug, Default, Clone)]
pub struct Searched {
    pub hidden: usize,
    pub protection_programs: usize,
    pub audit_programs: usize,
    pub rounds: usize,
    pub certified: usize,
    pub points: Vec<Deviation>,
    /// What the clean-up after the search showed again.
    pub unhidden: Unhidden,
}

/// For every cell, the relations it is a member of (total or part).
pub fn relations_of_cells(system: &CellSystem) -> Vec<Vec<usize>> {
    let mut memberships = vec![Vec::new(); system.cells.len()];
    for (r, rel) in system.relations.iter().enumerate() {
        for c in std::iter::once(rel.total).chain(rel.parts.iter().copied()) {
            memberships[c].push(r);
        }
    }
    memberships
}

/// Which way a hidden cell must be able to move, and by how much: up to the protection level
/// (and at least a step past the width); failing that, for a cell already above the level that
/// is only pinned, a step down.
pub(super) fn needs(system: &CellSystem, cell: usize, protection: Protection) -> [(f64, bool); 2] {
    let value = system.cells[cell].value.unwrap_or(0) as f64;
    let step = protection.min_width.max(0.0) + 1.0;
    let up = (protection.min_upper - value).max(step);
    [(up, true), (step, false)]
}

/// The whole connected parts of a system (every cell taken in), each found once: a part does
/// not change as cells are hidden, and at national scale finding and numbering one took as
/// long as solving its program (bench/RESULTS.md).
/// Each part also keeps count of how often a ring proved its program (`rings.rs`) and how often
/// not: where rings keep failing (a regio-year of signals, whose least protections reach across
/// it), the search stops trying them there.
#[derive(Default)]
struct WholeParts {
    parts: Vec<Part>,
    of_cell: HashMap<usize, usize>,
    rings: Vec<(usize, usize)>,
}

/// A part's rings are tried while they have failed at most this many times more than they have
/// proved a program.
const RING_MISSES: usize = 2;

impl WholeParts {
    fn of(&mut self, system: &CellSystem, memberships: &[Vec<usize>], cell: usize) -> &Part {
        let index = self.index(system, memberships, cell);
        &self.parts[index]
    }

    /// The cheapest protection by a ring where this part's rings are worth a try (counted).
    fn by_ring(
        &mut self,
        system: &CellSystem,
        memberships: &[Vec<usize>],
        cell: usize,
        need: (f64, bool),
    ) -> Option<(Vec<usize>, Deviation)> {
        let index = self.index(system, memberships, cell);
        let (hits, misses) = &mut self.rings[index];
        if *misses > *hits + RING_MISSES {
            return None;
        }
        let found = cheapest_in_ring(system, memberships, cell, need);
        if found.is_some() {
            *hits += 1;
        } else {
            *misses += 1;
        }
        found
    }

    fn index(&mut self, system: &CellSystem, memberships: &[Vec<usize>], cell: usize) -> usize {
        match self.of_cell.get(&cell) {
            Some(&i) => i,
            None => {
                let (mut cells, relations) = connected_part(system, memberships, cell, &|_| true);
                // In cell order, whichever cell found the part.
                cells.sort_unstable();
                let i = self.parts.len();
                self.of_cell.extend(cells.iter().map(|&c| (c, i)));
                self.parts.push(Part::new(system, cells, &relations));
                self.rings.push((0, 0));
                i
            }
        }
    }
}

/// The protection of hidden `cell` that hides nothing new: its least move over the hidden cells
/// of its part alone, the published ones held — `cheapest` over the hidden cells, with the
/// equalities that tie two hidden cells folded into classes first (`Program::least_move`): a
/// third of the variables, the same optimum, the search twice as fast (docs/disclosure.md).
pub(super) fn over_hidden(
    system: &CellSystem,
    memberships: &[Vec<usize>],
    cell: usize,
    (amount, up): (f64, bool),
) -> Option<Deviation> {
    let hidden = |m: usize| system.cells[m].suppressed;
    let (cells, relations) = connected_part(system, memberships, cell, &hidden);
    let program = Program::new(system, &cells, &relations);
    let values: Vec<f64> = cells
        .iter()
        .map(|&c| system.cells[c].value.unwrap_or(0) as f64)
        .collect();
    // `cells` starts with `cell`.
    let moves = program.least_move(&values, 0, amount, up)?;
    Some(
        moves
            .into_iter()
            .filter(|(_, d)| d.abs() > MOVED)
            .map(|(i, d)| (cells[i], d))
            .collect(),
    )
}

/// The cells to hide so that hidden `cell` is protected: the cheapest protection over its
/// connected part, and the move it allows (a point for the audit). `None` when there is none
/// (which cannot happen while the counts can grow through their totals, but the caller stops
/// rather than publish).
fn protection_for(
    system: &CellSystem,
    memberships: &[Vec<usize>],
    cell: usize,
    protection: Protection,
    programs: &mut usize,
    whole: &mut WholeParts,
) -> Option<(Vec<usize>, Deviation)> {
    let value = system.cells[cell].value.unwrap_or(0) as f64;
    for need in needs(system, cell, protection) {
        // Down helps only a cell that is pinned above the protection level.
        if !need.1 && (value < protection.min_upper || value < need.0) {
            continue;
        }
        // A breakdown's cell is first protected inside its own table, its totals held where
        // they are (the totals are figures of their own, and their program far larger).
        let label = &system.cells[cell].label;
        if let Some(table) = BREAKDOWNS.iter().find(|t| label.starts_with(*t)) {
            *programs += 1;
            let within = |m: usize| system.cells[m].label.starts_with(table);
            if let Some(found) = cheapest(system, memberships, cell, need, &within) {
                return Some(found);
            }
        }
        // A protection that hides nothing new, where there is one, over the hidden cells alone:
        // a program a fifth the size of the whole part's, with the same cells hidden in the end
        // (measured on the demo: docs/disclosure.md).
        *programs += 1;
        if let Some(deviation) = over_hidden(system, memberships, cell, need) {
            return Some((Vec::new(), deviation));
        }
        // Nearly every protection of a national table is local: a ring of cells around the cell,
        // proved the whole part's optimum by its dual prices (`rings.rs`), is a tenth of the work.
        *programs += 1;
        if let Some(found) = whole.by_ring(system, memberships, cell, need) {
            return Some(found);
        }
        *programs += 1;
        if let Some(found) = cheapest_in(system, whole.of(system, memberships, cell), cell, need) {
            return Some(found);
        }
    }
    None
}

/// A bundle of parts holds at least this many cells (`CellSystem::bundles`): enough that a
/// bundle's set-up is small beside its programs.
const BUNDLE_CELLS: usize = 2_000;

/// Hides more cells until the audit passes (`protect_bundle`), on the system's independent
/// parts in parallel: no relation ties two bundles, so each is searched exactly as it would be
/// within the whole, and the results are put together in the bundles' order — the same input
/// gives the same cells hidden, whatever the number of threads.
pub fn protect(system: &mut CellSystem, protection: Protection) -> Result<Searched, String> {
    let results = largest_first(system.bundles(BUNDLE_CELLS), |(mut bundle, ids)| {
        protect_bundle(&mut bundle, protection).map(|searched| (searched, bundle, ids))
    });
    let mut all = Searched::default();
    for result in results {
        let (searched, bundle, ids) = result?;
        for (cell, &id) in bundle.cells.iter().zip(&ids) {
            system.cells[id].suppressed = cell.suppressed;
        }
        all.hidden += searched.hidden;
        all.protection_programs += searched.protection_programs;
        all.audit_programs += searched.audit_programs;
        all.rounds = all.rounds.max(searched.rounds);
        all.certified += searched.certified;
        all.unhidden.shown += searched.unhidden.shown;
        all.unhidden.tried += searched.unhidden.tried;
        all.unhidden.programs += searched.unhidden.programs;
        all.points.extend(
            searched
                .points
                .into_iter()
                .map(|point| point.into_iter().map(|(c, d)| (ids[c], d)).collect()),
        );
    }
    Ok(all)
}

/// `work` on every bundle on all threads, the largest bundles first and each thread taking the
/// next as it comes free (list scheduling, longest first), the results in the bundles' order.
/// On the demo two regio-years of signals are half of the search; taken in the bundles' order
/// they came last and ran side by side at the end (docs/disclosure.md).
fn largest_first<T: Send>(
    bundles: Vec<(CellSystem, Vec<usize>)>,
    work: impl Fn((CellSystem, Vec<usize>)) -> T + Sync,
) -> Vec<T> {
    use std::sync::{Mutex, PoisonError};
    let mut queue: Vec<(usize, (CellSystem, Vec<usize>))> =
        bundles.into_iter().enumerate().collect();
    // Stable: bundles of one size in their order.
    queue.sort_by_key(|(_, (bundle, _))| std::cmp::Reverse(bundle.cells.len()));
    let count = queue.len();
    let queue = Mutex::new(queue.into_iter());
    let done = Mutex::new(Vec::with_capacity(count));
    rayon::scope(|scope| {
        for _ in 0..rayon::current_num_threads().min(count) {
            scope.spawn(|_| {
                loop {
                    // The lock is let go before the work starts.
                    let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
                    let Some((index, bundle)) = next else {
                        break;
                    };
                    let result = work(bundle);
                    done.lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push((index, result));
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(PoisonError::into_inner);
    done.sort_unstable_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, result)| result).collect()
}

/// Hides more cells until the audit passes. The first round gives every hidden sensitive cell
/// its cheapest protection (smallest value first, with the cells hidden before it free to move,
/// so later cells reuse them) without an audit: each protection's move is a point the attacker's
/// programs allow once its cells are hidden, which the audit cache checks and takes as proof
/// for every cell it moves far enough (`AuditCache::certify`). Later rounds audit what no point
/// proved and protect what the audit finds exposed. Every round hides at least one cell or ends
/// the search, so it ends after at most as many rounds as there are cells.
fn protect_bundle(system: &mut CellSystem, protection: Protection) -> Result<Searched, String> {
    let memberships = relations_of_cells(system);
    let mut whole = WholeParts::default();
    let mut cache = AuditCache::default();
    let mut searched = Searched::default();
    // A move from the true values is a point only if the true values are one.
    let points = consistent(system);
    let mut todo: Vec<usize> = (0..system.cells.len())
        .filter(|&c| system.cells[c].suppressed && system.cells[c].sensitive)
        .collect();
    // The cells furthest below the protection level first (a 1 before a 4; stable, so in cell
    // order within a value): their moves are the largest, so each move proves more of the
    // others protected and the cells it hides carry the smaller moves later. Measured on the
    // demo (docs/disclosure.md): fewer programs, fewer cells hidden.
    todo.sort_by_key(|&c| system.cells[c].value.unwrap_or(0));
    let mut tried = vec![false; system.cells.len()];
    let hidden_before: Vec<bool> = system.cells.iter().map(|c| c.suppressed).collect();
    let (mut cleaned, mut just_cleaned) = (false, false);
    loop {
        searched.rounds += 1;
        let mut progress = false;
        // The cells to protect, then the sensitive cells their protections hid (a point proves
        // those too, or gives them their own protection), until none is left.
        while !todo.is_empty() {
            let mut next = Vec::new();
            for &cell in &todo {
                if std::mem::replace(&mut tried[cell], true) || cache.is_protected(cell) {
                    continue;
                }
                let (chosen, deviation) = protection_for(
                    system,
                    &memberships,
                    cell,
                    protection,
                    &mut searched.protection_programs,
                    &mut whole,
                )
                .ok_or_else(|| {
                    format!("no cells to hide can protect {}", system.cells[cell].label)
                })?;
                for &c in &chosen {
                    tracing::trace!(
                        cell = system.cells[cell].label,
                        hides = system.cells[c].label,
                        "protection"
                    );
                    system.cells[c].suppressed = true;
                    searched.hidden += 1;
                    progress = true;
                }
                if points && cache.certify(system, &memberships, &deviation, protection) {
                    searched.points.push(deviation);
                    next.extend(chosen.into_iter().filter(|&c| system.cells[c].sensitive));
                }
            }
            todo = next;
        }
        let exposed = audit_with(system, protection, &mut cache)?;
        tracing::debug!(
            round = searched.rounds,
            exposed = exposed.len(),
            "disclosure search"
        );
        let Some(first) = exposed.first().map(ToString::to_string) else {
            searched.audit_programs += cache.programs;
            searched.certified += cache.certified;
            if cleaned || !points {
                return Ok(searched);
            }
            // Once: show again what no hidden cell needs, then audit afresh (the cache holds
            // only while cells are only ever hidden).
            (cleaned, just_cleaned) = (true, true);
            let (kept, unhidden) = unhide_unneeded(
                system,
                &memberships,
                protection,
                &hidden_before,
                std::mem::take(&mut searched.points),
            );
            searched.unhidden = unhidden;
            searched.hidden -= unhidden.shown;
            cache = AuditCache::default();
            for point in kept {
                if cache.certify(system, &memberships, &point, protection) {
                    searched.points.push(point);
                }
            }
            continue;
        };
        if !progress && searched.rounds > 1 && !std::mem::take(&mut just_cleaned) {
            return Err(format!(
                "round {}: the exposed cells' protections need no new hidden cell, yet the audit finds {first}",
                searched.rounds
            ));
        }
        todo = exposed.iter().map(|e| e.cell).collect();
        for &cell in &todo {
            tried[cell] = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the greedy choice and the optimal one differ. Row: T = a + b + c = 108 with
    /// a = 2 (small, hidden), b = 100, c = 6; column: C = c + d = 56 with d = 50, T and C shown.
    /// The old greedy hid the smallest other part, c (6); c alone in the column is then
    /// C − d = 6, so it hid d (50) as well: three cells hidden, {a, c, d}. The optimum: a must
    /// reach 5, so some cell must give way by 3. Through b: b − 3, cost 3 · cost(b) =
    /// 3 · (1 + ln 101) = 16.8. Through c: c − 3 and then d + 3 (C is shown), cost
    /// 3 · ((1 + ln 7) + (1 + ln 51)) = 3 · 7.88 = 23.6. So the optimum hides b alone: {a, b};
    /// then a ∈ [0, 102] and b ∈ [0, 102], both protected, and c and d stay shown.
    #[test]
    fn the_optimum_hides_one_large_cell_where_the_greedy_hid_two() {
        let mut s = CellSystem::default();
        let [t, a, b, c, col, d] = s.shown_cells([
            ("T", 108),
            ("a", 2),
            ("b", 100),
            ("c", 6),
            ("C", 56),
            ("d", 50),
        ]);
        s.relate(t, vec![a, b, c], true);
        s.relate(col, vec![c, d], true);
        s.primary(5);
        protect(&mut s, Protection::for_min_count(5)).expect("protected");
        assert_eq!(s.hidden_labels(), ["a", "b"]);
        assert!(
            super::super::audit::audit(&s, Protection::for_min_count(5))
                .expect("runs")
                .is_empty()
        );
    }

    /// Two independent tables (no relation between them) in one system, cells 0–5 and 6–11,
    /// relations 0–1 and 2–3; each the first test's table: T = a + b + c, C = c + d, a small.
    fn two_tables() -> CellSystem {
        let mut s = CellSystem::default();
        for table in ["x", "y"] {
            let t = s.cell(format!("{table}T"), Some(108), false);
            let a = s.cell(format!("{table}a"), Some(2), false);
            let b = s.cell(format!("{table}b"), Some(100), false);
            let c = s.cell(format!("{table}c"), Some(6), false);
            let col = s.cell(format!("{table}C"), Some(56), false);
            let d = s.cell(format!("{table}d"), Some(50), false);
            s.relate(t, vec![a, b, c], true);
            s.relate(col, vec![c, d], true);
        }
        s
    }

    /// Two independent tables (no relation between them) in one system: searched in bundles of
    /// one part each (in parallel), they get exactly the cells the search over the whole system
    /// hides, and every point names the cells by their ids in the whole system.
    #[test]
    fn bundles_are_searched_as_they_would_be_within_the_whole() {
        let mut s = two_tables();
        s.primary(5);
        let bundles = s.bundles(1);
        assert_eq!(bundles.len(), 2);
        assert_eq!(bundles[1].1, (6..12).collect::<Vec<_>>());
        let mut whole = s.clone();
        let alone = protect_bundle(&mut whole, Protection::for_min_count(5)).expect("protected");
        let together = protect(&mut s, Protection::for_min_count(5)).expect("protected");
        assert_eq!(s.hidden_labels(), ["xa", "xb", "ya", "yb"]);
        assert_eq!(s.hidden_labels(), whole.hidden_labels());
        assert_eq!(together.points, alone.points);
    }

    /// Bundles of 1, 3 and 2 cells: on one thread the work takes them largest first (3, 2, 1),
    /// and the results come back in the bundles' own order (1, 3, 2); on two threads the results
    /// are in that order all the same.
    #[test]
    fn the_largest_bundles_are_searched_first_and_put_back_in_order() {
        let bundles = || {
            [1, 3, 2]
                .map(|n| {
                    let mut s = CellSystem::default();
                    for i in 0..n {
                        s.cell(format!("c{i}"), Some(1), false);
                    }
                    (s, (0..n).collect::<Vec<usize>>())
                })
                .to_vec()
        };
        for threads in [1, 2] {
            let seen = std::sync::Mutex::new(Vec::new());
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a pool");
            let results = pool.install(|| {
                largest_first(bundles(), |(bundle, _)| {
                    seen.lock().expect("no panic").push(bundle.cells.len());
                    bundle.cells.len()
                })
            });
            assert_eq!(results, [1, 3, 2]);
            if threads == 1 {
                assert_eq!(*seen.lock().expect("no panic"), [3, 2, 1]);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        /// The move over the hidden cells alone through their classes (`over_hidden`) exists
        /// exactly where the program over every hidden cell finds one, moves the cell as far,
        /// is a point the published numbers allow, and moves the cells as little in all: the
        /// classes change the program's size, not its optimum.
        #[test]
        fn the_move_over_classes_is_the_least_move_over_the_hidden_cells(
            (s, need) in super::super::audit::tests::two_level_needs(),
        ) {
            let memberships = relations_of_cells(&s);
            let hidden = |m: usize| s.cells[m].suppressed;
            let up = need.1;
            for cell in (0..s.cells.len()).filter(|&c| hidden(c)) {
                let by_classes = over_hidden(&s, &memberships, cell, need);
                let by_cells = cheapest(&s, &memberships, cell, need, &hidden);
                proptest::prop_assert_eq!(by_classes.is_some(), by_cells.is_some());
                let (Some(moves), Some((chosen, direct))) = (by_classes, by_cells) else {
                    continue;
                };
                proptest::prop_assert!(chosen.is_empty());
                proptest::prop_assert!(super::super::audit::allows(&s, &memberships, &moves));
                let moved: f64 = moves.iter().filter(|m| m.0 == cell).map(|m| m.1).sum();
                let far_enough = if up { moved >= 5.0 - 1e-6 } else { moved <= -1.0 + 1e-6 };
                proptest::prop_assert!(far_enough);
                let total = |d: &Deviation| d.iter().map(|m| m.1.abs()).sum::<f64>();
                proptest::prop_assert!((total(&moves) - total(&direct)).abs() < 1e-6);
            }
        }
    }

    /// A part is found once and is the same whichever of its cells asks: every cell tied to the
    /// first through relations, in cell order, and none of the other table's.
    #[test]
    fn a_whole_part_is_found_once_for_all_its_cells() {
        let s = two_tables();
        let memberships = relations_of_cells(&s);
        let mut whole = WholeParts::default();
        // From `yd` (cell 11), the last cell of the second table.
        assert_eq!(
            whole.of(&s, &memberships, 11).cells,
            (6..12).collect::<Vec<_>>()
        );
        // Its two relations, over the part's numbers: yT = ya + yb + yc (108 − 2 − 100 − 6 = 0
        // slack), yC = yc + yd.
        let rows = &whole.of(&s, &memberships, 11).rows;
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].terms, [(0, 1.0), (1, -1.0), (2, -1.0), (3, -1.0)]);
        assert_eq!(rows[1].terms, [(4, 1.0), (3, -1.0), (5, -1.0)]);
        assert_eq!((rows[0].slack, rows[1].slack), (0.0, 0.0));
        for cell in 6..12 {
            assert_eq!(whole.of(&s, &memberships, cell).cells[0], 6);
        }
        assert_eq!(whole.parts.len(), 1);
        assert_eq!(
            whole.of(&s, &memberships, 0).cells,
            (0..6).collect::<Vec<_>>()
        );
        assert_eq!(whole.parts.len(), 2);
    }

    #[test]
    fn a_parent_is_not_hidden_where_a_sibling_suffices() {
        // District D = GM1 + GM2 + GM3 = 3 + 40 + 12: GM1 is small. A sibling (12, cheaper than
        // the district at a higher level and a larger value) gives way.
        let mut s = CellSystem::default();
        let district = s.cell("D".into(), Some(55), false);
        s.cells[district].importance = 6.0;
        let gm: Vec<usize> = [3, 40, 12]
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let c = s.cell(format!("GM{}", i + 1), Some(v), false);
                s.cells[c].importance = 4.0;
                c
            })
            .collect();
        s.relate(district, gm, true);
        s.primary(5);
        protect(&mut s, Protection::for_min_count(5)).expect("protected");
        assert_eq!(s.hidden_labels(), ["GM1", "GM3"]);
    }
}
