//! The single station against M/M/1 closed forms.
//!
//! Tolerances: the runs are long enough that the standard error of each
//! estimate is under a quarter of the tolerance (batch-means estimates of the
//! autocorrelated sojourn times, noted per case), so a correct engine never
//! fails; the seeds are fixed, so the check is also repeatable.

use scalesim_engine::theory::{mm1_mean_queue, mm1_mean_response, mm1_response_quantile};
use scalesim_engine::{Distribution, SimDuration, SimTime, Simulation, StationConfig};

fn run_mm1(lambda: f64, mu: f64, customers: f64, seed: u64) -> scalesim_engine::Summary {
    let config = StationConfig {
        arrival_rate: lambda,
        service: Distribution::Exp {
            mean: SimDuration::from_secs_f64(1.0 / mu),
        },
        workers: 1,
        window: SimDuration::from_secs(10),
        warmup: SimDuration::from_secs_f64(1000.0 / mu),
        seed,
    };
    let mut sim = Simulation::new(config).expect("valid config");
    sim.advance_until(SimTime::ZERO + SimDuration::from_secs_f64(customers / lambda));
    sim.summary()
}

fn assert_close(what: &str, simulated: f64, theory: f64, tolerance: f64) {
    let error = (simulated / theory - 1.0).abs();
    assert!(
        error < tolerance,
        "{what}: simulated {simulated:.5}, theory {theory:.5}, error {:.2}% > {:.1}%",
        error * 100.0,
        tolerance * 100.0
    );
}

/// ρ = 0.5: mean response 2 ms, p99 9.2 ms. About 0.35% standard error on the
/// mean with 3·10⁶ customers; tolerance 2%.
#[test]
fn mm1_at_half_load() {
    let (lambda, mu) = (500.0, 1000.0);
    let s = run_mm1(lambda, mu, 3e6, 1);
    let mean = mm1_mean_response(lambda, mu).unwrap() * 1e3;
    let p99 = mm1_response_quantile(lambda, mu, 0.99).unwrap() * 1e3;
    assert_close("mean response (ms)", s.latency_ms.mean, mean, 0.02);
    assert_close("p99 response (ms)", s.latency_ms.p99, p99, 0.03);
    assert_close("utilization", s.utilization, 0.5, 0.01);
    assert_close(
        "mean queue",
        s.mean_queue,
        mm1_mean_queue(lambda, mu).unwrap(),
        0.04,
    );
    assert_close("throughput (1/s)", s.throughput_rps, lambda, 0.01);
}

/// ρ = 0.8: mean response 5 ms. About 1% standard error with 4·10⁶
/// customers (the queue relaxes slowly at high load); tolerance 4%.
#[test]
fn mm1_at_high_load() {
    let (lambda, mu) = (800.0, 1000.0);
    let s = run_mm1(lambda, mu, 4e6, 2);
    let mean = mm1_mean_response(lambda, mu).unwrap() * 1e3;
    let p99 = mm1_response_quantile(lambda, mu, 0.99).unwrap() * 1e3;
    assert_close("mean response (ms)", s.latency_ms.mean, mean, 0.04);
    assert_close("p99 response (ms)", s.latency_ms.p99, p99, 0.05);
    assert_close("utilization", s.utilization, 0.8, 0.02);
}

/// Conservation: every arrival after warm-up either finished or is still in
/// the system (a single station drops nothing).
#[test]
fn nothing_is_lost() {
    let config = StationConfig {
        arrival_rate: 2000.0,
        service: Distribution::Exp {
            mean: SimDuration::from_millis(1),
        },
        workers: 3,
        window: SimDuration::from_secs(1),
        warmup: SimDuration::ZERO,
        seed: 9,
    };
    let mut sim = Simulation::new(config).unwrap();
    sim.advance_until(SimTime::ZERO + SimDuration::from_secs(50));
    let s = sim.summary();
    assert_eq!(s.offered, s.completed + s.in_flight);
    assert!(s.offered > 90_000);
}

#[test]
fn bad_config_lists_every_problem() {
    let config = StationConfig {
        arrival_rate: f64::NAN,
        service: Distribution::Exp {
            mean: SimDuration::from_millis(1),
        },
        workers: 0,
        window: SimDuration::ZERO,
        warmup: SimDuration::ZERO,
        seed: 0,
    };
    let err = Simulation::new(config).unwrap_err();
    assert_eq!(err.problems.len(), 3, "{err}");
}
