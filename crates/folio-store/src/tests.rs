//! Unit tests of the catalog and the store.
//!
//! The catalog's ids: never reused, also in a library made by a Folio from before they were guarded.
//! Tantivy rows, LanceDB rows and the citations of saved answers are keyed by catalog ids, so an id
//! handed out again would let a stale vector or citation answer for somebody else's text.

use folio_core::{Chunk, ChunkId, FolderId, Location, TextSpan};

use crate::catalog::{Documents, Folders, Held};
use crate::{Catalog, FileFacts};

fn folders(catalog: &Catalog) -> Folders<'_> {
    Folders(Held::Borrowed(catalog))
}

fn facts(folder_id: i64, path: &str) -> FileFacts {
    FileFacts {
        folder_id: FolderId(folder_id),
        path: path.into(),
        size: 1,
        mtime_ns: 1,
        hash: None,
        format: Some("text".into()),
    }
}

fn chunks(n: u32) -> Vec<Chunk> {
    (0..n)
        .map(|i| Chunk {
            ordinal: i,
            text: format!("chunk {i}"),
            location: Location::default(),
            span: TextSpan { start: 0, end: 7 },
            tokens: 2,
        })
        .collect()
}

fn max(ids: &[ChunkId]) -> i64 {
    ids.iter().map(|c| c.0).max().expect("ids")
}

#[test]
fn ids_of_deleted_rows_are_never_handed_out_again() {
    let dir = tempfile::tempdir().expect("tmp");
    let catalog = Catalog::open(&dir.path().join("catalog.sqlite3")).expect("open");
    let (folder, _) = folders(&catalog).add_folder("/docs").expect("folder");
    let first = catalog.insert_documents(&[(facts(folder.0, "/docs/a.txt"), &chunks(3))]).expect("insert");
    let (doc, first_chunks) = &first[0];

    // Re-indexing a document replaces its chunks: the new ones get new ids.
    let again = catalog.insert_documents(&[(facts(folder.0, "/docs/a.txt"), &chunks(3))]).expect("again");
    assert_eq!(again[0].0, *doc, "the same file keeps its document");
    assert!(again[0].1.iter().all(|id| id.0 > max(first_chunks)), "replaced chunks never reuse the old ids");

    // Deleting the newest document, chunks and folder, then adding others: still new ids, also after
    // the catalog is closed and opened again.
    catalog.delete_documents(&[*doc]).expect("delete");
    assert!(folders(&catalog).delete_folder(folder).expect("delete folder"));
    drop(catalog);
    let catalog = Catalog::open(&dir.path().join("catalog.sqlite3")).expect("reopen");
    let (folder2, added) = folders(&catalog).add_folder("/other").expect("folder");
    assert!(added);
    assert!(folder2 > folder, "folder id {folder2:?} reused");
    let later = catalog.insert_documents(&[(facts(folder2.0, "/other/b.txt"), &chunks(2))]).expect("insert");
    assert!(later[0].0 .0 > doc.0, "document id reused");
    assert!(later[0].1.iter().all(|id| id.0 > max(&again[0].1)), "chunk ids reused");
}

#[test]
fn a_catalog_from_before_the_guard_keeps_its_rows_and_never_reuses_their_ids() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("catalog.sqlite3");
    // Schema version 5 as a Folio of that version made it, from the migrations themselves.
    {
        let conn = rusqlite::Connection::open(&path).expect("open");
        for name in &crate::migration_names()[..5] {
            let sql = std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations").join(format!("{name}.sql")),
            )
            .expect("migration");
            conn.execute_batch(&sql).expect("old migration");
        }
        conn.pragma_update(None, "user_version", 5).expect("version");
        conn.execute_batch(
            "INSERT INTO folders(id, path, added_at) VALUES (1, '/docs', 0), (2, '/gone', 0);
             INSERT INTO documents(id, folder_id, path, size, mtime_ns, status, updated_at, text_ready)
                 VALUES (7, 1, '/docs/a.txt', 10, 5, 'indexed', 0, 1);
             INSERT INTO chunks(id, document_id, ordinal, text, location, span_start, span_end, tokens)
                 VALUES (40, 7, 0, 'kept text', '{\"lines\":[1,2]}', 0, 9, 2),
                        (41, 7, 1, 'more text', '{\"lines\":[3,3]}', 10, 19, 2);",
        )
        .expect("rows");
    }
    let catalog = Catalog::open(&path).expect("migrate");
    assert_eq!(catalog.schema_version().expect("version"), crate::migration_names().len() as i64);
    let docs = Documents::of(&catalog).documents().expect("docs");
    assert_eq!(docs.len(), 1);
    assert_eq!((docs[0].id.0, docs[0].path.as_str(), docs[0].size), (7, "/docs/a.txt", 10));
    let passages = Documents::of(&catalog).passages(&[ChunkId(40), ChunkId(41)]).expect("passages");
    assert_eq!(passages.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(), ["kept text", "more text"]);
    assert_eq!(catalog.chunk_count().expect("count"), 2);

    // Foreign keys are on again: removing the folder's document removes its chunks.
    catalog.delete_documents(&[docs[0].id]).expect("delete");
    assert_eq!(catalog.chunk_count().expect("count"), 0);
    assert!(folders(&catalog).delete_folder(FolderId(2)).expect("delete folder"));
    let (folder, _) = folders(&catalog).add_folder("/new").expect("folder");
    assert!(folder > FolderId(2), "folder id {folder:?} reused");
    let ids = catalog.insert_documents(&[(facts(1, "/docs/b.txt"), &chunks(1))]).expect("insert");
    assert!(ids[0].0 .0 > 7 && ids[0].1[0].0 > 41, "ids reused after migration: {ids:?}");
}

#[test]
fn a_store_write_waiting_on_the_disk_holds_up_no_other_task() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};
    // One runtime worker thread: a store write that blocked it would stop every other task (searches,
    // the app's commands) until the write ended.
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    let dir = tempfile::tempdir().expect("tmp");
    let store = Arc::new(runtime.block_on(crate::Store::open(dir.path(), 8)).expect("open"));
    // The catalog is held elsewhere, as a long FULL-synced commit would hold it.
    let held = store.catalog();
    let writer = {
        let store = Arc::clone(&store);
        runtime.spawn(async move { store.begin_attempt(&facts(1, "/docs/a.txt")).await })
    };
    // Let the write start and wait on the catalog (if it has not yet, the check below proves less,
    // never more).
    std::thread::sleep(Duration::from_millis(300));
    let other_ran = Arc::new(AtomicBool::new(false));
    {
        let other_ran = Arc::clone(&other_ran);
        runtime.spawn(async move { other_ran.store(true, Ordering::SeqCst) });
    }
    let waited = Instant::now();
    while !other_ran.load(Ordering::SeqCst) && waited.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let ran_while_held = other_ran.load(Ordering::SeqCst);
    drop(held);
    runtime.block_on(writer).expect("join").expect("the write ends once the catalog is free");
    assert!(ran_while_held, "another task ran while the store's write waited on the catalog");
}

/// A switch of embedding model, stopped between writing a step's vectors and recording it, goes on
/// from the last recorded step; a document removed meanwhile loses its vectors in the switch's table;
/// the finished switch leaves exactly the catalog's chunks, searched by the new model only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_embedder_switch_survives_a_crash_mid_step_and_removals() {
    use crate::{fault, DocumentText, Store};
    let dir = tempfile::tempdir().expect("tmp");
    let store = Store::open(dir.path(), 4).await.expect("open");
    let (folder, _) = store.folders().add_folder("/docs").expect("folder");
    let docs: Vec<DocumentText> = ["a", "b", "c"]
        .iter()
        .map(|n| DocumentText {
            facts: facts(folder.0, &format!("/docs/{n}.txt")),
            title: format!("{n}.txt"),
            chunks: chunks(2),
        })
        .collect();
    let batch = store.write_text(&docs).await.expect("text");
    store.write_vectors(&batch, &vec![vec![1.0, 0.0, 0.0, 0.0]; 6]).await.expect("vectors");

    store.begin_embedder_switch("other", 4).await.expect("begin");
    let step = store.next_chunks_to_embed(2).expect("next");
    assert_eq!(step.chunks.len(), 2);
    let ids: Vec<_> = step.chunks.iter().map(|(c, d, ..)| (*c, *d)).collect();
    store
        .write_next_vectors(&ids, &[vec![0.0, 1.0, 0.0, 0.0], vec![0.0, 1.0, 0.0, 0.0]], step.upto)
        .await
        .expect("step");
    // The next step's vectors reach the disk, and the process dies before the step is recorded.
    let lost = store.next_chunks_to_embed(2).expect("next");
    let rows: Vec<_> = lost.chunks.iter().map(|(c, d, ..)| (*c, *d, [0.0f32, 1.0, 0.0, 0.0].as_slice())).collect();
    fault::next_vectors_unrecorded(&store, &rows).await.expect("unrecorded");
    drop(store);

    let store = Store::open(dir.path(), 4).await.expect("reopen");
    let status = store.embedding_status().expect("status");
    assert_eq!(status.active, crate::BUNDLED_EMBEDDER);
    let switch = status.switching.expect("under way");
    assert_eq!((switch.to.as_str(), switch.done, switch.total), ("other", 2, 6));
    assert_eq!(fault::next_vector_ids(&store).await.expect("ids").len(), 2, "the unrecorded step is gone");
    // Search still answers from the old model's vectors, and only for a vector made by it.
    assert_eq!(
        store.nearest(crate::BUNDLED_EMBEDDER, &[1.0, 0.0, 0.0, 0.0], 3, None, true).await.expect("nearest").len(),
        3
    );
    assert!(store.nearest("other", &[0.0, 1.0, 0.0, 0.0], 3, None, true).await.expect("nearest").is_empty());

    // The first document (embedded already) is removed meanwhile: its vectors leave both tables.
    let first = batch.documents[0].0;
    store.remove(&[first]).await.expect("remove");
    assert!(fault::next_vector_ids(&store).await.expect("ids").is_empty());

    loop {
        let step = store.next_chunks_to_embed(2).expect("next");
        if step.chunks.is_empty() {
            assert!(!step.waiting);
            break;
        }
        let ids: Vec<_> = step.chunks.iter().map(|(c, d, ..)| (*c, *d)).collect();
        let vectors = vec![vec![0.0, 1.0, 0.0, 0.0]; ids.len()];
        store.write_next_vectors(&ids, &vectors, step.upto).await.expect("step");
    }
    assert!(store.finish_embedder_switch().await.expect("finish").is_empty());
    let status = store.embedding_status().expect("status");
    assert_eq!((status.active.as_str(), status.switching), ("other", None));
    assert!(store.check().await.expect("check").is_consistent());
    assert_eq!(store.nearest("other", &[0.0, 1.0, 0.0, 0.0], 9, None, true).await.expect("nearest").len(), 4);
    drop(store);
    let store = Store::open(dir.path(), 4).await.expect("reopen");
    assert_eq!(store.embedding_status().expect("status").active, "other");
    assert!(store.check().await.expect("check").is_consistent());
}

/// A switch of embedding model whose table was lost (a disk that dropped it) does not keep the library
/// from opening: the switch is forgotten and starts over when asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_switch_whose_table_is_lost_starts_over() {
    use crate::Store;
    let dir = tempfile::tempdir().expect("tmp");
    let store = Store::open(dir.path(), 4).await.expect("open");
    store.begin_embedder_switch("other", 4).await.expect("begin");
    assert!(store.embedding_status().expect("status").switching.is_some());
    drop(store);
    let table = dir.path().join(crate::place::VECTORS_DIR).join("chunks-other.lance");
    assert!(table.is_dir(), "the switch's table is where it is looked for");
    std::fs::remove_dir_all(&table).expect("lose the table");
    let store = Store::open(dir.path(), 4).await.expect("the library opens");
    let status = store.embedding_status().expect("status");
    assert_eq!((status.active.as_str(), status.switching), (crate::BUNDLED_EMBEDDER, None));
    store.begin_embedder_switch("other", 4).await.expect("starts over");
    assert_eq!(store.embedding_status().expect("status").switching.expect("under way").done, 0);
}

/// A reason is kept as data (its code and figures); one an older Folio wrote as an English sentence
/// still reads back, as its code where the sentence is one of the fixed ones.
#[test]
fn reasons_are_kept_as_data_and_old_sentences_still_read() {
    use folio_core::problem::Stop;
    use folio_core::{Problem, Status};
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("catalog.sqlite3");
    let catalog = Catalog::open(&path).expect("open");
    let (folder, _) = folders(&catalog).add_folder("/docs").expect("folder");
    let stopped = Problem::Stopped { stop: Stop::Memory { bytes: 2 << 30 } };
    for (file, problem) in
        [("/docs/a.pdf", &stopped), ("/docs/b.txt", &Problem::Empty), ("/docs/c.txt", &Problem::Empty)]
    {
        catalog.record_without_chunks(&facts(folder.0, file), Status::Failed, problem).expect("record");
    }
    let raw = rusqlite::Connection::open(&path).expect("raw");
    let stored: String =
        raw.query_row("SELECT reason FROM documents WHERE path = '/docs/a.pdf'", [], |r| r.get(0)).expect("row");
    assert_eq!(stored, r#"{"code":"stopped","stop":{"kind":"memory","bytes":2147483648}}"#);
    raw.execute("UPDATE documents SET reason = 'the file is empty' WHERE path = '/docs/b.txt'", []).expect("old");
    raw.execute("UPDATE documents SET reason = 'stopped: after 5 s' WHERE path = '/docs/c.txt'", []).expect("old");
    let documents = Documents(Held::Borrowed(&catalog));
    let reason = |p: &str| documents.document_by_path(p).expect("read").expect("row").reason;
    assert_eq!(reason("/docs/a.pdf"), Some(stopped));
    assert_eq!(reason("/docs/b.txt"), Some(Problem::Empty));
    assert_eq!(reason("/docs/c.txt"), Some(Problem::Other { text: "stopped: after 5 s".into() }));
}
