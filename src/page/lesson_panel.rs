//! The side panel's Lesson tab: the scenario's explanation (what breaks,
//! what to watch, what to try) and the way to its problem or cure (at the
//! end of its Try, so in view with it); once the
//! user has changed the design, it steps aside for "Your design". A long
//! explanation shows its lead with the rest behind "more" (`lesson_text`),
//! so Watch and Try are in view when a scenario is picked.

use yew::prelude::*;

use crate::lesson_text;
use crate::library::LESSONS;
use crate::page::models_page::ModelsPage;
use crate::worker::protocol::ScenarioInfo;

#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    /// The scenario running, once loaded.
    pub scenario: Option<ScenarioInfo>,
    /// The user has edited the design away from the lesson.
    pub diverged: bool,
    /// Opens a library file (the lesson's cure or problem).
    pub on_open: Callback<String>,
}

/// The lesson's partner file: the cure of a problem, or the problem a cure
/// answers, with the button's words.
fn partner(file: &str) -> Option<(&'static str, &'static str)> {
    LESSONS.iter().find_map(|l| match l.cure {
        Some(c) if l.file == file => Some(("Open the cure", c)),
        Some(c) if c == file => Some(("Open the problem", l.file)),
        _ => None,
    })
}

/// The Lesson tab.
#[function_component(LessonPanel)]
pub fn lesson_panel(props: &LessonPanelProps) -> Html {
    // The file whose explanation is shown whole ("more" pressed): another
    // scenario picked starts with its lead again.
    let open_for = use_state(|| None::<String>);
    let Some(info) = &props.scenario else {
        return html! { <section class="lesson" aria-label="About this scenario"><ModelsPage /></section> };
    };
    let open = open_for.as_deref() == Some(info.file.as_str());
    let description = info.description.as_deref().map(lesson_text::lead).map(|lead| {
        let toggle = {
            let (open_for, file) = (open_for.clone(), info.file.clone());
            Callback::from(move |_: MouseEvent| open_for.set((!open).then(|| file.clone())))
        };
        html! {
            <p class="description" data-testid="lesson-description">
                { lead.head.clone() }
                if lead.has_more() {
                    if lead.cut && !open { {"…"} }
                    <span id="lesson-more" hidden={!open}>{ lead.tail.clone() }</span>
                    {" "}
                    <button class="link more" aria-expanded={open.to_string()} aria-controls="lesson-more"
                        onclick={toggle}>{ if open { "less" } else { "more" } }</button>
                }
            </p>
        }
    });
    let partner = partner(&info.file).map(|(label, file)| {
        let open = props.on_open.clone();
        let onclick = Callback::from(move |_| open.emit(file.to_owned()));
        html! { <button id="partner" class="link" {onclick}>{ label }</button> }
    });
    // The lesson's partner ends its Try, in view with it however long the
    // explanation; beside an edited design, under the folded lesson.
    let (in_try, after) = if props.diverged { (None, partner) } else { (partner, None) };
    let text = html! {
        <>
            { for description }
            if let Some(w) = &info.watch {
                <p><strong>{"Watch: "}</strong>{ w.clone() }</p>
            }
            if let Some(t) = &info.try_this {
                <p><strong>{"Try: "}</strong>{ t.clone() }{" "}{ for in_try }</p>
            }
        </>
    };
    html! {
        <section class="lesson" aria-label="About this scenario">
            if props.diverged {
                <h2>{"Your design"}</h2>
                <p class="muted" data-testid="diverged">{ format!("Edited from “{}”. Undo goes back step by step; the figures and charts are of your design.", info.name) }</p>
                <details class="original">
                    <summary>{"The lesson it started from"}</summary>
                    { text }
                </details>
            } else {
                <h2>{ info.name.clone() }</h2>
                { text }
            }
            { for after }
            <ModelsPage />
        </section>
    }
}
