//! Markdown: one section per heading, located by heading path and lines.

use folio_core::chunk::Section;
use folio_core::Location;

/// Sections of a Markdown document: the text before the first heading, then one per ATX heading
/// (`#` to `######`, outside fenced code blocks), each carrying its heading path ("A > B").
pub(crate) fn sections(text: &str) -> Vec<Section> {
    let mut sections = Vec::new();
    let mut path: Vec<(usize, String)> = Vec::new();
    let mut start = 0;
    let mut start_line = 1u32;
    let mut heading: Option<String> = None;
    let mut fence: Option<&str> = None;
    let mut offset = 0;
    for (i, line) in text.split('\n').enumerate() {
        let line_no = i as u32 + 1;
        let line_start = offset;
        offset += line.len() + 1;
        let trimmed = line.trim_start();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            continue;
        }
        let Some((level, title)) = atx_heading(line) else { continue };
        if line_start > start {
            push(&mut sections, start, line_start - 1, start_line, heading.take());
        }
        path.retain(|(l, _)| *l < level);
        path.push((level, title));
        heading = Some(path.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join(" > "));
        start = line_start;
        start_line = line_no;
    }
    push(&mut sections, start, text.len(), start_line, heading);
    sections
}

fn push(sections: &mut Vec<Section>, start: usize, end: usize, first_line: u32, heading: Option<String>) {
    if start < end {
        sections.push(Section {
            start,
            end,
            location: Location { heading, ..Location::default() },
            first_line: Some(first_line),
            unit: folio_core::chunk::LineUnit::Lines,
        });
    }
}

/// `## Title ##` -> (2, "Title").
fn atx_heading(line: &str) -> Option<(usize, String)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let level = rest.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let after = &rest[level..];
    if !after.is_empty() && !after.starts_with([' ', '\t']) {
        return None;
    }
    let title = after.trim().trim_end_matches('#').trim().to_string();
    Some((level, title))
}
