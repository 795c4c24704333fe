//! E-mail: EML (one message) and MBOX (many), each message's headers (from, to, date, subject), body
//! text, and the names of its attachments, located by message number and part.

use folio_core::chunk::LineUnit;
use folio_core::Location;
use mail_parser::{Address, MessageParser, MimeHeaders};

use crate::builder::{squash, Builder};
use crate::{ExtractError, Extracted, Format};

fn addresses(a: Option<&Address<'_>>) -> String {
    let Some(a) = a else { return String::new() };
    a.iter()
        .map(|addr| match (addr.name(), addr.address()) {
            (Some(n), Some(e)) => format!("{n} <{e}>"),
            (None, Some(e)) => e.to_string(),
            (Some(n), None) => n.to_string(),
            (None, None) => String::new(),
        })
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Adds one message as a section; returns false if the bytes are not a message.
fn message(raw: &[u8], number: u32, builder: &mut Builder) -> bool {
    let Some(msg) = MessageParser::default().parse(raw) else { return false };
    let mut lines = Vec::new();
    let from = addresses(msg.from());
    if !from.is_empty() {
        lines.push(format!("From: {from}"));
    }
    let to = addresses(msg.to());
    if !to.is_empty() {
        lines.push(format!("To: {to}"));
    }
    if let Some(date) = msg.date() {
        lines.push(format!("Date: {}", date.to_rfc3339()));
    }
    if let Some(subject) = msg.subject() {
        lines.push(format!("Subject: {}", squash(subject)));
    }
    let header_lines = lines.len();
    let mut body = String::new();
    for i in 0.. {
        match msg.body_text(i) {
            Some(t) => {
                body.push_str(&t);
                body.push('\n');
            }
            None => break,
        }
    }
    lines.extend(body.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()).map(str::to_string));
    let attachments: Vec<String> = msg.attachments().filter_map(|a| a.attachment_name().map(str::to_string)).collect();
    if !attachments.is_empty() {
        lines.push(format!("Attachments: {}", attachments.join(", ")));
    }
    if lines.len() == header_lines && header_lines == 0 {
        return false;
    }
    let location = Location { message: Some(number), part: Some("body".into()), ..Location::default() };
    builder.section(location, LineUnit::Lines, None, &lines);
    true
}

/// A single message (.eml).
pub(crate) fn eml(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let mut builder = Builder::default();
    if !message(bytes, 1, &mut builder) {
        return Err(ExtractError::Corrupt("not an e-mail message".into()));
    }
    Ok(builder.finish(Format::Eml))
}

/// A mailbox (.mbox): messages start at lines beginning with "From ".
pub(crate) fn mbox(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let mut starts = Vec::new();
    let mut at_line_start = true;
    for (i, &b) in bytes.iter().enumerate() {
        if at_line_start && bytes[i..].starts_with(b"From ") {
            starts.push(i);
        }
        at_line_start = b == b'\n';
    }
    if starts.is_empty() {
        return Err(ExtractError::Corrupt(
            "no messages found: an mbox file starts each message with a \"From \" line".into(),
        ));
    }
    let mut builder = Builder::default();
    for (n, w) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(bytes.len());
        let raw = &bytes[*w..end];
        // Skip the "From " separator line itself.
        let body = raw.iter().position(|&b| b == b'\n').map_or(raw, |p| &raw[p + 1..]);
        message(body, n as u32 + 1, &mut builder);
    }
    if builder.is_empty() {
        return Err(ExtractError::Empty);
    }
    Ok(builder.finish(Format::Mbox))
}
