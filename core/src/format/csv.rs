//! CSV (RFC 4180, UTF-8, CRLF): one row per employee and non-rejected task, and one row with empty
//! task columns for an employee without tasks, so that no employee is lost.

use std::borrow::Cow;

use crate::error::{ErrorKind, Result};
use crate::json::lexer::{Lexer, PResult};
use crate::json::path::Path;
use crate::page::{read_page_with, PageEnvelope, RecordsSink};

/// The header row.
pub const CSV_HEADER: &str = "external_id,task_id,task,validation_state,weekly_hours,ai_impact_level,ai_impact_rationale,skill_ids,skills,source_event_types\r\n";

struct Record<'a> {
    external_id: Cow<'a, str>,
    tasks: Option<Vec<Node<'a>>>,
    hierarchy: Option<Vec<Node<'a>>>,
}

/// A list task, or a hierarchy node (a task node, or a group node without `task_id`).
#[derive(Default)]
struct Node<'a> {
    task_id: Option<Cow<'a, str>>,
    task: Option<Cow<'a, str>>,
    validation_state: Option<Cow<'a, str>>,
    /// The value's JSON text.
    weekly_hours: Option<&'a str>,
    ai_impact: Option<AiImpact<'a>>,
    linked_skills: Option<Vec<Skill<'a>>>,
    source_events: Option<Vec<SourceEvent<'a>>>,
    children: Option<Vec<Node<'a>>>,
}

#[derive(Default)]
struct AiImpact<'a> {
    level: Option<Cow<'a, str>>,
    rationale: Option<Cow<'a, str>>,
}

#[derive(Default)]
struct Skill<'a> {
    skill_id: Option<Cow<'a, str>>,
    skill: Option<Cow<'a, str>>,
}

#[derive(Default)]
struct SourceEvent<'a> {
    event_type: Option<Cow<'a, str>>,
}

// Records are read straight off the shared lexer rather than with derived serde impls (which
// cost tens of KB of wasm). A repeated key keeps its last value, as `JSON.parse` has it.

/// A string or null.
fn opt_str<'a>(lx: &mut Lexer<'a>, at: &Path) -> PResult<Option<Cow<'a, str>>> {
    if lx.null()? {
        return Ok(None);
    }
    lx.str_value(at).map(Some)
}

/// `null` (`None`), or an array whose elements `item` reads (one shared, non-generic loop).
fn list<'a, T>(
    lx: &mut Lexer<'a>,
    at: &Path,
    item: fn(&mut Lexer<'a>, &Path) -> PResult<T>,
) -> PResult<Option<Vec<T>>> {
    let mut items = Vec::new();
    let found = elements(lx, at, &mut |lx, at| {
        items.push(item(lx, at)?);
        Ok(())
    })?;
    Ok(found.then_some(items))
}

#[inline(never)]
fn elements<'a>(
    lx: &mut Lexer<'a>,
    at: &Path,
    each: &mut dyn FnMut(&mut Lexer<'a>, &Path) -> PResult<()>,
) -> PResult<bool> {
    if lx.null()? {
        return Ok(false);
    }
    lx.begin_array(at, "an array or null")?;
    let mut first = true;
    let mut i = 0;
    while lx.next_element(&mut first)? {
        each(lx, &at.index(i))?;
        i += 1;
    }
    Ok(true)
}

fn record<'a>(lx: &mut Lexer<'a>, at: &Path) -> PResult<Record<'a>> {
    lx.begin_object(at, "an object")?;
    let mut first = true;
    let mut external_id = None;
    let (mut tasks, mut hierarchy) = (None, None);
    while let Some(k) = lx.next_key(&mut first)? {
        match k.as_ref() {
            "external_id" => external_id = Some(lx.str_value(&at.key("external_id"))?),
            "tasks" => tasks = list(lx, &at.key("tasks"), node)?,
            "hierarchy" => hierarchy = list(lx, &at.key("hierarchy"), node)?,
            _ => lx.skip_value()?,
        }
    }
    match external_id {
        Some(external_id) => Ok(Record {
            external_id,
            tasks,
            hierarchy,
        }),
        None => lx.fail(at, "record has no \"external_id\""),
    }
}

fn node<'a>(lx: &mut Lexer<'a>, at: &Path) -> PResult<Node<'a>> {
    lx.begin_object(at, "an object")?;
    let mut first = true;
    let mut n = Node::default();
    while let Some(k) = lx.next_key(&mut first)? {
        match k.as_ref() {
            "task_id" => n.task_id = opt_str(lx, &at.key("task_id"))?,
            "task" => n.task = opt_str(lx, &at.key("task"))?,
            "validation_state" => n.validation_state = opt_str(lx, &at.key("validation_state"))?,
            "weekly_hours" => n.weekly_hours = Some(lx.raw_value()?),
            "ai_impact" => {
                n.ai_impact = if lx.null()? {
                    None
                } else {
                    Some(ai_impact(lx, &at.key("ai_impact"))?)
                }
            }
            "linked_skills" => n.linked_skills = list(lx, &at.key("linked_skills"), skill)?,
            "source_events" => n.source_events = list(lx, &at.key("source_events"), source_event)?,
            "children" => n.children = list(lx, &at.key("children"), node)?,
            _ => lx.skip_value()?,
        }
    }
    Ok(n)
}

fn ai_impact<'a>(lx: &mut Lexer<'a>, at: &Path) -> PResult<AiImpact<'a>> {
    lx.begin_object(at, "an object or null")?;
    let mut first = true;
    let mut a = AiImpact::default();
    while let Some(k) = lx.next_key(&mut first)? {
        match k.as_ref() {
            "level" => a.level = opt_str(lx, &at.key("level"))?,
            "rationale" => a.rationale = opt_str(lx, &at.key("rationale"))?,
            _ => lx.skip_value()?,
        }
    }
    Ok(a)
}

fn skill<'a>(lx: &mut Lexer<'a>, at: &Path) -> PResult<Skill<'a>> {
    lx.begin_object(at, "an object")?;
    let mut first = true;
    let mut s = Skill::default();
    while let Some(k) = lx.next_key(&mut first)? {
        match k.as_ref() {
            "skill_id" => s.skill_id = opt_str(lx, &at.key("skill_id"))?,
            "skill" => s.skill = opt_str(lx, &at.key("skill"))?,
            _ => lx.skip_value()?,
        }
    }
    Ok(s)
}

fn source_event<'a>(lx: &mut Lexer<'a>, at: &Path) -> PResult<SourceEvent<'a>> {
    lx.begin_object(at, "an object")?;
    let mut first = true;
    let mut e = SourceEvent::default();
    while let Some(k) = lx.next_key(&mut first)? {
        match k.as_ref() {
            "event_type" => e.event_type = opt_str(lx, &at.key("event_type"))?,
            _ => lx.skip_value()?,
        }
    }
    Ok(e)
}

/// Writes the rows of each record as the page reader hands it over.
struct CsvSink {
    out: Vec<u8>,
    /// Whether text cells that a spreadsheet would read as a formula are neutralised.
    escape: bool,
}

impl<'a> RecordsSink<'a> for CsvSink {
    fn begin(&mut self, _: &'a str) {
        // A page that repeats `records` is written from its last array only.
        self.out.clear();
    }

    fn record(&mut self, lx: &mut Lexer<'a>, at: &Path) -> PResult<()> {
        let record = record(lx, at)?;
        let before = self.out.len();
        let nodes = record
            .tasks
            .as_deref()
            .or(record.hierarchy.as_deref())
            .unwrap_or(&[]);
        write_tasks(&mut self.out, self.escape, &record.external_id, nodes);
        if self.out.len() == before {
            field(&mut self.out, self.escape, &record.external_id);
            self.out.extend_from_slice(b",,,,,,,,,\r\n");
        }
        Ok(())
    }
}

/// Writes a row per non-rejected task node, depth-first in pre-order.
fn write_tasks(out: &mut Vec<u8>, escape: bool, external_id: &str, nodes: &[Node]) {
    for node in nodes {
        if let Some(task_id) = &node.task_id {
            if node.validation_state.as_deref() != Some("rejected") {
                write_row(out, escape, external_id, task_id, node);
            }
        }
        if let Some(children) = &node.children {
            write_tasks(out, escape, external_id, children);
        }
    }
}

fn write_row(out: &mut Vec<u8>, escape: bool, external_id: &str, task_id: &str, t: &Node) {
    field(out, escape, external_id);
    out.push(b',');
    field(out, escape, task_id);
    out.push(b',');
    field(out, escape, t.task.as_deref().unwrap_or(""));
    out.push(b',');
    field(out, escape, t.validation_state.as_deref().unwrap_or(""));
    out.push(b',');
    if let Some(hours) = t.weekly_hours.filter(|h| *h != "null") {
        // A number is written as it is (a leading `-` is no formula there); anything else the
        // server sent in its place is text.
        let text = hours.starts_with('"');
        field(out, escape && text, hours.trim_matches('"'));
    }
    out.push(b',');
    let impact = t.ai_impact.as_ref();
    field(
        out,
        escape,
        impact.and_then(|i| i.level.as_deref()).unwrap_or(""),
    );
    out.push(b',');
    field(
        out,
        escape,
        impact.and_then(|i| i.rationale.as_deref()).unwrap_or(""),
    );
    out.push(b',');
    let skills = t.linked_skills.as_deref().unwrap_or(&[]);
    joined(
        out,
        escape,
        skills.iter().map(|s| s.skill_id.as_deref().unwrap_or("")),
    );
    out.push(b',');
    joined(
        out,
        escape,
        skills.iter().map(|s| s.skill.as_deref().unwrap_or("")),
    );
    out.push(b',');
    let events = t.source_events.as_deref().unwrap_or(&[]);
    joined(
        out,
        escape,
        events.iter().map(|e| e.event_type.as_deref().unwrap_or("")),
    );
    out.extend_from_slice(b"\r\n");
}

/// A list joined with `;`, as one field.
fn joined<'a>(out: &mut Vec<u8>, escape: bool, items: impl Iterator<Item = &'a str>) {
    let mut text = String::new();
    for (i, item) in items.enumerate() {
        if i > 0 {
            text.push(';');
        }
        text.push_str(item);
    }
    field(out, escape, &text);
}

/// One field, quoted when RFC 4180 requires it. With `escape`, a cell a spreadsheet would run as
/// a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) gets a leading `'`, as
/// OWASP recommends against CSV injection.
fn field(out: &mut Vec<u8>, escape: bool, value: &str) {
    let neutralised;
    let value = if escape && value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        neutralised = format!("'{value}");
        neutralised.as_str()
    } else {
        value
    };
    if value
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.push(b'"');
        for b in value.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(value.as_bytes());
    }
}

/// The records of a page body from the server as CSV rows (no header), with the page's
/// envelope; a page the contract does not allow is a `Protocol` error. With `escape_formulas`,
/// text cells that a spreadsheet would run as formulas are neutralised (see [`field`]).
pub fn page_to_csv(body: &[u8], escape_formulas: bool) -> Result<(PageEnvelope, Vec<u8>)> {
    let mut sink = CsvSink {
        out: Vec::with_capacity(body.len() / 2),
        escape: escape_formulas,
    };
    let envelope = read_page_with(body, &mut sink, ErrorKind::Protocol)?;
    Ok((envelope, sink.out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(body: &[u8]) -> String {
        String::from_utf8(page_to_csv(body, true).unwrap().1).unwrap()
    }

    #[test]
    fn fixture_rows() {
        let list = csv(include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/page-list.json"
        )));
        let rows: Vec<&str> = list.split("\r\n").filter(|r| !r.is_empty()).collect();
        assert_eq!(rows, [
            "3f6c2a91-7d4e-4b8a-b5c0-1e9d8f7a6b25,reconcile-supplier-invoices,Reconcile supplier invoices,validated,3,H2,Matching invoice lines to purchase orders is mostly rule-based,c41d7a02-8e5f-4b3a-a9d6-0f1e2c3b4a58;5e8b1f93-27c4-4d0a-b6e1-9a8f7c6d5e42,Bookkeeping;Spreadsheet Modelling,project",
            "3f6c2a91-7d4e-4b8a-b5c0-1e9d8f7a6b25,approve-expense-claims,Approve expense claims,suggested,,H3,Judging unusual claims needs context about the team,c41d7a02-8e5f-4b3a-a9d6-0f1e2c3b4a58,Bookkeeping,job",
            "8b0e4d17-c2a9-4f63-9e85-d7a1b3c5e9f0,,,,,,,,,",
            "d25a9c4e-6b1f-4e07-8d3c-5f2a4b6c8e1d,run-weekly-stand-ups,Run weekly stand-ups,validated,1.5,H1,Agendas and minutes can be drafted from the ticket board,f0a2b4c6-d8e1-4f35-8a7c-2b4d6e8f0a13,Meeting Facilitation,job",
        ]);
        // The hierarchy shape of the same employees gives the same rows.
        assert_eq!(
            csv(include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../tests/fixtures/page-hierarchy.json"
            ))),
            list
        );
        assert_eq!(CSV_HEADER.split(',').count(), 10);
    }

    #[test]
    fn quotes_what_rfc_4180_requires() {
        let body = br#"{"has_next":false,"records":[{"external_id":"a,b","tasks":[{"task_id":"t","task":"Say \"hi\"\nthen go","validation_state":"validated"}]}]}"#;
        assert_eq!(
            csv(body),
            "\"a,b\",t,\"Say \"\"hi\"\"\nthen go\",validated,,,,,,\r\n"
        );
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_neutralised_unless_asked_not_to() {
        let body = br#"{"has_next":false,"records":[{"external_id":"@e","tasks":[{"task_id":"+t","task":"=HYPERLINK(\"http://evil\",\"x\")","validation_state":"\tv","weekly_hours":-1.5,"ai_impact":{"level":"-H1","rationale":"\rr"},"linked_skills":[{"skill_id":"=s","skill":"ok"}]}]}]}"#;
        assert_eq!(
            csv(body),
            "'@e,'+t,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",'\tv,-1.5,'-H1,\"'\rr\",'=s,ok,\r\n"
        );
        let raw = String::from_utf8(page_to_csv(body, false).unwrap().1).unwrap();
        assert_eq!(
            raw,
            "@e,+t,\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",\tv,-1.5,-H1,\"\rr\",=s,ok,\r\n"
        );
        // Hours sent as text are text.
        let text_hours = br#"{"has_next":false,"records":[{"external_id":"e","tasks":[{"task_id":"t","task":"T","validation_state":"v","weekly_hours":"=1+1"}]}]}"#;
        assert_eq!(csv(text_hours), "e,t,T,v,'=1+1,,,,,\r\n");
    }

    #[test]
    fn an_employee_with_only_rejected_tasks_still_has_a_row() {
        let body = br#"{"has_next":false,"records":[{"external_id":"e","tasks":[{"task_id":"t","task":"T","validation_state":"rejected"}]}]}"#;
        assert_eq!(csv(body), "e,,,,,,,,,\r\n");
    }

    #[test]
    fn repeated_and_escaped_keys_are_read_as_json_parse_reads_them() {
        let body = br#"{"has_next":false,"records":[{"external\u005fid":"x","external_id":"e","tasks":[{"task_id":"old"}],"tasks":[{"task_id":"t","task":"T","task":"U","validation_state":"validated","weekly_hours":1,"weekly_hours":null}]}]}"#;
        assert_eq!(csv(body), "e,t,U,validated,,,,,,\r\n");
    }

    #[test]
    fn a_record_without_external_id_is_an_error_naming_it() {
        let err = page_to_csv(
            br#"{"has_next":false,"records":[{"external_id":"a","tasks":[]},{"tasks":[]}]}"#,
            true,
        )
        .unwrap_err();
        assert_eq!(err.message, "records[1]: record has no \"external_id\"");
        assert_eq!(err.kind, crate::ErrorKind::Protocol);
        let err = page_to_csv(
            br#"{"has_next":false,"records":[{"external_id":"a","tasks":[{"task_id":5}]}]}"#,
            true,
        )
        .unwrap_err();
        assert_eq!(
            err.message,
            "records[0].tasks[0].task_id: expected a string, found a number"
        );
    }
}
