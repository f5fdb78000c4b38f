//! The worker's request traces (the Traces toggle): the options its run
//! traces with, the traces it keeps for an OTLP export of the run as
//! played so far (bounded by spans, oldest windows dropped first), and the
//! few it sends the page each frame (the latest window's slowest request
//! and one of its sampled ones), so frames stay small however many
//! requests a window has. Pure, tested natively.

use std::collections::VecDeque;

use scalesim_engine::Scenario;
use scalesim_engine::otlp;
use scalesim_engine::trace::{Trace, TraceOptions, TraceWindow};

/// What the worker's run keeps a window: the slowest 2 answered (and 2
/// failed) requests and a uniform sample of 2; windows are taken after
/// every tick (at most 250 windows a frame), so the engine holds no more
/// than that. At most 25 000 spans of requests in flight (about 2 MB,
/// against the engine's 400 000): under overload the worker's memory is
/// the run's work in flight, held to its bound (`limits`), and traces add
/// little to it; requests that start past the bound are not traced.
pub const OPTIONS: TraceOptions =
    TraceOptions { slowest: 2, sample: 2, keep_windows: 250, max_spans_in_flight: 25_000 };

/// The most spans kept for the export (a span is about 70 bytes here and
/// about 1 kB of OTLP JSON with its phases): past it the oldest windows
/// are dropped, so the export is the latest stretch of the run.
pub const MAX_KEPT_SPANS: usize = 20_000;

/// The traces kept for the export.
#[derive(Debug, Default)]
pub struct TraceKeep {
    windows: VecDeque<TraceWindow>,
    spans: usize,
}

impl TraceKeep {
    /// Keeps closed windows' traces (oldest first, as the engine gives
    /// them) and returns the page's picks: the latest window's slowest
    /// answered request, then one of its sampled requests if it is another
    /// (empty when no window with traces closed).
    pub fn absorb(&mut self, windows: Vec<TraceWindow>) -> Vec<Trace> {
        let picks = windows.iter().rev().find(|w| !w.traces.is_empty()).map(picks_of);
        for w in windows {
            if w.traces.is_empty() {
                continue;
            }
            self.spans += spans_in(&w);
            self.windows.push_back(w);
        }
        while self.spans > MAX_KEPT_SPANS && self.windows.len() > 1 {
            if let Some(old) = self.windows.pop_front() {
                self.spans -= spans_in(&old);
            }
        }
        picks.unwrap_or_default()
    }

    /// Forgets everything (a new run).
    pub fn clear(&mut self) {
        self.windows.clear();
        self.spans = 0;
    }

    /// Traces kept.
    pub fn len(&self) -> usize {
        self.windows.iter().map(|w| w.traces.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }

    /// The simulated seconds the kept traces cover (`None` when empty).
    pub fn span_s(&self) -> Option<(f64, f64)> {
        let first = self.windows.front()?;
        let last = self.windows.back()?;
        Some((first.start_ns as f64 / 1e9, last.end_ns as f64 / 1e9))
    }

    /// The kept traces as the OTLP JSON `scalesim run --traces` writes:
    /// `{"resourceSpans":[…]}`, one entry per component of each window.
    pub fn otlp_json(&self, scenario: &Scenario) -> String {
        let mut out = String::from("{\"resourceSpans\":[");
        let mut first = true;
        for w in &self.windows {
            for entry in otlp::resource_spans(w, scenario) {
                out.push_str(if first { "\n" } else { ",\n" });
                first = false;
                // Serde types of strings and numbers only: cannot fail.
                out.push_str(&serde_json::to_string(&entry).unwrap_or_default());
            }
        }
        out.push_str("\n]}\n");
        out
    }
}

fn spans_in(w: &TraceWindow) -> usize {
    w.traces.iter().map(|t| t.spans.len()).sum()
}

/// A window's slowest answered request and one sampled request.
fn picks_of(w: &TraceWindow) -> Vec<Trace> {
    let slowest = w.slowest();
    let sampled = w
        .traces
        .iter()
        .filter(|t| t.sampled && slowest.is_none_or(|s| s.id != t.id))
        .min_by_key(|t| t.id);
    slowest.into_iter().chain(sampled).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::replay::Run;
    use scalesim_engine::{SimDuration, SimTime, WindowReport};

    const SYNC_CHAIN: &str = include_str!("../../scenarios/sync-chain.toml");

    fn play(run: &mut Run, keep: &mut TraceKeep, secs: u64) -> (Vec<WindowReport>, Vec<Trace>) {
        let mut windows = Vec::new();
        let mut picks = Vec::new();
        for _ in 0..secs {
            windows.extend(run.advance_by(SimDuration::from_secs(1)));
            let p = keep.absorb(run.take_traces());
            if !p.is_empty() {
                picks = p;
            }
        }
        (windows, picks)
    }

    fn without_tails(mut windows: Vec<WindowReport>) -> Vec<WindowReport> {
        for w in &mut windows {
            w.tail = None;
        }
        windows
    }

    /// The toggle through the worker's own run: on, off and on again
    /// while playing, the windows are those of a run never traced.
    #[test]
    fn the_toggle_does_not_change_the_run() {
        let mut plain = Run::load("sync-chain.toml", SYNC_CHAIN).unwrap();
        let mut keep = TraceKeep::default();
        let (expected, none) = play(&mut plain, &mut keep, 30);
        assert!(none.is_empty() && keep.is_empty());
        assert!(expected.iter().all(|w| w.tail.is_none()));

        let mut traced = Run::load("sync-chain.toml", SYNC_CHAIN).unwrap();
        let mut windows = Vec::new();
        traced.set_traces(true);
        let (w, picks) = play(&mut traced, &mut keep, 10);
        assert!(w.iter().skip(1).all(|w| w.tail.is_some()), "each window's tail is reported");
        windows.extend(w);
        assert!(!picks.is_empty() && picks[0].slowest);
        traced.set_traces(false);
        windows.extend(play(&mut traced, &mut keep, 10).0);
        traced.set_traces(true);
        windows.extend(play(&mut traced, &mut keep, 10).0);
        assert_eq!(without_tails(windows), expected);
        assert!(traced.now() == SimTime::ZERO + SimDuration::from_secs(30));
    }

    #[test]
    fn picks_are_the_latest_windows_slowest_and_a_sampled_one() {
        let mut run = Run::load("sync-chain.toml", SYNC_CHAIN).unwrap();
        run.set_traces(true);
        run.advance_by(SimDuration::from_secs(5));
        let windows = run.take_traces();
        let latest = windows.last().unwrap().clone();
        let mut keep = TraceKeep::default();
        let picks = keep.absorb(windows);
        assert_eq!(picks.len(), 2);
        assert_eq!(picks[0].id, latest.slowest().unwrap().id);
        assert!(picks[1].sampled && picks[1].id != picks[0].id);
        assert_eq!(picks[0].window, latest.index);
    }

    #[test]
    fn the_export_is_bounded_and_reads_as_otlp() {
        let mut run = Run::load("sync-chain.toml", SYNC_CHAIN).unwrap();
        run.set_traces(true);
        let mut keep = TraceKeep::default();
        play(&mut run, &mut keep, 60);
        assert!(keep.spans <= MAX_KEPT_SPANS);
        let (from, to) = keep.span_s().unwrap();
        assert!(from < to && to <= 60.0);
        let json: serde_json::Value =
            serde_json::from_str(&keep.otlp_json(run.sim().scenario())).unwrap();
        let resources = json["resourceSpans"].as_array().unwrap();
        assert!(!resources.is_empty());
        let span = &resources[0]["scopeSpans"][0]["spans"][0];
        let hex = |v: &serde_json::Value, n: usize| {
            let s = v.as_str().unwrap();
            s.len() == n && s.chars().all(|c| c.is_ascii_hexdigit())
        };
        assert!(hex(&span["traceId"], 32) && hex(&span["spanId"], 16), "{span}");
        keep.clear();
        assert!(keep.is_empty() && keep.span_s().is_none());
        assert_eq!(keep.otlp_json(run.sim().scenario()), "{\"resourceSpans\":[\n]}\n");
    }

    #[test]
    fn kept_spans_stay_under_the_bound() {
        let mut run = Run::load("sync-chain.toml", SYNC_CHAIN).unwrap();
        run.set_traces(true);
        run.advance_by(SimDuration::from_secs(5));
        let sample = run.take_traces();
        let mut keep = TraceKeep::default();
        for k in 0..5_000u64 {
            let batch: Vec<TraceWindow> = sample
                .iter()
                .cloned()
                .map(|mut w| {
                    w.index += k * 10;
                    w
                })
                .collect();
            keep.absorb(batch);
            assert!(keep.spans <= MAX_KEPT_SPANS);
        }
        assert_eq!(keep.spans, keep.windows.iter().map(spans_in).sum::<usize>());
        assert!(keep.spans > MAX_KEPT_SPANS * 9 / 10, "the newest windows fill it");
        assert!(keep.windows.back().unwrap().index >= 4_999 * 10, "the newest are kept");
    }

    /// What traces add to the frames: each window's tail split, and the
    /// two picks of a frame, in the wire's bytes (figures in
    /// docs/editor.md).
    #[test]
    fn what_traces_add_to_a_frame_is_small() {
        use crate::worker::wire::to_bytes;
        for (file, text, tail_max, picks_max) in [
            ("sync-chain.toml", SYNC_CHAIN, 300, 1_000),
            ("retry-storm.toml", include_str!("../../scenarios/retry-storm.toml"), 300, 10_000),
        ] {
            let mut run = Run::load(file, text).unwrap();
            run.set_traces(true);
            let mut keep = TraceKeep::default();
            let (mut tail, mut picks, mut windows) = (0, 0, 0);
            for _ in 0..60 {
                for w in run.advance_by(SimDuration::from_secs(1)) {
                    tail = tail.max(to_bytes(&w.tail).len());
                    windows += 1;
                }
                picks = picks.max(to_bytes(&keep.absorb(run.take_traces())).len());
            }
            eprintln!(
                "{file}: {windows} windows, tail ≤ {tail} B a window, picks ≤ {picks} B a frame"
            );
            assert!(tail <= tail_max && picks <= picks_max, "{file}: {tail} B, {picks} B");
        }
    }
}
