//! Metastable failure (Bronson et al., HotOS 2021): a system at 80% load
//! whose clients retry on timeout is pushed over by a 10-second spike and
//! does not come back when the spike ends: the backlog makes every request
//! time out, the timeouts make retries, and the retries keep the backlog.
//! A retry budget caps the extra load below capacity, so the same system
//! recovers.

use scalesim_engine::{Scenario, Simulation, WindowReport, expect};

fn toml(retry: &str) -> String {
    format!(
        r#"
[scenario]
name = "metastable"
seed = 13
duration = "300s"

[[load]]
id = "clients"
target = "api"
rate = 800
timeout = "1s"
retry = {{ {retry} }}
pattern = {{ spike = {{ at = "30s", for = "10s", multiplier = 2 }} }}

[[node]]
id = "api"
kind = "service"
workers = 10
service_time = {{ dist = "exp", mean = "10ms" }}
"#
    )
}

fn system(retry: &str) -> Vec<WindowReport> {
    let scenario =
        Scenario::from_toml("metastable.toml", &toml(retry)).unwrap_or_else(|e| panic!("{e}"));
    Simulation::run(scenario).unwrap_or_else(|e| panic!("{e}")).windows
}

/// Answered-ok requests per second over the windows in `[from, to)`.
fn goodput(windows: &[WindowReport], from: f64, to: f64) -> f64 {
    let span: Vec<_> = windows.iter().filter(|w| w.start_s >= from && w.end_s <= to).collect();
    span.iter().map(|w| w.throughput_rps).sum::<f64>() / span.len().max(1) as f64
}

#[test]
fn retries_keep_a_spiked_system_down_and_a_budget_lets_it_recover() {
    let retries = r#"attempts = 3, backoff = "exponential", base = "10ms", jitter = "full""#;
    let collapsed = system(retries);
    let budgeted = system(&format!("{retries}, budget = 0.1"));
    for (name, windows) in [("no budget", &collapsed), ("budget", &budgeted)] {
        let before = goodput(windows, 10.0, 30.0);
        assert!((before - 800.0).abs() < 40.0, "{name}: healthy before the spike: {before}");
    }
    // Long after the spike ended (at 40 s), without a budget: still down.
    let late = goodput(&collapsed, 240.0, 300.0);
    assert!(late < 40.0, "without a budget goodput stays near zero: {late}/s");
    let amplification =
        collapsed.iter().rev().take(30).map(|w| w.amplification).sum::<f64>() / 30.0;
    assert!(amplification > 2.0, "retries multiply the load: {amplification}");
    // With a budget: recovered to the offered rate.
    let recovered = goodput(&budgeted, 240.0, 300.0);
    assert!((recovered - 800.0).abs() < 40.0, "with a budget it recovers: {recovered}/s");
}

/// The same claims as `[[expect]]` blocks with time ranges, as a scenario
/// file states them for `scalesim check`.
#[test]
fn ranged_expectations_measure_only_their_range() {
    let retries = r#"attempts = 3, backoff = "exponential", base = "10ms", jitter = "full""#;
    let expects = r#"
[[expect]]
metric = "throughput"
to = "30s"
above = 760

[[expect]]
metric = "throughput"
from = "240s"
below = 40
"#;
    let scenario = Scenario::from_toml("metastable.toml", &(toml(retries) + expects))
        .unwrap_or_else(|e| panic!("{e}"));
    let (summary, verdicts) = expect::evaluate(&scenario).unwrap_or_else(|e| panic!("{e}"));
    assert!(verdicts.iter().all(|v| v.passed), "{verdicts:?}");
    assert!(verdicts[1].expectation.contains("from 4m"), "{}", verdicts[1].expectation);
    // Over the whole run the throughput is neither.
    assert!(summary.throughput_rps > 40.0 && summary.throughput_rps < 760.0);
}
