//! `folio`: index folders, search them and ask questions from the terminal, on the same engine as the app.
//!
//! Results go to stdout (text, or one JSON document with `--json`); progress and logs go to stderr.
//! `flags` holds the command line, `cmd` one module per command; this file opens the library and
//! dispatches, in one `match`. Benchmarks and evaluation live in the developer binary `folio-dev`.

mod cmd;
mod flags;
mod locale;
mod terminal;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Parser;
use folio_engine::{AskOptions, ChatId, JobId, Library, LibraryConfig, ModelPaths, SearchOptions};

use flags::{Cli, Command, ModelWhat};

/// Default log filter: warnings, except the chatty ones from the model runtime and Lance's deprecation notes.
const LOG_DEFAULT: &str = "warn,mistralrs_core=error,mistralrs_quant=error,mistralrs=error,lance=error";

fn main() -> Result<()> {
    // Folio's extraction worker (a child of `folio` itself): parse files, nothing else.
    if std::env::args_os().nth(1).is_some_and(|a| a == folio_engine::WORKER_ARG) {
        return folio_engine::serve_extract_worker().context("extraction worker");
    }
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(LOG_DEFAULT)),
        )
        .init();
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(8 << 20)
        .build()
        .context("starting the async runtime")?;
    match runtime.block_on(run(cli)) {
        // A closed pipe (`folio search ... | head`) is not an error.
        Err(e) if e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) => {
            Ok(())
        }
        // The engine's kinds of error have their own exit status (see `after_help`).
        Err(e) => {
            let (status, code) =
                match (e.downcast_ref::<folio_engine::EngineError>(), e.downcast_ref::<folio_engine::Failure>()) {
                    (Some(engine), _) => (engine.exit_code(), Some(engine.code())),
                    (None, Some(failure)) => (failure.exit_code(), Some(failure.code)),
                    (None, None) => (1, None),
                };
            // In French, the kind of error is said in French; the message after it is the engine's.
            match code.map(locale::error_kind_fr).filter(|_| locale::french()) {
                Some(kind) => eprintln!("Erreur\u{a0}: {kind}\u{a0}: {e:?}"),
                None if locale::french() => eprintln!("Erreur\u{a0}: {e:?}"),
                None => eprintln!("Error: {e:?}"),
            }
            std::process::exit(status);
        }
        ok => ok,
    }
}

async fn run(cli: Cli) -> Result<()> {
    let (dir, must_exist) = library_location(&cli);
    let models = ModelPaths::new(cli.models.clone().unwrap_or_else(ModelPaths::default_root));
    // Commands that need no open library: the model download, and job control through the catalog
    // alone (it works while another process is indexing).
    match cli.command {
        Command::Model { what: ModelWhat::Download { kind, name, .. } } if kind == "embedder" => {
            return cmd::model::download_embedder(&models, name.as_deref().unwrap_or("multilingual-e5-small")).await;
        }
        Command::Model { what: ModelWhat::Download { name, repo, file, revision, sha256, to, .. } } => {
            return cmd::model::download(&models, name, repo, file, revision, sha256, to).await;
        }
        Command::Model { what: ModelWhat::Chat { json } } => {
            return cmd::model::chat(&models, cli.model.as_deref(), json)
        }
        Command::Jobs { json } => return cmd::index::jobs(&dir, json),
        Command::Pause { id } => return Ok(folio_engine::jobs::pause(&dir, JobId(id))?),
        Command::Cancel { id } => return Ok(folio_engine::jobs::cancel(&dir, JobId(id))?),
        Command::Resume { id: Some(id) } => {
            folio_engine::jobs::resume(&dir, JobId(id))?;
            eprintln!("job {id} resumed");
            // It goes on in the process that holds the library, if one does; else here.
            return match open(dir, must_exist, models, cli.model).await {
                Err(e) if e.downcast_ref::<folio_engine::EngineError>().is_some_and(|e| e.is_busy()) => Ok(()),
                Err(e) => Err(e),
                Ok(library) => {
                    let result = cmd::index::resume(&library).await;
                    finish(&library, result).await
                }
            };
        }
        _ => {}
    }
    let library = open(dir, must_exist, models, cli.model).await?;
    let result = match cli.command {
        Command::Index { folders, batch_chunks } => cmd::index::index(&library, &folders, batch_chunks).await,
        Command::Watch { folders } => cmd::index::watch(&library, &folders).await,
        Command::Resume { id: None } => cmd::index::resume(&library).await,
        Command::Search { query, limit, mode, filter, json } => {
            let options =
                SearchOptions { limit, mode: mode.into(), filter: filter.to_filter()?, ..SearchOptions::default() };
            cmd::search::search(&library, &query, options, json).await
        }
        Command::Ask { question, max_tokens, chat, filter, json } => {
            let search = SearchOptions { filter: filter.to_filter()?, ..SearchOptions::default() };
            let options =
                AskOptions { max_answer_tokens: max_tokens, chat: chat.map(ChatId), search, ..AskOptions::default() };
            cmd::ask::ask(&library, &question, options, json).await
        }
        Command::Chats { action, json } => cmd::chats::chats(&library, action, json),
        Command::Status { json } => cmd::status::status(&library, json),
        Command::Check { json, repair } => cmd::status::check(&library, json, repair).await,
        Command::Mcp { allow_writes } => cmd::mcp::serve(Arc::clone(&library), allow_writes).await,
        Command::Model { what: ModelWhat::Embedder { name, json } } => {
            cmd::model::embedder(&library, name.as_deref(), json).await
        }
        Command::Model { what: ModelWhat::Download { .. } | ModelWhat::Chat { .. } }
        | Command::Jobs { .. }
        | Command::Pause { .. }
        | Command::Cancel { .. } => {
            unreachable!("handled before the library is opened")
        }
        Command::Resume { id: Some(_) } => unreachable!("handled above"),
    };
    finish(&library, result).await
}

/// A command's result once the vector index work it started is done: the app builds the index in the
/// background, but a command must not exit halfway through it.
async fn finish(library: &Library, result: Result<()>) -> Result<()> {
    if library.vector_index_busy() {
        eprintln!("finishing the vector index (search works meanwhile in the app)…");
        library.wait_for_vector_index().await;
    }
    result
}

async fn open(dir: PathBuf, must_exist: bool, models: ModelPaths, chat_model: Option<PathBuf>) -> Result<Arc<Library>> {
    let mut config = LibraryConfig::new(&dir);
    config.must_exist = must_exist;
    config.models = models;
    config.chat_model = chat_model;
    let library = Library::open(config).await.with_context(|| format!("opening the library at {}", dir.display()))?;
    Ok(Arc::new(library))
}

/// The library's directory: `--library` (or `$FOLIO_LIBRARY`), else the one the app's settings name
/// (which must then exist), else the default.
fn library_location(cli: &Cli) -> (PathBuf, bool) {
    let path = folio_engine::settings::Settings::default_path();
    let settings = folio_engine::settings::Settings::load(&path).unwrap_or_else(|(defaults, e)| {
        eprintln!("warning: {e}");
        defaults
    });
    folio_engine::settings::library_location(cli.library.as_deref(), &settings)
}
