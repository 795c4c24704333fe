//! The ANN index on the real LanceDB table (fake embedder): built on demand, and kept fresh in the
//! background as documents are added.

use folio_engine::dev::AnnKind;
use folio_engine::{IndexOptions, TextDocument};

use crate::support::Sandbox;

fn docs(range: std::ops::Range<usize>) -> Vec<TextDocument> {
    range
        .map(|i| TextDocument {
            key: format!("note:{i}"),
            title: format!("note {i}"),
            text: format!("Entry {i} of the ship's log: wind {} knots, heading {} degrees.", i % 40, (i * 7) % 360),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ann_indexes_find_what_exact_search_finds_and_stay_fresh() {
    let sandbox = Sandbox::with_corpus();
    let library = sandbox.open_fake(None).await;
    library.add_texts("log", docs(0..600), IndexOptions::default(), &|_| {}).await.expect("add");
    assert_eq!(library.vector_index().await.expect("index"), None, "small libraries are searched exactly");
    for kind in [AnnKind::IvfPq, AnnKind::IvfHnswSq] {
        library.build_vector_index(kind).await.expect("build");
        assert!(library.vector_index().await.expect("index").is_some(), "{kind:?}");
        let mut agree = 0;
        for i in (0..600).step_by(37) {
            let query = format!(
                "note {i}\nEntry {i} of the ship's log: wind {} knots, heading {} degrees.",
                i % 40,
                (i * 7) % 360
            );
            let exact = library.nearest_chunks(&query, 10, true).await.expect("exact");
            let approx = library.nearest_chunks(&query, 10, false).await.expect("ann");
            agree += usize::from(exact.first() == approx.first());
        }
        assert!(agree >= 16, "{kind:?}: the ANN index found the exact nearest chunk for only {agree} of 17 queries");
    }
    // Rows written after the index was built are found too (searched exactly until merged into it).
    library.add_texts("log", docs(600..650), IndexOptions::default(), &|_| {}).await.expect("add more");
    let query = "note 640\nEntry 640 of the ship's log: wind 0 knots, heading 160 degrees.";
    let exact = library.nearest_chunks(query, 1, true).await.expect("exact");
    let approx = library.nearest_chunks(query, 1, false).await.expect("ann");
    assert_eq!(exact, approx);
    // The job left the index refresh to the background; once done, the new rows are in the index.
    library.wait_for_vector_index().await;
    assert!(!library.vector_index_busy());
    assert_eq!(library.unindexed_vectors().await.expect("stats"), Some(0), "the refresh merged the new rows");
    assert_eq!(library.nearest_chunks(query, 1, false).await.expect("ann"), exact);
    // Jobs that end while a refresh runs are merged too, wherever their ends fall against the refresh's.
    for start in (650..690).step_by(10) {
        library.add_texts("log", docs(start..start + 10), IndexOptions::default(), &|_| {}).await.expect("add");
    }
    library.wait_for_vector_index().await;
    assert_eq!(library.unindexed_vectors().await.expect("stats"), Some(0), "every job's rows are in the index");
    assert!(library.check().await.expect("check").is_consistent());
}
