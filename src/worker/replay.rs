//! A run and its history of live changes: what the worker simulates, and
//! what a share link replays.
//!
//! Figures such as p50, offered load and utilization depend on when each
//! change was made, not only on the scenario it left. So the run keeps the
//! text it started from and every live change since (an edit, a whole text
//! from undo or redo, the load multiplier) with the simulated instant it
//! took effect. Replaying advances to each instant, applies the change the
//! same way, and goes on: the same calls on the same state give the same
//! run, event for event. An edit that adds, removes or renames components
//! starts a fresh run, and the history starts there.
//!
//! The history is bounded ([`MAX_ENTRIES`], [`MAX_BYTES`]). Past either,
//! the run goes on but stops recording, and its record falls back to the
//! text as edited, replayed from time zero ([`Record::complete`] is false,
//! and the page says so). Pure, tested natively.

use std::collections::VecDeque;

use scalesim_engine::edit::{self, Edit};
use scalesim_engine::{Scenario, SimDuration, SimTime, Simulation, WindowReport};

use crate::keep::share_link::Variant;

/// The most live changes a run's history keeps (and a link may carry).
pub const MAX_ENTRIES: usize = 200;
/// The most bytes of changes a history keeps (undo and redo record whole
/// texts), so a link stays well inside its size cap.
pub const MAX_BYTES: usize = 256 * 1024;

/// One live change, as the history keeps it (a link carries it in the
/// `wire` encoding, see [`crate::keep::share_link`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// An editor's edit: a parameter, a lane drag, a move, the live-change
    /// form.
    Edit { edit: Edit },
    /// The whole text to go to (undo, redo).
    Text { toml: String },
    /// The load multiplier.
    Load { multiplier: f64 },
}

impl Change {
    /// Roughly what the change weighs in a link.
    fn weight(&self) -> usize {
        match self {
            Change::Edit { edit } => crate::worker::wire::to_bytes(edit).len(),
            Change::Text { toml } => toml.len(),
            Change::Load { .. } => 16,
        }
    }
}

/// A live change and the simulated instant it took effect.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Simulated nanoseconds.
    pub at_ns: u64,
    pub change: Change,
}

/// Whether a history (from a link) can be replayed: at most
/// [`MAX_ENTRIES`], in time order, with valid load multipliers.
pub fn check_history(history: &[Entry]) -> Result<(), String> {
    if history.len() > MAX_ENTRIES {
        return Err(format!(
            "it holds {} live changes, more than the {MAX_ENTRIES} a run keeps",
            history.len()
        ));
    }
    if history.windows(2).any(|w| w[0].at_ns > w[1].at_ns) {
        return Err("its live changes are out of order".to_owned());
    }
    let bad_load = history.iter().any(|e| {
        matches!(e.change, Change::Load { multiplier } if !crate::keep::share_link::valid_multiplier(multiplier))
    });
    if bad_load {
        return Err("a load multiplier in its history is out of range".to_owned());
    }
    Ok(())
}

/// How a live change took effect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// On the running simulation, which goes on.
    Live,
    /// Components were removed or renamed (or another change the running
    /// simulation cannot take, `why`): a fresh run of the edited scenario
    /// started (at the same load multiplier), and the history starts there.
    Restarted { why: String },
}

/// What reproduces the run so far: a link's variant, and whether it is the
/// exact run (`false`: the history outgrew its bounds, and the variant is
/// the text as edited, from time zero).
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub run: Variant,
    pub complete: bool,
}

/// A running simulation with its text, its load multiplier and its history.
pub struct Run {
    sim: Simulation,
    file: String,
    /// The text with every live change applied (edits are made on the text
    /// and read back, so no scenario serializer is needed).
    text: String,
    multiplier: f64,
    /// The text, seed and multiplier at time zero of this run.
    start_text: String,
    start_seed: u64,
    start_load: f64,
    history: Vec<Entry>,
    /// What the history weighs ([`Change::weight`]).
    bytes: usize,
    /// The history outgrew its bounds and is no longer kept.
    overflowed: bool,
    /// Changes still to apply at their instants (a link being replayed).
    pending: VecDeque<Entry>,
    /// Why replaying stopped, until the caller takes it.
    replay_error: Option<String>,
    /// Replayed changes took effect since the caller last asked.
    replayed: bool,
}

impl Run {
    /// A fresh run of a scenario file at time zero.
    pub fn load(file: &str, toml: &str) -> Result<Run, String> {
        let scenario = Scenario::from_toml(file, toml).map_err(|e| e.to_string())?;
        let sim = Simulation::new(scenario).map_err(|e| e.to_string())?;
        Ok(Run::fresh(file.to_owned(), toml.to_owned(), sim))
    }

    fn fresh(file: String, text: String, sim: Simulation) -> Run {
        Run {
            start_seed: sim.scenario().scenario.seed,
            sim,
            file,
            start_text: text.clone(),
            text,
            multiplier: 1.0,
            start_load: 1.0,
            history: Vec::new(),
            bytes: 0,
            overflowed: false,
            pending: VecDeque::new(),
            replay_error: None,
            replayed: false,
        }
    }

    /// The simulation.
    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    /// Turns request tracing on or off (the Traces toggle): the run is
    /// the same either way.
    pub fn set_traces(&mut self, on: bool) {
        if on {
            self.sim.enable_traces(crate::worker::traces::OPTIONS);
        } else {
            self.sim.disable_traces();
        }
    }

    /// The traces of the windows closed since the last call.
    pub fn take_traces(&mut self) -> Vec<scalesim_engine::trace::TraceWindow> {
        self.sim.take_traces()
    }

    /// The scenario file's name.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The text with every live change applied.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The load multiplier in force.
    pub fn multiplier(&self) -> f64 {
        self.multiplier
    }

    /// The live changes recorded since time zero of this run.
    pub fn history(&self) -> &[Entry] {
        &self.history
    }

    /// Simulated time now.
    pub fn now(&self) -> SimTime {
        self.sim.now()
    }

    /// Starts over at time zero with the text as edited (and `seed` if
    /// given), at 1×: the history starts afresh.
    pub fn restart(&mut self, seed: Option<u64>) -> Result<(), String> {
        let mut scenario = self.sim.scenario().clone();
        if let Some(seed) = seed {
            scenario.scenario.seed = seed;
        }
        let sim = Simulation::new(scenario).map_err(|e| e.to_string())?;
        *self = Run::fresh(std::mem::take(&mut self.file), std::mem::take(&mut self.text), sim);
        Ok(())
    }

    /// Why `toml` could not replace the run's text (every problem), read
    /// as a whole text applied would be; the run is left alone.
    pub fn check(&self, toml: &str) -> Result<(), String> {
        Scenario::from_toml(&self.file, toml).map(|_| ()).map_err(|e| e.to_string())
    }

    /// Applies a live change now and records it; a refused change leaves
    /// the run as it was.
    pub fn apply(&mut self, change: Change) -> Result<Applied, String> {
        self.apply_now(change, true)
    }

    fn apply_now(&mut self, change: Change, may_restart: bool) -> Result<Applied, String> {
        let text = match &change {
            Change::Load { multiplier } => {
                self.sim.set_load_multiplier(*multiplier).map_err(|e| e.to_string())?;
                self.multiplier = *multiplier;
                self.record(change);
                return Ok(Applied::Live);
            }
            Change::Edit { edit } => edit::apply(&self.text, edit)?,
            Change::Text { toml } => toml.clone(),
        };
        let scenario = Scenario::from_toml(&self.file, &text).map_err(|e| e.to_string())?;
        if let Some(why) = self.sim.restart_needed(&scenario) {
            if !may_restart {
                return Err(why);
            }
            let mut sim = Simulation::new(scenario).map_err(|e| e.to_string())?;
            let multiplier = self.multiplier;
            if multiplier != 1.0 {
                sim.set_load_multiplier(multiplier).map_err(|e| e.to_string())?;
            }
            *self = Run::fresh(std::mem::take(&mut self.file), text, sim);
            self.multiplier = multiplier;
            self.start_load = multiplier;
            return Ok(Applied::Restarted { why });
        }
        self.sim.replace_scenario(scenario).map_err(|e| e.to_string())?;
        self.text = text;
        self.record(change);
        Ok(Applied::Live)
    }

    fn record(&mut self, change: Change) {
        if self.overflowed {
            return;
        }
        self.bytes += change.weight();
        if self.history.len() >= MAX_ENTRIES || self.bytes > MAX_BYTES {
            self.overflowed = true;
            self.history = Vec::new();
            return;
        }
        self.history.push(Entry { at_ns: self.sim.now().as_nanos(), change });
    }

    /// Starts over to replay a link's run: time zero with `seed`, the load
    /// multiplier it started at, and its changes applied at their instants
    /// as the run advances (those at time zero at once).
    pub fn replay(
        &mut self,
        seed: Option<u64>,
        load: f64,
        history: Vec<Entry>,
    ) -> Result<(), String> {
        check_history(&history)?;
        self.restart(seed)?;
        if load != 1.0 {
            self.sim.set_load_multiplier(load).map_err(|e| e.to_string())?;
            self.multiplier = load;
            self.start_load = load;
        }
        self.pending = history.into();
        self.catch_up();
        Ok(())
    }

    /// Whether changes of a link are still to be applied.
    pub fn replaying(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Why replaying a link's changes stopped (a change the scenario
    /// refused), once.
    pub fn take_replay_error(&mut self) -> Option<String> {
        self.replay_error.take()
    }

    /// Whether replayed changes took effect since the last call (the page
    /// then needs the text as edited), once.
    pub fn take_replayed(&mut self) -> bool {
        std::mem::take(&mut self.replayed)
    }

    /// Stops replaying: the user took over.
    pub fn stop_replay(&mut self) {
        self.pending.clear();
    }

    /// Applies the pending changes due by now.
    fn catch_up(&mut self) {
        while let Some(entry) = self.pending.front() {
            if entry.at_ns > self.sim.now().as_nanos() {
                break;
            }
            let Some(entry) = self.pending.pop_front() else { break };
            let at = SimTime::from_nanos(entry.at_ns);
            let applied = self.apply_now(entry.change, false);
            self.replayed |= applied.is_ok();
            if let Err(why) = applied {
                self.pending.clear();
                self.replay_error = Some(format!(
                    "This link's live change at {:.3} s could not be replayed ({why}); the run goes on without the rest.",
                    at.as_secs_f64()
                ));
            }
        }
    }

    /// Advances to `until`, applying pending changes at their instants;
    /// returns the windows that closed.
    pub fn advance_until(&mut self, until: SimTime) -> Vec<WindowReport> {
        let mut windows = Vec::new();
        while let Some(at) = self.pending.front().map(|e| SimTime::from_nanos(e.at_ns)) {
            if at > until || self.sim.stalled().is_some() {
                break;
            }
            windows.extend(self.sim.advance_until(at));
            self.catch_up();
        }
        windows.extend(self.sim.advance_until(until));
        windows
    }

    /// Advances by `span` ([`Run::advance_until`]).
    pub fn advance_by(&mut self, span: SimDuration) -> Vec<WindowReport> {
        self.advance_until(self.sim.now() + span)
    }

    /// What reproduces the run as it is now; `past_end`: it was continued
    /// past its scenario's end (the worker's `ending` knows).
    pub fn record_now(&self, past_end: bool) -> Record {
        let time_ns = self.sim.now().as_nanos();
        let seed = Some(self.start_seed);
        let file = self.file.clone();
        if self.overflowed {
            let run = Variant {
                file,
                toml: self.text.clone(),
                seed,
                time_ns,
                load: self.multiplier,
                history: Vec::new(),
                past_end,
            };
            return Record { run, complete: false };
        }
        let run = Variant {
            file,
            toml: self.start_text.clone(),
            seed,
            time_ns,
            load: self.start_load,
            history: self.history.clone(),
            past_end,
        };
        Record { run, complete: true }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::ending::Ending;
    use scalesim_engine::scenario::Mode;

    const CHAIN: &str = include_str!("../../scenarios/sync-chain.toml");

    fn secs(s: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs(s)
    }

    fn set(path: &str, value: &str) -> Change {
        Change::Edit { edit: Edit::Set { path: path.into(), value: value.into() } }
    }

    /// Everything a page's figures come from: time, events, every window,
    /// and the summary so far.
    fn state(run: &Run, windows: &[WindowReport]) -> String {
        let sim = run.sim();
        format!(
            "{} {} {:?} {}",
            sim.now().as_nanos(),
            sim.event_count(),
            windows,
            serde_json::to_string(&sim.summary()).unwrap_or_default()
        )
    }

    /// A run edited live three times, as a user might, at odd instants.
    fn live_run() -> (Run, Vec<WindowReport>) {
        let mut run = Run::load("sync-chain.toml", CHAIN).unwrap();
        let mut windows = run.advance_until(SimTime::from_nanos(12_345_678_901));
        run.apply(set("payments.workers", "60")).unwrap();
        windows.extend(run.advance_by(SimDuration::from_millis(7_777)));
        let lane = Edit::SetLane { id: first_callee(&run), mode: Mode::Async };
        run.apply(Change::Edit { edit: lane }).unwrap();
        windows.extend(run.advance_until(secs(31)));
        run.apply(Change::Load { multiplier: 2.5 }).unwrap();
        windows.extend(run.advance_until(SimTime::from_nanos(44_000_000_017)));
        // A component added and called, which joins the run.
        let entry = run.sim().scenario().loads[0].target.clone();
        let add = Edit::Many {
            edits: vec![
                Edit::AddNode {
                    kind: scalesim_engine::scenario::NodeKind::External,
                    position: None,
                    behind: None,
                },
                Edit::Connect { from: entry.clone(), to: "external".into(), mode: Mode::Sync },
                Edit::AddLoad { target: entry, position: None },
            ],
        };
        assert_eq!(run.apply(Change::Edit { edit: add }), Ok(Applied::Live));
        windows.extend(run.advance_until(secs(52)));
        (run, windows)
    }

    fn first_callee(run: &Run) -> String {
        let scenario = run.sim().scenario();
        scenario.nodes.iter().flat_map(|n| &n.calls).map(|c| c.to.clone()).next().unwrap()
    }

    #[test]
    fn a_replayed_history_gives_the_same_run() {
        let (live, live_windows) = live_run();
        assert_eq!(live.history().len(), 4);
        let (first, last) = (&live_windows[0], live_windows.last().unwrap());
        assert!(last.nodes.len() > first.nodes.len() && last.loads.len() > first.loads.len());
        let record = live.record_now(false);
        assert!(record.complete);
        assert_eq!(record.run.toml, CHAIN, "the text at time zero, not as edited");
        let mut replayed = Run::load("sync-chain.toml", &record.run.toml).unwrap();
        let Variant { seed, load, history, time_ns, .. } = record.run.clone();
        replayed.replay(seed, load, history).unwrap();
        // Advanced in other steps than the live run was: only the instants
        // of the changes matter.
        let mut windows = Vec::new();
        while replayed.now().as_nanos() < time_ns {
            let step =
                (replayed.now() + SimDuration::from_secs(3)).min(SimTime::from_nanos(time_ns));
            windows.extend(replayed.advance_until(step));
        }
        assert_eq!(state(&replayed, &windows), state(&live, &live_windows));
        assert_eq!(replayed.text(), live.text());
        assert!(replayed.take_replayed() && !replayed.take_replayed());
        assert_eq!(replayed.multiplier(), 2.5);
        // Replaying recorded the same history: sharing again gives the
        // same link.
        assert_eq!(replayed.record_now(false), record);
    }

    /// Plays `run` as the worker's ticks do, in steps of 3 s: to `run_to`
    /// (a link's time; `None`: on at max speed), no further than `ending`
    /// lets it, pausing at the scenario's end unless continued.
    fn play(run: &mut Run, ending: &Ending, run_to: Option<SimTime>) -> Vec<WindowReport> {
        let mut windows = Vec::new();
        loop {
            let end = SimTime::ZERO + run.sim().scenario().scenario.duration;
            let Some(target) = ending.limit(run_to, end) else { return windows };
            if run.now() >= target || ending.at_end(run.now(), end) {
                return windows;
            }
            windows.extend(run.advance_until((run.now() + SimDuration::from_secs(3)).min(target)));
        }
    }

    #[test]
    fn a_run_continued_past_its_end_replays_past_it() {
        // The sharer plays the 60 s chain to its end, continues past it,
        // changes the load there, and shares at 81.5 s.
        let mut live = Run::load("sync-chain.toml", CHAIN).unwrap();
        let mut ending = Ending::default();
        let mut live_windows = play(&mut live, &ending, None);
        assert_eq!(live.now(), secs(60), "paused at the end");
        ending.on_play(live.now(), secs(60));
        live_windows.extend(play(&mut live, &ending, Some(secs(70))));
        live.apply(Change::Load { multiplier: 2.0 }).unwrap();
        live_windows.extend(play(&mut live, &ending, Some(SimTime::from_nanos(81_500_000_000))));
        let record = live.record_now(ending.past());
        assert!(record.run.past_end);
        // The link's run, replayed as the worker does: the same run, and
        // not standing at its end (no "Finished", Play goes on).
        let replay = |past_end: bool| {
            let mut run = Run::load("sync-chain.toml", &record.run.toml).unwrap();
            let Variant { seed, load, history, time_ns, .. } = record.run.clone();
            run.replay(seed, load, history).unwrap();
            let mut ending = Ending::default();
            ending.replaying(past_end);
            let windows = play(&mut run, &ending, Some(SimTime::from_nanos(time_ns)));
            let finished = ending.at_end(run.now(), secs(60));
            (run, windows, finished)
        };
        let (replayed, windows, finished) = replay(true);
        assert_eq!(state(&replayed, &windows), state(&live, &live_windows));
        assert!(!finished);
        assert_eq!(replayed.record_now(true), record, "shared again: the same link");
        // A link without the mark (made before it was recorded) stops at
        // the end, as it always did.
        let (old, _, finished) = replay(false);
        assert_eq!((old.now(), finished), (secs(60), true));
    }

    #[test]
    fn the_edited_text_from_zero_is_not_the_same_run() {
        // Why the history is needed at all.
        let (live, live_windows) = live_run();
        let mut naive = Run::load("sync-chain.toml", live.text()).unwrap();
        naive.apply(Change::Load { multiplier: 2.5 }).unwrap();
        let windows = naive.advance_until(live.now());
        assert_ne!(state(&naive, &windows), state(&live, &live_windows));
    }

    #[test]
    fn a_checked_text_is_judged_and_left_unapplied() {
        let run = Run::load("sync-chain.toml", CHAIN).unwrap();
        let bad = CHAIN.replacen("workers = 200", "workerss = 200", 1).replacen(
            "rate = 200",
            "rate = -5",
            1,
        );
        let message = run.check(&bad).unwrap_err();
        assert!(message.contains("did you mean `workers`"), "{message}");
        assert!(message.contains("rate"), "{message}");
        assert_eq!(run.check(&CHAIN.replacen("rate = 200", "rate = 300", 1)), Ok(()));
        assert_eq!(run.text(), CHAIN);
        assert!(run.history().is_empty());
    }

    #[test]
    fn changes_are_recorded_in_order_at_their_instants() {
        let (live, _) = live_run();
        let at: Vec<u64> = live.history().iter().map(|e| e.at_ns).collect();
        assert_eq!(at, [12_345_678_901, 20_122_678_901, 31_000_000_000, 44_000_000_017]);
        assert!(
            matches!(live.history()[2].change, Change::Load { multiplier } if multiplier == 2.5)
        );
    }

    #[test]
    fn a_refused_change_is_not_recorded() {
        let mut run = Run::load("sync-chain.toml", CHAIN).unwrap();
        run.advance_until(secs(2));
        assert!(run.apply(set("payments.workers", "0")).is_err());
        assert!(run.apply(Change::Load { multiplier: f64::NAN }).is_err());
        assert!(run.history().is_empty());
        assert_eq!(run.text(), CHAIN);
    }

    #[test]
    fn a_restarting_edit_starts_the_history_there() {
        let mut run = Run::load("sync-chain.toml", CHAIN).unwrap();
        run.advance_until(secs(5));
        run.apply(Change::Load { multiplier: 3.0 }).unwrap();
        run.apply(set("payments.workers", "60")).unwrap();
        run.advance_until(secs(9));
        let rename = Edit::Rename { from: first_callee(&run), to: "renamed".into() };
        let applied = run.apply(Change::Edit { edit: rename });
        assert!(matches!(applied, Ok(Applied::Restarted { why }) if why.contains("renaming")));
        assert_eq!(run.now(), SimTime::ZERO);
        assert!(run.history().is_empty());
        let record = run.record_now(false);
        assert_eq!(record.run.toml, run.text(), "the history starts at the restart");
        assert_eq!(record.run.load, 3.0, "at the load in force");
        assert_eq!(run.multiplier(), 3.0);
        run.restart(Some(7)).unwrap();
        assert_eq!((run.multiplier(), run.record_now(false).run.seed), (1.0, Some(7)));
    }

    #[test]
    fn the_history_is_bounded_and_falls_back_to_the_edited_text() {
        let mut run = Run::load("sync-chain.toml", CHAIN).unwrap();
        for k in 0..MAX_ENTRIES {
            run.advance_by(SimDuration::from_millis(10));
            run.apply(Change::Load { multiplier: 1.0 + (k % 3) as f64 }).unwrap();
        }
        assert!(run.record_now(false).complete);
        run.apply(set("payments.workers", "60")).unwrap();
        let record = run.record_now(false);
        assert!(!record.complete, "past the cap");
        assert!(run.history().is_empty(), "nothing more is kept");
        assert_eq!(record.run.toml, run.text());
        assert_eq!(record.run.load, run.multiplier());
        assert!(record.run.history.is_empty());
        // Undo and redo record whole texts: the bytes are bounded too.
        let mut run = Run::load("sync-chain.toml", CHAIN).unwrap();
        let big = format!("{CHAIN}\n# {}\n", "x".repeat(MAX_BYTES / 4));
        for _ in 0..5 {
            run.apply(Change::Text { toml: big.clone() }).unwrap();
        }
        assert!(!run.record_now(false).complete);
    }

    #[test]
    fn a_bad_history_is_refused() {
        let load = |at_ns, multiplier| Entry { at_ns, change: Change::Load { multiplier } };
        assert!(check_history(&[load(5, 2.0), load(3, 2.0)]).is_err());
        assert!(check_history(&[load(5, -2.0)]).is_err());
        assert!(check_history(&vec![load(1, 2.0); MAX_ENTRIES + 1]).is_err());
        assert!(check_history(&vec![load(1, 2.0); MAX_ENTRIES]).is_ok());
        // A change the scenario refuses, or one that would restart the run,
        // stops the replay with a message; the run goes on.
        let mut run = Run::load("sync-chain.toml", CHAIN).unwrap();
        let remove = Change::Edit { edit: Edit::Remove { id: first_callee(&run) } };
        let history = vec![
            Entry { at_ns: 1_000_000_000, change: set("payments.workers", "0") },
            Entry { at_ns: 2_000_000_000, change: remove },
        ];
        run.replay(None, 1.0, history).unwrap();
        run.advance_until(secs(3));
        assert!(run.take_replay_error().is_some_and(|m| m.contains("1.000 s")));
        assert!(!run.replaying());
        assert_eq!(run.now(), secs(3));
        assert_eq!(run.text(), CHAIN);
    }
}
