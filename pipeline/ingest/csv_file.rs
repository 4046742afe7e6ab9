//! CSV files: encoding (UTF-8 with or without BOM, else Windows-1252), delimiter detection
//! (`,` or `;` from the header line) and the csv crate for quoting and embedded newlines.

use std::path::Path;

use super::{IngestError, InputRow, TableShape};

/// Decodes file bytes: UTF-8 (a BOM is dropped), or Windows-1252 when not valid UTF-8 —
/// what a spreadsheet's "Save as CSV" produces on a Dutch Windows machine.
pub fn decode_text(bytes: Vec<u8>) -> String {
    let bytes = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(e.as_bytes());
            text.into_owned()
        }
    }
}

/// `;` when the header line has more semicolons than commas outside quotes, else `,`.
pub fn detect_delimiter(text: &str) -> u8 {
    let (mut in_quotes, mut commas, mut semis) = (false, 0, 0);
    for c in text.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            '\n' | '\r' if !in_quotes => break,
            ',' if !in_quotes => commas += 1,
            ';' if !in_quotes => semis += 1,
            _ => {}
        }
    }
    if semis > commas { b';' } else { b',' }
}

/// Reads a CSV file: its header goes to `shape` (which maps it onto the contract), then every
/// non-empty row to `each`, one record reused for all rows.
pub(super) fn read(
    path: &Path,
    shown: &str,
    shape: impl FnOnce(&[String], bool, usize) -> Result<TableShape, IngestError>,
    mut each: impl FnMut(&TableShape, &InputRow),
) -> Result<TableShape, IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
        file: shown.into(),
        source,
    })?;
    let text = decode_text(bytes);
    let delimiter = detect_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(shown, &e))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if header.iter().all(|h| h.is_empty()) {
        return Err(IngestError::NoHeader { file: shown.into() });
    }
    let lines = text.bytes().filter(|b| *b == b'\n').count();
    let shape = shape(&header, delimiter == b';', lines)?;
    let mut lines = LineCounter::new(text.as_bytes());
    let mut row = InputRow {
        line: 0,
        record: csv::StringRecord::with_capacity(256, header.len()),
        columns: Vec::new(),
        index: 0,
    };
    while reader
        .read_record(&mut row.record)
        .map_err(|e| csv_error(shown, &e))?
    {
        // A fully empty line (a trailing `;;;` row from a spreadsheet) carries nothing.
        if row.record.as_slice().trim().is_empty() {
            continue;
        }
        row.line = lines.line_at(row.record.position().map_or(0, |p| p.byte()));
        each(&shape, &row);
    }
    Ok(shape)
}

/// The 1-based line on which a record starts. The csv crate reports a record's byte offset
/// before the previous record's line terminator is consumed, so terminators are skipped here.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    newlines: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            offset: 0,
            newlines: 0,
        }
    }

    fn line_at(&mut self, byte: u64) -> u64 {
        let mut target = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while target < self.bytes.len() && matches!(self.bytes[target], b'\r' | b'\n') {
            target += 1;
        }
        if target > self.offset {
            self.newlines += self.bytes[self.offset..target]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            self.offset = target;
        }
        self.newlines + 1
    }
}

fn csv_error(shown: &str, e: &csv::Error) -> IngestError {
    let line = match e.kind() {
        csv::ErrorKind::UnequalLengths { pos: Some(pos), .. } => pos.line(),
        _ => e.position().map_or(0, |p| p.line()),
    };
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("the row has {len} fields where the header has {expected_len}")
        }
        _ => e.to_string(),
    };
    IngestError::Csv {
        file: shown.into(),
        line,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_delimiter_outside_quotes() {
        assert_eq!(detect_delimiter("a;b;c\n1,5;2;3"), b';');
        assert_eq!(detect_delimiter("a,b\n1;2;3;4"), b',');
        assert_eq!(detect_delimiter("\"x;y;z\",b,c\n"), b',');
    }

    #[test]
    fn decodes_windows_1252() {
        assert_eq!(decode_text(vec![b'\'', b's', b'-', 0xE9]), "'s-é");
        assert_eq!(decode_text("\u{feff}ok".as_bytes().to_vec()), "ok");
    }
}
