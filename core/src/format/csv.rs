//! CSV (RFC 4180, UTF-8, CRLF): one row per employee and non-rejected task, and one row with empty
//! task columns for an employee without tasks, so that no employee is lost.

use std::borrow::Cow;

use crate::error::{ErrorKind, Result};
use crate::export::PageEnvelope;
use crate::page::{read_page, RecordsSink};
use crate::stats::parse::{PResult, Parser, Scratch};

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

// Records are read with the stats scanner's JSON primitives rather than derived serde impls
// (which cost tens of KB of wasm); the problems reported are those serde would report.

type P<'a, 's> = Parser<'a, 's>;

/// Marks `bit` of `seen` for the field `name`, failing on a duplicate.
fn once(p: &mut P, seen: &mut u32, bit: u32, name: &str) -> PResult<()> {
    if *seen & (1 << bit) != 0 {
        return p.fail(format_args!("duplicate field `{name}`"));
    }
    *seen |= 1 << bit;
    Ok(())
}

fn opt_str<'a>(p: &mut P<'a, '_>) -> PResult<Option<Cow<'a, str>>> {
    if p.null()? {
        return Ok(None);
    }
    p.str_value().map(Some)
}

/// `null` (`None`), or an array whose elements `item` reads (one shared, non-generic loop).
fn list<'a, T>(
    p: &mut P<'a, '_>,
    item: fn(&mut P<'a, '_>) -> PResult<T>,
) -> PResult<Option<Vec<T>>> {
    let mut items = Vec::new();
    let found = elements(p, &mut |p| {
        items.push(item(p)?);
        Ok(())
    })?;
    Ok(found.then_some(items))
}

#[inline(never)]
fn elements<'a>(
    p: &mut P<'a, '_>,
    each: &mut dyn FnMut(&mut P<'a, '_>) -> PResult<()>,
) -> PResult<bool> {
    if p.null()? {
        return Ok(false);
    }
    p.begin_array("a sequence")?;
    let mut first = true;
    while p.next_element(&mut first)? {
        each(p)?;
    }
    Ok(true)
}

fn record<'a>(p: &mut P<'a, '_>) -> PResult<Record<'a>> {
    p.begin_object("struct Record")?;
    let (mut seen, mut first) = (0, true);
    let mut external_id = None;
    let (mut tasks, mut hierarchy) = (None, None);
    while let Some(k) = p.next_key(&mut first)? {
        match k.as_ref() {
            "external_id" => {
                once(p, &mut seen, 0, "external_id")?;
                external_id = Some(p.str_value()?);
            }
            "tasks" => {
                once(p, &mut seen, 1, "tasks")?;
                tasks = list(p, node)?;
            }
            "hierarchy" => {
                once(p, &mut seen, 2, "hierarchy")?;
                hierarchy = list(p, node)?;
            }
            _ => p.skip_value()?,
        }
    }
    match external_id {
        Some(external_id) => Ok(Record {
            external_id,
            tasks,
            hierarchy,
        }),
        None => p.fail("missing field `external_id`"),
    }
}

fn node<'a>(p: &mut P<'a, '_>) -> PResult<Node<'a>> {
    p.begin_object("struct Node")?;
    let (mut seen, mut first) = (0, true);
    let mut n = Node::default();
    while let Some(k) = p.next_key(&mut first)? {
        let k = k.as_ref();
        match k {
            "task_id" => {
                once(p, &mut seen, 0, k)?;
                n.task_id = opt_str(p)?;
            }
            "task" => {
                once(p, &mut seen, 1, k)?;
                n.task = opt_str(p)?;
            }
            "validation_state" => {
                once(p, &mut seen, 2, k)?;
                n.validation_state = opt_str(p)?;
            }
            "weekly_hours" => {
                once(p, &mut seen, 3, k)?;
                p.ws();
                let from = p.pos;
                p.skip_value()?;
                n.weekly_hours = Some(p.since(from));
            }
            "ai_impact" => {
                once(p, &mut seen, 4, k)?;
                n.ai_impact = if p.null()? { None } else { Some(ai_impact(p)?) };
            }
            "linked_skills" => {
                once(p, &mut seen, 5, k)?;
                n.linked_skills = list(p, skill)?;
            }
            "source_events" => {
                once(p, &mut seen, 6, k)?;
                n.source_events = list(p, source_event)?;
            }
            "children" => {
                once(p, &mut seen, 7, k)?;
                n.children = list(p, node)?;
            }
            _ => p.skip_value()?,
        }
    }
    Ok(n)
}

fn ai_impact<'a>(p: &mut P<'a, '_>) -> PResult<AiImpact<'a>> {
    p.begin_object("struct AiImpact")?;
    let (mut seen, mut first) = (0, true);
    let mut a = AiImpact::default();
    while let Some(k) = p.next_key(&mut first)? {
        match k.as_ref() {
            "level" => {
                once(p, &mut seen, 0, "level")?;
                a.level = opt_str(p)?;
            }
            "rationale" => {
                once(p, &mut seen, 1, "rationale")?;
                a.rationale = opt_str(p)?;
            }
            _ => p.skip_value()?,
        }
    }
    Ok(a)
}

fn skill<'a>(p: &mut P<'a, '_>) -> PResult<Skill<'a>> {
    p.begin_object("struct Skill")?;
    let (mut seen, mut first) = (0, true);
    let mut s = Skill::default();
    while let Some(k) = p.next_key(&mut first)? {
        match k.as_ref() {
            "skill_id" => {
                once(p, &mut seen, 0, "skill_id")?;
                s.skill_id = opt_str(p)?;
            }
            "skill" => {
                once(p, &mut seen, 1, "skill")?;
                s.skill = opt_str(p)?;
            }
            _ => p.skip_value()?,
        }
    }
    Ok(s)
}

fn source_event<'a>(p: &mut P<'a, '_>) -> PResult<SourceEvent<'a>> {
    p.begin_object("struct SourceEvent")?;
    let (mut seen, mut first) = (0, true);
    let mut e = SourceEvent::default();
    while let Some(k) = p.next_key(&mut first)? {
        match k.as_ref() {
            "event_type" => {
                once(p, &mut seen, 0, "event_type")?;
                e.event_type = opt_str(p)?;
            }
            _ => p.skip_value()?,
        }
    }
    Ok(e)
}

struct CsvSink {
    out: Vec<u8>,
}

impl CsvSink {
    /// Writes the rows of one record (its JSON text, already checked to be JSON).
    fn record(&mut self, text: &str) -> std::result::Result<(), String> {
        let mut scratch = Scratch::default();
        let mut p = Parser::new(text, &mut scratch);
        let record = match record(&mut p) {
            Ok(r) => r,
            Err(_) => {
                let message = p.take_error().message;
                return Err(match message.strip_prefix("body: ") {
                    Some(problem) => problem.to_owned(),
                    None => message,
                });
            }
        };
        let before = self.out.len();
        let nodes = record
            .tasks
            .as_deref()
            .or(record.hierarchy.as_deref())
            .unwrap_or(&[]);
        write_tasks(&mut self.out, &record.external_id, nodes);
        if self.out.len() == before {
            field(&mut self.out, &record.external_id);
            self.out.extend_from_slice(b",,,,,,,,,\r\n");
        }
        Ok(())
    }
}

impl RecordsSink for CsvSink {
    fn record(&mut self, text: &str) -> std::result::Result<(), String> {
        CsvSink::record(self, text)
    }
}

/// Writes a row per non-rejected task node, depth-first in pre-order.
fn write_tasks(out: &mut Vec<u8>, external_id: &str, nodes: &[Node]) {
    for node in nodes {
        if let Some(task_id) = &node.task_id {
            if node.validation_state.as_deref() != Some("rejected") {
                write_row(out, external_id, task_id, node);
            }
        }
        if let Some(children) = &node.children {
            write_tasks(out, external_id, children);
        }
    }
}

fn write_row(out: &mut Vec<u8>, external_id: &str, task_id: &str, t: &Node) {
    field(out, external_id);
    out.push(b',');
    field(out, task_id);
    out.push(b',');
    field(out, t.task.as_deref().unwrap_or(""));
    out.push(b',');
    field(out, t.validation_state.as_deref().unwrap_or(""));
    out.push(b',');
    if let Some(hours) = t.weekly_hours.filter(|h| *h != "null") {
        field(out, hours.trim_matches('"'));
    }
    out.push(b',');
    let impact = t.ai_impact.as_ref();
    field(out, impact.and_then(|i| i.level.as_deref()).unwrap_or(""));
    out.push(b',');
    field(
        out,
        impact.and_then(|i| i.rationale.as_deref()).unwrap_or(""),
    );
    out.push(b',');
    let skills = t.linked_skills.as_deref().unwrap_or(&[]);
    joined(
        out,
        skills.iter().map(|s| s.skill_id.as_deref().unwrap_or("")),
    );
    out.push(b',');
    joined(out, skills.iter().map(|s| s.skill.as_deref().unwrap_or("")));
    out.push(b',');
    let events = t.source_events.as_deref().unwrap_or(&[]);
    joined(
        out,
        events.iter().map(|e| e.event_type.as_deref().unwrap_or("")),
    );
    out.extend_from_slice(b"\r\n");
}

/// A list joined with `;`, as one field.
fn joined<'a>(out: &mut Vec<u8>, items: impl Iterator<Item = &'a str>) {
    let mut text = String::new();
    for (i, item) in items.enumerate() {
        if i > 0 {
            text.push(';');
        }
        text.push_str(item);
    }
    field(out, &text);
}

/// One field, quoted when RFC 4180 requires it.
fn field(out: &mut Vec<u8>, value: &str) {
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

/// The records of a page body as CSV rows (no header), with the page's envelope.
pub fn page_to_csv(body: &[u8]) -> Result<(PageEnvelope, Vec<u8>)> {
    let mut sink = CsvSink {
        out: Vec::with_capacity(body.len() / 2),
    };
    let envelope = read_page(body, &mut sink, ErrorKind::Protocol)?;
    Ok((envelope, sink.out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(body: &[u8]) -> String {
        String::from_utf8(page_to_csv(body).unwrap().1).unwrap()
    }

    #[test]
    fn fixture_rows() {
        let list = csv(include_bytes!(
            "../../../../shared/api/fixtures/page-list.json"
        ));
        let rows: Vec<&str> = list.split("\r\n").filter(|r| !r.is_empty()).collect();
        assert_eq!(rows, [
            "61a6e076-d780-11ec-9d64-0242ac120002,write-unit-tests,Write unit tests,validated,5,H2,Portions can be automated via LLM test generation,4b85469d-6729-4d70-9876-a0faa2a2f63b;e03c1859-3bae-4700-b2c5-ede2937038de,Python;Test-Driven Development,project",
            "61a6e076-d780-11ec-9d64-0242ac120002,review-pull-requests,Review pull requests,suggested,,H3,Requires human judgment for code quality assessment,4b85469d-6729-4d70-9876-a0faa2a2f63b,Python,job",
            "0b7e2f5a-91c4-4d2b-8e6a-3f1d9c7b5a20,,,,,,,,,",
            "7d3f1c22-5b8e-4c1a-9f0e-2a6b8c4d1e37,plan-sprint-capacity,Plan sprint capacity,validated,2.5,H1,Forecasting from ticket history is largely automatable,9a1c7e44-2d3b-4f6a-8c5e-1b2d3e4f5a6b,Agile Project Management,job",
        ]);
        // The hierarchy shape of the same employees gives the same rows.
        assert_eq!(
            csv(include_bytes!(
                "../../../../shared/api/fixtures/page-hierarchy.json"
            )),
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
    fn an_employee_with_only_rejected_tasks_still_has_a_row() {
        let body = br#"{"has_next":false,"records":[{"external_id":"e","tasks":[{"task_id":"t","task":"T","validation_state":"rejected"}]}]}"#;
        assert_eq!(csv(body), "e,,,,,,,,,\r\n");
    }

    #[test]
    fn a_record_without_external_id_is_an_error_naming_it() {
        let err = page_to_csv(
            br#"{"has_next":false,"records":[{"external_id":"a","tasks":[]},{"tasks":[]}]}"#,
        )
        .unwrap_err();
        assert!(err.message.contains("records[1]"), "{}", err.message);
        assert!(err.message.contains("external_id"), "{}", err.message);
    }
}
