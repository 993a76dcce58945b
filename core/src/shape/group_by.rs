//! The value of a task for a grouping dimension.

use std::borrow::Cow;

use super::raw::{flat_object, json_str, Key, Obj, Val};
use super::GroupDim;

/// The group of a task that has no value (or a non-string value) for a dimension.
pub(crate) const UNKNOWN: &str = "unknown";
const UNKNOWN_JSON: &str = "\"unknown\"";

/// `ai_impact.level` as raw JSON (`None` when `ai_impact` is no object or has `level` twice).
fn level(ai: &str) -> Option<&str> {
    let obj = flat_object(ai)?;
    let mut found = None;
    for m in &obj.members {
        if m.raw_key == "\"level\"" {
            if found.is_some() {
                return None;
            }
            found = match m.val {
                Val::Raw(raw) => Some(raw),
                _ => None,
            };
        }
    }
    found
}

/// The task's value for `dim`: decoded (the group's identity) and as raw JSON string text (its
/// `node_id` and `name` in the output).
pub(crate) fn value<'a>(task: &Obj<'a>, dim: GroupDim) -> (Cow<'a, str>, &'a str) {
    let raw = match dim {
        GroupDim::ValidationState => task.raw(Key::ValidationState),
        GroupDim::AiImpactLevel => task.raw(Key::AiImpact).and_then(level),
    };
    match raw.and_then(|raw| json_str(raw).map(|s| (s, raw))) {
        Some(found) => found,
        None => (Cow::Borrowed(UNKNOWN), UNKNOWN_JSON),
    }
}
