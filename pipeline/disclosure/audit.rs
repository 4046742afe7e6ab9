//! The audit: an attacker's view of published tables. For every suppressed cell it derives the
//! tightest interval the published numbers allow — two linear programs (min, max) over the
//! relations of its connected part of the cell system, solved by `microlp` — and reports every
//! cell that is pinned to one value or whose upper bound is below `min_count`.

use microlp::{ComparisonOp, LinearExpr, OptimizationDirection, Problem};

use super::cells::CellSystem;

/// A suppressed cell the published numbers expose.
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

const EPS: f64 = 1e-6;

/// The protection level: how wide an interval a suppressed cell must keep.
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

    fn exposes(&self, min: f64, max: f64) -> bool {
        max - min <= self.min_width + EPS || max < self.min_upper - EPS
    }
}

/// Connected parts of the system through relations that contain a suppressed cell.
pub(super) fn components(system: &CellSystem) -> Vec<(Vec<usize>, Vec<usize>)> {
    let n = system.cells.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
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
    let mut groups: std::collections::BTreeMap<usize, (Vec<usize>, Vec<usize>)> =
        Default::default();
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

/// The hidden cells of one component, numbered for its linear programs.
struct Component<'a> {
    system: &'a CellSystem,
    vars: &'a [usize],
    relations: &'a [usize],
    position: std::collections::HashMap<usize, usize>,
}

impl<'a> Component<'a> {
    fn new(system: &'a CellSystem, vars: &'a [usize], relations: &'a [usize]) -> Component<'a> {
        let position = vars.iter().enumerate().map(|(i, &c)| (c, i)).collect();
        Component {
            system,
            vars,
            relations,
            position,
        }
    }

    /// Adds the component's relations to `problem`: hidden cells are `handles`, shown cells
    /// constants.
    fn constrain(&self, problem: &mut Problem, handles: &[microlp::Variable]) {
        for &r in self.relations {
            let rel = &self.system.relations[r];
            let mut expr = LinearExpr::empty();
            let mut constant = 0.0;
            let terms =
                std::iter::once((rel.total, 1.0)).chain(rel.parts.iter().map(|&p| (p, -1.0)));
            for (c, coef) in terms {
                match self.position.get(&c) {
                    Some(&i) => expr.add(handles[i], coef),
                    None => constant += coef * self.system.cells[c].value.unwrap_or(0) as f64,
                }
            }
            let op = if rel.exact {
                ComparisonOp::Eq
            } else {
                ComparisonOp::Ge
            };
            problem.add_constraint(expr, op, -constant);
        }
    }

    /// A linear program over the component: `weight[i]` on the hidden cell `vars[i]` in the
    /// objective.
    fn problem(
        &self,
        direction: OptimizationDirection,
        weight: impl Fn(usize) -> f64,
    ) -> (Problem, Vec<microlp::Variable>) {
        let mut problem = Problem::new(direction);
        let handles: Vec<microlp::Variable> = (0..self.vars.len())
            .map(|i| problem.add_var(weight(i), (0.0, f64::INFINITY)))
            .collect();
        self.constrain(&mut problem, &handles);
        (problem, handles)
    }

    /// The least or greatest value of `target` that the published cells and relations allow
    /// (solved from scratch: the tests' reference for the warm-started bounds).
    #[cfg(test)]
    fn bound(&self, target: usize, direction: OptimizationDirection) -> Result<f64, String> {
        self.bound_point(target, direction).map(|(bound, _)| bound)
    }

    /// As `bound`, with the solution that attains it (none when unbounded).
    fn bound_point(
        &self,
        target: usize,
        direction: OptimizationDirection,
    ) -> Result<(f64, Option<Vec<f64>>), String> {
        let is_target = |i: usize| if self.vars[i] == target { 1.0 } else { 0.0 };
        let (problem, handles) = self.problem(direction, is_target);
        match problem.solve() {
            Ok(solution) => {
                let point = handles.iter().map(|&h| *solution.var_value(h)).collect();
                Ok((solution.objective(), Some(point)))
            }
            Err(microlp::Error::Unbounded) => Ok((f64::INFINITY, None)),
            Err(e) => Err(e.to_string()),
        }
    }

    /// A feasible solution that pushes the cells `objective` (positions in `vars`) up or down
    /// together; the value of every hidden cell, in `vars` order.
    fn point(
        &self,
        objective: &[usize],
        direction: OptimizationDirection,
    ) -> Result<Vec<f64>, String> {
        let mut weight = vec![0.0; self.vars.len()];
        for &i in objective {
            weight[i] = 1.0;
        }
        let (problem, handles) = self.problem(direction, |i| weight[i]);
        let solution = problem.solve().map_err(|e| {
            format!(
                "{} and its component: the linear program failed: {e}",
                self.system.cells[self.vars[0]].label
            )
        })?;
        Ok(handles.iter().map(|&h| *solution.var_value(h)).collect())
    }
}

/// The cap on the shared objective variable of `WarmBounds` (far above any count in a region).
const WARM_CAP: f64 = 1e6;

/// Per-cell bounds from one shared optimum per direction. The component's programs differ only
/// in their objective, so each direction is solved once with the objective on an extra variable
/// `z ∈ [0, WARM_CAP]`; a cell's bound is then `z = x` added to a copy of that optimum, which the
/// dual simplex re-optimises from there instead of solving from scratch. A bound that reaches
/// the cap (the cell may be unbounded), or a warm solve that fails, is solved from scratch.
struct WarmBounds<'c, 'a> {
    component: &'c Component<'a>,
    max: Option<Option<(microlp::Solution, microlp::Variable, Vec<microlp::Variable>)>>,
    min: Option<Option<(microlp::Solution, microlp::Variable, Vec<microlp::Variable>)>>,
}

impl<'c, 'a> WarmBounds<'c, 'a> {
    fn new(component: &'c Component<'a>) -> Self {
        WarmBounds {
            component,
            max: None,
            min: None,
        }
    }

    fn base(
        &mut self,
        direction: OptimizationDirection,
    ) -> Option<&(microlp::Solution, microlp::Variable, Vec<microlp::Variable>)> {
        let component = self.component;
        let slot = match direction {
            OptimizationDirection::Maximize => &mut self.max,
            OptimizationDirection::Minimize => &mut self.min,
        };
        slot.get_or_insert_with(|| {
            let (mut problem, handles) = component.problem(direction, |_| 0.0);
            let z = problem.add_var(1.0, (0.0, WARM_CAP));
            problem.solve().ok().map(|solution| (solution, z, handles))
        })
        .as_ref()
    }

    /// As `Component::bound_point`.
    fn bound_point(
        &mut self,
        target: usize,
        direction: OptimizationDirection,
    ) -> Result<(f64, Option<Vec<f64>>), String> {
        let i = self.component.position[&target];
        let warm = self.base(direction).and_then(|(base, z, handles)| {
            let mut tie = LinearExpr::empty();
            tie.add(*z, 1.0);
            tie.add(handles[i], -1.0);
            let solution = base
                .clone()
                .add_constraint(tie, ComparisonOp::Eq, 0.0)
                .ok()?;
            let bound = solution.objective();
            (bound < WARM_CAP - 1.0).then(|| {
                let point = handles.iter().map(|&h| *solution.var_value(h)).collect();
                (bound, Some(point))
            })
        });
        match warm {
            Some(found) => Ok(found),
            None => self.component.bound_point(target, direction),
        }
    }

    /// As `Component::point`, with `z = Σ x` added to the shared optimum.
    fn point(
        &mut self,
        objective: &[usize],
        direction: OptimizationDirection,
    ) -> Result<Vec<f64>, String> {
        let warm = self.base(direction).and_then(|(base, z, handles)| {
            let mut tie = LinearExpr::empty();
            tie.add(*z, 1.0);
            for &i in objective {
                tie.add(handles[i], -1.0);
            }
            let solution = base
                .clone()
                .add_constraint(tie, ComparisonOp::Eq, 0.0)
                .ok()?;
            (solution.objective() < WARM_CAP - 1.0)
                .then(|| handles.iter().map(|&h| *solution.var_value(h)).collect())
        });
        match warm {
            Some(found) => Ok(found),
            None => self.component.point(objective, direction),
        }
    }
}

/// The interval of every hidden cell of a component made of one relation, without a linear
/// program: with `R` = the shown total minus the shown parts, one hidden part is exactly `R`,
/// several each lie in `[0, R]` (also under `≥`); a hidden total lies in `[shown parts, ∞)`, or
/// is exactly the shown parts when all parts are shown and the relation is exact. `None` when
/// the shown numbers contradict the relation (`R < 0`): the linear program reports that.
fn one_relation_bounds(system: &CellSystem, relation: usize) -> Option<Vec<(usize, f64, f64)>> {
    let rel = &system.relations[relation];
    let hidden = |c: usize| system.cells[c].suppressed;
    let value = |c: usize| system.cells[c].value.unwrap_or(0) as f64;
    let shown_parts: f64 = rel
        .parts
        .iter()
        .filter(|&&p| !hidden(p))
        .map(|&p| value(p))
        .sum();
    let hidden_parts: Vec<usize> = rel.parts.iter().copied().filter(|&p| hidden(p)).collect();
    if hidden(rel.total) {
        let max = if rel.exact && hidden_parts.is_empty() {
            shown_parts
        } else {
            f64::INFINITY
        };
        let mut out = vec![(rel.total, shown_parts, max)];
        out.extend(hidden_parts.iter().map(|&p| (p, 0.0, f64::INFINITY)));
        return Some(out);
    }
    let rest = value(rel.total) - shown_parts;
    if rest < -EPS {
        return None;
    }
    let min = if rel.exact && hidden_parts.len() == 1 {
        rest
    } else {
        0.0
    };
    Some(hidden_parts.iter().map(|&p| (p, min, rest)).collect())
}

/// For every hidden cell of `relations`, the intersection of the intervals that each relation
/// allows on its own (`one_relation_bounds`). The component's linear programs add the other
/// relations, so its exact interval lies inside this one.
fn local_bounds(
    system: &CellSystem,
    relations: &[usize],
) -> std::collections::HashMap<usize, (f64, f64)> {
    let mut bounds = std::collections::HashMap::new();
    for intervals in relations
        .iter()
        .filter_map(|&r| one_relation_bounds(system, r))
    {
        for (c, min, max) in intervals {
            let (low, high) = bounds.entry(c).or_insert((min, max));
            *low = f64::max(*low, min);
            *high = f64::min(*high, max);
        }
    }
    bounds
}

/// Every suppressed sensitive cell that the published numbers pin down or bound below
/// `min_count`.
pub fn audit(system: &CellSystem, protection: Protection) -> Result<Vec<Exposure>, String> {
    audit_with(system, protection, &mut AuditCache::default())
}

/// One component's hidden cells and what its audit found (or why its linear program failed).
type Solved = (Vec<usize>, Result<ComponentAudit, String>);

/// What the audit of one component found.
struct ComponentAudit {
    exposed: Vec<Exposure>,
    /// The sensitive cells it found protected.
    protected: Vec<usize>,
}

/// What earlier audits of the same system found, for a repair that only ever hides more cells.
/// - Exposures per component, keyed by the component's hidden cells. The hidden cells determine
///   the component's linear programs exactly (its relations are those that touch them, its
///   constants the published values), so a component that a repair round did not change is not
///   solved again.
/// - The cells found protected. Hiding another cell turns a constant into a variable: every
///   solution found before, with that cell at its published value, is still a solution, so the
///   interval a protected cell allows can only grow and it stays protected without programs of
///   its own, even in a component that changed.
///
/// Both hold only while no hidden cell is shown again: an audit that finds one (or another
/// system) starts afresh.
#[derive(Default)]
pub struct AuditCache {
    by_component: std::collections::HashMap<Vec<usize>, Vec<Exposure>>,
    protected: Vec<bool>,
    hidden: Vec<bool>,
}

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
        }
        self.hidden = hidden;
    }
}

/// Audits one component; cells `known_protected` are taken as protected (see `AuditCache`).
fn audit_component(
    system: &CellSystem,
    protection: Protection,
    vars: &[usize],
    relations: &[usize],
    known_protected: &[bool],
) -> Result<ComponentAudit, String> {
    let exposure = |c: usize, min: f64, max: f64| {
        protection.exposes(min, max).then(|| Exposure {
            cell: c,
            label: system.cells[c].label.clone(),
            min,
            max,
        })
    };
    let sensitive = |c: usize| system.cells[c].sensitive;
    if let [relation] = relations
        && let Some(intervals) = one_relation_bounds(system, *relation)
    {
        let exposed: Vec<Exposure> = intervals
            .into_iter()
            .filter(|&(c, _, _)| sensitive(c))
            .filter_map(|(c, min, max)| exposure(c, min, max))
            .collect();
        let protected = protected_besides(vars, &exposed, sensitive);
        return Ok(ComponentAudit { exposed, protected });
    }
    let local = local_bounds(system, relations);
    let component = Component::new(system, vars, relations);
    let mut pool = FeasiblePool::new(system, vars);
    let settled: Vec<bool> = vars.iter().map(|&c| known_protected[c]).collect();
    let clock = std::time::Instant::now();
    let mut warm = WarmBounds::new(&component);
    pool.widen(&mut warm, protection, &settled)?;
    let widen_seconds = clock.elapsed().as_secs_f64();
    let mut per_cell = 0;
    let mut exposed = Vec::new();
    for (i, &c) in vars.iter().enumerate() {
        // A hidden bounding cell needs no protection of its own (it is hidden only to protect
        // the person count it bounds): it is a variable of the programs, never an exposure.
        if !sensitive(c) || settled[i] || pool.certifies(i, protection) {
            continue;
        }
        // Each relation alone allows at least what the whole component allows: a cell that one
        // of its relations already exposes is exposed, without a linear program.
        if let Some(&(min, max)) = local.get(&c)
            && protection.exposes(min, max)
        {
            exposed.extend(exposure(c, min, max));
            continue;
        }
        let failed =
            |e: String| format!("{}: the linear program failed: {e}", system.cells[c].label);
        per_cell += 1;
        let (max, point) = warm
            .bound_point(c, OptimizationDirection::Maximize)
            .map_err(failed)?;
        // This cell's solution is a feasible point for the cells after it as well.
        if let Some(point) = point {
            pool.add(&point);
        }
        // The true value lies in [min, max]: when max is far enough above it (or unbounded),
        // the interval is wide enough whatever min is, and the second program is not needed.
        let wide = max.is_infinite()
            || system.cells[c]
                .value
                .is_some_and(|v| max - v as f64 > protection.min_width + EPS);
        if wide && max >= protection.min_upper - EPS {
            continue;
        }
        let (min, _) = warm
            .bound_point(c, OptimizationDirection::Minimize)
            .map_err(failed)?;
        per_cell += 1;
        exposed.extend(exposure(c, min, max));
    }
    if vars.len() > 100 {
        tracing::trace!(
            cells = vars.len(),
            widen_seconds,
            cell_seconds = clock.elapsed().as_secs_f64() - widen_seconds,
            per_cell,
            exposed = exposed.len(),
            "large disclosure component"
        );
    }
    let protected = protected_besides(vars, &exposed, sensitive);
    Ok(ComponentAudit { exposed, protected })
}

/// The sensitive cells of `vars` that are not `exposed`.
fn protected_besides(
    vars: &[usize],
    exposed: &[Exposure],
    sensitive: impl Fn(usize) -> bool,
) -> Vec<usize> {
    let exposed: std::collections::HashSet<usize> = exposed.iter().map(|e| e.cell).collect();
    vars.iter()
        .copied()
        .filter(|&c| sensitive(c) && !exposed.contains(&c))
        .collect()
}

/// For each hidden cell of a component, the lowest and highest value it takes in feasible
/// solutions seen so far (the true values are one). A cell whose seen range already is wide
/// enough and reaches `min_upper` is protected — its exact interval can only be wider — so it
/// needs no linear programs of its own.
struct FeasiblePool {
    low: Vec<f64>,
    high: Vec<f64>,
}

/// Certification keeps this margin from the boundaries, so that rounding in a solution can never
/// certify a cell the exact programs would expose; a cell that near goes to its own programs.
const CERTIFY_MARGIN: f64 = 1e-3;

impl FeasiblePool {
    fn new(system: &CellSystem, vars: &[usize]) -> FeasiblePool {
        let values: Option<Vec<f64>> = vars
            .iter()
            .map(|&c| system.cells[c].value.map(|v| v as f64))
            .collect();
        let mut pool = FeasiblePool {
            low: vec![f64::INFINITY; vars.len()],
            high: vec![f64::NEG_INFINITY; vars.len()],
        };
        if let Some(values) = values {
            pool.add(&values);
        }
        pool
    }

    fn certifies(&self, i: usize, protection: Protection) -> bool {
        self.high[i] >= protection.min_upper + CERTIFY_MARGIN
            && self.high[i] - self.low[i] > protection.min_width + EPS + CERTIFY_MARGIN
    }

    fn add(&mut self, point: &[f64]) {
        for (i, &x) in point.iter().enumerate() {
            self.low[i] = self.low[i].min(x);
            self.high[i] = self.high[i].max(x);
        }
    }

    /// Pushes all uncertified cells down at once, and repeats while that certifies more cells:
    /// a few warm-started linear programs for the whole component instead of one per cell. The
    /// cells' maxima are left to their own (warm-started) programs: a joint push up needs a cap
    /// per cell, so that one cell does not take all the room, and such a program, solved from
    /// scratch, cost more at scale 0.02 than all the maxima it saved.
    fn widen(
        &mut self,
        warm: &mut WarmBounds,
        protection: Protection,
        settled: &[bool],
    ) -> Result<(), String> {
        let component = warm.component;
        let mut open: Vec<usize> = (0..self.low.len())
            .filter(|&i| component.system.cells[component.vars[i]].sensitive && !settled[i])
            .filter(|&i| !self.certifies(i, protection))
            .collect();
        while !open.is_empty() {
            let down = warm.point(&open, OptimizationDirection::Minimize)?;
            self.add(&down);
            let before = open.len();
            open.retain(|&i| !self.certifies(i, protection));
            if open.len() == before {
                break;
            }
        }
        Ok(())
    }
}

/// As `audit`, reusing the results of components already solved.
pub fn audit_with(
    system: &CellSystem,
    protection: Protection,
    cache: &mut AuditCache,
) -> Result<Vec<Exposure>, String> {
    use rayon::prelude::*;
    cache.follow(system);
    let all = components(system);
    let (known, unknown): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|(vars, _)| cache.by_component.contains_key(vars));
    tracing::debug!(
        reused = known.len(),
        to_solve = unknown.len(),
        one_relation = unknown.iter().filter(|(_, r)| r.len() == 1).count(),
        cells_to_solve = unknown.iter().map(|(v, _)| v.len()).sum::<usize>(),
        largest = unknown.iter().map(|(v, _)| v.len()).max().unwrap_or(0),
        largest_relations = unknown.iter().map(|(_, r)| r.len()).max().unwrap_or(0),
        "disclosure audit components"
    );
    // Components are independent linear programs: solved in parallel, reported in cell order.
    let solved: Vec<Solved> = unknown
        .into_par_iter()
        .map(|(vars, relations)| {
            let clock = std::time::Instant::now();
            let result = audit_component(system, protection, &vars, &relations, &cache.protected);
            let seconds = clock.elapsed().as_secs_f64();
            if seconds > 1.0 {
                tracing::trace!(
                    seconds,
                    cells = vars.len(),
                    relations = relations.len(),
                    first = %system.cells[vars[0]].label,
                    exposed = result.as_ref().map_or(0, |a| a.exposed.len()),
                    "slow disclosure component"
                );
            }
            (vars, result)
        })
        .collect();
    let mut exposed = Vec::new();
    for (vars, _) in &known {
        if let Some(e) = cache.by_component.get(vars) {
            exposed.extend(e.iter().cloned());
        }
    }
    for (vars, result) in solved {
        let found = result?;
        exposed.extend(found.exposed.iter().cloned());
        for c in found.protected {
            cache.protected[c] = true;
        }
        cache.by_component.insert(vars, found.exposed);
    }
    exposed.sort_by_key(|e| e.cell);
    Ok(exposed)
}

/// Hides more cells until the audit passes, and returns how many it hid (besides those that
/// `secondary` adds after each round). For each exposed cell:
/// 1. local repair: the smallest published non-zero member of a relation the cell is in, or
///    else a published zero there (a published zero beside a hidden count can pin it);
/// 2. only in a round where local repair hides nothing (every exposed cell's own relations are
///    hidden already), the wider search: for each exposed cell the nearest published cell
///    further out — breadth-first through the relations of the hidden cells around it, nearest
///    ring first, within a ring the smallest non-zero one, else a zero. The bound then comes
///    from a relation the cell is not in itself, as a hidden buurt capped by a hidden wijk that
///    its gemeente and the other wijken pin; before this search existed, such a round stopped
///    the repair and the run published nothing. (While local repair still makes progress
///    elsewhere, a stuck cell waits: the cells hidden around it often protect it.)
///
/// Every round hides at least one cell, so the loop ends after at most as many rounds as there
/// are cells. It cannot run out of candidates while a cell is exposed: with every cell of its
/// connected part hidden, the relations have no published numbers left, every solution can be
/// scaled up, and a cell with a true value above zero is unbounded; a hidden zero is never
/// exposed through its upper bound only, and the search then still finds the published zero
/// or non-zero cells it is pinned by. Should it happen all the same, the run stops (exit 3)
/// rather than publish an exposed cell.
pub fn repair(system: &mut CellSystem, protection: Protection) -> Result<usize, String> {
    match repair_watched(system, protection, |_| false)? {
        Repair::Passed(added) => Ok(added),
        Repair::Stopped => unreachable!("a repair that is never stopped runs until it passes"),
    }
}

/// How a watched repair ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Repair {
    /// The audit passes; this many cells were hidden (besides those of `secondary`).
    Passed(usize),
    /// `stop` said so after a round; the system is left half repaired.
    Stopped,
}

/// As `repair`, asking `stop` after every round whether to give up (the evaluation does when a
/// component it ties grows too large for the linear programs).
pub fn repair_watched(
    system: &mut CellSystem,
    protection: Protection,
    stop: impl Fn(&CellSystem) -> bool,
) -> Result<Repair, String> {
    let mut added = 0;
    let mut cache = AuditCache::default();
    let memberships = relations_of_cells(system);
    for round in 1usize.. {
        let exposed = audit_with(system, protection, &mut cache)?;
        tracing::debug!(round, exposed = exposed.len(), "disclosure audit round");
        for e in exposed
            .iter()
            .filter(|e| e.label.contains("signalen"))
            .take(30)
        {
            tracing::trace!("exposed: {e}");
        }
        let Some(first) = exposed.first() else {
            return Ok(Repair::Passed(added));
        };
        let first = first.to_string();
        let mut progress = false;
        for e in &exposed {
            let candidates = local_candidates(system, &memberships[e.cell], e.cell);
            // A candidate that its own published bound caps cannot widen anything (hidden, it is
            // pinned or exposed itself, and the repair would have to protect it in turn): such a
            // cell is left to the wider search.
            let useful = candidates
                .iter()
                .find(|&&c| !capped(system, &memberships, c, protection));
            if let Some(&c) = useful
                && !system.cells[c].suppressed
            {
                system.cells[c].suppressed = true;
                added += 1;
                progress = true;
            }
        }
        if !progress {
            // Local repair is stuck: every exposed cell's own relations are hidden already.
            for e in &exposed {
                let wider = wider_candidates(system, &memberships, e.cell);
                let useful = wider
                    .iter()
                    .find(|&&c| !capped(system, &memberships, c, protection));
                if let Some(&c) = useful.or(wider.first())
                    && !system.cells[c].suppressed
                {
                    system.cells[c].suppressed = true;
                    system.cells[c].fallback = true;
                    added += 1;
                    progress = true;
                }
            }
        }
        added += system.secondary();
        if !progress {
            return Err(format!(
                "no published cell is left to hide next to an exposed one (round {round}): {first}"
            ));
        }
        if stop(system) {
            return Ok(Repair::Stopped);
        }
    }
    unreachable!("the rounds above run until the audit passes or no cell is left")
}

/// How many cells the wider search collects before it stops looking further out.
const WIDER_CANDIDATES: usize = 12;

/// For every cell, the relations it is a member of (total or part).
fn relations_of_cells(system: &CellSystem) -> Vec<Vec<usize>> {
    let mut memberships = vec![Vec::new(); system.cells.len()];
    for (r, rel) in system.relations.iter().enumerate() {
        for c in std::iter::once(rel.total).chain(rel.parts.iter().copied()) {
            memberships[c].push(r);
        }
    }
    memberships
}

fn members(relation: &super::cells::Relation) -> impl Iterator<Item = usize> + '_ {
    std::iter::once(relation.total).chain(relation.parts.iter().copied())
}

/// A published cell whose value is known (every cell in a run; an audit of published tables
/// does not repair).
fn published(system: &CellSystem, c: usize) -> bool {
    !system.cells[c].suppressed && system.cells[c].value.is_some()
}

/// Non-zero cells first, smallest first; then zeros; ties by cell number.
fn by_preference(system: &CellSystem, cells: &mut [usize]) {
    cells.sort_by_key(|&c| {
        let v = system.cells[c].value.unwrap_or(0);
        (v == 0, v, c)
    });
}

/// A sensitive cell that a published non-sensitive count caps below the protection level (a
/// `verborgen_bewoning` beside a `leeg_aantal` under `min_count`): hiding it protects nothing.
fn capped(
    system: &CellSystem,
    memberships: &[Vec<usize>],
    c: usize,
    protection: Protection,
) -> bool {
    system.cells[c].sensitive
        && memberships[c].iter().any(|&r| {
            let relation = &system.relations[r];
            !relation.exact
                && relation.parts.contains(&c)
                && !system.cells[relation.total].sensitive
                && published(system, relation.total)
                && system.cells[relation.total]
                    .value
                    .is_some_and(|v| (v as f64) < protection.min_upper)
        })
}

/// The published members of `relations` other than `exposed`, in order of preference.
fn local_candidates(system: &CellSystem, relations: &[usize], exposed: usize) -> Vec<usize> {
    let mut cells: Vec<usize> = relations
        .iter()
        .flat_map(|&r| members(&system.relations[r]))
        .filter(|&c| c != exposed && published(system, c))
        .collect();
    cells.sort_unstable();
    cells.dedup();
    by_preference(system, &mut cells);
    cells
}

/// Published cells around `exposed`, ring by ring through the relations of hidden cells (the
/// nearest ring first; within a ring in order of preference).
fn wider_candidates(system: &CellSystem, memberships: &[Vec<usize>], exposed: usize) -> Vec<usize> {
    let mut seen_relation = vec![false; system.relations.len()];
    let mut seen_cell = vec![false; system.cells.len()];
    seen_cell[exposed] = true;
    let mut ring = vec![exposed];
    let mut found = Vec::new();
    while !ring.is_empty() && found.len() < WIDER_CANDIDATES {
        let mut next = Vec::new();
        let mut published_here = Vec::new();
        for &hidden in &ring {
            for &r in &memberships[hidden] {
                if std::mem::replace(&mut seen_relation[r], true) {
                    continue;
                }
                for c in members(&system.relations[r]) {
                    if std::mem::replace(&mut seen_cell[c], true) {
                        continue;
                    }
                    if published(system, c) {
                        published_here.push(c);
                    } else if system.cells[c].suppressed {
                        next.push(c);
                    }
                }
            }
        }
        by_preference(system, &mut published_here);
        found.extend(published_here);
        ring = next;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_count_capped_by_a_small_published_bound_is_no_useful_candidate() {
        let mut s = CellSystem::default();
        let small_leeg = s.bounding_cell("leeg 0".into(), Some(0), false);
        let capped_zero = s.cell("verborgen naast leeg 0".into(), Some(0), false);
        let large_leeg = s.bounding_cell("leeg 40".into(), Some(40), false);
        let free_zero = s.cell("verborgen naast leeg 40".into(), Some(0), false);
        s.relate(small_leeg, vec![capped_zero], false);
        s.relate(large_leeg, vec![free_zero], false);
        let memberships = relations_of_cells(&s);
        let protection = Protection::for_min_count(5);
        assert!(capped(&s, &memberships, capped_zero, protection));
        assert!(!capped(&s, &memberships, free_zero, protection));
        // A bound that is hidden itself caps nothing; a bounding cell is never "capped".
        s.cells[small_leeg].suppressed = true;
        assert!(!capped(&s, &memberships, capped_zero, protection));
        assert!(!capped(&s, &memberships, large_leeg, protection));
    }

    /// Both bounds of every hidden cell by linear programs, the slow way round.
    fn by_linear_programs(s: &CellSystem) -> Vec<(usize, f64, f64)> {
        let vars: Vec<usize> = (0..s.cells.len())
            .filter(|&c| s.cells[c].suppressed)
            .collect();
        let relations: Vec<usize> = (0..s.relations.len()).collect();
        let component = Component::new(s, &vars, &relations);
        vars.iter()
            .map(|&c| {
                let min = component
                    .bound(c, OptimizationDirection::Minimize)
                    .expect("min");
                let max = component
                    .bound(c, OptimizationDirection::Maximize)
                    .expect("max");
                (c, min, max)
            })
            .collect()
    }

    proptest! {
        #[test]
        fn one_relation_bounds_equal_the_linear_programs(
            parts in proptest::collection::vec((0i64..12, any::<bool>()), 1..6),
            total_hidden in any::<bool>(),
            slack in 0i64..4,
            exact in any::<bool>(),
        ) {
            let mut s = CellSystem::default();
            let sum: i64 = parts.iter().map(|(v, _)| v).sum();
            let total = if exact { sum } else { sum + slack };
            let t = s.cell("T".into(), Some(total), total_hidden);
            let p = parts
                .iter()
                .enumerate()
                .map(|(i, (v, h))| s.cell(format!("p{i}"), Some(*v), *h))
                .collect();
            s.relate(t, p, exact);
            let mut fast = one_relation_bounds(&s, 0).expect("consistent numbers");
            fast.sort_by_key(|b| b.0);
            let slow = by_linear_programs(&s);
            prop_assert_eq!(fast.len(), slow.len());
            for ((c, min, max), (c2, min2, max2)) in fast.into_iter().zip(slow) {
                prop_assert_eq!(c, c2);
                prop_assert!((min - min2).abs() < 1e-6, "min {} vs {}", min, min2);
                prop_assert!(max == max2 || (max - max2).abs() < 1e-6, "max {} vs {}", max, max2);
            }
        }
    }

    /// A total over groups over leaves (`total = Σ groups`, `group = Σ leaves`, or `≥` where a
    /// group has rows its leaves do not place), with the given cells hidden.
    fn two_levels(groups: &[(Vec<i64>, i64)], hidden: &[bool], exact_top: bool) -> CellSystem {
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
    type TwoLevelSpec = (Vec<(Vec<i64>, i64)>, Vec<bool>, bool);

    fn two_level_specs() -> impl Strategy<Value = TwoLevelSpec> {
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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn the_feasible_pool_finds_exactly_what_the_per_cell_programs_find(
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
            let slow: Vec<usize> = by_linear_programs(&s)
                .into_iter()
                .filter(|&(_, min, max)| protection.exposes(min, max))
                .map(|(c, _, _)| c)
                .collect();
            let fast: Vec<usize> =
                audit(&s, protection).expect("solves").iter().map(|e| e.cell).collect();
            prop_assert_eq!(fast, slow);
        }

        #[test]
        fn an_audit_that_remembers_earlier_rounds_finds_what_a_fresh_one_finds(
            (groups, hidden, exact_top) in two_level_specs(),
            steps in proptest::collection::vec((any::<proptest::sample::Index>(), any::<bool>()), 1..8),
        ) {
            // As a repair does, cells are hidden one by one; now and then one is shown again,
            // after which the remembered results may not be used.
            let mut s = two_levels(&groups, &hidden, exact_top);
            let protection = Protection::for_min_count(5);
            let mut cache = AuditCache::default();
            for (index, hide) in steps {
                let c = index.index(s.cells.len());
                s.cells[c].suppressed = hide;
                let remembered = audit_with(&s, protection, &mut cache).expect("solves");
                let fresh = audit(&s, protection).expect("solves");
                let cells = |e: &[Exposure]| e.iter().map(|e| e.cell).collect::<Vec<_>>();
                prop_assert_eq!(cells(&remembered), cells(&fresh));
            }
        }
    }

    /// A random region as `build_system` makes it: per area a bounding `leeg` count and a
    /// sensitive `verborgen ≤ leeg`; children under a parent with `≥` below gemeente (rows the
    /// children do not place) and `=` above; at gemeente level and up a signal total split in
    /// two forms. Counts are mostly 0 to 6, so most cells are small.
    fn region(spec: &RegionSpec) -> CellSystem {
        let mut s = CellSystem::default();
        let mut values = spec.values.iter().copied().cycle();
        let mut next = move || values.next().unwrap_or(0);
        fn area(
            s: &mut CellSystem,
            name: &str,
            level: usize,
            spec: &RegionSpec,
            next: &mut dyn FnMut() -> i64,
        ) -> [usize; 5] {
            // [leeg, verborgen, signalen_totaal, form a, form b] of this area.
            let children: Vec<[usize; 5]> = if level < 4 {
                let n = spec.fan_out[level % spec.fan_out.len()];
                (0..n)
                    .map(|i| area(s, &format!("{name}.{i}"), level + 1, spec, next))
                    .collect()
            } else {
                Vec::new()
            };
            let value = |s: &CellSystem, c: usize| s.cells[c].value.unwrap_or(0);
            let sum =
                |s: &CellSystem, k: usize| children.iter().map(|c| value(s, c[k])).sum::<i64>();
            let exact = level < 3;
            let extra = |n: &mut dyn FnMut() -> i64| {
                if exact || children.is_empty() {
                    0
                } else {
                    n() % 2
                }
            };
            let verborgen_v = if children.is_empty() {
                next()
            } else {
                sum(s, 1) + extra(next)
            };
            let leeg_v = if children.is_empty() {
                verborgen_v + next() % 3
            } else {
                sum(s, 0).max(verborgen_v) + extra(next)
            };
            let leeg = s.bounding_cell(format!("{name} leeg"), Some(leeg_v), false);
            let verborgen = s.cell(format!("{name} verborgen"), Some(verborgen_v), false);
            s.relate(leeg, vec![verborgen], false);
            let mut signal = [usize::MAX; 3];
            if level <= 2 {
                let (a, b) = if level == 2 {
                    (next(), next())
                } else {
                    (sum(s, 3), sum(s, 4))
                };
                signal = [
                    s.cell(format!("{name} signalen"), Some(a + b), false),
                    s.cell(format!("{name} vorm a"), Some(a), false),
                    s.cell(format!("{name} vorm b"), Some(b), false),
                ];
                s.relate(signal[0], vec![signal[1], signal[2]], true);
            }
            for k in 0..5 {
                let total = [leeg, verborgen, signal[0], signal[1], signal[2]][k];
                let parts: Vec<usize> = children
                    .iter()
                    .map(|c| c[k])
                    .filter(|&c| c != usize::MAX)
                    .collect();
                if total != usize::MAX && !parts.is_empty() {
                    let exact_here = exact
                        && s.cells[total].value == Some(parts.iter().map(|&p| value(s, p)).sum());
                    s.relate(total, parts, exact_here);
                }
            }
            [leeg, verborgen, signal[0], signal[1], signal[2]]
        }
        area(&mut s, "R", 0, spec, &mut next);
        s
    }

    #[derive(Debug, Clone)]
    struct RegionSpec {
        fan_out: Vec<usize>,
        values: Vec<i64>,
    }

    fn region_spec() -> impl Strategy<Value = RegionSpec> {
        let small = prop_oneof![
            4 => Just(0i64),
            3 => Just(1i64),
            2 => 2i64..5,
            1 => 5i64..9,
        ];
        (
            proptest::collection::vec(1usize..4, 1..5),
            proptest::collection::vec(small, 5..60),
        )
            .prop_map(|(fan_out, values)| RegionSpec { fan_out, values })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn the_repair_always_ends_with_a_set_that_passes_the_audit(spec in region_spec(), min_count in 3i64..6) {
            let mut s = region(&spec);
            let protection = Protection::for_min_count(min_count);
            s.primary(min_count);
            s.secondary();
            repair(&mut s, protection).expect("the repair always finds a safe set");
            prop_assert!(audit(&s, protection).expect("solves").is_empty());
            for c in &s.cells {
                let small = c.value.is_some_and(|v| v >= 1 && v < min_count);
                prop_assert!(!(c.sensitive && small && !c.suppressed), "{} is shown", c.label);
            }
        }
    }

    #[test]
    fn a_small_leeg_count_is_shielded_when_it_would_bound_a_hidden_count() {
        // leeg 2 ≥ verborgen 2 (hidden): the published leeg would say verborgen ≤ 2.
        let mut s = CellSystem::default();
        let leeg = s.bounding_cell("leeg".into(), Some(2), false);
        let verborgen = s.cell("verborgen".into(), Some(2), false);
        s.relate(leeg, vec![verborgen], false);
        let protection = Protection::for_min_count(5);
        s.primary(5);
        assert!(
            !s.cells[leeg].suppressed,
            "not sensitive: no primary suppression"
        );
        assert_eq!(audit(&s, protection).expect("solves").len(), 1);
        repair(&mut s, protection).expect("repairs");
        assert!(s.cells[leeg].suppressed);
        assert_eq!(s.counts().bounding_hidden, 1);
        // A large leeg count bounds nothing below min_count: it stays.
        let mut s = CellSystem::default();
        let leeg = s.bounding_cell("leeg".into(), Some(40), false);
        let verborgen = s.cell("verborgen".into(), Some(2), false);
        s.relate(leeg, vec![verborgen], false);
        s.primary(5);
        repair(&mut s, protection).expect("repairs");
        assert!(!s.cells[leeg].suppressed);
    }

    #[test]
    fn the_wider_search_hides_a_cell_of_the_relation_that_pins_from_further_out() {
        // Buurten x (3, hidden) and z (0) under a hidden wijk W (3); W is capped by its
        // gemeente G ≥ W + S (20 ≥ 3 + 17), so x ≤ W ≤ 3. W's local repair takes S.
        let mut s = CellSystem::default();
        let g = s.cell("G".into(), Some(20), false);
        let w = s.cell("W".into(), Some(3), false);
        let sib = s.cell("S".into(), Some(17), false);
        let x = s.cell("x".into(), Some(3), false);
        let z = s.cell("z".into(), Some(0), false);
        s.relate(g, vec![w, sib], false);
        s.relate(w, vec![x, z], false);
        let protection = Protection::for_min_count(5);
        s.primary(5);
        s.secondary();
        repair(&mut s, protection).expect("repairs");
        assert!(audit(&s, protection).expect("solves").is_empty());
        assert!(s.is_suppressed("S"), "the capping sibling is hidden");
        // With the zero also hidden, x's own relation has nothing published left: only the
        // wider search can reach S (the old repair stopped here and the run failed).
        let mut s = CellSystem::default();
        let g = s.cell("G".into(), Some(20), false);
        let w = s.cell("W".into(), Some(3), true);
        let sib = s.cell("S".into(), Some(17), false);
        let x = s.cell("x".into(), Some(3), true);
        let z = s.cell("z".into(), Some(0), true);
        s.relate(g, vec![w, sib], false);
        s.relate(w, vec![x, z], false);
        // x's own relation (W ≥ x + z) has no published cell left.
        let memberships = relations_of_cells(&s);
        assert!(local_candidates(&s, &memberships[x], x).is_empty());
        assert_eq!(wider_candidates(&s, &memberships, x).first(), Some(&sib));
        repair(&mut s, protection).expect("repairs");
        assert!(audit(&s, protection).expect("solves").is_empty());
        assert!(s.cells[sib].suppressed);
    }

    fn row(total: i64, parts: &[i64], hidden: &[usize]) -> CellSystem {
        let mut s = CellSystem::default();
        let t = s.cell("total".into(), Some(total), false);
        let p = parts
            .iter()
            .enumerate()
            .map(|(i, v)| s.cell(format!("p{i}"), Some(*v), hidden.contains(&i)))
            .collect();
        s.relate(t, p, true);
        s
    }

    #[test]
    fn cached_results_equal_a_fresh_audit_after_more_cells_are_hidden() {
        // Two independent rows; hiding one more cell in the second changes only that component.
        let mut s = row(8, &[5, 1, 2], &[1, 2]);
        let t = s.cell("total2".into(), Some(10), false);
        let parts = vec![
            s.cell("q0".into(), Some(3), true),
            s.cell("q1".into(), Some(7), false),
        ];
        s.relate(t, parts, true);
        let protection = Protection::for_min_count(5);
        let mut cache = AuditCache::default();
        let first = audit_with(&s, protection, &mut cache).expect("solves");
        assert_eq!(first, audit(&s, protection).expect("solves"));
        assert_eq!(first.len(), 3, "p1, p2 and q0 are exposed");
        let q1 = s.cells.iter().position(|c| c.label == "q1").expect("q1");
        s.cells[q1].suppressed = true;
        let second = audit_with(&s, protection, &mut cache).expect("solves");
        assert_eq!(second, audit(&s, protection).expect("solves"));
        assert_eq!(second.len(), 2, "q0 and q1 now lie in [0, 10]");
    }

    #[test]
    fn catches_an_under_suppressed_table() {
        // Total 10 and parts 3 (hidden) and 7 (shown): 3 = 10 − 7.
        let s = row(10, &[3, 7], &[0]);
        let exposed = audit(&s, Protection::for_min_count(5)).expect("solves");
        assert_eq!(exposed.len(), 1);
        assert!((exposed[0].min - 3.0).abs() < 1e-6 && (exposed[0].max - 3.0).abs() < 1e-6);
    }

    #[test]
    fn passes_two_hidden_parts_with_room() {
        // 3 and 7 hidden under a total of 10: each lies in [0, 10].
        let s = row(10, &[3, 7, 0], &[0, 1]);
        assert!(
            audit(&s, Protection::for_min_count(5))
                .expect("solves")
                .is_empty()
        );
    }

    #[test]
    fn an_upper_bound_below_min_count_is_exposure() {
        // Total 8, shown 5, hidden 1 and 2: each in [0, 3] — below 5, so exposed.
        let s = row(8, &[5, 1, 2], &[1, 2]);
        assert_eq!(
            audit(&s, Protection::for_min_count(5))
                .expect("solves")
                .len(),
            2
        );
        let mut s = s;
        let added = repair(&mut s, Protection::for_min_count(5)).expect("repairs");
        assert!(added >= 1 && s.is_suppressed("p0"));
        assert!(
            audit(&s, Protection::for_min_count(5))
                .expect("solves")
                .is_empty()
        );
    }

    #[test]
    fn a_wider_protection_level_is_configurable() {
        // 3 and 7 hidden under 10, 0 shown: [0, 10] passes the default, not a width of 12.
        let s = row(10, &[3, 7, 0], &[0, 1]);
        let strict = Protection {
            min_width: 12.0,
            min_upper: 5.0,
        };
        assert_eq!(audit(&s, strict).expect("solves").len(), 2);
    }

    #[test]
    fn inequalities_bound_from_one_side() {
        // Parent 20 ≥ hidden 3 + shown 6: the 3 lies in [0, 14] — protected.
        let mut s = CellSystem::default();
        let t = s.cell("T".into(), Some(20), false);
        let a = s.cell("a".into(), Some(3), true);
        let b = s.cell("b".into(), Some(6), false);
        s.relate(t, vec![a, b], false);
        assert!(
            audit(&s, Protection::for_min_count(5))
                .expect("solves")
                .is_empty()
        );
        // Parent 6 ≥ hidden 3 + shown 3: the 3 lies in [0, 3] — below 5, exposed.
        let mut s = CellSystem::default();
        let t = s.cell("T".into(), Some(6), false);
        let a = s.cell("a".into(), Some(3), true);
        let b = s.cell("b".into(), Some(3), false);
        s.relate(t, vec![a, b], false);
        assert_eq!(
            audit(&s, Protection::for_min_count(5))
                .expect("solves")
                .len(),
            1,
            "a ≤ 3"
        );
    }
}
