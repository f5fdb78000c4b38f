//! The compact binary encoding of the messages between the page and the
//! worker.
//!
//! Both ends are the same Wasm module, so the encoding needs no schema, no
//! field names and no versioning: fields go in declaration order, integers
//! as LEB128, floats as their 8 bytes, enums as a one-byte tag. It is here
//! rather than serde's derived JSON for size: the protocol through serde's
//! derived code cost the bundle about 60 kB gzipped; this is about 20 kB of
//! code before compression (BENCHMARKS.md).
//!
//! Every impl lists every field: the struct and enum macros destructure the
//! value when writing and build it with a struct literal when reading, so a
//! field added to a type and not here fails to compile. A message that ends
//! early, has an unknown tag or an unreadable string is refused with a
//! [`WireError`]; nothing reads past the bytes it was given.

use scalesim_engine::breaker::BreakerState;
use scalesim_engine::coordination::UslFit;
use scalesim_engine::edit::Edit;
use scalesim_engine::formula::FormulaCheck;
use scalesim_engine::metrics::{
    LatencyStats, LoadReport, MemoryReport, NetworkWindow, NodeCounters, NodeReport, RequestCounts,
    WindowReport,
};
use scalesim_engine::outcome::Outcome;
use scalesim_engine::outcome::OutcomeCounts;
use scalesim_engine::outline::{Outline, OutlineCall, OutlineLink, OutlineLoad, OutlineNode};
use scalesim_engine::scenario::{Mode, NodeKind};
use scalesim_engine::sim::{
    BreakerView, InFlight, MemoryState, NodeGrowth, NodeState, Overload, Snapshot, Stage,
};
use scalesim_engine::sweep::{Estimate, SweepPoint};
use scalesim_engine::trace::{
    Phase, Refusal, Span, SpanKind, TailReport, TimeShare, TimeSplit, Trace,
};

use crate::keep::share_link::Variant;
use crate::worker::protocol::{Frame, FromWorker, ScenarioInfo, Speed, ToWorker};
use crate::worker::replay::{Change, Entry};

/// Why a message could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireError {
    /// The bytes ended inside a value.
    Truncated,
    /// An enum tag this build does not know.
    UnknownTag(u8),
    /// A string that is not UTF-8.
    NotUtf8,
    /// An integer wider than its type.
    Overflow,
    /// Bytes were left over after the message.
    Trailing,
    /// Lists nested past [`MAX_DEPTH`] (a hostile `Edit::Many` in a link).
    TooDeep,
}

/// The deepest nesting of lists read: far past any real message, short of
/// the stack.
pub const MAX_DEPTH: u32 = 32;

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WireError::Truncated => write!(f, "the message ends early"),
            WireError::UnknownTag(tag) => write!(f, "unknown tag {tag}"),
            WireError::NotUtf8 => write!(f, "a string is not UTF-8"),
            WireError::Overflow => write!(f, "a number is out of range"),
            WireError::Trailing => write!(f, "bytes left over after the message"),
            WireError::TooDeep => write!(f, "lists nested too deeply"),
        }
    }
}

/// A cursor over a received message.
pub struct Reader<'a> {
    bytes: &'a [u8],
    /// Lists being read, one inside the other.
    depth: u32,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, WireError> {
        let (&first, rest) = self.bytes.split_first().ok_or(WireError::Truncated)?;
        self.bytes = rest;
        Ok(first)
    }

    fn slice(&mut self, len: usize) -> Result<&'a [u8], WireError> {
        if len > self.bytes.len() {
            return Err(WireError::Truncated);
        }
        let (head, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        Ok(head)
    }

    fn varint(&mut self) -> Result<u64, WireError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            // The tenth byte holds the 64th bit alone: more is past u64.
            if shift == 63 && byte > 1 {
                return Err(WireError::Overflow);
            }
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(value);
            }
        }
        Err(WireError::Overflow)
    }

    /// A length, bounded by the bytes left (each element takes at least one),
    /// so a hostile length cannot make the reader allocate.
    fn len(&mut self) -> Result<usize, WireError> {
        let len = usize::try_from(self.varint()?).map_err(|_| WireError::Overflow)?;
        if len > self.bytes.len() { Err(WireError::Truncated) } else { Ok(len) }
    }
}

/// A value that travels between page and worker.
pub trait Wire: Sized {
    /// Appends the value's encoding.
    fn put(&self, out: &mut Vec<u8>);
    /// Reads one value.
    fn take(r: &mut Reader<'_>) -> Result<Self, WireError>;
}

/// Encodes a message for `postMessage`.
pub fn to_bytes<T: Wire>(message: &T) -> Vec<u8> {
    let mut out = Vec::new();
    message.put(&mut out);
    out
}

/// Decodes a whole message.
pub fn from_bytes<T: Wire>(bytes: &[u8]) -> Result<T, WireError> {
    let mut r = Reader { bytes, depth: 0 };
    let value = T::take(&mut r)?;
    if r.bytes.is_empty() { Ok(value) } else { Err(WireError::Trailing) }
}

fn put_varint(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

impl Wire for u64 {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(*self, out);
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, WireError> {
        r.varint()
    }
}

impl Wire for u32 {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(u64::from(*self), out);
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, WireError> {
        u32::try_from(r.varint()?).map_err(|_| WireError::Overflow)
    }
}

impl Wire for usize {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(*self as u64, out);
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, WireError> {
        usize::try_from(r.varint()?).map_err(|_| WireError::Overflow)
    }
}

impl Wire for f64 {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, WireError> {
        let bytes = r.slice(8)?;
        let mut array = [0u8; 8];
        array.copy_from_slice(bytes);
        Ok(f64::from_le_bytes(array))
    }
}

impl Wire for bool {
    fn put(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, WireError> {
        match r.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            tag => Err(WireError::UnknownTag(tag)),
        }
    }
}

impl Wire for String {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(self.len() as u64, out);
        out.extend_from_slice(self.as_bytes());
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, WireError> {
        let len = r.len()?;
        let bytes = r.slice(len)?;
        std::str::from_utf8(bytes).map(str::to_owned).map_err(|_| WireError::NotUtf8)
    }
}

impl<T: Wire> Wire for Option<T> {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(value) => {
                out.push(1);
                value.put(out);
            }
        }
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, WireError> {
        match r.byte()? {
            0 => Ok(None),
            1 => T::take(r).map(Some),
            tag => Err(WireError::UnknownTag(tag)),
        }
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(self.len() as u64, out);
        for item in self {
            item.put(out);
        }
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, WireError> {
        let len = r.len()?;
        if r.depth >= MAX_DEPTH {
            return Err(WireError::TooDeep);
        }
        r.depth += 1;
        let mut items = Vec::with_capacity(len);
        for _ in 0..len {
            items.push(T::take(r)?);
        }
        r.depth -= 1;
        Ok(items)
    }
}

impl<A: Wire, B: Wire> Wire for (A, B) {
    fn put(&self, out: &mut Vec<u8>) {
        self.0.put(out);
        self.1.put(out);
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, WireError> {
        Ok((A::take(r)?, B::take(r)?))
    }
}

impl<T: Wire> Wire for [T; 2] {
    fn put(&self, out: &mut Vec<u8>) {
        self[0].put(out);
        self[1].put(out);
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, WireError> {
        Ok([T::take(r)?, T::take(r)?])
    }
}

/// `Wire` for structs with named fields: every field, in the order given.
macro_rules! wire_struct {
    ($($ty:ident { $($field:ident),* $(,)? })*) => {$(
        impl Wire for $ty {
            fn put(&self, out: &mut Vec<u8>) {
                let $ty { $($field),* } = self;
                $($field.put(out);)*
            }
            fn take(r: &mut Reader<'_>) -> Result<Self, WireError> {
                Ok($ty { $($field: Wire::take(r)?),* })
            }
        }
    )*};
}

/// `Wire` for enums: a tag byte, then the variant's fields (named, or one
/// unnamed), in the order given.
macro_rules! wire_enum {
    ($ty:ident {
        $($tag:literal => $variant:ident $({ $($field:ident),* $(,)? })? $(($inner:ident))?),* $(,)?
    }) => {
        impl Wire for $ty {
            fn put(&self, out: &mut Vec<u8>) {
                match self {
                    $($ty::$variant $({ $($field),* })? $(($inner))? => {
                        out.push($tag);
                        $($($field.put(out);)*)?
                        $($inner.put(out);)?
                    })*
                }
            }
            fn take(r: &mut Reader<'_>) -> Result<Self, WireError> {
                match r.byte()? {
                    $($tag => Ok($ty::$variant
                        $({ $($field: Wire::take(r)?),* })?
                        $(({ let $inner = Wire::take(r)?; $inner }))?),)*
                    tag => Err(WireError::UnknownTag(tag)),
                }
            }
        }
    };
}

wire_enum!(Mode { 0 => Sync, 1 => Async });
wire_enum!(NodeKind { 0 => Service, 1 => External, 2 => Database, 3 => Cache, 4 => Queue });
wire_enum!(Stage { 0 => Queued, 1 => Serving, 2 => Calling });
wire_enum!(BreakerState { 0 => Closed, 1 => Open, 2 => HalfOpen });
wire_enum!(Speed { 0 => X1, 1 => X10, 2 => X100, 3 => Max });
wire_enum!(Phase { 0 => Queued, 1 => InService, 2 => WaitingOnCall, 3 => BackingOff, 4 => Network });
wire_enum!(Outcome { 0 => Ok, 1 => Degraded, 2 => Error, 3 => Timeout, 4 => Rejected });
wire_enum!(Refusal { 0 => Bulkhead, 1 => Breaker, 2 => TenantLimit, 3 => Door });
wire_enum!(SpanKind {
    0 => Request { load },
    1 => Visit { node, replica, service_start_ns, service_end_ns, blocking, copy },
    2 => Attempt { to, attempt, mode, fanout, timeout_ns, refused },
    3 => Backoff { next_attempt },
    4 => Network { to, answer },
});

wire_struct! {
    Overload { at_s, work_in_flight, limit, visits, calls, events, nodes, retried }
    NodeGrowth { node, in_flight, queued, growth_per_s, serves_per_s, remedies }
    OutcomeCounts { ok, degraded, error, timeout, rejected }
    LatencyStats { count, mean, p50, p90, p99, p999, max }
    RequestCounts { offered, ok, degraded, error, timeout, rejected, in_flight }
    LoadReport { requests, latency_ms, retries }
    NodeCounters { redelivered, duplicates, dead_lettered, hits, misses, coalesced }
    NodeReport {
        arrivals, completed, rejected, outcomes, utilization, mean_queue, max_queue,
        mean_wait_ms, replicas, max_replicas, latency_ms, calls, retries, cost, counters,
        hit_ratio, reads, stale_reads, stale_read_share, staleness_ms, memory,
    }
    MemoryReport { restarts, mean_mb, peak_mb, slowed_s }
    NetworkWindow { messages, lost, latency_share, partitioned }
    WindowReport {
        index, start_s, end_s, requests, latency_ms, throughput_rps, amplification,
        cost_per_million, loads, nodes, tail, network,
    }
    TailReport { tail, median }
    TimeSplit { requests, latency_ms, shares }
    TimeShare { component, kind, phase, ms }
    NodeState { busy, capacity, queued, in_flight, replicas, memory }
    MemoryState { limit_mb, gc_mb, used_mb, restarting, restarts }
    InFlight { node, load, stage, age_ms }
    BreakerView { node, call, state, trips }
    Snapshot { sim_time_s, events, nodes, sample, breakers }
    FormulaCheck { node, formula, theory, simulated, unit }
    OutlineNode { id, kind, replicas, position, calls, feeds, params }
    OutlineCall { to, mode, weight, params }
    OutlineLoad { id, target, position, params }
    OutlineLink { between, latency_ms, loss }
    Outline { nodes, loads, links }
    Estimate { mean, ci95 }
    SweepPoint {
        value, offered_rps, goodput_rps, p99_ms, error_share, unanswered_share, cost_per_million, knee,
        slo_met,
    }
    UslFit { contention, coherency, x1, peak }
    ScenarioInfo {
        file, name, description, watch, try_this, seed, sweep_hint, outline, edited,
    }
    Frame {
        sim_time_ns, events, playing, load_multiplier, windows, formulas, snapshot, rolling, picks,
        partitions, changes, ended, end_ns,
    }
    Span { parent, start_ns, end_ns, outcome, abandoned, kind }
    Trace { id, load, window, outcome, slowest, sampled, truncated, spans }
}

wire_enum!(Edit {
    0 => Set { path, value },
    1 => Unset { path },
    2 => AddNode { kind, position, behind },
    3 => AddLoad { target, position },
    4 => Remove { id },
    5 => Connect { from, to, mode },
    6 => Disconnect { from, call },
    7 => Rename { from, to },
    8 => Move { id, position },
    9 => SetLane { id, mode },
    10 => Many { edits },
});

wire_enum!(Change {
    0 => Edit { edit },
    1 => Text { toml },
    2 => Load { multiplier },
});

wire_struct! {
    Entry { at_ns, change }
    Variant { file, toml, seed, time_ns, load, history, past_end }
}

wire_enum!(ToWorker {
    0 => Load { file, toml },
    1 => Play,
    2 => Pause,
    3 => SetSpeed { speed },
    4 => SetLoadMultiplier { multiplier },
    5 => Step,
    6 => Restart { seed },
    7 => Edit { edit, id },
    8 => Sweep { param, runs, duration_s },
    9 => CancelSweep,
    10 => Replay { seed, load, history, time_ns, past_end },
    11 => Summary,
    12 => Bench { customers },
    13 => Record,
    14 => Undo { id },
    15 => Redo { id },
    16 => Text,
    17 => SetTraces { on },
    18 => ExportTraces,
    19 => SetText { toml, id },
    20 => Check { toml, id },
});

wire_enum!(FromWorker {
    0 => Ready,
    1 => Loaded(info),
    2 => Frame(frame),
    3 => Error { message },
    4 => Applied { id, revision, outline, restarted, can_undo, can_redo },
    5 => Refused { id, message },
    6 => SweepProgress { done, total },
    7 => SweepDone { param, points, usl },
    8 => Summary { json },
    9 => BenchResult { name, customers_per_s },
    10 => BenchDone { memory },
    11 => Recorded { run, complete },
    12 => Stopped { message, overload },
    13 => Text { file, toml, revision },
    14 => Traces { json, requests, from_s, to_s },
});

#[cfg(test)]
mod tests {
    use super::*;
    use scalesim_engine::Scenario;
    use scalesim_engine::SimDuration;
    use scalesim_engine::Simulation;

    /// A frame with every part filled in, from a real run of a scenario
    /// with a breaker.
    fn busy_frame() -> FromWorker {
        let text = r#"
[scenario]
name = "wire"
duration = "20s"
window = "1s"
[[load]]
id = "users"
target = "front"
rate = 400
[[node]]
id = "front"
kind = "service"
workers = 4
service_time = { dist = "exp", mean = "5ms" }
  [[node.call]]
  to = "partner"
  timeout = "200ms"
  fallback = "degrade"
  breaker = { failure_rate = 0.5, window = "5s", min_calls = 20, open_for = "2s" }
[[node]]
id = "partner"
kind = "external"
latency = { dist = "exp", mean = "8ms" }
error_rate = 0.3
"#;
        let scenario = Scenario::from_toml("wire.toml", text).unwrap();
        let mut sim = Simulation::new(scenario).unwrap();
        sim.enable_traces(crate::worker::traces::OPTIONS);
        let windows = sim.advance_by(SimDuration::from_secs(5));
        // Every kind of span: a retried, timed-out, refused call's trace
        // among them.
        let picks: Vec<_> = sim.take_traces().into_iter().flat_map(|w| w.traces).collect();
        FromWorker::Frame(Frame {
            sim_time_ns: sim.now().as_nanos(),
            events: sim.event_count(),
            playing: true,
            load_multiplier: 1.5,
            windows,
            formulas: Some(scalesim_engine::formula::checks_of(&sim)),
            snapshot: Some(sim.snapshot(50)),
            rolling: Some(sim.recent_latency()),
            picks,
            partitions: vec![["eu".to_owned(), "us".to_owned()]],
            changes: Some(vec![1.5]),
            ended: true,
            end_ns: 60_000_000_000,
        })
    }

    /// A history with every kind of change.
    fn history(edits: &[Edit]) -> Vec<Entry> {
        let mut changes: Vec<Change> =
            edits.iter().cloned().map(|edit| Change::Edit { edit }).collect();
        changes.push(Change::Text { toml: "[scenario]".into() });
        changes.push(Change::Load { multiplier: 0.1 });
        changes.into_iter().zip(0u64..).map(|(change, at_ns)| Entry { at_ns, change }).collect()
    }

    #[test]
    fn a_real_frame_round_trips() {
        let frame = busy_frame();
        let FromWorker::Frame(inner) = &frame else { unreachable!() };
        assert!(!inner.windows.is_empty());
        assert!(inner.snapshot.as_ref().is_some_and(|s| !s.sample.is_empty()));
        assert!(!inner.snapshot.as_ref().unwrap().breakers.is_empty());
        assert!(inner.windows.iter().skip(1).all(|w| w.tail.is_some()));
        let kinds: std::collections::BTreeSet<u8> =
            inner.picks.iter().flat_map(|t| &t.spans).map(|s| to_bytes(&s.kind)[0]).collect();
        assert_eq!(kinds.len(), 3, "request, visit and attempt spans: {kinds:?}");
        assert!(inner.picks.iter().any(|t| t.outcome != Outcome::Ok));
        let bytes = to_bytes(&frame);
        assert_eq!(from_bytes::<FromWorker>(&bytes), Ok(frame));
    }

    /// Traces across a network: `Network` spans and the p99 split's
    /// network phase survive the wire.
    #[test]
    fn network_spans_and_phase_round_trip() {
        let text = include_str!("../../scenarios/cross-region.toml");
        let scenario = Scenario::from_toml("cross-region.toml", text).unwrap();
        let mut sim = Simulation::new(scenario).unwrap();
        sim.enable_traces(crate::worker::traces::OPTIONS);
        let windows = sim.advance_by(SimDuration::from_secs(3));
        let picks: Vec<Trace> = sim.take_traces().into_iter().flat_map(|w| w.traces).collect();
        assert!(
            picks
                .iter()
                .flat_map(|t| &t.spans)
                .any(|s| matches!(s.kind, SpanKind::Network { answer: true, .. }))
        );
        let tail = windows.iter().find_map(|w| w.tail.clone()).unwrap();
        assert!(tail.tail.shares.iter().any(|s| s.phase == Phase::Network));
        assert_eq!(from_bytes::<Vec<Trace>>(&to_bytes(&picks)), Ok(picks));
        assert_eq!(from_bytes::<TailReport>(&to_bytes(&tail)), Ok(tail));
    }

    #[test]
    fn every_variant_round_trips() {
        let outline =
            scalesim_engine::outline::of_text(include_str!("../../scenarios/partition.toml"))
                .unwrap();
        let edits = vec![
            Edit::Set { path: "api.workers".into(), value: "4".into() },
            Edit::Unset { path: "api.timeout".into() },
            Edit::AddNode { kind: NodeKind::Cache, position: Some([1.0, -2.5]), behind: None },
            Edit::AddLoad { target: "api".into(), position: None },
            Edit::Remove { id: "db".into() },
            Edit::Connect { from: "api".into(), to: "db".into(), mode: Mode::Async },
            Edit::Disconnect { from: "api".into(), call: 2 },
            Edit::Rename { from: "api".into(), to: "edge".into() },
            Edit::Move { id: "api".into(), position: [3.0, 4.0] },
            Edit::SetLane { id: "db".into(), mode: Mode::Sync },
        ];
        let mut commands = vec![
            ToWorker::Load { file: "a.toml".into(), toml: "é ✓".into() },
            ToWorker::Play,
            ToWorker::Pause,
            ToWorker::SetSpeed { speed: Speed::X100 },
            ToWorker::SetLoadMultiplier { multiplier: f64::MAX },
            ToWorker::Step,
            ToWorker::Restart { seed: Some(u64::MAX) },
            ToWorker::Restart { seed: None },
            ToWorker::Sweep { param: "p".into(), runs: u32::MAX, duration_s: None },
            ToWorker::CancelSweep,
            ToWorker::Replay {
                seed: None,
                load: 1.0,
                history: Vec::new(),
                time_ns: 1 << 62,
                past_end: true,
            },
            ToWorker::Replay {
                seed: Some(3),
                load: 2.5,
                history: history(&edits),
                time_ns: 9,
                past_end: false,
            },
            ToWorker::Summary,
            ToWorker::Bench { customers: 0 },
            ToWorker::Record,
            ToWorker::Undo { id: 3 },
            ToWorker::Redo { id: u64::MAX },
            ToWorker::Text,
            ToWorker::SetTraces { on: true },
            ToWorker::SetTraces { on: false },
            ToWorker::ExportTraces,
            ToWorker::SetText { toml: "[scenario]\nname = \"é\"\n".into(), id: 6 },
            ToWorker::Check { toml: "a = \n".into(), id: 7 },
        ];
        commands.push(ToWorker::Edit { edit: Edit::Many { edits: edits.clone() }, id: 4 });
        commands.extend(edits.iter().cloned().map(|edit| ToWorker::Edit { edit, id: 5 }));
        for command in commands {
            assert_eq!(from_bytes::<ToWorker>(&to_bytes(&command)), Ok(command));
        }
        let reports = vec![
            FromWorker::Ready,
            FromWorker::Loaded(ScenarioInfo {
                file: "f".into(),
                name: "n".into(),
                description: Some("d".into()),
                watch: None,
                try_this: Some("t".into()),
                seed: 42,
                sweep_hint: "h".into(),
                outline: outline.clone(),
                edited: true,
            }),
            busy_frame(),
            FromWorker::Error { message: "e".into() },
            FromWorker::Stopped {
                message: "overload: …".into(),
                overload: Some(Overload {
                    retried: vec!["users".into()],
                    ..crate::overload_words::sample()
                }),
            },
            FromWorker::Applied {
                id: 7,
                revision: 9,
                outline,
                restarted: Some("renaming needs a fresh run".into()),
                can_undo: true,
                can_redo: false,
            },
            FromWorker::Text { file: "f".into(), toml: "t".into(), revision: 3 },
            FromWorker::Traces { json: "{}".into(), requests: 7, from_s: 0.5, to_s: 9.0 },
            FromWorker::Refused { id: 8, message: "m".into() },
            FromWorker::SweepProgress { done: 1, total: 2 },
            FromWorker::SweepDone {
                param: "p".into(),
                points: vec![SweepPoint {
                    value: 2.0,
                    offered_rps: Estimate { mean: 1.0, ci95: 0.1 },
                    goodput_rps: Estimate { mean: 0.9, ci95: 0.2 },
                    p99_ms: Some(Estimate { mean: 12.0, ci95: 1.0 }),
                    error_share: Estimate::default(),
                    unanswered_share: Estimate { mean: 0.5, ci95: 0.01 },
                    cost_per_million: Estimate { mean: 3.0, ci95: 0.0 },
                    knee: true,
                    slo_met: Some(false),
                }],
                usl: Some(UslFit { contention: 0.1, coherency: 0.01, x1: 100.0, peak: 9.5 }),
            },
            FromWorker::Summary { json: "{}".into() },
            FromWorker::BenchResult { name: "mm1".into(), customers_per_s: 1e6 },
            FromWorker::BenchDone { memory: vec![(0.0, 1.0), (3600.0, 2.0)] },
            FromWorker::Recorded { run: None, complete: true },
            FromWorker::Recorded {
                run: Some(Variant {
                    file: "f".into(),
                    toml: "t".into(),
                    seed: None,
                    time_ns: 5,
                    load: 0.5,
                    history: history(&edits),
                    past_end: true,
                }),
                complete: false,
            },
        ];
        for report in reports {
            assert_eq!(from_bytes::<FromWorker>(&to_bytes(&report)), Ok(report));
        }
    }

    #[test]
    fn every_cut_short_or_corrupted_message_is_refused_without_a_panic() {
        let bytes = to_bytes(&busy_frame());
        for len in 0..bytes.len() {
            assert!(from_bytes::<FromWorker>(&bytes[..len]).is_err(), "cut at {len}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(from_bytes::<FromWorker>(&longer), Err(WireError::Trailing));
        // Flip each byte in turn: whatever it decodes to, it never panics.
        for at in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[at] ^= 0xa5;
            let _ = from_bytes::<FromWorker>(&flipped);
        }
    }

    #[test]
    fn hostile_lengths_and_numbers_are_refused() {
        // A string that claims 2^63 bytes.
        let mut claim = vec![3];
        put_varint(1 << 63, &mut claim);
        assert_eq!(from_bytes::<FromWorker>(&claim), Err(WireError::Truncated));
        // A varint of eleven continuation bytes.
        let mut endless = vec![10];
        endless.extend([0xff; 11]);
        assert_eq!(from_bytes::<FromWorker>(&endless), Err(WireError::Overflow));
        // Ten bytes whose last carries bits past the 64th.
        let mut past = vec![10];
        past.extend([0xff; 9]);
        past.push(0x02);
        assert_eq!(from_bytes::<FromWorker>(&past), Err(WireError::Overflow));
        // u64::MAX itself, the widest that fits, still reads.
        assert_eq!(from_bytes::<u64>(&to_bytes(&u64::MAX)), Ok(u64::MAX));
        // A u32 field given a u64.
        let mut wide = vec![6];
        put_varint(u64::from(u32::MAX) + 1, &mut wide);
        put_varint(1, &mut wide);
        assert_eq!(from_bytes::<FromWorker>(&wide), Err(WireError::Overflow));
        // A string that is not UTF-8.
        assert_eq!(from_bytes::<FromWorker>(&[3, 2, 0xff, 0xfe]), Err(WireError::NotUtf8));
        assert_eq!(from_bytes::<ToWorker>(&[200]), Err(WireError::UnknownTag(200)));
        // Edits nested past the bound, or a hundred thousand deep: refused,
        // not a stack overflow.
        let mut deep = Edit::Remove { id: "x".into() };
        for _ in 0..40 {
            deep = Edit::Many { edits: vec![deep] };
        }
        assert_eq!(from_bytes::<Edit>(&to_bytes(&deep)), Err(WireError::TooDeep));
        let mut hostile = Vec::new();
        for _ in 0..100_000 {
            hostile.extend([10, 1]);
        }
        assert_eq!(from_bytes::<Edit>(&hostile), Err(WireError::TooDeep));
    }
}
