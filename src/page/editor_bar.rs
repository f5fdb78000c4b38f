//! The bar above the canvas: the palette (a new component is called by, or
//! put in front of, the one selected), a load into the selection, undo and
//! redo, and Compare (or, while comparing, which variant is edited).

use std::rc::Rc;

use scalesim_engine::edit::Edit;
use scalesim_engine::outline::Outline;
use scalesim_engine::scenario::NodeKind;
use yew::prelude::*;

use crate::workbench;

#[derive(Properties, PartialEq)]
pub struct EditorBarProps {
    /// The edited variant's components.
    pub outline: Rc<Outline>,
    /// The node selected (a call's caller counts), if any.
    pub selected_node: Option<String>,
    pub can_undo: bool,
    pub can_redo: bool,
    pub ready: bool,
    /// Comparing, and whether B is the variant edited.
    pub comparing: bool,
    pub editing_b: bool,
    pub on_edit: Callback<Edit>,
    pub on_undo: Callback<MouseEvent>,
    pub on_redo: Callback<MouseEvent>,
    pub on_compare: Callback<MouseEvent>,
    pub on_close_compare: Callback<MouseEvent>,
    /// Edit B (`true`) or A.
    pub on_edit_b: Callback<bool>,
}

/// The editor's bar.
#[function_component(EditorBar)]
pub fn editor_bar(props: &EditorBarProps) -> Html {
    let selected = props.selected_node.as_deref();
    let palette = NodeKind::ALL.map(|kind| {
        let edit = workbench::add_component(&props.outline, kind, selected);
        let on_edit = props.on_edit.clone();
        let onclick = Callback::from(move |_| on_edit.emit(edit.clone()));
        let title = workbench::add_title(kind, selected);
        html! { <button class="palette-item" id={format!("add-{kind}")} {onclick} {title}>{ format!("+ {kind}") }</button> }
    });
    let add_load = {
        let on_edit = props.on_edit.clone();
        let target = props
            .selected_node
            .clone()
            .or_else(|| props.outline.nodes.first().map(|n| n.id.clone()));
        let onclick = Callback::from(move |_| {
            if let Some(target) = target.clone() {
                on_edit.emit(Edit::AddLoad { target, position: None })
            }
        });
        html! { <button class="palette-item" id="add-load" {onclick} title="Add a load into the selected component">{"+ load"}</button> }
    };
    let variant = |b: bool, label: &'static str| {
        let on_edit_b = props.on_edit_b.clone();
        let pressed = if props.editing_b == b { "true" } else { "false" };
        html! { <button id={if b { "edit-b" } else { "edit-a" }} aria-pressed={pressed} onclick={Callback::from(move |_| on_edit_b.emit(b))}>{ label }</button> }
    };
    html! {
        <div class="editor-bar">
            <span class="group palette" role="group" aria-label="Add a component">
                { for palette }{ add_load }
            </span>
            <span class="group" role="group" aria-label="History">
                <button id="undo" onclick={props.on_undo.clone()} disabled={!props.can_undo} title="Undo (Ctrl+Z)">{"Undo"}</button>
                <button id="redo" onclick={props.on_redo.clone()} disabled={!props.can_redo} title="Redo (Ctrl+Shift+Z)">{"Redo"}</button>
            </span>
            if props.comparing {
                <span class="group" role="group" aria-label="Variant being edited">
                    {"Editing "}{ variant(false, "A") }{ variant(true, "B") }
                    <button id="close-compare" onclick={props.on_close_compare.clone()}>{"Close compare"}</button>
                </span>
            } else {
                <button id="compare" onclick={props.on_compare.clone()} disabled={!props.ready}
                    title="Duplicate this design as variant B and run both side by side">{"Compare: duplicate as B"}</button>
            }
        </div>
    }
}
