//! Records to hierarchy shape: list tasks placed by path, taxonomy or grouping dimensions.

use std::borrow::Cow;
use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;

use super::schema::{Item, Key, Obj};
use super::{
    group_by, list_task, node_info, parse_path, path_entry, Body, ConvertOptions, EntryRef,
};
use crate::error::Result;
use crate::json::path::Path;
use crate::json::raw;

/// Writes `rec` in hierarchy shape.
pub(crate) fn record(
    rec: &Obj,
    body: Body,
    at: &Path,
    opts: &ConvertOptions,
    out: &mut Vec<u8>,
) -> Result<()> {
    match body {
        Body::Hierarchy(items) if opts.group_by.is_empty() => {
            check_nodes(items, &Path::Key(at, "hierarchy"))?;
            raw::write_obj(out, rec, |_| false);
            Ok(())
        }
        Body::Hierarchy(items) => {
            let mut tasks = Vec::new();
            collect_tasks(items, &Path::Key(at, "hierarchy"), &mut tasks)?;
            let mut b = Builder::new();
            let mut steps = Vec::with_capacity(opts.group_by.len());
            for task in tasks {
                group_steps(task.obj, opts, &mut steps);
                b.place(steps.drain(..), task);
            }
            write_record(rec, Key::Hierarchy, &b, out);
            Ok(())
        }
        Body::List(items) => {
            let at_tasks = Path::Key(at, "tasks");
            // First the paths, parsed and checked, so that the groups can borrow from them.
            let mut tasks = Vec::with_capacity(items.len());
            let mut paths = Vec::new();
            for (j, item) in items.iter().enumerate() {
                let at_task = Path::Index(&at_tasks, j);
                let obj = item.obj(&at_task)?;
                let task = list_task(obj, &at_task)?;
                let path = match task.path {
                    Some(raw_path) if opts.group_by.is_empty() => {
                        paths.push(parse_path(raw_path, &at_task)?);
                        Some(paths.len() - 1)
                    }
                    _ => None,
                };
                tasks.push((obj, task.id, path));
            }
            let mut b = Builder::new();
            let mut steps = Vec::new();
            for (obj, id, path) in tasks {
                let strip_path = path.is_some();
                if !opts.group_by.is_empty() {
                    group_steps(obj, opts, &mut steps);
                } else if let Some(p) = path {
                    for item in &paths[p] {
                        // Checked by `parse_path`.
                        let at = Path::Root("path");
                        steps.push(match path_entry(item, &at)? {
                            EntryRef::Group { id, obj } => Step::Group {
                                id,
                                src: GroupSrc::Obj(obj),
                            },
                            EntryRef::Task { id, .. } => Step::Task(id),
                        });
                    }
                } else if let Some(entries) = opts.taxonomy.and_then(|t| t.path_of(&id)) {
                    for e in entries {
                        steps.push(if e.is_group() {
                            Step::Group {
                                id: Cow::Borrowed(e.id()),
                                src: GroupSrc::Text(e.members()),
                            }
                        } else {
                            Step::Task(Cow::Borrowed(e.id()))
                        });
                    }
                }
                b.place(
                    steps.drain(..),
                    TaskRef {
                        obj,
                        id,
                        strip_path,
                    },
                );
            }
            write_record(rec, Key::Tasks, &b, out);
            Ok(())
        }
    }
}

/// Writes the record with its `replaced` member (`tasks` or `hierarchy`) as `"hierarchy"`.
fn write_record(rec: &Obj, replaced: Key, b: &Builder, out: &mut Vec<u8>) {
    out.push(b'{');
    for (i, m) in rec.members.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if m.key == replaced {
            out.extend_from_slice(b"\"hierarchy\":");
            b.write(out);
        } else {
            raw::write_member(out, m);
        }
    }
    out.push(b'}');
}

fn group_steps<'r>(task: &'r Obj<'r>, opts: &ConvertOptions, steps: &mut Vec<Step<'r>>) {
    for &dim in &opts.group_by {
        let (id, raw) = group_by::value(task, dim);
        steps.push(Step::Group {
            id,
            src: GroupSrc::Value(raw),
        });
    }
}

/// Checks every node of a tree.
fn check_nodes(items: &[Item], at: &Path) -> Result<()> {
    for (i, item) in items.iter().enumerate() {
        let at = Path::Index(at, i);
        let info = node_info(item.obj(&at)?, &at)?;
        if let Some(children) = info.children {
            check_nodes(children, &Path::Key(&at, "children"))?;
        }
    }
    Ok(())
}

/// The task nodes of a tree, pre-order.
fn collect_tasks<'r>(items: &'r [Item<'r>], at: &Path, out: &mut Vec<TaskRef<'r>>) -> Result<()> {
    for (i, item) in items.iter().enumerate() {
        let at = Path::Index(at, i);
        let obj = item.obj(&at)?;
        let info = node_info(obj, &at)?;
        if let Some((id, _)) = info.task {
            out.push(TaskRef {
                obj,
                id,
                strip_path: false,
            });
        }
        if let Some(children) = info.children {
            collect_tasks(children, &Path::Key(&at, "children"), out)?;
        }
    }
    Ok(())
}

/// Where a group node's fields come from.
enum GroupSrc<'r> {
    /// A path entry of the input (the whole object).
    Obj(&'r Obj<'r>),
    /// A taxonomy entry: members text without braces.
    Text(&'r str),
    /// A grouping value: raw JSON string, used as `node_id` and `name`.
    Value(&'r str),
}

/// One step down a path.
enum Step<'r> {
    Group { id: Cow<'r, str>, src: GroupSrc<'r> },
    Task(Cow<'r, str>),
}

struct TaskRef<'r> {
    obj: &'r Obj<'r>,
    id: Cow<'r, str>,
    /// Leave the task's `path` out (it placed the task).
    strip_path: bool,
}

enum Kind<'r> {
    Root,
    Group(GroupSrc<'r>),
    Task(TaskRef<'r>),
}

struct Node<'r> {
    kind: Kind<'r>,
    children: Vec<u32>,
}

/// The output tree of one record, built task by task.
struct Builder<'r> {
    nodes: Vec<Node<'r>>,
    /// (parent, node_id) → group.
    groups: FxHashMap<(u32, Cow<'r, str>), u32>,
}

impl<'r> Builder<'r> {
    fn new() -> Self {
        Builder {
            nodes: vec![Node {
                kind: Kind::Root,
                children: Vec::new(),
            }],
            groups: FxHashMap::default(),
        }
    }

    fn push(&mut self, parent: u32, kind: Kind<'r>) -> u32 {
        let idx = self.nodes.len() as u32;
        self.nodes.push(Node {
            kind,
            children: Vec::new(),
        });
        self.nodes[parent as usize].children.push(idx);
        idx
    }

    /// Puts `task` at the end of the node `steps` lead to from the root.
    fn place(&mut self, steps: impl Iterator<Item = Step<'r>>, task: TaskRef<'r>) {
        let mut cur = 0u32;
        for step in steps {
            match step {
                Step::Group { id, src } => {
                    cur = match self.groups.entry((cur, id)) {
                        Entry::Occupied(e) => *e.get(),
                        Entry::Vacant(e) => {
                            let idx = self.nodes.len() as u32;
                            self.nodes.push(Node {
                                kind: Kind::Group(src),
                                children: Vec::new(),
                            });
                            self.nodes[cur as usize].children.push(idx);
                            e.insert(idx);
                            idx
                        }
                    };
                }
                Step::Task(id) => {
                    // The nearest preceding task with that id among the current node's children.
                    let found = self.nodes[cur as usize].children.iter().rev().copied().find(|&c| {
                        matches!(&self.nodes[c as usize].kind, Kind::Task(t) if t.id == id)
                    });
                    if let Some(parent) = found {
                        cur = parent;
                    }
                }
            }
        }
        self.push(cur, Kind::Task(task));
    }

    /// Writes the top-level nodes as a JSON array.
    fn write(&self, out: &mut Vec<u8>) {
        self.write_children(0, out);
    }

    fn write_children(&self, idx: u32, out: &mut Vec<u8>) {
        out.push(b'[');
        for (i, &c) in self.nodes[idx as usize].children.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            self.write_node(c, out);
        }
        out.push(b']');
    }

    fn write_node(&self, idx: u32, out: &mut Vec<u8>) {
        let node = &self.nodes[idx as usize];
        out.push(b'{');
        match &node.kind {
            Kind::Root => {}
            Kind::Group(src) => {
                match src {
                    GroupSrc::Obj(obj) => {
                        raw::write_members(out, obj, |k| k == Key::Children);
                    }
                    GroupSrc::Text(text) => out.extend_from_slice(text.as_bytes()),
                    GroupSrc::Value(v) => {
                        out.extend_from_slice(b"\"node_id\":");
                        out.extend_from_slice(v.as_bytes());
                        out.extend_from_slice(b",\"name\":");
                        out.extend_from_slice(v.as_bytes());
                    }
                }
                out.extend_from_slice(b",\"children\":");
                self.write_children(idx, out);
            }
            Kind::Task(t) => {
                let strip = t.strip_path;
                raw::write_members(out, t.obj, |k| {
                    k == Key::Children || (strip && k == Key::Path)
                });
                if !node.children.is_empty() {
                    out.extend_from_slice(b",\"children\":");
                    self.write_children(idx, out);
                }
            }
        }
        out.push(b'}');
    }
}
