//! Interop: the published tables read as they are by DuckDB and pyarrow (installed from PyPI into
//! a virtualenv next to the build by `bench/peers/setup-venv`), with hive partitioning.

use std::process::Command;

use crate::util::{Drop, python};

#[test]
fn duckdb_and_pyarrow_read_the_hive_partitioned_tables() {
    let drop = Drop::of("mini");
    assert_eq!(drop.run(&[]).code, 0);
    let current = drop.out().join("current");
    let script = r#"
import sys, duckdb, pyarrow.dataset as ds
root = sys.argv[1]
con = duckdb.connect()
rows = con.sql(f"""
    select district, niveau, gebiedscode, vbo_in_gebruik, leeg_pct, risico_bijdragen.leeg_pct as bijdrage
    from read_parquet('{root}/gebied_indicatoren/*/*.parquet', hive_partitioning = true)
    where periode = '2024-Q1' and gebiedscode in ('GM0001', 'R1') order by gebiedscode""").fetchall()
assert rows[0][0] == 'D1' and rows[0][3] == 4 and abs(rows[0][4] - 50.0) < 1e-9, rows
assert rows[1][0] is None, rows  # the regio row lives in the null partition
n = con.sql(f"select count(*) from read_parquet('{root}/trends/**/*.parquet', hive_partitioning = true)").fetchone()[0]
assert n > 0
t = ds.dataset(f"{root}/gebied_indicatoren", format="parquet", partitioning="hive").to_table()
d = t.to_pydict()
i = [k for k, c in enumerate(d["gebiedscode"]) if c == "GM0001" and d["periode"][k] == "2024-Q1"][0]
assert d["district"][i] == "D1" and d["leeg_aantal"][i] == 2, d["district"][i]
assert t.schema.field("periode_start").type.__str__() == "date32[day]"
k = ds.dataset(f"{root}/kwaliteit", format="parquet").to_table()
assert k.num_rows > 0
print("ok", len(rows), n, t.num_rows)
"#;
    let output = Command::new(python())
        .arg("-c")
        .arg(script)
        .arg(&current)
        .output()
        .expect("run python");
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
