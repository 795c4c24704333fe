//! The parts of the desktop shell that are plain data and functions, kept in a library so they are
//! unit-tested without a window: the DTOs that cross IPC, answer rendering, and the settings file.

pub mod dto;
pub mod render;
pub mod settings;
