//! One function per fuzz target: each takes the fuzzer's bytes, runs the entry point and checks
//! its oracles, panicking on a violation. `fuzz_targets/<name>.rs` calls it under libFuzzer and
//! `tests/corpus.rs` replays `corpus/<name>/` through it.

mod export;
mod format;
mod page;
mod shape;
mod stats;

pub use export::{options, retry};
pub use format::csv_ndjson;
pub use page::page_reader;
pub use shape::{convert_page, convert_records, taxonomy_from_json};
pub use stats::{add_page, add_records, stats_from_json, stats_shards};

/// A target: the fuzzer's bytes in, a panic when an oracle fails.
pub type Target = fn(&[u8]);

/// Every target, by the name of its libFuzzer binary and corpus directory.
pub const TARGETS: &[(&str, Target)] = &[
    ("page_reader", page_reader),
    ("add_page", add_page),
    ("add_records", add_records),
    ("convert_page", convert_page),
    ("convert_records", convert_records),
    ("stats_from_json", stats_from_json),
    ("stats_shards", stats_shards),
    ("taxonomy_from_json", taxonomy_from_json),
    ("options", options),
    ("retry", retry),
    ("csv_ndjson", csv_ndjson),
];

/// The first byte of an input as option bits, and the rest (a page body, say). Targets that
/// take options this way keep their seeds readable: one byte, then the fixture as it is.
pub(crate) fn split_options(data: &[u8]) -> (u8, &[u8]) {
    match data.split_first() {
        Some((&bits, rest)) => (bits, rest),
        None => (0, data),
    }
}
