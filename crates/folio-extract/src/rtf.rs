//! RTF: control words stripped, destinations such as font tables skipped, `\par` ends a paragraph,
//! `\'hh` (Windows-1252) and `\uN` escapes decoded.

use folio_core::chunk::LineUnit;
use folio_core::Location;

use crate::builder::{squash, Builder};
use crate::{ExtractError, Extracted, Format};

/// Destinations whose text is not document text.
const SKIPPED: &[&str] = &[
    "fonttbl",
    "colortbl",
    "stylesheet",
    "info",
    "pict",
    "header",
    "footer",
    "listtable",
    "listoverridetable",
    "generator",
    "themedata",
    "datastore",
    "xmlnstbl",
    "rsidtbl",
];

pub(crate) fn rtf(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    if !bytes.starts_with(b"{\\rtf") {
        return Err(ExtractError::Corrupt("not an RTF document (it does not start with {\\rtf)".into()));
    }
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    // Per group: whether its text is skipped, and how many characters to skip after \uN.
    let mut stack: Vec<(bool, usize)> = vec![(false, 1)];
    let mut skip_chars = 0usize;
    let mut i = 0;
    let emit = |c: char, current: &mut String, skip: &mut usize, skipping: bool| {
        if *skip > 0 {
            *skip -= 1;
        } else if !skipping {
            current.push(c);
        }
    };
    while i < bytes.len() {
        let skipping = stack.last().is_some_and(|s| s.0);
        match bytes[i] {
            b'{' => {
                let (skip, uc) = stack.last().copied().unwrap_or((false, 1));
                stack.push((skip, uc));
                i += 1;
            }
            b'}' => {
                stack.pop();
                if stack.is_empty() {
                    break;
                }
                i += 1;
            }
            b'\\' => {
                i += 1;
                let Some(&c) = bytes.get(i) else { break };
                if c == b'\'' {
                    let hex = bytes
                        .get(i + 1..i + 3)
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .and_then(|h| u8::from_str_radix(h, 16).ok());
                    if let Some(b) = hex {
                        let raw = [b];
                        let (decoded, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&raw);
                        for ch in decoded.chars() {
                            emit(ch, &mut current, &mut skip_chars, skipping);
                        }
                    }
                    i += 3;
                } else if c == b'*' {
                    if let Some(top) = stack.last_mut() {
                        top.0 = true;
                    }
                    i += 1;
                } else if c.is_ascii_alphabetic() {
                    let start = i;
                    while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                        i += 1;
                    }
                    let word = std::str::from_utf8(&bytes[start..i]).unwrap_or("");
                    let num_start = i;
                    if i < bytes.len() && (bytes[i] == b'-' || bytes[i].is_ascii_digit()) {
                        i += 1;
                        while i < bytes.len() && bytes[i].is_ascii_digit() {
                            i += 1;
                        }
                    }
                    let param: Option<i32> =
                        std::str::from_utf8(&bytes[num_start..i]).ok().and_then(|n| n.parse().ok());
                    if i < bytes.len() && bytes[i] == b' ' {
                        i += 1;
                    }
                    match word {
                        "par" | "line" | "sect" | "page" if !skipping => {
                            paragraphs.push(std::mem::take(&mut current));
                        }
                        "tab" | "cell" => emit(' ', &mut current, &mut skip_chars, skipping),
                        "row" if !skipping => paragraphs.push(std::mem::take(&mut current)),
                        "uc" => {
                            if let Some(top) = stack.last_mut() {
                                top.1 = param.unwrap_or(1).max(0) as usize;
                            }
                        }
                        "u" => {
                            if let Some(n) = param {
                                let code = if n < 0 { (n + 65536) as u32 } else { n as u32 };
                                if let Some(ch) = char::from_u32(code) {
                                    if !skipping {
                                        current.push(ch);
                                    }
                                }
                                skip_chars = stack.last().map_or(1, |s| s.1);
                            }
                        }
                        w if SKIPPED.contains(&w) => {
                            if let Some(top) = stack.last_mut() {
                                top.0 = true;
                            }
                        }
                        _ => {}
                    }
                } else {
                    // Escaped literal: \\ \{ \} or a control symbol like \~ (non-breaking space).
                    match c {
                        b'\\' | b'{' | b'}' => emit(c as char, &mut current, &mut skip_chars, skipping),
                        b'~' => emit(' ', &mut current, &mut skip_chars, skipping),
                        b'\n' | b'\r' if !skipping => paragraphs.push(std::mem::take(&mut current)),
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'\r' | b'\n' => i += 1,
            b => {
                emit(b as char, &mut current, &mut skip_chars, skipping);
                i += 1;
            }
        }
    }
    paragraphs.push(current);
    let lines: Vec<String> = paragraphs.iter().map(|p| squash(p)).filter(|p| !p.is_empty()).collect();
    let mut builder = Builder::default();
    builder.section(Location::default(), LineUnit::Paragraphs, Some(1), &lines);
    if builder.is_empty() {
        return Err(ExtractError::Empty);
    }
    Ok(builder.finish(Format::Rtf))
}
