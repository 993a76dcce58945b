//! The borrowed JSON object representation the conversions work on, its one-pass parser and its
//! writer.
//!
//! An object is an order-preserving list of members: the key as its raw (still escaped) JSON text
//! with quotes, a classification of the key ([`Key`]), and the value. Values are kept as their raw
//! JSON slice ([`Val::Raw`]), except for the few arrays the conversions restructure (`records`,
//! `tasks`, `hierarchy`, `children`), which the parser descends into ([`Val::Arr`]) while it reads
//! the input once. Nothing is unescaped or re-encoded, so every value the conversions do not
//! restructure is copied to the output byte for byte.

use std::borrow::Cow;
use std::fmt;

use crate::error::{Error, Result};
use crate::stats::parse::{PResult, Parser, Scratch};

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
            _ => Key::Other,
        }
    }

    /// Classifies a raw key (`"task_id"`, quotes included).
    fn classify(raw: &str) -> Key {
        let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
        let key = Key::from_name(inner);
        if key == Key::Other && inner.contains('\\') {
            // An escaped spelling of a known key (`"task\u005fid"`) is still that key.
            if let Some(decoded) = crate::stats::parse::json_string(raw) {
                return Key::from_name(&decoded);
            }
        }
        key
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
            Key::Other => "?",
        }
    }
}

/// One member of an object.
pub(crate) struct Member<'a> {
    /// The key's raw JSON text, quotes included.
    pub raw_key: &'a str,
    pub key: Key,
    pub val: Val<'a>,
}

/// A member's value.
pub(crate) enum Val<'a> {
    /// Not looked into: the raw JSON text.
    Raw(&'a str),
    /// A restructured array (`records`, `tasks`, `hierarchy`, `children`).
    Arr(Vec<Item<'a>>),
    /// A restructured key whose value is not an array: the JSON type found instead.
    Wrong(&'static str),
}

/// An element of a restructured array.
pub(crate) enum Item<'a> {
    Obj(Obj<'a>),
    /// Not an object: the JSON type found instead.
    Wrong(&'static str),
}

/// An object, members in input order.
pub(crate) struct Obj<'a> {
    pub members: Vec<Member<'a>>,
}

impl<'a> Obj<'a> {
    /// The value of the first member with this key.
    pub fn get(&self, key: Key) -> Option<&Val<'a>> {
        self.members.iter().find(|m| m.key == key).map(|m| &m.val)
    }

    /// The raw value of the first member with this key (`None` when absent or restructured).
    pub fn raw(&self, key: Key) -> Option<&'a str> {
        match self.get(key) {
            Some(Val::Raw(raw)) => Some(raw),
            _ => None,
        }
    }

    pub fn has(&self, key: Key) -> bool {
        self.members.iter().any(|m| m.key == key)
    }
}

impl<'a> Item<'a> {
    /// The object, or the error for a non-object element at `at`.
    pub fn obj(&self, at: &Seg) -> Result<&Obj<'a>> {
        match self {
            Item::Obj(o) => Ok(o),
            Item::Wrong(t) => Err(Error::invalid_input(
                &at.to_string(),
                format!("expected an object, found {t}"),
            )),
        }
    }
}

/// Which arrays of an object the parser descends into.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ctx {
    /// A page envelope: `records`.
    Page,
    /// A record: `tasks` (list tasks) and `hierarchy` (nodes).
    Record,
    /// A list task: nothing (its `path` is parsed on demand).
    ListTask,
    /// A hierarchy node: `children`.
    Node,
    /// A path entry or anything else: nothing.
    Flat,
}

impl Ctx {
    fn descend(self, key: Key) -> Option<Ctx> {
        match (self, key) {
            (Ctx::Page, Key::Records) => Some(Ctx::Record),
            (Ctx::Record, Key::Tasks) => Some(Ctx::ListTask),
            (Ctx::Record, Key::Hierarchy) => Some(Ctx::Node),
            (Ctx::Node, Key::Children) => Some(Ctx::Node),
            _ => None,
        }
    }
}

/// A whole input: one object, or an array of objects.
pub(crate) enum Doc<'a> {
    One(Obj<'a>),
    Many(Vec<Item<'a>>),
    /// Neither: the JSON type found.
    Wrong(&'static str),
}

/// Parses a whole input; a top-level object is read as `one`, the elements of a top-level array
/// as `each`. `label` names the input in error messages.
pub(crate) fn parse_doc<'a>(bytes: &'a [u8], one: Ctx, each: Ctx, label: &str) -> Result<Doc<'a>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = crate::stats::parse::line_col(bytes, e.valid_up_to());
        Error::invalid_input(
            label,
            format!("invalid JSON: invalid UTF-8 at line {line} column {column}"),
        )
    })?;
    let mut scratch = Scratch::default();
    let mut p = Parser::new(text, &mut scratch);
    p.serde_like = true;
    parse_top(&mut p, one, each).map_err(|_| {
        Error::invalid_input(label, format_args!("invalid JSON: {}", p.take_problem()))
    })
}

/// Parses a raw array value (a `path`, or a page's `records` read again) whose elements are
/// objects of context `each`.
pub(crate) fn parse_array<'a>(raw: &'a str, each: Ctx, at: &Seg) -> Result<Vec<Item<'a>>> {
    let mut scratch = Scratch::default();
    let mut p = Parser::new(raw, &mut scratch);
    p.serde_like = true;
    match parse_val(&mut p, each).and_then(|v| p.end().map(|()| v)) {
        Ok(Val::Arr(items)) => Ok(items),
        Ok(Val::Wrong(t)) => Err(Error::invalid_input(
            &at.to_string(),
            format!("expected an array, found {t}"),
        )),
        Ok(Val::Raw(_)) => Err(Error::invalid_input(&at.to_string(), "expected an array")),
        Err(_) => Err(Error::invalid_input(
            &at.to_string(),
            format!("invalid JSON: {}", p.take_problem()),
        )),
    }
}

/// A raw value read as a flat object (no member descended); `None` when it is no object.
pub(crate) fn flat_object(raw: &str) -> Option<Obj<'_>> {
    let mut scratch = Scratch::default();
    let mut p = Parser::new(raw, &mut scratch);
    p.serde_like = true;
    if p.type_here() != "an object" {
        return None;
    }
    parse_obj(&mut p, Ctx::Flat).ok()
}

/// The JSON type of a raw value, for messages.
pub(crate) fn type_name(raw: &str) -> &'static str {
    crate::stats::parse::json_type_at(raw.as_bytes().first().copied())
}

/// The string a raw value holds, borrowed when it has no escapes; `None` when it is no string.
///
/// JSON allows escaped lone surrogates (`"\ud83d"`), which JS accepts but a Rust string cannot
/// hold; such a string is identified by its raw escaped text instead.
pub(crate) fn json_str(raw: &str) -> Option<Cow<'_, str>> {
    let text = raw;
    if !text.starts_with('"') || text.len() < 2 {
        return None;
    }
    let inner = &text[1..text.len() - 1];
    if inner.contains('\\') {
        Some(match crate::stats::parse::json_string(text) {
            Some(s) => Cow::Owned(s),
            None => Cow::Borrowed(inner),
        })
    } else {
        Some(Cow::Borrowed(inner))
    }
}

// ---------------------------------------------------------------------------------------------
// Parser: the stats scanner, descending only into the restructured arrays.

fn parse_top<'a>(p: &mut Parser<'a, '_>, one: Ctx, each: Ctx) -> PResult<Doc<'a>> {
    let doc = match p.type_here() {
        "an object" => Doc::One(parse_obj(p, one)?),
        "an array" => Doc::Many(parse_items(p, each)?),
        t => {
            p.skip_value()?;
            Doc::Wrong(t)
        }
    };
    p.end()?;
    Ok(doc)
}

/// A restructured array value (or the type found instead).
fn parse_val<'a>(p: &mut Parser<'a, '_>, each: Ctx) -> PResult<Val<'a>> {
    p.ws();
    match p.peek() {
        Some(b'[') => parse_items(p, each).map(Val::Arr),
        _ => {
            let t = p.type_here();
            p.skip_value()?;
            Ok(Val::Wrong(t))
        }
    }
}

fn parse_items<'a>(p: &mut Parser<'a, '_>, each: Ctx) -> PResult<Vec<Item<'a>>> {
    p.begin_array("an array")?;
    let mut items = Vec::new();
    let mut first = true;
    while p.next_element_checked(&mut first)? {
        p.ws();
        let item = match p.peek() {
            Some(b'{') => Item::Obj(parse_obj(p, each)?),
            _ => {
                let t = p.type_here();
                p.skip_value()?;
                Item::Wrong(t)
            }
        };
        items.push(item);
    }
    Ok(items)
}

fn parse_obj<'a>(p: &mut Parser<'a, '_>, ctx: Ctx) -> PResult<Obj<'a>> {
    p.begin_object("an object")?;
    let mut members = Vec::with_capacity(8);
    let mut first = true;
    while let Some(raw_key) = p.next_raw_key(&mut first)? {
        let key = Key::classify(raw_key);
        let val = match ctx.descend(key) {
            Some(each) => parse_val(p, each)?,
            None => {
                p.ws();
                let start = p.pos;
                p.skip_value()?;
                Val::Raw(p.since(start))
            }
        };
        members.push(Member { raw_key, key, val });
    }
    Ok(Obj { members })
}

// ---------------------------------------------------------------------------------------------
// Error paths.

/// A JSON path for error messages, built on the stack as the conversion descends:
/// `records[3].hierarchy[0].children[2]`.
pub(crate) enum Seg<'p> {
    Root(&'static str),
    Idx(&'p Seg<'p>, usize),
    Key(&'p Seg<'p>, &'static str),
}

impl fmt::Display for Seg<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Seg::Root(name) => f.write_str(name),
            Seg::Idx(parent, i) => write!(f, "{parent}[{i}]"),
            Seg::Key(parent, key) => write!(f, "{parent}.{key}"),
        }
    }
}

/// An `InvalidInput` error at `at`.
pub(crate) fn fail(at: &Seg, problem: impl fmt::Display) -> Error {
    Error::invalid_input(&at.to_string(), problem)
}

// ---------------------------------------------------------------------------------------------
// Writer: compact JSON, raw values copied through.

pub(crate) fn write_val(out: &mut Vec<u8>, val: &Val) {
    match val {
        Val::Raw(raw) => out.extend_from_slice(raw.as_bytes()),
        Val::Arr(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                match item {
                    Item::Obj(o) => write_obj(out, o, |_| false),
                    // Validation refuses these before anything is written.
                    Item::Wrong(_) => out.extend_from_slice(b"null"),
                }
            }
            out.push(b']');
        }
        Val::Wrong(_) => out.extend_from_slice(b"null"),
    }
}

pub(crate) fn write_member(out: &mut Vec<u8>, m: &Member) {
    out.extend_from_slice(m.raw_key.as_bytes());
    out.push(b':');
    write_val(out, &m.val);
}

/// Writes the members of `obj` but those whose key `skip` says, comma-separated, without braces.
/// Returns whether any member was written.
pub(crate) fn write_members(out: &mut Vec<u8>, obj: &Obj, skip: impl Fn(Key) -> bool) -> bool {
    let mut any = false;
    for m in &obj.members {
        if skip(m.key) {
            continue;
        }
        if any {
            out.push(b',');
        }
        write_member(out, m);
        any = true;
    }
    any
}

/// Writes `{...}` of the members of `obj` but those whose key `skip` says.
pub(crate) fn write_obj(out: &mut Vec<u8>, obj: &Obj, skip: impl Fn(Key) -> bool) {
    out.push(b'{');
    write_members(out, obj, skip);
    out.push(b'}');
}
