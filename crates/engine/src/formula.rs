//! The formula check: where a closed form applies to a node of the running
//! scenario, its value beside the simulated one, so a user sees the engine
//! agree with queueing theory (and sees when their design leaves theory's
//! assumptions). The page shows these; the tests hold them to tolerances.

use serde::{Deserialize, Serialize};

use crate::dist::Distribution;
use crate::metrics::Summary;
use crate::scenario::{ArrivalKind, NodeKind, Scenario};
use crate::theory;

/// One formula against the simulation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormulaCheck {
    /// The node it is about.
    pub node: String,
    /// The formula, in words (e.g. "M/M/2 mean time in node (Erlang C)").
    pub formula: String,
    /// What the formula gives.
    pub theory: f64,
    /// What the simulation measured.
    pub simulated: f64,
    /// The unit of both.
    pub unit: String,
}

/// Every closed form that applies to the running `sim`: [`checks`], plus the
/// fan-out tail where a node fans a call out to a bimodal target.
pub fn checks_of(sim: &crate::sim::Simulation) -> Vec<FormulaCheck> {
    let scenario = sim.scenario();
    let summary = sim.summary();
    let mut out = checks(scenario, &summary);
    for (i, node) in scenario.nodes.iter().enumerate() {
        let [call] = node.calls.as_slice() else { continue };
        let Some(target) = scenario.nodes.iter().find(|n| n.id == call.to) else { continue };
        let dist = target.service_time.as_ref().or(target.latency.as_ref());
        let Some(Distribution::Bimodal { fast, slow, slow_share }) = dist else { continue };
        let plain = call.fanout >= 2
            && call.wait_for.is_none_or(|w| w == call.fanout)
            && call.hedge.is_none()
            && call.timeout.is_none()
            && call.probability == 1.0
            && call.mode == crate::scenario::Mode::Sync;
        if !plain || summary.nodes.get(&node.id).is_none_or(|r| r.completed == 0) {
            continue;
        }
        // A visit that met a slow leaf takes at least `slow`; one that did
        // not, about `fast` plus its own time: the midpoint tells them apart.
        let threshold =
            crate::time::SimDuration::from_nanos((fast.as_nanos() + slow.as_nanos()) / 2);
        out.push(FormulaCheck {
            node: node.id.clone(),
            formula: format!(
                "fan-out of {}: share meeting a slow leaf, 1 − (1 − p)^N",
                call.fanout
            ),
            theory: theory::fanout_slow_share(*slow_share, call.fanout),
            simulated: sim.node_share_slower_than(i, threshold),
            unit: "share".to_owned(),
        });
    }
    out
}

/// Every closed form that applies to `scenario`, measured in `summary`.
///
/// - Little's law (Lq = λ·Wq) at every node with a queue: it holds for any
///   distribution, so it checks the bookkeeping.
/// - M/M/c (Erlang C), M/D/1 (Pollaczek–Khinchine) and M/M/1/K blocking at a
///   node whose only traffic is one steady Poisson load without timeouts
///   or retries (at the arrival rate measured), with one replica, no
///   downstream calls, no faults, and the matching service-time
///   distribution.
pub fn checks(scenario: &Scenario, summary: &Summary) -> Vec<FormulaCheck> {
    let mut out = Vec::new();
    let span = summary.measured_s;
    if span <= 0.0 {
        return out;
    }
    for node in &scenario.nodes {
        let Some(report) = summary.nodes.get(&node.id) else { continue };
        let queueing = matches!(node.kind, NodeKind::Service | NodeKind::Database);
        if !queueing || report.completed == 0 {
            continue;
        }
        let served_rate = (report.arrivals - report.rejected) as f64 / span;
        if let Some(wait) = report.mean_wait_ms {
            out.push(FormulaCheck {
                node: node.id.clone(),
                formula: "Little's law: waiting = arrival rate × wait".to_owned(),
                theory: served_rate * wait / 1e3,
                simulated: report.mean_queue,
                unit: "requests".to_owned(),
            });
        }
        if !poisson_only(scenario, &node.id) {
            continue;
        }
        // The arrival rate measured, not the configured one: the load
        // multiplier and live edits move it.
        let lambda = report.arrivals as f64 / span;
        let plain = node.replicas == 1
            && node.calls.is_empty()
            && node.coordination.is_none()
            && node.autoscale.is_none()
            && node.rate_limit.is_none()
            && node.error_rate == 0.0
            && node.queue.max_wait.is_none()
            && !scenario.faults.iter().any(|f| f.target == node.id);
        if !plain {
            continue;
        }
        let c = node.pool.unwrap_or(node.workers);
        let mean_ms = report.latency_ms.mean;
        match (&node.service_time, node.queue.capacity) {
            (Some(Distribution::Exp { mean }), None) => {
                let mu = 1.0 / mean.as_secs_f64();
                if let Some(w) = theory::mmc_mean_response(c, lambda, mu) {
                    out.push(FormulaCheck {
                        node: node.id.clone(),
                        formula: format!("M/M/{c} mean time in node (Erlang C)"),
                        theory: w * 1e3,
                        simulated: mean_ms,
                        unit: "ms".to_owned(),
                    });
                }
            }
            (Some(Distribution::Const { value }), None) if c == 1 => {
                let mu = 1.0 / value.as_secs_f64();
                if let Some(w) = theory::md1_mean_response(lambda, mu) {
                    out.push(FormulaCheck {
                        node: node.id.clone(),
                        formula: "M/D/1 mean time in node (Pollaczek–Khinchine)".to_owned(),
                        theory: w * 1e3,
                        simulated: mean_ms,
                        unit: "ms".to_owned(),
                    });
                }
            }
            (Some(Distribution::Exp { mean }), Some(capacity)) if c == 1 => {
                let mu = 1.0 / mean.as_secs_f64();
                let k = u32::try_from(capacity.saturating_add(1)).unwrap_or(u32::MAX);
                out.push(FormulaCheck {
                    node: node.id.clone(),
                    formula: format!("M/M/1/{k} share turned away"),
                    theory: theory::mm1k_blocking(lambda, mu, k),
                    simulated: report.rejected as f64 / report.arrivals.max(1) as f64,
                    unit: "share".to_owned(),
                });
            }
            _ => {}
        }
    }
    out
}

/// Whether `node`'s only traffic is one steady Poisson load (no other
/// load, no caller, no timeout, retry or rate limit).
fn poisson_only(scenario: &Scenario, node: &str) -> bool {
    let called = scenario.nodes.iter().any(|n| {
        n.calls.iter().any(|c| c.to == node)
            || n.to.as_deref() == Some(node)
            || n.on_miss.as_deref() == Some(node)
    });
    let mut loads = scenario.loads.iter().filter(|l| l.target == node);
    let Some(load) = loads.next() else { return false };
    let steady = load.arrival == ArrivalKind::Poisson
        && load.pattern.is_none()
        && load.timeout.is_none()
        && load.retry.is_none()
        && load.rate_limit.is_none()
        && load.work == 1.0;
    !called && steady && load.rate.is_some() && loads.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Simulation;

    fn run(text: &str) -> (Scenario, Summary) {
        let scenario = Scenario::from_toml("t", text).unwrap_or_else(|e| panic!("{e}"));
        let summary = Simulation::run(scenario.clone()).unwrap_or_else(|e| panic!("{e}")).summary;
        (scenario, summary)
    }

    /// An M/M/2 at ρ = 0.75 over 5·10⁵ requests: ≈1.5% standard error on
    /// the mean; tolerance 5%. Little's law holds to rounding.
    #[test]
    fn the_station_agrees_with_erlang_c_and_little() {
        let (scenario, summary) = run(r#"
[scenario]
name = "mm2"
duration = "400s"
warmup = "10s"
[[load]]
id = "users"
target = "api"
rate = 1500
[[node]]
id = "api"
kind = "service"
workers = 2
service_time = { dist = "exp", mean = "1ms" }
"#);
        let checks = checks(&scenario, &summary);
        assert_eq!(checks.len(), 2, "{checks:?}");
        for c in &checks {
            let error = (c.simulated / c.theory - 1.0).abs();
            assert!(error < 0.05, "{}: {} vs {}", c.formula, c.simulated, c.theory);
        }
        assert!(checks[1].formula.starts_with("M/M/2"));
    }

    /// Fan-out 100 to leaves slow 1% of the time: 63.4% of searches meet
    /// one. ≈0.7% standard error over 4 000 searches; tolerance 5%.
    #[test]
    fn the_fanout_tail_agrees_with_the_formula() {
        let scenario =
            Scenario::from_toml("t", include_str!("../../../scenarios/fanout-tail.toml"))
                .unwrap_or_else(|e| panic!("{e}"));
        let mut sim = Simulation::new(scenario).unwrap_or_else(|e| panic!("{e}"));
        sim.advance_until(crate::time::SimTime::ZERO + crate::time::SimDuration::from_secs(60));
        let checks = checks_of(&sim);
        let fanout = checks
            .iter()
            .find(|c| c.formula.starts_with("fan-out"))
            .unwrap_or_else(|| panic!("{checks:?}"));
        assert!((fanout.theory - 0.634).abs() < 0.001);
        assert!((fanout.simulated / fanout.theory - 1.0).abs() < 0.05, "{fanout:?}");
    }

    #[test]
    fn no_closed_form_when_the_node_has_other_traffic() {
        let (scenario, summary) = run(r#"
[scenario]
name = "chain"
duration = "5s"
[[load]]
id = "users"
target = "api"
rate = 100
timeout = "1s"
[[node]]
id = "api"
kind = "service"
service_time = { dist = "exp", mean = "1ms" }
"#);
        let checks = checks(&scenario, &summary);
        assert_eq!(checks.len(), 1, "only Little's law: {checks:?}");
    }
}
