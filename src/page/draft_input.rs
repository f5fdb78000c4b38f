//! A text entry that never loses what the user is typing. Yew writes a
//! controlled input's `value` on every render, and the page renders with
//! every frame from the worker (thirty a second while playing): a plain
//! `<input value=…>` snapped back to the old value mid-word. This one keeps
//! the user's draft until the value it shows changes underneath (the edit
//! was applied, refused, or undone).

use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DraftInputProps {
    /// The value as the scenario has it.
    pub value: AttrValue,
    /// Called with the text when the user commits it (Enter, or leaving the
    /// field).
    pub on_commit: Callback<String>,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    #[prop_or_default]
    pub aria_label: Option<AttrValue>,
    #[prop_or_default]
    pub inputmode: Option<AttrValue>,
    #[prop_or_default]
    pub invalid: bool,
}

/// The entry.
#[function_component(DraftInput)]
pub fn draft_input(props: &DraftInputProps) -> Html {
    let draft = use_state(|| None::<String>);
    {
        let draft = draft.clone();
        use_effect_with(props.value.clone(), move |_| draft.set(None));
    }
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            draft.set(Some(input.value()));
        })
    };
    let onchange = {
        let on_commit = props.on_commit.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            on_commit.emit(input.value());
        })
    };
    let shown = (*draft).clone().map_or_else(|| props.value.clone(), AttrValue::from);
    // A draft not yet applied says so, and how to apply it.
    let pending = draft.as_deref().is_some_and(|d| d != props.value.as_str());
    let class = classes!(props.class.clone(), pending.then_some("pending"));
    let title = pending.then_some("Press Enter (or leave the field) to apply");
    html! {
        <input type="text" id={props.id.clone()} {class} {title} value={shown}
            placeholder={props.placeholder.clone()} aria-label={props.aria_label.clone()}
            inputmode={props.inputmode.clone()}
            aria-invalid={if props.invalid { "true" } else { "false" }}
            {oninput} {onchange} />
    }
}
