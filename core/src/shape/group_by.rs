//! The value of a task for a grouping dimension.

use std::borrow::Cow;

use super::schema::{Ctx, Key, Obj};
use crate::json::raw::{parse_object, str_of};
use crate::page::Dimension;

/// [`Dimension::UNKNOWN`] as the raw JSON of a group's `node_id` and `name`.
pub(crate) const UNKNOWN_JSON: &str = "\"unknown\"";

/// `ai_impact.level` as raw JSON (`None` when `ai_impact` is no object or has no `level`).
fn level(ai: &str) -> Option<&str> {
    parse_object(ai, Ctx::Flat)?.raw(Key::Level)
}

/// The task's value for `dim` when it is a string: decoded (the group's identity) and as raw
/// JSON string text (its `node_id` and `name` in the output). `None` when the value is missing
/// or not a string: the task goes to the [`Dimension::UNKNOWN`] group.
pub(crate) fn value<'a>(task: &Obj<'a>, dim: Dimension) -> Option<(Cow<'a, str>, &'a str)> {
    let raw = match dim {
        Dimension::ValidationState => task.raw(Key::ValidationState),
        Dimension::AiImpactLevel => task.raw(Key::AiImpact).and_then(level),
    };
    raw.and_then(|raw| str_of(raw).map(|s| (s, raw)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_unknown_json_is_the_unknown_value() {
        assert_eq!(
            super::UNKNOWN_JSON,
            crate::json::write::quoted(crate::page::Dimension::UNKNOWN)
        );
    }
}
