//! The engine compiled to Wasm, run in headless Chromium, must give the same
//! numbers as the native engine, bit for bit: both are checked against the
//! golden file the native `determinism` test writes.

#![cfg(target_arch = "wasm32")]

use scalesim_engine::{Scenario, SimDuration, Simulation};
use serde_json::{Value, json};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const GOLDEN: &str = include_str!("golden/runs.json");

/// The scenario files the golden runs name, compiled in.
fn scenario_text(file: &str) -> &'static str {
    match file {
        "scenarios/checkout.toml" => include_str!("../scenarios/checkout.toml"),
        "scenarios/station.toml" => include_str!("../scenarios/station.toml"),
        other => panic!("add {other} to scenario_text"),
    }
}

#[wasm_bindgen_test]
fn wasm_runs_are_bit_identical_to_native() {
    let golden: Vec<Value> = serde_json::from_str(GOLDEN).unwrap();
    for golden in golden {
        let file = golden["scenario"].as_str().unwrap();
        let mut scenario = Scenario::from_toml(file, scenario_text(file)).unwrap();
        scenario.scenario.duration =
            SimDuration::parse(golden["duration"].as_str().unwrap()).unwrap();
        let run = Simulation::run(scenario).unwrap();
        let wasm = json!({
            "scenario": golden["scenario"], "duration": golden["duration"],
            "summary": run.summary, "windows": run.windows,
        });
        assert_eq!(
            wasm["summary"], golden["summary"],
            "{file}: summary differs between Wasm and native"
        );
        assert_eq!(wasm, golden, "{file}: a window differs between Wasm and native");
    }
}
