//! Every scenario file in `scenarios/` is a test case: it parses, runs, adds
//! up, round-trips through TOML, and its explanation is present.

use scalesim_engine::{Run, Scenario, SimDuration, Simulation};

fn scenario_files() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenarios found in {dir}");
    files
}

/// Whether the run ends on a window's edge, so every instant it measured
/// is in a window a user sees.
fn meta_fits_windows(scenario: &Scenario) -> bool {
    let meta = &scenario.scenario;
    meta.duration.as_nanos().is_multiple_of(meta.window.as_nanos())
}

/// The run's maxima (queue, replicas, memory) are the highest of its
/// windows', after warm-up: a level reached at the run's last instant (in
/// the window that opens then, of no length) was never held.
fn summary_maxima_are_the_windows(name: &str, scenario: &Scenario, run: &Run) {
    let warmup = run.summary.sim_time_s - run.summary.measured_s;
    let counted: Vec<_> = run.windows.iter().filter(|w| w.start_s >= warmup).collect();
    for (i, id) in scenario.nodes.iter().map(|n| &n.id).enumerate() {
        let node = &run.summary.nodes[id];
        let windows = || counted.iter().map(|w| &w.nodes[i]);
        let queue = windows().map(|n| n.max_queue).max().unwrap_or_default();
        let replicas = windows().map(|n| n.max_replicas).max().unwrap_or_default();
        assert_eq!(node.max_queue, queue, "{name}: {id}'s max queue");
        assert_eq!(node.max_replicas, replicas, "{name}: {id}'s max replicas");
        if let Some(memory) = &node.memory {
            let peak = windows().filter_map(|n| n.memory.as_ref()).map(|m| m.peak_mb);
            assert_eq!(memory.peak_mb, peak.fold(0.0, f64::max), "{name}: {id}'s memory peak");
        }
    }
}

#[test]
fn every_scenario_parses_runs_and_adds_up() {
    for (name, text) in scenario_files() {
        let mut scenario = Scenario::from_toml(&name, &text).unwrap_or_else(|e| panic!("{e}"));
        let meta = &scenario.scenario;
        assert!(
            meta.description.as_deref().is_some_and(|d| d.len() > 40),
            "{name}: explain the lesson"
        );
        assert!(
            meta.watch.is_some() && meta.try_this.is_some(),
            "{name}: say what to watch and what to try"
        );
        // A shortened run keeps the test quick; the full runs are `scalesim check`'s.
        // Thirty seconds, or twenty windows where windows are longer (a
        // scenario in hours and days has few events a simulated second).
        let windows = SimDuration::from_nanos(meta.window.as_nanos().saturating_mul(20));
        let short = SimDuration::from_secs(30).max(windows);
        scenario.scenario.duration = scenario.scenario.duration.min(short);
        scenario.scenario.warmup = SimDuration::ZERO;
        let run = Simulation::run(scenario.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let r = &run.summary.requests;
        assert!(r.offered > 0, "{name}: no traffic");
        assert_eq!(
            r.offered,
            r.ok + r.degraded + r.error + r.timeout + r.rejected + r.in_flight,
            "{name}"
        );
        if meta_fits_windows(&scenario) {
            summary_maxima_are_the_windows(&name, &scenario, &run);
        }
        let text = scenario.try_to_toml().unwrap_or_else(|e| panic!("{name}: {e}"));
        let again =
            Scenario::from_toml(&name, &text).unwrap_or_else(|e| panic!("{name} round trip: {e}"));
        assert_eq!(again, scenario, "{name}: TOML round trip");
    }
}

#[test]
fn every_scenario_keeps_the_promises_its_expectations_make() {
    for (name, text) in scenario_files() {
        let scenario = Scenario::from_toml(&name, &text).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !scenario.expects.is_empty(),
            "{name}: a built-in scenario asserts its lesson with [[expect]]"
        );
        let (_, verdicts) = scalesim_engine::expect::evaluate(&scenario).unwrap();
        for verdict in verdicts {
            assert!(
                verdict.passed,
                "{name}: {} (measured {:?}: {})",
                verdict.expectation, verdict.actual, verdict.detail
            );
        }
    }
}
