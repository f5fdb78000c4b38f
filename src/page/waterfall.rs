//! The Request tab beside the topology: pick a request ("the slowest of
//! this window", or one of its sampled requests) and read its waterfall,
//! one row a span, the critical path marked; its path is lit on the canvas
//! (the page passes [`crate::waterfall::lit_path`] of the picked trace to
//! it). Rows are HTML text with their bars, so a screen reader reads each
//! span's label, times and outcome.
//!
//! The canvas's moving dots are not requests (a capped pool drawn in
//! proportion to each edge's traffic, `canvas/dots`), so a dot cannot be
//! clicked for its trace: the picks here are real requests of the run.

use std::rc::Rc;

use scalesim_engine::trace::Trace;
use yew::prelude::*;

use crate::waterfall::{self, ms_text};

#[derive(Properties, PartialEq)]
pub struct WaterfallProps {
    /// The latest window's picks (slowest first), from the worker.
    pub picks: Rc<Vec<Trace>>,
    /// The request shown, if one was picked.
    pub picked: Option<Rc<Trace>>,
    pub on_pick: Callback<Option<Rc<Trace>>>,
    /// Node and load ids in file order (what a trace's indices mean).
    pub nodes: Rc<Vec<String>>,
    pub loads: Rc<Vec<String>>,
    /// Requests are being traced, and whether they can be (a run loaded).
    pub tracing: bool,
    pub on_tracing: Callback<bool>,
}

/// The Request tab.
#[function_component(RequestPanel)]
pub fn request_panel(props: &WaterfallProps) -> Html {
    let pick = |i: usize| {
        let (picks, on_pick) = (props.picks.clone(), props.on_pick.clone());
        Callback::from(move |_| on_pick.emit(picks.get(i).cloned().map(Rc::new)))
    };
    let slowest = props.picks.first().filter(|t| t.slowest);
    let sampled = props.picks.iter().position(|t| t.sampled && !t.slowest);
    let on_clear = {
        let on_pick = props.on_pick.clone();
        Callback::from(move |_| on_pick.emit(None))
    };
    let on_toggle = {
        let (on, cb) = (props.tracing, props.on_tracing.clone());
        Callback::from(move |_| cb.emit(!on))
    };
    let body = match &props.picked {
        Some(trace) => view(&waterfall::waterfall(trace, &props.nodes, &props.loads)),
        None if !props.tracing => html! {
            <p class="muted">{"Traces are off. Turn them on to pick a request and see where its time went."}</p>
        },
        None if props.picks.is_empty() => html! {
            <p class="muted">{"Press Play: once a window closes, its slowest request can be opened here."}</p>
        },
        None => html! {
            <p class="muted">{"Pick a request to see its waterfall and light its path on the topology."}</p>
        },
    };
    html! {
        <section class="request-panel" aria-label="One request's trace">
            <div class="request-picks" role="group" aria-label="Pick a request">
                <button id="pick-slowest" disabled={slowest.is_none()} onclick={pick(0)}
                    title="The slowest answered request of the latest window">{"Slowest request of this window"}</button>
                <button id="pick-sampled" disabled={sampled.is_none()} onclick={pick(sampled.unwrap_or(0))}
                    title="A request drawn at random from the latest window">{"A sampled request"}</button>
                if props.picked.is_some() {
                    <button id="pick-clear" onclick={on_clear} title="Stop showing this request">{"Clear"}</button>
                }
            </div>
            { body }
            <label class="trace-toggle">
                <input id="traces-on" type="checkbox" checked={props.tracing} onchange={on_toggle} />
                {" Trace requests (the run is the same either way; tracing costs speed)"}
            </label>
            <p class="muted small">{"The moving dots show each call's traffic, not single requests: pick a request with the buttons above."}</p>
        </section>
    }
}

/// The waterfall's rows.
fn view(w: &waterfall::Waterfall) -> Html {
    let path =
        if w.critical_nodes.is_empty() { "–".to_owned() } else { w.critical_nodes.join(" → ") };
    let rows = w.rows.iter().map(|r| {
        let class = classes!("wf-row", r.class, r.critical.then_some("critical"));
        let bar_style = format!("left: {:.2}%; width: max({:.2}%, 2px)", r.left_pct, r.width_pct);
        let phases = r.phases.map(|[q, s, c]| {
            html! {
                <>
                    <span class="wf-phase queued" style={format!("width: {q:.2}%")}></span>
                    <span class="wf-phase service" style={format!("width: {s:.2}%")}></span>
                    <span class="wf-phase calls" style={format!("width: {c:.2}%")}></span>
                </>
            }
        });
        html! {
            <li {class} style={format!("--depth: {}", r.depth.min(12))}>
                <span class="wf-label">
                    if r.critical { <span class="wf-mark" aria-hidden="true">{"●"}</span> }
                    { r.label.clone() }
                </span>
                <span class="wf-ms">{ ms_text(r.ms) }</span>
                <span class="wf-track" aria-hidden="true">
                    <span class="wf-bar" style={bar_style}>{ for phases }</span>
                </span>
                <span class="visually-hidden">{ format!(": {}", r.detail) }</span>
            </li>
        }
    });
    html! {
        <div class="waterfall" id="waterfall">
            <h2 id="waterfall-title">{ w.title.clone() }</h2>
            <p class="wf-path" data-testid="critical-path">{ format!("Critical path: {path}") }</p>
            <p class="wf-key muted small">
                <span class="wf-mark" aria-hidden="true">{"●"}</span>{"on the critical path · bar shades: "}
                <span class="wf-key-swatch queued"></span>{"queued "}
                <span class="wf-key-swatch service"></span>{"in service "}
                <span class="wf-key-swatch calls"></span>{"waiting on calls"}
            </p>
            <ol class="wf-rows" aria-labelledby="waterfall-title">{ for rows }</ol>
            if w.hidden > 0 {
                <p class="muted small">{ format!("{} more spans not shown.", w.hidden) }</p>
            }
            if w.truncated {
                <p class="muted small">{"This trace reached its bound on spans: its later spans were not recorded."}</p>
            }
            <p class="muted small">{ format!("Bars sit on the request's own time line, 0 to {}.", ms_text(w.latency_ms)) }</p>
        </div>
    }
}
