//! The retry policy: which failures are worth another attempt, and how long to wait before it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::json::Value;

use crate::error::{Error, ErrorKind};

/// How retries are paced and when they stop.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (a 401's one retry with a fresh token is not counted).
    pub max_retries: u32,
    /// The first backoff's upper bound; it doubles with each retry.
    pub base_delay_ms: u64,
    /// The cap on a backoff's upper bound.
    pub max_delay_ms: u64,
    /// A `Retry-After` longer than this is not waited out: the export fails with `retry_after_ms`.
    pub max_retry_after_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 4,
            base_delay_ms: 500,
            max_delay_ms: 16_000,
            max_retry_after_ms: 60_000,
        }
    }
}

/// What to do after an attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// The response is a page: read it.
    Accept,
    /// Wait, then send the same request again.
    Retry {
        /// How long to wait first.
        delay_ms: u64,
    },
    /// Ask the token function for a fresh token, then send the same request again.
    RefreshToken,
    /// Give up with this error.
    Fail(Error),
}

/// A request that never got a complete response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportFailure {
    /// Connection refused or reset, DNS failure, body cut short.
    Network,
    /// No complete response within the timeout.
    Timeout,
}

/// One attempt's context, as the export driver knows it.
#[derive(Debug, Clone, Copy)]
pub struct Attempt {
    /// Retries already made for this request (0 on the first attempt).
    pub retries: u32,
    /// Whether the token was already refreshed after a 401 for this request.
    pub token_refreshed: bool,
    /// A uniformly random number in [0, 1), for full jitter.
    pub jitter: f64,
}

impl RetryPolicy {
    /// Decides after an HTTP response with `status`. `body` is read only for the vendor's error
    /// text; `now` resolves a `Retry-After` given as an HTTP date.
    pub fn after_response(
        &self,
        attempt: Attempt,
        status: u16,
        retry_after: Option<&str>,
        body: Option<&str>,
        now: SystemTime,
    ) -> Decision {
        if (200..300).contains(&status) {
            return Decision::Accept;
        }
        if status == 401 && !attempt.token_refreshed {
            return Decision::RefreshToken;
        }
        let retryable = status == 408 || status == 429 || (500..600).contains(&status);
        let wait = retry_after.and_then(|v| parse_retry_after(v, now));
        let error = http_error(status, body, attempt.retries);
        if !retryable {
            return Decision::Fail(error);
        }
        if let Some(wait) = wait {
            let wait_ms = wait.as_millis().min(u64::MAX as u128) as u64;
            if wait_ms > self.max_retry_after_ms {
                let mut error = http_error(status, body, attempt.retries);
                error.kind = ErrorKind::RateLimited;
                error.retry_after_ms = Some(wait_ms);
                error.message = format!(
                    "{} The server asked to wait {} s before retrying, longer than maxRetryAfterMs ({} ms): resume later from error.cursor.",
                    error.message,
                    wait_ms.div_ceil(1000),
                    self.max_retry_after_ms
                );
                return Decision::Fail(error);
            }
            if attempt.retries < self.max_retries {
                return Decision::Retry { delay_ms: wait_ms };
            }
        } else if attempt.retries < self.max_retries {
            return Decision::Retry {
                delay_ms: self.backoff_ms(attempt.retries, attempt.jitter),
            };
        }
        Decision::Fail(error)
    }

    /// Decides after a request that got no complete response.
    pub fn after_transport_failure(
        &self,
        attempt: Attempt,
        failure: TransportFailure,
        cause: &str,
    ) -> Decision {
        if attempt.retries < self.max_retries {
            return Decision::Retry {
                delay_ms: self.backoff_ms(attempt.retries, attempt.jitter),
            };
        }
        let (kind, what) = match failure {
            TransportFailure::Network => (ErrorKind::Network, "network error"),
            TransportFailure::Timeout => (ErrorKind::Timeout, "request timed out"),
        };
        Decision::Fail(Error::new(
            kind,
            format!("{what}{}: {cause}", attempts_note(attempt.retries)),
        ))
    }

    /// Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^retries)).
    pub fn backoff_ms(&self, retries: u32, jitter: f64) -> u64 {
        let ceiling = self
            .base_delay_ms
            .saturating_mul(1u64 << retries.min(32))
            .min(self.max_delay_ms);
        (ceiling as f64 * jitter.clamp(0.0, 1.0)) as u64
    }
}

fn attempts_note(retries: u32) -> String {
    if retries == 0 {
        String::new()
    } else {
        // Widened: an `Attempt` may carry any `u32`, and `u32::MAX + 1` must not overflow.
        format!(" (after {} attempts)", u64::from(retries) + 1)
    }
}

/// Parses `Retry-After`: delay-seconds, or an HTTP date (a date in the past means now).
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| Duration::from_secs_f64(seconds.min(1e9)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The current time from a JS `Date.now()` value.
pub fn system_time_from_ms(ms: f64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms.max(0.0) as u64)
}

/// An optional string member of the vendor's error body (`None` inside when absent or `null`;
/// `None` outside when of another type, which rejects the whole body).
fn opt_string(v: Option<&Value>) -> Option<Option<String>> {
    match v {
        None | Some(Value::Null) => Some(None),
        Some(Value::String(s)) => Some(Some(capped(s))),
        Some(_) => None,
    }
}

/// The characters of a vendor's title or description kept in an error.
pub const MAX_VENDOR_TEXT: usize = 300;

/// Vendor text as an error carries it: cut after [`MAX_VENDOR_TEXT`] characters and marked with
/// `…`, so that a server cannot fill a user's log or screen through the package's errors.
fn capped(text: &str) -> String {
    match text.char_indices().nth(MAX_VENDOR_TEXT) {
        None => text.to_owned(),
        Some((end, _)) => format!("{}…", &text[..end]),
    }
}

/// One vendor error: an object `{"title", "description"}` (both optional), or the sequence form
/// `[title, description]` serde accepts for a struct.
fn vendor_error(v: &Value) -> Option<(Option<String>, Option<String>)> {
    match v {
        Value::Object(m) => Some((
            opt_string(m.get("title"))?,
            opt_string(m.get("description"))?,
        )),
        Value::Array(a) if a.len() == 2 => Some((opt_string(a.first())?, opt_string(a.get(1))?)),
        _ => None,
    }
}

/// The vendor's error body: `[{"title", "description"}]` (tolerating a bare object); its first
/// error's title and description. Read as serde's untagged `Many(Vec<E>) | One(E)` would.
fn vendor_body(body: &str) -> (Option<String>, Option<String>) {
    let Ok(v) = crate::json::from_str(body) else {
        return (None, None);
    };
    if let Value::Array(items) = &v {
        if items.iter().all(|e| vendor_error(e).is_some()) {
            return items.first().and_then(vendor_error).unwrap_or((None, None));
        }
    }
    vendor_error(&v).unwrap_or((None, None))
}

fn http_error(status: u16, body: Option<&str>, retries: u32) -> Error {
    let (title, description) = body.map_or((None, None), vendor_body);
    let (kind, hint) = match status {
        401 => (
            ErrorKind::Auth,
            "the token was refused even after asking the token function for a fresh one",
        ),
        403 => (
            ErrorKind::Auth,
            "the token lacks the scope the export needs (read)",
        ),
        429 => (
            ErrorKind::RateLimited,
            "rate limited and the retries ran out",
        ),
        400 | 422 => (ErrorKind::Http, "the server refused the request"),
        404 => (
            ErrorKind::Http,
            "the export endpoint was not found: check baseUrl or tenant and region",
        ),
        _ => (ErrorKind::Http, "the server answered with an error"),
    };
    let mut message = format!("HTTP {status}{}: {hint}", attempts_note(retries));
    match (&title, &description) {
        (Some(t), Some(d)) => message.push_str(&format!(" ({t}: {d})")),
        (Some(t), None) => message.push_str(&format!(" ({t})")),
        (None, Some(d)) => message.push_str(&format!(" ({d})")),
        (None, None) => {}
    }
    let mut error = Error::new(kind, message).with_status(status);
    error.title = title;
    error.description = description;
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIRST: Attempt = Attempt {
        retries: 0,
        token_refreshed: false,
        jitter: 0.5,
    };

    fn policy() -> RetryPolicy {
        RetryPolicy::default()
    }

    fn at(retries: u32) -> Attempt {
        Attempt { retries, ..FIRST }
    }

    fn decide(attempt: Attempt, status: u16, retry_after: Option<&str>) -> Decision {
        policy().after_response(attempt, status, retry_after, None, SystemTime::now())
    }

    #[test]
    fn success_is_accepted() {
        assert_eq!(decide(FIRST, 200, None), Decision::Accept);
    }

    #[test]
    fn retryable_statuses_back_off_until_max_retries() {
        for status in [408, 429, 500, 502, 503, 504] {
            for retries in 0..4 {
                assert!(
                    matches!(decide(at(retries), status, None), Decision::Retry { .. }),
                    "{status} retry {retries}"
                );
            }
            let Decision::Fail(e) = decide(at(4), status, None) else {
                panic!("{status} should fail after 4 retries")
            };
            assert_eq!(e.status, Some(status));
            let kind = if status == 429 {
                ErrorKind::RateLimited
            } else {
                ErrorKind::Http
            };
            assert_eq!(e.kind, kind);
            assert!(e.message.contains("after 5 attempts"), "{}", e.message);
        }
    }

    #[test]
    fn client_errors_are_not_retried() {
        for status in [400, 403, 404, 422] {
            let Decision::Fail(e) = decide(FIRST, status, Some("1")) else {
                panic!("{status} must not be retried")
            };
            assert_eq!(e.status, Some(status));
        }
    }

    #[test]
    fn a_401_refreshes_the_token_once() {
        assert_eq!(decide(FIRST, 401, None), Decision::RefreshToken);
        let refreshed = Attempt {
            token_refreshed: true,
            ..FIRST
        };
        let Decision::Fail(e) = decide(refreshed, 401, None) else {
            panic!()
        };
        assert_eq!(e.kind, ErrorKind::Auth);
        assert_eq!(e.status, Some(401));
    }

    #[test]
    fn vendor_error_body_is_carried() {
        let body = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/error-400.json"
        ))
        .unwrap();
        let d = policy().after_response(FIRST, 400, None, Some(&body), SystemTime::now());
        let Decision::Fail(e) = d else { panic!() };
        assert_eq!(e.title.as_deref(), Some("Request validation failed"));
        assert_eq!(
            e.description.as_deref(),
            Some("The limit must be an integer from 1 to 100.")
        );
        assert!(e
            .message
            .contains("The limit must be an integer from 1 to 100."));
        // A body that is not the vendor's shape is tolerated.
        let d = policy().after_response(FIRST, 400, None, Some("<html>"), SystemTime::now());
        let Decision::Fail(e) = d else { panic!() };
        assert_eq!(e.title, None);
    }

    #[test]
    fn vendor_text_is_capped_in_characters() {
        let long = "é".repeat(MAX_VENDOR_TEXT + 50);
        let body = format!(r#"[{{"title":"{long}","description":"short"}}]"#);
        let d = policy().after_response(FIRST, 400, None, Some(&body), SystemTime::now());
        let Decision::Fail(e) = d else { panic!() };
        let title = e.title.unwrap();
        assert_eq!(title.chars().count(), MAX_VENDOR_TEXT + 1);
        assert!(title.ends_with('…'));
        assert!(e.message.len() < 2 * MAX_VENDOR_TEXT + 200, "{}", e.message);
        assert_eq!(e.description.as_deref(), Some("short"));
        let exact = "x".repeat(MAX_VENDOR_TEXT);
        assert_eq!(capped(&exact), exact);
    }

    #[test]
    fn retry_after_seconds_and_dates_are_honoured() {
        assert_eq!(
            decide(FIRST, 429, Some("3")),
            Decision::Retry { delay_ms: 3000 }
        );
        assert_eq!(
            decide(FIRST, 503, Some("0.25")),
            Decision::Retry { delay_ms: 250 }
        );
        let now = SystemTime::now();
        let later = httpdate::fmt_http_date(now + Duration::from_secs(10));
        let Decision::Retry { delay_ms } =
            policy().after_response(FIRST, 429, Some(&later), None, now)
        else {
            panic!()
        };
        assert!((8_000..=10_000).contains(&delay_ms), "{delay_ms}");
        let past = httpdate::fmt_http_date(now - Duration::from_secs(10));
        assert_eq!(
            policy().after_response(FIRST, 429, Some(&past), None, now),
            Decision::Retry { delay_ms: 0 }
        );
        // Garbage falls back to backoff.
        assert!(matches!(
            decide(FIRST, 429, Some("soon")),
            Decision::Retry { .. }
        ));
    }

    #[test]
    fn a_retry_after_longer_than_allowed_fails_at_once() {
        let Decision::Fail(e) = decide(FIRST, 429, Some("120")) else {
            panic!()
        };
        assert_eq!(e.kind, ErrorKind::RateLimited);
        assert_eq!(e.retry_after_ms, Some(120_000));
        assert!(e.message.contains("maxRetryAfterMs"));
    }

    #[test]
    fn backoff_grows_exponentially_with_full_jitter() {
        let p = policy();
        assert_eq!(p.backoff_ms(0, 0.0), 0);
        assert_eq!(p.backoff_ms(0, 0.999_999), 499);
        assert_eq!(p.backoff_ms(1, 0.5), 500);
        assert_eq!(p.backoff_ms(3, 0.5), 2000);
        assert_eq!(p.backoff_ms(10, 0.5), 8000, "capped at max_delay_ms");
        assert_eq!(p.backoff_ms(40, 1.0), 16_000);
    }

    #[test]
    fn transport_failures_are_retried_then_named() {
        let p = policy();
        assert!(matches!(
            p.after_transport_failure(FIRST, TransportFailure::Network, "ECONNRESET"),
            Decision::Retry { .. }
        ));
        let Decision::Fail(e) =
            p.after_transport_failure(at(4), TransportFailure::Timeout, "60000 ms")
        else {
            panic!()
        };
        assert_eq!(e.kind, ErrorKind::Timeout);
        let Decision::Fail(e) =
            p.after_transport_failure(at(4), TransportFailure::Network, "ECONNREFUSED")
        else {
            panic!()
        };
        assert_eq!(e.kind, ErrorKind::Network);
        assert!(e.message.contains("ECONNREFUSED"));
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod laws {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Backoff stays within [0, min(cap, base * 2^retries)] and its ceiling never shrinks.
        #[test]
        fn backoff_is_bounded_and_its_ceiling_grows(retries in 0u32..64, jitter in 0.0f64..1.0) {
            let p = RetryPolicy::default();
            let ceiling = |r: u32| p.base_delay_ms.saturating_mul(1u64 << r.min(32)).min(p.max_delay_ms);
            let delay = p.backoff_ms(retries, jitter);
            prop_assert!(delay <= ceiling(retries));
            prop_assert!(ceiling(retries) <= ceiling(retries + 1));
        }

        /// The policy's decision after any response, both ways: it retries exactly the
        /// retryable statuses (408, 429, 5xx) while retries remain, with the backoff (or the
        /// server's Retry-After, when allowed); refreshes the token once on a 401; accepts 2xx;
        /// and fails everything else, with the status.
        #[test]
        fn decides_every_response_as_documented(
            status in 100u16..600,
            retries in 0u32..10,
            max in 0u32..6,
            refreshed in any::<bool>(),
            retry_after in proptest::option::of(0u64..200),
            jitter in 0.0f64..1.0,
        ) {
            let p = RetryPolicy { max_retries: max, ..RetryPolicy::default() };
            let attempt = Attempt { retries, token_refreshed: refreshed, jitter };
            let header = retry_after.map(|s| s.to_string());
            let d = p.after_response(attempt, status, header.as_deref(), None, SystemTime::UNIX_EPOCH);
            let retryable = status == 408 || status == 429 || status >= 500;
            let waits_too_long = retry_after.is_some_and(|s| s * 1000 > p.max_retry_after_ms);
            let expected_delay = match retry_after {
                Some(s) => s * 1000,
                None => p.backoff_ms(retries, jitter),
            };
            match d {
                Decision::Accept => prop_assert!((200..300).contains(&status)),
                Decision::RefreshToken => prop_assert!(status == 401 && !refreshed),
                Decision::Retry { delay_ms } => {
                    prop_assert!(retryable && retries < max && !waits_too_long);
                    prop_assert_eq!(delay_ms, expected_delay);
                }
                Decision::Fail(e) => {
                    prop_assert!(!(200..300).contains(&status));
                    prop_assert!(status != 401 || refreshed);
                    prop_assert!(!retryable || retries >= max || waits_too_long);
                    prop_assert_eq!(e.status, Some(status));
                    if retryable && waits_too_long {
                        prop_assert_eq!(e.kind, ErrorKind::RateLimited);
                    }
                }
            }
        }

        /// After a request with no complete response: retried while retries remain, with the
        /// backoff; then a network or timeout error.
        #[test]
        fn decides_every_transport_failure_as_documented(
            retries in 0u32..10,
            max in 0u32..6,
            timeout in any::<bool>(),
            jitter in 0.0f64..1.0,
        ) {
            let p = RetryPolicy { max_retries: max, ..RetryPolicy::default() };
            let attempt = Attempt { retries, token_refreshed: false, jitter };
            let failure = if timeout { TransportFailure::Timeout } else { TransportFailure::Network };
            match p.after_transport_failure(attempt, failure, "cause") {
                Decision::Retry { delay_ms } => {
                    prop_assert!(retries < max);
                    prop_assert_eq!(delay_ms, p.backoff_ms(retries, jitter));
                }
                Decision::Fail(e) => {
                    prop_assert!(retries >= max);
                    prop_assert_eq!(e.kind, if timeout { ErrorKind::Timeout } else { ErrorKind::Network });
                }
                _ => prop_assert!(false, "a transport failure is retried or fails"),
            }
        }
    }
}
