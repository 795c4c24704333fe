//! The user's settings, kept in `$XDG_CONFIG_HOME/folio/settings.json` (or `$FOLIO_CONFIG`): the chosen
//! chat model, the indexing threads, the window's language and where the library lives. The app writes them; the CLI reads
//! the library's place from them too, so both use the same library (`--library` and `$FOLIO_LIBRARY`
//! still win).
//!
//! The file is written atomically and synced (a crash or power cut leaves the old file or the new one).
//! A file that cannot be read as settings is not overwritten: it is set aside as
//! `settings.json.corrupt` and reported, and the defaults are used. Moving the library records the
//! destination first (`library_moving_to`), then moves, then records the new place: whenever Folio
//! stops, the next start finds the library where it is.
//!
//! The bundled model's measured speed (`load_measured_speed`) is kept the same way, in the models directory.

use std::path::{Path, PathBuf};

use folio_models::{MeasuredSpeed, ModelPaths};
use serde::{Deserialize, Serialize};

/// What the user chose in the settings panel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The chat model file; `None` uses Llama 3.1 when downloaded, else the bundled SmolLM2.
    #[serde(default)]
    pub chat_model: Option<PathBuf>,
    /// Threads for indexing; `None` uses every CPU thread.
    #[serde(default)]
    pub index_threads: Option<usize>,
    /// The library's directory; `None` uses the default (`$FOLIO_LIBRARY` overrides both).
    #[serde(default)]
    pub library_dir: Option<PathBuf>,
    /// Where a move of the library that has not been confirmed was going.
    #[serde(default)]
    pub library_moving_to: Option<PathBuf>,
    /// The language of the app's window; `None` follows the system's locale.
    #[serde(default)]
    pub ui_language: Option<UiLanguage>,
}

/// A language the app's window is offered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UiLanguage {
    /// English.
    En,
    /// French.
    Fr,
}

/// Why the settings file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// It is not valid settings; it was set aside (at `kept`) and the defaults are used.
    #[error("the settings file {path} could not be read ({why}); it was kept as {kept} and the defaults are used")]
    Corrupt {
        /// The settings file.
        path: PathBuf,
        /// The parser's complaint.
        why: String,
        /// Where the unreadable file now is.
        kept: PathBuf,
    },
    /// It could not be read or written.
    #[error("the settings file {path}: {source}")]
    Io {
        /// The settings file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl Settings {
    /// The settings file: `$FOLIO_CONFIG`, else `$XDG_CONFIG_HOME/folio/settings.json`.
    pub fn default_path() -> PathBuf {
        if let Some(p) = std::env::var_os("FOLIO_CONFIG").filter(|v| !v.is_empty()) {
            return PathBuf::from(p);
        }
        dirs::config_dir().unwrap_or_else(|| PathBuf::from(".")).join("folio").join("settings.json")
    }

    /// Reads the settings at `path`: the defaults when there is no file; an error (with the defaults to
    /// go on with) when it cannot be read, after setting an unreadable file aside so it is not lost.
    pub fn load(path: &Path) -> Result<Settings, (Settings, SettingsError)> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(source) => return Err((Settings::default(), SettingsError::Io { path: path.into(), source })),
        };
        match serde_json::from_slice(&bytes) {
            Ok(s) => Ok(s),
            Err(e) => {
                let kept = path.with_extension("json.corrupt");
                if let Err(source) = std::fs::rename(path, &kept) {
                    return Err((Settings::default(), SettingsError::Io { path: path.into(), source }));
                }
                Err((Settings::default(), SettingsError::Corrupt { path: path.into(), why: e.to_string(), kept }))
            }
        }
    }

    /// Writes the settings to `path` atomically and durably: a temporary file, synced, renamed over
    /// the old one, and the folder synced.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        write_json(path, self)
    }

    /// The library's directory as these settings name it, a move cut short included: the destination
    /// when it holds a library (the move got that far), else the place before the move.
    pub fn library_dir(&self) -> Option<PathBuf> {
        match &self.library_moving_to {
            Some(to) if crate::is_library(to) => Some(to.clone()),
            _ => self.library_dir.clone(),
        }
    }
}

/// Where the library is, and whether the user named that place (so that it must exist): `--library`
/// (given as `flag`), else `$FOLIO_LIBRARY`, else the settings' choice, else the default.
pub fn library_location(flag: Option<&Path>, settings: &Settings) -> (PathBuf, bool) {
    if let Some(dir) = flag {
        return (dir.to_path_buf(), false);
    }
    if let Some(dir) = crate::LibraryConfig::env_dir() {
        return (dir, false);
    }
    match settings.library_dir() {
        Some(dir) => (dir, true),
        None => (crate::LibraryConfig::default_dir(), false),
    }
}

/// The bundled model's speed on this machine as `folio-dev bench answer` last measured it (kept in the
/// models directory, [`ModelPaths::measured_speed_file`]); an unreadable file counts as none.
pub fn load_measured_speed(models: &ModelPaths) -> Option<MeasuredSpeed> {
    serde_json::from_slice(&std::fs::read(models.measured_speed_file()).ok()?).ok()
}

/// Saves `speed` as this machine's measure, replacing the last one (atomically, like the settings).
pub fn save_measured_speed(models: &ModelPaths, speed: &MeasuredSpeed) -> std::io::Result<()> {
    write_json(&models.measured_speed_file(), speed)
}

/// Writes `value` as JSON to `path` atomically and synced: a crash leaves the old file or the new one.
fn write_json(path: &Path, value: &impl Serialize) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = path.with_extension("json.tmp");
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    std::fs::File::open(dir)?.sync_all()
}
