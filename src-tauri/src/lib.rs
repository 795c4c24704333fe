//! The parts of the desktop shell that are plain data and functions, kept in a library so they are
//! unit-tested without a window: the DTOs that cross IPC, which paths the page may use, answer rendering, how a
//! file is opened at its cited page, where the window may navigate, the slot that holds (and moves) the library, and the waits between background retries.

pub mod dto;
pub mod grants;
pub mod launch;
pub mod navigation;
pub mod render;
pub mod retry;
pub mod slot;
