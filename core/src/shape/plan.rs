//! Plans: the structure of converted records, decided by one code for both ways of building them.
//!
//! A conversion reads records, decides where every task and group goes, and builds the result.
//! The deciding is done here, from a *skeleton* of each record — how its nodes nest, the ids and
//! paths of its tasks, their grouping values — into a *plan*: instructions that say which
//! object of the input becomes which object of the output, in order. Two builders follow plans:
//! - the byte converter ([`super::convert_records`], [`super::convert_page`]) reads a record's
//!   JSON, checks it and writes its skeleton (`to_list::read`, `to_hierarchy::read`), plans it,
//!   and renders the plan as JSON (`render`);
//! - the JS package converts objects a caller already holds (`toList`, `toHierarchy` in
//!   `pkg-templates/shapes.js`): `skeleton.js` walks them into a skeleton, [`plan_records`]
//!   plans it, and `assemble.js` builds the result from shallow copies of the caller's objects.
//!
//! Either way the placement laws of the [module documentation](super) are this module's (and
//! `to_list`'s and `to_hierarchy`'s planning halves); the builders only copy what they are told.
//!
//! ## Skeleton
//! A sequence of `u32` words and a table of strings they refer to by index. Records, *items*
//! and *entries* are numbered from 0 in the order the skeleton lists them: an item is a list
//! task or a hierarchy node, an entry is an element of a list task's `path`. What a record's
//! words hold depends on the conversion, since each needs something else:
//!
//! - to list: a list record is `LIST` (it passes through; its tasks are not listed); a hierarchy
//!   record is `HIERARCHY n` and its `n` top-level nodes, each a *node word* `c * 2 + t` (`t`
//!   is 1 for a task node, 0 for a group; `c` its number of children) followed by its children.
//! - to hierarchy without grouping: a list record is `LIST n` and its `n` tasks, each `s p`: `s`
//!   the string of its `task_id`, `p` 0 without a `path`, else one more than its number of
//!   entries, which follow as `s * 2 + t` (`t` 1 for a parent task `{"task_id"}`, 0 for a group;
//!   `s` the string of its id). A hierarchy record is `HIERARCHY` (it passes through).
//! - to hierarchy grouping by `k` dimensions: a list record is `LIST n` and its tasks; a
//!   hierarchy record `HIERARCHY n` and its nodes as to list. A task — a list task, or a task
//!   node after its node word — is `k` words, one per dimension in order: 0 when the value is
//!   missing or not a string (the unknown value), else one more than the value's string.
//!
//! [`plan_records`] reads a whole call's records, after a header word (see there); the byte
//! converter plans one record at a time.
//!
//! A skeleton is checked as it is read: a word that does not fit, a string or a count out of
//! range, nesting deeper than [`MAX_DEPTH`] or a path longer than
//! [`MAX_PATH_LEN`](super::MAX_PATH_LEN) is an `InvalidInput` error naming `skeleton`. The
//! objects behind item and entry numbers are the builder's: a plan names them, it cannot check
//! them.
//!
//! ## Plan
//! A sequence of `u32` words, the instructions of [`op`] (each followed by its argument), and
//! the group nodes made from the taxonomy or from grouping values, which the instructions name
//! by index.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use super::group_by::UNKNOWN_JSON;
use super::schema::Obj;
use super::{to_hierarchy, to_list, ConvertOptions};
use crate::error::{Error, Result};
use crate::json::lexer::{Lexer, MAX_DEPTH};
use crate::json::raw::str_of;
use crate::page::Shape;

/// The skeleton word that starts a list record.
pub(crate) const LIST: u32 = 0;
/// The skeleton word that starts a hierarchy record.
pub(crate) const HIERARCHY: u32 = 1;

/// The instructions of a plan: two words each, the instruction and its argument (0 for those
/// named without one: `END`, `LEAVE`, `CLOSE`).
///
/// To assemble: `REC` starts a record and an array, the elements of which the next instructions
/// make, up to the record's `END`. Group nodes and parent tasks are *opened*: the nodes made
/// until the matching `CLOSE` are their `children`. To list, `ENTER_*` and `LEAVE` keep the
/// ancestry (`path`) of the tasks to come. Copies keep their members in order; a member the
/// instruction adds (`path`, `children`) comes last.
pub mod op {
    /// `REC r`: record `r`, its `tasks` or `hierarchy` member replaced in its place by the
    /// array made up to `END`, named `tasks` to list and `hierarchy` to hierarchy.
    pub const REC: u32 = 1;
    /// `PASS r`: record `r` as it is.
    pub const PASS: u32 = 2;
    /// Ends the record of the last `REC`.
    pub const END: u32 = 3;
    /// `TASK i`: item `i` without `children`.
    pub const TASK: u32 = 4;
    /// `TASK_STRIP i`: item `i` without `children` and `path` (its path placed it).
    pub const TASK_STRIP: u32 = 5;
    /// `TASK_PATH i`: item `i` without `children` and `path`, then `path`: the entries entered
    /// and not left, outermost first, each a copy.
    pub const TASK_PATH: u32 = 6;
    /// `ENTER_GROUP i`: enters group node `i`: its entry is the node without `children`.
    pub const ENTER_GROUP: u32 = 7;
    /// `ENTER_TASK i`: enters task node `i`: its entry is `{"task_id": <its task_id>}`.
    pub const ENTER_TASK: u32 = 8;
    /// Leaves the entry entered last.
    pub const LEAVE: u32 = 9;
    /// `OPEN i`: item `i` without `children`, opened: `children` last.
    pub const OPEN: u32 = 10;
    /// `OPEN_STRIP i`: item `i` without `children` and `path`, opened.
    pub const OPEN_STRIP: u32 = 11;
    /// `GROUP_ENTRY e`: a group node made of entry `e` (a path entry, which has no
    /// `children`), opened.
    pub const GROUP_ENTRY: u32 = 12;
    /// `GROUP g`: a group node made of the plan's group `g`, opened.
    pub const GROUP: u32 = 13;
    /// Closes the node opened last.
    pub const CLOSE: u32 = 14;
}

/// A string of a skeleton's table.
pub(crate) struct Str<'a> {
    /// Decoded: what ids are compared by (see [`str_of`] for unpaired surrogates).
    pub id: Cow<'a, str>,
    /// The JSON text, quotes included: what a grouping value's group is written with. The byte
    /// reader leaves it empty for ids, which are never written from here.
    pub raw: &'a str,
}

/// A group node a plan makes of something else than a path entry of the input.
#[derive(Clone, Copy)]
pub(crate) enum Group<'p> {
    /// A taxonomy group: its members, JSON without braces.
    Members(&'p str),
    /// A grouping value as raw JSON string text, for its `node_id` and `name`; `None` for the
    /// unknown value.
    Value(Option<&'p str>),
}

impl Group<'_> {
    /// Writes the group's members, JSON without braces.
    pub(crate) fn write_members(self, out: &mut Vec<u8>) {
        match self {
            Group::Members(text) => out.extend_from_slice(text.as_bytes()),
            Group::Value(raw) => {
                let raw = raw.unwrap_or(UNKNOWN_JSON).as_bytes();
                out.extend_from_slice(b"\"node_id\":");
                out.extend_from_slice(raw);
                out.extend_from_slice(b",\"name\":");
                out.extend_from_slice(raw);
            }
        }
    }
}

/// A skeleton that does not describe records: the planner's one failure, without a message
/// until it leaves (an [`Error`] is large, and moving one through every `?` costs code).
#[derive(Debug)]
pub(crate) struct Malformed;

impl From<Malformed> for Error {
    #[cold]
    #[inline(never)]
    fn from(_: Malformed) -> Error {
        Error::invalid_input("skeleton", "malformed")
    }
}

/// What planning gives: `Malformed` for a skeleton it cannot read.
pub(crate) type Planned<T = ()> = std::result::Result<T, Malformed>;

/// The words of a skeleton, read in order.
pub(crate) struct Words<'w> {
    words: &'w [u32],
    pos: usize,
}

impl<'w> Words<'w> {
    pub(crate) fn new(words: &'w [u32]) -> Self {
        Words { words, pos: 0 }
    }

    /// The next word; running out is an error.
    #[inline]
    pub(crate) fn next(&mut self) -> Planned<u32> {
        let word = self.words.get(self.pos).copied().ok_or(Malformed)?;
        self.pos += 1;
        Ok(word)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.words.len()
    }
}

/// Instructions and the groups they name.
#[derive(Default)]
pub(crate) struct Plan<'p> {
    pub ops: Vec<u32>,
    pub groups: Vec<Group<'p>>,
    /// Each group once: a plan for many records names the same few groups many times. Known by
    /// kind and text, in a map of the type the output tree has (its code is in the module once).
    index: FxHashMap<(u32, &'p str), u32>,
}

impl<'p> Plan<'p> {
    /// Appends an instruction and its argument. Out of line: instructions are written from many
    /// places, and the module's size counts more than a call per instruction.
    #[inline(never)]
    pub(crate) fn op(&mut self, code: u32, arg: u32) {
        self.ops.extend([code, arg]);
    }

    /// The index of `group`, added on first use.
    pub(crate) fn group(&mut self, group: Group<'p>) -> u32 {
        let key = match group {
            Group::Members(text) => (0, text),
            Group::Value(Some(raw)) => (1, raw),
            Group::Value(None) => (2, ""),
        };
        let next = self.groups.len() as u32;
        *self.index.entry(key).or_insert_with(|| {
            self.groups.push(group);
            next
        })
    }
}

/// Plans records from their skeleton, one after the other.
pub(crate) struct Planner<'p, 't> {
    pub opts: &'p ConvertOptions<'t>,
    strings: &'p [Str<'p>],
    pub plan: Plan<'p>,
    /// The output tree of the current record (to hierarchy).
    pub tree: to_hierarchy::Builder<'p>,
    records: u32,
    items: u32,
    entries: u32,
}

impl<'p, 't> Planner<'p, 't> {
    /// A planner for `opts`, the skeleton's strings being `strings`.
    pub(crate) fn new(opts: &'p ConvertOptions<'t>, strings: &'p [Str<'p>]) -> Self {
        Planner {
            opts,
            strings,
            plan: Plan::default(),
            tree: to_hierarchy::Builder::default(),
            records: 0,
            items: 0,
            entries: 0,
        }
    }

    /// Plans the next record of the skeleton.
    pub(crate) fn record(&mut self, words: &mut Words) -> Planned {
        match self.opts.to {
            Shape::List => to_list::plan(self, words),
            Shape::Hierarchy => to_hierarchy::plan(self, words),
        }
    }

    /// Numbers the next record.
    #[inline]
    pub(crate) fn next_record(&mut self) -> u32 {
        let r = self.records;
        self.records = r.wrapping_add(1);
        r
    }

    /// Numbers the next item.
    #[inline]
    pub(crate) fn next_item(&mut self) -> u32 {
        let i = self.items;
        self.items = i.wrapping_add(1);
        i
    }

    /// Numbers the next entry.
    #[inline]
    pub(crate) fn next_entry(&mut self) -> u32 {
        let e = self.entries;
        self.entries = e.wrapping_add(1);
        e
    }

    /// String `s` of the table.
    #[inline]
    pub(crate) fn string(&self, s: u32) -> Planned<&'p Str<'p>> {
        self.strings.get(s as usize).ok_or(Malformed)
    }
}

/// Checks that nesting `depth` (counted from 0) is allowed.
#[inline]
pub(crate) fn check_depth(depth: usize) -> Planned {
    if depth >= MAX_DEPTH {
        return Err(Malformed);
    }
    Ok(())
}

/// Plans the conversion of the records a skeleton describes, for the JS package. `words` starts
/// with a header: `k` (the number of grouping dimensions) to hierarchy, 0 to list; the records
/// follow. `strings` is the string table as one JSON array of strings, UTF-8 (`JSON.stringify`
/// of them, encoded), read as the byte converter reads strings, so that ids compare exactly as
/// there.
///
/// Returns `[ops, groups]` as JSON text (UTF-8), for one `JSON.parse`: the instructions ([`op`]), and
/// the groups `GROUP g` names, each once, as the group nodes with `"children": null` last (for
/// the builder to fill in: in V8, cloning an object that has the member is cheaper than adding
/// it to the clone).
///
/// Errors: the options' (`InvalidParams`, as [`super::convert_records`] has them), or an
/// `InvalidInput` error naming `skeleton` when the words or the strings are malformed.
pub fn plan_records(words: &[u32], strings: &[u8], opts: &ConvertOptions) -> Result<Vec<u8>> {
    opts.check()?;
    let strings = read_strings(strings)?;
    let mut words = Words::new(words);
    let header = match opts.to {
        Shape::List => 0,
        Shape::Hierarchy => opts.group_by.len(),
    };
    if words.next()? as usize != header {
        return Err(Malformed.into());
    }
    let mut planner = Planner::new(opts, &strings);
    while !words.at_end() {
        planner.record(&mut words)?;
    }
    let Plan { ops, groups, .. } = planner.plan;
    let mut json = Vec::with_capacity(ops.len() * 3 + groups.len() * 64 + 8);
    json.extend_from_slice(b"[[");
    for (i, &word) in ops.iter().enumerate() {
        if i > 0 {
            json.push(b',');
        }
        // The digits, last first, then turned around.
        let start = json.len();
        let mut n = word;
        loop {
            json.push(b'0' + (n % 10) as u8);
            n /= 10;
            if n == 0 {
                break;
            }
        }
        if let Some(digits) = json.get_mut(start..) {
            digits.reverse();
        }
    }
    json.extend_from_slice(b"],[");
    for (i, group) in groups.iter().enumerate() {
        if i > 0 {
            json.push(b',');
        }
        json.push(b'{');
        group.write_members(&mut json);
        json.extend_from_slice(b",\"children\":null}");
    }
    json.extend_from_slice(b"]]");
    Ok(json)
}

/// Reads a JSON array of strings. What is not one is [`Malformed`]: `shapes.js` writes it with
/// `JSON.stringify`, so a message saying where would never be read.
fn read_strings(text: &[u8]) -> Planned<Vec<Str<'_>>> {
    let text = std::str::from_utf8(text).map_err(|_| Malformed)?;
    let mut lx = Lexer::new(text);
    let mut out = Vec::new();
    let mut first = true;
    lx.ws();
    if lx.peek() != Some(b'[') || lx.enter().is_err() {
        return Err(Malformed);
    }
    while lx.next_element(&mut first).map_err(|_| Malformed)? {
        let raw = lx.raw_value().map_err(|_| Malformed)?;
        out.push(Str {
            id: str_of(raw).ok_or(Malformed)?,
            raw,
        });
    }
    lx.end().map_err(|_| Malformed)?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Rendering a record's plan as JSON: the byte converter's builder.

/// The objects of one record that its plan's numbers name, in the raw tree of the input.
pub(crate) struct Sources<'r, 'a> {
    pub rec: &'r Obj<'a>,
    pub items: Vec<&'r Obj<'a>>,
    pub entries: Vec<&'r Obj<'a>>,
}

/// The byte converter's reading of one record: its skeleton, string table and sources.
pub(crate) struct Skeleton<'r, 'a> {
    pub words: Vec<u32>,
    pub strings: Vec<Str<'a>>,
    pub src: Sources<'r, 'a>,
}

impl<'a> Skeleton<'_, 'a> {
    /// Adds a string to the table; returns its index.
    pub(crate) fn string(&mut self, id: Cow<'a, str>, raw: &'a str) -> u32 {
        self.strings.push(Str { id, raw });
        (self.strings.len() - 1) as u32
    }
}

/// The byte converter's buffers for the `path` of the tasks of a record to list, kept from
/// record to record. (The skeleton's and the plan's are made for each record: keeping them
/// costs more code than their allocations cost time.)
#[derive(Default)]
pub(crate) struct Scratch {
    marks: Vec<usize>,
    path: Vec<u8>,
}

impl Scratch {
    /// An empty skeleton of `rec`.
    pub(crate) fn skeleton<'r, 'a>(&mut self, rec: &'r Obj<'a>) -> Skeleton<'r, 'a> {
        Skeleton {
            // Enough for most records at once.
            words: Vec::with_capacity(64),
            strings: Vec::new(),
            src: Sources {
                rec,
                items: Vec::new(),
                entries: Vec::new(),
            },
        }
    }

    /// Plans the record `sk` holds and writes it as JSON.
    pub(crate) fn convert(
        &mut self,
        sk: Skeleton,
        opts: &ConvertOptions,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let mut planner = Planner::new(opts, &sk.strings);
        planner.plan.ops.reserve(64);
        let planned = planner.record(&mut Words::new(&sk.words));
        if planned.is_ok() {
            render(&planner.plan, &sk.src, opts.to, self, out);
        }
        Ok(planned?)
    }
}

/// A count as a skeleton word: below 2^31, so that a node word (`c * 2 + t`) fits. Inputs that
/// large cannot be held in memory; the check keeps the words honest regardless.
pub(crate) fn count(n: usize) -> Planned<u32> {
    match u32::try_from(n) {
        Ok(n) if n < 1 << 31 => Ok(n),
        _ => Err(Malformed),
    }
}

/// Writes a record's plan as JSON. The byte converter plans one record at a time: its plan is
/// `PASS 0`, or `REC 0`, the array's instructions, and `END 0`.
fn render(plan: &Plan, src: &Sources, to: Shape, scratch: &mut Scratch, out: &mut Vec<u8>) {
    use super::schema::Key;
    use crate::json::raw;

    /// An object's members but `children` (and `path`, to `strip` it); whether any was written.
    fn members(out: &mut Vec<u8>, obj: &Obj, strip: bool) -> bool {
        raw::write_members(out, obj, |m| {
            m.key == Key::Children || (strip && m.key == Key::Path)
        })
    }

    /// A task's members but `path` (to `strip` it) and a `children` that is not empty: an empty
    /// one is data, which the list shape carries as it is; whether any was written.
    fn task_members(out: &mut Vec<u8>, obj: &Obj, strip: bool) -> bool {
        raw::write_members(out, obj, |m| {
            (m.key == Key::Children && !m.val.is_empty_array()) || (strip && m.key == Key::Path)
        })
    }

    let rec = src.rec;
    let (Some(&op::REC), Some(inner)) = (
        plan.ops.first(),
        plan.ops.get(2..plan.ops.len().saturating_sub(2)),
    ) else {
        raw::write_obj(out, rec, |_| false);
        return;
    };
    // The record's members in order, its `tasks` or `hierarchy` replaced in its place.
    let at = rec
        .members
        .iter()
        .position(|m| matches!(m.key, Key::Tasks | Key::Hierarchy))
        .unwrap_or(rec.members.len());
    out.push(b'{');
    for m in &rec.members[..at] {
        raw::write_member(out, m);
        out.push(b',');
    }
    out.extend_from_slice(match to {
        Shape::List => b"\"tasks\":[",
        Shape::Hierarchy => b"\"hierarchy\":[",
    });

    // Whether the array being written has no element yet. One flag is enough: a node that is
    // opened has just been written into its parent, which therefore has an element when the
    // node is closed.
    let mut first = true;
    // The rendered `path` of the tasks to come (to list), and where each of its entries starts.
    let path = &mut scratch.path;
    let marks = &mut scratch.marks;
    path.clear();
    marks.clear();
    let sep = |first: &mut bool, out: &mut Vec<u8>| {
        if !*first {
            out.push(b',');
        }
        *first = false;
    };
    for pair in inner.chunks_exact(2) {
        let (code, arg) = (pair[0], pair[1] as usize);
        match code {
            op::TASK | op::TASK_STRIP | op::TASK_PATH | op::OPEN | op::OPEN_STRIP => {
                let Some(obj) = src.items.get(arg) else {
                    continue;
                };
                sep(&mut first, out);
                out.push(b'{');
                let strip = matches!(code, op::TASK_STRIP | op::TASK_PATH | op::OPEN_STRIP);
                let any = if matches!(code, op::OPEN | op::OPEN_STRIP) {
                    members(out, obj, strip)
                } else {
                    task_members(out, obj, strip)
                };
                match code {
                    op::TASK_PATH => {
                        if any {
                            out.push(b',');
                        }
                        out.extend_from_slice(b"\"path\":[");
                        out.extend_from_slice(path);
                        out.extend_from_slice(b"]}");
                    }
                    op::OPEN | op::OPEN_STRIP => {
                        out.extend_from_slice(b",\"children\":[");
                        first = true;
                    }
                    _ => out.push(b'}'),
                }
            }
            op::GROUP_ENTRY | op::GROUP => {
                sep(&mut first, out);
                out.push(b'{');
                if code == op::GROUP {
                    if let Some(group) = plan.groups.get(arg) {
                        group.write_members(out);
                    }
                } else if let Some(obj) = src.entries.get(arg) {
                    members(out, obj, false);
                }
                out.extend_from_slice(b",\"children\":[");
                first = true;
            }
            op::CLOSE => {
                out.extend_from_slice(b"]}");
                first = false;
            }
            op::ENTER_GROUP | op::ENTER_TASK => {
                let Some(obj) = src.items.get(arg) else {
                    continue;
                };
                marks.push(path.len());
                if !path.is_empty() {
                    path.push(b',');
                }
                if code == op::ENTER_GROUP {
                    path.push(b'{');
                    members(path, obj, false);
                    path.push(b'}');
                } else {
                    path.extend_from_slice(b"{\"task_id\":");
                    path.extend_from_slice(obj.raw(Key::TaskId).unwrap_or("null").as_bytes());
                    path.push(b'}');
                }
            }
            op::LEAVE => {
                if let Some(mark) = marks.pop() {
                    path.truncate(mark);
                }
            }
            // The planner writes no other word inside a record.
            _ => {}
        }
    }
    out.push(b']');
    for m in rec.members.get(at + 1..).unwrap_or(&[]) {
        out.push(b',');
        raw::write_member(out, m);
    }
    out.push(b'}');
}
