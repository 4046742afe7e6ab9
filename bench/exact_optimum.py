"""The search's hidden pattern against the exact optimum, on the parts small enough to solve.

    python bench/exact_optimum.py LOG [--min-upper 5] [--time-limit 120] [--json]

LOG is a run's log at `RISICOBEELD_LOG=risicobeeld::disclosure=trace,info`: every connected part
of at most 400 cells in which the search hid a cell is traced whole
(`pipeline/disclosure/forced.rs`, `trace_parts`). For each, this solves the least-cost safe
pattern exactly, as an integer program (Fischetti & Salazar-González's model; HiGHS through
SciPy): a 0/1 variable per cell not hidden before the search (hide it or not), and for every
sensitive cell that is or may be hidden a deviation of the true values that keeps every relation
of the part and every count ≥ 0, moves only hidden cells, and moves the cell up to `min_upper`
(a cell below it) or by at least one either way (a cell at or above it, which must not be pinned
to one value). That is exactly the audit's rule (docs/disclosure.md): such a deviation is a point
the attacker's programs allow. The cost of a pattern is the cost of the cells it hides beyond
those hidden before the search, each its `Cell::cost` (importance × (1 + ln(1 + value))) — the
fixed charge the search's programs approximate per unit moved.

Per part it prints the search's cost and the optimum's, the cells each hides beyond primary, and
the safe cells (≥ `min_upper`, sensitive) each hides; it also checks that the search's own pattern
is feasible in the model (a check of the model against the audit).
"""

import argparse
import json
import pathlib
import sys
import time

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

MARKER = "disclosure: a small part whole part="


def parts(log):
    for line in log.open():
        if MARKER in line:
            yield json.loads(line.split(MARKER, 1)[1])


def solve(part, min_upper, time_limit, fixed=None):
    """The least-cost safe pattern of `part`: (status, cost, hidden flags, seconds). With `fixed`
    (hidden flags), only whether that pattern is safe."""
    cells = part["cells"]
    n = len(cells)
    value = [c[1] if c[1] is not None else 0 for c in cells]
    cost = [c[2] for c in cells]
    sensitive = [c[3] for c in cells]
    before = [c[4] for c in cells]
    relations = part["relations"]
    big = 4.0 * (sum(value) + min_upper)  # no deviation needs to move a cell further

    # Columns: x (n), then per requirement a deviation y (n each), then u/d choice binaries.
    requirements = []  # (cell, kind): kind "up" needs y_cell ≥ min_upper − v; "up1"/"down1"
    for i in range(n):
        if not sensitive[i]:
            continue
        if value[i] < min_upper:
            requirements.append((i, "up"))
        else:
            requirements.append((i, "up1"))
            requirements.append((i, "down1"))
    choice = {i: k for k, i in enumerate(sorted({i for i, kind in requirements if kind != "up"}))}
    ncols = n + n * len(requirements) + 2 * len(choice)

    def x(i):
        return i

    def y(r, j):
        return n + r * n + j

    def u(i):
        return n + n * len(requirements) + 2 * choice[i]

    def d(i):
        return u(i) + 1

    rows, cols, vals, lo, hi = [], [], [], [], []

    def row(terms, low, high):
        k = len(lo)
        for c, v in terms:
            rows.append(k)
            cols.append(c)
            vals.append(v)
        lo.append(low)
        hi.append(high)

    for r, (i, kind) in enumerate(requirements):
        for terms, exact in relations:
            # Σ coef · (v + y) (= or ≥) 0 after the move; the true values meet it already.
            slack = sum(coef * value[j] for j, coef in terms)
            expr = [(y(r, j), coef) for j, coef in terms]
            row(expr, 0.0 if exact else -slack, 0.0 if exact else np.inf)
        for j in range(n):
            # Only a hidden cell moves, and a count never falls below 0.
            row([(y(r, j), 1.0), (x(j), -big)], -np.inf, 0.0)
            row([(y(r, j), 1.0), (x(j), float(value[j]))], 0.0, np.inf)
        need = min_upper - value[i]
        if kind == "up":
            row([(y(r, i), 1.0), (x(i), -need)], 0.0, np.inf)
        elif kind == "up1":
            row([(y(r, i), 1.0), (u(i), -1.0)], 0.0, np.inf)
        else:
            row([(y(r, i), 1.0), (d(i), 1.0)], -np.inf, 0.0)
    for i in choice:
        # A hidden cell at or above the level moves up or down by one.
        row([(u(i), 1.0), (d(i), 1.0), (x(i), -1.0)], 0.0, np.inf)

    lower = np.full(ncols, -np.inf)
    upper = np.full(ncols, np.inf)
    integrality = np.zeros(ncols)
    objective = np.zeros(ncols)
    for i in range(n):
        integrality[x(i)] = 1
        hidden = before[i] or (fixed is not None and fixed[i])
        lower[x(i)] = 1.0 if hidden else 0.0
        upper[x(i)] = 1.0 if (fixed is None or hidden) else 0.0
        objective[x(i)] = 0.0 if before[i] else cost[i]
    for i in choice:
        for c in (u(i), d(i)):
            integrality[c] = 1
            lower[c], upper[c] = 0.0, 1.0
    matrix = coo_array((vals, (rows, cols)), shape=(len(lo), ncols)).tocsr()
    started = time.perf_counter()
    result = milp(objective, integrality=integrality, bounds=Bounds(lower, upper),
                  constraints=LinearConstraint(matrix, np.array(lo), np.array(hi)),
                  options={"time_limit": time_limit, "mip_rel_gap": 0.0})
    seconds = time.perf_counter() - started
    if result.x is None:
        return result.status, None, None, seconds, None
    hidden = [result.x[x(i)] > 0.5 for i in range(n)]
    bound = getattr(result, "mip_dual_bound", None)
    return result.status, result.fun, hidden, seconds, bound


def describe(part, hidden, min_upper):
    cells = part["cells"]
    beyond = [i for i, c in enumerate(cells) if hidden[i] and not c[4]]
    safe = [i for i in beyond if cells[i][3] and (cells[i][1] or 0) >= min_upper]
    return sum(cells[i][2] for i in beyond), len(beyond), len(safe)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=pathlib.Path)
    parser.add_argument("--min-upper", type=float, default=5.0)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    out = []
    for part in parts(args.log):
        cells = part["cells"]
        searched = [c[5] for c in cells]
        s_cost, s_beyond, s_safe = describe(part, searched, args.min_upper)
        check = solve(part, args.min_upper, args.time_limit, fixed=searched)
        status, fun, hidden, seconds, bound = solve(part, args.min_upper, args.time_limit)
        kind = " ".join(cells[0][0].split()[:1] + cells[0][0].split()[-1:])
        entry = {
            "part": kind, "cells": len(cells), "search_safe_pattern": check[0] == 0,
            "search": {"cost": round(s_cost, 3), "beyond": s_beyond, "safe": s_safe},
            "status": int(status), "seconds": round(seconds, 1),
        }
        if hidden is not None:
            o_cost, o_beyond, o_safe = describe(part, hidden, args.min_upper)
            entry["optimum"] = {"cost": round(o_cost, 3), "beyond": o_beyond, "safe": o_safe,
                                "proved": status == 0,
                                "bound": None if bound is None else round(bound, 3)}
        out.append(entry)
        if not args.json:
            o = entry.get("optimum", {})
            print(f"{kind:48} {len(cells):4} cells  search {s_cost:8.2f} ({s_beyond:2} cells, "
                  f"{s_safe:2} safe)  optimum {o.get('cost', float('nan')):8.2f} "
                  f"({o.get('beyond', '-')} cells, {o.get('safe', '-')} safe)"
                  f"{'' if status == 0 else ' not proved'}  {seconds:6.1f} s"
                  f"{'' if entry['search_safe_pattern'] else '  SEARCH PATTERN NOT SAFE?'}",
                  flush=True)
    if args.json:
        print(json.dumps(out))
        return
    total = lambda key, field: sum(e[key][field] for e in out if key in e and "optimum" in e)
    print(f"parts {len(out)}, solved {sum(1 for e in out if e.get('optimum', {}).get('proved'))}; "
          f"search cost {total('search', 'cost'):.1f} against {total('optimum', 'cost'):.1f}, "
          f"cells beyond primary {total('search', 'beyond')} against {total('optimum', 'beyond')}, "
          f"safe cells {total('search', 'safe')} against {total('optimum', 'safe')}")


if __name__ == "__main__":
    sys.exit(main())
