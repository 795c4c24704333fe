//! A French–English dictionary for the full text: a question's content words carried into the other
//! language, so that BM25 finds a French question's answer in an English note and the reverse. The
//! bundled embedding model reads English only, so without this a question in one language has no
//! signal at all for a file in the other but the names they share.
//!
//! The words come from FreeDict's French–English and English–French dictionaries (Debian packages
//! `dict-freedict-fra-eng` and `dict-freedict-eng-fra`, about 8,500 headwords each, GPL), read in
//! dictd's format from [`SYSTEM_DIR`]; each is also read backwards, so a word one of them lacks may
//! come from the other. Headwords are stemmed and folded by the full text's own analyzers, and a
//! headword of several words ("frais de port") matches the same words in a question, longest first.
//! Without the packages Folio searches as before, each language on its own.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

use folio_core::lang::Language;

use crate::fulltext::words_analyzer;

/// Where Debian installs dictd dictionaries.
pub const SYSTEM_DIR: &str = "/usr/share/dictd";

/// Longest dictionary file read (the packages' are about 200 kB compressed, 600 kB plain).
const MAX_DICT_BYTES: u64 = 16 << 20;

/// Both directions between French and English.
#[derive(Debug, Default)]
pub struct Lexicon {
    /// French stems (a headword's, space-separated) to English words.
    pub(crate) fr_en: Dictionary,
    /// English stems to French words.
    pub(crate) en_fr: Dictionary,
}

/// One direction: headwords to their translations, by their words as written (folded) and by their
/// stems (so an inflected form finds its headword when no headword is written like it).
#[derive(Debug, Default)]
pub(crate) struct Dictionary {
    exact: Entries,
    stemmed: Entries,
}

#[derive(Debug, Default)]
struct Entries {
    entries: HashMap<String, Vec<String>>,
    /// Most words in a headword.
    longest: usize,
}

impl Lexicon {
    /// The dictionaries in [`SYSTEM_DIR`], read once; `None` when they are not installed (or cannot
    /// be read: then it says so in the log once).
    pub fn system() -> Option<&'static Lexicon> {
        static SYSTEM: OnceLock<Option<Lexicon>> = OnceLock::new();
        SYSTEM
            .get_or_init(|| match Lexicon::load(Path::new(SYSTEM_DIR)) {
                Ok(lexicon) => lexicon,
                Err(e) => {
                    tracing::warn!("the French-English dictionaries in {SYSTEM_DIR} cannot be read ({e}); each language is searched on its own");
                    None
                }
            })
            .as_ref()
    }

    /// The FreeDict dictionaries in `dir`; `None` when neither is there.
    pub fn load(dir: &Path) -> std::io::Result<Option<Lexicon>> {
        let fra_eng = read_dictd(dir, "freedict-fra-eng")?;
        let eng_fra = read_dictd(dir, "freedict-eng-fra")?;
        if fra_eng.is_none() && eng_fra.is_none() {
            return Ok(None);
        }
        let mut lexicon = Lexicon::default();
        for (headword, translations) in fra_eng.iter().flatten() {
            lexicon.add(Language::French, headword, translations);
        }
        for (headword, translations) in eng_fra.iter().flatten() {
            lexicon.add(Language::English, headword, translations);
        }
        Ok(Some(lexicon))
    }

    /// Adds an entry of the dictionary from `language`, and the same read backwards.
    fn add(&mut self, language: Language, headword: &str, translations: &[String]) {
        let (forward, backward, other) = match language {
            Language::French => (&mut self.fr_en, &mut self.en_fr, Language::English),
            _ => (&mut self.en_fr, &mut self.fr_en, Language::French),
        };
        for t in translations {
            forward.insert(language, headword, t);
            backward.insert(other, t, headword);
        }
    }

    /// The direction from `language` (French or English).
    pub(crate) fn from(&self, language: Language) -> Option<&Dictionary> {
        match language {
            Language::French => Some(&self.fr_en),
            Language::English => Some(&self.en_fr),
            _ => None,
        }
    }
}

impl Dictionary {
    fn insert(&mut self, language: Language, headword: &str, translation: &str) {
        self.exact.insert(&tokens(language, headword, false), translation);
        self.stemmed.insert(&tokens(language, headword, true), translation);
    }

    /// The translations of `text` (in this direction's source language), one group per headword
    /// found, longest headwords first, a word as written before its stem: a headword of one word
    /// counts only if `content` accepts its stem (a question's function words are not translated).
    pub(crate) fn translate(&self, language: Language, text: &str, content: impl Fn(&str) -> bool) -> Vec<&[String]> {
        let words = tokens(language, text, false);
        // Each word's stem, one for one (a word the stemming analyzer drops keeps its own form).
        let mut stemmer = words_analyzer(language, false, true);
        let stems: Vec<String> = words
            .iter()
            .map(|w| {
                let mut stream = stemmer.token_stream(w);
                if stream.advance() {
                    stream.token().text.clone()
                } else {
                    w.clone()
                }
            })
            .collect();
        let mut found = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let hit = self
                .exact
                .longest_at(&words, &stems, i, &content)
                .or_else(|| self.stemmed.longest_at(&stems, &stems, i, &content));
            match hit {
                Some((n, translations)) => {
                    found.push(translations);
                    i += n;
                }
                None => i += 1,
            }
        }
        found
    }
}

impl Entries {
    fn insert(&mut self, key: &[String], translation: &str) {
        if key.is_empty() || translation.is_empty() {
            return;
        }
        self.longest = self.longest.max(key.len());
        let known = self.entries.entry(key.join(" ")).or_default();
        if !known.iter().any(|t| t == translation) {
            known.push(translation.to_string());
        }
    }

    /// The longest headword among `keys` starting at `i`, with how many words it spans.
    fn longest_at(
        &self,
        keys: &[String],
        stems: &[String],
        i: usize,
        content: &impl Fn(&str) -> bool,
    ) -> Option<(usize, &[String])> {
        let longest = self.longest.min(keys.len() - i);
        (1..=longest).rev().find_map(|n| {
            if n == 1 && !content(&stems[i]) {
                return None;
            }
            self.entries.get(&keys[i..i + n].join(" ")).map(|t| (n, t.as_slice()))
        })
    }
}

/// Every word (`stem`: every stem) `language`'s analyzer makes of `text`, folded, in order, repeats
/// kept (no function words dropped).
fn tokens(language: Language, text: &str, stem: bool) -> Vec<String> {
    let mut analyzer = words_analyzer(language, false, stem);
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// The entries of a dictd dictionary (`NAME.index` and `NAME.dict.dz` in `dir`) as headword and
/// translations; `None` when it is not there.
fn read_dictd(dir: &Path, name: &str) -> std::io::Result<Option<Vec<(String, Vec<String>)>>> {
    let index = dir.join(format!("{name}.index"));
    let dict = dir.join(format!("{name}.dict.dz"));
    if !index.is_file() || !dict.is_file() {
        return Ok(None);
    }
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&dict)?).take(MAX_DICT_BYTES).read_to_end(&mut text)?;
    let mut index_text = String::new();
    std::fs::File::open(&index)?.take(MAX_DICT_BYTES).read_to_string(&mut index_text)?;
    Ok(Some(parse_dictd(&index_text, &text)))
}

/// Parses dictd's index (`headword TAB offset TAB length`, numbers in base 64) against the plain
/// dictionary text; entries that are not words (the database's own `00-database-*` records) and
/// entries out of range are left out.
fn parse_dictd(index: &str, text: &[u8]) -> Vec<(String, Vec<String>)> {
    let mut entries = Vec::new();
    for line in index.lines() {
        let mut fields = line.split('\t');
        let (Some(headword), Some(offset), Some(length)) = (fields.next(), fields.next(), fields.next()) else {
            continue;
        };
        if headword.starts_with("00-database") || headword.starts_with("00database") {
            continue;
        }
        let (Some(offset), Some(length)) = (base64_number(offset), base64_number(length)) else { continue };
        let Some(body) = text.get(offset..offset.saturating_add(length)) else { continue };
        let translations = translations(&String::from_utf8_lossy(body));
        if !translations.is_empty() {
            entries.push((headword.to_string(), translations));
        }
    }
    entries
}

/// dictd's numbers: base 64, most significant digit first.
fn base64_number(s: &str) -> Option<usize> {
    const DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    s.bytes().try_fold(0usize, |n, b| {
        let digit = DIGITS.iter().position(|&d| d == b)?;
        n.checked_mul(64)?.checked_add(digit)
    })
}

/// The translations of one FreeDict entry: its first line is the headword with its pronunciation and
/// part of speech; each later line is a sense ("2. atterrir, s'abattre"), its words separated by commas.
/// Notes in parentheses are dropped.
fn translations(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in body.lines().skip(1) {
        let line = line.trim();
        let line =
            line.split_once(". ").filter(|(n, _)| n.bytes().all(|b| b.is_ascii_digit())).map_or(line, |(_, rest)| rest);
        for word in line.split([',', ';']) {
            let word = without_parentheses(word);
            let word = word.trim();
            if !word.is_empty() && word.len() <= 60 && !out.iter().any(|w| w == word) {
                out.push(word.to_string());
            }
        }
    }
    out
}

fn without_parentheses(s: &str) -> String {
    let mut depth = 0usize;
    s.chars()
        .filter(|&c| match c {
            '(' => {
                depth += 1;
                false
            }
            ')' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dictionary in dictd's format, as FreeDict writes it.
    fn dictd(entries: &[(&str, &str)]) -> (String, Vec<u8>) {
        let b64 = |mut n: usize| {
            const DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut s = Vec::new();
            loop {
                s.push(DIGITS[n % 64]);
                n /= 64;
                if n == 0 {
                    break;
                }
            }
            s.reverse();
            String::from_utf8(s).unwrap()
        };
        let (mut index, mut text) = (String::new(), Vec::new());
        for (head, body) in entries {
            index.push_str(&format!("{head}\t{}\t{}\n", b64(text.len()), b64(body.len())));
            text.extend_from_slice(body.as_bytes());
        }
        (index, text)
    }

    #[test]
    fn entries_are_read_sense_by_sense_without_notes() {
        let (index, text) = dictd(&[
            ("00-database-info", "about this dictionary\n"),
            ("avion", "avion /avjɔ̃/ <n, masc>\naeroplane, airplane, plane\n"),
            ("land", "land /lænd/\n1. aborder\n2. contrée, pays\n3. atterrir, s'abattre\n"),
            ("hop", "hop /ɔp/ <int>\ngee-up (to a horse)\n"),
        ]);
        let entries = parse_dictd(&index, &text);
        assert_eq!(entries.len(), 3, "the database's own record is no word");
        assert_eq!(entries[0], ("avion".to_string(), vec!["aeroplane".into(), "airplane".into(), "plane".into()]));
        assert_eq!(entries[1].1, ["aborder", "contrée", "pays", "atterrir", "s'abattre"]);
        assert_eq!(entries[2].1, ["gee-up"]);
    }

    #[test]
    fn a_question_s_words_and_phrases_are_translated_both_ways() {
        let mut lexicon = Lexicon::default();
        lexicon.add(Language::French, "frais de port", &["postage".into()]);
        lexicon.add(Language::French, "frais", &["fresh".into(), "fee".into()]);
        lexicon.add(Language::French, "graine", &["seed".into()]);
        lexicon.add(Language::English, "thickness", &["épaisseur".into()]);
        let every = |_: &str| true;
        // Inflected forms find the headword; the longest headword wins.
        let found = lexicon.fr_en.translate(Language::French, "Les frais de port des graines ?", every);
        assert_eq!(found, [&["postage".to_string()][..], &["seed".to_string()][..]]);
        // Read backwards: French to English from the English-French dictionary.
        assert_eq!(lexicon.fr_en.translate(Language::French, "l'épaisseur", every), [&["thickness".to_string()][..]]);
        assert_eq!(lexicon.en_fr.translate(Language::English, "seeds", every), [&["graine".to_string()][..]]);
        // A word the caller calls a function word is not translated on its own.
        assert!(lexicon.fr_en.translate(Language::French, "frais", |w| w != "frais").is_empty());
    }

    #[test]
    fn no_dictionaries_is_no_lexicon() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Lexicon::load(dir.path()).unwrap().is_none());
    }
}
