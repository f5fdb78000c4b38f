//! The future event list: a binary min-heap ordered by time, then by
//! insertion.
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

use crate::time::SimTime;

/// Events of type `E`, popped earliest first, first-scheduled first on ties.
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: Vec<Entry<E>>,
    next_seq: u64,
}

/// A pending event: its time, then its sequence number.
#[derive(Clone, Copy, Debug)]
struct Entry<E> {
    at: u64,
    seq: u64,
    event: E,
}

impl<E> Entry<E> {
    /// Whether this entry comes before `other`.
    #[inline]
    fn before(&self, other: &Self) -> bool {
        (self.at, self.seq) < (other.at, other.seq)
    }
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue { heap: Vec::new(), next_seq: 0 }
    }
}

impl<E: Copy> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Schedules `event` to happen at `at`. Always inlined: an event built
    /// in pieces by the caller and read back whole by a called function
    /// stalls store forwarding, as above.
    #[inline(always)]
    pub fn schedule(&mut self, at: SimTime, event: E) {
        let entry = Entry { at: at.as_nanos(), seq: self.next_seq, event };
        self.next_seq += 1;
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

    /// When the next event happens, if any.
    #[inline]
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.first().map(|e| SimTime::from_nanos(e.at))
    }

    /// Removes and returns the next event.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
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
            let child =
                if right < len && self.heap[right].before(&self.heap[left]) { right } else { left };
            if !self.heap[child].before(&last) {
                break;
            }
            self.heap[pos] = self.heap[child];
            pos = child;
        }
        self.heap[pos] = last;
        Some((SimTime::from_nanos(first.at), first.event))
    }

    /// How many events are pending.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

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
