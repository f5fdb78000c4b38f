//! The inspector's catalogue: every parameter of a component, call or load
//! that the spec names, with its label, unit and range, and how a slider
//! maps onto it. Pure data (tested natively); `inspector` draws it.

use scalesim_engine::limits;
use scalesim_engine::scenario::NodeKind;

/// What sort of value a field holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldKind {
    /// A whole number in `min..=max`.
    Count { min: f64, max: f64 },
    /// A number in `min..=max`, with its unit.
    Number { min: f64, max: f64, unit: &'static str },
    /// A share between 0 and 1.
    Ratio,
    /// A duration, entered in milliseconds, up to `max_ms`.
    Duration { max_ms: f64 },
    /// A size, entered in megabytes (10⁶ bytes), up to `max_mb`.
    Size { max_mb: f64 },
    /// One of these words.
    Choice(&'static [&'static str]),
    /// On or off.
    Flag,
    /// A distribution of durations (`{ dist = "exp", mean = "5ms" }`).
    Dist,
    /// A zone: one the scenario already names, or a new short name.
    Zone,
}

/// One parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Field {
    /// Its path below the component (`queue.capacity`).
    pub key: &'static str,
    pub label: &'static str,
    pub kind: FieldKind,
}

const fn f(key: &'static str, label: &'static str, kind: FieldKind) -> Field {
    Field { key, label, kind }
}

const fn count(min: f64, max: f64) -> FieldKind {
    FieldKind::Count { min, max }
}
const fn ms(max_ms: f64) -> FieldKind {
    FieldKind::Duration { max_ms }
}
const fn num(min: f64, max: f64, unit: &'static str) -> FieldKind {
    FieldKind::Number { min, max, unit }
}

/// Workers of a replica (a service's workers, a database's connections, a
/// queue's consumers): what the scenario format accepts, so the slider's
/// far end and the number typed stop at the same value as the file does.
const WORKERS: FieldKind = count(1.0, limits::MAX_WORKERS as f64);

/// Replicas of a node, and an autoscaler's bounds: what the format accepts,
/// so the inspector and a live change stop at the same value as the file.
const REPLICA_COUNT: FieldKind = count(1.0, limits::MAX_REPLICAS as f64);

const REPLICAS: Field = f("replicas", "Replicas", REPLICA_COUNT);
const QUEUE: [Field; 4] = [
    f("queue.capacity", "Queue capacity (per replica)", count(0.0, 100_000.0)),
    f(
        "queue.discipline",
        "Queue discipline",
        FieldKind::Choice(&["fifo", "lifo", "priority", "adaptive_lifo"]),
    ),
    f("queue.max_wait", "Shed after waiting", ms(60_000.0)),
    f("queue.lifo_after", "Adaptive LIFO after", ms(10_000.0)),
];
const RATE_LIMIT: [Field; 3] = [
    f("rate_limit.rate", "Rate limit", num(0.0, 1_000_000.0, "req/s")),
    f("rate_limit.burst", "Rate limit burst", num(0.0, 100_000.0, "requests")),
    f("rate_limit.retry_after", "Retry-after hint", ms(60_000.0)),
];
const COORDINATION: [Field; 3] = [
    f("coordination.contention", "Contention σ", FieldKind::Ratio),
    f("coordination.coherency", "Coherency κ", num(0.0, 0.1, "")),
    f("coordination.scope", "Coordination among", FieldKind::Choice(&["replicas", "concurrency"])),
];
const MEMORY: [Field; 6] = [
    f("memory.per_request", "Memory per request", FieldKind::Size { max_mb: 10_000.0 }),
    f("memory.base", "Memory at rest", FieldKind::Size { max_mb: 100_000.0 }),
    f("memory.limit", "Memory limit (out of memory)", FieldKind::Size { max_mb: 1_000_000.0 }),
    f("memory.gc_from", "GC slows service past (share of limit)", FieldKind::Ratio),
    f("memory.gc_slowdown", "GC slowdown at the limit", num(1.0, 20.0, "×")),
    f("memory.restart", "Restart after out of memory", ms(600_000.0)),
];
const AUTOSCALE: [Field; 5] = [
    f("autoscale.min", "Autoscale min replicas", REPLICA_COUNT),
    f("autoscale.max", "Autoscale max replicas", REPLICA_COUNT),
    f("autoscale.target_utilization", "Autoscale target utilization", FieldKind::Ratio),
    f("autoscale.interval", "Autoscale interval", ms(600_000.0)),
    f("autoscale.provision_delay", "Provisioning delay", ms(600_000.0)),
];
const COST: [Field; 4] = [
    f("cost.per_replica_hour", "Cost per replica-hour", num(0.0, 100.0, "")),
    f("cost.per_request", "Cost per request", num(0.0, 0.01, "")),
    f("cost.log_bytes_per_request", "Log bytes per request", num(0.0, 100_000.0, "B")),
    f("cost.per_gb_logged", "Cost per GB logged", num(0.0, 10.0, "")),
];
const RETRY: [Field; 7] = [
    f("retry.attempts", "Attempts (first included)", count(1.0, 10.0)),
    f("retry.backoff", "Backoff", FieldKind::Choice(&["none", "constant", "exponential"])),
    f("retry.base", "Backoff base", ms(10_000.0)),
    f("retry.max", "Backoff max", ms(60_000.0)),
    f("retry.jitter", "Jitter", FieldKind::Choice(&["none", "full", "equal", "decorrelated"])),
    f("retry.budget", "Retry budget (share of calls)", FieldKind::Ratio),
    f("retry.respect_retry_after", "Respect retry-after", FieldKind::Flag),
];

const REPLICATION: [Field; 7] = [
    f("replication.followers", "Followers", count(1.0, 100.0)),
    f("replication.mode", "Replication", FieldKind::Choice(&["async", "sync"])),
    f("replication.lag", "Replication lag", FieldKind::Dist),
    f("replication.acks", "Acks before a write is answered", count(1.0, 100.0)),
    f("replication.read_from", "Reads from", FieldKind::Choice(&["leader", "followers", "any"])),
    f("keys", "Keys (requests' key model)", count(1.0, 100_000_000.0)),
    f("skew", "Zipf skew", num(0.0, 3.0, "")),
];

/// Where a component or a load is: messages to other zones cross a link.
const ZONE: Field = f("zone", "Zone", FieldKind::Zone);

/// The fields of a component of `kind`, in the order the inspector shows
/// them.
pub fn node_fields(kind: NodeKind) -> Vec<Field> {
    let mut out = vec![ZONE];
    match kind {
        NodeKind::Service | NodeKind::Database => {
            out.push(REPLICAS);
            out.push(if kind == NodeKind::Database {
                f("pool", "Connections per replica", WORKERS)
            } else {
                f("workers", "Workers per replica", WORKERS)
            });
            out.push(f("service_time", "Service time", FieldKind::Dist));
            out.extend(QUEUE);
            out.push(f(
                "balancer",
                "Balancer",
                FieldKind::Choice(&["round_robin", "random", "least_outstanding", "p2c"]),
            ));
            out.push(f(
                "io",
                "I/O while waiting on calls",
                FieldKind::Choice(&["blocking", "nonblocking"]),
            ));
            out.push(f("error_rate", "Error rate", FieldKind::Ratio));
            out.extend(RATE_LIMIT);
            out.extend(COORDINATION);
            out.extend(MEMORY);
            out.extend(AUTOSCALE);
            if kind == NodeKind::Database {
                out.extend(REPLICATION);
            }
        }
        NodeKind::External => {
            out.push(f("latency", "Latency", FieldKind::Dist));
            out.push(f("error_rate", "Error rate", FieldKind::Ratio));
            out.extend(RATE_LIMIT);
        }
        NodeKind::Cache => {
            out.push(f("hit_ratio", "Hit ratio (fixed)", FieldKind::Ratio));
            out.push(f("keys", "Keys (key model)", count(1.0, 100_000_000.0)));
            out.push(f("skew", "Zipf skew", num(0.0, 3.0, "")));
            out.push(f("ttl", "Time to live", ms(3_600_000.0)));
            out.push(f("capacity", "Keys held", count(1.0, 100_000_000.0)));
            out.push(f("hit_time", "Lookup time", FieldKind::Dist));
            out.push(f("coalesce", "Coalesce concurrent misses", FieldKind::Flag));
        }
        NodeKind::Queue => {
            out.push(f("consumers", "Consumers", WORKERS));
            out.push(f("capacity", "Capacity (messages)", count(1.0, 10_000_000.0)));
            out.push(f("max_deliveries", "Deliveries before dead letter", count(1.0, 100.0)));
            out.push(f("delivery_timeout", "Visibility timeout", ms(3_600_000.0)));
        }
    }
    out.extend(COST);
    out
}

/// The fields of a call.
pub fn call_fields() -> Vec<Field> {
    let mut out = vec![
        f("mode", "Mode", FieldKind::Choice(&["sync", "async"])),
        f("timeout", "Timeout", ms(60_000.0)),
        f("cancel_on_timeout", "Cancel the callee's work on timeout", FieldKind::Flag),
    ];
    out.extend(RETRY);
    out.extend([
        f("probability", "Share of requests that call", FieldKind::Ratio),
        f("fanout", "Fan-out (parallel copies)", count(1.0, 10_000.0)),
        f("wait_for", "Copies to wait for", count(1.0, 10_000.0)),
        f("group", "Parallel group", count(0.0, 100.0)),
        f("fallback", "On failure", FieldKind::Choice(&["fail", "degrade"])),
        f("bulkhead", "Bulkhead (attempts in flight)", count(1.0, 100_000.0)),
        f("hedge", "Hedge after", ms(60_000.0)),
        f("breaker.failure_rate", "Breaker opens at failure rate", FieldKind::Ratio),
        f("breaker.window", "Breaker window", ms(600_000.0)),
        f("breaker.min_calls", "Breaker minimum calls", count(1.0, 10_000.0)),
        f("breaker.open_for", "Breaker stays open for", ms(600_000.0)),
        f("latency", "Network latency (one way, replaces the network's)", FieldKind::Dist),
        f("op", "At a database", FieldKind::Choice(&["read", "write"])),
    ]);
    out
}

/// The fields of a load.
pub fn load_fields() -> Vec<Field> {
    let mut out = vec![
        f("rate", "Rate", num(0.0, 1_000_000.0, "req/s")),
        f("arrival", "Arrivals", FieldKind::Choice(&["poisson", "uniform", "bursty"])),
        f("users", "Users (closed loop)", count(1.0, 1_000_000.0)),
        f("think_time", "Think time", FieldKind::Dist),
        f("timeout", "User timeout", ms(600_000.0)),
        f("work", "Work multiplier", num(0.01, 100.0, "×")),
        f("priority", "Priority", count(0.0, 10.0)),
        f("burst.multiplier", "Burst multiplier", num(1.0, 100.0, "×")),
        f("burst.share", "Share of time in bursts", FieldKind::Ratio),
        f("burst.length", "Burst length", ms(600_000.0)),
    ];
    out.extend(RETRY);
    out.extend(RATE_LIMIT);
    out.push(ZONE);
    out
}

/// What the engine uses when a key is not written, as the inspector shows
/// it (durations in milliseconds); `None` where absence means "none" or
/// "unbounded" and the field says so itself.
pub fn default_of(key: &str) -> Option<&'static str> {
    Some(match key {
        "replicas" | "workers" | "consumers" | "retry.attempts" | "fanout" | "probability"
        | "work" | "autoscale.min" | "skew" => "1",
        "error_rate" | "priority" => "0",
        "queue.discipline" => "fifo",
        "queue.lifo_after" => "100",
        "balancer" => "round_robin",
        "io" => "blocking",
        "mode" => "sync",
        "cancel_on_timeout" | "coalesce" | "retry.respect_retry_after" => "false",
        "retry.backoff" => "exponential",
        "retry.base" => "10",
        "retry.max" => "1000",
        "retry.jitter" => "none",
        "op" => "read",
        "replication.mode" => "async",
        "replication.read_from" => "leader",
        "replication.acks" => "1",
        "fallback" => "fail",
        "arrival" => "poisson",
        "max_deliveries" => "5",
        "delivery_timeout" => "30000",
        "autoscale.target_utilization" => "0.7",
        "autoscale.interval" => "15000",
        "autoscale.provision_delay" => "60000",
        "memory.base" => "0",
        "memory.gc_from" => "0.7",
        "memory.gc_slowdown" => "2",
        "memory.restart" => "10000",
        _ => return None,
    })
}

/// A distribution parameter: its key, and `None` for a duration or the
/// unit of a plain number (`"share"` for a share).
pub type DistParam = (&'static str, Option<&'static str>);

/// Distribution shapes and their parameters.
pub const DISTS: [(&str, &[DistParam]); 6] = [
    ("const", &[("value", None)]),
    ("exp", &[("mean", None)]),
    ("uniform", &[("min", None), ("max", None)]),
    ("lognormal", &[("p50", None), ("p99", None)]),
    ("bimodal", &[("fast", None), ("slow", None), ("slow_share", Some("share"))]),
    ("pareto", &[("scale", None), ("shape", Some("")), ("max", None)]),
];

/// A new distribution of shape `dist` about as long as `typical_ms`, as a
/// TOML inline table.
pub fn dist_value(dist: &str, typical_ms: f64) -> String {
    let t = typical_ms.max(0.001);
    let d = |v: f64| format!("\"{}\"", duration_text(v));
    match dist {
        "const" => format!("{{ dist = \"const\", value = {} }}", d(t)),
        "uniform" => {
            format!("{{ dist = \"uniform\", min = {}, max = {} }}", d(t / 2.0), d(t * 1.5))
        }
        "lognormal" => format!("{{ dist = \"lognormal\", p50 = {}, p99 = {} }}", d(t), d(t * 5.0)),
        "bimodal" => format!(
            "{{ dist = \"bimodal\", fast = {}, slow = {}, slow_share = 0.01 }}",
            d(t),
            d(t * 20.0)
        ),
        "pareto" => format!("{{ dist = \"pareto\", scale = {}, shape = 1.5 }}", d(t / 3.0)),
        _ => format!("{{ dist = \"exp\", mean = {} }}", d(t)),
    }
}

/// Milliseconds as the file writes a duration: `250ms`, `1.5s`, `800us`.
pub fn duration_text(ms: f64) -> String {
    let trim = |v: f64| {
        let s = format!("{:.3}", v);
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    };
    if ms >= 1000.0 && (ms / 1000.0).fract() == 0.0 || ms >= 10_000.0 {
        format!("{}s", trim(ms / 1000.0))
    } else if ms < 1.0 {
        format!("{}us", trim(ms * 1000.0))
    } else {
        format!("{}ms", trim(ms))
    }
}

/// A duration as the file writes it, in milliseconds (`None` if unreadable).
pub fn duration_ms(text: &str) -> Option<f64> {
    scalesim_engine::SimDuration::parse(text.trim()).ok().map(|d| d.as_millis_f64())
}

/// A size as the file writes it (`"512MB"`), in megabytes.
pub fn size_mb(text: &str) -> Option<f64> {
    let text = text.trim().trim_matches('"');
    scalesim_engine::memory::ByteSize::parse(text).ok().map(|s| s.as_f64() / 1e6)
}

/// Where a value sits on its slider, 0..=1000. Wide ranges use a log scale
/// so that 1, 10 and 10 000 are all reachable.
pub fn slider_position(kind: FieldKind, value: f64) -> f64 {
    let (lo, hi, log) = range(kind);
    let p = if log {
        ((value.max(lo) + 1.0).ln() - (lo + 1.0).ln()) / ((hi + 1.0).ln() - (lo + 1.0).ln())
    } else {
        (value - lo) / (hi - lo)
    };
    (p.clamp(0.0, 1.0) * 1000.0).round()
}

/// The value at slider position `p` (0..=1000), rounded as the kind wants.
pub fn slider_value(kind: FieldKind, p: f64) -> f64 {
    let (lo, hi, log) = range(kind);
    let t = (p / 1000.0).clamp(0.0, 1.0);
    let v = if log {
        ((lo + 1.0).ln() + t * ((hi + 1.0).ln() - (lo + 1.0).ln())).exp() - 1.0
    } else {
        lo + t * (hi - lo)
    };
    match kind {
        FieldKind::Count { .. } => v.round(),
        FieldKind::Ratio => (v * 1000.0).round() / 1000.0,
        _ => round_sig(v, 3),
    }
}

fn range(kind: FieldKind) -> (f64, f64, bool) {
    match kind {
        FieldKind::Count { min, max } | FieldKind::Number { min, max, .. } => {
            (min, max, max - min > 200.0)
        }
        FieldKind::Ratio => (0.0, 1.0, false),
        FieldKind::Duration { max_ms } => (0.0, max_ms, true),
        FieldKind::Size { max_mb } => (0.0, max_mb, true),
        _ => (0.0, 1.0, false),
    }
}

fn round_sig(v: f64, digits: i32) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let scale = 10f64.powi(digits - 1 - v.abs().log10().floor() as i32);
    (v * scale).round() / scale
}

/// Checks what the user typed for a field, and gives the value as the file
/// writes it, or a message for beside the field.
pub fn parse_entry(kind: FieldKind, text: &str) -> Result<String, String> {
    let text = text.trim();
    let number = || text.parse::<f64>().map_err(|_| format!("`{text}` is not a number"));
    match kind {
        FieldKind::Count { min, max } => {
            let v = number()?;
            if v.fract() != 0.0 || v < min || v > max {
                let (min, max) =
                    (crate::format::whole(min as u64), crate::format::whole(max as u64));
                return Err(format!("a whole number from {min} to {max}"));
            }
            Ok(format!("{v}"))
        }
        FieldKind::Number { min, max, .. } => {
            let v = number()?;
            if !(min..=max).contains(&v) {
                return Err(format!("a number from {min} to {max}"));
            }
            Ok(format!("{v}"))
        }
        FieldKind::Ratio => {
            let v = number()?;
            if !(0.0..=1.0).contains(&v) {
                return Err("a share from 0 to 1".to_owned());
            }
            Ok(format!("{v}"))
        }
        FieldKind::Duration { .. } => {
            let ms = match text.parse::<f64>() {
                Ok(v) => v,
                Err(_) => duration_ms(text).ok_or_else(|| {
                    format!("`{text}` is not a duration: milliseconds, or e.g. 250ms, 2s")
                })?,
            };
            if !(ms.is_finite() && ms >= 0.0) {
                return Err("a duration of zero or more".to_owned());
            }
            Ok(format!("\"{}\"", duration_text(ms)))
        }
        FieldKind::Size { .. } => {
            let mb = match text.parse::<f64>() {
                Ok(v) => v,
                Err(_) => size_mb(text).ok_or_else(|| {
                    format!("`{text}` is not a size: megabytes, or e.g. 512MB, 1GB")
                })?,
            };
            if !(mb.is_finite() && mb >= 0.0) {
                return Err("a size of zero or more".to_owned());
            }
            let bytes = scalesim_engine::memory::ByteSize::from_bytes((mb * 1e6).round() as u64);
            Ok(format!("\"{bytes}\""))
        }
        FieldKind::Choice(options) => {
            if !options.is_empty() && !options.contains(&text) {
                return Err(format!("one of {}", options.join(", ")));
            }
            Ok(format!("\"{text}\""))
        }
        FieldKind::Flag => match text {
            "true" | "false" => Ok(text.to_owned()),
            _ => Err("true or false".to_owned()),
        },
        FieldKind::Dist => Ok(text.to_owned()),
        FieldKind::Zone => {
            let short = text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if text.is_empty() || !short || text.len() > 64 {
                return Err("a short name: letters, digits, - and _".to_owned());
            }
            Ok(format!("\"{text}\""))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_entered_in_megabytes_or_with_a_unit() {
        let kind = FieldKind::Size { max_mb: 10_000.0 };
        assert_eq!(parse_entry(kind, "512"), Ok("\"512MB\"".to_owned()));
        assert_eq!(parse_entry(kind, "1GB"), Ok("\"1GB\"".to_owned()));
        assert_eq!(parse_entry(kind, "2.5"), Ok("\"2500KB\"".to_owned()));
        assert!(parse_entry(kind, "lots").unwrap_err().contains("not a size"));
        assert_eq!(size_mb("\"1GB\""), Some(1000.0));
        let fields = node_fields(NodeKind::Service);
        assert!(fields.iter().any(|f| f.key == "memory.limit"));
        assert!(!node_fields(NodeKind::Cache).iter().any(|f| f.key.starts_with("memory.")));
    }

    /// The workers' slider, their number field and the scenario format
    /// share one bound: the slider's far end is the largest number the
    /// field takes, and the file takes it too.
    #[test]
    fn workers_stop_where_the_format_does() {
        let max = limits::MAX_WORKERS;
        for (kind, key) in [
            (NodeKind::Service, "workers"),
            (NodeKind::Database, "pool"),
            (NodeKind::Queue, "consumers"),
        ] {
            let field = node_fields(kind).into_iter().find(|f| f.key == key).unwrap();
            assert_eq!(slider_value(field.kind, 1000.0), f64::from(max), "{key}");
            assert_eq!(parse_entry(field.kind, &max.to_string()), Ok(max.to_string()), "{key}");
            let over = parse_entry(field.kind, &(max + 1).to_string()).unwrap_err();
            assert_eq!(over, "a whole number from 1 to 100\u{202f}000", "{key}");
        }
        let text = include_str!("../scenarios/checkout.toml").replacen(
            "workers = 16",
            &format!("workers = {max}"),
            1,
        );
        assert!(text.contains(&format!("workers = {max}")));
        assert!(scalesim_engine::Scenario::from_toml("checkout.toml", &text).is_ok());
        let over = text.replace(&format!("workers = {max}"), &format!("workers = {}", max + 1));
        assert!(scalesim_engine::Scenario::from_toml("checkout.toml", &over).is_err());
    }

    /// Replicas, typed in the inspector or as a live change (which the
    /// format's reader checks), stop at the format's one bound.
    #[test]
    fn replicas_stop_where_the_format_does() {
        let max = limits::MAX_REPLICAS;
        for key in ["replicas", "autoscale.min", "autoscale.max"] {
            let field = node_fields(NodeKind::Service).into_iter().find(|f| f.key == key).unwrap();
            assert_eq!(slider_value(field.kind, 1000.0), f64::from(max), "{key}");
            assert_eq!(parse_entry(field.kind, &max.to_string()), Ok(max.to_string()), "{key}");
            let over = parse_entry(field.kind, &(max + 1).to_string()).unwrap_err();
            assert_eq!(over, "a whole number from 1 to 10\u{202f}000", "{key}");
        }
    }

    #[test]
    fn sliders_round_trip_and_reach_both_ends() {
        for kind in [count(1.0, 10_000.0), ms(60_000.0), FieldKind::Ratio, num(0.0, 1e6, "req/s")] {
            let (lo, hi, _) = range(kind);
            assert_eq!(slider_value(kind, 0.0), lo, "{kind:?}");
            assert!((slider_value(kind, 1000.0) - hi).abs() / hi < 1e-3, "{kind:?}");
            for v in [lo, hi / 7.0, hi / 2.0] {
                let back = slider_value(kind, slider_position(kind, v));
                assert!((back - v).abs() <= hi * 0.01 + 1.0, "{kind:?}: {v} → {back}");
            }
        }
    }

    #[test]
    fn entries_are_checked_and_written_as_the_file_does() {
        assert_eq!(parse_entry(ms(1e4), "250"), Ok("\"250ms\"".to_owned()));
        assert_eq!(parse_entry(ms(1e4), "2s"), Ok("\"2s\"".to_owned()));
        assert_eq!(parse_entry(ms(1e4), "0.5"), Ok("\"500us\"".to_owned()));
        assert!(parse_entry(ms(1e4), "soon").is_err());
        assert_eq!(parse_entry(FieldKind::Zone, " us-east "), Ok("\"us-east\"".to_owned()));
        assert!(parse_entry(FieldKind::Zone, "us east").is_err());
        assert!(parse_entry(FieldKind::Zone, "eu\"").is_err());
        // Every component and load can be placed in a zone.
        assert_eq!(node_fields(NodeKind::Cache)[0].kind, FieldKind::Zone);
        assert!(load_fields().iter().any(|f| f.kind == FieldKind::Zone));
        assert!(parse_entry(count(1.0, 10.0), "2.5").is_err());
        assert!(parse_entry(count(1.0, 10.0), "0").is_err());
        assert_eq!(parse_entry(count(1.0, 10.0), "4"), Ok("4".to_owned()));
        assert!(parse_entry(FieldKind::Ratio, "1.2").is_err());
        assert!(parse_entry(FieldKind::Choice(&["sync", "async"]), "later").is_err());
        assert_eq!(duration_text(1500.0), "1500ms");
        assert_eq!(duration_text(2000.0), "2s");
        assert_eq!(duration_ms("1.5s"), Some(1500.0));
    }

    fn word<T: serde::Serialize>(v: &T) -> Option<String> {
        serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned))
    }

    #[test]
    fn shown_defaults_are_the_engines() {
        use scalesim_engine::Scenario;
        let text = "[scenario]\nname = \"d\"\n[[load]]\nid = \"u\"\ntarget = \"a\"\nrate = 1\nretry = {}\n\
                    [[node]]\nid = \"a\"\nkind = \"service\"\nservice_time = { dist = \"exp\", mean = \"1ms\" }\n\
                    [[node.call]]\nto = \"b\"\n[[node]]\nid = \"b\"\nkind = \"service\"\nservice_time = { dist = \"exp\", mean = \"1ms\" }\n";
        let s = Scenario::from_toml("d", text).unwrap_or_else(|e| panic!("{e}"));
        let (node, call, load) = (&s.nodes[0], &s.nodes[0].calls[0], &s.loads[0]);
        let retry = load.retry.clone().unwrap_or_else(|| panic!("retry"));
        let d = |k: &str| default_of(k).unwrap_or_else(|| panic!("{k}"));
        assert_eq!(d("replicas"), node.replicas.to_string());
        assert_eq!(d("workers"), node.workers.to_string());
        assert_eq!(d("fanout"), call.fanout.to_string());
        assert_eq!(d("probability").parse::<f64>().ok(), Some(call.probability));
        assert_eq!(d("work").parse::<f64>().ok(), Some(load.work));
        assert_eq!(d("retry.attempts"), retry.attempts.to_string());
        assert_eq!(d("retry.base").parse::<f64>().ok(), Some(retry.base.as_millis_f64()));
        assert_eq!(d("retry.max").parse::<f64>().ok(), Some(retry.max.as_millis_f64()));
        assert_eq!(word(&node.balancer).as_deref(), Some(d("balancer")));
        assert_eq!(word(&node.io).as_deref(), Some(d("io")));
        assert_eq!(word(&node.queue.discipline).as_deref(), Some(d("queue.discipline")));
        assert_eq!(word(&call.mode).as_deref(), Some(d("mode")));
        assert_eq!(word(&call.fallback).as_deref(), Some(d("fallback")));
        assert_eq!(word(&retry.backoff).as_deref(), Some(d("retry.backoff")));
        assert_eq!(word(&retry.jitter).as_deref(), Some(d("retry.jitter")));
        assert_eq!(word(&load.arrival).as_deref(), Some(d("arrival")));
        assert_eq!(word(&call.op).as_deref(), Some(d("op")));
        let r: scalesim_engine::network::ReplicationSpec =
            toml::from_str("followers = 2\nlag = { dist = \"exp\", mean = \"1ms\" }")
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(word(&r.mode).as_deref(), Some(d("replication.mode")));
        assert_eq!(word(&r.read_from).as_deref(), Some(d("replication.read_from")));
    }

    #[test]
    fn every_kind_has_fields_and_every_dist_a_default() {
        for kind in NodeKind::ALL {
            assert!(node_fields(kind).len() > 4, "{kind}");
        }
        assert!(call_fields().iter().any(|f| f.key == "retry.budget"));
        assert!(load_fields().iter().any(|f| f.key == "rate"));
        for (dist, _) in DISTS {
            let text = format!("service_time = {}", dist_value(dist, 5.0));
            let _: toml::Table = text.parse().unwrap_or_else(|e| panic!("{dist}: {e}"));
        }
    }
}
