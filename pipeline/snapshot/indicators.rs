//! The indicator registry: every figure of `gebied_indicatoren` that `trends` follows, the risk
//! score weighs or a page labels, declared once — its label and definition, its count and
//! denominator, its scale and kind, whether it counts persons, which way is worse, its default
//! weight in the risk score, and the levels where it exists. The pipeline generates the
//! statistics' SQL from it, disclosure control reads its person counts from it, the server its
//! labels, and each snapshot publishes it as the table `indicatoren`.

use crate::vocabulary::NIVEAUS;

/// What kind of figure an indicator is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A count of persons, objects or vestigingen.
    Count,
    /// A share of a count of objects: `scale × count / denominator`, with a Wilson interval.
    Proportion,
    /// A count per inhabitants (or objects) as a Poisson rate: `scale × count / denominator`,
    /// with an exact Poisson interval.
    Rate,
    /// A composite (the risk score).
    Score,
}

impl Kind {
    /// The published word for the kind (`indicatoren.soort`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Count => "aantal",
            Kind::Proportion => "aandeel",
            Kind::Rate => "verhouding",
            Kind::Score => "score",
        }
    }

    /// A proportion or a rate: a figure with an interval, a regio comparison, a smoothed value
    /// and a test of its change.
    pub fn is_ratio(self) -> bool {
        matches!(self, Kind::Proportion | Kind::Rate)
    }
}

/// One indicator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Indicator {
    /// Its column in `gebied_indicatoren` and its `indicator` value in `trends`.
    pub name: &'static str,
    /// How a page names it (Dutch); also its description in `evaluatie`.
    pub label: &'static str,
    /// What it counts or computes (Dutch), as a reader of the page or the Parquet needs it.
    pub definition: &'static str,
    /// The unit it is shown in (`aantal`, `%`, `per 1.000 inwoners`).
    pub unit: &'static str,
    /// The input(s) it comes from.
    pub source: &'static str,
    pub kind: Kind,
    /// A ratio's count: another indicator's column.
    pub count: Option<&'static str>,
    /// A ratio's denominator: the column of `int_gebied_ratios` it divides by, and the column
    /// that denominator is taken from where the count exists (`inwoners_rni` is `inwoners`
    /// where `rni_ingeschrevenen` is not null), so that a ratio divides by exactly the areas
    /// that have its count.
    pub denominator: Option<Denominator>,
    /// A ratio's scale: `scale × count / denominator`.
    pub scale: f64,
    /// A count of persons in a vulnerable position: protected by disclosure control.
    pub person_count: bool,
    /// Is a higher value worse? (`None`: neither, such as inhabitants.)
    pub higher_is_worse: Option<bool>,
    /// Its default weight in the risk score (`None`: not a score indicator).
    pub score_weight: Option<f64>,
    /// The levels on which it can have a value.
    pub levels: &'static [&'static str],
    /// Followed over time in `trends`.
    pub in_trends: bool,
    /// Its row in the yearly evaluation (`evaluatie`), if it has one: the part and its position
    /// there.
    pub evaluation: Option<EvaluationRow>,
    /// A structural rate (the conditions for exploitation, not the looking): its name in a
    /// blind spot's reason (`blinde_vlek_reden`, docs/statistics.md).
    pub structural: Option<&'static str>,
}

/// Where an indicator stands in the yearly evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvaluationRow {
    /// `signalering` (the period's sum of the quarters) or `risicobeeld` (the stand at the
    /// period's last period with a value).
    pub part: &'static str,
    pub position: u8,
}

const fn stand(position: u8) -> Option<EvaluationRow> {
    Some(EvaluationRow {
        part: "risicobeeld",
        position,
    })
}

const fn signalering(position: u8) -> Option<EvaluationRow> {
    Some(EvaluationRow {
        part: "signalering",
        position,
    })
}

/// A ratio's denominator (`Indicator::denominator`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Denominator {
    /// The column of `int_gebied_ratios` the ratio divides by.
    pub column: &'static str,
    /// The column it is made of: equal to `column`, or the base that `column` masks.
    pub of: &'static str,
}

const ALL_LEVELS: &[&str] = &NIVEAUS;
const GEMEENTE_UP: &[&str] = &["gemeente", "district", "regio"];

/// What a count is unless its entry says otherwise (entries write `..COUNT`).
const COUNT: Indicator = Indicator {
    name: "",
    label: "",
    definition: "",
    unit: "aantal",
    source: "",
    kind: Kind::Count,
    count: None,
    denominator: None,
    scale: 1.0,
    person_count: false,
    higher_is_worse: None,
    score_weight: None,
    levels: ALL_LEVELS,
    in_trends: true,
    evaluation: None,
    structural: None,
};

/// A count of persons (`..PERSONS`).
const PERSONS: Indicator = Indicator {
    person_count: true,
    higher_is_worse: Some(true),
    ..COUNT
};

/// A signal count (all forms, or one): persons, from the gemeente up.
const SIGNALS: Indicator = Indicator {
    source: "signalen",
    levels: GEMEENTE_UP,
    ..PERSONS
};

/// What a proportion or rate is unless its entry says otherwise (`..RATIO`).
const RATIO: Indicator = Indicator {
    kind: Kind::Rate,
    higher_is_worse: Some(true),
    score_weight: Some(1.0),
    ..COUNT
};

impl Indicator {
    /// How a page heads it: its label, with `(%)` for a percentage (`indicatoren.kop`).
    pub fn heading(&self) -> String {
        if self.unit == "%" {
            format!("{} (%)", self.label)
        } else {
            self.label.to_string()
        }
    }

    /// The column a disclosure flag of this indicator is read from: its own (a count), or its
    /// count's (a ratio); `None` for the score.
    pub fn deciding_count(&self) -> Option<&'static str> {
        match self.kind {
            Kind::Count => Some(self.name),
            Kind::Proportion | Kind::Rate => self.count,
            Kind::Score => None,
        }
    }
}

/// The registry, in the column order of `gebied_indicatoren`.
pub const INDICATORS: [Indicator; 27] = [
    Indicator {
        name: "inwoners",
        label: "Inwoners",
        definition: "Bevolking van het gebied in het jaar van de periode (anders het laatste eerdere jaar).",
        source: "bevolking",
        ..COUNT
    },
    Indicator {
        name: "vbo_in_gebruik",
        label: "Verblijfsobjecten in gebruik",
        definition: "Verblijfsobjecten met status in gebruik op de gekozen peildatum.",
        source: "leegstand",
        ..COUNT
    },
    Indicator {
        name: "leeg_aantal",
        label: "Administratief leeg (aantal)",
        definition: "Objecten in gebruik zonder inschrijving in BRP, Handelsregister of WOZ-gebruik.",
        source: "leegstand",
        higher_is_worse: Some(true),
        ..COUNT
    },
    Indicator {
        name: "leeg_pct",
        label: "Administratieve leegstand",
        definition: "100 × administratief leeg / objecten in gebruik.",
        unit: "%",
        source: "leegstand",
        kind: Kind::Proportion,
        count: Some("leeg_aantal"),
        denominator: Some(Denominator {
            column: "vbo_in_gebruik",
            of: "vbo_in_gebruik",
        }),
        scale: 100.0,
        evaluation: stand(1),
        structural: Some("leegstand"),
        ..RATIO
    },
    Indicator {
        name: "rni_ingeschrevenen",
        label: "RNI-ingeschrevenen",
        definition: "Personen in de RNI met een tijdelijk adres in het gebied (een telling van personen).",
        source: "rni",
        evaluation: stand(3),
        ..PERSONS
    },
    Indicator {
        name: "rni_adressen",
        label: "Adressen met RNI-inschrijving",
        definition: "Verschillende adressen met minstens één RNI-inschrijving (alleen waar de RNI per adres is geleverd).",
        source: "rni",
        ..PERSONS
    },
    Indicator {
        name: "rni_adressen_meervoudig",
        label: "Adressen met veel RNI-ingeschrevenen",
        definition: "Adressen met minstens [rni] meervoudig_vanaf (standaard 5) RNI-ingeschrevenen: mogelijke huisvesting van arbeidsmigranten of overbewoning (alleen waar de RNI per adres is geleverd).",
        source: "rni",
        ..PERSONS
    },
    Indicator {
        name: "rni_meervoudig_per_1000_vbo",
        label: "Adressen met veel RNI-ingeschrevenen per 1.000 verblijfsobjecten",
        definition: "1.000 × adressen met veel RNI-ingeschrevenen / objecten in gebruik (waar beide bekend zijn).",
        unit: "per 1.000 verblijfsobjecten",
        source: "rni + leegstand",
        kind: Kind::Proportion,
        count: Some("rni_adressen_meervoudig"),
        denominator: Some(Denominator {
            column: "vbo_rni_meervoudig",
            of: "vbo_in_gebruik",
        }),
        scale: 1000.0,
        score_weight: None,
        ..RATIO
    },
    Indicator {
        name: "rni_adressen_uitzendbureau",
        label: "RNI-adressen met een uitzendbureau",
        definition: "Adressen met RNI-ingeschrevenen waar op de peildatum ook een vestiging van een uitzendbureau actief is (twee vestigingen op één adres tellen één keer; alleen waar de RNI per adres is geleverd).",
        source: "rni + kvk",
        ..PERSONS
    },
    Indicator {
        name: "rni_per_1000_inwoners",
        label: "RNI-ingeschrevenen per 1.000 inwoners",
        definition: "1.000 × RNI-ingeschrevenen / inwoners.",
        unit: "per 1.000 inwoners",
        source: "rni",
        count: Some("rni_ingeschrevenen"),
        denominator: Some(Denominator {
            column: "inwoners_rni",
            of: "inwoners",
        }),
        scale: 1000.0,
        evaluation: stand(4),
        structural: Some("RNI"),
        ..RATIO
    },
    Indicator {
        name: "verborgen_bewoning",
        label: "Verborgen bewoning",
        definition: "Objecten die administratief leeg zijn én minstens één RNI-inschrijving hebben op dezelfde peildatum.",
        source: "leegstand + rni",
        ..PERSONS
    },
    Indicator {
        name: "verborgen_per_1000_vbo",
        label: "Verborgen bewoning per 1.000 verblijfsobjecten",
        definition: "1.000 × verborgen bewoning / objecten in gebruik (waar verborgen bewoning bekend is).",
        unit: "per 1.000 verblijfsobjecten",
        source: "leegstand + rni",
        kind: Kind::Proportion,
        count: Some("verborgen_bewoning"),
        denominator: Some(Denominator {
            column: "vbo_verborgen",
            of: "vbo_in_gebruik",
        }),
        scale: 1000.0,
        evaluation: stand(2),
        structural: Some("verborgen bewoning"),
        ..RATIO
    },
    Indicator {
        name: "kvk_risico_actief",
        label: "KvK-vestigingen in risicosectoren",
        definition: "Actieve vestigingen in risicosectoren aan het eind van de periode.",
        source: "kvk",
        higher_is_worse: Some(true),
        evaluation: stand(5),
        ..COUNT
    },
    Indicator {
        name: "kvk_uitzendbureaus",
        label: "Uitzendbureaus actief",
        definition: "Actieve vestigingen van uitzendbureaus aan het eind van de periode.",
        source: "kvk",
        higher_is_worse: Some(true),
        ..COUNT
    },
    Indicator {
        name: "kvk_risico_nieuw",
        label: "KvK risicosectoren nieuw",
        definition: "Vestigingen in risicosectoren ingeschreven in de periode.",
        source: "kvk",
        ..COUNT
    },
    Indicator {
        name: "kvk_risico_opgeheven",
        label: "KvK risicosectoren opgeheven",
        definition: "Vestigingen in risicosectoren uitgeschreven in de periode.",
        source: "kvk",
        ..COUNT
    },
    Indicator {
        name: "kvk_kortlevend",
        label: "KvK kortlevend",
        definition: "Uitgeschreven in de periode, minder dan 365 dagen na inschrijving.",
        source: "kvk",
        higher_is_worse: Some(true),
        ..COUNT
    },
    Indicator {
        name: "kvk_adresconcentratie",
        label: "KvK adresconcentratie",
        definition: "Objecten met minstens de drempel (standaard 5) actieve vestigingen in risicosectoren.",
        source: "kvk",
        higher_is_worse: Some(true),
        ..COUNT
    },
    Indicator {
        name: "kvk_risico_per_1000_inwoners",
        label: "KvK-vestigingen in risicosectoren per 1.000 inwoners",
        definition: "1.000 × actieve vestigingen in risicosectoren / inwoners.",
        unit: "per 1.000 inwoners",
        source: "kvk",
        count: Some("kvk_risico_actief"),
        denominator: Some(Denominator {
            column: "inwoners_kvk",
            of: "inwoners",
        }),
        scale: 1000.0,
        evaluation: stand(6),
        structural: Some("KvK-risicosectoren"),
        ..RATIO
    },
    Indicator {
        name: "signalen_totaal",
        label: "Signalen",
        definition: "Signalen van mensenhandel in de periode (alle vormen). Meer signalen betekent vaak dat er beter gezocht wordt: een telling van kijken, niet alleen van risico.",
        ..SIGNALS
    },
    Indicator {
        name: "signalen_seksueel",
        label: "Signalen seksuele uitbuiting",
        definition: "Signalen van seksuele uitbuiting in de periode.",
        evaluation: signalering(2),
        ..SIGNALS
    },
    Indicator {
        name: "signalen_crimineel",
        label: "Signalen criminele uitbuiting",
        definition: "Signalen van criminele uitbuiting in de periode.",
        evaluation: signalering(4),
        ..SIGNALS
    },
    Indicator {
        name: "signalen_arbeid",
        label: "Signalen arbeidsuitbuiting",
        definition: "Signalen van arbeidsuitbuiting in de periode.",
        evaluation: signalering(3),
        ..SIGNALS
    },
    Indicator {
        name: "signalen_crimineel_seksueel",
        label: "Signalen criminele en seksuele uitbuiting",
        definition: "Signalen van uitbuiting die zowel crimineel als seksueel is (vorm crimineel_seksueel) in de periode.",
        evaluation: signalering(5),
        ..SIGNALS
    },
    Indicator {
        name: "signalen_overig",
        label: "Signalen overige vormen",
        definition: "Signalen van overige of onbekende vormen (orgaanhandel, overig, onbekend) in de periode.",
        evaluation: signalering(6),
        ..SIGNALS
    },
    Indicator {
        name: "signalen_per_10000_inwoners",
        label: "Signalen per 10.000 inwoners",
        definition: "10.000 × signalen / inwoners. Meer signalen betekent vaak dat er beter gezocht wordt.",
        unit: "per 10.000 inwoners",
        source: "signalen",
        count: Some("signalen_totaal"),
        denominator: Some(Denominator {
            column: "inwoners_signalen",
            of: "inwoners",
        }),
        scale: 10000.0,
        levels: GEMEENTE_UP,
        // Signals measure looking as much as exploitation (a haaldelict): the score is
        // structural by default, and a gemeente that wants them in sets a weight.
        score_weight: Some(0.0),
        ..RATIO
    },
    Indicator {
        name: "risicoscore",
        label: "Risicoscore",
        definition: "Gewogen gemiddelde van de z-scores van de verhoudingen met een gewicht (standaard leegstand, RNI, verborgen bewoning en KvK-risicosectoren) binnen niveau en periode, op de gladgemaakte cijfers zodat een klein gebied niet door toeval bovenaan komt. Signalen tellen niet mee: meer signalen betekent vaak dat er beter gezocht wordt. Een patroon om nader te bekijken, geen bewijs.",
        unit: "score",
        source: "alle bronnen",
        kind: Kind::Score,
        higher_is_worse: Some(true),
        ..COUNT
    },
];

/// The indicator of this name.
pub fn indicator(name: &str) -> Option<&'static Indicator> {
    INDICATORS.iter().find(|i| i.name == name)
}

/// The proportions and rates, in registry order.
pub fn ratios() -> impl Iterator<Item = &'static Indicator> {
    INDICATORS.iter().filter(|i| i.kind.is_ratio())
}

/// The person counts (sensitive), in registry order.
pub fn person_counts() -> impl Iterator<Item = &'static Indicator> {
    INDICATORS.iter().filter(|i| i.person_count)
}

/// The indicators the risk score can weigh, with their default weights.
pub fn score_indicators() -> impl Iterator<Item = (&'static str, f64)> {
    INDICATORS
        .iter()
        .filter_map(|i| i.score_weight.map(|w| (i.name, w)))
}

/// The indicators of `trends`.
pub fn trend_indicators() -> impl Iterator<Item = &'static Indicator> {
    INDICATORS.iter().filter(|i| i.in_trends)
}

/// The ratios whose count is a person count, with that count: a ratio that is null where its
/// count is hidden.
pub fn derived_from_person_counts() -> impl Iterator<Item = (&'static str, &'static str)> {
    ratios().filter_map(|r| {
        let count = r.count?;
        indicator(count)
            .is_some_and(|c| c.person_count)
            .then_some((count, r.name))
    })
}

/// The statistics columns a ratio `r` adds to `gebied_indicatoren` (statistics.md).
pub const RATIO_COLUMNS: [&str; 4] = ["_ci_laag", "_ci_hoog", "_vergelijking", "_gladgemaakt"];

/// The registry as the Markdown table in `docs/outputs.md` (between its `indicatoren` markers;
/// a test keeps the two equal).
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| column | label | kind | unit | count / denominator | person count | definition |\n|---|---|---|---|---|---|---|\n",
    );
    for i in &INDICATORS {
        let made_of = match (i.count, i.denominator) {
            (Some(count), Some(d)) => format!("{} × `{count}` / `{}`", i.scale, d.column),
            _ => String::new(),
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {made_of} | {} | {} |\n",
            i.name,
            i.label,
            i.kind.name(),
            i.unit,
            if i.person_count { "ja" } else { "nee" },
            i.definition
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ratio_names_a_registered_count_and_a_scale() {
        for r in ratios() {
            let count = r.count.expect("a ratio has a count");
            assert!(indicator(count).is_some(), "{}: count {count}", r.name);
            assert!(r.denominator.is_some() && r.scale >= 1.0, "{}", r.name);
        }
        for i in INDICATORS.iter().filter(|i| !i.kind.is_ratio()) {
            assert!(i.count.is_none() && i.denominator.is_none(), "{}", i.name);
        }
    }

    #[test]
    fn names_are_unique_and_levels_known() {
        for i in &INDICATORS {
            assert_eq!(INDICATORS.iter().filter(|j| j.name == i.name).count(), 1);
            assert!(i.levels.iter().all(|l| NIVEAUS.contains(l)), "{}", i.name);
            assert!(
                !i.label.is_empty() && !i.definition.is_empty(),
                "{}",
                i.name
            );
        }
        for part in ["risicobeeld", "signalering"] {
            let mut positions: Vec<u8> = INDICATORS
                .iter()
                .filter_map(|i| i.evaluation.filter(|e| e.part == part))
                .map(|e| e.position)
                .collect();
            positions.sort_unstable();
            positions.dedup();
            let rows = INDICATORS
                .iter()
                .filter(|i| i.evaluation.is_some_and(|e| e.part == part))
                .count();
            assert_eq!(positions.len(), rows, "{part}: each position once");
        }
    }

    #[test]
    fn the_rates_of_person_counts_are_known() {
        let derived: Vec<(&str, &str)> = derived_from_person_counts().collect();
        assert_eq!(
            derived,
            [
                ("rni_adressen_meervoudig", "rni_meervoudig_per_1000_vbo"),
                ("rni_ingeschrevenen", "rni_per_1000_inwoners"),
                ("verborgen_bewoning", "verborgen_per_1000_vbo"),
                ("signalen_totaal", "signalen_per_10000_inwoners"),
            ]
        );
    }
}
