//! [`TaskTaxonomy`]: where each task sits, learned from records and kept across pages.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use super::raw::{self, Ctx, Doc, Key, Obj, Seg};
use super::{
    input_label, list_task, node_info, parse_path, path_entry, record_body, Body, EntryRef,
    MAX_PATH_LEN,
};
use crate::error::{Error, Result};

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
        raw::write_members(&mut members, obj, |k| skip_children && k == Key::Children);
        PathEntry {
            kind: EntryKind::Group,
            id: id.into_owned(),
            name: obj
                .raw(Key::Name)
                .and_then(raw::json_str)
                .map(Cow::into_owned),
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
///  "tasks": [{"task_id": "write-unit-tests",
///             "path": [{"node_id": "software-development", "name": "Software development"},
///                      {"node_id": "code-quality", "name": "Code quality"}]}]}
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
        match raw::parse_doc(json, Ctx::Record, Ctx::Record, input_label(json))? {
            Doc::One(obj)
                if !obj.has(Key::Tasks) && !obj.has(Key::Hierarchy) && obj.has(Key::Records) =>
            {
                let page = Seg::Root("page");
                let at = Seg::Key(&page, "records");
                let Some(records) = obj.raw(Key::Records) else {
                    return Err(raw::fail(&at, "expected an array"));
                };
                let items = raw::parse_array(records, Ctx::Record, &at)?;
                let root = Seg::Root("records");
                for (i, item) in items.iter().enumerate() {
                    let at = Seg::Idx(&root, i);
                    learn_record(item.obj(&at)?, &at, &mut seen)?;
                }
            }
            Doc::One(obj) => learn_record(&obj, &Seg::Root("record"), &mut seen)?,
            Doc::Many(items) => {
                let root = Seg::Root("records");
                for (i, item) in items.iter().enumerate() {
                    let at = Seg::Idx(&root, i);
                    learn_record(item.obj(&at)?, &at, &mut seen)?;
                }
            }
            Doc::Wrong(t) => {
                return Err(Error::invalid_input(
                    "record",
                    format!("expected a record, an array of records or a page, found {t}"),
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
            // Serialising a string cannot fail.
            out.push_str(&serde_json::to_string(id).unwrap_or_default());
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
        // Read with the shape parser (raw members) rather than derived serde impls, reporting
        // what the derives reported: `taxonomy: invalid JSON: missing field ...`.
        let invalid =
            |problem: String| Error::invalid_input("taxonomy", format!("invalid JSON: {problem}"));
        let top = match raw::parse_doc(json.as_bytes(), Ctx::Flat, Ctx::Flat, "taxonomy")? {
            Doc::One(obj) => obj,
            Doc::Many(_) => {
                return Err(invalid(
                    "invalid type: sequence, expected struct Head".into(),
                ))
            }
            Doc::Wrong(t) => {
                return Err(invalid(format!("invalid type: {t}, expected struct Head")))
            }
        };
        // Where serde stood when it found a field missing: the top-level object's `}`.
        let at_end = || {
            let end = json.trim_end().len().saturating_sub(1);
            let before = &json[..end];
            let line = before.matches('\n').count() + 1;
            let column = end - before.rfind('\n').map_or(0, |p| p + 1) + 1;
            format!(" at line {line} column {column}")
        };
        let format = member(&top, "format")?;
        let version = member(&top, "version")?
            .filter(|v| *v != "null")
            .map(|v| as_u64(v).map_err(invalid))
            .transpose()?;
        if format.and_then(raw::json_str).as_deref() != Some(TAXONOMY_FORMAT) {
            return Err(Error::invalid_input(
                "taxonomy.format",
                format!("expected {TAXONOMY_FORMAT:?} (this is not a task taxonomy)"),
            ));
        }
        match version {
            Some(TAXONOMY_VERSION) => {}
            Some(v) => {
                return Err(Error::invalid_input(
                    "taxonomy.version",
                    format!(
                        "unsupported version {v} (this library reads version {TAXONOMY_VERSION})"
                    ),
                ))
            }
            None => return Err(Error::invalid_input("taxonomy", "missing \"version\"")),
        }
        let conflicts = match member(&top, "conflicts")? {
            Some(v) => as_u64(v).map_err(invalid)?,
            None => return Err(invalid(format!("missing field `conflicts`{}", at_end()))),
        };
        let Some(tasks) = member(&top, "tasks")? else {
            return Err(invalid(format!("missing field `tasks`{}", at_end())));
        };
        let mut out = TaskTaxonomy {
            conflicts,
            ..TaskTaxonomy::default()
        };
        let root = Seg::Root("taxonomy");
        let at_tasks = Seg::Key(&root, "tasks");
        for (i, task) in raw::parse_array(tasks, Ctx::ListTask, &at_tasks)?
            .iter()
            .enumerate()
        {
            let at_task = Seg::Idx(&at_tasks, i);
            let task = task.obj(&at_task)?;
            let task_id = match member(task, "task_id")? {
                Some(raw_id) => raw::json_str(raw_id).ok_or_else(|| {
                    invalid(format!(
                        "invalid type: {}, expected a string",
                        raw::type_name(raw_id)
                    ))
                })?,
                None => return Err(invalid("missing field `task_id`".into())),
            };
            let Some(raw_path) = member(task, "path")? else {
                return Err(invalid("missing field `path`".into()));
            };
            if out.index.contains_key(task_id.as_ref()) {
                return Err(raw::fail(
                    &Seg::Key(&at_task, "task_id"),
                    format!("task {:?} is listed twice", task_id),
                ));
            }
            let at_path = Seg::Key(&at_task, "path");
            let entries = match raw::parse_array(raw_path, Ctx::Flat, &at_path) {
                Ok(entries) => entries,
                Err(_) => {
                    return Err(invalid(format!(
                        "invalid type: {}, expected a sequence",
                        raw::type_name(raw_path)
                    )))
                }
            };
            if entries.len() > MAX_PATH_LEN {
                return Err(raw::fail(
                    &at_path,
                    format!("longer than {MAX_PATH_LEN} entries"),
                ));
            }
            let mut path = Vec::with_capacity(entries.len());
            for (k, entry) in entries.iter().enumerate() {
                let at_entry = Seg::Idx(&at_path, k);
                entry.obj(&at_entry)?;
                path.push(PathEntry::from_ref(&path_entry(entry, &at_entry)?));
            }
            out.learn(task_id, path);
        }
        Ok(out)
    }
}

/// The raw value of the member `name` of a taxonomy object (`None` when absent); a duplicate is
/// an error, as with serde's derives.
fn member<'a>(obj: &Obj<'a>, name: &str) -> Result<Option<&'a str>> {
    let mut found = None;
    for m in &obj.members {
        if m.raw_key.len() == name.len() + 2 && &m.raw_key[1..m.raw_key.len() - 1] == name {
            if found.is_some() {
                return Err(Error::invalid_input(
                    "taxonomy",
                    format!("invalid JSON: duplicate field `{name}`"),
                ));
            }
            found = match &m.val {
                raw::Val::Raw(raw) => Some(*raw),
                _ => None,
            };
        }
    }
    Ok(found)
}

/// A `u64` member, with serde's wording when it is not one.
fn as_u64(v: &str) -> std::result::Result<u64, String> {
    v.parse::<u64>()
        .map_err(|_| format!("invalid type: {}, expected u64", raw::type_name(v)))
}

/// Collects what one record teaches.
fn learn_record<'a>(
    rec: &Obj<'a>,
    at: &Seg,
    seen: &mut Vec<(Cow<'a, str>, Vec<PathEntry>)>,
) -> Result<()> {
    match record_body(rec, at)? {
        Body::List(items) => {
            let at_tasks = Seg::Key(at, "tasks");
            for (j, item) in items.iter().enumerate() {
                let at_task = Seg::Idx(&at_tasks, j);
                let task = list_task(item.obj(&at_task)?, &at_task)?;
                let Some(raw_path) = task.path else { continue };
                let entries = parse_path(raw_path, &at_task)?;
                let at_path = Seg::Key(&at_task, "path");
                let mut path = Vec::with_capacity(entries.len());
                for (k, entry) in entries.iter().enumerate() {
                    path.push(PathEntry::from_ref(&path_entry(
                        entry,
                        &Seg::Idx(&at_path, k),
                    )?));
                }
                seen.push((task.id, path));
            }
        }
        Body::Hierarchy(items) => {
            let mut stack = Vec::new();
            learn_nodes(items, &Seg::Key(at, "hierarchy"), &mut stack, seen)?;
        }
    }
    Ok(())
}

fn learn_nodes<'a>(
    items: &[raw::Item<'a>],
    at: &Seg,
    stack: &mut Vec<PathEntry>,
    seen: &mut Vec<(Cow<'a, str>, Vec<PathEntry>)>,
) -> Result<()> {
    for (i, item) in items.iter().enumerate() {
        let at = Seg::Idx(at, i);
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
            learn_nodes(children, &Seg::Key(&at, "children"), stack, seen)?;
            stack.pop();
        }
    }
    Ok(())
}

/// The statistics tree places tasks by the names of their enclosing groups.
impl crate::stats::TaskPlacement for TaskTaxonomy {
    fn path_names(&self, task_id: &str) -> Option<Vec<String>> {
        self.path_of(task_id).map(|path| {
            path.iter()
                .filter(|e| e.is_group())
                .map(|e| e.name().or(e.node_id()).unwrap_or_default().to_string())
                .collect()
        })
    }
}
