//! Real-browser test: the server over the demo snapshot, the explorer, an area page, the college
//! page and a comparison opened in Debian's headless Chromium by `tests/browser/check.mjs`
//! (playwright-core; axe-core for WCAG 2.1 AA). The set-up installs Chromium (apt) and the two npm
//! packages when they are missing. The college page must print on one A4 page. Screenshots (and
//! the printed college PDF) are kept under `<target>/tmp/browser/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Killed, bin, demo_run, free_port, http_status, repo};

const CHROMIUM: &str = "/usr/bin/chromium";

fn ensure_chromium() {
    if Path::new(CHROMIUM).exists() {
        return;
    }
    let status = Command::new("apt-get")
        .args([
            "install",
            "-y",
            "--no-install-recommends",
            "chromium",
            "chromium-driver",
        ])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status();
    assert!(
        status.is_ok_and(|s| s.success()) && Path::new(CHROMIUM).exists(),
        "the browser test needs Debian's chromium: apt-get install chromium chromium-driver"
    );
}

fn ensure_node_modules(dir: &Path) {
    if dir.join("node_modules/playwright-core").is_dir()
        && dir.join("node_modules/axe-core").is_dir()
    {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .status();
    assert!(
        status.is_ok_and(|s| s.success()),
        "npm ci in tests/browser failed (needs the npm registry once)"
    );
}

#[test]
fn pages_render_in_chromium_without_errors_foreign_requests_or_wcag_violations() {
    let browser_dir = repo().join("tests/browser");
    ensure_chromium();
    ensure_node_modules(&browser_dir);

    let dir = tempfile::tempdir().expect("tempdir");
    demo_run(dir.path());
    let out = dir.path().join("out");

    // Issue 32: the college page says so when the gemeente is a blind spot — 's-Gravenhage in
    // the last period, for an analyst (publicly its signals of 2024-Q4 are hidden to protect
    // Rijswijk's, so the public page cannot judge it) — and says nothing when it is not.
    let analysts = tempfile::tempdir().expect("tempdir");
    let app = crate::server::router_with_accounts(&out, analysts.path());
    let anna = crate::server::login_to(&app, "anna", crate::server::ANALIST_PW);
    let college = crate::server::get_from(&app, "/college/GM0518", Some(&anna)).body;
    let sentence = college
        .split("is in 2024-Q4 een blinde vlek: ")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the blind-spot sentence on 's-Gravenhage's college page");
    assert!(
        sentence.contains("significant hoger dan de regio"),
        "{sentence}"
    );
    let rijswijk = crate::server::get_from(&app, "/college/GM0603", Some(&anna)).body;
    assert!(rijswijk.contains("Kerncijfers") && !rijswijk.contains("Blinde vlek"));

    let port = free_port();
    let server = Command::new(bin())
        .args(["serve", "--out", out.to_str().expect("utf8"), "--addr"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--users")
        .arg(dir.path().join("geen-gebruikers.toml"))
        .env("RISICOBEELD_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start the server");
    let _server = Killed(server);
    let started = Instant::now();
    while http_status(port, "/status").is_none_or(|s| !s.contains("200")) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    // Issue 31: the public Jaarevaluatie of Rijswijk 2024 shows its signals received (a figure,
    // not the mark), and no public page says "<5".
    let page = crate::util::http(
        port,
        "GET /jaarevaluatie/GM0603?periode=2024 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .expect("the jaarevaluatie page");
    let figure = page
        .split("<span class=\"kpi-label\">Signalen ontvangen (fase 1)</span><span class=\"kpi-waarde\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the signals received as a key figure");
    assert!(
        figure.parse::<u32>().is_ok_and(|n| n >= 5),
        "Rijswijk's signals of 2024 shown publicly, not {figure:?}"
    );
    assert!(!page.contains("&lt;5"), "no public page says <5");

    // Issue 34: the college page leads with the latest complete half-year (the demo runs to
    // 2024-Q4: the second half of 2024), not the quarter.
    let college = crate::util::http(
        port,
        "GET /college/GM0603 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .expect("the college page");
    let first = college
        .split("<span class=\"kpi-label\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("a key figure");
    assert!(first.ends_with(", 2e halfjaar 2024"), "{first}");
    assert!(
        !college.contains("in het kwartaal"),
        "no quarter among the key figures"
    );

    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&shots).expect("screenshot dir");
    let check = Command::new("node")
        .arg(browser_dir.join("check.mjs"))
        .arg(format!("http://127.0.0.1:{port}"))
        .arg(&shots)
        .args([
            "start=/",
            "verkenner=/?niveau=buurt",
            "verkenner_wijk=/?niveau=wijk",
            "verkenner_vergelijking=/?niveau=wijk&indicator=leeg_pct&weergave=vergelijking",
            "gebied=/gebied/GM0518",
            "college=/college/GM0518",
            "vergelijking=/vergelijk?gebied=GM0518&gebied=GM0603&gebied=GM1916",
            "jaarevaluatie=/jaarevaluatie/GM0603",
            "jaarevaluatie_district=/jaarevaluatie/ZLV?periode=2024-H1",
        ])
        .env("CHROMIUM", CHROMIUM)
        .output()
        .expect("run node");
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "browser checks failed:\n{report}\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let parsed: serde_json::Value = serde_json::from_str(&report).expect("JSON report");
    assert_eq!(parsed.as_array().map(Vec::len), Some(9), "{report}");
    for page in [
        "start",
        "verkenner",
        "verkenner_wijk",
        "verkenner_vergelijking",
        "gebied",
        "college",
        "vergelijking",
        "jaarevaluatie",
        "jaarevaluatie_district",
    ] {
        let shot = shots.join(format!("{page}.png"));
        let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
        assert!(
            size > 10_000,
            "screenshot {} missing or empty",
            shot.display()
        );
    }
    eprintln!("screenshots: {}", shots.display());
}
