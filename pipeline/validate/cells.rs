//! Cell rules: typed parsing of one text cell (counts, decimals, booleans, codes, postcodes) and
//! the personal-data detectors (BSN by elfproef, e-mail address, phone number).

use std::fmt;

/// A CBS area code: `GM` + 4, `WK` + 6 or `BU` + 8 digits; the hierarchy is in the digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AreaCode {
    Gemeente(u16),
    Wijk(u32),
    Buurt(u32),
}

impl AreaCode {
    /// Parses a code, ignoring padding spaces and case (CBS StatLine pads: `GM0518    `).
    pub fn parse(text: &str) -> Option<AreaCode> {
        let t = text.trim();
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let (prefix, rest) = (t.get(..2)?, t.get(2..)?);
        let is = |p: &str| prefix.eq_ignore_ascii_case(p);
        if is("GM") && digits(rest, 4) {
            rest.parse().ok().map(AreaCode::Gemeente)
        } else if is("WK") && digits(rest, 6) {
            rest.parse().ok().map(AreaCode::Wijk)
        } else if is("BU") && digits(rest, 8) {
            rest.parse().ok().map(AreaCode::Buurt)
        } else {
            None
        }
    }

    /// The gemeente whose digits this code starts with.
    pub fn gemeente(self) -> AreaCode {
        match self {
            AreaCode::Gemeente(_) => self,
            AreaCode::Wijk(n) => AreaCode::Gemeente((n / 100) as u16),
            AreaCode::Buurt(n) => AreaCode::Gemeente((n / 10_000) as u16),
        }
    }

    pub fn wijk(self) -> Option<AreaCode> {
        match self {
            AreaCode::Gemeente(_) => None,
            AreaCode::Wijk(_) => Some(self),
            AreaCode::Buurt(n) => Some(AreaCode::Wijk(n / 100)),
        }
    }

    /// The code's level, by its published name (`vocabulary::NIVEAUS`).
    pub fn level(self) -> &'static str {
        let [buurt, wijk, gemeente, ..] = risicobeeld_snapshot::vocabulary::NIVEAUS;
        match self {
            AreaCode::Gemeente(_) => gemeente,
            AreaCode::Wijk(_) => wijk,
            AreaCode::Buurt(_) => buurt,
        }
    }
}

impl fmt::Display for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AreaCode::Gemeente(n) => write!(f, "GM{n:04}"),
            AreaCode::Wijk(n) => write!(f, "WK{n:06}"),
            AreaCode::Buurt(n) => write!(f, "BU{n:08}"),
        }
    }
}

/// A whole number ≥ 0. `Err(true)` when it is a number but negative.
pub fn parse_count(text: &str) -> Result<i64, bool> {
    let t = text.trim();
    let t = t.strip_suffix(".0").unwrap_or(t); // Parquet doubles cast to text
    match t.parse::<i64>() {
        Ok(n) if n >= 0 => Ok(n),
        Ok(_) => Err(true),
        Err(_) => Err(false),
    }
}

/// A decimal; in `;` files a decimal comma (`12,5`) is accepted.
pub fn parse_decimal(text: &str, decimal_comma: bool) -> Option<f64> {
    let t = text.trim();
    let owned;
    let t = if decimal_comma && t.contains(',') {
        owned = t.replace(',', ".");
        owned.as_str()
    } else {
        t
    };
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// `true/false`, `ja/nee`, `1/0` (and `j/n`, `waar/onwaar`), case-insensitive.
pub fn parse_bool(text: &str) -> Option<bool> {
    const TRUE: [&str; 7] = ["true", "ja", "j", "1", "waar", "yes", "y"];
    const FALSE: [&str; 6] = ["false", "nee", "n", "0", "onwaar", "no"];
    let t = text.trim();
    let is = |words: &[&str]| words.iter().any(|w| w.eq_ignore_ascii_case(t));
    if is(&TRUE) {
        Some(true)
    } else if is(&FALSE) {
        Some(false)
    } else {
        None
    }
}

/// An identifier of at most `n` digits (e.g. a 16-digit BAG id) as its number. Shorter texts
/// are the same id with its leading zeros lost (through a spreadsheet or an integer Parquet
/// column), which the number does not see.
pub fn parse_digits(text: &str, n: usize) -> Option<u64> {
    let t = text.trim();
    let t = t.strip_suffix(".0").unwrap_or(t);
    if t.is_empty() || t.len() > n || n > 19 {
        return None;
    }
    t.bytes().try_fold(0u64, |value, b| {
        b.is_ascii_digit().then(|| value * 10 + u64::from(b - b'0'))
    })
}

/// `2271 ab` → `2271AB`; `None` when not a Dutch postcode.
pub fn normalise_postcode(text: &str) -> Option<Postcode> {
    let mut out = [0u8; 6];
    let mut n = 0;
    for b in text.bytes().filter(|b| !b.is_ascii_whitespace()) {
        *out.get_mut(n)? = b.to_ascii_uppercase();
        n += 1;
    }
    (n == 6
        && out[..4].iter().all(u8::is_ascii_digit)
        && out[0] != b'0'
        && out[4..].iter().all(u8::is_ascii_uppercase))
    .then_some(Postcode(out))
}

/// A normalised postcode, `2271AB`: four digits and two capitals, stored inline (there are
/// millions of them in a national drop).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Postcode([u8; 6]);

impl Postcode {
    /// The six ASCII bytes: four digits, two capitals.
    pub fn as_bytes(&self) -> &[u8; 6] {
        &self.0
    }
}

impl std::fmt::Display for Postcode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Only ASCII digits and capitals are ever stored.
        f.write_str(std::str::from_utf8(&self.0).unwrap_or("??????"))
    }
}

/// SBI code: `56.10.1` = `56101`; 2 to 5 digits.
pub fn normalise_sbi(text: &str) -> Option<String> {
    let t: String = text.trim().chars().filter(|c| *c != '.').collect();
    ((2..=5).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())).then_some(t)
}

/// A 9-digit number that passes the elfproef (the BSN check).
pub fn looks_like_bsn(text: &str) -> bool {
    let t = text.trim();
    if t.len() != 9 || !t.bytes().all(|b| b.is_ascii_digit()) || t.bytes().all(|b| b == b'0') {
        return false;
    }
    let d: Vec<i64> = t.bytes().map(|b| i64::from(b - b'0')).collect();
    let sum: i64 = (0..8).map(|i| d[i] * (9 - i as i64)).sum::<i64>() - d[8];
    sum % 11 == 0
}

/// Something@something.tld
pub fn looks_like_email(text: &str) -> bool {
    let t = text.trim();
    match t.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !local.contains(char::is_whitespace)
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// A Dutch phone number: `0612345678`, `06-12345678`, `070 123 4567`, `+31 6 12345678`,
/// `0031612345678`.
pub fn looks_like_phone(text: &str) -> bool {
    let t = text.trim();
    if !t
        .chars()
        .all(|c| c.is_ascii_digit() || " -+().".contains(c))
    {
        return false;
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let national = if t.starts_with('+') {
        digits.strip_prefix("31").map(|r| format!("0{r}"))
    } else if let Some(r) = digits.strip_prefix("0031") {
        Some(format!("0{r}"))
    } else {
        Some(digits)
    };
    national.is_some_and(|n| n.len() == 10 && n.starts_with('0') && !n.starts_with("00"))
}

/// Personal data anywhere in a free text (an action's description, a findings file): an e-mail
/// address among its words, a BSN or a phone number in a run of digits and separators
/// (`06-12345678`, `070 123 4567`, `123 456 782`). What it looks like, or `None`.
pub fn personal_data_in_text(text: &str) -> Option<&'static str> {
    let email = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .any(looks_like_email);
    if email {
        return Some("an e-mail address");
    }
    let separator = |c: char| " -+().".contains(c);
    let mut runs: Vec<&str> = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let in_run = c.is_ascii_digit() || (start.is_some() && separator(c));
        match (in_run, start) {
            (true, None) if c.is_ascii_digit() || c == '+' => start = Some(i),
            (false, Some(s)) => {
                runs.push(&text[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        runs.push(&text[s..]);
    }
    for run in runs {
        let run = run.trim_end_matches(|c: char| !c.is_ascii_digit());
        let digits: String = run.chars().filter(char::is_ascii_digit).collect();
        if digits.len() == 9 && looks_like_bsn(&digits) {
            return Some("a BSN (9 digits passing the elfproef)");
        }
        if looks_like_phone(run) {
            return Some("a phone number");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_data_is_found_inside_free_text() {
        // 111222333: 1·9 + 1·8 + 1·7 + 2·6 + 2·5 + 2·4 + 3·3 + 3·2 − 3 = 66 = 6 · 11.
        assert!(looks_like_bsn("111222333"));
        for (text, kind) in [
            ("Gesprek met j.jansen@gemeente.nl gepland.", "e-mail"),
            ("Bel (070) 123 4567 voor de planning", "phone"),
            ("Contact: 06-12345678.", "phone"),
            ("dossier 111222333 besproken", "BSN"),
            ("dossier 111 222 333 besproken", "BSN"),
        ] {
            let found = personal_data_in_text(text).unwrap_or_default();
            assert!(found.contains(kind), "{text}: {found:?}");
        }
        for clean in [
            "Jaarlijks 75 koppelingen; 12 controles in 2024 en 2025.",
            "Budget € 120.000 voor 2024-2025, zie paragraaf 3.2.",
            "Peildatum 2024-12-31, 1.250 adressen",
            "",
        ] {
            assert_eq!(personal_data_in_text(clean), None, "{clean}");
        }
    }

    #[test]
    fn area_codes_and_hierarchy() {
        let bu = AreaCode::parse("bu05180101 ").expect("buurt");
        assert_eq!(bu.to_string(), "BU05180101");
        assert_eq!(bu.wijk().map(|w| w.to_string()), Some("WK051801".into()));
        assert_eq!(bu.gemeente().to_string(), "GM0518");
        assert_eq!(
            AreaCode::parse("GM0518    ").map(|c| c.to_string()),
            Some("GM0518".into())
        );
        for bad in ["GM518", "WK05180", "XX0518", "GM05a8", ""] {
            assert_eq!(AreaCode::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn counts_decimals_bools() {
        assert_eq!(parse_count("12"), Ok(12));
        assert_eq!(parse_count("-3"), Err(true));
        assert_eq!(parse_count("drie"), Err(false));
        assert_eq!(parse_decimal("12,5", true), Some(12.5));
        assert_eq!(parse_decimal("12,5", false), None);
        assert_eq!(parse_decimal("81234.5", false), Some(81234.5));
        assert_eq!(parse_bool("Ja"), Some(true));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("misschien"), None);
    }

    #[test]
    fn ids_are_numbers_whatever_their_leading_zeros() {
        assert_eq!(parse_digits("0001010000000001", 16), Some(1010000000001));
        assert_eq!(parse_digits(" 1010000000001.0", 16), Some(1010000000001));
        assert_eq!(
            parse_digits("9999999999999999", 16),
            Some(9_999_999_999_999_999)
        );
        assert_eq!(parse_digits("12345678901234567", 16), None);
        assert_eq!(parse_digits("12a", 16), None);
        assert_eq!(parse_digits("", 8), None);
    }

    #[test]
    fn postcodes_and_sbi() {
        assert_eq!(
            normalise_postcode("2271 ab").map(|p| p.to_string()),
            Some("2271AB".into())
        );
        assert_eq!(normalise_postcode("2271 abc"), None);
        assert_eq!(normalise_postcode("0271AB"), None);
        assert_eq!(normalise_postcode("2271A"), None);
        assert_eq!(normalise_sbi("56.10.1"), Some("56101".into()));
        assert_eq!(normalise_sbi("7"), None);
    }

    #[test]
    fn personal_data_detectors() {
        // 111222333: 9*1+8*1+7*1+6*2+5*2+4*2+3*3+2*3 - 3 = 66 = 6*11.
        assert!(looks_like_bsn("111222333"));
        assert!(!looks_like_bsn("111222334"));
        assert!(!looks_like_bsn("12345"));
        assert!(looks_like_email("j.jansen@example.nl"));
        assert!(!looks_like_email("arbeid"));
        assert!(!looks_like_email("a@b"));
        for phone in [
            "0612345678",
            "06-12345678",
            "070 123 4567",
            "+31 6 12345678",
            "0031612345678",
        ] {
            assert!(looks_like_phone(phone), "{phone}");
        }
        for not_phone in ["12", "2024", "1234567890", "seksueel"] {
            assert!(!looks_like_phone(not_phone), "{not_phone}");
        }
    }
}
