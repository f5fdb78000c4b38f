//! `[[fault]]`s on a timeline: each effect starts and ends when it says,
//! and the system shows it in the windows in between.

use scalesim_engine::{Scenario, Simulation, WindowReport};

/// 400 req/s into a front (blocking, 1 ms) that calls a back end of
/// `replicas` × 4 workers of 2 ms; one fault on `target` from 20 s to 40 s.
fn faulty(target: &str, effect: &str, replicas: u32) -> Vec<WindowReport> {
    let toml = format!(
        r#"
[scenario]
name = "faults"
seed = 13
duration = "60s"
[[load]]
id = "users"
target = "front"
rate = 400
[[node]]
id = "front"
kind = "service"
workers = 1000
service_time = {{ dist = "const", value = "1ms" }}
  [[node.call]]
  to = "back"
[[node]]
id = "back"
kind = "service"
replicas = {replicas}
workers = 4
service_time = {{ dist = "exp", mean = "2ms" }}
[[fault]]
at = "20s"
duration = "20s"
target = "{target}"
effect = {effect}
"#
    );
    let scenario = Scenario::from_toml("faults.toml", &toml).unwrap_or_else(|e| panic!("{e}"));
    Simulation::run(scenario).unwrap().windows
}

/// Mean of `f` over windows starting in [from, to) seconds.
fn during(windows: &[WindowReport], from: f64, to: f64, f: impl Fn(&WindowReport) -> f64) -> f64 {
    let picked: Vec<f64> =
        windows.iter().filter(|w| w.start_s >= from && w.start_s < to).map(f).collect();
    picked.iter().sum::<f64>() / picked.len() as f64
}

#[test]
fn added_latency_shows_while_the_fault_lasts() {
    let w = faulty("back", r#"{ latency_add = "10ms" }"#, 4);
    let mean = |w: &WindowReport| w.latency_ms.mean;
    let (before, inside, after) =
        (during(&w, 5.0, 20.0, mean), during(&w, 21.0, 40.0, mean), during(&w, 45.0, 60.0, mean));
    assert!(before < 4.0 && after < 4.0, "{before} / {after}");
    assert!(inside > before + 9.0, "10 ms more per visit: {before} → {inside}");
}

#[test]
fn an_outage_fails_requests_then_ends() {
    let w = faulty("back", "{ outage = true }", 4);
    let errors = |w: &WindowReport| w.requests.error as f64;
    assert_eq!(during(&w, 0.0, 20.0, errors), 0.0);
    assert!(
        during(&w, 20.0, 40.0, errors) > 390.0,
        "every request fails while the back end is down"
    );
    assert_eq!(during(&w, 41.0, 60.0, errors), 0.0);
}

#[test]
fn an_error_rate_fault_fails_that_share() {
    let w = faulty("back", "{ error_rate = 0.25 }", 4);
    let share =
        during(&w, 20.0, 40.0, |w| w.requests.error as f64 / w.requests.offered.max(1) as f64);
    assert!((share - 0.25).abs() < 0.02, "{share}");
}

#[test]
fn losing_replicas_overloads_the_rest() {
    // 400/s × 2 ms = 0.8 workers' worth… of 16: idle. Cap to 1 replica of
    // 4 workers at 10× the work each (latency_add 18 ms) to make it bite.
    let w = faulty("back", r#"{ replicas = 1, latency_add = "18ms" }"#, 4);
    let busy = |w: &WindowReport| w.nodes[1].utilization.expect("a node with workers");
    // 400/s × 20 ms = 8 workers needed; one replica has 4: it saturates.
    assert!(during(&w, 25.0, 40.0, busy) > 0.24, "4 of 16 workers flat out");
    let p99 = |w: &WindowReport| w.latency_ms.p99;
    assert!(during(&w, 30.0, 40.0, p99) > 1000.0, "the queue grows while capped");
}

#[test]
fn bad_faults_are_refused() {
    let toml = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/station.toml"
    ))
    .unwrap()
        + "\n[[fault]]\nat = \"1s\"\nduration = \"0s\"\ntarget = \"apj\"\neffect = { latency_ad = \"1ms\" }\n";
    let err = Scenario::from_toml("f.toml", &toml).unwrap_err().to_string();
    assert!(err.contains("did you mean `latency_add`?"), "{err}");
    let toml = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/station.toml"
    ))
    .unwrap()
        + "\n[[fault]]\nat = \"1s\"\nduration = \"0s\"\ntarget = \"apj\"\neffect = { error_rate = 0.5 }\n\n[[fault]]\nat = \"1s\"\nduration = \"1s\"\ntarget = \"api\"\neffect = { replicas = 0 }\n";
    let err = Scenario::from_toml("f.toml", &toml).unwrap_err().to_string();
    assert!(err.contains("did you mean `api`?") && err.contains("positive duration"), "{err}");
    assert!(err.contains("`fault[1].effect.replicas`") && err.contains("outage"), "{err}");
}
