//! The page's lists as components of their own, so that a frame from the
//! worker (thirty a second) re-renders only what changed: with a hundred
//! components, re-diffing every list each frame would eat the canvas's
//! frame budget.

use std::rc::Rc;

use scalesim_engine::formula::FormulaCheck;
use scalesim_engine::outline::Outline;
use scalesim_engine::{Snapshot, WindowReport};
use yew::prelude::*;

use crate::canvas::topology_layout::Selection;

/// Node states listed one by one up to this many; beyond, a summary.
const LISTED_NODES: usize = 12;

#[derive(Properties, PartialEq)]
pub struct NodeStatesProps {
    pub snapshot: Rc<Snapshot>,
    pub names: Rc<Vec<String>>,
    /// The last closed window: a cache's hit ratio is over it.
    #[prop_or_default]
    pub last: Option<Rc<WindowReport>>,
}

/// Each node's workers, queue and replicas now; a cache's hit ratio over
/// the last window (as the canvas writes it under the cache's box).
#[function_component(NodeStates)]
pub fn node_states(props: &NodeStatesProps) -> Html {
    let snap = &props.snapshot;
    let in_flight: u64 = snap.nodes.iter().map(|n| n.in_flight).sum();
    let more = snap.nodes.len().saturating_sub(LISTED_NODES);
    html! {
        <p class="node-states" data-testid="node-states">
            { format!("Now: {} in flight (sample of {}). ", crate::format::counted(in_flight, "request"), snap.sample.len()) }
            { for snap.nodes.iter().zip(props.names.iter()).enumerate().take(LISTED_NODES).map(|(i, (n, name))| {
                let hits = props.last.as_ref().and_then(|w| w.nodes.get(i)).and_then(crate::insight::cache_hits);
                let hits = hits.map_or(String::new(), |h| format!(", {h}"));
                html! {
                    <span class="node-state">{ if n.capacity > 0 {
                        format!("{name}: {}/{} busy, {} queued, {} replica{}{hits}", n.busy, n.capacity, n.queued, n.replicas, if n.replicas == 1 { "" } else { "s" })
                    } else {
                        format!("{name}: {} in flight{hits}", n.in_flight)
                    } }</span>
                }
            }) }
            if more > 0 {
                <span class="node-state">{ format!("…and {more} more (see the canvas).") }</span>
            }
        </p>
    }
}

#[derive(Properties, PartialEq)]
pub struct FormulaTableProps {
    pub formulas: Rc<Vec<FormulaCheck>>,
}

/// Closed forms beside the simulated values.
#[function_component(FormulaTable)]
pub fn formula_table(props: &FormulaTableProps) -> Html {
    if props.formulas.is_empty() {
        return html! {
            <p class="muted">{"Closed forms appear here once the run is past its warm-up, for the nodes where one applies."}</p>
        };
    }
    html! {
        <>
        <table data-testid="formulas">
            <thead><tr><th>{"node"}</th><th>{"formula"}</th><th>{"theory"}</th><th>{"simulated"}</th><th>{"difference"}</th></tr></thead>
            <tbody>
                { for props.formulas.iter().map(|f| html! {
                    <tr>
                        <td>{ f.node.clone() }</td>
                        <td>{ f.formula.clone() }</td>
                        <td>{ crate::format::in_unit(f.theory, &f.unit) }</td>
                        <td>{ crate::format::in_unit(f.simulated, &f.unit) }</td>
                        <td>{ if f.theory != 0.0 { format!("{:+.1}%", (f.simulated / f.theory - 1.0) * 100.0) } else { "–".to_owned() } }</td>
                    </tr>
                }) }
            </tbody>
        </table>
        <p class="muted">{"Simulated figures cover the whole run since its warm-up: after a live change they mix the old parameters with the new ones. Restart to hold the new ones to theory."}</p>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct ComponentListProps {
    pub outline: Rc<Outline>,
    pub selected: Option<Selection>,
    pub on_select: Callback<Option<Selection>>,
}

/// Every load and component as a button: keyboard and screen-reader access
/// to what the canvas draws.
#[function_component(ComponentList)]
pub fn component_list(props: &ComponentListProps) -> Html {
    let outline = &props.outline;
    let items = outline
        .loads
        .iter()
        .map(|l| (Selection::Load(l.id.clone()), format!("load {}", l.id)))
        .chain(outline.nodes.iter().map(|n| (Selection::Node(n.id.clone()), format!("{} {}", n.kind, n.id))))
        .map(|(sel, label)| {
            let pressed = if props.selected.as_ref() == Some(&sel) { "true" } else { "false" };
            let on_select = props.on_select.clone();
            html! { <li><button aria-pressed={pressed} onclick={Callback::from(move |_| on_select.emit(Some(sel.clone())))}>{ label }</button></li> }
        });
    html! { <ul class="component-list">{ for items }</ul> }
}

#[derive(Properties, PartialEq)]
pub struct NodeChooserProps {
    pub names: Rc<Vec<String>>,
    pub shown: Vec<usize>,
    pub on_change: Callback<Vec<usize>>,
}

/// Which nodes the per-node charts plot.
#[function_component(NodeChooser)]
pub fn node_chooser(props: &NodeChooserProps) -> Html {
    let boxes = props.names.iter().enumerate().map(|(i, name)| {
        let checked = props.shown.contains(&i);
        let (on_change, shown) = (props.on_change.clone(), props.shown.clone());
        let onchange = Callback::from(move |_| {
            let mut next = shown.clone();
            if checked { next.retain(|&k| k != i) } else { next.push(i) }
            scalesim_engine::order::sort(&mut next);
            on_change.emit(next);
        });
        html! {
            <label class="node-choice"><input type="checkbox" {checked} {onchange} />{ name.clone() }</label>
        }
    });
    html! {
        <fieldset class="node-chooser"><legend>{"Nodes in the per-node charts"}</legend>
            { for boxes }
        </fieldset>
    }
}
