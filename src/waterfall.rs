//! One request's trace as the page shows it: a waterfall (one row a span,
//! nested by depth, placed on the request's own time line, the critical
//! path marked), and the path it took through the topology (the nodes it
//! visited and the calls it made, lit up on the canvas). Pure, tested
//! natively; `page/waterfall` draws it as HTML rows, readable as text.

use scalesim_engine::order;
use scalesim_engine::outcome::Outcome;
use scalesim_engine::scenario::Mode;
use scalesim_engine::trace::{Refusal, Span, SpanKind, Trace};

/// A waterfall's row: one span.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Nesting below the request (0 for the request).
    pub depth: u32,
    /// What the span is, in words ("api", "call recommendations", …).
    pub label: String,
    /// Its times and outcome, in words.
    pub detail: String,
    /// Where the bar starts and how wide it is, in % of the request.
    pub left_pct: f64,
    pub width_pct: f64,
    /// A visit's phases inside its bar: (queued, in service, waiting on
    /// calls), each in % of the bar.
    pub phases: Option<[f64; 3]>,
    /// The request waited on this span (it is on the critical path).
    pub critical: bool,
    /// Its duration.
    pub ms: f64,
    /// The kind, for styling: `request`, `visit`, `attempt`, `async`,
    /// `refused`, `backoff`.
    pub class: &'static str,
}

/// A request's waterfall.
#[derive(Clone, Debug, PartialEq)]
pub struct Waterfall {
    /// E.g. "Request 4 812 from users: 412 ms, ok (window 37)".
    pub title: String,
    pub latency_ms: f64,
    pub rows: Vec<Row>,
    /// The nodes on the critical path, in the order first reached.
    pub critical_nodes: Vec<String>,
    /// Rows not shown (past [`MAX_ROWS`]).
    pub hidden: usize,
    pub truncated: bool,
}

/// The most rows drawn: a retry storm's request can have hundreds of
/// spans; the waterfall shows the first ones and says how many more.
pub const MAX_ROWS: usize = 120;

/// The nodes a request visited and the calls it made, by id: what the
/// canvas lights up.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LitPath {
    /// The load that sent it.
    pub load: Option<String>,
    pub nodes: Vec<String>,
    /// (caller, callee): a node's id, or the load's for its request.
    pub calls: Vec<(String, String)>,
}

impl LitPath {
    pub fn is_empty(&self) -> bool {
        self.load.is_none() && self.nodes.is_empty()
    }
}

fn name(list: &[String], i: u32) -> String {
    list.get(i as usize).cloned().unwrap_or_else(|| format!("#{i}"))
}

fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Ok => "ok",
        Outcome::Degraded => "degraded",
        Outcome::Error => "error",
        Outcome::Timeout => "timeout",
        Outcome::Rejected => "rejected",
    }
}

/// Milliseconds in words: 3 significant figures at most.
pub fn ms_text(ms: f64) -> String {
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

/// Which spans the request waited on: walking back from the end of each
/// span, the child that ended last explains the time up to its end, then
/// the time before its start is explained again the same way (the walk of
/// `trace::critical_path`, which splits the same time by component).
pub fn critical_spans(spans: &[Span]) -> Vec<bool> {
    let n = spans.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, s) in spans.iter().enumerate().skip(1) {
        if let Some(p) = s.parent.map(|p| p as usize).filter(|&p| p < i) {
            children[p].push(i);
        }
    }
    for list in &mut children {
        order::sort_by_key(list, |&c| (std::cmp::Reverse(spans[c].end_ns), spans[c].abandoned));
    }
    let mut on = vec![false; n];
    let Some(root) = spans.first() else { return on };
    let mut stack = vec![(0usize, root.start_ns, root.end_ns)];
    while let Some((i, lo, hi)) = stack.pop() {
        on[i] = true;
        let mut t = hi;
        for &c in &children[i] {
            if t <= lo {
                break;
            }
            let child = &spans[c];
            if child.end_ns <= child.start_ns || child.start_ns >= t || child.end_ns <= lo {
                continue;
            }
            let start = child.start_ns.max(lo);
            stack.push((c, start, child.end_ns.min(t)));
            t = start;
        }
    }
    on
}

/// The waterfall of `trace`; `nodes` and `loads` are the scenario's ids in
/// file order (what the trace's indices point into).
pub fn waterfall(trace: &Trace, nodes: &[String], loads: &[String]) -> Waterfall {
    let spans = &trace.spans;
    let critical = critical_spans(spans);
    let t0 = spans.first().map_or(0, |s| s.start_ns);
    let total = trace.latency_ns().max(1) as f64;
    let pct = |ns: u64| (ns.saturating_sub(t0) as f64 / total * 100.0).clamp(0.0, 100.0);
    let mut rows = Vec::new();
    let mut critical_nodes: Vec<String> = Vec::new();
    for (i, depth) in depth_first(spans) {
        let s = &spans[i];
        if critical[i]
            && let SpanKind::Visit { node, .. } = s.kind
        {
            let id = name(nodes, node);
            if !critical_nodes.contains(&id) {
                critical_nodes.push(id);
            }
        }
        if rows.len() >= MAX_ROWS {
            continue;
        }
        let ms = s.duration_ns() as f64 / 1e6;
        let (label, class, has_phases) = describe(s, nodes, loads);
        let mut detail = ms_text(ms);
        if has_phases {
            let [q, sv, w] = s.phases().map(|ns| ns as f64 / 1e6);
            detail = format!(
                "{detail}: queued {}, in service {}, waiting on calls {}",
                ms_text(q),
                ms_text(sv),
                ms_text(w)
            );
        }
        if let Some(o) = s.outcome {
            detail.push_str(&format!(", {}", outcome_word(o)));
        }
        if s.abandoned {
            detail.push_str(", abandoned (the caller stopped waiting)");
        }
        if critical[i] {
            detail.push_str(", on the critical path");
        }
        let phases = has_phases.then(|| {
            let d = s.duration_ns().max(1) as f64;
            s.phases().map(|ns| ns as f64 / d * 100.0)
        });
        let left = pct(s.start_ns);
        rows.push(Row {
            depth,
            label,
            detail,
            left_pct: left,
            width_pct: (pct(s.end_ns) - left).max(0.0),
            phases,
            critical: critical[i],
            ms,
            class,
        });
    }
    let latency_ms = trace.latency_ns() as f64 / 1e6;
    let title = format!(
        "Request {} from {}: {}, {} (window {})",
        trace.id,
        name(loads, trace.load),
        ms_text(latency_ms),
        outcome_word(trace.outcome),
        trace.window
    );
    Waterfall {
        title,
        latency_ms,
        hidden: spans.len().saturating_sub(rows.len()),
        rows,
        critical_nodes,
        truncated: trace.truncated,
    }
}

/// A span's label, its class, and whether it has phases (a visit).
fn describe(s: &Span, nodes: &[String], loads: &[String]) -> (String, &'static str, bool) {
    match s.kind {
        SpanKind::Request { load } => {
            (format!("request from {}", name(loads, load)), "request", false)
        }
        SpanKind::Visit { node, replica, copy, blocking, .. } => {
            let mut label = format!("{} (replica {})", name(nodes, node), replica + 1);
            if copy > 0 {
                label.push_str(&format!(", copy {}", copy + 1));
            }
            if !blocking {
                label.push_str(", non-blocking");
            }
            (label, "visit", true)
        }
        SpanKind::Attempt { to, attempt, mode, fanout, refused, .. } => {
            let to = name(nodes, to);
            let mut label = match mode {
                Mode::Sync => format!("call {to}"),
                Mode::Async => format!("hand over to {to} (async)"),
            };
            if attempt > 1 {
                label.push_str(&format!(", try {attempt}"));
            }
            if fanout > 1 {
                label.push_str(&format!(", ×{fanout}"));
            }
            let class = match (refused, mode) {
                (Some(why), _) => {
                    label.push_str(match why {
                        Refusal::Bulkhead => ": refused, bulkhead full",
                        Refusal::Breaker => ": refused, breaker open",
                        Refusal::TenantLimit => ": refused, tenant's rate limit",
                        Refusal::Door => ": turned away at the door",
                    });
                    "refused"
                }
                (None, Mode::Async) => "async",
                (None, Mode::Sync) => "attempt",
            };
            (label, class, false)
        }
        SpanKind::Backoff { next_attempt } => {
            (format!("backing off before try {next_attempt}"), "backoff", false)
        }
        SpanKind::Network { to, answer } => {
            let to = name(nodes, to);
            let label = if answer {
                format!("network: answer from {to}")
            } else {
                format!("network: to {to}")
            };
            (label, "network", false)
        }
    }
}

/// Span indices depth first (children in start order), with their depth.
fn depth_first(spans: &[Span]) -> Vec<(usize, u32)> {
    let n = spans.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, s) in spans.iter().enumerate().skip(1) {
        if let Some(p) = s.parent.map(|p| p as usize).filter(|&p| p < i) {
            children[p].push(i);
        }
    }
    let mut out = Vec::with_capacity(n);
    if n == 0 {
        return out;
    }
    let mut stack = vec![(0usize, 0u32)];
    while let Some((i, d)) = stack.pop() {
        out.push((i, d));
        let mut kids = children[i].clone();
        order::sort_by_key(&mut kids, |&c| (spans[c].start_ns, c));
        for &c in kids.iter().rev() {
            stack.push((c, d + 1));
        }
    }
    out
}

/// The nodes `trace` visited and the calls it made (each once).
pub fn lit_path(trace: &Trace, nodes: &[String], loads: &[String]) -> LitPath {
    let spans = &trace.spans;
    let mut lit = LitPath { load: Some(name(loads, trace.load)), ..LitPath::default() };
    // The component that made each attempt: the visit above it, or the load.
    let caller = |i: usize| -> String {
        let mut at = spans[i].parent;
        while let Some(p) = at.map(|p| p as usize).filter(|&p| p < spans.len()) {
            match spans[p].kind {
                SpanKind::Visit { node, .. } => return name(nodes, node),
                SpanKind::Request { load } => return name(loads, load),
                _ => at = spans[p].parent,
            }
        }
        name(loads, trace.load)
    };
    for (i, s) in spans.iter().enumerate() {
        match s.kind {
            SpanKind::Visit { node, .. } => {
                let id = name(nodes, node);
                if !lit.nodes.contains(&id) {
                    lit.nodes.push(id);
                }
            }
            SpanKind::Attempt { to, refused, .. } if refused.is_none() => {
                let call = (caller(i), name(nodes, to));
                if !lit.calls.contains(&call) {
                    lit.calls.push(call);
                }
            }
            _ => {}
        }
    }
    lit
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::replay::Run;
    use crate::worker::traces::TraceKeep;
    use scalesim_engine::SimDuration;
    use scalesim_engine::trace::test_support::{attempt, parallel_calls, span, visit};

    /// `parallel_calls` in milliseconds: users → api (queued 2 ms, service
    /// 3 ms), which calls a (done at 40) and b (done at 90) in parallel.
    fn parallel() -> Trace {
        Trace {
            id: 7,
            load: 0,
            window: 3,
            outcome: Outcome::Ok,
            slowest: true,
            sampled: false,
            truncated: false,
            spans: parallel_calls(1_000_000),
        }
    }

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_critical_path_is_the_call_waited_for() {
        let t = parallel();
        assert_eq!(critical_spans(&t.spans), [true, true, true, false, false, true, true]);
        let w = waterfall(&t, &ids(&["api", "a", "b"]), &ids(&["users"]));
        assert_eq!(w.critical_nodes, ids(&["api", "b"]));
        assert_eq!(w.title, "Request 7 from users: 100 ms, ok (window 3)");
    }

    #[test]
    fn rows_nest_and_sit_on_the_requests_time_line() {
        let w = waterfall(&parallel(), &ids(&["api", "a", "b"]), &ids(&["users"]));
        let labels: Vec<(&str, u32)> = w.rows.iter().map(|r| (r.label.as_str(), r.depth)).collect();
        assert_eq!(
            labels,
            [
                ("request from users", 0),
                ("call api", 1),
                ("api (replica 1)", 2),
                ("call a", 3),
                ("a (replica 1)", 4),
                ("call b", 3),
                ("b (replica 1)", 4),
            ]
        );
        let api = &w.rows[2];
        assert_eq!((api.left_pct, api.width_pct), (0.0, 100.0));
        assert_eq!(api.phases, Some([2.0, 3.0, 95.0]));
        assert!(api.detail.contains("queued 2.00 ms, in service 3.00 ms"), "{}", api.detail);
        let b = &w.rows[6];
        assert!((b.left_pct - 6.0).abs() < 1e-9 && (b.width_pct - 84.0).abs() < 1e-9);
        assert!(b.critical && b.detail.ends_with("on the critical path"));
        assert!(!w.rows[4].critical);
        assert_eq!(w.hidden, 0);
    }

    #[test]
    fn the_lit_path_names_every_visit_and_call() {
        let lit = lit_path(&parallel(), &ids(&["api", "a", "b"]), &ids(&["users"]));
        assert_eq!(lit.load.as_deref(), Some("users"));
        assert_eq!(lit.nodes, ids(&["api", "a", "b"]));
        let calls: Vec<(&str, &str)> =
            lit.calls.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_eq!(calls, [("users", "api"), ("api", "a"), ("api", "b")]);
    }

    /// The sync-chain lesson's slowest request: recommendations on its
    /// critical path; the retry storm's slowest: tries stacked on tries.
    #[test]
    fn the_lessons_slowest_requests_read_as_their_watch_hints_say() {
        let text = include_str!("../scenarios/sync-chain.toml");
        let mut run = Run::load("sync-chain.toml", text).unwrap();
        run.set_traces(true);
        run.advance_by(SimDuration::from_secs(20));
        let mut keep = TraceKeep::default();
        let picks = keep.absorb(run.take_traces());
        let nodes: Vec<String> = run.sim().scenario().nodes.iter().map(|n| n.id.clone()).collect();
        let loads: Vec<String> = run.sim().scenario().loads.iter().map(|l| l.id.clone()).collect();
        let w = waterfall(&picks[0], &nodes, &loads);
        assert!(w.critical_nodes.contains(&"recommendations".to_owned()), "{w:#?}");
        let lit = lit_path(&picks[0], &nodes, &loads);
        assert!(lit.nodes.contains(&"recommendations".to_owned()));

        let text = include_str!("../scenarios/retry-storm.toml");
        let mut run = Run::load("retry-storm.toml", text).unwrap();
        run.set_traces(true);
        let mut most = 0;
        for _ in 0..60 {
            run.advance_by(SimDuration::from_secs(1));
            for t in keep.absorb(run.take_traces()).iter().filter(|t| t.slowest) {
                let retries = t
                    .spans
                    .iter()
                    .filter(|s| matches!(s.kind, SpanKind::Attempt { attempt, .. } if attempt > 1))
                    .count();
                most = most.max(retries);
            }
        }
        assert!(most >= 4, "the outage's slowest request retries at several layers: {most}");
    }

    #[test]
    fn a_huge_trace_shows_its_first_rows_and_counts_the_rest() {
        let mut t = parallel();
        let last = t.spans.len() as u32 - 1;
        for k in 0..500u64 {
            t.spans.push(span(Some(last), 10 + k, 11 + k, SpanKind::Backoff { next_attempt: 2 }));
        }
        let w = waterfall(&t, &ids(&["api", "a", "b"]), &ids(&["users"]));
        assert_eq!(w.rows.len(), MAX_ROWS);
        assert_eq!(w.hidden, t.spans.len() - MAX_ROWS);
    }

    #[test]
    fn a_message_on_the_network_is_a_row_of_its_own() {
        let ms = 1_000_000;
        let net = |answer| SpanKind::Network { to: 1, answer };
        let trace = Trace {
            id: 1,
            load: 0,
            window: 0,
            outcome: Outcome::Ok,
            slowest: true,
            sampled: false,
            truncated: false,
            spans: vec![
                span(None, 0, 30 * ms, SpanKind::Request { load: 0 }),
                span(Some(0), 0, 30 * ms, attempt(0)),
                span(Some(1), 0, 30 * ms, visit(0, 0, 5 * ms)),
                span(Some(2), 5 * ms, 30 * ms, attempt(1)),
                span(Some(3), 5 * ms, 15 * ms, net(false)),
                span(Some(3), 15 * ms, 20 * ms, visit(1, 15 * ms, 20 * ms)),
                span(Some(3), 20 * ms, 30 * ms, net(true)),
            ],
        };
        let nodes = ["api".to_owned(), "db".to_owned()];
        let w = waterfall(&trace, &nodes, &["users".to_owned()]);
        let labels: Vec<(&str, &str)> =
            w.rows.iter().map(|r| (r.label.as_str(), r.class)).collect();
        assert!(labels.contains(&("network: to db", "network")), "{labels:?}");
        assert!(labels.contains(&("network: answer from db", "network")), "{labels:?}");
        let to = labels.iter().position(|l| l.0 == "network: to db").unwrap();
        let back = labels.iter().position(|l| l.0 == "network: answer from db").unwrap();
        assert!(to < back, "in time order");
    }
}
