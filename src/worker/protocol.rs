//! The typed messages between the page and the simulation worker.
//!
//! Both sides are this crate (one Wasm module, started once in the page and
//! once in the worker), so one definition serves both; messages travel as
//! bytes through `postMessage`, in the compact encoding of [`crate::worker::wire`].

use crate::keep::share_link::Variant;
use crate::worker::replay::Entry;
use crate::worker::wire::{Wire, from_bytes, to_bytes};
use scalesim_engine::coordination::UslFit;
use scalesim_engine::edit::Edit;
use scalesim_engine::formula::FormulaCheck;
use scalesim_engine::outline::Outline;
use scalesim_engine::sim::Overload;
use scalesim_engine::sweep::SweepPoint;
use scalesim_engine::trace::Trace;
use scalesim_engine::{LatencyStats, Snapshot, WindowReport};

/// How fast simulated time runs against the wall clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Speed {
    /// One simulated second per second.
    #[default]
    X1,
    /// Ten simulated seconds per second.
    X10,
    /// A hundred simulated seconds per second.
    X100,
    /// As fast as the worker can go.
    Max,
}

impl Speed {
    /// Every speed, slowest first, as the speed selector lists them.
    pub const ALL: [Speed; 4] = [Speed::X1, Speed::X10, Speed::X100, Speed::Max];

    /// Simulated seconds per wall second; `None` for as fast as it goes.
    pub fn factor(self) -> Option<f64> {
        match self {
            Speed::X1 => Some(1.0),
            Speed::X10 => Some(10.0),
            Speed::X100 => Some(100.0),
            Speed::Max => None,
        }
    }

    /// The label the controls show.
    pub fn label(self) -> &'static str {
        match self {
            Speed::X1 => "1×",
            Speed::X10 => "10×",
            Speed::X100 => "100×",
            Speed::Max => "max",
        }
    }
}

/// A command from the page.
#[derive(Clone, Debug, PartialEq)]
pub enum ToWorker {
    /// Replace the simulation with a fresh one of this scenario file (its
    /// name, for messages, and its TOML text) at time zero, paused. A file
    /// that cannot run is answered with an `Error` listing every problem,
    /// and the running simulation is kept.
    Load { file: String, toml: String },
    /// Start or resume.
    Play,
    /// Stop advancing; state is kept.
    Pause,
    /// Change how fast simulated time runs.
    SetSpeed { speed: Speed },
    /// Scale every load's configured rate, live.
    SetLoadMultiplier { multiplier: f64 },
    /// Advance exactly one window, then pause.
    Step,
    /// Start the loaded scenario over at time zero (as edited live), with
    /// this seed if given.
    Restart { seed: Option<u64> },
    /// An editor's edit of the document the worker owns (add, connect,
    /// rename, move, delete, switch lanes, set a parameter), applied to the
    /// running simulation: answered with `Applied`, or with `Refused`
    /// leaving the run as it was. An edit that adds, removes or renames
    /// components starts the run over with the edited scenario, playing on
    /// if it was. One undo step.
    Edit {
        edit: Edit,
        /// The page's number for this edit, echoed in the answer.
        id: u64,
    },
    /// The document's whole text, as the user wrote it in the Source tab:
    /// applied as an edit is (one undo step, live where it can be, a
    /// restart where components changed), or refused with every problem
    /// in the file, the run left as it was.
    SetText { toml: String, id: u64 },
    /// Read a text as `SetText` would, without applying it: answered with
    /// `Refused` listing every problem when it cannot run, else not at all
    /// (a Source draft restored after a reload shows its problems again).
    Check { toml: String, id: u64 },
    /// Go back one edit (answered as an edit is).
    Undo { id: u64 },
    /// Go forward one undone edit (answered as an edit is).
    Redo { id: u64 },
    /// Ask for the document's text now, answered with `Text` (to keep, save,
    /// export or duplicate it).
    Text,
    /// Sweep a parameter over the loaded scenario (as edited): `param` is
    /// `PATH=FROM..TO:STEPS` as for `scalesim sweep`, `runs` replications a
    /// point, each `duration_s` long (the scenario's own when absent).
    /// Playback pauses; progress and the curve come back as reports.
    Sweep { param: String, runs: u32, duration_s: Option<f64> },
    /// Stop a sweep under way.
    CancelSweep,
    /// Start the loaded scenario over to replay a share link's run: with
    /// `seed`, at load multiplier `load`, applying each change of `history`
    /// at its instant; run as fast as it goes to `time_ns` (nanoseconds),
    /// then pause, where the sharer was. It stops at the scenario's end
    /// first unless `past_end` (the sharer had continued past it).
    Replay { seed: Option<u64>, load: f64, history: Vec<Entry>, time_ns: u64, past_end: bool },
    /// Ask for what reproduces the run so far (for a share link), answered
    /// with `Recorded`.
    Record,
    /// Ask for the run's summary so far, as `scalesim run --json` prints it.
    Summary,
    /// Trace requests (or stop): the figures are the same either way;
    /// with traces, each window reports where its p99 goes and frames
    /// carry a few requests' traces (`Frame::picks`).
    SetTraces { on: bool },
    /// Ask for the traces kept so far as OTLP JSON, answered with
    /// `Traces` (or an `Error` when there are none).
    ExportTraces,
    /// Run the engine's benchmark workloads (about `customers` user
    /// requests each), then the long run for memory: the benchmark page.
    Bench { customers: u64 },
}

/// What the page shows about the loaded scenario.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScenarioInfo {
    /// The file it came from.
    pub file: String,
    /// `scenario.name`.
    pub name: String,
    /// What assumption breaks, and why.
    pub description: Option<String>,
    /// Which chart and which node to look at.
    pub watch: Option<String>,
    /// The one change that shows the cure.
    pub try_this: Option<String>,
    /// The run's seed.
    pub seed: u64,
    /// A sweep worth trying first (the first load's rate from a quarter to
    /// twice its value).
    pub sweep_hint: String,
    /// Components, calls and loads, for the canvas and the inspector.
    pub outline: Outline,
    /// This is the same scenario started over because an edit added,
    /// removed or renamed components (an `Applied` follows), not a newly
    /// opened one.
    pub edited: bool,
}

/// A report to the page.
#[derive(Clone, Debug, PartialEq)]
pub enum FromWorker {
    /// The worker has started and waits for a `Load`.
    Ready,
    /// A `Load` succeeded: the scenario's title and explanation.
    Loaded(ScenarioInfo),
    /// Progress since the last frame; sent at most once a display frame.
    Frame(Frame),
    /// Something went wrong, in words for the user.
    Error { message: String },
    /// The run stopped and cannot go on: at the bound on work in flight
    /// (`overload` says what grew; the page offers a restart at 1×) or in
    /// a zero-time loop. What was measured until then stays.
    Stopped { message: String, overload: Option<Overload> },
    /// Edit (or undo, redo) `id` took effect; the document is now at
    /// `revision`. Id 0: a share link's changes, replayed.
    Applied {
        id: u64,
        revision: u64,
        /// The edited scenario's components, calls and loads.
        outline: Outline,
        /// Why the change needed a fresh run, if it did (it was preceded
        /// by `Loaded`).
        restarted: Option<String>,
        /// Where undo and redo stand.
        can_undo: bool,
        can_redo: bool,
    },
    /// Edit `id` was refused: why, in words (the page knows which field
    /// it concerned). The document is unchanged.
    Refused { id: u64, message: String },
    /// The document's text at `revision` (asked with `Text`).
    Text { file: String, toml: String, revision: u64 },
    /// A sweep's runs done so far (`total = 0`: no sweep under way, e.g.
    /// after a cancel).
    SweepProgress { done: u32, total: u32 },
    /// A sweep finished: its curve, and the Universal Scalability Law fitted
    /// to the goodput when the swept parameter counts units.
    SweepDone { param: String, points: Vec<SweepPoint>, usl: Option<UslFit> },
    /// The run's summary so far after warm-up: the JSON object
    /// `scalesim run --json` prints.
    Summary { json: String },
    /// What reproduces the run so far (`None` before a scenario has
    /// loaded): its text at time zero, seed, starting load, live changes and
    /// time. `complete` is false when the history outgrew its bounds and the
    /// record is the text as edited, from time zero.
    Recorded { run: Option<Variant>, complete: bool },
    /// The traces kept so far as OTLP JSON (`scalesim run --traces`'
    /// format), and how many requests and which simulated seconds they
    /// cover.
    Traces { json: String, requests: u64, from_s: f64, to_s: f64 },
    /// One benchmark workload's speed in the worker.
    BenchResult { name: String, customers_per_s: f64 },
    /// The benchmark is over: the worker's Wasm memory (bytes) at points of
    /// the long run (simulated seconds).
    BenchDone { memory: Vec<(f64, f64)> },
}

/// What changed since the previous frame. Bounded: at most the windows that
/// closed in one tick, never the whole history.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// Simulated time now, exactly, in nanoseconds (what a share link
    /// records).
    pub sim_time_ns: u64,
    /// Events processed so far.
    pub events: u64,
    /// Whether the simulation is advancing.
    pub playing: bool,
    /// The load multiplier now in force.
    pub load_multiplier: f64,
    /// Windows that closed since the last frame.
    pub windows: Vec<WindowReport>,
    /// The formula check over the run so far (closed forms beside the
    /// simulated values), when it was recomputed for this frame (about once
    /// a second of wall time); `None` keeps the last one.
    pub formulas: Option<Vec<FormulaCheck>>,
    /// Each node's state now, and a bounded sample of the requests in
    /// flight (at most [`SAMPLE`]) with where they are.
    pub snapshot: Option<Snapshot>,
    /// User latency over the last closed windows together
    /// (`scalesim_engine::sim::RECENT_WINDOWS`), sent when a window closed
    /// since the last frame; `None` keeps the last one.
    pub rolling: Option<LatencyStats>,
    /// With traces on, when a window closed since the last frame: the
    /// latest window's slowest answered request's trace, then one of its
    /// sampled requests' (at most two; empty keeps the last ones).
    pub picks: Vec<Trace>,
    /// The pairs of zones partitioned now (a `partition` fault in force),
    /// for the canvas to draw the cut while it lasts.
    pub partitions: Vec<[String; 2]>,
    /// The simulated instants (s) of the run's live changes (edits, undo
    /// and redo, the load multiplier), oldest first, for the time charts to
    /// mark; sent when they changed (a change, a restart), `None` keeps the
    /// last ones.
    pub changes: Option<Vec<f64>>,
    /// The run is paused at its scenario's `duration`, where it stopped on
    /// its own (`worker::ending`); Play continues past it.
    pub ended: bool,
    /// Where the scenario ends now (its `duration`, as live changes leave
    /// it), in nanoseconds: a run standing past it was continued there
    /// (`crate::end_notice`).
    pub end_ns: u64,
}

/// The most in-flight requests a frame carries.
pub const SAMPLE: usize = 200;

/// Encodes a message for `postMessage`.
pub fn encode<T: Wire>(message: &T) -> Vec<u8> {
    to_bytes(message)
}

/// Decodes a message received from `postMessage`.
pub fn decode<T: Wire>(bytes: &[u8]) -> Result<T, String> {
    from_bytes(bytes).map_err(|e| format!("unreadable message ({e}, {} bytes)", bytes.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_natively() {
        let frame = FromWorker::Frame(Frame {
            sim_time_ns: 1_500_000_000,
            events: 10,
            playing: true,
            load_multiplier: 1.0,
            windows: Vec::new(),
            formulas: Some(vec![FormulaCheck {
                node: "api".to_owned(),
                formula: "M/M/1 mean time in node (Erlang C)".to_owned(),
                theory: 2.0,
                simulated: 2.01,
                unit: "ms".to_owned(),
            }]),
            snapshot: None,
            rolling: Some(LatencyStats { count: 3, p99: 12.5, ..LatencyStats::default() }),
            picks: Vec::new(),
            partitions: vec![["eu".to_owned(), "us".to_owned()]],
            changes: Some(vec![20.0, 35.5]),
            ended: false,
            end_ns: 120_000_000_000,
        });
        assert_eq!(decode::<FromWorker>(&encode(&frame)), Ok(frame));
    }

    #[test]
    fn edits_round_trip() {
        let edit = ToWorker::Edit {
            edit: Edit::SetLane { id: "db".into(), mode: scalesim_engine::scenario::Mode::Async },
            id: 4,
        };
        assert_eq!(decode::<ToWorker>(&encode(&edit)), Ok(edit));
    }

    #[test]
    fn speeds_are_ordered_and_labelled() {
        let factors: Vec<_> = Speed::ALL.iter().map(|s| s.factor()).collect();
        assert_eq!(factors, [Some(1.0), Some(10.0), Some(100.0), None]);
        assert!(Speed::ALL.iter().all(|s| !s.label().is_empty()));
    }

    #[test]
    fn unknown_commands_are_refused() {
        assert!(decode::<ToWorker>(&[200]).is_err());
        assert!(decode::<ToWorker>(b"not a message").is_err());
        assert!(decode::<ToWorker>(&[]).is_err());
    }
}
