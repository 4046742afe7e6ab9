"""What disclosure control shows and hides, read off a published snapshot (the full tables
against `openbaar/`): the figures of issue 31, point 5. Run with the bench venv's python
(bench/peers/setup-venv), which has DuckDB:

    python bench/disclosure_figures.py SNAPSHOT_DIR [--min-count 5] [--json]

SNAPSHOT_DIR is a run directory or `current/` (it holds `manifest.json`, the full tables and
`openbaar/`). A figure is "shown" when its public cell is not hidden (its `_onderdrukt` flag is
false and it has a value); each share counts the cells whose true value is at least min_count.
"""

import argparse
import json
import pathlib

import duckdb

LEVELS = ("gemeente", "district", "regio")


def table(snapshot, name, public):
    path = snapshot / ("openbaar" if public else "") / name
    return f"read_parquet('{path}/**/*.parquet', hive_partitioning = true, union_by_name = true)"


def share(con, sql):
    shown, total = con.sql(sql).fetchone()
    return int(shown or 0), int(total or 0)


def figures(snapshot, min_count):
    con = duckdb.connect()
    full_e, open_e = table(snapshot, "evaluatie", False), table(snapshot, "evaluatie", True)
    full_g, open_g = (table(snapshot, "gebied_indicatoren", x) for x in (False, True))
    full_f, open_f = (table(snapshot, "signalen_fasen", x) for x in (False, True))
    key_e = "niveau, gebiedscode, periode, indicator"
    # The evaluation's signal rows (signals, forms, phases reached) joined to their public cell.
    evaluatie = f"""
        select f.niveau, f.periodesoort, f.waarde as echt,
               o.waarde is not null and not coalesce(o.waarde_onderdrukt, false) as getoond
        from {full_e} f join {open_e} o using ({key_e})
        where f.onderdeel = 'signalering' and f.waarde >= {min_count}"""
    out = {}
    for level in LEVELS:
        out[f"jaar_signalen_{level}"] = share(con, f"""
            select count(*) filter (where getoond), count(*) from ({evaluatie})
            where periodesoort = 'jaar' and niveau = '{level}'""")
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
                   o.{c} is not null and not coalesce(o.{c}_onderdrukt, false) as getoond
            from {full_g} f join {open_g} o using ({key_g})"""
        for c in signal_columns + ["rni_ingeschrevenen", "verborgen_bewoning"])
    levels = ", ".join(f"'{x}'" for x in LEVELS)
    fasen_cells = " union all ".join(
        f"""select f.{c} as echt,
                   o.{c} is not null and not coalesce(o.{c}_onderdrukt, false) as getoond
            from {full_f} f join {open_f} o using (gebiedscode, periode, vorm, fase)"""
        for c in ("aantal", "bereikt"))
    out["alle_signaalcellen"] = share(con, f"""
        select count(*) filter (where getoond), count(*) from (
            select echt, getoond from ({gebied_cells})
            where kolom like 'signalen_%' and niveau in ({levels})
            union all select echt, getoond from ({fasen_cells})
            union all select echt, getoond from ({evaluatie})
        ) where echt >= {min_count}""")
    latest = con.sql(f"select max(periode) from {full_g} where periode like '%-Q%'").fetchone()[0]
    for column in ("rni_ingeschrevenen", "verborgen_bewoning", "signalen_totaal"):
        out[f"laatste_kwartaal_gemeente_{column}"] = share(con, f"""
            select count(*) filter (where getoond), count(*) from ({gebied_cells})
            where niveau = 'gemeente' and periode = '{latest}' and kolom = '{column}'
              and echt >= {min_count}""")
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
    args = parser.parse_args()
    result = figures(args.snapshot.resolve(), args.min_count)
    if args.json:
        print(json.dumps(result))
        return
    for name, value in result.items():
        if isinstance(value, tuple):
            shown, total = value
            pct = 100 * shown / total if total else float("nan")
            print(f"{name:48} {shown:>7} of {total:<7} ({pct:.1f} %)")
        else:
            print(f"{name:48} {value}")


if __name__ == "__main__":
    main()
