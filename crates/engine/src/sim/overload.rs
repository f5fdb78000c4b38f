//! The bound on work in flight: tasks, calls, broker messages, pending
//! answers and scheduled events together may not pass
//! [`limits::MAX_WORK_IN_FLIGHT`](crate::limits::MAX_WORK_IN_FLIGHT). A
//! design pushed past its capacity (an unbounded queue fed faster than it
//! drains, an async cycle that multiplies, retries that pile up) would
//! otherwise grow until the tab or the process runs out of memory. Reaching
//! the bound stops the run where it is, deterministically, with an
//! [`Overload`] that names the nodes that grew, how fast, and what would
//! bound them. A run that stays under the bound is not changed at all.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::*;
use crate::scenario::NodeKind;

/// Events between two checks of the bound (a power of two: the check is a
/// mask). Work grows by at most a few units an event, so a run stops within
/// a few thousand units of the bound.
pub(super) const CHECK_EVERY: u64 = 1024;

/// Why a run stopped at the bound on work in flight.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overload {
    /// Simulated time of the stop, seconds.
    pub at_s: f64,
    /// Units of work in flight at the stop (tasks, calls, messages, pending
    /// answers and scheduled events).
    pub work_in_flight: u64,
    /// The bound ([`crate::limits::MAX_WORK_IN_FLIGHT`] unless the caller
    /// set another with [`Simulation::set_work_limit`]).
    pub limit: u64,
    /// What the work was: visits to nodes (tasks and broker messages),
    /// calls awaiting answers or retries, and scheduled events.
    pub visits: u64,
    pub calls: u64,
    pub events: u64,
    /// The nodes holding most of the visits, largest first (at most three,
    /// each with at least a hundredth of them).
    pub nodes: Vec<NodeGrowth>,
    /// Load ids whose requests are retried (by the users or on a call into
    /// a named node), when there are any.
    pub retried: Vec<String>,
}

/// One node's share of an overload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeGrowth {
    pub node: String,
    /// Requests (or messages) at the node at the stop.
    pub in_flight: u64,
    /// Of those, waiting in its queue.
    pub queued: u64,
    /// How fast its requests in flight grew, per simulated second, over the
    /// last window or two.
    pub growth_per_s: f64,
    /// About how many requests a second it can finish (replicas × workers ÷
    /// mean service time), for nodes with workers.
    pub serves_per_s: Option<f64>,
    /// What would bound it, as a user would write it in the scenario file.
    pub remedies: Vec<String>,
}

impl Overload {
    /// The whole explanation, in words, for a person at a command line or
    /// in the page.
    pub fn message(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Overload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "overload: the run stopped at {:.1} s of simulated time with {} units of work in \
             flight ({} requests at nodes, {} calls awaiting answers or retries, {} scheduled \
             events), past scalesim's limit of {} (about {} MB), so that no run can exhaust the \
             memory of a browser tab or of this machine",
            self.at_s,
            group(self.work_in_flight as f64),
            group(self.visits as f64),
            group(self.calls as f64),
            group(self.events as f64),
            group(self.limit as f64),
            self.limit * crate::limits::BYTES_PER_UNIT_OF_WORK / 1_000_000,
        )?;
        if self.nodes.is_empty() {
            write!(f, ".")?;
        } else {
            write!(f, ". What grew:")?;
        }
        for n in &self.nodes {
            write!(f, "\n  - `{}`: {} requests in flight", n.node, group(n.in_flight as f64))?;
            if n.queued > 0 {
                write!(f, " ({} waiting in its queue)", group(n.queued as f64))?;
            }
            if n.growth_per_s > 0.0 {
                write!(f, ", growing by {} a simulated second", group(n.growth_per_s))?;
            }
            if let Some(serves) = n.serves_per_s {
                write!(f, "; it can finish about {} a second", group(serves))?;
            }
            write!(f, ".")?;
            if !n.remedies.is_empty() {
                write!(f, "\n    To bound it: {}.", n.remedies.join("; or "))?;
            }
        }
        if !self.retried.is_empty() {
            write!(
                f,
                "\n  Retries add to the load: fewer `attempts` or a retry `budget` on the retries \
                 of {} would ease it.",
                self.retried.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ")
            )?;
        }
        if self.nodes.is_empty() && self.retried.is_empty() {
            write!(
                f,
                "\n  No node's queue holds most of it: look for calls with long timeouts, many \
                 retries or a large fan-out, and bound them with a `timeout`, fewer `attempts`, a \
                 `bulkhead` or a `rate_limit`."
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for Overload {}

/// `1234567.8` as `1,234,568`.
fn group(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Each node's requests in flight at a window boundary, for the growth rate.
#[derive(Clone, Debug, Default)]
pub(super) struct Mark {
    pub(super) at: SimTime,
    pub(super) in_flight: Vec<u64>,
}

impl Simulation {
    /// Sets the bound on work in flight: [`crate::limits::MAX_WORK_IN_FLIGHT`]
    /// unless changed, which keeps a run inside a browser tab; a native
    /// caller with memory to spare (the CLI's `--max-in-flight`) may raise
    /// it. A run that never reaches either bound is the same run.
    pub fn set_work_limit(&mut self, units: u64) {
        self.work_limit = units;
    }

    /// Units of work in flight: what the bound counts.
    pub(super) fn work_in_flight(&self) -> u64 {
        (self.tasks.len()
            + self.calls.len()
            + self.messages.len()
            + self.answers.len()
            + self.events.len()) as u64
    }

    /// Whether the bound is passed; if so, records why and returns true.
    /// Called every [`CHECK_EVERY`] events.
    #[cold]
    pub(super) fn check_overload(&mut self) -> bool {
        let work = self.work_in_flight();
        if work <= self.work_limit {
            return false;
        }
        let overload = self.describe_overload(work);
        self.stalled = Some(overload.message());
        self.overload = Some(Box::new(overload));
        true
    }

    /// At a window's close: remembers each node's work in flight, keeping
    /// the previous mark, so a growth rate spans one to two windows.
    pub(super) fn mark_growth(&mut self) {
        let [older, newer] = &mut self.marks;
        std::mem::swap(older, newer);
        newer.at = self.now;
        newer.in_flight.clear();
        newer.in_flight.extend(self.nodes.iter().map(|rt| rt.in_flight));
    }

    fn describe_overload(&self, work: u64) -> Overload {
        let visits: u64 = self.nodes.iter().map(|rt| rt.in_flight).sum();
        let base = &self.marks[0];
        let span = self.now.since(base.at).as_secs_f64();
        let mut order: Vec<usize> = (0..self.nodes.len()).collect();
        crate::order::sort_by_key(&mut order, |&i| std::cmp::Reverse(self.nodes[i].in_flight));
        let nodes = order
            .into_iter()
            .take(3)
            .filter(|&i| visits > 0 && self.nodes[i].in_flight * 100 >= visits)
            .map(|i| {
                let rt = &self.nodes[i];
                let before = base.in_flight.get(i).copied().unwrap_or(0);
                let growth =
                    if span > 0.0 { (rt.in_flight as f64 - before as f64) / span } else { 0.0 };
                NodeGrowth {
                    node: self.model.nodes[i].id.clone(),
                    in_flight: rt.in_flight,
                    queued: rt.queued,
                    growth_per_s: growth,
                    // What it can finish matters when its queue is what grew.
                    serves_per_s: (rt.queued * 2 >= rt.in_flight)
                        .then(|| self.serves_per_s(i))
                        .flatten(),
                    remedies: self.remedies(i),
                }
            })
            .collect();
        let mut retried = Vec::new();
        for load in &self.model.loads {
            let retries = |c: &CallModel| c.retry.as_ref().is_some_and(|r| r.attempts > 1);
            let inner = self.model.nodes.iter().any(|n| n.calls.iter().any(retries));
            if retries(&load.call) || inner {
                retried.push(load.id.clone());
            }
        }
        Overload {
            at_s: self.now.as_secs_f64(),
            work_in_flight: work,
            limit: self.work_limit,
            visits,
            calls: self.calls.len() as u64,
            events: self.events.len() as u64,
            nodes,
            retried,
        }
    }

    /// About how many requests a second node `i` finishes at full use, for
    /// a node with workers and a service time.
    fn serves_per_s(&self, i: usize) -> Option<f64> {
        let m = &self.model.nodes[i];
        if m.behaviour != Behaviour::Queueing {
            return None;
        }
        let mean = self.scenario.nodes.get(i)?.service_time.as_ref()?.mean().as_secs_f64();
        let slots = f64::from(self.nodes[i].active.max(1)) * f64::from(m.workers);
        (mean > 0.0).then(|| slots / mean)
    }

    /// What would bound node `i`'s growth, in the scenario file's words.
    fn remedies(&self, i: usize) -> Vec<String> {
        let m = &self.model.nodes[i];
        let Some(spec) = self.scenario.nodes.get(i) else { return Vec::new() };
        let mut out = Vec::new();
        let rate = self.serves_per_s(i).map_or(100.0, |r| r.max(1.0).round());
        let rt = &self.nodes[i];
        let waiting_on_calls = rt.queued * 2 < rt.in_flight && !m.calls.is_empty();
        match m.behaviour {
            Behaviour::Queueing if waiting_on_calls => {
                out.push(
                    "most of its requests are waiting on its calls, not in its queue: bound the \
                     wait with a `timeout` on its calls (and `cancel_on_timeout = true`), or a \
                     `bulkhead` on them, and bound the node they wait on"
                        .to_owned(),
                );
                if spec.rate_limit.is_none() {
                    out.push(
                        "a `rate_limit` at its door (`rate_limit = { rate = 1000, burst = 100 }`)"
                            .to_owned(),
                    );
                }
            }
            Behaviour::Queueing => {
                if spec.queue.capacity.is_none() {
                    out.push(
                        "a queue `capacity` (`queue = { capacity = 1000 }`: more are rejected)"
                            .to_owned(),
                    );
                }
                if spec.queue.max_wait.is_none() {
                    out.push(
                        "load shedding with `max_wait` (`queue = { max_wait = \"1s\" }`: a \
                         request that waited longer is shed)"
                            .to_owned(),
                    );
                }
                if spec.rate_limit.is_none() {
                    out.push(format!(
                        "a `rate_limit` (`rate_limit = {{ rate = {rate}, burst = {} }}`)",
                        (rate / 10.0).ceil()
                    ));
                }
                let what = if spec.kind == NodeKind::Database { "`pool`" } else { "`workers`" };
                out.push(format!("more `replicas` or {what}, so it serves as fast as work comes"));
            }
            Behaviour::Broker => {
                if spec.capacity.is_none() {
                    out.push("a `capacity` (`capacity = 100000`: more are rejected)".to_owned());
                }
                out.push(
                    "more `consumers`, or a faster consumer, so it drains as fast as it fills"
                        .to_owned(),
                );
            }
            Behaviour::Remote | Behaviour::Cache => {
                if spec.rate_limit.is_none() {
                    out.push(
                        "a `rate_limit` on it (`rate_limit = { rate = 1000, burst = 100 }`)"
                            .to_owned(),
                    );
                }
                out.push(
                    "a `bulkhead` or a shorter `timeout` with `cancel_on_timeout = true` on the \
                     calls into it"
                        .to_owned(),
                );
            }
        }
        let in_cycle = self.model.nodes[i].calls.iter().any(|c| c.mode == Mode::Async)
            && self.model.nodes.iter().any(|n| n.calls.iter().any(|c| c.to == i));
        if in_cycle && self.reaches(i, i) {
            out.push(
                "breaking the cycle of calls through it (every pass adds work that never ends)"
                    .to_owned(),
            );
        }
        out
    }

    /// Whether some path of calls leads from node `from` to node `to`.
    fn reaches(&self, from: usize, to: usize) -> bool {
        let mut seen = vec![false; self.model.nodes.len()];
        let mut stack = vec![from];
        while let Some(n) = stack.pop() {
            let next = self.model.nodes[n]
                .calls
                .iter()
                .map(|c| c.to)
                .chain(self.model.nodes[n].broker.as_ref().map(|b| b.to));
            for t in next {
                if t == to {
                    return true;
                }
                if !seen[t] {
                    seen[t] = true;
                    stack.push(t);
                }
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::group;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(group(0.0), "0");
        assert_eq!(group(999.4), "999");
        assert_eq!(group(1000.0), "1,000");
        assert_eq!(group(1_234_567.8), "1,234,568");
    }
}
