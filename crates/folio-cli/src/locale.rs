//! The language of the CLI's human output where no question sets it (`folio status`, `index`, `watch`,
//! `resume`, `jobs`, `model chat`, `model embedder`, and the progress bar's line): the system's
//! locale (`LC_ALL`, then `LC_MESSAGES`, then `LANG`, as POSIX orders them); French when it names
//! French, English otherwise. `folio ask` and `folio search` follow the question's language instead.

use folio_core::lang::Language;

/// The language the system's locale names (English unless it is French).
pub fn system_language() -> Language {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .unwrap_or_default();
    if locale.to_ascii_lowercase().starts_with("fr") {
        Language::French
    } else {
        Language::English
    }
}

/// Whether the system's locale asks for French.
pub fn french() -> bool {
    system_language() == Language::French
}

/// `x` with one decimal, written as the system's language writes decimals ("4,9" in French).
pub fn one_decimal(x: f64) -> String {
    let s = format!("{x:.1}");
    if french() {
        s.replace('.', ",")
    } else {
        s
    }
}

/// What an engine error's stable code means, in French (as the app's catalogue says it); the
/// engine's own message follows it.
pub fn error_kind_fr(code: &str) -> &'static str {
    match code {
        "invalid_input" => "la demande n’est pas valide",
        "not_found" => "introuvable",
        "refused" => "refusé",
        "busy" => "un autre processus utilise la bibliothèque\u{a0}; réessayez quand il aura terminé",
        "incompatible" => "la bibliothèque a été créée par une autre version de Folio",
        "storage" => "le stockage de la bibliothèque a échoué",
        "model" => "le modèle est absent ou a échoué",
        "io" => "un fichier ou un dossier n’a pas pu être lu",
        _ => "erreur interne",
    }
}
