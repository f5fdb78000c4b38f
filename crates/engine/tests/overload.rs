//! The bound on work in flight: a design pushed far past its capacity stops
//! at the bound (no panic, no abort, memory bounded), at the same event
//! every time, with a message that names the node that grew, how fast, and
//! what would bound it; a run that stays under the bound is not touched.

use scalesim_engine::{RunError, Scenario, SimDuration, SimTime, Simulation, limits};

/// One worker, one second a request, a million requests a second.
const FLOOD: &str = r#"
[scenario]
name = "flood"
duration = "1h"

[[load]]
id = "users"
target = "api"
rate = 1000000

[[node]]
id = "api"
kind = "service"
workers = 1
service_time = { dist = "const", value = "1s" }
"#;

fn flood() -> Scenario {
    Scenario::from_toml("flood.toml", FLOOD).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn an_unbounded_queue_stops_the_run_at_the_bound_with_the_node_named() {
    let mut sim = Simulation::new(flood()).unwrap();
    sim.advance_until(SimTime::ZERO + SimDuration::from_secs(3600));
    let overload = sim.overload().expect("the run stops at the bound").clone();
    assert!(
        sim.now() < SimTime::ZERO + SimDuration::from_secs(10),
        "stopped early: {:?}",
        sim.now()
    );
    assert!(overload.work_in_flight > limits::MAX_WORK_IN_FLIGHT);
    assert!(overload.work_in_flight < limits::MAX_WORK_IN_FLIGHT + 10_000);
    let api = &overload.nodes[0];
    assert_eq!(api.node, "api");
    // A million arrive a second, one is served: it grows by about that.
    assert!((900_000.0..1_100_000.0).contains(&api.growth_per_s), "{api:?}");
    assert_eq!(api.serves_per_s, Some(1.0));
    let message = overload.message();
    for words in ["`api`", "growing by", "a simulated second", "capacity", "max_wait", "rate_limit"]
    {
        assert!(message.contains(words), "`{words}` not in: {message}");
    }
    assert_eq!(sim.stalled(), Some(message.as_str()));
    // Stopped means stopped: time does not move on.
    let at = sim.now();
    assert!(sim.advance_until(at + SimDuration::from_secs(60)).is_empty());
    assert_eq!(sim.now(), at);
}

#[test]
fn the_stop_is_deterministic_in_one_go_or_in_steps() {
    let end = SimTime::ZERO + SimDuration::from_secs(3600);
    let mut one_go = Simulation::new(flood()).unwrap();
    one_go.advance_until(end);
    let mut stepped = Simulation::new(flood()).unwrap();
    while stepped.stalled().is_none() {
        let next = stepped.now() + SimDuration::from_millis(137);
        stepped.advance_until(next);
    }
    assert_eq!(one_go.event_count(), stepped.event_count());
    assert_eq!(one_go.now(), stepped.now());
    assert_eq!(one_go.overload(), stepped.overload());
}

#[test]
fn run_reports_the_overload_apart_from_an_invalid_scenario() {
    match Simulation::run_to_end(flood()) {
        Err(RunError::Overload { overload, partial }) => {
            assert_eq!(overload.nodes[0].node, "api");
            assert!(partial.summary.requests.offered > 0);
        }
        other => panic!("expected an overload, got {:?}", other.map(|r| r.summary)),
    }
    let message = Simulation::run(flood()).map(|_| ()).unwrap_err().to_string();
    assert!(message.contains("overload") && message.contains("`api`"), "{message}");
}

#[test]
fn a_broker_that_fills_faster_than_it_drains_is_named_with_its_cure() {
    let text = r#"
[scenario]
name = "backlog"
duration = "1h"

[[load]]
id = "users"
target = "orders"
rate = 200000

[[node]]
id = "orders"
kind = "queue"
to = "worker"
consumers = 2

[[node]]
id = "worker"
kind = "service"
workers = 2
service_time = { dist = "exp", mean = "10ms" }
"#;
    let scenario = Scenario::from_toml("backlog.toml", text).unwrap_or_else(|e| panic!("{e}"));
    let Err(RunError::Overload { overload, .. }) = Simulation::run_to_end(scenario) else {
        panic!("expected an overload")
    };
    assert_eq!(overload.nodes[0].node, "orders");
    let message = overload.message();
    assert!(message.contains("consumers") && message.contains("capacity"), "{message}");
}

#[test]
fn retries_that_pile_up_are_named() {
    let text = r#"
[scenario]
name = "retry storm"
duration = "1h"

[[load]]
id = "users"
target = "api"
rate = 300000
timeout = "100ms"
retry = { attempts = 5, backoff = "constant", base = "1s" }

[[node]]
id = "api"
kind = "service"
workers = 10
service_time = { dist = "exp", mean = "50ms" }
"#;
    let scenario = Scenario::from_toml("storm.toml", text).unwrap_or_else(|e| panic!("{e}"));
    let Err(RunError::Overload { overload, .. }) = Simulation::run_to_end(scenario) else {
        panic!("expected an overload")
    };
    let message = overload.message();
    assert!(message.contains("`users`") && message.contains("attempts"), "{message}");
}

#[test]
fn requests_waiting_on_a_slow_third_party_name_both_and_the_calls_cure() {
    let text = r#"
[scenario]
name = "slow partner"
duration = "1h"

[[load]]
id = "users"
target = "api"
rate = 500000

[[node]]
id = "api"
kind = "service"
workers = 100000
replicas = 10
io = "nonblocking"
service_time = { dist = "exp", mean = "1ms" }
  [[node.call]]
  to = "partner"

[[node]]
id = "partner"
kind = "external"
latency = { dist = "const", value = "30s" }
"#;
    let scenario = Scenario::from_toml("partner.toml", text).unwrap_or_else(|e| panic!("{e}"));
    let Err(RunError::Overload { overload, .. }) = Simulation::run_to_end(scenario) else {
        panic!("expected an overload")
    };
    let names: Vec<&str> = overload.nodes.iter().map(|n| n.node.as_str()).collect();
    assert_eq!(names, ["api", "partner"]);
    assert_eq!(overload.nodes[0].serves_per_s, None, "its queue is not what grew");
    let message = overload.message();
    assert!(message.contains("waiting on its calls") && message.contains("timeout"), "{message}");
}
