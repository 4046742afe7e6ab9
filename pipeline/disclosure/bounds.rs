//! The bounds an attacker can put on hidden cells: the least and the greatest value each hidden
//! cell of a connected part of the cell system can take, given every published number and
//! relation. A part's equalities with two hidden cells (a funnel step, a one-form total, a
//! district of one hidden gemeente) tie cells into classes `x = ±x_root + c` first, so a class
//! needs one pair of linear programs, not one per cell, and the programs are a third the size;
//! the programs are solved by Clarabel (an interior-point solver for conic and linear programs).
//! The protection search's program over the hidden cells uses the same classes (`least_move`).

use std::collections::HashMap;

use clarabel::algebra::CscMatrix;
use clarabel::solver::{
    DefaultSettings, DefaultSettingsBuilder, DefaultSolver, IPSolver, NonnegativeConeT,
    SolverStatus, SupportedConeT, ZeroConeT,
};

use super::cells::CellSystem;

/// Numbers closer than this are equal (the solver's answers are exact to about 1e-8).
pub(super) const EPS: f64 = 1e-6;

/// One row over the hidden cells of a part: `Σ coef·x (= | ≥) rhs`.
#[derive(Debug, Clone)]
struct Row {
    terms: Vec<(usize, f64)>,
    rhs: f64,
    exact: bool,
}

/// The rows of a part of the system over its hidden cells (`vars`, numbered by position), the
/// published cells folded into the right-hand sides.
fn rows_of(system: &CellSystem, vars: &[usize], relations: &[usize]) -> Vec<Row> {
    let position: HashMap<usize, usize> = vars.iter().enumerate().map(|(i, &c)| (c, i)).collect();
    relations
        .iter()
        .map(|&r| {
            let rel = &system.relations[r];
            let mut terms = Vec::new();
            let mut rhs = 0.0;
            for (c, coef) in rel.terms() {
                match position.get(&c) {
                    Some(&i) => terms.push((i, coef)),
                    None => rhs -= coef * system.cells[c].value.unwrap_or(0) as f64,
                }
            }
            Row {
                terms,
                rhs,
                exact: rel.exact,
            }
        })
        .collect()
}

/// How each cell of a part is tied to its class: `x = sign · x_root + offset`.
#[derive(Debug, Clone, Copy)]
struct Tie {
    root: usize,
    sign: f64,
    offset: f64,
}

/// Union–find over the cells of a part with an affine tie to the root.
struct Classes {
    parent: Vec<usize>,
    /// `x_i = sign · x_parent + offset`.
    sign: Vec<f64>,
    offset: Vec<f64>,
    /// A class whose root has one value (pinned by the equalities).
    fixed: Vec<Option<f64>>,
}

impl Classes {
    fn new(n: usize) -> Classes {
        Classes {
            parent: (0..n).collect(),
            sign: vec![1.0; n],
            offset: vec![0.0; n],
            fixed: vec![None; n],
        }
    }

    fn tie(&mut self, i: usize) -> Tie {
        let p = self.parent[i];
        if p == i {
            return Tie {
                root: i,
                sign: 1.0,
                offset: 0.0,
            };
        }
        let up = self.tie(p);
        // x_i = s·x_p + o, x_p = s'·x_r + o'  ⇒  x_i = s·s'·x_r + s·o' + o.
        let (s, o) = (self.sign[i], self.offset[i]);
        self.parent[i] = up.root;
        self.sign[i] = s * up.sign;
        self.offset[i] = s * up.offset + o;
        Tie {
            root: up.root,
            sign: self.sign[i],
            offset: self.offset[i],
        }
    }

    /// A row in terms of the roots: coefficients per root, and the right-hand side moved.
    fn rewrite(&mut self, row: &Row) -> Row {
        let mut coef: Vec<(usize, f64)> = Vec::new();
        let mut rhs = row.rhs;
        for &(i, a) in &row.terms {
            let t = self.tie(i);
            rhs -= a * t.offset;
            match self.fixed[t.root] {
                Some(v) => rhs -= a * t.sign * v,
                None => match coef.iter_mut().find(|(r, _)| *r == t.root) {
                    Some((_, c)) => *c += a * t.sign,
                    None => coef.push((t.root, a * t.sign)),
                },
            }
        }
        coef.retain(|(_, c)| c.abs() > EPS);
        Row {
            terms: coef,
            rhs,
            exact: row.exact,
        }
    }

    /// Ties two roots by `a·x_i + b·x_j = r` (a, b = ±1).
    fn join(&mut self, (i, a): (usize, f64), (j, b): (usize, f64), r: f64) {
        // x_i = (r − b·x_j) / a.
        self.parent[i] = j;
        self.sign[i] = -b / a;
        self.offset[i] = r / a;
    }
}

/// A part of the system ready for its linear programs: the classes of its cells and the rows
/// left over the free roots.
pub(super) struct Program {
    ties: Vec<Tie>,
    /// Per cell: the number of its free class (none when pinned).
    class: Vec<Option<usize>>,
    /// Per root: its value when the equalities pin it.
    fixed: Vec<Option<f64>>,
    /// The free roots, numbered for the programs.
    free: Vec<usize>,
    rows: Vec<Row>,
    /// Per free root: the bounds its members' `x ≥ 0` put on it.
    lower: Vec<f64>,
    upper: Vec<f64>,
    solver: Option<DefaultSolver<f64>>,
}

/// The result of one program: the optimum and the point that attains it (none when unbounded).
pub(super) enum Optimum {
    Value(f64, Vec<f64>),
    Unbounded,
}

impl Program {
    /// Builds the program of the hidden cells `vars` and the `relations` that touch them.
    pub(super) fn new(system: &CellSystem, vars: &[usize], relations: &[usize]) -> Program {
        let n = vars.len();
        let mut rows = rows_of(system, vars, relations);
        let mut classes = Classes::new(n);
        // Two-term and one-term equalities tie or pin classes, until none is left.
        loop {
            let mut changed = false;
            let mut kept = Vec::with_capacity(rows.len());
            for row in &rows {
                let row = classes.rewrite(row);
                match (row.exact, row.terms.as_slice()) {
                    (true, [(i, a)]) => {
                        classes.fixed[*i] = Some(row.rhs / a);
                        changed = true;
                    }
                    (true, [(i, a), (j, b)]) if unit(*a) && unit(*b) => {
                        // Both are free roots (a pinned one is a constant of the row by now).
                        classes.join((*i, *a), (*j, *b), row.rhs);
                        changed = true;
                    }
                    (_, []) => {}
                    _ => kept.push(row),
                }
            }
            rows = kept;
            if !changed {
                break;
            }
        }
        let ties: Vec<Tie> = (0..n).map(|i| classes.tie(i)).collect();
        let fixed = classes.fixed.clone();
        let free: Vec<usize> = (0..n)
            .filter(|&i| ties[i].root == i && fixed[i].is_none())
            .collect();
        let number: HashMap<usize, usize> = free.iter().enumerate().map(|(k, &r)| (r, k)).collect();
        let class = ties.iter().map(|t| number.get(&t.root).copied()).collect();
        let rows = rows
            .into_iter()
            .map(|r| Row {
                terms: r
                    .terms
                    .iter()
                    .map(|&(root, a)| (number[&root], a))
                    .collect(),
                ..r
            })
            .collect();
        let mut lower = vec![f64::NEG_INFINITY; free.len()];
        let mut upper = vec![f64::INFINITY; free.len()];
        for t in &ties {
            if let Some(&k) = number.get(&t.root) {
                // sign · x_root + offset ≥ 0.
                if t.sign > 0.0 {
                    lower[k] = lower[k].max(-t.offset);
                } else {
                    upper[k] = upper[k].min(t.offset);
                }
            }
        }
        Program {
            ties,
            class,
            fixed,
            free,
            rows,
            lower,
            upper,
            solver: None,
        }
    }

    /// Is cell `i` (by position) pinned by the equalities alone, and to what?
    pub(super) fn pinned(&self, i: usize) -> Option<f64> {
        let t = self.ties[i];
        self.fixed[t.root].map(|v| t.sign * v + t.offset)
    }

    /// The free class of cell `i` and how the cell follows it: `(class, sign, offset)`.
    pub(super) fn class_of(&self, i: usize) -> Option<(usize, f64, f64)> {
        let t = self.ties[i];
        self.class[i].map(|k| (k, t.sign, t.offset))
    }

    /// The value of every cell at a point of the free classes.
    pub(super) fn cells_at(&self, point: &[f64]) -> Vec<f64> {
        (0..self.ties.len())
            .map(|i| match (self.pinned(i), self.class_of(i)) {
                (Some(v), _) => v,
                (None, Some((k, s, o))) => s * point[k] + o,
                (None, None) => f64::NAN,
            })
            .collect()
    }

    /// The number of free classes and, per class, its cells (by position).
    pub(super) fn members(&self) -> Vec<Vec<usize>> {
        let mut members = vec![Vec::new(); self.free.len()];
        for (i, k) in self.class.iter().enumerate() {
            if let Some(k) = k {
                members[*k].push(i);
            }
        }
        members
    }

    fn settings() -> DefaultSettings<f64> {
        DefaultSettingsBuilder::default()
            .verbose(false)
            // The objective changes from program to program; the matrix does not.
            .presolve_enable(false)
            .input_sparse_dropzeros(false)
            .max_threads(1)
            .build()
            .unwrap_or_default()
    }

    /// The solver over this part's rows and bounds, made once; each program sets its own
    /// objective on it.
    fn solver(&mut self, objective: &[f64]) -> Result<&mut DefaultSolver<f64>, String> {
        if self.solver.is_none() {
            let n = self.free.len();
            // Clarabel's form: A x + s = b, s in the cones. Equalities: s = 0; a row ≥ rhs:
            // −Σ a x + s = −rhs with s ≥ 0; bounds the same way.
            let mut triplets: Vec<(usize, usize, f64)> = Vec::new();
            let mut b = Vec::new();
            let mut row = 0;
            let mut zero = 0;
            for r in self.rows.iter().filter(|r| r.exact) {
                triplets.extend(r.terms.iter().map(|&(k, a)| (row, k, a)));
                b.push(r.rhs);
                row += 1;
                zero += 1;
            }
            for r in self.rows.iter().filter(|r| !r.exact) {
                triplets.extend(r.terms.iter().map(|&(k, a)| (row, k, -a)));
                b.push(-r.rhs);
                row += 1;
            }
            for k in 0..n {
                if self.lower[k].is_finite() {
                    triplets.push((row, k, -1.0));
                    b.push(-self.lower[k]);
                    row += 1;
                }
                if self.upper[k].is_finite() {
                    triplets.push((row, k, 1.0));
                    b.push(self.upper[k]);
                    row += 1;
                }
            }
            let a = csc(row, n, triplets);
            let cones: Vec<SupportedConeT<f64>> =
                vec![ZeroConeT(zero), NonnegativeConeT(row - zero)];
            let p = CscMatrix::<f64>::zeros((n, n));
            let solver = DefaultSolver::new(&p, objective, &a, &b, &cones, Self::settings())
                .map_err(|e| format!("setting up a linear program: {e}"))?;
            self.solver = Some(solver);
        } else if let Some(solver) = self.solver.as_mut() {
            solver
                .update_q(&objective.to_vec())
                .map_err(|e| format!("changing a linear program's objective: {e}"))?;
        }
        self.solver.as_mut().ok_or_else(|| "no solver".to_string())
    }

    /// The greatest (or least) value of `Σ weight · class` over the part.
    pub(super) fn optimum(
        &mut self,
        weights: &[(usize, f64)],
        maximize: bool,
    ) -> Result<Optimum, String> {
        let q = self.objective(weights, maximize);
        let solver = self.solver(&q)?;
        solver.solve();
        let solution = &solver.solution;
        let least = match solution.status {
            SolverStatus::Solved | SolverStatus::AlmostSolved => {
                Optimum::Value(solution.obj_val, solution.x.clone())
            }
            SolverStatus::DualInfeasible | SolverStatus::AlmostDualInfeasible => Optimum::Unbounded,
            // An interior-point method can stall on a degenerate program; the simplex method
            // answers it exactly, only more slowly.
            SolverStatus::NumericalError | SolverStatus::InsufficientProgress => {
                tracing::debug!(status = ?solution.status, "Clarabel stalled: simplex instead");
                self.by_simplex(&q)?
            }
            other => return Err(format!("the linear program ended {other:?}")),
        };
        Ok(match least {
            Optimum::Value(v, x) if maximize => Optimum::Value(-v, x),
            other => other,
        })
    }

    /// The objective to minimise for `Σ weight · class`, greatest or least.
    fn objective(&self, weights: &[(usize, f64)], maximize: bool) -> Vec<f64> {
        let mut q = vec![0.0; self.free.len()];
        for &(k, w) in weights {
            q[k] += if maximize { -w } else { w };
        }
        q
    }

    /// As `optimum`, by the simplex method: exact, and slower on a large part.
    pub(super) fn exact_optimum(
        &self,
        weights: &[(usize, f64)],
        maximize: bool,
    ) -> Result<Optimum, String> {
        let q = self.objective(weights, maximize);
        Ok(match self.by_simplex(&q)? {
            Optimum::Value(v, x) if maximize => Optimum::Value(-v, x),
            other => other,
        })
    }

    /// The least value of `q · x` by `microlp`'s simplex method, over the same rows and bounds.
    fn by_simplex(&self, q: &[f64]) -> Result<Optimum, String> {
        use microlp::{ComparisonOp, LinearExpr, OptimizationDirection, Problem};
        let mut problem = Problem::new(OptimizationDirection::Minimize);
        let vars: Vec<_> = q
            .iter()
            .zip(self.lower.iter().zip(&self.upper))
            .map(|(&c, (&lo, &hi))| problem.add_var(c, (lo, hi)))
            .collect();
        for row in &self.rows {
            let mut expr = LinearExpr::empty();
            for &(k, a) in &row.terms {
                expr.add(vars[k], a);
            }
            let op = if row.exact {
                ComparisonOp::Eq
            } else {
                ComparisonOp::Ge
            };
            problem.add_constraint(expr, op, row.rhs);
        }
        match problem.solve() {
            Ok(solution) => Ok(Optimum::Value(
                solution.objective(),
                vars.iter().map(|&v| solution[v]).collect(),
            )),
            Err(microlp::Error::Unbounded) => Ok(Optimum::Unbounded),
            Err(e) => Err(format!("the linear program failed: {e}")),
        }
    }
}

impl Program {
    /// The least move of the part's hidden cells away from their true `values` (by position)
    /// that moves cell `i` by `amount`, up or down, and keeps every row and every count ≥ 0:
    /// the protection program over the hidden cells alone, one variable per class (a cell
    /// moves with its class: `sign · move`), by `microlp`'s simplex method, whose answers are
    /// vertices (few classes move). Each cell's move counts once, so a class costs its number
    /// of cells. `None` when no such move exists (or cell `i` is pinned).
    pub(super) fn least_move(
        &self,
        values: &[f64],
        i: usize,
        amount: f64,
        up: bool,
    ) -> Option<Vec<(usize, f64)>> {
        use microlp::{ComparisonOp, LinearExpr, OptimizationDirection, Problem};
        let (moved_class, moved_sign, _) = self.class_of(i)?;
        let mut size = vec![0.0; self.free.len()];
        for k in self.class.iter().flatten() {
            size[*k] += 1.0;
        }
        // The classes' true values: their roots'.
        let at: Vec<f64> = self.free.iter().map(|&root| values[root]).collect();
        let mut problem = Problem::new(OptimizationDirection::Minimize);
        // move = plus − minus, within the bounds the members' counts ≥ 0 put on the class.
        let vars: Vec<_> = (0..self.free.len())
            .map(|k| {
                let rise = (self.upper[k] - at[k]).max(0.0);
                let fall = (at[k] - self.lower[k]).max(0.0);
                (
                    problem.add_var(size[k], (0.0, rise)),
                    problem.add_var(size[k], (0.0, fall)),
                )
            })
            .collect();
        for row in &self.rows {
            let mut expr = LinearExpr::empty();
            let mut slack = -row.rhs;
            for &(k, a) in &row.terms {
                expr.add(vars[k].0, a);
                expr.add(vars[k].1, -a);
                slack += a * at[k];
            }
            if row.exact {
                problem.add_constraint(expr, ComparisonOp::Eq, 0.0);
            } else {
                problem.add_constraint(expr, ComparisonOp::Ge, -slack);
            }
        }
        // The cell moves by sign · (the class's move).
        let direction = if up { moved_sign } else { -moved_sign };
        let mut moved = LinearExpr::empty();
        moved.add(vars[moved_class].0, direction);
        moved.add(vars[moved_class].1, -direction);
        problem.add_constraint(moved, ComparisonOp::Ge, amount);
        let solution = problem.solve().ok()?;
        let class_move: Vec<f64> = vars
            .iter()
            .map(|(p, m)| solution.var_value(*p) - solution.var_value(*m))
            .collect();
        Some(
            (0..self.ties.len())
                .filter_map(|c| {
                    let (k, sign, _) = self.class_of(c)?;
                    Some((c, sign * class_move[k]))
                })
                .collect(),
        )
    }
}

fn unit(a: f64) -> bool {
    (a.abs() - 1.0).abs() < EPS
}

/// A compressed-column matrix from `(row, column, value)` triplets.
fn csc(rows: usize, columns: usize, mut triplets: Vec<(usize, usize, f64)>) -> CscMatrix<f64> {
    triplets.sort_by_key(|t| (t.1, t.0));
    let mut colptr = vec![0usize; columns + 1];
    let mut rowval = Vec::with_capacity(triplets.len());
    let mut nzval = Vec::with_capacity(triplets.len());
    for (r, c, v) in triplets {
        colptr[c + 1] += 1;
        rowval.push(r);
        nzval.push(v);
    }
    for c in 0..columns {
        colptr[c + 1] += colptr[c];
    }
    CscMatrix::new(rows, columns, colptr, rowval, nzval)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A funnel-like chain and a total: T = a + b (T shown 10), b = c + 2 (two hidden cells).
    fn chain() -> (CellSystem, Vec<usize>, Vec<usize>) {
        let mut s = CellSystem::default();
        let t = s.cell("T".into(), Some(10), false);
        let a = s.cell("a".into(), Some(4), true);
        let b = s.cell("b".into(), Some(6), true);
        let c = s.cell("c".into(), Some(4), true);
        let two = s.cell("two".into(), Some(2), false);
        s.relate(t, vec![a, b], true);
        s.relate(b, vec![c, two], true);
        (s, vec![a, b, c], vec![0, 1])
    }

    #[test]
    fn two_term_equalities_make_one_class() {
        let (s, vars, relations) = chain();
        let mut p = Program::new(&s, &vars, &relations);
        // a = 10 − b, b = c + 2: one free class, three cells.
        assert_eq!(p.free.len(), 1);
        let (k, _, _) = p.class_of(0).expect("a class");
        let max = match p.optimum(&[(k, 1.0)], true).expect("solves") {
            Optimum::Value(_, point) => p.cells_at(&point),
            Optimum::Unbounded => panic!("bounded"),
        };
        let min = match p.optimum(&[(k, 1.0)], false).expect("solves") {
            Optimum::Value(_, point) => p.cells_at(&point),
            Optimum::Unbounded => panic!("bounded"),
        };
        // a ∈ [0, 8] (b ≥ 2 because c ≥ 0), b ∈ [2, 10], c ∈ [0, 8]: at each end of the class.
        let ends = |cell: usize| {
            let (x, y) = (max[cell], min[cell]);
            (x.min(y), x.max(y))
        };
        for (cell, (lo, hi)) in [(0, (0.0, 8.0)), (1, (2.0, 10.0)), (2, (0.0, 8.0))] {
            let (l, h) = ends(cell);
            assert!(
                (l - lo).abs() < 1e-6 && (h - hi).abs() < 1e-6,
                "{cell}: {l}..{h}"
            );
        }
    }

    #[test]
    fn the_least_move_follows_the_class() {
        // The chain: a = 10 − b, c = b − 2, one class; true values a 4, b 6, c 4. To raise a
        // by 1 (to 5), b falls by 1 (to 5) and c with it (to 3): three cells moved by 1 each,
        // the least move there is. Raising a by 5 (to 9) would need b = 1 < 2, so c < 0:
        // no move.
        let (s, vars, relations) = chain();
        let p = Program::new(&s, &vars, &relations);
        let values = [4.0, 6.0, 4.0];
        let moves = p.least_move(&values, 0, 1.0, true).expect("a move");
        let by_cell: Vec<f64> = (0..3)
            .map(|i| moves.iter().find(|m| m.0 == i).map_or(0.0, |m| m.1))
            .collect();
        for (got, want) in by_cell.iter().zip([1.0, -1.0, -1.0]) {
            assert!((got - want).abs() < 1e-9, "{by_cell:?}");
        }
        assert!(p.least_move(&values, 0, 5.0, true).is_none());
        // Down by 4 (a to 0): b to 10, c to 8.
        assert!(p.least_move(&values, 0, 4.0, false).is_some());
    }

    #[test]
    fn a_cell_alone_in_an_equality_is_pinned() {
        let mut s = CellSystem::default();
        let t = s.cell("T".into(), Some(9), false);
        let a = s.cell("a".into(), Some(3), true);
        let b = s.cell("b".into(), Some(6), false);
        s.relate(t, vec![a, b], true);
        let p = Program::new(&s, &[a], &[0]);
        assert_eq!(p.pinned(0), Some(3.0));
        assert_eq!(p.free.len(), 0);
    }

    #[test]
    fn an_unbounded_class_is_reported() {
        // T ≥ a + b with T hidden and nothing else: T can grow without end.
        let mut s = CellSystem::default();
        let t = s.cell("T".into(), Some(9), true);
        let a = s.cell("a".into(), Some(3), true);
        let b = s.cell("b".into(), Some(6), true);
        s.relate(t, vec![a, b], false);
        let mut p = Program::new(&s, &[t, a, b], &[0]);
        let (k, _, _) = p.class_of(0).expect("a class");
        assert!(matches!(
            p.optimum(&[(k, 1.0)], true),
            Ok(Optimum::Unbounded)
        ));
    }
}
