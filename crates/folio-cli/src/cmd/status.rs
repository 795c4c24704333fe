//! `folio status` (every file with its status, totals per folder, the embedding model; in French when
//! the system's locale is) and `folio check` (do the three stores agree; `--repair` reconciles them).

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use folio_engine::{ChunkId, Counts, Library, Problem, Status};
use serde::Serialize;

use crate::terminal;

/// Every status, in the order totals are shown.
const STATUSES: [Status; 5] = [Status::Queued, Status::Indexing, Status::Indexed, Status::Skipped, Status::Failed];

/// `folio status --json`.
#[derive(Serialize)]
struct StatusReport<'a> {
    files: Vec<File<'a>>,
    folders: Vec<FolderTotals>,
    embedding: Embedding,
}

/// The embedding model searched, and a switch under way.
#[derive(Serialize)]
pub struct Embedding {
    pub active: String,
    pub switching: Option<Switching>,
}

/// A switch of embedding model: chunks done of all.
#[derive(Serialize)]
pub struct Switching {
    pub to: String,
    pub done: u64,
    pub total: u64,
}

impl From<folio_engine::EmbeddingStatus> for Embedding {
    fn from(s: folio_engine::EmbeddingStatus) -> Self {
        Embedding {
            active: s.active,
            switching: s.switching.map(|w| Switching { to: w.to, done: w.done, total: w.total }),
        }
    }
}

#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    status: &'static str,
    /// Why it was skipped or failed, in English (scripts matched these words before `problem`).
    reason: Option<String>,
    /// The same as data: its stable `code` and figures.
    problem: Option<&'a Problem>,
}

#[derive(Serialize)]
struct FolderTotals {
    path: String,
    files: usize,
    /// Files per status, every status named.
    totals: BTreeMap<&'static str, usize>,
}

/// Prints every file with its status, then each folder's totals.
pub fn status(library: &Library, as_json: bool) -> Result<()> {
    let docs = library.documents()?;
    let folders: Vec<FolderTotals> = library
        .folders()?
        .into_iter()
        .map(|folder| {
            let of_folder = || docs.iter().filter(|d| d.folder_id == folder.id);
            let totals =
                STATUSES.iter().map(|s| (s.as_str(), of_folder().filter(|d| d.status == *s).count())).collect();
            FolderTotals { files: of_folder().count(), path: folder.path, totals }
        })
        .collect();
    let mut out = terminal::Clean::new(std::io::stdout().lock(), !as_json);
    if as_json {
        let files = docs
            .iter()
            .map(|d| File {
                path: &d.path,
                status: d.status.as_str(),
                reason: d.reason.as_ref().map(ToString::to_string),
                problem: d.reason.as_ref(),
            })
            .collect();
        let embedding = library.embedding_status()?.into();
        return super::print_json(&mut out, &StatusReport { files, folders, embedding });
    }
    let language = crate::locale::system_language();
    let french = language == folio_core::lang::Language::French;
    let name = |s: Status| if french { french_status(s) } else { s.as_str() };
    for d in &docs {
        match &d.reason {
            Some(r) => writeln!(out, "{:<9} {}  ({})", name(d.status), d.path, r.say(language))?,
            None => writeln!(out, "{:<9} {}", name(d.status), d.path)?,
        }
    }
    for f in &folders {
        let totals: Vec<String> = STATUSES
            .iter()
            .map(|s| (*s, f.totals[s.as_str()]))
            .filter(|(_, n)| *n != 0)
            .map(|(s, n)| format!("{n} {}", name(s)))
            .collect();
        if french {
            writeln!(out, "{}\u{a0}: {} fichiers ({})", f.path, f.files, totals.join(", "))?;
        } else {
            writeln!(out, "{}: {} files ({})", f.path, f.files, totals.join(", "))?;
        }
    }
    let embedding = library.embedding_status()?;
    if french {
        writeln!(out, "modèle de recherche\u{a0}: {}", embedding.active)?;
    } else {
        writeln!(out, "embedding model: {}", embedding.active)?;
    }
    if let Some(w) = embedding.switching {
        if french {
            writeln!(
                out,
                "passage à {}\u{a0}: {} passages sur {} traités (arrêté\u{a0}; `folio model embedder {}` reprend)",
                w.to, w.done, w.total, w.to
            )?;
        } else {
            writeln!(
                out,
                "switching to {}: {} of {} passages embedded (stopped; `folio model embedder {}` goes on)",
                w.to, w.done, w.total, w.to
            )?;
        }
    }
    Ok(())
}

/// A status as `folio status` shows it in French (the JSON keeps the stable English names).
fn french_status(s: Status) -> &'static str {
    match s {
        Status::Queued => "attente",
        Status::Indexing => "en cours",
        Status::Indexed => "indexé",
        Status::Skipped => "ignoré",
        Status::Failed => "échec",
    }
}

/// `folio check --json`.
#[derive(Serialize)]
struct Check {
    consistent: bool,
    counts: CountsOut,
    missing_text: Vec<i64>,
    missing_vectors: Vec<i64>,
    orphan_text: Vec<i64>,
    orphan_vectors: Vec<i64>,
    duplicate_text: Vec<i64>,
    duplicate_vectors: Vec<i64>,
}

#[derive(Serialize)]
struct CountsOut {
    documents: u64,
    catalog_chunks: u64,
    text_chunks: u64,
    vector_chunks: u64,
}

impl From<Counts> for CountsOut {
    fn from(c: Counts) -> CountsOut {
        CountsOut {
            documents: c.documents,
            catalog_chunks: c.catalog_chunks,
            text_chunks: c.text_chunks,
            vector_chunks: c.vector_chunks,
        }
    }
}

/// Checks that the stores agree (after repairing them with `repair`); exits 1 when they do not.
pub async fn check(library: &Library, as_json: bool, repair: bool) -> Result<()> {
    if repair {
        let before = library.repair().await?;
        if !before.is_consistent() {
            eprintln!("repaired: {before:?}");
        }
    }
    let report = library.check().await?;
    let counts = library.counts().await?;
    let ids = |v: &[ChunkId]| v.iter().map(|c| c.0).collect::<Vec<_>>();
    if as_json {
        let check = Check {
            consistent: report.is_consistent(),
            counts: counts.into(),
            missing_text: ids(&report.missing_text),
            missing_vectors: ids(&report.missing_vectors),
            orphan_text: ids(&report.orphan_text),
            orphan_vectors: ids(&report.orphan_vectors),
            duplicate_text: ids(&report.duplicate_text),
            duplicate_vectors: ids(&report.duplicate_vectors),
        };
        super::print_json(&mut std::io::stdout().lock(), &check)?;
    } else {
        println!(
            "documents {} · chunks: catalog {}, full text {}, vectors {}",
            counts.documents, counts.catalog_chunks, counts.text_chunks, counts.vector_chunks
        );
        println!("{}", if report.is_consistent() { "consistent" } else { "INCONSISTENT" });
        if !report.is_consistent() {
            println!("{report:#?}");
        }
    }
    if !report.is_consistent() {
        std::process::exit(1);
    }
    Ok(())
}
