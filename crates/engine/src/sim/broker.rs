//! `queue` nodes: a message broker with at-least-once delivery. A message
//! is accepted (the producer's answer is `ok` at once) unless the broker is
//! full; up to `consumers` deliveries to the `to` node run at once; a
//! delivery that fails, or is not answered within `delivery_timeout`, is
//! redelivered (the slow consumer keeps working, so a message can be
//! processed twice: a duplicate), up to `max_deliveries`, then the message
//! is dead-lettered. The node's latency is the consumer lag: enqueue to
//! acknowledgement.

use std::collections::VecDeque;

use super::*;

/// A broker's runtime state.
#[derive(Clone, Debug, Default)]
pub(super) struct BrokerState {
    /// Messages waiting for a consumer, oldest first.
    waiting: VecDeque<Key>,
    /// Deliveries the broker counts as in flight (answered or timed out
    /// ones are not).
    delivering: u32,
}

/// One message held by a broker.
#[derive(Debug)]
pub(super) struct Message {
    node: u32,
    load: u32,
    work: f64,
    enqueued: SimTime,
    /// Deliveries made so far; the latest is the one that counts.
    deliveries: u32,
    /// Deliveries whose consumer has not answered yet (late ones included).
    outstanding: u32,
    /// Consumer runs that succeeded (more than one: duplicates).
    processed: u32,
    /// Acknowledged or dead-lettered.
    settled: bool,
    /// The user request's tag (its key at replicated databases).
    tag: u64,
}

impl Simulation {
    /// A message arrives at a broker: refused when full, else held and
    /// acknowledged to the producer at once.
    pub(super) fn enqueue(
        &mut self,
        node: usize,
        load: u32,
        work: f64,
        reply: Reply,
        via: network::Via,
    ) {
        let capacity = self.model.nodes[node].broker.as_ref().and_then(|b| b.capacity);
        let Some(state) = self.nodes[node].broker.as_mut() else { return };
        if capacity.is_some_and(|cap| state.waiting.len() as u64 >= cap) {
            self.answer_at_door(node, reply, Outcome::Rejected, via);
            return;
        }
        let message = self.messages.insert(Message {
            node: node as u32,
            load,
            work,
            enqueued: self.now,
            deliveries: 0,
            outstanding: 0,
            processed: 0,
            settled: false,
            tag: via.tag,
        });
        state.waiting.push_back(message);
        let rt = &mut self.nodes[node];
        rt.in_flight += 1;
        rt.queued += 1;
        rt.window.queue.set(self.now, rt.queued);
        if !matches!(reply, Reply::Nobody) {
            self.reply_at_door(node, via, reply, Outcome::Ok);
        }
        self.dispatch(node);
    }

    /// Starts deliveries while consumers are free and messages wait.
    pub(super) fn dispatch(&mut self, node: usize) {
        let Some(model) = self.model.nodes[node].broker.clone() else { return };
        loop {
            let Some(state) = self.nodes[node].broker.as_mut() else { return };
            if state.delivering >= model.consumers {
                return;
            }
            let Some(key) = state.waiting.pop_front() else { return };
            state.delivering += 1;
            let rt = &mut self.nodes[node];
            rt.queued -= 1;
            rt.busy += 1;
            rt.window.queue.set(self.now, rt.queued);
            self.busy_changed(node);
            let Some(message) = self.messages.get_mut(key) else { continue };
            message.deliveries += 1;
            message.outstanding += 1;
            let (delivery, load, work, tag) =
                (message.deliveries, message.load, message.work, message.tag);
            let tally = &mut self.nodes[node].window;
            tally.calls += 1;
            if delivery > 1 {
                tally.retries += 1;
                tally.counters.redelivered += 1;
            }
            let (now, wait) = (self.now, model.delivery_timeout);
            self.events.schedule_after(
                now,
                wait,
                Event::DeliveryTimeout { message: key, delivery },
            );
            let hop = self.delivery_hop(node);
            let via = network::Via { hop, op: crate::network::Op::Read, acked: false, tag };
            self.send(model.to, load, work, Reply::Delivery { message: key, delivery }, via);
        }
    }

    /// A consumer answered delivery `delivery` of `message`.
    pub(super) fn delivery_answered(&mut self, key: Key, delivery: u32, outcome: Outcome) {
        let Some(message) = self.messages.get_mut(key) else { return };
        message.outstanding -= 1;
        let node = message.node as usize;
        if outcome.is_success() {
            message.processed += 1;
            if message.processed > 1 {
                self.nodes[node].window.counters.duplicates += 1;
            }
        }
        let current = !message.settled && message.deliveries == delivery;
        if current {
            self.delivery_over(node, key, outcome.is_success());
        } else {
            self.forget_if_done(key);
        }
    }

    /// A delivery's visibility timeout passed without an answer.
    pub(super) fn delivery_timed_out(&mut self, key: Key, delivery: u32) {
        let Some(message) = self.messages.get(key) else { return };
        if !message.settled && message.deliveries == delivery {
            self.delivery_over(message.node as usize, key, false);
        }
    }

    /// The current delivery ended: acknowledge, redeliver or dead-letter,
    /// and free its consumer slot.
    fn delivery_over(&mut self, node: usize, key: Key, success: bool) {
        let max = self.model.nodes[node].broker.as_ref().map_or(1, |b| b.max_deliveries);
        if let Some(state) = self.nodes[node].broker.as_mut() {
            state.delivering = state.delivering.saturating_sub(1);
        }
        let rt = &mut self.nodes[node];
        rt.busy = rt.busy.saturating_sub(1);
        self.busy_changed(node);
        let Some(message) = self.messages.get_mut(key) else { return };
        if success || message.deliveries >= max {
            message.settled = true;
            let lag = self.now.since(message.enqueued);
            self.nodes[node].in_flight -= 1;
            let tally = &mut self.nodes[node].window;
            if success {
                tally.outcomes.add(Outcome::Ok);
                tally.latency.record(lag);
            } else {
                tally.outcomes.add(Outcome::Error);
                tally.counters.dead_lettered += 1;
            }
            self.forget_if_done(key);
        } else if let Some(state) = self.nodes[node].broker.as_mut() {
            state.waiting.push_back(key);
            let rt = &mut self.nodes[node];
            rt.queued += 1;
            rt.window.queue.set(self.now, rt.queued);
        }
        self.dispatch(node);
    }

    /// Frees a settled message once no delivery of it is still running.
    fn forget_if_done(&mut self, key: Key) {
        if self.messages.get(key).is_some_and(|m| m.settled && m.outstanding == 0) {
            self.messages.remove(key);
        }
    }
}
