//! Helpers shared by the integration tests: running the binary, copying fixtures, and reading
//! published Parquet tables back into plain rows.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::time::Duration;

use risicobeeld::datafusion_reexport::arrow::array::{
    Array, BooleanArray, Date32Array, Float64Array, Int32Array, Int64Array, StringArray,
    StructArray,
};
use risicobeeld::datafusion_reexport::arrow::datatypes::DataType;
use risicobeeld::datafusion_reexport::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// Runs a future to completion (tests that write Parquet through DataFusion).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(future)
}

/// The checkout the tests run in. Cargo sets `CARGO_MANIFEST_DIR` when it runs a test; the
/// compile-time value is only a fallback, because a test binary reused from a build in another
/// clone (a shared `CARGO_TARGET_DIR`) carries that clone's path.
pub fn repo() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("fixtures").join(name)
}

/// Copies a directory tree (a fixture) to `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// A temporary directory holding a copy of `fixtures/<name>` under `input/`.
pub struct Drop {
    pub dir: tempfile::TempDir,
}

impl Drop {
    pub fn of(name: &str) -> Drop {
        let dir = tempfile::tempdir().expect("tempdir");
        copy_dir(&fixture(name), &dir.path().join("input"));
        Drop { dir }
    }

    pub fn input(&self) -> PathBuf {
        self.dir.path().join("input")
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.input().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write input file");
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let p = self.input().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write input file");
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.input().join(rel)).expect("read input file")
    }

    /// `risicobeeld run --input … --out …` plus `extra` arguments.
    pub fn run(&self, extra: &[&str]) -> Outcome {
        let input = self.input();
        let out = self.out();
        let mut args = vec![
            "run",
            "--input",
            input.to_str().expect("utf8"),
            "--out",
            out.to_str().expect("utf8"),
        ];
        args.extend_from_slice(extra);
        risicobeeld_cmd(&args)
    }

    pub fn current(&self) -> Option<String> {
        std::fs::read_link(self.out().join("current"))
            .ok()
            .map(|p| p.to_string_lossy().to_string())
    }
}

pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Outcome {
    fn from(o: Output) -> Self {
        Outcome {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).to_string(),
            stderr: String::from_utf8_lossy(&o.stderr).to_string(),
        }
    }
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_risicobeeld")
}

/// Writes the demo drop to `<dir>/input` and publishes it under `<dir>/out`.
pub fn demo_run(dir: &Path) {
    let input = dir.join("input");
    let out = dir.join("out");
    let demo = risicobeeld_cmd(&["demo", "--out", input.to_str().expect("utf8")]);
    assert_eq!(demo.code, 0, "{}", demo.stderr);
    let run = run_drop(&input, &out);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// `risicobeeld run --input <input> --out <out>`.
pub fn run_drop(input: &Path, out: &Path) -> Outcome {
    risicobeeld_cmd(&[
        "run",
        "--input",
        input.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
    ])
}

pub fn risicobeeld_cmd(args: &[&str]) -> Outcome {
    Command::new(bin())
        .args(args)
        .env("RISICOBEELD_LOG", "warn")
        .output()
        .expect("run risicobeeld")
        .into()
}

/// One cell of a table read back.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    Null,
    I(i64),
    F(f64),
    S(String),
    B(bool),
    Struct(BTreeMap<String, V>),
}

impl V {
    pub fn f(&self) -> Option<f64> {
        match self {
            V::F(x) => Some(*x),
            V::I(i) => Some(*i as f64),
            _ => None,
        }
    }

    pub fn i(&self) -> Option<i64> {
        match self {
            V::I(i) => Some(*i),
            _ => None,
        }
    }
}

fn cell(array: &dyn Array, row: usize) -> V {
    if array.is_null(row) {
        return V::Null;
    }
    let any = array.as_any();
    match array.data_type() {
        DataType::Int64 => V::I(any.downcast_ref::<Int64Array>().expect("i64").value(row)),
        DataType::Int32 => V::I(i64::from(
            any.downcast_ref::<Int32Array>().expect("i32").value(row),
        )),
        DataType::Float64 => V::F(any.downcast_ref::<Float64Array>().expect("f64").value(row)),
        DataType::Utf8 => V::S(
            any.downcast_ref::<StringArray>()
                .expect("utf8")
                .value(row)
                .to_string(),
        ),
        DataType::Boolean => V::B(any.downcast_ref::<BooleanArray>().expect("bool").value(row)),
        DataType::Date32 => V::I(i64::from(
            any.downcast_ref::<Date32Array>().expect("date").value(row),
        )),
        DataType::Struct(fields) => {
            let s = any.downcast_ref::<StructArray>().expect("struct");
            V::Struct(
                fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| (f.name().clone(), cell(s.column(i).as_ref(), row)))
                    .collect(),
            )
        }
        other => panic!("unexpected type {other}"),
    }
}

pub type Row = BTreeMap<String, V>;

fn parquet_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read table dir").flatten() {
        if e.path().is_dir() {
            parquet_files(&e.path(), out);
        } else if e.path().extension().is_some_and(|x| x == "parquet") {
            out.push(e.path());
        }
    }
}

/// Every row of a published table (all partitions; the hive `district` value added).
pub fn read_table(snapshot: &Path, table: &str) -> Vec<Row> {
    let mut files = Vec::new();
    parquet_files(&snapshot.join(table), &mut files);
    files.sort();
    let mut rows = Vec::new();
    for f in files {
        let district = f
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("district="))
            .map(|d| {
                if d == "__HIVE_DEFAULT_PARTITION__" {
                    V::Null
                } else {
                    V::S(d.to_string())
                }
            });
        let reader =
            ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&f).expect("open"))
                .expect("parquet")
                .build()
                .expect("reader");
        for batch in reader {
            let batch = batch.expect("batch");
            for r in 0..batch.num_rows() {
                let mut row: Row = batch
                    .schema()
                    .fields()
                    .iter()
                    .enumerate()
                    .map(|(i, field)| (field.name().clone(), cell(batch.column(i).as_ref(), r)))
                    .collect();
                if let Some(d) = &district {
                    row.insert("district".into(), d.clone());
                }
                rows.push(row);
            }
        }
    }
    rows
}

/// The row of `gebied_indicatoren` for one area and period.
pub fn area_row<'a>(rows: &'a [Row], code: &str, periode: &str) -> &'a Row {
    rows.iter()
        .find(|r| r["gebiedscode"] == V::S(code.into()) && r["periode"] == V::S(periode.into()))
        .unwrap_or_else(|| panic!("no row for {code} {periode}"))
}

pub fn assert_close(actual: &V, expected: f64, what: &str) {
    let a = actual
        .f()
        .unwrap_or_else(|| panic!("{what}: expected {expected}, got {actual:?}"));
    assert!(
        (a - expected).abs() < 1e-9,
        "{what}: expected {expected}, got {a}"
    );
}

/// The build directory the tests share with `.ci/run` (CARGO_TARGET_DIR, else `target/`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| repo().join("target"), PathBuf::from)
}

/// The Python of the virtualenv that `bench/peers/setup-venv` makes (once per build directory)
/// from `bench/peers/requirements.txt`: DuckDB with its spatial extension, Polars, shapely and
/// pyarrow, installed from PyPI.
pub fn python() -> PathBuf {
    let output = Command::new("bash")
        .arg(repo().join("bench/peers/setup-venv"))
        .arg(target_dir().join("bench-venv"))
        .output()
        .expect("run bench/peers/setup-venv");
    assert!(
        output.status.success(),
        "bench/peers/setup-venv failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&output.stdout).trim())
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A plain HTTP GET, enough to wait for the server.
pub fn http_status(port: u16, path: &str) -> Option<String> {
    http(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
    )
    .and_then(|text| text.lines().next().map(str::to_string))
}

/// One raw HTTP/1.1 exchange with a server on localhost: the whole response as text.
pub fn http(port: u16, request: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    stream.write_all(request.as_bytes()).ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    Some(text)
}

/// A child process that is killed when the test ends, pass or fail.
pub struct Killed(pub Child);

impl std::ops::Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
