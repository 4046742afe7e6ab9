//! The attacks of issue 29 against the server and the snapshot, each refused or made harmless:
//! tampered copies of a published run (a symlinked table, a table directory linked out of the
//! run, counts in Int32, a manifest's `min_count` lowered, a loop of links), input values and
//! file names in a public table, sessions of removed and demoted accounts, a users file that
//! disappears, an analyst query that would stall everyone, a burst of logins, and the edges
//! (redirect, cross-site posts, sort keys, slow headers, CSV formulas, file modes).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{StatusCode, header};
use risicobeeld::datafusion_reexport::arrow::array::{
    Array, ArrayRef, BooleanArray, Int32Array, RecordBatch,
};
use risicobeeld::datafusion_reexport::arrow::compute::cast;
use risicobeeld::datafusion_reexport::arrow::datatypes::{DataType, Field, Schema};
use risicobeeld::datafusion_reexport::parquet::arrow::ArrowWriter;
use risicobeeld_serve::auth::UsersFile;
use risicobeeld_serve::snapshot::Role;
use risicobeeld_serve::{AppState, router};

use crate::server::{
    ANALIST_PW, COLLEGE_PW, Server, get, json, login, post_form, send, server, settings,
};
use crate::util::{Drop, Killed, bin, free_port, http, http_status, read_table};

/// The published run `current` points at.
fn run_dir(out: &Path) -> PathBuf {
    out.join(std::fs::read_link(out.join("current")).expect("current"))
}

/// A fresh server over what is on disk now (a running one keeps the snapshot it loaded).
fn fresh(s: &Server) -> Server {
    let state = AppState::new(&s.drop.out(), settings(&s.drop, true)).expect("state");
    Server {
        drop: Drop::of("mini"),
        state: state.clone(),
        app: router(state),
    }
}

/// Anonymous visitors and college members get nothing of the run (503), and the reason is
/// kept for the analysts' /status.
fn refused_to_non_analysts(s: &Server, why: &str) -> String {
    let tampered = fresh(s);
    for path in ["/", "/api/trends?format=csv", "/api/gebied_indicatoren"] {
        let r = get(&tampered, path, None);
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{why}: {path}");
    }
    let carl = login(&tampered, "carl", COLLEGE_PW);
    let r = get(&tampered, "/api/trends", Some(&carl));
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{why}: college");
    let anna = login(&tampered, "anna", ANALIST_PW);
    let status = json(&get(&tampered, "/status", Some(&anna)));
    status["openbaar_probleem"]
        .as_str()
        .unwrap_or_else(|| panic!("{why}: no problem named: {status}"))
        .to_string()
}

fn write_parquet(dir: &Path, batch: &RecordBatch) {
    std::fs::create_dir_all(dir).expect("mkdir");
    let file = std::fs::File::create(dir.join("part-0.parquet")).expect("create");
    let mut writer = ArrowWriter::try_new(file, batch.schema(), None).expect("writer");
    writer.write(batch).expect("write");
    writer.close().expect("close");
}

/// The full `gebied_indicatoren` of a run as one batch, with an all-false flag beside every
/// person count and those counts cast to `to` — what an attacker would put in `openbaar/`.
fn full_table_as_public(run: &Path, to: &DataType) -> RecordBatch {
    let batch =
        risicobeeld::disclosure::read_dir_table(&run.join("gebied_indicatoren")).expect("read");
    let counts = risicobeeld_snapshot::tables::flagged_columns("gebied_indicatoren");
    let mut fields: Vec<Field> = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for (i, f) in batch.schema().fields().iter().enumerate() {
        let column = batch.column(i).clone();
        if counts.contains(&f.name().as_str()) {
            fields.push(Field::new(f.name(), to.clone(), true));
            arrays.push(cast(&column, to).expect("cast"));
            fields.push(Field::new(
                risicobeeld_snapshot::tables::flag_name(f.name()),
                DataType::Boolean,
                false,
            ));
            arrays.push(Arc::new(BooleanArray::from(vec![false; batch.num_rows()])));
        } else {
            fields.push(f.as_ref().clone());
            arrays.push(column);
        }
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).expect("batch")
}

#[test]
fn a_full_table_linked_or_copied_into_openbaar_is_refused() {
    let s = server(true, true);
    let run = run_dir(&s.drop.out());
    let open = run.join("openbaar");

    // openbaar/trends a link to the full trends (which holds counts 1–4 in waarde).
    let trends = open.join("trends");
    let kept = s.drop.dir.path().join("trends-kopie");
    std::fs::rename(&trends, &kept).expect("move");
    std::os::unix::fs::symlink(run.join("trends"), &trends).expect("link");
    let why = refused_to_non_analysts(&s, "trends linked to the full table");
    assert!(why.contains("link"), "{why}");

    // A real copy of the full trends: its person-count rows show small values.
    std::fs::remove_file(&trends).expect("unlink");
    crate::util::copy_dir(&run.join("trends"), &trends);
    let why = refused_to_non_analysts(&s, "the full trends copied");
    assert!(why.contains("below 5"), "{why}");
    std::fs::remove_dir_all(&trends).expect("remove");
    std::fs::rename(&kept, &trends).expect("restore");

    // A table directory that links out of the run.
    let fasen = open.join("signalen_fasen");
    let outside = s.drop.dir.path().join("elders");
    std::fs::rename(&fasen, &outside).expect("move out");
    std::os::unix::fs::symlink(&outside, &fasen).expect("link");
    let why = refused_to_non_analysts(&s, "a table directory outside the run");
    assert!(why.contains("link"), "{why}");
    std::fs::remove_file(&fasen).expect("unlink");
    std::fs::rename(&outside, &fasen).expect("restore");
    assert!(
        fresh(&s)
            .state
            .snapshot()
            .is_some_and(|snap| snap.public_problem().is_none()),
        "the restored run is whole again"
    );
}

#[test]
fn counts_in_int32_and_a_lowered_min_count_are_refused() {
    let s = server(true, true);
    let run = run_dir(&s.drop.out());
    let open_gebied = run.join("openbaar").join("gebied_indicatoren");
    let kept = s.drop.dir.path().join("gebied-kopie");
    std::fs::rename(&open_gebied, &kept).expect("move");

    // The full counts (small ones among them) in Int32, each with an all-false flag.
    let int32 = full_table_as_public(&run, &DataType::Int32);
    let small = int32
        .column_by_name("signalen_totaal")
        .and_then(|c| c.as_any().downcast_ref::<Int32Array>().cloned())
        .expect("int32 signals");
    assert!(
        small.iter().flatten().any(|v| (1..5).contains(&v)),
        "the attack needs a small count"
    );
    write_parquet(&open_gebied, &int32);
    let why = refused_to_non_analysts(&s, "Int32 counts");
    assert!(why.contains("below 5"), "{why}");

    // The same counts in Int64, under a manifest that says min_count = 1.
    std::fs::remove_dir_all(&open_gebied).expect("remove");
    write_parquet(&open_gebied, &full_table_as_public(&run, &DataType::Int64));
    let manifest_path = run.join("manifest.json");
    let text = std::fs::read_to_string(&manifest_path).expect("manifest");
    let mut manifest: serde_json::Value = serde_json::from_str(&text).expect("json");
    manifest["disclosure"]["min_count"] = 1.into();
    std::fs::write(&manifest_path, manifest.to_string()).expect("write");
    let why = refused_to_non_analysts(&s, "min_count 1 in the manifest");
    assert!(why.contains("below 5"), "{why}");
}

#[test]
fn a_loop_of_links_does_not_keep_a_later_run_from_being_served() {
    let s = server(true, true);
    let first = get(&s, "/", None);
    assert_eq!(first.status, StatusCode::OK);
    // A new run, then two links to each other inside one of its table directories.
    let again = s.drop.run(&["--force"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    let run = run_dir(&s.drop.out());
    let dir = run.join("openbaar").join("kvk_sectoren");
    std::os::unix::fs::symlink(dir.join("b"), dir.join("a")).expect("link a");
    std::os::unix::fs::symlink(dir.join("a"), dir.join("b")).expect("link b");
    let tampered_run = run.file_name().expect("name").to_string_lossy().to_string();
    // The loader finishes (refusing the links): the tampered run is served to analysts only.
    let anna = login(&s, "anna", ANALIST_PW);
    let started = Instant::now();
    loop {
        let r = get(&s, "/status", Some(&anna));
        let status = json(&r);
        if status["run_id"] == tampered_run.as_str() {
            assert!(status["openbaar_probleem"].is_string(), "{status}");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "never loaded");
        std::thread::sleep(Duration::from_millis(100));
    }
    // A later good run is taken up.
    std::thread::sleep(Duration::from_millis(1100));
    let good = s.drop.run(&["--force"]);
    assert_eq!(good.code, 0, "{}", good.stderr);
    let good_run = run_dir(&s.drop.out())
        .file_name()
        .expect("name")
        .to_string_lossy()
        .to_string();
    let started = Instant::now();
    loop {
        let r = get(&s, "/", None);
        if r.status == StatusCode::OK
            && r.headers["x-risicobeeld-run"].to_str().expect("ascii") == good_run
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "good run never served"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Every string value and column name of every Parquet file under `dir`.
fn texts_under(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            texts_under(&path, out);
        } else if path.extension().is_some_and(|x| x == "parquet") {
            let batch =
                risicobeeld::disclosure::read_dir_table(path.parent().expect("dir")).expect("read");
            for (i, f) in batch.schema().fields().iter().enumerate() {
                out.push(f.name().clone());
                if let Ok(text) = cast(batch.column(i), &DataType::Utf8) {
                    let text = text
                        .as_any()
                        .downcast_ref::<risicobeeld::datafusion_reexport::arrow::array::StringArray>()
                        .cloned();
                    out.extend(
                        text.iter()
                            .flat_map(|t| t.iter().flatten().map(str::to_string)),
                    );
                }
            }
        }
    }
}

#[test]
fn no_input_value_or_file_name_reaches_a_public_table() {
    // Markers in places an input value can go: a quarantined address and value, a file name.
    let drop = Drop::of("mini");
    let rni = drop.read("rni/rni.csv");
    drop.write(
        "rni/rni.csv",
        &format!("{rni}2024-03-31,1,,9999ZZ,77,MARKERLETTER,,\n"),
    );
    std::fs::rename(
        drop.input().join("rni/rni.csv"),
        drop.input().join("rni/rni_MARKERFILE.csv"),
    )
    .expect("rename");
    let signals = drop.read("signalen/signalen.csv");
    drop.write(
        "signalen/signalen.csv",
        &format!("{signals}2024-Q1,GM0001,MARKERBRON,arbeid,1,9\n"),
    );
    let cfg = "[validation]\nmax_quarantine_ratio = 0.5\n";
    drop.write("cfg.toml", cfg);
    let config = drop.input().join("cfg.toml");
    let run = drop.run(&["--config", config.to_str().expect("utf8")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = drop.out().join("current");
    // The analysts' kwaliteit names the file and shows the values.
    let mut full = Vec::new();
    texts_under(&out.join("kwaliteit"), &mut full);
    for marker in ["MARKERFILE", "MARKERLETTER", "MARKERBRON"] {
        assert!(
            full.iter().any(|t| t.contains(marker)),
            "{marker} missing from the analysts' kwaliteit"
        );
    }
    // Nothing of it in any public table.
    let mut public = Vec::new();
    texts_under(&out.join("openbaar"), &mut public);
    for marker in ["MARKER", "9999ZZ"] {
        let found: Vec<&String> = public.iter().filter(|t| t.contains(marker)).collect();
        assert!(found.is_empty(), "{marker} in openbaar/: {found:?}");
    }
    let kwaliteit = read_table(&out.join("openbaar"), "kwaliteit");
    assert!(!kwaliteit.is_empty());
    assert!(!kwaliteit[0].contains_key("voorbeelden") && !kwaliteit[0].contains_key("bestand"));
}

#[test]
fn every_public_column_is_one_the_contract_knows_and_none_is_input_text() {
    use risicobeeld_snapshot::schema::{ColumnKind, column_kind};
    let drop = Drop::of("mini");
    assert_eq!(drop.run(&[]).code, 0);
    let open = drop.out().join("current").join("openbaar");
    for table in risicobeeld_snapshot::TABLES {
        let dir = open.join(table);
        if !dir.exists() {
            continue;
        }
        let batch = risicobeeld::disclosure::read_dir_table(&dir).expect("read");
        for f in batch.schema().fields() {
            let kind = column_kind(table, f.name());
            assert!(
                kind.is_some_and(|k| k != ColumnKind::InputText),
                "openbaar/{table}.{} is {kind:?}: declare it in pipeline/snapshot/schema.rs",
                f.name()
            );
        }
    }
}

#[test]
fn a_session_is_only_as_good_as_its_account_now() {
    let s = server(true, false);
    let users_path = s.drop.dir.path().join("gebruikers.toml");
    let anna = login(&s, "anna", ANALIST_PW);
    let sql = "/api/sql?q=SELECT+count(*)+AS+n+FROM+trends";
    assert_eq!(get(&s, sql, Some(&anna)).status, StatusCode::OK);
    // Demoted: anna becomes a college member; her analyst session ends at once.
    let mut users = UsersFile::load(&users_path).expect("users");
    users.remove("anna").expect("remove");
    users.add("anna", Role::College, ANALIST_PW).expect("add");
    // The file's time must change for the server to read it again.
    std::thread::sleep(Duration::from_millis(1100));
    users.save(&users_path).expect("save");
    let demoted = get(&s, sql, Some(&anna));
    assert_eq!(demoted.status, StatusCode::UNAUTHORIZED, "{}", demoted.body);
    // Removed: carl's session ends.
    let carl = login(&s, "carl", COLLEGE_PW);
    assert_eq!(get(&s, "/api/trends", Some(&carl)).status, StatusCode::OK);
    users.remove("carl").expect("remove");
    std::thread::sleep(Duration::from_millis(1100));
    users.save(&users_path).expect("save");
    assert_eq!(
        get(&s, "/api/trends", Some(&carl)).status,
        StatusCode::UNAUTHORIZED
    );
    // The users file disappears while serving: the server stays closed.
    let anna_college = login(&s, "anna", ANALIST_PW);
    std::fs::remove_file(&users_path).expect("delete");
    assert_eq!(
        get(&s, "/api/trends", None).status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(get(&s, "/", None).status, StatusCode::SEE_OTHER);
    // … and keeps the accounts it had: anna (now college) still logged in.
    assert_eq!(
        get(&s, "/api/trends", Some(&anna_college)).status,
        StatusCode::OK
    );
    // A file that no longer parses keeps them as well.
    std::fs::write(&users_path, "dit is [geen toml").expect("write");
    assert_eq!(
        get(&s, "/api/trends", None).status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&s, "/api/trends", Some(&anna_college)).status,
        StatusCode::OK
    );
}

/// A real server process over a published mini drop, with accounts anna (analist) and carl
/// (college), and `server_toml` as its config's `[server]` section.
struct RealServer {
    port: u16,
    _child: Killed,
    _drop: Drop,
}

fn real_server(server_toml: &str) -> RealServer {
    let drop = Drop::of("mini");
    assert_eq!(drop.run(&[]).code, 0);
    let users_path = drop.dir.path().join("gebruikers.toml");
    let mut users = UsersFile::default();
    users.add("anna", Role::Analist, ANALIST_PW).expect("add");
    users.add("carl", Role::College, COLLEGE_PW).expect("add");
    users.save(&users_path).expect("save");
    let config = drop.dir.path().join("server.toml");
    std::fs::write(&config, format!("[server]\n{server_toml}\n")).expect("config");
    let port = free_port();
    let child = std::process::Command::new(bin())
        .arg("serve")
        .arg("--out")
        .arg(drop.out())
        .args(["--addr", &format!("127.0.0.1:{port}"), "--users"])
        .arg(&users_path)
        .arg("--config")
        .arg(&config)
        .env("RISICOBEELD_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start the server");
    let child = Killed(child);
    let started = Instant::now();
    while http_status(port, "/status").is_none_or(|s| !s.contains("200")) {
        assert!(started.elapsed().as_secs() < 60, "server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    RealServer {
        port,
        _child: child,
        _drop: drop,
    }
}

impl RealServer {
    fn pid(&self) -> u32 {
        self._child.0.id()
    }

    /// Resident memory of the server process, in MB.
    fn rss_mb(&self) -> f64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).expect("proc status");
        let kb: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .expect("VmRSS");
        kb / 1024.0
    }

    fn post(&self, path: &str, body: &str, cookie: Option<&str>) -> String {
        let cookie = cookie
            .map(|c| format!("Cookie: {c}\r\n"))
            .unwrap_or_default();
        http(
            self.port,
            &format!(
                "POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{cookie}\
Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        )
        .unwrap_or_default()
    }

    fn get(&self, path: &str, cookie: Option<&str>) -> String {
        let cookie = cookie
            .map(|c| format!("Cookie: {c}\r\n"))
            .unwrap_or_default();
        http(
            self.port,
            &format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{cookie}\r\n"),
        )
        .unwrap_or_default()
    }

    fn login(&self, name: &str, password: &str) -> String {
        let reply = self.post(
            "/login",
            &format!("naam={name}&wachtwoord={}", password.replace(' ', "+")),
            None,
        );
        reply
            .lines()
            .find_map(|l| l.strip_prefix("set-cookie: "))
            .and_then(|c| c.split(';').next())
            .unwrap_or_else(|| panic!("no session: {reply}"))
            .to_string()
    }
}

fn url(sql: &str) -> String {
    form_urlencoded::byte_serialize(sql.as_bytes()).collect()
}

#[test]
fn an_analysts_worst_query_does_not_stall_the_others() {
    let s = real_server("sql_timeout_secs = 4");
    let anna = s.login("anna", ANALIST_PW);
    let before = s.rss_mb();
    // A cross join of 10¹⁰ rows: without a limit that stops it, it runs for many minutes.
    let cross = "SELECT sum(a.v * b.v) AS s FROM (SELECT unnest(range(1, 100000)) AS v) a \
                 CROSS JOIN (SELECT unnest(range(1, 100000)) AS v) b";
    let port = s.port;
    let cookie = anna.clone();
    let analyst = std::thread::spawn(move || {
        let started = Instant::now();
        let reply = http(
            port,
            &format!(
                "GET /api/sql?q={} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nCookie: {cookie}\r\n\r\n",
                url(cross)
            ),
        )
        .unwrap_or_default();
        (started.elapsed(), reply)
    });
    // Meanwhile another client gets its pages, each well before the analyst's answer.
    std::thread::sleep(Duration::from_millis(300));
    let mut slowest = Duration::ZERO;
    for path in ["/status", "/gebied/GM0001", "/status", "/college/GM0001"] {
        let started = Instant::now();
        let reply = s.get(path, Some(&anna));
        slowest = slowest.max(started.elapsed());
        assert!(reply.starts_with("HTTP/1.1 200"), "{path}: {reply:.200}");
    }
    let (took, reply) = analyst.join().expect("analyst");
    assert!(
        reply.starts_with("HTTP/1.1 504") || reply.starts_with("HTTP/1.1 400"),
        "{reply:.300}"
    );
    assert!(
        took < Duration::from_secs(4 + 5),
        "the limit holds: {took:?}"
    );
    assert!(
        slowest < took,
        "a page ({slowest:?}) waited for the query ({took:?})"
    );
    // The query was stopped: the next one runs.
    let next = s.get(
        &format!("/api/sql?q={}", url("SELECT 1 AS een")),
        Some(&anna),
    );
    assert!(next.starts_with("HTTP/1.1 200"), "{next:.300}");
    // Values generated huge are refused before they are made.
    let huge = s.get(
        &format!(
            "/api/sql?q={}",
            url("SELECT repeat('x', 1000000) AS x FROM trends")
        ),
        Some(&anna),
    );
    assert!(huge.starts_with("HTTP/1.1 400"), "{huge:.300}");
    // Sorted, the same cross join runs into the memory pool instead of the machine's memory.
    let sorted = s.get(
        &format!(
            "/api/sql?q={}",
            url(
                "SELECT a.v + b.v AS s FROM (SELECT unnest(range(1, 100000)) AS v) a \
                 CROSS JOIN (SELECT unnest(range(1, 100000)) AS v) b ORDER BY s DESC"
            )
        ),
        Some(&anna),
    );
    assert!(
        sorted.starts_with("HTTP/1.1 400") || sorted.starts_with("HTTP/1.1 504"),
        "{sorted:.300}"
    );
    let after = s.rss_mb();
    // The evidence for the stop note (`--nocapture`): statuses, time, memory, the other client.
    eprintln!(
        "worst query: {} after {took:?}; slowest other page {slowest:?}; repeat(): {}; sorted cross join: {}; memory {before:.0} -> {after:.0} MB",
        &reply[..12.min(reply.len())],
        &huge[..12.min(huge.len())],
        &sorted[..12.min(sorted.len())]
    );
    assert!(
        after < before + 600.0,
        "memory grew from {before:.0} to {after:.0} MB"
    );
}

#[test]
fn a_burst_of_logins_checks_few_passwords_and_admits_no_guess() {
    let s = real_server("");
    let before = s.rss_mb();
    let port = s.port;
    let barrier = Arc::new(std::sync::Barrier::new(40));
    let replies: Vec<String> = (0..40)
        .map(|i| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                // The right password is among the guesses.
                let password = if i == 20 {
                    ANALIST_PW
                } else {
                    "fout wachtwoord"
                };
                let body = format!("naam=anna&wachtwoord={}", password.replace(' ', "+"));
                barrier.wait();
                http(
                    port,
                    &format!(
                        "POST /login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    ),
                )
                .unwrap_or_default()
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    let checked = replies
        .iter()
        .filter(|r| r.starts_with("HTTP/1.1 401") || r.starts_with("HTTP/1.1 303"))
        .count();
    let refused = replies
        .iter()
        .filter(|r| r.starts_with("HTTP/1.1 429"))
        .count();
    assert!(
        checked <= risicobeeld_serve::auth::MAX_FAILURES,
        "{checked} passwords checked"
    );
    assert_eq!(checked + refused, 40);
    let after = s.rss_mb();
    let admitted = replies
        .iter()
        .filter(|r| r.starts_with("HTTP/1.1 303"))
        .count();
    eprintln!(
        "40 parallel logins: {checked} passwords checked, {refused} refused (429), {admitted} admitted; memory {before:.0} -> {after:.0} MB"
    );
    assert!(
        after < before + 150.0,
        "memory grew from {before:.0} to {after:.0} MB"
    );
}

#[test]
fn the_edges_redirect_cross_site_posts_and_sort_keys() {
    let s = server(true, false);
    // Only a path on this site after a login.
    for (terug, expected) in [
        ("%2F%09%2Fevil.example%2F", "/"),
        ("%2F%5Cevil.example", "/"),
        ("%2F%2Fevil.example", "/"),
        ("https%3A%2F%2Fevil.example", "/"),
        ("%2F+%2Fevil.example", "/"),
        (
            "%2Fgebied%2FGM0001%3Fperiode%3D2024-Q1",
            "/gebied/GM0001?periode=2024-Q1",
        ),
    ] {
        let r = post_form(
            &s,
            "/login",
            &format!(
                "naam=carl&wachtwoord={}&terug={terug}",
                COLLEGE_PW.replace(' ', "+")
            ),
            None,
        );
        assert_eq!(r.headers[header::LOCATION], expected, "{terug}");
    }
    // A post that a browser says comes from another site is refused.
    let body = format!("naam=carl&wachtwoord={}", COLLEGE_PW.replace(' ', "+"));
    for (name, value) in [
        ("origin", "http://evil.example"),
        ("origin", "null"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ] {
        let request = axum::http::Request::post("/login")
            .header(header::HOST, "localhost")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(name, value)
            .body(axum::body::Body::from(body.clone()))
            .expect("request");
        assert_eq!(
            send(&s, request).status,
            StatusCode::FORBIDDEN,
            "{name}: {value}"
        );
    }
    let same = axum::http::Request::post("/login")
        .header(header::HOST, "localhost:8080")
        .header(header::ORIGIN, "http://localhost:8080")
        .header("sec-fetch-site", "same-origin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(body))
        .expect("request");
    assert_eq!(send(&s, same).status, StatusCode::SEE_OTHER);
    // A sort key is a column of the page's tables, or 400 (and no page to cache).
    let carl = login(&s, "carl", COLLEGE_PW);
    let ok = get(&s, "/?sorteer=gebiedscode&richting=af", Some(&carl));
    assert_eq!(ok.status, StatusCode::OK);
    let bad = get(&s, "/?sorteer=geen_kolom_hier", Some(&carl));
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[test]
fn a_slow_client_is_closed_and_does_not_hold_the_server() {
    let s = real_server("header_timeout_secs = 1\nmax_connections = 2\nsecure_cookie = true");
    // Two clients that start a request and never finish it take both connections…
    let mut slow: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut c = TcpStream::connect(("127.0.0.1", s.port)).expect("connect");
            c.write_all(b"GET / HTTP/1.1\r\nHost: local")
                .expect("write");
            c
        })
        .collect();
    // … until the header timeout closes them; then a third client is served.
    let started = Instant::now();
    let reply = s.get("/status", None);
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(started.elapsed() < Duration::from_secs(10));
    for c in &mut slow {
        c.set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        let mut rest = Vec::new();
        let closed = c.read_to_end(&mut rest);
        assert!(closed.is_ok(), "closed by the server: {closed:?}");
    }
    // Behind TLS the session cookie is Secure.
    let reply = s.post(
        "/login",
        &format!("naam=carl&wachtwoord={}", COLLEGE_PW.replace(' ', "+")),
        None,
    );
    let cookie = reply
        .lines()
        .find(|l| l.starts_with("set-cookie: "))
        .expect("cookie");
    assert!(cookie.ends_with("; Secure"), "{cookie}");
}

#[test]
fn csv_downloads_do_not_carry_formulas() {
    let drop = Drop::of("mini");
    let geo = drop.read("gebieden/gemeenten.geojson");
    drop.write(
        "gebieden/gemeenten.geojson",
        &geo.replace(
            "\"Eerstdorp\"",
            "\"=HYPERLINK(\\\"http://evil.example\\\")\"",
        ),
    );
    assert_eq!(drop.run(&[]).code, 0);
    let state = AppState::new(&drop.out(), crate::server::settings(&drop, false)).expect("state");
    let s = Server {
        drop,
        state: state.clone(),
        app: router(state),
    };
    let csv = get(
        &s,
        "/api/gebied_indicatoren?gebiedscode=GM0001&format=csv",
        None,
    );
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("'=HYPERLINK"), "{}", &csv.body[..300]);
    assert!(!csv.body.contains(",=HYPERLINK"));
}

#[test]
fn the_full_tables_are_private_and_openbaar_readable() {
    use std::os::unix::fs::PermissionsExt;
    let drop = Drop::of("mini");
    assert_eq!(drop.run(&[]).code, 0);
    let run = run_dir(&drop.out());
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode(&run), 0o750);
    let full = run.join("gebied_indicatoren");
    assert_eq!(mode(&full), 0o750);
    let file = std::fs::read_dir(&full)
        .expect("dir")
        .flatten()
        .find(|e| e.path().is_dir())
        .map(|d| d.path().join("part-0.parquet"))
        .expect("a partition");
    assert_eq!(mode(&file), 0o640);
    assert_eq!(mode(&run.join("manifest.json")), 0o640);
    let open = run.join("openbaar").join("kvk_sectoren");
    assert_eq!(mode(&open), 0o755);
    let open_file = std::fs::read_dir(&open)
        .expect("dir")
        .flatten()
        .find(|e| e.path().is_dir())
        .map(|d| d.path().join("part-0.parquet"))
        .expect("a partition");
    assert_eq!(mode(&open_file), 0o644);
}
