//! The embed dialog (Share ▸ Embed): a live preview of the player and the
//! author's options (what to show, which figure, height or aspect ratio,
//! theme, autoplay, start time, load, title), with one-click copy of the
//! three snippets `keep::embed_snippet` writes. A built-in lesson, as
//! shipped, embeds by name (`scenario=`, so later fixes to it reach the
//! embed); anything edited embeds as a link holding its text.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::keep::embed_snippet::{
    self, AUTO_GUESS_PX, Embed, EmbedOptions, Figure, Height, Show, Source, Theme,
};
use crate::keep::{share_link, store};
use crate::side::SideSlot;
use crate::{browser, headline, library};

/// What the dialog embeds.
#[derive(Clone, Debug, PartialEq)]
pub struct EmbedRequest {
    pub source: Source,
    /// The scenario's name.
    pub name: String,
    /// Edited from what it was opened as (it gets a title of its own).
    pub edited: bool,
    /// The lesson's `watch`, which names the default figure.
    pub watch: Option<String>,
    /// The load multiplier in force.
    pub load: f64,
}

/// What the side runs, as an embed source: the lesson by name when its
/// text is the library's own, else a link holding the text (from time
/// zero, at `load`, with `seed`).
pub async fn request_for(
    side: &SideSlot,
    seed: Option<u64>,
    load: f64,
    name: String,
    watch: Option<String>,
) -> Result<EmbedRequest, String> {
    // The worker owns the document: its text now (edits included).
    let (file, toml) = match crate::side::text(side).await {
        Some(text) => text,
        None => side.borrow().current.good.clone(),
    };
    let listed = library::LESSONS.iter().any(|l| l.file == file || l.cure == Some(file.as_str()));
    let shipped =
        listed && crate::page::app::fetch_text(&library::url(&file)).await.is_ok_and(|t| t == toml);
    let source = if shipped {
        Source::Lesson(file)
    } else {
        let a = share_link::Variant {
            file,
            toml,
            seed,
            time_ns: 0,
            load,
            history: Vec::new(),
            past_end: false,
        };
        Source::Link(
            store::link_fragment(&share_link::Shared { a, b: None, editing_b: false }).await?,
        )
    };
    Ok(EmbedRequest { source, name, edited: !shipped, watch, load })
}

#[derive(Properties, PartialEq)]
pub struct EmbedDialogProps {
    pub request: EmbedRequest,
    pub on_close: Callback<()>,
}

/// The heights the dialog offers: `(value, label, height)`.
const HEIGHTS: [(&str, &str, Height); 7] = [
    ("auto", "Auto: fits its content (script form)", Height::Auto),
    ("400", "400 px", Height::Px(400)),
    ("520", "520 px", Height::Px(520)),
    ("640", "640 px", Height::Px(640)),
    ("16:10", "16:10", Height::Aspect(16, 10)),
    ("4:3", "4:3", Height::Aspect(4, 3)),
    ("1:1", "1:1", Height::Aspect(1, 1)),
];

/// The dialog.
#[function_component(EmbedDialog)]
pub fn embed_dialog(props: &EmbedDialogProps) -> Html {
    let request = &props.request;
    let options = {
        let request = request.clone();
        use_state(move || EmbedOptions {
            load: Some(request.load).filter(|l| (*l - 1.0).abs() > 1e-9),
            title: request.edited.then(|| format!("{} (edited)", request.name)),
            ..EmbedOptions::default()
        })
    };
    let status = use_state(|| None::<String>);
    let base = embed_snippet::base_of(&browser::page_url()).to_owned();
    let title = options.title.clone().unwrap_or_else(|| request.name.clone());
    let embed = Embed { base: &base, source: &request.source, options: &options, title: &title };
    let forms = [
        (
            "iframe",
            "embed-snippet",
            "An <iframe> (plain HTML, Markdown that allows HTML)",
            embed.iframe(),
        ),
        ("mdx", "embed-mdx", "JSX for MDX (Docusaurus and the like)", embed.mdx()),
        (
            "element",
            "embed-element",
            "Script and element: sizes itself to its content",
            embed.element(),
        ),
    ];
    let snippets = forms.into_iter().map(|(key, id, label, text)| {
        let status = status.clone();
        let copied = text.clone();
        let onclick = Callback::from(move |_| {
            let (status, text) = (status.clone(), copied.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let ok = browser::copy(&text).await;
                status.set(Some(if ok {
                    "Copied.".to_owned()
                } else {
                    "The browser would not copy: select the text and copy it.".to_owned()
                }));
            });
        });
        html! {
            <div class="snippet">
                <label for={id}>{ label }</label>
                <textarea id={id} readonly=true rows="3" value={text} />
                <button id={format!("copy-{key}")} {onclick}>{"Copy"}</button>
            </div>
        }
    });
    let preview_style = match embed.frame_height() {
        Height::Aspect(w, h) => format!("aspect-ratio:{w} / {h}"),
        Height::Px(px) => format!("height:{px}px"),
        Height::Auto => format!("height:{AUTO_GUESS_PX}px"),
    };
    let on_close = props.on_close.reform(|_: MouseEvent| ());
    // A modal dialog takes the focus when it opens (the Embed… button
    // that opened it sits in a menu that has closed), so Escape and Tab
    // work in it at once.
    let close_ref = use_node_ref();
    {
        let close_ref = close_ref.clone();
        use_effect_with((), move |_| {
            if let Some(button) = close_ref.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    let on_key = {
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_close.emit(());
            }
        })
    };
    html! {
        <div class="embed-backdrop">
            <section class="embed-dialog" role="dialog" aria-modal="true" aria-labelledby="embed-dialog-title" onkeydown={on_key}>
                <header class="embed-dialog-head">
                    <h2 id="embed-dialog-title">{"Embed this scenario"}</h2>
                    <button id="embed-close" ref={close_ref} onclick={on_close}>{"Close"}</button>
                </header>
                <p class="muted">{ if request.edited {
                    "Your edited design travels inside the embed's address; a reader's changes stay in their page."
                } else {
                    "This lesson embeds by name: later fixes to it reach your page. A reader's changes stay in their page."
                } }</p>
                { option_fields(&options, request) }
                <div class="embed-preview">
                    <iframe id="embed-preview" src={embed.framed_url()} title="Preview of the embedded player" style={preview_style}></iframe>
                </div>
                { for snippets }
                if let Some(s) = &*status {
                    <p role="status" class="notice">{ s.clone() }</p>
                }
            </section>
        </div>
    }
}

/// The options' form fields.
fn option_fields(options: &UseStateHandle<EmbedOptions>, request: &EmbedRequest) -> Html {
    let set = |change: fn(&mut EmbedOptions, String)| {
        let options = options.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_dyn_into::<HtmlSelectElement>()
                .map(|s| s.value())
                .or_else(|| e.target_dyn_into::<HtmlInputElement>().map(|i| input_value(&i)))
                .unwrap_or_default();
            let mut next = (*options).clone();
            change(&mut next, value);
            options.set(next);
        })
    };
    let lesson_figure = headline::figure_for_watch(request.watch.as_deref());
    let figure_options = Figure::ALL.iter().map(|f| {
        html! { <option value={f.key()} selected={options.figure == Some(*f)}>{ f.label() }</option> }
    });
    let height_key = HEIGHTS.iter().find(|h| h.2 == options.height).map_or("auto", |h| h.0);
    let height_options = HEIGHTS.iter().map(|(key, label, _)| {
        html! { <option value={*key} selected={*key == height_key}>{ *label }</option> }
    });
    let select = |id: &'static str, label: &'static str, onchange: Callback<Event>, body: Html| {
        html! { <label class="embed-option" for={id}>{ label }<select {id} {onchange}>{ body }</select></label> }
    };
    html! {
        <div class="embed-options">
            { select("embed-show", "Show", set(|o, v| o.show = match v.as_str() {
                "topology" => Show::Topology, "chart" => Show::Chart, _ => Show::Both }), html! {
                <>
                    <option value="both" selected={options.show == Show::Both}>{"Topology and chart"}</option>
                    <option value="topology" selected={options.show == Show::Topology}>{"Topology"}</option>
                    <option value="chart" selected={options.show == Show::Chart}>{"Chart"}</option>
                </>
            }) }
            { select("embed-figure", "Figure", set(|o, v| o.figure = Figure::from_key(&v)), html! {
                <>
                    <option value="" selected={options.figure.is_none()}>{ format!("The lesson's ({})", lesson_figure.label()) }</option>
                    { for figure_options }
                </>
            }) }
            { select("embed-height", "Height", set(|o, v| {
                o.height = HEIGHTS.iter().find(|h| h.0 == v).map_or(Height::Auto, |h| h.2);
            }), html! { <>{ for height_options }</> }) }
            { select("embed-theme", "Theme", set(|o, v| o.theme = match v.as_str() {
                "light" => Theme::Light, "dark" => Theme::Dark, _ => Theme::Auto }), html! {
                <>
                    <option value="auto" selected={options.theme == Theme::Auto}>{"The reader's"}</option>
                    <option value="light" selected={options.theme == Theme::Light}>{"Light"}</option>
                    <option value="dark" selected={options.theme == Theme::Dark}>{"Dark"}</option>
                </>
            }) }
            <label class="embed-option check" for="embed-autoplay">
                <input id="embed-autoplay" type="checkbox" checked={options.autoplay}
                    onchange={set(|o, v| o.autoplay = v == "on")} />
                {"Play on load (else the reader presses Play)"}
            </label>
            <label class="embed-option" for="embed-start">{"Start at (s)"}
                <input id="embed-start" type="number" min="0" max="86400" step="1" value={options.start_s.to_string()}
                    onchange={set(|o, v| o.start_s = v.trim().parse::<f64>().ok().filter(|s| s.is_finite() && *s >= 0.0).map_or(0, |s| s.min(86_400.0) as u32))} />
            </label>
            <label class="embed-option" for="embed-load">{"Load ×"}
                <input id="embed-load" type="number" min="0.1" max="1000" step="any" value={crate::keep::embed_snippet::load_text(options.load)}
                    onchange={set(|o, v| o.load = v.trim().parse::<f64>().ok().filter(|l| l.is_finite() && *l > 0.0).map(|l| l.clamp(0.1, 1000.0)))} />
            </label>
            { title_field(options, &request.name) }
        </div>
    }
}

/// The title: the scenario's own name is not repeated in the address.
fn title_field(options: &UseStateHandle<EmbedOptions>, name: &str) -> Html {
    let shown = options.title.clone().unwrap_or_else(|| name.to_owned());
    let onchange = {
        let (options, name) = (options.clone(), name.to_owned());
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else { return };
            let title = input.value().trim().to_owned();
            let mut next = (*options).clone();
            next.title = Some(title).filter(|t| !t.is_empty() && *t != name);
            options.set(next);
        })
    };
    html! {
        <label class="embed-option wide" for="embed-title">{"Title"}
            <input id="embed-title" type="text" maxlength="120" value={shown} {onchange} />
        </label>
    }
}

/// An input's value, or "on"/"off" for a checkbox.
fn input_value(input: &HtmlInputElement) -> String {
    if input.type_() == "checkbox" {
        if input.checked() { "on" } else { "off" }.to_owned()
    } else {
        input.value()
    }
}
