//! The engine compiled to Wasm, run in headless Chromium, must give the same
//! numbers as the native engine, bit for bit: both are checked against the
//! golden file the native `determinism` test writes.

#![cfg(target_arch = "wasm32")]

use scalesim_engine::{Scenario, SimDuration, Simulation};
use serde_json::{Value, json};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const GOLDEN: &str = include_str!("golden/checkout.json");
const SCENARIO: &str = include_str!("../scenarios/checkout.toml");

#[wasm_bindgen_test]
fn wasm_run_is_bit_identical_to_native() {
    let golden: Value = serde_json::from_str(GOLDEN).unwrap();
    assert_eq!(golden["scenario"], "scenarios/checkout.toml");
    let mut scenario = Scenario::from_toml("scenarios/checkout.toml", SCENARIO).unwrap();
    scenario.scenario.duration = SimDuration::parse(golden["duration"].as_str().unwrap()).unwrap();
    let run = Simulation::run(scenario).unwrap();
    let wasm = json!({
        "scenario": golden["scenario"], "duration": golden["duration"],
        "summary": run.summary, "windows": run.windows,
    });
    assert_eq!(wasm["summary"], golden["summary"], "summary differs between Wasm and native");
    assert_eq!(wasm, golden, "a window differs between Wasm and native");
}
