//! Hand-rolled JSON rendering of export pages.
//!
//! Writing bytes directly (instead of building `serde_json::Value` trees) keeps
//! a 100-employee page with every include around a millisecond, and pins the
//! field order the contract shows.

use crate::generator::{Employee, EmployeeTask, Tenant, ValidationState, EVENT_TYPES};
use crate::request::{Format, Includes};
use crate::taxonomy::Vendor;

/// What a page should contain besides the employees themselves.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    /// `list` or `hierarchy` records.
    pub format: Format,
    /// Vocabulary for linked skill names.
    pub vendor: Vendor,
    /// Optional task attributes.
    pub include: Includes,
}

/// Appends `s` as a JSON string literal.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: Option<&[u8]> = match b {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            b'\n' => Some(b"\\n"),
            b'\r' => Some(b"\\r"),
            b'\t' => Some(b"\\t"),
            0..=0x1f => None,
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        match escape {
            Some(e) => out.extend_from_slice(e),
            None => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

fn write_key(out: &mut Vec<u8>, key: &str) {
    out.push(b'"');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
}

fn write_task(
    out: &mut Vec<u8>,
    tenant: &Tenant,
    e: &Employee,
    t: &EmployeeTask,
    o: &RenderOptions,
) {
    let tax = &tenant.taxonomy;
    let task = &tax.tasks[t.task];
    out.push(b'{');
    write_key(out, "task_id");
    write_str(out, &task.task_id);
    out.push(b',');
    write_key(out, "task");
    write_str(out, &task.name);
    out.push(b',');
    write_key(out, "validation_state");
    write_str(out, t.state.as_str());
    if o.include.weekly_hours {
        out.push(b',');
        write_key(out, "weekly_hours");
        // Whole hours as integers, like the vendor's example (`5`, `2.5`).
        out.extend_from_slice((t.half_hours / 2).to_string().as_bytes());
        if t.half_hours % 2 == 1 {
            out.extend_from_slice(b".5");
        }
    }
    if o.include.ai_impact {
        out.push(b',');
        write_key(out, "ai_impact");
        out.extend_from_slice(b"{\"level\":\"H");
        out.push(b'0' + task.ai_level);
        out.extend_from_slice(b"\",");
        write_key(out, "rationale");
        write_str(out, &task.ai_rationale);
        out.push(b'}');
    }
    if o.include.linked_skills {
        out.push(b',');
        write_key(out, "linked_skills");
        out.push(b'[');
        for (k, &s) in t.linked_skills.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            let skill = &tax.skills[s];
            out.push(b'{');
            write_key(out, "skill_id");
            write_str(out, &skill.skill_id);
            out.push(b',');
            write_key(out, "skill");
            write_str(out, skill.name(o.vendor));
            out.push(b'}');
        }
        out.push(b']');
    }
    if o.include.source_events {
        out.push(b',');
        write_key(out, "source_events");
        out.push(b'[');
        for (k, &ev) in t.events.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            let event = &e.events[ev];
            out.push(b'{');
            write_key(out, "external_id");
            write_str(out, &event.external_id);
            out.push(b',');
            write_key(out, "event_type");
            write_str(out, EVENT_TYPES[event.event_type]);
            out.push(b'}');
        }
        out.push(b']');
    }
    // An experimental field the contract does not list: clients must keep it.
    if let Some(c) = t.confidence {
        out.push(b',');
        write_key(out, "confidence");
        out.extend_from_slice(format!("0.{c:02}").as_bytes());
    }
    out.push(b'}');
}

fn visible<'a>(e: &'a Employee, o: &'a RenderOptions) -> impl Iterator<Item = &'a EmployeeTask> {
    e.tasks
        .iter()
        .filter(move |t| o.include.rejected_tasks || t.state != ValidationState::Rejected)
}

fn write_list_record(out: &mut Vec<u8>, tenant: &Tenant, e: &Employee, o: &RenderOptions) {
    out.push(b'{');
    write_key(out, "external_id");
    write_str(out, tenant.id(e.index));
    out.push(b',');
    write_key(out, "tasks");
    out.push(b'[');
    for (k, t) in visible(e, o).enumerate() {
        if k > 0 {
            out.push(b',');
        }
        write_task(out, tenant, e, t, o);
    }
    out.extend_from_slice(b"]}");
}

fn write_hierarchy_record(out: &mut Vec<u8>, tenant: &Tenant, e: &Employee, o: &RenderOptions) {
    let tax = &tenant.taxonomy;
    out.push(b'{');
    write_key(out, "external_id");
    write_str(out, tenant.id(e.index));
    out.push(b',');
    write_key(out, "hierarchy");
    out.push(b'[');
    // Groups currently open, outermost first, and whether each open array
    // (the top-level one first) still awaits its first element.
    let mut open: Vec<usize> = Vec::new();
    let mut first: Vec<bool> = vec![true];
    let separator = |out: &mut Vec<u8>, first: &mut Vec<bool>| {
        let f = first.last_mut().expect("an array is open");
        if !*f {
            out.push(b',');
        }
        *f = false;
    };
    for t in visible(e, o) {
        let path = &tax.tasks[t.task].path;
        let common = open
            .iter()
            .zip(path.iter())
            .take_while(|(a, b)| a == b)
            .count();
        while open.len() > common {
            out.extend_from_slice(b"]}");
            open.pop();
            first.pop();
        }
        for &g in &path[common..] {
            separator(out, &mut first);
            let group = &tax.groups[g];
            out.push(b'{');
            write_key(out, "node_id");
            write_str(out, &group.node_id);
            out.push(b',');
            write_key(out, "name");
            write_str(out, &group.name);
            out.push(b',');
            write_key(out, "children");
            out.push(b'[');
            open.push(g);
            first.push(true);
        }
        separator(out, &mut first);
        write_task(out, tenant, e, t, o);
    }
    for _ in &open {
        out.extend_from_slice(b"]}");
    }
    out.extend_from_slice(b"]}");
}

/// Renders a whole 200 body: `{"has_next", "next_starting_after"?, "records"}`.
pub fn write_page(
    out: &mut Vec<u8>,
    tenant: &Tenant,
    employees: &[Employee],
    has_next: bool,
    options: &RenderOptions,
) {
    out.push(b'{');
    write_key(out, "has_next");
    out.extend_from_slice(if has_next { b"true" } else { b"false" });
    if has_next {
        if let Some(last) = employees.last() {
            out.push(b',');
            write_key(out, "next_starting_after");
            write_str(out, tenant.id(last.index));
        }
    }
    out.push(b',');
    write_key(out, "records");
    out.push(b'[');
    for (k, e) in employees.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        match options.format {
            Format::List => write_list_record(out, tenant, e, options),
            Format::Hierarchy => write_hierarchy_record(out, tenant, e, options),
        }
    }
    out.extend_from_slice(b"]}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_strings() {
        let mut out = Vec::new();
        write_str(&mut out, "a\"b\\c\n\u{1}é");
        let back: String = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, "a\"b\\c\n\u{1}é");
    }

    #[test]
    fn pages_are_valid_json_in_both_shapes() {
        let tenant = Tenant::new(300, 9, 0.1);
        let employees: Vec<Employee> = (0..300).map(|i| tenant.employee(i)).collect();
        for format in [Format::List, Format::Hierarchy] {
            let options = RenderOptions {
                format,
                vendor: Vendor::Workday,
                include: Includes::all(),
            };
            let mut out = Vec::new();
            write_page(&mut out, &tenant, &employees, true, &options);
            let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
            assert_eq!(v["records"].as_array().unwrap().len(), 300);
            assert_eq!(v["next_starting_after"], tenant.id(299));
        }
    }
}
