//! The command line: every flag and subcommand of `folio`, parsed by clap, and nothing run here.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use folio_engine::{parse_date, SearchFilter, SearchMode};

#[derive(Parser)]
#[command(
    name = "folio",
    version,
    about = "Answers questions about your own files, offline.",
    after_help = "Exit status: 0 done; 1 failed; 2 invalid input; 3 not found; 4 refused; 5 busy (another Folio \
                  holds the library); 6 incompatible library; 7 storage failed; 8 model missing or failed; \
                  9 a file could not be read; 10 internal error."
)]
pub struct Cli {
    /// Library data directory [default: $FOLIO_LIBRARY, else the app's choice in its settings
    /// ($FOLIO_CONFIG or $XDG_CONFIG_HOME/folio/settings.json), else $XDG_DATA_HOME/folio/library]
    #[arg(long, global = true, env = "FOLIO_LIBRARY")]
    pub library: Option<PathBuf>,
    /// Models directory [default: $FOLIO_MODELS or $XDG_DATA_HOME/folio/models]
    #[arg(long, global = true, env = "FOLIO_MODELS")]
    pub models: Option<PathBuf>,
    /// Chat model: a GGUF file [default: the bundled SmolLM2-135M-Instruct]
    #[arg(long, global = true, env = "FOLIO_CHAT_MODEL")]
    pub model: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Index folders (new and changed files; removed files are purged).
    Index {
        /// Folders to index.
        #[arg(required = true)]
        folders: Vec<PathBuf>,
        /// Chunks embedded and written per batch (each batch is one commit to every store).
        #[arg(long, default_value_t = 256)]
        batch_chunks: usize,
    },
    /// List indexing jobs with their state and progress.
    Jobs {
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Pause an indexing job (it waits after the file it is on; what is done stays indexed).
    Pause {
        /// The job's id (see `folio jobs`).
        id: i64,
    },
    /// Let a paused job go on; with no id, finish jobs that were interrupted (crash, kill, power cut).
    Resume {
        /// The job's id.
        id: Option<i64>,
    },
    /// Cancel an indexing job; the files done so far stay indexed.
    Cancel {
        /// The job's id.
        id: i64,
    },
    /// Index folders, then keep indexing their changes as they happen (until interrupted).
    Watch {
        /// Folders to watch.
        #[arg(required = true)]
        folders: Vec<PathBuf>,
    },
    /// Search the library.
    Search {
        /// The query.
        query: String,
        /// Number of results.
        #[arg(short = 'k', long, default_value_t = 10)]
        limit: usize,
        /// Retrievers.
        #[arg(long, value_enum, default_value_t = Mode::Hybrid)]
        mode: Mode,
        #[command(flatten)]
        filter: FilterArgs,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Ask a question; the answer cites the files it comes from.
    Ask {
        /// The question.
        question: String,
        /// Most tokens in the answer.
        #[arg(long, default_value_t = 384)]
        max_tokens: usize,
        /// Continue this chat (a follow-up is read in the light of the earlier questions).
        #[arg(long)]
        chat: Option<i64>,
        #[command(flatten)]
        filter: FilterArgs,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// List chats, or show, rename or delete one.
    Chats {
        #[command(subcommand)]
        action: Option<ChatsAction>,
        /// Print one JSON document.
        #[arg(long, global = true)]
        json: bool,
    },
    /// Every file of the library with its status.
    Status {
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Models: list the chat models, download one (Llama 3.1 8B, 3.2 3B or 1B Instruct, or another GGUF)
    /// or a multilingual embedding model from the Hugging Face hub; switch the library's embedding model.
    Model {
        #[command(subcommand)]
        what: ModelWhat,
    },
    /// Serve the library to AI tools over the Model Context Protocol (stdio): search, ask, passages,
    /// folders, status, and each document as a resource. See the README for a host's configuration.
    Mcp {
        /// Also offer the tools that change the library (add_folder, reindex).
        #[arg(long)]
        allow_writes: bool,
    },
    /// Verify that the catalog, the full-text index and the vector table agree.
    Check {
        /// Reconcile the full-text index and the vectors with the catalog.
        #[arg(long)]
        repair: bool,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
}

/// What `model` can do.
#[derive(Subcommand)]
pub enum ModelWhat {
    /// Download a chat model from the hub (honours HF_ENDPOINT): Llama 3.1 8B Instruct unless --name
    /// (see `folio model chat`) or --repo/--file; an interrupted download resumes when run again.
    /// `download embedder` fetches an embedding model instead (multilingual-e5-small unless --name).
    Download {
        /// `embedder` for an embedding model; a chat model otherwise.
        #[arg(value_parser = ["chat", "embedder"], default_value = "chat")]
        kind: String,
        /// The model to download: `llama-3.1-8b-instruct` (the default chat model),
        /// `llama-3.2-3b-instruct`, `llama-3.2-1b-instruct`; for `download embedder`,
        /// `multilingual-e5-small` (the default).
        #[arg(long)]
        name: Option<String>,
        /// Repository of any other GGUF (with --file).
        #[arg(long)]
        repo: Option<String>,
        /// File in the repository.
        #[arg(long)]
        file: Option<String>,
        /// Revision.
        #[arg(long, default_value = "main")]
        revision: String,
        /// Expected SHA-256 (otherwise the hub's LFS checksum is checked).
        #[arg(long)]
        sha256: Option<String>,
        /// Where to put it [default: the models directory's chat/ folder].
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// The chat models: the bundled one and those Folio can download, with their size, whether they
    /// are on disk, which answers by default, and a speed estimate for this machine.
    Chat {
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// The embedding models and the one the library searches; with a name, switch the library to it:
    /// every passage is embedded again (search keeps the old vectors until it is done); stopped, it
    /// goes on from where it was when run again.
    Embedder {
        /// The model to switch to (`all-minilm-l6-v2`, the bundled English one, or
        /// `multilingual-e5-small`, downloaded first).
        name: Option<String>,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
}

/// What `chats` can do.
#[derive(Subcommand)]
pub enum ChatsAction {
    /// Print a chat's messages with their sources.
    Show {
        /// The chat's id.
        id: i64,
    },
    /// Rename a chat.
    Rename {
        /// The chat's id.
        id: i64,
        /// The new title.
        title: String,
    },
    /// Delete a chat and its messages.
    Delete {
        /// The chat's id.
        id: i64,
    },
}

/// Restricts search and ask to part of the library.
#[derive(clap::Args)]
pub struct FilterArgs {
    /// Only files inside this folder (repeatable).
    #[arg(long = "folder")]
    pub folders: Vec<PathBuf>,
    /// Only files of this format: pdf, markdown, docx, text, code, html, xlsx, ... (repeatable).
    #[arg(long = "type")]
    pub formats: Vec<String>,
    /// Only files modified on or after this date (YYYY-MM-DD, UTC).
    #[arg(long)]
    pub after: Option<String>,
    /// Only files modified before this date (YYYY-MM-DD, UTC).
    #[arg(long)]
    pub before: Option<String>,
}

impl FilterArgs {
    pub fn to_filter(&self) -> Result<SearchFilter> {
        let date = |s: &Option<String>| -> Result<Option<i64>> {
            match s {
                None => Ok(None),
                Some(d) => parse_date(d)
                    .map(Some)
                    .ok_or_else(|| anyhow::anyhow!("{d:?} is not a date: write it as YYYY-MM-DD")),
            }
        };
        let mut folders = Vec::new();
        for f in &self.folders {
            let abs = std::fs::canonicalize(f).with_context(|| format!("folder {}", f.display()))?;
            folders.push(abs.to_string_lossy().into_owned());
        }
        Ok(SearchFilter {
            folders,
            formats: self.formats.iter().map(|f| f.trim().to_ascii_lowercase()).collect(),
            modified_after: date(&self.after)?,
            modified_before: date(&self.before)?,
        })
    }
}

/// `search --mode`: which retrievers answer.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Mode {
    /// BM25 and vectors, fused.
    Hybrid,
    /// BM25 (keywords) alone.
    Bm25,
    /// Vectors (meaning) alone.
    Dense,
}

impl From<Mode> for SearchMode {
    fn from(m: Mode) -> SearchMode {
        match m {
            Mode::Hybrid => SearchMode::Hybrid,
            Mode::Bm25 => SearchMode::Bm25,
            Mode::Dense => SearchMode::Dense,
        }
    }
}
