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
        let jaar = year(c, "jaar")?;
        Ok(Bevolking {
            area: req_area(c, "gebiedscode")?,
            jaar,
            inwoners: c.count("inwoners")?,
        })
    })()
    .into()
}
