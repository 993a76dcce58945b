//! Every byte path reads a page the same way: the pages of `tests/fixtures/adversarial-pages.json`
//! (shared with the JS twin of this test) are fed to each path, followed by the pagination state
//! machine where the path is the export's, and every path must reach the table's verdict —
//! accepted with the same record count, `has_next` and cursor, or refused with the same message.

use serde_json::Value;
use task_profiles_core::export::{PageInfo, Pagination};
use task_profiles_core::format::{page_to_csv, page_to_ndjson};
use task_profiles_core::page::{read_page, PageEnvelope, Shape};
use task_profiles_core::shape::{convert_page, convert_page_with_envelope, ConvertOptions};
use task_profiles_core::stats::TaskStats;
use task_profiles_core::{ErrorKind, Result};

const TABLE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/adversarial-pages.json"
));

/// What a path made of a page, as the table writes it.
#[derive(Debug, PartialEq)]
enum Verdict {
    Accepted {
        records: usize,
        has_next: bool,
        next_starting_after: Option<String>,
    },
    Refused(String),
}

fn verdict(result: Result<PageInfo>, kind: ErrorKind) -> Verdict {
    match result {
        Ok(info) => Verdict::Accepted {
            records: info.records,
            has_next: info.has_next,
            next_starting_after: info.next_starting_after,
        },
        Err(e) => {
            assert_eq!(e.kind, kind, "{}", e.message);
            Verdict::Refused(e.message)
        }
    }
}

/// A fresh export's check of the first page.
fn accept(envelope: PageEnvelope) -> Result<PageInfo> {
    Pagination::new(None).accept(envelope)
}

fn expected(v: &Value) -> Verdict {
    match v.get("error") {
        Some(e) => Verdict::Refused(e.as_str().expect("error is a string").to_owned()),
        None => Verdict::Accepted {
            records: v["records"].as_u64().expect("records") as usize,
            has_next: v["has_next"].as_bool().expect("has_next"),
            next_starting_after: v["next_starting_after"].as_str().map(str::to_owned),
        },
    }
}

/// Standard base64 (the table's `body_base64`), without a dependency for it.
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    } as u32;
    let digits: Vec<u8> = text.bytes().filter(|&c| c != b'=').collect();
    let mut out = Vec::new();
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0, |n, (i, &c)| n | value(c) << (18 - 6 * i));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

fn body(page: &Value) -> Vec<u8> {
    match (page.get("body"), page.get("body_base64")) {
        (Some(text), None) => text.as_str().expect("body is a string").as_bytes().to_vec(),
        (None, Some(b64)) => base64(b64.as_str().expect("body_base64 is a string")),
        _ => panic!("a page has body or body_base64: {page}"),
    }
}

/// The verdict of each byte path of the export, by name.
fn export_paths(body: &[u8]) -> Vec<(&'static str, Verdict)> {
    let p = ErrorKind::Protocol;
    let mut stats = TaskStats::default();
    let mut pagination = Pagination::new(None);
    let converted = |to| {
        convert_page_with_envelope(body, &ConvertOptions::new(to)).and_then(|(e, _)| accept(e))
    };
    vec![
        ("read_page", verdict(read_page(body, p).and_then(accept), p)),
        (
            "add_checked_page",
            verdict(stats.add_checked_page(body, |e| pagination.accept(e)), p),
        ),
        (
            "convert_page_with_envelope (list)",
            verdict(converted(Shape::List), p),
        ),
        (
            "convert_page_with_envelope (hierarchy)",
            verdict(converted(Shape::Hierarchy), p),
        ),
        (
            "page_to_csv",
            verdict(page_to_csv(body, true).and_then(|(e, _)| accept(e)), p),
        ),
        (
            "page_to_ndjson",
            verdict(page_to_ndjson(body).and_then(|(e, _)| accept(e)), p),
        ),
    ]
}

#[test]
fn every_byte_path_reaches_the_tables_verdict() {
    let table: Vec<Value> = serde_json::from_str(TABLE).expect("the table is JSON");
    assert!(table.len() >= 50, "{} pages", table.len());
    let mut failures = Vec::new();
    for page in &table {
        let name = page["name"].as_str().expect("name");
        let body = body(page);
        let want = expected(&page["verdict"]);
        for (path, got) in export_paths(&body) {
            if got != want {
                failures.push(format!("{name}: {path}: {got:?}"));
            }
        }
        // The caller's paths read the page the same way (without the export's pagination, and
        // with the caller's error kind).
        let reader = read_page(&body, ErrorKind::InvalidInput).map(|_| ());
        let caller = [
            ("add_page", TaskStats::default().add_page(&body)),
            (
                "convert_page",
                convert_page(&body, &ConvertOptions::new(Shape::List)).map(|_| ()),
            ),
        ];
        for (path, got) in caller {
            if let Err(e) = &got {
                assert_eq!(e.kind, ErrorKind::InvalidInput, "{name}: {path}");
            }
            if got != reader {
                failures.push(format!("{name}: {path}: {got:?} but read_page: {reader:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_repeated_records_is_its_last_array_on_every_path() {
    let table: Vec<Value> = serde_json::from_str(TABLE).expect("the table is JSON");
    let page = table
        .iter()
        .find(|p| p["name"] == "records twice: the last array wins")
        .expect("the page is in the table");
    let body = body(page);
    // The last `records` as its raw text (a map keeps the last of a repeated key, as JSON.parse).
    let members: std::collections::BTreeMap<String, Box<serde_json::value::RawValue>> =
        serde_json::from_slice(&body).unwrap();
    let only = format!(
        r#"{{"has_next":false,"records":{}}}"#,
        members["records"].get()
    );
    let only = only.as_bytes();

    // Stats count only the last array.
    let mut twice = TaskStats::default();
    twice.add_page(&body).unwrap();
    let mut once = TaskStats::default();
    once.add_page(only).unwrap();
    assert_eq!(twice.to_json(), once.to_json());
    // CSV and NDJSON write only the last array.
    assert_eq!(
        page_to_csv(&body, true).unwrap().1,
        page_to_csv(only, true).unwrap().1
    );
    assert_eq!(
        page_to_ndjson(&body).unwrap().1,
        page_to_ndjson(only).unwrap().1
    );
    // The converted page holds `records` once, the last array converted.
    for to in [Shape::List, Shape::Hierarchy] {
        let out = convert_page(&body, &ConvertOptions::new(to)).unwrap();
        let text = String::from_utf8(out.clone()).unwrap();
        assert_eq!(text.matches("\"records\"").count(), 1, "{text}");
        assert_eq!(out, convert_page(only, &ConvertOptions::new(to)).unwrap());
    }
}
