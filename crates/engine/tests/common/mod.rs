//! What several of the engine's test files share: reading a scenario
//! (written in the test, or one of the library's files), running one to
//! its end with every offered request counted once, and the relative
//! error against a closed form.

// Each test file is a crate of its own and uses only part of this.
#![allow(dead_code)]

use scalesim_engine::{Scenario, Simulation, Summary};

/// A scenario written in a test.
pub fn scenario(toml: &str) -> Scenario {
    Scenario::from_toml("test.toml", toml).unwrap_or_else(|e| panic!("{e}"))
}

/// One of the library's scenario files (`scenarios/NAME`).
pub fn scenario_file(name: &str) -> Scenario {
    let path = format!("{}/../../scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Scenario::from_toml(name, &text).unwrap_or_else(|e| panic!("{e}"))
}

/// A scenario written in a test, run to its end: its summary, once every
/// offered request is found counted in exactly one outcome or in flight.
pub fn run(toml: &str) -> Summary {
    let s = Simulation::run(scenario(toml)).unwrap_or_else(|e| panic!("{e}")).summary;
    let r = &s.requests;
    assert_eq!(
        r.offered,
        r.ok + r.degraded + r.error + r.timeout + r.rejected + r.in_flight,
        "conservation"
    );
    s
}

/// `simulated` within a relative `tolerance` of the closed form's
/// `expected`.
pub fn assert_close(what: &str, simulated: f64, expected: f64, tolerance: f64) {
    let error = (simulated / expected - 1.0).abs();
    assert!(
        error < tolerance,
        "{what}: simulated {simulated:.5}, expected {expected:.5}, error {:.2}% ≥ {:.1}%",
        error * 100.0,
        tolerance * 100.0
    );
}
