//! One seed, one exact run: the same numbers every time, and (through the
//! shared golden file, which the Wasm test in `tests/` checks too) the same
//! numbers natively and in Wasm, bit for bit.
//!
//! Regenerate after an intended engine change:
//! `UPDATE_GOLDEN=1 cargo test -p scalesim-engine --test determinism`.

use scalesim_engine::{SimDuration, SimTime, Simulation, StationConfig};
use serde_json::{Value, json};

const GOLDEN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/golden/station_seed42.json"
);

/// The run the golden file records: its config, run for `seconds`.
fn golden_run(config: StationConfig, seconds: u64) -> Value {
    let run = Simulation::run(config.clone(), SimDuration::from_secs(seconds)).unwrap();
    json!({ "config": config, "seconds": seconds, "summary": run.summary, "windows": run.windows })
}

#[test]
fn same_seed_same_numbers() {
    let golden: Value = serde_json::from_str(&std::fs::read_to_string(GOLDEN).unwrap()).unwrap();
    let config: StationConfig = serde_json::from_value(golden["config"].clone()).unwrap();
    let seconds = golden["seconds"].as_u64().unwrap();
    let a = golden_run(config.clone(), seconds);
    let b = golden_run(config, seconds);
    assert_eq!(a, b);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(GOLDEN, serde_json::to_string_pretty(&a).unwrap() + "\n").unwrap();
    }
    assert_eq!(
        a, golden,
        "the engine's numbers changed; if intended, regenerate (see module doc)"
    );
}

#[test]
fn stepping_does_not_change_the_run() {
    let golden: Value = serde_json::from_str(&std::fs::read_to_string(GOLDEN).unwrap()).unwrap();
    let config: StationConfig = serde_json::from_value(golden["config"].clone()).unwrap();
    let mut one_go = Simulation::new(config.clone()).unwrap();
    let w1 = one_go.advance_until(SimTime::ZERO + SimDuration::from_secs(20));
    let mut stepped = Simulation::new(config).unwrap();
    let mut w2 = Vec::new();
    for ms in (7..=20_000).step_by(7) {
        w2.extend(stepped.advance_until(SimTime::ZERO + SimDuration::from_millis(ms)));
    }
    w2.extend(stepped.advance_until(SimTime::ZERO + SimDuration::from_secs(20)));
    assert_eq!(w1, w2);
    assert_eq!(one_go.summary(), stepped.summary());
}

#[test]
fn different_seeds_differ() {
    let golden: Value = serde_json::from_str(&std::fs::read_to_string(GOLDEN).unwrap()).unwrap();
    let mut config: StationConfig = serde_json::from_value(golden["config"].clone()).unwrap();
    let a = golden_run(config.clone(), 5);
    config.seed += 1;
    assert_ne!(a["summary"], golden_run(config, 5)["summary"]);
}
