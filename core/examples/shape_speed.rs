//! Native throughput of `shape::convert_page` on a synthetic ~5.6 MB set of pages (5 pages of 100 employees).
//!
//! `cargo run --release --example shape_speed`
//!
//! Reports MB/s of input for each direction, and for reference a `serde_json::Value` round trip
//! (parse + serialise, no conversion) of the same bytes.

use std::hint::black_box;
use std::time::Instant;

use task_profiles_core::page::{Dimension, Shape};
use task_profiles_core::shape::{convert_page, ConvertOptions, TaskTaxonomy};

const LEVELS: [&str; 5] = ["H1", "H2", "H3", "H4", "H5"];
const STATES: [&str; 3] = ["validated", "suggested", "rejected"];

/// A task node as in the export, ~450 bytes.
fn task(out: &mut String, id: usize, seed: usize) {
    out.push_str(&format!(
        concat!(
            r#"{{"task_id":"task-{id:05}","task":"Task number {id} with a longer display name","#,
            r#""validation_state":"{state}","weekly_hours":{hours},"#,
            r#""ai_impact":{{"level":"{level}","rationale":"Portions can be automated via LLM generation of drafts"}},"#,
            r#""linked_skills":[{{"skill_id":"4b85469d-6729-4d70-9876-a0faa2a2f63b","skill":"Python"}},"#,
            r#"{{"skill_id":"e03c1859-3bae-4700-b2c5-ede2937038de","skill":"Test-Driven Development"}}],"#,
            r#""source_events":[{{"external_id":"5cbdbdbe-5f44-4423-8157-520f8a2f429a","event_type":"project"}}],"#,
            r#""confidence":0.{conf}}}"#
        ),
        id = id,
        state = STATES[seed % 3],
        hours = (seed % 17) as f64 / 2.0,
        level = LEVELS[seed % 5],
        conf = 10 + seed % 89,
    ));
}

/// A hierarchy page: 100 employees, ~20 tasks each under two levels of groups.
fn hierarchy_page(page: usize) -> String {
    let mut out = String::from(r#"{"has_next":true,"next_starting_after":"x","records":["#);
    for r in 0..100 {
        if r > 0 {
            out.push(',');
        }
        let seed = page * 100 + r;
        out.push_str(&format!(r#"{{"external_id":"emp-{seed:06}","hierarchy":["#));
        for g in 0..3 {
            if g > 0 {
                out.push(',');
            }
            out.push_str(&format!(
                r#"{{"node_id":"area-{g}","name":"Area {g}","children":["#
            ));
            for s in 0..2 {
                if s > 0 {
                    out.push(',');
                }
                out.push_str(&format!(
                    r#"{{"node_id":"area-{g}-sub-{s}","name":"Sub-area {g}.{s}","children":["#
                ));
                for t in 0..3 + (seed + g + s) % 2 {
                    if t > 0 {
                        out.push(',');
                    }
                    let id = g * 100 + s * 10 + t;
                    task(&mut out, id, seed + id);
                }
                out.push_str("]}");
            }
            out.push_str("]}");
        }
        out.push_str("]}");
    }
    out.push_str("]}");
    out
}

fn measure(name: &str, pages: &[String], f: impl Fn(&[u8]) -> usize) {
    let bytes: usize = pages.iter().map(String::len).sum();
    // Warm up, then take the best of several runs.
    let mut out_bytes = 0;
    for p in pages {
        out_bytes += f(p.as_bytes());
    }
    let mut best = f64::MAX;
    for _ in 0..7 {
        let t = Instant::now();
        for p in pages {
            black_box(f(black_box(p.as_bytes())));
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "{name:<44} {:>7.1} MB in, {:>7.1} MB out, {:>8.1} MB/s",
        bytes as f64 / 1e6,
        out_bytes as f64 / 1e6,
        bytes as f64 / 1e6 / best
    );
}

fn main() {
    let hier: Vec<String> = (0..5).map(hierarchy_page).collect();
    let total: usize = hier.iter().map(String::len).sum();
    assert!(total > 4_000_000, "synthetic set is {total} bytes");
    let to_list = ConvertOptions::new(Shape::List);
    let to_list_kp = ConvertOptions {
        keep_path: true,
        ..ConvertOptions::new(Shape::List)
    };
    let list: Vec<String> = hier
        .iter()
        .map(|p| String::from_utf8(convert_page(p.as_bytes(), &to_list).unwrap()).unwrap())
        .collect();
    let list_kp: Vec<String> = hier
        .iter()
        .map(|p| String::from_utf8(convert_page(p.as_bytes(), &to_list_kp).unwrap()).unwrap())
        .collect();
    let mut tax = TaskTaxonomy::new();
    for p in &hier {
        tax.learn_json(p.as_bytes()).unwrap();
    }
    let to_hier_tax = ConvertOptions {
        taxonomy: Some(&tax),
        ..ConvertOptions::new(Shape::Hierarchy)
    };
    let to_hier = ConvertOptions::new(Shape::Hierarchy);
    let to_hier_group = ConvertOptions {
        group_by: vec![Dimension::AiImpactLevel, Dimension::ValidationState],
        ..ConvertOptions::new(Shape::Hierarchy)
    };
    fn run<'o>(o: &'o ConvertOptions<'o>) -> impl Fn(&[u8]) -> usize + 'o {
        move |b: &[u8]| convert_page(b, o).unwrap().len()
    }
    measure("hierarchy -> list", &hier, run(&to_list));
    measure("hierarchy -> list, keepPath", &hier, run(&to_list_kp));
    measure("list -> hierarchy, taxonomy", &list, run(&to_hier_tax));
    measure("list (with path) -> hierarchy", &list_kp, run(&to_hier));
    measure(
        "list -> hierarchy, groupBy level+state",
        &list,
        run(&to_hier_group),
    );
    measure(
        "hierarchy -> hierarchy (pass through)",
        &hier,
        run(&to_hier),
    );
    measure("reference: serde_json::Value parse+write", &hier, |b| {
        let v: serde_json::Value = serde_json::from_slice(b).unwrap();
        serde_json::to_vec(&v).unwrap().len()
    });
}
