//! HTML building blocks: escaping, the page frame (navigation, freshness banner, footer), and
//! data tables. Pages are rendered on the server; the only script is the print button.

use std::fmt::Write;

use super::frame::{Cell, Frame, format_number};

/// Escapes text for HTML element content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a query-string value.
pub fn url_value(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// A query string from pairs (empty values left out).
pub fn query_string(pairs: &[(String, String)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        s.append_pair(k, v);
    }
    s.finish()
}

/// Displays a cell: suppressed as `<min_count`, missing as an en dash.
pub fn show(cell: &Cell, min_count: i64) -> String {
    match cell {
        Cell::Suppressed => format!("<{min_count}"),
        Cell::Null => "–".to_string(),
        Cell::Num(v) => format_number(*v),
        Cell::Text(t) => t.clone(),
    }
}

/// How a page is delivered: in the browser, or as one offline file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Live,
    Export,
}

/// Everything around the content of a page.
pub struct Page<'a> {
    pub title: &'a str,
    pub body: String,
    pub banner: Option<String>,
    pub user: Option<(&'a str, &'a str)>,
    pub run_id: &'a str,
    pub footer: String,
    pub mode: Mode,
}

pub const STYLE: &str = include_str!("assets/style.css");

impl Page<'_> {
    pub fn render(&self) -> String {
        let head_style = match self.mode {
            Mode::Live => "<link rel=\"stylesheet\" href=\"/assets/style.css\"><link rel=\"icon\" href=\"/assets/favicon.svg\" type=\"image/svg+xml\">".to_string(),
            Mode::Export => format!("<style>{STYLE}</style>"),
        };
        let script = match self.mode {
            Mode::Live => "<script src=\"/assets/app.js\" defer></script>",
            Mode::Export => "",
        };
        let nav = match self.mode {
            Mode::Live => self.nav(),
            Mode::Export => String::new(),
        };
        let banner = self
            .banner
            .as_ref()
            .map(|b| format!("<div class=\"banner\" role=\"alert\">{}</div>", esc(b)))
            .unwrap_or_default();
        format!(
            "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} – risicobeeld</title>{head_style}{script}</head>\
<body><a class=\"skip\" href=\"#inhoud\">Naar de inhoud</a>\
<header>{nav}</header>{banner}<main id=\"inhoud\"><h1>{title}</h1>{body}</main>\
<footer>{footer}<p>Snapshot {run}</p></footer></body></html>",
            title = esc(self.title),
            body = self.body,
            footer = self.footer,
            run = esc(self.run_id),
        )
    }

    fn nav(&self) -> String {
        let account = match self.user {
            Some((name, role)) => format!(
                "<span>{} ({})</span><form method=\"post\" action=\"/logout\" class=\"inline\"><button type=\"submit\">Afmelden</button></form>",
                esc(name),
                esc(role)
            ),
            None => "<a href=\"/login\">Aanmelden</a>".to_string(),
        };
        format!(
            "<nav aria-label=\"Hoofdmenu\"><a class=\"merk\" href=\"/\">risicobeeld</a>\
<a href=\"/\">Verkenner</a><a href=\"/dashboards\">Dashboards</a><a href=\"/over\">Status en bronnen</a>{account}</nav>"
        )
    }
}

/// A table of a frame. `link_column` values link to their area page; `sort` makes the column
/// headers links to the same page sorted (server-side, so the state is in the URL).
pub struct TableOptions<'a> {
    pub caption: &'a str,
    pub link_column: Option<&'a str>,
    pub min_count: i64,
    /// (base query without sort, current sort column, descending)
    pub sort: Option<(String, Option<String>, bool)>,
    pub select_column: Option<&'a str>,
    pub links: bool,
}

pub fn table(frame: &Frame, options: &TableOptions) -> String {
    let mut html = String::from("<div class=\"tabel\"><table>");
    let _ = write!(
        html,
        "<caption>{}</caption><thead><tr>",
        esc(options.caption)
    );
    if options.select_column.is_some() {
        html.push_str("<th scope=\"col\">Vergelijk</th>");
    }
    for c in &frame.columns {
        let label = column_label(c);
        match &options.sort {
            Some((base, current, desc)) if options.links => {
                let active = current.as_deref() == Some(c.as_str());
                let next_desc = !(active && *desc);
                let aria = if active {
                    if *desc {
                        " aria-sort=\"descending\""
                    } else {
                        " aria-sort=\"ascending\""
                    }
                } else {
                    ""
                };
                let sep = if base.is_empty() { "" } else { "&" };
                let _ = write!(
                    html,
                    "<th scope=\"col\"{aria}><a href=\"?{}{sep}sorteer={}&amp;richting={}\">{}</a></th>",
                    esc(base),
                    esc(&url_value(c)),
                    if next_desc { "af" } else { "op" },
                    esc(&label)
                );
            }
            _ => {
                let _ = write!(html, "<th scope=\"col\">{}</th>", esc(&label));
            }
        }
    }
    html.push_str("</tr></thead><tbody>");
    let link_index = options.link_column.and_then(|c| frame.column(c));
    let select_index = options.select_column.and_then(|c| frame.column(c));
    for row in &frame.rows {
        html.push_str("<tr>");
        if let Some(i) = select_index {
            let code = row[i].text();
            let _ = write!(
                html,
                "<td><input type=\"checkbox\" name=\"gebied\" value=\"{0}\" aria-label=\"Vergelijk {0}\"></td>",
                esc(&code)
            );
        }
        for (i, cell) in row.iter().enumerate() {
            let text = esc(&show(cell, options.min_count));
            let class = if cell.number().is_some() || *cell == Cell::Suppressed {
                " class=\"getal\""
            } else {
                ""
            };
            if Some(i) == link_index && options.links && matches!(cell, Cell::Text(_)) {
                let _ = write!(
                    html,
                    "<td{class}><a href=\"/gebied/{}\">{text}</a></td>",
                    esc(&cell.text())
                );
            } else {
                let _ = write!(html, "<td{class}>{text}</td>");
            }
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table></div>");
    html
}

/// Column names are Dutch data names; shown with spaces for reading.
pub fn column_label(name: &str) -> String {
    name.replace('_', " ")
}

/// An SVG mark of an area, as a link to its area page (with the tooltip as its accessible name)
/// when `links`, else as it is (an exported page has no server to link to).
pub fn area_link(code: &str, tip: &str, mark: &str, links: bool) -> String {
    if links {
        format!(
            "<a href=\"/gebied/{}\" aria-label=\"{}\">{mark}</a>",
            esc(code),
            esc(tip)
        )
    } else {
        mark.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            esc("<a href=\"x\">'s</a>&"),
            "&lt;a href=&quot;x&quot;&gt;&#39;s&lt;/a&gt;&amp;"
        );
    }

    #[test]
    fn suppressed_cells_show_the_threshold() {
        assert_eq!(show(&Cell::Suppressed, 5), "<5");
        assert_eq!(show(&Cell::Null, 5), "–");
        assert_eq!(show(&Cell::Num(1500.0), 5), "1.500");
    }

    #[test]
    fn query_strings_encode_values_and_skip_empty_ones() {
        let q = query_string(&[
            ("niveau".into(), "buurt".into()),
            ("x".into(), String::new()),
            ("q".into(), "a b&c".into()),
        ]);
        assert_eq!(q, "niveau=buurt&q=a+b%26c");
    }
}
