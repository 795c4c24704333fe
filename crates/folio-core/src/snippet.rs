//! Short excerpts of a passage around the words of a query, for result lists.

/// About `width` characters of `text` around the first word of `query` it contains (case-insensitive),
/// cut at word boundaries, with "…" where text was left out; whitespace runs become single spaces.
pub fn snippet(text: &str, query: &str, width: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars: Vec<char> = flat.chars().collect();
    if chars.len() <= width {
        return flat;
    }
    let lower: Vec<char> = flat.to_lowercase().chars().collect();
    let hit = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .filter_map(|w| find(&lower, &w.to_lowercase().chars().collect::<Vec<_>>()))
        .min()
        .unwrap_or(0);
    let mut start = hit.saturating_sub(width / 3);
    let mut end = (start + width).min(chars.len());
    if end == chars.len() {
        start = end.saturating_sub(width);
    }
    while start > 0 && !chars[start - 1].is_whitespace() {
        start -= 1;
    }
    while end < chars.len() && !chars[end].is_whitespace() {
        end += 1;
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push('…');
    }
    out
}

fn find(hay: &[char], needle: &[char]) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len()).find(|&i| hay[i..i + needle.len()] == *needle)
}
