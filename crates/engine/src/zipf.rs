//! Zipf-distributed key ranks by rejection-inversion (Hörmann and
//! Derflinger, 1996): constant expected time for any number of keys, no
//! tables, and only `libm` arithmetic, so draws are identical natively and
//! in Wasm.

use crate::rng::Rng;

/// Ranks 1..=n with P(k) ∝ k^(−s).
#[derive(Clone, Debug)]
pub struct Zipf {
    n: f64,
    exponent: f64,
    h_integral_x1: f64,
    h_integral_n: f64,
    s: f64,
}

impl Zipf {
    /// A sampler over `n` ≥ 1 ranks with exponent `exponent` ≥ 0
    /// (0 = uniform).
    pub fn new(n: u64, exponent: f64) -> Zipf {
        let n = n.max(1) as f64;
        let mut z = Zipf { n, exponent, h_integral_x1: 0.0, h_integral_n: 0.0, s: 0.0 };
        z.h_integral_x1 = z.h_integral(1.5) - 1.0;
        z.h_integral_n = z.h_integral(n + 0.5);
        z.s = 2.0 - z.h_integral_inverse(z.h_integral(2.5) - z.h(2.0));
        z
    }

    /// One rank, 1 = the most popular.
    pub fn sample(&self, rng: &mut Rng) -> u64 {
        loop {
            let u = self.h_integral_n + rng.next_f64() * (self.h_integral_x1 - self.h_integral_n);
            let x = self.h_integral_inverse(u);
            let k = (x + 0.5).floor().clamp(1.0, self.n);
            if k - x <= self.s || u >= self.h_integral(k + 0.5) - self.h(k) {
                return k as u64;
            }
        }
    }

    fn h(&self, x: f64) -> f64 {
        libm::exp(-self.exponent * libm::log(x))
    }

    fn h_integral(&self, x: f64) -> f64 {
        let log_x = libm::log(x);
        helper2((1.0 - self.exponent) * log_x) * log_x
    }

    fn h_integral_inverse(&self, x: f64) -> f64 {
        let t = (x * (1.0 - self.exponent)).max(-1.0);
        libm::exp(helper1(t) * x)
    }
}

/// log(1 + x) / x, accurate near 0.
fn helper1(x: f64) -> f64 {
    if x.abs() > 1e-8 { libm::log1p(x) / x } else { 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x)) }
}

/// (exp(x) − 1) / x, accurate near 0.
fn helper2(x: f64) -> f64 {
    if x.abs() > 1e-8 {
        libm::expm1(x) / x
    } else {
        1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Observed frequencies of the top ranks against k^(−s) / H(n, s).
    #[test]
    fn frequencies_follow_the_power_law() {
        for (n, s) in [(1000u64, 1.0), (50, 0.0), (100_000, 1.2), (10, 0.5)] {
            let z = Zipf::new(n, s);
            let mut rng = Rng::seeded(3);
            let draws = 400_000;
            let mut counts = [0u64; 6];
            for _ in 0..draws {
                let k = z.sample(&mut rng);
                assert!((1..=n).contains(&k));
                if k <= 5 {
                    counts[k as usize] += 1;
                }
            }
            let norm: f64 = (1..=n).map(|k| (k as f64).powf(-s)).sum();
            for k in 1..=5u64.min(n) {
                let p = (k as f64).powf(-s) / norm;
                let observed = counts[k as usize] as f64 / draws as f64;
                let se = (p * (1.0 - p) / draws as f64).sqrt();
                assert!(
                    (observed - p).abs() < 5.0 * se + 1e-4,
                    "n={n} s={s} k={k}: {observed} vs {p}"
                );
            }
        }
    }
}
