//! The single-station model: Poisson arrivals into `workers` parallel servers
//! behind one FIFO queue (M/G/c). The walking skeleton of the engine; the
//! topology model grows beside it.

use serde::{Deserialize, Serialize};

use crate::dist::Distribution;
use crate::time::SimDuration;

/// Everything that defines one station run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StationConfig {
    /// Mean arrivals per second (Poisson).
    pub arrival_rate: f64,
    /// Time one worker spends on one request.
    pub service: Distribution,
    /// Parallel workers sharing the one queue.
    pub workers: u32,
    /// Time-series resolution.
    pub window: SimDuration,
    /// Leading span excluded from the summary, rounded up to whole windows
    /// (the summary is the sum of the windows after it).
    pub warmup: SimDuration,
    /// Fixes the whole run.
    pub seed: u64,
}

impl StationConfig {
    /// Every problem with this configuration, empty when it can run.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !(self.arrival_rate.is_finite() && self.arrival_rate > 0.0) {
            problems.push(format!(
                "arrival_rate: expected a positive number of requests per second, got {}",
                self.arrival_rate
            ));
        }
        if self.workers == 0 {
            problems.push("workers: expected at least 1".to_owned());
        }
        if self.window == SimDuration::ZERO {
            problems.push("window: expected a positive duration such as \"1s\"".to_owned());
        }
        problems
    }

    /// Offered load per worker, λ·E[S]/c: above 1 the queue grows without bound.
    pub fn utilization(&self) -> f64 {
        self.arrival_rate * self.service.mean().as_secs_f64() / self.workers.max(1) as f64
    }
}

/// A configuration that cannot run, with every reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// One line a problem.
    pub problems: Vec<String>,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the configuration cannot run:")?;
        for p in &self.problems {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}
