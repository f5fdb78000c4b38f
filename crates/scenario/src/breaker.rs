//! A circuit breaker's settings as a scenario writes them on a call:
//! `breaker = { failure_rate, window, min_calls, open_for }`. The engine's
//! `breaker` module runs the closed / open / half-open state machine.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::time::SimDuration;

/// Sub-buckets of the sliding window (a window must span at least one
/// nanosecond each).
pub const BUCKETS: usize = 10;

/// The breaker's settings, as written in a scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BreakerSpec {
    /// Share of failed tries (0–1) that opens the breaker.
    pub failure_rate: f64,
    /// How far back the share is measured.
    #[serde(default = "default_window")]
    pub window: SimDuration,
    /// Fewest tries in the window before the share counts.
    #[serde(default = "default_min_calls")]
    pub min_calls: u32,
    /// How long the breaker stays open before a probe.
    #[serde(default = "default_open_for")]
    pub open_for: SimDuration,
}

fn default_window() -> SimDuration {
    SimDuration::from_secs(10)
}
fn default_min_calls() -> u32 {
    20
}
fn default_open_for() -> SimDuration {
    SimDuration::from_secs(5)
}

impl BreakerSpec {
    /// Why these settings cannot work, if they cannot.
    pub fn check(&self) -> Result<(), String> {
        if !(self.failure_rate > 0.0 && self.failure_rate <= 1.0) {
            return Err(format!(
                "`failure_rate` must be above 0 and at most 1, got {}",
                self.failure_rate
            ));
        }
        if self.window.as_nanos() < BUCKETS as u64 {
            return Err("`window` must be a positive duration such as \"10s\"".to_owned());
        }
        if self.open_for.as_nanos() == 0 {
            return Err("`open_for` must be a positive duration such as \"5s\"".to_owned());
        }
        Ok(())
    }
}
