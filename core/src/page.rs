//! Reading a page body from its bytes in one pass: the envelope fields the pagination state machine
//! checks, while a [`RecordsSink`] consumes `records` as they stream by (counting, aggregating or
//! converting them) without building a tree of values.

use crate::error::{Error, ErrorKind, Result};
use crate::export::{Field, PageEnvelope};
use crate::stats::parse::{PResult, Parser, Scratch};

/// Consumes the elements of a page's `records` array, one record's JSON text at a time.
pub trait RecordsSink {
    /// Takes one record; returns the problem with it, which becomes the error
    /// `records[n]: problem`.
    fn record(&mut self, text: &str) -> std::result::Result<(), String>;
}

/// A sink that only counts records.
pub struct CountRecords;

impl RecordsSink for CountRecords {
    fn record(&mut self, _: &str) -> std::result::Result<(), String> {
        Ok(())
    }
}

/// Reads a page body: the envelope, with `records` handed to `sink`. A body that is not a JSON
/// object, or a record the sink refuses, is an error of `kind` (`Protocol` for bytes from the
/// server, `InvalidInput` for bytes from the caller).
pub fn read_page(
    bytes: &[u8],
    sink: &mut dyn RecordsSink,
    kind: ErrorKind,
) -> Result<PageEnvelope> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::new(
            kind,
            format!("page: invalid UTF-8 at byte {}", e.valid_up_to()),
        )
    })?;
    let mut scratch = Scratch::default();
    let mut p = Parser::new(text, &mut scratch);
    p.serde_like = true;
    match envelope(&mut p, sink).and_then(|e| p.end().map(|()| e)) {
        Ok(Ok(envelope)) => Ok(envelope),
        Ok(Err(wrong)) => Err(Error::new(
            kind,
            format!("page: the body is {wrong}, not a JSON object"),
        )),
        Err(_) => Err(Error::new(kind, format!("page: {}", p.take_problem()))),
    }
}

fn envelope(
    p: &mut Parser<'_, '_>,
    sink: &mut dyn RecordsSink,
) -> PResult<std::result::Result<PageEnvelope, &'static str>> {
    let t = p.type_here();
    if t != "an object" {
        p.skip_value()?;
        return Ok(Err(t));
    }
    let mut envelope = PageEnvelope {
        has_next: Field::Missing,
        next_starting_after: Field::Missing,
        records: Field::Missing,
    };
    p.begin_object("a page object")?;
    let mut first = true;
    while let Some(key) = p.next_key_checked(&mut first)? {
        match key.as_ref() {
            "has_next" => {
                envelope.has_next = match p.type_here() {
                    "a boolean" => {
                        let b = p.peek() == Some(b't');
                        p.skip_value()?;
                        Field::Value(b)
                    }
                    t => {
                        p.skip_value()?;
                        Field::Wrong(t)
                    }
                }
            }
            "next_starting_after" => {
                envelope.next_starting_after = match p.type_here() {
                    "a string" => Field::Value(p.string()?.into_owned()),
                    t => {
                        p.skip_value()?;
                        if t == "null" {
                            Field::Missing
                        } else {
                            Field::Wrong(t)
                        }
                    }
                }
            }
            "records" => envelope.records = records(p, sink)?,
            _ => p.skip_value()?,
        }
    }
    Ok(Ok(envelope))
}

/// A page's `records` value: each element handed to `sink`, or the type found instead.
fn records(p: &mut Parser<'_, '_>, sink: &mut dyn RecordsSink) -> PResult<Field<usize>> {
    let t = p.type_here();
    if t != "an array" {
        p.skip_value()?;
        return Ok(Field::Wrong(t));
    }
    p.begin_array("an array of records")?;
    let mut n = 0;
    let mut first = true;
    // Any problem inside the array (malformed JSON included) is reported at the record it
    // reached, as `records[n]: …`.
    let problem = loop {
        match p.next_element_checked(&mut first) {
            Ok(true) => {}
            Ok(false) => return Ok(Field::Value(n)),
            Err(_) => break p.take_problem(),
        }
        p.ws();
        let start = p.pos;
        if p.skip_value().is_err() {
            break p.take_problem();
        }
        if let Err(problem) = sink.record(p.since(start)) {
            break problem;
        }
        n += 1;
    };
    p.fail(format_args!("records[{n}]: {problem}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(body: &str) -> Result<PageEnvelope> {
        read_page(body.as_bytes(), &mut CountRecords, ErrorKind::Protocol)
    }

    #[test]
    fn reads_the_fixture_envelope() {
        let body = include_str!("../../../shared/api/fixtures/page-list.json");
        let e = envelope(body).unwrap();
        assert_eq!(e.has_next, Field::Value(true));
        assert_eq!(
            e.next_starting_after,
            Field::Value("7d3f1c22-5b8e-4c1a-9f0e-2a6b8c4d1e37".into())
        );
        assert_eq!(e.records, Field::Value(3));
    }

    #[test]
    fn wrong_types_and_missing_fields_are_reported_not_guessed() {
        let e = envelope(r#"{"has_next":"yes","next_starting_after":5,"records":{},"extra":[1]}"#)
            .unwrap();
        assert_eq!(e.has_next, Field::Wrong("a string"));
        assert_eq!(e.next_starting_after, Field::Wrong("a number"));
        assert_eq!(e.records, Field::Wrong("an object"));
        let e = envelope(r#"{"next_starting_after":null}"#).unwrap();
        assert_eq!(e.has_next, Field::Missing);
        assert_eq!(e.next_starting_after, Field::Missing);
        assert_eq!(e.records, Field::Missing);
    }

    #[test]
    fn bodies_that_are_not_objects_or_not_json_are_errors_of_the_given_kind() {
        for body in ["[1]", "\"x\"", "null", "{\"records\": [", "{} trailing", ""] {
            let err = envelope(body).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Protocol, "{body}");
            assert!(err.message.starts_with("page: "), "{}", err.message);
        }
        let err = read_page(b"[", &mut CountRecords, ErrorKind::InvalidInput).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
    }
}
