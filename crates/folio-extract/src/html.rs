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

    fn walk(&mut self, node: NodeRef<'_, Node>, depth: usize) {
        if depth > MAX_DEPTH {
            // Deeper than any real page nests: keep the text, drop the structure (and the recursion).
            self.line.push_str(&text_of(node));
            self.line.push(' ');
            return;
        }
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
                    self.walk(child, depth + 1);
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
                    self.walk(child, depth + 1);
                }
            }
        }
    }
}

/// Deepest element nesting the walker follows; below it an element's text is kept as one run.
const MAX_DEPTH: usize = 256;

fn text_of(node: NodeRef<'_, Node>) -> String {
    node.descendants()
        .filter_map(|n| match n.value() {
            Node::Text(t) => Some(t.to_string()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Nesting past which a page is read as text without its structure: the HTML parser's scope checks
/// cost time in proportion to the depth at every element (50,000 levels took 16 s), and no real page
/// nests this deep.
const MAX_PARSE_DEPTH: usize = 2_000;

/// The sections of an HTML document and its `<title>`.
pub(crate) fn sections(markup: &str) -> (Vec<HtmlSection>, Option<String>) {
    if html_depth(markup) > MAX_PARSE_DEPTH {
        let lines: Vec<String> = strip_tags(markup).lines().map(squash).filter(|l| !l.is_empty()).collect();
        let sections = if lines.is_empty() { Vec::new() } else { vec![HtmlSection { heading: None, lines }] };
        return (sections, None);
    }
    let doc = Html::parse_document(markup);
    let mut walker =
        Walker { sections: Vec::new(), path: Vec::new(), lines: Vec::new(), line: String::new(), title: None };
    walker.walk(doc.tree.root(), 0);
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

/// The text of `markup` with its tags (and script and style bodies) removed and the common entities
/// decoded, in one pass: for pages too deep to parse.
fn strip_tags(markup: &str) -> String {
    let mut out = String::with_capacity(markup.len() / 2);
    let mut rest = markup;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let tag = &rest[open..];
        let lower: String = tag.chars().take(8).flat_map(char::to_lowercase).collect();
        let skip_to = if lower.starts_with("<script") {
            tag.to_ascii_lowercase().find("</script").unwrap_or(tag.len())
        } else if lower.starts_with("<style") {
            tag.to_ascii_lowercase().find("</style").unwrap_or(tag.len())
        } else {
            0
        };
        let after = &tag[skip_to..];
        let end = after.find('>').map_or(after.len(), |e| e + 1);
        out.push(' ');
        rest = &after[end..];
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Elements that never nest (void) or whose end tag HTML lets authors leave out: not counted as depth,
/// so a page of many `<br>` or unclosed `<li>` is not taken for a deep one.
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr", "p",
    "li", "dt", "dd", "tr", "td", "th", "option", "tbody", "thead", "tfoot", "colgroup", "!doctype",
];

/// An upper bound of how deep `markup`'s elements nest, by one pass over its tags.
fn html_depth(markup: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut rest = markup;
    while let Some(open) = rest.find('<') {
        let tag = &rest[open + 1..];
        let end = tag.find('>').unwrap_or(tag.len());
        let inner = &tag[..end];
        rest = &tag[end.min(tag.len())..];
        if let Some(name) = inner.strip_prefix('/') {
            if !is_flat(name) {
                depth = depth.saturating_sub(1);
            }
        } else if !inner.starts_with('!') && !inner.starts_with('?') && !inner.ends_with('/') && !is_flat(inner) {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

fn is_flat(tag: &str) -> bool {
    let name: String =
        tag.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '!').flat_map(|c| c.to_lowercase()).collect();
    FLAT.contains(&name.as_str())
}
