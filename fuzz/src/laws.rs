//! The laws of the shape conversions (`docs/contract.md`, "The laws"), checked on whatever
//! records meet their conditions, and the pass-through rules every conversion keeps.

use std::collections::{BTreeMap, BTreeSet};

use task_profiles_core::page::{Dimension, Shape};
use task_profiles_core::shape::{convert_records, ConvertOptions, TaskTaxonomy};

use crate::canon::{self, J};

/// The shape a record is in: `tasks` (list) or `hierarchy`, not both; `None` otherwise.
pub fn shape_of(record: &J) -> Option<Shape> {
    match (record.get("tasks"), record.get("hierarchy")) {
        (Some(J::Arr(_)), None) => Some(Shape::List),
        (None, Some(J::Arr(_))) => Some(Shape::Hierarchy),
        _ => None,
    }
}

/// Whether a hierarchy record meets the conditions of laws 1 and 2: its task ids are unique,
/// sibling groups have distinct `node_id`s, and task nodes carry no `path` of their own (with
/// well-formed nodes: a task node has a string `task_id` and an array `children`, if any; a
/// group node a string `node_id` and an array `children`).
pub fn meets_hierarchy_law_conditions(record: &J) -> bool {
    fn nodes_ok(nodes: &[J], ids: &mut BTreeSet<String>) -> bool {
        let mut groups = BTreeSet::new();
        nodes.iter().all(|node| {
            let children = match node.get("children") {
                None => &[][..],
                Some(J::Arr(children)) => children,
                Some(_) => return false,
            };
            let placed = match node.get("task_id") {
                Some(J::Str(id)) => node.get("path").is_none() && ids.insert(id.clone()),
                Some(_) => false,
                None => match node.get("node_id") {
                    Some(J::Str(id)) => node.get("children").is_some() && groups.insert(id.clone()),
                    _ => false,
                },
            };
            placed && nodes_ok(children, ids)
        })
    }
    match record.get("hierarchy") {
        Some(J::Arr(nodes)) if shape_of(record) == Some(Shape::Hierarchy) => {
            nodes_ok(nodes, &mut BTreeSet::new())
        }
        _ => false,
    }
}

/// Whether each task id of `records` (hierarchy records) sits under the same ancestors, group
/// objects and all, wherever it appears. Law 2 needs it beyond "no conflicts": a taxonomy
/// compares places by `node_id`s and parent `task_id`s and keeps the group objects of a task's
/// first place, so a group that another record names otherwise comes back with the first name.
pub fn places_agree(records: &[J]) -> bool {
    fn walk(nodes: &[J], path: &mut Vec<J>, seen: &mut BTreeMap<String, Vec<J>>) -> bool {
        nodes.iter().all(|node| {
            let J::Obj(members) = node else { return true };
            let entry = match members.get("task_id") {
                Some(J::Str(id)) => {
                    if seen.entry(id.clone()).or_insert_with(|| path.clone()) != path {
                        return false;
                    }
                    J::Obj([("task_id".to_owned(), J::Str(id.clone()))].into())
                }
                _ => {
                    let mut group = members.clone();
                    group.remove("children");
                    J::Obj(group)
                }
            };
            let children = node.get("children").and_then(J::as_arr).unwrap_or_default();
            path.push(entry);
            let agree = walk(children, path, seen);
            path.pop();
            agree
        })
    }
    let mut seen = BTreeMap::new();
    records.iter().all(|r| {
        let nodes = r.get("hierarchy").and_then(J::as_arr).unwrap_or_default();
        walk(nodes, &mut Vec::new(), &mut seen)
    })
}

/// Whether a list record meets the conditions of law 3: its task ids are unique, and its tasks
/// are objects with a string `task_id` and no `children` but an empty one.
pub fn meets_list_law_conditions(record: &J) -> bool {
    let Some(J::Arr(tasks)) = record.get("tasks") else {
        return false;
    };
    let mut ids = BTreeSet::new();
    shape_of(record) == Some(Shape::List)
        && tasks.iter().all(|t| {
            let children_ok = match t.get("children") {
                None => true,
                Some(J::Arr(c)) => c.is_empty(),
                Some(_) => false,
            };
            matches!(t, J::Obj(_))
                && children_ok
                && t.get("task_id")
                    .and_then(J::as_str)
                    .is_some_and(|id| ids.insert(id.to_owned()))
        })
}

/// `nodes` as the round trip through the list shape gives them back (`H⁻`): without the groups
/// that hold no task, and without a task's `children` that held only such groups.
pub fn without_taskless_groups(nodes: &[J]) -> Vec<J> {
    let mut kept = Vec::new();
    for node in nodes {
        let J::Obj(members) = node else {
            kept.push(node.clone());
            continue;
        };
        let mut members = members.clone();
        let is_task = members.contains_key("task_id");
        if let Some(J::Arr(children)) = members.get("children").cloned() {
            let pruned = without_taskless_groups(&children);
            if !is_task && pruned.is_empty() {
                continue;
            }
            if is_task && pruned.is_empty() && !children.is_empty() {
                members.remove("children");
            } else {
                members.insert("children".into(), J::Arr(pruned));
            }
        }
        kept.push(J::Obj(members));
    }
    kept
}

/// Records with [`without_taskless_groups`] applied to each `hierarchy`.
pub fn round_trip_of(records: &[J]) -> J {
    J::Arr(
        records
            .iter()
            .map(|r| match r {
                J::Obj(m) => {
                    let mut m = m.clone();
                    if let Some(J::Arr(h)) = m.get("hierarchy").cloned() {
                        m.insert("hierarchy".into(), J::Arr(without_taskless_groups(&h)));
                    }
                    J::Obj(m)
                }
                other => other.clone(),
            })
            .collect(),
    )
}

/// Converts records the converter wrote itself, which it must read back.
pub fn reconvert(json: &[u8], opts: &ConvertOptions) -> Vec<u8> {
    convert_records(json, opts).unwrap_or_else(|e| {
        panic!(
            "the converter refused its own output ({e}):\n{}",
            String::from_utf8_lossy(json)
        )
    })
}

/// The canonical form of JSON text the core wrote, which must be JSON.
pub fn canon_of(json: &[u8]) -> J {
    match canon::parse_bytes(json) {
        Some(p) => p.value,
        None => panic!(
            "the core wrote text that is not JSON:\n{}",
            String::from_utf8_lossy(json)
        ),
    }
}

/// A taxonomy learned from `json`, or `None` when it cannot learn from it.
pub fn learned(json: &[u8]) -> Option<TaskTaxonomy> {
    let mut t = TaskTaxonomy::new();
    t.learn_json(json).ok().map(|()| t)
}

fn list(keep_path: bool) -> ConvertOptions<'static> {
    ConvertOptions {
        keep_path,
        ..ConvertOptions::new(Shape::List)
    }
}

/// Pass-through: converting records to the shape they are already in gives them back (member
/// order and whitespace aside), unless `group_by` regroups a hierarchy. `records` is the
/// canonical form of `input`, an array of records; `out` what `opts` made of it.
pub fn check_pass_through(records: &[J], out: &J, opts: &ConvertOptions) {
    let Some(out) = out.as_arr() else {
        panic!("converted records are not an array: {out:?}")
    };
    assert_eq!(records.len(), out.len(), "records dropped or added");
    for (r, o) in records.iter().zip(out) {
        let untouched = match shape_of(r) {
            Some(Shape::List) => opts.to == Shape::List,
            Some(Shape::Hierarchy) => opts.to == Shape::Hierarchy && opts.group_by.is_empty(),
            None => false,
        };
        if untouched {
            assert_eq!(
                canon::write(r),
                canon::write(o),
                "a record in the target shape changed"
            );
        }
    }
}

/// Laws 1 and 2 for `h`, an array of hierarchy records (JSON text) all meeting the conditions,
/// `records` its canonical form.
pub fn check_hierarchy_laws(h: &[u8], records: &[J]) {
    let want = round_trip_of(records);
    let hierarchy = ConvertOptions::new(Shape::Hierarchy);
    // Law 1: through the list shape with paths and back.
    let Ok(l) = convert_records(h, &list(true)) else {
        return;
    };
    let back = canon_of(&reconvert(&l, &hierarchy));
    assert_eq!(canon::write(&back), canon::write(&want), "law 1");
    // Learning from the paths equals learning from the tree.
    let Some(tax) = learned(h) else {
        return;
    };
    let from_paths =
        learned(&l).expect("a taxonomy learns from the list shape it learns from as a tree");
    assert_eq!(from_paths.to_json(), tax.to_json(), "learned from paths");
    // Law 2: through the list shape without paths, placed back by the learned taxonomy, also
    // after its persisted form round trip; a hierarchy passes through it unchanged.
    if tax.conflicts() > 0 || !places_agree(records) {
        return;
    }
    let l_plain = reconvert(h, &list(false));
    let restored = TaskTaxonomy::from_json(&tax.to_json()).expect("a taxonomy reads its own JSON");
    for t in [&tax, &restored] {
        let by_taxonomy = ConvertOptions {
            taxonomy: Some(t),
            ..ConvertOptions::new(Shape::Hierarchy)
        };
        let back = canon_of(&reconvert(&l_plain, &by_taxonomy));
        assert_eq!(canon::write(&back), canon::write(&want), "law 2");
        let same = canon_of(&reconvert(h, &by_taxonomy));
        assert_eq!(
            canon::write(&same),
            canon::write(&J::Arr(records.to_vec())),
            "a hierarchy is not moved by a taxonomy"
        );
    }
}

/// Law 3 for `l`, an array of list records (JSON text) all meeting the conditions, `records` its
/// canonical form: to hierarchy with `opts` and back to list gives each record's tasks back,
/// every field unchanged (but a `path` used for placing, and the `children` of a task that
/// became a parent), none dropped or duplicated, in order within each place.
pub fn check_list_law(l: &[u8], records: &[J], opts: &ConvertOptions) {
    let Ok(h) = convert_records(l, opts) else {
        return;
    };
    let back = canon_of(&reconvert(&h, &list(false)));
    let placed = canon_of(&reconvert(&h, &list(true)));
    let (Some(back), Some(placed)) = (back.as_arr(), placed.as_arr()) else {
        panic!("converted records are not an array")
    };
    assert_eq!(back.len(), records.len(), "records dropped or added");
    for ((record, after), placed) in records.iter().zip(back).zip(placed) {
        let tasks = |r: &J| r.get("tasks").and_then(J::as_arr).map(<[J]>::to_vec);
        let (Some(before), Some(after), Some(placed)) =
            (tasks(record), tasks(after), tasks(placed))
        else {
            panic!("a list record came back without tasks: {after:?}")
        };
        let parents: BTreeSet<&J> = placed
            .iter()
            .filter_map(|t| t.get("path").and_then(J::as_arr))
            .flatten()
            .filter_map(|e| e.get("task_id"))
            .collect();
        let before: Vec<J> = before
            .iter()
            .map(|t| {
                let J::Obj(m) = t else { return t.clone() };
                let mut m = m.clone();
                if parents.contains(&m["task_id"]) {
                    m.remove("children");
                }
                if opts.group_by.is_empty() {
                    // Placed by its path, which the hierarchy then holds.
                    m.remove("path");
                }
                J::Obj(m)
            })
            .collect();
        let (mut b, mut a) = (before.clone(), after.clone());
        b.sort();
        a.sort();
        assert_eq!(b, a, "law 3: the tasks differ");
        let index_of = |t: &J| {
            before
                .iter()
                .position(|x| x.get("task_id") == t.get("task_id"))
                .expect("every task placed is a task of the record")
        };
        let mut by_place: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for t in &placed {
            let place = t.get("path").map(canon::write).unwrap_or_default();
            by_place.entry(place).or_default().push(index_of(t));
        }
        for (place, idx) in by_place {
            assert!(
                idx.windows(2).all(|w| w[0] < w[1]),
                "law 3: order changed in {place}: {idx:?}"
            );
        }
    }
}

/// Every `groupBy` the options allow (each dimension at most once, outermost first).
pub const GROUPINGS: [&[Dimension]; 5] = [
    &[],
    &[Dimension::AiImpactLevel],
    &[Dimension::ValidationState],
    &[Dimension::AiImpactLevel, Dimension::ValidationState],
    &[Dimension::ValidationState, Dimension::AiImpactLevel],
];

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE_HIERARCHY: &str = include_str!("../../tests/fixtures/page-hierarchy.json");
    const PAGE_LIST: &str = include_str!("../../tests/fixtures/page-list.json");

    fn records_of(page: &str) -> Vec<J> {
        let page = canon::parse(page).unwrap().value;
        page.get("records").and_then(J::as_arr).unwrap().to_vec()
    }

    #[test]
    fn the_fixtures_meet_the_laws_conditions_so_the_seeds_check_the_laws() {
        let h = records_of(PAGE_HIERARCHY);
        assert!(h.iter().all(meets_hierarchy_law_conditions));
        assert!(!h.iter().any(meets_list_law_conditions));
        let l = records_of(PAGE_LIST);
        assert!(l.iter().all(meets_list_law_conditions));
        check_hierarchy_laws(canon::write(&J::Arr(h.clone())).as_bytes(), &h);
        for dims in GROUPINGS {
            let opts = ConvertOptions {
                group_by: dims.to_vec(),
                ..ConvertOptions::new(Shape::Hierarchy)
            };
            check_list_law(canon::write(&J::Arr(l.clone())).as_bytes(), &l, &opts);
        }
    }

    #[test]
    fn the_conditions_refuse_what_the_laws_do_not_cover() {
        let record = |nodes: &str| {
            canon::parse(&format!(r#"{{"external_id":"e","hierarchy":{nodes}}}"#))
                .unwrap()
                .value
        };
        assert!(meets_hierarchy_law_conditions(&record(
            r#"[{"node_id":"g","children":[{"task_id":"a"}]},{"node_id":"h","children":[]}]"#
        )));
        for bad in [
            r#"[{"task_id":"a"},{"task_id":"a"}]"#,
            r#"[{"node_id":"g","children":[]},{"node_id":"g","children":[]}]"#,
            r#"[{"task_id":"a","path":[]}]"#,
            r#"[{"node_id":"g"}]"#,
            r#"[{"task_id":5}]"#,
        ] {
            assert!(!meets_hierarchy_law_conditions(&record(bad)), "{bad}");
        }
    }

    #[test]
    fn places_agree_only_when_every_sighting_has_the_same_ancestors() {
        let records = |second: &str| {
            let text = format!(
                r#"[{{"hierarchy":[{{"node_id":"g","name":"G","children":[{{"task_id":"a"}}]}}]}},{{"hierarchy":[{second}]}}]"#
            );
            canon::parse(&text)
                .unwrap()
                .value
                .as_arr()
                .unwrap()
                .to_vec()
        };
        assert!(places_agree(&records(
            r#"{"node_id":"g","name":"G","children":[{"task_id":"a"},{"task_id":"b"}]}"#
        )));
        // The same node_id named otherwise: no taxonomy conflict, but law 2 cannot hold.
        assert!(!places_agree(&records(
            r#"{"node_id":"g","name":"Renamed","children":[{"task_id":"a"}]}"#
        )));
        assert!(!places_agree(&records(r#"{"task_id":"a"}"#)));
    }

    #[test]
    fn the_oracles_catch_a_change() {
        let records = records_of(PAGE_LIST);
        let mut changed = records.clone();
        let J::Obj(first) = &mut changed[0] else {
            panic!()
        };
        first.insert("external_id".into(), J::Str("other".into()));
        let caught = std::panic::catch_unwind(|| {
            check_pass_through(
                &records,
                &J::Arr(changed),
                &ConvertOptions::new(Shape::List),
            )
        });
        assert!(caught.is_err(), "a changed record passed");
        // H⁻: an empty group goes, a task's children of only empty groups go.
        let h = canon::parse(r#"[{"node_id":"g","children":[]},{"task_id":"a","children":[{"node_id":"x","children":[]}]},{"task_id":"b","children":[]}]"#).unwrap().value;
        assert_eq!(
            canon::write(&J::Arr(without_taskless_groups(h.as_arr().unwrap()))),
            r#"[{"task_id":"a"},{"children":[],"task_id":"b"}]"#
        );
    }
}
