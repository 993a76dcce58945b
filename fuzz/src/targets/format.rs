//! CSV and NDJSON writing of pages.

use task_profiles_core::format::{page_to_csv, page_to_ndjson, CSV_HEADER};
use task_profiles_core::ErrorKind;

use crate::canon::{self, J};
use crate::targets::split_options;

/// Columns of every CSV row.
const COLUMNS: usize = 10;

/// CSV (first byte: bit 0 leaves formulas as they are) and NDJSON of a page body: the CSV,
/// header included, parses as CSV with ten columns in every row and one row per non-rejected
/// task (one for an employee without), each starting with the employee's and the task's ids;
/// the NDJSON holds one line per record, the record without whitespace.
pub fn csv_ndjson(data: &[u8]) {
    let (bits, body) = split_options(data);
    let escape = bits & 1 == 0;
    let page = canon::parse_bytes(body).map(|p| p.value);
    match page_to_csv(body, escape) {
        Ok((_, rows)) => {
            let page = page
                .as_ref()
                .expect("the CSV writer accepted a page that is not JSON");
            check_csv(&rows, escape, page);
        }
        Err(e) => assert_eq!(e.kind, ErrorKind::Protocol, "{e}"),
    }
    match page_to_ndjson(body) {
        Ok((_, lines)) => {
            let page = page
                .as_ref()
                .expect("the NDJSON writer accepted a page that is not JSON");
            check_ndjson(&lines, page);
        }
        Err(e) => assert_eq!(e.kind, ErrorKind::Protocol, "{e}"),
    }
}

fn records(page: &J) -> &[J] {
    page.get("records")
        .and_then(J::as_arr)
        .expect("an accepted page has records")
}

/// A cell as the writer neutralises it against formulas.
fn cell(escape: bool, value: &str) -> String {
    if escape && value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// The first two cells of every row: the external id, and the task id (empty for an employee
/// without tasks), tasks depth-first in pre-order, rejected ones left out.
fn expected_rows(escape: bool, page: &J) -> Vec<(String, String)> {
    fn walk(nodes: &[J], out: &mut Vec<String>) {
        for node in nodes {
            if let Some(J::Str(id)) = node.get("task_id") {
                if node.get("validation_state").and_then(J::as_str) != Some("rejected") {
                    out.push(id.clone());
                }
            }
            if let Some(J::Arr(children)) = node.get("children") {
                walk(children, out);
            }
        }
    }
    let mut rows = Vec::new();
    for record in records(page) {
        let id = record
            .get("external_id")
            .and_then(J::as_str)
            .expect("a written record has an external_id");
        // `tasks`, or `hierarchy` when `tasks` is absent or null.
        let nodes = match (record.get("tasks"), record.get("hierarchy")) {
            (Some(J::Arr(tasks)), _) => &tasks[..],
            (_, Some(J::Arr(nodes))) => &nodes[..],
            _ => &[],
        };
        let mut tasks = Vec::new();
        walk(nodes, &mut tasks);
        if tasks.is_empty() {
            tasks.push(String::new());
        }
        rows.extend(
            tasks
                .into_iter()
                .map(|t| (cell(escape, id), cell(escape, &t))),
        );
    }
    rows
}

fn check_csv(rows: &[u8], escape: bool, page: &J) {
    assert!(
        rows.is_empty() || rows.ends_with(b"\r\n"),
        "a row does not end with CRLF"
    );
    let mut text = CSV_HEADER.as_bytes().to_vec();
    text.extend_from_slice(rows);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(&text[..]);
    assert_eq!(reader.headers().expect("the header parses").len(), COLUMNS);
    let mut got = Vec::new();
    for row in reader.records() {
        let row = row.unwrap_or_else(|e| {
            panic!(
                "the CSV does not parse ({e}):\n{}",
                String::from_utf8_lossy(rows)
            )
        });
        assert_eq!(row.len(), COLUMNS, "a row of {} columns", row.len());
        got.push((row[0].to_owned(), row[1].to_owned()));
    }
    assert_eq!(
        got,
        expected_rows(escape, page),
        "the rows are not the page's tasks"
    );
}

fn check_ndjson(lines: &[u8], page: &J) {
    let records = records(page);
    let text = std::str::from_utf8(lines).expect("NDJSON is UTF-8");
    assert!(text.is_empty() || text.ends_with('\n'));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), records.len(), "one line per record");
    for (line, record) in lines.iter().zip(records) {
        let parsed = canon::parse(line).expect("an NDJSON line is JSON").value;
        assert_eq!(&parsed, record, "a line is not its record");
        assert!(
            !has_whitespace_outside_strings(line),
            "a line is not minified: {line}"
        );
    }
}

fn has_whitespace_outside_strings(json: &str) -> bool {
    let (mut in_string, mut escaped) = (false, false);
    for b in json.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            return true;
        }
    }
    false
}
