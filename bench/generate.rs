//! The national-scale input drop for the benchmark (issue 5): 342 synthetic gemeenten in 40
//! districts and 10 regions, ~3,400 wijken, ~13,700 buurten (squares in RD New), and at
//! `--scale 1` 10 million verblijfsobjecten in 4 quarterly snapshots (a third placed only by
//! `x`,`y`), 2.5 million KvK vestigingen, ~2 million RNI rows (by object id and by address) and
//! ~200,000 signal rows, all in the CSV formats of inputs.md. Deterministic for a given scale.
//!
//! `--format parquet` writes the same drop with every table as typed Parquet instead (dates as
//! Date32, counts as integers, coordinates as floats; GeoJSON stays GeoJSON).
//!
//!   bench-drop --scale 0.1 --out bench/drops/csv-0.1
//!   bench-drop --scale 0.1 --format parquet --out bench/drops/parquet-0.1

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

mod to_parquet;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const GEMEENTEN: usize = 342;
const COLUMNS: usize = 18;
const SIDE: f64 = 14_000.0;
const ORIGIN: (f64, f64) = (20_000.0, 310_000.0);
const WIJKEN_X: usize = 5;
const WIJKEN_Y: usize = 2;
const PEILDATA: [&str; 4] = ["2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31"];
const QUARTERS: [&str; 4] = ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"];

struct Args {
    scale: f64,
    parquet: bool,
    out: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut scale = 1.0;
    let mut parquet = false;
    let mut out = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--scale" => {
                scale = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|v: &f64| *v > 0.0 && *v <= 4.0)
                    .ok_or("--scale needs a number in (0, 4]")?;
            }
            "--out" => out = it.next().map(PathBuf::from),
            "--format" => {
                parquet = match it.next().as_deref() {
                    Some("csv") => false,
                    Some("parquet") => true,
                    _ => return Err("--format needs csv or parquet".into()),
                }
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Args {
        scale,
        parquet,
        out: out.ok_or("--out DIR is required")?,
    })
}

/// A gemeente's square, and a wijk's and buurt's squares inside it.
fn square(x0: f64, y0: f64, w: f64, h: f64) -> String {
    format!(
        "[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]",
        x1 = x0 + w,
        y1 = y0 + h
    )
}

fn gemeente_origin(g: usize) -> (f64, f64) {
    let (col, row) = (g % COLUMNS, g / COLUMNS);
    (ORIGIN.0 + col as f64 * SIDE, ORIGIN.1 + row as f64 * SIDE)
}

fn wijk_rect(g: usize, w: usize) -> (f64, f64, f64, f64) {
    let (x0, y0) = gemeente_origin(g);
    let (ww, wh) = (SIDE / WIJKEN_X as f64, SIDE / WIJKEN_Y as f64);
    (
        x0 + (w % WIJKEN_X) as f64 * ww,
        y0 + (w / WIJKEN_X) as f64 * wh,
        ww,
        wh,
    )
}

fn buurt_rect(g: usize, w: usize, b: usize) -> (f64, f64, f64, f64) {
    let (x0, y0, ww, wh) = wijk_rect(g, w);
    (
        x0 + (b % 2) as f64 * ww / 2.0,
        y0 + (b / 2) as f64 * wh / 2.0,
        ww / 2.0,
        wh / 2.0,
    )
}

fn gm(g: usize) -> String {
    format!("GM{:04}", g + 1)
}
fn wk(g: usize, w: usize) -> String {
    format!("WK{:04}{:02}", g + 1, w + 1)
}
fn bu(g: usize, w: usize, b: usize) -> String {
    format!("BU{:04}{:02}{:02}", g + 1, w + 1, b + 1)
}
fn district(g: usize) -> usize {
    g * 40 / GEMEENTEN
}

const BUURTEN_PER_GEMEENTE: usize = WIJKEN_X * WIJKEN_Y * 4;

fn write(out: &Path, rel: &str, text: &str) -> std::io::Result<()> {
    let path = out.join(rel);
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p)?;
    }
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    f.write_all(text.as_bytes())?;
    f.flush()
}

fn geography(out: &Path) -> std::io::Result<()> {
    let feature = |code: &str, name: &str, coords: String| {
        format!(
            "{{\"type\":\"Feature\",\"properties\":{{\"statcode\":\"{code}\",\"statnaam\":\"{name}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":{coords}}}}}"
        )
    };
    let collection = |features: Vec<String>| {
        format!(
            "{{\"type\":\"FeatureCollection\",\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"urn:ogc:def:crs:EPSG::28992\"}}}},\"features\":[{}]}}",
            features.join(",\n")
        )
    };
    let (mut gs, mut ws, mut bs) = (Vec::new(), Vec::new(), Vec::new());
    let mut districten =
        String::from("gemeentecode,district_code,district_naam,regio_code,regio_naam\n");
    for g in 0..GEMEENTEN {
        let (x0, y0) = gemeente_origin(g);
        gs.push(feature(
            &gm(g),
            &format!("Gemeente {}", g + 1),
            square(x0, y0, SIDE, SIDE),
        ));
        let d = district(g);
        let _ = writeln!(
            districten,
            "{},D{:02},District {},R{:02},Regio {}",
            gm(g),
            d + 1,
            d + 1,
            d / 4 + 1,
            d / 4 + 1
        );
        for w in 0..WIJKEN_X * WIJKEN_Y {
            let (x, y, ww, wh) = wijk_rect(g, w);
            ws.push(feature(
                &wk(g, w),
                &format!("Wijk {}", w + 1),
                square(x, y, ww, wh),
            ));
            for b in 0..4 {
                let (x, y, bw, bh) = buurt_rect(g, w, b);
                bs.push(feature(
                    &bu(g, w, b),
                    &format!("Buurt {}", b + 1),
                    square(x, y, bw, bh),
                ));
            }
        }
    }
    write(out, "gebieden/gemeenten.geojson", &collection(gs))?;
    write(out, "gebieden/wijken.geojson", &collection(ws))?;
    write(out, "gebieden/buurten.geojson", &collection(bs))?;
    write(out, "gebieden/districten.csv", &districten)
}

fn bevolking(out: &Path, rng: &mut ChaCha8Rng) -> std::io::Result<()> {
    let mut s = String::from("gebiedscode,jaar,inwoners\n");
    for g in 0..GEMEENTEN {
        let mut gemeente = 0;
        for w in 0..WIJKEN_X * WIJKEN_Y {
            let mut wijk = 0;
            for b in 0..4 {
                let n: i64 = rng.random_range(600..2_000);
                wijk += n;
                for jaar in [2023, 2024] {
                    let _ = writeln!(s, "{},{jaar},{n}", bu(g, w, b));
                }
            }
            gemeente += wijk;
            for jaar in [2023, 2024] {
                let _ = writeln!(s, "{},{jaar},{wijk}", wk(g, w));
            }
        }
        for jaar in [2023, 2024] {
            let _ = writeln!(s, "{},{jaar},{gemeente}", gm(g));
        }
    }
    write(out, "bevolking.csv", &s)
}

/// One object: where it is and its address. Objects are numbered; object `i` lies in buurt
/// `i % buurten` (so every buurt has objects), house numbers count up within the buurt.
struct Place {
    g: usize,
    w: usize,
    b: usize,
    x: f64,
    y: f64,
    postcode: String,
    huisnummer: usize,
}

fn place(i: usize, rng: &mut ChaCha8Rng) -> Place {
    let total_buurten = GEMEENTEN * BUURTEN_PER_GEMEENTE;
    let buurt = i % total_buurten;
    let (g, rest) = (buurt / BUURTEN_PER_GEMEENTE, buurt % BUURTEN_PER_GEMEENTE);
    let (w, b) = (rest / 4, rest % 4);
    let (x0, y0, bw, bh) = buurt_rect(g, w, b);
    let letters = [
        b'A' + (buurt / 9000 / 26) as u8,
        b'A' + (buurt / 9000 % 26) as u8,
    ];
    Place {
        g,
        w,
        b,
        x: (x0 + rng.random_range(1.0..bw - 1.0)).round(),
        y: (y0 + rng.random_range(1.0..bh - 1.0)).round(),
        postcode: format!(
            "{}{}",
            1000 + buurt % 9000,
            String::from_utf8_lossy(&letters)
        ),
        huisnummer: i / total_buurten + 1,
    }
}

fn object_id(i: usize) -> String {
    format!("{:016}", 1_000_000_000_000 + i)
}

/// Verblijfsobjecten, one file per district and peildatum; returns the number of objects.
fn verblijfsobjecten(out: &Path, n: usize, rng: &mut ChaCha8Rng) -> std::io::Result<()> {
    let header = "peildatum,verblijfsobject_id,status,gebruiksdoel,buurtcode,x,y,postcode,huisnummer,bewoners_brp,vestigingen_hr,woz_gebruik\n";
    let places: Vec<Place> = (0..n).map(|i| place(i, rng)).collect();
    for (p, peildatum) in PEILDATA.iter().enumerate() {
        let mut files: Vec<String> = (0..40).map(|_| String::from(header)).collect();
        for (i, o) in places.iter().enumerate() {
            let leeg = rng.random_bool(0.03);
            let (bewoners, vestigingen, woz) = if leeg {
                (0, 0, "false")
            } else if i % 10 == 0 {
                (0, 1, "true")
            } else {
                (rng.random_range(1..5), 0, "true")
            };
            let status = if (i + p) % 97 == 0 {
                "Verblijfsobject buiten gebruik"
            } else {
                "Verblijfsobject in gebruik"
            };
            // A third of the objects come with coordinates only.
            let buurtcode = if i % 3 == 0 {
                String::new()
            } else {
                bu(o.g, o.w, o.b)
            };
            let _ = writeln!(
                files[district(o.g)],
                "{peildatum},{},{status},woonfunctie,{buurtcode},{},{},{},{},{bewoners},{vestigingen},{woz}",
                object_id(i),
                o.x,
                o.y,
                o.postcode,
                o.huisnummer
            );
        }
        for (d, text) in files.iter().enumerate() {
            write(
                out,
                &format!("verblijfsobjecten/D{:02}_{peildatum}.csv", d + 1),
                text,
            )?;
        }
    }
    rni(out, &places, rng)?;
    kvk(out, &places, n, rng)
}

/// RNI: 5 % of the objects per peildatum (~2 million rows at scale 1), half by object id and
/// half by address.
fn rni(out: &Path, places: &[Place], rng: &mut ChaCha8Rng) -> std::io::Result<()> {
    for peildatum in PEILDATA {
        let mut by_id = String::from("peildatum,verblijfsobject_id,ingeschrevenen\n");
        let mut by_address = String::from("peildatum,postcode,huisnummer,ingeschrevenen\n");
        for (i, o) in places.iter().enumerate().filter(|(i, _)| i % 20 == 7) {
            let n: u32 = rng.random_range(1..7);
            if i % 40 == 7 {
                let _ = writeln!(by_id, "{peildatum},{},{n}", object_id(i));
            } else {
                let _ = writeln!(
                    by_address,
                    "{peildatum},{},{},{n}",
                    o.postcode, o.huisnummer
                );
            }
        }
        write(out, &format!("rni/{peildatum}_id.csv"), &by_id)?;
        write(out, &format!("rni/{peildatum}_adres.csv"), &by_address)?;
    }
    Ok(())
}

const SBI: [&str; 16] = [
    "01110", "10711", "41000", "43221", "46900", "47110", "49410", "52100", "56101", "55101",
    "78201", "81210", "96021", "97000", "62010", "69101",
];

/// KvK: 2.5 million vestigingen at scale 1 (a quarter per object count), a third located by
/// object id, a third by address, a third by `x`,`y`; ten files.
fn kvk(out: &Path, places: &[Place], n: usize, rng: &mut ChaCha8Rng) -> std::io::Result<()> {
    let count = n / 4;
    let header = "vestigingsnummer,kvk_nummer,sbi_code,datum_inschrijving,datum_uitschrijving,verblijfsobject_id,postcode,huisnummer,x,y\n";
    let mut files: Vec<String> = (0..10).map(|_| String::from(header)).collect();
    for k in 0..count {
        let i = (k * 4 + 1) % n.max(1);
        let o = &places[i];
        let sbi = SBI[rng.random_range(0..SBI.len())];
        let start_year: i32 = rng.random_range(2005..2025);
        let start = format!(
            "{start_year}-{:02}-{:02}",
            rng.random_range(1..13),
            rng.random_range(1..29)
        );
        let end = if rng.random_bool(0.3) {
            let y = rng.random_range(start_year..2025);
            let candidate = format!(
                "{y}-{:02}-{:02}",
                rng.random_range(1..13),
                rng.random_range(1..29)
            );
            if candidate > start {
                candidate
            } else {
                String::new()
            }
        } else {
            String::new()
        };
        let location = match k % 3 {
            0 => format!("{},,,,", object_id(i)),
            1 => format!(",{},{},,", o.postcode, o.huisnummer),
            _ => format!(",,,{},{}", o.x, o.y),
        };
        let _ = writeln!(
            files[k % 10],
            "{:012},{:08},{sbi},{start},{end},{location}",
            100_000_000_000u64 + k as u64,
            10_000_000 + k / 3
        );
    }
    for (f, text) in files.iter().enumerate() {
        write(out, &format!("kvk/kvk_{:02}.csv", f + 1), text)?;
    }
    Ok(())
}

/// The signal sources and forms: the published vocabulary's.
use risicobeeld_snapshot::vocabulary::{BRONNEN, VORMEN};

/// Signals: per gemeente, quarter, source, form and phase, a row with probability chosen so
/// that scale 1 gives ~200,000 rows.
fn signalen(out: &Path, scale: f64, rng: &mut ChaCha8Rng) -> std::io::Result<()> {
    let combos = (GEMEENTEN * QUARTERS.len() * BRONNEN.len() * VORMEN.len() * 5) as f64;
    let p = (200_000.0 * scale / combos).min(1.0);
    let mut files: Vec<String> = (0..40)
        .map(|_| String::from("periode,gebiedscode,bron,vorm,fase,aantal\n"))
        .collect();
    for g in 0..GEMEENTEN {
        for q in QUARTERS {
            for bron in BRONNEN {
                for vorm in VORMEN {
                    for fase in 1..=5 {
                        if rng.random_bool(p) {
                            let n: u32 = rng.random_range(1..8);
                            let _ = writeln!(
                                files[district(g)],
                                "{q},{},{bron},{vorm},{fase},{n}",
                                gm(g)
                            );
                        }
                    }
                }
            }
        }
    }
    for (d, text) in files.iter().enumerate() {
        write(out, &format!("signalen/D{:02}.csv", d + 1), text)?;
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}\nusage: bench-drop --scale S [--format csv|parquet] --out DIR");
            return std::process::ExitCode::from(2);
        }
    };
    let mut rng = ChaCha8Rng::seed_from_u64(342_040);
    let objects = (10_000_000.0 * args.scale).round() as usize;
    let result = geography(&args.out)
        .and_then(|_| bevolking(&args.out, &mut rng))
        .and_then(|_| verblijfsobjecten(&args.out, objects, &mut rng))
        .and_then(|_| signalen(&args.out, args.scale, &mut rng))
        .and_then(|_| {
            if args.parquet {
                to_parquet::convert_drop(&args.out)
            } else {
                Ok(())
            }
        });
    match result {
        Ok(()) => {
            println!(
                "national drop at scale {} ({objects} objects × 4 snapshots, {}) written to {}",
                args.scale,
                if args.parquet { "Parquet" } else { "CSV" },
                args.out.display()
            );
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: writing {}: {e}", args.out.display());
            std::process::ExitCode::from(3)
        }
    }
}
