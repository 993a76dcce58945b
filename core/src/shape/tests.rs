//! Tests of the shape conversions: fixtures, laws (property tests), options and every error.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::*;
use crate::error::ErrorKind;
use crate::page::{Dimension, Shape};

const PAGE_LIST: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/page-list.json"
));
const PAGE_HIERARCHY: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/page-hierarchy.json"
));

// ---------------------------------------------------------------------------------------------
// A canonical form for comparisons: objects order-insensitive, arrays order-sensitive, numbers
// (and literals) compared by their exact text, strings and keys decoded.

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum J {
    Lit(String),
    Str(String),
    Arr(Vec<J>),
    Obj(BTreeMap<String, J>),
}

struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Members<'de>, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    out.push(entry);
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(V)
    }
}

fn canon_raw(raw: &RawValue) -> J {
    let text = raw.get();
    match text.as_bytes()[0] {
        b'{' => {
            let members: Members = serde_json::from_str(text).unwrap();
            let mut map = BTreeMap::new();
            for (k, v) in members.0 {
                assert!(
                    map.insert(k.clone(), canon_raw(v)).is_none(),
                    "duplicate key {k:?} in {text}"
                );
            }
            J::Obj(map)
        }
        b'[' => J::Arr(
            serde_json::from_str::<Vec<&RawValue>>(text)
                .unwrap()
                .into_iter()
                .map(canon_raw)
                .collect(),
        ),
        // Escaped lone surrogates are valid JSON but no Rust string: keep the raw text.
        b'"' => J::Str(serde_json::from_str(text).unwrap_or_else(|_| text.to_string())),
        _ => J::Lit(text.to_string()),
    }
}

fn canon(text: &str) -> J {
    let raw: &RawValue = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    canon_raw(raw)
}

fn get<'j>(j: &'j J, key: &str) -> &'j J {
    match j {
        J::Obj(m) => &m[key],
        _ => panic!("not an object: {j:?}"),
    }
}

fn opts(to: Shape) -> ConvertOptions<'static> {
    ConvertOptions::new(to)
}

fn list(keep_path: bool) -> ConvertOptions<'static> {
    ConvertOptions {
        keep_path,
        ..opts(Shape::List)
    }
}

fn records(json: &str, o: &ConvertOptions) -> String {
    String::from_utf8(convert_records(json.as_bytes(), o).unwrap_or_else(|e| panic!("{e}\n{json}")))
        .unwrap()
}

fn page(json: &str, o: &ConvertOptions) -> String {
    String::from_utf8(convert_page(json.as_bytes(), o).unwrap_or_else(|e| panic!("{e}\n{json}")))
        .unwrap()
}

fn learned(json: &str) -> TaskTaxonomy {
    let mut t = TaskTaxonomy::new();
    t.learn_json(json.as_bytes()).unwrap();
    t
}

// ---------------------------------------------------------------------------------------------
// Fixtures.

#[test]
fn fixture_hierarchy_to_list_is_the_list_page() {
    let out = page(PAGE_HIERARCHY, &list(false));
    assert_eq!(canon(&out), canon(PAGE_LIST));
    let recs = records(
        &serde_json::to_string(&get_records(PAGE_HIERARCHY)).unwrap(),
        &list(false),
    );
    assert_eq!(
        canon(&recs),
        canon(&serde_json::to_string(&get_records(PAGE_LIST)).unwrap())
    );
}

/// The `records` array of a page, as raw text.
fn get_records(page: &str) -> Box<RawValue> {
    #[derive(Deserialize)]
    struct P {
        records: Box<RawValue>,
    }
    serde_json::from_str::<P>(page).unwrap().records
}

#[test]
fn fixture_list_to_hierarchy_with_the_learned_taxonomy() {
    let tax = learned(PAGE_HIERARCHY);
    assert_eq!(tax.size(), 3);
    assert_eq!(tax.conflicts(), 0);
    let path = tax.path_of("reconcile-supplier-invoices").unwrap();
    assert_eq!(path.len(), 2);
    assert_eq!(path[0].node_id(), Some("finance-operations"));
    assert_eq!(path[0].name(), Some("Finance operations"));
    assert_eq!(path[0].task_id(), None);
    assert_eq!(path[1].node_id(), Some("accounts-payable"));
    assert!(tax.path_of("nope").is_none());
    let o = ConvertOptions {
        taxonomy: Some(&tax),
        ..opts(Shape::Hierarchy)
    };
    assert_eq!(canon(&page(PAGE_LIST, &o)), canon(PAGE_HIERARCHY));
    let recs = get_records(PAGE_LIST);
    assert_eq!(
        canon(&records(recs.get(), &o)),
        canon(get_records(PAGE_HIERARCHY).get())
    );
    // The taxonomy survives its persisted form.
    let back = TaskTaxonomy::from_json(&tax.to_json()).unwrap();
    assert_eq!(back, tax);
    assert_eq!(back.to_json(), tax.to_json());
}

#[test]
fn fixture_keep_path_round_trip_and_passthrough() {
    let with_path = page(PAGE_HIERARCHY, &list(true));
    let back = page(&with_path, &opts(Shape::Hierarchy));
    assert_eq!(canon(&back), canon(PAGE_HIERARCHY));
    // A list page passes through to list; a hierarchy page through to hierarchy.
    assert_eq!(canon(&page(PAGE_LIST, &list(true))), canon(PAGE_LIST));
    assert_eq!(canon(&page(&with_path, &list(false))), canon(&with_path));
    assert_eq!(
        canon(&page(PAGE_HIERARCHY, &opts(Shape::Hierarchy))),
        canon(PAGE_HIERARCHY)
    );
    // Learning from list tasks with paths gives the same taxonomy as from the hierarchy.
    assert_eq!(
        learned(&with_path).to_json(),
        learned(PAGE_HIERARCHY).to_json()
    );
}

#[test]
fn keep_path_renders_groups_and_parent_tasks() {
    let h = r#"{"external_id":"e","hierarchy":[
        {"node_id":"g","name":"G","x":1.50,"children":[
            {"task_id":"a","children":[{"task_id":"b","path":"old"}]}]},
        {"task_id":"c"}]}"#;
    let out = records(h, &list(true));
    assert_eq!(
        out,
        r#"{"external_id":"e","tasks":[{"task_id":"a","path":[{"node_id":"g","name":"G","x":1.50}]},{"task_id":"b","path":[{"node_id":"g","name":"G","x":1.50},{"task_id":"a"}]},{"task_id":"c","path":[]}]}"#
    );
    let plain = records(h, &list(false));
    assert_eq!(
        plain,
        r#"{"external_id":"e","tasks":[{"task_id":"a"},{"task_id":"b","path":"old"},{"task_id":"c"}]}"#
    );
    assert_eq!(
        canon(&records(&out, &opts(Shape::Hierarchy))),
        canon(h.replace(r#","path":"old""#, "").as_str())
    );
}

#[test]
fn arity_follows_the_input() {
    let one = r#"{"external_id":"e","tasks":[{"task_id":"a"}]}"#;
    assert!(records(one, &opts(Shape::Hierarchy)).starts_with('{'));
    let many = format!("[{one},{one}]");
    let out = records(&many, &opts(Shape::Hierarchy));
    assert_eq!(
        out,
        format!(
            "[{0},{0}]",
            r#"{"external_id":"e","hierarchy":[{"task_id":"a"}]}"#
        )
    );
    assert_eq!(records("[]", &opts(Shape::List)), "[]");
}

#[test]
fn mixed_shapes_in_one_array() {
    let recs = get_records(PAGE_LIST);
    let hier = get_records(PAGE_HIERARCHY);
    let l: Vec<&RawValue> = serde_json::from_str(recs.get()).unwrap();
    let h: Vec<&RawValue> = serde_json::from_str(hier.get()).unwrap();
    let mixed = format!("[{},{},{}]", l[0].get(), h[1].get(), h[2].get());
    assert_eq!(canon(&records(&mixed, &list(false))), canon(recs.get()));
    let tax = learned(PAGE_HIERARCHY);
    let o = ConvertOptions {
        taxonomy: Some(&tax),
        ..opts(Shape::Hierarchy)
    };
    assert_eq!(canon(&records(&mixed, &o)), canon(hier.get()));
}

#[test]
fn raw_values_and_keys_are_copied_byte_for_byte() {
    let h = r#"{"external_id":"e\u00e9","big":12345678901234567890,"hierarchy":[{"node_id":"g\"q","name":"\ud83d\ude00","f":1e-7,"children":[{"task_id":"t\u0041","n":0.10000000000000000001,"o":{ "k" : [1, 2] },"k\"ey":-0}]}],"z":1E+400}"#;
    let out = records(h, &list(true));
    assert_eq!(
        out,
        r#"{"external_id":"e\u00e9","big":12345678901234567890,"tasks":[{"task_id":"t\u0041","n":0.10000000000000000001,"o":{ "k" : [1, 2] },"k\"ey":-0,"path":[{"node_id":"g\"q","name":"\ud83d\ude00","f":1e-7}]}],"z":1E+400}"#
    );
    let back = records(&out, &opts(Shape::Hierarchy));
    assert_eq!(canon(&back), canon(h));
    let tax = learned(h);
    assert_eq!(tax.path_of("tA").unwrap()[0].node_id(), Some("g\"q"));
    assert_eq!(tax.path_of("tA").unwrap()[0].name(), Some("😀"));
    let o = ConvertOptions {
        taxonomy: Some(&tax),
        ..opts(Shape::Hierarchy)
    };
    assert_eq!(canon(&records(&records(h, &list(false)), &o)), canon(h));
}

#[test]
fn lone_surrogate_ids_are_strings() {
    let h = r#"{"external_id":"e","hierarchy":[{"node_id":"\ud83d","children":[{"task_id":"\udc00x"}]}]}"#;
    let tax = learned(h);
    assert_eq!(
        tax.path_of("\\udc00x").unwrap()[0].node_id(),
        Some("\\ud83d")
    );
    let back = TaskTaxonomy::from_json(&tax.to_json()).unwrap();
    let o = ConvertOptions {
        taxonomy: Some(&back),
        ..opts(Shape::Hierarchy)
    };
    assert_eq!(records(&records(h, &list(false)), &o), h);
    assert_eq!(
        records(&records(h, &list(true)), &opts(Shape::Hierarchy)),
        h
    );
}

#[test]
fn escaped_known_keys_are_recognised() {
    let h = r#"{"external_id":"e","hier\u0061rchy":[{"node\u005fid":"g","children":[{"task\u005fid":"a"}]}]}"#;
    let out = records(h, &list(false));
    assert_eq!(out, r#"{"external_id":"e","tasks":[{"task\u005fid":"a"}]}"#);
}

// ---------------------------------------------------------------------------------------------
// Placement rules.

#[test]
fn list_to_hierarchy_by_path_merges_groups_and_keeps_first_appearance_order() {
    let l = r#"{"external_id":"e","tasks":[
        {"task_id":"a","path":[{"node_id":"g","name":"G","v":1}]},
        {"task_id":"b","path":[]},
        {"task_id":"c","path":[{"node_id":"h","name":"H"}]},
        {"task_id":"d","path":[{"node_id":"g","name":"other name"},{"node_id":"i","name":"I"}]},
        {"task_id":"e","path":[{"node_id":"g"},{"task_id":"a"}]},
        {"task_id":"f","path":[{"task_id":"missing"}]},
        {"task_id":"g"}]}"#;
    let out = records(l, &opts(Shape::Hierarchy));
    assert_eq!(
        out,
        r#"{"external_id":"e","hierarchy":[{"node_id":"g","name":"G","v":1,"children":[{"task_id":"a","children":[{"task_id":"e"}]},{"node_id":"i","name":"I","children":[{"task_id":"d"}]}]},{"task_id":"b"},{"node_id":"h","name":"H","children":[{"task_id":"c"}]},{"task_id":"f"},{"task_id":"g"}]}"#
    );
}

#[test]
fn parent_task_entries_pick_the_nearest_preceding_task() {
    let l = r#"{"external_id":"e","tasks":[
        {"task_id":"a"},
        {"task_id":"x","path":[{"task_id":"a"}]},
        {"task_id":"a"},
        {"task_id":"y","path":[{"task_id":"a"}]}]}"#;
    let out = records(l, &opts(Shape::Hierarchy));
    assert_eq!(
        out,
        r#"{"external_id":"e","hierarchy":[{"task_id":"a","children":[{"task_id":"x"}]},{"task_id":"a","children":[{"task_id":"y"}]}]}"#
    );
}

#[test]
fn a_path_wins_over_the_taxonomy() {
    let tax = learned(
        r#"{"external_id":"e","hierarchy":[{"node_id":"t","children":[{"task_id":"a"},{"task_id":"b"}]}]}"#,
    );
    let l = r#"{"external_id":"e","tasks":[{"task_id":"a","path":[{"node_id":"p"}]},{"task_id":"b"},{"task_id":"c"}]}"#;
    let o = ConvertOptions {
        taxonomy: Some(&tax),
        ..opts(Shape::Hierarchy)
    };
    assert_eq!(
        records(l, &o),
        r#"{"external_id":"e","hierarchy":[{"node_id":"p","children":[{"task_id":"a"}]},{"node_id":"t","children":[{"task_id":"b"}]},{"task_id":"c"}]}"#
    );
    // A taxonomy does not move the tasks of a hierarchy record.
    let h = r#"{"external_id":"e","hierarchy":[{"task_id":"a"}]}"#;
    assert_eq!(records(h, &o), h);
}

#[test]
fn group_by_outputs() {
    let by = |dims: Vec<Dimension>| ConvertOptions {
        group_by: dims,
        ..opts(Shape::Hierarchy)
    };
    let l = r#"{"external_id":"e","tasks":[
        {"task_id":"a","validation_state":"validated","ai_impact":{"level":"H2","r":1}},
        {"task_id":"b","validation_state":"suggested"},
        {"task_id":"c","validation_state":"validated","ai_impact":{"level":"H1"},"path":[{"node_id":"x"}]},
        {"task_id":"d","validation_state":3,"ai_impact":null},
        {"task_id":"e","validation_state":"valid\u0061ted","ai_impact":{"level":"H2"}}]}"#;
    assert_eq!(
        records(l, &by(vec![Dimension::ValidationState])),
        r#"{"external_id":"e","hierarchy":[{"node_id":"validated","name":"validated","children":[{"task_id":"a","validation_state":"validated","ai_impact":{"level":"H2","r":1}},{"task_id":"c","validation_state":"validated","ai_impact":{"level":"H1"},"path":[{"node_id":"x"}]},{"task_id":"e","validation_state":"valid\u0061ted","ai_impact":{"level":"H2"}}]},{"node_id":"suggested","name":"suggested","children":[{"task_id":"b","validation_state":"suggested"}]},{"node_id":"unknown","name":"unknown","children":[{"task_id":"d","validation_state":3,"ai_impact":null}]}]}"#
    );
    let out = records(
        l,
        &by(vec![Dimension::AiImpactLevel, Dimension::ValidationState]),
    );
    let short = |s: &str| {
        let j = canon(s);
        fn walk(j: &J, out: &mut String) {
            if let J::Obj(m) = j {
                if let Some(J::Str(id)) = m.get("task_id") {
                    out.push_str(id);
                } else if let Some(J::Str(id)) = m.get("node_id") {
                    out.push_str(id);
                }
                if let Some(J::Arr(c)) = m.get("children") {
                    out.push('(');
                    for n in c {
                        walk(n, out);
                        out.push(' ');
                    }
                    out.push(')');
                }
            }
        }
        let mut out = String::new();
        if let J::Arr(nodes) = get(&j, "hierarchy") {
            for n in nodes {
                walk(n, &mut out);
                out.push(' ');
            }
        }
        out
    };
    assert_eq!(
        short(&out),
        "H2(validated(a e ) ) unknown(suggested(b ) unknown(d ) ) H1(validated(c ) ) "
    );
    // Regrouping a hierarchy record flattens sub-tasks; no options → unchanged.
    let h = r#"{"external_id":"e","hierarchy":[{"node_id":"g","children":[{"task_id":"a","validation_state":"validated","children":[{"task_id":"b"}]}]}]}"#;
    assert_eq!(
        records(h, &by(vec![Dimension::ValidationState])),
        r#"{"external_id":"e","hierarchy":[{"node_id":"validated","name":"validated","children":[{"task_id":"a","validation_state":"validated"}]},{"node_id":"unknown","name":"unknown","children":[{"task_id":"b"}]}]}"#
    );
    assert_eq!(records(h, &opts(Shape::Hierarchy)), h);
    // Same dimension twice is refused.
    let e = convert_records(
        l.as_bytes(),
        &by(vec![Dimension::ValidationState, Dimension::ValidationState]),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidParams);
    assert_eq!(
        Dimension::parse("groupBy", "ai_impact_level").unwrap(),
        Dimension::AiImpactLevel
    );
    assert_eq!(
        Dimension::parse("groupBy", "x").unwrap_err().kind,
        ErrorKind::InvalidParams
    );
    assert_eq!(Shape::parse("to", "hierarchy").unwrap(), Shape::Hierarchy);
    assert!(Shape::parse("to", "tree").is_err());
}

// ---------------------------------------------------------------------------------------------
// Taxonomy.

#[test]
fn taxonomy_conflicts_keep_the_first_path() {
    let mut tax = TaskTaxonomy::new();
    tax.learn_json(br#"[{"external_id":"1","hierarchy":[{"node_id":"g","name":"G","children":[{"task_id":"a"}]}]},
        {"external_id":"2","hierarchy":[{"node_id":"g","name":"renamed","children":[{"task_id":"a"}]},{"task_id":"a"}]},
        {"external_id":"3","tasks":[{"task_id":"a","path":[{"node_id":"h"}]},{"task_id":"b"},{"task_id":"c","path":[]}]}]"#)
        .unwrap();
    assert_eq!(tax.size(), 2);
    assert_eq!(tax.conflicts(), 2);
    assert_eq!(tax.path_of("a").unwrap()[0].name(), Some("G"));
    assert_eq!(tax.path_of("c").unwrap().len(), 0);
    assert!(tax.path_of("b").is_none());
    // A page body is learned from too; a failed learn changes nothing.
    let before = tax.clone();
    assert!(tax
        .learn_json(br#"[{"external_id":"4","tasks":[{"task_id":"z","path":[{}]}]}]"#)
        .is_err());
    assert_eq!(tax, before);
    let mut from_page = TaskTaxonomy::new();
    from_page.learn_json(PAGE_HIERARCHY.as_bytes()).unwrap();
    assert_eq!(from_page.size(), 3);
    assert_eq!(from_page.conflicts(), 0);
    let names: Vec<&str> = from_page.iter().map(|(id, _)| id).collect();
    assert_eq!(
        names,
        [
            "reconcile-supplier-invoices",
            "approve-expense-claims",
            "run-weekly-stand-ups"
        ]
    );
    let back = TaskTaxonomy::from_json(&tax.to_json()).unwrap();
    assert_eq!(back, tax);
}

#[test]
fn taxonomy_json_format() {
    let tax = learned(
        r#"{"external_id":"e","hierarchy":[{"node_id":"g","name":"G","n":0.1,"children":[{"task_id":"a\"b","children":[{"task_id":"c"}]}]}]}"#,
    );
    assert_eq!(
        tax.to_json(),
        r#"{"format":"task-profiles/taxonomy","version":1,"conflicts":0,"tasks":[{"task_id":"a\"b","path":[{"node_id":"g","name":"G","n":0.1}]},{"task_id":"c","path":[{"node_id":"g","name":"G","n":0.1},{"task_id":"a\"b"}]}]}"#
    );
    assert_eq!(tax.path_of("c").unwrap()[1].task_id(), Some("a\"b"));
    assert_eq!(
        tax.path_of("c").unwrap()[1].to_json(),
        r#"{"task_id":"a\"b"}"#
    );
    let cases: &[(&str, &str)] = &[
        (
            "nope",
            "taxonomy: invalid JSON: expected a value at line 1 column 1",
        ),
        (
            "{}",
            "taxonomy.format: expected \"task-profiles/taxonomy\" (this is not a task taxonomy)",
        ),
        (
            r#"{"format":"task-profiles/taxonomy","version":2}"#,
            "taxonomy.version: unsupported version 2 (this library reads version 1)",
        ),
        (
            r#"{"format":"task-profiles/taxonomy"}"#,
            "taxonomy: missing \"version\"",
        ),
        (
            r#"{"format":"task-profiles/taxonomy","version":1,"conflicts":0}"#,
            "taxonomy: missing \"tasks\"",
        ),
        (
            r#"{"format":"task-profiles/taxonomy","version":1,"conflicts":0,"tasks":[{"task_id":"a","path":[{"name":"x"}]}]}"#,
            "taxonomy.tasks[0].path[0]: a path entry needs \"node_id\" or \"task_id\"",
        ),
        (
            r#"{"format":"task-profiles/taxonomy","version":1,"conflicts":0,"tasks":[{"task_id":"a","path":[3]}]}"#,
            "taxonomy.tasks[0].path[0]: expected an object, found a number",
        ),
        (
            r#"{"format":"task-profiles/taxonomy","version":1,"conflicts":0,"tasks":[{"task_id":"a","path":[]},{"task_id":"a","path":[]}]}"#,
            "taxonomy.tasks[1].task_id: task \"a\" is listed twice",
        ),
    ];
    for (input, message) in cases {
        let e = TaskTaxonomy::from_json(input).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert_eq!(&e.message, message, "{input}");
    }
}

// ---------------------------------------------------------------------------------------------
// Errors.

#[test]
fn error_messages_name_the_place() {
    let rec_cases: &[(&str, &str)] = &[
        (
            r#"[{"external_id":"a","tasks":[]},{"tasks":[]}]"#,
            "records[1]: record has no \"external_id\"",
        ),
        (r#"{"tasks":[]}"#, "record: record has no \"external_id\""),
        (
            r#"{"external_id":"a"}"#,
            "record: record has neither \"tasks\" nor \"hierarchy\"",
        ),
        (
            r#"{"external_id":"a","tasks":[],"hierarchy":[]}"#,
            "record: record has both \"tasks\" and \"hierarchy\"",
        ),
        (
            r#"{"external_id":1,"tasks":[]}"#,
            "record.external_id: expected a string, found a number",
        ),
        (
            r#"{"external_id":"a","tasks":{}}"#,
            "record.tasks: expected an array, found an object",
        ),
        (
            r#"{"external_id":"a","hierarchy":"x"}"#,
            "record.hierarchy: expected an array, found a string",
        ),
        (
            r#"{"has_next":false,"records":[]}"#,
            "record: expected a record, found a page (pages go to convertPage)",
        ),
        (
            r#"[{"external_id":"a","hierarchy":[{"node_id":"g","children":[1]}]}]"#,
            "records[0].hierarchy[0].children[0]: expected an object, found a number",
        ),
        (
            r#"[{"external_id":"a","tasks":[]},{"external_id":"a","tasks":[]},{"external_id":"a","tasks":[]},{"external_id":"a","hierarchy":[{"node_id":"g","children":[{"task_id":"a"},{"task_id":"b"},{"name":"?"}]}]}]"#,
            "records[3].hierarchy[0].children[2]: a task node needs \"task_id\" or \"children\"",
        ),
        (
            r#"[{"external_id":"a","hierarchy":[{"task_id":"x"},{"task_id":"y"},{"node_id":"g","children":null}]}]"#,
            "records[0].hierarchy[2].children: expected an array, found null",
        ),
        (
            r#"{"external_id":"a","hierarchy":[{"name":"g","children":[]}]}"#,
            "record.hierarchy[0]: a group node needs \"node_id\"",
        ),
        (
            r#"{"external_id":"a","hierarchy":[{"node_id":7,"children":[]}]}"#,
            "record.hierarchy[0].node_id: expected a string, found a number",
        ),
        (
            r#"{"external_id":"a","hierarchy":[{"task_id":null}]}"#,
            "record.hierarchy[0].task_id: expected a string, found null",
        ),
        (
            r#"{"external_id":"a","tasks":[{"task":"x"}]}"#,
            "record.tasks[0]: a task needs \"task_id\"",
        ),
        (
            r#"{"external_id":"a","tasks":[{"task_id":"x","children":[{"task_id":"y"}]}]}"#,
            "record.tasks[0]: a list task's \"children\" can only be empty (only hierarchy nodes have children)",
        ),
        (
            r#"{"external_id":"a","tasks":[[]]}"#,
            "record.tasks[0]: expected an object, found an array",
        ),
        (r#"[1]"#, "records[0]: expected an object, found a number"),
        (
            r#""x""#,
            "record: expected a record object or an array of records, found a string",
        ),
        (
            r#"{"external_id":"a","tasks":[}"#,
            "record.tasks: invalid JSON: expected a value at line 1 column 29",
        ),
        (
            "[{\"external_id\":\"a\",\n\"tasks\":[]}] x",
            "records: invalid JSON: unexpected text after the value at line 2 column 14",
        ),
    ];
    for (input, message) in rec_cases {
        for to in [Shape::List, Shape::Hierarchy] {
            let e = convert_records(input.as_bytes(), &opts(to)).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput);
            if !message.is_empty() {
                assert_eq!(&e.message, message, "{input}");
            }
        }
    }
    let bad_utf8 = b"[{\"external_id\":\"\xff\"}]";
    let e = convert_records(bad_utf8, &opts(Shape::List)).unwrap_err();
    assert_eq!(
        e.message,
        "records[0].external_id: invalid JSON: invalid UTF-8 at line 1 column 18"
    );

    // Paths of list tasks are read when placing tasks and when learning.
    let path_cases: &[(&str, &str)] = &[
        (
            r#"{"external_id":"a","tasks":[{"task_id":"x","path":{}}]}"#,
            "record.tasks[0].path: expected an array, found an object",
        ),
        (
            r#"{"external_id":"a","tasks":[{"task_id":"x","path":[{"name":"n"}]}]}"#,
            "record.tasks[0].path[0]: a path entry needs \"node_id\" or \"task_id\"",
        ),
        (
            r#"{"external_id":"a","tasks":[{"task_id":"x","path":[{"node_id":"g","children":[]}]}]}"#,
            "record.tasks[0].path[0]: a path entry has no \"children\"",
        ),
        (
            r#"{"external_id":"a","tasks":[{"task_id":"x","path":["g"]}]}"#,
            "record.tasks[0].path[0]: expected an object, found a string",
        ),
        (
            r#"{"external_id":"a","tasks":[{"task_id":"x","path":[{"task_id":1}]}]}"#,
            "record.tasks[0].path[0].task_id: expected a string, found a number",
        ),
    ];
    for (input, message) in path_cases {
        let e = convert_records(input.as_bytes(), &opts(Shape::Hierarchy)).unwrap_err();
        assert_eq!(&e.message, message, "{input}");
        let e = TaskTaxonomy::new()
            .learn_json(input.as_bytes())
            .unwrap_err();
        assert_eq!(&e.message, message, "{input}");
        // To list, a list record passes through with its path untouched.
        convert_records(input.as_bytes(), &list(true)).unwrap();
    }
    let long = format!(
        r#"{{"external_id":"a","tasks":[{{"task_id":"x","path":[{}]}}]}}"#,
        vec![r#"{"node_id":"g"}"#; MAX_PATH_LEN + 1].join(",")
    );
    let e = convert_records(long.as_bytes(), &opts(Shape::Hierarchy)).unwrap_err();
    assert_eq!(e.message, "record.tasks[0].path: longer than 128 entries");

    let page_cases: &[(&str, &str)] = &[
        (
            r#"{"has_next":false}"#,
            "page: missing \"records\" (an array of records)",
        ),
        (
            r#"{"records":{}}"#,
            "records: expected an array, found an object",
        ),
        (r#"[]"#, "page: expected an object, found an array"),
        (r#"null"#, "page: expected an object, found null"),
        (
            r#"{"records":[{"external_id":"a","tasks":[]},{"external_id":"b"}]}"#,
            "records[1]: record has neither \"tasks\" nor \"hierarchy\"",
        ),
        (
            r#"{"records":[{"external_id":"a","tasks":[]}"#,
            "records: invalid JSON: the input ends inside an array at line 1 column 43",
        ),
    ];
    for (input, message) in page_cases {
        let e = convert_page(input.as_bytes(), &opts(Shape::List)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert_eq!(&e.message, message, "{input}");
    }
    let e = TaskTaxonomy::new()
        .learn_json(br#"{"records":{}}"#)
        .unwrap_err();
    assert_eq!(e.message, "records: expected an array, found an object");
    let e = TaskTaxonomy::new().learn_json(b"3").unwrap_err();
    assert_eq!(
        e.message,
        "record: expected a record, an array of records or a page, found a number"
    );
}

#[test]
fn a_repeated_key_keeps_its_first_place_and_last_value() {
    // As JSON.parse reads the input, for the keys the conversions use; other repeated keys are
    // copied as they come (their last value wins when the output is read).
    let l = r#"{"external_id":"x","external_id":"a","tasks":[{"task_id":"old"}],"z":1,"z":2,"tasks":[{"task_id":"t","task_id":"u","path":[{"node_id":"g"}],"path":[]}]}"#;
    assert_eq!(
        records(l, &opts(Shape::Hierarchy)),
        r#"{"external_id":"a","hierarchy":[{"task_id":"u"}],"z":1,"z":2}"#
    );
    assert_eq!(
        records(l, &list(false)),
        r#"{"external_id":"a","tasks":[{"task_id":"u","path":[]}],"z":1,"z":2}"#
    );
    let h = r#"{"external_id":"a","hierarchy":[{"node_id":"g","children":[{"task_id":"old"}],"children":[{"task_id":"t"}]}]}"#;
    assert_eq!(
        records(h, &list(false)),
        r#"{"external_id":"a","tasks":[{"task_id":"t"}]}"#
    );
    let tax = learned(h);
    assert_eq!(tax.size(), 1);
    assert_eq!(tax.path_of("t").unwrap()[0].node_id(), Some("g"));
    // A page: `records` once, at its first place, holding the last array converted.
    let p = r#"{"records":[{"external_id":"a","tasks":[]}],"has_next":true,"records":[{"external_id":"b","tasks":[{"task_id":"t"}]}],"has_next":false}"#;
    let (envelope, out) =
        convert_page_with_envelope(p.as_bytes(), &opts(Shape::Hierarchy)).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        r#"{"records":[{"external_id":"b","hierarchy":[{"task_id":"t"}]}],"has_next":true,"has_next":false}"#
    );
    assert_eq!(envelope.records, crate::page::Field::Value(1));
    assert_eq!(envelope.has_next, crate::page::Field::Value(false));
}

#[test]
fn deep_input_is_an_error_not_a_crash() {
    let mut s = String::from(r#"{"external_id":"a","hierarchy":"#);
    for _ in 0..5000 {
        s.push_str(r#"[{"node_id":"g","children":"#);
    }
    let e = convert_records(s.as_bytes(), &opts(Shape::List)).unwrap_err();
    assert!(
        e.message
            .contains(": JSON nested deeper than the 128 levels allowed at line"),
        "{}",
        e.message
    );
}

// ---------------------------------------------------------------------------------------------
// Laws, on generated trees.

mod laws {
    use proptest::collection::vec;
    use proptest::prelude::*;

    use super::*;

    /// Unknown field names (raw JSON string content); distinct after decoding, none a known key.
    const NAMES: &[&str] = &[
        "extra",
        "confidence",
        "meta",
        "ünïcødé 𝄞",
        r#"quo\"te"#,
        r#"t\tab"#,
        r#"\u00e9t\u00e9"#,
        "weekly_hours",
    ];
    /// Unknown field values (raw JSON).
    const VALUES: &[&str] = &[
        "12345678901234567890",
        "123456789012345678901234567890",
        "0.1",
        "1e-7",
        "-0.0",
        "1.5E+300",
        "2.50",
        r#""plain""#,
        r#""üñí©ødé 𝄞""#,
        r#""esc \" \\ \n \u00e9 \ud83d\ude00""#,
        r#"{"a":[1,2.50,{"b":null}],"c":true, "d" : { "e" : [0.1, 1e-7] }}"#,
        "[]",
        "{}",
        "null",
        "false",
        r#"[1e-7, "x", {"deep": {"deeper": [12345678901234567890]}}]"#,
    ];
    const LEVELS: &[&str] = &[
        r#"{"level":"H1","rationale":"r"}"#,
        r#"{"level":"H2"}"#,
        r#"{"level":"H\u0032"}"#,
        "null",
        r#"{"level":3}"#,
        "{}",
    ];
    const STATES: &[&str] = &[r#""validated""#, r#""suggested""#, r#""rejected""#, "null"];

    type Extras = Vec<(usize, usize)>;

    #[derive(Debug, Clone)]
    enum GN {
        Task {
            extras: Extras,
            ai: Option<usize>,
            state: Option<usize>,
            children_first: bool,
            /// With no children: whether it has an empty `children` (data, which survives).
            empty_children: bool,
            children: Vec<GN>,
        },
        Group {
            extras: Extras,
            children: Vec<GN>,
        },
    }

    fn extras() -> impl Strategy<Value = Extras> {
        vec((0..NAMES.len(), 0..VALUES.len()), 0..3)
    }

    fn task(children: impl Strategy<Value = Vec<GN>>) -> impl Strategy<Value = GN> {
        (
            extras(),
            proptest::option::of(0..LEVELS.len()),
            proptest::option::of(0..STATES.len()),
            any::<bool>(),
            any::<bool>(),
            children,
        )
            .prop_map(
                |(extras, ai, state, children_first, empty_children, children)| GN::Task {
                    extras,
                    ai,
                    state,
                    children_first,
                    empty_children,
                    children,
                },
            )
    }

    /// Trees of depth 0 to 6, with groups that hold no task (empty, or holding only such
    /// groups) and tasks with an empty `children` among them.
    fn tree() -> impl Strategy<Value = GN> {
        let leaf = prop_oneof![
            4 => task(Just(Vec::new())),
            1 => extras().prop_map(|extras| GN::Group { extras, children: Vec::new() }),
        ];
        leaf.prop_recursive(6, 40, 4, |inner| {
            prop_oneof![
                (extras(), vec(inner.clone(), 0..4))
                    .prop_map(|(extras, children)| GN::Group { extras, children }),
                task(vec(inner, 1..3)),
            ]
        })
    }

    /// `nodes` as the round trip through the list shape gives them back: without the groups
    /// that hold no task (the list shape has no place for them), and without a task's
    /// `children` that held only such groups. An empty `children` of a task stays.
    fn without_taskless_groups(nodes: &J) -> J {
        let J::Arr(nodes) = nodes else {
            return nodes.clone();
        };
        let mut kept = Vec::new();
        for node in nodes {
            let J::Obj(members) = node else {
                return J::Arr(nodes.clone());
            };
            let mut members = members.clone();
            let is_task = members.contains_key("task_id");
            if let Some(J::Arr(children)) = members.get("children").cloned() {
                let pruned = without_taskless_groups(&J::Arr(children.clone()));
                let J::Arr(pruned_list) = &pruned else {
                    unreachable!()
                };
                if !is_task && pruned_list.is_empty() {
                    continue;
                }
                if is_task && pruned_list.is_empty() && !children.is_empty() {
                    members.remove("children");
                } else {
                    members.insert("children".into(), pruned);
                }
            }
            kept.push(J::Obj(members));
        }
        J::Arr(kept)
    }

    /// Records (canonical) with [`without_taskless_groups`] applied to each `hierarchy`.
    fn round_trip_of(records: &J) -> J {
        let J::Arr(recs) = records else {
            return records.clone();
        };
        J::Arr(
            recs.iter()
                .map(|r| match r {
                    J::Obj(m) => {
                        let mut m = m.clone();
                        if let Some(h) = m.get("hierarchy").cloned() {
                            m.insert("hierarchy".into(), without_taskless_groups(&h));
                        }
                        J::Obj(m)
                    }
                    other => other.clone(),
                })
                .collect(),
        )
    }

    /// Records: (extras before, nodes, extras after).
    fn records_strategy() -> impl Strategy<Value = Vec<(Extras, Vec<GN>, Extras)>> {
        vec((extras(), vec(tree(), 0..4), extras()), 1..4)
    }

    struct Ids {
        next_task: usize,
    }

    fn push_extras(out: &mut String, extras: &Extras) {
        push_extras_except(out, extras, &mut Vec::new());
    }

    fn push_extras_except(out: &mut String, extras: &Extras, seen: &mut Vec<usize>) {
        for &(n, v) in extras {
            if seen.contains(&n) {
                continue;
            }
            seen.push(n);
            out.push_str(&format!("\"{}\": {},", NAMES[n], VALUES[v]));
        }
    }

    fn render_nodes(nodes: &[GN], ids: &mut Ids, out: &mut String) {
        out.push('[');
        let mut groups = 0;
        for (i, node) in nodes.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('{');
            match node {
                GN::Task {
                    extras,
                    ai,
                    state,
                    children_first,
                    empty_children,
                    children,
                } => {
                    let has_children = !children.is_empty() || *empty_children;
                    if *children_first && has_children {
                        out.push_str("\"children\":");
                        render_nodes(children, ids, out);
                        out.push(',');
                    }
                    push_extras(out, extras);
                    if let Some(a) = ai {
                        out.push_str(&format!("\"ai_impact\":{},", LEVELS[*a]));
                    }
                    if let Some(s) = state {
                        out.push_str(&format!("\"validation_state\":{},", STATES[*s]));
                    }
                    let n = ids.next_task;
                    ids.next_task += 1;
                    // Every third id is spelled with an escape.
                    if n % 3 == 2 {
                        out.push_str(&format!(r#""task_id":"t{n}\u0041""#));
                    } else {
                        out.push_str(&format!(r#""task_id":"t{n}""#));
                    }
                    if !*children_first && has_children {
                        out.push_str(",\"children\":");
                        render_nodes(children, ids, out);
                    }
                }
                GN::Group { extras, children } => {
                    // Sibling groups have distinct ids; cousins share them.
                    out.push_str(&format!(r#""node_id":"g{groups}","#));
                    push_extras(out, extras);
                    out.push_str(&format!(r#""name":"Gröup ✓ \"{groups}\"","children":"#));
                    groups += 1;
                    render_nodes(children, ids, out);
                }
            }
            out.push('}');
        }
        out.push(']');
    }

    fn render(recs: &[(Extras, Vec<GN>, Extras)]) -> String {
        let mut ids = Ids { next_task: 0 };
        let mut out = String::from("[");
        for (i, (before, nodes, after)) in recs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('{');
            let mut seen = Vec::new();
            push_extras_except(&mut out, before, &mut seen);
            out.push_str(&format!("\"external_id\":\"e{i}\",\"hierarchy\":"));
            render_nodes(nodes, &mut ids, &mut out);
            let mut tail = String::new();
            push_extras_except(&mut tail, after, &mut seen);
            if !tail.is_empty() {
                out.push(',');
                out.push_str(tail.trim_end_matches(','));
            }
            out.push('}');
        }
        out.push(']');
        out
    }

    fn tasks_of(records: &J) -> Vec<Vec<J>> {
        match records {
            J::Arr(recs) => recs
                .iter()
                .map(|r| match get(r, "tasks") {
                    J::Arr(t) => t.clone(),
                    other => panic!("tasks: {other:?}"),
                })
                .collect(),
            _ => panic!(),
        }
    }

    /// Law 2 for one conversion: the same tasks, and tasks sharing a place in order.
    fn check_law2(l: &str, h: &str) {
        let back = canon(&records(h, &list(false)));
        let placed = canon(&records(h, &list(true)));
        let before = tasks_of(&canon(l));
        let after = tasks_of(&back);
        assert_eq!(before.len(), after.len());
        for ((b, a), p) in before.iter().zip(&after).zip(tasks_of(&placed)) {
            // The one change: a task's empty `children` is replaced by the tasks placed under it,
            // and a parent task comes back to the list shape without `children`.
            let field = |j: &J, key: &str| match j {
                J::Obj(m) => m.get(key).cloned(),
                _ => None,
            };
            let parents: Vec<J> = p
                .iter()
                .flat_map(|t| match field(t, "path") {
                    Some(J::Arr(entries)) => {
                        entries.iter().filter_map(|e| field(e, "task_id")).collect()
                    }
                    _ => Vec::new(),
                })
                .collect();
            let b: Vec<J> = b
                .iter()
                .map(|t| match t {
                    J::Obj(m) if parents.contains(get(t, "task_id")) => {
                        let mut m = m.clone();
                        m.remove("children");
                        J::Obj(m)
                    }
                    other => other.clone(),
                })
                .collect();
            let b = &b;
            let mut bs = b.clone();
            let mut as_ = a.clone();
            bs.sort();
            as_.sort();
            assert_eq!(bs, as_, "the tasks differ");
            // Ids are unique in a record: input index of each output task, by place.
            let index_of = |t: &J| {
                b.iter()
                    .position(|x| get(x, "task_id") == get(t, "task_id"))
                    .unwrap()
            };
            let mut by_place: BTreeMap<J, Vec<usize>> = BTreeMap::new();
            for t in &p {
                by_place
                    .entry(get(t, "path").clone())
                    .or_default()
                    .push(index_of(t));
            }
            for (place, idx) in by_place {
                assert!(
                    idx.windows(2).all(|w| w[0] < w[1]),
                    "order changed in {place:?}: {idx:?}"
                );
            }
        }
    }

    fn group_options(k: usize) -> Vec<Dimension> {
        use Dimension::*;
        [
            vec![],
            vec![AiImpactLevel],
            vec![ValidationState],
            vec![AiImpactLevel, ValidationState],
            vec![ValidationState, AiImpactLevel],
        ][k % 5]
            .clone()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn law1_keep_path_round_trip(recs in records_strategy()) {
            let h = render(&recs);
            let l = records(&h, &list(true));
            let back = records(&l, &opts(Shape::Hierarchy));
            prop_assert_eq!(canon(&back), round_trip_of(&canon(&h)));
            // Through pages too, envelope kept.
            let page_h = format!(r#"{{"has_next":true,"n":12345678901234567890,"records":{h},"z":[0.1]}}"#);
            let page_l = page(&page_h, &list(true));
            let J::Obj(mut want) = canon(&page_h) else { unreachable!() };
            let want_records = round_trip_of(&want["records"]);
            want.insert("records".into(), want_records);
            prop_assert_eq!(canon(&page(&page_l, &opts(Shape::Hierarchy))), J::Obj(want));
            // Learning from the paths equals learning from the tree.
            prop_assert_eq!(learned(&l).to_json(), learned(&h).to_json());
        }

        #[test]
        fn law1_taxonomy_round_trip(recs in records_strategy()) {
            let h = render(&recs);
            let tax = learned(&h);
            prop_assert_eq!(tax.conflicts(), 0);
            let tax = TaskTaxonomy::from_json(&tax.to_json()).unwrap();
            let l = records(&h, &list(false));
            let o = ConvertOptions { taxonomy: Some(&tax), ..opts(Shape::Hierarchy) };
            prop_assert_eq!(canon(&records(&l, &o)), round_trip_of(&canon(&h)));
            // A hierarchy passes through unchanged.
            prop_assert_eq!(canon(&records(&h, &o)), canon(&h));
        }

        /// The same task ids at different places (taxonomy conflicts): each id keeps the place
        /// it was learned at first, every later sighting at another place counts one conflict,
        /// and placing by the taxonomy puts every task at its id's first place.
        #[test]
        fn taxonomy_conflicts_keep_the_first_place(a in records_strategy(), b in records_strategy()) {
            // Each rendering numbers its tasks from t0: the two share ids, mostly at other places.
            let (ha, hb) = (render(&a), render(&b));
            let both = format!("[{},{}]", &ha[1..ha.len() - 1], &hb[1..hb.len() - 1]);
            // Where each id is, as the list shape's `path` says it.
            let places = |h: &str| -> BTreeMap<J, J> {
                tasks_of(&canon(&records(h, &list(true))))
                    .into_iter()
                    .flatten()
                    .map(|t| {
                        // A place is the ids along its path: a group is known by its `node_id`.
                        let ids = match &t {
                            J::Obj(m) => match m.get("path") {
                                Some(J::Arr(entries)) => entries
                                    .iter()
                                    .map(|e| match e {
                                        J::Obj(e) => J::Obj(e.iter().filter(|(k, _)| *k == "node_id" || *k == "task_id").map(|(k, v)| (k.clone(), v.clone())).collect()),
                                        other => other.clone(),
                                    })
                                    .collect(),
                                _ => Vec::new(),
                            },
                            _ => unreachable!(),
                        };
                        (get(&t, "task_id").clone(), J::Arr(ids))
                    })
                    .collect()
            };
            let (pa, pb) = (places(&ha), places(&hb));
            let tax = learned(&both);
            let expected_conflicts = pb.iter().filter(|(id, place)| pa.get(*id).is_some_and(|first| first != *place)).count();
            prop_assert_eq!(tax.conflicts(), expected_conflicts as u64);
            // Placed by the taxonomy, b's tasks go where a put them first. (A place under a
            // parent task is kept only where that task is found, which moving it elsewhere may
            // prevent: those are checked to be placed, not where.)
            let o = ConvertOptions { taxonomy: Some(&tax), ..opts(Shape::Hierarchy) };
            let placed = places(&records(&records(&hb, &list(false)), &o));
            prop_assert_eq!(placed.len(), pb.len());
            let under_a_task = |place: &J| matches!(place, J::Arr(entries) if entries.iter().any(|e| matches!(e, J::Obj(m) if m.contains_key("task_id"))));
            for (id, place) in &placed {
                let first = pa.get(id).unwrap_or(&pb[id]);
                if !under_a_task(first) {
                    prop_assert_eq!(place, first, "task {:?}", id);
                }
            }
        }

        /// Damaged inputs give errors or valid JSON, never a panic.
        #[test]
        fn damaged_input_never_panics(
            recs in records_strategy(),
            cut in any::<prop::sample::Index>(),
            flip in any::<prop::sample::Index>(),
            byte in prop::sample::select(b"{}[]\",:0n \\".to_vec()),
            k in 0usize..5,
        ) {
            let h = render(&recs);
            let l = records(&h, &list(true));
            let tax = learned(&h);
            for src in [&h, &l] {
                let mut flipped = src.as_bytes().to_vec();
                let i = flip.index(flipped.len());
                flipped[i] = byte;
                let cut_at = cut.index(flipped.len() + 1);
                for input in [&flipped[..], &flipped[..cut_at], &src.as_bytes()[..cut_at]] {
                    for o in [list(false), list(true), ConvertOptions { taxonomy: Some(&tax), group_by: group_options(k), ..opts(Shape::Hierarchy) }] {
                        for out in [convert_records(input, &o), convert_page(input, &o)].into_iter().flatten() {
                            canon(std::str::from_utf8(&out).unwrap());
                        }
                    }
                    let _ = TaskTaxonomy::new().learn_json(input);
                    if let Ok(text) = std::str::from_utf8(input) {
                        let _ = TaskTaxonomy::from_json(text);
                    }
                }
            }
            let json = tax.to_json();
            let mut end = cut.index(json.len() + 1);
            while !json.is_char_boundary(end) {
                end -= 1;
            }
            let _ = TaskTaxonomy::from_json(&json[..end]);
        }

        /// Plans from the skeletons the JS package writes build what the byte converter builds,
        /// for every conversion and records of either shape.
        #[test]
        fn plans_build_what_the_byte_converter_builds(recs in records_strategy(), other in records_strategy(), k in 0usize..5) {
            let h = render(&recs);
            let l = records(&h, &list(true));
            let l_plain = records(&h, &list(false));
            let mixed = format!("[{},{}]", &h[1..h.len() - 1], &l[1..l.len() - 1]);
            // A taxonomy learned elsewhere (ids overlap, places differ), and this one.
            let elsewhere = learned(&render(&other));
            let here = learned(&h);
            for input in [&h, &l, &l_plain, &mixed] {
                for o in [
                    list(false),
                    list(true),
                    opts(Shape::Hierarchy),
                    ConvertOptions { taxonomy: Some(&here), ..opts(Shape::Hierarchy) },
                    ConvertOptions { taxonomy: Some(&elsewhere), group_by: group_options(k), ..opts(Shape::Hierarchy) },
                ] {
                    let (planned, converted) = super::plans::both(input, &o);
                    prop_assert_eq!(planned, converted, "{:?}", o);
                }
            }
        }

        #[test]
        fn law2_tasks_survive_any_placement(recs in records_strategy(), other in records_strategy(), k in 0usize..5, keep in any::<bool>()) {
            let h = render(&recs);
            let l = records(&h, &list(keep));
            let l_plain = records(&h, &list(false));
            // A taxonomy learned elsewhere (ids overlap, places differ).
            let tax = learned(&render(&other));
            let group_by = group_options(k);
            let o = ConvertOptions { taxonomy: Some(&tax), group_by: group_by.clone(), ..opts(Shape::Hierarchy) };
            let converted = records(&l_plain, &o);
            check_law2(&l_plain, &converted);
            if !group_by.is_empty() {
                // Grouped, a task's own path is an ordinary field and is kept.
                check_law2(&l, &records(&l, &o));
                // Regrouping a hierarchy gives the same tasks as its list.
                check_law2(&l_plain, &records(&h, &o));
            }
        }
    }
}

#[test]
fn convert_page_reads_the_envelope_in_the_same_pass() {
    use crate::page::{read_page, Field};
    for body in [PAGE_LIST, PAGE_HIERARCHY] {
        let expected = read_page(body.as_bytes(), ErrorKind::Protocol).unwrap();
        let (envelope, out) = convert_page_with_envelope(body.as_bytes(), &list(false)).unwrap();
        assert_eq!(envelope, expected);
        assert_eq!(out, page(body, &list(false)).into_bytes());
    }
    // A member of the wrong type is refused as the page reader refuses it, as a server error.
    let odd = br#"{ "has_next" : "yes", "next_starting_after": 5, "records": [] }"#;
    let e = convert_page_with_envelope(odd, &list(false)).unwrap_err();
    assert_eq!(e, read_page(odd, ErrorKind::Protocol).unwrap_err());
    assert_eq!(e.message, "has_next: expected a boolean, found a string");
    // The same page from the caller is the caller's mistake.
    let e = convert_page(odd, &list(false)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    let last = br#"{"has_next": false, "next_starting_after": null, "records": [{"external_id": "e", "tasks": []}]}"#;
    let (envelope, _) = convert_page_with_envelope(last, &list(false)).unwrap();
    assert_eq!(envelope.has_next, Field::Value(false));
    assert_eq!(envelope.next_starting_after, Field::Missing);
    assert_eq!(envelope.records, Field::Value(1));
}

// ---------------------------------------------------------------------------------------------
// Plans from skeletons the way the JS package writes them ([`plan_records`]): a walker and an
// executor over raw JSON, written for the tests as `pkg-templates/shapes.js` is written (the
// walker reads only valid input), and compared with the byte converter.

mod plans {
    use std::collections::HashMap;

    use super::*;
    use crate::shape::plan::op;

    type Obj<'a> = Vec<(String, &'a RawValue)>;

    /// A plan as [`plan_records`] gives it, read back: instructions, and the groups' JSON text.
    pub(super) struct RecordsPlan {
        pub ops: Vec<u32>,
        pub groups: String,
    }

    pub(super) fn planned(
        words: &[u32],
        strings: &[u8],
        o: &ConvertOptions,
    ) -> Result<RecordsPlan> {
        let text = plan_records(words, strings, o)?;
        let (ops, groups): (Vec<u32>, &RawValue) = serde_json::from_slice(&text).unwrap();
        Ok(RecordsPlan {
            ops,
            groups: groups.get().to_owned(),
        })
    }

    fn obj(raw: &RawValue) -> Obj<'_> {
        serde_json::from_str::<Members>(raw.get()).unwrap().0
    }

    fn arr(raw: &RawValue) -> Vec<&RawValue> {
        serde_json::from_str(raw.get()).unwrap()
    }

    fn field<'a>(o: &Obj<'a>, key: &str) -> Option<&'a RawValue> {
        o.iter().rev().find(|(k, _)| k == key).map(|(_, v)| *v)
    }

    fn string(raw: Option<&RawValue>) -> Option<String> {
        raw.and_then(|r| serde_json::from_str::<String>(r.get()).ok())
    }

    /// A skeleton and what its numbers name, as `pkg-templates/skeleton.js` collects them.
    #[derive(Default)]
    pub(super) struct Walk<'a> {
        pub words: Vec<u32>,
        strings: Vec<String>,
        index: HashMap<String, u32>,
        records: Vec<Obj<'a>>,
        items: Vec<Obj<'a>>,
        entries: Vec<Obj<'a>>,
    }

    impl<'a> Walk<'a> {
        fn string(&mut self, s: String) -> u32 {
            let next = self.strings.len() as u32;
            *self.index.entry(s.clone()).or_insert_with(|| {
                self.strings.push(s);
                next
            })
        }

        pub fn strings_json(&self) -> Vec<u8> {
            serde_json::to_vec(&self.strings).unwrap()
        }

        fn values(&mut self, t: &Obj<'a>, dims: &[Dimension]) {
            for dim in dims {
                let v = match dim {
                    Dimension::ValidationState => string(field(t, "validation_state")),
                    Dimension::AiImpactLevel => field(t, "ai_impact")
                        .filter(|ai| ai.get().starts_with('{'))
                        .and_then(|ai| string(field(&obj(ai), "level"))),
                };
                let word = v.map_or(0, |v| self.string(v) + 1);
                self.words.push(word);
            }
        }

        fn nodes(&mut self, nodes: &'a RawValue, dims: Option<&[Dimension]>) {
            for n in arr(nodes) {
                let n = obj(n);
                let children = field(&n, "children").map(arr).unwrap_or_default();
                let task = field(&n, "task_id").is_some();
                self.words.push(children.len() as u32 * 2 + u32::from(task));
                if let (true, Some(dims)) = (task, dims) {
                    self.values(&n, dims);
                }
                let nested = field(&n, "children");
                self.items.push(n);
                if let Some(c) = nested {
                    self.nodes(c, dims);
                }
            }
        }
    }

    /// The skeleton of an array of records for `o` (the header, then each record).
    pub(super) fn walk<'a>(records: &'a RawValue, o: &ConvertOptions) -> Walk<'a> {
        let dims = &o.group_by[..];
        let mut w = Walk {
            words: vec![if o.to == Shape::List {
                0
            } else {
                dims.len() as u32
            }],
            ..Walk::default()
        };
        for r in arr(records) {
            let r = obj(r);
            let tasks = field(&r, "tasks");
            let hierarchy = field(&r, "hierarchy");
            w.records.push(r);
            match (o.to, tasks, hierarchy) {
                (Shape::List, Some(_), _) => w.words.push(0),
                (Shape::List, _, Some(h)) => {
                    w.words.extend([1, arr(h).len() as u32]);
                    w.nodes(h, None);
                }
                (Shape::Hierarchy, _, Some(_)) if dims.is_empty() => w.words.push(1),
                (Shape::Hierarchy, _, Some(h)) => {
                    w.words.extend([1, arr(h).len() as u32]);
                    w.nodes(h, Some(dims));
                }
                (Shape::Hierarchy, Some(t), _) => {
                    let tasks = arr(t);
                    w.words.extend([0, tasks.len() as u32]);
                    for t in tasks {
                        let t = obj(t);
                        if !dims.is_empty() {
                            w.values(&t, dims);
                        } else {
                            let id = w.string(string(field(&t, "task_id")).unwrap());
                            w.words.push(id);
                            match field(&t, "path") {
                                None => w.words.push(0),
                                Some(path) => {
                                    let path = arr(path);
                                    w.words.push(path.len() as u32 + 1);
                                    for e in path {
                                        let e = obj(e);
                                        let word = match string(field(&e, "task_id")) {
                                            Some(id) => w.string(id) * 2 + 1,
                                            None => {
                                                w.string(string(field(&e, "node_id")).unwrap()) * 2
                                            }
                                        };
                                        w.words.push(word);
                                        w.entries.push(e);
                                    }
                                }
                            }
                        }
                        w.items.push(t);
                    }
                }
                _ => panic!("not a record"),
            }
        }
        w
    }

    fn members(o: &Obj, skip: &[&str], out: &mut String) -> bool {
        let mut any = false;
        for (k, v) in o {
            if skip.contains(&k.as_str()) {
                continue;
            }
            if any {
                out.push(',');
            }
            out.push_str(&serde_json::to_string(k).unwrap());
            out.push(':');
            out.push_str(v.get());
            any = true;
        }
        any
    }

    /// What a plan says, as JSON text: `pkg-templates/assemble.js`, over raw JSON.
    pub(super) fn assemble(w: &Walk, plan: &RecordsPlan, to: Shape) -> String {
        let groups: Vec<Obj> = serde_json::from_str::<Vec<&RawValue>>(&plan.groups)
            .unwrap()
            .into_iter()
            .map(obj)
            .collect();
        let key = if to == Shape::List {
            "tasks"
        } else {
            "hierarchy"
        };
        let mut ops = plan
            .ops
            .chunks_exact(2)
            .map(|pair| (pair[0], pair[1] as usize));
        let mut out: Vec<String> = Vec::new();
        let (mut rec, mut buf) = (0, String::new());
        let mut first = vec![true];
        let mut path: Vec<String> = Vec::new();
        let sep = |first: &mut Vec<bool>, buf: &mut String| {
            let f = first.last_mut().unwrap();
            if !*f {
                buf.push(',');
            }
            *f = false;
        };
        for (code, arg) in ops.by_ref() {
            let arg = || arg;
            match code {
                op::REC => {
                    rec = arg();
                    buf.clear();
                    first = vec![true];
                }
                op::PASS => {
                    let mut s = String::from("{");
                    members(&w.records[arg()], &[], &mut s);
                    out.push(s + "}");
                }
                op::END => {
                    let mut s = String::from("{");
                    for (i, (k, v)) in w.records[rec].iter().enumerate() {
                        if i > 0 {
                            s.push(',');
                        }
                        if k == "tasks" || k == "hierarchy" {
                            s.push_str(&format!("\"{key}\":[{buf}]"));
                        } else {
                            s.push_str(&format!(
                                "{}:{}",
                                serde_json::to_string(k).unwrap(),
                                v.get()
                            ));
                        }
                    }
                    out.push(s + "}");
                }
                op::TASK | op::TASK_STRIP | op::TASK_PATH | op::OPEN | op::OPEN_STRIP => {
                    let item = &w.items[arg()];
                    sep(&mut first, &mut buf);
                    buf.push('{');
                    // A task keeps an empty `children` (data); an opened node gets its own.
                    let empty_children = !matches!(code, op::OPEN | op::OPEN_STRIP)
                        && item.iter().any(|(k, v)| {
                            k == "children"
                                && v.get()
                                    .bytes()
                                    .filter(|b| !b.is_ascii_whitespace())
                                    .eq(*b"[]")
                        });
                    let skip: &[&str] = match (matches!(code, op::TASK | op::OPEN), empty_children)
                    {
                        (true, false) => &["children"],
                        (true, true) => &[],
                        (false, false) => &["children", "path"],
                        (false, true) => &["path"],
                    };
                    let any = members(item, skip, &mut buf);
                    match code {
                        op::TASK_PATH => {
                            if any {
                                buf.push(',');
                            }
                            buf.push_str(&format!("\"path\":[{}]}}", path.join(",")));
                        }
                        op::OPEN | op::OPEN_STRIP => {
                            buf.push_str(",\"children\":[");
                            first.push(true);
                        }
                        _ => buf.push('}'),
                    }
                }
                op::GROUP | op::GROUP_ENTRY => {
                    let i = arg();
                    let o = if code == op::GROUP {
                        &groups[i]
                    } else {
                        &w.entries[i]
                    };
                    sep(&mut first, &mut buf);
                    buf.push('{');
                    members(o, &["children"], &mut buf);
                    buf.push_str(",\"children\":[");
                    first.push(true);
                }
                op::CLOSE => {
                    buf.push_str("]}");
                    first.pop();
                }
                op::ENTER_GROUP => {
                    let mut s = String::from("{");
                    members(&w.items[arg()], &["children"], &mut s);
                    path.push(s + "}");
                }
                op::ENTER_TASK => {
                    let id = field(&w.items[arg()], "task_id").unwrap().get();
                    path.push(format!("{{\"task_id\":{id}}}"));
                }
                op::LEAVE => {
                    path.pop();
                }
                other => panic!("unknown instruction {other}"),
            }
        }
        format!("[{}]", out.join(","))
    }

    /// The records as the plan path makes them, next to the byte converter's.
    pub(super) fn both(records: &str, o: &ConvertOptions) -> (J, J) {
        let raw: &RawValue = serde_json::from_str(records).unwrap();
        let w = walk(raw, o);
        let plan = planned(&w.words, &w.strings_json(), o).unwrap();
        (
            canon(&assemble(&w, &plan, o.to)),
            canon(&super::records(records, o)),
        )
    }

    fn each_option(taxonomy: &TaskTaxonomy) -> Vec<ConvertOptions<'_>> {
        use Dimension::*;
        let mut all = vec![list(false), list(true), opts(Shape::Hierarchy)];
        for group_by in [
            vec![AiImpactLevel],
            vec![ValidationState],
            vec![ValidationState, AiImpactLevel],
        ] {
            all.push(ConvertOptions {
                group_by,
                ..opts(Shape::Hierarchy)
            });
        }
        all.push(ConvertOptions {
            taxonomy: Some(taxonomy),
            ..opts(Shape::Hierarchy)
        });
        all
    }

    #[test]
    fn plans_build_the_fixtures_as_the_byte_converter_does() {
        let hier = get_records(PAGE_HIERARCHY);
        let list_records = get_records(PAGE_LIST);
        let tax = learned(hier.get());
        let with_path = super::records(hier.get(), &list(true));
        for records in [hier.get(), list_records.get(), &with_path] {
            for o in each_option(&tax) {
                let (planned, converted) = both(records, &o);
                assert_eq!(planned, converted, "{o:?}");
            }
        }
    }

    #[test]
    fn a_plan_is_instructions_and_groups() {
        // To list with paths: a group, a task under it, a sub-task under that task.
        let h = r#"[{"external_id":"e","hierarchy":[{"node_id":"g","name":"G","children":[
            {"task_id":"t","children":[{"task_id":"u"}]}]}]}]"#;
        let raw: &RawValue = serde_json::from_str(h).unwrap();
        let w = walk(raw, &list(true));
        // Header, HIERARCHY with 1 node: a group with 1 child, a task with 1 child, a task.
        assert_eq!(w.words, [0, 1, 1, 2, 3, 1]);
        let plan = planned(&w.words, &w.strings_json(), &list(true)).unwrap();
        use op::*;
        assert_eq!(
            plan.ops,
            [
                REC,
                0,
                ENTER_GROUP,
                0,
                TASK_PATH,
                1,
                ENTER_TASK,
                1,
                TASK_PATH,
                2, //
                LEAVE,
                0,
                LEAVE,
                0,
                END,
                0,
            ]
        );
        assert_eq!(plan.groups, "[]");
        // Without paths, the group disappears.
        let plan = planned(&w.words, b"[]", &list(false)).unwrap();
        assert_eq!(plan.ops, [REC, 0, TASK, 1, TASK, 2, END, 0]);

        // To hierarchy by path: the path's group is entry 0, the parent task entry 1.
        let l = super::records(h, &list(true));
        let raw: &RawValue = serde_json::from_str(&l).unwrap();
        let o = opts(Shape::Hierarchy);
        let w = walk(raw, &o);
        let plan = planned(&w.words, &w.strings_json(), &o).unwrap();
        assert_eq!(
            plan.ops,
            [
                REC,
                0,
                GROUP_ENTRY,
                0,
                OPEN_STRIP,
                0,
                TASK_STRIP,
                1, //
                CLOSE,
                0,
                CLOSE,
                0,
                END,
                0,
            ]
        );

        // Grouped: each group once in `groups`, across records; the unknown value too.
        let two = r#"[{"external_id":"a","tasks":[{"task_id":"x","validation_state":"validated"},{"task_id":"y"}]},
                {"external_id":"b","tasks":[{"task_id":"x","validation_state":"validated"}]},
                {"external_id":"c","hierarchy":[]}]"#;
        let o = ConvertOptions {
            group_by: vec![Dimension::ValidationState],
            ..opts(Shape::Hierarchy)
        };
        let raw: &RawValue = serde_json::from_str(two).unwrap();
        let w = walk(raw, &o);
        let plan = planned(&w.words, &w.strings_json(), &o).unwrap();
        assert_eq!(
            plan.groups,
            r#"[{"node_id":"validated","name":"validated","children":null},{"node_id":"unknown","name":"unknown","children":null}]"#
        );
        assert_eq!(
            plan.ops,
            [
                REC, 0, GROUP, 0, TASK, 0, CLOSE, 0, GROUP, 1, TASK, 1, CLOSE, 0, END, 0, //
                REC, 1, GROUP, 0, TASK, 2, CLOSE, 0, END, 0, //
                REC, 2, END, 0,
            ]
        );
        // Passing through: a list record to list, a hierarchy record to hierarchy.
        let plan = planned(&[0, 0, 0], b"[]", &list(false)).unwrap();
        assert_eq!(plan.ops, [PASS, 0, PASS, 1]);
        let plan = planned(&[0, 1], b"[]", &opts(Shape::Hierarchy)).unwrap();
        assert_eq!(plan.ops, [PASS, 0]);
    }

    #[test]
    fn a_taxonomy_group_is_sent_once_for_every_record_it_holds() {
        let hier = get_records(PAGE_HIERARCHY);
        let tax = learned(hier.get());
        let l = super::records(hier.get(), &list(false));
        let twice = format!("[{},{}]", &l[1..l.len() - 1], &l[1..l.len() - 1]);
        let o = ConvertOptions {
            taxonomy: Some(&tax),
            ..opts(Shape::Hierarchy)
        };
        let raw: &RawValue = serde_json::from_str(&twice).unwrap();
        let w = walk(raw, &o);
        let plan = planned(&w.words, &w.strings_json(), &o).unwrap();
        let groups: Vec<&RawValue> = serde_json::from_str(&plan.groups).unwrap();
        let distinct: std::collections::BTreeSet<_> = tax
            .iter()
            .flat_map(|(_, path)| path.iter().map(|e| e.to_json()))
            .collect();
        assert!(groups.len() <= tax.iter().map(|(_, p)| p.len()).sum::<usize>());
        let members = |g: &RawValue| {
            let text = g.get();
            format!("{}}}", &text[..text.len() - ",\"children\":null}".len()])
        };
        assert!(groups.iter().all(|g| distinct.contains(&members(g))));
        assert_eq!(
            canon(&assemble(&w, &plan, Shape::Hierarchy)),
            canon(&super::records(&twice, &o))
        );
    }

    #[test]
    fn malformed_skeletons_are_errors() {
        let h = opts(Shape::Hierarchy);
        let grouped = ConvertOptions {
            group_by: vec![Dimension::AiImpactLevel],
            ..opts(Shape::Hierarchy)
        };
        let keep = list(true);
        let cases: &[(&[u32], &[u8], &ConvertOptions)] = &[
            (&[], b"[]", &h),                      // no header
            (&[1], b"[]", &h),                     // header: grouping dimensions that are not given
            (&[0], b"[]", &grouped),               // and the other way round
            (&[0, 7], b"[]", &h),                  // no such record
            (&[0, 0, 2], b"[]", &h),               // tasks missing
            (&[0, 0, 1, 5, 0], b"[]", &h),         // string out of range
            (&[0, 0, 1, 0, 2], br#"["t"]"#, &h),   // an entry missing
            (&[0, 0, 1, 0, 130], br#"["t"]"#, &h), // a path longer than allowed
            (&[0, 1, 1, 3], b"[]", &keep),         // a node's child missing
            (&[1, 1, 1, 1, 3], b"[]", &grouped),   // a grouping value out of range
            (&[0, 0, 1, 0, 0], b"{}", &h),         // strings not an array
            (&[0, 0, 1, 0, 0], b"[1]", &h),        // not strings
            (&[0, 0, 1, 0, 0], b"[\"\xff\"]", &h), // not UTF-8
        ];
        for (words, strings, o) in cases {
            let e = plan_records(words, strings, o)
                .err()
                .unwrap_or_else(|| panic!("{words:?} planned"));
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{words:?}");
            assert_eq!(e.message, "skeleton: malformed");
        }
        // Nodes nested deeper than the reader allows.
        let mut deep = vec![0, 1, 1];
        deep.extend(std::iter::repeat_n(2, 200));
        deep.push(1);
        assert!(plan_records(&deep, b"[]", &keep).is_err());
        // Option errors are the converter's.
        let twice = ConvertOptions {
            group_by: vec![Dimension::AiImpactLevel; 2],
            ..opts(Shape::Hierarchy)
        };
        let e = plan_records(&[2], b"[]", &twice).err().unwrap();
        assert_eq!(e, convert_records(b"[]", &twice).unwrap_err());
    }

    mod fuzz {
        use proptest::prelude::*;

        use super::super::*;
        use super::each_option;

        proptest! {
            /// Any words and strings: a plan or an error, never a panic.
            #[test]
            fn any_skeleton_plans_or_fails(
                words in proptest::collection::vec(0u32..40, 0..60),
                strings in proptest::sample::select(vec![&b"[]"[..], br#"["a","b","a\u0041"]"#, br#"["\ud800"]"#, b"[", b"[1,"]),
                k in 0usize..4,
                keep in any::<bool>(),
            ) {
                let tax = learned(get_records(PAGE_HIERARCHY).get());
                let mut o = each_option(&tax)[k * 2 % 7].clone();
                o.keep_path = keep;
                let _ = plan_records(&words, strings, &o);
                let mut headed = vec![if o.to == Shape::List { 0 } else { o.group_by.len() as u32 }];
                headed.extend(&words);
                let _ = plan_records(&headed, strings, &o);
            }
        }
    }
}
