//! Measurement: per-window tallies, the run's totals (the sum of the
//! windows after warm-up) and the summary.

use super::*;

/// Closed windows the rolling latency spans.
pub const RECENT_WINDOWS: usize = 10;

/// Counters of one load over a window.
#[derive(Clone, Debug, Default)]
pub(super) struct LoadTally {
    pub(super) offered: u64,
    pub(super) outcomes: OutcomeCounts,
    pub(super) latency: LatencyHistogram,
    pub(super) retries: u64,
}

impl LoadTally {
    pub(super) fn clear(&mut self) {
        self.offered = 0;
        self.outcomes = OutcomeCounts::default();
        self.latency.clear();
        self.retries = 0;
    }

    pub(super) fn merge(&mut self, other: &LoadTally) {
        self.offered += other.offered;
        self.outcomes.merge(&other.outcomes);
        self.latency.merge(&other.latency);
        self.retries += other.retries;
    }

    pub(super) fn report(&self, in_flight: u64) -> LoadReport {
        LoadReport {
            requests: RequestCounts::new(self.offered, &self.outcomes, in_flight),
            latency_ms: self.latency.stats(),
            retries: self.retries,
        }
    }
}

/// Counters and levels of one node over a window.
#[derive(Clone, Debug, Default)]
pub(super) struct NodeTally {
    pub(super) arrivals: u64,
    pub(super) outcomes: OutcomeCounts,
    pub(super) latency: LatencyHistogram,
    pub(super) queue: TimeWeighted,
    pub(super) busy: TimeWeighted,
    /// Replicas running (active and draining).
    pub(super) replicas: TimeWeighted,
    pub(super) calls: u64,
    pub(super) retries: u64,
    pub(super) counters: NodeCounters,
    /// Nanoseconds waited for a worker (or connection) by visits that got one.
    pub(super) waited: u128,
    /// Visits that got a worker.
    pub(super) served: u64,
}

/// A node's closed-window figures, mergeable into the run's.
#[derive(Clone, Debug, Default)]
pub(super) struct NodeClosed {
    pub(super) arrivals: u64,
    pub(super) outcomes: OutcomeCounts,
    pub(super) latency: LatencyHistogram,
    pub(super) queue: LevelStats,
    pub(super) busy: LevelStats,
    pub(super) replicas: LevelStats,
    pub(super) capacity_time: f64,
    pub(super) calls: u64,
    pub(super) retries: u64,
    pub(super) waited: u128,
    pub(super) served: u64,
    pub(super) counters: NodeCounters,
    pub(super) cost: f64,
}

impl NodeClosed {
    pub(super) fn merge(&mut self, o: &NodeClosed) {
        self.arrivals += o.arrivals;
        self.outcomes.merge(&o.outcomes);
        self.latency.merge(&o.latency);
        self.queue.merge(&o.queue);
        self.busy.merge(&o.busy);
        self.replicas.merge(&o.replicas);
        self.capacity_time += o.capacity_time;
        self.calls += o.calls;
        self.retries += o.retries;
        self.waited += o.waited;
        self.served += o.served;
        self.counters.merge(&o.counters);
        self.cost += o.cost;
    }

    pub(super) fn report(&self) -> NodeReport {
        NodeReport {
            arrivals: self.arrivals,
            completed: self.outcomes.total(),
            rejected: self.outcomes.rejected,
            outcomes: self.outcomes,
            utilization: (self.capacity_time > 0.0)
                .then(|| self.busy.area as f64 / self.capacity_time),
            mean_queue: self.queue.mean(),
            mean_wait_ms: (self.served > 0).then(|| self.waited as f64 / self.served as f64 / 1e6),
            max_queue: self.queue.max,
            replicas: self.replicas.mean(),
            max_replicas: self.replicas.max,
            latency_ms: self.latency.stats(),
            calls: self.calls,
            retries: self.retries,
            cost: self.cost,
            counters: self.counters,
            hit_ratio: self.counters.hit_ratio(),
            reads: None,
            stale_reads: None,
            stale_read_share: None,
            staleness_ms: None,
            memory: None,
        }
    }
}

impl Simulation {
    /// User latency over the last [`RECENT_WINDOWS`] closed windows
    /// together (warm-up included): a p99 that rests on ten windows'
    /// answers rather than one's, with its count.
    pub fn recent_latency(&self) -> crate::metrics::LatencyStats {
        let mut merged = crate::metrics::LatencyHistogram::new();
        for h in &self.recent {
            merged.merge(h);
        }
        merged.stats()
    }

    /// The run so far, after warm-up. User counts cover the requests that
    /// started after warm-up (so they add up); user latency covers the
    /// answers that came after warm-up (SPEC §3); node figures cover the
    /// time after warm-up. The open window is included; while it has no
    /// length its levels' maxima are not ([`LevelStats::merge`]).
    pub fn summary(&self) -> Summary {
        let mut nodes = self.node_run.clone();
        if self.window_start >= self.warmup_end {
            for (i, n) in nodes.iter_mut().enumerate() {
                n.merge(&self.node_window_closed(i, &mut self.nodes[i].window.clone()));
            }
        }
        let measured = self.now.since(self.warmup_end.min(self.now));
        let mut all = LoadTally::default();
        let mut loads = std::collections::BTreeMap::new();
        for (i, t) in self.load_run.iter().enumerate() {
            let mut t = t.clone();
            if self.window_start >= self.warmup_end {
                t.latency.merge(&self.load_window[i].latency);
            }
            all.merge(&t);
            loads.insert(self.model.loads[i].id.clone(), t.report(self.loads[i].run_in_flight));
        }
        // Filled by insertion: a map collected from an iterator sorts it,
        // with a copy of the standard sort of its own.
        let mut node_reports = std::collections::BTreeMap::new();
        for (i, n) in nodes.iter().enumerate() {
            let mut report = n.report();
            self.replication_summary(i, &mut report);
            self.memory_summary(i, &mut report);
            node_reports.insert(self.model.nodes[i].id.clone(), report);
        }
        let in_flight = self.loads.iter().map(|l| l.run_in_flight).sum();
        let arrivals: u64 = nodes.iter().map(|n| n.arrivals).sum();
        Summary {
            scenario: self.scenario.scenario.name.clone(),
            seed: self.scenario.scenario.seed,
            sim_time_s: self.now.as_secs_f64(),
            measured_s: measured.as_secs_f64(),
            events: self.event_count,
            requests: RequestCounts::new(all.offered, &all.outcomes, in_flight),
            latency_ms: all.latency.stats(),
            throughput_rps: rate(all.outcomes.ok + all.outcomes.degraded, measured),
            amplification: ratio(arrivals, all.offered),
            loads,
            nodes: node_reports,
            cost_per_million: crate::cost::per_million(
                nodes.iter().map(|n| n.cost).sum(),
                all.offered,
            ),
            tail: self.trace_run_tail(),
            network: self.network_summary(),
        }
    }

    /// The share of `node`'s finished visits (ok or degraded) since warm-up
    /// that took longer than `threshold` (for the fan-out formula check).
    pub fn node_share_slower_than(&self, node: usize, threshold: SimDuration) -> f64 {
        let Some(run) = self.node_run.get(node) else { return 0.0 };
        let mut latency = run.latency.clone();
        if self.window_start >= self.warmup_end {
            latency.merge(&self.nodes[node].window.latency);
        }
        latency.share_above(threshold)
    }

    pub(super) fn node_window_closed(&self, i: usize, tally: &mut NodeTally) -> NodeClosed {
        let queue = tally.queue.take(self.window_start, self.now);
        let busy = tally.busy.take(self.window_start, self.now);
        let replicas = tally.replicas.take(self.window_start, self.now);
        let m = &self.model.nodes[i];
        let capacity_time = match m.behaviour {
            Behaviour::Queueing | Behaviour::Broker => replicas.area as f64 * f64::from(m.workers),
            Behaviour::Remote | Behaviour::Cache => 0.0,
        };
        NodeClosed {
            arrivals: tally.arrivals,
            outcomes: tally.outcomes,
            latency: std::mem::take(&mut tally.latency),
            queue,
            busy,
            capacity_time,
            replicas,
            calls: tally.calls,
            retries: tally.retries,
            waited: tally.waited,
            served: tally.served,
            counters: tally.counters,
            cost: m
                .cost
                .as_ref()
                .map_or(0.0, |c| c.cost(replicas.area as f64 / 1e9, tally.arrivals)),
        }
    }

    pub(super) fn close_window(&mut self) {
        let counted = self.window_start >= self.warmup_end;
        let mut nodes = Vec::with_capacity(self.nodes.len());
        for i in 0..self.nodes.len() {
            let mut tally = std::mem::take(&mut self.nodes[i].window);
            let mut closed = self.node_window_closed(i, &mut tally);
            let mut report = closed.report();
            self.replication_window(i, &mut report);
            self.memory_window(i, &mut report, counted);
            nodes.push(report);
            if counted {
                self.node_run[i].merge(&closed);
            }
            // The window's histogram goes back to the tally, emptied: its
            // buckets are reused rather than copied each window.
            tally.latency = std::mem::take(&mut closed.latency);
            tally.arrivals = 0;
            tally.outcomes = OutcomeCounts::default();
            tally.latency.clear();
            tally.calls = 0;
            tally.retries = 0;
            tally.waited = 0;
            tally.served = 0;
            tally.counters = NodeCounters::default();
            self.nodes[i].window = tally;
        }
        let mut all = LoadTally::default();
        let mut loads = Vec::with_capacity(self.load_window.len());
        for (i, t) in self.load_window.iter_mut().enumerate() {
            all.merge(t);
            loads.push(t.report(self.loads[i].in_flight));
            if counted {
                self.load_run[i].latency.merge(&t.latency);
            }
            t.clear();
        }
        if self.recent.len() == RECENT_WINDOWS {
            self.recent.pop_front();
        }
        self.recent.push_back(all.latency.clone());
        let span = self.now.since(self.window_start);
        let in_flight = self.loads.iter().map(|l| l.in_flight).sum();
        let arrivals: u64 = nodes.iter().map(|n| n.arrivals).sum();
        let tail = self.trace_window_closed(counted);
        let network = self.network_window();
        self.closed.push(WindowReport {
            index: self.window_index,
            start_s: self.window_start.as_secs_f64(),
            end_s: self.now.as_secs_f64(),
            requests: RequestCounts::new(all.offered, &all.outcomes, in_flight),
            latency_ms: all.latency.stats(),
            throughput_rps: rate(all.outcomes.ok + all.outcomes.degraded, span),
            amplification: ratio(arrivals, all.offered),
            cost_per_million: crate::cost::per_million(
                nodes.iter().map(|n| n.cost).sum(),
                all.offered,
            ),
            loads,
            nodes,
            tail,
            network,
        });
        self.window_index += 1;
        self.window_start = self.now;
        self.mark_growth();
    }
}
