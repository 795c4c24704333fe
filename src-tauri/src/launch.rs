//! Opening a library file in the user's default application, at the cited page where that application
//! takes a page on its command line (PDF viewers: Evince, Atril, Xreader, Okular, Zathura, MuPDF,
//! qpdfview, and Firefox or Chromium through a `#page=` URL). Anything else is opened with `xdg-open`.
//!
//! The default application comes from `xdg-mime query default`, and its command from the `Exec` line
//! of its desktop entry, so the user's choice is respected; Folio only adds the page.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Where the freedesktop.org specifications look for settings and desktop entries.
#[derive(Debug, Clone)]
pub struct Xdg {
    /// `$XDG_CONFIG_HOME` (`~/.config`).
    pub config_home: PathBuf,
    /// `$XDG_DATA_HOME` (`~/.local/share`).
    pub data_home: PathBuf,
    /// `$XDG_DATA_DIRS` (`/usr/local/share:/usr/share`).
    pub data_dirs: Vec<PathBuf>,
}

impl Xdg {
    /// The directories of this session, from the environment with the specification's defaults.
    pub fn from_env() -> Xdg {
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/"));
        let dir = |var: &str, default: PathBuf| {
            std::env::var_os(var).filter(|v| !v.is_empty()).map(PathBuf::from).unwrap_or(default)
        };
        let data_dirs = std::env::var("XDG_DATA_DIRS")
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "/usr/local/share:/usr/share".into())
            .split(':')
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .collect();
        Xdg {
            config_home: dir("XDG_CONFIG_HOME", home.join(".config")),
            data_home: dir("XDG_DATA_HOME", home.join(".local/share")),
            data_dirs,
        }
    }

    /// The `Exec` line of the default application for `mime`, if one is set and its entry found.
    pub fn default_exec(&self, mime: &str) -> Option<String> {
        let mut query = std::process::Command::new("xdg-mime");
        query
            .args(["query", "default", mime])
            .env("XDG_CONFIG_HOME", &self.config_home)
            .env("XDG_DATA_HOME", &self.data_home)
            .env("XDG_DATA_DIRS", std::env::join_paths(&self.data_dirs).ok()?)
            .stderr(std::process::Stdio::null());
        let output = query.output().ok()?;
        let id = String::from_utf8(output.stdout).ok()?.lines().next()?.trim().to_string();
        if id.is_empty() {
            return None;
        }
        std::iter::once(&self.data_home)
            .chain(&self.data_dirs)
            .map(|d| d.join("applications").join(&id))
            .find_map(|entry| std::fs::read_to_string(entry).ok())
            .and_then(|text| desktop_exec(&text))
    }
}

/// The `Exec` value of a desktop entry's `[Desktop Entry]` group.
pub fn desktop_exec(entry: &str) -> Option<String> {
    let mut in_main = false;
    for line in entry.lines().map(str::trim) {
        if line.starts_with('[') {
            in_main = line == "[Desktop Entry]";
        } else if in_main {
            if let Some(exec) = line.strip_prefix("Exec").map(str::trim_start).and_then(|l| l.strip_prefix('=')) {
                return Some(exec.trim().to_string());
            }
        }
    }
    None
}

/// The command that opens `file` at `page` (1-based) with the application whose desktop entry runs
/// `exec`, or `None` when it is not a viewer whose page option Folio knows (or is wrapped, as a
/// Flatpak is, in a way Folio does not take apart).
pub fn at_page(exec: &str, file: &Path, page: u32) -> Option<Vec<OsString>> {
    let mut words = exec.split_whitespace().filter(|w| !w.starts_with('%'));
    let mut program = words.next()?;
    if Path::new(program).file_name()? == "env" {
        // `env VAR=value program ...`
        program = words.find(|w| !w.contains('='))?;
    }
    let name = Path::new(program).file_name()?.to_str()?;
    let path = OsString::from(file);
    let tail: Vec<OsString> = match name {
        "evince" | "atril" | "xreader" => vec![format!("--page-index={page}").into(), path],
        "okular" => vec!["--page".into(), page.to_string().into(), path],
        "zathura" => vec![format!("--page={page}").into(), path],
        "mupdf" | "mupdf-gl" | "mupdf-x11" => vec![path, page.to_string().into()],
        "qpdfview" => {
            let mut with_page = path;
            with_page.push(format!("#{page}"));
            vec![with_page]
        }
        "firefox" | "firefox-esr" | "chromium" | "chromium-browser" | "google-chrome" | "google-chrome-stable" => {
            let mut url = tauri::Url::from_file_path(file).ok()?;
            url.set_fragment(Some(&format!("page={page}")));
            vec![url.as_str().into()]
        }
        _ => return None,
    };
    Some(std::iter::once(OsString::from(program)).chain(tail).collect())
}

/// The command that opens `file`, at `page` when one is given, the file is a PDF and its default
/// viewer takes a page; otherwise `xdg-open file`.
pub fn open_command(xdg: &Xdg, file: &Path, page: Option<u32>) -> Vec<OsString> {
    let is_pdf = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    page.filter(|p| *p > 0 && is_pdf)
        .and_then(|p| at_page(&xdg.default_exec("application/pdf")?, file, p))
        .unwrap_or_else(|| vec!["xdg-open".into(), file.into()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(argv: &[OsString]) -> Vec<String> {
        argv.iter().map(|a| a.to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn known_viewers_are_given_the_page() {
        let file = Path::new("/home/ann/Papers/a b#1.pdf");
        let cases = [
            ("evince %U", vec!["evince", "--page-index=7", "/home/ann/Papers/a b#1.pdf"]),
            ("/usr/bin/atril %U", vec!["/usr/bin/atril", "--page-index=7", "/home/ann/Papers/a b#1.pdf"]),
            ("okular %U", vec!["okular", "--page", "7", "/home/ann/Papers/a b#1.pdf"]),
            ("zathura %U", vec!["zathura", "--page=7", "/home/ann/Papers/a b#1.pdf"]),
            ("mupdf %f", vec!["mupdf", "/home/ann/Papers/a b#1.pdf", "7"]),
            ("qpdfview --unique %F", vec!["qpdfview", "/home/ann/Papers/a b#1.pdf#7"]),
            ("env GDK_BACKEND=x11 evince %U", vec!["evince", "--page-index=7", "/home/ann/Papers/a b#1.pdf"]),
            (
                "/usr/lib/firefox-esr/firefox-esr %u",
                vec!["/usr/lib/firefox-esr/firefox-esr", "file:///home/ann/Papers/a%20b%231.pdf#page=7"],
            ),
        ];
        for (exec, want) in cases {
            assert_eq!(strings(&at_page(exec, file, 7).expect(exec)), want, "{exec}");
        }
    }

    #[test]
    fn unknown_or_wrapped_viewers_are_left_to_xdg_open() {
        let file = Path::new("/tmp/a.pdf");
        assert_eq!(at_page("gimp-2.10 %U", file, 2), None);
        assert_eq!(at_page("/usr/bin/flatpak run --command=evince org.gnome.Evince %U", file, 2), None);
        assert_eq!(at_page("", file, 2), None);
        let nowhere = Xdg { config_home: "/nonexistent".into(), data_home: "/nonexistent".into(), data_dirs: vec![] };
        assert_eq!(
            strings(&open_command(&nowhere, Path::new("/tmp/notes.txt"), Some(3))),
            ["xdg-open", "/tmp/notes.txt"]
        );
        assert_eq!(strings(&open_command(&nowhere, file, None)), ["xdg-open", "/tmp/a.pdf"]);
    }

    #[test]
    fn the_exec_line_comes_from_the_main_group() {
        let entry =
            "[Desktop Entry]\nName=Document Viewer\nExec=evince %U\n\n[Desktop Action new-window]\nExec=evince --new\n";
        assert_eq!(desktop_exec(entry).as_deref(), Some("evince %U"));
        let action_first = "[Desktop Action x]\nExec=other\n[Desktop Entry]\nExec = zathura %U\n";
        assert_eq!(desktop_exec(action_first).as_deref(), Some("zathura %U"));
        assert_eq!(desktop_exec("[Desktop Entry]\nName=No exec\n"), None);
    }

    /// The user's own choice of PDF viewer, set in `mimeapps.list`, is found through `xdg-mime` and
    /// given the page.
    #[test]
    fn the_default_pdf_viewer_is_found_and_given_the_page() {
        let dir = tempfile::tempdir().expect("temp dir");
        let xdg = Xdg {
            config_home: dir.path().join("config"),
            data_home: dir.path().join("data"),
            data_dirs: vec![dir.path().join("system")],
        };
        let apps = xdg.data_home.join("applications");
        std::fs::create_dir_all(&apps).expect("mkdir");
        std::fs::create_dir_all(&xdg.config_home).expect("mkdir");
        std::fs::write(
            apps.join("org.example.Zathura.desktop"),
            "[Desktop Entry]\nType=Application\nName=Zathura\nExec=zathura %U\nMimeType=application/pdf;\n",
        )
        .expect("entry");
        std::fs::write(
            xdg.config_home.join("mimeapps.list"),
            "[Default Applications]\napplication/pdf=org.example.Zathura.desktop\n",
        )
        .expect("mimeapps");
        assert_eq!(xdg.default_exec("application/pdf").as_deref(), Some("zathura %U"));
        let file = Path::new("/srv/papers/report.pdf");
        assert_eq!(strings(&open_command(&xdg, file, Some(12))), ["zathura", "--page=12", "/srv/papers/report.pdf"]);
    }
}
