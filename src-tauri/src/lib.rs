//! The parts of the desktop shell that are plain functions, kept in a library so they are unit-tested
//! without a window.

pub mod render;
