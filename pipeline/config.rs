//! Configuration: the TOML file of everything the spec calls configurable, with the documented
//! defaults. `Config::default()` is exactly what a run uses without `--config`.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use risicobeeld_snapshot::indicators::score_indicators;
use risicobeeld_snapshot::vocabulary::RISICOBEELD_ONDERDEEL;
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("config file {path} is not valid: {source}")]
    Parse {
        path: String,
        source: toml::de::Error,
    },
    #[error("config: {0}")]
    Invalid(String),
}

/// The whole configuration. Every section has defaults; an unknown key is an error so that a
/// typo never silently falls back to a default.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Period grain of the output tables.
    pub grain: Grain,
    /// Snapshots kept under `<out>/runs/`.
    pub keep_runs: usize,
    pub validation: ValidationConfig,
    pub kvk: KvkConfig,
    pub rni: RniConfig,
    pub score: ScoreConfig,
    pub statistiek: StatistiekConfig,
    pub disclosure: DisclosureConfig,
    pub geography: GeographyConfig,
    /// The yearly evaluation: the efforts' vocabulary and each gemeente's nulmeting.
    pub evaluatie: EvaluatieConfig,
    /// Per input: where its files are and how a user's own column names map onto the contract.
    pub inputs: BTreeMap<String, InputConfig>,
    /// `[server]`: the dashboard server's settings (`risicobeeld serve`), kept as the TOML it is
    /// and read by the server crate's `ServerConfig` (the CLI checks it for every command, so a
    /// typo there is an error as anywhere else). Not part of the run's config hash.
    pub server: toml::Table,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ValidationConfig {
    /// Above this share of quarantined rows in one file, the file is an error.
    pub max_quarantine_ratio: f64,
    /// Snapshot dates (`peildatum`) and signal periods must fall inside this window.
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KvkConfig {
    /// An object with at least this many active risk-sector vestigingen counts in
    /// `kvk_adresconcentratie`.
    pub concentration_threshold: u32,
    /// Sector → SBI prefixes, per SBI version (`"2008"`, `"2025"`). A prefix may be a range
    /// `"10-33"` of equal-length prefixes.
    pub sectors: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    /// The sector that `kvk_uitzendbureaus` counts.
    pub uitzend_sector: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RniConfig {
    /// An address with at least this many RNI registrants counts in `rni_adressen_meervoudig`.
    pub meervoudig_vanaf: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoreConfig {
    /// Indicator → weight. Known indicators: the registry's ratios with a score weight
    /// (`risicobeeld_snapshot::indicators`).
    pub weights: BTreeMap<String, f64>,
}

/// Small-area statistics (statistics.md §6).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StatistiekConfig {
    /// Level of the intervals of the rates (0.95: 95 %).
    pub betrouwbaarheid: f64,
    /// Benjamini–Hochberg level below which a change is `opvallend`.
    pub fdr: f64,
    /// The risk score from the smoothed rates (true) or the raw ones (the old behaviour).
    pub score_op_gladgemaakt: bool,
}

impl Default for StatistiekConfig {
    fn default() -> Self {
        StatistiekConfig {
            betrouwbaarheid: 0.95,
            fdr: 0.05,
            score_op_gladgemaakt: true,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DisclosureConfig {
    /// Person counts from 1 to `min_count - 1` are suppressed in `openbaar/`.
    pub min_count: i64,
    /// Protection level of the audit: a suppressed cell is exposed when the interval the
    /// published numbers allow is no wider than `min_interval_width` (0: pinned to one value)…
    pub min_interval_width: f64,
    /// …or when its upper bound is below this (absent: `min_count`).
    pub min_upper_bound: Option<i64>,
}

/// The period grain of the output tables (outputs.md §2: default `kwartaal`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Grain {
    Maand,
    Kwartaal,
    Jaar,
}

impl Grain {
    /// The months in one period of this grain.
    pub fn months(self) -> u32 {
        match self {
            Grain::Maand => 1,
            Grain::Kwartaal => 3,
            Grain::Jaar => 12,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Grain::Maand => "maand",
            Grain::Kwartaal => "kwartaal",
            Grain::Jaar => "jaar",
        }
    }
}

/// The inputs of a drop, as named in the config's `[inputs.<name>]`, each with the files it is
/// read from when the config names none (inputs.md §0, relative to the input directory). The one
/// list of inputs: discovery, the config check and the reports read it.
pub const INPUTS: [(&str, &[&str]); 14] = [
    ("gebieden", &["gebieden/*.geojson", "gebieden/*.json"]),
    (
        "districten",
        &["gebieden/districten.csv", "gebieden/districten.parquet"],
    ),
    (
        "herindelingen",
        &[
            "gebieden/herindelingen.csv",
            "gebieden/herindelingen.parquet",
        ],
    ),
    (
        "bevolking",
        &[
            "bevolking.csv",
            "bevolking.parquet",
            "bevolking/*.csv",
            "bevolking/*.parquet",
        ],
    ),
    (
        "verblijfsobjecten",
        &["verblijfsobjecten/*.csv", "verblijfsobjecten/*.parquet"],
    ),
    ("leegstand", &["leegstand.csv", "leegstand.parquet"]),
    ("rni", &["rni/*.csv", "rni/*.parquet"]),
    ("kvk", &["kvk/*.csv", "kvk/*.parquet"]),
    ("signalen", &["signalen/*.csv", "signalen/*.parquet"]),
    (
        "inspanningen",
        &["inspanningen/*.csv", "inspanningen/*.parquet"],
    ),
    (
        "slachtoffers",
        &["slachtoffers/*.csv", "slachtoffers/*.parquet"],
    ),
    ("doelen", &["doelen.csv", "doelen.parquet"]),
    ("acties", &["acties.csv", "acties.parquet"]),
    ("bevindingen", &["bevindingen/*/*/*.md"]),
];

/// The names of the inputs, in `INPUTS` order.
pub const INPUT_NAMES: [&str; 14] = names_of(&INPUTS);

pub use risicobeeld_snapshot::vocabulary::names_of;

/// The parts of the evaluation when the config names none (`[evaluatie.onderdelen]`): (code,
/// title, description), in the order of the report.
pub const STANDAARD_ONDERDELEN: [(&str, &str, &str); 5] = [
    (
        "bewustwording",
        "Bewustwording en training",
        "Professionals getraind om signalen te herkennen en te melden, bereik van campagnes en bijeenkomsten, ondernemers in risicosectoren bereikt.",
    ),
    (
        "signalering",
        "Signaleringsstructuur",
        "Signalen in de periode per vorm, en hoeveel er elke fase van het signaalproces haalden (ontvangst, weging, bronnenonderzoek, plan van aanpak, actie).",
    ),
    (
        "handhaving",
        "Handhaving en barrières",
        "Bibob-toetsen, integrale controles, controles in de prostitutie, gecontroleerde seksadvertenties en genomen maatregelen.",
    ),
    (
        "ondersteuning",
        "Ondersteuning van slachtoffers",
        "Slachtoffers ondersteund, en met welke hulp (opvang, medische zorg, juridische hulp).",
    ),
    (
        "samenwerking",
        "Samenwerking",
        "Casusoverleggen, en casussen ingebracht bij het RIEC en op de mensenhandeltafel.",
    ),
];

/// The part the signal figures (totals, forms, the five phases) belong to: every config keeps it.
pub const SIGNALERING_ONDERDEEL: &str = "signalering";

/// The yearly evaluation (`inspanningen/*` and the table `evaluatie`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EvaluatieConfig {
    /// gemeentecode → the year of its nulmeting (baseline). A gemeente not named here takes the
    /// first year it delivered efforts (or, without efforts, signals).
    pub nulmeting: BTreeMap<String, i32>,
    /// The efforts an `inspanningen` row may name, with their part of the evaluation. A row with
    /// another indicator is quarantined.
    pub indicatoren: BTreeMap<String, EffortIndicator>,
    /// The parts of the evaluation by code (`[evaluatie.onderdelen.<code>]`); default
    /// `STANDAARD_ONDERDELEN`. A config that names one gives the whole list.
    pub onderdelen: BTreeMap<String, Onderdeel>,
}

/// A part of the yearly evaluation: a chapter of the report, with its figures, goals, actions
/// and findings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Onderdeel {
    /// The chapter's title (Dutch).
    pub titel: String,
    /// Its place in the report (1 first); the risk picture comes after every part.
    pub volgorde: u32,
    /// What the part covers, shown under its title.
    #[serde(default)]
    pub omschrijving: String,
}

impl EvaluatieConfig {
    /// The parts in the order of the report: (code, part).
    pub fn onderdelen_in_order(&self) -> Vec<(&str, &Onderdeel)> {
        let mut parts: Vec<(&str, &Onderdeel)> = self
            .onderdelen
            .iter()
            .map(|(code, o)| (code.as_str(), o))
            .collect();
        parts.sort_by_key(|(code, o)| (o.volgorde, *code));
        parts
    }

    /// The part a cell of an input names, by its code or its title (`Handhaving en barrières`),
    /// compared without case, accents and spacing.
    pub fn onderdeel(&self, text: &str) -> Option<&str> {
        let fold = |t: &str| -> String {
            t.trim()
                .to_lowercase()
                .replace(['è', 'é', 'ë'], "e")
                .replace(['ï', 'í'], "i")
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect()
        };
        let word = fold(text);
        if word.is_empty() {
            return None;
        }
        self.onderdelen
            .iter()
            .find(|(code, o)| fold(code) == word || fold(&o.titel) == word)
            .map(|(code, _)| code.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EffortIndicator {
    /// One of the codes of `ONDERDELEN`.
    pub onderdeel: String,
    /// How the reports name it (Dutch).
    pub omschrijving: String,
    /// A count of people in a vulnerable position (victims helped, cases): it goes through
    /// disclosure control like the signals. Counts of work done (controls, trainings) do not.
    #[serde(default)]
    pub persoonsaantal: bool,
}

impl Default for EvaluatieConfig {
    fn default() -> Self {
        let indicator =
            |onderdeel: &str, omschrijving: &str, persoonsaantal: bool| EffortIndicator {
                onderdeel: onderdeel.into(),
                omschrijving: omschrijving.into(),
                persoonsaantal,
            };
        let indicatoren = [
            (
                "professionals_getraind",
                indicator("bewustwording", "Professionals getraind", false),
            ),
            (
                "campagne_bereik",
                indicator(
                    "bewustwording",
                    "Bereik van campagnes en bijeenkomsten",
                    false,
                ),
            ),
            (
                "risicosectoren_bereikt",
                indicator(
                    "bewustwording",
                    "Ondernemers in risicosectoren bereikt",
                    false,
                ),
            ),
            (
                "bibob_toetsen",
                indicator("handhaving", "Bibob-toetsen", false),
            ),
            (
                "controles",
                indicator("handhaving", "Integrale controles", false),
            ),
            (
                "prostitutiecontroles",
                indicator("handhaving", "Controles in de prostitutie", false),
            ),
            (
                "advertenties_gecontroleerd",
                indicator("handhaving", "Seksadvertenties gecontroleerd", false),
            ),
            (
                "maatregelen",
                indicator("handhaving", "Maatregelen genomen", false),
            ),
            (
                "slachtoffers_ondersteund",
                indicator("ondersteuning", "Slachtoffers ondersteund", true),
            ),
            (
                "opvang",
                indicator("ondersteuning", "Slachtoffers met opvang", true),
            ),
            (
                "medische_zorg",
                indicator("ondersteuning", "Slachtoffers met medische zorg", true),
            ),
            (
                "juridische_hulp",
                indicator("ondersteuning", "Slachtoffers met juridische hulp", true),
            ),
            (
                "casusoverleggen",
                indicator("samenwerking", "Casusoverleggen", false),
            ),
            (
                "casussen_riec",
                indicator("samenwerking", "Casussen ingebracht bij het RIEC", true),
            ),
            (
                "casussen_mensenhandeltafel",
                indicator("samenwerking", "Casussen op de mensenhandeltafel", true),
            ),
        ]
        .into_iter()
        .map(|(name, def)| (name.to_string(), def))
        .collect();
        let onderdelen = STANDAARD_ONDERDELEN
            .iter()
            .zip(1..)
            .map(|((code, titel, omschrijving), volgorde)| {
                (
                    code.to_string(),
                    Onderdeel {
                        titel: titel.to_string(),
                        volgorde,
                        omschrijving: omschrijving.to_string(),
                    },
                )
            })
            .collect();
        EvaluatieConfig {
            nulmeting: BTreeMap::new(),
            indicatoren,
            onderdelen,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GeographyConfig {
    /// Feature properties tried, in order, for an area's code and name.
    pub code_properties: Vec<String>,
    pub name_properties: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InputConfig {
    /// Glob patterns relative to the input directory (or absolute), replacing the convention.
    pub paths: Vec<String>,
    /// The user's column name → the contract's column name (matched case-insensitively).
    pub columns: BTreeMap<String, String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            grain: Grain::Kwartaal,
            keep_runs: 14,
            validation: ValidationConfig::default(),
            kvk: KvkConfig::default(),
            rni: RniConfig::default(),
            score: ScoreConfig::default(),
            statistiek: StatistiekConfig::default(),
            disclosure: DisclosureConfig::default(),
            geography: GeographyConfig::default(),
            evaluatie: EvaluatieConfig::default(),
            inputs: BTreeMap::new(),
            server: toml::Table::new(),
        }
    }
}

impl Default for ValidationConfig {
    fn default() -> Self {
        ValidationConfig {
            max_quarantine_ratio: 0.01,
            window_start: NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN),
            window_end: NaiveDate::from_ymd_opt(2099, 12, 31).unwrap_or(NaiveDate::MAX),
        }
    }
}

impl Default for KvkConfig {
    fn default() -> Self {
        let sbi2008: BTreeMap<String, Vec<String>> = [
            ("landbouw", vec!["01"]),
            ("industrie", vec!["10-33"]),
            ("bouw", vec!["41", "42", "43"]),
            ("handel", vec!["45", "46", "47"]),
            ("vervoer_opslag", vec!["49-53"]),
            ("horeca", vec!["55", "56"]),
            ("uitzendbureaus", vec!["782", "783"]),
            ("schoonmaak", vec!["812"]),
            ("beauty_wellness", vec!["9602", "9604"]),
            ("huishoudelijk", vec!["97"]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
        .collect();
        KvkConfig {
            concentration_threshold: 5,
            sectors: BTreeMap::from([("2008".to_string(), sbi2008)]),
            uitzend_sector: "uitzendbureaus".into(),
        }
    }
}

impl Default for RniConfig {
    fn default() -> Self {
        RniConfig {
            meervoudig_vanaf: 5,
        }
    }
}

impl Default for ScoreConfig {
    /// The registry's default weights.
    fn default() -> Self {
        ScoreConfig {
            weights: score_indicators()
                .map(|(name, weight)| (name.to_string(), weight))
                .collect(),
        }
    }
}

impl Default for DisclosureConfig {
    fn default() -> Self {
        DisclosureConfig {
            min_count: risicobeeld_snapshot::tables::DEFAULT_MIN_COUNT,
            min_interval_width: 0.0,
            min_upper_bound: None,
        }
    }
}

impl Default for GeographyConfig {
    fn default() -> Self {
        GeographyConfig {
            code_properties: vec!["statcode".into(), "code".into()],
            name_properties: vec!["statnaam".into(), "naam".into()],
        }
    }
}

impl Config {
    /// Reads and checks a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: shown.clone(),
            source,
        })?;
        let config: Config = toml::from_str(&text).map_err(|source| ConfigError::Parse {
            path: shown,
            source,
        })?;
        config.check()?;
        Ok(config)
    }

    /// Loads `path` if given, else the defaults.
    pub fn load_or_default(path: Option<&Path>) -> Result<Config, ConfigError> {
        path.map_or_else(|| Ok(Config::default()), Config::load)
    }

    fn check(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        if !(0.0..=1.0).contains(&self.validation.max_quarantine_ratio) {
            return invalid("validation.max_quarantine_ratio must be between 0 and 1".into());
        }
        if self.keep_runs == 0 {
            return invalid("keep_runs must be at least 1".into());
        }
        let width = self.disclosure.min_interval_width;
        if !width.is_finite() || width < 0.0 {
            return invalid("disclosure.min_interval_width must be a number ≥ 0".into());
        }
        let open_unit = |v: f64| v.is_finite() && v > 0.0 && v < 1.0;
        if !open_unit(self.statistiek.betrouwbaarheid) || !open_unit(self.statistiek.fdr) {
            return invalid(
                "statistiek.betrouwbaarheid and statistiek.fdr must lie between 0 and 1 (e.g. 0.95 and 0.05)".into(),
            );
        }
        if self.rni.meervoudig_vanaf < 2 {
            return invalid(
                "rni.meervoudig_vanaf must be at least 2 (an address with several registrants)"
                    .into(),
            );
        }
        let floor = risicobeeld_snapshot::check::MIN_COUNT_FLOOR;
        if self.disclosure.min_count < floor {
            return invalid(format!(
                "disclosure.min_count must be at least {floor}: the server refuses public tables that show smaller counts"
            ));
        }
        for (indicator, weight) in &self.score.weights {
            if !score_indicators().any(|(name, _)| name == indicator) {
                let known: Vec<&str> = score_indicators().map(|(name, _)| name).collect();
                return invalid(format!(
                    "score.weights: unknown indicator '{indicator}' (known: {})",
                    known.join(", ")
                ));
            }
            if !weight.is_finite() || *weight < 0.0 {
                return invalid(format!("score.weights.{indicator} must be a number ≥ 0"));
            }
        }
        for (version, sectors) in &self.kvk.sectors {
            for (sector, prefixes) in sectors {
                for p in prefixes {
                    if expand_prefix(p).is_none() {
                        return invalid(format!(
                            "kvk.sectors.{version}.{sector}: '{p}' is not an SBI prefix or range like \"10-33\""
                        ));
                    }
                }
            }
        }
        self.check_evaluatie()?;
        for name in self.inputs.keys() {
            if !INPUT_NAMES.contains(&name.as_str()) {
                return invalid(format!(
                    "[inputs.{name}]: unknown input (known: {})",
                    INPUT_NAMES.join(", ")
                ));
            }
        }
        Ok(())
    }

    fn check_evaluatie(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        let word = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
        let parts = &self.evaluatie.onderdelen;
        let known = || {
            parts
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        };
        for (code, part) in parts {
            if code.is_empty() || !code.chars().all(word) {
                return invalid(format!(
                    "evaluatie.onderdelen.{code}: a code may hold only a-z, 0-9 and _"
                ));
            }
            if code == RISICOBEELD_ONDERDEEL.0 {
                return invalid(format!(
                    "evaluatie.onderdelen.{code}: '{code}' is the risk picture, which always comes last; choose another code"
                ));
            }
            if part.titel.trim().is_empty() {
                return invalid(format!("evaluatie.onderdelen.{code}.titel is empty"));
            }
            if let Some((other, _)) = parts
                .iter()
                .find(|(c, o)| *c < code && o.volgorde == part.volgorde)
            {
                return invalid(format!(
                    "evaluatie.onderdelen: {other} and {code} both have volgorde = {}; give each part its own place",
                    part.volgorde
                ));
            }
        }
        if !parts.contains_key(SIGNALERING_ONDERDEEL) {
            return invalid(format!(
                "evaluatie.onderdelen: the part '{SIGNALERING_ONDERDEEL}' is missing; the signal figures (totals, forms, phases) go there — keep it (its title may change)"
            ));
        }
        for (name, def) in &self.evaluatie.indicatoren {
            if name.is_empty() || !name.chars().all(word) {
                return invalid(format!(
                    "evaluatie.indicatoren.{name}: a name may hold only a-z, 0-9 and _"
                ));
            }
            if !parts.contains_key(&def.onderdeel) {
                return invalid(format!(
                    "evaluatie.indicatoren.{name}.onderdeel: '{}' is not a part of [evaluatie.onderdelen] ({})",
                    def.onderdeel,
                    known()
                ));
            }
        }
        for (gemeente, year) in &self.evaluatie.nulmeting {
            let gm = gemeente.len() == 6
                && gemeente.starts_with("GM")
                && gemeente[2..].bytes().all(|b| b.is_ascii_digit());
            if !gm || !(2000..=2099).contains(year) {
                return invalid(format!(
                    "evaluatie.nulmeting: '{gemeente} = {year}' must be a gemeentecode (GM0518) and a year (2019)"
                ));
            }
        }
        Ok(())
    }

    /// The effective configuration of the pipeline (the server's part left out) as stable
    /// text: what the manifest's `config_hash` and the no-op check hash.
    pub fn canonical_text(&self) -> String {
        let pipeline_only = Config {
            server: toml::Table::new(),
            ..self.clone()
        };
        serde_json::to_string(&pipeline_only).unwrap_or_default()
    }

    pub fn input(&self, name: &str) -> InputConfig {
        self.inputs.get(name).cloned().unwrap_or_default()
    }
}

/// `"10-33"` → `["10", …, "33"]`, `"782"` → `["782"]`; `None` when not digits.
pub fn expand_prefix(p: &str) -> Option<Vec<String>> {
    let digits = |s: &str| !s.is_empty() && s.len() <= 5 && s.bytes().all(|b| b.is_ascii_digit());
    match p.split_once('-') {
        None => digits(p).then(|| vec![p.to_string()]),
        Some((a, b)) if digits(a) && digits(b) && a.len() == b.len() => {
            let (lo, hi): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
            (lo <= hi).then(|| {
                (lo..=hi)
                    .map(|n| format!("{n:0width$}", width = a.len()))
                    .collect()
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_spec() {
        let c = Config::default();
        assert_eq!(c.grain, Grain::Kwartaal);
        assert_eq!(c.keep_runs, 14);
        assert_eq!(c.validation.max_quarantine_ratio, 0.01);
        assert_eq!(c.kvk.concentration_threshold, 5);
        assert_eq!(c.disclosure.min_count, 5);
        assert_eq!(c.score.weights.len(), 5);
        assert!(c.check().is_ok());
    }

    #[test]
    fn expands_prefix_ranges() {
        assert_eq!(
            expand_prefix("10-12"),
            Some(vec!["10".into(), "11".into(), "12".into()])
        );
        assert_eq!(expand_prefix("09-10").map(|v| v.len()), Some(2));
        assert_eq!(expand_prefix("782"), Some(vec!["782".into()]));
        assert_eq!(expand_prefix("1-33"), None);
        assert_eq!(expand_prefix("x"), None);
    }

    #[test]
    fn rejects_unknown_keys_and_indicators() {
        assert!(toml::from_str::<Config>("grian = \"maand\"").is_err());
        let c: Config = toml::from_str("[score.weights]\nfoo = 1.0").expect("parses");
        assert!(c.check().is_err());
        let c: Config = toml::from_str(
            "grain = \"maand\"\n[inputs.rni.columns]\n\"Aantal\" = \"ingeschrevenen\"",
        )
        .expect("parses");
        assert_eq!(c.grain, Grain::Maand);
        assert!(c.check().is_ok());
    }
}

#[cfg(test)]
mod example_tests {
    use super::*;

    /// The documented example file states exactly the defaults.
    #[test]
    fn example_file_is_the_defaults() {
        // Cargo sets the variable when it runs a test (a binary reused from another clone's
        // build would carry that clone's compile-time path).
        let root = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(
            || env!("CARGO_MANIFEST_DIR").into(),
            std::path::PathBuf::from,
        );
        let path = root.join("risicobeeld.example.toml");
        let example = Config::load(&path).expect("the example config loads");
        assert_eq!(example.canonical_text(), Config::default().canonical_text());
    }

    #[test]
    fn statistics_levels_must_lie_between_0_and_1() {
        for bad in [
            "[statistiek]\nbetrouwbaarheid = 95.0",
            "[statistiek]\nbetrouwbaarheid = 1.0",
            "[statistiek]\nfdr = 0.0",
            "[statistiek]\nfdr = -0.05",
        ] {
            let c: Config = toml::from_str(bad).expect("parses");
            let e = c.check().expect_err(bad);
            assert!(e.to_string().contains("statistiek"), "{bad}: {e}");
        }
        let c: Config =
            toml::from_str("[statistiek]\nbetrouwbaarheid = 0.9\nfdr = 0.1").expect("parses");
        assert!(c.check().is_ok());
        assert!(
            toml::from_str::<Config>("[statistiek]\nniveau = 0.9").is_err(),
            "unknown key"
        );
    }

    #[test]
    fn the_parts_come_from_the_config_and_an_unknown_part_is_a_config_error() {
        // Zoeterwoude's own part "Voorkomen", the default five kept (an example of a whole list).
        let mut text = String::new();
        for ((code, titel, _), volgorde) in STANDAARD_ONDERDELEN.iter().zip(2..) {
            text.push_str(&format!(
                "[evaluatie.onderdelen.{code}]\ntitel = \"{titel}\"\nvolgorde = {volgorde}\n"
            ));
        }
        text.push_str("[evaluatie.onderdelen.voorkomen]\ntitel = \"Voorkomen\"\nvolgorde = 1\n");
        let c: Config = toml::from_str(&text).expect("parses");
        c.check().expect("a valid list of parts");
        let order: Vec<&str> = c
            .evaluatie
            .onderdelen_in_order()
            .into_iter()
            .map(|(code, _)| code)
            .collect();
        assert_eq!(order[..2], ["voorkomen", "bewustwording"]);
        assert_eq!(c.evaluatie.onderdeel("Voorkomen"), Some("voorkomen"));

        // Without signalering, with the risk picture's code, two parts in one place, or an effort
        // under a part that is not there: each an error naming the key.
        let only = |extra: &str| {
            format!("[evaluatie.onderdelen.handhaving]\ntitel = \"H\"\nvolgorde = 1\n{extra}")
        };
        for (bad, names) in [
            (only(""), "signalering"),
            (
                only("[evaluatie.onderdelen.signalering]\ntitel = \"S\"\nvolgorde = 1\n"),
                "volgorde",
            ),
            (
                only(
                    "[evaluatie.onderdelen.signalering]\ntitel = \"S\"\nvolgorde = 2\n[evaluatie.onderdelen.risicobeeld]\ntitel = \"R\"\nvolgorde = 3\n",
                ),
                "risicobeeld",
            ),
            // The default efforts name bewustwording, which this list lacks.
            (
                only("[evaluatie.onderdelen.signalering]\ntitel = \"S\"\nvolgorde = 2\n"),
                "evaluatie.indicatoren.campagne_bereik.onderdeel",
            ),
        ] {
            let c: Config = toml::from_str(&bad).expect("parses");
            let e = c.check().expect_err(&bad).to_string();
            assert!(e.contains(names), "{bad}: {e}");
        }
    }

    #[test]
    fn unknown_keys_are_errors() {
        let e = toml::from_str::<Config>("[validation]\nmax_quarantaine = 1").expect_err("typo");
        assert!(e.to_string().contains("max_quarantaine"));
    }
}
