//! Lossless JSON form of an aggregate, so shards built in different workers merge exactly.
//!
//! Exact sums are written as their canonical partials, each as the 16 hex digits of its IEEE-754
//! bits: a JSON number would not survive `JSON.parse`/`JSON.stringify` in JS bit for bit, and
//! canonical partials make the text identical for every split of the same records.
//!
//! Written and read by hand rather than with derived serde impls: the derives (and the sorted
//! maps they serialise from) cost tens of KB of wasm for a cold path. The text is exactly what
//! `serde_json` writes for the documented shape; reading walks a [`Value`] and names the place
//! of every problem by its path (`stats.tasks[3].cells[0].employees`).

use rustc_hash::FxHashSet;
use std::cmp::Ordering;

use crate::json::write::{field_str, field_u64, key, push_json_str, push_u64, quoted};
use crate::json::{Map, Value};

use super::aggregate::{sort_indices, Agg, Interner, SkillAgg, TaskAgg, REJECTED};
use super::exact_sum::{ExactSum, MAX_PARTIAL};
use crate::error::{Error, Result};

/// `format` of the serialised form.
pub(crate) const FORMAT: &str = "task-profiles/task-stats";
/// `version` of the serialised form this build writes and reads.
pub(crate) const VERSION: u64 = 1;

// ---------------------------------------------------------------- writing

/// `0..n` ordered by `cmp`.
fn order(n: usize, cmp: &mut dyn FnMut(u32, u32) -> Ordering) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..n as u32).collect();
    sort_indices(&mut idx, cmp);
    idx
}

/// A JSON object of `names[k]: n`, keys ascending (as a sorted map serialises).
fn push_named_map(out: &mut String, pairs: &[(u32, u64)], names: &Interner) {
    let idx = order(pairs.len(), &mut |x, y| {
        names
            .name(pairs[x as usize].0)
            .cmp(names.name(pairs[y as usize].0))
    });
    out.push('{');
    for (j, &i) in idx.iter().enumerate() {
        if j > 0 {
            out.push(',');
        }
        let (k, n) = pairs[i as usize];
        push_json_str(out, names.name(k));
        out.push(':');
        push_u64(out, n);
    }
    out.push('}');
}

fn hex(out: &mut String, x: f64) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bits = x.to_bits();
    out.push('"');
    for k in (0..16).rev() {
        out.push(HEX[((bits >> (4 * k)) & 15) as usize] as char);
    }
    out.push('"');
}

pub(crate) fn to_json(a: &Agg, top_n: usize) -> String {
    let mut out = String::with_capacity(256 + 128 * a.tasks.len());
    out.push('{');
    field_str(&mut out, "format", FORMAT);
    field_u64(&mut out, "version", VERSION);
    field_u64(&mut out, "topN", top_n as u64);
    field_u64(&mut out, "employees", a.employees);
    key(&mut out, "tasksPerEmployee");
    out.push('[');
    for (j, &(k, n)) in a.tasks_per_employee.iter().enumerate() {
        if j > 0 {
            out.push(',');
        }
        out.push('[');
        push_u64(&mut out, k);
        out.push(',');
        push_u64(&mut out, n);
        out.push(']');
    }
    out.push(']');
    let nonzero = |counts: &[u64]| -> Vec<(u32, u64)> {
        counts
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(i, &n)| (i as u32, n))
            .collect()
    };
    key(&mut out, "validationStates");
    push_named_map(&mut out, &nonzero(&a.state_counts), &a.states);
    key(&mut out, "sourceEventTypes");
    push_named_map(&mut out, &nonzero(&a.event_counts), &a.event_types);

    key(&mut out, "tasks");
    out.push('[');
    let tasks = order(a.tasks.len(), &mut |x, y| {
        a.task_ids.name(x).cmp(a.task_ids.name(y))
    });
    for (j, &i) in tasks.iter().enumerate() {
        if j > 0 {
            out.push(',');
        }
        let t = &a.tasks[i as usize];
        out.push('{');
        field_str(&mut out, "taskId", a.task_ids.name(i));
        field_str(&mut out, "task", &t.name);
        field_u64(&mut out, "employees", t.employees);
        key(&mut out, "levelEmployees");
        push_named_map(&mut out, &t.level_employees, &a.levels);
        key(&mut out, "stateEmployees");
        push_named_map(&mut out, &t.state_employees, &a.states);
        key(&mut out, "cells");
        out.push('[');
        let cells = order(t.cells.len(), &mut |x, y| {
            let (cx, cy) = (&t.cells[x as usize], &t.cells[y as usize]);
            (a.levels.name(cx.level), a.states.name(cx.state))
                .cmp(&(a.levels.name(cy.level), a.states.name(cy.state)))
        });
        for (j, &ci) in cells.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            let c = &t.cells[ci as usize];
            out.push('{');
            field_str(&mut out, "level", a.levels.name(c.level));
            field_str(&mut out, "state", a.states.name(c.state));
            field_u64(&mut out, "tasks", c.tasks);
            field_u64(&mut out, "employees", c.employees);
            field_u64(&mut out, "tasksWithHours", c.with_hours);
            key(&mut out, "weeklyHours");
            out.push('[');
            for (k, x) in c.hours.canonical_partials().into_iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                hex(&mut out, x);
            }
            out.push_str("]}");
        }
        out.push_str("]}");
    }
    out.push(']');

    key(&mut out, "skills");
    out.push('[');
    let skills = order(a.skills.len(), &mut |x, y| {
        a.skill_ids.name(x).cmp(a.skill_ids.name(y))
    });
    for (j, &i) in skills.iter().enumerate() {
        if j > 0 {
            out.push(',');
        }
        let s = &a.skills[i as usize];
        out.push('{');
        field_str(&mut out, "skillId", a.skill_ids.name(i));
        field_str(&mut out, "skill", &s.name);
        field_u64(&mut out, "tasks", s.tasks);
        field_u64(&mut out, "employees", s.employees);
        out.push('}');
    }
    out.push_str("]}");
    out
}

// ---------------------------------------------------------------- reading

fn bad(path: &str, problem: impl std::fmt::Display) -> Error {
    Error::invalid_input(path, problem)
}

/// A value as a message shows what was found: the number itself, or the JSON type.
fn found(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        other => other.type_name().to_owned(),
    }
}

#[cold]
#[inline(never)]
fn wrong(v: &Value, path: &str, expected: &str) -> Error {
    bad(
        path,
        format_args!("expected {expected}, found {}", found(v)),
    )
}

fn as_u64(v: &Value, path: &str) -> Result<u64> {
    v.as_u64()
        .ok_or_else(|| wrong(v, path, "a non-negative integer"))
}

fn as_str<'v>(v: &'v Value, path: &str) -> Result<&'v str> {
    v.as_str().ok_or_else(|| wrong(v, path, "a string"))
}

fn as_array<'v>(v: &'v Value, path: &str) -> Result<&'v [Value]> {
    match v {
        Value::Array(a) => Ok(a),
        _ => Err(wrong(v, path, "an array")),
    }
}

/// The members of an object at `path` with exactly the members `fields` (one non-generic walk,
/// `members_dyn`, for every `N`), in `fields` order.
fn members<'v, const N: usize>(
    v: &'v Value,
    path: &str,
    fields: &[&str; N],
) -> Result<[&'v Value; N]> {
    let map = match v {
        Value::Object(m) => m,
        _ => return Err(wrong(v, path, "an object")),
    };
    let mut out = [&Value::Null; N];
    members_dyn(map, path, fields, &mut out)?;
    Ok(out)
}

fn members_dyn<'v>(map: &'v Map, path: &str, fields: &[&str], out: &mut [&'v Value]) -> Result<()> {
    let mut seen = vec![false; fields.len()];
    for (k, v) in map.iter() {
        match fields.iter().position(|f| f == k) {
            Some(i) => {
                out[i] = v;
                seen[i] = true;
            }
            None => {
                let list: Vec<String> = fields.iter().map(|f| quoted(f)).collect();
                return Err(bad(
                    path,
                    format_args!(
                        "unknown member {} (the members are {})",
                        quoted(k),
                        list.join(", ")
                    ),
                ));
            }
        }
    }
    match seen.iter().position(|s| !s) {
        Some(i) => Err(bad(path, format_args!("missing {}", quoted(fields[i])))),
        None => Ok(()),
    }
}

/// A `{name: count}` object at `path`, in key order.
fn count_map<'v>(v: &'v Value, path: &str) -> Result<Vec<(&'v str, u64)>> {
    match v {
        Value::Object(m) => m
            .iter()
            .map(|(k, n)| Ok((k.as_str(), as_u64(n, &format!("{path}.{k}"))?)))
            .collect(),
        _ => Err(wrong(v, path, "an object")),
    }
}

/// Parses and validates; returns the counters and `topN`.
pub(crate) fn from_json(json: &str) -> Result<(Agg, usize)> {
    // The envelope first, so that another format or version is named as such rather than
    // reported as whichever field happens not to match.
    let value: Value = crate::json::from_str(json).map_err(|e| bad("stats", e))?;
    let obj = value
        .as_object()
        .ok_or_else(|| bad("stats", "expected a JSON object from TaskStats.toJSON()"))?;
    match obj.get("format").and_then(|f| f.as_str()) {
        Some(FORMAT) => {}
        Some(other) => {
            return Err(bad(
                "stats.format",
                format_args!("expected {}, found {}", quoted(FORMAT), quoted(other)),
            ))
        }
        None => {
            return Err(bad(
                "stats.format",
                format_args!(
                    "missing: expected {} (is this the output of TaskStats.toJSON()?)",
                    quoted(FORMAT)
                ),
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
    let [_, _, top_n, employees, tpe, validation_states, source_event_types, tasks, skills] =
        members(
            &value,
            "stats",
            &[
                "format",
                "version",
                "topN",
                "employees",
                "tasksPerEmployee",
                "validationStates",
                "sourceEventTypes",
                "tasks",
                "skills",
            ],
        )?;
    let top_n = as_u64(top_n, "stats.topN")?;
    let doc_employees = as_u64(employees, "stats.employees")?;
    let mut tasks_per_employee = Vec::new();
    for (i, pair) in as_array(tpe, "stats.tasksPerEmployee")?.iter().enumerate() {
        let p = format!("stats.tasksPerEmployee[{i}]");
        match as_array(pair, &p)? {
            [k, n] => tasks_per_employee.push((
                as_u64(k, &format!("{p}[0]"))?,
                as_u64(n, &format!("{p}[1]"))?,
            )),
            other => {
                return Err(bad(
                    &p,
                    format_args!(
                        "expected [tasks, records] (2 numbers), found {} elements",
                        other.len()
                    ),
                ))
            }
        }
    }
    let validation_states = count_map(validation_states, "stats.validationStates")?;
    let source_event_types = count_map(source_event_types, "stats.sourceEventTypes")?;
    let tasks = as_array(tasks, "stats.tasks")?;
    let skills = as_array(skills, "stats.skills")?;

    let mut a = Agg::default();
    let top_n = usize::try_from(top_n).map_err(|_| bad("stats.topN", "too large"))?;
    a.employees = doc_employees;
    let mut records = 0u64;
    let mut last = None;
    for (i, &(k, n)) in tasks_per_employee.iter().enumerate() {
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
        // Strictly ascending (checked above): appended in order.
        a.tasks_per_employee.push((k, n));
    }
    if records != doc_employees {
        return Err(bad(
            "stats.employees",
            format!("{doc_employees} does not match the {records} records of tasksPerEmployee"),
        ));
    }
    for &(name, n) in &validation_states {
        let (i, _) = a.states.intern(name);
        a.state_counts.resize(a.states.len(), 0);
        a.state_counts[i as usize] = n;
    }
    for &(name, n) in &source_event_types {
        let (i, _) = a.event_types.intern(name);
        a.event_counts.resize(a.event_types.len(), 0);
        a.event_counts[i as usize] = n;
    }
    for (i, t) in tasks.iter().enumerate() {
        let p = format!("stats.tasks[{i}]");
        let [task_id, task, employees, level_employees, state_employees, cells] = members(
            t,
            &p,
            &[
                "taskId",
                "task",
                "employees",
                "levelEmployees",
                "stateEmployees",
                "cells",
            ],
        )?;
        let task_id = as_str(task_id, &format!("{p}.taskId"))?;
        let task = as_str(task, &format!("{p}.task"))?;
        let employees = as_u64(employees, &format!("{p}.employees"))?;
        let level_employees = count_map(level_employees, &format!("{p}.levelEmployees"))?;
        let state_employees = count_map(state_employees, &format!("{p}.stateEmployees"))?;
        let cells = as_array(cells, &format!("{p}.cells"))?;

        let (idx, new) = a.task_ids.intern(task_id);
        if !new {
            return Err(bad(
                &format!("{p}.taskId"),
                format_args!("duplicate {}", quoted(task_id)),
            ));
        }
        if employees == 0 || cells.is_empty() {
            return Err(bad(&p, "a task has at least one employee and one cell"));
        }
        let mut agg = TaskAgg {
            name: task.into(),
            employees,
            cells: Vec::new(),
            level_employees: Vec::new(),
            state_employees: Vec::new(),
        };
        for &(name, n) in &level_employees {
            agg.level_employees.push((a.levels.intern(name).0, n));
        }
        for &(name, n) in &state_employees {
            if name == REJECTED {
                return Err(bad(
                    &format!("{p}.stateEmployees"),
                    "rejected tasks are not aggregated",
                ));
            }
            agg.state_employees.push((a.states.intern(name).0, n));
        }
        let mut seen = FxHashSet::default();
        for (j, c) in cells.iter().enumerate() {
            let cp = format!("{p}.cells[{j}]");
            let [level, state, c_tasks, c_employees, with_hours, weekly_hours] = members(
                c,
                &cp,
                &[
                    "level",
                    "state",
                    "tasks",
                    "employees",
                    "tasksWithHours",
                    "weeklyHours",
                ],
            )?;
            let level = as_str(level, &format!("{cp}.level"))?;
            let state = as_str(state, &format!("{cp}.state"))?;
            let c_tasks = as_u64(c_tasks, &format!("{cp}.tasks"))?;
            let c_employees = as_u64(c_employees, &format!("{cp}.employees"))?;
            let with_hours = as_u64(with_hours, &format!("{cp}.tasksWithHours"))?;
            let at_hours = format!("{cp}.weeklyHours");
            let weekly_hours = as_array(weekly_hours, &at_hours)?
                .iter()
                .enumerate()
                .map(|(k, h)| as_str(h, &format!("{at_hours}[{k}]")))
                .collect::<Result<Vec<&str>>>()?;

            if state == REJECTED {
                return Err(bad(&cp, "rejected tasks are not aggregated"));
            }
            if !seen.insert((level, state)) {
                return Err(bad(&cp, "duplicate (level, state)"));
            }
            if c_employees == 0 || c_employees > c_tasks || with_hours > c_tasks {
                return Err(bad(
                    &cp,
                    "expected 0 < employees <= tasks and tasksWithHours <= tasks",
                ));
            }
            let mut partials = Vec::with_capacity(weekly_hours.len());
            for (k, h) in weekly_hours.iter().enumerate() {
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
            let level = a.levels.intern(level).0;
            let state = a.states.intern(state).0;
            let cell = agg.cell_mut(level, state);
            cell.tasks = c_tasks;
            cell.employees = c_employees;
            cell.with_hours = with_hours;
            cell.hours = ExactSum::from_partials(&partials);
        }
        debug_assert_eq!(idx as usize, a.tasks.len());
        a.tasks.push(agg);
    }
    // Interning above may have added states seen only in cells; keep the counts aligned.
    a.state_counts.resize(a.states.len(), 0);
    for (i, s) in skills.iter().enumerate() {
        let p = format!("stats.skills[{i}]");
        let [skill_id, skill, s_tasks, s_employees] =
            members(s, &p, &["skillId", "skill", "tasks", "employees"])?;
        let skill_id = as_str(skill_id, &format!("{p}.skillId"))?;
        let skill = as_str(skill, &format!("{p}.skill"))?;
        let s_tasks = as_u64(s_tasks, &format!("{p}.tasks"))?;
        let s_employees = as_u64(s_employees, &format!("{p}.employees"))?;
        let (_, new) = a.skill_ids.intern(skill_id);
        if !new {
            return Err(bad(
                &format!("{p}.skillId"),
                format_args!("duplicate {}", quoted(skill_id)),
            ));
        }
        if s_employees == 0 || s_employees > s_tasks {
            return Err(bad(&p, "expected 0 < employees <= tasks"));
        }
        a.skills.push(SkillAgg::new(skill, s_tasks, s_employees));
    }
    Ok((a, top_n))
}
