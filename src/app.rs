//! The page: playback controls, the live numbers, and the latency chart,
//! fed by frames from the simulation worker.

use std::rc::Rc;

use scalesim_engine::WindowReport;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::latency_chart::{History, LatencyChart};
use crate::protocol::{FromWorker, Speed, ToWorker};
use crate::worker_client::SimWorker;

/// Windows kept for the chart; older ones scroll off.
const MAX_WINDOWS: usize = 3_600;

/// The scenario the page opens with (`scenarios/station.toml`): one service,
/// two workers, 75% busy; past about 1.33× the load it saturates. The page
/// hands the file's text to the worker, which parses it: the TOML parser
/// lives in the worker's bundle only.
pub const DEMO_FILE: &str = "scenarios/station.toml";
/// The text of [`DEMO_FILE`].
pub const DEMO_TOML: &str = include_str!("../scenarios/station.toml");

#[derive(Clone, Debug, Default, PartialEq)]
struct AppState {
    ready: bool,
    playing: bool,
    sim_time_s: f64,
    events: u64,
    load_multiplier: f64,
    history: History,
    error: Option<String>,
}

enum Action {
    Report(FromWorker),
    Restarted,
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Report(FromWorker::Ready) => next.ready = true,
            Action::Report(FromWorker::Frame(frame)) => {
                next.playing = frame.playing;
                next.sim_time_s = frame.sim_time_s;
                next.events = frame.events;
                next.load_multiplier = frame.load_multiplier;
                if !frame.windows.is_empty() {
                    let mut windows: Vec<WindowReport> = (*next.history.windows).clone();
                    windows.extend(frame.windows);
                    let excess = windows.len().saturating_sub(MAX_WINDOWS);
                    windows.drain(..excess);
                    next.history =
                        History { version: next.history.version + 1, windows: Rc::new(windows) };
                }
            }
            Action::Report(FromWorker::Error { message }) => {
                next.error = Some(message);
                next.playing = false;
            }
            Action::Restarted => {
                next = AppState { error: next.error, ..AppState::default() };
            }
        }
        Rc::new(next)
    }
}

/// The root component.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::default);
    let worker = use_mut_ref(|| None::<SimWorker>);
    let speed = use_state(Speed::default);
    let multiplier = use_state(|| 1.0_f64);

    {
        let worker = worker.clone();
        let dispatch = state.dispatcher();
        use_effect_with((), move |_| {
            spawn_worker(&worker, dispatch);
            move || drop(worker.borrow_mut().take())
        });
    }

    let send = {
        let worker = worker.clone();
        move |command: ToWorker| {
            if let Some(w) = worker.borrow().as_ref() {
                w.send(&command);
            }
        }
    };
    let on_play = {
        let send = send.clone();
        let playing = state.playing;
        Callback::from(move |_| send(if playing { ToWorker::Pause } else { ToWorker::Play }))
    };
    let on_reset = {
        let (worker, dispatch, multiplier) =
            (worker.clone(), state.dispatcher(), multiplier.clone());
        Callback::from(move |_| {
            multiplier.set(1.0);
            dispatch.dispatch(Action::Restarted);
            spawn_worker(&worker, dispatch.clone());
        })
    };
    let speed_buttons = Speed::ALL.iter().map(|&s| {
        let pressed = if *speed == s { "true" } else { "false" };
        let (send, speed) = (send.clone(), speed.clone());
        let onclick = Callback::from(move |_| {
            speed.set(s);
            send(ToWorker::SetSpeed { speed: s });
        });
        html! { <button class="speed" aria-pressed={pressed} {onclick}>{ s.label() }</button> }
    });
    let on_load = {
        let (send, multiplier) = (send.clone(), multiplier.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(exponent) = input.value().parse::<f64>() {
                let m = 10f64.powf(exponent);
                multiplier.set(m);
                send(ToWorker::SetLoadMultiplier { multiplier: m });
            }
        })
    };

    let last = state.history.windows.last();
    let stat = |id: &'static str, label: &'static str, value: String| {
        html! { <div class="stat"><span class="label">{label}</span><span class="value" data-testid={id}>{value}</span></div> }
    };
    html! {
        <main>
            <header>
                <h1>{"scalesim"}</h1>
                <p class="tagline">{"Watch a system meet its load. Demo: one service, two workers, 1 ms exponential service time."}</p>
            </header>
            if let Some(message) = &state.error {
                <div class="error" role="alert">{ message.clone() }</div>
            }
            <section class="controls" aria-label="Playback">
                <button id="play" class="primary" onclick={on_play} disabled={!state.ready}>
                    { if state.playing { "Pause" } else { "Play" } }
                </button>
                <button id="reset" onclick={on_reset}>{"Reset"}</button>
                <span class="group" role="group" aria-label="Speed">{ for speed_buttons }</span>
                <label class="load">
                    {"Load "}
                    <input id="load-multiplier" type="range" min="0" max="3" step="0.01"
                        value={format!("{}", multiplier.log10())} oninput={on_load} />
                    <span data-testid="load-multiplier">{ format!("{:.2}×", *multiplier) }</span>
                </label>
            </section>
            <section class="stats" aria-label="Live numbers">
                { stat("sim-time", "simulated time", format!("{:.1} s", state.sim_time_s)) }
                { stat("events", "events", state.events.to_string()) }
                { stat("windows", "windows", state.history.windows.len().to_string()) }
                { stat("rate", "offered", last.map_or("–".into(), |w| format!("{:.0} req/s", w.requests.offered as f64 / (w.end_s - w.start_s)))) }
                { stat("p50", "p50 (last window)", last.map_or("–".into(), |w| format!("{:.2} ms", w.latency_ms.p50))) }
                { stat("p99", "p99 (last window)", last.map_or("–".into(), |w| format!("{:.2} ms", w.latency_ms.p99))) }
                { stat("throughput", "throughput", last.map_or("–".into(), |w| format!("{:.0} req/s", w.throughput_rps))) }
                { stat("utilization", "utilization", last.and_then(|w| w.nodes.first()).map_or("–".into(), |n| format!("{:.0}%", n.utilization * 100.0))) }
            </section>
            <section class="chart">
                <LatencyChart history={state.history.clone()} />
            </section>
        </main>
    }
}

/// Starts a fresh worker (terminating any previous one); when it is ready it
/// gets the demo config. A worker crash is reported, then a fresh worker
/// takes over so the page keeps working.
fn spawn_worker(
    slot: &Rc<std::cell::RefCell<Option<SimWorker>>>,
    dispatch: UseReducerDispatcher<AppState>,
) {
    drop(slot.borrow_mut().take());
    let weak = Rc::downgrade(slot);
    let on_fail = dispatch.clone();
    let on_report = Callback::from(move |report: FromWorker| {
        let Some(slot) = weak.upgrade() else { return };
        match &report {
            FromWorker::Ready => {
                if let Some(w) = slot.borrow().as_ref() {
                    w.send(&ToWorker::Load {
                        file: DEMO_FILE.to_owned(),
                        toml: DEMO_TOML.to_owned(),
                    });
                }
            }
            FromWorker::Error { message }
                if message.starts_with("the simulation worker failed") =>
            {
                dispatch.dispatch(Action::Report(report.clone()));
                dispatch.dispatch(Action::Restarted);
                spawn_worker(&slot, dispatch.clone());
                return;
            }
            _ => {}
        }
        dispatch.dispatch(Action::Report(report));
    });
    match SimWorker::spawn(on_report) {
        Ok(w) => *slot.borrow_mut() = Some(w),
        Err(message) => on_fail.dispatch(Action::Report(FromWorker::Error { message })),
    }
}
