"""The DuckDB peer of the benchmark: reads an input drop (CSV or Parquet), runs
duckdb_peer.sql and writes gebied_indicatoren, kvk_sectoren and signalen_fasen as Parquet.

    python duckdb_peer.py --input DROP --out DIR --vocabulary VOCABULARY.json
"""

import argparse
import json
import pathlib

import duckdb
import duckdb_extension_spatial

HERE = pathlib.Path(__file__).parent
TABLES = ["gebied_indicatoren", "kvk_sectoren", "signalen_fasen"]

# Column types for the CSV variant; the Parquet variant carries its own.
TYPES = {
    "verblijfsobjecten": {
        "peildatum": "DATE", "verblijfsobject_id": "VARCHAR", "buurtcode": "VARCHAR",
        "x": "DOUBLE", "y": "DOUBLE", "postcode": "VARCHAR", "huisnummer": "INTEGER",
        "bewoners_brp": "INTEGER", "vestigingen_hr": "INTEGER", "woz_gebruik": "BOOLEAN",
    },
    "rni": {
        "peildatum": "DATE", "verblijfsobject_id": "VARCHAR", "postcode": "VARCHAR",
        "huisnummer": "INTEGER", "ingeschrevenen": "INTEGER",
    },
    "kvk": {
        "vestigingsnummer": "VARCHAR", "kvk_nummer": "VARCHAR", "sbi_code": "VARCHAR",
        "datum_inschrijving": "DATE", "datum_uitschrijving": "DATE",
        "verblijfsobject_id": "VARCHAR", "postcode": "VARCHAR", "huisnummer": "INTEGER",
        "x": "DOUBLE", "y": "DOUBLE",
    },
    "signalen": {"periode": "VARCHAR", "gebiedscode": "VARCHAR", "fase": "INTEGER", "aantal": "INTEGER"},
    "districten": {c: "VARCHAR" for c in
                   ["gemeentecode", "district_code", "district_naam", "regio_code", "regio_naam"]},
    "bevolking": {"gebiedscode": "VARCHAR", "jaar": "INTEGER", "inwoners": "BIGINT"},
}


def reader(drop: pathlib.Path, pattern: str, types: dict) -> str:
    """A table function over the files of one input, CSV or Parquet, whichever the drop has."""
    parquet = sorted(drop.glob(pattern + ".parquet"))
    if parquet:
        return f"read_parquet('{drop}/{pattern}.parquet', union_by_name = true)"
    if not sorted(drop.glob(pattern + ".csv")):
        raise SystemExit(f"no files for {pattern} in {drop}")
    spec = "{" + ", ".join(f"'{k}': '{v}'" for k, v in types.items()) + "}"
    return (f"read_csv('{drop}/{pattern}.csv', header = true, union_by_name = true, "
            f"types = {spec})")


def load_spatial(con):
    extension = (pathlib.Path(duckdb_extension_spatial.__file__).parent / "extensions"
                 / f"v{duckdb.__version__}" / "spatial.duckdb_extension")
    con.execute(f"LOAD '{extension}'")


def define_inputs(con, drop: pathlib.Path):
    views = {
        "raw_objecten": ("verblijfsobjecten/*", TYPES["verblijfsobjecten"]),
        "raw_rni": ("rni/*", TYPES["rni"]),
        "raw_kvk": ("kvk/*", TYPES["kvk"]),
        "raw_signalen": ("signalen/*", TYPES["signalen"]),
        "raw_districten": ("gebieden/districten", TYPES["districten"]),
        "raw_bevolking": ("bevolking", TYPES["bevolking"]),
    }
    for name, (pattern, types) in views.items():
        con.execute(f"create view {name} as select * from {reader(drop, pattern, types)}")
    boundaries = sorted((drop / "gebieden").glob("*.geojson"))
    union = " union all ".join(
        f"select statcode as code, statnaam as naam, geom from ST_Read('{f}')" for f in boundaries)
    con.execute(f"create temp table gebieden_geo as {union}")


def signal_form_sums(vocabulary) -> str:
    """The signals of a gemeente and period per form column, as the vocabulary maps forms to
    columns (`vormen`: each form and the column it counts in)."""
    columns = {}
    for entry in vocabulary["vormen"]:
        columns.setdefault(entry["kolom"], []).append(entry["vorm"])
    return ",\n           ".join(
        "coalesce(sum(s.aantal) filter (where s.vorm in ({})), 0) as {}".format(
            ", ".join(f"'{v}'" for v in forms), column)
        for column, forms in columns.items())


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", required=True, type=pathlib.Path)
    parser.add_argument("--out", required=True, type=pathlib.Path)
    parser.add_argument("--vocabulary", required=True, type=pathlib.Path,
                        help="the JSON of `risicobeeld vocabulary` (signal forms and their columns)")
    args = parser.parse_args()
    vocabulary = json.loads(args.vocabulary.read_text())
    args.out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    load_spatial(con)
    define_inputs(con, args.input.resolve())
    con.execute((HERE / "duckdb_peer.sql").read_text().replace(
        "{signal_form_sums}", signal_form_sums(vocabulary)))
    for table in TABLES:
        con.execute(f"copy {table} to '{args.out / table}.parquet' (format parquet, compression zstd)")


if __name__ == "__main__":
    main()
