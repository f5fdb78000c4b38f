//! A least-recently-used store of keys with expiry times: what a cache
//! holds. Fixed capacity, O(1) lookups, inserts and evictions, and
//! deterministic (its hasher has no random seed).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::time::SimTime;

const NONE: u32 = u32::MAX;

#[derive(Clone, Debug)]
struct Entry {
    key: u64,
    expires: SimTime,
    prev: u32,
    next: u32,
}

/// Keys with expiry, most recently used first; the least recently used is
/// evicted when full.
#[derive(Clone, Debug)]
pub struct Lru {
    capacity: usize,
    index: HashMap<u64, u32, BuildHasherDefault<KeyHasher>>,
    entries: Vec<Entry>,
    free: Vec<u32>,
    head: u32,
    tail: u32,
}

impl Lru {
    /// An empty store of at most `capacity` keys (at least 1).
    pub fn new(capacity: usize) -> Lru {
        Lru {
            capacity: capacity.max(1),
            index: HashMap::default(),
            entries: Vec::new(),
            free: Vec::new(),
            head: NONE,
            tail: NONE,
        }
    }

    /// Keys held (fresh or not yet found stale).
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Whether `key` is held and fresh at `now`; a hit becomes the most
    /// recently used, a stale key is dropped.
    pub fn get(&mut self, key: u64, now: SimTime) -> bool {
        let Some(&slot) = self.index.get(&key) else { return false };
        if self.entries[slot as usize].expires <= now {
            self.unlink(slot);
            self.index.remove(&key);
            self.free.push(slot);
            return false;
        }
        self.unlink(slot);
        self.push_front(slot);
        true
    }

    /// Stores `key` until `expires`, evicting the least recently used key
    /// if full.
    pub fn insert(&mut self, key: u64, expires: SimTime) {
        if let Some(&slot) = self.index.get(&key) {
            self.entries[slot as usize].expires = expires;
            self.unlink(slot);
            self.push_front(slot);
            return;
        }
        if self.index.len() >= self.capacity && self.tail != NONE {
            let victim = self.tail;
            self.unlink(victim);
            self.index.remove(&self.entries[victim as usize].key);
            self.free.push(victim);
        }
        let entry = Entry { key, expires, prev: NONE, next: NONE };
        let slot = match self.free.pop() {
            Some(slot) => {
                self.entries[slot as usize] = entry;
                slot
            }
            None => {
                self.entries.push(entry);
                (self.entries.len() - 1) as u32
            }
        };
        self.index.insert(key, slot);
        self.push_front(slot);
    }

    /// Forgets everything (a flush).
    pub fn clear(&mut self) {
        self.index.clear();
        self.entries.clear();
        self.free.clear();
        self.head = NONE;
        self.tail = NONE;
    }

    fn unlink(&mut self, slot: u32) {
        let Entry { prev, next, .. } = self.entries[slot as usize];
        match prev {
            NONE => self.head = next,
            p => self.entries[p as usize].next = next,
        }
        match next {
            NONE => self.tail = prev,
            n => self.entries[n as usize].prev = prev,
        }
    }

    fn push_front(&mut self, slot: u32) {
        let old = self.head;
        let e = &mut self.entries[slot as usize];
        e.prev = NONE;
        e.next = old;
        if old != NONE {
            self.entries[old as usize].prev = slot;
        } else {
            self.tail = slot;
        }
        self.head = slot;
    }
}

/// SplitMix64's finaliser: a fast, seedless hash for integer keys.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        let mut z = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SimDuration;

    fn at(ms: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_millis(ms)
    }

    #[test]
    fn evicts_the_least_recently_used() {
        let mut lru = Lru::new(2);
        lru.insert(1, at(1000));
        lru.insert(2, at(1000));
        assert!(lru.get(1, at(0)), "1 is now the most recent");
        lru.insert(3, at(1000));
        assert!(!lru.get(2, at(0)), "2 was the least recent");
        assert!(lru.get(1, at(0)) && lru.get(3, at(0)));
        assert_eq!(lru.len(), 2);
    }

    #[test]
    fn expired_keys_miss_and_clear_empties() {
        let mut lru = Lru::new(10);
        lru.insert(7, at(100));
        assert!(lru.get(7, at(99)));
        assert!(!lru.get(7, at(100)), "stale at its expiry");
        assert!(lru.is_empty());
        lru.insert(8, at(100));
        lru.clear();
        assert!(!lru.get(8, at(0)));
        lru.insert(9, at(100));
        assert!(lru.get(9, at(0)));
    }
}
