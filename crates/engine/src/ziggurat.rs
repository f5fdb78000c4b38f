//! Ziggurat samplers (Marsaglia & Tsang, 2000) for the standard exponential
//! and normal distributions: a table lookup, a multiply and a compare for
//! about 99% of draws, instead of a logarithm every time.
//!
//! The tables are computed once with `libm` (pure Rust), and every draw uses
//! only IEEE basic arithmetic on the fast path, so a seed gives the same
//! stream natively and in Wasm.

use std::sync::OnceLock;

use crate::rng::Rng;

/// Layers in each ziggurat.
const LAYERS: usize = 256;

/// One ziggurat: layer edges `x` (decreasing, `x[LAYERS] = 0`) and the
/// density at each edge.
struct Tables {
    x: [f64; LAYERS + 1],
    f: [f64; LAYERS + 1],
}

impl Tables {
    /// Builds the layers for a decreasing density `pdf` with inverse `inv`,
    /// rightmost edge `r` and layer area `v`.
    fn new(r: f64, v: f64, pdf: fn(f64) -> f64, inv: fn(f64) -> f64) -> Tables {
        let mut x = [0.0; LAYERS + 1];
        x[0] = v / pdf(r);
        x[1] = r;
        for i in 1..LAYERS - 1 {
            x[i + 1] = inv(pdf(x[i]) + v / x[i]);
        }
        x[LAYERS] = 0.0;
        let mut f = [0.0; LAYERS + 1];
        for i in 0..=LAYERS {
            f[i] = pdf(x[i]);
        }
        Tables { x, f }
    }
}

const EXP_R: f64 = 7.697_117_470_131_05;
const EXP_V: f64 = 0.003_949_659_822_581_557;
const NORM_R: f64 = 3.654_152_885_361_009;
const NORM_V: f64 = 0.004_928_673_233_99;

fn exp_tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| Tables::new(EXP_R, EXP_V, |x| libm::exp(-x), |y| -libm::log(y)))
}

fn normal_tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        Tables::new(
            NORM_R,
            NORM_V,
            |x| libm::exp(-x * x / 2.0),
            |y| libm::sqrt(-2.0 * libm::log(y)),
        )
    })
}

/// A draw from the exponential distribution with mean 1. The common case
/// (a point inside its layer's rectangle) is inlined into the caller; the
/// rest is `exponential_edge`.
#[inline(always)]
pub fn standard_exponential(rng: &mut Rng) -> f64 {
    let t = exp_tables();
    let (i, x) = exp_candidate(t, rng);
    if x < t.x[i + 1] { x } else { exponential_edge(t, rng, i, x) }
}

/// A candidate: its layer and its point, 52 bits above the layer index
/// uniform in (0, 1] times the layer's width.
#[inline(always)]
fn exp_candidate(t: &Tables, rng: &mut Rng) -> (usize, f64) {
    let bits = rng.next_u64();
    let i = (bits & 0xff) as usize;
    let u = ((bits >> 12) + 1) as f64 * (1.0 / (1u64 << 52) as f64);
    (i, u * t.x[i])
}

/// Candidate `x` of layer `i` fell outside the layer's rectangle: the
/// tail, a wedge test, or a fresh candidate (about 1% of draws).
#[cold]
#[inline(never)]
fn exponential_edge(t: &Tables, rng: &mut Rng, mut i: usize, mut x: f64) -> f64 {
    loop {
        if i == 0 {
            // The tail beyond r is again exponential, shifted.
            return EXP_R - libm::log(rng.next_f64_open0());
        }
        if t.f[i + 1] + (t.f[i] - t.f[i + 1]) * rng.next_f64() < libm::exp(-x) {
            return x;
        }
        (i, x) = exp_candidate(t, rng);
        if x < t.x[i + 1] {
            return x;
        }
    }
}

/// A draw from the normal distribution with mean 0 and variance 1.
#[inline]
pub fn standard_normal(rng: &mut Rng) -> f64 {
    let t = normal_tables();
    loop {
        let bits = rng.next_u64();
        let i = (bits & 0xff) as usize;
        // 52 bits above the layer index: uniform in (−1, 1).
        let u = ((bits >> 12) as f64 + 0.5) * (2.0 / (1u64 << 52) as f64) - 1.0;
        let x = u * t.x[i];
        if x.abs() < t.x[i + 1] {
            return x;
        }
        if i == 0 {
            // The tail beyond r (Marsaglia's method): exponential proposals
            // xt, accepted when 2·yt ≥ xt².
            loop {
                let xt = -libm::log(rng.next_f64_open0()) / NORM_R;
                let yt = -libm::log(rng.next_f64_open0());
                if 2.0 * yt >= xt * xt {
                    return if u < 0.0 { -NORM_R - xt } else { NORM_R + xt };
                }
            }
        }
        if t.f[i + 1] + (t.f[i] - t.f[i + 1]) * rng.next_f64() < libm::exp(-x * x / 2.0) {
            return x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moments(draw: fn(&mut Rng) -> f64) -> (f64, f64, f64) {
        let mut rng = Rng::seeded(21);
        let n = 1_000_000;
        let xs: Vec<f64> = (0..n).map(|_| draw(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        let beyond_3 = xs.iter().filter(|x| x.abs() > 3.0).count() as f64 / n as f64;
        (mean, var, beyond_3)
    }

    #[test]
    fn exponential_has_mean_and_variance_one_and_the_right_tail() {
        let (mean, var, beyond_3) = moments(standard_exponential);
        assert!((mean - 1.0).abs() < 0.005, "mean {mean}");
        assert!((var - 1.0).abs() < 0.01, "variance {var}");
        // P(X > 3) = e^−3 = 4.98%.
        assert!((beyond_3 / (-3f64).exp() - 1.0).abs() < 0.02, "{beyond_3}");
    }

    #[test]
    fn normal_has_mean_zero_variance_one_and_the_right_tail() {
        let (mean, var, beyond_3) = moments(standard_normal);
        assert!(mean.abs() < 0.003, "mean {mean}");
        assert!((var - 1.0).abs() < 0.005, "variance {var}");
        // P(|Z| > 3) = 0.27%.
        assert!((beyond_3 / 0.002_699_796 - 1.0).abs() < 0.08, "{beyond_3}");
    }

    #[test]
    fn tables_close_the_ziggurat() {
        for t in [exp_tables(), normal_tables()] {
            assert!(t.x.windows(2).all(|w| w[0] > w[1]), "edges decrease");
            assert!(t.x[LAYERS - 1] > 0.0 && t.x[LAYERS - 1] < 0.5, "last layer reaches the mode");
        }
    }
}
