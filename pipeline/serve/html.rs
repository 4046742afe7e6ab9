//! HTML building blocks: the page frame (navigation, freshness banner, footer), data tables and
//! area links. Pages are rendered on the server with maud, which escapes every value it puts
//! into HTML; the only script is the print button.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::frame::{Cell, Frame, format_number};

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

/// The one mark of a figure disclosure control hides, wherever it appears (pages, charts,
/// exports, Excel, CSV): the same for a small count and for a count hidden to protect another,
/// so that the mark itself tells nothing (docs/disclosure.md).
pub const HIDDEN_MARK: &str = "×";

/// What the mark means, for a tooltip, a legend and screen readers.
pub const HIDDEN_MEANING: &str = "niet getoond ter bescherming van kleine aantallen";

/// Displays a cell: hidden as `HIDDEN_MARK`, missing as an en dash.
pub fn show(cell: &Cell) -> String {
    match cell {
        Cell::Suppressed => HIDDEN_MARK.to_string(),
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
    pub body: Markup,
    pub banner: Option<String>,
    pub user: Option<(&'a str, &'a str)>,
    pub run_id: &'a str,
    pub footer: Markup,
    pub mode: Mode,
}

pub const STYLE: &str = include_str!("assets/style.css");

impl Page<'_> {
    pub fn render(&self) -> String {
        let page = html! {
            (DOCTYPE)
            html lang="nl" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (self.title) " – risicobeeld" }
                    @match self.mode {
                        Mode::Live => {
                            link rel="stylesheet" href="/assets/style.css";
                            link rel="icon" href="/assets/favicon.svg" type="image/svg+xml";
                            script src="/assets/app.js" defer {}
                        }
                        // The stylesheet is the binary's own file, not input.
                        Mode::Export => style { (PreEscaped(STYLE)) },
                    }
                }
                body {
                    a.skip href="#inhoud" { "Naar de inhoud" }
                    header {
                        @if self.mode == Mode::Live { (self.nav()) }
                    }
                    @if let Some(banner) = &self.banner {
                        div.banner role="alert" { (banner) }
                    }
                    main id="inhoud" {
                        h1 { (self.title) }
                        (self.body)
                    }
                    footer {
                        (self.footer)
                        p { "Snapshot " (self.run_id) }
                    }
                }
            }
        };
        page.into_string()
    }

    fn nav(&self) -> Markup {
        html! {
            nav aria-label="Hoofdmenu" {
                a.merk href="/" { "risicobeeld" }
                a href="/" { "Verkenner" }
                a href="/dashboards" { "Dashboards" }
                a href="/over" { "Status en bronnen" }
                @match self.user {
                    Some((name, role)) => {
                        span { (name) " (" (role) ")" }
                        form.inline method="post" action="/logout" {
                            button type="submit" { "Afmelden" }
                        }
                    }
                    None => a href="/login" { "Aanmelden" },
                }
            }
        }
    }
}

/// A table of a frame. `link_column` values link to their area page; `sort` makes the column
/// headers links to the same page sorted (server-side, so the state is in the URL).
pub struct TableOptions<'a> {
    pub caption: &'a str,
    pub link_column: Option<&'a str>,
    /// (base query without sort, current sort column, descending)
    pub sort: Option<(String, Option<String>, bool)>,
    pub select_column: Option<&'a str>,
    pub links: bool,
}

pub fn table(frame: &Frame, options: &TableOptions) -> Markup {
    let link_index = options.link_column.and_then(|c| frame.column(c));
    let select_index = options.select_column.and_then(|c| frame.column(c));
    html! {
        div.tabel {
            table {
                caption { (options.caption) }
                thead {
                    tr {
                        @if options.select_column.is_some() {
                            th scope="col" { "Vergelijk" }
                        }
                        @for c in &frame.columns {
                            (column_header(c, options))
                        }
                    }
                }
                tbody {
                    @for row in &frame.rows {
                        tr {
                            @if let Some(i) = select_index {
                                @let code = row[i].text();
                                td {
                                    input type="checkbox" name="gebied" value=(code)
                                        aria-label={ "Vergelijk " (code) };
                                }
                            }
                            @for (i, cell) in row.iter().enumerate() {
                                @let text = show(cell);
                                @let class = (cell.number().is_some() || *cell == Cell::Suppressed)
                                    .then_some("getal");
                                td class=[class] {
                                    @if *cell == Cell::Suppressed {
                                        abbr.verborgen title=(HIDDEN_MEANING) { (text) }
                                    } @else if Some(i) == link_index && options.links && matches!(cell, Cell::Text(_)) {
                                        a href={ "/gebied/" (cell.text()) } { (text) }
                                    } @else {
                                        (text)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A column's header: a link that sorts by it when the table is sortable.
fn column_header(c: &str, options: &TableOptions) -> Markup {
    let label = column_label(c);
    match &options.sort {
        Some((base, current, desc)) if options.links => {
            let active = current.as_deref() == Some(c);
            let next_desc = !(active && *desc);
            let aria = active.then_some(if *desc { "descending" } else { "ascending" });
            let sep = if base.is_empty() { "" } else { "&" };
            let href = format!(
                "?{base}{sep}sorteer={}&richting={}",
                url_value(c),
                if next_desc { "af" } else { "op" }
            );
            html! { th scope="col" aria-sort=[aria] { a href=(href) { (label) } } }
        }
        _ => html! { th scope="col" { (label) } },
    }
}

/// Column names are Dutch data names: an indicator's column by its registry label, any other
/// with spaces for reading.
pub fn column_label(name: &str) -> String {
    super::indicators::column_label(name).unwrap_or_else(|| name.replace('_', " "))
}

/// An SVG mark of an area, as a link to its area page (with the tooltip as its accessible name)
/// when `links`, else as it is (an exported page has no server to link to).
pub fn area_link(code: &str, tip: &str, mark: Markup, links: bool) -> Markup {
    html! {
        @if links {
            a href={ "/gebied/" (code) } aria-label=(tip) { (mark) }
        } @else {
            (mark)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text from a snapshot or a request never becomes markup: in content, in attributes, in
    /// links.
    #[test]
    fn values_in_tables_and_frames_are_escaped() {
        let evil = "<script>alert(\"x\")</script>&";
        let frame = Frame {
            columns: vec!["gebiedscode".into(), "naam".into()],
            rows: vec![vec![Cell::Text(evil.into()), Cell::Text(evil.into())]],
        };
        let options = TableOptions {
            caption: evil,
            link_column: Some("gebiedscode"),
            sort: Some((String::new(), None, false)),
            select_column: Some("gebiedscode"),
            links: true,
        };
        let out = table(&frame, &options).into_string();
        assert!(!out.contains("<script>"), "{out}");
        assert!(
            out.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;"),
            "{out}"
        );
        let page = Page {
            title: evil,
            body: html! { p { (evil) } },
            banner: Some(evil.into()),
            user: Some((evil, "analist")),
            run_id: evil,
            footer: html! {},
            mode: Mode::Live,
        }
        .render();
        assert!(!page.contains("<script>"), "{page}");
    }

    #[test]
    fn a_hidden_cell_shows_the_one_mark_and_never_a_threshold() {
        assert_eq!(show(&Cell::Suppressed), "×");
        assert_eq!(show(&Cell::Null), "–");
        assert_eq!(show(&Cell::Num(1500.0)), "1.500");
        let frame = Frame {
            columns: vec!["signalen_totaal".into()],
            rows: vec![vec![Cell::Suppressed]],
        };
        let options = TableOptions {
            caption: "t",
            link_column: None,
            sort: None,
            select_column: None,
            links: false,
        };
        let out = table(&frame, &options).into_string();
        assert!(out.contains(HIDDEN_MEANING) && out.contains('×') && !out.contains("&lt;5"));
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
