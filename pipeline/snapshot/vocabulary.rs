//! The published vocabulary: the area levels in the `niveau` column, and the five phases of the
//! signal process with the evaluation indicators that count them. The pipeline writes these
//! values (its SQL reads them from `stg_fasen`), the server reads and labels them.

/// The area levels, from the smallest up: the values of every table's `niveau` column.
pub const NIVEAUS: [&str; 5] = ["buurt", "wijk", "gemeente", "district", "regio"];

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
