//! `folio model download`: a chat model from the Hugging Face hub, resumed and checked.

use std::path::PathBuf;

use anyhow::Result;
use folio_engine::{DownloadProgress, HubFile, ModelPaths};
use indicatif::{ProgressBar, ProgressStyle};

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
