//! The bundled chat model rewritten in Q8_0 (what set-up does with `folio-dev requantize`): every
//! quantised tensor rewritten, none moved by more than 1 %, and the file loads and answers.

use folio_engine::{ChatRequest, GenEvent, Generator};
use folio_models::{requantize, MistralGenerator, Quantisation};

use crate::support::models;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundled_model_rewritten_in_q8_0_keeps_its_values_and_answers() {
    let models = models();
    let dir = tempfile::tempdir().unwrap();
    let dst = dir.path().join("SmolLM2-135M-Instruct.Q8_0.gguf");
    let source = models.bundled_chat_model_source();
    let done = requantize(&source, &dst, Quantisation::Q8_0).expect("requantize");
    assert!(done.tensors > 100, "{done:?}");
    assert!(done.worst_relative_rms < 0.01, "{done:?}");
    folio_models::check_gguf(&dst).expect("a GGUF");
    assert!(!dir.path().join("SmolLM2-135M-Instruct.Q8_0.gguf.part").exists());

    let generator = MistralGenerator::load(&dst, &models).await.expect("load");
    let request = ChatRequest {
        system: "Answer from the passage.\n[1] The Korvath Point lighthouse was designed by Miriam Tallis.".into(),
        history: Vec::new(),
        user: "Who designed the Korvath Point lighthouse?".into(),
        max_tokens: 24,
    };
    let mut rx = generator.generate(request).await.expect("generate");
    let mut text = String::new();
    while let Some(event) = rx.recv().await {
        match event.expect("event") {
            GenEvent::Token(t) => text.push_str(&t),
            GenEvent::Done(_) => break,
        }
    }
    assert!(text.contains("Tallis"), "the rewritten model still reads its passage: {text}");
}
