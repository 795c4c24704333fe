//! Citation markers in a streamed answer: `[1]`, `[1, 2]` and `[1][2]`.
//!
//! [`CitationFilter`] sits between the model's token stream and the user: it passes text through as it
//! comes, holds back only what could still become a marker, drops markers that point to no passage (and
//! counts them), and records the valid ones in order of first appearance. Text in code (between
//! backticks, or in a fenced block) is passed through as written: `items[1]` is an index, not a citation.

/// The longest bracket group that is still considered a marker, in bytes (room for a dozen numbers).
const MAX_MARKER_LEN: usize = 64;

/// Streaming filter over answer text; see the module documentation.
#[derive(Debug, Clone)]
pub struct CitationFilter {
    passages: u32,
    pending: String,
    cited: Vec<u32>,
    dropped: u32,
    /// Length of the backtick run that opened the code the text is in; 0 outside code.
    code: usize,
    /// Backticks just seen in a row.
    ticks: usize,
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
        CitationFilter {
            passages: passages as u32,
            pending: String::new(),
            cited: Vec::new(),
            dropped: 0,
            code: 0,
            ticks: 0,
        }
    }

    /// Feeds a piece of the answer; returns the text that can be shown now.
    pub fn push(&mut self, piece: &str) -> String {
        let mut out = String::new();
        for c in piece.chars() {
            if c == '`' {
                out.push_str(&std::mem::take(&mut self.pending));
                self.ticks += 1;
                out.push(c);
                continue;
            }
            if self.ticks > 0 {
                // A run of backticks opens code, and a run as long closes it.
                if self.code == 0 {
                    self.code = self.ticks;
                } else if self.code == self.ticks {
                    self.code = 0;
                }
                self.ticks = 0;
            }
            if self.code > 0 {
                // Inline code ends with its line at the latest, so a stray backtick costs one line.
                if c == '\n' && self.code < 3 {
                    self.code = 0;
                }
                out.push(c);
                continue;
            }
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

/// Cites the sentences a model left uncited. Each sentence without a marker gets the passage that shares
/// the most of its content words (words of three letters or more that are not function words), provided
/// that passage holds at least half of them and at least two; ties go to the better-ranked passage.
/// The marker goes before the sentence's closing punctuation, as a model would write it.
///
/// Small models often answer correctly but forget the markers; this keeps every supported claim
/// checkable. It never removes or moves a marker the model wrote. Returns the new text and the markers
/// added, in order of first appearance.
pub fn attribute(answer: &str, passages: &[&str]) -> (String, Vec<u32>) {
    let passage_words: Vec<std::collections::HashSet<String>> =
        passages.iter().map(|p| content_words(p).into_iter().collect()).collect();
    let mut out = String::with_capacity(answer.len() + 16);
    let mut added = Vec::new();
    let mut fenced = false;
    for sentence in sentences(answer) {
        // Code is quoted, not claimed: fenced blocks and anything with inline code stay as written.
        if sentence.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        if fenced || sentence.contains('`') {
            out.push_str(sentence);
            continue;
        }
        let body = sentence.trim_end();
        let has_marker = body.contains('[') && !filter_answer(body, 1 << 20).1.cited.is_empty();
        let words: std::collections::HashSet<String> = content_words(body).into_iter().collect();
        let best = if has_marker || words.len() < 2 {
            None
        } else {
            passage_words
                .iter()
                .enumerate()
                .map(|(i, p)| (words.intersection(p).count(), i))
                .filter(|&(shared, _)| shared >= 2 && shared * 2 >= words.len())
                .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        };
        match best {
            Some((_, i)) => {
                let marker = u32::try_from(i + 1).unwrap_or(u32::MAX);
                let end = body.trim_end_matches(['.', '!', '?', ':', ';']).len();
                out.push_str(&body[..end]);
                out.push_str(&format!(" [{marker}]"));
                out.push_str(&sentence[end..]);
                if !added.contains(&marker) {
                    added.push(marker);
                }
            }
            None => out.push_str(sentence),
        }
    }
    (out, added)
}

/// Where to cut an answer that has started repeating itself: small models, decoding greedily, can fall
/// into saying one sentence over and over. When the last two complete sentences are the same (ignoring
/// case, punctuation, spacing and markers) and not trivially short, returns the length of the text up to the end of
/// the first of them; the caller stops the model there.
pub fn repetition_cut(text: &str) -> Option<usize> {
    let all = sentences(text);
    // Only complete sentences count: the last piece may still be growing.
    let complete = if text.ends_with(char::is_whitespace) { all.len() } else { all.len().saturating_sub(1) };
    if complete < 2 {
        return None;
    }
    let norm = |s: &str| -> String {
        let (unmarked, _) = filter_answer(s, 0);
        let words: Vec<&str> = unmarked.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        words.join(" ").to_lowercase()
    };
    let (a, b) = (norm(all[complete - 2]), norm(all[complete - 1]));
    if a != b || a.chars().filter(|c| c.is_alphanumeric()).count() < 12 {
        return None;
    }
    Some(all[..complete - 1].iter().map(|s| s.len()).sum::<usize>())
}

/// Splits text into sentences, each keeping its closing punctuation and the whitespace after it, so
/// that joining them gives the text back. A sentence ends at `.`, `!` or `?` followed by whitespace, or
/// at a line break.
pub(crate) fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let ends = c == '\n' || (matches!(c, '.' | '!' | '?') && next.is_none_or(char::is_whitespace));
        if ends {
            // Take the whitespace that follows into this sentence.
            let mut end = i + c.len_utf8();
            while let Some(&(j, n)) = chars.peek() {
                if !n.is_whitespace() {
                    break;
                }
                end = j + n.len_utf8();
                chars.next();
            }
            out.push(&text[start..end]);
            start = end;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Lower-cased words of three letters or more that are not function words.
fn content_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .filter(|w| !crate::STOPWORDS.contains(&w.as_str()))
        .collect()
}

/// Runs a whole answer through a [`CitationFilter`].
pub fn filter_answer(answer: &str, passages: usize) -> (String, Markers) {
    let mut filter = CitationFilter::new(passages);
    let mut text = filter.push(answer);
    let (rest, markers) = filter.finish();
    text.push_str(&rest);
    (text, markers)
}
