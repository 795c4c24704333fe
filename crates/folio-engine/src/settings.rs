//! The user's settings, kept in `$XDG_CONFIG_HOME/folio/settings.json` (or `$FOLIO_CONFIG`): the
//! chosen chat model, the indexing threads and where the library lives. A missing or unreadable file means the defaults.

use std::path::{Path, PathBuf};

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
}

impl Settings {
    /// The settings file: `$FOLIO_CONFIG`, else `$XDG_CONFIG_HOME/folio/settings.json`.
    pub fn default_path() -> PathBuf {
        if let Some(p) = std::env::var_os("FOLIO_CONFIG").filter(|v| !v.is_empty()) {
            return PathBuf::from(p);
        }
        dirs::config_dir().unwrap_or_else(|| PathBuf::from(".")).join("folio").join("settings.json")
    }

    /// Reads the settings at `path`; defaults when the file is missing or not valid.
    pub fn load(path: &Path) -> Settings {
        std::fs::read(path).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
    }

    /// Writes the settings to `path` atomically (a crash leaves the old or the new file, never half).
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?)?;
        std::fs::rename(tmp, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_default_when_missing_or_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/settings.json");
        assert_eq!(Settings::load(&path), Settings::default());
        let s = Settings {
            chat_model: Some("/m/llama.gguf".into()),
            index_threads: Some(3),
            library_dir: Some("/data/folio".into()),
        };
        s.save(&path).unwrap();
        assert_eq!(Settings::load(&path), s);
        std::fs::write(&path, b"{not json").unwrap();
        assert_eq!(Settings::load(&path), Settings::default());
    }
}
