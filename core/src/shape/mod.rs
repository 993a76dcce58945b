//! Lossless conversion between the `list` and `hierarchy` record shapes.
//!
//! Everything here is byte-oriented: JSON text in, compact JSON text out. Inputs are read once,
//! without building a tree of `serde_json::Value`s: objects become order-preserving lists of
//! members that borrow their raw (still escaped) keys and raw values from the input, and only the
//! arrays a conversion restructures (`records`, `tasks`, `hierarchy`, `children`, a task's
//! `path`) are looked into. Every other value — unknown fields, large integers such as
//! `12345678901234567890`, fractional numbers, nested objects — is copied to the output byte for
//! byte. Keys keep their input order (a replaced key — `hierarchy` for `tasks` — keeps its
//! place); the members a conversion adds (`path`, `children`) come last in their object.
//!
//! ## The shapes
//! - list record: `{"external_id", "tasks": [Task, ...], ...}`; a list task is an object with a
//!   string `task_id` and no `children`. It may carry a `path` (see below).
//! - hierarchy record: `{"external_id", "hierarchy": [Node, ...], ...}`. A node with `task_id` is
//!   a task node (its optional `children` are sub-tasks); a node without one is a group node and
//!   needs a string `node_id` and a `children` array.
//!
//! ## To list ([`Shape::List`])
//! Pre-order, depth first: every task node becomes one list task with all its fields but
//! `children`; group nodes disappear. With `keep_path` each task gets `path`: its ancestors,
//! outermost first — a group ancestor as the group node's object without `children`
//! (`{"node_id", "name", ...}`), a parent task as `{"task_id": <parent's id>}` (a `path` the task
//! node already had is replaced). A record already in list shape passes through unchanged, any
//! `path` on its tasks included.
//!
//! ## To hierarchy ([`Shape::Hierarchy`])
//! A list task is placed, in order of preference:
//! 1. with `group_by`: under one group per dimension, outermost first, whose `node_id` and `name`
//!    are the task's value (`ai_impact.level`, `validation_state`; `"unknown"` when missing or
//!    not a string). A task's `path`, if any, is then left on the task as an ordinary field;
//! 2. by its own `path` (which is then removed from the task);
//! 3. by the [`TaskTaxonomy`] given, under the path it knows for the task's `task_id`;
//! 4. at the top level.
//!
//! Walking a path, a group entry selects the group with that `node_id` among the children of the
//! current node, creating it (from the entry's object, unknown fields included) on first use; a
//! parent-task entry `{"task_id": P}` selects the latest task `P` placed so far among the
//! current node's children — the nearest preceding one — and is skipped when there is none.
//! Groups and tasks keep the order in which they first appear in the list.
//!
//! A hierarchy record passes through unchanged, unless `group_by` is given: its task nodes are
//! then flattened (pre-order, without `children`) and regrouped as above. A taxonomy alone does
//! not move the tasks of a hierarchy record: they are already placed.
//!
//! ## Errors
//! Malformed input is an [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) error whose
//! message starts with where: `records[3].hierarchy[0].children[2]: a task node needs "task_id"
//! or "children"`, `record: record has no "external_id"` (a single-record input is `record`, an
//! array `records[i]`, a page `page` and `records[i]`), or `records: invalid JSON: ... at line 3
//! column 7`. Unknown option values are `InvalidParams`. No input makes these functions panic.

mod group_by;
mod raw;
mod taxonomy;
mod to_hierarchy;
mod to_list;

// Native only: proptest does not build for wasm32, and wasm-pack test builds every test target.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

use std::borrow::Cow;

use crate::error::{Error, Result};
use crate::export::{Field, PageEnvelope};
use raw::{fail, Ctx, Doc, Item, Key, Obj, Seg, Val};

pub use taxonomy::{PathEntry, TaskTaxonomy, TAXONOMY_FORMAT, TAXONOMY_VERSION};

/// The longest `path` accepted (entries), in list tasks and in a taxonomy.
pub const MAX_PATH_LEN: usize = 128;

/// A record shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    /// `{"external_id", "tasks": [...]}`.
    List,
    /// `{"external_id", "hierarchy": [...]}`.
    Hierarchy,
}

impl Shape {
    /// Reads `"list"` or `"hierarchy"`.
    pub fn parse(name: &str) -> Result<Shape> {
        match name {
            "list" => Ok(Shape::List),
            "hierarchy" => Ok(Shape::Hierarchy),
            other => Err(Error::invalid_params(
                "to",
                format!("expected \"list\" or \"hierarchy\", got {other:?}"),
            )),
        }
    }

    /// `"list"` or `"hierarchy"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::List => "list",
            Shape::Hierarchy => "hierarchy",
        }
    }
}

/// A task dimension to group by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GroupDim {
    /// `ai_impact.level`.
    AiImpactLevel,
    /// `validation_state`.
    ValidationState,
}

impl GroupDim {
    /// Reads `"ai_impact_level"` or `"validation_state"`.
    pub fn parse(name: &str) -> Result<GroupDim> {
        match name {
            "ai_impact_level" => Ok(GroupDim::AiImpactLevel),
            "validation_state" => Ok(GroupDim::ValidationState),
            other => Err(Error::invalid_params(
                "groupBy",
                format!("expected \"ai_impact_level\" or \"validation_state\", got {other:?}"),
            )),
        }
    }

    /// The name [`GroupDim::parse`] reads.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupDim::AiImpactLevel => "ai_impact_level",
            GroupDim::ValidationState => "validation_state",
        }
    }
}

/// How to convert.
#[derive(Clone, Debug)]
pub struct ConvertOptions<'t> {
    /// The shape of the output records.
    pub to: Shape,
    /// To list: give each task its `path`. Ignored to hierarchy.
    pub keep_path: bool,
    /// To hierarchy: where list tasks without a `path` go. Ignored to list.
    pub taxonomy: Option<&'t TaskTaxonomy>,
    /// To hierarchy: group by these dimensions (outermost first) instead of by path or taxonomy.
    /// Each dimension at most once. Ignored to list.
    pub group_by: Vec<GroupDim>,
}

impl ConvertOptions<'_> {
    /// To `to`, with no other option.
    pub fn new(to: Shape) -> ConvertOptions<'static> {
        ConvertOptions {
            to,
            keep_path: false,
            taxonomy: None,
            group_by: Vec::new(),
        }
    }

    fn check(&self) -> Result<()> {
        for (i, dim) in self.group_by.iter().enumerate() {
            if self.group_by[..i].contains(dim) {
                return Err(Error::invalid_params(
                    "groupBy",
                    format!("{:?} is given twice", dim.as_str()),
                ));
            }
        }
        Ok(())
    }
}

/// Converts a whole page body (`{"has_next", ..., "records": [...], ...}`): every record is
/// converted, every other envelope field is kept as it is. Records may be of either shape.
/// Returns the page as compact JSON.
pub fn convert_page(body: &[u8], opts: &ConvertOptions) -> Result<Vec<u8>> {
    convert_page_with_envelope(body, opts).map(|(_, out)| out)
}

/// [`convert_page`], also returning the page's envelope (`has_next`, `next_starting_after`, the
/// number of records) read in the same pass, for the export to check.
pub fn convert_page_with_envelope(
    body: &[u8],
    opts: &ConvertOptions,
) -> Result<(PageEnvelope, Vec<u8>)> {
    opts.check()?;
    let page = match raw::parse_doc(body, Ctx::Page, Ctx::Flat, "page")? {
        Doc::One(page) => page,
        Doc::Many(_) => {
            return Err(Error::invalid_input(
                "page",
                "expected an object, found an array",
            ))
        }
        Doc::Wrong(t) => {
            return Err(Error::invalid_input(
                "page",
                format!("expected an object, found {t}"),
            ))
        }
    };
    let root = Seg::Root("page");
    let records = page_records(&page, &root)?;
    let mut envelope = PageEnvelope {
        records: Field::Value(records.len()),
        ..PageEnvelope::default()
    };
    for m in &page.members {
        let Val::Raw(raw) = &m.val else { continue };
        let raw = raw.trim();
        match m.raw_key {
            "\"has_next\"" => {
                envelope.has_next = match raw {
                    "true" => Field::Value(true),
                    "false" => Field::Value(false),
                    other => Field::Wrong(raw::type_name(other)),
                }
            }
            "\"next_starting_after\"" => {
                envelope.next_starting_after = match crate::stats::parse::json_string(raw) {
                    Some(cursor) => Field::Value(cursor),
                    None if raw == "null" => Field::Missing,
                    None => Field::Wrong(raw::type_name(raw)),
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::with_capacity(out_capacity(body.len(), opts));
    let mut conv = Converter::new(opts);
    out.push(b'{');
    for (i, m) in page.members.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if m.key == Key::Records {
            out.extend_from_slice(m.raw_key.as_bytes());
            out.extend_from_slice(b":[");
            let at = Seg::Root("records");
            for (j, item) in records.iter().enumerate() {
                if j > 0 {
                    out.push(b',');
                }
                conv.record(item, &Seg::Idx(&at, j), &mut out)?;
            }
            out.push(b']');
        } else {
            raw::write_member(&mut out, m);
        }
    }
    out.push(b'}');
    Ok((envelope, out))
}

/// Converts one record (a JSON object; errors name it `record`) or an array of records (errors
/// name them `records[i]`), each of either shape. The output has the same arity: an object for
/// an object, an array for an array.
pub fn convert_records(json: &[u8], opts: &ConvertOptions) -> Result<Vec<u8>> {
    opts.check()?;
    let doc = raw::parse_doc(json, Ctx::Record, Ctx::Record, input_label(json))?;
    let mut out = Vec::with_capacity(out_capacity(json.len(), opts));
    let mut conv = Converter::new(opts);
    match &doc {
        Doc::One(rec) => conv.record_obj(rec, &Seg::Root("record"), &mut out)?,
        Doc::Many(items) => {
            let at = Seg::Root("records");
            out.push(b'[');
            for (j, item) in items.iter().enumerate() {
                if j > 0 {
                    out.push(b',');
                }
                conv.record(item, &Seg::Idx(&at, j), &mut out)?;
            }
            out.push(b']');
        }
        Doc::Wrong(t) => {
            return Err(Error::invalid_input(
                "record",
                format!("expected a record object or an array of records, found {t}"),
            ))
        }
    }
    Ok(out)
}

fn out_capacity(len: usize, opts: &ConvertOptions) -> usize {
    let extra = if opts.to == Shape::List && opts.keep_path {
        len / 2
    } else {
        len / 16
    };
    len + extra + 64
}

/// `record` for an input that starts with `{`, `records` otherwise.
fn input_label(json: &[u8]) -> &'static str {
    match json.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') => "records",
        _ => "record",
    }
}

/// The `records` array of a page.
fn page_records<'r, 'a>(page: &'r Obj<'a>, at: &Seg) -> Result<&'r [Item<'a>]> {
    let mut records = None;
    for m in &page.members {
        if m.key != Key::Records {
            continue;
        }
        if records.is_some() {
            return Err(fail(at, "duplicate \"records\""));
        }
        records = Some(match &m.val {
            Val::Arr(items) => items.as_slice(),
            Val::Wrong(t) => {
                return Err(fail(
                    &Seg::Key(at, "records"),
                    format!("expected an array, found {t}"),
                ))
            }
            Val::Raw(_) => return Err(fail(&Seg::Key(at, "records"), "expected an array")),
        });
    }
    records.ok_or_else(|| fail(at, "page has no \"records\""))
}

struct Converter<'o, 't> {
    opts: &'o ConvertOptions<'t>,
    /// The rendered `path` of the current node (to list, with `keep_path`).
    path: Vec<u8>,
}

impl<'o, 't> Converter<'o, 't> {
    fn new(opts: &'o ConvertOptions<'t>) -> Self {
        Converter {
            opts,
            path: Vec::new(),
        }
    }

    fn record(&mut self, item: &Item, at: &Seg, out: &mut Vec<u8>) -> Result<()> {
        let rec = item.obj(at)?;
        self.record_obj(rec, at, out)
    }

    fn record_obj(&mut self, rec: &Obj, at: &Seg, out: &mut Vec<u8>) -> Result<()> {
        let body = record_body(rec, at)?;
        match self.opts.to {
            Shape::List => to_list::record(rec, body, at, self.opts.keep_path, &mut self.path, out),
            Shape::Hierarchy => to_hierarchy::record(rec, body, at, self.opts, out),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Validation shared by the conversions and the taxonomy.

/// The nodes of a record and its shape.
#[derive(Clone, Copy)]
pub(crate) enum Body<'r, 'a> {
    List(&'r [Item<'a>]),
    Hierarchy(&'r [Item<'a>]),
}

/// Checks a record: an `external_id` string and exactly one of `tasks` / `hierarchy` (an array).
pub(crate) fn record_body<'r, 'a>(rec: &'r Obj<'a>, at: &Seg) -> Result<Body<'r, 'a>> {
    let mut found: Option<(Key, &'r Val<'a>)> = None;
    let mut external_id = None;
    for m in &rec.members {
        match m.key {
            Key::Tasks | Key::Hierarchy => {
                if let Some((prev, _)) = found {
                    return Err(fail(
                        at,
                        if prev == m.key {
                            format!("duplicate \"{}\"", m.key.name())
                        } else {
                            "record has both \"tasks\" and \"hierarchy\"".to_string()
                        },
                    ));
                }
                found = Some((m.key, &m.val));
            }
            Key::ExternalId => {
                if external_id.is_some() {
                    return Err(fail(at, "duplicate \"external_id\""));
                }
                external_id = Some(&m.val);
            }
            _ => {}
        }
    }
    if found.is_none() && rec.has(Key::Records) {
        return Err(fail(
            at,
            "expected a record, found a page (pages go to convertPage)",
        ));
    }
    match external_id {
        None => return Err(fail(at, "record has no \"external_id\"")),
        Some(Val::Raw(raw)) if raw.starts_with('"') => {}
        Some(Val::Raw(raw)) => {
            return Err(fail(
                &Seg::Key(at, "external_id"),
                format!("expected a string, found {}", raw::type_name(raw)),
            ))
        }
        Some(_) => return Err(fail(&Seg::Key(at, "external_id"), "expected a string")),
    }
    let Some((key, val)) = found else {
        return Err(fail(at, "record has neither \"tasks\" nor \"hierarchy\""));
    };
    let items = match val {
        Val::Arr(items) => items.as_slice(),
        Val::Wrong(t) => {
            return Err(fail(
                &Seg::Key(at, key.name()),
                format!("expected an array, found {t}"),
            ))
        }
        Val::Raw(_) => return Err(fail(&Seg::Key(at, key.name()), "expected an array")),
    };
    Ok(if key == Key::Tasks {
        Body::List(items)
    } else {
        Body::Hierarchy(items)
    })
}

/// What a hierarchy node is.
pub(crate) struct NodeInfo<'r, 'a> {
    /// A task node: its `task_id`, decoded and raw.
    pub task: Option<(Cow<'a, str>, &'a str)>,
    /// A group node: its `node_id`.
    pub node_id: Option<Cow<'a, str>>,
    pub children: Option<&'r [Item<'a>]>,
}

/// Checks a hierarchy node.
pub(crate) fn node_info<'r, 'a>(obj: &'r Obj<'a>, at: &Seg) -> Result<NodeInfo<'r, 'a>> {
    let mut task_id = None;
    let mut node_id = None;
    let mut children = None;
    for m in &obj.members {
        let slot = match m.key {
            Key::TaskId => &mut task_id,
            Key::NodeId => &mut node_id,
            Key::Children => &mut children,
            _ => continue,
        };
        if slot.is_some() {
            return Err(fail(at, format!("duplicate \"{}\"", m.key.name())));
        }
        *slot = Some(&m.val);
    }
    let children = match children {
        None => None,
        Some(Val::Arr(items)) => Some(items.as_slice()),
        Some(Val::Wrong(t)) => {
            return Err(fail(
                &Seg::Key(at, "children"),
                format!("expected an array, found {t}"),
            ))
        }
        Some(Val::Raw(_)) => return Err(fail(&Seg::Key(at, "children"), "expected an array")),
    };
    if let Some(val) = task_id {
        let (id, raw) = string_field(val, at, "task_id")?;
        return Ok(NodeInfo {
            task: Some((id, raw)),
            node_id: None,
            children,
        });
    }
    if children.is_none() {
        return Err(fail(at, "a task node needs \"task_id\" or \"children\""));
    }
    let Some(val) = node_id else {
        return Err(fail(at, "a group node needs \"node_id\""));
    };
    let (id, _) = string_field(val, at, "node_id")?;
    Ok(NodeInfo {
        task: None,
        node_id: Some(id),
        children,
    })
}

/// A list task: its `task_id` (decoded and raw) and its raw `path`, if any.
pub(crate) struct ListTask<'a> {
    pub id: Cow<'a, str>,
    pub path: Option<&'a str>,
}

/// Checks a list task.
pub(crate) fn list_task<'a>(obj: &Obj<'a>, at: &Seg) -> Result<ListTask<'a>> {
    let mut task_id = None;
    let mut path = None;
    for m in &obj.members {
        let slot = match m.key {
            Key::TaskId => &mut task_id,
            Key::Path => &mut path,
            Key::Children => {
                return Err(fail(
                    at,
                    "a list task has no \"children\" (only hierarchy nodes do)",
                ))
            }
            _ => continue,
        };
        if slot.is_some() {
            return Err(fail(at, format!("duplicate \"{}\"", m.key.name())));
        }
        *slot = Some(&m.val);
    }
    let Some(val) = task_id else {
        return Err(fail(at, "a task needs \"task_id\""));
    };
    let (id, _) = string_field(val, at, "task_id")?;
    let path = match path {
        Some(Val::Raw(raw)) => Some(*raw),
        _ => None,
    };
    Ok(ListTask { id, path })
}

/// A string-valued member; the error names `at.field`.
fn string_field<'a>(
    val: &Val<'a>,
    at: &Seg,
    field: &'static str,
) -> Result<(Cow<'a, str>, &'a str)> {
    match val {
        Val::Raw(raw) => match raw::json_str(raw) {
            Some(s) => Ok((s, raw)),
            None => Err(fail(
                &Seg::Key(at, field),
                format!("expected a string, found {}", raw::type_name(raw)),
            )),
        },
        _ => Err(fail(&Seg::Key(at, field), "expected a string")),
    }
}

/// One entry of a `path`, borrowed from the input.
pub(crate) enum EntryRef<'r, 'a> {
    /// `{"node_id", ...}`: the whole object is the group.
    Group { id: Cow<'a, str>, obj: &'r Obj<'a> },
    /// `{"task_id"}`: a parent task.
    Task { id: Cow<'a, str>, raw: &'a str },
}

/// Checks a `path` entry: an object with a string `task_id` (a parent task) or else a string
/// `node_id` (a group), and no `children`.
pub(crate) fn path_entry<'r, 'a>(item: &'r Item<'a>, at: &Seg) -> Result<EntryRef<'r, 'a>> {
    let obj = item.obj(at)?;
    let mut task_id = None;
    let mut node_id = None;
    for m in &obj.members {
        let slot = match m.key {
            Key::TaskId => &mut task_id,
            Key::NodeId => &mut node_id,
            Key::Children => return Err(fail(at, "a path entry has no \"children\"")),
            _ => continue,
        };
        if slot.is_some() {
            return Err(fail(at, format!("duplicate \"{}\"", m.key.name())));
        }
        *slot = Some(&m.val);
    }
    if let Some(val) = task_id {
        let (id, raw) = string_field(val, at, "task_id")?;
        return Ok(EntryRef::Task { id, raw });
    }
    let Some(val) = node_id else {
        return Err(fail(at, "a path entry needs \"node_id\" or \"task_id\""));
    };
    let (id, _) = string_field(val, at, "node_id")?;
    Ok(EntryRef::Group { id, obj })
}

/// Parses and checks the raw `path` of a list task at `at` (the task).
pub(crate) fn parse_path<'a>(raw: &'a str, at: &Seg) -> Result<Vec<Item<'a>>> {
    let at_path = Seg::Key(at, "path");
    let items = raw::parse_array(raw, Ctx::Flat, &at_path)?;
    if items.len() > MAX_PATH_LEN {
        return Err(fail(
            &at_path,
            format!("longer than {MAX_PATH_LEN} entries"),
        ));
    }
    for (k, item) in items.iter().enumerate() {
        path_entry(item, &Seg::Idx(&at_path, k))?;
    }
    Ok(items)
}
