//! The mergeable counters behind [`super::TaskStats`], and how records and other aggregates
//! update them.
//!
//! Every quantity is a count or an [`ExactSum`], so adding records in any grouping and merging
//! aggregates in any order reach the same state. Ids are interned once into dense indices so
//! that the per-task work is a hash lookup and a few `Vec` increments, with no allocation.
//!
//! ## No count overflows
//! Every count is at most [`MAX_COUNT`], and every count, and every sum of counts the summary
//! and the tree take, is bounded by one of three [`Totals`]: the employees, the task
//! assignments (rejected ones included) and the source events. An add or a merge that would take
//! a total past `MAX_COUNT` is refused before anything changes ([`Agg::check_room`],
//! [`Agg::merge`]), so no count can pass it; `persist::from_json` checks the same bounds on
//! what it reads.

use std::cmp::Ordering;
use std::fmt;

use rustc_hash::FxHashMap;

use super::exact_sum::ExactSum;
use super::parse::{Scratch, TaskEv};
use crate::error::{Error, Result};
use crate::page::Dimension;

/// `validation_state` of the tasks every aggregate but the state counts leaves out.
pub(crate) const REJECTED: &str = "rejected";

/// The largest count an aggregate holds: 2^53 - 1, the largest integer a JS number holds
/// exactly, so that every count reaches JS (summary, tree, persisted form) as it is.
pub(crate) const MAX_COUNT: u64 = (1 << 53) - 1;

/// How messages name [`MAX_COUNT`]: `{n} is {PAST_MAX}`.
pub(crate) const PAST_MAX: &str =
    "more than 9007199254740991 (2^53 - 1), the largest count a TaskStats holds";

/// A `u128` in decimal, for messages: `u128`'s own `Display` costs 1.3 KB of wasm.
pub(crate) struct Wide(pub u128);

impl fmt::Display for Wide {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Digit by digit over 32-bit limbs, dividing with u64 arithmetic only.
        let n = self.0;
        let mut limbs = [
            (n >> 96) as u32,
            (n >> 64) as u32,
            (n >> 32) as u32,
            n as u32,
        ];
        let mut digits = [0u8; 39];
        let mut i = digits.len();
        loop {
            let mut rem = 0u64;
            for l in &mut limbs {
                let cur = rem << 32 | u64::from(*l);
                *l = (cur / 10) as u32;
                rem = cur % 10;
            }
            i -= 1;
            digits[i] = b'0' + rem as u8;
            if limbs == [0; 4] {
                break;
            }
        }
        f.write_str(std::str::from_utf8(&digits[i..]).unwrap_or_default())
    }
}

/// Byte equality 8 bytes at a time. Why not `==`: in wasm `==` on slices calls a byte-wise
/// `memcmp`, which showed up at 7% of `add_page`; ids and names are compared for every task.
#[inline]
pub(crate) fn fast_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let word = |c: &[u8]| {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        u64::from_ne_bytes(w)
    };
    let mut ca = a.chunks_exact(8);
    let mut cb = b.chunks_exact(8);
    for (x, y) in (&mut ca).zip(&mut cb) {
        if word(x) != word(y) {
            return false;
        }
    }
    ca.remainder()
        .iter()
        .zip(cb.remainder())
        .all(|(x, y)| x == y)
}

/// Sorts `idx` with `cmp`, through one non-generic sort for every caller (each `sort_by` closure
/// would instantiate its own copy of the sort). Every caller's order is total, so any correct
/// sort gives the same result: this is a small bottom-up merge sort (std's sorts are several KB
/// of wasm, and these sorts are on cold paths).
#[inline(never)]
pub(crate) fn sort_indices(idx: &mut [u32], cmp: &mut dyn FnMut(u32, u32) -> Ordering) {
    let n = idx.len();
    let mut buf = vec![0u32; n];
    let mut width = 1;
    // Each pass merges runs of `width` from `src` into `dst`; the two swap roles.
    let mut in_idx = true;
    while width < n {
        let (src, dst): (&[u32], &mut [u32]) = if in_idx {
            (&*idx, &mut buf[..])
        } else {
            (&buf[..], &mut *idx)
        };
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j) = (lo, mid);
            for slot in &mut dst[lo..hi] {
                if j >= hi || (i < mid && cmp(src[i], src[j]) != Ordering::Greater) {
                    *slot = src[i];
                    i += 1;
                } else {
                    *slot = src[j];
                    j += 1;
                }
            }
            lo = hi;
        }
        in_idx = !in_idx;
        width *= 2;
    }
    if !in_idx {
        idx.copy_from_slice(&buf);
    }
}

/// Up to this many names, an interner finds a name by scanning rather than hashing: states,
/// levels and event types are a handful of short strings looked up for every task.
const SCAN_LIMIT: usize = 8;

/// Strings to dense indices, in order of first sight.
#[derive(Clone, Debug, Default)]
pub(crate) struct Interner {
    map: FxHashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Interner {
    /// The index of `s`, and whether it was new.
    #[inline]
    pub(crate) fn intern(&mut self, s: &str) -> (u32, bool) {
        if self.names.len() <= SCAN_LIMIT {
            if let Some(i) = self
                .names
                .iter()
                .position(|n| fast_eq(n.as_bytes(), s.as_bytes()))
            {
                return (i as u32, false);
            }
        } else if let Some(&i) = self.map.get(s) {
            return (i, false);
        }
        let i = self.names.len() as u32;
        self.names.push(s.into());
        self.map.insert(s.into(), i);
        (i, true)
    }

    pub(crate) fn name(&self, i: u32) -> &str {
        &self.names[i as usize]
    }

    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }
}

/// Counters of one task for one (AI impact level, validation state) pair.
#[derive(Clone, Debug)]
pub(crate) struct Cell {
    pub level: u32,
    pub state: u32,
    /// Assignments of the task with this level and state.
    pub tasks: u64,
    /// Records holding at least one such assignment.
    pub employees: u64,
    /// Assignments that had `weekly_hours`.
    pub with_hours: u64,
    pub hours: ExactSum,
}

/// Counters of one distinct non-rejected task.
///
/// Employee counts are kept per task, per level, per state and per (level, state) cell because
/// distinct-record counts cannot be added up from finer ones; with all four, a tree grouped by
/// any combination of the two dimensions is exact.
#[derive(Clone, Debug)]
pub(crate) struct TaskAgg {
    /// Display name: the smallest (by code point) of all names seen for the task id.
    pub name: Box<str>,
    pub employees: u64,
    pub cells: Vec<Cell>,
    pub level_employees: Vec<(u32, u64)>,
    pub state_employees: Vec<(u32, u64)>,
}

impl TaskAgg {
    fn new(name: &str) -> TaskAgg {
        TaskAgg {
            name: name.into(),
            employees: 0,
            cells: Vec::new(),
            level_employees: Vec::new(),
            state_employees: Vec::new(),
        }
    }

    #[inline]
    pub(crate) fn cell_mut(&mut self, level: u32, state: u32) -> &mut Cell {
        let i = match self
            .cells
            .iter()
            .position(|c| c.level == level && c.state == state)
        {
            Some(i) => i,
            None => {
                self.cells.push(Cell {
                    level,
                    state,
                    tasks: 0,
                    employees: 0,
                    with_hours: 0,
                    hours: ExactSum::default(),
                });
                self.cells.len() - 1
            }
        };
        &mut self.cells[i]
    }
}

/// Counters of one distinct skill linked to non-rejected tasks.
#[derive(Clone, Debug)]
pub(crate) struct SkillAgg {
    /// Display name: the smallest (by code point) of all names seen for the skill id.
    pub name: Box<str>,
    /// Non-rejected task assignments linking the skill (once per assignment).
    pub tasks: u64,
    /// Records linking the skill from a non-rejected task.
    pub employees: u64,
    // Dedupe stamps (not part of the value): the last record / assignment that counted it.
    last_record: u64,
    last_assign: u64,
}

impl SkillAgg {
    pub(crate) fn new(name: &str, tasks: u64, employees: u64) -> SkillAgg {
        SkillAgg {
            name: name.into(),
            tasks,
            employees,
            last_record: 0,
            last_assign: 0,
        }
    }
}

/// All counters of an aggregate.
///
/// Besides the counts of each kind, these bounds hold (records give them; merges add them up;
/// `persist::from_json` checks them), so that [`Totals`] bound every sum the crate takes:
/// - `employees` is the sum of the record counts of `tasks_per_employee`, and the sum of
///   `tasks × records` there is the sum of every cell's `tasks`;
/// - the count of each state but `rejected` is the sum of `tasks` of the cells of that state;
/// - a task's `employees` is at most `employees`, and at most the sum of `employees` of its
///   cells; each of its `level_employees` and `state_employees` at most that sum over its cells
///   of that level or state;
/// - a skill's `employees` is at most `employees`, its `tasks` at most the cells' `tasks`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Agg {
    pub employees: u64,
    /// Non-rejected tasks per record → number of records, ascending by task count (a sorted
    /// list rather than a `BTreeMap`, whose code would be in the module for this one map).
    pub tasks_per_employee: Vec<(u64, u64)>,
    pub states: Interner,
    /// Task assignments per validation state, rejected included (indexed like `states`).
    pub state_counts: Vec<u64>,
    pub levels: Interner,
    pub event_types: Interner,
    /// Source events of non-rejected tasks per event type (indexed like `event_types`).
    pub event_counts: Vec<u64>,
    pub task_ids: Interner,
    pub tasks: Vec<TaskAgg>,
    pub skill_ids: Interner,
    pub skills: Vec<SkillAgg>,
    // Reusable scratch, not part of the value.
    record_seq: u64,
    assign_seq: u64,
    triples: Vec<(u32, u32, u32)>,
    seen_states: Vec<u32>,
}

/// The totals that bound every count of an aggregate (see [`Agg`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Totals {
    /// Records counted.
    pub employees: u64,
    /// Task assignments counted, rejected ones included (the sum of the state counts).
    pub assignments: u64,
    /// Source events of non-rejected tasks counted (the sum of the event type counts).
    pub events: u64,
}

impl Totals {
    /// `self + more`, or the error naming the first total past [`MAX_COUNT`]; `doing` says
    /// what would have passed it (`merging`).
    fn add(self, more: Totals, doing: &str) -> Result<Totals> {
        let sum = |what: &str, x: u64, y: u64| -> Result<u64> {
            match x.checked_add(y).filter(|&n| n <= MAX_COUNT) {
                Some(n) => Ok(n),
                None => Err(past_max(doing, what, x, y)),
            }
        };
        Ok(Totals {
            employees: sum("employees", self.employees, more.employees)?,
            assignments: sum("task assignments", self.assignments, more.assignments)?,
            events: sum("source events", self.events, more.events)?,
        })
    }
}

/// The error of `doing` taking a total of `what` to `x + y`, past [`MAX_COUNT`].
#[cold]
#[inline(never)]
fn past_max(doing: &str, what: &str, x: u64, y: u64) -> Error {
    Error::invalid_input(
        "stats",
        format_args!(
            "{doing} would count {} {what}, {PAST_MAX}; nothing was changed",
            Wide(u128::from(x) + u128::from(y))
        ),
    )
}

fn bump(v: &mut Vec<(u32, u64)>, key: u32, n: u64) {
    match v.iter_mut().find(|(k, _)| *k == key) {
        Some((_, c)) => *c += n,
        None => v.push((key, n)),
    }
}

fn bump_index(v: &mut Vec<u64>, i: u32, n: u64) {
    let i = i as usize;
    if v.len() <= i {
        v.resize(i + 1, 0);
    }
    v[i] += n;
}

/// Keeps the smaller name so that the result does not depend on the order names were seen in.
#[inline]
fn keep_smaller(slot: &mut Box<str>, name: &str) {
    if !fast_eq(name.as_bytes(), slot.as_bytes()) && name < &**slot {
        *slot = name.into();
    }
}

impl Agg {
    /// The totals of this aggregate. (Each within [`MAX_COUNT`]: saturating only so that a
    /// broken bound could not become a panic here.)
    pub(crate) fn totals(&self) -> Totals {
        let sum = |counts: &[u64]| counts.iter().fold(0u64, |a, &n| a.saturating_add(n));
        Totals {
            employees: self.employees,
            assignments: sum(&self.state_counts),
            events: sum(&self.event_counts),
        }
    }

    /// Refuses, with an `InvalidInput` error, the records of a validated parse when adding them
    /// would take a total past [`MAX_COUNT`] (only an aggregate restored with such counts gets
    /// near it). When this passes, [`Agg::apply`] cannot overflow.
    pub(crate) fn check_room(&self, s: &Scratch<'_>) -> Result<()> {
        let mut more = Totals {
            employees: s.records.len() as u64,
            assignments: s.tasks.len() as u64,
            // All events, an upper bound: those of rejected tasks are not counted.
            events: s.events.len() as u64,
        };
        let totals = self.totals();
        if totals.events.saturating_add(more.events) > MAX_COUNT {
            more.events = s
                .tasks
                .iter()
                .filter(|t| t.state != REJECTED)
                .map(|t| u64::from(t.events.1 - t.events.0))
                .sum();
        }
        totals.add(more, "adding these records").map(|_| ())
    }

    /// Adds every record of a validated parse that [`Agg::check_room`] accepted. Cannot fail.
    pub(crate) fn apply(&mut self, s: &Scratch<'_>) {
        let mut start = 0usize;
        for &end in &s.records {
            let end = end as usize;
            self.add_record(&s.tasks[start..end], s);
            start = end;
        }
    }

    fn add_record(&mut self, tasks: &[TaskEv<'_>], s: &Scratch<'_>) {
        self.employees += 1;
        self.record_seq += 1;
        self.triples.clear();
        for t in tasks {
            let (state, _) = self.states.intern(&t.state);
            bump_index(&mut self.state_counts, state, 1);
            if t.state == REJECTED {
                continue;
            }
            let (level, _) = self
                .levels
                .intern(t.level.as_deref().unwrap_or(Dimension::UNKNOWN));
            let (task, new) = self.task_ids.intern(&t.id);
            if new {
                self.tasks.push(TaskAgg::new(&t.name));
            }
            let agg = &mut self.tasks[task as usize];
            keep_smaller(&mut agg.name, &t.name);
            let cell = agg.cell_mut(level, state);
            cell.tasks += 1;
            if let Some(h) = t.hours {
                cell.hours.add(h);
                cell.with_hours += 1;
            }
            self.triples.push((task, level, state));

            self.assign_seq += 1;
            for sk in &s.skills[t.skills.0 as usize..t.skills.1 as usize] {
                let (i, new) = self.skill_ids.intern(&sk.id);
                if new {
                    self.skills.push(SkillAgg::new(&sk.name, 0, 0));
                }
                let agg = &mut self.skills[i as usize];
                keep_smaller(&mut agg.name, &sk.name);
                if agg.last_assign == self.assign_seq {
                    continue;
                }
                agg.last_assign = self.assign_seq;
                agg.tasks += 1;
                if agg.last_record != self.record_seq {
                    agg.last_record = self.record_seq;
                    agg.employees += 1;
                }
            }
            for e in &s.events[t.events.0 as usize..t.events.1 as usize] {
                let (i, _) = self.event_types.intern(e);
                bump_index(&mut self.event_counts, i, 1);
            }
        }
        self.count_records(self.triples.len() as u64, 1);

        // Distinct-record counts: sorted triples group by task, then by level within a task.
        self.triples.sort_unstable();
        self.triples.dedup();
        let mut i = 0;
        while i < self.triples.len() {
            let task = self.triples[i].0;
            let mut j = i;
            while j < self.triples.len() && self.triples[j].0 == task {
                j += 1;
            }
            let agg = &mut self.tasks[task as usize];
            agg.employees += 1;
            self.seen_states.clear();
            for (k, &(_, level, state)) in self.triples[i..j].iter().enumerate() {
                if k == 0 || self.triples[i + k - 1].1 != level {
                    bump(&mut agg.level_employees, level, 1);
                }
                agg.cell_mut(level, state).employees += 1;
                if !self.seen_states.contains(&state) {
                    self.seen_states.push(state);
                    bump(&mut agg.state_employees, state, 1);
                }
            }
            i = j;
        }
    }

    /// Counts `n` more records with `tasks` non-rejected tasks.
    pub(crate) fn count_records(&mut self, tasks: u64, n: u64) {
        let dist = &mut self.tasks_per_employee;
        match dist.binary_search_by(|&(k, _)| k.cmp(&tasks)) {
            Ok(i) => dist[i].1 += n,
            Err(i) => dist.insert(i, (tasks, n)),
        }
    }

    /// Adds another aggregate's counters (records of the two are taken to be distinct). Refused,
    /// with nothing changed, when a total would pass [`MAX_COUNT`]; otherwise no count can
    /// overflow, as each is bounded by a total (see [`Agg`]).
    pub(crate) fn merge(&mut self, o: &Agg) -> Result<()> {
        self.totals().add(o.totals(), "merging")?;
        self.employees += o.employees;
        for &(k, n) in &o.tasks_per_employee {
            self.count_records(k, n);
        }
        let state_map: Vec<u32> = (0..o.states.len() as u32)
            .map(|i| self.states.intern(o.states.name(i)).0)
            .collect();
        let level_map: Vec<u32> = (0..o.levels.len() as u32)
            .map(|i| self.levels.intern(o.levels.name(i)).0)
            .collect();
        for (i, &n) in o.state_counts.iter().enumerate() {
            bump_index(&mut self.state_counts, state_map[i], n);
        }
        for (i, &n) in o.event_counts.iter().enumerate() {
            let (j, _) = self.event_types.intern(o.event_types.name(i as u32));
            bump_index(&mut self.event_counts, j, n);
        }
        for (i, ot) in o.tasks.iter().enumerate() {
            let (t, new) = self.task_ids.intern(o.task_ids.name(i as u32));
            if new {
                self.tasks.push(TaskAgg::new(&ot.name));
            }
            let agg = &mut self.tasks[t as usize];
            keep_smaller(&mut agg.name, &ot.name);
            agg.employees += ot.employees;
            for c in &ot.cells {
                let cell = agg.cell_mut(level_map[c.level as usize], state_map[c.state as usize]);
                cell.tasks += c.tasks;
                cell.employees += c.employees;
                cell.with_hours += c.with_hours;
                cell.hours.add_sum(&c.hours);
            }
            for &(l, n) in &ot.level_employees {
                bump(&mut agg.level_employees, level_map[l as usize], n);
            }
            for &(st, n) in &ot.state_employees {
                bump(&mut agg.state_employees, state_map[st as usize], n);
            }
        }
        for (i, os) in o.skills.iter().enumerate() {
            let (s, new) = self.skill_ids.intern(o.skill_ids.name(i as u32));
            if new {
                self.skills.push(SkillAgg::new(&os.name, 0, 0));
            }
            let agg = &mut self.skills[s as usize];
            keep_smaller(&mut agg.name, &os.name);
            agg.tasks += os.tasks;
            agg.employees += os.employees;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::persist::tests::{shard, shard_with};
    use crate::stats::TaskStats;
    use crate::ErrorKind;

    fn restored(text: &str) -> TaskStats {
        TaskStats::from_json(text).unwrap()
    }

    /// `a.merge(b)` is refused with an error naming `total`, and leaves `a` as it was.
    fn merge_refused(a: &str, b: &str, total: &str) {
        let mut s = restored(a);
        let e = s.merge(&restored(b)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert!(e.message.starts_with("stats: merging would count "), "{e}");
        assert!(e.message.contains(total), "{total}: {e}");
        assert_eq!(s.to_json(), a, "a refused merge changes nothing");
    }

    #[test]
    fn merges_up_to_2_pow_53_minus_1_are_exact() {
        let mut s = restored(&shard(MAX_COUNT - 1));
        s.merge(&restored(&shard(1))).unwrap();
        assert_eq!(s.to_json(), shard_with(&MAX_COUNT.to_string(), "2", &[]));
        assert_eq!(s.summary().top_tasks[0].employees, MAX_COUNT);
    }

    #[test]
    fn merges_past_2_pow_53_minus_1_are_refused_and_change_nothing() {
        let max = MAX_COUNT.to_string();
        merge_refused(&shard(MAX_COUNT), &shard(1), "9007199254740992 employees");
        // Where u64 arithmetic would wrap, had the counts no bound.
        merge_refused(
            &shard(MAX_COUNT),
            &shard(MAX_COUNT),
            "18014398509481982 employees",
        );
        // One employee with 2^53 - 1 tasks: assignments pass the limit, employees do not.
        let busy = |n: &str| {
            shard_with(
                "1",
                "1",
                &[
                    ("[[1,1]]", &format!("[[{n},1]]")),
                    (r#""validated":1}"#, &format!(r#""validated":{n}}}"#)),
                    (
                        r#""tasks":1,"employees":1,"tasksWithHours""#,
                        &format!(r#""tasks":{n},"employees":1,"tasksWithHours""#),
                    ),
                ],
            )
        };
        merge_refused(&busy(&max), &busy("1"), "9007199254740992 task assignments");
        merge_refused(
            &shard_with("1", &max, &[]),
            &shard_with("1", "1", &[]),
            "9007199254740992 source events",
        );
        // A rejected task counts as an assignment too.
        let rejected = shard_with(
            "1",
            "1",
            &[(
                r#""validationStates":{"validated":1}"#,
                &format!(
                    r#""validationStates":{{"rejected":{},"validated":1}}"#,
                    MAX_COUNT - 1
                ),
            )],
        );
        merge_refused(&rejected, &shard(1), "9007199254740992 task assignments");
    }

    #[test]
    fn adds_past_2_pow_53_minus_1_are_refused_and_change_nothing() {
        let page = |state: &str| {
            format!(
                r#"{{"has_next":false,"records":[{{"external_id":"e","tasks":[{{"task_id":"t","task":"T","validation_state":"{state}","source_events":[{{"event_type":"ev"}}]}}]}}]}}"#
            )
        };
        let mut s = restored(&shard(MAX_COUNT - 1));
        s.add_page(page("validated").as_bytes()).unwrap();
        assert_eq!(s.summary().employees, MAX_COUNT);
        let before = s.to_json();
        for add in [
            s.clone().add_page(page("validated").as_bytes()),
            s.clone().add_records(br#"{"external_id":"e","tasks":[]}"#),
            s.clone()
                .add_checked_page(page("validated").as_bytes(), |_| Ok(())),
        ] {
            let e = add.unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput);
            assert!(
                e.message.starts_with(
                    "stats: adding these records would count 9007199254740992 employees"
                ),
                "{e}"
            );
        }
        let mut checked = false;
        let e = s
            .add_checked_page(page("validated").as_bytes(), |_| {
                checked = true;
                Ok(())
            })
            .unwrap_err();
        assert!(e.message.contains("employees"));
        assert!(
            !checked,
            "a page that cannot be counted is refused before the check"
        );
        assert_eq!(s.to_json(), before);

        // Source events: only those of non-rejected tasks count, so the bound is exact.
        let max = MAX_COUNT.to_string();
        let mut s = restored(&shard_with("1", &max, &[]));
        s.add_page(page("rejected").as_bytes()).unwrap();
        let e = s.add_page(page("validated").as_bytes()).unwrap_err();
        assert!(e.message.contains("9007199254740992 source events"), "{e}");
    }

    #[test]
    fn sort_indices_sorts_like_std() {
        let mut seed = 12345u32;
        for n in 0..70usize {
            let keys: Vec<u32> = (0..n)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (seed >> 16) % 7
                })
                .collect();
            let mut cmp = |x: u32, y: u32| keys[x as usize].cmp(&keys[y as usize]).then(x.cmp(&y));
            let mut ours: Vec<u32> = (0..n as u32).collect();
            sort_indices(&mut ours, &mut cmp);
            let mut theirs: Vec<u32> = (0..n as u32).collect();
            theirs.sort_by(|&x, &y| cmp(x, y));
            assert_eq!(ours, theirs, "{n}");
        }
    }
}
