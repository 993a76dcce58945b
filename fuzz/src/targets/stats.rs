//! `TaskStats`: `addPage`, `add` (records of either shape), `fromJSON` and `merge`.

use arbitrary::Unstructured;
use task_profiles_core::json;
use task_profiles_core::page::Shape;
use task_profiles_core::shape::{convert_page, convert_records, ConvertOptions, TaskTaxonomy};
use task_profiles_core::stats::{Summary, TaskStats, TreeBy, TreeNode};
use task_profiles_core::ErrorKind;

use crate::canon::{self, J};
use crate::gen;
use crate::laws::{learned, GROUPINGS};

/// A `topN` that lists every task and skill, so that the summary can be checked against the tree.
const ALL: usize = u32::MAX as usize;

/// The largest count a `TaskStats` holds (2^53 - 1).
const MAX_COUNT: u64 = (1 << 53) - 1;

/// `TaskStats.addPage`: anything it accepts gives the same aggregate as `add` of `JSON.parse` of
/// the same bytes, as adding the page twice gives the same as merging two copies, and as the
/// page converted to either shape gives; refused, it changes nothing.
pub fn add_page(data: &[u8]) {
    let mut s = TaskStats::new(ALL);
    if let Err(e) = s.add_page(data) {
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
        assert_eq!(
            s.to_json(),
            TaskStats::new(ALL).to_json(),
            "a refused page was counted"
        );
        return;
    }
    let records = records_as_js_sees_them(data);
    check_stats(
        &s,
        records
            .as_deref()
            .and_then(|r| learned(r.as_bytes()))
            .as_ref(),
    );
    if let Some(records) = &records {
        let mut by_records = TaskStats::new(ALL);
        if let Err(e) = by_records.add_records(records.as_bytes()) {
            panic!("add refused the records of a page addPage accepts: {e}\n{records}");
        }
        assert_eq!(
            by_records.to_json(),
            s.to_json(),
            "addPage and add of JSON.parse differ"
        );
    }
    let mut twice = s.clone();
    twice
        .add_page(data)
        .expect("a page accepted once is accepted twice");
    let mut merged = s.clone();
    merged.merge(&s).expect("far below the largest count");
    assert_eq!(
        twice.to_json(),
        merged.to_json(),
        "adding twice and merging two copies differ"
    );
    for opts in conversions() {
        if let Ok(converted) = convert_page(data, &opts) {
            same_stats_as(&s, |c| c.add_page(&converted), &opts);
        }
    }
}

/// `TaskStats.add` (records of either shape, one or an array, as `JSON.stringify` gives them):
/// anything it accepts gives the same aggregate as the page holding those records, and as the
/// records converted to either shape give.
pub fn add_records(data: &[u8]) {
    let mut s = TaskStats::new(ALL);
    if let Err(e) = s.add_records(data) {
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
        assert_eq!(
            s.to_json(),
            TaskStats::new(ALL).to_json(),
            "refused records were counted"
        );
        return;
    }
    check_stats(&s, learned(data).as_ref());
    let text = std::str::from_utf8(data).expect("add accepted bytes that are not UTF-8");
    let text = text
        .trim_start_matches('\u{feff}')
        .trim_matches([' ', '\t', '\n', '\r']);
    let page = if text.starts_with('[') {
        format!(r#"{{"has_next":false,"records":{text}}}"#)
    } else {
        format!(r#"{{"has_next":false,"records":[{text}]}}"#)
    };
    let mut by_page = TaskStats::new(ALL);
    if let Err(e) = by_page.add_page(page.as_bytes()) {
        panic!("addPage refused a page of records add accepts: {e}\n{page}");
    }
    assert_eq!(by_page.to_json(), s.to_json(), "add and addPage differ");
    for opts in conversions() {
        if let Ok(converted) = convert_records(data, &opts) {
            same_stats_as(&s, |c| c.add_records(&converted), &opts);
        }
    }
}

/// `TaskStats.fromJSON`: what it accepts writes back as canonical text it reads back
/// byte-identically, with the same summary and trees; merged with itself it doubles every
/// count, or is refused (counts past 2^53 - 1) and changes nothing.
pub fn stats_from_json(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let s = match TaskStats::from_json(&text) {
        Ok(s) => s,
        Err(e) => {
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
            return;
        }
    };
    check_stats(&s, None);
    let before = s.to_json();
    let mut doubled = s.clone();
    match doubled.merge(&s) {
        Ok(()) => {
            let (one, two) = (s.summary(), doubled.summary());
            assert_eq!(two.employees, 2 * one.employees);
            assert_eq!(two.tasks, 2 * one.tasks);
            assert_eq!(two.distinct_tasks, one.distinct_tasks);
            check_stats(&doubled, None);
        }
        Err(e) => {
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
            assert_eq!(
                doubled.to_json(),
                before,
                "a refused merge changed the aggregate"
            );
        }
    }
}

/// Shards in the `fromJSON` form with counts scaled up to and past 2^53 - 1, i64 and u64 limits:
/// every shard and every merge is accepted exactly when its counts stay within 2^53 - 1, and
/// then holds exactly the scaled counts; otherwise it is an `invalid_input` error that changes
/// nothing. Scaling every count of an aggregate of records by `m` keeps every bound between them,
/// so the expected result of each step is known.
pub fn stats_shards(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(records) = gen::records(&mut u) else {
        return;
    };
    let mut base = TaskStats::new(5);
    if base.add_records(records.as_bytes()).is_err() {
        return;
    }
    let base = canon::parse(&base.to_json())
        .expect("toJSON writes JSON")
        .value;
    let base_totals = totals(&base);
    let mut scales = Vec::new();
    while scales.len() < 4 {
        let Ok(m) = scale(&mut u) else { break };
        scales.push(m);
    }
    let Some(&first) = scales.first() else {
        return;
    };
    let restore = |m: u128| {
        let text = canon::write(&scaled(&base, m));
        let result = TaskStats::from_json(&text);
        // Every count is bounded by a total (see the core's `Agg`): the totals decide.
        let fits = base_totals.iter().all(|&t| t * m <= u128::from(MAX_COUNT));
        match &result {
            Ok(s) => {
                assert!(fits, "fromJSON accepted counts past 2^53 - 1: {text}");
                assert_eq!(without_hours(&s.to_json()), without_hours(&text));
            }
            Err(e) => {
                assert!(
                    !fits,
                    "fromJSON refused counts within 2^53 - 1 ({e}): {text}"
                );
                assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
            }
        }
        result.ok()
    };
    let Some(mut acc) = restore(first) else {
        return;
    };
    let mut held = first;
    for &m in &scales[1..] {
        let Some(shard) = restore(m) else { continue };
        let before = acc.to_json();
        let fits = base_totals
            .iter()
            .all(|&t| t * (held + m) <= u128::from(MAX_COUNT));
        match acc.merge(&shard) {
            Ok(()) => {
                assert!(
                    fits,
                    "merge passed 2^53 - 1: {held} + {m} times {base_totals:?}"
                );
                held += m;
                let want = canon::write(&scaled(&base, held));
                assert_eq!(without_hours(&acc.to_json()), without_hours(&want));
            }
            Err(e) => {
                assert!(!fits, "merge refused counts within 2^53 - 1: {e}");
                assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
                assert_eq!(
                    acc.to_json(),
                    before,
                    "a refused merge changed the aggregate"
                );
            }
        }
    }
    check_stats(&acc, None);
    // Adding the records once more: refused exactly when a total would pass the limit.
    let before = acc.to_json();
    let fits = base_totals
        .iter()
        .all(|&t| t * (held + 1) <= u128::from(MAX_COUNT));
    match acc.add_records(records.as_bytes()) {
        Ok(()) => assert!(fits, "add passed 2^53 - 1"),
        Err(e) => {
            assert!(!fits, "add refused counts within 2^53 - 1: {e}");
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
            assert_eq!(acc.to_json(), before, "refused records were counted");
        }
    }
}

/// A scale factor: small, at and around 2^32, 2^53, 2^63 and 2^64, or any.
fn scale(u: &mut Unstructured) -> arbitrary::Result<u128> {
    const AROUND: [u128; 5] = [1 << 32, 1 << 53, 1 << 63, 1 << 64, 1 << 31];
    Ok(match u.int_in_range(0..=3)? {
        0 => u.int_in_range(1..=4)?,
        1 => {
            let at = *u.choose(&AROUND)?;
            let delta: i8 = u.int_in_range(-2..=2)?;
            at.saturating_add_signed(i128::from(delta)).max(1)
        }
        2 => u128::from(MAX_COUNT) / u.int_in_range(1..=64)?,
        _ => u128::from(u.arbitrary::<u64>()?.max(1)),
    })
}

/// Whether a count at this place of the persisted form scales: every number but `version`,
/// `topN`, the task counts of `tasksPerEmployee` (`[tasks, records]`) and hours (hex strings).
fn scales(path: &[&str]) -> bool {
    !matches!(path, ["version"] | ["topN"] | ["tasksPerEmployee", _, "0"])
}

/// The persisted form `v` with every count multiplied by `m`.
fn scaled(v: &J, m: u128) -> J {
    fn walk(v: &J, m: u128, path: &mut Vec<String>) -> J {
        match v {
            J::Lit(n) => {
                let p: Vec<&str> = path.iter().map(String::as_str).collect();
                match n.parse::<u128>() {
                    Ok(n) if scales(&p) => J::Lit((n * m).to_string()),
                    _ => v.clone(),
                }
            }
            J::Str(_) => v.clone(),
            J::Arr(items) => J::Arr(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        path.push(i.to_string());
                        let out = walk(item, m, path);
                        path.pop();
                        out
                    })
                    .collect(),
            ),
            J::Obj(members) => J::Obj(
                members
                    .iter()
                    .map(|(k, item)| {
                        path.push(k.clone());
                        let out = walk(item, m, path);
                        path.pop();
                        (k.clone(), out)
                    })
                    .collect(),
            ),
        }
    }
    walk(v, m, &mut Vec::new())
}

/// The canonical form of a persisted form without its hours (exact sums, which add up as the
/// shards merge rather than scale).
fn without_hours(text: &str) -> J {
    fn walk(v: &J) -> J {
        match v {
            J::Arr(items) => J::Arr(items.iter().map(walk).collect()),
            J::Obj(members) => J::Obj(
                members
                    .iter()
                    .map(|(k, v)| match k.as_str() {
                        "weeklyHours" => (k.clone(), J::Arr(Vec::new())),
                        _ => (k.clone(), walk(v)),
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    walk(&canon::parse(text).expect("a persisted form is JSON").value)
}

/// The totals every count of a persisted form is bounded by: employees, task assignments
/// (the sum of the state counts) and source events.
fn totals(v: &J) -> [u128; 3] {
    let sum = |key: &str| match v.get(key) {
        Some(J::Obj(m)) => m
            .values()
            .map(|n| match n {
                J::Lit(n) => n.parse::<u128>().expect("a count"),
                _ => panic!("a count"),
            })
            .sum(),
        _ => panic!("{key}"),
    };
    let employees = match v.get("employees") {
        Some(J::Lit(n)) => n.parse().expect("a count"),
        _ => panic!("employees"),
    };
    [employees, sum("validationStates"), sum("sourceEventTypes")]
}

/// The conversions whose output must count as their input counts.
fn conversions() -> Vec<ConvertOptions<'static>> {
    let mut all = vec![ConvertOptions::new(Shape::List)];
    for dims in GROUPINGS {
        all.push(ConvertOptions {
            group_by: dims.to_vec(),
            ..ConvertOptions::new(Shape::Hierarchy)
        });
    }
    all
}

/// Whatever `add` reads (a conversion's output) it must accept, and count as `s` counted.
fn same_stats_as(
    s: &TaskStats,
    add: impl FnOnce(&mut TaskStats) -> task_profiles_core::Result<()>,
    opts: &ConvertOptions,
) {
    let mut c = TaskStats::new(ALL);
    if let Err(e) = add(&mut c) {
        panic!("the statistics refused a conversion ({opts:?}) of what they accept: {e}");
    }
    assert_eq!(
        c.to_json(),
        s.to_json(),
        "the statistics depend on the shape ({opts:?})"
    );
}

/// The `records` of a page as `JSON.parse` then `JSON.stringify` hand them to `TaskStats.add`,
/// emulated with the core's JSON value (which reads as `JSON.parse` does: the last of a repeated
/// key, an unpaired surrogate as U+FFFD, as JS's `JSON.stringify` then the core read it).
/// `None` where the emulation cannot follow JS: a number past the range of a double, which
/// `JSON.parse` reads as Infinity (and `JSON.stringify` writes as null).
pub(crate) fn records_as_js_sees_them(page: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(page).expect("a page reader accepted bytes that are not UTF-8");
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value = match json::from_str(text) {
        Ok(v) => v,
        Err(e) if e.contains("number out of the range of a double") => return None,
        Err(e) => panic!("a page reader accepted a page JSON.parse refuses: {e}"),
    };
    let records = value.as_object().and_then(|o| o.get("records"));
    Some(records.expect("an accepted page has records").to_string())
}

/// What every aggregate satisfies, however it was made: its persisted form reads back
/// byte-identically; the summary's counts agree with each other and stay within 2^53 - 1; the
/// tree of every grouping, and by `taxonomy`, is JSON, and the ungrouped and taxonomy trees hold
/// the employees of the summary's top tasks when those list every task.
pub(crate) fn check_stats(s: &TaskStats, taxonomy: Option<&TaskTaxonomy>) {
    let json = s.to_json();
    let back = TaskStats::from_json(&json)
        .unwrap_or_else(|e| panic!("fromJSON refused what toJSON wrote: {e}\n{json}"));
    assert_eq!(
        back.to_json(),
        json,
        "the persisted form does not read back byte-identically"
    );
    let summary = s.summary();
    assert_eq!(
        back.summary(),
        summary,
        "the summary changed through the persisted form"
    );
    canon::parse(&summary.to_json()).expect("the summary's JSON is JSON");
    check_summary(&summary, s.top_n());
    let mut totals = Vec::new();
    for dims in GROUPINGS {
        let tree = s.tree(TreeBy::Dimensions(dims.to_vec()));
        canon::parse(&tree.to_json()).expect("the tree's JSON is JSON");
        totals.push(tree.total());
    }
    if let Some(taxonomy) = taxonomy {
        let tree: TreeNode = s.tree(TreeBy::Taxonomy(taxonomy));
        canon::parse(&tree.to_json()).expect("the tree's JSON is JSON");
        assert_eq!(
            tree.total(),
            totals[0],
            "the taxonomy tree holds other employees"
        );
    }
    if summary.top_tasks.len() as u64 == summary.distinct_tasks {
        let employees: u64 = summary.top_tasks.iter().map(|t| t.employees).sum();
        assert_eq!(
            employees, totals[0],
            "the tree and the summary count other employees"
        );
    }
}

fn check_summary(s: &Summary, top_n: usize) {
    let within = |n: u64, what: &str| assert!(n <= MAX_COUNT, "{what} {n} is past 2^53 - 1");
    within(s.employees, "employees");
    within(s.tasks, "tasks");
    within(s.rejected_tasks, "rejectedTasks");
    assert!(s.employees_without_tasks <= s.employees);
    let t = &s.tasks_per_employee;
    assert!(
        t.p50 <= t.p90 && t.p90 <= t.max,
        "percentiles out of order: {t:?}"
    );
    let by_state: u64 = s.validation_states.iter().map(|(_, n)| n).sum();
    assert_eq!(s.tasks + s.rejected_tasks, by_state, "tasks by state");
    let rejected = s.validation_states.iter().find(|(k, _)| k == "rejected");
    assert_eq!(rejected.map_or(0, |(_, n)| *n), s.rejected_tasks);
    let by_level: u64 = s.ai_impact.iter().map(|(_, a)| a.tasks).sum();
    assert_eq!(s.tasks, by_level, "tasks by AI impact level");
    assert!(s.weekly_hours.tasks_with_hours <= s.tasks);
    assert_eq!(s.top_tasks.len() as u64, s.distinct_tasks.min(top_n as u64));
    assert_eq!(
        s.top_skills.len() as u64,
        s.distinct_skills.min(top_n as u64)
    );
    for w in s.top_tasks.windows(2) {
        assert!(
            (w[0].employees, &w[1].task_id) >= (w[1].employees, &w[0].task_id),
            "top tasks out of order"
        );
    }
    assert!(s.weekly_hours.total.is_finite() && s.tasks_per_employee.mean.is_finite());
}
