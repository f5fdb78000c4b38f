//! Traces as OpenTelemetry's OTLP JSON (the `ExportTraceServiceRequest`
//! of `opentelemetry-proto`, in its JSON mapping), so that simulated
//! traces open in the tools that read real ones (Jaeger, Grafana Tempo).
//!
//! Pure data: [`resource_spans`] turns a window's traces into serde types;
//! the caller writes them (`scalesim run --traces` streams one window at
//! a time inside `{"resourceSpans":[ … ]}`). Field names, ids and values
//! follow the protocol's JSON encoding: `traceId` 32 and `spanId` 16 lower
//! hex characters, 64-bit integers (times, `intValue`) as decimal strings,
//! `kind` and `status.code` as the enums' numbers.
//!
//! Simulated time zero is [`EPOCH`] (`EPOCH_UNIX_NANO` after the Unix
//! epoch), stated on every resource as `scalesim.epoch`.
//!
//! Each node (and each load, for the user's side) is a resource with
//! `service.name` = its id. A trace's spans: the request (the load's,
//! `CLIENT`); each call attempt (the caller's: `CLIENT`, or `PRODUCER` for
//! an async hand-over); each visit (the node's, `SERVER`) with its phases
//! as child spans (`INTERNAL`: "queued", "in service", "waiting on
//! calls"); each backoff (the caller's, `INTERNAL`); with a `[network]`,
//! each message of an attempt crossing a hop with latency (the caller's,
//! `INTERNAL`, named "network → NODE" for the request and "network ← NODE"
//! for its answer, `scalesim.phase` = `network`, `scalesim.network_ns` its
//! duration).

use serde::{Deserialize, Serialize};

use crate::outcome::Outcome;
use crate::scenario::{Mode, Scenario};
use crate::trace::{Span, SpanKind, Trace, TraceWindow};

/// Simulated time zero, as wall-clock time.
pub const EPOCH: &str = "2000-01-01T00:00:00Z";
/// [`EPOCH`] in nanoseconds after 1970-01-01T00:00:00Z.
pub const EPOCH_UNIX_NANO: u64 = 946_684_800_000_000_000;

/// OTLP's `SpanKind` numbers.
pub const KIND_INTERNAL: u8 = 1;
pub const KIND_SERVER: u8 = 2;
pub const KIND_CLIENT: u8 = 3;
pub const KIND_PRODUCER: u8 = 4;

/// OTLP's `Status.code` numbers.
pub const STATUS_UNSET: u8 = 0;
pub const STATUS_OK: u8 = 1;
pub const STATUS_ERROR: u8 = 2;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceSpans {
    pub resource: Resource,
    pub scope_spans: Vec<ScopeSpans>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    pub attributes: Vec<KeyValue>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScopeSpans {
    pub scope: Scope,
    pub spans: Vec<OtlpSpan>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scope {
    pub name: String,
    pub version: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OtlpSpan {
    pub trace_id: String,
    pub span_id: String,
    /// Empty for a trace's root, as OTLP writes it.
    pub parent_span_id: String,
    pub name: String,
    pub kind: u8,
    pub start_time_unix_nano: String,
    pub end_time_unix_nano: String,
    pub attributes: Vec<KeyValue>,
    pub status: Status,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Status {
    pub code: u8,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyValue {
    pub key: String,
    pub value: AnyValue,
}

/// OTLP's `AnyValue`, the kinds used here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AnyValue {
    #[serde(rename = "stringValue")]
    String(String),
    /// A 64-bit integer: a decimal string in OTLP JSON.
    #[serde(rename = "intValue")]
    Int(String),
    #[serde(rename = "boolValue")]
    Bool(bool),
}

fn string(key: &str, value: impl Into<String>) -> KeyValue {
    KeyValue { key: key.to_owned(), value: AnyValue::String(value.into()) }
}

fn int(key: &str, value: u64) -> KeyValue {
    KeyValue { key: key.to_owned(), value: AnyValue::Int(value.to_string()) }
}

fn flag(key: &str, value: bool) -> KeyValue {
    KeyValue { key: key.to_owned(), value: AnyValue::Bool(value) }
}

/// The trace id of request `id` of a run with `seed`: 32 hex characters.
pub fn trace_id(seed: u64, id: u64) -> String {
    format!("{seed:016x}{id:016x}")
}

/// The id of span `index` of request `id` (`part` 0 for the span itself,
/// 1–3 for a visit's phases): 16 hex characters, never all zeros, unique
/// in the run.
pub fn span_id(id: u64, index: usize, part: usize) -> String {
    format!("{:016x}", (id << 16) | (1 + index as u64 * 4 + part as u64))
}

fn time(ns: u64) -> String {
    EPOCH_UNIX_NANO.saturating_add(ns).to_string()
}

fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Ok => "ok",
        Outcome::Degraded => "degraded",
        Outcome::Error => "error",
        Outcome::Timeout => "timeout",
        Outcome::Rejected => "rejected",
    }
}

fn status(span: &Span) -> Status {
    match span.outcome {
        Some(o) if o.is_success() => Status { code: STATUS_OK, message: String::new() },
        Some(o) => Status { code: STATUS_ERROR, message: outcome_name(o).to_owned() },
        None => Status { code: STATUS_UNSET, message: String::new() },
    }
}

/// Who a span belongs to: a node (`Some(node)`) or the user's side.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Owner {
    Load(u32),
    Node(u32),
}

fn owner(spans: &[Span], i: usize) -> Owner {
    match spans[i].kind {
        SpanKind::Request { load } => Owner::Load(load),
        SpanKind::Visit { node, .. } => Owner::Node(node),
        SpanKind::Attempt { .. } | SpanKind::Backoff { .. } | SpanKind::Network { .. } => {
            let mut at = spans[i].parent;
            while let Some(p) = at {
                match spans[p as usize].kind {
                    SpanKind::Request { load } => return Owner::Load(load),
                    SpanKind::Visit { node, .. } => return Owner::Node(node),
                    _ => at = spans[p as usize].parent,
                }
            }
            Owner::Load(0)
        }
    }
}

fn node_name(scenario: &Scenario, i: u32) -> &str {
    scenario.nodes.get(i as usize).map_or("?", |n| n.id.as_str())
}

fn load_name(scenario: &Scenario, i: u32) -> &str {
    scenario.loads.get(i as usize).map_or("?", |l| l.id.as_str())
}

/// A window's traces as OTLP resource spans: one resource per node or
/// load that owns spans in them.
pub fn resource_spans(window: &TraceWindow, scenario: &Scenario) -> Vec<ResourceSpans> {
    let node_id = |i: u32| node_name(scenario, i);
    let load_id = |i: u32| load_name(scenario, i);
    let mut by_owner: std::collections::BTreeMap<Owner, Vec<OtlpSpan>> = Default::default();
    for trace in &window.traces {
        for (i, span) in trace.spans.iter().enumerate() {
            let owned = owner(&trace.spans, i);
            let spans = by_owner.entry(owned).or_default();
            otlp_spans(trace, i, span, scenario, spans);
        }
    }
    by_owner
        .into_iter()
        .map(|(owned, spans)| {
            let name = match owned {
                Owner::Node(n) => node_id(n),
                Owner::Load(l) => load_id(l),
            };
            let kind = if matches!(owned, Owner::Node(_)) { "node" } else { "load" };
            ResourceSpans {
                resource: Resource {
                    attributes: vec![
                        string("service.name", name),
                        string("scalesim.component", kind),
                        string("scalesim.scenario", scenario.scenario.name.clone()),
                        int("scalesim.seed", scenario.scenario.seed),
                        string("scalesim.epoch", EPOCH),
                    ],
                },
                scope_spans: vec![ScopeSpans {
                    scope: Scope {
                        name: "scalesim".to_owned(),
                        version: env!("CARGO_PKG_VERSION").to_owned(),
                    },
                    spans,
                }],
            }
        })
        .collect()
}

/// Span `i` of `trace` (and, for a visit, its phases) in OTLP.
fn otlp_spans(trace: &Trace, i: usize, span: &Span, scenario: &Scenario, out: &mut Vec<OtlpSpan>) {
    let node_id = |i: u32| node_name(scenario, i);
    let load_id = |i: u32| load_name(scenario, i);
    let trace_id = trace_id(scenario.scenario.seed, trace.id);
    let parent = span.parent.map_or(String::new(), |p| span_id(trace.id, p as usize, 0));
    let mut attributes = Vec::new();
    if let Some(o) = span.outcome {
        attributes.push(string("scalesim.outcome", outcome_name(o)));
    }
    if span.abandoned {
        attributes.push(flag("scalesim.abandoned", true));
    }
    let (name, kind, phase) = match span.kind {
        SpanKind::Request { load } => {
            attributes.push(string("scalesim.load", load_id(load)));
            attributes.push(int("scalesim.window", trace.window));
            attributes.push(int("scalesim.request", trace.id));
            attributes.push(int("scalesim.latency_ns", trace.latency_ns()));
            attributes.push(flag("scalesim.slowest", trace.slowest));
            attributes.push(flag("scalesim.sampled", trace.sampled));
            if trace.truncated {
                attributes.push(flag("scalesim.truncated", true));
            }
            (format!("{} request", load_id(load)), KIND_CLIENT, "request")
        }
        SpanKind::Attempt { to, attempt, mode, fanout, timeout_ns, refused } => {
            attributes.push(string("scalesim.to", node_id(to)));
            attributes.push(int("scalesim.attempt", u64::from(attempt)));
            let sync = mode == Mode::Sync;
            attributes.push(string("scalesim.mode", if sync { "sync" } else { "async" }));
            if fanout > 1 {
                attributes.push(int("scalesim.fanout", u64::from(fanout)));
            }
            if let Some(t) = timeout_ns {
                attributes.push(int("scalesim.timeout_ns", t));
            }
            if let Some(r) = refused {
                let why = match r {
                    crate::trace::Refusal::Bulkhead => "bulkhead",
                    crate::trace::Refusal::Breaker => "breaker",
                    crate::trace::Refusal::TenantLimit => "tenant_limit",
                    crate::trace::Refusal::Door => "door",
                };
                attributes.push(string("scalesim.refused", why));
            }
            let name = if attempt > 1 {
                format!("call {} (attempt {attempt})", node_id(to))
            } else {
                format!("call {}", node_id(to))
            };
            (name, if sync { KIND_CLIENT } else { KIND_PRODUCER }, "call")
        }
        SpanKind::Visit { node, replica, blocking, copy, .. } => {
            attributes.push(string("scalesim.node", node_id(node)));
            attributes.push(int("scalesim.replica", u64::from(replica)));
            let [queued, service, calling] = span.phases();
            attributes.push(int("scalesim.queued_ns", queued));
            attributes.push(int("scalesim.in_service_ns", service));
            attributes.push(int("scalesim.waiting_on_calls_ns", calling));
            attributes
                .push(string("scalesim.io", if blocking { "blocking" } else { "nonblocking" }));
            attributes.push(int("scalesim.copy", u64::from(copy)));
            (format!("visit {}", node_id(node)), KIND_SERVER, "visit")
        }
        SpanKind::Backoff { next_attempt } => {
            attributes.push(int("scalesim.next_attempt", u64::from(next_attempt)));
            ("backoff".to_owned(), KIND_INTERNAL, "backing_off")
        }
        SpanKind::Network { to, answer } => {
            attributes.push(string("scalesim.to", node_id(to)));
            attributes.push(string("scalesim.message", if answer { "answer" } else { "request" }));
            attributes.push(int("scalesim.network_ns", span.duration_ns()));
            let name = if answer {
                format!("network ← {}", node_id(to))
            } else {
                format!("network → {}", node_id(to))
            };
            (name, KIND_INTERNAL, "network")
        }
    };
    attributes.push(string("scalesim.phase", phase));
    out.push(OtlpSpan {
        trace_id: trace_id.clone(),
        span_id: span_id(trace.id, i, 0),
        parent_span_id: parent,
        name,
        kind,
        start_time_unix_nano: time(span.start_ns),
        end_time_unix_nano: time(span.end_ns),
        attributes,
        status: status(span),
    });
    if let SpanKind::Visit { node, replica, .. } = span.kind {
        let [queued, service, _] = span.phases();
        let cuts = [
            (span.start_ns, span.start_ns + queued, "queued", "queued"),
            (span.start_ns + queued, span.start_ns + queued + service, "in service", "in_service"),
            (span.start_ns + queued + service, span.end_ns, "waiting on calls", "waiting_on_call"),
        ];
        for (part, (start, end, name, phase)) in cuts.into_iter().enumerate() {
            if end <= start {
                continue;
            }
            out.push(OtlpSpan {
                trace_id: trace_id.clone(),
                span_id: span_id(trace.id, i, part + 1),
                parent_span_id: span_id(trace.id, i, 0),
                name: name.to_owned(),
                kind: KIND_INTERNAL,
                start_time_unix_nano: time(start),
                end_time_unix_nano: time(end),
                attributes: vec![
                    string("scalesim.node", node_id(node)),
                    int("scalesim.replica", u64::from(replica)),
                    string("scalesim.phase", phase),
                ],
                status: Status { code: STATUS_UNSET, message: String::new() },
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_protocols_widths() {
        assert_eq!(trace_id(42, 1).len(), 32);
        assert_eq!(span_id(1, 0, 0).len(), 16);
        assert_ne!(span_id(0, 0, 0), "0000000000000000");
        assert_ne!(span_id(7, 3, 0), span_id(7, 2, 3));
        assert_eq!(time(0), "946684800000000000");
    }
}
