//! One variant's state as the page shows it, and how each report from its
//! worker (or the page's own action) changes it: a reducer, so every value
//! the page shows has one source.

use std::rc::Rc;

use scalesim_engine::formula::FormulaCheck;
use scalesim_engine::outline::Outline;
use scalesim_engine::sim::Overload;
use scalesim_engine::{Snapshot, WindowReport};
use yew::prelude::*;

use crate::canvas::topology_layout::Selection;
use crate::charts::time_chart::History;
use crate::side::{EditStatus, SideEvent};
use crate::sweep_state::SweepState;
use crate::worker::protocol::{FromWorker, ScenarioInfo};

/// Windows kept for the chart; older ones scroll off.
const MAX_WINDOWS: usize = 3_600;
/// Wall milliseconds between chart redraws while playing: twice a second.
/// A redraw of the six charts costs the main thread about 40 ms (plotters
/// measures every label by laying out a span in the document), and the
/// main thread shares two cores with the worker and the compositor.
const CHART_EVERY_MS: f64 = 500.0;

/// One variant's state as the page shows it (A always; B while comparing).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AppState {
    pub ready: bool,
    pub playing: bool,
    /// Paused at the scenario's `duration`, where the run stopped on its
    /// own (Play continues past it).
    pub ended: bool,
    /// Simulated time now, exactly (share links record it).
    pub sim_time_ns: u64,
    /// Where the scenario ends now (its `duration`), in nanoseconds.
    pub end_ns: u64,
    pub events: u64,
    pub load_multiplier: f64,
    pub history: History,
    pub error: Option<String>,
    /// Why the last edit started the run over (it removed or renamed a
    /// component), until the next edit.
    pub started_over: Option<String>,
    /// Why the run stopped for good (an overload, a zero-time loop), until
    /// it is restarted.
    pub stopped: Option<(String, Option<Overload>)>,
    /// The loaded scenario's title and explanation.
    pub scenario: Option<ScenarioInfo>,
    /// The latest formula check.
    pub formulas: Rc<Vec<FormulaCheck>>,
    /// The scaling curve: the sweep running, the last curve, a cancel.
    pub sweep: SweepState,
    /// User latency over the last few windows together (the worker's).
    pub rolling: Option<scalesim_engine::LatencyStats>,
    /// With traces on, the latest window's slowest request and a sampled
    /// one (the Request tab's picks).
    pub picks: Rc<Vec<scalesim_engine::trace::Trace>>,
    /// Node states and in-flight sample, as of the last frame.
    pub snapshot: Option<Rc<Snapshot>>,
    /// The pairs of zones partitioned now, as of the last frame.
    pub partitions: Rc<Vec<[String; 2]>>,
    /// The simulated instants (s) of the run's live changes, for the time
    /// charts' marks.
    pub changes: Rc<Vec<f64>>,
    /// The history version the charts show.
    pub charted: u64,
    /// When they were last redrawn.
    pub charted_at_ms: f64,
    /// Components, calls and loads, as last loaded or edited.
    pub outline: Rc<Outline>,
    /// Changes when another scenario is opened (not when one is edited).
    pub scenario_key: u64,
    /// What the canvas and the inspector show.
    pub selected: Option<Selection>,
    /// Undo, redo and the last refusal.
    pub edits: EditStatus,
    /// Why the worker refused the last canvas gesture's edit, with the
    /// edit's number (so the same words again show again); until the next
    /// edit applies.
    pub canvas_refusal: Option<(u64, AttrValue)>,
    /// Why the worker died, in words, until the user restarts it.
    pub crashed: Option<String>,
    /// Why what the URL (or a file) asked to open could not be opened;
    /// kept while the user's own scenario loads instead.
    pub open_error: Option<String>,
    /// The Live change form's last change and how it went, said under the
    /// form (not at the canvas's foot), until the next.
    pub live_change: Option<LiveChange>,
}

/// A change typed in the Live change form (`api.replicas = 4`).
#[derive(Clone, Debug, PartialEq)]
pub struct LiveChange {
    /// As typed.
    pub change: String,
    /// The edit's id, answered by `Applied` or `Refused` (`None`: refused
    /// before it was sent).
    pub id: Option<u64>,
    pub outcome: LiveOutcome,
}

/// Where a live change stands.
#[derive(Clone, Debug, PartialEq)]
pub enum LiveOutcome {
    Waiting,
    /// In force from this simulated second.
    Applied {
        at_s: f64,
    },
    Refused(String),
}

impl LiveChange {
    /// The line under the form.
    pub fn words(&self) -> String {
        match &self.outcome {
            LiveOutcome::Waiting => format!("Applying {}…", self.change),
            LiveOutcome::Applied { at_s } => {
                format!("Applied at {}: {}", crate::format::clock(*at_s), self.change)
            }
            LiveOutcome::Refused(message) => format!("Not applied: {message}"),
        }
    }
}

impl AppState {
    /// The load multiplier in force, as the worker last reported it (1×
    /// before its first frame): the one value the slider, its label and a
    /// share link read.
    pub fn shown_multiplier(&self) -> f64 {
        if self.load_multiplier > 0.0 { self.load_multiplier } else { 1.0 }
    }

    /// The windows so far.
    pub fn windows(&self) -> &Rc<Vec<Rc<WindowReport>>> {
        &self.history.windows
    }
}

pub enum Action {
    Report(FromWorker),
    Restarted,
    /// The worker died with this raw report.
    Crashed(String),
    /// The user ran a sweep with these inputs (in words).
    SweepStarted(String),
    SweepCancelled,
    Edits(EditStatus),
    Select(Option<Selection>),
    OpenFailed(String),
    ClearOpenError,
    /// The user applied a change in the Live change form.
    LiveChange(LiveChange),
}

impl From<SideEvent> for Action {
    fn from(event: SideEvent) -> Action {
        match event {
            SideEvent::Report(r) => Action::Report(r),
            SideEvent::Crashed(raw) => Action::Crashed(raw),
            SideEvent::Edits(status) => Action::Edits(status),
            SideEvent::OpenFailed(message) => Action::OpenFailed(message),
        }
    }
}

/// `live` with `outcome` when it is edit `id`'s.
fn answered(live: Option<LiveChange>, id: u64, outcome: LiveOutcome) -> Option<LiveChange> {
    live.map(|l| if l.id == Some(id) { LiveChange { outcome, ..l } } else { l })
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Report(FromWorker::Ready) => next.ready = true,
            Action::Report(FromWorker::Loaded(info)) => {
                // An edit that removed or renamed components restarts the run
                // but keeps the user's place; another scenario starts afresh.
                let edited = info.edited;
                let selected = if edited {
                    crate::workbench::selection_after(next.selected, &next.outline, &info.outline)
                } else {
                    None
                };
                next = AppState {
                    ready: next.ready,
                    outline: Rc::new(info.outline.clone()),
                    scenario: Some(info),
                    scenario_key: next.scenario_key + u64::from(!edited),
                    selected,
                    edits: next.edits,
                    open_error: next.open_error,
                    live_change: next.live_change.filter(|_| edited),
                    ..AppState::default()
                };
            }
            Action::Report(FromWorker::Frame(frame)) => {
                next.playing = frame.playing;
                next.ended = frame.ended;
                next.sim_time_ns = frame.sim_time_ns;
                next.end_ns = frame.end_ns;
                next.events = frame.events;
                next.load_multiplier = frame.load_multiplier;
                if let Some(formulas) = frame.formulas {
                    next.formulas = Rc::new(formulas);
                }
                if frame.rolling.is_some() {
                    next.rolling = frame.rolling;
                }
                if !frame.picks.is_empty() {
                    next.picks = Rc::new(frame.picks);
                }
                if let Some(snapshot) = frame.snapshot {
                    next.snapshot = Some(Rc::new(snapshot));
                }
                if *next.partitions != frame.partitions {
                    next.partitions = Rc::new(frame.partitions);
                }
                if let Some(changes) = frame.changes {
                    next.changes = Rc::new(changes);
                }
                if !frame.windows.is_empty() {
                    let mut windows: Vec<Rc<WindowReport>> = (*next.history.windows).clone();
                    windows.extend(frame.windows.into_iter().map(Rc::new));
                    let excess = windows.len().saturating_sub(MAX_WINDOWS);
                    windows.drain(..excess);
                    next.history =
                        History { version: next.history.version + 1, windows: Rc::new(windows) };
                }
                // Charts redraw at most a few times a second while playing
                // (each redraw is several canvas paints), at once otherwise.
                let now = js_sys::Date::now();
                if next.history.version != next.charted
                    && (!frame.playing || now - next.charted_at_ms >= CHART_EVERY_MS)
                {
                    next.charted = next.history.version;
                    next.charted_at_ms = now;
                }
            }
            Action::Report(FromWorker::Error { message }) => {
                next.error = Some(message);
                next.playing = false;
                next.sweep.failed();
            }
            Action::Report(FromWorker::Stopped { message, overload }) => {
                next.stopped = Some((message, overload));
                next.playing = false;
            }
            Action::Report(FromWorker::SweepProgress { done, total }) => {
                next.sweep.progress(done, total);
                next.playing = false;
            }
            Action::Report(FromWorker::SweepDone { param, points, usl }) => {
                next.sweep.finished(param, points, usl);
            }
            Action::SweepStarted(inputs) => next.sweep.started(inputs),
            Action::SweepCancelled => next.sweep.cancel(),
            // Handled by the side (a download).
            Action::Report(
                FromWorker::Summary { .. }
                | FromWorker::Recorded { .. }
                | FromWorker::Text { .. }
                | FromWorker::Traces { .. }
                | FromWorker::BenchResult { .. }
                | FromWorker::BenchDone { .. },
            ) => {}
            Action::Report(FromWorker::Applied { id, outline, restarted, .. }) => {
                let at_s = next.sim_time_ns as f64 / 1e9;
                next.live_change = answered(next.live_change, id, LiveOutcome::Applied { at_s });
                next.error = None;
                next.started_over = restarted;
                next.selected =
                    crate::workbench::selection_after(next.selected, &next.outline, &outline);
                next.outline = Rc::new(outline);
                next.edits.refusal = None;
                next.canvas_refusal = None;
            }
            Action::Report(FromWorker::Refused { id, message }) => {
                // Shown under the Live change form when it came from there,
                // beside its field by the inspector (`edits.refusal`),
                // beside the component by the canvas, or here when it
                // concerns no one field.
                let live = next.live_change.as_ref().is_some_and(|l| l.id == Some(id));
                let path = next.edits.refusal.as_ref().map(|(path, _)| path.as_str());
                if live {
                    let refused = LiveOutcome::Refused(message);
                    next.live_change = answered(next.live_change, id, refused);
                } else if path == Some(crate::side::CANVAS) {
                    next.canvas_refusal = Some((id, AttrValue::from(message)));
                } else if path.is_none_or(str::is_empty) {
                    next.error = Some(message);
                }
            }
            Action::LiveChange(change) => next.live_change = Some(change),
            Action::Edits(status) => {
                if status.refusal.as_ref().is_some_and(|(path, _)| !path.is_empty()) {
                    next.error = None;
                }
                next.edits = status;
            }
            Action::OpenFailed(message) => next.open_error = Some(message),
            Action::ClearOpenError => next.open_error = None,
            Action::Select(selection) => {
                next.selected = selection;
                next.edits.refusal = None;
                next.canvas_refusal = None;
            }
            Action::Crashed(raw) => {
                next.crashed = Some(crate::crash::explain(&raw, next.shown_multiplier()));
                next.playing = false;
                next.ready = false;
                next.sweep.failed();
            }
            Action::Restarted => {
                next = AppState {
                    error: next.error,
                    scenario: next.scenario,
                    outline: next.outline,
                    scenario_key: next.scenario_key,
                    selected: next.selected,
                    edits: next.edits,
                    open_error: next.open_error,
                    ..AppState::default()
                };
            }
        }
        Rc::new(next)
    }
}
