//! Measuring `[[expect]]` assertions: what `scalesim check` verifies after
//! a run, so a capacity assumption that stopped holding fails CI. What a
//! file may say, and its check, are the scenario crate's `expect`.
//!
//! A time range is measured exactly as a run whose warm-up ends at `from`
//! and whose duration ends at `to` (the same seed gives the same run up to
//! there), so ranged expectations cost one more run each distinct range.

use serde::{Deserialize, Serialize};

use crate::metrics::{LatencyStats, Summary};
use crate::scenario::{Scenario, ScenarioError};
use crate::sim::{RunError, Simulation};
use crate::time::SimDuration;

pub use scalesim_scenario::expect::{Bound, ExpectSpec, LatencyField, METRICS, Metric, problems};

/// An expectation measured against a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// The expectation in words, e.g. `p99 of users < 250ms`.
    pub expectation: String,
    /// The measured value (milliseconds for latencies).
    pub actual: f64,
    pub passed: bool,
}

/// Measures `spec` in `summary`. The spec must have passed [`problems`].
pub fn check(spec: &ExpectSpec, summary: &Summary) -> Verdict {
    let metric = Metric::parse(&spec.metric).unwrap_or(Metric::Throughput);
    let actual = measure(metric, spec, summary).unwrap_or(f64::NAN);
    let value = |b: &Bound| match b {
        Bound::Number(n) => *n,
        Bound::Duration(d) => d.as_millis_f64(),
    };
    let below_ok = spec.below.as_ref().is_none_or(|b| actual < value(b));
    let above_ok = spec.above.as_ref().is_none_or(|b| actual > value(b));
    let scope = match (&spec.node, &spec.load) {
        (Some(node), _) => format!("node {node}"),
        (_, Some(load)) => format!("load {load}"),
        _ => "all users".to_owned(),
    };
    let mut words = format!("{} of {scope}", spec.metric);
    match (spec.from, spec.to) {
        (Some(from), Some(to)) => words += &format!(" from {from} to {to}"),
        (Some(from), None) => words += &format!(" from {from}"),
        (None, Some(to)) => words += &format!(" until {to}"),
        (None, None) => {}
    }
    if let Some(b) = &spec.above {
        words += &format!(" > {}", show(b));
    }
    if let Some(b) = &spec.below {
        words += &format!(" < {}", show(b));
    }
    Verdict { expectation: words, actual, passed: below_ok && above_ok && actual.is_finite() }
}

fn show(b: &Bound) -> String {
    match b {
        Bound::Number(n) => n.to_string(),
        Bound::Duration(d) => d.to_string(),
    }
}

fn latency(field: LatencyField, l: &LatencyStats) -> f64 {
    match field {
        LatencyField::Mean => l.mean,
        LatencyField::P50 => l.p50,
        LatencyField::P90 => l.p90,
        LatencyField::P99 => l.p99,
        LatencyField::P999 => l.p999,
        LatencyField::Max => l.max,
    }
}

fn measure(metric: Metric, spec: &ExpectSpec, s: &Summary) -> Option<f64> {
    if let Some(node) = &spec.node {
        let n = s.nodes.get(node)?;
        return Some(match metric {
            Metric::Latency(f) => latency(f, &n.latency_ms),
            Metric::Utilization => n.utilization,
            Metric::MeanQueue => n.mean_queue,
            Metric::MaxQueue => n.max_queue as f64,
            Metric::Retries => n.retries as f64,
            Metric::Throughput => n.outcomes.ok as f64 / s.measured_s,
            Metric::RejectedRate => share(n.rejected, n.arrivals),
            Metric::ErrorRate => share(n.outcomes.error, n.arrivals),
            Metric::TimeoutRate => share(n.outcomes.timeout, n.arrivals),
            Metric::SuccessRate => share(n.outcomes.ok + n.outcomes.degraded, n.arrivals),
            Metric::Amplification => share(n.arrivals, s.requests.offered),
            Metric::MeanWait => n.mean_wait_ms,
            Metric::Replicas => n.replicas,
            Metric::HitRatio => n.hit_ratio,
            Metric::Redelivered => n.counters.redelivered as f64,
            Metric::Duplicates => n.counters.duplicates as f64,
            Metric::DeadLettered => n.counters.dead_lettered as f64,
            Metric::CostPerMillion => s.cost_per_million,
        });
    }
    let (requests, latency_stats) = match &spec.load {
        Some(load) => {
            let l = s.loads.get(load)?;
            (&l.requests, &l.latency_ms)
        }
        None => (&s.requests, &s.latency_ms),
    };
    Some(match metric {
        Metric::Latency(f) => latency(f, latency_stats),
        Metric::Throughput => requests.answered() as f64 / s.measured_s,
        Metric::SuccessRate => share(requests.answered(), requests.offered),
        Metric::ErrorRate => share(requests.error, requests.offered),
        Metric::TimeoutRate => share(requests.timeout, requests.offered),
        Metric::RejectedRate => share(requests.rejected, requests.offered),
        Metric::Amplification => s.amplification,
        Metric::CostPerMillion => s.cost_per_million,
        _ => return None,
    })
}

/// Runs `scenario` and measures every `[[expect]]`: those without a range
/// against the run's summary, ranged ones against a run measured over
/// their range. Returns the full run's summary and one verdict an
/// expectation, in order.
pub fn evaluate(scenario: &Scenario) -> Result<(Summary, Vec<Verdict>), ScenarioError> {
    evaluate_runs(scenario).map_err(|e| match e {
        RunError::Invalid(e) => e,
        other => ScenarioError {
            diagnostics: vec![crate::scenario::Diagnostic {
                file: scenario.scenario.name.clone(),
                line: 0,
                key: "scenario".to_owned(),
                message: other.to_string(),
            }],
        },
    })
}

/// [`evaluate`], telling a scenario that cannot run from a run that
/// stopped early (an overload), so a caller can say which.
pub fn evaluate_runs(scenario: &Scenario) -> Result<(Summary, Vec<Verdict>), RunError> {
    let summary = Simulation::run_to_end(scenario.clone())?.summary;
    let mut ranged: Vec<((SimDuration, SimDuration), Summary)> = Vec::new();
    let mut verdicts = Vec::with_capacity(scenario.expects.len());
    for spec in &scenario.expects {
        let verdict = match (spec.from, spec.to) {
            (None, None) => check(spec, &summary),
            (from, to) => {
                let meta = &scenario.scenario;
                let range = (from.unwrap_or(meta.warmup), to.unwrap_or(meta.duration));
                let index = match ranged.iter().position(|(r, _)| *r == range) {
                    Some(i) => i,
                    None => {
                        let mut part = scenario.clone();
                        part.scenario.warmup = range.0;
                        part.scenario.duration = range.1;
                        ranged.push((range, Simulation::run_to_end(part)?.summary));
                        ranged.len() - 1
                    }
                };
                check(spec, &ranged[index].1)
            }
        };
        verdicts.push(verdict);
    }
    Ok((summary, verdicts))
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}
