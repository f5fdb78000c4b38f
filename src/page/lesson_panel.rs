//! The side panel's Lesson tab: the scenario's explanation (what breaks,
//! what to watch, what to try) and the way to its problem or cure; once the
//! user has changed the design, it steps aside for "Your design".

use yew::prelude::*;

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
    let Some(info) = &props.scenario else {
        return html! { <section class="lesson" aria-label="About this scenario"><ModelsPage /></section> };
    };
    let text = html! {
        <>
            if let Some(d) = &info.description {
                <p class="description">{ d.clone() }</p>
            }
            if let Some(w) = &info.watch {
                <p><strong>{"Watch: "}</strong>{ w.clone() }</p>
            }
            if let Some(t) = &info.try_this {
                <p><strong>{"Try: "}</strong>{ t.clone() }</p>
            }
        </>
    };
    let partner = partner(&info.file).map(|(label, file)| {
        let open = props.on_open.clone();
        let onclick = Callback::from(move |_| open.emit(file.to_owned()));
        html! { <button id="partner" {onclick}>{ label }</button> }
    });
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
            { for partner }
            <ModelsPage />
        </section>
    }
}
