//! Records to hierarchy shape: list tasks placed by path, taxonomy or grouping dimensions.
//!
//! [`read`] checks a record of the input and writes its skeleton (the byte converter's half);
//! [`plan`] decides the output from a skeleton, whoever wrote it (see [`super::plan`]), with a
//! [`Builder`] per record.

use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;

use super::plan::{
    check_depth, count, op, Group, Malformed, Planned, Planner, Skeleton, Words, HIERARCHY, LIST,
};
use super::schema::{Item, Obj};
use super::{group_by, list_task, parse_path, path_entry, Body, ConvertOptions, EntryRef};
use crate::error::Result;
use crate::json::path::Path;
use crate::page::Dimension;
use crate::shape::MAX_PATH_LEN;

// ---------------------------------------------------------------------------------------------
// Reading (the byte converter).

/// Checks a record's body for the conversion to hierarchy and writes its skeleton. The paths of
/// a list record's tasks are parsed into `paths`, which the skeleton's entries then name (the
/// caller keeps them for as long as the skeleton).
pub(crate) fn read<'r, 'a>(
    body: Body<'r, 'a>,
    at: &Path,
    opts: &ConvertOptions,
    paths: &'r mut Vec<Vec<Item<'a>>>,
    sk: &mut Skeleton<'r, 'a>,
) -> Result<()> {
    let dims = &opts.group_by[..];
    let items = match body {
        Body::Hierarchy(items) if dims.is_empty() => {
            // It passes through: its nodes are checked, and nothing is kept of them.
            super::to_list::read_nodes(items, &Path::Key(at, "hierarchy"), sk, None)?;
            sk.words.clear();
            sk.src.items.clear();
            sk.words.push(HIERARCHY);
            return Ok(());
        }
        Body::Hierarchy(items) => {
            sk.words.extend([HIERARCHY, count(items.len())?]);
            return super::to_list::read_nodes(items, &Path::Key(at, "hierarchy"), sk, Some(dims));
        }
        Body::List(items) => items,
    };
    sk.words.extend([LIST, count(items.len())?]);
    let at_tasks = Path::Key(at, "tasks");
    for (j, item) in items.iter().enumerate() {
        let at_task = Path::Index(&at_tasks, j);
        let obj = item.obj(&at_task)?;
        let task = list_task(obj, &at_task)?;
        sk.src.items.push(obj);
        if !dims.is_empty() {
            // Grouped, a task's `path` is an ordinary field.
            read_values(obj, dims, sk);
            continue;
        }
        let s = sk.string(task.id, "");
        sk.words.push(s);
        let Some(raw_path) = task.path else {
            sk.words.push(0);
            continue;
        };
        let entries = parse_path(raw_path, &at_task)?;
        sk.words.push(count(entries.len())? + 1);
        for entry in &entries {
            // Checked by `parse_path`.
            let (id, t) = match path_entry(entry, &at_task)? {
                EntryRef::Group { id, .. } => (id, 0),
                EntryRef::Task { id, .. } => (id, 1),
            };
            // Below 2^31: the table would otherwise hold more strings than memory can.
            let s = sk.string(id, "");
            sk.words.push(s * 2 + t);
        }
        paths.push(entries);
    }
    // The entries, in the order the words list them.
    let paths: &'r [Vec<Item<'a>>] = paths;
    for entry in paths.iter().flatten() {
        if let Item::Obj(obj) = entry {
            sk.src.entries.push(obj);
        }
    }
    Ok(())
}

/// Writes a task's grouping values.
pub(crate) fn read_values<'a>(task: &Obj<'a>, dims: &[Dimension], sk: &mut Skeleton<'_, 'a>) {
    for &dim in dims {
        let word = match group_by::value(task, dim) {
            Some((id, raw)) => sk.string(id, raw) + 1,
            None => 0,
        };
        sk.words.push(word);
    }
}

// ---------------------------------------------------------------------------------------------
// Planning.

/// Plans the next record of a skeleton for the conversion to hierarchy.
pub(crate) fn plan(p: &mut Planner, words: &mut Words) -> Planned {
    let r = p.next_record();
    let grouping = !p.opts.group_by.is_empty();
    p.tree.clear();
    match words.next()? {
        HIERARCHY if !grouping => {
            p.plan.op(op::PASS, r);
            return Ok(());
        }
        // Its task nodes, flattened pre-order, regrouped.
        HIERARCHY => {
            let n = words.next()?;
            regroup(p, words, n, 0)?;
        }
        LIST => {
            for _ in 0..words.next()? {
                let item = p.next_item();
                if grouping {
                    group_steps(p, words)?;
                    p.tree.place(item, "", false);
                } else {
                    list_task_steps(p, words, item)?;
                }
            }
        }
        _ => return Err(Malformed),
    }
    p.plan.op(op::REC, r);
    p.tree.plan(&mut p.plan);
    p.plan.op(op::END, 0);
    Ok(())
}

/// Places the task nodes of a hierarchy by their grouping values.
fn regroup(p: &mut Planner, words: &mut Words, n: u32, depth: usize) -> Planned {
    check_depth(depth)?;
    for _ in 0..n {
        let word = words.next()?;
        let item = p.next_item();
        if word & 1 == 1 {
            group_steps(p, words)?;
            p.tree.place(item, "", false);
        }
        regroup(p, words, word >> 1, depth + 1)?;
    }
    Ok(())
}

/// The steps of a task grouped by the conversion's dimensions: one group per dimension,
/// outermost first, named by the task's value.
fn group_steps(p: &mut Planner, words: &mut Words) -> Planned {
    for _ in 0..p.opts.group_by.len() {
        let step = match words.next()? {
            0 => Step::Group {
                id: Dimension::UNKNOWN,
                src: Src::Group(Group::Value(None)),
            },
            s => {
                let value = p.string(s - 1)?;
                Step::Group {
                    id: value.id.as_ref(),
                    src: Src::Group(Group::Value(Some(value.raw))),
                }
            }
        };
        p.tree.steps.push(step);
    }
    Ok(())
}

/// Places a list task (without grouping): by its own path, which is then left out of it; else
/// by the taxonomy; else at the top level.
fn list_task_steps(p: &mut Planner, words: &mut Words, item: u32) -> Planned {
    let id: &str = &p.string(words.next()?)?.id;
    let path = words.next()?;
    if path > 0 {
        if path - 1 > MAX_PATH_LEN as u32 {
            return Err(Malformed);
        }
        for _ in 1..path {
            let word = words.next()?;
            let entry = p.next_entry();
            let entry_id: &str = &p.string(word >> 1)?.id;
            p.tree.steps.push(if word & 1 == 1 {
                Step::Task(entry_id)
            } else {
                Step::Group {
                    id: entry_id,
                    src: Src::Entry(entry),
                }
            });
        }
    } else if let Some(entries) = p.opts.taxonomy.and_then(|t| t.path_of(id)) {
        for e in entries {
            p.tree.steps.push(if e.is_group() {
                Step::Group {
                    id: e.id(),
                    src: Src::Group(Group::Members(e.members())),
                }
            } else {
                Step::Task(e.id())
            });
        }
    }
    p.tree.place(item, id, path > 0);
    Ok(())
}

/// Where a group node's members come from.
#[derive(Clone, Copy)]
enum Src<'p> {
    /// A path entry of the input, by number.
    Entry(u32),
    /// A group of the plan (taxonomy, grouping value).
    Group(Group<'p>),
}

/// One step down from the root.
enum Step<'p> {
    /// Into the child group with this `node_id`, made from `src` if there is none yet.
    Group { id: &'p str, src: Src<'p> },
    /// Into the latest child task with this `task_id`, if there is one.
    Task(&'p str),
}

enum Kind<'p> {
    Root,
    Group(Src<'p>),
    Task {
        item: u32,
        id: &'p str,
        /// Leave the task's `path` out (it placed the task).
        strip: bool,
    },
}

/// A node of the output tree. Children are linked (first, last, and each child's neighbours)
/// rather than held in a `Vec` per node: placing a task allocates nothing.
struct Node<'p> {
    kind: Kind<'p>,
    first: u32,
    last: u32,
    prev: u32,
    next: u32,
}

/// No node: the end of a list of children.
const NONE: u32 = u32::MAX;

/// The output tree of one record, built task by task: what [`Builder::plan`] turns into
/// instructions.
#[derive(Default)]
pub(crate) struct Builder<'p> {
    nodes: Vec<Node<'p>>,
    /// (parent, node_id) → group.
    groups: FxHashMap<(u32, &'p str), u32>,
    /// The steps of the task being placed.
    steps: Vec<Step<'p>>,
}

impl<'p> Builder<'p> {
    /// Empties the tree, for the next record.
    pub(crate) fn clear(&mut self) {
        self.nodes.clear();
        self.nodes.push(Node {
            kind: Kind::Root,
            first: NONE,
            last: NONE,
            prev: NONE,
            next: NONE,
        });
        self.groups.clear();
        self.steps.clear();
    }

    /// Adds a node as the last child of `parent`; returns it.
    fn push(&mut self, parent: u32, kind: Kind<'p>) -> u32 {
        let idx = self.nodes.len() as u32;
        let Some(p) = self.nodes.get_mut(parent as usize) else {
            return parent;
        };
        let prev = p.last;
        p.last = idx;
        if prev == NONE {
            p.first = idx;
        }
        if let Some(before) = self.nodes.get_mut(prev as usize) {
            before.next = idx;
        }
        self.nodes.push(Node {
            kind,
            first: NONE,
            last: NONE,
            prev,
            next: NONE,
        });
        idx
    }

    /// Puts task `item` at the end of the node its steps lead to from the root.
    fn place(&mut self, item: u32, id: &'p str, strip: bool) {
        let mut cur = 0u32;
        let mut steps = std::mem::take(&mut self.steps);
        for step in steps.drain(..) {
            match step {
                Step::Group { id, src } => {
                    let next = self.nodes.len() as u32;
                    cur = match self.groups.entry((cur, id)) {
                        Entry::Occupied(e) => *e.get(),
                        Entry::Vacant(e) => {
                            e.insert(next);
                            self.push(cur, Kind::Group(src))
                        }
                    };
                }
                Step::Task(id) => {
                    // The nearest preceding task with that id among the current node's children.
                    let mut c = self.nodes.get(cur as usize).map_or(NONE, |n| n.last);
                    while let Some(child) = self.nodes.get(c as usize) {
                        if matches!(child.kind, Kind::Task { id: t, .. } if t == id) {
                            cur = c;
                            break;
                        }
                        c = child.prev;
                    }
                }
            }
        }
        self.steps = steps;
        self.push(cur, Kind::Task { item, id, strip });
    }

    /// Writes the tree's instructions (its top-level nodes, pre-order).
    fn plan(&self, plan: &mut super::plan::Plan<'p>) {
        self.plan_children(0, plan);
    }

    fn plan_children(&self, parent: u32, plan: &mut super::plan::Plan<'p>) {
        let mut c = self.nodes.get(parent as usize).map_or(NONE, |n| n.first);
        while let Some(child) = self.nodes.get(c as usize) {
            match child.kind {
                Kind::Root => {}
                Kind::Group(src) => {
                    match src {
                        Src::Entry(e) => plan.op(op::GROUP_ENTRY, e),
                        Src::Group(g) => {
                            let g = plan.group(g);
                            plan.op(op::GROUP, g);
                        }
                    }
                    self.plan_children(c, plan);
                    plan.op(op::CLOSE, 0);
                }
                Kind::Task { item, strip, .. } => {
                    if child.first == NONE {
                        plan.op(if strip { op::TASK_STRIP } else { op::TASK }, item);
                    } else {
                        plan.op(if strip { op::OPEN_STRIP } else { op::OPEN }, item);
                        self.plan_children(c, plan);
                        plan.op(op::CLOSE, 0);
                    }
                }
            }
            c = child.next;
        }
    }
}
