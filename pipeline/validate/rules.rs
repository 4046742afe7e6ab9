//! The rules of the quality report: each rule's code (the `regel` column of `kwaliteit`), what it
//! means in Dutch, and how bad a finding under it is. The one list of rules: findings, the
//! `kwaliteit` table and the README's lists (checked by a test) all come from it.

use super::report::Severity;

/// A rule of the quality report (inputs.md §1). Rules sort by their code, as the report lists
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    // Errors: the run stops and publishes nothing.
    OnleesbaarBestand,
    BestandOntbreekt,
    KolomOntbreekt,
    OnbekendeKolom,
    DubbeleKolom,
    Persoonsgegevens,
    KolomType,
    DubbeleSleutel,
    OngeldigeCode,
    SbiVersieZonderIndeling,
    HerindelingKring,
    Projectie,
    TeVeelQuarantaine,
    // Quarantine: the row is left out, counted and listed.
    OnleesbareWaarde,
    WaardeOntbreekt,
    NegatiefAantal,
    OnmogelijkeWaarde,
    OnbekendeWaarde,
    OnbekendGebied,
    DatumBuitenVenster,
    AdresOnbekend,
    GeenLocatie,
    GrainTeGrof,
    TeLangeTekst,
    // Information: nothing is left out.
    ObjectNiveauWint,
    RijenGelezen,
    LaatstePeildatum,
}

impl Rule {
    pub const ALL: [Rule; 27] = [
        Rule::OnleesbaarBestand,
        Rule::BestandOntbreekt,
        Rule::KolomOntbreekt,
        Rule::OnbekendeKolom,
        Rule::DubbeleKolom,
        Rule::Persoonsgegevens,
        Rule::KolomType,
        Rule::DubbeleSleutel,
        Rule::OngeldigeCode,
        Rule::SbiVersieZonderIndeling,
        Rule::HerindelingKring,
        Rule::Projectie,
        Rule::TeVeelQuarantaine,
        Rule::OnleesbareWaarde,
        Rule::WaardeOntbreekt,
        Rule::NegatiefAantal,
        Rule::OnmogelijkeWaarde,
        Rule::OnbekendeWaarde,
        Rule::OnbekendGebied,
        Rule::DatumBuitenVenster,
        Rule::AdresOnbekend,
        Rule::GeenLocatie,
        Rule::GrainTeGrof,
        Rule::TeLangeTekst,
        Rule::ObjectNiveauWint,
        Rule::RijenGelezen,
        Rule::LaatstePeildatum,
    ];

    /// The rule's code, as it stands in the `regel` column of `kwaliteit` and in messages.
    pub fn code(self) -> &'static str {
        self.definition().0
    }

    /// How bad a finding under this rule is.
    pub fn severity(self) -> Severity {
        self.definition().1
    }

    /// What the rule means, in Dutch, for the report's reader.
    pub fn beschrijving(self) -> &'static str {
        self.definition().2
    }

    fn definition(self) -> (&'static str, Severity, &'static str) {
        use Severity::{Error, Info, Quarantine};
        match self {
            Rule::OnleesbaarBestand => (
                "onleesbaar_bestand",
                Error,
                "het bestand is niet te lezen (geen geldige CSV, Parquet of GeoJSON)",
            ),
            Rule::BestandOntbreekt => (
                "bestand_ontbreekt",
                Error,
                "een verplichte invoer ontbreekt",
            ),
            Rule::KolomOntbreekt => ("kolom_ontbreekt", Error, "een verplichte kolom ontbreekt"),
            Rule::OnbekendeKolom => (
                "onbekende_kolom",
                Error,
                "een kolom die het contract niet kent (bescherming tegen persoonsgegevens)",
            ),
            Rule::DubbeleKolom => (
                "dubbele_kolom",
                Error,
                "een kolom staat twee keer in de kop",
            ),
            Rule::Persoonsgegevens => (
                "persoonsgegevens",
                Error,
                "een signalenbestand bevat iets dat op een persoon wijst (BSN, e-mailadres, telefoonnummer)",
            ),
            Rule::KolomType => (
                "kolom_type",
                Error,
                "geen enkele waarde in de kolom heeft het gevraagde type",
            ),
            Rule::DubbeleSleutel => (
                "dubbele_sleutel",
                Error,
                "dezelfde sleutel staat twee keer in de invoer",
            ),
            Rule::OngeldigeCode => (
                "ongeldige_code",
                Error,
                "een district- of regiocode is niet 1–32 letters, cijfers, - of _",
            ),
            Rule::SbiVersieZonderIndeling => (
                "sbi_versie_zonder_indeling",
                Error,
                "een SBI-versie waarvoor de configuratie geen sectorindeling heeft",
            ),
            Rule::HerindelingKring => (
                "herindeling_kring",
                Error,
                "de herindelingen vormen een kring",
            ),
            Rule::Projectie => (
                "projectie",
                Error,
                "de gebiedsgrenzen staan niet in RD New of WGS84",
            ),
            Rule::TeVeelQuarantaine => (
                "te_veel_quarantaine",
                Error,
                "meer rijen in quarantaine dan max_quarantine_ratio toestaat",
            ),
            Rule::OnleesbareWaarde => (
                "onleesbare_waarde",
                Quarantine,
                "een waarde heeft niet het gevraagde type",
            ),
            Rule::WaardeOntbreekt => (
                "waarde_ontbreekt",
                Quarantine,
                "een verplichte waarde is leeg",
            ),
            Rule::NegatiefAantal => ("negatief_aantal", Quarantine, "een aantal is negatief"),
            Rule::TeLangeTekst => (
                "te_lange_tekst",
                Quarantine,
                "een vrije tekst is langer dan toegestaan (een actie of toelichting: 1.000 tekens; een bevindingenbestand: 20.000)",
            ),
            Rule::OnmogelijkeWaarde => (
                "onmogelijke_waarde",
                Quarantine,
                "een waarde kan niet kloppen (bijvoorbeeld meer leeg dan er zijn)",
            ),
            Rule::OnbekendeWaarde => (
                "onbekende_waarde",
                Quarantine,
                "een waarde buiten de toegestane lijst",
            ),
            Rule::OnbekendGebied => (
                "onbekend_gebied",
                Quarantine,
                "een gebiedscode die in de gebiedsgrenzen niet voorkomt",
            ),
            Rule::DatumBuitenVenster => (
                "datum_buiten_venster",
                Quarantine,
                "een datum buiten het toegestane venster",
            ),
            Rule::AdresOnbekend => (
                "adres_onbekend",
                Quarantine,
                "een adres dat niet in de verblijfsobjecten voorkomt",
            ),
            Rule::GeenLocatie => (
                "geen_locatie",
                Quarantine,
                "een rij zonder locatie: geen coördinaat, adres of gebiedscode",
            ),
            Rule::GrainTeGrof => (
                "grain_te_grof",
                Quarantine,
                "een rij op een grover gebiedsniveau dan de run vraagt",
            ),
            Rule::ObjectNiveauWint => (
                "object_niveau_wint",
                Info,
                "voor dit gebied en deze peildatum zijn er gegevens per object; de opgetelde rij wordt niet gebruikt",
            ),
            Rule::RijenGelezen => (
                "rijen_gelezen",
                Info,
                "het aantal gelezen rijen van een bestand",
            ),
            Rule::LaatstePeildatum => (
                "laatste_peildatum",
                Info,
                "de laatste peildatum die een bron per gemeente leverde",
            ),
        }
    }
}

impl Ord for Rule {
    fn cmp(&self, other: &Rule) -> std::cmp::Ordering {
        self.code().cmp(other.code())
    }
}

impl PartialOrd for Rule {
    fn partial_cmp(&self, other: &Rule) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_listed_once_with_its_own_code() {
        let mut codes: Vec<&str> = Rule::ALL.iter().map(|r| r.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Rule::ALL.len());
        for rule in Rule::ALL {
            assert!(
                rule.code()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_'),
                "{rule:?}"
            );
            assert!(!rule.beschrijving().is_empty(), "{rule:?}");
        }
    }

    /// The freshness rows of `kwaliteit` are made in SQL: with this rule's code and severity.
    #[test]
    fn the_sql_writes_the_freshness_rule_by_its_code() {
        let sql = include_str!("../../queries/kwaliteit.sql");
        let rule = Rule::LaatstePeildatum;
        let literal = format!("'{}', '{}'", rule.code(), rule.severity().name());
        assert!(sql.contains(&literal), "kwaliteit.sql lacks {literal}");
    }

    /// The README names every rule under the severity it has, and no rule that does not exist.
    #[test]
    fn the_readme_lists_the_rules_by_severity() {
        let readme = include_str!("../../README.md");
        let section = |from: &str, to: &str| -> Vec<String> {
            let start = readme
                .find(from)
                .unwrap_or_else(|| panic!("README: {from}"));
            let end = start
                + readme[start..]
                    .find(to)
                    .unwrap_or_else(|| panic!("README: {to}"));
            readme[start..end]
                .split('`')
                .skip(1)
                .step_by(2)
                .filter(|w| {
                    w.chars().any(|c| c.is_ascii_lowercase())
                        && w.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                })
                .map(str::to_string)
                .collect()
        };
        let codes = |severity: Severity| -> Vec<String> {
            let mut c: Vec<String> = Rule::ALL
                .iter()
                .filter(|r| r.severity() == severity)
                .map(|r| r.code().to_string())
                .collect();
            c.sort();
            c
        };
        let sorted = |mut v: Vec<String>| {
            v.sort();
            v
        };
        assert_eq!(
            sorted(section(
                "an **error** stops the run",
                "A **quarantined** row"
            )),
            codes(Severity::Error)
        );
        assert_eq!(
            sorted(section("A **quarantined** row", "**Information**")),
            codes(Severity::Quarantine)
        );
        assert_eq!(
            sorted(section("**Information**", "the summary per file")),
            codes(Severity::Info)
        );
    }
}
