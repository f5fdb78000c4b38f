//! The network and replication compiled for the event loop: every message
//! path of the scenario (a load's requests, a node's calls, a cache's read
//! on a miss, a broker's deliveries) becomes a [`Hop`]: the route it
//! crosses (a pair of zones, for counting, loss and partitions) and the
//! latency it pays each way. The settings are the scenario crate's
//! (`scalesim_scenario::network`), re-exported here.

pub use scalesim_scenario::network::*;

use crate::sampler::Sampler;
use crate::scenario::{NodeKind, Scenario};

/// A pair of zones messages travel between (the same zone twice for
/// messages within one).
#[derive(Clone, Debug, PartialEq)]
pub struct RouteModel {
    /// The two zones, in name order (`""` for components without a zone).
    pub between: [String; 2],
    /// Share of messages lost each way.
    pub loss: f64,
}

/// One message path: which route it crosses and what a message pays.
#[derive(Clone, Debug, PartialEq)]
pub struct Hop {
    pub route: u32,
    /// One-way latency (`None`: none).
    pub latency: Option<Sampler>,
}

/// The compiled network.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NetworkModel {
    pub routes: Vec<RouteModel>,
    pub hops: Vec<Hop>,
    /// Each load's hop into its target.
    pub loads: Vec<u32>,
    /// Each node's hops: one per call (the cache's read on a miss last),
    /// or a broker's deliveries.
    pub nodes: Vec<Vec<u32>>,
    /// Each `[[fault]]`'s partitioned route, if it partitions one that
    /// carries messages.
    pub partitions: Vec<Option<u32>>,
}

impl NetworkModel {
    /// The network of `scenario`, or `None` when it has none (messages are
    /// then free and uncounted: [`in_use`]).
    pub fn compile(scenario: &Scenario) -> Option<NetworkModel> {
        if !in_use(scenario) {
            return None;
        }
        let mut net = NetworkModel::default();
        let zone_of_node =
            |id: &str| scenario.nodes.iter().find(|n| n.id == id).map_or("", |n| zone_of(&n.zone));
        for load in &scenario.loads {
            let hop = net.hop(scenario, zone_of(&load.zone), zone_of_node(&load.target), None);
            net.loads.push(hop);
        }
        for node in &scenario.nodes {
            let from = zone_of(&node.zone);
            let mut hops: Vec<u32> = node
                .calls
                .iter()
                .map(|c| net.hop(scenario, from, zone_of_node(&c.to), c.latency.as_ref()))
                .collect();
            let extra = match node.kind {
                NodeKind::Cache => node.on_miss.as_deref(),
                NodeKind::Queue => node.to.as_deref(),
                _ => None,
            };
            if let Some(to) = extra {
                hops.push(net.hop(scenario, from, zone_of_node(to), None));
            }
            net.nodes.push(hops);
        }
        net.partitions = scenario
            .faults
            .iter()
            .map(|f| {
                let [a, b] = f.effect.partition.as_ref()?;
                let key = ordered(a, b);
                net.routes.iter().position(|r| r.between == key).map(|i| i as u32)
            })
            .collect();
        Some(net)
    }

    /// The hop from zone `from` to zone `to`, with the call's own latency
    /// if it has one.
    fn hop(
        &mut self,
        scenario: &Scenario,
        from: &str,
        to: &str,
        own: Option<&crate::dist::Distribution>,
    ) -> u32 {
        let between = ordered(from, to);
        let link = if from == to { None } else { link(scenario, from, to).map(|(_, l)| l) };
        let route = match self.routes.iter().position(|r| r.between == between) {
            Some(i) => i,
            None => {
                self.routes.push(RouteModel { between, loss: link.map_or(0.0, |l| l.loss) });
                self.routes.len() - 1
            }
        } as u32;
        let network_latency = if from == to {
            scenario.network.as_ref().and_then(|n| n.latency.as_ref())
        } else {
            link.map(|l| &l.latency)
        };
        let latency = own.or(network_latency).map(Sampler::from);
        self.hops.push(Hop { route, latency });
        (self.hops.len() - 1) as u32
    }
}

fn ordered(a: &str, b: &str) -> [String; 2] {
    if a <= b { [a.to_owned(), b.to_owned()] } else { [b.to_owned(), a.to_owned()] }
}

/// A replicated database, compiled.
#[derive(Clone, Debug)]
pub struct ReplicationModel {
    pub followers: u32,
    /// Followers a write waits for before it is answered (0: async).
    pub acks: u32,
    pub lag: Sampler,
    pub read_from: ReadFrom,
    /// The key model requests draw their key from.
    pub keys: u64,
    pub skew: f64,
}

impl ReplicationModel {
    pub fn compile(node: &crate::scenario::NodeSpec) -> Option<ReplicationModel> {
        let r = node.replication.as_ref().filter(|_| node.kind == NodeKind::Database)?;
        Some(ReplicationModel {
            followers: r.followers,
            acks: r.acks_needed(),
            lag: Sampler::from(&r.lag),
            read_from: r.read_from,
            keys: node.keys.unwrap_or(1),
            skew: node.skew.unwrap_or(1.0),
        })
    }
}
