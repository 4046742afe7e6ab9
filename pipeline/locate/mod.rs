//! Locate: gives every validated row a place — an area code resolved through districten and
//! herindelingen, an RD point through point-in-polygon, an address or object id through the
//! verblijfsobjecten — and quarantines rows that cannot be placed. Its output, `Located`, is
//! what `transform` turns into tables.

pub mod addresses;
pub mod areas;
pub mod geometry;

use crate::validate::Rule;
use std::collections::HashSet;

use chrono::NaiveDate;
use rayon::prelude::*;

pub use areas::{AreaRegistry, Location};
pub use geometry::{Boundary, Projector};

use crate::config::Config;
use crate::validate::{
    Actie, AreaCode, Bevinding, Doel, EvaluatieGebied, Finding, Inspanning, LocationKey, Origin,
    Problem, QualityReport, Row, Signaal, Slachtoffer, ValidDrop, Verblijfsobject, Vestiging,
};
use addresses::{IndexBuilder, ObjectIndex, PlaceNumber};

/// A verblijfsobject that counts for leegstand (status "in gebruik"), placed. 16 bytes, as a
/// national drop has 40 M of them: the location is a number into `Located::object_places`,
/// and the top bit of that number says whether the object is leeg.
#[derive(Debug, Clone, Copy)]
pub struct ObjectFact {
    pub id: u64,
    pub peildatum: NaiveDate,
    place_and_leeg: u32,
}

impl ObjectFact {
    const LEEG: u32 = 1 << 31;

    /// `place` is below 2^31: places are the distinct locations of a drop's objects.
    pub fn new(peildatum: NaiveDate, id: u64, place: PlaceNumber, leeg: bool) -> ObjectFact {
        let leeg = if leeg { ObjectFact::LEEG } else { 0 };
        ObjectFact {
            id,
            peildatum,
            place_and_leeg: (place & !ObjectFact::LEEG) | leeg,
        }
    }

    /// The number of its location in `Located::object_places`.
    pub fn place(&self) -> usize {
        (self.place_and_leeg & !ObjectFact::LEEG) as usize
    }

    pub fn leeg(&self) -> bool {
        self.place_and_leeg & ObjectFact::LEEG != 0
    }
}

/// A row of the aggregate `leegstand.csv`, placed, where no object data covers it.
#[derive(Debug, Clone)]
pub struct AggregateFact {
    pub peildatum: NaiveDate,
    pub location: Location,
    pub in_gebruik: i64,
    pub leeg: i64,
}

#[derive(Debug, Clone)]
pub struct RniFact {
    pub peildatum: NaiveDate,
    pub location: Location,
    /// The matched verblijfsobject; `None` for aggregate (gebiedscode) rows.
    pub object: Option<u64>,
    pub ingeschrevenen: i64,
}

#[derive(Debug, Clone)]
pub struct KvkFact {
    pub vestiging: Vestiging,
    pub location: Location,
    pub object: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct SignaalFact {
    pub signaal: Signaal,
    pub gemeente: AreaCode,
}

/// A count of victims, placed in today's gemeente (a merged gemeente's rows go to its
/// successor).
#[derive(Debug, Clone)]
pub struct SlachtofferFact {
    pub slachtoffer: Slachtoffer,
    pub gemeente: AreaCode,
}

/// A row of the evaluation's inputs (an effort, a goal, an action, a findings text), placed in
/// its area: today's gemeente (a merged gemeente's rows go to its successor), or a district or
/// regio.
#[derive(Debug, Clone)]
pub struct EvaluatieFact<T> {
    pub value: T,
    /// `gemeente`, `district` or `regio`.
    pub niveau: &'static str,
    pub gebiedscode: String,
}

#[derive(Debug, Clone)]
pub struct BevolkingFact {
    /// The area as it exists today: a merged gemeente's rows count toward its successor.
    pub area: AreaCode,
    pub jaar: i32,
    pub inwoners: i64,
}

/// Every placed fact of a drop, with the registry that placed them.
pub struct Located {
    pub registry: AreaRegistry,
    /// One list per verblijfsobjecten file, as read: staging turns each into a batch and frees
    /// it, so that a national drop's facts and their Arrow table are never both whole.
    pub objecten: Vec<Vec<ObjectFact>>,
    /// The locations of the objects, by the number an `ObjectFact` carries.
    pub object_places: Vec<Location>,
    pub leegstand: Vec<AggregateFact>,
    pub rni: Vec<RniFact>,
    pub kvk: Vec<KvkFact>,
    pub signalen: Vec<SignaalFact>,
    pub inspanningen: Vec<EvaluatieFact<Inspanning>>,
    pub doelen: Vec<EvaluatieFact<Doel>>,
    pub acties: Vec<EvaluatieFact<Actie>>,
    pub bevindingen: Vec<EvaluatieFact<Bevinding>>,
    pub slachtoffers: Vec<SlachtofferFact>,
    pub bevolking: Vec<BevolkingFact>,
}

/// Places every row of `drop`; problems go to `report`.
pub fn locate(drop: ValidDrop, config: &Config, report: &mut QualityReport) -> Located {
    let registry = build_registry(&drop, config, report);
    let ValidDrop {
        verblijfsobjecten,
        leegstand,
        rni,
        kvk,
        signalen,
        inspanningen,
        doelen,
        acties,
        bevindingen,
        slachtoffers,
        bevolking,
        ..
    } = drop;

    // The objects are read file by file and placed as they come: a national drop has tens of
    // millions, so only what is needed of them (the facts, the index) is kept.
    let clock = Step::start();
    let builder = IndexBuilder::default();
    let per_file = crate::validate::read_objects(&verblijfsobjecten, config, report, |rows| {
        place_objects(&registry, &builder, rows)
    });
    let mut objecten = Vec::with_capacity(per_file.len());
    for file in per_file {
        objecten.push(file.objecten);
        for (origin, problem) in file.unplaced {
            report.reject("verblijfsobjecten", &origin, problem);
        }
    }
    let clock = clock.done("read and placed the verblijfsobjecten");
    let index = builder.build();
    let object_places = index.places().to_vec();
    let clock = clock.done("built the object index");
    let rni = crate::validate::read_rni(&rni, config, report);
    let clock = clock.done("read the RNI files");
    let kvk = crate::validate::read_kvk(&kvk, config, report);
    let clock = clock.done("read the KvK files");

    let leegstand =
        keep_uncovered_aggregates(leegstand, &objecten, &object_places, &registry, report);
    let clock = clock.done("kept the uncovered leegstand aggregates");
    let rni = keep_placed(rni, "rni", report, |r| {
        let (location, object) = place_key(&registry, &index, &r.key, "gebiedscode")?;
        Ok(RniFact {
            peildatum: r.peildatum,
            location,
            object,
            ingeschrevenen: r.ingeschrevenen,
        })
    });
    let clock = clock.done("placed the RNI rows");
    let kvk = keep_placed(kvk, "kvk", report, |v| {
        let (location, object) = place_key(&registry, &index, &v.key, "buurtcode")?;
        Ok(KvkFact {
            vestiging: v.clone(),
            location,
            object,
        })
    });
    clock.done("placed the KvK rows");
    let signalen = keep_placed(signalen, "signalen", report, |s| {
        let location = registry.resolve(s.area, "gebiedscode")?;
        Ok(SignaalFact {
            signaal: s.clone(),
            gemeente: location.gemeente,
        })
    });
    let inspanningen = place_in_area(&registry, inspanningen, "inspanningen", report, |i| {
        &i.gebied
    });
    let doelen = place_in_area(&registry, doelen, "doelen", report, |d| &d.gebied);
    let acties = place_in_area(&registry, acties, "acties", report, |a| &a.gebied);
    let bevindingen = place_in_area(&registry, bevindingen, "bevindingen", report, |b| &b.gebied);
    let slachtoffers = keep_placed(slachtoffers, "slachtoffers", report, |v| {
        let location = registry.resolve(v.gemeente, "gemeentecode")?;
        Ok(SlachtofferFact {
            slachtoffer: v.clone(),
            gemeente: location.gemeente,
        })
    });
    let bevolking = keep_placed(bevolking, "bevolking", report, |b| {
        let location = registry.resolve(b.area, "gebiedscode")?;
        let area = match b.area {
            AreaCode::Gemeente(_) => location.gemeente,
            // A wijk or buurt of a merged gemeente has no place on today's map.
            other => location
                .buurt
                .or(location.wijk)
                .filter(|c| *c == other)
                .ok_or_else(|| {
                    Problem::new(
                        "gebiedscode",
                        Rule::OnbekendGebied,
                        "a wijk or buurt of a merged gemeente",
                    )
                })?,
        };
        Ok(BevolkingFact {
            area,
            jaar: b.jaar,
            inwoners: b.inwoners,
        })
    });
    Located {
        registry,
        objecten,
        object_places,
        leegstand,
        rni,
        kvk,
        signalen,
        inspanningen,
        doelen,
        acties,
        bevindingen,
        slachtoffers,
        bevolking,
    }
}

/// Places the rows of an evaluation input in their areas; a row of an unknown area is
/// quarantined.
fn place_in_area<T: Clone + Sync + Send>(
    registry: &AreaRegistry,
    rows: Vec<Row<T>>,
    source: &'static str,
    report: &mut QualityReport,
    gebied: impl Fn(&T) -> &EvaluatieGebied + Sync,
) -> Vec<EvaluatieFact<T>> {
    keep_placed(rows, source, report, |v| {
        let (niveau, gebiedscode) = registry.resolve_evaluatie(gebied(v), "gebiedscode")?;
        Ok(EvaluatieFact {
            value: v.clone(),
            niveau,
            gebiedscode,
        })
    })
}

/// Times the steps of `locate` (logged at debug level).
struct Step(std::time::Instant);

impl Step {
    fn start() -> Step {
        Step(std::time::Instant::now())
    }

    fn done(self, what: &str) -> Step {
        tracing::debug!(seconds = self.0.elapsed().as_secs_f64(), "{what}");
        Step::start()
    }
}

/// What `locate` keeps of one verblijfsobjecten file: its objects that count for leegstand,
/// and its rows that could not be placed.
struct PlacedObjects {
    objecten: Vec<ObjectFact>,
    unplaced: Vec<(Origin, Problem)>,
}

/// Places one file's objects and adds them to the object index.
fn place_objects(
    registry: &AreaRegistry,
    index: &IndexBuilder,
    rows: Vec<Row<Verblijfsobject>>,
) -> PlacedObjects {
    let places: Vec<Option<Location>> = rows
        .par_iter()
        .map(|r| place(registry, &r.value.place, "buurtcode").ok())
        .collect();
    let numbers = index.number(&places);
    let mut placed = PlacedObjects {
        objecten: Vec::with_capacity(rows.len()),
        unplaced: Vec::new(),
    };
    for (row, number) in rows.iter().zip(&numbers) {
        match number {
            Some(place) if row.value.counted => placed.objecten.push(ObjectFact::new(
                row.value.peildatum,
                row.value.id,
                *place,
                row.value.leeg,
            )),
            Some(_) => {}
            // The problem is worked out again only for the rare row without a place.
            None => {
                if let Err(p) = place(registry, &row.value.place, "buurtcode") {
                    placed.unplaced.push((row.origin.clone(), p));
                }
            }
        }
    }
    placed.objecten.shrink_to_fit();
    index.add(&rows, &numbers);
    placed
}

fn build_registry(drop: &ValidDrop, config: &Config, report: &mut QualityReport) -> AreaRegistry {
    let successor = match areas::resolve_chains(&drop.herindelingen) {
        Ok(m) => m,
        Err(areas::MergeCycle(code)) => {
            report.push(Finding {
                source: "herindelingen",
                file: drop
                    .herindelingen
                    .first()
                    .map(|r| r.origin.file.to_string())
                    .unwrap_or_default(),
                line: None,
                column: Some("nieuwe_gemeentecode".into()),
                rule: Rule::HerindelingKring,
                message: format!(
                    "the mergers of {code} lead back to {code}; a merger chain must end"
                ),
                value: None,
            });
            Default::default()
        }
    };
    let mut boundaries = Vec::new();
    let mut attributions: Vec<String> = Vec::new();
    match Projector::new() {
        Ok(projector) => {
            for f in &drop.gebieden {
                match geometry::read_boundary_file(&f.path, &f.shown, &config.geography, &projector)
                {
                    Ok(file) => {
                        boundaries.extend(file.boundaries);
                        attributions.extend(file.attribution.filter(|a| !attributions.contains(a)));
                    }
                    Err(e) => report.push(Finding {
                        source: "gebieden",
                        file: f.shown.clone(),
                        line: None,
                        column: None,
                        rule: match e {
                            geometry::GeometryError::Crs { .. } => Rule::Projectie,
                            _ => Rule::OnleesbaarBestand,
                        },
                        message: e.to_string(),
                        value: None,
                    }),
                }
            }
        }
        Err(e) => report.push(Finding {
            source: "gebieden",
            file: String::new(),
            line: None,
            column: None,
            rule: Rule::Projectie,
            message: e.to_string(),
            value: None,
        }),
    }
    boundaries.sort_by_key(|b| b.code);
    let districts = drop.districten.iter().map(|r| r.value.clone()).collect();
    let mut registry = AreaRegistry::new(districts, successor, boundaries);
    registry.attributions = attributions;
    registry
}

fn place(
    registry: &AreaRegistry,
    key: &LocationKey,
    column: &'static str,
) -> Result<Location, Problem> {
    match key {
        LocationKey::Area(code) => registry.resolve(*code, column),
        LocationKey::Point(x, y) => registry.locate_point(*x, *y, "x"),
        LocationKey::Object(_) | LocationKey::Address(_) => Err(Problem::new(
            column,
            Rule::GeenLocatie,
            "an object cannot be located by another object",
        )),
    }
}

/// Places an RNI or KvK row: by object id or address through the verblijfsobjecten, else by
/// area or point.
fn place_key(
    registry: &AreaRegistry,
    index: &ObjectIndex,
    key: &LocationKey,
    area_column: &'static str,
) -> Result<(Location, Option<u64>), Problem> {
    match key {
        LocationKey::Object(id) => index.by_id(*id).map(|l| (l, Some(*id))).ok_or_else(|| {
            let mut p = Problem::new(
                "verblijfsobject_id",
                Rule::AdresOnbekend,
                "no verblijfsobject (of any snapshot) has this id",
            );
            p.value = Some(format!("{id:016}"));
            p
        }),
        LocationKey::Address(a) => {
            index
                .by_address(a)
                .map(|(id, l)| (l, Some(id)))
                .ok_or_else(|| {
                    let mut p = Problem::new(
                        "postcode",
                        Rule::AdresOnbekend,
                        "the address matches no verblijfsobject (of any snapshot)",
                    );
                    p.value = Some(format!(
                        "{} {}{}{}",
                        a.postcode, a.huisnummer, a.huisletter, a.toevoeging
                    ));
                    p
                })
        }
        other => place(registry, other, area_column).map(|l| (l, None)),
    }
}

fn keep_placed<T: Sync, U: Send>(
    rows: Vec<Row<T>>,
    source: &'static str,
    report: &mut QualityReport,
    f: impl Fn(&T) -> Result<U, Problem> + Sync,
) -> Vec<U> {
    let results: Vec<Result<U, Problem>> = rows.par_iter().map(|r| f(&r.value)).collect();
    let mut out = Vec::with_capacity(results.len());
    for (row, result) in rows.iter().zip(results) {
        match result {
            Ok(u) => out.push(u),
            Err(p) => report.reject(source, &row.origin, p),
        }
    }
    out
}

/// Drops aggregate leegstand rows where object data covers the same area and peildatum: the
/// object level wins, and the report says so.
fn keep_uncovered_aggregates(
    rows: Vec<Row<crate::validate::LeegstandAggregaat>>,
    objecten: &[Vec<ObjectFact>],
    object_places: &[Location],
    registry: &AreaRegistry,
    report: &mut QualityReport,
) -> Vec<AggregateFact> {
    if rows.is_empty() {
        return Vec::new();
    }
    // The distinct (peildatum, location) pairs of the objects, in parallel: far fewer than objects.
    type Placements = HashSet<(NaiveDate, usize), foldhash::fast::RandomState>;
    let placements: Placements = objecten
        .par_iter()
        .flat_map_iter(|file| file.iter())
        .fold(Placements::default, |mut set, o| {
            set.insert((o.peildatum, o.place()));
            set
        })
        .reduce(Placements::default, |mut a, b| {
            a.extend(b);
            a
        });
    // (peildatum, area) for every area an object lies in, and for the finest area it is placed in.
    let mut inside: HashSet<(NaiveDate, AreaCode)> = HashSet::new();
    let mut finest: HashSet<(NaiveDate, AreaCode)> = HashSet::new();
    for (peildatum, l) in placements
        .iter()
        .filter_map(|&(d, place)| Some((d, *object_places.get(place)?)))
    {
        for code in [Some(l.gemeente), l.wijk, l.buurt].into_iter().flatten() {
            inside.insert((peildatum, code));
        }
        finest.insert((peildatum, l.buurt.or(l.wijk).unwrap_or(l.gemeente)));
    }
    let mut out = Vec::new();
    for row in rows {
        let a = &row.value;
        let location = match registry.resolve(a.area, "gebiedscode") {
            Ok(l) => l,
            Err(p) => {
                report.reject("leegstand", &row.origin, p);
                continue;
            }
        };
        let code = location
            .buurt
            .or(location.wijk)
            .unwrap_or(location.gemeente);
        let covered = inside.contains(&(a.peildatum, code))
            || [Some(location.gemeente), location.wijk]
                .into_iter()
                .flatten()
                .any(|c| finest.contains(&(a.peildatum, c)));
        if covered {
            let p = Problem::new(
                "gebiedscode",
                Rule::ObjectNiveauWint,
                "object-level data exists for this area and peildatum; the aggregate row is not used",
            );
            report.reject("leegstand", &row.origin, p);
            continue;
        }
        out.push(AggregateFact {
            peildatum: a.peildatum,
            location,
            in_gebruik: a.in_gebruik,
            leeg: a.leeg,
        });
    }
    out
}

/// Every boundary as one WGS84 GeoJSON FeatureCollection (properties `niveau`, `gebiedscode`,
/// `gebiedsnaam`), for maps; coordinates rounded to 6 decimals (~0.1 m).
pub fn boundaries_geojson(registry: &AreaRegistry) -> Vec<u8> {
    let round = |v: f64| (v * 1e6).round() / 1e6;
    let features: Vec<serde_json::Value> = registry
        .boundaries
        .iter()
        .map(|b| {
            let polygons: Vec<Vec<Vec<[f64; 2]>>> = b
                .wgs84
                .0
                .iter()
                .map(|p| {
                    std::iter::once(p.exterior())
                        .chain(p.interiors())
                        .map(|r| r.coords().map(|c| [round(c.x), round(c.y)]).collect())
                        .collect()
                })
                .collect();
            serde_json::json!({
                "type": "Feature",
                "properties": {
                    "niveau": b.code.level(),
                    "gebiedscode": b.code.to_string(),
                    "gebiedsnaam": b.name,
                },
                "geometry": { "type": "MultiPolygon", "coordinates": polygons },
            })
        })
        .collect();
    let mut collection = serde_json::json!({ "type": "FeatureCollection", "features": features });
    if !registry.attributions.is_empty() {
        collection["attribution"] = registry.attributions.join("; ").into();
    }
    serde_json::to_vec(&collection).unwrap_or_default()
}
