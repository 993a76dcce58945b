//! The faults added for the soak (issue 9 §3), over real HTTP: what a client sees of each, and
//! the counts `GET /stats` reports.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;
use task_profiles_sandbox::faults::{Fault, FaultConfig};
use task_profiles_sandbox::SandboxConfig;

fn start_faulty(f: impl FnOnce(&mut FaultConfig)) -> task_profiles_sandbox::RunningSandbox {
    let mut config = SandboxConfig {
        employees: 200,
        ..SandboxConfig::default()
    };
    f(&mut config.faults);
    start_with(config)
}

fn stats(addr: SocketAddr) -> Value {
    request(addr, "GET", "/stats", &[], None).json()
}

fn issue_token(addr: SocketAddr) -> String {
    let body = r#"{"client_id":"sandbox-client","client_secret":"sandbox-secret","audience":"sandbox.techwolf.ai","grant_type":"client_credentials","tenant":"acme"}"#;
    let r = request(
        addr,
        "POST",
        "/oauth/token",
        &[("Content-Type", "application/json")],
        Some(body.as_bytes()),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["access_token"].as_str().unwrap().to_string()
}

/// Sets a fault's share; the status, `Retry-After` and `/stats` key it must produce.
type ErrorCase = (
    fn(&mut FaultConfig),
    u16,
    Option<&'static str>,
    &'static str,
);

#[test]
fn error_statuses_come_with_vendor_bodies_and_only_429_with_retry_after_sends_the_header() {
    let cases: [ErrorCase; 4] = [
        (
            |f| f.fail_429_no_retry_after = 1.0,
            429,
            None,
            "fail_429_no_retry_after",
        ),
        (|f| f.fail_500 = 1.0, 500, None, "fail_500"),
        (|f| f.fail_502 = 1.0, 502, None, "fail_502"),
        (
            |f| {
                f.fail_429 = 1.0;
                f.retry_after_secs = 0;
            },
            429,
            Some("0"),
            "fail_429",
        ),
    ];
    for (set, status, retry_after, key) in cases {
        let sandbox = start_faulty(set);
        // Before the token check, as a rate limiter or proxy in front would answer.
        let r = export_with(sandbox.addr, "", None, &body(5, None, &[], ""));
        assert_eq!(r.status, status, "{key}");
        assert_eq!(r.header("retry-after"), retry_after, "{key}");
        assert!(!r.error_description().is_empty());
        let counted = stats(sandbox.addr);
        assert_eq!(counted["faults"][key], 1, "{key}: {counted}");
        assert_eq!(counted["export_requests"], 1);
    }
}

#[test]
fn a_truncated_body_is_a_complete_answer_holding_a_prefix_of_the_page() {
    let request_body = body(100, None, &ALL_INCLUDES, "");
    let clean = start(200);
    let full = export(clean.addr, "", &request_body);
    assert_eq!(full.status, 200);

    let sandbox = start_faulty(|f| f.truncate_body = 1.0);
    let mut lengths = Vec::new();
    for _ in 0..5 {
        let r = export(sandbox.addr, "", &request_body);
        assert_eq!(r.status, 200);
        // Unlike --cut-body, the connection delivers everything it announced.
        assert!(r.complete);
        let announced: usize = r.header("content-length").unwrap().parse().unwrap();
        assert_eq!(announced, r.body.len());
        assert!(r.body.len() < full.body.len());
        assert_eq!(r.body[..], full.body[..r.body.len()]);
        assert!(serde_json::from_slice::<Value>(&r.body).is_err());
        lengths.push(r.body.len());
    }
    lengths.dedup();
    assert!(
        lengths.len() > 1,
        "cuts fall in different places: {lengths:?}"
    );
    assert_eq!(stats(sandbox.addr)["faults"]["truncate_body"], 5);

    // A drawn truncation does not touch an error answer, and is not counted.
    let r = export(sandbox.addr, "", r#"{"limit": 0}"#);
    assert_eq!(r.status, 400);
    r.error_description();
    assert_eq!(stats(sandbox.addr)["faults"]["truncate_body"], 5);
}

#[test]
fn latency_spikes_delay_a_share_of_answers_by_their_duration() {
    let sandbox = start_faulty(|f| {
        f.latency_spike_share = 1.0;
        f.latency_spike = Duration::from_millis(200);
    });
    let t = Instant::now();
    assert_eq!(
        export(sandbox.addr, "", &body(1, None, &[], "")).status,
        200
    );
    assert!(t.elapsed() >= Duration::from_millis(200));
    assert_eq!(stats(sandbox.addr)["faults"]["latency_spike"], 1);

    let config = FaultConfig {
        latency_spike_share: 0.5,
        latency_spike: Duration::from_millis(300),
        fault_seed: 21,
        ..FaultConfig::default()
    };
    let sandbox = start_faulty(|f| *f = config);
    for n in 0..8 {
        let t = Instant::now();
        assert_eq!(
            export(sandbox.addr, "", &body(1, None, &[], "")).status,
            200
        );
        let slow = t.elapsed() >= Duration::from_millis(300);
        assert_eq!(slow, config.spiked(n), "request {n}");
    }
    let spikes = (0..8).filter(|&n| config.spiked(n)).count();
    assert_eq!(stats(sandbox.addr)["faults"]["latency_spike"], spikes);
}

#[test]
fn a_revoked_token_is_refused_until_a_fresh_one_is_fetched() {
    let sandbox = start_faulty(|f| f.revoke_token = 1.0);
    let token = issue_token(sandbox.addr);
    let page = body(3, None, &[], "");
    let r = export_with(sandbox.addr, "", Some(&token), &page);
    assert_eq!(r.status, 401);
    assert!(r.error_description().contains("revoked"));
    assert!(!r.text().contains(&token));
    // The revoked token stays refused, as an unknown one (the fault applies to valid tokens only).
    let r = export_with(sandbox.addr, "", Some(&token), &page);
    assert_eq!(r.status, 401);
    assert!(r.error_description().contains("not valid"));
    // The fixed token cannot be revoked: it is answered normally.
    assert_eq!(export(sandbox.addr, "", &page).status, 200);
    let counted = stats(sandbox.addr);
    assert_eq!(counted["faults"]["revoke_token"], 1, "{counted}");

    // With a share below 1, a fresh token after each revocation gets every page through.
    let config = FaultConfig {
        revoke_token: 0.3,
        fault_seed: 2,
        ..FaultConfig::default()
    };
    let sandbox = start_faulty(|f| *f = config);
    let mut token = issue_token(sandbox.addr);
    let (mut pages, mut refused) = (0, 0);
    for _ in 0..30 {
        let r = export_with(sandbox.addr, "", Some(&token), &page);
        match r.status {
            200 => pages += 1,
            401 => {
                refused += 1;
                token = issue_token(sandbox.addr);
            }
            other => panic!("unexpected {other}: {}", r.text()),
        }
    }
    let expected = (0..30).filter(|&n| config.decide(n) != Fault::None).count();
    assert_eq!(refused, expected);
    assert_eq!(pages + refused, 30);
    let counted = stats(sandbox.addr);
    assert_eq!(counted["faults"]["revoke_token"], refused);
    assert_eq!(counted["tokens_issued"], 1 + refused);
}

#[test]
fn without_new_flags_the_existing_fault_sequence_is_unchanged() {
    let statuses = |f: fn(&mut FaultConfig)| {
        let sandbox = start_faulty(f);
        let seen: Vec<u16> = (0..40)
            .map(|_| export(sandbox.addr, "", &body(1, None, &[], "")).status)
            .collect();
        (seen, stats(sandbox.addr)["faults"].clone())
    };
    let (seen, counted) = statuses(|f| {
        f.fail_429 = 0.2;
        f.fail_503 = 0.2;
        f.retry_after_secs = 0;
    });
    let config = FaultConfig {
        fail_429: 0.2,
        fail_503: 0.2,
        fault_seed: 7,
        ..FaultConfig::default()
    };
    let expected: Vec<u16> = (0..40)
        .map(|n| match config.decide(n) {
            Fault::RateLimited => 429,
            Fault::Unavailable => 503,
            _ => 200,
        })
        .collect();
    assert_eq!(seen, expected);
    let count = |code| seen.iter().filter(|&&s| s == code).count();
    assert_eq!(counted["fail_429"], count(429));
    assert_eq!(counted["fail_503"], count(503));
    for key in [
        "fail_500",
        "fail_502",
        "truncate_body",
        "revoke_token",
        "latency_spike",
    ] {
        assert_eq!(counted[key], 0, "{key}");
    }
}
