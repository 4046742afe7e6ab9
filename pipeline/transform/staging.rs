//! Staging: the located facts and the config as Arrow tables (`stg_*`) that the SQL models in
//! `queries/` read. Everything a model needs from Rust — periods, areas, the location bridge,
//! sectors, weights — is made here, so the SQL never sees a config file.

use crate::validate::Rule;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::Hash;
use std::sync::Arc;

use chrono::NaiveDate;
use datafusion::arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int32Array, Int64Array, StringBuilder,
};
use datafusion::arrow::error::ArrowError;
use datafusion::arrow::record_batch::RecordBatch;
use rayon::prelude::*;

use crate::calendar::{Grain, Period, periods_between};
use crate::config::Config;
use crate::locate::{Located, Location, ObjectFact};
use crate::validate::{AreaCode, QualityReport};
use risicobeeld_snapshot::indicators::{INDICATORS, Indicator, score_indicators};
use risicobeeld_snapshot::vocabulary::{
    ACTIESTATUSSEN, BRONNEN, RISICOBEELD_ONDERDEEL, SIGNAALBRONNEN, SIGNAALVORMEN, VORMEN,
};
use risicobeeld_snapshot::vocabulary::{
    Dimensie, FASEN, NIVEAUS, SLACHTOFFERDIMENSIES, year_before,
};

/// One staging table, in one batch or (the objects) one per input file.
pub struct Staged {
    pub name: &'static str,
    pub batches: Vec<RecordBatch>,
}

fn utf8<S: AsRef<str>>(values: impl IntoIterator<Item = Option<S>>) -> ArrayRef {
    let mut builder = StringBuilder::new();
    for v in values {
        builder.append_option(v);
    }
    Arc::new(builder.finish())
}

/// Text of a column whose values repeat (area codes, periods): each distinct key is formatted
/// once, since a national fact table has tens of millions of rows over a few thousand values.
fn repeated<K: Hash + Eq + Copy>(
    keys: impl IntoIterator<Item = Option<K>>,
    show: impl Fn(K) -> String,
) -> ArrayRef {
    let mut shown: HashMap<K, String, foldhash::fast::RandomState> = HashMap::default();
    let keys = keys.into_iter();
    let mut builder = StringBuilder::with_capacity(keys.size_hint().0, keys.size_hint().0 * 8);
    // Runs of one key (a file's single peildatum) skip the map.
    let (mut last, mut last_text): (Option<K>, String) = (None, String::new());
    for key in keys {
        match key {
            Some(k) => {
                if last != Some(k) {
                    last_text.clear();
                    last_text.push_str(shown.entry(k).or_insert_with(|| show(k)));
                    last = Some(k);
                }
                builder.append_value(&last_text);
            }
            None => builder.append_null(),
        }
    }
    Arc::new(builder.finish())
}

fn text<S: AsRef<str>>(values: impl IntoIterator<Item = S>) -> ArrayRef {
    utf8(values.into_iter().map(Some))
}

fn int64(values: impl IntoIterator<Item = i64>) -> ArrayRef {
    Arc::new(values.into_iter().collect::<Int64Array>())
}

fn opt_int64(values: impl IntoIterator<Item = Option<i64>>) -> ArrayRef {
    Arc::new(values.into_iter().collect::<Int64Array>())
}

fn int32(values: impl IntoIterator<Item = i32>) -> ArrayRef {
    Arc::new(values.into_iter().collect::<Int32Array>())
}

fn opt_int32(values: impl IntoIterator<Item = Option<i32>>) -> ArrayRef {
    Arc::new(Int32Array::from_iter(values))
}

fn float64(values: impl IntoIterator<Item = f64>) -> ArrayRef {
    Arc::new(values.into_iter().collect::<Float64Array>())
}

fn boolean(values: impl IntoIterator<Item = bool>) -> ArrayRef {
    Arc::new(values.into_iter().map(Some).collect::<BooleanArray>())
}

/// Days since 1970-01-01, Arrow's Date32.
pub fn days(d: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN);
    (d - epoch).num_days() as i32
}

fn date32(values: impl IntoIterator<Item = Option<NaiveDate>>) -> ArrayRef {
    Arc::new(
        values
            .into_iter()
            .map(|d| d.map(days))
            .collect::<Date32Array>(),
    )
}

fn batch(columns: Vec<(&str, ArrayRef)>) -> Result<RecordBatch, ArrowError> {
    RecordBatch::try_from_iter(columns)
}

/// The finest code of a location: the key of `stg_locaties`.
fn finest(l: &Location) -> AreaCode {
    l.buurt.or(l.wijk).unwrap_or(l.gemeente)
}

fn locatie(l: &Location) -> String {
    finest(l).to_string()
}

/// Location columns shared by every fact table.
fn location_columns<'a>(
    locations: impl Iterator<Item = &'a Location> + Clone,
) -> Vec<(&'static str, ArrayRef)> {
    vec![
        (
            "gemeentecode",
            repeated(locations.clone().map(|l| Some(l.gemeente)), show_code),
        ),
        (
            "wijkcode",
            repeated(locations.clone().map(|l| l.wijk), show_code),
        ),
        (
            "buurtcode",
            repeated(locations.clone().map(|l| l.buurt), show_code),
        ),
        (
            "locatie",
            repeated(locations.map(|l| Some(finest(l))), show_code),
        ),
    ]
}

fn show_code(code: AreaCode) -> String {
    code.to_string()
}

/// The output periods: from the earliest to the latest period in which a snapshot or a signal
/// falls (outputs.md §2, "Period range").
pub fn period_range(located: &Located, grain: Grain) -> Vec<Period> {
    // The objects (tens of millions) per file in parallel, as (earliest, latest).
    let objects = located
        .objecten
        .par_iter()
        .filter_map(|file| {
            let dates = file.iter().map(|o| o.peildatum);
            Some((dates.clone().min()?, dates.max()?))
        })
        .reduce_with(|a, b| (a.0.min(b.0), a.1.max(b.1)));
    let dates = objects
        .into_iter()
        .flat_map(|(first, last)| [first, last])
        .chain(located.leegstand.iter().map(|a| a.peildatum))
        .chain(located.rni.iter().map(|r| r.peildatum))
        .chain(located.signalen.iter().map(|s| s.signaal.periode.start()));
    let (mut first, mut last): (Option<NaiveDate>, Option<NaiveDate>) = (None, None);
    for d in dates {
        first = Some(first.map_or(d, |f| f.min(d)));
        last = Some(last.map_or(d, |l| l.max(d)));
    }
    match (first, last) {
        (Some(f), Some(l)) => {
            periods_between(Period::containing(f, grain), Period::containing(l, grain))
        }
        _ => Vec::new(),
    }
}

/// Sector of an SBI code: the longest configured prefix of its version.
pub struct SectorIndex {
    /// version → prefix → sector
    prefixes: BTreeMap<String, BTreeMap<String, String>>,
}

impl SectorIndex {
    pub fn new(config: &Config) -> SectorIndex {
        let prefixes = config
            .kvk
            .sectors
            .iter()
            .map(|(version, sectors)| {
                let mut map = BTreeMap::new();
                for (sector, list) in sectors {
                    for p in list
                        .iter()
                        .filter_map(|p| crate::config::expand_prefix(p))
                        .flatten()
                    {
                        map.insert(p, sector.clone());
                    }
                }
                (version.clone(), map)
            })
            .collect();
        SectorIndex { prefixes }
    }

    pub fn sector(&self, version: &str, sbi: &str) -> Option<&str> {
        let map = self.prefixes.get(version)?;
        (1..=sbi.len())
            .rev()
            .find_map(|n| map.get(&sbi[..n]).map(String::as_str))
    }

    pub fn sectors(&self) -> BTreeSet<&str> {
        self.prefixes
            .values()
            .flat_map(|m| m.values().map(String::as_str))
            .collect()
    }
}

/// One batch per verblijfsobjecten file, made in parallel; each file's facts are freed as soon
/// as its batch is made. The location columns are `gemeentecode` and `locatie`: the wijk and
/// buurt a location lies in come from `stg_locaties`.
fn objecten_batches(objecten: Vec<Vec<ObjectFact>>) -> Result<Vec<RecordBatch>, ArrowError> {
    let files = if objecten.is_empty() {
        vec![Vec::new()]
    } else {
        objecten
    };
    files
        .into_par_iter()
        .map(|o| {
            batch(vec![
                ("peildatum", date32(o.iter().map(|f| Some(f.peildatum)))),
                ("verblijfsobject_id", int64(o.iter().map(|f| f.id as i64))),
                ("leeg", boolean(o.iter().map(ObjectFact::leeg))),
                ("plaats", int32(o.iter().map(|f| f.place() as i32))),
            ])
        })
        .collect()
}

/// `stg_object_plaatsen`: the gemeente and the finest location of each place number that
/// `stg_objecten` carries, so that the tens of millions of object rows are grouped and joined
/// on a number and each place's codes are written once.
fn object_plaatsen(places: &[Location]) -> Result<RecordBatch, ArrowError> {
    batch(vec![
        ("plaats", int32((0..places.len()).map(|n| n as i32))),
        (
            "gemeentecode",
            text(places.iter().map(|l| show_code(l.gemeente))),
        ),
        ("locatie", text(places.iter().map(locatie))),
    ])
}

/// Builds every `stg_*` table; takes the object facts out of `located`.
pub fn stage(
    located: &mut Located,
    report: &QualityReport,
    config: &Config,
) -> Result<Vec<Staged>, ArrowError> {
    let grain = config.grain;
    let label = |d: NaiveDate| Period::containing(d, grain).label();
    let mut out = Vec::new();
    let mut push = |name: &'static str, b: RecordBatch| {
        out.push(Staged {
            name,
            batches: vec![b],
        })
    };

    let periods = period_range(located, grain);
    push(
        "stg_perioden",
        batch(vec![
            ("periode", text(periods.iter().map(|p| p.label()))),
            (
                "periode_start",
                date32(periods.iter().map(|p| Some(p.start()))),
            ),
            (
                "periode_eind",
                date32(periods.iter().map(|p| Some(p.end()))),
            ),
            ("jaar", int32(periods.iter().map(|p| p.year))),
            (
                "vorige_periode",
                text(periods.iter().map(|p| p.shift(-1).label())),
            ),
            (
                "vorig_jaar_periode",
                text(
                    periods
                        .iter()
                        .map(|p| year_before(&p.label()).unwrap_or_default()),
                ),
            ),
            // 1 or 2; null at the grain `jaar`, whose periods are no part of a half-year.
            (
                "halfjaar",
                opt_int32(periods.iter().map(|p| {
                    (p.grain != Grain::Jaar).then_some(if p.first_month <= 6 { 1 } else { 2 })
                })),
            ),
        ])?,
    );

    let locations = all_locations(located);
    push("stg_gebieden", gebieden(located, &locations)?);
    push("stg_locaties", locaties(&locations)?);
    push(
        "stg_object_plaatsen",
        object_plaatsen(&located.object_places)?,
    );

    let a = &located.leegstand;
    let mut cols = vec![
        ("peildatum", date32(a.iter().map(|f| Some(f.peildatum)))),
        (
            "periode",
            repeated(a.iter().map(|f| Some(f.peildatum)), label),
        ),
        ("in_gebruik", int64(a.iter().map(|f| f.in_gebruik))),
        ("leeg", int64(a.iter().map(|f| f.leeg))),
    ];
    cols.extend(location_columns(a.iter().map(|f| &f.location)));
    push("stg_leegstand_aggregaat", batch(cols)?);

    let r = &located.rni;
    let mut cols = vec![
        ("peildatum", date32(r.iter().map(|f| Some(f.peildatum)))),
        (
            "periode",
            repeated(r.iter().map(|f| Some(f.peildatum)), label),
        ),
        (
            "verblijfsobject_id",
            opt_int64(r.iter().map(|f| f.object.map(|id| id as i64))),
        ),
        ("ingeschrevenen", int64(r.iter().map(|f| f.ingeschrevenen))),
    ];
    cols.extend(location_columns(r.iter().map(|f| &f.location)));
    push("stg_rni", batch(cols)?);

    let sectors = SectorIndex::new(config);
    let k = &located.kvk;
    let mut cols = vec![
        (
            "vestigingsnummer",
            int64(k.iter().map(|f| f.vestiging.vestigingsnummer as i64)),
        ),
        ("sector", {
            // A national drop has millions of vestigingen over a few thousand SBI codes.
            let mut known: HashMap<(&str, &str), Option<&str>, foldhash::fast::RandomState> =
                HashMap::default();
            utf8(k.iter().map(|f| {
                let key = (
                    f.vestiging.sbi_versie.as_str(),
                    f.vestiging.sbi_code.as_str(),
                );
                *known
                    .entry(key)
                    .or_insert_with(|| sectors.sector(key.0, key.1))
            }))
        }),
        (
            "verblijfsobject_id",
            opt_int64(k.iter().map(|f| f.object.map(|id| id as i64))),
        ),
        (
            "periode_inschrijving",
            repeated(k.iter().map(|f| Some(f.vestiging.ingeschreven)), label),
        ),
        (
            "datum_inschrijving",
            date32(k.iter().map(|f| Some(f.vestiging.ingeschreven))),
        ),
        (
            "datum_uitschrijving",
            date32(k.iter().map(|f| f.vestiging.uitgeschreven)),
        ),
        (
            "periode_uitschrijving",
            repeated(k.iter().map(|f| f.vestiging.uitgeschreven), label),
        ),
        (
            "kortlevend",
            boolean(k.iter().map(|f| {
                f.vestiging
                    .uitgeschreven
                    .is_some_and(|u| (u - f.vestiging.ingeschreven).num_days() < 365)
            })),
        ),
        (
            "laatste_mutatie",
            date32(k.iter().map(|f| {
                Some(
                    f.vestiging
                        .uitgeschreven
                        .unwrap_or(f.vestiging.ingeschreven),
                )
            })),
        ),
    ];
    cols.extend(location_columns(k.iter().map(|f| &f.location)));
    push("stg_kvk", batch(cols)?);

    let s = &located.signalen;
    let out_period =
        |f: &crate::locate::SignaalFact| Period::containing(f.signaal.periode.start(), grain);
    push(
        "stg_signalen",
        batch(vec![
            ("periode", text(s.iter().map(|f| out_period(f).label()))),
            (
                "periode_eind",
                date32(s.iter().map(|f| Some(f.signaal.periode.end()))),
            ),
            (
                "gemeentecode",
                text(s.iter().map(|f| f.gemeente.to_string())),
            ),
            ("bron", text(s.iter().map(|f| f.signaal.bron))),
            ("vorm", text(s.iter().map(|f| f.signaal.vorm))),
            ("fase", int64(s.iter().map(|f| i64::from(f.signaal.fase)))),
            ("aantal", int64(s.iter().map(|f| f.signaal.aantal))),
        ])?,
    );

    for (name, b) in slachtoffers_staging(located)? {
        push(name, b);
    }
    for (name, b) in evaluatie_staging(located, config)? {
        push(name, b);
    }

    // Rows of a merged gemeente add to its successor's population of the same year.
    let mut bevolking: BTreeMap<(AreaCode, i32), i64> = BTreeMap::new();
    for b in &located.bevolking {
        *bevolking.entry((b.area, b.jaar)).or_default() += b.inwoners;
    }
    push(
        "stg_bevolking",
        batch(vec![
            (
                "gebiedscode",
                text(bevolking.keys().map(|(a, _)| a.to_string())),
            ),
            ("jaar", int32(bevolking.keys().map(|(_, j)| *j))),
            ("inwoners", int64(bevolking.values().copied())),
        ])?,
    );

    push(
        "stg_instellingen",
        batch(vec![
            ("uitzend_sector", text([config.kvk.uitzend_sector.as_str()])),
            (
                "concentratie_drempel",
                int64([i64::from(config.kvk.concentration_threshold)]),
            ),
            (
                "rni_meervoudig_vanaf",
                int64([i64::from(config.rni.meervoudig_vanaf)]),
            ),
        ])?,
    );
    push(
        "stg_sectoren",
        batch(vec![("sector", text(sectors.sectors()))])?,
    );
    push(
        "stg_vormen",
        batch(vec![
            ("vorm", text(VORMEN)),
            ("kolom", text(SIGNAALVORMEN.map(|(_, kolom)| kolom))),
        ])?,
    );
    push(
        "stg_bronnen",
        batch(vec![
            ("bron", text(BRONNEN)),
            ("omschrijving", text(SIGNAALBRONNEN.map(|(_, label)| label))),
        ])?,
    );
    push(
        "stg_fasen",
        batch(vec![
            ("fase", int64(FASEN.iter().map(|f| i64::from(f.nummer)))),
            ("naam", text(FASEN.iter().map(|f| f.naam))),
            ("indicator", text(FASEN.iter().map(|f| f.indicator))),
            ("omschrijving", text(FASEN.iter().map(|f| f.omschrijving))),
        ])?,
    );
    let weight = |name: &str| config.score.weights.get(name).copied().unwrap_or(0.0);
    push(
        "stg_score_gewichten",
        batch(
            score_indicators()
                .map(|(name, _)| (name, float64([weight(name)])))
                .collect(),
        )?,
    );
    push("stg_indicatoren", indicator_registry(config)?);

    push(
        "stg_statistiek",
        batch(vec![
            (
                "betrouwbaarheid",
                float64([config.statistiek.betrouwbaarheid]),
            ),
            ("fdr", float64([config.statistiek.fdr])),
            (
                "score_op_gladgemaakt",
                Arc::new(datafusion::arrow::array::BooleanArray::from(vec![
                    config.statistiek.score_op_gladgemaakt,
                ])) as ArrayRef,
            ),
        ])?,
    );

    // Per file and rule, plus one `rijen_gelezen` row per file so that every file delivered
    // shows up, also when nothing was wrong with it.
    let mut summaries = report.summaries();
    summaries.extend(
        report
            .files
            .iter()
            .map(|(file, stats)| crate::validate::RuleSummary {
                source: stats.source,
                file: file.clone(),
                rule: Rule::RijenGelezen,
                count: stats.rows_read,
                examples: String::new(),
            }),
    );
    push(
        "stg_kwaliteit",
        batch(vec![
            ("bron", text(summaries.iter().map(|s| s.source))),
            ("bestand", text(summaries.iter().map(|s| s.file.as_str()))),
            ("regel", text(summaries.iter().map(|s| s.rule.code()))),
            (
                "ernst",
                text(summaries.iter().map(|s| s.rule.severity().name())),
            ),
            ("aantal", int64(summaries.iter().map(|s| s.count as i64))),
            (
                "voorbeelden",
                text(summaries.iter().map(|s| s.examples.as_str())),
            ),
        ])?,
    );
    // Last, when nothing else needs the object facts: each file's are freed once staged.
    out.push(Staged {
        name: "stg_objecten",
        batches: objecten_batches(std::mem::take(&mut located.objecten))?,
    });
    Ok(out)
}

/// The indicator registry as a table (published as `indicatoren`), with the weight each score
/// indicator has in this run.
fn indicator_registry(config: &Config) -> Result<RecordBatch, ArrowError> {
    let all = || INDICATORS.iter();
    let weight = |i: &Indicator| {
        i.score_weight
            .map(|_| config.score.weights.get(i.name).copied().unwrap_or(0.0))
    };
    batch(vec![
        ("indicator", text(all().map(|i| i.name))),
        ("label", text(all().map(|i| i.label))),
        ("kop", text(all().map(Indicator::heading))),
        ("definitie", text(all().map(|i| i.definition))),
        ("eenheid", text(all().map(|i| i.unit))),
        ("bron", text(all().map(|i| i.source))),
        ("soort", text(all().map(|i| i.kind.name()))),
        ("telling", utf8(all().map(|i| i.count))),
        (
            "noemer",
            utf8(all().map(|i| i.denominator.map(|d| d.column))),
        ),
        ("schaal", float64(all().map(|i| i.scale))),
        ("persoonsaantal", boolean(all().map(|i| i.person_count))),
        (
            "hoger_is_slechter",
            Arc::new(
                all()
                    .map(|i| i.higher_is_worse)
                    .collect::<datafusion::arrow::array::BooleanArray>(),
            ) as ArrayRef,
        ),
        (
            "score_gewicht",
            Arc::new(all().map(weight).collect::<Float64Array>()) as ArrayRef,
        ),
        ("niveaus", text(all().map(|i| i.levels.join(", ")))),
        ("in_trends", boolean(all().map(|i| i.in_trends))),
        ("volgorde", int64((1..).take(INDICATORS.len()))),
        (
            "evaluatie_onderdeel",
            utf8(all().map(|i| i.evaluation.map(|e| e.part))),
        ),
        (
            "evaluatie_volgorde",
            opt_int64(all().map(|i| i.evaluation.map(|e| i64::from(e.position)))),
        ),
    ])
}

/// The delivered victims (`stg_slachtoffers`) and the categories of each one-way breakdown
/// (`stg_slachtoffer_categorieen`, from `SLACHTOFFERDIMENSIES`, in their order).
fn slachtoffers_staging(located: &Located) -> Result<Vec<(&'static str, RecordBatch)>, ArrowError> {
    let v = &located.slachtoffers;
    let rows = batch(vec![
        (
            "gemeentecode",
            text(v.iter().map(|f| f.gemeente.to_string())),
        ),
        ("jaar", int32(v.iter().map(|f| f.slachtoffer.jaar))),
        ("bron", text(v.iter().map(|f| f.slachtoffer.bron))),
        ("vorm", text(v.iter().map(|f| f.slachtoffer.vorm))),
        (
            "leeftijdsklasse",
            text(v.iter().map(|f| f.slachtoffer.leeftijdsklasse)),
        ),
        ("geslacht", text(v.iter().map(|f| f.slachtoffer.geslacht))),
        ("aantal", int64(v.iter().map(|f| f.slachtoffer.aantal))),
    ])?;
    let categories: Vec<(&Dimensie, &str, &str)> = SLACHTOFFERDIMENSIES
        .iter()
        .flat_map(|d| d.waarden.iter().map(move |(w, o)| (d, *w, *o)))
        .collect();
    let categorieen = batch(vec![
        ("dimensie", text(categories.iter().map(|c| c.0.naam))),
        (
            "dimensie_omschrijving",
            text(categories.iter().map(|c| c.0.omschrijving)),
        ),
        ("waarde", text(categories.iter().map(|c| c.1))),
        ("waarde_omschrijving", text(categories.iter().map(|c| c.2))),
        ("volgorde", int32(1..=categories.len() as i32)),
    ])?;
    Ok(vec![
        ("stg_slachtoffers", rows),
        ("stg_slachtoffer_categorieen", categorieen),
    ])
}

/// The yearly evaluation's inputs: the delivered efforts (per gemeente, district or regio), the
/// vocabulary of their indicators, the configured parts, each configured nulmeting, the goals,
/// the plan's actions (with the statuses in order) and the findings texts.
fn evaluatie_staging(
    located: &Located,
    config: &Config,
) -> Result<Vec<(&'static str, RecordBatch)>, ArrowError> {
    let e = &located.inspanningen;
    let inspanningen = batch(vec![
        ("niveau", text(e.iter().map(|f| f.niveau))),
        (
            "gebiedscode",
            text(e.iter().map(|f| f.gebiedscode.as_str())),
        ),
        ("jaar", int32(e.iter().map(|f| f.value.jaar))),
        (
            "halfjaar",
            opt_int32(e.iter().map(|f| f.value.halfjaar.map(i32::from))),
        ),
        (
            "onderdeel",
            text(e.iter().map(|f| f.value.onderdeel.as_str())),
        ),
        (
            "indicator",
            text(e.iter().map(|f| f.value.indicator.as_str())),
        ),
        ("aantal", int64(e.iter().map(|f| f.value.aantal))),
    ])?;
    let d = &located.doelen;
    let doelen = batch(vec![
        ("niveau", text(d.iter().map(|f| f.niveau))),
        (
            "gebiedscode",
            text(d.iter().map(|f| f.gebiedscode.as_str())),
        ),
        ("jaar", int32(d.iter().map(|f| f.value.jaar))),
        (
            "indicator",
            text(d.iter().map(|f| f.value.indicator.as_str())),
        ),
        ("doel", float64(d.iter().map(|f| f.value.doel))),
        ("richting", text(d.iter().map(|f| f.value.richting))),
    ])?;
    // The actions in the order they were delivered (file, then line): the plan's order.
    let a = &located.acties;
    let acties = batch(vec![
        ("niveau", text(a.iter().map(|f| f.niveau))),
        (
            "gebiedscode",
            text(a.iter().map(|f| f.gebiedscode.as_str())),
        ),
        ("jaar", int32(a.iter().map(|f| f.value.jaar))),
        (
            "onderdeel",
            text(a.iter().map(|f| f.value.onderdeel.as_str())),
        ),
        ("volgorde", int32((1..).take(a.len()))),
        ("actie", text(a.iter().map(|f| f.value.actie.as_str()))),
        ("status", text(a.iter().map(|f| f.value.status))),
        (
            "toelichting",
            utf8(a.iter().map(|f| f.value.toelichting.as_deref())),
        ),
    ])?;
    let b = &located.bevindingen;
    let bevindingen = batch(vec![
        ("niveau", text(b.iter().map(|f| f.niveau))),
        (
            "gebiedscode",
            text(b.iter().map(|f| f.gebiedscode.as_str())),
        ),
        ("jaar", int32(b.iter().map(|f| f.value.jaar))),
        (
            "onderdeel",
            text(b.iter().map(|f| f.value.onderdeel.as_str())),
        ),
        ("tekst", text(b.iter().map(|f| f.value.tekst.as_str()))),
    ])?;
    let statussen = batch(vec![
        ("status", text(ACTIESTATUSSEN.iter().map(|s| s.0))),
        (
            "status_omschrijving",
            text(ACTIESTATUSSEN.iter().map(|s| s.1)),
        ),
        ("status_volgorde", int32((1..).take(ACTIESTATUSSEN.len()))),
    ])?;
    let defs = &config.evaluatie.indicatoren;
    let indicatoren = batch(vec![
        ("indicator", text(defs.keys())),
        (
            "onderdeel",
            text(defs.values().map(|d| d.onderdeel.as_str())),
        ),
        (
            "omschrijving",
            text(defs.values().map(|d| d.omschrijving.as_str())),
        ),
        (
            "persoonsaantal",
            boolean(defs.values().map(|d| d.persoonsaantal)),
        ),
    ])?;
    // The configured parts in their order, then the risk picture at the period's end.
    let configured = config.evaluatie.onderdelen_in_order();
    let (risicobeeld, risicobeeld_titel) = RISICOBEELD_ONDERDEEL;
    let parts: Vec<(&str, &str, &str)> = configured
        .iter()
        .map(|(code, o)| (*code, o.titel.as_str(), o.omschrijving.as_str()))
        .chain([(
            risicobeeld,
            risicobeeld_titel,
            "De stand van de risico-indicatoren in het laatste kwartaal van de periode (peilperiode).",
        )])
        .collect();
    let onderdelen = batch(vec![
        ("onderdeel", text(parts.iter().map(|p| p.0))),
        ("onderdeel_titel", text(parts.iter().map(|p| p.1))),
        ("onderdeel_omschrijving", text(parts.iter().map(|p| p.2))),
        ("onderdeel_volgorde", int32((1..).take(parts.len()))),
    ])?;
    let nulmeting = &config.evaluatie.nulmeting;
    let nulmeting = batch(vec![
        ("gemeentecode", text(nulmeting.keys())),
        ("jaar", int32(nulmeting.values().copied())),
    ])?;
    Ok(vec![
        ("stg_inspanningen", inspanningen),
        ("stg_doelen", doelen),
        ("stg_acties", acties),
        ("stg_actiestatussen", statussen),
        ("stg_bevindingen", bevindingen),
        ("stg_evaluatie_indicatoren", indicatoren),
        ("stg_onderdelen", onderdelen),
        ("stg_nulmeting", nulmeting),
    ])
}

/// Every location a fact lies in, plus every wijk and buurt with a boundary.
fn all_locations(located: &Located) -> BTreeSet<Location> {
    let r = &located.registry;
    // Which numbered object places hold a fact: a mark per number, files in parallel.
    let places = &located.object_places;
    let used: Vec<bool> = located
        .objecten
        .par_iter()
        .fold(
            || vec![false; places.len()],
            |mut used, file| {
                for f in file {
                    if let Some(u) = used.get_mut(f.place()) {
                        *u = true;
                    }
                }
                used
            },
        )
        .reduce(
            || vec![false; places.len()],
            |a, b| a.iter().zip(&b).map(|(x, y)| *x || *y).collect(),
        );
    // Millions of facts over a few thousand locations: distinct first (in parallel), then sorted.
    type Locations = HashSet<Location, foldhash::fast::RandomState>;
    let rni: Locations = located.rni.par_iter().map(|f| f.location).collect();
    let kvk: Locations = located.kvk.par_iter().map(|f| f.location).collect();
    let mut set: BTreeSet<Location> = places
        .iter()
        .zip(&used)
        .filter(|(_, u)| **u)
        .map(|(l, _)| *l)
        .chain(located.leegstand.iter().map(|f| f.location))
        .chain(rni)
        .chain(kvk)
        .collect();
    for b in &r.boundaries {
        if let Ok(l) = r.resolve(b.code, "gebiedscode")
            && l.buurt.or(l.wijk).unwrap_or(l.gemeente) == b.code
        {
            set.insert(l);
        }
    }
    for b in &located.bevolking {
        if let Ok(l) = r.resolve(b.area, "gebiedscode") {
            set.insert(l);
        }
    }
    set
}

fn gebieden(located: &Located, locations: &BTreeSet<Location>) -> Result<RecordBatch, ArrowError> {
    let r = &located.registry;
    // The levels by their place in `NIVEAUS`, so that the rows sort from buurt up to regio.
    let [lvl_buurt, lvl_wijk, lvl_gemeente, lvl_district, lvl_regio] = [0usize, 1, 2, 3, 4];
    // (niveau, code) → (name, gemeente, district, regio)
    type Row = (String, Option<String>, Option<String>, Option<String>);
    let mut rows: BTreeMap<(usize, String), Row> = BTreeMap::new();
    for d in r.districts.values() {
        let gm = d.gemeente.to_string();
        rows.insert(
            (lvl_gemeente, gm.clone()),
            (
                r.name(d.gemeente),
                Some(gm),
                Some(d.district_code.clone()),
                Some(d.regio_code.clone()),
            ),
        );
        rows.insert(
            (lvl_district, d.district_code.clone()),
            (
                d.district_naam.clone(),
                None,
                Some(d.district_code.clone()),
                Some(d.regio_code.clone()),
            ),
        );
        rows.insert(
            (lvl_regio, d.regio_code.clone()),
            (d.regio_naam.clone(), None, None, Some(d.regio_code.clone())),
        );
    }
    for l in locations {
        let Some(d) = r.districts.get(&l.gemeente) else {
            continue;
        };
        for (level, code) in [(lvl_buurt, l.buurt), (lvl_wijk, l.wijk)] {
            if let Some(code) = code {
                rows.insert(
                    (level, code.to_string()),
                    (
                        r.name(code),
                        Some(l.gemeente.to_string()),
                        Some(d.district_code.clone()),
                        Some(d.regio_code.clone()),
                    ),
                );
            }
        }
    }
    let niveau = |n: usize| NIVEAUS[n];
    batch(vec![
        ("niveau", text(rows.keys().map(|(n, _)| niveau(*n)))),
        ("gebiedscode", text(rows.keys().map(|(_, c)| c.as_str()))),
        ("gebiedsnaam", text(rows.values().map(|v| v.0.as_str()))),
        ("gemeentecode", utf8(rows.values().map(|v| v.1.as_deref()))),
        ("district_code", utf8(rows.values().map(|v| v.2.as_deref()))),
        ("regio_code", utf8(rows.values().map(|v| v.3.as_deref()))),
    ])
}

/// The bridge from a fact's finest location to every area (buurt, wijk, gemeente) it lies in.
fn locaties(locations: &BTreeSet<Location>) -> Result<RecordBatch, ArrowError> {
    let mut rows: Vec<(String, &'static str, String)> = Vec::new();
    for l in locations {
        let key = locatie(l);
        for (niveau, code) in [
            ("buurt", l.buurt),
            ("wijk", l.wijk),
            ("gemeente", Some(l.gemeente)),
        ] {
            if let Some(code) = code {
                rows.push((key.clone(), niveau, code.to_string()));
            }
        }
    }
    batch(vec![
        ("locatie", text(rows.iter().map(|r| r.0.as_str()))),
        ("niveau", text(rows.iter().map(|r| r.1))),
        ("gebiedscode", text(rows.iter().map(|r| r.2.as_str()))),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sbi_codes_match_the_longest_prefix() {
        let s = SectorIndex::new(&Config::default());
        assert_eq!(s.sector("2008", "78201"), Some("uitzendbureaus"));
        assert_eq!(s.sector("2008", "7810"), None);
        assert_eq!(s.sector("2008", "56101"), Some("horeca"));
        assert_eq!(s.sector("2008", "2511"), Some("industrie"));
        assert_eq!(s.sector("2008", "96021"), Some("beauty_wellness"));
        assert_eq!(s.sector("2008", "9603"), None);
        assert_eq!(s.sector("2025", "56101"), None);
    }
}
