//! The published vocabulary, one list each: the area levels in the `niveau` column, the signal
//! forms and the gebied_indicatoren column each counts in, the sources of a signal, the five
//! phases of the signal process with the evaluation indicators that count them, and the parts
//! of the yearly evaluation. The pipeline validates and writes these values (its SQL reads them
//! from `stg_vormen`, `stg_fasen`, `stg_onderdelen`), the server reads and labels them, and
//! `risicobeeld vocabulary` prints them for the benchmark's peers. (The indicators are in
//! `indicators.rs`.)

/// The area levels, from the smallest up: the values of every table's `niveau` column.
pub const NIVEAUS: [&str; 5] = ["buurt", "wijk", "gemeente", "district", "regio"];

/// The first element of each pair: the names of a vocabulary that is defined as one list of
/// `(name, what goes with it)`.
pub const fn names_of<T, const N: usize>(pairs: &[(&'static str, T); N]) -> [&'static str; N] {
    let mut names = [""; N];
    let mut i = 0;
    while i < N {
        names[i] = pairs[i].0;
        i += 1;
    }
    names
}

/// The names of a vocabulary given as a slice of `(name, label)`.
pub fn names_of_slice(pairs: &[(&'static str, &'static str)]) -> Vec<&'static str> {
    pairs.iter().map(|(name, _)| *name).collect()
}

/// The sources (reporting routes) a signal may come from (`signalen.bron`, inputs.md §7), with
/// the name a page gives them: the partners that report victim notifications (SHOP, CoMensha,
/// FairWork, the labour inspectorate) say so in their name, as the seeds report them apart.
pub const SIGNAALBRONNEN: [(&str, &str); 12] = [
    ("intern", "Eigen organisatie (intern)"),
    ("extern", "Andere organisatie (extern)"),
    ("website", "Meldformulier op de website"),
    ("mma", "Meld Misdaad Anoniem"),
    ("politie", "Politie"),
    ("shop", "SHOP (slachtoffermelding)"),
    ("comensha", "CoMensha (slachtoffermelding)"),
    ("fairwork", "FairWork (slachtoffermelding)"),
    ("nla", "Nederlandse Arbeidsinspectie (slachtoffermelding)"),
    ("heit", "HEIT-controle"),
    ("riec", "RIEC"),
    ("overig", "Overig"),
];

/// The names of the sources, in `SIGNAALBRONNEN` order.
pub const BRONNEN: [&str; 12] = names_of(&SIGNAALBRONNEN);

/// The signal forms (inputs.md) and the `gebied_indicatoren` column each one counts in: the
/// three main forms and criminal-with-sexual exploitation (which the seeds report as a row of
/// its own) have a column of their own, the others count in `signalen_overig`
/// (outputs.md §2). The SQL groups by it (`stg_vormen.kolom` in `int_signalen`), and disclosure
/// control's relations `signalen_<vorm> = Σ forms` come from it.
pub const SIGNAALVORMEN: [(&str, &str); 7] = [
    ("seksueel", "signalen_seksueel"),
    ("crimineel", "signalen_crimineel"),
    ("arbeid", "signalen_arbeid"),
    ("crimineel_seksueel", "signalen_crimineel_seksueel"),
    ("orgaan", "signalen_overig"),
    ("overig", "signalen_overig"),
    ("onbekend", "signalen_overig"),
];

/// The names of the signal forms, in `SIGNAALVORMEN` order.
pub const VORMEN: [&str; 7] = names_of(&SIGNAALVORMEN);

/// The `gebied_indicatoren` columns that count signals by form, in `SIGNAALVORMEN` order.
pub fn signal_form_columns() -> Vec<&'static str> {
    let mut columns: Vec<&str> = Vec::new();
    for (_, kolom) in SIGNAALVORMEN {
        if !columns.contains(&kolom) {
            columns.push(kolom);
        }
    }
    columns
}

/// The forms that count in the `gebied_indicatoren` column `kolom`.
pub fn vormen_in(kolom: &str) -> Vec<&'static str> {
    SIGNAALVORMEN
        .iter()
        .filter(|(_, k)| *k == kolom)
        .map(|(v, _)| *v)
        .collect()
}

/// How a page names each signal form (and a victim's form of exploitation), in `VORMEN` order.
pub const VORM_OMSCHRIJVINGEN: [(&str, &str); 7] = [
    ("seksueel", "Seksuele uitbuiting"),
    ("crimineel", "Criminele uitbuiting"),
    ("arbeid", "Arbeidsuitbuiting"),
    ("crimineel_seksueel", "Criminele en seksuele uitbuiting"),
    ("orgaan", "Orgaanverwijdering"),
    ("overig", "Overig"),
    ("onbekend", "Onbekend"),
];

/// Who reported a victim (`slachtoffers.bron`, inputs.md §9), with the name a page gives them.
pub const SLACHTOFFERBRONNEN: [(&str, &str); 7] = [
    ("shop", "SHOP"),
    ("comensha", "CoMensha"),
    ("fairwork", "FairWork"),
    ("nla", "Nederlandse Arbeidsinspectie"),
    ("politie", "Politie"),
    ("veilig_thuis", "Veilig Thuis"),
    ("overig", "Overig"),
];

/// A victim's age class (`slachtoffers.leeftijdsklasse`); `0-17` is "minderjarig".
pub const LEEFTIJDSKLASSEN: [(&str, &str); 5] = [
    ("0-17", "0–17 jaar (minderjarig)"),
    ("18-22", "18–22 jaar"),
    ("23-29", "23–29 jaar"),
    ("30+", "30 jaar en ouder"),
    ("onbekend", "Onbekend"),
];

/// A victim's gender (`slachtoffers.geslacht`).
pub const GESLACHTEN: [(&str, &str); 4] = [
    ("vrouw", "Vrouw"),
    ("man", "Man"),
    ("anders", "Anders"),
    ("onbekend", "Onbekend"),
];

/// One one-way breakdown of the table `slachtoffers`.
#[derive(Debug, Clone, Copy)]
pub struct Dimensie {
    /// The `dimensie` value (the input's column for a breakdown).
    pub naam: &'static str,
    /// How a page names the breakdown.
    pub omschrijving: &'static str,
    /// Its categories (the `waarde` values) and their names, in the report's order.
    pub waarden: &'static [(&'static str, &'static str)],
}

/// The one-way breakdowns of the table `slachtoffers` (outputs.md §2): the total (one category
/// `totaal`), then by source, form, age class and gender. Never the cross-table, which would be
/// mostly ones and twos.
pub const SLACHTOFFERDIMENSIES: [Dimensie; 5] = [
    Dimensie {
        naam: "totaal",
        omschrijving: "Totaal",
        waarden: &[("totaal", "Alle slachtoffers")],
    },
    Dimensie {
        naam: "bron",
        omschrijving: "Gemeld door",
        waarden: &SLACHTOFFERBRONNEN,
    },
    Dimensie {
        naam: "vorm",
        omschrijving: "Vorm van uitbuiting",
        waarden: &VORM_OMSCHRIJVINGEN,
    },
    Dimensie {
        naam: "leeftijdsklasse",
        omschrijving: "Leeftijd",
        waarden: &LEEFTIJDSKLASSEN,
    },
    Dimensie {
        naam: "geslacht",
        omschrijving: "Geslacht",
        waarden: &GESLACHTEN,
    },
];

/// The status of an action of the plan of approach (`acties.csv`), in the order a plan runs:
/// (code, how a page names it).
pub const ACTIESTATUSSEN: [(&str, &str); 4] = [
    ("gepland", "Gepland"),
    ("lopend", "Lopend"),
    ("afgerond", "Afgerond"),
    ("vervallen", "Vervallen"),
];

/// Which way a goal of the evaluation points (`doelen.csv`): (code, meaning).
pub const DOELRICHTINGEN: [(&str, &str); 2] = [
    ("minimaal", "ten minste het doel"),
    ("maximaal", "ten hoogste het doel"),
];

/// The evaluation's last part: the risk picture at the period's end beside the efforts.
pub const RISICOBEELD_ONDERDEEL: (&str, &str) =
    ("risicobeeld", "Risicobeeld aan het eind van de periode");

/// A phase of the signal process (inputs.md §5, outputs.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fase {
    /// 1–5: the `fase` column of `signalen_fasen` and of the inputs.
    pub nummer: u8,
    /// The name an input may give instead of the number.
    pub code: &'static str,
    /// The name on a page.
    pub naam: &'static str,
    /// The `evaluatie` indicator of the signals that reached at least this phase.
    pub indicator: &'static str,
    /// That indicator's description in `evaluatie`.
    pub omschrijving: &'static str,
}

/// The five phases, in order. A signal that reached a phase reached every phase before it, so
/// phase 1's indicator is all signals.
pub const FASEN: [Fase; 5] = [
    Fase {
        nummer: 1,
        code: "ontvangst",
        naam: "ontvangst",
        indicator: "signalen_totaal",
        omschrijving: "Signalen ontvangen (fase 1)",
    },
    Fase {
        nummer: 2,
        code: "weging",
        naam: "weging",
        indicator: "signalen_bereikt_weging",
        omschrijving: "Signalen gewogen (fase 2)",
    },
    Fase {
        nummer: 3,
        code: "bronnenonderzoek",
        naam: "bronnenonderzoek",
        indicator: "signalen_bereikt_bronnenonderzoek",
        omschrijving: "Signalen met bronnenonderzoek (fase 3)",
    },
    Fase {
        nummer: 4,
        code: "plan_van_aanpak",
        naam: "plan van aanpak",
        indicator: "signalen_bereikt_plan_van_aanpak",
        omschrijving: "Signalen met plan van aanpak (fase 4)",
    },
    Fase {
        nummer: 5,
        code: "actie",
        naam: "actie",
        indicator: "signalen_bereikt_actie",
        omschrijving: "Signalen met actie (fase 5)",
    },
];

/// The phase a `fase` value names: its number (`"2"`) or its evaluation indicator
/// (`"signalen_bereikt_weging"`).
pub fn fase(value: &str) -> Option<&'static Fase> {
    FASEN
        .iter()
        .find(|f| f.indicator == value || value.parse::<u8>().is_ok_and(|n| n == f.nummer))
}

/// Every vocabulary and the indicator registry as JSON (`risicobeeld vocabulary`): what a
/// program outside the pipeline — the benchmark's peers — reads instead of its own copies.
pub fn as_json() -> serde_json::Value {
    use crate::indicators::INDICATORS;
    serde_json::json!({
        "niveaus": NIVEAUS,
        "bronnen": BRONNEN,
        "vormen": SIGNAALVORMEN
            .iter()
            .map(|(vorm, kolom)| serde_json::json!({"vorm": vorm, "kolom": kolom}))
            .collect::<Vec<_>>(),
        "fasen": FASEN
            .iter()
            .map(|f| serde_json::json!({
                "fase": f.nummer, "code": f.code, "naam": f.naam, "indicator": f.indicator,
            }))
            .collect::<Vec<_>>(),
        "slachtofferdimensies": SLACHTOFFERDIMENSIES
            .iter()
            .map(|d| serde_json::json!({
                "dimensie": d.naam, "waarden": names_of_slice(d.waarden),
            }))
            .collect::<Vec<_>>(),
        "indicatoren": INDICATORS
            .iter()
            .map(|i| serde_json::json!({
                "indicator": i.name,
                "soort": i.kind.name(),
                "telling": i.count,
                "noemer": i.denominator.map(|d| d.column),
                "schaal": i.scale,
                "persoonsaantal": i.person_count,
                "score_gewicht": i.score_weight,
                "in_trends": i.in_trends,
            }))
            .collect::<Vec<_>>(),
    })
}

/// The evaluation periods complete at the end of a table period: the latest whole half-year and
/// the latest whole year (`2024-Q4` → `2024-H2`, `2024`; `2025-Q3` → `2025-H1`, `2024`;
/// `2025-02` → `2024-H2`, `2024`). What the college reads: it meets per half-year, not per
/// quarter.
pub fn complete_evaluation_periods(period: &str) -> Option<(String, String)> {
    let year: i32 = period.get(..4)?.parse().ok()?;
    let rest = period.get(4..)?;
    let last_month: u32 = if rest.is_empty() {
        12
    } else if let Some(q) = rest.strip_prefix("-Q") {
        q.parse::<u32>().ok().filter(|q| (1..=4).contains(q))? * 3
    } else {
        rest.strip_prefix('-')?
            .parse()
            .ok()
            .filter(|m| (1..=12).contains(m))?
    };
    Some(match last_month {
        12 => (format!("{year}-H2"), year.to_string()),
        6..=11 => (format!("{year}-H1"), (year - 1).to_string()),
        _ => (format!("{}-H2", year - 1), (year - 1).to_string()),
    })
}

/// The same period one year earlier: `2024-Q3` → `2023-Q3`, `2024-03` → `2023-03`, `2024` →
/// `2023`, `2024-H1` → `2023-H1`. Every published period label starts with its four-digit year;
/// anything else has no year before (`None`).
pub fn year_before(period: &str) -> Option<String> {
    let year: i32 = period.get(0..4)?.parse().ok()?;
    let rest = period.get(4..)?;
    Some(format!("{:04}{rest}", year - 1))
}

#[cfg(test)]
mod tests {

    #[test]
    fn every_form_has_a_name_on_a_page_and_a_victim_dimension_its_categories() {
        assert_eq!(names_of(&VORM_OMSCHRIJVINGEN), VORMEN);
        let vormen = SLACHTOFFERDIMENSIES
            .iter()
            .find(|d| d.naam == "vorm")
            .map(|d| names_of_slice(d.waarden));
        assert_eq!(vormen.as_deref(), Some(&VORMEN[..]));
    }

    use super::*;

    #[test]
    fn the_year_before_keeps_the_rest_of_the_label() {
        assert_eq!(year_before("2024-Q3").as_deref(), Some("2023-Q3"));
        assert_eq!(year_before("2024-03").as_deref(), Some("2023-03"));
        assert_eq!(year_before("2024").as_deref(), Some("2023"));
        assert_eq!(year_before("2024-H1").as_deref(), Some("2023-H1"));
        assert_eq!(year_before("é024-Q1"), None);
        assert_eq!(year_before("24"), None);
    }

    #[test]
    fn the_college_reads_the_latest_complete_half_year_and_year() {
        let pair = |h: &str, y: &str| Some((h.to_string(), y.to_string()));
        assert_eq!(
            complete_evaluation_periods("2024-Q4"),
            pair("2024-H2", "2024")
        );
        assert_eq!(
            complete_evaluation_periods("2024-Q3"),
            pair("2024-H1", "2023")
        );
        assert_eq!(
            complete_evaluation_periods("2024-Q2"),
            pair("2024-H1", "2023")
        );
        assert_eq!(
            complete_evaluation_periods("2025-Q1"),
            pair("2024-H2", "2024")
        );
        assert_eq!(
            complete_evaluation_periods("2025-05"),
            pair("2024-H2", "2024")
        );
        assert_eq!(
            complete_evaluation_periods("2025-06"),
            pair("2025-H1", "2024")
        );
        assert_eq!(complete_evaluation_periods("2024"), pair("2024-H2", "2024"));
        assert_eq!(complete_evaluation_periods("2024-Q5"), None);
        assert_eq!(complete_evaluation_periods("2024-13"), None);
        assert_eq!(complete_evaluation_periods("x"), None);
    }

    #[test]
    fn phases_are_numbered_in_order_and_named_once() {
        for (i, f) in FASEN.iter().enumerate() {
            assert_eq!(usize::from(f.nummer), i + 1);
            assert!(f.omschrijving.ends_with(&format!("(fase {})", f.nummer)));
            assert!(FASEN.iter().filter(|g| g.code == f.code).count() == 1);
            assert!(FASEN.iter().filter(|g| g.indicator == f.indicator).count() == 1);
        }
        assert_eq!(fase("4").map(|f| f.naam), Some("plan van aanpak"));
        assert_eq!(fase("signalen_bereikt_actie").map(|f| f.nummer), Some(5));
        assert_eq!(fase("signalen_totaal").map(|f| f.nummer), Some(1));
        assert!(fase("6").is_none() && fase("signalen_overig").is_none());
    }
}
