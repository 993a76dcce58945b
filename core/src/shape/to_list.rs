//! Records to list shape: hierarchy nodes flattened pre-order, list records passed through.
//!
//! [`read`] checks a record of the input and writes its skeleton (the byte converter's half);
//! [`plan`] decides the output from a skeleton, whoever wrote it (see [`super::plan`]).

use super::plan::{
    check_depth, count, op, Malformed, Planned, Planner, Skeleton, Words, HIERARCHY, LIST,
};
use super::schema::Item;
use super::{list_task, node_info, Body};
use crate::error::Result;
use crate::json::path::Path;

/// Checks a record's body for the conversion to list and writes its skeleton: a list record's
/// tasks are checked (it passes through), a hierarchy record's nodes listed.
pub(crate) fn read<'r, 'a>(body: Body<'r, 'a>, at: &Path, sk: &mut Skeleton<'r, 'a>) -> Result<()> {
    match body {
        Body::List(items) => {
            let at_tasks = Path::Key(at, "tasks");
            for (j, item) in items.iter().enumerate() {
                let at_task = Path::Index(&at_tasks, j);
                list_task(item.obj(&at_task)?, &at_task)?;
            }
            sk.words.push(LIST);
        }
        Body::Hierarchy(items) => {
            sk.words.extend([HIERARCHY, count(items.len())?]);
            read_nodes(items, &Path::Key(at, "hierarchy"), sk, None)?;
        }
    }
    Ok(())
}

/// Checks hierarchy nodes and lists them pre-order: each node's word, then (with `dims`, the
/// grouping dimensions of the conversion to hierarchy) a task node's values, then its children.
pub(crate) fn read_nodes<'r, 'a>(
    items: &'r [Item<'a>],
    at: &Path,
    sk: &mut Skeleton<'r, 'a>,
    dims: Option<&[crate::page::Dimension]>,
) -> Result<()> {
    for (i, item) in items.iter().enumerate() {
        let at = Path::Index(at, i);
        let obj = item.obj(&at)?;
        let info = node_info(obj, &at)?;
        let children = info.children.unwrap_or(&[]);
        let task = info.task.is_some();
        sk.words.push(count(children.len())? * 2 + u32::from(task));
        sk.src.items.push(obj);
        if let (Some(dims), true) = (dims, task) {
            super::to_hierarchy::read_values(obj, dims, sk);
        }
        read_nodes(children, &Path::Key(&at, "children"), sk, dims)?;
    }
    Ok(())
}

/// Plans the next record of a skeleton for the conversion to list.
pub(crate) fn plan(p: &mut Planner, words: &mut Words) -> Planned {
    let r = p.next_record();
    match words.next()? {
        LIST => p.plan.op(op::PASS, r),
        HIERARCHY => {
            p.plan.op(op::REC, r);
            let n = words.next()?;
            flatten(p, words, n, 0)?;
            p.plan.op(op::END, 0);
        }
        _ => return Err(Malformed),
    }
    Ok(())
}

/// Pre-order, depth first: every task node becomes a list task; with `keep_path`, the nodes
/// that have children are entered for the tasks below them (a group as its object, a parent
/// task as its id). Group nodes are not tasks.
fn flatten(p: &mut Planner, words: &mut Words, n: u32, depth: usize) -> Planned {
    check_depth(depth)?;
    let keep_path = p.opts.keep_path;
    for _ in 0..n {
        let word = words.next()?;
        let item = p.next_item();
        let task = word & 1 == 1;
        let children = word >> 1;
        if task {
            p.plan
                .op(if keep_path { op::TASK_PATH } else { op::TASK }, item);
        }
        let enter = keep_path && children > 0;
        if enter {
            p.plan.op(
                if task {
                    op::ENTER_TASK
                } else {
                    op::ENTER_GROUP
                },
                item,
            );
        }
        flatten(p, words, children, depth + 1)?;
        if enter {
            p.plan.op(op::LEAVE, 0);
        }
    }
    Ok(())
}
