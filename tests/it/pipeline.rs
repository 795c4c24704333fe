//! The real pipeline on the fixture corpus: index, search, re-index, ask.

use std::collections::HashSet;

use folio_engine::{AskEvent, AskOptions, MessageState, Problem, Role, SearchOptions, Status};
use folio_tests::FIXTURES;

use crate::support::{index, Sandbox};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_ranks_the_expected_file_first() {
    let sandbox = Sandbox::with_corpus();
    let library = sandbox.open().await;
    let report = index(&library, sandbox.docs()).await;
    assert_eq!(report.indexed as usize, FIXTURES.len());
    let mut misses = Vec::new();
    for f in FIXTURES {
        let hits = library.search(f.query, &SearchOptions::default()).await.expect("search");
        let top = hits.first().map(|h| h.passage.path.clone()).unwrap_or_default();
        if !top.ends_with(f.name) {
            misses.push(format!("{:?}: expected {}, got {top}", f.query, f.name));
        }
        for h in &hits {
            assert!(h.passage.location.lines.is_some(), "text chunks carry line ranges");
        }
    }
    assert!(misses.is_empty(), "queries whose expected file was not first:\n{}", misses.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindexing_the_same_folder_adds_nothing() {
    let sandbox = Sandbox::with_corpus();
    let library = sandbox.open().await;
    let first = index(&library, sandbox.docs()).await;
    let before = library.counts().await.expect("counts");
    assert!(first.chunks > 0);
    assert_eq!(before.catalog_chunks, before.text_chunks);
    assert_eq!(before.catalog_chunks, before.vector_chunks);

    let second = index(&library, sandbox.docs()).await;
    let after = library.counts().await.expect("counts");
    assert_eq!(second.indexed, 0, "nothing changed, so nothing is re-indexed");
    assert_eq!(second.chunks, 0);
    assert_eq!(before, after, "re-indexing changes no counts in any store");

    // Reopening the library (a restart) keeps everything and still adds nothing.
    drop(library);
    let library = sandbox.open().await;
    let third = index(&library, sandbox.docs()).await;
    assert_eq!(third.indexed, 0);
    assert_eq!(library.counts().await.expect("counts"), before);
    assert!(library.check().await.expect("check").is_consistent());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changed_and_deleted_files_are_reflected_in_every_store() {
    let sandbox = Sandbox::with_corpus();
    let library = sandbox.open().await;
    index(&library, sandbox.docs()).await;
    let before = library.counts().await.expect("counts");

    let changed = sandbox.docs().join("pets/parrot-care.md");
    std::fs::write(&changed, "# Pip\n\nPip now lives with the neighbours, who feed him sunflower seeds.\n")
        .expect("write");
    std::fs::remove_file(sandbox.docs().join("geology/basalt-columns.txt")).expect("remove");
    let report = index(&library, sandbox.docs()).await;
    assert_eq!((report.indexed, report.removed), (1, 1));
    assert!(library.check().await.expect("check").is_consistent());
    let after = library.counts().await.expect("counts");
    assert_eq!(after.documents, before.documents - 1);

    let hits = library.search("sunflower seeds neighbours", &SearchOptions::default()).await.expect("search");
    assert!(hits[0].passage.path.ends_with("pets/parrot-care.md"));
    let stale = library.search("avocado toxic", &SearchOptions::default()).await.expect("search");
    assert!(stale.iter().all(|h| !h.passage.text.contains("avocado")), "old chunks are gone");
    let gone = library.search("basalt columns Hraunfell", &SearchOptions::default()).await.expect("search");
    assert!(gone.iter().all(|h| !h.passage.path.ends_with("basalt-columns.txt")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_files_get_a_reason_and_the_job_goes_on() {
    let sandbox = Sandbox::with_corpus();
    let library = sandbox.open().await;
    let report = index(&library, sandbox.docs()).await;
    assert_eq!(report.indexed as usize, FIXTURES.len());
    let docs = library.documents().expect("documents");
    let reason = |suffix: &str| {
        let d = docs.iter().find(|d| d.path.ends_with(suffix)).expect("recorded");
        (d.status.as_str(), d.reason.as_ref().map(ToString::to_string).unwrap_or_default())
    };
    assert_eq!(reason("misc/empty.txt"), ("skipped", "the file is empty".to_string()));
    assert_eq!(reason("misc/binary.txt"), ("skipped", "the file looks binary, not text".to_string()));
    assert_eq!(reason("misc/archive.7z"), ("skipped", "unsupported file type".to_string()));
    let (status, why) = reason("misc/photo.jpg");
    assert_eq!(status, "failed");
    assert!(why.contains("damaged"), "{why}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_answers_with_citations_to_retrieved_lines() {
    let sandbox = Sandbox::with_corpus();
    let library = sandbox.open().await;
    index(&library, sandbox.docs()).await;
    let questions = [
        "Who was the engineer of the Korvath Point lighthouse?",
        "What is the hotel limit per night in Europe?",
        "Which food is toxic to parrots?",
    ];
    for q in questions {
        let options = AskOptions { max_answer_tokens: 96, ..AskOptions::default() };
        let mut events = library.ask(q, options);
        let mut retrieved = None;
        let mut streamed = String::new();
        let mut outcome = None;
        while let Some(e) = events.recv().await {
            match e {
                AskEvent::Started { .. } => {}
                AskEvent::Retrieved(p) => retrieved = Some(p),
                AskEvent::Token(t) => streamed.push_str(&t),
                AskEvent::Finished(o) => outcome = Some(o),
                AskEvent::Failed(e) => panic!("{q}: {e}"),
            }
        }
        let retrieved = retrieved.expect("passages come first");
        let outcome = outcome.expect("finished");
        assert!(!outcome.answer.text.trim().is_empty(), "{q}: empty answer");
        // The streamed text is the answer, less the markers Folio added to uncited sentences.
        let unmarked = |t: &str| -> String {
            folio_core::citation::filter_answer(t, 0).0.chars().filter(|c| !c.is_whitespace()).collect()
        };
        // An answer that began repeating itself is cut where the repeat began: the kept text is then
        // what was streamed up to there.
        let (kept, shown) = (unmarked(&outcome.answer.text), unmarked(streamed.trim()));
        if kept != shown {
            assert!(
                shown.starts_with(&kept) && folio_core::citation::repetition_cut(streamed.trim()).is_some(),
                "the streamed text is the answer, or it repeated itself after it: {kept:?} / {shown:?}"
            );
        }
        for m in &outcome.answer.attributed {
            assert!(outcome.answer.citations.iter().any(|c| c.marker == *m), "added marker [{m}] is a citation");
        }
        assert!(outcome.model.contains("SmolLM2"), "the answering model is named");
        assert!(!retrieved.is_empty());
        let ids: HashSet<_> = retrieved.iter().map(|p| p.chunk_id).collect();
        for c in &outcome.answer.citations {
            assert!(ids.contains(&c.passage.chunk_id), "{q}: citation [{}] is not a retrieved passage", c.marker);
            assert_eq!(retrieved[c.marker as usize - 1].chunk_id, c.passage.chunk_id, "markers number the passages");
            let file = std::fs::read_to_string(&c.passage.path).expect("cited file exists");
            let [first, last] = c.passage.location.lines.expect("line range");
            let lines: Vec<&str> = file.lines().collect();
            assert!(first >= 1 && (last as usize) <= lines.len() && first <= last, "{q}: lines {first}-{last} exist");
            let quoted = lines[first as usize - 1..last as usize].join("\n");
            assert_eq!(quoted.trim(), c.passage.text, "{q}: the cited lines hold the quoted text");
        }
        // Every marker left in the answer names a listed citation.
        let cited: HashSet<u32> = outcome.answer.citations.iter().map(|c| c.marker).collect();
        let (_, markers) = folio_core::citation::filter_answer(&outcome.answer.text, retrieved.len());
        assert_eq!(markers.dropped, 0);
        assert!(markers.cited.iter().all(|m| cited.contains(m)));
        assert!(outcome.timings.completion_tokens > 0);
        assert!(outcome.grounded, "{q}: the fixture holds the answer (best similarity {:?})", outcome.best_similarity);
        // The exchange is kept in its chat, with the citations.
        let messages = library.chat_messages(outcome.chat).expect("chat");
        assert_eq!(messages.len(), 2);
        assert_eq!((messages[0].role, messages[0].text.as_str()), (Role::User, q));
        assert_eq!((messages[1].role, messages[1].state), (Role::Assistant, MessageState::Complete));
        assert_eq!(messages[1].text, outcome.answer.text);
        assert_eq!(messages[1].citations, outcome.answer.citations);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_oddly_named_and_deeply_nested_files_are_handled() {
    use std::os::unix::ffi::OsStrExt;
    let sandbox = Sandbox::with_corpus();
    let odd = sandbox.docs().join("odd");
    std::fs::create_dir_all(&odd).expect("mkdir");
    // A 300 MB file (sparse, so the test is cheap) is over the size cap: skipped with the reason, never read.
    let huge = std::fs::File::create(odd.join("huge.txt")).expect("create");
    huge.set_len(300 << 20).expect("set_len");
    // A name that is not valid UTF-8.
    let bad_name = std::ffi::OsStr::from_bytes(b"caf\xe9-notes.txt");
    std::fs::write(odd.join(bad_name), "The pastry chef swears by cold butter.\n").expect("write");
    // Sixty levels of folders.
    let mut deep = odd.join("deep");
    for i in 0..60 {
        deep = deep.join(format!("level{i}"));
    }
    std::fs::create_dir_all(&deep).expect("mkdir deep");
    std::fs::write(deep.join("bottom.md"), "# Bottom\n\nThe deepest note mentions a lantern fish.\n").expect("write");

    let library = sandbox.open().await;
    let report = index(&library, sandbox.docs()).await;
    assert_eq!(report.indexed as usize, FIXTURES.len() + 2);
    let docs = library.documents().expect("documents");
    let huge = docs.iter().find(|d| d.path.ends_with("odd/huge.txt")).expect("huge recorded");
    assert_eq!((huge.status, &huge.reason), (Status::Skipped, &Some(Problem::TooLarge { limit: 64 << 20 })));
    assert_eq!(huge.reason.as_ref().map(ToString::to_string).as_deref(), Some("larger than the 64 MB limit"));
    let hits = library.search("cold butter pastry", &SearchOptions::default()).await.expect("search");
    assert!(hits[0].passage.path.contains("-notes.txt"), "{:?}", hits[0].passage.path);
    let hits = library.search("lantern fish", &SearchOptions::default()).await.expect("search");
    assert!(hits[0].passage.path.ends_with("level59/bottom.md"));
    // Nothing changed: the second run re-reads nothing, the odd name included.
    let again = index(&library, sandbox.docs()).await;
    assert_eq!((again.indexed, again.removed), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_legacy_excel_workbook_is_cited_by_sheet_and_row() {
    let dir = tempfile::tempdir().expect("temp dir");
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(&docs).expect("mkdir");
    let xls = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/budget.xls");
    std::fs::copy(&xls, docs.join("budget.xls")).expect("copy");
    // An old workbook saved under the new extension is read as what it is.
    std::fs::copy(&xls, docs.join("renamed.xlsx")).expect("copy");
    let sandbox = Sandbox { dir };
    let library = sandbox.open_fake(None).await;
    let report = index(&library, docs).await;
    assert_eq!((report.indexed, report.failed.len()), (2, 0), "{report:?}");

    let options = SearchOptions { mode: folio_engine::SearchMode::Bm25, ..SearchOptions::default() };
    let hits = library.search("bicycle repair", &options).await.expect("search");
    let hit = hits.iter().find(|h| h.passage.path.ends_with("budget.xls")).expect("found in the .xls");
    assert_eq!(hit.passage.location.sheet.as_deref(), Some("Budget 2024"));
    assert_eq!(hit.passage.location.rows, Some([4, 7]), "rows as the sheet numbers them");
    assert!(hit.passage.text.contains("Category: Bicycle repair; Month: March; Amount: 86; Paid on: 2024-03-15"));
    let hits = library.search("archivist", &options).await.expect("search");
    let hit = hits.iter().find(|h| h.passage.path.ends_with("budget.xls")).expect("second sheet");
    assert_eq!((hit.passage.location.sheet.as_deref(), hit.passage.location.rows), (Some("Contacts"), Some([2, 2])));
}
