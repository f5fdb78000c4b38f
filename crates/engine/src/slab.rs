//! A generational slab: entities in flight (node visits, calls) live here and
//! are freed the moment they finish, so memory tracks what is in flight, not
//! how long the run has gone. A freed slot's key goes stale, so a late reply
//! to something already finished is recognised and ignored.
//!
//! Slots live in fixed chunks of [`CHUNK`] that never move: the slab grows
//! a chunk at a time instead of doubling one vector, so its memory at the
//! bound on work in flight is what it holds, not twice that plus the copy a
//! doubling makes (which in Wasm's linear memory is never given back).

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

/// Bits of a slot's index within its chunk.
const CHUNK_BITS: u32 = 10;
/// Slots a chunk holds: a fixed-size array, so a slot's place in it needs
/// no bounds check.
pub const CHUNK: usize = 1 << CHUNK_BITS;
const MASK: u32 = (1 << CHUNK_BITS) - 1;

type Chunk<T> = Box<[Slot<T>; CHUNK]>;

/// Values addressed by [`Key`].
#[derive(Debug)]
pub struct Slab<T> {
    chunks: Vec<Chunk<T>>,
    /// Slots handed out so far; those past it are vacant, never used.
    used: u32,
    free: Option<u32>,
    len: usize,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab { chunks: Vec::new(), used: 0, free: None, len: 0 }
    }
}

impl<T> Slab<T> {
    /// Stores `value`, returning its key.
    pub fn insert(&mut self, value: T) -> Key {
        self.len += 1;
        match self.free {
            Some(index) => {
                let slot = self.slot_mut(index).expect("the free list points at a slot");
                let (generation, next_free) = match *slot {
                    Slot::Free { generation, next_free } => (generation, next_free),
                    Slot::Occupied { .. } => unreachable!("free list points at an occupied slot"),
                };
                *slot = Slot::Occupied { generation, value };
                self.free = next_free;
                Key { index, generation }
            }
            None => {
                let index = self.push(Slot::Occupied { generation: 0, value });
                Key { index, generation: 0 }
            }
        }
    }

    /// The value, unless `key` is stale.
    #[inline]
    pub fn get(&self, key: Key) -> Option<&T> {
        match self.slot(key.index) {
            Some(Slot::Occupied { generation, value }) if *generation == key.generation => {
                Some(value)
            }
            _ => None,
        }
    }

    /// The value, mutably, unless `key` is stale.
    #[inline]
    pub fn get_mut(&mut self, key: Key) -> Option<&mut T> {
        match self.slot_mut(key.index) {
            Some(Slot::Occupied { generation, value }) if *generation == key.generation => {
                Some(value)
            }
            _ => None,
        }
    }

    /// Removes and returns the value; `key` (and every copy) goes stale.
    pub fn remove(&mut self, key: Key) -> Option<T> {
        let free = self.free;
        let slot = self.slot_mut(key.index)?;
        match slot {
            Slot::Occupied { generation, .. } if *generation == key.generation => {
                let next = Slot::Free { generation: generation.wrapping_add(1), next_free: free };
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

    #[inline]
    fn slot(&self, index: u32) -> Option<&Slot<T>> {
        let chunk = self.chunks.get((index >> CHUNK_BITS) as usize)?;
        Some(&chunk[(index & MASK) as usize])
    }

    #[inline]
    fn slot_mut(&mut self, index: u32) -> Option<&mut Slot<T>> {
        let chunk = self.chunks.get_mut((index >> CHUNK_BITS) as usize)?;
        Some(&mut chunk[(index & MASK) as usize])
    }

    /// Puts `slot` in the first slot never used, adding a chunk when every
    /// one is; returns its index.
    fn push(&mut self, slot: Slot<T>) -> u32 {
        let index = self.used;
        if (index >> CHUNK_BITS) as usize == self.chunks.len() {
            self.chunks.push(vacant_chunk());
        }
        self.used += 1;
        *self.slot_mut(index).expect("a chunk was added for it") = slot;
        index
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
        self.chunks.iter_mut().flat_map(|c| c.iter_mut()).enumerate().filter_map(|(i, s)| match s {
            Slot::Occupied { generation, value } => {
                Some((Key { index: i as u32, generation: *generation }, value))
            }
            Slot::Free { .. } => None,
        })
    }

    /// Every live entry with its key, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (Key, &T)> {
        self.chunks.iter().flat_map(|c| c.iter()).enumerate().filter_map(|(i, s)| match s {
            Slot::Occupied { generation, value } => {
                Some((Key { index: i as u32, generation: *generation }, value))
            }
            Slot::Free { .. } => None,
        })
    }
}

/// A chunk of slots never used: free, but not on the free list (a slot past
/// `used` is handed out by `push`).
fn vacant_chunk<T>() -> Chunk<T> {
    let slots: Box<[Slot<T>]> =
        (0..CHUNK).map(|_| Slot::Free { generation: 0, next_free: None }).collect();
    match slots.try_into() {
        Ok(chunk) => chunk,
        Err(_) => unreachable!("made with CHUNK slots"),
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

    #[test]
    fn keys_hold_across_chunks_and_chunks_never_move() {
        let mut slab = Slab::default();
        let keys: Vec<Key> = (0..3 * CHUNK + 5).map(|i| slab.insert(i)).collect();
        let second = slab.chunks[1].as_ptr();
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(slab.get(*key), Some(&i));
        }
        assert_eq!(slab.chunks.len(), 4);
        for key in &keys[CHUNK..2 * CHUNK] {
            slab.remove(*key);
        }
        let again: Vec<Key> = (0..CHUNK).map(|i| slab.insert(i)).collect();
        assert_eq!(slab.chunks.len(), 4, "freed slots are reused before a chunk is added");
        assert_eq!(slab.chunks[1].as_ptr(), second);
        assert!(again.iter().all(|k| slab.get(*k).is_some()));
        assert_eq!(slab.len(), 3 * CHUNK + 5);
        assert_eq!(slab.iter().count(), slab.len());
    }
}
