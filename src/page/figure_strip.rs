//! The key figures as one compact strip under the top bar: the scenario's
//! name, latency with the number of answers it rests on, goodput, offered
//! load, failures, and what is happening in words (which node is
//! saturated, by how much). The strip keeps one height while a run plays
//! (`static/style.css`): the figures have room for their lines, and the
//! sentence its own lines, a longer one shown whole on hover or tap.

use std::rc::Rc;

use scalesim_engine::{LatencyStats, WindowReport};
use yew::prelude::*;

use crate::format::{self, ABSENT};
use crate::insight::{self, RECENT_WINDOWS, Saturation};

/// Events per simulated second from which a run is called heavy: about
/// what the engine processes in a second of a browser worker's time.
const HEAVY_EVENTS_PER_SIM_S: f64 = 2_000_000.0;

#[derive(Properties, PartialEq)]
pub struct FigureStripProps {
    /// The scenario's title.
    pub name: AttrValue,
    /// The closed windows of the variant shown (compared by `version`).
    pub windows: Rc<Vec<Rc<WindowReport>>>,
    pub version: u64,
    /// Node names, in scenario order.
    pub names: Rc<Vec<String>>,
    /// "A" or "B" while comparing: whose figures these are.
    #[prop_or_default]
    pub variant: Option<AttrValue>,
    /// Events processed so far.
    pub events: u64,
    /// User latency over the last few windows together.
    #[prop_or_default]
    pub rolling: Option<LatencyStats>,
    /// The saturated nodes, most overloaded first (judged once a window).
    #[prop_or_default]
    pub saturated: Rc<Vec<Saturation>>,
    /// The run stopped for good (an overload, a zero-time loop): the
    /// windows may end before they show why, so nothing is said to keep up.
    #[prop_or_default]
    pub stopped: bool,
}

/// The figure strip.
#[function_component(FigureStrip)]
pub fn figure_strip(props: &FigureStripProps) -> Html {
    let w = &props.windows[..];
    let f = insight::figures(w);
    let fig = |id: &'static str, label: &'static str, value: String, title: &'static str| {
        html! {
            <span class="fig" {title}><span class="label">{label}</span>
                <span class="value" data-testid={id}>{value}</span></span>
        }
    };
    // The busiest node with workers: the one that will saturate first.
    let busiest = w.last().and_then(|w| {
        w.nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| Some((i, n.utilization?)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
    });
    let busiest_name = busiest.and_then(|(i, _)| props.names.get(i).cloned()).unwrap_or_default();
    let utilization = busiest.map(|(_, u)| format::share(u));
    let answered = if w.is_empty() {
        String::new()
    } else if f.answered == 0 {
        "no answers".to_owned()
    } else {
        format!("n = {}", format::quantity(f.answered as f64))
    };
    // The run's cost, known once a window has closed.
    let events_per_sim_s =
        w.last().filter(|l| l.end_s > 0.0).map(|l| props.events as f64 / l.end_s);
    let heavy = events_per_sim_s.is_some_and(|r| r >= HEAVY_EVENTS_PER_SIM_S);
    let saturated = &props.saturated;
    let name_of = |i: usize| props.names.get(i).cloned().unwrap_or_else(|| "a node".to_owned());
    let status = match insight::status(saturated, name_of) {
        Some(sentence) => {
            html! { <p class="status bad" role="status" data-testid="status" tabindex="0">{ sentence }</p> }
        }
        None if props.stopped => html! {
            <p class="status bad" role="status" data-testid="status" tabindex="0">{"The run stopped; why is in the message below."}</p>
        },
        None if w.is_empty() => html! {
            <p class="status muted" role="status" data-testid="status" tabindex="0">{"Press Play: requests flow, and the figures and charts fill in."}</p>
        },
        None => match insight::unsaturated_failures(w, name_of) {
            Some(sentence) => html! {
                <p class="status bad" role="status" data-testid="status" tabindex="0">{ sentence }</p>
            },
            None => html! {
                <p class="status ok" role="status" data-testid="status" tabindex="0">{"Every node keeps up with its load."}</p>
            },
        },
    };
    html! {
        <section class="figures" aria-label="Live numbers">
            <div class="figs">
            <strong class="scenario-name" data-testid="scenario-name">{ props.name.clone() }</strong>
            if let Some(v) = &props.variant {
                <span class="variant-badge" title="Figures of the variant being edited">{ v.clone() }</span>
            }
            { fig("p50", "p50", format::maybe_duration_ms(f.p50_ms), "Median user latency of the last window") }
            <span class="fig" title="User latency of the last window that 99% of answered requests beat, and how many answers it rests on">
                <span class="label">{"p99"}</span>
                <span class="value" data-testid="p99">{ format::maybe_duration_ms(f.p99_ms) }</span>
                <span class="sub" data-testid="p99-n">{ answered }</span>
            </span>
            { line_break() }
            if let Some(r) = props.rolling.filter(|_| !w.is_empty()) {
                <span class="fig" title={format!("User latency that half and 99% of the answers of the last {RECENT_WINDOWS} windows together beat: steadier than one window's")}>
                    <span class="label"><span class="wide-only">{"p50 / p99 · "}</span>{ format!("{RECENT_WINDOWS} win.") }</span>
                    <span class="value" data-testid="p50-rolling">{ insight::recent(Some(&r)).p50 }</span>
                    <span class="sub" aria-hidden="true">{"/"}</span>
                    <span class="value" data-testid="p99-rolling">{ insight::recent(Some(&r)).p99 }</span>
                    <span class="sub wide-only">{ if r.count > 0 { format!("n = {}", format::quantity(r.count as f64)) } else { "no answers".to_owned() } }</span>
                </span>
            }
            { fig("throughput", "ok", f.goodput_rps.map_or(ABSENT.into(), format::rate), "Requests answered ok or degraded per second, last window") }
            { line_break() }
            { fig("rate", "offered", f.offered_rps.map_or(ABSENT.into(), format::rate), "Requests offered per second, last window") }
            { fig("failed", "failed", f.failed_share.map_or(ABSENT.into(), format::share), "Share of finished requests that ended in error, timeout or rejection, last window") }
            { line_break() }
            <span class="fig" title="The node whose workers were busiest in the last window, and their busy share">
                <span class="label">{"busiest"}</span><span class="sub">{ busiest_name }</span>
                <span class="value" data-testid="utilization">{ utilization.unwrap_or_else(|| ABSENT.into()) }</span>
            </span>
            if let Some(rate) = events_per_sim_s {
                <span class={classes!("fig", "meta", heavy.then_some("heavy"))} title="The run's cost: events the engine processes per simulated second. Past a few million, a simulated second takes about a second of the worker's time or more.">
                    <span class="value" data-testid="event-rate">{ format::quantity(rate) }</span><span class="label">{"events / sim s"}</span>
                </span>
            }
            <span class="fig meta" title="Events processed and windows closed"><span class="value" data-testid="events" title={format!("{} events processed", format::whole(props.events))}>{ format::quantity(props.events as f64) }</span>
                <span class="label">{"events"}</span><span class="value" data-testid="windows">{ props.windows.len().to_string() }</span><span class="label">{ if props.windows.len() == 1 { "window" } else { "windows" } }</span></span>
            </div>
            // Lines of their own whatever the sentence's length: a long one
            // is cut short with an ellipsis and shown whole over what is
            // below on hover or focus (a tap), so the canvas never moves.
            <div class="status-line">{ status }</div>
        </section>
    }
}

/// Where a phone's strip starts a new line (nothing on wider screens): the
/// figures wrap to the same lines whatever their values, so the strip
/// keeps its height.
fn line_break() -> Html {
    html! { <span class="fig-break" aria-hidden="true"></span> }
}
