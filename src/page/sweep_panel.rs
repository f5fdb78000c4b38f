//! The scaling curve's tab: the sweep form (said in words under it as it
//! is typed, `sweep_words`, until the curve shown is the one it asks for),
//! its progress bar with Cancel,
//! and the finished curve (the knee, the Universal Scalability Law fit when
//! the parameter counts units, p99 and goodput along the sweep), captioned
//! with the inputs it came from: while another sweep runs, or after one
//! was cancelled, it is marked (and greyed) as the previous sweep's, and a
//! cancel leaves a note of how far it came (`sweep_state`).

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::charts::time_chart::TimeChart;
use crate::sweep_state::{SweepResult, SweepState};
use crate::workbench::SweepForm;
use crate::worker::protocol::ToWorker;

#[derive(Properties, PartialEq)]
pub struct SweepPanelProps {
    /// Whether the worker can take a sweep.
    pub ready: bool,
    /// The sweep running, the last curve and a cancel's note.
    pub state: SweepState,
    /// The scenario's suggested sweep.
    pub hint: AttrValue,
    /// The form as typed (the page holds it, so it outlives the tab).
    pub form: SweepForm,
    pub on_form: Callback<SweepForm>,
    /// Starts a sweep.
    pub on_run: Callback<ToWorker>,
    pub on_cancel: Callback<()>,
    /// What the curve's downloads are named by (the edited variant's
    /// stem, `export::variant_stem`).
    #[prop_or_default]
    pub file_stem: AttrValue,
}

/// The scaling curve's tab.
#[function_component(SweepPanel)]
pub fn sweep_panel(props: &SweepPanelProps) -> Html {
    let field = |update: fn(&mut SweepForm, String)| {
        let (form, on_form) = (props.form.clone(), props.on_form.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut next = form.clone();
            update(&mut next, input.value());
            on_form.emit(next);
        })
    };
    let onsubmit = {
        let (form, hint, on_run) = (props.form.clone(), props.hint.clone(), props.on_run.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_run.emit(form.command(&hint));
        })
    };
    let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());
    let form = &props.form;
    let words = crate::sweep_words::describe(form.param_or(&props.hint), &form.runs, &form.seconds);
    html! {
        <section class="sweep" aria-label="Scaling curve">
            <form {onsubmit}>
                <label>{"Sweep "}
                    <input id="sweep-param" type="text" value={props.form.param_or(&props.hint).to_owned()}
                        oninput={field(|f, v| f.param = Some(v))} placeholder="load.users.rate=100..2000:8"
                        aria-describedby="sweep-words" />
                </label>
                <label>{"runs a point "}
                    <input id="sweep-runs" type="number" min="1" max="10" value={props.form.runs.clone()}
                        oninput={field(|f, v| f.runs = v)} />
                </label>
                <label>{"seconds a run "}
                    <input id="sweep-seconds" type="number" min="1" value={props.form.seconds.clone()}
                        oninput={field(|f, v| f.seconds = v)} />
                </label>
                <button id="sweep-run" type="submit"
                    disabled={!props.ready || props.state.running.is_some()}>{"Run sweep"}</button>
            </form>
            <p id="sweep-words" class={classes!("sweep-words", words.is_err().then_some("unclear"))}
                data-testid="sweep-words" aria-live="polite" hidden={props.state.shows(&form.command(&props.hint))}>
                { words.unwrap_or_else(|e| e) }
            </p>
            if let Some(note) = props.state.note() {
                <p class="sweep-note" role="status" data-testid="sweep-note">{ note }</p>
            }
            if let Some((done, total)) = props.state.progress_shown() {
                <div class="sweep-progress">
                    <progress id="sweep-progress" max={total.to_string()} value={done.to_string()}></progress>
                    <span data-testid="sweep-progress">{ format!("{done} / {total} runs") }</span>
                    <button id="sweep-cancel" onclick={on_cancel}>{"Cancel"}</button>
                    <span class="sweep-waits" data-testid="sweep-waits">{"The live run waits meanwhile: a playing run plays on after."}</span>
                </div>
            }
            if let Some(r) = &props.state.result {
                <div class={classes!("sweep-result", props.state.result_is_previous().then_some("previous"))}
                    data-testid="sweep-result">
                    <p class="sweep-caption" data-testid="sweep-caption">{ props.state.result_caption().unwrap_or_default() }</p>
                    { curve(r, &props.file_stem) }
                </div>
            }
        </section>
    }
}

/// The finished curve.
fn curve(r: &SweepResult, file_stem: &AttrValue) -> Html {
    let x = r.param.split('=').next().unwrap_or_default().to_owned();
    let points = serde_json::to_string(&r.points).unwrap_or_default();
    html! {
        <>
            <p data-testid="knee" data-points={points}>{ match r.knee_text() {
                Some(v) => format!("Knee at {x} = {v}: p99 past three times its first value, or goodput under 95% of offered."),
                None => "No knee in this range.".to_owned(),
            } }</p>
            if let Some(waiting) = r.unanswered_text() {
                <p class="sweep-waiting" role="note" data-testid="sweep-waiting">{ waiting }</p>
            }
            if let Some(fit) = r.usl {
                <p data-testid="usl">{ format!(
                    "Universal Scalability Law fit: contention σ = {:.3}, coherency κ = {:.4}, throughput peaks at N* = {:.1}, one unit serves {:.0} req/s.",
                    fit.contention, fit.coherency, fit.peak, fit.x1
                ) }</p>
            }
            <TimeChart id="sweep-latency-chart" title="p99 along the sweep" y_desc="p99 (ms)"
                x_desc={x.clone()} data={r.latency.clone()} version={0} file_stem={file_stem.clone()} />
            <TimeChart id="sweep-goodput-chart" title="Goodput along the sweep" y_desc="requests/s"
                x_desc={x} data={r.goodput.clone()} version={0} file_stem={file_stem.clone()} />
        </>
    }
}
