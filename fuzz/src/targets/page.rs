//! The page reader, and every byte path that reads pages through it.

use task_profiles_core::export::Pagination;
use task_profiles_core::format::{page_to_csv, page_to_ndjson};
use task_profiles_core::page::{read_page, Field, PageEnvelope, Shape};
use task_profiles_core::shape::{convert_page_with_envelope, ConvertOptions};
use task_profiles_core::stats::TaskStats;
use task_profiles_core::{ErrorKind, Result};

use crate::canon::{self, J};

/// The page reader agrees with an independent JSON reader (what it accepts is JSON, and the
/// envelope it reports is the one in the text), and every byte path (statistics, both
/// conversions, CSV, NDJSON) reaches its verdict: the same envelope, or the same error; a path
/// may refuse a page the reader accepts only for a problem inside a record.
pub fn page_reader(data: &[u8]) {
    let verdict = read_page(data, ErrorKind::Protocol);
    let from_caller = read_page(data, ErrorKind::InvalidInput);
    match (&verdict, &from_caller) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(a), Err(b)) => {
            assert_eq!(a.kind, ErrorKind::Protocol);
            assert_eq!(b.kind, ErrorKind::InvalidInput);
            assert_eq!(a.message, b.message, "the kind changes the words");
        }
        _ => panic!("the error kind changes the verdict"),
    }
    let parsed = canon::parse_bytes(data);
    match &verdict {
        Ok(envelope) => {
            let Some(parsed) = parsed else {
                panic!("the page reader accepted text that is not JSON: {envelope:?}");
            };
            assert_eq!(
                envelope,
                &envelope_of(&parsed.value),
                "the envelope is not the text's"
            );
            // The pagination state machine takes any envelope without a panic.
            if let Ok(info) = Pagination::new(None).accept(envelope.clone()) {
                assert_eq!(Field::Value(info.records), envelope.records);
            }
        }
        Err(e) => {
            let syntax = e.message.contains("invalid JSON");
            let out_of_range = e.message.contains("number out of the range of a double");
            assert!(
                !(syntax && parsed.is_some() && !out_of_range),
                "the page reader refused JSON as invalid: {e}"
            );
        }
    }
    let envelope = |r: Result<PageEnvelope>| r;
    let paths: [(&str, Result<PageEnvelope>); 5] = [
        (
            "stats",
            envelope(TaskStats::default().add_checked_page(data, Ok)),
        ),
        (
            "to list",
            convert_page_with_envelope(data, &ConvertOptions::new(Shape::List)).map(|(e, _)| e),
        ),
        (
            "to hierarchy",
            convert_page_with_envelope(data, &ConvertOptions::new(Shape::Hierarchy))
                .map(|(e, _)| e),
        ),
        ("csv", page_to_csv(data, true).map(|(e, _)| e)),
        ("ndjson", page_to_ndjson(data).map(|(e, _)| e)),
    ];
    for (path, result) in paths {
        match (&verdict, result) {
            (Ok(want), Ok(got)) => assert_eq!(want, &got, "{path}: another envelope"),
            (Ok(_), Err(e)) => {
                assert_eq!(e.kind, ErrorKind::Protocol, "{path}: {e}");
                assert!(
                    e.message.starts_with("records["),
                    "{path} refused a page the reader accepts: {e}"
                );
            }
            (Err(want), Err(got)) => assert_eq!(want, &got, "{path}: another error"),
            (Err(want), Ok(_)) => panic!("{path} accepted a page the reader refuses: {want}"),
        }
    }
}

/// The envelope of a page as the contract reads it, from its canonical form.
fn envelope_of(page: &J) -> PageEnvelope {
    let type_name = |v: &J| match v {
        J::Lit(t) if t == "null" => "null",
        J::Lit(t) if t == "true" || t == "false" => "a boolean",
        J::Lit(_) => "a number",
        J::Str(_) => "a string",
        J::Arr(_) => "an array",
        J::Obj(_) => "an object",
    };
    let has_next = match page.get("has_next") {
        None => Field::Missing,
        Some(J::Lit(t)) if t == "true" => Field::Value(true),
        Some(J::Lit(t)) if t == "false" => Field::Value(false),
        Some(other) => Field::Wrong(type_name(other)),
    };
    let next_starting_after = match page.get("next_starting_after") {
        None => Field::Missing,
        Some(J::Lit(t)) if t == "null" => Field::Missing,
        Some(J::Str(s)) => Field::Value(s.clone()),
        Some(other) => Field::Wrong(type_name(other)),
    };
    let records = match page.get("records") {
        None => Field::Missing,
        Some(J::Arr(items)) => Field::Value(items.len()),
        Some(other) => Field::Wrong(type_name(other)),
    };
    PageEnvelope {
        has_next,
        next_starting_after,
        records,
    }
}
