//! The export's validation and decisions: params, client options, `Retry-After` and error bodies.

use std::time::Duration;

use arbitrary::Unstructured;
use serde::Deserialize;
use task_profiles_core::export::{
    system_time_from_ms, Attempt, ClientConfig, Decision, ExportParams, ExportPlan, RetryPolicy,
    TransportFailure,
};
use task_profiles_core::{json, Error, ErrorKind};

use crate::canon::{self, J};
use crate::gen;
use crate::targets::split_options;

const PARAMS: &[&str] = &[
    "limit",
    "startingAfter",
    "include",
    "externalVendor",
    "responseFormat",
    "filters",
];
const OPTIONS: &[&str] = &[
    "baseUrl",
    "tenant",
    "region",
    "maxRetries",
    "timeoutMs",
    "maxRetryAfterMs",
];
const INCLUDE: &[&str] = &[
    "ai_impact",
    "source_events",
    "linked_skills",
    "rejected_tasks",
    "weekly_hours",
];

/// Export params (first byte, bit 0 clear) or client options (set), as the JSON text of the rest
/// (bit 1 clear) or built from it (set): what is accepted makes requests as the contract says;
/// what is refused is an `invalid_params` error naming the option.
pub fn options(data: &[u8]) {
    let (bits, rest) = split_options(data);
    let text = if bits & 2 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        let mut u = Unstructured::new(rest);
        let built = if bits & 1 == 0 {
            gen::export_params(&mut u)
        } else {
            gen::client_options(&mut u)
        };
        let Ok(text) = built else { return };
        text
    };
    let given = canon::parse(&text).map(|p| p.value);
    if bits & 1 == 0 {
        match ExportParams::from_json(&text) {
            Ok(params) => check_params(&params, &text),
            Err(e) => names_an_option(&e, PARAMS, "params", given.as_ref()),
        }
    } else {
        match ClientConfig::from_json(&text) {
            Ok(config) => check_config(&config, given.as_ref().expect("accepted options are JSON")),
            Err(e) => names_an_option(&e, OPTIONS, "options", given.as_ref()),
        }
    }
}

fn names_an_option(e: &Error, known: &[&str], whole: &str, given: Option<&J>) {
    assert_eq!(e.kind, ErrorKind::InvalidParams, "{e}");
    let keys: Vec<&str> = match given {
        Some(J::Obj(m)) => m.keys().map(String::as_str).collect(),
        _ => Vec::new(),
    };
    let named = known.iter().chain(&keys).chain([&whole]).any(|name| {
        e.message.starts_with(&format!("{name}: "))
            || e.message.starts_with(&format!("{name}["))
            || e.message.starts_with(&format!("{name}."))
    });
    assert!(named, "the error names no option: {e}");
}

fn check_params(params: &ExportParams, given: &str) {
    assert!((1..=100).contains(&params.limit));
    let query = params.path_and_query();
    assert!(query.is_ascii() && !query.contains(' '), "{query}");
    assert!(query.starts_with("/export/employees/task_profiles?response_format="));
    for cursor in [None, Some("emp-0050"), Some("\"\\\u{0}ü")] {
        let body = canon::parse(&params.body(cursor))
            .expect("the request body is JSON")
            .value;
        assert_eq!(body.get("limit"), Some(&J::Lit(params.limit.to_string())));
        assert_eq!(body.get("starting_after").and_then(J::as_str), cursor);
        if let Some(J::Arr(include)) = body.get("include") {
            let names: Vec<&str> = include.iter().filter_map(J::as_str).collect();
            assert_eq!(names.len(), include.len());
            assert!(names.iter().all(|n| INCLUDE.contains(n)));
            assert!(
                names
                    .iter()
                    .enumerate()
                    .all(|(i, n)| !names[..i].contains(n)),
                "include twice"
            );
        }
    }
    // Filters are sent as given: the same values, members in their order (numbers as the JSON
    // value reads them: `1e2` is sent as `100.0`).
    let sent = json::from_str(&params.body(None)).expect("the request body is JSON");
    let given = json::from_str(given).expect("accepted params are JSON");
    let filters = |v: &json::Value| v.as_object().and_then(|m| m.get("filters")).cloned();
    assert_eq!(filters(&sent), filters(&given), "the filters changed");
    let config =
        ClientConfig::from_json(r#"{"baseUrl":"http://127.0.0.1:1"}"#).expect("a sandbox URL");
    let plan = ExportPlan::with_params(config, params.clone());
    let request = plan
        .next_request()
        .expect("a fresh export has a first request");
    assert_eq!(request.url, format!("http://127.0.0.1:1{query}"));
}

fn check_config(config: &ClientConfig, given: &J) {
    let url = &config.base_url;
    let (https, rest) = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        _ => panic!("a base URL of another scheme: {url}"),
    };
    assert!(!rest.is_empty() && !url.ends_with('/'), "{url}");
    assert!(
        !rest.contains(['?', '#']) && !rest.contains(char::is_whitespace),
        "{url}"
    );
    let authority = rest.split('/').next().unwrap_or_default();
    assert!(!authority.contains('@'), "user info in {url}");
    if !https {
        let host = authority.to_ascii_lowercase();
        let loopback = host == "localhost"
            || host.starts_with("localhost:")
            || host.starts_with("127.")
            || host.starts_with("[::1]");
        assert!(loopback, "the token would go in clear text to {url}");
    }
    if let (Some(J::Str(tenant)), Some(J::Str(region))) = (given.get("tenant"), given.get("region"))
    {
        assert_eq!(url, &format!("https://{tenant}.{region}.techwolf.ai"));
    }
    assert!((1..=u64::from(u32::MAX)).contains(&config.timeout_ms));
    assert!(config.retry.max_retries <= 100);
    assert!(config.retry.max_retry_after_ms <= u64::from(u32::MAX));
}

/// The vendor's error body, as serde's derive reads `[{"title", "description"}]` or a bare
/// object: the reading the core's own reader follows.
#[derive(Deserialize)]
struct VendorError {
    title: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum VendorBody {
    Many(Vec<VendorError>),
    One(VendorError),
}

/// The retry policy after a response (status, `Retry-After`, error body, attempt, policy, clock
/// all built from the input) and after a failed request: every decision is the one the
/// contract's table gives, waits stay within their bounds, and the vendor's title and
/// description are read as serde reads them.
pub fn retry(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(case) = Case::build(&mut u) else {
        return;
    };
    let decision = case.policy.after_response(
        case.attempt,
        case.status,
        case.retry_after.as_deref(),
        case.body.as_deref(),
        system_time_from_ms(case.now_ms),
    );
    let status = case.status;
    let retryable = status == 408 || status == 429 || (500..600).contains(&status);
    match &decision {
        Decision::Accept => assert!((200..300).contains(&status)),
        Decision::RefreshToken => assert!(status == 401 && !case.attempt.token_refreshed),
        Decision::Retry { delay_ms } => {
            assert!(
                retryable && case.attempt.retries < case.policy.max_retries,
                "{status} retried"
            );
            let wait = case.retry_after.as_deref().and_then(seconds);
            match wait {
                Some(s) => assert!(
                    (*delay_ms as f64 - s.min(1e9) * 1000.0).abs() <= 1.0,
                    "waited {delay_ms} ms for {s} s"
                ),
                None => assert!(
                    *delay_ms <= case.policy.max_retry_after_ms.max(case.policy.max_delay_ms)
                ),
            }
        }
        Decision::Fail(e) => {
            assert!(!(200..300).contains(&status));
            assert_eq!(e.status, Some(status));
            assert!(e.message.starts_with(&format!("HTTP {status}")), "{e}");
            let kind = match status {
                401 | 403 => ErrorKind::Auth,
                429 => ErrorKind::RateLimited,
                _ if e.retry_after_ms.is_some() => ErrorKind::RateLimited,
                _ => ErrorKind::Http,
            };
            assert_eq!(e.kind, kind, "{e}");
            if let Some(ms) = e.retry_after_ms {
                assert!(retryable && ms > case.policy.max_retry_after_ms, "{e}");
            }
            let served = case
                .body
                .as_deref()
                .and_then(|b| serde_json::from_str::<VendorBody>(b).ok());
            if let Some(body) = served {
                let (title, description) = match body {
                    VendorBody::Many(errors) => errors
                        .into_iter()
                        .next()
                        .map_or((None, None), |e| (e.title, e.description)),
                    VendorBody::One(e) => (e.title, e.description),
                };
                // As serde reads them, but for long texts, which the core cuts and marks with `…`.
                let cut = |core: &Option<String>, serde: &Option<String>| match (core, serde) {
                    (Some(c), Some(s)) => {
                        c == s
                            || c.strip_suffix('…')
                                .is_some_and(|c| s.starts_with(c) && c.len() < s.len())
                    }
                    _ => core == serde,
                };
                assert!(
                    cut(&e.title, &title) && cut(&e.description, &description),
                    "the vendor's error read otherwise: {:?} for {:?}",
                    (&e.title, &e.description),
                    (&title, &description)
                );
            }
            for text in [&e.title, &e.description].into_iter().flatten() {
                assert!(e.message.contains(text.as_str()), "{e}");
            }
        }
    }
    for failure in [TransportFailure::Network, TransportFailure::Timeout] {
        match case
            .policy
            .after_transport_failure(case.attempt, failure, "reset")
        {
            Decision::Retry { delay_ms } => {
                assert!(case.attempt.retries < case.policy.max_retries);
                assert!(delay_ms <= case.policy.max_delay_ms);
            }
            Decision::Fail(e) => {
                assert!(case.attempt.retries >= case.policy.max_retries);
                let kind = match failure {
                    TransportFailure::Network => ErrorKind::Network,
                    TransportFailure::Timeout => ErrorKind::Timeout,
                };
                assert_eq!(e.kind, kind);
                assert!(e.message.ends_with(": reset"), "{e}");
            }
            other => panic!("{other:?} after a failed request"),
        }
    }
}

/// `Retry-After` as delay-seconds, read on its own terms: a finite, non-negative decimal.
fn seconds(value: &str) -> Option<f64> {
    let s: f64 = value.trim().parse().ok()?;
    (s.is_finite() && s >= 0.0).then_some(s)
}

/// One response and its context.
struct Case {
    status: u16,
    retry_after: Option<String>,
    body: Option<String>,
    attempt: Attempt,
    policy: RetryPolicy,
    now_ms: f64,
}

impl Case {
    fn build(u: &mut Unstructured) -> arbitrary::Result<Case> {
        const STATUSES: &[u16] = &[
            200, 204, 299, 301, 400, 401, 403, 404, 408, 418, 422, 429, 500, 502, 503, 599, 600,
        ];
        let status = if u.ratio(7, 8)? {
            *u.choose(STATUSES)?
        } else {
            u.arbitrary()?
        };
        let retry_after = if u.arbitrary()? {
            Some(gen::retry_after(u)?)
        } else {
            None
        };
        let body = if u.ratio(3, 4)? {
            Some(gen::error_body(u)?)
        } else {
            None
        };
        let attempt = Attempt {
            retries: if u.ratio(7, 8)? {
                u.int_in_range(0..=5)?
            } else {
                u.arbitrary()?
            },
            token_refreshed: u.arbitrary()?,
            jitter: if u.ratio(7, 8)? {
                f64::from(u.int_in_range(0..=999u16)?) / 1000.0
            } else {
                u.arbitrary()?
            },
        };
        let defaults = RetryPolicy::default();
        let policy = RetryPolicy {
            max_retries: u.int_in_range(0..=100)?,
            max_retry_after_ms: *u.choose(&[0, 1000, 60_000, u64::from(u32::MAX)])?,
            ..defaults
        };
        let now_ms = match u.int_in_range(0..=3)? {
            0 => 1_445_412_480_000.0,
            1 => 0.0,
            2 => Duration::from_secs(2_000_000_000).as_millis() as f64,
            _ => u.arbitrary()?,
        };
        Ok(Case {
            status,
            retry_after,
            body,
            attempt,
            policy,
            now_ms,
        })
    }
}
