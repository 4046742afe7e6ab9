//! A linear program as disclosure control writes it — columns with a cost and bounds, rows of
//! terms — solved by HiGHS (its dual simplex; branch and bound where a column is integer): the
//! optimum, a vertex (few columns move), and the rows' dual prices. The one solver of the
//! protection search, the audit's exact fallback and the lower bound of `forced.rs`.

use highs::{Col, HighsModelStatus, RowProblem, Sense};

/// Why a program has no optimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NoOptimum {
    /// The objective falls without end.
    Unbounded,
    /// No point meets every row and bound.
    Infeasible,
    /// HiGHS stopped without an answer.
    Failed,
}

impl std::fmt::Display for NoOptimum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoOptimum::Unbounded => write!(f, "the linear program is unbounded"),
            NoOptimum::Infeasible => write!(f, "the linear program is infeasible"),
            NoOptimum::Failed => write!(f, "HiGHS found no optimum"),
        }
    }
}

/// The optimum of a program: its objective, every column's value and every row's dual price
/// (`∂ objective / ∂ row bound`, as the simplex multipliers `c_B B⁻¹`).
pub(super) struct Optimum {
    pub(super) objective: f64,
    pub(super) values: Vec<f64>,
    pub(super) prices: Vec<f64>,
}

/// A program to minimise, built column by column and row by row.
#[derive(Default)]
pub(super) struct LinearProgram {
    problem: RowProblem,
    columns: Vec<Col>,
    integer: bool,
}

impl LinearProgram {
    pub(super) fn new() -> LinearProgram {
        LinearProgram::default()
    }

    /// A column of cost `cost` within `lower..=upper` (`upper` may be infinite); its number.
    pub(super) fn column(&mut self, cost: f64, (lower, upper): (f64, f64)) -> usize {
        let column = if upper.is_finite() {
            self.problem.add_column(cost, lower..=upper)
        } else {
            self.problem.add_column(cost, lower..)
        };
        self.columns.push(column);
        self.columns.len() - 1
    }

    /// A column that takes only the values 0 and 1, of cost `cost`; its number.
    pub(super) fn binary_column(&mut self, cost: f64) -> usize {
        self.integer = true;
        self.columns
            .push(self.problem.add_integer_column(cost, 0.0..=1.0));
        self.columns.len() - 1
    }

    /// The row `Σ coef · column = rhs`.
    pub(super) fn equal(&mut self, terms: impl IntoIterator<Item = (usize, f64)>, rhs: f64) {
        let terms: Vec<(Col, f64)> = terms
            .into_iter()
            .map(|(k, a)| (self.columns[k], a))
            .collect();
        self.problem.add_row(rhs..=rhs, terms);
    }

    /// The row `Σ coef · column ≥ rhs`.
    pub(super) fn at_least(&mut self, terms: impl IntoIterator<Item = (usize, f64)>, rhs: f64) {
        let terms: Vec<(Col, f64)> = terms
            .into_iter()
            .map(|(k, a)| (self.columns[k], a))
            .collect();
        self.problem.add_row(rhs.., terms);
    }

    /// The least value of the costs over the rows and bounds, by the dual simplex method on one
    /// thread (the same program gives the same answer every time: HiGHS breaks its ties the same
    /// way on every run).
    pub(super) fn minimize(self) -> Result<Optimum, NoOptimum> {
        let mut model = self
            .problem
            .try_optimise(Sense::Minimise)
            .map_err(|_| NoOptimum::Failed)?;
        model.make_quiet();
        model.set_option("threads", 1);
        if !self.integer {
            // (With an integer column, "simplex" would solve the relaxation only.)
            model.set_option("solver", "simplex");
        }
        // Measured on the demo (docs/disclosure.md): presolve made the search twice as slow, the
        // primal simplex (strategy 4) fifteen times.
        model.set_option("presolve", "off");
        let solved = model.try_solve().map_err(|_| NoOptimum::Failed)?;
        match solved.status() {
            HighsModelStatus::Optimal => {}
            // Disclosure control's programs that ask for bounds have a feasible point (the true
            // values), so "unbounded or infeasible" is unbounded there.
            HighsModelStatus::Unbounded | HighsModelStatus::UnboundedOrInfeasible => {
                return Err(NoOptimum::Unbounded);
            }
            HighsModelStatus::Infeasible => return Err(NoOptimum::Infeasible),
            _ => return Err(NoOptimum::Failed),
        }
        let solution = solved.get_solution();
        Ok(Optimum {
            objective: solved.objective_value(),
            values: solution.columns().to_vec(),
            prices: solution.dual_rows().to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// min x + 2y with x + y ≥ 3, 0 ≤ x ≤ 1, y ≥ 0: x takes all it can (1), y the rest (2), cost
    /// 1 + 4 = 5. Raising the row's bound by one raises y, so its price is y's cost, 2.
    #[test]
    fn the_optimum_its_vertex_and_the_rows_price() {
        let mut program = LinearProgram::new();
        let x = program.column(1.0, (0.0, 1.0));
        let y = program.column(2.0, (0.0, f64::INFINITY));
        program.at_least([(x, 1.0), (y, 1.0)], 3.0);
        let optimum = program.minimize().expect("an optimum");
        assert!((optimum.objective - 5.0).abs() < 1e-9);
        assert!((optimum.values[x] - 1.0).abs() < 1e-9);
        assert!((optimum.values[y] - 2.0).abs() < 1e-9);
        assert!(
            (optimum.prices[0] - 2.0).abs() < 1e-9,
            "{:?}",
            optimum.prices
        );
    }

    /// min −x with x − y = 0 and x, y ≥ 0 falls without end; x = 1 with x ≥ 2 has no point.
    #[test]
    fn unbounded_and_infeasible_programs_say_so() {
        let mut program = LinearProgram::new();
        let x = program.column(-1.0, (0.0, f64::INFINITY));
        let y = program.column(0.0, (0.0, f64::INFINITY));
        program.equal([(x, 1.0), (y, -1.0)], 0.0);
        assert!(matches!(program.minimize(), Err(NoOptimum::Unbounded)));

        let mut program = LinearProgram::new();
        let x = program.column(1.0, (0.0, 1.0));
        program.at_least([(x, 1.0)], 2.0);
        assert!(matches!(
            program.minimize(),
            Err(NoOptimum::Infeasible | NoOptimum::Unbounded)
        ));
    }

    /// The least hitting set of the triangle {a, b}, {a, c}, {b, c} takes two cells (one cell
    /// meets only two of the sets); its relaxation would take a half of each, 1.5. So 2 tells
    /// the integer program from its relaxation.
    #[test]
    fn binary_columns_are_solved_as_integers() {
        let mut program = LinearProgram::new();
        let [a, b, c] = [(); 3].map(|_| program.binary_column(1.0));
        for (p, q) in [(a, b), (a, c), (b, c)] {
            program.at_least([(p, 1.0), (q, 1.0)], 1.0);
        }
        let optimum = program.minimize().expect("an optimum");
        assert!(
            (optimum.objective - 2.0).abs() < 1e-9,
            "{}",
            optimum.objective
        );
    }
}
