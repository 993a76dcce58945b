//! Reading a page body from its bytes in one pass: the envelope fields the pagination state machine
//! checks, while a [`RecordsSink`] consumes `records` as they stream by (counting, aggregating or
//! converting them) without building a tree of values.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::{Error, ErrorKind, Result};
use crate::export::{Field, PageEnvelope};

/// Consumes the elements of a page's `records` array.
pub trait RecordsSink {
    /// Reads every element of `records`; returns how many there were.
    fn records<'de, A: SeqAccess<'de>>(&mut self, seq: A) -> std::result::Result<usize, A::Error>;
}

/// A sink that only counts records.
/// Hands each record's JSON text to `f` (which returns a problem with it), counting them; a
/// problem becomes the error `records[n]: problem`.
pub fn each_raw_record<'de, A: SeqAccess<'de>>(
    mut seq: A,
    f: &mut dyn FnMut(&str) -> std::result::Result<(), String>,
) -> std::result::Result<usize, A::Error> {
    let mut n = 0;
    loop {
        let problem = match seq.next_element::<&serde_json::value::RawValue>() {
            Ok(Some(record)) => match f(record.get()) {
                Ok(()) => {
                    n += 1;
                    continue;
                }
                Err(problem) => problem,
            },
            Ok(None) => return Ok(n),
            Err(e) => e.to_string(),
        };
        return Err(de::Error::custom(format_args!("records[{n}]: {problem}")));
    }
}

pub struct CountRecords;

impl RecordsSink for CountRecords {
    fn records<'de, A: SeqAccess<'de>>(
        &mut self,
        mut seq: A,
    ) -> std::result::Result<usize, A::Error> {
        let mut n = 0;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            n += 1;
        }
        Ok(n)
    }
}

/// Reads a page body: the envelope, with `records` handed to `sink`. A body that is not a JSON
/// object, or a record the sink refuses, is an error of `kind` (`Protocol` for bytes from the
/// server, `InvalidInput` for bytes from the caller).
pub fn read_page<S: RecordsSink>(
    bytes: &[u8],
    sink: &mut S,
    kind: ErrorKind,
) -> Result<PageEnvelope> {
    // One reader type (str) for every serde_json use in the crate: each reader type instantiates
    // every Deserialize impl again, and the wasm size budget notices.
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::new(
            kind,
            format!("page: invalid UTF-8 at byte {}", e.valid_up_to()),
        )
    })?;
    let mut de = serde_json::Deserializer::from_str(text);
    let envelope = de
        .deserialize_any(PageVisitor { sink })
        .and_then(|e| de.end().map(|()| e))
        .map_err(|e| Error::new(kind, format!("page: {e}")))?;
    envelope.map_err(|wrong| {
        Error::new(
            kind,
            format!("page: the body is {wrong}, not a JSON object"),
        )
    })
}

struct PageVisitor<'s, S> {
    sink: &'s mut S,
}

impl<'de, S: RecordsSink> Visitor<'de> for PageVisitor<'_, S> {
    type Value = std::result::Result<PageEnvelope, &'static str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a page object")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut envelope = PageEnvelope {
            has_next: Field::Missing,
            next_starting_after: Field::Missing,
            records: Field::Missing,
        };
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "has_next" => {
                    envelope.has_next = match map.next_value_seed(ScalarSeed)? {
                        Scalar::Bool(b) => Field::Value(b),
                        other => Field::Wrong(other.type_name()),
                    }
                }
                "next_starting_after" => {
                    envelope.next_starting_after = match map.next_value_seed(ScalarSeed)? {
                        Scalar::Str(s) => Field::Value(s),
                        Scalar::Null => Field::Missing,
                        other => Field::Wrong(other.type_name()),
                    }
                }
                "records" => {
                    envelope.records = map.next_value_seed(RecordsSeed {
                        sink: &mut *self.sink,
                    })?
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Ok(envelope))
    }

    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Err("an array"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<Self::Value, E> {
        Ok(Err("a string"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Self::Value, E> {
        Ok(Err("a boolean"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Self::Value, E> {
        Ok(Err("a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Self::Value, E> {
        Ok(Err("a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Self::Value, E> {
        Ok(Err("a number"))
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(Err("null"))
    }
}

/// An envelope member: its value when a boolean or string, else just its JSON type.
enum Scalar {
    Null,
    Bool(bool),
    Str(String),
    Other(&'static str),
}

impl Scalar {
    fn type_name(&self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool(_) => "a boolean",
            Scalar::Str(_) => "a string",
            Scalar::Other(t) => t,
        }
    }
}

struct ScalarSeed;

impl<'de> DeserializeSeed<'de> for ScalarSeed {
    type Value = Scalar;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Scalar, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ScalarSeed {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("an object"))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Str(s.to_owned()))
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Other("a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Other("a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Other("a number"))
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<Scalar, E> {
        Ok(Scalar::Null)
    }
}

struct RecordsSeed<'s, S> {
    sink: &'s mut S,
}

impl<'de, S: RecordsSink> DeserializeSeed<'de> for RecordsSeed<'_, S> {
    type Value = Field<usize>;

    fn deserialize<D: Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Field<usize>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, S: RecordsSink> Visitor<'de> for RecordsSeed<'_, S> {
    type Value = Field<usize>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<Field<usize>, A::Error> {
        self.sink.records(seq).map(Field::Value)
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Field<usize>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Field::Wrong("an object"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<Field<usize>, E> {
        Ok(Field::Wrong("a string"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Field<usize>, E> {
        Ok(Field::Wrong("a boolean"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Field<usize>, E> {
        Ok(Field::Wrong("a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Field<usize>, E> {
        Ok(Field::Wrong("a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Field<usize>, E> {
        Ok(Field::Wrong("a number"))
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<Field<usize>, E> {
        Ok(Field::Wrong("null"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(body: &str) -> Result<PageEnvelope> {
        read_page(body.as_bytes(), &mut CountRecords, ErrorKind::Protocol)
    }

    #[test]
    fn reads_the_fixture_envelope() {
        let body = include_str!("../../shared/api/fixtures/page-list.json");
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
