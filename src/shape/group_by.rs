//! The value of a task for a grouping dimension.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::raw::{json_str, Key, Obj};
use super::GroupDim;

/// The group of a task that has no value (or a non-string value) for a dimension.
pub(crate) const UNKNOWN: &str = "unknown";
const UNKNOWN_JSON: &str = "\"unknown\"";

#[derive(Deserialize)]
struct AiImpact<'a> {
    #[serde(borrow, default)]
    level: Option<&'a RawValue>,
}

/// The task's value for `dim`: decoded (the group's identity) and as raw JSON string text (its
/// `node_id` and `name` in the output).
pub(crate) fn value<'a>(task: &Obj<'a>, dim: GroupDim) -> (Cow<'a, str>, &'a str) {
    let raw = match dim {
        GroupDim::ValidationState => task.raw(Key::ValidationState),
        GroupDim::AiImpactLevel => task
            .raw(Key::AiImpact)
            .and_then(|ai| serde_json::from_str::<AiImpact>(ai.get()).ok())
            .and_then(|ai| ai.level),
    };
    match raw.and_then(|raw| json_str(raw).map(|s| (s, raw.get()))) {
        Some(found) => found,
        None => (Cow::Borrowed(UNKNOWN), UNKNOWN_JSON),
    }
}
