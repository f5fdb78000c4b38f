//! Request traces as records: a sampled user request as a tree of spans
//! (the request, its visits to nodes, its call attempts and backoffs), and
//! where its time went, split by component and phase along its critical
//! path. `sim/traces` collects them while the run goes (opt-in:
//! [`crate::Simulation::enable_traces`]); this module holds the records and
//! the pure computations on them, so the CLI's OTLP writer, the app and the
//! tests read the same thing.
//!
//! Times are integer nanoseconds of simulated time (`*_ns`); nodes and
//! loads are indices into the scenario's `[[node]]` and `[[load]]` lists
//! (the model keeps the file's order).

use serde::{Deserialize, Serialize};

use crate::outcome::Outcome;
use crate::scenario::Mode;

/// Which requests are kept, and for how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceOptions {
    /// The slowest answered requests kept a window (and as many of the
    /// slowest failed ones).
    pub slowest: u32,
    /// A uniform sample of the window's finished requests (any outcome),
    /// drawn from a stream of its own (the run's streams are untouched).
    pub sample: u32,
    /// Closed windows whose traces are held (oldest dropped first) until
    /// the caller takes them.
    pub keep_windows: u32,
    /// The most spans held for requests in flight, all together (at most
    /// [`MAX_SPANS_IN_FLIGHT`]; a caller short of memory, as the browser's
    /// worker is under overload, holds fewer).
    #[serde(default = "max_spans_in_flight")]
    pub max_spans_in_flight: u64,
}

fn max_spans_in_flight() -> u64 {
    MAX_SPANS_IN_FLIGHT
}

impl Default for TraceOptions {
    fn default() -> Self {
        TraceOptions {
            slowest: 5,
            sample: 5,
            keep_windows: 120,
            max_spans_in_flight: MAX_SPANS_IN_FLIGHT,
        }
    }
}

/// The most spans one request's trace holds; past it the trace is
/// `truncated` (its later spans are not recorded).
pub const MAX_SPANS_PER_TRACE: usize = 1_000;

/// The most spans held for requests in flight, all together (about 80 bytes
/// each), unless [`TraceOptions::max_spans_in_flight`] says fewer: past it, requests that start are not traced and traces in flight
/// stop growing (marked `truncated`), so memory stays bounded in an
/// overloaded run.
pub const MAX_SPANS_IN_FLIGHT: u64 = 400_000;

/// The most of a window's slowest answered requests the tail split keeps:
/// the slowest 1% of up to 100 000 answers a window; past that, the
/// slowest 1 000.
pub const TAIL_CAP: usize = 1_000;

/// The fewest the tail split keeps. A window keeps its slowest
/// max(`TAIL_FLOOR`, 2 × 1% of the previous window's answers), at most
/// [`TAIL_CAP`]: exactly its slowest 1% when it answers at most 6 400
/// requests or twice the previous window's (a request's split is worked
/// out only when it is among those, which keeps tracing cheap).
pub const TAIL_FLOOR: usize = 64;

/// The uniform sample of a window's answered requests in which the median
/// request is found (exact while a window has at most this many answers).
pub const MEDIAN_SAMPLE: usize = 255;

/// A sampled user request: its spans (`spans[0]` is the request itself,
/// every other span's parent comes before it) and why it was kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// The request's number in the run (from 1, in the order they started).
    pub id: u64,
    /// The load (tenant) that sent it.
    pub load: u32,
    /// The window it finished in.
    pub window: u64,
    pub outcome: Outcome,
    /// Among the window's slowest (answered, or failed).
    pub slowest: bool,
    /// In the window's uniform sample.
    pub sampled: bool,
    /// Spans were left out (the per-trace or in-flight bound was reached).
    pub truncated: bool,
    pub spans: Vec<Span>,
}

impl Trace {
    /// The user's latency: the root span's duration.
    pub fn latency_ns(&self) -> u64 {
        self.spans.first().map_or(0, Span::duration_ns)
    }

    /// Where the request's time went along its critical path.
    pub fn split(&self) -> Split {
        critical_path(&self.spans)
    }
}

/// One span of a trace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Span {
    /// Index of the parent span in the trace (`None` for the request).
    pub parent: Option<u32>,
    pub start_ns: u64,
    pub end_ns: u64,
    /// How it ended (`None` for a backoff, or a span cut short by its
    /// parent's end).
    pub outcome: Option<Outcome>,
    /// The caller stopped waiting before this span's own end (a timeout, a
    /// hedge or fan-out copy no longer needed, a caller that failed): the
    /// span ends when the waiting did; the work itself may have gone on.
    pub abandoned: bool,
    pub kind: SpanKind,
}

impl Span {
    pub fn duration_ns(&self) -> u64 {
        self.end_ns.saturating_sub(self.start_ns)
    }

    /// A visit's time waiting for a worker, in service and waiting on its
    /// calls (these three sum to its duration); zeros for other spans.
    pub fn phases(&self) -> [u64; 3] {
        match self.kind {
            SpanKind::Visit { service_start_ns, service_end_ns, .. } => {
                let end = self.end_ns.max(self.start_ns);
                let s = within(service_start_ns, self.start_ns, end);
                let e = within(service_end_ns, s, end);
                [s - self.start_ns, e - s, end - e]
            }
            _ => [0; 3],
        }
    }
}

/// `x` within `[lo, hi]` (`lo` when the range is empty: spans read from
/// elsewhere may be malformed, and nothing here may panic on them).
fn within(x: u64, lo: u64, hi: u64) -> u64 {
    x.min(hi).max(lo)
}

/// What a span is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum SpanKind {
    /// The user's request, from its first try to its final answer.
    Request { load: u32 },
    /// A visit to a node: queued from `start_ns` to `service_start_ns`, in
    /// service (or awaiting the third party) until `service_end_ns`, then
    /// waiting on its calls until `end_ns`. A phase it never reached starts
    /// at `end_ns` (`u64::MAX` while unknown).
    Visit {
        node: u32,
        replica: u32,
        service_start_ns: u64,
        service_end_ns: u64,
        /// The worker stays held while the visit waits on its calls
        /// (`io = "blocking"`).
        blocking: bool,
        /// Which copy of its attempt (fan-out copies from 0; a copy at or
        /// past the fan-out is a hedge).
        copy: u32,
    },
    /// One attempt of a call (or of the user's request) to `to`: sync
    /// (the caller waits for it) or an async hand-over (no duration).
    Attempt {
        to: u32,
        /// 1 for the first try.
        attempt: u32,
        mode: Mode,
        /// Copies of the attempt: its fan-out.
        fanout: u32,
        /// The attempt's timeout, if the call has one.
        timeout_ns: Option<u64>,
        /// Turned away before reaching `to`.
        refused: Option<Refusal>,
    },
    /// Waiting before the next attempt of a call.
    Backoff { next_attempt: u32 },
    /// A message of an attempt crossing the network (with a `[network]`,
    /// over a hop with latency): the request on its way to `to`, or
    /// (`answer`) the answer on its way back from it. A child of the
    /// attempt, beside the visit it leads to.
    Network { to: u32, answer: bool },
}

/// Why an attempt never reached its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// The call site's bulkhead was full.
    Bulkhead,
    /// The call site's circuit breaker was open.
    Breaker,
    /// The tenant's own rate limit at the front door.
    TenantLimit,
    /// The target answered at its door (rate limit, full queue or outage).
    Door,
}

/// Where time is spent: a node, or the user's side (a load: its backoff
/// between retries).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    Node(u32),
    Load(u32),
}

/// What a request was doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Waiting for a worker (or connection) at a node.
    Queued,
    /// Being served at a node (or awaiting a third party).
    InService,
    /// Waiting on a call that no visit or message accounts for (an
    /// answer handed over at once, a message lost).
    WaitingOnCall,
    /// Waiting before a retry.
    BackingOff,
    /// Waiting on a call's messages crossing the network (a request on
    /// its way out, its answer on its way back).
    Network,
}

impl Phase {
    pub const ALL: [Phase; 5] =
        [Phase::Queued, Phase::InService, Phase::WaitingOnCall, Phase::BackingOff, Phase::Network];

    /// In words, as reports print it.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Queued => "queued",
            Phase::InService => "in service",
            Phase::WaitingOnCall => "waiting on a call",
            Phase::BackingOff => "backing off",
            Phase::Network => "on the network",
        }
    }
}

/// Nanoseconds by component and phase: a request's time, split.
pub type Split = Vec<(Component, Phase, u64)>;

/// Adds `ns` to `(component, phase)` in a short list.
pub fn add_time(split: &mut Split, c: Component, p: Phase, ns: u64) {
    if ns == 0 {
        return;
    }
    match split.iter_mut().find(|(sc, sp, _)| *sc == c && *sp == p) {
        Some(entry) => entry.2 += ns,
        None => split.push((c, p, ns)),
    }
}

/// The request's time (the root span's) along its critical path: walking
/// back from the end, each stretch goes to the deepest span that explains
/// it; where a span waited on several children at once (parallel calls,
/// fan-out, hedges), to the one that finished last (the one it waited
/// for). A visit's own time goes to its node by phase; an attempt's time
/// not covered by a visit or a message is the caller's `WaitingOnCall`; a
/// message crossing the network is the caller's `Network`; a backoff is
/// the caller's `BackingOff`. The parts sum to the request's latency.
pub fn critical_path(spans: &[Span]) -> Split {
    critical_path_with(spans, &mut PathScratch::default())
}

/// Working space of [`critical_path_with`], kept between calls so a
/// collector computing many paths allocates only their results.
#[derive(Clone, Debug, Default)]
pub struct PathScratch {
    /// Children of span `i` are `order[offsets[i]..offsets[i + 1]]`.
    offsets: Vec<u32>,
    order: Vec<u32>,
    fill: Vec<u32>,
    stack: Vec<(usize, u64, u64)>,
}

/// [`critical_path`] with working space of the caller's.
pub fn critical_path_with(spans: &[Span], scratch: &mut PathScratch) -> Split {
    let mut out = Vec::new();
    let Some(root) = spans.first() else { return out };
    let n = spans.len();
    let PathScratch { offsets, order, fill, stack } = scratch;
    // Children grouped by parent (a counting sort).
    offsets.clear();
    offsets.resize(n + 1, 0);
    let parent_of = |i: usize| spans[i].parent.filter(|&p| (p as usize) < i);
    for i in 1..n {
        if let Some(p) = parent_of(i) {
            offsets[p as usize + 1] += 1;
        }
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    order.clear();
    order.resize(offsets[n] as usize, 0);
    fill.clear();
    fill.extend_from_slice(&offsets[..n]);
    for i in 1..n {
        if let Some(p) = parent_of(i) {
            order[fill[p as usize] as usize] = i as u32;
            fill[p as usize] += 1;
        }
    }
    for i in 0..n {
        let list = &mut order[offsets[i] as usize..offsets[i + 1] as usize];
        if list.len() > 1 {
            // Latest end first; among equal ends, the copy that answered.
            let key = |c: &u32| {
                let s = &spans[*c as usize];
                (std::cmp::Reverse(s.end_ns), s.abandoned)
            };
            crate::order::sort_short_by(list, |a, b| key(a).cmp(&key(b)));
        }
    }
    stack.clear();
    stack.push((0usize, root.start_ns, root.end_ns));
    while let Some((i, lo, hi)) = stack.pop() {
        let mut t = hi;
        for &c in &order[offsets[i] as usize..offsets[i + 1] as usize] {
            if t <= lo {
                break;
            }
            let child = &spans[c as usize];
            if child.end_ns <= child.start_ns || child.start_ns >= t || child.end_ns <= lo {
                continue;
            }
            let end = child.end_ns.min(t);
            own_time(spans, i, end, t, &mut out);
            let start = child.start_ns.max(lo);
            stack.push((c as usize, start, end));
            t = start;
        }
        if t > lo {
            own_time(spans, i, lo, t, &mut out);
        }
    }
    out
}

/// Span `i`'s own time over `[from, to)`.
fn own_time(spans: &[Span], i: usize, from: u64, to: u64, out: &mut Split) {
    let span = &spans[i];
    match span.kind {
        SpanKind::Visit { node, service_start_ns, service_end_ns, .. } => {
            let s = within(service_start_ns, span.start_ns, span.end_ns);
            let e = within(service_end_ns, s, span.end_ns);
            let overlap = |a: u64, b: u64| to.min(b).saturating_sub(from.max(a));
            let c = Component::Node(node);
            add_time(out, c, Phase::Queued, overlap(span.start_ns, s));
            add_time(out, c, Phase::InService, overlap(s, e));
            add_time(out, c, Phase::WaitingOnCall, overlap(e, span.end_ns));
        }
        SpanKind::Request { load } => {
            add_time(out, Component::Load(load), Phase::WaitingOnCall, to - from)
        }
        SpanKind::Attempt { .. } => {
            add_time(out, caller(spans, i), Phase::WaitingOnCall, to - from)
        }
        SpanKind::Backoff { .. } => add_time(out, caller(spans, i), Phase::BackingOff, to - from),
        SpanKind::Network { .. } => add_time(out, caller(spans, i), Phase::Network, to - from),
    }
}

/// Who made the call span `i` belongs to: the visit (or user) above it.
fn caller(spans: &[Span], i: usize) -> Component {
    let mut at = spans[i].parent;
    while let Some(p) = at {
        match spans.get(p as usize).map(|s| s.kind) {
            Some(SpanKind::Visit { node, .. }) => return Component::Node(node),
            Some(SpanKind::Request { load }) => return Component::Load(load),
            Some(_) => at = spans[p as usize].parent,
            None => break,
        }
    }
    Component::Load(0)
}

/// One closed window's kept traces, slowest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceWindow {
    pub index: u64,
    pub start_ns: u64,
    pub end_ns: u64,
    /// User requests that finished in the window (traced or not).
    pub finished: u64,
    pub traces: Vec<Trace>,
}

impl TraceWindow {
    /// The slowest answered request of the window, if any was answered.
    pub fn slowest(&self) -> Option<&Trace> {
        self.traces
            .iter()
            .filter(|t| t.outcome.is_success())
            .max_by_key(|t| (t.latency_ns(), std::cmp::Reverse(t.id)))
    }
}

/// Where the p99 goes: the time of a window's slowest requests (and of
/// its median request), split by component and phase.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TailReport {
    /// The slowest 1% of the answered requests (at least one; at most
    /// [`TAIL_CAP`]): the requests at or above the p99.
    pub tail: TimeSplit,
    /// The median answered request (of a uniform sample of at most
    /// [`MEDIAN_SAMPLE`]), for comparison.
    pub median: Option<TimeSplit>,
}

/// The mean time per request of a group of requests, split by component
/// and phase.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimeSplit {
    /// Requests in the group.
    pub requests: u64,
    /// Their mean latency.
    pub latency_ms: f64,
    /// Mean milliseconds a request, largest first; they sum to
    /// `latency_ms`.
    pub shares: Vec<TimeShare>,
}

/// Time spent at one component in one phase.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimeShare {
    /// A node's id, or a load's (time on the user's side).
    pub component: String,
    /// `node` or `load`.
    pub kind: String,
    pub phase: Phase,
    pub ms: f64,
}

impl TimeSplit {
    /// Milliseconds a request by component, largest first.
    pub fn by_component(&self) -> Vec<(String, f64)> {
        let mut out: Vec<(String, f64)> = Vec::new();
        for s in &self.shares {
            match out.iter_mut().find(|(c, _)| *c == s.component) {
                Some(e) => e.1 += s.ms,
                None => out.push((s.component.clone(), s.ms)),
            }
        }
        crate::order::sort_by(&mut out, |a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    /// Milliseconds a request by phase, in [`Phase::ALL`]'s order.
    pub fn by_phase(&self) -> Vec<(Phase, f64)> {
        Phase::ALL
            .iter()
            .map(|&p| (p, self.shares.iter().filter(|s| s.phase == p).map(|s| s.ms).sum()))
            .collect()
    }

    /// The share (0–1) of the group's time spent at `component`.
    pub fn share_of(&self, component: &str) -> f64 {
        let total: f64 = self.shares.iter().map(|s| s.ms).sum();
        let at: f64 = self.shares.iter().filter(|s| s.component == component).map(|s| s.ms).sum();
        if total > 0.0 { at / total } else { 0.0 }
    }
}

/// Sums of split time over a group of requests, turned into a
/// [`TimeSplit`] with names.
#[derive(Clone, Debug, Default)]
pub(crate) struct SplitSum {
    pub(crate) requests: u64,
    pub(crate) latency_ns: u128,
    pub(crate) parts: Vec<(Component, Phase, u128)>,
}

impl SplitSum {
    pub(crate) fn add(&mut self, latency_ns: u64, split: &[(Component, Phase, u64)]) {
        self.requests += 1;
        self.latency_ns += u128::from(latency_ns);
        for &(c, p, ns) in split {
            match self.parts.iter_mut().find(|(sc, sp, _)| *sc == c && *sp == p) {
                Some(e) => e.2 += u128::from(ns),
                None => self.parts.push((c, p, u128::from(ns))),
            }
        }
    }

    pub(crate) fn merge(&mut self, other: &SplitSum) {
        self.requests += other.requests;
        self.latency_ns += other.latency_ns;
        for &(c, p, ns) in &other.parts {
            match self.parts.iter_mut().find(|(sc, sp, _)| *sc == c && *sp == p) {
                Some(e) => e.2 += ns,
                None => self.parts.push((c, p, ns)),
            }
        }
    }

    pub(crate) fn report(&self, name: &dyn Fn(Component) -> String) -> Option<TimeSplit> {
        if self.requests == 0 {
            return None;
        }
        let n = self.requests as f64;
        let mut shares: Vec<TimeShare> = self
            .parts
            .iter()
            .map(|&(c, phase, ns)| {
                let kind = match c {
                    Component::Node(_) => "node",
                    Component::Load(_) => "load",
                };
                TimeShare {
                    component: name(c),
                    kind: kind.to_owned(),
                    phase,
                    ms: ns as f64 / n / 1e6,
                }
            })
            .collect();
        // A report's few rows: the shared sort (`order`), not a copy of
        // the standard one.
        crate::order::sort_by(&mut shares, |a, b| {
            b.ms.total_cmp(&a.ms)
                .then_with(|| a.component.cmp(&b.component))
                .then_with(|| a.phase.cmp(&b.phase))
        });
        Some(TimeSplit {
            requests: self.requests,
            latency_ms: self.latency_ns as f64 / n / 1e6,
            shares,
        })
    }
}

/// Spans built by hand for tests, here and in the app's (`waterfall`):
/// compiled for the engine's own tests and, through the `test-support`
/// feature, for crates that name it in their dev-dependencies, so the
/// bundle carries none of it.
#[cfg(any(test, feature = "test-support"))]
#[doc(hidden)]
pub mod test_support {
    use super::{Span, SpanKind};
    use crate::scenario::Mode;

    /// A span from `start` to `end` under `parent`, with no outcome.
    pub fn span(parent: Option<u32>, start: u64, end: u64, kind: SpanKind) -> Span {
        Span { parent, start_ns: start, end_ns: end, outcome: None, abandoned: false, kind }
    }

    /// A blocking visit to `node` (replica 0, first copy), in service from
    /// `ss` to `se`.
    pub fn visit(node: u32, ss: u64, se: u64) -> SpanKind {
        SpanKind::Visit {
            node,
            replica: 0,
            service_start_ns: ss,
            service_end_ns: se,
            blocking: true,
            copy: 0,
        }
    }

    /// A first sync attempt to `to`, no fan-out, no timeout.
    pub fn attempt(to: u32) -> SpanKind {
        SpanKind::Attempt {
            to,
            attempt: 1,
            mode: Mode::Sync,
            fanout: 1,
            timeout_ns: None,
            refused: None,
        }
    }

    /// users → api (queued 2 units, in service 3), which calls a (done at
    /// 40) and b (done at 90) in parallel, b's visit queued from 6 to 10:
    /// the critical path goes through b. Times in `unit` nanoseconds.
    pub fn parallel_calls(unit: u64) -> Vec<Span> {
        vec![
            span(None, 0, 100 * unit, SpanKind::Request { load: 0 }),
            span(Some(0), 0, 100 * unit, attempt(0)),
            span(Some(1), 0, 100 * unit, visit(0, 2 * unit, 5 * unit)),
            span(Some(2), 5 * unit, 40 * unit, attempt(1)),
            span(Some(3), 5 * unit, 40 * unit, visit(1, 5 * unit, 40 * unit)),
            span(Some(2), 5 * unit, 90 * unit, attempt(2)),
            span(Some(5), 6 * unit, 90 * unit, visit(2, 10 * unit, 90 * unit)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{parallel_calls, span, visit};
    use super::*;

    #[test]
    fn critical_path_follows_the_call_waited_for() {
        let split = critical_path(&parallel_calls(1));
        let total: u64 = split.iter().map(|s| s.2).sum();
        assert_eq!(total, 100);
        let get = |c, p| split.iter().find(|s| s.0 == c && s.1 == p).map_or(0, |s| s.2);
        assert_eq!(get(Component::Node(0), Phase::Queued), 2);
        assert_eq!(get(Component::Node(0), Phase::InService), 3);
        assert_eq!(get(Component::Node(0), Phase::WaitingOnCall), 1 + 10); // 5..6 and 90..100
        assert_eq!(get(Component::Node(2), Phase::Queued), 4);
        assert_eq!(get(Component::Node(2), Phase::InService), 80);
        assert_eq!(get(Component::Node(1), Phase::InService), 0);
    }

    #[test]
    fn phases_sum_to_the_visit() {
        let s = span(None, 10, 50, visit(0, 15, u64::MAX));
        assert_eq!(s.phases(), [5, 35, 0]);
        let s = span(None, 10, 50, visit(0, u64::MAX, u64::MAX));
        assert_eq!(s.phases(), [40, 0, 0]);
    }
}
