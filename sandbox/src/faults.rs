//! Injected faults for the export endpoint.
//!
//! Each request's fate depends only on `--fault-seed` and the request's number,
//! so a failing client run can be replayed exactly. Every share is off by default.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::ids::unit;

const TAG_429: u64 = 0x0034_3239;
const TAG_503: u64 = 0x0035_3033;
const TAG_CUT: u64 = 0x0063_7574;
const TAG_429_NO_RETRY_AFTER: u64 = 0x3432_396e;
const TAG_500: u64 = 0x0035_3030;
const TAG_502: u64 = 0x0035_3032;
const TAG_TRUNCATE: u64 = 0x7472_756e;
const TAG_TRUNCATE_AT: u64 = 0x7472_7561;
const TAG_REVOKE: u64 = 0x7265_766b;
const TAG_SPIKE: u64 = 0x7370_696b;

/// Fault settings.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FaultConfig {
    /// Delay before every export answer.
    pub latency: Duration,
    /// Probability of a 429.
    pub fail_429: f64,
    /// `Retry-After` seconds sent with a 429.
    pub retry_after_secs: u64,
    /// Probability of a 503.
    pub fail_503: f64,
    /// Probability that a 200 body is cut short.
    pub cut_body: f64,
    /// Seed of the fault sequence.
    pub fault_seed: u64,
    /// Probability of a 429 without `Retry-After`.
    pub fail_429_no_retry_after: f64,
    /// Probability of a 500.
    pub fail_500: f64,
    /// Probability of a 502.
    pub fail_502: f64,
    /// Probability that a 200 body is truncated cleanly: a prefix of the page, sent in full with
    /// its own `Content-Length`, so that only the JSON is broken, not the connection.
    pub truncate_body: f64,
    /// Probability that an answer is delayed by `latency_spike` on top of `latency`.
    pub latency_spike_share: f64,
    /// The extra delay of a latency spike.
    pub latency_spike: Duration,
    /// Probability that a request presenting a token issued by `POST /oauth/token` has that token
    /// revoked and is refused with 401, so that only a fresh token gets it through.
    pub revoke_token: f64,
}

/// What happens to one export request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer normally.
    None,
    /// 429 with `Retry-After`.
    RateLimited,
    /// 503.
    Unavailable,
    /// A 200 whose body stops halfway and whose connection is then aborted.
    CutBody,
    /// 429 without `Retry-After`.
    RateLimitedNoRetryAfter,
    /// 500.
    InternalError,
    /// 502.
    BadGateway,
    /// A 200 whose body is a prefix of the page, with a `Content-Length` that matches it.
    TruncatedBody,
    /// The presented token, if one the token endpoint issued, is revoked: 401.
    RevokeToken,
}

impl Fault {
    /// Every kind but `None`, in the order `FaultConfig::decide` draws them.
    pub const INJECTED: [Fault; 8] = [
        Fault::RateLimited,
        Fault::Unavailable,
        Fault::CutBody,
        Fault::RateLimitedNoRetryAfter,
        Fault::InternalError,
        Fault::BadGateway,
        Fault::TruncatedBody,
        Fault::RevokeToken,
    ];

    /// The name of the flag that sets this fault's share, in snake case: the key under which
    /// `GET /stats` counts it.
    pub fn flag_name(self) -> &'static str {
        match self {
            Fault::None => "none",
            Fault::RateLimited => "fail_429",
            Fault::Unavailable => "fail_503",
            Fault::CutBody => "cut_body",
            Fault::RateLimitedNoRetryAfter => "fail_429_no_retry_after",
            Fault::InternalError => "fail_500",
            Fault::BadGateway => "fail_502",
            Fault::TruncatedBody => "truncate_body",
            Fault::RevokeToken => "revoke_token",
        }
    }

    fn tag(self) -> u64 {
        match self {
            Fault::None => 0,
            Fault::RateLimited => TAG_429,
            Fault::Unavailable => TAG_503,
            Fault::CutBody => TAG_CUT,
            Fault::RateLimitedNoRetryAfter => TAG_429_NO_RETRY_AFTER,
            Fault::InternalError => TAG_500,
            Fault::BadGateway => TAG_502,
            Fault::TruncatedBody => TAG_TRUNCATE,
            Fault::RevokeToken => TAG_REVOKE,
        }
    }
}

impl FaultConfig {
    fn share(&self, fault: Fault) -> f64 {
        match fault {
            Fault::None => 0.0,
            Fault::RateLimited => self.fail_429,
            Fault::Unavailable => self.fail_503,
            Fault::CutBody => self.cut_body,
            Fault::RateLimitedNoRetryAfter => self.fail_429_no_retry_after,
            Fault::InternalError => self.fail_500,
            Fault::BadGateway => self.fail_502,
            Fault::TruncatedBody => self.truncate_body,
            Fault::RevokeToken => self.revoke_token,
        }
    }

    /// Decides the fault for export request number `n` (0-based).
    pub fn decide(&self, n: u64) -> Fault {
        // Independent draws per kind, so changing one share leaves the others' pattern intact
        // (a request two kinds draw goes to the first). A zero share never draws, so the kinds
        // added after the first three leave their sequence as it was.
        Fault::INJECTED
            .into_iter()
            .find(|&f| unit(self.fault_seed, f.tag(), n) < self.share(f))
            .unwrap_or(Fault::None)
    }

    /// Whether export request number `n` gets a latency spike (independent of its fault).
    pub fn spiked(&self, n: u64) -> bool {
        unit(self.fault_seed, TAG_SPIKE, n) < self.latency_spike_share
    }

    /// The delay before answering export request number `n`: `latency`, plus the spike if drawn.
    pub fn delay(&self, n: u64) -> Duration {
        if self.spiked(n) {
            self.latency + self.latency_spike
        } else {
            self.latency
        }
    }

    /// How many bytes of a `len`-byte body a truncated answer to request `n` keeps: fewer than
    /// `len`, anywhere in the body, so the cut falls in a string, a number or between tokens.
    pub fn truncate_at(&self, n: u64, len: usize) -> usize {
        let at = (len as f64 * unit(self.fault_seed, TAG_TRUNCATE_AT, n)) as usize;
        at.min(len.saturating_sub(1))
    }

    /// A short summary for the startup line.
    pub fn summary(&self) -> String {
        format!(
            "latency {}ms, 429 {}, 503 {}, cut-body {}, 429-no-retry-after {}, 500 {}, 502 {}, truncate-body {}, latency-spike {} of {}ms, revoke-token {}, fault-seed {}",
            self.latency.as_millis(),
            self.fail_429,
            self.fail_503,
            self.cut_body,
            self.fail_429_no_retry_after,
            self.fail_500,
            self.fail_502,
            self.truncate_body,
            self.latency_spike_share,
            self.latency_spike.as_millis(),
            self.revoke_token,
            self.fault_seed
        )
    }
}

/// How many faults the server injected, by kind. A fault counts only once it is applied: one
/// drawn for a request that is then refused (a cut body for a 400, a revocation of the fixed
/// token) is not.
#[derive(Debug, Default)]
pub struct FaultCounts {
    injected: [AtomicU64; Fault::INJECTED.len()],
    latency_spikes: AtomicU64,
}

impl FaultCounts {
    /// Counts one applied fault.
    pub fn record(&self, fault: Fault) {
        if let Some(i) = Fault::INJECTED.iter().position(|&f| f == fault) {
            self.injected[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts one latency spike.
    pub fn record_spike(&self) {
        self.latency_spikes.fetch_add(1, Ordering::Relaxed);
    }

    /// The counts as a JSON object keyed by each fault's flag name (and `latency_spike`).
    pub fn to_json(&self) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        for (fault, count) in Fault::INJECTED.iter().zip(&self.injected) {
            out.insert(
                fault.flag_name().into(),
                count.load(Ordering::Relaxed).into(),
            );
        }
        out.insert(
            "latency_spike".into(),
            self.latency_spikes.load(Ordering::Relaxed).into(),
        );
        serde_json::Value::Object(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share_of(faults: &[Fault], kind: Fault) -> f64 {
        faults.iter().filter(|&&x| x == kind).count() as f64 / faults.len() as f64
    }

    #[test]
    fn shares_are_respected_and_deterministic() {
        let f = FaultConfig {
            fail_429: 0.2,
            fail_503: 0.1,
            cut_body: 0.1,
            fault_seed: 7,
            ..Default::default()
        };
        let faults: Vec<Fault> = (0..10_000).map(|n| f.decide(n)).collect();
        let share = |k| share_of(&faults, k);
        assert!((0.18..0.22).contains(&share(Fault::RateLimited)));
        assert!((0.06..0.10).contains(&share(Fault::Unavailable)));
        assert_eq!(faults, (0..10_000).map(|n| f.decide(n)).collect::<Vec<_>>());
        let none = FaultConfig::default();
        assert!((0..1000).all(|n| none.decide(n) == Fault::None));
        assert!((0..1000).all(|n| !none.spiked(n) && none.delay(n).is_zero()));
    }

    #[test]
    fn new_kinds_are_drawn_at_their_shares_and_leave_the_first_three_unchanged() {
        let old = FaultConfig {
            fail_429: 0.1,
            fail_503: 0.1,
            cut_body: 0.1,
            fault_seed: 11,
            ..Default::default()
        };
        let new = FaultConfig {
            fail_429_no_retry_after: 0.05,
            fail_500: 0.05,
            fail_502: 0.05,
            truncate_body: 0.05,
            revoke_token: 0.05,
            ..old
        };
        let before: Vec<Fault> = (0..20_000).map(|n| old.decide(n)).collect();
        let after: Vec<Fault> = (0..20_000).map(|n| new.decide(n)).collect();
        for (b, a) in before.iter().zip(&after) {
            // A request the first three kinds drew keeps its fault; the others may get a new one.
            if *b != Fault::None {
                assert_eq!(a, b);
            }
        }
        // What is left after the first three (0.9^3 of requests) is shared among the new kinds
        // in draw order: 0.729 * 0.05 for the first, then 0.95 of that for each one after.
        let mut expected = 0.729 * 0.05;
        for kind in [
            Fault::RateLimitedNoRetryAfter,
            Fault::InternalError,
            Fault::BadGateway,
            Fault::TruncatedBody,
            Fault::RevokeToken,
        ] {
            let got = share_of(&after, kind);
            assert!(
                (got - expected).abs() < 0.006,
                "{kind:?}: {got} vs {expected}"
            );
            expected *= 0.95;
        }
    }

    #[test]
    fn each_kind_alone_fires_at_its_share_and_depends_on_the_seed() {
        for kind in Fault::INJECTED {
            let mut f = FaultConfig {
                fault_seed: 3,
                ..Default::default()
            };
            match kind {
                Fault::RateLimited => f.fail_429 = 0.3,
                Fault::Unavailable => f.fail_503 = 0.3,
                Fault::CutBody => f.cut_body = 0.3,
                Fault::RateLimitedNoRetryAfter => f.fail_429_no_retry_after = 0.3,
                Fault::InternalError => f.fail_500 = 0.3,
                Fault::BadGateway => f.fail_502 = 0.3,
                Fault::TruncatedBody => f.truncate_body = 0.3,
                Fault::RevokeToken => f.revoke_token = 0.3,
                Fault::None => unreachable!(),
            }
            let faults: Vec<Fault> = (0..10_000).map(|n| f.decide(n)).collect();
            assert!(faults.iter().all(|&x| x == kind || x == Fault::None));
            assert!((0.28..0.32).contains(&share_of(&faults, kind)), "{kind:?}");
            let other_seed = FaultConfig { fault_seed: 4, ..f };
            assert_ne!(
                faults,
                (0..10_000)
                    .map(|n| other_seed.decide(n))
                    .collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn latency_spikes_add_their_delay_to_a_share_of_requests() {
        let f = FaultConfig {
            latency: Duration::from_millis(5),
            latency_spike_share: 0.25,
            latency_spike: Duration::from_millis(300),
            fail_503: 0.5,
            fault_seed: 9,
            ..Default::default()
        };
        let spiked: Vec<u64> = (0..10_000).filter(|&n| f.spiked(n)).collect();
        assert!((2300..2700).contains(&spiked.len()), "{}", spiked.len());
        for n in 0..10_000 {
            let expected = if f.spiked(n) { 305 } else { 5 };
            assert_eq!(f.delay(n), Duration::from_millis(expected));
        }
        // Spikes are drawn apart from faults: spiked requests fail as often as the others.
        let failed = spiked
            .iter()
            .filter(|&&n| f.decide(n) == Fault::Unavailable)
            .count();
        let share = failed as f64 / spiked.len() as f64;
        assert!((0.45..0.55).contains(&share), "{share}");
    }

    #[test]
    fn truncation_keeps_a_proper_prefix_anywhere_in_the_body() {
        let f = FaultConfig {
            fault_seed: 5,
            ..Default::default()
        };
        let cuts: Vec<usize> = (0..2000).map(|n| f.truncate_at(n, 1000)).collect();
        assert!(cuts.iter().all(|&c| c < 1000));
        assert!(cuts.iter().any(|&c| c < 100) && cuts.iter().any(|&c| c > 900));
        assert_eq!(
            cuts,
            (0..2000)
                .map(|n| f.truncate_at(n, 1000))
                .collect::<Vec<_>>()
        );
        assert_eq!(f.truncate_at(0, 1), 0);
        assert_eq!(f.truncate_at(0, 0), 0);
    }

    #[test]
    fn counts_are_keyed_by_flag_name() {
        let counts = FaultCounts::default();
        counts.record(Fault::TruncatedBody);
        counts.record(Fault::TruncatedBody);
        counts.record(Fault::RevokeToken);
        counts.record(Fault::None);
        counts.record_spike();
        let json = counts.to_json();
        assert_eq!(json["truncate_body"], 2);
        assert_eq!(json["revoke_token"], 1);
        assert_eq!(json["fail_500"], 0);
        assert_eq!(json["latency_spike"], 1);
        assert_eq!(json.as_object().unwrap().len(), Fault::INJECTED.len() + 1);
    }
}
