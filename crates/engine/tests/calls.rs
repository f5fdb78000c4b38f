//! Call and queue mechanisms behave as a user of the real thing expects.

mod common;

use common::run;
use scalesim_engine::{Scenario, Simulation, Summary};

/// A front that calls a back-end of `back_ms` mean service with `call` keys.
fn chain(rate: u32, back_ms: f64, call: &str, front_extra: &str) -> String {
    format!(
        r#"
[scenario]
name = "chain"
seed = 11
duration = "60s"
warmup = "10s"

[[load]]
id = "users"
target = "front"
rate = {rate}

[[node]]
id = "front"
kind = "service"
workers = 1000
service_time = {{ dist = "const", value = "1ms" }}
{front_extra}
  [[node.call]]
  to = "back"
  {call}

[[node]]
id = "back"
kind = "service"
workers = 4
service_time = {{ dist = "exp", mean = "{back_ms}ms" }}

[[node]]
id = "other"
kind = "service"
workers = 100
service_time = {{ dist = "const", value = "20ms" }}
"#
    )
}

#[test]
fn cancel_on_timeout_stops_wasted_work() {
    // 500/s into 4 workers of 10 ms: overloaded (125%). Without cancellation
    // the back end works on requests nobody waits for.
    let wasted = run(&chain(500, 10.0, r#"timeout = "50ms""#, ""));
    let cancelled = run(&chain(500, 10.0, "timeout = \"50ms\"\n  cancel_on_timeout = true", ""));
    // The back end is flat out either way; what differs is whether its
    // answers reach anyone.
    assert!(
        wasted.nodes["back"].utilization.expect("a node with workers") > 0.99
            && cancelled.nodes["back"].utilization.expect("a node with workers") > 0.99
    );
    let useful = |s: &Summary| s.requests.ok as f64 / s.nodes["back"].outcomes.ok as f64;
    assert!(
        useful(&wasted) < 0.05,
        "without cancellation almost all work is wasted: {}",
        useful(&wasted)
    );
    assert!(useful(&cancelled) > 0.95, "with it, almost none: {}", useful(&cancelled));
    assert!(cancelled.requests.ok > 10 * wasted.requests.ok.max(1));
}

#[test]
fn degrade_fallback_answers_instead_of_failing() {
    let failing = "[[node]]\nid = \"flaky\"\nkind = \"external\"\nlatency = { dist = \"const\", value = \"1ms\" }\nerror_rate = 0.3\n";
    let toml = |fallback: &str| {
        format!(
            "{}{failing}",
            chain(
                100,
                1.0,
                "",
                &format!("  [[node.call]]\n  to = \"flaky\"\n  fallback = \"{fallback}\"\n")
            )
        )
    };
    let fail = run(&toml("fail"));
    let degrade = run(&toml("degrade"));
    let share = |n: u64, s: &Summary| n as f64 / s.requests.offered as f64;
    assert!((share(fail.requests.error, &fail) - 0.3).abs() < 0.02, "{:?}", fail.requests);
    assert!(
        (share(degrade.requests.degraded, &degrade) - 0.3).abs() < 0.02,
        "{:?}",
        degrade.requests
    );
    assert_eq!(degrade.requests.error, 0);
}

#[test]
fn async_calls_leave_the_users_latency() {
    // 50/s into 4 workers of 50 ms: 62.5% busy.
    let sync = run(&chain(50, 50.0, "", ""));
    let asynchronous = run(&chain(50, 50.0, r#"mode = "async""#, ""));
    assert!(sync.latency_ms.mean > 40.0);
    assert!(asynchronous.latency_ms.mean < 1.1, "{}", asynchronous.latency_ms.mean);
    // The work still happens, off the request path.
    assert!(asynchronous.nodes["back"].outcomes.ok as f64 > 0.95 * asynchronous.requests.ok as f64);
}

#[test]
fn groups_run_calls_in_parallel() {
    let other = |group: &str| format!("  [[node.call]]\n  to = \"other\"\n  {group}\n");
    // Sequential: 1 + 20 (other) + 20 (back, const-ish) ; parallel: 1 + max.
    let sequential = run(&chain(50, 20.0, "", &other(""))
        .replace("dist = \"exp\", mean = \"20ms\"", "dist = \"const\", value = \"20ms\""));
    let parallel = run(&chain(50, 20.0, "group = 1", &other("group = 1"))
        .replace("dist = \"exp\", mean = \"20ms\"", "dist = \"const\", value = \"20ms\""));
    assert!((sequential.latency_ms.mean - 41.0).abs() < 1.0, "{}", sequential.latency_ms.mean);
    assert!((parallel.latency_ms.mean - 21.0).abs() < 1.0, "{}", parallel.latency_ms.mean);
}

#[test]
fn max_wait_sheds_old_requests_and_bounds_latency() {
    let toml = chain(500, 10.0, "", "")
        .replace("workers = 4\n", "workers = 4\nqueue = { max_wait = \"30ms\" }\n");
    let s = run(&toml);
    assert!(s.nodes["back"].rejected > 0);
    assert!(
        s.latency_ms.max < 31.0 + 1.0 + 200.0,
        "served requests waited at most 30 ms: {}",
        s.latency_ms.max
    );
    assert!(s.nodes["back"].latency_ms.p50 < 60.0);
}

#[test]
fn blocking_io_lets_a_slow_dependency_exhaust_the_callers_workers() {
    // The front has 20 workers and calls a 100 ms external at 150/s: 15
    // workers held on average if blocking; the front's own CPU is 1 ms.
    let toml = |io: &str| {
        format!(
            r#"
[scenario]
name = "pool"
seed = 2
duration = "60s"
warmup = "10s"
[[load]]
id = "users"
target = "front"
rate = 250
[[node]]
id = "front"
kind = "service"
workers = 20
io = "{io}"
service_time = {{ dist = "const", value = "1ms" }}
  [[node.call]]
  to = "slow"
[[node]]
id = "slow"
kind = "external"
latency = {{ dist = "const", value = "100ms" }}
"#
        )
    };
    let blocking = run(&toml("blocking"));
    let nonblocking = run(&toml("nonblocking"));
    // 250/s × 101 ms = 25 workers needed > 20: the blocking front saturates.
    assert!(blocking.nodes["front"].utilization.expect("a node with workers") > 0.99);
    assert!(blocking.latency_ms.p50 > 1000.0, "queue grows: {}", blocking.latency_ms.p50);
    assert!(nonblocking.nodes["front"].utilization.expect("a node with workers") < 0.02);
    assert!((nonblocking.latency_ms.mean - 101.0).abs() < 1.0);
}

#[test]
fn closed_loop_obeys_the_interactive_response_time_law() {
    // X = N / (Z + R): 50 users, 100 ms think, R measured.
    let s = run(r#"
[scenario]
name = "closed"
seed = 4
duration = "300s"
warmup = "10s"
[[load]]
id = "users"
target = "svc"
users = 50
think_time = { dist = "exp", mean = "100ms" }
[[node]]
id = "svc"
kind = "service"
workers = 2
service_time = { dist = "exp", mean = "5ms" }
"#);
    let law = 50.0 / (0.100 + s.latency_ms.mean / 1e3);
    assert!((s.throughput_rps / law - 1.0).abs() < 0.01, "X {} vs N/(Z+R) {law}", s.throughput_rps);
    // Saturated: 2 workers / 5 ms = 400/s at most.
    assert!(
        s.throughput_rps < 401.0 && s.nodes["svc"].utilization.expect("a node with workers") > 0.95
    );
}

#[test]
fn lifo_serves_the_newest_first() {
    // 350/s into 4 workers of 10 ms: 87.5% busy.
    let fifo = run(&chain(350, 10.0, "", ""));
    let lifo = run(&chain(350, 10.0, "", "")
        .replace("workers = 4\n", "workers = 4\nqueue = { discipline = \"lifo\" }\n"));
    // Same mean work, but LIFO moves waiting into a long tail.
    assert!(
        lifo.latency_ms.p50 < fifo.latency_ms.p50,
        "{} vs {}",
        lifo.latency_ms.p50,
        fifo.latency_ms.p50
    );
    assert!(lifo.latency_ms.p999 > fifo.latency_ms.p999);
}

#[test]
fn a_rate_limit_rejects_what_exceeds_it() {
    // 1 000/s offered to a node limited to 400/s: 60% rejected at the door,
    // and the node itself only ever sees 400/s of work.
    let toml = chain(1000, 0.5, "", "")
        .replace("workers = 4\n", "workers = 4\nrate_limit = { rate = 400, burst = 20 }\n");
    let s = run(&toml);
    let back = &s.nodes["back"];
    let rejected = back.rejected as f64 / back.arrivals as f64;
    assert!((rejected - 0.6).abs() < 0.01, "rejected share {rejected}");
    assert!((back.outcomes.ok as f64 / s.measured_s - 400.0).abs() < 5.0);
    // Every rejection reaches the user (node figures count by time after
    // warm-up, user figures by start time: a few differ at the boundary).
    assert!(
        s.requests.rejected.abs_diff(back.rejected) < 10,
        "{} vs {}",
        s.requests.rejected,
        back.rejected
    );
    assert!(
        back.utilization.expect("a node with workers") < 0.06,
        "rejected requests cost no work: {}",
        back.utilization.expect("a node with workers")
    );
}

#[test]
fn retries_against_a_rate_limit_are_rejected_too() {
    let toml =
        chain(1000, 0.5, r#"retry = { attempts = 3, backoff = "constant", base = "1ms" }"#, "")
            .replace("workers = 4\n", "workers = 4\nrate_limit = { rate = 400 }\n");
    let s = run(&toml);
    // Retries add attempts but not capacity: still 400/s answered.
    assert!((s.throughput_rps - 400.0).abs() < 8.0, "{}", s.throughput_rps);
    assert!(s.nodes["front"].retries > 0);
    assert!(s.amplification > 2.0);
}

/// A rate limiter's rejection carries retry-after (here 1 s). Through a
/// half-second spike, an impatient client's retries (1 ms backoff) meet the
/// same empty bucket and fail; a polite client's land after the spike and
/// mostly succeed, at the price of a slower answer for those requests.
#[test]
fn a_polite_client_honours_retry_after() {
    let limited = |polite: bool| {
        let call = format!(
            r#"retry = {{ attempts = 3, backoff = "constant", base = "1ms", respect_retry_after = {polite} }}"#
        );
        chain(200, 0.5, &call, "")
            .replace(
                "workers = 4\n",
                "workers = 4\nrate_limit = { rate = 400, burst = 20, retry_after = \"1s\" }\n",
            )
            .replace(
                "rate = 200\n",
                "rate = 200\npattern = { spike = { at = \"30s\", for = \"500ms\", multiplier = 4 } }\n",
            )
    };
    let rude = run(&limited(false));
    let polite = run(&limited(true));
    assert!(rude.requests.rejected > 100, "the spike overflows: {}", rude.requests.rejected);
    assert!(
        polite.requests.rejected * 4 < rude.requests.rejected,
        "polite {} vs rude {} rejected",
        polite.requests.rejected,
        rude.requests.rejected
    );
    assert!(polite.latency_ms.max >= 1000.0, "retries waited: max {}", polite.latency_ms.max);
    assert!(rude.latency_ms.max < 100.0, "impatient retries: max {}", rude.latency_ms.max);
}

#[test]
fn a_bulkhead_contains_a_slow_dependency() {
    // Half of 600 requests/s call a 200 ms dependency from a blocking pool of
    // 50 workers: 60 workers' worth of waiting, so without a bulkhead the
    // pool is exhausted and every request queues. A bulkhead of 10 (with a
    // degrade fallback) caps the waiting at 10 workers.
    let toml = |bulkhead: &str| {
        format!(
            r#"
[scenario]
name = "bulkhead"
seed = 8
duration = "60s"
warmup = "10s"
[[load]]
id = "users"
target = "front"
rate = 600
[[node]]
id = "front"
kind = "service"
workers = 50
service_time = {{ dist = "const", value = "1ms" }}
  [[node.call]]
  to = "slow"
  probability = 0.5
  fallback = "degrade"
  {bulkhead}
[[node]]
id = "slow"
kind = "external"
latency = {{ dist = "const", value = "200ms" }}
"#
        )
    };
    let open = run(&toml(""));
    let contained = run(&toml("bulkhead = 10"));
    assert!(open.nodes["front"].utilization.expect("a node with workers") > 0.99);
    assert!(open.latency_ms.p50 > 1000.0, "the whole pool is stuck: p50 {}", open.latency_ms.p50);
    assert!(
        contained.latency_ms.p50 < 2.0,
        "calls that skip the dependency stay fast: {}",
        contained.latency_ms.p50
    );
    // 10 slots / 200 ms = 50 slow calls a second get through; the other
    // 250 of the 300 that want the dependency degrade.
    let degraded = contained.requests.degraded as f64 / contained.requests.offered as f64;
    assert!((degraded - 250.0 / 600.0).abs() < 0.02, "degraded share {degraded}");
    assert!(contained.nodes["slow"].arrivals as f64 / contained.measured_s < 51.0);
}

/// A front whose call to a dead dependency times out after 200 ms, with a
/// degrade fallback, and optionally a breaker.
fn dead_dependency(breaker: &str) -> String {
    format!(
        r#"
[scenario]
name = "breaker"
seed = 12
duration = "60s"
warmup = "5s"
[[load]]
id = "users"
target = "front"
rate = 200
[[node]]
id = "front"
kind = "service"
workers = 1000
service_time = {{ dist = "const", value = "1ms" }}
  [[node.call]]
  to = "partner"
  timeout = "200ms"
  fallback = "degrade"
  {breaker}
[[node]]
id = "partner"
kind = "external"
latency = {{ dist = "const", value = "5ms" }}
error_rate = 1.0
"#
    )
}

const BREAKER: &str =
    r#"breaker = { failure_rate = 0.5, window = "5s", min_calls = 20, open_for = "2s" }"#;

#[test]
fn a_breaker_fails_fast_while_the_dependency_is_down() {
    // Errors come back in 5 ms; with a breaker they stop costing even that.
    let open = run(&dead_dependency(""));
    let guarded = run(&dead_dependency(BREAKER));
    assert!(open.requests.degraded as f64 > 0.99 * open.requests.offered as f64);
    assert!(
        open.latency_ms.p50 >= 6.0,
        "every request waits on the partner: {}",
        open.latency_ms.p50
    );
    assert!(guarded.latency_ms.p50 < 1.5, "fail fast: {}", guarded.latency_ms.p50);
    // One probe every 2 s reaches the partner while it stays down.
    let probes_per_s = guarded.nodes["partner"].arrivals as f64 / guarded.measured_s;
    assert!(probes_per_s < 1.0, "{probes_per_s} calls/s reach the partner");
}

#[test]
fn a_breaker_closes_again_when_the_dependency_recovers() {
    let scenario = Scenario::from_toml("b.toml", &dead_dependency(BREAKER)).unwrap();
    let mut sim = Simulation::new(scenario).unwrap();
    sim.advance_by(scalesim_engine::SimDuration::from_secs(20));
    let snap = sim.snapshot(0);
    assert_eq!(snap.breakers.len(), 1);
    assert_ne!(snap.breakers[0].state, scalesim_engine::breaker::BreakerState::Closed);
    let trips = snap.breakers[0].trips;
    assert!(trips >= 5, "reopened after each failed probe: {trips}");

    // As the app makes a live edit: on the text, read back, swapped in.
    let text =
        scalesim_engine::set::apply_to_text(&dead_dependency(BREAKER), "partner.error_rate", "0")
            .unwrap();
    sim.replace_scenario(Scenario::from_toml("b.toml", &text).unwrap()).unwrap();
    let windows = sim.advance_by(scalesim_engine::SimDuration::from_secs(10));
    let last = windows.last().unwrap();
    assert_eq!(last.requests.degraded, 0, "after the next probe succeeds, calls go through again");
    assert_eq!(sim.snapshot(0).breakers[0].state, scalesim_engine::breaker::BreakerState::Closed);
}

#[test]
fn hedging_cuts_the_fanout_tail_for_a_little_extra_work() {
    // Fan-out 100 to leaves that take 2 ms, or 300 ms for 1% of calls: 63%
    // of requests meet a slow leaf. Hedging after 10 ms re-sends the copies
    // still missing; the re-sent copy is almost always fast.
    let toml = |hedge: &str| {
        format!(
            r#"
[scenario]
name = "hedge"
seed = 6
duration = "60s"
warmup = "5s"
[[load]]
id = "users"
target = "front"
rate = 100
[[node]]
id = "front"
kind = "service"
workers = 10000
io = "nonblocking"
service_time = {{ dist = "const", value = "0ns" }}
  [[node.call]]
  to = "leaf"
  fanout = 100
  {hedge}
[[node]]
id = "leaf"
kind = "external"
latency = {{ dist = "bimodal", fast = "2ms", slow = "300ms", slow_share = 0.01 }}
"#
        )
    };
    let plain = run(&toml(""));
    let hedged = run(&toml(r#"hedge = "10ms""#));
    assert!(
        plain.latency_ms.p50 > 290.0,
        "most requests meet a slow leaf: p50 {}",
        plain.latency_ms.p50
    );
    assert!(hedged.latency_ms.p99 < 15.0, "hedged p99 {}", hedged.latency_ms.p99);
    // The hedges cost about one copy in a hundred; the slow originals still run.
    let extra = hedged.nodes["leaf"].arrivals as f64 / plain.nodes["leaf"].arrivals as f64 - 1.0;
    assert!((0.008..0.013).contains(&extra), "extra leaf work {extra}");
}

#[test]
fn cost_per_million_adds_compute_requests_and_logs() {
    // Two replicas at 0.36 an hour serve 1 000 requests/s, each logging
    // 2 kB at 0.50 a GB: per second 0.0002 compute + 0.001 logs, so
    // 1.2 per million requests; the external bills 0.4 per million calls.
    let toml = r#"
[scenario]
name = "cost"
seed = 3
duration = "60s"
warmup = "10s"
[[load]]
id = "users"
target = "api"
rate = 1000
[[node]]
id = "api"
kind = "service"
replicas = 2
workers = 8
service_time = { dist = "exp", mean = "1ms" }
cost = { per_replica_hour = 0.36, log_bytes_per_request = 2000, per_gb_logged = 0.5 }
  [[node.call]]
  to = "sms"
  probability = 0.5
[[node]]
id = "sms"
kind = "external"
latency = { dist = "const", value = "5ms" }
cost = { per_request = 0.0000008 }
"#;
    let s = run(toml);
    // Poisson arrivals: the offered count is within ~0.5% of 1 000/s.
    assert!((s.cost_per_million - 1.6).abs() < 0.02, "{}", s.cost_per_million);
    assert!(
        (s.nodes["api"].cost - 0.0012 * 50.0).abs() < 0.0012 * 50.0 * 0.01,
        "{}",
        s.nodes["api"].cost
    );
}

/// An async call back into a service that takes no time never lets
/// simulated time move on: the run stops with a reason instead of hanging.
/// (Made on every pass, the call is refused before the run: see `limits`;
/// made on almost every pass, it runs and gets stuck.)
#[test]
fn a_zero_time_loop_is_reported_not_hung() {
    let toml = r#"
[scenario]
name = "loop"
duration = "10s"

[[load]]
id = "users"
target = "echo"
rate = 1

[[node]]
id = "echo"
kind = "service"
workers = 10
service_time = { dist = "const", value = "0ms" }
  [[node.call]]
  to = "echo"
  mode = "async"
  probability = 0.9999999
"#;
    let scenario = Scenario::from_toml("loop.toml", toml).unwrap_or_else(|e| panic!("{e}"));
    let message = Simulation::run(scenario).map(|_| ()).unwrap_err().to_string();
    assert!(message.contains("stuck") && message.contains("zero-time"), "{message}");
}

#[test]
fn a_queue_cannot_deliver_to_a_queue() {
    let toml = r#"
[scenario]
name = "queues"

[[load]]
id = "users"
target = "a"
rate = 1

[[node]]
id = "a"
kind = "queue"
to = "b"

[[node]]
id = "b"
kind = "queue"
to = "a"
"#;
    let message = Scenario::from_toml("queues.toml", toml).map(|_| ()).unwrap_err().to_string();
    assert!(message.contains("`b` is a queue too"), "{message}");
}
