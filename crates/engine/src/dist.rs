//! Service-time and latency distributions, sampled in integer nanoseconds.

use serde::{Deserialize, Serialize};

use crate::rng::Rng;
use crate::time::SimDuration;

/// A distribution of durations, written in scenario files as
/// `{ dist = "exp", mean = "8ms" }` and friends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum Distribution {
    /// Always `value`: a deterministic service (the "D" in M/D/1).
    Const { value: SimDuration },
    /// Exponential with the given mean: memoryless (the "M" in M/M/1).
    Exp { mean: SimDuration },
    /// Uniform between `min` and `max`.
    Uniform { min: SimDuration, max: SimDuration },
}

impl Distribution {
    /// One draw.
    #[inline]
    pub fn sample(&self, rng: &mut Rng) -> SimDuration {
        match *self {
            Distribution::Const { value } => value,
            Distribution::Exp { mean } => {
                let x = -(mean.as_nanos() as f64) * libm::log(rng.next_f64_open0());
                SimDuration::from_nanos(libm::round(x) as u64)
            }
            Distribution::Uniform { min, max } => {
                let span = max.as_nanos().saturating_sub(min.as_nanos());
                SimDuration::from_nanos(min.as_nanos() + rng.below(span + 1))
            }
        }
    }

    /// The distribution's mean, for formula checks and capacity estimates.
    pub fn mean(&self) -> SimDuration {
        match *self {
            Distribution::Const { value } => value,
            Distribution::Exp { mean } => mean,
            Distribution::Uniform { min, max } => {
                SimDuration::from_nanos(min.as_nanos() / 2 + max.as_nanos() / 2)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_mean(d: &Distribution, n: u32) -> f64 {
        let mut rng = Rng::seeded(11);
        (0..n)
            .map(|_| d.sample(&mut rng).as_nanos() as f64)
            .sum::<f64>()
            / n as f64
    }

    #[test]
    fn exponential_mean_matches() {
        let d = Distribution::Exp {
            mean: SimDuration::from_millis(8),
        };
        // Standard error of the mean is mean/sqrt(n) = 0.22%; allow 5 of them.
        let m = sample_mean(&d, 200_000);
        assert!((m / 8e6 - 1.0).abs() < 0.011, "mean {m}");
    }

    #[test]
    fn uniform_stays_in_bounds_and_centres() {
        let d = Distribution::Uniform {
            min: SimDuration::from_millis(2),
            max: SimDuration::from_millis(4),
        };
        let mut rng = Rng::seeded(5);
        for _ in 0..10_000 {
            let x = d.sample(&mut rng);
            assert!(x >= SimDuration::from_millis(2) && x <= SimDuration::from_millis(4));
        }
        assert!((sample_mean(&d, 100_000) / 3e6 - 1.0).abs() < 0.005);
    }

    #[test]
    fn constant_is_constant() {
        let d = Distribution::Const {
            value: SimDuration::from_millis(3),
        };
        assert_eq!(sample_mean(&d, 10), 3e6);
    }
}
