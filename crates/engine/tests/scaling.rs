//! Scale mechanics against closed forms and expected behaviour: the
//! Universal Scalability Law (`coordination`), queue disciplines
//! (`priority`, `adaptive_lifo`), and a database's connection pool.
//!
//! As in `theory.rs`, tolerances are derived from run length and allow at
//! least three standard errors; seeds are fixed.

mod common;

use common::{assert_close, run};
use scalesim_engine::coordination;
use scalesim_engine::theory;
use scalesim_engine::{Scenario, Simulation};

/// A saturated service: far more offered than it can serve, a short queue
/// per replica, so every worker is always busy and throughput is capacity.
fn saturated(replicas: u32, workers: u32, scope: &str, sigma: f64, kappa: f64) -> String {
    let capacity = f64::from(replicas * workers) * 100.0;
    format!(
        r#"
[scenario]
name = "usl"
seed = 11
duration = "210s"
warmup = "10s"

[[load]]
id = "users"
target = "svc"
rate = {rate}

[[node]]
id = "svc"
kind = "service"
replicas = {replicas}
workers = {workers}
queue = {{ capacity = 8 }}
service_time = {{ dist = "exp", mean = "10ms" }}
coordination = {{ contention = {sigma}, coherency = {kappa}, scope = "{scope}" }}
"#,
        rate = capacity * 2.0 + 200.0,
    )
}

/// X(N) = N·X₁ / (1 + σ(N−1) + κN(N−1)) with X₁ = 100/s, σ = 0.05,
/// κ = 0.005 (peak at N* ≈ 13.8), through the retrograde region. Each point
/// counts ≥ 2·10⁴ completions (≈0.7% standard error); tolerance 3%.
#[test]
fn saturated_throughput_follows_the_universal_scalability_law() {
    let (sigma, kappa) = (0.05, 0.005);
    let mut measured = Vec::new();
    for n in [1u32, 2, 4, 8, 14, 24, 40] {
        let s = run(&saturated(n, 1, "replicas", sigma, kappa));
        let expected = 100.0 * coordination::relative_throughput(sigma, kappa, f64::from(n));
        assert_close(&format!("X({n}) by replicas"), s.throughput_rps, expected, 0.03);
        measured.push((n, s.throughput_rps));
    }
    let peak = coordination::peak(sigma, kappa);
    assert!((13.0..15.0).contains(&peak));
    let x = |n| measured.iter().find(|(m, _)| *m == n).map(|(_, x)| *x).unwrap_or(0.0);
    assert!(
        x(24) < x(14) && x(40) < x(24),
        "past the peak, more replicas serve less: {measured:?}"
    );
}

/// The same law with `scope = "concurrency"`: one replica, N workers
/// contending inside it.
#[test]
fn concurrency_scope_contends_within_a_replica() {
    let (sigma, kappa) = (0.1, 0.01);
    for n in [1u32, 4, 10, 20] {
        let s = run(&saturated(1, n, "concurrency", sigma, kappa));
        let expected = 100.0 * coordination::relative_throughput(sigma, kappa, f64::from(n));
        assert_close(&format!("X({n}) by concurrency"), s.throughput_rps, expected, 0.03);
    }
}

/// Two tenants through one M/M/1 with `discipline = "priority"`: each
/// class's mean follows Cobham's formula (ρ = 0.3 + 0.5). ≈1.5% standard
/// error for the low class over 1.3·10⁶ requests; tolerances 3% and 6%.
#[test]
fn priority_queue_matches_cobham() {
    let s = run(r#"
[scenario]
name = "priority"
seed = 5
duration = "1600s"
warmup = "20s"

[[load]]
id = "gold"
target = "svc"
rate = 300
priority = 1

[[load]]
id = "free"
target = "svc"
rate = 500

[[node]]
id = "svc"
kind = "service"
queue = { discipline = "priority" }
service_time = { dist = "exp", mean = "1ms" }
"#);
    let expected = theory::priority_mm1_mean_response(&[300.0, 500.0], 1000.0).unwrap();
    assert_close("gold mean (ms)", s.loads["gold"].latency_ms.mean, expected[0] * 1e3, 0.03);
    assert_close("free mean (ms)", s.loads["free"].latency_ms.mean, expected[1] * 1e3, 0.06);
}

fn overloaded(discipline: &str, rate: f64) -> String {
    format!(
        r#"
[scenario]
name = "adaptive"
seed = 9
duration = "60s"

[[load]]
id = "users"
target = "svc"
rate = {rate}

[[node]]
id = "svc"
kind = "service"
queue = {{ discipline = "{discipline}" }}
service_time = {{ dist = "exp", mean = "1ms" }}
"#
    )
}

/// Under overload (ρ = 1.1) FIFO makes everyone wait for the whole backlog;
/// adaptive LIFO serves fresh requests first, so most answers stay fast
/// while the backlog's oldest starve. Under light load it is plain FIFO.
#[test]
fn adaptive_lifo_keeps_most_answers_fast_under_overload() {
    let fifo = run(&overloaded("fifo", 1100.0));
    let adaptive = run(&overloaded("adaptive_lifo", 1100.0));
    assert!(fifo.latency_ms.p50 > 1000.0, "FIFO backlog: p50 {}", fifo.latency_ms.p50);
    assert!(
        adaptive.latency_ms.p50 < 20.0,
        "adaptive LIFO p50 {} (FIFO {})",
        adaptive.latency_ms.p50,
        fifo.latency_ms.p50
    );
    let light_fifo = run(&overloaded("fifo", 500.0));
    let light_adaptive = run(&overloaded("adaptive_lifo", 500.0));
    assert_eq!(light_fifo.latency_ms, light_adaptive.latency_ms, "no overload, no difference");
}

/// A database with a pool of 5 connections is an M/M/5 queue; the wait for
/// a connection is reported and matches Erlang C: Wq = C(5, a)/(5μ − λ).
/// ≈1% standard error; tolerance 5%.
#[test]
fn database_pool_wait_matches_erlang_c() {
    let s = run(r#"
[scenario]
name = "pool"
seed = 2
duration = "1500s"
warmup = "20s"

[[load]]
id = "users"
target = "db"
rate = 4000

[[node]]
id = "db"
kind = "database"
pool = 5
service_time = { dist = "exp", mean = "1ms" }
"#);
    let (c, lambda, mu) = (5, 4000.0, 1000.0);
    let wait = theory::erlang_c(c, lambda / mu).unwrap() / (f64::from(c) * mu - lambda) * 1e3;
    let waited = s.nodes["db"].mean_wait_ms.expect("visits got a connection");
    assert_close("connection wait (ms)", waited, wait, 0.05);
    assert_close("utilization", s.nodes["db"].utilization.expect("a node with workers"), 0.8, 0.01);
}

/// A step from 100 to 800 requests/s at 60 s on a service autoscaled from
/// 2 replicas (100/s each) towards 60% utilization: nothing arrives before
/// the provisioning delay, so the queue peaks first; the loop then climbs
/// to about 800/(0.6·100) ≈ 14 replicas, and when the load falls back it
/// drains down again. The bill follows the replicas that ran.
#[test]
fn autoscaler_reacts_late_then_converges_and_drains() {
    let run = Simulation::run(
        Scenario::from_toml(
            "autoscale.toml",
            r#"
[scenario]
name = "autoscale"
seed = 4
duration = "600s"
window = "5s"

[[load]]
id = "users"
target = "api"
rate = 100
pattern = { steps = [{ at = "60s", rate = 800 }, { at = "360s", rate = 100 }] }

[[node]]
id = "api"
kind = "service"
replicas = 2
balancer = "least_outstanding"
service_time = { dist = "exp", mean = "10ms" }
autoscale = { min = 2, max = 20, target_utilization = 0.6, interval = "10s", provision_delay = "30s" }
cost = { per_replica_hour = 3.6 }
"#,
        )
        .unwrap_or_else(|e| panic!("{e}")),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let api = |w: &scalesim_engine::WindowReport| w.nodes[0].clone();
    let at = |t: f64| run.windows.iter().find(|w| w.start_s >= t).map(api).unwrap();
    // Before the step: the minimum.
    assert_eq!(at(30.0).replicas, 2.0);
    // The step lands; no new replica can be up for the provisioning delay.
    for w in run.windows.iter().filter(|w| w.start_s >= 60.0 && w.end_s <= 90.0) {
        assert_eq!(api(w).replicas, 2.0, "replicas arrived early at {}s", w.start_s);
    }
    let peak =
        run.windows.iter().max_by_key(|w| api(w).max_queue).map(|w| w.start_s).unwrap_or_default();
    let first_extra = run
        .windows
        .iter()
        .find(|w| api(w).replicas > 2.0)
        .map(|w| w.start_s)
        .unwrap_or(f64::INFINITY);
    assert!(first_extra >= 90.0, "first extra replica at {first_extra}s");
    let enough = run
        .windows
        .iter()
        .find(|w| api(w).replicas >= 8.0)
        .map(|w| w.start_s)
        .unwrap_or(f64::INFINITY);
    assert!(
        peak <= enough + 5.0 && peak > 60.0,
        "the queue peaks ({peak}s) when capacity finally covers the load ({enough}s)"
    );
    let worst = run.windows.iter().map(|w| api(w).max_queue).max().unwrap_or_default();
    assert!(worst > 5_000, "a backlog builds while the loop lags: {worst}");
    // Converged under the high load.
    let converged = at(330.0).replicas;
    assert!((12.0..=17.0).contains(&converged), "replicas at 330s: {converged}");
    let late_queue = at(330.0).mean_queue;
    assert!(late_queue < 5.0, "queue once converged: {late_queue}");
    // Drained after the load fell.
    let after = run.windows.last().map(api).unwrap().replicas;
    assert!(after <= 3.0, "replicas at the end: {after}");
    // Cost: $3.60 a replica-hour = $0.001 a replica-second.
    let api = &run.summary.nodes["api"];
    let replica_seconds = api.replicas * run.summary.measured_s;
    assert!((api.cost - replica_seconds * 0.001).abs() < 1e-6 * replica_seconds);
    assert!(api.max_replicas >= 12);
}

/// autoscale-late's sixth replica comes up at 240 s, the instant the run
/// ends: it never ran, so the run's maximum is the windows' five, as the
/// time-average already says.
#[test]
fn a_replica_up_at_the_last_instant_is_not_the_runs_maximum() {
    let run = Simulation::run(common::scenario_file("autoscale-late.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let windows = run.windows.iter().filter(|w| w.start_s >= 30.0);
    let most = windows.map(|w| w.nodes[0].max_replicas).max().unwrap_or_default();
    let api = &run.summary.nodes["api"];
    assert_eq!((most, api.max_replicas), (5, 5), "mean {:.2}", api.replicas);
}
