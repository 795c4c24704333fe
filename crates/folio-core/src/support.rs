//! Checking each cited sentence of an answer against the passage it cites, before it is shown as
//! supported. A small model often cites the right file for the wrong figure ("born in 1822 [4]" where
//! passage 4 says 1931 and is about someone else); a reader cannot see that, so Folio does:
//!
//! - every number in the sentence must appear in the passage, compared by its digits so that `1,234.5`,
//!   `1 234,5` and `1234.5` agree (`4 461,00` and `4461` too), and a month written as a word in the
//!   passage counts as its number (`18/11/2024` is supported by `18 November 2024`);
//! - every capitalised name in the sentence (a capitalised word not opening it) must appear in the
//!   passage, compared without case or accents;
//! - a sentence without a number must share at least [`MIN_OVERLAP`] of its content words with the
//!   passage (French and English function words left out, words compared by their first five letters,
//!   so plurals and conjugations agree); one with numbers, all found, is taken as supported by them,
//!   also when it is written in another language than the passage.
//!
//! A sentence that fails is reported with the marker and why ("not supported by [4]"). A marker whose
//! passage shares nothing at all with the sentence (no content word, no number, no name) is dropped from
//! the answer like a marker that points to no passage.

use std::collections::HashSet;

/// Share of a cited sentence's content words that must appear in the cited passage. Chosen with
/// `folio-dev bench ask` on the notes set: see the notes for the distribution.
pub const MIN_OVERLAP: f64 = 0.3;

/// A cited sentence the passage it cites does not support.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Unsupported {
    /// The sentence, as shown (markers included).
    pub sentence: String,
    /// The marker whose passage does not support it.
    pub marker: u32,
    /// Why, for people: the number or name the passage lacks, or how little they share.
    pub reason: String,
}

/// An answer's citations, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checked {
    /// The answer with markers to passages that share nothing with their sentence removed.
    pub text: String,
    /// Sentence and marker pairs checked.
    pub checked: usize,
    /// Those the passage does not support (markers dropped are not counted here).
    pub unsupported: Vec<Unsupported>,
    /// Markers removed for citing a passage that shares nothing with their sentence.
    pub dropped: u32,
}

/// Checks every sentence of `answer` that cites one of `passages` (numbered from 1); the reasons are
/// written in `language` (French, else English).
pub fn check(answer: &str, passages: &[&str], language: crate::lang::Language) -> Checked {
    let fr = language == crate::lang::Language::French;
    let facts: Vec<Facts> = passages.iter().map(|p| Facts::of_passage(p)).collect();
    let mut out = Checked { text: String::with_capacity(answer.len()), ..Checked::default() };
    for sentence in crate::citation::sentences(answer) {
        let (markers, plain) = markers_of(sentence);
        if markers.is_empty() || sentence.contains('`') {
            out.text.push_str(sentence);
            continue;
        }
        let claim = Claim::of(&plain);
        let mut kept = sentence.to_string();
        for marker in markers {
            let Some(passage) = facts.get(marker as usize - 1) else { continue };
            match claim.against(passage, fr) {
                Verdict::Supported => out.checked += 1,
                Verdict::Unrelated => {
                    kept = remove_marker(&kept, marker);
                    out.dropped += 1;
                }
                Verdict::Unsupported(reason) => {
                    out.checked += 1;
                    out.unsupported.push(Unsupported { sentence: sentence.trim().to_string(), marker, reason });
                }
            }
        }
        out.text.push_str(&kept);
    }
    out
}

/// Whether `question` names something (a capitalised word that does not open it, as [`check`] finds
/// names) and none of `passages` mentions any of its names: the files then know nothing of what it is
/// about ("the height of the Eiffel Tower" over someone's notes that never name it).
pub fn names_unknown(question: &str, passages: &[&str]) -> bool {
    let names = Claim::of(question).names;
    if names.is_empty() {
        return false;
    }
    let words: HashSet<String> = passages.iter().flat_map(|p| words(p).map(|w| fold(&w))).collect();
    !names.iter().any(|n| words.contains(n))
}

/// The markers `[n]` of a sentence (each once, in order) and the sentence without them.
fn markers_of(sentence: &str) -> (Vec<u32>, String) {
    let mut markers = Vec::new();
    let mut plain = String::with_capacity(sentence.len());
    let mut rest = sentence;
    while let Some(open) = rest.find('[') {
        plain.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(']') {
            Some(close) if close > 0 && close <= 24 => {
                let inside = &after[..close];
                let numbers: Option<Vec<u32>> =
                    inside.split(',').map(|n| n.trim().parse::<u32>().ok().filter(|&n| n > 0)).collect();
                match numbers {
                    Some(ns) => {
                        for n in ns {
                            if !markers.contains(&n) {
                                markers.push(n);
                            }
                        }
                    }
                    None => plain.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            _ => {
                plain.push('[');
                rest = after;
            }
        }
    }
    plain.push_str(rest);
    (markers, plain)
}

/// `sentence` without the marker `[marker]` (a group such as `[2, 4]` loses only that number).
fn remove_marker(sentence: &str, marker: u32) -> String {
    let mut out = String::with_capacity(sentence.len());
    let mut rest = sentence;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else { break };
        let inside = &after[..close];
        let numbers: Option<Vec<u32>> = inside.split(',').map(|n| n.trim().parse::<u32>().ok()).collect();
        let mut head = &rest[..open];
        match numbers {
            Some(ns) if ns.contains(&marker) => {
                let others: Vec<String> = ns.iter().filter(|&&n| n != marker).map(u32::to_string).collect();
                if others.is_empty() {
                    // " [4]." becomes ".": the space before the marker goes with it.
                    head = head.trim_end_matches(' ');
                    out.push_str(head);
                } else {
                    out.push_str(head);
                    out.push_str(&format!("[{}]", others.join(", ")));
                }
            }
            _ => {
                out.push_str(head);
                out.push_str(&rest[open..open + close + 2]);
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// What a passage offers: its numbers (by digits), its words without case or accents, and the stems
/// of its content words.
struct Facts {
    numbers: HashSet<String>,
    words: HashSet<String>,
    stems: HashSet<String>,
}

impl Facts {
    fn of_passage(text: &str) -> Facts {
        let mut numbers: HashSet<String> = numbers(text).into_iter().collect();
        let words: Vec<String> = words(text).map(|w| fold(&w)).collect();
        // A month written as a word stands for its number, as a date written with slashes has it.
        for w in &words {
            if let Some(m) = month(w) {
                numbers.insert(format!("{m:02}"));
                numbers.insert(m.to_string());
            }
        }
        let stems = words.iter().filter(|w| is_content(w)).map(|w| stem(w)).collect();
        Facts { numbers, words: words.into_iter().collect(), stems }
    }
}

/// What a sentence claims: its numbers, its names and its content words' stems.
struct Claim {
    numbers: Vec<String>,
    names: Vec<String>,
    stems: Vec<String>,
}

enum Verdict {
    Supported,
    /// Nothing in common: the marker is dropped.
    Unrelated,
    Unsupported(String),
}

impl Claim {
    fn of(sentence: &str) -> Claim {
        let numbers = numbers(sentence).into_iter().filter(|n| n.len() >= 2).collect();
        let mut names = Vec::new();
        for (i, w) in words(sentence).enumerate() {
            let capital = w.chars().next().is_some_and(char::is_uppercase);
            if i > 0 && capital && w.chars().count() >= 3 {
                let folded = fold(&w);
                if !is_function_word(&folded) && month(&folded).is_none() && !names.contains(&folded) {
                    names.push(folded);
                }
            }
        }
        let mut stems: Vec<String> =
            words(sentence).map(|w| fold(&w)).filter(|w| is_content(w)).map(|w| stem(&w)).collect();
        stems.sort();
        stems.dedup();
        Claim { numbers, names, stems }
    }

    fn against(&self, passage: &Facts, fr: bool) -> Verdict {
        let shared = self.stems.iter().filter(|s| passage.stems.contains(*s)).count();
        let numbers_found = self.numbers.iter().filter(|n| passage.numbers.contains(*n)).count();
        let names_found = self.names.iter().filter(|n| passage.words.contains(*n)).count();
        if shared == 0 && numbers_found == 0 && names_found == 0 {
            return Verdict::Unrelated;
        }
        if let Some(n) = self.numbers.iter().find(|n| !passage.numbers.contains(*n)) {
            return Verdict::Unsupported(if fr {
                format!("le passage ne dit pas {n}")
            } else {
                format!("the passage does not say {n}")
            });
        }
        if let Some(n) = self.names.iter().find(|n| !passage.words.contains(*n)) {
            return Verdict::Unsupported(if fr {
                format!("le passage ne mentionne pas {n}")
            } else {
                format!("the passage does not mention {n}")
            });
        }
        // A figure the passage holds is the claim (and may be said in another language than the
        // passage's); without one, the words must overlap.
        if self.numbers.is_empty() && !self.stems.is_empty() {
            let overlap = shared as f64 / self.stems.len() as f64;
            if overlap < MIN_OVERLAP {
                let total = self.stems.len();
                return Verdict::Unsupported(if fr {
                    format!("le passage ne partage que {shared} des {total} mots de la phrase")
                } else {
                    format!("the passage shares {shared} of the sentence's {total} content words")
                });
            }
        }
        Verdict::Supported
    }
}

/// The numbers of `text`, each as its digits: separators (`,` `.` spaces, including non-breaking and
/// thin ones, between digits) are left out, and a decimal part of zeros (`,00`, `.0`) is dropped.
fn numbers(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        // Digits inside a word (COVID19, B12) are no number; after one letter they are (12h30).
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        if i >= 2 && chars[i - 1].is_alphabetic() && chars[i - 2].is_alphabetic() {
            while i < chars.len() && chars[i].is_alphanumeric() {
                i += 1;
            }
            continue;
        }
        // digits, and separators each followed by a digit
        let mut groups: Vec<(Option<char>, String)> = vec![(None, String::new())];
        while i < chars.len() {
            let c = chars[i];
            if c.is_ascii_digit() {
                groups.last_mut().map(|g| g.1.push(c));
                i += 1;
            } else if matches!(c, ',' | '.' | ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}')
                && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                // "en 2024, 35 %" is two numbers: a space separates thousands only before three digits.
                && (!c.is_whitespace() || digits_then_boundary(&chars, i + 1, 3))
            {
                groups.push((Some(c), String::new()));
                i += 1;
            } else {
                break;
            }
        }
        if groups.len() > 1 {
            let last = &groups[groups.len() - 1];
            if matches!(last.0, Some(',' | '.')) && last.1.len() <= 2 && last.1.chars().all(|c| c == '0') {
                groups.pop();
            }
        }
        let digits: String = groups.into_iter().map(|g| g.1).collect();
        // Leading zeros are formatting ("09" in a date is 9).
        let trimmed = digits.trim_start_matches('0');
        out.push(if trimmed.is_empty() { "0".to_string() } else { trimmed.to_string() });
    }
    out
}

/// Whether `chars[at..]` holds exactly `n` digits and then no further digit.
fn digits_then_boundary(chars: &[char], at: usize, n: usize) -> bool {
    (0..n).all(|k| chars.get(at + k).is_some_and(char::is_ascii_digit))
        && !chars.get(at + n).is_some_and(char::is_ascii_digit)
}

/// The words of `text` (letters and digits, apostrophes splitting elisions such as `l'expert`).
pub(crate) fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string)
}

/// Lower case without accents.
pub(crate) fn fold(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' | 'ì' => 'i',
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ÿ' | 'ý' => 'y',
            'ñ' => 'n',
            other => other,
        })
        .collect()
}

fn is_function_word(folded: &str) -> bool {
    crate::STOPWORDS.contains(&folded) || crate::FRENCH_STOPWORDS.contains(&folded) || EXTRA_FUNCTION.contains(&folded)
}

/// Words a sentence may capitalise or use freely without making a claim about the passage.
const EXTRA_FUNCTION: &[&str] = &[
    "the",
    "this",
    "that",
    "there",
    "they",
    "their",
    "she",
    "her",
    "his",
    "him",
    "you",
    "your",
    "yes",
    "not",
    "also",
    "according",
    "passage",
    "passages",
    "selon",
    "document",
    "file",
    "fichier",
    "note",
    "notes",
    "has",
    "have",
    "had",
    "was",
    "were",
    "been",
    "being",
    "which",
    "who",
    "what",
    "when",
    "where",
    "how",
    "les",
    "des",
    "est",
    "sont",
    "avait",
    "etait",
    "ete",
    "avec",
    "dans",
    "pour",
    "par",
    "sur",
    "une",
    "aux",
    "elle",
    "ils",
    "vous",
    "nous",
];

pub(crate) fn is_content(folded: &str) -> bool {
    folded.chars().count() >= 3 && !is_function_word(folded) && !folded.chars().all(|c| c.is_ascii_digit())
}

/// A crude stem: the first five letters, so that plurals and most conjugations agree.
pub(crate) fn stem(folded: &str) -> String {
    folded.chars().take(5).collect()
}

/// The month a word names (English or French, folded), 1 to 12.
fn month(folded: &str) -> Option<u32> {
    const MONTHS: [[&str; 2]; 12] = [
        ["january", "janvier"],
        ["february", "fevrier"],
        ["march", "mars"],
        ["april", "avril"],
        ["may", "mai"],
        ["june", "juin"],
        ["july", "juillet"],
        ["august", "aout"],
        ["september", "septembre"],
        ["october", "octobre"],
        ["november", "novembre"],
        ["december", "decembre"],
    ];
    MONTHS.iter().position(|names| names.contains(&folded)).map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Language;

    fn check(answer: &str, passages: &[&str]) -> Checked {
        super::check(answer, passages, Language::English)
    }

    const SKARVIK: &str = "Ingrid Holm was born in 1931 in Skarvik, a fishing village, and taught there until 1990.";
    const ROSA: &str = "Rosa Lind, born 1822 in Malmö, painted the harbour.";

    #[test]
    fn a_wrong_year_and_a_wrong_person_are_not_supported() {
        let answer = "She was born in 1822 in a small village called Skarvik [1]. Ingrid Holm taught in Skarvik [1].";
        let checked = check(answer, &[SKARVIK, ROSA]);
        assert_eq!(checked.checked, 2);
        assert_eq!(checked.unsupported.len(), 1, "{checked:?}");
        assert_eq!(checked.unsupported[0].marker, 1);
        assert!(checked.unsupported[0].reason.contains("1822"), "{:?}", checked.unsupported[0]);
        let named = check("Rosa Lind taught in Skarvik until 1990 [1].", &[SKARVIK]);
        assert!(named.unsupported[0].reason.contains("lind"), "{named:?}");
    }

    #[test]
    fn numbers_and_dates_agree_across_their_french_and_english_forms() {
        let passage =
            "Cotisation annuelle : 486,24 € soit 40,52 € par mois. Acompte de 4 461,00 € versé le 18 novembre 2024.";
        for sentence in [
            "The monthly premium is 40.52 euros [1].",
            "Le prélèvement mensuel est de 40,52 € [1].",
            "Un acompte de 4461 € a été versé [1].",
            "The deposit of 4,461 euros was paid on 18/11/2024 [1].",
            "La cotisation annuelle est de 486,24 € [1].",
        ] {
            let checked = check(sentence, &[passage]);
            assert!(checked.unsupported.is_empty(), "{sentence}: {checked:?}");
            assert_eq!(checked.checked, 1);
        }
        let wrong = check("La cotisation mensuelle est de 45,52 € [1].", &[passage]);
        assert_eq!(wrong.unsupported.len(), 1);
        // Said to a French reader in French.
        let wrong = super::check("La cotisation mensuelle est de 45,52 € [1].", &[passage], Language::French);
        assert_eq!(wrong.unsupported[0].reason, "le passage ne dit pas 4552");
    }

    #[test]
    fn a_marker_to_a_passage_that_shares_nothing_is_dropped() {
        let checked = check(
            "Comet Halvard returns every 76 years [2]. It is bright [1].",
            &[ROSA, "Comet Halvard returns every 76 years."],
        );
        assert_eq!(checked.text, "Comet Halvard returns every 76 years [2]. It is bright.");
        assert_eq!(checked.dropped, 1);
        let group =
            check("Comet Halvard returns every 76 years [1, 2].", &[ROSA, "Comet Halvard returns every 76 years."]);
        assert_eq!(group.text, "Comet Halvard returns every 76 years [2].");
    }

    #[test]
    fn little_overlap_is_unsupported_and_uncited_sentences_are_not_checked() {
        let passage = "The travel policy reimburses train tickets in second class for trips under four hours.";
        let checked = check(
            "Employees may fly business class on every trip and claim taxis, hotels and meals [1]. Ask HR.",
            &[passage],
        );
        assert_eq!(checked.checked, 1);
        assert_eq!(checked.unsupported.len(), 1, "{checked:?}");
        assert!(checked.unsupported[0].reason.contains("content words"));
        assert!(check("Train tickets are reimbursed in second class [1].", &[passage]).unsupported.is_empty());
    }

    #[test]
    fn numbers_are_read_by_their_digits() {
        assert_eq!(numbers("1,234.5 et 1 234,5 et 1234.5"), ["12345", "12345", "12345"]);
        assert_eq!(numbers("4 461,00 € ; 4461 ; 09/12/2025"), ["4461", "4461", "9", "12", "2025"]);
        assert_eq!(numbers("en 2024, 35 % de plus"), ["2024", "35"]);
        // Digits inside a word are no number; the minutes of a time are.
        assert_eq!(numbers("COVID19 12h30 14 h 30"), ["12", "30", "14", "30"]);
    }
}
