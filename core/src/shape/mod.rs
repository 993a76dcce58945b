//! Lossless conversion between the `list` and `hierarchy` record shapes.
//!
//! Where every task and group goes is decided in one place, [`plan`]: from a *skeleton* of each
//! record (how its nodes nest, its tasks' ids and paths, their grouping values), into
//! instructions that name which object of the input becomes which object of the output. The byte
//! converter below reads a record's JSON into a skeleton and renders its plan as JSON; the JS
//! package's `toList` and `toHierarchy` walk objects a caller holds into a skeleton, have it
//! planned ([`plan_records`]) and assemble the result from copies of the caller's objects. The
//! laws below hold for both because neither builder decides anything.
//!
//! The byte converter is byte-oriented: JSON text in, compact JSON text out. Inputs are read once,
//! without building a tree of values: a page is read by the one page reader
//! ([`crate::page`]), which hands each record over to be converted in place; a record becomes
//! order-preserving lists of members that borrow their raw (still escaped) keys and raw values
//! from the input (`json::raw`), and only the arrays a conversion restructures
//! (`tasks`, `hierarchy`, `children`, a task's `path`) are looked into. Every other value — unknown fields, large integers such as
//! `12345678901234567890`, fractional numbers, nested objects — is copied to the output byte for
//! byte. Keys keep their input order (a replaced key — `hierarchy` for `tasks` — keeps its
//! place); the members a conversion adds (`path`, `children`) come last in their object. As with
//! `JSON.parse`, a repeated key the conversions use (`records`, `tasks`, `task_id`, ...) is one
//! member, at its first place with its last value; other repeated keys are copied as they are.
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
//! Malformed input is an [`ErrorKind::InvalidInput`] error
//! (`Protocol` for a page from the server, [`convert_page_with_envelope`]) whose message starts
//! with where: `records[3].hierarchy[0].children[2]: a task node needs "task_id" or "children"`,
//! `record: record has no "external_id"` (a single-record input is `record`, an array
//! `records[i]`, a page `page` and its members `records[i]`, `has_next`), or
//! `records[0].tasks: invalid JSON: ... at line 3 column 7`. Unknown option values are
//! `InvalidParams`. No input makes these functions panic.

mod group_by;
pub mod plan;
mod schema;
mod taxonomy;
mod to_hierarchy;
mod to_list;

// Native only: proptest does not build for wasm32, and wasm-pack test builds every test target.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

use std::borrow::Cow;

use crate::error::{Error, ErrorKind, Result};
use crate::json::lexer::{read_all, Lexer, PResult};
use crate::json::path::Path;
use crate::json::raw::{self, str_of};
use crate::json::type_name;
use crate::json::write::quoted;
use crate::page::{read_page_with, read_records, Dimension, PageEnvelope, RecordsSink, Shape};
use schema::{fail, Ctx, Item, Key, Obj, Val};

pub use plan::plan_records;
pub use taxonomy::{PathEntry, TaskTaxonomy, TAXONOMY_FORMAT, TAXONOMY_VERSION};

/// The longest `path` accepted (entries), in list tasks and in a taxonomy.
pub const MAX_PATH_LEN: usize = 128;

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
    pub group_by: Vec<Dimension>,
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
                    format_args!("{} is given twice", quoted(dim.as_str())),
                ));
            }
        }
        Ok(())
    }
}

/// Converts a whole page body the caller gave (`{"has_next", ..., "records": [...], ...}`):
/// every record is converted, every other envelope member is kept as it is. Records may be of
/// either shape. Returns the page as compact JSON; errors are `InvalidInput`.
pub fn convert_page(body: &[u8], opts: &ConvertOptions) -> Result<Vec<u8>> {
    convert(body, opts, ErrorKind::InvalidInput).map(|(_, out)| out)
}

/// [`convert_page`] for a page from the server: also returns the page's envelope (`has_next`,
/// `next_starting_after`, the number of records) read in the same pass, for the export to check;
/// a page the contract does not allow is a `Protocol` error.
pub fn convert_page_with_envelope(
    body: &[u8],
    opts: &ConvertOptions,
) -> Result<(PageEnvelope, Vec<u8>)> {
    convert(body, opts, ErrorKind::Protocol)
}

fn convert(body: &[u8], opts: &ConvertOptions, kind: ErrorKind) -> Result<(PageEnvelope, Vec<u8>)> {
    opts.check()?;
    let mut page = PageWriter {
        conv: Converter::new(opts),
        out: Vec::with_capacity(out_capacity(body.len(), opts)),
        tail: Vec::new(),
        any: false,
        records_at: None,
        written: 0,
    };
    page.out.push(b'{');
    let envelope = read_page_with(body, &mut page, kind)?;
    let mut out = page.out;
    out.extend_from_slice(&page.tail);
    out.push(b'}');
    Ok((envelope, out))
}

/// Writes a converted page as the reader goes: the members before `records` and the converted
/// records in `out`, the members after them in `tail` (so that a repeated `records`, which
/// replaces the converted records, stays at the first one's place).
struct PageWriter<'o, 't> {
    conv: Converter<'o, 't>,
    out: Vec<u8>,
    tail: Vec<u8>,
    /// Whether a member was written (the next one needs a comma).
    any: bool,
    /// Where the converted records start in `out`, once `records` was met.
    records_at: Option<usize>,
    /// Records written in the current `records` array.
    written: usize,
}

impl<'a> RecordsSink<'a> for PageWriter<'_, '_> {
    fn member(&mut self, raw_key: &'a str, raw_value: &'a str) {
        let buf = if self.records_at.is_some() {
            &mut self.tail
        } else {
            &mut self.out
        };
        if self.any {
            buf.push(b',');
        }
        buf.extend_from_slice(raw_key.as_bytes());
        buf.push(b':');
        buf.extend_from_slice(raw_value.as_bytes());
        self.any = true;
    }

    fn begin(&mut self, raw_key: &'a str) {
        match self.records_at {
            Some(at) => self.out.truncate(at),
            None => {
                if self.any {
                    self.out.push(b',');
                }
                self.out.extend_from_slice(raw_key.as_bytes());
                self.out.extend_from_slice(b":[");
                self.records_at = Some(self.out.len());
                self.any = true;
            }
        }
        self.written = 0;
    }

    fn record(&mut self, lx: &mut Lexer<'a>, at: &Path) -> PResult<()> {
        write_record(&mut self.conv, &mut self.out, &mut self.written, lx, at)
    }

    fn end(&mut self) {
        self.out.push(b']');
    }
}

/// Converts one record (a JSON object; errors name it `record`) or an array of records (errors
/// name them `records[i]`), each of either shape. The output has the same arity: an object for
/// an object, an array for an array.
pub fn convert_records(json: &[u8], opts: &ConvertOptions) -> Result<Vec<u8>> {
    opts.check()?;
    let mut w = RecordsWriter {
        conv: Converter::new(opts),
        out: Vec::with_capacity(out_capacity(json.len(), opts)),
        written: 0,
    };
    read_records(json, &mut w, ErrorKind::InvalidInput)?;
    Ok(w.out)
}

/// Writes converted records as the reader hands them over.
struct RecordsWriter<'o, 't> {
    conv: Converter<'o, 't>,
    out: Vec<u8>,
    written: usize,
}

impl<'a> RecordsSink<'a> for RecordsWriter<'_, '_> {
    fn begin(&mut self, _: &'a str) {
        self.out.push(b'[');
    }

    fn record(&mut self, lx: &mut Lexer<'a>, at: &Path) -> PResult<()> {
        write_record(&mut self.conv, &mut self.out, &mut self.written, lx, at)
    }

    fn end(&mut self) {
        self.out.push(b']');
    }
}

/// Converts the record at `lx` into `out`, after a comma unless it is the array's first
/// (`written` counts them).
fn write_record<'a>(
    conv: &mut Converter,
    out: &mut Vec<u8>,
    written: &mut usize,
    lx: &mut Lexer<'a>,
    at: &Path,
) -> PResult<()> {
    if *written > 0 {
        out.push(b',');
    }
    let rec = raw::object(lx, Ctx::Record)?;
    match conv.record(&rec, at, out) {
        Ok(()) => {
            *written += 1;
            Ok(())
        }
        Err(e) => lx.fail_with(e.message),
    }
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

/// Reads a whole input of records as a raw tree (for the taxonomy, which also takes pages).
fn read_doc(json: &[u8]) -> Result<raw::Doc<'_, Key>> {
    read_all(
        json,
        &Path::Root(input_label(json)),
        ErrorKind::InvalidInput,
        |lx| raw::doc(lx, Ctx::Record, Ctx::Record),
    )
}

/// Converts records one by one: each is checked and read into a skeleton, planned
/// ([`plan`]), and the plan rendered as JSON.
struct Converter<'o, 't> {
    opts: &'o ConvertOptions<'t>,
    scratch: plan::Scratch,
}

impl<'o, 't> Converter<'o, 't> {
    fn new(opts: &'o ConvertOptions<'t>) -> Self {
        Converter {
            opts,
            scratch: plan::Scratch::default(),
        }
    }

    fn record(&mut self, rec: &Obj, at: &Path, out: &mut Vec<u8>) -> Result<()> {
        let body = record_body(rec, at)?;
        // The parsed paths of a list record's tasks, which the skeleton's entries borrow.
        let mut paths = Vec::new();
        let mut sk = self.scratch.skeleton(rec);
        match self.opts.to {
            Shape::List => to_list::read(body, at, &mut sk)?,
            Shape::Hierarchy => to_hierarchy::read(body, at, self.opts, &mut paths, &mut sk)?,
        }
        self.scratch.convert(sk, self.opts, out)
    }
}

// ---------------------------------------------------------------------------------------------
// Validation shared by the conversions and the taxonomy. The raw tree holds each key the
// conversions use once (see `schema`), so none of these meets a repeated key.

/// The nodes of a record and its shape.
#[derive(Clone, Copy)]
pub(crate) enum Body<'r, 'a> {
    List(&'r [Item<'a>]),
    Hierarchy(&'r [Item<'a>]),
}

/// The elements of a restructured array member `key` of the object at `at`.
fn array_member<'r, 'a>(val: &'r Val<'a>, at: &Path, key: Key) -> Result<&'r [Item<'a>]> {
    match val {
        Val::Arr(items) => Ok(items),
        Val::Wrong(t) => Err(fail(
            &at.key(key.name()),
            format_args!("expected an array, found {t}"),
        )),
        Val::Raw(raw) => Err(fail(
            &at.key(key.name()),
            format_args!("expected an array, found {}", type_name(raw)),
        )),
    }
}

/// Checks a record: an `external_id` string and exactly one of `tasks` / `hierarchy` (an array).
pub(crate) fn record_body<'r, 'a>(rec: &'r Obj<'a>, at: &Path) -> Result<Body<'r, 'a>> {
    let tasks = rec.get(Key::Tasks);
    let hierarchy = rec.get(Key::Hierarchy);
    if tasks.is_some() && hierarchy.is_some() {
        return Err(fail(at, "record has both \"tasks\" and \"hierarchy\""));
    }
    if tasks.is_none() && hierarchy.is_none() && rec.has(Key::Records) {
        return Err(fail(
            at,
            "expected a record, found a page (pages go to convertPage)",
        ));
    }
    match rec.get(Key::ExternalId) {
        None => return Err(fail(at, "record has no \"external_id\"")),
        Some(val) => {
            string_field(val, at, "external_id")?;
        }
    }
    match (tasks, hierarchy) {
        (Some(val), _) => array_member(val, at, Key::Tasks).map(Body::List),
        (_, Some(val)) => array_member(val, at, Key::Hierarchy).map(Body::Hierarchy),
        (None, None) => Err(fail(at, "record has neither \"tasks\" nor \"hierarchy\"")),
    }
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
pub(crate) fn node_info<'r, 'a>(obj: &'r Obj<'a>, at: &Path) -> Result<NodeInfo<'r, 'a>> {
    let children = match obj.get(Key::Children) {
        None => None,
        Some(val) => Some(array_member(val, at, Key::Children)?),
    };
    if let Some(val) = obj.get(Key::TaskId) {
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
    let Some(val) = obj.get(Key::NodeId) else {
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
pub(crate) fn list_task<'a>(obj: &Obj<'a>, at: &Path) -> Result<ListTask<'a>> {
    // An empty `children` is a task node's, carried by `toList` as data.
    if obj.get(Key::Children).is_some_and(|v| !v.is_empty_array()) {
        return Err(fail(
            at,
            "a list task's \"children\" can only be empty (only hierarchy nodes have children)",
        ));
    }
    let Some(val) = obj.get(Key::TaskId) else {
        return Err(fail(at, "a task needs \"task_id\""));
    };
    let (id, _) = string_field(val, at, "task_id")?;
    Ok(ListTask {
        id,
        path: obj.raw(Key::Path),
    })
}

/// A string-valued member: decoded and raw; the error names `at.field`.
fn string_field<'a>(
    val: &Val<'a>,
    at: &Path,
    field: &'static str,
) -> Result<(Cow<'a, str>, &'a str)> {
    let found = match val {
        Val::Raw(raw) => match str_of(raw) {
            Some(s) => return Ok((s, raw)),
            None => type_name(raw),
        },
        Val::Arr(_) => "an array",
        Val::Wrong(t) => t,
    };
    Err(fail(
        &at.key(field),
        format_args!("expected a string, found {found}"),
    ))
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
pub(crate) fn path_entry<'r, 'a>(item: &'r Item<'a>, at: &Path) -> Result<EntryRef<'r, 'a>> {
    let obj = item.obj(at)?;
    if obj.has(Key::Children) {
        return Err(fail(at, "a path entry has no \"children\""));
    }
    if let Some(val) = obj.get(Key::TaskId) {
        let (id, raw) = string_field(val, at, "task_id")?;
        return Ok(EntryRef::Task { id, raw });
    }
    let Some(val) = obj.get(Key::NodeId) else {
        return Err(fail(at, "a path entry needs \"node_id\" or \"task_id\""));
    };
    let (id, _) = string_field(val, at, "node_id")?;
    Ok(EntryRef::Group { id, obj })
}

/// Parses and checks the raw `path` of a list task at `at` (the task).
pub(crate) fn parse_path<'a>(raw: &'a str, at: &Path) -> Result<Vec<Item<'a>>> {
    let at_path = at.key("path");
    let items = raw::parse_array(raw, Ctx::Flat, &at_path)?;
    if items.len() > MAX_PATH_LEN {
        return Err(fail(
            &at_path,
            format_args!("longer than {MAX_PATH_LEN} entries"),
        ));
    }
    for (k, item) in items.iter().enumerate() {
        path_entry(item, &at_path.index(k))?;
    }
    Ok(items)
}
