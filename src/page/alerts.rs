//! What went wrong, under the figure strip: a crashed worker (with a
//! restart at 1× or at the load it died at), a link that could not open, a
//! run stopped at the overload bound (with a restart at 1×) or in a loop,
//! and the last error in words.

use yew::prelude::*;

use crate::format;

#[derive(Properties, PartialEq)]
pub struct AlertsProps {
    /// Why a worker died, in words.
    pub crashed: Option<String>,
    /// Why what the URL asked to open could not be opened.
    pub open_error: Option<String>,
    /// Why the run stopped for good, and whether at the overload bound.
    pub stopped: Option<(String, bool)>,
    pub error: Option<String>,
    /// The load multiplier in force.
    pub multiplier: f64,
    /// Starts a fresh worker at this load multiplier.
    pub on_respawn: Callback<f64>,
    /// Starts the run over at time zero (at 1×).
    pub on_restart: Callback<MouseEvent>,
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
    let stopped = props.stopped.as_ref().map(|(message, overload)| {
        if *overload {
            html! {
                <div class="error overload" role="alert" data-testid="overload">
                    <p class="overload-head"><strong>{"The run stopped: more work piled up than a tab can hold."}</strong>
                        {" What it measured until then stays on screen. "}
                        <button id="restart-1x" onclick={props.on_restart.clone()}>{"Restart at 1× load"}</button></p>
                    <p class="overload-detail">{ message.clone() }</p>
                </div>
            }
        } else {
            html! { <div class="error" role="alert">{ message.clone() }</div> }
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
            { for plain(&props.error, "error") }
        </>
    }
}
