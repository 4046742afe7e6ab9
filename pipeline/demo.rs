//! The demo region: writes a complete input drop for the 16 gemeenten of RIEC Den Haag west.
//! Real (fixtures/demo, CBS/PDOK, CC BY 4.0): the 2025 gemeente boundaries, the district table,
//! the 145 wijken of 2024 and their inwoners on 1 January 2024. Synthetic, from a fixed seed:
//! buurten (a Voronoi split of each real wijk), earlier years' population, objects, RNI, KvK and
//! signals, calibrated to the figures in fixtures/demo/README.md; the evaluation's efforts and
//! victims in `demo/evaluatie.rs`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use geo::{
    Area, BooleanOps, BoundingRect, Contains, Intersects, MapCoords, MultiPolygon, Point, Rect,
};
use rand::distr::{Distribution, weighted::WeightedIndex};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod evaluatie;
mod plan;

use crate::config::GeographyConfig;
use crate::locate::geometry::{Projector, read_boundary_file};
use crate::validate::AreaCode;

const GEMEENTEN_GEOJSON: &str = include_str!("../fixtures/demo/gebieden/gemeenten.geojson");
const DISTRICTEN_CSV: &str = include_str!("../fixtures/demo/gebieden/districten.csv");
const WIJKEN_GEOJSON: &str =
    include_str!("../fixtures/demo/gebieden/wijken_2024_riec_den_haag_west.geojson");
const WIJK_INWONERS_CSV: &str =
    include_str!("../fixtures/demo/gebieden/inwoners_wijken_2024_riec_den_haag_west.csv");

/// The map's attribution line for each boundary file of the drop (the `attribution` member).
const GEMEENTEN_BRON: &str = "Gemeentegrenzen 2025: CBS / PDOK (CC BY 4.0)";
const WIJKEN_BRON: &str = "Wijken 2024: CBS, Kadaster/PDOK – Wijk- en buurtkaart 2024 (CC BY 4.0)";
const BUURTEN_BRON: &str = "Buurten: synthetisch (demo)";

/// Gemeenten delivering object-level verblijfsobjecten at every peildatum; the others deliver
/// them only at the last one, and the aggregate `leegstand.csv` before it.
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
/// One synthetic buurt per this many inwoners of a wijk (at least one, at most `MAX_BUURTEN`).
const INWONERS_PER_BUURT: i64 = 5_000;
const MAX_BUURTEN: i64 = 8;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("demo geometry: {0}")]
    Geometry(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("demo wijk inwoners, line {line}: {message}")]
    Inwoners { line: usize, message: String },
}

/// A gemeente, wijk or buurt of the demo, in RD New.
struct DemoArea {
    code: AreaCode,
    name: String,
    rd: MultiPolygon<f64>,
    /// Inwoners on 1 January 2024; `None` where CBS has no figure (the "Groot water" wijken).
    inwoners: Option<i64>,
}

impl DemoArea {
    fn inwoners(&self) -> i64 {
        self.inwoners.unwrap_or(0)
    }
}

struct Wijk {
    area: DemoArea,
    buurten: Vec<DemoArea>,
}

struct Gemeente {
    area: DemoArea,
    wijken: Vec<Wijk>,
}

impl Gemeente {
    fn buurten(&self) -> impl Iterator<Item = &DemoArea> {
        self.wijken.iter().flat_map(|w| w.buurten.iter())
    }

    fn delivers_objects_at(&self, peildatum: &str) -> bool {
        OBJECT_GEMEENTEN.contains(&self.area.code.to_string().as_str())
            || Some(&peildatum) == PEILDATA.last()
    }
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
    write_real_areas(dir)?;
    let gemeenten = subdivide(dir, &mut rng)?;
    let placer = Placer::new(&gemeenten);
    write(
        dir,
        "gebieden/buurten.geojson",
        &buurten_geojson(&gemeenten),
    )?;
    write(dir, "bevolking.csv", bevolking(&gemeenten).as_bytes())?;
    let objects = verblijfsobjecten(dir, &gemeenten, &placer, &mut rng)?;
    write(
        dir,
        "leegstand.csv",
        leegstand(&gemeenten, &mut rng).as_bytes(),
    )?;
    rni(dir, &gemeenten, &objects, &mut rng)?;
    kvk(dir, &gemeenten, &objects, &placer, &mut rng)?;
    signalen(dir, &gemeenten, &mut rng)?;
    // Its own stream, so that the efforts leave every other input as it was.
    let mut effort_rng = ChaCha8Rng::seed_from_u64(20_261_126);
    write(
        dir,
        "inspanningen/inspanningen.csv",
        evaluatie::inspanningen(&gemeenten, &mut effort_rng).as_bytes(),
    )?;
    // And the victims theirs.
    let mut victim_rng = ChaCha8Rng::seed_from_u64(20_261_206);
    write(
        dir,
        "slachtoffers/slachtoffers.csv",
        evaluatie::slachtoffers(&gemeenten, &mut victim_rng).as_bytes(),
    )?;
    // The plan of approach: goals, actions and findings (hand-written, no randomness).
    write(dir, "doelen.csv", plan::doelen().as_bytes())?;
    write(dir, "acties.csv", plan::acties().as_bytes())?;
    for (path, text) in plan::bevindingen() {
        write(dir, &path, text.as_bytes())?;
    }
    Ok(())
}

/// The real part of the drop: gemeenten, wijken and the district table.
fn write_real_areas(dir: &Path) -> Result<(), DemoError> {
    write(
        dir,
        "gebieden/gemeenten.geojson",
        &with_attribution(GEMEENTEN_GEOJSON, GEMEENTEN_BRON)?,
    )?;
    write(
        dir,
        "gebieden/wijken_2024.geojson",
        &with_attribution(WIJKEN_GEOJSON, WIJKEN_BRON)?,
    )?;
    write(dir, "gebieden/districten.csv", DISTRICTEN_CSV.as_bytes())
}

/// The GeoJSON text with its source as the collection's `attribution` member, which the
/// pipeline carries to the map's attribution line.
fn with_attribution(geojson: &str, attribution: &str) -> Result<Vec<u8>, DemoError> {
    let mut doc: serde_json::Value =
        serde_json::from_str(geojson).map_err(|e| DemoError::Geometry(e.into()))?;
    if let Some(members) = doc.as_object_mut() {
        members.insert("attribution".into(), attribution.into());
    }
    serde_json::to_vec(&doc).map_err(|e| DemoError::Geometry(e.into()))
}

/// The real inwoners of each wijk on 1 January 2024 (`None`: no figure, as for "Groot water").
fn wijk_inwoners() -> Result<BTreeMap<AreaCode, Option<i64>>, DemoError> {
    let mut out = BTreeMap::new();
    for (i, line) in WIJK_INWONERS_CSV.lines().enumerate().skip(1) {
        let fail = |message: String| DemoError::Inwoners {
            line: i + 1,
            message,
        };
        let cells: Vec<&str> = line.split(',').collect();
        let [code, _naam, _gemeente, _peildatum, inwoners] = cells[..] else {
            return Err(fail(format!("expected 5 cells, found {}", cells.len())));
        };
        let code = AreaCode::parse(code).ok_or_else(|| fail(format!("bad code {code}")))?;
        let inwoners = match inwoners.trim() {
            "" => None,
            n => Some(n.parse().map_err(|_| fail(format!("bad count {n}")))?),
        };
        out.insert(code, inwoners);
    }
    Ok(out)
}

/// Splits `total` over `weights` so that the parts add up exactly.
fn split(total: i64, weights: &[f64]) -> Vec<i64> {
    let sum: f64 = weights.iter().sum();
    if weights.is_empty() || sum <= 0.0 {
        return split(total, &vec![1.0; weights.len()]);
    }
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

/// How many buurten a wijk of `inwoners` gets. Never two: a Voronoi split needs three sites.
fn buurt_count(inwoners: i64) -> usize {
    match ((inwoners + INWONERS_PER_BUURT / 2) / INWONERS_PER_BUURT).clamp(1, MAX_BUURTEN) {
        2 => 3,
        n => n as usize,
    }
}

/// A point uniformly inside `shape`, or `None` after many misses.
fn point_in(rng: &mut ChaCha8Rng, shape: &MultiPolygon<f64>) -> Option<Point<f64>> {
    let r = shape.bounding_rect()?;
    (0..1000).find_map(|_| {
        let p = Point::new(
            rng.random_range(r.min().x..=r.max().x),
            rng.random_range(r.min().y..=r.max().y),
        );
        shape.contains(&p).then_some(p)
    })
}

/// Splits a wijk into `n` pieces: the Voronoi cells of `n` random sites inside it, each clipped to
/// the wijk. Every piece holds its site, so none is empty.
fn voronoi_split(
    rng: &mut ChaCha8Rng,
    wijk: &MultiPolygon<f64>,
    n: usize,
) -> Vec<MultiPolygon<f64>> {
    let whole = || vec![wijk.clone()];
    let (Some(rect), true) = (wijk.bounding_rect(), n > 1) else {
        return whole();
    };
    let sites: Vec<voronoice::Point> = (0..n)
        .filter_map(|_| point_in(rng, wijk))
        .map(|p| voronoice::Point { x: p.x(), y: p.y() })
        .collect();
    let center = rect.center();
    let bounds = voronoice::BoundingBox::new(
        voronoice::Point {
            x: center.x,
            y: center.y,
        },
        rect.width() * 1.01 + 1.0,
        rect.height() * 1.01 + 1.0,
    );
    let Some(diagram) = voronoice::VoronoiBuilder::default()
        .set_sites(sites)
        .set_bounding_box(bounds)
        .build()
    else {
        return whole();
    };
    let pieces: Vec<MultiPolygon<f64>> = diagram
        .iter_cells()
        .map(|cell| {
            let ring: Vec<(f64, f64)> = cell.iter_vertices().map(|p| (p.x, p.y)).collect();
            let cell = MultiPolygon::new(vec![geo::Polygon::new(ring.into(), Vec::new())]);
            wijk.intersection(&cell)
        })
        .filter(|piece| piece.unsigned_area() > 0.0)
        .collect();
    if pieces.is_empty() { whole() } else { pieces }
}

fn subdivide(dir: &Path, rng: &mut ChaCha8Rng) -> Result<Vec<Gemeente>, DemoError> {
    let projector = Projector::new().map_err(|e| DemoError::Geometry(e.into()))?;
    let read = |rel: &str| {
        read_boundary_file(&dir.join(rel), rel, &GeographyConfig::default(), &projector)
            .map(|f| f.boundaries)
            .map_err(|e| DemoError::Geometry(e.into()))
    };
    let gemeenten = read("gebieden/gemeenten.geojson")?;
    let mut wijken = read("gebieden/wijken_2024.geojson")?;
    wijken.sort_by_key(|w| w.code);
    let inwoners = wijk_inwoners()?;
    let mut out = Vec::new();
    for g in gemeenten {
        let AreaCode::Gemeente(_) = g.code else {
            continue;
        };
        let mut gemeente = Gemeente {
            area: DemoArea {
                code: g.code,
                name: g.name,
                rd: g.rd,
                inwoners: None,
            },
            wijken: Vec::new(),
        };
        for w in wijken.iter().filter(|w| w.code.gemeente() == g.code) {
            let AreaCode::Wijk(wk) = w.code else { continue };
            let wijk_inwoners = inwoners.get(&w.code).copied().flatten();
            let shapes = voronoi_split(rng, &w.rd, buurt_count(wijk_inwoners.unwrap_or(0)));
            // More people where a piece is larger, with some spread.
            let weights: Vec<f64> = shapes
                .iter()
                .map(|s| s.unsigned_area() * rng.random_range(0.5..1.5))
                .collect();
            let buurt_inwoners = split(wijk_inwoners.unwrap_or(0), &weights);
            let buurten = shapes
                .into_iter()
                .zip(buurt_inwoners)
                .enumerate()
                .map(|(bi, (rd, n))| DemoArea {
                    code: AreaCode::Buurt(wk * 100 + bi as u32 + 1),
                    name: format!("{} buurt {:02} (synthetisch)", w.name, bi + 1),
                    rd: to_decimetres(&rd),
                    inwoners: wijk_inwoners.map(|_| n),
                })
                .collect();
            gemeente.wijken.push(Wijk {
                area: DemoArea {
                    code: w.code,
                    name: w.name.clone(),
                    rd: w.rd.clone(),
                    inwoners: wijk_inwoners,
                },
                buurten,
            });
        }
        gemeente.area.inwoners = Some(gemeente.wijken.iter().map(|w| w.area.inwoners()).sum());
        out.push(gemeente);
    }
    Ok(out)
}

/// The shape as written to `buurten.geojson` (RD New to 0.1 m), so that the points drawn in it
/// are tested against exactly what the pipeline reads.
fn to_decimetres(shape: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    shape.map_coords(|c| geo::Coord {
        x: (c.x * 10.0).round() / 10.0,
        y: (c.y * 10.0).round() / 10.0,
    })
}

/// Places synthetic points so that the pipeline finds them where the demo meant them: inside
/// their own buurt and in no other. The real wijken are generalised one by one, so neighbours
/// overlap by a few tens of metres; a point in such an overlap would land in the buurt with the
/// lower code, so it is drawn again. (Gaps between wijken need nothing: a point is drawn inside
/// its buurt, never in a gap.)
struct Placer {
    /// Per buurt code: its shape and the shapes of the buurten whose boxes overlap it.
    buurten: BTreeMap<AreaCode, (MultiPolygon<f64>, Vec<MultiPolygon<f64>>)>,
}

impl Placer {
    fn new(gemeenten: &[Gemeente]) -> Placer {
        let all: Vec<(&DemoArea, Rect<f64>)> = gemeenten
            .iter()
            .flat_map(Gemeente::buurten)
            .filter_map(|b| Some((b, b.rd.bounding_rect()?)))
            .collect();
        let buurten = all
            .iter()
            .map(|(b, rect)| {
                let neighbours = all
                    .iter()
                    .filter(|(o, r)| o.code != b.code && r.intersects(rect))
                    .map(|(o, _)| o.rd.clone())
                    .collect();
                (b.code, (b.rd.clone(), neighbours))
            })
            .collect();
        Placer { buurten }
    }

    /// A point (RD New, rounded to centimetres) inside buurt `code` and no other buurt.
    fn point(&self, rng: &mut ChaCha8Rng, code: AreaCode) -> Option<(f64, f64)> {
        let (shape, neighbours) = self.buurten.get(&code)?;
        (0..100).find_map(|_| {
            let p = point_in(rng, shape)?;
            let p = Point::new(
                (p.x() * 100.0).round() / 100.0,
                (p.y() * 100.0).round() / 100.0,
            );
            let own = shape.contains(&p) && !neighbours.iter().any(|n| n.contains(&p));
            own.then_some((p.x(), p.y()))
        })
    }
}

fn buurten_geojson(gemeenten: &[Gemeente]) -> Vec<u8> {
    let feature = |a: &DemoArea| {
        let coords: Vec<Vec<Vec<[f64; 2]>>> =
            a.rd.0
                .iter()
                .map(|p| {
                    std::iter::once(p.exterior())
                        .chain(p.interiors())
                        .map(|r| r.coords().map(|c| [c.x, c.y]).collect())
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
        .flat_map(Gemeente::buurten)
        .map(feature)
        .collect();
    let doc = serde_json::json!({
        "type": "FeatureCollection",
        "crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:EPSG::28992" } },
        "attribution": BUURTEN_BRON,
        "features": features,
    });
    serde_json::to_vec(&doc).unwrap_or_default()
}

fn bevolking(gemeenten: &[Gemeente]) -> String {
    let mut s = String::from("gebiedscode,jaar,inwoners\n");
    for year in 2019..=2024 {
        // Earlier years derived from 2024: about 0.8 % growth a year, every wijk alike.
        let factor = 1.0 / 1.008_f64.powi(2024 - year);
        for g in gemeenten {
            let scaled = |n: i64| (n as f64 * factor).round() as i64;
            let wijken: Vec<Option<i64>> = g
                .wijken
                .iter()
                .map(|w| w.area.inwoners.map(scaled))
                .collect();
            let total: i64 = wijken.iter().flatten().sum();
            let _ = writeln!(s, "{},{year},{total}", g.area.code);
            for (w, w_inw) in g.wijken.iter().zip(&wijken) {
                // No figure for a wijk without one (CBS leaves "Groot water" empty).
                let Some(w_inw) = w_inw else { continue };
                let weights: Vec<f64> = w
                    .buurten
                    .iter()
                    .map(|b| b.inwoners() as f64 + 1.0)
                    .collect();
                let _ = writeln!(s, "{},{year},{w_inw}", w.area.code);
                for (b, n) in w.buurten.iter().zip(split(*w_inw, &weights)) {
                    let _ = writeln!(s, "{},{year},{n}", b.code);
                }
            }
        }
    }
    s
}

/// A synthetic object.
struct Object {
    id: u64,
    gemeente: AreaCode,
    buurt: AreaCode,
    /// RD New, only for the gemeenten that deliver `x`,`y` (drawn where needed).
    xy: Option<(f64, f64)>,
    postcode: String,
    huisnummer: u32,
    huisletter: &'static str,
    leeg_kans: f64,
}

fn leeg_rate(gemeente: &str) -> f64 {
    match gemeente {
        "GM0638" => 0.04,
        "GM0546" => 0.03,
        _ => 0.02,
    }
}

/// Zoeterwoude and Leiderdorp deliver objects by `x`,`y` only (placed by point-in-polygon).
fn delivers_xy(gemeente: &str) -> bool {
    gemeente == "GM0638" || gemeente == "GM0547"
}

/// About one object in use per two inwoners of each buurt. `next_postcode`: the next free
/// 4-digit postcode area, so that addresses are unique.
fn objects_of(
    g: &Gemeente,
    placer: &Placer,
    rng: &mut ChaCha8Rng,
    next_postcode: &mut u32,
) -> Vec<Object> {
    let gm_code = g.area.code.to_string();
    let AreaCode::Gemeente(gm) = g.area.code else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for b in g.buurten() {
        let AreaCode::Buurt(bn) = b.code else {
            continue;
        };
        let n = (b.inwoners() as f64 / 2.0).round() as u32;
        let postcode_digits = *next_postcode;
        *next_postcode += 1;
        for i in 0..n {
            let xy = if delivers_xy(&gm_code) {
                // A buurt too thin to draw a point in (none in the demo) gets no such object.
                let Some(xy) = placer.point(rng, b.code) else {
                    continue;
                };
                Some(xy)
            } else {
                None
            };
            let letters = [b'A' + (i / 26 % 26) as u8, b'A' + (i % 26) as u8];
            out.push(Object {
                id: u64::from(gm) * 1_000_000_000_000
                    + 10_000_000_000
                    + u64::from(bn % 10_000) * 100_000
                    + u64::from(i),
                gemeente: g.area.code,
                buurt: b.code,
                xy,
                postcode: format!("{postcode_digits}{}", String::from_utf8_lossy(&letters)),
                huisnummer: i % 50 + 1,
                huisletter: if i % 7 == 0 { "a" } else { "" },
                leeg_kans: leeg_rate(&gm_code) * rng.random_range(0.5..1.5),
            });
        }
    }
    out
}

fn verblijfsobjecten(
    dir: &Path,
    gemeenten: &[Gemeente],
    placer: &Placer,
    rng: &mut ChaCha8Rng,
) -> Result<Vec<Object>, DemoError> {
    let mut all = Vec::new();
    let mut next_postcode = 1000;
    for g in gemeenten {
        let objects = objects_of(g, placer, rng, &mut next_postcode);
        let code = g.area.code.to_string();
        // Leiderdorp exports from a Dutch spreadsheet: `;`, decimal comma, Windows-1252.
        let by_xy = delivers_xy(&code);
        let dutch = code == "GM0547";
        for peildatum in PEILDATA.iter().filter(|p| g.delivers_objects_at(p)) {
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
                let loc = match (by_xy, o.xy) {
                    (true, Some((x, y))) if dutch => format!(
                        "{}{sep}{}",
                        x.to_string().replace('.', ","),
                        y.to_string().replace('.', ",")
                    ),
                    (true, Some((x, y))) => format!("{x}{sep}{y}"),
                    _ => o.buurt.to_string(),
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

/// The aggregate `leegstand.csv`: the gemeenten that deliver objects only at the last
/// peildatum give their gemeente totals before it.
fn leegstand(gemeenten: &[Gemeente], rng: &mut ChaCha8Rng) -> String {
    let mut s =
        String::from("gebiedscode,peildatum,verblijfsobjecten_in_gebruik,administratief_leeg\n");
    for g in gemeenten {
        let code = g.area.code.to_string();
        let in_gebruik = g.area.inwoners() / 2;
        for peildatum in PEILDATA.iter().filter(|p| !g.delivers_objects_at(p)) {
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
        // Zoeterwoude's seed: "gemiddeld 21 per maand" beside "BRP … minder dan 10" reads as a
        // stock of about 21 (≈ 9,400 inwoners × 2.3 / 1,000), not 21 new each month.
        "GM0638" => 2.3,
        "GM0518" => 22.0,
        "GM0546" | "GM1525" | "GM0553" | "GM0534" => 14.0,
        _ => 8.0,
    }
}

/// Every `RNI_DRUK`-th RNI address of a gemeente holds many registrants.
const RNI_DRUK: usize = 25;

/// The object of a gemeente's `i`-th RNI address (the same in the RNI and the KvK drop, so that
/// some uitzendbureaus sit at the addresses where their workers are registered).
fn rni_object<'a>(mine: &[&'a Object], i: usize) -> &'a Object {
    mine[(i * 7919 + 13) % mine.len()]
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
        let target = (g.area.inwoners() as f64 * rni_rate(&code) / 1000.0).round() as i64;
        let mine: Vec<&Object> = objects
            .iter()
            .filter(|o| o.gemeente == g.area.code)
            .collect();
        for peildatum in PEILDATA {
            // By object where the gemeente delivers objects at that peildatum, else in total.
            if mine.is_empty() || !g.delivers_objects_at(peildatum) {
                let n = (target as f64 * rng.random_range(0.9..1.1)).round() as i64;
                let _ = writeln!(by_area, "{peildatum},{code},{n}");
                continue;
            }
            // Most addresses with one or two registrations, some with three or four, a few
            // with many (labour-migrant housing, overcrowding): the `RNI_DRUK`-th ones.
            let mut left = target;
            let mut i = 0usize;
            while left > 0 {
                let o = rni_object(&mine, i);
                let n = if i.is_multiple_of(RNI_DRUK) {
                    rng.random_range(5..16)
                } else if i.is_multiple_of(7) {
                    rng.random_range(3..5)
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
    placer: &Placer,
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
            g.area.inwoners() * 55 / 1000
        };
        // The gemeenten that deliver objects only lately place one vestiging in five by x,y.
        let some_by_point = !OBJECT_GEMEENTEN.contains(&code.as_str());
        let mine: Vec<&Object> = objects
            .iter()
            .filter(|o| o.gemeente == g.area.code)
            .collect();
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
            if mine.is_empty() {
                continue;
            }
            // Some addresses host many vestigingen (a mailbox address); some uitzendbureaus
            // are registered where they house their workers (one of the first addresses with
            // many RNI registrants).
            let o = if i % 40 == 0 {
                mine[0]
            } else if sbi.starts_with("78") && rng.random_bool(0.3) {
                rni_object(&mine, RNI_DRUK * rng.random_range(0..6))
            } else {
                mine[rng.random_range(0..mine.len())]
            };
            let point = (some_by_point && i % 5 == 1)
                .then(|| placer.point(rng, o.buurt))
                .flatten();
            let location = match point {
                Some((x, y)) => format!(",{x},{y}"),
                None => format!("{:016},,", o.id),
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
    // The reporting routes, weighted by repetition (a twentieth each): the gemeente's own staff
    // and the police most, then the partners the seeds report victim notifications from.
    let bronnen = [
        "intern", "intern", "intern", "intern", "politie", "politie", "politie", "politie",
        "extern", "mma", "mma", "website", "riec", "riec", "shop", "shop", "comensha", "comensha",
        "fairwork", "nla",
    ];
    let mut quarterly = String::from("periode,gebiedscode,bron,vorm,fase,aantal\n");
    let mut monthly = String::from("periode;gebiedscode;bron;vorm;fase;aantal\n");
    for g in gemeenten {
        let code = g.area.code.to_string();
        let per_year = g.area.inwoners() as f64 * 2.0 / 10_000.0;
        // Den Haag reports per wijk: more signals where more people live, none on water.
        let wijk_choice = WeightedIndex::new(g.wijken.iter().map(|w| w.area.inwoners())).ok();
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
                        let area = match (&wijk_choice, code == "GM0518") {
                            (Some(choice), true) => {
                                g.wijken[choice.sample(rng)].area.code.to_string()
                            }
                            _ => code.clone(),
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
    use crate::locate::geometry::{Boundary, LevelIndex};

    fn demo_areas() -> Vec<Gemeente> {
        let dir = tempfile::tempdir().expect("tempdir");
        write_real_areas(dir.path()).expect("real areas");
        subdivide(dir.path(), &mut ChaCha8Rng::seed_from_u64(7)).expect("subdivide")
    }

    #[test]
    fn buurten_split_their_real_wijk_and_more_where_more_people_live() {
        let gemeenten = demo_areas();
        assert_eq!(gemeenten.len(), 16);
        let wijken: Vec<&Wijk> = gemeenten.iter().flat_map(|g| g.wijken.iter()).collect();
        assert_eq!(wijken.len(), 145);
        let total: i64 = gemeenten.iter().map(|g| g.area.inwoners()).sum();
        assert_eq!(
            total, 1_334_140,
            "the real total of the 16 gemeenten on 1-1-2024"
        );
        for w in wijken {
            let wijk_area = w.area.rd.unsigned_area();
            let mut covered = 0.0;
            for b in &w.buurten {
                assert_eq!(
                    b.code.wijk(),
                    Some(w.area.code),
                    "{} in {}",
                    b.code,
                    w.area.code
                );
                // Outside its wijk: at most the decimetre rounding of its outline (a strip of
                // 5 cm along it).
                let outline: f64 =
                    b.rd.0
                        .iter()
                        .flat_map(|p| p.exterior().lines())
                        .map(|l| l.dx().hypot(l.dy()))
                        .sum();
                let outside = b.rd.difference(&w.area.rd).unsigned_area();
                assert!(
                    outside <= outline * 0.05,
                    "{}: {outside} m² outside its wijk",
                    b.code
                );
                covered += b.rd.unsigned_area();
            }
            assert!(
                (covered - wijk_area).abs() < wijk_area * 1e-3 + 100.0,
                "{}: buurten cover {covered} of {wijk_area} m²",
                w.area.code
            );
            let inwoners: i64 = w.buurten.iter().map(DemoArea::inwoners).sum();
            assert_eq!(inwoners, w.area.inwoners(), "{}", w.area.code);
            assert_eq!(
                w.buurten.len(),
                buurt_count(w.area.inwoners()),
                "{}",
                w.area.code
            );
        }
        assert!(buurt_count(40_000) > buurt_count(10_000));
        assert_eq!(buurt_count(0), 1);
    }

    #[test]
    fn drawn_points_are_placed_in_their_own_buurt_by_the_pipelines_index() {
        let gemeenten = demo_areas();
        let placer = Placer::new(&gemeenten);
        let boundaries: Vec<Boundary> = gemeenten
            .iter()
            .flat_map(Gemeente::buurten)
            .map(|b| Boundary {
                code: b.code,
                name: b.name.clone(),
                rd: b.rd.clone(),
                wgs84: MultiPolygon::new(Vec::new()),
            })
            .collect();
        let index = LevelIndex::new(&boundaries, "buurt");
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut drawn = 0;
        for b in &boundaries {
            for _ in 0..25 {
                let (x, y) = placer.point(&mut rng, b.code).expect("a point");
                assert_eq!(index.locate(&boundaries, x, y), Some(b.code), "({x}, {y})");
                drawn += 1;
            }
        }
        assert!(drawn > 5_000);
    }

    #[test]
    fn split_adds_up() {
        let parts = split(1001, &[1.0, 2.0, 0.5]);
        assert_eq!(parts.iter().sum::<i64>(), 1001);
        assert!(parts[1] > parts[0] && parts[0] > parts[2]);
    }
}
