"""Checks that a peer computed what risicobeeld computed: every row of gebied_indicatoren,
kvk_sectoren and signalen_fasen, matched on its key, with equal values in every column the peer
writes (floats to 1e-9 relative). Exit 1 and the first differences when they do not agree.

    python compare.py RISICOBEELD_DIR PEER_DIR

RISICOBEELD_DIR is a snapshot (hive-partitioned `<table>/district=*/part-*.parquet`) or a
directory of `<table>.parquet` files; so is PEER_DIR.
"""

import pathlib
import sys

import duckdb

KEYS = {
    "gebied_indicatoren": ["niveau", "gebiedscode", "periode"],
    "kvk_sectoren": ["niveau", "gebiedscode", "periode", "sector"],
    "signalen_fasen": ["gebiedscode", "periode", "vorm", "fase"],
}


def source(directory: pathlib.Path, table: str) -> str:
    single = directory / f"{table}.parquet"
    if single.is_file():
        return f"read_parquet('{single}')"
    return f"(select * exclude (district) from read_parquet('{directory / table}/**/*.parquet', hive_partitioning = true))"


def differences(con, ours: pathlib.Path, peer: pathlib.Path, table: str):
    con.execute(f"create or replace temp view a as select * from {source(ours, table)}")
    con.execute(f"create or replace temp view b as select * from {source(peer, table)}")
    types = dict(con.execute("select column_name, column_type from (describe b)").fetchall())
    keys = KEYS[table]
    missing = [c for c in types if c not in
               {r[0] for r in con.execute("select column_name from (describe a)").fetchall()}]
    if missing:
        return 0, [f"columns the peer writes but risicobeeld does not: {missing}"]
    on = " and ".join(f"a.{k} = b.{k}" for k in keys)
    found = []
    rows = con.execute("select count(*) from a").fetchone()[0]
    for side, other in (("a", "b"), ("b", "a")):
        n = con.execute(f"select count(*) from {side} anti join {other} using ({', '.join(keys)})").fetchone()[0]
        if n:
            sample = con.execute(f"select {', '.join(keys)} from {side} anti join {other} using ({', '.join(keys)}) limit 3").fetchall()
            found.append(f"{n} rows only in {'risicobeeld' if side == 'a' else 'the peer'}, e.g. {sample}")
    for column, kind in types.items():
        if column in keys:
            continue
        if kind in ("DOUBLE", "FLOAT") or kind.startswith("DECIMAL"):
            same = (f"(a.{column} is null and b.{column} is null) or "
                    f"abs(a.{column} - b.{column}) <= 1e-9 * greatest(1, abs(a.{column}))")
        else:
            same = f"a.{column} is not distinct from b.{column}"
        query = f"from a join b on {on} where not coalesce({same}, false)"
        n = con.execute(f"select count(*) {query}").fetchone()[0]
        if n:
            sample = con.execute(
                f"select {', '.join('a.' + k for k in keys)}, a.{column}, b.{column} {query} limit 3").fetchall()
            found.append(f"{column}: {n} rows differ, e.g. (key…, risicobeeld, peer) {sample}")
    return rows, found


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    ours, peer = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    con = duckdb.connect()
    failed = False
    for table in KEYS:
        rows, found = differences(con, ours, peer, table)
        if found:
            failed = True
            print(f"{table}: DIFFERENT")
            for line in found:
                print(f"  {line}")
        else:
            print(f"{table}: {rows} rows, equal")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
