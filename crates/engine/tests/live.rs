//! The incremental API the UI drives: snapshots, the load multiplier, and
//! live edits applied to a running simulation without a restart, the way
//! the app's worker applies them (an edit of the text, read back, swapped
//! in with `replace_scenario`).

use scalesim_engine::edit::{self, Edit};
use scalesim_engine::scenario::Mode;
use scalesim_engine::{Scenario, SimDuration, Simulation, WindowReport};

const CHECKOUT: &str = include_str!("../../../scenarios/checkout.toml");

fn checkout() -> Scenario {
    Scenario::from_toml("checkout.toml", CHECKOUT).unwrap()
}

fn p99_of(windows: &[WindowReport]) -> f64 {
    windows.last().map(|w| w.latency_ms.p99).unwrap_or_default()
}

/// Applies `edit` to the run as the worker does: on the text, read back,
/// swapped into the running simulation; the text is kept only on success.
fn edit_live(sim: &mut Simulation, text: &mut String, edit: &Edit) -> Result<(), String> {
    let edited = edit::apply(text, edit)?;
    let scenario = Scenario::from_toml("checkout.toml", &edited).map_err(|e| e.to_string())?;
    sim.replace_scenario(scenario).map_err(|e| e.to_string())?;
    *text = edited;
    Ok(())
}

fn set(path: &str, value: &str) -> Edit {
    Edit::Set { path: path.into(), value: value.into() }
}

#[test]
fn dragging_a_call_to_async_changes_the_running_system() {
    let (mut sim, mut text) = (Simulation::new(checkout()).unwrap(), CHECKOUT.to_owned());
    let before = sim.advance_by(SimDuration::from_secs(30));
    let timeouts: u64 = before[20..].iter().map(|w| w.requests.timeout).sum();
    assert!(timeouts > 1000, "the sync chain collapses first: {timeouts} timeouts");

    let drag = Edit::SetLane { id: "payments".into(), mode: Mode::Async };
    edit_live(&mut sim, &mut text, &drag).unwrap();
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
    let mut text = CHECKOUT.replace("seed = 42", "seed = 3");
    let mut sim = Simulation::new(scenario).unwrap();
    let latency = set("payments.latency", r#"{ dist = "exp", mean = "5ms" }"#);
    edit_live(&mut sim, &mut text, &latency).unwrap();
    let w = sim.advance_by(SimDuration::from_secs(20));
    let busy = w.last().unwrap().nodes[0].utilization.expect("a node with workers");
    edit_live(&mut sim, &mut text, &set("api.workers", "64")).unwrap();
    let w = sim.advance_by(SimDuration::from_secs(20));
    let busy_after = w.last().unwrap().nodes[0].utilization.expect("a node with workers");
    assert!(busy_after < busy * 0.5, "4× the workers: {busy} → {busy_after}");
    assert_eq!(sim.scenario().nodes[0].workers, 64);
}

#[test]
fn the_load_multiplier_scales_offered_load() {
    let mut sim = Simulation::new(checkout()).unwrap();
    let w = sim.advance_by(SimDuration::from_secs(5));
    let base = w.last().unwrap().requests.offered as f64;
    sim.set_load_multiplier(10.0).unwrap();
    let w = sim.advance_by(SimDuration::from_secs(5));
    let scaled = w.last().unwrap().requests.offered as f64;
    assert!((scaled / base / 10.0 - 1.0).abs() < 0.1, "{base} → {scaled}");
}

#[test]
fn bad_live_changes_are_refused_and_lose_nothing() {
    let (mut sim, mut text) = (Simulation::new(checkout()).unwrap(), CHECKOUT.to_owned());
    sim.advance_by(SimDuration::from_secs(2));
    let before = sim.scenario().clone();
    assert!(sim.set_load_multiplier(f64::NAN).is_err());
    let lane = Edit::SetLane { id: "nope".into(), mode: Mode::Async };
    assert!(edit_live(&mut sim, &mut text, &lane).is_err());
    let err = edit_live(&mut sim, &mut text, &set("api.workers", "0")).unwrap_err();
    assert!(err.contains("workers"), "{err}");
    // Renaming a component cannot be swapped in: the app starts a fresh
    // run for it instead.
    let fewer = Edit::Rename { from: "payments".into(), to: "pay".into() };
    let err = edit_live(&mut sim, &mut text, &fewer).unwrap_err();
    assert!(err.contains("needs a fresh run"), "{err}");
    // Another kind of node cannot be swapped in either; the reason says
    // what the app does instead, in the words the page shows.
    let mut other_kind = checkout();
    other_kind.nodes[1].kind = scalesim_engine::scenario::NodeKind::Service;
    let why = sim.restart_needed(&other_kind).unwrap();
    assert_eq!(why, "changing `payments`'s kind from external to service needs a fresh run");
    assert_eq!(sim.scenario(), &before, "a refused change leaves the scenario as it was");
    assert_eq!(text, CHECKOUT, "and the text too");
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

/// The edits that add a slow third party the api calls on every request.
fn add_fraud_check() -> Edit {
    Edit::Many {
        edits: vec![
            Edit::AddNode {
                kind: scalesim_engine::scenario::NodeKind::External,
                position: None,
                behind: None,
            },
            Edit::Connect { from: "api".into(), to: "external".into(), mode: Mode::Sync },
            set("external.latency", r#"{ dist = "const", value = "40ms" }"#),
        ],
    }
}

/// A healthy service on its own: 200 requests/s against 32 workers.
const SOLO: &str = r#"
[scenario]
name = "one service"
seed = 7
duration = "60s"
window = "1s"

[[load]]
id = "users"
target = "api"
rate = 200

[[node]]
id = "api"
kind = "service"
workers = 32
service_time = { dist = "exp", mean = "5ms" }
"#;

#[test]
fn a_component_added_during_the_run_joins_it() {
    let run = || {
        let scenario = Scenario::from_toml("solo.toml", SOLO).unwrap();
        let (mut sim, mut text) = (Simulation::new(scenario).unwrap(), SOLO.to_owned());
        let before = sim.advance_by(SimDuration::from_secs(10));
        let events = sim.snapshot(0).events;
        edit_live(&mut sim, &mut text, &add_fraud_check()).unwrap();
        assert_eq!(sim.snapshot(0).events, events, "the run goes on from where it was");
        let after = sim.advance_by(SimDuration::from_secs(10));
        (sim, before, after)
    };
    let (sim, before, after) = run();
    let nodes = sim.scenario().nodes.len();
    assert!(before.iter().all(|w| w.nodes.len() == nodes - 1));
    assert!(after.iter().all(|w| w.nodes.len() == nodes), "the new node has a report");
    // Every api visit calls it, but for the visits in flight at either
    // end (200/s over 45 ms: about nine).
    let arrivals = |i: usize| after.iter().map(|w| w.nodes[i].arrivals).sum::<u64>();
    let (api, added) = (arrivals(0), arrivals(nodes - 1));
    assert!(api > 1900 && api.abs_diff(added) <= 20, "api {api}, added {added}");
    // A constant 40 ms on the sync path: every user's latency grows by it.
    let (p50_before, p50_after) =
        (before.last().unwrap().latency_ms.p50, after.last().unwrap().latency_ms.p50);
    assert!((p50_after - p50_before - 40.0).abs() < 5.0, "{p50_before} → {p50_after} ms");
    assert!(sim.conserved());
    assert!(sim.summary().nodes.contains_key("external"));
    // The same edits at the same instant give the same run, bit for bit.
    let (_, again_before, again_after) = run();
    assert_eq!((before, after), (again_before, again_after));
}

#[test]
fn a_load_added_during_the_run_joins_it_at_the_multiplier_in_force() {
    let scenario = Scenario::from_toml("solo.toml", SOLO).unwrap();
    let (mut sim, mut text) = (Simulation::new(scenario).unwrap(), SOLO.to_owned());
    sim.set_load_multiplier(2.0).unwrap();
    let before = sim.advance_by(SimDuration::from_secs(10));
    let add = Edit::AddLoad { target: "api".into(), position: None };
    edit_live(&mut sim, &mut text, &add).unwrap();
    assert_eq!(sim.scenario().loads.len(), 2);
    let after = sim.advance_by(SimDuration::from_secs(20));
    // 200/s and the new load's 100/s, both at 2×.
    let rate = |ws: &[WindowReport]| {
        ws[2..].iter().map(|w| w.requests.offered).sum::<u64>() as f64 / (ws.len() - 2) as f64
    };
    let (was, now) = (rate(&before), rate(&after));
    assert!((was / 400.0 - 1.0).abs() < 0.1, "{was}/s before");
    assert!((now / 600.0 - 1.0).abs() < 0.1, "{now}/s after");
    assert!(after.iter().all(|w| w.loads.len() == 2));
    assert!(sim.conserved());
}
