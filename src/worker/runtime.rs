//! The Web Worker side: owns the engine, advances it on a timer at the
//! chosen speed, and posts a [`Frame`] per tick.
//!
//! Runs in the worker's global scope only (`src/main.rs` calls [`start`]
//! when the module finds itself in the worker). The page's main thread
//! never runs the engine, so it never freezes.

use std::cell::RefCell;
use std::rc::Rc;

use scalesim_engine::{Scenario, SimDuration, SimTime, Simulation, WindowReport};
use scalesim_engine::{formula, outline, workloads};

use crate::browser;
use crate::worker::ending::Ending;
use crate::worker::replay::{Applied, Change, Run};
use crate::worker::sweep_job::SweepStatus;
use crate::worker::sweep_pool::Sweep;
use crate::worker::traces::TraceKeep;
use crate::worker::undo::Undo;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::worker::protocol::{
    Frame, FromWorker, SAMPLE, ScenarioInfo, Speed, ToWorker, decode, encode,
};

/// Wall milliseconds between ticks: about one display frame.
const TICK_MS: i32 = 16;
/// Wall milliseconds one tick may spend simulating, leaving the worker free
/// to read the next command.
const MAX_SPEED_BUDGET_MS: f64 = 12.0;
/// Most windows one frame carries (a frame stays bounded whatever the
/// scenario's window length).
const MAX_WINDOWS_PER_FRAME: usize = 250;
/// Wall milliseconds between formula checks while playing (each reads the
/// run's summary).
const FORMULA_EVERY_MS: f64 = 1000.0;
/// Wall milliseconds between frames while playing: the page redraws its
/// numbers at this rate (the canvas animates at the display's own), and
/// decoding fewer frames leaves its main thread free for drawing.
const FRAME_EVERY_MS: f64 = 33.0;
/// A tick that comes late (a throttled tab) never simulates more than this
/// much wall time's worth, so the page catches up smoothly.
const MAX_TICK_GAP_MS: f64 = 100.0;

struct Runner {
    scope: DedicatedWorkerGlobalScope,
    /// The run, its text and its history of live changes.
    run: Option<Run>,
    playing: bool,
    speed: Speed,
    last_tick_ms: f64,
    tick: Option<Closure<dyn FnMut()>>,
    tick_pending: bool,
    /// When the formula check was last sent.
    formulas_at_ms: f64,
    /// A sweep under way (playback is paused meanwhile).
    sweep: Option<Sweep>,
    /// The run was playing when the sweep started: it plays on once the
    /// sweep ends, however it ends.
    resume_after_sweep: bool,
    /// The sweep's parameter, for its report.
    sweep_param: String,
    /// Windows closed since the last frame.
    unsent: Vec<WindowReport>,
    /// When the last frame was posted.
    frame_at_ms: f64,
    /// Running as fast as it goes to this time, then pausing (`Replay`).
    run_to: Option<SimTime>,
    /// The document's undo and redo: the run's text is the document.
    undo: Undo,
    /// Counts the document's changes since it was loaded (an edit, undo,
    /// redo, a replayed change), so the page knows how fresh its copy is.
    revision: u64,
    /// Requests are traced (the page's Traces toggle; on until it says).
    traces: bool,
    /// The traces kept for an export of the run so far.
    kept: TraceKeep,
    /// The instants of the live changes the page was last sent.
    posted_changes: Vec<u64>,
    /// Whether the run pauses at its scenario's end or goes past it.
    ending: Ending,
}

/// Installs the message handler and the panic reporter, then says `Ready`.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    install_panic_reporter(scope.clone());
    // The worker's Wasm memory, readable from outside (`scalesimMemory.buffer
    // .byteLength`): the end-to-end tests hold it to a bound under overload.
    let _ = js_sys::Reflect::set(&scope, &"scalesimMemory".into(), &wasm_bindgen::memory());
    let runner = Rc::new(RefCell::new(Runner {
        scope: scope.clone(),
        run: None,
        playing: false,
        speed: Speed::default(),
        last_tick_ms: 0.0,
        tick: None,
        tick_pending: false,
        formulas_at_ms: 0.0,
        sweep: None,
        resume_after_sweep: false,
        sweep_param: String::new(),
        unsent: Vec::new(),
        frame_at_ms: 0.0,
        run_to: None,
        undo: Undo::default(),
        revision: 0,
        traces: true,
        kept: TraceKeep::default(),
        posted_changes: Vec::new(),
        ending: Ending::default(),
    }));
    // The tick closure and the runner hold each other: both live as long as
    // the worker does, which is the intent.
    let tick_runner = Rc::clone(&runner);
    runner.borrow_mut().tick = Some(Closure::new(move || Runner::on_tick(&tick_runner)));

    let message_runner = Rc::clone(&runner);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let bytes = browser::message_bytes(event.data());
        match bytes.and_then(|bytes| decode::<ToWorker>(&bytes)) {
            Ok(command) => Runner::on_command(&message_runner, command),
            Err(message) => message_runner.borrow().post(&FromWorker::Error { message }),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker: hand it to JS for good.
    on_message.forget();
    runner.borrow().post(&FromWorker::Ready);
}

/// A panic in the worker traps the Wasm instance; before it does, tell the
/// page in words so it can show the message and start a fresh worker.
fn install_panic_reporter(scope: DedicatedWorkerGlobalScope) {
    std::panic::set_hook(Box::new(move |info| {
        let message = format!("the simulation stopped on an internal error: {info}");
        post(&scope, &FromWorker::Error { message });
    }));
}

/// Posts one report to the page.
fn post(scope: &DedicatedWorkerGlobalScope, message: &FromWorker) {
    let _ = browser::post_bytes(
        |message, transfer| scope.post_message_with_transfer(message, transfer),
        &encode(message),
    );
}

impl Runner {
    fn post(&self, message: &FromWorker) {
        post(&self.scope, message);
    }

    fn on_command(this: &Rc<RefCell<Runner>>, command: ToWorker) {
        let mut runner = this.borrow_mut();
        match command {
            ToWorker::Load { file, toml } => match Run::load(&file, &toml) {
                Ok(run) => {
                    runner.undo.clear();
                    runner.revision = 0;
                    runner.start(run, false)
                }
                Err(message) => runner.post(&FromWorker::Error { message }),
            },
            ToWorker::Play => {
                runner.run_to = None;
                runner.note_play();
                if runner.run.is_some() {
                    runner.play_on();
                    runner.post_frame(Vec::new());
                }
            }
            ToWorker::Replay { seed, load, history, time_ns, past_end } => {
                let Some(mut run) = runner.run.take() else { return };
                let replayed = run.replay(seed, load, history);
                runner.start(run, false);
                match replayed {
                    Ok(()) => {
                        runner.report_replay();
                        // No further than the scenario's end (as it stands
                        // when the replay reaches it, edits included) unless
                        // the sharer went past it; then no further than the
                        // link's time, which a link caps at 366 days.
                        runner.ending.replaying(past_end);
                        runner.run_to = Some(SimTime::from_nanos(time_ns));
                        runner.play_on();
                    }
                    Err(why) => runner.post(&FromWorker::Error {
                        message: format!("This link's run cannot be replayed: {why}."),
                    }),
                }
            }
            ToWorker::Record => {
                let past_end = runner.ending.past();
                let record = runner.run.as_ref().map(|run| run.record_now(past_end));
                let complete = record.as_ref().is_none_or(|r| r.complete);
                runner.post(&FromWorker::Recorded { run: record.map(|r| r.run), complete });
            }
            ToWorker::Bench { customers } => runner.bench(customers),
            ToWorker::SetTraces { on } => {
                runner.traces = on;
                if let Some(run) = runner.run.as_mut() {
                    run.set_traces(on);
                }
                if !on {
                    runner.kept.clear();
                }
            }
            ToWorker::ExportTraces => runner.export_traces(),
            ToWorker::Summary => {
                let json = runner.run.as_ref().map(|run| {
                    serde_json::to_string_pretty(&run.sim().summary()).unwrap_or_default()
                });
                if let Some(json) = json {
                    runner.post(&FromWorker::Summary { json });
                }
            }
            ToWorker::Pause => {
                runner.run_to = None;
                runner.playing = false;
                runner.resume_after_sweep = false;
                runner.post_frame(Vec::new());
            }
            ToWorker::SetSpeed { speed } => runner.speed = speed,
            ToWorker::Step => {
                runner.playing = false;
                runner.note_play();
                let windows = runner.run.as_mut().map_or_else(Vec::new, |run| {
                    let window = run.sim().scenario().scenario.window;
                    run.advance_by(window)
                });
                runner.report_replay();
                runner.post_frame(windows);
            }
            ToWorker::Restart { seed } => {
                let Some(mut run) = runner.run.take() else { return };
                let playing = runner.playing;
                let restarted = run.restart(seed);
                // The same design from time zero: the page keeps its view
                // and selection, and a playing run plays on.
                runner.start(run, true);
                if let Err(message) = restarted {
                    runner.post(&FromWorker::Error { message });
                } else if playing {
                    runner.play_on();
                }
            }
            ToWorker::Sweep { param, runs, duration_s } => {
                let Some(run) = runner.run.as_ref() else { return };
                match Sweep::start(&param, runs, duration_s, run.file(), run.text()) {
                    Ok(job) => {
                        runner.resume_after_sweep |= std::mem::take(&mut runner.playing);
                        runner.post(&FromWorker::SweepProgress { done: 0, total: job.total() });
                        runner.sweep = Some(job);
                        runner.sweep_param = param;
                        runner.schedule_tick();
                    }
                    Err(message) => runner.post(&FromWorker::Error { message }),
                }
            }
            ToWorker::CancelSweep => {
                runner.sweep = None;
                // After any progress already posted: no sweep under way.
                runner.post(&FromWorker::SweepProgress { done: 0, total: 0 });
                runner.resume_playing();
            }
            ToWorker::Edit { edit, id } => runner.edit(id, Change::Edit { edit }),
            ToWorker::SetText { toml, id } => runner.edit(id, Change::Text { toml }),
            ToWorker::Check { toml, id } => {
                let Some(run) = runner.run.as_ref() else { return };
                if let Err(message) = run.check(&toml) {
                    runner.post(&FromWorker::Refused { id, message });
                }
            }
            ToWorker::Undo { id } => runner.step_history(id, true),
            ToWorker::Redo { id } => runner.step_history(id, false),
            ToWorker::Text => {
                let Some(run) = runner.run.as_ref() else { return };
                let (file, toml) = (run.file().to_owned(), run.text().to_owned());
                runner.post(&FromWorker::Text { file, toml, revision: runner.revision });
            }
            ToWorker::SetLoadMultiplier { multiplier } => {
                let change = Change::Load { multiplier };
                let applied = runner.run.as_mut().map(|run| {
                    run.stop_replay();
                    run.apply(change)
                });
                match applied {
                    Some(Err(message)) => runner.post(&FromWorker::Error { message }),
                    // The page's slider and label read the multiplier from
                    // frames: show it at once, even while paused.
                    Some(Ok(_)) if !runner.playing => runner.post_frame(Vec::new()),
                    Some(Ok(_)) | None => {}
                }
            }
        }
    }

    /// Play or Step was asked: from the scenario's end on, the run goes
    /// past it.
    fn note_play(&mut self) {
        if let Some(run) = self.run.as_ref() {
            self.ending.on_play(run.now(), end_of(run));
        }
    }

    /// Applies an editor's `change` (one undo step) and answers edit `id`.
    fn edit(&mut self, id: u64, change: Change) {
        let before = self.run.as_ref().map(|r| r.text().to_owned());
        let applied = self.apply(change);
        if let (Ok(_), Some(before)) = (&applied, before) {
            self.undo.edited(before);
        }
        self.answer(id, applied);
    }

    /// Goes back (`back`) or forward one step of the document's history,
    /// answering as an edit.
    fn step_history(&mut self, id: u64, back: bool) {
        let target = if back { self.undo.take_back() } else { self.undo.take_forward() };
        let (Some(toml), Some(from)) = (target, self.run.as_ref().map(|r| r.text().to_owned()))
        else {
            let message = format!("There is nothing to {}.", if back { "undo" } else { "redo" });
            self.post(&FromWorker::Refused { id, message });
            return;
        };
        let applied = self.apply(Change::Text { toml: toml.clone() });
        match (&applied, back) {
            (Ok(_), true) => self.undo.went_back(from),
            (Ok(_), false) => self.undo.went_forward(from),
            (Err(_), true) => self.undo.refused_back(toml),
            (Err(_), false) => self.undo.refused_forward(toml),
        }
        self.answer(id, applied);
    }

    /// Tells the page how edit `id` went; a change that took effect shows
    /// at once, even while paused.
    fn answer(&mut self, id: u64, applied: Result<Option<String>, String>) {
        match applied {
            Ok(restarted) => {
                self.post_applied(id, restarted);
                self.post_frame(Vec::new());
            }
            Err(message) => self.post(&FromWorker::Refused { id, message }),
        }
    }

    /// Tells the page the document changed (edit `id`, or 0 for a link's
    /// replayed changes): its revision, outline and where undo stands.
    fn post_applied(&mut self, id: u64, restarted: Option<String>) {
        self.revision += 1;
        let outline = self.run.as_ref().map(|r| self.outline_of(r)).unwrap_or_default();
        self.post(&FromWorker::Applied {
            id,
            revision: self.revision,
            outline,
            restarted,
            can_undo: self.undo.can_undo(),
            can_redo: self.undo.can_redo(),
        });
    }

    /// Applies a change to the document and the run (recorded in its
    /// history); why, when it needed a fresh run (components removed or
    /// renamed), which keeps playing if the old one was. The user's own
    /// change ends a link's replay.
    fn apply(&mut self, change: Change) -> Result<Option<String>, String> {
        let Some(mut run) = self.run.take() else {
            return Err("No scenario runs yet.".to_owned());
        };
        run.stop_replay();
        let why = match run.apply(change) {
            Ok(Applied::Restarted { why }) => why,
            applied => {
                self.run = Some(run);
                return applied.map(|_| None);
            }
        };
        let playing = self.playing;
        self.start(run, true);
        if playing {
            self.play_on();
        }
        Ok(Some(why))
    }

    /// The editor's outline of the run's document, which has just been read and
    /// validated; should the outline's reading still fail, the page is told
    /// why (its canvas and inspector would otherwise go blank unexplained).
    fn outline_of(&self, run: &Run) -> scalesim_engine::outline::Outline {
        outline::outline(run.sim().scenario(), run.text()).unwrap_or_else(|why| {
            self.post(&FromWorker::Error {
                message: format!("The editor cannot show this scenario's components: {why}"),
            });
            Default::default()
        })
    }

    /// Shows `run` from where it stands, paused, and tells the page what it
    /// is; `edited`: it restarts an edited scenario (components removed or
    /// renamed).
    fn start(&mut self, run: Run, edited: bool) {
        let outline = self.outline_of(&run);
        let scenario = run.sim().scenario();
        let meta = &scenario.scenario;
        self.post(&FromWorker::Loaded(ScenarioInfo {
            file: run.file().to_owned(),
            name: meta.name.clone(),
            description: meta.description.clone(),
            watch: meta.watch.clone(),
            try_this: meta.try_this.clone(),
            seed: meta.seed,
            sweep_hint: scalesim_engine::saturation::suggested_sweep(scenario).unwrap_or_default(),
            outline,
            edited,
        }));
        let mut run = run;
        run.set_traces(self.traces);
        self.kept.clear();
        self.run = Some(run);
        self.unsent.clear();
        self.run_to = None;
        self.playing = false;
        self.resume_after_sweep = false;
        self.ending.reset();
        self.post_frame(Vec::new());
    }

    /// Tells the page what a link's replay did since the last report: the
    /// document as edited by the changes replayed (an `Applied` with id 0,
    /// so the canvas, the inspector and the kept text follow), and why it
    /// stopped, if it did.
    fn report_replay(&mut self) {
        let Some(run) = self.run.as_mut() else { return };
        let error = run.take_replay_error();
        // The caller posts the frame that follows (a tick's, a step's).
        if run.take_replayed() {
            self.post_applied(0, None);
        }
        if let Some(message) = error {
            self.post(&FromWorker::Error { message });
        }
    }

    fn schedule_tick(&mut self) {
        if self.tick_pending {
            return;
        }
        if let Some(tick) = &self.tick {
            let callback = tick.as_ref().unchecked_ref();
            if self
                .scope
                .set_timeout_with_callback_and_timeout_and_arguments_0(callback, TICK_MS)
                .is_ok()
            {
                self.tick_pending = true;
            }
        }
    }

    fn on_tick(this: &Rc<RefCell<Runner>>) {
        let mut runner = this.borrow_mut();
        runner.tick_pending = false;
        if runner.sweep.is_some() {
            runner.sweep_slice();
            return;
        }
        if !runner.playing {
            return;
        }
        let now_ms = js_sys::Date::now();
        let wall_ms = (now_ms - runner.last_tick_ms).clamp(0.0, MAX_TICK_GAP_MS);
        runner.last_tick_ms = now_ms;
        let speed = runner.speed;
        let mut windows = std::mem::take(&mut runner.unsent);
        let (run_to, ending) = (runner.run_to, runner.ending);
        let Some(run) = runner.run.as_mut() else {
            return;
        };
        // A window at a time, until the simulated time this tick asks for
        // (none at max speed), the tick's budget, or the frame's window cap:
        // a scenario too heavy for its speed runs slower rather than
        // stalling the worker, and a frame stays bounded.
        let window = run.sim().scenario().scenario.window;
        let end = end_of(run);
        let asked = match run_to {
            Some(t) => Some(t),
            None => speed
                .factor()
                .map(|factor| run.now() + SimDuration::from_secs_f64(wall_ms / 1e3 * factor)),
        };
        let target = ending.limit(asked, end);
        let started = js_sys::Date::now();
        while run.sim().stalled().is_none()
            && windows.len() < MAX_WINDOWS_PER_FRAME
            && js_sys::Date::now() - started < MAX_SPEED_BUDGET_MS
        {
            let step_end = match target {
                Some(t) if run.now() >= t => break,
                Some(t) => (run.now() + window).min(t),
                None => run.now() + window,
            };
            windows.extend(run.advance_until(step_end));
        }
        let stalled = run.sim().stalled().map(|m| (m.to_owned(), run.sim().overload().cloned()));
        let arrived = run_to.is_some_and(|t| run.now() >= t);
        let ended = ending.at_end(run.now(), end);
        runner.report_replay();
        if let Some((message, overload)) = stalled {
            runner.playing = false;
            runner.run_to = None;
            runner.post(&FromWorker::Stopped { message, overload });
            runner.post_frame(windows);
            return;
        }
        if arrived || ended {
            runner.run_to = None;
            runner.playing = false;
            runner.post_frame(windows);
            return;
        }
        if now_ms - runner.frame_at_ms >= FRAME_EVERY_MS || windows.len() >= MAX_WINDOWS_PER_FRAME {
            runner.post_frame(windows);
        } else {
            runner.unsent = windows;
        }
        runner.schedule_tick();
    }

    /// The benchmark page's run: each workload best of
    /// [`workloads::BEST_OF`], reported as
    /// it finishes, then an hour at 10 000 requests/s with the Wasm memory
    /// read every six simulated minutes. Blocks the worker while it runs,
    /// which is the point: nothing else competes.
    fn bench(&mut self, customers: u64) {
        self.playing = false;
        let customers = customers.clamp(1_000, 10_000_000);
        for &(name, bare) in workloads::BARE_LOOPS.iter().chain(&workloads::STRICT_BARE_LOOPS) {
            let customers_per_s = workloads::best_rate(&precise_now_ms, &|| bare(customers).0);
            self.post(&FromWorker::BenchResult { name: name.to_owned(), customers_per_s });
        }
        for (name, toml) in workloads::ENGINE_WORKLOADS {
            let customers_per_s =
                workloads::best_rate(&precise_now_ms, &|| workloads::engine(toml, customers));
            self.post(&FromWorker::BenchResult { name: name.to_owned(), customers_per_s });
        }
        let mut memory = Vec::new();
        match Scenario::from_toml("long.toml", workloads::LONG_RUN).and_then(Simulation::new) {
            Ok(mut sim) => {
                for k in 1..=10 {
                    drop(sim.advance_until(SimTime::ZERO + SimDuration::from_secs(360 * k)));
                    memory.push((sim.now().as_secs_f64(), wasm_memory_bytes()));
                }
            }
            Err(e) => self.post(&FromWorker::Error { message: e.to_string() }),
        }
        self.post(&FromWorker::BenchDone { memory });
    }

    /// Runs the sweep for one tick's budget and reports where it stands.
    fn sweep_slice(&mut self) {
        let Some(job) = self.sweep.as_mut() else { return };
        let started = js_sys::Date::now();
        match job.slice(|| js_sys::Date::now() - started < MAX_SPEED_BUDGET_MS) {
            Ok(SweepStatus::Running { done, total }) => {
                self.post(&FromWorker::SweepProgress { done, total });
                self.schedule_tick();
            }
            Ok(SweepStatus::Done { points, usl }) => {
                self.sweep = None;
                let param = std::mem::take(&mut self.sweep_param);
                self.post(&FromWorker::SweepDone { param, points, usl });
                self.resume_playing();
            }
            Err(message) => {
                self.sweep = None;
                self.post(&FromWorker::Error { message: format!("the sweep stopped: {message}") });
                self.resume_playing();
            }
        }
    }

    /// Plays from now on: ticks from this instant.
    fn play_on(&mut self) {
        self.playing = true;
        self.last_tick_ms = js_sys::Date::now();
        self.schedule_tick();
    }

    /// After a sweep: a run that was playing when it started plays on from
    /// where it stood.
    fn resume_playing(&mut self) {
        let resume = std::mem::take(&mut self.resume_after_sweep) || self.playing;
        if resume && self.run.is_some() {
            self.play_on();
            self.post_frame(Vec::new());
        }
    }

    /// Sends the kept traces as OTLP JSON, or says why there are none.
    fn export_traces(&self) {
        let Some(run) = self.run.as_ref() else { return };
        let message = match self.kept.span_s() {
            Some((from_s, to_s)) => FromWorker::Traces {
                json: self.kept.otlp_json(run.sim().scenario()),
                requests: self.kept.len() as u64,
                from_s,
                to_s,
            },
            None if !self.traces => FromWorker::Error {
                message: "No traces to export: turn Traces on and play a few windows.".to_owned(),
            },
            None => FromWorker::Error {
                message: "No traces to export yet: play until a window closes.".to_owned(),
            },
        };
        self.post(&message);
    }

    fn post_frame(&mut self, mut windows: Vec<WindowReport>) {
        let now_ms = js_sys::Date::now();
        self.frame_at_ms = now_ms;
        if !self.unsent.is_empty() {
            windows.splice(0..0, std::mem::take(&mut self.unsent));
        }
        let due = !self.playing || now_ms - self.formulas_at_ms >= FORMULA_EVERY_MS;
        let picks = match self.run.as_mut() {
            Some(run) if self.traces => self.kept.absorb(run.take_traces()),
            _ => Vec::new(),
        };
        if let Some(run) = &self.run {
            // Only when they changed: most frames compare and allocate nothing.
            let instants = || run.history().iter().map(|e| e.at_ns);
            let changes = instants().ne(self.posted_changes.iter().copied()).then(|| {
                self.posted_changes = instants().collect();
                self.posted_changes.iter().map(|&ns| ns as f64 / 1e9).collect()
            });
            let end = end_of(run);
            let ended = !self.playing && self.ending.at_end(run.now(), end);
            let sim = run.sim();
            let formulas = due.then(|| formula::checks_of(sim));
            let rolling = (!windows.is_empty()).then(|| sim.recent_latency());
            if due {
                self.formulas_at_ms = now_ms;
            }
            self.post(&FromWorker::Frame(Frame {
                sim_time_ns: sim.now().as_nanos(),
                events: sim.event_count(),
                playing: self.playing,
                load_multiplier: run.multiplier(),
                windows,
                formulas,
                snapshot: Some(sim.snapshot(SAMPLE)),
                rolling,
                picks,
                partitions: sim.partitions_now(),
                changes,
                ended,
                end_ns: end.as_nanos(),
            }));
        }
    }
}

/// Where `run`'s scenario ends: its `duration`.
fn end_of(run: &Run) -> SimTime {
    SimTime::ZERO + run.sim().scenario().scenario.duration
}

/// The worker's Wasm linear memory, in bytes (it only ever grows, so a
/// flat figure over a long run means nothing accumulates).
fn wasm_memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}

/// Milliseconds from the worker's `performance` clock (finer than
/// `Date.now()`'s whole milliseconds, for timing benchmark runs of a tenth
/// of a second), or `Date.now()` where there is none.
fn precise_now_ms() -> f64 {
    js_sys::global()
        .dyn_into::<web_sys::WorkerGlobalScope>()
        .ok()
        .and_then(|scope| scope.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}
