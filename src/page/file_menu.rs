//! The File menu: open a file from disk, save and reopen named scenarios
//! (local storage), and export the scenario, its windows, its summary, its
//! traces (OTLP JSON) or a clip of the topology. What it writes is the
//! worker's document as it is when asked, never a copy that may lag behind.
//!
//! While comparing, everything it saves or exports is the variant on
//! screen (the one being edited), named with its letter
//! (`sync-chain-B-metrics.csv`); a file opened from disk or from the saved
//! list replaces variant A, as outside a comparison (A's document, if
//! edited, kept in the saved list first: `keep::kept`).

use std::rc::Rc;

use scalesim_engine::WindowReport;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::browser;
use crate::keep::kept::Opened;
use crate::keep::{export, store};
use crate::side::{self, SideSlot};
use crate::worker::protocol::ToWorker;

#[derive(Properties, Clone)]
pub struct FileMenuProps {
    /// The variant on screen (A, or B while editing it): what is saved and
    /// exported.
    pub shown: SideSlot,
    /// Its letter while comparing (in every export's name), else `None`.
    pub variant: Option<AttrValue>,
    /// The shown variant's windows so far (the CSV export).
    pub windows: Rc<Vec<Rc<WindowReport>>>,
    /// Node ids in window order.
    pub nodes: Rc<Vec<String>>,
    pub ready: bool,
    /// A scenario file the user picked, to open.
    pub on_open_file: Callback<web_sys::File>,
    /// A failure, in words, for the page to show.
    pub on_error: Callback<String>,
    /// Opens a saved scenario (by name) into variant A.
    pub on_open_saved: Callback<String>,
    /// Changes when the saved list changed elsewhere (edits kept).
    pub saved_version: u32,
}

impl PartialEq for FileMenuProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.shown, &other.shown)
            && self.saved_version == other.saved_version
            && self.variant == other.variant
            && Rc::ptr_eq(&self.windows, &other.windows)
            && self.nodes == other.nodes
            && self.ready == other.ready
    }
}

/// The File menu of the top bar.
#[function_component(FileMenu)]
pub fn file_menu(props: &FileMenuProps) -> Html {
    let save_name = use_state(String::new);
    let saved = use_state(store::saved);
    let notice = use_state(|| None::<String>);
    {
        let saved = saved.clone();
        use_effect_with(props.saved_version, move |_| saved.set(store::saved()));
    }

    let on_import = {
        let open = props.on_open_file.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                input.set_value("");
                // The menu closes, so what opening says (an error too) shows.
                crate::page::shortcuts::close_all_menus();
                open.emit(file);
            }
        })
    };
    let on_name = {
        let save_name = save_name.clone();
        Callback::from(move |e: InputEvent| {
            save_name.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_save = {
        let (side, save_name, saved, notice) =
            (props.shown.clone(), save_name.clone(), saved.clone(), notice.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (side, name, saved, notice) =
                (side.clone(), (*save_name).clone(), saved.clone(), notice.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let Some((file, toml)) = side::text(&side).await else {
                    notice.set(Some("Not saved: no scenario runs.".to_owned()));
                    return;
                };
                match store::save_as(&name, &file, &toml) {
                    Ok(()) => {
                        // Edits from here on are kept beside it, not lost.
                        side.borrow_mut().opened = Opened::new(&toml, Some(name.trim().to_owned()));
                        notice.set(Some(format!("Saved as “{}”.", name.trim())));
                        saved.set(store::saved());
                    }
                    Err(message) => notice.set(Some(format!("Not saved: {message}."))),
                }
            });
        })
    };
    let on_open_saved = {
        let open = props.on_open_saved.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let name = select.value();
            select.set_value("");
            if !name.is_empty() {
                crate::page::shortcuts::close_all_menus();
                open.emit(name);
            }
        })
    };
    let on_delete_saved = {
        let (saved, save_name, notice) = (saved.clone(), save_name.clone(), notice.clone());
        Callback::from(move |_| {
            let name = save_name.trim().to_owned();
            if saved.iter().any(|s| s.name == name) {
                store::delete(&name);
                saved.set(store::saved());
                notice.set(Some(format!("Deleted “{name}”.")));
            } else {
                notice.set(Some("Type the name of a saved scenario to delete it.".to_owned()));
            }
        })
    };
    let report = {
        let on_error = props.on_error.clone();
        move |r: Result<(), String>| {
            if let Err(message) = r {
                on_error.emit(message);
            }
        }
    };
    let variant = props.variant.clone();
    // The shown variant's name for its exports, read when clicked.
    let stem_of = move |side: &SideSlot| {
        export::variant_stem(&side.borrow().current.good.0, variant.as_deref())
    };
    let on_export_toml = {
        let (side, report, stem_of) = (props.shown.clone(), report.clone(), stem_of.clone());
        Callback::from(move |_| {
            let (side, report) = (side.clone(), report.clone());
            let stem = stem_of(&side);
            wasm_bindgen_futures::spawn_local(async move {
                if let Some((_, toml)) = side::text(&side).await {
                    let name = format!("{stem}.toml");
                    report(browser::download_bytes(&name, "application/toml", toml.as_bytes()));
                }
            });
        })
    };
    let on_export_csv = {
        let (side, report, stem_of) = (props.shown.clone(), report.clone(), stem_of.clone());
        let (windows, nodes) = (props.windows.clone(), props.nodes.clone());
        Callback::from(move |_| {
            let csv = export::windows_csv(&windows, &nodes);
            let name = format!("{}-metrics.csv", stem_of(&side));
            report(browser::download_bytes(&name, "text/csv", csv.as_bytes()));
        })
    };
    // The worker answers these; the side names the download.
    let ask = |command: ToWorker| {
        let (side, stem_of) = (props.shown.clone(), stem_of.clone());
        Callback::from(move |_| {
            side.borrow_mut().export_stem = Some(stem_of(&side));
            side.borrow().send(&command);
        })
    };
    let on_export_summary = ask(ToWorker::Summary);
    let on_export_traces = ask(ToWorker::ExportTraces);
    let on_record = {
        let (side, notice, on_error) =
            (props.shown.clone(), notice.clone(), props.on_error.clone());
        Callback::from(move |_| {
            let name = format!("{}-topology.webm", stem_of(&side));
            record_clip(name, notice.clone(), on_error.clone());
        })
    };
    html! {
        <details class="menu">
            <summary id="menu-file">{"File ▾"}</summary>
            <div class="menu-body">
                <label class="import">{"Open a file "}
                    <input id="import" type="file" accept=".toml,text/plain" onchange={on_import} />
                </label>
                <form class="save" onsubmit={on_save}>
                    <input id="save-name" type="text" placeholder="name" aria-label="Save as"
                        value={(*save_name).clone()} oninput={on_name} />
                    <button id="save" type="submit">{"Save"}</button>
                </form>
                <span class="row">
                    <select id="saved" aria-label="Saved scenarios" onchange={on_open_saved}>
                        <option value="" selected=true>{ format!("Saved ({})…", saved.len()) }</option>
                        { for saved.iter().map(|s| html! { <option value={s.name.clone()}>{ s.name.clone() }</option> }) }
                    </select>
                    <button id="delete-saved" onclick={on_delete_saved} title="Delete the saved scenario named in the box">{"Delete saved"}</button>
                </span>
                <span class="row" role="group" aria-label="Export">
                    {"Export "}
                    <button id="export-toml" onclick={on_export_toml} title="The scenario as edited, as the CLI reads it">{"TOML"}</button>
                    <button id="export-csv" onclick={on_export_csv} title="Every window's numbers">{"CSV"}</button>
                    <button id="export-summary" onclick={on_export_summary} disabled={!props.ready} title="The run so far, as scalesim run --json prints it">{"Summary JSON"}</button>
                    <button id="export-traces" onclick={on_export_traces} disabled={!props.ready} title="The requests traced so far (the latest 20 000 spans), as OTLP JSON for Jaeger or Tempo: the file scalesim run --traces writes">{"Traces (OTLP)"}</button>
                    <button id="record" onclick={on_record} title="Five seconds of the animated topology as a WebM clip">{"Clip (5 s)"}</button>
                </span>
                if let Some(n) = &*notice {
                    <p class="notice" role="status">{ n.clone() }</p>
                }
            </div>
        </details>
    }
}

/// Records five seconds of the topology canvas as `name`, saying how it
/// went in `notice`.
fn record_clip(name: String, notice: UseStateHandle<Option<String>>, on_error: Callback<String>) {
    let Some(canvas) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("topology"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok())
    else {
        return;
    };
    notice.set(Some("Recording 5 seconds of the topology…".to_owned()));
    wasm_bindgen_futures::spawn_local(async move {
        match browser::record(&canvas, 5, &name).await {
            Ok(()) => notice.set(Some(format!("Recorded {name}."))),
            Err(message) => {
                notice.set(None);
                on_error.emit(message);
            }
        }
    });
}
