//! SVG charts drawn on the server: line, bar, stacked bar, funnel and KPI tiles. Every mark has
//! a `<title>` tooltip with its exact value; colours are Okabe–Ito (colour-blind safe); only
//! presentation attributes are used, so the strict CSP (no inline styles) holds.

use std::fmt::Write;

use maud::{Markup, html};

use super::frame::Cell;

/// Okabe–Ito qualitative palette.
pub const SERIES: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442",
];
const DASHES: [&str; 4] = ["", "6 3", "2 3", "8 3 2 3"];

const W: f64 = 640.0;
const H: f64 = 260.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 40.0;

/// One named series of values along the categories, with (where given) each value's interval
/// and a reason to mark a point (an *opvallend* change).
#[derive(Default)]
pub struct Series {
    pub name: String,
    pub values: Vec<Cell>,
    /// Lower and upper ends of each value's interval (empty: no intervals).
    pub low: Vec<Cell>,
    pub high: Vec<Cell>,
    /// Why a point is marked, or `None` (empty: no marks).
    pub marks: Vec<Option<String>>,
}

impl Series {
    pub fn new(name: String, values: Vec<Cell>) -> Series {
        Series {
            name,
            values,
            ..Series::default()
        }
    }

    /// The interval of value `i`, when both ends are numbers.
    fn interval(&self, i: usize) -> Option<(f64, f64)> {
        let end = |v: &[Cell]| v.get(i).and_then(Cell::number);
        Some((end(&self.low)?, end(&self.high)?))
    }

    fn mark(&self, i: usize) -> Option<&str> {
        self.marks.get(i).and_then(|m| m.as_deref())
    }
}

/// The axis: from zero (or the lowest value below it) to the highest value or interval end,
/// widened to round ticks.
fn value_range(series: &[Series]) -> Axis {
    let values = series.iter().flat_map(|s| {
        s.values
            .iter()
            .chain(s.low.iter())
            .chain(s.high.iter())
            .filter_map(Cell::number)
    });
    let (lo, hi) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    Axis::nice(lo, hi)
}

/// A value axis with round ticks (1, 2, 2,5 or 5 times a power of ten), about four of them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
}

impl Axis {
    pub fn nice(lo: f64, hi: f64) -> Axis {
        let span = if hi - lo < 1e-12 { 1.0 } else { hi - lo };
        let raw = span / 4.0;
        let power = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .iter()
            .map(|m| m * power)
            .find(|s| *s >= raw * (1.0 - 1e-9))
            .unwrap_or(10.0 * power);
        let lo = (lo / step).floor() * step;
        let hi = ((if hi - lo < 1e-12 { lo + span } else { hi }) / step).ceil() * step;
        Axis { lo, hi, step }
    }

    pub fn ticks(&self) -> impl Iterator<Item = f64> + '_ {
        let n = ((self.hi - self.lo) / self.step).round() as i64;
        // Rounded so that 0,1 + 0,2 shows as 0,3.
        (0..=n).map(move |k| ((self.lo + self.step * k as f64) * 1e9).round() / 1e9)
    }
}

/// Room for the longest category label at font size 12 (about 6,6 px a character), so a label
/// is never cut off on the left; within a third of the chart's width.
fn label_room(categories: &[String]) -> f64 {
    let longest = categories
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(0);
    (12.0 + 6.6 * longest as f64).clamp(80.0, W / 2.0)
}

/// A coordinate as SVG gets it: one decimal.
fn px(v: f64) -> String {
    format!("{v:.1}")
}

/// A whisker from `a` to `b` (SVG coordinates) with end caps, across `at`: vertical when
/// `vertical`, else horizontal.
fn whisker(a: f64, b: f64, at: f64, vertical: bool, colour: &str, tip: &str) -> Markup {
    let (cap_a, cap_b, line) = if vertical {
        (
            format!("M{:.1},{a:.1}H{:.1}", at - 4.0, at + 4.0),
            format!("M{:.1},{b:.1}H{:.1}", at - 4.0, at + 4.0),
            format!("M{at:.1},{a:.1}V{b:.1}"),
        )
    } else {
        (
            format!("M{a:.1},{:.1}V{:.1}", at - 4.0, at + 4.0),
            format!("M{b:.1},{:.1}V{:.1}", at - 4.0, at + 4.0),
            format!("M{a:.1},{at:.1}H{b:.1}"),
        )
    };
    html! {
        path.interval d={ (line) (cap_a) (cap_b) } stroke=(colour) stroke-width="1.5" fill="none" {
            title { (tip) }
        }
    }
}

/// A chart's frame: the SVG element with its accessible name around `content`.
fn svg_chart(label: &str, height: f64, content: Markup) -> Markup {
    html! {
        svg.grafiek viewBox={ "0 0 " (W) " " (height) } role="img" aria-label=(label) { (content) }
    }
}

/// A label left of a bar, ending where the bars begin.
fn bar_label(x: f64, y: f64, text: &str) -> Markup {
    html! {
        text x=(x) y=(px(y)) text-anchor="end" font-size="12" fill="#222222" { (text) }
    }
}

fn y_axis(axis: Axis, format: &dyn Fn(&Cell) -> String) -> Markup {
    let Axis { lo, hi, .. } = axis;
    let scale = |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - (v - lo) / (hi - lo));
    html! {
        @for v in axis.ticks() {
            @let y = px(scale(v));
            line x1=(LEFT) x2=(W - RIGHT) y1=(y) y2=(y) stroke="#d0d0d0" {}
            text x=(LEFT - 4.0) y=(px(scale(v) + 4.0)) text-anchor="end" font-size="11" fill="#222222" {
                (format(&Cell::Num(v)))
            }
        }
    }
}

fn x_labels(categories: &[String], x: &dyn Fn(usize) -> f64) -> Markup {
    let step = categories.len().div_ceil(8).max(1);
    html! {
        @for (i, c) in categories.iter().enumerate() {
            @if i % step == 0 || i + 1 == categories.len() {
                text x=(px(x(i))) y=(H - BOTTOM + 16.0) text-anchor="middle" font-size="11" fill="#222222" {
                    (c)
                }
            }
        }
    }
}

/// Series legend as HTML (text, so it zooms and reads well).
pub fn legend(series: &[Series], dashed: bool) -> Markup {
    html! {
        ul.legenda {
            @for (i, s) in series.iter().enumerate() {
                li {
                    svg.swatch viewBox="0 0 24 16" aria-hidden="true" {
                        line x1="0" x2="24" y1="8" y2="8" stroke=(SERIES[i % SERIES.len()])
                            stroke-width="4"
                            stroke-dasharray=(if dashed { DASHES[i % DASHES.len()] } else { "" }) {}
                    }
                    (s.name)
                }
            }
        }
    }
}

/// A line chart over ordered categories; a gap where a value is missing, and the hidden mark
/// on the axis where disclosure control hid it.
pub fn line(
    label: &str,
    categories: &[String],
    series: &[Series],
    format: &dyn Fn(&Cell) -> String,
) -> Markup {
    let axis = value_range(series);
    let Axis { lo, hi, .. } = axis;
    let n = categories.len().max(1);
    let x = |i: usize| {
        if n == 1 {
            (LEFT + W - RIGHT) / 2.0
        } else {
            LEFT + (W - LEFT - RIGHT) * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - (v - lo) / (hi - lo));
    let content = html! {
        (y_axis(axis, format))
        (x_labels(categories, &x))
        @for (k, s) in series.iter().enumerate() {
            @let colour = SERIES[k % SERIES.len()];
            path d=(line_path(&s.values, &x, &y)) fill="none" stroke=(colour) stroke-width="2"
                stroke-dasharray=(DASHES[k % DASHES.len()]) {}
            @for (i, v) in s.values.iter().enumerate() {
                // A hidden value: the one mark on the axis, not a gap that reads as missing.
                @if *v == Cell::Suppressed {
                    @let category = categories.get(i).map(String::as_str).unwrap_or("");
                    text.verborgen x=(px(x(i))) y=(px(H - BOTTOM - 4.0)) text-anchor="middle"
                        font-size="12" fill=(colour) {
                        title { (s.name) " – " (category) ": " (super::html::HIDDEN_MEANING) }
                        (super::html::HIDDEN_MARK)
                    }
                }
                @if let Some(num) = v.number() {
                    @let category = categories.get(i).map(String::as_str).unwrap_or("");
                    @let interval = s.interval(i);
                    @let tip = {
                        let mut tip = format!("{} – {category}: {}", s.name, format(v));
                        if let Some((low, high)) = interval {
                            tip.push_str(&interval_words(low, high, format));
                        }
                        tip
                    };
                    @if let Some((low, high)) = interval {
                        (whisker(y(low), y(high), x(i), true, colour, &tip))
                    }
                    @let tip = match s.mark(i) {
                        Some(reason) => format!("{tip} – {reason}"),
                        None => tip,
                    };
                    @if s.mark(i).is_some() {
                        circle.opvallend cx=(px(x(i))) cy=(px(y(num))) r="8" fill="none" stroke="#000000"
                            stroke-width="2" { title { (tip) } }
                    }
                    circle cx=(px(x(i))) cy=(px(y(num))) r="3.5" fill=(colour) { title { (tip) } }
                }
            }
        }
    };
    let marked = series.iter().any(|s| s.marks.iter().any(Option::is_some));
    html! {
        (svg_chart(label, H, content))
        (legend(series, true))
        @if marked {
            p.toelichting {
                "Een omcirkeld punt is " strong { "opvallend" } ": de verandering ten opzichte van een \
                 jaar eerder is waarschijnlijk geen toeval (de reden staat bij het punt)."
            }
        }
    }
}

/// The path of one line: the pen lifts where a value is missing or suppressed.
fn line_path(values: &[Cell], x: &dyn Fn(usize) -> f64, y: &dyn Fn(f64) -> f64) -> String {
    let mut path = String::new();
    let mut pen_down = false;
    for (i, v) in values.iter().enumerate() {
        match v.number() {
            Some(v) => {
                let _ = write!(
                    path,
                    "{}{:.1},{:.1}",
                    if pen_down { "L" } else { "M" },
                    x(i),
                    y(v)
                );
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    path
}

/// ", 95%-interval 3,2–5,3" for a tooltip.
fn interval_words(low: f64, high: f64, format: &dyn Fn(&Cell) -> String) -> String {
    format!(
        ", 95%-interval {}–{}",
        format(&Cell::Num(low)),
        format(&Cell::Num(high))
    )
}

/// Horizontal bars, one group per category, one bar per series.
pub fn bar(
    label: &str,
    categories: &[String],
    series: &[Series],
    format: &dyn Fn(&Cell) -> String,
) -> Markup {
    let Axis { lo, hi, .. } = value_range(series);
    let band = 22.0 * series.len().max(1) as f64 + 8.0;
    let height = TOP + band * categories.len().max(1) as f64 + 8.0;
    let left = label_room(categories);
    let x = |v: f64| left + (W - left - 70.0) * (v - lo) / (hi - lo);
    let content = html! {
        @for (i, c) in categories.iter().enumerate() {
            @let top = TOP + band * i as f64;
            (bar_label(left - 6.0, top + band / 2.0, c))
            @for (k, s) in series.iter().enumerate() {
                @let cell = s.values.get(i).cloned().unwrap_or(Cell::Null);
                @let y = top + 22.0 * k as f64;
                @let interval = s.interval(i);
                @let tip = match interval {
                    Some((low, high)) => format!("{c} – {}: {}{}", s.name, format(&cell), interval_words(low, high, format)),
                    None => format!("{c} – {}: {}", s.name, format(&cell)),
                };
                @let v = cell.number().unwrap_or(0.0);
                @let (x0, x1) = if v >= 0.0 { (x(0.0f64.max(lo)), x(v)) } else { (x(v), x(0.0)) };
                rect x=(px(x0)) y=(px(y)) width=(px((x1 - x0).max(0.5))) height="18"
                    fill=(SERIES[k % SERIES.len()]) { title { (tip) } }
                text x=(px(interval.map_or(x1.max(x0), |(_, high)| x(high).max(x1.max(x0))) + 4.0))
                    y=(px(y + 13.0)) font-size="11" fill="#222222" { (format(&cell)) }
                @if let Some((low, high)) = interval {
                    (whisker(x(low), x(high), y + 9.0, false, "#222222", &tip))
                }
            }
        }
    };
    html! {
        (svg_chart(label, height, content))
        @if series.len() > 1 { (legend(series, false)) }
    }
}

/// Horizontal stacked bars: one bar per category, one segment per series.
pub fn stacked_bar(
    label: &str,
    categories: &[String],
    series: &[Series],
    format: &dyn Fn(&Cell) -> String,
) -> Markup {
    let totals: Vec<f64> = (0..categories.len())
        .map(|i| {
            series
                .iter()
                .filter_map(|s| s.values.get(i).and_then(Cell::number))
                .sum()
        })
        .collect();
    let hi = totals.iter().copied().fold(0.0, f64::max).max(1e-12);
    let left = label_room(categories);
    let height = TOP + 26.0 * categories.len().max(1) as f64 + 8.0;
    let scale = |v: f64| (W - left - 70.0) * v / hi;
    let content = html! {
        @for (i, c) in categories.iter().enumerate() {
            @let y = TOP + 26.0 * i as f64;
            (bar_label(left - 6.0, y + 14.0, c))
            @let cells: Vec<Cell> = series.iter().map(|s| s.values.get(i).cloned().unwrap_or(Cell::Null)).collect();
            @let widths: Vec<f64> = cells.iter().map(|c| c.number().map(scale).unwrap_or(0.0)).collect();
            @for (k, (s, cell)) in series.iter().zip(&cells).enumerate() {
                @let x = left + widths[..k].iter().sum::<f64>();
                rect x=(px(x)) y=(px(y)) width=(px(widths[k])) height="20" fill=(SERIES[k % SERIES.len()])
                    stroke="#ffffff" { title { (c) " – " (s.name) ": " (format(cell)) } }
            }
            text x=(px(left + widths.iter().sum::<f64>() + 4.0)) y=(px(y + 14.0)) font-size="11" fill="#222222" {
                (format(&Cell::Num(totals[i])))
            }
        }
    };
    html! {
        (svg_chart(label, height, content))
        (legend(series, false))
    }
}

/// The funnel of the five-phase signal process: each stage's bar centred, with its share of the
/// first stage.
pub fn funnel(
    label: &str,
    stages: &[String],
    values: &[Cell],
    format: &dyn Fn(&Cell) -> String,
) -> Markup {
    let first = values.first().and_then(Cell::number).filter(|v| *v > 0.0);
    let hi = values
        .iter()
        .filter_map(Cell::number)
        .fold(0.0, f64::max)
        .max(1e-12);
    let height = TOP + 34.0 * stages.len().max(1) as f64;
    let left = label_room(stages);
    let span = W - left - 20.0;
    let content = html! {
        @for (i, stage) in stages.iter().enumerate() {
            @let cell = values.get(i).cloned().unwrap_or(Cell::Null);
            @let w = cell.number().map(|v| span * v / hi).unwrap_or(0.0).max(1.0);
            @let y = TOP + 34.0 * i as f64;
            @let share = match (cell.number(), first) {
                (Some(v), Some(f)) => format!(" ({:.0} %)", 100.0 * v / f),
                _ => String::new(),
            };
            @let text = format!("{}{share}", format(&cell));
            (bar_label(left - 6.0, y + 17.0, stage))
            rect x=(px(left + (span - w) / 2.0)) y=(px(y)) width=(px(w)) height="26" fill=(SERIES[4]) {
                title { (stage) ": " (text) }
            }
            text x=(px(left + span / 2.0)) y=(px(y + 17.0)) text-anchor="middle" font-size="12" fill="#000000" {
                (text)
            }
        }
    };
    svg_chart(label, height, content)
}

/// One key figure: its value and, when there is one, its change against a year earlier and
/// whether that change is more than chance.
pub struct KpiTile {
    pub label: String,
    pub value: Cell,
    /// The change in percent.
    pub change: Option<Cell>,
    /// `Some(true)`: more than chance; `Some(false)`: within the margin; `None`: not tested.
    pub significant: Option<bool>,
}

/// Key figures. A change is called a rise or a fall only when it is significant; within the
/// margin it is "gelijk gebleven", and an untested change says so instead of showing an arrow.
pub fn kpi(tiles: &[KpiTile], format: &dyn Fn(&Cell) -> String) -> Markup {
    html! {
        ul.kpi {
            @for tile in tiles {
                li {
                    span.kpi-label { (tile.label) }
                    span.kpi-waarde { (format(&tile.value)) }
                    (kpi_change(tile))
                }
            }
        }
    }
}

fn kpi_change(tile: &KpiTile) -> Markup {
    match (
        tile.change.as_ref().and_then(Cell::number),
        tile.significant,
    ) {
        (Some(c), Some(true)) if c != 0.0 => {
            let (arrow, word, sign) = if c > 0.0 {
                ("▲", "gestegen", "+")
            } else {
                ("▼", "gedaald", "")
            };
            let rounded = super::frame::format_number((c * 10.0).round() / 10.0);
            html! {
                span.verschil.significant {
                    span aria-hidden="true" { (arrow) }
                    " " (word) ": " (sign) (rounded) " % t.o.v. vorig jaar (meer dan toeval)"
                }
            }
        }
        (Some(_), Some(_)) => html! {
            span.verschil {
                span aria-hidden="true" { "=" }
                " gelijk gebleven t.o.v. vorig jaar (binnen de marge)"
            }
        },
        (Some(_), None) => {
            html! { span.verschil { "verandering t.o.v. vorig jaar niet getoetst" } }
        }
        (None, _) => html! { span.verschil { "geen vergelijking met vorig jaar" } },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(c: &Cell) -> String {
        super::super::html::show(c)
    }

    #[test]
    fn line_breaks_at_missing_values_and_every_point_has_a_tooltip() {
        let cats: Vec<String> = ["2024-Q1", "2024-Q2", "2024-Q3"].map(String::from).to_vec();
        let s = Series::new(
            "GM0001".into(),
            vec![Cell::Num(1.0), Cell::Null, Cell::Num(3.0)],
        );
        let svg = line("t", &cats, &[s], &fmt).into_string();
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.matches("M").count() >= 2, "{svg}");
        assert!(svg.contains("<title>GM0001 – 2024-Q3: 3</title>"), "{svg}");
        assert!(
            !svg.contains("class=\"interval\""),
            "no intervals given, none drawn"
        );
    }

    #[test]
    fn intervals_are_whiskers_and_opvallend_points_are_circled_with_their_reason() {
        let cats: Vec<String> = ["2023-Q4", "2024-Q4"].map(String::from).to_vec();
        let mut s = Series::new("dit gebied".into(), vec![Cell::Num(2.0), Cell::Num(6.0)]);
        s.low = vec![Cell::Num(1.0), Cell::Num(4.5)];
        s.high = vec![Cell::Num(3.5), Cell::Num(8.0)];
        s.marks = vec![None, Some("opvallend: gestegen".into())];
        let svg = line("t", &cats, std::slice::from_ref(&s), &fmt).into_string();
        assert_eq!(svg.matches("class=\"interval\"").count(), 2, "{svg}");
        assert!(svg.contains("95%-interval 4,5–8"), "{svg}");
        assert_eq!(svg.matches("class=\"opvallend\"").count(), 1, "{svg}");
        assert!(svg.contains("opvallend: gestegen"), "{svg}");
        assert!(svg.contains("omcirkeld punt"), "the mark is explained");
        // The axis reaches the highest interval end.
        assert!(svg.contains(">8<") || svg.contains(">10<"), "{svg}");
        let svg = bar("t", &cats, &[s], &fmt).into_string();
        assert_eq!(svg.matches("class=\"interval\"").count(), 2, "{svg}");
    }

    #[test]
    fn axes_have_round_ticks() {
        let axis = Axis::nice(0.0, 3.77);
        assert_eq!((axis.lo, axis.hi, axis.step), (0.0, 4.0, 1.0));
        assert_eq!(axis.ticks().collect::<Vec<_>>(), [0.0, 1.0, 2.0, 3.0, 4.0]);
        let axis = Axis::nice(0.0, 0.283);
        assert_eq!(axis.ticks().collect::<Vec<_>>(), [0.0, 0.1, 0.2, 0.3]);
        let axis = Axis::nice(-1.2, 4.6);
        assert_eq!((axis.lo, axis.hi, axis.step), (-2.0, 6.0, 2.0));
        let axis = Axis::nice(0.0, 0.0);
        assert!(axis.hi > axis.lo);
        let axis = Axis::nice(0.0, 1234.0);
        assert_eq!((axis.hi, axis.step), (1500.0, 500.0));
    }

    #[test]
    fn long_category_labels_get_room_instead_of_being_cut_off() {
        let short = label_room(&["a".to_string()]);
        let long = label_room(&["verborgen bewoning per 1.000 vbo".to_string()]);
        assert!(long > 6.0 * 32.0 && long > short, "{long}");
        let svg = bar(
            "t",
            &["verborgen bewoning per 1.000 vbo".to_string()],
            &[Series::new("x".into(), vec![Cell::Num(1.0)])],
            &fmt,
        )
        .into_string();
        // The label ends where the bars begin, right of the chart's left edge by its length.
        let x: f64 = svg
            .split("text-anchor=\"end\"")
            .next()
            .and_then(|before| before.rsplit("x=\"").next())
            .and_then(|rest| rest.split('"').next())
            .and_then(|v| v.parse().ok())
            .expect("label position");
        assert!(x > 32.0 * 6.0, "label anchored at {x}");
    }

    #[test]
    fn funnel_shows_share_of_the_first_stage_and_suppression() {
        let stages: Vec<String> = ["1", "2"].map(String::from).to_vec();
        let svg = funnel("f", &stages, &[Cell::Num(40.0), Cell::Num(10.0)], &fmt).into_string();
        assert!(svg.contains("10 (25 %)"), "{svg}");
        let svg = funnel("f", &stages, &[Cell::Num(40.0), Cell::Suppressed], &fmt).into_string();
        assert!(svg.contains('×') && !svg.contains("&lt;"), "{svg}");
    }

    #[test]
    fn kpi_tiles_call_a_change_a_rise_or_fall_only_when_it_is_more_than_chance() {
        let tile = |change: Option<f64>, significant: Option<bool>| KpiTile {
            label: "Signalen".into(),
            value: Cell::Num(9.0),
            change: change.map(Cell::Num),
            significant,
        };
        let html = kpi(&[tile(Some(-20.0), Some(true))], &fmt).into_string();
        assert!(html.contains("gedaald: -20 % t.o.v. vorig jaar"), "{html}");
        // 5 → 9 within chance: no arrow, no percentage.
        let html = kpi(&[tile(Some(80.0), Some(false))], &fmt).into_string();
        assert!(
            html.contains("gelijk gebleven") && html.contains("binnen de marge"),
            "{html}"
        );
        assert!(!html.contains('▲') && !html.contains("80"), "{html}");
        let html = kpi(&[tile(Some(80.0), None)], &fmt).into_string();
        assert!(
            html.contains("niet getoetst") && !html.contains('▲'),
            "{html}"
        );
        let html = kpi(&[tile(None, None)], &fmt).into_string();
        assert!(html.contains("geen vergelijking"), "{html}");
    }
}
