//! The parts of the desktop shell that are plain data and functions, kept in a library so they are
//! unit-tested without a window: the DTOs that cross IPC, answer rendering, the settings file, and
//! how a file is opened at its cited page.

pub mod dto;
pub mod launch;
pub mod render;
pub mod settings;
