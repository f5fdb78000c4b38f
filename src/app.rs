//! The page: the library, playback controls, live numbers and charts,
//! fed by frames from the simulation worker.

use std::rc::Rc;

use scalesim_engine::coordination::UslFit;
use scalesim_engine::formula::FormulaCheck;
use scalesim_engine::{Snapshot, WindowReport};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::chart_data::{self, ChartData};
use crate::library::{self, LESSONS};
use crate::models_page::ModelsPage;
use crate::protocol::{FromWorker, LiveChange, ScenarioInfo, Speed, ToWorker};
use crate::time_chart::{History, TimeChart};
use crate::worker_client::SimWorker;

/// Windows kept for the chart; older ones scroll off.
const MAX_WINDOWS: usize = 3_600;
/// Wall milliseconds between chart redraws while playing.
const CHART_EVERY_MS: f64 = 250.0;

/// The scenario the page opens with (`scenarios/station.toml`): one service,
/// two workers, 75% busy; past about 1.33× the load it saturates. The page
/// hands the file's text to the worker, which parses it: the TOML parser
/// lives in the worker's bundle only.
pub const DEMO_FILE: &str = "station.toml";
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
    /// The loaded scenario's title and explanation.
    scenario: Option<ScenarioInfo>,
    /// The latest formula check.
    formulas: Vec<FormulaCheck>,
    /// A sweep's progress `(done, total)` while it runs.
    sweep_progress: Option<(u32, u32)>,
    /// The last sweep's curve.
    sweep: Option<Rc<SweepResult>>,
    /// Node states and in-flight sample, as of the last frame.
    snapshot: Option<Rc<Snapshot>>,
    /// The history version the charts show.
    charted: u64,
    /// When they were last redrawn.
    charted_at_ms: f64,
}

/// A finished sweep, as the page keeps it.
#[derive(Debug, PartialEq)]
struct SweepResult {
    param: String,
    latency: Rc<ChartData>,
    goodput: Rc<ChartData>,
    knee: Option<f64>,
    usl: Option<UslFit>,
}

enum Action {
    Report(FromWorker),
    Restarted,
    SweepCancelled,
}

/// The scenario the worker runs (or is asked to), kept so that a restarted
/// worker gets the user's last good scenario back.
#[derive(Clone, Debug)]
struct Current {
    /// Last loaded successfully: `(file, toml)`.
    good: (String, String),
    /// Sent, not yet confirmed.
    pending: Option<(String, String)>,
}

impl Default for Current {
    fn default() -> Self {
        Current { good: (DEMO_FILE.to_owned(), DEMO_TOML.to_owned()), pending: None }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Report(FromWorker::Ready) => next.ready = true,
            Action::Report(FromWorker::Loaded(info)) => {
                next = AppState { ready: next.ready, scenario: Some(info), ..AppState::default() };
            }
            Action::Report(FromWorker::Frame(frame)) => {
                next.playing = frame.playing;
                next.sim_time_s = frame.sim_time_s;
                next.events = frame.events;
                next.load_multiplier = frame.load_multiplier;
                if let Some(formulas) = frame.formulas {
                    next.formulas = formulas;
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
                }));
            }
            Action::SweepCancelled => next.sweep_progress = None,
            Action::Report(FromWorker::Applied { .. }) => next.error = None,
            Action::Restarted => {
                next =
                    AppState { error: next.error, scenario: next.scenario, ..AppState::default() };
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
    let current = use_mut_ref(Current::default);
    let speed = use_state(Speed::default);
    // Nodes shown in the per-node charts (by index); `None` = the first four.
    let chosen = use_state(|| None::<Vec<usize>>);
    let seed_text = use_state(String::new);
    let change_text = use_state(String::new);
    // The sweep form: `None` = the scenario's suggestion.
    let sweep_param = use_state(|| None::<String>);
    let sweep_runs = use_state(|| "2".to_owned());
    let sweep_secs = use_state(|| "20".to_owned());
    let multiplier = use_state(|| 1.0_f64);

    {
        let (worker, current) = (worker.clone(), current.clone());
        let dispatch = state.dispatcher();
        use_effect_with((), move |_| {
            spawn_worker(&worker, &current, dispatch);
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
        let (worker, current, dispatch, multiplier) =
            (worker.clone(), current.clone(), state.dispatcher(), multiplier.clone());
        Callback::from(move |_| {
            multiplier.set(1.0);
            dispatch.dispatch(Action::Restarted);
            spawn_worker(&worker, &current, dispatch.clone());
        })
    };
    let open = {
        let (worker, current, dispatch, multiplier) =
            (worker.clone(), current.clone(), state.dispatcher(), multiplier.clone());
        Callback::from(move |file: String| {
            multiplier.set(1.0);
            let (worker, current, dispatch) = (worker.clone(), current.clone(), dispatch.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match fetch_text(&library::url(&file)).await {
                    Ok(toml) => {
                        current.borrow_mut().pending = Some((file.clone(), toml.clone()));
                        if let Some(w) = worker.borrow().as_ref() {
                            w.send(&ToWorker::Load { file, toml });
                        }
                    }
                    Err(message) => dispatch.dispatch(Action::Report(FromWorker::Error {
                        message: format!("could not open {file}: {message}"),
                    })),
                }
            });
        })
    };
    let on_pick = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            open.emit(select.value());
        })
    };
    let shown_file = state.scenario.as_ref().map_or(DEMO_FILE.to_owned(), |s| s.file.clone());
    let options = LESSONS.iter().flat_map(|l| {
        let problem = html! {
            <option value={l.file} selected={shown_file == l.file}>{ l.title }</option>
        };
        let cure = l.cure.map(|c| html! {
            <option value={c} selected={shown_file == c}>{ format!("{} (cured)", l.title) }</option>
        });
        std::iter::once(problem).chain(cure)
    });
    let partner = LESSONS.iter().find_map(|l| match l.cure {
        Some(c) if l.file == shown_file => Some(("Open the cure", c)),
        Some(c) if c == shown_file => Some(("Open the problem", l.file)),
        _ => None,
    });
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

    let on_step = {
        let send = send.clone();
        Callback::from(move |_| send(ToWorker::Step))
    };
    let on_restart = {
        let (send, seed_text, multiplier) = (send.clone(), seed_text.clone(), multiplier.clone());
        Callback::from(move |_| {
            multiplier.set(1.0);
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
        let (send, change_text, dispatch) = (send.clone(), change_text.clone(), state.dispatcher());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match change_text.split_once('=') {
                Some((path, value)) => send(ToWorker::Apply {
                    change: LiveChange::Set {
                        path: path.trim().to_owned(),
                        value: value.trim().to_owned(),
                    },
                }),
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
    let param_value = (*sweep_param).clone().unwrap_or_else(|| {
        state.scenario.as_ref().map(|s| s.sweep_hint.clone()).unwrap_or_default()
    });
    let on_sweep_param = {
        let sweep_param = sweep_param.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            sweep_param.set(Some(input.value()));
        })
    };
    let on_sweep = {
        let (send, param, runs, secs) =
            (send.clone(), param_value.clone(), sweep_runs.clone(), sweep_secs.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            send(ToWorker::Sweep {
                param: param.trim().to_owned(),
                runs: runs.trim().parse().unwrap_or(1),
                duration_s: secs.trim().parse().ok(),
            });
        })
    };
    let on_cancel_sweep = {
        let (send, dispatch) = (send.clone(), state.dispatcher());
        Callback::from(move |_| {
            send(ToWorker::CancelSweep);
            dispatch.dispatch(Action::SweepCancelled);
        })
    };
    let sweep_view = state.sweep.clone().map(|r| {
        let x = r.param.split('=').next().unwrap_or_default().to_owned();
        html! {
            <>
                <p data-testid="knee">{ match r.knee {
                    Some(v) => format!("Knee at {x} = {v}: p99 past three times its first value, or goodput under 95% of offered."),
                    None => "No knee in this range.".to_owned(),
                } }</p>
                if let Some(fit) = r.usl {
                    <p data-testid="usl">{ format!(
                        "Universal Scalability Law fit: contention σ = {:.3}, coherency κ = {:.4}, throughput peaks at N* = {:.1}, one unit serves {:.0} req/s.",
                        fit.contention, fit.coherency, fit.peak, fit.x1
                    ) }</p>
                }
                <TimeChart id="sweep-latency-chart" title="p99 along the sweep" y_desc="p99 (ms)"
                    x_desc={x.clone()} data={r.latency.clone()} version={0} />
                <TimeChart id="sweep-goodput-chart" title="Goodput along the sweep" y_desc="requests/s"
                    x_desc={x} data={r.goodput.clone()} version={0} />
            </>
        }
    });
    let node_names = state.scenario.as_ref().map(|s| s.nodes.clone()).unwrap_or_default();
    let shown: Vec<usize> =
        (*chosen).clone().unwrap_or_else(|| (0..node_names.len().min(4)).collect());
    let shown_nodes: Vec<(usize, String)> =
        shown.iter().filter_map(|&i| node_names.get(i).map(|n| (i, n.clone()))).collect();
    let node_boxes = node_names.iter().enumerate().map(|(i, name)| {
        let checked = shown.contains(&i);
        let (chosen, shown) = (chosen.clone(), shown.clone());
        let onchange = Callback::from(move |_| {
            let mut next = shown.clone();
            if checked { next.retain(|&k| k != i) } else { next.push(i) }
            next.sort_unstable();
            chosen.set(Some(next));
        });
        html! {
            <label class="node-choice"><input type="checkbox" {checked} {onchange} />{ name.clone() }</label>
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
    let stat = |id: &'static str, label: &'static str, value: String| {
        html! { <div class="stat"><span class="label">{label}</span><span class="value" data-testid={id}>{value}</span></div> }
    };
    html! {
        <main>
            <header>
                <h1>{"scalesim"}</h1>
                <p class="tagline">{"Watch a system meet its load, and see why designs break at scale."}</p>
                <label class="library">
                    {"Library "}
                    <select id="library" aria-label="Scenario library" onchange={on_pick}>
                        { for options }
                    </select>
                </label>
            </header>
            if let Some(info) = &state.scenario {
                <section class="lesson" aria-label="About this scenario">
                    <h2 data-testid="scenario-name">{ info.name.clone() }</h2>
                    if let Some(d) = &info.description {
                        <p class="description">{ d.clone() }</p>
                    }
                    if let Some(w) = &info.watch {
                        <p><strong>{"Watch: "}</strong>{ w.clone() }</p>
                    }
                    if let Some(t) = &info.try_this {
                        <p><strong>{"Try: "}</strong>{ t.clone() }</p>
                    }
                    if let Some((label, file)) = partner {
                        <button id="partner" onclick={ let open = open.clone(); Callback::from(move |_| open.emit(file.to_owned())) }>
                            { label }
                        </button>
                    }
                </section>
            }
            if let Some(message) = &state.error {
                <div class="error" role="alert">{ message.clone() }</div>
            }
            <section class="controls" aria-label="Playback">
                <button id="play" class="primary" onclick={on_play} disabled={!state.ready}>
                    { if state.playing { "Pause" } else { "Play" } }
                </button>
                <button id="step" onclick={on_step} disabled={!state.ready}>{"Step"}</button>
                <button id="restart" onclick={on_restart} disabled={!state.ready}
                    title="Start this scenario over at time zero, with the seed given">{"Restart"}</button>
                <label class="seed">{"Seed "}
                    <input id="seed" type="number" min="0" inputmode="numeric"
                        placeholder={state.scenario.as_ref().map(|s| s.seed.to_string()).unwrap_or_default()}
                        value={(*seed_text).clone()} oninput={on_seed} />
                </label>
                <button id="reset" onclick={on_reset} title="Restart the worker">{"Reset"}</button>
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
            if let Some(snap) = &state.snapshot {
                <p class="node-states" data-testid="node-states">
                    { format!("Now: {} requests in flight (sample of {}). ", snap.nodes.iter().map(|n| n.in_flight).sum::<u64>(), snap.sample.len()) }
                    { for snap.nodes.iter().zip(&node_names).map(|(n, name)| html! {
                        <span class="node-state">{ if n.capacity > 0 {
                            format!("{name}: {}/{} busy, {} queued, {} replica{}", n.busy, n.capacity, n.queued, n.replicas, if n.replicas == 1 { "" } else { "s" })
                        } else {
                            format!("{name}: {} in flight", n.in_flight)
                        } }</span>
                    }) }
                </p>
            }
            <form class="change" onsubmit={on_apply} aria-label="Live change">
                <label>{"Live change "}
                    <input id="change" type="text" placeholder="api.replicas = 4"
                        value={(*change_text).clone()} oninput={on_change_text} />
                </label>
                <button id="apply" type="submit" disabled={!state.ready}>{"Apply"}</button>
            </form>
            <section class="charts" aria-label="Live charts">
                { chart(0, "latency-chart", "User latency per window", "latency (ms)") }
                { chart(1, "throughput-chart", "Answers per second by outcome", "requests/s") }
                <fieldset class="node-chooser"><legend>{"Nodes in the per-node charts"}</legend>
                    { for node_boxes }
                </fieldset>
                { chart(2, "utilization-chart", "Utilization per node", "busy workers (%)") }
                { chart(3, "queue-chart", "Queue length per node", "requests waiting") }
                { chart(4, "retries-chart", "Retries and amplification", "per second / visits per request") }
                { chart(5, "cost-chart", "Cost per million requests", "cost / 10⁶ requests") }
            </section>
            <section class="sweep" aria-label="Scaling curve">
                <h2>{"Scaling curve"}</h2>
                <form onsubmit={on_sweep}>
                    <label>{"Sweep "}
                        <input id="sweep-param" type="text" value={param_value}
                            oninput={on_sweep_param} placeholder="load.users.rate=100..2000:8" />
                    </label>
                    <label>{"runs a point "}
                        <input id="sweep-runs" type="number" min="1" max="10" value={(*sweep_runs).clone()}
                            oninput={text_setter(sweep_runs.clone())} />
                    </label>
                    <label>{"seconds a run "}
                        <input id="sweep-seconds" type="number" min="1" value={(*sweep_secs).clone()}
                            oninput={text_setter(sweep_secs.clone())} />
                    </label>
                    <button id="sweep-run" type="submit"
                        disabled={!state.ready || state.sweep_progress.is_some()}>{"Run sweep"}</button>
                </form>
                if let Some((done, total)) = state.sweep_progress {
                    <div class="sweep-progress">
                        <progress id="sweep-progress" max={total.to_string()} value={done.to_string()}></progress>
                        <span data-testid="sweep-progress">{ format!("{done} / {total} runs") }</span>
                        <button id="sweep-cancel" onclick={on_cancel_sweep}>{"Cancel"}</button>
                    </div>
                }
                { for sweep_view }
            </section>
            <section class="formulas" aria-label="Formula check">
                <h2>{"Formula check"}</h2>
                if state.formulas.is_empty() {
                    <p class="muted">{"Closed forms appear here once the run is past its warm-up, for the nodes where one applies."}</p>
                } else {
                    <table data-testid="formulas">
                        <thead><tr><th>{"node"}</th><th>{"formula"}</th><th>{"theory"}</th><th>{"simulated"}</th><th>{"difference"}</th></tr></thead>
                        <tbody>
                            { for state.formulas.iter().map(|f| html! {
                                <tr>
                                    <td>{ f.node.clone() }</td>
                                    <td>{ f.formula.clone() }</td>
                                    <td>{ format!("{:.4} {}", f.theory, f.unit) }</td>
                                    <td>{ format!("{:.4} {}", f.simulated, f.unit) }</td>
                                    <td>{ if f.theory != 0.0 { format!("{:+.1}%", (f.simulated / f.theory - 1.0) * 100.0) } else { "–".to_owned() } }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
            </section>
            <ModelsPage />
        </main>
    }
}

/// Fetches a text file next to the page.
async fn fetch_text(url: &str) -> Result<String, String> {
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

type CurrentSlot = Rc<std::cell::RefCell<Current>>;

/// Starts a fresh worker (terminating any previous one); when it is ready it
/// gets the last good scenario. A worker crash is reported, then a fresh
/// worker takes over with that scenario, so nothing the user chose is lost.
fn spawn_worker(
    slot: &Rc<std::cell::RefCell<Option<SimWorker>>>,
    current: &CurrentSlot,
    dispatch: UseReducerDispatcher<AppState>,
) {
    drop(slot.borrow_mut().take());
    let weak = Rc::downgrade(slot);
    let current = current.clone();
    let on_fail = dispatch.clone();
    let on_report = Callback::from(move |report: FromWorker| {
        let Some(slot) = weak.upgrade() else { return };
        match &report {
            FromWorker::Ready => {
                let (file, toml) = current.borrow().good.clone();
                if let Some(w) = slot.borrow().as_ref() {
                    w.send(&ToWorker::Load { file, toml });
                }
            }
            FromWorker::Loaded(info) => {
                let mut c = current.borrow_mut();
                if let Some(pending) = c.pending.take().filter(|(f, _)| *f == info.file) {
                    c.good = pending;
                }
            }
            FromWorker::Error { message }
                if message.starts_with("the simulation worker failed") =>
            {
                current.borrow_mut().pending = None;
                dispatch.dispatch(Action::Report(report.clone()));
                dispatch.dispatch(Action::Restarted);
                spawn_worker(&slot, &current, dispatch.clone());
                return;
            }
            FromWorker::Applied { toml } => current.borrow_mut().good.1 = toml.clone(),
            FromWorker::Error { .. } => current.borrow_mut().pending = None,
            _ => {}
        }
        dispatch.dispatch(Action::Report(report));
    });
    match SimWorker::spawn(on_report) {
        Ok(w) => *slot.borrow_mut() = Some(w),
        Err(message) => on_fail.dispatch(Action::Report(FromWorker::Error { message })),
    }
}
