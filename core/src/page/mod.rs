//! The export's contract: the page envelope, the one reader of page bytes every path uses, and
//! the vocabulary of the records (their [`Shape`]s and the task [`Dimension`]s).
//!
//! ## A page
//! `{"has_next": true, "next_starting_after": "…", "records": [{…}, …]}`, read as `JSON.parse`
//! reads it, because the package's records path parses pages with V8's `JSON.parse` and every
//! path must agree on what a page says:
//! - a repeated key keeps its last value (`"records"` twice is the second array);
//! - an escaped key is that key (`"has\u005fnext"` is `has_next`);
//! - nothing but whitespace may follow the object.
//!
//! A body is checked in this order, and refused with the first problem found, in the same words
//! on every path: malformed JSON (placed by JSON path, line and column); a body that is not an
//! object ([`body_problem`]); an envelope member of the wrong type or a missing `records`
//! ([`PageEnvelope::problem`]); an element of `records` that is not an object
//! ([`record_problem`]); then whatever the path itself refuses in a record. Whether the page
//! continues the export (`has_next`, the cursor) is the pagination state machine's to decide
//! (`crate::export::Pagination`).

mod read;

pub use read::read_page;
pub(crate) use read::{read_page_with, read_records, RecordsSink};

use crate::error::{Error, Result};
use crate::json::write::quoted;

/// A field read off a page, as it was found.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Field<T> {
    /// Absent (or `null`, for `next_starting_after`).
    #[default]
    Missing,
    /// Present but of the wrong JSON type, named as messages name it (`a string`).
    Wrong(&'static str),
    /// Present, of the right type.
    Value(T),
}

/// The envelope of a page: everything the pagination state machine reads (the records stay with
/// the caller).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PageEnvelope {
    /// `has_next`: a boolean.
    pub has_next: Field<bool>,
    /// `next_starting_after`: a string, or null or absent.
    pub next_starting_after: Field<String>,
    /// The length of `records`, or how it was wrong.
    pub records: Field<usize>,
}

impl PageEnvelope {
    /// The first member of the wrong JSON type, or a missing `records`, in the words of every
    /// page reader; `None` when the types are right. Callers that parse pages themselves (the
    /// binding, with `JSON.parse`) check them with this to say what the byte readers say.
    pub fn problem(&self) -> Option<String> {
        if let Field::Wrong(t) = self.has_next {
            return Some(format!("has_next: expected a boolean, found {t}"));
        }
        if let Field::Wrong(t) = self.next_starting_after {
            return Some(format!(
                "next_starting_after: expected a string or null, found {t}"
            ));
        }
        match self.records {
            Field::Value(_) => None,
            Field::Wrong(t) => Some(format!("records: expected an array, found {t}")),
            Field::Missing => Some("page: missing \"records\" (an array of records)".to_owned()),
        }
    }
}

/// The problem with a page body that is JSON of type `found` (`an array`) but not an object.
pub fn body_problem(found: &str) -> String {
    format!("page: expected an object, found {found}")
}

/// The problem with the element `index` of `records`, of JSON type `found`, not an object.
pub fn record_problem(index: usize, found: &str) -> String {
    format!("records[{index}]: expected an object, found {found}")
}

/// A record shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Shape {
    /// `{"external_id", "tasks": [...]}`: the export's default.
    #[default]
    List,
    /// `{"external_id", "hierarchy": [...]}`.
    Hierarchy,
}

impl Shape {
    /// Reads `"list"` or `"hierarchy"`; the error names the option `field`.
    pub fn parse(field: &str, name: &str) -> Result<Shape> {
        match name {
            "list" => Ok(Shape::List),
            "hierarchy" => Ok(Shape::Hierarchy),
            other => Err(Error::invalid_params(
                field,
                format_args!("expected \"list\" or \"hierarchy\", got {}", quoted(other)),
            )),
        }
    }

    /// `"list"` or `"hierarchy"`, as the contract spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::List => "list",
            Shape::Hierarchy => "hierarchy",
        }
    }
}

/// A task dimension: what tasks are grouped by, in a converted hierarchy and in the stats tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// `ai_impact.level`.
    AiImpactLevel,
    /// `validation_state`.
    ValidationState,
}

impl Dimension {
    /// The value of a dimension a task does not have (no `ai_impact`, a `level` that is null or
    /// not a string).
    pub const UNKNOWN: &'static str = "unknown";

    /// Reads `"ai_impact_level"` or `"validation_state"`; the error names the option `field`.
    pub fn parse(field: &str, name: &str) -> Result<Dimension> {
        match name {
            "ai_impact_level" => Ok(Dimension::AiImpactLevel),
            "validation_state" => Ok(Dimension::ValidationState),
            other => Err(Error::invalid_params(
                field,
                format_args!(
                    "expected \"ai_impact_level\" or \"validation_state\", got {}",
                    quoted(other)
                ),
            )),
        }
    }

    /// The name [`Dimension::parse`] reads.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::AiImpactLevel => "ai_impact_level",
            Dimension::ValidationState => "validation_state",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn names_parse_back() {
        for shape in [Shape::List, Shape::Hierarchy] {
            assert_eq!(Shape::parse("to", shape.as_str()).unwrap(), shape);
        }
        for dim in [Dimension::AiImpactLevel, Dimension::ValidationState] {
            assert_eq!(Dimension::parse("by", dim.as_str()).unwrap(), dim);
        }
        let e = Shape::parse("convertTo", "tree\u{1}").unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidParams);
        assert_eq!(
            e.message,
            r#"convertTo: expected "list" or "hierarchy", got "tree\u0001""#
        );
        let e = Dimension::parse("groupBy", "skill").unwrap_err();
        assert_eq!(
            e.message,
            r#"groupBy: expected "ai_impact_level" or "validation_state", got "skill""#
        );
    }

    #[test]
    fn envelope_problems_in_order() {
        let mut e = PageEnvelope {
            has_next: Field::Wrong("a string"),
            next_starting_after: Field::Wrong("a number"),
            records: Field::Missing,
        };
        assert_eq!(
            e.problem().unwrap(),
            "has_next: expected a boolean, found a string"
        );
        e.has_next = Field::Missing;
        assert_eq!(
            e.problem().unwrap(),
            "next_starting_after: expected a string or null, found a number"
        );
        e.next_starting_after = Field::Missing;
        assert_eq!(
            e.problem().unwrap(),
            "page: missing \"records\" (an array of records)"
        );
        e.records = Field::Wrong("an object");
        assert_eq!(
            e.problem().unwrap(),
            "records: expected an array, found an object"
        );
        e.records = Field::Value(0);
        assert_eq!(e.problem(), None);
        assert_eq!(body_problem("null"), "page: expected an object, found null");
        assert_eq!(
            record_problem(2, "a number"),
            "records[2]: expected an object, found a number"
        );
    }
}
