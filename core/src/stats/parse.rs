//! Reading records into a flat [`Scratch`] of the fields the aggregates use, straight off the
//! shared lexer as the page reader hands each record over.
//!
//! Nothing is allocated per record, task or skill: tasks, skills and event types are appended to
//! a few flat vectors, and strings are borrowed from the input unless they hold escapes. A
//! repeated key keeps its last value, as `JSON.parse` has it.

use std::borrow::Cow;

use super::aggregate::fast_eq;
use super::exact_sum::MAX_ADDEND;
use crate::json::lexer::{Lexer, PResult};
use crate::json::path::Path;
use crate::page::RecordsSink;

/// Everything the aggregates need from one input, validated, borrowing from the input bytes.
#[derive(Default)]
pub(crate) struct Scratch<'a> {
    /// For each record, the end of its tasks in `tasks` (the start is the previous end).
    pub records: Vec<u32>,
    pub tasks: Vec<TaskEv<'a>>,
    pub skills: Vec<SkillEv<'a>>,
    /// `event_type` of each source event.
    pub events: Vec<Cow<'a, str>>,
}

/// One task (a list task or a hierarchy task node at any depth).
pub(crate) struct TaskEv<'a> {
    pub id: Cow<'a, str>,
    pub name: Cow<'a, str>,
    pub state: Cow<'a, str>,
    /// `ai_impact.level`; `None` when `ai_impact` or its level is absent or null.
    pub level: Option<Cow<'a, str>>,
    pub hours: Option<f64>,
    /// Range of this task's linked skills in [`Scratch::skills`].
    pub skills: (u32, u32),
    /// Range of this task's source events in [`Scratch::events`].
    pub events: (u32, u32),
}

/// One linked skill of a task.
pub(crate) struct SkillEv<'a> {
    pub id: Cow<'a, str>,
    pub name: Cow<'a, str>,
}

impl<'a> RecordsSink<'a> for Scratch<'a> {
    fn begin(&mut self, _: &'a str) {
        // A page that repeats `records` counts only its last array.
        self.records.clear();
        self.tasks.clear();
        self.skills.clear();
        self.events.clear();
    }

    fn record(&mut self, lx: &mut Lexer<'a>, at: &Path) -> PResult<()> {
        record(lx, self, at)
    }
}

/// Key equality without `memcmp` (see [`fast_eq`]).
#[inline(always)]
fn is(key: &str, lit: &str) -> bool {
    fast_eq(key.as_bytes(), lit.as_bytes())
}

/// A record (its `{` next): `tasks` (list) or `hierarchy` (nodes), other members skipped.
fn record<'a>(lx: &mut Lexer<'a>, out: &mut Scratch<'a>, at: &Path) -> PResult<()> {
    lx.enter()?;
    let mark = out.tasks.len();
    let mut shape: Option<&'static str> = None;
    let mut looks_like_page = false;
    let mut first = true;
    while let Some(key) = lx.next_key(&mut first)? {
        let field = if is(&key, "tasks") {
            "tasks"
        } else if is(&key, "hierarchy") {
            "hierarchy"
        } else {
            looks_like_page |= is(&key, "records");
            lx.skip_value()?;
            continue;
        };
        match shape {
            Some(prev) if prev != field => {
                return lx.fail(at, "record has both \"tasks\" and \"hierarchy\"")
            }
            // A repeated key: the tasks of its earlier value are forgotten.
            Some(_) => out.tasks.truncate(mark),
            None => {}
        }
        shape = Some(field);
        let at_field = at.key(field);
        lx.begin_array(&at_field, "an array")?;
        nodes(lx, out, &at_field, field == "hierarchy")?;
    }
    if shape.is_none() {
        return lx.fail(
            at,
            if looks_like_page {
                "expected a record, found a page (pages go to addPage)"
            } else {
                "record has neither \"tasks\" nor \"hierarchy\""
            },
        );
    }
    out.records.push(out.tasks.len() as u32);
    Ok(())
}

/// The elements of an opened `tasks`, `hierarchy` or `children` array.
fn nodes<'a>(lx: &mut Lexer<'a>, out: &mut Scratch<'a>, at: &Path, hierarchy: bool) -> PResult<()> {
    let mut first = true;
    let mut i = 0;
    while lx.next_element(&mut first)? {
        let at_node = at.index(i);
        lx.begin_object(&at_node, "an object")?;
        node(lx, out, &at_node, hierarchy)?;
        i += 1;
    }
    Ok(())
}

/// The members of an opened list task or hierarchy node (task node or group node).
fn node<'a>(lx: &mut Lexer<'a>, out: &mut Scratch<'a>, at: &Path, hierarchy: bool) -> PResult<()> {
    let mut id = None;
    let mut name = None;
    let mut state = None;
    let mut level = None;
    let mut hours = None;
    let mut skills = (0u32, 0u32);
    let mut events = (0u32, 0u32);
    // `tasks.len()` before the first `children`: a repeated `children` forgets the tasks of the
    // earlier one.
    let mut children = None;
    let mut first = true;
    while let Some(key) = lx.next_key(&mut first)? {
        let Some(field) = Field::of(&key, hierarchy) else {
            lx.skip_value()?;
            continue;
        };
        let at_field = at.key(field.name());
        match field {
            Field::TaskId => id = Some(lx.str_value(&at_field)?),
            Field::Task => name = Some(lx.str_value(&at_field)?),
            Field::State => state = Some(lx.str_value(&at_field)?),
            Field::Hours => hours = weekly_hours(lx, &at_field)?,
            Field::Ai => level = ai_impact_level(lx, &at_field)?,
            Field::Skills => {
                let start = out.skills.len() as u32;
                linked_skills(lx, out, &at_field)?;
                skills = (start, out.skills.len() as u32);
            }
            Field::Events => {
                let start = out.events.len() as u32;
                source_events(lx, out, &at_field)?;
                events = (start, out.events.len() as u32);
            }
            Field::Children => {
                let mark = *children.get_or_insert(out.tasks.len());
                out.tasks.truncate(mark);
                lx.begin_array(&at_field, "an array")?;
                nodes(lx, out, &at_field, true)?;
            }
        }
    }
    let Some(id) = id else {
        if !hierarchy || name.is_some() || state.is_some() {
            return lx.fail(at, "a task needs \"task_id\"");
        }
        if children.is_none() {
            return lx.fail(
                at,
                "a node needs \"task_id\" (a task node) or \"children\" (a group node)",
            );
        }
        return Ok(());
    };
    let Some(name) = name else {
        return lx.fail(at, "a task needs \"task\"");
    };
    let Some(state) = state else {
        return lx.fail(at, "a task needs \"validation_state\"");
    };
    // The contract's three states only: counting an unknown one would put a bucket into the
    // summary that no chart or filter expects (negative hours are refused for the same reason).
    if !matches!(&*state, "validated" | "suggested" | "rejected") {
        return lx.fail(
            &at.key(Field::State.name()),
            "expected \"validated\", \"suggested\" or \"rejected\"",
        );
    }
    out.tasks.push(TaskEv {
        id,
        name,
        state,
        level,
        hours,
        skills,
        events,
    });
    Ok(())
}

/// `weekly_hours`: a number, or null for "not given".
fn weekly_hours(lx: &mut Lexer, at: &Path) -> PResult<Option<f64>> {
    if lx.null()? {
        return Ok(None);
    }
    if !matches!(lx.peek(), Some(b'-' | b'0'..=b'9')) {
        return lx.expected(at, "a number");
    }
    // std's parser rounds correctly (and says infinity for overflow, refused below). Hours
    // below zero are not hours: summing them would quietly cancel real ones.
    let h: f64 = lx.number_text()?.parse().unwrap_or(f64::INFINITY);
    if !h.is_finite() || h > MAX_ADDEND {
        return lx.fail(at, "expected a number of hours from 0 to 1e100");
    }
    if h < 0.0 {
        return lx.fail(
            at,
            "expected a number of hours from 0 to 1e100, found a negative number",
        );
    }
    // -0 counts as 0.
    Ok(Some(h + 0.0))
}

/// `ai_impact`: an object (or null) of which only `level` is read.
fn ai_impact_level<'a>(lx: &mut Lexer<'a>, at: &Path) -> PResult<Option<Cow<'a, str>>> {
    if lx.null()? {
        return Ok(None);
    }
    lx.begin_object(at, "an object or null")?;
    let mut level = None;
    let mut first = true;
    while let Some(key) = lx.next_key(&mut first)? {
        if !is(&key, "level") {
            lx.skip_value()?;
            continue;
        }
        level = if lx.null()? {
            None
        } else {
            Some(lx.str_value(&at.key("level"))?)
        };
    }
    Ok(level)
}

/// `linked_skills`: an array (or null) of `{ "skill_id", "skill" }`.
fn linked_skills<'a>(lx: &mut Lexer<'a>, out: &mut Scratch<'a>, at: &Path) -> PResult<()> {
    each_object(lx, at, |lx, at_skill| {
        let mut id = None;
        let mut name = None;
        let mut first_key = true;
        while let Some(key) = lx.next_key(&mut first_key)? {
            if is(&key, "skill_id") {
                id = Some(lx.str_value(&at_skill.key("skill_id"))?);
            } else if is(&key, "skill") {
                name = Some(lx.str_value(&at_skill.key("skill"))?);
            } else {
                lx.skip_value()?;
            }
        }
        let Some(id) = id else {
            return lx.fail(at_skill, "a linked skill needs \"skill_id\"");
        };
        let Some(name) = name else {
            return lx.fail(at_skill, "a linked skill needs \"skill\"");
        };
        out.skills.push(SkillEv { id, name });
        Ok(())
    })
}

/// `source_events`: an array (or null) of `{ "external_id", "event_type" }`.
fn source_events<'a>(lx: &mut Lexer<'a>, out: &mut Scratch<'a>, at: &Path) -> PResult<()> {
    each_object(lx, at, |lx, at_event| {
        let mut kind = None;
        let mut first_key = true;
        while let Some(key) = lx.next_key(&mut first_key)? {
            if is(&key, "event_type") {
                kind = Some(lx.str_value(&at_event.key("event_type"))?);
            } else {
                lx.skip_value()?;
            }
        }
        let Some(kind) = kind else {
            return lx.fail(at_event, "a source event needs \"event_type\"");
        };
        out.events.push(kind);
        Ok(())
    })
}

/// Opens each object of the array (or null) at `at` and has `each` read its members.
#[inline(always)]
fn each_object<'a>(
    lx: &mut Lexer<'a>,
    at: &Path,
    mut each: impl FnMut(&mut Lexer<'a>, &Path) -> PResult<()>,
) -> PResult<()> {
    if lx.null()? {
        return Ok(());
    }
    lx.begin_array(at, "an array or null")?;
    let mut first = true;
    let mut i = 0;
    while lx.next_element(&mut first)? {
        let at_item = at.index(i);
        lx.begin_object(&at_item, "an object")?;
        each(lx, &at_item)?;
        i += 1;
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq)]
enum Field {
    TaskId,
    Task,
    State,
    Hours,
    Ai,
    Skills,
    Events,
    Children,
}

impl Field {
    /// The field a task/node key names; dispatching on the length first leaves one comparison.
    #[inline]
    fn of(key: &str, hierarchy: bool) -> Option<Field> {
        let f = match key.len() {
            4 => Field::Task,
            7 => Field::TaskId,
            8 if hierarchy => Field::Children,
            9 => Field::Ai,
            12 => Field::Hours,
            13 if key.as_bytes()[0] == b'l' => Field::Skills,
            13 => Field::Events,
            16 => Field::State,
            _ => return None,
        };
        is(key, f.name()).then_some(f)
    }

    fn name(self) -> &'static str {
        match self {
            Field::TaskId => "task_id",
            Field::Task => "task",
            Field::State => "validation_state",
            Field::Hours => "weekly_hours",
            Field::Ai => "ai_impact",
            Field::Skills => "linked_skills",
            Field::Events => "source_events",
            Field::Children => "children",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::page::read_records;

    fn parse(json: &[u8]) -> crate::Result<usize> {
        let mut out = Scratch::default();
        read_records(json, &mut out, ErrorKind::InvalidInput)?;
        Ok(out.tasks.len())
    }

    #[test]
    fn escapes_are_decoded() {
        let mut out = Scratch::default();
        read_records(
            br#"{"tasks":[{"task_id":"a\u00e9\ud83d\ude00\n\"x\"","task":"\/\\","validation_state":"validated"}]}"#,
            &mut out,
            ErrorKind::InvalidInput,
        )
        .unwrap();
        assert_eq!(out.tasks[0].id, "a\u{e9}\u{1f600}\n\"x\"");
        assert_eq!(out.tasks[0].name, "/\\");
        assert!(matches!(out.tasks[0].state, Cow::Borrowed(_)));
    }

    #[test]
    fn bad_escapes_and_deep_nesting_fail() {
        // An unpaired surrogate escape is JSON (JS reads it); it reads as U+FFFD.
        let mut out = Scratch::default();
        read_records(
            br#"{"tasks":[{"task_id":"\ud800","task":"T","validation_state":"validated"}]}"#,
            &mut out,
            ErrorKind::InvalidInput,
        )
        .unwrap();
        assert_eq!(out.tasks[0].id, "\u{fffd}");
        for input in [
            &br#"{"tasks":[{"task_id":"\x","task":"T","validation_state":"validated"}]}"#[..],
            br#"{"tasks":[],"x":"\u12"}"#,
            br#"{"tasks":[],"x":01}"#,
            br#"{"tasks":[],"x":1.}"#,
            br#"{"tasks":[],"x":[1,]}"#,
            br#"{"tasks":[],"x":{"a":1,}}"#,
            br#"{"tasks":[],"x":tru}"#,
        ] {
            let e = parse(input).unwrap_err();
            assert!(e.message.contains("at line 1 column"), "{e}");
        }
        let deep = format!(
            "{{\"tasks\":[],\"x\":{}{}}}",
            "[".repeat(200),
            "]".repeat(200)
        );
        let e = parse(deep.as_bytes()).unwrap_err();
        assert!(
            e.message
                .contains("nested deeper than the 128 levels allowed"),
            "{e}"
        );
        let mut nodes = String::from("{\"hierarchy\":[");
        for _ in 0..100 {
            nodes.push_str("{\"children\":[");
        }
        nodes.push_str(&"]}".repeat(100));
        nodes.push_str("]}");
        let e = parse(nodes.as_bytes()).unwrap_err();
        assert!(
            e.message
                .contains("nested deeper than the 128 levels allowed"),
            "{e}"
        );
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value() {
        const T: &str = r#""task_id":"t","task":"T","validation_state":"validated""#;
        let text = format!(
            r#"{{"tasks":[{{{T}}},{{{T}}}],"x":1,"tasks":[{{{T},"weekly_hours":1,"weekly_hours":null,"task":"U",
                    "linked_skills":[{{"skill_id":"a","skill":"A"}}],"linked_skills":[{{"skill_id":"b","skill_id":"c","skill":"C"}}],
                    "ai_impact":{{"level":"H1","level":null}}}}]}}"#
        );
        let mut out = Scratch::default();
        read_records(text.as_bytes(), &mut out, ErrorKind::InvalidInput).unwrap();
        assert_eq!(out.records, [1]);
        let t = &out.tasks[0];
        assert_eq!(
            (t.name.as_ref(), t.hours, t.level.as_deref()),
            ("U", None, None)
        );
        let skills: Vec<&str> = out.skills[t.skills.0 as usize..t.skills.1 as usize]
            .iter()
            .map(|s| s.id.as_ref())
            .collect();
        assert_eq!(skills, ["c"]);
        // A repeated `children` forgets the tasks of the earlier one.
        let h = format!(
            r#"{{"hierarchy":[{{"children":[{{{T}}},{{{T}}}],"children":[{{"task_id":"u","task":"U","validation_state":"validated"}}]}}]}}"#
        );
        let mut out = Scratch::default();
        read_records(h.as_bytes(), &mut out, ErrorKind::InvalidInput).unwrap();
        let ids: Vec<&str> = out.tasks.iter().map(|t| t.id.as_ref()).collect();
        assert_eq!(ids, ["u"]);
    }
}
