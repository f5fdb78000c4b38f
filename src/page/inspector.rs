//! The inspector: every parameter of the selected component, call or load
//! (the catalogue in `fields`), each a slider with a numeric entry and its
//! unit, checked as typed, with the worker's refusal shown beside the field
//! it concerns. Also renames, deletes, connects, and moves a component
//! between the request path and the background without a mouse.

use std::rc::Rc;

use scalesim_engine::edit::Edit;
use scalesim_engine::outline::Outline;
use scalesim_engine::scenario::{Mode, NodeKind};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::page::draft_input::DraftInput;

use crate::canvas::topology_layout::{Lane, Selection, lanes};
use crate::fields::{self, DISTS, Field, FieldKind};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub outline: Rc<Outline>,
    pub selected: Option<Selection>,
    pub on_edit: Callback<Edit>,
    pub on_select: Callback<Option<Selection>>,
    /// The worker's last refusal: `(path, message)`.
    pub refusal: Option<(String, String)>,
}

/// The inspector panel.
#[function_component(Inspector)]
pub fn inspector(props: &Props) -> Html {
    // A message for what the user typed, before anything is sent.
    let local_error = use_state(|| None::<(String, String)>);
    // The zone picker's "new zone…" chosen: a name entry shows, until
    // another selection.
    let new_zone = use_state(|| false);
    {
        let new_zone = new_zone.clone();
        use_effect_with(props.selected.clone(), move |_| new_zone.set(false));
    }
    let Some(selected) = props.selected.clone() else {
        return html! {
            <aside class="inspector" aria-label="Inspector">
                <p class="muted">{"Select a component, a call or a load on the canvas or in the list to see and change its parameters."}</p>
            </aside>
        };
    };
    let error_for = |path: &str| -> Option<String> {
        local_error
            .as_ref()
            .filter(|(p, _)| p == path)
            .or(props.refusal.as_ref().filter(|(p, _)| p == path))
            .map(|(_, m)| m.clone())
    };
    let setter = {
        let (on_edit, local_error) = (props.on_edit.clone(), local_error.clone());
        move |path: String, kind: FieldKind, text: String| {
            if text.trim().is_empty() {
                local_error.set(None);
                on_edit.emit(Edit::Unset { path });
                return;
            }
            match fields::parse_entry(kind, &text) {
                Ok(value) => {
                    local_error.set(None);
                    on_edit.emit(Edit::Set { path, value });
                }
                Err(message) => local_error.set(Some((path, message))),
            }
        }
    };
    let outline = &props.outline;
    let (prefix, title, fields, params, extra): (
        String,
        Html,
        Vec<Field>,
        Vec<(String, String)>,
        Html,
    ) = match &selected {
        Selection::Node(id) => {
            let Some((index, node)) = outline.nodes.iter().enumerate().find(|(_, n)| &n.id == id)
            else {
                return html! { <aside class="inspector"><p class="muted">{"That component is gone."}</p></aside> };
            };
            let lane = lanes(outline).get(index).copied().unwrap_or(Lane::Sync);
            let called = outline.nodes.iter().any(|n| n.calls.iter().any(|c| &c.to == id));
            let on_edit = props.on_edit.clone();
            let lane_button = called.then(|| {
                    let (id, label, mode) = match lane {
                        Lane::Sync => (id.clone(), "Move to the background (async)", Mode::Async),
                        Lane::Async => (id.clone(), "Move to the request path (sync)", Mode::Sync),
                    };
                    let on_edit = on_edit.clone();
                    html! { <button id="lane-toggle" onclick={Callback::from(move |_| on_edit.emit(Edit::SetLane { id: id.clone(), mode }))}>{ label }</button> }
                });
            let calls = node.calls.iter().enumerate().map(|(k, c)| {
                    let on_select = props.on_select.clone();
                    let sel = Selection::Call { node: id.clone(), call: k };
                    let mode = match c.mode { Mode::Sync => "sync", Mode::Async => "async" };
                    html! {
                        <li><button class="link" onclick={Callback::from(move |_| on_select.emit(Some(sel.clone())))}>
                            { format!("→ {} ({mode})", c.to) }
                        </button></li>
                    }
                });
            let targets: Vec<String> = outline
                .nodes
                .iter()
                .filter(|n| &n.id != id && !node.calls.iter().any(|c| c.to == n.id))
                .map(|n| n.id.clone())
                .collect();
            let connect = (node.kind != NodeKind::External && !targets.is_empty()).then(|| {
                    let on_edit = props.on_edit.clone();
                    let from = id.clone();
                    let onchange = Callback::from(move |e: Event| {
                        let select: HtmlSelectElement = e.target_unchecked_into();
                        let to = select.value();
                        if !to.is_empty() {
                            on_edit.emit(Edit::Connect { from: from.clone(), to, mode: Mode::Sync });
                            select.set_value("");
                        }
                    });
                    let label = match node.kind {
                        NodeKind::Queue => "Deliver to",
                        NodeKind::Cache => "Read through to",
                        _ => "Call another component",
                    };
                    html! {
                        <label>{ label }{" "}
                            <select id="connect-to" {onchange}>
                                <option value="" selected=true>{"choose…"}</option>
                                { for targets.iter().map(|t| html! { <option value={t.clone()}>{ t.clone() }</option> }) }
                            </select>
                        </label>
                    }
                });
            let extra = html! {
                <>
                    <p class="lane-note">{ match lane {
                        Lane::Sync => "On the request path: users wait for it.",
                        Lane::Async => "In the background: users do not wait for it.",
                    } }</p>
                    { for lane_button }
                    if let Some(feeds) = &node.feeds {
                        <p>{ format!("Feeds {feeds}.") }</p>
                    }
                    if !node.calls.is_empty() {
                        <h4>{"Calls"}</h4>
                        <ul class="calls">{ for calls }</ul>
                    }
                    { for connect }
                </>
            };
            (
                format!("node.{id}."),
                html! { <>{ format!("{} ", node.kind) }<strong>{ id.clone() }</strong></> },
                fields::node_fields(node.kind),
                node.params.clone(),
                extra,
            )
        }
        Selection::Load(id) => {
            let Some(load) = outline.loads.iter().find(|l| &l.id == id) else {
                return html! { <aside class="inspector"><p class="muted">{"That load is gone."}</p></aside> };
            };
            let on_edit = props.on_edit.clone();
            let from = id.clone();
            let onchange = Callback::from(move |e: Event| {
                let select: HtmlSelectElement = e.target_unchecked_into();
                on_edit.emit(Edit::Connect {
                    from: from.clone(),
                    to: select.value(),
                    mode: Mode::Sync,
                });
            });
            let extra = html! {
                <label>{"Target "}
                    <select id="load-target" {onchange}>
                        { for outline.nodes.iter().map(|n| html! {
                            <option value={n.id.clone()} selected={n.id == load.target}>{ n.id.clone() }</option>
                        }) }
                    </select>
                </label>
            };
            (
                format!("load.{id}."),
                html! { <>{"load "}<strong>{ id.clone() }</strong></> },
                fields::load_fields(),
                load.params.clone(),
                extra,
            )
        }
        Selection::Call { node, call } => {
            let Some(c) =
                outline.nodes.iter().find(|n| &n.id == node).and_then(|n| n.calls.get(*call))
            else {
                return html! { <aside class="inspector"><p class="muted">{"That call is gone."}</p></aside> };
            };
            let mut params = c.params.clone();
            let mode = match c.mode {
                Mode::Sync => "sync",
                Mode::Async => "async",
            };
            params.push(("mode".to_owned(), mode.to_owned()));
            let on_select = props.on_select.clone();
            let caller = node.clone();
            let extra = html! {
                <button class="link" onclick={Callback::from(move |_| on_select.emit(Some(Selection::Node(caller.clone()))))}>
                    { format!("Back to {node}") }
                </button>
            };
            (
                format!("node.{node}.call.{call}."),
                html! { <>{"call "}<strong>{ format!("{node} → {}", c.to) }</strong></> },
                fields::call_fields(),
                params,
                extra,
            )
        }
    };
    let value_of = |key: &str| params.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let rows = fields.iter().copied().map(|field| {
        let path = format!("{prefix}{}", field.key);
        let error = error_for(&path);
        let input_id = format!("field-{}", field.key.replace('.', "-"));
        if field.kind == FieldKind::Dist {
            // A refusal of any of its parameters shows beside the distribution.
            let nested = [local_error.as_ref(), props.refusal.as_ref()]
                .into_iter()
                .flatten()
                .find(|(p, _)| p.starts_with(&format!("{path}.")))
                .map(|(_, m)| m.clone());
            return dist_row(&field, &path, &params, &setter, &props.on_edit, error.or(nested));
        }
        let current = value_of(field.key);
        let shown = match field.kind {
            FieldKind::Duration { .. } => current.as_deref().and_then(fields::duration_ms).map(|v| format!("{v}")),
            FieldKind::Size { .. } => current.as_deref().and_then(fields::size_mb).map(|v| format!("{v}")),
            _ => current.clone(),
        };
        let control = match field.kind {
            FieldKind::Zone => zone_picker(
                &input_id,
                &path,
                current.as_deref(),
                &crate::canvas::zones::zone_names(outline),
                &setter,
                &new_zone,
            ),
            FieldKind::Choice(options) => {
                let (setter, path) = (setter.clone(), path.clone());
                let onchange = Callback::from(move |e: Event| {
                    let select: HtmlSelectElement = e.target_unchecked_into();
                    setter(path.clone(), field.kind, select.value());
                });
                html! {
                    <select id={input_id.clone()} {onchange}>
                        <option value="" selected={current.is_none()}>{ fields::default_of(field.key).map_or_else(|| "(default)".to_owned(), |d| format!("(default: {d})")) }</option>
                        { for options.iter().map(|o| html! { <option value={*o} selected={current.as_deref() == Some(*o)}>{ *o }</option> }) }
                    </select>
                }
            }
            FieldKind::Flag => {
                let (setter, path) = (setter.clone(), path.clone());
                let checked = current.as_deref() == Some("true");
                let onchange = Callback::from(move |e: Event| {
                    let input: HtmlInputElement = e.target_unchecked_into();
                    setter(path.clone(), field.kind, input.checked().to_string());
                });
                html! { <input type="checkbox" id={input_id.clone()} {checked} {onchange} /> }
            }
            kind => {
                let placeholder = fields::default_of(field.key).map_or_else(|| "none".to_owned(), |d| format!("{d} (default)"));
                let number = shown.as_deref().or(fields::default_of(field.key)).and_then(|v| v.parse::<f64>().ok());
                let position = number.map_or(0.0, |v| fields::slider_position(kind, v));
                let on_slide = {
                    let (setter, path) = (setter.clone(), path.clone());
                    Callback::from(move |e: Event| {
                        let input: HtmlInputElement = e.target_unchecked_into();
                        let p: f64 = input.value().parse().unwrap_or(0.0);
                        setter(path.clone(), kind, format!("{}", fields::slider_value(kind, p)));
                    })
                };
                let on_enter = {
                    let (setter, path) = (setter.clone(), path.clone());
                    Callback::from(move |text: String| setter(path.clone(), kind, text))
                };
                let unit = match kind {
                    FieldKind::Duration { .. } => "ms",
                    FieldKind::Size { .. } => "MB",
                    FieldKind::Number { unit, .. } => unit,
                    _ => "",
                };
                html! {
                    <>
                        <input type="range" min="0" max="1000" step="1" value={format!("{position}")}
                            aria-label={format!("{} slider", field.label)} onchange={on_slide}
                            aria-valuetext={number.map(|v| format!("{v} {unit}").trim_end().to_owned())} />
                        <DraftInput inputmode="decimal" class="num" id={input_id.clone()}
                            value={shown.clone().unwrap_or_default()} {placeholder} on_commit={on_enter}
                            invalid={error.is_some()} />
                        <span class="unit">{ unit }</span>
                    </>
                }
            }
        };
        html! {
            <div class={classes!("field", error.is_some().then_some("invalid"))} data-path={path.clone()}>
                <label for={input_id}>{ field.label }</label>
                <div class="control">{ control }</div>
                if let Some(message) = error {
                    <p class="field-error" role="alert">{ message }</p>
                }
            </div>
        }
    });
    // Keys the catalogue does not list (patterns, steps…), editable as text.
    let known = |k: &str| {
        fields.iter().any(|f| {
            k == f.key || (f.kind == FieldKind::Dist && k.starts_with(&format!("{}.", f.key)))
        })
    };
    let others = params.iter().filter(|(k, _)| !known(k) && k != "mode").map(|(k, v)| {
        let path = format!("{prefix}{k}");
        let error = error_for(&path);
        let on_edit = props.on_edit.clone();
        let p = path.clone();
        let on_commit =
            Callback::from(move |value: String| on_edit.emit(Edit::Set { path: p.clone(), value }));
        html! {
            <div class="field" data-path={path.clone()}>
                <label>{ k.clone() }</label>
                <div class="control"><DraftInput value={v.clone()} {on_commit} aria_label={k.clone()} /></div>
                if let Some(message) = error {
                    <p class="field-error" role="alert">{ message }</p>
                }
            </div>
        }
    });
    let id_box = match &selected {
        Selection::Node(id) | Selection::Load(id) => {
            let (on_edit, from) = (props.on_edit.clone(), id.clone());
            let on_commit = Callback::from(move |to: String| {
                on_edit.emit(Edit::Rename { from: from.clone(), to: to.trim().to_owned() });
            });
            let error = error_for("rename");
            html! {
                <div class="field">
                    <label for="rename">{"Name"}</label>
                    <div class="control"><DraftInput id="rename" value={id.clone()} {on_commit} /></div>
                    if let Some(message) = error {
                        <p class="field-error" role="alert">{ message }</p>
                    }
                </div>
            }
        }
        Selection::Call { .. } => html! {},
    };
    let delete = {
        let on_edit = props.on_edit.clone();
        let (label, edit) = match &selected {
            Selection::Node(id) => ("Delete component", Edit::Remove { id: id.clone() }),
            Selection::Load(id) => ("Delete load", Edit::Remove { id: id.clone() }),
            Selection::Call { node, call } => {
                ("Remove call", Edit::Disconnect { from: node.clone(), call: *call })
            }
        };
        html! { <button id="delete" class="danger" onclick={Callback::from(move |_| on_edit.emit(edit.clone()))}>{ label }</button> }
    };
    html! {
        <aside class="inspector" aria-label="Inspector">
            <h3>{ title }</h3>
            { id_box }
            { extra }
            <div class="fields">{ for rows }</div>
            if params.iter().any(|(k, _)| !known(k) && k != "mode") {
                <h4>{"Other keys"}</h4>
                <div class="fields">{ for others }</div>
            }
            { delete }
        </aside>
    }
}

/// A distribution: its shape, then that shape's parameters.
/// The zone picker: none, each zone the scenario names, or a new one
/// (then a name entry). Choosing sets `zone` as a text edit, as every
/// field does.
fn zone_picker(
    input_id: &str,
    path: &str,
    current: Option<&str>,
    zones: &[String],
    setter: &(impl Fn(String, FieldKind, String) + Clone + 'static),
    new_zone: &UseStateHandle<bool>,
) -> Html {
    // Not a zone name (names are letters, digits, - and _).
    const NEW: &str = "+new";
    let onchange = {
        let (setter, path, new_zone) = (setter.clone(), path.to_owned(), new_zone.clone());
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let value = select.value();
            if value == NEW {
                new_zone.set(true);
            } else {
                new_zone.set(false);
                setter(path.clone(), FieldKind::Zone, value);
            }
        })
    };
    let on_name = {
        let (setter, path, new_zone) = (setter.clone(), path.to_owned(), new_zone.clone());
        Callback::from(move |text: String| {
            if !text.trim().is_empty() {
                new_zone.set(false);
                setter(path.clone(), FieldKind::Zone, text);
            }
        })
    };
    html! {
        <>
            // Keyed by what it shows, so it is drawn afresh when that
            // changes (a select keeps the user's last pick otherwise, as
            // after a refused new zone).
            <select key={format!("{current:?}/{}", **new_zone)} id={input_id.to_owned()} {onchange}>
                <option value="" selected={current.is_none() && !**new_zone}>{"(none)"}</option>
                { for zones.iter().map(|z| html! { <option value={z.clone()} selected={current == Some(z.as_str()) && !**new_zone}>{ z.clone() }</option> }) }
                <option value={NEW} selected={**new_zone}>{"new zone…"}</option>
            </select>
            if **new_zone {
                <DraftInput class="zone-name" id={format!("{input_id}-new")} value="" placeholder="name, e.g. ap"
                    on_commit={on_name} invalid={false} />
            }
        </>
    }
}

fn dist_row(
    field: &Field,
    path: &str,
    params: &[(String, String)],
    setter: &(impl Fn(String, FieldKind, String) + Clone + 'static),
    on_edit: &Callback<Edit>,
    error: Option<String>,
) -> Html {
    let get = |k: &str| {
        params.iter().find(|(p, _)| *p == format!("{}.{k}", field.key)).map(|(_, v)| v.clone())
    };
    let shape = get("dist");
    let typical = ["mean", "p50", "value", "fast", "min", "scale"]
        .iter()
        .find_map(|k| get(k).as_deref().and_then(fields::duration_ms))
        .unwrap_or(5.0);
    let on_shape = {
        let (on_edit, path) = (on_edit.clone(), path.to_owned());
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            on_edit.emit(Edit::Set {
                path: path.clone(),
                value: fields::dist_value(&select.value(), typical),
            });
        })
    };
    let parameters =
        DISTS.iter().find(|(d, _)| Some(*d) == shape.as_deref()).map(|(_, ps)| *ps).unwrap_or(&[]);
    let subfields = parameters.iter().map(|(name, unit)| {
        let sub = format!("{path}.{name}");
        let kind = match unit {
            None => FieldKind::Duration { max_ms: 600_000.0 },
            Some("share") => FieldKind::Ratio,
            Some(_) => FieldKind::Number { min: 0.1, max: 10.0, unit: "" },
        };
        let current = get(name);
        let shown = match kind {
            FieldKind::Duration { .. } => {
                current.as_deref().and_then(fields::duration_ms).map(|v| format!("{v}"))
            }
            _ => current,
        };
        let (setter, sub_path) = (setter.clone(), sub.clone());
        let on_commit = Callback::from(move |text: String| setter(sub_path.clone(), kind, text));
        let id = format!("field-{}-{name}", field.key.replace('.', "-"));
        html! {
            <span class="dist-param">
                <label for={id.clone()}>{ *name }</label>
                <DraftInput class="num" {id} value={shown.unwrap_or_default()} {on_commit} />
                <span class="unit">{ if unit.is_none() { "ms" } else { "" } }</span>
            </span>
        }
    });
    let select_id = format!("field-{}", field.key.replace('.', "-"));
    html! {
        <div class={classes!("field", error.is_some().then_some("invalid"))} data-path={path.to_owned()}>
            <label for={select_id.clone()}>{ field.label }</label>
            <div class="control">
                <select id={select_id} onchange={on_shape}>
                    <option value="" selected={shape.is_none()}>{"(none)"}</option>
                    { for DISTS.iter().map(|(d, _)| html! { <option value={*d} selected={shape.as_deref() == Some(*d)}>{ *d }</option> }) }
                </select>
                { for subfields }
            </div>
            if let Some(message) = error {
                <p class="field-error" role="alert">{ message }</p>
            }
        </div>
    }
}
