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
        "  throughput {}, amplification {:.2} node visits per request",
        throughput(s.throughput_rps),
        s.amplification
    );
    if s.cost_per_million > 0.0 {
        let _ = writeln!(out, "  cost {:.4} per million requests", s.cost_per_million);
    }
    let _ = writeln!(out, "\nnodes");
    // One unit for the column, from the slowest node's mean.
    let node_unit = TimeUnit::for_ms(
        s.nodes
            .values()
            .filter(|n| n.latency_ms.count > 0)
            .map(|n| n.latency_ms.mean)
            .fold(0.0, f64::max),
    );
    let _ = writeln!(
        out,
        "  {:<16} {:>10} {:>9} {:>6} {:>10} {:>9} {:>10} {:>10} {:>8}",
        "node",
        "arrivals",
        "rejected",
        "util",
        "mean queue",
        "max queue",
        format!("mean {}", node_unit.name),
        format!("p99 {}", node_unit.name),
        "retries"
    );
    for node in &scenario.nodes {
        if let Some(n) = s.nodes.get(&node.id) {
            let _ = writeln!(
                out,
                "  {:<16} {:>10} {:>9} {:>6} {:>10.2} {:>9} {} {} {:>8}",
                node.id,
                n.arrivals,
                n.rejected,
                n.utilization.map_or("–".to_owned(), |u| format!("{:.0}%", u * 100.0)),
                n.mean_queue,
                n.max_queue,
                ms(&n.latency_ms, n.latency_ms.mean, 10, node_unit),
                ms(&n.latency_ms, n.latency_ms.p99, 10, node_unit),
                n.retries
            );
            let mut notes = Vec::new();
            if node.autoscale.is_some() || n.max_replicas != u64::from(node.replicas) {
                notes.push(format!("replicas {:.1} (max {})", n.replicas, n.max_replicas));
            }
            if let Some(wait) = n.mean_wait_ms.filter(|w| *w > 0.0) {
                notes.push(format!("wait {}", readable_ms(wait)));
            }
            let c = &n.counters;
            if let Some(ratio) = n.hit_ratio {
                notes.push(format!("hit ratio {:.1}%", ratio * 100.0));
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
        let unit = TimeUnit::for_ms(s.latency_ms.p50);
        let _ = writeln!(out, "\nwindows");
        let _ = writeln!(
            out,
            "  {:>8} {:>9} {:>9} {:>9} {:>10} {:>10} {:>7}",
            "end s",
            "offered",
            "answered",
            "failed",
            format!("p50 {}", unit.name),
            format!("p99 {}", unit.name),
            "ampl"
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
                ms(&w.latency_ms, w.latency_ms.p50, 10, unit),
                ms(&w.latency_ms, w.latency_ms.p99, 10, unit),
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
    let u = TimeUnit::for_ms(l.p50);
    format!(
        "latency {}: mean {:.2}, p50 {:.2}, p90 {:.2}, p99 {:.2}, p99.9 {:.2}, max {:.2}",
        u.name,
        u.of(l.mean),
        u.of(l.p50),
        u.of(l.p90),
        u.of(l.p99),
        u.of(l.p999),
        u.of(l.max)
    )
}

/// A latency figure for a table column in `unit`: the value, or `-` over
/// no requests.
fn ms(l: &LatencyStats, value: f64, width: usize, unit: TimeUnit) -> String {
    if l.count == 0 { format!("{:>width$}", "-") } else { format!("{:>width$.2}", unit.of(value)) }
}

/// The unit a line or a column of latencies is printed in: milliseconds
/// as the JSON has them, unless a typical figure is long enough that
/// milliseconds stop reading (a change's lead time through teams is
/// 1015069135 ms, or 11.7 days). The JSON keeps milliseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeUnit {
    pub name: &'static str,
    /// Milliseconds in one of this unit.
    pub ms: f64,
}

impl TimeUnit {
    /// The unit for figures like `typical_ms`: ms under 10 s, then s under
    /// 2 min, min under 2 h, h under 2 days, then days.
    pub fn for_ms(typical_ms: f64) -> TimeUnit {
        const UNITS: [(&str, f64, f64); 4] = [
            ("days", 86_400_000.0, 2.0 * 86_400_000.0),
            ("h", 3_600_000.0, 2.0 * 3_600_000.0),
            ("min", 60_000.0, 2.0 * 60_000.0),
            ("s", 1_000.0, 10_000.0),
        ];
        UNITS
            .iter()
            .find(|(_, _, from)| typical_ms.is_finite() && typical_ms >= *from)
            .map_or(TimeUnit { name: "ms", ms: 1.0 }, |&(name, ms, _)| TimeUnit { name, ms })
    }

    /// `ms` in this unit.
    pub fn of(self, ms: f64) -> f64 {
        ms / self.ms
    }
}

/// Requests a second, or a day when under 0.01 a second (changes through
/// teams), so a rare figure does not read 0.0.
fn throughput(rps: f64) -> String {
    if rps > 0.0 && rps < 0.01 {
        format!("{} req/day", significant(rps * 86_400.0))
    } else {
        format!("{rps:.1} req/s")
    }
}

/// A duration in milliseconds for people, in its own readable unit, four
/// significant digits: `231.4 ms`, `14.23 s`, `11.75 days`.
pub fn readable_ms(ms: f64) -> String {
    readable_in(ms, TimeUnit::for_ms(ms.abs()))
}

/// A duration in milliseconds in `unit`, four significant digits.
pub fn readable_in(ms: f64, unit: TimeUnit) -> String {
    format!("{} {}", significant(unit.of(ms)), unit.name)
}

/// Every `<number> ms` in `text` in a readable unit (`604800000 ms` reads
/// `7 days`); other text unchanged. For the engine's verdict words, which
/// give durations in milliseconds, as its JSON does.
pub fn readable_durations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(" ms") {
        let before = &rest[..at];
        let start = before
            .rfind(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
            .map_or(0, |i| i + 1);
        match before[start..].parse::<f64>() {
            Ok(ms) if TimeUnit::for_ms(ms.abs()).name != "ms" => {
                out.push_str(&before[..start]);
                out.push_str(&readable_ms(ms));
            }
            _ => {
                out.push_str(before);
                out.push_str(" ms");
            }
        }
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    out
}

/// Four significant digits, without trailing zeros (as the engine's
/// verdicts write numbers).
fn significant(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return format!("{value}");
    }
    let digits = 3 - value.abs().log10().floor() as i32;
    let text = format!("{:.*}", digits.clamp(0, 12) as usize, value);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_durations_read_in_their_own_unit() {
        assert_eq!(readable_ms(231.44), "231.4 ms");
        assert_eq!(readable_ms(14_230.0), "14.23 s");
        assert_eq!(readable_ms(678_604.0), "11.31 min");
        assert_eq!(readable_ms(9_000_000.0), "2.5 h");
        assert_eq!(readable_ms(1_015_069_135.0), "11.75 days");
        assert_eq!(TimeUnit::for_ms(f64::NAN).name, "ms");
        assert_eq!(throughput(0.0000777), "6.713 req/day");
        assert_eq!(throughput(199.43), "199.4 req/s");
        assert_eq!(throughput(0.0), "0.0 req/s");
        assert_eq!(
            readable_durations("67.8% over the bound (604800000 ms), -120000 ms"),
            "67.8% over the bound (7 days), -2 min"
        );
        assert_eq!(
            readable_durations("284.5 ms, 13.8% over (250 ms)"),
            "284.5 ms, 13.8% over (250 ms)"
        );
        assert_eq!(
            readable_durations("no value, so p99 has no value"),
            "no value, so p99 has no value"
        );
    }
}
