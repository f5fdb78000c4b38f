//! Measuring `[[expect]]` assertions: what `scalesim check` verifies after
//! a run, so a capacity assumption that stopped holding fails CI. What a
//! file may say, and its check, are the scenario crate's `expect`.
//!
//! A time range is measured exactly as a run whose warm-up ends at `from`
//! and whose duration ends at `to` (the same seed gives the same run up to
//! there), so ranged expectations cost one more run each distinct range.
//!
//! A figure with no data has no value: a latency over no answered request,
//! a rate over no offered request. An expectation on such a figure fails
//! and says why; it never passes on a 0 that was not measured.
//!
//! Over several replications an expectation holds when the whole 95%
//! confidence interval of its mean lies on the right side of the bound, so
//! a pass is not one lucky seed.

use serde::{Deserialize, Serialize};

use crate::metrics::Summary;
use crate::scenario::{Scenario, ScenarioError};
use crate::sim::{RunError, Simulation};
use crate::sweep::Estimate;
use crate::time::SimDuration;

pub use scalesim_scenario::expect::{
    Bound, ExpectSpec, LatencyField, METRIC_MEANINGS, METRICS, Metric, problems,
};

/// An expectation judged against one or more runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// The expectation in words, e.g. `p99 of all users < 250ms`.
    pub expectation: String,
    /// The metric's name, as the file writes it.
    pub metric: String,
    /// The unit of `actual` and `ci95`: `ms`, `req/s`, or empty for shares
    /// and counts.
    pub unit: String,
    /// The measured value (the mean over runs); `None` when the figure has
    /// no value in some run (no answered request, say).
    pub actual: Option<f64>,
    /// Half-width of the 95% confidence interval of `actual` (0 for one
    /// run); `None` with `actual` (an interval around no value is none).
    pub ci95: Option<f64>,
    /// How many runs were measured.
    pub runs: u32,
    pub passed: bool,
    /// Why it passed or failed, with the margin: `13.8% over the bound`,
    /// `no request was answered, so p99 has no value`.
    pub detail: String,
}

/// Measures `spec` in one run's `summary`. `None` when the figure has no
/// value there. The spec must have passed [`problems`].
pub fn measure(spec: &ExpectSpec, summary: &Summary) -> Option<f64> {
    let metric = Metric::parse(&spec.metric)?;
    let s = summary;
    let per_s = |count: u64| (s.measured_s > 0.0).then(|| count as f64 / s.measured_s);
    if let Some(node) = &spec.node {
        let n = s.nodes.get(node)?;
        let o = &n.outcomes;
        return match metric {
            Metric::Latency(f) => n.latency_ms.figure(f),
            Metric::Utilization => n.utilization,
            Metric::MeanQueue => Some(n.mean_queue),
            Metric::MaxQueue => Some(n.max_queue as f64),
            Metric::Retries => Some(n.retries as f64),
            Metric::Throughput => per_s(o.ok + o.degraded),
            Metric::RejectedRate => share(n.rejected, n.arrivals),
            Metric::ErrorOnlyRate => share(o.error, n.arrivals),
            Metric::TimeoutRate => share(o.timeout, n.arrivals),
            Metric::ErrorRate | Metric::FailureRate => {
                share(o.error + o.timeout + o.rejected, n.arrivals)
            }
            Metric::SuccessRate => share(o.ok + o.degraded, n.arrivals),
            Metric::Amplification => share(n.arrivals, s.requests.offered),
            Metric::MeanWait => n.mean_wait_ms,
            Metric::Replicas => Some(n.replicas),
            Metric::HitRatio => n.counters.hit_ratio(),
            Metric::Redelivered => Some(n.counters.redelivered as f64),
            Metric::Duplicates => Some(n.counters.duplicates as f64),
            Metric::DeadLettered => Some(n.counters.dead_lettered as f64),
            Metric::CostPerMillion => Some(s.cost_per_million),
            Metric::StaleReadShare => n.stale_read_share.filter(|_| n.reads > Some(0)),
            Metric::StaleReads => n.stale_reads.map(|r| r as f64),
            Metric::Restarts => n.memory.map(|m| m.restarts as f64),
            Metric::MemoryPeak => n.memory.map(|m| m.peak_mb),
            Metric::GcSlowed => n.memory.map(|m| m.slowed_s),
            Metric::LostMessages | Metric::NetworkShare => None,
        };
    }
    let (requests, latency) = match &spec.load {
        Some(load) => {
            let l = s.loads.get(load)?;
            (&l.requests, &l.latency_ms)
        }
        None => (&s.requests, &s.latency_ms),
    };
    match metric {
        Metric::Latency(f) => latency.figure(f),
        Metric::Throughput => per_s(requests.answered()),
        Metric::SuccessRate => share(requests.answered(), requests.offered),
        Metric::ErrorOnlyRate => share(requests.error, requests.offered),
        Metric::TimeoutRate => share(requests.timeout, requests.offered),
        Metric::RejectedRate => share(requests.rejected, requests.offered),
        Metric::ErrorRate | Metric::FailureRate => share(requests.failed(), requests.offered),
        Metric::Amplification => (requests.offered > 0).then_some(s.amplification),
        Metric::CostPerMillion => (requests.offered > 0).then_some(s.cost_per_million),
        Metric::LostMessages => Some(s.network.as_ref().map_or(0.0, |n| n.lost as f64)),
        Metric::NetworkShare => Some(s.network.as_ref().map_or(0.0, |n| n.latency_share)),
        _ => None,
    }
}

/// Judges `spec` over the values it had in each run (`None`: no value).
pub fn judge(spec: &ExpectSpec, samples: &[Option<f64>]) -> Verdict {
    let metric = Metric::parse(&spec.metric);
    let unit = metric.map_or("", Metric::unit).to_owned();
    let runs = samples.len() as u32;
    let mut verdict = Verdict {
        expectation: words(spec),
        metric: spec.metric.clone(),
        unit,
        actual: None,
        ci95: None,
        runs,
        passed: false,
        detail: String::new(),
    };
    let missing = samples.iter().filter(|s| s.is_none()).count();
    if samples.is_empty() || missing > 0 {
        let why = match metric {
            Some(Metric::Latency(_)) => {
                format!("no request was answered (ok or degraded), so {} has no value", spec.metric)
            }
            Some(Metric::HitRatio) => "the cache had no lookups".to_owned(),
            Some(Metric::MeanWait) => {
                "no visit got a worker at the node, so mean_wait has no value".to_owned()
            }
            Some(Metric::Utilization) => {
                "the node has no workers (an external or a cache), so utilization has no value"
                    .to_owned()
            }
            Some(Metric::StaleReadShare | Metric::StaleReads) => {
                "the node is not a replicated database, or served no reads".to_owned()
            }
            _ => format!("no request was offered, so {} has no value", spec.metric),
        };
        verdict.detail =
            if runs > 1 { format!("{why} (in {missing} of {runs} runs)") } else { why };
        return verdict;
    }
    let values: Vec<f64> = samples.iter().flatten().copied().collect();
    let estimate = Estimate::of(&values);
    verdict.actual = Some(estimate.mean);
    verdict.ci95 = Some(estimate.ci95);
    let (low, high) = (estimate.mean - estimate.ci95, estimate.mean + estimate.ci95);
    let mut failures = Vec::new();
    let mut margins = Vec::new();
    if let Some(b) = &spec.below {
        let b = bound_value(b);
        if high < b {
            margins.push(margin(metric, estimate.mean, b, "under"));
        } else if estimate.mean >= b {
            failures.push(margin(metric, estimate.mean, b, "over"));
        } else {
            failures.push(format!(
                "the 95% interval reaches {}, at or over the bound ({})",
                show(metric, high),
                show(metric, b)
            ));
        }
    }
    if let Some(b) = &spec.above {
        let b = bound_value(b);
        if low > b {
            margins.push(margin(metric, estimate.mean, b, "over"));
        } else if estimate.mean <= b {
            failures.push(margin(metric, estimate.mean, b, "under"));
        } else {
            failures.push(format!(
                "the 95% interval reaches {}, at or under the bound ({})",
                show(metric, low),
                show(metric, b)
            ));
        }
    }
    verdict.passed = failures.is_empty() && estimate.mean.is_finite();
    verdict.detail = if verdict.passed { margins.join(", ") } else { failures.join(", ") };
    verdict
}

/// How far `value` is from `bound`, in words: `13.8% over the bound
/// (250 ms)`; twice the bound or more as a multiple, `36.3 times the
/// bound (1100 ms)`, which reads at once where `3530.1%` does not.
fn margin(metric: Option<Metric>, value: f64, bound: f64, side: &str) -> String {
    let gap = (value - bound).abs();
    let shown = show(metric, bound);
    if bound > 0.0 && value >= 2.0 * bound {
        format!("{} times the bound ({shown})", significant(value / bound))
    } else if bound != 0.0 {
        format!("{:.1}% {side} the bound ({shown})", gap / bound.abs() * 100.0)
    } else {
        format!("{} {side} the bound ({shown})", show(metric, gap))
    }
}

/// A value with its unit, for messages: `231.4 ms`, `0.52%`, `870 req/s`.
pub fn show(metric: Option<Metric>, value: f64) -> String {
    match metric {
        Some(m) if m.is_share() => format!("{}%", significant(value * 100.0)),
        Some(m) if !m.unit().is_empty() => format!("{} {}", significant(value), m.unit()),
        _ => significant(value),
    }
}

/// Four significant digits, without trailing zeros.
fn significant(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return format!("{value}");
    }
    let digits = 3 - libm::floor(libm::log10(value.abs())) as i32;
    let text = format!("{:.*}", digits.clamp(0, 12) as usize, value);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

fn bound_value(b: &Bound) -> f64 {
    match b {
        Bound::Number(n) => *n,
        Bound::Duration(d) => d.as_millis_f64(),
    }
}

/// The expectation in words: `p99 of load shoppers from 60s < 250ms`.
fn words(spec: &ExpectSpec) -> String {
    let scope = match (&spec.node, &spec.load) {
        (Some(node), _) => format!("node {node}"),
        (_, Some(load)) => format!("load {load}"),
        _ => "all users".to_owned(),
    };
    let mut words = format!("{} of {scope}", spec.metric);
    match (spec.from, spec.to) {
        (Some(from), Some(to)) => words += &format!(" from {from} to {to}"),
        (Some(from), None) => words += &format!(" from {from}"),
        (None, Some(to)) => words += &format!(" until {to}"),
        (None, None) => {}
    }
    let show_bound = |b: &Bound| match b {
        Bound::Number(n) => n.to_string(),
        Bound::Duration(d) => d.to_string(),
    };
    if let Some(b) = &spec.above {
        words += &format!(" > {}", show_bound(b));
    }
    if let Some(b) = &spec.below {
        words += &format!(" < {}", show_bound(b));
    }
    words
}

/// Judges `spec` in one run's `summary`.
pub fn check(spec: &ExpectSpec, summary: &Summary) -> Verdict {
    judge(spec, &[measure(spec, summary)])
}

/// Runs `scenario` once and measures every `[[expect]]`: those without a
/// range against the run's summary, ranged ones against a run measured
/// over their range. Returns the full run's summary and one value an
/// expectation, in order (`None`: the figure has no value). A scenario
/// that cannot run and a run that stopped early (an overload) are told
/// apart, so a caller can say which.
pub fn measure_all(scenario: &Scenario) -> Result<(Summary, Vec<Option<f64>>), RunError> {
    let summary = Simulation::run_to_end(scenario.clone())?.summary;
    let mut ranged: Vec<((SimDuration, SimDuration), Summary)> = Vec::new();
    let mut values = Vec::with_capacity(scenario.expects.len());
    for spec in &scenario.expects {
        let value = match (spec.from, spec.to) {
            (None, None) => measure(spec, &summary),
            (from, to) => {
                let meta = &scenario.scenario;
                let range = (from.unwrap_or(meta.warmup), to.unwrap_or(meta.duration));
                let index = match ranged.iter().position(|(r, _)| *r == range) {
                    Some(i) => i,
                    None => {
                        let mut part = scenario.clone();
                        part.scenario.warmup = range.0;
                        part.scenario.duration = range.1;
                        ranged.push((range, Simulation::run_to_end(part)?.summary));
                        ranged.len() - 1
                    }
                };
                measure(spec, &ranged[index].1)
            }
        };
        values.push(value);
    }
    Ok((summary, values))
}

/// Runs `scenario` once and judges every `[[expect]]` (see [`measure_all`]).
pub fn evaluate(scenario: &Scenario) -> Result<(Summary, Vec<Verdict>), ScenarioError> {
    evaluate_runs(scenario).map_err(|e| match e {
        RunError::Invalid(e) => e,
        other => ScenarioError {
            diagnostics: vec![crate::scenario::Diagnostic {
                file: scenario.scenario.name.clone(),
                line: 0,
                key: "scenario".to_owned(),
                message: other.to_string(),
            }],
        },
    })
}

/// [`evaluate`], telling a scenario that cannot run from a run that
/// stopped early (an overload), so a caller can say which.
pub fn evaluate_runs(scenario: &Scenario) -> Result<(Summary, Vec<Verdict>), RunError> {
    let (summary, values) = measure_all(scenario)?;
    let verdicts = scenario.expects.iter().zip(values).map(|(s, v)| judge(s, &[v])).collect();
    Ok((summary, verdicts))
}

fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(metric: &str, below: Option<Bound>, above: Option<Bound>) -> ExpectSpec {
        ExpectSpec {
            metric: metric.to_owned(),
            load: None,
            node: None,
            below,
            above,
            from: None,
            to: None,
        }
    }

    #[test]
    fn a_figure_without_data_fails_and_says_why() {
        let p99 = spec("p99", Some(Bound::Duration(SimDuration::from_millis(250))), None);
        let v = judge(&p99, &[None]);
        assert!(!v.passed);
        assert_eq!(v.actual, None);
        assert!(v.detail.contains("no request was answered"), "{}", v.detail);
    }

    #[test]
    fn a_wait_at_a_node_no_visit_reached_fails() {
        let text = r#"
[scenario]
name = "idle node"
duration = "5s"
[[load]]
id = "users"
target = "api"
rate = 100
[[node]]
id = "api"
kind = "service"
service_time = { dist = "exp", mean = "1ms" }
[[node]]
id = "spare"
kind = "service"
service_time = { dist = "exp", mean = "1ms" }
[[expect]]
metric = "mean_wait"
node = "spare"
below = "5ms"
[[expect]]
metric = "mean_wait"
node = "api"
below = "5ms"
"#;
        let scenario = Scenario::from_toml("idle.toml", text).expect("a valid file");
        let (summary, verdicts) = evaluate(&scenario).expect("it runs");
        assert_eq!(summary.nodes["spare"].mean_wait_ms, None);
        assert!(!verdicts[0].passed, "{:?}", verdicts[0]);
        assert!(verdicts[0].detail.contains("no visit got a worker"), "{}", verdicts[0].detail);
        assert!(verdicts[1].passed, "{:?}", verdicts[1]);
    }

    #[test]
    fn the_utilization_of_a_node_without_workers_fails() {
        let text = r#"
[scenario]
name = "third party"
duration = "5s"
[[load]]
id = "users"
target = "api"
rate = 100
[[node]]
id = "api"
kind = "service"
workers = 8
service_time = { dist = "exp", mean = "1ms" }
  [[node.call]]
  to = "partner"
[[node]]
id = "partner"
kind = "external"
latency = { dist = "exp", mean = "20ms" }
[[expect]]
metric = "utilization"
node = "partner"
below = 0.5
[[expect]]
metric = "utilization"
node = "api"
below = 0.5
"#;
        let scenario = Scenario::from_toml("partner.toml", text).expect("a valid file");
        let (summary, verdicts) = evaluate(&scenario).expect("it runs");
        assert_eq!(summary.nodes["partner"].utilization, None);
        assert!(!verdicts[0].passed, "{:?}", verdicts[0]);
        assert!(verdicts[0].detail.contains("has no workers"), "{}", verdicts[0].detail);
        assert!(verdicts[1].passed, "{:?}", verdicts[1]);
    }

    #[test]
    fn margins_are_relative_to_the_bound() {
        let p99 = spec("p99", Some(Bound::Duration(SimDuration::from_millis(250))), None);
        let v = judge(&p99, &[Some(284.5)]);
        assert!(!v.passed);
        assert_eq!(v.detail, "13.8% over the bound (250 ms)");
        assert_eq!(v.unit, "ms");
        let v = judge(&p99, &[Some(200.0)]);
        assert!(v.passed);
        assert_eq!(v.detail, "20.0% under the bound (250 ms)");
        let far = judge(&p99, &[Some(9075.0)]);
        assert_eq!(far.detail, "36.3 times the bound (250 ms)");
    }

    #[test]
    fn an_interval_across_the_bound_fails() {
        let p99 = spec("p99", Some(Bound::Duration(SimDuration::from_millis(250))), None);
        let v = judge(&p99, &[Some(200.0), Some(240.0), Some(280.0)]);
        assert!(!v.passed, "{v:?}");
        assert!(
            v.ci95.is_some_and(|c| c > 0.0) && v.detail.contains("95% interval"),
            "{}",
            v.detail
        );
        let v = judge(&p99, &[Some(200.0), Some(201.0), Some(202.0)]);
        assert!(v.passed, "{v:?}");
    }

    #[test]
    fn values_show_with_units() {
        assert_eq!(show(Metric::parse("p99"), 231.44), "231.4 ms");
        assert_eq!(show(Metric::parse("error_rate"), 0.0052), "0.52%");
        assert_eq!(show(Metric::parse("throughput"), 870.0), "870 req/s");
    }
}
