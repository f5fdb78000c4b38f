//! The page's document-wide keys and clicks, as hooks: Ctrl+Z / Ctrl+Shift+Z
//! (and Ctrl+Y) for undo and redo anywhere but in a text field, and the top
//! bar's menus closing on a click outside or Escape. The listeners are
//! gloo-events', removed when the component unmounts; and a share link
//! arriving in the address bar of an open tab.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::side::{self, SideSlot};
use crate::workbench::{HistoryKey, history_key};

/// Undo and redo keys on the side `edited` names, re-bound when `deps`
/// (which side is edited) change.
#[hook]
pub fn use_history_keys<F, D>(edited: F, deps: D)
where
    F: Fn() -> SideSlot + 'static,
    D: PartialEq + 'static,
{
    use_effect_with(deps, move |_| {
        let document = web_sys::window().and_then(|w| w.document());
        let listener = document.map(|d| {
            // Not passive: Ctrl+Z must not reach the browser's own undo.
            let options = gloo_events::EventListenerOptions::enable_prevent_default();
            gloo_events::EventListener::new_with_options(&d, "keydown", options, move |e| {
                let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
                let in_text = e.target().is_some_and(|t| edits_text(&t));
                let ctrl = e.ctrl_key() || e.meta_key();
                match history_key(&e.key(), ctrl, e.shift_key(), in_text) {
                    Some(HistoryKey::Undo) => {
                        e.prevent_default();
                        side::undo(&edited());
                    }
                    Some(HistoryKey::Redo) => {
                        e.prevent_default();
                        side::redo(&edited());
                    }
                    None => {}
                }
            })
        });
        move || drop(listener)
    });
}

/// Whether `target` is a field whose own text the browser's undo would
/// change (a slider, a checkbox or a list is not: the app's undo applies).
fn edits_text(target: &web_sys::EventTarget) -> bool {
    if let Some(input) = target.dyn_ref::<web_sys::HtmlInputElement>() {
        return matches!(
            input.type_().as_str(),
            "text" | "number" | "search" | "email" | "url" | "tel" | "password"
        );
    }
    target.dyn_ref::<web_sys::HtmlTextAreaElement>().is_some()
        || target.dyn_ref::<web_sys::HtmlElement>().is_some_and(|el| el.is_content_editable())
}

/// A click outside an open top-bar menu, or Escape, closes it, as menus do.
#[hook]
pub fn use_menu_dismissal() {
    use_effect_with((), |_| {
        let document = web_sys::window().and_then(|w| w.document());
        let listeners: Vec<gloo_events::EventListener> = document
            .iter()
            .flat_map(|d| {
                ["click", "keydown"]
                    .map(|kind| gloo_events::EventListener::new(d, kind, close_menus))
            })
            .collect();
        move || drop(listeners)
    });
}

/// Closes the open `details.menu` elements that `event` (a click outside
/// them, or Escape anywhere) dismisses.
fn close_menus(event: &web_sys::Event) {
    let escape = event.dyn_ref::<web_sys::KeyboardEvent>().map(|k| k.key() == "Escape");
    if escape == Some(false) {
        return;
    }
    let target = event.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
    close_menus_outside(if escape == Some(true) { None } else { target.as_ref() });
}

/// Closes every open menu: a menu item that opens a dialog of its own
/// (Share ▸ Embed…) does not leave its menu open behind it.
pub fn close_all_menus() {
    close_menus_outside(None);
}

/// Closes the open `details.menu` elements that do not hold `inside`.
fn close_menus_outside(inside: Option<&web_sys::Node>) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(open) = document.query_selector_all("details.menu[open]") else { return };
    for i in 0..open.length() {
        let Some(menu) = open.item(i) else { continue };
        let keep = inside.is_some() && menu.contains(inside);
        if !keep && let Ok(details) = menu.dyn_into::<web_sys::Element>() {
            let _ = details.remove_attribute("open");
        }
    }
}

/// A share link pasted into this tab's address bar (or followed from a
/// page with the app already open) changes only the fragment, which a
/// browser does not reload for: the page reloads so the link opens as it
/// does in a new tab, over the user's work kept first (`store::start_up`).
/// The page's own fragment writes (`browser::replace_hash`) fire no event.
#[hook]
pub fn use_link_arrival() {
    use_effect_with((), |_| {
        let listener = web_sys::window().map(|w| {
            gloo_events::EventListener::new(&w, "hashchange", |_| {
                if crate::keep::share_link::looks_like_link(&crate::browser::hash())
                    && let Some(w) = web_sys::window()
                {
                    let _ = w.location().reload();
                }
            })
        });
        move || drop(listener)
    });
}
