//! What the library's lessons claim beyond their `[[expect]]`s: the
//! comparisons their explanations make (one size against another, the
//! problem against its cure, one part of the bill against the rest), each
//! measured on the lesson's own file.

mod common;

use common::scenario_file;
use scalesim_engine::metrics::NodeReport;
use scalesim_engine::{Run, SimDuration, Simulation, set};

const HOUR_S: f64 = 3600.0;
const WEEK_S: f64 = 168.0 * HOUR_S;

/// A lesson's run, with its nodes' ids in the order windows list them.
struct Lesson {
    run: Run,
    ids: Vec<String>,
}

impl std::ops::Deref for Lesson {
    type Target = Run;
    fn deref(&self) -> &Run {
        &self.run
    }
}

/// The lesson's file with `edits` (`path=value`, as `--set` takes them).
fn run(file: &str, edits: &[(&str, &str)]) -> Lesson {
    let mut scenario = scenario_file(file);
    for (path, value) in edits {
        set::apply(&mut scenario, path, value).unwrap_or_else(|e| panic!("{file} {path}: {e}"));
    }
    let ids = scenario.nodes.iter().map(|n| n.id.clone()).collect();
    Lesson { run: Simulation::run(scenario).unwrap_or_else(|e| panic!("{file}: {e}")), ids }
}

fn node<'a>(run: &'a Run, id: &str) -> &'a NodeReport {
    run.summary.nodes.get(id).unwrap_or_else(|| panic!("no node {id}"))
}

fn rejected_share(run: &Run) -> f64 {
    let r = &run.summary.requests;
    r.rejected as f64 / r.offered as f64
}

/// The mean of `f` over the windows that lie within `from_s..to_s`.
fn over_windows(
    run: &Lesson,
    from_s: f64,
    to_s: f64,
    f: impl Fn(&NodeReport) -> f64,
    id: &str,
) -> f64 {
    let at = run.ids.iter().position(|n| n == id).unwrap_or_else(|| panic!("no node {id}"));
    let values: Vec<f64> = run
        .windows
        .iter()
        .filter(|w| w.start_s >= from_s && w.end_s <= to_s)
        .map(|w| f(&w.nodes[at]))
        .collect();
    assert!(!values.is_empty(), "no windows in {from_s}..{to_s} s");
    values.iter().sum::<f64>() / values.len() as f64
}

/// "Doubling checkout from 4 replicas to 8 changed nothing": the same share
/// of orders is rejected, the provider answers the same calls, and the
/// retries do not fall; in the peak the provider answers at its quota.
#[test]
fn more_servers_before_a_rate_limit_change_nothing() {
    let eight = run("more-servers.toml", &[]);
    let four = run("more-servers.toml", &[("checkout.replicas", "4")]);
    let (r8, r4) = (rejected_share(&eight), rejected_share(&four));
    assert!(r8 > 0.08, "the problem shows: {r8}");
    assert!((r8 - r4).abs() < 0.01, "8 replicas reject {r8}, 4 reject {r4}");
    let ok = |r: &Run| node(r, "payment-provider").outcomes.ok as f64;
    assert!((ok(&eight) / ok(&four) - 1.0).abs() < 0.02, "{} against {}", ok(&eight), ok(&four));
    let retries = |r: &Run| node(r, "checkout").retries as f64;
    assert!(retries(&eight) >= 0.95 * retries(&four), "{} {}", retries(&eight), retries(&four));
    // In the peak (20 s to 50 s) the bucket refills at 100 a second.
    let answered = |n: &NodeReport| n.outcomes.ok as f64;
    let peak = over_windows(&eight, 25.0, 50.0, answered, "payment-provider");
    assert!((90.0..=110.0).contains(&peak), "the provider answers {peak}/s in the peak");
}

/// The cure: checkout at 4 replicas, no user rejected, the sender under
/// the provider's quota (about 90 calls a second), the queue growing in the
/// peak and drained within the minute after.
#[test]
fn the_payment_on_a_paced_queue_absorbs_the_peak() {
    let run = run("more-servers-queue.toml", &[]);
    assert_eq!(run.summary.requests.rejected, 0);
    let calls = |n: &NodeReport| n.arrivals as f64;
    let pace = over_windows(&run, 25.0, 50.0, calls, "payment-provider");
    assert!((80.0..=100.0).contains(&pace), "the sender's pace in the peak: {pace}/s");
    let queue = node(&run, "payment-queue");
    assert!(queue.max_queue > 1000, "the backlog in the peak: {}", queue.max_queue);
    let level = |n: &NodeReport| n.mean_queue;
    let after = over_windows(&run, 110.0, 120.0, level, "payment-queue");
    assert!(after < 5.0, "the backlog a minute after the peak: {after}");
}

/// The coordinating team: six seats make a 2-hour review a 6-hour one, and
/// a review takes longer the more seats; engineers busy all the time but
/// mostly waiting; about 46 changes of 60 ship a week and the backlog
/// grows week after week.
#[test]
fn change_through_a_coordinating_team_waits_and_backs_up() {
    let six = run("team-change.toml", &[]);
    let review_h = |r: &Run| {
        let board = node(r, "review-board");
        (board.latency_ms.mean - board.mean_wait_ms.expect("reviews waited")) / 1000.0 / HOUR_S
    };
    assert!((review_h(&six) - 6.0).abs() < 0.9, "a review takes {} h", review_h(&six));
    let three = run("team-change.toml", &[("review-board.replicas", "3")]);
    let twelve = run("team-change.toml", &[("review-board.replicas", "12")]);
    assert!(review_h(&three) < review_h(&six) && review_h(&six) < review_h(&twelve));

    let team = node(&six, "team-checkout");
    let per_week = six.summary.throughput_rps * WEEK_S;
    let own_work = six.summary.throughput_rps * 6.0 * HOUR_S / 6.0;
    assert!(
        team.utilization.expect("a node with workers") > 0.95,
        "engineers busy: {}",
        team.utilization.expect("a node with workers")
    );
    assert!(own_work < 0.5, "share of their time on their own work: {own_work}");
    assert!((40.0..=52.0).contains(&per_week), "{per_week} changes ship a week");
    let backlog = |n: &NodeReport| n.mean_queue;
    let second = over_windows(&six, 168.0 * HOUR_S, 336.0 * HOUR_S, backlog, "team-checkout");
    let last = over_windows(&six, 1176.0 * HOUR_S, 1344.0 * HOUR_S, backlog, "team-checkout");
    assert!(last > second + 20.0, "the backlog: {second} in week 2, {last} in week 8");
}

/// The cure: every change asked for ships, the p99 lead time is about a
/// day, and the other teams still get every change to adapt to.
#[test]
fn teams_owning_their_boundaries_ship_every_change() {
    let run = run("team-change-owned.toml", &[]);
    let r = &run.summary.requests;
    assert!(r.ok as f64 > 0.97 * r.offered as f64, "{} of {} shipped", r.ok, r.offered);
    let p99_h = run.summary.latency_ms.p99 / 1000.0 / HOUR_S;
    assert!((18.0..=40.0).contains(&p99_h), "p99 lead time {p99_h} h");
    for team in ["team-payments", "team-search", "team-accounts"] {
        let arrivals = node(&run, team).arrivals as f64;
        assert!((arrivals / r.offered as f64 - 1.0).abs() < 0.05, "{team}: {arrivals}");
    }
}

/// What the machines cost per million requests: the run's cost less the
/// same run's with every replica-hour free.
fn machines_per_million(file: &str, nodes: &[&str]) -> (f64, f64) {
    let total = run(file, &[]).summary.cost_per_million;
    let free: Vec<String> = nodes.iter().map(|n| format!("{n}.cost.per_replica_hour")).collect();
    let edits: Vec<(&str, &str)> = free.iter().map(|p| (p.as_str(), "0")).collect();
    let without = run(file, &edits).summary.cost_per_million;
    (total, total - without)
}

const OBSERVED: [&str; 4] = ["gateway", "api", "db", "trace-collector"];

/// Logging and tracing everything: logs and spans cost many times the
/// machines, and the collector turns away about a third of the spans.
#[test]
fn observing_everything_costs_more_than_the_service() {
    let (total, machines) = machines_per_million("logging-cost.toml", &OBSERVED);
    assert!(total - machines > 10.0 * machines, "logs and traces {total} - {machines}");
    let run = run("logging-cost.toml", &[]);
    let collector = node(&run, "trace-collector");
    let dropped = collector.rejected as f64 / collector.arrivals as f64;
    assert!((0.25..=0.4).contains(&dropped), "the collector drops {dropped}");
}

/// Sampled at the edge: the bill falls to a fraction with the machines its
/// largest line, and the collector keeps each of about 40 spans a second.
#[test]
fn sampling_at_the_edge_keeps_the_signal_for_a_fraction() {
    let (everything, _) = machines_per_million("logging-cost.toml", &OBSERVED);
    let (total, machines) = machines_per_million("logging-cost-sampled.toml", &OBSERVED);
    assert!(total < 0.1 * everything, "{total} against {everything}");
    assert!(machines > total - machines, "machines {machines} of {total}");
    let run = run("logging-cost-sampled.toml", &[]);
    let collector = node(&run, "trace-collector");
    assert_eq!(collector.rejected, 0);
    let spans = collector.arrivals as f64 / run.summary.measured_s;
    assert!((30.0..=50.0).contains(&spans), "{spans} spans a second");
}

/// Played on for two years as the app plays past `duration`, the
/// coordinating team's backlog keeps growing, and the run's sums of waits
/// (past 2⁶⁴ nanoseconds) and its latencies (past thirty days) are still
/// counted.
#[test]
fn two_years_of_the_coordinating_team_are_counted() {
    let mut sim =
        Simulation::new(scenario_file("team-change.toml")).unwrap_or_else(|e| panic!("{e}"));
    let windows = sim
        .advance_until(scalesim_engine::SimTime::ZERO + SimDuration::from_secs(2 * 365 * 86_400));
    let last = windows.last().expect("windows closed");
    assert!(last.end_s > 700.0 * 86_400.0, "played to {} s", last.end_s);
    let summary = sim.summary();
    let wait_h =
        summary.nodes["team-checkout"].mean_wait_ms.expect("changes waited") / 1000.0 / HOUR_S;
    let p99_h = summary.latency_ms.p99 / 1000.0 / HOUR_S;
    assert!(wait_h > 1000.0, "a change waits {wait_h} h for an engineer");
    assert!(p99_h > 2.0 * 720.0, "p99 lead time {p99_h} h");
}

/// The windows of `run` that lie within `from_s..to_s`.
fn windows_in(run: &Run, from_s: f64, to_s: f64) -> Vec<&scalesim_engine::WindowReport> {
    let found: Vec<_> =
        run.windows.iter().filter(|w| w.start_s >= from_s && w.end_s <= to_s).collect();
    assert!(!found.is_empty(), "no windows in {from_s}..{to_s} s");
    found
}

/// The cache stampede: the cache fills while traffic ramps up (the
/// database never saturates before the flush), the database then sees
/// almost no reads; the flush at 60 s sends thousands of reads of the same
/// 500 pages to it, its workers busy for the rest of the run; the hit
/// ratio is back within seconds while the users still wait many seconds.
#[test]
fn a_flushed_cache_stampedes_its_database_after_a_calm_warm_up() {
    let run = run("cache-stampede.toml", &[]);
    let (cache, db) = (0, 1);
    assert_eq!(run.ids, ["cache", "db"]);
    for w in windows_in(&run, 0.0, 20.0) {
        let busy = w.nodes[db].utilization.expect("a node with workers");
        assert!(busy < 0.8, "warm-up: the db is {busy} busy at {} s", w.end_s);
        assert!(w.latency_ms.p99 < 100.0, "warm-up: p99 {} ms at {} s", w.latency_ms.p99, w.end_s);
    }
    let calm = windows_in(&run, 20.0, 60.0);
    let reads: u64 = calm.iter().map(|w| w.nodes[db].arrivals).sum();
    assert!(reads < 20, "the db reads {reads} times between 20 s and 60 s");
    assert!(calm.iter().all(|w| w.nodes[cache].hit_ratio.is_some_and(|h| h > 0.999)));
    let after = windows_in(&run, 60.0, 90.0);
    let reads: u64 = after.iter().map(|w| w.nodes[db].arrivals).sum();
    assert!(reads > 4 * 500, "after the flush the db reads {reads} times for 500 pages");
    for w in windows_in(&run, 61.0, 85.0) {
        assert!(
            w.nodes[db].utilization.expect("a node with workers") > 0.99,
            "db busy {} at {} s",
            w.nodes[db].utilization.expect("a node with workers"),
            w.end_s
        );
        assert!(
            w.nodes[db].mean_queue > 1000.0,
            "db queue {} at {} s",
            w.nodes[db].mean_queue,
            w.end_s
        );
    }
    for w in windows_in(&run, 70.0, 85.0) {
        let hits = w.nodes[cache].hit_ratio.unwrap_or(0.0);
        assert!(hits > 0.95, "hit ratio {hits} at {} s", w.end_s);
        assert!(w.latency_ms.p99 > 5_000.0, "users' p99 {} ms at {} s", w.latency_ms.p99, w.end_s);
    }
}

/// The cure: the same ramp and flush with coalescing; the database reads
/// each of the 500 pages once after the flush, never saturates before it,
/// the cache is back to 99% hits within 3 s and the users' p99 under 5 ms
/// from 65 s.
#[test]
fn coalesced_misses_read_each_page_once_after_the_flush() {
    let run = run("cache-stampede-coalesced.toml", &[]);
    let (cache, db) = (0, 1);
    assert!(
        windows_in(&run, 0.0, 20.0)
            .iter()
            .all(|w| w.nodes[db].utilization.expect("a node with workers") < 0.8)
    );
    let reads: u64 = windows_in(&run, 60.0, 90.0).iter().map(|w| w.nodes[db].arrivals).sum();
    assert!(reads <= 500, "after the flush the db reads {reads} times for 500 pages");
    for w in windows_in(&run, 63.0, 90.0) {
        assert!(
            w.nodes[cache].hit_ratio.is_some_and(|h| h > 0.99),
            "hit ratio {:?} at {} s",
            w.nodes[cache].hit_ratio,
            w.end_s
        );
    }
    for w in windows_in(&run, 65.0, 90.0) {
        assert!(w.latency_ms.p99 < 5.0, "users' p99 {} ms at {} s", w.latency_ms.p99, w.end_s);
    }
}

/// The retry storm: before the outage the database is under half busy
/// with one query per user request; were it fast enough, the outage's
/// retries would ask it for about five per user request (the closed form
/// 2.44 × 1.77 × 1.15); at its 500 a second it saturates instead, its
/// arrivals about three per user request and its queue growing about 100
/// a second; from about 35 s no user request succeeds (they time out at
/// 2 s), and none does for several seconds after the outage ends at 50 s;
/// by 60 s it has recovered.
#[test]
fn a_retry_storm_saturates_the_database_and_fails_every_user() {
    let storm = run("retry-storm.toml", &[]);
    let db = storm.ids.iter().position(|n| n == "db").expect("db");
    let per_user = |w: &&scalesim_engine::WindowReport| {
        w.nodes[db].arrivals as f64 / w.requests.offered.max(1) as f64
    };
    for w in windows_in(&storm, 10.0, 20.0) {
        assert!(
            w.nodes[db].utilization.expect("a node with workers") < 0.6,
            "before: db {} busy",
            w.nodes[db].utilization.expect("a node with workers")
        );
        assert!((per_user(&w) - 1.0).abs() < 0.05, "before: {} queries a request", per_user(&w));
        assert_eq!(w.requests.timeout + w.requests.error, 0);
    }
    let fast = run("retry-storm.toml", &[("db.pool", "50")]);
    let asked: f64 = windows_in(&fast, 21.0, 50.0).iter().map(per_user).sum::<f64>() / 29.0;
    assert!((4.6..=5.4).contains(&asked), "a fast db is asked {asked} queries a request");
    let outage = windows_in(&storm, 22.0, 50.0);
    let arrived = outage.iter().map(per_user).sum::<f64>() / outage.len() as f64;
    assert!((2.7..=3.3).contains(&arrived), "the saturated db gets {arrived} a request");
    assert!(outage.iter().all(|w| w.nodes[db].utilization.expect("a node with workers") > 0.99));
    let (first, last) =
        (outage[0].nodes[db].mean_queue, outage[outage.len() - 1].nodes[db].mean_queue);
    let growth = (last - first) / (outage.len() - 1) as f64;
    assert!((70.0..=130.0).contains(&growth), "the db's queue grows {growth} a second");
    for w in windows_in(&storm, 35.0, 56.0) {
        assert_eq!(w.requests.ok, 0, "a request succeeded at {} s", w.end_s);
        assert!(w.requests.timeout > 150, "{} timed out at {} s", w.requests.timeout, w.end_s);
    }
    for w in windows_in(&storm, 62.0, 70.0) {
        assert_eq!(w.requests.timeout + w.requests.error, 0, "still failing at {} s", w.end_s);
        assert!(w.nodes[db].utilization.expect("a node with workers") < 0.6);
    }
}

/// The cure: the same outage fails about 80% of requests, at once (no
/// timeouts), the database under half busy with about 1.1 queries a
/// request, and every request succeeds again from 50 s.
#[test]
fn one_layer_retrying_within_a_budget_keeps_the_database_out_of_the_storm() {
    let cure = run("retry-storm-budget.toml", &[]);
    let db = cure.ids.iter().position(|n| n == "db").expect("db");
    let outage = windows_in(&cure, 21.0, 50.0);
    let (offered, failed, timeouts) = outage.iter().fold((0, 0, 0), |(o, f, t), w| {
        let r = &w.requests;
        (o + r.offered, f + r.error + r.timeout + r.rejected, t + r.timeout)
    });
    let share = failed as f64 / offered as f64;
    assert!((0.7..=0.85).contains(&share), "{share} of requests fail in the outage");
    assert_eq!(timeouts, 0);
    assert!(
        outage.iter().all(|w| w.nodes[db].utilization.expect("a node with workers") < 0.6
            && w.latency_ms.p99 < 200.0)
    );
    for w in windows_in(&cure, 51.0, 70.0) {
        assert_eq!(w.requests.error + w.requests.timeout, 0, "failing at {} s", w.end_s);
    }
}
