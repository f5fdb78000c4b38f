//! A validated scenario compiled for the event loop: names resolved to
//! indices, calls grouped, defaults applied. Built only from a scenario that
//! passed validation, so the engine never meets a dangling name.

use crate::dist::Distribution;
use crate::sampler::Sampler;
use crate::scenario::{
    Balancer, CallSpec, Discipline, Fallback, Io, LoadSpec, Mode, NodeKind, NodeSpec, RetrySpec,
    Scenario, ScenarioError, Validated,
};
use crate::time::SimDuration;
use std::collections::HashMap;

/// How a node does its work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// Workers behind per-replica queues (services, databases).
    Queueing,
    /// A third party: unlimited concurrency, a latency, some errors.
    Remote,
    /// A message broker: holds messages and delivers them to a consumer.
    Broker,
    /// A cache: a lookup (unlimited concurrency), then on a miss a read of
    /// the backing node.
    Cache,
}

/// A `queue` node's delivery settings.
#[derive(Clone, Debug)]
pub struct BrokerModel {
    pub to: usize,
    pub consumers: u32,
    pub max_deliveries: u32,
    pub delivery_timeout: SimDuration,
    pub capacity: Option<u64>,
}

/// A `cache` node's settings.
#[derive(Clone, Debug)]
pub struct CacheModel {
    /// A fixed hit ratio, or `None` for the key model.
    pub hit_ratio: Option<f64>,
    pub keys: u64,
    pub skew: f64,
    pub ttl: Option<SimDuration>,
    pub capacity: Option<u64>,
    pub coalesce: bool,
}

/// One node, ready to simulate.
#[derive(Clone, Debug)]
pub struct NodeModel {
    pub id: String,
    pub behaviour: Behaviour,
    pub replicas: u32,
    pub workers: u32,
    pub capacity: Option<u64>,
    pub discipline: Discipline,
    pub max_wait: Option<SimDuration>,
    /// `adaptive_lifo`'s overload threshold on the oldest request's wait.
    pub lifo_after: SimDuration,
    /// Service time, or an external's latency.
    pub service: Sampler,
    pub balancer: Balancer,
    pub io: Io,
    pub error_rate: f64,
    pub rate_limit: Option<crate::rate_limit::RateLimitSpec>,
    pub cost: Option<crate::cost::CostSpec>,
    pub coordination: Option<crate::coordination::CoordinationSpec>,
    /// Each replica's memory model, if the node has one.
    pub memory: Option<crate::memory::MemorySpec>,
    pub autoscale: Option<crate::autoscale::AutoscaleSpec>,
    pub broker: Option<BrokerModel>,
    pub cache: Option<CacheModel>,
    pub calls: Vec<CallModel>,
    /// A database's followers and key model, if it is replicated.
    pub replication: Option<crate::network::ReplicationModel>,
    /// Call indices, group by group, in the order groups first appear.
    pub groups: Vec<Vec<usize>>,
}

/// One call site, ready to simulate (also a load's call into its target).
#[derive(Clone, Debug)]
pub struct CallModel {
    pub to: usize,
    pub mode: Mode,
    pub timeout: Option<SimDuration>,
    pub cancel_on_timeout: bool,
    pub retry: Option<RetrySpec>,
    pub probability: f64,
    pub fanout: u32,
    pub wait_for: u32,
    pub fallback: Fallback,
    /// Index of this call site's retry budget, if it has one.
    pub budget: Option<usize>,
    /// This call site's bulkhead: its slot in the in-flight counters and
    /// its limit.
    pub bulkhead: Option<(usize, u32)>,
    /// This call site's breaker: its slot in the breaker list.
    pub breaker: Option<usize>,
    /// Delay after which missing answers are hedged.
    pub hedge: Option<SimDuration>,
    /// What the call does at a database.
    pub op: crate::network::Op,
    /// No timeout, retry, fan-out, hedge, bulkhead or breaker: one attempt,
    /// one copy, so the engine sends it without a call entity.
    pub plain: bool,
}

impl CallModel {
    /// Sets [`CallModel::plain`] from the other fields.
    fn with_plain(mut self) -> Self {
        self.plain = self.timeout.is_none()
            && self.retry.is_none()
            && self.fanout == 1
            && self.wait_for == 1
            && self.hedge.is_none()
            && self.bulkhead.is_none()
            && self.breaker.is_none()
            && self.budget.is_none();
        self
    }
}

/// One load, ready to simulate.
#[derive(Clone, Debug)]
pub struct LoadModel {
    pub id: String,
    pub spec: LoadSpec,
    /// Closed-loop users' think time, compiled.
    pub think: Option<Sampler>,
    /// The users' own call into the target.
    pub call: CallModel,
    /// Its priority lane in `priority` queues: the rank of its `priority`
    /// among the loads' distinct priorities (0 = lowest).
    pub lane: usize,
}

/// The compiled scenario.
#[derive(Clone, Debug)]
pub struct Model {
    pub loads: Vec<LoadModel>,
    pub nodes: Vec<NodeModel>,
    /// Budget ratio of each call site that has one.
    pub budgets: Vec<f64>,
    /// How many call sites have a bulkhead.
    pub bulkheads: usize,
    /// Each breaker: its node, its call index, its settings.
    pub breakers: Vec<(usize, usize, crate::breaker::BreakerSpec)>,
    /// Each `[[fault]]`'s target node (none for a partition alone).
    pub fault_targets: Vec<Option<usize>>,
    /// Zones, links and every message path, when the scenario has a network.
    pub network: Option<crate::network::NetworkModel>,
    /// Whether some database is replicated: then each user request draws
    /// the key it carries.
    pub keyed: bool,
}

impl Model {
    /// Compiles a validated scenario. Validation resolved every name, so
    /// the error (a name that resolves to no node) cannot happen; it is
    /// reported, not guessed at, all the same.
    pub fn compile(validated: &Validated) -> Result<Model, ScenarioError> {
        let scenario: &Scenario = validated;
        let by_id: HashMap<&str, usize> =
            scenario.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
        let index = |id: &str| {
            by_id.get(id).copied().ok_or_else(|| ScenarioError {
                diagnostics: vec![crate::scenario::Diagnostic {
                    file: scenario.scenario.name.clone(),
                    line: 0,
                    key: "node".to_owned(),
                    message: format!("no node is called `{id}`"),
                }],
            })
        };
        let mut budgets = Vec::new();
        let mut budget_for = |retry: &Option<RetrySpec>| {
            retry.as_ref().and_then(|r| r.budget).map(|ratio| {
                budgets.push(ratio);
                budgets.len() - 1
            })
        };
        let mut priorities: Vec<u32> = scenario.loads.iter().map(|l| l.priority).collect();
        crate::order::sort(&mut priorities);
        priorities.dedup();
        let loads = scenario
            .loads
            .iter()
            .map(|l| {
                Ok(LoadModel {
                    lane: priorities.partition_point(|&p| p < l.priority),
                    id: l.id.clone(),
                    spec: l.clone(),
                    think: l.think_time.as_ref().map(Sampler::from),
                    call: CallModel {
                        to: index(&l.target)?,
                        mode: Mode::Sync,
                        timeout: l.timeout,
                        cancel_on_timeout: false,
                        retry: l.retry.clone(),
                        probability: 1.0,
                        fanout: 1,
                        wait_for: 1,
                        fallback: Fallback::Fail,
                        budget: budget_for(&l.retry),
                        bulkhead: None,
                        breaker: None,
                        hedge: None,
                        op: crate::network::Op::Read,
                        plain: false,
                    }
                    .with_plain(),
                })
            })
            .collect::<Result<Vec<_>, ScenarioError>>()?;
        let mut bulkheads = 0;
        let mut nodes: Vec<NodeModel> = scenario
            .nodes
            .iter()
            .map(|n| compile_node(n, &index, &mut budget_for, &mut bulkheads))
            .collect::<Result<_, _>>()?;
        let mut breakers = Vec::new();
        for (n, spec) in scenario.nodes.iter().enumerate() {
            for (c, call) in spec.calls.iter().enumerate() {
                if let Some(b) = &call.breaker {
                    nodes[n].calls[c].breaker = Some(breakers.len());
                    nodes[n].calls[c].plain = false;
                    breakers.push((n, c, b.clone()));
                }
            }
        }
        let fault_targets = scenario
            .faults
            .iter()
            .map(|f| {
                if f.target.is_empty() && f.effect.partition.is_some() {
                    Ok(None)
                } else {
                    index(&f.target).map(Some)
                }
            })
            .collect::<Result<_, _>>()?;
        let network = crate::network::NetworkModel::compile(scenario);
        let mut loads = loads;
        if network.is_some() {
            // A user request that crosses the network is a call entity:
            // its start is the user's, not the target's arrival.
            for l in &mut loads {
                l.call.plain = false;
            }
        }
        let keyed = nodes.iter().any(|n| n.replication.is_some());
        Ok(Model { loads, nodes, budgets, bulkheads, breakers, fault_targets, network, keyed })
    }
}

fn compile_node(
    n: &NodeSpec,
    index: &dyn Fn(&str) -> Result<usize, ScenarioError>,
    budget_for: &mut dyn FnMut(&Option<RetrySpec>) -> Option<usize>,
    bulkheads: &mut usize,
) -> Result<NodeModel, ScenarioError> {
    let behaviour = match n.kind {
        NodeKind::External => Behaviour::Remote,
        NodeKind::Queue => Behaviour::Broker,
        NodeKind::Cache => Behaviour::Cache,
        NodeKind::Service | NodeKind::Database => Behaviour::Queueing,
    };
    let service = match behaviour {
        Behaviour::Remote => n.latency.clone(),
        Behaviour::Queueing => n.service_time.clone(),
        Behaviour::Cache => Some(
            n.hit_time
                .clone()
                .unwrap_or(Distribution::Const { value: SimDuration::from_micros(500) }),
        ),
        Behaviour::Broker => None,
    }
    .unwrap_or(Distribution::Const { value: SimDuration::ZERO });
    let service = Sampler::from(&service);
    let broker = match behaviour {
        Behaviour::Broker => Some(BrokerModel {
            to: index(n.to.as_deref().unwrap_or_default())?,
            consumers: n.consumers.unwrap_or(1),
            max_deliveries: n.max_deliveries.unwrap_or(5),
            delivery_timeout: n.delivery_timeout.unwrap_or(SimDuration::from_secs(30)),
            capacity: n.capacity,
        }),
        _ => None,
    };
    let cache = (behaviour == Behaviour::Cache).then(|| CacheModel {
        hit_ratio: n.hit_ratio.filter(|_| n.keys.is_none()),
        keys: n.keys.unwrap_or(1),
        skew: n.skew.unwrap_or(1.0),
        ttl: n.ttl,
        capacity: n.capacity,
        coalesce: n.coalesce,
    });
    // A cache's read of its backing node is a plain sync call, made only
    // on a miss.
    let miss_call = n
        .on_miss
        .as_deref()
        .filter(|_| cache.is_some())
        .map(|to| CallSpec { to: to.to_owned(), ..CallSpec::plain() });
    let calls: Vec<CallModel> = n
        .calls
        .iter()
        .chain(miss_call.as_ref())
        .map(|c| {
            Ok(CallModel {
                to: index(&c.to)?,
                mode: c.mode,
                timeout: c.timeout,
                cancel_on_timeout: c.cancel_on_timeout,
                retry: c.retry.clone(),
                probability: c.probability,
                fanout: c.fanout,
                wait_for: c.wait_for.unwrap_or(c.fanout),
                fallback: c.fallback,
                budget: budget_for(&c.retry),
                bulkhead: c.bulkhead.map(|limit| {
                    let slot = *bulkheads;
                    *bulkheads += 1;
                    (slot, limit)
                }),
                breaker: None,
                hedge: c.hedge,
                op: c.op,
                plain: false,
            }
            .with_plain())
        })
        .collect::<Result<_, ScenarioError>>()?;
    let mut groups: Vec<(Option<u32>, Vec<usize>)> = Vec::new();
    for (i, c) in n.calls.iter().chain(miss_call.as_ref()).enumerate() {
        match c.group.and_then(|g| groups.iter_mut().find(|(k, _)| *k == Some(g))) {
            Some((_, members)) => members.push(i),
            None => groups.push((c.group, vec![i])),
        }
    }
    Ok(NodeModel {
        id: n.id.clone(),
        behaviour,
        replicas: n.replicas,
        workers: match behaviour {
            Behaviour::Broker => n.consumers.unwrap_or(1),
            _ => n.pool.unwrap_or(n.workers),
        },
        capacity: n.queue.capacity,
        discipline: n.queue.discipline,
        max_wait: n.queue.max_wait,
        lifo_after: n.queue.lifo_after.unwrap_or(SimDuration::from_millis(100)),
        service,
        balancer: n.balancer,
        io: n.io,
        error_rate: n.error_rate,
        rate_limit: n.rate_limit.clone(),
        cost: n.cost.clone(),
        coordination: n.coordination.clone(),
        memory: n.memory.clone(),
        autoscale: n.autoscale.clone(),
        broker,
        cache,
        calls,
        replication: crate::network::ReplicationModel::compile(n),
        groups: groups.into_iter().map(|(_, m)| m).collect(),
    })
}
