//! OCR with Tesseract (Debian `tesseract-ocr`) for images and scanned PDFs (pages rendered by
//! `pdftoppm` from `poppler-utils`). Text found this way is marked `ocr` in its location.

use std::path::Path;
use std::process::Command;

use folio_core::chunk::LineUnit;
use folio_core::Location;

use crate::builder::Builder;
use crate::{ExtractError, Extracted, Format, MissingTool, ToolTask};

fn tool_missing(tool: &str, package: &str) -> ExtractError {
    ExtractError::NeedsTool(MissingTool { task: ToolTask::Ocr, tool: tool.into(), package: package.into() })
}

/// Recognises the text of one image file.
fn tesseract(image: &Path) -> Result<String, ExtractError> {
    let out = Command::new("tesseract").arg(image).arg("-").arg("--psm").arg("3").output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            tool_missing("tesseract", "tesseract-ocr")
        } else {
            ExtractError::Corrupt(e.to_string())
        }
    })?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(ExtractError::Corrupt(format!("OCR failed: {}", err.lines().last().unwrap_or("unknown error"))));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect()
}

/// PNG, JPEG and TIFF images.
pub(crate) fn image(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let dir = tempfile::tempdir().map_err(|e| ExtractError::Corrupt(e.to_string()))?;
    let path = dir.path().join("image");
    std::fs::write(&path, bytes).map_err(|e| ExtractError::Corrupt(e.to_string()))?;
    let text = tesseract(&path)?;
    let mut builder = Builder::default();
    builder.section(Location { ocr: true, ..Location::default() }, LineUnit::Lines, None, &lines(&text));
    if builder.is_empty() {
        return Err(ExtractError::Empty);
    }
    Ok(builder.finish(Format::Image))
}

/// A PDF whose pages are images: each page rendered at 200 dpi and recognised.
pub(crate) fn pdf(input: &Path, pages: u32) -> Result<Extracted, ExtractError> {
    let dir = tempfile::tempdir().map_err(|e| ExtractError::Corrupt(e.to_string()))?;
    let mut builder = Builder::default();
    for page in 1..=pages {
        let prefix = dir.path().join(format!("p{page}"));
        let status = Command::new("pdftoppm")
            // The long side scaled to 2,400 pixels (about 200 dpi for A4), whatever size the page claims.
            .args([
                "-scale-to",
                "2400",
                "-gray",
                "-png",
                "-singlefile",
                "-f",
                &page.to_string(),
                "-l",
                &page.to_string(),
            ])
            .arg(input)
            .arg(&prefix)
            .status()
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    tool_missing("pdftoppm", "poppler-utils")
                } else {
                    ExtractError::Corrupt(e.to_string())
                }
            })?;
        if !status.success() {
            continue;
        }
        let text = tesseract(&prefix.with_extension("png"))?;
        let location = Location { page: Some(page), ocr: true, ..Location::default() };
        builder.section(location, LineUnit::Lines, None, &lines(&text));
    }
    if builder.is_empty() {
        return Err(ExtractError::Empty);
    }
    Ok(builder.finish(Format::Pdf))
}
