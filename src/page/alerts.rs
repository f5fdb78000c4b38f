//! What went wrong, under the figure strip: a crashed worker (with a
//! restart at 1× or at the load it died at), a link that could not open, a
//! run stopped at the overload bound (with a restart at 1×) or in a loop,
//! and the last error in words; and, not an error, a run paused at its
//! scenario's end (with Continue), or paused past it (`end_notice`).

use scalesim_engine::sim::Overload;
use yew::prelude::*;

use crate::format;
use crate::overload_words::{self, Piece};

#[derive(Properties, PartialEq)]
pub struct AlertsProps {
    /// Why a worker died, in words.
    pub crashed: Option<String>,
    /// Why what the URL asked to open could not be opened.
    pub open_error: Option<String>,
    /// Why the run stopped for good, and what grew if at the overload
    /// bound.
    pub stopped: Option<(String, Option<Overload>)>,
    pub error: Option<String>,
    /// The load multiplier in force.
    pub multiplier: f64,
    /// Starts a fresh worker at this load multiplier.
    pub on_respawn: Callback<f64>,
    /// Starts the run over at time zero (at 1×).
    pub on_restart: Callback<MouseEvent>,
    /// The run paused at its scenario's end: the simulated seconds it lasts.
    #[prop_or_default]
    pub finished: Option<f64>,
    /// Plays on past the end.
    #[prop_or_default]
    pub on_continue: Callback<MouseEvent>,
    /// The run is paused past its scenario's end (continued there, or
    /// opened from a link that was): `(end_s, now_s)`.
    #[prop_or_default]
    pub past_end: Option<(f64, f64)>,
    /// Why the last edit started the run over, if it did.
    #[prop_or_default]
    pub started_over: Option<String>,
    /// Opens a component (by id) in the inspector, where the overload's
    /// remedies are fields.
    #[prop_or_default]
    pub on_inspect: Callback<String>,
}

/// The page's alerts.
#[function_component(Alerts)]
pub fn alerts(props: &AlertsProps) -> Html {
    let respawn = |load: f64| {
        let r = props.on_respawn.clone();
        Callback::from(move |_| r.emit(load))
    };
    let crash = props.crashed.as_ref().map(|message| {
        html! {
            <div class="error crash" role="alert" data-testid="crash">
                <p>{ message.clone() }</p>
                <button id="respawn" onclick={respawn(1.0)}>{"Restart at 1× load"}</button>
                if props.multiplier != 1.0 {
                    <button id="respawn-same" onclick={respawn(props.multiplier)}>
                        { format!("Restart at {}", format::multiplier(props.multiplier)) }
                    </button>
                }
            </div>
        }
    });
    // The overload's panel is a line with its restart; what grew and what
    // would bound it opens below, so on a phone it covers little. Hidden,
    // it is a short line over the canvas's foot (the window's on a phone).
    let hidden = use_state_eq(|| false);
    {
        // Each stop shows its panel whole, whatever the last one's was.
        let hidden = hidden.clone();
        use_effect_with(props.stopped.is_some(), move |_| hidden.set(false));
    }
    let toggle = {
        let hidden = hidden.clone();
        Callback::from(move |_: MouseEvent| hidden.set(!*hidden))
    };
    let stopped = props.stopped.as_ref().map(|(message, overload)| match overload {
        Some(_) if *hidden => html! {
            <div class="error overload hidden" role="alert" data-testid="overload">
                <strong>{"Run stopped."}</strong>
                <button id="overload-show" onclick={toggle.clone()} aria-expanded="false">{"Why?"}</button>
                <button id="restart-1x" onclick={props.on_restart.clone()} aria-label="Restart at 1× load">{"Restart at 1×"}</button>
            </div>
        },
        Some(overload) => html! {
            <div class="error overload" role="alert" data-testid="overload">
                <p class="overload-head"><strong>{"The run stopped: more work piled up than a tab can hold."}</strong>
                    <span class="overload-kept">{" What it measured until then stays on screen."}</span>
                    <button id="restart-1x" onclick={props.on_restart.clone()}>{"Restart at 1× load"}</button>
                    <button id="overload-hide" class="close" onclick={toggle.clone()} aria-label="Hide this message">{"×"}</button></p>
                <details class="overload-more">
                    <summary>{ overload_words::grown_line(overload) }</summary>
                    { overload_detail(overload, &props.on_inspect) }
                </details>
            </div>
        },
        None => html! { <div class="error" role="alert">{ message.clone() }</div> },
    });
    let finished = props.finished.map(|end_s| {
        html! {
            <div class="notice finished" role="status" data-testid="finished">
                <strong>{ format!("Finished at {}", format::clock(end_s)) }</strong>
                { ", the scenario's duration (scalesim run stops there too)." }
                <button id="continue" onclick={props.on_continue.clone()}>{"Continue past the end"}</button>
            </div>
        }
    });
    let past_end = props.past_end.map(|(end_s, now_s)| {
        html! {
            <div class="notice finished" role="status" data-testid="past-end">
                { crate::end_notice::past_end_words(end_s, now_s) }
                { " Play goes on from here; Restart starts it over at 0 s." }
            </div>
        }
    });
    let started_over = props.started_over.as_ref().map(|why| {
        html! {
            <div class="notice started-over" role="status" data-testid="started-over">
                <strong>{"The run started over at 0 s"}</strong>{ format!(": {why}.") }
            </div>
        }
    });
    let plain = |message: &Option<String>, class: &'static str| {
        message.as_ref().map(|m| html! { <div class={class} role="alert">{ m.clone() }</div> })
    };
    html! {
        <>
            { for crash }
            { for plain(&props.open_error, "error link-error") }
            { for stopped }
            { for finished }
            { for past_end }
            { for started_over }
            { for plain(&props.error, "error") }
        </>
    }
}

/// What grew, where, and what would bound it (`overload_words`).
fn overload_detail(overload: &Overload, on_inspect: &Callback<String>) -> Html {
    let words = overload_words::explain(overload);
    let nodes = words.nodes.iter().zip(&overload.nodes).map(|(n, grown)| {
        let remedies = n.remedies.iter().map(|r| html! { <li>{ pieces(r) }</li> });
        let id = grown.node.clone();
        let onclick = on_inspect.reform(move |_: MouseEvent| id.clone());
        html! {
            <li>{ n.sentence.clone() }
                if !n.remedies.is_empty() {
                    {" To bound it, any of these, each a field of the component in the inspector:"}
                    <ul class="overload-remedies">{ for remedies }</ul>
                }
                <button class="inspect" {onclick}>{ format!("Open {} in the inspector", grown.node) }</button>
            </li>
        }
    });
    html! {
        <div class="overload-detail">
            <p>{ words.summary }</p>
            if !words.nodes.is_empty() {
                <ul class="overload-nodes">{ for nodes }</ul>
            }
            if let Some(note) = &words.note {
                <p>{ pieces(note) }</p>
            }
        </div>
    }
}

/// Prose and TOML, the TOML set as code.
fn pieces(pieces: &[Piece]) -> Html {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => html! { { t.clone() } },
            Piece::Code(c) => html! { <code>{ c.clone() }</code> },
        })
        .collect()
}
