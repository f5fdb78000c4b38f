//! What the embedded player says before and while it plays: the one line
//! of explanation, and the one figure that makes the scenario's point (the
//! lesson's `watch` names it, or the author picks it in the embed dialog).
//! Pure, tested natively.

use std::borrow::Borrow;

use scalesim_engine::{LatencyStats, WindowReport};

use crate::format;
use crate::insight::{self, RECENT_WINDOWS};
use crate::keep::embed_snippet::Figure;

/// The figure a lesson's `watch` text points at: the first figure it
/// mentions; the user p99 when it names none.
pub fn figure_for_watch(watch: Option<&str>) -> Figure {
    let Some(watch) = watch else { return Figure::P99 };
    let text = watch.to_lowercase();
    const WORDS: [(&str, Figure); 12] = [
        ("p50", Figure::P50),
        ("p99", Figure::P99),
        ("goodput", Figure::Goodput),
        ("throughput", Figure::Goodput),
        ("success rate", Figure::Failed),
        ("rejected share", Figure::Failed),
        ("timeouts", Figure::Failed),
        ("rejections", Figure::Failed),
        ("amplification", Figure::Amplification),
        ("arrivals per user request", Figure::Amplification),
        ("cost", Figure::Cost),
        ("latency", Figure::P99),
    ];
    WORDS
        .iter()
        .filter_map(|(word, figure)| text.find(word).map(|at| (at, *figure)))
        .min_by_key(|(at, _)| *at)
        .map_or(Figure::P99, |(_, figure)| figure)
}

/// The figure's label beside its value: a latency says it is over the
/// last [`RECENT_WINDOWS`] windows, as the main page's strip does.
pub fn label(figure: Figure) -> String {
    match figure {
        Figure::P50 | Figure::P99 => format!("{} · {RECENT_WINDOWS} win.", figure.label()),
        _ => figure.label().to_owned(),
    }
}

/// What the figure is over, for its tooltip.
pub fn over(figure: Figure) -> String {
    match figure {
        Figure::P50 | Figure::P99 => format!(
            "The figure this scenario is about: user latency of the last {RECENT_WINDOWS} windows' answers together, steadier than one window's"
        ),
        _ => "The figure this scenario is about, over the last window".to_owned(),
    }
}

/// The figure's value in human units; "–" when it has no data (before
/// Play, or no answered request). A latency is the main page's strip's
/// (`insight::recent`: the last [`RECENT_WINDOWS`] windows together, from
/// the frames' `rolling`), every other figure the last window's.
pub fn value<W: Borrow<WindowReport>>(
    figure: Figure,
    windows: &[W],
    rolling: Option<&LatencyStats>,
) -> String {
    match figure {
        Figure::P50 => return insight::recent(rolling).p50,
        Figure::P99 => return insight::recent(rolling).p99,
        _ => {}
    }
    let Some(w) = windows.last().map(Borrow::borrow) else {
        return format::ABSENT.to_owned();
    };
    let span = w.end_s - w.start_s;
    let r = &w.requests;
    let failed = r.error + r.timeout + r.rejected;
    let finished = failed + r.ok + r.degraded;
    let shown = match figure {
        Figure::P50 | Figure::P99 => None,
        Figure::Goodput => (span > 0.0).then(|| format::rate((r.ok + r.degraded) as f64 / span)),
        Figure::Failed => (finished > 0).then(|| format::share(failed as f64 / finished as f64)),
        Figure::Amplification => {
            (r.offered > 0).then(|| format!("{}×", format::quantity(w.amplification)))
        }
        Figure::Cost => (w.cost_per_million > 0.0).then(|| cost(w.cost_per_million)),
    };
    shown.unwrap_or_else(|| format::ABSENT.to_owned())
}

fn cost(per_million: f64) -> String {
    if per_million >= 100.0 { format!("{per_million:.0}") } else { format!("{per_million:.2}") }
}

/// The first sentence of a description, on one line: what the player shows
/// under its title. Long first sentences are cut at a word with "…".
pub fn one_line(description: Option<&str>) -> Option<String> {
    const MAX: usize = 220;
    let flat = description?.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.is_empty() {
        return None;
    }
    let sentence = match flat.find(". ") {
        Some(end) => &flat[..=end],
        None => flat.as_str(),
    };
    if sentence.chars().count() <= MAX {
        return Some(sentence.to_owned());
    }
    let cut: String = sentence.chars().take(MAX).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    Some(format!("{}…", at_word.trim_end_matches([',', ';', ':'])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_lessons_watch_names_its_figure() {
        let cases = [
            ("User p50 against the shard node's p50 and p99.", Figure::P50),
            ("User latency p99 against the recommendations node's latency", Figure::P99),
            ("Goodput (throughput) and timeouts over time", Figure::Goodput),
            ("The users' rejected share and the partner node's rejections", Figure::Failed),
            ("Cost per million requests (compare with logging-cost.toml).", Figure::Cost),
            ("Amplification during the outage", Figure::Amplification),
            ("The database's arrivals per user request during the outage", Figure::Amplification),
            ("Search's utilization (full) against the users' success rate", Figure::Failed),
            ("Something else entirely", Figure::P99),
        ];
        for (watch, figure) in cases {
            assert_eq!(figure_for_watch(Some(watch)), figure, "{watch}");
        }
        assert_eq!(figure_for_watch(None), Figure::P99);
    }

    /// Every scenario file's `watch` points at a figure the player can
    /// show, and the fan-out pair's at the p50 (where they differ).
    #[test]
    fn the_library_figures() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/");
        let watch = |file: &str| {
            let text = std::fs::read_to_string(format!("{dir}{file}")).unwrap_or_default();
            let table: toml::Table = text.parse().unwrap_or_default();
            table
                .get("scenario")
                .and_then(|s| s.get("watch"))
                .and_then(|w| w.as_str())
                .map(str::to_owned)
        };
        assert_eq!(figure_for_watch(watch("fanout-tail.toml").as_deref()), Figure::P50);
        assert_eq!(figure_for_watch(watch("fanout-tail-hedged.toml").as_deref()), Figure::P50);
        assert_eq!(figure_for_watch(watch("logging-cost.toml").as_deref()), Figure::Cost);
        assert_eq!(figure_for_watch(watch("logging-cost-sampled.toml").as_deref()), Figure::Cost);
        assert_eq!(figure_for_watch(watch("more-servers.toml").as_deref()), Figure::Failed);
        assert_eq!(figure_for_watch(watch("more-servers-queue.toml").as_deref()), Figure::Failed);
        assert_eq!(figure_for_watch(watch("team-change.toml").as_deref()), Figure::P99);
        assert_eq!(figure_for_watch(watch("team-change-owned.toml").as_deref()), Figure::P99);
    }

    fn window(start_s: f64, end_s: f64) -> WindowReport {
        WindowReport {
            index: 0,
            start_s,
            end_s,
            requests: scalesim_engine::RequestCounts::default(),
            latency_ms: scalesim_engine::LatencyStats::default(),
            throughput_rps: 0.0,
            amplification: 0.0,
            cost_per_million: 0.0,
            loads: Vec::new(),
            nodes: Vec::new(),
            tail: None,
            network: None,
        }
    }

    #[test]
    fn no_data_is_a_dash() {
        let none: [WindowReport; 0] = [];
        for figure in Figure::ALL {
            assert_eq!(value(figure, &none, None), "–");
        }
        let empty = window(0.0, 1.0);
        let unanswered = LatencyStats::default();
        assert_eq!(value(Figure::P99, std::slice::from_ref(&empty), Some(&unanswered)), "–");
        assert_eq!(value(Figure::Failed, std::slice::from_ref(&empty), None), "–");
        assert_eq!(value(Figure::Cost, std::slice::from_ref(&empty), None), "–");
        assert_eq!(value(Figure::Goodput, &[empty], None), "0 req/s");
    }

    #[test]
    fn figures_in_human_units() {
        let mut w = window(0.0, 2.0);
        w.latency_ms.count = 10;
        w.latency_ms.p50 = 4.25;
        w.latency_ms.p99 = 1250.0;
        w.requests.offered = 100;
        w.requests.ok = 90;
        w.requests.timeout = 10;
        w.amplification = 2.5;
        w.cost_per_million = 3.5;
        let ws = [w];
        // Latency is the strip's: the last windows together, not this one's.
        let recent = LatencyStats { count: 40, p50: 6.03, p99: 212.0, ..LatencyStats::default() };
        assert_eq!(value(Figure::P50, &ws, Some(&recent)), "6.03 ms");
        assert_eq!(value(Figure::P99, &ws, Some(&recent)), "212 ms");
        assert_eq!(value(Figure::P50, &ws, Some(&recent)), insight::recent(Some(&recent)).p50);
        assert_eq!(value(Figure::P50, &ws, None), "–");
        assert_eq!(value(Figure::Goodput, &ws, None), "45 req/s");
        assert_eq!(value(Figure::Failed, &ws, None), "10%");
        assert_eq!(value(Figure::Amplification, &ws, None), "2.5×");
        assert_eq!(value(Figure::Cost, &ws, None), "3.50");
        assert_eq!(label(Figure::P50), "user p50 · 10 win.");
        assert_eq!(label(Figure::Goodput), "goodput");
    }

    #[test]
    fn one_line_is_the_first_sentence() {
        assert_eq!(
            one_line(Some("A chain of calls.\nEach adds  its latency. More.")).as_deref(),
            Some("A chain of calls.")
        );
        assert_eq!(one_line(Some("   ")), None);
        assert_eq!(one_line(None), None);
        let long = "word ".repeat(100);
        let line = one_line(Some(&long)).unwrap_or_default();
        assert!(line.ends_with('…') && line.chars().count() <= 221, "{line}");
    }
}
