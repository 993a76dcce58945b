//! [`TaskTaxonomy`]: where each task sits, learned from records and kept across pages.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use super::schema::{fail, Ctx, Item, Key, Obj};
use super::{
    list_task, node_info, parse_path, path_entry, read_doc, record_body, Body, EntryRef,
    MAX_PATH_LEN,
};
use crate::error::{ErrorKind, Result};
use crate::json::lexer::read_all;
use crate::json::path::Path;
use crate::json::raw::{self, str_of, Doc};
use crate::json::type_name;
use crate::json::write::{push_json_str, quoted};

/// The `format` field of [`TaskTaxonomy::to_json`].
pub const TAXONOMY_FORMAT: &str = "task-profiles/taxonomy";
/// The `version` field of [`TaskTaxonomy::to_json`]; [`TaskTaxonomy::from_json`] reads only this one.
pub const TAXONOMY_VERSION: u64 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EntryKind {
    Group,
    Task,
}

/// One ancestor of a task: a group (with the group node's fields) or a parent task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathEntry {
    kind: EntryKind,
    /// `node_id` of a group, `task_id` of a parent task.
    id: String,
    name: Option<String>,
    /// The entry's members as compact JSON without braces: a group node's fields but `children`
    /// (unknown fields too, raw values byte for byte), or `"task_id":...` for a parent task.
    members: String,
}

impl PathEntry {
    /// The group's `node_id`; `None` for a parent task.
    pub fn node_id(&self) -> Option<&str> {
        (self.kind == EntryKind::Group).then_some(self.id.as_str())
    }

    /// The group's `name` when it is a string; `None` for a parent task.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The parent task's `task_id`; `None` for a group.
    pub fn task_id(&self) -> Option<&str> {
        (self.kind == EntryKind::Task).then_some(self.id.as_str())
    }

    /// Whether this is a group (rather than a parent task).
    pub fn is_group(&self) -> bool {
        self.kind == EntryKind::Group
    }

    /// The entry as the JSON object it stands for: the group node without `children`, or
    /// `{"task_id": ...}`.
    pub fn to_json(&self) -> String {
        format!("{{{}}}", self.members)
    }

    /// `node_id` or `task_id`.
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    /// The members text (see the field).
    pub(crate) fn members(&self) -> &str {
        &self.members
    }

    fn same_place(&self, other: &PathEntry) -> bool {
        self.kind == other.kind && self.id == other.id
    }

    fn group(id: Cow<str>, obj: &Obj, skip_children: bool) -> PathEntry {
        let mut members = Vec::new();
        raw::write_members(&mut members, obj, |m| {
            skip_children && m.key == Key::Children
        });
        PathEntry {
            kind: EntryKind::Group,
            id: id.into_owned(),
            name: obj.raw(Key::Name).and_then(str_of).map(Cow::into_owned),
            // Keys and raw values come from `str`s; separators are ASCII.
            members: String::from_utf8(members).unwrap_or_default(),
        }
    }

    fn task(id: Cow<str>, raw_id: &str) -> PathEntry {
        PathEntry {
            kind: EntryKind::Task,
            id: id.into_owned(),
            name: None,
            members: format!("\"task_id\":{}", raw_id),
        }
    }

    fn from_ref(entry: &EntryRef) -> PathEntry {
        match entry {
            EntryRef::Group { id, obj } => PathEntry::group(Cow::Borrowed(id), obj, false),
            EntryRef::Task { id, raw } => PathEntry::task(Cow::Borrowed(id), raw),
        }
    }
}

/// Where tasks sit: for each known `task_id`, its path of ancestors, outermost first.
///
/// Learned from hierarchy records (every task node, at any depth) and from list tasks that carry
/// a `path`. A task seen again under another path (compared by `node_id`s and parent `task_id`s)
/// keeps the path seen first; each such sighting counts one conflict. Groups are stored as their
/// whole node without `children`, unknown fields included, so that placing tasks by the taxonomy
/// rebuilds the same group nodes.
///
/// ## Persisted form ([`TaskTaxonomy::to_json`], version 1)
/// ```json
/// {"format": "task-profiles/taxonomy", "version": 1, "conflicts": 0,
///  "tasks": [{"task_id": "reconcile-supplier-invoices",
///             "path": [{"node_id": "finance-operations", "name": "Finance operations"},
///                      {"node_id": "accounts-payable", "name": "Accounts payable"}]}]}
/// ```
/// `tasks` is in the order the tasks were first learned; a path entry is a group node without
/// `children` (any fields) or a parent task `{"task_id": ...}`. The form is lossless:
/// `from_json(to_json(t))` equals `t`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaskTaxonomy {
    tasks: Vec<(String, Box<[PathEntry]>)>,
    index: FxHashMap<String, usize>,
    conflicts: u64,
}

impl TaskTaxonomy {
    /// An empty taxonomy.
    pub fn new() -> TaskTaxonomy {
        TaskTaxonomy::default()
    }

    /// Learns from one record, an array of records, or a page body (`{"records": [...], ...}`),
    /// records of either shape. List tasks without a `path` teach nothing. A malformed input is an
    /// `InvalidInput` error and leaves the taxonomy unchanged.
    pub fn learn_json(&mut self, json: &[u8]) -> Result<()> {
        let mut seen = Vec::new();
        match read_doc(json)? {
            Doc::One(obj)
                if !obj.has(Key::Tasks) && !obj.has(Key::Hierarchy) && obj.has(Key::Records) =>
            {
                let at = Path::Page.key("records");
                let Some(records) = obj.raw(Key::Records) else {
                    return Err(fail(&at, "expected an array"));
                };
                let items = raw::parse_array(records, Ctx::Record, &at)?;
                for (i, item) in items.iter().enumerate() {
                    let at = at.index(i);
                    learn_record(item.obj(&at)?, &at, &mut seen)?;
                }
            }
            Doc::One(obj) => learn_record(&obj, &Path::Root("record"), &mut seen)?,
            Doc::Many(items) => {
                let root = Path::Root("records");
                for (i, item) in items.iter().enumerate() {
                    let at = root.index(i);
                    learn_record(item.obj(&at)?, &at, &mut seen)?;
                }
            }
            Doc::Wrong(t) => {
                return Err(fail(
                    &Path::Root("record"),
                    format_args!("expected a record, an array of records or a page, found {t}"),
                ))
            }
        }
        for (id, path) in seen {
            self.learn(id, path);
        }
        Ok(())
    }

    fn learn(&mut self, task_id: Cow<str>, path: Vec<PathEntry>) {
        match self.index.get(task_id.as_ref()) {
            Some(&i) => {
                let known = &self.tasks[i].1;
                let same = known.len() == path.len()
                    && known.iter().zip(&path).all(|(a, b)| a.same_place(b));
                if !same {
                    self.conflicts += 1;
                }
            }
            None => {
                let id = task_id.into_owned();
                self.index.insert(id.clone(), self.tasks.len());
                self.tasks.push((id, path.into_boxed_slice()));
            }
        }
    }

    /// How many task ids the taxonomy knows.
    pub fn size(&self) -> usize {
        self.tasks.len()
    }

    /// How many sightings put a known task under another path than the one kept.
    pub fn conflicts(&self) -> u64 {
        self.conflicts
    }

    /// The ancestors of `task_id`, outermost first (empty for a top-level task); `None` when the
    /// task is unknown.
    pub fn path_of(&self, task_id: &str) -> Option<&[PathEntry]> {
        self.index.get(task_id).map(|&i| &*self.tasks[i].1)
    }

    /// Every known task id with its path, in the order first learned.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[PathEntry])> {
        self.tasks.iter().map(|(id, path)| (id.as_str(), &**path))
    }

    /// The persisted form (see the type's documentation), compact JSON.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(64 + self.tasks.len() * 96);
        out.push_str("{\"format\":\"");
        out.push_str(TAXONOMY_FORMAT);
        out.push_str("\",\"version\":");
        out.push_str(&TAXONOMY_VERSION.to_string());
        out.push_str(",\"conflicts\":");
        out.push_str(&self.conflicts.to_string());
        out.push_str(",\"tasks\":[");
        for (i, (id, path)) in self.tasks.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"task_id\":");
            push_json_str(&mut out, id);
            out.push_str(",\"path\":[");
            for (k, entry) in path.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                out.push('{');
                out.push_str(&entry.members);
                out.push('}');
            }
            out.push_str("]}");
        }
        out.push_str("]}");
        out
    }

    /// Reads [`TaskTaxonomy::to_json`]'s output. Another `format` or `version`, a malformed
    /// path entry, a path longer than [`MAX_PATH_LEN`](super::MAX_PATH_LEN) or a task listed twice
    /// is an `InvalidInput` error naming the place (`taxonomy.tasks[3].path[1]: ...`).
    pub fn from_json(json: &str) -> Result<TaskTaxonomy> {
        let root = Path::Root("taxonomy");
        let top = read_all(json.as_bytes(), &root, ErrorKind::InvalidInput, |lx| {
            raw::doc(lx, Ctx::Flat, Ctx::Flat)
        })?;
        let top = match top {
            Doc::One(obj) => obj,
            Doc::Many(_) => return Err(fail(&root, "expected an object, found an array")),
            Doc::Wrong(t) => {
                return Err(fail(&root, format_args!("expected an object, found {t}")))
            }
        };
        if member(&top, "format").and_then(str_of).as_deref() != Some(TAXONOMY_FORMAT) {
            return Err(fail(
                &root.key("format"),
                format_args!(
                    "expected {} (this is not a task taxonomy)",
                    quoted(TAXONOMY_FORMAT)
                ),
            ));
        }
        match member(&top, "version").filter(|v| *v != "null") {
            None => return Err(fail(&root, "missing \"version\"")),
            Some(v) => match as_u64(v, &root.key("version"))? {
                TAXONOMY_VERSION => {}
                v => {
                    return Err(fail(
                        &root.key("version"),
                        format_args!(
                        "unsupported version {v} (this library reads version {TAXONOMY_VERSION})"
                    ),
                    ))
                }
            },
        }
        let conflicts = match member(&top, "conflicts") {
            Some(v) => as_u64(v, &root.key("conflicts"))?,
            None => return Err(fail(&root, "missing \"conflicts\"")),
        };
        let Some(tasks) = member(&top, "tasks") else {
            return Err(fail(&root, "missing \"tasks\""));
        };
        let mut out = TaskTaxonomy {
            conflicts,
            ..TaskTaxonomy::default()
        };
        let at_tasks = root.key("tasks");
        for (i, task) in raw::parse_array(tasks, Ctx::ListTask, &at_tasks)?
            .iter()
            .enumerate()
        {
            let at_task = at_tasks.index(i);
            let task = task.obj(&at_task)?;
            let Some(raw_id) = task.raw(Key::TaskId) else {
                return Err(fail(&at_task, "missing \"task_id\""));
            };
            let Some(task_id) = str_of(raw_id) else {
                return Err(fail(
                    &at_task.key("task_id"),
                    format_args!("expected a string, found {}", type_name(raw_id)),
                ));
            };
            let Some(raw_path) = task.raw(Key::Path) else {
                return Err(fail(&at_task, "missing \"path\""));
            };
            if out.index.contains_key(task_id.as_ref()) {
                return Err(fail(
                    &at_task.key("task_id"),
                    format_args!("task {} is listed twice", quoted(&task_id)),
                ));
            }
            let at_path = at_task.key("path");
            let entries = raw::parse_array(raw_path, Ctx::Flat, &at_path)?;
            if entries.len() > MAX_PATH_LEN {
                return Err(fail(
                    &at_path,
                    format_args!("longer than {MAX_PATH_LEN} entries"),
                ));
            }
            let mut path = Vec::with_capacity(entries.len());
            for (k, entry) in entries.iter().enumerate() {
                path.push(PathEntry::from_ref(&path_entry(entry, &at_path.index(k))?));
            }
            out.learn(task_id, path);
        }
        Ok(out)
    }
}

/// The raw value of the member `name` of a taxonomy object (`None` when absent); a repeated
/// member keeps its last value, as `JSON.parse` has it.
fn member<'a>(obj: &Obj<'a>, name: &str) -> Option<&'a str> {
    let mut found = None;
    for m in &obj.members {
        if str_of(m.raw_key).as_deref() == Some(name) {
            found = match &m.val {
                raw::Val::Raw(raw) => Some(*raw),
                _ => None,
            };
        }
    }
    found
}

/// A count member at `at`.
fn as_u64(v: &str, at: &Path) -> Result<u64> {
    v.parse::<u64>().map_err(|_| {
        let found = match type_name(v) {
            "a number" => v,
            t => t,
        };
        fail(
            at,
            format_args!("expected a non-negative integer, found {found}"),
        )
    })
}

/// Collects what one record teaches.
fn learn_record<'a>(
    rec: &Obj<'a>,
    at: &Path,
    seen: &mut Vec<(Cow<'a, str>, Vec<PathEntry>)>,
) -> Result<()> {
    match record_body(rec, at)? {
        Body::List(items) => {
            let at_tasks = Path::Key(at, "tasks");
            for (j, item) in items.iter().enumerate() {
                let at_task = Path::Index(&at_tasks, j);
                let task = list_task(item.obj(&at_task)?, &at_task)?;
                let Some(raw_path) = task.path else { continue };
                let entries = parse_path(raw_path, &at_task)?;
                let at_path = Path::Key(&at_task, "path");
                let mut path = Vec::with_capacity(entries.len());
                for (k, entry) in entries.iter().enumerate() {
                    path.push(PathEntry::from_ref(&path_entry(
                        entry,
                        &Path::Index(&at_path, k),
                    )?));
                }
                seen.push((task.id, path));
            }
        }
        Body::Hierarchy(items) => {
            let mut stack = Vec::new();
            learn_nodes(items, &Path::Key(at, "hierarchy"), &mut stack, seen)?;
        }
    }
    Ok(())
}

fn learn_nodes<'a>(
    items: &[Item<'a>],
    at: &Path,
    stack: &mut Vec<PathEntry>,
    seen: &mut Vec<(Cow<'a, str>, Vec<PathEntry>)>,
) -> Result<()> {
    for (i, item) in items.iter().enumerate() {
        let at = Path::Index(at, i);
        let obj = item.obj(&at)?;
        let info = node_info(obj, &at)?;
        let entry = match info.task {
            Some((id, raw_id)) => {
                seen.push((id.clone(), stack.clone()));
                PathEntry::task(id, raw_id)
            }
            None => PathEntry::group(info.node_id.unwrap_or_default(), obj, true),
        };
        if let Some(children) = info.children {
            stack.push(entry);
            learn_nodes(children, &Path::Key(&at, "children"), stack, seen)?;
            stack.pop();
        }
    }
    Ok(())
}
