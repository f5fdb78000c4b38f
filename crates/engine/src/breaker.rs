//! Circuit breakers on calls: `breaker = { failure_rate, window, min_calls,
//! open_for }`. Closed, it counts outcomes over a sliding window; when at
//! least `min_calls` tries saw at least `failure_rate` failures it opens and
//! fails calls fast (rejected, without reaching the target) for `open_for`;
//! then, half-open, it lets one probe through: success closes it, failure
//! opens it again.

use serde::{Deserialize, Serialize};

use crate::time::SimTime;

pub use scalesim_scenario::breaker::{BUCKETS, BreakerSpec};

/// Where a breaker stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakerState {
    Closed,
    Open,
    HalfOpen,
}

/// One call site's breaker.
#[derive(Clone, Debug)]
pub struct Breaker {
    spec: BreakerSpec,
    state: BreakerState,
    open_until: SimTime,
    probe_in_flight: bool,
    /// (bucket start, tries, failures), oldest overwritten first.
    buckets: [(SimTime, u32, u32); BUCKETS],
    /// Times the breaker opened.
    pub trips: u64,
}

impl Breaker {
    /// A closed breaker.
    pub fn new(spec: &BreakerSpec) -> Self {
        Breaker {
            spec: spec.clone(),
            state: BreakerState::Closed,
            open_until: SimTime::ZERO,
            probe_in_flight: false,
            buckets: [(SimTime::ZERO, 0, 0); BUCKETS],
            trips: 0,
        }
    }

    /// New settings, keeping the state.
    pub fn reconfigure(&mut self, spec: &BreakerSpec) {
        self.spec = spec.clone();
    }

    /// The state at `now` (an open breaker turns half-open when its time is up).
    pub fn state(&mut self, now: SimTime) -> BreakerState {
        if self.state == BreakerState::Open && now >= self.open_until {
            self.state = BreakerState::HalfOpen;
            self.probe_in_flight = false;
        }
        self.state
    }

    /// The state at `now`, without changing anything (for display).
    pub fn state_at(&self, now: SimTime) -> BreakerState {
        match self.state {
            BreakerState::Open if now >= self.open_until => BreakerState::HalfOpen,
            state => state,
        }
    }

    /// Whether a try may go through at `now`. A half-open breaker admits one
    /// probe at a time.
    pub fn admit(&mut self, now: SimTime) -> bool {
        match self.state(now) {
            BreakerState::Closed => true,
            BreakerState::Open => false,
            BreakerState::HalfOpen if self.probe_in_flight => false,
            BreakerState::HalfOpen => {
                self.probe_in_flight = true;
                true
            }
        }
    }

    /// A try that went through ended, failed or not.
    pub fn record(&mut self, now: SimTime, failed: bool) {
        match self.state(now) {
            BreakerState::HalfOpen => {
                self.probe_in_flight = false;
                if failed {
                    self.open(now);
                } else {
                    self.state = BreakerState::Closed;
                    self.buckets = [(SimTime::ZERO, 0, 0); BUCKETS];
                }
            }
            BreakerState::Open => {}
            BreakerState::Closed => {
                let width = self.spec.window.as_nanos() / BUCKETS as u64;
                let start = SimTime::from_nanos(now.as_nanos() / width * width);
                let slot = (now.as_nanos() / width) as usize % BUCKETS;
                if self.buckets[slot].0 != start {
                    self.buckets[slot] = (start, 0, 0);
                }
                self.buckets[slot].1 += 1;
                self.buckets[slot].2 += u32::from(failed);
                let oldest = SimTime::from_nanos(
                    start.as_nanos().saturating_sub(width * (BUCKETS as u64 - 1)),
                );
                let (tries, failures) = self
                    .buckets
                    .iter()
                    .filter(|(s, _, _)| *s >= oldest && *s <= start)
                    .fold((0, 0), |(t, f), (_, bt, bf)| (t + bt, f + bf));
                if tries >= self.spec.min_calls
                    && f64::from(failures) >= self.spec.failure_rate * f64::from(tries)
                {
                    self.open(now);
                }
            }
        }
    }

    fn open(&mut self, now: SimTime) {
        self.state = BreakerState::Open;
        self.open_until = now + self.spec.open_for;
        self.trips += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SimDuration;

    fn spec() -> BreakerSpec {
        BreakerSpec {
            failure_rate: 0.5,
            window: SimDuration::from_secs(10),
            min_calls: 10,
            open_for: SimDuration::from_secs(5),
        }
    }

    fn at(ms: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_millis(ms)
    }

    #[test]
    fn opens_on_failures_then_probes_then_closes() {
        let mut b = Breaker::new(&spec());
        for i in 0..9 {
            b.record(at(i), true);
        }
        assert_eq!(b.state(at(9)), BreakerState::Closed, "below min_calls");
        b.record(at(9), true);
        assert_eq!(b.state(at(10)), BreakerState::Open);
        assert!(!b.admit(at(4_000)), "open: fail fast");
        assert!(b.admit(at(5_010)), "half-open: one probe");
        assert!(!b.admit(at(5_011)), "one probe at a time");
        b.record(at(5_020), false);
        assert_eq!(b.state(at(5_021)), BreakerState::Closed);
        assert_eq!(b.trips, 1);
    }

    #[test]
    fn a_failed_probe_opens_again_and_old_failures_age_out() {
        let mut b = Breaker::new(&spec());
        for i in 0..10 {
            b.record(at(i), true);
        }
        assert!(b.admit(at(5_100)));
        b.record(at(5_200), true);
        assert_eq!(b.state(at(5_300)), BreakerState::Open);
        assert_eq!(b.trips, 2);
        // A fresh breaker: failures 20 s ago no longer count.
        let mut b = Breaker::new(&spec());
        for i in 0..6 {
            b.record(at(i), true);
        }
        for i in 0..6 {
            b.record(at(20_000 + i), false);
        }
        assert_eq!(b.state(at(20_010)), BreakerState::Closed);
    }
}
