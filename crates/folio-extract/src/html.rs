//! HTML and XHTML: the main text, sectioned by headings; scripts, styles, navigation, headers, footers
//! and forms are dropped. EPUB chapters reuse this.

use ego_tree::NodeRef;
use folio_core::chunk::LineUnit;
use folio_core::Location;
use scraper::{Html, Node};

use crate::builder::{squash, Builder};
use crate::{ExtractError, Extracted, Format};

/// Elements whose content is never document text.
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button", "select", "svg",
    "canvas", "iframe", "object", "head",
];

/// Elements that end a line of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "tr",
    "table",
    "blockquote",
    "pre",
    "br",
    "hr",
    "figure",
    "figcaption",
    "address",
    "td",
    "th",
    "caption",
];

/// A run of lines under one heading path.
pub(crate) struct HtmlSection {
    /// Heading path, outermost first.
    pub heading: Option<String>,
    /// Lines of text.
    pub lines: Vec<String>,
}

struct Walker {
    sections: Vec<HtmlSection>,
    path: Vec<(u32, String)>,
    lines: Vec<String>,
    line: String,
    title: Option<String>,
}

impl Walker {
    fn end_line(&mut self) {
        let l = squash(&self.line);
        self.line.clear();
        if !l.is_empty() {
            self.lines.push(l);
        }
    }

    fn end_section(&mut self) {
        self.end_line();
        let heading =
            (!self.path.is_empty()).then(|| self.path.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join(" > "));
        let lines = std::mem::take(&mut self.lines);
        if !lines.is_empty() {
            self.sections.push(HtmlSection { heading, lines });
        }
    }

    fn walk(&mut self, node: NodeRef<'_, Node>) {
        match node.value() {
            Node::Text(t) => self.line.push_str(t),
            Node::Element(e) => {
                let name = e.name();
                if name == "title" {
                    let t = squash(&text_of(node));
                    if !t.is_empty() {
                        self.title.get_or_insert(t);
                    }
                    return;
                }
                if DROPPED.contains(&name) || e.attr("hidden").is_some() || e.attr("aria-hidden") == Some("true") {
                    return;
                }
                if let Some(level) =
                    name.strip_prefix('h').and_then(|n| n.parse::<u32>().ok()).filter(|l| (1..=6).contains(l))
                {
                    let text = squash(&text_of(node));
                    self.end_section();
                    if !text.is_empty() {
                        self.path.retain(|(l, _)| *l < level);
                        self.path.push((level, text.clone()));
                        self.lines.push(text);
                    }
                    return;
                }
                let block = BLOCKS.contains(&name);
                if block {
                    self.end_line();
                }
                if name == "li" {
                    self.line.push_str("• ");
                }
                for child in node.children() {
                    self.walk(child);
                    if matches!(child.value(), Node::Element(c) if c.name() == "td" || c.name() == "th") {
                        self.line.push_str(" | ");
                    }
                }
                if block {
                    self.end_line();
                }
            }
            _ => {
                for child in node.children() {
                    self.walk(child);
                }
            }
        }
    }
}

fn text_of(node: NodeRef<'_, Node>) -> String {
    node.descendants()
        .filter_map(|n| match n.value() {
            Node::Text(t) => Some(t.to_string()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The sections of an HTML document and its `<title>`.
pub(crate) fn sections(markup: &str) -> (Vec<HtmlSection>, Option<String>) {
    let doc = Html::parse_document(markup);
    let mut walker =
        Walker { sections: Vec::new(), path: Vec::new(), lines: Vec::new(), line: String::new(), title: None };
    walker.walk(doc.tree.root());
    walker.end_section();
    (walker.sections, walker.title)
}

/// HTML and XHTML files.
pub(crate) fn html(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let markup = crate::text::decode(bytes)?;
    let (sections, _) = sections(&markup);
    let mut builder = Builder::default();
    for s in sections {
        builder.section(Location { heading: s.heading, ..Location::default() }, LineUnit::Lines, None, &s.lines);
    }
    if builder.is_empty() {
        return Err(ExtractError::Empty);
    }
    Ok(builder.finish(Format::Html))
}
