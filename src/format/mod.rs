//! Page bytes to CSV and NDJSON, for edge workers that stream the export on.
