//! Assembling extracted text and its sections, so every format numbers lines the same way.

use folio_core::chunk::{LineUnit, Section};
use folio_core::Location;

use crate::{Extracted, Format};

/// Accumulates sections of text; each section's lines are `\n`-separated units (lines, paragraphs or rows).
#[derive(Debug, Default)]
pub(crate) struct Builder {
    text: String,
    sections: Vec<Section>,
}

impl Builder {
    /// Appends a section whose lines are numbered from `first` in `unit`s (or not numbered if `None`).
    /// Carriage returns are dropped; empty sections are left out.
    pub(crate) fn section(&mut self, location: Location, unit: LineUnit, first: Option<u32>, lines: &[String]) {
        if lines.iter().all(|l| l.trim().is_empty()) {
            return;
        }
        if !self.text.is_empty() {
            self.text.push('\n');
        }
        let start = self.text.len();
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                self.text.push('\n');
            }
            // A unit is one line: inner line breaks would shift the numbering of the following units.
            self.text.extend(line.chars().map(|c| if c == '\n' || c == '\r' { ' ' } else { c }));
        }
        self.sections.push(Section { start, end: self.text.len(), location, first_line: first, unit });
    }

    /// True when no section has text.
    pub(crate) fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// The extracted document.
    pub(crate) fn finish(self, format: Format) -> Extracted {
        Extracted { text: self.text, sections: self.sections, format }
    }
}

/// Collapses runs of whitespace into single spaces and trims.
pub(crate) fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
