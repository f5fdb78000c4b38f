//! Memory pressure (`memory = {…}` on a service, `leak` faults): each
//! replica's memory in use, the garbage-collection slowdown at service
//! start, the kill at the limit (out of memory) and the restart after it,
//! and the figures (restarts, memory in use, time slowed).
//!
//! A replica holds `base`, plus `per_request` for every request waiting or
//! in service there (its `outstanding` count: no field on `Task`), plus
//! what leaked since it last started. Memory changes at a request's
//! arrival and end, and grows linearly with a leak in between; the
//! accounting integrates it exactly between those instants.
//!
//! Out of memory is found when it happens: at an arrival that takes the
//! replica to its limit, and for a leak by a timer armed for the instant
//! the leak would fill what is left. The kill itself is an event at that
//! instant (`Event::OutOfMemory`), so it never runs inside another
//! handler's answer. Nothing here draws a random number, and a node
//! without `memory` never reaches this module: runs without it are
//! unchanged.

use super::*;
use crate::memory::{MemorySpec, seconds_above, seconds_to};
use crate::metrics::MemoryReport;

/// A node's memory state: one entry a replica, and its tallies.
#[derive(Clone, Debug, Default)]
pub(super) struct NodeMemory {
    replicas: Vec<ReplicaMemory>,
    /// Bytes a second every replica leaks now (the active faults' leaks).
    leak: f64,
    /// The window in progress.
    window: MemoryTally,
    /// The closed windows after warm-up.
    run: MemoryTally,
    /// Replicas killed since the run started (warm-up included).
    restarts: u64,
}

/// One replica's memory.
#[derive(Clone, Copy, Debug, Default)]
struct ReplicaMemory {
    /// The last instant accounted for.
    at: SimTime,
    /// Bytes in use at `at`.
    used: f64,
    /// Bytes leaked since the replica last started, as of `at`.
    leaked: f64,
    /// Killed and not yet back: holds nothing, takes nothing.
    down: bool,
    /// Out of memory found; the kill is on its way (this instant).
    dying: bool,
    /// When the leak timer is armed for, if it is.
    timer: Option<SimTime>,
    /// Stale leak timers are ignored by generation.
    generation: u32,
}

/// Memory figures over a span, summed over replicas.
#[derive(Clone, Copy, Debug, Default)]
struct MemoryTally {
    /// Bytes in use × nanoseconds.
    byte_ns: f64,
    /// Replica-nanoseconds accounted.
    replica_ns: f64,
    /// The most one replica held.
    peak: f64,
    /// Replica-nanoseconds past `gc_from` of the limit.
    slowed_ns: f64,
    restarts: u64,
}

impl MemoryTally {
    /// Adds an adjacent span; a span of no time adds no peak (as
    /// [`LevelStats::merge`]: memory reached at the instant a run ends was
    /// never held).
    fn merge(&mut self, o: &MemoryTally) {
        self.byte_ns += o.byte_ns;
        self.replica_ns += o.replica_ns;
        if o.replica_ns > 0.0 {
            self.peak = self.peak.max(o.peak);
        }
        self.slowed_ns += o.slowed_ns;
        self.restarts += o.restarts;
    }

    fn report(&self) -> MemoryReport {
        MemoryReport {
            restarts: self.restarts,
            mean_mb: (self.replica_ns > 0.0).then(|| self.byte_ns / self.replica_ns / 1e6),
            peak_mb: self.peak / 1e6,
            slowed_s: self.slowed_ns / 1e9,
        }
    }
}

impl ReplicaMemory {
    /// Accounts for the time from `at` to `now` (memory growing by the
    /// leak, if up) into `tally`.
    fn advance(&mut self, now: SimTime, leak: f64, threshold: f64, tally: &mut MemoryTally) {
        let dt = now.since(self.at).as_nanos() as f64;
        if dt <= 0.0 {
            return;
        }
        let rate = if self.down { 0.0 } else { leak / 1e9 };
        let end = self.used + rate * dt;
        tally.byte_ns += (self.used + end) / 2.0 * dt;
        tally.replica_ns += dt;
        if !self.down {
            tally.slowed_ns += seconds_above(self.used, rate, dt, threshold);
        }
        tally.peak = tally.peak.max(end);
        self.leaked += rate * dt;
        self.used = end;
        self.at = now;
    }

    /// Bytes in use at `now` (the leak since `at` added).
    fn used_at(&self, now: SimTime, leak: f64) -> f64 {
        if self.down {
            return 0.0;
        }
        self.used + leak * now.since(self.at).as_secs_f64()
    }
}

impl NodeMemory {
    /// A node's memory state at `now`, its replicas holding `base`.
    pub(super) fn new(spec: &MemorySpec, replicas: usize, now: SimTime) -> Self {
        let mut m = NodeMemory::default();
        m.ensure(replicas, spec, now);
        m
    }

    /// Entries for replicas added since (an autoscaler's), each starting now.
    fn ensure(&mut self, replicas: usize, spec: &MemorySpec, now: SimTime) {
        while self.replicas.len() < replicas {
            let used = spec.in_use(0, 0.0);
            self.window.peak = self.window.peak.max(used);
            self.replicas.push(ReplicaMemory { at: now, used, ..ReplicaMemory::default() });
        }
    }

    /// Whether `replica` is restarting (the health-aware balancers skip it).
    pub(super) fn down(&self, replica: usize) -> bool {
        self.replicas.get(replica).is_some_and(|r| r.down)
    }

    /// Service time's multiplier for a service starting now at `replica`.
    pub(super) fn slowdown(&self, spec: &MemorySpec, replica: usize, now: SimTime) -> f64 {
        self.replicas.get(replica).map_or(1.0, |r| spec.slowdown(r.used_at(now, self.leak)))
    }

    /// Bytes in use at `replica` now (0 while it restarts).
    fn used(&self, replica: usize, now: SimTime) -> f64 {
        self.replicas.get(replica).map_or(0.0, |r| r.used_at(now, self.leak))
    }

    /// The view of the first `replicas` replicas now, for the canvas.
    pub(super) fn state(&self, spec: &MemorySpec, replicas: usize, now: SimTime) -> MemoryState {
        MemoryState {
            limit_mb: spec.limit.as_f64() / 1e6,
            gc_mb: spec.gc_threshold() / 1e6,
            used_mb: (0..replicas).map(|r| self.used(r, now) / 1e6).collect(),
            restarting: (0..replicas).map(|r| self.down(r)).collect(),
            restarts: self.restarts,
        }
    }

    /// The figures up to `now` without closing anything (for the summary).
    fn flushed(&self, now: SimTime, threshold: f64) -> MemoryTally {
        let mut tally = self.window;
        for r in &self.replicas {
            r.clone().advance(now, self.leak, threshold, &mut tally);
        }
        tally
    }
}

impl Simulation {
    /// `replica`'s requests changed (one arrived or ended): account for
    /// the time since, take its new memory, and find out whether it is
    /// out of memory (then the kill is scheduled for now).
    // Off the hot path: a node without memory never calls it, and the
    // handlers that do stay small.
    #[inline(never)]
    pub(super) fn memory_changed(&mut self, node: usize, replica: usize) {
        let Some(spec) = self.model.nodes[node].memory.as_ref() else { return };
        let rt = &mut self.nodes[node];
        let Some(mem) = rt.memory.as_deref_mut() else { return };
        let now = self.now;
        mem.ensure(rt.replicas.len(), spec, now);
        let leak = mem.leak;
        let r = &mut mem.replicas[replica];
        r.advance(now, leak, spec.gc_threshold(), &mut mem.window);
        if r.down {
            return;
        }
        r.used = spec.in_use(rt.replicas[replica].outstanding, r.leaked);
        mem.window.peak = mem.window.peak.max(r.used);
        if spec.full(r.used) {
            if !std::mem::replace(&mut r.dying, true) {
                self.events.schedule(
                    now,
                    Event::OutOfMemory { node: node as u32, replica: replica as u32 },
                );
            }
        } else if leak > 0.0 {
            self.arm_leak_timer(node, replica);
        }
    }

    /// Arms `replica`'s leak timer for the instant its leak would fill the
    /// limit with the requests it holds now, unless one is armed sooner.
    #[inline(never)]
    fn arm_leak_timer(&mut self, node: usize, replica: usize) {
        let Some(spec) = self.model.nodes[node].memory.as_ref() else { return };
        let Some(mem) = self.nodes[node].memory.as_deref_mut() else { return };
        let r = &mut mem.replicas[replica];
        if r.down || r.dying {
            return;
        }
        let Some(secs) = seconds_to(r.used, spec.limit.as_f64(), mem.leak) else { return };
        // Rounded up, so the timer finds the limit reached.
        let nanos = (secs * 1e9).ceil().min(u64::MAX as f64 / 2.0) as u64;
        let at = self.now + SimDuration::from_nanos(nanos.max(1));
        if r.timer.is_some_and(|armed| armed <= at) {
            return;
        }
        r.generation = r.generation.wrapping_add(1);
        r.timer = Some(at);
        let generation = r.generation;
        self.events.schedule(
            at,
            Event::MemoryTimer { node: node as u32, replica: replica as u32, generation },
        );
    }

    /// Service time's multiplier for a service starting now at `replica`
    /// (garbage collection past `gc_from`).
    #[inline(never)]
    pub(super) fn gc_slowdown(&self, node: usize, replica: usize) -> f64 {
        match (&self.model.nodes[node].memory, self.nodes[node].memory.as_deref()) {
            (Some(spec), Some(memory)) => memory.slowdown(spec, replica, self.now),
            _ => 1.0,
        }
    }

    /// A leak timer is due: the replica is out of memory now, or its
    /// requests went down since and the timer is armed again.
    #[inline(never)]
    pub(super) fn memory_timer(&mut self, node: usize, replica: usize, generation: u32) {
        let Some(mem) = self.nodes[node].memory.as_deref_mut() else { return };
        let Some(r) = mem.replicas.get_mut(replica) else { return };
        if r.generation != generation || r.timer.is_none() {
            return;
        }
        r.timer = None;
        let Some(spec) = self.model.nodes[node].memory.as_ref() else { return };
        if spec.full(r.used_at(self.now, mem.leak)) {
            self.out_of_memory(node, replica);
        } else {
            self.memory_changed(node, replica);
        }
    }

    /// `replica` runs out of memory: it is killed, every request it holds
    /// (waiting or in service) ends as `error`, and it comes back after
    /// `restart`.
    #[inline(never)]
    pub(super) fn out_of_memory(&mut self, node: usize, replica: usize) {
        let Some(spec) = self.model.nodes[node].memory.as_ref() else { return };
        let restart = spec.restart;
        let threshold = spec.gc_threshold();
        let now = self.now;
        let rt = &mut self.nodes[node];
        let Some(mem) = rt.memory.as_deref_mut() else { return };
        let leak = mem.leak;
        let Some(r) = mem.replicas.get_mut(replica) else { return };
        if r.down {
            return;
        }
        r.advance(now, leak, threshold, &mut mem.window);
        *r = ReplicaMemory {
            at: now,
            down: true,
            generation: r.generation.wrapping_add(1),
            ..ReplicaMemory::default()
        };
        mem.window.restarts += 1;
        mem.restarts += 1;
        let mut drained = 0;
        while rt.replicas[replica].queue.pop_oldest().is_some() {
            drained += 1;
        }
        if drained > 0 {
            rt.queued -= drained;
            rt.window.queue.set(now, rt.queued);
        }
        let (node32, replica32) = (node as u32, replica as u32);
        let held: Vec<Key> = self
            .tasks
            .iter()
            .filter(|(_, t)| t.node == node32 && t.replica == replica32)
            .map(|(key, _)| key)
            .collect();
        for key in held {
            self.finish_task(key, Outcome::Error);
        }
        self.events.schedule(now + restart, Event::Restarted { node: node32, replica: replica32 });
    }

    /// A killed replica is back (its cold start over): it holds `base`
    /// again and takes work.
    #[inline(never)]
    pub(super) fn memory_restarted(&mut self, node: usize, replica: usize) {
        let Some(spec) = self.model.nodes[node].memory.as_ref() else { return };
        let now = self.now;
        let rt = &mut self.nodes[node];
        let Some(mem) = rt.memory.as_deref_mut() else { return };
        let leak = mem.leak;
        let Some(r) = mem.replicas.get_mut(replica) else { return };
        r.advance(now, leak, spec.gc_threshold(), &mut mem.window);
        r.down = false;
        r.leaked = 0.0;
        r.used = spec.in_use(rt.replicas[replica].outstanding, 0.0);
        mem.window.peak = mem.window.peak.max(r.used);
        self.start_waiting(node, replica);
        self.memory_changed(node, replica);
    }

    /// The leak the active faults put on `node` changed to `leak` bytes a
    /// second: account for the time at the old rate, then arm the timers.
    #[inline(never)]
    pub(super) fn memory_leak_changed(&mut self, node: usize, leak: f64) {
        let Some(spec) = self.model.nodes[node].memory.as_ref() else { return };
        let now = self.now;
        let rt = &mut self.nodes[node];
        let Some(mem) = rt.memory.as_deref_mut() else { return };
        if mem.leak == leak {
            return;
        }
        mem.ensure(rt.replicas.len(), spec, now);
        let old = mem.leak;
        for r in &mut mem.replicas {
            r.advance(now, old, spec.gc_threshold(), &mut mem.window);
            r.timer = None;
            r.generation = r.generation.wrapping_add(1);
        }
        mem.leak = leak;
        for replica in 0..mem.replicas.len() {
            self.memory_changed(node, replica);
        }
    }

    /// Fills a node's window report and closes its memory window.
    pub(super) fn memory_window(&mut self, node: usize, report: &mut NodeReport, counted: bool) {
        let Some(spec) = self.model.nodes[node].memory.as_ref() else { return };
        let now = self.now;
        let Some(mem) = self.nodes[node].memory.as_deref_mut() else { return };
        let leak = mem.leak;
        for r in &mut mem.replicas {
            r.advance(now, leak, spec.gc_threshold(), &mut mem.window);
        }
        report.memory = Some(mem.window.report());
        if counted {
            let closed = mem.window;
            mem.run.merge(&closed);
        }
        let peak = mem.replicas.iter().map(|r| r.used).fold(0.0, f64::max);
        mem.window = MemoryTally { peak, ..MemoryTally::default() };
    }

    /// Fills a node's summary report: the closed windows after warm-up and
    /// the open one, when it counts.
    pub(super) fn memory_summary(&self, node: usize, report: &mut NodeReport) {
        let Some(spec) = self.model.nodes[node].memory.as_ref() else { return };
        let Some(mem) = self.nodes[node].memory.as_deref() else { return };
        let mut tally = mem.run;
        if self.window_start >= self.warmup_end {
            tally.merge(&mem.flushed(self.now, spec.gc_threshold()));
        }
        report.memory = Some(tally.report());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two replicas, 1 000 requests/s, a limit never reached; replica 0 is
    /// killed by hand at 5 s and is down for 10 s.
    fn killed_at_five(balancer: &str) -> (u64, u64) {
        let text = format!(
            r#"
[scenario]
name = "skip"
seed = 5
duration = "30s"
warmup = "0s"

[[load]]
id = "users"
target = "svc"
rate = 1000

[[node]]
id = "svc"
kind = "service"
replicas = 2
workers = 100
balancer = "{balancer}"
service_time = {{ dist = "const", value = "10ms" }}
memory = {{ per_request = "1MB", limit = "10GB", restart = "10s" }}
"#
        );
        let mut sim = Simulation::new(Scenario::from_toml("t.toml", &text).unwrap()).unwrap();
        sim.advance_until(SimTime::ZERO + SimDuration::from_secs(5));
        sim.out_of_memory(0, 0);
        let state = sim.snapshot(0).nodes[0].memory.clone().unwrap();
        assert_eq!((state.restarting.clone(), state.restarts), (vec![true, false], 1));
        assert_eq!(state.used_mb[0], 0.0);
        assert_eq!((state.limit_mb, state.gc_mb), (10_000.0, 7_000.0));
        sim.advance_until(SimTime::from_nanos(15_000_000_000 - 1));
        let down = sim.summary().nodes["svc"].outcomes.error;
        sim.advance_until(SimTime::ZERO + SimDuration::from_secs(30));
        let after = sim.summary().nodes["svc"].outcomes.error - down;
        assert_eq!(sim.summary().nodes["svc"].memory.unwrap().restarts, 1);
        (down, after)
    }

    #[test]
    fn naive_balancers_send_to_a_restarting_replica_health_aware_ones_skip_it() {
        // Killed: the ~5 requests replica 0 held (1 000/s × 10 ms / 2).
        // Round robin then sends every other request of the 10 s down to
        // it: about 5 000 errors at the door. Least outstanding sends none.
        let (down, after) = killed_at_five("round_robin");
        assert!((4_990..=5_010).contains(&down), "round robin: {down} errors while down");
        assert_eq!(after, 0, "back after its restart");
        let (down, after) = killed_at_five("random");
        assert!((4_700..=5_300).contains(&down), "random: {down} errors while down");
        assert_eq!(after, 0);
        for balancer in ["least_outstanding", "p2c"] {
            let (down, after) = killed_at_five(balancer);
            assert!(down <= 10, "{balancer}: {down} errors, only what the kill ended");
            assert_eq!(after, 0);
        }
    }
}
