//! Page bytes to CSV and NDJSON, for edge workers that stream the export on: bytes in, bytes out,
//! no JS objects in between.

mod csv;
mod ndjson;

pub use csv::{page_to_csv, CSV_HEADER};
pub use ndjson::page_to_ndjson;
