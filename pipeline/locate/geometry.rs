//! Boundaries: GeoJSON gemeenten, wijken and buurten in WGS84 or RD New (detected from a legacy
//! `crs` member or the coordinate range), held in RD New for point-in-polygon through an R-tree,
//! and in WGS84 for maps. Projection is done by proj4rs, never by a hand-rolled formula.

use geo::{BoundingRect, Contains, Coord, LineString, MultiPolygon, Point, Polygon};
use proj4rs::Proj;
use proj4rs::transform::{Transform, TransformClosure, transform};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::config::GeographyConfig;
use crate::validate::AreaCode;

/// EPSG:28992 Amersfoort / RD New, with the 7-parameter datum shift to WGS84.
pub const RD_NEW: &str = "+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 \
    +k=0.9999079 +x_0=155000 +y_0=463000 +ellps=bessel \
    +towgs84=565.417,50.3319,465.552,-0.398957,0.343988,-1.8774,4.0725 +units=m +no_defs";
pub const WGS84: &str = "+proj=longlat +datum=WGS84 +no_defs";

#[derive(Debug, thiserror::Error)]
pub enum GeometryError {
    #[error("cannot read the file: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("not a GeoJSON FeatureCollection: {source}")]
    NotGeoJson {
        file: String,
        source: Box<geojson::Error>,
    },
    #[error("feature {index}: {message}")]
    Feature {
        file: String,
        index: usize,
        message: String,
    },
    #[error("projection failed: {0}")]
    Projection(#[from] proj4rs::errors::Error),
    /// The boundaries are in neither RD New (EPSG:28992) nor WGS84 (EPSG:4326, CRS84): a
    /// declared other system, or coordinates outside both (Web Mercator, say).
    #[error("{message}: boundaries must be in RD New (EPSG:28992) or WGS84 (EPSG:4326)")]
    Crs { file: String, message: String },
}

/// The two projections, built once.
pub struct Projector {
    rd: Proj,
    wgs84: Proj,
}

struct Xy(f64, f64);

impl Transform for Xy {
    fn transform_coordinates<F: TransformClosure>(
        &mut self,
        f: &mut F,
    ) -> proj4rs::errors::Result<()> {
        f(self.0, self.1, 0.0).map(|(x, y, _)| {
            self.0 = x;
            self.1 = y;
        })
    }
}

impl Projector {
    pub fn new() -> Result<Projector, GeometryError> {
        let p = |s| Proj::from_proj_string(s).map_err(GeometryError::Projection);
        Ok(Projector {
            rd: p(RD_NEW)?,
            wgs84: p(WGS84)?,
        })
    }

    /// RD New metres → (longitude, latitude) in degrees.
    pub fn rd_to_wgs84(&self, x: f64, y: f64) -> Result<(f64, f64), GeometryError> {
        let mut p = Xy(x, y);
        transform(&self.rd, &self.wgs84, &mut p)?;
        Ok((p.0.to_degrees(), p.1.to_degrees()))
    }

    /// (longitude, latitude) in degrees → RD New metres.
    pub fn wgs84_to_rd(&self, lon: f64, lat: f64) -> Result<(f64, f64), GeometryError> {
        let mut p = Xy(lon.to_radians(), lat.to_radians());
        transform(&self.wgs84, &self.rd, &mut p)?;
        Ok((p.0, p.1))
    }
}

/// One area's boundary.
#[derive(Debug, Clone)]
pub struct Boundary {
    pub code: AreaCode,
    pub name: String,
    /// For point-in-polygon (RD New metres).
    pub rd: MultiPolygon<f64>,
    /// For maps (WGS84 degrees).
    pub wgs84: MultiPolygon<f64>,
}

/// The boundaries of one GeoJSON file, and whom the map must credit for them.
pub struct BoundaryFile {
    pub boundaries: Vec<Boundary>,
    /// The collection's optional `attribution` member (e.g. "CBS / PDOK"), shown under the maps.
    pub attribution: Option<String>,
}

/// Reads one GeoJSON FeatureCollection of boundaries.
pub fn read_boundaries(
    path: &std::path::Path,
    shown: &str,
    config: &GeographyConfig,
    projector: &Projector,
) -> Result<Vec<Boundary>, GeometryError> {
    read_boundary_file(path, shown, config, projector).map(|f| f.boundaries)
}

/// Reads one GeoJSON FeatureCollection of boundaries with its attribution.
pub fn read_boundary_file(
    path: &std::path::Path,
    shown: &str,
    config: &GeographyConfig,
    projector: &Projector,
) -> Result<BoundaryFile, GeometryError> {
    let text = std::fs::read_to_string(path).map_err(|source| GeometryError::Read {
        file: shown.to_string(),
        source,
    })?;
    let collection: geojson::FeatureCollection =
        text.parse()
            .map_err(|e: geojson::Error| GeometryError::NotGeoJson {
                file: shown.to_string(),
                source: Box::new(e),
            })?;
    let member = |name: &str| collection.foreign_members.as_ref()?.get(name);
    let crs_error = |message: String| GeometryError::Crs {
        file: shown.to_string(),
        message,
    };
    let declared = match member("crs").map(|crs| declared_system(&crs.to_string())) {
        Some(Err(named)) => {
            return Err(crs_error(format!("the file declares the system {named}")));
        }
        Some(Ok(system)) => Some(system),
        None => None,
    };
    let attribution = member("attribution")
        .and_then(|a| a.as_str())
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty());
    let mut out = Vec::with_capacity(collection.features.len());
    for (index, feature) in collection.features.iter().enumerate() {
        let fail = |message: String| GeometryError::Feature {
            file: shown.to_string(),
            index: index + 1,
            message,
        };
        let property = |names: &[String]| {
            names.iter().find_map(|n| {
                feature
                    .property(n)
                    .and_then(|v| v.as_str())
                    .map(|s| s.trim().to_string())
            })
        };
        let code_text = property(&config.code_properties).ok_or_else(|| {
            fail(format!(
                "no code property (tried {})",
                config.code_properties.join(", ")
            ))
        })?;
        let code = AreaCode::parse(&code_text).ok_or_else(|| {
            fail(format!(
                "'{code_text}' is not a CBS area code (GM0000, WK000000, BU00000000)"
            ))
        })?;
        let name = property(&config.name_properties).unwrap_or_else(|| code.to_string());
        let geometry = feature
            .geometry
            .as_ref()
            .ok_or_else(|| fail("the feature has no geometry".into()))?;
        let raw = multipolygon(&geometry.value)
            .ok_or_else(|| fail("the geometry is not a Polygon or MultiPolygon".into()))?;
        let system = match declared {
            Some(system) => system,
            None => system_of(&raw).ok_or_else(|| {
                crs_error(format!(
                    "feature {} has coordinates outside both systems' bounds",
                    index + 1
                ))
            })?,
        };
        if !within(&raw, system) {
            return Err(crs_error(format!(
                "feature {} has coordinates outside the bounds of {}",
                index + 1,
                system.name()
            )));
        }
        let (rd, wgs84) = if system == System::Rd {
            let wgs = map_coords(&raw, |x, y| projector.rd_to_wgs84(x, y))
                .map_err(|e| fail(e.to_string()))?;
            (raw, wgs)
        } else {
            let rd = map_coords(&raw, |x, y| projector.wgs84_to_rd(x, y))
                .map_err(|e| fail(e.to_string()))?;
            (rd, raw)
        };
        out.push(Boundary {
            code,
            name,
            rd,
            wgs84,
        });
    }
    Ok(BoundaryFile {
        boundaries: out,
        attribution,
    })
}

/// The two coordinate systems a boundary file may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum System {
    Rd,
    Wgs84,
}

impl System {
    fn name(self) -> &'static str {
        match self {
            System::Rd => "RD New (EPSG:28992)",
            System::Wgs84 => "WGS84 (EPSG:4326)",
        }
    }

    /// The coordinates the system can have: RD New's area of use (metres), or degrees.
    fn contains(self, x: f64, y: f64) -> bool {
        match self {
            System::Rd => {
                (-7_000.0..=300_000.0).contains(&x) && (289_000.0..=629_000.0).contains(&y)
            }
            System::Wgs84 => (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y),
        }
    }
}

/// The system a GeoJSON `crs` member names: RD New or WGS84 (`EPSG:4326`, `CRS84`), or the
/// name of another one (`Err`).
fn declared_system(crs: &str) -> Result<System, String> {
    if crs.contains("28992") {
        Ok(System::Rd)
    } else if crs.contains("4326") || crs.contains("CRS84") {
        Ok(System::Wgs84)
    } else {
        Err(crs.to_string())
    }
}

fn coordinates(mp: &MultiPolygon<f64>) -> impl Iterator<Item = &geo::Coord<f64>> {
    mp.0.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|ring| ring.coords())
}

/// The system every coordinate fits (RD New first: its bounds do not overlap degrees), if any.
fn system_of(mp: &MultiPolygon<f64>) -> Option<System> {
    [System::Rd, System::Wgs84]
        .into_iter()
        .find(|s| within(mp, *s))
}

fn within(mp: &MultiPolygon<f64>, system: System) -> bool {
    coordinates(mp).all(|c| system.contains(c.x, c.y))
}

fn ring(positions: &[geojson::Position]) -> LineString<f64> {
    positions
        .iter()
        .map(|p| p.as_slice())
        .filter(|p| p.len() >= 2)
        .map(|p| Coord { x: p[0], y: p[1] })
        .collect()
}

fn polygon(rings: &[Vec<geojson::Position>]) -> Option<Polygon<f64>> {
    let (outer, holes) = rings.split_first()?;
    Some(Polygon::new(
        ring(outer),
        holes.iter().map(|h| ring(h)).collect(),
    ))
}

fn multipolygon(value: &geojson::GeometryValue) -> Option<MultiPolygon<f64>> {
    match value {
        geojson::GeometryValue::Polygon { coordinates } => {
            Some(MultiPolygon(vec![polygon(coordinates)?]))
        }
        geojson::GeometryValue::MultiPolygon { coordinates: polys } => polys
            .iter()
            .map(|p| polygon(p))
            .collect::<Option<Vec<_>>>()
            .map(MultiPolygon),
        _ => None,
    }
}

fn map_coords(
    mp: &MultiPolygon<f64>,
    f: impl Fn(f64, f64) -> Result<(f64, f64), GeometryError>,
) -> Result<MultiPolygon<f64>, GeometryError> {
    let map_ring = |r: &LineString<f64>| -> Result<LineString<f64>, GeometryError> {
        r.coords()
            .map(|c| f(c.x, c.y).map(|(x, y)| Coord { x, y }))
            .collect()
    };
    mp.0.iter()
        .map(|p| {
            Ok(Polygon::new(
                map_ring(p.exterior())?,
                p.interiors()
                    .iter()
                    .map(map_ring)
                    .collect::<Result<_, _>>()?,
            ))
        })
        .collect::<Result<Vec<_>, GeometryError>>()
        .map(MultiPolygon)
}

type Entry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// Point-in-polygon over the boundaries of one level, through an R-tree of bounding boxes.
pub struct LevelIndex {
    tree: RTree<Entry>,
}

impl LevelIndex {
    pub fn new(boundaries: &[Boundary], level: &str) -> LevelIndex {
        let entries = boundaries
            .iter()
            .enumerate()
            .filter(|(_, b)| b.code.level() == level)
            .filter_map(|(i, b)| {
                let r = b.rd.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            })
            .collect();
        LevelIndex {
            tree: RTree::bulk_load(entries),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// The boundary containing the RD point; with overlapping boundaries, the lowest code wins
    /// so that the answer does not depend on the tree's order.
    pub fn locate(&self, boundaries: &[Boundary], x: f64, y: f64) -> Option<AreaCode> {
        let p = Point::new(x, y);
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_point([x, y]))
            .map(|e| &boundaries[e.data])
            .filter(|b| b.rd.contains(&p))
            .map(|b| b.code)
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projects_a_known_point_both_ways() {
        let p = Projector::new().expect("projections");
        // Amersfoort, the origin of RD: (155000, 463000) ≈ (5.38764 E, 52.15616 N).
        let (lon, lat) = p.rd_to_wgs84(155_000.0, 463_000.0).expect("forward");
        assert!(
            (lon - 5.387_2).abs() < 0.002 && (lat - 52.155_2).abs() < 0.002,
            "{lon} {lat}"
        );
        let (x, y) = p.wgs84_to_rd(lon, lat).expect("inverse");
        assert!(
            (x - 155_000.0).abs() < 0.01 && (y - 463_000.0).abs() < 0.01,
            "{x} {y}"
        );
    }

    #[test]
    fn reads_wgs84_and_rd_and_locates_points() {
        let dir = tempfile::tempdir().expect("tempdir");
        let wgs = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"statcode":"GM0638","statnaam":"Zoeterwoude"},
            "geometry":{"type":"Polygon","coordinates":[[[4.45,52.10],[4.55,52.10],[4.55,52.15],[4.45,52.15],[4.45,52.10]]]}}]}"#;
        let rd = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::28992"}},"features":[{"type":"Feature","properties":{"code":"BU06380001","naam":"Dorp"},
            "geometry":{"type":"MultiPolygon","coordinates":[[[[95000,458000],[97000,458000],[97000,460000],[95000,460000],[95000,458000]]]]}}]}"#;
        std::fs::write(dir.path().join("a.geojson"), wgs).expect("write");
        std::fs::write(dir.path().join("b.geojson"), rd).expect("write");
        let p = Projector::new().expect("projections");
        let cfg = GeographyConfig::default();
        let mut all = read_boundaries(&dir.path().join("a.geojson"), "a", &cfg, &p).expect("wgs84");
        all.extend(read_boundaries(&dir.path().join("b.geojson"), "b", &cfg, &p).expect("rd"));
        assert_eq!(all[0].name, "Zoeterwoude");
        assert!(
            all[1].wgs84.0[0]
                .exterior()
                .coords()
                .all(|c| c.x > 4.0 && c.x < 5.0)
        );
        let gm = LevelIndex::new(&all, "gemeente");
        let bu = LevelIndex::new(&all, "buurt");
        assert_eq!(
            bu.locate(&all, 96_000.0, 459_000.0),
            AreaCode::parse("BU06380001")
        );
        assert_eq!(bu.locate(&all, 99_000.0, 459_000.0), None);
        let (x, y) = p.wgs84_to_rd(4.50, 52.12).expect("inverse");
        assert_eq!(gm.locate(&all, x, y), AreaCode::parse("GM0638"));
    }
}
