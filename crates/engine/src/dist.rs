//! Service-time and latency distributions, sampled in integer nanoseconds.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::rng::Rng;
use crate::time::SimDuration;

/// A distribution of durations, written in scenario files as
/// `{ dist = "exp", mean = "8ms" }` and friends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum Distribution {
    /// Always `value`: a deterministic service (the "D" in M/D/1).
    Const { value: SimDuration },
    /// Exponential with the given mean: memoryless (the "M" in M/M/1).
    Exp { mean: SimDuration },
    /// Uniform between `min` and `max`.
    Uniform { min: SimDuration, max: SimDuration },
    /// Log-normal, given by its median and 99th percentile: the usual shape
    /// of real service times (a long right tail).
    Lognormal { p50: SimDuration, p99: SimDuration },
    /// `fast` most of the time, `slow` for a `slow_share` of requests: the
    /// one slow leaf in a fan-out.
    Bimodal { fast: SimDuration, slow: SimDuration, slow_share: f64 },
    /// Pareto with minimum `scale` and tail index `shape` (heavier below 2),
    /// capped at `max` (default one hour) so every draw is finite.
    Pareto { scale: SimDuration, shape: f64, max: Option<SimDuration> },
}

/// z such that P(N(0,1) < z) = 0.99.
pub(crate) const Z99: f64 = 2.326_347_874_040_841;

impl Distribution {
    /// One draw. (The engine compiles a distribution into a
    /// [`Sampler`](crate::sampler::Sampler) once; this is for one-off draws.)
    pub fn sample(&self, rng: &mut Rng) -> SimDuration {
        crate::sampler::Sampler::from(self).sample(rng)
    }

    /// Why these parameters cannot be sampled, if they cannot.
    pub fn check(&self) -> Result<(), String> {
        match *self {
            Distribution::Const { .. } | Distribution::Exp { .. } => Ok(()),
            Distribution::Uniform { min, max } if max < min => {
                Err(format!("uniform: `max` ({max}) is below `min` ({min})"))
            }
            Distribution::Lognormal { p50, p99 } if p50.as_nanos() == 0 || p99 < p50 => {
                Err(format!("lognormal: expected 0 < p50 ≤ p99, got p50 = {p50}, p99 = {p99}"))
            }
            Distribution::Bimodal { slow_share, .. } if !(0.0..=1.0).contains(&slow_share) => {
                Err(format!("bimodal: `slow_share` must be between 0 and 1, got {slow_share}"))
            }
            Distribution::Pareto { scale, shape, .. }
                if scale.as_nanos() == 0 || !(shape.is_finite() && shape > 0.0) =>
            {
                Err(format!(
                    "pareto: expected scale > 0 and shape > 0, got scale = {scale}, shape = {shape}"
                ))
            }
            _ => Ok(()),
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
            Distribution::Lognormal { p50, p99 } => {
                let sigma =
                    libm::log(p99.as_nanos().max(1) as f64 / p50.as_nanos().max(1) as f64) / Z99;
                nanos(p50.as_nanos() as f64 * libm::exp(sigma * sigma / 2.0))
            }
            Distribution::Bimodal { fast, slow, slow_share } => nanos(
                fast.as_nanos() as f64 * (1.0 - slow_share) + slow.as_nanos() as f64 * slow_share,
            ),
            Distribution::Pareto { scale, shape, .. } if shape > 1.0 => {
                nanos(scale.as_nanos() as f64 * shape / (shape - 1.0))
            }
            // An infinite mean, capped: report the cap's order rather than ∞.
            Distribution::Pareto { max, .. } => max.unwrap_or(SimDuration::from_secs(3600)),
        }
    }

    /// The same distribution with every duration multiplied by `factor`
    /// (a tenant's `work`, a fault's slowdown).
    pub fn scaled(&self, factor: f64) -> Distribution {
        let s = |d: SimDuration| nanos(d.as_nanos() as f64 * factor);
        match *self {
            Distribution::Const { value } => Distribution::Const { value: s(value) },
            Distribution::Exp { mean } => Distribution::Exp { mean: s(mean) },
            Distribution::Uniform { min, max } => {
                Distribution::Uniform { min: s(min), max: s(max) }
            }
            Distribution::Lognormal { p50, p99 } => {
                Distribution::Lognormal { p50: s(p50), p99: s(p99) }
            }
            Distribution::Bimodal { fast, slow, slow_share } => {
                Distribution::Bimodal { fast: s(fast), slow: s(slow), slow_share }
            }
            Distribution::Pareto { scale, shape, max } => {
                Distribution::Pareto { scale: s(scale), shape, max: max.map(s) }
            }
        }
    }
}

/// Rounds a non-negative nanosecond count (saturating).
#[inline]
fn nanos(x: f64) -> SimDuration {
    SimDuration::from_nanos_f64(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_mean(d: &Distribution, n: u32) -> f64 {
        let mut rng = Rng::seeded(11);
        (0..n).map(|_| d.sample(&mut rng).as_nanos() as f64).sum::<f64>() / n as f64
    }

    #[test]
    fn exponential_mean_matches() {
        let d = Distribution::Exp { mean: SimDuration::from_millis(8) };
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
    fn lognormal_hits_its_percentiles() {
        let d = Distribution::Lognormal {
            p50: SimDuration::from_millis(8),
            p99: SimDuration::from_millis(40),
        };
        let mut rng = Rng::seeded(3);
        let mut xs: Vec<u64> = (0..200_000).map(|_| d.sample(&mut rng).as_nanos()).collect();
        xs.sort_unstable();
        let p50 = xs[100_000] as f64 / 1e6;
        let p99 = xs[198_000] as f64 / 1e6;
        assert!((p50 / 8.0 - 1.0).abs() < 0.01, "p50 {p50}");
        assert!((p99 / 40.0 - 1.0).abs() < 0.03, "p99 {p99}");
        let mean = xs.iter().sum::<u64>() as f64 / xs.len() as f64;
        assert!((mean / d.mean().as_nanos() as f64 - 1.0).abs() < 0.01);
    }

    #[test]
    fn bimodal_and_pareto_means() {
        let b = Distribution::Bimodal {
            fast: SimDuration::from_millis(5),
            slow: SimDuration::from_millis(500),
            slow_share: 0.01,
        };
        assert!((sample_mean(&b, 400_000) / b.mean().as_nanos() as f64 - 1.0).abs() < 0.03);
        let p = Distribution::Pareto { scale: SimDuration::from_millis(1), shape: 3.0, max: None };
        assert!((sample_mean(&p, 400_000) / 1.5e6 - 1.0).abs() < 0.01);
        assert!(
            Distribution::Pareto { scale: SimDuration::ZERO, shape: 1.0, max: None }
                .check()
                .is_err()
        );
    }

    #[test]
    fn constant_is_constant() {
        let d = Distribution::Const { value: SimDuration::from_millis(3) };
        assert_eq!(sample_mean(&d, 10), 3e6);
    }
}
