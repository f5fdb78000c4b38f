//! The playback controls as components of their own, shared by the
//! workbench's top bar and the embedded player: the library picker, the
//! speed buttons and the load slider.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::format;
use crate::library::LESSONS;
use crate::load_gesture::{self, Commit, SliderEvent};
use crate::worker::protocol::Speed;

#[derive(Properties, PartialEq)]
pub struct LibraryPickerProps {
    /// The file shown (selected in the list when it is a lesson).
    pub shown_file: AttrValue,
    /// Called with the file picked.
    pub on_pick: Callback<String>,
}

/// The built-in scenarios: each lesson, and its cure after it.
#[function_component(LibraryPicker)]
pub fn library_picker(props: &LibraryPickerProps) -> Html {
    let shown = props.shown_file.as_str();
    let options =
        LESSONS.iter().flat_map(|l| {
            let problem = html! {
                <option value={l.file} selected={shown == l.file}>{ l.title }</option>
            };
            let cure = l.cure.map(|c| html! {
            <option value={c} selected={shown == c}>{ format!("{} (cured)", l.title) }</option>
        });
            std::iter::once(problem).chain(cure)
        });
    // A file of the user's own: named first and selected, so the list does
    // not show the first lesson as if it were playing.
    let in_library = LESSONS.iter().any(|l| l.file == shown || l.cure == Some(shown));
    let own = (!in_library).then(|| {
        html! { <option value="" selected=true disabled=true>{ own_file_label(shown) }</option> }
    });
    let options = own.into_iter().chain(options);
    let onchange = props.on_pick.reform(|e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        select.value()
    });
    html! {
        <label class="library">
            <span class="visually-hidden">{"Library"}</span>
            <select id="library" aria-label="Scenario library" {onchange}>{ for options }</select>
        </label>
    }
}

/// How the library list names a file that is not one of its lessons.
pub fn own_file_label(file: &str) -> String {
    match file.trim() {
        "" => "Your scenario".to_owned(),
        name => format!("Your file: {name}"),
    }
}

#[derive(Properties, PartialEq)]
pub struct SpeedPickerProps {
    pub speed: Speed,
    pub on_change: Callback<Speed>,
}

/// 1×, 10×, 100×, as fast as it goes.
#[function_component(SpeedPicker)]
pub fn speed_picker(props: &SpeedPickerProps) -> Html {
    let buttons = Speed::ALL.iter().map(|&s| {
        let pressed = if props.speed == s { "true" } else { "false" };
        let onclick = props.on_change.reform(move |_: MouseEvent| s);
        html! { <button class="speed" aria-pressed={pressed} {onclick}>{ s.label() }</button> }
    });
    html! { <span class="group speeds" role="group" aria-label="Speed">{ for buttons }</span> }
}

#[derive(Properties, PartialEq)]
pub struct LoadSliderProps {
    /// The multiplier in force (the worker's).
    pub multiplier: f64,
    /// Called with the multiplier the slider now stands for.
    pub on_change: Callback<f64>,
}

/// Every load's rate times 0.1 to 1000, on a log scale, snapped to two
/// significant figures; its label has a fixed width, so the slider does not
/// move under the pointer. One change a gesture (`load_gesture`): a drag
/// shows the values it passes and changes the run when let go; arrow keys
/// change it when they pause.
#[function_component(LoadSlider)]
pub fn load_slider(props: &LoadSliderProps) -> Html {
    let m = props.multiplier;
    // The multiplier the slider shows and the run does not have yet (a
    // drag under way, keys not settled, a change not yet reported back by
    // the worker): the slider and its label stand there, and the arrows
    // step from it.
    let shown = use_state_eq(|| None::<f64>);
    let settle = use_mut_ref(|| None::<gloo_timers::callback::Timeout>);
    let at = shown.unwrap_or(m);
    {
        // The worker reported the value shown: nothing is pending.
        let shown = shown.clone();
        use_effect_with(m, move |m| {
            if *shown == Some(*m) {
                shown.set(None);
            }
        });
    }
    let on_event = {
        let (on_change, shown) = (props.on_change.clone(), shown.clone());
        move |event: SliderEvent| -> bool {
            let (next, commit) = load_gesture::step(shown.unwrap_or(m), m, event);
            if next.is_some() {
                shown.set(next);
            }
            match commit {
                Commit::No => drop(settle.borrow_mut().take()),
                Commit::Now(to) => {
                    settle.borrow_mut().take();
                    on_change.emit(to);
                }
                Commit::Settled(to) => {
                    let on_change = on_change.clone();
                    let timer = gloo_timers::callback::Timeout::new(
                        load_gesture::KEY_SETTLE_MS,
                        move || on_change.emit(to),
                    );
                    *settle.borrow_mut() = Some(timer);
                }
            }
            next.is_some()
        }
    };
    let exponent = |e: &Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        input.value().parse::<f64>().ok()
    };
    let oninput = {
        let on_event = on_event.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(x) = exponent(&e) {
                on_event(SliderEvent::Input(x));
            }
        })
    };
    let onchange = {
        let on_event = on_event.clone();
        Callback::from(move |e: Event| {
            if let Some(x) = exponent(&e) {
                on_event(SliderEvent::Change(x));
            }
        })
    };
    // The arrows step on the slider's own grid (`format::slider_key`): the
    // browser's step would snap back to where it was.
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if on_event(SliderEvent::Key(&e.key())) {
            e.prevent_default();
        }
    });
    html! {
        <label class="load" title="Every load's rate times this">
            {"Load"}
            <input id="load-multiplier" type="range" step="0.01"
                min={format::SLIDER_EXPONENTS.0.to_string()} max={format::SLIDER_EXPONENTS.1.to_string()}
                aria-valuetext={format::multiplier(at)} value={format!("{}", at.log10())}
                {oninput} {onchange} {onkeydown} />
            <span class="load-value" data-testid="load-multiplier"
                data-in-force={format::multiplier(m)}>{ format::multiplier(at) }</span>
        </label>
    }
}
