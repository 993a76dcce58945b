//! The binary's command-line contract: the startup line and flag validation.

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_task-profiles-sandbox");

#[test]
fn prints_the_url_first_and_serves_a_large_tenant() {
    let started = Instant::now();
    let mut child = Command::new(BIN)
        .args(["--port", "0", "--employees", "100000", "--seed", "5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let elapsed = started.elapsed();
    let summary = lines.next().unwrap().unwrap();
    let url = first.strip_prefix("listening on http://").expect(&first);
    let addr: SocketAddr = url.parse().expect(url);
    assert_eq!(addr.ip().to_string(), "127.0.0.1");
    assert_ne!(addr.port(), 0);
    assert!(
        summary.contains("100000 employees") && summary.contains("seed 5"),
        "{summary}"
    );
    let health = common::request(addr, "GET", "/healthz", &[], None);
    let page = common::export(addr, "", r#"{"limit": 100}"#);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(health.status, 200);
    assert_eq!(page.status, 200);
    // The URL comes once the tenant's index is built; employees are generated page by page, on
    // demand. The bound only catches a start-up that generates the tenant first (minutes in a
    // debug build); how fast it starts is for the startup line ("index built in N ms") to say, not a
    // test's on a shared machine.
    assert!(
        elapsed < Duration::from_secs(20),
        "startup took {elapsed:?}"
    );
}

#[test]
fn bad_flags_exit_with_code_2() {
    for args in [
        &["--fail-429", "2"][..],
        &["--cut-body", "abc"],
        &["--vendors", "oracle"],
        &["--no-such-flag"],
    ] {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty());
    }
}
