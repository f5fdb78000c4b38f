//! Choosing a replica for each request.

use crate::rng::Rng;
use crate::scenario::Balancer;

/// Picks one of `n` replicas (at least 1), given each replica's outstanding
/// requests. `cursor` is the round-robin position, kept by the caller.
pub fn pick(
    balancer: Balancer,
    n: usize,
    outstanding: impl Fn(usize) -> u32,
    cursor: &mut u32,
    rng: &mut Rng,
) -> usize {
    if n <= 1 {
        return 0;
    }
    match balancer {
        Balancer::RoundRobin => {
            let i = *cursor as usize % n;
            *cursor = cursor.wrapping_add(1);
            i
        }
        Balancer::Random => rng.below(n as u64) as usize,
        Balancer::LeastOutstanding => {
            // Ties go to the next replica in round-robin order, so an idle
            // system still spreads its work.
            let start = *cursor as usize % n;
            *cursor = cursor.wrapping_add(1);
            (0..n).map(|k| (start + k) % n).min_by_key(|&i| outstanding(i)).unwrap_or(0)
        }
        Balancer::P2c => {
            let a = rng.below(n as u64) as usize;
            let b = (a + 1 + rng.below(n as u64 - 1) as usize) % n;
            if outstanding(b) < outstanding(a) { b } else { a }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_balancer_spreads_or_prefers_the_idle() {
        let mut rng = Rng::seeded(1);
        let mut cursor = 0;
        let picks: Vec<usize> =
            (0..4).map(|_| pick(Balancer::RoundRobin, 3, |_| 0, &mut cursor, &mut rng)).collect();
        assert_eq!(picks, [0, 1, 2, 0]);
        let load = [3, 0, 5];
        assert_eq!(pick(Balancer::LeastOutstanding, 3, |i| load[i], &mut cursor, &mut rng), 1);
        for _ in 0..100 {
            assert_ne!(pick(Balancer::P2c, 2, |i| [9, 0][i], &mut cursor, &mut rng), 0);
            assert!(pick(Balancer::Random, 3, |_| 0, &mut cursor, &mut rng) < 3);
        }
    }
}
