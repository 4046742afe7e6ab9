"""What disclosure control shows and hides, read off a published snapshot (the full tables
against `openbaar/`): the figures of issue 31, point 5. Run with the bench venv's python
(bench/peers/setup-venv), which has DuckDB:

    python bench/disclosure_figures.py SNAPSHOT_DIR [--min-count 5] [--json] [--forced LOG]

SNAPSHOT_DIR is a run directory or `current/` (it holds `manifest.json`, the full tables and
`openbaar/`). A figure is "shown" when its public cell is not hidden (its `_onderdrukt` flag is
false and it has a value); each share counts the cells whose true value is at least min_count.

With --forced LOG (the run's log at `RISICOBEELD_LOG=risicobeeld::disclosure=trace`), each share
gets an upper bound that no safe pattern passes: the run logs, per exact relation whose small
parts cannot reach min_count together, the safe cells of which every pattern hides one
(`pipeline/disclosure/forced.rs`); the least of the share's own cells that meets every such set
made only of them is hidden whatever the search does.
"""

import argparse
import itertools
import json
import pathlib
import re

import duckdb

LEVELS = ("gemeente", "district", "regio")


def table(snapshot, name, public):
    path = snapshot / ("openbaar" if public else "") / name
    return f"read_parquet('{path}/**/*.parquet', hive_partitioning = true, union_by_name = true)"


def share(con, sql, bound=None):
    """(shown, total) of the cells `sql` selects (columns `label`, `getoond`); with `bound` (the
    forcing sets), (shown, total, at most shown by any safe pattern)."""
    rows = con.sql(f"select label, getoond from ({sql})").fetchall()
    shown, total = sum(1 for _, g in rows if g), len(rows)
    if bound is None:
        return shown, total
    cells = {label for label, _ in rows}
    least = least_hidden(bound.sets, cells)
    return shown, total, total - max(least, least_hidden_paired(bound, cells))


class Forced:
    """What the run logged: the sets of which every safe pattern hides one (`cells="a | b"`),
    and the exact relations with their primary cells (hidden in every pattern)."""

    def __init__(self, log):
        text = log.read_text()
        sets = re.compile(r'any safe pattern hides one of these cells="([^"]*)"')
        self.sets = [frozenset(m.group(1).split(" | ")) for m in sets.finditer(text)]
        relations = re.compile(r'an exact relation cells="([^"]*)" primary="([^"]*)"')
        self.relations = [
            (m.group(1).split(" | "), set(m.group(2).split(" | ")) - {""})
            for m in relations.finditer(text)]


def least_hidden_paired(forced, cells):
    """A tighter least: the sets, and besides them that a hidden cell never stands alone in an
    exact relation (the relation would pin it to one value). As an integer program over every
    cell of the exact relations (those outside `cells` hide for free; a primary cell is hidden
    in every pattern), solved by HiGHS through SciPy; its dual bound where it stops early, which
    is still a lower bound. 0 without SciPy."""
    try:
        import numpy as np
        from scipy.optimize import Bounds, LinearConstraint, milp
        from scipy.sparse import coo_array
    except ImportError:
        return 0
    primary = set().union(*(p for _, p in forced.relations)) if forced.relations else set()
    index = {}
    for labels, _ in forced.relations:
        for c in labels:
            if c not in primary:
                index.setdefault(c, len(index))
    for s in forced.sets:
        for c in s:
            index.setdefault(c, len(index))
    rows, cols, vals, low = [], [], [], []

    def constraint(terms, at_least):
        for c, v in terms:
            rows.append(len(low))
            cols.append(index[c])
            vals.append(v)
        low.append(at_least)

    for s in forced.sets:
        constraint([(c, 1.0) for c in s], 1.0)
    for labels, hidden in forced.relations:
        free = [c for c in labels if c not in primary]
        if not hidden:
            # Each cell hidden here needs another hidden beside it: Σ others − self ≥ 0.
            for c in free:
                constraint([(d, 1.0) for d in free if d != c] + [(c, -1.0)], 0.0)
        elif len(hidden & set(labels)) == 1 and free:
            constraint([(c, 1.0) for c in free], 1.0)
    if not index or not low:
        return 0
    cost = np.zeros(len(index))
    for c, i in index.items():
        if c in cells:
            cost[i] = 1.0
    matrix = coo_array((vals, (rows, cols)), shape=(len(low), len(index))).tocsr()
    result = milp(cost, integrality=np.ones(len(index)), bounds=Bounds(0, 1),
                  constraints=LinearConstraint(matrix, np.array(low), np.inf),
                  options={"time_limit": 60})
    bound = result.fun if result.status == 0 else getattr(result, "mip_dual_bound", 0) or 0
    return int(np.ceil(bound - 1e-6))


def least_hidden(sets, cells):
    """The fewest of `cells` meeting every set made only of them: per group of sets that share
    a cell, the least hitting set (exactly for groups of up to 16 cells, else a packing of
    disjoint sets, which is still a lower bound)."""
    sets = [s for s in sets if s <= cells]
    parent = {}

    def root(x):
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for s in sets:
        first, *rest = sorted(s)
        for x in rest:
            parent[root(x)] = root(first)
    groups = {}
    for s in sets:
        groups.setdefault(root(min(s)), []).append(s)
    least = 0
    for group in groups.values():
        members = sorted(set().union(*group))
        if len(members) <= 16:
            least += next(
                k for k in range(1, len(members) + 1)
                if any(all(s & set(pick) for s in group)
                       for pick in itertools.combinations(members, k)))
        else:
            disjoint = []
            for s in sorted(group, key=len):
                if not any(s & t for t in disjoint):
                    disjoint.append(s)
            least += len(disjoint)
    return least


def figures(snapshot, min_count, sets=None):
    con = duckdb.connect()
    full_e, open_e = table(snapshot, "evaluatie", False), table(snapshot, "evaluatie", True)
    full_g, open_g = (table(snapshot, "gebied_indicatoren", x) for x in (False, True))
    full_f, open_f = (table(snapshot, "signalen_fasen", x) for x in (False, True))
    key_e = "niveau, gebiedscode, periode, indicator"
    # The evaluation's signal rows (signals, forms, phases reached) joined to their public cell.
    evaluatie = f"""
        select f.niveau, f.periodesoort, f.waarde as echt,
               concat_ws(' ', 'evaluatie', niveau, gebiedscode, periode, indicator) as label,
               o.waarde is not null and not coalesce(o.waarde_onderdrukt, false) as getoond
        from {full_e} f join {open_e} o using ({key_e})
        where f.onderdeel = 'signalering' and f.waarde >= {min_count}"""
    out = {}
    for level in LEVELS:
        out[f"jaar_signalen_{level}"] = share(con, f"""
            select * from ({evaluatie})
            where periodesoort = 'jaar' and niveau = '{level}'""", sets)
    if sets is not None:
        out["jaar_signalen_alle_niveaus"] = share(con, f"""
            select * from ({evaluatie}) where periodesoort = 'jaar'""", sets)
    # An upper bound for any safe pattern under docs/disclosure.md's rule that a parent is never
    # hidden where a sibling suffices: in a district, year and signal figure whose small
    # gemeenten (1 … min_count − 1) sum to less than min_count, none of them can reach
    # min_count unless a gemeente of min_count or more gives way — hidden too (a 0 cannot give
    # way). So each such group hides at least one figure ≥ min_count, whatever the search does;
    # the other relations (forms, phases, halves, the regio) can only force more.
    forced = con.sql(f"""
        with g as (
            select district_code, jaar, indicator, waarde from {full_e}
            where niveau = 'gemeente' and periodesoort = 'jaar' and onderdeel = 'signalering'),
        groep as (
            select sum(case when waarde between 1 and {min_count - 1} then waarde else 0 end) as klein,
                   count(*) filter (where waarde >= {min_count}) as groot
            from g group by district_code, jaar, indicator)
        select count(*) from groep where klein > 0 and klein < {min_count} and groot > 0
        """).fetchone()[0]
    total = out["jaar_signalen_gemeente"][1]
    out["jaar_signalen_gemeente_bovengrens"] = (total - int(forced), total)
    signal_columns = [
        r[0] for r in con.sql(f"describe select * from {full_g}").fetchall()
        if r[0].startswith("signalen_") and not r[0].endswith("_onderdrukt")
        and r[1] in ("BIGINT", "INTEGER")
    ]
    key_g = "niveau, gebiedscode, periode"
    gebied_cells = " union all ".join(
        f"""select f.niveau, f.periode, '{c}' as kolom, f.{c} as echt,
                   concat_ws(' ', 'gebied_indicatoren', niveau, gebiedscode, periode, '{c}')
                       as label,
                   o.{c} is not null and not coalesce(o.{c}_onderdrukt, false) as getoond
            from {full_g} f join {open_g} o using ({key_g})"""
        for c in signal_columns + ["rni_ingeschrevenen", "verborgen_bewoning"])
    levels = ", ".join(f"'{x}'" for x in LEVELS)
    fasen_cells = " union all ".join(
        f"""select f.{c} as echt,
                   concat_ws(' ', 'signalen_fasen', gebiedscode, periode, vorm, 'fase', fase,
                             '{c}') as label,
                   o.{c} is not null and not coalesce(o.{c}_onderdrukt, false) as getoond
            from {full_f} f join {open_f} o using (gebiedscode, periode, vorm, fase)"""
        for c in ("aantal", "bereikt"))
    out["alle_signaalcellen"] = share(con, f"""
        select label, getoond from (
            select echt, label, getoond from ({gebied_cells})
            where kolom like 'signalen_%' and niveau in ({levels})
            union all select echt, label, getoond from ({fasen_cells})
            union all select echt, label, getoond from ({evaluatie})
        ) where echt >= {min_count}""", sets)
    latest = con.sql(f"select max(periode) from {full_g} where periode like '%-Q%'").fetchone()[0]
    for column in ("rni_ingeschrevenen", "verborgen_bewoning", "signalen_totaal"):
        out[f"laatste_kwartaal_gemeente_{column}"] = share(con, f"""
            select * from ({gebied_cells})
            where niveau = 'gemeente' and periode = '{latest}' and kolom = '{column}'
              and echt >= {min_count}""", sets)
    manifest = json.loads((snapshot / "manifest.json").read_text())
    d = manifest["disclosure"]
    beyond = d.get("secondary", 0) + d.get("fallback", 0)
    out["verborgen_buiten_primair"] = (beyond, d["cells"])
    out["laatste_kwartaal"] = latest
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", type=pathlib.Path)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--forced", type=pathlib.Path,
                        help="the run's log at RISICOBEELD_LOG=risicobeeld::disclosure=trace")
    args = parser.parse_args()
    sets = Forced(args.forced) if args.forced else None
    result = figures(args.snapshot.resolve(), args.min_count, sets)
    if args.json:
        print(json.dumps(result))
        return
    for name, value in result.items():
        if isinstance(value, tuple):
            shown, total = value[:2]
            pct = 100 * shown / total if total else float("nan")
            line = f"{name:48} {shown:>7} of {total:<7} ({pct:.1f} %)"
            if len(value) == 3:
                most = value[2]
                line += f"   at most {most} ({100 * most / total if total else float('nan'):.1f} %)"
            print(line)
        else:
            print(f"{name:48} {value}")


if __name__ == "__main__":
    main()
