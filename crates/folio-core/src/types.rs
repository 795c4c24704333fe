//! Plain data shared by every crate: ids, locations, chunks, passages and citations.

use serde::{Deserialize, Serialize};

/// Row id of a folder of the library (or of a file added on its own) in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FolderId(pub i64);

/// A folder of the library (or a file added on its own): its id and absolute path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Folder {
    /// Its id.
    pub id: FolderId,
    /// Its absolute path, as added.
    pub path: String,
}

/// Row id of an indexing job in the catalog (0 in a report of work done outside any job).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct JobId(pub i64);

/// Row id of a document (one file) in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DocumentId(pub i64);

/// Row id of a chunk in the catalog; the same id keys the chunk in Tantivy and LanceDB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ChunkId(pub i64);

/// Where a chunk sits in its file, in the terms a viewer shows (lines, page, slide, sheet, heading).
///
/// Serialised as an object holding only the fields that apply, e.g. `{"lines": [12, 18]}` or
/// `{"sheet": "Q3", "rows": [4, 9]}`. Line and row numbers are 1-based and inclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Location {
    /// First and last line (1-based, inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<[u32; 2]>,
    /// Page number as the viewer shows it (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Slide number (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slide: Option<u32>,
    /// Spreadsheet sheet name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// First and last spreadsheet row (1-based, inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<[u32; 2]>,
    /// Heading path, outermost first, joined with " > ".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    /// First and last paragraph (1-based, inclusive) of a word-processor document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraphs: Option<[u32; 2]>,
    /// Chapter number in reading order (1-based) of an e-book.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chapter: Option<u32>,
    /// Message number (1-based) in a mailbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<u32>,
    /// Part of a message ("body", or an attachment's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    /// True when the text was recognised from an image (OCR) and may contain errors.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "ts", ts(as = "Option<bool>"))]
    pub ocr: bool,
}

impl Location {
    /// A location made of a line range.
    pub fn lines(first: u32, last: u32) -> Self {
        Location { lines: Some([first, last]), ..Location::default() }
    }

    /// Short human form, e.g. `lines 12-18` or `page 3, "Intro"`.
    pub fn describe(&self) -> String {
        self.describe_in(crate::lang::Language::English)
    }

    /// [`Location::describe`] in `language`'s words (French; English for the others).
    pub fn describe_in(&self, language: crate::lang::Language) -> String {
        let fr = language == crate::lang::Language::French;
        let word = |en: &'static str, fr_word: &'static str| if fr { fr_word } else { en };
        let span = |one: &str, many: &str, [a, b]: [u32; 2]| {
            if a == b {
                format!("{one} {a}")
            } else {
                format!("{many} {a}-{b}")
            }
        };
        let mut parts = Vec::new();
        if let Some(h) = &self.heading {
            parts.push(if fr { format!("« {h} »") } else { format!("\"{h}\"") });
        }
        if let Some(p) = self.page {
            parts.push(format!("page {p}"));
        }
        if let Some(s) = self.slide {
            parts.push(format!("{} {s}", word("slide", "diapositive")));
        }
        if let Some(s) = &self.sheet {
            parts.push(format!("{} {s}", word("sheet", "feuille")));
        }
        if let Some(rows) = self.rows {
            parts.push(span(word("row", "ligne"), word("rows", "lignes"), rows));
        }
        if let Some(c) = self.chapter {
            parts.push(format!("{} {c}", word("chapter", "chapitre")));
        }
        if let Some(m) = self.message {
            parts.push(format!("message {m}"));
        }
        if let Some(p) = &self.part {
            parts.push(p.clone());
        }
        if let Some(paragraphs) = self.paragraphs {
            parts.push(span(word("paragraph", "paragraphe"), word("paragraphs", "paragraphes"), paragraphs));
        }
        if let Some(lines) = self.lines {
            parts.push(span(word("line", "ligne"), word("lines", "lignes"), lines));
        }
        if self.ocr {
            parts.push("OCR".to_string());
        }
        parts.join(", ")
    }
}

/// A half-open range of character offsets (Unicode scalar values) into a document's extracted text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextSpan {
    /// First character.
    pub start: u64,
    /// One past the last character.
    pub end: u64,
}

/// A piece of a document small enough to embed, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Position of the chunk within its document, from 0.
    pub ordinal: u32,
    /// The chunk's text, exactly as in the extracted text at `span`.
    pub text: String,
    /// Where the chunk is, in viewer terms.
    pub location: Location,
    /// Character span in the document's extracted text.
    pub span: TextSpan,
    /// Length in the embedding model's tokens (without special tokens).
    pub tokens: u32,
}

/// Counts tokens the way a model's tokenizer does; the seam between pure chunking and real tokenizers.
pub trait TokenCounter {
    /// Number of tokens in `text`, without special tokens.
    fn count(&self, text: &str) -> usize;
}

/// A retrieved chunk with what a front end needs to show and cite it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// The chunk's id.
    pub chunk_id: ChunkId,
    /// The document the chunk belongs to.
    pub document_id: DocumentId,
    /// Absolute path of the file.
    pub path: String,
    /// Where the chunk is in the file.
    pub location: Location,
    /// Character span in the document's extracted text.
    pub span: TextSpan,
    /// The chunk's text.
    pub text: String,
}

/// A ranked search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    /// The passage found.
    pub passage: Passage,
    /// Fused relevance score (higher is better).
    pub score: f64,
    /// Rank in the BM25 list (1-based), when present there.
    pub bm25_rank: Option<u32>,
    /// Rank in the vector list (1-based), when present there.
    pub dense_rank: Option<u32>,
    /// Cosine similarity of the passage to the query, when the vector list holds it.
    pub similarity: Option<f32>,
}

/// Restricts a search to part of the library. An empty filter matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchFilter {
    /// Folders (absolute paths); a file matches when it lies inside any of them.
    pub folders: Vec<String>,
    /// Format names ("pdf", "markdown", "docx", ...); a file matches when it has any of them.
    pub formats: Vec<String>,
    /// Only files modified at or after this time (seconds since the epoch).
    pub modified_after: Option<i64>,
    /// Only files modified before this time (seconds since the epoch).
    pub modified_before: Option<i64>,
}

impl SearchFilter {
    /// Whether the filter lets every file through.
    pub fn is_empty(&self) -> bool {
        self.folders.is_empty()
            && self.formats.is_empty()
            && self.modified_after.is_none()
            && self.modified_before.is_none()
    }
}

/// Seconds since the epoch at midnight UTC of a `YYYY-MM-DD` date, or `None` if it is not one.
pub fn parse_date(s: &str) -> Option<i64> {
    let mut parts = s.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&m) || d < 1 || d > month_days[(m - 1) as usize] {
        return None;
    }
    // Days since 1970-01-01 in the proleptic Gregorian calendar, counting years from March.
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400)
}

/// The calendar date (year, month, day) of a day counted from 1970-01-01 (proleptic Gregorian); the
/// inverse of [`parse_date`]'s day count.
pub fn civil_date(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// One `[n]` marker of an answer resolved to the passage it cites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    /// The marker's number as printed in the answer (1-based index into the passages).
    pub marker: u32,
    /// The cited passage.
    pub passage: Passage,
}

/// A finished answer with its citations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// The answer text, with markers that cite no passage removed.
    pub text: String,
    /// Each distinct valid marker, in order of first appearance.
    pub citations: Vec<Citation>,
    /// How many markers pointed to no passage and were removed.
    pub dropped_markers: u32,
    /// Markers Folio added to sentences the model left uncited ([`crate::citation::attribute`]); the
    /// streamed text lacks them.
    #[serde(default)]
    pub attributed: Vec<u32>,
    /// Cited sentences checked against their passages ([`crate::support::check`]), one per sentence and
    /// marker.
    #[serde(default)]
    pub checked_sentences: u32,
    /// Those their passage does not support, with why.
    #[serde(default)]
    pub unsupported: Vec<crate::support::Unsupported>,
}
