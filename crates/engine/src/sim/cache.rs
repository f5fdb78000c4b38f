//! `cache` nodes: every visit pays a lookup (`hit_time`, unlimited
//! concurrency); a miss reads the `on_miss` node and, with the key model,
//! stores the key for `ttl` in an LRU of `capacity` keys. With
//! `hit_ratio` the hits are drawn; with the key model (`keys`, Zipf
//! `skew`) they emerge from what is stored, so a flush empties the cache
//! and the backing store takes the stampede. `coalesce` makes concurrent
//! misses of one key wait for a single read.

use std::collections::HashMap;

use super::*;
use crate::lru::Lru;
use crate::model::CacheModel;
use crate::zipf::Zipf;

/// A cache's runtime state.
#[derive(Clone, Debug)]
pub(super) struct CacheState {
    /// The key model's store and popularity (`None` with a fixed ratio).
    keyed: Option<(Lru, Zipf)>,
    /// Keys being read from the backing store, with the visits waiting on
    /// each read (coalescing).
    fills: HashMap<u64, Vec<Key>>,
    /// The visits reading the backing store, by task's slot (with its
    /// key: a stale slot is never read as another visit's), and the key
    /// each reads.
    reading: Vec<Option<(Key, u64)>>,
}

impl CacheState {
    pub(super) fn new(model: &CacheModel) -> Self {
        let keyed = model.hit_ratio.is_none().then(|| {
            let capacity = model.capacity.unwrap_or(model.keys).min(model.keys);
            (Lru::new(capacity as usize), Zipf::new(model.keys, model.skew))
        });
        CacheState { keyed, fills: HashMap::new(), reading: Vec::new() }
    }

    /// `fresh`'s (empty) store, keeping this state's reads in flight and
    /// the visits waiting on them.
    pub(super) fn rebuilt(self, fresh: CacheState) -> CacheState {
        CacheState { keyed: fresh.keyed, fills: self.fills, reading: self.reading }
    }
}

impl Simulation {
    /// The lookup is over: a hit answers, a miss reads the backing node
    /// (or, coalescing, waits for a read of the same key in flight).
    pub(super) fn cache_lookup(&mut self, key: Key) {
        let Some(task) = self.tasks.get(key) else { return };
        let node = task.node as usize;
        let Some(model) = self.model.nodes[node].cache.as_ref() else { return };
        let (ratio, coalesce) = (model.hit_ratio, model.coalesce);
        let now = self.now;
        let rt = &mut self.nodes[node];
        let rng = &mut rt.rng;
        let Some(state) = rt.cache.as_mut() else { return };
        let (hit, item) = match (&mut state.keyed, ratio) {
            (Some((lru, zipf)), _) => {
                let item = zipf.sample(rng);
                (lru.get(item, now), item)
            }
            (None, Some(ratio)) => (rng.next_f64() < ratio, 0),
            (None, None) => (false, 0),
        };
        let counters = &mut rt.window.counters;
        if hit {
            counters.hits += 1;
            self.finish_task(key, Outcome::Ok);
            return;
        }
        counters.misses += 1;
        let keyed = state.keyed.is_some();
        if let Some(task) = self.tasks.get_mut(key) {
            task.stage = Stage::Calling;
        }
        if coalesce && keyed {
            if let Some(waiters) = state.fills.get_mut(&item) {
                waiters.push(key);
                rt.window.counters.coalesced += 1;
                return;
            }
            state.fills.insert(item, Vec::new());
        }
        let slot = key.slot();
        if state.reading.len() <= slot {
            state.reading.resize(slot + 1, None);
        }
        state.reading[slot] = Some((key, item));
        self.run_groups(key);
    }

    /// A cache visit ended: a successful read stores its key (unless a
    /// flush is under way), and visits coalesced on it get its outcome.
    pub(super) fn cache_visit_done(&mut self, node: usize, task: Key, outcome: Outcome) {
        let Some(state) = self.nodes[node].cache.as_mut() else { return };
        let item = match state.reading.get_mut(task.slot()).map(Option::take) {
            Some(Some((k, item))) if k == task => item,
            _ => return,
        };
        let ttl = self.model.nodes[node].cache.as_ref().and_then(|c| c.ttl);
        let expires = ttl.map_or(SimTime::from_nanos(u64::MAX), |t| self.now + t);
        let frozen = self.nodes[node].fault.flush;
        let Some(state) = self.nodes[node].cache.as_mut() else { return };
        if outcome.is_success()
            && !frozen
            && let Some((lru, _)) = state.keyed.as_mut()
        {
            lru.insert(item, expires);
        }
        let waiters = state.fills.remove(&item).unwrap_or_default();
        for waiter in waiters {
            self.finish_task(waiter, outcome);
        }
    }

    /// A flush fault begins: the cache forgets everything.
    pub(super) fn flush_cache(&mut self, node: usize) {
        if let Some((lru, _)) = self.nodes[node].cache.as_mut().and_then(|c| c.keyed.as_mut()) {
            lru.clear();
        }
    }
}
