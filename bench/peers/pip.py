"""Point-in-polygon throughput of the peers' tools, for comparison with bench-pip: shapely's
STRtree (the Polars peer) and DuckDB's spatial join (the DuckDB peer), placing uniform random
points in the drop's buurten. Prints one JSON line per tool.

    python pip.py --input DROP --points N
"""

import argparse
import json
import pathlib
import time

import duckdb
import numpy as np
import shapely

import duckdb_peer
import polars_peer


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", required=True, type=pathlib.Path)
    parser.add_argument("--points", type=int, default=5_000_000)
    args = parser.parse_args()
    names, shapes = polars_peer.boundaries(args.input)
    codes = names["gebiedscode"].to_list()
    buurten = [s for c, s in zip(codes, shapes) if c.startswith("BU")]
    x0, y0, x1, y1 = shapely.total_bounds(shapes)
    rng = np.random.default_rng(7)
    x, y = rng.uniform(x0, x1, args.points), rng.uniform(y0, y1, args.points)

    started = time.perf_counter()
    tree = shapely.STRtree(buurten)
    placed = tree.query(shapely.points(x, y), predicate="within")[0].size
    seconds = time.perf_counter() - started
    print(json.dumps({"tool": "shapely STRtree (Polars peer)", "threads": 1, "points": args.points,
                      "placed": int(placed), "seconds": round(seconds, 3),
                      "points_per_second": args.points / seconds}))

    con = duckdb.connect()
    duckdb_peer.load_spatial(con)
    files = sorted((args.input / "gebieden").glob("*.geojson"))
    union = " union all ".join(f"select statcode as code, geom from ST_Read('{f}')" for f in files)
    con.execute(f"create table buurten as select * from ({union}) where code like 'BU%'")
    con.register("xy", {"x": x, "y": y})
    con.execute("create table punten as select * from xy")
    started = time.perf_counter()
    placed = con.execute("select count(*) from punten p join buurten b on ST_Contains(b.geom, ST_Point(p.x, p.y))").fetchone()[0]
    seconds = time.perf_counter() - started
    threads = con.execute("select current_setting('threads')").fetchone()[0]
    print(json.dumps({"tool": "DuckDB spatial join", "threads": threads, "points": args.points,
                      "placed": int(placed), "seconds": round(seconds, 3),
                      "points_per_second": args.points / seconds}))


if __name__ == "__main__":
    main()
