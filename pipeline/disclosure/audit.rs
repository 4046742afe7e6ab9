//! The audit: an attacker's view of published tables. For every hidden cell it finds the
//! tightest interval the published numbers allow — the least and greatest value over its
//! connected part of the cell system (`bounds.rs`) — and reports every cell that is pinned to
//! one value or whose upper bound is below the protection level. Feasible points already seen
//! (the true values; every program's optimum) certify cells without programs of their own.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::bounds::{EPS, Optimum, Program};
use super::cells::{CellSystem, find};

/// A hidden cell the published numbers expose.
#[derive(Debug, Clone, PartialEq)]
pub struct Exposure {
    pub cell: usize,
    pub label: String,
    pub min: f64,
    pub max: f64,
}

impl std::fmt::Display for Exposure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: the published numbers allow only [{:.2}, {:.2}]",
            self.label, self.min, self.max
        )
    }
}

/// The protection level: how wide an interval a hidden cell must keep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Protection {
    /// Exposed when `max − min` is not more than this (0: pinned to one value).
    pub min_width: f64,
    /// Exposed when `max` is below this (default: `min_count`).
    pub min_upper: f64,
}

impl Protection {
    /// The protection level the config asks the audit to check.
    pub fn of(config: &crate::config::DisclosureConfig) -> Protection {
        Protection {
            min_width: config.min_interval_width,
            min_upper: config.min_upper_bound.unwrap_or(config.min_count) as f64,
        }
    }

    /// The default of outputs.md §4 for a given `min_count`.
    pub fn for_min_count(min_count: i64) -> Protection {
        Protection {
            min_width: 0.0,
            min_upper: min_count as f64,
        }
    }

    pub(super) fn exposes(&self, min: f64, max: f64) -> bool {
        max - min <= self.min_width + EPS || max < self.min_upper - EPS
    }
}

/// Certification keeps this margin from the boundaries, so that rounding in a solution can never
/// certify a cell the exact bounds would expose; a cell that near gets its own bounds.
const CERTIFY_MARGIN: f64 = 1e-3;

/// An interior-point bound this close below the protection level is checked by the simplex
/// method (`Program::exact_optimum`).
const NEAR: f64 = 1e-2;

/// Connected parts of the system through relations that contain a hidden cell: each part's
/// hidden cells and relations.
pub(super) fn components(system: &CellSystem) -> Vec<(Vec<usize>, Vec<usize>)> {
    let n = system.cells.len();
    let mut parent: Vec<usize> = (0..n).collect();
    let hidden = |c: usize| system.cells[c].suppressed;
    let relevant: Vec<usize> = (0..system.relations.len())
        .filter(|&r| {
            let rel = &system.relations[r];
            hidden(rel.total) || rel.parts.iter().any(|&p| hidden(p))
        })
        .collect();
    for &r in &relevant {
        let rel = &system.relations[r];
        for &p in &rel.parts {
            let (a, b) = (find(&mut parent, rel.total), find(&mut parent, p));
            parent[a] = b;
        }
    }
    let mut groups: BTreeMap<usize, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for c in (0..n).filter(|&c| hidden(c)) {
        let root = find(&mut parent, c);
        groups.entry(root).or_default().0.push(c);
    }
    for &r in &relevant {
        let root = find(&mut parent, system.relations[r].total);
        if let Some(g) = groups.get_mut(&root) {
            g.1.push(r);
        }
    }
    groups.into_values().collect()
}

/// The lowest and highest value each hidden cell of a part was seen at in feasible points.
struct Seen {
    low: Vec<f64>,
    high: Vec<f64>,
}

impl Seen {
    fn new(n: usize) -> Seen {
        Seen {
            low: vec![f64::INFINITY; n],
            high: vec![f64::NEG_INFINITY; n],
        }
    }

    fn add(&mut self, point: &[f64]) {
        for (i, &x) in point.iter().enumerate() {
            if x.is_finite() {
                self.low[i] = self.low[i].min(x);
                self.high[i] = self.high[i].max(x);
            }
        }
    }

    /// Seen at two values and at the protection level: protected, whatever its exact interval.
    fn certifies(&self, i: usize, protection: Protection) -> bool {
        self.high[i] >= protection.min_upper + CERTIFY_MARGIN
            && self.high[i] - self.low[i] > protection.min_width + EPS + CERTIFY_MARGIN
    }
}

/// What the audit of one part found.
pub(super) struct ComponentAudit {
    pub exposed: Vec<Exposure>,
    /// The sensitive cells it found protected.
    pub protected: Vec<usize>,
    /// Linear programs solved.
    pub programs: usize,
}

/// The true values of `vars`, when every one is known and they satisfy the part's relations
/// (an audit of published tables may be given the true values as a known feasible point).
fn true_point(system: &CellSystem, vars: &[usize], relations: &[usize]) -> Option<Vec<f64>> {
    let values: Vec<f64> = vars
        .iter()
        .map(|&c| system.cells[c].value.map(|v| v as f64))
        .collect::<Option<_>>()?;
    let position: HashMap<usize, usize> = vars.iter().enumerate().map(|(i, &c)| (c, i)).collect();
    let value = |c: usize| match position.get(&c) {
        Some(&i) => Some(values[i]),
        None => system.cells[c].value.map(|v| v as f64),
    };
    for &r in relations {
        let rel = &system.relations[r];
        if !rel.holds(value, EPS)? {
            return None;
        }
    }
    Some(values)
}

/// Audits one part; cells `known_protected` are taken as protected (see `AuditCache`).
pub(super) fn audit_component(
    system: &CellSystem,
    protection: Protection,
    vars: &[usize],
    relations: &[usize],
    known_protected: &[bool],
) -> Result<ComponentAudit, String> {
    let label = |i: usize| system.cells[vars[i]].label.clone();
    let open = |i: usize| system.cells[vars[i]].sensitive && !known_protected[vars[i]];
    let mut program = Program::new(system, vars, relations);
    let mut seen = Seen::new(vars.len());
    if let Some(values) = true_point(system, vars, relations) {
        seen.add(&values);
    }
    let mut exposed = Vec::new();
    // Cells the equalities pin: exposed without a program.
    for i in (0..vars.len()).filter(|&i| open(i)) {
        if let Some(v) = program.pinned(i) {
            exposed.push(Exposure {
                cell: vars[i],
                label: label(i),
                min: v,
                max: v,
            });
        }
    }
    let mut programs = 0;
    for members in program.members() {
        let pending = |seen: &Seen| {
            members
                .iter()
                .any(|&i| open(i) && !seen.certifies(i, protection))
        };
        if !pending(&seen) {
            continue;
        }
        let Some((class, _, _)) = program.class_of(members[0]) else {
            continue;
        };
        let failed = |e: String| format!("{}: {e}", label(members[0]));
        programs += 1;
        let mut max = match program.optimum(&[(class, 1.0)], true).map_err(failed)? {
            Optimum::Value(v, point) => {
                seen.add(&program.cells_at(&point));
                v
            }
            Optimum::Unbounded => f64::INFINITY,
        };
        // An interior-point optimum is exact to about 1e-8, not to EPS: where a member's upper
        // bound would land just short of the protection level (an exact bound of 5 read as
        // 4.99999), the simplex method decides.
        let short = members.iter().any(|&i| {
            program.class_of(i).is_some_and(|(_, sign, offset)| {
                let hi = if sign > 0.0 {
                    max + offset
                } else {
                    offset - max
                };
                sign > 0.0 && hi < protection.min_upper - EPS && hi > protection.min_upper - NEAR
            })
        });
        if short {
            programs += 1;
            if let Optimum::Value(v, _) = program
                .exact_optimum(&[(class, 1.0)], true)
                .map_err(failed)?
            {
                max = v;
            }
        }
        // The optimum is a feasible point as well: it may certify the whole class.
        if !pending(&seen) {
            continue;
        }
        programs += 1;
        let mut min = match program.optimum(&[(class, 1.0)], false).map_err(failed)? {
            Optimum::Value(v, point) => {
                seen.add(&program.cells_at(&point));
                v
            }
            Optimum::Unbounded => f64::NEG_INFINITY,
        };
        // The same for a member whose upper bound comes from the class's least value.
        let short = members.iter().any(|&i| {
            program.class_of(i).is_some_and(|(_, sign, offset)| {
                let hi = offset - min;
                sign < 0.0 && hi < protection.min_upper - EPS && hi > protection.min_upper - NEAR
            })
        });
        if short {
            programs += 1;
            if let Optimum::Value(v, _) = program
                .exact_optimum(&[(class, 1.0)], false)
                .map_err(failed)?
            {
                min = v;
            }
        }
        for &i in members.iter().filter(|&&i| open(i)) {
            let Some((_, sign, offset)) = program.class_of(i) else {
                continue;
            };
            let (lo, hi) = if sign > 0.0 {
                (sign * min + offset, sign * max + offset)
            } else {
                (sign * max + offset, sign * min + offset)
            };
            if protection.exposes(lo, hi) {
                exposed.push(Exposure {
                    cell: vars[i],
                    label: label(i),
                    min: lo,
                    max: hi,
                });
            }
        }
    }
    let found: HashSet<usize> = exposed.iter().map(|e| e.cell).collect();
    let protected = vars
        .iter()
        .copied()
        .filter(|&c| system.cells[c].sensitive && !found.contains(&c))
        .collect();
    Ok(ComponentAudit {
        exposed,
        protected,
        programs,
    })
}

/// Every hidden sensitive cell that the published numbers pin down or bound below the
/// protection level.
pub fn audit(system: &CellSystem, protection: Protection) -> Result<Vec<Exposure>, String> {
    audit_with(system, protection, &mut AuditCache::default())
}

/// What earlier audits of the same system found, for a search that only ever hides more cells.
/// - Exposures per part, keyed by the part's hidden cells. The hidden cells determine the part's
///   programs exactly (its relations are those that touch them, its constants the published
///   values), so a part the search did not change is not solved again.
/// - The cells found protected. Hiding another cell turns a constant into a variable: every
///   point seen before, with that cell at its published value, is still feasible, so the
///   interval a protected cell allows can only grow and it stays protected.
///
/// - The least and greatest value each cell was seen at in checked feasible points (`certify`).
///
/// All hold only while no hidden cell is shown again: an audit that finds one (or another
/// system) starts afresh.
#[derive(Default)]
pub struct AuditCache {
    by_component: HashMap<Vec<usize>, Vec<Exposure>>,
    protected: Vec<bool>,
    hidden: Vec<bool>,
    low: Vec<f64>,
    high: Vec<f64>,
    /// Linear programs solved, over all audits with this cache.
    pub programs: usize,
    /// Cells protected by a checked point, without a program of their own.
    pub certified: usize,
}

/// A move away from the true values: (cell, change), the cells not named unchanged.
pub type Deviation = Vec<(usize, f64)>;

impl AuditCache {
    /// Forgets everything unless `system` hides every cell the last audit saw hidden.
    fn follow(&mut self, system: &CellSystem) {
        let hidden: Vec<bool> = system.cells.iter().map(|c| c.suppressed).collect();
        let only_more = self.hidden.len() == hidden.len()
            && self
                .hidden
                .iter()
                .zip(&hidden)
                .all(|(&was, &is)| is || !was);
        if !only_more {
            self.by_component.clear();
            self.protected = vec![false; hidden.len()];
            self.low = system
                .cells
                .iter()
                .map(|c| value_or(c, f64::INFINITY))
                .collect();
            self.high = system
                .cells
                .iter()
                .map(|c| value_or(c, f64::NEG_INFINITY))
                .collect();
        }
        self.hidden = hidden;
    }

    /// Takes the true values moved by `deviation` as a point the attacker's programs allow, once
    /// checked: every cell it moves is hidden and stays ≥ 0, and every relation of a moved cell
    /// still holds. With the true values as a second point (the caller has checked that they
    /// satisfy every relation: `consistent`), each moved cell was seen at both; those whose
    /// values seen now reach the protection level are protected and need no programs. False
    /// (and nothing learnt) when the point fails a check.
    pub fn certify(
        &mut self,
        system: &CellSystem,
        memberships: &[Vec<usize>],
        deviation: &[(usize, f64)],
        protection: Protection,
    ) -> bool {
        if self.hidden.len() != system.cells.len() {
            self.follow(system);
        }
        if !allows(system, memberships, deviation) {
            return false;
        }
        for &(c, d) in deviation {
            let Some(x) = system.cells[c].value.map(|v| v as f64 + d) else {
                continue;
            };
            self.low[c] = self.low[c].min(x);
            self.high[c] = self.high[c].max(x);
            let cell = &system.cells[c];
            if cell.sensitive
                && !self.protected[c]
                && !protection.exposes(self.low[c], self.high[c])
            {
                self.protected[c] = true;
                self.certified += 1;
            }
        }
        true
    }

    /// Is `cell` known to be protected (by a program or a checked point)?
    pub fn is_protected(&self, cell: usize) -> bool {
        self.protected.get(cell).copied().unwrap_or(false)
    }
}

/// Do the published numbers allow the true values moved by `deviation`: is every cell it moves
/// hidden and still ≥ 0, and does every relation of a moved cell still hold?
pub(super) fn allows(
    system: &CellSystem,
    memberships: &[Vec<usize>],
    deviation: &[(usize, f64)],
) -> bool {
    let moved: HashMap<usize, f64> = deviation.iter().copied().collect();
    let at = |c: usize| {
        system.cells[c]
            .value
            .map(|v| v as f64 + moved.get(&c).copied().unwrap_or(0.0))
    };
    let cells_ok = deviation
        .iter()
        .all(|&(c, _)| system.cells[c].suppressed && at(c).is_some_and(|x| x >= -EPS));
    let mut touched: Vec<usize> = deviation
        .iter()
        .flat_map(|&(c, _)| memberships[c].iter().copied())
        .collect();
    touched.sort_unstable();
    touched.dedup();
    cells_ok
        && touched
            .iter()
            .all(|&r| system.relations[r].holds(at, EPS).unwrap_or(false))
}

fn value_or(cell: &super::cells::Cell, missing: f64) -> f64 {
    cell.value.map_or(missing, |v| v as f64)
}

/// Do the true values satisfy every relation (all known)? Only then is a deviation from them a
/// feasible point (`AuditCache::certify`).
pub fn consistent(system: &CellSystem) -> bool {
    system.relations.iter().all(|rel| {
        let value = |c: usize| system.cells[c].value.map(|v| v as f64);
        rel.holds(value, EPS).unwrap_or(false)
    })
}

/// As `audit`, reusing the results of parts already solved.
pub fn audit_with(
    system: &CellSystem,
    protection: Protection,
    cache: &mut AuditCache,
) -> Result<Vec<Exposure>, String> {
    use rayon::prelude::*;
    cache.follow(system);
    let (known, unknown): (Vec<_>, Vec<_>) = components(system)
        .into_iter()
        .partition(|(vars, _)| cache.by_component.contains_key(vars));
    tracing::debug!(
        reused = known.len(),
        to_solve = unknown.len(),
        cells_to_solve = unknown.iter().map(|(v, _)| v.len()).sum::<usize>(),
        largest = unknown.iter().map(|(v, _)| v.len()).max().unwrap_or(0),
        "disclosure audit"
    );
    // Parts are independent: solved in parallel, reported in cell order. The largest first, so
    // that one large part does not start last.
    let mut unknown = unknown;
    unknown.sort_by_key(|(vars, _)| std::cmp::Reverse(vars.len()));
    let solved: Vec<(Vec<usize>, Result<ComponentAudit, String>)> = unknown
        .into_par_iter()
        .map(|(vars, relations)| {
            let clock = std::time::Instant::now();
            let result = audit_component(system, protection, &vars, &relations, &cache.protected);
            if vars.len() > 200 {
                tracing::debug!(
                    seconds = clock.elapsed().as_secs_f64(),
                    cells = vars.len(),
                    programs = result.as_ref().map_or(0, |a| a.programs),
                    "large disclosure part"
                );
            }
            (vars, result)
        })
        .collect();
    let mut exposed = Vec::new();
    for (vars, _) in &known {
        if let Some(e) = cache.by_component.get(vars) {
            exposed.extend(e.iter().filter(|e| !cache.protected[e.cell]).cloned());
        }
    }
    for (vars, result) in solved {
        let found = result?;
        cache.programs += found.programs;
        exposed.extend(found.exposed.iter().cloned());
        for c in found.protected {
            cache.protected[c] = true;
        }
        cache.by_component.insert(vars, found.exposed);
    }
    exposed.sort_by_key(|e| e.cell);
    Ok(exposed)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Both bounds of every hidden cell, one pair of programs per cell over the whole system:
    /// the slow reference the audit is held to.
    pub(crate) fn by_programs(s: &CellSystem) -> Vec<(usize, f64, f64)> {
        use microlp::{ComparisonOp, LinearExpr, OptimizationDirection, Problem};
        let vars: Vec<usize> = (0..s.cells.len())
            .filter(|&c| s.cells[c].suppressed)
            .collect();
        let position: HashMap<usize, usize> =
            vars.iter().enumerate().map(|(i, &c)| (c, i)).collect();
        let bound = |target: usize, direction: OptimizationDirection| {
            let mut problem = Problem::new(direction);
            let handles: Vec<_> = vars
                .iter()
                .map(|&c| {
                    problem.add_var(if c == target { 1.0 } else { 0.0 }, (0.0, f64::INFINITY))
                })
                .collect();
            for rel in &s.relations {
                let mut expr = LinearExpr::empty();
                let mut constant = 0.0;
                for (c, coef) in rel.terms() {
                    match position.get(&c) {
                        Some(&i) => expr.add(handles[i], coef),
                        None => constant += coef * s.cells[c].value.unwrap_or(0) as f64,
                    }
                }
                let op = if rel.exact {
                    ComparisonOp::Eq
                } else {
                    ComparisonOp::Ge
                };
                problem.add_constraint(expr, op, -constant);
            }
            match problem.solve() {
                Ok(solution) => solution.objective(),
                Err(microlp::Error::Unbounded) => f64::INFINITY,
                Err(e) => panic!("{e}"),
            }
        };
        vars.iter()
            .map(|&c| {
                (
                    c,
                    bound(c, OptimizationDirection::Minimize),
                    bound(c, OptimizationDirection::Maximize),
                )
            })
            .collect()
    }

    /// A total over groups over leaves (`total = Σ groups`, `group = Σ leaves`, or `≥` where a
    /// group has rows its leaves do not place), with the given cells hidden.
    pub(crate) fn two_levels(
        groups: &[(Vec<i64>, i64)],
        hidden: &[bool],
        exact_top: bool,
    ) -> CellSystem {
        let mut s = CellSystem::default();
        let mut next_hidden = hidden.iter().copied().cycle();
        let mut group_cells = Vec::new();
        let mut grand = 0;
        for (g, (leaves, extra)) in groups.iter().enumerate() {
            let sum: i64 = leaves.iter().sum::<i64>() + extra;
            grand += sum;
            let gc = s.cell(
                format!("g{g}"),
                Some(sum),
                next_hidden.next().unwrap_or(false),
            );
            let lc = leaves
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    s.cell(
                        format!("g{g}l{i}"),
                        Some(*v),
                        next_hidden.next().unwrap_or(false),
                    )
                })
                .collect();
            s.relate(gc, lc, *extra == 0);
            group_cells.push(gc);
        }
        let t = s.cell(
            "T".into(),
            Some(grand + i64::from(!exact_top)),
            next_hidden.next().unwrap_or(false),
        );
        s.relate(t, group_cells, exact_top);
        s
    }

    /// Groups of small leaves (each with a few rows its leaves do not place, or none), which
    /// cells are hidden, and whether the top relation is exact: the input of `two_levels`.
    pub(crate) type TwoLevelSpec = (Vec<(Vec<i64>, i64)>, Vec<bool>, bool);

    pub(crate) fn two_level_specs() -> impl Strategy<Value = TwoLevelSpec> {
        (
            proptest::collection::vec(
                (
                    proptest::collection::vec(0i64..9, 1..5),
                    prop_oneof![Just(0i64), 0i64..3],
                ),
                1..5,
            ),
            proptest::collection::vec(any::<bool>(), 1..12),
            any::<bool>(),
        )
    }

    /// A random two-level table (`two_levels`) and what one of its hidden cells must be able to
    /// do: rise to 5 or fall by 1 — the input of the search's property tests.
    pub(crate) fn two_level_needs() -> impl Strategy<Value = (CellSystem, (f64, bool))> {
        (two_level_specs(), any::<bool>()).prop_map(|((groups, hidden, exact_top), up)| {
            let need = (if up { 5.0 } else { 1.0 }, up);
            (two_levels(&groups, &hidden, exact_top), need)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// The classes, the certification by seen points and the interior-point solver find
        /// exactly the exposures that one simplex program per cell and direction finds.
        #[test]
        fn the_audit_finds_exactly_what_the_per_cell_programs_find(
            (groups, hidden, exact_top) in two_level_specs(),
            values_known in any::<bool>(),
        ) {
            let mut s = two_levels(&groups, &hidden, exact_top);
            if !values_known {
                for c in s.cells.iter_mut().filter(|c| c.suppressed) {
                    c.value = None;
                }
            }
            let protection = Protection::for_min_count(5);
            let slow: Vec<usize> = by_programs(&s)
                .into_iter()
                .filter(|&(_, min, max)| protection.exposes(min, max))
                .map(|(c, _, _)| c)
                .collect();
            let fast: Vec<usize> = audit(&s, protection)
                .expect("the audit runs")
                .into_iter()
                .map(|e| e.cell)
                .collect();
            prop_assert_eq!(fast, slow);
        }

        /// The cache: hiding cells one at a time and auditing with one cache finds what a fresh
        /// audit finds each time.
        #[test]
        fn a_cached_audit_equals_a_fresh_one_while_only_more_is_hidden(
            (groups, order, exact_top) in two_level_specs(),
        ) {
            let mut s = two_levels(&groups, &[false], exact_top);
            let protection = Protection::for_min_count(5);
            let mut cache = AuditCache::default();
            for (k, &hide) in order.iter().enumerate() {
                let c = k % s.cells.len();
                if hide {
                    s.cells[c].suppressed = true;
                }
                let cached = audit_with(&s, protection, &mut cache).expect("runs");
                let fresh = audit(&s, protection).expect("runs");
                prop_assert_eq!(cached, fresh);
            }
        }
    }

    #[test]
    fn a_small_cell_beside_published_siblings_is_exposed_and_two_are_not() {
        // T = 20 = a + b + c + d: a = 3 hidden alone is 20 − 0 − 9 − 8.
        let mut s = CellSystem::default();
        let t = s.cell("T".into(), Some(20), false);
        let parts: Vec<usize> = [3, 0, 9, 8]
            .iter()
            .enumerate()
            .map(|(i, &v)| s.cell(format!("p{i}"), Some(v), i == 0))
            .collect();
        s.relate(t, parts.clone(), true);
        let p = Protection::for_min_count(5);
        let exposed = audit(&s, p).expect("runs");
        assert_eq!(exposed.len(), 1);
        assert_eq!((exposed[0].min, exposed[0].max), (3.0, 3.0));
        // With p3 (8) hidden as well, each lies in [0, 11]: both protected.
        s.cells[parts[3]].suppressed = true;
        assert!(audit(&s, p).expect("runs").is_empty());
    }
}
