//! Crash consistency: a document left mid-write is purged from the derived stores and indexed again.
//! Uses the real stores with the hashing embedder, so it needs no model files.

use std::sync::Arc;

use folio_engine::{IndexOptions, Library, LibraryConfig, ModelPaths, Status};
use folio_models::HashEmbedder;
use folio_store::{fault, Store};

use crate::support::Sandbox;

async fn open_fake(sandbox: &Sandbox) -> Library {
    let config = LibraryConfig {
        dir: sandbox.library_dir(),
        models: ModelPaths::new("/nonexistent"),
        chat_model: None,
        threads: 1,
        extract_worker: crate::support::worker(),
        extract_limits: Default::default(),
        must_exist: false,
    };
    Library::open_with(config, Arc::new(HashEmbedder::new(64)), None).await.expect("open")
}

/// A fixture library indexed with the fake embedder and closed again, with its counts.
async fn indexed_and_closed() -> (Sandbox, folio_engine::Counts) {
    let sandbox = Sandbox::with_corpus();
    let library = open_fake(&sandbox).await;
    library.index(&[sandbox.docs()], IndexOptions::default(), &|_| {}).await.expect("index");
    let counts = library.counts().await.expect("counts");
    (sandbox, counts)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupted_documents_are_purged_and_requeued_on_open() {
    let (sandbox, original) = indexed_and_closed().await;

    // Simulate a crash in the middle of rewriting one document: the catalog says 'indexing' and the
    // derived stores hold only part of it.
    {
        let store = Store::open(&sandbox.library_dir(), 64).await.expect("store");
        let victim = store
            .documents()
            .documents()
            .expect("docs")
            .into_iter()
            .find(|d| d.path.ends_with("company/travel-policy.md"))
            .expect("victim");
        let all = store.documents().indexed_chunk_ids().expect("ids");
        fault::mark_indexing(&store, &[victim.id]).expect("mark");
        let rest = store.documents().indexed_chunk_ids().expect("ids");
        let victim_chunks: Vec<_> = all.into_iter().filter(|id| !rest.contains(id)).collect();
        assert!(!victim_chunks.is_empty());
        fault::lose_vectors(&store, &victim_chunks[..1]).await.expect("partial delete");
        let report = store.check().await.expect("check");
        assert!(!report.is_consistent(), "the simulated crash leaves the stores disagreeing");
    }

    let library = open_fake(&sandbox).await;
    let docs = library.documents().expect("docs");
    let victim = docs.iter().find(|d| d.path.ends_with("company/travel-policy.md")).expect("victim");
    assert_eq!(victim.status, Status::Queued, "recovery queues the interrupted document again");
    assert!(docs.iter().all(|d| d.status != Status::Indexing));

    let report = library.index(&[sandbox.docs()], IndexOptions::default(), &|_| {}).await.expect("index");
    assert!(report.indexed >= 1);
    let check = library.check().await.expect("check");
    assert!(check.is_consistent(), "{check:?}");
    let after = library.counts().await.expect("counts");
    assert_eq!(after.documents, original.documents);
    assert_eq!(after.catalog_chunks, after.text_chunks);
    assert_eq!(after.catalog_chunks, after.vector_chunks);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repair_restores_agreement_from_the_catalog() {
    let (sandbox, original) = indexed_and_closed().await;
    {
        // Damage both derived stores: missing entries, an orphan, and a duplicate.
        let store = Store::open(&sandbox.library_dir(), 64).await.expect("store");
        let ids = fault::vector_ids(&store).await.expect("ids");
        fault::lose_vectors(&store, &ids[..3]).await.expect("delete vectors");
        fault::lose_text(&store, &ids[3..5]).expect("delete text");
        fault::stray_text(&store, folio_core::ChunkId(999_999), folio_core::DocumentId(424_242), "ghost.txt", "orphan")
            .expect("orphan");
        let v = vec![0.1f32; 64];
        fault::stray_vectors(&store, &[(ids[6], folio_core::DocumentId(1), v.as_slice())]).await.expect("duplicate");
        // Two orphan vectors keep the table's row count up, so that the check at open (which requeues
        // documents when vectors are missing, see below) leaves this damage to `repair`.
        let orphans = [folio_core::ChunkId(999_998), folio_core::ChunkId(999_997)];
        let rows: Vec<_> = orphans.iter().map(|id| (*id, folio_core::DocumentId(424_242), v.as_slice())).collect();
        fault::stray_vectors(&store, &rows).await.expect("orphans");
        let report = store.check().await.expect("check");
        assert_eq!(report.missing_vectors.len(), 3);
        assert_eq!(report.missing_text.len(), 2);
        assert_eq!(report.orphan_text, vec![folio_core::ChunkId(999_999)]);
        assert_eq!(report.duplicate_vectors, vec![ids[6]]);
        assert_eq!(report.orphan_vectors.len(), 2);
    }
    let library = open_fake(&sandbox).await;
    let before = library.repair().await.expect("repair");
    assert!(!before.is_consistent());
    let after = library.check().await.expect("check");
    assert!(after.is_consistent(), "{after:?}");
    assert_eq!(library.counts().await.expect("counts"), original);
}

/// A power cut that loses a LanceDB write the catalog had already relied on (a disk that lied about a
/// sync), played by restoring a copy of the vector table taken between two indexing runs: at open the
/// library sees that vectors are missing, queues those documents again, and the next run makes the
/// stores agree.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vectors_lost_to_a_power_cut_are_found_at_open_and_indexed_again() {
    let (sandbox, _) = indexed_and_closed().await;
    let vectors_dir = sandbox.library_dir().join("lancedb");
    let snapshot = sandbox.dir.path().join("lancedb-snapshot");
    copy_tree(&vectors_dir, &snapshot);
    // A second run adds files; then the disk "loses" what LanceDB wrote for them.
    let later = sandbox.docs().join("later");
    std::fs::create_dir_all(&later).expect("mkdir");
    for i in 0..5 {
        std::fs::write(later.join(format!("note-{i}.txt")), format!("The Vashti lock opened {i} times in May.\n"))
            .expect("write");
    }
    {
        let library = open_fake(&sandbox).await;
        let report = library.index(&[sandbox.docs()], IndexOptions::default(), &|_| {}).await.expect("index");
        assert_eq!(report.indexed, 5);
    }
    std::fs::remove_dir_all(&vectors_dir).expect("remove");
    copy_tree(&snapshot, &vectors_dir);

    let library = open_fake(&sandbox).await;
    let docs = library.documents().expect("docs");
    let requeued: Vec<_> = docs.iter().filter(|d| d.path.contains("/later/")).map(|d| d.status).collect();
    assert_eq!(requeued, vec![Status::Queued; 5], "the documents whose vectors were lost are queued again");
    assert!(library.check().await.expect("check").is_consistent());
    let report = library.index(&[sandbox.docs()], IndexOptions::default(), &|_| {}).await.expect("index");
    assert_eq!(report.indexed, 5);
    let check = library.check().await.expect("check");
    assert!(check.is_consistent(), "{check:?}");
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
