//! The page: the library, playback controls, live numbers and charts,
//! fed by frames from the simulation worker.

use std::rc::Rc;

use scalesim_engine::edit::Edit;
use scalesim_engine::formula::FormulaCheck;
use scalesim_engine::outline::Outline;
use scalesim_engine::{Snapshot, WindowReport};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::canvas::topology_canvas::TopologyCanvas;
use crate::canvas::topology_layout::Selection;
use crate::charts::chart_data::{self, ChartData};
use crate::charts::time_chart::{History, TimeChart};
use crate::keep::{export, share_link, store};
use crate::library::{self, LESSONS};
use crate::page::compare_view::CompareView;
use crate::page::controls::{LibraryPicker, LoadSlider, SpeedPicker};
use crate::page::figure_strip::FigureStrip;
use crate::page::inspector::Inspector;
use crate::page::models_page::ModelsPage;
use crate::page::panels::{ComponentList, FormulaTable, NodeChooser, NodeStates};
use crate::page::sweep_panel::{SweepPanel, SweepResult};
use crate::page::tab_bar::TabBar;
use crate::side::{self, EditStatus, Side, SideEvent, SideSlot};
use crate::workbench::{DashTab, SideTab, SweepForm, View};
use crate::worker::protocol::{FromWorker, ScenarioInfo, Speed, ToWorker};
use crate::{browser, format, insight};

/// Windows kept for the chart; older ones scroll off.
const MAX_WINDOWS: usize = 3_600;
/// Wall milliseconds between chart redraws while playing: twice a second.
/// A redraw of the six charts costs the main thread about 40 ms (plotters
/// measures every label by laying out a span in the document), and the
/// main thread shares two cores with the worker and the compositor.
const CHART_EVERY_MS: f64 = 500.0;

/// The scenario the page opens with (`scenarios/station.toml`): one service,
/// two workers, 75% busy; past about 1.33× the load it saturates. The page
/// hands the file's text to the worker, which parses it: the TOML parser
/// lives in the worker's bundle only.
pub const DEMO_FILE: &str = "station.toml";
/// The text of [`DEMO_FILE`].
pub const DEMO_TOML: &str = include_str!("../../scenarios/station.toml");

/// One variant's state as the page shows it (A always; B while comparing).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AppState {
    ready: bool,
    playing: bool,
    /// Simulated time now, exactly (share links record it).
    sim_time_ns: u64,
    events: u64,
    load_multiplier: f64,
    history: History,
    error: Option<String>,
    /// Why the run stopped for good (an overload, a zero-time loop), until
    /// it is restarted.
    stopped: Option<(String, bool)>,
    /// The loaded scenario's title and explanation.
    scenario: Option<ScenarioInfo>,
    /// The latest formula check.
    formulas: Rc<Vec<FormulaCheck>>,
    /// A sweep's progress `(done, total)` while it runs.
    sweep_progress: Option<(u32, u32)>,
    /// The last sweep's curve.
    sweep: Option<Rc<SweepResult>>,
    /// User latency over the last few windows together (the worker's).
    rolling: Option<scalesim_engine::LatencyStats>,
    /// Node states and in-flight sample, as of the last frame.
    snapshot: Option<Rc<Snapshot>>,
    /// The history version the charts show.
    charted: u64,
    /// When they were last redrawn.
    charted_at_ms: f64,
    /// Components, calls and loads, as last loaded or edited.
    pub outline: Rc<Outline>,
    /// Changes when another scenario is opened (not when one is edited).
    scenario_key: u64,
    /// What the canvas and the inspector show.
    selected: Option<Selection>,
    /// Undo, redo and the last refusal.
    edits: EditStatus,
    /// Why the worker died, in words, until the user restarts it.
    crashed: Option<String>,
    /// Why what the URL (or a file) asked to open could not be opened;
    /// kept while the user's own scenario loads instead.
    open_error: Option<String>,
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
    SweepCancelled,
    Edits(EditStatus),
    Select(Option<Selection>),
    OpenFailed(String),
    ClearOpenError,
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

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Report(FromWorker::Ready) => next.ready = true,
            Action::Report(FromWorker::Loaded(info)) => {
                // An edit that added or removed components restarts the run
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
                    ..AppState::default()
                };
            }
            Action::Report(FromWorker::Frame(frame)) => {
                next.playing = frame.playing;
                next.sim_time_ns = frame.sim_time_ns;
                next.events = frame.events;
                next.load_multiplier = frame.load_multiplier;
                if let Some(formulas) = frame.formulas {
                    next.formulas = Rc::new(formulas);
                }
                if frame.rolling.is_some() {
                    next.rolling = frame.rolling;
                }
                if let Some(snapshot) = frame.snapshot {
                    next.snapshot = Some(Rc::new(snapshot));
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
                next.sweep_progress = None;
            }
            Action::Report(FromWorker::Stopped { message, overload }) => {
                next.stopped = Some((message, overload));
                next.playing = false;
            }
            Action::Report(FromWorker::SweepProgress { done, total }) => {
                // `total == 0`: the worker confirms a cancel.
                next.sweep_progress = (total > 0).then_some((done, total));
                next.playing = false;
            }
            Action::Report(FromWorker::SweepDone { param, points, usl }) => {
                next.sweep_progress = None;
                next.sweep = Some(Rc::new(SweepResult {
                    param,
                    latency: Rc::new(chart_data::sweep_latency(&points)),
                    goodput: Rc::new(chart_data::sweep_goodput(&points, usl.as_ref())),
                    knee: points.iter().find(|p| p.knee).map(|p| p.value),
                    usl,
                    points,
                }));
            }
            Action::SweepCancelled => next.sweep_progress = None,
            // Handled by the side (a download).
            Action::Report(
                FromWorker::Summary { .. }
                | FromWorker::Recorded { .. }
                | FromWorker::BenchResult { .. }
                | FromWorker::BenchDone { .. },
            ) => {}
            Action::Report(FromWorker::Applied { outline, .. }) => {
                next.error = None;
                next.selected =
                    crate::workbench::selection_after(next.selected, &next.outline, &outline);
                next.outline = Rc::new(outline);
                next.edits.refusal = None;
            }
            Action::Report(FromWorker::Refused { message, .. }) => {
                // Shown beside its field by the inspector (`edits.refusal`),
                // or here when it concerns no one field.
                if next.edits.refusal.as_ref().is_none_or(|(path, _)| path.is_empty()) {
                    next.error = Some(message);
                }
            }
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
            }
            Action::Crashed(raw) => {
                next.crashed = Some(crate::crash::explain(&raw, next.shown_multiplier()));
                next.playing = false;
                next.ready = false;
                next.sweep_progress = None;
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

/// The root component.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::default);
    let state_b = use_reducer(AppState::default);
    let side_a: SideSlot = {
        let dispatch = state.dispatcher();
        (*use_state(move || {
            Side::new(
                DEMO_FILE.to_owned(),
                DEMO_TOML.to_owned(),
                Callback::from(move |e: SideEvent| dispatch.dispatch(Action::from(e))),
            )
        }))
        .clone()
    };
    // Variant B while comparing.
    let side_b = use_mut_ref(|| None::<SideSlot>);
    let editing_b = use_state(|| false);
    let side_tab = use_state(SideTab::default);
    let dash_tab = use_state(DashTab::default);
    let view = use_state(View::default);
    let speed = use_state(Speed::default);
    // Nodes shown in the per-node charts (by index); `None` = the first four.
    let chosen = use_state(|| None::<Vec<usize>>);
    let seed_text = use_state(String::new);
    let change_text = use_state(String::new);
    // The sweep form: `None` = the scenario's suggestion.
    let sweep_form = use_state(SweepForm::default);

    // Share, keep and export.
    let embed = use_state(|| browser::query("embed").as_deref() == Some("1"));
    let share_text = use_state(|| None::<(String, String)>);
    let embed_snippet = use_state(|| None::<String>);
    let save_name = use_state(String::new);
    let saved = use_state(store::saved);
    let notice = use_state(|| None::<String>);

    {
        let (side_a, side_b, dispatch) = (side_a.clone(), side_b.clone(), state.dispatcher());
        let (linked_b, dispatch_b) = (side_b.clone(), state_b.dispatcher());
        let (editing_b, dash_tab, embedded) = (editing_b.clone(), dash_tab.clone(), *embed);
        use_effect_with((), move |_| {
            let starting = side_a.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let start = store::start_up().await;
                {
                    let mut a = starting.borrow_mut();
                    a.current.good = start.own;
                    a.autosave();
                    if let Some((file, toml, after)) = start.open {
                        a.open_when_ready(file, toml, after);
                    }
                }
                if let Some(message) = start.message {
                    dispatch.dispatch(Action::OpenFailed(message));
                }
                side::spawn(&starting);
                // A link made while comparing opens the comparison (the
                // compact player shows A alone).
                if let Some((file, toml, after)) = start.open_b.filter(|_| !embedded) {
                    let sink = Callback::from(move |e: SideEvent| dispatch_b.dispatch(e.into()));
                    *linked_b.borrow_mut() = Some(side::spawn_linked(file, toml, after, sink));
                    dash_tab.set(DashTab::Compare);
                    editing_b.set(true);
                }
            });
            move || {
                side::stop(&side_a);
                if let Some(b) = side_b.borrow_mut().take() {
                    side::stop(&b);
                }
            }
        });
    }

    // Commands about playback go to both variants, so they stay in step.
    let send = {
        let (side_a, side_b) = (side_a.clone(), side_b.clone());
        move |command: ToWorker| {
            side_a.borrow().send(&command);
            if let Some(b) = side_b.borrow().as_ref() {
                b.borrow().send(&command);
            }
        }
    };
    // The variant the canvas, the inspector and undo work on.
    let edited_side = {
        let (side_a, side_b, editing_b) = (side_a.clone(), side_b.clone(), editing_b.clone());
        move || -> SideSlot {
            match side_b.borrow().as_ref() {
                Some(b) if *editing_b => b.clone(),
                _ => side_a.clone(),
            }
        }
    };
    let edited_state = if *editing_b && side_b.borrow().is_some() { &state_b } else { &state };
    let on_edit = {
        let edited_side = edited_side.clone();
        Callback::from(move |e: Edit| side::edit(&edited_side(), e))
    };
    let on_select = {
        let dispatch = edited_state.dispatcher();
        Callback::from(move |s: Option<Selection>| dispatch.dispatch(Action::Select(s)))
    };
    // Whatever selects a component (a click, a new component, a rename)
    // shows its parameters.
    {
        let side_tab = side_tab.clone();
        use_effect_with(edited_state.selected.clone(), move |selected| {
            side_tab.set(side_tab.after_selection(selected.is_some()));
        });
    }
    let on_undo = {
        let edited_side = edited_side.clone();
        Callback::from(move |_| side::undo(&edited_side()))
    };
    let on_redo = {
        let edited_side = edited_side.clone();
        Callback::from(move |_| side::redo(&edited_side()))
    };
    // Ctrl+Z / Ctrl+Shift+Z (and Ctrl+Y) anywhere but in a text field,
    // where the browser's own undo applies.
    {
        let edited_side = edited_side.clone();
        let editing = (*editing_b, side_b.borrow().is_some());
        use_effect_with(editing, move |_| {
            let document = web_sys::window().and_then(|w| w.document());
            let listener = document.map(|d| {
                // Not passive: Ctrl+Z must not reach the browser's own undo.
                let options = gloo_events::EventListenerOptions::enable_prevent_default();
                gloo_events::EventListener::new_with_options(&d, "keydown", options, move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
                    if !(e.ctrl_key() || e.meta_key()) {
                        return;
                    }
                    let in_text =
                        e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(
                            |el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"),
                        );
                    if in_text {
                        return;
                    }
                    match (e.key().to_lowercase().as_str(), e.shift_key()) {
                        ("z", false) => {
                            e.prevent_default();
                            side::undo(&edited_side());
                        }
                        ("z", true) | ("y", _) => {
                            e.prevent_default();
                            side::redo(&edited_side());
                        }
                        _ => {}
                    }
                })
            });
            move || drop(listener)
        });
    }
    // A click outside an open top-bar menu, or Escape, closes it, as menus do.
    use_effect_with((), |_| {
        let document = web_sys::window().and_then(|w| w.document());
        let listeners: Vec<gloo_events::EventListener> = document
            .iter()
            .flat_map(|d| {
                ["click", "keydown"]
                    .map(|kind| gloo_events::EventListener::new(d, kind, close_menus))
            })
            .collect();
        move || drop(listeners)
    });
    let on_play = {
        let send = send.clone();
        let playing = state.playing;
        Callback::from(move |_| send(if playing { ToWorker::Pause } else { ToWorker::Play }))
    };
    let on_reset = {
        let (side_a, side_b, dispatch, dispatch_b) =
            (side_a.clone(), side_b.clone(), state.dispatcher(), state_b.dispatcher());
        Callback::from(move |_| {
            dispatch.dispatch(Action::Restarted);
            side::spawn(&side_a);
            if let Some(b) = side_b.borrow().as_ref() {
                dispatch_b.dispatch(Action::Restarted);
                side::spawn(b);
            }
        })
    };
    // After a crash: a fresh worker on the kept scenario, at the speed in
    // use and the load chosen.
    let on_respawn = {
        let (side_a, side_b, speed) = (side_a.clone(), side_b.clone(), *speed);
        let (a_crashed, b_crashed) = (state.crashed.is_some(), state_b.crashed.is_some());
        Callback::from(move |load: f64| {
            let mut after = vec![ToWorker::SetSpeed { speed }];
            if load != 1.0 {
                after.push(ToWorker::SetLoadMultiplier { multiplier: load });
            }
            if a_crashed {
                side::respawn(&side_a, after.clone());
            }
            if let (true, Some(b)) = (b_crashed, side_b.borrow().as_ref()) {
                side::respawn(b, after);
            }
        })
    };
    let on_compare = {
        let (side_a, side_b, editing_b, dispatch_b, dash_tab) = (
            side_a.clone(),
            side_b.clone(),
            editing_b.clone(),
            state_b.dispatcher(),
            dash_tab.clone(),
        );
        Callback::from(move |_| {
            dash_tab.set(DashTab::Compare);
            let (file, toml) = side_a.borrow().current.good.clone();
            let dispatch = dispatch_b.clone();
            let b = Side::new(
                file,
                toml,
                Callback::from(move |e: SideEvent| dispatch.dispatch(Action::from(e))),
            );
            side::spawn(&b);
            *side_b.borrow_mut() = Some(b);
            editing_b.set(true);
        })
    };
    let on_close_compare = {
        let (side_b, editing_b) = (side_b.clone(), editing_b.clone());
        Callback::from(move |_| {
            if let Some(b) = side_b.borrow_mut().take() {
                side::stop(&b);
            }
            editing_b.set(false);
        })
    };
    // B's worker loads asynchronously: once it has, A starts over too, and
    // both get the same speed, load and play state, so they run on one
    // clock, one seed and one load.
    {
        let (side_a, side_b, speed, multiplier) =
            (side_a.clone(), side_b.clone(), *speed, state.shown_multiplier());
        let playing = state.playing;
        let loaded = state_b.scenario.is_some();
        use_effect_with(state_b.scenario_key, move |_| {
            let b = side_b.borrow().clone().filter(|b| !b.borrow().from_link);
            if let (true, Some(b)) = (loaded, b.as_ref()) {
                let a = side_a.borrow();
                let b = b.borrow();
                a.send(&ToWorker::Restart { seed: None });
                for side in [&*a, &*b] {
                    side.send(&ToWorker::SetSpeed { speed });
                    side.send(&ToWorker::SetLoadMultiplier { multiplier });
                    if playing {
                        side.send(&ToWorker::Play);
                    }
                }
            }
        });
    }
    let open = {
        let (side_a, dispatch) = (side_a.clone(), state.dispatcher());
        Callback::from(move |file: String| {
            dispatch.dispatch(Action::ClearOpenError);
            let (side_a, dispatch) = (side_a.clone(), dispatch.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match fetch_text(&library::url(&file)).await {
                    Ok(toml) => side::open(&side_a, file, toml),
                    Err(message) => dispatch.dispatch(Action::Report(FromWorker::Error {
                        message: format!("could not open {file}: {message}"),
                    })),
                }
            });
        })
    };
    // A scenario file from the user's disk (picked or dropped): read, then
    // run like a library file (a file that cannot run is refused with every
    // problem listed, and the running scenario is kept).
    let open_file = {
        let (side_a, dispatch) = (side_a.clone(), state.dispatcher());
        Callback::from(move |file: web_sys::File| {
            dispatch.dispatch(Action::ClearOpenError);
            let (side_a, dispatch) = (side_a.clone(), dispatch.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let name = file.name();
                match JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string()) {
                    Some(toml) => side::open(&side_a, name, toml),
                    None => dispatch.dispatch(Action::Report(FromWorker::Error {
                        message: format!("could not read {name} as text"),
                    })),
                }
            });
        })
    };
    let on_import = {
        let open_file = open_file.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                input.set_value("");
                open_file.emit(file);
            }
        })
    };
    // An embedded player's link: the scenario as edited, seed and load, from
    // time zero.
    let shared_now = {
        let side_a = side_a.clone();
        let seed = state.scenario.as_ref().map(|s| s.seed);
        let load = state.shown_multiplier();
        move || {
            let (file, toml) = side_a.borrow().current.good.clone();
            let history = Vec::new();
            let a = share_link::Variant { file, toml, seed, time_ns: 0, load, history };
            share_link::Shared { a, b: None }
        }
    };
    // The link that reproduces the run (both variants while comparing),
    // recorded by the workers: the text at time zero, seed, load, the live
    // changes at their instants, and the time to run to.
    let on_share = {
        let (side_a, side_b, share_text, dispatch) =
            (side_a.clone(), side_b.clone(), share_text.clone(), state.dispatcher());
        Callback::from(move |_| {
            let (side_a, side_b) = (side_a.clone(), side_b.borrow().clone());
            let (share_text, dispatch) = (share_text.clone(), dispatch.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match store::share_runs(&side_a, side_b.as_ref()).await {
                    Ok((fragment, complete)) => {
                        browser::replace_hash(&fragment);
                        let url = format!("{}#{fragment}", browser::page_url());
                        let copied = browser::copy(&url).await;
                        let status = share_link::status(copied, complete, side_b.is_some());
                        share_text.set(Some((url, status)));
                    }
                    Err(message) => {
                        dispatch.dispatch(Action::Report(FromWorker::Error { message }))
                    }
                }
            });
        })
    };
    let on_embed = {
        let (shared_now, embed_snippet, dispatch) =
            (shared_now.clone(), embed_snippet.clone(), state.dispatcher());
        let name = state.scenario.as_ref().map(|s| s.name.clone()).unwrap_or_default();
        Callback::from(move |_| {
            let shared = shared_now();
            let (embed_snippet, dispatch, name) =
                (embed_snippet.clone(), dispatch.clone(), name.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match store::link_fragment(&shared).await {
                    Ok(fragment) => {
                        let base = browser::page_url();
                        let sep = if base.contains('?') { '&' } else { '?' };
                        let title =
                            name.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
                        embed_snippet.set(Some(format!(
                            "<iframe src=\"{base}{sep}embed=1#{fragment}\" width=\"760\" height=\"640\" style=\"border:1px solid #ddd;border-radius:8px\" title=\"scalesim: {title}\" loading=\"lazy\"></iframe>"
                        )));
                    }
                    Err(message) => {
                        dispatch.dispatch(Action::Report(FromWorker::Error { message }))
                    }
                }
            });
        })
    };
    let on_save = {
        let (side_a, save_name, saved, notice) =
            (side_a.clone(), save_name.clone(), saved.clone(), notice.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (file, toml) = side_a.borrow().current.good.clone();
            match store::save_as(&save_name, &file, &toml) {
                Ok(()) => {
                    notice.set(Some(format!("Saved as “{}”.", save_name.trim())));
                    saved.set(store::saved());
                }
                Err(message) => notice.set(Some(format!("Not saved: {message}."))),
            }
        })
    };
    let on_open_saved = {
        let (side_a, saved) = (side_a.clone(), saved.clone());
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(s) = saved.iter().find(|s| s.name == select.value()) {
                side::open(&side_a, s.file.clone(), s.toml.clone());
            }
            select.set_value("");
        })
    };
    let on_delete_saved = {
        let (saved, save_name, notice) = (saved.clone(), save_name.clone(), notice.clone());
        Callback::from(move |_| {
            let name = save_name.trim().to_owned();
            if saved.iter().any(|s| s.name == name) {
                store::delete(&name);
                saved.set(store::saved());
                notice.set(Some(format!("Deleted “{name}”.")));
            } else {
                notice.set(Some("Type the name of a saved scenario to delete it.".to_owned()));
            }
        })
    };
    let report_error = {
        let dispatch = state.dispatcher();
        move |r: Result<(), String>| {
            if let Err(message) = r {
                dispatch.dispatch(Action::Report(FromWorker::Error { message }));
            }
        }
    };
    let on_export_toml = {
        let (side_a, report_error) = (side_a.clone(), report_error.clone());
        Callback::from(move |_| {
            let (file, toml) = side_a.borrow().current.good.clone();
            let name = format!("{}.toml", export::stem(&file));
            report_error(browser::download_bytes(&name, "application/toml", toml.as_bytes()));
        })
    };
    let on_export_csv = {
        let (side_a, report_error) = (side_a.clone(), report_error.clone());
        let windows = state.history.windows.clone();
        let nodes = state.scenario.as_ref().map(|s| s.nodes.clone()).unwrap_or_default();
        Callback::from(move |_| {
            let csv = export::windows_csv(&windows, &nodes);
            let file = export::stem(&side_a.borrow().current.good.0).to_owned();
            report_error(browser::download_bytes(
                &format!("{file}-metrics.csv"),
                "text/csv",
                csv.as_bytes(),
            ));
        })
    };
    let on_export_summary = {
        let side_a = side_a.clone();
        Callback::from(move |_| side_a.borrow().send(&ToWorker::Summary))
    };
    let on_record = {
        let (side_a, notice, dispatch) = (side_a.clone(), notice.clone(), state.dispatcher());
        Callback::from(move |_| {
            let Some(canvas) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("topology"))
                .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok())
            else {
                return;
            };
            let name = format!("{}-topology.webm", export::stem(&side_a.borrow().current.good.0));
            let (notice, dispatch) = (notice.clone(), dispatch.clone());
            notice.set(Some("Recording 5 seconds of the topology…".to_owned()));
            wasm_bindgen_futures::spawn_local(async move {
                match browser::record(&canvas, 5, &name).await {
                    Ok(()) => notice.set(Some(format!("Recorded {name}."))),
                    Err(message) => {
                        notice.set(None);
                        dispatch.dispatch(Action::Report(FromWorker::Error { message }));
                    }
                }
            });
        })
    };
    // A scenario file dropped anywhere on the page opens like "Open a file".
    let on_drop = {
        let open_file = open_file.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(file) = e.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
                open_file.emit(file);
            }
        })
    };
    let on_drag_over = Callback::from(|e: DragEvent| e.prevent_default());
    let shown_file = state.scenario.as_ref().map_or(DEMO_FILE.to_owned(), |s| s.file.clone());
    let partner = LESSONS.iter().find_map(|l| match l.cure {
        Some(c) if l.file == shown_file => Some(("Open the cure", c)),
        Some(c) if c == shown_file => Some(("Open the problem", l.file)),
        _ => None,
    });
    let on_speed = {
        let (send, speed) = (send.clone(), speed.clone());
        Callback::from(move |s: Speed| {
            speed.set(s);
            send(ToWorker::SetSpeed { speed: s });
        })
    };
    let on_load = {
        let send = send.clone();
        Callback::from(move |m: f64| send(ToWorker::SetLoadMultiplier { multiplier: m }))
    };
    let on_step = {
        let send = send.clone();
        Callback::from(move |_| send(ToWorker::Step))
    };
    let on_restart = {
        let (send, seed_text) = (send.clone(), seed_text.clone());
        Callback::from(move |_| {
            send(ToWorker::Restart { seed: seed_text.trim().parse().ok() });
        })
    };
    let on_seed = {
        let seed_text = seed_text.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            seed_text.set(input.value());
        })
    };
    let on_change_text = {
        let change_text = change_text.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            change_text.set(input.value());
        })
    };
    let on_apply = {
        let (edited_side, change_text, dispatch) =
            (edited_side.clone(), change_text.clone(), state.dispatcher());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match change_text.split_once('=') {
                Some((path, value)) => {
                    side::set(&edited_side(), path.trim().to_owned(), value.trim().to_owned())
                }
                None => dispatch.dispatch(Action::Report(FromWorker::Error {
                    message: format!(
                        "a change is PATH = VALUE, e.g. api.replicas = 4 (got `{}`)",
                        *change_text
                    ),
                })),
            }
        })
    };
    let text_setter = |handle: UseStateHandle<String>| {
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            handle.set(input.value());
        })
    };
    let on_run_sweep = {
        let send = send.clone();
        Callback::from(move |command: ToWorker| send(command))
    };
    let on_cancel_sweep = {
        let (send, dispatch) = (send.clone(), state.dispatcher());
        Callback::from(move |()| {
            send(ToWorker::CancelSweep);
            dispatch.dispatch(Action::SweepCancelled);
        })
    };
    let on_sweep_form = {
        let sweep_form = sweep_form.clone();
        Callback::from(move |form: SweepForm| sweep_form.set(form))
    };
    let node_names = Rc::new(state.scenario.as_ref().map(|s| s.nodes.clone()).unwrap_or_default());
    let shown: Vec<usize> =
        (*chosen).clone().unwrap_or_else(|| (0..node_names.len().min(4)).collect());
    let shown_nodes: Vec<(usize, String)> =
        shown.iter().filter_map(|&i| node_names.get(i).map(|n| (i, n.clone()))).collect();
    let on_choose = {
        let chosen = chosen.clone();
        Callback::from(move |next: Vec<usize>| chosen.set(Some(next)))
    };
    let comparing = side_b.borrow().is_some();
    let selected_node = match &edited_state.selected {
        Some(Selection::Node(id)) => Some(id.clone()),
        Some(Selection::Call { node, .. }) => Some(node.clone()),
        _ => None,
    };
    let palette = ["service", "database", "cache", "queue", "external"].map(|kind| {
        let (on_edit, behind) = (on_edit.clone(), selected_node.clone());
        let onclick = Callback::from(move |_| {
            on_edit.emit(Edit::AddNode { kind: kind.to_owned(), position: None, behind: behind.clone() })
        });
        html! { <button class="palette-item" id={format!("add-{kind}")} {onclick} title={format!("Add a {kind}")}>{ format!("+ {kind}") }</button> }
    });
    let add_load = {
        let on_edit = on_edit.clone();
        let target = selected_node
            .clone()
            .or_else(|| edited_state.outline.nodes.first().map(|n| n.id.clone()));
        let onclick = Callback::from(move |_| {
            if let Some(target) = target.clone() {
                on_edit.emit(Edit::AddLoad { target, position: None })
            }
        });
        html! { <button class="palette-item" id="add-load" {onclick} title="Add a load into the selected component">{"+ load"}</button> }
    };
    let component_list = html! {
        <ComponentList outline={edited_state.outline.clone()} selected={edited_state.selected.clone()}
            on_select={on_select.clone()} />
    };
    let last_window = edited_state.history.windows.last().cloned();
    let variant_tabs = comparing.then(|| {
        let tab = |b: bool, label: &'static str| {
            let editing_b = editing_b.clone();
            let pressed = if *editing_b == b { "true" } else { "false" };
            html! { <button id={if b { "edit-b" } else { "edit-a" }} aria-pressed={pressed} onclick={Callback::from(move |_| editing_b.set(b))}>{ label }</button> }
        };
        html! {
            <span class="group" role="group" aria-label="Variant being edited">
                {"Editing "}{ tab(false, "A") }{ tab(true, "B") }
                <button id="close-compare" onclick={on_close_compare.clone()}>{"Close compare"}</button>
            </span>
        }
    });
    // Judged once a window, for the strip and the canvas alike.
    let saturated: Rc<Vec<insight::Saturation>> = {
        let windows = edited_state.history.windows.clone();
        use_memo(edited_state.history.version, move |_| insight::saturated(&windows[..]))
    };
    let editor = html! {
        <section class="stage" aria-label="Topology and editor">
            <div class="editor-bar">
                <span class="group palette" role="group" aria-label="Add a component">{ for palette }{ add_load }</span>
                <span class="group" role="group" aria-label="History">
                    <button id="undo" onclick={on_undo} disabled={!edited_state.edits.can_undo} title="Undo (Ctrl+Z)">{"Undo"}</button>
                    <button id="redo" onclick={on_redo} disabled={!edited_state.edits.can_redo} title="Redo (Ctrl+Shift+Z)">{"Redo"}</button>
                </span>
                if comparing {
                    { for variant_tabs }
                } else {
                    <button id="compare" onclick={on_compare} disabled={!state.ready}
                        title="Duplicate this design as variant B and run both side by side">{"Compare: duplicate as B"}</button>
                }
            </div>
            <TopologyCanvas
                outline={edited_state.outline.clone()}
                snapshot={edited_state.snapshot.clone()}
                window={last_window}
                playing={edited_state.playing}
                selected={edited_state.selected.clone()}
                on_select={on_select.clone()}
                on_edit={on_edit.clone()}
                scenario_key={edited_state.scenario_key * 2 + u64::from(*editing_b && comparing)}
                saturated={saturated.clone()} />
        </section>
    };
    let compare = comparing.then(|| {
        html! {
            <CompareView a={state.windows().clone()} b={state_b.windows().clone()}
                version={state.charted + state_b.charted} error_b={state_b.error.clone()} />
        }
    });
    let version = state.charted;
    let charts = {
        let windows = state.history.windows.clone();
        let nodes = shown_nodes.clone();
        use_memo((version, nodes), move |(_, nodes)| {
            let w = &windows[..];
            [
                Rc::new(chart_data::latency(w)),
                Rc::new(chart_data::throughput(w)),
                Rc::new(chart_data::utilization(w, nodes)),
                Rc::new(chart_data::queue(w, nodes)),
                Rc::new(chart_data::retries(w)),
                Rc::new(chart_data::cost(w)),
            ]
        })
    };
    let chart = |i: usize, id: &'static str, title: &'static str, y: &'static str| {
        let data: Rc<ChartData> = charts[i].clone();
        let delay_ms = 20 * i as i32;
        html! { <TimeChart id={id} title={title} y_desc={y} {data} version={version} {delay_ms} /> }
    };
    let last = state.history.windows.last();
    let sim_time = format!("{:.1} s", state.sim_time_ns as f64 / 1e9);
    if *embed {
        // The compact player for an <iframe>: topology, the main chart,
        // play, the load slider, and the way to the full app.
        let hash = browser::hash();
        let open_href = if share_link::looks_like_link(&hash) {
            format!("{}#{hash}", browser::page_url())
        } else {
            browser::page_url()
        };
        return html! {
            <main class="embed">
                <header class="embed-head">
                    <strong data-testid="scenario-name">{ state.scenario.as_ref().map(|s| s.name.clone()).unwrap_or_default() }</strong>
                    <a id="open-full" href={open_href} target="_blank" rel="noopener">{"Open in scalesim ↗"}</a>
                </header>
                if let Some(message) = state.open_error.as_ref().or(state.error.as_ref()) {
                    <div class="error" role="alert">{ message.clone() }</div>
                }
                <div class="embed-controls">
                    <button id="play" class="primary" onclick={on_play} disabled={!state.ready}>
                        { if state.playing { "Pause" } else { "Play" } }
                    </button>
                    <LoadSlider multiplier={state.shown_multiplier()} on_change={on_load.clone()} />
                    <span class="embed-stat">{"p99 "}<span data-testid="p99">{ format::maybe_duration_ms(insight::figures(&state.history.windows[..]).p99_ms) }</span></span>
                    <span class="embed-stat" data-testid="sim-time">{ sim_time }</span>
                </div>
                <TopologyCanvas
                    outline={state.outline.clone()}
                    snapshot={state.snapshot.clone()}
                    window={last.cloned()}
                    playing={state.playing}
                    selected={state.selected.clone()}
                    on_select={on_select.clone()}
                    on_edit={on_edit.clone()}
                    editable={false}
                    scenario_key={state.scenario_key} />
                { chart(0, "latency-chart", "User latency per window", "latency (ms)") }
            </main>
        };
    }
    let priced = state.history.windows.iter().any(|w| w.cost_per_million > 0.0);
    let node_tabs = DashTab::visible(priced, comparing);
    let dash_shown = dash_tab.shown(&node_tabs);
    let dash_body = match dash_shown {
        DashTab::Nodes => html! {
            <>
                <NodeChooser names={node_names.clone()} shown={shown.clone()} on_change={on_choose} />
                { chart(2, "utilization-chart", "Utilization per node", "busy workers (%)") }
                if let Some(snap) = &state.snapshot {
                    <NodeStates snapshot={snap.clone()} names={node_names.clone()} />
                }
            </>
        },
        DashTab::Queues => html! {
            <>
                <NodeChooser names={node_names.clone()} shown={shown.clone()} on_change={on_choose} />
                { chart(3, "queue-chart", "Queue length per node", "requests waiting") }
            </>
        },
        DashTab::Retries => chart(
            4,
            "retries-chart",
            "Retries and amplification",
            "per second / visits per request",
        ),
        DashTab::Cost => chart(5, "cost-chart", "Cost per million requests", "cost / 10⁶ requests"),
        DashTab::Formulas => html! {
            <section class="formulas" aria-label="Formula check">
                <FormulaTable formulas={state.formulas.clone()} />
            </section>
        },
        DashTab::Compare => html! { <>{ for compare }</> },
        DashTab::Scaling => html! {
            <SweepPanel ready={state.ready} progress={state.sweep_progress} result={state.sweep.clone()}
                hint={state.scenario.as_ref().map(|s| AttrValue::from(s.sweep_hint.clone())).unwrap_or_default()}
                form={(*sweep_form).clone()} on_form={on_sweep_form} on_run={on_run_sweep} on_cancel={on_cancel_sweep} />
        },
    };
    let dash_tabs = {
        let (dash_tab, tabs) = (dash_tab.clone(), node_tabs.clone());
        let on_pick = Callback::from(move |i: usize| {
            if let Some(t) = tabs.get(i) {
                dash_tab.set(*t);
            }
        });
        let current = node_tabs.iter().position(|t| *t == dash_shown).unwrap_or(0);
        let tabs = node_tabs.iter().map(|t| (t.id(), t.label())).collect::<Vec<_>>();
        html! { <TabBar label="More charts" {tabs} {current} {on_pick} /> }
    };
    let side_tabs = {
        let handle = side_tab.clone();
        let on_pick = Callback::from(move |i: usize| handle.set(SideTab::ALL[i]));
        let current = SideTab::ALL.iter().position(|t| *t == *side_tab).unwrap_or(0);
        let tabs = SideTab::ALL.iter().map(|t| (t.id(), t.label())).collect::<Vec<_>>();
        html! { <TabBar label="Side panel" {tabs} {current} {on_pick} /> }
    };
    let view_tabs = View::ALL.iter().map(|&v| {
        let view = view.clone();
        let pressed = if *view == v { "true" } else { "false" };
        html! { <button id={format!("view-{}", v.key())} aria-pressed={pressed} onclick={Callback::from(move |_| view.set(v))}>{ v.label() }</button> }
    });
    let lesson_text = state.scenario.as_ref().map(|info| {
        html! {
            <>
                if let Some(d) = &info.description {
                    <p class="description">{ d.clone() }</p>
                }
                if let Some(w) = &info.watch {
                    <p><strong>{"Watch: "}</strong>{ w.clone() }</p>
                }
                if let Some(t) = &info.try_this {
                    <p><strong>{"Try: "}</strong>{ t.clone() }</p>
                }
            </>
        }
    });
    // Once the user has changed the design, the lesson describes what it
    // was, not what runs: it steps aside for the user's own.
    let diverged = state.edits.can_undo;
    let lesson = html! {
        <section class="lesson" aria-label="About this scenario">
            if let Some(info) = &state.scenario {
                if diverged {
                    <h2>{"Your design"}</h2>
                    <p class="muted" data-testid="diverged">{ format!("Edited from “{}”. Undo goes back step by step; the figures and charts are of your design.", info.name) }</p>
                    <details class="original">
                        <summary>{"The lesson it started from"}</summary>
                        { for lesson_text }
                    </details>
                } else {
                    <h2>{ info.name.clone() }</h2>
                    { for lesson_text }
                }
                if let Some((label, file)) = partner {
                    <button id="partner" onclick={ let open = open.clone(); Callback::from(move |_| open.emit(file.to_owned())) }>
                        { label }
                    </button>
                }
            }
            <ModelsPage />
        </section>
    };
    let inspector_tab = html! {
        <>
            <nav aria-label="Components">{ component_list }</nav>
            <Inspector
                outline={edited_state.outline.clone()}
                selected={edited_state.selected.clone()}
                on_edit={on_edit.clone()}
                on_select={on_select.clone()}
                refusal={edited_state.edits.refusal.clone()} />
            <form class="change" onsubmit={on_apply} aria-label="Live change">
                <label for="change">{"Live change"}</label>
                <input id="change" type="text" placeholder="api.replicas = 4"
                    value={(*change_text).clone()} oninput={on_change_text} />
                <button id="apply" type="submit" disabled={!state.ready}>{"Apply"}</button>
            </form>
        </>
    };
    let shown_multiplier = edited_state.shown_multiplier();
    html! {
        <main class="workbench" data-view={view.key()} ondrop={on_drop.clone()} ondragover={on_drag_over.clone()}>
            <header class="topbar">
                <h1 class="brand">{"scalesim"}</h1>
                <LibraryPicker shown_file={shown_file.clone()} on_pick={open.clone()} />
                <span class="transport" role="group" aria-label="Playback">
                    <button id="play" class="primary" onclick={on_play} disabled={!state.ready}>
                        { if state.playing { "Pause" } else { "Play" } }
                    </button>
                    <button id="step" onclick={on_step} disabled={!state.ready} title="Advance one window">{"Step"}</button>
                    <button id="restart" onclick={on_restart.clone()} disabled={!state.ready}
                        title="Start this scenario over at time zero, with the seed given">{"Restart"}</button>
                </span>
                <SpeedPicker speed={*speed} on_change={on_speed} />
                <LoadSlider multiplier={shown_multiplier} on_change={on_load} />
                <span class="clock" title="Simulated time"><span data-testid="sim-time">{ sim_time }</span></span>
                <span class="menus">
                    <details class="menu">
                        <summary id="menu-run">{"Seed ▾"}</summary>
                        <div class="menu-body">
                            <label class="seed">{"Seed "}
                                <input id="seed" type="number" min="0" inputmode="numeric"
                                    placeholder={state.scenario.as_ref().map(|s| s.seed.to_string()).unwrap_or_default()}
                                    value={(*seed_text).clone()} oninput={on_seed} />
                            </label>
                            <p class="muted">{"Restart runs again from zero with this seed."}</p>
                            <button id="reset" onclick={on_reset} title="Restart the worker">{"Restart the worker"}</button>
                        </div>
                    </details>
                    <details class="menu">
                        <summary id="menu-share">{"Share ▾"}</summary>
                        <div class="menu-body">
                            <button id="share" onclick={on_share} disabled={!state.ready}
                                title="A link that opens this scenario, seed and load where you are now">{"Copy link"}</button>
                            <button id="embed-button" onclick={on_embed} disabled={!state.ready}
                                title="An iframe snippet with a compact player of this scenario">{"Embed"}</button>
                            if let Some((url, status)) = &*share_text {
                                <div class="share-link">
                                    <input id="share-url" type="text" readonly=true value={url.clone()} aria-label="Share link" />
                                    <span data-testid="share-status">{ status.clone() }</span>
                                </div>
                            }
                            if let Some(snippet) = &*embed_snippet {
                                <div class="share-link">
                                    <textarea id="embed-snippet" readonly=true rows="4" aria-label="Embed snippet" value={snippet.clone()} />
                                </div>
                            }
                        </div>
                    </details>
                    <details class="menu">
                        <summary id="menu-file">{"File ▾"}</summary>
                        <div class="menu-body">
                            <label class="import">{"Open a file "}
                                <input id="import" type="file" accept=".toml,text/plain" onchange={on_import} />
                            </label>
                            <form class="save" onsubmit={on_save}>
                                <input id="save-name" type="text" placeholder="name" aria-label="Save as"
                                    value={(*save_name).clone()} oninput={text_setter(save_name.clone())} />
                                <button id="save" type="submit">{"Save"}</button>
                            </form>
                            <span class="row">
                                <select id="saved" aria-label="Saved scenarios" onchange={on_open_saved}>
                                    <option value="" selected=true>{ format!("Saved ({})…", saved.len()) }</option>
                                    { for saved.iter().map(|s| html! { <option value={s.name.clone()}>{ s.name.clone() }</option> }) }
                                </select>
                                <button id="delete-saved" onclick={on_delete_saved} title="Delete the saved scenario named in the box">{"Delete saved"}</button>
                            </span>
                            <span class="row" role="group" aria-label="Export">
                                {"Export "}
                                <button id="export-toml" onclick={on_export_toml} title="The scenario as edited, as the CLI reads it">{"TOML"}</button>
                                <button id="export-csv" onclick={on_export_csv} title="Every window's numbers">{"CSV"}</button>
                                <button id="export-summary" onclick={on_export_summary} disabled={!state.ready} title="The run so far, as scalesim run --json prints it">{"Summary JSON"}</button>
                                <button id="record" onclick={on_record} title="Five seconds of the animated topology as a WebM clip">{"Clip (5 s)"}</button>
                            </span>
                            if let Some(n) = &*notice {
                                <p class="notice" role="status">{ n.clone() }</p>
                            }
                        </div>
                    </details>
                </span>
            </header>
            <div class="strip">
                <FigureStrip name={state.scenario.as_ref().map(|s| AttrValue::from(s.name.clone())).unwrap_or_default()}
                    windows={edited_state.history.windows.clone()} version={edited_state.history.version}
                    names={node_names.clone()} variant={comparing.then(|| AttrValue::Static(if *editing_b { "B" } else { "A" }))}
                    events={edited_state.events} rolling={edited_state.rolling}
                    saturated={saturated.clone()} />
                if let Some(message) = state.crashed.as_ref().or(state_b.crashed.as_ref()) {
                    <div class="error crash" role="alert" data-testid="crash">
                        <p>{ message.clone() }</p>
                        <button id="respawn" onclick={ let r = on_respawn.clone(); Callback::from(move |_| r.emit(1.0)) }>{"Restart at 1× load"}</button>
                        if state.shown_multiplier() != 1.0 {
                            <button id="respawn-same" onclick={ let (r, m) = (on_respawn.clone(), state.shown_multiplier()); Callback::from(move |_| r.emit(m)) }>
                                { format!("Restart at {}", format::multiplier(state.shown_multiplier())) }
                            </button>
                        }
                    </div>
                }
                if let Some(message) = &state.open_error {
                    <div class="error link-error" role="alert">{ message.clone() }</div>
                }
                if let Some((message, overload)) = &state.stopped {
                    if *overload {
                        <div class="error overload" role="alert" data-testid="overload">
                            <p class="overload-head"><strong>{"The run stopped: more work piled up than a tab can hold."}</strong>
                                {" What it measured until then stays on screen. "}
                                <button id="restart-1x" onclick={on_restart.clone()}>{"Restart at 1× load"}</button></p>
                            <p class="overload-detail">{ message.clone() }</p>
                        </div>
                    } else {
                        <div class="error" role="alert">{ message.clone() }</div>
                    }
                }
                if let Some(message) = &state.error {
                    <div class="error" role="alert">{ message.clone() }</div>
                }
            </div>
            <nav class="views" aria-label="Views">{ for view_tabs }</nav>
            { editor }
            <aside class="side" aria-label="Lesson and inspector">
                { side_tabs }
                <div class="side-body" role="tabpanel" aria-labelledby={side_tab.id()}>
                    { match *side_tab { SideTab::Lesson => lesson, SideTab::Inspector => inspector_tab } }
                </div>
            </aside>
            <section class="dashboard" aria-label="Live charts">
                <div class="dash-cell">{ chart(0, "latency-chart", "User latency per window", "latency (ms)") }</div>
                <div class="dash-cell">{ chart(1, "throughput-chart", "Answers per second by outcome", "requests/s") }</div>
                <div class="dash-cell dash-more">
                    { dash_tabs }
                    <div class="dash-body" role="tabpanel" aria-labelledby={dash_shown.id()}>{ dash_body }</div>
                </div>
            </section>
        </main>
    }
}

/// Closes the open `details.menu` elements that `event` (a click outside
/// them, or Escape anywhere) dismisses.
fn close_menus(event: &web_sys::Event) {
    let escape = event.dyn_ref::<web_sys::KeyboardEvent>().map(|k| k.key() == "Escape");
    if escape == Some(false) {
        return;
    }
    let target = event.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(open) = document.query_selector_all("details.menu[open]") else { return };
    for i in 0..open.length() {
        let Some(menu) = open.item(i) else { continue };
        let inside = escape != Some(true) && menu.contains(target.as_ref());
        if !inside && let Ok(details) = menu.dyn_into::<web_sys::Element>() {
            let _ = details.remove_attribute("open");
        }
    }
}

/// Fetches a text file next to the page.
pub async fn fetch_text(url: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response =
        JsFuture::from(window.fetch_with_str(url)).await.map_err(|e| format!("{e:?}"))?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| "not a response")?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let text = response.text().map_err(|e| format!("{e:?}"))?;
    let text = JsFuture::from(text).await.map_err(|e| format!("{e:?}"))?;
    text.as_string().ok_or_else(|| "not text".to_owned())
}
