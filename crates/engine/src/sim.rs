//! The simulation: the event loop over a whole topology, the incremental API
//! the worker and the CLI drive (`advance_until`, `snapshot`, live changes),
//! and the bookkeeping that turns events into windows and a summary.
//!
//! Entities: a user request is a [`Call`] from its load into the target; a
//! visit of a request to a node is a [`Task`]; a task's downstream calls are
//! further `Call`s, each owning its retries, timeout and fan-out copies.
//! Both live in slabs and are freed the moment they finish.

use crate::arrival::{Arrivals, Next};
use crate::balancer;
use crate::breaker::{Breaker, BreakerState};
use crate::event_queue::EventQueue;
use crate::metrics::{
    LatencyHistogram, LevelStats, LoadReport, NodeReport, RequestCounts, Summary, TimeWeighted,
    WindowReport,
};
use crate::model::{Behaviour, CallModel, Model};
use crate::outcome::{Outcome, OutcomeCounts};
use crate::rate_limit::TokenBucket;
use crate::retry::{self, RetryBudget};
use crate::rng::Rng;
use crate::scenario::{Discipline, Fallback, Io, Mode, Scenario, ScenarioError};
use crate::slab::{Key, Slab};
use crate::time::{SimDuration, SimTime};

/// What can happen at an instant.
#[derive(Clone, Copy, Debug)]
enum Event {
    /// An open-loop load's next arrival (or, `real = false`, a re-check
    /// after a silent stretch). Stale generations are ignored: that is how a
    /// pending arrival is cancelled when the rate changes.
    Arrival { load: u32, generation: u32, real: bool },
    /// A closed-loop user is done thinking and sends a request.
    UserStart { load: u32, user: u32 },
    /// A task's own service (or an external's latency) is over.
    ServiceDone { task: Key },
    /// A call's attempt waited too long.
    CallTimeout { call: Key, attempt: u32 },
    /// A call's backoff is over: try again.
    RetryFire { call: Key },
    /// An answer that was known at once (a rejection), delivered through the
    /// event queue so no handler re-enters another.
    Deliver { call: Key, attempt: u32, outcome: Outcome },
    /// A whole attempt turned away by its own call site's bulkhead.
    AttemptRejected { call: Key, attempt: u32 },
    /// An attempt's hedge delay is over: copy what is still unanswered.
    Hedge { call: Key, attempt: u32 },
    /// A `[[fault]]` begins (`active = true`) or ends.
    Fault { index: u32, active: bool },
}

/// Where a task is in its visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Waiting for a worker.
    Queued,
    /// Being served (or, for an external, awaiting the third party).
    Serving,
    /// Waiting on its downstream sync calls.
    Calling,
}

/// A visit of a request to a node.
#[derive(Debug)]
struct Task {
    node: u32,
    replica: u32,
    load: u32,
    work: f64,
    arrived: SimTime,
    /// The call attempt this visit answers, if anyone waits for it.
    reply: Option<(Key, u32)>,
    stage: Stage,
    holds_worker: bool,
    cancelled: bool,
    degraded: bool,
    next_group: u32,
    /// Sync calls of the current group still awaited. (If the task ends
    /// early, the others answer a stale key and are ignored.)
    pending: u32,
}

/// Who waits for a call's outcome.
#[derive(Clone, Copy, Debug)]
enum Parent {
    /// A user: the call is a user request.
    User { started: SimTime, user: Option<u32> },
    /// A task waiting on a sync call.
    Task(Key),
    /// Nobody (async calls, and calls whose caller has gone).
    Detached,
}

/// Where a call's configuration lives.
#[derive(Clone, Copy, Debug)]
enum Site {
    Load(u32),
    Node { node: u32, call: u32 },
}

/// One logical call: its attempts, their fan-out copies, retries, timeout.
#[derive(Debug)]
struct Call {
    site: Site,
    parent: Parent,
    load: u32,
    work: f64,
    attempt: u32,
    oks: u32,
    fails: u32,
    /// Copies of the current attempt sent in all (fan-out plus hedges).
    sent: u32,
    degraded: bool,
    last_backoff: SimDuration,
    /// Whether the current attempt holds a slot of its site's bulkhead.
    admitted: bool,
    /// Whether the current attempt went through its site's breaker (and so
    /// is counted by it when it ends).
    through_breaker: bool,
    /// Copies of the current attempt, kept only to cancel them on timeout.
    children: Vec<Key>,
}

/// One replica of a queueing node.
#[derive(Clone, Debug, Default)]
struct Replica {
    busy: u32,
    queue: std::collections::VecDeque<Key>,
    /// Tasks at this replica not yet finished (for the balancer).
    outstanding: u32,
}

#[derive(Clone, Debug, Default)]
struct NodeRuntime {
    replicas: Vec<Replica>,
    /// The node's `rate_limit`, if it has one.
    limiter: Option<TokenBucket>,
    /// What active faults do to the node now.
    fault: FaultState,
    cursor: u32,
    queued: u64,
    busy: u64,
    in_flight: u64,
}

/// The combined effect of the faults active on one node.
#[derive(Clone, Debug, Default)]
struct FaultState {
    latency_add: SimDuration,
    error_rate: f64,
    outage: bool,
    replicas: Option<u32>,
}

#[derive(Clone, Debug)]
struct LoadRuntime {
    arrivals: Option<Arrivals>,
    generation: u32,
    multiplier: f64,
    in_flight: u64,
    /// In flight among the requests the summary counts (started after warm-up).
    run_in_flight: u64,
}

/// Counters of one load over a window.
#[derive(Clone, Debug, Default)]
struct LoadTally {
    offered: u64,
    outcomes: OutcomeCounts,
    latency: LatencyHistogram,
    retries: u64,
}

impl LoadTally {
    fn clear(&mut self) {
        self.offered = 0;
        self.outcomes = OutcomeCounts::default();
        self.latency.clear();
        self.retries = 0;
    }

    fn merge(&mut self, other: &LoadTally) {
        self.offered += other.offered;
        self.outcomes.merge(&other.outcomes);
        self.latency.merge(&other.latency);
        self.retries += other.retries;
    }

    fn report(&self, in_flight: u64) -> LoadReport {
        LoadReport {
            requests: RequestCounts::new(self.offered, &self.outcomes, in_flight),
            latency_ms: self.latency.stats(),
            retries: self.retries,
        }
    }
}

/// Counters and levels of one node over a window.
#[derive(Clone, Debug, Default)]
struct NodeTally {
    arrivals: u64,
    outcomes: OutcomeCounts,
    latency: LatencyHistogram,
    queue: TimeWeighted,
    busy: TimeWeighted,
    calls: u64,
    retries: u64,
}

/// A node's closed-window figures, mergeable into the run's.
#[derive(Clone, Debug, Default)]
struct NodeClosed {
    arrivals: u64,
    outcomes: OutcomeCounts,
    latency: LatencyHistogram,
    queue: LevelStats,
    busy: LevelStats,
    capacity_time: f64,
    calls: u64,
    retries: u64,
    cost: f64,
}

impl NodeClosed {
    fn merge(&mut self, o: &NodeClosed) {
        self.arrivals += o.arrivals;
        self.outcomes.merge(&o.outcomes);
        self.latency.merge(&o.latency);
        self.queue.merge(&o.queue);
        self.busy.merge(&o.busy);
        self.capacity_time += o.capacity_time;
        self.calls += o.calls;
        self.retries += o.retries;
        self.cost += o.cost;
    }

    fn report(&self) -> NodeReport {
        NodeReport {
            arrivals: self.arrivals,
            completed: self.outcomes.total(),
            rejected: self.outcomes.rejected,
            outcomes: self.outcomes,
            utilization: if self.capacity_time > 0.0 {
                self.busy.area as f64 / self.capacity_time
            } else {
                0.0
            },
            mean_queue: self.queue.mean(),
            max_queue: self.queue.max,
            latency_ms: self.latency.stats(),
            calls: self.calls,
            retries: self.retries,
            cost: self.cost,
        }
    }
}

/// A node's state now, for the topology view.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NodeState {
    /// Workers busy, all replicas together.
    pub busy: u64,
    /// Workers available (0 for externals: unlimited).
    pub capacity: u64,
    /// Requests waiting, all replicas together.
    pub queued: u64,
    /// Visits at the node, in any stage.
    pub in_flight: u64,
    pub replicas: u32,
}

/// One in-flight visit, for animating dots.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct InFlight {
    pub node: usize,
    pub load: usize,
    pub stage: Stage,
    /// Milliseconds since it arrived at the node.
    pub age_ms: f64,
}

/// The state of the run now: what the topology view draws.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Snapshot {
    pub sim_time_s: f64,
    pub events: u64,
    pub nodes: Vec<NodeState>,
    /// At most the requested number, spread over the in-flight set.
    pub sample: Vec<InFlight>,
    /// Every call's breaker, for drawing it on its edge.
    pub breakers: Vec<BreakerView>,
}

/// A breaker's state now.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BreakerView {
    /// The calling node (scenario order).
    pub node: usize,
    /// The call's index in that node's calls.
    pub call: usize,
    pub state: BreakerState,
    /// Times it opened so far.
    pub trips: u64,
}

/// A live change to a running simulation.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// Scale every open-loop load's rate (the UI's load slider).
    LoadMultiplier { multiplier: f64 },
    /// Switch a call between sync and async.
    CallMode { node: String, call: usize, mode: Mode },
    /// Set one parameter by path, as `scalesim run --set` does.
    Set { path: String, value: String },
    /// Replace the whole scenario, keeping what is in flight (the editor).
    Replace { scenario: Box<Scenario> },
}

/// A running simulation. Deterministic: the same scenario, seed and calls
/// give the same numbers, natively and in Wasm.
#[derive(Debug)]
pub struct Simulation {
    scenario: Scenario,
    model: Model,
    load_rngs: Vec<Rng>,
    node_rngs: Vec<Rng>,
    call_rng: Rng,
    events: EventQueue<Event>,
    now: SimTime,
    event_count: u64,
    tasks: Slab<Task>,
    calls: Slab<Call>,
    nodes: Vec<NodeRuntime>,
    loads: Vec<LoadRuntime>,
    budgets: Vec<RetryBudget>,
    /// Attempts in flight at each bulkheaded call site.
    bulkheads: Vec<u32>,
    /// One per call site with a breaker (`Model::breakers` order).
    breakers: Vec<Breaker>,
    window_start: SimTime,
    window_index: u64,
    /// The first window boundary at or after the configured warm-up.
    warmup_end: SimTime,
    load_window: Vec<LoadTally>,
    node_window: Vec<NodeTally>,
    load_run: Vec<LoadTally>,
    node_run: Vec<NodeClosed>,
    /// Which `[[fault]]`s are in effect now.
    faults_active: Vec<bool>,
    closed: Vec<WindowReport>,
}

/// A finished run: every window and the summary.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Run {
    pub windows: Vec<WindowReport>,
    pub summary: Summary,
}

impl Simulation {
    /// A simulation of `scenario` at time zero, or every reason it cannot run.
    pub fn new(scenario: Scenario) -> Result<Self, ScenarioError> {
        let problems = crate::scenario::validate::problems(&scenario);
        if !problems.is_empty() {
            return Err(ScenarioError {
                diagnostics: problems
                    .into_iter()
                    .map(|p| crate::scenario::Diagnostic {
                        file: scenario.scenario.name.clone(),
                        line: 0,
                        key: p.key,
                        message: p.message,
                    })
                    .collect(),
            });
        }
        let model = Model::compile(&scenario);
        let meta = &scenario.scenario;
        let window = meta.window.as_nanos();
        let warmup_end =
            SimTime::from_nanos(meta.warmup.as_nanos().div_ceil(window).saturating_mul(window));
        let mut root = Rng::seeded(meta.seed);
        let load_rngs = (0..model.loads.len() as u64).map(|i| root.fork(1 + i)).collect();
        let node_rngs = (0..model.nodes.len() as u64).map(|i| root.fork(1_000_000 + i)).collect();
        let call_rng = root.fork(u64::MAX);
        let nodes = model
            .nodes
            .iter()
            .map(|n| NodeRuntime {
                replicas: vec![Replica::default(); n.replicas as usize],
                limiter: n.rate_limit.as_ref().map(TokenBucket::new),
                ..NodeRuntime::default()
            })
            .collect();
        let loads = model
            .loads
            .iter()
            .map(|l| LoadRuntime {
                arrivals: l.spec.rate.map(|rate| {
                    Arrivals::new(
                        l.spec.arrival,
                        rate,
                        l.spec.pattern.clone(),
                        l.spec.burst.clone(),
                    )
                }),
                generation: 0,
                multiplier: 1.0,
                in_flight: 0,
                run_in_flight: 0,
            })
            .collect();
        let budgets = model.budgets.iter().map(|&r| RetryBudget::new(r)).collect();
        let model_bulkheads = model.bulkheads;
        let model_breakers = model.breakers.iter().map(|(_, _, spec)| Breaker::new(spec)).collect();
        let fault_events: Vec<(SimTime, SimTime)> = scenario
            .faults
            .iter()
            .map(|f| (SimTime::ZERO + f.at, SimTime::ZERO + f.at + f.duration))
            .collect();
        let mut sim = Simulation {
            load_window: vec![LoadTally::default(); model.loads.len()],
            node_window: vec![NodeTally::default(); model.nodes.len()],
            load_run: vec![LoadTally::default(); model.loads.len()],
            faults_active: vec![false; scenario.faults.len()],
            node_run: vec![NodeClosed::default(); model.nodes.len()],
            scenario,
            model,
            load_rngs,
            node_rngs,
            call_rng,
            events: EventQueue::new(),
            now: SimTime::ZERO,
            event_count: 0,
            tasks: Slab::default(),
            calls: Slab::default(),
            nodes,
            loads,
            budgets,
            bulkheads: vec![0; model_bulkheads],
            breakers: model_breakers,
            window_start: SimTime::ZERO,
            window_index: 0,
            warmup_end,
            closed: Vec::new(),
        };
        for (index, (start, end)) in fault_events.into_iter().enumerate() {
            sim.events.schedule(start, Event::Fault { index: index as u32, active: true });
            sim.events.schedule(end, Event::Fault { index: index as u32, active: false });
        }
        sim.start_loads();
        Ok(sim)
    }

    /// Runs `scenario` to its configured duration, one window at a time.
    pub fn run(scenario: Scenario) -> Result<Run, ScenarioError> {
        let end = SimTime::ZERO + scenario.scenario.duration;
        let mut sim = Simulation::new(scenario)?;
        let windows = sim.advance_until(end);
        let summary = sim.summary();
        debug_assert!(sim.conserved(), "conservation violated: {summary:?}");
        Ok(Run { windows, summary })
    }

    /// The scenario as it now stands (live changes included).
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Current simulated time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Events processed so far.
    pub fn event_count(&self) -> u64 {
        self.event_count
    }

    /// Runs every event up to and including `until`, and returns the windows
    /// that closed on the way.
    pub fn advance_until(&mut self, until: SimTime) -> Vec<WindowReport> {
        loop {
            let window_end = self.window_start + self.scenario.scenario.window;
            match self.events.peek_time() {
                Some(at) if at < window_end && at <= until => {
                    if let Some((at, event)) = self.events.pop() {
                        self.now = at;
                        self.event_count += 1;
                        self.handle(event);
                    }
                }
                _ if window_end <= until => {
                    self.now = window_end;
                    self.close_window();
                }
                _ => break,
            }
        }
        self.now = self.now.max(until);
        std::mem::take(&mut self.closed)
    }

    /// Runs for `span` more simulated time.
    pub fn advance_by(&mut self, span: SimDuration) -> Vec<WindowReport> {
        self.advance_until(self.now + span)
    }

    /// Whether every load's requests add up: offered = outcomes + in flight
    /// (over the requests the summary counts).
    pub fn conserved(&self) -> bool {
        self.load_run
            .iter()
            .zip(&self.loads)
            .all(|(t, l)| t.offered == t.outcomes.total() + l.run_in_flight)
    }

    /// The run so far, after warm-up. User counts cover the requests that
    /// started after warm-up (so they add up); user latency covers the
    /// answers that came after warm-up (SPEC §3); node figures cover the
    /// time after warm-up. The open window is included.
    pub fn summary(&self) -> Summary {
        let mut nodes = self.node_run.clone();
        if self.window_start >= self.warmup_end {
            for (i, n) in nodes.iter_mut().enumerate() {
                n.merge(&self.node_window_closed(i, &mut self.node_window[i].clone()));
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
            nodes: nodes
                .iter()
                .enumerate()
                .map(|(i, n)| (self.model.nodes[i].id.clone(), n.report()))
                .collect(),
            cost_per_million: crate::cost::per_million(
                nodes.iter().map(|n| n.cost).sum(),
                all.offered,
            ),
        }
    }

    /// The state now: per-node levels and up to `sample` in-flight visits.
    pub fn snapshot(&self, sample: usize) -> Snapshot {
        let nodes = self
            .nodes
            .iter()
            .zip(&self.model.nodes)
            .map(|(rt, m)| NodeState {
                busy: rt.busy,
                capacity: match m.behaviour {
                    Behaviour::Queueing => u64::from(m.replicas) * u64::from(m.workers),
                    Behaviour::Remote => 0,
                },
                queued: rt.queued,
                in_flight: rt.in_flight,
                replicas: m.replicas,
            })
            .collect();
        let step = (self.tasks.len() / sample.max(1)).max(1);
        let sample = self
            .tasks
            .iter()
            .step_by(step)
            .take(sample)
            .map(|(_, t)| InFlight {
                node: t.node as usize,
                load: t.load as usize,
                stage: t.stage,
                age_ms: self.now.since(t.arrived).as_millis_f64(),
            })
            .collect();
        let breakers = self
            .breakers
            .iter()
            .zip(&self.model.breakers)
            .map(|(b, (node, call, _))| BreakerView {
                node: *node,
                call: *call,
                state: b.state_at(self.now),
                trips: b.trips,
            })
            .collect();
        Snapshot {
            sim_time_s: self.now.as_secs_f64(),
            events: self.event_count,
            nodes,
            sample,
            breakers,
        }
    }

    /// Applies a live change; the run goes on from the current state.
    pub fn apply(&mut self, change: Change) -> Result<(), ScenarioError> {
        match change {
            Change::LoadMultiplier { multiplier } => {
                if !(multiplier.is_finite() && multiplier > 0.0) {
                    return Err(single_problem(
                        "load multiplier",
                        format!("expected a positive number, got {multiplier}"),
                    ));
                }
                for i in 0..self.loads.len() {
                    self.loads[i].multiplier = multiplier;
                    if let Some(a) = self.loads[i].arrivals.as_mut() {
                        a.set_multiplier(multiplier);
                        self.loads[i].generation = self.loads[i].generation.wrapping_add(1);
                        self.schedule_arrival(i);
                    }
                }
                Ok(())
            }
            Change::CallMode { node, call, mode } => {
                let mut scenario = self.scenario.clone();
                let target = scenario
                    .nodes
                    .iter_mut()
                    .find(|n| n.id == node)
                    .and_then(|n| n.calls.get_mut(call))
                    .ok_or_else(|| {
                        single_problem("call", format!("node `{node}` has no call {call}"))
                    })?;
                target.mode = mode;
                self.replace(scenario)
            }
            Change::Set { path, value } => {
                let mut scenario = self.scenario.clone();
                crate::set::apply(&mut scenario, &path, &value)
                    .map_err(|message| single_problem(&path, message))?;
                self.replace(scenario)
            }
            Change::Replace { scenario } => self.replace(*scenario),
        }
    }

    /// Swaps in an edited scenario with the same nodes and loads (by id and
    /// order); in-flight work continues under the new parameters.
    fn replace(&mut self, scenario: Scenario) -> Result<(), ScenarioError> {
        let same_nodes =
            scenario.nodes.iter().map(|n| &n.id).eq(self.scenario.nodes.iter().map(|n| &n.id));
        let same_loads =
            scenario.loads.iter().map(|l| &l.id).eq(self.scenario.loads.iter().map(|l| &l.id));
        if !(same_nodes && same_loads) {
            return Err(single_problem(
                "scenario",
                "adding or removing nodes or loads needs a restart".to_owned(),
            ));
        }
        if scenario.faults != self.scenario.faults {
            return Err(single_problem(
                "fault",
                "changing the fault timeline needs a restart".to_owned(),
            ));
        }
        let problems = crate::scenario::validate::problems(&scenario);
        if let Some(p) = problems.into_iter().next() {
            return Err(single_problem(&p.key, p.message));
        }
        let model = Model::compile(&scenario);
        for (i, n) in model.nodes.iter().enumerate() {
            let rt = &mut self.nodes[i];
            if rt.replicas.len() < n.replicas as usize {
                rt.replicas.resize(n.replicas as usize, Replica::default());
            }
            rt.limiter = match (rt.limiter.take(), &n.rate_limit) {
                (Some(mut bucket), Some(spec)) => {
                    bucket.reconfigure(spec);
                    Some(bucket)
                }
                (None, Some(spec)) => Some(TokenBucket::new(spec)),
                (_, None) => None,
            };
        }
        if model.budgets.len() != self.budgets.len() {
            self.budgets = model.budgets.iter().map(|&r| RetryBudget::new(r)).collect();
        }
        if model.bulkheads != self.bulkheads.len() {
            // Call sites changed: counting restarts (attempts admitted under
            // the old sites release nothing, see `release_bulkhead`).
            self.bulkheads = vec![0; model.bulkheads];
            for (_, call) in self.calls.iter_mut() {
                call.admitted = false;
            }
        }
        if model.breakers.len() == self.breakers.len() {
            for (breaker, (_, _, spec)) in self.breakers.iter_mut().zip(&model.breakers) {
                breaker.reconfigure(spec);
            }
        } else {
            self.breakers = model.breakers.iter().map(|(_, _, spec)| Breaker::new(spec)).collect();
            for (_, call) in self.calls.iter_mut() {
                call.through_breaker = false;
            }
        }
        let rates_changed: Vec<bool> =
            scenario.loads.iter().zip(&self.scenario.loads).map(|(a, b)| a != b).collect();
        self.scenario = scenario;
        self.model = model;
        for (i, changed) in rates_changed.into_iter().enumerate() {
            if changed {
                let spec = &self.model.loads[i].spec;
                self.loads[i].arrivals = spec.rate.map(|rate| {
                    let mut a =
                        Arrivals::new(spec.arrival, rate, spec.pattern.clone(), spec.burst.clone());
                    a.set_multiplier(self.loads[i].multiplier);
                    a
                });
                self.loads[i].generation = self.loads[i].generation.wrapping_add(1);
                self.schedule_arrival(i);
            }
        }
        // More workers (or replicas) may now serve what is waiting.
        for node in 0..self.nodes.len() {
            for replica in 0..self.nodes[node].replicas.len() {
                self.start_waiting(node, replica);
            }
        }
        Ok(())
    }

    // ----- loads -------------------------------------------------------------

    fn start_loads(&mut self) {
        for i in 0..self.model.loads.len() {
            match self.model.loads[i].spec.users {
                Some(users) => {
                    let think = self.think_mean(i).max(SimDuration::from_millis(1));
                    for user in 0..users {
                        let offset = self.load_rngs[i].below(think.as_nanos() + 1);
                        self.events.schedule(
                            SimTime::from_nanos(offset),
                            Event::UserStart { load: i as u32, user },
                        );
                    }
                }
                None => self.schedule_arrival(i),
            }
        }
    }

    fn think_mean(&self, load: usize) -> SimDuration {
        self.model.loads[load].spec.think_time.as_ref().map_or(SimDuration::ZERO, |d| d.mean())
    }

    fn schedule_arrival(&mut self, load: usize) {
        let generation = self.loads[load].generation;
        let rng = &mut self.load_rngs[load];
        if let Some(arrivals) = self.loads[load].arrivals.as_mut() {
            let (at, real) = match arrivals.next(self.now, rng) {
                Next::Arrival(at) => (at, true),
                Next::Recheck(at) => (at, false),
            };
            self.events.schedule(at, Event::Arrival { load: load as u32, generation, real });
        }
    }

    fn start_user_request(&mut self, load: usize, user: Option<u32>) {
        let started = self.now;
        let counted = started >= self.warmup_end;
        let rt = &mut self.loads[load];
        rt.in_flight += 1;
        if counted {
            rt.run_in_flight += 1;
            self.load_run[load].offered += 1;
        }
        self.load_window[load].offered += 1;
        let work = self.model.loads[load].spec.work;
        self.start_call(Site::Load(load as u32), Parent::User { started, user }, load as u32, work);
    }

    fn finish_user_request(
        &mut self,
        load: usize,
        started: SimTime,
        user: Option<u32>,
        outcome: Outcome,
    ) {
        let latency = self.now.since(started);
        let window = &mut self.load_window[load];
        window.outcomes.add(outcome);
        if outcome.is_success() {
            window.latency.record(latency);
        }
        let rt = &mut self.loads[load];
        rt.in_flight -= 1;
        if started >= self.warmup_end {
            rt.run_in_flight -= 1;
            self.load_run[load].outcomes.add(outcome);
        }
        if let Some(user) = user {
            let think = match &self.model.loads[load].spec.think_time {
                Some(d) => d.sample(&mut self.load_rngs[load]),
                None => SimDuration::ZERO,
            };
            self.events.schedule(self.now + think, Event::UserStart { load: load as u32, user });
        }
    }

    // ----- events ------------------------------------------------------------

    fn handle(&mut self, event: Event) {
        match event {
            Event::Arrival { load, generation, real } => {
                let load = load as usize;
                if generation != self.loads[load].generation {
                    return;
                }
                self.schedule_arrival(load);
                if real {
                    self.start_user_request(load, None);
                }
            }
            Event::UserStart { load, user } => self.start_user_request(load as usize, Some(user)),
            Event::ServiceDone { task } => self.service_done(task),
            Event::CallTimeout { call, attempt } => {
                if self.calls.get(call).is_some_and(|c| c.attempt == attempt) {
                    self.attempt_failed(call, Outcome::Timeout, true);
                }
            }
            Event::RetryFire { call } => {
                if self.calls.get(call).is_some() {
                    self.issue_attempt(call);
                }
            }
            Event::Deliver { call, attempt, outcome } => self.on_reply(call, attempt, outcome),
            Event::Hedge { call, attempt } => self.hedge(call, attempt),
            Event::Fault { index, active } => self.set_fault(index as usize, active),
            Event::AttemptRejected { call, attempt } => {
                if self.calls.get(call).is_some_and(|c| c.attempt == attempt) {
                    self.attempt_failed(call, Outcome::Rejected, false);
                }
            }
        }
    }

    // ----- calls -------------------------------------------------------------

    /// Creates a call and sends its first attempt; the call site's retry
    /// budget (if any) earns its deposit.
    fn start_call(&mut self, site: Site, parent: Parent, load: u32, work: f64) {
        let call = self.calls.insert(Call {
            site,
            parent,
            load,
            work,
            attempt: 1,
            oks: 0,
            fails: 0,
            sent: 0,
            degraded: false,
            last_backoff: SimDuration::ZERO,
            admitted: false,
            through_breaker: false,
            children: Vec::new(),
        });
        if let Some(b) = self.call_model(site).budget {
            self.budgets[b].deposit();
        }
        self.issue_attempt(call);
    }

    /// The current attempt is over for its caller: free its bulkhead slot
    /// and tell its breaker how it went.
    fn end_attempt(&mut self, key: Key, failed: bool) {
        let Some(call) = self.calls.get_mut(key) else { return };
        let held = std::mem::take(&mut call.admitted);
        let counted = std::mem::take(&mut call.through_breaker);
        let site = call.site;
        let model = self.call_model(site);
        let (bulkhead, breaker) = (model.bulkhead, model.breaker);
        if held && let Some((slot, _)) = bulkhead {
            self.bulkheads[slot] = self.bulkheads[slot].saturating_sub(1);
        }
        if counted && let Some(b) = breaker {
            self.breakers[b].record(self.now, failed);
        }
    }

    fn call_model(&self, site: Site) -> &CallModel {
        match site {
            Site::Load(l) => &self.model.loads[l as usize].call,
            Site::Node { node, call } => &self.model.nodes[node as usize].calls[call as usize],
        }
    }

    /// Sends the current attempt's copies and arms its timeout.
    fn issue_attempt(&mut self, key: Key) {
        let Some(call) = self.calls.get_mut(key) else {
            return;
        };
        call.oks = 0;
        call.fails = 0;
        call.sent = 0;
        call.degraded = false;
        call.children.clear();
        let (site, attempt, load) = (call.site, call.attempt, call.load);
        let model = self.call_model(site);
        let (to, fanout, timeout, bulkhead, breaker, hedge) =
            (model.to, model.fanout, model.timeout, model.bulkhead, model.breaker, model.hedge);
        if let Site::Node { node, .. } = site {
            let tally = &mut self.node_window[node as usize];
            tally.calls += u64::from(fanout);
            if attempt > 1 {
                tally.retries += u64::from(fanout);
            }
        } else if attempt > 1 {
            self.load_window[load as usize].retries += 1;
            if self.calls.get(key).is_some_and(
                |c| matches!(c.parent, Parent::User { started, .. } if started >= self.warmup_end),
            ) {
                self.load_run[load as usize].retries += 1;
            }
        }
        // Admission: a full bulkhead or an open breaker fails the attempt
        // fast, without reaching the target.
        let bulkhead_full = bulkhead.is_some_and(|(slot, limit)| self.bulkheads[slot] >= limit);
        let now = self.now;
        if bulkhead_full || breaker.is_some_and(|b| !self.breakers[b].admit(now)) {
            self.events.schedule(self.now, Event::AttemptRejected { call: key, attempt });
            return;
        }
        if let Some((slot, _)) = bulkhead {
            self.bulkheads[slot] += 1;
        }
        if let Some(call) = self.calls.get_mut(key) {
            call.admitted = bulkhead.is_some();
            call.through_breaker = breaker.is_some();
        }
        if let Some(timeout) = timeout {
            self.events.schedule(self.now + timeout, Event::CallTimeout { call: key, attempt });
        }
        if let Some(delay) = hedge {
            self.events.schedule(self.now + delay, Event::Hedge { call: key, attempt });
        }
        self.send_copies(key, to, fanout);
    }

    /// Sends `copies` more copies of the call's current attempt to `to`.
    fn send_copies(&mut self, key: Key, to: usize, copies: u32) {
        let Some(call) = self.calls.get_mut(key) else { return };
        call.sent += copies;
        let (site, attempt, load, work) = (call.site, call.attempt, call.load, call.work);
        let keep_children = self.call_model(site).cancel_on_timeout;
        for _ in 0..copies {
            let task = self.arrive(to, load, work, Some((key, attempt)));
            if keep_children && let (Some(task), Some(call)) = (task, self.calls.get_mut(key)) {
                call.children.push(task);
            }
        }
    }

    /// The hedge delay of an attempt is over: one more copy for each answer
    /// still missing (the slow copies keep running and still cost work).
    fn hedge(&mut self, key: Key, attempt: u32) {
        let Some(call) = self.calls.get(key) else { return };
        if call.attempt != attempt {
            return;
        }
        let model = self.call_model(call.site);
        let (to, need) = (model.to, model.wait_for);
        let missing = need.saturating_sub(call.oks);
        if let Site::Node { node, .. } = call.site {
            self.node_window[node as usize].calls += u64::from(missing);
        }
        self.send_copies(key, to, missing);
    }

    /// An answer from one copy of attempt `attempt`.
    fn on_reply(&mut self, key: Key, attempt: u32, outcome: Outcome) {
        let Some(call) = self.calls.get(key) else {
            return;
        };
        if call.attempt != attempt {
            return;
        }
        let model = self.call_model(call.site);
        let need = model.wait_for;
        let Some(call) = self.calls.get_mut(key) else {
            return;
        };
        if outcome.is_success() {
            call.oks += 1;
            call.degraded |= outcome == Outcome::Degraded;
            if call.oks == need {
                let result = if call.degraded { Outcome::Degraded } else { Outcome::Ok };
                self.end_attempt(key, false);
                self.complete_call(key, result);
            }
        } else {
            call.fails += 1;
            // The first failure that leaves fewer than `need` possible
            // answers among the copies sent (hedges included).
            if call.fails + need > call.sent {
                self.attempt_failed(key, outcome, false);
            }
        }
    }

    /// The current attempt failed: retry if the policy and budget allow,
    /// else the call ends with `outcome`. The attempt is retired first, so
    /// late answers to it (and cancelled copies) are ignored. `timed_out` is
    /// set when the caller's own timer fired: only then are the copies
    /// cancelled (with `cancel_on_timeout`).
    fn attempt_failed(&mut self, key: Key, outcome: Outcome, timed_out: bool) {
        self.end_attempt(key, true);
        let Some(call) = self.calls.get(key) else {
            return;
        };
        let model = self.call_model(call.site);
        let (retry_spec, budget, cancel) =
            (model.retry.clone(), model.budget, model.cancel_on_timeout);
        let tries = call.attempt;
        let children = match self.calls.get_mut(key) {
            Some(c) if cancel && timed_out => std::mem::take(&mut c.children),
            _ => Vec::new(),
        };
        let retry =
            retry_spec.as_ref().is_some_and(|spec| retry::should_retry(spec, outcome, tries))
                && budget.is_none_or(|b| self.budgets[b].try_withdraw());
        match (retry, retry_spec, self.calls.get_mut(key)) {
            (true, Some(spec), Some(_)) => {
                let Some(call) = self.calls.get_mut(key) else { return };
                let wait =
                    retry::backoff(&spec, call.attempt, call.last_backoff, &mut self.call_rng);
                call.last_backoff = wait;
                call.attempt += 1;
                self.events.schedule(self.now + wait, Event::RetryFire { call: key });
            }
            _ => self.complete_call(key, outcome),
        }
        for child in children {
            self.cancel_task(child);
        }
    }

    /// The call is over: tell whoever waits.
    fn complete_call(&mut self, key: Key, outcome: Outcome) {
        let Some(call) = self.calls.remove(key) else {
            return;
        };
        match call.parent {
            Parent::User { started, user } => {
                self.finish_user_request(call.load as usize, started, user, outcome)
            }
            Parent::Task(task) => {
                let fallback = self.call_model(call.site).fallback;
                self.task_call_done(task, outcome, fallback);
            }
            Parent::Detached => {}
        }
    }

    // ----- tasks -------------------------------------------------------------

    /// A request arrives at `node`. Returns the task, unless it was turned
    /// away at the door (then the rejection is already on its way).
    fn arrive(
        &mut self,
        node: usize,
        load: u32,
        work: f64,
        reply: Option<(Key, u32)>,
    ) -> Option<Key> {
        self.node_window[node].arrivals += 1;
        let now = self.now;
        if self.nodes[node].fault.outage {
            self.answer_at_door(node, reply, Outcome::Error);
            return None;
        }
        if self.nodes[node].limiter.as_mut().is_some_and(|bucket| !bucket.try_take(now)) {
            self.answer_at_door(node, reply, Outcome::Rejected);
            return None;
        }
        let model = &self.model.nodes[node];
        let rt = &mut self.nodes[node];
        let cap = rt.fault.replicas.unwrap_or(u32::MAX).min(model.replicas);
        let active = (cap as usize).min(rt.replicas.len()).max(1);
        let replica = match model.behaviour {
            Behaviour::Remote => 0,
            Behaviour::Queueing => {
                let replicas = &rt.replicas[..active];
                let outstanding = |i: usize| replicas[i].outstanding;
                balancer::pick(
                    model.balancer,
                    active,
                    outstanding,
                    &mut rt.cursor,
                    &mut self.node_rngs[node],
                )
            }
        };
        if model.behaviour == Behaviour::Queueing {
            let r = &rt.replicas[replica];
            let full = r.busy >= model.workers
                && model.capacity.is_some_and(|cap| r.queue.len() as u64 >= cap);
            if full {
                self.answer_at_door(node, reply, Outcome::Rejected);
                return None;
            }
        }
        let task = self.tasks.insert(Task {
            node: node as u32,
            replica: replica as u32,
            load,
            work,
            arrived: self.now,
            reply,
            stage: Stage::Queued,
            holds_worker: false,
            cancelled: false,
            degraded: false,
            next_group: 0,
            pending: 0,
        });
        let rt = &mut self.nodes[node];
        rt.in_flight += 1;
        match model.behaviour {
            Behaviour::Remote => {
                rt.busy += 1;
                self.node_window[node].busy.set(self.now, rt.busy);
                let latency = self.model.nodes[node].service.sample(&mut self.node_rngs[node])
                    + self.nodes[node].fault.latency_add;
                if let Some(t) = self.tasks.get_mut(task) {
                    t.stage = Stage::Serving;
                }
                self.events.schedule(self.now + latency, Event::ServiceDone { task });
            }
            Behaviour::Queueing => {
                rt.replicas[replica].outstanding += 1;
                if rt.replicas[replica].busy < model.workers {
                    self.start_service(task);
                } else {
                    rt.replicas[replica].queue.push_back(task);
                    rt.queued += 1;
                    self.node_window[node].queue.set(self.now, rt.queued);
                }
            }
        }
        Some(task)
    }

    /// Answers a request before it takes any resource: `rejected` (queue
    /// full, rate limited) or `error` (the node is down). The answer travels
    /// through the event queue.
    fn answer_at_door(&mut self, node: usize, reply: Option<(Key, u32)>, outcome: Outcome) {
        self.node_window[node].outcomes.add(outcome);
        if let Some((call, attempt)) = reply {
            self.events.schedule(self.now, Event::Deliver { call, attempt, outcome });
        }
    }

    /// A fault starts or ends: recompute what the active faults do to its
    /// target (overlapping faults add their latency and compound their
    /// error rates; the latest replica cap wins).
    fn set_fault(&mut self, index: usize, active: bool) {
        self.faults_active[index] = active;
        let target = &self.scenario.faults[index].target;
        let Some(node) = self.scenario.node_index(target) else { return };
        let mut state = FaultState::default();
        let active_here = self
            .scenario
            .faults
            .iter()
            .zip(&self.faults_active)
            .filter(|(f, on)| **on && f.target == *target);
        for (fault, _) in active_here {
            let e = &fault.effect;
            state.latency_add = state.latency_add + e.latency_add.unwrap_or_default();
            if let Some(rate) = e.error_rate {
                state.error_rate = 1.0 - (1.0 - state.error_rate) * (1.0 - rate);
            }
            state.outage |= e.outage.unwrap_or(false);
            state.replicas = e.replicas.or(state.replicas);
        }
        self.nodes[node].fault = state;
    }

    fn start_service(&mut self, key: Key) {
        let Some(task) = self.tasks.get_mut(key) else {
            return;
        };
        let (node, replica) = (task.node as usize, task.replica as usize);
        task.stage = Stage::Serving;
        task.holds_worker = true;
        let work = task.work;
        let rt = &mut self.nodes[node];
        rt.replicas[replica].busy += 1;
        rt.busy += 1;
        self.node_window[node].busy.set(self.now, rt.busy);
        let service = self.model.nodes[node].service.sample(&mut self.node_rngs[node]);
        let service = if work == 1.0 {
            service
        } else {
            SimDuration::from_secs_f64(service.as_secs_f64() * work)
        };
        let service = service + self.nodes[node].fault.latency_add;
        self.events.schedule(self.now + service, Event::ServiceDone { task: key });
    }

    fn service_done(&mut self, key: Key) {
        let Some(task) = self.tasks.get(key) else {
            return;
        };
        let node = task.node as usize;
        if task.cancelled {
            self.finish_task(key, Outcome::Timeout);
            return;
        }
        let (own, fault) = (self.model.nodes[node].error_rate, self.nodes[node].fault.error_rate);
        let error_rate = if fault > 0.0 { 1.0 - (1.0 - own) * (1.0 - fault) } else { own };
        if error_rate > 0.0 && self.node_rngs[node].next_f64() < error_rate {
            self.finish_task(key, Outcome::Error);
            return;
        }
        if self.model.nodes[node].behaviour == Behaviour::Remote {
            self.finish_task(key, Outcome::Ok);
            return;
        }
        if self.model.nodes[node].io == Io::Nonblocking {
            self.release_worker(key);
        }
        if let Some(t) = self.tasks.get_mut(key) {
            t.stage = Stage::Calling;
        }
        self.run_groups(key);
    }

    /// Issues the task's next call groups until one has sync calls to wait
    /// for, or finishes the task when none is left.
    fn run_groups(&mut self, key: Key) {
        loop {
            let Some(task) = self.tasks.get(key) else {
                return;
            };
            let node = task.node as usize;
            let group = task.next_group as usize;
            let Some(members) = self.model.nodes[node].groups.get(group).map(Vec::len) else {
                let outcome = if task.degraded { Outcome::Degraded } else { Outcome::Ok };
                self.finish_task(key, outcome);
                return;
            };
            let (load, work) = (task.load, task.work);
            if let Some(t) = self.tasks.get_mut(key) {
                t.next_group += 1;
            }
            let mut pending = 0;
            for member in 0..members {
                let index = self.model.nodes[node].groups[group][member];
                let model = &self.model.nodes[node].calls[index];
                if model.probability < 1.0 && self.call_rng.next_f64() >= model.probability {
                    continue;
                }
                let sync = model.mode == Mode::Sync;
                let site = Site::Node { node: node as u32, call: index as u32 };
                let parent = if sync { Parent::Task(key) } else { Parent::Detached };
                if sync {
                    pending += 1;
                }
                self.start_call(site, parent, load, work);
            }
            if pending > 0 {
                if let Some(t) = self.tasks.get_mut(key) {
                    t.pending = pending;
                }
                return;
            }
        }
    }

    /// One of the task's sync calls ended.
    fn task_call_done(&mut self, key: Key, outcome: Outcome, fallback: Fallback) {
        let Some(task) = self.tasks.get_mut(key) else {
            return;
        };
        task.pending = task.pending.saturating_sub(1);
        match (outcome, fallback) {
            (Outcome::Ok, _) => {}
            (Outcome::Degraded, _) | (_, Fallback::Degrade) => task.degraded = true,
            (failure, Fallback::Fail) => {
                self.finish_task(key, failure);
                return;
            }
        }
        if task.pending == 0 {
            self.run_groups(key);
        }
    }

    fn cancel_task(&mut self, key: Key) {
        let Some(task) = self.tasks.get_mut(key) else {
            return;
        };
        task.cancelled = true;
        if task.stage == Stage::Calling {
            self.finish_task(key, Outcome::Timeout);
        }
    }

    fn release_worker(&mut self, key: Key) {
        let Some(task) = self.tasks.get_mut(key) else {
            return;
        };
        if !task.holds_worker {
            return;
        }
        task.holds_worker = false;
        let (node, replica) = (task.node as usize, task.replica as usize);
        let rt = &mut self.nodes[node];
        rt.replicas[replica].busy -= 1;
        rt.busy -= 1;
        self.node_window[node].busy.set(self.now, rt.busy);
        self.start_waiting(node, replica);
    }

    /// Hands free workers of a replica to waiting tasks, shedding those that
    /// waited past `max_wait` and dropping cancelled ones.
    fn start_waiting(&mut self, node: usize, replica: usize) {
        let model = &self.model.nodes[node];
        if model.behaviour == Behaviour::Remote {
            return;
        }
        let (workers, discipline, max_wait) = (model.workers, model.discipline, model.max_wait);
        loop {
            let rt = &mut self.nodes[node];
            let r = &mut rt.replicas[replica];
            if r.busy >= workers {
                return;
            }
            let next = match discipline {
                Discipline::Fifo => r.queue.pop_front(),
                Discipline::Lifo => r.queue.pop_back(),
            };
            let Some(next) = next else { return };
            rt.queued -= 1;
            self.node_window[node].queue.set(self.now, rt.queued);
            let Some(task) = self.tasks.get(next) else {
                continue;
            };
            if task.cancelled {
                self.finish_task(next, Outcome::Timeout);
            } else if max_wait.is_some_and(|w| self.now.since(task.arrived) > w) {
                self.finish_task(next, Outcome::Rejected);
            } else {
                self.start_service(next);
            }
        }
    }

    /// The visit is over: account for it, free its worker, answer the caller.
    fn finish_task(&mut self, key: Key, outcome: Outcome) {
        self.release_worker(key);
        let Some(task) = self.tasks.remove(key) else {
            return;
        };
        let node = task.node as usize;
        let tally = &mut self.node_window[node];
        tally.outcomes.add(outcome);
        if outcome.is_success() {
            tally.latency.record(self.now.since(task.arrived));
        }
        let rt = &mut self.nodes[node];
        rt.in_flight -= 1;
        match self.model.nodes[node].behaviour {
            Behaviour::Remote => {
                rt.busy -= 1;
                self.node_window[node].busy.set(self.now, rt.busy);
            }
            Behaviour::Queueing => rt.replicas[task.replica as usize].outstanding -= 1,
        }
        if let Some((call, attempt)) = task.reply {
            self.on_reply(call, attempt, outcome);
        }
    }

    // ----- windows -----------------------------------------------------------

    fn node_window_closed(&self, i: usize, tally: &mut NodeTally) -> NodeClosed {
        let queue = tally.queue.take(self.window_start, self.now);
        let busy = tally.busy.take(self.window_start, self.now);
        let m = &self.model.nodes[i];
        let capacity = match m.behaviour {
            Behaviour::Queueing => f64::from(m.replicas) * f64::from(m.workers),
            Behaviour::Remote => 0.0,
        };
        NodeClosed {
            arrivals: tally.arrivals,
            outcomes: tally.outcomes,
            latency: tally.latency.clone(),
            queue,
            busy,
            capacity_time: capacity * busy.span_nanos as f64,
            calls: tally.calls,
            retries: tally.retries,
            cost: m
                .cost
                .as_ref()
                .map_or(0.0, |c| c.cost(m.replicas, busy.span_nanos as f64 / 1e9, tally.arrivals)),
        }
    }

    fn close_window(&mut self) {
        let counted = self.window_start >= self.warmup_end;
        let mut nodes = Vec::with_capacity(self.node_window.len());
        for i in 0..self.node_window.len() {
            let mut tally = std::mem::take(&mut self.node_window[i]);
            let closed = self.node_window_closed(i, &mut tally);
            nodes.push(closed.report());
            if counted {
                self.node_run[i].merge(&closed);
            }
            tally.arrivals = 0;
            tally.outcomes = OutcomeCounts::default();
            tally.latency.clear();
            tally.calls = 0;
            tally.retries = 0;
            self.node_window[i] = tally;
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
        let span = self.now.since(self.window_start);
        let in_flight = self.loads.iter().map(|l| l.in_flight).sum();
        let arrivals: u64 = nodes.iter().map(|n| n.arrivals).sum();
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
        });
        self.window_index += 1;
        self.window_start = self.now;
    }
}

fn rate(count: u64, span: SimDuration) -> f64 {
    if span == SimDuration::ZERO { 0.0 } else { count as f64 / span.as_secs_f64() }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn single_problem(key: &str, message: String) -> ScenarioError {
    ScenarioError {
        diagnostics: vec![crate::scenario::Diagnostic {
            file: String::new(),
            line: 0,
            key: key.to_owned(),
            message,
        }],
    }
}
