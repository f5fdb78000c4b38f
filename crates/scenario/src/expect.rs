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
//! This module is what a file may say (the metric vocabulary, the bounds)
//! and the check of it; the engine's `expect` module measures a run.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
    /// Share of offered requests that ended ok or degraded (0–1).
    SuccessRate,
    /// Share of offered requests that failed their user (0–1): error,
    /// timeout or rejected, as [`Metric::FailureRate`]. A timeout is a
    /// failure to the user who waited, so it counts here.
    ErrorRate,
    /// Share of offered requests whose outcome was `error` itself (0–1).
    ErrorOnlyRate,
    /// Share of offered requests that ended `timeout` (0–1).
    TimeoutRate,
    /// Share of offered requests that ended `rejected` (0–1).
    RejectedRate,
    /// Share of offered requests that failed their user in any way:
    /// error, timeout or rejected (0–1).
    FailureRate,
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
    /// Node only: a replicated database's stale reads over its reads (0–1).
    StaleReadShare,
    /// Node only: a replicated database's stale reads.
    StaleReads,
    /// Messages the network lost (loss and partitions).
    LostMessages,
    /// The network's share of the time users waited (0–1).
    NetworkShare,
    /// Replicas restarted after running out of memory.
    Restarts,
    /// The most memory one replica held, in MB.
    MemoryPeak,
    /// Replica-seconds a node's service was slowed by garbage collection.
    GcSlowed,
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
pub const METRICS: [&str; 32] = [
    "mean",
    "p50",
    "p90",
    "p99",
    "p999",
    "max",
    "throughput",
    "success_rate",
    "error_rate",
    "error_only_rate",
    "timeout_rate",
    "rejected_rate",
    "failure_rate",
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
    "stale_read_share",
    "stale_reads",
    "lost_messages",
    "network_share",
    "restarts",
    "memory_peak",
    "gc_slowed",
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
            "error_only_rate" => Metric::ErrorOnlyRate,
            "timeout_rate" => Metric::TimeoutRate,
            "rejected_rate" => Metric::RejectedRate,
            "failure_rate" => Metric::FailureRate,
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
            "stale_read_share" => Metric::StaleReadShare,
            "stale_reads" => Metric::StaleReads,
            "lost_messages" => Metric::LostMessages,
            "network_share" => Metric::NetworkShare,
            "restarts" => Metric::Restarts,
            "memory_peak" => Metric::MemoryPeak,
            "gc_slowed" => Metric::GcSlowed,
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
                | Metric::StaleReadShare
                | Metric::StaleReads
                | Metric::Restarts
                | Metric::MemoryPeak
                | Metric::GcSlowed
        )
    }

    /// Whether the metric is a time (bounds are durations, values ms).
    pub fn is_duration(self) -> bool {
        matches!(self, Metric::Latency(_) | Metric::MeanWait)
    }

    /// Whether the metric is a share between 0 and 1.
    pub fn is_share(self) -> bool {
        matches!(
            self,
            Metric::SuccessRate
                | Metric::ErrorRate
                | Metric::ErrorOnlyRate
                | Metric::TimeoutRate
                | Metric::RejectedRate
                | Metric::FailureRate
                | Metric::Utilization
                | Metric::HitRatio
                | Metric::StaleReadShare
                | Metric::NetworkShare
        )
    }

    /// The unit its values are in, for messages: `ms`, `req/s`, or empty.
    pub fn unit(self) -> &'static str {
        match self {
            m if m.is_duration() => "ms",
            Metric::Throughput => "req/s",
            Metric::CostPerMillion => "per million requests",
            Metric::MemoryPeak => "MB",
            Metric::GcSlowed => "s",
            _ => "",
        }
    }
}

/// What each metric measures, in the order of [`METRICS`]: for `--help`,
/// the reference and the JSON Schema.
pub const METRIC_MEANINGS: [(&str, &str); 32] = [
    ("mean", "mean latency of answered (ok or degraded) user requests; a duration"),
    ("p50", "median latency of answered user requests; a duration"),
    ("p90", "90th percentile latency of answered user requests; a duration"),
    ("p99", "99th percentile latency of answered user requests; a duration"),
    ("p999", "99.9th percentile latency of answered user requests; a duration"),
    ("max", "longest latency of an answered user request; a duration"),
    ("throughput", "answered (ok or degraded) requests per second"),
    ("success_rate", "share (0-1) of offered requests that ended ok or degraded"),
    (
        "error_rate",
        "share (0-1) of offered requests that failed their user: error, timeout or rejected (the same as failure_rate)",
    ),
    (
        "error_only_rate",
        "share (0-1) of offered requests whose outcome was `error` itself (timeouts and rejections not counted)",
    ),
    ("timeout_rate", "share (0-1) of offered requests that ended `timeout`"),
    ("rejected_rate", "share (0-1) of offered requests that ended `rejected`"),
    (
        "failure_rate",
        "share (0-1) of offered requests that failed their user: error, timeout or rejected",
    ),
    ("amplification", "node visits per user request"),
    (
        "utilization",
        "node only: busy share (0-1) of its workers; none for a node without workers (an external, a cache), so an expectation there fails",
    ),
    ("mean_queue", "node only: time-average number of waiting requests"),
    ("max_queue", "node only: most requests waiting at once"),
    ("retries", "node only: retries the node's calls made"),
    ("mean_wait", "node only: mean wait for a worker or connection; a duration"),
    ("replicas", "node only: time-average replicas running"),
    ("hit_ratio", "node only: a cache's hits over lookups (0-1)"),
    ("redelivered", "node only: a broker's redeliveries"),
    ("duplicates", "node only: messages a broker's consumer processed twice or more"),
    ("dead_lettered", "node only: messages a broker gave up on"),
    ("cost_per_million", "cost of all nodes per million user requests"),
    (
        "stale_read_share",
        "node only: share (0-1) of a replicated database's reads that missed a write of their key the leader had answered",
    ),
    ("stale_reads", "node only: a replicated database's stale reads"),
    ("lost_messages", "messages the network lost (link loss and partitions)"),
    (
        "network_share",
        "share (0-1) of the time users waited that their messages spent on the network",
    ),
    (
        "restarts",
        "node only: replicas killed for running out of memory (each restarts); needs `memory`",
    ),
    ("memory_peak", "node only: the most memory one replica held, in MB; needs `memory`"),
    (
        "gc_slowed",
        "node only: replica-seconds spent past `gc_from` of the memory limit (service slowed by garbage collection); needs `memory`",
    ),
];

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
