//! Choropleth maps without tiles: the snapshot's GeoJSON boundaries (WGS84) projected once into
//! SVG paths, and a map drawn from them with quantile classes on a colour-blind-safe scale.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::frame::Cell;
use maud::{Markup, html};

use super::html::area_link;
use super::snapshot::{MapShapes, Shape};

pub const MAP_WIDTH: f64 = 1000.0;

/// Sequential, colour-blind safe (viridis, light to dark: higher values are darker).
pub const SEQUENTIAL: [&str; 5] = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"];
const MISSING_FILL: &str = "#ffffff";
const SUPPRESSED_FILL: &str = "#bdbdbd";

type Ring = Vec<[f64; 2]>;

/// Projects every feature into one shared frame (equirectangular, corrected for latitude).
pub fn project_shapes(geojson: &[u8]) -> Result<MapShapes, String> {
    let doc: serde_json::Value = serde_json::from_slice(geojson).map_err(|e| e.to_string())?;
    let features = doc["features"].as_array().cloned().unwrap_or_default();
    let mut parsed: Vec<(String, String, String, Vec<Vec<Ring>>)> = Vec::new();
    for f in &features {
        let props = &f["properties"];
        let text = |k: &str| props[k].as_str().unwrap_or_default().to_string();
        let polygons: Vec<Vec<Ring>> = serde_json::from_value(f["geometry"]["coordinates"].clone())
            .map_err(|e| e.to_string())?;
        parsed.push((
            text("niveau"),
            text("gebiedscode"),
            text("gebiedsnaam"),
            polygons,
        ));
    }
    let points = parsed.iter().flat_map(|p| p.3.iter().flatten().flatten());
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for [x, y] in points {
        min_x = min_x.min(*x);
        max_x = max_x.max(*x);
        min_y = min_y.min(*y);
        max_y = max_y.max(*y);
    }
    if parsed.is_empty() || max_x <= min_x || max_y <= min_y {
        return Ok(MapShapes::default());
    }
    let cos = ((min_y + max_y) / 2.0).to_radians().cos();
    let scale = MAP_WIDTH / ((max_x - min_x) * cos);
    let project = |[x, y]: [f64; 2]| ((x - min_x) * cos * scale, (max_y - y) * scale);
    let mut shapes = MapShapes {
        by_niveau: BTreeMap::new(),
        height: ((max_y - min_y) * scale).ceil(),
        attribution: doc["attribution"].as_str().map(str::to_string),
    };
    for (niveau, code, name, polygons) in parsed {
        let mut path = String::new();
        for ring in polygons.iter().flatten() {
            let mut last: Option<(f64, f64)> = None;
            for (i, c) in ring.iter().enumerate() {
                let (x, y) = project(*c);
                if let Some((lx, ly)) = last
                    && (x - lx).abs() < 0.4
                    && (y - ly).abs() < 0.4
                {
                    continue;
                }
                let _ = write!(path, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
                last = Some((x, y));
            }
            path.push('Z');
        }
        shapes.by_niveau.entry(niveau).or_default().push(Shape {
            gebiedscode: code,
            gebiedsnaam: name,
            path,
        });
    }
    Ok(shapes)
}

/// Class breaks: up to five quantile classes over the known values.
pub fn quantile_breaks(values: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    if v.is_empty() {
        return Vec::new();
    }
    let classes = v.len().min(SEQUENTIAL.len());
    // Upper bound of each class.
    (1..=classes)
        .map(|k| v[(k * v.len()).div_ceil(classes) - 1])
        .collect()
}

fn class_of(breaks: &[f64], value: f64) -> usize {
    breaks
        .iter()
        .position(|b| value <= *b)
        .unwrap_or(breaks.len().saturating_sub(1))
}

/// One map panel: shapes of a level coloured by value, each a link to its area page with a
/// tooltip, and a legend. `format` renders a value for the tooltip and legend.
pub fn choropleth(
    shapes: &MapShapes,
    niveau: &str,
    values: &BTreeMap<String, Cell>,
    title: &str,
    links: bool,
    format: &dyn Fn(&Cell) -> String,
) -> Markup {
    let Some(level) = shapes.by_niveau.get(niveau) else {
        return no_boundaries(niveau);
    };
    let numbers: Vec<f64> = values.values().filter_map(Cell::number).collect();
    let breaks = quantile_breaks(&numbers);
    html! {
        svg.kaart viewBox={ "0 0 " (MAP_WIDTH) " " (shapes.height) } role="group"
            aria-label={ "Kaart: " (title) } {
            @for shape in level {
                @let cell = values.get(&shape.gebiedscode).cloned().unwrap_or(Cell::Null);
                @let fill = match &cell {
                    Cell::Suppressed => SUPPRESSED_FILL,
                    c => c.number().map(|v| SEQUENTIAL[class_of(&breaks, v)]).unwrap_or(MISSING_FILL),
                };
                @let tip = format!("{} ({}): {}", shape.gebiedsnaam, shape.gebiedscode, format(&cell));
                (area_shape(shape, fill, &tip, links))
            }
        }
        (legend(&breaks, &numbers, format))
        (attribution_line(shapes))
    }
}

fn no_boundaries(niveau: &str) -> Markup {
    html! { p.leeg { "Geen grenzen voor niveau " (niveau) "." } }
}

/// The classes of the map mode "vergelijking met de regio": value, legend text, fill. The two
/// significant classes differ from each other and from "gelijk" by pattern as well as colour
/// (Okabe–Ito orange with dark stripes, blue with white dots), so colour is never the only cue.
const COMPARISON: [(&str, &str, &str); 4] = [
    (
        "hoger",
        "significant hoger dan de regio",
        "url(#patroon-hoger)",
    ),
    ("gelijk", "niet te onderscheiden van de regio", "#e0e0e0"),
    (
        "lager",
        "significant lager dan de regio",
        "url(#patroon-lager)",
    ),
    (
        "",
        "niet te beoordelen (geen cijfer)",
        "url(#patroon-onbekend)",
    ),
];

/// The SVG patterns that `COMPARISON` refers to (ids are page-wide: one comparison map a page).
fn comparison_patterns() -> Markup {
    html! {
        defs {
            pattern id="patroon-hoger" width="8" height="8" patternUnits="userSpaceOnUse"
                patternTransform="rotate(45)" {
                rect width="8" height="8" fill="#e69f00" {}
                rect width="3" height="8" fill="#5c3d00" {}
            }
            pattern id="patroon-lager" width="8" height="8" patternUnits="userSpaceOnUse" {
                rect width="8" height="8" fill="#0072b2" {}
                circle cx="4" cy="4" r="1.6" fill="#ffffff" {}
            }
            pattern id="patroon-onbekend" width="6" height="6" patternUnits="userSpaceOnUse" {
                rect width="6" height="6" fill="#ffffff" {}
                rect y="2.5" width="6" height="1" fill="#9e9e9e" {}
            }
        }
    }
}

/// One map panel in the mode "vergelijking met de regio": each area by its class (`hoger`,
/// `gelijk`, `lager`; anything else or no class: niet te beoordelen), a link with a tooltip
/// that says the class in words, and a legend.
pub fn comparison_map(
    shapes: &MapShapes,
    niveau: &str,
    classes: &BTreeMap<String, String>,
    title: &str,
    links: bool,
) -> Markup {
    let Some(level) = shapes.by_niveau.get(niveau) else {
        return no_boundaries(niveau);
    };
    let class_of = |code: &str| {
        let class = classes.get(code).map_or("", String::as_str);
        COMPARISON
            .iter()
            .find(|(c, _, _)| *c == class)
            .unwrap_or(&COMPARISON[3])
    };
    html! {
        svg.kaart viewBox={ "0 0 " (MAP_WIDTH) " " (shapes.height) } role="group"
            aria-label={ "Kaart: " (title) " (vergelijking met de regio)" } {
            (comparison_patterns())
            @for shape in level {
                @let (_, words, fill) = class_of(&shape.gebiedscode);
                @let tip = format!("{} ({}): {words}", shape.gebiedsnaam, shape.gebiedscode);
                (area_shape(shape, fill, &tip, links))
            }
        }
        ul.legenda aria-label="Legenda" {
            @for (_, words, fill) in COMPARISON {
                li { (swatch(fill)) (words) }
            }
        }
        (attribution_line(shapes))
    }
}

/// One area on a map: its outline filled, its tooltip, and (live) a link to its page.
fn area_shape(shape: &Shape, fill: &str, tip: &str, links: bool) -> Markup {
    let path = html! {
        path d=(shape.path) fill=(fill) stroke="#333333" stroke-width="0.6" { title { (tip) } }
    };
    area_link(&shape.gebiedscode, tip, path, links)
}

/// Whom the boundaries come from, under every map (empty when the drop named no one).
fn attribution_line(shapes: &MapShapes) -> Markup {
    html! {
        @if let Some(a) = &shapes.attribution {
            p.bronvermelding { "Kaart: " (a) }
        }
    }
}

fn swatch(fill: &str) -> Markup {
    html! {
        svg.swatch viewBox="0 0 16 16" aria-hidden="true" {
            rect width="16" height="16" fill=(fill) stroke="#333333" {}
        }
    }
}

fn legend(breaks: &[f64], numbers: &[f64], format: &dyn Fn(&Cell) -> String) -> Markup {
    let lowest = numbers.iter().copied().fold(f64::INFINITY, f64::min);
    // Each class runs from the previous class's upper bound (the lowest value for the first).
    let lowers = std::iter::once(lowest).chain(breaks.iter().copied());
    html! {
        ul.legenda aria-label="Legenda" {
            @for ((i, upper), lower) in breaks.iter().enumerate().zip(lowers) {
                li { (swatch(SEQUENTIAL[i])) (format(&Cell::Num(lower))) " – " (format(&Cell::Num(*upper))) }
            }
            li { (swatch(SUPPRESSED_FILL)) (super::html::HIDDEN_MARK) " " (super::html::HIDDEN_MEANING) }
            li { (swatch(MISSING_FILL)) "geen gegevens" }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_split_values_into_at_most_five_classes() {
        let values: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(quantile_breaks(&values), vec![2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(quantile_breaks(&[3.0, 3.0, 7.0]), vec![3.0, 7.0]);
        assert!(quantile_breaks(&[]).is_empty());
        assert_eq!(class_of(&[2.0, 4.0], 3.0), 1);
        assert_eq!(class_of(&[2.0, 4.0], 9.0), 1);
    }

    #[test]
    fn shapes_are_projected_into_the_view_box() {
        let geojson = br#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"niveau":"gemeente","gebiedscode":"GM0001","gebiedsnaam":"A"},
           "geometry":{"type":"MultiPolygon","coordinates":[[[[4.0,52.0],[4.1,52.0],[4.1,52.1],[4.0,52.0]]]]}}]}"#;
        let shapes = project_shapes(geojson).expect("parses");
        let level = &shapes.by_niveau["gemeente"];
        assert_eq!(level.len(), 1);
        assert!(level[0].path.starts_with("M0.0,"), "{}", level[0].path);
        assert!(level[0].path.contains("L1000.0,"), "{}", level[0].path);
        assert!(shapes.height > 0.0);
    }
}
