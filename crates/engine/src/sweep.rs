//! Sweeps: the scaling curve. One parameter is stepped over a range; at each
//! step `runs` independent replications run with the same seeds as at every
//! other step (so steps compare like with like), and each figure is reported
//! as a mean with a 95% confidence interval. The knee is marked.
//!
//! The engine only plans and summarises; the caller runs the points (the
//! CLI on every core, the worker in slices), so this stays sans-IO.

use serde::{Deserialize, Serialize};

use crate::metrics::Summary;
use crate::scenario::{Scenario, ScenarioError};

/// `PATH=FROM..TO:STEPS`, e.g. `load.shoppers.rate=100..5000:20`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepSpec {
    /// A parameter path, as for `--set`.
    pub path: String,
    pub from: f64,
    pub to: f64,
    /// Points, both ends included (at least 2).
    pub steps: u32,
    /// Replications a point (at least 1).
    pub runs: u32,
}

/// Most points times replications one sweep may ask for.
pub const MAX_RUNS: u64 = 100_000;
/// Most points of one curve ([`crate::limits::MAX_SWEEP_STEPS`]).
pub use crate::limits::MAX_SWEEP_STEPS;

impl SweepSpec {
    /// Parses `PATH=FROM..TO:STEPS`.
    pub fn parse(text: &str, runs: u32) -> Result<SweepSpec, String> {
        let usage =
            || format!("`{text}`: expected PATH=FROM..TO:STEPS, e.g. load.users.rate=100..5000:20");
        let (path, range) = text.split_once('=').ok_or_else(usage)?;
        let (span, steps) = range.split_once(':').ok_or_else(usage)?;
        let (from, to) = span.split_once("..").ok_or_else(usage)?;
        let number = |s: &str| s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
        let spec = SweepSpec {
            path: path.trim().to_owned(),
            from: number(from).ok_or_else(usage)?,
            to: number(to).ok_or_else(usage)?,
            steps: steps.trim().parse().map_err(|_| usage())?,
            runs,
        };
        if spec.steps < 2 {
            return Err(format!("`{text}`: at least 2 steps"));
        }
        if spec.steps > MAX_SWEEP_STEPS {
            return Err(format!(
                "`{text}`: {} steps is over the limit of {MAX_SWEEP_STEPS} steps a sweep ({}); a \
                 curve shows its shape in far fewer: write e.g. `{}={}..{}:100`",
                spec.steps,
                crate::limits::WHY,
                spec.path,
                from.trim(),
                to.trim()
            ));
        }
        if spec.runs == 0 {
            return Err("--runs: at least 1".to_owned());
        }
        if u64::from(spec.steps) * u64::from(spec.runs) > MAX_RUNS {
            return Err(format!(
                "{} steps × {} runs is over the limit of {MAX_RUNS} runs",
                spec.steps, spec.runs
            ));
        }
        Ok(spec)
    }

    /// The parameter's value at each step, evenly spaced.
    pub fn values(&self) -> Vec<f64> {
        (0..self.step_count()).map(|i| self.value(i)).collect()
    }

    /// Points on the curve (both ends included).
    pub fn step_count(&self) -> usize {
        self.steps.max(2) as usize
    }

    /// Runs in all: points times replications.
    pub fn run_count(&self) -> usize {
        self.step_count() * self.runs.max(1) as usize
    }

    /// The parameter's value at step `step`, computed on its own, so a sweep
    /// is planned one step at a time.
    pub fn value(&self, step: usize) -> f64 {
        let n = f64::from(self.steps.max(2));
        self.from + (self.to - self.from) * step as f64 / (n - 1.0)
    }

    /// The scenario of step `step`, replication `run`: the value set, and the
    /// seed the scenario's plus `run` (the same at every step). Integer
    /// parameters (replicas, workers) are rounded.
    pub fn scenario_for(
        &self,
        base: &Scenario,
        step: usize,
        run: u32,
    ) -> Result<Scenario, ScenarioError> {
        let mut scenario = base.clone();
        let (text, rounded) = self.value_texts(step);
        let problem = |message: String| ScenarioError {
            diagnostics: vec![crate::scenario::Diagnostic {
                file: String::new(),
                line: 0,
                key: self.path.clone(),
                message,
            }],
        };
        crate::set::apply(&mut scenario, &self.path, &text)
            .or_else(|_| crate::set::apply(&mut scenario, &self.path, &rounded))
            .map_err(problem)?;
        scenario.scenario.seed = base.scenario.seed.wrapping_add(u64::from(run));
        let problems = crate::scenario::validate::problems(&scenario);
        if let Some(p) = problems.into_iter().next() {
            return Err(problem(format!("at {} = {text}: {}", self.path, p.message)));
        }
        Ok(scenario)
    }
}

impl SweepSpec {
    /// Step `step`'s scenario file text, from the base file's text (for
    /// callers that keep text, not a `Scenario`: the worker). The caller
    /// reads it with `Scenario::from_toml` and sets the replication's seed.
    pub fn text_for(&self, base: &str, step: usize) -> Result<String, String> {
        let (text, rounded) = self.value_texts(step);
        crate::set::apply_to_text(base, &self.path, &text)
            .or_else(|_| crate::set::apply_to_text(base, &self.path, &rounded))
    }

    /// Step `step`'s value as written, and rounded (for integer parameters
    /// such as replicas, which refuse `2.5`).
    fn value_texts(&self, step: usize) -> (String, String) {
        let value = self.value(step);
        let text = if value.fract() == 0.0 { format!("{value:.0}") } else { value.to_string() };
        (text, format!("{}", value.round()))
    }

    /// Whether the swept parameter is a unit count (replicas, workers, a
    /// pool), so the Universal Scalability Law applies to the goodput.
    pub fn is_scale_count(&self) -> bool {
        ["replicas", "workers", "pool"].iter().any(|k| self.path.ends_with(k))
    }
}

/// A figure over a point's replications: mean and 95% confidence interval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub mean: f64,
    /// Half-width of the 95% confidence interval (Student's t); 0 for one run.
    pub ci95: f64,
}

impl Estimate {
    /// The estimate from independent replications.
    pub fn of(samples: &[f64]) -> Estimate {
        let n = samples.len();
        if n == 0 {
            return Estimate::default();
        }
        let mean = samples.iter().sum::<f64>() / n as f64;
        if n == 1 {
            return Estimate { mean, ci95: 0.0 };
        }
        let var = samples.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
        Estimate { mean, ci95: t95(n - 1) * libm::sqrt(var / n as f64) }
    }
}

/// Student's t quantile for a two-sided 95% interval.
fn t95(degrees: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    TABLE.get(degrees.saturating_sub(1)).copied().unwrap_or(1.96)
}

/// One point of the scaling curve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// The parameter's value.
    pub value: f64,
    /// Offered requests per second.
    pub offered_rps: Estimate,
    /// Answered (ok + degraded) requests per second.
    pub goodput_rps: Estimate,
    /// User p99, milliseconds.
    pub p99_ms: Estimate,
    /// Share of offered requests that failed (error, timeout, rejected).
    pub error_share: Estimate,
    pub cost_per_million: Estimate,
    /// The first point past the knee.
    pub knee: bool,
}

/// Summarises the runs of each point (`runs[step]` = that step's summaries)
/// and marks the knee: the first point whose p99 exceeds three times the
/// first point's, or whose goodput falls below 95% of what was offered.
pub fn summarise(spec: &SweepSpec, runs: &[Vec<Summary>]) -> Vec<SweepPoint> {
    let mut points: Vec<SweepPoint> = runs
        .iter()
        .enumerate()
        .map(|(step, summaries)| {
            let value = spec.value(step);
            let figure = |f: &dyn Fn(&Summary) -> f64| {
                Estimate::of(&summaries.iter().map(f).collect::<Vec<_>>())
            };
            let per_s = |count: u64, s: &Summary| {
                if s.measured_s > 0.0 { count as f64 / s.measured_s } else { 0.0 }
            };
            SweepPoint {
                value,
                offered_rps: figure(&|s| per_s(s.requests.offered, s)),
                goodput_rps: figure(&|s| s.throughput_rps),
                p99_ms: figure(&|s| s.latency_ms.p99),
                error_share: figure(&|s| {
                    let r = &s.requests;
                    if r.offered == 0 {
                        0.0
                    } else {
                        (r.error + r.timeout + r.rejected) as f64 / r.offered as f64
                    }
                }),
                cost_per_million: figure(&|s| s.cost_per_million),
                knee: false,
            }
        })
        .collect();
    let base_p99 = points.first().map_or(0.0, |p| p.p99_ms.mean);
    if let Some(knee) = points.iter_mut().find(|p| {
        (base_p99 > 0.0 && p.p99_ms.mean > 3.0 * base_p99)
            || p.goodput_rps.mean < 0.95 * p.offered_rps.mean
    }) {
        knee.knee = true;
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ranges_and_refuses_nonsense() {
        let s = SweepSpec::parse("load.users.rate=100..500:5", 3).unwrap();
        assert_eq!(s.values(), [100.0, 200.0, 300.0, 400.0, 500.0]);
        for bad in ["rate", "rate=1..2", "rate=a..2:3", "rate=1..2:1", "rate=1..NaN:3"] {
            assert!(SweepSpec::parse(bad, 1).is_err(), "{bad}");
        }
        assert!(SweepSpec::parse("r=1..2:1000", 1000).is_err(), "over the run limit");
        let many = SweepSpec::parse("load.u.rate=1..100000:100000", 1).unwrap_err();
        assert!(many.contains("limit of 10000 steps") && many.contains(":100`"), "{many}");
        assert!(SweepSpec::parse("load.u.rate=1..100000:10001", 1).is_err(), "past the step limit");
        let big = SweepSpec::parse("load.u.rate=1..100000:10000", 1).unwrap();
        assert_eq!((big.value(0), big.value(9999), big.step_count()), (1.0, 100000.0, 10000));
    }

    #[test]
    fn confidence_interval_of_known_samples() {
        let e = Estimate::of(&[1.0, 2.0, 3.0]);
        assert_eq!(e.mean, 2.0);
        // s = 1, n = 3, t(2) = 4.303: 4.303/√3.
        assert!((e.ci95 - 4.303 / 3f64.sqrt()).abs() < 1e-9);
        assert_eq!(Estimate::of(&[5.0]).ci95, 0.0);
    }
}
