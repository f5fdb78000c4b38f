//! Capacity search: the value of one parameter at which every `[[expect]]`
//! of a scenario still holds, by bisection. The highest value when the
//! expectations hold at the range's low end (offered load), the lowest
//! when they hold at its high end (replicas, workers): which end holds
//! says which way the parameter goes.
//!
//! The engine only plans (the values, the scenarios, the next probe); the
//! caller runs each probe's replications and says whether they held, so
//! this stays sans-IO. The search assumes one boundary in the range: the
//! expectations hold on one side of it and not on the other.

use serde::{Deserialize, Serialize};

use crate::scenario::Scenario;
use crate::time::SimDuration;

/// What the parameter is, which decides how values are bisected and written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// Any number (a rate, a share).
    Number,
    /// A whole number (replicas, workers): probed at whole numbers only.
    Integer,
    /// A duration, bisected in whole nanoseconds and written with a unit.
    Duration,
}

/// `PATH=FROM..TO`, e.g. `load.users.rate=100..5000`, `api.replicas=1..16`,
/// `node.api.call.0.timeout=50ms..2s`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamRange {
    /// A parameter path, as for `--set`.
    pub path: String,
    /// The range's ends (durations in nanoseconds).
    pub from: f64,
    pub to: f64,
    pub kind: ValueKind,
}

impl ParamRange {
    /// Parses `PATH=FROM..TO` and reads the parameter's kind off `base`:
    /// durations are written with units, and a parameter that refuses a
    /// fraction where it takes a whole number is an integer.
    pub fn parse(text: &str, base: &Scenario) -> Result<ParamRange, String> {
        let usage = || {
            format!(
                "`{text}`: expected PATH=FROM..TO, e.g. load.users.rate=100..5000 or api.replicas=1..16"
            )
        };
        let (path, span) = text.split_once('=').ok_or_else(usage)?;
        let (from, to) = span.split_once("..").ok_or_else(usage)?;
        let (from, to, path) = (from.trim(), to.trim(), path.trim().to_owned());
        let is_duration = |s: &str| s.chars().any(|c| c.is_ascii_alphabetic());
        let (from, to, kind) = if is_duration(from) || is_duration(to) {
            let d = |s: &str| {
                SimDuration::parse(s)
                    .map(|d| d.as_nanos() as f64)
                    .map_err(|e| format!("`{text}`: {e}"))
            };
            (d(from)?, d(to)?, ValueKind::Duration)
        } else {
            let n = |s: &str| s.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(usage);
            (n(from)?, n(to)?, ValueKind::Number)
        };
        if from == to {
            return Err(format!("`{text}`: the range's ends must differ"));
        }
        let mut range = ParamRange { path, from, to, kind };
        if kind == ValueKind::Number {
            let mut probe = base.clone();
            let whole = crate::set::apply(&mut probe, &range.path, &range.text_of(from.round()));
            if let Err(e) = whole {
                return Err(format!("`{text}`: {e}"));
            }
            let mut probe = base.clone();
            if crate::set::apply(&mut probe, &range.path, &format!("{}", from.floor() + 0.5))
                .is_err()
            {
                range.kind = ValueKind::Integer;
                range.from = from.round();
                range.to = to.round();
            }
        }
        Ok(range)
    }

    /// A value as `--set` takes it: `4`, `1250.5`, `150ms`.
    pub fn text_of(&self, value: f64) -> String {
        match self.kind {
            ValueKind::Duration => {
                SimDuration::from_nanos(value.max(0.0).round() as u64).to_string()
            }
            ValueKind::Integer => format!("{}", value.round()),
            ValueKind::Number if value.fract() == 0.0 => format!("{value:.0}"),
            ValueKind::Number => format!("{value}"),
        }
    }

    /// The scenario at `value`, replication `run` (the base seed + `run`).
    pub fn scenario_for(&self, base: &Scenario, value: f64, run: u32) -> Result<Scenario, String> {
        let mut scenario = base.clone();
        let text = self.text_of(value);
        crate::set::apply(&mut scenario, &self.path, &text)
            .map_err(|e| format!("{} = {text}: {e}", self.path))?;
        scenario.scenario.seed = base.scenario.seed.wrapping_add(u64::from(run));
        if let Some(p) = crate::scenario::validate::problems(&scenario).into_iter().next() {
            return Err(format!("{} = {text}: `{}`: {}", self.path, p.key, p.message));
        }
        Ok(scenario)
    }

    /// The default tolerance: 1% of the range, at least one unit of an
    /// integer and one microsecond of a duration.
    pub fn default_tolerance(&self) -> f64 {
        let width = (self.to - self.from).abs() / 100.0;
        match self.kind {
            ValueKind::Integer => 1.0,
            ValueKind::Duration => width.max(1_000.0),
            ValueKind::Number => width,
        }
    }
}

/// A bisection between a value where every expectation holds (`good`) and
/// one where some does not (`bad`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bisection {
    pub good: f64,
    pub bad: f64,
    /// Stop when `good` and `bad` are this close.
    pub tolerance: f64,
    /// Probe whole numbers only.
    pub integer: bool,
}

impl Bisection {
    /// The next value to probe, or `None` when the bracket is narrow enough.
    pub fn next(&self) -> Option<f64> {
        let gap = (self.bad - self.good).abs();
        if self.integer {
            if gap <= 1.0 {
                return None;
            }
            let mid = libm::floor((self.good + self.bad) / 2.0);
            // Between two whole numbers at least 2 apart, a new one.
            let mid = if mid == self.good { mid + (self.bad - self.good).signum() } else { mid };
            return Some(mid);
        }
        if gap <= self.tolerance {
            return None;
        }
        // Probe round values: to the power of ten under the tolerance.
        let step = libm::pow(10.0, libm::floor(libm::log10(self.tolerance.max(1e-12))));
        let mid = libm::round((self.good + self.bad) / 2.0 / step) * step;
        let (low, high) = (self.good.min(self.bad), self.good.max(self.bad));
        (mid > low && mid < high).then_some(mid)
    }

    /// What a probe at `value` found.
    pub fn record(&mut self, value: f64, holds: bool) {
        if holds {
            self.good = value;
        } else {
            self.bad = value;
        }
    }

    /// Whether the answer is the highest value that holds (else the lowest).
    pub fn highest(&self) -> bool {
        self.good < self.bad
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bisection_finds_a_threshold_both_ways() {
        // Holds below 1234.5 (a load).
        let mut b = Bisection { good: 100.0, bad: 5000.0, tolerance: 1.0, integer: false };
        while let Some(v) = b.next() {
            b.record(v, v < 1234.5);
        }
        assert!(b.highest() && b.good < 1234.5 && b.bad >= 1234.5 && b.bad - b.good <= 1.0);
        // Holds from 7 up (replicas), whole numbers only.
        let mut b = Bisection { good: 16.0, bad: 1.0, tolerance: 1.0, integer: true };
        let mut probes = Vec::new();
        while let Some(v) = b.next() {
            probes.push(v);
            b.record(v, v >= 7.0);
        }
        assert_eq!((b.good, b.bad), (7.0, 6.0));
        assert!(!b.highest());
        assert!(probes.iter().all(|v| v.fract() == 0.0), "{probes:?}");
    }
}
