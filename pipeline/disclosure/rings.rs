//! The protection program over a ring of cells around the exposed one, the cells outside held,
//! proved the optimum of its whole connected part by its dual prices: where no cell next to the
//! ring costs less than the prices say its move is worth, no deviation through it can do better
//! (column generation's pricing). Nationally the least protections are local; see docs/disclosure.md.

use std::collections::{BTreeMap, HashSet};

use super::audit::Deviation;
use super::cells::CellSystem;
use super::part::{Part, cells_around, cheapest_priced, moving_cost, relations_of};

/// How many relations out from the cell the first ring reaches. Measured at scale 1: a ring of
/// three relations (about 320 of a part's 12,000 cells) is proved in one round for every one of
/// the search's programs over funnel cells (bench/RESULTS.md).
const RING_RELATIONS: usize = 3;

/// How often a ring not yet proved is grown by the cells that price in, before the caller takes
/// the whole part.
const RING_ROUNDS: usize = 1;

/// A price is undercut only by more than this share of the cell's cost (rounding of the simplex).
const PRICE_TOLERANCE: f64 = 1e-9;

/// The cheapest published cells to hide so that `cell` can move by `amount` (up or down), over
/// its whole connected part — found over a ring around it and proved there; `None` when the
/// ring has no protection or its optimum is not proved within `RING_ROUNDS` (then the caller
/// solves the whole part).
pub(super) fn cheapest_in_ring(
    system: &CellSystem,
    memberships: &[Vec<usize>],
    cell: usize,
    need: (f64, bool),
) -> Option<(Vec<usize>, Deviation)> {
    cheapest_from(system, memberships, cell, need, RING_RELATIONS, RING_ROUNDS)
}

fn cheapest_from(
    system: &CellSystem,
    memberships: &[Vec<usize>],
    cell: usize,
    need: (f64, bool),
    depth: usize,
    rounds: usize,
) -> Option<(Vec<usize>, Deviation)> {
    let mut cells = cells_around(system, memberships, cell, &|_| true, depth);
    let mut inside: HashSet<usize> = cells.iter().copied().collect();
    for _ in 0..=rounds {
        let relations = relations_of(memberships, &cells);
        let part = Part::new(system, cells.clone(), &relations);
        let (chosen, deviation, prices) = cheapest_priced(system, &part, cell, need, true)?;
        let priced_in = pricing_in(system, &part, &relations, &prices);
        if priced_in.is_empty() {
            return Some((chosen, deviation));
        }
        cells.extend(priced_in.into_iter().filter(|&c| inside.insert(c)));
    }
    None
}

/// The cells outside the ring whose move would cost less than the ring's dual prices value it
/// (`|Σ a·π| > cost`; a count at 0 only rising), in cell order. None: the ring's optimum is the
/// whole part's, for the prices with every row outside the ring at 0 are feasible there.
fn pricing_in(system: &CellSystem, part: &Part, relations: &[usize], prices: &[f64]) -> Vec<usize> {
    let mut worth: BTreeMap<usize, f64> = BTreeMap::new();
    for (&r, &price) in relations.iter().zip(prices) {
        if price == 0.0 {
            continue;
        }
        for (c, coef) in system.relations[r].terms() {
            if !part.position.contains_key(&c) {
                *worth.entry(c).or_default() += coef * price;
            }
        }
    }
    worth
        .into_iter()
        .filter(|&(c, worth)| {
            let cost = moving_cost(system, c);
            let limit = cost + PRICE_TOLERANCE * cost.max(1.0);
            worth > limit || (system.cells[c].value.unwrap_or(0) > 0 && -worth > limit)
        })
        .map(|(c, _)| c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disclosure::part::cheapest;

    /// What a deviation costs a protection program: `Σ moving_cost · |move|`.
    fn cost_of(system: &CellSystem, deviation: &Deviation) -> f64 {
        deviation
            .iter()
            .map(|&(c, d)| moving_cost(system, c) * d.abs())
            .sum()
    }

    /// T1 = a + b = 2 + 10 (T1 at importance 8), S = b + d = 10 + 10 (S at 8); a is small and
    /// hidden and must rise by 3 (to 5). Costs per unit: T1 8 · (1 + ln 13) = 28.52,
    /// S 8 · (1 + ln 21) = 32.36, b and d 1 + ln 11 = 3.40.
    /// The whole part's optimum: b − 3 and d + 3 (S held), 3 · (3.40 + 3.40) = 20.39, against
    /// T1 + 3 = 85.56. The ring one relation out from a is {a, T1, b}: b is held there by S and
    /// d outside, so its optimum is T1 + 3. Its dual prices: T1's row 28.52 (T1 moves), and S's
    /// row π with b's two columns priced at most their cost: −31.92 ≤ π ≤ −25.12, so d, at −π ≥
    /// 25.12 against its cost 3.40, prices in, and S (|π| ≤ 31.92 < 32.36) does not. Grown by d,
    /// the ring's optimum is b − 3, d + 3, and with S's row at −3.40 nothing outside prices in.
    #[test]
    fn a_ring_grows_by_the_cell_its_prices_call_for_and_ends_at_the_whole_parts_optimum() {
        let mut s = CellSystem::default();
        let [t1, a, b, total, d] =
            s.shown_cells([("T1", 12), ("a", 2), ("b", 10), ("S", 20), ("d", 10)]);
        s.cells[t1].importance = 8.0;
        s.cells[total].importance = 8.0;
        s.relate(t1, vec![a, b], true);
        s.relate(total, vec![b, d], true);
        s.primary(5);
        let memberships = crate::disclosure::protect::relations_of_cells(&s);
        let need = (3.0, true);
        // The first ring alone is not proved: its optimum (T1) is not the whole part's.
        assert!(cheapest_from(&s, &memberships, a, need, 1, 0).is_none());
        let (chosen, deviation) =
            cheapest_from(&s, &memberships, a, need, 1, 1).expect("proved after one round");
        assert_eq!(chosen, [b, d]);
        assert!((cost_of(&s, &deviation) - 6.0 * (1.0 + 11f64.ln()) - 3e-4).abs() < 1e-6);
        let (whole, _) = cheapest(&s, &memberships, a, need, &|_| true).expect("a protection");
        assert_eq!(whole, chosen);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        /// Whatever the table, a ring's protection, once its prices prove it, costs exactly what
        /// the program over the whole part costs (the proof is sound for exact and "at least"
        /// relations, hidden and published cells, counts at 0 that can only rise), and is a
        /// move the published numbers allow once its cells are hidden.
        #[test]
        fn a_proved_ring_costs_what_the_whole_part_costs(
            (s, need) in crate::disclosure::audit::tests::two_level_needs(),
        ) {
            let memberships = crate::disclosure::protect::relations_of_cells(&s);
            for cell in (0..s.cells.len()).filter(|&c| s.cells[c].suppressed) {
                let Some((chosen, by_ring)) = cheapest_from(&s, &memberships, cell, need, 1, 3) else {
                    continue;
                };
                let (_, whole) = cheapest(&s, &memberships, cell, need, &|_| true)
                    .expect("the ring's move is one of the whole part's");
                let (ring_cost, whole_cost) = (cost_of(&s, &by_ring), cost_of(&s, &whole));
                proptest::prop_assert!(
                    (ring_cost - whole_cost).abs() <= 1e-6 * whole_cost.max(1.0),
                    "ring {} against whole {}", ring_cost, whole_cost
                );
                // Once the cells it chose are hidden, its move is a point the published numbers allow.
                let mut hidden_too = s.clone();
                for c in chosen {
                    hidden_too.cells[c].suppressed = true;
                }
                proptest::prop_assert!(crate::disclosure::audit::allows(&hidden_too, &memberships, &by_ring));
            }
        }
    }
}
