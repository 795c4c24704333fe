//! The language of a short text (a question), for the messages Folio writes itself: English or French,
//! the languages of Folio's users so far. Counts each language's common function words (and French's
//! elisions such as `l'` and `qu'`); English wins ties, as the default.

/// A language Folio speaks in its own messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Language {
    /// English.
    English,
    /// French.
    French,
}

const FRENCH: &[&str] = &[
    "le", "la", "les", "un", "une", "des", "du", "de", "et", "est", "sont", "que", "qui", "quoi", "quel", "quelle",
    "quels", "quelles", "pour", "dans", "sur", "avec", "pas", "ne", "au", "aux", "ce", "cette", "ces", "mon", "ma",
    "mes", "son", "sa", "ses", "où", "comment", "pourquoi", "combien", "quand", "il", "elle", "nous", "vous", "ils",
    "elles", "je", "tu", "à", "été", "était", "fait", "faut", "peut", "par", "plus", "leur", "leurs", "y",
];

const ENGLISH: &[&str] = &[
    "the", "a", "an", "and", "is", "are", "was", "were", "what", "which", "who", "whom", "when", "where", "why", "how",
    "of", "in", "on", "for", "with", "to", "does", "do", "did", "my", "our", "your", "it", "this", "that", "these",
    "those", "be", "been", "by", "from", "at", "can", "should", "many", "much",
];

/// The language `text` is most likely written in.
pub fn detect(text: &str) -> Language {
    let lower = text.to_lowercase();
    let (mut fr, mut en) = (0usize, 0usize);
    for word in lower.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')) {
        if word.is_empty() {
            continue;
        }
        // Elisions: l'hôtel, qu'il, d'Orsay.
        if let Some((head, _)) = word.split_once(['\'', '’']) {
            if matches!(head, "l" | "d" | "qu" | "j" | "n" | "s" | "c" | "m" | "t" | "jusqu" | "lorsqu" | "puisqu") {
                fr += 1;
                continue;
            }
        }
        fr += usize::from(FRENCH.contains(&word));
        en += usize::from(ENGLISH.contains(&word));
    }
    if fr > en {
        Language::French
    } else {
        Language::English
    }
}
