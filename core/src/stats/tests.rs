use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::*;
use crate::error::ErrorKind;
use crate::page::Dimension;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn stats_of_page(body: &[u8]) -> TaskStats {
    let mut s = TaskStats::new(20);
    s.add_page(body).unwrap();
    s
}

const ALL_TREES: [&[Dimension]; 5] = [
    &[],
    &[Dimension::AiImpactLevel],
    &[Dimension::ValidationState],
    &[Dimension::AiImpactLevel, Dimension::ValidationState],
    &[Dimension::ValidationState, Dimension::AiImpactLevel],
];

fn tree_by(s: &TaskStats, dims: &[Dimension]) -> TreeNode {
    s.tree(TreeBy::Dimensions(dims.to_vec()))
}

// ---------------------------------------------------------------- fixtures

#[test]
fn fixture_list_summary_field_by_field() {
    let s = stats_of_page(&fixture("page-list.json")).summary();
    assert_eq!(s.employees, 3);
    assert_eq!(s.employees_without_tasks, 1);
    assert_eq!(s.tasks, 3);
    assert_eq!(s.rejected_tasks, 1);
    assert_eq!(s.distinct_tasks, 3);
    assert_eq!(s.distinct_skills, 3);
    assert_eq!(
        s.tasks_per_employee,
        TasksPerEmployee {
            mean: 1.0,
            p50: 1,
            p90: 2,
            max: 2
        }
    );
    let states: BTreeMap<String, u64> = [("rejected", 1), ("suggested", 1), ("validated", 2)]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    assert_eq!(s.validation_states, states.into_iter().collect::<Vec<_>>());
    let ai = |tasks, weekly_hours| AiImpactStats {
        tasks,
        weekly_hours,
    };
    let levels: BTreeMap<String, AiImpactStats> =
        [("H1", ai(1, 1.5)), ("H2", ai(1, 3.0)), ("H3", ai(1, 0.0))]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
    assert_eq!(s.ai_impact, levels.into_iter().collect::<Vec<_>>());
    assert_eq!(
        s.weekly_hours,
        WeeklyHours {
            total: 4.5,
            tasks_with_hours: 2,
            mean_per_employee: 1.5
        }
    );
    let top = |id: &str, name: &str, h| TopTask {
        task_id: id.into(),
        task: name.into(),
        employees: 1,
        weekly_hours: h,
    };
    assert_eq!(
        s.top_tasks,
        vec![
            top("approve-expense-claims", "Approve expense claims", 0.0),
            top(
                "reconcile-supplier-invoices",
                "Reconcile supplier invoices",
                3.0
            ),
            top("run-weekly-stand-ups", "Run weekly stand-ups", 1.5),
        ]
    );
    let skill = |id: &str, name: &str, tasks| TopSkill {
        skill_id: id.into(),
        skill: name.into(),
        tasks,
        employees: 1,
    };
    assert_eq!(
        s.top_skills,
        vec![
            skill("c41d7a02-8e5f-4b3a-a9d6-0f1e2c3b4a58", "Bookkeeping", 2),
            skill(
                "5e8b1f93-27c4-4d0a-b6e1-9a8f7c6d5e42",
                "Spreadsheet Modelling",
                1
            ),
            skill(
                "f0a2b4c6-d8e1-4f35-8a7c-2b4d6e8f0a13",
                "Meeting Facilitation",
                1
            ),
        ]
    );
    let events: BTreeMap<String, u64> = [("job", 2), ("project", 1)]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    assert_eq!(s.source_event_types, events.into_iter().collect::<Vec<_>>());
}

#[test]
fn fixture_summary_json_is_camel_case() {
    let v = serde_json::to_value(stats_of_page(&fixture("page-list.json")).summary()).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    for k in [
        "employees",
        "employeesWithoutTasks",
        "tasks",
        "rejectedTasks",
        "distinctTasks",
        "distinctSkills",
        "tasksPerEmployee",
        "validationStates",
        "aiImpact",
        "weeklyHours",
        "topTasks",
        "topSkills",
        "sourceEventTypes",
    ] {
        assert!(keys.contains(&k), "{k} missing from {keys:?}");
    }
    assert_eq!(keys.len(), 13);
    assert_eq!(v["weeklyHours"]["meanPerEmployee"], json!(1.5));
    assert_eq!(v["topTasks"][0]["taskId"], json!("approve-expense-claims"));
    assert_eq!(
        v["topSkills"][0]["skillId"],
        json!("c41d7a02-8e5f-4b3a-a9d6-0f1e2c3b4a58")
    );
    assert_eq!(v["aiImpact"]["H2"]["weeklyHours"], json!(3.0));
}

#[test]
fn fixture_hierarchy_equals_list() {
    let list = stats_of_page(&fixture("page-list.json"));
    let hier = stats_of_page(&fixture("page-hierarchy.json"));
    assert_eq!(list.summary(), hier.summary());
    assert_eq!(list.to_json(), hier.to_json());
    for dims in ALL_TREES {
        assert_eq!(tree_by(&list, dims), tree_by(&hier, dims));
    }
}

#[test]
fn fixture_tree_by_level() {
    let s = stats_of_page(&fixture("page-list.json"));
    let t = serde_json::to_value(tree_by(&s, &[Dimension::AiImpactLevel])).unwrap();
    assert_eq!(
        t,
        json!({"name": "All tasks", "children": [
            {"name": "H1", "children": [{"name": "Run weekly stand-ups", "taskId": "run-weekly-stand-ups", "value": 1, "weeklyHours": 1.5}]},
            {"name": "H2", "children": [{"name": "Reconcile supplier invoices", "taskId": "reconcile-supplier-invoices", "value": 1, "weeklyHours": 3.0}]},
            {"name": "H3", "children": [{"name": "Approve expense claims", "taskId": "approve-expense-claims", "value": 1, "weeklyHours": 0.0}]},
        ]})
    );
    let t = serde_json::to_value(tree_by(&s, &[Dimension::ValidationState])).unwrap();
    let names: Vec<&str> = t["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    // Rejected tasks never appear; validated holds two tasks so it comes first.
    assert_eq!(names, ["validated", "suggested"]);
}

// ---------------------------------------------------------------- generated records

const STATES: [&str; 3] = ["validated", "suggested", "rejected"];
const EVENT_TYPES: [&str; 3] = ["project", "job", "course"];

fn task_json(t: &GTask) -> Value {
    let mut o = json!({
        "task_id": format!("t{}", t.id),
        "task": format!("Task {}{}", t.id, if t.alt_name { " (alt)" } else { "" }),
        "validation_state": STATES[t.state as usize],
        "confidence": 0.5,
    });
    if let Some(h) = t.hours {
        o["weekly_hours"] = json!(h);
    }
    if let Some(l) = t.level {
        o["ai_impact"] = json!({"level": format!("H{l}"), "rationale": "because"});
    }
    if let Some(skills) = &t.skills {
        o["linked_skills"] = skills
            .iter()
            .map(|&(id, alt)| json!({"skill_id": format!("s{id}"), "skill": format!("Skill {id}{}", if alt {"*"} else {""})}))
            .collect();
    }
    o["source_events"] = t
        .events
        .iter()
        .map(|&e| json!({"external_id": "x", "event_type": EVENT_TYPES[e as usize]}))
        .collect();
    o
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Wraps tasks in generated groups (with nesting) and as sub-tasks, keeping every task once.
fn nodes(tasks: &[Value], rng: &mut Rng, depth: usize) -> Vec<Value> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tasks.len() {
        let rest = tasks.len() - i;
        match if depth >= 4 { 9 } else { rng.below(6) } {
            0 => {
                let n = 1 + rng.below(rest);
                out.push(json!({"node_id": format!("g{depth}{i}"), "name": "Group", "children": nodes(&tasks[i..i + n], rng, depth + 1)}));
                i += n;
            }
            1 if rest > 1 => {
                let n = 1 + rng.below(rest - 1);
                let mut t = tasks[i].clone();
                t["children"] = Value::Array(nodes(&tasks[i + 1..i + 1 + n], rng, depth + 1));
                out.push(t);
                i += 1 + n;
            }
            2 => out.push(json!({"node_id": "empty", "name": "Empty", "children": []})),
            _ => {
                out.push(tasks[i].clone());
                i += 1;
            }
        }
    }
    out
}

fn record_json(idx: usize, r: &[GTask], hierarchy: Option<&mut Rng>) -> Value {
    let tasks: Vec<Value> = r.iter().map(task_json).collect();
    match hierarchy {
        None => json!({"external_id": format!("e{idx}"), "tasks": tasks}),
        Some(rng) => json!({"external_id": format!("e{idx}"), "hierarchy": nodes(&tasks, rng, 0)}),
    }
}

fn page_json(records: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec(&json!({"has_next": false, "records": records})).unwrap()
}

#[derive(Clone, Debug)]
struct GTask {
    id: u8,
    alt_name: bool,
    state: u8,
    level: Option<u8>,
    hours: Option<f64>,
    skills: Option<Vec<(u8, bool)>>,
    events: Vec<u8>,
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn hours() -> impl Strategy<Value = f64> {
        prop_oneof![
            Just(0.1),
            Just(0.2),
            Just(0.3),
            Just(2.5),
            Just(0.0),
            Just(1e15),
            Just(1e16 + 2.0),
            Just(1e-9),
            (0u32..2000).prop_map(|x| x as f64 / 7.0),
        ]
    }

    fn task() -> impl Strategy<Value = GTask> {
        (
            0u8..8,
            any::<bool>(),
            0u8..3,
            prop::option::of(1u8..4),
            prop::option::of(hours()),
            prop::option::of(prop::collection::vec((0u8..10, any::<bool>()), 0..4)),
            prop::collection::vec(0u8..3, 0..3),
        )
            .prop_map(
                |(id, alt_name, state, level, hours, skills, events)| GTask {
                    id,
                    alt_name,
                    state,
                    level,
                    hours,
                    skills,
                    events,
                },
            )
    }

    fn records() -> impl Strategy<Value = Vec<Vec<GTask>>> {
        prop::collection::vec(prop::collection::vec(task(), 0..7), 0..25)
    }

    fn one_pass(recs: &[Vec<GTask>], top_n: usize) -> TaskStats {
        let mut s = TaskStats::new(top_n);
        let page = page_json(
            recs.iter()
                .enumerate()
                .map(|(i, r)| record_json(i, r, None))
                .collect(),
        );
        s.add_page(&page).unwrap();
        s
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// (a) pages → shards → to_json/from_json → merge in any order equals one pass.
        #[test]
        fn any_split_equals_one_pass(
            recs in records(),
            cuts in prop::collection::vec(any::<usize>(), 0..6),
            shards in prop::collection::vec(0usize..4, 0..30),
            seed in any::<u64>(),
            top_n in 0usize..6,
        ) {
            let reference = one_pass(&recs, top_n);
            let mut rng = Rng(seed);
            // Pages from sorted cut points.
            let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (recs.len() + 1)).collect();
            cuts.push(0);
            cuts.push(recs.len());
            cuts.sort_unstable();
            let mut shard_stats: Vec<TaskStats> = (0..4).map(|_| TaskStats::new(top_n)).collect();
            for (p, w) in cuts.windows(2).enumerate() {
                let shard = &mut shard_stats[shards.get(p).copied().unwrap_or(0)];
                // Each record in a random shape; each page fed one of three ways.
                let values: Vec<Value> = (w[0]..w[1])
                    .map(|i| {
                        let hier = rng.below(2) == 0;
                        let mut r2 = Rng(rng.next());
                        record_json(i, &recs[i], hier.then_some(&mut r2))
                    })
                    .collect();
                match rng.below(3) {
                    0 => shard.add_page(&page_json(values)).unwrap(),
                    1 => shard.add_records(&serde_json::to_vec(&values).unwrap()).unwrap(),
                    _ => {
                        for v in values {
                            shard.add_records(&serde_json::to_vec(&v).unwrap()).unwrap();
                        }
                    }
                }
            }
            let mut shard_stats: Vec<TaskStats> = shard_stats
                .iter()
                .map(|s| TaskStats::from_json(&s.to_json()).unwrap())
                .collect();
            // Shuffle the merge order.
            for i in (1..shard_stats.len()).rev() {
                shard_stats.swap(i, rng.below(i + 1));
            }
            let mut merged = TaskStats::new(top_n);
            for s in &shard_stats {
                merged.merge(s).unwrap();
            }
            prop_assert_eq!(merged.summary(), reference.summary());
            for dims in ALL_TREES {
                prop_assert_eq!(tree_by(&merged, dims), tree_by(&reference, dims));
            }
            prop_assert_eq!(merged.to_json(), reference.to_json());
        }

        /// (b) the same records in hierarchy shape give the same aggregate as in list shape.
        #[test]
        fn hierarchy_equals_list(recs in records(), seed in any::<u64>()) {
            let reference = one_pass(&recs, 5);
            let mut rng = Rng(seed);
            let page = page_json(
                recs.iter().enumerate().map(|(i, r)| record_json(i, r, Some(&mut rng))).collect(),
            );
            let mut s = TaskStats::new(5);
            s.add_page(&page).unwrap();
            prop_assert_eq!(s.summary(), reference.summary());
            prop_assert_eq!(s.to_json(), reference.to_json());
            // The hand-written summary and tree JSON are what serde_json writes.
            let summary = s.summary();
            prop_assert_eq!(summary.to_json(), serde_json::to_string(&summary).unwrap());
            for dims in ALL_TREES {
                let t = tree_by(&s, dims);
                prop_assert_eq!(t.to_json(), serde_json::to_string(&t).unwrap());
            }
        }

        /// Never panics, whatever the bytes; errors are InvalidInput and leave stats unchanged.
        #[test]
        fn garbage_is_an_error_not_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let mut s = stats_of_page(&fixture("page-list.json"));
            let before = s.to_json();
            if let Err(e) = s.add_page(&bytes) {
                prop_assert_eq!(e.kind, ErrorKind::InvalidInput);
                prop_assert_eq!(s.to_json(), before.clone());
            }
            if let Err(e) = s.add_records(&bytes) {
                prop_assert_eq!(e.kind, ErrorKind::InvalidInput);
                prop_assert_eq!(s.to_json(), before);
            }
            let _ = TaskStats::from_json(&String::from_utf8_lossy(&bytes));
        }

        /// A corrupted fixture page either parses or fails cleanly.
        #[test]
        fn mutated_pages_never_panic(pos in any::<usize>(), byte in any::<u8>(), cut in any::<bool>()) {
            let mut body = fixture("page-hierarchy.json");
            let pos = pos % body.len();
            if cut { body.truncate(pos) } else { body[pos] = byte }
            let mut s = TaskStats::new(3);
            if s.add_page(&body).is_err() {
                prop_assert_eq!(s.summary().employees, 0);
            }
        }
    }
}

// ---------------------------------------------------------------- names, top N, ties

fn rec(tasks: &[(&str, &str, &[&str])]) -> Value {
    json!({"external_id": "e", "tasks": tasks.iter().map(|(id, name, skills)| json!({
        "task_id": id, "task": name, "validation_state": "validated",
        "linked_skills": skills.iter().map(|s| json!({"skill_id": s, "skill": s.to_uppercase()})).collect::<Vec<_>>(),
    })).collect::<Vec<_>>()})
}

fn add(s: &mut TaskStats, v: &Value) {
    s.add_records(&serde_json::to_vec(v).unwrap()).unwrap();
}

#[test]
fn top_n_cut_and_tie_order() {
    let mut s = TaskStats::new(3);
    add(
        &mut s,
        &json!([
            rec(&[("b", "B", &["x", "y"]), ("a", "A", &["y"]), ("c", "C", &[])]),
            rec(&[("b", "B", &["y", "z"]), ("d", "D", &["z"]), ("c", "C", &[])]),
            rec(&[("e", "E", &["w"]), ("e", "E", &["w"])]),
        ]),
    );
    let sum = s.summary();
    let ids: Vec<&str> = sum.top_tasks.iter().map(|t| t.task_id.as_str()).collect();
    // b and c on 2 employees (id asc), then a, d, e on 1: cut at 3.
    assert_eq!(ids, ["b", "c", "a"]);
    // y: 3 tasks 2 employees; z: 2 tasks 1 employee... by employees desc, tasks desc, id asc.
    let skills: Vec<(&str, u64, u64)> = sum
        .top_skills
        .iter()
        .map(|t| (t.skill_id.as_str(), t.employees, t.tasks))
        .collect();
    assert_eq!(skills, [("y", 2, 3), ("w", 1, 2), ("z", 1, 2)]);
    // A task twice in a record: two assignments, one employee.
    let e = s.tree(TreeBy::Dimensions(vec![]));
    let TreeNode::Group { children, .. } = &e else {
        panic!("root is a group")
    };
    let leaf_e = children
        .iter()
        .find(|c| matches!(c, TreeNode::Leaf { task_id, .. } if task_id == "e"))
        .unwrap();
    assert_eq!(leaf_e.total(), 1);
    assert_eq!(sum.tasks, 8);
    assert_eq!(sum.distinct_tasks, 5);
    assert!(TaskStats::new(0).summary().top_tasks.is_empty());
    let mut zero = TaskStats::new(0);
    zero.merge(&s).unwrap();
    assert!(zero.summary().top_skills.is_empty());
}

#[test]
fn name_is_the_smallest_seen_in_any_order() {
    let r1 = rec(&[("t", "Zeta", &["s"])]);
    let r2 = rec(&[("t", "Alpha", &["s"])]);
    let mut a = TaskStats::new(5);
    add(&mut a, &r1);
    add(&mut a, &r2);
    let mut b = TaskStats::new(5);
    add(&mut b, &r2);
    let mut c = TaskStats::new(5);
    add(&mut c, &r1);
    c.merge(&b).unwrap();
    for s in [a.summary(), c.summary()] {
        assert_eq!(s.top_tasks[0].task, "Alpha");
    }
}

#[test]
fn empty_stats() {
    let s = TaskStats::default();
    let sum = s.summary();
    assert_eq!(sum.employees, 0);
    assert_eq!(
        sum.tasks_per_employee,
        TasksPerEmployee {
            mean: 0.0,
            p50: 0,
            p90: 0,
            max: 0
        }
    );
    assert_eq!(sum.weekly_hours.mean_per_employee, 0.0);
    assert_eq!(
        serde_json::to_value(s.tree(TreeBy::Dimensions(vec![]))).unwrap(),
        json!({"name": "All tasks", "children": []})
    );
    let back = TaskStats::from_json(&s.to_json()).unwrap();
    assert_eq!(back.to_json(), s.to_json());
}

#[test]
fn percentiles_are_nearest_rank() {
    let mut s = TaskStats::new(1);
    // Task counts 0..=9 over ten employees.
    let recs: Vec<Value> = (0..10)
        .map(|n| {
            let tasks: Vec<(String, String, &[&str])> = (0..n)
                .map(|k| (format!("t{k}"), format!("T{k}"), &[][..]))
                .collect();
            let refs: Vec<(&str, &str, &[&str])> = tasks
                .iter()
                .map(|(a, b, c)| (a.as_str(), b.as_str(), *c))
                .collect();
            rec(&refs)
        })
        .collect();
    add(&mut s, &Value::Array(recs));
    let t = s.summary().tasks_per_employee;
    assert_eq!((t.p50, t.p90, t.max), (4, 8, 9));
    assert_eq!(t.mean, 4.5);
}

// ---------------------------------------------------------------- tree

struct Placement;
impl TaskPlacement for Placement {
    fn path_names(&self, task_id: &str) -> Option<Vec<String>> {
        match task_id {
            "reconcile-supplier-invoices" | "approve-expense-claims" => {
                Some(vec!["Finance operations".into(), "Accounts payable".into()])
            }
            "run-weekly-stand-ups" => Some(vec!["Team leadership".into()]),
            _ => None,
        }
    }
}

#[test]
fn tree_by_taxonomy() {
    let mut s = stats_of_page(&fixture("page-list.json"));
    add(&mut s, &rec(&[("unplaced", "Unplaced", &[])]));
    let t = serde_json::to_value(s.tree(TreeBy::Taxonomy(&Placement))).unwrap();
    assert_eq!(
        t,
        json!({"name": "All tasks", "children": [
            {"name": "Finance operations", "children": [
                {"name": "Accounts payable", "children": [
                    {"name": "Approve expense claims", "taskId": "approve-expense-claims", "value": 1, "weeklyHours": 0.0},
                    {"name": "Reconcile supplier invoices", "taskId": "reconcile-supplier-invoices", "value": 1, "weeklyHours": 3.0},
                ]},
            ]},
            {"name": "Team leadership", "children": [
                {"name": "Run weekly stand-ups", "taskId": "run-weekly-stand-ups", "value": 1, "weeklyHours": 1.5},
            ]},
            {"name": "Unplaced", "taskId": "unplaced", "value": 1, "weeklyHours": 0.0},
        ]})
    );
}

#[test]
fn tree_counts_distinct_employees_per_dimension() {
    // One record holds task t as H1/validated and H2/validated: one employee for t and for
    // "validated", one for each level.
    let mut s = TaskStats::new(5);
    add(
        &mut s,
        &json!({"external_id": "e", "tasks": [
            {"task_id": "t", "task": "T", "validation_state": "validated", "ai_impact": {"level": "H1"}, "weekly_hours": 1},
            {"task_id": "t", "task": "T", "validation_state": "validated", "ai_impact": {"level": "H2"}, "weekly_hours": 2},
            {"task_id": "t", "task": "T", "validation_state": "suggested"},
        ]}),
    );
    let by_state = tree_by(&s, &[Dimension::ValidationState]);
    let by_level = tree_by(&s, &[Dimension::AiImpactLevel]);
    let flat = tree_by(&s, &[]);
    assert_eq!(by_state.total(), 2);
    assert_eq!(by_level.total(), 3);
    assert_eq!(flat.total(), 1);
    let v = serde_json::to_value(&by_state).unwrap();
    assert_eq!(v["children"][0]["name"], json!("suggested"));
    assert_eq!(v["children"][1]["children"][0]["weeklyHours"], json!(3.0));
    assert_eq!(
        serde_json::to_value(&by_level).unwrap()["children"][2]["name"],
        json!("unknown")
    );
}

#[test]
fn dimension_parse() {
    assert_eq!(
        Dimension::parse("by", "ai_impact_level").unwrap(),
        Dimension::AiImpactLevel
    );
    assert_eq!(
        Dimension::parse("by", Dimension::ValidationState.as_str()).unwrap(),
        Dimension::ValidationState
    );
    assert_eq!(
        Dimension::parse("by", "skill").unwrap_err().kind,
        ErrorKind::InvalidParams
    );
}

// ---------------------------------------------------------------- invalid input

fn expect_invalid(page: bool, input: &str, path: &str, problem: &str) {
    let mut s = stats_of_page(&fixture("page-list.json"));
    let before = s.to_json();
    let e = if page {
        s.add_page(input.as_bytes())
    } else {
        s.add_records(input.as_bytes())
    }
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput, "{input}: {e}");
    assert!(
        e.message.starts_with(&format!("{path}: ")),
        "{input}: expected path {path}, got {e}"
    );
    assert!(
        e.message.contains(problem),
        "{input}: expected {problem:?} in {e}"
    );
    assert_eq!(s.to_json(), before, "{input}: stats changed");
}

const T: &str = r#""task_id":"t","task":"T","validation_state":"validated""#;

#[test]
fn invalid_pages_name_the_place() {
    let cases: Vec<(String, &str, &str)> = vec![
        ("<html>".into(), "page", "invalid JSON: expected a value"),
        ("not json".into(), "page", "invalid JSON: expected a value"),
        ("".into(), "page", "invalid JSON: the input ends"),
        ("[]".into(), "page", "expected an object, found an array"),
        (
            r#"{"has_next":false}"#.into(),
            "page",
            "missing \"records\"",
        ),
        (
            r#"{"records":{}}"#.into(),
            "records",
            "expected an array, found an object",
        ),
        (
            r#"{"records":[],"records":{}}"#.into(),
            "records",
            "expected an array, found an object",
        ),
        (
            r#"{"records":[]} x"#.into(),
            "page",
            "invalid JSON: unexpected text after the value",
        ),
        (
            r#"{"records":[5]}"#.into(),
            "records[0]",
            "expected an object, found a number",
        ),
        (
            r#"{"records":[{"external_id":"e"}]}"#.into(),
            "records[0]",
            "record has neither \"tasks\" nor \"hierarchy\"",
        ),
        (
            r#"{"records":[{"records":[]}]}"#.into(),
            "records[0]",
            "found a page",
        ),
        (
            r#"{"records":[{"tasks":[],"hierarchy":[]}]}"#.into(),
            "records[0]",
            "record has both \"tasks\" and \"hierarchy\"",
        ),
        (
            r#"{"records":[{"tasks":{}}]}"#.into(),
            "records[0].tasks",
            "expected an array, found an object",
        ),
        (
            r#"{"records":[{"tasks":[{"task":"T","validation_state":"v"}]}]}"#.into(),
            "records[0].tasks[0]",
            "a task needs \"task_id\"",
        ),
        (
            r#"{"records":[{"tasks":[{"task_id":"t","validation_state":"v"}]}]}"#.into(),
            "records[0].tasks[0]",
            "a task needs \"task\"",
        ),
        (
            r#"{"records":[{"tasks":[{"task_id":"t","task":"T"}]}]}"#.into(),
            "records[0].tasks[0]",
            "a task needs \"validation_state\"",
        ),
        (
            format!(r#"{{"records":[{{"tasks":[]}},{{"tasks":[{{{T},"weekly_hours":"5"}}]}}]}}"#),
            "records[1].tasks[0].weekly_hours",
            "expected a number",
        ),
        (
            format!(r#"{{"records":[{{"tasks":[{{{T},"weekly_hours":1e200}}]}}]}}"#),
            "records[0].tasks[0].weekly_hours",
            "from 0 to 1e100",
        ),
        (
            r#"{"records":[{"tasks":[{"task_id":"t","task":"T","validation_state":"pending"}]}]}"#.into(),
            "records[0].tasks[0].validation_state",
            "expected \"validated\", \"suggested\" or \"rejected\"",
        ),
        (
            r#"{"records":[{"hierarchy":[{"children":[{"task_id":"t","task":"T","validation_state":""}]}]}]}"#.into(),
            "records[0].hierarchy[0].children[0].validation_state",
            "expected \"validated\", \"suggested\" or \"rejected\"",
        ),
        (
            format!(r#"{{"records":[{{"tasks":[{{{T},"weekly_hours":-2.5}}]}}]}}"#),
            "records[0].tasks[0].weekly_hours",
            "found a negative number",
        ),
        (
            r#"{"records":[{"tasks":[{"task_id":5,"task":"T","validation_state":"v"}]}]}"#.into(),
            "records[0].tasks[0].task_id",
            "expected a string",
        ),
        (
            format!(r#"{{"records":[{{"tasks":[{{{T},"linked_skills":{{}}}}]}}]}}"#),
            "records[0].tasks[0].linked_skills",
            "expected an array or null, found an object",
        ),
        (
            format!(r#"{{"records":[{{"tasks":[{{{T},"linked_skills":[{{"skill":"S"}}]}}]}}]}}"#),
            "records[0].tasks[0].linked_skills[0]",
            "a linked skill needs \"skill_id\"",
        ),
        (
            format!(
                r#"{{"records":[{{"tasks":[{{{T},"linked_skills":[{{"skill_id":"s"}}]}}]}}]}}"#
            ),
            "records[0].tasks[0].linked_skills[0]",
            "a linked skill needs \"skill\"",
        ),
        (
            format!(
                r#"{{"records":[{{"tasks":[{{{T},"source_events":[{{"external_id":"x"}}]}}]}}]}}"#
            ),
            "records[0].tasks[0].source_events[0]",
            "a source event needs \"event_type\"",
        ),
        (
            format!(
                r#"{{"records":[{{"tasks":[{{{T},"source_events":[{{"event_type":3}}]}}]}}]}}"#
            ),
            "records[0].tasks[0].source_events[0].event_type",
            "expected a string",
        ),
        (
            format!(r#"{{"records":[{{"tasks":[{{{T},"ai_impact":"high"}}]}}]}}"#),
            "records[0].tasks[0].ai_impact",
            "expected an object or null, found a string",
        ),
        (
            format!(r#"{{"records":[{{"tasks":[{{{T},"ai_impact":{{"level":1}}}}]}}]}}"#),
            "records[0].tasks[0].ai_impact.level",
            "expected a string",
        ),
        (
            r#"{"records":[{"hierarchy":[{"node_id":"g","name":"G"}]}]}"#.into(),
            "records[0].hierarchy[0]",
            "\"children\" (a group node)",
        ),
        (
            r#"{"records":[{"hierarchy":[{"node_id":"g","children":[{"task":"T"}]}]}]}"#.into(),
            "records[0].hierarchy[0].children[0]",
            "a task needs \"task_id\"",
        ),
        (
            format!(
                r#"{{"records":[{{"hierarchy":[{{"children":[{{{T}}},{{"children":[{{{T},"children":[{{{T},"weekly_hours":true}}]}}]}}]}}]}}]}}"#
            ),
            "records[0].hierarchy[0].children[1].children[0].children[0].weekly_hours",
            "expected a number",
        ),
        (
            r#"{"records":[{"hierarchy":[{"children":5}]}]}"#.into(),
            "records[0].hierarchy[0].children",
            "expected an array, found a number",
        ),
        (
            format!(r#"{{"records":[{{"tasks":[{{{T}}}]}},{{"tasks":[{{{T},"#),
            "records[1].tasks[0]",
            "invalid JSON: the input ends inside an object",
        ),
        (
            "{\"records\":[{\"tasks\":[{\"task_id\":\"\u{1}\"}]}]}".into(),
            "records[0].tasks[0].task_id",
            "invalid JSON: unescaped control character",
        ),
    ];
    for (input, path, problem) in &cases {
        expect_invalid(true, input, path, problem);
    }
    // Invalid UTF-8 inside a string.
    let mut s = TaskStats::new(1);
    let e = s
        .add_page(b"{\"records\":[{\"tasks\":[{\"task_id\":\"\xff\"}]}]}")
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(
        e.message.starts_with("records[0].tasks[0].task_id: "),
        "{e}"
    );
}

#[test]
fn invalid_records_name_the_place() {
    expect_invalid(
        false,
        "5",
        "record",
        "expected a record object or an array of records, found a number",
    );
    expect_invalid(
        false,
        r#"{"tasks":[{}]}"#,
        "record.tasks[0]",
        "a task needs \"task_id\"",
    );
    expect_invalid(
        false,
        &format!(r#"[{{"tasks":[]}},{{"hierarchy":[{{{T},"linked_skills":3}}]}}]"#),
        "records[1].hierarchy[0].linked_skills",
        "expected an array or null, found a number",
    );
    expect_invalid(false, r#"{"records":[]}"#, "record", "found a page");
    // A valid record after an invalid one must not be counted either.
    expect_invalid(
        false,
        &format!(r#"[{{"tasks":[{{{T}}}]}},{{"tasks":[{{"task_id":"t"}}]}}]"#),
        "records[1].tasks[0]",
        "a task needs \"task\"",
    );
}

#[test]
fn lenient_where_the_contract_allows() {
    // Unknown fields anywhere, nulls for optional attributes, escaped strings, integer hours.
    let mut s = TaskStats::new(5);
    s.add_records(
        br#"[{"external_id":"e","extra":{"a":[1,2]},"tasks":[{"task_id":"t\u0031","task":"T\"1","validation_state":"validated",
            "weekly_hours":null,"ai_impact":null,"linked_skills":null,"source_events":null,"children":[{"x":1}],"new_field":[null]}]},
            {"hierarchy":[{"task_id":"t1","task":"T","validation_state":"validated","weekly_hours":3,"ai_impact":{"rationale":"r"}}]}]"#,
    )
    .unwrap();
    let sum = s.summary();
    assert_eq!(sum.distinct_tasks, 1);
    assert_eq!(sum.top_tasks[0].task_id, "t1");
    assert_eq!(sum.top_tasks[0].task, "T");
    assert_eq!(sum.top_tasks[0].employees, 2);
    assert_eq!(sum.weekly_hours.total, 3.0);
    assert_eq!(sum.weekly_hours.tasks_with_hours, 1);
    let unknown = sum.ai_impact.iter().find(|(level, _)| level == "unknown");
    assert_eq!(unknown.map(|(_, s)| s.tasks), Some(2));
}

// ---------------------------------------------------------------- persistence

#[test]
fn to_json_round_trips() {
    let s = stats_of_page(&fixture("page-hierarchy.json"));
    let j = s.to_json();
    let back = TaskStats::from_json(&j).unwrap();
    assert_eq!(back.to_json(), j);
    assert_eq!(back.summary(), s.summary());
    assert_eq!(back.top_n(), 20);
    let v: Value = serde_json::from_str(&j).unwrap();
    assert_eq!(v["version"], json!(1));
    assert_eq!(v["format"], json!("task-profiles/task-stats"));
}

#[test]
fn from_json_rejects_bad_input() {
    let good: Value =
        serde_json::from_str(&stats_of_page(&fixture("page-list.json")).to_json()).unwrap();
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        f(&mut v);
        v.to_string()
    };
    let cases: Vec<(String, &str, &str)> = vec![
        (
            "nope".into(),
            "stats",
            "invalid JSON: expected a value at line 1 column 1",
        ),
        ("[1]".into(), "stats", "expected a JSON object"),
        (
            with(&|v| v["version"] = json!(2)),
            "stats.version",
            "unsupported version 2",
        ),
        (
            with(&|v| v["version"] = json!("1")),
            "stats.version",
            "unsupported version",
        ),
        (
            with(&|v| {
                v.as_object_mut().unwrap().remove("version");
            }),
            "stats.version",
            "missing",
        ),
        (
            with(&|v| v["format"] = json!("other")),
            "stats.format",
            "expected",
        ),
        (
            with(&|v| {
                v.as_object_mut().unwrap().remove("format");
            }),
            "stats.format",
            "missing",
        ),
        (
            with(&|v| {
                v.as_object_mut().unwrap().remove("tasks");
            }),
            "stats",
            "missing \"tasks\"",
        ),
        (
            with(&|v| v["extra"] = json!(1)),
            "stats",
            "unknown member \"extra\"",
        ),
        (
            with(&|v| v["employees"] = json!(4)),
            "stats.employees",
            "does not match",
        ),
        (
            with(&|v| v["tasks"][1]["taskId"] = v["tasks"][0]["taskId"].clone()),
            "stats.tasks[1].taskId",
            "duplicate",
        ),
        (
            with(&|v| v["tasks"][0]["cells"][0]["weeklyHours"] = json!(["zz"])),
            "stats.tasks[0].cells[0].weeklyHours[0]",
            "hex",
        ),
        (
            with(&|v| v["tasks"][0]["cells"][0]["weeklyHours"] = json!(["7ff0000000000000"])),
            "stats.tasks[0].cells[0].weeklyHours[0]",
            "finite",
        ),
        (
            with(&|v| v["tasks"][0]["cells"][0]["employees"] = json!(0)),
            "stats.tasks[0].cells[0]",
            "employees",
        ),
        (
            with(&|v| v["tasks"][0]["cells"][0]["state"] = json!("rejected")),
            "stats.tasks[0].cells[0]",
            "rejected",
        ),
        (
            with(&|v| v["tasks"][0]["employees"] = json!(-1)),
            "stats.tasks[0].employees",
            "expected a non-negative integer, found -1",
        ),
        (
            with(&|v| v["skills"][0]["employees"] = json!(9)),
            "stats.skills[0]",
            "employees <= tasks",
        ),
        (
            with(&|v| v["tasksPerEmployee"] = json!([[2, 1], [1, 2]])),
            "stats.tasksPerEmployee[1]",
            "ascending",
        ),
    ];
    for (input, path, problem) in &cases {
        let e = TaskStats::from_json(input).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert!(
            e.message.starts_with(&format!("{path}: ")) && e.message.contains(problem),
            "expected {path}: …{problem}…, got {e}"
        );
    }
}

#[test]
fn checked_page_reads_the_envelope_in_the_same_pass_and_counts_only_accepted_pages() {
    use crate::page::{read_page, Field, PageEnvelope};
    for name in ["page-list.json", "page-hierarchy.json"] {
        let body = fixture(name);
        let expected = read_page(&body, ErrorKind::Protocol).unwrap();
        let mut s = TaskStats::default();
        let seen = s.add_checked_page(&body, |e: PageEnvelope| Ok(e)).unwrap();
        assert_eq!(seen, expected);
        assert_eq!(s.to_json(), stats_of_page(&body).to_json());
        let refused = s.add_checked_page(&body, |_| -> crate::Result<()> {
            Err(crate::Error::protocol("refused"))
        });
        assert!(refused.is_err());
        assert_eq!(
            s.to_json(),
            stats_of_page(&body).to_json(),
            "a refused page is not counted"
        );
    }
    // A member of the wrong type is refused as every page reader refuses it: from the server
    // (checked pages) it breaks the contract, from the caller it is the caller's mistake.
    let mut s = TaskStats::new(5);
    let wrong = br#"{"has_next":"yes","next_starting_after":5,"records":[]}"#;
    let e = s
        .add_checked_page(wrong, |e: PageEnvelope| Ok(e))
        .unwrap_err();
    assert_eq!(e, read_page(wrong, ErrorKind::Protocol).unwrap_err());
    assert_eq!(e.message, "has_next: expected a boolean, found a string");
    assert_eq!(s.add_page(wrong).unwrap_err().kind, ErrorKind::InvalidInput);
    let e = s
        .add_checked_page(br#"{"records":[],"has_next":true}"#, |e: PageEnvelope| {
            Ok(e)
        })
        .unwrap();
    assert_eq!(e.next_starting_after, Field::Missing);
}
