//! Measurement: latency histograms, time-averaged levels, and the per-window
//! and whole-run records the UI and the CLI show.

use serde::{Deserialize, Serialize};

use crate::log_histogram::LogHistogram;
use crate::outcome::OutcomeCounts;
use crate::time::{SimDuration, SimTime};
use scalesim_scenario::expect::LatencyField;

/// The longest latency recorded exactly: a simulated year, the longest run
/// (`limits`), so a scenario in hours and days (a change's lead time
/// through teams) has its percentiles however long it plays. Longer ones
/// are recorded as a year.
const HISTOGRAM_MAX_NANOS: u64 = 366 * 24 * 3_600_000_000_000;

/// Latencies in nanoseconds, to two significant digits (under 1% error on
/// any percentile). The buckets grow to the longest latency recorded (about
/// 2 kB per power of two, 50 kB at most), however many are recorded: a run
/// in milliseconds pays for milliseconds, one in days for days, and a
/// latency lands in the same bucket whatever the histogram's size.
#[derive(Clone, Debug)]
pub struct LatencyHistogram {
    hist: LogHistogram,
    sum_nanos: u128,
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        Self::new()
    }
}

impl LatencyHistogram {
    /// An empty histogram.
    pub fn new() -> Self {
        LatencyHistogram { hist: LogHistogram::new(), sum_nanos: 0 }
    }

    /// Records one latency.
    #[inline]
    pub fn record(&mut self, latency: SimDuration) {
        let nanos = latency.as_nanos();
        self.sum_nanos += nanos as u128;
        self.hist.record(nanos.clamp(1, HISTOGRAM_MAX_NANOS));
    }

    /// How many latencies were recorded.
    pub fn count(&self) -> u64 {
        self.hist.len()
    }

    /// Forgets everything, keeping the memory.
    pub fn clear(&mut self) {
        self.hist.reset();
        self.sum_nanos = 0;
    }

    /// Adds everything `other` recorded.
    pub fn merge(&mut self, other: &LatencyHistogram) {
        self.hist.add(&other.hist);
        self.sum_nanos += other.sum_nanos;
    }

    /// The exact mean (kept beside the histogram, not estimated from it).
    pub fn mean_ms(&self) -> f64 {
        match self.count() {
            0 => 0.0,
            n => self.sum_nanos as f64 / n as f64 / 1e6,
        }
    }

    /// The share of recorded latencies above `threshold` (0 when empty).
    pub fn share_above(&self, threshold: SimDuration) -> f64 {
        match self.count() {
            0 => 0.0,
            n => {
                self.hist.count_between(threshold.as_nanos().saturating_add(1), u64::MAX) as f64
                    / n as f64
            }
        }
    }

    /// The summary the CLI and the UI report.
    pub fn stats(&self) -> LatencyStats {
        if self.count() == 0 {
            return LatencyStats::default();
        }
        let [p50, p90, p99, p999] =
            self.hist.values_at_quantiles([0.50, 0.90, 0.99, 0.999]).map(|v| v as f64 / 1e6);
        LatencyStats {
            count: self.count(),
            mean: self.mean_ms(),
            p50,
            p90,
            p99,
            p999,
            max: self.hist.max() as f64 / 1e6,
        }
    }
}

/// Latency percentiles in milliseconds (`latency_ms` in the CLI's JSON).
///
/// A figure over no requests has no value: when `count` is 0 the figures
/// are held as 0 but are not measurements, and they serialize as `null`.
/// Read them through [`LatencyStats::figure`] (or check `count`) so an
/// empty span is never mistaken for a fast one.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LatencyStats {
    /// How many requests these figures describe.
    pub count: u64,
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub p999: f64,
    pub max: f64,
}

impl LatencyStats {
    /// One figure (`LatencyField::P99` for p99), absent over no requests.
    pub fn figure(&self, field: LatencyField) -> Option<f64> {
        (self.count > 0).then_some(match field {
            LatencyField::Mean => self.mean,
            LatencyField::P50 => self.p50,
            LatencyField::P90 => self.p90,
            LatencyField::P99 => self.p99,
            LatencyField::P999 => self.p999,
            LatencyField::Max => self.max,
        })
    }
}

/// The JSON form: the figures are `null` when no request was measured.
#[derive(Serialize, Deserialize)]
struct LatencyJson {
    count: u64,
    mean: Option<f64>,
    p50: Option<f64>,
    p90: Option<f64>,
    p99: Option<f64>,
    p999: Option<f64>,
    max: Option<f64>,
}

impl Serialize for LatencyStats {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let f = |v: f64| (self.count > 0).then_some(v);
        LatencyJson {
            count: self.count,
            mean: f(self.mean),
            p50: f(self.p50),
            p90: f(self.p90),
            p99: f(self.p99),
            p999: f(self.p999),
            max: f(self.max),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for LatencyStats {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let j = LatencyJson::deserialize(deserializer)?;
        let f = |v: Option<f64>| v.unwrap_or(0.0);
        Ok(LatencyStats {
            count: j.count,
            mean: f(j.mean),
            p50: f(j.p50),
            p90: f(j.p90),
            p99: f(j.p99),
            p999: f(j.p999),
            max: f(j.max),
        })
    }
}

/// A level that changes at instants (queue length, busy workers), integrated
/// over time.
#[derive(Clone, Debug, Default)]
pub struct TimeWeighted {
    level: u64,
    since: SimTime,
    area: u128,
    max: u64,
}

impl TimeWeighted {
    /// Starts measuring at `now` with the current `level`.
    pub fn new(now: SimTime, level: u64) -> Self {
        TimeWeighted { level, since: now, area: 0, max: level }
    }

    /// The level changes to `level` at `now`.
    #[inline]
    pub fn set(&mut self, now: SimTime, level: u64) {
        self.area += wide_product(self.level, now.since(self.since).as_nanos());
        self.since = now;
        self.level = level;
        self.max = self.max.max(level);
    }

    /// What was measured from `start` to `now`; measuring restarts at `now`.
    pub fn take(&mut self, start: SimTime, now: SimTime) -> LevelStats {
        self.set(now, self.level);
        let stats =
            LevelStats { area: self.area, span_nanos: now.since(start).as_nanos(), max: self.max };
        self.area = 0;
        self.max = self.level;
        stats
    }
}

/// `a × b`, exactly. Wasm has no 64×64→128 multiply: a 128-bit one is a
/// library call, which was a fifteenth of the engine's time there, so in
/// Wasm the product is taken in 64 bits when it surely fits (nearly
/// always). Natively the 128-bit multiply is one instruction.
#[inline]
fn wide_product(a: u64, b: u64) -> u128 {
    if cfg!(target_arch = "wasm32") && a.leading_zeros() + b.leading_zeros() >= 64 {
        u128::from(a * b)
    } else {
        u128::from(a) * u128::from(b)
    }
}

/// A level's integral over a span: its time-average and maximum, and
/// mergeable, so a run's figures are the sum of its windows'.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LevelStats {
    /// Level × nanoseconds.
    pub area: u128,
    /// Nanoseconds covered.
    pub span_nanos: u64,
    /// The highest level seen.
    pub max: u64,
}

impl LevelStats {
    /// The time-average level (0 over an empty span).
    pub fn mean(&self) -> f64 {
        if self.span_nanos == 0 { 0.0 } else { self.area as f64 / self.span_nanos as f64 }
    }

    /// Adds an adjacent span. A span of no time (the window opened at the
    /// instant a run or summary ends) held no level for any time, so its
    /// maximum is left out: the result's maximum is then the highest of the
    /// windows a user sees, never a level reached at the very last instant.
    pub fn merge(&mut self, other: &LevelStats) {
        self.area += other.area;
        self.span_nanos += other.span_nanos;
        if other.span_nanos > 0 {
            self.max = self.max.max(other.max);
        }
    }
}

/// What a load's users saw: counts by outcome (and still in flight) plus
/// latency of the answered ones. `requests` and `latency_ms` in the CLI's JSON.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RequestCounts {
    pub offered: u64,
    pub ok: u64,
    pub degraded: u64,
    pub error: u64,
    pub timeout: u64,
    pub rejected: u64,
    pub in_flight: u64,
}

impl RequestCounts {
    /// Builds the counts from offered requests and finished outcomes.
    pub fn new(offered: u64, outcomes: &OutcomeCounts, in_flight: u64) -> Self {
        RequestCounts {
            offered,
            ok: outcomes.ok,
            degraded: outcomes.degraded,
            error: outcomes.error,
            timeout: outcomes.timeout,
            rejected: outcomes.rejected,
            in_flight,
        }
    }

    /// Requests that ended ok or degraded.
    pub fn answered(&self) -> u64 {
        self.ok + self.degraded
    }

    /// Requests that ended in a way that failed their user: error,
    /// timeout or rejected.
    pub fn failed(&self) -> u64 {
        self.error + self.timeout + self.rejected
    }
}

/// One load (tenant) over a window or the run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadReport {
    pub requests: RequestCounts,
    /// First try to final answer, of requests that ended ok or degraded.
    pub latency_ms: LatencyStats,
    /// Retries the users themselves made.
    pub retries: u64,
}

/// One node over a window or the run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeReport {
    /// Visits that arrived (retries and fan-out copies each count).
    pub arrivals: u64,
    /// Visits that finished, whatever their outcome.
    pub completed: u64,
    /// Visits turned away or shed.
    pub rejected: u64,
    /// Finished visits by outcome.
    pub outcomes: OutcomeCounts,
    /// Busy worker-time over available worker-time; `null` for a node
    /// without workers (an external, a cache) or with none running.
    pub utilization: Option<f64>,
    /// Time-average number waiting, all replicas together.
    pub mean_queue: f64,
    /// Most waiting at once, all replicas together.
    pub max_queue: u64,
    /// Mean time a visit waited for a worker (a database: for a
    /// connection), over the visits that got one; `null` when none did.
    #[serde(default)]
    pub mean_wait_ms: Option<f64>,
    /// Time-average replicas running (active and draining).
    #[serde(default)]
    pub replicas: f64,
    /// Most replicas running at once.
    #[serde(default)]
    pub max_replicas: u64,
    /// Time in the node (queue + service + held waits) of visits that finished.
    pub latency_ms: LatencyStats,
    /// Downstream call attempts this node made (each fan-out copy counts).
    pub calls: u64,
    /// Of which retries.
    pub retries: u64,
    /// What the node cost over the span (its `cost` prices; 0 without).
    pub cost: f64,
    /// Broker and cache counters.
    #[serde(flatten)]
    pub counters: NodeCounters,
    /// Caches: hits over lookups; `null` without a lookup (and for nodes
    /// that are not caches).
    #[serde(default)]
    pub hit_ratio: Option<f64>,
    /// Replicated databases: reads served (at the leader or a follower).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reads: Option<u64>,
    /// Replicated databases: reads that missed a write of their key the
    /// leader had answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale_reads: Option<u64>,
    /// Replicated databases: stale reads over reads (0–1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale_read_share: Option<f64>,
    /// Replicated databases: how old the missed write was, over the stale
    /// reads (the oldest one missed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staleness_ms: Option<LatencyStats>,
    /// Nodes with a memory model: restarts, memory in use, time slowed by
    /// garbage collection. Absent (no memory model) otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<MemoryReport>,
}

/// A node's memory over a span (a window, or the run after warm-up).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MemoryReport {
    /// Replicas killed for running out of memory (each then restarts).
    pub restarts: u64,
    /// A replica's memory in use, time-weighted over the span and averaged
    /// over the node's replicas (a restarting replica holds none), in MB
    /// (10⁶ bytes). `null` over a span with no replica time.
    pub mean_mb: Option<f64>,
    /// The most any one replica held at once, in MB.
    pub peak_mb: f64,
    /// Replica-seconds spent past `gc_from` of the limit (service slowed
    /// by garbage collection), all replicas together.
    pub slowed_s: f64,
}

/// Counters of the mechanisms only some nodes have (0 elsewhere):
/// brokers' redeliveries, duplicates and dead letters, caches' hits,
/// misses and coalesced misses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeCounters {
    /// Broker deliveries after the first of their message.
    #[serde(default)]
    pub redelivered: u64,
    /// Messages a consumer processed successfully more than once (each
    /// extra run counts).
    #[serde(default)]
    pub duplicates: u64,
    /// Messages given up after `max_deliveries`.
    #[serde(default)]
    pub dead_lettered: u64,
    /// Cache lookups that found the key.
    #[serde(default)]
    pub hits: u64,
    /// Cache lookups that missed.
    #[serde(default)]
    pub misses: u64,
    /// Misses that waited for another visit's read instead of reading.
    #[serde(default)]
    pub coalesced: u64,
}

impl NodeCounters {
    /// Adds another span's counts.
    pub fn merge(&mut self, o: &NodeCounters) {
        self.redelivered += o.redelivered;
        self.duplicates += o.duplicates;
        self.dead_lettered += o.dead_lettered;
        self.hits += o.hits;
        self.misses += o.misses;
        self.coalesced += o.coalesced;
    }

    /// Hits over lookups (0 without lookups).
    pub fn hit_ratio(&self) -> Option<f64> {
        let lookups = self.hits + self.misses;
        (lookups > 0).then(|| self.hits as f64 / lookups as f64)
    }
}

/// What happened in one window of simulated time: the unit the worker
/// streams to the page and `--windows` prints. Loads and nodes are in
/// scenario order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WindowReport {
    /// 0 for the first window.
    pub index: u64,
    /// Window start, seconds of simulated time.
    pub start_s: f64,
    /// Window end, seconds of simulated time.
    pub end_s: f64,
    /// All loads together (`in_flight` is at the window's end).
    pub requests: RequestCounts,
    /// All loads together.
    pub latency_ms: LatencyStats,
    /// Answered requests per second.
    pub throughput_rps: f64,
    /// Node visits per user request: the load the system really carries.
    pub amplification: f64,
    /// The window's cost per million requests offered.
    pub cost_per_million: f64,
    pub loads: Vec<LoadReport>,
    pub nodes: Vec<NodeReport>,
    /// Where the p99 goes: the window's slowest requests' time by
    /// component and phase (only when traces are on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tail: Option<crate::trace::TailReport>,
    /// Messages and losses, when the scenario has a network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkWindow>,
}

/// The network over one window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NetworkWindow {
    /// Messages sent (requests and answers).
    pub messages: u64,
    /// Messages that never arrived (loss and partitions).
    pub lost: u64,
    /// Network time of awaited messages over the time users waited (0–1).
    pub latency_share: f64,
    /// Routes partitioned at the window's end.
    pub partitioned: u64,
}

/// The network over the run after warm-up (`network` in the JSON summary).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NetworkReport {
    /// Messages sent (requests and answers).
    pub messages: u64,
    /// Messages that never arrived (loss and partitions).
    pub lost: u64,
    /// The network's share of user latency: the network time of messages
    /// someone waited for, over the time users waited (0–1; exact for
    /// chains of calls, an upper bound where calls run in parallel).
    pub latency_share: f64,
    /// Each route: a pair of zones (the same twice within a zone; `""` is
    /// a component without a zone).
    pub links: Vec<RouteReport>,
}

/// Messages over one route.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RouteReport {
    pub between: [String; 2],
    pub messages: u64,
    pub lost: u64,
}

/// The whole run after warm-up: the object `scalesim run --json` prints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub scenario: String,
    pub seed: u64,
    /// Simulated seconds covered by the run (including warm-up).
    pub sim_time_s: f64,
    /// Seconds after warm-up that the figures cover.
    pub measured_s: f64,
    /// Events processed, warm-up included.
    pub events: u64,
    pub requests: RequestCounts,
    pub latency_ms: LatencyStats,
    pub throughput_rps: f64,
    /// Node visits per user request.
    pub amplification: f64,
    pub loads: std::collections::BTreeMap<String, LoadReport>,
    pub nodes: std::collections::BTreeMap<String, NodeReport>,
    /// What the nodes cost after warm-up, per million requests offered.
    pub cost_per_million: f64,
    /// Where the p99 goes over the run after warm-up: every window's
    /// slowest 1% together (only when traces are on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tail: Option<crate::trace::TailReport>,
    /// Messages and losses per link, when the scenario has a network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkReport>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_percentiles_and_exact_mean() {
        let mut h = LatencyHistogram::new();
        for ms in 1..=100 {
            h.record(SimDuration::from_millis(ms));
        }
        let s = h.stats();
        assert_eq!(s.count, 100);
        assert!((s.mean - 50.5).abs() < 1e-9);
        // Two significant digits: within 1% of the exact value.
        assert!((s.p50 / 50.0 - 1.0).abs() < 0.01, "{s:?}");
        assert!((s.p99 / 99.0 - 1.0).abs() < 0.01, "{s:?}");
        assert!((s.max / 100.0 - 1.0).abs() < 0.01, "{s:?}");
    }

    #[test]
    fn latencies_of_days_are_counted_and_a_year_is_the_top() {
        let mut h = LatencyHistogram::new();
        let day = SimDuration::from_secs(86_400);
        h.record(SimDuration::from_millis(5));
        h.record(SimDuration::from_nanos(45 * day.as_nanos()));
        let s = h.stats();
        assert!((s.max / (45.0 * 86_400_000.0) - 1.0).abs() < 0.01, "{s:?}");
        h.record(SimDuration::from_nanos(3 * 366 * day.as_nanos()));
        let top = h.stats().max / 86_400_000.0;
        assert!((top / 366.0 - 1.0).abs() < 0.01, "{top} days");
        assert_eq!(h.count(), 3);
    }

    #[test]
    fn time_weighted_average() {
        let t = SimTime::from_nanos;
        let mut q = TimeWeighted::new(t(0), 0);
        q.set(t(10), 2); // 0 for 10 ns
        q.set(t(20), 1); // 2 for 10 ns
        let first = q.take(t(0), t(40)); // 1 for 20 ns
        assert!((first.mean() - 1.0).abs() < 1e-12, "{first:?}");
        assert_eq!(first.max, 2);
        let second = q.take(t(40), t(50));
        assert_eq!((second.mean(), second.max), (1.0, 1));
        let mut both = first;
        both.merge(&second);
        assert_eq!((both.mean(), both.max, both.span_nanos), (1.0, 2, 50));
    }

    /// A level reached at the instant a span ends lasts no time in it: the
    /// merged maximum is the spans' with time, however high that instant.
    #[test]
    fn a_span_of_no_time_adds_no_maximum() {
        let t = SimTime::from_nanos;
        let mut replicas = TimeWeighted::new(t(0), 5);
        let mut run = replicas.take(t(0), t(40));
        replicas.set(t(40), 6);
        let open = replicas.take(t(40), t(40));
        assert_eq!((open.max, open.span_nanos), (6, 0));
        run.merge(&open);
        assert_eq!((run.mean(), run.max, run.span_nanos), (5.0, 5, 40));
        let mut later = replicas.take(t(40), t(41));
        assert_eq!(later.max, 6, "held for 1 ns, it counts");
        later.merge(&LevelStats::default());
        assert_eq!(later.max, 6);
    }

    /// In Wasm, `wide_product`'s 64-bit branch is also covered by
    /// `tests/engine_wasm.rs`: its windows must equal the native golden runs.
    #[test]
    fn time_weighted_area_is_exact_past_64_bits() {
        let t = SimTime::from_nanos;
        let mut q = TimeWeighted::new(t(0), 3);
        q.set(t(10), 1 << 40); // 3 × 10 fits in 64 bits
        q.set(t(10 + (1 << 40)), 0); // 2^40 × 2^40 does not
        let stats = q.take(t(0), t(1 << 50));
        assert_eq!(stats.area, 30 + (1u128 << 80));
    }
}
