//! The one reader of page bytes (and of the records a caller hands in): the envelope in one
//! pass, each element of `records` handed in place to what the path does with it.
//!
//! The path's work is a [`RecordsSink`]: it reads a record straight off the lexer (counting,
//! aggregating, converting or writing it) and keeps what it makes staged until the read ends,
//! so that a later `records` member can replace it and a refused page leaves nothing behind.
//! A record the sink refuses does not stop the read: the rest of the body must still be JSON
//! (a malformed body is reported as such, as `JSON.parse` would), and a later `records` member
//! may still replace the refused one.

use super::{body_problem, record_problem, Field, PageEnvelope};
use crate::error::{ErrorKind, Result};
use crate::json::lexer::{read_all, Fault, Lexer, PResult};
use crate::json::path::Path;
use crate::json::raw::str_of;

/// What a path does with each record it reads.
pub(crate) trait RecordsSink<'a> {
    /// A member of the page other than `records`, as its raw key and raw value text.
    fn member(&mut self, _raw_key: &'a str, _raw_value: &'a str) {}

    /// A `records` array begins (`raw_key` as written; empty for an array of records given
    /// alone). Called again when a page repeats `records`: everything taken from the earlier
    /// array must then be forgotten, as the last value of a key wins.
    fn begin(&mut self, _raw_key: &'a str) {}

    /// Reads one record at `at`, its `{` next, consuming exactly that object. A record the path
    /// refuses fails with [`Lexer::fail`]; malformed JSON with the lexer's own failure.
    fn record(&mut self, lx: &mut Lexer<'a>, at: &Path) -> PResult<()>;

    /// The `records` array ends.
    fn end(&mut self) {}
}

/// Counts records, reading each only to check that it is JSON.
struct CountRecords;

impl<'a> RecordsSink<'a> for CountRecords {
    fn record(&mut self, lx: &mut Lexer<'a>, _: &Path) -> PResult<()> {
        lx.skip_value()
    }
}

/// Reads a page body: its envelope, with the records counted. A body the contract does not allow
/// (see the [module](super) documentation) is an error of `kind`: `Protocol` for bytes from the
/// server, `InvalidInput` for bytes from the caller.
pub fn read_page(bytes: &[u8], kind: ErrorKind) -> Result<PageEnvelope> {
    read_page_with(bytes, &mut CountRecords, kind)
}

/// [`read_page`], handing each record to `sink`.
pub(crate) fn read_page_with<'a>(
    bytes: &'a [u8],
    sink: &mut dyn RecordsSink<'a>,
    kind: ErrorKind,
) -> Result<PageEnvelope> {
    let verdict = read_all(bytes, &Path::Page, kind, |lx| envelope(lx, sink))?;
    verdict.map_err(|message| crate::Error::new(kind, message))
}

/// Reads one record (an object, `record` in messages) or an array of records (`records[i]`),
/// handing each to `sink`; returns whether the input was an array. Errors are of `kind`.
pub(crate) fn read_records<'a>(
    bytes: &'a [u8],
    sink: &mut dyn RecordsSink<'a>,
    kind: ErrorKind,
) -> Result<bool> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let root = Path::Root(if first == Some(&b'[') {
        "records"
    } else {
        "record"
    });
    let verdict = read_all(bytes, &root, kind, |lx| {
        lx.ws();
        match lx.peek() {
            Some(b'[') => {
                sink.begin("");
                let (_, problem) = each(lx, sink, &root)?;
                sink.end();
                Ok(problem.map_or(Ok(true), Err))
            }
            Some(b'{') => Ok(match one_record(lx, sink, &root)? {
                Some(problem) => Err(problem),
                None => Ok(false),
            }),
            _ => {
                let t = lx.type_here();
                lx.skip_value()?;
                Ok(Err(format!(
                    "{root}: expected a record object or an array of records, found {t}"
                )))
            }
        }
    })?;
    verdict.map_err(|message| crate::Error::new(kind, message))
}

/// The members of a page; `Err` holds a problem with well-formed JSON, decided once the whole
/// body is known to be JSON.
fn envelope<'a>(
    lx: &mut Lexer<'a>,
    sink: &mut dyn RecordsSink<'a>,
) -> PResult<std::result::Result<PageEnvelope, String>> {
    lx.ws();
    if lx.peek() != Some(b'{') {
        let found = lx.type_here();
        lx.skip_value()?;
        return Ok(Err(body_problem(found)));
    }
    lx.enter()?;
    let mut envelope = PageEnvelope::default();
    // The problem with the (last) records array's elements.
    let mut records_problem = None;
    let mut first = true;
    while let Some(raw_key) = lx.next_raw_key(&mut first)? {
        let key = str_of(raw_key).unwrap_or_default();
        match key.as_ref() {
            "records" => {
                lx.ws();
                if lx.peek() == Some(b'[') {
                    sink.begin(raw_key);
                    let records = Path::Page.key("records");
                    let (n, problem) = each(lx, sink, &records)?;
                    sink.end();
                    envelope.records = Field::Value(n);
                    records_problem = problem;
                } else {
                    envelope.records = Field::Wrong(lx.type_here());
                    lx.skip_value()?;
                    records_problem = None;
                }
            }
            "has_next" => {
                lx.ws();
                let start = lx.pos;
                envelope.has_next = match lx.peek() {
                    Some(b't') => lx.literal("true").map(|()| Field::Value(true))?,
                    Some(b'f') => lx.literal("false").map(|()| Field::Value(false))?,
                    _ => {
                        let t = lx.type_here();
                        lx.skip_value()?;
                        Field::Wrong(t)
                    }
                };
                sink.member(raw_key, lx.since(start));
            }
            "next_starting_after" => {
                lx.ws();
                let start = lx.pos;
                envelope.next_starting_after = match lx.peek() {
                    Some(b'"') => Field::Value(lx.string()?.into_owned()),
                    Some(b'n') => lx.literal("null").map(|()| Field::Missing)?,
                    _ => {
                        let t = lx.type_here();
                        lx.skip_value()?;
                        Field::Wrong(t)
                    }
                };
                sink.member(raw_key, lx.since(start));
            }
            _ => {
                let raw = lx.raw_value()?;
                sink.member(raw_key, raw);
            }
        }
    }
    if let Some(problem) = envelope.problem().or(records_problem) {
        return Ok(Err(problem));
    }
    Ok(Ok(envelope))
}

/// The elements of an array of records (its `[` next): how many were read, and the problem with
/// the first one refused, if any.
fn each<'a>(
    lx: &mut Lexer<'a>,
    sink: &mut dyn RecordsSink<'a>,
    at: &Path,
) -> PResult<(usize, Option<String>)> {
    lx.enter()?;
    let mut first = true;
    let mut n = 0;
    while lx.next_element(&mut first)? {
        lx.ws();
        // The problem, and whether it is this element's type (not what is inside a record).
        let (problem, not_an_object) = if lx.peek() == Some(b'{') {
            (one_record(lx, sink, &at.index(n))?, false)
        } else {
            let found = lx.type_here();
            lx.skip_value()?;
            // `records[n]` both in a page and in an array of records given alone.
            (Some(record_problem(n, found)), true)
        };
        if let Some(mut problem) = problem {
            // The rest need only be JSON, and objects: an element that is not an object is the
            // page's problem before any record's, on every path (the reader counting records
            // sees only that one). The page is refused unless a later `records` replaces this.
            let mut settled = not_an_object;
            let mut i = n + 1;
            while lx.next_element(&mut first)? {
                lx.ws();
                if !settled && lx.peek() != Some(b'{') {
                    problem = record_problem(i, lx.type_here());
                    settled = true;
                }
                lx.skip_value()?;
                i += 1;
            }
            return Ok((n, Some(problem)));
        }
        n += 1;
    }
    Ok((n, None))
}

/// Hands one record (its `{` next) to `sink`; the problem when the sink refuses it. A record
/// refused for its content is read again only to check that it is JSON.
fn one_record<'a>(
    lx: &mut Lexer<'a>,
    sink: &mut dyn RecordsSink<'a>,
    at: &Path,
) -> PResult<Option<String>> {
    let (start, depth) = (lx.pos, lx.depth());
    if sink.record(lx, at).is_ok() {
        return Ok(None);
    }
    if lx.is_syntax_fault() {
        return Err(crate::json::lexer::Failed);
    }
    let problem = match lx.take_fault() {
        Some(Fault::Content(message)) => message,
        _ => format!("{at}: invalid record"),
    };
    lx.rewind(start, depth);
    lx.skip_value()?;
    Ok(Some(problem))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(body: &str) -> Result<PageEnvelope> {
        read_page(body.as_bytes(), ErrorKind::Protocol)
    }

    #[test]
    fn reads_the_fixture_envelope() {
        let body = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/page-list.json"
        ));
        let e = envelope(body).unwrap();
        assert_eq!(e.has_next, Field::Value(true));
        assert_eq!(
            e.next_starting_after,
            Field::Value("d25a9c4e-6b1f-4e07-8d3c-5f2a4b6c8e1d".into())
        );
        assert_eq!(e.records, Field::Value(3));
    }

    #[test]
    fn wrong_types_are_refused_and_missing_fields_reported_not_guessed() {
        for (body, message) in [
            (
                r#"{"has_next":"yes","next_starting_after":5,"records":{},"extra":[1]}"#,
                "has_next: expected a boolean, found a string",
            ),
            (
                r#"{"has_next":true,"next_starting_after":5,"records":[]}"#,
                "next_starting_after: expected a string or null, found a number",
            ),
            (
                r#"{"records":{}}"#,
                "records: expected an array, found an object",
            ),
            (
                r#"{"has_next":false}"#,
                "page: missing \"records\" (an array of records)",
            ),
            (
                r#"{"records":[{},[]]}"#,
                "records[1]: expected an object, found an array",
            ),
        ] {
            assert_eq!(envelope(body).unwrap_err().message, message, "{body}");
        }
        let e = envelope(r#"{"next_starting_after":null,"records":[]}"#).unwrap();
        assert_eq!(e.has_next, Field::Missing);
        assert_eq!(e.next_starting_after, Field::Missing);
        assert_eq!(e.records, Field::Value(0));
    }

    #[test]
    fn bodies_that_are_not_objects_or_not_json_are_errors_of_the_given_kind() {
        for (body, message) in [
            ("[1]", "page: expected an object, found an array"),
            ("\"x\"", "page: expected an object, found a string"),
            ("null", "page: expected an object, found null"),
            (
                "{\"records\": [",
                "records: invalid JSON: the input ends inside an array at line 1 column 14",
            ),
            (
                "{} trailing",
                "page: invalid JSON: unexpected text after the value at line 1 column 4",
            ),
            (
                "",
                "page: invalid JSON: the input ends where a value was expected at line 1 column 1",
            ),
        ] {
            let err = envelope(body).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Protocol, "{body}");
            assert_eq!(err.message, message, "{body}");
        }
        let err = read_page(b"[", ErrorKind::InvalidInput).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
    }

    #[test]
    fn the_last_of_a_repeated_key_wins_and_escaped_keys_are_keys() {
        let e =
            envelope(r#"{"has_next":true,"records":[{},{}],"has\u005fnext":false,"records":[{}]}"#)
                .unwrap();
        assert_eq!(e.has_next, Field::Value(false));
        assert_eq!(e.records, Field::Value(1));
        // A refused records array is forgotten when a later one replaces it...
        let e = envelope(r#"{"records":[1],"records":[{}]}"#).unwrap();
        assert_eq!(e.records, Field::Value(1));
        // ... and a later wrong one refuses the page.
        assert_eq!(
            envelope(r#"{"records":[{}],"records":null}"#)
                .unwrap_err()
                .message,
            "records: expected an array, found null"
        );
        let e = envelope(r#"{"next_starting_after":"a","next_starting_after":null,"records":[]}"#)
            .unwrap();
        assert_eq!(e.next_starting_after, Field::Missing);
    }

    #[test]
    fn malformed_json_wins_over_a_refused_record() {
        assert_eq!(
            envelope(r#"{"records":[5],"has_next":tru}"#)
                .unwrap_err()
                .message,
            "has_next: invalid JSON: expected a value at line 1 column 27"
        );
    }
}
