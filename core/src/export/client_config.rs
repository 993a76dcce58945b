//! Client options: where the endpoint lives and how patient to be with it.

use crate::json::write::quoted;
use crate::json::{Map, Value};

use super::retry::RetryPolicy;
use crate::error::{Error, Result};

/// Validated client options (the token and the fetch function stay in JS).
#[derive(Debug, Clone, PartialEq)]
pub struct ClientConfig {
    /// Base URL without a trailing slash, e.g. `https://acme.eu.techwolf.ai`.
    pub base_url: String,
    /// Per-request timeout.
    pub timeout_ms: u64,
    /// How retries are paced and when they stop.
    pub retry: RetryPolicy,
}

const KNOWN_OPTIONS: &[&str] = &[
    "baseUrl",
    "tenant",
    "region",
    "maxRetries",
    "timeoutMs",
    "maxRetryAfterMs",
];

impl ClientConfig {
    /// Parses the client options object given as JSON text (camelCase keys).
    pub fn from_json(json: &str) -> Result<Self> {
        let value: Value =
            crate::json::from_str(json).map_err(|e| Error::invalid_params("options", e))?;
        Self::from_value(&value)
    }

    /// Validates the client options object (camelCase keys, without `token` and `fetch`).
    pub fn from_value(value: &Value) -> Result<Self> {
        let Value::Object(options) = value else {
            return Err(Error::invalid_params("options", "expected an object"));
        };
        for key in options.keys() {
            if !KNOWN_OPTIONS.contains(&key.as_str()) {
                return Err(Error::invalid_params(
                    key,
                    format!(
                        "unknown option (known: token, fetch, {})",
                        KNOWN_OPTIONS.join(", ")
                    ),
                ));
            }
        }
        let base_url = base_url(options)?;
        let defaults = RetryPolicy::default();
        let retry = RetryPolicy {
            max_retries: int_option(options, "maxRetries", 0, 100)?
                .unwrap_or(defaults.max_retries as u64) as u32,
            max_retry_after_ms: int_option(options, "maxRetryAfterMs", 0, u32::MAX as u64)?
                .unwrap_or(defaults.max_retry_after_ms),
            ..defaults
        };
        let timeout_ms = int_option(options, "timeoutMs", 1, u32::MAX as u64)?.unwrap_or(60_000);
        Ok(ClientConfig {
            base_url,
            timeout_ms,
            retry,
        })
    }
}

/// Checks that `baseUrl` is one the bearer token may be sent to: `https:`, or `http:` to a
/// loopback host only (`localhost`, `127.0.0.0/8`, `[::1]`, such as the sandbox), and with no
/// user info (`user:password@`), which would travel with every request and show in logs.
fn check_secure_url(url: &str) -> Result<()> {
    let (https, rest) = match url.strip_prefix("https://") {
        Some(rest) => (true, rest),
        None => match url.strip_prefix("http://") {
            Some(rest) => (false, rest),
            None => return Err(Error::invalid_params("baseUrl", "must start with https://")),
        },
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.contains('@') {
        return Err(Error::invalid_params(
            "baseUrl",
            "user:password@ in a URL is refused: it would go, and be logged, with every request",
        ));
    }
    if !https && !is_loopback(authority) {
        return Err(Error::invalid_params(
            "baseUrl",
            "http:// sends the bearer token in clear text: use https:// (http:// only for localhost, 127.0.0.0/8, [::1])",
        ));
    }
    Ok(())
}

/// Whether a URL authority (`host[:port]`) names this machine.
fn is_loopback(authority: &str) -> bool {
    if let Some(bracketed) = authority.strip_prefix("[::1]") {
        return bracketed.is_empty() || bracketed.starts_with(':');
    }
    let host = authority
        .rsplit_once(':')
        .map_or(authority, |(host, _)| host);
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    // 127.a.b.c, each part 0 to 255 in decimal.
    let Some(rest) = host.strip_prefix("127.") else {
        return false;
    };
    let mut parts = 0;
    for part in rest.split('.') {
        // Three digits at most, checked first: a longer run of digits would overflow the sum.
        if part.is_empty() || part.len() > 3 {
            return false;
        }
        let value = part.bytes().try_fold(0u32, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        });
        if value.is_none_or(|v| v > 255) {
            return false;
        }
        parts += 1;
    }
    parts == 3
}

fn base_url(options: &Map) -> Result<String> {
    let tenant = options.get("tenant");
    let region = options.get("region");
    match (options.get("baseUrl"), tenant, region) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(Error::invalid_params(
            "baseUrl",
            "give either baseUrl or tenant + region, not both",
        )),
        (Some(Value::String(url)), None, None) => {
            let url = url.trim_end_matches('/');
            check_secure_url(url)?;
            let rest = url
                .strip_prefix("https://")
                .or_else(|| url.strip_prefix("http://"))
                .unwrap_or(url);
            if rest.is_empty() || rest.contains(char::is_whitespace) || rest.contains(['?', '#']) {
                return Err(Error::invalid_params(
                    "baseUrl",
                    format!(
                        "{} is not a base URL (expected e.g. https://acme.eu.techwolf.ai)",
                        quoted(url)
                    ),
                ));
            }
            Ok(url.to_string())
        }
        (Some(other), None, None) => Err(Error::invalid_params(
            "baseUrl",
            format!("expected a string, got {}", other.type_name()),
        )),
        (None, Some(tenant), region) => {
            let Value::String(tenant) = tenant else {
                return Err(Error::invalid_params("tenant", "expected a string"));
            };
            let valid = !tenant.is_empty()
                && tenant
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !valid {
                return Err(Error::invalid_params(
                    "tenant",
                    format!(
                        "{} is not a tenant name (lowercase letters, digits and -)",
                        quoted(tenant)
                    ),
                ));
            }
            match region {
                Some(Value::String(r)) if r == "eu" || r == "us" => {
                    Ok(format!("https://{tenant}.{r}.techwolf.ai"))
                }
                Some(other) => Err(Error::invalid_params(
                    "region",
                    format!("expected \"eu\" or \"us\", got {other}"),
                )),
                None => Err(Error::invalid_params(
                    "region",
                    "required with tenant (\"eu\" or \"us\")",
                )),
            }
        }
        (None, None, Some(_)) => Err(Error::invalid_params("tenant", "required with region")),
        (None, None, None) => Err(Error::invalid_params(
            "baseUrl",
            "required: give baseUrl, or tenant and region",
        )),
    }
}

/// Reads an optional integer option within `min..=max`.
pub(crate) fn int_option(options: &Map, key: &str, min: u64, max: u64) -> Result<Option<u64>> {
    match options.get(key) {
        None => Ok(None),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(v) if (min..=max).contains(&v) => Ok(Some(v)),
            _ => Err(Error::invalid_params(
                key,
                format!("expected an integer from {min} to {max}, got {n}"),
            )),
        },
        Some(other) => Err(Error::invalid_params(
            key,
            format!(
                "expected an integer from {min} to {max}, got {}",
                other.type_name()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn err(json: &str) -> String {
        let e = ClientConfig::from_json(json).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidParams);
        e.message
    }

    #[test]
    fn base_url_from_tenant_and_region() {
        let c = ClientConfig::from_json(r#"{"tenant":"acme","region":"eu"}"#).unwrap();
        assert_eq!(c.base_url, "https://acme.eu.techwolf.ai");
        assert_eq!(c.timeout_ms, 60_000);
        assert_eq!(c.retry.max_retries, 4);
        assert_eq!(c.retry.max_retry_after_ms, 60_000);
    }

    #[test]
    fn only_https_or_loopback_http_and_no_user_info() {
        let err = |url: &str| {
            ClientConfig::from_json(&format!(r#"{{"baseUrl":"{url}"}}"#))
                .err()
                .map(|e| e.message)
        };
        for ok in [
            "https://acme.eu.techwolf.ai",
            "https://acme.eu.techwolf.ai:8443/api",
            "http://localhost:8787",
            "http://LOCALHOST",
            "http://127.0.0.1:9",
            "http://127.255.0.9/",
            "http://[::1]:8080",
        ] {
            assert_eq!(err(ok), None, "{ok}");
        }
        for bad in [
            "http://api.example.com",
            "http://128.0.0.1",
            "http://127.0.0.1.evil.com",
            "http://localhost.evil.com",
            "http://[::2]",
            "http://127.0.0.256",
        ] {
            let message = err(bad).unwrap_or_else(|| panic!("{bad} was accepted"));
            assert!(
                message.starts_with("baseUrl: http:// sends the bearer token in clear text"),
                "{message}"
            );
        }
        for bad in ["https://user:pw@acme.eu.techwolf.ai", "http://u@localhost"] {
            let message = err(bad).unwrap_or_else(|| panic!("{bad} was accepted"));
            assert!(message.contains("user:password@"), "{message}");
            assert!(!message.contains("pw"), "{message}");
        }
        assert!(err("ftp://x")
            .unwrap()
            .starts_with("baseUrl: must start with https://"));
    }

    #[test]
    fn base_url_trailing_slash_is_dropped() {
        let c = ClientConfig::from_json(
            r#"{"baseUrl":"http://127.0.0.1:8080/","maxRetries":0,"timeoutMs":5}"#,
        )
        .unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:8080");
        assert_eq!(c.retry.max_retries, 0);
        assert_eq!(c.timeout_ms, 5);
    }

    #[test]
    fn bad_options_name_the_field() {
        assert!(err("{}").starts_with("baseUrl: required"));
        assert!(err(r#"{"baseUrl":"ftp://x"}"#).starts_with("baseUrl:"));
        assert!(err(r#"{"baseUrl":5}"#).starts_with("baseUrl: expected a string"));
        assert!(err(r#"{"tenant":"acme"}"#).starts_with("region: required"));
        assert!(err(r#"{"tenant":"acme","region":"ap"}"#).starts_with("region:"));
        assert!(err(r#"{"tenant":"Ac me","region":"eu"}"#).starts_with("tenant:"));
        assert!(err(r#"{"baseUrl":"https://x","tenant":"a"}"#).contains("not both"));
        assert!(err(r#"{"baseUrl":"https://x","maxRetries":-1}"#).starts_with("maxRetries:"));
        assert!(err(r#"{"baseUrl":"https://x","maxRetries":1.5}"#).starts_with("maxRetries:"));
        assert!(err(r#"{"baseUrl":"https://x","timeoutMs":0}"#).starts_with("timeoutMs:"));
        assert!(err(r#"{"baseUrl":"https://x","maxRetrys":1}"#)
            .starts_with("maxRetrys: unknown option"));
        assert!(err("[]").starts_with("options: expected an object"));
    }
}
