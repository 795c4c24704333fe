//! The page can ask, only the user can grant.
//!
//! Script in the window (a planted answer, a compromised dependency) can call any command, so a path
//! that comes from the page is never trusted by itself. A path is granted when the user named it
//! through something the page cannot fake: the system's folder or file picker (opened by Rust), a drop
//! on the window (Tauri reports the dropped paths to Rust), the app's command line, or a native
//! confirmation dialog that shows the path. Folders already in the library stay granted. The whole
//! computer, the home folder itself and system folders are never taken without that dialog, however
//! they were named.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Paths the user granted in this run of the app.
#[derive(Debug, Default)]
pub struct Grants {
    paths: Mutex<HashSet<PathBuf>>,
}

impl Grants {
    /// Grants with `paths` granted already (the app's command line).
    pub fn new(paths: impl IntoIterator<Item = PathBuf>) -> Grants {
        let grants = Grants::default();
        grants.grant(paths);
        grants
    }

    /// Records paths the user chose.
    pub fn grant(&self, paths: impl IntoIterator<Item = PathBuf>) {
        let mut held = self.paths.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        held.extend(paths.into_iter().map(|p| normal(&p)));
    }

    /// Whether the user chose exactly `path`.
    pub fn granted(&self, path: &Path) -> bool {
        self.paths.lock().unwrap_or_else(std::sync::PoisonError::into_inner).contains(&normal(path))
    }
}

/// `path` made absolute without touching the disk (`.` and `..` resolved by name, symlinks kept).
pub fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::from("/");
    for part in std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()).components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::Normal(p) => out.push(p),
            _ => {}
        }
    }
    out
}

/// Folders that hold the system rather than the user's files; they and everything in them are
/// "system folders".
const SYSTEM: &[&str] = &[
    "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/opt", "/proc", "/root", "/run", "/sbin",
    "/snap", "/srv", "/sys", "/usr", "/var",
];

/// Why `path` must be confirmed however it was chosen, if it must: the whole computer, the home folder
/// itself, or a system folder. `home` is the user's home folder.
pub fn sensitive(path: &Path, home: Option<&Path>) -> Option<String> {
    let path = normal(path);
    let shown = path.display();
    if path == Path::new("/") {
        return Some("“/” is the whole computer: Folio would read every file on it, system files included.".into());
    }
    if home.is_some_and(|h| normal(h) == path) {
        return Some(format!(
            "“{shown}” is your whole home folder: Folio would read every file in it, settings and hidden files \
             included. Choosing the folders you want (Documents, Notes, ...) is usually better."
        ));
    }
    // A home folder under a system folder (root's is /root) is the user's, not the system's.
    let in_home = home.is_some_and(|h| path.starts_with(normal(h)));
    if !in_home && SYSTEM.iter().any(|s| path.starts_with(s)) {
        return Some(format!("“{shown}” is a system folder: it holds programs and settings, not your documents."));
    }
    None
}

/// What a command does with a path the page sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The user chose it: go on.
    Granted,
    /// Ask the user first, with this question in a native dialog; go on only on yes.
    Confirm(String),
}

/// Decides for a path the page sent: `granted` says whether the user chose it (see [`Grants`]);
/// `what` is the action, shown in the question ("add … to Folio's library").
pub fn verdict(path: &Path, granted: bool, home: Option<&Path>, what: &str) -> Verdict {
    match sensitive(path, home) {
        Some(why) => Verdict::Confirm(format!("{why}\n\n{what}?")),
        None if granted => Verdict::Granted,
        None => Verdict::Confirm(format!("{what}?\n\nThe request came from Folio's window, not from a folder picker.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: &str = "/home/ana";

    fn v(path: &str, granted: bool) -> Verdict {
        verdict(Path::new(path), granted, Some(Path::new(HOME)), "Add it")
    }

    #[test]
    fn paths_the_user_chose_are_granted_and_others_need_a_confirmation() {
        let grants = Grants::new([PathBuf::from("/home/ana/Notes")]);
        grants.grant([PathBuf::from("/home/ana/Mail/./2024/../2025")]);
        for chosen in ["/home/ana/Notes", "/home/ana/Mail/2025", "/home/ana/Notes/"] {
            assert!(grants.granted(Path::new(chosen)), "{chosen}");
            assert_eq!(v(chosen, grants.granted(Path::new(chosen))), Verdict::Granted);
        }
        // A child, a parent or a sibling of a granted folder is not granted, nor is a path that only
        // names one through `..`.
        for other in ["/home/ana/Notes/a.md", "/home/ana", "/home/ana/Other", "/home/ana/Notes/../.ssh"] {
            assert!(!grants.granted(Path::new(other)), "{other}");
        }
        assert!(matches!(v("/home/ana/Other", false), Verdict::Confirm(q) if q.contains("not from a folder picker")));
    }

    #[test]
    fn the_computer_the_home_folder_and_system_folders_always_need_a_confirmation() {
        for (path, says) in [
            ("/", "whole computer"),
            ("/home/ana", "whole home folder"),
            ("/home/ana/", "whole home folder"),
            ("/etc", "system folder"),
            ("/usr/share/doc", "system folder"),
            ("/proc/self", "system folder"),
            ("/home/ana/../../var/log", "system folder"),
        ] {
            // Granted or not: a picker or a drop of "/" is still asked about.
            for granted in [true, false] {
                let Verdict::Confirm(q) = v(path, granted) else { panic!("{path} must be confirmed") };
                assert!(q.contains(says), "{path}: {q}");
            }
        }
        // Folders that only look similar, and home folders of root, are the user's.
        for path in ["/home/ana/etc", "/usr2", "/home/ana/Documents", "/mnt/usb", "/tmp/notes"] {
            assert_eq!(sensitive(Path::new(path), Some(Path::new(HOME))), None, "{path}");
        }
        assert_eq!(sensitive(Path::new("/root/Documents"), Some(Path::new("/root"))), None);
        assert!(sensitive(Path::new("/root"), Some(Path::new("/root"))).is_some());
    }
}
