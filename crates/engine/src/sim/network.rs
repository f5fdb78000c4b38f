//! The network: messages between components pay a latency and may be lost.
//! A request to a node crosses its call's [`Hop`](crate::network::Hop) on
//! the way out; the answer crosses it back (a sync caller pays both; an
//! async hand-over's answer goes to nobody, so it pays once). A lost
//! message is never seen by anyone: the caller learns only by its timeout.
//! A `partition` fault loses every message on its route while it lasts.
//!
//! Hooks elsewhere are small: requests are sent through [`Simulation::send`]
//! (calls, broker deliveries), answers through [`Simulation::reply_via`]
//! (a visit's end) and [`Simulation::reply_at_door`] (a rejection at
//! the door). Without a network (`Model::network` is `None`) every hop is
//! [`LOCAL`] and these go straight to the old paths: no draws, no events.

use super::*;
use crate::metrics::{NetworkReport, NetworkWindow, RouteReport};
use crate::network::Op;

/// The hop of a message that crosses no network.
pub(super) const LOCAL: u32 = u32::MAX;

/// How a request reached its node: the hop its answer crosses back, what
/// it does at a database, and the key its user request carries.
#[derive(Clone, Copy, Debug)]
pub(super) struct Via {
    pub(super) hop: u32,
    pub(super) op: Op,
    /// A sync-replicated write whose followers have acknowledged.
    pub(super) acked: bool,
    pub(super) tag: u64,
}

/// A message on its way.
#[derive(Debug)]
pub(super) enum Packet {
    Request { node: u32, load: u32, work: f64, reply: Reply, via: Via },
    Answer { reply: Reply, arrived: SimTime, outcome: Outcome },
}

/// Messages and losses per route over a span.
#[derive(Clone, Debug, Default)]
pub(super) struct NetTally {
    messages: Vec<u64>,
    lost: Vec<u64>,
    /// Network time of messages someone waited for.
    awaited_ns: u128,
    /// Time users waited for their requests (every outcome).
    user_ns: u128,
}

impl NetTally {
    fn new(routes: usize) -> Self {
        NetTally { messages: vec![0; routes], lost: vec![0; routes], awaited_ns: 0, user_ns: 0 }
    }

    fn clear(&mut self) {
        self.messages.iter_mut().for_each(|m| *m = 0);
        self.lost.iter_mut().for_each(|m| *m = 0);
        self.awaited_ns = 0;
        self.user_ns = 0;
    }

    fn share(&self) -> f64 {
        if self.user_ns == 0 {
            0.0
        } else {
            (self.awaited_ns as f64 / self.user_ns as f64).min(1.0)
        }
    }
}

/// The network's state as the run goes.
#[derive(Debug)]
pub(super) struct NetState {
    /// The network's own random stream (latency and loss draws), forked
    /// after every other, so runs without a network never see it.
    rng: Rng,
    /// Active partitions on each route.
    partitioned: Vec<u32>,
    packets: Slab<Packet>,
    window: NetTally,
    run: NetTally,
}

impl NetState {
    pub(super) fn new(model: &crate::network::NetworkModel, rng: Rng) -> Self {
        let routes = model.routes.len();
        NetState {
            rng,
            partitioned: vec![0; routes],
            packets: Slab::default(),
            window: NetTally::new(routes),
            run: NetTally::new(routes),
        }
    }
}

impl Simulation {
    /// The hop of a call site's messages.
    pub(super) fn hop_of(&self, site: Site) -> u32 {
        let Some(net) = &self.model.network else { return LOCAL };
        match site {
            Site::Load(l) => net.loads[l as usize],
            Site::Node { node, call } => net.nodes[node as usize][call as usize],
        }
    }

    /// The hop of a broker's deliveries (a node's last: after its calls).
    pub(super) fn delivery_hop(&self, node: usize) -> u32 {
        match &self.model.network {
            Some(net) => net.nodes[node].last().copied().unwrap_or(LOCAL),
            None => LOCAL,
        }
    }

    /// Sends a request to `node` over `via`'s hop: it arrives now (no
    /// network, or no latency), later, or never (lost). Returns the task
    /// when it arrived at once.
    #[inline(always)]
    pub(super) fn send(
        &mut self,
        node: usize,
        load: u32,
        work: f64,
        reply: Reply,
        via: Via,
    ) -> Option<Key> {
        if via.hop == LOCAL {
            return self.arrive(node, load, work, reply, via);
        }
        self.send_over_network(node, load, work, reply, via)
    }

    /// [`Simulation::send`] over a hop of the network.
    fn send_over_network(
        &mut self,
        node: usize,
        load: u32,
        work: f64,
        reply: Reply,
        via: Via,
    ) -> Option<Key> {
        let awaited = self.awaited(reply);
        match self.transmit(via.hop, awaited) {
            None => {
                self.trace_request_lost(&reply);
                None
            }
            Some(delay) if delay == SimDuration::ZERO => self.arrive(node, load, work, reply, via),
            Some(delay) => {
                let packet = Packet::Request { node: node as u32, load, work, reply, via };
                if let Some(key) = self.schedule_packet(delay, packet) {
                    self.trace_request_sent(key, node, &reply);
                }
                None
            }
        }
    }

    /// A visit's answer goes back to whoever waits, over the hop its
    /// request came by. `attempt` is the traced attempt it answers, when
    /// the visit's trace left it open for the answer (see
    /// [`Simulation::trace_visit_end`]); `node` is the visit's.
    #[inline(always)]
    pub(super) fn reply_via(
        &mut self,
        via: Via,
        reply: Reply,
        arrived: SimTime,
        outcome: Outcome,
        (node, attempt): (usize, Option<traces::SpanRef>),
    ) {
        if via.hop == LOCAL || matches!(reply, Reply::Nobody) {
            self.trace_answered(attempt, outcome);
            self.answer(reply, arrived, outcome);
            return;
        }
        self.reply_over_network(via, reply, arrived, outcome, (node, attempt));
    }

    /// [`Simulation::reply_via`] over a hop of the network.
    fn reply_over_network(
        &mut self,
        via: Via,
        reply: Reply,
        arrived: SimTime,
        outcome: Outcome,
        (node, attempt): (usize, Option<traces::SpanRef>),
    ) {
        let awaited = self.awaited(reply);
        match self.transmit(via.hop, awaited) {
            None => {}
            Some(delay) if delay == SimDuration::ZERO => {
                self.trace_answered(attempt, outcome);
                self.answer(reply, arrived, outcome)
            }
            Some(delay) => {
                let key = self.schedule_packet(delay, Packet::Answer { reply, arrived, outcome });
                if let Some(key) = key {
                    self.trace_answer_sent(key, node, attempt);
                }
            }
        }
    }

    /// An answer given at the door (a rejection, an outage): through the
    /// event queue, as without a network, after the hop's latency.
    pub(super) fn reply_at_door(&mut self, node: usize, via: Via, reply: Reply, outcome: Outcome) {
        if via.hop == LOCAL {
            self.deliver_now(reply, outcome);
            return;
        }
        let awaited = self.awaited(reply);
        match self.transmit(via.hop, awaited) {
            None => {
                self.trace_door_remote(outcome);
            }
            Some(delay) if delay == SimDuration::ZERO => self.deliver_now(reply, outcome),
            Some(delay) => {
                let arrived = self.now;
                let attempt = self.trace_door_remote(outcome);
                let key = self.schedule_packet(delay, Packet::Answer { reply, arrived, outcome });
                if let Some(key) = key {
                    self.trace_answer_sent(key, node, attempt);
                }
            }
        }
    }

    /// A message arrives.
    pub(super) fn packet_arrived(&mut self, key: Key) {
        let Some(packet) = self.net.as_mut().and_then(|n| n.packets.remove(key)) else {
            return;
        };
        match packet {
            Packet::Request { node, load, work, reply, via } => {
                self.trace_packet_arrived(key, None);
                self.arrive(node as usize, load, work, reply, via);
            }
            Packet::Answer { reply, arrived, outcome } => {
                self.trace_packet_arrived(key, Some(outcome));
                self.answer(reply, arrived, outcome)
            }
        }
    }

    /// Puts `packet` on its way; its key (which traces follow it by).
    fn schedule_packet(&mut self, delay: SimDuration, packet: Packet) -> Option<Key> {
        let net = self.net.as_mut()?;
        let packet = net.packets.insert(packet);
        self.events.schedule(self.now + delay, Event::Packet { packet });
        Some(packet)
    }

    /// Whether someone waits for this message (a user, or a sync caller):
    /// its network time is part of a user's latency.
    fn awaited(&self, reply: Reply) -> bool {
        match reply {
            Reply::User { .. } | Reply::Task { .. } => true,
            Reply::Attempt { call, .. } => {
                self.calls.get(call).is_some_and(|c| !matches!(c.parent, Parent::Detached))
            }
            Reply::Nobody | Reply::Delivery { .. } => false,
        }
    }

    /// One message over `hop`: counted, then lost (`None`) or delayed.
    fn transmit(&mut self, hop: u32, awaited: bool) -> Option<SimDuration> {
        let counted = self.now >= self.warmup_end;
        let model = self.model.network.as_ref()?;
        let hop = &model.hops[hop as usize];
        let route = hop.route as usize;
        let loss = model.routes[route].loss;
        let net = self.net.as_mut()?;
        net.window.messages[route] += 1;
        if counted {
            net.run.messages[route] += 1;
        }
        let lost = net.partitioned[route] > 0 || (loss > 0.0 && net.rng.next_f64() < loss);
        if lost {
            net.window.lost[route] += 1;
            if counted {
                net.run.lost[route] += 1;
            }
            return None;
        }
        let delay = hop.latency.as_ref().map_or(SimDuration::ZERO, |s| s.sample(&mut net.rng));
        if awaited {
            net.window.awaited_ns += u128::from(delay.as_nanos());
            if counted {
                net.run.awaited_ns += u128::from(delay.as_nanos());
            }
        }
        Some(delay)
    }

    /// A user waited `latency` for an answer (the network's share's
    /// denominator).
    pub(super) fn net_user_done(&mut self, started: SimTime, latency: SimDuration) {
        if let Some(net) = self.net.as_mut() {
            net.window.user_ns += u128::from(latency.as_nanos());
            if started >= self.warmup_end {
                net.run.user_ns += u128::from(latency.as_nanos());
            }
        }
    }

    /// A `[[fault]]` with a `partition` starts or ends.
    pub(super) fn set_partition(&mut self, index: usize, active: bool) {
        let route = self.model.network.as_ref().and_then(|n| n.partitions[index]);
        if let (Some(route), Some(net)) = (route, self.net.as_mut()) {
            let p = &mut net.partitioned[route as usize];
            *p = if active { *p + 1 } else { p.saturating_sub(1) };
        }
    }

    /// The pairs of zones partitioned now (each in name order), for
    /// drawing a partition while it lasts. Empty without a network.
    pub fn partitions_now(&self) -> Vec<[String; 2]> {
        let (Some(net), Some(model)) = (self.net.as_ref(), self.model.network.as_ref()) else {
            return Vec::new();
        };
        net.partitioned
            .iter()
            .zip(&model.routes)
            .filter(|(p, _)| **p > 0)
            .map(|(_, r)| r.between.clone())
            .collect()
    }

    /// Why an edit of zones, links or replication cannot be applied live:
    /// the routes messages take, or which databases are replicated, changed.
    pub(super) fn network_restart_needed(&self, scenario: &Scenario) -> Option<String> {
        let routes = |n: Option<crate::network::NetworkModel>| n.map(|n| n.routes);
        let old = self
            .model
            .network
            .as_ref()
            .map(|n| n.routes.iter().map(|r| r.between.clone()).collect::<Vec<_>>());
        let new = routes(crate::network::NetworkModel::compile(scenario))
            .map(|r| r.into_iter().map(|r| r.between).collect::<Vec<_>>());
        if old != new {
            return Some("changing zones or the network's links needs a fresh run".to_owned());
        }
        // Over the running nodes: an added node with replication is
        // refused by `restart_needed`.
        let toggled = (scenario.nodes.iter().zip(&self.scenario.nodes))
            .any(|(a, b)| a.replication.is_some() != b.replication.is_some());
        if toggled {
            return Some(
                "adding or removing a database's replication needs a fresh run".to_owned(),
            );
        }
        None
    }

    /// The window's network figures; the tally starts again.
    pub(super) fn network_window(&mut self) -> Option<NetworkWindow> {
        let net = self.net.as_mut()?;
        let report = NetworkWindow {
            messages: net.window.messages.iter().sum(),
            lost: net.window.lost.iter().sum(),
            latency_share: net.window.share(),
            partitioned: net.partitioned.iter().filter(|p| **p > 0).count() as u64,
        };
        net.window.clear();
        Some(report)
    }

    /// The run's network figures after warm-up.
    pub(super) fn network_summary(&self) -> Option<NetworkReport> {
        let (net, model) = (self.net.as_ref()?, self.model.network.as_ref()?);
        // Counted as messages are sent after warm-up: the open window's
        // are in already.
        let run = &net.run;
        let links = model
            .routes
            .iter()
            .enumerate()
            .map(|(i, r)| RouteReport {
                between: r.between.clone(),
                messages: run.messages[i],
                lost: run.lost[i],
            })
            .collect();
        Some(NetworkReport {
            messages: run.messages.iter().sum(),
            lost: run.lost.iter().sum(),
            latency_share: run.share(),
            links,
        })
    }
}

#[cfg(test)]
mod tests {
    /// Traces follow a packet and a visit by its key in the tracer's own
    /// tables, and a cache follows its reads of the backing store in its
    /// own, so the records the run holds by the million carry none of it
    /// (BENCHMARKS.md, traces and "A leaner visit").
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn records_stay_compact() {
        assert_eq!(std::mem::size_of::<super::Task>(), 72);
        assert_eq!(std::mem::size_of::<super::Call>(), 136);
        assert_eq!(std::mem::size_of::<super::Packet>(), 48);
    }
}
