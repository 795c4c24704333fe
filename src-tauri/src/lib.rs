//! The parts of the desktop shell that are plain data and functions, kept in a library so they are
//! unit-tested without a window: the DTOs that cross IPC, answer rendering, how a
//! file is opened at its cited page, where the window may navigate, and the slot that holds (and moves) the library.

pub mod dto;
pub mod launch;
pub mod navigation;
pub mod render;
pub mod slot;
