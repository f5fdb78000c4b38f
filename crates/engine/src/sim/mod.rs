//! The simulation: the event loop over a whole topology, the incremental API
//! the worker and the CLI drive (`advance_until`, `snapshot`, live changes),
//! and the bookkeeping that turns events into windows and a summary.
//!
//! Entities: a user request is a `Call` from its load into the target; a
//! visit of a request to a node is a `Task`; a task's downstream calls are
//! further `Call`s, each owning its retries, timeout and fan-out copies.
//! Both live in slabs and are freed the moment they finish.
//!
//! This file holds the state and the event loop; the handlers live beside
//! it, one concern a file: `loads` (user requests start and end), `calls`
//! (attempts, retries, hedges, admission), `tasks` (a visit to a node),
//! `windows` (measurement and the summary), `live` (snapshots and live
//! changes).

use crate::arrival::{Arrivals, Next};
use crate::balancer;
use crate::breaker::{Breaker, BreakerState};
use crate::coordination::Scope;
use crate::event_queue::EventQueue;
use crate::metrics::{
    LatencyHistogram, LevelStats, LoadReport, NodeCounters, NodeReport, RequestCounts, Summary,
    TimeWeighted, WindowReport,
};
use crate::model::{Behaviour, CallModel, Model};
use crate::outcome::{Outcome, OutcomeCounts};
use crate::rate_limit::TokenBucket;
use crate::retry::{self, RetryBudget};
use crate::rng::Rng;
use crate::scenario::{Discipline, Fallback, Io, Mode, Scenario, ScenarioError, Validated};
use crate::slab::{Key, Slab};

mod broker;
mod cache;
mod calls;
mod live;
mod loads;
mod memory;
mod network;
mod overload;
mod replication;
mod scaling;
mod tasks;
mod traces;
mod windows;

use crate::time::{SimDuration, SimTime};
use crate::wait_queue::WaitQueue;
pub use live::{BreakerView, InFlight, MemoryState, NodeState, Snapshot};
pub use overload::{NodeGrowth, Overload};
pub use windows::RECENT_WINDOWS;
use windows::{LoadTally, NodeClosed, NodeTally};

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
    /// event queue so no handler re-enters another. The answer waits in
    /// `Simulation::answers`, which keeps this event small.
    Deliver { answer: Key },
    /// A whole attempt turned away by its own call site's bulkhead.
    AttemptRejected { call: Key, attempt: u32 },
    /// An attempt's hedge delay is over: copy what is still unanswered.
    Hedge { call: Key, attempt: u32 },
    /// A `[[fault]]` begins (`active = true`) or ends.
    Fault { index: u32, active: bool },
    /// A node's autoscaler measures and decides (stale epochs are ignored:
    /// a live edit that restarts the loop bumps the epoch).
    Autoscale { node: u32, epoch: u32 },
    /// A broker's delivery was not answered in time: redeliver.
    DeliveryTimeout { message: Key, delivery: u32 },
    /// Replicas an autoscaler asked for are up.
    ReplicasReady { node: u32, epoch: u32, count: u32 },
    /// A message crossed the network (`sim/network`).
    Packet { packet: Key },
    /// A replica reached its memory limit: it is killed now (`sim/memory`).
    OutOfMemory { node: u32, replica: u32 },
    /// A replica's leak may have filled its memory (stale generations are
    /// ignored).
    MemoryTimer { node: u32, replica: u32, generation: u32 },
    /// A replica killed for running out of memory is back.
    Restarted { node: u32, replica: u32 },
}

impl Event {
    /// Whether handling the event would still do something. A call's
    /// timeout or hedge is void once its attempt is over (answered,
    /// failed, or the call gone), and stays void: the event queue drops
    /// void events uncounted, most before they reach its heap.
    fn is_live(&self, calls: &Slab<Call>) -> bool {
        match *self {
            Event::CallTimeout { call, attempt } | Event::Hedge { call, attempt } => {
                calls.get(call).is_some_and(|c| c.attempt == attempt)
            }
            _ => true,
        }
    }
}

// The event heap moves events on every push and pop: keep them small.
const _: () = assert!(std::mem::size_of::<Event>() <= 16);

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
    /// Who waits for this visit's answer.
    reply: Reply,
    stage: Stage,
    holds_worker: bool,
    cancelled: bool,
    degraded: bool,
    next_group: u32,
    /// Sync calls of the current group still awaited. (If the task ends
    /// early, the others answer a stale key and are ignored.)
    pending: u32,
    /// The hop its answer crosses back, its `op` and its request's tag.
    via: network::Via,
}

impl Task {
    /// How the visit ends when its calls are done: degraded if any answer
    /// was (or a call failed under a `degrade` fallback), else ok.
    fn outcome(&self) -> Outcome {
        if self.degraded { Outcome::Degraded } else { Outcome::Ok }
    }
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

/// Who a visit answers. A plain call (no timeout, retry, fan-out, hedge,
/// bulkhead or breaker: see [`CallModel::plain`]) needs no [`Call`] entity,
/// so its visit answers the user or the calling task directly; that keeps
/// the common case cheap.
#[derive(Clone, Copy, Debug)]
enum Reply {
    /// Nobody (a plain async call).
    Nobody,
    /// One copy of a call's attempt.
    Attempt { call: Key, attempt: u32 },
    /// A user of `load` directly (a plain user request, which started when
    /// the visit arrived).
    User { load: u32, user: Option<u32> },
    /// A task waiting on a plain sync call, with that call's fallback.
    Task { task: Key, fallback: Fallback },
    /// A broker's delivery of a message to its consumer.
    Delivery { message: Key, delivery: u32 },
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
    /// Don't retry before this: the latest retry-after hint received.
    retry_after: Option<SimTime>,
    /// When its request is traced: the current attempt's (or backoff's)
    /// span, or the caller's before the first attempt.
    span: Option<traces::SpanRef>,
    /// The user request's tag (its key at replicated databases).
    tag: u64,
}

/// One replica of a queueing node.
#[derive(Clone, Debug, Default)]
struct Replica {
    busy: u32,
    queue: WaitQueue<Key>,
    /// Tasks at this replica not yet finished (for the balancer).
    outstanding: u32,
}

/// One node's state as the run goes.
#[derive(Clone, Debug)]
struct NodeRuntime {
    replicas: Vec<Replica>,
    /// Replicas taking new work (the first `active` of `replicas`); the
    /// others drain what they hold.
    active: u32,
    /// Replicas running (and billed): the active ones plus those draining.
    provisioned: u32,
    /// The autoscaler's state, if the node has one.
    scaler: Option<scaling::Scaler>,
    /// A broker's messages and deliveries.
    broker: Option<broker::BrokerState>,
    /// A cache's contents and fills in flight.
    cache: Option<cache::CacheState>,
    /// Each replica's memory, if the node has a memory model.
    memory: Option<Box<memory::NodeMemory>>,
    /// The node's `rate_limit`, if it has one.
    limiter: Option<TokenBucket>,
    /// What active faults do to the node now.
    fault: FaultState,
    /// Counters and levels of the window in progress.
    window: NodeTally,
    /// The node's own random stream (balancing, service times, errors).
    rng: Rng,
    cursor: u32,
    queued: u64,
    busy: u64,
    in_flight: u64,
}

impl NodeRuntime {
    /// A node's state when it starts at `now`: idle, its replicas
    /// provisioned, its tallies empty.
    fn fresh(n: &crate::model::NodeModel, rng: Rng, now: SimTime) -> Self {
        NodeRuntime {
            replicas: vec![Replica::default(); n.replicas as usize],
            active: n.replicas,
            provisioned: n.replicas,
            scaler: n.autoscale.as_ref().map(|_| scaling::Scaler::new(0, now, 0)),
            broker: n.broker.as_ref().map(|_| broker::BrokerState::default()),
            cache: n.cache.as_ref().map(cache::CacheState::new),
            memory: n
                .memory
                .as_ref()
                .map(|m| Box::new(memory::NodeMemory::new(m, n.replicas as usize, now))),
            limiter: n.rate_limit.as_ref().map(TokenBucket::new),
            fault: FaultState::default(),
            window: NodeTally::default(),
            rng,
            cursor: 0,
            queued: 0,
            busy: 0,
            in_flight: 0,
        }
    }
}

/// The combined effect of the faults active on one node.
#[derive(Clone, Debug, Default)]
struct FaultState {
    latency_add: SimDuration,
    error_rate: f64,
    outage: bool,
    replicas: Option<u32>,
    /// A cache stores nothing while a flush fault lasts.
    flush: bool,
    /// Bytes a second each replica leaks (`sim/memory`).
    leak: f64,
}

#[derive(Clone, Debug)]
struct LoadRuntime {
    arrivals: Option<Arrivals>,
    generation: u32,
    multiplier: f64,
    in_flight: u64,
    /// In flight among the requests the summary counts (started after warm-up).
    run_in_flight: u64,
    /// The load's own front-door limit, if it has one.
    limiter: Option<TokenBucket>,
}

impl LoadRuntime {
    /// A load before its first request, at 1×.
    fn fresh(l: &crate::model::LoadModel) -> Self {
        LoadRuntime {
            arrivals: l.spec.rate.map(|rate| {
                Arrivals::new(l.spec.arrival, rate, l.spec.pattern.clone(), l.spec.burst.clone())
            }),
            generation: 0,
            multiplier: 1.0,
            in_flight: 0,
            run_in_flight: 0,
            limiter: l.spec.rate_limit.as_ref().map(TokenBucket::new),
        }
    }
}

/// A running simulation. Deterministic: the same scenario, seed and calls
/// give the same numbers, natively and in Wasm.
#[derive(Debug)]
pub struct Simulation {
    scenario: Scenario,
    model: Model,
    load_rngs: Vec<Rng>,
    call_rng: Rng,
    events: EventQueue<Event>,
    now: SimTime,
    event_count: u64,
    tasks: Slab<Task>,
    calls: Slab<Call>,
    /// Messages held by brokers (until acknowledged or dead-lettered and
    /// every delivery of them has answered).
    messages: Slab<broker::Message>,
    /// Answers known at once, waiting for their `Event::Deliver`.
    answers: Slab<(Reply, Outcome)>,
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
    load_run: Vec<LoadTally>,
    node_run: Vec<NodeClosed>,
    /// Which `[[fault]]`s are in effect now.
    faults_active: Vec<bool>,
    closed: Vec<WindowReport>,
    /// User latency of the last [`RECENT_WINDOWS`] closed windows,
    /// oldest first: the rolling percentiles the page shows beside the
    /// window's own.
    recent: std::collections::VecDeque<crate::metrics::LatencyHistogram>,
    /// Events processed at the current instant (a loop guard).
    same_instant: u64,
    /// Why the run stopped early, if it did.
    stalled: Option<String>,
    /// The details, when it stopped at the bound on work in flight.
    overload: Option<Box<Overload>>,
    /// The bound on work in flight (`limits::MAX_WORK_IN_FLIGHT` by default).
    work_limit: u64,
    /// Each node's work in flight at the last two window boundaries.
    marks: [overload::Mark; 2],
    /// Request traces, when turned on (`enable_traces`).
    traces: Option<Box<traces::Tracer>>,
    /// Messages on their way and their counts, with a network.
    net: Option<Box<network::NetState>>,
    /// Replicated databases' state.
    replication: Option<Box<replication::Replication>>,
    /// The stream nodes added during the run fork theirs from, in the
    /// order they are added (`sim/live`); forked after every other stream
    /// and drawn from only then, so runs without such an edit never see it.
    added_rngs: Rng,
}

/// Why [`Simulation::run_to_end`] gave no complete run.
#[derive(Clone, Debug)]
pub enum RunError {
    /// The scenario cannot run: every problem, listed.
    Invalid(ScenarioError),
    /// The run passed the bound on work in flight and stopped: why, and
    /// what it measured until then.
    Overload { overload: Box<Overload>, partial: Box<Run> },
    /// The run could not move simulated time on (a zero-time loop).
    Stuck(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Invalid(e) => e.fmt(f),
            RunError::Overload { overload, .. } => overload.fmt(f),
            RunError::Stuck(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for RunError {}

/// A finished run: every window and the summary.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Run {
    pub windows: Vec<WindowReport>,
    pub summary: Summary,
}

impl Simulation {
    /// A simulation of `scenario` at time zero, or every reason it cannot
    /// run: [`Validated::new`], then [`Simulation::start`].
    pub fn new(scenario: Scenario) -> Result<Self, ScenarioError> {
        Simulation::start(Validated::new(scenario)?)
    }

    /// A simulation of a validated scenario at time zero.
    pub fn start(scenario: Validated) -> Result<Self, ScenarioError> {
        let model = Model::compile(&scenario)?;
        let scenario = scenario.into_scenario();
        let meta = &scenario.scenario;
        let window = meta.window.as_nanos();
        let warmup_end =
            SimTime::from_nanos(meta.warmup.as_nanos().div_ceil(window).saturating_mul(window));
        // Streams are forked in this order (loads, nodes, calls): a seed's
        // runs must never change, and the golden runs hold it to that.
        let mut root = Rng::seeded(meta.seed);
        let load_rngs = (0..model.loads.len() as u64).map(|i| root.fork(1 + i)).collect();
        let node_rngs: Vec<Rng> =
            (0..model.nodes.len() as u64).map(|i| root.fork(1_000_000 + i)).collect();
        let call_rng = root.fork(u64::MAX);
        // Forked after every other stream, so a scenario without a network
        // or replication runs exactly as before they existed.
        let net = model
            .network
            .as_ref()
            .map(|n| Box::new(network::NetState::new(n, root.fork(2_000_000))));
        let replication = replication::Replication::new(&model, &mut root);
        let nodes = model
            .nodes
            .iter()
            .zip(node_rngs)
            .map(|(n, rng)| NodeRuntime::fresh(n, rng, SimTime::ZERO))
            .collect();
        let loads = model.loads.iter().map(LoadRuntime::fresh).collect();
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
            load_run: vec![LoadTally::default(); model.loads.len()],
            faults_active: vec![false; scenario.faults.len()],
            node_run: vec![NodeClosed::default(); model.nodes.len()],
            scenario,
            model,
            load_rngs,
            call_rng,
            events: EventQueue::new(),
            now: SimTime::ZERO,
            event_count: 0,
            tasks: Slab::default(),
            calls: Slab::default(),
            messages: Slab::default(),
            answers: Slab::default(),
            nodes,
            loads,
            budgets,
            bulkheads: vec![0; model_bulkheads],
            breakers: model_breakers,
            window_start: SimTime::ZERO,
            window_index: 0,
            warmup_end,
            closed: Vec::new(),
            recent: std::collections::VecDeque::new(),
            same_instant: 0,
            stalled: None,
            overload: None,
            work_limit: crate::limits::MAX_WORK_IN_FLIGHT,
            marks: Default::default(),
            traces: None,
            net,
            replication,
            added_rngs: root.fork(4_000_000),
        };
        for (index, (start, end)) in fault_events.into_iter().enumerate() {
            sim.events.schedule(start, Event::Fault { index: index as u32, active: true });
            sim.events.schedule(end, Event::Fault { index: index as u32, active: false });
        }
        for node in 0..sim.nodes.len() {
            let rt = &mut sim.nodes[node];
            rt.window.replicas.set(SimTime::ZERO, u64::from(rt.provisioned));
            sim.schedule_autoscale(node);
        }
        sim.start_loads();
        Ok(sim)
    }

    /// Runs `scenario` to its configured duration, one window at a time.
    /// A run that stops early (an overload, a zero-time loop) is an error
    /// whose message says why; [`Simulation::run_to_end`] tells them apart.
    pub fn run(scenario: Scenario) -> Result<Run, ScenarioError> {
        Simulation::run_to_end(scenario).map_err(|e| match e {
            RunError::Invalid(e) => e,
            other => single_problem("scenario", other.to_string()),
        })
    }

    /// Runs `scenario` to its configured duration, or says why it could not:
    /// refused before it started, stopped at the bound on work in flight
    /// (with what was measured until then), or stuck at one instant.
    pub fn run_to_end(scenario: Scenario) -> Result<Run, RunError> {
        let end = SimTime::ZERO + scenario.scenario.duration;
        let mut sim = Simulation::new(scenario).map_err(RunError::Invalid)?;
        let windows = sim.advance_until(end);
        if let Some(overload) = sim.overload.take() {
            let summary = sim.summary();
            return Err(RunError::Overload {
                overload,
                partial: Box::new(Run { windows, summary }),
            });
        }
        if let Some(reason) = sim.stalled() {
            return Err(RunError::Stuck(reason.to_owned()));
        }
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

    /// Events a simulated second so far: what the run costs, for a caller
    /// to show up front (after the first window) and to estimate the time
    /// a heavy run will take. `None` before any time has passed.
    pub fn events_per_simulated_second(&self) -> Option<f64> {
        let secs = self.now.as_secs_f64();
        (secs > 0.0).then(|| self.event_count as f64 / secs)
    }

    /// Runs every event up to and including `until`, and returns the windows
    /// that closed on the way.
    pub fn advance_until(&mut self, until: SimTime) -> Vec<WindowReport> {
        while self.stalled.is_none() {
            let window_end = self.window_start + self.scenario.scenario.window;
            let calls = &self.calls;
            let due = |at| at < window_end && at <= until;
            match self.events.pop_due(due, |e: &Event| e.is_live(calls)) {
                Some((at, event)) => {
                    self.same_instant = if at == self.now { self.same_instant + 1 } else { 0 };
                    if self.same_instant > crate::limits::MAX_EVENTS_PER_INSTANT {
                        self.stall();
                        break;
                    }
                    self.now = at;
                    self.event_count += 1;
                    self.handle(event);
                    if self.event_count & (overload::CHECK_EVERY - 1) == 0 && self.check_overload()
                    {
                        break;
                    }
                }
                None if window_end <= until => {
                    self.now = window_end;
                    self.close_window();
                }
                _ => break,
            }
        }
        if self.stalled.is_none() {
            self.now = self.now.max(until);
        }
        std::mem::take(&mut self.closed)
    }

    /// Why the run stopped early, in words: a loop of zero-time steps that
    /// would never let simulated time move on, or work in flight past
    /// [`crate::limits::MAX_WORK_IN_FLIGHT`] (then [`Simulation::overload`]
    /// has the details). `None` while it runs normally. Once stopped,
    /// `advance_until` does nothing.
    pub fn stalled(&self) -> Option<&str> {
        self.stalled.as_deref()
    }

    /// Why the run stopped at the bound on work in flight: which nodes grew,
    /// how fast, and what would bound them. `None` unless it did.
    pub fn overload(&self) -> Option<&Overload> {
        self.overload.as_deref()
    }

    /// Units of work in flight now (tasks, calls, messages, pending answers
    /// and scheduled events): what the bound counts.
    pub fn work_in_flight_now(&self) -> u64 {
        self.work_in_flight()
    }

    /// Delivers `outcome` to `reply` now, through the event queue.
    fn deliver_now(&mut self, reply: Reply, outcome: Outcome) {
        self.trace_door_answer(outcome);
        let answer = self.answers.insert((reply, outcome));
        self.events.schedule_after(self.now, SimDuration::ZERO, Event::Deliver { answer });
    }

    fn stall(&mut self) {
        self.stalled = Some(format!(
            "the run is stuck at {:.3}s: more than {} events at one instant, so simulated time \
             cannot advance (a loop of zero-time steps, e.g. an async call back into a service \
             whose service time is 0); give the steps in the loop some time",
            self.now.as_secs_f64(),
            crate::limits::MAX_EVENTS_PER_INSTANT
        ));
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

    // ----- loads -------------------------------------------------------------

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
            Event::Deliver { answer } => {
                if let Some((reply, outcome)) = self.answers.remove(answer) {
                    self.answer(reply, self.now, outcome);
                }
            }
            Event::Hedge { call, attempt } => self.hedge(call, attempt),
            Event::Fault { index, active } => self.set_fault(index as usize, active),
            Event::DeliveryTimeout { message, delivery } => {
                self.delivery_timed_out(message, delivery)
            }
            Event::Autoscale { node, epoch } => self.autoscale(node as usize, epoch),
            Event::ReplicasReady { node, epoch, count } => {
                self.replicas_ready(node as usize, epoch, count)
            }
            Event::Packet { packet } => self.packet_arrived(packet),
            Event::OutOfMemory { node, replica } => {
                self.out_of_memory(node as usize, replica as usize)
            }
            Event::MemoryTimer { node, replica, generation } => {
                self.memory_timer(node as usize, replica as usize, generation)
            }
            Event::Restarted { node, replica } => {
                self.memory_restarted(node as usize, replica as usize)
            }
            Event::AttemptRejected { call, attempt } => {
                if self.calls.get(call).is_some_and(|c| c.attempt == attempt) {
                    self.attempt_failed(call, Outcome::Rejected, false);
                }
            }
        }
    }

    // ----- calls -------------------------------------------------------------

    // ----- tasks -------------------------------------------------------------

    // ----- windows -----------------------------------------------------------
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
