//! A connected part of the cell system as a protection program: the cells tied to a cell
//! through relations, numbered, with their rows, values and costs; the cheapest deviation that
//! moves the cell far enough (microlp's simplex, so few cells move), and its dual prices.

use std::collections::HashMap;

use microlp::{ComparisonOp, LinearExpr, OptimizationDirection, Problem, Variable};

use super::audit::Deviation;
use super::cells::CellSystem;

/// A hidden cell moves almost for free: the cost of a deviation of a hidden cell (so that a
/// program does not move hidden cells it has no need to).
pub(super) const HIDDEN_COST: f64 = 1e-4;

/// What moving `cell` by one costs a protection program: its cost when published, almost
/// nothing once hidden.
pub(super) fn moving_cost(system: &CellSystem, cell: usize) -> f64 {
    let c = &system.cells[cell];
    if c.suppressed { HIDDEN_COST } else { c.cost() }
}

/// The connected part of `cell`: the cells it is tied to through relations, and the relations
/// that touch them. Measured on the demo (docs/disclosure.md): programs over rings of one to
/// five relations around the cell found a protection sooner, but one that pushed the move up
/// through the yearly and regional totals, where over the whole part a cycle of small hidden
/// cells carries it.
/// Only the cells `include` takes are taken in (the others stay where they are).
pub(super) fn connected_part(
    system: &CellSystem,
    memberships: &[Vec<usize>],
    cell: usize,
    include: &dyn Fn(usize) -> bool,
) -> (Vec<usize>, Vec<usize>) {
    let cells = cells_around(system, memberships, cell, include, usize::MAX);
    let relations = relations_of(memberships, &cells);
    (cells, relations)
}

/// The cells tied to `cell` through relations that `include` takes, at most `depth` relations
/// out, nearest first (`cell` itself first).
pub(super) fn cells_around(
    system: &CellSystem,
    memberships: &[Vec<usize>],
    cell: usize,
    include: &dyn Fn(usize) -> bool,
    depth: usize,
) -> Vec<usize> {
    let mut inside = vec![false; system.cells.len()];
    let mut ring = vec![cell];
    inside[cell] = true;
    let mut cells = vec![cell];
    for _ in 0..depth {
        let mut next = Vec::new();
        for &c in &ring {
            for &r in &memberships[c] {
                let rel = &system.relations[r];
                for m in std::iter::once(rel.total).chain(rel.parts.iter().copied()) {
                    if !include(m) {
                        continue;
                    }
                    if !std::mem::replace(&mut inside[m], true) {
                        next.push(m);
                        cells.push(m);
                    }
                }
            }
        }
        if next.is_empty() {
            break;
        }
        ring = next;
    }
    cells
}

/// Every relation that touches one of `cells`, in order.
pub(super) fn relations_of(memberships: &[Vec<usize>], cells: &[usize]) -> Vec<usize> {
    let mut relations: Vec<usize> = cells
        .iter()
        .flat_map(|&c| memberships[c].iter().copied())
        .collect();
    relations.sort_unstable();
    relations.dedup();
    relations
}

/// The cheapest published cells to hide so that `cell` can move by `amount` (up or down) over
/// its connected part (the cells `include` takes); `None` when no deviation can.
pub(super) fn cheapest(
    system: &CellSystem,
    memberships: &[Vec<usize>],
    cell: usize,
    (amount, up): (f64, bool),
    include: &dyn Fn(usize) -> bool,
) -> Option<(Vec<usize>, Deviation)> {
    let (cells, relations) = connected_part(system, memberships, cell, include);
    cheapest_in(
        system,
        &Part::new(system, cells, &relations),
        cell,
        (amount, up),
    )
}

/// One relation of a part: its terms `(number in the part, coefficient)`, its slack at the true
/// values (the cells outside the part held), and whether it is an equality.
pub(super) struct Row {
    pub(super) terms: Vec<(usize, f64)>,
    pub(super) slack: f64,
    exact: bool,
}

/// A connected part of the cell system, its cells numbered for a program: the rows of its
/// relations over those numbers (the cells outside held, in the slack), each cell's true value
/// and its cost when published.
pub(super) struct Part {
    pub(super) cells: Vec<usize>,
    pub(super) position: HashMap<usize, usize>,
    pub(super) rows: Vec<Row>,
    values: Vec<f64>,
    costs: Vec<f64>,
}

impl Part {
    pub(super) fn new(system: &CellSystem, cells: Vec<usize>, relations: &[usize]) -> Part {
        let position: HashMap<usize, usize> =
            cells.iter().enumerate().map(|(i, &c)| (c, i)).collect();
        let value = |c: usize| system.cells[c].value.unwrap_or(0) as f64;
        let rows = relations
            .iter()
            .map(|&r| {
                let rel = &system.relations[r];
                let mut terms = Vec::new();
                let mut slack = 0.0;
                for (c, coef) in rel.terms() {
                    slack += coef * value(c);
                    if let Some(&i) = position.get(&c) {
                        terms.push((i, coef));
                    }
                }
                Row {
                    terms,
                    slack,
                    exact: rel.exact,
                }
            })
            .collect();
        Part {
            values: cells.iter().map(|&c| value(c)).collect(),
            costs: cells.iter().map(|&c| system.cells[c].cost()).collect(),
            cells,
            position,
            rows,
        }
    }
}

/// `cheapest` over a part found before.
pub(super) fn cheapest_in(
    system: &CellSystem,
    part: &Part,
    cell: usize,
    need: (f64, bool),
) -> Option<(Vec<usize>, Deviation)> {
    cheapest_priced(system, part, cell, need, false)
        .map(|(chosen, deviation, _)| (chosen, deviation))
}

/// `cheapest_in`, and when `priced` the dual prices of its optimum: one per row of the part, in
/// order, then the cell's own move (`None` if microlp dropped a row, which a part's rows, each
/// with a cell of the part, never give it).
pub(super) fn cheapest_priced(
    system: &CellSystem,
    part: &Part,
    cell: usize,
    (amount, up): (f64, bool),
    priced: bool,
) -> Option<(Vec<usize>, Deviation, Vec<f64>)> {
    let mut problem = Problem::new(OptimizationDirection::Minimize);
    // y = plus − minus; a count never goes below 0.
    // A zero cannot fall: it gets no `minus` (a third fewer columns in a signal part).
    let vars: Vec<(Variable, Option<Variable>)> = (0..part.cells.len())
        .map(|i| {
            // `moving_cost`, with the part's costs worked out once.
            let cost = if system.cells[part.cells[i]].suppressed {
                HIDDEN_COST
            } else {
                part.costs[i]
            };
            let value = part.values[i];
            let plus = problem.add_var(cost, (0.0, f64::INFINITY));
            let minus = (value > 0.0).then(|| problem.add_var(cost, (0.0, value)));
            (plus, minus)
        })
        .collect();
    for row in &part.rows {
        let mut expr = LinearExpr::empty();
        for &(i, coef) in &row.terms {
            expr.add(vars[i].0, coef);
            if let Some(minus) = vars[i].1 {
                expr.add(minus, -coef);
            }
        }
        if row.exact {
            problem.add_constraint(expr, ComparisonOp::Eq, 0.0);
        } else {
            // total − Σ parts ≥ 0 after the deviation: the deviation may use the slack.
            problem.add_constraint(expr, ComparisonOp::Ge, -row.slack);
        }
    }
    let mut moved = LinearExpr::empty();
    let (plus, minus) = vars[*part.position.get(&cell)?];
    let sign = if up { 1.0 } else { -1.0 };
    moved.add(plus, sign);
    if let Some(minus) = minus {
        moved.add(minus, -sign);
    }
    problem.add_constraint(moved, ComparisonOp::Ge, amount);
    let mut solution = problem.solve().ok()?;
    let prices = if priced {
        let prices = solution.dual_prices().ok()?;
        (prices.len() == part.rows.len() + 1).then_some(prices)?
    } else {
        Vec::new()
    };
    let deviation: Deviation = part
        .cells
        .iter()
        .zip(&vars)
        .map(|(&c, (p, m))| {
            let fall = m.map_or(0.0, |m| *solution.var_value(m));
            (c, *solution.var_value(*p) - fall)
        })
        .filter(|(_, d)| d.abs() > MOVED)
        .collect();
    let chosen = deviation
        .iter()
        .map(|&(c, _)| c)
        .filter(|&c| !system.cells[c].suppressed)
        .collect();
    Some((chosen, deviation, prices))
}

/// Moves below this are the simplex method's rounding, not a move.
pub(super) const MOVED: f64 = 1e-7;
