//! The funnel plot (Spiegelhalter 2005) — not the five-phase signal funnel: one dot per area,
//! its rate against its denominator, with the 95 % and 99,8 % control limits around the regio
//! rate. A dot outside the limits differs from the regio by more than chance at that size.

use std::fmt::Write;

use statrs::distribution::{Binomial, DiscreteCDF, Poisson};

use super::charts::Axis;
use super::frame::format_number;
use super::html::area_link;
use maud::{Markup, html};

/// The count behind a rate: a share of its denominator, or events per head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distribution {
    Binomial,
    Poisson,
}

impl Distribution {
    /// `binomiaal` or `poisson` (the panel's distribution column).
    pub fn parse(text: &str) -> Option<Distribution> {
        match text {
            "binomiaal" => Some(Distribution::Binomial),
            "poisson" => Some(Distribution::Poisson),
            _ => None,
        }
    }
}

/// One area of the plot.
pub struct Dot {
    pub code: String,
    pub name: String,
    /// The rate on its published scale (e.g. per 1.000).
    pub rate: f64,
    pub denominator: f64,
    /// Drawn with a ring: the area of the page.
    pub highlighted: bool,
}

/// The control limit at probability `p` for an area of `n` when the true fraction is `theta`,
/// as a fraction: Spiegelhalter's interpolated exact limit. With `y` the `p`-quantile of the
/// count, the limit is `(y − r) / n` with `r = (F(y) − p) / (F(y) − F(y − 1))`, which turns the
/// steps of a discrete quantile into a smooth line.
pub fn control_limit(theta: f64, n: f64, p: f64, distribution: Distribution) -> Option<f64> {
    if !(n > 0.0 && theta > 0.0 && (0.0..1.0).contains(&p)) {
        return None;
    }
    let (y, f, f_below) = match distribution {
        Distribution::Binomial => {
            let d = Binomial::new(theta.min(1.0), n.round().max(1.0) as u64).ok()?;
            let y = d.inverse_cdf(p);
            let below = if y == 0 { 0.0 } else { d.cdf(y - 1) };
            (y, d.cdf(y), below)
        }
        Distribution::Poisson => {
            let d = Poisson::new(theta * n).ok()?;
            let y = d.inverse_cdf(p);
            let below = if y == 0 { 0.0 } else { d.cdf(y - 1) };
            (y, d.cdf(y), below)
        }
    };
    let r = if f > f_below {
        (f - p) / (f - f_below)
    } else {
        0.0
    };
    Some(((y as f64 - r) / n).max(0.0))
}

const W: f64 = 640.0;
const H: f64 = 320.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 44.0;
/// Limits drawn: (lower p, upper p, dash, label).
const LIMITS: [(f64, f64, &str, &str); 2] = [
    (0.025, 0.975, "6 3", "95%-grenzen"),
    (0.001, 0.999, "2 3", "99,8%-grenzen"),
];

/// Where a dot lies against the limits, in words.
fn verdict(rate: f64, bounds: &[(f64, f64)]) -> &'static str {
    let [(lo95, hi95), (lo998, hi998)] = bounds else {
        return "";
    };
    if rate > *hi998 {
        "boven de 99,8%-grens: vrijwel zeker hoger dan de regio"
    } else if rate > *hi95 {
        "boven de 95%-grens: waarschijnlijk hoger dan de regio"
    } else if rate < *lo998 {
        "onder de 99,8%-grens: vrijwel zeker lager dan de regio"
    } else if rate < *lo95 {
        "onder de 95%-grens: waarschijnlijk lager dan de regio"
    } else {
        "binnen de grenzen: niet te onderscheiden van de regio"
    }
}

/// The plot: x is the denominator on a log scale, y the rate on its scale; `target` is the regio
/// rate on the same scale and `scale` what a fraction is multiplied by (100, 1.000, 10.000).
pub fn funnel_plot(
    title: &str,
    dots: &[Dot],
    target: f64,
    scale: f64,
    distribution: Distribution,
    links: bool,
) -> Markup {
    let dots: Vec<&Dot> = dots
        .iter()
        .filter(|d| d.denominator >= 1.0 && d.rate.is_finite())
        .collect();
    let positive = |v: f64| v.is_finite() && v > 0.0;
    if dots.is_empty() || !positive(target) || !positive(scale) {
        return html! {
            p.leeg {
                "Geen trechterplot: er is geen verhouding met een noemer en een regiocijfer voor deze keuze."
            }
        };
    }
    let theta = target / scale;
    let n_lo = dots.iter().map(|d| d.denominator).fold(f64::MAX, f64::min);
    let n_hi = dots.iter().map(|d| d.denominator).fold(0.0, f64::max);
    let (log_lo, log_hi) = (
        n_lo.log10().floor(),
        n_hi.log10().ceil().max(n_lo.log10().floor() + 1.0),
    );
    let x = |n: f64| LEFT + (W - LEFT - RIGHT) * (n.log10() - log_lo) / (log_hi - log_lo);
    let axis = Axis::nice(
        0.0,
        dots.iter().map(|d| d.rate).fold(target, f64::max) * 1.1,
    );
    let y_hi = axis.hi;
    let y = |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - (v / y_hi).clamp(0.0, 1.0));
    // Axes: powers of ten along x, five steps along y.
    let powers: Vec<f64> = std::iter::successors(Some(log_lo), |p| Some(p + 1.0))
        .take_while(|p| *p <= log_hi)
        .collect();
    // The regio rate and the control limits, on a grid of sizes.
    let grid: Vec<f64> = (0..=80)
        .map(|i| 10f64.powf(log_lo + (log_hi - log_lo) * f64::from(i) / 80.0))
        .collect();
    let limit_path = |p: f64| {
        let mut path = String::new();
        for &n in &grid {
            if let Some(limit) = control_limit(theta, n, p, distribution) {
                let _ = write!(
                    path,
                    "{}{:.1},{:.1}",
                    if path.is_empty() { "M" } else { "L" },
                    x(n),
                    y(limit * scale)
                );
            }
        }
        path
    };
    html! {
        svg.grafiek.trechterplot viewBox={ "0 0 " (W) " " (H) } role="group" aria-label=(title) {
            @for power in &powers {
                @let xv = px(x(10f64.powf(*power)));
                line x1=(xv) x2=(xv) y1=(TOP) y2=(H - BOTTOM) stroke="#e0e0e0" {}
                text x=(xv) y=(H - BOTTOM + 16.0) text-anchor="middle" font-size="11" fill="#222222" {
                    (format_number(10f64.powf(*power)))
                }
            }
            @for v in axis.ticks() {
                text x=(LEFT - 4.0) y=(px(y(v) + 4.0)) text-anchor="end" font-size="11" fill="#222222" {
                    (format_number(v))
                }
            }
            text x=(px((LEFT + W - RIGHT) / 2.0)) y=(H - 6.0) text-anchor="middle" font-size="11"
                fill="#222222" { "noemer (logaritmische schaal)" }
            path d={ "M" (LEFT) "," (px(y(target))) "H" (W - RIGHT) } stroke="#000000" stroke-width="1.5" {
                title { "regio: " (format_number((target * 100.0).round() / 100.0)) }
            }
            @for (p_lo, p_hi, dash, label) in LIMITS {
                @for p in [p_lo, p_hi] {
                    path d=(limit_path(p)) fill="none" stroke="#555555" stroke-width="1.2"
                        stroke-dasharray=(dash) { title { (label) } }
                }
            }
            @for d in &dots {
                (dot(d, theta, scale, distribution, links, &x, &y))
            }
        }
        ul.legenda aria-label="Legenda" {
            li { "lijn: regiocijfer" }
            li { "streepjes: 95%-grenzen" }
            li { "puntjes: 99,8%-grenzen" }
            li { "oranje: boven de grenzen" }
            li { "blauw: onder de grenzen" }
            li { "grijs: binnen de grenzen" }
        }
        p.toelichting {
            "Hoe kleiner het gebied (de noemer), hoe wijder de grenzen: een klein gebied wijkt door \
             toeval al snel af. Alleen een punt buiten de grenzen verschilt waarschijnlijk echt van de regio."
        }
    }
}

/// A coordinate as SVG gets it: one decimal.
fn px(v: f64) -> String {
    format!("{v:.1}")
}

/// One area's dot, coloured and described by where it lies against the limits at its size.
fn dot(
    d: &Dot,
    theta: f64,
    scale: f64,
    distribution: Distribution,
    links: bool,
    x: &dyn Fn(f64) -> f64,
    y: &dyn Fn(f64) -> f64,
) -> Markup {
    let bounds: Vec<(f64, f64)> = LIMITS
        .iter()
        .map(|(p_lo, p_hi, _, _)| {
            let limit = |p| control_limit(theta, d.denominator, p, distribution);
            (
                limit(*p_lo).map_or(0.0, |l| l * scale),
                limit(*p_hi).map_or(f64::MAX, |l| l * scale),
            )
        })
        .collect();
    let words = verdict(d.rate, &bounds);
    let fill = if words.starts_with("boven") {
        "#d55e00"
    } else if words.starts_with("onder") {
        "#0072b2"
    } else {
        "#9e9e9e"
    };
    let tip = format!(
        "{} ({}): {} bij een noemer van {} — {words}",
        d.name,
        d.code,
        format_number((d.rate * 100.0).round() / 100.0),
        format_number(d.denominator.round())
    );
    let (cx, cy) = (px(x(d.denominator)), px(y(d.rate)));
    let mark = html! {
        @if d.highlighted {
            circle cx=(cx) cy=(cy) r="9" fill="none" stroke="#000000" stroke-width="2" {}
        }
        circle cx=(cx) cy=(cy) r="4.5" fill=(fill) stroke="#222222" stroke-width="0.6" {
            title { (tip) }
        }
    };
    area_link(&d.code, &tip, mark, links)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_widen_as_areas_get_smaller_and_contain_the_target() {
        let theta = 0.03;
        for d in [Distribution::Binomial, Distribution::Poisson] {
            let hi_small = control_limit(theta, 50.0, 0.975, d).expect("limit");
            let hi_large = control_limit(theta, 5000.0, 0.975, d).expect("limit");
            let lo_large = control_limit(theta, 5000.0, 0.025, d).expect("limit");
            assert!(
                hi_small > hi_large && hi_large > theta && lo_large < theta,
                "{d:?}"
            );
            let hi998 = control_limit(theta, 5000.0, 0.999, d).expect("limit");
            assert!(hi998 > hi_large, "{d:?}");
        }
    }

    #[test]
    fn large_areas_follow_the_normal_approximation() {
        // For n = 100.000 and p = 3 %, the 97,5 % limit is p + 1,96·√(p(1−p)/n) to within a few
        // hundredths of a percent point.
        let (theta, n) = (0.03, 100_000.0);
        let exact = control_limit(theta, n, 0.975, Distribution::Binomial).expect("limit");
        let normal = theta + 1.959_964 * (theta * (1.0 - theta) / n).sqrt();
        assert!((exact - normal).abs() < 2e-5, "{exact} {normal}");
        let exact = control_limit(theta, n, 0.975, Distribution::Poisson).expect("limit");
        let normal = theta + 1.959_964 * (theta / n).sqrt();
        assert!((exact - normal).abs() < 2e-5, "{exact} {normal}");
    }

    #[test]
    fn dots_say_where_they_lie_and_link_to_their_area() {
        let dot = |code: &str, rate: f64, n: f64| Dot {
            code: code.into(),
            name: code.into(),
            rate,
            denominator: n,
            highlighted: code == "B",
        };
        let svg = funnel_plot(
            "t",
            &[
                dot("A", 3.0, 2000.0),
                dot("B", 9.0, 2000.0),
                dot("C", 6.0, 40.0),
            ],
            3.0,
            100.0,
            Distribution::Binomial,
            true,
        )
        .into_string();
        assert!(svg.contains("href=\"/gebied/B\""));
        assert!(
            svg.contains("B (B): 9 bij een noemer van 2.000 — boven de 99,8%-grens"),
            "{svg}"
        );
        assert!(
            svg.contains("A (A): 3 bij een noemer van 2.000 — binnen de grenzen"),
            "{svg}"
        );
        // Twice the regio rate in a tiny area is within chance.
        assert!(
            svg.contains("C (C): 6 bij een noemer van 40 — binnen de grenzen"),
            "{svg}"
        );
        assert_eq!(
            svg.matches("r=\"9\"").count(),
            1,
            "the page's own area is ringed"
        );
        let empty = funnel_plot("t", &[], 3.0, 100.0, Distribution::Binomial, true).into_string();
        assert!(empty.contains("Geen trechterplot"));
    }
}
