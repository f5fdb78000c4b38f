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
//! order they were scheduled: a FIFO keeps them sorted for free. Most of
//! them are cancelled long before they are due, and in the heap they made
//! it ten levels deep where the events that matter need five.
//! [`EventQueue::schedule_after`] puts such an event in the lane of its
//! delay (up to [`MAX_LANES`] delays; past that, or if an entry would go
//! out of order, in the heap). Pop takes the least `(time, sequence)` of
//! the heap's root and the lanes' fronts, so the order of events is
//! exactly the heap-only order.

use crate::time::{SimDuration, SimTime};

/// How many distinct delays get a lane of their own.
pub const MAX_LANES: usize = 8;

/// Events of type `E`, popped earliest first, first-scheduled first on ties.
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: Vec<Entry<E>>,
    lanes: Vec<Lane<E>>,
    /// The lane whose front comes first, if any lane has entries: kept as
    /// lanes change, so a pop compares the heap's root with one front.
    first_lane: Option<usize>,
    next_seq: u64,
}

/// Events scheduled one fixed delay ahead, in the order they are due:
/// `entries[head..]` are pending.
#[derive(Debug)]
struct Lane<E> {
    delay: u64,
    entries: Vec<Entry<E>>,
    head: usize,
}

impl<E: Copy> Lane<E> {
    #[inline]
    fn front(&self) -> Option<&Entry<E>> {
        self.entries.get(self.head)
    }

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

/// Where the next event is: the heap's root or a lane's front.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Heap,
    Lane(usize),
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue { heap: Vec::new(), lanes: Vec::new(), first_lane: None, next_seq: 0 }
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
                self.lanes.push(Lane { delay, entries: Vec::new(), head: 0 });
                self.lanes.len() - 1
            }
            None => return self.schedule(at, event),
        };
        let l = &self.lanes[lane];
        if l.entries.last().is_some_and(|last| last.at > at.as_nanos()) {
            return self.schedule(at, event);
        }
        let was_empty = l.len() == 0;
        let entry = Entry { at: at.as_nanos(), seq: self.next_seq, event };
        self.lanes[lane].entries.push(entry);
        self.next_seq += 1;
        if was_empty && self.first_lane.is_none_or(|f| entry.before(self.front(f))) {
            self.first_lane = Some(lane);
        }
    }

    /// Lane `i`'s front; only for a lane with entries.
    #[inline]
    fn front(&self, i: usize) -> &Entry<E> {
        &self.lanes[i].entries[self.lanes[i].head]
    }

    /// Finds the lane whose front comes first, after that lane's front went.
    fn find_first_lane(&mut self) {
        let mut first: Option<(usize, &Entry<E>)> = None;
        for (i, lane) in self.lanes.iter().enumerate() {
            if let Some(front) = lane.front()
                && first.is_none_or(|(_, b)| front.before(b))
            {
                first = Some((i, front));
            }
        }
        self.first_lane = first.map(|(i, _)| i);
    }

    /// Where the earliest pending event is, if any.
    #[inline]
    fn next_source(&self) -> Option<(Source, &Entry<E>)> {
        let root = self.heap.first();
        match (root, self.first_lane) {
            (_, None) => root.map(|e| (Source::Heap, e)),
            (Some(r), Some(i)) if r.before(self.front(i)) => Some((Source::Heap, r)),
            (_, Some(i)) => Some((Source::Lane(i), self.front(i))),
        }
    }

    /// When the next event happens, if any.
    #[inline]
    pub fn peek_time(&self) -> Option<SimTime> {
        self.next_source().map(|(_, e)| SimTime::from_nanos(e.at))
    }

    /// Removes and returns the next event.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.pop_due(|_| true)
    }

    /// Removes and returns the next event if `due(its time)`; `None` if
    /// the queue is empty or the next event is not due.
    #[inline]
    pub fn pop_due(&mut self, due: impl Fn(SimTime) -> bool) -> Option<(SimTime, E)> {
        if self.lanes.is_empty() {
            // No timeouts in this scenario: the heap alone, as cheap as before lanes.
            return if due(SimTime::from_nanos(self.heap.first()?.at)) {
                self.pop_heap()
            } else {
                None
            };
        }
        let (source, next) = self.next_source()?;
        if !due(SimTime::from_nanos(next.at)) {
            return None;
        }
        match source {
            Source::Heap => self.pop_heap(),
            Source::Lane(i) => {
                let e = self.lanes[i].pop_front()?;
                self.find_first_lane();
                Some((SimTime::from_nanos(e.at), e.event))
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
