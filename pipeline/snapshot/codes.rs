//! Area codes as they travel through paths and URLs: the one safe shape that the pipeline
//! checks when it reads a code (a district code becomes a directory name, `district=<code>`)
//! and the server checks before it looks a code up. A leaf: it imports nothing of the crate.

/// The longest code accepted anywhere (CBS codes are at most 10 characters).
pub const MAX_CODE_LEN: usize = 32;

/// A code that is safe as a path segment, a hive partition value and a URL segment: 1 to 32
/// ASCII letters, digits, `-` or `_`. So no `/`, `..`, spaces, `=`, `%` or control characters.
pub fn is_safe_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= MAX_CODE_LEN
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What a code must look like, for error messages.
pub const SAFE_CODE_RULE: &str =
    "1 to 32 letters, digits, '-' or '_' (the code names a directory of the published tables)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cbs_and_district_codes_are_safe_and_paths_are_not() {
        for ok in ["GM0518", "WK051801", "BU05180101", "LB", "RIEC-DH", "d_1"] {
            assert!(is_safe_code(ok), "{ok}");
        }
        let long = "x".repeat(200);
        for bad in [
            "", "../x", "a/b", "..", "a b", "a\tb", "a\nb", "x=y", "a%2Fb", "é", &long,
        ] {
            assert!(!is_safe_code(bad), "{bad:?}");
        }
        assert!(is_safe_code(&"x".repeat(MAX_CODE_LEN)));
        assert!(!is_safe_code(&"x".repeat(MAX_CODE_LEN + 1)));
    }
}
