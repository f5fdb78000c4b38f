//! The engine against queueing theory's closed forms, through real scenario
//! files.
//!
//! Tolerances are derived from run length: each case notes the estimate's
//! standard error (batch means for autocorrelated sojourn times) and allows
//! at least four of them, so a correct engine never fails; the seeds are
//! fixed, so every check is also repeatable.

mod common;

use common::{assert_close, run};
use scalesim_engine::theory;

/// One service, Poisson load, exponential service: M/M/c.
fn station(rate: f64, mean_ms: f64, workers: u32, seconds: u32, extra: &str) -> String {
    format!(
        r#"
[scenario]
name = "station"
seed = 7
duration = "{seconds}s"
warmup = "20s"

[[load]]
id = "users"
target = "svc"
rate = {rate}
{extra}

[[node]]
id = "svc"
kind = "service"
workers = {workers}
service_time = {{ dist = "exp", mean = "{mean_ms}ms" }}
"#
    )
}

/// ρ = 0.5: mean 2 ms, p99 9.2 ms. ≈0.35% standard error on the mean with
/// 3·10⁶ requests; tolerance 2% (the p99 also carries the histogram's <1%).
#[test]
fn mm1_at_half_load() {
    let s = run(&station(500.0, 1.0, 1, 6000, ""));
    assert_close(
        "mean (ms)",
        s.latency_ms.mean,
        theory::mm1_mean_response(500.0, 1000.0).unwrap() * 1e3,
        0.02,
    );
    assert_close(
        "p99 (ms)",
        s.latency_ms.p99,
        theory::mm1_response_quantile(500.0, 1000.0, 0.99).unwrap() * 1e3,
        0.03,
    );
    assert_close(
        "utilization",
        s.nodes["svc"].utilization.expect("a node with workers"),
        0.5,
        0.01,
    );
    assert_close(
        "mean queue",
        s.nodes["svc"].mean_queue,
        theory::mm1_mean_queue(500.0, 1000.0).unwrap(),
        0.04,
    );
    assert_close("throughput", s.throughput_rps, 500.0, 0.01);
}

/// ρ = 0.8: mean 5 ms, p99 23 ms. ≈1% standard error with 4·10⁶ requests;
/// tolerance 4%.
#[test]
fn mm1_at_high_load() {
    let s = run(&station(800.0, 1.0, 1, 5000, ""));
    assert_close(
        "mean (ms)",
        s.latency_ms.mean,
        theory::mm1_mean_response(800.0, 1000.0).unwrap() * 1e3,
        0.04,
    );
    assert_close(
        "p99 (ms)",
        s.latency_ms.p99,
        theory::mm1_response_quantile(800.0, 1000.0, 0.99).unwrap() * 1e3,
        0.05,
    );
}

/// ρ = 0.3: short queues, ≈0.3% standard error; tolerance 2%.
#[test]
fn mm1_at_light_load() {
    let s = run(&station(300.0, 1.0, 1, 4000, ""));
    assert_close(
        "mean (ms)",
        s.latency_ms.mean,
        theory::mm1_mean_response(300.0, 1000.0).unwrap() * 1e3,
        0.02,
    );
}

/// M/M/4 at ρ = 0.85 (Erlang C ≈ 0.66): ≈1% standard error with 1.3·10⁷
/// requests' worth of time; tolerance 4%.
#[test]
fn mmc_matches_erlang_c() {
    let (c, lambda, mu) = (4, 3400.0, 1000.0);
    let s = run(&station(lambda, 1.0, c, 2500, ""));
    let mean = theory::mmc_mean_response(c, lambda, mu).unwrap() * 1e3;
    assert_close("mean (ms)", s.latency_ms.mean, mean, 0.04);
    assert_close(
        "utilization",
        s.nodes["svc"].utilization.expect("a node with workers"),
        0.85,
        0.01,
    );
}

/// M/M/1/K with K = 5 at ρ = 0.9: blocking ≈ 12.4%. With ~2.7·10⁶ arrivals
/// the share's standard error is ≈0.3%; tolerance 3%.
#[test]
fn mm1k_blocking_share() {
    let toml = station(900.0, 1.0, 1, 3000, "")
        .replace("workers = 1", "workers = 1\nqueue = { capacity = 4 }");
    let s = run(&toml);
    let node = &s.nodes["svc"];
    let blocked = node.rejected as f64 / node.arrivals as f64;
    assert_close("blocking", blocked, theory::mm1k_blocking(900.0, 1000.0, 5), 0.03);
    assert_eq!(s.requests.rejected, node.rejected, "every rejection reaches the user");
}

/// M/D/1 at ρ = 0.7: Pollaczek–Khinchine gives 2.17 ms. ≈0.5% standard
/// error; tolerance 2%.
#[test]
fn md1_matches_pollaczek_khinchine() {
    let toml = station(700.0, 1.0, 1, 4000, "")
        .replace(r#"{ dist = "exp", mean = "1ms" }"#, r#"{ dist = "const", value = "1ms" }"#);
    let s = run(&toml);
    assert_close(
        "mean (ms)",
        s.latency_ms.mean,
        theory::md1_mean_response(700.0, 1000.0).unwrap() * 1e3,
        0.02,
    );
}

/// Three services called through a non-blocking chain form a Jackson
/// tandem: mean response Σ 1/(μᵢ − λ) = 2 + 1 + 0.667 ms. ≈0.5% standard
/// error; tolerance 2.5%.
#[test]
fn jackson_tandem_of_three() {
    let s = run(r#"
[scenario]
name = "tandem"
seed = 3
duration = "3000s"
warmup = "20s"

[[load]]
id = "users"
target = "a"
rate = 500

[[node]]
id = "a"
kind = "service"
io = "nonblocking"
service_time = { dist = "exp", mean = "1ms" }
  [[node.call]]
  to = "b"

[[node]]
id = "b"
kind = "service"
io = "nonblocking"
service_time = { dist = "exp", mean = "666.667us" }
  [[node.call]]
  to = "c"

[[node]]
id = "c"
kind = "service"
service_time = { dist = "exp", mean = "571.429us" }
"#);
    let expected: f64 = [1000.0, 1500.0, 1750.0]
        .iter()
        .map(|mu| theory::mm1_mean_response(500.0, *mu).unwrap())
        .sum();
    assert_close("mean (ms)", s.latency_ms.mean, expected * 1e3, 0.025);
    assert_close("amplification", s.amplification, 3.0, 0.001);
}

/// Fan-out of 10 to leaves that are slow 1% of the time: 1 − 0.99¹⁰ = 9.6%
/// of requests meet a slow leaf. Latency is exactly 1 ms or 100 ms, so the
/// slow share reads off the exact mean. ≈0.6% standard error on the share
/// with 2.4·10⁵ requests; tolerance 4%.
#[test]
fn fanout_tail_share() {
    let s = run(r#"
[scenario]
name = "fanout"
seed = 5
duration = "120s"
warmup = "0s"

[[load]]
id = "users"
target = "front"
rate = 2000

[[node]]
id = "front"
kind = "service"
workers = 100000
io = "nonblocking"
service_time = { dist = "const", value = "0ns" }
  [[node.call]]
  to = "leaf"
  fanout = 10

[[node]]
id = "leaf"
kind = "external"
latency = { dist = "bimodal", fast = "1ms", slow = "100ms", slow_share = 0.01 }
"#);
    let slow_share = (s.latency_ms.mean - 1.0) / 99.0;
    assert_close("slow share", slow_share, theory::fanout_slow_share(0.01, 10), 0.04);
    assert_close("leaf visits per request", s.amplification - 1.0, 10.0, 0.001);
}

/// Retries at every layer multiply: with 3 attempts at each of 3 layers and
/// a bottom that always fails, the bottom sees 3³ = 27 tries per request.
#[test]
fn retry_amplification_through_layers() {
    let s = run(r#"
[scenario]
name = "retry storm"
seed = 9
duration = "20s"

[[load]]
id = "users"
target = "a"
rate = 100
retry = { attempts = 3, backoff = "none" }

[[node]]
id = "a"
kind = "service"
workers = 1000
service_time = { dist = "const", value = "10us" }
  [[node.call]]
  to = "b"
  retry = { attempts = 3, backoff = "none" }

[[node]]
id = "b"
kind = "service"
workers = 1000
service_time = { dist = "const", value = "10us" }
  [[node.call]]
  to = "down"
  retry = { attempts = 3, backoff = "none" }

[[node]]
id = "down"
kind = "external"
latency = { dist = "const", value = "1ms" }
error_rate = 1.0
"#);
    let offered = s.requests.offered as f64;
    let finished = (s.requests.error) as f64;
    assert!(finished / offered > 0.99, "all fail: {:?}", s.requests);
    // Requests still in flight at the end (a few ms' worth of 20 s) have not
    // made all their tries yet: 0.5% covers them.
    for (node, expected) in [("a", 3.0), ("b", 9.0), ("down", 27.0)] {
        assert_close(node, s.nodes[node].arrivals as f64 / offered, expected, 0.005);
    }
}

/// A user timeout t on M/M/1 times out e^−(μ−λ)t of requests (the sojourn
/// time is exponential): at ρ = 0.5 and t = 4 ms, 13.5%. ≈0.5% standard
/// error on the share; tolerance 3%.
#[test]
fn timeout_share_of_mm1() {
    let s = run(&station(500.0, 1.0, 1, 3000, r#"timeout = "4ms""#));
    let share = s.requests.timeout as f64 / s.requests.offered as f64;
    assert_close("timeout share", share, (-(1000.0f64 - 500.0) * 0.004).exp(), 0.03);
    // The server keeps working on timed-out requests: utilization stays ρ.
    assert_close(
        "utilization",
        s.nodes["svc"].utilization.expect("a node with workers"),
        0.5,
        0.015,
    );
}
