//! The catalog's JSON forms: a chunk's location and a saved answer's citations, as they are written to
//! SQLite. They are their own versioned types, apart from `folio_core`'s serde forms (which are the
//! desktop app's IPC and the CLI's output and may change with them), so that a library written today
//! reads the same after either changes.
//!
//! Version 1 is the form Folio wrote before the version was recorded: a value without `v` is version 1.
//! A newer version than this build knows is refused as incompatible rather than misread.

use folio_core::{ChunkId, Citation, DocumentId, Location, Passage, TextSpan};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// The form this build writes.
const VERSION: u32 = 1;

fn v1() -> u32 {
    1
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A chunk's location as stored (`chunks.location`).
#[derive(Serialize, Deserialize)]
pub(crate) struct StoredLocation {
    #[serde(default = "v1")]
    v: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lines: Option<[u32; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    page: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    slide: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sheet: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rows: Option<[u32; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    heading: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    paragraphs: Option<[u32; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    chapter: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    part: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    ocr: bool,
}

impl StoredLocation {
    fn from_location(l: &Location) -> StoredLocation {
        let l = l.clone();
        StoredLocation {
            v: VERSION,
            lines: l.lines,
            page: l.page,
            slide: l.slide,
            sheet: l.sheet,
            rows: l.rows,
            heading: l.heading,
            paragraphs: l.paragraphs,
            chapter: l.chapter,
            message: l.message,
            part: l.part,
            ocr: l.ocr,
        }
    }

    fn into_location(self) -> Result<Location, StoreError> {
        known(self.v, "location")?;
        Ok(Location {
            lines: self.lines,
            page: self.page,
            slide: self.slide,
            sheet: self.sheet,
            rows: self.rows,
            heading: self.heading,
            paragraphs: self.paragraphs,
            chapter: self.chapter,
            message: self.message,
            part: self.part,
            ocr: self.ocr,
        })
    }
}

/// A saved answer's citation as stored (an element of `messages.citations`).
#[derive(Serialize, Deserialize)]
struct StoredCitation {
    #[serde(default = "v1")]
    v: u32,
    marker: u32,
    passage: StoredPassage,
}

#[derive(Serialize, Deserialize)]
struct StoredPassage {
    chunk_id: i64,
    document_id: i64,
    path: String,
    location: StoredLocation,
    span: StoredSpan,
    text: String,
}

#[derive(Serialize, Deserialize)]
struct StoredSpan {
    start: u64,
    end: u64,
}

fn known(v: u32, what: &str) -> Result<(), StoreError> {
    if v > VERSION {
        return Err(StoreError::Incompatible(format!(
            "a {what} in the catalog was written by a newer Folio (form {v}, this one reads up to {VERSION})"
        )));
    }
    Ok(())
}

/// A location's stored JSON.
pub(crate) fn location_json(l: &Location) -> Result<String, StoreError> {
    Ok(serde_json::to_string(&StoredLocation::from_location(l))?)
}

/// A location from its stored JSON.
pub(crate) fn location_from_json(json: &str) -> Result<Location, StoreError> {
    serde_json::from_str::<StoredLocation>(json)?.into_location()
}

/// Citations' stored JSON.
pub(crate) fn citations_json(citations: &[Citation]) -> Result<String, StoreError> {
    let stored: Vec<StoredCitation> = citations
        .iter()
        .map(|c| StoredCitation {
            v: VERSION,
            marker: c.marker,
            passage: StoredPassage {
                chunk_id: c.passage.chunk_id.0,
                document_id: c.passage.document_id.0,
                path: c.passage.path.clone(),
                location: StoredLocation::from_location(&c.passage.location),
                span: StoredSpan { start: c.passage.span.start, end: c.passage.span.end },
                text: c.passage.text.clone(),
            },
        })
        .collect();
    Ok(serde_json::to_string(&stored)?)
}

/// Citations from their stored JSON.
pub(crate) fn citations_from_json(json: &str) -> Result<Vec<Citation>, StoreError> {
    let stored: Vec<StoredCitation> = serde_json::from_str(json)?;
    stored
        .into_iter()
        .map(|c| {
            known(c.v, "citation")?;
            let p = c.passage;
            Ok(Citation {
                marker: c.marker,
                passage: Passage {
                    chunk_id: ChunkId(p.chunk_id),
                    document_id: DocumentId(p.document_id),
                    path: p.path,
                    location: p.location.into_location()?,
                    span: TextSpan { start: p.span.start, end: p.span.end },
                    text: p.text,
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_written_before_versions_read_as_version_one() {
        // As Folio wrote them before this module: core's serde forms, no `v`.
        let location = location_from_json(r#"{"sheet":"Q3","rows":[4,9],"ocr":true}"#).expect("location");
        assert_eq!((location.sheet.as_deref(), location.rows, location.ocr), (Some("Q3"), Some([4, 9]), true));
        let citations = citations_from_json(
            r#"[{"marker":2,"passage":{"chunk_id":40,"document_id":7,"path":"/d/a.txt",
                "location":{"lines":[1,2]},"span":{"start":0,"end":9},"text":"kept text"}}]"#,
        )
        .expect("citations");
        assert_eq!((citations[0].marker, citations[0].passage.location.lines), (2, Some([1, 2])));
        // Written back, they carry the version and read the same.
        let again = citations_from_json(&citations_json(&citations).expect("write")).expect("read");
        assert_eq!(again, citations);
        assert!(location_json(&location).expect("write").starts_with(r#"{"v":1,"#));
    }

    #[test]
    fn a_newer_form_is_refused_not_misread() {
        let err = location_from_json(r#"{"v":2,"lines":[1,2]}"#).expect_err("newer");
        assert!(matches!(err, StoreError::Incompatible(_)), "{err}");
    }
}
