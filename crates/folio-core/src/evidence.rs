//! Choosing the passages a question's prompt holds by evidence rather than by count. A small model
//! uses a few good passages better than eight, and every token of prompt costs first-token time (the
//! CPU attention of mistral.rs grows with the square of the prompt):
//!
//! - [`by_score`]: keep the passages whose fused score is within a ratio of the best;
//! - [`near_duplicate`]: a passage saying what a better one says (copies of a note, quoted mails) goes;
//! - [`trim`]: each passage is cut to the sentences that carry the question's terms, with their
//!   neighbours, as one contiguous range of its text, so a trimmed passage is still an exact span of
//!   the file and citations and highlights keep working.

use std::collections::HashSet;

use crate::support::{fold, is_content, stem, words};

/// How many of `scores` (best first) are within `ratio` of the best; always at least one when there is
/// one. A ratio of 0 keeps them all.
pub fn by_score(scores: &[f64], ratio: f64) -> usize {
    let Some(&best) = scores.first() else { return 0 };
    scores.iter().take_while(|&&s| s >= best * ratio).count().max(1)
}

/// Whether `b` says what `a` says: at least `threshold` of the shorter one's word triples appear in
/// the other.
pub fn near_duplicate(a: &str, b: &str, threshold: f64) -> bool {
    let (sa, sb) = (shingles(a), shingles(b));
    let (small, large) = if sa.len() <= sb.len() { (&sa, &sb) } else { (&sb, &sa) };
    if small.is_empty() {
        return false;
    }
    small.iter().filter(|s| large.contains(*s)).count() as f64 >= threshold * small.len() as f64
}

fn shingles(text: &str) -> HashSet<String> {
    let w: Vec<String> = words(text).map(|w| fold(&w)).collect();
    w.windows(3).map(|t| t.join(" ")).collect()
}

/// The part of `text` worth giving the model for `query`, as a byte range of `text`: from the first to
/// the last sentence holding one of the query's content words (compared by stem), widened by `around`
/// sentences on each side. `None` keeps the whole passage: no sentence matches, the passage is short
/// already (under `min_chars`), or the part would be nearly all of it.
pub fn trim(text: &str, query: &str, around: usize, min_chars: usize) -> Option<std::ops::Range<usize>> {
    if text.chars().count() < min_chars {
        return None;
    }
    let terms: HashSet<String> = words(query).map(|w| fold(&w)).filter(|w| is_content(w)).map(|w| stem(&w)).collect();
    if terms.is_empty() {
        return None;
    }
    let sentences = crate::citation::sentences(text);
    let hits: Vec<usize> = sentences
        .iter()
        .enumerate()
        .filter(|(_, s)| words(s).map(|w| fold(&w)).any(|w| is_content(&w) && terms.contains(&stem(&w))))
        .map(|(i, _)| i)
        .collect();
    let (&first, &last) = (hits.first()?, hits.last()?);
    let (from, to) = (first.saturating_sub(around), (last + around).min(sentences.len() - 1));
    let start: usize = sentences[..from].iter().map(|s| s.len()).sum();
    let end: usize = start + sentences[from..=to].iter().map(|s| s.len()).sum::<usize>();
    // Trailing whitespace is not part of what is quoted.
    let end = start + text[start..end].trim_end().len();
    if (end - start) * 10 >= text.len() * 9 {
        return None;
    }
    Some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passages_within_the_ratio_of_the_best_are_kept() {
        assert_eq!(by_score(&[1.0, 0.9, 0.55, 0.2], 0.5), 3);
        assert_eq!(by_score(&[1.0, 0.2], 0.5), 1);
        assert_eq!(by_score(&[0.8, 0.1], 0.0), 2);
        assert_eq!(by_score(&[], 0.5), 0);
    }

    #[test]
    fn a_copy_is_a_near_duplicate_and_a_neighbour_is_not() {
        let a = "The Caldera hut sleeps twelve people and opens in June; book through the club.";
        let copy = "Fwd: The Caldera hut sleeps twelve people and opens in June; book through the club. Thanks!";
        let other = "The Vashti lock opened four times in May, each time for the barges.";
        assert!(near_duplicate(a, copy, 0.8));
        assert!(!near_duplicate(a, other, 0.8));
    }

    #[test]
    fn a_passage_is_cut_to_the_sentences_that_answer_with_their_neighbours() {
        let text = "Intro line about the club. The hut is near the lake. The Caldera hut sleeps twelve people. \
                    It opens in June. Dogs are welcome. Parking is free. Bring a torch. The café sells maps.";
        let range = trim(text, "How many people can sleep at the Caldera?", 1, 40).expect("trimmed");
        let part = &text[range.clone()];
        assert!(part.starts_with("The hut is near the lake."), "{part}");
        assert!(part.ends_with("It opens in June."), "{part}");
        // An exact slice: the span arithmetic of the caller holds.
        assert_eq!(&text[range.start..range.end], part);
        assert_eq!(trim(text, "Quel temps fera-t-il à Tokyo ?", 1, 40), None, "no sentence matches");
        assert_eq!(trim("Short.", "short", 1, 40), None);
    }
}
