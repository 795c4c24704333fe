//! The library the app works on: opened on first use, and moved to another place while the app runs.
//!
//! Commands take the library from the slot for as long as they need it. A move takes the slot's write
//! lock, so commands that arrive meanwhile wait and then get the library at its new place; it goes ahead
//! only once every earlier holder has let go, so the stores are closed when their files move.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use folio_engine::{Destination, EngineError, Library, LibraryConfig};

/// The app's library.
pub struct LibrarySlot {
    open: tokio::sync::RwLock<Option<Arc<Library>>>,
    config: std::sync::Mutex<LibraryConfig>,
}

/// Where a library went ([`LibrarySlot::relocate`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relocation {
    /// The library's directory now.
    pub dir: PathBuf,
    /// Whether the library moved there (`false`: the library already there was opened).
    pub moved: bool,
    /// An old copy left behind by a move across file systems, for the caller to delete.
    pub old_copy: Option<PathBuf>,
}

impl LibrarySlot {
    /// A slot for the library `config` describes; nothing is opened yet.
    pub fn new(config: LibraryConfig) -> Self {
        LibrarySlot { open: tokio::sync::RwLock::new(None), config: std::sync::Mutex::new(config) }
    }

    /// The library's configuration (its directory changes when it moves).
    pub fn config(&self) -> LibraryConfig {
        self.config.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// The open library, opening it on first use.
    pub async fn get(&self) -> Result<Arc<Library>, EngineError> {
        if let Some(library) = self.open.read().await.as_ref() {
            return Ok(Arc::clone(library));
        }
        let mut slot = self.open.write().await;
        if let Some(library) = slot.as_ref() {
            return Ok(Arc::clone(library));
        }
        let library = Arc::new(Library::open(self.config()).await?);
        *slot = Some(Arc::clone(&library));
        Ok(library)
    }

    /// Makes `to` the library's home: an empty or missing folder receives the library (index, chats and
    /// all), a folder holding a Folio library is opened instead, and any other folder is refused.
    ///
    /// Refused while this process indexes. Otherwise it waits up to `wait` for other holders of the
    /// library (a watch, an answer) to let go; the caller stops them first.
    pub async fn relocate(&self, to: &Path, wait: Duration) -> Result<Relocation, EngineError> {
        // A folder with other files is refused before anything is closed.
        let destination = folio_engine::library_destination(to)?;
        let mut slot = self.open.write().await;
        let current = match slot.take() {
            Some(library) => library,
            None => Arc::new(Library::open(self.config()).await?),
        };
        if current.is_indexing() {
            *slot = Some(current);
            return Err(EngineError::Refused(
                "the library is being indexed; wait for the job to finish, or pause or cancel it, then choose \
                 the new place again"
                    .into(),
            ));
        }
        let library = match sole_owner(current, wait).await {
            Ok(library) => library,
            Err(current) => {
                *slot = Some(current);
                return Err(EngineError::Busy(
                    "the library is still in use (an answer or a job is finishing); try again in a moment".into(),
                ));
            }
        };
        // On an error the library is closed at its old place; the next `get` opens it there again.
        let relocated = library.relocate(to).await?;
        let dir = relocated.library.config().dir.clone();
        self.config.lock().unwrap_or_else(std::sync::PoisonError::into_inner).dir = dir.clone();
        *slot = Some(Arc::new(relocated.library));
        Ok(Relocation { dir, moved: destination == Destination::Vacant, old_copy: relocated.old_copy })
    }
}

/// `library` unwrapped once no one else holds it, or back if that takes longer than `wait`.
async fn sole_owner(mut library: Arc<Library>, wait: Duration) -> Result<Library, Arc<Library>> {
    let start = Instant::now();
    loop {
        match Arc::try_unwrap(library) {
            Ok(library) => return Ok(library),
            Err(shared) if start.elapsed() >= wait => return Err(shared),
            Err(shared) => library = shared,
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use folio_engine::{IndexOptions, ModelPaths, SearchOptions};

    /// A slot on a library in `dir` with the real models (set-up installs them), holding two indexed notes.
    async fn indexed_slot(tmp: &Path) -> LibrarySlot {
        let docs = tmp.join("docs");
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::write(docs.join("heron.txt"), "The grey heron nests in the reed beds of Lake Orvan.\n").unwrap();
        std::fs::write(docs.join("tide.md"), "# Tides\n\nSpring tides at Calder Bay reach four metres.\n").unwrap();
        let mut config = LibraryConfig::new(tmp.join("a"));
        config.models = ModelPaths::new(ModelPaths::default_root());
        config.threads = 2;
        // This test binary is no worker: the `folio` CLI built beside it is (the test command builds it).
        let exe = std::env::current_exe().unwrap();
        let bin = exe.parent().and_then(|d| d.parent()).unwrap().join("folio");
        config.extract_worker =
            folio_engine::WorkerCommand { program: bin, args: vec![folio_engine::WORKER_ARG.into()] };
        let slot = LibrarySlot::new(config);
        let library = slot.get().await.unwrap();
        library.index(&[docs], IndexOptions::default(), &|_| {}).await.unwrap();
        slot
    }

    async fn finds(slot: &LibrarySlot, query: &str, file: &str) -> bool {
        let hits = slot.get().await.unwrap().search(query, &SearchOptions::default()).await.unwrap();
        hits.first().is_some_and(|h| h.passage.path.ends_with(file))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_library_moves_with_its_index_once_its_users_let_go() {
        let tmp = tempfile::tempdir().unwrap();
        let slot = indexed_slot(tmp.path()).await;
        let before = slot.get().await.unwrap().counts().await.unwrap();

        // A holder (like an answer finishing) lets go a moment after the move is asked for.
        let holder = slot.get().await.unwrap();
        let release = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            drop(holder);
        });
        let to = tmp.path().join("elsewhere/lib");
        let moved = slot.relocate(&to, Duration::from_secs(10)).await.unwrap();
        release.await.unwrap();
        assert_eq!(moved, Relocation { dir: to.clone(), moved: true, old_copy: None });
        assert!(!tmp.path().join("a").exists(), "a move on one file system leaves no old copy");
        assert_eq!(slot.config().dir, to);

        let library = slot.get().await.unwrap();
        assert_eq!(library.config().dir, to);
        assert_eq!(library.counts().await.unwrap(), before);
        assert!(library.check().await.unwrap().is_consistent());
        drop(library);
        assert!(finds(&slot, "where does the heron nest", "heron.txt").await);
        assert!(finds(&slot, "how high are spring tides", "tide.md").await);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_folder_with_other_files_or_a_holder_that_stays_is_refused_and_the_library_keeps_working() {
        let tmp = tempfile::tempdir().unwrap();
        let slot = indexed_slot(tmp.path()).await;
        let occupied = tmp.path().join("photos");
        std::fs::create_dir_all(&occupied).unwrap();
        std::fs::write(occupied.join("cat.jpg"), b"meow").unwrap();
        let err = slot.relocate(&occupied, Duration::from_secs(1)).await.unwrap_err();
        assert!(matches!(&err, EngineError::Refused(m) if m.contains("not empty")), "{err}");
        assert_eq!(std::fs::read_dir(&occupied).unwrap().count(), 1);

        let holder = slot.get().await.unwrap();
        let err = slot.relocate(&tmp.path().join("b"), Duration::from_millis(200)).await.unwrap_err();
        assert!(err.to_string().contains("still in use"), "{err}");
        drop(holder);
        assert_eq!(slot.config().dir, tmp.path().join("a"));
        assert!(!tmp.path().join("b").exists());
        assert!(finds(&slot, "where does the heron nest", "heron.txt").await);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn choosing_a_folder_that_holds_a_library_opens_it_and_leaves_the_old_one() {
        let tmp = tempfile::tempdir().unwrap();
        let other = indexed_slot(&tmp.path().join("other")).await;
        let other_dir = other.config().dir;
        drop(other);
        let slot = indexed_slot(tmp.path()).await;
        std::fs::remove_dir_all(tmp.path().join("docs")).unwrap();
        let switched = slot.relocate(&other_dir, Duration::from_secs(5)).await.unwrap();
        assert_eq!(switched, Relocation { dir: other_dir.clone(), moved: false, old_copy: None });
        assert!(tmp.path().join("a/catalog.sqlite3").is_file(), "the old library stays where it was");
        assert!(finds(&slot, "where does the heron nest", "heron.txt").await);
        let folders = slot.get().await.unwrap().folders().unwrap();
        assert_eq!(folders.len(), 1);
        assert!(folders[0].path.starts_with(&tmp.path().join("other").to_string_lossy().into_owned()));
    }
}
