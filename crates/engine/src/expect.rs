//! `[[expect]]` assertions: what `scalesim check` verifies after a run, so a
//! capacity assumption that stopped holding fails CI.
//!
//! ```toml
//! [[expect]]
//! metric = "p99"        # user latency, all loads
//! below = "250ms"
//!
//! [[expect]]
//! metric = "utilization"
//! node = "api"
//! above = 0.5
//! below = 0.9
//!
//! [[expect]]
//! metric = "throughput" # measured from 240 s to the end only
//! from = "240s"
//! above = 700
//! ```
//!
//! A time range is measured exactly as a run whose warm-up ends at `from`
//! and whose duration ends at `to` (the same seed gives the same run up to
//! there), so ranged expectations cost one more run each distinct range.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::metrics::{LatencyStats, Summary};
use crate::scenario::{Scenario, ScenarioError};
use crate::sim::Simulation;
use crate::time::SimDuration;

/// A bound: a duration for latency metrics, a number for the others.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Bound {
    Number(f64),
    Duration(SimDuration),
}

/// One `[[expect]]` block.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectSpec {
    /// What to measure (see [`Metric`]).
    pub metric: String,
    /// Measure one load (tenant) instead of all users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load: Option<String>,
    /// Measure one node (for node metrics, required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// The value must be below this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<Bound>,
    /// The value must be above this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above: Option<Bound>,
    /// Measure from this time on (rounded up to a whole window), instead
    /// of from the end of the warm-up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<SimDuration>,
    /// Measure up to this time, instead of the end of the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<SimDuration>,
}

/// The metrics an expectation can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// Latency percentiles and mean, in milliseconds (bounds are durations).
    Latency(LatencyField),
    /// Answered requests per second.
    Throughput,
    /// Share of offered requests that ended so (0–1).
    SuccessRate,
    ErrorRate,
    TimeoutRate,
    RejectedRate,
    /// Node visits per user request.
    Amplification,
    /// Node only: busy share of workers (0–1).
    Utilization,
    /// Node only: time-average waiting requests.
    MeanQueue,
    /// Node only: most waiting requests at once.
    MaxQueue,
    /// Node only: retries the node made.
    Retries,
    /// Node only: mean wait for a worker or connection (a duration).
    MeanWait,
    /// Node only: time-average replicas running.
    Replicas,
    /// Node only: a cache's hits over lookups (0–1).
    HitRatio,
    /// Node only: a broker's redeliveries.
    Redelivered,
    /// Node only: messages a broker's consumer processed twice or more.
    Duplicates,
    /// Node only: messages a broker gave up on.
    DeadLettered,
    /// Cost per million user requests (all nodes).
    CostPerMillion,
}

/// Which latency figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LatencyField {
    Mean,
    P50,
    P90,
    P99,
    P999,
    Max,
}

/// Every metric name, for messages and suggestions.
pub const METRICS: [&str; 23] = [
    "mean",
    "p50",
    "p90",
    "p99",
    "p999",
    "max",
    "throughput",
    "success_rate",
    "error_rate",
    "timeout_rate",
    "rejected_rate",
    "amplification",
    "utilization",
    "mean_queue",
    "max_queue",
    "retries",
    "mean_wait",
    "replicas",
    "hit_ratio",
    "redelivered",
    "duplicates",
    "dead_lettered",
    "cost_per_million",
];

impl Metric {
    /// The metric called `name`.
    pub fn parse(name: &str) -> Option<Metric> {
        use LatencyField as L;
        Some(match name {
            "mean" => Metric::Latency(L::Mean),
            "p50" => Metric::Latency(L::P50),
            "p90" => Metric::Latency(L::P90),
            "p99" => Metric::Latency(L::P99),
            "p999" => Metric::Latency(L::P999),
            "max" => Metric::Latency(L::Max),
            "throughput" => Metric::Throughput,
            "success_rate" => Metric::SuccessRate,
            "error_rate" => Metric::ErrorRate,
            "timeout_rate" => Metric::TimeoutRate,
            "rejected_rate" => Metric::RejectedRate,
            "amplification" => Metric::Amplification,
            "utilization" => Metric::Utilization,
            "mean_queue" => Metric::MeanQueue,
            "max_queue" => Metric::MaxQueue,
            "retries" => Metric::Retries,
            "mean_wait" => Metric::MeanWait,
            "replicas" => Metric::Replicas,
            "hit_ratio" => Metric::HitRatio,
            "redelivered" => Metric::Redelivered,
            "duplicates" => Metric::Duplicates,
            "dead_lettered" => Metric::DeadLettered,
            "cost_per_million" => Metric::CostPerMillion,
            _ => return None,
        })
    }

    /// Whether the metric belongs to a node (and needs `node`).
    pub fn is_node_only(self) -> bool {
        matches!(
            self,
            Metric::Utilization
                | Metric::MeanQueue
                | Metric::MaxQueue
                | Metric::Retries
                | Metric::MeanWait
                | Metric::Replicas
                | Metric::HitRatio
                | Metric::Redelivered
                | Metric::Duplicates
                | Metric::DeadLettered
        )
    }

    /// Whether the metric is a time (bounds are durations, values ms).
    pub fn is_duration(self) -> bool {
        matches!(self, Metric::Latency(_) | Metric::MeanWait)
    }
}

/// Why an expectation cannot be checked (a problem in the file).
pub fn problems(spec: &ExpectSpec, loads: &[&str], nodes: &[&str]) -> Vec<(&'static str, String)> {
    let mut p = Vec::new();
    let Some(metric) = Metric::parse(&spec.metric) else {
        let hint = crate::scenario::diagnostics::suggest(&spec.metric, &METRICS);
        p.push((
            "metric",
            format!(
                "unknown metric `{}`{hint}; expected one of {}",
                spec.metric,
                METRICS.join(", ")
            ),
        ));
        return p;
    };
    if spec.below.is_none() && spec.above.is_none() {
        p.push(("below", "an expectation needs `below`, `above`, or both".to_owned()));
    }
    for (key, bound) in [("below", &spec.below), ("above", &spec.above)] {
        match (metric, bound) {
            (m, Some(Bound::Number(n))) if m.is_duration() => p.push((
                key,
                format!(
                    "`{}` is a time: write the bound as a duration, e.g. \"{n}ms\"",
                    spec.metric
                ),
            )),
            (m, Some(Bound::Duration(_))) if !m.is_duration() => {
                p.push((key, format!("`{}` is a number, not a duration", spec.metric)))
            }
            _ => {}
        }
    }
    if metric.is_node_only() && spec.node.is_none() {
        p.push(("node", format!("`{}` is measured per node: add `node = \"…\"`", spec.metric)));
    }
    if let (Some(from), Some(to)) = (spec.from, spec.to)
        && from >= to
    {
        p.push(("to", format!("the range must end after it starts ({from} to {to})")));
    }
    if spec.node.is_some() && spec.load.is_some() {
        p.push(("load", "give `node` or `load`, not both".to_owned()));
    }
    if let Some(node) = &spec.node
        && !nodes.contains(&node.as_str())
    {
        let hint = crate::scenario::diagnostics::suggest(node, nodes);
        p.push(("node", format!("no node is called `{node}`{hint}")));
    }
    if let Some(load) = &spec.load
        && !loads.contains(&load.as_str())
    {
        let hint = crate::scenario::diagnostics::suggest(load, loads);
        p.push(("load", format!("no load is called `{load}`{hint}")));
    }
    p
}

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
    let summary = Simulation::run(scenario.clone())?.summary;
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
                        ranged.push((range, Simulation::run(part)?.summary));
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
