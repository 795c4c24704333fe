//! Shared set-up: model paths, fixture corpora and libraries in temporary directories.

use std::path::PathBuf;
use std::sync::Arc;

use folio_engine::{IndexOptions, IndexReport, Library, LibraryConfig, ModelPaths};

/// The models directory the tests use; set-up (`scripts/models.sh`) must have filled it.
pub fn models() -> ModelPaths {
    let paths = ModelPaths::new(ModelPaths::default_root());
    assert!(
        paths.embedder_dir().join("model.onnx").is_file() && paths.bundled_chat_model().is_file(),
        "model files are missing under {}: run `bash scripts/models.sh` (the test command does this)",
        paths.root.display()
    );
    paths
}

/// The extraction worker the tests' libraries use: the `folio` CLI (this test binary is none).
pub fn worker() -> folio_engine::WorkerCommand {
    folio_engine::WorkerCommand { program: crate::cli::folio_bin(), args: vec![folio_engine::WORKER_ARG.into()] }
}

/// A temporary directory holding a fixture corpus (`docs/`) and a library (`library/`).
pub struct Sandbox {
    /// Keeps the directory alive.
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    /// A new sandbox with the fixture corpus written.
    pub fn with_corpus() -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        folio_tests::write_corpus(&dir.path().join("docs")).expect("write corpus");
        Sandbox { dir }
    }

    /// The corpus folder.
    pub fn docs(&self) -> PathBuf {
        self.dir.path().join("docs")
    }

    /// The library folder.
    pub fn library_dir(&self) -> PathBuf {
        self.dir.path().join("library")
    }

    /// The library configuration with the real models.
    pub fn config(&self) -> LibraryConfig {
        {
            let models = models();
            // The bundled model, even on a machine that has downloaded Llama.
            let chat_model = Some(models.bundled_chat_model());
            LibraryConfig {
                dir: self.library_dir(),
                models,
                chat_model,
                threads: 2,
                extract_worker: worker(),
                extract_limits: Default::default(),
                must_exist: false,
            }
        }
    }

    /// Opens the library on the real stores with the hashing embedder and, if given, a scripted model:
    /// no model files needed, fast and deterministic.
    pub async fn open_fake(&self, generator: Option<Arc<dyn folio_models::Generator>>) -> Arc<Library> {
        Arc::new(self.try_open_fake(generator).await.expect("open library"))
    }

    /// [`Sandbox::open_fake`], returning the error.
    pub async fn try_open_fake(
        &self,
        generator: Option<Arc<dyn folio_models::Generator>>,
    ) -> Result<Library, folio_engine::EngineError> {
        let config = LibraryConfig {
            dir: self.library_dir(),
            models: ModelPaths::new("/nonexistent"),
            chat_model: None,
            threads: 1,
            extract_worker: worker(),
            extract_limits: Default::default(),
            must_exist: false,
        };
        let embedder = Arc::new(folio_models::HashEmbedder::new(64));
        Library::open_with(config, embedder, generator).await
    }

    /// Opens the library with the real embedder.
    pub async fn open(&self) -> Arc<Library> {
        Arc::new(Library::open(self.config()).await.expect("open library"))
    }
}

/// Indexes `folder` with default options and no progress output.
pub async fn index(library: &Library, folder: PathBuf) -> IndexReport {
    library.index(&[folder], IndexOptions::default(), &|_| {}).await.expect("index")
}
