//! One seed, one exact run: the same numbers every time, and (through the
//! shared golden file, which the Wasm test in `tests/` checks too) the same
//! numbers natively and in Wasm, bit for bit.
//!
//! Regenerate after an intended engine change:
//! `UPDATE_GOLDEN=1 cargo test -p scalesim-engine --test determinism`.

use scalesim_engine::{Scenario, SimDuration, SimTime, Simulation};
use serde_json::{Value, json};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/golden/runs.json");

/// The golden runs: each a scenario file, a duration, and (once recorded)
/// the summary and every window.
fn golden() -> Vec<Value> {
    serde_json::from_str(&std::fs::read_to_string(GOLDEN).unwrap()).unwrap()
}

/// A golden run's scenario, with its duration.
fn golden_scenario(golden: &Value) -> Scenario {
    let file = golden["scenario"].as_str().unwrap();
    let text = std::fs::read_to_string(format!("{ROOT}/{file}")).unwrap();
    let mut scenario = Scenario::from_toml(file, &text).unwrap();
    scenario.scenario.duration = SimDuration::parse(golden["duration"].as_str().unwrap()).unwrap();
    scenario
}

fn recorded(golden: &Value) -> Value {
    let run = Simulation::run(golden_scenario(golden)).unwrap();
    json!({ "scenario": golden["scenario"], "duration": golden["duration"], "summary": run.summary, "windows": run.windows })
}

#[test]
fn same_seed_same_numbers() {
    let golden = golden();
    let runs: Vec<Value> = golden.iter().map(recorded).collect();
    assert_eq!(runs, golden.iter().map(recorded).collect::<Vec<_>>());
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(GOLDEN, serde_json::to_string_pretty(&runs).unwrap() + "\n").unwrap();
        return;
    }
    for (run, golden) in runs.iter().zip(&golden) {
        assert_eq!(
            run["summary"], golden["summary"],
            "{}: the numbers changed; if intended, regenerate (see module doc)",
            golden["scenario"]
        );
        assert_eq!(run, golden);
    }
}

#[test]
fn stepping_does_not_change_the_run() {
    for golden in golden() {
        let scenario = golden_scenario(&golden);
        let end = SimTime::ZERO + scenario.scenario.duration;
        let mut one_go = Simulation::new(scenario.clone()).unwrap();
        let w1 = one_go.advance_until(end);
        let mut stepped = Simulation::new(scenario).unwrap();
        let mut w2 = Vec::new();
        let mut t = SimTime::ZERO;
        while t < end {
            t = (t + SimDuration::from_nanos(3_700_001)).min(end);
            w2.extend(stepped.advance_until(t));
        }
        assert_eq!(w1, w2);
        assert_eq!(one_go.summary(), stepped.summary());
    }
}

#[test]
fn different_seeds_differ() {
    let mut scenario = golden_scenario(&golden()[0]);
    let a = Simulation::run(scenario.clone()).unwrap().summary;
    scenario.scenario.seed += 1;
    assert_ne!(a, Simulation::run(scenario).unwrap().summary);
}
