//! `coordination = { contention, coherency, scope }`: the Universal
//! Scalability Law. Work that must coordinate (locks, cache coherence,
//! consensus) gets slower as more of it runs at once, so adding replicas or
//! concurrency can *lower* throughput past a peak.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What `n` counts in the law.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The node's replicas taking work (cross-replica coordination).
    #[default]
    Replicas,
    /// Requests in service at the replica, this one included (lock
    /// contention inside one process or database).
    Concurrency,
}

/// The law's coefficients, as written in a scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoordinationSpec {
    /// σ: the share of work that serialises (queueing on a shared resource).
    #[serde(default)]
    pub contention: f64,
    /// κ: the pairwise cost of keeping copies coherent (crosstalk).
    #[serde(default)]
    pub coherency: f64,
    /// What `n` counts: `replicas`, or `concurrency` (requests in service).
    #[serde(default)]
    pub scope: Scope,
}

impl CoordinationSpec {
    /// The service-time multiplier at `n`: 1 + σ(n−1) + κ·n(n−1).
    pub fn factor(&self, n: u32) -> f64 {
        let n = f64::from(n.max(1));
        1.0 + self.contention * (n - 1.0) + self.coherency * n * (n - 1.0)
    }

    /// Why these coefficients cannot work, if they cannot.
    pub fn check(&self) -> Result<(), String> {
        for (name, v) in [("contention", self.contention), ("coherency", self.coherency)] {
            if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
                return Err(format!("`{name}` must be between 0 and 1, got {v}"));
            }
        }
        Ok(())
    }
}

/// The law's throughput at `n`, as a multiple of one unit's: X(n)/X(1) =
/// n / (1 + σ(n−1) + κ·n(n−1)).
pub fn relative_throughput(contention: f64, coherency: f64, n: f64) -> f64 {
    n / (1.0 + contention * (n - 1.0) + coherency * n * (n - 1.0))
}

/// Where throughput peaks: N* = √((1−σ)/κ) (infinite without coherency cost).
pub fn peak(contention: f64, coherency: f64) -> f64 {
    if coherency > 0.0 { ((1.0 - contention) / coherency).sqrt() } else { f64::INFINITY }
}

/// The Universal Scalability Law fitted to measured throughput.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct UslFit {
    /// σ, contention.
    pub contention: f64,
    /// κ, coherency.
    pub coherency: f64,
    /// X(1): throughput of one unit.
    pub x1: f64,
    /// N*, where throughput peaks (infinite without coherency cost).
    pub peak: f64,
}

impl UslFit {
    /// The fitted throughput at `n` units.
    pub fn throughput(&self, n: f64) -> f64 {
        self.x1 * relative_throughput(self.contention, self.coherency, n)
    }
}

/// Fits σ and κ to `(n, throughput)` points by least squares on the law's
/// linear form y = n/C(n) − 1 = σ(n−1) + κ·n(n−1), with C(n) = X(n)/X(1)
/// and X(1) read at the smallest n (scaled to one unit if it is not 1).
/// Each point weighs 1/(y+1)², so the fit weighs each throughput's
/// *relative* error alike: a 1% error in X moves y by (y+1)%, and unweighted
/// the largest n, where y is largest, would outvote the rest (on a measured
/// retrograde curve the peak then came out replicas early).
/// `None` without at least three points with n ≥ 1 and positive throughput.
pub fn fit(points: &[(f64, f64)]) -> Option<UslFit> {
    let mut pts: Vec<(f64, f64)> =
        points.iter().copied().filter(|&(n, x)| n >= 1.0 && x > 0.0 && x.is_finite()).collect();
    if pts.len() < 3 {
        return None;
    }
    crate::order::sort_by(&mut pts, |a, b| a.0.total_cmp(&b.0));
    let (n0, x0) = pts[0];
    let x1 = x0 / n0;
    // Normal equations for y = σ·a + κ·b.
    let (mut aa, mut ab, mut bb, mut ay, mut by) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for &(n, x) in &pts {
        let (a, b, y) = (n - 1.0, n * (n - 1.0), n * x1 / x - 1.0);
        let w = 1.0 / ((y + 1.0) * (y + 1.0));
        aa += w * a * a;
        ab += w * a * b;
        bb += w * b * b;
        ay += w * a * y;
        by += w * b * y;
    }
    let det = aa * bb - ab * ab;
    if det.abs() < 1e-12 {
        return None;
    }
    let (contention, coherency) = ((ay * bb - by * ab) / det, (by * aa - ay * ab) / det);
    // A coefficient below zero is held at zero and the other fitted alone
    // (clamping it without refitting would leave the other fitted to a
    // law the points never followed).
    let (contention, coherency) = if contention < 0.0 {
        (0.0, (by / bb).max(0.0))
    } else if coherency < 0.0 {
        ((ay / aa).min(1.0), 0.0)
    } else {
        (contention.min(1.0), coherency)
    };
    Some(UslFit { contention, coherency, x1, peak: peak(contention, coherency) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factor_is_one_alone_and_grows_quadratically() {
        let spec = CoordinationSpec { contention: 0.1, coherency: 0.01, scope: Scope::Replicas };
        assert_eq!(spec.factor(1), 1.0);
        assert!((spec.factor(10) - (1.0 + 0.9 + 0.9)).abs() < 1e-12);
    }

    #[test]
    fn fit_recovers_the_coefficients() {
        let (s, k) = (0.05, 0.005);
        let points: Vec<(f64, f64)> = [1.0, 2.0, 4.0, 8.0, 14.0, 24.0, 40.0]
            .iter()
            .map(|&n| (n, 100.0 * relative_throughput(s, k, n)))
            .collect();
        let fit = fit(&points).unwrap_or_else(|| panic!("no fit"));
        assert!((fit.contention - s).abs() < 1e-9 && (fit.coherency - k).abs() < 1e-9, "{fit:?}");
        assert!((fit.peak - peak(s, k)).abs() < 1e-6);
        assert!((fit.throughput(8.0) - points[3].1).abs() < 1e-6);
        assert_eq!(super::fit(&points[..2]), None);
    }

    /// A measured retrograde curve (`usl-retrograde.toml` swept over
    /// `cluster.replicas=1..32:16`, goodput, one run): past the peak some
    /// requests time out, so the tail falls faster than the law. The fit's
    /// peak stays within a replica of the measured one (13), where an
    /// unweighted fit put it at 12.4.
    #[test]
    fn fit_finds_a_measured_peak() {
        let points = [
            (1.0, 98.6),
            (3.0, 262.6),
            (5.0, 385.3),
            (7.0, 464.3),
            (9.0, 508.7),
            (11.0, 532.9),
            (13.0, 542.3),
            (15.0, 540.6),
            (18.0, 526.0),
            (20.0, 512.5),
            (22.0, 496.5),
            (24.0, 480.4),
            (26.0, 463.6),
            (28.0, 443.1),
            (30.0, 415.1),
            (32.0, 371.7),
        ];
        let fit = fit(&points).unwrap_or_else(|| panic!("no fit"));
        assert!((fit.peak - 13.0).abs() < 1.0, "{fit:?}");
        let worst = points.iter().map(|&(n, x)| (fit.throughput(n) / x - 1.0).abs());
        assert!(worst.fold(0.0, f64::max) < 0.1, "{fit:?}");
    }

    /// Points that scale better than linearly at first (σ would fit below
    /// zero) keep the coherency that fits them with σ at zero.
    #[test]
    fn a_negative_contention_is_held_at_zero_and_coherency_refitted() {
        let k = 0.01;
        let points: Vec<(f64, f64)> = [1.0, 2.0, 4.0, 8.0, 16.0]
            .iter()
            .map(|&n| {
                (n, 100.0 * relative_throughput(0.0, k, n) * if n == 2.0 { 1.05 } else { 1.0 })
            })
            .collect();
        let fit = fit(&points).unwrap_or_else(|| panic!("no fit"));
        assert_eq!(fit.contention, 0.0);
        // Unrefitted, κ would read 0.0104.
        assert!((fit.coherency / k - 1.0).abs() < 0.01, "{fit:?}");
    }

    #[test]
    fn throughput_peaks_at_n_star_then_falls() {
        let (s, k) = (0.05, 0.01);
        let n = peak(s, k);
        assert!((n - 95f64.sqrt()).abs() < 1e-12);
        let x = |n| relative_throughput(s, k, n);
        assert!(x(n) > x(n - 1.0) && x(n) > x(n + 1.0));
        assert!(x(30.0) < x(10.0));
    }
}
