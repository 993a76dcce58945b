//! Writes the seed inputs of every corpus (`corpus/<target>/seed-*`) from the project's fixtures
//! (`tests/fixtures/`) and from pages of the sandbox server, which it starts on a free port
//! (`target/sandbox/task-profiles-sandbox`, built by `make sandbox`) and stops. Inputs fuzzing
//! found are left as they are. Run from the repository root:
//! `cargo run --manifest-path fuzz/Cargo.toml --no-default-features --example seed_corpora`

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use task_profiles_core::shape::TaskTaxonomy;
use task_profiles_core::stats::TaskStats;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Writes one seed: `prefix` (option bytes) then `data`.
fn seed(target: &str, name: &str, prefix: &[u8], data: &[u8]) {
    let dir = root().join("fuzz/corpus").join(target);
    fs::create_dir_all(&dir).expect("corpus directory");
    let mut bytes = prefix.to_vec();
    bytes.extend_from_slice(data);
    fs::write(dir.join(format!("seed-{name}")), bytes).expect("seed file");
}

/// Standard base64, as `adversarial-pages.json` writes bodies that are not UTF-8.
fn base64(text: &str) -> Vec<u8> {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = ABC.iter().position(|&a| a == c).expect("base64") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// One sandbox answer's body to `POST path` with `body`.
fn post(port: u16, path: &str, body: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the sandbox listens");
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sandbox-token\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("request sent");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("answer read");
    let at = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers end")
        + 4;
    answer.split_off(at)
}

/// Pages of a 300-employee sandbox tenant: each response shape with every `include`, a vendor
/// and a cursor, inactive employees, and an error body.
fn sandbox_pages() -> Vec<(String, Vec<u8>)> {
    let binary = root().join("target/sandbox/task-profiles-sandbox");
    let mut child = Command::new(&binary)
        .args(["--port", "0", "--employees", "300"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e} (run `make sandbox` first)", binary.display()));
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("the sandbox says where it listens");
    let port: u16 = first
        .trim()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("a port");
    let all = r#""include":["ai_impact","source_events","linked_skills","rejected_tasks","weekly_hours"]"#;
    let list = "/export/employees/task_profiles?response_format=list";
    let hierarchy = "/export/employees/task_profiles?response_format=hierarchy";
    let first_page = post(port, list, &format!(r#"{{"limit":1,{all}}}"#));
    let cursor =
        task_profiles_core::page::read_page(&first_page, task_profiles_core::ErrorKind::Protocol)
            .ok()
            .and_then(|e| match e.next_starting_after {
                task_profiles_core::page::Field::Value(c) => Some(c),
                _ => None,
            })
            .expect("a first page with a cursor");
    let pages = vec![
        ("sandbox-list-all".to_owned(), first_page),
        (
            "sandbox-hierarchy-all".to_owned(),
            post(port, hierarchy, &format!(r#"{{"limit":1,{all}}}"#)),
        ),
        (
            "sandbox-list-workday".to_owned(),
            post(
                port,
                &format!("{list}&external_vendor=workday"),
                &format!(
                    r#"{{"limit":2,"starting_after":"{cursor}","include":["linked_skills","ai_impact"]}}"#
                ),
            ),
        ),
        (
            "sandbox-hierarchy-inactive".to_owned(),
            post(
                port,
                hierarchy,
                r#"{"limit":2,"filters":[{"filter":"is_active","is_active":false}]}"#,
            ),
        ),
        (
            "sandbox-hierarchy-hours".to_owned(),
            post(
                port,
                hierarchy,
                &format!(
                    r#"{{"limit":3,"starting_after":"{cursor}","include":["weekly_hours","rejected_tasks"]}}"#
                ),
            ),
        ),
        (
            "sandbox-error-400".to_owned(),
            post(port, list, r#"{"limit":500}"#),
        ),
    ];
    child.kill().expect("the sandbox stops");
    child.wait().expect("the sandbox is gone");
    pages
}

fn main() {
    let fixtures = root().join("tests/fixtures");
    let read = |name: &str| fs::read(fixtures.join(name)).expect("a fixture");
    let mut pages: Vec<(String, Vec<u8>)> = vec![
        ("fixture-page-list".into(), read("page-list.json")),
        ("fixture-page-hierarchy".into(), read("page-hierarchy.json")),
    ];
    let sandbox = sandbox_pages();
    let error_bodies: Vec<(String, Vec<u8>)> = vec![
        ("fixture-error-400".into(), read("error-400.json")),
        sandbox
            .iter()
            .find(|(n, _)| n == "sandbox-error-400")
            .cloned()
            .expect("an error page"),
    ];
    pages.extend(
        sandbox
            .into_iter()
            .filter(|(n, _)| n != "sandbox-error-400"),
    );
    // The good pages; then every adversarial page, each with its verdict's kind of trouble.
    let good = pages.clone();
    let table: serde_json::Value =
        serde_json::from_slice(&read("adversarial-pages.json")).expect("the adversarial table");
    let mut adversarial = Vec::new();
    for (i, case) in table.as_array().expect("a table").iter().enumerate() {
        let body = match (case.get("body"), case.get("body_base64")) {
            (Some(b), _) => b.as_str().expect("body").as_bytes().to_vec(),
            (None, Some(b)) => base64(b.as_str().expect("body_base64")),
            _ => panic!("a case without a body"),
        };
        adversarial.push((format!("adversarial-{i:02}"), body));
    }

    for (name, page) in good.iter().chain(&adversarial) {
        seed("page_reader", name, &[], page);
        seed("add_page", name, &[], page);
        seed("csv_ndjson", name, &[0], page);
        seed(
            "convert_page",
            &format!("{name}-to-hierarchy"),
            &[0x01],
            page,
        );
    }
    for (name, page) in &good {
        seed("csv_ndjson", &format!("{name}-formulas"), &[1], page);
        // To list, to hierarchy with paths kept, grouped, by the page's own and another taxonomy.
        for (bits, how) in [
            (0x00, "to-list"),
            (0x02, "to-list-keep-path"),
            (0x0d, "grouped"),
            (0x41, "own-taxonomy"),
            (0x61, "other-taxonomy"),
        ] {
            seed("convert_page", &format!("{name}-{how}"), &[bits], page);
        }
        let value: serde_json::Value = serde_json::from_slice(page).expect("a good page is JSON");
        let records = &value["records"];
        seed("add_records", name, &[], records.to_string().as_bytes());
        if let Some(first) = records.get(0) {
            seed(
                "add_records",
                &format!("{name}-first"),
                &[],
                first.to_string().as_bytes(),
            );
        }
        let mut stats = TaskStats::default();
        stats.add_page(page).expect("a good page counts");
        seed("stats_from_json", name, &[], stats.to_json().as_bytes());
        let mut taxonomy = TaskTaxonomy::new();
        taxonomy
            .learn_json(records.to_string().as_bytes())
            .expect("a good page teaches");
        seed(
            "taxonomy_from_json",
            name,
            &[],
            taxonomy.to_json().as_bytes(),
        );
        // Structure-aware targets read any bytes: the page's are as good a start as any.
        for target in ["convert_records", "stats_shards", "retry"] {
            seed(target, name, &[], &page[..page.len().min(512)]);
        }
    }
    let mut merged = TaskStats::default();
    for (_, page) in &good {
        let mut shard = TaskStats::default();
        shard.add_page(page).expect("a good page counts");
        merged.merge(&shard).expect("small counts");
    }
    seed(
        "stats_from_json",
        "merged",
        &[],
        merged.to_json().as_bytes(),
    );
    seed(
        "stats_from_json",
        "empty",
        &[],
        TaskStats::default().to_json().as_bytes(),
    );
    seed(
        "taxonomy_from_json",
        "empty",
        &[],
        TaskTaxonomy::new().to_json().as_bytes(),
    );
    for (name, body) in &error_bodies {
        seed("retry", name, &[], body);
    }
    // Params (bit 0 clear) and client options (set), as text (bit 1 clear) and built (set).
    let params = [
        (
            "contract-example",
            r#"{"limit":50,"include":["ai_impact"],"filters":[{"filter":"is_active","is_active":true}]}"#,
        ),
        (
            "every-param",
            r#"{"limit":1,"startingAfter":"emp-0050","include":["ai_impact","source_events","linked_skills","rejected_tasks","weekly_hours"],"externalVendor":"sap_attribute_library","responseFormat":"hierarchy","filters":[]}"#,
        ),
        ("empty", "{}"),
    ];
    for (name, text) in params {
        seed("options", &format!("params-{name}"), &[0], text.as_bytes());
    }
    let options = [
        (
            "base-url",
            r#"{"baseUrl":"https://acme.eu.techwolf.ai/","maxRetries":0,"timeoutMs":1000,"maxRetryAfterMs":0}"#,
        ),
        ("sandbox", r#"{"baseUrl":"http://127.0.0.1:8080"}"#),
        (
            "tenant",
            r#"{"tenant":"acme","region":"us","maxRetries":100}"#,
        ),
    ];
    for (name, text) in options {
        seed("options", &format!("client-{name}"), &[1], text.as_bytes());
    }
    for bits in [2u8, 3] {
        seed(
            "options",
            &format!("built-{bits}"),
            &[bits],
            &good[0].1[..256],
        );
    }
    println!("seeds written to fuzz/corpus/");
}
