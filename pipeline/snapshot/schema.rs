//! What every published column is: a code, a name, a date, a flag, a count of persons, another
//! count, a measure, text from an input file. The server's check of an `openbaar/` table reads
//! each column by what it is here, never by its storage type: a person count in Int32 is still a
//! person count, and a column this contract does not know is refused (fail closed).

use crate::indicators::{self, INDICATORS, Kind, RATIO_COLUMNS};

/// What a published column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// A code or word the pipeline writes from its own vocabulary or from the areas' codes
    /// (levels, area codes, periods, rules, forms, sectors, comparison words).
    Code,
    /// The name of a published area (from the boundaries, which are public).
    Name,
    /// Text the pipeline writes from its code or config: labels, descriptions, units.
    Label,
    Date,
    Flag,
    /// A count of persons: in `openbaar/` never from 1 to `min_count − 1`, and carrying its
    /// disclosure flag (`flag_name`).
    PersonCount,
    /// A count that is a count of persons only in the rows `PersonRows` of its table picks
    /// (`trends.waarde` of `rni_ingeschrevenen`; `evaluatie.waarde` where `persoonsaantal`).
    PersonCountInRows,
    /// The difference or change between two of this row's values: null where either is null
    /// (a hidden count makes no difference).
    DifferenceOf(&'static str, &'static str),
    /// A count of something else: objects, vestigingen, inhabitants, rows, a rank, a year.
    Count,
    /// A number that is not a count: a rate, share, score, bound, weight, p-value.
    Measure,
    /// A rate or statistic made from the person count it names: null wherever that count is
    /// hidden.
    DerivedFrom(&'static str),
    /// Several measures in one struct (`risico_bijdragen`).
    Measures,
    /// Text copied from an input file (file names, example values): for analysts only, never
    /// in `openbaar/`.
    InputText,
    /// Text of the drop written to be published: the plan's actions and the evaluation's
    /// findings (`acties`, `bevindingen`). The personal-data guard read every cell and line of it
    /// (BSN, e-mail, phone stop the run); public like the evaluation it belongs to.
    PolicyText,
}

/// How the rows of a table with `PersonCountInRows` columns are picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonRows {
    /// Rows whose `indicator` is a person count of the registry (`trends`).
    IndicatorIsPersonCount,
    /// Rows whose `persoonsaantal` is not false (`evaluatie`).
    MarkedPersoonsaantal,
}

/// The rows of `table` in which `PersonCountInRows` columns count persons.
pub fn person_rows(table: &str) -> Option<PersonRows> {
    match table {
        "trends" => Some(PersonRows::IndicatorIsPersonCount),
        "evaluatie" => Some(PersonRows::MarkedPersoonsaantal),
        _ => None,
    }
}

/// Columns every area table shares.
fn area_column(column: &str) -> Option<ColumnKind> {
    use ColumnKind::*;
    Some(match column {
        "niveau" | "gebiedscode" | "gemeentecode" | "district_code" | "regio_code" | "periode" => {
            Code
        }
        "gebiedsnaam" => Name,
        "periode_start" | "periode_eind" => Date,
        _ => return None,
    })
}

/// A disclosure flag (`<column>_onderdrukt`, `<column>_afgeschermd`).
fn is_flag(column: &str) -> bool {
    column.ends_with("_onderdrukt") || column.ends_with("_afgeschermd")
}

fn gebied_indicatoren(column: &str) -> Option<ColumnKind> {
    use ColumnKind::*;
    if let Some(kind) = area_column(column) {
        return Some(kind);
    }
    if let Some(i) = indicators::indicator(column) {
        return Some(match i.kind {
            Kind::Count if i.person_count => PersonCount,
            Kind::Count => Count,
            Kind::Score => Measure,
            Kind::Proportion | Kind::Rate => ratio_kind(i.count),
        });
    }
    for suffix in RATIO_COLUMNS {
        if let Some(rate) = column.strip_suffix(suffix)
            && let Some(r) = indicators::indicator(rate).filter(|r| r.kind.is_ratio())
        {
            // A comparison word is text; of a person count's rate it is derived all the same.
            return Some(match (suffix, ratio_kind(r.count)) {
                ("_vergelijking", Measure) => Code,
                (_, kind) => kind,
            });
        }
    }
    Some(match column {
        "risicorang" => Count,
        "risico_bijdragen" => Measures,
        // Judged on the signal rate's comparison: null wherever the signal count is hidden.
        "blinde_vlek" | "blinde_vlek_reden" => DerivedFrom("signalen_totaal"),
        c if c.starts_with("bron_") => Flag,
        c if is_flag(c) => Flag,
        _ => return None,
    })
}

/// A ratio: derived from its count when that count is a person count.
fn ratio_kind(count: Option<&str>) -> ColumnKind {
    match count.and_then(indicators::indicator) {
        Some(c) if c.person_count => ColumnKind::DerivedFrom(c.name),
        _ => ColumnKind::Measure,
    }
}

fn trends(column: &str) -> Option<ColumnKind> {
    use ColumnKind::*;
    Some(match column {
        "niveau" | "gebiedscode" | "indicator" | "periode" => Code,
        "waarde" | "vorige_periode" | "vorig_jaar" => PersonCountInRows,
        "verschil_vorige_periode" => DifferenceOf("waarde", "vorige_periode"),
        "verschil_vorig_jaar_pct" => DifferenceOf("waarde", "vorig_jaar"),
        "gemiddelde_4_perioden" | "regio_gemiddelde" | "z_score" | "p_vorig_jaar" => Measure,
        "opvallend" => Flag,
        // `openbaar/trends` marks a value hidden with its count (`waarde_onderdrukt`).
        c if is_flag(c) => Flag,
        _ => return None,
    })
}

fn evaluatie(column: &str) -> Option<ColumnKind> {
    use ColumnKind::*;
    if let Some(kind) = area_column(column) {
        return Some(kind);
    }
    Some(match column {
        "periodesoort" | "onderdeel" | "indicator" | "peilperiode" | "bron_kolom" => Code,
        "doel_richting" => Code,
        // A goal is policy, not a count of persons; whether it was reached is read from the
        // value, and hidden with it.
        "doel" => Measure,
        "doel_bereikt" => DerivedFrom("waarde"),
        "onderdeel_titel" | "omschrijving" | "eenheid" => Label,
        "jaar" | "nulmeting_jaar" | "onderdeel_volgorde" | "indicator_volgorde" => Count,
        "persoonsaantal" => Flag,
        "waarde" | "nulmeting" | "vorig_jaar" => PersonCountInRows,
        "verschil_nulmeting" | "verschil_nulmeting_pct" => DifferenceOf("waarde", "nulmeting"),
        "verschil_vorig_jaar" | "verschil_vorig_jaar_pct" => DifferenceOf("waarde", "vorig_jaar"),
        // The test of the change: null wherever either count is hidden.
        "p_vorig_jaar" | "opvallend" => DifferenceOf("waarde", "vorig_jaar"),
        c if is_flag(c) => Flag,
        _ => return None,
    })
}

/// The kind of `column` of the published table `table` (`None`: the contract does not know it).
pub fn column_kind(table: &str, column: &str) -> Option<ColumnKind> {
    use ColumnKind::*;
    match table {
        "gebied_indicatoren" => gebied_indicatoren(column),
        "trends" => trends(column),
        "evaluatie" => evaluatie(column),
        "kvk_sectoren" => match column {
            "sector" => Some(Code),
            "actief" | "nieuw" | "opgeheven" | "kortlevend" => Some(Count),
            c => area_column(c),
        },
        "signalen_fasen" => match column {
            "gebiedscode" | "periode" | "vorm" => Some(Code),
            "fase" => Some(Count),
            "aantal" | "bereikt" => Some(PersonCount),
            c if is_flag(c) => Some(Flag),
            _ => None,
        },
        "signalen_bronnen" => match column {
            "niveau" | "gebiedscode" | "periode" | "periodesoort" | "bron" => Some(Code),
            "bron_omschrijving" => Some(Label),
            "aantal" => Some(PersonCount),
            c if is_flag(c) => Some(Flag),
            _ => None,
        },
        "slachtoffers" => match column {
            "niveau" | "gebiedscode" | "dimensie" | "waarde" | "district" => Some(Code),
            "dimensie_omschrijving" | "waarde_omschrijving" => Some(Label),
            "jaar" | "volgorde" | "gemeenten_geleverd" | "gemeenten" => Some(Count),
            "aantal" => Some(PersonCount),
            c if is_flag(c) => Some(Flag),
            _ => None,
        },
        "onderdelen" => match column {
            "onderdeel" => Some(Code),
            "onderdeel_titel" | "onderdeel_omschrijving" => Some(Label),
            "onderdeel_volgorde" => Some(Count),
            _ => None,
        },
        "acties" | "bevindingen" => match column {
            "onderdeel" | "status" | "district" => Some(Code),
            "onderdeel_titel" | "status_omschrijving" => Some(Label),
            "jaar" | "onderdeel_volgorde" | "volgorde" | "status_volgorde" => Some(Count),
            "actie" | "toelichting" | "tekst" => Some(PolicyText),
            c => area_column(c),
        },
        "kwaliteit" => match column {
            "bron" | "regel" | "ernst" | "gemeentecode" => Some(Code),
            "aantal" => Some(Count),
            "laatste_peildatum" => Some(Date),
            "bestand" | "voorbeelden" => Some(InputText),
            _ => None,
        },
        "indicatoren" => match column {
            "indicator" | "soort" | "niveaus" | "bron" => Some(Code),
            "label" | "kop" | "definitie" | "eenheid" => Some(Label),
            "telling" | "noemer" => Some(Code),
            "schaal" | "score_gewicht" => Some(Measure),
            "persoonsaantal" | "hoger_is_slechter" | "in_trends" => Some(Flag),
            "volgorde" => Some(Count),
            _ => None,
        },
        _ => None,
    }
}

/// Every indicator of the registry that `trends` rows count persons for.
pub fn person_count_indicators() -> Vec<&'static str> {
    INDICATORS
        .iter()
        .filter(|i| i.person_count && i.in_trends)
        .map(|i| i.name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_decides_what_a_gebied_column_is() {
        use crate::indicators::{derived_from_person_counts, ratios};
        assert_eq!(
            column_kind("gebied_indicatoren", "rni_ingeschrevenen"),
            Some(ColumnKind::PersonCount)
        );
        // A person count's ratio and each of its statistics are made from that count.
        for (count, ratio) in derived_from_person_counts() {
            for suffix in ["", "_ci_hoog", "_gladgemaakt", "_vergelijking"] {
                assert_eq!(
                    column_kind("gebied_indicatoren", &format!("{ratio}{suffix}")),
                    Some(ColumnKind::DerivedFrom(count)),
                    "{ratio}{suffix}"
                );
            }
        }
        // Another ratio is a measure, its comparison a word.
        let other = ratios()
            .find(|r| !derived_from_person_counts().any(|(_, d)| d == r.name))
            .expect("a ratio of a count that is not of persons");
        let kind =
            |suffix: &str| column_kind("gebied_indicatoren", &format!("{}{suffix}", other.name));
        assert_eq!(kind("_gladgemaakt"), Some(ColumnKind::Measure));
        assert_eq!(kind("_vergelijking"), Some(ColumnKind::Code));
        assert_eq!(column_kind("gebied_indicatoren", "adres"), None);
        assert_eq!(
            column_kind("kwaliteit", "voorbeelden"),
            Some(ColumnKind::InputText)
        );
        assert_eq!(column_kind("onbekend", "waarde"), None);
    }
}
