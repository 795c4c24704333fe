//! Office documents: DOCX and ODT (paragraphs under headings), PPTX and ODP (slides and speaker notes).
//! All are zip archives of XML parts, read with `zip` and `roxmltree`.

use std::io::{Cursor, Read};

use folio_core::chunk::LineUnit;
use folio_core::Location;
use roxmltree::{Document, Node};

use crate::builder::{squash, Builder};
use crate::{ExtractError, Extracted, Format, Stop};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const A: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const TEXT_NS: &str = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
const TABLE_NS: &str = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
const DRAW_NS: &str = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0";
const PRESENTATION_NS: &str = "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0";

/// Whether `bytes` are an OLE compound file (legacy Office, or an encrypted OOXML package).
pub(crate) fn is_ole(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// Whether an OLE compound file names a stream `name` (directory entries are UTF-16LE), e.g.
/// `EncryptionInfo` in an encrypted OOXML package or `Workbook` in an Excel file.
pub(crate) fn ole_names(bytes: &[u8], name: &str) -> bool {
    let needle: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// Refuses files that are not zip archives with a reason a person understands.
pub(crate) fn open_zip<'a>(bytes: &'a [u8], kind: &str) -> Result<zip::ZipArchive<Cursor<&'a [u8]>>, ExtractError> {
    if is_ole(bytes) {
        // An OLE compound file: either an encrypted OOXML package or a legacy binary Office file.
        if ole_names(bytes, "EncryptionInfo") {
            return Err(ExtractError::Encrypted);
        }
        return Err(ExtractError::Corrupt(format!("this is an old binary Office file, not a {kind} (zip) document")));
    }
    let zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ExtractError::Corrupt(format!("not a valid {kind} archive: {e}")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(ExtractError::Stopped(Stop::Entries { archive: kind.to_string(), limit: MAX_ENTRIES as u64 }));
    }
    Ok(zip)
}

/// Most entries an archive may have.
const MAX_ENTRIES: usize = 20_000;
/// Most bytes one archive part may expand to: a part that claims more (a zip bomb) is not read on.
pub(crate) const MAX_PART_BYTES: u64 = 64 << 20;
/// Deepest nesting of XML elements read.
pub(crate) const MAX_XML_DEPTH: usize = 1_000;

/// Reads one part of the archive as text, if present.
pub(crate) fn part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Option<String>, ExtractError> {
    let mut file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(ExtractError::Corrupt(format!("{name}: {e}"))),
    };
    if file.encrypted() {
        return Err(ExtractError::Encrypted);
    }
    let mut raw = Vec::new();
    (&mut file)
        .take(MAX_PART_BYTES + 1)
        .read_to_end(&mut raw)
        .map_err(|e| ExtractError::Corrupt(format!("{name}: {e}")))?;
    if raw.len() as u64 > MAX_PART_BYTES {
        return Err(ExtractError::Stopped(Stop::Expands { part: name.to_string(), bytes: MAX_PART_BYTES }));
    }
    let s = String::from_utf8(raw).map_err(|_| ExtractError::Corrupt(format!("{name} is not UTF-8 text")))?;
    Ok(Some(s))
}

/// Parses one XML part, refusing nesting deeper than [`MAX_XML_DEPTH`] before the parser sees it.
pub(crate) fn parse<'a>(xml: &'a str, name: &str) -> Result<Document<'a>, ExtractError> {
    if xml_depth(xml.as_bytes()) > MAX_XML_DEPTH {
        return Err(ExtractError::Stopped(Stop::XmlDepth { part: name.to_string(), limit: MAX_XML_DEPTH as u64 }));
    }
    Document::parse(xml).map_err(|e| ExtractError::Corrupt(format!("{name} is not well-formed XML: {e}")))
}

/// The deepest element nesting in `xml`, by a linear scan of its tags (comments, CDATA, declarations
/// and processing instructions skipped; quoted attribute values may hold `>`). An upper bound for
/// well-formed XML, which is all a limit needs.
pub(crate) fn xml_depth(xml: &[u8]) -> usize {
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    let find =
        |from: usize, pat: &[u8]| xml[from..].windows(pat.len()).position(|w| w == pat).map(|p| from + p + pat.len());
    while let Some(p) = xml[i..].iter().position(|&b| b == b'<') {
        let at = i + p;
        let rest = &xml[at..];
        if rest.starts_with(b"<!--") {
            i = find(at, b"-->").unwrap_or(xml.len());
        } else if rest.starts_with(b"<![CDATA[") {
            i = find(at, b"]]>").unwrap_or(xml.len());
        } else if rest.starts_with(b"<?") {
            i = find(at, b"?>").unwrap_or(xml.len());
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") {
            if rest.starts_with(b"</") {
                depth = depth.saturating_sub(1);
            }
            i = find(at, b">").unwrap_or(xml.len());
        } else {
            // A start tag: find its end outside quotes, and whether it closes itself.
            let mut j = at + 1;
            let mut quote = None;
            while j < xml.len() {
                match (quote, xml[j]) {
                    (None, b'"' | b'\'') => quote = Some(xml[j]),
                    (Some(q), c) if c == q => quote = None,
                    (None, b'>') => break,
                    _ => {}
                }
                j += 1;
            }
            if j > 0 && j < xml.len() && xml[j - 1] != b'/' {
                depth += 1;
                deepest = deepest.max(depth);
            }
            i = (j + 1).min(xml.len());
        }
    }
    deepest
}

/// Groups paragraphs into sections under headings; paragraphs are numbered through the whole document.
struct Outline {
    builder: Builder,
    path: Vec<(u32, String)>,
    lines: Vec<String>,
    first: u32,
    next: u32,
}

impl Outline {
    fn new() -> Self {
        Outline { builder: Builder::default(), path: Vec::new(), lines: Vec::new(), first: 1, next: 1 }
    }

    fn flush(&mut self) {
        let heading =
            (!self.path.is_empty()).then(|| self.path.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join(" > "));
        let lines = std::mem::take(&mut self.lines);
        self.builder.section(
            Location { heading, ..Location::default() },
            LineUnit::Paragraphs,
            Some(self.first),
            &lines,
        );
        self.first = self.next;
    }

    fn heading(&mut self, level: u32, text: String) {
        self.flush();
        self.path.retain(|(l, _)| *l < level);
        self.path.push((level, text.clone()));
        self.paragraph(text);
    }

    fn paragraph(&mut self, text: String) {
        if text.trim().is_empty() {
            return;
        }
        self.lines.push(text);
        self.next += 1;
    }

    fn finish(mut self, format: Format) -> Result<Extracted, ExtractError> {
        self.flush();
        if self.builder.is_empty() {
            return Err(ExtractError::Empty);
        }
        Ok(self.builder.finish(format))
    }
}

/// DOCX: paragraphs, headings (Heading N / Title styles), list items and table rows, in order.
pub(crate) fn docx(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let mut zip = open_zip(bytes, "Word")?;
    let xml = part(&mut zip, "word/document.xml")?
        .ok_or_else(|| ExtractError::Corrupt("no word/document.xml in the archive".into()))?;
    let doc = parse(&xml, "word/document.xml")?;
    let mut outline = Outline::new();
    let Some(body) = doc.descendants().find(|n| n.has_tag_name((W, "body"))) else {
        return Err(ExtractError::Empty);
    };
    for node in body.children().filter(Node::is_element) {
        docx_block(node, &mut outline);
    }
    outline.finish(Format::Docx)
}

fn docx_block(node: Node<'_, '_>, outline: &mut Outline) {
    if node.has_tag_name((W, "p")) {
        let text = squash(&docx_text(node));
        let style = node
            .children()
            .find(|n| n.has_tag_name((W, "pPr")))
            .and_then(|p| p.children().find(|n| n.has_tag_name((W, "pStyle"))))
            .and_then(|s| s.attribute((W, "val")))
            .unwrap_or("");
        let is_list = node.descendants().any(|n| n.has_tag_name((W, "numPr")));
        if let Some(level) = heading_level(style) {
            if !text.is_empty() {
                outline.heading(level, text);
            }
        } else if is_list {
            outline.paragraph(format!("• {text}"));
        } else {
            outline.paragraph(text);
        }
    } else if node.has_tag_name((W, "tbl")) {
        for row in node.children().filter(|n| n.has_tag_name((W, "tr"))) {
            let cells: Vec<String> =
                row.children().filter(|n| n.has_tag_name((W, "tc"))).map(|c| squash(&docx_text(c))).collect();
            outline.paragraph(cells.join(" | "));
        }
    } else if node.has_tag_name((W, "sdt")) {
        if let Some(content) = node.children().find(|n| n.has_tag_name((W, "sdtContent"))) {
            for child in content.children().filter(Node::is_element) {
                docx_block(child, outline);
            }
        }
    }
}

/// "Heading2" -> 2, "Title" -> 1.
fn heading_level(style: &str) -> Option<u32> {
    let lower = style.to_ascii_lowercase();
    if lower == "title" {
        return Some(1);
    }
    lower.strip_prefix("heading").and_then(|n| n.trim().parse().ok())
}

fn docx_text(node: Node<'_, '_>) -> String {
    let mut s = String::new();
    for n in node.descendants() {
        if n.has_tag_name((W, "t")) {
            s.push_str(n.text().unwrap_or(""));
        } else if n.has_tag_name((W, "tab")) || n.has_tag_name((W, "br")) {
            s.push(' ');
        } else if n.has_tag_name((W, "p")) && !s.is_empty() && n != node {
            s.push(' ');
        }
    }
    s
}

/// ODT: text:h headings with outline levels, text:p paragraphs, list items and table rows.
pub(crate) fn odt(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let mut zip = open_zip(bytes, "OpenDocument")?;
    let xml =
        part(&mut zip, "content.xml")?.ok_or_else(|| ExtractError::Corrupt("no content.xml in the archive".into()))?;
    let doc = parse(&xml, "content.xml")?;
    let mut outline = Outline::new();
    let Some(body) =
        doc.descendants().find(|n| n.has_tag_name(("urn:oasis:names:tc:opendocument:xmlns:office:1.0", "text")))
    else {
        return Err(ExtractError::Empty);
    };
    odt_blocks(body, &mut outline, false);
    outline.finish(Format::Odt)
}

fn odt_blocks(node: Node<'_, '_>, outline: &mut Outline, in_list: bool) {
    for n in node.children().filter(Node::is_element) {
        if n.has_tag_name((TEXT_NS, "h")) {
            let level = n.attribute((TEXT_NS, "outline-level")).and_then(|l| l.parse().ok()).unwrap_or(1);
            let text = squash(&odf_text(n));
            if !text.is_empty() {
                outline.heading(level, text);
            }
        } else if n.has_tag_name((TEXT_NS, "p")) {
            let text = squash(&odf_text(n));
            outline.paragraph(if in_list && !text.is_empty() { format!("• {text}") } else { text });
        } else if n.has_tag_name((TEXT_NS, "list")) || n.has_tag_name((TEXT_NS, "list-item")) {
            odt_blocks(n, outline, true);
        } else if n.has_tag_name((TABLE_NS, "table")) {
            for row in n.descendants().filter(|r| r.has_tag_name((TABLE_NS, "table-row"))) {
                let cells: Vec<String> = row
                    .children()
                    .filter(|c| c.has_tag_name((TABLE_NS, "table-cell")))
                    .map(|c| squash(&odf_text(c)))
                    .collect();
                outline.paragraph(cells.join(" | "));
            }
        } else if n.has_tag_name((TEXT_NS, "section")) {
            odt_blocks(n, outline, in_list);
        }
    }
}

fn odf_text(node: Node<'_, '_>) -> String {
    let mut s = String::new();
    for n in node.descendants() {
        if n.is_text() {
            s.push_str(n.text().unwrap_or(""));
        } else if n.has_tag_name((TEXT_NS, "s"))
            || n.has_tag_name((TEXT_NS, "tab"))
            || n.has_tag_name((TEXT_NS, "line-break"))
        {
            s.push(' ');
        } else if n.has_tag_name((TEXT_NS, "p")) && n != node && !s.is_empty() {
            s.push(' ');
        }
    }
    s
}

/// PPTX: each slide's text, then its speaker notes, in presentation order.
pub(crate) fn pptx(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let mut zip = open_zip(bytes, "PowerPoint")?;
    let slides = slide_order(&mut zip)?;
    let mut builder = Builder::default();
    for (i, slide) in slides.iter().enumerate() {
        let Some(xml) = part(&mut zip, slide)? else { continue };
        let mut lines = drawing_paragraphs(&parse(&xml, slide)?);
        let rels_name = match slide.rsplit_once('/') {
            Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
            None => continue,
        };
        if let Some(rels) = part(&mut zip, &rels_name)? {
            let rels_doc = parse(&rels, &rels_name)?;
            let notes: Option<String> = rels_doc
                .descendants()
                .filter(|n| n.attribute("Type").is_some_and(|t| t.ends_with("/notesSlide")))
                .filter_map(|n| n.attribute("Target"))
                .map(|t| resolve("ppt/slides", t))
                .next();
            if let Some(notes) = notes {
                if let Some(nxml) = part(&mut zip, &notes)? {
                    let note_lines: Vec<String> = drawing_paragraphs(&parse(&nxml, &notes)?)
                        .into_iter()
                        .filter(|l| l.parse::<u32>().is_err())
                        .collect();
                    if !note_lines.is_empty() {
                        lines.push(format!("Speaker notes: {}", note_lines.join(" ")));
                    }
                }
            }
        }
        builder.section(Location { slide: Some(i as u32 + 1), ..Location::default() }, LineUnit::Lines, None, &lines);
    }
    if builder.is_empty() {
        return Err(ExtractError::Empty);
    }
    Ok(builder.finish(Format::Pptx))
}

/// Slide part names in presentation order (from presentation.xml and its relationships).
fn slide_order(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<Vec<String>, ExtractError> {
    const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const P: &str = "http://schemas.openxmlformats.org/presentationml/2006/main";
    let pres =
        part(zip, "ppt/presentation.xml")?.ok_or_else(|| ExtractError::Corrupt("no ppt/presentation.xml".into()))?;
    let rels = part(zip, "ppt/_rels/presentation.xml.rels")?.unwrap_or_default();
    let rels_doc = if rels.is_empty() { None } else { Some(parse(&rels, "presentation.xml.rels")?) };
    let pres_doc = parse(&pres, "ppt/presentation.xml")?;
    let mut order = Vec::new();
    for id in pres_doc.descendants().filter(|n| n.has_tag_name((P, "sldId"))).filter_map(|n| n.attribute((R, "id"))) {
        let target = rels_doc
            .as_ref()
            .and_then(|d| d.descendants().find(|n| n.attribute("Id") == Some(id)))
            .and_then(|n| n.attribute("Target"));
        if let Some(t) = target {
            let name = resolve("ppt", t);
            // A slide listed twice is read once.
            if !order.contains(&name) {
                order.push(name);
            }
        }
    }
    if order.is_empty() {
        // No usable relationships: fall back to slideN.xml in numeric order.
        let mut names: Vec<(u32, String)> = zip
            .file_names()
            .filter_map(|n| {
                let num = n.strip_prefix("ppt/slides/slide")?.strip_suffix(".xml")?.parse().ok()?;
                Some((num, n.to_string()))
            })
            .collect();
        names.sort();
        order = names.into_iter().map(|(_, n)| n).collect();
    }
    Ok(order)
}

/// Resolves a relationship target relative to the directory of the part that names it.
fn resolve(base_dir: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = base_dir.split('/').collect();
    for seg in target.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The text of each DrawingML paragraph (a:p) of a slide or notes part.
fn drawing_paragraphs(doc: &Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name((A, "p")))
        .map(|p| {
            squash(
                &p.descendants()
                    .filter(|n| n.has_tag_name((A, "t")))
                    .filter_map(|n| n.text())
                    .collect::<Vec<_>>()
                    .join(""),
            )
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// ODP: each draw:page's text, then its presentation:notes.
pub(crate) fn odp(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let mut zip = open_zip(bytes, "OpenDocument")?;
    let xml =
        part(&mut zip, "content.xml")?.ok_or_else(|| ExtractError::Corrupt("no content.xml in the archive".into()))?;
    let doc = parse(&xml, "content.xml")?;
    let mut builder = Builder::default();
    for (i, page) in doc.descendants().filter(|n| n.has_tag_name((DRAW_NS, "page"))).enumerate() {
        let mut lines = Vec::new();
        let mut notes = Vec::new();
        for p in page.descendants().filter(|n| n.has_tag_name((TEXT_NS, "p"))) {
            let text = squash(&odf_text(p));
            if text.is_empty() {
                continue;
            }
            if p.ancestors().any(|a| a.has_tag_name((PRESENTATION_NS, "notes"))) {
                notes.push(text);
            } else {
                lines.push(text);
            }
        }
        if !notes.is_empty() {
            lines.push(format!("Speaker notes: {}", notes.join(" ")));
        }
        builder.section(Location { slide: Some(i as u32 + 1), ..Location::default() }, LineUnit::Lines, None, &lines);
    }
    if builder.is_empty() {
        return Err(ExtractError::Empty);
    }
    Ok(builder.finish(Format::Odp))
}
