//! Injected faults for the export endpoint.
//!
//! Each request's fate depends only on `--fault-seed` and the request's number,
//! so a failing client run can be replayed exactly.

use std::time::Duration;

use crate::ids::unit;

const TAG_429: u64 = 0x0034_3239;
const TAG_503: u64 = 0x0035_3033;
const TAG_CUT: u64 = 0x0063_7574;

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
}

impl FaultConfig {
    /// Decides the fault for export request number `n` (0-based).
    pub fn decide(&self, n: u64) -> Fault {
        // Independent draws per kind, so changing one share leaves the others' pattern intact.
        if unit(self.fault_seed, TAG_429, n) < self.fail_429 {
            Fault::RateLimited
        } else if unit(self.fault_seed, TAG_503, n) < self.fail_503 {
            Fault::Unavailable
        } else if unit(self.fault_seed, TAG_CUT, n) < self.cut_body {
            Fault::CutBody
        } else {
            Fault::None
        }
    }

    /// A short summary for the startup line.
    pub fn summary(&self) -> String {
        format!(
            "latency {}ms, 429 {}, 503 {}, cut-body {}, fault-seed {}",
            self.latency.as_millis(),
            self.fail_429,
            self.fail_503,
            self.cut_body,
            self.fault_seed
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let share = |k| faults.iter().filter(|&&x| x == k).count() as f64 / 10_000.0;
        assert!((0.18..0.22).contains(&share(Fault::RateLimited)));
        assert!((0.06..0.10).contains(&share(Fault::Unavailable)));
        assert_eq!(faults, (0..10_000).map(|n| f.decide(n)).collect::<Vec<_>>());
        let none = FaultConfig::default();
        assert!((0..1000).all(|n| none.decide(n) == Fault::None));
    }
}
