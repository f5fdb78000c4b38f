//! Service-time and latency distributions as a scenario writes them (the
//! engine samples them, in integer nanoseconds).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
pub const Z99: f64 = 2.326_347_874_040_841;

impl Distribution {
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
