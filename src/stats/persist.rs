//! Lossless JSON form of an aggregate, so shards built in different workers merge exactly.
//!
//! Exact sums are written as their canonical partials, each as the 16 hex digits of its IEEE-754
//! bits: a JSON number would not survive `JSON.parse`/`JSON.stringify` in JS bit for bit, and
//! canonical partials make the text identical for every split of the same records.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::aggregate::{Agg, Interner, SkillAgg, TaskAgg, REJECTED};
use super::exact_sum::{ExactSum, MAX_PARTIAL};
use crate::error::{Error, Result};

/// `format` of the serialised form.
pub(crate) const FORMAT: &str = "task-profiles/task-stats";
/// `version` of the serialised form this build writes and reads.
pub(crate) const VERSION: u64 = 1;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Doc {
    format: String,
    version: u64,
    top_n: u64,
    employees: u64,
    /// `[tasks, records]` pairs, ascending.
    tasks_per_employee: Vec<(u64, u64)>,
    validation_states: BTreeMap<String, u64>,
    source_event_types: BTreeMap<String, u64>,
    tasks: Vec<DocTask>,
    skills: Vec<DocSkill>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DocTask {
    task_id: String,
    task: String,
    employees: u64,
    level_employees: BTreeMap<String, u64>,
    state_employees: BTreeMap<String, u64>,
    cells: Vec<DocCell>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DocCell {
    level: String,
    state: String,
    tasks: u64,
    employees: u64,
    tasks_with_hours: u64,
    weekly_hours: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DocSkill {
    skill_id: String,
    skill: String,
    tasks: u64,
    employees: u64,
}

fn hex(x: f64) -> String {
    format!("{:016x}", x.to_bits())
}

pub(crate) fn to_json(a: &Agg, top_n: usize) -> String {
    let named = |interner: &Interner, counts: &[u64]| -> BTreeMap<String, u64> {
        counts
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(i, &n)| (interner.name(i as u32).to_owned(), n))
            .collect()
    };
    let mut tasks: Vec<DocTask> = a
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut cells: Vec<DocCell> = t
                .cells
                .iter()
                .map(|c| DocCell {
                    level: a.levels.name(c.level).to_owned(),
                    state: a.states.name(c.state).to_owned(),
                    tasks: c.tasks,
                    employees: c.employees,
                    tasks_with_hours: c.with_hours,
                    weekly_hours: c.hours.canonical_partials().into_iter().map(hex).collect(),
                })
                .collect();
            cells.sort_by(|x, y| (&x.level, &x.state).cmp(&(&y.level, &y.state)));
            let by = |v: &[(u32, u64)], names: &Interner| {
                v.iter()
                    .map(|&(k, n)| (names.name(k).to_owned(), n))
                    .collect()
            };
            DocTask {
                task_id: a.task_ids.name(i as u32).to_owned(),
                task: t.name.to_string(),
                employees: t.employees,
                level_employees: by(&t.level_employees, &a.levels),
                state_employees: by(&t.state_employees, &a.states),
                cells,
            }
        })
        .collect();
    tasks.sort_by(|x, y| x.task_id.cmp(&y.task_id));
    let mut skills: Vec<DocSkill> = a
        .skills
        .iter()
        .enumerate()
        .map(|(i, s)| DocSkill {
            skill_id: a.skill_ids.name(i as u32).to_owned(),
            skill: s.name.to_string(),
            tasks: s.tasks,
            employees: s.employees,
        })
        .collect();
    skills.sort_by(|x, y| x.skill_id.cmp(&y.skill_id));
    let doc = Doc {
        format: FORMAT.to_owned(),
        version: VERSION,
        top_n: top_n as u64,
        employees: a.employees,
        tasks_per_employee: a.tasks_per_employee.iter().map(|(&k, &n)| (k, n)).collect(),
        validation_states: named(&a.states, &a.state_counts),
        source_event_types: named(&a.event_types, &a.event_counts),
        tasks,
        skills,
    };
    serde_json::to_string(&doc).unwrap_or_default()
}

fn bad(path: &str, problem: impl std::fmt::Display) -> Error {
    Error::invalid_input(path, problem)
}

/// Parses and validates; returns the counters and `topN`.
pub(crate) fn from_json(json: &str) -> Result<(Agg, usize)> {
    // The envelope first, so that another format or version is named as such rather than
    // reported as whichever field happens not to match.
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| bad("stats", format!("not JSON: {e}")))?;
    let obj = value
        .as_object()
        .ok_or_else(|| bad("stats", "expected a JSON object from TaskStats.toJSON()"))?;
    match obj.get("format").and_then(|f| f.as_str()) {
        Some(FORMAT) => {}
        Some(other) => {
            return Err(bad(
                "stats.format",
                format!("expected {FORMAT:?}, found {other:?}"),
            ))
        }
        None => {
            return Err(bad(
                "stats.format",
                format!("missing: expected {FORMAT:?} (is this the output of TaskStats.toJSON()?)"),
            ))
        }
    }
    match obj.get("version") {
        Some(v) if v.as_u64() == Some(VERSION) => {}
        Some(v) => {
            return Err(bad(
                "stats.version",
                format!("unsupported version {v} (this build reads version {VERSION})"),
            ))
        }
        None => return Err(bad("stats.version", "missing")),
    }
    let doc: Doc = serde_json::from_value(value).map_err(|e| bad("stats", e))?;

    let mut a = Agg::default();
    let top_n = usize::try_from(doc.top_n).map_err(|_| bad("stats.topN", "too large"))?;
    a.employees = doc.employees;
    let mut records = 0u64;
    let mut last = None;
    for (i, &(k, n)) in doc.tasks_per_employee.iter().enumerate() {
        let p = format!("stats.tasksPerEmployee[{i}]");
        if last.is_some_and(|l| l >= k) {
            return Err(bad(&p, "task counts must be strictly ascending"));
        }
        if n == 0 {
            return Err(bad(&p, "record count must be positive"));
        }
        last = Some(k);
        records = records
            .checked_add(n)
            .ok_or_else(|| bad(&p, "count overflow"))?;
        a.tasks_per_employee.insert(k, n);
    }
    if records != doc.employees {
        return Err(bad(
            "stats.employees",
            format!(
                "{} does not match the {records} records of tasksPerEmployee",
                doc.employees
            ),
        ));
    }
    for (name, &n) in &doc.validation_states {
        let (i, _) = a.states.intern(name);
        a.state_counts.resize(a.states.len(), 0);
        a.state_counts[i as usize] = n;
    }
    for (name, &n) in &doc.source_event_types {
        let (i, _) = a.event_types.intern(name);
        a.event_counts.resize(a.event_types.len(), 0);
        a.event_counts[i as usize] = n;
    }
    for (i, t) in doc.tasks.iter().enumerate() {
        let p = format!("stats.tasks[{i}]");
        let (idx, new) = a.task_ids.intern(&t.task_id);
        if !new {
            return Err(bad(
                &format!("{p}.taskId"),
                format!("duplicate {:?}", t.task_id),
            ));
        }
        if t.employees == 0 || t.cells.is_empty() {
            return Err(bad(&p, "a task has at least one employee and one cell"));
        }
        let mut agg = TaskAgg {
            name: t.task.as_str().into(),
            employees: t.employees,
            cells: Vec::new(),
            level_employees: Vec::new(),
            state_employees: Vec::new(),
        };
        for (name, &n) in &t.level_employees {
            agg.level_employees.push((a.levels.intern(name).0, n));
        }
        for (name, &n) in &t.state_employees {
            if name == REJECTED {
                return Err(bad(
                    &format!("{p}.stateEmployees"),
                    "rejected tasks are not aggregated",
                ));
            }
            agg.state_employees.push((a.states.intern(name).0, n));
        }
        let mut seen = HashSet::new();
        for (j, c) in t.cells.iter().enumerate() {
            let cp = format!("{p}.cells[{j}]");
            if c.state == REJECTED {
                return Err(bad(&cp, "rejected tasks are not aggregated"));
            }
            if !seen.insert((&c.level, &c.state)) {
                return Err(bad(&cp, "duplicate (level, state)"));
            }
            if c.employees == 0 || c.employees > c.tasks || c.tasks_with_hours > c.tasks {
                return Err(bad(
                    &cp,
                    "expected 0 < employees <= tasks and tasksWithHours <= tasks",
                ));
            }
            let mut partials = Vec::with_capacity(c.weekly_hours.len());
            for (k, h) in c.weekly_hours.iter().enumerate() {
                let x = (h.len() == 16)
                    .then(|| u64::from_str_radix(h, 16).ok())
                    .flatten()
                    .map(f64::from_bits)
                    .filter(|x| x.is_finite() && x.abs() <= MAX_PARTIAL)
                    .ok_or_else(|| {
                        bad(
                            &format!("{cp}.weeklyHours[{k}]"),
                            "expected 16 hex digits of a finite f64 within ±1e250",
                        )
                    })?;
                partials.push(x);
            }
            let level = a.levels.intern(&c.level).0;
            let state = a.states.intern(&c.state).0;
            let cell = agg.cell_mut(level, state);
            cell.tasks = c.tasks;
            cell.employees = c.employees;
            cell.with_hours = c.tasks_with_hours;
            cell.hours = ExactSum::from_partials(&partials);
        }
        debug_assert_eq!(idx as usize, a.tasks.len());
        a.tasks.push(agg);
    }
    // Interning above may have added states seen only in cells; keep the counts aligned.
    a.state_counts.resize(a.states.len(), 0);
    for (i, s) in doc.skills.iter().enumerate() {
        let p = format!("stats.skills[{i}]");
        let (_, new) = a.skill_ids.intern(&s.skill_id);
        if !new {
            return Err(bad(
                &format!("{p}.skillId"),
                format!("duplicate {:?}", s.skill_id),
            ));
        }
        if s.employees == 0 || s.employees > s.tasks {
            return Err(bad(&p, "expected 0 < employees <= tasks"));
        }
        a.skills.push(SkillAgg::new(&s.skill, s.tasks, s.employees));
    }
    Ok((a, top_n))
}
