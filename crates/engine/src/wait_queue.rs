//! A replica's waiting line, in lanes by priority: a free worker takes the
//! oldest (or, under LIFO, the newest) request of the highest non-empty
//! lane. FIFO, LIFO and adaptive LIFO use a single lane.

use std::collections::VecDeque;

/// Waiting items of type `T`, in priority lanes (lane 0 is the lowest).
/// Lane 0 is kept inline: most nodes have no priorities, and their queue
/// is then one step from the replica, not two.
#[derive(Clone, Debug)]
pub struct WaitQueue<T> {
    base: VecDeque<T>,
    /// Lanes 1 and up, present once something was queued there.
    higher: Vec<VecDeque<T>>,
    len: usize,
}

impl<T> Default for WaitQueue<T> {
    fn default() -> Self {
        WaitQueue { base: VecDeque::new(), higher: Vec::new(), len: 0 }
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
        self.len += 1;
        if lane == 0 {
            self.base.push_back(item);
            return;
        }
        if lane > self.higher.len() {
            self.higher.resize_with(lane, VecDeque::new);
        }
        self.higher[lane - 1].push_back(item);
    }

    /// The oldest item of the highest non-empty lane.
    #[inline]
    pub fn front(&self) -> Option<T> {
        self.top().and_then(|l| self.lane(l).front().copied())
    }

    /// Takes the oldest item of the highest non-empty lane.
    #[inline]
    pub fn pop_oldest(&mut self) -> Option<T> {
        let lane = self.top()?;
        self.len -= 1;
        self.lane_mut(lane).pop_front()
    }

    /// Takes the newest item of the highest non-empty lane.
    #[inline]
    pub fn pop_newest(&mut self) -> Option<T> {
        let lane = self.top()?;
        self.len -= 1;
        self.lane_mut(lane).pop_back()
    }

    /// Every waiting item, highest lane first.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.higher.iter().rev().flatten().chain(&self.base)
    }

    #[inline]
    fn lane(&self, lane: usize) -> &VecDeque<T> {
        if lane == 0 { &self.base } else { &self.higher[lane - 1] }
    }

    #[inline]
    fn lane_mut(&mut self, lane: usize) -> &mut VecDeque<T> {
        if lane == 0 { &mut self.base } else { &mut self.higher[lane - 1] }
    }

    /// The highest non-empty lane, if anything waits.
    #[inline]
    fn top(&self) -> Option<usize> {
        if self.len == 0 {
            return None;
        }
        match self.higher.iter().rposition(|l| !l.is_empty()) {
            Some(i) => Some(i + 1),
            None => Some(0),
        }
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
