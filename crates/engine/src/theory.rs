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

/// Erlang C: the probability that an arrival to an M/M/c queue waits, with
/// offered load a = λ/μ (in Erlangs) and `c` servers; `None` if a ≥ c.
pub fn erlang_c(c: u32, a: f64) -> Option<f64> {
    if a >= f64::from(c) {
        return None;
    }
    // Erlang B by its stable recurrence, then C from B.
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    let rho = a / f64::from(c);
    Some(b / (1.0 - rho + rho * b))
}

/// M/M/c mean time in system: C(c, a)/(cμ − λ) + 1/μ, in seconds.
pub fn mmc_mean_response(c: u32, lambda: f64, mu: f64) -> Option<f64> {
    erlang_c(c, lambda / mu).map(|pw| pw / (f64::from(c) * mu - lambda) + 1.0 / mu)
}

/// M/M/1/K: the share of arrivals turned away when at most `k` requests fit
/// (one in service, k − 1 waiting): (1−ρ)ρᴷ/(1−ρᴷ⁺¹).
pub fn mm1k_blocking(lambda: f64, mu: f64, k: u32) -> f64 {
    let rho = lambda / mu;
    if (rho - 1.0).abs() < 1e-12 {
        return 1.0 / (f64::from(k) + 1.0);
    }
    (1.0 - rho) * libm::pow(rho, f64::from(k)) / (1.0 - libm::pow(rho, f64::from(k) + 1.0))
}

/// M/D/1 mean time in system (Pollaczek–Khinchine with zero service
/// variance): 1/μ + ρ/(2μ(1−ρ)), in seconds.
pub fn md1_mean_response(lambda: f64, mu: f64) -> Option<f64> {
    let rho = lambda / mu;
    (rho < 1.0).then(|| 1.0 / mu + rho / (2.0 * mu * (1.0 - rho)))
}

/// The share of fan-out requests that meet at least one slow leaf, when
/// each of `n` leaves is slow with probability `p`: 1 − (1 − p)ᴺ.
pub fn fanout_slow_share(p: f64, n: u32) -> f64 {
    1.0 - libm::pow(1.0 - p, f64::from(n))
}

/// M/M/1 with non-preemptive priority classes sharing one exponential
/// server of rate `mu` (Cobham): class k (0 = highest) waits
/// W₀ / ((1 − σₖ₋₁)(1 − σₖ)) with W₀ = ρ/μ and σₖ the load of classes 0..=k.
/// Returns each class's mean time in system, in seconds; `None` if ρ ≥ 1.
pub fn priority_mm1_mean_response(rates: &[f64], mu: f64) -> Option<Vec<f64>> {
    let rho: f64 = rates.iter().sum::<f64>() / mu;
    if rho >= 1.0 {
        return None;
    }
    let w0 = rho / mu;
    let mut above = 0.0;
    Some(
        rates
            .iter()
            .map(|&lambda| {
                let with = above + lambda / mu;
                let wait = w0 / ((1.0 - above) * (1.0 - with));
                above = with;
                wait + 1.0 / mu
            })
            .collect(),
    )
}

#[cfg(test)]
mod closed_form_tests {
    use super::*;

    #[test]
    fn erlang_c_textbook_value() {
        // c = 2, a = 1: C = 1/3.
        assert!((erlang_c(2, 1.0).unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(erlang_c(2, 2.0), None);
        // c = 1 reduces to M/M/1.
        assert!((mmc_mean_response(1, 0.5, 1.0).unwrap() - 2.0).abs() < 1e-12);
    }

    #[test]
    fn blocking_and_md1() {
        assert!((mm1k_blocking(1.0, 1.0, 3) - 0.25).abs() < 1e-12);
        assert!((md1_mean_response(0.5, 1.0).unwrap() - 1.5).abs() < 1e-12);
        assert!((fanout_slow_share(0.01, 100) - 0.633_967_658_726_77).abs() < 1e-9);
    }

    #[test]
    fn one_priority_class_is_plain_mm1() {
        let one = priority_mm1_mean_response(&[0.5], 1.0).unwrap();
        assert!((one[0] - 2.0).abs() < 1e-12);
        // Splitting one class in two keeps the load-weighted mean (work
        // conservation), and the high class does better.
        let two = priority_mm1_mean_response(&[0.2, 0.3], 1.0).unwrap();
        assert!(((0.2 * two[0] + 0.3 * two[1]) / 0.5 - 2.0).abs() < 1e-12);
        assert!(two[0] < two[1]);
    }
}
