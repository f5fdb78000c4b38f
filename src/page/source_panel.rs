//! The side panel's Source tab: the scenario file as text, to read, edit
//! and apply whole (one undo step). The worker reads the text as it reads
//! a file: a text that cannot run is refused with every problem, each a
//! button that selects its line, and the draft stays. State in
//! [`crate::source_draft`].

use std::rc::Rc;

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::side::{self, SideSlot};
use crate::source_draft::{KeptDraft, SourceDraft, line_span, problems};

/// What changes the Source tab's state.
pub enum SourceAction {
    Fetched(String),
    Typed(String),
    Sent(String),
    Revert,
    /// A restored draft went to the worker to be checked.
    Checking,
    /// Another document opened in the edited variant, the draft over the
    /// one before kept with it: the tab starts over, on the draft kept
    /// with the document opened if it has one.
    Switched(Option<KeptDraft>),
}

impl Reducible for SourceDraft {
    type Action = SourceAction;

    fn reduce(self: Rc<Self>, action: SourceAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            SourceAction::Fetched(text) => next.fetched(text),
            SourceAction::Typed(text) => next.typed(text),
            SourceAction::Sent(text) => next.sent(text),
            SourceAction::Revert => next.revert(),
            SourceAction::Checking => next.checking(),
            SourceAction::Switched(kept) => next = SourceDraft::switched(kept),
        }
        Rc::new(next)
    }
}

#[derive(Properties)]
pub struct SourcePanelProps {
    /// The draft, held by the page so that it outlives the tab.
    pub draft: UseReducerHandle<SourceDraft>,
    /// The variant edited: its document is the text shown, and a draft
    /// applied goes to it.
    pub side: SideSlot,
    /// The file's name, as the worker reports problems in it.
    pub file: AttrValue,
    /// The document's revision as the page last heard of it: the text is
    /// fetched again whenever it moves.
    pub revision: usize,
    /// The worker's refusal of the last text applied.
    pub refusal: Option<AttrValue>,
    /// The worker is ready for edits.
    pub ready: bool,
    /// The run stopped for good (an overload): a refusal does not say it
    /// goes on.
    #[prop_or_default]
    pub stopped: bool,
}

/// Equal from one of the run's frames to the next, so that a frame does
/// not render the tab again (a render reads the text area's whole value
/// back to compare it with the draft): the side is compared by identity,
/// not by its state, which every frame changes.
impl PartialEq for SourcePanelProps {
    fn eq(&self, other: &Self) -> bool {
        self.draft == other.draft
            && Rc::ptr_eq(&self.side, &other.side)
            && self.file == other.file
            && self.revision == other.revision
            && self.refusal == other.refusal
            && self.ready == other.ready
            && self.stopped == other.stopped
    }
}

/// The Source tab.
#[function_component(SourcePanel)]
pub fn source_panel(props: &SourcePanelProps) -> Html {
    let draft = props.draft.clone();
    let area = use_node_ref();
    {
        let (slot, dispatcher) = (props.side.clone(), draft.dispatcher());
        use_effect_with((props.revision, Rc::as_ptr(&props.side) as usize), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some((_, toml)) = side::text(&slot).await {
                    dispatcher.dispatch(SourceAction::Fetched(toml));
                }
            });
        });
    }
    // A draft restored after a reload is read again once the worker runs,
    // so its problems show as they did.
    {
        let (slot, draft) = (props.side.clone(), draft.clone());
        let to_check = draft.to_check().is_some() && props.ready;
        use_effect_with(to_check, move |to_check| {
            if let (true, Some(text)) = (*to_check, draft.to_check()) {
                side::check(&slot, text.to_owned());
                draft.dispatch(SourceAction::Checking);
            }
        });
    }
    let oninput = {
        let dispatcher = draft.dispatcher();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            dispatcher.dispatch(SourceAction::Typed(area.value()));
        })
    };
    let on_apply = {
        let (draft, slot, ready) = (draft.clone(), props.side.clone(), props.ready);
        Callback::from(move |()| {
            if !ready {
                return;
            }
            if let Some(text) = draft.draft() {
                side::set_text(&slot, text.to_owned());
                draft.dispatch(SourceAction::Sent(text.to_owned()));
            }
        })
    };
    // Ctrl+Enter (⌘+Enter) applies, as in code review tools and consoles.
    let onkeydown = {
        let on_apply = on_apply.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                on_apply.emit(());
            }
        })
    };
    let on_revert = {
        let dispatcher = draft.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(SourceAction::Revert))
    };
    let refusal = props.refusal.as_ref().filter(|_| draft.dirty());
    html! {
        <section class="source" aria-label="Scenario source">
            <p class="muted">{ format!("{}: edit and apply; comments and layout stay as written.", props.file) }</p>
            if let Some(message) = refusal {
                { refusal_view(message, draft.shown(), &area, props.stopped) }
            }
            <textarea id="source-text" ref={area.clone()} spellcheck="false" aria-label="Scenario file"
                value={draft.shown().to_owned()} {oninput} {onkeydown} disabled={!draft.loaded()} />
            <div class="source-actions">
                <button id="source-apply" onclick={on_apply.reform(|_| ())} disabled={!draft.dirty() || !props.ready}
                    title="Apply (Ctrl+Enter)">{"Apply"}</button>
                <button id="source-revert" onclick={on_revert} disabled={!draft.dirty()}>{"Revert"}</button>
                if draft.dirty() {
                    <span class="muted">{"Not applied yet."}</span>
                }
            </div>
            if draft.moved() {
                <p class="warning" data-testid="source-moved">{"The design changed elsewhere since you began editing: applying this text undoes that change. Revert to see it."}</p>
            }
        </section>
    }
}

/// The worker's reasons for refusing the text, each cited line a button
/// that selects it in the text area.
fn refusal_view(message: &str, text: &str, area: &NodeRef, stopped: bool) -> Html {
    let (heading, list) = problems(message);
    let lines = text.lines().count().max(1);
    let items = list.into_iter().map(|(line, words)| {
        if line == 0 {
            return html! { <li>{ words.to_owned() }</li> };
        }
        let (start, end) = line_span(text, line);
        let area = area.clone();
        let onclick = Callback::from(move |_| {
            if let Some(a) = area.cast::<HtmlTextAreaElement>() {
                let _ = a.focus();
                let _ = a.set_selection_range(start, end);
                // The line a third of the way down the area, where the eye is.
                let per_line = f64::from(a.scroll_height()) / lines as f64;
                let top = per_line * (line - 1) as f64 - f64::from(a.client_height()) / 3.0;
                a.set_scroll_top(top.max(0.0) as i32);
            }
        });
        html! { <li><button class="linkish" {onclick}>{ format!("line {line}: {words}") }</button></li> }
    });
    let heading = heading
        .map_or("Not applied.".to_owned(), |h| format!("Not applied: {}", h.trim_end_matches(':')));
    html! {
        <div class="source-problems" role="alert" data-testid="source-problems">
            <p><strong>{ heading }</strong>{ if stopped { " (the file stays as it was):" } else { " (the run goes on with the file as it was):" } }</p>
            <ul>{ for items }</ul>
        </div>
    }
}
