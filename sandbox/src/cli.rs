//! Command-line flags of the `task-profiles-sandbox` binary.

use std::time::Duration;

use clap::Parser;

use crate::auth::OAuthConfig;
use crate::faults::FaultConfig;
use crate::server::SandboxConfig;
use crate::taxonomy::Vendor;

/// Largest tenant accepted; the id index costs ~150 bytes per employee.
pub const MAX_EMPLOYEES: usize = 5_000_000;

/// A local server implementing TechWolf's Export Employee Task Profiles
/// endpoint over a deterministic synthetic tenant.
#[derive(Parser, Debug, Clone)]
#[command(name = "task-profiles-sandbox", version, about)]
pub struct Cli {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on; 0 picks a free one (see the first stdout line).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Number of synthetic employees.
    #[arg(long, default_value_t = 2000, value_parser = parse_employees)]
    pub employees: usize,
    /// Seed of the synthetic tenant.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Bearer token accepted without the token endpoint.
    #[arg(long, default_value = "sandbox-token")]
    pub token: String,
    /// Vendors activated on the tenant (comma-separated).
    #[arg(long, default_value = "techwolf,workday", value_delimiter = ',', value_parser = parse_vendor)]
    pub vendors: Vec<Vendor>,
    /// Share of inactive employees, 0..1.
    #[arg(long, default_value_t = 0.1, value_parser = parse_share)]
    pub inactive_share: f64,
    /// Delay before every export answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Probability of answering an export request with 429.
    #[arg(long = "fail-429", default_value_t = 0.0, value_parser = parse_share)]
    pub fail_429: f64,
    /// `Retry-After` seconds sent with a 429.
    #[arg(long, default_value_t = 1)]
    pub retry_after_secs: u64,
    /// Probability of answering an export request with 503.
    #[arg(long = "fail-503", default_value_t = 0.0, value_parser = parse_share)]
    pub fail_503: f64,
    /// Probability that a 200 body is cut short and the connection aborted.
    #[arg(long, default_value_t = 0.0, value_parser = parse_share)]
    pub cut_body: f64,
    /// Seed of the fault sequence.
    #[arg(long, default_value_t = 7)]
    pub fault_seed: u64,
    /// Probability of answering an export request with 429 without `Retry-After`.
    #[arg(long = "fail-429-no-retry-after", default_value_t = 0.0, value_parser = parse_share)]
    pub fail_429_no_retry_after: f64,
    /// Probability of answering an export request with 500.
    #[arg(long = "fail-500", default_value_t = 0.0, value_parser = parse_share)]
    pub fail_500: f64,
    /// Probability of answering an export request with 502.
    #[arg(long = "fail-502", default_value_t = 0.0, value_parser = parse_share)]
    pub fail_502: f64,
    /// Probability that a 200 body is truncated cleanly: a prefix of the page with a matching
    /// Content-Length (invalid JSON, intact connection).
    #[arg(long, default_value_t = 0.0, value_parser = parse_share)]
    pub truncate_body: f64,
    /// Probability that an export answer is delayed by --latency-spike-ms more.
    #[arg(long, default_value_t = 0.0, value_parser = parse_share)]
    pub latency_spike: f64,
    /// Extra delay of a latency spike, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    pub latency_spike_ms: u64,
    /// Probability that a token issued by POST /oauth/token is revoked when presented, and the
    /// request refused with 401 (a fresh token gets through; the fixed --token is never revoked).
    #[arg(long, default_value_t = 0.0, value_parser = parse_share)]
    pub revoke_token: f64,
    /// OAuth client id accepted by POST /oauth/token.
    #[arg(long, default_value = "sandbox-client")]
    pub client_id: String,
    /// OAuth client secret accepted by POST /oauth/token.
    #[arg(long, default_value = "sandbox-secret")]
    pub client_secret: String,
    /// OAuth audience accepted by POST /oauth/token.
    #[arg(long, default_value = "sandbox.techwolf.ai")]
    pub audience: String,
    /// Lifetime of issued tokens, in seconds.
    #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..))]
    pub token_ttl_secs: u64,
}

fn parse_share(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a number"))?;
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("'{s}' is not a probability between 0 and 1"))
    }
}

fn parse_vendor(s: &str) -> Result<Vendor, String> {
    Vendor::parse(s.trim()).ok_or_else(|| {
        format!("unknown vendor '{s}'; expected techwolf, workday or sap_attribute_library")
    })
}

fn parse_employees(s: &str) -> Result<usize, String> {
    let n: usize = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a non-negative integer"))?;
    if n > MAX_EMPLOYEES {
        return Err(format!("at most {MAX_EMPLOYEES} employees are supported"));
    }
    Ok(n)
}

impl Cli {
    /// The server configuration these flags describe.
    pub fn config(&self) -> SandboxConfig {
        let mut vendors = Vec::new();
        for v in &self.vendors {
            if !vendors.contains(v) {
                vendors.push(*v);
            }
        }
        SandboxConfig {
            employees: self.employees,
            seed: self.seed,
            token: self.token.clone(),
            vendors,
            inactive_share: self.inactive_share,
            faults: FaultConfig {
                latency: Duration::from_millis(self.latency_ms),
                fail_429: self.fail_429,
                retry_after_secs: self.retry_after_secs,
                fail_503: self.fail_503,
                cut_body: self.cut_body,
                fault_seed: self.fault_seed,
                fail_429_no_retry_after: self.fail_429_no_retry_after,
                fail_500: self.fail_500,
                fail_502: self.fail_502,
                truncate_body: self.truncate_body,
                latency_spike_share: self.latency_spike,
                latency_spike: Duration::from_millis(self.latency_spike_ms),
                revoke_token: self.revoke_token,
            },
            oauth: OAuthConfig {
                client_id: self.client_id.clone(),
                client_secret: self.client_secret.clone(),
                audience: self.audience.clone(),
                token_ttl: Duration::from_secs(self.token_ttl_secs),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_server_defaults() {
        let cli = Cli::try_parse_from(["task-profiles-sandbox"]).unwrap();
        let c = cli.config();
        let d = SandboxConfig::default();
        assert_eq!(c.employees, d.employees);
        assert_eq!(c.vendors, d.vendors);
        assert_eq!(c.faults, d.faults);
        assert_eq!(c.token, d.token);
        assert_eq!(c.oauth.token_ttl, d.oauth.token_ttl);
    }

    #[test]
    fn bad_flags_are_refused() {
        for args in [
            vec!["x", "--fail-429", "1.5"],
            vec!["x", "--cut-body", "-0.1"],
            vec!["x", "--inactive-share", "NaN"],
            vec!["x", "--vendors", "techwolf,oracle"],
            vec!["x", "--token-ttl-secs", "0"],
            vec!["x", "--employees", "-3"],
            vec!["x", "--fail-500", "2"],
            vec!["x", "--fail-502", "-1"],
            vec!["x", "--fail-429-no-retry-after", "x"],
            vec!["x", "--truncate-body", "1.01"],
            vec!["x", "--latency-spike", "NaN"],
            vec!["x", "--latency-spike-ms", "-5"],
            vec!["x", "--revoke-token", "inf"],
        ] {
            let err = Cli::try_parse_from(&args).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{args:?}");
        }
        let cli =
            Cli::try_parse_from(["x", "--vendors", "sap_attribute_library", "--fail-503", "1"])
                .unwrap();
        assert_eq!(cli.vendors, vec![Vendor::SapAttributeLibrary]);
    }

    #[test]
    fn new_fault_flags_reach_the_config() {
        let cli = Cli::try_parse_from([
            "x",
            "--fail-429-no-retry-after",
            "0.1",
            "--fail-500",
            "0.2",
            "--fail-502",
            "0.3",
            "--truncate-body",
            "0.4",
            "--latency-spike",
            "0.5",
            "--latency-spike-ms",
            "250",
            "--revoke-token",
            "0.6",
        ])
        .unwrap();
        let f = cli.config().faults;
        assert_eq!(
            (f.fail_429_no_retry_after, f.fail_500, f.fail_502),
            (0.1, 0.2, 0.3)
        );
        assert_eq!((f.truncate_body, f.latency_spike_share), (0.4, 0.5));
        assert_eq!(f.latency_spike, Duration::from_millis(250));
        assert_eq!(f.revoke_token, 0.6);
        // Off by default: the existing faults' flags alone give the existing behaviour.
        let d = SandboxConfig::default().faults;
        assert_eq!(
            (
                d.fail_429_no_retry_after,
                d.fail_500,
                d.fail_502,
                d.truncate_body
            ),
            (0.0, 0.0, 0.0, 0.0)
        );
        assert_eq!((d.latency_spike_share, d.revoke_token), (0.0, 0.0));
    }
}
