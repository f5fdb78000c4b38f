//! The hover read-out of a chart: what its series hold under the mouse, in
//! the units of its axes, or that nothing is there. A chart's line stops
//! where windows have no value (a latency with no answered request); the
//! read-out under such a stretch says so instead of showing the values of
//! the nearest window that has some. Pure, so tested natively.

use crate::charts::chart_data::ChartData;
use crate::format;

/// What a chart holds at one x position.
#[derive(Clone, Debug, PartialEq)]
pub enum ReadOut {
    /// The window ending at `at` (the one nearer the mouse of the two around
    /// it, within a stretch of values), and each series' value there
    /// (stacked bands unstacked).
    Values { at: f64, values: Vec<(String, f64)> },
    /// No series has a value here: the values stop at `after` (`None`:
    /// none before) and start again at `until` (`None`: none after).
    Gap { after: Option<f64>, until: Option<f64> },
}

/// The width of one of a series' windows: the smallest spacing between
/// its points (exact while it is not decimated; `None` with one point).
fn window(points: &[(f64, f64)]) -> Option<f64> {
    points.windows(2).map(|p| p[1].0 - p[0].0).filter(|d| *d > 0.0).min_by(f64::total_cmp)
}

/// The point of a series that `x` reads: a point stands for the window
/// that ends at it. Between two values, the nearer; in the window of a
/// value that starts a stretch (after a gap or at the start), that value;
/// anywhere else (a gap's windows, past the series' end) none.
fn point_at(points: &[(f64, f64)], x: f64) -> Option<(f64, f64)> {
    let i = points.partition_point(|p| p.0 < x);
    let left = i.checked_sub(1).map(|j| points[j]).filter(|p| !p.1.is_nan());
    let right = points.get(i).copied();
    let width = window(points).unwrap_or(f64::INFINITY);
    match (left, right) {
        (Some(l), Some(r)) if !r.1.is_nan() => Some(if x - l.0 <= r.0 - x { l } else { r }),
        (None, Some(r)) if !r.1.is_nan() => (x > r.0 - width).then_some(r),
        // Past the last point: only the pixel's rounding beyond it.
        (Some(l), None) => (x - l.0 <= width * 0.01).then_some(l),
        _ => None,
    }
}

/// What `data` holds at `x` (in the x axis' units); `None` while it has no
/// point at all.
pub fn read_out(data: &ChartData, x: f64) -> Option<ReadOut> {
    if data.series.iter().all(|s| s.points.is_empty()) {
        return None;
    }
    let found: Vec<Option<(f64, f64)>> =
        data.series.iter().map(|s| point_at(&s.points, x)).collect();
    let nearest = found.iter().flatten().map(|p| p.0);
    let Some(at) = nearest.min_by(|a, b| (a - x).abs().total_cmp(&(b - x).abs())) else {
        return Some(gap(data, x));
    };
    let mut values = Vec::new();
    let mut below = 0.0;
    for (s, p) in data.series.iter().zip(&found) {
        if let Some((_, v)) = p.filter(|p| p.0 == at) {
            values.push((s.label.clone(), if data.stacked { v - below } else { v }));
            below = v;
        }
    }
    Some(ReadOut::Values { at, values })
}

/// The stretch without values around `x`: from the last value before it to
/// the start of the first window with a value after it.
fn gap(data: &ChartData, x: f64) -> ReadOut {
    let mut after: Option<f64> = None;
    let mut until: Option<f64> = None;
    for s in &data.series {
        let valued = || s.points.iter().filter(|p| !p.1.is_nan()).map(|p| p.0);
        if let Some(t) = valued().rfind(|t| *t < x) {
            after = Some(after.map_or(t, |a| a.max(t)));
        }
        if let Some(t) = valued().find(|t| *t >= x) {
            let start = window(&s.points).map_or(t, |w| t - w);
            until = Some(until.map_or(start, |u| u.min(start)));
        }
    }
    ReadOut::Gap { after, until }
}

/// An x position in the axis' unit: simulated time as the clock reads
/// ("23.0 s"), any other axis (a swept value) as a plain quantity.
fn x_words(x: f64, x_desc: &str) -> String {
    if x_desc.ends_with("(s)") { format::clock(x) } else { format::quantity(x) }
}

/// A value in the y axis' unit: "860 ms", "1.95 s", "37%", "1594/s" (or
/// per hour or day, as [`format::rate_short`]);
/// a plain number where the axis names no unit it can carry.
pub fn value_words(v: f64, y_desc: &str) -> String {
    if y_desc.ends_with("(ms)") {
        format::duration_ms(v)
    } else if y_desc.ends_with("(%)") {
        format::share(v / 100.0)
    } else if y_desc.ends_with("/s") {
        format::rate_short(v)
    } else {
        plain(v)
    }
}

/// A number without a unit: whole from 100, two decimals below, small
/// ones to three significant figures (never read as 0).
pub fn plain(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v != 0.0 && v.abs() < 0.01 {
        format::quantity(v)
    } else {
        format!("{v:.2}")
    }
}

/// A series' label without a trailing unit in brackets ("goodput
/// (req/s)" reads "goodput"): the value carries its unit.
fn without_unit(label: &str) -> &str {
    match label.rfind(" (") {
        Some(i) if label.ends_with(')') => &label[..i],
        _ => label,
    }
}

/// The read-out's line, in the axes' units: "at 23.0 s: p50 860 ms, p99
/// 1.95 s"; under a gap, "at 45.0 s: no data (none from 27.0 s to 41.0
/// s)", `empty` naming what is missing ("no request answered").
pub fn words(read: &ReadOut, x: f64, x_desc: &str, y_desc: &str, empty: &str) -> String {
    match read {
        ReadOut::Values { at, values } => {
            let values: Vec<String> = values
                .iter()
                .map(|(l, v)| format!("{} {}", without_unit(l), value_words(*v, y_desc)))
                .collect();
            format!("at {}: {}", x_words(*at, x_desc), values.join(", "))
        }
        ReadOut::Gap { after, until } => {
            let at = |t: f64| x_words(t, x_desc);
            let stretch = match (after, until) {
                (Some(a), Some(u)) => format!(" from {} to {}", at(*a), at(*u)),
                (Some(a), None) => format!(" since {}", at(*a)),
                (None, Some(u)) => format!(" before {}", at(*u)),
                (None, None) => String::new(),
            };
            format!("at {}: {empty}{stretch}", x_words(x, x_desc))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::chart_data::{GAP, Series};

    fn line(label: &str, points: &[(f64, f64)]) -> Series {
        Series { label: label.to_owned(), color: 0, points: points.to_vec() }
    }

    /// Answers in windows 1-3 and 8-9 (ending at those seconds), none in
    /// 4-7: the series' gap is marked at the end of window 4.
    fn gappy() -> ChartData {
        let p = [(1.0, 10.0), (2.0, 11.0), (3.0, 12.0), (4.0, GAP), (8.0, 30.0), (9.0, 31.0)];
        ChartData { series: vec![line("p99", &p)], stacked: false, span: Some((1.0, 9.0)) }
    }

    fn at(read: Option<ReadOut>) -> Option<f64> {
        match read {
            Some(ReadOut::Values { at, .. }) => Some(at),
            _ => None,
        }
    }

    #[test]
    fn within_a_stretch_of_values_the_nearest_window_is_read() {
        assert_eq!(at(read_out(&gappy(), 1.9)), Some(2.0));
        assert_eq!(at(read_out(&gappy(), 2.2)), Some(2.0));
        assert_eq!(at(read_out(&gappy(), 3.0)), Some(3.0));
        assert_eq!(at(read_out(&gappy(), 9.0)), Some(9.0));
        // The first window after the gap is the one from 7 s to 8 s.
        assert_eq!(at(read_out(&gappy(), 7.5)), Some(8.0));
    }

    #[test]
    fn over_a_gap_the_read_out_says_there_is_no_data_and_where_it_resumes() {
        for x in [3.2, 4.0, 5.5, 6.9] {
            assert_eq!(
                read_out(&gappy(), x),
                Some(ReadOut::Gap { after: Some(3.0), until: Some(7.0) }),
                "at {x}"
            );
        }
        let text = words(
            &read_out(&gappy(), 5.5).unwrap(),
            5.5,
            "simulated time (s)",
            "latency (ms)",
            "no data",
        );
        assert_eq!(text, "at 5.5 s: no data from 3.0 s to 7.0 s");
    }

    #[test]
    fn answers_that_stop_or_start_late_read_as_a_gap_to_the_end_or_from_the_start() {
        let stopped = [(1.0, 10.0), (2.0, 11.0), (3.0, GAP)];
        let data = ChartData { series: vec![line("p99", &stopped)], stacked: false, span: None };
        assert_eq!(read_out(&data, 8.0), Some(ReadOut::Gap { after: Some(2.0), until: None }));
        let late = [(5.0, 10.0), (6.0, 11.0)];
        let data = ChartData { series: vec![line("p99", &late)], stacked: false, span: None };
        assert_eq!(read_out(&data, 2.0), Some(ReadOut::Gap { after: None, until: Some(4.0) }));
        assert_eq!(at(read_out(&data, 4.5)), Some(5.0));
        assert_eq!(read_out(&ChartData::default(), 1.0), None);
    }

    #[test]
    fn a_variant_that_ran_less_far_is_left_out_of_the_read_out_past_its_end() {
        let a = line("A p99", &[(1.0, 5.0), (2.0, 6.0), (3.0, 7.0)]);
        let b = line("B p99", &[(1.0, 1.0), (2.0, 2.0)]);
        let data = ChartData { series: vec![a, b], stacked: false, span: Some((1.0, 3.0)) };
        let Some(ReadOut::Values { at, values }) = read_out(&data, 2.9) else { panic!() };
        assert_eq!((at, values), (3.0, vec![("A p99".to_owned(), 7.0)]));
    }

    #[test]
    fn values_read_in_the_axis_unit() {
        let read = ReadOut::Values {
            at: 23.0,
            values: vec![("p50".into(), 860.0), ("p99".into(), 1946.0)],
        };
        assert_eq!(
            words(&read, 23.2, "simulated time (s)", "latency (ms)", "no data"),
            "at 23.0 s: p50 860 ms, p99 1.95 s"
        );
        assert_eq!(value_words(37.0, "busy workers (%)"), "37%");
        assert_eq!(value_words(1594.0, "requests/s"), "1594/s");
        assert_eq!(value_words(12.0, "requests waiting"), "12.00");
        assert_eq!(value_words(0.004, "visits/request"), "0.004");
        let swept = ReadOut::Values { at: 1900.0, values: vec![("p99 (ms)".into(), 12.5)] };
        assert_eq!(
            words(&swept, 1900.0, "load.users.rate", "p99 (ms)", ""),
            "at 1900: p99 12.5 ms"
        );
    }
}
