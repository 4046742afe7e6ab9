//! The evaluation's findings (Markdown from the drop) as markup: pulldown-cmark parses, this
//! module writes each element with maud, so every text is escaped. Raw HTML in the text is shown
//! as the text it is, never passed through; images show their description; a link keeps its
//! address only when that is http(s).

use maud::{Markup, html};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag};

/// Markdown as markup. Headings start at `h4`, under the page's part (`h2`) and panel (`h3`).
pub fn render(markdown: &str) -> Markup {
    // The open elements, each with the markup of its children so far; the root has no tag.
    let mut stack: Vec<(Option<Tag<'_>>, Vec<Markup>)> = vec![(None, Vec::new())];
    for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
        let leaf = match event {
            Event::Start(tag) => {
                stack.push((Some(tag), Vec::new()));
                continue;
            }
            Event::End(_) => {
                // Start and end always pair up; a stray end keeps the root.
                if stack.len() < 2 {
                    continue;
                }
                let Some((tag, children)) = stack.pop() else {
                    continue;
                };
                element(tag, &children)
            }
            Event::Text(t) => html! { (t.as_ref()) },
            Event::Code(t) => html! { code { (t.as_ref()) } },
            // Raw HTML is text: a `<script>` shows as the characters it is made of.
            Event::Html(t) | Event::InlineHtml(t) => html! { (t.as_ref()) },
            Event::SoftBreak => html! { " " },
            Event::HardBreak => html! { br; },
            Event::Rule => html! { hr; },
            Event::TaskListMarker(done) => html! { (if done { "[x] " } else { "[ ] " }) },
            Event::FootnoteReference(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                html! { (t.as_ref()) }
            }
        };
        if let Some((_, children)) = stack.last_mut() {
            children.push(leaf);
        }
    }
    // Unclosed elements (there are none after a well-formed parse) are flattened in.
    let mut out = Vec::new();
    while let Some((tag, children)) = stack.pop() {
        let inner = element(tag, &children);
        match stack.last_mut() {
            Some((_, parent)) => parent.push(inner),
            None => out.push(inner),
        }
    }
    html! { div.tekst { @for m in out { (m) } } }
}

/// One element around its children's markup.
fn element(tag: Option<Tag<'_>>, children: &[Markup]) -> Markup {
    let inner = html! { @for c in children { (c) } };
    let Some(tag) = tag else {
        return inner;
    };
    match tag {
        Tag::Paragraph => html! { p { (inner) } },
        Tag::Heading { level, .. } => match level {
            HeadingLevel::H1 | HeadingLevel::H2 => html! { h4 { (inner) } },
            _ => html! { h5 { (inner) } },
        },
        Tag::BlockQuote(_) => html! { blockquote { (inner) } },
        Tag::CodeBlock(_) => html! { pre { code { (inner) } } },
        Tag::List(Some(start)) => html! { ol start=(start) { (inner) } },
        Tag::List(None) => html! { ul { (inner) } },
        Tag::Item => html! { li { (inner) } },
        Tag::Emphasis => html! { em { (inner) } },
        Tag::Strong => html! { strong { (inner) } },
        Tag::Strikethrough => html! { s { (inner) } },
        Tag::Link { dest_url, .. } => {
            let url = dest_url.as_ref();
            if url.starts_with("https://") || url.starts_with("http://") {
                html! { a href=(url) rel="nofollow noopener noreferrer" { (inner) } }
            } else {
                inner
            }
        }
        // No images from elsewhere on a page of the evaluation: their description stays.
        Tag::Image { .. } => html! { span.afbeelding { (inner) } },
        _ => inner,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_markup_and_raw_html_stays_text() {
        let md = "## Knelpunten\n\nDe **weging** duurt te lang:\n\n- twee *weken*\n- `fase 2`\n\n\
                  <script>alert(1)</script>\n\nZie [de site](https://example.org) en \
                  [dit](javascript:alert(2)).\n\n![foto](https://example.org/x.png)\n";
        let out = render(md).into_string();
        assert!(out.contains("<h4>Knelpunten</h4>"), "{out}");
        assert!(out.contains("<strong>weging</strong>"), "{out}");
        assert!(out.contains("<li>twee <em>weken</em></li>"), "{out}");
        assert!(out.contains("<code>fase 2</code>"), "{out}");
        // The script is text, escaped; no element of it reaches the page.
        assert!(!out.contains("<script"), "{out}");
        assert!(
            out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{out}"
        );
        assert!(out.contains("href=\"https://example.org\""), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(out.contains("foto"), "{out}");
    }

    #[test]
    fn inline_html_and_attributes_cannot_escape() {
        let out = render("a <img src=x onerror=alert(1)> b \"<b>c</b>\"").into_string();
        assert!(!out.contains("<img"), "{out}");
        assert!(!out.contains("<b>"), "{out}");
        assert!(out.contains("&lt;img src=x onerror=alert(1)&gt;"), "{out}");
    }
}
