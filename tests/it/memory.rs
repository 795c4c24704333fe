//! Fast tests of the engine over a store held in memory (`Library::in_memory`), with the hashing embedder and a scripted chat
//! model: the real protocol and search, no disk and no model files.

use std::sync::Arc;

use folio_models::{HashEmbedder, ScriptedGenerator};

use folio_engine::{AskEvent, AskOptions, IndexOptions, Library, LibraryConfig, SearchOptions, TextDocument};

async fn library(replies: &[&str]) -> (Library, Arc<ScriptedGenerator>) {
    let generator = Arc::new(ScriptedGenerator::new(replies));
    let config = LibraryConfig::new("/nonexistent/in-memory");
    let library = Library::in_memory(config, Arc::new(HashEmbedder::new(32)), Some(generator.clone()))
        .await
        .expect("in-memory library");
    (library, generator)
}

fn doc(key: &str, text: &str) -> TextDocument {
    TextDocument { key: key.into(), title: format!("{key}.txt"), text: text.into() }
}

async fn add(library: &Library, docs: Vec<TextDocument>) -> folio_engine::IndexReport {
    library.add_texts("notes", docs, IndexOptions::default(), &|_| {}).await.expect("add texts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn texts_added_in_memory_are_found_and_the_stores_agree() {
    let (library, _) = library(&[]).await;
    let report = add(
        &library,
        vec![
            doc("hut", "The Caldera hut sleeps twelve people and opens in June."),
            doc("comet", "Comet Halvard returns every 76 years on an eccentric orbit."),
        ],
    )
    .await;
    assert_eq!(report.indexed, 2);
    let hits = library.search("when does comet Halvard return", &SearchOptions::default()).await.expect("search");
    assert!(hits[0].passage.text.contains("Halvard"), "{hits:?}");
    let counts = library.counts().await.expect("counts");
    assert_eq!((counts.documents, counts.catalog_chunks), (2, counts.vector_chunks));
    assert_eq!(counts.catalog_chunks, counts.text_chunks);
    assert!(library.check().await.expect("check").is_consistent());

    // The same text again is unchanged; a changed one replaces its chunks.
    let again = add(&library, vec![doc("hut", "The Caldera hut sleeps twelve people and opens in June.")]).await;
    assert_eq!((again.indexed, again.unchanged), (0, 1));
    add(&library, vec![doc("hut", "The Caldera hut now sleeps twenty.")]).await;
    let hits = library.search("Caldera hut", &SearchOptions::default()).await.expect("search");
    assert!(hits.iter().all(|h| !h.passage.text.contains("twelve")), "the old text is gone: {hits:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_from_memory_streams_cites_and_is_kept_in_its_chat() {
    let (library, generator) = library(&["Comet Halvard returns every 76 years [1]."]).await;
    add(&library, vec![doc("comet", "Comet Halvard returns every 76 years on an eccentric orbit.")]).await;
    let library = Arc::new(library);
    let options = AskOptions { min_similarity: 0.0, ..AskOptions::default() };
    let mut events = library.ask("How often does comet Halvard return?", options);
    let mut outcome = None;
    while let Some(event) = events.recv().await {
        match event {
            AskEvent::Finished(o) => outcome = Some(o),
            AskEvent::Failed(f) => panic!("failed: {f}"),
            _ => {}
        }
    }
    let outcome = outcome.expect("finished");
    assert!(outcome.grounded);
    assert_eq!(outcome.answer.citations.len(), 1, "{:?}", outcome.answer);
    assert!(generator.requests()[0].system.contains("76 years"), "the passage was in the prompt");
    let messages = library.chat_messages(outcome.chat).expect("messages");
    assert_eq!(messages.len(), 2);
    assert!(messages[1].text.contains("76 years"));
}
