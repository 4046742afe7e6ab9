//! Calendar: the periods and dates of inputs.md §1 — parsing ISO forms and CBS StatLine codes,
//! and the output grain (`maand`, `kwartaal`, `jaar`) that every period is expressed in.

use chrono::{Datelike, NaiveDate};

pub use crate::config::Grain;

/// One period: a month, quarter or year, identified by its grain and first month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    /// First month of the period, 1..=12.
    pub first_month: u32,
    pub grain: Grain,
}

impl Period {
    /// The period of `grain` that contains `date`.
    pub fn containing(date: NaiveDate, grain: Grain) -> Period {
        let m = grain.months();
        let first_month = (date.month0() / m) * m + 1;
        Period {
            year: date.year(),
            first_month,
            grain,
        }
    }

    /// Parses `2024-03`/`2024MM03`, `2024-Q1`/`2024KW01` and `2024`/`2024JJ00`.
    pub fn parse(text: &str) -> Option<Period> {
        let t = text.trim().to_ascii_uppercase();
        let year_of = |s: &str| -> Option<i32> {
            (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
        };
        let num = |s: &str| -> Option<u32> {
            (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())?
        };
        if t.len() == 4 {
            return Some(Period {
                year: year_of(&t)?,
                first_month: 1,
                grain: Grain::Jaar,
            });
        }
        let (year, rest) = (year_of(t.get(..4)?)?, t.get(4..)?);
        let (grain, index) = if let Some(q) = rest.strip_prefix("-Q").or(rest.strip_prefix("KW")) {
            (Grain::Kwartaal, num(q)?)
        } else if let Some(m) = rest.strip_prefix("MM").or(rest.strip_prefix('-')) {
            (Grain::Maand, num(m)?)
        } else if rest == "JJ00" {
            (Grain::Jaar, 1)
        } else {
            return None;
        };
        let first_month = match grain {
            Grain::Kwartaal if (1..=4).contains(&index) => (index - 1) * 3 + 1,
            Grain::Maand if (1..=12).contains(&index) => index,
            Grain::Jaar => 1,
            _ => return None,
        };
        Some(Period {
            year,
            first_month,
            grain,
        })
    }

    pub fn start(self) -> NaiveDate {
        // Valid by construction: first_month is 1..=12.
        NaiveDate::from_ymd_opt(self.year, self.first_month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn end(self) -> NaiveDate {
        self.next().start().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    pub fn next(self) -> Period {
        self.shift(1)
    }

    /// The period `n` steps later (negative: earlier) at the same grain.
    pub fn shift(self, n: i32) -> Period {
        let m = self.grain.months() as i32;
        let index = self.year * 12 + (self.first_month as i32 - 1) + n * m;
        Period {
            year: index.div_euclid(12),
            first_month: index.rem_euclid(12) as u32 + 1,
            grain: self.grain,
        }
    }

    /// True when this period lies inside one period of the (equal or coarser) `grain`.
    pub fn fits_in(self, grain: Grain) -> bool {
        self.grain.months() <= grain.months()
    }

    /// The label used in the tables: `2024-03`, `2024-Q1` or `2024`.
    pub fn label(self) -> String {
        match self.grain {
            Grain::Maand => format!("{}-{:02}", self.year, self.first_month),
            Grain::Kwartaal => format!("{}-Q{}", self.year, (self.first_month - 1) / 3 + 1),
            Grain::Jaar => format!("{}", self.year),
        }
    }
}

/// Parses `YYYY-MM-DD` or `DD-MM-YYYY`; a time part after `T` or a space is ignored
/// (Parquet timestamps and spreadsheet exports carry one).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let date_part = t.split(['T', ' ']).next().unwrap_or(t);
    if let Some(date) = parse_iso_date(date_part.as_bytes()) {
        return Some(date);
    }
    NaiveDate::parse_from_str(date_part, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(date_part, "%d-%m-%Y"))
        .ok()
        .filter(|d| {
            // chrono accepts one-digit years with %Y; a real export never has them.
            date_part.len() >= 8 && (1000..=9999).contains(&d.year())
        })
}

/// The common case, `YYYY-MM-DD` with zero-padded fields, without chrono's format machinery
/// (tens of millions of dates in a national drop); anything else is left to the general parser.
fn parse_iso_date(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(number(&b[0..4])?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..10])?)?;
    (year >= 1000).then_some(date)
}

/// The periods from `first` to `last` inclusive.
pub fn periods_between(first: Period, last: Period) -> Vec<Period> {
    let mut out = Vec::new();
    let mut p = first;
    while p <= last {
        out.push(p);
        p = p.next();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn parses_iso_and_statline_periods() {
        assert_eq!(Period::parse("2024-03"), Period::parse("2024MM03"));
        assert_eq!(Period::parse("2024-Q1"), Period::parse("2024KW01"));
        assert_eq!(Period::parse("2024"), Period::parse("2024JJ00"));
        assert_eq!(
            Period::parse("2024-q2").map(|p| p.label()),
            Some("2024-Q2".into())
        );
        assert_eq!(
            Period::parse("2024KW02").map(|p| p.start()),
            Some(d("2024-04-01"))
        );
        assert_eq!(
            Period::parse("2024-Q4").map(|p| p.end()),
            Some(d("2024-12-31"))
        );
        assert_eq!(
            Period::parse("2024-02").map(|p| p.end()),
            Some(d("2024-02-29"))
        );
        for bad in [
            "2024-13", "2024-Q5", "2024KW00", "24-01", "2024MM", "", "abcd",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn parses_both_date_orders() {
        assert_eq!(parse_date("2024-03-31"), Some(d("2024-03-31")));
        assert_eq!(parse_date("31-03-2024"), Some(d("2024-03-31")));
        assert_eq!(parse_date("2024-03-31T00:00:00"), Some(d("2024-03-31")));
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date("3/31/2024"), None);
        assert_eq!(parse_date("0999-03-31"), None);
        assert_eq!(parse_date("2024-3-31"), Some(d("2024-03-31")));
    }

    #[test]
    fn containing_and_shifting() {
        let q = Period::containing(d("2024-05-17"), Grain::Kwartaal);
        assert_eq!(q.label(), "2024-Q2");
        assert_eq!(q.shift(-2).label(), "2023-Q4");
        // The year before is the published labels' rule (`vocabulary::year_before`): for every
        // grain it is the period a year's steps earlier.
        for grain in [Grain::Maand, Grain::Kwartaal, Grain::Jaar] {
            let p = Period::containing(d("2024-05-17"), grain);
            let steps = 12 / grain.months() as i32;
            assert_eq!(
                risicobeeld_snapshot::vocabulary::year_before(&p.label()),
                Some(p.shift(-steps).label())
            );
        }
        let m = Period::containing(d("2024-01-31"), Grain::Maand);
        assert_eq!(m.shift(-1).label(), "2023-12");
        assert_eq!(periods_between(m, m.shift(2)).len(), 3);
        assert!(m.fits_in(Grain::Kwartaal));
        assert!(!q.fits_in(Grain::Maand));
    }

    proptest::proptest! {
        /// Every period survives label → parse, and contains its own first and last day.
        #[test]
        fn labels_parse_back(year in 1000i32..9999, month in 1u32..=12, g in 0usize..3) {
            let grain = [Grain::Maand, Grain::Kwartaal, Grain::Jaar][g];
            let date = NaiveDate::from_ymd_opt(year, month, 1).expect("valid date");
            let p = Period::containing(date, grain);
            proptest::prop_assert_eq!(Period::parse(&p.label()), Some(p));
            proptest::prop_assert_eq!(Period::containing(p.start(), grain), p);
            proptest::prop_assert_eq!(Period::containing(p.end(), grain), p);
            proptest::prop_assert_eq!(p.next().shift(-1), p);
        }
    }
}
