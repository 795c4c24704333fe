//! `folio model download`: a chat model or an embedding model from the Hugging Face hub, resumed and
//! checked; `folio model embedder`: the embedding models, and switching the library to one.

use std::path::PathBuf;

use anyhow::Result;
use folio_engine::{DownloadProgress, EmbedderDownload, EmbedderSwitch, HubFile, Library, ModelPaths};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

/// Downloads Llama 3.1 8B Instruct, or the file `repo`/`file` names, into the models directory (or `to`).
pub async fn download(
    models: &ModelPaths,
    repo: Option<String>,
    file: Option<String>,
    revision: String,
    sha256: Option<String>,
    to: Option<PathBuf>,
) -> Result<()> {
    let llama = HubFile::llama31_8b_instruct();
    let is_llama = repo.is_none() && file.is_none();
    let hub = HubFile { repo: repo.unwrap_or(llama.repo), file: file.unwrap_or(llama.file), revision, sha256 };
    let dest = match to {
        Some(p) => p,
        None if is_llama => models.llama_chat_model(),
        None => models.chat_dir().join(hub.file.trim_end_matches(".gguf")).join(&hub.file),
    };
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {bytes}/{total_bytes} {bar:30} {bytes_per_sec}, {eta} left {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    eprintln!("downloading {} from {}", hub.file, hub.url(&HubFile::endpoint()));
    let result = folio_engine::download(&hub, &dest, &|p: DownloadProgress| {
        if let Some(t) = p.total {
            bar.set_length(t);
        }
        bar.set_position(p.done);
        if p.resumed_from > 0 {
            bar.set_message(format!("(resumed at {} MB)", p.resumed_from >> 20));
        }
    })
    .await;
    bar.finish_and_clear();
    let path = result?;
    eprintln!("saved and verified: {}", path.display());
    if is_llama {
        eprintln!("Folio now answers with Llama 3.1 8B Instruct by default.");
    } else {
        eprintln!("use it with: folio --model {} ask \"…\"", path.display());
    }
    Ok(())
}

/// Downloads the embedding model `name` into the models directory (each file resumed and verified).
pub async fn download_embedder(models: &ModelPaths, name: &str) -> Result<()> {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {bytes}/{total_bytes} {bar:30} {bytes_per_sec}, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    eprintln!("downloading {name} from {}", HubFile::endpoint());
    let result = folio_engine::download_embedder(models, name, &|p: EmbedderDownload| {
        if let Some(t) = p.progress.total {
            bar.set_length(t);
        }
        bar.set_position(p.progress.done);
        bar.set_message(format!("[{}/{}] {}", p.index, p.files, p.file));
    })
    .await;
    bar.finish_and_clear();
    let dir = result?;
    eprintln!("saved and verified: {}", dir.display());
    eprintln!("switch the library to it with: folio model embedder {name}");
    Ok(())
}

/// `folio model embedder --json`.
#[derive(Serialize)]
struct Embedders {
    models: Vec<EmbedderOut>,
    embedding: crate::cmd::status::Embedding,
}

#[derive(Serialize)]
struct EmbedderOut {
    id: &'static str,
    name: &'static str,
    multilingual: bool,
    bundled: bool,
    downloaded: bool,
}

/// Lists the embedding models (the one searched marked), or switches the library to `name`.
pub async fn embedder(library: &Library, name: Option<&str>, json: bool) -> Result<()> {
    if let Some(name) = name {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{spinner} re-embedding {pos}/{len} passages {bar:30} {eta} left")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let status = library
            .switch_embedder(name, &|p: &EmbedderSwitch| {
                bar.set_length(p.total);
                bar.set_position(p.done);
            })
            .await;
        bar.finish_and_clear();
        let status = status?;
        if !json {
            eprintln!("the library now searches vectors of {}", status.active);
        }
    }
    let status = library.embedding_status()?;
    if json {
        let models = folio_engine::embedders(&library.config().models)
            .into_iter()
            .map(|m| EmbedderOut {
                id: m.model.id,
                name: m.model.name,
                multilingual: m.model.multilingual,
                bundled: m.model.is_bundled(),
                downloaded: m.downloaded,
            })
            .collect();
        return super::print_json(&mut std::io::stdout().lock(), &Embedders { models, embedding: status.into() });
    }
    for folio_engine::EmbedderInfo { model: m, downloaded } in folio_engine::embedders(&library.config().models) {
        let mark = if m.id == status.active { "*" } else { " " };
        let state = match (m.is_bundled(), downloaded) {
            (true, _) => "bundled",
            (false, true) => "downloaded",
            (false, false) => "not downloaded",
        };
        let langs = if m.multilingual { "multilingual" } else { "English" };
        println!("{mark} {:<24} {langs}, {state}", m.id);
    }
    if let Some(w) = status.switching {
        println!(
            "switching to {}: {} of {} passages embedded; `folio model embedder {}` goes on",
            w.to, w.done, w.total, w.to
        );
    }
    Ok(())
}
