//! [`Library`]: one open library (the stores, the embedder, the chat model loaded on first use) and
//! what concerns it as a whole: opening, counts and checks, folders, the files it may open, moving it.
//! Indexing, search, asking and watching add their methods in their own modules.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use folio_core::{CheckReport, Counts, Destination, DocumentRecord, Folder, FolderId, Passage, Status};
use folio_models::{EmbedderModel, FastEmbedder, MistralGenerator};
use folio_store::{Moved, Store};

use crate::{
    index, key_path, vector_index, Embedder, EngineError, ExtractLimits, Generator, ModelPaths, WorkerCommand,
    WORKER_ARG,
};

/// Where a library lives and which models it uses.
#[derive(Debug, Clone)]
pub struct LibraryConfig {
    /// The library's data directory (catalog, indexes).
    pub dir: PathBuf,
    /// The models directory.
    pub models: ModelPaths,
    /// The chat model (a GGUF file); `None` uses the bundled SmolLM2.
    pub chat_model: Option<PathBuf>,
    /// Threads for embedding.
    pub threads: usize,
    /// The program that extracts text from files in a worker process (Folio's own binary with
    /// [`WORKER_ARG`]): the library never parses a file's bytes in its own process.
    pub extract_worker: WorkerCommand,
    /// Limits on each file's extraction.
    pub extract_limits: ExtractLimits,
    /// The user named this place (in the settings): opening it when it holds no library is an error,
    /// not a new, empty library that would hide the real one.
    pub must_exist: bool,
}

impl LibraryConfig {
    /// The default library directory: `$FOLIO_LIBRARY`, else `$XDG_DATA_HOME/folio/library`.
    pub fn default_dir() -> PathBuf {
        Self::env_dir()
            .unwrap_or_else(|| dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("folio").join("library"))
    }

    /// The library directory `$FOLIO_LIBRARY` names, if set; it overrides any other choice.
    pub fn env_dir() -> Option<PathBuf> {
        std::env::var_os("FOLIO_LIBRARY").filter(|v| !v.is_empty()).map(PathBuf::from)
    }

    /// A configuration with default models for the library at `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        LibraryConfig {
            dir: dir.into(),
            models: ModelPaths::new(ModelPaths::default_root()),
            chat_model: None,
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            extract_worker: WorkerCommand::this_program()
                .unwrap_or_else(|_| WorkerCommand { program: PathBuf::from("folio"), args: vec![WORKER_ARG.into()] }),
            extract_limits: ExtractLimits::default(),
            must_exist: false,
        }
    }
}

/// Whether `dir` holds a Folio library (and not a half-copied one).
pub fn is_library(dir: &Path) -> bool {
    matches!(folio_store::destination(dir), Ok(Destination::Library))
}

/// An open library: the stores, the embedder, and the chat model (loaded on first use).
pub struct Library {
    pub(crate) store: Store,
    /// The embedding model of the vectors searched (replaced when a switch of model completes).
    pub(crate) embedder: std::sync::RwLock<Arc<dyn Embedder>>,
    /// The loaded chat model and the file it came from.
    pub(crate) generator: tokio::sync::Mutex<Option<(PathBuf, Arc<dyn Generator>)>>,
    /// The chat model file chosen by the user; `None` uses [`ModelPaths::default_chat_model`].
    pub(crate) chat_model: std::sync::Mutex<Option<PathBuf>>,
    pub(crate) config: LibraryConfig,
    /// One indexing job at a time (a manual run and a watch may both want to index).
    pub(crate) indexing: tokio::sync::Mutex<()>,
    /// One switch of embedding model at a time.
    pub(crate) switching: tokio::sync::Mutex<()>,
    /// The job this process is running (0 when none).
    pub(crate) running_job: std::sync::atomic::AtomicI64,
    /// Held by whoever compacts the vector table or builds its index.
    pub(crate) maintenance: Arc<tokio::sync::Mutex<()>>,
    /// The background work that builds or refreshes the vector index.
    pub(crate) index_work: Arc<std::sync::Mutex<vector_index::IndexWork>>,
    /// Bumped when a folder is added or removed, for watches that follow the folders.
    pub(crate) folders_changed: tokio::sync::watch::Sender<u64>,
    /// The extraction workers (started when the first file is read).
    pub(crate) workers: Arc<folio_extract::worker::Workers>,
}

impl Library {
    /// Opens (creating if needed) the library with the real embedding model that made its vectors
    /// (the bundled one for a new library).
    pub async fn open(config: LibraryConfig) -> Result<Library, EngineError> {
        let id = folio_store::library_embedder(&config.dir)?.unwrap_or_else(|| folio_store::BUNDLED_EMBEDDER.into());
        let model = EmbedderModel::by_id(&id).ok_or_else(|| {
            EngineError::Incompatible(format!(
                "the library's vectors were made by an embedding model this Folio does not know ({id})"
            ))
        })?;
        let embedder = load_embedder(&config, model).await?;
        Self::open_with(config, embedder, None).await
    }

    /// Opens the library with the given embedder and, optionally, an already loaded generator.
    pub async fn open_with(
        config: LibraryConfig,
        embedder: Arc<dyn Embedder>,
        generator: Option<Arc<dyn Generator>>,
    ) -> Result<Library, EngineError> {
        if config.must_exist && !is_library(&config.dir) {
            return Err(EngineError::NotFound(format!(
                "the library folder {} that the settings name holds no Folio library (moved, deleted, or a \
                 disk not mounted?); mount it, or choose another folder in Settings",
                config.dir.display()
            )));
        }
        let store = Store::open(&config.dir, embedder.dim()).await?;
        let active = store.embedding_status()?.active;
        if active != embedder.model().id {
            return Err(EngineError::Incompatible(format!(
                "the library's vectors were made by {active}, not by {}",
                embedder.model().id
            )));
        }
        let chat_model = config.chat_model.clone();
        let wanted = chat_model.clone().unwrap_or_else(|| config.models.default_chat_model());
        Ok(Self::assemble(store, embedder, generator.map(|g| (wanted, g)), chat_model, config))
    }

    /// A library whose stores are held in memory, with the given models: the same engine over the same
    /// protocol, for fast tests of indexing texts, searching and asking with no disk. `config.dir` is
    /// only a name here (nothing is written there); the library is gone when dropped.
    pub async fn in_memory(
        config: LibraryConfig,
        embedder: Arc<dyn Embedder>,
        generator: Option<Arc<dyn Generator>>,
    ) -> Result<Library, EngineError> {
        let store = Store::in_memory(embedder.dim()).await?;
        let chat_model = config.chat_model.clone();
        let wanted = chat_model.clone().unwrap_or_else(|| config.models.default_chat_model());
        Ok(Self::assemble(store, embedder, generator.map(|g| (wanted, g)), chat_model, config))
    }

    /// A library over open stores, with no job or background work running.
    fn assemble(
        store: Store,
        embedder: Arc<dyn Embedder>,
        generator: Option<(PathBuf, Arc<dyn Generator>)>,
        chat_model: Option<PathBuf>,
        config: LibraryConfig,
    ) -> Library {
        let workers =
            Arc::new(folio_extract::worker::Workers::new(config.extract_worker.clone(), config.extract_limits));
        Library {
            workers,
            store,
            embedder: std::sync::RwLock::new(embedder),
            generator: tokio::sync::Mutex::new(generator),
            chat_model: std::sync::Mutex::new(chat_model),
            config,
            indexing: tokio::sync::Mutex::new(()),
            switching: tokio::sync::Mutex::new(()),
            running_job: 0.into(),
            maintenance: Arc::default(),
            index_work: Arc::default(),
            folders_changed: tokio::sync::watch::channel(0).0,
        }
    }

    /// The library's configuration.
    pub fn config(&self) -> &LibraryConfig {
        &self.config
    }

    /// The chat model file that answers: the one chosen, else Llama 3.1 when downloaded, else the bundled
    /// SmolLM2.
    pub fn chat_model_path(&self) -> PathBuf {
        let chosen = self.chat_model.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        chosen.unwrap_or_else(|| self.config.models.default_chat_model())
    }

    /// Chooses the chat model file (`None`: the default). It is loaded by the next question; answers
    /// being written finish with the model they started with.
    pub fn set_chat_model(&self, path: Option<PathBuf>) -> Result<(), EngineError> {
        if let Some(p) = &path {
            // Only a GGUF model is saved as the choice, whoever asks (the page, a typed path).
            folio_models::check_gguf(p).map_err(|e| EngineError::InvalidInput(e.to_string()))?;
        }
        *self.chat_model.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = path;
        Ok(())
    }

    /// The chat model, loading it on first use or after the choice changed.
    pub async fn generator(&self) -> Result<Arc<dyn Generator>, EngineError> {
        let path = self.chat_model_path();
        let mut slot = self.generator.lock().await;
        if let Some((loaded, g)) = slot.as_ref() {
            if *loaded == path {
                return Ok(Arc::clone(g));
            }
        }
        // Free the old model before loading the new one: two 8B models may not fit in memory.
        *slot = None;
        let g: Arc<dyn Generator> = Arc::new(MistralGenerator::load(&path, &self.config.models).await?);
        *slot = Some((path, Arc::clone(&g)));
        Ok(g)
    }

    /// The embedding model's name.
    pub fn embedder_name(&self) -> String {
        self.embedder().name().to_string()
    }

    /// The embedding model of the vectors searched.
    pub(crate) fn embedder(&self) -> Arc<dyn Embedder> {
        Arc::clone(&self.embedder.read().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// Row counts of the catalog, the full-text index and the vector table.
    pub async fn counts(&self) -> Result<Counts, EngineError> {
        Ok(self.store.counts().await?)
    }

    /// Verifies that the three stores agree chunk by chunk.
    pub async fn check(&self) -> Result<CheckReport, EngineError> {
        Ok(self.store.check().await?)
    }

    /// Makes the full-text index and the vector table hold exactly the chunks of indexed documents:
    /// interrupted documents are purged and queued, orphans and duplicates deleted, missing entries
    /// re-added (missing vectors are re-embedded), by the store's protocol. Returns the report of what
    /// was wrong before.
    pub async fn repair(&self) -> Result<CheckReport, EngineError> {
        let embedder = &self.embedder();
        let report = self
            .store
            .repair(|chunks| {
                let embedder = Arc::clone(embedder);
                async move {
                    let texts: Vec<String> =
                        chunks.iter().map(|(title, text)| index::embedding_text(title, text)).collect();
                    tokio::task::spawn_blocking(move || embedder.embed(&texts))
                        .await
                        .map_err(|e| e.to_string())?
                        .map_err(|e| e.to_string())
                }
            })
            .await?;
        Ok(report)
    }

    /// The library's folders (collections) as (id, path).
    pub fn folders(&self) -> Result<Vec<Folder>, EngineError> {
        Ok(self.store.folders().folders()?)
    }

    /// Removes a folder from the library: its documents leave all three stores, then the folder.
    /// Files on disk are not touched.
    pub async fn remove_folder(&self, path: &Path) -> Result<u64, EngineError> {
        let wanted =
            absolute(path).map_or_else(|_| path.to_string_lossy().into_owned(), |p| p.to_string_lossy().into_owned());
        let folders = self.store.folders().folders()?;
        let folder = folders
            .into_iter()
            .find(|f| f.path == wanted)
            .ok_or_else(|| EngineError::NotFound(format!("{wanted} is not a folder of the library")))?;
        self.remove_folder_id(folder.id).await
    }

    /// [`Library::remove_folder`] by the folder's id (as [`Library::folders`] gives it).
    pub async fn remove_folder_id(&self, id: FolderId) -> Result<u64, EngineError> {
        let _one_at_a_time = self.indexing.lock().await;
        if !self.store.folders().folders()?.iter().any(|f| f.id == id) {
            return Err(EngineError::NotFound(format!("there is no folder {} in the library", id.0)));
        }
        let docs: Vec<folio_core::DocumentId> =
            self.store.documents().documents_in_folder(id)?.into_iter().map(|d| d.id).collect();
        self.store.remove(&docs).await?;
        self.store.folders().delete_folder(id)?;
        self.folders_changed.send_modify(|v| *v += 1);
        Ok(docs.len() as u64)
    }

    /// `path` resolved (symlinks and `..` included) if it lies inside one of the library's folders;
    /// anything else is refused, so commands that read or open files cannot be pointed elsewhere.
    pub fn library_file(&self, path: &Path) -> Result<PathBuf, EngineError> {
        // A catalog key of a name that is not UTF-8 stands for its bytes.
        let path = &path.to_str().map_or_else(|| path.to_path_buf(), key_path);
        let resolved = absolute(path)?;
        let folders = self.store.folders().folders()?;
        let inside = folders.iter().any(|f| {
            let folder = std::fs::canonicalize(&f.path).unwrap_or_else(|_| PathBuf::from(&f.path));
            // A file added on its own is its own "folder".
            resolved.starts_with(&folder) && (resolved != folder || folder.is_file())
        });
        if !inside || !resolved.is_file() {
            return Err(EngineError::Refused(format!("{} is not a file of the library", path.display())));
        }
        Ok(resolved)
    }

    /// The file of indexed document `id`, resolved as [`Library::library_file`] does: what "open the
    /// file" may open. A document that is not indexed (skipped, failed, queued) or no longer a regular
    /// file inside its folder is refused, so no id leads to a file Folio did not read itself.
    pub fn document_file(&self, id: folio_core::DocumentId) -> Result<PathBuf, EngineError> {
        let doc = self.store.documents().document(id)?;
        match doc {
            Some(d) if d.status == Status::Indexed => self.library_file(Path::new(&d.path)),
            Some(d) => Err(EngineError::Refused(format!("{} is {}, not indexed", d.path, d.status.as_str()))),
            None => Err(EngineError::NotFound(format!("there is no document {} in the library", id.0))),
        }
    }

    /// A passage with up to `radius` neighbouring passages of the same document on each side, in
    /// document order, for previewing a citation in context.
    pub fn passage_context(&self, chunk: folio_core::ChunkId, radius: u32) -> Result<Vec<Passage>, EngineError> {
        let ids = self.store.documents().chunk_neighbourhood(chunk, radius)?;
        if !ids.contains(&chunk) {
            return Err(EngineError::NotFound(format!("there is no passage {}", chunk.0)));
        }
        Ok(self.store.documents().passages(&ids)?)
    }

    /// Every passage of indexed document `id`, in document order, once the document is known to be an
    /// indexed file inside the library's folders ([`Library::document_file`]).
    pub fn document_passages(&self, id: folio_core::DocumentId) -> Result<Vec<Passage>, EngineError> {
        self.document_file(id)?;
        Ok(self.store.documents().document_passages(id)?)
    }

    /// Every document with its status and reason.
    pub fn documents(&self) -> Result<Vec<DocumentRecord>, EngineError> {
        Ok(self.store.documents().documents()?)
    }

    /// Whether this process is running an indexing job in the library.
    pub fn is_indexing(&self) -> bool {
        self.running_job.load(std::sync::atomic::Ordering::SeqCst) != 0
    }

    /// Makes `to` the library's home. The stores are closed first. A vacant `to` (missing or empty)
    /// receives this library: renamed, or copied across file systems, in which case the old copy is left
    /// for [`remove_old_library`]. A `to` that holds a library is opened instead, and this one stays where
    /// it is. Any other `to` is refused. The embedding and chat models stay loaded.
    ///
    /// On an error the library is closed and unchanged at its old place: open it again there.
    pub async fn relocate(self, to: &Path) -> Result<Relocated, EngineError> {
        // `to` may not exist yet: then it is made absolute without resolving links.
        let to = if to.exists() {
            absolute(to)?
        } else {
            std::path::absolute(to).map_err(|source| EngineError::Io { path: to.to_path_buf(), source })?
        };
        let from = absolute(&self.config.dir)?;
        if to == from {
            return Ok(Relocated { library: self, old_copy: None });
        }
        // The background index work holds the vector table open.
        self.stop_vector_index().await;
        let Library { store, embedder, generator, chat_model, mut config, .. } = self;
        // Closing the stores releases the full-text writer's lock, which the move takes for itself.
        drop(store);
        let (renamed, old_copy) = match library_destination(&to)? {
            Destination::Library => (false, None),
            Destination::Vacant => {
                let (from, dest) = (from.clone(), to.clone());
                match tokio::task::spawn_blocking(move || folio_store::move_library(&from, &dest))
                    .await
                    .map_err(|e| EngineError::Internal(e.to_string()))??
                {
                    Moved::Renamed => (true, None),
                    Moved::Copied(old) => (false, Some(old)),
                }
            }
        };
        let embedder = embedder.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        let store = match Store::open(&to, embedder.dim()).await {
            Ok(store) => store,
            Err(e) => {
                // Put a renamed library back, so that it opens where the settings still say it is.
                if renamed {
                    if let Err(back) = std::fs::rename(&to, &from) {
                        tracing::error!("the library is at {}; it could not be moved back: {back}", to.display());
                    }
                }
                return Err(e.into());
            }
        };
        config.dir = to;
        let chat_model = chat_model.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        let library = Self::assemble(store, embedder, generator.into_inner(), chat_model, config);
        Ok(Relocated { library, old_copy })
    }
}

/// A library at its new place ([`Library::relocate`]).
pub struct Relocated {
    /// The library, open at its new place.
    pub library: Library,
    /// The old copy a move across file systems left, to delete with [`remove_old_library`] once the new
    /// place is recorded.
    pub old_copy: Option<PathBuf>,
}

/// What `dir` offers as a library's home: vacant, or a library to open. A folder with other files is
/// refused with the reason.
pub fn library_destination(dir: &Path) -> Result<Destination, EngineError> {
    Ok(folio_store::destination(dir)?)
}

/// Deletes the old copy of a moved library; refuses any directory that is not a Folio library.
pub fn remove_old_library(dir: &Path) -> Result<(), EngineError> {
    Ok(folio_store::remove_library(dir)?)
}

/// An absolute, normalised form of `path` (symlinks resolved where possible).
pub(crate) fn absolute(path: &Path) -> Result<PathBuf, EngineError> {
    std::fs::canonicalize(path).map_err(|source| EngineError::Io { path: path.to_path_buf(), source })
}

/// Loads the embedding model `model` (on the blocking pool) with the configuration's threads.
pub(crate) async fn load_embedder(
    config: &LibraryConfig,
    model: EmbedderModel,
) -> Result<Arc<dyn Embedder>, EngineError> {
    let models = config.models.clone();
    let threads = config.threads;
    let embedder = tokio::task::spawn_blocking(move || FastEmbedder::load_model(&models, model, threads))
        .await
        .map_err(|e| EngineError::Internal(e.to_string()))??;
    Ok(Arc::new(embedder))
}
