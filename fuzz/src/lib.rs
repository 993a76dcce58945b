//! Fuzz targets for task-profiles-core, with oracles beyond "no crash", as plain functions:
//! each libFuzzer binary in `fuzz_targets/` calls one of [`targets::TARGETS`], and
//! `tests/corpus.rs` replays every stored corpus (`corpus/<target>/`) through the same functions
//! on stable Rust, as a regression test.
//!
//! Each target covers an entry point of the JS package that reads untrusted bytes or JSON, through
//! the core function its binding calls (see README.md for the map and the oracles).

pub mod canon;
pub mod gen;
pub mod laws;
pub mod targets;
