//! Memory pressure (`memory = {…}`, `leak` faults) against what it must
//! leave alone and against closed forms:
//!
//! - with memory that never reaches `gc_from`, runs are bit-identical to
//!   the same scenarios without `memory` (every figure, every window);
//! - a limit never reached gives no restarts;
//! - a sustained overload restarts a replica once per fill and restart:
//!   a period of `restart + K / (λ − μ)` for a limit of K requests;
//! - a leak's slowdown follows the stated curve, and the time slowed, the
//!   mean and the peak are its integrals.
//!
//! Tolerances are stated beside each check, derived from run length;
//! seeds are fixed.

mod common;

use common::{scenario, scenario_file};
use scalesim_engine::memory::{ByteSize, MemorySpec};
use scalesim_engine::metrics::MemoryReport;
use scalesim_engine::scenario::NodeKind;
use scalesim_engine::time::SimDuration;
use scalesim_engine::{Run, Scenario, Simulation};

fn run(scenario: Scenario) -> Run {
    Simulation::run(scenario).unwrap_or_else(|e| panic!("{e}"))
}

/// The run with every node's memory figures taken out.
fn without_memory(mut run: Run) -> Run {
    for n in run.summary.nodes.values_mut() {
        n.memory = None;
    }
    for w in &mut run.windows {
        for n in &mut w.nodes {
            n.memory = None;
        }
    }
    run
}

#[test]
fn memory_below_gc_from_changes_nothing() {
    // A terabyte limit: no request count these scenarios reach comes near
    // gc_from of it.
    let roomy = MemorySpec {
        per_request: ByteSize::from_mb(2),
        base: ByteSize::from_mb(200),
        limit: ByteSize::from_bytes(1_000_000_000_000),
        gc_from: 0.7,
        gc_slowdown: 3.0,
        restart: SimDuration::from_secs(10),
    };
    for name in [
        "checkout.toml",
        "retry-storm.toml",
        "load-shedding.toml",
        "fanout-tail-hedged.toml",
        "usl-retrograde.toml",
        "autoscale-late.toml",
        "db-contention.toml",
    ] {
        let plain = scenario_file(name);
        let mut with = plain.clone();
        let mut modelled = 0;
        for n in &mut with.nodes {
            if matches!(n.kind, NodeKind::Service | NodeKind::Database) && n.replication.is_none() {
                n.memory = Some(roomy.clone());
                modelled += 1;
            }
        }
        assert!(modelled > 0, "{name} has a service");
        let base = run(plain);
        let measured = run(with);
        for (id, n) in &measured.summary.nodes {
            if let Some(m) = n.memory {
                assert_eq!(m.restarts, 0, "{name}: {id}");
                assert_eq!(m.slowed_s, 0.0, "{name}: {id}");
                assert!(m.peak_mb >= 200.0 && m.mean_mb.unwrap() >= 200.0, "{name}: {id} {m:?}");
            }
        }
        assert_eq!(without_memory(measured), base, "{name}: bit-identical without pressure");
    }
}

/// One replica, one worker, a 10 ms constant service (μ = 100/s), Poisson
/// arrivals at `rate`, 1 MB a request, a limit of `limit_mb` requests.
fn one_replica(rate: f64, limit_mb: u64, duration: &str, restart: &str) -> Scenario {
    scenario(&format!(
        r#"
[scenario]
name = "memory"
seed = 7
duration = "{duration}"
warmup = "0s"
window = "5s"

[[load]]
id = "users"
target = "svc"
rate = {rate}

[[node]]
id = "svc"
kind = "service"
service_time = {{ dist = "const", value = "10ms" }}
memory = {{ per_request = "1MB", limit = "{limit_mb}MB", gc_from = 0.99, gc_slowdown = 1, restart = "{restart}" }}
"#
    ))
}

fn memory_of(run: &Run) -> MemoryReport {
    run.summary.nodes["svc"].memory.expect("a memory report")
}

#[test]
fn a_limit_never_reached_gives_no_restarts() {
    // ρ = 0.5 with room for 60 requests: P(N ≥ 60) = 0.5^60, never.
    let r = run(one_replica(50.0, 60, "600s", "5s"));
    let m = memory_of(&r);
    assert_eq!(m.restarts, 0);
    assert!(m.peak_mb < 60.0, "{m:?}");
    // Mean memory is the mean number in system (M/D/1: ρ + ρ²/(2(1−ρ)) =
    // 0.75) at 1 MB each; 3% (about five standard errors over 600 s).
    let mean = m.mean_mb.unwrap();
    assert!((mean / 0.75 - 1.0).abs() < 0.03, "mean {mean} MB, expected 0.75");
    assert_eq!(r.summary.requests.error, 0);
}

#[test]
fn sustained_overload_restarts_at_the_rate_the_excess_fills_the_limit() {
    // λ = 150/s into μ = 100/s: the replica's requests grow by λ − μ =
    // 50/s, so a limit of K = 500 requests fills in K/(λ − μ) = 10 s; a
    // 5 s restart makes a period of 15 s. Kills at 10, 25, 40, … s: over
    // 1 200 s, ⌊(1200 − 10)/15⌋ + 1 = 80. The fill time's spread (a
    // random walk with drift: variance K(λ+μ)/(λ−μ)³ = 1 s²) moves the
    // count by well under one; ±3 allowed.
    let r = run(one_replica(150.0, 500, "1200s", "5s"));
    let m = memory_of(&r);
    let expected = ((1200.0 - 10.0) / 15.0f64).floor() + 1.0;
    assert!(
        (m.restarts as f64 - expected).abs() <= 3.0,
        "{} restarts, expected {expected} ± 3",
        m.restarts
    );
    // The peak is the limit (the arrival that reached it).
    assert!((m.peak_mb - 500.0).abs() < 1e-6, "{m:?}");
    // While down (5 s of every 15) every arrival is an error at the door,
    // and each kill ends the ~500 requests held as errors.
    let errors = r.summary.requests.error as f64;
    let offered = r.summary.requests.offered as f64;
    let expected_errors = offered * 5.0 / 15.0 + expected * 500.0;
    assert!(
        (errors / expected_errors - 1.0).abs() < 0.05,
        "{errors} errors, expected about {expected_errors:.0}"
    );
    // Each window's restarts add up to the run's.
    let by_window: u64 =
        r.windows.iter().filter_map(|w| w.nodes[0].memory).map(|m| m.restarts).sum();
    assert_eq!(by_window, m.restarts);
}

/// One replica with plenty of workers (no waiting), a 10 ms constant
/// service, no memory per request, and a leak of 10 MB/s from 100 MB
/// towards a 1 000 MB limit: memory is 100 + 10t MB at t seconds.
fn leaking(duration: &str) -> Scenario {
    scenario(&format!(
        r#"
[scenario]
name = "leak"
seed = 3
duration = "{duration}"
warmup = "0s"
window = "1s"

[[load]]
id = "users"
target = "svc"
rate = 200

[[node]]
id = "svc"
kind = "service"
workers = 1000
service_time = {{ dist = "const", value = "10ms" }}
memory = {{ per_request = "0B", base = "100MB", limit = "1000MB", gc_from = 0.5, gc_slowdown = 3, restart = "5s" }}

[[fault]]
at = "0s"
duration = "1h"
target = "svc"
effect = {{ leak = "600MB/min" }}
"#
    ))
}

#[test]
fn the_slowdown_follows_its_curve() {
    // The curve: 1 up to gc_from × limit (500 MB, reached at t = 40 s),
    // then linear to gc_slowdown = 3 at the limit (1 000 MB, t = 90 s):
    // f(t) = 1 + 2 (m/1000 − 0.5)/0.5 = 1 + 0.04 (t − 40).
    let r = run(leaking("85s"));
    let f = |t: f64| if t <= 40.0 { 1.0 } else { 1.0 + 0.04 * (t - 40.0) };
    for w in &r.windows[..84] {
        // Arrivals are spread evenly over the window and f is linear in
        // it, so the window's mean visit is 10 ms × f at its middle (on
        // the window that straddles 40 s, the mean of f over it). The
        // spread of ~200 arrivals moves it by under 0.1%; 1% allowed.
        let (a, b) = (w.start_s, w.end_s);
        let expected = if b <= 40.0 || a >= 40.0 {
            10.0 * f((a + b) / 2.0)
        } else {
            // The mean of f over [a, b] with f flat before 40 s.
            let rise = 0.04 * (b - 40.0).powi(2) / 2.0;
            10.0 * (1.0 + rise / (b - a))
        };
        let measured = w.nodes[0].latency_ms.mean;
        assert!(
            (measured / expected - 1.0).abs() < 0.01,
            "window {a}–{b} s: {measured:.3} ms, expected {expected:.3} ms"
        );
    }
    let m = memory_of(&r);
    // Time past 500 MB: 85 − 40 = 45 s; mean memory 100 + 10 × 42.5 =
    // 525 MB; peak 950 MB. Integrals of a straight line: 1e-6 relative.
    assert!((m.slowed_s - 45.0).abs() < 45e-6, "{m:?}");
    assert!((m.mean_mb.unwrap() - 525.0).abs() < 525e-6, "{m:?}");
    assert!((m.peak_mb - 950.0).abs() < 950e-6, "{m:?}");
    assert_eq!(m.restarts, 0);
}

#[test]
fn a_leak_kills_at_the_limit_and_the_replica_comes_back_empty() {
    // The limit is reached at t = 90 s exactly (the leak timer); the
    // replica is down 5 s (every arrival an error), then holds its base
    // and leaks again: at 100 s it holds 100 + 5 × 10 = 150 MB.
    let r = run(leaking("100s"));
    let m = memory_of(&r);
    assert_eq!(m.restarts, 1);
    let restarts: Vec<f64> = r
        .windows
        .iter()
        .filter(|w| w.nodes[0].memory.is_some_and(|m| m.restarts > 0))
        .map(|w| w.start_s)
        .collect();
    assert_eq!(restarts, [90.0]);
    for w in &r.windows[90..95] {
        assert_eq!(w.nodes[0].outcomes.ok, 0, "down at {} s", w.start_s);
        assert!(w.nodes[0].outcomes.error > 150, "errors at the door at {} s", w.start_s);
    }
    let last = r.windows.last().unwrap().nodes[0].memory.unwrap();
    assert!((last.peak_mb - 150.0).abs() < 1e-6, "{last:?}");
    assert!(r.windows[96].nodes[0].outcomes.error == 0);
}

/// The replicas' restarts in each window: (window start, restarts).
fn restarts_by_window(run: &Run) -> Vec<(f64, u64)> {
    run.windows
        .iter()
        .filter_map(|w| w.nodes[0].memory.map(|m| (w.start_s, m.restarts)))
        .filter(|(_, r)| *r > 0)
        .collect()
}

#[test]
fn the_oom_cascade_lesson_holds() {
    // The problem: nothing is killed before the spike; under it one
    // replica is killed first and the other two after it (in turn, not
    // together); then every request fails while they restart.
    let mut problem = scenario_file("oom-cascade.toml");
    problem.scenario.window = SimDuration::from_millis(100);
    let r = run(problem);
    let kills = restarts_by_window(&r);
    assert_eq!(kills.iter().map(|(_, n)| n).sum::<u64>(), 3, "all three replicas: {kills:?}");
    assert!(kills[0].0 >= 30.0 && kills[0].0 < 40.0, "under the spike: {kills:?}");
    assert_eq!(kills[0].1, 1, "one replica dies first: {kills:?}");
    assert!(kills.last().unwrap().0 > kills[0].0, "the others after it: {kills:?}");
    // Down for the 20 s restart: no request answered from 1 s after the
    // last kill to 19 s after the first.
    let (first, last) = (kills[0].0, kills.last().unwrap().0);
    let down: u64 = r
        .windows
        .iter()
        .filter(|w| w.start_s > last + 1.0 && w.end_s < first + 19.0)
        .map(|w| w.requests.ok)
        .sum();
    assert_eq!(down, 0, "nothing is served while every replica restarts");
    // Past gc_from before the first kill: the slowdown feeds the growth.
    assert!(memory_of_node(&r, "api").slowed_s > 0.0);

    // The cure: the queue bound caps what a replica holds at 8 + 40
    // requests = 492 MB, below gc_from (700 MB): never slowed, never killed,
    // and the spike's excess is refused rather than fatal.
    let r = run(scenario_file("oom-cascade-shed.toml"));
    let m = memory_of_node(&r, "api");
    assert_eq!(m.restarts, 0);
    assert_eq!(m.slowed_s, 0.0);
    assert!(m.peak_mb <= 492.0 + 1e-9, "{m:?}");
    assert!(r.summary.nodes["api"].rejected > 0, "the excess is shed");
    let served = r.summary.requests.ok as f64 / r.summary.requests.offered as f64;
    assert!(served > 0.95, "served {served}");
}

#[test]
fn the_leak_lesson_holds() {
    // The problem: memory climbs with uptime (10 MB/min) and the p99
    // follows it, window after window, for two hours; then both replicas
    // (started together) are killed together, memory falls to its base,
    // and the climb begins again.
    let r = run(scenario_file("memory-leak.toml"));
    let kills = restarts_by_window(&r);
    assert_eq!(kills.iter().map(|(_, n)| n).sum::<u64>(), 2, "{kills:?}");
    assert!(kills[0].0 > 120.0 * 60.0, "after two hours: {kills:?}");
    assert!(kills.last().unwrap().0 - kills[0].0 <= 120.0, "together: {kills:?}");
    let p99 = |from: f64, to: f64| {
        let mut h: Vec<f64> = r
            .windows
            .iter()
            .filter(|w| w.start_s >= from * 60.0 && w.end_s <= to * 60.0)
            .filter_map(|w| w.latency_ms.figure(scalesim_engine::expect::LatencyField::P99))
            .collect();
        h.sort_by(f64::total_cmp);
        h[h.len() / 2]
    };
    // The median window's p99 in each 20-minute stretch rises with uptime.
    let stretches: Vec<f64> =
        (0..6).map(|k| p99(20.0 * k as f64 + 1.0, 20.0 * (k + 1) as f64)).collect();
    assert!(stretches.windows(2).all(|w| w[1] > w[0] * 0.98), "{stretches:?}");
    assert!(stretches[5] > stretches[0] * 1.8, "{stretches:?}");
    let mean_mb = |w: &scalesim_engine::WindowReport| w.nodes[0].memory.unwrap().mean_mb.unwrap();
    let at = |minute: usize| mean_mb(&r.windows[minute]);
    // 10 MB a minute, each minute: 100 minutes' leak is 1 000 MB (±3%,
    // the requests' share wanders).
    assert!(((at(110) - at(10)) / 1000.0 - 1.0).abs() < 0.03, "{} → {}", at(10), at(110));
    let after = kills.last().unwrap().0 as usize / 60 + 2;
    assert!(at(after) < 500.0, "back to its base after the restart: {}", at(after));

    // The fix: flat memory, flat p99, nothing killed.
    let r = run(scenario_file("memory-leak-fixed.toml"));
    let m = memory_of_node(&r, "api");
    assert_eq!(m.restarts, 0);
    assert!(m.peak_mb < 500.0 && m.slowed_s == 0.0, "{m:?}");
}

fn memory_of_node(run: &Run, node: &str) -> MemoryReport {
    run.summary.nodes[node].memory.expect("a memory report")
}
