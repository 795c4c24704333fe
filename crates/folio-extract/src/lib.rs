//! Bytes to text with locations, one module per format.
//!
//! Invariant: this crate knows nothing about storage or models; it turns a file's bytes into
//! [`Extracted`] text plus the [`Section`]s that chunking must respect, or a per-file [`ExtractError`]
//! that a person can understand.

mod builder;
mod email;
mod epub;
mod html;
mod markdown;
mod ocr;
mod office;
mod pdf;
mod rtf;
mod sheet;
mod text;
pub mod worker;

use folio_core::chunk::Section;
pub use folio_core::problem::{MissingTool, Problem, Stop, ToolTask};

/// A document's text and the sections chunking must respect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// The full extracted text.
    pub text: String,
    /// Sections over `text`, in order, not overlapping.
    pub sections: Vec<Section>,
    /// The format the text was extracted as.
    pub format: Format,
}

/// File formats Folio reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Format {
    /// Plain text in any common encoding.
    PlainText,
    /// Markdown, sectioned by headings.
    Markdown,
    /// Source code, read as text.
    Code,
    /// HTML or XHTML.
    Html,
    /// PDF.
    Pdf,
    /// Word (OOXML).
    Docx,
    /// OpenDocument text.
    Odt,
    /// Rich Text Format.
    Rtf,
    /// PowerPoint (OOXML).
    Pptx,
    /// OpenDocument presentation.
    Odp,
    /// Excel (OOXML).
    Xlsx,
    /// Binary Excel: the legacy BIFF workbook (.xls) and the binary OOXML one (.xlsb).
    Xls,
    /// OpenDocument spreadsheet.
    Ods,
    /// Comma-separated values.
    Csv,
    /// Tab-separated values.
    Tsv,
    /// EPUB e-book.
    Epub,
    /// One e-mail message.
    Eml,
    /// A mailbox of messages.
    Mbox,
    /// An image, read by OCR.
    Image,
}

impl Format {
    /// The format for a file name, by extension; `None` for files Folio does not read.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "txt" | "text" | "log" | "rst" | "org" | "adoc" | "tex" => Format::PlainText,
            "md" | "markdown" | "mdown" | "mkd" => Format::Markdown,
            "html" | "htm" | "xhtml" => Format::Html,
            "pdf" => Format::Pdf,
            "docx" => Format::Docx,
            "odt" => Format::Odt,
            "rtf" => Format::Rtf,
            "pptx" => Format::Pptx,
            "odp" => Format::Odp,
            "xlsx" | "xlsm" => Format::Xlsx,
            "xls" | "xlsb" => Format::Xls,
            "ods" => Format::Ods,
            "csv" => Format::Csv,
            "tsv" | "tab" => Format::Tsv,
            "epub" => Format::Epub,
            "eml" => Format::Eml,
            "mbox" => Format::Mbox,
            "png" | "jpg" | "jpeg" | "tif" | "tiff" => Format::Image,
            "rs" | "py" | "js" | "jsx" | "ts" | "tsx" | "c" | "h" | "cc" | "cpp" | "hpp" | "java" | "kt" | "go"
            | "rb" | "php" | "cs" | "swift" | "scala" | "sh" | "bash" | "zsh" | "sql" | "toml" | "yaml" | "yml"
            | "ini" | "cfg" | "json" | "xml" | "css" | "lua" | "pl" | "r" | "m" | "hs" | "ml" | "ex" | "exs"
            | "clj" | "dart" | "vue" | "svelte" => Format::Code,
            _ => return None,
        })
    }

    /// Stable lower-case name, as stored in the catalog.
    pub fn name(self) -> &'static str {
        match self {
            Format::PlainText => "text",
            Format::Markdown => "markdown",
            Format::Code => "code",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Odt => "odt",
            Format::Rtf => "rtf",
            Format::Pptx => "pptx",
            Format::Odp => "odp",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Epub => "epub",
            Format::Eml => "eml",
            Format::Mbox => "mbox",
            Format::Image => "image",
        }
    }
}

/// Why a file yielded no text. How Folio says it, and the codes the catalog stores, are those of
/// [`Problem`], which `Problem::from` gives.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ExtractError {
    /// The file has no text.
    Empty,
    /// The bytes look like a binary file, not text.
    Binary,
    /// Folio has no reader for this kind of file.
    Unsupported,
    /// The file is password-protected.
    Encrypted,
    /// The file is damaged or is not what its name says; the reader's own words.
    Corrupt(String),
    /// Reading it needs a program that is not installed.
    NeedsTool(MissingTool),
    /// The file decodes as text but is not prose to index (a minified bundle, a data blob): the
    /// longest run without white space, in bytes.
    NotText {
        /// That run's length.
        run: u64,
    },
    /// Reading it ran into one of Folio's limits (memory, time, size, depth) or killed the reader.
    Stopped(Stop),
}

impl From<ExtractError> for Problem {
    fn from(e: ExtractError) -> Problem {
        match e {
            ExtractError::Empty => Problem::Empty,
            ExtractError::Binary => Problem::Binary,
            ExtractError::Unsupported => Problem::Unsupported,
            ExtractError::Encrypted => Problem::Encrypted,
            ExtractError::Corrupt(detail) => Problem::Corrupt { detail },
            ExtractError::NeedsTool(missing) => Problem::NeedsTool(missing),
            ExtractError::NotText { run } => Problem::NotText { run },
            ExtractError::Stopped(stop) => Problem::Stopped { stop },
        }
    }
}

/// In English, as [`Problem`] says it.
impl std::fmt::Display for ExtractError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        Problem::from(self.clone()).fmt(f)
    }
}

impl std::error::Error for ExtractError {}

/// Most text Folio keeps from one file (the largest file it reads is 64 MB; a format that expands
/// beyond this, such as a zip bomb or repeated headers, is stopped rather than amplified).
pub const MAX_TEXT_BYTES: usize = 64 << 20;

/// Longest label (heading, sheet name, ...) kept in a section's location, in characters; a longer
/// one is cut with an ellipsis, so a 4 MB "heading" is not copied into every chunk.
pub const MAX_LABEL_CHARS: usize = 300;

/// Most sections one file may have (pages, slides, headings, ...).
pub const MAX_SECTIONS: usize = 1_000_000;

/// Extracts text from `bytes` read from a file of `format`, within Folio's size limits. This parses
/// untrusted bytes: Folio calls it only inside a worker process ([`worker`]).
pub fn extract(bytes: &[u8], format: Format) -> Result<Extracted, ExtractError> {
    let mut doc = extract_unbounded(bytes, format)?;
    if doc.text.len() > MAX_TEXT_BYTES {
        return Err(ExtractError::Stopped(Stop::Text { bytes: MAX_TEXT_BYTES as u64 }));
    }
    if doc.sections.len() > MAX_SECTIONS {
        return Err(ExtractError::Stopped(Stop::Sections { limit: MAX_SECTIONS as u64 }));
    }
    for section in &mut doc.sections {
        let l = &mut section.location;
        for label in [&mut l.heading, &mut l.sheet, &mut l.part].into_iter().flatten() {
            clip_label(label);
        }
    }
    Ok(doc)
}

/// Longest stretch without white space that a text file may have: a megabyte of unbroken characters is
/// a data blob or a minified bundle, not prose (base64 and minified lines run past it in one piece).
pub const MAX_UNBROKEN_BYTES: usize = 1 << 20;

/// The longest run of bytes in `text` without white space, if the text is longer than the limit at all.
fn longest_unbroken_run(text: &str) -> Option<usize> {
    if text.len() <= MAX_UNBROKEN_BYTES {
        return None;
    }
    text.as_bytes().split(|b| b.is_ascii_whitespace()).map(<[u8]>::len).max()
}

fn clip_label(label: &mut String) {
    if let Some((cut, _)) = label.char_indices().nth(MAX_LABEL_CHARS) {
        label.truncate(cut);
        label.push('…');
    }
}

fn extract_unbounded(bytes: &[u8], format: Format) -> Result<Extracted, ExtractError> {
    if bytes.is_empty() {
        return Err(ExtractError::Empty);
    }
    match format {
        Format::PlainText | Format::Code | Format::Markdown => {
            let text = text::decode(bytes)?;
            if text.trim().is_empty() {
                return Err(ExtractError::Empty);
            }
            if let Some(run) = longest_unbroken_run(&text).filter(|&n| n > MAX_UNBROKEN_BYTES) {
                return Err(ExtractError::NotText { run: run as u64 });
            }
            let sections = if format == Format::Markdown {
                markdown::sections(&text)
            } else {
                folio_core::chunk::whole_text(&text)
            };
            Ok(Extracted { text, sections, format })
        }
        Format::Html => html::html(bytes),
        Format::Pdf => pdf::pdf(bytes),
        Format::Docx => office::docx(bytes),
        Format::Odt => office::odt(bytes),
        Format::Rtf => rtf::rtf(bytes),
        Format::Pptx => office::pptx(bytes),
        Format::Odp => office::odp(bytes),
        Format::Xlsx | Format::Ods => sheet::workbook(bytes, format),
        Format::Xls => sheet::binary_workbook(bytes),
        Format::Csv | Format::Tsv => sheet::delimited(bytes, format),
        Format::Epub => epub::epub(bytes),
        Format::Eml => email::eml(bytes),
        Format::Mbox => email::mbox(bytes),
        Format::Image => ocr::image(bytes),
    }
}

#[cfg(test)]
mod tests;
