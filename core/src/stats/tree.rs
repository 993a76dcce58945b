//! The organisation-wide task tree a treemap or sunburst draws directly (`d3.hierarchy` input).

use std::cmp::Ordering;

use serde::Serialize;

use rustc_hash::FxHashMap;

use crate::json::write::{field_f64, field_str, field_u64, key};

use super::aggregate::{sort_indices, Agg, TaskAgg};
use super::exact_sum::ExactSum;
use crate::page::Dimension;
use crate::shape::TaskTaxonomy;

/// Name of the root node.
pub const ROOT_NAME: &str = "All tasks";

/// Where a task sits in a task taxonomy, for [`TreeBy::Taxonomy`].
///
/// A trait so that any placement can be given (a learned [`TaskTaxonomy`], or the caller's own):
/// the tree needs only the group names above each task.
pub trait TaskPlacement {
    /// Names of the groups enclosing `task_id`, outermost first; `None` when the task is unknown
    /// (it then goes to the top level). An empty path also means the top level.
    fn path_names(&self, task_id: &str) -> Option<Vec<String>>;
}

/// A learned taxonomy places tasks by the names of their enclosing groups (a group without a
/// string `name` by its `node_id`); parent tasks are not groups of the tree.
impl TaskPlacement for TaskTaxonomy {
    fn path_names(&self, task_id: &str) -> Option<Vec<String>> {
        self.path_of(task_id).map(|path| {
            path.iter()
                .filter(|e| e.is_group())
                .map(|e| e.name().or(e.node_id()).unwrap_or_default().to_string())
                .collect()
        })
    }
}

/// How [`super::TaskStats::tree`] groups the tasks.
pub enum TreeBy<'a> {
    /// Nested groups by these dimensions, outermost first; an empty list puts every task under
    /// the root. A task appears once per distinct combination of values it was seen with.
    Dimensions(Vec<Dimension>),
    /// Groups from a task taxonomy; one leaf per task.
    Taxonomy(&'a dyn TaskPlacement),
}

/// A node of the tree: groups hold children, leaves are tasks.
///
/// Groups carry no `value`, so that `d3.hierarchy(tree).sum(d => d.value)` counts each leaf once.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(untagged)]
pub enum TreeNode {
    /// The root or a group (a dimension value or a taxonomy group name).
    Group {
        /// The group's name (the root's is [`ROOT_NAME`]).
        name: String,
        /// Value desc, then name asc (then task id asc).
        children: Vec<TreeNode>,
    },
    /// One task within its group.
    Leaf {
        /// Task display name.
        name: String,
        /// The task's `task_id`.
        #[serde(rename = "taskId")]
        task_id: String,
        /// Employees holding the task (within the group's dimension values).
        value: u64,
        /// Sum of the task's weekly hours (within the group's dimension values).
        #[serde(rename = "weeklyHours")]
        weekly_hours: f64,
    },
}

impl TreeNode {
    /// The node's own value for a leaf, the sum of its leaves for a group.
    pub fn total(&self) -> u64 {
        match self {
            TreeNode::Group { children, .. } => children.iter().map(TreeNode::total).sum(),
            TreeNode::Leaf { value, .. } => *value,
        }
    }

    /// The tree as JSON text, exactly as `serde_json::to_string` writes it.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(256);
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        out.push('{');
        match self {
            TreeNode::Group { name, children } => {
                field_str(out, "name", name);
                key(out, "children");
                out.push('[');
                for (j, c) in children.iter().enumerate() {
                    if j > 0 {
                        out.push(',');
                    }
                    c.write_json(out);
                }
                out.push(']');
            }
            TreeNode::Leaf {
                name,
                task_id,
                value,
                weekly_hours,
            } => {
                field_str(out, "name", name);
                field_str(out, "taskId", task_id);
                field_u64(out, "value", *value);
                field_f64(out, "weeklyHours", *weekly_hours);
            }
        }
        out.push('}');
    }

    /// The node's name.
    pub fn name(&self) -> &str {
        match self {
            TreeNode::Group { name, .. } | TreeNode::Leaf { name, .. } => name,
        }
    }
}

/// Groups in first-seen order (`finish` sorts siblings totally), found through an index of the
/// map type the taxonomy already instantiates.
#[derive(Default)]
struct Builder {
    groups: Vec<(String, Builder)>,
    index: FxHashMap<String, usize>,
    leaves: Vec<(u64, TreeNode)>,
}

impl Builder {
    fn insert(&mut self, path: &[String], leaf: TreeNode) {
        let mut node = self;
        for name in path {
            let i = match node.index.get(name) {
                Some(&i) => i,
                None => {
                    node.index.insert(name.clone(), node.groups.len());
                    node.groups.push((name.clone(), Builder::default()));
                    node.groups.len() - 1
                }
            };
            node = &mut node.groups[i].1;
        }
        node.leaves.push((leaf.total(), leaf));
    }

    fn finish(self, name: String) -> (u64, TreeNode) {
        let children: Vec<(u64, TreeNode)> = self
            .groups
            .into_iter()
            .map(|(n, b)| b.finish(n))
            .chain(self.leaves)
            .collect();
        // Siblings have distinct (name, kind, task id), so the order is total and an unstable
        // sort of indices (shared with the rest of the crate) gives the one stable result.
        let mut order: Vec<u32> = (0..children.len() as u32).collect();
        sort_indices(&mut order, &mut |x, y| {
            let ((va, a), (vb, b)) = (&children[x as usize], &children[y as usize]);
            vb.cmp(va)
                .then_with(|| a.name().cmp(b.name()))
                .then_with(|| tie_key(a).cmp(&tie_key(b)))
                .then(x.cmp(&y))
        });
        let total = children.iter().map(|(v, _)| v).sum();
        let mut slots: Vec<Option<TreeNode>> = children.into_iter().map(|(_, n)| Some(n)).collect();
        let children = order
            .iter()
            .filter_map(|&i| slots[i as usize].take())
            .collect();
        (total, TreeNode::Group { name, children })
    }
}

/// Orders equal-valued, equal-named siblings: groups first, then leaves by task id.
fn tie_key(n: &TreeNode) -> (Ordering, &str) {
    match n {
        TreeNode::Group { .. } => (Ordering::Less, ""),
        TreeNode::Leaf { task_id, .. } => (Ordering::Greater, task_id),
    }
}

fn leaf(a: &Agg, i: usize, value: u64, hours: &ExactSum) -> TreeNode {
    TreeNode::Leaf {
        name: a.tasks[i].name.to_string(),
        task_id: a.task_ids.name(i as u32).to_owned(),
        value,
        weekly_hours: hours.value(),
    }
}

fn all_hours(t: &TaskAgg) -> ExactSum {
    let mut h = ExactSum::default();
    t.cells.iter().for_each(|c| h.add_sum(&c.hours));
    h
}

pub(crate) fn build(a: &Agg, by: TreeBy<'_>) -> TreeNode {
    let mut root = Builder::default();
    match by {
        TreeBy::Taxonomy(placement) => {
            for (i, t) in a.tasks.iter().enumerate() {
                let path = placement
                    .path_names(a.task_ids.name(i as u32))
                    .unwrap_or_default();
                root.insert(&path, leaf(a, i, t.employees, &all_hours(t)));
            }
        }
        TreeBy::Dimensions(dims) => {
            let use_level = dims.contains(&Dimension::AiImpactLevel);
            let use_state = dims.contains(&Dimension::ValidationState);
            for (i, t) in a.tasks.iter().enumerate() {
                // Distinct (level?, state?) keys of the task, each with its summed hours.
                // A few cells per task: a vector (found by linear search) rather than one more
                // map instantiation; the order does not matter, as `finish` sorts siblings totally.
                let mut keys: Vec<(CellKey, ExactSum)> = Vec::new();
                for c in &t.cells {
                    let key = (use_level.then_some(c.level), use_state.then_some(c.state));
                    let i = match keys.iter().position(|(k, _)| *k == key) {
                        Some(i) => i,
                        None => {
                            keys.push((key, ExactSum::default()));
                            keys.len() - 1
                        }
                    };
                    keys[i].1.add_sum(&c.hours);
                }
                for ((level, state), hours) in keys {
                    let value = match (level, state) {
                        (None, None) => t.employees,
                        (Some(l), None) => find(&t.level_employees, l),
                        (None, Some(s)) => find(&t.state_employees, s),
                        (Some(l), Some(s)) => t
                            .cells
                            .iter()
                            .find(|c| c.level == l && c.state == s)
                            .map_or(0, |c| c.employees),
                    };
                    let path: Vec<String> = dims
                        .iter()
                        .map(|d| match d {
                            Dimension::AiImpactLevel => a.levels.name(level.unwrap_or(0)),
                            Dimension::ValidationState => a.states.name(state.unwrap_or(0)),
                        })
                        .map(str::to_owned)
                        .collect();
                    root.insert(&path, leaf(a, i, value, &hours));
                }
            }
        }
    }
    root.finish(ROOT_NAME.to_owned()).1
}

/// A cell's (level, state), each only when the tree groups by it.
type CellKey = (Option<u32>, Option<u32>);

fn find(v: &[(u32, u64)], k: u32) -> u64 {
    v.iter().find(|(x, _)| *x == k).map_or(0, |(_, n)| *n)
}
