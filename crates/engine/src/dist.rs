//! Sampling the scenario's distributions ([`Distribution`], defined with the
//! scenario format), in integer nanoseconds.

pub use scalesim_scenario::dist::{Distribution, Z99};

use crate::rng::Rng;
use crate::time::SimDuration;

/// One draw of `d`. (The engine compiles a distribution into a
/// [`Sampler`](crate::sampler::Sampler) once; this is for one-off draws.)
pub fn sample(d: &Distribution, rng: &mut Rng) -> SimDuration {
    crate::sampler::Sampler::from(d).sample(rng)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_mean(d: &Distribution, n: u32) -> f64 {
        let mut rng = Rng::seeded(11);
        (0..n).map(|_| sample(d, &mut rng).as_nanos() as f64).sum::<f64>() / n as f64
    }

    #[test]
    fn exponential_mean_matches() {
        let d = Distribution::Exp { mean: SimDuration::from_millis(8) };
        // Standard error of the mean is mean/sqrt(n) = 0.22%; allow 5 of them.
        let m = sample_mean(&d, 200_000);
        assert!((m / 8e6 - 1.0).abs() < 0.011, "mean {m}");
    }

    #[test]
    fn uniform_stays_in_bounds_and_centres() {
        let d = Distribution::Uniform {
            min: SimDuration::from_millis(2),
            max: SimDuration::from_millis(4),
        };
        let mut rng = Rng::seeded(5);
        for _ in 0..10_000 {
            let x = sample(&d, &mut rng);
            assert!(x >= SimDuration::from_millis(2) && x <= SimDuration::from_millis(4));
        }
        assert!((sample_mean(&d, 100_000) / 3e6 - 1.0).abs() < 0.005);
    }

    #[test]
    fn lognormal_hits_its_percentiles() {
        let d = Distribution::Lognormal {
            p50: SimDuration::from_millis(8),
            p99: SimDuration::from_millis(40),
        };
        let mut rng = Rng::seeded(3);
        let mut xs: Vec<u64> = (0..200_000).map(|_| sample(&d, &mut rng).as_nanos()).collect();
        xs.sort_unstable();
        let p50 = xs[100_000] as f64 / 1e6;
        let p99 = xs[198_000] as f64 / 1e6;
        assert!((p50 / 8.0 - 1.0).abs() < 0.01, "p50 {p50}");
        assert!((p99 / 40.0 - 1.0).abs() < 0.03, "p99 {p99}");
        let mean = xs.iter().sum::<u64>() as f64 / xs.len() as f64;
        assert!((mean / d.mean().as_nanos() as f64 - 1.0).abs() < 0.01);
    }

    #[test]
    fn bimodal_and_pareto_means() {
        let b = Distribution::Bimodal {
            fast: SimDuration::from_millis(5),
            slow: SimDuration::from_millis(500),
            slow_share: 0.01,
        };
        assert!((sample_mean(&b, 400_000) / b.mean().as_nanos() as f64 - 1.0).abs() < 0.03);
        let p = Distribution::Pareto { scale: SimDuration::from_millis(1), shape: 3.0, max: None };
        assert!((sample_mean(&p, 400_000) / 1.5e6 - 1.0).abs() < 0.01);
        assert!(
            Distribution::Pareto { scale: SimDuration::ZERO, shape: 1.0, max: None }
                .check()
                .is_err()
        );
    }

    #[test]
    fn constant_is_constant() {
        let d = Distribution::Const { value: SimDuration::from_millis(3) };
        assert_eq!(sample_mean(&d, 10), 3e6);
    }
}
