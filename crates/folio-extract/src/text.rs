//! Decoding text in any common encoding: UTF-8/16 with or without a BOM, else a detected legacy encoding.

use crate::ExtractError;

/// How many leading bytes are inspected for NULs to call a file binary.
const SNIFF: usize = 8192;

/// Decodes `bytes` to a string, refusing binary data.
pub(crate) fn decode(bytes: &[u8]) -> Result<String, ExtractError> {
    if bytes.is_empty() {
        return Err(ExtractError::Empty);
    }
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return Ok(normalise(text.into_owned()));
    }
    let head = &bytes[..bytes.len().min(SNIFF)];
    if let Some(utf16) = utf16_without_bom(head) {
        let (text, _) = utf16.decode_without_bom_handling(bytes);
        return Ok(normalise(text.into_owned()));
    }
    if head.contains(&0) {
        return Err(ExtractError::Binary);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(normalise(text.to_string()));
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let encoding = detector.guess(None, true);
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    if text.chars().filter(|c| c.is_control() && !c.is_whitespace()).count() * 20 > text.chars().count().max(1) {
        return Err(ExtractError::Binary);
    }
    Ok(normalise(text.into_owned()))
}

/// UTF-16 text without a BOM shows a NUL in every other byte of ASCII-heavy text.
fn utf16_without_bom(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    if head.len() < 4 {
        return None;
    }
    let pairs = head.len() / 2;
    let even_nul = head.chunks_exact(2).filter(|p| p[0] == 0 && p[1] != 0).count();
    let odd_nul = head.chunks_exact(2).filter(|p| p[1] == 0 && p[0] != 0).count();
    if odd_nul * 10 >= pairs * 9 {
        Some(encoding_rs::UTF_16LE)
    } else if even_nul * 10 >= pairs * 9 {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Line endings become `\n` so that line numbers and offsets match what editors show.
fn normalise(text: String) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}
