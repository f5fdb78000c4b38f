//! Message brokers (`kind = "queue"`) and caches (`kind = "cache"`) behave
//! as their real counterparts do, checked against closed forms where one
//! exists (retries of independent failures, a TTL cache's hit ratio).

use scalesim_engine::{Scenario, SimTime, Simulation, Summary, WindowReport};

fn run(toml: &str) -> (Vec<WindowReport>, Summary, Simulation) {
    let scenario = Scenario::from_toml("test.toml", toml).unwrap_or_else(|e| panic!("{e}"));
    let end = SimTime::ZERO + scenario.scenario.duration;
    let mut sim = Simulation::new(scenario).unwrap_or_else(|e| panic!("{e}"));
    let windows = sim.advance_until(end);
    let summary = sim.summary();
    assert!(sim.conserved(), "conservation");
    (windows, summary, sim)
}

/// A producer hands messages to a broker whose consumer is `worker`.
fn pipeline(rate: u32, broker: &str, worker: &str) -> String {
    format!(
        r#"
[scenario]
name = "pipeline"
seed = 8
duration = "200s"

[[load]]
id = "users"
target = "api"
rate = {rate}

[[node]]
id = "api"
kind = "service"
workers = 100
service_time = {{ dist = "const", value = "2ms" }}
  [[node.call]]
  to = "jobs"

[[node]]
id = "jobs"
kind = "queue"
to = "worker"
{broker}

[[node]]
id = "worker"
kind = "service"
{worker}
"#
    )
}

/// The producer's answer does not wait for the consumer: a consumer that
/// cannot keep up builds a backlog and lag in the broker, not latency for
/// the user.
#[test]
fn a_broker_decouples_the_user_from_a_slow_consumer() {
    let (_, s, sim) =
        run(&pipeline(120, "consumers = 1", r#"service_time = { dist = "exp", mean = "10ms" }"#));
    let jobs = &s.nodes["jobs"];
    assert!(s.latency_ms.p99 < 5.0, "user p99 {} ms", s.latency_ms.p99);
    assert!(jobs.max_queue > 1000, "backlog {}", jobs.max_queue);
    assert!(jobs.latency_ms.mean > 10_000.0, "consumer lag {} ms", jobs.latency_ms.mean);
    assert!(jobs.utilization.expect("a node with workers") > 0.99);
    // Acknowledged at the consumer's pace: 100/s.
    let acked_rate = jobs.outcomes.ok as f64 / s.measured_s;
    assert!((acked_rate - 100.0).abs() < 4.0, "{acked_rate}");
    // Every accepted message is acked, dead-lettered or still held.
    let held = sim.snapshot(0).nodes[1].in_flight;
    assert_eq!(jobs.arrivals, jobs.outcomes.ok + jobs.outcomes.error + held);
}

/// A consumer failing 20% of deliveries, at most 3 deliveries: a message
/// is delivered 1 + 0.2 + 0.04 = 1.24 times on average and dead-lettered
/// with probability 0.2³ = 0.8%. ≈0.3% and ≈4% standard errors over 10⁵
/// messages; tolerances 1.5% and 20%.
#[test]
fn at_least_once_redelivers_then_dead_letters() {
    let (_, s, _) = run(&pipeline(
        500,
        "consumers = 8\nmax_deliveries = 3",
        "workers = 8\nerror_rate = 0.2\nservice_time = { dist = \"exp\", mean = \"2ms\" }",
    ));
    let jobs = &s.nodes["jobs"];
    let settled = (jobs.outcomes.ok + jobs.outcomes.error) as f64;
    let deliveries = jobs.calls as f64 / settled;
    assert!((deliveries / 1.24 - 1.0).abs() < 0.015, "deliveries a message: {deliveries}");
    assert_eq!(jobs.retries, jobs.counters.redelivered);
    let dead = jobs.counters.dead_lettered as f64 / settled;
    assert!((dead / 0.008 - 1.0).abs() < 0.2, "dead-lettered share {dead}");
    assert_eq!(jobs.counters.dead_lettered, jobs.outcomes.error);
    assert_eq!(jobs.counters.duplicates, 0, "failures are not processed twice");
}

/// A consumer slower than the visibility timeout for 10% of messages: the
/// broker redelivers them while the first run goes on, so they are
/// processed twice.
#[test]
fn a_delivery_timeout_shorter_than_the_work_makes_duplicates() {
    let (_, s, _) = run(&pipeline(
        100,
        "consumers = 50\ndelivery_timeout = \"1s\"",
        r#"workers = 50
service_time = { dist = "bimodal", fast = "5ms", slow = "2s", slow_share = 0.1 }"#,
    ));
    let jobs = &s.nodes["jobs"];
    let redelivered = jobs.counters.redelivered as f64;
    let duplicates = jobs.counters.duplicates as f64;
    assert!(redelivered > 0.08 * jobs.arrivals as f64, "{redelivered}");
    assert!(duplicates > 0.85 * redelivered && duplicates <= redelivered + 1.0, "{duplicates}");
}

#[test]
fn a_full_broker_refuses_messages() {
    let (_, s, _) =
        run(&pipeline(200, "capacity = 50", r#"service_time = { dist = "exp", mean = "10ms" }"#));
    let jobs = &s.nodes["jobs"];
    assert!(jobs.max_queue <= 50);
    let refused = jobs.rejected as f64 / jobs.arrivals as f64;
    assert!((refused - 0.5).abs() < 0.03, "refused share {refused}");
    // The producer's sync call fails with the refusal.
    assert!(s.requests.rejected > 0);
}

/// A cache in front of a database.
fn cached(rate: u32, cache: &str, extra: &str) -> String {
    format!(
        r#"
[scenario]
name = "cache"
seed = 21
duration = "120s"
warmup = "20s"

[[load]]
id = "users"
target = "cache"
rate = {rate}
{extra}

[[node]]
id = "cache"
kind = "cache"
on_miss = "db"
{cache}

[[node]]
id = "db"
kind = "database"
pool = 20
service_time = {{ dist = "const", value = "100us" }}
"#
    )
}

#[test]
fn a_fixed_hit_ratio_sends_the_rest_to_the_backing_store() {
    let (_, s, _) = run(&cached(2000, "hit_ratio = 0.9", ""));
    let cache = &s.nodes["cache"];
    let miss = s.nodes["db"].arrivals as f64 / cache.arrivals as f64;
    assert!((miss - 0.1).abs() < 0.004, "miss share {miss}");
    assert!((cache.hit_ratio.expect("lookups") - 0.9).abs() < 0.004);
    assert_eq!(s.requests.ok, s.requests.offered - s.requests.in_flight);
}

/// Key model with a TTL and room for every key: key k (probability pₖ,
/// Zipf) is read on a miss and then hit for the TTL, so its hit ratio is
/// λpₖT / (1 + λpₖT). The hit ratio emerges; ≈0.2% standard error;
/// tolerance 2%.
#[test]
fn a_ttl_cache_hit_ratio_emerges_from_the_key_model() {
    let (keys, skew, rate, ttl) = (1000u64, 1.0, 2000.0, 1.0);
    let (_, s, _) = run(&cached(
        rate as u32,
        &format!(
            "keys = {keys}\nskew = {skew}\nttl = \"{ttl}s\"\nhit_time = {{ dist = \"const\", value = \"0ms\" }}"
        ),
        "",
    ));
    let norm: f64 = (1..=keys).map(|k| (k as f64).powf(-skew)).sum();
    let expected: f64 = (1..=keys)
        .map(|k| {
            let p = (k as f64).powf(-skew) / norm;
            p * (rate * p * ttl) / (1.0 + rate * p * ttl)
        })
        .sum();
    let h = s.nodes["cache"].hit_ratio.expect("lookups");
    assert!((h / expected - 1.0).abs() < 0.02, "hit ratio {h}, expected {expected}");
}

/// A warm cache is flushed at 60 s: the database, sized for the usual
/// misses, takes every read at once, its queue and the users' latency
/// explode; coalescing concurrent misses of a key cures most of it.
#[test]
fn a_flush_stampedes_the_backing_store_and_coalescing_cures_it() {
    let scenario = |coalesce: bool| {
        cached(5000, &format!("keys = 500\nskew = 1.1\ncoalesce = {coalesce}"), "").replace(
            "pool = 20\nservice_time = { dist = \"const\", value = \"100us\" }",
            "pool = 2\nservice_time = { dist = \"exp\", mean = \"10ms\" }",
        ) + "\n[[fault]]\nat = \"60s\"\nduration = \"1ms\"\ntarget = \"cache\"\neffect = { flush = true }\n"
    };
    let (plain_windows, plain, _) = run(&scenario(false));
    let (coalesced_windows, coalesced, _) = run(&scenario(true));
    let db = |w: &WindowReport| w.nodes[1].clone();
    let second = |ws: &[WindowReport], t: f64| ws.iter().find(|w| w.start_s == t).map(db).unwrap();
    let before = second(&plain_windows, 55.0);
    let after = second(&plain_windows, 60.0);
    assert!(after.arrivals > 5 * before.arrivals, "reads {} → {}", before.arrivals, after.arrivals);
    assert!(after.max_queue > 100, "the database queues: {}", after.max_queue);
    assert!(second(&plain_windows, 61.0).utilization.expect("a node with workers") > 0.99);
    // The users feel it for long after: each hot key is read again and
    // again while its first read waits in the database's queue.
    let user_p99 = |ws: &[WindowReport], t: usize| ws[t].latency_ms.p99;
    assert!(user_p99(&plain_windows, 65) > 1000.0, "user p99 {}", user_p99(&plain_windows, 65));
    // Coalescing: one read a key, a quarter of the reads, recovered in
    // seconds.
    let cured = second(&coalesced_windows, 60.0);
    assert!(cured.arrivals * 4 < after.arrivals, "reads {} vs {}", cured.arrivals, after.arrivals);
    assert!(coalesced.nodes["cache"].counters.coalesced > 1000);
    assert!(user_p99(&coalesced_windows, 64) < 5.0, "{}", user_p99(&coalesced_windows, 64));
    assert!(coalesced.latency_ms.p999 < plain.latency_ms.p999 / 2.0);
}
