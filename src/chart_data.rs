//! What the live charts plot, computed from the streamed windows: one
//! function a chart, each returning its series already decimated, so a
//! redraw stays within a frame however long the run. Pure data (no DOM),
//! so it is tested natively.

use scalesim_engine::WindowReport;

/// Most points drawn for one series (SPEC: ≤ 10 k a series).
pub const MAX_POINTS: usize = 2_000;

/// One plotted line (or, for stacked charts, one band's upper edge).
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub label: String,
    /// Index into the chart palette.
    pub color: usize,
    /// `(simulated seconds, value)`, in time order.
    pub points: Vec<(f64, f64)>,
}

/// A chart's content: its series, and whether they are stacked bands.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartData {
    pub series: Vec<Series>,
    /// Series are cumulative bands (each one's points include those below).
    pub stacked: bool,
}

/// Keeps at most `max` points: for each bucket of consecutive points, the
/// first, the lowest and the highest, so spikes survive decimation.
pub fn decimate(points: &[(f64, f64)], max: usize) -> Vec<(f64, f64)> {
    if points.len() <= max || max < 3 {
        return points.to_vec();
    }
    let per_bucket = points.len().div_ceil(max / 3);
    let mut out = Vec::with_capacity(max);
    for bucket in points.chunks(per_bucket) {
        let lo = bucket.iter().copied().fold(bucket[0], |a, p| if p.1 < a.1 { p } else { a });
        let hi = bucket.iter().copied().fold(bucket[0], |a, p| if p.1 > a.1 { p } else { a });
        let mut picks = [bucket[0], lo, hi];
        picks.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (i, p) in picks.iter().enumerate() {
            if i == 0 || p.0 != picks[i - 1].0 {
                out.push(*p);
            }
        }
    }
    out
}

fn series(
    label: &str,
    color: usize,
    windows: &[WindowReport],
    value: impl Fn(&WindowReport) -> Option<f64>,
) -> Series {
    let points: Vec<(f64, f64)> =
        windows.iter().filter_map(|w| value(w).map(|v| (w.end_s, v))).collect();
    Series { label: label.to_owned(), color, points: decimate(&points, MAX_POINTS) }
}

fn span(w: &WindowReport) -> f64 {
    (w.end_s - w.start_s).max(f64::MIN_POSITIVE)
}

/// User latency p50, p99 and p99.9 (ms), over the windows with answers.
pub fn latency(windows: &[WindowReport]) -> ChartData {
    let answered = |w: &WindowReport| w.latency_ms.count > 0;
    ChartData {
        series: vec![
            series("p50", 0, windows, |w| answered(w).then_some(w.latency_ms.p50)),
            series("p99", 1, windows, |w| answered(w).then_some(w.latency_ms.p99)),
            series("p99.9", 2, windows, |w| answered(w).then_some(w.latency_ms.p999)),
        ],
        stacked: false,
    }
}

/// Reads one count off a window.
type Count = fn(&WindowReport) -> u64;

/// Answers per second by outcome, stacked: ok, degraded, error, timeout,
/// rejected (each band's top is the sum of those below and itself).
pub fn throughput(windows: &[WindowReport]) -> ChartData {
    let bands: [(&str, Count); 5] = [
        ("ok", |w| w.requests.ok),
        ("degraded", |w| w.requests.degraded),
        ("error", |w| w.requests.error),
        ("timeout", |w| w.requests.timeout),
        ("rejected", |w| w.requests.rejected),
    ];
    let series = (0..bands.len())
        .map(|k| {
            series(bands[k].0, 3 + k, windows, |w| {
                Some(bands[..=k].iter().map(|(_, f)| f(w)).sum::<u64>() as f64 / span(w))
            })
        })
        .collect();
    ChartData { series, stacked: true }
}

/// Utilization (%) of the chosen nodes.
pub fn utilization(windows: &[WindowReport], nodes: &[(usize, String)]) -> ChartData {
    per_node(windows, nodes, |n| n.utilization * 100.0)
}

/// Mean queue length of the chosen nodes.
pub fn queue(windows: &[WindowReport], nodes: &[(usize, String)]) -> ChartData {
    per_node(windows, nodes, |n| n.mean_queue)
}

fn per_node(
    windows: &[WindowReport],
    nodes: &[(usize, String)],
    value: impl Fn(&scalesim_engine::NodeReport) -> f64,
) -> ChartData {
    let series = nodes
        .iter()
        .enumerate()
        .map(|(k, (index, name))| series(name, k, windows, |w| w.nodes.get(*index).map(&value)))
        .collect();
    ChartData { series, stacked: false }
}

/// Amplification (node visits per user request) and retries per second,
/// all nodes together.
pub fn retries(windows: &[WindowReport]) -> ChartData {
    ChartData {
        series: vec![
            series("amplification (visits/request)", 0, windows, |w| {
                (w.requests.offered > 0).then_some(w.amplification)
            }),
            series("retries per second", 1, windows, |w| {
                let retries: u64 = w.nodes.iter().map(|n| n.retries).sum::<u64>()
                    + w.loads.iter().map(|l| l.retries).sum::<u64>();
                Some(retries as f64 / span(w))
            }),
        ],
        stacked: false,
    }
}

/// Cost per million requests, per window.
pub fn cost(windows: &[WindowReport]) -> ChartData {
    ChartData {
        series: vec![series("cost per million requests", 0, windows, |w| {
            (w.requests.offered > 0).then_some(w.cost_per_million)
        })],
        stacked: false,
    }
}

/// The values of every series at the window ending nearest to `x` (for the
/// hover read-out): `(label, value)`, and that window's end time.
pub fn read_out(data: &ChartData, x: f64) -> Option<(f64, Vec<(String, f64)>)> {
    let nearest = data
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .min_by(|a, b| (a - x).abs().total_cmp(&(b - x).abs()))?;
    let mut values = Vec::new();
    let mut below = 0.0;
    for s in &data.series {
        if let Some(&(_, v)) = s.points.iter().find(|p| p.0 == nearest) {
            values.push((s.label.clone(), if data.stacked { v - below } else { v }));
            below = v;
        }
    }
    Some((nearest, values))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn throughput_bands_stack_and_read_out_unstacks() {
        let windows = [window(0, 90, 10), window(1, 80, 20)];
        let data = throughput(&windows);
        assert!(data.stacked);
        assert_eq!(data.series[0].points, vec![(1.0, 90.0), (2.0, 80.0)]);
        assert_eq!(data.series[3].points, vec![(1.0, 100.0), (2.0, 100.0)], "timeout's top");
        let (x, values) = read_out(&data, 1.9).unwrap_or_default();
        assert_eq!(x, 2.0);
        assert_eq!(values[0], ("ok".to_owned(), 80.0));
        assert_eq!(values[3], ("timeout".to_owned(), 20.0));
    }
}
