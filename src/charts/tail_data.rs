//! "Where the p99 goes": what the chart of a window's tail split shows,
//! from its [`TailReport`]. Two bars (the requests at or above the p99,
//! and the median request), each the mean time of a request of its group
//! laid end to end by component (a colour each, the tail's biggest first)
//! and, inside a component, by phase (queued, in service, waiting on a
//! call, backing off: shades of its colour). Pure, tested natively;
//! `tail_chart` draws it.

use scalesim_engine::WindowReport;
use scalesim_engine::order;
use scalesim_engine::trace::{Phase, TailReport, TimeSplit};

/// One stretch of a bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    pub component: String,
    /// Index of its component in [`TailChart::components`] (its colour).
    pub colour: usize,
    pub phase: Phase,
    /// Where it starts on the bar, and how long it is (mean ms a request).
    pub start_ms: f64,
    pub ms: f64,
}

/// One bar: a group of requests.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// "slowest 1%" or "median".
    pub label: String,
    /// Requests in the group.
    pub requests: u64,
    /// Their mean latency (the bar's length).
    pub latency_ms: f64,
    pub segments: Vec<Segment>,
}

/// The chart of one window.
#[derive(Clone, Debug, PartialEq)]
pub struct TailChart {
    /// The window it is of, and when it ended (simulated seconds).
    pub window: u64,
    pub end_s: f64,
    /// The tail's bar, then the median's (when there was a median).
    pub bars: Vec<Bar>,
    /// Components in colour order: the tail's biggest first.
    pub components: Vec<String>,
    /// One sentence saying where the tail's time goes.
    pub summary: String,
}

/// The latest window that reported a tail (traces on and requests
/// answered), as a chart; `None` before there is one.
pub fn latest(windows: &[std::rc::Rc<WindowReport>]) -> Option<TailChart> {
    let w = windows.iter().rev().find(|w| w.tail.is_some())?;
    w.tail.as_ref().map(|t| chart(t, w.index, w.end_s))
}

/// The chart of one window's tail report.
pub fn chart(report: &TailReport, window: u64, end_s: f64) -> TailChart {
    let mut components: Vec<String> =
        report.tail.by_component().into_iter().map(|(c, _)| c).collect();
    if let Some(m) = &report.median {
        for (c, _) in m.by_component() {
            if !components.contains(&c) {
                components.push(c);
            }
        }
    }
    let mut bars = vec![bar("slowest 1%", &report.tail, &components)];
    if let Some(m) = &report.median {
        bars.push(bar("median", m, &components));
    }
    TailChart { window, end_s, summary: summary(&report.tail), bars, components }
}

fn bar(label: &str, split: &TimeSplit, components: &[String]) -> Bar {
    let mut segments = Vec::new();
    let mut at = 0.0;
    for (colour, c) in components.iter().enumerate() {
        for phase in Phase::ALL {
            let ms: f64 = split
                .shares
                .iter()
                .filter(|s| s.component == *c && s.phase == phase)
                .map(|s| s.ms)
                .sum();
            if ms > 0.0 {
                segments.push(Segment { component: c.clone(), colour, phase, start_ms: at, ms });
                at += ms;
            }
        }
    }
    Bar {
        label: label.to_owned(),
        requests: split.requests,
        latency_ms: split.latency_ms,
        segments,
    }
}

/// "The slowest 1% (12 requests) take 412 ms: 96% at recommendations,
/// mostly in service."
fn summary(tail: &TimeSplit) -> String {
    let total: f64 = tail.shares.iter().map(|s| s.ms).sum();
    let head = format!(
        "The slowest 1% ({} request{}) take {} on average",
        tail.requests,
        if tail.requests == 1 { "" } else { "s" },
        crate::waterfall::ms_text(tail.latency_ms)
    );
    let Some((top, ms)) = tail.by_component().into_iter().next() else {
        return format!("{head}.");
    };
    if total <= 0.0 {
        return format!("{head}.");
    }
    let by_phase = tail.by_phase();
    let network = by_phase.iter().find(|p| p.0 == Phase::Network).map_or(0.0, |p| p.1);
    if network > 0.0 && by_phase.iter().all(|p| p.1 <= network) {
        return format!("{head}: {:.0}% on the network.", network / total * 100.0);
    }
    let phase = tail
        .shares
        .iter()
        .filter(|s| s.component == top)
        .max_by(|a, b| a.ms.total_cmp(&b.ms))
        .map_or("", |s| s.phase.label());
    format!("{head}: {:.0}% at {top}, mostly {phase}.", ms / total * 100.0)
}

/// How strongly a phase is drawn (its shade of the component's colour).
pub fn phase_alpha(phase: Phase) -> f64 {
    match phase {
        Phase::InService => 1.0,
        Phase::Queued => 0.6,
        Phase::WaitingOnCall => 0.35,
        Phase::BackingOff => 0.18,
        Phase::Network => 1.0,
    }
}

/// The colour of time on the network: one of its own, whichever component
/// waited, so the network reads as a place of its own. Set apart from every
/// component's colour and from the phases' grey by lightness, which every
/// kind of colour vision sees: near-black on the light page, near-white on
/// the dark one.
pub fn network_rgb(dark: bool) -> (u8, u8, u8) {
    if dark { (241, 245, 249) } else { (30, 41, 59) }
}

/// The legend's grey for the phases (each in its shade): mid grey, so "in
/// service" (full strength) reads apart from the network's near-black (or
/// near-white), and at 3:1 or more against either page.
pub const PHASE_RGB: (u8, u8, u8) = (128, 136, 148);

/// A segment's colour and opacity: its component's colour in its phase's
/// shade, or the network's.
pub fn segment_rgba(s: &Segment, dark: bool) -> ((u8, u8, u8), f64) {
    match s.phase {
        Phase::Network => (network_rgb(dark), phase_alpha(s.phase)),
        p => (crate::charts::chart_data::colour(s.colour), phase_alpha(p)),
    }
}

/// A phase's swatch in the legend (CSS colour).
pub fn phase_swatch(phase: Phase, dark: bool) -> String {
    let (r, g, b) = match phase {
        Phase::Network => network_rgb(dark),
        _ => PHASE_RGB,
    };
    format!("rgba({r} {g} {b} / {})", phase_alpha(phase))
}

/// The contrast ratio of two opaque colours (WCAG 2: 1 to 21).
pub fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let luminance = |(r, g, b): (u8, u8, u8)| {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    };
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The table beside the chart (its text alternative): per component and
/// phase, the mean ms of a tail request and of the median request.
pub fn table(chart: &TailChart) -> Vec<(String, Phase, Option<f64>, Option<f64>)> {
    let mut rows: Vec<(String, Phase, Option<f64>, Option<f64>)> = Vec::new();
    for (b, bar) in chart.bars.iter().enumerate() {
        for s in &bar.segments {
            let at = rows.iter().position(|r| r.0 == s.component && r.1 == s.phase);
            let i = at.unwrap_or_else(|| {
                rows.push((s.component.clone(), s.phase, None, None));
                rows.len() - 1
            });
            if b == 0 {
                rows[i].2 = Some(s.ms);
            } else {
                rows[i].3 = Some(s.ms);
            }
        }
    }
    order::sort_by(&mut rows, |a, b| b.2.unwrap_or(0.0).total_cmp(&a.2.unwrap_or(0.0)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::replay::Run;
    use scalesim_engine::SimDuration;
    use scalesim_engine::trace::TimeShare;

    fn share(component: &str, phase: Phase, ms: f64) -> TimeShare {
        TimeShare { component: component.into(), kind: "node".into(), phase, ms }
    }

    fn report() -> TailReport {
        TailReport {
            tail: TimeSplit {
                requests: 3,
                latency_ms: 100.0,
                shares: vec![
                    share("recs", Phase::InService, 80.0),
                    share("api", Phase::InService, 12.0),
                    share("recs", Phase::Queued, 5.0),
                    share("api", Phase::WaitingOnCall, 3.0),
                ],
            },
            median: Some(TimeSplit {
                requests: 1,
                latency_ms: 20.0,
                shares: vec![
                    share("api", Phase::InService, 12.0),
                    share("db", Phase::InService, 8.0),
                ],
            }),
        }
    }

    #[test]
    fn bars_lay_components_end_to_end_by_phase() {
        let c = chart(&report(), 9, 10.0);
        assert_eq!(c.components, ["recs", "api", "db"]);
        let tail = &c.bars[0];
        let parts: Vec<(&str, Phase, f64, f64)> = tail
            .segments
            .iter()
            .map(|s| (s.component.as_str(), s.phase, s.start_ms, s.ms))
            .collect();
        assert_eq!(
            parts,
            [
                ("recs", Phase::Queued, 0.0, 5.0),
                ("recs", Phase::InService, 5.0, 80.0),
                ("api", Phase::InService, 85.0, 12.0),
                ("api", Phase::WaitingOnCall, 97.0, 3.0),
            ]
        );
        let end = tail.segments.last().map(|s| s.start_ms + s.ms).unwrap();
        assert!((end - tail.latency_ms).abs() < 1e-9, "the bar is the latency");
        assert_eq!(c.bars[1].label, "median");
        assert_eq!(c.bars[1].segments[1].colour, 2, "db keeps its colour");
        assert_eq!(
            c.summary,
            "The slowest 1% (3 requests) take 100 ms on average: 85% at recs, mostly in service."
        );
    }

    #[test]
    fn the_table_has_a_row_per_component_and_phase() {
        let rows = table(&chart(&report(), 9, 10.0));
        assert_eq!(rows[0], ("recs".to_owned(), Phase::InService, Some(80.0), None));
        let api = rows.iter().find(|r| r.0 == "api" && r.1 == Phase::InService).unwrap();
        assert_eq!((api.2, api.3), (Some(12.0), Some(12.0)));
        assert_eq!(rows.len(), 5);
    }

    /// The lesson's claim, through the worker's run and this chart: the
    /// tail's first colour is recommendations, and after the call is made
    /// async, the api's own path.
    #[test]
    fn the_sync_chain_tail_moves_when_the_call_goes_async() {
        use scalesim_engine::edit::Edit;
        use scalesim_engine::scenario::Mode;
        let text = include_str!("../../scenarios/sync-chain.toml");
        let mut run = Run::load("sync-chain.toml", text).unwrap();
        run.set_traces(true);
        let windows: Vec<_> =
            run.advance_by(SimDuration::from_secs(15)).into_iter().map(std::rc::Rc::new).collect();
        let before = latest(&windows).unwrap();
        assert_eq!(before.components[0], "recommendations");
        assert!(before.summary.contains("at recommendations"), "{}", before.summary);
        let edit = Edit::SetLane { id: "recommendations".into(), mode: Mode::Async };
        run.apply(crate::worker::replay::Change::Edit { edit }).unwrap();
        let windows: Vec<_> =
            run.advance_by(SimDuration::from_secs(15)).into_iter().map(std::rc::Rc::new).collect();
        let after = latest(&windows).unwrap();
        assert!(!after.bars[0].segments.iter().any(|s| s.component == "recommendations"));
        assert!(after.bars[0].latency_ms < before.bars[0].latency_ms / 3.0);
    }

    #[test]
    fn network_time_has_a_colour_and_a_label_of_its_own() {
        let report = TailReport {
            tail: TimeSplit {
                requests: 2,
                latency_ms: 100.0,
                shares: vec![
                    share("cart", Phase::Network, 80.0),
                    share("inventory", Phase::InService, 15.0),
                    share("cart", Phase::InService, 5.0),
                ],
            },
            median: None,
        };
        let c = chart(&report, 3, 5.0);
        let net = c.bars[0].segments.iter().find(|s| s.phase == Phase::Network).unwrap();
        assert_eq!(segment_rgba(net, false), (network_rgb(false), 1.0));
        let own = c.bars[0]
            .segments
            .iter()
            .find(|s| s.component == "cart" && s.phase == Phase::InService);
        assert_eq!(segment_rgba(own.unwrap(), true).0, crate::charts::chart_data::colour(0));
        assert_ne!(phase_swatch(Phase::Network, false), phase_swatch(Phase::InService, false));
        assert_eq!(Phase::Network.label(), "on the network");
        assert_eq!(
            c.summary,
            "The slowest 1% (2 requests) take 100 ms on average: 80% on the network."
        );
        let rows = table(&c);
        assert_eq!(rows[0], ("cart".to_owned(), Phase::Network, Some(80.0), None));
    }

    /// The legend's "in service" and "on the network" swatches, and the
    /// network's bars, read apart (WCAG's 3:1 for graphics).
    #[test]
    fn the_network_and_in_service_swatches_read_apart_on_either_page() {
        const WHITE: (u8, u8, u8) = (255, 255, 255);
        const DARK_PAGE: (u8, u8, u8) = (17, 21, 31);
        for (dark, page) in [(false, WHITE), (true, DARK_PAGE)] {
            let network = network_rgb(dark);
            // Apart by lightness (what every kind of colour vision keeps).
            assert!(
                contrast(network, PHASE_RGB) >= 3.0,
                "dark {dark}: {}",
                contrast(network, PHASE_RGB)
            );
            assert!(contrast(network, page) >= 3.0, "dark {dark}");
            assert!(contrast(PHASE_RGB, page) >= 3.0, "dark {dark}: {}", contrast(PHASE_RGB, page));
            // And apart from every component's colour too.
            for c in crate::charts::chart_data::PALETTE {
                assert!(contrast(network, c) >= 1.5, "dark {dark}: {c:?}");
            }
        }
        assert!((contrast(WHITE, (0, 0, 0)) - 21.0).abs() < 1e-9);
    }

    /// The cross-region lesson's tail, through the worker's run and this
    /// chart: most of the slowest requests' time is on the network.
    #[test]
    fn the_cross_region_tail_is_on_the_network() {
        let text = include_str!("../../scenarios/cross-region.toml");
        let mut run = Run::load("cross-region.toml", text).unwrap();
        run.set_traces(true);
        let windows: Vec<_> =
            run.advance_by(SimDuration::from_secs(15)).into_iter().map(std::rc::Rc::new).collect();
        let c = latest(&windows).unwrap();
        assert!(c.summary.contains("on the network"), "{}", c.summary);
        let tail = &c.bars[0];
        let net: f64 =
            tail.segments.iter().filter(|s| s.phase == Phase::Network).map(|s| s.ms).sum();
        assert!(net / tail.latency_ms > 0.8, "{net} of {} ms", tail.latency_ms);
    }
}
