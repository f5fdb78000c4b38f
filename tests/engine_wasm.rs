//! The engine compiled to Wasm, run in headless Chromium, must give the same
//! numbers as the native engine, bit for bit: both are checked against the
//! golden file the native `determinism` test writes.

#![cfg(target_arch = "wasm32")]

use scalesim_engine::{SimDuration, Simulation, StationConfig};
use serde_json::{Value, json};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const GOLDEN: &str = include_str!("golden/station_seed42.json");

#[wasm_bindgen_test]
fn wasm_run_is_bit_identical_to_native() {
    let golden: Value = serde_json::from_str(GOLDEN).unwrap();
    let config: StationConfig = serde_json::from_value(golden["config"].clone()).unwrap();
    let seconds = golden["seconds"].as_u64().unwrap();
    let run = Simulation::run(config.clone(), SimDuration::from_secs(seconds)).unwrap();
    let wasm = json!({ "config": config, "seconds": seconds, "summary": run.summary, "windows": run.windows });
    assert_eq!(
        wasm["summary"], golden["summary"],
        "summary differs between Wasm and native"
    );
    assert_eq!(wasm, golden, "a window differs between Wasm and native");
}
