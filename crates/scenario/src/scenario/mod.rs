//! Scenario files: the TOML a user writes, reviews, shares and
//! embeds, as typed Rust values.
//!
//! Reading a file finds every problem in one go ([`diagnostics`]): syntax,
//! unknown keys with suggestions, values of the wrong type (each left out
//! so reading goes on), and the meaning of the rest: unknown targets, sync
//! cycles, impossible numbers ([`validate`]). Only a scenario with none
//! reaches the engine.

pub mod diagnostics;
pub mod read;
pub mod validate;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::dist::Distribution;
use crate::outcome::Outcome;
use crate::time::SimDuration;

pub use diagnostics::{Diagnostic, ScenarioError};
pub use validate::Validated;

/// One scenario file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name, seed, duration and the text shown beside it.
    pub scenario: Meta,
    /// The traffic: one entry a tenant.
    #[serde(default, rename = "load", skip_serializing_if = "Vec::is_empty")]
    pub loads: Vec<LoadSpec>,
    /// The components.
    #[serde(default, rename = "node", skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<NodeSpec>,
    /// Things that go wrong on a timeline.
    #[serde(default, rename = "fault", skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<FaultSpec>,
    /// Assertions `scalesim check` runs.
    #[serde(default, rename = "expect", skip_serializing_if = "Vec::is_empty")]
    pub expects: Vec<ExpectSpec>,
    /// Latency within a zone and the links between zones (free when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<crate::network::NetworkSpec>,
}

/// `[scenario]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// The scenario's title, shown in reports and the app.
    pub name: String,
    /// The random seed: one seed gives one exact run.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// How long the run lasts, in simulated time.
    #[serde(default = "default_duration")]
    pub duration: SimDuration,
    /// Excluded from the summary; rounded up to whole windows.
    #[serde(default)]
    pub warmup: SimDuration,
    /// Time-series resolution.
    #[serde(default = "default_window")]
    pub window: SimDuration,
    /// What assumption breaks here, and why (shown beside a built-in scenario).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Which chart and which node to look at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watch: Option<String>,
    /// The one change that shows the cure.
    #[serde(default, rename = "try", skip_serializing_if = "Option::is_none")]
    pub try_this: Option<String>,
}

fn default_seed() -> u64 {
    1
}
fn default_duration() -> SimDuration {
    SimDuration::from_secs(60)
}
fn default_window() -> SimDuration {
    SimDuration::from_secs(1)
}
fn one() -> u32 {
    1
}
fn one_f() -> f64 {
    1.0
}

/// `[[load]]`: a source of user requests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadSpec {
    /// The load's name (a tenant), unique among loads; reports and `load = ...` name it.
    pub id: String,
    /// The node the users call.
    pub target: String,
    /// Requests per second (open loop).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// How arrivals are spaced (open loop).
    #[serde(default)]
    pub arrival: ArrivalKind,
    /// Correlated bursts, with `arrival = "bursty"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst: Option<BurstSpec>,
    /// Closed loop: this many users, each waiting for an answer (and
    /// `think_time`) before the next request. Replaces `rate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<u32>,
    /// Closed loop: each user's pause between an answer and the next request (a distribution).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub think_time: Option<Distribution>,
    /// How the rate changes over time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<Pattern>,
    /// The user gives up after this long.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<SimDuration>,
    /// Users and SDKs retry too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<RetrySpec>,
    /// Service-time multiplier for this tenant's requests, everywhere.
    #[serde(default = "one_f")]
    pub work: f64,
    /// Served first by queues with `discipline = "priority"`: higher first.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub priority: u32,
    /// A per-tenant limit at the front door: this load's requests over it
    /// are rejected before they reach `target`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<crate::rate_limit::RateLimitSpec>,
    /// Where the users are (a zone of `[network]`): their requests cross
    /// the network to `target`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// Where the topology canvas draws it (kept when the user edits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<[f64; 2]>,
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

/// `arrival = ...`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArrivalKind {
    /// Independent arrivals (exponential gaps).
    #[default]
    Poisson,
    /// Evenly spaced arrivals.
    Uniform,
    /// A two-state modulated Poisson process: bursts at a multiple of the
    /// rate, quieter in between, same mean.
    Bursty,
}

/// `burst = { multiplier, share, length }` for bursty arrivals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BurstSpec {
    /// Rate during a burst, as a multiple of the mean rate.
    #[serde(default = "default_burst_multiplier")]
    pub multiplier: f64,
    /// Share of time spent in bursts.
    #[serde(default = "default_burst_share")]
    pub share: f64,
    /// Mean length of a burst.
    #[serde(default = "default_burst_length")]
    pub length: SimDuration,
}

fn default_burst_multiplier() -> f64 {
    4.0
}
fn default_burst_share() -> f64 {
    0.1
}
fn default_burst_length() -> SimDuration {
    SimDuration::from_secs(1)
}

impl Default for BurstSpec {
    fn default() -> Self {
        BurstSpec {
            multiplier: default_burst_multiplier(),
            share: default_burst_share(),
            length: default_burst_length(),
        }
    }
}

/// `pattern = { ... }`: the rate over time. Steps or a ramp set the base
/// rate; a spike and a diurnal wave multiply it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pattern {
    /// From each step's `at` on, the rate is its `rate`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    /// The rate moves linearly between two values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ramp: Option<Ramp>,
    /// The rate is multiplied for a while.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spike: Option<Spike>,
    /// The rate follows a sine wave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diurnal: Option<Diurnal>,
}

/// From `at` on, the rate is `rate`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// When the step starts.
    pub at: SimDuration,
    /// Requests per second from then on.
    pub rate: f64,
}

/// The rate moves linearly from `from` to `to` over the first `over`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ramp {
    /// Requests per second at the start.
    pub from: f64,
    /// Requests per second at the end of the ramp.
    pub to: f64,
    /// How long the ramp lasts, from the start of the run.
    pub over: SimDuration,
}

/// For `for` from `at`, the rate is multiplied by `multiplier`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spike {
    /// When the spike starts.
    pub at: SimDuration,
    /// How long it lasts (the key is `for`).
    #[serde(rename = "for")]
    pub length: SimDuration,
    /// The rate is multiplied by this during the spike.
    pub multiplier: f64,
}

/// The rate is multiplied by 1 + amplitude·sin(2πt/period).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Diurnal {
    /// The length of one cycle.
    pub period: SimDuration,
    /// The wave's size, as a share of the rate (0 to 1).
    pub amplitude: f64,
}

/// `kind = ...`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Service,
    External,
    Database,
    Cache,
    Queue,
}

impl NodeKind {
    /// Every kind, in the order the editor's palette offers them.
    pub const ALL: [NodeKind; 5] = [
        NodeKind::Service,
        NodeKind::Database,
        NodeKind::Cache,
        NodeKind::Queue,
        NodeKind::External,
    ];

    /// The kind as a file spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Service => "service",
            NodeKind::External => "external",
            NodeKind::Database => "database",
            NodeKind::Cache => "cache",
            NodeKind::Queue => "queue",
        }
    }
}

impl std::fmt::Display for NodeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `[[node]]`: one component. Which keys apply depends on `kind`
/// (validation says so when one is misplaced).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    /// The component's name, unique among nodes; calls, loads and faults name it.
    pub id: String,
    /// What the component is: service, external, database, cache or queue.
    pub kind: NodeKind,
    /// Copies of the component, each with its own workers and queue.
    #[serde(default = "one")]
    pub replicas: u32,
    /// Concurrency per replica.
    #[serde(default = "one")]
    pub workers: u32,
    /// Each replica's waiting line (capacity, discipline, max_wait).
    #[serde(default)]
    pub queue: QueueSpec,
    /// The time a worker spends on one request (a distribution), before its calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_time: Option<Distribution>,
    /// How requests are spread across replicas.
    #[serde(default)]
    pub balancer: Balancer,
    /// `blocking`: a worker stays held while it waits on a sync call; `nonblocking`: it is released.
    #[serde(default)]
    pub io: Io,
    /// External nodes: how long the third party takes to answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<Distribution>,
    /// Share of answers that are errors.
    #[serde(default)]
    pub error_rate: f64,
    /// What running the node costs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<crate::cost::CostSpec>,
    /// A token bucket in front of the node; over it, requests are rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<crate::rate_limit::RateLimitSpec>,
    /// Queues: the node deliveries go to. Caches use `on_miss` instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Queues: the most messages waiting (more are rejected). Caches: the
    /// most keys held (least recently used go first). Unbounded when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u64>,
    /// Queues: deliveries in flight at once. Defaults to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumers: Option<u32>,
    /// Queues: deliveries of one message before it is dead-lettered.
    /// Defaults to 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_deliveries: Option<u32>,
    /// Queues: a delivery not answered within this is redelivered (the
    /// visibility timeout); the consumer keeps working. Defaults to 30 s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_timeout: Option<SimDuration>,
    /// Caches: the share of reads found, when there is no key model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hit_ratio: Option<f64>,
    /// Caches, key model: how many distinct keys are read. Replicated
    /// databases: the keys requests read and write (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<u64>,
    /// Caches (key model) and replicated databases: Zipf skew of key
    /// popularity (0 = uniform; about 1 for typical web traffic). Defaults
    /// to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skew: Option<f64>,
    /// Caches, key model: how long a stored key stays fresh. For ever when
    /// absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<SimDuration>,
    /// Caches: how long a lookup takes (hit or miss). Defaults to 0.5 ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hit_time: Option<Distribution>,
    /// Caches: the node read on a miss.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_miss: Option<String>,
    /// Caches, key model: concurrent misses of one key wait for a single
    /// read of the backing store (request coalescing).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub coalesce: bool,
    /// Databases: connections per replica (the concurrency; waiting for a
    /// connection shows as queueing). Replaces `workers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<u32>,
    /// A control loop that adds and removes replicas (late, as real ones do).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscale: Option<crate::autoscale::AutoscaleSpec>,
    /// Universal Scalability Law: service time grows with replicas or
    /// concurrency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordination: Option<crate::coordination::CoordinationSpec>,
    /// Services and databases: each replica's memory (what a request
    /// holds, the limit, the garbage collector's slowdown, the restart
    /// after running out). No memory model when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<crate::memory::MemorySpec>,
    /// Databases: followers that apply the leader's writes after a lag,
    /// and where reads are served (stale reads follow).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replication: Option<crate::network::ReplicationSpec>,
    /// Where the component runs (a zone of `[network]`): messages to and
    /// from other zones cross a link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// Downstream calls made after the node's own service time, in order.
    #[serde(default, rename = "call", skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<CallSpec>,
    /// Where the topology canvas draws it (kept when the user edits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<[f64; 2]>,
}

/// `queue = { capacity, discipline, max_wait }` (per replica).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueSpec {
    /// Most requests waiting; more are rejected. Unbounded when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u64>,
    /// Which waiting request is served next: fifo, lifo, priority or adaptive_lifo.
    #[serde(default)]
    pub discipline: Discipline,
    /// A request that waited longer is shed (rejected) instead of served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_wait: Option<SimDuration>,
    /// `adaptive_lifo`: the queue counts as overloaded (and serves newest
    /// first) while its oldest request has waited longer than this.
    /// Defaults to 100 ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifo_after: Option<SimDuration>,
}

/// Which waiting request a free worker takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Discipline {
    #[default]
    Fifo,
    Lifo,
    /// Higher-priority loads first (`priority` on `[[load]]`), FIFO within.
    Priority,
    /// FIFO normally; newest first while overloaded (see `lifo_after`), so
    /// fresh requests still meet their deadlines when the backlog cannot.
    AdaptiveLifo,
}

/// How a node spreads requests across its replicas.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Balancer {
    #[default]
    RoundRobin,
    Random,
    LeastOutstanding,
    /// Power of two choices: the less loaded of two random replicas.
    P2c,
}

/// Whether a worker is held while its request waits on a sync call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Io {
    /// Thread-per-request: the worker waits with the request.
    #[default]
    Blocking,
    /// Event loop: the worker is free while the request waits.
    Nonblocking,
}

/// `[[node.call]]`: a downstream call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallSpec {
    /// The node called.
    pub to: String,
    /// `sync`: the caller waits for the answer; `async`: it hands the message over and goes on.
    #[serde(default)]
    pub mode: Mode,
    /// The caller stops waiting after this long (the callee may keep working).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<SimDuration>,
    /// Stop the callee's work when the caller times out.
    #[serde(default)]
    pub cancel_on_timeout: bool,
    /// How failed tries are retried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<RetrySpec>,
    /// Share of requests that make this call.
    #[serde(default = "one_f")]
    pub probability: f64,
    /// Parallel copies of the call.
    #[serde(default = "one")]
    pub fanout: u32,
    /// Copies that must answer; all of them when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_for: Option<u32>,
    /// Calls with the same group are issued together; groups run in order.
    /// A call without a group is a group of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<u32>,
    /// On failure: `fail` the caller's request, or `degrade` it and go on.
    #[serde(default)]
    pub fallback: Fallback,
    /// At most this many attempts of this call in flight at once; more are
    /// rejected without reaching the target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bulkhead: Option<u32>,
    /// Hedging: if answers are still missing this long after an attempt was
    /// sent, send one more copy for each; the first answers win.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hedge: Option<SimDuration>,
    /// A circuit breaker on this call: fail fast while the target fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaker: Option<crate::breaker::BreakerSpec>,
    /// One-way latency of this call's messages (a distribution), replacing
    /// the network's; paid out and back by a sync call, once by an async one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<Distribution>,
    /// At a database: `read` (default) or `write` (to the leader).
    #[serde(default, skip_serializing_if = "crate::network::Op::is_read")]
    pub op: crate::network::Op,
}

impl CallSpec {
    /// A sync call with every option at its default (its `to` empty).
    pub fn plain() -> CallSpec {
        CallSpec {
            to: String::new(),
            mode: Mode::Sync,
            timeout: None,
            cancel_on_timeout: false,
            retry: None,
            probability: 1.0,
            fanout: 1,
            wait_for: None,
            group: None,
            fallback: Fallback::Fail,
            bulkhead: None,
            hedge: None,
            breaker: None,
            latency: None,
            op: crate::network::Op::Read,
        }
    }
}

/// `mode = ...`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The caller waits for the answer.
    #[default]
    Sync,
    /// The caller hands the message over and goes on.
    Async,
}

/// What a failed sync call does to its caller.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Fallback {
    /// The caller fails with the call's outcome.
    #[default]
    Fail,
    /// The caller goes on; its outcome becomes `degraded`.
    Degrade,
}

/// `retry = { ... }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetrySpec {
    /// Total tries, the first included (1 = no retry).
    #[serde(default = "one")]
    pub attempts: u32,
    /// The wait between tries: none, constant or exponential.
    #[serde(default)]
    pub backoff: Backoff,
    /// The first backoff wait.
    #[serde(default = "default_retry_base")]
    pub base: SimDuration,
    /// The longest backoff wait.
    #[serde(default = "default_retry_max")]
    pub max: SimDuration,
    /// Randomness added to the waits: none, full, equal or decorrelated.
    #[serde(default)]
    pub jitter: Jitter,
    /// Retries may be at most this share of calls (a token bucket).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<f64>,
    /// Which outcomes are retried.
    #[serde(default = "default_retry_on")]
    pub on: Vec<Outcome>,
    /// A polite client: after a rejection that carries a retry-after hint
    /// (a rate limiter's), wait at least that long before the retry.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub respect_retry_after: bool,
}

fn default_retry_base() -> SimDuration {
    SimDuration::from_millis(10)
}
fn default_retry_max() -> SimDuration {
    SimDuration::from_secs(1)
}
fn default_retry_on() -> Vec<Outcome> {
    vec![Outcome::Error, Outcome::Timeout, Outcome::Rejected]
}

/// How the wait before retry `k` grows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Backoff {
    /// Retry at once.
    None,
    /// Wait `base` every time.
    Constant,
    /// Wait base·2^(k−1), at most `max`.
    #[default]
    Exponential,
}

/// How the backoff is randomised (the AWS architecture blog's names).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Jitter {
    #[default]
    None,
    /// Uniform in [0, backoff].
    Full,
    /// backoff/2 + uniform in [0, backoff/2].
    Equal,
    /// min(max, uniform in [base, 3·previous]).
    Decorrelated,
}

/// `[[fault]]`: something that goes wrong with `target` from `at` for
/// `duration`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// When the fault starts.
    pub at: SimDuration,
    /// How long it lasts.
    pub duration: SimDuration,
    /// The node it affects (may be left out for a `partition`, which
    /// affects zones).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub target: String,
    /// What goes wrong (latency_add, error_rate, outage, replicas, flush, partition, leak).
    pub effect: FaultEffect,
}

/// What a fault does; several effects may be combined.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FaultEffect {
    /// Added to every service time (or third-party latency) at the target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_add: Option<SimDuration>,
    /// The target fails this share of requests (at least; its own error
    /// rate still applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_rate: Option<f64>,
    /// The target is down: every request is answered `error` at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outage: Option<bool>,
    /// Only this many replicas take new work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// A cache loses its contents (the stampede on its backing store follows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flush: Option<bool>,
    /// Every message between these two zones is lost while the fault lasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<[String; 2]>,
    /// Each replica of the target (which needs `memory`) leaks this much
    /// memory while the fault lasts, e.g. "10MB/min"; what leaked is held
    /// until the replica restarts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leak: Option<crate::memory::LeakRate>,
}

pub use crate::expect::ExpectSpec;

impl Scenario {
    /// Reads a scenario from TOML text. `file` names it in messages.
    pub fn from_toml(file: &str, text: &str) -> Result<Scenario, ScenarioError> {
        diagnostics::parse(file, text)
    }

    /// The scenario as TOML, readable by [`Scenario::from_toml`], or why it
    /// cannot be written (e.g. a number TOML has no way to write).
    pub fn try_to_toml(&self) -> Result<String, String> {
        toml::to_string(self).map_err(|e| format!("cannot write the scenario as TOML: {e}"))
    }

    /// The index of the node called `id`.
    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }
}
