//! The demo region: writes a complete input drop for the 16 gemeenten of RIEC Den Haag west.
//! Real: the 2025 gemeente boundaries and the district table (fixtures/demo, CBS/PDOK, CC BY 4.0).
//! Synthetic, from a fixed seed: wijken and buurten (grid cells clipped to each gemeente),
//! population, objects, RNI, KvK and signals, calibrated to the figures in fixtures/demo/README.md.

use std::fmt::Write as _;
use std::path::Path;

use geo::{Area, BooleanOps, BoundingRect, Contains, Coord, MultiPolygon, Point, Rect};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::config::GeographyConfig;
use crate::locate::geometry::{Projector, read_boundaries};
use crate::validate::AreaCode;

const GEMEENTEN_GEOJSON: &str = include_str!("../fixtures/demo/gebieden/gemeenten.geojson");
const DISTRICTEN_CSV: &str = include_str!("../fixtures/demo/gebieden/districten.csv");

/// Approximate population on 1 January 2024 (rounded; CBS publishes the exact figures).
const INWONERS_2024: [(&str, i64); 16] = [
    ("GM0518", 566_000),
    ("GM0534", 22_900),
    ("GM0537", 67_000),
    ("GM0546", 127_000),
    ("GM0547", 28_000),
    ("GM0553", 23_500),
    ("GM0575", 44_000),
    ("GM0579", 26_000),
    ("GM0603", 58_000),
    ("GM0626", 25_800),
    ("GM0629", 27_000),
    ("GM0637", 128_000),
    ("GM0638", 9_000),
    ("GM1525", 38_000),
    ("GM1916", 78_000),
    ("GM1926", 57_000),
];

/// Gemeenten delivering object-level verblijfsobjecten; the others deliver `leegstand.csv`.
const OBJECT_GEMEENTEN: [&str; 4] = ["GM0638", "GM0547", "GM0626", "GM1916"];
/// Quarter-end snapshot dates of the stock inputs.
const PEILDATA: [&str; 8] = [
    "2023-03-31",
    "2023-06-30",
    "2023-09-30",
    "2023-12-31",
    "2024-03-31",
    "2024-06-30",
    "2024-09-30",
    "2024-12-31",
];

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("demo geometry: {0}")]
    Geometry(String),
}

struct Area_ {
    code: AreaCode,
    name: String,
    rd: MultiPolygon<f64>,
    inwoners: i64,
}

struct Gemeente {
    area: Area_,
    wijken: Vec<(Area_, Vec<Area_>)>,
}

fn write(dir: &Path, rel: &str, bytes: &[u8]) -> Result<(), DemoError> {
    let path = dir.join(rel);
    let err = |source| DemoError::Io {
        path: path.display().to_string(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(err)?;
    }
    std::fs::write(&path, bytes).map_err(err)
}

/// Writes the demo drop into `dir`.
pub fn generate(dir: &Path) -> Result<(), DemoError> {
    let mut rng = ChaCha8Rng::seed_from_u64(20_251_122);
    write(
        dir,
        "gebieden/gemeenten.geojson",
        GEMEENTEN_GEOJSON.as_bytes(),
    )?;
    write(dir, "gebieden/districten.csv", DISTRICTEN_CSV.as_bytes())?;
    let gemeenten = subdivide(dir, &mut rng)?;
    write(
        dir,
        "gebieden/wijken_buurten.geojson",
        &wijken_buurten_geojson(&gemeenten),
    )?;
    write(dir, "bevolking.csv", bevolking(&gemeenten).as_bytes())?;
    let objects = verblijfsobjecten(dir, &gemeenten, &mut rng)?;
    write(
        dir,
        "leegstand.csv",
        leegstand(&gemeenten, &mut rng).as_bytes(),
    )?;
    rni(dir, &gemeenten, &objects, &mut rng)?;
    kvk(dir, &gemeenten, &objects, &mut rng)?;
    signalen(dir, &gemeenten, &mut rng)?;
    Ok(())
}

fn inwoners(code: &str) -> i64 {
    INWONERS_2024
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(20_000, |(_, n)| *n)
}

/// Splits `total` over `weights` so that the parts add up exactly.
fn split(total: i64, weights: &[f64]) -> Vec<i64> {
    let sum: f64 = weights.iter().sum();
    let mut parts: Vec<i64> = weights
        .iter()
        .map(|w| (total as f64 * w / sum).floor() as i64)
        .collect();
    let mut rest = total - parts.iter().sum::<i64>();
    let mut i = 0;
    while rest > 0 && !parts.is_empty() {
        parts[i % weights.len()] += 1;
        rest -= 1;
        i += 1;
    }
    parts
}

/// Cells of a grid over `rect`, clipped to `shape`; tiny slivers are dropped.
fn grid_pieces(
    shape: &MultiPolygon<f64>,
    rect: Rect<f64>,
    nx: usize,
    ny: usize,
) -> Vec<MultiPolygon<f64>> {
    let (w, h) = (rect.width() / nx as f64, rect.height() / ny as f64);
    let total = shape.unsigned_area();
    let mut out = Vec::new();
    for j in 0..ny {
        for i in 0..nx {
            let min = Coord {
                x: rect.min().x + i as f64 * w,
                y: rect.min().y + j as f64 * h,
            };
            let cell = Rect::new(
                min,
                Coord {
                    x: min.x + w,
                    y: min.y + h,
                },
            )
            .to_polygon();
            let piece = shape.intersection(&MultiPolygon(vec![cell]));
            if piece.unsigned_area() > total * 0.01 {
                out.push(piece);
            }
        }
    }
    out
}

fn subdivide(dir: &Path, rng: &mut ChaCha8Rng) -> Result<Vec<Gemeente>, DemoError> {
    let projector = Projector::new().map_err(|e| DemoError::Geometry(e.to_string()))?;
    let boundaries = read_boundaries(
        &dir.join("gebieden/gemeenten.geojson"),
        "gemeenten.geojson",
        &GeographyConfig::default(),
        &projector,
    )
    .map_err(|e| DemoError::Geometry(e.to_string()))?;
    let mut out = Vec::new();
    for b in boundaries {
        let AreaCode::Gemeente(gm) = b.code else {
            continue;
        };
        let total = inwoners(&b.code.to_string());
        let Some(rect) = b.rd.bounding_rect() else {
            continue;
        };
        let n = (total / 20_000).clamp(2, 16) as usize;
        let nx = (n as f64).sqrt().ceil() as usize;
        let wijk_shapes = grid_pieces(&b.rd, rect, nx, n.div_ceil(nx));
        let wijk_weights: Vec<f64> = wijk_shapes
            .iter()
            .map(|_| rng.random_range(0.5..1.5))
            .collect();
        let wijk_inwoners = split(total, &wijk_weights);
        let mut wijken = Vec::new();
        for (wi, (shape, w_inw)) in wijk_shapes.into_iter().zip(wijk_inwoners).enumerate() {
            let wk = AreaCode::Wijk(u32::from(gm) * 100 + wi as u32 + 1);
            let Some(wrect) = shape.bounding_rect() else {
                continue;
            };
            let buurt_shapes = grid_pieces(&shape, wrect, 2, 2);
            let weights: Vec<f64> = buurt_shapes
                .iter()
                .map(|_| rng.random_range(0.5..1.5))
                .collect();
            let buurt_inwoners = split(w_inw, &weights);
            let AreaCode::Wijk(wk_n) = wk else { continue };
            let buurten = buurt_shapes
                .into_iter()
                .zip(buurt_inwoners)
                .enumerate()
                .map(|(bi, (rd, inwoners))| Area_ {
                    code: AreaCode::Buurt(wk_n * 100 + bi as u32 + 1),
                    name: format!(
                        "{} wijk {:02} buurt {:02} (synthetisch)",
                        b.name,
                        wi + 1,
                        bi + 1
                    ),
                    rd,
                    inwoners,
                })
                .collect();
            let name = format!("{} wijk {:02} (synthetisch)", b.name, wi + 1);
            wijken.push((
                Area_ {
                    code: wk,
                    name,
                    rd: shape,
                    inwoners: w_inw,
                },
                buurten,
            ));
        }
        out.push(Gemeente {
            area: Area_ {
                code: b.code,
                name: b.name,
                rd: b.rd,
                inwoners: total,
            },
            wijken,
        });
    }
    Ok(out)
}

fn wijken_buurten_geojson(gemeenten: &[Gemeente]) -> Vec<u8> {
    let feature = |a: &Area_| {
        let coords: Vec<Vec<Vec<[f64; 2]>>> =
            a.rd.0
                .iter()
                .map(|p| {
                    std::iter::once(p.exterior())
                        .chain(p.interiors())
                        .map(|r| {
                            r.coords()
                                .map(|c| [(c.x * 10.0).round() / 10.0, (c.y * 10.0).round() / 10.0])
                                .collect()
                        })
                        .collect()
                })
                .collect();
        serde_json::json!({
            "type": "Feature",
            "properties": { "code": a.code.to_string(), "naam": a.name },
            "geometry": { "type": "MultiPolygon", "coordinates": coords },
        })
    };
    let features: Vec<serde_json::Value> = gemeenten
        .iter()
        .flat_map(|g| g.wijken.iter())
        .flat_map(|(w, bs)| std::iter::once(feature(w)).chain(bs.iter().map(feature)))
        .collect();
    let doc = serde_json::json!({
        "type": "FeatureCollection",
        "crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:EPSG::28992" } },
        "features": features,
    });
    serde_json::to_vec(&doc).unwrap_or_default()
}

fn bevolking(gemeenten: &[Gemeente]) -> String {
    let mut s = String::from("gebiedscode,jaar,inwoners\n");
    for year in 2019..=2024 {
        // About 0.8 % growth a year up to 2024.
        let factor = 1.0 / 1.008_f64.powi(2024 - year);
        for g in gemeenten {
            let scaled = |n: i64| (n as f64 * factor).round() as i64;
            let wijken: Vec<i64> = g.wijken.iter().map(|(w, _)| scaled(w.inwoners)).collect();
            let _ = writeln!(s, "{},{year},{}", g.area.code, wijken.iter().sum::<i64>());
            for ((w, buurten), w_inw) in g.wijken.iter().zip(&wijken) {
                let weights: Vec<f64> = buurten.iter().map(|b| b.inwoners as f64 + 1.0).collect();
                let _ = writeln!(s, "{},{year},{w_inw}", w.code);
                for (b, n) in buurten.iter().zip(split(*w_inw, &weights)) {
                    let _ = writeln!(s, "{},{year},{n}", b.code);
                }
            }
        }
    }
    s
}

/// A synthetic object of an object-level gemeente.
struct Object {
    id: u64,
    gemeente: AreaCode,
    buurt: AreaCode,
    xy: (f64, f64),
    postcode: String,
    huisnummer: u32,
    huisletter: &'static str,
    leeg_kans: f64,
}

fn random_point(rng: &mut ChaCha8Rng, shape: &MultiPolygon<f64>) -> (f64, f64) {
    let Some(r) = shape.bounding_rect() else {
        return (0.0, 0.0);
    };
    for _ in 0..1000 {
        let p = Point::new(
            rng.random_range(r.min().x..r.max().x),
            rng.random_range(r.min().y..r.max().y),
        );
        if shape.contains(&p) {
            return (
                (p.x() * 100.0).round() / 100.0,
                (p.y() * 100.0).round() / 100.0,
            );
        }
    }
    let c = r.center();
    (c.x, c.y)
}

fn leeg_rate(gemeente: &str) -> f64 {
    match gemeente {
        "GM0638" => 0.04,
        "GM0546" => 0.03,
        _ => 0.02,
    }
}

/// `next_postcode`: the next free 4-digit postcode area, so that addresses are unique.
fn objects_of(g: &Gemeente, rng: &mut ChaCha8Rng, next_postcode: &mut u32) -> Vec<Object> {
    let gm_code = g.area.code.to_string();
    let AreaCode::Gemeente(gm) = g.area.code else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (_, buurten) in &g.wijken {
        for b in buurten {
            let AreaCode::Buurt(bn) = b.code else {
                continue;
            };
            let n = (b.inwoners as f64 / 2.0).round() as u32;
            let postcode_digits = *next_postcode;
            *next_postcode += 1;
            for i in 0..n {
                let letters = [b'A' + (i / 26 % 26) as u8, b'A' + (i % 26) as u8];
                out.push(Object {
                    id: u64::from(gm) * 1_000_000_000_000
                        + 10_000_000_000
                        + u64::from(bn % 10_000) * 100_000
                        + u64::from(i),
                    gemeente: g.area.code,
                    buurt: b.code,
                    xy: random_point(rng, &b.rd),
                    postcode: format!("{postcode_digits}{}", String::from_utf8_lossy(&letters)),
                    huisnummer: i % 50 + 1,
                    huisletter: if i % 7 == 0 { "a" } else { "" },
                    leeg_kans: leeg_rate(&gm_code) * rng.random_range(0.5..1.5),
                });
            }
        }
    }
    out
}

fn verblijfsobjecten(
    dir: &Path,
    gemeenten: &[Gemeente],
    rng: &mut ChaCha8Rng,
) -> Result<Vec<Object>, DemoError> {
    let mut all = Vec::new();
    let mut next_postcode = 1000;
    for g in gemeenten
        .iter()
        .filter(|g| OBJECT_GEMEENTEN.contains(&g.area.code.to_string().as_str()))
    {
        let objects = objects_of(g, rng, &mut next_postcode);
        let code = g.area.code.to_string();
        // Zoeterwoude and Leiderdorp deliver x,y only (placed by point-in-polygon); Leiderdorp
        // exports from a Dutch spreadsheet: `;`, decimal comma, Windows-1252.
        let by_xy = code == "GM0638" || code == "GM0547";
        let dutch = code == "GM0547";
        for peildatum in PEILDATA {
            let sep = if dutch { ';' } else { ',' };
            let location_columns: &[&str] = if by_xy { &["x", "y"] } else { &["buurtcode"] };
            let mut columns = vec!["peildatum", "verblijfsobject_id", "status", "gebruiksdoel"];
            columns.extend_from_slice(location_columns);
            columns.extend_from_slice(&[
                "postcode",
                "huisnummer",
                "huisletter",
                "bewoners_brp",
                "vestigingen_hr",
                "woz_gebruik",
            ]);
            let mut s = columns.join(&sep.to_string());
            s.push('\n');
            for o in &objects {
                let status = if rng.random_bool(0.01) {
                    "Verblijfsobject buiten gebruik"
                } else {
                    "Verblijfsobject in gebruik"
                };
                let leeg = rng.random_bool(o.leeg_kans.min(1.0));
                let (bewoners, vestigingen, woz) = if leeg {
                    (0, 0, "nee")
                } else if rng.random_bool(0.1) {
                    (0, rng.random_range(1..3), "ja")
                } else {
                    (rng.random_range(1..5), 0, "ja")
                };
                let doel = if vestigingen > 0 {
                    "\"kantoorfunctie,woonfunctie\""
                } else {
                    "woonfunctie"
                };
                let loc = if by_xy {
                    if dutch {
                        format!(
                            "{}{sep}{}",
                            o.xy.0.to_string().replace('.', ","),
                            o.xy.1.to_string().replace('.', ",")
                        )
                    } else {
                        format!("{}{sep}{}", o.xy.0, o.xy.1)
                    }
                } else {
                    o.buurt.to_string()
                };
                let postcode = if o.huisnummer % 3 == 0 {
                    format!("{} {}", &o.postcode[..4], o.postcode[4..].to_lowercase())
                } else {
                    o.postcode.clone()
                };
                let _ = writeln!(
                    s,
                    "{peildatum}{sep}{:016}{sep}{status}{sep}{doel}{sep}{loc}{sep}{postcode}{sep}{}{sep}{}{sep}{bewoners}{sep}{vestigingen}{sep}{woz}",
                    o.id, o.huisnummer, o.huisletter
                );
            }
            let rel = format!("verblijfsobjecten/{code}_{peildatum}.csv");
            if dutch {
                let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&s);
                write(dir, &rel, &bytes)?;
            } else {
                write(dir, &rel, s.as_bytes())?;
            }
        }
        all.extend(objects);
    }
    Ok(all)
}

fn leegstand(gemeenten: &[Gemeente], rng: &mut ChaCha8Rng) -> String {
    let mut s =
        String::from("gebiedscode,peildatum,verblijfsobjecten_in_gebruik,administratief_leeg\n");
    for g in gemeenten
        .iter()
        .filter(|g| !OBJECT_GEMEENTEN.contains(&g.area.code.to_string().as_str()))
    {
        let code = g.area.code.to_string();
        let in_gebruik = g.area.inwoners / 2;
        for peildatum in PEILDATA {
            let leeg = (in_gebruik as f64 * leeg_rate(&code) * rng.random_range(0.85..1.15)).round()
                as i64;
            // CBS StatLine pads codes; the pipeline trims them.
            let _ = writeln!(s, "{code:<10},{peildatum},{in_gebruik},{leeg}");
        }
    }
    s
}

/// RNI registrations per 1,000 inwoners, by gemeente: high where labour migrants live.
fn rni_rate(code: &str) -> f64 {
    match code {
        "GM0638" => 28.0,
        "GM0518" => 22.0,
        "GM0546" | "GM1525" | "GM0553" | "GM0534" => 14.0,
        _ => 8.0,
    }
}

fn rni(
    dir: &Path,
    gemeenten: &[Gemeente],
    objects: &[Object],
    rng: &mut ChaCha8Rng,
) -> Result<(), DemoError> {
    let mut by_object = String::from("peildatum,verblijfsobject_id,ingeschrevenen\n");
    let mut by_address = String::from("peildatum,postcode,huisnummer,huisletter,ingeschrevenen\n");
    let mut by_area = String::from("peildatum,gebiedscode,ingeschrevenen\n");
    for g in gemeenten {
        let code = g.area.code.to_string();
        let target = (g.area.inwoners as f64 * rni_rate(&code) / 1000.0).round() as i64;
        let mine: Vec<&Object> = objects
            .iter()
            .filter(|o| o.gemeente == g.area.code)
            .collect();
        for peildatum in PEILDATA {
            if mine.is_empty() {
                let n = (target as f64 * rng.random_range(0.9..1.1)).round() as i64;
                let _ = writeln!(by_area, "{peildatum},{code},{n}");
                continue;
            }
            // A few addresses with many registrations (a sign of overcrowding), many with one or two.
            let mut left = target;
            let mut i = 0usize;
            while left > 0 {
                let o = mine[(i * 7919 + 13) % mine.len()];
                let n = if i.is_multiple_of(25) {
                    rng.random_range(6..12)
                } else {
                    rng.random_range(1..3)
                }
                .min(left);
                left -= n;
                i += 1;
                if code == "GM1916" {
                    let _ = writeln!(
                        by_address,
                        "{peildatum},{},{},{},{n}",
                        o.postcode,
                        o.huisnummer,
                        o.huisletter.to_uppercase()
                    );
                } else {
                    let _ = writeln!(by_object, "{peildatum},{:016},{n}", o.id);
                }
            }
        }
    }
    // Real exports are never clean: two addresses that match no object (a typo, a demolished
    // building) end up quarantined and listed in the kwaliteit table.
    by_address.push_str("2024-12-31,9999ZZ,1,,2\n2024-12-31,2261 QX,404,B,1\n");
    write(dir, "rni/rni_objecten.csv", by_object.as_bytes())?;
    write(dir, "rni/rni_adressen.csv", by_address.as_bytes())?;
    write(dir, "rni/rni_gemeenten.csv", by_area.as_bytes())?;
    Ok(())
}

/// (SBI code, weight) of the risk sectors and some other activity.
const SBI: [(&str, f64); 14] = [
    ("41201", 8.0),
    ("43221", 10.0),
    ("56101", 8.0),
    ("55101", 2.0),
    ("47111", 8.0),
    ("49410", 4.0),
    ("01131", 2.0),
    ("10711", 2.0),
    ("81211", 4.0),
    ("96021", 3.0),
    ("78201", 1.5),
    ("62010", 15.0),
    ("69201", 12.0),
    ("86211", 10.0),
];

fn kvk(
    dir: &Path,
    gemeenten: &[Gemeente],
    objects: &[Object],
    rng: &mut ChaCha8Rng,
) -> Result<(), DemoError> {
    let mut s = String::from(
        "vestigingsnummer,kvk_nummer,sbi_code,datum_inschrijving,datum_uitschrijving,verblijfsobject_id,x,y\n",
    );
    let total_weight: f64 = SBI.iter().map(|(_, w)| w).sum();
    let mut nr: u64 = 100_000_000_000;
    for g in gemeenten {
        let code = g.area.code.to_string();
        // Zoeterwoude: ~300 risk-sector vestigingen, mostly bouw, 10 uitzendbureaus.
        let count = if code == "GM0638" {
            520
        } else {
            g.area.inwoners * 55 / 1000
        };
        let mine: Vec<&Object> = objects
            .iter()
            .filter(|o| o.gemeente == g.area.code)
            .collect();
        let buurten: Vec<&Area_> = g.wijken.iter().flat_map(|(_, bs)| bs.iter()).collect();
        for i in 0..count {
            nr += 1;
            let sbi = if code == "GM0638" && i < 10 {
                "78201"
            } else if code == "GM0638" && i < 150 {
                "43221"
            } else {
                let mut pick = rng.random_range(0.0..total_weight);
                SBI.iter()
                    .find(|(_, w)| {
                        pick -= w;
                        pick < 0.0
                    })
                    .map_or("62010", |(c, _)| c)
            };
            let sbi_shown = if i % 5 == 0 && sbi.len() == 5 {
                format!("{}.{}.{}", &sbi[..2], &sbi[2..4], &sbi[4..])
            } else {
                sbi.to_string()
            };
            let year = rng.random_range(1995..=2024);
            let start = chrono::NaiveDate::from_ymd_opt(
                year,
                rng.random_range(1..=12),
                rng.random_range(1..=28),
            )
            .unwrap_or_default();
            let calibrated = code == "GM0638" && i < 10;
            let short = !calibrated && (sbi == "78201" || rng.random_bool(0.05));
            let end = if short {
                Some(start + chrono::Duration::days(rng.random_range(60..360)))
            } else if !calibrated && rng.random_bool(0.15) {
                Some(start + chrono::Duration::days(rng.random_range(365..6000)))
            } else {
                None
            };
            let end = end.filter(|e| {
                *e <= chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap_or_default()
            });
            let location = if !mine.is_empty() {
                // Some addresses host many vestigingen (a mailbox address).
                let o = if i % 40 == 0 {
                    mine[0]
                } else {
                    mine[rng.random_range(0..mine.len())]
                };
                format!("{:016},,", o.id)
            } else {
                let b = buurten[rng
                    .random_range(0..buurten.len().max(1))
                    .min(buurten.len().saturating_sub(1))];
                let (x, y) = random_point(rng, &b.rd);
                format!(",{x},{y}")
            };
            let _ = writeln!(
                s,
                "{nr:012},{:08},\"{sbi_shown}\",{start},{},{location}",
                nr % 100_000_000,
                end.map(|e| e.to_string()).unwrap_or_default()
            );
        }
    }
    write(dir, "kvk/kvk_vestigingen.csv", s.as_bytes())
}

/// Signals per 10,000 inwoners a year, and the share of each form.
const VORM_AANDELEN: [(&str, f64); 6] = [
    ("seksueel", 0.40),
    ("arbeid", 0.25),
    ("crimineel", 0.20),
    ("crimineel_seksueel", 0.06),
    ("onbekend", 0.07),
    ("overig", 0.02),
];

fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> i64 {
    // Knuth's method; means here are small.
    let limit = (-mean).exp();
    let (mut k, mut p) = (0i64, 1.0f64);
    loop {
        p *= rng.random_range(0.0..1.0);
        if p <= limit {
            return k;
        }
        k += 1;
    }
}

fn signalen(dir: &Path, gemeenten: &[Gemeente], rng: &mut ChaCha8Rng) -> Result<(), DemoError> {
    let bronnen = ["intern", "extern", "politie", "mma", "website", "riec"];
    let mut quarterly = String::from("periode,gebiedscode,bron,vorm,fase,aantal\n");
    let mut monthly = String::from("periode;gebiedscode;bron;vorm;fase;aantal\n");
    for g in gemeenten {
        let code = g.area.code.to_string();
        let per_year = g.area.inwoners as f64 * 2.0 / 10_000.0;
        let district_zlv = ["GM0629", "GM0637", "GM1916", "GM1926"].contains(&code.as_str());
        let first_year = if district_zlv {
            2022
        } else if code == "GM0518" || code == "GM0603" {
            2021
        } else {
            2019
        };
        for year in first_year..=2024 {
            let (steps, per_step) = if district_zlv {
                (12, per_year / 12.0)
            } else {
                (4, per_year / 4.0)
            };
            for step in 1..=steps {
                for (vorm, share) in VORM_AANDELEN {
                    let n = poisson(rng, per_step * share);
                    for _ in 0..n {
                        // Highest phase reached: most signals stop early.
                        let fase = [1, 1, 1, 2, 2, 3, 3, 4, 5][rng.random_range(0..9)];
                        let bron = bronnen[rng.random_range(0..bronnen.len())];
                        let area = if code == "GM0518" {
                            let w = &g.wijken[rng.random_range(0..g.wijken.len())].0;
                            w.code.to_string()
                        } else {
                            code.clone()
                        };
                        if district_zlv {
                            let _ = writeln!(
                                monthly,
                                "{year}MM{step:02};{area};{bron};{vorm};{fase};1"
                            );
                        } else {
                            let _ =
                                writeln!(quarterly, "{year}-Q{step},{area},{bron},{vorm},{fase},1");
                        }
                    }
                }
            }
        }
    }
    write(dir, "signalen/signalen_kwartaal.csv", quarterly.as_bytes())?;
    write(dir, "signalen/signalen_maand_zlv.csv", monthly.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_adds_up() {
        let parts = split(1001, &[1.0, 2.0, 0.5]);
        assert_eq!(parts.iter().sum::<i64>(), 1001);
        assert!(parts[1] > parts[0] && parts[0] > parts[2]);
    }
}
