//! What the CLI prints for a person: text from users' files never reaches the terminal with its control
//! characters, so a file holding `ESC ] 52` cannot write the clipboard or retitle the window through
//! `folio search`. JSON output needs no filter (serde_json escapes control characters) and gets none.

use std::borrow::Cow;
use std::io::Write;

/// Whether `c` is shown as U+FFFD: C0 and C1 controls and DEL, except line feed and tab.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{200e}'..='\u{200f}' | '\u{202a}'..='\u{202e}')
}

/// `s` with every control character (and bidirectional override) replaced by U+FFFD.
pub fn clean(s: &str) -> Cow<'_, str> {
    if s.chars().any(is_unsafe) {
        Cow::Owned(s.chars().map(|c| if is_unsafe(c) { '\u{fffd}' } else { c }).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// A writer that passes text through [`clean`] when `filter` is set; bytes are held back only while a
/// UTF-8 character is split across two writes.
pub struct Clean<W: Write> {
    inner: W,
    filter: bool,
    pending: Vec<u8>,
}

impl<W: Write> Clean<W> {
    /// Wraps `inner`; with `filter` false it writes through unchanged (JSON output).
    pub fn new(inner: W, filter: bool) -> Self {
        Clean { inner, filter, pending: Vec::new() }
    }
}

impl<W: Write> Write for Clean<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.filter {
            return self.inner.write(buf);
        }
        self.pending.extend_from_slice(buf);
        let valid = match std::str::from_utf8(&self.pending) {
            Ok(s) => s.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            // Not UTF-8 at all: shown lossily, then cleaned.
            Err(_) => self.pending.len(),
        };
        let head: Vec<u8> = self.pending.drain(..valid).collect();
        let text = String::from_utf8_lossy(&head);
        self.inner.write_all(clean(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            let rest = std::mem::take(&mut self.pending);
            self.inner.write_all(clean(&String::from_utf8_lossy(&rest)).as_bytes())?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for Clean<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_the_terminal() {
        assert_eq!(clean("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(clean("\u{1b}]52;c;ZXZpbA==\u{7}x"), "\u{fffd}]52;c;ZXZpbA==\u{fffd}x");
        assert_eq!(clean("csi \u{9b}31m and \u{202e}evil"), "csi \u{fffd}31m and \u{fffd}evil");
        let mut out = Clean::new(Vec::new(), true);
        // "é" split across two writes, then an escape.
        out.write_all(b"caf\xc3").unwrap();
        out.write_all(b"\xa9 \x1b[2J").unwrap();
        out.flush().unwrap();
        assert_eq!(String::from_utf8(out.inner.clone()).unwrap(), "café \u{fffd}[2J");
    }
}
