//! A row of tabs (WAI-ARIA tabs: `role="tab"`, `aria-selected`, arrow keys
//! move between them).

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TabBarProps {
    /// What the tabs are for (read by screen readers).
    pub label: AttrValue,
    /// `(element id, label)` of each tab, in order.
    pub tabs: Vec<(&'static str, &'static str)>,
    /// The index of the shown tab.
    pub current: usize,
    /// Called with the index of the tab picked.
    pub on_pick: Callback<usize>,
}

/// Tabs over one panel; the caller renders the panel of `current`.
#[function_component(TabBar)]
pub fn tab_bar(props: &TabBarProps) -> Html {
    let count = props.tabs.len();
    let buttons = props.tabs.iter().enumerate().map(|(i, (id, label))| {
        let selected = i == props.current;
        let on_pick = props.on_pick.clone();
        let onclick = {
            let on_pick = on_pick.clone();
            Callback::from(move |_| on_pick.emit(i))
        };
        let onkeydown = Callback::from(move |e: KeyboardEvent| {
            let next = match e.key().as_str() {
                "ArrowRight" => (i + 1) % count,
                "ArrowLeft" => (i + count - 1) % count,
                _ => return,
            };
            e.prevent_default();
            on_pick.emit(next);
        });
        html! {
            <button role="tab" id={*id} class="tab" aria-selected={if selected { "true" } else { "false" }}
                tabindex={if selected { "0" } else { "-1" }} {onclick} {onkeydown}>{ *label }</button>
        }
    });
    html! {
        <div class="tab-bar" role="tablist" aria-label={props.label.clone()}>{ for buttons }</div>
    }
}
