//! The scaling curve's state as the page shows it: the sweep running (with
//! the inputs it was started with and its progress), the last finished
//! curve with the inputs it came from, and a cancelled sweep's note. Each
//! gesture and worker report is one method, so what the panel shows follows
//! from them alone: a curve on screen always says which sweep it is, and
//! while another runs or after one was cancelled it is marked as the
//! previous one. Native-tested.

use std::rc::Rc;

use scalesim_engine::coordination::UslFit;
use scalesim_engine::sweep::{SweepPoint, SweepSpec, ValueKind};

use crate::charts::chart_data::{self, ChartData};

/// A finished sweep, as the page keeps it.
#[derive(Debug, PartialEq)]
pub struct SweepResult {
    pub param: String,
    /// What it was run with, in words ([`inputs`]).
    pub inputs: String,
    pub latency: Rc<ChartData>,
    pub goodput: Rc<ChartData>,
    pub knee: Option<f64>,
    pub usl: Option<UslFit>,
    /// The points as the worker summarised them (each `scalesim sweep`'s
    /// for the same file, bit for bit), published as JSON on the panel
    /// (`data-points`) for the end-to-end test that compares them.
    pub points: Vec<SweepPoint>,
}

impl SweepResult {
    /// The knee's value as a person reads it (`167`, `150ms`).
    pub fn knee_text(&self) -> Option<String> {
        self.knee.map(|k| shown(&self.param, k))
    }

    /// Where requests were left waiting when the runs ended, in words:
    /// past a collapse most requests are neither answered nor failed, and
    /// the p99 curve, over answered requests only, does not show them.
    /// `None` when every point answered or failed at least 95% of them.
    pub fn unanswered_text(&self) -> Option<String> {
        let waiting = |p: &&SweepPoint| p.unanswered_share.mean >= UNANSWERED_NOTED;
        let first = self.points.iter().find(waiting)?;
        let most = self.points.iter().map(|p| p.unanswered_share.mean).fold(0.0, f64::max);
        let x = self.param.split('=').next().unwrap_or_default();
        let at = shown(&self.param, first.value);
        let most = crate::format::share(most);
        let only = self.points.iter().filter(waiting).count() == 1;
        Some(if only {
            format!(
                "At {x} = {at}, {most} of the requests were still waiting when the runs ended: \
                 the p99 curve counts answered requests only."
            )
        } else {
            format!(
                "From {x} = {at}, up to {most} of the requests were still waiting when the runs \
                 ended: the p99 curve counts answered requests only."
            )
        })
    }
}

/// The share of requests left waiting from which a point is said to have
/// left them waiting (the knee's 95% answered, turned round).
const UNANSWERED_NOTED: f64 = 0.05;

/// A sweep asked for: its inputs in words and `(runs done, runs in all)`
/// as the worker last said (`total` is 0 until its first report). Kept
/// while it runs, and after a cancel as how far it had come.
#[derive(Clone, Debug, PartialEq)]
pub struct Asked {
    pub inputs: String,
    pub done: u32,
    pub total: u32,
}

/// The scaling curve's tab as state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SweepState {
    pub running: Option<Asked>,
    /// The last sweep that finished.
    pub result: Option<Rc<SweepResult>>,
    /// The last sweep asked for was cancelled (until another starts).
    pub cancelled: Option<Asked>,
}

/// A sweep's inputs in words, as the form sent them:
/// `load.users.rate=100..20000:12, 2 runs a point, 120 s a run`.
pub fn inputs(param: &str, runs: u32, duration_s: Option<f64>) -> String {
    let runs = if runs == 1 { "1 run a point".to_owned() } else { format!("{runs} runs a point") };
    let length = match duration_s {
        Some(s) => format!("{} s a run", crate::format::quantity(s)),
        None => "the scenario's duration a run".to_owned(),
    };
    format!("{}, {runs}, {length}", param.trim())
}

/// A value of the sweep `param` (`load.users.rate=50..400:4`) as a
/// person reads it, as the form's words write it (`sweep_words`): a
/// duration with its unit (`150ms`), a number rounded (`167`).
pub fn shown(param: &str, value: f64) -> String {
    match SweepSpec::parse(param, 1) {
        Ok(spec) if spec.kind == ValueKind::Duration => spec.text_of(value),
        _ => crate::format::quantity(value),
    }
}

impl SweepState {
    /// The user ran a sweep with these inputs: a cancelled one's note goes.
    pub fn started(&mut self, inputs: String) {
        self.running = Some(Asked { inputs, done: 0, total: 0 });
        self.cancelled = None;
    }

    /// The worker's progress; `total == 0` confirms a cancel (already
    /// shown). Progress with no sweep asked for is a late report of a
    /// cancelled one, and ignored.
    pub fn progress(&mut self, done: u32, total: u32) {
        if total == 0 {
            self.running = None;
        } else if let Some(r) = &mut self.running {
            r.done = done;
            r.total = total;
        }
    }

    /// The worker finished the sweep running: its curve replaces the last.
    /// A curve that arrives after a cancel is not shown (the user said no).
    pub fn finished(&mut self, param: String, points: Vec<SweepPoint>, usl: Option<UslFit>) {
        let Some(running) = self.running.take() else { return };
        let latency = chart_data::sweep_latency(&points, |v| shown(&param, v));
        self.result = Some(Rc::new(SweepResult {
            param,
            inputs: running.inputs,
            latency: Rc::new(latency),
            goodput: Rc::new(chart_data::sweep_goodput(&points, usl.as_ref())),
            knee: points.iter().find(|p| p.knee).map(|p| p.value),
            usl,
            points,
        }));
    }

    /// The user cancelled the sweep running: noted with how far it came.
    pub fn cancel(&mut self) {
        if self.running.is_some() {
            self.cancelled = self.running.take();
        }
    }

    /// The sweep could not go on (an error, the worker died): the error is
    /// shown elsewhere.
    pub fn failed(&mut self) {
        self.running = None;
    }

    /// The progress bar's `(done, total)`, once the worker has counted.
    pub fn progress_shown(&self) -> Option<(u32, u32)> {
        self.running.as_ref().filter(|r| r.total > 0).map(|r| (r.done, r.total))
    }

    /// The note under the form after a cancel.
    pub fn note(&self) -> Option<String> {
        let c = self.cancelled.as_ref()?;
        Some(if c.total == 0 {
            format!("Cancelled before its first run ({}).", c.inputs)
        } else {
            format!("Cancelled after {} of {} runs ({}).", c.done, c.total, c.inputs)
        })
    }

    /// Whether the curve shown is an older sweep's than the last asked for
    /// (one runs now, or was cancelled).
    pub fn result_is_previous(&self) -> bool {
        self.result.is_some() && (self.running.is_some() || self.cancelled.is_some())
    }

    /// Whether the curve shown is the finished sweep of `command` (a
    /// [`ToWorker::Sweep`](crate::worker::protocol::ToWorker::Sweep)): the
    /// form then says nothing the caption does not, and its words give
    /// their room to the curve.
    pub fn shows(&self, command: &crate::worker::protocol::ToWorker) -> bool {
        let crate::worker::protocol::ToWorker::Sweep { param, runs, duration_s } = command else {
            return false;
        };
        let shown = self.result.as_ref().filter(|_| !self.result_is_previous());
        shown.is_some_and(|r| r.inputs == inputs(param, *runs, *duration_s))
    }

    /// The caption over the curve: which sweep it is.
    pub fn result_caption(&self) -> Option<String> {
        let r = self.result.as_ref()?;
        Some(if self.result_is_previous() {
            format!("Previous sweep: {}.", r.inputs)
        } else {
            format!("Sweep of {}.", r.inputs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scalesim_engine::sweep::Estimate;

    fn point(value: f64, knee: bool) -> SweepPoint {
        let e = |mean: f64| Estimate { mean, ci95: 0.0 };
        SweepPoint {
            value,
            offered_rps: e(value),
            goodput_rps: e(value),
            p99_ms: Some(e(12.0)),
            error_share: e(0.0),
            unanswered_share: e(0.0),
            cost_per_million: e(0.0),
            knee,
            slo_met: None,
        }
    }

    fn finished_once() -> SweepState {
        let mut s = SweepState::default();
        s.started(inputs("load.users.rate=50..400:8", 2, Some(20.0)));
        s.progress(16, 16);
        s.finished("load.users.rate".into(), vec![point(50.0, false), point(400.0, false)], None);
        s
    }

    #[test]
    fn requests_left_waiting_are_said() {
        let waiting = |value: f64, share: f64| SweepPoint {
            unanswered_share: Estimate { mean: share, ci95: 0.0 },
            ..point(value, false)
        };
        let result = |points: Vec<SweepPoint>| {
            let mut s = SweepState::default();
            s.started(inputs("load.users.rate=1000..5000:3", 1, None));
            s.finished("load.users.rate".into(), points, None);
            s.result.expect("finished").unanswered_text()
        };
        assert_eq!(result(vec![waiting(1000.0, 0.001), waiting(2000.0, 0.04)]), None);
        assert_eq!(
            result(vec![waiting(1000.0, 0.0), waiting(3000.0, 0.2), waiting(5000.0, 0.54)])
                .as_deref(),
            Some(
                "From load.users.rate = 3000, up to 54% of the requests were still waiting when \
                 the runs ended: the p99 curve counts answered requests only."
            )
        );
        assert!(
            result(vec![waiting(1000.0, 0.0), waiting(5000.0, 0.3)])
                .is_some_and(|t| t.starts_with("At load.users.rate = 5000, 30% of the requests"))
        );
    }

    #[test]
    fn inputs_read_as_the_form_sent_them() {
        assert_eq!(
            inputs(" load.users.rate=100..20000:12 ", 2, Some(120.0)),
            "load.users.rate=100..20000:12, 2 runs a point, 120 s a run"
        );
        assert_eq!(
            inputs("a.workers=1..4:4", 1, None),
            "a.workers=1..4:4, 1 run a point, the scenario's duration a run"
        );
    }

    #[test]
    fn a_finished_sweep_says_which_it_is() {
        let s = finished_once();
        assert_eq!(s.running, None);
        assert_eq!(s.progress_shown(), None);
        assert_eq!(s.note(), None);
        assert!(!s.result_is_previous());
        assert_eq!(
            s.result_caption().as_deref(),
            Some("Sweep of load.users.rate=50..400:8, 2 runs a point, 20 s a run.")
        );
        assert_eq!(s.result.as_ref().map(|r| r.knee), Some(None));
    }

    #[test]
    fn while_another_runs_the_old_curve_is_the_previous_one() {
        let mut s = finished_once();
        s.started(inputs("load.users.rate=100..20000:12", 2, Some(120.0)));
        assert_eq!(s.progress_shown(), None, "no bar until the worker counts");
        s.progress(3, 24);
        assert_eq!(s.progress_shown(), Some((3, 24)));
        assert!(s.result_is_previous());
        assert_eq!(
            s.result_caption().as_deref(),
            Some("Previous sweep: load.users.rate=50..400:8, 2 runs a point, 20 s a run.")
        );
    }

    #[test]
    fn the_knee_is_written_as_a_person_reads_it() {
        let mut s = SweepState::default();
        s.started(inputs("load.users.rate=50..400:4", 1, None));
        let knee = 50.0 + 350.0 / 3.0;
        s.finished(
            "load.users.rate=50..400:4".into(),
            vec![point(50.0, false), point(knee, true)],
            None,
        );
        let r = s.result.as_ref().unwrap_or_else(|| panic!("a curve"));
        assert_eq!(r.knee, Some(knee), "the exact value, for the chart");
        assert_eq!(r.knee_text().as_deref(), Some("167"));
        assert_eq!(r.latency.series[1].label, "knee at 167");
        assert_eq!(shown("api.call.0.timeout=50ms..2s:3", 1_025_000_000.0), "1025ms");
    }

    #[test]
    fn a_cancel_is_noted_and_the_old_curve_stays_labelled() {
        let mut s = finished_once();
        s.started(inputs("load.users.rate=100..20000:12", 2, Some(120.0)));
        s.progress(3, 24);
        s.cancel();
        assert_eq!(s.progress_shown(), None);
        assert_eq!(
            s.note().as_deref(),
            Some(
                "Cancelled after 3 of 24 runs (load.users.rate=100..20000:12, 2 runs a point, 120 s a run)."
            )
        );
        assert!(s.result_is_previous());
        assert!(
            s.result_caption()
                .is_some_and(|c| c.starts_with("Previous sweep: load.users.rate=50..400:8"))
        );
        // The worker's confirmation, a late progress report and a late
        // curve change nothing.
        let before = s.clone();
        s.progress(4, 24);
        s.progress(0, 0);
        s.finished("load.users.rate".into(), vec![point(100.0, true)], None);
        assert_eq!(s, before);
        // The next sweep clears the note; when it finishes its curve is shown as current.
        s.started(inputs("load.users.rate=100..800:4", 1, None));
        assert_eq!(s.note(), None);
        s.progress(4, 4);
        s.finished("load.users.rate".into(), vec![point(100.0, true)], None);
        assert!(!s.result_is_previous());
        assert_eq!(s.result.as_ref().and_then(|r| r.knee), Some(100.0));
        assert!(
            s.result_caption()
                .is_some_and(|c| c.starts_with("Sweep of load.users.rate=100..800:4"))
        );
    }

    #[test]
    fn a_cancel_before_the_first_count_and_a_failure() {
        let mut s = SweepState::default();
        s.started(inputs("x=1..2:2", 1, Some(5.0)));
        s.cancel();
        assert_eq!(
            s.note().as_deref(),
            Some("Cancelled before its first run (x=1..2:2, 1 run a point, 5 s a run).")
        );
        assert_eq!(s.result_caption(), None);
        s.started(inputs("x=1..2:2", 1, Some(5.0)));
        s.failed();
        assert_eq!((s.running.clone(), s.note()), (None, None));
    }

    #[test]
    fn the_form_gives_way_to_the_curve_of_what_it_asks_for() {
        use crate::worker::protocol::ToWorker;
        let sweep = |param: &str, runs| ToWorker::Sweep {
            param: param.to_owned(),
            runs,
            duration_s: Some(20.0),
        };
        let mut state = SweepState::default();
        let asked = sweep("load.users.rate=100..2000:8", 2);
        assert!(!state.shows(&asked), "no curve yet");
        state.started(inputs("load.users.rate=100..2000:8", 2, Some(20.0)));
        state.finished("load.users.rate".to_owned(), Vec::new(), None);
        assert!(state.shows(&asked));
        assert!(!state.shows(&sweep("load.users.rate=100..2000:8", 3)), "another run count");
        assert!(!state.shows(&sweep("load.users.rate=100..4000:8", 2)), "another range");
        state.started(inputs("load.users.rate=100..4000:8", 2, Some(20.0)));
        assert!(!state.shows(&asked), "the curve is the previous sweep's while another runs");
    }
}
