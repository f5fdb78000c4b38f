//! What the page exports besides images: the windows as CSV, and a chart as
//! a standalone SVG drawn from the same series the canvas chart plots.
//! Pure text, tested natively.

use std::borrow::Borrow;
use std::fmt::Write;

use scalesim_engine::WindowReport;

use crate::charts::chart_data::{self, ChartData};

/// The name exports are called by: the scenario's file name without
/// `.toml` (`checkout.toml` gives `checkout`, then `checkout-metrics.csv`).
pub fn stem(file: &str) -> &str {
    file.strip_suffix(".toml").unwrap_or(file)
}

/// What every export of a variant is named by: the file's [`stem`], and
/// while comparing the variant it comes from (`sync-chain-B`, then
/// `sync-chain-B-metrics.csv`), so two downloads never look alike when
/// they hold different runs. Outside a comparison there is one variant and
/// the name is the stem alone.
pub fn variant_stem(file: &str, variant: Option<&str>) -> String {
    match variant {
        Some(v) => format!("{}-{v}", stem(file)),
        None => stem(file).to_owned(),
    }
}

/// A chart's download: the chart's name (its canvas id less `-chart`)
/// after the variant's stem when there is one (`sync-chain-B` and
/// `latency-chart` give `sync-chain-B-latency.png`).
pub fn chart_file(stem: &str, chart_id: &str, extension: &str) -> String {
    let chart = chart_id.trim_end_matches("-chart");
    match stem {
        "" => format!("{chart}.{extension}"),
        stem => format!("{stem}-{chart}.{extension}"),
    }
}

/// One row a window: the user's counts, latency and figures, then each
/// node's utilization, mean queue and p99.
pub fn windows_csv<W: Borrow<WindowReport>>(windows: &[W], nodes: &[String]) -> String {
    let mut out = String::from(
        "start_s,end_s,offered,ok,degraded,error,timeout,rejected,in_flight,throughput_rps,\
         mean_ms,p50_ms,p90_ms,p99_ms,p999_ms,max_ms,amplification,cost_per_million",
    );
    for n in nodes {
        let n = csv_field(n);
        let _ = write!(out, ",{n}.utilization,{n}.mean_queue,{n}.p99_ms");
    }
    out.push('\n');
    for w in windows.iter().map(Borrow::borrow) {
        let r = &w.requests;
        let l = &w.latency_ms;
        let _ = write!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            w.start_s,
            w.end_s,
            r.offered,
            r.ok,
            r.degraded,
            r.error,
            r.timeout,
            r.rejected,
            r.in_flight,
            w.throughput_rps,
            l.mean,
            l.p50,
            l.p90,
            l.p99,
            l.p999,
            l.max,
            w.amplification,
            w.cost_per_million
        );
        for i in 0..nodes.len() {
            match w.nodes.get(i) {
                Some(n) => {
                    let utilization = n.utilization.map_or(String::new(), |u| u.to_string());
                    let _ = write!(out, ",{utilization},{},{}", n.mean_queue, n.latency_ms.p99);
                }
                None => out.push_str(",,,"),
            }
        }
        out.push('\n');
    }
    out
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// Escapes text for XML.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A chart as a standalone SVG document: title, axes with ticks and labels,
/// one polyline a series and run between its gaps (stacked bands as filled
/// polygons, a lone window as a dot), a thin line at
/// each live change in `marks` (simulated seconds), and a legend. Its axes
/// are the screen chart's ([`chart_data::axes`]): the same range,
/// scale (linear, or logarithmic for a latency spanning decades), units
/// and round ticks.
pub fn chart_svg(
    data: &ChartData,
    marks: &[f64],
    title: &str,
    x_desc: &str,
    y_desc: &str,
) -> String {
    let (w, h) = (800.0, 420.0);
    let (left, right, top, bottom) = (70.0, 20.0, 40.0, 50.0);
    let axes = chart_data::axes(data, x_desc, y_desc, 6);
    let fraction = |axis: Option<&chart_data::Axis>, v: f64| axis.map_or(0.0, |a| a.fraction(v));
    let px = |x: f64| left + fraction(axes.as_ref().map(|a| &a.x), x) * (w - left - right);
    let py = |y: f64| h - bottom - fraction(axes.as_ref().map(|a| &a.y), y) * (h - top - bottom);
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{}\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">{}</text>\n",
        w / 2.0,
        xml(title)
    );
    // Axes and ticks.
    let _ = writeln!(
        out,
        "<path d=\"M{left},{top} V{} H{}\" stroke=\"#333\" fill=\"none\"/>",
        h - bottom,
        w - right
    );
    let (x_label, y_label) = match &axes {
        Some(axes) => {
            for &t in &axes.x.ticks {
                let _ = writeln!(
                    out,
                    "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    px(t),
                    h - bottom + 18.0,
                    xml(&axes.x.label(t))
                );
            }
            for &t in &axes.y.ticks {
                let _ = writeln!(
                    out,
                    "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" dominant-baseline=\"middle\">{}</text>\
                     <path d=\"M{left},{:.1} H{}\" stroke=\"#e5e7eb\"/>",
                    left - 6.0,
                    py(t),
                    xml(&axes.y.label(t)),
                    py(t),
                    w - right
                );
            }
            (axes.x.desc(), axes.y.desc())
        }
        None => (x_desc.to_owned(), y_desc.to_owned()),
    };
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\
         <text transform=\"translate(16 {}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
        (left + w - right) / 2.0,
        h - 12.0,
        xml(&x_label),
        (top + h - bottom) / 2.0,
        xml(&y_label)
    );
    for (s, run) in data.drawn_runs() {
        let (r, g, b) = chart_data::colour(s.color);
        let path: Vec<String> =
            run.iter().map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y))).collect();
        if let [(x, y)] = run {
            let _ = writeln!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"rgb({r},{g},{b})\"/>",
                px(*x),
                py(*y)
            );
        } else if data.stacked {
            let (first, last) = (run[0].0, run[run.len() - 1].0);
            let _ = writeln!(
                out,
                "<polygon points=\"{:.1},{:.1} {} {:.1},{:.1}\" fill=\"rgb({r},{g},{b})\" fill-opacity=\"0.85\"/>",
                px(first),
                py(0.0),
                path.join(" "),
                px(last),
                py(0.0)
            );
        } else {
            let _ = writeln!(
                out,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"rgb({r},{g},{b})\" stroke-width=\"2\"/>",
                path.join(" ")
            );
        }
    }
    if let Some(axes) = &axes {
        for &m in marks.iter().filter(|m| (axes.x.low..=axes.x.high).contains(*m)) {
            let _ = writeln!(
                out,
                "<path class=\"live-change\" d=\"M{:.1},{top} V{}\" stroke=\"#4b5563\" stroke-opacity=\"0.55\"/>",
                px(m),
                h - bottom
            );
        }
    }
    for (k, s) in data.series.iter().enumerate() {
        let (r, g, b) = chart_data::colour(s.color);
        let y = top + 10.0 + 18.0 * k as f64;
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"rgb({r},{g},{b})\"/><text x=\"{}\" y=\"{}\">{}</text>",
            left + 12.0,
            y - 10.0,
            left + 30.0,
            y,
            xml(&s.label)
        );
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalesim_engine::{Scenario, SimDuration, SimTime, Simulation};

    fn windows() -> Vec<WindowReport> {
        let text = include_str!("../../scenarios/station.toml");
        let scenario = Scenario::from_toml("station.toml", text).unwrap_or_else(|e| panic!("{e}"));
        let mut sim = Simulation::new(scenario).unwrap_or_else(|e| panic!("{e}"));
        sim.advance_until(SimTime::ZERO + SimDuration::from_secs(5))
    }

    #[test]
    fn exports_are_named_by_the_scenario_file() {
        assert_eq!(stem("checkout.toml"), "checkout");
        assert_eq!(stem("hundred"), "hundred");
        assert_eq!(stem("a.toml.toml"), "a.toml");
        assert_eq!(variant_stem("sync-chain.toml", Some("B")), "sync-chain-B");
        assert_eq!(variant_stem("sync-chain.toml", Some("A")), "sync-chain-A");
        assert_eq!(variant_stem("sync-chain.toml", None), "sync-chain");
        // Charts: the dashboard's, A against B (both variants: the stem
        // alone) and the scaling curve's (the edited variant's).
        assert_eq!(chart_file("sync-chain-B", "latency-chart", "png"), "sync-chain-B-latency.png");
        assert_eq!(
            chart_file("sync-chain", "compare-latency-chart", "svg"),
            "sync-chain-compare-latency.svg"
        );
        assert_eq!(
            chart_file("sync-chain-A", "sweep-goodput-chart", "png"),
            "sync-chain-A-sweep-goodput.png"
        );
        assert_eq!(chart_file("", "latency-chart", "png"), "latency.png");
    }

    #[test]
    fn csv_has_a_header_and_a_row_a_window() {
        let csv = windows_csv(&windows(), &["api".to_owned()]);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 6);
        let columns = lines[0].split(',').count();
        assert!(lines[0].starts_with("start_s,end_s,offered") && lines[0].ends_with("api.p99_ms"));
        assert!(lines[1..].iter().all(|l| l.split(',').count() == columns));
        assert!(lines[5].starts_with("4,5,"));
        assert_eq!(csv_field("a,b"), "\"a,b\"");
    }

    #[test]
    fn svg_is_well_formed_and_holds_every_series() {
        let data = chart_data::latency(&windows());
        let svg = chart_svg(&data, &[], "Latency <ms> & more", "time (s)", "ms");
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert_eq!(svg.matches("<polyline").count(), 3);
        assert!(svg.contains("Latency &lt;ms&gt; &amp; more"));
        // Every element is closed: as many `<` openings as `/>` or `</`.
        let opened = svg.matches('<').count();
        let closed = svg.matches("/>").count() + svg.matches("</").count() * 2;
        assert_eq!(opened, closed);
        let stacked = chart_svg(&chart_data::throughput(&windows()), &[], "t", "x", "y");
        assert!(stacked.contains("<polygon"));
        let empty = chart_svg(&ChartData::default(), &[2.0], "t", "x", "y");
        assert!(empty.ends_with("</svg>\n"));
    }

    #[test]
    fn svg_axes_are_the_screen_chart_s() {
        // A run in days ticks on whole weeks, labelled in days, as on screen.
        let day = 86_400.0;
        let series =
            |points: Vec<(f64, f64)>| chart_data::Series { label: "p99".into(), color: 1, points };
        let days = ChartData {
            series: vec![series((1..=56).map(|d| (d as f64 * day, 3.6e7)).collect())],
            ..ChartData::default()
        };
        let svg = chart_svg(&days, &[], "t", "simulated time (s)", "latency (ms)");
        for label in [">14<", ">28<", ">42<", ">56<", "simulated time (days)", "latency (h)"] {
            assert!(svg.contains(label), "{label} in {svg}");
        }
        assert!(!svg.contains(">967680<"), "no raw seconds");
        // A cured overload: the log axis with durations for ticks.
        let mut points: Vec<(f64, f64)> = (1..=10).map(|s| (s as f64, 12.0)).collect();
        points.extend((11..=40).map(|s| (s as f64, 1000.0 * (s - 10) as f64)));
        points.extend((41..=50).map(|s| (s as f64, 12.0)));
        let cured = ChartData { series: vec![series(points)], ..ChartData::default() };
        let svg = chart_svg(&cured, &[10.5, 40.5, 99.0], "t", "simulated time (s)", "latency (ms)");
        for label in [">10 ms<", ">1 s<", ">10 s<", "latency (log scale)"] {
            assert!(svg.contains(label), "{label} in {svg}");
        }
        // The live changes are marked as on screen; one past the data is not.
        assert_eq!(svg.matches("class=\"live-change\"").count(), 2);
    }
}
