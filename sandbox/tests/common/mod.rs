//! A tiny blocking HTTP/1.1 client over `std::net::TcpStream`.
//!
//! Hand-rolled rather than a client crate so that tests can see exactly what
//! went over the wire, including a body shorter than its `Content-Length`.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use serde_json::Value;
use task_profiles_sandbox::{spawn, RunningSandbox, SandboxConfig};

/// The fixed token of the default configuration.
pub const TOKEN: &str = "sandbox-token";

/// Every include name.
pub const ALL_INCLUDES: [&str; 5] = [
    "ai_impact",
    "source_events",
    "linked_skills",
    "rejected_tasks",
    "weekly_hours",
];

/// A response as read from the socket.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// False when the connection ended before `Content-Length` bytes arrived.
    pub complete: bool,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {} body is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The description of a vendor error body, checking its shape.
    pub fn error_description(&self) -> String {
        let v = self.json();
        let items = v.as_array().expect("error body is an array");
        assert_eq!(items.len(), 1);
        let title = items[0]["title"].as_str().expect("title");
        assert!(title.starts_with(&self.status.to_string()), "{title}");
        items[0]["description"]
            .as_str()
            .expect("description")
            .to_string()
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = find(raw, b"\r\n")?;
        let size_text = std::str::from_utf8(&raw[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(raw.get(..size)?);
        raw = raw.get(size + 2..)?;
    }
}

/// Sends one request on a fresh connection and reads until the server closes it.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Resp {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        head.push_str(&format!("Content-Length: {}\r\n", b.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    if let Some(b) = body {
        stream.write_all(b).unwrap();
    }
    let mut raw = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            // A reset is how an aborted response ends; keep what arrived.
            Err(_) => break,
        }
    }
    let split = find(&raw, b"\r\n\r\n").expect("response has a header block");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let rest = &raw[split + 4..];
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status: u16 = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut resp = Resp {
        status,
        headers,
        body: rest.to_vec(),
        complete: true,
    };
    if let Some(cl) = resp.header("content-length") {
        let cl: usize = cl.parse().unwrap();
        resp.complete = rest.len() == cl;
    } else if resp
        .header("transfer-encoding")
        .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
    {
        match dechunk(rest) {
            Some(body) => resp.body = body,
            None => resp.complete = false,
        }
    }
    resp
}

/// POSTs to the export endpoint with the fixed token.
pub fn export(addr: SocketAddr, query: &str, body: &str) -> Resp {
    export_with(addr, query, Some(TOKEN), body)
}

/// POSTs to the export endpoint with an optional bearer token.
pub fn export_with(addr: SocketAddr, query: &str, token: Option<&str>, body: &str) -> Resp {
    let path = if query.is_empty() {
        "/export/employees/task_profiles".to_string()
    } else {
        format!("/export/employees/task_profiles?{query}")
    };
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(a) = &auth {
        headers.push(("Authorization", a.as_str()));
    }
    request(addr, "POST", &path, &headers, Some(body.as_bytes()))
}

/// Starts a server with the default configuration except for `employees`.
pub fn start(employees: usize) -> RunningSandbox {
    start_with(SandboxConfig {
        employees,
        ..SandboxConfig::default()
    })
}

/// Starts a server with the given configuration.
pub fn start_with(config: SandboxConfig) -> RunningSandbox {
    spawn(config).expect("sandbox starts")
}

/// Builds an export body.
pub fn body(limit: usize, starting_after: Option<&str>, include: &[&str], filters: &str) -> String {
    let mut v = serde_json::json!({ "limit": limit, "include": include });
    if let Some(s) = starting_after {
        v["starting_after"] = Value::String(s.to_string());
    }
    if !filters.is_empty() {
        v["filters"] = serde_json::from_str(filters).unwrap();
    }
    v.to_string()
}

/// Walks every page and returns the records in order.
pub fn walk(
    addr: SocketAddr,
    query: &str,
    limit: usize,
    include: &[&str],
    filters: &str,
) -> Vec<Value> {
    let mut records = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100_000 {
        let r = export(
            addr,
            query,
            &body(limit, cursor.as_deref(), include, filters),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let page = r.json();
        let page_records = page["records"].as_array().unwrap().clone();
        assert!(page_records.len() <= limit);
        let has_next = page["has_next"].as_bool().unwrap();
        records.extend(page_records.iter().cloned());
        if !has_next {
            assert!(
                page.get("next_starting_after").is_none(),
                "last page has no cursor"
            );
            return records;
        }
        assert_eq!(page_records.len(), limit, "only the last page may be short");
        let next = page["next_starting_after"].as_str().unwrap().to_string();
        assert_eq!(page_records.last().unwrap()["external_id"], next.as_str());
        cursor = Some(next);
    }
    panic!("pagination did not end");
}

/// Task nodes of a hierarchy in depth-first pre-order, without `children`.
pub fn preorder(nodes: &Value, out: &mut Vec<Value>) {
    for node in nodes.as_array().expect("children is an array") {
        if node.get("task_id").is_some() {
            let mut task = node.clone();
            task.as_object_mut().unwrap().remove("children");
            out.push(task);
        } else {
            assert!(
                node["node_id"].is_string() && node["name"].is_string(),
                "{node}"
            );
        }
        if let Some(children) = node.get("children") {
            preorder(children, out);
        }
    }
}
