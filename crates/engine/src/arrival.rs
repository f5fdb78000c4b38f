//! Open-loop arrival processes: Poisson, uniform and bursty, shaped over time
//! by a pattern (steps, ramp, spike, diurnal) and a live load multiplier.
//!
//! Time-varying Poisson arrivals are drawn by thinning (Lewis & Shedler):
//! candidates at the peak rate, each kept with probability rate(t)/peak.

use crate::rng::Rng;
use crate::scenario::{ArrivalKind, BurstSpec, Pattern};
use crate::time::{SimDuration, SimTime};
use crate::ziggurat::standard_exponential;

/// Candidates examined in one call before handing back a re-check instant,
/// so a long stretch at rate zero never stalls the event loop.
const MAX_CANDIDATES: u32 = 1_000;

/// What the next draw gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// A request arrives at this instant.
    Arrival(SimTime),
    /// Nothing yet; ask again at this instant.
    Recheck(SimTime),
}

/// One load's arrival process.
#[derive(Clone, Debug)]
pub struct Arrivals {
    kind: ArrivalKind,
    base_rate: f64,
    pattern: Pattern,
    burst: BurstSpec,
    multiplier: f64,
    in_burst: bool,
    state_until: SimTime,
    /// Poisson at a constant rate: no thinning needed.
    steady: bool,
}

impl Arrivals {
    /// A process with mean `rate` per second before the pattern applies.
    pub fn new(
        kind: ArrivalKind,
        rate: f64,
        pattern: Option<Pattern>,
        burst: Option<BurstSpec>,
    ) -> Self {
        let pattern = pattern.unwrap_or_default();
        Arrivals {
            steady: kind == ArrivalKind::Poisson && pattern == Pattern::default(),
            kind,
            base_rate: rate,
            pattern,
            burst: burst.unwrap_or_default(),
            multiplier: 1.0,
            in_burst: false,
            state_until: SimTime::ZERO,
        }
    }

    /// Scales every rate from now on (the UI's load slider).
    pub fn set_multiplier(&mut self, multiplier: f64) {
        self.multiplier = multiplier;
    }

    /// The mean rate in force at `t`, requests per second.
    pub fn rate_at(&self, t: SimTime) -> f64 {
        let secs = t.as_secs_f64();
        let p = &self.pattern;
        let mut rate = self.base_rate;
        if let Some(ramp) = &p.ramp {
            let over = ramp.over.as_secs_f64();
            let f = if over > 0.0 { (secs / over).min(1.0) } else { 1.0 };
            rate = ramp.from + (ramp.to - ramp.from) * f;
        }
        if let Some(step) =
            p.steps.iter().filter(|s| s.at <= t.since(SimTime::ZERO)).max_by_key(|s| s.at)
        {
            rate = step.rate;
        }
        if let Some(spike) = &p.spike {
            let start = SimTime::ZERO + spike.at;
            if t >= start && t < start + spike.length {
                rate *= spike.multiplier;
            }
        }
        if let Some(d) = &p.diurnal {
            let phase = std::f64::consts::TAU * secs / d.period.as_secs_f64();
            rate *= 1.0 + d.amplitude * libm::sin(phase);
        }
        rate.max(0.0) * self.multiplier
    }

    /// An upper bound of `rate_at` over all time (for thinning).
    fn peak_rate(&self) -> f64 {
        let p = &self.pattern;
        let mut peak = self.base_rate;
        if let Some(r) = &p.ramp {
            peak = peak.max(r.from).max(r.to);
        }
        for s in &p.steps {
            peak = peak.max(s.rate);
        }
        if let Some(s) = &p.spike {
            peak *= s.multiplier.max(1.0);
        }
        if let Some(d) = &p.diurnal {
            peak *= 1.0 + d.amplitude;
        }
        peak * self.multiplier
    }

    /// The bursty process's rate factor at `t`, advancing its on/off state.
    fn burst_factor(&mut self, t: SimTime, rng: &mut Rng) -> f64 {
        let b = &self.burst;
        while self.state_until <= t {
            self.in_burst = !self.in_burst;
            let mean = if self.in_burst {
                b.length.as_secs_f64()
            } else {
                b.length.as_secs_f64() * (1.0 - b.share) / b.share
            };
            let span = mean * standard_exponential(rng);
            self.state_until += SimDuration::from_secs_f64(span.max(1e-9));
        }
        if self.in_burst { b.multiplier } else { (1.0 - b.share * b.multiplier) / (1.0 - b.share) }
    }

    /// The next arrival after `now`.
    pub fn next(&mut self, now: SimTime, rng: &mut Rng) -> Next {
        if self.steady {
            let rate = self.base_rate * self.multiplier;
            if rate > 0.0 {
                // A product with the reciprocal, not a quotient: `1 / rate`
                // is worked out beside the draw, where a division after it
                // held every arrival up for its latency (BENCHMARKS.md).
                // The two differ by an ulp at most, so the whole
                // nanoseconds differ only within 10⁻¹⁰ ns of a half.
                let gap = SimDuration::from_secs_f64(standard_exponential(rng) * (1.0 / rate));
                return Next::Arrival(now + gap.max_one());
            }
        }
        let burst_peak = if self.kind == ArrivalKind::Bursty { self.burst.multiplier } else { 1.0 };
        let peak = self.peak_rate() * burst_peak;
        if !(peak > 0.0 && peak.is_finite()) {
            return Next::Recheck(now + SimDuration::from_secs(1));
        }
        if self.kind == ArrivalKind::Uniform {
            let rate = self.rate_at(now);
            return if rate > 0.0 {
                Next::Arrival(now + SimDuration::from_secs_f64(1.0 / rate).max_one())
            } else {
                Next::Recheck(now + SimDuration::from_millis(100))
            };
        }
        let mut t = now;
        for _ in 0..MAX_CANDIDATES {
            let gap = standard_exponential(rng) * (1.0 / peak);
            t += SimDuration::from_secs_f64(gap).max_one();
            let mut rate = self.rate_at(t);
            if self.kind == ArrivalKind::Bursty {
                rate *= self.burst_factor(t, rng);
            }
            if rate >= peak || rng.next_f64() * peak < rate {
                return Next::Arrival(t);
            }
        }
        Next::Recheck(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Ramp, Spike, Step};

    fn count(arrivals: &mut Arrivals, seconds: u64) -> u64 {
        let mut rng = Rng::seeded(4);
        let end = SimTime::ZERO + SimDuration::from_secs(seconds);
        let (mut t, mut n) = (SimTime::ZERO, 0);
        while t < end {
            match arrivals.next(t, &mut rng) {
                Next::Arrival(at) => {
                    t = at;
                    n += u64::from(at < end);
                }
                Next::Recheck(at) => t = at,
            }
        }
        n
    }

    #[test]
    fn every_kind_keeps_its_mean_rate() {
        // Bursty counts vary most: the count's variance is about
        // 2·Var(rate)·τ·T (Var(rate) = r², correlation time τ = 0.9 s), so
        // over 20 000 s its standard error is ≈0.95%; 4% covers it.
        for (kind, seconds, tolerance) in [
            (ArrivalKind::Poisson, 200, 0.01),
            (ArrivalKind::Uniform, 200, 0.001),
            (ArrivalKind::Bursty, 20_000, 0.04),
        ] {
            let n = count(&mut Arrivals::new(kind, 1000.0, None, None), seconds);
            let expected = 1000.0 * seconds as f64;
            assert!((n as f64 / expected - 1.0).abs() < tolerance, "{kind:?}: {n}");
        }
    }

    #[test]
    fn patterns_shape_the_rate() {
        let pattern = Pattern {
            steps: vec![Step { at: SimDuration::from_secs(10), rate: 50.0 }],
            spike: Some(Spike {
                at: SimDuration::from_secs(12),
                length: SimDuration::from_secs(2),
                multiplier: 10.0,
            }),
            ..Pattern::default()
        };
        let a = Arrivals::new(ArrivalKind::Poisson, 100.0, Some(pattern), None);
        let at = |s: u64| a.rate_at(SimTime::ZERO + SimDuration::from_secs(s));
        assert_eq!((at(5), at(11), at(13), at(15)), (100.0, 50.0, 500.0, 50.0));
        let ramp = Pattern {
            ramp: Some(Ramp { from: 0.0, to: 1000.0, over: SimDuration::from_secs(100) }),
            ..Pattern::default()
        };
        let mut a = Arrivals::new(ArrivalKind::Poisson, 0.0, Some(ramp), None);
        // ∫₀¹⁰⁰ 10t dt = 50 000 arrivals, then 1 000/s.
        let n = count(&mut a, 100);
        assert!((n as f64 / 50_000.0 - 1.0).abs() < 0.02, "{n}");
    }

    #[test]
    fn a_silent_stretch_does_not_stall() {
        let pattern = Pattern {
            steps: vec![Step { at: SimDuration::ZERO, rate: 0.0 }],
            ..Pattern::default()
        };
        let mut a = Arrivals::new(ArrivalKind::Poisson, 100.0, Some(pattern), None);
        assert!(matches!(a.next(SimTime::ZERO, &mut Rng::seeded(1)), Next::Recheck(_)));
    }
}
