//! NDJSON: one record per line, exactly as the server sent it but without insignificant whitespace
//! (a pretty-printed record would otherwise span lines).

use crate::error::{ErrorKind, Result};
use crate::json::lexer::{Lexer, PResult};
use crate::json::path::Path;
use crate::page::{read_page_with, PageEnvelope, RecordsSink};

/// Writes each record as the page reader hands it over.
struct NdjsonSink {
    out: Vec<u8>,
}

impl<'a> RecordsSink<'a> for NdjsonSink {
    fn begin(&mut self, _: &'a str) {
        // A page that repeats `records` is written from its last array only.
        self.out.clear();
    }

    fn record(&mut self, lx: &mut Lexer<'a>, _: &Path) -> PResult<()> {
        minify_json(lx.raw_value()?.as_bytes(), &mut self.out);
        self.out.push(b'\n');
        Ok(())
    }
}

/// The records of a page body from the server as NDJSON lines, with the page's envelope; a page
/// the contract does not allow is a `Protocol` error.
pub fn page_to_ndjson(body: &[u8]) -> Result<(PageEnvelope, Vec<u8>)> {
    let mut sink = NdjsonSink {
        out: Vec::with_capacity(body.len()),
    };
    let envelope = read_page_with(body, &mut sink, ErrorKind::Protocol)?;
    Ok((envelope, sink.out))
}

/// Appends `json` (valid JSON) to `out` without whitespace outside strings.
fn minify_json(json: &[u8], out: &mut Vec<u8>) {
    let mut in_string = false;
    let mut escaped = false;
    let mut start = 0;
    for (i, &b) in json.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
        } else if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
            out.extend_from_slice(&json[start..i]);
            start = i + 1;
        }
    }
    out.extend_from_slice(&json[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::Field;

    #[test]
    fn one_compact_line_per_record() {
        let body = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/page-list.json"
        ));
        let (envelope, out) = page_to_ndjson(body).unwrap();
        assert_eq!(envelope.records, Field::Value(3));
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        let page: serde_json::Value = serde_json::from_slice(body).unwrap();
        for (line, record) in lines.iter().zip(page["records"].as_array().unwrap()) {
            assert_eq!(
                &serde_json::from_str::<serde_json::Value>(line).unwrap(),
                record
            );
        }
    }

    #[test]
    fn whitespace_inside_strings_is_kept() {
        let mut out = Vec::new();
        minify_json(br#"{ "a" : "x \" y\n\\",  "b" : [ 1 , 2 ] }"#, &mut out);
        assert_eq!(out, br#"{"a":"x \" y\n\\","b":[1,2]}"#);
    }
}
