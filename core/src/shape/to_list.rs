//! Records to list shape: hierarchy nodes flattened pre-order, list records passed through.

use super::schema::{Item, Key, Obj};
use super::{list_task, node_info, Body};
use crate::error::Result;
use crate::json::path::Path;
use crate::json::raw;

/// Writes `rec` in list shape. `path` is scratch space for the rendered ancestry.
pub(crate) fn record(
    rec: &Obj,
    body: Body,
    at: &Path,
    keep_path: bool,
    path: &mut Vec<u8>,
    out: &mut Vec<u8>,
) -> Result<()> {
    out.push(b'{');
    for (i, m) in rec.members.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        match (m.key, body) {
            (Key::Hierarchy, Body::Hierarchy(items)) => {
                out.extend_from_slice(b"\"tasks\":[");
                path.clear();
                let mut w = Flatten {
                    out: &mut *out,
                    path: &mut *path,
                    keep_path,
                    first: true,
                };
                w.nodes(items, &Path::Key(at, "hierarchy"))?;
                out.push(b']');
            }
            (Key::Tasks, Body::List(items)) => {
                let at_tasks = Path::Key(at, "tasks");
                for (j, item) in items.iter().enumerate() {
                    let at_task = Path::Index(&at_tasks, j);
                    list_task(item.obj(&at_task)?, &at_task)?;
                }
                raw::write_member(out, m);
            }
            _ => raw::write_member(out, m),
        }
    }
    out.push(b'}');
    Ok(())
}

struct Flatten<'w> {
    out: &'w mut Vec<u8>,
    /// The entries of the current node's `path`, rendered and comma-separated.
    path: &'w mut Vec<u8>,
    keep_path: bool,
    first: bool,
}

impl Flatten<'_> {
    fn nodes(&mut self, items: &[Item], at: &Path) -> Result<()> {
        for (i, item) in items.iter().enumerate() {
            let at = Path::Index(at, i);
            let obj = item.obj(&at)?;
            let info = node_info(obj, &at)?;
            let mark = self.path.len();
            if let Some((_, raw_id)) = info.task {
                self.task(obj);
                if let Some(children) = info.children {
                    if self.keep_path {
                        self.enter();
                        self.path.extend_from_slice(b"{\"task_id\":");
                        self.path.extend_from_slice(raw_id.as_bytes());
                        self.path.push(b'}');
                    }
                    self.nodes(children, &Path::Key(&at, "children"))?;
                }
            } else if let Some(children) = info.children {
                if self.keep_path {
                    self.enter();
                    raw::write_obj(self.path, obj, |k| k == Key::Children);
                }
                self.nodes(children, &Path::Key(&at, "children"))?;
            }
            self.path.truncate(mark);
        }
        Ok(())
    }

    /// Starts a new path entry.
    fn enter(&mut self) {
        if !self.path.is_empty() {
            self.path.push(b',');
        }
    }

    fn task(&mut self, obj: &Obj) {
        let out = &mut *self.out;
        if !self.first {
            out.push(b',');
        }
        self.first = false;
        out.push(b'{');
        if self.keep_path {
            if raw::write_members(out, obj, |k| k == Key::Children || k == Key::Path) {
                out.push(b',');
            }
            out.extend_from_slice(b"\"path\":[");
            out.extend_from_slice(self.path);
            out.push(b']');
        } else {
            raw::write_members(out, obj, |k| k == Key::Children);
        }
        out.push(b'}');
    }
}
