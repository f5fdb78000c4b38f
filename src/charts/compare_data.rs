//! Variant A against variant B: the overlaid charts' series and the table
//! of differences, over the simulated time both have run. Pure, tested
//! natively.

use std::borrow::Borrow;

use scalesim_engine::WindowReport;

use crate::charts::chart_data::{self, ChartData};

/// Seconds of simulated time at the end of the common span that the table
/// sums over.
pub const TABLE_SPAN_S: f64 = 30.0;

/// One variant's figures over a span; `None` where there is nothing to
/// figure from (the table shows "–", never a 0 that reads as a result).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Figures {
    /// Mean of the windows' p99, weighted by answers (ms); none without an
    /// answered request.
    pub p99_ms: Option<f64>,
    /// Offered per second (the table writes goodput beside it).
    pub offered: Option<f64>,
    /// Answered ok or degraded, per second.
    pub goodput: Option<f64>,
    /// Errors, timeouts and rejections over requests offered; none without
    /// a request offered.
    pub errors: Option<f64>,
    /// Cost per million requests offered; none when nothing is priced.
    pub cost_per_million: Option<f64>,
}

/// A variant's goodput as the table writes it, beside what it was offered
/// ("201 of 202 req/s"): a collapse shows as the gap between them even
/// where nothing fails (requests left waiting).
pub fn goodput_text(f: &Figures, goodput: f64) -> String {
    match f.offered {
        Some(offered) => crate::format::rate_of(goodput, offered),
        None => crate::format::rate(goodput),
    }
}

/// B against A in words: "-94%", "+0%"; "–" where either has no figure or
/// A's is 0.
pub fn change(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if a != 0.0 => format!("{:+.0}%", (b / a - 1.0) * 100.0),
        _ => crate::format::ABSENT.to_owned(),
    }
}

/// The figures of `windows` that end within `(from, to]`.
pub fn figures<W: Borrow<WindowReport>>(windows: &[W], from: f64, to: f64) -> Figures {
    let picked: Vec<&WindowReport> = windows
        .iter()
        .map(Borrow::borrow)
        .filter(|w| w.end_s > from && w.end_s <= to + 1e-9)
        .collect();
    let span: f64 = picked.iter().map(|w| w.end_s - w.start_s).sum();
    let answered: u64 = picked.iter().map(|w| w.latency_ms.count).sum();
    let offered: u64 = picked.iter().map(|w| w.requests.offered).sum();
    let good: u64 = picked.iter().map(|w| w.requests.ok + w.requests.degraded).sum();
    let bad: u64 =
        picked.iter().map(|w| w.requests.error + w.requests.timeout + w.requests.rejected).sum();
    let weighted =
        |f: &dyn Fn(&WindowReport) -> f64, weight: &dyn Fn(&WindowReport) -> u64, total: u64| {
            (total > 0)
                .then(|| picked.iter().map(|w| f(w) * weight(w) as f64).sum::<f64>() / total as f64)
        };
    let priced = picked.iter().any(|w| w.cost_per_million > 0.0);
    Figures {
        p99_ms: weighted(&|w| w.latency_ms.p99, &|w| w.latency_ms.count, answered),
        offered: (span > 0.0).then(|| offered as f64 / span),
        goodput: (span > 0.0).then(|| good as f64 / span),
        errors: (offered > 0).then(|| bad as f64 / offered as f64),
        cost_per_million: weighted(&|w| w.cost_per_million, &|w| w.requests.offered, offered)
            .filter(|_| priced),
    }
}

/// The span the table compares: the last [`TABLE_SPAN_S`] seconds that both
/// variants have simulated.
pub fn common_span<A: Borrow<WindowReport>, B: Borrow<WindowReport>>(
    a: &[A],
    b: &[B],
) -> Option<(f64, f64)> {
    let end = a.last()?.borrow().end_s.min(b.last()?.borrow().end_s);
    Some(((end - TABLE_SPAN_S).max(0.0), end))
}

/// The table's caption for the span `(from, to)` of [`common_span`]: the
/// last stretch of the time both variants have run, said as such ("Over
/// the last 30 s of the 60 s both variants have run (30–60 s)."), or all
/// of it while they have run less.
pub fn span_words(from: f64, to: f64) -> String {
    if from > 0.0 {
        format!(
            "Over the last {:.0} s of the {to:.0} s both variants have run ({from:.0}–{to:.0} s).",
            to - from
        )
    } else {
        format!("Over all {to:.0} s both variants have run.")
    }
}

/// User p99 of both variants, overlaid.
pub fn latency<A: Borrow<WindowReport>, B: Borrow<WindowReport>>(a: &[A], b: &[B]) -> ChartData {
    let p99 = |w: &WindowReport| (w.latency_ms.count > 0).then_some(w.latency_ms.p99);
    let series =
        vec![chart_data::series("A p99", 1, a, p99), chart_data::series("B p99", 3, b, p99)];
    ChartData { series, stacked: false, span: both_spans(a, b) }
}

/// The time both variants' windows span together (either may have run
/// further).
fn both_spans<A: Borrow<WindowReport>, B: Borrow<WindowReport>>(
    a: &[A],
    b: &[B],
) -> Option<(f64, f64)> {
    let span_a = ChartData::over(a, Vec::new(), false).span;
    match (span_a, ChartData::over(b, Vec::new(), false).span) {
        (Some(x), Some(y)) => Some((x.0.min(y.0), x.1.max(y.1))),
        (x, y) => x.or(y),
    }
}

/// Goodput of both variants, overlaid.
pub fn goodput<A: Borrow<WindowReport>, B: Borrow<WindowReport>>(a: &[A], b: &[B]) -> ChartData {
    let good = |w: &WindowReport| {
        Some((w.requests.ok + w.requests.degraded) as f64 / (w.end_s - w.start_s).max(1e-9))
    };
    let series = vec![
        chart_data::series("A goodput", 0, a, good),
        chart_data::series("B goodput", 3, b, good),
    ];
    ChartData { series, stacked: false, span: both_spans(a, b) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalesim_engine::{Scenario, SimDuration, SimTime, Simulation};

    fn windows(text: &str) -> Vec<WindowReport> {
        let scenario = Scenario::from_toml("t", text).unwrap_or_else(|e| panic!("{e}"));
        let mut sim = Simulation::new(scenario).unwrap_or_else(|e| panic!("{e}"));
        sim.advance_until(SimTime::ZERO + SimDuration::from_secs(40))
    }

    #[test]
    fn the_async_variant_wins_on_p99_over_the_same_span() {
        let sync = include_str!("../../scenarios/sync-chain.toml");
        let a = windows(sync);
        let b = windows(&sync.replace(
            "  to = \"recommendations\"",
            "  to = \"recommendations\"\n  mode = \"async\"",
        ));
        let (from, to) = common_span(&a, &b).unwrap_or_default();
        assert_eq!((from, to), (10.0, 40.0));
        assert_eq!(
            span_words(from, to),
            "Over the last 30 s of the 40 s both variants have run (10–40 s)."
        );
        let early = common_span(&a[..12], &b).unwrap_or_default();
        assert_eq!(span_words(early.0, early.1), "Over all 12 s both variants have run.");
        let (fa, fb) = (figures(&a, from, to), figures(&b, from, to));
        let (pa, pb) = (fa.p99_ms.unwrap_or(0.0), fb.p99_ms.unwrap_or(f64::INFINITY));
        assert!(pa > 5.0 * pb, "{fa:?} {fb:?}");
        let near_200 = |g: Option<f64>| g.is_some_and(|g| (g - 200.0).abs() < 20.0);
        assert!(near_200(fa.goodput) && near_200(fb.goodput), "{fa:?} {fb:?}");
        assert!(near_200(fa.offered) && near_200(fb.offered), "{fa:?} {fb:?}");
        assert_eq!(fa.cost_per_million, None, "nothing is priced: no cost, not 0");
        assert!(change(fa.p99_ms, fb.p99_ms).starts_with('-'));
        let chart = latency(&a, &b);
        assert_eq!(chart.series.len(), 2);
        assert_eq!(chart.series[0].points.len(), 40);
    }

    #[test]
    fn a_variant_that_answers_nothing_has_no_p99_not_0() {
        // B's api is far too slow: every user gives up at its 100 ms
        // timeout, nothing is answered.
        let text = r#"
[scenario]
name = "t"
duration = "20s"
[[load]]
id = "u"
target = "api"
rate = 50
timeout = "100ms"
[[node]]
id = "api"
kind = "service"
workers = 100
service_time = { dist = "const", value = "5s" }
"#;
        let b = windows(text);
        let (from, to) = common_span(&b, &b).unwrap_or_default();
        let fb = figures(&b, from + 10.0, to);
        assert_eq!(fb.p99_ms, None, "{fb:?}");
        assert_eq!(fb.errors, Some(1.0), "{fb:?}");
        assert_eq!(fb.goodput, Some(0.0), "{fb:?}");
        assert!(goodput_text(&fb, 0.0).starts_with("0 of "), "{fb:?}");
        assert!(fb.offered.is_some_and(|o| (o - 50.0).abs() < 10.0), "{fb:?}");
        assert_eq!(change(Some(400.0), fb.p99_ms), "–");
        assert_eq!(figures(&b, to, to + 5.0), Figures::default(), "an empty span has no figures");
    }
}
