//! The incremental API's views and edits: snapshots for the topology
//! view, the load multiplier, and an edited scenario swapped into the
//! running simulation.

use super::*;

/// Where the streams of added loads start among `added_rngs`' forks (an
/// added node's is its index).
const ADDED_LOADS: u64 = 1 << 32;

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
    /// Nodes with a memory model: each replica's memory now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<MemoryState>,
}

/// A node's memory now, for a gauge on each replica.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MemoryState {
    /// The limit, in MB (10⁶ bytes).
    pub limit_mb: f64,
    /// Where garbage collection starts to slow service, in MB.
    pub gc_mb: f64,
    /// Each replica's memory in use, in MB (0 while it restarts).
    pub used_mb: Vec<f64>,
    /// Which replicas are restarting after running out of memory.
    pub restarting: Vec<bool>,
    /// Replicas killed since the run started.
    pub restarts: u64,
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

impl Simulation {
    /// The state now: per-node levels and up to `sample` in-flight visits.
    pub fn snapshot(&self, sample: usize) -> Snapshot {
        let nodes = self
            .nodes
            .iter()
            .zip(&self.model.nodes)
            .map(|(rt, m)| NodeState {
                busy: rt.busy,
                capacity: match m.behaviour {
                    Behaviour::Queueing | Behaviour::Broker => {
                        u64::from(rt.active) * u64::from(m.workers)
                    }
                    Behaviour::Remote | Behaviour::Cache => 0,
                },
                queued: rt.queued,
                in_flight: rt.in_flight,
                replicas: rt.active,
                memory: m
                    .memory
                    .as_ref()
                    .zip(rt.memory.as_deref())
                    .map(|(spec, mem)| mem.state(spec, rt.replicas.len(), self.now)),
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

    /// Scales every open-loop load's rate (the UI's load slider), live.
    pub fn set_load_multiplier(&mut self, multiplier: f64) -> Result<(), ScenarioError> {
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

    /// Why `scenario` cannot replace the running one live (different nodes
    /// or loads, a node of another kind, another fault timeline), or
    /// `None` when it can: the editor then starts a fresh run instead.
    pub fn restart_needed(&self, scenario: &Scenario) -> Option<String> {
        // Nodes and loads added after the last ones join the run; any other
        // change of either list needs a fresh start.
        let (old, new) = (&self.scenario.nodes, &scenario.nodes);
        let kept_nodes =
            new.len() >= old.len() && new.iter().zip(old.iter()).all(|(a, b)| a.id == b.id);
        let (was, now) = (&self.scenario.loads, &scenario.loads);
        let kept_loads =
            now.len() >= was.len() && now.iter().zip(was.iter()).all(|(a, b)| a.id == b.id);
        if !(kept_nodes && kept_loads) {
            return Some(
                "removing, renaming or reordering nodes or loads needs a fresh run".to_owned(),
            );
        }
        if let Some(added) = new[old.len()..].iter().find(|n| n.replication.is_some()) {
            return Some(format!("adding `{}` with replication needs a fresh run", added.id));
        }
        if scenario.faults != self.scenario.faults {
            return Some("changing the fault timeline needs a fresh run".to_owned());
        }
        if let Some(reason) = self.network_restart_needed(scenario) {
            return Some(reason);
        }
        let memory_toggled = self
            .scenario
            .nodes
            .iter()
            .zip(&scenario.nodes)
            .find(|(a, b)| a.memory.is_some() != b.memory.is_some());
        if let Some((_, node)) = memory_toggled {
            return Some(format!(
                "adding or removing `{}`'s memory model needs a fresh run",
                node.id
            ));
        }
        self.scenario.nodes.iter().zip(&scenario.nodes).find(|(a, b)| a.kind != b.kind).map(
            |(old, new)| {
                format!(
                    "changing `{}`'s kind from {} to {} needs a fresh run",
                    new.id, old.kind, new.kind
                )
            },
        )
    }

    /// Swaps in an edited scenario with the same nodes and loads (by id and
    /// order); in-flight work continues under the new parameters. Every
    /// live edit in the app comes here, as a text edit read back.
    pub fn replace_scenario(&mut self, scenario: Scenario) -> Result<(), ScenarioError> {
        if let Some(reason) = self.restart_needed(&scenario) {
            return Err(single_problem("scenario", reason));
        }
        let validated = match Validated::new(scenario) {
            Ok(v) => v,
            Err(mut e) => {
                e.diagnostics.truncate(1);
                let first = e.diagnostics.pop();
                let (key, message) = first.map_or_else(
                    || ("scenario".to_owned(), "cannot run".to_owned()),
                    |d| (d.key, d.message),
                );
                return Err(single_problem(&key, message));
            }
        };
        let model = Model::compile(&validated)?;
        let scenario = validated.into_scenario();
        self.add_nodes(&model);
        let old_replicas: Vec<u32> = self.model.nodes.iter().map(|n| n.replicas).collect();
        for (i, (n, was)) in model.nodes.iter().zip(&self.model.nodes).enumerate() {
            let rt = &mut self.nodes[i];
            if let (Some(new), Some(old)) = (&n.cache, &was.cache)
                && (new.keys, new.skew, new.capacity, new.hit_ratio)
                    != (old.keys, old.skew, old.capacity, old.hit_ratio)
            {
                // A different key space: start cold, keeping the reads in flight.
                let fresh = cache::CacheState::new(new);
                rt.cache = Some(match rt.cache.take() {
                    Some(current) => current.rebuilt(fresh),
                    None => fresh,
                });
            }
            rt.limiter = TokenBucket::reconfigured(rt.limiter.take(), n.rate_limit.as_ref());
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
        let old_loads = self.loads.len();
        self.add_loads(&model);
        self.scenario = scenario;
        self.model = model;
        for load in old_loads..self.loads.len() {
            self.start_load(load);
        }
        for (node, old) in old_replicas.iter().copied().enumerate() {
            self.rescale_after_edit(node, old);
        }
        for node in old_replicas.len()..self.nodes.len() {
            self.schedule_autoscale(node);
        }
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
                let limit = self.model.loads[i].spec.rate_limit.as_ref();
                self.loads[i].limiter =
                    TokenBucket::reconfigured(self.loads[i].limiter.take(), limit);
            }
        }
        // More workers (or replicas, or consumers) may now serve what is
        // waiting.
        for node in 0..self.nodes.len() {
            self.dispatch(node);
            for replica in 0..self.nodes[node].replicas.len() {
                self.start_waiting(node, replica);
            }
        }
        Ok(())
    }

    /// Gives the loads `model` adds after the running ones their state at
    /// the load multiplier in force, with streams of their own in the
    /// order they join; they start once the model is in place.
    fn add_loads(&mut self, model: &Model) {
        let multiplier = self.loads.first().map_or(1.0, |l| l.multiplier);
        for l in &model.loads[self.loads.len().min(model.loads.len())..] {
            let rng = self.added_rngs.fork(ADDED_LOADS + self.loads.len() as u64);
            let mut rt = LoadRuntime::fresh(l);
            rt.multiplier = multiplier;
            if let Some(a) = rt.arrivals.as_mut() {
                a.set_multiplier(multiplier);
            }
            self.loads.push(rt);
            self.load_rngs.push(rng);
            self.load_window.push(LoadTally::default());
            self.load_run.push(LoadTally::default());
        }
    }

    /// Gives the nodes `model` adds after the running ones their state,
    /// starting now, with streams of their own in the order they join.
    fn add_nodes(&mut self, model: &Model) {
        for n in &model.nodes[self.nodes.len().min(model.nodes.len())..] {
            let rng = self.added_rngs.fork(self.nodes.len() as u64);
            let mut rt = NodeRuntime::fresh(n, rng, self.now);
            rt.window.replicas.set(self.now, u64::from(rt.provisioned));
            self.nodes.push(rt);
            self.node_run.push(NodeClosed::default());
            if let Some(r) = self.replication.as_mut() {
                r.add_node();
            }
        }
    }
}
