//! Sweeps: the scaling curve. One parameter is stepped over a range; at each
//! step `runs` independent replications run with the same seeds as at every
//! other step (so steps compare like with like), and each figure is reported
//! as a mean with a 95% confidence interval. The knee is marked.
//!
//! The engine only plans and summarises; the caller runs the points (the
//! CLI on every core, the worker in slices), so this stays sans-IO.

use serde::{Deserialize, Serialize};

pub use crate::capacity::ValueKind;
use crate::expect::ExpectSpec;
use crate::metrics::Summary;
use crate::scenario::{Scenario, ScenarioError};
use crate::time::SimDuration;

/// `PATH=FROM..TO:STEPS`, e.g. `load.shoppers.rate=100..5000:20`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepSpec {
    /// A parameter path, as for `--set`.
    pub path: String,
    pub from: f64,
    pub to: f64,
    /// Points, both ends included (at least 2).
    pub steps: u32,
    /// Replications a point (at least 1).
    pub runs: u32,
    /// What the parameter is: whole numbers step by whole numbers,
    /// durations (`from` and `to` in nanoseconds) are written with a unit.
    #[serde(default = "number")]
    pub kind: ValueKind,
}

fn number() -> ValueKind {
    ValueKind::Number
}

/// Keys that take whole numbers (a path ending in one steps by integers).
const WHOLE_NUMBER_KEYS: [&str; 15] = [
    "replicas",
    "workers",
    "pool",
    "users",
    "consumers",
    "capacity",
    "keys",
    "max_deliveries",
    "fanout",
    "wait_for",
    "attempts",
    "bulkhead",
    "priority",
    "min_calls",
    "group",
];

/// Most points times replications one sweep may ask for.
pub const MAX_RUNS: u64 = 100_000;
/// Most points of one curve ([`crate::limits::MAX_SWEEP_STEPS`]).
pub use crate::limits::MAX_SWEEP_STEPS;

impl SweepSpec {
    /// Parses `PATH=FROM..TO:STEPS`.
    pub fn parse(text: &str, runs: u32) -> Result<SweepSpec, String> {
        let usage =
            || format!("`{text}`: expected PATH=FROM..TO:STEPS, e.g. load.users.rate=100..5000:20");
        let (path, range) = text.split_once('=').ok_or_else(usage)?;
        let (span, steps) = range.split_once(':').ok_or_else(usage)?;
        let (from_text, to_text) = span.split_once("..").ok_or_else(usage)?;
        let number = |s: &str| s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
        let duration = |s: &str| SimDuration::parse(s.trim()).ok().map(|d| d.as_nanos() as f64);
        let path = path.trim().to_owned();
        let leaf = path.rsplit('.').next().unwrap_or_default();
        let parent = path.rsplit('.').nth(1).unwrap_or_default();
        let whole = WHOLE_NUMBER_KEYS.contains(&leaf)
            || (parent == "autoscale" && matches!(leaf, "min" | "max"));
        let (from, to, kind) = match (number(from_text), number(to_text)) {
            (Some(f), Some(t)) if whole => (f.round(), t.round(), ValueKind::Integer),
            (Some(f), Some(t)) => (f, t, ValueKind::Number),
            _ => match (duration(from_text), duration(to_text)) {
                (Some(f), Some(t)) => (f, t, ValueKind::Duration),
                _ => return Err(usage()),
            },
        };
        let spec = SweepSpec {
            path,
            from,
            to,
            steps: steps.trim().parse().map_err(|_| usage())?,
            runs,
            kind,
        };
        if spec.steps < 2 {
            return Err(format!("`{text}`: at least 2 steps"));
        }
        if spec.steps > MAX_SWEEP_STEPS {
            return Err(format!(
                "`{text}`: {} steps is over the limit of {MAX_SWEEP_STEPS} steps a sweep ({}); a \
                 curve shows its shape in far fewer: write e.g. `{}={}..{}:100`",
                spec.steps,
                crate::limits::WHY,
                spec.path,
                from_text.trim(),
                to_text.trim()
            ));
        }
        if spec.runs == 0 {
            return Err("--runs: at least 1".to_owned());
        }
        if u64::from(spec.steps) * u64::from(spec.runs) > MAX_RUNS {
            return Err(format!(
                "{} steps × {} runs is over the limit of {MAX_RUNS} runs",
                spec.steps, spec.runs
            ));
        }
        Ok(spec)
    }

    /// The parameter's value at each step, evenly spaced; whole numbers
    /// for a whole-number parameter (each once) and whole nanoseconds for
    /// a duration.
    pub fn values(&self) -> Vec<f64> {
        (0..self.step_count()).map(|i| self.value(i)).collect()
    }

    /// Points on the curve (both ends included): `steps`, or for a
    /// whole-number or duration parameter with fewer whole values in its
    /// range than steps, each whole value once.
    pub fn step_count(&self) -> usize {
        let steps = self.steps.max(2) as usize;
        match self.kind {
            ValueKind::Number => steps,
            _ => {
                let span = libm::fabs(self.to - self.from);
                if span + 1.0 < steps as f64 { span as usize + 1 } else { steps }
            }
        }
    }

    /// Runs in all: points times replications.
    pub fn run_count(&self) -> usize {
        self.step_count() * self.runs.max(1) as usize
    }

    /// The parameter's value at step `step`, computed on its own, so a sweep
    /// is planned one step at a time: evenly spaced, and a whole number for
    /// a whole-number parameter (whole nanoseconds for a duration).
    pub fn value(&self, step: usize) -> f64 {
        let n = self.step_count();
        if n < 2 {
            return self.from;
        }
        let value = self.from + (self.to - self.from) * step as f64 / (n - 1) as f64;
        match self.kind {
            ValueKind::Number => value,
            _ => libm::round(value),
        }
    }

    /// A value as the file writes it: `4`, `1250.5`, `150ms`.
    pub fn text_of(&self, value: f64) -> String {
        match self.kind {
            ValueKind::Duration => SimDuration::from_nanos(value.max(0.0) as u64).to_string(),
            _ if value.fract() == 0.0 => format!("{value:.0}"),
            _ => value.to_string(),
        }
    }

    /// A value as a person reads it in a table or a sentence: whole
    /// numbers and durations as [`SweepSpec::text_of`] writes them, other
    /// numbers to four significant figures (`166.7` for a step of
    /// `50..400:4`, where the file gets `166.66666666666669`).
    pub fn shown(&self, value: f64) -> String {
        if self.kind == ValueKind::Duration || value.fract() == 0.0 || !value.is_finite() {
            return self.text_of(value);
        }
        let magnitude = libm::floor(libm::log10(libm::fabs(value))) as i32;
        let decimals = (3 - magnitude).clamp(0, 12) as usize;
        let text = format!("{value:.decimals$}");
        let text = if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.')
        } else {
            &text
        };
        text.to_owned()
    }

    /// The scenario of step `step`, replication `run`: the value set, and the
    /// seed the scenario's plus `run` (the same at every step). Integer
    /// parameters (replicas, workers) are rounded.
    pub fn scenario_for(
        &self,
        base: &Scenario,
        step: usize,
        run: u32,
    ) -> Result<Scenario, ScenarioError> {
        let mut scenario = base.clone();
        let (text, rounded) = self.value_texts(step);
        let problem = |message: String| ScenarioError {
            diagnostics: vec![crate::scenario::Diagnostic {
                file: String::new(),
                line: 0,
                key: self.path.clone(),
                message,
            }],
        };
        crate::set::apply(&mut scenario, &self.path, &text)
            .or_else(|_| crate::set::apply(&mut scenario, &self.path, &rounded))
            .map_err(problem)?;
        scenario.scenario.seed = base.scenario.seed.wrapping_add(u64::from(run));
        let problems = crate::scenario::validate::problems(&scenario);
        if let Some(p) = problems.into_iter().next() {
            return Err(problem(format!("at {} = {text}: {}", self.path, p.message)));
        }
        Ok(scenario)
    }
}

impl SweepSpec {
    /// Step `step`'s scenario file text, from the base file's text (for
    /// callers that keep text, not a `Scenario`: the worker). The caller
    /// reads it with `Scenario::from_toml` and sets the replication's seed.
    pub fn text_for(&self, base: &str, step: usize) -> Result<String, String> {
        let (text, rounded) = self.value_texts(step);
        crate::set::apply_to_text(base, &self.path, &text)
            .or_else(|_| crate::set::apply_to_text(base, &self.path, &rounded))
    }

    /// Step `step`'s value as written, and rounded (for integer parameters
    /// such as replicas, which refuse `2.5`).
    fn value_texts(&self, step: usize) -> (String, String) {
        let value = self.value(step);
        (self.text_of(value), self.text_of(value.round()))
    }

    /// Whether the swept parameter is a unit count (replicas, workers, a
    /// pool), so the Universal Scalability Law applies to the goodput.
    pub fn is_scale_count(&self) -> bool {
        ["replicas", "workers", "pool"].iter().any(|k| self.path.ends_with(k))
    }
}

/// A figure over a point's replications: mean and 95% confidence interval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub mean: f64,
    /// Half-width of the 95% confidence interval (Student's t); 0 for one run.
    pub ci95: f64,
}

impl Estimate {
    /// The estimate from independent replications.
    pub fn of(samples: &[f64]) -> Estimate {
        let n = samples.len();
        if n == 0 {
            return Estimate::default();
        }
        let mean = samples.iter().sum::<f64>() / n as f64;
        if n == 1 {
            return Estimate { mean, ci95: 0.0 };
        }
        let var = samples.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
        Estimate { mean, ci95: t95(n - 1) * libm::sqrt(var / n as f64) }
    }
}

/// Student's t quantile for a two-sided 95% interval.
fn t95(degrees: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    TABLE.get(degrees.saturating_sub(1)).copied().unwrap_or(1.96)
}

/// One point of the scaling curve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// The parameter's value.
    pub value: f64,
    /// Offered requests per second.
    pub offered_rps: Estimate,
    /// Answered (ok + degraded) requests per second.
    pub goodput_rps: Estimate,
    /// User p99, milliseconds, over the runs that answered a request;
    /// `None` when no run did (a p99 over nothing has no value).
    pub p99_ms: Option<Estimate>,
    /// Share of offered requests that failed (error, timeout, rejected).
    pub error_share: Estimate,
    /// Share of offered requests still unanswered when the run ended:
    /// past a collapse most requests wait in queues, neither answered nor
    /// failed, and this is where they show.
    #[serde(default)]
    pub unanswered_share: Estimate,
    pub cost_per_million: Estimate,
    /// The first point past the knee, in the direction the system is
    /// stressed (rising load, or falling capacity).
    pub knee: bool,
    /// Whether every `[[expect]]` held at this point (each one's 95%
    /// interval inside its bound over the runs); `None` without
    /// expectations (see [`mark_slos`]).
    #[serde(default)]
    pub slo_met: Option<bool>,
}

/// What a sweep keeps of one run: the figures its point is made of, so a
/// run can be done elsewhere (another thread, another Web Worker) and sent
/// back as [`RunFigures::LEN`] numbers. [`summarise`] is [`summarise_figures`] over these,
/// so both give the same points, bit for bit.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RunFigures {
    pub offered_rps: f64,
    pub goodput_rps: f64,
    /// User p99 in milliseconds; `None` when no request was answered.
    pub p99_ms: Option<f64>,
    pub error_share: f64,
    /// Share of offered requests still in flight at the end of the run.
    pub unanswered_share: f64,
    pub cost_per_million: f64,
}

impl RunFigures {
    /// The figures of one run's summary.
    pub fn of(s: &Summary) -> RunFigures {
        let r = &s.requests;
        RunFigures {
            offered_rps: if s.measured_s > 0.0 { r.offered as f64 / s.measured_s } else { 0.0 },
            goodput_rps: s.throughput_rps,
            p99_ms: s.latency_ms.figure(P99),
            error_share: share(r.error + r.timeout + r.rejected, r.offered),
            unanswered_share: share(r.in_flight, r.offered),
            cost_per_million: s.cost_per_million,
        }
    }

    /// How many numbers [`RunFigures::to_array`] writes.
    pub const LEN: usize = 7;

    /// As numbers (p99's presence as 0 or 1, then its value), for a
    /// message between workers; [`RunFigures::from_array`] reads them back
    /// exactly.
    pub fn to_array(&self) -> [f64; Self::LEN] {
        [
            self.offered_rps,
            self.goodput_rps,
            if self.p99_ms.is_some() { 1.0 } else { 0.0 },
            self.p99_ms.unwrap_or(0.0),
            self.error_share,
            self.unanswered_share,
            self.cost_per_million,
        ]
    }

    /// The figures written by [`RunFigures::to_array`].
    pub fn from_array(a: [f64; Self::LEN]) -> RunFigures {
        RunFigures {
            offered_rps: a[0],
            goodput_rps: a[1],
            p99_ms: (a[2] != 0.0).then_some(a[3]),
            error_share: a[4],
            unanswered_share: a[5],
            cost_per_million: a[6],
        }
    }
}

/// Summarises the runs of each point (`runs[step]` = that step's summaries)
/// and marks the knee (see [`mark_knee`]).
pub fn summarise(spec: &SweepSpec, runs: &[Vec<Summary>]) -> Vec<SweepPoint> {
    let figures: Vec<Vec<RunFigures>> =
        runs.iter().map(|step| step.iter().map(RunFigures::of).collect()).collect();
    summarise_figures(spec, &figures)
}

/// [`summarise`] from each run's [`RunFigures`] (`runs[step]` = that step's
/// runs, in replication order).
pub fn summarise_figures(spec: &SweepSpec, runs: &[Vec<RunFigures>]) -> Vec<SweepPoint> {
    let mut points: Vec<SweepPoint> = runs
        .iter()
        .enumerate()
        .map(|(step, figures)| {
            let figure = |f: &dyn Fn(&RunFigures) -> f64| {
                Estimate::of(&figures.iter().map(f).collect::<Vec<_>>())
            };
            SweepPoint {
                value: spec.value(step),
                offered_rps: figure(&|r| r.offered_rps),
                goodput_rps: figure(&|r| r.goodput_rps),
                p99_ms: {
                    let answered: Vec<f64> = figures.iter().filter_map(|r| r.p99_ms).collect();
                    (!answered.is_empty()).then(|| Estimate::of(&answered))
                },
                error_share: figure(&|r| r.error_share),
                unanswered_share: figure(&|r| r.unanswered_share),
                cost_per_million: figure(&|r| r.cost_per_million),
                knee: false,
                slo_met: None,
            }
        })
        .collect();
    mark_knee(&mut points);
    points
}

/// Marks the knee: the first unhealthy point in the direction of stress.
/// A point is healthy when 95% of its offered load is answered and its p99
/// is within three times the best p99 of the curve. A curve unhealthy at
/// its start and healthy at its end (capacity rising: replicas, workers)
/// is stressed towards its start, so the knee is the last unhealthy point;
/// otherwise (load rising) the first. A curve with no healthy point has
/// no knee.
pub fn mark_knee(points: &mut [SweepPoint]) {
    let best_p99 =
        points.iter().filter_map(|p| p.p99_ms.map(|e| e.mean)).fold(f64::INFINITY, f64::min);
    // A step where nothing was offered (a rate too low to send one request
    // in the run) has no p99 and no failure: nothing there is stressed.
    let healthy = |p: &SweepPoint| {
        p.offered_rps.mean == 0.0
            || (p.goodput_rps.mean >= 0.95 * p.offered_rps.mean
                && p.p99_ms.is_some_and(|e| !(best_p99 > 0.0 && e.mean > 3.0 * best_p99)))
    };
    // A knee is where healthy turns unhealthy: a curve past its limit at
    // every point (offered load above the best any point serves) has none.
    if !points.iter().any(healthy) {
        return;
    }
    let stressed_first = match (points.first(), points.last()) {
        (Some(first), Some(last)) => !healthy(first) && healthy(last),
        _ => false,
    };
    let knee = if stressed_first {
        points.iter().rposition(|p| !healthy(p))
    } else {
        points.iter().position(|p| !healthy(p))
    };
    if let Some(i) = knee {
        points[i].knee = true;
    }
}

/// Marks at each point whether every `[[expect]]` without a time range
/// held over its runs (`runs[step]` as for [`summarise`]). Ranged
/// expectations need runs of their own and are not judged here.
pub fn mark_slos(points: &mut [SweepPoint], expects: &[ExpectSpec], runs: &[Vec<Summary>]) {
    let judged: Vec<&ExpectSpec> =
        expects.iter().filter(|e| e.from.is_none() && e.to.is_none()).collect();
    if judged.is_empty() {
        return;
    }
    for (point, summaries) in points.iter_mut().zip(runs) {
        point.slo_met = Some(judged.iter().all(|spec| {
            let values: Vec<Option<f64>> =
                summaries.iter().map(|s| crate::expect::measure(spec, s)).collect();
            crate::expect::judge(spec, &values).passed
        }));
    }
}

/// The index of the first point past the SLO boundary: where the
/// expectations stop holding, walking in the direction they break.
pub fn slo_boundary(points: &[SweepPoint]) -> Option<usize> {
    let met: Vec<bool> = points.iter().map(|p| p.slo_met).collect::<Option<_>>()?;
    match (met.first(), met.last()) {
        (Some(true), _) => met.iter().position(|m| !m),
        (Some(false), Some(true)) => met.iter().rposition(|m| !m),
        _ => None,
    }
}

/// `part` of `whole` as a share; 0 when there is no whole.
fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

const P99: crate::expect::LatencyField = crate::expect::LatencyField::P99;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_figures_travel_as_numbers_exactly() {
        for f in [
            RunFigures {
                offered_rps: 1499.8333333333333,
                goodput_rps: 0.1 + 0.2,
                p99_ms: Some(11.534),
                error_share: 1.0 / 3.0,
                unanswered_share: 2.0 / 7.0,
                cost_per_million: 0.0,
            },
            RunFigures { p99_ms: None, ..RunFigures::default() },
        ] {
            assert_eq!(RunFigures::from_array(f.to_array()), f);
        }
    }

    #[test]
    fn whole_numbers_and_durations_step_as_such() {
        let s = SweepSpec::parse("api.replicas=1..10:4", 1).unwrap();
        assert_eq!(s.kind, ValueKind::Integer);
        assert_eq!(s.values(), [1.0, 4.0, 7.0, 10.0]);
        let s = SweepSpec::parse("api.workers=1..3:5", 1).unwrap();
        assert_eq!(s.values(), [1.0, 2.0, 3.0], "each whole number once");
        assert_eq!((s.step_count(), s.run_count(), s.value(2)), (3, 3, 3.0), "planned lazily");
        let s = SweepSpec::parse("api.replicas=1..100000:10000", 1).unwrap();
        assert_eq!((s.step_count(), s.value(0), s.value(9999)), (10000, 1.0, 100000.0));
        let s = SweepSpec::parse("api.call.0.timeout=100ms..1s:4", 1).unwrap();
        assert_eq!(s.kind, ValueKind::Duration);
        let texts: Vec<String> = s.values().iter().map(|v| s.text_of(*v)).collect();
        assert_eq!(texts, ["100ms", "400ms", "700ms", "1s"]);
    }

    #[test]
    fn values_are_shown_as_people_read_them() {
        let s = SweepSpec::parse("load.users.rate=50..400:4", 1).unwrap();
        let shown: Vec<String> = s.values().iter().map(|v| s.shown(*v)).collect();
        assert_eq!(shown, ["50", "166.7", "283.3", "400"]);
        assert_eq!(s.text_of(s.value(1)), "166.66666666666669", "the file gets the exact value");
        for (value, text) in
            [(0.25, "0.25"), (0.123456, "0.1235"), (1250.7, "1251"), (12345.678, "12346")]
        {
            assert_eq!(s.shown(value), text);
        }
        let s = SweepSpec::parse("load.users.rate=50..4110:8", 1).unwrap();
        let shown: Vec<String> = s.values().iter().map(|v| s.shown(*v)).collect();
        assert_eq!(shown, ["50", "630", "1210", "1790", "2370", "2950", "3530", "4110"]);
        let s = SweepSpec::parse("api.call.0.timeout=50ms..2s:3", 1).unwrap();
        assert_eq!(s.shown(s.value(1)), "1025ms");
        let s = SweepSpec::parse("api.replicas=1..10:4", 1).unwrap();
        assert_eq!(s.shown(s.value(1)), "4");
    }

    #[test]
    fn a_step_where_nothing_was_offered_is_not_the_knee() {
        let mut points = vec![
            point(0.1, 0.0, 0.0, None),
            point(100.0, 100.0, 100.0, Some(5.0)),
            point(200.0, 200.0, 120.0, Some(90.0)),
        ];
        mark_knee(&mut points);
        assert_eq!(points.iter().position(|p| p.knee), Some(2));
    }

    #[test]
    fn a_curve_unhealthy_everywhere_has_no_knee() {
        // Replicas swept under a load above every point's capacity (the
        // retrograde lesson): nothing turns, so nothing is marked.
        let mut points: Vec<SweepPoint> = [(1.0, 99.0), (13.0, 517.0), (32.0, 312.0)]
            .map(|(v, ok)| point(v, 700.0, ok, Some(50.0)))
            .into();
        mark_knee(&mut points);
        assert!(points.iter().all(|p| !p.knee));
    }

    #[test]
    fn the_knee_is_found_in_the_direction_of_stress() {
        // Load rising: healthy, then the p99 shoots up.
        let mut load = vec![
            point(100.0, 100.0, 100.0, Some(5.0)),
            point(200.0, 200.0, 200.0, Some(6.0)),
            point(300.0, 300.0, 299.0, Some(40.0)),
            point(400.0, 400.0, 300.0, None),
        ];
        mark_knee(&mut load);
        assert_eq!(load.iter().position(|p| p.knee), Some(2));
        // Replicas rising: overloaded at 1 and 2, healthy from 3.
        let mut capacity = vec![
            point(1.0, 1000.0, 400.0, Some(900.0)),
            point(2.0, 1000.0, 800.0, Some(300.0)),
            point(3.0, 1000.0, 1000.0, Some(12.0)),
            point(4.0, 1000.0, 1000.0, Some(10.0)),
        ];
        mark_knee(&mut capacity);
        assert_eq!(capacity.iter().position(|p| p.knee), Some(1));
        // The SLO boundary walks the same way.
        for (p, met) in capacity.iter_mut().zip([false, false, true, true]) {
            p.slo_met = Some(met);
        }
        assert_eq!(slo_boundary(&capacity), Some(1));
        for (p, met) in load.iter_mut().zip([true, true, false, false]) {
            p.slo_met = Some(met);
        }
        assert_eq!(slo_boundary(&load), Some(2));
    }

    fn point(value: f64, offered: f64, goodput: f64, p99: Option<f64>) -> SweepPoint {
        let e = |mean| Estimate { mean, ci95: 0.0 };
        SweepPoint {
            value,
            offered_rps: e(offered),
            goodput_rps: e(goodput),
            p99_ms: p99.map(e),
            error_share: Estimate::default(),
            unanswered_share: Estimate::default(),
            cost_per_million: Estimate::default(),
            knee: false,
            slo_met: None,
        }
    }

    #[test]
    fn a_collapse_shows_as_unanswered_not_as_failed() {
        // Twice what one worker serves, no timeout: half the requests wait
        // in the queue at the end, none fails.
        let overloaded = r#"
[scenario]
name = "overloaded"
duration = "20s"
[[load]]
id = "users"
target = "svc"
rate = 2000
[[node]]
id = "svc"
kind = "service"
service_time = { dist = "const", value = "1ms" }
"#;
        let scenario = Scenario::from_toml("overloaded.toml", overloaded).expect("valid");
        let run = crate::sim::Simulation::run(scenario).expect("runs");
        let f = RunFigures::of(&run.summary);
        assert_eq!(f.error_share, 0.0);
        assert!((f.unanswered_share - 0.5).abs() < 0.02, "{f:?}");
    }

    #[test]
    fn parses_ranges_and_refuses_nonsense() {
        let s = SweepSpec::parse("load.users.rate=100..500:5", 3).unwrap();
        assert_eq!(s.values(), [100.0, 200.0, 300.0, 400.0, 500.0]);
        for bad in ["rate", "rate=1..2", "rate=a..2:3", "rate=1..2:1", "rate=1..NaN:3"] {
            assert!(SweepSpec::parse(bad, 1).is_err(), "{bad}");
        }
        assert!(SweepSpec::parse("r=1..2:1000", 1000).is_err(), "over the run limit");
        let many = SweepSpec::parse("load.u.rate=1..100000:100000", 1).unwrap_err();
        assert!(many.contains("limit of 10000 steps") && many.contains(":100`"), "{many}");
        assert!(SweepSpec::parse("load.u.rate=1..100000:10001", 1).is_err(), "past the step limit");
        let big = SweepSpec::parse("load.u.rate=1..100000:10000", 1).unwrap();
        assert_eq!((big.value(0), big.value(9999), big.step_count()), (1.0, 100000.0, 10000));
    }

    #[test]
    fn confidence_interval_of_known_samples() {
        let e = Estimate::of(&[1.0, 2.0, 3.0]);
        assert_eq!(e.mean, 2.0);
        // s = 1, n = 3, t(2) = 4.303: 4.303/√3.
        assert!((e.ci95 - 4.303 / 3f64.sqrt()).abs() < 1e-9);
        assert_eq!(Estimate::of(&[5.0]).ci95, 0.0);
    }
}
