//! Closed forms from queueing theory: what the simulation must agree with,
//! and what the UI shows beside the simulated figure.

/// M/M/1 mean time in system, 1/(μ−λ), in seconds; `None` when λ ≥ μ (no
/// steady state: the queue grows without bound).
pub fn mm1_mean_response(lambda: f64, mu: f64) -> Option<f64> {
    (lambda < mu).then(|| 1.0 / (mu - lambda))
}

/// M/M/1 time-in-system quantile: the sojourn time is exponential with rate
/// μ−λ, so its q-quantile is −ln(1−q)/(μ−λ), in seconds.
pub fn mm1_response_quantile(lambda: f64, mu: f64, q: f64) -> Option<f64> {
    (lambda < mu).then(|| -libm::log(1.0 - q) / (mu - lambda))
}

/// M/M/1 time-average number waiting (not in service), ρ²/(1−ρ).
pub fn mm1_mean_queue(lambda: f64, mu: f64) -> Option<f64> {
    let rho = lambda / mu;
    (rho < 1.0).then(|| rho * rho / (1.0 - rho))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_values() {
        assert_eq!(mm1_mean_response(0.5, 1.0), Some(2.0));
        assert_eq!(mm1_mean_response(1.0, 1.0), None);
        let p99 = mm1_response_quantile(0.5, 1.0, 0.99).unwrap();
        assert!((p99 - 2.0 * 100f64.ln()).abs() < 1e-12);
        assert!((mm1_mean_queue(0.5, 1.0).unwrap() - 0.5).abs() < 1e-12);
    }
}
