//! Aggregate vacancy (`leegstand.csv`): its contract and row parser (inputs.md §4).

use super::*;

pub const LEEGSTAND: Contract = Contract {
    source: "leegstand",
    columns: &[
        "gebiedscode",
        "peildatum",
        "verblijfsobjecten_in_gebruik",
        "administratief_leeg",
    ],
    required: &[
        "gebiedscode",
        "peildatum",
        "verblijfsobjecten_in_gebruik",
        "administratief_leeg",
    ],
};

#[derive(Debug, Clone)]
pub struct LeegstandAggregaat {
    pub area: AreaCode,
    pub peildatum: NaiveDate,
    pub in_gebruik: i64,
    pub leeg: i64,
}

pub fn leegstand(c: &Cells, config: &Config) -> Verdict<LeegstandAggregaat> {
    (|| {
        let row = LeegstandAggregaat {
            area: req_area(c, "gebiedscode")?,
            peildatum: in_window(config, "peildatum", c.date("peildatum")?)?,
            in_gebruik: c.count("verblijfsobjecten_in_gebruik")?,
            leeg: c.count("administratief_leeg")?,
        };
        if row.leeg > row.in_gebruik {
            return Err(Problem::new(
                "administratief_leeg",
                Rule::OnmogelijkeWaarde,
                format!(
                    "{} vacant objects is more than the {} objects in use",
                    row.leeg, row.in_gebruik
                ),
            ));
        }
        Ok(row)
    })()
    .into()
}
