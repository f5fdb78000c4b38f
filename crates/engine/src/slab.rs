//! A generational slab: entities in flight (node visits, calls) live here and
//! are freed the moment they finish, so memory tracks what is in flight, not
//! how long the run has gone. A freed slot's key goes stale, so a late reply
//! to something already finished is recognised and ignored.

/// A handle to a slab entry. Stale once the entry is removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    index: u32,
    generation: u32,
}

#[derive(Debug)]
enum Slot<T> {
    Occupied { generation: u32, value: T },
    Free { generation: u32, next_free: Option<u32> },
}

/// Values addressed by [`Key`].
#[derive(Debug)]
pub struct Slab<T> {
    slots: Vec<Slot<T>>,
    free: Option<u32>,
    len: usize,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab { slots: Vec::new(), free: None, len: 0 }
    }
}

impl<T> Slab<T> {
    /// Stores `value`, returning its key.
    pub fn insert(&mut self, value: T) -> Key {
        self.len += 1;
        match self.free {
            Some(index) => {
                let slot = &mut self.slots[index as usize];
                let (generation, next_free) = match *slot {
                    Slot::Free { generation, next_free } => (generation, next_free),
                    Slot::Occupied { .. } => unreachable!("free list points at an occupied slot"),
                };
                self.free = next_free;
                *slot = Slot::Occupied { generation, value };
                Key { index, generation }
            }
            None => {
                let index = self.slots.len() as u32;
                self.slots.push(Slot::Occupied { generation: 0, value });
                Key { index, generation: 0 }
            }
        }
    }

    /// The value, unless `key` is stale.
    #[inline]
    pub fn get(&self, key: Key) -> Option<&T> {
        match self.slots.get(key.index as usize) {
            Some(Slot::Occupied { generation, value }) if *generation == key.generation => {
                Some(value)
            }
            _ => None,
        }
    }

    /// The value, mutably, unless `key` is stale.
    #[inline]
    pub fn get_mut(&mut self, key: Key) -> Option<&mut T> {
        match self.slots.get_mut(key.index as usize) {
            Some(Slot::Occupied { generation, value }) if *generation == key.generation => {
                Some(value)
            }
            _ => None,
        }
    }

    /// Removes and returns the value; `key` (and every copy) goes stale.
    pub fn remove(&mut self, key: Key) -> Option<T> {
        let slot = self.slots.get_mut(key.index as usize)?;
        match slot {
            Slot::Occupied { generation, .. } if *generation == key.generation => {
                let next =
                    Slot::Free { generation: generation.wrapping_add(1), next_free: self.free };
                let Slot::Occupied { value, .. } = std::mem::replace(slot, next) else {
                    unreachable!("checked occupied above")
                };
                self.free = Some(key.index);
                self.len -= 1;
                Some(value)
            }
            _ => None,
        }
    }

    /// Entries in the slab.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the slab is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every live entry, mutably, with its key, in slot order.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (Key, &mut T)> {
        self.slots.iter_mut().enumerate().filter_map(|(i, s)| match s {
            Slot::Occupied { generation, value } => {
                Some((Key { index: i as u32, generation: *generation }, value))
            }
            Slot::Free { .. } => None,
        })
    }

    /// Every live entry with its key, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (Key, &T)> {
        self.slots.iter().enumerate().filter_map(|(i, s)| match s {
            Slot::Occupied { generation, value } => {
                Some((Key { index: i as u32, generation: *generation }, value))
            }
            Slot::Free { .. } => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_keys_are_refused_after_reuse() {
        let mut slab = Slab::default();
        let a = slab.insert("a");
        assert_eq!(slab.remove(a), Some("a"));
        let b = slab.insert("b");
        assert_eq!(slab.get(a), None, "a's key is stale although its slot is reused");
        assert_eq!(slab.get(b), Some(&"b"));
        assert_eq!(slab.remove(a), None);
        assert_eq!(slab.len(), 1);
    }
}
