//! The future event list: a binary min-heap ordered by time, then by
//! insertion, beside a few FIFO lanes for events scheduled a fixed delay
//! ahead.
//!
//! Ties at the same nanosecond are broken by a sequence number, so the
//! processing order (and therefore the run) is fully determined by the seed.
//!
//! The heap is written out here rather than taken from `std`: its pop moves
//! the last entry down from the root without first swapping it into the
//! root, and its push moves the new entry up without first storing it at
//! the end. `std::collections::BinaryHeap` does both, and reading an entry
//! back just after it was stored in pieces stalls the processor's store
//! forwarding: that was a fifth of the event loop's time.
//!
//! **Lanes.** A timeout is scheduled a call site's fixed delay after now,
//! and now never goes back, so the timeouts of one delay come due in the
//! order they were scheduled: a FIFO keeps them sorted for free.
//! [`EventQueue::schedule_after`] puts such an event in the lane of its
//! delay (up to [`MAX_LANES`] delays; past that, or if an entry would go
//! out of order, in the heap). Only a lane's earliest entry waits in the
//! heap; when it is popped, the lane's next entry takes its place.
//!
//! **Void events.** Most timeouts are void long before they are due: the
//! call they guard has answered. [`EventQueue::pop_due`] takes the
//! caller's test of whether an event still matters. When it moves a
//! lane's next entry into the heap it skips the void ones, so they never
//! reach the heap; a lane's entry that went void while in the heap is
//! dropped when popped. Events scheduled into the heap itself are all
//! returned (their handlers ignore the void ones). The live events
//! returned, and their order, are exactly the heap-only order.

use crate::time::{SimDuration, SimTime};

/// How many distinct delays get a lane of their own.
pub const MAX_LANES: usize = 8;

/// Low bits of an entry's sequence number that tell which lane it came
/// from (0: none; `i + 1`: lane `i`). Sequence numbers are unique, so
/// shifting them up keeps their order.
const LANE_BITS: u32 = 4;
const _: () = assert!(MAX_LANES < 1 << LANE_BITS);

/// Events of type `E`, popped earliest first, first-scheduled first on ties.
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: Vec<Entry<E>>,
    lanes: Vec<Lane<E>>,
    /// The next entry's sequence number, its lane bits clear.
    next_seq: u64,
}

/// Events scheduled one fixed delay ahead, in the order they are due:
/// `entries[head..]` wait behind the lane's front, which is in the heap
/// (`in_heap`).
#[derive(Debug)]
struct Lane<E> {
    delay: u64,
    entries: Vec<Entry<E>>,
    head: usize,
    /// Whether the lane's front is in the heap: always, unless the lane
    /// is empty.
    in_heap: bool,
    /// The time of the latest entry scheduled in the lane.
    last_at: u64,
}

impl<E: Copy> Lane<E> {
    #[inline]
    fn pop_front(&mut self) -> Option<Entry<E>> {
        let e = *self.entries.get(self.head)?;
        self.head += 1;
        if self.head == self.entries.len() {
            self.entries.clear();
            self.head = 0;
        } else if self.head >= 1024 && self.head * 2 >= self.entries.len() {
            self.entries.drain(..self.head);
            self.head = 0;
        }
        Some(e)
    }

    fn len(&self) -> usize {
        self.entries.len() - self.head
    }
}

/// A pending event: its time, then its sequence number (with its lane in
/// the low bits).
#[derive(Clone, Copy, Debug)]
struct Entry<E> {
    at: u64,
    seq: u64,
    event: E,
}

impl<E> Entry<E> {
    /// Whether this entry comes before `other`. Compared as one 128-bit
    /// key, which compiles without branches: which of a heap's entries
    /// comes first is what a processor cannot predict, and a tuple's
    /// compare-then-compare is a branch.
    #[inline]
    fn before(&self, other: &Self) -> bool {
        self.key() < other.key()
    }

    /// Time then sequence, as one number.
    #[inline]
    fn key(&self) -> u128 {
        (u128::from(self.at) << 64) | u128::from(self.seq)
    }

    /// The lane the entry came from, if any.
    #[inline]
    fn lane(&self) -> Option<usize> {
        ((self.seq & ((1 << LANE_BITS) - 1)) as usize).checked_sub(1)
    }
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue { heap: Vec::new(), lanes: Vec::new(), next_seq: 0 }
    }
}

impl<E: Copy> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// The next entry at `at`, from lane `lane` if any.
    #[inline(always)]
    fn entry(&mut self, at: SimTime, event: E, lane: Option<usize>) -> Entry<E> {
        let tag = lane.map_or(0, |i| i as u64 + 1);
        let seq = self.next_seq | tag;
        self.next_seq += 1 << LANE_BITS;
        Entry { at: at.as_nanos(), seq, event }
    }

    /// Schedules `event` to happen at `at`. Always inlined: an event built
    /// in pieces by the caller and read back whole by a called function
    /// stalls store forwarding, as above.
    #[inline(always)]
    pub fn schedule(&mut self, at: SimTime, event: E) {
        let entry = self.entry(at, event, None);
        self.push_heap(entry);
    }

    /// Puts `entry` in the heap, moving it up from the end without first
    /// storing it there.
    #[inline(always)]
    fn push_heap(&mut self, entry: Entry<E>) {
        let mut pos = self.heap.len();
        self.heap.push(entry);
        while pos > 0 {
            let parent = (pos - 1) / 2;
            if !entry.before(&self.heap[parent]) {
                break;
            }
            self.heap[pos] = self.heap[parent];
            pos = parent;
        }
        self.heap[pos] = entry;
    }

    /// Schedules `event` at `now + delay`, in the lane of `delay` when it
    /// has one or one can be opened. `now` must not go back between calls
    /// (the simulation's clock does not); an entry that would go out of
    /// order goes to the heap instead, so order holds whatever the caller.
    #[inline(always)]
    pub fn schedule_after(&mut self, now: SimTime, delay: SimDuration, event: E) {
        let at = now + delay;
        let delay = delay.as_nanos();
        let lane = match self.lanes.iter().position(|l| l.delay == delay) {
            Some(i) => i,
            None if self.lanes.len() < MAX_LANES => {
                let lane = Lane { delay, entries: Vec::new(), head: 0, in_heap: false, last_at: 0 };
                self.lanes.push(lane);
                self.lanes.len() - 1
            }
            None => return self.schedule(at, event),
        };
        if self.lanes[lane].last_at > at.as_nanos() {
            return self.schedule(at, event);
        }
        let entry = self.entry(at, event, Some(lane));
        let l = &mut self.lanes[lane];
        l.last_at = entry.at;
        if l.in_heap {
            l.entries.push(entry);
        } else {
            l.in_heap = true;
            self.push_heap(entry);
        }
    }

    /// Moves lane `i`'s next entry that is `live` into the heap, dropping
    /// the void ones before it. Kept out of the event loop, whose registers
    /// it would take.
    #[inline(never)]
    fn refill(&mut self, i: usize, live: &impl Fn(&E) -> bool) {
        let lane = &mut self.lanes[i];
        lane.in_heap = false;
        while let Some(e) = lane.pop_front() {
            if live(&e.event) {
                lane.in_heap = true;
                self.push_heap(e);
                return;
            }
        }
    }

    /// When the next event happens, if any (it may be one `pop_due` will
    /// find void).
    #[inline]
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.first().map(|e| SimTime::from_nanos(e.at))
    }

    /// Removes and returns the next event.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.pop_due(|_| true, |_| true)
    }

    /// Removes and returns the next event, if `due(its time)`; `None` if
    /// the queue is empty or the next event is not due. Events from lanes
    /// that are not `live` are dropped on the way (`live` must stay false
    /// for an event once it is false); the heap's own are all returned.
    #[inline]
    pub fn pop_due(
        &mut self,
        due: impl Fn(SimTime) -> bool,
        live: impl Fn(&E) -> bool,
    ) -> Option<(SimTime, E)> {
        loop {
            let root = self.heap.first()?;
            if !due(SimTime::from_nanos(root.at)) {
                return None;
            }
            let lane = root.lane();
            let next = self.pop_heap();
            let Some(lane) = lane else { return next };
            self.refill(lane, &live);
            if next.as_ref().is_some_and(|(_, e)| live(e)) {
                return next;
            }
        }
    }

    /// Removes and returns the heap's root.
    #[inline]
    fn pop_heap(&mut self) -> Option<(SimTime, E)> {
        let last = self.heap.pop()?;
        let Some(&first) = self.heap.first() else {
            return Some((SimTime::from_nanos(last.at), last.event));
        };
        let len = self.heap.len();
        let mut pos = 0;
        loop {
            let left = 2 * pos + 1;
            if left >= len {
                break;
            }
            let right = left + 1;
            let child = if right < len {
                left + usize::from(self.heap[right].before(&self.heap[left]))
            } else {
                left
            };
            if !self.heap[child].before(&last) {
                break;
            }
            self.heap[pos] = self.heap[child];
            pos = child;
        }
        self.heap[pos] = last;
        Some((SimTime::from_nanos(first.at), first.event))
    }

    /// How many events are pending (void ones not yet dropped included).
    pub fn len(&self) -> usize {
        self.heap.len() + self.lanes.iter().map(Lane::len).sum::<usize>()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use std::collections::HashSet;

    #[test]
    fn pops_in_time_order_then_insertion_order() {
        let mut q = EventQueue::new();
        q.schedule(SimTime::from_nanos(5), "c");
        q.schedule(SimTime::from_nanos(1), "a");
        q.schedule(SimTime::from_nanos(5), "d");
        q.schedule(SimTime::from_nanos(3), "b");
        let order: Vec<_> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, ["a", "b", "c", "d"]);
    }

    #[test]
    fn lanes_and_heap_pop_in_one_order() {
        // Random times in the heap, fixed delays in lanes (more delays than
        // lanes), a clock that mostly moves on and sometimes goes back: the
        // order is always the sorted (time, sequence) order.
        let mut rng = Rng::seeded(11);
        let mut q = EventQueue::new();
        let mut reference: Vec<(u64, u64)> = Vec::new();
        let (mut now, mut seq) = (0u64, 0u64);
        for _ in 0..40_000 {
            let r = rng.next_f64();
            if r < 0.3 {
                let at = now + rng.below(1_000);
                q.schedule(SimTime::from_nanos(at), seq);
                reference.push((at, seq));
                seq += 1;
            } else if r < 0.6 {
                let delay = [0, 5, 50, 500, 7, 70, 700, 9, 90, 900, 1][rng.below(11) as usize];
                q.schedule_after(SimTime::from_nanos(now), SimDuration::from_nanos(delay), seq);
                reference.push((now + delay, seq));
                seq += 1;
            } else {
                reference.sort_unstable();
                let expected = (!reference.is_empty()).then(|| reference.remove(0));
                let got = q.pop().map(|(at, s)| (at.as_nanos(), s));
                assert_eq!(got, expected);
                if let Some((at, _)) = got {
                    now = if rng.next_f64() < 0.01 { at.saturating_sub(100) } else { at };
                }
            }
            assert_eq!(q.len(), reference.len());
            assert_eq!(q.peek_time().map(SimTime::as_nanos), reference.iter().min().map(|r| r.0));
        }
        assert!(q.lanes.len() == MAX_LANES);
    }

    #[test]
    fn void_events_are_dropped_and_the_rest_keep_their_order() {
        // Lanes and heap as above, and events turning void at random (for
        // good): pops return every live event in sorted order; void events
        // from lanes are never returned (the heap's own may be: the
        // caller's handler ignores them).
        let mut rng = Rng::seeded(5);
        let mut q = EventQueue::new();
        let mut reference: Vec<(u64, u64)> = Vec::new();
        let (mut void, mut in_heap) = (HashSet::new(), HashSet::new());
        let (mut now, mut seq, mut dropped) = (0u64, 0u64, 0);
        for _ in 0..40_000 {
            let r = rng.next_f64();
            if r < 0.2 {
                let at = now + rng.below(1_000);
                q.schedule(SimTime::from_nanos(at), seq);
                reference.push((at, seq));
                in_heap.insert(seq);
                seq += 1;
            } else if r < 0.6 {
                let delay = [5, 500, 50_000, 70][rng.below(4) as usize];
                q.schedule_after(SimTime::from_nanos(now), SimDuration::from_nanos(delay), seq);
                reference.push((now + delay, seq));
                seq += 1;
            } else if r < 0.8 {
                void.insert(rng.below(seq.max(1)));
            } else {
                dropped += reference.len();
                reference.retain(|(_, s)| !void.contains(s));
                dropped -= reference.len();
                reference.sort_unstable();
                let expected = (!reference.is_empty()).then(|| reference.remove(0));
                let got = loop {
                    match q.pop_due(|_| true, |s| !void.contains(s)) {
                        Some((_, s)) if void.contains(&s) => assert!(in_heap.contains(&s)),
                        got => break got.map(|(at, s)| (at.as_nanos(), s)),
                    }
                };
                assert_eq!(got, expected);
                if let Some((at, _)) = got {
                    now = at;
                }
            }
        }
        assert!(dropped > 1_000, "the test voids events waiting in lanes");
    }

    #[test]
    fn agrees_with_a_sort_under_interleaved_pushes_and_pops() {
        let mut rng = Rng::seeded(7);
        let mut q = EventQueue::new();
        let mut reference: Vec<(u64, u64)> = Vec::new();
        let mut seq = 0;
        for _ in 0..20_000 {
            if rng.next_f64() < 0.55 {
                let at = rng.below(1_000);
                q.schedule(SimTime::from_nanos(at), seq);
                reference.push((at, seq));
                seq += 1;
            } else {
                reference.sort_unstable();
                let expected = (!reference.is_empty()).then(|| reference.remove(0));
                let got = q.pop().map(|(at, s)| (at.as_nanos(), s));
                assert_eq!(got, expected);
            }
            assert_eq!(q.len(), reference.len());
        }
    }
}
