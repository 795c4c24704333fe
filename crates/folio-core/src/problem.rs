//! Why a file was not indexed, as data: a stable code with the figures behind it (the limit hit and
//! its value, the program missing and its Debian package), so that the catalog keeps it, the CLI and
//! the app say it in their reader's language, and a script can match the code. Only two kinds of
//! text stay as they came: a parser's own message (`detail`) and the English sentences of catalogs
//! written before reasons were data (`Other`); the system's messages (`error`) are said in French when
//! they are among the usual ones ([`SYSTEM_ERRORS_FR`]).

use crate::lang::Language;

/// Why a file was skipped or failed. `code` (the serde tag) is stable: the catalog stores this as
/// JSON, the app receives it, scripts match it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Problem {
    /// The file has no text.
    Empty,
    /// The bytes look like a binary file, not text.
    Binary,
    /// Folio has no reader for this kind of file.
    Unsupported,
    /// The file is password-protected.
    Encrypted,
    /// The file is damaged or not what its name says; `detail` is the reader's own words.
    Corrupt {
        /// What the reader found wrong (not translated).
        detail: String,
    },
    /// Reading it needs a program that is not installed.
    NeedsTool(MissingTool),
    /// The file decodes as text but is not prose: a run of `run` bytes without white space.
    NotText {
        /// The longest run without a space or line break, in bytes.
        run: u64,
    },
    /// Reading it hit one of Folio's limits, or the reader died.
    Stopped {
        /// Which limit, or how the reader ended.
        stop: Stop,
    },
    /// The file was read but nothing in it is text to index.
    NoText,
    /// The file is over the largest size Folio reads.
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// Folio itself stopped (crashed, was killed) while reading this version of the file.
    StoppedWhileReading,
    /// The file, its folder or its details could not be read from the disk.
    CannotRead {
        /// What could not be read.
        what: Unreadable,
        /// The system's message (not translated).
        error: String,
    },
    /// A reason recorded as an English sentence by a catalog older than these codes.
    Other {
        /// The sentence.
        text: String,
    },
}

/// A program reading a file needs, which is not installed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MissingTool {
    /// What the program is needed for.
    pub task: ToolTask,
    /// The program.
    pub tool: String,
    /// The Debian package that installs it.
    pub package: String,
}

/// What a missing program is needed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ToolTask {
    /// Reading a PDF's text.
    Pdf,
    /// Recognising text in an image or a scanned page.
    Ocr,
}

/// What could not be read from the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Unreadable {
    /// The file's bytes.
    File,
    /// A folder (or a file) the walk met.
    Folder,
    /// The file's size and times.
    Details,
}

/// Which of Folio's limits stopped a reader, or how the reader ended. Sizes are in bytes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Stop {
    /// Reading took longer than the wall-clock limit.
    Time {
        /// The limit, in milliseconds.
        ms: u64,
    },
    /// The reader needed more memory than its limit.
    Memory {
        /// The limit.
        bytes: u64,
    },
    /// The reader needed more processor time than its limit.
    Cpu {
        /// The limit, in seconds.
        secs: u64,
    },
    /// The file nests so deeply that the reader's stack overflowed.
    Nesting,
    /// A part of an Office file nests XML elements deeper than the limit.
    XmlDepth {
        /// The part, such as `word/document.xml`.
        part: String,
        /// The limit.
        limit: u64,
    },
    /// The text read from the file is over the limit.
    Text {
        /// The limit.
        bytes: u64,
    },
    /// The file has more sections (pages, headings, ...) than the limit.
    Sections {
        /// The limit.
        limit: u64,
    },
    /// An archive (an Office file) has more entries than the limit.
    Entries {
        /// The kind of document, such as `DOCX`.
        archive: String,
        /// The limit.
        limit: u64,
    },
    /// A part of an archive expands beyond the limit (a compression bomb).
    Expands {
        /// The part.
        part: String,
        /// The limit.
        bytes: u64,
    },
    /// A workbook's sheets spread over more cells than the limit.
    Cells {
        /// The limit.
        limit: u64,
    },
    /// The reader's process ended without an answer.
    Crashed {
        /// The signal that ended it, if one did.
        signal: Option<i32>,
        /// Its exit status, if it exited.
        exit: Option<i32>,
    },
    /// The reader panicked (a bug met on this file).
    Panicked {
        /// The panic's message (not translated).
        message: String,
    },
    /// The reader's answer could not be decoded.
    Garbled {
        /// The decoder's message (not translated).
        detail: String,
    },
    /// The extraction worker could not be started.
    NoWorker {
        /// The program Folio tried to start.
        program: String,
        /// The system's message (not translated).
        error: String,
    },
}

impl Problem {
    /// The stable code, as the serde tag writes it: `empty`, `stopped`, ...
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Empty => "empty",
            Problem::Binary => "binary",
            Problem::Unsupported => "unsupported",
            Problem::Encrypted => "encrypted",
            Problem::Corrupt { .. } => "corrupt",
            Problem::NeedsTool(_) => "needs_tool",
            Problem::NotText { .. } => "not_text",
            Problem::Stopped { .. } => "stopped",
            Problem::NoText => "no_text",
            Problem::TooLarge { .. } => "too_large",
            Problem::StoppedWhileReading => "stopped_while_reading",
            Problem::CannotRead { .. } => "cannot_read",
            Problem::Other { .. } => "other",
        }
    }

    /// The problem an English sentence names, for reasons recorded by catalogs older than the
    /// codes: the fixed sentences come back as their codes, any other as `Other`.
    pub fn from_sentence(sentence: &str) -> Problem {
        [
            Problem::Empty,
            Problem::Binary,
            Problem::Unsupported,
            Problem::Encrypted,
            Problem::NoText,
            Problem::StoppedWhileReading,
        ]
        .into_iter()
        .find(|p| p.to_string() == sentence)
        .unwrap_or_else(|| Problem::Other { text: sentence.to_string() })
    }

    /// Says it in `language` (French, else English).
    pub fn say(&self, language: Language) -> String {
        if language == Language::French {
            self.french()
        } else {
            self.to_string()
        }
    }

    /// Says it in `language`, for a file whose earlier version stays indexed: "...; the version
    /// indexed earlier is kept".
    pub fn say_earlier_kept(&self, language: Language) -> String {
        if language == Language::French {
            format!("{}\u{a0}; la version indexée auparavant est conservée", self.french())
        } else {
            format!("{self}; the version indexed earlier is kept")
        }
    }

    fn french(&self) -> String {
        match self {
            Problem::Empty => "le fichier est vide".into(),
            Problem::Binary => "le fichier semble binaire, ce n’est pas du texte".into(),
            Problem::Unsupported => "type de fichier non pris en charge".into(),
            Problem::Encrypted => "le fichier est protégé par un mot de passe".into(),
            Problem::Corrupt { detail } => {
                format!("le fichier est endommagé ou n’est pas au format que son nom indique\u{a0}: {detail}")
            }
            Problem::NeedsTool(MissingTool { task: ToolTask::Pdf, tool, package }) => {
                format!("lire les PDF demande `{tool}` (paquet Debian {package}), qui n’est pas installé")
            }
            Problem::NeedsTool(MissingTool { task: ToolTask::Ocr, tool, package }) => {
                format!("l’OCR demande `{tool}` (paquet Debian {package}), qui n’est pas installé")
            }
            Problem::NotText { run } => format!(
                "pas du texte à indexer\u{a0}: {}\u{a0}Mo sans espace ni saut de ligne (code minifié ou données\u{a0}?)",
                format!("{:.1}", *run as f64 / 1e6).replace('.', ",")
            ),
            Problem::Stopped { stop } => stop.french(),
            Problem::NoText => "aucun texte à indexer".into(),
            Problem::TooLarge { limit } => format!("plus grand que la limite de {}\u{a0}Mo", limit >> 20),
            Problem::StoppedWhileReading => {
                "Folio s’est arrêté pendant la lecture de ce fichier\u{a0}; il sera relu quand il changera".into()
            }
            Problem::CannotRead { what, error } => {
                let what = match what {
                    Unreadable::File => "le fichier",
                    Unreadable::Folder => "ce dossier ou ce fichier",
                    Unreadable::Details => "les propriétés de ce fichier",
                };
                format!("impossible de lire {what}\u{a0}: {}", system_error_fr(error))
            }
            Problem::Other { text } => text.clone(),
        }
    }
}

/// English, as Folio wrote its reasons before they were data (scripts and tests match these words).
impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Empty => f.write_str("the file is empty"),
            Problem::Binary => f.write_str("the file looks binary, not text"),
            Problem::Unsupported => f.write_str("unsupported file type"),
            Problem::Encrypted => f.write_str("the file is password-protected"),
            Problem::Corrupt { detail } => {
                write!(f, "the file is damaged or not in the format its name says: {detail}")
            }
            Problem::NeedsTool(MissingTool { task: ToolTask::Pdf, tool, package }) => {
                write!(f, "reading PDFs needs `{tool}` (Debian package {package}), which is not installed")
            }
            Problem::NeedsTool(MissingTool { task: ToolTask::Ocr, tool, package }) => {
                write!(f, "OCR needs `{tool}` (Debian package {package}), which is not installed")
            }
            Problem::NotText { run } => write!(
                f,
                "not text to index: {:.1} MB without a space or line break (minified code or data?)",
                *run as f64 / 1e6
            ),
            Problem::Stopped { stop } => stop.fmt(f),
            Problem::NoText => f.write_str("no text to index"),
            Problem::TooLarge { limit } => write!(f, "larger than the {} MB limit", limit >> 20),
            Problem::StoppedWhileReading => {
                f.write_str("Folio stopped while reading this file; it will be read again once it changes")
            }
            Problem::CannotRead { what: Unreadable::File, error } => write!(f, "cannot read the file: {error}"),
            Problem::CannotRead { what: Unreadable::Folder, error } => {
                write!(f, "cannot read this folder or file: {error}")
            }
            Problem::CannotRead { what: Unreadable::Details, error } => {
                write!(f, "cannot read this file's details: {error}")
            }
            Problem::Other { text } => f.write_str(text),
        }
    }
}

impl Stop {
    fn french(&self) -> String {
        let stopped = "arrêté\u{a0}:";
        match self {
            Stop::Time { ms } => {
                format!(
                    "arrêté après {}\u{a0}: la lecture de ce fichier prenait trop de temps",
                    duration(*ms, "\u{a0}")
                )
            }
            Stop::Memory { bytes } => {
                format!("{stopped} il fallait plus de {} de mémoire", size(*bytes, Language::French))
            }
            Stop::Cpu { secs } => format!("{stopped} il fallait plus de {}\u{a0}s de temps processeur", fr(*secs)),
            Stop::Nesting => format!("{stopped} le fichier est imbriqué trop profondément pour être lu"),
            Stop::XmlDepth { part, limit } => {
                format!("{stopped} {part} imbrique des éléments sur plus de {} niveaux", fr(*limit))
            }
            Stop::Text { bytes } => {
                format!("{stopped} le texte de ce fichier dépasse la limite de {}\u{a0}Mo", bytes >> 20)
            }
            Stop::Sections { limit } => format!("{stopped} ce fichier a plus de {} sections", fr(*limit)),
            Stop::Entries { archive, limit } => {
                format!("{stopped} l’archive {archive} a plus de {} entrées", fr(*limit))
            }
            Stop::Expands { part, bytes } => format!(
                "{stopped} {part} se décompresse en plus de {}\u{a0}Mo (une bombe de compression\u{a0}?)",
                bytes >> 20
            ),
            Stop::Cells { limit } => format!("{stopped} les feuilles s’étendent sur plus de {} cellules", fr(*limit)),
            Stop::Crashed { signal, exit } => {
                let how = match (signal, exit) {
                    (Some(sig), _) => format!("signal {sig}"),
                    (None, Some(code)) => format!("code de sortie {code}"),
                    (None, None) => "sans code de sortie".into(),
                };
                format!("{stopped} le programme de lecture a planté sur ce fichier ({how})")
            }
            Stop::Panicked { message } => format!("le programme de lecture a planté sur ce fichier ({message})"),
            Stop::Garbled { detail } => {
                format!("{stopped} la réponse du programme de lecture était illisible ({detail})")
            }
            Stop::NoWorker { program, error } => {
                format!(
                    "impossible de démarrer le programme d’extraction de Folio ({program})\u{a0}: {}",
                    system_error_fr(error)
                )
            }
        }
    }
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::Time { ms } => write!(f, "stopped after {}: reading this file took too long", duration(*ms, " ")),
            Stop::Memory { bytes } => {
                write!(f, "stopped: needed more than {} of memory", size(*bytes, Language::English))
            }
            Stop::Cpu { secs } => write!(f, "stopped: needed more than {} s of processor time", en(*secs)),
            Stop::Nesting => f.write_str("stopped: the file is nested too deeply to read"),
            Stop::XmlDepth { part, limit } => write!(f, "stopped: {part} nests elements more than {} deep", en(*limit)),
            Stop::Text { bytes } => write!(f, "stopped: this file's text is over the {} MB limit", bytes >> 20),
            Stop::Sections { limit } => write!(f, "stopped: this file has over {} sections", en(*limit)),
            Stop::Entries { archive, limit } => {
                write!(f, "stopped: the {archive} archive has over {} entries", en(*limit))
            }
            Stop::Expands { part, bytes } => {
                write!(f, "stopped: {part} expands to more than {} MB (a compression bomb?)", bytes >> 20)
            }
            Stop::Cells { limit } => write!(f, "stopped: the sheets spread over more than {} cells", en(*limit)),
            Stop::Crashed { signal, exit } => {
                f.write_str("stopped: the reader crashed on this file (")?;
                match (signal, exit) {
                    (Some(sig), _) => write!(f, "signal {sig}")?,
                    (None, Some(code)) => write!(f, "exit status: {code}")?,
                    (None, None) => f.write_str("no exit status")?,
                }
                f.write_str(")")
            }
            Stop::Panicked { message } => write!(f, "the reader crashed on this file ({message})"),
            Stop::Garbled { detail } => write!(f, "stopped: the reader's answer was garbled ({detail})"),
            Stop::NoWorker { program, error } => {
                write!(f, "could not start Folio's extraction worker ({program}): {error}")
            }
        }
    }
}

/// The system's messages for the errors reading files meets, as Rust's `io::Error` words them (the C
/// library's English, then "(os error N)"), with their French. The window says them from its own copy
/// (`ui/src/i18n/fr.ts`), checked against this one by src-tauri's test of `problems.json`.
pub const SYSTEM_ERRORS_FR: &[(&str, &str)] = &[
    ("Permission denied", "permission refusée"),
    ("Operation not permitted", "opération non permise"),
    ("No such file or directory", "fichier ou dossier introuvable"),
    ("Input/output error", "erreur d’entrée-sortie"),
    ("No such device or address", "périphérique ou adresse introuvable"),
    ("Cannot allocate memory", "mémoire insuffisante"),
    ("Device or resource busy", "périphérique ou ressource occupé"),
    ("Not a directory", "ce n’est pas un dossier"),
    ("Is a directory", "c’est un dossier"),
    ("Too many open files", "trop de fichiers ouverts"),
    ("File too large", "fichier trop volumineux"),
    ("No space left on device", "plus de place sur le disque"),
    ("Read-only file system", "système de fichiers en lecture seule"),
    ("File name too long", "nom de fichier trop long"),
    ("Too many levels of symbolic links", "trop de niveaux de liens symboliques"),
    ("Connection timed out", "délai de connexion dépassé"),
    ("Stale file handle", "référence de fichier périmée (partage réseau)"),
    ("Transport endpoint is not connected", "le point de montage n’est plus connecté"),
    ("Resource temporarily unavailable", "ressource temporairement indisponible"),
    ("Exec format error", "format d’exécutable invalide"),
    ("Text file busy", "fichier exécutable occupé"),
    ("Invalid argument", "argument invalide"),
    ("Operation not supported", "opération non prise en charge"),
];

/// `error` in French when it is a system message of [`SYSTEM_ERRORS_FR`] ("Permission denied (os error
/// 13)" is "permission refusée (erreur système 13)"); any other as it came.
pub fn system_error_fr(error: &str) -> String {
    let said = error.strip_suffix(')').and_then(|e| e.rsplit_once(" (os error ")).and_then(|(words, number)| {
        let french = SYSTEM_ERRORS_FR.iter().find(|(en, _)| *en == words)?.1;
        let digits = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| format!("{french} (erreur système {number})"))
    });
    said.unwrap_or_else(|| error.to_string())
}

/// A count as English writes it: "20,000".
fn en(n: u64) -> String {
    grouped(n, ",")
}

/// A count as French writes it: "20 000" (a narrow no-break space between thousands).
fn fr(n: u64) -> String {
    grouped(n, "\u{202f}")
}

fn grouped(n: u64, separator: &str) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * separator.len());
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push_str(separator);
        }
        out.push(d);
    }
    out
}

/// A limit of time: whole seconds as "120 s", else milliseconds as "300 ms".
fn duration(ms: u64, space: &str) -> String {
    if ms % 1000 == 0 {
        format!("{}{space}s", ms / 1000)
    } else {
        format!("{ms}{space}ms")
    }
}

/// A memory limit: whole gigabytes from 1 GB up ("4 GB"), else megabytes ("512 MB"); binary units,
/// French symbols (Go, Mo) in French.
fn size(bytes: u64, language: Language) -> String {
    let (giga, mega, space) = if language == Language::French { ("Go", "Mo", "\u{a0}") } else { ("GB", "MB", " ") };
    if bytes >= 1 << 30 {
        format!("{:.0}{space}{giga}", bytes as f64 / f64::from(1u32 << 30))
    } else {
        format!("{}{space}{mega}", bytes >> 20)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_keeps_the_sentences_folio_wrote_before_reasons_were_data() {
        let cases = [
            (Problem::Empty, "the file is empty"),
            (Problem::TooLarge { limit: 64 << 20 }, "larger than the 64 MB limit"),
            (
                Problem::Stopped { stop: Stop::Time { ms: 300 } },
                "stopped after 300 ms: reading this file took too long",
            ),
            (
                Problem::Stopped { stop: Stop::Time { ms: 120_000 } },
                "stopped after 120 s: reading this file took too long",
            ),
            (
                Problem::Stopped { stop: Stop::Memory { bytes: 512 << 20 } },
                "stopped: needed more than 512 MB of memory",
            ),
            (Problem::Stopped { stop: Stop::Memory { bytes: 4 << 30 } }, "stopped: needed more than 4 GB of memory"),
            (
                Problem::Stopped { stop: Stop::Crashed { signal: Some(11), exit: None } },
                "stopped: the reader crashed on this file (signal 11)",
            ),
            (
                Problem::NotText { run: 30_000_000 },
                "not text to index: 30.0 MB without a space or line break (minified code or data?)",
            ),
        ];
        for (problem, english) in cases {
            assert_eq!(problem.to_string(), english);
            assert_eq!(problem.say(Language::English), english);
        }
    }

    #[test]
    fn french_says_the_figures_in_french_forms() {
        let p = Problem::Stopped { stop: Stop::Memory { bytes: 512 << 20 } };
        assert_eq!(p.say(Language::French), "arrêté\u{a0}: il fallait plus de 512\u{a0}Mo de mémoire");
        let p = Problem::NotText { run: 30_000_000 };
        assert!(p.say(Language::French).starts_with("pas du texte à indexer\u{a0}: 30,0\u{a0}Mo sans espace"));
        let p = Problem::Stopped { stop: Stop::Cells { limit: 20_000_000 } };
        assert_eq!(p.to_string(), "stopped: the sheets spread over more than 20,000,000 cells");
        assert_eq!(
            p.say(Language::French),
            "arrêté\u{a0}: les feuilles s’étendent sur plus de 20\u{202f}000\u{202f}000 cellules"
        );
        let p = Problem::NeedsTool(MissingTool {
            task: ToolTask::Ocr,
            tool: "tesseract".into(),
            package: "tesseract-ocr".into(),
        });
        assert_eq!(
            p.say(Language::French),
            "l’OCR demande `tesseract` (paquet Debian tesseract-ocr), qui n’est pas installé"
        );
        // A parser's own words stay as they came, inside a French sentence.
        let p = Problem::Corrupt { detail: "not a PDF file (no %PDF header)".into() };
        assert!(p.say(Language::French).ends_with("\u{a0}: not a PDF file (no %PDF header)"));
    }

    #[test]
    fn the_system_s_usual_messages_are_said_in_french() {
        let p = Problem::CannotRead { what: Unreadable::File, error: "Permission denied (os error 13)".into() };
        assert_eq!(
            p.say(Language::French),
            "impossible de lire le fichier\u{a0}: permission refusée (erreur système 13)"
        );
        assert_eq!(p.to_string(), "cannot read the file: Permission denied (os error 13)");
        // Any other message stays as it came.
        for other in ["stream did not contain valid UTF-8", "Permission denied", "Permission denied (os error -1)"] {
            assert_eq!(system_error_fr(other), other);
        }
    }

    /// Each English message of the table is the one Rust writes on Linux for its error number.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_table_s_english_is_what_rust_writes() {
        let numbers = [13, 1, 2, 5, 6, 12, 16, 20, 21, 24, 27, 28, 30, 36, 40, 110, 116, 107, 11, 8, 26, 22, 95];
        assert_eq!(numbers.len(), SYSTEM_ERRORS_FR.len());
        for (n, (english, french)) in numbers.into_iter().zip(SYSTEM_ERRORS_FR) {
            let error = std::io::Error::from_raw_os_error(n).to_string();
            assert_eq!(error, format!("{english} (os error {n})"));
            assert_eq!(system_error_fr(&error), format!("{french} (erreur système {n})"));
        }
    }

    #[test]
    fn old_sentences_are_read_back_as_codes_where_they_are_fixed() {
        assert_eq!(Problem::from_sentence("the file is empty"), Problem::Empty);
        assert_eq!(Problem::from_sentence("no text to index").say(Language::French), "aucun texte à indexer");
        let old = "stopped: needed more than 512 MB of memory";
        assert_eq!(Problem::from_sentence(old), Problem::Other { text: old.into() });
        assert_eq!(Problem::from_sentence(old).code(), "other");
    }

    #[test]
    fn every_code_is_its_serde_tag() {
        let all = [
            Problem::Empty,
            Problem::Binary,
            Problem::Unsupported,
            Problem::Encrypted,
            Problem::Corrupt { detail: String::new() },
            Problem::NeedsTool(MissingTool { task: ToolTask::Pdf, tool: String::new(), package: String::new() }),
            Problem::NotText { run: 0 },
            Problem::Stopped { stop: Stop::Nesting },
            Problem::NoText,
            Problem::TooLarge { limit: 0 },
            Problem::StoppedWhileReading,
            Problem::CannotRead { what: Unreadable::File, error: String::new() },
            Problem::Other { text: String::new() },
        ];
        for p in all {
            let json = serde_json::to_value(&p).unwrap();
            assert_eq!(json["code"], p.code());
            assert_eq!(serde_json::from_value::<Problem>(json).unwrap(), p);
        }
    }
}
