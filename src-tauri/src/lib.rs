//! The parts of the desktop shell that are plain data and functions, kept in a library so they are
//! unit-tested without a window: the DTOs that cross IPC, answer rendering, the settings file, how a
//! file is opened at its cited page, and the slot that holds (and moves) the library.

pub mod dto;
pub mod launch;
pub mod render;
pub mod settings;
pub mod slot;
