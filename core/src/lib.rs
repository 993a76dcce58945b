//! task-profiles-core: export, reshape and aggregate TechWolf employee task profiles.
//!
//! The pure Rust core of the `task-profiles` package: no wasm-bindgen, js-sys or web-sys in its
//! dependency tree, and no I/O (it never sends a request; the wasm binding drives the export
//! with the runtime's `fetch` and asks the core what each answer means), so everything it
//! decides is tested natively with `cargo test`:
//! - [`json`]: the one JSON lexer every reader shares, the JSON path of every error message, a
//!   small value type, a borrowed tree of raw slices, and the writer;
//! - [`page`]: the export's contract — the page envelope, the one reader of page bytes every
//!   path uses, and the vocabulary of records (shapes, task dimensions);
//! - [`export`]: parameters, the pagination state machine and the retry policy of the export;
//! - [`shape`]: lossless conversion between the `list` and `hierarchy` record shapes;
//! - [`stats`]: streaming, mergeable aggregates over records;
//! - [`format`](mod@format): page bytes to CSV and NDJSON, for edge workers that stream the export on.
//!
//! ## Module graph
//! Dependencies point one way, from the contract down to what uses it:
//! ```text
//! json  <-  page  <-  export
//!                 <-  shape  <-  stats
//!                 <-  format
//! ```
//! (`error` is used by all; every module may use `json`.) `stats` uses `shape` for the
//! taxonomy its tree can be grouped by; nothing uses `stats`, `export` or `format`.
//!
//! Every reader follows `JSON.parse`, which the package's records path uses: a repeated key
//! keeps its last value and escaped keys are keys, so that every path reads the same page.

pub mod error;
pub mod export;
pub mod format;
pub mod json;
pub mod page;
pub mod shape;
pub mod stats;

pub use error::{Error, ErrorKind, Result};
