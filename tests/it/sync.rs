//! Incremental sync on the real stores (fake embedder): renamed and moved files keep their chunks and
//! vectors, and are found under their new names.

use std::sync::Arc;

use folio_engine::{Bm25Query, SearchMode, SearchOptions};

use crate::support::{index, Sandbox};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renamed_and_moved_files_keep_their_chunks_and_vectors() {
    let sandbox = Sandbox::with_corpus();
    let library = sandbox.open_fake(None).await;
    let first = index(&library, sandbox.docs()).await;
    let docs = library.documents().expect("documents");
    let id_of = |suffix: &str| docs.iter().find(|d| d.path.ends_with(suffix)).expect("indexed").id;
    let (comet, parrot) = (id_of("astronomy/comet-halvard.md"), id_of("pets/parrot-care.md"));
    let before = library.counts().await.expect("counts");

    let d = sandbox.docs();
    std::fs::rename(d.join("astronomy/comet-halvard.md"), d.join("astronomy/halvard.md")).expect("rename");
    std::fs::create_dir_all(d.join("archive/birds")).expect("mkdir");
    std::fs::rename(d.join("pets/parrot-care.md"), d.join("archive/birds/parrot-care.md")).expect("move");

    let second = index(&library, sandbox.docs()).await;
    assert_eq!((second.indexed, second.chunks, second.removed), (0, 0, 0), "nothing re-embedded or purged");
    let mut moved = second.moved.clone();
    moved.sort();
    assert_eq!(moved.len(), 2, "{moved:?}");
    assert!(moved[0].from.ends_with("astronomy/comet-halvard.md") && moved[0].to.ends_with("astronomy/halvard.md"));
    assert!(moved[1].from.ends_with("pets/parrot-care.md") && moved[1].to.ends_with("archive/birds/parrot-care.md"));
    assert_eq!(
        second.unchanged + 2,
        first.indexed + first.unchanged + first.skipped.len() as u64 + first.failed.len() as u64
    );

    let docs = library.documents().expect("documents");
    let now = |suffix: &str| docs.iter().find(|d| d.path.ends_with(suffix)).expect("moved").id;
    assert_eq!((now("astronomy/halvard.md"), now("archive/birds/parrot-care.md")), (comet, parrot), "same documents");
    assert_eq!(library.counts().await.expect("counts"), before, "same chunks and vectors");
    assert!(library.check().await.expect("check").is_consistent());

    // Both stores answer with the new path, and the file name is searchable under its new name.
    for mode in [SearchMode::Bm25, SearchMode::Dense] {
        let options = SearchOptions { mode, ..SearchOptions::default() };
        let hits = library.search("Comet Halvard returns every 212 years", &options).await.expect("search");
        assert!(hits.iter().any(|h| h.passage.path.ends_with("astronomy/halvard.md")), "{mode:?}");
        assert!(hits.iter().all(|h| !h.passage.path.ends_with("comet-halvard.md")), "{mode:?}");
    }
    let options = SearchOptions { mode: SearchMode::Bm25, ..SearchOptions::default() };
    let hits = library.search("halvard", &options).await.expect("search");
    assert!(hits[0].passage.path.ends_with("astronomy/halvard.md"));

    // A third run changes nothing.
    let third = index(&library, sandbox.docs()).await;
    assert!(third.moved.is_empty() && third.indexed == 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hidden_and_ignored_paths_are_left_out() {
    let sandbox = Sandbox::with_corpus();
    let d = sandbox.docs();
    let write = |rel: &str, text: &str| {
        let p = d.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    // Not a git repository: .gitignore still applies, as people expect from their project folders.
    write(".gitignore", "build/\n*.log\n");
    write("build/output.txt", "generated output about comets\n");
    write("notes/run.log", "a log line about comets\n");
    write("notes/keep.txt", "a note worth keeping about comets\n");
    write("notes/.folioignore", "private.md\n");
    write("notes/private.md", "# Private\n\nnot for the library\n");
    write(".cache/hidden.md", "# Hidden\n\nin a hidden folder\n");
    write("notes/.secret.txt", "a hidden file\n");
    let library = sandbox.open_fake(None).await;
    index(&library, d.clone()).await;
    let paths: Vec<String> = library.documents().expect("documents").into_iter().map(|d| d.path).collect();
    assert!(paths.iter().any(|p| p.ends_with("notes/keep.txt")));
    for left_out in
        ["build/output.txt", "notes/run.log", "notes/private.md", ".cache/hidden.md", ".secret.txt", ".gitignore"]
    {
        assert!(!paths.iter().any(|p| p.ends_with(left_out)), "{left_out} must not be indexed");
    }
}

/// The next sync report, or a panic after a generous wait.
async fn next_sync(watch: &mut folio_engine::Watch) -> folio_engine::IndexReport {
    match tokio::time::timeout(std::time::Duration::from_secs(60), watch.events.recv()).await {
        Ok(Some(folio_engine::WatchEvent::Synced(r))) => r,
        Ok(Some(folio_engine::WatchEvent::Failed(e))) => panic!("sync failed: {e}"),
        Ok(Some(folio_engine::WatchEvent::Unwatched { folder, reason })) => {
            panic!("{} is not watched: {reason}", folder.display())
        }
        Ok(None) => panic!("the watch stopped"),
        Err(_) => panic!("no sync within a minute of the change"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watched_folders_index_changes_as_they_happen() {
    let sandbox = Sandbox::with_corpus();
    let library = sandbox.open_fake(None).await;
    index(&library, sandbox.docs()).await;
    let mut watch = library.watch(&[sandbox.docs()], folio_engine::IndexOptions::default()).expect("watch");
    let bm25 = SearchOptions { mode: SearchMode::Bm25, ..SearchOptions::default() };
    let note = sandbox.docs().join("inbox/meeting.md");
    std::fs::create_dir_all(note.parent().expect("parent")).expect("mkdir");
    std::fs::write(&note, "# Meeting\n\nThe quokka budget was approved.\n").expect("write");
    let mut indexed = 0;
    while indexed == 0 {
        let r = next_sync(&mut watch).await;
        eprintln!("sync: {r:?}");
        indexed = r.indexed;
    }
    let hits = library.search("quokka", &bm25).await.expect("search");
    assert!(hits[0].passage.path.ends_with("inbox/meeting.md"));

    std::fs::remove_file(&note).expect("delete");
    let mut removed = 0;
    while removed == 0 {
        removed = next_sync(&mut watch).await.removed;
    }
    assert!(library.search("quokka", &bm25).await.expect("search").is_empty());
    assert!(library.check().await.expect("check").is_consistent());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_that_cannot_be_watched_is_reported_and_the_others_are_still_watched() {
    let sandbox = Sandbox::with_corpus();
    let library = sandbox.open_fake(None).await;
    index(&library, sandbox.docs()).await;
    let gone = sandbox.dir.path().join("unplugged-disk");
    let mut watch =
        library.watch(&[gone.clone(), sandbox.docs()], folio_engine::IndexOptions::default()).expect("watch");
    match tokio::time::timeout(std::time::Duration::from_secs(10), watch.events.recv()).await {
        Ok(Some(folio_engine::WatchEvent::Unwatched { folder, reason })) => {
            assert_eq!(folder, gone);
            assert!(!reason.is_empty());
        }
        other => panic!("the folder that cannot be watched is reported first: {other:?}"),
    }
    let note = sandbox.docs().join("inbox/quokka.md");
    std::fs::create_dir_all(note.parent().expect("parent")).expect("mkdir");
    std::fs::write(&note, "# Quokka\n\nThe quokka census is on Friday.\n").expect("write");
    let mut indexed = 0;
    while indexed == 0 {
        indexed = next_sync(&mut watch).await.indexed;
    }
    let bm25 = SearchOptions { mode: SearchMode::Bm25, ..SearchOptions::default() };
    assert!(library.search("quokka census", &bm25).await.expect("search")[0].passage.path.ends_with("quokka.md"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_of_the_library_follows_its_folders() {
    let sandbox = Sandbox::with_corpus();
    let library = sandbox.open_fake(None).await;
    // The app starts watching before any folder is added.
    let mut watch = library.watch_library(folio_engine::IndexOptions::default()).expect("watch");
    index(&library, sandbox.docs()).await;
    let bm25 = SearchOptions { mode: SearchMode::Bm25, ..SearchOptions::default() };
    let note = sandbox.docs().join("inbox/meeting.md");
    std::fs::create_dir_all(note.parent().expect("parent")).expect("mkdir");
    // The new folder is watched once the watch has seen it added; write until a sync picks it up.
    let mut indexed = 0;
    for attempt in 0..20 {
        std::fs::write(&note, format!("# Meeting {attempt}\n\nThe quokka budget was approved.\n")).expect("write");
        if let Ok(Some(folio_engine::WatchEvent::Synced(r))) =
            tokio::time::timeout(std::time::Duration::from_secs(3), watch.events.recv()).await
        {
            indexed += r.indexed;
            if indexed > 0 {
                break;
            }
        }
    }
    assert!(indexed > 0, "a change in a folder added after the watch started was indexed");
    assert!(!library.search("quokka", &bm25).await.expect("search").is_empty());

    // A removed folder stays removed, whatever changes in it later.
    library.remove_folder(&sandbox.docs()).await.expect("remove");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    std::fs::write(sandbox.docs().join("inbox/later.md"), "The wombat budget.\n").expect("write");
    let quiet = tokio::time::timeout(std::time::Duration::from_secs(3), watch.events.recv()).await;
    assert!(quiet.is_err(), "nothing was indexed: {quiet:?}");
    assert!(library.folders().expect("folders").is_empty());
    assert!(library.search("wombat", &bm25).await.expect("search").is_empty());
}

/// The job's row, read through the catalog alone as another process would.
fn job_row(sandbox: &Sandbox, id: folio_engine::JobId) -> folio_engine::JobRecord {
    folio_engine::jobs::list(&sandbox.library_dir()).expect("jobs").into_iter().find(|j| j.id == id).expect("job")
}

async fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    for _ in 0..600 {
        if ok() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_pause_resume_and_cancel_without_losing_work() {
    use folio_engine::{jobs, JobState};
    let sandbox = Sandbox::with_corpus();
    let library = sandbox.open_fake(None).await;
    index(&library, sandbox.docs()).await;
    let before = library.documents().expect("documents").len();
    let many = sandbox.docs().join("many");
    std::fs::create_dir_all(&many).expect("mkdir");
    for i in 0..400 {
        std::fs::write(many.join(format!("n{i:03}.txt")), format!("Entry {i}: the heron count was {i}.\n"))
            .expect("write");
    }
    // One file per batch, so the job takes a while and every file is durable on its own.
    let options = folio_engine::IndexOptions { batch_chunks: 1, ..folio_engine::IndexOptions::default() };
    let runner = Arc::clone(&library);
    let folder = sandbox.docs();
    let task = tokio::spawn(async move { runner.index(&[folder], options, &|_| {}).await });
    let id = {
        let mut id = folio_engine::JobId(0);
        wait_for("the job to start", || {
            id = jobs::list(&sandbox.library_dir()).expect("jobs").first().map_or(folio_engine::JobId(0), |j| j.id);
            id.0 > 1 && job_row(&sandbox, id).files_done > 40
        })
        .await;
        id
    };
    jobs::pause(&sandbox.library_dir(), id).expect("pause");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let paused_at = job_row(&sandbox, id).files_done;
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(job_row(&sandbox, id).files_done, paused_at, "a paused job does no work");
    assert_eq!(job_row(&sandbox, id).state, JobState::Paused);
    assert!(jobs::pause(&sandbox.library_dir(), id).is_err(), "pausing twice is refused");

    jobs::resume(&sandbox.library_dir(), id).expect("resume");
    wait_for("the job to go on", || job_row(&sandbox, id).files_done > paused_at + 20).await;
    jobs::cancel(&sandbox.library_dir(), id).expect("cancel");
    let report = task.await.expect("join").expect("index");
    assert!(report.cancelled && report.job == id);
    let row = job_row(&sandbox, id);
    assert_eq!(row.state, JobState::Cancelled);
    assert!(row.files_done < row.files_total, "cancelled before the end: {row:?}");

    // Work done before the cancel stays; nothing unseen was purged as "deleted".
    let docs = library.documents().expect("documents");
    let herons = docs.iter().filter(|d| d.path.contains("/many/")).count();
    assert!(herons > 20 && herons < 400, "{herons} heron files indexed");
    assert_eq!(docs.len() - herons, before, "the earlier files are all still there");
    assert!(library.check().await.expect("check").is_consistent());

    // A new run finishes the rest.
    let rest = index(&library, sandbox.docs()).await;
    assert_eq!(rest.indexed as usize, 400 - herons);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_interrupted_by_a_crash_is_finished_after_restart() {
    use folio_engine::JobState;
    let sandbox = Sandbox::with_corpus();
    let folder = sandbox.docs().canonicalize().expect("canonical").to_string_lossy().into_owned();
    {
        let store = folio_store::Store::open(&sandbox.library_dir(), 64).await.expect("store");
        let jobs = store.jobs();
        let id = jobs.create_job(std::slice::from_ref(&folder)).expect("job");
        jobs.set_job_state(id, JobState::Running, None).expect("running");
    } // the process dies here
    let library = sandbox.open_fake(None).await;
    let unfinished = library.unfinished_jobs().expect("jobs");
    assert_eq!(unfinished.len(), 1);
    assert_eq!(unfinished[0].folders, vec![folder]);
    let reports = library.run_unfinished_jobs(folio_engine::IndexOptions::default(), &|_| {}).await.expect("run");
    assert_eq!(reports.len(), 1);
    assert!(reports[0].indexed > 20);
    assert!(library.unfinished_jobs().expect("jobs").is_empty());
    assert_eq!(
        library.documents().expect("docs").len() as u64,
        reports[0].indexed + reports[0].skipped.len() as u64 + reports[0].failed.len() as u64
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_library_files_can_be_opened_and_passages_preview_in_context() {
    let sandbox = Sandbox::with_corpus();
    let library = sandbox.open_fake(None).await;
    index(&library, sandbox.docs()).await;
    let d = sandbox.docs();
    let inside = d.join("astronomy/comet-halvard.md");
    assert_eq!(library.library_file(&inside).expect("inside"), inside.canonicalize().expect("canonical"));
    std::os::unix::fs::symlink("/etc/passwd", d.join("astronomy/escape.md")).expect("symlink");
    for outside in [
        std::path::PathBuf::from("/etc/passwd"),
        d.join("../../../../etc/passwd"),
        d.join("astronomy/escape.md"),
        d.clone(),
        sandbox.library_dir().join("catalog.sqlite3"),
    ] {
        assert!(library.library_file(&outside).is_err(), "{} must be refused", outside.display());
    }

    // By document id (what the app's "open file" sends): only an indexed document's own file.
    let docs = library.documents().expect("docs");
    let comet = docs.iter().find(|d| d.path.ends_with("astronomy/comet-halvard.md")).expect("comet");
    assert_eq!(library.document_file(comet.id).expect("indexed"), inside.canonicalize().expect("canonical"));
    let not_indexed =
        docs.iter().find(|d| d.status != folio_engine::Status::Indexed).expect("a skipped or failed file");
    assert!(library.document_file(not_indexed.id).is_err(), "{} is not indexed", not_indexed.path);
    assert!(library.document_file(folio_engine::DocumentId(987_654)).is_err(), "an id that names nothing");
    // The file swapped for a link to elsewhere after indexing is refused too.
    let saved = std::fs::read(&inside).expect("read");
    std::fs::remove_file(&inside).expect("rm");
    std::os::unix::fs::symlink("/etc/passwd", &inside).expect("symlink");
    assert!(library.document_file(comet.id).is_err(), "a link out of the folder is not opened");
    std::fs::remove_file(&inside).expect("rm");
    std::fs::write(&inside, saved).expect("restore");

    // A long document gives neighbours on both sides, in order.
    let long = d.join("long.txt");
    let text: String = (0..400).map(|i| format!("Line {i} of the long ledger mentions item {i}.\n")).collect();
    std::fs::write(&long, text).expect("write");
    index(&library, sandbox.docs()).await;
    let options = SearchOptions { mode: SearchMode::Bm25, ..SearchOptions::default() };
    let hit = library.search("ledger item 200", &options).await.expect("search").remove(0);
    let context = library.passage_context(hit.passage.chunk_id, 1).expect("context");
    assert_eq!(context.len(), 3, "the passage and one neighbour on each side");
    assert_eq!(context[1].chunk_id, hit.passage.chunk_id);
    assert!(context.iter().all(|p| p.document_id == hit.passage.document_id));
    assert!(context[0].span.start < context[1].span.start && context[1].span.start < context[2].span.start);
    assert!(library.passage_context(folio_engine::ChunkId(987_654), 1).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_written_while_it_is_indexed_ends_up_indexed_as_it_finally_is() {
    use std::io::Write;
    use std::sync::atomic::{AtomicBool, Ordering};
    let sandbox = Sandbox::with_corpus();
    let log = sandbox.docs().join("station/log.txt");
    std::fs::create_dir_all(log.parent().expect("parent")).expect("mkdir");
    std::fs::write(&log, "Aurora station log\n\n").expect("write");
    let library = sandbox.open_fake(None).await;
    // A writer appends to the file the whole time the folder is indexed, then writes a last line.
    let done = Arc::new(AtomicBool::new(false));
    let writer = {
        let (log, done) = (log.clone(), Arc::clone(&done));
        std::thread::spawn(move || {
            let mut f = std::fs::OpenOptions::new().append(true).open(&log).expect("open");
            for i in 0.. {
                writeln!(f, "Entry {i}: the generator hums and the sky is clear.").expect("append");
                std::thread::sleep(std::time::Duration::from_millis(3));
                if done.load(Ordering::Relaxed) && i > 50 {
                    break;
                }
            }
            writeln!(f, "Last entry: the zanzibarquill beacon was lit.").expect("append");
        })
    };
    let first = index(&library, sandbox.docs()).await;
    assert!(!first.failed.iter().any(|n| n.path.ends_with("log.txt")), "{:?}", first.failed);
    done.store(true, Ordering::Relaxed);
    writer.join().expect("writer");

    // The next scan reads it again, whatever the first caught, and the index then holds the whole file.
    index(&library, sandbox.docs()).await;
    let bm25 = SearchOptions { mode: SearchMode::Bm25, ..SearchOptions::default() };
    let hits = library.search("zanzibarquill", &bm25).await.expect("search");
    assert!(hits.first().is_some_and(|h| h.passage.path.ends_with("station/log.txt")), "the last line is found");
    let lines = std::fs::read_to_string(&log).expect("read").lines().count();
    let doc = library.documents().expect("documents").into_iter().find(|d| d.path.ends_with("station/log.txt"));
    let doc = doc.expect("the log is known");
    assert_eq!(doc.status.as_str(), "indexed");
    let passages = library.passage_context(hits[0].passage.chunk_id, 10_000).expect("context");
    let last_line = passages.iter().filter_map(|p| p.location.lines).map(|[_, last]| last).max();
    assert_eq!(last_line, Some(lines as u32), "the passages reach the file's last line");
    // A third scan finds nothing to do: what is recorded matches the file on disk.
    assert_eq!(index(&library, sandbox.docs()).await.indexed, 0);
    assert!(library.check().await.expect("check").is_consistent());
}

/// The hashing embedder behind a gate: `embed` waits while the gate is closed, or fails when told to.
/// Lets a test look at the library between a batch's text being written and its vectors.
struct GatedEmbedder {
    inner: folio_models::HashEmbedder,
    /// (open, fail)
    gate: std::sync::Mutex<(bool, bool)>,
    changed: std::sync::Condvar,
}

impl GatedEmbedder {
    fn closed() -> Arc<GatedEmbedder> {
        Arc::new(GatedEmbedder {
            inner: folio_models::HashEmbedder::new(64),
            gate: std::sync::Mutex::new((false, false)),
            changed: std::sync::Condvar::new(),
        })
    }

    fn open(&self, fail: bool) {
        *self.gate.lock().expect("gate") = (true, fail);
        self.changed.notify_all();
    }
}

impl folio_models::Embedder for GatedEmbedder {
    fn dim(&self) -> usize {
        self.inner.dim()
    }

    fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, folio_models::ModelError> {
        let mut gate = self.gate.lock().expect("gate");
        while !gate.0 {
            gate = self.changed.wait(gate).expect("gate");
        }
        if gate.1 {
            return Err(folio_models::ModelError::Inference("the test failed this batch".into()));
        }
        self.inner.embed(texts)
    }

    fn tokens(&self) -> &dyn folio_core::TokenCounter {
        self.inner.tokens()
    }

    fn name(&self) -> &str {
        "gated"
    }
}

/// A library over a small folder whose embedder is held at the gate, with the indexing job running.
async fn indexing_held_at_embedding(
    sandbox: &Sandbox,
) -> (
    Arc<folio_engine::Library>,
    Arc<GatedEmbedder>,
    tokio::task::JoinHandle<Result<folio_engine::IndexReport, folio_engine::EngineError>>,
) {
    let docs = sandbox.docs();
    std::fs::create_dir_all(docs.join("zoo")).expect("mkdir");
    std::fs::write(docs.join("zoo/quokka.md"), "# Quokka\n\nThe quokka of Rottnest Island smiles for tourists.\n")
        .expect("write");
    let embedder = GatedEmbedder::closed();
    let config = folio_engine::LibraryConfig {
        dir: sandbox.library_dir(),
        models: folio_engine::ModelPaths::new("/nonexistent"),
        chat_model: None,
        threads: 1,
        extract_worker: crate::support::worker(),
        extract_limits: Default::default(),
        must_exist: false,
    };
    let library = Arc::new(
        folio_engine::Library::open_with(config, embedder.clone() as Arc<dyn folio_models::Embedder>, None)
            .await
            .expect("open"),
    );
    let job = {
        let (library, docs) = (Arc::clone(&library), docs.clone());
        tokio::spawn(async move { library.index(&[docs], folio_engine::IndexOptions::default(), &|_| {}).await })
    };
    (library, embedder, job)
}

/// BM25-only search for `query`, polled until it finds something (at most 30 s).
async fn keyword_hits_eventually(library: &folio_engine::Library, query: &str) -> Vec<folio_core::SearchHit> {
    let options = SearchOptions { mode: SearchMode::Bm25, ..SearchOptions::default() };
    for _ in 0..300 {
        let hits = library.search(query, &options).await.expect("search");
        if !hits.is_empty() {
            return hits;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Vec::new()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_keyword_searchable_before_their_vectors_are_written() {
    let sandbox = Sandbox::with_corpus();
    let (library, embedder, job) = indexing_held_at_embedding(&sandbox).await;

    // The embedder has not returned a single vector, yet keyword search finds the text.
    let hits = keyword_hits_eventually(&library, "quokka Rottnest").await;
    assert!(!hits.is_empty(), "keyword search finds a file whose vectors are not written yet");
    assert!(hits[0].passage.path.ends_with("zoo/quokka.md"), "{:?}", hits[0].passage.path);
    assert!(hits[0].passage.text.contains("Rottnest"));
    let counts = library.counts().await.expect("counts");
    assert_eq!(counts.vector_chunks, 0, "no vectors yet");
    assert!(counts.text_chunks > 0);
    let quokka = library.documents().expect("documents").into_iter().find(|d| d.path.ends_with("zoo/quokka.md"));
    assert_eq!(
        quokka.expect("known").status,
        folio_engine::Status::Indexing,
        "shown as indexing until its vectors land"
    );
    assert!(!job.is_finished());

    embedder.open(false);
    let report = job.await.expect("join").expect("index");
    assert!(report.indexed > 1 && report.chunks > 1, "{report:?}");
    assert!(library.documents().expect("documents").iter().all(|d| d.status != folio_engine::Status::Indexing));
    let counts = library.counts().await.expect("counts");
    assert_eq!((counts.text_chunks, counts.vector_chunks), (counts.catalog_chunks, counts.catalog_chunks));
    assert!(library.check().await.expect("check").is_consistent());
    let dense = SearchOptions { mode: SearchMode::Dense, ..SearchOptions::default() };
    let found = library.search("quokka of Rottnest Island", &dense).await.expect("search");
    assert!(found.iter().any(|h| h.passage.path.ends_with("zoo/quokka.md")), "now found by its vector too");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_whose_embedding_fails_is_taken_out_and_queued_again() {
    let sandbox = Sandbox::with_corpus();
    let (library, embedder, job) = indexing_held_at_embedding(&sandbox).await;
    assert!(!keyword_hits_eventually(&library, "quokka Rottnest").await.is_empty());

    embedder.open(true);
    let error = job.await.expect("join").expect_err("the job fails with the embedder");
    assert!(error.to_string().contains("the test failed this batch"), "{error}");
    let options = SearchOptions { mode: SearchMode::Bm25, ..SearchOptions::default() };
    assert!(library.search("quokka Rottnest", &options).await.expect("search").is_empty(), "its text is taken out");
    let docs = library.documents().expect("documents");
    let quokka = docs.iter().find(|d| d.path.ends_with("zoo/quokka.md")).expect("known");
    assert_eq!(quokka.status, folio_engine::Status::Queued, "queued for the next run");
    assert!(library.check().await.expect("check").is_consistent());

    // The next run, with the embedder working again, indexes it.
    embedder.open(false);
    let report = library.index(&[sandbox.docs()], folio_engine::IndexOptions::default(), &|_| {}).await.expect("index");
    assert!(report.indexed >= 1, "{report:?}");
    assert!(!library.search("quokka Rottnest", &options).await.expect("search").is_empty());
    assert!(library.check().await.expect("check").is_consistent());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_while_vectors_are_pending_leaves_the_stores_consistent() {
    let sandbox = Sandbox::with_corpus();
    let (library, embedder, job) = indexing_held_at_embedding(&sandbox).await;
    assert!(!keyword_hits_eventually(&library, "quokka Rottnest").await.is_empty());

    // Stop the job where it waits for the vectors and close the library, as a crash would.
    job.abort();
    assert!(job.await.expect_err("aborted").is_cancelled());
    // The aborted job is no longer this process's: it would block moving the library and be skipped
    // as running elsewhere.
    assert!(!library.is_indexing());
    assert!(!library.unfinished_jobs().expect("jobs").is_empty(), "the job is left to finish");
    drop(library);
    embedder.open(false);

    // Aborting the job does not stop the embedding thread it started: that thread still holds the
    // full-text writer's lock until the gate lets it finish. A crashed process holds nothing; wait for
    // the thread as the next process would wait for the dead one's lock to go.
    let mut reopened = sandbox.try_open_fake(None).await;
    for _ in 0..300 {
        match reopened {
            Err(folio_engine::EngineError::Busy(_)) => {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                reopened = sandbox.try_open_fake(None).await;
            }
            _ => break,
        }
    }
    let library = reopened.expect("the library opens once the aborted job's thread is done");
    assert!(library.check().await.expect("check").is_consistent(), "recovery took the pending batch out");
    let docs = library.documents().expect("documents");
    assert!(docs.iter().all(|d| d.status != folio_engine::Status::Indexing));
    let options = SearchOptions { mode: SearchMode::Bm25, ..SearchOptions::default() };
    assert!(library.search("quokka Rottnest", &options).await.expect("search").is_empty());

    let report = index(&library, sandbox.docs()).await;
    assert!(report.indexed >= 1, "{report:?}");
    assert!(!library.search("quokka Rottnest", &options).await.expect("search").is_empty());
    assert!(library.check().await.expect("check").is_consistent());
    let counts = library.counts().await.expect("counts");
    assert_eq!((counts.text_chunks, counts.vector_chunks), (counts.catalog_chunks, counts.catalog_chunks));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_added_on_its_own_is_opened_watched_and_filtered_like_a_folder() {
    let sandbox = Sandbox::with_corpus();
    let library = sandbox.open_fake(None).await;
    // One file of another folder, added on its own; the rest of that folder stays out.
    let elsewhere = sandbox.dir.path().join("desktop");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    let single = elsewhere.join("wombat.md");
    std::fs::write(&single, "# Wombats\n\nThe wombat survey counted nine burrows.\n").expect("write");
    std::fs::write(elsewhere.join("other.md"), "# Other\n\nThe wombat quibblewort is not in the library.\n")
        .expect("write");
    index(&library, single.clone()).await;
    index(&library, sandbox.docs()).await;
    let id = library.documents().expect("docs").into_iter().find(|d| d.path.ends_with("wombat.md")).expect("doc").id;

    // Opened: the file is its own folder.
    assert_eq!(library.library_file(&single).expect("openable"), single.canonicalize().expect("canonical"));
    assert_eq!(library.document_file(id).expect("by id"), single.canonicalize().expect("canonical"));
    assert!(library.library_file(&elsewhere.join("other.md")).is_err(), "its neighbours were not added");

    // Filtered: a filter naming the file finds it, and only it.
    let mut only = SearchOptions { mode: SearchMode::Bm25, ..SearchOptions::default() };
    only.filter.folders = vec![single.display().to_string()];
    let hits = library.search("wombat", &only).await.expect("search");
    assert!(!hits.is_empty() && hits.iter().all(|h| h.passage.path.ends_with("wombat.md")), "{hits:?}");

    // Watched: an editor saving it (a new file renamed over the old one) is indexed.
    let mut watch = library.watch_library(folio_engine::IndexOptions::default()).expect("watch");
    let mut found = false;
    for attempt in 0..20 {
        let tmp = elsewhere.join(".wombat.md.swp");
        std::fs::write(&tmp, format!("# Wombats\n\nThe wombat survey counted {attempt} numbats too.\n"))
            .expect("write");
        std::fs::rename(&tmp, &single).expect("save");
        if let Ok(Some(folio_engine::WatchEvent::Synced(r))) =
            tokio::time::timeout(std::time::Duration::from_secs(3), watch.events.recv()).await
        {
            if r.indexed > 0 {
                found = true;
                break;
            }
        }
    }
    assert!(found, "a change to the file added on its own was indexed");
    let bm25 = SearchOptions { mode: SearchMode::Bm25, ..SearchOptions::default() };
    let hits = library.search("numbats", &bm25).await.expect("search");
    assert!(hits[0].passage.path.ends_with("wombat.md"));
    assert!(library.search("quibblewort", &bm25).await.expect("search").is_empty(), "the neighbour stays out");
    assert!(library.check().await.expect("check").is_consistent());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn french_text_is_found_by_other_forms_of_its_words() {
    let sandbox = Sandbox::with_corpus();
    let library = sandbox.open_fake(None).await;
    let notes = sandbox.docs().join("ferme/notes.md");
    std::fs::create_dir_all(notes.parent().expect("parent")).expect("mkdir");
    std::fs::write(
        &notes,
        "# La ferme\n\nLes chevaux mangeaient le foin de l'été dans la grange, et les réparations du toit \
         sont prévues pour l'automne.\n",
    )
    .expect("write");
    std::fs::write(sandbox.docs().join("ferme/english.md"), "# Barn\n\nThe horses ate the hay in the barn.\n")
        .expect("write");
    index(&library, sandbox.docs()).await;
    let bm25 = SearchOptions { mode: SearchMode::Bm25, ..SearchOptions::default() };
    // Singular for plural, infinitive for imperfect, accents or none: French stemming and folding.
    for query in ["Que mange le cheval ?", "Quand faut-il réparer le toit ?", "ete grange foin"] {
        let hits = library.search(query, &bm25).await.expect("search");
        assert!(hits.first().is_some_and(|h| h.passage.path.ends_with("ferme/notes.md")), "{query}: {hits:?}");
    }
    // English text is still stemmed as English (searched without the dictionary's translations, which
    // find the French note as well: "horse", "eat", "hay" are "cheval", "manger", "foin").
    let untranslated = SearchOptions { bm25: Bm25Query { translated: 0.0, ..Bm25Query::default() }, ..bm25.clone() };
    let hits = library.search("horse eating hay", &untranslated).await.expect("search");
    assert!(hits.first().is_some_and(|h| h.passage.path.ends_with("ferme/english.md")), "{hits:?}");
    let hits = library.search("horse eating hay", &bm25).await.expect("search");
    let top: Vec<&str> = hits.iter().take(2).map(|h| h.passage.path.as_str()).collect();
    assert!(
        top.iter().any(|p| p.ends_with("ferme/english.md")) && top.iter().any(|p| p.ends_with("ferme/notes.md")),
        "{hits:?}"
    );
}

/// With FreeDict's French-English dictionaries (set-up installs them), a question's words are also
/// searched translated: a French question finds an English note by BM25 alone, and the reverse; with
/// the translation's weight at 0, neither is found.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_finds_a_note_in_the_other_language_through_the_dictionary() {
    assert!(folio_store::Lexicon::system().is_some(), "FreeDict's dictionaries: scripts/setup.sh installs them");
    let sandbox = Sandbox::with_corpus();
    let library = sandbox.open_fake(None).await;
    let dir = sandbox.docs().join("bilingue");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("seed-order.txt"),
        "Order confirmation from the nursery. Your seeds were dispatched today; postage was paid by card.\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("voyage.md"),
        "# Voyage\n\nLe billet d'avion pour Lisbonne est réservé ; l'appareil atterrit à midi.\n",
    )
    .expect("write");
    index(&library, sandbox.docs()).await;
    let bm25 = SearchOptions { mode: SearchMode::Bm25, ..SearchOptions::default() };
    let untranslated = SearchOptions { bm25: Bm25Query { translated: 0.0, ..Bm25Query::default() }, ..bm25.clone() };
    for (query, expected) in [
        ("Quand la commande de graines est-elle partie ?", "bilingue/seed-order.txt"),
        ("Which plane ticket lands at noon?", "bilingue/voyage.md"),
    ] {
        let hits = library.search(query, &bm25).await.expect("search");
        assert!(hits.first().is_some_and(|h| h.passage.path.ends_with(expected)), "{query}: {hits:?}");
        let hits = library.search(query, &untranslated).await.expect("search");
        assert!(!hits.iter().any(|h| h.passage.path.ends_with(expected)), "{query} without translation: {hits:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_language_is_stemmed_as_itself_and_numbers_match_in_either_form() {
    let sandbox = Sandbox::with_corpus();
    let library = sandbox.open_fake(None).await;
    let dir = sandbox.docs().join("langues");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let notes = [
        (
            "de.md",
            "Die Kinder spielten gestern im Garten, während die Nachbarn ihre Fahrräder reparierten und \
                   die Blumen gossen. Der Gärtner kommt nächste Woche wieder.",
        ),
        (
            "es.md",
            "Los niños jugaban en el jardín mientras los vecinos reparaban sus bicicletas y regaban las \
                   flores. El jardinero volverá la próxima semana.",
        ),
        (
            "it.md",
            "I bambini giocavano nel giardino mentre i vicini riparavano le loro biciclette e \
                   innaffiavano i fiori. Il giardiniere tornerà la settimana prossima dell'anno.",
        ),
        (
            "nl.md",
            "De kinderen speelden in de tuin terwijl de buren hun fietsen repareerden en de bloemen \
                   water gaven. De tuinman komt volgende week terug.",
        ),
        (
            "pt.md",
            "As crianças brincavam no jardim enquanto os vizinhos consertavam as suas bicicletas e \
                   regavam as flores. O jardineiro voltará na próxima semana.",
        ),
        (
            "fr.md",
            "L'expert de l'assurance passera le mardi 9 décembre ; la franchise s'élève à 1 234,56 € \
                   et le sinistre date du 18/11/2024.",
        ),
    ];
    for (name, text) in notes {
        std::fs::write(dir.join(name), format!("# Note\n\n{text}\n")).expect("write");
    }
    index(&library, sandbox.docs()).await;
    let bm25 = SearchOptions { mode: SearchMode::Bm25, ..SearchOptions::default() };
    // Other forms of each language's words (singular for plural, another tense); the elided article
    // of `l'expert` is no word of its own; a French amount written the English way.
    for (query, file) in [
        ("Fahrrad reparieren", "de.md"),
        ("reparar bicicleta", "es.md"),
        ("riparare bicicletta", "it.md"),
        ("bloem tuinen", "nl.md"),
        ("consertar bicicleta", "pt.md"),
        ("expert", "fr.md"),
        ("1,234.56", "fr.md"),
        ("18 11 2024", "fr.md"),
    ] {
        let hits = library.search(query, &bm25).await.expect("search");
        assert!(hits.first().is_some_and(|h| h.passage.path.ends_with(file)), "{query}: {hits:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn indexing_as_events_starts_with_its_job_and_ends_with_its_report_or_failure() {
    use folio_engine::{IndexEvent, IndexOptions};
    let sandbox = Sandbox::with_corpus();
    let library = sandbox.open_fake(None).await;
    let mut events = library.index_events(vec![sandbox.docs()], IndexOptions::default());
    let mut seen = Vec::new();
    while let Some(event) = events.recv().await {
        seen.push(event);
    }
    let Some(IndexEvent::Started { job }) = seen.first().cloned() else { panic!("first: {:?}", seen.first()) };
    assert!(seen.iter().any(|e| matches!(e, IndexEvent::Progress(p) if p.job == job)), "progress of the job");
    match seen.last() {
        Some(IndexEvent::Finished(report)) => assert!(report.job == job && report.indexed > 20, "{report:?}"),
        other => panic!("the stream ends with the report: {other:?}"),
    }
    assert_eq!(seen.iter().filter(|e| matches!(e, IndexEvent::Finished(_) | IndexEvent::Failed { .. })).count(), 1);
    assert_eq!(library.jobs().expect("jobs")[0].state, folio_engine::JobState::Done);

    // A folder that is not there: no job, and the failure says why.
    let mut events = library.index_events(vec![sandbox.dir.path().join("missing")], IndexOptions::default());
    match events.recv().await {
        Some(IndexEvent::Failed { job: None, failure }) => assert_eq!(failure.code, "io", "{failure:?}"),
        other => panic!("{other:?}"),
    }
    assert!(events.recv().await.is_none());
}
