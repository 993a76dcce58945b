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
//!
//! Reading checks what the rest of the crate relies on so that no count overflows (see
//! `aggregate::Agg`): every count is at most 2^53 - 1 and the counters bound each other as those
//! of records do. So anything read back merges, adds and summarises without a wrap or a panic,
//! and writes back as the canonical text of what it holds.

use std::cmp::Ordering;
use std::fmt::{self, Write as _};

use crate::json::write::{field_str, field_u64, key, push_json_str, push_u64, quoted};
use crate::json::{Map, Value};

use super::aggregate::{
    sort_indices, Agg, Cell, Interner, SkillAgg, TaskAgg, Wide, MAX_COUNT, PAST_MAX, REJECTED,
};
use super::exact_sum::{ExactSum, MAX_PARTIAL};
use crate::error::{Error, ErrorKind, Result};

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

/// Appends `s`: one shared copy of `push_str` for the punctuation, which inlined costs more
/// than the call.
#[inline(never)]
fn put(out: &mut String, s: &str) {
    out.push_str(s);
}

/// `,"key":n`, out of line: `field_u64` inlined at every field costs more than the call.
#[inline(never)]
fn num(out: &mut String, k: &str, n: u64) {
    field_u64(out, k, n);
}

/// `,"key":"s"`, out of line as [`num`].
#[inline(never)]
fn text(out: &mut String, k: &str, s: &str) {
    field_str(out, k, s);
}

/// Starts an element of the list `out` is in: a comma unless the list was just opened.
fn next(out: &mut String) {
    if !out.ends_with('[') {
        put(out, ",");
    }
}

/// The `(index, count)` of the non-zero counts.
fn nonzero(counts: &[u64]) -> Vec<(u32, u64)> {
    let mut out = Vec::new();
    for (i, &n) in counts.iter().enumerate() {
        if n > 0 {
            out.push((i as u32, n));
        }
    }
    out
}

/// `,"key":{...}`: `names[k]: n`, keys ascending (as a sorted map serialises).
fn named_map(out: &mut String, field: &str, pairs: &[(u32, u64)], names: &Interner) {
    key(out, field);
    put(out, "{");
    for i in order(pairs.len(), &mut |x, y| {
        names
            .name(pairs[x as usize].0)
            .cmp(names.name(pairs[y as usize].0))
    }) {
        let (k, n) = pairs[i as usize];
        if !out.ends_with('{') {
            put(out, ",");
        }
        push_json_str(out, names.name(k));
        put(out, ":");
        push_u64(out, n);
    }
    put(out, "}");
}

/// `"…"`: the 16 hex digits of the bits of `x`.
fn hex(out: &mut String, x: f64) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut digits = [b'"'; 18];
    let bits = x.to_bits();
    for k in 0..16 {
        digits[16 - k] = HEX[(bits >> (4 * k)) as usize & 15];
    }
    put(out, std::str::from_utf8(&digits).unwrap_or_default());
}

pub(crate) fn to_json(a: &Agg, top_n: usize) -> String {
    let mut json = String::with_capacity(256 + 128 * a.tasks.len());
    let out = &mut json;
    put(out, "{");
    text(out, "format", FORMAT);
    num(out, "version", VERSION);
    num(out, "topN", top_n as u64);
    num(out, "employees", a.employees);
    key(out, "tasksPerEmployee");
    put(out, "[");
    for &(k, n) in &a.tasks_per_employee {
        next(out);
        put(out, "[");
        push_u64(out, k);
        put(out, ",");
        push_u64(out, n);
        put(out, "]");
    }
    put(out, "]");
    named_map(
        out,
        "validationStates",
        &nonzero(&a.state_counts),
        &a.states,
    );
    named_map(
        out,
        "sourceEventTypes",
        &nonzero(&a.event_counts),
        &a.event_types,
    );

    key(out, "tasks");
    put(out, "[");
    let ids = &a.task_ids;
    for i in order(a.tasks.len(), &mut |x, y| ids.name(x).cmp(ids.name(y))) {
        let t = &a.tasks[i as usize];
        next(out);
        put(out, "{");
        text(out, "taskId", ids.name(i));
        text(out, "task", &t.name);
        num(out, "employees", t.employees);
        named_map(out, "levelEmployees", &t.level_employees, &a.levels);
        named_map(out, "stateEmployees", &t.state_employees, &a.states);
        key(out, "cells");
        put(out, "[");
        let names = |c: &Cell| (a.levels.name(c.level), a.states.name(c.state));
        let cells = &t.cells;
        for c in order(cells.len(), &mut |x, y| {
            names(&cells[x as usize]).cmp(&names(&cells[y as usize]))
        }) {
            let c = &cells[c as usize];
            next(out);
            put(out, "{");
            text(out, "level", a.levels.name(c.level));
            text(out, "state", a.states.name(c.state));
            num(out, "tasks", c.tasks);
            num(out, "employees", c.employees);
            num(out, "tasksWithHours", c.with_hours);
            key(out, "weeklyHours");
            put(out, "[");
            for x in c.hours.canonical_partials() {
                next(out);
                hex(out, x);
            }
            put(out, "]}");
        }
        put(out, "]}");
    }
    put(out, "]");

    key(out, "skills");
    put(out, "[");
    let ids = &a.skill_ids;
    for i in order(a.skills.len(), &mut |x, y| ids.name(x).cmp(ids.name(y))) {
        let s = &a.skills[i as usize];
        next(out);
        put(out, "{");
        text(out, "skillId", ids.name(i));
        text(out, "skill", &s.name);
        num(out, "tasks", s.tasks);
        num(out, "employees", s.employees);
        put(out, "}");
    }
    put(out, "]}");
    json
}

// ---------------------------------------------------------------- reading
//
// Size over speed on this cold path: the path of a value is built on the stack ([`At`]) and
// written out only for a message, messages are built by a few cold functions, and an error moves
// as one pointer ([`Bad`]).

/// Where a value is: `stats.tasks[3].cells[0].employees` (keys as they are, never quoted).
#[derive(Clone, Copy)]
enum At<'a> {
    Root,
    Key(&'a At<'a>, &'a str),
    Index(&'a At<'a>, usize),
}

impl<'a> At<'a> {
    fn key(&'a self, k: &'a str) -> At<'a> {
        At::Key(self, k)
    }

    fn index(&'a self, i: usize) -> At<'a> {
        At::Index(self, i)
    }

    fn push(&self, out: &mut String) {
        match *self {
            At::Root => out.push_str("stats"),
            At::Key(up, k) => {
                up.push(out);
                out.push('.');
                out.push_str(k);
            }
            At::Index(up, i) => {
                up.push(out);
                out.push('[');
                push_u64(out, i as u64);
                out.push(']');
            }
        }
    }
}

/// An `InvalidInput` error, `path: problem`; boxed to a pointer, which moves through the many
/// `?` here in less code than the error itself.
type Bad = Box<Error>;

type Read<T> = std::result::Result<T, Bad>;

#[cold]
#[inline(never)]
fn bad(at: &At, problem: fmt::Arguments) -> Bad {
    let mut m = String::new();
    at.push(&mut m);
    m.push_str(": ");
    let _ = m.write_fmt(problem);
    Box::new(Error::new(ErrorKind::InvalidInput, m))
}

#[cold]
#[inline(never)]
fn wrong(v: &Value, at: &At, expected: &str) -> Bad {
    // A number is shown as it is, anything else by its JSON type.
    let found = match v {
        Value::Number(n) => n.to_string(),
        other => other.type_name().to_owned(),
    };
    bad(at, format_args!("expected {expected}, found {found}"))
}

#[cold]
#[inline(never)]
fn duplicate(at: &At, id: &str) -> Bad {
    bad(at, format_args!("duplicate {}", quoted(id)))
}

fn as_u64(v: &Value, at: &At) -> Read<u64> {
    v.as_u64()
        .ok_or_else(|| wrong(v, at, "a non-negative integer"))
}

/// A count: a non-negative integer of at most [`MAX_COUNT`].
fn as_count(v: &Value, at: &At) -> Read<u64> {
    match as_u64(v, at)? {
        n if n > MAX_COUNT => Err(bad(at, format_args!("{n} is {PAST_MAX}"))),
        n => Ok(n),
    }
}

fn as_str<'v>(v: &'v Value, at: &At) -> Read<&'v str> {
    v.as_str().ok_or_else(|| wrong(v, at, "a string"))
}

fn as_array<'v>(v: &'v Value, at: &At) -> Read<&'v [Value]> {
    match v {
        Value::Array(a) => Ok(a),
        _ => Err(wrong(v, at, "an array")),
    }
}

/// A `{name: count}` object: each name interned into `names` and handed to `out` with its
/// count, in key order. The counts are positive (the written form leaves zero counts out).
fn as_counts(v: &Value, at: &At, names: &mut Interner, out: &mut dyn FnMut(u32, u64)) -> Read<()> {
    let Value::Object(map) = v else {
        return Err(wrong(v, at, "an object"));
    };
    for (k, n) in map.iter() {
        let at = at.key(k);
        match as_count(n, &at)? {
            0 => {
                return Err(bad(
                    &at,
                    format_args!("expected a positive count (zero counts are left out)"),
                ))
            }
            n => out(names.intern(k).0, n),
        }
    }
    Ok(())
}

/// An object whose members are exactly the `fields` it was read with (see [`object`]).
struct Obj<'v, 'a> {
    map: &'v Map,
    at: &'a At<'a>,
}

fn object<'v, 'a>(v: &'v Value, at: &'a At<'a>, fields: &[&str]) -> Read<Obj<'v, 'a>> {
    let Value::Object(map) = v else {
        return Err(wrong(v, at, "an object"));
    };
    if let Some((k, _)) = map.iter().find(|(k, _)| !fields.contains(&k.as_str())) {
        return Err(unknown_member(at, k, fields));
    }
    if let Some(f) = fields.iter().find(|f| map.get(f).is_none()) {
        return Err(bad(at, format_args!("missing {}", quoted(f))));
    }
    Ok(Obj { map, at })
}

#[cold]
#[inline(never)]
fn unknown_member(at: &At, k: &str, fields: &[&str]) -> Bad {
    let mut list = String::new();
    for f in fields {
        if !list.is_empty() {
            list.push_str(", ");
        }
        push_json_str(&mut list, f);
    }
    bad(
        at,
        format_args!("unknown member {} (the members are {list})", quoted(k)),
    )
}

impl<'v> Obj<'v, '_> {
    fn get(&self, f: &str) -> &'v Value {
        // Present: `object` checked.
        self.map.get(f).unwrap_or(&Value::Null)
    }

    fn str(&self, f: &str) -> Read<&'v str> {
        as_str(self.get(f), &self.at.key(f))
    }

    fn count(&self, f: &str) -> Read<u64> {
        as_count(self.get(f), &self.at.key(f))
    }

    fn array(&self, f: &str) -> Read<&'v [Value]> {
        as_array(self.get(f), &self.at.key(f))
    }

    fn counts(&self, f: &str, names: &mut Interner, out: &mut dyn FnMut(u32, u64)) -> Read<()> {
        as_counts(self.get(f), &self.at.key(f), names, out)
    }
}

/// A partial of `weeklyHours`: 16 hex digits (no sign, which `from_str_radix` would take) of a
/// finite f64 within [`MAX_PARTIAL`].
fn partial(h: &str) -> Option<f64> {
    // The length is checked last: known first, it would have LLVM unroll the loop 16 times.
    let bits = h.bytes().try_fold(0u64, |bits, b| {
        Some(bits << 4 | u64::from(char::from(b).to_digit(16)?))
    })?;
    Some(f64::from_bits(bits)).filter(|x| h.len() == 16 && x.is_finite() && x.abs() <= MAX_PARTIAL)
}

/// Parses and validates; returns the counters and `topN`.
pub(crate) fn from_json(json: &str) -> Result<(Agg, usize)> {
    read(json).map_err(|e| *e)
}

fn read(json: &str) -> Read<(Agg, usize)> {
    let value = crate::json::from_str(json).map_err(|e| bad(&At::Root, format_args!("{e}")))?;
    let mut a = Agg::default();
    let top_n = fill(&value, &mut a)?;
    Ok((a, top_n))
}

/// Reads `value` into the empty `a`; returns `topN`. Whatever it reads goes straight into `a`,
/// which `read` drops on an error: with nothing else owned here, an error returns as it is.
fn fill(value: &Value, a: &mut Agg) -> Read<usize> {
    let root = At::Root;
    // The envelope first, so that another format or version is named as such rather than
    // reported as whichever field happens not to match.
    let Some(obj) = value.as_object() else {
        return Err(bad(
            &root,
            format_args!("expected a JSON object from TaskStats.toJSON()"),
        ));
    };
    let at = root.key("format");
    match obj.get("format").and_then(Value::as_str) {
        Some(FORMAT) => {}
        Some(other) => {
            return Err(bad(
                &at,
                format_args!("expected \"{FORMAT}\", found {}", quoted(other)),
            ))
        }
        None => {
            return Err(bad(
                &at,
                format_args!(
                    "missing: expected \"{FORMAT}\" (is this the output of TaskStats.toJSON()?)"
                ),
            ))
        }
    }
    let at = root.key("version");
    match obj.get("version") {
        Some(v) if v.as_u64() == Some(VERSION) => {}
        Some(v) => {
            return Err(bad(
                &at,
                format_args!("unsupported version {v} (this build reads version {VERSION})"),
            ))
        }
        None => return Err(bad(&at, format_args!("missing"))),
    }
    let o = object(
        value,
        &root,
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
    let at_top_n = root.key("topN");
    let top_n = as_u64(o.get("topN"), &at_top_n)?;
    a.employees = o.count("employees")?;
    let at_tpe = root.key("tasksPerEmployee");
    for (i, pair) in o.array("tasksPerEmployee")?.iter().enumerate() {
        let at = at_tpe.index(i);
        let pair = as_array(pair, &at)?;
        let [k, n] = pair else {
            return Err(bad(
                &at,
                format_args!(
                    "expected [tasks, records] (2 numbers), found {} elements",
                    pair.len()
                ),
            ));
        };
        let k = as_count(k, &at.index(0))?;
        a.tasks_per_employee.push((k, as_count(n, &at.index(1))?));
    }
    // The written form lists each state and event type once: they intern as 0, 1, ...
    let counts = &mut a.state_counts;
    o.counts("validationStates", &mut a.states, &mut |_, n| {
        counts.push(n)
    })?;
    let counts = &mut a.event_counts;
    o.counts("sourceEventTypes", &mut a.event_types, &mut |_, n| {
        counts.push(n)
    })?;
    let tasks = o.array("tasks")?;
    let skills = o.array("skills")?;

    let top_n = usize::try_from(top_n).map_err(|_| bad(&at_top_n, format_args!("too large")))?;
    let mut records = 0u64;
    let mut last = None;
    for (i, &(k, n)) in a.tasks_per_employee.iter().enumerate() {
        let at = at_tpe.index(i);
        if last.is_some_and(|l| l >= k) {
            return Err(bad(
                &at,
                format_args!("task counts must be strictly ascending"),
            ));
        }
        if n == 0 {
            return Err(bad(&at, format_args!("record count must be positive")));
        }
        last = Some(k);
        // Saturating: any sum past MAX_COUNT is refused below.
        records = records.saturating_add(n);
    }
    if records > MAX_COUNT {
        return Err(bad(
            &at_tpe,
            format_args!("the record counts add up to {PAST_MAX}"),
        ));
    }
    if records != a.employees {
        return Err(compared(
            &root.key("employees"),
            a.employees,
            "does not match",
            records.into(),
            "records of tasksPerEmployee",
        ));
    }

    let at_tasks = root.key("tasks");
    for (i, t) in tasks.iter().enumerate() {
        let at = at_tasks.index(i);
        let o = object(
            t,
            &at,
            &[
                "taskId",
                "task",
                "employees",
                "levelEmployees",
                "stateEmployees",
                "cells",
            ],
        )?;
        let task_id = o.str("taskId")?;
        let name = o.str("task")?;
        let employees = o.count("employees")?;
        a.tasks.push(TaskAgg {
            name: name.into(),
            employees,
            cells: Vec::new(),
            level_employees: Vec::new(),
            state_employees: Vec::new(),
        });
        let agg = a.tasks.last_mut().unwrap_or_else(|| unreachable!());
        let counts = &mut agg.level_employees;
        o.counts("levelEmployees", &mut a.levels, &mut |k, n| {
            counts.push((k, n))
        })?;
        let counts = &mut agg.state_employees;
        o.counts("stateEmployees", &mut a.states, &mut |k, n| {
            counts.push((k, n))
        })?;
        let cells = o.array("cells")?;
        if !a.task_ids.intern(task_id).1 {
            return Err(duplicate(&at.key("taskId"), task_id));
        }
        if employees == 0 || cells.is_empty() {
            return Err(bad(
                &at,
                format_args!("a task has at least one employee and one cell"),
            ));
        }
        if agg
            .state_employees
            .iter()
            .any(|&(s, _)| a.states.name(s) == REJECTED)
        {
            return Err(bad(
                &at.key("stateEmployees"),
                format_args!("rejected tasks are not aggregated"),
            ));
        }
        let at_cells = at.key("cells");
        for (j, c) in cells.iter().enumerate() {
            let at = at_cells.index(j);
            let o = object(
                c,
                &at,
                &[
                    "level",
                    "state",
                    "tasks",
                    "employees",
                    "tasksWithHours",
                    "weeklyHours",
                ],
            )?;
            let level = o.str("level")?;
            let state = o.str("state")?;
            let tasks = o.count("tasks")?;
            let employees = o.count("employees")?;
            let with_hours = o.count("tasksWithHours")?;
            let at_hours = at.key("weeklyHours");
            let hours = as_array(o.get("weeklyHours"), &at_hours)?;
            for (k, h) in hours.iter().enumerate() {
                as_str(h, &at_hours.index(k))?;
            }
            if state == REJECTED {
                return Err(bad(&at, format_args!("rejected tasks are not aggregated")));
            }
            let level = a.levels.intern(level).0;
            let state = a.states.intern(state).0;
            if agg
                .cells
                .iter()
                .any(|c| c.level == level && c.state == state)
            {
                return Err(bad(&at, format_args!("duplicate (level, state)")));
            }
            if employees == 0 || employees > tasks || with_hours > tasks {
                return Err(bad(
                    &at,
                    format_args!("expected 0 < employees <= tasks and tasksWithHours <= tasks"),
                ));
            }
            let mut partials = Vec::with_capacity(hours.len());
            for (k, h) in hours.iter().enumerate() {
                let x = h.as_str().and_then(partial).ok_or_else(|| {
                    bad(
                        &at_hours.index(k),
                        format_args!("expected 16 hex digits of a finite f64 within ±1e250"),
                    )
                })?;
                partials.push(x);
            }
            agg.cells.push(Cell {
                level,
                state,
                tasks,
                employees,
                with_hours,
                hours: ExactSum::from_partials(&partials),
            });
        }
    }
    // Cells may have added states; keep the counts aligned.
    a.state_counts.resize(a.states.len(), 0);
    let at_skills = root.key("skills");
    for (i, s) in skills.iter().enumerate() {
        let at = at_skills.index(i);
        let o = object(s, &at, &["skillId", "skill", "tasks", "employees"])?;
        let id = o.str("skillId")?;
        let name = o.str("skill")?;
        let tasks = o.count("tasks")?;
        let employees = o.count("employees")?;
        if !a.skill_ids.intern(id).1 {
            return Err(duplicate(&at.key("skillId"), id));
        }
        if employees == 0 || employees > tasks {
            return Err(bad(&at, format_args!("expected 0 < employees <= tasks")));
        }
        a.skills.push(SkillAgg::new(name, tasks, employees));
    }
    check_bounds(a)?;
    Ok(top_n)
}

/// Checks the bounds every aggregate of records keeps (listed on `Agg`), which keep every sum
/// the crate takes within [`MAX_COUNT`]. The per-field checks of [`fill`] came first, and `a`
/// holds the document's tasks and skills in its order, so paths index them as it does.
fn check_bounds(a: &Agg) -> Read<()> {
    let wide = u128::from;
    let root = At::Root;
    total_within_max(&root.key("validationStates"), &a.state_counts)?;
    total_within_max(&root.key("sourceEventTypes"), &a.event_counts)?;

    // The tasks of the cells of each state, and of them all.
    let mut state_tasks = vec![0u128; a.states.len()];
    for c in a.tasks.iter().flat_map(|t| &t.cells) {
        state_tasks[c.state as usize] += wide(c.tasks);
    }
    let at_states = root.key("validationStates");
    for (i, (&n, &m)) in a.state_counts.iter().zip(&state_tasks).enumerate() {
        let name = a.states.name(i as u32);
        if name != REJECTED && wide(n) != m {
            return Err(compared(
                &at_states.key(name),
                n,
                "does not match",
                m,
                "tasks of the cells in that state",
            ));
        }
    }
    // Every state but `rejected` matched its count, whose sum is within MAX_COUNT.
    let cell_tasks = sum(state_tasks.iter().copied());
    let record_tasks = sum(a.tasks_per_employee.iter().map(|&(k, n)| wide(k) * wide(n)));
    if record_tasks != cell_tasks {
        return Err(bad(
            &root.key("tasksPerEmployee"),
            format_args!(
                "the records hold {} tasks, the cells {}",
                Wide(record_tasks),
                Wide(cell_tasks)
            ),
        ));
    }

    let at_tasks = root.key("tasks");
    for (i, t) in a.tasks.iter().enumerate() {
        let at = at_tasks.index(i);
        let at_employees = at.key("employees");
        at_most(
            &at_employees,
            t.employees,
            wide(a.employees),
            "employees counted",
        )?;
        at_most(
            &at_employees,
            t.employees,
            employees_of(&t.cells, &|_| true),
            "employees of its cells",
        )?;
        for (f, counts, names, by_level) in [
            ("levelEmployees", &t.level_employees, &a.levels, true),
            ("stateEmployees", &t.state_employees, &a.states, false),
        ] {
            let at = at.key(f);
            for &(k, n) in counts {
                at_most(
                    &at.key(names.name(k)),
                    n,
                    employees_of(&t.cells, &|c| k == if by_level { c.level } else { c.state }),
                    "employees of the task's cells there",
                )?;
            }
        }
    }
    let at_skills = root.key("skills");
    for (i, s) in a.skills.iter().enumerate() {
        let at = at_skills.index(i);
        at_most(
            &at.key("employees"),
            s.employees,
            wide(a.employees),
            "employees counted",
        )?;
        at_most(&at.key("tasks"), s.tasks, cell_tasks, "tasks counted")?;
    }
    Ok(())
}

/// The counts of the object at `at` add up to at most [`MAX_COUNT`]. (Out of line: one copy
/// of the loop for both callers.)
#[inline(never)]
fn total_within_max(at: &At, counts: &[u64]) -> Read<()> {
    let total = sum(counts.iter().map(|&n| u128::from(n)));
    if total > u128::from(MAX_COUNT) {
        return Err(bad(
            at,
            format_args!("the counts add up to {}, {PAST_MAX}", Wide(total)),
        ));
    }
    Ok(())
}

/// The sum of `xs`. Checked only for its size: no sum here comes near `u128::MAX` (each is at
/// most 2^106), and LLVM does not unroll a loop with a second exit.
fn sum(mut xs: impl Iterator<Item = u128>) -> u128 {
    xs.try_fold(0, u128::checked_add).unwrap_or(u128::MAX)
}

/// The employees of the cells `keep` keeps.
fn employees_of(cells: &[Cell], keep: &dyn Fn(&Cell) -> bool) -> u128 {
    sum(cells
        .iter()
        .filter(|c| keep(c))
        .map(|c| u128::from(c.employees)))
}

/// `n` of the field at `at` is at most `bound`, the `what` it is bounded by.
fn at_most(at: &At, n: u64, bound: u128, what: &str) -> Read<()> {
    match u128::from(n) > bound {
        true => Err(compared(at, n, "is more than", bound, what)),
        false => Ok(()),
    }
}

/// `{n} {relation} the {m} {what}`.
#[cold]
#[inline(never)]
fn compared(at: &At, n: u64, relation: &str, m: u128, what: &str) -> Bad {
    bad(at, format_args!("{n} {relation} the {} {what}", Wide(m)))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::{Wide, MAX_COUNT, PAST_MAX};
    use crate::stats::TaskStats;
    use crate::ErrorKind;

    /// The persisted form of `employees` records each holding one validated task `t` with one
    /// skill and no hours, and `events` source events of type `ev`; `patch` edits the text.
    pub(crate) fn shard_with(employees: &str, events: &str, patch: &[(&str, &str)]) -> String {
        let mut text = format!(
            r#"{{"format":"task-profiles/task-stats","version":1,"topN":20,"employees":{e},"tasksPerEmployee":[[1,{e}]],"validationStates":{{"validated":{e}}},"sourceEventTypes":{{"ev":{events}}},"tasks":[{{"taskId":"t","task":"T","employees":{e},"levelEmployees":{{"unknown":{e}}},"stateEmployees":{{"validated":{e}}},"cells":[{{"level":"unknown","state":"validated","tasks":{e},"employees":{e},"tasksWithHours":0,"weeklyHours":[]}}]}}],"skills":[{{"skillId":"s","skill":"S","tasks":{e},"employees":{e}}}]}}"#,
            e = employees
        );
        for (from, to) in patch {
            assert!(text.contains(from), "{from} is not in {text}");
            text = text.replacen(from, to, 1);
        }
        text
    }

    pub(crate) fn shard(employees: u64) -> String {
        shard_with(&employees.to_string(), "1", &[])
    }

    fn refused(text: &str, path: &str, problem: &str) {
        let e = TaskStats::from_json(text).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
        assert!(
            e.message.starts_with(&format!("{path}: ")) && e.message.contains(problem),
            "expected {path}: …{problem}…, got {e}"
        );
    }

    #[test]
    fn counts_up_to_2_pow_53_minus_1_read_and_write_back_exactly() {
        let text = shard(MAX_COUNT);
        let s = TaskStats::from_json(&text).unwrap();
        assert_eq!(s.to_json(), text);
        let summary = s.summary();
        assert_eq!(summary.employees, MAX_COUNT);
        assert_eq!(summary.tasks, MAX_COUNT);
        assert_eq!(summary.top_skills[0].employees, MAX_COUNT);
        let events = shard_with("1", &MAX_COUNT.to_string(), &[]);
        assert_eq!(TaskStats::from_json(&events).unwrap().to_json(), events);
    }

    #[test]
    fn wide_numbers_read_as_u128_writes_them() {
        let mut n = 1u128;
        for _ in 0..200 {
            for m in [n - 1, n, n + 1, n / 3, u128::MAX - n] {
                assert_eq!(Wide(m).to_string(), m.to_string());
            }
            n = n.wrapping_mul(7).max(n + 1);
        }
        assert_eq!(Wide(u128::MAX).to_string(), u128::MAX.to_string());
        assert!(PAST_MAX.starts_with(&format!("more than {MAX_COUNT} (2^53 - 1),")));
        // A sum past u64::MAX is named exactly.
        let states: Vec<String> = (0..3000)
            .map(|i| format!(r#""s{i}":{MAX_COUNT}"#))
            .collect();
        let text = shard_with(
            "1",
            "1",
            &[(
                r#""validationStates":{"validated":1}"#,
                &format!(r#""validationStates":{{{}}}"#, states.join(",")),
            )],
        );
        let e = TaskStats::from_json(&text).unwrap_err();
        assert_eq!(
            e.message,
            format!(
                "stats.validationStates: the counts add up to {}, {PAST_MAX}",
                3000 * u128::from(MAX_COUNT)
            )
        );
    }

    #[test]
    fn counts_past_2_pow_53_minus_1_are_refused_naming_the_field() {
        // 2^53, i64::MAX, u64::MAX: integers; 2^64 and 1e300 read as floats.
        for n in [
            "9007199254740992",
            "9223372036854775807",
            "18446744073709551615",
        ] {
            refused(
                &shard_with(n, "1", &[]),
                "stats.employees",
                "is more than 9007199254740991 (2^53 - 1)",
            );
            let cell = shard_with(
                "1",
                "1",
                &[(
                    r#""tasks":1,"employees":1,"tasksWithHours""#,
                    &format!(r#""tasks":{n},"employees":1,"tasksWithHours""#),
                )],
            );
            refused(&cell, "stats.tasks[0].cells[0].tasks", "is more than");
            refused(
                &shard_with("1", n, &[]),
                "stats.sourceEventTypes.ev",
                "is more than",
            );
            let tpe = shard_with("1", "1", &[("[[1,1]]", &format!("[[{n},1]]"))]);
            refused(&tpe, "stats.tasksPerEmployee[0][0]", "is more than");
        }
        for n in ["18446744073709551616", "1e300", "9007199254740991.0"] {
            refused(
                &shard_with(n, "1", &[]),
                "stats.employees",
                "expected a non-negative integer",
            );
        }
    }

    #[test]
    fn sums_past_2_pow_53_minus_1_are_refused() {
        let half = (MAX_COUNT / 2 + 1).to_string();
        // Two states, each within the limit, adding up past it.
        let states = shard_with(
            "1",
            "1",
            &[(
                r#""validationStates":{"validated":1}"#,
                &format!(r#""validationStates":{{"rejected":{MAX_COUNT},"validated":1}}"#),
            )],
        );
        refused(
            &states,
            "stats.validationStates",
            "the counts add up to 9007199254740992",
        );
        let events = shard_with(
            "1",
            "1",
            &[(
                r#""sourceEventTypes":{"ev":1}"#,
                &format!(r#""sourceEventTypes":{{"a":{half},"ev":{half}}}"#),
            )],
        );
        refused(&events, "stats.sourceEventTypes", "the counts add up to");
        // Records whose counts add up past the limit.
        let records = shard_with(
            "1",
            "1",
            &[("[[1,1]]", &format!("[[1,{half}],[2,{half}]]"))],
        );
        refused(
            &records,
            "stats.tasksPerEmployee",
            "add up to more than 9007199254740991",
        );
        // Two tasks of MAX_COUNT tasks each: the summary would sum them.
        let cells = r#"{"format":"task-profiles/task-stats","version":1,"topN":20,"employees":1,"tasksPerEmployee":[[2,1]],"validationStates":{"validated":M},"sourceEventTypes":{},"tasks":[{"taskId":"a","task":"A","employees":1,"levelEmployees":{},"stateEmployees":{},"cells":[{"level":"unknown","state":"validated","tasks":M,"employees":1,"tasksWithHours":0,"weeklyHours":[]}]},{"taskId":"b","task":"B","employees":1,"levelEmployees":{},"stateEmployees":{},"cells":[{"level":"unknown","state":"validated","tasks":M,"employees":1,"tasksWithHours":0,"weeklyHours":[]}]}],"skills":[]}"#
            .replace('M', &MAX_COUNT.to_string());
        refused(
            &cells,
            "stats.validationStates.validated",
            "does not match the 18014398509481982 tasks",
        );
    }

    #[test]
    fn counters_must_bound_each_other_as_those_of_records_do() {
        refused(
            &shard_with("2", "1", &[(r#""validated":2}"#, r#""validated":3}"#)]),
            "stats.validationStates.validated",
            "3 does not match the 2 tasks",
        );
        refused(
            &shard_with("2", "1", &[("[[1,2]]", "[[0,1],[3,1]]")]),
            "stats.tasksPerEmployee",
            "the records hold 3 tasks, the cells 2",
        );
        let task = shard_with(
            "2",
            "1",
            &[(r#""task":"T","employees":2"#, r#""task":"T","employees":3"#)],
        );
        refused(
            &task,
            "stats.tasks[0].employees",
            "3 is more than the 2 employees counted",
        );
        let cells = shard_with(
            "2",
            "1",
            &[(
                r#""tasks":2,"employees":2,"tasksWithHours""#,
                r#""tasks":2,"employees":1,"tasksWithHours""#,
            )],
        );
        refused(
            &cells,
            "stats.tasks[0].employees",
            "2 is more than the 1 employees of its cells",
        );
        let level = shard_with(
            "2",
            "1",
            &[(
                r#""levelEmployees":{"unknown":2}"#,
                r#""levelEmployees":{"unknown":2,"H1":1}"#,
            )],
        );
        refused(
            &level,
            "stats.tasks[0].levelEmployees.H1",
            "1 is more than the 0 employees",
        );
        let state = shard_with(
            "2",
            "1",
            &[(
                r#""stateEmployees":{"validated":2}"#,
                r#""stateEmployees":{"validated":2,"suggested":1}"#,
            )],
        );
        refused(
            &state,
            "stats.tasks[0].stateEmployees.suggested",
            "1 is more than the 0 employees",
        );
        let skill = shard_with(
            "2",
            "1",
            &[(
                r#""skill":"S","tasks":2,"employees":2"#,
                r#""skill":"S","tasks":3,"employees":2"#,
            )],
        );
        refused(
            &skill,
            "stats.skills[0].tasks",
            "3 is more than the 2 tasks counted",
        );
        let skill = shard_with(
            "2",
            "1",
            &[(
                r#""skill":"S","tasks":2,"employees":2"#,
                r#""skill":"S","tasks":4,"employees":3"#,
            )],
        );
        refused(
            &skill,
            "stats.skills[0].employees",
            "3 is more than the 2 employees counted",
        );
        let zero = shard_with(
            "2",
            "1",
            &[(
                r#""sourceEventTypes":{"ev":1}"#,
                r#""sourceEventTypes":{"ev":1,"x":0}"#,
            )],
        );
        refused(
            &zero,
            "stats.sourceEventTypes.x",
            "expected a positive count",
        );
        let signed = shard_with(
            "2",
            "1",
            &[(
                r#""weeklyHours":[]"#,
                r#""weeklyHours":["+3ff000000000000"]"#,
            )],
        );
        refused(
            &signed,
            "stats.tasks[0].cells[0].weeklyHours[0]",
            "16 hex digits",
        );
    }
}
