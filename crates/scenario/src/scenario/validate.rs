//! The meaning pass: a scenario that parses may still be impossible to run.
//! Every problem is collected, each with the key it is about.

use std::collections::{BTreeSet, HashMap};

use super::diagnostics::suggest;
use super::{Diagnostic, LoadSpec, Mode, NodeKind, NodeSpec, RetrySpec, Scenario, ScenarioError};
use crate::dist::Distribution;
use crate::limits;

/// One problem, at a key path such as `node[1].call[0].to`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub key: String,
    pub message: String,
}

struct Problems(Vec<Problem>);

impl Problems {
    fn push(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem { key: key.into(), message: message.into() });
    }

    /// A limit of scalesim's was passed: `message` says which, and the
    /// reason for limits is added.
    fn limit(&mut self, key: impl Into<String>, message: impl std::fmt::Display) {
        self.push(key, format!("{message} ({})", limits::WHY));
    }

    fn positive(&mut self, key: String, value: f64, what: &str) {
        if !(value.is_finite() && value > 0.0) {
            self.push(key, format!("expected a positive number ({what}), got {value}"));
        }
    }

    fn share(&mut self, key: String, value: f64) {
        if !(0.0..=1.0).contains(&value) {
            self.push(key, format!("expected a share between 0 and 1, got {value}"));
        }
    }
}

/// A scenario that passed [`problems`]: every name resolves, every number
/// is in range and within the limits. Only [`Validated::new`] makes one, so
/// what holds one (the engine's model) never checks again and never
/// guesses.
#[derive(Clone, Debug, PartialEq)]
pub struct Validated(Scenario);

impl Validated {
    /// `scenario`, if it can run; else every reason it cannot, each at its
    /// key (the file is the scenario's name: the lines are known only when
    /// reading a file, see [`Scenario::from_toml`]).
    pub fn new(scenario: Scenario) -> Result<Validated, ScenarioError> {
        let problems = problems(&scenario);
        if problems.is_empty() {
            return Ok(Validated(scenario));
        }
        let file = scenario.scenario.name.clone();
        Err(ScenarioError {
            diagnostics: problems
                .into_iter()
                .map(|p| Diagnostic { file: file.clone(), line: 0, key: p.key, message: p.message })
                .collect(),
        })
    }

    /// The scenario itself.
    pub fn scenario(&self) -> &Scenario {
        &self.0
    }

    /// The scenario, given back (to edit it, after which it must be
    /// validated again).
    pub fn into_scenario(self) -> Scenario {
        self.0
    }
}

impl std::ops::Deref for Validated {
    type Target = Scenario;

    fn deref(&self) -> &Scenario {
        &self.0
    }
}

/// Every reason `scenario` cannot run; empty when it can.
pub fn problems(scenario: &Scenario) -> Vec<Problem> {
    let mut p = Problems(Vec::new());
    let meta = &scenario.scenario;
    if meta.duration.as_nanos() == 0 {
        p.push("scenario.duration", "expected a positive duration such as \"60s\"");
    }
    if meta.duration > limits::MAX_DURATION {
        p.limit(
            "scenario.duration",
            format!(
                "{} of simulated time; at most {}: a shorter run (an hour, a day) shows the same \
                 steady state",
                meta.duration,
                limits::MAX_DURATION
            ),
        );
    }
    if meta.window.as_nanos() == 0 {
        p.push("scenario.window", "expected a positive duration such as \"1s\"");
    } else if meta.duration.as_nanos() / meta.window.as_nanos() > limits::MAX_WINDOWS {
        p.limit(
            "scenario.window",
            format!(
                "{} windows is too many for {}; use a longer window",
                limits::MAX_WINDOWS,
                meta.duration
            ),
        );
    }
    if meta.warmup >= meta.duration && meta.duration.as_nanos() > 0 {
        p.push(
            "scenario.warmup",
            format!(
                "the warm-up ({}) must end before the run does (its duration is {}): a shorter \
                 warm-up, or a longer duration",
                meta.warmup, meta.duration
            ),
        );
    }

    let ids: Vec<&str> = scenario.nodes.iter().map(|n| n.id.as_str()).collect();
    let mut seen = BTreeSet::new();
    for (i, id) in ids.iter().enumerate() {
        if id.is_empty() {
            p.push(format!("node[{i}].id"), "a node needs a non-empty id");
        } else if !seen.insert(*id) {
            p.push(format!("node[{i}].id"), format!("node `{}` is defined twice", shown(id)));
        } else {
            check_id(&mut p, format!("node[{i}].id"), id);
        }
    }
    for (i, load) in scenario.loads.iter().enumerate() {
        if !load.id.is_empty() {
            check_id(&mut p, format!("load[{i}].id"), &load.id);
        }
    }
    check_totals(&mut p, scenario);
    if scenario.nodes.len() > limits::MAX_NODES {
        p.limit(
            "node",
            format!(
                "{} nodes; at most {}: a set of identical components is one node with \
                 `replicas`",
                scenario.nodes.len(),
                limits::MAX_NODES
            ),
        );
    }
    if scenario.loads.is_empty() {
        p.push("load", "a scenario needs at least one [[load]] to send requests");
    }
    let mut seen_loads = BTreeSet::new();
    for (i, load) in scenario.loads.iter().enumerate() {
        if !seen_loads.insert(load.id.as_str()) {
            p.push(format!("load[{i}].id"), format!("load `{}` is defined twice", load.id));
        }
        check_load(&mut p, i, load, &ids);
    }
    let kinds: HashMap<&str, NodeKind> =
        scenario.nodes.iter().map(|n| (n.id.as_str(), n.kind)).collect();
    for (i, node) in scenario.nodes.iter().enumerate() {
        check_node(&mut p, i, node, &ids, &kinds);
    }
    for (i, fault) in scenario.faults.iter().enumerate() {
        check_fault(&mut p, i, fault, scenario, &ids);
    }
    let load_ids: Vec<&str> = scenario.loads.iter().map(|l| l.id.as_str()).collect();
    for (i, expect) in scenario.expects.iter().enumerate() {
        for (key, message) in crate::expect::problems(expect, &load_ids, &ids) {
            p.push(format!("expect[{i}].{key}"), message);
        }
    }
    for (key, message) in crate::network::problems(scenario) {
        p.push(key, message);
    }
    check_sync_cycles(&mut p, scenario);
    if p.0.is_empty() {
        check_async_cycles(&mut p, scenario);
    }
    if p.0.is_empty() {
        check_amplification(&mut p, scenario);
    }
    p.0
}

/// An id as a message shows it: whole when short, else its start and length.
fn shown(id: &str) -> String {
    if id.chars().count() <= limits::MAX_ID_LEN {
        id.to_owned()
    } else {
        let start: String = id.chars().take(24).collect();
        format!("{start}… ({} characters)", id.chars().count())
    }
}

/// Ids are short names: letters, digits, `-` and `_`, at most
/// [`limits::MAX_ID_LEN`] characters (a path like `api.replicas` splits on
/// the dot; a chart's legend and the canvas show the whole name).
fn check_id(p: &mut Problems, key: String, id: &str) {
    let len = id.chars().count();
    if len > limits::MAX_ID_LEN {
        p.limit(
            key,
            format!(
                "the id `{}` is {len} characters long; an id is a short name of at most {} \
                 characters: write e.g. `checkout-api`",
                shown(id),
                limits::MAX_ID_LEN
            ),
        );
    } else if let Some(c) =
        id.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        let fixed: String = id
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
            .collect();
        p.push(
            key,
            format!(
                "the id `{id}` contains `{c}`; an id is a short name of letters, digits, `-` and \
                 `_`: write e.g. `{fixed}`"
            ),
        );
    }
}

/// Totals over the whole scenario: each field may be within its own limit
/// while together they are not (2 000 nodes × 10 000 replicas).
fn check_totals(p: &mut Problems, scenario: &Scenario) {
    let most = |n: &NodeSpec| u64::from(n.replicas.max(n.autoscale.as_ref().map_or(0, |a| a.max)));
    let replicas: u64 = scenario.nodes.iter().map(most).sum();
    if replicas > limits::MAX_TOTAL_REPLICAS {
        let biggest = scenario.nodes.iter().max_by_key(|n| most(n)).map_or(0, most);
        p.limit(
            "node",
            format!(
                "the nodes have {replicas} replicas in all (counting autoscalers' `max`; the \
                 largest has {biggest}); at most {} in all: use fewer replicas with more \
                 `workers` each, or fewer nodes",
                limits::MAX_TOTAL_REPLICAS
            ),
        );
    }
    let concurrency = |n: &NodeSpec| {
        u64::from(match n.kind {
            NodeKind::Database => n.pool.unwrap_or(n.workers),
            NodeKind::Queue => n.consumers.unwrap_or(1),
            _ => n.workers,
        })
    };
    let workers: u64 = scenario.nodes.iter().map(|n| most(n).saturating_mul(concurrency(n))).sum();
    if workers > limits::MAX_TOTAL_WORKERS {
        p.limit(
            "node",
            format!(
                "the nodes have {workers} workers in all (replicas × workers, pool or consumers, \
                 summed over nodes); at most {} in all: fewer replicas or workers",
                limits::MAX_TOTAL_WORKERS
            ),
        );
    }
    let calls: usize = scenario.nodes.iter().map(|n| n.calls.len()).sum();
    if calls > limits::MAX_CALLS {
        p.limit(
            "node",
            format!(
                "the nodes make {calls} calls in all; at most {}: call a node once with a \
                 `fanout` instead of many times",
                limits::MAX_CALLS
            ),
        );
    }
    if scenario.expects.len() > limits::MAX_EXPECTS {
        p.limit(
            "expect",
            format!(
                "{} [[expect]] blocks; at most {}: split them over several files",
                scenario.expects.len(),
                limits::MAX_EXPECTS
            ),
        );
    }
}

/// A cycle of async calls (through queues and caches too) passes each
/// request's messages round and round; when a pass makes, on average, one
/// message or more for each it received (fan-out × probability along the
/// cycle), the work never ends and, above one, multiplies. The growth
/// factor a pass is the spectral radius of the cycle's matrix of calls
/// (fan-out × probability), found by power iteration.
fn check_async_cycles(p: &mut Problems, scenario: &Scenario) {
    let index: HashMap<&str, usize> =
        scenario.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let n = scenario.nodes.len();
    let mut edges: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for (i, node) in scenario.nodes.iter().enumerate() {
        for call in &node.calls {
            if let Some(&t) = index.get(call.to.as_str()) {
                edges[i].push((t, f64::from(call.fanout) * call.probability.clamp(0.0, 1.0)));
            }
        }
        for to in [node.to.as_deref(), node.on_miss.as_deref()].into_iter().flatten() {
            if let Some(&t) = index.get(to) {
                let share = match (node.kind, node.hit_ratio) {
                    (NodeKind::Cache, Some(hit)) => (1.0 - hit).clamp(0.0, 1.0),
                    _ => 1.0,
                };
                edges[i].push((t, share));
            }
        }
    }
    for component in strongly_connected(&edges) {
        // Built by insertion: `collect` would sort (a copy of the sort's
        // code for each element type; `order`).
        let mut inside = BTreeSet::new();
        inside.extend(component.iter().copied());
        let cyclic =
            component.len() > 1 || edges[component[0]].iter().any(|&(t, _)| t == component[0]);
        if !cyclic {
            continue;
        }
        let growth = spectral_radius(&edges, &component, &inside);
        if growth < 1.0 - 1e-9 {
            continue;
        }
        let first = component.iter().copied().min().unwrap_or(0);
        let cycle = one_cycle(&edges, first, &inside);
        let path: Vec<&str> = cycle.iter().map(|&i| scenario.nodes[i].id.as_str()).collect();
        let round: f64 = cycle
            .windows(2)
            .map(|w| edges[w[0]].iter().filter(|e| e.0 == w[1]).map(|e| e.1).fold(0.0, f64::max))
            .product();
        let what = if round > 1.0 + 1e-9 {
            format!(
                "multiplies without end: one pass round it turns each message into {round:.3} \
                 (fan-out × probability), so one request becomes {round:.3}ⁿ messages after n \
                 passes"
            )
        } else if growth > 1.0 + 1e-9 {
            format!(
                "multiplies without end: its calls make about {growth:.3} messages for every one \
                 received (fan-out × probability), so each request's messages grow with every \
                 call"
            )
        } else {
            "never ends: each pass makes one message for every one it received, so every \
             request's messages go round for ever and the work grows with each request"
                .to_owned()
        };
        p.limit(
            format!("node[{first}].call"),
            format!(
                "async calls form a cycle ({}) that {what}; each pass must make fewer messages \
                 than it receives: give a call in the cycle a `probability` below 1 (and \
                 `fanout = 1`), or end the cycle",
                path.join(" → ")
            ),
        );
    }
}

/// The strongly connected components of a graph (Tarjan's, iterative).
fn strongly_connected(edges: &[Vec<(usize, f64)>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let (mut index, mut low) = (vec![usize::MAX; n], vec![0; n]);
    let (mut on_stack, mut stack, mut out) = (vec![false; n], Vec::new(), Vec::new());
    let mut next = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut e)) = work.last_mut() {
            if let Some(&(w, _)) = edges[v].get(*e) {
                *e += 1;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                work.pop();
                if let Some(&(u, _)) = work.last() {
                    low[u] = low[u].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut component = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component.push(w);
                        if w == v {
                            break;
                        }
                    }
                    out.push(component);
                }
            }
        }
    }
    out
}

/// The growth factor a pass of a component's calls: the spectral radius
/// of its matrix, by power iteration on (M + I) / 2 (the same eigenvector;
/// no oscillation when the cycle is periodic).
fn spectral_radius(edges: &[Vec<(usize, f64)>], nodes: &[usize], inside: &BTreeSet<usize>) -> f64 {
    let position: HashMap<usize, usize> = nodes.iter().enumerate().map(|(k, &v)| (v, k)).collect();
    let mut x = vec![1.0 / nodes.len() as f64; nodes.len()];
    let mut radius = 0.0;
    for _ in 0..500 {
        let mut y: Vec<f64> = x.iter().map(|v| v / 2.0).collect();
        for (k, &v) in nodes.iter().enumerate() {
            for &(t, w) in edges[v].iter().filter(|(t, _)| inside.contains(t)) {
                y[position[&t]] += x[k] * w.min(1e12) / 2.0;
            }
        }
        let total: f64 = y.iter().sum();
        if !(total.is_finite() && total > 0.0) {
            return if total.is_finite() { 0.0 } else { f64::INFINITY };
        }
        let next = 2.0 * total - 1.0;
        x = y.into_iter().map(|v| v / total).collect();
        if (next - radius).abs() < 1e-12 {
            return next;
        }
        radius = next;
    }
    radius
}

/// One cycle through `start` within a component, as node indices, closed
/// (first = last).
fn one_cycle(edges: &[Vec<(usize, f64)>], start: usize, inside: &BTreeSet<usize>) -> Vec<usize> {
    // Breadth first from `start`, so the cycle named is a shortest one.
    let mut parent: HashMap<usize, usize> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &(t, _) in &edges[v] {
            if t == start {
                let mut path = vec![v];
                let mut at = v;
                while let Some(&up) = parent.get(&at) {
                    path.push(up);
                    at = up;
                }
                path.reverse();
                path.push(start);
                return path;
            }
            if inside.contains(&t) && !parent.contains_key(&t) {
                parent.insert(t, v);
                queue.push_back(t);
            }
        }
    }
    vec![start, start]
}

/// The most node visits one user request can cause: at each node, itself
/// plus, for each call, its fan-out times its attempts times what the
/// callee causes (a queue delivers up to `max_deliveries` times). A cycle
/// (through async calls) is cut where it closes. Refused past
/// [`limits::MAX_VISITS_PER_REQUEST`]: two fan-outs of 10 000, legal one by
/// one, would otherwise start 10⁸ visits at one instant.
fn check_amplification(p: &mut Problems, scenario: &Scenario) {
    fn visits(
        n: usize,
        scenario: &Scenario,
        memo: &mut [Option<f64>],
        on_path: &mut [bool],
    ) -> f64 {
        if let Some(v) = memo[n] {
            return v;
        }
        if on_path[n] {
            return 1.0;
        }
        on_path[n] = true;
        let node = &scenario.nodes[n];
        // Every call made, every copy sent, every attempt failing and
        // retried: a bound, not an estimate (probabilities are ignored).
        let mut total: f64 = 1.0;
        for call in &node.calls {
            if let Some(to) = scenario.node_index(&call.to) {
                let attempts = call.retry.as_ref().map_or(1, |r| r.attempts.max(1));
                let copies = f64::from(call.fanout) * f64::from(attempts);
                total += copies * visits(to, scenario, memo, on_path);
            }
        }
        let feeds = [node.to.as_deref(), node.on_miss.as_deref()];
        for to in feeds.into_iter().flatten().filter_map(|id| scenario.node_index(id)) {
            let times = f64::from(node.max_deliveries.unwrap_or(5).max(1));
            total += times * visits(to, scenario, memo, on_path);
        }
        on_path[n] = false;
        let v = total.min(f64::MAX / 2.0);
        memo[n] = Some(v);
        v
    }
    let mut memo = vec![None; scenario.nodes.len()];
    let mut on_path = vec![false; scenario.nodes.len()];
    for (i, load) in scenario.loads.iter().enumerate() {
        let Some(target) = scenario.node_index(&load.target) else { continue };
        let attempts = load.retry.as_ref().map_or(1, |r| r.attempts.max(1));
        let v = f64::from(attempts) * visits(target, scenario, &mut memo, &mut on_path);
        if v > limits::MAX_VISITS_PER_REQUEST {
            p.limit(
                format!("load[{i}]"),
                format!(
                    "one request of `{}` could cause up to {v:.3e} node visits (fan-outs and retries multiplied along its calls); at most {:.0e}: lower a `fanout` or the `attempts` along the way",
                    load.id,
                    limits::MAX_VISITS_PER_REQUEST
                ),
            );
        }
    }
}

fn check_fault(
    p: &mut Problems,
    i: usize,
    fault: &super::FaultSpec,
    scenario: &Scenario,
    ids: &[&str],
) {
    let key = |k: &str| format!("fault[{i}].{k}");
    let zones_only = super::FaultEffect { partition: None, ..fault.effect.clone() }
        == super::FaultEffect::default();
    if fault.target.is_empty() && fault.effect.partition.is_some() && zones_only {
        // A partition affects zones, not a node: no target needed.
    } else {
        check_target(p, key("target"), &fault.target, ids);
    }
    if fault.duration.as_nanos() == 0 {
        p.push(key("duration"), "expected a positive duration such as \"30s\"");
    }
    let e = &fault.effect;
    if *e == super::FaultEffect::default() {
        p.push(
            key("effect"),
            "a fault needs an effect: latency_add, error_rate, outage, replicas, flush, \
             partition or leak",
        );
    }
    if let Some(rate) = e.error_rate {
        p.share(key("effect.error_rate"), rate);
    }
    let target = scenario.nodes.iter().find(|n| n.id == fault.target);
    if let (Some(n), Some(r)) = (target, e.replicas) {
        if n.kind == NodeKind::External {
            p.push(key("effect.replicas"), "an external node has no replicas you control");
        } else if r == 0 {
            p.push(
                key("effect.replicas"),
                "0 replicas: use `outage = true` for a node that is down",
            );
        } else if r > n.replicas {
            p.push(key("effect.replicas"), format!("at most the node's {} replicas", n.replicas));
        }
    }
    if let Some(leak) = e.leak {
        if target.is_some_and(|n| n.memory.is_none()) {
            p.push(
                key("effect.leak"),
                format!(
                    "a leak grows a replica's memory: give `{}` a `memory = {{ per_request, \
                     limit }}`",
                    fault.target
                ),
            );
        }
        if leak.amount.bytes() == 0 {
            p.push(key("effect.leak"), "a leak of 0 leaks nothing; leave it out");
        }
    }
    if e.flush == Some(true)
        && !target.is_some_and(|n| n.kind == NodeKind::Cache && n.keys.is_some())
    {
        p.push(
            key("effect.flush"),
            "`flush` empties a cache with the key model (`keys`); the target is not one",
        );
    }
}

fn check_target(p: &mut Problems, key: String, target: &str, ids: &[&str]) {
    if !ids.contains(&target) {
        let hint = suggest(target, ids);
        p.push(key, format!("no node is called `{}`{hint}", shown(target)));
    }
}

fn check_load(p: &mut Problems, i: usize, load: &LoadSpec, ids: &[&str]) {
    let key = |k: &str| format!("load[{i}].{k}");
    check_target(p, key("target"), &load.target, ids);
    match (load.rate, load.users) {
        (Some(_), Some(_)) => p.push(
            key("users"),
            "give either `rate` (open loop) or `users` (closed loop), not both",
        ),
        (None, None) => {
            p.push(key("rate"), "a load needs `rate` (requests/s) or `users` (a closed loop)")
        }
        (Some(rate), None) => {
            p.positive(key("rate"), rate, "requests per second");
            if rate > limits::MAX_RATE {
                p.limit(
                    key("rate"),
                    format!(
                        "{rate} requests/s; at most {} requests/s a load: split it over \
                         several loads, or model a sample and scale the result",
                        limits::MAX_RATE
                    ),
                );
            }
        }
        (None, Some(users)) => {
            if users == 0 || users > limits::MAX_USERS {
                p.limit(
                    key("users"),
                    format!("expected 1 to {} users, got {users}", limits::MAX_USERS),
                );
            }
        }
    }
    if let Some(think) = &load.think_time {
        check_distribution(p, key("think_time"), think);
    }
    if let Some(burst) = &load.burst {
        if !(burst.multiplier > 1.0 && burst.multiplier.is_finite()) {
            p.push(
                key("burst.multiplier"),
                format!("expected more than 1, got {}", burst.multiplier),
            );
        }
        if !(burst.share > 0.0 && burst.share < 1.0) {
            p.push(
                key("burst.share"),
                format!("expected a share strictly between 0 and 1, got {}", burst.share),
            );
        } else if burst.multiplier * burst.share >= 1.0 {
            p.push(key("burst"), "multiplier × share must stay below 1 (bursts cannot carry more than all the traffic)");
        }
        if burst.length.as_nanos() == 0 {
            p.push(key("burst.length"), "expected a positive duration");
        }
    }
    if let Some(pattern) = &load.pattern {
        for (s, step) in pattern.steps.iter().enumerate() {
            if !(step.rate.is_finite() && step.rate >= 0.0) {
                p.push(
                    key(&format!("pattern.steps[{s}].rate")),
                    format!("expected a rate of 0 or more, got {}", step.rate),
                );
            }
        }
        if let Some(ramp) = &pattern.ramp {
            for (k, v) in [("from", ramp.from), ("to", ramp.to)] {
                if !(v.is_finite() && v >= 0.0) {
                    p.push(
                        key(&format!("pattern.ramp.{k}")),
                        format!("expected a rate of 0 or more, got {v}"),
                    );
                }
            }
        }
        if let Some(spike) = &pattern.spike
            && !(spike.multiplier.is_finite() && spike.multiplier >= 0.0)
        {
            p.push(
                key("pattern.spike.multiplier"),
                format!("expected 0 or more, got {}", spike.multiplier),
            );
        }
        if let Some(d) = &pattern.diurnal {
            p.share(key("pattern.diurnal.amplitude"), d.amplitude);
            if d.period.as_nanos() == 0 {
                p.push(
                    key("pattern.diurnal.period"),
                    "expected a positive duration such as \"24h\"",
                );
            }
        }
    }
    if let Some(retry) = &load.retry {
        check_retry(p, &key("retry"), retry);
    }
    p.positive(key("work"), load.work, "a service-time multiplier");
    if let Some(Err(message)) = load.rate_limit.as_ref().map(|r| r.check()) {
        p.push(key("rate_limit"), message);
    }
}

fn check_node(
    p: &mut Problems,
    i: usize,
    node: &NodeSpec,
    ids: &[&str],
    kinds: &HashMap<&str, NodeKind>,
) {
    let key = |k: &str| format!("node[{i}].{k}");
    match node.kind {
        NodeKind::Service | NodeKind::Database => {
            match &node.service_time {
                Some(d) => check_distribution(p, key("service_time"), d),
                None => p.push(
                    key("service_time"),
                    format!(
                        "a {} needs `service_time`, e.g. {{ dist = \"exp\", mean = \"5ms\" }}",
                        if node.kind == NodeKind::Service { "service" } else { "database" }
                    ),
                ),
            }
            if node.latency.is_some() {
                p.push(
                    key("latency"),
                    "`latency` is for `external` nodes; a service has `service_time`",
                );
            }
        }
        NodeKind::External => {
            match &node.latency {
                Some(d) => check_distribution(p, key("latency"), d),
                None => p.push(
                    key("latency"),
                    "an external node needs `latency`, e.g. { dist = \"exp\", mean = \"50ms\" }",
                ),
            }
            if node.service_time.is_some() {
                p.push(
                    key("service_time"),
                    "`service_time` is for services; an external node has `latency`",
                );
            }
            if !node.calls.is_empty() {
                p.push(
                    key("call"),
                    "an external node is a third party: it makes no calls you can model",
                );
            }
        }
        NodeKind::Queue => check_broker(p, i, node, ids, kinds),
        NodeKind::Cache => check_cache(p, i, node, ids),
    }
    check_kind_keys(p, i, node);
    if node.replicas == 0 || node.replicas > limits::MAX_REPLICAS {
        p.limit(
            key("replicas"),
            format!("expected 1 to {} replicas, got {}", limits::MAX_REPLICAS, node.replicas),
        );
    }
    if node.workers == 0 || node.workers > limits::MAX_WORKERS {
        p.limit(
            key("workers"),
            format!("expected 1 to {} workers, got {}", limits::MAX_WORKERS, node.workers),
        );
    }
    p.share(key("error_rate"), node.error_rate);
    if let Some(pool) = node.pool {
        if node.kind != NodeKind::Database {
            p.push(key("pool"), "`pool` is a database's connections; a service has `workers`");
        } else if node.workers != 1 {
            p.push(key("pool"), "give `pool` (connections) or `workers`, not both");
        }
        if pool == 0 || pool > limits::MAX_WORKERS {
            p.limit(
                key("pool"),
                format!("expected 1 to {} connections, got {pool}", limits::MAX_WORKERS),
            );
        }
    }
    if let Some(c) = &node.coordination {
        if node.kind == NodeKind::External {
            p.push(key("coordination"), "an external node's scaling is not yours to model");
        }
        if let Err(message) = c.check() {
            p.push(key("coordination"), message);
        }
    }
    if let Some(m) = &node.memory {
        if !matches!(node.kind, NodeKind::Service | NodeKind::Database) {
            p.push(
                key("memory"),
                format!(
                    "`memory` applies to services and databases (their replicas hold requests), \
                     not to a {}",
                    kind_name(node.kind)
                ),
            );
        } else if node.replication.is_some() {
            p.push(
                key("memory"),
                "`memory` is not modelled on a replicated database; leave out one of the two",
            );
        }
        for (name, message) in m.problems() {
            p.push(key(&format!("memory.{name}")), message);
        }
    }
    if let Some(a) = &node.autoscale {
        if node.kind == NodeKind::External {
            p.push(key("autoscale"), "an external node's replicas are not yours to scale");
        }
        match a.check() {
            Err(message) => p.push(key("autoscale"), message),
            Ok(()) if !(a.min..=a.max).contains(&node.replicas) => p.push(
                key("replicas"),
                format!(
                    "the starting {} replicas must be within autoscale's min {} and max {}",
                    node.replicas, a.min, a.max
                ),
            ),
            Ok(()) if a.max > limits::MAX_REPLICAS => p.limit(
                key("autoscale.max"),
                format!("{} replicas; at most {} a node", a.max, limits::MAX_REPLICAS),
            ),
            Ok(()) => {}
        }
    }
    if node.queue.lifo_after.is_some() && node.queue.discipline != super::Discipline::AdaptiveLifo {
        p.push(key("queue.lifo_after"), "`lifo_after` applies to `discipline = \"adaptive_lifo\"`");
    }
    if let Some(Err(message)) = node.cost.as_ref().map(|c| c.check()) {
        p.push(key("cost"), message);
    }
    if let Some(Err(message)) = node.rate_limit.as_ref().map(|r| r.check()) {
        p.push(key("rate_limit"), message);
    }
    for (c, call) in node.calls.iter().enumerate() {
        let ckey = |k: &str| format!("node[{i}].call[{c}].{k}");
        check_target(p, ckey("to"), &call.to, ids);
        p.share(ckey("probability"), call.probability);
        if call.fanout == 0 || call.fanout > limits::MAX_FANOUT {
            p.limit(
                ckey("fanout"),
                format!("expected 1 to {}, got {}", limits::MAX_FANOUT, call.fanout),
            );
        }
        if let Some(w) = call.wait_for
            && (w == 0 || w > call.fanout)
        {
            p.push(ckey("wait_for"), format!("expected 1 to fanout ({}), got {w}", call.fanout));
        }
        if call.timeout == Some(crate::time::SimDuration::ZERO) {
            p.push(ckey("timeout"), "a zero timeout fails every call; remove it to wait for ever");
        }
        if let Some(retry) = &call.retry {
            check_retry(p, &ckey("retry"), retry);
        }
        if let Some(Err(message)) = call.breaker.as_ref().map(|b| b.check()) {
            p.push(ckey("breaker"), message);
        }
        if call.hedge == Some(crate::time::SimDuration::ZERO) {
            p.push(
                ckey("hedge"),
                "a hedge after 0 doubles every call at once; give a delay such as \"20ms\"",
            );
        }
        if call.bulkhead == Some(0) {
            p.push(
                ckey("bulkhead"),
                "a bulkhead of 0 rejects every call; remove it, or allow at least 1",
            );
        }
    }
}

/// Keys that belong to one kind of node only.
fn check_kind_keys(p: &mut Problems, i: usize, node: &NodeSpec) {
    let queue_keys = [
        ("to", node.to.is_some()),
        ("consumers", node.consumers.is_some()),
        ("max_deliveries", node.max_deliveries.is_some()),
        ("delivery_timeout", node.delivery_timeout.is_some()),
    ];
    let cache_keys = [
        ("hit_ratio", node.hit_ratio.is_some()),
        ("keys", node.keys.is_some()),
        ("skew", node.skew.is_some()),
        ("ttl", node.ttl.is_some()),
        ("hit_time", node.hit_time.is_some()),
        ("on_miss", node.on_miss.is_some()),
        ("coalesce", node.coalesce),
    ];
    let kind = kind_name(node.kind);
    if node.kind != NodeKind::Queue {
        for (name, _) in queue_keys.iter().filter(|(_, set)| *set) {
            p.push(
                format!("node[{i}].{name}"),
                format!("`{name}` applies to queues, not to a {kind}"),
            );
        }
    }
    // A replicated database draws each request's key from `keys`/`skew`.
    let keyed_database = node.kind == NodeKind::Database && node.replication.is_some();
    if node.kind != NodeKind::Cache {
        for (name, _) in cache_keys
            .iter()
            .filter(|(_, set)| *set)
            .filter(|(name, _)| !(keyed_database && matches!(*name, "keys" | "skew")))
        {
            p.push(
                format!("node[{i}].{name}"),
                format!("`{name}` applies to caches, not to a {kind}"),
            );
        }
    }
    if node.capacity.is_some() && !matches!(node.kind, NodeKind::Queue | NodeKind::Cache) {
        p.push(
            format!("node[{i}].capacity"),
            format!(
                "`capacity` applies to queues and caches; a {kind} has `queue = {{ capacity }}`"
            ),
        );
    }
}

fn check_no_work_keys(p: &mut Problems, i: usize, node: &NodeSpec, instead: &str) {
    let kind = kind_name(node.kind);
    if node.service_time.is_some() {
        p.push(
            format!("node[{i}].service_time"),
            format!("a {kind} has no `service_time`; {instead}"),
        );
    }
    if node.latency.is_some() {
        p.push(format!("node[{i}].latency"), format!("a {kind} has no `latency`; {instead}"));
    }
    if !node.calls.is_empty() {
        p.push(format!("node[{i}].call"), format!("a {kind} makes no `[[node.call]]`s; {instead}"));
    }
}

fn check_broker(
    p: &mut Problems,
    i: usize,
    node: &NodeSpec,
    ids: &[&str],
    kinds: &HashMap<&str, NodeKind>,
) {
    let key = |k: &str| format!("node[{i}].{k}");
    check_no_work_keys(p, i, node, "it delivers each message to `to`");
    match &node.to {
        None => p.push(key("to"), "a queue needs `to`: the node its consumers deliver to"),
        Some(to) if *to == node.id => p.push(key("to"), "a queue cannot deliver to itself"),
        Some(to) if kinds.get(to.as_str()) == Some(&NodeKind::Queue) => p.push(
            key("to"),
            format!(
                "`{to}` is a queue too: a queue delivers to a consumer (put a service between them)"
            ),
        ),
        Some(to) => check_target(p, key("to"), to, ids),
    }
    if let Some(c) = node.consumers
        && (c == 0 || c > limits::MAX_WORKERS)
    {
        p.limit(
            key("consumers"),
            format!("expected 1 to {} consumers, got {c}", limits::MAX_WORKERS),
        );
    }
    if let Some(d) = node.max_deliveries
        && (d == 0 || d > limits::MAX_ATTEMPTS)
    {
        p.limit(
            key("max_deliveries"),
            format!("expected 1 to {} deliveries, got {d}", limits::MAX_ATTEMPTS),
        );
    }
    if node.delivery_timeout == Some(crate::time::SimDuration::ZERO) {
        p.push(key("delivery_timeout"), "expected a positive duration such as \"30s\"");
    }
    if node.capacity == Some(0) {
        p.push(key("capacity"), "a queue of capacity 0 refuses every message");
    }
}

fn check_cache(p: &mut Problems, i: usize, node: &NodeSpec, ids: &[&str]) {
    let key = |k: &str| format!("node[{i}].{k}");
    check_no_work_keys(p, i, node, "it reads `on_miss` on a miss");
    match &node.on_miss {
        None => p.push(key("on_miss"), "a cache needs `on_miss`: the node read on a miss"),
        Some(to) if *to == node.id => p.push(key("on_miss"), "a cache cannot read itself"),
        Some(to) => check_target(p, key("on_miss"), to, ids),
    }
    match (node.hit_ratio, node.keys) {
        (Some(_), Some(_)) => p.push(
            key("hit_ratio"),
            "give `hit_ratio` (a fixed share) or `keys` (the key model), not both",
        ),
        (None, None) => p.push(
            key("hit_ratio"),
            "a cache needs `hit_ratio`, or `keys` for the key model in which hits emerge",
        ),
        (Some(ratio), None) => {
            p.share(key("hit_ratio"), ratio);
            for (name, set) in [
                ("skew", node.skew.is_some()),
                ("ttl", node.ttl.is_some()),
                ("capacity", node.capacity.is_some()),
                ("coalesce", node.coalesce),
            ] {
                if set {
                    p.push(
                        key(name),
                        format!(
                            "`{name}` belongs to the key model: give `keys` instead of `hit_ratio`"
                        ),
                    );
                }
            }
        }
        (None, Some(keys)) => {
            if keys == 0 || keys > limits::MAX_CACHE_KEYS {
                p.limit(
                    key("keys"),
                    format!("expected 1 to {} keys, got {keys}", limits::MAX_CACHE_KEYS),
                );
            }
            let held = node.capacity.unwrap_or(keys);
            if held == 0 || held > limits::MAX_CACHE_CAPACITY {
                p.limit(
                    key("capacity"),
                    format!(
                        "a cache holds 1 to {} keys (set `capacity` when `keys` is larger), got {held}",
                        limits::MAX_CACHE_CAPACITY
                    ),
                );
            }
        }
    }
    if let Some(skew) = node.skew
        && !(skew.is_finite() && (0.0..=10.0).contains(&skew))
    {
        p.push(key("skew"), format!("expected a Zipf skew from 0 (uniform) to 10, got {skew}"));
    }
    if node.ttl == Some(crate::time::SimDuration::ZERO) {
        p.push(key("ttl"), "a ttl of 0 keeps nothing; remove it to keep keys until evicted");
    }
    if let Some(d) = &node.hit_time {
        check_distribution(p, key("hit_time"), d);
    }
}

fn kind_name(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Service => "service",
        NodeKind::External => "external",
        NodeKind::Database => "database",
        NodeKind::Cache => "cache",
        NodeKind::Queue => "queue",
    }
}

fn check_retry(p: &mut Problems, key: &str, retry: &RetrySpec) {
    if retry.attempts == 0 || retry.attempts > limits::MAX_ATTEMPTS {
        p.limit(
            format!("{key}.attempts"),
            format!(
                "expected 1 to {} (1 = no retry), got {}",
                limits::MAX_ATTEMPTS,
                retry.attempts
            ),
        );
    }
    if retry.max < retry.base {
        p.push(format!("{key}.max"), "the longest backoff cannot be shorter than `base`");
    }
    if let Some(budget) = retry.budget {
        p.share(format!("{key}.budget"), budget);
    }
}

fn check_distribution(p: &mut Problems, key: String, d: &Distribution) {
    if let Err(message) = d.check() {
        p.push(key, message);
    }
}

/// A cycle of sync calls never answers: each request waits on itself.
fn check_sync_cycles(p: &mut Problems, scenario: &Scenario) {
    let index: HashMap<&str, usize> =
        scenario.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let edges: Vec<Vec<(usize, usize)>> = scenario
        .nodes
        .iter()
        .map(|n| {
            n.calls
                .iter()
                .enumerate()
                .filter(|(_, c)| c.mode == Mode::Sync)
                .filter_map(|(ci, c)| index.get(c.to.as_str()).map(|&t| (t, ci)))
                .chain(
                    // A cache's read on a miss is a sync call too.
                    n.on_miss
                        .as_deref()
                        .filter(|_| n.kind == NodeKind::Cache)
                        .and_then(|to| index.get(to))
                        .map(|&t| (t, n.calls.len())),
                )
                .collect()
        })
        .collect();
    // Iterative DFS with colours; each cycle reported once, at its first call.
    let mut colour = vec![0u8; edges.len()];
    let mut reported = BTreeSet::new();
    for start in 0..edges.len() {
        if colour[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        colour[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&(to, call)) = edges[node].get(*next) {
                *next += 1;
                match colour[to] {
                    0 => {
                        colour[to] = 1;
                        stack.push((to, 0));
                    }
                    1 => {
                        let from = stack.iter().position(|&(n, _)| n == to).unwrap_or(0);
                        let mut cycle: Vec<&str> = stack[from..]
                            .iter()
                            .map(|&(n, _)| scenario.nodes[n].id.as_str())
                            .collect();
                        cycle.push(&scenario.nodes[to].id);
                        let mut members = BTreeSet::new();
                        members.extend(stack[from..].iter().map(|&(n, _)| n));
                        if reported.insert(members) {
                            p.push(
                                format!("node[{node}].call[{call}].to"),
                                format!("sync calls form a cycle ({}): a request would wait on itself; make one call async", cycle.join(" → ")),
                            );
                        }
                    }
                    _ => {}
                }
            } else {
                colour[node] = 2;
                stack.pop();
            }
        }
    }
}
