//! What the live charts plot, computed from the streamed windows: one
//! function a chart, each returning its series already decimated, so a
//! redraw stays within a frame however long the run. Pure data (no DOM),
//! so it is tested natively.

use std::borrow::Borrow;

use scalesim_engine::WindowReport;
use scalesim_engine::coordination::UslFit;
use scalesim_engine::order;
use scalesim_engine::sweep::SweepPoint;

/// Most points drawn for one series (SPEC: ≤ 10 k a series): about one
/// per pixel of a chart's 880-pixel width, each bucket keeping its lowest
/// and highest, so spikes survive and a redraw stays short.
pub const MAX_POINTS: usize = 1_000;

/// Series colours by palette index: p50 blue, p99 red, p99.9 purple;
/// outcomes green, amber, red, magenta, grey; then more for nodes. Shared by
/// the canvas charts and their SVG export.
pub const PALETTE: [(u8, u8, u8); 10] = [
    (29, 78, 216),
    (255, 0, 0),
    (124, 58, 237),
    (22, 163, 74),
    (217, 119, 6),
    (220, 38, 38),
    (192, 38, 211),
    (107, 114, 128),
    (8, 145, 178),
    (101, 163, 13),
];

/// Palette indices of the outcomes (the throughput chart's bands and the
/// canvas's dots).
pub const OK: usize = 3;
pub const DEGRADED: usize = 4;
pub const ERROR: usize = 5;
pub const TIMEOUT: usize = 6;
pub const REJECTED: usize = 7;

/// The colour of palette index `index`.
pub fn colour(index: usize) -> (u8, u8, u8) {
    PALETTE[index % PALETTE.len()]
}

/// One plotted line (or, for stacked charts, one band's upper edge).
#[derive(Clone, Debug)]
pub struct Series {
    pub label: String,
    /// Index into the chart palette.
    pub color: usize,
    /// `(simulated seconds, value)`, in time order. A value of NaN is a
    /// gap ([`GAP`]): the line stops there and starts again at the next
    /// point ([`segments`]).
    pub points: Vec<(f64, f64)>,
}

/// The value of a point that marks a gap in a line: windows with nothing
/// to plot (a latency where no request was answered), which a line must
/// not bridge and must not draw as 0.
pub const GAP: f64 = f64::NAN;

/// Points are compared bit for bit, so a series with a gap equals itself
/// (and a chart whose data did not change is not drawn again).
impl PartialEq for Series {
    fn eq(&self, other: &Self) -> bool {
        let bits = |p: &(f64, f64)| (p.0.to_bits(), p.1.to_bits());
        self.label == other.label
            && self.color == other.color
            && self.points.iter().map(bits).eq(other.points.iter().map(bits))
    }
}

/// The runs of a series' points between its gaps, each drawn as one line
/// (a run of one point as a dot).
pub fn segments(points: &[(f64, f64)]) -> impl Iterator<Item = &[(f64, f64)]> {
    points.split(|p| p.1.is_nan()).filter(|run| !run.is_empty())
}

/// A chart's content: its series, whether they are stacked bands, and the
/// simulated time its x axis spans.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartData {
    pub series: Vec<Series>,
    /// Series are cumulative bands (each one's points include those below).
    pub stacked: bool,
    /// The ends of the first and last windows the chart was made from:
    /// every chart over the same windows spans the same time, whether or
    /// not its series have a point at either end (a latency after answers
    /// stopped has none). `None`: the points' own range.
    pub span: Option<(f64, f64)>,
}

impl ChartData {
    /// A chart over simulated time of `series` made from `windows`,
    /// spanning all of them.
    pub fn over<W: Borrow<WindowReport>>(
        windows: &[W],
        series: Vec<Series>,
        stacked: bool,
    ) -> Self {
        let end = |w: &W| w.borrow().end_s;
        let span = windows.first().map(end).zip(windows.last().map(end));
        ChartData { series, stacked, span }
    }

    /// The highest value plotted (0 with none): what the y axis and its
    /// unit are chosen from.
    pub fn highest(&self) -> f64 {
        self.series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).fold(0.0, f64::max)
    }

    /// The order to draw series in: stacked bands top band first, so each
    /// lower band covers the part of the ones above that is not theirs.
    pub fn draw_order(&self) -> Vec<usize> {
        if self.stacked {
            (0..self.series.len()).rev().collect()
        } else {
            (0..self.series.len()).collect()
        }
    }

    /// Every series' runs between its gaps, in drawing order, each with its
    /// series: what the screen and the SVG draw, a line each (a lone window
    /// a dot), so neither bridges windows without a value.
    pub fn drawn_runs(&self) -> impl Iterator<Item = (&Series, &[(f64, f64)])> {
        let series = self.draw_order().into_iter().map(|i| &self.series[i]);
        series.flat_map(|s| segments(&s.points).map(move |run| (s, run)))
    }
}

/// Keeps at most `max` points: for each bucket of consecutive points, the
/// first value, the lowest and the highest, so spikes survive decimation,
/// and the bucket's first gap ([`GAP`]), so a gap does too (`max` over four
/// buckets where the series has gaps, over three where it has none).
pub fn decimate(points: &[(f64, f64)], max: usize) -> Vec<(f64, f64)> {
    if points.len() <= max || max < 4 {
        return points.to_vec();
    }
    let picks_per_bucket = if points.iter().any(|p| p.1.is_nan()) { 4 } else { 3 };
    let per_bucket = points.len().div_ceil(max / picks_per_bucket);
    let mut out = Vec::with_capacity(max);
    for bucket in points.chunks(per_bucket) {
        let mut values = bucket.iter().copied().filter(|p| !p.1.is_nan());
        let mut picks: Vec<(f64, f64)> = Vec::with_capacity(4);
        if let Some(first) = values.next() {
            let lo = values.clone().fold(first, |a, p| if p.1 < a.1 { p } else { a });
            let hi = values.fold(first, |a, p| if p.1 > a.1 { p } else { a });
            picks.extend([first, lo, hi]);
        }
        picks.extend(bucket.iter().copied().find(|p| p.1.is_nan()));
        order::sort_by(&mut picks, |a, b| a.0.total_cmp(&b.0));
        for (i, p) in picks.iter().enumerate() {
            if i == 0 || p.0 != picks[i - 1].0 {
                out.push(*p);
            }
        }
    }
    out
}

/// One series over the windows: `value` of each window that has one, at
/// the window's end, decimated; where windows have none, a gap ([`GAP`],
/// at the end of the first of them), so the line is not drawn across them.
pub fn series<W: Borrow<WindowReport>>(
    label: &str,
    color: usize,
    windows: &[W],
    value: impl Fn(&WindowReport) -> Option<f64>,
) -> Series {
    series_of(label, color, &mut windows.iter().map(Borrow::borrow), &value)
}

/// `series`' work, built once for every chart's figure (through `dyn`)
/// rather than once for each: the bundle's size.
fn series_of<'a>(
    label: &str,
    color: usize,
    windows: &mut dyn Iterator<Item = &'a WindowReport>,
    value: &dyn Fn(&WindowReport) -> Option<f64>,
) -> Series {
    let mut points: Vec<(f64, f64)> = Vec::new();
    for w in windows {
        match value(w) {
            Some(v) => points.push((w.end_s, v)),
            None if points.last().is_some_and(|p| !p.1.is_nan()) => points.push((w.end_s, GAP)),
            None => {}
        }
    }
    Series { label: label.to_owned(), color, points: decimate(&points, MAX_POINTS) }
}

fn span(w: &WindowReport) -> f64 {
    (w.end_s - w.start_s).max(f64::MIN_POSITIVE)
}

/// User latency p50, p99 and p99.9 (ms), over the windows with answers.
pub fn latency<W: Borrow<WindowReport>>(windows: &[W]) -> ChartData {
    let answered = |w: &WindowReport| w.latency_ms.count > 0;
    let lines = vec![
        series("p50", 0, windows, |w| answered(w).then_some(w.latency_ms.p50)),
        series("p99", 1, windows, |w| answered(w).then_some(w.latency_ms.p99)),
        series("p99.9", 2, windows, |w| answered(w).then_some(w.latency_ms.p999)),
    ];
    ChartData::over(windows, lines, false)
}

/// Reads one count off a window.
type Count = fn(&WindowReport) -> u64;

/// Answers per second by outcome, stacked: ok, degraded, error, timeout,
/// rejected (each band's top is the sum of those below and itself).
pub fn throughput<W: Borrow<WindowReport>>(windows: &[W]) -> ChartData {
    let bands: [(&str, Count); 5] = [
        ("ok", |w| w.requests.ok),
        ("degraded", |w| w.requests.degraded),
        ("error", |w| w.requests.error),
        ("timeout", |w| w.requests.timeout),
        ("rejected", |w| w.requests.rejected),
    ];
    let series = (0..bands.len())
        .map(|k| {
            series(bands[k].0, OK + k, windows, |w| {
                Some(bands[..=k].iter().map(|(_, f)| f(w)).sum::<u64>() as f64 / span(w))
            })
        })
        .collect();
    ChartData::over(windows, series, true)
}

/// Utilization (%) of the chosen nodes; a node without workers (an
/// external, a cache) has none, so no line, and its legend says why.
pub fn utilization<W: Borrow<WindowReport>>(windows: &[W], nodes: &[(usize, String)]) -> ChartData {
    let mut chart = per_node(windows, nodes, |n| n.utilization.map(|u| u * 100.0));
    let measured = |index: usize| {
        windows.iter().any(|w| w.borrow().nodes.get(index).is_some_and(|n| n.utilization.is_some()))
    };
    for (line, (index, _)) in chart.series.iter_mut().zip(nodes) {
        if !windows.is_empty() && !measured(*index) {
            line.label.push_str(" (no workers)");
        }
    }
    chart
}

/// Mean queue length of the chosen nodes.
pub fn queue<W: Borrow<WindowReport>>(windows: &[W], nodes: &[(usize, String)]) -> ChartData {
    per_node(windows, nodes, |n| Some(n.mean_queue))
}

/// Replicas running (active and draining, averaged over each window) of
/// the chosen nodes: when an autoscaler's or a fault's capacity arrived,
/// beside the queue it was meant for.
pub fn replicas<W: Borrow<WindowReport>>(windows: &[W], nodes: &[(usize, String)]) -> ChartData {
    per_node(windows, nodes, |n| Some(n.replicas))
}

/// Whether any node's replicas changed during the run so far (an
/// autoscaler, a `replicas` fault, a live edit): only then is a replicas
/// chart worth its room.
pub fn replicas_vary<W: Borrow<WindowReport>>(windows: &[W]) -> bool {
    let Some(first) = windows.first().map(Borrow::borrow) else { return false };
    windows.iter().any(|w| {
        w.borrow().nodes.iter().zip(&first.nodes).any(|(n, f)| {
            n.max_replicas != f.max_replicas || (n.replicas - f.replicas).abs() > 1e-9
        })
    })
}

fn per_node<W: Borrow<WindowReport>>(
    windows: &[W],
    nodes: &[(usize, String)],
    value: impl Fn(&scalesim_engine::NodeReport) -> Option<f64>,
) -> ChartData {
    let series = nodes
        .iter()
        .enumerate()
        .map(|(k, (index, name))| {
            series(name, k, windows, |w| w.nodes.get(*index).and_then(&value))
        })
        .collect();
    ChartData::over(windows, series, false)
}

/// Amplification on an axis of its own (a few visits per request would lie
/// flat under hundreds of retries a second): node visits per user request
/// of all nodes together, then each chosen node's arrivals per user
/// request (the `amplification` of an `[[expect]]` with `node`), so a
/// retry storm shows at the node it buries. Windows with no request
/// offered have none.
pub fn amplification<W: Borrow<WindowReport>>(
    windows: &[W],
    nodes: &[(usize, String)],
) -> ChartData {
    let offered = |w: &WindowReport| (w.requests.offered > 0).then_some(w.requests.offered as f64);
    let mut lines =
        vec![series("all nodes", REJECTED, windows, |w| offered(w).map(|_| w.amplification))];
    lines.extend(nodes.iter().enumerate().map(|(k, (index, name))| {
        series(name, k, windows, |w| {
            let per = offered(w)?;
            w.nodes.get(*index).map(|n| n.arrivals as f64 / per)
        })
    }));
    ChartData::over(windows, lines, false)
}

/// Retries per second, all nodes and loads together.
pub fn retries<W: Borrow<WindowReport>>(windows: &[W]) -> ChartData {
    let line = series("retries per second", 1, windows, |w| {
        let retries: u64 = w.nodes.iter().map(|n| n.retries).sum::<u64>()
            + w.loads.iter().map(|l| l.retries).sum::<u64>();
        Some(retries as f64 / span(w))
    });
    ChartData::over(windows, vec![line], false)
}

/// Cost per million requests, per window.
pub fn cost<W: Borrow<WindowReport>>(windows: &[W]) -> ChartData {
    let line = series("cost per million requests", 0, windows, |w| {
        (w.requests.offered > 0).then_some(w.cost_per_million)
    });
    ChartData::over(windows, vec![line], false)
}

/// The scaling curve's p99 against the swept value, with the knee drawn
/// as a vertical line, labelled with the value as `shown` writes it.
pub fn sweep_latency(points: &[SweepPoint], shown: impl Fn(f64) -> String) -> ChartData {
    // A step with no answered request has no p99: it is left out, not 0.
    let p99: Vec<(f64, f64)> =
        points.iter().filter_map(|p| p.p99_ms.map(|e| (p.value, e.mean))).collect();
    let mut series = vec![Series { label: "p99 (ms)".to_owned(), color: 1, points: p99 }];
    if let Some(knee) = points.iter().find(|p| p.knee) {
        let top = points.iter().filter_map(|p| p.p99_ms.map(|e| e.mean)).fold(0.0, f64::max);
        series.push(Series {
            label: format!("knee at {}", shown(knee.value)),
            color: 7,
            points: vec![(knee.value, 0.0), (knee.value, top)],
        });
    }
    ChartData { series, stacked: false, span: None }
}

/// The scaling curve's goodput and offered load against the swept value,
/// and the fitted Universal Scalability Law when there is one.
pub fn sweep_goodput(points: &[SweepPoint], usl: Option<&UslFit>) -> ChartData {
    let mut series = vec![
        Series {
            label: "goodput (req/s)".to_owned(),
            color: 3,
            points: points.iter().map(|p| (p.value, p.goodput_rps.mean)).collect(),
        },
        Series {
            label: "offered (req/s)".to_owned(),
            color: 7,
            points: points.iter().map(|p| (p.value, p.offered_rps.mean)).collect(),
        },
    ];
    if let (Some(fit), Some(first), Some(last)) = (usl, points.first(), points.last()) {
        let (a, b) = (first.value.max(1.0), last.value);
        let curve =
            (0..=60).map(|i| a + (b - a) * f64::from(i) / 60.0).map(|n| (n, fit.throughput(n)));
        series.push(Series {
            label: format!(
                "USL fit: σ = {:.3}, κ = {:.4}, peak at {:.1}",
                fit.contention, fit.coherency, fit.peak
            ),
            color: 2,
            points: curve.collect(),
        });
    }
    ChartData { series, stacked: false, span: None }
}

/// The live changes (simulated seconds) in a chart's words, for its text
/// alternative: "Live changes at 20.0 s and 35.5 s."; empty with none.
pub fn marks_text(marks: &[f64]) -> String {
    let times: Vec<String> = marks.iter().map(|&s| crate::format::clock(s)).collect();
    match times.as_slice() {
        [] => String::new(),
        [one] => format!("A live change at {one}."),
        [first @ .., last] => format!("Live changes at {} and {last}.", first.join(", ")),
    }
}

/// The live change nearest `x` within `tolerance` (both in simulated
/// seconds), for the hover read-out.
pub fn mark_near(marks: &[f64], x: f64, tolerance: f64) -> Option<f64> {
    marks
        .iter()
        .copied()
        .filter(|m| (m - x).abs() <= tolerance)
        .min_by(|a, b| (a - x).abs().total_cmp(&(b - x).abs()))
}

/// The unit an axis is labelled in: values are divided by `divisor`, and
/// `desc` names the unit; `steps` are the tick spacings that read as round
/// in that unit (empty: 1, 2 and 5 times a power of ten).
#[derive(Clone, Debug, PartialEq)]
pub struct AxisUnit {
    pub divisor: f64,
    pub desc: String,
    pub steps: &'static [f64],
}

/// Tick spacings in days: a day, two, a week, two weeks, a month, …
const DAY_STEPS: [f64; 10] = [0.25, 0.5, 1.0, 2.0, 7.0, 14.0, 30.0, 60.0, 180.0, 365.0];
/// Tick spacings in minutes: up to half a day.
const MINUTE_STEPS: [f64; 11] = [1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 180.0, 360.0, 720.0];
/// Tick spacings in hours: up to a day, then days and weeks.
const HOUR_STEPS: [f64; 11] = [1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 48.0, 72.0, 168.0, 336.0, 720.0];

/// Long runs read in minutes or days, long latencies in hours and rare
/// answers per day: an axis in seconds whose highest value is past two days
/// is labelled in days, past an hour in minutes (a lesson over hours says
/// "twenty minutes in", not "1200 s"), one in milliseconds past two hours in hours (a
/// change's lead time through teams), requests/s under 0.01 per day; any
/// other as given.
pub fn axis_unit(desc: &str, highest: f64) -> AxisUnit {
    const DAY_S: f64 = 86_400.0;
    const HOUR_MS: f64 = 3_600_000.0;
    const HOUR_S: f64 = 3_600.0;
    let (divisor, unit, steps): (f64, _, &'static [f64]) =
        if desc.ends_with("(s)") && highest > 2.0 * DAY_S {
            (DAY_S, ("(s)", "(days)"), &DAY_STEPS)
        } else if desc.ends_with("(s)") && highest > HOUR_S {
            (60.0, ("(s)", "(min)"), &MINUTE_STEPS)
        } else if desc.ends_with("(ms)") && highest > 2.0 * HOUR_MS {
            (HOUR_MS, ("(ms)", "(h)"), &HOUR_STEPS)
        } else if desc.ends_with("requests/s") && highest > 0.0 && highest < 0.01 {
            (1.0 / DAY_S, ("requests/s", "requests/day"), &[])
        } else {
            return AxisUnit { divisor: 1.0, desc: desc.to_owned(), steps: &[] };
        };
    let stem = desc.strip_suffix(unit.0).unwrap_or(desc);
    AxisUnit { divisor, desc: format!("{stem}{}", unit.1), steps }
}

impl AxisUnit {
    /// Where the ticks of an axis over `low..high` (in the data's own unit)
    /// go: on whole multiples of the smallest round step in this unit that
    /// needs at most `most` ticks, so a run in days ticks at 14, 28, 42,
    /// not at 58, 116. Values in the data's unit.
    pub fn ticks(&self, low: f64, high: f64, most: usize) -> Vec<f64> {
        let (lo, hi) = (low / self.divisor, high / self.divisor);
        if !(lo.is_finite() && hi.is_finite()) || hi <= lo || most == 0 {
            return Vec::new();
        }
        let wanted = (hi - lo) / most as f64;
        let step = self.steps.iter().copied().find(|s| *s >= wanted).unwrap_or_else(|| {
            let decade = 10f64.powf(wanted.log10().floor());
            [1.0, 2.0, 5.0, 10.0]
                .iter()
                .map(|m| m * decade)
                .find(|s| *s >= wanted * (1.0 - 1e-9))
                .unwrap_or(10.0 * decade)
        });
        let first = (lo / step - 1e-9).ceil() as i64;
        let last = (hi / step + 1e-9).floor() as i64;
        (first..=last).map(|k| k as f64 * step * self.divisor).collect()
    }

    /// A chart's title in this unit: "Answers per second by outcome" reads
    /// "per day" where the axis does.
    pub fn title(&self, title: &str) -> String {
        if self.desc.ends_with("/day") {
            title.replace("per second", "per day")
        } else {
            title.to_owned()
        }
    }
}

/// A latency axis over simulated time turns logarithmic once its top line
/// (the series holding the chart's highest point) spans more than this
/// many times its own lowest value: a cured overload's new level (tens of
/// milliseconds after tens of seconds) then reads beside the old peak
/// instead of lying flat on the axis (docs/editor.md, "The workbench").
pub const LOG_FROM_SPAN: f64 = 30.0;

/// Tick values of a logarithmic latency axis (ms): round durations from a
/// microsecond to ten days, each read as such ("10 ms", "1 s", "1 min").
const LOG_TICKS_MS: [f64; 16] = [
    0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1e3, 1e4, 6e4, 6e5, 3.6e6, 3.6e7, 8.64e7, 8.64e8, 8.64e9,
    8.64e10,
];

/// One axis of a chart as drawn, on the screen and in the SVG export
/// alike: its range and scale, its unit and its ticks in the data's own
/// unit. One source of truth for where a value lands and what the ticks
/// say.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub low: f64,
    pub high: f64,
    /// Logarithmic: values map by their logarithm, ticks are round
    /// durations ([`LOG_FROM_SPAN`]).
    pub log: bool,
    pub unit: AxisUnit,
    pub ticks: Vec<f64>,
}

impl Axis {
    /// A linear axis over `low..high` with about `most` ticks on round
    /// values of `unit`.
    fn linear(low: f64, high: f64, unit: AxisUnit, most: usize) -> Axis {
        let ticks = unit.ticks(low, high, most);
        Axis { low, high, log: false, unit, ticks }
    }

    /// Where `v` falls along the axis: 0 at `low`, 1 at `high` (on a log
    /// axis by its logarithm, and a value under its floor, 0 included, at
    /// the bottom).
    pub fn fraction(&self, v: f64) -> f64 {
        if self.log {
            let (lo, hi) = (self.low.log10(), self.high.log10());
            if v <= 0.0 { 0.0 } else { ((v.log10() - lo) / (hi - lo)).max(0.0) }
        } else {
            (v - self.low) / (self.high - self.low)
        }
    }

    /// A tick's label: a duration on a log axis ("10 ms", "1 s"), else the
    /// value in the axis's unit ("25k", "14").
    pub fn label(&self, v: f64) -> String {
        if self.log {
            crate::format::duration_ms(v)
        } else {
            crate::format::tick(v / self.unit.divisor)
        }
    }

    /// The axis's description: the unit's, or "latency (log scale)" where
    /// the ticks carry the unit themselves.
    pub fn desc(&self) -> String {
        if self.log {
            format!("{} (log scale)", self.unit.desc.trim_end_matches("(ms)").trim_end())
        } else {
            self.unit.desc.clone()
        }
    }
}

/// A chart's two axes.
#[derive(Clone, Debug, PartialEq)]
pub struct Axes {
    pub x: Axis,
    pub y: Axis,
}

/// The axes `data` is drawn on, with at most `y_most` ticks up the side:
/// x over the chart's span and its points (ten units past a lone point), y
/// from 0 to a tenth above the highest point, or logarithmic for a latency
/// over simulated time whose top line spans more than [`LOG_FROM_SPAN`].
/// `None` without points.
pub fn axes(data: &ChartData, x_desc: &str, y_desc: &str, y_most: usize) -> Option<Axes> {
    let all = || data.series.iter().flat_map(|s| s.points.iter());
    all().next()?;
    let (span_start, span_end) = data.span.unwrap_or((f64::INFINITY, f64::NEG_INFINITY));
    let x_start = all().map(|p| p.0).fold(span_start, f64::min);
    let x_last = all().map(|p| p.0).fold(span_end, f64::max);
    let x_end = if x_last > x_start { x_last } else { x_start + 10.0 };
    let x = Axis::linear(x_start, x_end, axis_unit(x_desc, x_end), 6);
    let highest = data.highest();
    let unit = axis_unit(y_desc, highest);
    let over_time = x_desc.contains("time");
    let y = match log_range(data).filter(|_| over_time && unit.desc.ends_with("(ms)")) {
        Some((low, high)) => {
            let mut ticks: Vec<f64> =
                LOG_TICKS_MS.iter().copied().filter(|t| (low..=high).contains(t)).collect();
            // Every other tick (keeping the top one) until they fit.
            while ticks.len() > y_most.max(2) {
                let keep = ticks.len() % 2;
                ticks = ticks
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| i % 2 != keep)
                    .map(|p| p.1)
                    .collect();
            }
            Axis { low, high, log: true, unit, ticks }
        }
        None => {
            let y_max = if highest > 0.0 { highest * 1.1 } else { 1.0 };
            Axis::linear(0.0, y_max, unit, y_most)
        }
    };
    Some(Axes { x, y })
}

/// A log axis's range when the chart's top line spans more than
/// [`LOG_FROM_SPAN`]: from the round duration at or under the lowest
/// positive value (a labelled floor) to a third above the highest.
fn log_range(data: &ChartData) -> Option<(f64, f64)> {
    let top = data.series.iter().max_by(|a, b| {
        let peak = |s: &Series| s.points.iter().map(|p| p.1).fold(0.0, f64::max);
        peak(a).total_cmp(&peak(b))
    })?;
    let positive =
        |s: &Series| s.points.iter().map(|p| p.1).filter(|v| *v > 0.0).collect::<Vec<_>>();
    let top_values = positive(top);
    let top_low = top_values.iter().copied().fold(f64::INFINITY, f64::min);
    let highest = data.highest();
    if !(top_low.is_finite() && highest / top_low > LOG_FROM_SPAN) {
        return None;
    }
    let lowest = data.series.iter().flat_map(positive).fold(f64::INFINITY, f64::min);
    let low = LOG_TICKS_MS.iter().rev().copied().find(|t| *t <= lowest).unwrap_or(LOG_TICKS_MS[0]);
    Some((low, highest * 1.3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalesim_engine::NodeReport;

    #[test]
    fn decimation_bounds_points_and_keeps_the_spike() {
        let mut points: Vec<(f64, f64)> = (0..100_000).map(|i| (i as f64, 1.0)).collect();
        points[54_321].1 = 999.0;
        let kept = decimate(&points, 3_000);
        assert!(kept.len() <= 3_000, "{}", kept.len());
        assert!(kept.iter().any(|p| p.1 == 999.0), "the spike survives");
        assert!(kept.windows(2).all(|w| w[0].0 < w[1].0), "time order");
        assert_eq!(decimate(&points[..10], 3_000).len(), 10, "short series untouched");
    }

    fn window(i: u64, ok: u64, timeout: u64) -> WindowReport {
        let text = format!(
            r#"{{"index":{i},"start_s":{i}.0,"end_s":{}.0,
            "requests":{{"offered":{},"ok":{ok},"degraded":0,"error":0,"timeout":{timeout},"rejected":0,"in_flight":0}},
            "latency_ms":{{"count":{ok},"mean":1.0,"p50":1.0,"p90":2.0,"p99":3.0,"p999":4.0,"max":5.0}},
            "throughput_rps":{ok}.0,"amplification":1.0,"cost_per_million":0.0,"loads":[],"nodes":[]}}"#,
            i + 1,
            ok + timeout
        );
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_node_without_workers_has_no_utilization_line_and_says_why() {
        let mut windows = [window(0, 90, 10), window(1, 80, 20)];
        for w in &mut windows {
            w.nodes = vec![
                NodeReport { utilization: Some(0.5), ..NodeReport::default() },
                NodeReport { utilization: None, ..NodeReport::default() },
            ];
        }
        let nodes = [(0, "api".to_owned()), (1, "partner".to_owned())];
        let data = utilization(&windows, &nodes);
        assert_eq!(data.series[0].label, "api");
        assert_eq!(data.series[0].points, vec![(1.0, 50.0), (2.0, 50.0)]);
        assert_eq!(data.series[1].label, "partner (no workers)");
        assert!(data.series[1].points.is_empty());
    }

    #[test]
    fn throughput_bands_stack_and_read_out_unstacks() {
        let windows = [window(0, 90, 10), window(1, 80, 20)];
        let data = throughput(&windows);
        assert!(data.stacked);
        assert_eq!(data.series[0].points, vec![(1.0, 90.0), (2.0, 80.0)]);
        assert_eq!(data.series[3].points, vec![(1.0, 100.0), (2.0, 100.0)], "timeout's top");
        let read = crate::charts::read_out::read_out(&data, 1.9);
        let Some(crate::charts::read_out::ReadOut::Values { at, values }) = read else {
            panic!("{read:?}")
        };
        assert_eq!(at, 2.0);
        assert_eq!(values[0], ("ok".to_owned(), 80.0));
        assert_eq!(values[3], ("timeout".to_owned(), 20.0));
    }

    #[test]
    fn every_time_chart_spans_the_runs_windows_and_latency_breaks_where_nothing_is_answered() {
        // Answers for 3 s, none for 4 s (the metastable lesson's collapse),
        // then answers again for 2 s.
        let answered = |i| !(3..7).contains(&i);
        let windows: Vec<_> = (0..9)
            .map(|i| if answered(i) { window(i, 100, 0) } else { window(i, 0, 100) })
            .collect();
        let latency = latency(&windows);
        let throughput = throughput(&windows);
        let x = |data: &ChartData| {
            let a = axes(data, "simulated time (s)", "latency (ms)", 5);
            a.map(|a| (a.x.low, a.x.high, a.x.ticks))
        };
        assert_eq!(x(&latency), x(&throughput), "one time axis");
        assert_eq!(x(&latency).map(|x| (x.0, x.1)), Some((1.0, 9.0)));
        let p99 = &latency.series[1];
        let runs: Vec<Vec<(f64, f64)>> = segments(&p99.points).map(<[_]>::to_vec).collect();
        assert_eq!(runs, [vec![(1.0, 3.0), (2.0, 3.0), (3.0, 3.0)], vec![(8.0, 3.0), (9.0, 3.0)]]);
        assert!(p99.points.iter().all(|p| p.1 != 0.0), "no answers is no value, never 0");
        assert_eq!(p99, &p99.clone(), "a series with a gap equals itself");
        // Under the gap the read-out says there is nothing there.
        assert_eq!(
            crate::charts::read_out::read_out(&latency, 5.0),
            Some(crate::charts::read_out::ReadOut::Gap { after: Some(3.0), until: Some(7.0) })
        );
        // Answers that never resume: the line ends, the axis does not.
        let collapsed = &windows[..6];
        assert_eq!(x(&super::latency(collapsed)).map(|x| x.1), Some(6.0));
        // A long run decimated keeps its gaps.
        let long: Vec<(f64, f64)> = (0..10_000)
            .map(|i| (f64::from(i), if (4_000..4_100).contains(&i) { GAP } else { 1.0 }))
            .collect();
        let kept = decimate(&long, 1_000);
        assert!(kept.len() <= 1_000, "{}", kept.len());
        assert_eq!(segments(&kept).count(), 2);
    }

    #[test]
    fn amplification_has_its_own_chart_with_each_nodes_arrivals_per_request() {
        let mut w = window(0, 200, 0);
        w.amplification = 6.5;
        w.nodes = vec![
            NodeReport { arrivals: 200, ..NodeReport::default() },
            NodeReport { arrivals: 600, retries: 900, ..NodeReport::default() },
        ];
        let mut idle = window(1, 0, 0);
        idle.nodes = w.nodes.clone();
        let windows = [w, idle];
        let data = amplification(&windows, &[(0, "edge".to_owned()), (1, "db".to_owned())]);
        let labels: Vec<_> = data.series.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["all nodes", "edge", "db"]);
        let runs = |s: &Series| segments(&s.points).map(<[_]>::to_vec).collect::<Vec<_>>();
        assert_eq!(runs(&data.series[0]), [vec![(1.0, 6.5)]], "no request offered, no point");
        assert_eq!(runs(&data.series[2]), [vec![(1.0, 3.0)]]);
        assert!(data.highest() < 10.0, "retries are not on its axis");
        let r = retries(&windows);
        assert_eq!(r.series.len(), 1);
        assert_eq!(r.series[0].points, vec![(1.0, 900.0), (2.0, 900.0)]);
    }

    #[test]
    fn long_axes_read_in_days_and_hours() {
        let unit = |desc: &str, highest: f64| {
            let u = axis_unit(desc, highest);
            (u.divisor, u.desc)
        };
        assert_eq!(unit("simulated time (s)", 120.0), (1.0, "simulated time (s)".to_owned()));
        assert_eq!(
            unit("simulated time (s)", 4.8e6),
            (86_400.0, "simulated time (days)".to_owned())
        );
        assert_eq!(unit("simulated time (s)", 3600.0), (1.0, "simulated time (s)".to_owned()));
        assert_eq!(unit("simulated time (s)", 10_800.0), (60.0, "simulated time (min)".to_owned()));
        assert_eq!(unit("latency (ms)", 350.0), (1.0, "latency (ms)".to_owned()));
        assert_eq!(unit("latency (ms)", 4e9), (3_600_000.0, "latency (h)".to_owned()));
        assert_eq!(unit("requests/s", 4e9), (1.0, "requests/s".to_owned()));
        assert_eq!(unit("requests/s", 0.00015), (1.0 / 86_400.0, "requests/day".to_owned()));
    }

    #[test]
    fn ticks_land_on_round_values_of_the_unit_shown() {
        const DAY: f64 = 86_400.0;
        // The team lesson: windows end from day 1 to day 56.
        let days = axis_unit("simulated time (s)", 56.0 * DAY);
        let shown: Vec<f64> = days.ticks(DAY, 56.0 * DAY, 6).iter().map(|t| t / DAY).collect();
        assert_eq!(shown, vec![14.0, 28.0, 42.0, 56.0]);
        let shown: Vec<f64> = days.ticks(DAY, 10.0 * DAY, 6).iter().map(|t| t / DAY).collect();
        assert_eq!(shown, vec![2.0, 4.0, 6.0, 8.0, 10.0]);
        // Seconds: 1, 2, 5 times a power of ten.
        let seconds = axis_unit("simulated time (s)", 120.0);
        assert_eq!(seconds.ticks(1.0, 120.0, 6), vec![20.0, 40.0, 60.0, 80.0, 100.0, 120.0]);
        assert_eq!(seconds.ticks(0.5, 3.0, 6), vec![0.5, 1.0, 1.5, 2.0, 2.5, 3.0]);
        // The memory leak's three hours: every half hour, in minutes.
        let minutes = axis_unit("simulated time (s)", 10_800.0);
        let shown: Vec<f64> = minutes.ticks(60.0, 10_800.0, 6).iter().map(|t| t / 60.0).collect();
        assert_eq!(shown, vec![30.0, 60.0, 90.0, 120.0, 150.0, 180.0]);
        // Lead times in hours: 0, 1, 2 days…
        let hours = axis_unit("latency (ms)", 2.0e8);
        let shown: Vec<f64> = hours.ticks(0.0, 2.2e8, 5).iter().map(|t| t / 3.6e6).collect();
        assert_eq!(shown, vec![0.0, 24.0, 48.0]);
        // Rare answers per day: 0.01 … requests/s is 864 a day.
        let per_day = axis_unit("requests/s", 0.0001);
        let shown: Vec<f64> =
            per_day.ticks(0.0, 0.00011, 5).iter().map(|t| (t * DAY).round()).collect();
        assert_eq!(shown, vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        assert!(days.ticks(5.0, 5.0, 6).is_empty(), "no span, no ticks");
    }

    #[test]
    fn live_changes_read_in_words_and_under_the_mouse() {
        assert_eq!(marks_text(&[]), "");
        assert_eq!(marks_text(&[20.0]), "A live change at 20.0 s.");
        assert_eq!(
            marks_text(&[20.0, 35.5, 4_838_400.0]),
            "Live changes at 20.0 s, 35.5 s and 56.0 days."
        );
        assert_eq!(mark_near(&[20.0, 35.5], 21.0, 2.0), Some(20.0));
        assert_eq!(mark_near(&[20.0, 21.5], 21.0, 2.0), Some(21.5));
        assert_eq!(mark_near(&[20.0, 35.5], 28.0, 2.0), None);
    }

    #[test]
    fn titles_follow_the_axis_unit() {
        let title = "Answers per second by outcome";
        assert_eq!(axis_unit("requests/s", 0.0001).title(title), "Answers per day by outcome");
        assert_eq!(axis_unit("requests/s", 120.0).title(title), title);
    }

    /// A latency chart whose lines are `levels` (p50, p99, p99.9 in ms) a
    /// window each, one window a second.
    fn latency_of(levels: &[(f64, f64, f64)]) -> ChartData {
        let line = |label: &str, color: usize, pick: fn(&(f64, f64, f64)) -> f64| Series {
            label: label.to_owned(),
            color,
            points: levels.iter().enumerate().map(|(i, l)| (i as f64 + 1.0, pick(l))).collect(),
        };
        ChartData {
            series: vec![
                line("p50", 0, |l| l.0),
                line("p99", 1, |l| l.1),
                line("p99.9", 2, |l| l.2),
            ],
            ..ChartData::default()
        }
    }

    #[test]
    fn a_cured_overload_reads_on_a_log_axis_beside_its_peak() {
        let x = "simulated time (s)";
        // Healthy: p50 2 ms, p99.9 up to 18 ms: linear from 0, round ticks.
        let healthy = latency_of(&[(2.0, 11.0, 15.0), (2.1, 12.0, 18.0), (2.0, 11.5, 16.0)]);
        let a = axes(&healthy, x, "latency (ms)", 5).unwrap_or_else(|| panic!("axes"));
        assert!(!a.y.log);
        assert_eq!((a.y.low, a.y.ticks.clone()), (0.0, vec![0.0, 5.0, 10.0, 15.0]));
        assert_eq!(a.y.desc(), "latency (ms)");
        assert_eq!(a.x.ticks, vec![1.0, 1.5, 2.0, 2.5, 3.0]);
        // The demo raised past capacity (waits to 30 s), then cured: the
        // cured level would sit at a two-thousandth of a linear axis; on
        // the log axis it stands a fifth of the way up, and the peak near
        // the top.
        let mut run: Vec<(f64, f64, f64)> = (0..10).map(|_| (2.0, 11.0, 15.0)).collect();
        run.extend((1..=30).map(|k| (1000.0 * k as f64, 1010.0 * k as f64, 1020.0 * k as f64)));
        run.extend((0..10).map(|_| (2.0, 11.0, 15.0)));
        let cured = latency_of(&run);
        let a = axes(&cured, x, "latency (ms)", 5).unwrap_or_else(|| panic!("axes"));
        assert!(a.y.log);
        assert_eq!(a.y.low, 1.0, "floored on the round duration under the lowest p50");
        assert!(a.y.fraction(11.0) > 0.2, "the cured p99 stands clear of the axis");
        assert!(a.y.fraction(30_600.0) > 0.9 && a.y.fraction(30_600.0) <= 1.0);
        assert_eq!(a.y.fraction(0.0), 0.0, "no data under the floor falls off the chart");
        assert_eq!(a.y.fraction(0.5), 0.0);
        let labels: Vec<String> = a.y.ticks.iter().map(|t| a.y.label(*t)).collect();
        assert_eq!(labels, vec!["1 ms", "10 ms", "100 ms", "1 s", "10 s"]);
        assert_eq!(axes_of(&cured, 3), vec!["1 ms", "100 ms", "10 s"], "every other, the top kept");
        assert_eq!(a.y.desc(), "latency (log scale)");
        // The same span elsewhere stays linear: a throughput, a sweep's p99
        // against load (its knee is the point), a span under the threshold.
        assert!(!axes_y_log(&cured, x, "requests/s"));
        assert!(!axes_y_log(&cured, "load.users.rate", "p99 (ms)"));
        let tenfold = latency_of(&[(2.0, 11.0, 15.0), (20.0, 110.0, 150.0)]);
        assert!(!axes_y_log(&tenfold, x, "latency (ms)"));
        assert!(axes(&ChartData::default(), x, "latency (ms)", 5).is_none());
    }

    fn axes_y_log(data: &ChartData, x: &str, y: &str) -> bool {
        axes(data, x, y, 5).is_some_and(|a| a.y.log)
    }

    fn axes_of(data: &ChartData, most: usize) -> Vec<String> {
        let axes = axes(data, "simulated time (s)", "latency (ms)", most);
        axes.map(|a| a.y.ticks.iter().map(|t| a.y.label(*t)).collect()).unwrap_or_default()
    }

    /// The late autoscaler's lesson: its replicas chart appears, and shows
    /// the 5th replica arriving after the queue has peaked.
    #[test]
    fn replicas_over_time_when_they_change() {
        use scalesim_engine::time::SimDuration;
        use scalesim_engine::{Scenario, Simulation};
        let run = |text: &str| {
            let scenario = Scenario::from_toml("t.toml", text).unwrap_or_else(|e| panic!("{e}"));
            let mut sim = Simulation::new(scenario).unwrap_or_else(|e| panic!("{e}"));
            sim.advance_by(SimDuration::from_secs(200))
        };
        let fixed = run(include_str!("../../scenarios/station.toml"));
        assert!(!replicas_vary(&fixed), "fixed replicas: no chart");
        let late = run(include_str!("../../scenarios/autoscale-late.toml"));
        assert!(replicas_vary(&late));
        let api = [(0, "api".to_owned())];
        let line = &replicas(&late, &api).series[0].points;
        let queue = &queue(&late, &api).series[0].points;
        let peak =
            queue.iter().copied().reduce(|a, b| if b.1 > a.1 { b } else { a }).expect("a queue");
        let arrived = line.iter().find(|p| p.1 > 4.5).expect("a 5th replica");
        assert!(peak.1 > 6000.0, "about 8 000 waiting at the peak: {peak:?}");
        assert!(
            arrived.0 > peak.0 + 20.0,
            "the replica after the peak: {arrived:?} against {peak:?}"
        );
    }
}
