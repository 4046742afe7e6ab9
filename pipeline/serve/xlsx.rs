//! Excel downloads: a query result as one `.xlsx` sheet that opens as Dutch users have Excel —
//! typed numbers with number formats (Excel shows them with the reader's own decimal comma),
//! readable Dutch headers, and the one mark `×` where disclosure control hid a figure.

use datafusion::arrow::array::RecordBatch;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::frame::{Cell, Frame};

/// An indicator's column by its registry label (`indicatoren.kop`); any other as words:
/// `verschil_vorig_jaar_pct` → "Verschil vorig jaar (%)".
pub fn header(column: &str) -> String {
    if let Some(label) = super::indicators::column_label(column) {
        return label;
    }
    let (base, unit) = match column.strip_suffix("_pct") {
        Some(base) => (base, " (%)"),
        None => (column, ""),
    };
    let words = base.replace('_', " ");
    let mut chars = words.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
    format!("{}{}{unit}", first.unwrap_or_default(), chars.as_str())
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    if clean.is_empty() {
        "gegevens".into()
    } else {
        clean
    }
}

/// The batches as an `.xlsx` workbook of one sheet named `name`; a hidden figure reads `×`
/// (its flag column is folded into it, as on the pages).
pub fn to_xlsx(batches: &[RecordBatch], name: &str) -> Result<Vec<u8>, String> {
    write(&Frame::from_batches(batches), name).map_err(|e| e.to_string())
}

fn write(frame: &Frame, name: &str) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(name))?;
    let bold = Format::new().set_bold();
    let whole = Format::new().set_num_format("#,##0");
    let decimal = Format::new().set_num_format("#,##0.0#");
    let hidden = Format::new().set_align(rust_xlsxwriter::FormatAlign::Right);
    let suppressed = super::html::HIDDEN_MARK;
    for (c, column) in frame.columns.iter().enumerate() {
        let col = u16::try_from(c).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, col, header(column), &bold)?;
        // One format per column: whole numbers when every value is whole.
        let all_whole = frame
            .rows
            .iter()
            .filter_map(|r| r[c].number())
            .all(|v| v.fract() == 0.0);
        let format = if all_whole { &whole } else { &decimal };
        for (r, row) in frame.rows.iter().enumerate() {
            let at = u32::try_from(r + 1).unwrap_or(u32::MAX);
            match &row[c] {
                Cell::Num(v) => sheet.write_number_with_format(at, col, *v, format)?,
                Cell::Text(t) => sheet.write_string(at, col, t)?,
                Cell::Suppressed => sheet.write_string_with_format(at, col, suppressed, &hidden)?,
                Cell::Null => sheet,
            };
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofit();
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_words() {
        assert_eq!(header("verschil_vorig_jaar_pct"), "Verschil vorig jaar (%)");
        // An indicator by its heading, a ratio's statistic with it.
        let percentage = risicobeeld_snapshot::indicators::ratios()
            .find(|r| r.unit == "%")
            .expect("a percentage");
        assert_eq!(header(percentage.name), format!("{} (%)", percentage.label));
        assert_eq!(
            header(&format!("{}_ci_laag", percentage.name)),
            format!("{} (%): ondergrens 95%-interval", percentage.label)
        );
        assert_eq!(header("waarde"), "Waarde");
        assert_eq!(sheet_name("a/b:c"), "a_b_c");
        assert_eq!(sheet_name(&"x".repeat(40)).len(), 31);
    }
}
