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
