//! What any safe pattern must hide: a lower bound on the safe cells (≥ `min_count`) hidden,
//! read from each exact relation alone. It measures the search (how far from the least that any
//! protection could hide) and is reported beside the cells it hid (`Counts::safe`); the small
//! parts are traced whole, for an exact optimum to measure the search by (`trace_parts`).

use std::collections::BTreeMap;

use microlp::{ComparisonOp, LinearExpr, OptimizationDirection, Problem};

use super::cells::{CellSystem, find};

/// The sets of cells of which every safe pattern hides at least one. In an exact relation
/// `total = Σ parts` whose total is shown, a hidden part can rise only as far as the other
/// hidden parts can fall: to its own value plus theirs. When the primary parts (hidden in every
/// pattern) add up to less than `min_upper`, none of them can reach it unless the total or a
/// part that is not primary (a zero cannot fall, so one of at least `min_count`) is hidden too.
/// The other relations only add to what must be hidden, so the bound is one no pattern passes.
pub fn forcing_sets(system: &CellSystem, min_upper: f64) -> Vec<Vec<usize>> {
    let value = |c: usize| system.cells[c].value.unwrap_or(0);
    let mut sets: Vec<Vec<usize>> = system
        .relations
        .iter()
        .filter(|rel| rel.exact && !system.cells[rel.total].primary)
        .filter_map(|rel| {
            let primary = rel.parts.iter().filter(|&&p| system.cells[p].primary);
            let (count, sum) = primary.fold((0, 0), |(n, s), &p| (n + 1, s + value(p)));
            if count == 0 || sum as f64 >= min_upper {
                return None;
            }
            let mut set: Vec<usize> = std::iter::once(rel.total)
                .chain(
                    rel.parts
                        .iter()
                        .copied()
                        .filter(|&p| !system.cells[p].primary && value(p) > 0),
                )
                .collect();
            set.sort_unstable();
            Some(set)
        })
        .collect();
    sets.sort_unstable();
    sets.dedup();
    sets
}

/// A group of more sets than this gets a packing (below) rather than an integer program, whose
/// branch and bound could take long on the national drops of mostly small counts.
const MAX_EXACT_GROUP: usize = 40;

/// The fewest cells that `include` takes whose hiding meets every set (each set with a cell
/// outside `include` is met for free): the least hitting set, per group of sets that share
/// cells — one set needs one cell; a group of up to `MAX_EXACT_GROUP` sets, exactly, as a small
/// integer program; a larger one, the number of its sets that share no cell (chosen smallest
/// first), each of which needs a cell of its own: still a lower bound.
pub fn least_hidden(sets: &[Vec<usize>], include: &dyn Fn(usize) -> bool) -> usize {
    let sets: Vec<&Vec<usize>> = sets
        .iter()
        .filter(|set| set.iter().all(|&c| include(c)))
        .collect();
    // Group the sets that share a cell.
    let mut ids: BTreeMap<usize, usize> = BTreeMap::new();
    for &c in sets.iter().flat_map(|s| s.iter()) {
        let n = ids.len();
        ids.entry(c).or_insert(n);
    }
    let mut parent: Vec<usize> = (0..ids.len()).collect();
    for set in &sets {
        let first = ids[&set[0]];
        for c in &set[1..] {
            let (a, b) = (find(&mut parent, first), find(&mut parent, ids[c]));
            parent[a] = b;
        }
    }
    let mut groups: BTreeMap<usize, Vec<&Vec<usize>>> = BTreeMap::new();
    for set in sets {
        groups
            .entry(find(&mut parent, ids[&set[0]]))
            .or_default()
            .push(set);
    }
    groups.values().map(|group| least_in_group(group)).sum()
}

fn least_in_group(group: &[&Vec<usize>]) -> usize {
    if group.len() == 1 {
        return 1;
    }
    if group.len() > MAX_EXACT_GROUP {
        let mut by_size = group.to_vec();
        by_size.sort_by_key(|set| set.len());
        let mut taken = std::collections::BTreeSet::new();
        return by_size
            .into_iter()
            .filter(|set| {
                let free = set.iter().all(|c| !taken.contains(c));
                if free {
                    taken.extend(set.iter().copied());
                }
                free
            })
            .count();
    }
    let mut problem = Problem::new(OptimizationDirection::Minimize);
    let mut vars = BTreeMap::new();
    for &c in group.iter().flat_map(|s| s.iter()) {
        vars.entry(c).or_insert_with(|| problem.add_binary_var(1.0));
    }
    for set in group {
        let mut expr = LinearExpr::empty();
        for c in set.iter() {
            expr.add(vars[c], 1.0);
        }
        problem.add_constraint(expr, ComparisonOp::Ge, 1.0);
    }
    match problem.solve() {
        Ok(solution) => solution.objective().round() as usize,
        // Cannot happen (hiding every cell meets every set); one cell is still a lower bound.
        Err(_) => 1,
    }
}

/// At `RISICOBEELD_LOG=risicobeeld::disclosure=trace`, the sets and every exact relation (by
/// labels, with its primary cells; no values), from which `bench/disclosure_figures.py --forced`
/// bounds each figure of docs/disclosure.md: a hidden cell alone in an exact relation is pinned,
/// so besides the sets it needs a partner.
pub fn trace(system: &CellSystem, sets: &[Vec<usize>]) {
    if !tracing::enabled!(tracing::Level::TRACE) {
        return;
    }
    let labels = |cells: &mut dyn Iterator<Item = usize>| {
        cells
            .map(|c| system.cells[c].label.as_str())
            .collect::<Vec<_>>()
            .join(" | ")
    };
    for set in sets {
        tracing::trace!(
            cells = labels(&mut set.iter().copied()),
            "disclosure: any safe pattern hides one of these"
        );
    }
    for rel in system.relations.iter().filter(|rel| rel.exact) {
        let cells = || std::iter::once(rel.total).chain(rel.parts.iter().copied());
        tracing::trace!(
            cells = labels(&mut cells()),
            primary = labels(&mut cells().filter(|&c| system.cells[c].primary)),
            "disclosure: an exact relation"
        );
    }
}

/// Parts of at most this many cells are traced whole (`trace_parts`).
const TRACED_PART_CELLS: usize = 400;

/// At `RISICOBEELD_LOG=risicobeeld::disclosure=trace`, every connected part of at most
/// `TRACED_PART_CELLS` cells with a cell hidden by the search, whole: its cells (label, true
/// value, cost, sensitive, hidden before the search, hidden after it) and its relations (terms by
/// the cells' places, exact or not), one JSON line each. `bench/exact_optimum.py` solves the
/// exact least-cost pattern of each (an integer program) to compare the search with
/// (docs/disclosure.md). `before` says which cells were hidden before the search.
pub fn trace_parts(system: &CellSystem, before: &[bool]) {
    if !tracing::enabled!(tracing::Level::TRACE) {
        return;
    }
    for (part, ids) in system.bundles(1) {
        let searched = ids
            .iter()
            .any(|&id| system.cells[id].suppressed && !before[id]);
        if part.cells.len() > TRACED_PART_CELLS || !searched {
            continue;
        }
        let cells: Vec<serde_json::Value> = part
            .cells
            .iter()
            .zip(&ids)
            .map(|(c, &id)| {
                serde_json::json!([
                    c.label,
                    c.value,
                    c.cost(),
                    c.sensitive,
                    before[id],
                    c.suppressed
                ])
            })
            .collect();
        let relations: Vec<serde_json::Value> = part
            .relations
            .iter()
            .map(|rel| serde_json::json!([rel.terms().collect::<Vec<_>>(), rel.exact]))
            .collect();
        tracing::trace!(
            part = %serde_json::json!({ "cells": cells, "relations": relations }),
            "disclosure: a small part whole"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// District D = a + b + c = 2 + 1 + 40, with D and c shown: a can rise to at most 2 + 1 = 3
    /// unless D or c is hidden, so one of {D, c} is forced. Form total T = a + e = 2 + 9: a's
    /// only other hidden part would have to be e (9) or T: {T, e}. Regio R = D + F = 43 + 20 with
    /// no primary part forces nothing. The two sets share no cell: at least 2 safe cells hidden;
    /// within {D, c} alone, at least 1 (the set {T, e} is met by a cell outside).
    #[test]
    fn each_relation_whose_small_parts_cannot_reach_the_level_forces_one_safe_cell() {
        let mut s = CellSystem::default();
        let d = s.cell("D".into(), Some(43), false);
        let a = s.cell("a".into(), Some(2), false);
        let b = s.cell("b".into(), Some(1), false);
        let c = s.cell("c".into(), Some(40), false);
        let t = s.cell("T".into(), Some(11), false);
        let e = s.cell("e".into(), Some(9), false);
        let r = s.cell("R".into(), Some(63), false);
        let f = s.cell("F".into(), Some(20), false);
        s.relate(d, vec![a, b, c], true);
        s.relate(t, vec![a, e], true);
        s.relate(r, vec![d, f], true);
        s.primary(5);
        let sets = forcing_sets(&s, 5.0);
        assert_eq!(sets, vec![vec![d, c], vec![t, e]]);
        assert_eq!(least_hidden(&sets, &|_| true), 2);
        assert_eq!(least_hidden(&sets, &|x| x == d || x == c), 1);
        // With b = 3 the small parts of D reach 5 together: only {T, e} is left.
        s.cells[b].value = Some(3);
        assert_eq!(forcing_sets(&s, 5.0), vec![vec![t, e]]);
    }

    /// Three sets over four cells, {x, y}, {y, z}, {z, w}: one cell meets at most two of them,
    /// so at least 2 (y and z, or x and z, …) — the integer program, not the count of sets (3).
    #[test]
    fn sets_that_share_cells_need_the_least_hitting_set() {
        let sets = vec![vec![0, 1], vec![1, 2], vec![2, 3]];
        assert_eq!(least_hidden(&sets, &|_| true), 2);
    }

    /// A chain of 2·MAX_EXACT_GROUP sets {i, i+1} over cells 0 … 2·MAX_EXACT_GROUP: too many for
    /// the integer program, so the packing counts the sets that share no cell, {0,1}, {2,3}, …:
    /// MAX_EXACT_GROUP of them — here also the exact least (each cell meets at most two sets).
    #[test]
    fn a_large_group_is_bounded_by_its_disjoint_sets() {
        let sets: Vec<Vec<usize>> = (0..2 * MAX_EXACT_GROUP).map(|i| vec![i, i + 1]).collect();
        assert_eq!(least_hidden(&sets, &|_| true), MAX_EXACT_GROUP);
    }
}
