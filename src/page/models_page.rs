//! "What scalesim models, and what it does not" (`docs/models.md`), shown
//! in the page as a collapsible section. The Markdown is rendered by a
//! minimal reader of the subset the page uses (headings, bullets,
//! paragraphs), as text nodes only: no HTML from the file reaches the DOM.
//!
//! The text is fetched when the section is first opened (the build copies
//! `docs/models.md` next to the page as `models.md`), not compiled in: it
//! is not needed for the page's first second, and the README and the app
//! still show one text. A failed fetch says so and is tried again on the
//! next opening.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::markdown::{Block, blocks};
use crate::page::app::fetch_text;

/// Where the build puts the page's source, relative to the page.
const MODELS_URL: &str = "models.md";

thread_local! {
    /// The text once fetched, for every later opening and panel.
    static FETCHED: RefCell<Option<Rc<str>>> = const { RefCell::new(None) };
}

/// Where the section's text is.
#[derive(Clone, PartialEq)]
enum Text {
    /// Not asked for yet (the section has not been opened).
    Idle,
    Loading,
    Shown(Rc<str>),
    /// The fetch failed, with why.
    Failed(String),
}

/// The Markdown as the page's nodes.
fn render(markdown: &str) -> Html {
    let body = blocks(markdown).into_iter().map(|b| match b {
        Block::Heading(h) => html! { <h3>{ h }</h3> },
        Block::Paragraph(p) => html! { <p>{ p }</p> },
        Block::Bullets(items) => {
            html! { <ul>{ for items.into_iter().map(|i| html! { <li>{ i }</li> }) }</ul> }
        }
    });
    html! { <>{ for body }</> }
}

/// The collapsible page.
#[function_component(ModelsPage)]
pub fn models_page() -> Html {
    let text = use_state(|| match FETCHED.with(|f| f.borrow().clone()) {
        Some(t) => Text::Shown(t),
        None => Text::Idle,
    });
    let ontoggle = {
        let text = text.clone();
        Callback::from(move |e: Event| {
            let open = e
                .target()
                .and_then(|t| js_sys::Reflect::get(&t, &"open".into()).ok())
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if !open || matches!(*text, Text::Loading | Text::Shown(_)) {
                return;
            }
            text.set(Text::Loading);
            let text = text.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match fetch_text(MODELS_URL).await {
                    Ok(t) => {
                        let t: Rc<str> = t.into();
                        FETCHED.with(|f| *f.borrow_mut() = Some(t.clone()));
                        text.set(Text::Shown(t));
                    }
                    Err(e) => text.set(Text::Failed(e)),
                }
            });
        })
    };
    let body = match &*text {
        Text::Idle => html! {},
        Text::Loading => html! { <p class="muted" role="status">{ "Loading…" }</p> },
        Text::Shown(t) => render(t),
        Text::Failed(why) => html! {
            <p class="error" role="alert">{ format!(
                "This page could not be loaded ({why}). It is docs/models.md in scalesim's \
                 sources; close and open this section to try again."
            ) }</p>
        },
    };
    html! {
        <details class="models" id="models" {ontoggle}>
            <summary>{ "What scalesim models, and what it does not" }</summary>
            { body }
        </details>
    }
}
