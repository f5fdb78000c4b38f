//! The incremental API the UI drives: snapshots, and live changes applied to
//! a running simulation without a restart.

use scalesim_engine::scenario::Mode;
use scalesim_engine::{Change, Scenario, SimDuration, Simulation, WindowReport};

fn checkout() -> Scenario {
    let text = include_str!("../../../scenarios/checkout.toml");
    Scenario::from_toml("checkout.toml", text).unwrap()
}

fn p99_of(windows: &[WindowReport]) -> f64 {
    windows.last().map(|w| w.latency_ms.p99).unwrap_or_default()
}

#[test]
fn dragging_a_call_to_async_changes_the_running_system() {
    let mut sim = Simulation::new(checkout()).unwrap();
    let before = sim.advance_by(SimDuration::from_secs(30));
    let timeouts: u64 = before[20..].iter().map(|w| w.requests.timeout).sum();
    assert!(timeouts > 1000, "the sync chain collapses first: {timeouts} timeouts");

    sim.apply(Change::CallMode { node: "api".into(), call: 0, mode: Mode::Async }).unwrap();
    assert_eq!(sim.scenario().nodes[0].calls[0].mode, Mode::Async);
    // The backlog built up while sync drains, then users get the api alone.
    let after = sim.advance_by(SimDuration::from_secs(120));
    let tail = &after[after.len() - 10..];
    assert!(tail.iter().all(|w| w.requests.timeout == 0), "no timeouts once async");
    assert!(p99_of(tail) < 60.0, "user p99 is the api's own: {} ms", p99_of(tail));
    assert!(sim.conserved());
}

#[test]
fn setting_a_parameter_live_takes_effect() {
    let mut scenario = checkout();
    scenario.scenario.seed = 3;
    let mut sim = Simulation::new(scenario).unwrap();
    sim.apply(Change::Set {
        path: "payments.latency".into(),
        value: r#"{ dist = "exp", mean = "5ms" }"#.into(),
    })
    .unwrap();
    let w = sim.advance_by(SimDuration::from_secs(20));
    let busy = w.last().unwrap().nodes[0].utilization;
    sim.apply(Change::Set { path: "api.workers".into(), value: "64".into() }).unwrap();
    let w = sim.advance_by(SimDuration::from_secs(20));
    let busy_after = w.last().unwrap().nodes[0].utilization;
    assert!(busy_after < busy * 0.5, "4× the workers: {busy} → {busy_after}");
    assert_eq!(sim.scenario().nodes[0].workers, 64);
}

#[test]
fn the_load_multiplier_scales_offered_load() {
    let mut sim = Simulation::new(checkout()).unwrap();
    let w = sim.advance_by(SimDuration::from_secs(5));
    let base = w.last().unwrap().requests.offered as f64;
    sim.apply(Change::LoadMultiplier { multiplier: 10.0 }).unwrap();
    let w = sim.advance_by(SimDuration::from_secs(5));
    let scaled = w.last().unwrap().requests.offered as f64;
    assert!((scaled / base / 10.0 - 1.0).abs() < 0.1, "{base} → {scaled}");
}

#[test]
fn bad_live_changes_are_refused_and_lose_nothing() {
    let mut sim = Simulation::new(checkout()).unwrap();
    sim.advance_by(SimDuration::from_secs(2));
    let before = sim.scenario().clone();
    assert!(sim.apply(Change::LoadMultiplier { multiplier: f64::NAN }).is_err());
    assert!(
        sim.apply(Change::CallMode { node: "nope".into(), call: 0, mode: Mode::Async }).is_err()
    );
    let err = sim.apply(Change::Set { path: "api.workers".into(), value: "0".into() }).unwrap_err();
    assert!(err.to_string().contains("workers"), "{err}");
    let mut fewer = before.clone();
    fewer.nodes.pop();
    fewer.nodes[0].calls.clear();
    assert!(sim.apply(Change::Replace { scenario: Box::new(fewer) }).is_err());
    assert_eq!(sim.scenario(), &before, "a refused change leaves the scenario as it was");
    sim.advance_by(SimDuration::from_secs(2));
    assert!(sim.conserved());
}

#[test]
fn snapshots_are_bounded_and_consistent() {
    let mut sim = Simulation::new(checkout()).unwrap();
    sim.advance_by(SimDuration::from_secs(20));
    let snap = sim.snapshot(100);
    assert_eq!(snap.nodes.len(), 2);
    assert!(snap.sample.len() <= 100 && !snap.sample.is_empty());
    let api = &snap.nodes[0];
    assert_eq!(api.capacity, 32);
    assert!(api.busy <= api.capacity && api.queued + api.busy <= api.in_flight);
    assert!(snap.sample.iter().all(|s| s.node < 2 && s.age_ms >= 0.0));
}

#[test]
fn the_rolling_latency_spans_the_last_ten_windows_exactly() {
    let mut sim = Simulation::new(checkout()).unwrap();
    let windows = sim.advance_by(SimDuration::from_secs(25));
    assert!(windows.len() >= 20, "{} windows", windows.len());
    let recent = &windows[windows.len() - scalesim_engine::sim::RECENT_WINDOWS..];
    let rolling = sim.recent_latency();
    let answered: u64 = recent.iter().map(|w| w.latency_ms.count).sum();
    assert_eq!(rolling.count, answered);
    // Its p99 lies within the spread of the windows' own.
    let lo = recent.iter().map(|w| w.latency_ms.p99).fold(f64::INFINITY, f64::min);
    let hi = recent.iter().map(|w| w.latency_ms.p99).fold(0.0, f64::max);
    assert!(rolling.p99 >= lo * 0.99 && rolling.p99 <= hi * 1.01, "{lo} ≤ {} ≤ {hi}", rolling.p99);
}
