//! `folio model download`: a chat model or an embedding model from the Hugging Face hub, resumed and
//! checked; `folio model chat`: the chat models, their sizes and speed on this machine; `folio model embedder`: the embedding models, and switching the library to one.

use crate::locale::{french, one_decimal};
use std::path::PathBuf;

use anyhow::Result;
use folio_engine::{
    DownloadProgress, EmbedderDownload, EmbedderSwitch, HubFile, Library, MeasuredSpeed, ModelPaths, CHAT_MODELS,
    LLAMA_31_8B,
};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

/// Downloads the chat model `name` (Llama 3.1 8B Instruct when neither it nor `repo`/`file` is given),
/// or the file `repo`/`file` names, into the models directory (or `to`).
pub async fn download(
    models: &ModelPaths,
    name: Option<String>,
    repo: Option<String>,
    file: Option<String>,
    revision: String,
    sha256: Option<String>,
    to: Option<PathBuf>,
) -> Result<()> {
    let known = match (&name, &repo, &file) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => anyhow::bail!("give either --name or --repo/--file"),
        (Some(n), _, _) => Some(folio_engine::chat_model(n).ok_or_else(|| {
            let names: Vec<_> = CHAT_MODELS.iter().map(|m| m.id).collect();
            anyhow::anyhow!("no chat model named {n}; Folio offers {}", names.join(", "))
        })?),
        (None, None, None) => Some(LLAMA_31_8B),
        (None, _, _) => None,
    };
    let hub = match known {
        Some(m) => HubFile { revision, sha256, ..m.hub_file() },
        None => HubFile { repo: repo.unwrap_or_default(), file: file.unwrap_or_default(), revision, sha256 },
    };
    if hub.repo.is_empty() || hub.file.is_empty() {
        anyhow::bail!("--repo and --file go together");
    }
    let dest = match (to, known) {
        (Some(p), _) => p,
        (None, Some(m)) => models.chat_model_path(&m),
        (None, None) => models.chat_dir().join(hub.file.trim_end_matches(".gguf")).join(&hub.file),
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
    match (known, models.downloaded_chat_model()) {
        (Some(m), Some(default)) if path == models.chat_model_path(&m) && default == m => {
            eprintln!("Folio now answers with {} by default.", m.name)
        }
        (Some(m), Some(default)) if path == models.chat_model_path(&m) => eprintln!(
            "{} answers by default (the first downloaded of `folio model chat`); use this one with: folio --model {} ask \"…\"",
            default.name,
            path.display()
        ),
        _ => eprintln!("use it with: folio --model {} ask \"…\"", path.display()),
    }
    Ok(())
}

/// `folio model chat --json`.
#[derive(Serialize)]
struct ChatModels {
    models: Vec<ChatModelOut>,
    /// The file that answers when no --model is given.
    default: PathBuf,
    /// The file that answers now (--model, or the default).
    in_use: PathBuf,
    /// The bundled model's measured speed that the estimates scale, if it was measured.
    measured: Option<MeasuredSpeed>,
}

#[derive(Serialize)]
struct ChatModelOut {
    id: String,
    name: String,
    path: PathBuf,
    bundled: bool,
    downloaded: bool,
    params_millions: u32,
    /// Download size, about (0 for the bundled model).
    download_bytes: u64,
    /// Decode speed on this machine, tokens per second: measured for the bundled model, an estimate
    /// (the measure scaled by parameter count) for the others; absent until measured.
    tokens_per_s: Option<f64>,
    tokens_per_s_estimated: bool,
}

/// Lists the chat models: the bundled one, then those Folio can download.
pub fn chat(models: &ModelPaths, chosen: Option<&std::path::Path>, json: bool) -> Result<()> {
    let measured = folio_engine::settings::load_measured_speed(models);
    let bundled = models.bundled_chat_model();
    let mut rows = vec![ChatModelOut {
        id: "bundled".into(),
        name: "SmolLM2 135M Instruct".into(),
        downloaded: bundled.is_file(),
        path: bundled,
        bundled: true,
        params_millions: folio_engine::BUNDLED_PARAMS_MILLIONS,
        download_bytes: 0,
        tokens_per_s: measured.as_ref().map(|m| m.decode_tokens_per_s),
        tokens_per_s_estimated: false,
    }];
    rows.extend(CHAT_MODELS.iter().map(|m| ChatModelOut {
        id: m.id.into(),
        name: m.name.into(),
        path: models.chat_model_path(m),
        bundled: false,
        downloaded: models.chat_model_path(m).is_file(),
        params_millions: m.params_millions,
        download_bytes: m.download_bytes,
        tokens_per_s: measured.as_ref().map(|s| m.estimated_tokens_per_s(s)),
        tokens_per_s_estimated: true,
    }));
    let default = models.default_chat_model();
    let in_use = chosen.map(std::path::Path::to_path_buf).unwrap_or_else(|| default.clone());
    if json {
        let out = ChatModels { models: rows, default, in_use, measured };
        return super::print_json(&mut std::io::stdout().lock(), &out);
    }
    let fr = french();
    for m in &rows {
        let mark = if m.path == in_use { "*" } else { " " };
        let size = one_decimal(m.download_bytes as f64 / 1e9);
        let state = match (m.bundled, m.downloaded, fr) {
            (true, _, false) => "bundled".to_string(),
            (true, _, true) => "fourni".to_string(),
            (false, true, false) => "downloaded".to_string(),
            (false, true, true) => "téléchargé".to_string(),
            (false, false, false) => format!("not downloaded, {size} GB"),
            (false, false, true) => format!("non téléchargé, {size}\u{a0}Go"),
        };
        let speed = match (m.tokens_per_s, m.tokens_per_s_estimated, fr) {
            (Some(t), false, false) => format!("{} tokens/s measured here", one_decimal(t)),
            (Some(t), false, true) => format!("{}\u{a0}jetons/s mesurés ici", one_decimal(t)),
            (Some(t), true, false) => format!("about {} tokens/s (estimate)", one_decimal(t)),
            (Some(t), true, true) => format!("environ {}\u{a0}jetons/s (estimation)", one_decimal(t)),
            (None, ..) => String::new(),
        };
        println!("{mark} {:<22} {:<34} {state:<28} {speed}", m.id, m.name);
    }
    match (&measured, fr) {
        (Some(s), false) => println!(
            "estimates: the bundled model's {} tokens/s, measured on this machine by `folio-dev bench answer` on {}, \
             scaled by parameter count; a larger model is also slower to its first token",
            one_decimal(s.decode_tokens_per_s),
            s.measured_on
        ),
        (Some(s), true) => println!(
            "estimations\u{a0}: les {}\u{a0}jetons/s du modèle fourni, mesurés sur cette machine par \
             `folio-dev bench answer` le {}, rapportés au nombre de paramètres\u{a0}; un plus gros modèle met \
             aussi plus de temps à écrire son premier mot",
            one_decimal(s.decode_tokens_per_s),
            s.measured_on
        ),
        (None, false) => println!(
            "no speed measured on this machine yet: `scripts/bench.sh answer` (or `folio-dev bench answer`) measures the \
             bundled model, and the others are estimated from it"
        ),
        (None, true) => println!(
            "aucune vitesse mesurée sur cette machine\u{a0}: `scripts/bench.sh answer` (ou `folio-dev bench answer`) \
             mesure le modèle fourni, et les autres sont estimés d’après lui"
        ),
    }
    if chosen.is_none() {
        if fr {
            println!("pour en télécharger un\u{a0}: folio model download --name ID\u{a0}; un fichier\u{a0}: --model");
        } else {
            println!("download one with: folio model download --name ID; choose a file with --model");
        }
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
        let fr = french();
        let state = match (m.is_bundled(), downloaded, fr) {
            (true, _, false) => "bundled",
            (true, _, true) => "fourni",
            (false, true, false) => "downloaded",
            (false, true, true) => "téléchargé",
            (false, false, false) => "not downloaded",
            (false, false, true) => "non téléchargé",
        };
        let langs = match (m.multilingual, fr) {
            (true, false) => "multilingual",
            (true, true) => "multilingue",
            (false, false) => "English",
            (false, true) => "anglais seulement",
        };
        println!("{mark} {:<24} {langs}, {state}", m.id);
    }
    if let Some(w) = status.switching {
        if french() {
            println!(
                "passage à {}\u{a0}: {} passages sur {} recalculés\u{a0}; `folio model embedder {}` continue",
                w.to, w.done, w.total, w.to
            );
        } else {
            println!(
                "switching to {}: {} of {} passages embedded; `folio model embedder {}` goes on",
                w.to, w.done, w.total, w.to
            );
        }
    }
    Ok(())
}
