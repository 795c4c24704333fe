//! The language of a text: a chunk's, to index it with that language's analyzer, and a question's, for
//! the messages Folio writes itself and for how much the English embedder is trusted. Long texts are
//! told apart by `whatlang`'s trigram statistics among the seven languages Folio's full text analyses;
//! a text too short for them to be sure (most questions) is told apart by English and French function
//! words (and French's elisions such as `l'` and `qu'`), English winning ties, as the default.
//!
//! whatlang rather than lingua, measured (`scripts/bench.sh languages`): on 1,068 labelled questions
//! (notes-fr-dev's, SciFact-train's claims, Cranfield's queries) Folio's detection gets 1 wrong and
//! lingua 9 (short English claims full of gene names taken for Portuguese, French or German); on 184
//! paragraphs of notes-fr-dev, 2 against 0 (two English e-mail and order headers full of French
//! names and addresses). lingua takes about 10 times as long, and its seven language models make the
//! benchmark's binary 35 MB.

/// A language Folio's full text analyses (stemming, function words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Language {
    /// English, also the language of text no other language fits.
    English,
    /// French.
    French,
    /// German.
    German,
    /// Spanish.
    Spanish,
    /// Italian.
    Italian,
    /// Dutch.
    Dutch,
    /// Portuguese.
    Portuguese,
}

impl Language {
    /// Every language, English first (the full text's default field; it relies on the order).
    pub const ALL: [Language; 7] = [
        Language::English,
        Language::French,
        Language::German,
        Language::Spanish,
        Language::Italian,
        Language::Dutch,
        Language::Portuguese,
    ];

    /// The ISO 639-1 code: `en`, `fr`, ...
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::French => "fr",
            Language::German => "de",
            Language::Spanish => "es",
            Language::Italian => "it",
            Language::Dutch => "nl",
            Language::Portuguese => "pt",
        }
    }

    fn from_whatlang(lang: whatlang::Lang) -> Option<Language> {
        Some(match lang {
            whatlang::Lang::Eng => Language::English,
            whatlang::Lang::Fra => Language::French,
            whatlang::Lang::Deu => Language::German,
            whatlang::Lang::Spa => Language::Spanish,
            whatlang::Lang::Ita => Language::Italian,
            whatlang::Lang::Nld => Language::Dutch,
            whatlang::Lang::Por => Language::Portuguese,
            _ => return None,
        })
    }
}

const WHATLANG: [whatlang::Lang; 7] = [
    whatlang::Lang::Eng,
    whatlang::Lang::Fra,
    whatlang::Lang::Deu,
    whatlang::Lang::Spa,
    whatlang::Lang::Ita,
    whatlang::Lang::Nld,
    whatlang::Lang::Por,
];

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
    let detector = whatlang::Detector::with_allowlist(WHATLANG.to_vec());
    match detector.detect(text) {
        Some(info) if info.is_reliable() => Language::from_whatlang(info.lang()).unwrap_or(Language::English),
        _ => english_or_french(text),
    }
}

/// The language of a question (or a search) someone typed: [`detect`], except that one trigrams take
/// for French but whose function words are English and none French is English. Trigrams take a short
/// English text full of Latin and Greek roots for French ("Bone marrow cells don't contribute to adult
/// macrophage compartments.", 2 of SciFact's 809 claims), which then got French fusion weights and a
/// translation into English. Passages keep [`detect`]: applied to SciFact's passages as well (a few
/// short ones end an abstract), it lowered hybrid nDCG@10 from 0.7282 to 0.7278; on the claims alone it
/// changed nothing but their language.
pub fn detect_question(text: &str) -> Language {
    match detect(text) {
        Language::French => match function_words(text) {
            (0, en) if en > 0 => Language::English,
            _ => Language::French,
        },
        other => other,
    }
}

/// English or French by their function words, for texts too short for trigram statistics.
fn english_or_french(text: &str) -> Language {
    let (fr, en) = function_words(text);
    if fr > en {
        Language::French
    } else {
        Language::English
    }
}

/// How many of `text`'s words are French function words (elided ones included) and how many English.
fn function_words(text: &str) -> (usize, usize) {
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
    (fr, en)
}
