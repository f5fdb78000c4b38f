//! One stable sort for the lists the format and the page put in order
//! (problems by line, points by value, rows by share, spans by time).
//!
//! The standard library's sort is generic: every element type and every
//! comparison gets its own copy of its code, 3 to 5 kB each in the
//! browser's Wasm. Here the sorting is done once, on positions, with the
//! comparison called through a reference; what a caller adds is its
//! comparison and a short loop that moves the elements into place. For
//! the lists sorted here (tens to thousands of items, not in a hot loop)
//! the indirect calls cost nothing a user sees. The engine's hot sorts,
//! whose lists are almost always a handful of items, use
//! [`sort_short_by`]: insertion in place for those, this sort for longer.

use std::cmp::Ordering;

/// Sorts `items` by `cmp`, keeping equal items in their order, as
/// `slice::sort_by` does.
pub fn sort_by<T>(items: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let order = positions(items.len(), &mut |a, b| cmp(&items[a], &items[b]));
    permute(&order, &mut |a, b| items.swap(a, b));
}

/// Sorts `items` by the key `key` gives, stably, as `slice::sort_by_key`.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in their own order, stably, as `slice::sort`.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// Lists this long or shorter are sorted by [`sort_short_by`] in place, by
/// insertion, as the standard library sorts them too.
const SHORT: usize = 20;

/// Sorts `items` by `cmp`, stably, as [`sort_by`] does, for a hot loop
/// whose lists are almost always short (a write's follower lags, a span's
/// children): up to [`SHORT`] items by insertion in place, with no
/// allocation or indirect call, and longer ones through [`sort_by`].
pub fn sort_short_by<T>(items: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if items.len() > SHORT {
        return sort_by(items, cmp);
    }
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && cmp(&items[j - 1], &items[j]) == Ordering::Greater {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// The positions `0..n` in the order `cmp` puts them, ties by position.
#[inline(never)]
fn positions(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// Rearranges a list, through `swap`, so that its item `k` becomes the
/// one that was at `order[k]`: each cycle of the permutation is followed
/// once, so at most `n - 1` swaps.
#[inline(never)]
fn permute(order: &[usize], swap: &mut dyn FnMut(usize, usize)) {
    let mut placed = vec![false; order.len()];
    for start in 0..order.len() {
        let mut at = start;
        while !placed[at] {
            placed[at] = true;
            let from = order[at];
            if from == start {
                break;
            }
            swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small generator, so the lists are many and varied without a
    /// dependency.
    fn lists() -> impl Iterator<Item = Vec<(u8, u32)>> {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        (0..500).map(move |i| {
            let len = i % 40;
            (0..len)
                .map(|k| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    ((x % 6) as u8, k as u32)
                })
                .collect()
        })
    }

    #[test]
    fn sorts_as_the_standard_library_sorts_stably() {
        for list in lists() {
            let mut ours = list.clone();
            let mut std = list.clone();
            sort_by_key(&mut ours, |p| p.0);
            std.sort_by_key(|p| p.0);
            assert_eq!(ours, std, "from {list:?}");
            let mut ours = list.clone();
            sort_short_by(&mut ours, |a, b| a.0.cmp(&b.0));
            assert_eq!(ours, std, "short, from {list:?}");
            let mut ours = list.clone();
            let mut short = list.clone();
            let mut std = list;
            sort_by(&mut ours, |a, b| b.0.cmp(&a.0));
            sort_short_by(&mut short, |a, b| b.0.cmp(&a.0));
            std.sort_by_key(|p| std::cmp::Reverse(p.0));
            assert_eq!(ours, std);
            assert_eq!(short, std);
        }
    }

    #[test]
    fn sorts_whole_values_and_floats() {
        let mut words = vec!["pear", "apple", "fig", "apple"];
        sort(&mut words);
        assert_eq!(words, ["apple", "apple", "fig", "pear"]);
        let mut xs = vec![3.5, -1.0, f64::INFINITY, 0.0, -0.0, 2.0];
        sort_by(&mut xs, f64::total_cmp);
        assert_eq!(xs.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), {
            let mut s = [3.5, -1.0, f64::INFINITY, 0.0, -0.0, 2.0];
            s.sort_by(f64::total_cmp);
            s.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        });
        let mut empty: Vec<u8> = vec![];
        sort(&mut empty);
        assert!(empty.is_empty());
    }
}
