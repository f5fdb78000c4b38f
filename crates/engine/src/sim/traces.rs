//! Traces while the run goes (opt-in: [`Simulation::enable_traces`]).
//!
//! Every user request in flight collects its spans in a slab keyed by
//! request (`Tracer::open`); tasks and calls carry a [`SpanRef`] to their
//! own span. When the request ends, its trace is kept if it is among its
//! window's slowest or in the window's uniform sample, else dropped; its
//! critical-path split feeds the window's "where the p99 goes". Nothing
//! here reads or changes what the run does: no event is scheduled, no
//! random stream of the run is drawn from (the sample has a stream of its
//! own), so runs with and without traces are bit for bit the same.
//!
//! The hooks are small and called at the points where a request, a call
//! attempt, a backoff or a visit starts and ends; each does nothing when
//! tracing is off. Three hand-overs pass a span between a caller and the
//! function it calls next, without changing signatures: `ctx` (the caller,
//! set just before `start_call` and taken at its top), `next` (the attempt
//! a visit hangs under, with the answer that visit carries: `arrive` takes
//! it only for that answer) and `door` (the attempt at a node's door, taken
//! by the visit it becomes, or closed by an answer given at once).
//!
//! With a `[network]`, a message that crosses a hop with latency gets a
//! `Network` span under its attempt, kept in `transit` by the packet's key
//! (so packets stay as small as without traces): when a request arrives,
//! its visit hangs under the attempt as without a network; when an answer
//! arrives, a plain call's attempt ends then, not when the visit did.

use std::collections::{BinaryHeap, VecDeque};

use super::*;
use crate::trace::{
    Component, MAX_SPANS_IN_FLIGHT, MAX_SPANS_PER_TRACE, MEDIAN_SAMPLE, PathScratch, Refusal, Span,
    SpanKind, Split, SplitSum, TAIL_CAP, TAIL_FLOOR, TailReport, Trace, TraceOptions, TraceWindow,
    critical_path_with,
};

/// A span of a request in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct SpanRef {
    request: Key,
    span: u32,
}

/// A span still open.
const OPEN: u64 = u64::MAX;

/// A traced message on the network.
#[derive(Clone, Copy, Debug)]
struct InTransit {
    /// Its `Network` span.
    span: SpanRef,
    /// The attempt it belongs to.
    attempt: SpanRef,
    /// A request: the answer its visit carries (the visit hangs under the
    /// attempt). `None` for an answer.
    request: Option<Reply>,
}

/// A request in flight and its spans so far.
#[derive(Debug)]
struct Open {
    id: u64,
    load: u32,
    spans: Vec<Span>,
    /// Per span: an attempt of a plain call (closed when its one visit, or
    /// its answer at the door, ends), and copies sent so far.
    extra: Vec<(bool, u32)>,
    truncated: bool,
}

/// A finished answered request in the running for the tail.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct TailEntry {
    latency: u64,
    id: std::cmp::Reverse<u64>,
    split: Split,
}

/// What the window in progress keeps.
#[derive(Debug, Default)]
struct WindowKeep {
    finished: u64,
    answered: u64,
    kept: Vec<Trace>,
    /// (latency, id) of the slowest answered and failed requests kept.
    slowest_ok: Vec<(u64, u64)>,
    slowest_failed: Vec<(u64, u64)>,
    /// Ids in the uniform sample's slots.
    sample: Vec<u64>,
    /// The slowest answered requests' splits (a min-heap by latency).
    tail: BinaryHeap<std::cmp::Reverse<TailEntry>>,
    /// How many of the slowest the tail keeps (see [`TAIL_FLOOR`]).
    cap: usize,
    /// A uniform sample of answered requests, for the median.
    middle: Vec<(u64, Split)>,
}

/// The trace collector.
#[derive(Debug)]
pub(super) struct Tracer {
    options: TraceOptions,
    open: Slab<Open>,
    /// Spans held by requests in flight.
    held: u64,
    next_id: u64,
    ctx: Option<SpanRef>,
    /// The span the next `arrive` hangs its visit under, with the answer
    /// that visit must carry: an `arrive` for anything else (a broker's
    /// delivery, a request that arrives later) leaves it.
    next: Option<(SpanRef, Reply)>,
    door: Option<SpanRef>,
    /// Traced messages on the network, by packet's slot (with its key:
    /// a stale slot is never read as another packet's).
    transit: Vec<Option<(Key, InTransit)>>,
    /// Traced visits' spans, by task's slot (with its key, as `transit`):
    /// kept here rather than in every task, which stays small for the
    /// untraced runs that are most of them.
    visits: Vec<Option<(Key, SpanRef)>>,
    rng: Rng,
    window: WindowKeep,
    closed: VecDeque<TraceWindow>,
    run_tail: SplitSum,
    run_median: SplitSum,
    /// Span lists of finished requests, kept for the next ones (so a
    /// request's spans cost no allocation once the run is warm).
    spare: Vec<Lists>,
    scratch: PathScratch,
}

/// A request's spans and, beside each, whether it is a plain call's
/// attempt and the copies it sent.
type Lists = (Vec<Span>, Vec<(bool, u32)>);

/// Spare span lists kept.
const SPARE: usize = 64;

impl Tracer {
    fn new(options: TraceOptions, seed: u64) -> Tracer {
        Tracer {
            options,
            open: Slab::default(),
            held: 0,
            next_id: 0,
            ctx: None,
            next: None,
            door: None,
            transit: Vec::new(),
            visits: Vec::new(),
            // A stream of its own: the run's streams are never drawn from.
            rng: Rng::seeded(seed ^ 0x7472_6163_6573_0001),
            window: WindowKeep { cap: TAIL_FLOOR, ..WindowKeep::default() },
            closed: VecDeque::new(),
            run_tail: SplitSum::default(),
            run_median: SplitSum::default(),
            spare: Vec::new(),
            scratch: PathScratch::default(),
        }
    }

    /// Keeps a traced message by its packet.
    fn put_transit(&mut self, packet: Key, m: InTransit) {
        let i = packet.slot();
        if self.transit.len() <= i {
            self.transit.resize(i + 1, None);
        }
        self.transit[i] = Some((packet, m));
    }

    /// Keeps a traced visit's span by its task.
    fn put_visit(&mut self, task: Key, span: SpanRef) {
        let i = task.slot();
        if self.visits.len() <= i {
            self.visits.resize(i + 1, None);
        }
        self.visits[i] = Some((task, span));
    }

    /// The span of a traced visit, if `task` is one.
    fn visit(&self, task: Key) -> Option<SpanRef> {
        match self.visits.get(task.slot()) {
            Some(&Some((k, span))) if k == task => Some(span),
            _ => None,
        }
    }

    /// Takes the traced message of a packet that arrived, if any.
    fn take_transit(&mut self, packet: Key) -> Option<InTransit> {
        let slot = self.transit.get_mut(packet.slot())?;
        match slot.take() {
            Some((k, m)) if k == packet => Some(m),
            other => {
                *slot = other;
                None
            }
        }
    }

    /// The most spans held in flight.
    fn limit(&self) -> u64 {
        self.options.max_spans_in_flight.min(MAX_SPANS_IN_FLIGHT)
    }

    /// Gives a finished request's lists back for reuse.
    fn recycle(&mut self, mut spans: Vec<Span>, mut extra: Vec<(bool, u32)>) {
        if self.spare.len() < SPARE {
            spans.clear();
            extra.clear();
            self.spare.push((spans, extra));
        }
    }

    fn span(&self, r: SpanRef) -> Option<&Span> {
        self.open.get(r.request)?.spans.get(r.span as usize)
    }

    fn is_open(&self, r: SpanRef) -> bool {
        self.span(r).is_some_and(|s| s.end_ns == OPEN)
    }

    /// A new open span under `parent`, if the bounds allow.
    fn push(
        &mut self,
        parent: SpanRef,
        now: SimTime,
        kind: SpanKind,
        plain: bool,
    ) -> Option<SpanRef> {
        if !self.is_open(parent) {
            return None;
        }
        let full = self.held >= self.limit();
        let open = self.open.get_mut(parent.request)?;
        if full || open.spans.len() >= MAX_SPANS_PER_TRACE {
            open.truncated = true;
            return None;
        }
        open.spans.push(Span {
            parent: Some(parent.span),
            start_ns: now.as_nanos(),
            end_ns: OPEN,
            outcome: None,
            abandoned: false,
            kind,
        });
        open.extra.push((plain, 0));
        self.held += 1;
        Some(SpanRef { request: parent.request, span: open.spans.len() as u32 - 1 })
    }

    /// Closes span `r` and whatever is still open below it (abandoned:
    /// the waiting ended there). False when it was already closed.
    fn close(&mut self, r: SpanRef, now: SimTime, outcome: Option<Outcome>) -> bool {
        let Some(open) = self.open.get_mut(r.request) else { return false };
        let i = r.span as usize;
        if open.spans.get(i).is_none_or(|s| s.end_ns != OPEN) {
            return false;
        }
        let now = now.as_nanos();
        for j in i + 1..open.spans.len() {
            if open.spans[j].end_ns != OPEN {
                continue;
            }
            let mut at = open.spans[j].parent;
            while let Some(p) = at.filter(|&p| p as usize > i) {
                at = open.spans[p as usize].parent;
            }
            if at == Some(i as u32) {
                let s = &mut open.spans[j];
                s.end_ns = now;
                s.abandoned = true;
            }
        }
        let s = &mut open.spans[i];
        s.end_ns = now;
        s.outcome = outcome;
        true
    }

    /// The request is over: its trace is kept or dropped, and its split
    /// counted for the window's tail.
    fn finish(&mut self, request: Key, now: SimTime, outcome: Outcome, window: u64) {
        if !self.close(SpanRef { request, span: 0 }, now, Some(outcome)) {
            return;
        }
        let Some(open) = self.open.remove(request) else { return };
        self.held = self.held.saturating_sub(open.spans.len() as u64);
        let latency = open.spans[0].duration_ns();
        let answered = outcome.is_success();
        let (k, s) = (self.options.slowest as usize, self.options.sample as usize);
        let w = &mut self.window;
        w.finished += 1;
        // The window's uniform sample (Algorithm R over its finished
        // requests): the slot this one takes, if any.
        let slot = if (w.finished as usize) <= s {
            Some(w.finished as usize - 1)
        } else {
            let j = self.rng.below(w.finished) as usize;
            (j < s).then_some(j)
        };
        // The slowest of its class.
        let list = if answered { &mut w.slowest_ok } else { &mut w.slowest_failed };
        let mut slowest = false;
        let mut evicted = None;
        if k > 0 {
            if list.len() < k {
                list.push((latency, open.id));
                slowest = true;
            } else if let Some((m, _)) =
                list.iter().enumerate().min_by_key(|(_, e)| (e.0, std::cmp::Reverse(e.1)))
                && latency > list[m].0
            {
                evicted = Some(list[m].1);
                list[m] = (latency, open.id);
                slowest = true;
            }
        }
        if let Some(id) = evicted {
            unflag(&mut w.kept, id, true);
        }
        if let Some(j) = slot {
            if let Some(&old) = w.sample.get(j) {
                unflag(&mut w.kept, old, false);
                w.sample[j] = open.id;
            } else {
                w.sample.push(open.id);
            }
        }
        // The tail and the median's sample.
        if answered {
            w.answered += 1;
            let enters =
                w.tail.len() < w.cap || w.tail.peek().is_some_and(|m| latency > m.0.latency);
            let at = if (w.answered as usize) <= MEDIAN_SAMPLE {
                Some(w.answered as usize - 1)
            } else {
                let j = self.rng.below(w.answered) as usize;
                (j < MEDIAN_SAMPLE).then_some(j)
            };
            if enters || at.is_some() {
                let parts = critical_path_with(&open.spans, &mut self.scratch);
                let parts = match at {
                    Some(j) => {
                        let (mine, rest) =
                            if enters { (parts.clone(), Some(parts)) } else { (parts, None) };
                        if j < w.middle.len() {
                            w.middle[j] = (latency, mine);
                        } else {
                            w.middle.push((latency, mine));
                        }
                        rest
                    }
                    None => Some(parts),
                };
                if enters && let Some(parts) = parts {
                    w.tail.push(std::cmp::Reverse(TailEntry {
                        latency,
                        id: std::cmp::Reverse(open.id),
                        split: parts,
                    }));
                    if w.tail.len() > w.cap {
                        w.tail.pop();
                    }
                }
            }
        }
        if slowest || slot.is_some() {
            w.kept.push(Trace {
                id: open.id,
                load: open.load,
                window,
                outcome,
                slowest,
                sampled: slot.is_some(),
                truncated: open.truncated,
                spans: open.spans,
            });
            self.recycle(Vec::new(), open.extra);
        } else {
            self.recycle(open.spans, open.extra);
        }
    }
}

/// Takes a kept trace out of one set (the slowest, or the sample); drops it
/// once it is in neither.
fn unflag(kept: &mut Vec<Trace>, id: u64, slowest: bool) {
    if let Some(i) = kept.iter().position(|t| t.id == id) {
        let t = &mut kept[i];
        if slowest {
            t.slowest = false;
        } else {
            t.sampled = false;
        }
        if !t.slowest && !t.sampled {
            kept.swap_remove(i);
        }
    }
}

/// Declares each hook the simulation calls where a traced request passes:
/// a test of whether tracing is on, inlined where the hook is called, and
/// the hook's work in a cold function of its own. With tracing off, the
/// hot paths carry one predictable branch a hook and none of the hook's
/// code (BENCHMARKS.md, "Hooks out of line").
macro_rules! hooks {
    ($($(#[doc = $doc:literal])* $name:ident => $body:ident($($arg:ident: $ty:ty),*)
        $(-> $ret:ty)?;)*) => {
        impl Simulation {
            $(
                $(#[doc = $doc])*
                #[inline(always)]
                pub(super) fn $name(&mut self $(, $arg: $ty)*) $(-> $ret)? {
                    if self.traces.is_none() {
                        return Default::default();
                    }
                    self.$body($($arg),*)
                }
            )*
        }
    };
}

hooks! {
    /// A user request starts: its root span, which its first call hangs
    /// under.
    trace_request_start => request_start_traced(load: usize);
    /// The tenant's own rate limit turned the request away at the door.
    trace_request_refused => request_refused_traced(load: usize);
    /// The task `caller` is about to start one of its calls.
    trace_caller => caller_traced(caller: Key);
    /// A call starts. An async call is a hand-over (a span with no
    /// duration; what it causes is not followed). A plain sync call's one
    /// attempt starts here, and its visit hangs under it. Returns the span
    /// a call entity carries (its caller's, until its first attempt).
    trace_call_start => call_start_traced(site: Site, parent: Parent) -> Option<SpanRef>;
    /// A call's attempt starts (ending the backoff before it, if any).
    trace_attempt_start => attempt_start_traced(call: Key);
    /// The current attempt was turned away by its bulkhead or breaker.
    trace_attempt_refused => attempt_refused_traced(call: Key, why: Refusal);
    /// A copy of the call's attempt is about to be sent.
    trace_copy => copy_traced(call: Key);
    /// The call's current attempt ended for its caller.
    trace_attempt_end => attempt_end_traced(call: Key, outcome: Outcome);
    /// The call waits before its next attempt.
    trace_backoff => backoff_traced(call: Key);
    /// A user's call (with retries, timeout, …) is over: so is the request.
    trace_user_call_end => user_call_end_traced(span: Option<SpanRef>, outcome: Outcome);
    /// A request reaches a node's door, to answer `reply`.
    trace_arrive => arrive_traced(reply: &Reply);
    /// The request got past the door and is now the visit `task`: its
    /// span starts (in service at once unless it queues).
    trace_visit_start =>
        visit_start_traced(task: Key, node: usize, replica: usize, serving: bool);
    /// An answer given at once (a refusal at the door, or a broker taking
    /// the message): a plain attempt ends with it.
    trace_door_answer => door_answer_traced(outcome: Outcome);
    /// The visit got a worker.
    trace_service_start => service_start_traced(task: Key);
    /// The visit's own service is over.
    trace_service_end => service_end_traced(task: Key);
    /// The visit is over (and, for a plain call, its attempt; for a plain
    /// user request, the request) unless its answer crosses the network
    /// (`remote`): then the attempt it answers is returned, for
    /// [`Simulation::trace_answer_sent`] or [`Simulation::trace_answered`].
    trace_visit_end => visit_end_traced(task: Key, outcome: Outcome, remote: bool)
        -> Option<SpanRef>;
    /// A visit's answer reached its caller at once (no latency on its hop):
    /// a plain call's attempt ends.
    trace_answered => answered_traced(attempt: Option<SpanRef>, outcome: Outcome);
    /// A request left for `to` as `packet`, to answer `reply`: if it is the
    /// traced attempt's, its `Network` span starts.
    trace_request_sent => request_sent_traced(packet: Key, to: usize, reply: &Reply);
    /// A request was lost on the network: no visit hangs under its attempt.
    trace_request_lost => request_lost_traced(reply: &Reply);
    /// An answer left as `packet` for the caller of `attempt` (a visit's,
    /// or one given at the door): its `Network` span starts.
    trace_answer_sent =>
        answer_sent_traced(packet: Key, to: usize, attempt: Option<SpanRef>);
    /// An answer is given at the door and crosses the network: the attempt
    /// it answers (marked refused when it is a plain call's and failed).
    trace_door_remote => door_remote_traced(outcome: Outcome) -> Option<SpanRef>;
    /// A message arrived (`answer`: an answer, with its outcome): its
    /// `Network` span ends; a request's visit will hang under its attempt;
    /// an answer ends a plain call's attempt.
    trace_packet_arrived => packet_arrived_traced(packet: Key, answer: Option<Outcome>);
}

impl Simulation {
    /// Turns request tracing on (before the run starts, or at any point:
    /// requests that started earlier are not traced). The run itself is
    /// not changed: with or without traces, every figure is the same.
    pub fn enable_traces(&mut self, options: TraceOptions) {
        if self.traces.is_none() {
            self.traces = Some(Box::new(Tracer::new(options, self.scenario.scenario.seed)));
        }
    }

    /// Turns request tracing off, dropping what was collected; like
    /// turning it on, this does not change the run. The spans tasks and
    /// calls carry are cleared, so tracing turned on again later starts
    /// from requests that start then (no stale span reaches the new
    /// collector).
    pub fn disable_traces(&mut self) {
        if self.traces.take().is_none() {
            return;
        }
        for (_, call) in self.calls.iter_mut() {
            call.span = None;
        }
    }

    /// Whether traces are being collected.
    pub fn tracing(&self) -> bool {
        self.traces.is_some()
    }

    /// The traces of the closed windows held (at most
    /// [`TraceOptions::keep_windows`]), oldest first.
    pub fn traces(&self) -> impl Iterator<Item = &TraceWindow> {
        self.traces.iter().flat_map(|t| t.closed.iter())
    }

    /// Takes the traces of the closed windows held, oldest first.
    pub fn take_traces(&mut self) -> Vec<TraceWindow> {
        self.traces.as_mut().map(|t| t.closed.drain(..).collect()).unwrap_or_default()
    }

    /// Requests in flight being traced, and the spans they hold.
    pub fn traces_in_flight(&self) -> (usize, u64) {
        self.traces.as_ref().map_or((0, 0), |t| (t.open.len(), t.held))
    }

    // ----- the hooks' work (each hook is declared in `hooks!` above) ---------

    #[cold]
    #[inline(never)]
    fn request_start_traced(&mut self, load: usize) {
        let Some(t) = self.traces.as_deref_mut() else { return };
        t.next_id += 1;
        t.ctx = None;
        if t.held >= t.limit() {
            return;
        }
        let now = self.now.as_nanos();
        let (mut spans, mut extra) = t.spare.pop().unwrap_or_default();
        spans.push(Span {
            parent: None,
            start_ns: now,
            end_ns: OPEN,
            outcome: None,
            abandoned: false,
            kind: SpanKind::Request { load: load as u32 },
        });
        extra.push((false, 0));
        let request = t.open.insert(Open {
            id: t.next_id,
            load: load as u32,
            spans,
            extra,
            truncated: false,
        });
        t.held += 1;
        t.ctx = Some(SpanRef { request, span: 0 });
    }

    #[cold]
    #[inline(never)]
    fn request_refused_traced(&mut self, load: usize) {
        let window = self.window_index;
        let now = self.now;
        let to = self.model.loads[load].call.to as u32;
        let Some(t) = self.traces.as_deref_mut() else { return };
        let Some(root) = t.ctx.take() else { return };
        let kind = attempt_kind(to, 1, Mode::Sync, 1, None, Some(Refusal::TenantLimit));
        if let Some(a) = t.push(root, now, kind, true) {
            t.close(a, now, Some(Outcome::Rejected));
        }
        t.finish(root.request, now, Outcome::Rejected, window);
    }

    #[cold]
    #[inline(never)]
    fn caller_traced(&mut self, caller: Key) {
        if let Some(t) = self.traces.as_deref_mut() {
            t.ctx = t.visit(caller);
        }
    }

    #[cold]
    #[inline(never)]
    fn call_start_traced(&mut self, site: Site, parent: Parent) -> Option<SpanRef> {
        let t = self.traces.as_deref_mut()?;
        let ctx = t.ctx.take();
        let caller = match parent {
            Parent::Task(task) => t.visit(task),
            _ => ctx,
        }?;
        let model = match site {
            Site::Load(l) => &self.model.loads[l as usize].call,
            Site::Node { node, call } => &self.model.nodes[node as usize].calls[call as usize],
        };
        let timeout = model.timeout.map(|d| d.as_nanos());
        let kind = attempt_kind(model.to as u32, 1, model.mode, model.fanout, timeout, None);
        let now = self.now;
        if matches!(parent, Parent::Detached) {
            if let Some(a) = t.push(caller, now, kind, false) {
                t.close(a, now, Some(Outcome::Ok));
            }
            return None;
        }
        if model.plain {
            // The answer `start_call` gives its visit.
            let reply = match (parent, site) {
                (Parent::User { user, .. }, Site::Load(load)) => Reply::User { load, user },
                (Parent::Task(task), _) => Reply::Task { task, fallback: model.fallback },
                _ => Reply::Nobody,
            };
            t.next = t.push(caller, now, kind, true).map(|span| (span, reply));
            return None;
        }
        Some(caller)
    }

    #[cold]
    #[inline(never)]
    fn attempt_start_traced(&mut self, call: Key) {
        let Some(t) = self.traces.as_deref_mut() else { return };
        let Some(c) = self.calls.get_mut(call) else { return };
        let Some(current) = c.span else { return };
        let now = self.now;
        let caller = match t.span(current).map(|s| s.kind) {
            Some(SpanKind::Backoff { .. }) | Some(SpanKind::Attempt { .. }) => {
                t.close(current, now, None);
                t.span(current).and_then(|s| s.parent).map(|p| SpanRef { span: p, ..current })
            }
            Some(_) => Some(current),
            None => None,
        };
        let model = match c.site {
            Site::Load(l) => &self.model.loads[l as usize].call,
            Site::Node { node, call } => &self.model.nodes[node as usize].calls[call as usize],
        };
        let timeout = model.timeout.map(|d| d.as_nanos());
        let kind =
            attempt_kind(model.to as u32, c.attempt, model.mode, model.fanout, timeout, None);
        c.span = caller.and_then(|caller| t.push(caller, now, kind, false));
    }

    #[cold]
    #[inline(never)]
    fn attempt_refused_traced(&mut self, call: Key, why: Refusal) {
        let Some(t) = self.traces.as_deref_mut() else { return };
        let Some(r) = self.calls.get(call).and_then(|c| c.span) else { return };
        if let Some(open) = t.open.get_mut(r.request)
            && let Some(SpanKind::Attempt { refused, .. }) =
                open.spans.get_mut(r.span as usize).map(|s| &mut s.kind)
        {
            *refused = Some(why);
        }
    }

    #[cold]
    #[inline(never)]
    fn copy_traced(&mut self, call: Key) {
        if let Some(t) = self.traces.as_deref_mut() {
            t.next = self
                .calls
                .get(call)
                .and_then(|c| Some((c.span?, Reply::Attempt { call, attempt: c.attempt })));
        }
    }

    #[cold]
    #[inline(never)]
    fn attempt_end_traced(&mut self, call: Key, outcome: Outcome) {
        let Some(t) = self.traces.as_deref_mut() else { return };
        if let Some(r) = self.calls.get(call).and_then(|c| c.span) {
            t.close(r, self.now, Some(outcome));
        }
    }

    #[cold]
    #[inline(never)]
    fn backoff_traced(&mut self, call: Key) {
        let Some(t) = self.traces.as_deref_mut() else { return };
        let Some(c) = self.calls.get_mut(call) else { return };
        let Some(current) = c.span else { return };
        let parent = t.span(current).and_then(|s| s.parent).map(|p| SpanRef { span: p, ..current });
        let kind = SpanKind::Backoff { next_attempt: c.attempt };
        c.span = parent.and_then(|p| t.push(p, self.now, kind, false));
    }

    #[cold]
    #[inline(never)]
    fn user_call_end_traced(&mut self, span: Option<SpanRef>, outcome: Outcome) {
        let window = self.window_index;
        let Some(t) = self.traces.as_deref_mut() else { return };
        if let Some(r) = span {
            t.finish(r.request, self.now, outcome, window);
        }
    }

    #[cold]
    #[inline(never)]
    fn arrive_traced(&mut self, reply: &Reply) {
        if let Some(t) = self.traces.as_deref_mut() {
            t.door = match t.next {
                Some((span, expected)) if same_reply(&expected, reply) => {
                    t.next = None;
                    Some(span)
                }
                _ => None,
            };
        }
    }

    #[cold]
    #[inline(never)]
    fn visit_start_traced(&mut self, task: Key, node: usize, replica: usize, serving: bool) {
        let now = self.now;
        let blocking = self.model.nodes[node].io == Io::Blocking;
        let Some(t) = self.traces.as_deref_mut() else { return };
        let Some(parent) = t.door.take() else { return };
        let copy = t.open.get_mut(parent.request).and_then(|o| {
            let e = o.extra.get_mut(parent.span as usize)?;
            e.1 += 1;
            Some(e.1 - 1)
        });
        let Some(copy) = copy else { return };
        let kind = SpanKind::Visit {
            node: node as u32,
            replica: replica as u32,
            service_start_ns: if serving { now.as_nanos() } else { OPEN },
            service_end_ns: OPEN,
            blocking,
            copy,
        };
        if let Some(span) = t.push(parent, now, kind, false) {
            t.put_visit(task, span);
        }
    }

    #[cold]
    #[inline(never)]
    fn door_answer_traced(&mut self, outcome: Outcome) {
        let window = self.window_index;
        let Some(t) = self.traces.as_deref_mut() else { return };
        let Some(attempt) = t.door.take() else { return };
        let plain = t.open.get(attempt.request).and_then(|o| o.extra.get(attempt.span as usize));
        if !plain.is_some_and(|e| e.0) {
            return;
        }
        if !outcome.is_success()
            && let Some(open) = t.open.get_mut(attempt.request)
            && let Some(SpanKind::Attempt { refused, .. }) =
                open.spans.get_mut(attempt.span as usize).map(|s| &mut s.kind)
        {
            *refused = Some(Refusal::Door);
        }
        end_plain_attempt(t, attempt, self.now, outcome, window);
    }

    #[cold]
    #[inline(never)]
    fn service_start_traced(&mut self, task: Key) {
        self.set_visit_time(task, true);
    }

    #[cold]
    #[inline(never)]
    fn service_end_traced(&mut self, task: Key) {
        self.set_visit_time(task, false);
    }

    fn set_visit_time(&mut self, task: Key, start: bool) {
        let Some(t) = self.traces.as_deref_mut() else { return };
        let Some(r) = t.visit(task) else { return };
        let now = self.now.as_nanos();
        let Some(span) = t.open.get_mut(r.request).and_then(|o| o.spans.get_mut(r.span as usize))
        else {
            return;
        };
        if span.end_ns != OPEN {
            return;
        }
        if let SpanKind::Visit { service_start_ns, service_end_ns, .. } = &mut span.kind {
            if start {
                *service_start_ns = now;
            } else if *service_end_ns == OPEN {
                *service_end_ns = now;
                if *service_start_ns == OPEN {
                    *service_start_ns = now;
                }
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn visit_end_traced(&mut self, task: Key, outcome: Outcome, remote: bool) -> Option<SpanRef> {
        let window = self.window_index;
        let t = self.traces.as_deref_mut()?;
        let r = t.visit(task)?;
        if !t.close(r, self.now, Some(outcome)) {
            return None;
        }
        let parent = t.span(r).and_then(|s| s.parent)?;
        let attempt = SpanRef { span: parent, ..r };
        if remote {
            return Some(attempt);
        }
        if t.open.get(r.request).and_then(|o| o.extra.get(parent as usize)).is_some_and(|e| e.0) {
            end_plain_attempt(t, attempt, self.now, outcome, window);
        }
        None
    }

    #[cold]
    #[inline(never)]
    fn answered_traced(&mut self, attempt: Option<SpanRef>, outcome: Outcome) {
        let window = self.window_index;
        let Some(t) = self.traces.as_deref_mut() else { return };
        let Some(a) = attempt else { return };
        if t.open.get(a.request).and_then(|o| o.extra.get(a.span as usize)).is_some_and(|e| e.0) {
            end_plain_attempt(t, a, self.now, outcome, window);
        }
    }

    #[cold]
    #[inline(never)]
    fn request_sent_traced(&mut self, packet: Key, to: usize, reply: &Reply) {
        let Some(t) = self.traces.as_deref_mut() else { return };
        let Some((attempt, expected)) = t.next else { return };
        if !same_reply(&expected, reply) {
            return;
        }
        t.next = None;
        let kind = SpanKind::Network { to: to as u32, answer: false };
        if let Some(span) = t.push(attempt, self.now, kind, false) {
            t.put_transit(packet, InTransit { span, attempt, request: Some(*reply) });
        }
    }

    #[cold]
    #[inline(never)]
    fn request_lost_traced(&mut self, reply: &Reply) {
        if let Some(t) = self.traces.as_deref_mut()
            && t.next.is_some_and(|(_, expected)| same_reply(&expected, reply))
        {
            t.next = None;
        }
    }

    #[cold]
    #[inline(never)]
    fn answer_sent_traced(&mut self, packet: Key, to: usize, attempt: Option<SpanRef>) {
        let Some(t) = self.traces.as_deref_mut() else { return };
        let Some(attempt) = attempt else { return };
        let kind = SpanKind::Network { to: to as u32, answer: true };
        if let Some(span) = t.push(attempt, self.now, kind, false) {
            t.put_transit(packet, InTransit { span, attempt, request: None });
        }
    }

    #[cold]
    #[inline(never)]
    fn door_remote_traced(&mut self, outcome: Outcome) -> Option<SpanRef> {
        let t = self.traces.as_deref_mut()?;
        let attempt = t.door.take()?;
        let open = t.open.get_mut(attempt.request)?;
        let plain = open.extra.get(attempt.span as usize).is_some_and(|e| e.0);
        if plain
            && !outcome.is_success()
            && let Some(SpanKind::Attempt { refused, .. }) =
                open.spans.get_mut(attempt.span as usize).map(|s| &mut s.kind)
        {
            *refused = Some(Refusal::Door);
        }
        Some(attempt)
    }

    #[cold]
    #[inline(never)]
    fn packet_arrived_traced(&mut self, packet: Key, answer: Option<Outcome>) {
        let window = self.window_index;
        let Some(t) = self.traces.as_deref_mut() else { return };
        let Some(m) = t.take_transit(packet) else { return };
        if !t.close(m.span, self.now, Some(Outcome::Ok)) {
            return;
        }
        match (m.request, answer) {
            (Some(reply), _) => t.next = Some((m.attempt, reply)),
            (None, Some(outcome)) => {
                let plain = t
                    .open
                    .get(m.attempt.request)
                    .and_then(|o| o.extra.get(m.attempt.span as usize));
                if plain.is_some_and(|e| e.0) {
                    end_plain_attempt(t, m.attempt, self.now, outcome, window);
                }
            }
            (None, None) => {}
        }
    }

    /// A window closed: its kept traces are stored and its tail reported.
    pub(super) fn trace_window_closed(&mut self, counted: bool) -> Option<TailReport> {
        let t = self.traces.as_deref_mut()?;
        let w = std::mem::take(&mut t.window);
        t.window.cap = (w.answered.div_ceil(100) as usize * 2).clamp(TAIL_FLOOR, TAIL_CAP);
        let mut tail = SplitSum::default();
        let mut entries: Vec<TailEntry> = w.tail.into_iter().map(|e| e.0).collect();
        crate::order::sort_by(&mut entries, |a, b| b.cmp(a));
        let wanted = w.answered.div_ceil(100).max(1) as usize;
        for e in entries.iter().take(wanted) {
            tail.add(e.latency, &e.split);
        }
        let mut median = SplitSum::default();
        let mut middle = w.middle;
        crate::order::sort_by_key(&mut middle, |m| m.0);
        if let Some(m) = middle.get(middle.len().saturating_sub(1) / 2) {
            median.add(m.0, &m.1);
        }
        if counted {
            t.run_tail.merge(&tail);
            t.run_median.merge(&median);
        }
        let mut traces = w.kept;
        crate::order::sort_by_key(&mut traces, |tr| (std::cmp::Reverse(tr.latency_ns()), tr.id));
        t.closed.push_back(TraceWindow {
            index: self.window_index,
            start_ns: self.window_start.as_nanos(),
            end_ns: self.now.as_nanos(),
            finished: w.finished,
            traces,
        });
        while t.closed.len() > t.options.keep_windows as usize {
            t.closed.pop_front();
        }
        let names = |c: Component| self.component_name(c);
        let tail = tail.report(&names)?;
        Some(TailReport { tail, median: median.report(&names) })
    }

    /// Where the p99 goes over the run after warm-up: the tails of the
    /// closed windows together (and their median requests).
    pub(super) fn trace_run_tail(&self) -> Option<TailReport> {
        let t = self.traces.as_deref()?;
        let names = |c: Component| self.component_name(c);
        let tail = t.run_tail.report(&names)?;
        Some(TailReport { tail, median: t.run_median.report(&names) })
    }

    fn component_name(&self, c: Component) -> String {
        match c {
            Component::Node(i) => self.model.nodes.get(i as usize).map(|n| n.id.clone()),
            Component::Load(i) => self.model.loads.get(i as usize).map(|l| l.id.clone()),
        }
        .unwrap_or_default()
    }
}

/// A plain call's attempt ended; for a user's plain request, the request too.
fn end_plain_attempt(
    t: &mut Tracer,
    attempt: SpanRef,
    now: SimTime,
    outcome: Outcome,
    window: u64,
) {
    if !t.close(attempt, now, Some(outcome)) {
        return;
    }
    if t.span(attempt).and_then(|s| s.parent) == Some(0) {
        t.finish(attempt.request, now, outcome, window);
    }
}

/// Whether two answers go to the same place.
fn same_reply(a: &Reply, b: &Reply) -> bool {
    match (a, b) {
        (Reply::Attempt { call: c1, attempt: a1 }, Reply::Attempt { call: c2, attempt: a2 }) => {
            c1 == c2 && a1 == a2
        }
        (Reply::User { load: l1, user: u1 }, Reply::User { load: l2, user: u2 }) => {
            l1 == l2 && u1 == u2
        }
        (Reply::Task { task: t1, .. }, Reply::Task { task: t2, .. }) => t1 == t2,
        _ => false,
    }
}

fn attempt_kind(
    to: u32,
    attempt: u32,
    mode: Mode,
    fanout: u32,
    timeout_ns: Option<u64>,
    refused: Option<Refusal>,
) -> SpanKind {
    SpanKind::Attempt { to, attempt, mode, fanout, timeout_ns, refused }
}
