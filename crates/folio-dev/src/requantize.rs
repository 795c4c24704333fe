//! `folio-dev requantize`: a GGUF chat model rewritten in another quantisation (set-up rewrites the
//! bundled Q4_1 model in Q8_0, for candle's SIMD kernels), checked tensor by tensor: no tensor may move
//! by more than [`MAX_RELATIVE_RMS`] from the original's values. `--compare-answers` also answers fixed
//! prompts greedily with both files (mistral.rs's default sampler takes the likeliest token) and says
//! how many tokens agree: with a 135M model, near-tied tokens swap after a few tokens even at 0.65 %.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use folio_engine::dev::{MistralGenerator, Quantisation};
use folio_engine::{ChatRequest, GenEvent, Generator, ModelPaths};

/// The largest error of a rewritten tensor, relative (RMS of the differences over RMS of the values).
pub const MAX_RELATIVE_RMS: f32 = 0.01;

/// Rewrites `src` (default: the bundled model) as `to` into `dst` (default: the bundled Q8_0 file, and
/// nothing to do when it is there). Unless `keep_any_change`, a tensor changed by more than
/// [`MAX_RELATIVE_RMS`] removes the file.
pub async fn run(
    models: &ModelPaths,
    src: Option<PathBuf>,
    dst: Option<PathBuf>,
    to: &str,
    compare_answers: bool,
    keep_any_change: bool,
) -> Result<()> {
    let to = if to == "q4_0" { Quantisation::Q4_0 } else { Quantisation::Q8_0 };
    let bundled = src.is_none() && dst.is_none();
    let src = src.unwrap_or_else(|| models.bundled_chat_model_source());
    let dst = dst.unwrap_or_else(|| models.chat_dir().join(folio_engine::dev::BUNDLED_CHAT_MODEL));
    if bundled && dst.is_file() && !compare_answers {
        return Ok(());
    }
    let (from, into) = (src.clone(), dst.clone());
    let done = tokio::task::spawn_blocking(move || folio_engine::dev::requantize(&from, &into, to)).await??;
    eprintln!(
        "folio: {} rewritten in {} ({} tensors; the largest change of a tensor {:.2} %, at most {:.0} % allowed)",
        src.display(),
        to.name(),
        done.tensors,
        done.worst_relative_rms * 100.0,
        MAX_RELATIVE_RMS * 100.0
    );
    if done.worst_relative_rms > MAX_RELATIVE_RMS && !keep_any_change {
        let _ = std::fs::remove_file(&dst);
        bail!("a tensor changed by {:.2} % in {}; the file was removed", done.worst_relative_rms * 100.0, to.name());
    }
    if compare_answers {
        compare(&src, &dst, models).await?;
    }
    Ok(())
}

/// Tokens generated per prompt.
const TOKENS: usize = 48;

/// Fixed prompts: a plain question, one grounded in a passage, one in French.
const PROMPTS: [(&str, &str); 3] = [
    ("You are a helpful assistant.", "What is the capital of France, and what river runs through it?"),
    (
        "Answer from the passage and cite it as [1].\n[1] The Korvath Point lighthouse was designed by Miriam \
         Tallis in 1931 and first lit in 1934.",
        "Who designed the Korvath Point lighthouse, and when was it first lit?",
    ),
    ("Tu es un assistant utile. Réponds en français.", "Donne trois conseils pour bien dormir."),
];

async fn answer(generator: &MistralGenerator, system: &str, user: &str) -> Result<Vec<String>> {
    let request = ChatRequest { system: system.into(), history: Vec::new(), user: user.into(), max_tokens: TOKENS };
    let mut rx = generator.generate(request).await?;
    let mut tokens = Vec::new();
    while let Some(event) = rx.recv().await {
        match event? {
            GenEvent::Token(t) => tokens.push(t),
            GenEvent::Done(_) => break,
        }
    }
    Ok(tokens)
}

/// Answers [`PROMPTS`] with `original` and `rewritten` and says how many tokens of each answer agree.
async fn compare(original: &Path, rewritten: &Path, models: &ModelPaths) -> Result<()> {
    let mut answers = Vec::new();
    for path in [original, rewritten] {
        let generator = MistralGenerator::load(path, models).await?;
        let mut of_model = Vec::new();
        for (system, user) in PROMPTS {
            of_model.push(answer(&generator, system, user).await?);
        }
        answers.push(of_model);
    }
    for (i, (a, b)) in answers[0].iter().zip(&answers[1]).enumerate() {
        let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        eprintln!("prompt {}: the first {same} of {} tokens identical", i + 1, a.len().min(b.len()));
    }
    Ok(())
}
