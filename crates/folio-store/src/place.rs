//! Where a library lives: telling a library directory from any other, and moving a library elsewhere
//! without ever leaving the user with no complete copy.

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

use crate::fulltext::FullText;
use folio_core::Destination;

use crate::StoreError;

/// The catalog's file name; a directory holding it is a library.
pub(crate) const CATALOG_FILE: &str = "catalog.sqlite3";
/// The full-text index's directory inside a library.
pub(crate) const TEXT_DIR: &str = "tantivy";
/// The vector table's directory inside a library.
pub(crate) const VECTORS_DIR: &str = "lancedb";
/// Marks a directory a copy is being written to; its contents are not a library yet.
const MOVING_MARKER: &str = ".folio-moving";

/// What a directory offered as a library's home holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// Nothing (or missing, or the leftovers of an interrupted move): a library can move here.
    Vacant,
    /// A Folio library.
    Library,
    /// Other files: Folio will not mix a library into them.
    Occupied,
}

/// What `dir` offers as a library's home. A directory holding anything else is refused here, the one
/// place that decides it: Folio never mixes a library into other files.
pub fn destination(dir: &Path) -> Result<Destination, StoreError> {
    match inspect(dir)? {
        Place::Vacant => Ok(Destination::Vacant),
        Place::Library => Ok(Destination::Library),
        Place::Occupied => Err(StoreError::Refused(format!(
            "{} is not empty; choose an empty folder, a new one, or an existing Folio library",
            dir.display()
        ))),
    }
}

/// What `dir` holds.
pub(crate) fn inspect(dir: &Path) -> io::Result<Place> {
    let names = match entries(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Place::Vacant),
        other => other?,
    };
    Ok(if names.iter().any(|n| n == MOVING_MARKER) {
        Place::Vacant
    } else if names.iter().any(|n| n == CATALOG_FILE) {
        Place::Library
    } else if names.is_empty() {
        Place::Vacant
    } else {
        Place::Occupied
    })
}

/// How a move went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Moved {
    /// The directory was renamed: the library exists only at its new place.
    Renamed,
    /// The library was copied to another file system; the old copy is still at this path, for the caller
    /// to delete with [`remove_library`] once the new place is recorded.
    Copied(PathBuf),
}

/// Moves the library at `from` to `to`, which must be vacant ([`destination`]). The library must be closed in
/// this process; another process that has it open makes this fail with [`StoreError::Busy`].
///
/// On one file system this is a rename. Across file systems the files are copied under a marker that
/// makes the copy count as vacant until it is complete and synced, and the original stays untouched; a
/// crash at any moment leaves the original whole.
pub fn move_library(from: &Path, to: &Path) -> Result<Moved, StoreError> {
    let from = std::path::absolute(from)?;
    let to = std::path::absolute(to)?;
    if to.starts_with(&from) || from.starts_with(&to) {
        return Err(StoreError::Refused(format!(
            "cannot move the library from {} to {}: one is inside the other",
            from.display(),
            to.display()
        )));
    }
    if inspect(&from)? != Place::Library {
        return Err(StoreError::Refused(format!("there is no library at {}", from.display())));
    }
    if destination(&to)? == Destination::Library {
        return Err(StoreError::Refused(format!("{} already holds a Folio library", to.display())));
    }
    // Held until the move is over: no Folio process can open the library meanwhile.
    let _lock = FullText::lock(&from.join(TEXT_DIR))?;
    clear_leftovers(&to, &from)?;
    if to.exists() {
        std::fs::remove_dir(&to)?;
    } else if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)?;
    }
    match std::fs::rename(&from, &to) {
        Ok(()) => return Ok(Moved::Renamed),
        Err(e) if e.kind() == io::ErrorKind::CrossesDevices => {}
        Err(e) => return Err(e.into()),
    }
    std::fs::create_dir_all(&to)?;
    std::fs::File::create(to.join(MOVING_MARKER))?.sync_all()?;
    copy_tree(&from, &to)?;
    std::fs::remove_file(to.join(MOVING_MARKER))?;
    std::fs::File::open(&to)?.sync_all()?;
    Ok(Moved::Copied(from))
}

/// Deletes the library at `dir` (an old copy left by [`move_library`]); refuses a directory that is not
/// a library, so that no other folder can be deleted by mistake.
pub fn remove_library(dir: &Path) -> Result<(), StoreError> {
    if inspect(dir)? != Place::Library {
        return Err(StoreError::Refused(format!("{} is not a Folio library; it was left as it is", dir.display())));
    }
    let _lock = FullText::lock(&dir.join(TEXT_DIR))?;
    std::fs::remove_dir_all(dir)?;
    Ok(())
}

fn entries(dir: &Path) -> io::Result<Vec<OsString>> {
    std::fs::read_dir(dir)?.map(|e| e.map(|e| e.file_name())).collect()
}

/// Removes what an interrupted copy of `from` left in `to`: the marker and the entries `from` has.
fn clear_leftovers(to: &Path, from: &Path) -> io::Result<()> {
    let left = match entries(to) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        other => other?,
    };
    if left.is_empty() {
        return Ok(());
    }
    let ours = entries(from)?;
    for name in left.iter().filter(|n| ours.contains(n)) {
        let path = to.join(name);
        if path.is_dir() {
            std::fs::remove_dir_all(&path)?;
        } else {
            std::fs::remove_file(&path)?;
        }
    }
    let marker = to.join(MOVING_MARKER);
    if marker.exists() {
        std::fs::remove_file(marker)?;
    }
    if !entries(to)?.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} holds files of an interrupted move and others; empty it first", to.display()),
        ));
    }
    Ok(())
}

/// Copies the tree at `from` into the existing directory `to`, syncing every file and directory.
fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type()?;
        if kind.is_dir() {
            std::fs::create_dir_all(&dst)?;
            copy_tree(&src, &dst)?;
            std::fs::File::open(&dst)?.sync_all()?;
        } else if kind.is_file() {
            std::fs::copy(&src, &dst)?;
            std::fs::File::open(&dst)?.sync_all()?;
        }
        // A library holds no links or special files; any other kind is not Folio's and is not copied.
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_library(dir: &Path) {
        std::fs::create_dir_all(dir.join(TEXT_DIR)).unwrap();
        std::fs::create_dir_all(dir.join(VECTORS_DIR).join("chunks.lance")).unwrap();
        std::fs::write(dir.join(CATALOG_FILE), b"catalog").unwrap();
        std::fs::write(dir.join(VECTORS_DIR).join("chunks.lance/data"), b"vectors").unwrap();
    }

    #[test]
    fn inspect_tells_vacant_library_and_occupied_apart() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(inspect(&tmp.path().join("missing")).unwrap(), Place::Vacant);
        assert_eq!(inspect(tmp.path()).unwrap(), Place::Vacant);
        std::fs::write(tmp.path().join("notes.txt"), b"mine").unwrap();
        assert_eq!(inspect(tmp.path()).unwrap(), Place::Occupied);
        let lib = tmp.path().join("lib");
        fake_library(&lib);
        assert_eq!(inspect(&lib).unwrap(), Place::Library);
        std::fs::write(lib.join(MOVING_MARKER), b"").unwrap();
        assert_eq!(inspect(&lib).unwrap(), Place::Vacant, "a half-written copy is not a library");
    }

    #[test]
    fn a_move_renames_and_refuses_unsafe_targets() {
        let tmp = tempfile::tempdir().unwrap();
        let (from, to) = (tmp.path().join("a"), tmp.path().join("deep/b"));
        fake_library(&from);
        let occupied = tmp.path().join("occupied");
        std::fs::create_dir_all(&occupied).unwrap();
        std::fs::write(occupied.join("notes.txt"), b"mine").unwrap();
        assert!(move_library(&from, &occupied).unwrap_err().to_string().contains("not empty"));
        assert!(move_library(&from, &from.join("inner")).unwrap_err().to_string().contains("inside"));
        assert_eq!(std::fs::read(occupied.join("notes.txt")).unwrap(), b"mine");

        assert_eq!(move_library(&from, &to).unwrap(), Moved::Renamed);
        assert!(!from.exists());
        assert_eq!(inspect(&to).unwrap(), Place::Library);
        assert_eq!(std::fs::read(to.join("lancedb/chunks.lance/data")).unwrap(), b"vectors");
        // Moving onto a library is refused: the caller switches to it instead.
        fake_library(&from);
        assert!(move_library(&from, &to).unwrap_err().to_string().contains("already holds"));
    }

    #[test]
    fn a_copy_replaces_the_leftovers_of_an_interrupted_one_and_removal_spares_other_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let (from, to) = (tmp.path().join("a"), tmp.path().join("b"));
        fake_library(&from);
        // What a crash mid-copy leaves: the marker and part of the files.
        std::fs::create_dir_all(to.join(VECTORS_DIR)).unwrap();
        std::fs::write(to.join(MOVING_MARKER), b"").unwrap();
        std::fs::write(to.join(CATALOG_FILE), b"half").unwrap();
        clear_leftovers(&to, &from).unwrap();
        assert!(entries(&to).unwrap().is_empty());
        std::fs::write(to.join(MOVING_MARKER), b"").unwrap();
        copy_tree(&from, &to).unwrap();
        std::fs::remove_file(to.join(MOVING_MARKER)).unwrap();
        assert_eq!(std::fs::read(to.join(CATALOG_FILE)).unwrap(), b"catalog");
        assert_eq!(std::fs::read(to.join("lancedb/chunks.lance/data")).unwrap(), b"vectors");

        let other = tmp.path().join("photos");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("cat.jpg"), b"meow").unwrap();
        assert!(remove_library(&other).is_err());
        assert!(other.join("cat.jpg").exists());
        remove_library(&from).unwrap();
        assert!(!from.exists());
    }
}
