//! End-to-end tests: real HTTP against an in-process sandbox on a free port.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;
use task_profiles_sandbox::faults::FaultConfig;
use task_profiles_sandbox::SandboxConfig;

const BASE_FIELDS: [&str; 3] = ["task_id", "task", "validation_state"];

fn tasks_of(records: &[Value]) -> Vec<Value> {
    records
        .iter()
        .flat_map(|r| r["tasks"].as_array().unwrap().clone())
        .collect()
}

#[test]
fn pagination_walk_returns_every_employee_once_in_order() {
    let sandbox = start(1000);
    let records = walk(sandbox.addr, "", 97, &[], "");
    let ids: Vec<&str> = records
        .iter()
        .map(|r| r["external_id"].as_str().unwrap())
        .collect();
    let tenant = sandbox.state.tenant();
    let expected: Vec<&str> = (0..tenant.len()).map(|i| tenant.id(i)).collect();
    assert_eq!(ids, expected);
    // An exact multiple of the limit: the last full page must say has_next=false.
    let records = walk(sandbox.addr, "", 100, &[], "");
    assert_eq!(records.len(), 1000);
    // Employees without tasks still appear, with an empty task list.
    assert!(records.iter().any(|r| r["tasks"] == Value::Array(vec![])));
}

#[test]
fn list_and_hierarchy_hold_the_same_tasks_in_preorder() {
    let sandbox = start(400);
    for include in [&ALL_INCLUDES[..], &[], &["rejected_tasks", "weekly_hours"]] {
        let list = walk(sandbox.addr, "response_format=list", 50, include, "");
        let tree = walk(sandbox.addr, "response_format=hierarchy", 50, include, "");
        assert_eq!(list.len(), tree.len());
        let mut groups_seen = 0;
        for (l, h) in list.iter().zip(&tree) {
            assert_eq!(l["external_id"], h["external_id"]);
            let mut flat = Vec::new();
            preorder(&h["hierarchy"], &mut flat);
            assert_eq!(
                &flat,
                l["tasks"].as_array().unwrap(),
                "{}",
                l["external_id"]
            );
            groups_seen += h["hierarchy"].as_array().unwrap().len();
            // Groups are not repeated among siblings: grouping is by first appearance.
            let top: Vec<&str> = h["hierarchy"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["node_id"].as_str().unwrap())
                .collect();
            let unique: BTreeSet<&&str> = top.iter().collect();
            assert_eq!(unique.len(), top.len());
        }
        assert!(groups_seen > 0);
    }
}

#[test]
fn field_order_follows_the_contract() {
    let sandbox = start(200);
    let r = export(sandbox.addr, "", &body(100, None, &ALL_INCLUDES, ""));
    let text = r.text();
    assert!(text.starts_with("{\"has_next\":true,\"next_starting_after\":\""));
    assert!(text.contains("\",\"records\":[{\"external_id\":\""));
    let order = [
        "\"task_id\"",
        "\"task\"",
        "\"validation_state\"",
        "\"weekly_hours\"",
        "\"ai_impact\"",
        "\"linked_skills\"",
        "\"source_events\"",
        "\"confidence\"",
    ];
    let with_confidence = text
        .split("{\"task_id\"")
        .skip(1)
        .find(|t| t.contains("\"confidence\""))
        .expect("some task carries the unknown confidence field");
    let task = format!("{{\"task_id\"{with_confidence}");
    let positions: Vec<usize> = order.iter().map(|k| task.find(k).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{task}");
    assert_eq!(r.header("content-type"), Some("application/json"));
}

#[test]
fn each_include_adds_exactly_its_field() {
    let sandbox = start(300);
    let base: BTreeSet<&str> = BASE_FIELDS.into_iter().collect();
    let check = |include: &[&str], extra: &[&str]| {
        let records = walk(sandbox.addr, "", 100, include, "");
        let tasks = tasks_of(&records);
        assert!(!tasks.is_empty());
        let mut expected = base.clone();
        expected.extend(extra.iter().copied());
        for task in &tasks {
            let mut keys: BTreeSet<&str> = task
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            keys.remove("confidence");
            assert_eq!(keys, expected, "include {include:?}: {task}");
        }
        tasks
    };
    let plain = check(&[], &[]);
    for name in [
        "ai_impact",
        "source_events",
        "linked_skills",
        "weekly_hours",
    ] {
        check(&[name], &[name]);
    }
    let all = check(
        &ALL_INCLUDES,
        &[
            "ai_impact",
            "source_events",
            "linked_skills",
            "weekly_hours",
        ],
    );
    let with_rejected = check(&["rejected_tasks"], &[]);
    let rejected = |tasks: &[Value]| {
        tasks
            .iter()
            .filter(|t| t["validation_state"] == "rejected")
            .count()
    };
    assert_eq!(rejected(&plain), 0);
    assert!(rejected(&with_rejected) > 0);
    assert_eq!(plain.len() + rejected(&with_rejected), with_rejected.len());
    for t in &all {
        let level = t["ai_impact"]["level"].as_str().unwrap();
        assert!(["H1", "H2", "H3", "H4", "H5"].contains(&level));
        let hours = t["weekly_hours"].as_f64().unwrap();
        assert!((0.0..=16.0).contains(&hours) && (hours * 2.0).fract() == 0.0);
        if t["validation_state"] != "rejected" {
            assert!(hours >= 0.5);
            let events = t["source_events"].as_array().unwrap();
            assert!((1..=3).contains(&events.len()));
        }
    }
}

#[test]
fn vendor_changes_skill_names_only() {
    let sandbox = start(50);
    let get = |q: &str| export(sandbox.addr, q, &body(50, None, &["linked_skills"], "")).json();
    let techwolf = get("");
    let workday = get("external_vendor=workday");
    let a = tasks_of(techwolf["records"].as_array().unwrap());
    let b = tasks_of(workday["records"].as_array().unwrap());
    assert_eq!(a.len(), b.len());
    let mut differ = 0;
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x["task_id"], y["task_id"]);
        for (s, t) in x["linked_skills"]
            .as_array()
            .unwrap()
            .iter()
            .zip(y["linked_skills"].as_array().unwrap())
        {
            assert_eq!(s["skill_id"], t["skill_id"]);
            differ += usize::from(s["skill"] != t["skill"]);
        }
    }
    assert!(differ > 0);
    let r = export(
        sandbox.addr,
        "external_vendor=sap_attribute_library",
        &body(5, None, &[], ""),
    );
    assert_eq!(r.status, 400);
    assert!(r.error_description().contains("not activated"));
}

#[test]
fn is_active_filter_keeps_matching_employees_and_cursor_may_name_others() {
    let sandbox = start(600);
    let tenant = sandbox.state.tenant();
    for active in [true, false] {
        let filter = format!("[{{\"filter\":\"is_active\",\"is_active\":{active}}}]");
        let records = walk(sandbox.addr, "", 40, &[], &filter);
        let ids: Vec<&str> = records
            .iter()
            .map(|r| r["external_id"].as_str().unwrap())
            .collect();
        let expected: Vec<&str> = (0..tenant.len())
            .filter(|&i| tenant.is_active(i) == active)
            .map(|i| tenant.id(i))
            .collect();
        assert_eq!(ids, expected);
        assert!(!expected.is_empty());
    }
    // A cursor naming a filtered-out employee continues after its position.
    let inactive = (0..tenant.len()).find(|&i| !tenant.is_active(i)).unwrap();
    let next_active = (inactive + 1..tenant.len())
        .find(|&i| tenant.is_active(i))
        .unwrap();
    let r = export(
        sandbox.addr,
        "",
        &body(
            1,
            Some(tenant.id(inactive)),
            &[],
            r#"[{"filter":"is_active","is_active":true}]"#,
        ),
    );
    assert_eq!(
        r.json()["records"][0]["external_id"],
        tenant.id(next_active)
    );
}

#[test]
fn every_invalid_request_gets_a_vendor_400() {
    let sandbox = start(20);
    let malformed = r#"[{"title":"400 Bad Request","description":"The request body was not structured correctly."}]"#;
    for raw in ["not json", "[1,2]", "\"limit\"", "", "{\"limit\": 5"] {
        let r = export(sandbox.addr, "", raw);
        assert_eq!(r.status, 400, "{raw}");
        assert_eq!(r.json(), serde_json::from_str::<Value>(malformed).unwrap());
    }
    let cases: [(&str, &str, &str); 14] = [
        ("", r#"{"limit": 0}"#, "limit"),
        ("", r#"{"limit": 101}"#, "limit"),
        ("", r#"{}"#, "limit"),
        ("", r#"{"limit": 2.5}"#, "limit"),
        ("", r#"{"limit": "10"}"#, "limit"),
        ("", r#"{"limit": 5, "include": ["skills"]}"#, "skills"),
        (
            "",
            r#"{"limit": 5, "filters": [{"filter": "department", "department": "x"}]}"#,
            "department",
        ),
        (
            "",
            r#"{"limit": 5, "filters": [{"filter": "is_active", "is_active": 1}]}"#,
            "is_active",
        ),
        (
            "",
            r#"{"limit": 5, "filters": {"filter": "is_active"}}"#,
            "filters",
        ),
        (
            "",
            r#"{"limit": 5, "starting_after": "no-such-employee"}"#,
            "no-such-employee",
        ),
        ("response_format=tree", r#"{"limit": 5}"#, "tree"),
        ("external_vendor=oracle", r#"{"limit": 5}"#, "oracle"),
        (
            "external_vendor=sap_attribute_library",
            r#"{"limit": 5}"#,
            "not activated",
        ),
        ("format=list", r#"{"limit": 5}"#, "format"),
    ];
    for (query, raw, needle) in cases {
        let r = export(sandbox.addr, query, raw);
        assert_eq!(r.status, 400, "{query} {raw}");
        let description = r.error_description();
        assert!(description.contains(needle), "{raw}: {description}");
        assert_ne!(r.text(), malformed);
    }
}

#[test]
fn missing_or_wrong_tokens_get_401_without_echo() {
    let sandbox = start(10);
    let ok = body(5, None, &[], "");
    let r = export_with(sandbox.addr, "", None, &ok);
    assert_eq!(r.status, 401);
    assert!(r.text().contains("401 Unauthorized"));
    let r = export_with(sandbox.addr, "", Some("hunter2-secret-value"), &ok);
    assert_eq!(r.status, 401);
    assert!(!r.text().contains("hunter2"));
    r.error_description();
    let r = request(
        sandbox.addr,
        "POST",
        "/export/employees/task_profiles",
        &[("Authorization", "Basic c2FuZGJveA==")],
        Some(ok.as_bytes()),
    );
    assert_eq!(r.status, 401);
}

fn token_body(secret: &str, audience: &str, grant: &str) -> String {
    format!(
        r#"{{"client_id":"sandbox-client","client_secret":"{secret}","audience":"{audience}","grant_type":"{grant}","tenant":"acme","scopes":["read"]}}"#
    )
}

#[test]
fn issued_tokens_work_until_they_expire() {
    let mut config = SandboxConfig {
        employees: 10,
        ..SandboxConfig::default()
    };
    config.oauth.token_ttl = Duration::from_secs(1);
    let sandbox = start_with(config);
    let json_header = [("Content-Type", "application/json")];
    let r = request(
        sandbox.addr,
        "POST",
        "/oauth/token",
        &json_header,
        Some(
            token_body(
                "sandbox-secret",
                "sandbox.techwolf.ai",
                "client_credentials",
            )
            .as_bytes(),
        ),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["expires_in"], 1);
    assert_eq!(v["scope"], "read");
    assert_eq!(v["token_type"], "Bearer");
    let token = v["access_token"].as_str().unwrap().to_string();
    assert_ne!(token, TOKEN);
    let r = export_with(sandbox.addr, "", Some(&token), &body(3, None, &[], ""));
    assert_eq!(r.status, 200);
    std::thread::sleep(Duration::from_millis(1200));
    let r = export_with(sandbox.addr, "", Some(&token), &body(3, None, &[], ""));
    assert_eq!(r.status, 401);
    assert!(r.error_description().contains("expired"));

    for (raw, status, error) in [
        (
            token_body("wrong", "sandbox.techwolf.ai", "client_credentials"),
            401,
            "access_denied",
        ),
        (
            token_body("sandbox-secret", "eu3.techwolf.ai", "client_credentials"),
            403,
            "access_denied",
        ),
        (
            token_body("sandbox-secret", "sandbox.techwolf.ai", "password"),
            400,
            "unsupported_grant_type",
        ),
        ("nope".to_string(), 400, "invalid_request"),
    ] {
        let r = request(
            sandbox.addr,
            "POST",
            "/oauth/token",
            &json_header,
            Some(raw.as_bytes()),
        );
        assert_eq!(r.status, status, "{raw}");
        assert_eq!(r.json()["error"], error);
        assert!(r.json()["error_description"].is_string());
    }
    let wrong = request(
        sandbox.addr,
        "POST",
        "/oauth/token",
        &json_header,
        Some(token_body("wrong", "sandbox.techwolf.ai", "client_credentials").as_bytes()),
    );
    assert_eq!(wrong.json()["error_description"], "Unauthorized");

    let stats = request(sandbox.addr, "GET", "/stats", &[], None).json();
    assert_eq!(stats["token_requests"], 6);
    assert_eq!(stats["tokens_issued"], 1);
    assert_eq!(stats["export_requests"], 2);
}

fn fault_config(f: impl FnOnce(&mut FaultConfig)) -> SandboxConfig {
    let mut config = SandboxConfig {
        employees: 200,
        ..SandboxConfig::default()
    };
    f(&mut config.faults);
    config
}

#[test]
fn rate_limit_fault_answers_429_with_retry_after_before_auth() {
    let sandbox = start_with(fault_config(|f| {
        f.fail_429 = 1.0;
        f.retry_after_secs = 3;
    }));
    let r = export_with(sandbox.addr, "", None, "garbage");
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("3"));
    assert!(r.error_description().contains("retry"));
}

#[test]
fn unavailable_fault_answers_503() {
    let sandbox = start_with(fault_config(|f| f.fail_503 = 1.0));
    let r = export(sandbox.addr, "", &body(5, None, &[], ""));
    assert_eq!(r.status, 503);
    r.error_description();
    // Faults apply to the export endpoint only.
    assert_eq!(
        request(sandbox.addr, "GET", "/healthz", &[], None).status,
        200
    );
}

#[test]
fn cut_body_fault_sends_a_short_body_and_aborts() {
    let sandbox = start_with(fault_config(|f| f.cut_body = 1.0));
    let r = export(sandbox.addr, "", &body(100, None, &ALL_INCLUDES, ""));
    assert_eq!(r.status, 200);
    let announced: usize = r.header("content-length").unwrap().parse().unwrap();
    assert!(!r.complete);
    assert!(
        !r.body.is_empty() && r.body.len() < announced,
        "{} of {announced}",
        r.body.len()
    );
    assert!(serde_json::from_slice::<Value>(&r.body).is_err());
}

#[test]
fn latency_delays_answers_and_faults_are_deterministic() {
    let sandbox = start_with(fault_config(|f| f.latency = Duration::from_millis(150)));
    let t = Instant::now();
    assert_eq!(
        export(sandbox.addr, "", &body(1, None, &[], "")).status,
        200
    );
    assert!(t.elapsed() >= Duration::from_millis(150));

    let statuses = || {
        let sandbox = start_with(fault_config(|f| {
            f.fail_429 = 0.3;
            f.fail_503 = 0.3;
        }));
        (0..30)
            .map(|_| export(sandbox.addr, "", &body(1, None, &[], "")).status)
            .collect::<Vec<u16>>()
    };
    let first = statuses();
    assert_eq!(first, statuses());
    for code in [200, 429, 503] {
        assert!(first.contains(&code), "{first:?}");
    }
}

#[test]
fn cors_preflight_and_exposed_headers() {
    let sandbox = start(10);
    let r = request(
        sandbox.addr,
        "OPTIONS",
        "/export/employees/task_profiles",
        &[
            ("Origin", "http://localhost:5173"),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "authorization, content-type",
            ),
        ],
        None,
    );
    assert!(r.status == 200 || r.status == 204, "{}", r.status);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let allowed_headers = r
        .header("access-control-allow-headers")
        .unwrap()
        .to_lowercase();
    assert!(allowed_headers.contains("authorization") && allowed_headers.contains("content-type"));
    assert!(r
        .header("access-control-allow-methods")
        .unwrap()
        .contains("POST"));
    let r = request(
        sandbox.addr,
        "POST",
        "/export/employees/task_profiles",
        &[
            ("Origin", "http://localhost:5173"),
            ("Authorization", "Bearer sandbox-token"),
        ],
        Some(br#"{"limit": 1}"#),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert!(r
        .header("access-control-expose-headers")
        .unwrap()
        .to_lowercase()
        .contains("retry-after"));
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let page = |seed: u64| {
        let sandbox = start_with(SandboxConfig {
            employees: 300,
            seed,
            ..SandboxConfig::default()
        });
        let first = export(
            sandbox.addr,
            "response_format=hierarchy",
            &body(100, None, &ALL_INCLUDES, ""),
        );
        let cursor = first.json()["next_starting_after"]
            .as_str()
            .unwrap()
            .to_string();
        let second = export(
            sandbox.addr,
            "",
            &body(100, Some(&cursor), &ALL_INCLUDES, ""),
        );
        [first.body, second.body].concat()
    };
    let a = page(42);
    assert_eq!(a, page(42));
    assert_ne!(a, page(43));
}

#[test]
fn other_routes() {
    let sandbox = start(10);
    let r = request(sandbox.addr, "GET", "/healthz", &[], None);
    assert_eq!((r.status, r.text().as_str()), (200, "ok"));
    let r = request(sandbox.addr, "GET", "/", &[], None);
    assert_eq!(r.status, 200);
    assert!(r.text().contains("/export/employees/task_profiles"));
    let r = request(sandbox.addr, "GET", "/nope", &[], None);
    assert_eq!(r.status, 404);
    r.error_description();
    let r = request(
        sandbox.addr,
        "GET",
        "/export/employees/task_profiles",
        &[],
        None,
    );
    assert_eq!(r.status, 405);
    r.error_description();
}
