//! What each indicator means where it is shown: a Dutch label, its definition as in outputs.md,
//! the source it comes from, and that source's latest peildatum in the snapshot.

use super::snapshot::Snapshot;
use maud::{Markup, html};

/// (indicator, label, definition, source)
const INDICATORS: [(&str, &str, &str, &str); 16] = [
    (
        "risicoscore",
        "Risicoscore",
        "Gewogen gemiddelde van de z-scores van vijf verhoudingen (leegstand, RNI, verborgen bewoning, KvK-risicosectoren, signalen) binnen niveau en periode, op de gladgemaakte cijfers zodat een klein gebied niet door toeval bovenaan komt. Een patroon om nader te bekijken, geen bewijs.",
        "alle bronnen",
    ),
    (
        "inwoners",
        "Inwoners",
        "Bevolking van het gebied in het jaar van de periode (anders het laatste eerdere jaar).",
        "bevolking",
    ),
    (
        "vbo_in_gebruik",
        "Verblijfsobjecten in gebruik",
        "Verblijfsobjecten met status in gebruik op de gekozen peildatum.",
        "leegstand",
    ),
    (
        "leeg_aantal",
        "Administratief leeg (aantal)",
        "Objecten in gebruik zonder inschrijving in BRP, Handelsregister of WOZ-gebruik.",
        "leegstand",
    ),
    (
        "leeg_pct",
        "Administratieve leegstand (%)",
        "100 × administratief leeg / objecten in gebruik.",
        "leegstand",
    ),
    (
        "rni_ingeschrevenen",
        "RNI-ingeschrevenen",
        "Personen in de RNI met een tijdelijk adres in het gebied (een telling van personen).",
        "rni",
    ),
    (
        "rni_adressen",
        "Adressen met RNI-inschrijving",
        "Verschillende adressen met minstens één RNI-inschrijving.",
        "rni",
    ),
    (
        "rni_per_1000_inwoners",
        "RNI per 1.000 inwoners",
        "1.000 × RNI-ingeschrevenen / inwoners.",
        "rni",
    ),
    (
        "verborgen_bewoning",
        "Verborgen bewoning",
        "Objecten die administratief leeg zijn én minstens één RNI-inschrijving hebben op dezelfde peildatum.",
        "leegstand + rni",
    ),
    (
        "kvk_risico_actief",
        "KvK risicosectoren actief",
        "Actieve vestigingen in risicosectoren aan het eind van de periode.",
        "kvk",
    ),
    (
        "kvk_uitzendbureaus",
        "Uitzendbureaus actief",
        "Actieve vestigingen van uitzendbureaus aan het eind van de periode.",
        "kvk",
    ),
    (
        "kvk_risico_nieuw",
        "KvK risicosectoren nieuw",
        "Vestigingen in risicosectoren ingeschreven in de periode.",
        "kvk",
    ),
    (
        "kvk_risico_opgeheven",
        "KvK risicosectoren opgeheven",
        "Vestigingen in risicosectoren uitgeschreven in de periode.",
        "kvk",
    ),
    (
        "kvk_kortlevend",
        "KvK kortlevend",
        "Uitgeschreven in de periode, minder dan 365 dagen na inschrijving.",
        "kvk",
    ),
    (
        "kvk_adresconcentratie",
        "KvK adresconcentratie",
        "Objecten met minstens de drempel (standaard 5) actieve vestigingen in risicosectoren.",
        "kvk",
    ),
    (
        "signalen_totaal",
        "Signalen",
        "Signalen van mensenhandel in de periode (alle vormen).",
        "signalen",
    ),
];

pub fn label(indicator: &str) -> &str {
    INDICATORS
        .iter()
        .find(|i| i.0 == indicator)
        .map(|i| i.1)
        .unwrap_or(indicator)
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
    let Some((_, label, definition, bron)) = INDICATORS.iter().find(|i| i.0 == indicator) else {
        return html! {};
    };
    let peil = latest_peildatum(snapshot, bron);
    html! {
        aside.indicator aria-label="Over deze indicator" {
            p { strong { (label) } ": " (definition) }
            p {
                "Bron: " (bron)
                @if let Some(p) = peil { " · laatste peildatum " (p) }
                " · levering per gebied: zie de kolommen bron_* en de pagina Status en bronnen."
            }
        }
    }
}
