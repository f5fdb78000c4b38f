//! One seed, one exact run: the same numbers every time, and (through the
//! shared golden file, which the Wasm test in `tests/` checks too) the same
//! numbers natively and in Wasm, bit for bit.
//!
//! Regenerate after an intended engine change:
//! `UPDATE_GOLDEN=1 cargo test -p scalesim-engine --test determinism`.

use scalesim_engine::{Scenario, SimDuration, SimTime, Simulation};
use serde_json::{Value, json};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn golden() -> (String, Value) {
    let path = format!("{ROOT}/tests/golden/checkout.json");
    (path.clone(), serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
}

/// The golden file's scenario, with its duration.
fn golden_scenario(golden: &Value) -> Scenario {
    let file = golden["scenario"].as_str().unwrap();
    let text = std::fs::read_to_string(format!("{ROOT}/{file}")).unwrap();
    let mut scenario = Scenario::from_toml(file, &text).unwrap();
    scenario.scenario.duration = SimDuration::parse(golden["duration"].as_str().unwrap()).unwrap();
    scenario
}

fn recorded(golden: &Value, scenario: Scenario) -> Value {
    let run = Simulation::run(scenario).unwrap();
    json!({ "scenario": golden["scenario"], "duration": golden["duration"], "summary": run.summary, "windows": run.windows })
}

#[test]
fn same_seed_same_numbers() {
    let (path, golden) = golden();
    let a = recorded(&golden, golden_scenario(&golden));
    let b = recorded(&golden, golden_scenario(&golden));
    assert_eq!(a, b);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, serde_json::to_string_pretty(&a).unwrap() + "\n").unwrap();
        return;
    }
    assert_eq!(
        a["summary"], golden["summary"],
        "the engine's numbers changed; if intended, regenerate (see module doc)"
    );
    assert_eq!(a, golden);
}

#[test]
fn stepping_does_not_change_the_run() {
    let (_, golden) = golden();
    let scenario = golden_scenario(&golden);
    let end = SimTime::ZERO + scenario.scenario.duration;
    let mut one_go = Simulation::new(scenario.clone()).unwrap();
    let w1 = one_go.advance_until(end);
    let mut stepped = Simulation::new(scenario).unwrap();
    let mut w2 = Vec::new();
    let mut t = SimTime::ZERO;
    while t < end {
        t = (t + SimDuration::from_micros_f(3_700.0)).min(end);
        w2.extend(stepped.advance_until(t));
    }
    assert_eq!(w1, w2);
    assert_eq!(one_go.summary(), stepped.summary());
}

#[test]
fn different_seeds_differ() {
    let (_, golden) = golden();
    let mut scenario = golden_scenario(&golden);
    let a = Simulation::run(scenario.clone()).unwrap().summary;
    scenario.scenario.seed += 1;
    assert_ne!(a, Simulation::run(scenario).unwrap().summary);
}

trait Micros {
    fn from_micros_f(us: f64) -> SimDuration;
}

impl Micros for SimDuration {
    fn from_micros_f(us: f64) -> SimDuration {
        SimDuration::from_secs_f64(us / 1e6)
    }
}
