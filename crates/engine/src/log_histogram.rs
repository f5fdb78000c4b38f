//! A log-linear histogram of `u64` values to two significant digits, with
//! the bucket layout, growth and read-outs of `hdrhistogram`'s
//! `Histogram::<u64>::new(2)`: every value lands in the bucket it would
//! land in there, and every quantile, count and maximum reads the same.
//!
//! Written out because recording is the engine's hottest measurement: a
//! node visit records one latency and a user request another. Here a record
//! is an index, an increment and a maximum; `hdrhistogram`'s generic record
//! (its resize, clamp, minimum and saturation paths) took four times the
//! instructions (BENCHMARKS.md, "Histogram records"). The equivalence is
//! tested against `hdrhistogram` itself.

/// Sub-buckets a bucket holds: the power of two at or above 2 × 10² (two
/// significant digits, single-unit resolution up to 200).
const SUB_BUCKETS: u64 = 256;
/// The upper half of a bucket, the part every bucket past the first uses.
const HALF_MAGNITUDE: u32 = 7;
const HALF: usize = 1 << HALF_MAGNITUDE;
/// Leading zeros of the largest value bucket 0 holds, less one bucket.
const LEADING_ZERO_BASE: u32 = 64 - 8;

/// Counts per log-linear bucket, growing to the largest value recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct LogHistogram {
    counts: Vec<u64>,
    total: u64,
    /// The largest value recorded (0 when none).
    max: u64,
}

impl Default for LogHistogram {
    fn default() -> Self {
        Self::new()
    }
}

impl LogHistogram {
    /// An empty histogram covering the first bucket (values up to 255).
    pub fn new() -> Self {
        LogHistogram { counts: vec![0; bins(buckets_to_cover(2))], total: 0, max: 0 }
    }

    /// Records one value.
    #[inline]
    pub fn record(&mut self, value: u64) {
        let index = index_of(value);
        match self.counts.get_mut(index) {
            Some(count) => *count += 1,
            None => self.grow_and_record(value, index),
        }
        self.max = self.max.max(value);
        self.total += 1;
    }

    #[cold]
    fn grow_and_record(&mut self, value: u64, index: usize) {
        self.grow_to(value);
        self.counts[index] += 1;
    }

    /// Grows the buckets to cover `value`, as `hdrhistogram`'s resize does.
    fn grow_to(&mut self, value: u64) {
        let len = bins(buckets_to_cover(value));
        if len > self.counts.len() {
            self.counts.resize(len, 0);
        }
    }

    /// How many values were recorded.
    pub fn len(&self) -> u64 {
        self.total
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Forgets every value, keeping the buckets.
    pub fn reset(&mut self) {
        self.counts.fill(0);
        self.total = 0;
        self.max = 0;
    }

    /// Adds every value `other` recorded.
    pub fn add(&mut self, other: &LogHistogram) {
        if other.is_empty() {
            return;
        }
        if self.top() < other.max() {
            self.grow_to(other.max());
        }
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.total += other.total;
        self.max = self.max.max(other.max);
    }

    /// The highest value equivalent to the largest recorded (0 when empty).
    pub fn max(&self) -> u64 {
        if self.max == 0 { 0 } else { highest_equivalent(self.max) }
    }

    /// The value at quantile `q` in `[0, 1]`: the highest value equivalent
    /// to the bucket where the count reaches `⌈q × len⌉` (at least 1); the
    /// lowest when `q` is 0. 0 when empty.
    pub fn value_at_quantile(&self, q: f64) -> u64 {
        self.values_at_quantiles([q])[0]
    }

    /// [`LogHistogram::value_at_quantile`] at each of `qs` (ascending), in
    /// one pass over the buckets rather than one a quantile: what the
    /// windows' summaries read, several quantiles at a time.
    pub fn values_at_quantiles<const N: usize>(&self, qs: [f64; N]) -> [u64; N] {
        let targets = qs.map(|q| ((q.min(1.0) * self.total as f64).ceil() as u64).max(1));
        let mut values = [0; N];
        let (mut next, mut seen, mut index) = (0, 0, 0);
        while next < N {
            // The bucket where the count reaches the next target (the next
            // quantile's may be the same one).
            while index < self.counts.len() && seen + self.counts[index] < targets[next] {
                seen += self.counts[index];
                index += 1;
            }
            if index == self.counts.len() {
                break;
            }
            let value = value_of(index);
            values[next] =
                if qs[next] == 0.0 { lowest_equivalent(value) } else { highest_equivalent(value) };
            next += 1;
        }
        values
    }

    /// How many values lie in the buckets from `low`'s to `high`'s, each
    /// index held to the last bucket.
    pub fn count_between(&self, low: u64, high: u64) -> u64 {
        let last = self.counts.len() - 1;
        let (from, to) = (index_of(low).min(last), index_of(high).min(last));
        self.counts[from..=to].iter().sum()
    }

    /// The highest value the buckets hold now.
    fn top(&self) -> u64 {
        highest_equivalent(value_of(self.counts.len() - 1))
    }
}

#[inline]
fn bucket_of(value: u64) -> u32 {
    LEADING_ZERO_BASE - (value | (SUB_BUCKETS - 1)).leading_zeros()
}

#[inline]
fn index_of(value: u64) -> usize {
    let bucket = bucket_of(value);
    let sub = (value >> bucket) as usize;
    (((bucket + 1) as usize) << HALF_MAGNITUDE) + sub - HALF
}

fn value_of(index: usize) -> u64 {
    let bucket = (index >> HALF_MAGNITUDE) as i64 - 1;
    let sub = (index & (HALF - 1)) + HALF;
    if bucket < 0 { (sub - HALF) as u64 } else { (sub as u64) << bucket }
}

fn lowest_equivalent(value: u64) -> u64 {
    let bucket = bucket_of(value);
    (value >> bucket) << bucket
}

fn highest_equivalent(value: u64) -> u64 {
    if value == u64::MAX {
        return u64::MAX;
    }
    lowest_equivalent(value).saturating_add(1 << bucket_of(value)) - 1
}

/// Buckets needed for `value` to be representable.
fn buckets_to_cover(value: u64) -> u32 {
    let mut untrackable = SUB_BUCKETS;
    let mut buckets = 1;
    while untrackable <= value {
        if untrackable > u64::MAX / 2 {
            return buckets + 1;
        }
        untrackable <<= 1;
        buckets += 1;
    }
    buckets
}

fn bins(buckets: u32) -> usize {
    (buckets as usize + 1) * HALF
}

#[cfg(test)]
mod tests {
    use super::*;
    use hdrhistogram::Histogram;

    fn reference() -> Histogram<u64> {
        Histogram::new(2).unwrap()
    }

    #[test]
    fn quantiles_in_one_pass_equal_one_at_a_time() {
        let mut h = LogHistogram::new();
        assert_eq!(h.values_at_quantiles([0.5, 0.99]), [0, 0]);
        for v in values(7, 20_000) {
            h.record(v);
        }
        let qs = [0.0, 0.1, 0.5, 0.5, 0.9, 0.99, 0.999, 1.0];
        assert_eq!(h.values_at_quantiles(qs), qs.map(|q| h.value_at_quantile(q)));
        h.reset();
        h.record(42);
        assert_eq!(h.values_at_quantiles(qs), qs.map(|q| h.value_at_quantile(q)));
    }

    /// Values from 1 to about 2⁵⁵ (a year in nanoseconds), log-spread.
    fn values(seed: u64, n: usize) -> Vec<u64> {
        let mut rng = crate::rng::Rng::seeded(seed);
        (0..n).map(|_| 1 + (rng.next_u64() >> (9 + rng.below(55)))).collect()
    }

    /// `values` recorded into both histograms.
    fn recorded(values: impl IntoIterator<Item = u64>) -> (LogHistogram, Histogram<u64>) {
        let (mut mine, mut theirs) = (LogHistogram::new(), reference());
        for v in values {
            mine.record(v);
            theirs.record(v).unwrap();
        }
        (mine, theirs)
    }

    fn same(mine: &LogHistogram, theirs: &Histogram<u64>) {
        assert_eq!(mine.len(), theirs.len());
        assert_eq!(mine.counts.len(), theirs.distinct_values());
        if !mine.is_empty() {
            assert_eq!(mine.max(), theirs.max());
        }
        for q in [0.0, 0.001, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999, 1.0, 1.5] {
            assert_eq!(mine.value_at_quantile(q), theirs.value_at_quantile(q), "q {q}");
        }
        for low in [0, 1, 255, 256, 1_000, 123_456, 1 << 40, 1 << 62, u64::MAX] {
            let (a, b) = (mine.count_between(low, u64::MAX), theirs.count_between(low, u64::MAX));
            assert_eq!(a, b, "count above {low}");
        }
    }

    #[test]
    fn records_read_as_hdrhistogram_reads_them() {
        for (seed, n) in [(1, 0), (2, 1), (3, 10), (4, 1_000), (5, 100_000)] {
            let (mine, theirs) = recorded(values(seed, n));
            same(&mine, &theirs);
        }
    }

    #[test]
    fn small_values_grow_nothing() {
        let (mine, theirs) = recorded(1..300);
        same(&mine, &theirs);
    }

    #[test]
    fn adds_and_resets_as_hdrhistogram_does() {
        let (mut a, mut ra) = recorded(values(7, 500));
        let (b, rb) = recorded(values(8, 500).into_iter().map(|v| v.min(1 << 30)));
        // A small one into a large one, and a large one into a small one.
        let (mut small, mut rsmall) = (b.clone(), rb.clone());
        small.add(&a);
        rsmall.add(&ra).unwrap();
        same(&small, &rsmall);
        a.add(&b);
        ra.add(&rb).unwrap();
        same(&a, &ra);
        a.reset();
        ra.reset();
        same(&a, &ra);
        a.record(42);
        ra.record(42).unwrap();
        same(&a, &ra);
        // Adding an empty one changes nothing.
        let empty = LogHistogram::new();
        a.add(&empty);
        ra.add(reference()).unwrap();
        same(&a, &ra);
    }
}
