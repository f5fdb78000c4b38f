//! A rate limiter's settings as a scenario writes them on any node:
//! `rate_limit = { rate, burst, retry_after }`. The engine's `rate_limit`
//! module runs the token bucket.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The limiter's settings, as written in a scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSpec {
    /// Tokens added per second: the sustained rate allowed.
    pub rate: f64,
    /// Most tokens held: the burst allowed after a quiet spell. Defaults to
    /// one second's worth of `rate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst: Option<f64>,
    /// The retry-after hint a rejection carries (as an HTTP 429's header).
    /// Defaults to the time until the next token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<crate::time::SimDuration>,
}

impl RateLimitSpec {
    /// Why these settings cannot work, if they cannot.
    pub fn check(&self) -> Result<(), String> {
        if !(self.rate.is_finite() && self.rate > 0.0) {
            return Err(format!(
                "`rate` must be a positive number of requests per second, got {}",
                self.rate
            ));
        }
        match self.burst {
            Some(b) if !(b.is_finite() && b >= 1.0) => {
                Err(format!("`burst` must be at least 1, got {b}"))
            }
            _ => Ok(()),
        }
    }

    pub fn capacity(&self) -> f64 {
        self.burst.unwrap_or(self.rate).max(1.0)
    }
}
