//! What the conversions want from the raw JSON tree ([`crate::json::raw`]): the keys they look
//! at, and the arrays they restructure (`tasks`, `hierarchy`, `children`), which are read into
//! the tree in the same pass; everything else stays raw text, copied through byte for byte.

use std::fmt;

use crate::error::Error;
use crate::json::path::Path;
use crate::json::raw::{self, Schema};

/// The keys the conversions look at; everything else is [`Key::Other`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Key {
    TaskId,
    NodeId,
    Name,
    Children,
    Path,
    Tasks,
    Hierarchy,
    Records,
    ExternalId,
    AiImpact,
    ValidationState,
    Level,
    Other,
}

impl Key {
    fn from_name(name: &str) -> Key {
        match name {
            "task_id" => Key::TaskId,
            "node_id" => Key::NodeId,
            "name" => Key::Name,
            "children" => Key::Children,
            "path" => Key::Path,
            "tasks" => Key::Tasks,
            "hierarchy" => Key::Hierarchy,
            "records" => Key::Records,
            "external_id" => Key::ExternalId,
            "ai_impact" => Key::AiImpact,
            "validation_state" => Key::ValidationState,
            "level" => Key::Level,
            _ => Key::Other,
        }
    }

    /// The key as the messages spell it.
    pub fn name(self) -> &'static str {
        match self {
            Key::TaskId => "task_id",
            Key::NodeId => "node_id",
            Key::Name => "name",
            Key::Children => "children",
            Key::Path => "path",
            Key::Tasks => "tasks",
            Key::Hierarchy => "hierarchy",
            Key::Records => "records",
            Key::ExternalId => "external_id",
            Key::AiImpact => "ai_impact",
            Key::ValidationState => "validation_state",
            Key::Level => "level",
            Key::Other => "?",
        }
    }
}

/// Which arrays of an object the conversions restructure.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ctx {
    /// A record: `tasks` (list tasks) and `hierarchy` (nodes).
    Record,
    /// A list task: nothing (its `path` is read when it is used).
    ListTask,
    /// A hierarchy node: `children`.
    Node,
    /// A path entry or anything else: nothing.
    Flat,
}

impl Schema for Ctx {
    type Key = Key;

    fn classify(raw_key: &str) -> Key {
        let inner = raw_key
            .get(1..raw_key.len().saturating_sub(1))
            .unwrap_or("");
        let key = Key::from_name(inner);
        if key == Key::Other && inner.contains('\\') {
            // An escaped spelling of a known key (`"task\u005fid"`) is still that key.
            if let Some(decoded) = raw::str_of(raw_key) {
                return Key::from_name(&decoded);
            }
        }
        key
    }

    fn bit(key: Key) -> u32 {
        match key {
            Key::Other => 0,
            known => 1 << (known as u32),
        }
    }

    fn descend(self, key: Key) -> Option<Ctx> {
        match (self, key) {
            (Ctx::Record, Key::Tasks) => Some(Ctx::ListTask),
            (Ctx::Record, Key::Hierarchy) => Some(Ctx::Node),
            (Ctx::Node, Key::Children) => Some(Ctx::Node),
            _ => None,
        }
    }
}

pub(crate) type Obj<'a> = raw::Obj<'a, Key>;
pub(crate) type Item<'a> = raw::Item<'a, Key>;
pub(crate) type Val<'a> = raw::Val<'a, Key>;

/// An `InvalidInput` error at `at`.
pub(crate) fn fail(at: &Path, problem: impl fmt::Display) -> Error {
    Error::invalid_input(&at.to_string(), problem)
}
