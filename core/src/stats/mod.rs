//! Streaming, mergeable aggregates over task-profile records.
//!
//! [`TaskStats`] takes pages ([`TaskStats::add_page`]) or records of either shape
//! ([`TaskStats::add_records`]), merges with other aggregates ([`TaskStats::merge`]), round-trips
//! through JSON ([`TaskStats::to_json`], [`TaskStats::from_json`]) and answers with a
//! [`Summary`] and a d3-ready [`TreeNode`].
//!
//! **Split independence.** Every result is the same whatever the split of the records into pages
//! and shards, the merge order and the shape (list or hierarchy) the records came in:
//! - counts are integers; hour sums are exact (Shewchuk partials, see `exact_sum.rs`) and rounded once when read;
//! - "employees" of a task or skill is the number of records holding it, deduplicated within a
//!   record, and records of different shards are taken to be different employees;
//! - **names**: when one `task_id` (or `skill_id`) comes with different names, the name shown is
//!   the smallest by Unicode code point (Rust `str` order). Unlike "first seen" it does not
//!   depend on which shard saw a record first, so merges stay exact.
//!
//! Rejected tasks (`validation_state == "rejected"`) count in `validationStates` and
//! `rejectedTasks` only. A failed add or merge leaves the aggregate unchanged: the whole input
//! is parsed and validated, and checked to keep every count within 2^53 - 1, before any
//! counter moves.

mod aggregate;
mod exact_sum;
mod parse;
mod persist;
mod summary;
mod tree;

// Native only: proptest does not build for wasm32, and wasm-pack test builds every test target.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

pub use summary::{AiImpactStats, Summary, TasksPerEmployee, TopSkill, TopTask, WeeklyHours};
pub use tree::{TaskPlacement, TreeBy, TreeNode, ROOT_NAME};

use crate::error::{ErrorKind, Result};
use crate::page::{read_page_with, read_records, PageEnvelope};

/// Default number of entries in `topTasks` and `topSkills`.
pub const DEFAULT_TOP_N: usize = 20;

/// A mergeable aggregate over employee task-profile records.
#[derive(Clone, Debug)]
pub struct TaskStats {
    top_n: usize,
    agg: aggregate::Agg,
}

impl Default for TaskStats {
    fn default() -> Self {
        TaskStats::new(DEFAULT_TOP_N)
    }
}

impl TaskStats {
    /// An empty aggregate whose summary lists at most `top_n` top tasks and top skills.
    pub fn new(top_n: usize) -> TaskStats {
        TaskStats {
            top_n,
            agg: aggregate::Agg::default(),
        }
    }

    /// How many top tasks and skills [`TaskStats::summary`] lists.
    pub fn top_n(&self) -> usize {
        self.top_n
    }

    /// Adds the records of one export page, given as the raw response body
    /// (`{"has_next", ..., "records": [...]}`) by the caller; records may be of either shape.
    ///
    /// The page is read as every page reader reads it (see [`crate::page`]); errors (kind
    /// `InvalidInput`, message starting with the JSON path such as
    /// `records[3].tasks[0].weekly_hours`) leave the aggregate unchanged.
    pub fn add_page(&mut self, body: &[u8]) -> Result<()> {
        let mut scratch = parse::Scratch::default();
        read_page_with(body, &mut scratch, ErrorKind::InvalidInput)?;
        self.agg.check_room(&scratch)?;
        self.agg.apply(&scratch);
        Ok(())
    }

    /// Adds one export page from the server whose envelope `check` accepts, reading the body
    /// once: the envelope (`has_next`, `next_starting_after`, the number of records) is read on
    /// the way. Nothing is counted when the body is refused (an error of kind `Protocol`: the
    /// server broke the contract) or `check` refuses the page (its error, as it is).
    pub fn add_checked_page<T>(
        &mut self,
        body: &[u8],
        check: impl FnOnce(PageEnvelope) -> Result<T>,
    ) -> Result<T> {
        let mut scratch = parse::Scratch::default();
        let envelope = read_page_with(body, &mut scratch, ErrorKind::Protocol)?;
        // Before `check`, which may move the export on: a refused page must not be accepted.
        self.agg.check_room(&scratch)?;
        let checked = check(envelope)?;
        self.agg.apply(&scratch);
        Ok(checked)
    }

    /// Adds one record (a JSON object) or an array of records, each of either shape.
    ///
    /// Errors name the place as `record.tasks[0]` or `records[2].hierarchy[0].children[1]` and
    /// leave the aggregate unchanged.
    pub fn add_records(&mut self, json: &[u8]) -> Result<()> {
        let mut scratch = parse::Scratch::default();
        read_records(json, &mut scratch, ErrorKind::InvalidInput)?;
        self.agg.check_room(&scratch)?;
        self.agg.apply(&scratch);
        Ok(())
    }

    /// Adds everything `other` has counted. Its records are taken to be other employees than
    /// this aggregate's; `top_n` stays this aggregate's.
    ///
    /// An `InvalidInput` error, with nothing changed, when the employees, the task assignments
    /// or the source events counted would pass 2^53 - 1 (see [`TaskStats::from_json`]).
    pub fn merge(&mut self, other: &TaskStats) -> Result<()> {
        self.agg.merge(&other.agg)
    }

    /// The lossless serialised form (see [`TaskStats::from_json`]). Canonical: the same records
    /// give the same text whatever their split and merge order.
    pub fn to_json(&self) -> String {
        persist::to_json(&self.agg, self.top_n)
    }

    /// Reads the output of [`TaskStats::to_json`], validating it: another `format`, another
    /// `version`, a count above 2^53 - 1 (the largest integer a JS number holds exactly), or
    /// inconsistent counters are `InvalidInput` errors naming the field.
    pub fn from_json(json: &str) -> Result<TaskStats> {
        let (agg, top_n) = persist::from_json(json)?;
        Ok(TaskStats { top_n, agg })
    }

    /// The organisation-wide summary.
    pub fn summary(&self) -> Summary {
        summary::summarize(&self.agg, self.top_n)
    }

    /// The organisation-wide task tree, grouped as `by` says.
    pub fn tree(&self, by: TreeBy<'_>) -> TreeNode {
        tree::build(&self.agg, by)
    }
}
