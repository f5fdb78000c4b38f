//! A replica's waiting line, in lanes by priority: a free worker takes the
//! oldest (or, under LIFO, the newest) request of the highest non-empty
//! lane. FIFO, LIFO and adaptive LIFO use a single lane.

use std::collections::VecDeque;

/// Waiting items of type `T`, in priority lanes (lane 0 is the lowest).
#[derive(Clone, Debug)]
pub struct WaitQueue<T> {
    lanes: Vec<VecDeque<T>>,
    len: usize,
}

impl<T> Default for WaitQueue<T> {
    fn default() -> Self {
        WaitQueue { lanes: vec![VecDeque::new()], len: 0 }
    }
}

impl<T: Copy> WaitQueue<T> {
    /// How many wait, all lanes together.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nobody waits.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends `item` to the back of `lane`.
    #[inline]
    pub fn push(&mut self, lane: usize, item: T) {
        if lane >= self.lanes.len() {
            self.lanes.resize_with(lane + 1, VecDeque::new);
        }
        self.lanes[lane].push_back(item);
        self.len += 1;
    }

    /// The oldest item of the highest non-empty lane.
    #[inline]
    pub fn front(&self) -> Option<T> {
        self.top().and_then(|l| self.lanes[l].front().copied())
    }

    /// Takes the oldest item of the highest non-empty lane.
    #[inline]
    pub fn pop_oldest(&mut self) -> Option<T> {
        let lane = self.top()?;
        self.len -= 1;
        self.lanes[lane].pop_front()
    }

    /// Takes the newest item of the highest non-empty lane.
    #[inline]
    pub fn pop_newest(&mut self) -> Option<T> {
        let lane = self.top()?;
        self.len -= 1;
        self.lanes[lane].pop_back()
    }

    /// Every waiting item, highest lane first.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.lanes.iter().rev().flatten()
    }

    #[inline]
    fn top(&self) -> Option<usize> {
        if self.len == 0 {
            return None;
        }
        if self.lanes.len() == 1 {
            return Some(0);
        }
        self.lanes.iter().rposition(|l| !l.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_lanes_go_first_and_fifo_within_a_lane() {
        let mut q = WaitQueue::default();
        q.push(0, "low-1");
        q.push(2, "high-1");
        q.push(0, "low-2");
        q.push(2, "high-2");
        q.push(1, "mid");
        let order: Vec<_> = std::iter::from_fn(|| q.pop_oldest()).collect();
        assert_eq!(order, ["high-1", "high-2", "mid", "low-1", "low-2"]);
        assert!(q.is_empty());
    }

    #[test]
    fn newest_first_within_the_top_lane() {
        let mut q = WaitQueue::default();
        for i in 0..3 {
            q.push(0, i);
        }
        assert_eq!(q.front(), Some(0));
        assert_eq!(q.pop_newest(), Some(2));
        assert_eq!(q.pop_oldest(), Some(0));
        assert_eq!(q.len(), 1);
    }
}
