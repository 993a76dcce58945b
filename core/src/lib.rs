//! task-profiles-core: export, reshape and aggregate TechWolf employee task profiles.
//!
//! The pure Rust core of the `task-profiles` package: no wasm-bindgen, js-sys or web-sys in its
//! dependency tree, so everything it decides is tested natively with `cargo test`:
//! - [`export`]: parameters, the pagination state machine and the retry policy of the export
//!   (sans-IO: the JS glue performs the requests and asks the core what to do next);
//! - [`shape`]: lossless conversion between the `list` and `hierarchy` record shapes;
//! - [`stats`]: streaming, mergeable aggregates over records;
//! - [`page`]: one-pass reading of a page's bytes (envelope + streamed records);
//! - [`format`]: page bytes to CSV and NDJSON, for edge workers that stream the export on.
//!
//! Every JSON reader shares one hand-written scanner (`stats::parse`, where speed first asked for
//! it): serde_json's reader cost the wasm module about 25 KB gzipped against a 130 KB budget.

pub mod error;
pub mod export;
pub mod format;
pub(crate) mod json;
pub mod page;
pub mod shape;
pub mod stats;

pub use error::{Error, ErrorKind, Result};
