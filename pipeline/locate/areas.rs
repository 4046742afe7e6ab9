//! The area registry: which gemeente belongs to which district and regio (`districten.csv`),
//! which gemeente merged into which (`herindelingen.csv`, chains resolved), the boundaries and
//! names of every area; and `resolve`, the one place an area code becomes a `Location`.

use crate::validate::Rule;
use std::collections::{BTreeMap, HashMap};

use super::geometry::{Boundary, LevelIndex};
use crate::validate::{AreaCode, District, EvaluatieGebied, Herindeling, Problem, Row};

/// Where a fact lies, as finely as the input allows. A merged gemeente's rows lie in its
/// successor, at gemeente level only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    pub gemeente: AreaCode,
    pub wijk: Option<AreaCode>,
    pub buurt: Option<AreaCode>,
}

pub struct AreaRegistry {
    pub districts: BTreeMap<AreaCode, District>,
    /// Dissolved gemeente → its final successor.
    pub successor: HashMap<AreaCode, AreaCode>,
    pub boundaries: Vec<Boundary>,
    /// Whom the maps credit for the boundaries (each file's `attribution`, in file order).
    pub attributions: Vec<String>,
    names: HashMap<AreaCode, String>,
    /// Point-in-polygon per level, finest first.
    indexes: Vec<LevelIndex>,
}

/// A herindeling chain that loops back on itself.
#[derive(Debug)]
pub struct MergeCycle(pub AreaCode);

/// Resolves chains A→B→C into A→C, B→C.
pub fn resolve_chains(
    rows: &[Row<Herindeling>],
) -> Result<HashMap<AreaCode, AreaCode>, MergeCycle> {
    let direct: HashMap<AreaCode, AreaCode> =
        rows.iter().map(|r| (r.value.oud, r.value.nieuw)).collect();
    let mut out = HashMap::with_capacity(direct.len());
    for &start in direct.keys() {
        let mut current = start;
        let mut steps = 0;
        while let Some(&next) = direct.get(&current) {
            current = next;
            steps += 1;
            if current == start || steps > direct.len() {
                return Err(MergeCycle(start));
            }
        }
        out.insert(start, current);
    }
    Ok(out)
}

impl AreaRegistry {
    pub fn new(
        districts: Vec<District>,
        successor: HashMap<AreaCode, AreaCode>,
        boundaries: Vec<Boundary>,
    ) -> AreaRegistry {
        let names = boundaries
            .iter()
            .map(|b| (b.code, b.name.clone()))
            .collect();
        // The levels that have boundaries: buurt, wijk and gemeente (districts and regios are
        // groups of gemeenten).
        let indexes = risicobeeld_snapshot::vocabulary::NIVEAUS[..3]
            .iter()
            .map(|level| LevelIndex::new(&boundaries, level))
            .filter(|i| !i.is_empty())
            .collect();
        AreaRegistry {
            districts: districts.into_iter().map(|d| (d.gemeente, d)).collect(),
            successor,
            boundaries,
            attributions: Vec::new(),
            names,
            indexes,
        }
    }

    pub fn name(&self, code: AreaCode) -> String {
        self.names
            .get(&code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }

    /// The location of an area code, or the `onbekend_gebied` problem.
    pub fn resolve(&self, code: AreaCode, column: &'static str) -> Result<Location, Problem> {
        let gemeente = code.gemeente();
        if let Some(&successor) = self.successor.get(&gemeente)
            && self.districts.contains_key(&successor)
        {
            return Ok(Location {
                gemeente: successor,
                wijk: None,
                buurt: None,
            });
        }
        if !self.districts.contains_key(&gemeente) {
            let mut p = Problem::new(
                column,
                Rule::OnbekendGebied,
                format!(
                    "gemeente {gemeente} is not in districten.csv (nor merged into one that is)"
                ),
            );
            p.value = Some(code.to_string());
            return Err(p);
        }
        Ok(Location {
            gemeente,
            wijk: code.wijk(),
            buurt: matches!(code, AreaCode::Buurt(_)).then_some(code),
        })
    }

    /// The area a row of the evaluation's inputs is for, as (level, code): today's gemeente (a
    /// merged one's successor), or a district or regio of `districten`.
    pub fn resolve_evaluatie(
        &self,
        gebied: &EvaluatieGebied,
        column: &'static str,
    ) -> Result<(&'static str, String), Problem> {
        match gebied {
            EvaluatieGebied::Gemeente(code) => {
                let location = self.resolve(*code, column)?;
                Ok(("gemeente", location.gemeente.to_string()))
            }
            EvaluatieGebied::DistrictOfRegio(code) => {
                let districts = || self.districts.values();
                if districts().any(|d| d.district_code == *code) {
                    Ok(("district", code.clone()))
                } else if districts().any(|d| d.regio_code == *code) {
                    Ok(("regio", code.clone()))
                } else {
                    Err(Problem::new(
                        column,
                        Rule::OnbekendGebied,
                        format!("{code} is no gemeente, district or regio of districten.csv"),
                    )
                    .with_value(code))
                }
            }
        }
    }

    /// Locates an RD New point in the finest boundary level given.
    pub fn locate_point(&self, x: f64, y: f64, column: &'static str) -> Result<Location, Problem> {
        let code = self
            .indexes
            .iter()
            .find_map(|i| i.locate(&self.boundaries, x, y))
            .ok_or_else(|| {
                let mut p = Problem::new(
                    column,
                    Rule::OnbekendGebied,
                    "the point (x, y in RD New) lies in no boundary",
                );
                p.value = Some(format!("{x} {y}"));
                p
            })?;
        self.resolve(code, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Origin;

    fn merge(a: &str, b: &str) -> Row<Herindeling> {
        Row {
            origin: Origin {
                file: "h.csv".into(),
                line: 2,
            },
            value: Herindeling {
                oud: AreaCode::parse(a).expect("code"),
                nieuw: AreaCode::parse(b).expect("code"),
                ingangsdatum: chrono::NaiveDate::MIN,
            },
        }
    }

    #[test]
    fn chains_resolve_and_cycles_are_refused() {
        let m =
            resolve_chains(&[merge("GM0001", "GM0002"), merge("GM0002", "GM0003")]).expect("chain");
        assert_eq!(m[&AreaCode::Gemeente(1)], AreaCode::Gemeente(3));
        assert_eq!(m[&AreaCode::Gemeente(2)], AreaCode::Gemeente(3));
        assert!(resolve_chains(&[merge("GM0001", "GM0002"), merge("GM0002", "GM0001")]).is_err());
    }

    #[test]
    fn resolves_codes_through_mergers_and_districts() {
        let d = District {
            gemeente: AreaCode::Gemeente(3),
            district_code: "D".into(),
            district_naam: "D".into(),
            regio_code: "R".into(),
            regio_naam: "R".into(),
        };
        let succ = resolve_chains(&[merge("GM0001", "GM0003")]).expect("chain");
        let reg = AreaRegistry::new(vec![d], succ, vec![]);
        let bu = reg.resolve(AreaCode::Buurt(30_102), "c").expect("known");
        assert_eq!(bu.wijk, Some(AreaCode::Wijk(301)));
        let merged = reg.resolve(AreaCode::Buurt(10_102), "c").expect("merged");
        assert_eq!(
            merged,
            Location {
                gemeente: AreaCode::Gemeente(3),
                wijk: None,
                buurt: None
            }
        );
        let unknown = reg
            .resolve(AreaCode::Gemeente(9), "c")
            .expect_err("unknown");
        assert_eq!(unknown.rule, Rule::OnbekendGebied);
    }
}
