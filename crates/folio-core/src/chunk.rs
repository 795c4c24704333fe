//! Structure-aware chunking sized in the embedding model's tokens.
//!
//! An extractor describes a document as text plus sections (a Markdown heading's body, a PDF page, ...);
//! chunks never cross a section boundary. Within a section, whole lines are packed greedily up to
//! `max_tokens`, with a small overlap of trailing lines; a line longer than the budget is split at word
//! boundaries. Each chunk's text is an exact slice of the document text, so its span can be highlighted.

use crate::{Chunk, Location, TextSpan, TokenCounter};

/// A part of a document that chunks must not cross, with the location shared by its chunks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Section {
    /// Byte offset of the section's first character in the document text.
    pub start: usize,
    /// Byte offset one past the section's last character.
    pub end: usize,
    /// Location common to every chunk of the section (page, heading, ...).
    pub location: Location,
    /// Number (1-based) of the section's first line, when its lines are meaningful units.
    pub first_line: Option<u32>,
    /// What a line of this section is to the user: a text line, a paragraph, or a spreadsheet row.
    pub unit: LineUnit,
}

/// What each `\n`-separated line of a section stands for, i.e. which [`Location`] field a chunk's
/// first and last line numbers go into.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LineUnit {
    /// Lines of a text file (`Location::lines`).
    #[default]
    Lines,
    /// Paragraphs of a document (`Location::paragraphs`).
    Paragraphs,
    /// Rows of a sheet (`Location::rows`).
    Rows,
}

/// Chunk sizes, in tokens of the embedding model (special tokens excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkParams {
    /// Largest chunk; must leave room for the model's special tokens.
    pub max_tokens: usize,
    /// Tokens of trailing lines repeated at the start of the next chunk of the same section.
    pub overlap_tokens: usize,
}

impl Default for ChunkParams {
    fn default() -> Self {
        // all-MiniLM-L6-v2 reads 256 word pieces including [CLS] and [SEP].
        ChunkParams { max_tokens: 200, overlap_tokens: 32 }
    }
}

/// One indivisible piece of text (a line, or part of an over-long line).
#[derive(Debug, Clone, Copy)]
struct Unit {
    start: usize,
    end: usize,
    line: u32,
    tokens: usize,
}

/// Splits `text` into chunks that respect `sections`; text outside every section is not chunked.
pub fn chunk_document(text: &str, sections: &[Section], params: ChunkParams, counter: &dyn TokenCounter) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut chars = CharOffsets::new(text);
    for section in sections {
        let units = units_of(text, section, params.max_tokens, counter);
        for group in pack(&units, params) {
            let (first, last) = (group[0], group[group.len() - 1]);
            let mut location = section.location.clone();
            if section.first_line.is_some() {
                let range = Some([first.line, last.line]);
                match section.unit {
                    LineUnit::Lines => location.lines = range,
                    LineUnit::Paragraphs => location.paragraphs = range,
                    LineUnit::Rows => location.rows = range,
                }
            }
            let start = chars.char_offset(first.start);
            let end = chars.char_offset(last.end);
            chunks.push(Chunk {
                ordinal: chunks.len() as u32,
                text: text[first.start..last.end].to_string(),
                location,
                span: TextSpan { start, end },
                tokens: group.iter().map(|u| u.tokens).sum::<usize>() as u32,
            });
        }
    }
    chunks
}

/// The non-blank lines of a section as units, over-long lines split at whitespace.
fn units_of(text: &str, section: &Section, max_tokens: usize, counter: &dyn TokenCounter) -> Vec<Unit> {
    let mut units = Vec::new();
    let body = &text[section.start..section.end];
    let mut offset = section.start;
    for (i, raw) in body.split('\n').enumerate() {
        let line = section.first_line.map_or(0, |first| first + i as u32);
        let line_start = offset;
        offset += raw.len() + 1;
        let trimmed = raw.trim_end_matches('\r');
        let lead = trimmed.len() - trimmed.trim_start().len();
        let content = trimmed.trim();
        if content.is_empty() {
            continue;
        }
        let start = line_start + lead;
        let end = start + content.len();
        // A line far longer than the budget is never tokenised whole (a 30 MB line would hold its
        // tokens' offsets in memory at once): it is split word by word, and packing joins the pieces.
        let tokens = if content.len() > max_tokens.saturating_mul(LONG_LINE_BYTES_PER_TOKEN) {
            usize::MAX
        } else {
            counter.count(content)
        };
        if tokens <= max_tokens {
            units.push(Unit { start, end, line, tokens });
        } else {
            split_long(text, start, end, line, max_tokens, counter, &mut units);
        }
    }
    units
}

/// Splits an over-long line into word-aligned pieces of at most `max_tokens` each.
fn split_long(
    text: &str,
    start: usize,
    end: usize,
    line: u32,
    max_tokens: usize,
    counter: &dyn TokenCounter,
    out: &mut Vec<Unit>,
) {
    let mut piece: Option<Unit> = None;
    for (word_start, word) in words(&text[start..end]) {
        let ws = start + word_start;
        let we = ws + word.len();
        let mut tokens = if word.len() > max_tokens.saturating_mul(LONG_LINE_BYTES_PER_TOKEN) {
            usize::MAX
        } else {
            counter.count(word)
        };
        if tokens > max_tokens {
            // A single "word" longer than the budget (a URL, a base64 blob, minified code): cut it into
            // windows of at most `max_tokens` characters, halved until a window fits. Each window is
            // tokenised a few times at most, so the cost is linear in the word's length.
            if let Some(p) = piece.take() {
                out.push(p);
            }
            let mut s = ws;
            while s < we {
                let mut window = max_tokens.max(1);
                loop {
                    let e = char_boundary_after(text, s, window, we);
                    let n = counter.count(&text[s..e]);
                    if n <= max_tokens || window == 1 {
                        out.push(Unit { start: s, end: e, line, tokens: n.max(1) });
                        s = e;
                        break;
                    }
                    window /= 2;
                }
            }
            continue;
        }
        match piece.as_mut() {
            Some(p) if p.tokens + tokens <= max_tokens => {
                p.end = we;
                p.tokens += tokens;
            }
            _ => {
                if let Some(p) = piece.take() {
                    out.push(p);
                }
                tokens = tokens.max(1);
                piece = Some(Unit { start: ws, end: we, line, tokens });
            }
        }
    }
    if let Some(p) = piece {
        out.push(p);
    }
}

/// Past this many bytes per token of budget a line or word is split without being tokenised whole.
const LONG_LINE_BYTES_PER_TOKEN: usize = 16;

/// The byte offset `chars` characters after `start`, at most `limit`.
fn char_boundary_after(text: &str, start: usize, chars: usize, limit: usize) -> usize {
    text[start..limit].char_indices().nth(chars).map_or(limit, |(i, _)| start + i)
}

/// Whitespace-separated words with their byte offsets.
fn words(s: &str) -> impl Iterator<Item = (usize, &str)> {
    s.split_whitespace().map(move |w| (w.as_ptr() as usize - s.as_ptr() as usize, w))
}

/// Greedy packing of units into groups of at most `max_tokens`, with overlap between neighbours.
fn pack(units: &[Unit], params: ChunkParams) -> Vec<&[Unit]> {
    let mut groups = Vec::new();
    let mut begin = 0;
    while begin < units.len() {
        let mut end = begin;
        let mut tokens = 0;
        while end < units.len() && (end == begin || tokens + units[end].tokens <= params.max_tokens) {
            tokens += units[end].tokens;
            end += 1;
        }
        groups.push(&units[begin..end]);
        if end == units.len() {
            break;
        }
        // Step back over trailing units worth at most `overlap_tokens`, always moving forward.
        let mut next = end;
        let mut overlap = 0;
        while next - 1 > begin && overlap + units[next - 1].tokens <= params.overlap_tokens {
            overlap += units[next - 1].tokens;
            next -= 1;
        }
        begin = next;
    }
    groups
}

/// Converts increasing byte offsets into character offsets in one pass.
struct CharOffsets<'a> {
    text: &'a str,
    byte: usize,
    chars: u64,
}

impl<'a> CharOffsets<'a> {
    fn new(text: &'a str) -> Self {
        CharOffsets { text, byte: 0, chars: 0 }
    }

    fn char_offset(&mut self, byte: usize) -> u64 {
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.text[self.byte..byte].chars().count() as u64;
        self.byte = byte;
        self.chars
    }
}

/// Byte offset of the `char_offset`-th character of `text` (or the text's length past the end).
pub fn byte_offset(text: &str, char_offset: u64) -> usize {
    text.char_indices().nth(char_offset as usize).map_or(text.len(), |(b, _)| b)
}

/// Splits plain text into one section covering all of it, with line numbers from 1.
pub fn whole_text(text: &str) -> Vec<Section> {
    vec![Section {
        start: 0,
        end: text.len(),
        location: Location::default(),
        first_line: Some(1),
        unit: LineUnit::Lines,
    }]
}
