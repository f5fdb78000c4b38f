//! Request traces: each a tree of spans inside its parent's time, the
//! root's duration the latency the figures count, a visit's phases summing
//! to it; the slowest request of a window among its traces; runs with and
//! without traces bit for bit the same; memory bounded; and "where the
//! p99 goes" for the sync-chain lesson, before and after the call is made
//! async.

mod common;

use common::scenario_file;
use scalesim_engine::trace::{Phase, SpanKind, Trace, TraceOptions, TraceWindow};
use scalesim_engine::{Outcome, Run, Scenario, SimDuration, SimTime, Simulation, set};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// Runs to the end, with traces (`Some`) or without; the windows' traces
/// collected as they close.
fn run(scenario: Scenario, traces: Option<TraceOptions>) -> (Run, Vec<TraceWindow>) {
    let end = SimTime::ZERO + scenario.scenario.duration;
    let mut sim = Simulation::new(scenario).unwrap();
    if let Some(options) = traces {
        sim.enable_traces(options);
    }
    let mut windows = Vec::new();
    let mut kept = Vec::new();
    // In steps, taking the traces as it goes (as the CLI does).
    while sim.now() < end && sim.stalled().is_none() {
        windows.extend(sim.advance_until((sim.now() + SimDuration::from_millis(2_500)).min(end)));
        kept.extend(sim.take_traces());
    }
    let summary = sim.summary();
    (Run { windows, summary }, kept)
}

fn without_tails(mut run: Run) -> Run {
    run.summary.tail = None;
    for w in &mut run.windows {
        w.tail = None;
    }
    run
}

/// Every structural promise of a trace.
fn check_tree(trace: &Trace) {
    let spans = &trace.spans;
    assert!(!spans.is_empty());
    assert_eq!(spans.iter().filter(|s| s.parent.is_none()).count(), 1, "one root");
    assert!(spans[0].parent.is_none(), "the root comes first");
    assert!(matches!(spans[0].kind, SpanKind::Request { .. }));
    assert_eq!(spans[0].outcome, Some(trace.outcome));
    for (i, s) in spans.iter().enumerate() {
        assert!(s.end_ns != u64::MAX && s.start_ns <= s.end_ns, "span {i} closed: {s:?}");
        if let Some(p) = s.parent {
            assert!((p as usize) < i, "a parent comes before its children");
            let parent = &spans[p as usize];
            assert!(
                parent.start_ns <= s.start_ns && s.end_ns <= parent.end_ns,
                "trace {}: span {i} {s:?} outside its parent {parent:?}",
                trace.id
            );
            match (parent.kind, s.kind) {
                (SpanKind::Visit { .. }, SpanKind::Attempt { .. } | SpanKind::Backoff { .. })
                | (SpanKind::Request { .. }, SpanKind::Attempt { .. } | SpanKind::Backoff { .. })
                | (SpanKind::Attempt { .. }, SpanKind::Visit { .. } | SpanKind::Network { .. }) => {
                }
                other => panic!("span {i}: unexpected nesting {other:?}"),
            }
        }
        if let SpanKind::Visit { .. } = s.kind {
            assert_eq!(s.phases().iter().sum::<u64>(), s.duration_ns(), "phases sum: {s:?}");
        }
    }
    let split: u64 = trace.split().iter().map(|p| p.2).sum();
    assert_eq!(split, trace.latency_ns(), "the critical path covers the request");
}

#[test]
fn traces_do_not_change_the_run() {
    for file in [
        "checkout.toml",
        "station.toml",
        "retry-storm.toml",
        "fanout-tail-hedged.toml",
        "timeout-waste-cancel.toml",
        "cache-stampede-coalesced.toml",
        "rate-limited-partner-queue.toml",
        "metastable-retries-budget.toml",
        "noisy-tenant-limited.toml",
        "cross-region.toml",
        "partition.toml",
        "partition-timeouts.toml",
    ] {
        let mut s = scenario_file(file);
        s.scenario.duration = s.scenario.duration.min(SimDuration::from_secs(40));
        let (plain, none) = run(s.clone(), None);
        assert!(none.is_empty());
        assert!(plain.summary.tail.is_none() && plain.windows.iter().all(|w| w.tail.is_none()));
        let (traced, kept) = run(s, Some(TraceOptions::default()));
        assert!(!kept.is_empty(), "{file}: traces kept");
        let answered = traced.summary.latency_ms.count > 0;
        assert_eq!(traced.summary.tail.is_some(), answered, "{file}: the run's tail");
        assert_eq!(without_tails(traced), plain, "{file}: traces changed the run");
    }
}

#[test]
fn the_golden_runs_are_unchanged_with_traces_on() {
    let golden: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{ROOT}/tests/golden/runs.json")).unwrap(),
    )
    .unwrap();
    for g in golden.as_array().unwrap() {
        let file = g["scenario"].as_str().unwrap();
        let text = std::fs::read_to_string(format!("{ROOT}/{file}")).unwrap();
        let mut s = Scenario::from_toml(file, &text).unwrap();
        s.scenario.duration = SimDuration::parse(g["duration"].as_str().unwrap()).unwrap();
        let (traced, _) = run(s, Some(TraceOptions::default()));
        let traced = without_tails(traced);
        assert_eq!(serde_json::to_value(&traced.summary).unwrap(), g["summary"], "{file}");
        assert_eq!(serde_json::to_value(&traced.windows).unwrap(), g["windows"], "{file}");
    }
}

#[test]
fn every_trace_is_a_tree_in_time() {
    for file in [
        "checkout.toml",
        "retry-storm.toml",
        "fanout-tail-hedged.toml",
        "timeout-waste-cancel.toml",
        "pool-exhaustion.toml",
        "cache-stampede-coalesced.toml",
        "rate-limited-partner-queue.toml",
        "metastable-retries.toml",
        "noisy-tenant-limited.toml",
        "sync-chain-async.toml",
        "load-shedding-bounded.toml",
        "cross-region.toml",
        "cross-region-local.toml",
        "partition-timeouts.toml",
    ] {
        let mut s = scenario_file(file);
        s.scenario.duration = s.scenario.duration.min(SimDuration::from_secs(40));
        let (_, kept) = run(
            s,
            Some(TraceOptions {
                slowest: 3,
                sample: 3,
                keep_windows: 1000,
                ..TraceOptions::default()
            }),
        );
        let traces: Vec<&Trace> = kept.iter().flat_map(|w| &w.traces).collect();
        assert!(traces.len() > 20, "{file}: {} traces", traces.len());
        for t in &traces {
            check_tree(t);
        }
        for w in &kept {
            assert!(w.traces.len() <= 3 + 3 + 3, "{file}: at most 2K + S a window");
            assert!(w.traces.iter().all(|t| t.window == w.index));
        }
    }
}

/// With a sample as large as a window's requests every request is kept,
/// so the traces must add up to the window's own figures exactly.
#[test]
fn roots_are_the_latency_the_figures_count() {
    let mut s = scenario_file("checkout.toml");
    s.scenario.duration = SimDuration::from_secs(30);
    set::apply(&mut s, "load.shoppers.rate", "150").unwrap();
    let options =
        TraceOptions { slowest: 5, sample: 100_000, keep_windows: 1000, ..TraceOptions::default() };
    let (run, kept) = run(s, Some(options));
    assert_eq!(run.windows.len(), kept.len());
    for (w, t) in run.windows.iter().zip(&kept) {
        assert_eq!(w.index, t.index);
        let finished = w.requests.ok
            + w.requests.degraded
            + w.requests.error
            + w.requests.timeout
            + w.requests.rejected;
        assert_eq!(t.finished, finished, "window {}", w.index);
        assert_eq!(t.traces.len() as u64, finished, "every request kept");
        let answered: Vec<u64> =
            t.traces.iter().filter(|t| t.outcome.is_success()).map(Trace::latency_ns).collect();
        assert_eq!(answered.len() as u64, w.latency_ms.count);
        if !answered.is_empty() {
            let mean = answered.iter().sum::<u64>() as f64 / answered.len() as f64 / 1e6;
            assert!((mean - w.latency_ms.mean).abs() < 1e-9, "{mean} vs {}", w.latency_ms.mean);
        }
        for outcome in [Outcome::Error, Outcome::Timeout, Outcome::Rejected] {
            let n = t.traces.iter().filter(|t| t.outcome == outcome).count() as u64;
            let counted = match outcome {
                Outcome::Error => w.requests.error,
                Outcome::Timeout => w.requests.timeout,
                _ => w.requests.rejected,
            };
            assert_eq!(n, counted, "window {} {outcome:?}", w.index);
        }
    }
}

#[test]
fn the_slowest_request_of_a_window_is_among_its_traces() {
    for file in ["sync-chain.toml", "retry-storm.toml", "checkout.toml"] {
        let mut s = scenario_file(file);
        s.scenario.duration = SimDuration::from_secs(30);
        // The slowest three only, no sample: the slowest must be kept.
        let (run, kept) = run(
            s,
            Some(TraceOptions {
                slowest: 3,
                sample: 0,
                keep_windows: 1000,
                ..TraceOptions::default()
            }),
        );
        for (w, t) in run.windows.iter().zip(&kept) {
            if w.latency_ms.count == 0 {
                assert!(t.slowest().is_none());
                continue;
            }
            let slowest = t.slowest().expect("the slowest answered request is kept");
            let ms = slowest.latency_ns() as f64 / 1e6;
            // The histogram's maximum is within its 1% precision.
            assert!(
                (ms - w.latency_ms.max).abs() <= w.latency_ms.max * 0.01 + 1e-6,
                "{file} window {}: slowest trace {ms} ms, window max {} ms",
                w.index,
                w.latency_ms.max
            );
            assert!(slowest.slowest);
        }
    }
}

#[test]
fn where_the_p99_goes_in_the_sync_chain() {
    let (sync, _) = run(scenario_file("sync-chain.toml"), Some(TraceOptions::default()));
    let tail = sync.summary.tail.clone().expect("a tail with traces on").tail;
    let recs = tail.share_of("recommendations");
    assert!(recs > 0.8, "sync: recommendations holds {recs:.2} of the tail: {tail:#?}");
    // Each window says so too.
    let measured: Vec<_> = sync.windows.iter().skip(10).filter_map(|w| w.tail.as_ref()).collect();
    assert!(measured.len() >= 45);
    let on_recs = measured.iter().filter(|t| t.tail.by_component()[0].0 == "recommendations");
    assert!(on_recs.count() >= measured.len() * 9 / 10);
    // The median request's time is mostly recommendations too, but less so.
    let median = sync.summary.tail.as_ref().and_then(|t| t.median.clone()).unwrap();
    assert!(median.latency_ms < tail.latency_ms / 3.0);

    let mut cured = scenario_file("sync-chain.toml");
    set::apply(&mut cured, "api.call.1.mode", "async").unwrap();
    let (async_run, _) = run(cured, Some(TraceOptions::default()));
    let tail = async_run.summary.tail.expect("a tail").tail;
    assert_eq!(tail.share_of("recommendations"), 0.0, "{tail:#?}");
    // The tail is now the api's own path: its service and its one
    // remaining sync call (payments, whose log-normal tail is the longer).
    let api = tail.share_of("api");
    let payments = tail.share_of("payments");
    assert!((api + payments - 1.0).abs() < 1e-9, "{tail:#?}");
    assert!(api > 0.15 && payments > 0.5, "api {api:.2}, payments {payments:.2}");
    assert!(tail.latency_ms < 60.0, "{tail:#?}");
    // Phases: nothing queues in either run; the time is service.
    let in_service: f64 =
        tail.by_phase().iter().filter(|(p, _)| *p == Phase::InService).map(|(_, ms)| ms).sum();
    assert!(in_service / tail.latency_ms > 0.95, "{tail:#?}");
}

/// However long the run, what is held stays bounded: a few windows of
/// traces, and spans in flight capped even when requests pile up.
#[test]
fn memory_stays_bounded() {
    let mut s = scenario_file("station.toml");
    s.scenario.duration = SimDuration::from_secs(400);
    let mut sim = Simulation::new(s).unwrap();
    sim.enable_traces(TraceOptions {
        slowest: 5,
        sample: 5,
        keep_windows: 20,
        ..TraceOptions::default()
    });
    sim.advance_until(SimTime::ZERO + SimDuration::from_secs(400));
    let windows: Vec<&TraceWindow> = sim.traces().collect();
    assert_eq!(windows.len(), 20);
    assert!(windows.iter().all(|w| w.traces.len() <= 15));
    let (requests, spans) = sim.traces_in_flight();
    assert!(requests < 1_000 && spans < 10_000, "{requests} requests, {spans} spans in flight");

    // An overloaded run: the queue grows without end; spans in flight stop
    // at their bound and the run is unchanged.
    let mut s = scenario_file("load-shedding.toml");
    s.scenario.duration = SimDuration::from_secs(60);
    let end = SimTime::ZERO + s.scenario.duration;
    let mut plain = Simulation::new(s.clone()).unwrap();
    let mut traced = Simulation::new(s).unwrap();
    traced.enable_traces(TraceOptions::default());
    let a = plain.advance_until(end);
    let b: Vec<_> = traced
        .advance_until(end)
        .into_iter()
        .map(|mut w| {
            w.tail = None;
            w
        })
        .collect();
    assert_eq!(a, b);
    let (_, spans) = traced.traces_in_flight();
    assert!(spans <= scalesim_engine::trace::MAX_SPANS_IN_FLIGHT);

    // A caller's own, lower bound (the browser's worker) holds the same way.
    let mut s = scenario_file("load-shedding.toml");
    s.scenario.duration = SimDuration::from_secs(60);
    let mut capped = Simulation::new(s).unwrap();
    capped.enable_traces(TraceOptions { max_spans_in_flight: 2_000, ..TraceOptions::default() });
    let c: Vec<_> = capped
        .advance_until(end)
        .into_iter()
        .map(|mut w| {
            w.tail = None;
            w
        })
        .collect();
    assert_eq!(a, c);
    let (_, spans) = capped.traces_in_flight();
    assert!(spans <= 2_000 && spans > 1_500, "{spans} spans in flight: the bound is reached");
}

/// Tracing turned on and off while the run goes (the app's toggle) leaves
/// the run as it was, and traces collected after it is turned on again
/// are whole trees (no span of the first collector reaches the second).
#[test]
fn toggling_traces_mid_run_changes_nothing() {
    for file in ["sync-chain.toml", "retry-storm.toml", "fanout-tail-hedged.toml"] {
        let mut s = scenario_file(file);
        s.scenario.duration = s.scenario.duration.min(SimDuration::from_secs(40));
        let end = SimTime::ZERO + s.scenario.duration;
        let (plain, _) = run(s.clone(), None);
        let mut sim = Simulation::new(s).unwrap();
        let mut windows = Vec::new();
        let mut kept = Vec::new();
        let mut step = 0u64;
        while sim.now() < end && sim.stalled().is_none() {
            // On for 3 s, off for 2 s, ..., switched mid-window.
            match step % 5 {
                0 => sim.enable_traces(TraceOptions::default()),
                3 => sim.disable_traces(),
                _ => {}
            }
            step += 1;
            windows
                .extend(sim.advance_until((sim.now() + SimDuration::from_millis(1_000)).min(end)));
            kept.extend(sim.take_traces());
        }
        let summary = sim.summary();
        let toggled = without_tails(Run { windows, summary });
        assert_eq!(toggled, without_tails(plain), "{file}: toggling traces changed the run");
        let traces: Vec<&Trace> = kept.iter().flat_map(|w| &w.traces).collect();
        assert!(traces.len() > 20, "{file}: traces kept while on ({})", traces.len());
        for t in traces {
            check_tree(t);
        }
    }
}

/// Two zones a constant `d` = 10 ms apart: a user in eu calls the api in
/// eu, which calls db in us (sync, plain or with a timeout: `{TIMEOUT}`)
/// and hands a job to worker in us (async).
const TWO_ZONES: &str = r#"
[scenario]
name = "two zones"
seed = 3
duration = "20s"
warmup = "2s"

[network]
latency = { dist = "const", value = "0ms" }

[[network.link]]
between = ["eu", "us"]
latency = { dist = "const", value = "10ms" }

[[load]]
id = "users"
target = "api"
rate = 50
zone = "eu"

[[node]]
id = "api"
kind = "service"
zone = "eu"
workers = 50
service_time = { dist = "exp", mean = "2ms" }
  [[node.call]]
  to = "db"
  {TIMEOUT}
  [[node.call]]
  to = "worker"
  mode = "async"

[[node]]
id = "db"
kind = "service"
zone = "us"
workers = 50
service_time = { dist = "exp", mean = "3ms" }

[[node]]
id = "worker"
kind = "service"
zone = "us"
workers = 50
service_time = { dist = "exp", mean = "5ms" }
"#;

fn two_zones(timeout: bool) -> Scenario {
    let text = TWO_ZONES.replace("{TIMEOUT}", if timeout { "timeout = \"1s\"" } else { "" });
    Scenario::from_toml("two-zones.toml", &text).unwrap()
}

const D: u64 = 10_000_000;

/// The network time of a trace's spans, and of its critical path.
fn network_ns(trace: &Trace) -> (u64, u64) {
    let spans: u64 = trace
        .spans
        .iter()
        .filter(|s| matches!(s.kind, SpanKind::Network { .. }))
        .map(|s| s.duration_ns())
        .sum();
    let path = trace.split().iter().filter(|p| p.1 == Phase::Network).map(|p| p.2).sum();
    (spans, path)
}

#[test]
fn a_sync_call_across_zones_is_two_hops_on_the_network() {
    for timeout in [false, true] {
        let all = TraceOptions {
            slowest: 5,
            sample: 100_000,
            keep_windows: 1000,
            ..TraceOptions::default()
        };
        let (run, kept) = run(two_zones(timeout), Some(all));
        let traces: Vec<&Trace> = kept.iter().flat_map(|w| &w.traces).collect();
        assert!(traces.len() > 500, "{} traces", traces.len());
        let mut answered = 0;
        for t in &traces {
            check_tree(t);
            if t.outcome != Outcome::Ok {
                continue;
            }
            answered += 1;
            // user → api stays in eu (no latency); api → db crosses: 2d,
            // all of it on the critical path; the async hand-over to
            // worker is not waited for and not followed.
            assert_eq!(network_ns(t), (2 * D, 2 * D), "timeout {timeout}: trace {}", t.id);
            let db = t
                .spans
                .iter()
                .position(|s| matches!(s.kind, SpanKind::Visit { node: 1, .. }))
                .expect("the remote visit is in the trace");
            let attempt = t.spans[db].parent.unwrap();
            assert!(matches!(t.spans[attempt as usize].kind, SpanKind::Attempt { to: 1, .. }));
            let hops: Vec<_> = t
                .spans
                .iter()
                .filter(|s| s.parent == Some(attempt) && matches!(s.kind, SpanKind::Network { .. }))
                .collect();
            assert_eq!(hops.len(), 2, "out and back under the attempt");
            assert_eq!(hops[0].end_ns, t.spans[db].start_ns, "the visit starts on arrival");
            assert_eq!(hops[1].start_ns, t.spans[db].end_ns, "the answer leaves at its end");
            assert_eq!(t.spans[attempt as usize].end_ns, hops[1].end_ns, "ends on the answer");
            assert!(!t.spans.iter().any(|s| matches!(s.kind, SpanKind::Visit { node: 2, .. })));
        }
        assert_eq!(answered as u64, run.windows.iter().map(|w| w.latency_ms.count).sum::<u64>());
        // Roots are the latency the figures count, window by window.
        for (w, k) in run.windows.iter().zip(&kept) {
            let lat: Vec<u64> =
                k.traces.iter().filter(|t| t.outcome.is_success()).map(Trace::latency_ns).collect();
            assert_eq!(lat.len() as u64, w.latency_ms.count);
            if !lat.is_empty() {
                let mean = lat.iter().sum::<u64>() as f64 / lat.len() as f64 / 1e6;
                assert!((mean - w.latency_ms.mean).abs() < 1e-9, "{mean} vs {}", w.latency_ms.mean);
            }
        }
        // The p99 split names the network: 2d of every slow request.
        let tail = run.summary.tail.clone().expect("a tail");
        let net = tail.tail.by_phase().into_iter().find(|p| p.0 == Phase::Network).unwrap().1;
        assert!((net - 20.0).abs() < 1e-6, "timeout {timeout}: {net} ms on the network");
        // And the run is the same without traces.
        let (plain, _) = self::run(two_zones(timeout), None);
        assert_eq!(without_tails(run), plain);
    }
}

#[test]
fn the_cross_region_tail_is_mostly_network() {
    let (run, kept) = run(scenario_file("cross-region.toml"), Some(TraceOptions::default()));
    let tail = run.summary.tail.expect("a tail").tail;
    let phases = tail.by_phase();
    let (largest, ms) = phases.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1)).expect("phases");
    eprintln!("cross-region tail: {phases:?} of {} ms", tail.latency_ms);
    assert_eq!(largest, Phase::Network, "{phases:?}");
    assert!(ms / tail.latency_ms > 0.85, "{ms} of {} ms", tail.latency_ms);
    for t in kept.iter().flat_map(|w| &w.traces) {
        check_tree(t);
        if t.outcome == Outcome::Ok {
            let calls = t
                .spans
                .iter()
                .filter(|s| matches!(s.kind, SpanKind::Visit { node: 1, .. }))
                .count();
            assert_eq!(calls, 3, "three remote visits in trace {}", t.id);
        }
    }
}
