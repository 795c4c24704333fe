//! PDF: text per page in reading order, located by page number (1-based, as viewers show it).
//!
//! Text comes from Poppler's `pdftotext` (Debian `poppler-utils`) run as a separate process: Poppler
//! reads far more real-world PDFs correctly than the pure-Rust extractors, and a crash or hang on a
//! hostile file stays in that process. Password-protected files are reported as such; documents whose
//! pages hold no text (scans) go to OCR.

use std::process::Command;

use folio_core::chunk::LineUnit;
use folio_core::Location;

use crate::builder::Builder;
use crate::{ExtractError, Extracted, Format, MissingTool, ToolTask};

pub(crate) fn pdf(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    if !bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        return Err(ExtractError::Corrupt("not a PDF file (no %PDF header)".into()));
    }
    let dir = tempfile::tempdir().map_err(|e| ExtractError::Corrupt(e.to_string()))?;
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, bytes).map_err(|e| ExtractError::Corrupt(e.to_string()))?;
    let out = Command::new("pdftotext").args(["-enc", "UTF-8", "-eol", "unix"]).arg(&input).arg("-").output().map_err(
        |e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                ExtractError::NeedsTool(MissingTool {
                    task: ToolTask::Pdf,
                    tool: "pdftotext".into(),
                    package: "poppler-utils".into(),
                })
            } else {
                ExtractError::Corrupt(e.to_string())
            }
        },
    )?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        if stderr.to_ascii_lowercase().contains("password") {
            return Err(ExtractError::Encrypted);
        }
        let why = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("unknown error").trim().to_string();
        return Err(ExtractError::Corrupt(format!("cannot read the PDF: {why}")));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    // pdftotext ends every page with a form feed.
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let page_count = pages.len().saturating_sub(1).max(1) as u32;
    let mut builder = Builder::default();
    for (i, page) in pages.iter().enumerate().take(page_count as usize) {
        let lines: Vec<String> = page.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
        builder.section(Location { page: Some(i as u32 + 1), ..Location::default() }, LineUnit::Lines, None, &lines);
    }
    if builder.is_empty() {
        // Every page is an image: a scanned document.
        return crate::ocr::pdf(&input, page_count);
    }
    Ok(builder.finish(Format::Pdf))
}
