//! The network and replication against their closed forms, through real
//! scenario files (issue 24's checks against theory):
//!
//! - a constant one-way latency `d` between two zones adds exactly `2d` to
//!   every sync call across them;
//! - with loss `p` each way and no retries, the share of calls that time
//!   out is `1 − (1 − p)²`;
//! - Poisson writes to one key at rate `λw` and a constant lag `L`: the
//!   share of follower reads that are stale is `1 − e^{−λw·L}`;
//! - sync replication with `acks = k` of `n` exponential lags adds the
//!   k-th order statistic to a write: mean `m·Σ_{i<k} 1/(n−i)`.
//!
//! Each states its tolerance against the estimate's standard error; the
//! seeds are fixed, so every check is also repeatable.

mod common;

use common::{run, scenario};
use scalesim_engine::Simulation;

/// Users in `eu` call `api` (in `eu`), which calls `db` (in `db_zone`).
fn two_zones(db_zone: &str, link: &str, call: &str, seconds: u32) -> String {
    format!(
        r#"
[scenario]
name = "two zones"
seed = 11
duration = "{seconds}s"
warmup = "10s"

[network]
{link}

[[load]]
id = "users"
target = "api"
rate = 1000
zone = "eu"

[[node]]
id = "api"
kind = "service"
zone = "eu"
workers = 5000
service_time = {{ dist = "exp", mean = "5ms" }}
[[node.call]]
to = "db"
{call}

[[node]]
id = "db"
kind = "database"
zone = "{db_zone}"
pool = 5000
service_time = {{ dist = "exp", mean = "3ms" }}
"#
    )
}

const LINK_40MS: &str = r#"[[network.link]]
between = ["eu", "us"]
latency = { dist = "const", value = "40ms" }"#;

/// Exactly 2d: the network has its own random stream and nothing queues,
/// so every request draws the same service times with the database in
/// either zone, and each answer comes exactly 80 ms later (the mean is
/// exact, not estimated from the histogram).
#[test]
fn constant_latency_adds_exactly_twice_d_to_a_sync_call() {
    let near = run(&two_zones("eu", LINK_40MS, "", 120));
    let far = run(&two_zones("us", LINK_40MS, "", 120));
    assert_eq!(near.requests.offered, far.requests.offered);
    assert_eq!(
        near.requests.ok,
        far.requests.ok + far.requests.in_flight - near.requests.in_flight
    );
    let added = far.latency_ms.mean - near.latency_ms.mean;
    eprintln!(
        "2d: added {added:.6} ms (theory 80), max {} → {}",
        near.latency_ms.max, far.latency_ms.max
    );
    // Each answered request is exactly 80 ms slower; the two runs' means
    // cover the same requests but for a few at the warm-up's and the run's
    // edges (measured: 79.9993 ms), hence 0.01 ms.
    assert!((added - 80.0).abs() < 0.01, "added {added} ms, expected 80 ms");
    let network = far.network.expect("network figures");
    assert_eq!(network.lost, 0);
    // Four messages a request: user → api, api → db, and both answers.
    let per_request = network.messages as f64 / far.requests.offered as f64;
    assert!((per_request - 4.0).abs() < 0.01, "{per_request} messages a request");
    // 80 of about 88 ms is the network's.
    let share = network.latency_share;
    assert!((share - 80.0 / far.latency_ms.mean).abs() < 0.01, "share {share}");
}

/// Loss p = 0.1 each way, a timeout and no retries: a call is answered
/// only if both its request and its answer arrive, so 1 − 0.9² = 19% time
/// out. About 240 000 calls: standard error 0.08 percentage points;
/// tolerance 0.5 points (six of them).
#[test]
fn loss_each_way_times_out_one_minus_one_minus_p_squared() {
    let link = r#"[[network.link]]
between = ["eu", "us"]
latency = { dist = "const", value = "20ms" }
loss = 0.1"#;
    let s = run(&two_zones("us", link, r#"timeout = "500ms""#, 250));
    let share = s.requests.timeout as f64 / s.requests.offered as f64;
    let theory = 1.0 - (1.0f64 - 0.1).powi(2);
    eprintln!(
        "loss: timeout share {share:.5} (theory {theory:.5}) over {} requests",
        s.requests.offered
    );
    assert!((share - theory).abs() < 0.005, "timeout share {share:.4}, theory {theory:.4}");
    let network = s.network.expect("network figures");
    let across = network.links.iter().find(|l| l.between == ["eu", "us"]).unwrap();
    let lost = across.lost as f64 / across.messages as f64;
    assert!((lost - 0.1).abs() < 0.003, "lost share on the link {lost:.4}");
}

/// A partition loses every message across it while it lasts; with a
/// timeout, the calls made then time out, and only they.
#[test]
fn a_partition_loses_every_message_while_it_lasts() {
    let text = two_zones("us", LINK_40MS, r#"timeout = "200ms""#, 60).replace(
        "[[node]]\nid = \"db\"",
        "[[fault]]\nat = \"20s\"\nduration = \"10s\"\neffect = { partition = [\"eu\", \"us\"] }\n\n[[node]]\nid = \"db\"",
    );
    let s = run(&text);
    let timeouts = s.requests.timeout as f64;
    eprintln!("partition: {timeouts} timeouts, {:?}", s.network.as_ref().map(|n| n.lost));
    // 10 s of 1 000 requests/s, give or take the calls in flight at the
    // edges (a Poisson count: ±1% at 4σ).
    assert!((timeouts / 10_000.0 - 1.0).abs() < 0.05, "{timeouts} timeouts");
    let network = s.network.expect("network figures");
    assert!(network.lost > 9_000, "{network:?}");
}

/// Writes to one key arrive as a Poisson stream at λw = 5/s (they leave a
/// leader with a constant service time and no queueing, so the stream is
/// only shifted); each follower applies each after L = 100 ms. A read at a
/// follower at a random instant is stale when a write was answered in the
/// last L: 1 − e^{−λw·L} = 39.35%. The indicator is correlated over L, so
/// the effective samples are about λw × 2 000 s = 10 000 writes: standard
/// error ≈ 0.5 points; tolerance 2 points.
#[test]
fn stale_share_of_follower_reads_is_one_minus_e_to_the_minus_lambda_l() {
    let text = r#"
[scenario]
name = "staleness"
seed = 5
duration = "2000s"
warmup = "10s"

[[load]]
id = "writers"
target = "writer"
rate = 5

[[load]]
id = "readers"
target = "reader"
rate = 100

[[node]]
id = "writer"
kind = "service"
workers = 100
service_time = { dist = "const", value = "1ms" }
[[node.call]]
to = "db"
op = "write"

[[node]]
id = "reader"
kind = "service"
workers = 100
service_time = { dist = "const", value = "1ms" }
[[node.call]]
to = "db"

[[node]]
id = "db"
kind = "database"
pool = 100
service_time = { dist = "const", value = "2ms" }
replication = { followers = 3, lag = { dist = "const", value = "100ms" }, read_from = "followers" }
"#;
    let s = run(text);
    let db = &s.nodes["db"];
    let share = db.stale_read_share.expect("stale_read_share");
    let theory = 1.0 - (-5.0f64 * 0.1).exp();
    eprintln!("staleness: share {share:.5} (theory {theory:.5}) over {:?} reads", db.reads);
    assert!((share - theory).abs() < 0.02, "stale share {share:.4}, theory {theory:.4}");
    assert_eq!(db.reads, Some(s.loads["readers"].requests.ok));
    // The missed write is never older than the lag.
    let staleness = db.staleness_ms.expect("staleness");
    assert!(staleness.max <= 100.5, "{staleness:?}");
}

/// The same with reads at the leader: never stale.
#[test]
fn reads_at_the_leader_are_never_stale() {
    let text = r#"
[scenario]
name = "leader"
seed = 5
duration = "100s"

[[load]]
id = "users"
target = "api"
rate = 200

[[node]]
id = "api"
kind = "service"
workers = 100
service_time = { dist = "const", value = "1ms" }
[[node.call]]
to = "db"
op = "write"
[[node.call]]
to = "db"

[[node]]
id = "db"
kind = "database"
pool = 100
keys = 1000
service_time = { dist = "exp", mean = "2ms" }
replication = { followers = 2, lag = { dist = "exp", mean = "500ms" } }
"#;
    let s = run(text);
    assert_eq!(s.nodes["db"].stale_reads, Some(0));
    // Read-your-writes from a follower: every request reads its own key
    // 2 ms after writing it; with a 500 ms mean lag nearly all miss it.
    let followers =
        run(&text
            .replace("mean = \"500ms\" } }", "mean = \"500ms\" }, read_from = \"followers\" }"));
    let share = followers.nodes["db"].stale_read_share.unwrap();
    assert!(share > 0.97, "{share}");
}

/// Sync replication, n = 3 followers with exponential lags of mean 20 ms:
/// a write is answered when k have applied it, so it waits the k-th order
/// statistic, whose mean is m·Σ_{i<k} 1/(n−i): 16.67 ms for k = 2, 36.67 ms
/// for k = 3. Everything else is constant (2 ms). 100 000 writes: the
/// standard error of the mean is under 0.05 ms; tolerance 1%.
#[test]
fn sync_acks_add_the_kth_order_statistic_of_the_lags() {
    for (k, theory_ms) in
        [(1u32, 20.0 / 3.0), (2, 20.0 * (1.0 / 3.0 + 0.5)), (3, 20.0 * (1.0 / 3.0 + 0.5 + 1.0))]
    {
        let text = format!(
            r#"
[scenario]
name = "sync acks"
seed = 3
duration = "1010s"
warmup = "10s"

[[load]]
id = "users"
target = "api"
rate = 100

[[node]]
id = "api"
kind = "service"
workers = 1000
service_time = {{ dist = "const", value = "1ms" }}
[[node.call]]
to = "db"
op = "write"

[[node]]
id = "db"
kind = "database"
pool = 1000
service_time = {{ dist = "const", value = "1ms" }}
replication = {{ followers = 3, mode = "sync", acks = {k}, lag = {{ dist = "exp", mean = "20ms" }} }}
"#
        );
        let s = run(&text);
        let added = s.latency_ms.mean - 2.0;
        eprintln!("acks = {k}: added {added:.4} ms (theory {theory_ms:.4})");
        assert!(
            (added / theory_ms - 1.0).abs() < 0.01,
            "acks = {k}: added {added:.3} ms, theory {theory_ms:.3} ms"
        );
    }
}

/// The partitions in force are known while they last, and only then (the
/// app draws them from this).
#[test]
fn partitions_now_lists_the_cut_zones_while_the_fault_lasts() {
    use scalesim_engine::time::SimTime;
    let text = two_zones("us", LINK_40MS, r#"timeout = "200ms""#, 40).replace(
        "[[node]]\nid = \"db\"",
        "[[fault]]\nat = \"20s\"\nduration = \"10s\"\neffect = { partition = [\"us\", \"eu\"] }\n\n[[node]]\nid = \"db\"",
    );
    let mut sim = Simulation::new(scenario(&text)).unwrap_or_else(|e| panic!("{e}"));
    let mut at = |s: u64| {
        sim.advance_until(SimTime::from_nanos(s * 1_000_000_000));
        sim.partitions_now()
    };
    assert!(at(19).is_empty());
    assert_eq!(at(21), vec![["eu".to_owned(), "us".to_owned()]]);
    assert!(at(31).is_empty());
}
