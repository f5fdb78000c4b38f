//! Where a scenario's load saturates, estimated from the file alone (no
//! run): each node's capacity (concurrency over the mean time a request
//! holds it) against the visits one user request makes to it. The least
//! ratio is the load at which the first node is flat out. It suggests a
//! sweep that crosses the knee, so a first scaling curve shows one.
//!
//! Deliberately rough: queueing, retries, timeouts and the tails are left
//! out (they move the knee below the estimate, rarely above it); a cache
//! with a key model counts every read as a miss; a call's fan-out copies
//! each visit their target.

use std::collections::HashMap;

use crate::scenario::{Io, Mode, NodeKind, NodeSpec, Scenario};

/// Calls followed from a load's target: deeper chains (or cycles) stop
/// counting here.
const MAX_DEPTH: usize = 16;

/// The sweep of the first load with a rate, in 8 steps, from a quarter
/// of its estimated saturation rate (or of its own rate, if lower) to half
/// as much again past it (or twice its own rate, if higher): the curve
/// crosses the knee and passes the file's own load
/// (`load.users.rate=50..4100:8`). `None` without a load with a rate.
pub fn suggested_sweep(scenario: &Scenario) -> Option<String> {
    let (index, load) = scenario.loads.iter().enumerate().find(|(_, l)| l.rate.is_some())?;
    let rate = load.rate.filter(|r| r.is_finite() && *r > 0.0)?;
    let knee = saturation_rate(scenario, index)
        .filter(|k| *k > 0.0)
        .unwrap_or(rate)
        .min(crate::limits::MAX_RATE);
    let (low, high) = (0.25 * knee.min(rate), (1.5 * knee).max(2.0 * rate));
    let (from, to) = round_steps(low, high, 7);
    Some(format!("load.{}.rate={from}..{to}:8", load.id))
}

/// `low..high` moved to a start of two significant figures and a step on
/// the same grid, so every point of the sweep reads round (50, 630, 1210,
/// … rather than 628.5714285714286); the end is the start plus `steps`
/// steps, at or past `high`.
fn round_steps(low: f64, high: f64, steps: i64) -> (f64, f64) {
    on_one_grid(low, high, steps).unwrap_or((two_figures(low), two_figures(high)))
}

/// [`round_steps`]' grid; `None` where start and step are too many decades
/// apart to share one in whole numbers (a rate of 10⁻³⁰⁰ beside a knee of
/// thousands).
fn on_one_grid(low: f64, high: f64, steps: i64) -> Option<(f64, f64)> {
    let digit = |v: f64| v.log10().floor() as i32 - 1;
    let step = (high - low) / steps as f64;
    if !(low > 0.0 && step > 0.0 && high.is_finite()) {
        return None;
    }
    let exponent = digit(low).min(digit(step));
    let start = (two_figures(low) / 10f64.powi(exponent)).round() as i64;
    // The step rounded up, so the range reaches `high` (and a step a hair
    // either side of a half does not flip the figures).
    let figures = (step / 10f64.powi(digit(step)) - 1e-6).ceil() as i64;
    let scale = 10i64.checked_pow(u32::try_from(digit(step) - exponent).ok()?)?;
    let end = start.checked_add(steps.checked_mul(figures.max(1).checked_mul(scale)?)?)?;
    Some((decimal(start, exponent), decimal(end, exponent)))
}

/// `units` × 10^`exponent`, divided rather than multiplied below one so it
/// prints as written.
fn decimal(units: i64, exponent: i32) -> f64 {
    if exponent >= 0 {
        units as f64 * 10f64.powi(exponent)
    } else {
        units as f64 / 10f64.powi(-exponent)
    }
}

/// The rate of load `load` (the others at theirs) at which its busiest
/// node would be flat out; `None` if no node it reaches has a capacity.
pub fn saturation_rate(scenario: &Scenario, load: usize) -> Option<f64> {
    let graph = Graph::new(scenario);
    let own = graph.visits(&scenario.loads.get(load)?.target);
    let mut others = vec![0.0; scenario.nodes.len()];
    for (i, l) in scenario.loads.iter().enumerate() {
        if i != load {
            let rate = l.rate.unwrap_or(0.0);
            for (o, v) in others.iter_mut().zip(graph.visits(&l.target)) {
                *o += rate * v;
            }
        }
    }
    (0..scenario.nodes.len())
        .filter(|&n| own[n] > 0.0)
        .filter_map(|n| Some(((graph.capacity(n)? - others[n]) / own[n]).max(0.0)))
        .min_by(f64::total_cmp)
}

/// `v` (positive) to two significant figures, as the sweep's text writes
/// it: divided by a power of ten where that is below one, so it prints
/// as written (0.000025, not 2.5000000000000002e-5).
fn two_figures(v: f64) -> f64 {
    let exponent = v.log10().floor() as i32 - 1;
    let units = if exponent >= 0 {
        (v / 10f64.powi(exponent)).round()
    } else {
        (v * 10f64.powi(-exponent)).round()
    };
    decimal(units as i64, exponent)
}

/// The nodes by name, with their calls, and each node's mean latency.
struct Graph<'a> {
    nodes: &'a [NodeSpec],
    by_id: HashMap<&'a str, usize>,
    latency: Vec<f64>,
}

impl<'a> Graph<'a> {
    fn new(scenario: &'a Scenario) -> Self {
        let by_id = scenario.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
        let mut graph = Graph { nodes: &scenario.nodes, by_id, latency: Vec::new() };
        let mut memo = vec![Memo::Unseen; scenario.nodes.len()];
        for n in 0..scenario.nodes.len() {
            graph.latency_of(n, &mut memo);
        }
        graph.latency = memo.iter().map(|m| if let Memo::Done(l) = m { *l } else { 0.0 }).collect();
        graph
    }

    /// Visits to each node that one request arriving at `target` makes,
    /// spread one call deep at a time for [`MAX_DEPTH`] levels: work in
    /// proportion to the calls whatever the graph's shape (a path count
    /// can grow exponentially; an async cycle never ends).
    fn visits(&self, target: &str) -> Vec<f64> {
        let mut visits = vec![0.0; self.nodes.len()];
        let Some(&start) = self.by_id.get(target) else { return visits };
        let mut level = vec![0.0; self.nodes.len()];
        level[start] = 1.0;
        for _ in 0..=MAX_DEPTH {
            let mut next = vec![0.0; self.nodes.len()];
            for (n, &share) in level.iter().enumerate().filter(|(_, s)| **s > 0.0) {
                visits[n] += share;
                for (to, each) in self.onward(n) {
                    if let Some(&m) = self.by_id.get(to) {
                        next[m] += share * each;
                    }
                }
            }
            level = next;
        }
        visits
    }

    /// Where a visit to `n` goes on, and how many visits each gets: its
    /// calls (probability times fan-out), a cache's misses, a queue's
    /// deliveries.
    fn onward(&self, n: usize) -> Vec<(&'a str, f64)> {
        let node = &self.nodes[n];
        let mut out: Vec<(&str, f64)> = node
            .calls
            .iter()
            .map(|c| (c.to.as_str(), c.probability * f64::from(c.fanout.max(1))))
            .collect();
        match node.kind {
            NodeKind::Cache => {
                if let Some(store) = &node.on_miss {
                    out.push((store, 1.0 - node.hit_ratio.unwrap_or(0.0)));
                }
            }
            NodeKind::Queue => {
                if let Some(to) = &node.to {
                    out.push((to, 1.0));
                }
            }
            _ => {}
        }
        out
    }

    /// Requests a second node `n` finishes flat out: its concurrency over
    /// the time a request holds a worker (a third party's rate limit; a
    /// queue's consumers over their delivery's time). `None`: no bound.
    fn capacity(&self, n: usize) -> Option<f64> {
        let node = &self.nodes[n];
        let replicas = f64::from(node.replicas.max(1));
        let (concurrency, hold) = match node.kind {
            NodeKind::Service => (f64::from(node.workers), self.hold(n)),
            NodeKind::Database => (f64::from(node.pool.unwrap_or(node.workers)), self.hold(n)),
            NodeKind::External => return node.rate_limit.as_ref().map(|r| r.rate),
            NodeKind::Queue => {
                let to = node.to.as_deref().and_then(|t| self.by_id.get(t))?;
                (f64::from(node.consumers.unwrap_or(1)), self.latency[*to])
            }
            NodeKind::Cache => return None,
        };
        (hold > 0.0).then(|| replicas * concurrency / hold)
    }

    /// Seconds a request holds one of `n`'s workers: its service time, and
    /// with blocking io its sync calls too.
    fn hold(&self, n: usize) -> f64 {
        let node = &self.nodes[n];
        match node.io {
            Io::Blocking => self.latency[n],
            Io::Nonblocking => service_secs(node),
        }
    }

    /// Mean seconds a request to `n` takes, queueing aside: its own time,
    /// then each call group's slowest sync call (weighted by probability).
    /// Each node is worked out once (`memo`); a node met again while it is
    /// being worked out (a cycle, which validation refuses for sync calls)
    /// counts nothing.
    fn latency_of(&self, n: usize, memo: &mut [Memo]) -> f64 {
        match memo[n] {
            Memo::Done(latency) => return latency,
            Memo::Working => return 0.0,
            Memo::Unseen => memo[n] = Memo::Working,
        }
        let node = &self.nodes[n];
        let callee = |to: &str, memo: &mut [Memo]| match self.by_id.get(to) {
            Some(&m) => self.latency_of(m, memo),
            None => 0.0,
        };
        let own = match node.kind {
            NodeKind::External => node.latency.as_ref().map_or(0.0, |d| d.mean().as_secs_f64()),
            NodeKind::Cache => {
                let lookup = node.hit_time.as_ref().map_or(0.0005, |d| d.mean().as_secs_f64());
                let miss = 1.0 - node.hit_ratio.unwrap_or(0.0);
                let store = node.on_miss.as_deref().map_or(0.0, |s| callee(s, memo));
                lookup + miss * store
            }
            NodeKind::Queue => 0.0,
            NodeKind::Service | NodeKind::Database => service_secs(node),
        };
        // A call without a group is a group of its own.
        let mut groups: HashMap<(bool, u32), f64> = HashMap::new();
        for (i, call) in node.calls.iter().enumerate().filter(|(_, c)| c.mode == Mode::Sync) {
            let group = call.group.map_or((false, i as u32), |g| (true, g));
            let wait = call.probability * callee(&call.to, memo);
            let slowest = groups.entry(group).or_insert(0.0);
            *slowest = slowest.max(wait);
        }
        let latency = own + groups.values().sum::<f64>();
        memo[n] = Memo::Done(latency);
        latency
    }
}

/// Where working out a node's latency stands.
#[derive(Clone, Copy)]
enum Memo {
    Unseen,
    Working,
    Done(f64),
}

fn service_secs(node: &NodeSpec) -> f64 {
    node.service_time.as_ref().map_or(0.0, |d| d.mean().as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(toml: &str) -> Scenario {
        Scenario::from_toml("t.toml", toml).expect("a valid scenario")
    }

    #[test]
    fn one_station_saturates_at_its_workers_over_its_service_time() {
        let s = scenario(
            r#"
[scenario]
name = "s"
[[load]]
id = "users"
target = "api"
rate = 100
[[node]]
id = "api"
kind = "service"
replicas = 2
workers = 4
service_time = { dist = "exp", mean = "2ms" }
"#,
        );
        // 2 × 4 workers / 2 ms = 4 000 requests/s.
        let knee = saturation_rate(&s, 0).expect("an estimate");
        assert!((knee - 4000.0).abs() < 1e-6, "{knee}");
        // From a quarter of the load (100/s) to 1.5 times the knee.
        assert_eq!(suggested_sweep(&s).as_deref(), Some("load.users.rate=25..6045:8"));
    }

    #[test]
    fn a_blocking_caller_holds_its_worker_through_its_sync_calls() {
        let s = scenario(
            r#"
[scenario]
name = "s"
[[load]]
id = "users"
target = "api"
rate = 100
[[node]]
id = "api"
kind = "service"
workers = 10
service_time = { dist = "const", value = "1ms" }
  [[node.call]]
  to = "db"
  [[node.call]]
  to = "audit"
  mode = "async"
[[node]]
id = "db"
kind = "service"
workers = 100
service_time = { dist = "const", value = "9ms" }
[[node]]
id = "audit"
kind = "service"
workers = 1
service_time = { dist = "const", value = "2ms" }
"#,
        );
        // api: 10 / (1 + 9 ms) = 1 000/s; db: 100 / 9 ms = 11 111/s; the
        // async audit (not waited for): 1 / 2 ms = 500/s, the first to go.
        let knee = saturation_rate(&s, 0).expect("an estimate");
        assert!((knee - 500.0).abs() < 1e-6, "{knee}");
    }

    #[test]
    fn other_loads_take_their_share_first() {
        let s = scenario(
            r#"
[scenario]
name = "s"
[[load]]
id = "web"
target = "api"
rate = 100
[[load]]
id = "batch"
target = "api"
rate = 300
[[node]]
id = "api"
kind = "service"
workers = 1
service_time = { dist = "const", value = "1ms" }
"#,
        );
        let knee = saturation_rate(&s, 0).expect("an estimate");
        assert!((knee - 700.0).abs() < 1e-6, "{knee}");
    }

    #[test]
    fn without_a_capacity_the_sweep_spans_the_load_itself() {
        let s = scenario(
            r#"
[scenario]
name = "s"
[[load]]
id = "users"
target = "partner"
rate = 200
[[node]]
id = "partner"
kind = "external"
latency = { dist = "exp", mean = "20ms" }
"#,
        );
        assert_eq!(saturation_rate(&s, 0), None);
        assert_eq!(suggested_sweep(&s).as_deref(), Some("load.users.rate=50..400:8"));
    }

    #[test]
    fn every_point_of_a_suggested_sweep_reads_round() {
        assert_eq!(round_steps(50.0, 4100.0, 7), (50.0, 4110.0));
        assert_eq!(round_steps(0.000025, 0.00021, 7), (0.000025, 0.000214));
        // A step a hair under a half rounds up as one a hair over does.
        assert_eq!(round_steps(375.0, 2999.999999, 7), (380.0, 3040.0));
        assert_eq!(round_steps(375.0, 3000.000001, 7), (380.0, 3040.0));
        // Decades too far apart for one grid: each end on its own.
        let (from, to) = round_steps(1e-300, 3000.0, 7);
        assert!((from / 1e-300 - 1.0).abs() < 1e-9 && to == 3000.0, "{from}..{to}");
        let spec = crate::sweep::SweepSpec::parse("load.users.rate=50..4110:8", 1).expect("parses");
        for v in spec.values() {
            assert_eq!(v.fract(), 0.0, "{v}");
        }
    }

    #[test]
    fn a_ladder_of_sync_calls_is_worked_out_in_time_in_proportion_to_its_calls() {
        // 40 rungs of 3 services, each calling all 3 of the next rung: 3^40
        // paths, which a walk along every path would never finish. No load
        // reaches it (the format bounds the visits a request can make),
        // yet every node's latency is worked out.
        let mut text = String::from(
            "[scenario]\nname = \"ladder\"\n[[load]]\nid = \"users\"\ntarget = \"api\"\nrate = 10\n\
             [[node]]\nid = \"api\"\nkind = \"service\"\n\
             service_time = { dist = \"const\", value = \"1ms\" }\n",
        );
        for rung in 0..40 {
            for i in 0..3 {
                text += &format!(
                    "[[node]]\nid = \"n{rung}_{i}\"\nkind = \"service\"\n\
                     service_time = {{ dist = \"const\", value = \"1ms\" }}\n"
                );
                if rung < 39 {
                    for j in 0..3 {
                        text += &format!("  [[node.call]]\n  to = \"n{}_{j}\"\n", rung + 1);
                    }
                }
            }
        }
        let s = scenario(&text);
        let graph = Graph::new(&s);
        // Each rung waits for the next rung's three calls in turn:
        // L = 1 ms + 3 L', so the head's is (3^40 - 1) / 2 ms.
        let head = (3f64.powi(40) - 1.0) / 2.0 * 1e-3;
        assert!((graph.latency[1] / head - 1.0).abs() < 1e-9, "the head: {}", graph.latency[1]);
        let knee = saturation_rate(&s, 0).expect("an estimate");
        assert!((knee - 1000.0).abs() < 1e-6, "{knee}");
    }

    #[test]
    fn absurd_rates_and_shares_still_give_a_sweep_that_parses() {
        let s = scenario(
            r#"
[scenario]
name = "s"
[[load]]
id = "users"
target = "api"
rate = 0.000000001
[[node]]
id = "api"
kind = "service"
service_time = { dist = "const", value = "1ns" }
  [[node.call]]
  to = "db"
  probability = 0.000000000001
[[node]]
id = "db"
kind = "service"
service_time = { dist = "const", value = "1ns" }
"#,
        );
        let sweep = suggested_sweep(&s).expect("a sweep");
        assert!(crate::sweep::SweepSpec::parse(&sweep, 1).is_ok(), "{sweep}");
    }

    #[test]
    fn small_rates_keep_two_figures() {
        assert_eq!(two_figures(0.000025), 0.000025);
        assert_eq!(two_figures(0.0001234), 0.00012);
        assert_eq!(two_figures(4137.0), 4100.0);
        assert_eq!(two_figures(50.0), 50.0);
    }

    #[test]
    fn every_built_in_scenario_gets_a_sweep_past_its_knee() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).expect("the scenarios folder") {
            let path = entry.expect("an entry").path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("readable");
            let Ok(s) = Scenario::from_toml(&path.display().to_string(), &text) else { continue };
            let Some(load) = s.loads.iter().position(|l| l.rate.is_some()) else { continue };
            let sweep = suggested_sweep(&s).expect("a sweep for a load with a rate");
            let spec = crate::sweep::SweepSpec::parse(&sweep, 1).expect("a sweep that parses");
            assert_eq!(spec.step_count(), 8, "{sweep}");
            let values = spec.values();
            let rate = s.loads[load].rate.unwrap_or(0.0);
            assert!(values[0] <= rate && rate <= values[7], "{sweep} misses the file's {rate}");
            if let Some(knee) = saturation_rate(&s, load) {
                assert!(knee.is_finite() && knee > 0.0, "{}: {knee}", path.display());
            }
            seen += 1;
        }
        assert!(seen >= 10, "only {seen} scenarios with a rate");
    }
}
