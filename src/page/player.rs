//! The embedded player (`?embed=1`): a compact page for an `<iframe>` in
//! someone else's document. It shows the scenario's title, its one line of
//! explanation and the figure that makes its point before anything plays;
//! Play, the load slider and the clock; the topology and the chart of that
//! figure (or one of them). It runs its own worker and keeps nothing: no
//! autosave, no saved list, nothing the full app reads. A scenario that
//! cannot be opened is reported in words with what the reader can do, and
//! nothing else plays under the message.
//!
//! Its options come from the URL (`keep::embed_snippet`); its height goes
//! to the page around it (`scalesim:height` messages) for the custom
//! element's script.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use scalesim_engine::outline::Outline;
use scalesim_engine::{LatencyStats, Snapshot, WindowReport};
use yew::prelude::*;

use crate::canvas::topology_canvas::TopologyCanvas;
use crate::charts::chart_data::{self, ChartData};
use crate::charts::time_chart::{History, TimeChart};
use crate::keep::embed_snippet::{self, EmbedOptions, Figure, Height, Show, Source, Theme};
use crate::keep::{share_link, store};
use crate::page::controls::LoadSlider;
use crate::side::{self, Side, SideEvent, SideSlot};
use crate::worker::protocol::{FromWorker, ScenarioInfo, ToWorker};
use crate::{browser, end_notice, headline, library};

/// Windows kept for the chart (an hour of one-second windows).
const MAX_WINDOWS: usize = 3_600;
/// Wall milliseconds between chart redraws while playing.
const CHART_EVERY_MS: f64 = 500.0;

/// What the player shows, from the worker's reports.
#[derive(Clone, Debug, Default, PartialEq)]
struct PlayerState {
    ready: bool,
    playing: bool,
    /// Paused at the scenario's `duration` (Play continues past it).
    ended: bool,
    sim_time_ns: u64,
    /// Where the scenario ends now, in nanoseconds.
    end_ns: u64,
    load_multiplier: f64,
    history: History,
    /// User latency over the last windows together (the frames'
    /// `rolling`), the headline's when it is a latency.
    rolling: Option<LatencyStats>,
    /// The history version the chart shows, and when it was drawn.
    charted: u64,
    charted_at_ms: f64,
    snapshot: Option<Rc<Snapshot>>,
    /// The pairs of zones partitioned now.
    partitions: Rc<Vec<[String; 2]>>,
    scenario: Option<ScenarioInfo>,
    outline: Rc<Outline>,
    /// How many times a scenario has loaded (the start commands go after
    /// the first).
    loads: u64,
    /// What went wrong, in words a reader can act on.
    problem: Option<String>,
    /// Why the run stopped for good (an overload), in a reader's words.
    stopped: Option<String>,
}

enum PlayerAction {
    Report(Box<FromWorker>),
    Problem(String),
}

impl Reducible for PlayerState {
    type Action = PlayerAction;

    fn reduce(self: Rc<Self>, action: PlayerAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            PlayerAction::Problem(message) => {
                next.problem = Some(message);
                next.playing = false;
            }
            PlayerAction::Report(report) => next.report(*report),
        }
        Rc::new(next)
    }
}

impl PlayerState {
    fn report(&mut self, report: FromWorker) {
        match report {
            FromWorker::Ready => self.ready = true,
            FromWorker::Loaded(info) => {
                *self = PlayerState {
                    ready: self.ready,
                    outline: Rc::new(info.outline.clone()),
                    scenario: Some(info),
                    loads: self.loads + 1,
                    ..PlayerState::default()
                };
            }
            FromWorker::Frame(frame) => {
                self.playing = frame.playing;
                self.ended = frame.ended;
                self.sim_time_ns = frame.sim_time_ns;
                self.end_ns = frame.end_ns;
                self.load_multiplier = frame.load_multiplier;
                if let Some(snapshot) = frame.snapshot {
                    self.snapshot = Some(Rc::new(snapshot));
                }
                if frame.rolling.is_some() {
                    self.rolling = frame.rolling;
                }
                if *self.partitions != frame.partitions {
                    self.partitions = Rc::new(frame.partitions);
                }
                self.add_windows(frame.windows, frame.playing);
            }
            FromWorker::Error { message } => {
                self.problem = Some(if self.scenario.is_some() {
                    message
                } else {
                    format!(
                        "This scenario cannot run: {message} Open it in scalesim to see what to change, or ask the page's author for a new embed."
                    )
                });
                self.playing = false;
            }
            FromWorker::Stopped { overload, .. } => {
                self.stopped = Some(crate::overload_words::for_reader(overload.as_ref()));
                self.playing = false;
            }
            _ => {}
        }
    }

    fn add_windows(&mut self, new: Vec<WindowReport>, playing: bool) {
        if !new.is_empty() {
            let mut windows: Vec<Rc<WindowReport>> = (*self.history.windows).clone();
            windows.extend(new.into_iter().map(Rc::new));
            let excess = windows.len().saturating_sub(MAX_WINDOWS);
            windows.drain(..excess);
            self.history = History { version: self.history.version + 1, windows: Rc::new(windows) };
        }
        let now = js_sys::Date::now();
        if self.history.version != self.charted
            && (!playing || now - self.charted_at_ms >= CHART_EVERY_MS)
        {
            self.charted = self.history.version;
            self.charted_at_ms = now;
        }
    }

    fn multiplier(&self) -> f64 {
        if self.load_multiplier > 0.0 { self.load_multiplier } else { 1.0 }
    }
}

/// The scenario to open, the commands that set it up once loaded (a
/// link's replay, the start time and load), and the simulated time they
/// run to.
struct Opening {
    file: String,
    toml: String,
    start: Vec<ToWorker>,
    start_ns: u64,
}

/// Where the URL says the scenario is, read (a lesson fetched, a link
/// decompressed), or what the reader is told instead.
async fn open_source(options: &EmbedOptions) -> Result<Opening, String> {
    let hash = browser::hash();
    let asked_ns = u64::from(options.start_s) * 1_000_000_000;
    if share_link::looks_like_link(&hash) {
        let shared = store::open_link(&hash).await.map_err(|e| {
            format!("{e} Open scalesim to start afresh, or ask the page's author for a new embed.")
        })?;
        let v = shared.a;
        // The link's own time, past the end if its sharer went there; a
        // start time the embed asks for stops at the end, as a fresh run does.
        let (start_ns, past_end) =
            if options.start_s > 0 { (asked_ns, false) } else { (v.time_ns, v.past_end) };
        let load = options.load.unwrap_or(v.load);
        let history = v.history;
        let replay = ToWorker::Replay { seed: v.seed, load, history, time_ns: start_ns, past_end };
        // The player shows no traces: its worker does not collect them.
        let start = vec![ToWorker::SetTraces { on: false }, replay];
        return Ok(Opening { file: v.file, toml: v.toml, start, start_ns });
    }
    let Some(name) = browser::query("scenario") else {
        return Err("This embed does not say which scenario to play. Open scalesim to choose one from its library.".to_owned());
    };
    let known = library::LESSONS.iter().any(|l| l.file == name || l.cure == Some(name.as_str()));
    if !known {
        return Err(format!(
            "scalesim has no built-in scenario called “{name}”. Open scalesim to choose one from its library, or ask the page's author for a new embed."
        ));
    }
    let toml = crate::page::app::fetch_text(&library::url(&name)).await.map_err(|e| {
        format!(
            "The scenario could not be fetched ({e}). Check the connection and reload the page."
        )
    })?;
    // The player shows no traces: its worker does not collect them.
    let replay = (options.start_s > 0 || options.load.is_some()).then(|| ToWorker::Replay {
        seed: None,
        load: options.load.unwrap_or(1.0),
        history: Vec::new(),
        time_ns: asked_ns,
        past_end: false,
    });
    let start = std::iter::once(ToWorker::SetTraces { on: false }).chain(replay).collect();
    Ok(Opening { file: name, toml, start, start_ns: asked_ns })
}

/// The chart that shows `figure` over time: `(id, title, y axis, data)`.
fn chart_for(
    figure: Figure,
    windows: &[Rc<WindowReport>],
) -> (&'static str, &'static str, &'static str, ChartData) {
    match figure {
        Figure::P50 | Figure::P99 => {
            ("latency-chart", "User latency", "latency (ms)", chart_data::latency(windows))
        }
        Figure::Goodput | Figure::Failed => (
            "throughput-chart",
            "Answers per second by outcome",
            "requests/s",
            chart_data::throughput(windows),
        ),
        Figure::Amplification => (
            "amplification-chart",
            "Visits per user request",
            "visits/request",
            chart_data::amplification(windows, &[]),
        ),
        Figure::Cost => {
            ("cost-chart", "Cost per million requests", "cost / 10⁶", chart_data::cost(windows))
        }
    }
}

/// The scenario as the embed opened it, with its start commands.
type Opened = Rc<RefCell<Option<(String, String, Vec<ToWorker>)>>>;

/// Shared handles the player's callbacks use.
#[derive(Clone)]
struct Handles {
    side: Rc<RefCell<Option<SideSlot>>>,
}

impl Handles {
    fn send(&self, command: &ToWorker) {
        if let Some(side) = self.side.borrow().as_ref() {
            side.borrow().send(command);
        }
    }
}

/// The player.
#[function_component(Player)]
pub fn player() -> Html {
    let options = use_memo((), |_| EmbedOptions::from_query(browser::query));
    let state = use_reducer(PlayerState::default);
    let handles = Handles { side: use_mut_ref(|| None::<SideSlot>) };
    // The commands to send once the scenario has loaded, and whether to
    // play once they have run.
    let start = use_mut_ref(Vec::<ToWorker>::new);
    // The scenario as the embed opened it, with its start commands: what
    // Replay opens again.
    let opened = use_mut_ref(|| None::<(String, String, Vec<ToWorker>)>);
    let start_ns = use_mut_ref(|| 0u64);
    let want_play = use_mut_ref(|| Cell::new(options.autoplay));
    let main_ref = use_node_ref();
    let open_note = use_state(|| None::<String>);

    use_theme(options.theme);
    use_height_messages(main_ref.clone());
    {
        let (handles, dispatch, options) = (handles.clone(), state.dispatcher(), options.clone());
        let (start, start_ns, opened) = (start.clone(), start_ns.clone(), opened.clone());
        use_effect_with((), move |_| {
            let slot = handles.side.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match open_source(&options).await {
                    Ok(opening) => {
                        *opened.borrow_mut() = Some((
                            opening.file.clone(),
                            opening.toml.clone(),
                            opening.start.clone(),
                        ));
                        *start.borrow_mut() = opening.start;
                        *start_ns.borrow_mut() = opening.start_ns;
                        let sink = dispatch.clone();
                        let side = Side::new(
                            opening.file,
                            opening.toml,
                            Callback::from(move |e: SideEvent| {
                                if let Some(action) = action_of(e) {
                                    sink.dispatch(action);
                                }
                            }),
                        );
                        side.borrow_mut().without_demo_fallback();
                        side::spawn(&side);
                        *slot.borrow_mut() = Some(side);
                    }
                    Err(message) => dispatch.dispatch(PlayerAction::Problem(message)),
                }
            });
            move || {
                if let Some(side) = handles.side.borrow_mut().take() {
                    side::stop(&side);
                }
            }
        });
    }
    // Once loaded: the start commands; then, with autoplay, Play once they
    // have run to the start time.
    {
        let (handles, want_play, start_ns) = (handles.clone(), want_play.clone(), start_ns.clone());
        let key = (state.loads, state.playing, state.sim_time_ns);
        use_effect_with(key, move |&(loads, playing, now_ns)| {
            if loads == 1 {
                for command in start.borrow_mut().drain(..) {
                    handles.send(&command);
                }
            }
            let play = want_play.borrow();
            if loads >= 1 && play.get() && !playing && now_ns >= *start_ns.borrow() {
                play.set(false);
                handles.send(&ToWorker::Play);
            }
        });
    }

    let base = embed_snippet::base_of(&browser::page_url()).to_owned();
    let figure = options.figure.unwrap_or_else(|| {
        headline::figure_for_watch(state.scenario.as_ref().and_then(|s| s.watch.as_deref()))
    });
    let on_play = {
        let (handles, playing) = (handles.clone(), state.playing);
        Callback::from(move |_| {
            handles.send(if playing { &ToWorker::Pause } else { &ToWorker::Play })
        })
    };
    let on_replay = replay(&handles, &opened, &want_play, &start_ns);
    let past_end =
        end_notice::paused_past_end(state.sim_time_ns, state.end_ns, state.ended, state.playing)
            .filter(|_| state.loads >= 1);
    let on_load = {
        let handles = handles.clone();
        Callback::from(move |m: f64| handles.send(&ToWorker::SetLoadMultiplier { multiplier: m }))
    };
    let on_open = open_full_app(&handles, &base, state.ready, open_note.clone());
    let title = options
        .title
        .clone()
        .or_else(|| state.scenario.as_ref().map(|s| s.name.clone()))
        .unwrap_or_else(|| {
            if state.problem.is_some() { "scalesim" } else { "Loading the scenario…" }.to_owned()
        });
    let line = state.scenario.as_ref().and_then(|s| headline::one_line(s.description.as_deref()));
    let fallback_href = fallback_href(&base);
    let fit = if options.height == Height::Auto { "auto" } else { "fill" };
    let show = match options.show {
        Show::Both => "both",
        Show::Topology => "topology",
        Show::Chart => "chart",
    };
    let runnable = state.ready && state.scenario.is_some() && state.problem.is_none();
    html! {
        <main class="player" ref={main_ref} data-fit={fit} data-show={show}>
            <header class="player-head">
                <h1 class="player-title" data-testid="scenario-name" title={title.clone()}>{ title.clone() }</h1>
                <a id="open-full" href={fallback_href} target="_blank" rel="noopener" onclick={on_open}>{"Open in scalesim ↗"}</a>
            </header>
            if let Some(line) = line {
                <p class="player-line" data-testid="one-line" title={line.clone()}>{ line }</p>
            }
            if let Some(note) = &*open_note {
                <p class="player-note" role="status">{ note.clone() }</p>
            }
            if let Some(problem) = &state.problem {
                <div class="error" role="alert" data-testid="player-error">{ problem.clone() }</div>
            } else {
                <div class="player-controls">
                    <button id="play" class="primary" onclick={on_play.clone()} disabled={!runnable}
                        title={if state.ended { "The run reached the scenario's duration: Play continues past it" } else { "Play or pause the run" }}>
                        { if state.playing { "Pause" } else { "Play" } }
                    </button>
                    <span class="player-figure" title={headline::over(figure)}>
                        <span class="player-figure-label">{ headline::label(figure) }</span>
                        <strong data-testid="headline" data-figure={figure.key()}>{ headline::value(figure, &state.history.windows[..], state.rolling.as_ref()) }</strong>
                    </span>
                    <LoadSlider multiplier={state.multiplier()} on_change={on_load} />
                    <span class="player-clock" data-testid="sim-time" title="Simulated time">{ crate::format::clock(state.sim_time_ns as f64 / 1e9) }</span>
                </div>
                if state.ended {
                    <p class="notice player-finished" role="status" data-testid="finished">
                        { format!("Finished at {}, the scenario's duration.", crate::format::clock(state.sim_time_ns as f64 / 1e9)) }
                        <button id="replay" onclick={on_replay.clone()} title="Watch it again from the start">{"Replay"}</button>
                        <button id="continue" onclick={on_play.clone()} title="Play on past the scenario's duration">{"Continue"}</button>
                    </p>
                }
                if let Some((end_s, now_s)) = past_end {
                    <p class="notice player-finished" role="status" data-testid="past-end">
                        { end_notice::past_end_words(end_s, now_s) }
                        <button id="replay" onclick={on_replay.clone()} title="Watch it from time zero; it pauses at the scenario's duration">{"Replay from the start"}</button>
                        <button id="continue" onclick={on_play} title="Play on from here">{"Continue"}</button>
                    </p>
                }
                if let Some(message) = &state.stopped {
                    <p class="error player-finished" role="alert" data-testid="player-stopped">
                        { message.clone() }
                        <button id="stopped-replay" onclick={on_replay} title="Watch it again from the start, at the embed's load">{"Replay"}</button>
                    </p>
                }
                { body(&state, options.show, figure) }
            }
        </main>
    }
}

/// The topology, the figure's chart, or both.
fn body(state: &PlayerState, show: Show, figure: Figure) -> Html {
    let topology = (show != Show::Chart).then(|| {
        html! {
            <TopologyCanvas
                outline={state.outline.clone()}
                snapshot={state.snapshot.clone()}
                window={state.history.windows.last().cloned()}
                playing={state.playing}
                selected={None::<crate::canvas::topology_layout::Selection>}
                on_select={Callback::noop()}
                on_edit={Callback::noop()}
                editable={false}
                idle_redraw={false}
                partitions={state.partitions.clone()}
                scenario_key={state.loads} />
        }
    });
    let chart = (show != Show::Topology).then(|| {
        let (id, title, y, data) = chart_for(figure, &state.history.windows[..]);
        html! {
            <TimeChart id={id} title={title} y_desc={y} data={Rc::new(data)} version={state.charted}
                hint={"Press Play: the chart fills in as the run goes."} />
        }
    });
    html! {
        <div class="player-body">
            if let Some(t) = topology { <div class="player-topology">{ t }</div> }
            if let Some(c) = chart { <div class="player-chart">{ c }</div> }
        </div>
    }
}

/// What the player does with a side's event (the player makes no edits,
/// so their status is nothing to it).
fn action_of(event: SideEvent) -> Option<PlayerAction> {
    match event {
        SideEvent::Report(report) => Some(PlayerAction::Report(Box::new(report))),
        SideEvent::Crashed(raw) => Some(PlayerAction::Problem(format!(
            "{} Reload the page to start it again.",
            crate::crash::explain(&raw, 1.0)
        ))),
        SideEvent::OpenFailed(message) => Some(PlayerAction::Problem(message)),
        SideEvent::Edits(_) => None,
    }
}

/// Replay: the scenario opened again as the embed opened it (its start
/// time, load and a link's run; a run opened past its end from time
/// zero, `end_notice::replay_commands`), then played.
fn replay(
    handles: &Handles,
    opened: &Opened,
    want_play: &Rc<RefCell<Cell<bool>>>,
    start_ns: &Rc<RefCell<u64>>,
) -> Callback<MouseEvent> {
    let (handles, opened, want_play) = (handles.clone(), opened.clone(), want_play.clone());
    let start_ns = start_ns.clone();
    Callback::from(move |_| {
        let Some((file, toml, start)) = opened.borrow().clone() else { return };
        let Some(side) = handles.side.borrow().clone() else { return };
        let (commands, to_ns) = end_notice::replay_commands(&start);
        *start_ns.borrow_mut() = to_ns;
        side::open(&side, file, toml, None);
        for command in &commands {
            handles.send(command);
        }
        // Played once the start commands have run (the autoplay effect).
        want_play.borrow().set(true);
    })
}

/// The full app on this embed's scenario as the URL gave it (the link's
/// `href`, for a reader who opens it in a tab by hand).
fn fallback_href(base: &str) -> String {
    let hash = browser::hash();
    let source = if share_link::looks_like_link(&hash) {
        Some(Source::Link(hash))
    } else {
        browser::query("scenario").map(Source::Lesson)
    };
    source.map_or_else(|| base.to_owned(), |s| embed_snippet::app_url(base, &s))
}

/// "Open in scalesim": a link to the reader's run as it is now (the
/// scenario, load, live changes and time), opened in a new tab.
fn open_full_app(
    handles: &Handles,
    base: &str,
    ready: bool,
    note: UseStateHandle<Option<String>>,
) -> Callback<MouseEvent> {
    let (slot, base) = (handles.side.clone(), base.to_owned());
    Callback::from(move |e: MouseEvent| {
        let Some(side) = slot.borrow().clone().filter(|_| ready) else { return };
        e.prevent_default();
        let (base, note) = (base.clone(), note.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let link = store::share_runs(&side, None, false).await;
            match link {
                Ok((fragment, _)) => {
                    let url = format!("{base}#{fragment}");
                    if !browser::open_tab(&url) {
                        note.set(Some(format!("This page does not let the player open a tab. The run as it is now: {url}")));
                    }
                }
                Err(message) => note.set(Some(format!("Could not make the link: {message}"))),
            }
        });
    })
}

/// Applies the theme the embed asks for (`auto` follows the reader's).
#[hook]
fn use_theme(theme: Theme) {
    use_effect_with(theme, |theme| {
        let value = match theme {
            Theme::Auto => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        };
        browser::set_root_attribute("data-theme", value);
    });
}

/// Posts the player's height to the page around it whenever it changes.
#[hook]
fn use_height_messages(main: NodeRef) {
    use_effect_with((), move |_| {
        let watch = browser::in_frame().then(|| watch_height(&main)).flatten();
        move || drop(watch)
    });
}

/// A `ResizeObserver` on the player posting its height, undone when dropped.
struct HeightWatch {
    observer: web_sys::ResizeObserver,
    _callback: wasm_bindgen::closure::Closure<dyn FnMut()>,
}

impl Drop for HeightWatch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

fn watch_height(main: &NodeRef) -> Option<HeightWatch> {
    use wasm_bindgen::JsCast;
    let element = main.cast::<web_sys::Element>()?;
    let measured = element.clone();
    let last = Rc::new(Cell::new(0.0));
    let callback = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
        let height = measured.get_bounding_client_rect().height().ceil();
        if (height - last.get()).abs() >= 1.0 {
            last.set(height);
            browser::post_height_to_parent(height);
        }
    });
    let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
    observer.observe(&element);
    Some(HeightWatch { observer, _callback: callback })
}
