//! Population (`bevolking.csv`): its contract and row parser (inputs.md §3).

use super::*;

pub const BEVOLKING: Contract = Contract {
    source: "bevolking",
    columns: &["gebiedscode", "jaar", "inwoners"],
    required: &["gebiedscode", "jaar", "inwoners"],
};

#[derive(Debug, Clone)]
pub struct Bevolking {
    pub area: AreaCode,
    pub jaar: i32,
    pub inwoners: i64,
}

pub fn bevolking(c: &Cells) -> Verdict<Bevolking> {
    (|| {
        let jaar_text = c.req("jaar")?;
        let jaar = Period::parse(&jaar_text)
            .filter(|p| p.grain == Grain::Jaar)
            .map(|p| p.year)
            .ok_or_else(|| {
                with_value(
                    Problem::new(
                        "jaar",
                        Rule::OnleesbareWaarde,
                        "not a year (2024 or 2024JJ00)",
                    ),
                    &jaar_text,
                )
            })?;
        Ok(Bevolking {
            area: req_area(c, "gebiedscode")?,
            jaar,
            inwoners: c.count("inwoners")?,
        })
    })()
    .into()
}
