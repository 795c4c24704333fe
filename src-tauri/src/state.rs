//! The app's state: the library slot, the background task, the stop signal of the answer being
//! written, the settings, and the paths the user chose.

use std::path::PathBuf;
use std::sync::Arc;

use folio_app::dto::{ChatModelDto, ErrorDto, SettingsDto};
use folio_app::grants::{Grants, Verdict};
use folio_app::slot::LibrarySlot;
use folio_engine::settings::{Settings, UiLanguage};
use folio_engine::{Library, LibraryConfig};

use crate::background::start_background;
use crate::dialogs::confirm;

/// The app's state: the library (opened on first use, movable), the background task that finishes
/// interrupted jobs and watches the folders, the stop signal of the answer being written, and the
/// user's settings with the file they are kept in.
pub struct AppState {
    pub library: LibrarySlot,
    pub background: std::sync::Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
    pub stop: std::sync::Mutex<Option<Arc<tokio::sync::Notify>>>,
    pub settings: std::sync::Mutex<Settings>,
    pub settings_path: PathBuf,
    /// Paths the user chose (picker, drop, command line, confirmation): see `folio_app::grants`.
    pub grants: Grants,
}

impl AppState {
    pub async fn library(&self) -> Result<Arc<Library>, ErrorDto> {
        Ok(self.library.get().await?)
    }

    /// Starts the background work for the library now open, in place of any before.
    pub fn start_background(&self, app: &tauri::AppHandle) {
        let task = tauri::async_runtime::spawn(start_background(app.clone()));
        if let Some(old) = self.background.lock().unwrap_or_else(std::sync::PoisonError::into_inner).replace(task) {
            old.abort();
        }
    }

    /// Stops the background work and the answer being written, so that they let go of the library.
    pub fn stop_using_library(&self) {
        if let Some(task) = self.background.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take() {
            task.abort();
        }
        self.stop_answer();
    }

    /// Stops the answer being written, if any.
    pub fn stop_answer(&self) {
        if let Some(stop) = self.stop.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take() {
            stop.notify_one();
        }
    }

    /// Whether the page's `path` may be used for `what`: chosen by the user, or confirmed now in a
    /// native dialog that shows it (then granted). `also_granted` adds paths the user chose before.
    pub async fn may_use(
        &self,
        app: &tauri::AppHandle,
        path: &std::path::Path,
        also_granted: bool,
        what: &str,
    ) -> bool {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let granted = also_granted || self.grants.granted(path);
        match folio_app::grants::verdict(path, granted, home.as_deref(), what) {
            Verdict::Granted => true,
            Verdict::Confirm(question) => {
                let yes = confirm(app, question).await;
                if yes {
                    self.grants.grant([path.to_path_buf()]);
                }
                yes
            }
        }
    }

    pub fn settings(&self) -> Settings {
        self.settings.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Applies `change` to the settings and saves them.
    pub fn update_settings(&self, change: impl FnOnce(&mut Settings)) -> Result<SettingsDto, ErrorDto> {
        let mut settings = self.settings.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        change(&mut settings);
        settings.save(&self.settings_path).map_err(|e| ErrorDto {
            code: "io",
            message: format!("cannot save settings to {}: {e}", self.settings_path.display()),
        })?;
        Ok(self.settings_dto(&settings))
    }

    pub fn settings_dto(&self, settings: &Settings) -> SettingsDto {
        let config = self.library.config();
        let models = &config.models;
        let chat = settings.chat_model.clone().unwrap_or_else(|| models.default_chat_model());
        let measured = folio_engine::settings::load_measured_speed(models);
        let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let show = |p: &std::path::Path| p.display().to_string();
        SettingsDto {
            library_dir: show(&config.dir),
            library_dir_from_env: LibraryConfig::env_dir().is_some(),
            models_dir: show(&models.root),
            chat_model: chat.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
            chat_model_path: show(&chat),
            bundled_model_path: show(&models.bundled_chat_model()),
            chat_models: folio_engine::CHAT_MODELS
                .iter()
                .map(|m| ChatModelDto::new(m, models, measured.as_ref()))
                .collect(),
            measured_tokens_per_s: measured.map(|m| m.decode_tokens_per_s),
            index_threads: u32::try_from(settings.index_threads.unwrap_or(cpus)).unwrap_or(u32::MAX),
            max_threads: u32::try_from(cpus).unwrap_or(u32::MAX),
            ui_language: match settings.ui_language {
                None => "system",
                Some(UiLanguage::En) => "en",
                Some(UiLanguage::Fr) => "fr",
            }
            .to_owned(),
        }
    }
}
