//! What each indicator means where it is shown: its label, definition and source from the
//! indicator registry (`risicobeeld_snapshot::indicators`), and that source's latest peildatum
//! in the snapshot.

use super::snapshot::Snapshot;
use maud::{Markup, html};
use risicobeeld_snapshot::indicators as registry;

/// How a page names an indicator: its registry label, with `(%)` for a percentage; the name
/// itself when the registry does not know it.
pub fn label(indicator: &str) -> String {
    registry::indicator(indicator).map_or_else(|| indicator.to_string(), |i| i.heading())
}

/// How a table header or a spreadsheet names a column of `gebied_indicatoren` that the registry
/// knows: an indicator's label, or a ratio's statistic with its label (`None` for any other
/// column).
pub fn column_label(column: &str) -> Option<String> {
    if registry::indicator(column).is_some() {
        return Some(label(column));
    }
    let statistics = [
        ("_ci_laag", "ondergrens 95%-interval"),
        ("_ci_hoog", "bovengrens 95%-interval"),
        ("_vergelijking", "vergelijking met de regio"),
        ("_gladgemaakt", "gladgemaakt"),
    ];
    statistics.iter().find_map(|(suffix, what)| {
        let rate = column.strip_suffix(suffix)?;
        registry::indicator(rate).map(|_| format!("{}: {what}", label(rate)))
    })
}

/// A phase of the signal process on a page (`"2"` → `2. weging`).
pub fn phase_label(phase: &str) -> String {
    match risicobeeld_snapshot::vocabulary::fase(phase) {
        Some(f) => format!("{}. {}", f.nummer, f.naam),
        None => format!("fase {phase}"),
    }
}

/// Latest peildatum of a source across gemeenten (from `kwaliteit`).
fn latest_peildatum(snapshot: &Snapshot, bron: &str) -> Option<String> {
    let parts: Vec<&str> = bron.split(" + ").collect();
    snapshot
        .freshness
        .iter()
        .filter(|f| parts.contains(&f.bron.as_str()))
        .map(|f| f.laatste_peildatum.clone())
        .max()
}

/// The metadata box of an indicator.
pub fn describe(indicator: &str, snapshot: &Snapshot) -> Markup {
    let Some(i) = registry::indicator(indicator) else {
        return html! {};
    };
    let bron = i.source;
    let peil = latest_peildatum(snapshot, bron);
    html! {
        aside.indicator aria-label="Over deze indicator" {
            p { strong { (label(indicator)) } ": " (i.definition) }
            p {
                "Bron: " (bron)
                @if let Some(p) = peil { " · laatste peildatum " (p) }
                " · levering per gebied: zie de kolommen bron_* en de pagina Status en bronnen."
            }
        }
    }
}
