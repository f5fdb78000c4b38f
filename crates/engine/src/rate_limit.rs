//! `rate_limit = { rate, burst }` on any node: a token bucket. A request that
//! finds no token is rejected at the door, as a real rate limiter answers
//! 429 before doing any work.

use crate::time::{SimDuration, SimTime};

pub use scalesim_scenario::rate_limit::RateLimitSpec;

/// A token bucket, refilled lazily when asked.
#[derive(Clone, Debug)]
pub struct TokenBucket {
    rate: f64,
    capacity: f64,
    tokens: f64,
    last: SimTime,
    retry_after: Option<SimDuration>,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(spec: &RateLimitSpec) -> Self {
        TokenBucket {
            rate: spec.rate,
            capacity: spec.capacity(),
            tokens: spec.capacity(),
            last: SimTime::ZERO,
            retry_after: spec.retry_after,
        }
    }

    /// The bucket for edited settings: `current` reconfigured (keeping its
    /// tokens), a new full one if there was none, or none without settings.
    pub fn reconfigured(current: Option<Self>, spec: Option<&RateLimitSpec>) -> Option<Self> {
        match (current, spec) {
            (Some(mut bucket), Some(spec)) => {
                bucket.reconfigure(spec);
                Some(bucket)
            }
            (None, Some(spec)) => Some(TokenBucket::new(spec)),
            (_, None) => None,
        }
    }

    /// New settings, keeping the tokens held (capped to the new burst).
    pub fn reconfigure(&mut self, spec: &RateLimitSpec) {
        self.rate = spec.rate;
        self.capacity = spec.capacity();
        self.tokens = self.tokens.min(self.capacity);
        self.retry_after = spec.retry_after;
    }

    /// The hint a rejection at this moment carries: the configured
    /// `retry_after`, or how long until the next token (as of the last
    /// `try_take`).
    pub fn retry_after(&self) -> SimDuration {
        self.retry_after.unwrap_or_else(|| {
            SimDuration::from_secs_f64(((1.0 - self.tokens) / self.rate).max(0.0))
                .max(SimDuration::from_nanos(1))
        })
    }

    /// Takes a token at `now`, if one is there.
    pub fn try_take(&mut self, now: SimTime) -> bool {
        let elapsed = now.since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.capacity);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admits_the_burst_then_the_rate() {
        let mut b =
            TokenBucket::new(&RateLimitSpec { rate: 100.0, burst: Some(10.0), retry_after: None });
        let t0 = SimTime::ZERO;
        assert_eq!((0..20).filter(|_| b.try_take(t0)).count(), 10, "the burst");
        // One second later: 100 more tokens, capped at 10.
        let t1 = t0 + SimDuration::from_secs(1);
        assert_eq!((0..20).filter(|_| b.try_take(t1)).count(), 10);
        // Spread over a second at 1 000/s offered, about 100 pass.
        let mut passed = 0;
        for i in 1..=1000 {
            passed += usize::from(b.try_take(t1 + SimDuration::from_millis(i)));
        }
        assert!((99..=101).contains(&passed), "{passed}");
        // Empty now: the next token is 10 ms away at 100/s, at most.
        assert!(!b.try_take(t1 + SimDuration::from_millis(1000)));
        assert!(b.retry_after() <= SimDuration::from_millis(10));
        assert!(b.retry_after() > SimDuration::ZERO);
    }

    #[test]
    fn refuses_impossible_settings() {
        assert!(RateLimitSpec { rate: 0.0, burst: None, retry_after: None }.check().is_err());
        assert!(RateLimitSpec { rate: 5.0, burst: Some(0.5), retry_after: None }.check().is_err());
        assert!(RateLimitSpec { rate: 5.0, burst: None, retry_after: None }.check().is_ok());
    }
}
