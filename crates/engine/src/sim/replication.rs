//! Replication and consistency: a `database` with followers. Writes (calls
//! with `op = "write"`) are served by the leader, the node itself; each
//! follower applies each write after its own lag, drawn independently (no
//! log order). With `mode = "sync"` the write is answered when `acks`
//! followers have applied it (the worker waits with it: the k-th order
//! statistic of the lags is added); with `async`, at once. Reads are served
//! where `read_from` says: the leader, a follower chosen at random, or any
//! of them. Followers are the database's state, not more capacity: every
//! visit still takes one of the node's workers.
//!
//! Each user request carries a tag drawn when it starts (only when some
//! database is replicated, from a stream of its own); a database maps it
//! to a key of its key model (`keys`, Zipf `skew`), so every call of one
//! request touches the same key there. A read is stale when a write of its
//! key was answered by the leader but is not yet applied where the read is
//! served; its staleness is the age of the oldest such write.

use std::collections::HashMap;

use super::*;
use crate::network::{Op, ReadFrom};
use crate::zipf::Zipf;

/// One write some follower has not applied yet.
#[derive(Clone, Debug)]
struct PendingWrite {
    /// When the leader answered it (or will: a sync write waiting for acks).
    answered: SimTime,
    /// When each follower applies it.
    applied: Box<[SimTime]>,
}

/// Reads and stale reads over a span.
#[derive(Clone, Debug, Default)]
pub(super) struct StaleTally {
    reads: u64,
    stale: u64,
    staleness: LatencyHistogram,
}

impl StaleTally {
    fn clear(&mut self) {
        self.reads = 0;
        self.stale = 0;
        self.staleness.clear();
    }

    /// Fills a node's report with these figures.
    fn report(&self, report: &mut NodeReport) {
        report.reads = Some(self.reads);
        report.stale_reads = Some(self.stale);
        report.stale_read_share = Some(ratio(self.stale, self.reads));
        report.staleness_ms = Some(self.staleness.stats());
    }
}

/// One replicated database's state.
#[derive(Clone, Debug)]
pub(super) struct ReplicaState {
    zipf: Option<Zipf>,
    /// Writes not yet applied everywhere, by key.
    pending: HashMap<u64, Vec<PendingWrite>>,
    /// Lags and the follower each read goes to.
    rng: Rng,
    window: StaleTally,
    run: StaleTally,
}

/// Every replicated database's state, and the stream user requests draw
/// their tags from.
#[derive(Debug)]
pub(super) struct Replication {
    tags: Rng,
    nodes: Vec<Option<ReplicaState>>,
}

impl Replication {
    /// A node added during the run: never replicated (`sim/live`).
    pub(super) fn add_node(&mut self) {
        self.nodes.push(None);
    }

    /// The state of `model`'s replicated databases, each with a stream
    /// forked from `root` (after every other stream).
    pub(super) fn new(model: &Model, root: &mut Rng) -> Option<Box<Replication>> {
        if !model.keyed {
            return None;
        }
        let tags = root.fork(3_000_000);
        let nodes = model
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let r = n.replication.as_ref()?;
                Some(ReplicaState {
                    zipf: (r.keys > 1).then(|| Zipf::new(r.keys, r.skew)),
                    pending: HashMap::new(),
                    rng: root.fork(3_000_001 + i as u64),
                    window: StaleTally::default(),
                    run: StaleTally::default(),
                })
            })
            .collect();
        Some(Box::new(Replication { tags, nodes }))
    }
}

impl Simulation {
    /// The tag a new user request carries (0 when nothing is replicated:
    /// no draw).
    pub(super) fn new_tag(&mut self) -> u64 {
        self.replication.as_mut().map_or(0, |r| r.tags.next_u64())
    }

    /// A visit to a replicated database finished its service: reads are
    /// checked for staleness; a write is recorded with its followers'
    /// apply times and, if sync and not yet acknowledged, held back until
    /// `acks` followers have applied it (returns true: the visit goes on
    /// when its `ServiceDone` comes again).
    pub(super) fn replicate(&mut self, key: Key) -> bool {
        let Some(task) = self.tasks.get(key) else { return false };
        let (node, via) = (task.node as usize, task.via);
        let Some(model) = self.model.nodes[node].replication.as_ref() else { return false };
        let Some(state) = self.replication.as_mut().and_then(|r| r.nodes[node].as_mut()) else {
            return false;
        };
        let now = self.now;
        let item = match &state.zipf {
            None => 0,
            Some(zipf) => {
                let salt = (node as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                zipf.sample(&mut Rng::seeded(via.tag ^ salt))
            }
        };
        let followers = model.followers as usize;
        if let Some(writes) = state.pending.get_mut(&item) {
            writes.retain(|w| w.applied.iter().any(|&t| t > now));
        }
        match via.op {
            Op::Read => {
                let at = match model.read_from {
                    ReadFrom::Leader => None,
                    ReadFrom::Followers => Some(state.rng.below(followers as u64) as usize),
                    ReadFrom::Any => Some(state.rng.below(followers as u64 + 1) as usize)
                        .filter(|&f| f < followers),
                };
                let oldest_missed = at.and_then(|f| {
                    state
                        .pending
                        .get(&item)?
                        .iter()
                        .filter(|w| w.answered <= now && w.applied.get(f).is_some_and(|&t| t > now))
                        .map(|w| w.answered)
                        .min()
                });
                let counted = now >= self.warmup_end;
                for tally in [Some(&mut state.window), counted.then_some(&mut state.run)]
                    .into_iter()
                    .flatten()
                {
                    tally.reads += 1;
                    if let Some(written) = oldest_missed {
                        tally.stale += 1;
                        tally.staleness.record(now.since(written));
                    }
                }
                false
            }
            Op::Write if via.acked => false,
            Op::Write => {
                let mut lags: Vec<SimDuration> =
                    (0..followers).map(|_| model.lag.sample(&mut state.rng)).collect();
                let applied = lags.iter().map(|&lag| now + lag).collect();
                let wait = match model.acks as usize {
                    0 => SimDuration::ZERO,
                    k => {
                        crate::order::sort_short_by(&mut lags, SimDuration::cmp);
                        lags[k.min(followers) - 1]
                    }
                };
                state
                    .pending
                    .entry(item)
                    .or_default()
                    .push(PendingWrite { answered: now + wait, applied });
                if model.acks == 0 {
                    return false;
                }
                if let Some(task) = self.tasks.get_mut(key) {
                    task.via.acked = true;
                }
                self.events.schedule(now + wait, Event::ServiceDone { task: key });
                true
            }
        }
    }

    /// Fills a node's window report; the window's tally joins the run's
    /// (after warm-up) and starts again. Writes applied everywhere are
    /// forgotten.
    pub(super) fn replication_window(&mut self, node: usize, report: &mut NodeReport) {
        let now = self.now;
        let Some(state) = self.replication.as_mut().and_then(|r| r.nodes[node].as_mut()) else {
            return;
        };
        state.window.report(report);
        state.window.clear();
        state.pending.retain(|_, writes| {
            writes.retain(|w| w.applied.iter().any(|&t| t > now));
            !writes.is_empty()
        });
    }

    /// Fills a node's summary report (the run after warm-up).
    pub(super) fn replication_summary(&self, node: usize, report: &mut NodeReport) {
        let Some(state) = self.replication.as_ref().and_then(|r| r.nodes[node].as_ref()) else {
            return;
        };
        // Counted as reads are served after warm-up: the open window's are
        // in already.
        state.run.report(report);
    }
}
