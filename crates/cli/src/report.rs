//! The human summary `scalesim run` prints without `--json`.

use std::fmt::Write;

use scalesim_engine::trace::TailReport;
use scalesim_engine::{LatencyStats, RequestCounts, Run, Scenario};

/// The run as a few aligned tables.
pub fn human(scenario: &Scenario, run: &Run, with_windows: bool) -> String {
    let s = &run.summary;
    let mut out = String::new();
    let _ = writeln!(out, "{} (seed {})", s.scenario, s.seed);
    let _ = writeln!(
        out,
        "simulated {:.1} s ({:.1} s measured after warm-up), {} events",
        s.sim_time_s, s.measured_s, s.events
    );
    let _ = writeln!(out, "\nusers");
    let _ = writeln!(out, "  {:<16} {}", "all", requests(&s.requests));
    let _ = writeln!(out, "  {:<16} {}", "", latency(&s.latency_ms));
    if s.loads.len() > 1 {
        for (id, load) in &s.loads {
            let _ = writeln!(out, "  {:<16} {}", id, requests(&load.requests));
            let _ = writeln!(out, "  {:<16} {}", "", latency(&load.latency_ms));
        }
    }
    let _ = writeln!(
        out,
        "  throughput {:.1} req/s, amplification {:.2} node visits per request",
        s.throughput_rps, s.amplification
    );
    if s.cost_per_million > 0.0 {
        let _ = writeln!(out, "  cost {:.4} per million requests", s.cost_per_million);
    }
    let _ = writeln!(out, "\nnodes");
    let _ = writeln!(
        out,
        "  {:<16} {:>10} {:>9} {:>6} {:>10} {:>9} {:>10} {:>10} {:>8}",
        "node",
        "arrivals",
        "rejected",
        "util",
        "mean queue",
        "max queue",
        "mean ms",
        "p99 ms",
        "retries"
    );
    for node in &scenario.nodes {
        if let Some(n) = s.nodes.get(&node.id) {
            let _ = writeln!(
                out,
                "  {:<16} {:>10} {:>9} {:>5.0}% {:>10.2} {:>9} {} {} {:>8}",
                node.id,
                n.arrivals,
                n.rejected,
                n.utilization * 100.0,
                n.mean_queue,
                n.max_queue,
                ms(&n.latency_ms, n.latency_ms.mean, 10),
                ms(&n.latency_ms, n.latency_ms.p99, 10),
                n.retries
            );
            let mut notes = Vec::new();
            if node.autoscale.is_some() || n.max_replicas != u64::from(node.replicas) {
                notes.push(format!("replicas {:.1} (max {})", n.replicas, n.max_replicas));
            }
            if n.mean_wait_ms > 0.0 {
                notes.push(format!("wait {:.2} ms", n.mean_wait_ms));
            }
            let c = &n.counters;
            if c.hits + c.misses > 0 {
                notes.push(format!("hit ratio {:.1}%", n.hit_ratio * 100.0));
            }
            if c.coalesced > 0 {
                notes.push(format!("{} coalesced", c.coalesced));
            }
            if c.redelivered + c.duplicates + c.dead_lettered > 0 {
                notes.push(format!(
                    "{} redelivered, {} duplicates, {} dead-lettered",
                    c.redelivered, c.duplicates, c.dead_lettered
                ));
            }
            if let (Some(reads), Some(stale), Some(share)) =
                (n.reads, n.stale_reads, n.stale_read_share)
            {
                let age = n.staleness_ms.filter(|s| s.count > 0).map_or(String::new(), |s| {
                    format!(" (missed writes {:.1} ms old at p50, {:.1} ms at p99)", s.p50, s.p99)
                });
                notes.push(format!("{stale} of {reads} reads stale ({:.2}%){age}", share * 100.0));
            }
            if let Some(m) = n.memory {
                let mean = m.mean_mb.map_or("–".to_owned(), |v| format!("{v:.0}"));
                notes.push(format!(
                    "memory {mean} MB mean, {:.0} MB peak, {} restarts, {:.1} s slowed by GC",
                    m.peak_mb, m.restarts, m.slowed_s
                ));
            }
            if !notes.is_empty() {
                let _ = writeln!(out, "  {:<16} {}", "", notes.join(", "));
            }
        }
    }
    if let Some(tail) = &s.tail {
        where_the_p99_goes(&mut out, tail);
    }
    if let Some(net) = &run.summary.network {
        let _ = writeln!(
            out,
            "\nnetwork: {} messages, {} lost ({:.3}%), {:.1}% of user latency",
            net.messages,
            net.lost,
            if net.messages == 0 { 0.0 } else { net.lost as f64 / net.messages as f64 * 100.0 },
            net.latency_share * 100.0
        );
        for link in &net.links {
            let zone = |z: &str| if z.is_empty() { "(no zone)".to_owned() } else { z.to_owned() };
            let name = if link.between[0] == link.between[1] {
                format!("within {}", zone(&link.between[0]))
            } else {
                format!("{} – {}", zone(&link.between[0]), zone(&link.between[1]))
            };
            let _ = writeln!(
                out,
                "  {:<24} {:>12} messages {:>10} lost",
                name, link.messages, link.lost
            );
        }
    }
    if with_windows {
        let _ = writeln!(out, "\nwindows");
        let _ = writeln!(
            out,
            "  {:>8} {:>9} {:>9} {:>9} {:>10} {:>10} {:>7}",
            "end s", "offered", "answered", "failed", "p50 ms", "p99 ms", "ampl"
        );
        for w in &run.windows {
            let r = &w.requests;
            let _ = writeln!(
                out,
                "  {:>8.1} {:>9} {:>9} {:>9} {} {} {:>7.2}",
                w.end_s,
                r.offered,
                r.answered(),
                r.failed(),
                ms(&w.latency_ms, w.latency_ms.p50, 10),
                ms(&w.latency_ms, w.latency_ms.p99, 10),
                w.amplification
            );
        }
    }
    out
}

/// The tail split (`--traces`): where the slowest requests' time went.
fn where_the_p99_goes(out: &mut String, tail: &TailReport) {
    let t = &tail.tail;
    let _ = writeln!(
        out,
        "\nwhere the p99 goes (the slowest 1% of each window after warm-up: {} requests, \
         mean {:.2} ms)",
        t.requests, t.latency_ms
    );
    let _ = writeln!(out, "  {:<16} {:<18} {:>10} {:>6}", "component", "phase", "ms", "share");
    for share in t.shares.iter().filter(|s| s.ms >= t.latency_ms * 0.005).take(12) {
        let _ = writeln!(
            out,
            "  {:<16} {:<18} {:>10.2} {:>5.1}%",
            share.component,
            share.phase.label(),
            share.ms,
            share.ms / t.latency_ms.max(f64::MIN_POSITIVE) * 100.0
        );
    }
    if let Some(m) = &tail.median {
        let parts: Vec<String> =
            m.by_component().iter().take(4).map(|(c, ms)| format!("{c} {ms:.2} ms")).collect();
        let _ = writeln!(
            out,
            "  the median request, for comparison: {:.2} ms ({})",
            m.latency_ms,
            parts.join(", ")
        );
    }
}

fn requests(r: &RequestCounts) -> String {
    format!(
        "{} offered: {} ok, {} degraded, {} error, {} timeout, {} rejected, {} in flight{}",
        r.offered,
        r.ok,
        r.degraded,
        r.error,
        r.timeout,
        r.rejected,
        r.in_flight,
        if r.offered > 0 {
            format!(" ({:.2}% failed)", r.failed() as f64 / r.offered as f64 * 100.0)
        } else {
            String::new()
        }
    )
}

/// User latency, or "no answers" when no request was answered: a figure
/// over nothing is not 0.
fn latency(l: &LatencyStats) -> String {
    if l.count == 0 {
        return "latency ms: no answers (no request ended ok or degraded)".to_owned();
    }
    format!(
        "latency ms: mean {:.2}, p50 {:.2}, p90 {:.2}, p99 {:.2}, p99.9 {:.2}, max {:.2}",
        l.mean, l.p50, l.p90, l.p99, l.p999, l.max
    )
}

/// A latency figure for a table column: the value, or `-` over no requests.
fn ms(l: &LatencyStats, value: f64, width: usize) -> String {
    if l.count == 0 { format!("{:>width$}", "-") } else { format!("{value:>width$.2}") }
}
