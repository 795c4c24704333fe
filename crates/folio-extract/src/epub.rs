//! EPUB: chapters in spine order (container.xml -> package document -> spine), each chapter's XHTML read
//! like HTML, located by chapter number and title.

use std::collections::HashMap;

use folio_core::chunk::LineUnit;
use folio_core::Location;

use crate::builder::Builder;
use crate::office::{open_zip, parse, part};
use crate::{ExtractError, Extracted, Format};

pub(crate) fn epub(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let mut zip = open_zip(bytes, "EPUB")?;
    let container = part(&mut zip, "META-INF/container.xml")?
        .ok_or_else(|| ExtractError::Corrupt("no META-INF/container.xml: not an EPUB".into()))?;
    let container_doc = parse(&container, "container.xml")?;
    let opf_path = container_doc
        .descendants()
        .find(|n| n.tag_name().name() == "rootfile")
        .and_then(|n| n.attribute("full-path"))
        .ok_or_else(|| ExtractError::Corrupt("container.xml names no package document".into()))?
        .to_string();
    if let Some(encryption) = part(&mut zip, "META-INF/encryption.xml")? {
        if encrypts_content(&encryption)? {
            return Err(ExtractError::Encrypted);
        }
    }
    let opf = part(&mut zip, &opf_path)?.ok_or_else(|| ExtractError::Corrupt(format!("missing {opf_path}")))?;
    let opf_doc = parse(&opf, &opf_path)?;
    let base = opf_path.rsplit_once('/').map_or("", |(d, _)| d);
    let manifest: HashMap<&str, &str> = opf_doc
        .descendants()
        .filter(|n| n.tag_name().name() == "item")
        .filter_map(|n| Some((n.attribute("id")?, n.attribute("href")?)))
        .collect();
    let spine: Vec<String> = opf_doc
        .descendants()
        .filter(|n| n.tag_name().name() == "itemref")
        .filter_map(|n| n.attribute("idref"))
        .filter_map(|id| manifest.get(id))
        .map(|href| if base.is_empty() { href.to_string() } else { format!("{base}/{href}") })
        .collect();
    // A chapter the spine names twice (or ten thousand times) is read once.
    let mut seen = std::collections::HashSet::new();
    let spine: Vec<String> = spine.into_iter().filter(|h| seen.insert(h.clone())).collect();
    let mut builder = Builder::default();
    let mut chapter = 0;
    for href in spine {
        let href = href.split('#').next().unwrap_or(&href).replace("%20", " ");
        let Some(markup) = part(&mut zip, &href)? else { continue };
        let (sections, title) = crate::html::sections(&markup);
        if sections.is_empty() {
            continue;
        }
        chapter += 1;
        let chapter_title = sections.iter().find_map(|s| s.heading.clone()).or(title);
        for s in sections {
            let location = Location {
                chapter: Some(chapter),
                heading: s.heading.or_else(|| chapter_title.clone()),
                ..Location::default()
            };
            builder.section(location, LineUnit::Lines, None, &s.lines);
        }
    }
    if builder.is_empty() {
        return Err(ExtractError::Empty);
    }
    Ok(builder.finish(Format::Epub))
}

/// Whether `encryption.xml` encrypts anything but fonts: font obfuscation (IDPF's and Adobe's
/// algorithms) only scrambles embedded fonts, and the text stays readable.
fn encrypts_content(xml: &str) -> Result<bool, ExtractError> {
    const FONT_OBFUSCATION: [&str; 2] = ["http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC"];
    let doc = parse(xml, "META-INF/encryption.xml")?;
    Ok(doc.descendants().filter(|n| n.tag_name().name() == "EncryptedData").any(|data| {
        let algorithm = data
            .children()
            .find(|n| n.tag_name().name() == "EncryptionMethod")
            .and_then(|m| m.attribute("Algorithm"))
            .unwrap_or("");
        !FONT_OBFUSCATION.contains(&algorithm)
    }))
}
