//! Point-in-polygon throughput on its own (issue 5): risicobeeld's own placing code
//! (`locate::geometry`, an R-tree of bounding boxes and an exact test per candidate) over the
//! buurten of a drop, for deterministic random RD points inside the boundaries' extent. Prints
//! one JSON line per thread count.
//!
//!   bench-pip --input bench/drops/csv-1 --points 5000000

use std::path::PathBuf;
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use risicobeeld::config::Config;
use risicobeeld::locate::geometry::{LevelIndex, read_boundaries};
use risicobeeld::locate::{Boundary, Projector};

fn parse_args() -> Result<(PathBuf, usize), String> {
    let (mut input, mut points) = (None, 5_000_000);
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--input" => input = it.next().map(PathBuf::from),
            "--points" => {
                points = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--points needs a whole number")?
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok((input.ok_or("--input DROP is required")?, points))
}

fn boundaries(input: &std::path::Path) -> Result<Vec<Boundary>, String> {
    let projector = Projector::new().map_err(|e| e.to_string())?;
    let config = Config::default();
    let mut all = Vec::new();
    let pattern = input.join("gebieden/*.geojson");
    for path in glob::glob(&pattern.to_string_lossy())
        .map_err(|e| e.to_string())?
        .flatten()
    {
        let shown = path.display().to_string();
        all.extend(
            read_boundaries(&path, &shown, &config.geography, &projector)
                .map_err(|e| e.to_string())?,
        );
    }
    Ok(all)
}

fn main() -> std::process::ExitCode {
    let (input, n) = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}\nusage: bench-pip --input DROP [--points N]");
            return std::process::ExitCode::from(2);
        }
    };
    let boundaries = match boundaries(&input) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: reading the boundaries of {}: {e}", input.display());
            return std::process::ExitCode::from(3);
        }
    };
    let index = LevelIndex::new(&boundaries, "buurt");
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for b in &boundaries {
        for p in b.rd.0.iter().flat_map(|poly| poly.exterior().0.iter()) {
            (x0, y0, x1, y1) = (x0.min(p.x), y0.min(p.y), x1.max(p.x), y1.max(p.y));
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let points: Vec<(f64, f64)> = (0..n)
        .map(|_| (rng.random_range(x0..x1), rng.random_range(y0..y1)))
        .collect();
    let buurten = index_size(&boundaries);
    for threads in [1, rayon::current_num_threads()] {
        let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: {e}");
                return std::process::ExitCode::from(3);
            }
        };
        let clock = Instant::now();
        let placed = pool.install(|| {
            points
                .par_iter()
                .filter(|(x, y)| index.locate(&boundaries, *x, *y).is_some())
                .count()
        });
        let seconds = clock.elapsed().as_secs_f64();
        println!(
            "{{\"tool\":\"risicobeeld\",\"threads\":{threads},\"points\":{n},\"placed\":{placed},\"buurten\":{buurten},\"seconds\":{seconds:.3},\"points_per_second\":{:.0}}}",
            n as f64 / seconds
        );
    }
    std::process::ExitCode::SUCCESS
}

fn index_size(boundaries: &[Boundary]) -> usize {
    boundaries
        .iter()
        .filter(|b| b.code.level() == "buurt")
        .count()
}
