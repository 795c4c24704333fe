//! Citation markers in a streamed answer: `[1]`, `[1, 2]` and `[1][2]`.
//!
//! [`CitationFilter`] sits between the model's token stream and the user: it passes text through as it
//! comes, holds back only what could still become a marker, drops markers that point to no passage (and
//! counts them), and records the valid ones in order of first appearance.

/// The longest bracket group that is still considered a marker, in bytes.
const MAX_MARKER_LEN: usize = 24;

/// Streaming filter over answer text; see the module documentation.
#[derive(Debug, Clone)]
pub struct CitationFilter {
    passages: u32,
    pending: String,
    cited: Vec<u32>,
    dropped: u32,
}

/// What the filter found in a whole answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Markers {
    /// Distinct valid marker numbers, in order of first appearance.
    pub cited: Vec<u32>,
    /// Markers removed because they named no passage.
    pub dropped: u32,
}

impl CitationFilter {
    /// A filter for an answer that may cite passages `1..=passages`.
    pub fn new(passages: usize) -> Self {
        CitationFilter { passages: passages as u32, pending: String::new(), cited: Vec::new(), dropped: 0 }
    }

    /// Feeds a piece of the answer; returns the text that can be shown now.
    pub fn push(&mut self, piece: &str) -> String {
        let mut out = String::new();
        for c in piece.chars() {
            if self.pending.is_empty() {
                if c == '[' {
                    self.pending.push(c);
                } else {
                    out.push(c);
                }
                continue;
            }
            if c == '[' {
                out.push_str(&std::mem::take(&mut self.pending));
                self.pending.push(c);
                continue;
            }
            self.pending.push(c);
            if c == ']' {
                let group = std::mem::take(&mut self.pending);
                out.push_str(&self.resolve(&group));
            } else if !(c.is_ascii_digit() || c == ',' || c == ' ') || self.pending.len() > MAX_MARKER_LEN {
                out.push_str(&std::mem::take(&mut self.pending));
            }
        }
        out
    }

    /// Ends the stream; returns the text still held back and the markers seen.
    pub fn finish(mut self) -> (String, Markers) {
        let rest = std::mem::take(&mut self.pending);
        (rest, Markers { cited: self.cited, dropped: self.dropped })
    }

    /// Markers seen so far, in order of first appearance.
    pub fn cited(&self) -> &[u32] {
        &self.cited
    }

    /// Rewrites one complete `[...]` group: valid numbers stay, invalid ones go.
    fn resolve(&mut self, group: &str) -> String {
        let inner = &group[1..group.len() - 1];
        let numbers: Vec<Option<u32>> = inner.split(',').map(|n| n.trim().parse::<u32>().ok()).collect();
        if numbers.iter().any(Option::is_none) {
            // Not a marker at all, e.g. "[ ]" or "[1,,2]": show it as written.
            return group.to_string();
        }
        let mut kept = Vec::new();
        for n in numbers.into_iter().flatten() {
            if n >= 1 && n <= self.passages {
                if !self.cited.contains(&n) {
                    self.cited.push(n);
                }
                kept.push(n.to_string());
            } else {
                self.dropped += 1;
            }
        }
        if kept.is_empty() {
            String::new()
        } else {
            format!("[{}]", kept.join(", "))
        }
    }
}

/// Runs a whole answer through a [`CitationFilter`].
pub fn filter_answer(answer: &str, passages: usize) -> (String, Markers) {
    let mut filter = CitationFilter::new(passages);
    let mut text = filter.push(answer);
    let (rest, markers) = filter.finish();
    text.push_str(&rest);
    (text, markers)
}
