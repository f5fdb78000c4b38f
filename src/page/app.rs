//! The page: the library, playback controls, live numbers and charts,
//! fed by frames from the simulation worker.

use std::rc::Rc;

use scalesim_engine::edit::Edit;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::canvas::topology_canvas::TopologyCanvas;
use crate::canvas::topology_layout::Selection;
use crate::keep::{share_link, store};
use crate::page::alerts::Alerts;
use crate::page::app_state::{Action, AppState, LiveChange, LiveOutcome};
use crate::page::compare_view::CompareView;
use crate::page::controls::{LibraryPicker, LoadSlider, SpeedPicker};
use crate::page::dashboard::Dashboard;
use crate::page::editor_bar::EditorBar;
use crate::page::embed_dialog::{self, EmbedDialog, EmbedRequest};
use crate::page::figure_strip::FigureStrip;
use crate::page::file_menu::FileMenu;
use crate::page::inspector::Inspector;
use crate::page::lesson_panel::LessonPanel;
use crate::page::panels::ComponentList;
use crate::page::shortcuts::{use_history_keys, use_link_arrival, use_menu_dismissal};
use crate::page::source_panel::{SourceAction, SourcePanel};
use crate::page::sweep_panel::SweepPanel;
use crate::page::tab_bar::TabBar;
use crate::page::waterfall::RequestPanel;
use crate::side::{self, Side, SideEvent, SideSlot};
use crate::source_draft::KeptDraft;
use crate::workbench::{DashTab, SideTab, SweepForm, View};
use crate::worker::protocol::{FromWorker, Speed, ToWorker};
use crate::{browser, insight};
use crate::{format, library};

/// The scenario the page opens with (`scenarios/station.toml`): one service,
/// two workers, 75% busy; past about 1.33× the load it saturates. The page
/// hands the file's text to the worker, which parses it: the TOML parser
/// lives in the worker's bundle only.
pub const DEMO_FILE: &str = "station.toml";
/// The text of [`DEMO_FILE`].
pub const DEMO_TOML: &str = include_str!("../../scenarios/station.toml");

/// A document to open in variant A: `(file, toml)`, the saved entry it
/// comes from, and the Source draft kept with that entry.
type Opening = ((String, String), Option<String>, Option<String>);

/// The root component.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::default);
    let state_b = use_reducer(AppState::default);
    let side_a: SideSlot = {
        let dispatch = state.dispatcher();
        (*use_state(move || {
            Side::new(
                DEMO_FILE.to_owned(),
                DEMO_TOML.to_owned(),
                Callback::from(move |e: SideEvent| dispatch.dispatch(Action::from(e))),
            )
        }))
        .clone()
    };
    // Variant B while comparing.
    let side_b = use_mut_ref(|| None::<SideSlot>);
    let editing_b = use_state(|| false);
    // The Source tab's draft, kept while other tabs are shown (and over a
    // reload: then the tab opens on it).
    let source_draft = use_reducer(|| store::restored_draft().unwrap_or_default());
    let side_tab =
        use_state(|| if source_draft.dirty() { SideTab::Source } else { SideTab::default() });
    // The saved entry the last edited document opened over went to, and
    // whether the Source tab's draft went with it (the notice with "Back
    // to my edits").
    let kept_notice = use_state(|| None::<(AttrValue, bool)>);
    // Bumped when the saved list changes outside the File menu.
    let saved_version = use_state(|| 0u32);
    // The notices over the canvas's foot: the canvas keeps its view above them.
    let notices = use_node_ref();
    let dash_tab = use_state(DashTab::default);
    let view = use_state(View::default);
    let speed = use_state(Speed::default);
    let seed_text = use_state(String::new);
    let change_text = use_state(String::new);
    // The sweep form: `None` = the scenario's suggestion.
    let sweep_form = use_state(SweepForm::default);

    // Share, keep and export.
    let share_text = use_state(|| None::<(String, String)>);
    // The embed dialog, while open (`page/embed_dialog`).
    let embed_request = use_state(|| None::<EmbedRequest>);
    // Requests are traced (the Traces switch), and the one picked.
    let tracing = use_state(|| true);
    let picked = use_state(|| None::<Rc<scalesim_engine::trace::Trace>>);

    // When what the page opens needs nothing awaited (the demo, or the
    // user's autosaved work), its worker is taken in the first render: the
    // worker has been starting since `main` and its `Ready` is acted on as
    // soon as it comes, not after the page's first layout and effects.
    let started = *use_state(|| {
        let (own, opened) = store::start_up_now()?;
        {
            let mut a = side_a.borrow_mut();
            a.current.good = own;
            a.opened = opened;
            a.autosave();
        }
        side::spawn(&side_a);
        Some(())
    });
    {
        let (side_a, side_b, dispatch) = (side_a.clone(), side_b.clone(), state.dispatcher());
        let (linked_b, dispatch_b) = (side_b.clone(), state_b.dispatcher());
        let (editing_b, dash_tab) = (editing_b.clone(), dash_tab.clone());
        let (kept_notice, saved_version) = (kept_notice.clone(), saved_version.clone());
        use_effect_with((), move |_| {
            let starting = side_a.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if started.is_some() {
                    return;
                }
                let mut start = store::start_up().await;
                // What opens over the user's own work keeps it first, as a
                // pick from the library does; if it cannot be kept, the
                // work stays and nothing opens over it.
                if start.open.is_some() {
                    match store::keep_own(&mut start.own) {
                        Ok(Some(kept)) => {
                            kept_notice.set(Some((AttrValue::from(kept.0), kept.1)));
                            saved_version.set(*saved_version + 1);
                        }
                        Ok(None) => {}
                        Err(message) => {
                            (start.open, start.open_b) = (None, None);
                            start.message = Some(message);
                        }
                    }
                }
                {
                    let mut a = starting.borrow_mut();
                    (a.current.good, a.opened) = start.own;
                    a.autosave();
                    if let Some((file, toml, after)) = start.open {
                        a.open_when_ready(file, toml, after);
                    }
                }
                if let Some(message) = start.message {
                    dispatch.dispatch(Action::OpenFailed(message));
                }
                side::spawn(&starting);
                // A link made while comparing opens the comparison.
                if let Some((file, toml, after)) = start.open_b {
                    let sink = Callback::from(move |e: SideEvent| dispatch_b.dispatch(e.into()));
                    *linked_b.borrow_mut() = Some(side::spawn_linked(file, toml, after, sink));
                    dash_tab.set(DashTab::Compare);
                    editing_b.set(start.editing_b);
                }
            });
            move || {
                side::stop(&side_a);
                if let Some(b) = side_b.borrow_mut().take() {
                    side::stop(&b);
                }
            }
        });
    }

    // Commands about playback go to both variants, so they stay in step.
    let send = {
        let (side_a, side_b) = (side_a.clone(), side_b.clone());
        move |command: ToWorker| {
            side_a.borrow().send(&command);
            if let Some(b) = side_b.borrow().as_ref() {
                b.borrow().send(&command);
            }
        }
    };
    // Each worker traces as the switch says, a respawned one too.
    {
        let send = send.clone();
        use_effect_with((*tracing, state.ready, state_b.ready), move |(on, _, _)| {
            send(ToWorker::SetTraces { on: *on });
        });
    }
    // Another scenario, or another run of it: the picked request is gone.
    {
        let picked = picked.clone();
        use_effect_with(state.scenario_key, move |_| picked.set(None));
    }
    // The variant the canvas, the inspector and undo work on.
    let edited_side = {
        let (side_a, side_b, editing_b) = (side_a.clone(), side_b.clone(), editing_b.clone());
        move || -> SideSlot {
            match side_b.borrow().as_ref() {
                Some(b) if *editing_b => b.clone(),
                _ => side_a.clone(),
            }
        }
    };
    let editing_b_now = *editing_b && side_b.borrow().is_some();
    let edited_state = if editing_b_now { &state_b } else { &state };
    let on_edit = {
        let edited_side = edited_side.clone();
        Callback::from(move |e: Edit| side::edit(&edited_side(), e))
    };
    let on_canvas_edit = {
        let edited_side = edited_side.clone();
        Callback::from(move |e: Edit| side::canvas_edit(&edited_side(), e))
    };
    let on_select = {
        let dispatch = edited_state.dispatcher();
        Callback::from(move |s: Option<Selection>| dispatch.dispatch(Action::Select(s)))
    };
    // A component dragged on the canvas is selected without turning the
    // side panel (`gestures::selection_after`): this holds the next
    // selection change from turning it.
    let quiet_selection = use_mut_ref(|| false);
    let on_canvas_select = {
        let (on_select, quiet) = (on_select.clone(), quiet_selection.clone());
        let current = edited_state.selected.clone();
        Callback::from(move |s: crate::canvas::gestures::Selected| {
            *quiet.borrow_mut() = !s.shown && s.selection != current;
            on_select.emit(s.selection);
        })
    };
    // Whatever else selects a component (a click, a new component, a
    // rename) shows its parameters.
    {
        let side_tab = side_tab.clone();
        use_effect_with(edited_state.selected.clone(), move |selected| {
            if !std::mem::take(&mut *quiet_selection.borrow_mut()) {
                side_tab.set(side_tab.after_selection(selected.is_some()));
            }
        });
    }
    let on_undo = {
        let edited_side = edited_side.clone();
        Callback::from(move |_| side::undo(&edited_side()))
    };
    let on_redo = {
        let edited_side = edited_side.clone();
        Callback::from(move |_| side::redo(&edited_side()))
    };
    use_history_keys(edited_side.clone(), (*editing_b, side_b.borrow().is_some()));
    use_menu_dismissal();
    use_link_arrival();
    let on_play = {
        let send = send.clone();
        let playing = state.playing;
        Callback::from(move |_| send(if playing { ToWorker::Pause } else { ToWorker::Play }))
    };
    let on_reset = {
        let (side_a, side_b, dispatch, dispatch_b) =
            (side_a.clone(), side_b.clone(), state.dispatcher(), state_b.dispatcher());
        Callback::from(move |_| {
            dispatch.dispatch(Action::Restarted);
            side::spawn(&side_a);
            if let Some(b) = side_b.borrow().as_ref() {
                dispatch_b.dispatch(Action::Restarted);
                side::spawn(b);
            }
        })
    };
    // After a crash: a fresh worker on the kept scenario, at the speed in
    // use and the load chosen.
    let on_respawn = {
        let (side_a, side_b, speed) = (side_a.clone(), side_b.clone(), *speed);
        let (a_crashed, b_crashed) = (state.crashed.is_some(), state_b.crashed.is_some());
        Callback::from(move |load: f64| {
            let mut after = vec![ToWorker::SetSpeed { speed }];
            if load != 1.0 {
                after.push(ToWorker::SetLoadMultiplier { multiplier: load });
            }
            if a_crashed {
                side::respawn(&side_a, after.clone());
            }
            if let (true, Some(b)) = (b_crashed, side_b.borrow().as_ref()) {
                side::respawn(b, after);
            }
        })
    };
    let on_compare = {
        let (side_a, side_b, editing_b, dispatch_b, dash_tab) = (
            side_a.clone(),
            side_b.clone(),
            editing_b.clone(),
            state_b.dispatcher(),
            dash_tab.clone(),
        );
        Callback::from(move |_| {
            let (side_a, side_b, editing_b, dispatch, dash_tab) = (
                side_a.clone(),
                side_b.clone(),
                editing_b.clone(),
                dispatch_b.clone(),
                dash_tab.clone(),
            );
            // B is A's document as it is now, asked of A's worker.
            wasm_bindgen_futures::spawn_local(async move {
                let Some((file, toml)) = side::text(&side_a).await else { return };
                dash_tab.set(DashTab::Compare);
                let sink = Callback::from(move |e: SideEvent| dispatch.dispatch(Action::from(e)));
                let b = Side::new(file, toml, sink);
                side::spawn(&b);
                *side_b.borrow_mut() = Some(b);
                editing_b.set(true);
            });
        })
    };
    let on_close_compare = {
        let (side_b, editing_b) = (side_b.clone(), editing_b.clone());
        Callback::from(move |_| {
            if let Some(b) = side_b.borrow_mut().take() {
                side::stop(&b);
            }
            editing_b.set(false);
        })
    };
    // B's worker loads asynchronously: once it has, A starts over too, and
    // both get the same speed, load and play state, so they run on one
    // clock, one seed and one load.
    {
        let (side_a, side_b, speed, multiplier) =
            (side_a.clone(), side_b.clone(), *speed, state.shown_multiplier());
        let playing = state.playing;
        let loaded = state_b.scenario.is_some();
        use_effect_with(state_b.scenario_key, move |_| {
            let b = side_b.borrow().clone().filter(|b| !b.borrow().from_link);
            if let (true, Some(b)) = (loaded, b.as_ref()) {
                let a = side_a.borrow();
                let b = b.borrow();
                a.send(&ToWorker::Restart { seed: None });
                for side in [&*a, &*b] {
                    side.send(&ToWorker::SetSpeed { speed });
                    side.send(&ToWorker::SetLoadMultiplier { multiplier });
                    if playing {
                        side.send(&ToWorker::Play);
                    }
                }
            }
        });
    }
    let on_error = {
        let dispatch = state.dispatcher();
        Callback::from(move |message: String| {
            dispatch.dispatch(Action::Report(FromWorker::Error { message }))
        })
    };
    // Opens `(file, toml)` in variant A (from a saved entry, if named, with
    // the Source draft it kept), keeping A's document and the Source tab's
    // draft over it in the saved list first if it was edited or drafted
    // over. The draft goes with the document it was written over: the
    // Source tab then shows the new document (or its kept draft).
    let open_in_a = {
        let (side_a, dispatch) = (side_a.clone(), state.dispatcher());
        let (kept_notice, saved_version) = (kept_notice.clone(), saved_version.clone());
        let title = state.scenario.as_ref().map(|s| s.name.clone()).unwrap_or_default();
        let (source_draft, share_text) = (source_draft.clone(), share_text.clone());
        // The draft is over B while editing B: it stays there.
        let draft_over_a = !*editing_b;
        Callback::from(move |opening: Opening| {
            let ((file, toml), saved_as, restore) = opening;
            let (side_a, dispatch, title) = (side_a.clone(), dispatch.clone(), title.clone());
            let (kept_notice, saved_version) = (kept_notice.clone(), saved_version.clone());
            let (source_draft, share_text) = (source_draft.clone(), share_text.clone());
            let draft = draft_over_a
                .then(|| source_draft.kept(&side_a.borrow().current.good.0))
                .flatten()
                .map(|d| d.stored());
            wasm_bindgen_futures::spawn_local(async move {
                let with_draft = draft.is_some();
                let opened = (file, toml);
                match store::open_keeping(&side_a, &title, opened, saved_as.clone(), draft).await {
                    // The notice stays over unedited switches (back to the
                    // lesson, say) until its edits are reopened or dismissed.
                    Ok(Some(name)) => {
                        kept_notice.set(Some((AttrValue::from(name), with_draft)));
                        saved_version.set(*saved_version + 1);
                    }
                    Ok(None)
                        if saved_as.is_some()
                            && kept_notice.as_ref().map(|k| k.0.as_str())
                                == saved_as.as_deref() =>
                    {
                        kept_notice.set(None)
                    }
                    Ok(None) => {}
                    Err(message) => {
                        dispatch.dispatch(Action::Report(FromWorker::Error { message }));
                        return;
                    }
                }
                // A link made before, and the address that holds it (or
                // names a lesson), are of the document just replaced:
                // neither is offered as this one's, and a reload opens
                // this one, not what the address named.
                share_text.set(None);
                browser::forget_opening();
                if draft_over_a && (with_draft || restore.is_some()) {
                    let kept = restore.and_then(|stored| KeptDraft::read(&stored));
                    source_draft.dispatch(SourceAction::Switched(kept));
                }
            });
        })
    };
    // A saved entry, by name (the File menu, the kept notice's way back),
    // with the Source draft kept with it in the Source tab.
    let open_saved = {
        let (open_in_a, side_tab) = (open_in_a.clone(), side_tab.clone());
        Callback::from(move |name: String| {
            if let Some(s) = store::saved().into_iter().find(|s| s.name == name) {
                if s.draft.is_some() {
                    side_tab.set(SideTab::Source);
                }
                open_in_a.emit(((s.file, s.toml), Some(name), s.draft));
            }
        })
    };
    let on_kept_back = {
        let (open_saved, kept_notice) = (open_saved.clone(), kept_notice.clone());
        Callback::from(move |_| {
            if let Some((name, _)) = &*kept_notice {
                open_saved.emit(name.to_string());
            }
        })
    };
    let on_dismiss_kept = {
        let kept_notice = kept_notice.clone();
        Callback::from(move |_| kept_notice.set(None))
    };
    let open = {
        let (open_in_a, dispatch, side_tab) =
            (open_in_a.clone(), state.dispatcher(), side_tab.clone());
        Callback::from(move |file: String| {
            dispatch.dispatch(Action::ClearOpenError);
            side_tab.set(side_tab.after_open());
            let (open_in_a, dispatch) = (open_in_a.clone(), dispatch.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match fetch_text(&library::url(&file)).await {
                    Ok(toml) => open_in_a.emit(((file, toml), None, None)),
                    Err(message) => dispatch.dispatch(Action::Report(FromWorker::Error {
                        message: format!("could not open {file}: {message}"),
                    })),
                }
            });
        })
    };
    // A scenario file from the user's disk (picked or dropped): read, then
    // run like a library file (a file that cannot run is refused with every
    // problem listed, and the running scenario is kept).
    let open_file = {
        let (open_in_a, dispatch) = (open_in_a.clone(), state.dispatcher());
        Callback::from(move |file: web_sys::File| {
            dispatch.dispatch(Action::ClearOpenError);
            let (open_in_a, dispatch) = (open_in_a.clone(), dispatch.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let name = file.name();
                match JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string()) {
                    Some(toml) => open_in_a.emit(((name, toml), None, None)),
                    None => dispatch.dispatch(Action::Report(FromWorker::Error {
                        message: format!("could not read {name} as text"),
                    })),
                }
            });
        })
    };
    // The link that reproduces the run (both variants while comparing),
    // recorded by the workers: the text at time zero, seed, load, the live
    // changes at their instants, and the time to run to.
    let on_share = {
        let (side_a, side_b, share_text, dispatch) =
            (side_a.clone(), side_b.clone(), share_text.clone(), state.dispatcher());
        let editing_b = *editing_b;
        Callback::from(move |_| {
            let (side_a, side_b) = (side_a.clone(), side_b.borrow().clone());
            let (share_text, dispatch) = (share_text.clone(), dispatch.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match store::share_runs(&side_a, side_b.as_ref(), editing_b).await {
                    Ok((fragment, complete)) => {
                        browser::replace_hash(&fragment);
                        let url = format!("{}#{fragment}", browser::page_url());
                        let copied = browser::copy(&url).await;
                        let status = share_link::status(copied, complete, side_b.is_some());
                        share_text.set(Some((url, status)));
                    }
                    Err(message) => {
                        dispatch.dispatch(Action::Report(FromWorker::Error { message }))
                    }
                }
            });
        })
    };
    // Share ▸ Embed… opens the embed dialog on the scenario as it runs
    // (while comparing, the variant being edited, as the exports do).
    let on_embed = {
        let (edited_side, embed_request, dispatch) =
            (edited_side.clone(), embed_request.clone(), state.dispatcher());
        let seed = edited_state.scenario.as_ref().map(|s| s.seed);
        let name = edited_state.scenario.as_ref().map(|s| s.name.clone()).unwrap_or_default();
        let watch = edited_state.scenario.as_ref().and_then(|s| s.watch.clone());
        let load = edited_state.shown_multiplier();
        Callback::from(move |_| {
            crate::page::shortcuts::close_all_menus();
            let (side, embed_request, dispatch) =
                (edited_side(), embed_request.clone(), dispatch.clone());
            let (name, watch) = (name.clone(), watch.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match embed_dialog::request_for(&side, seed, load, name, watch).await {
                    Ok(request) => embed_request.set(Some(request)),
                    Err(message) => {
                        dispatch.dispatch(Action::Report(FromWorker::Error { message }))
                    }
                }
            });
        })
    };
    let on_close_embed = {
        let embed_request = embed_request.clone();
        Callback::from(move |()| embed_request.set(None))
    };
    // A scenario file dropped anywhere on the page opens like "Open a file".
    let on_drop = {
        let open_file = open_file.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(file) = e.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
                open_file.emit(file);
            }
        })
    };
    let on_drag_over = Callback::from(|e: DragEvent| e.prevent_default());
    let shown_file = state.scenario.as_ref().map_or(DEMO_FILE.to_owned(), |s| s.file.clone());
    let on_speed = {
        let (send, speed) = (send.clone(), speed.clone());
        Callback::from(move |s: Speed| {
            speed.set(s);
            send(ToWorker::SetSpeed { speed: s });
        })
    };
    let on_load = {
        let send = send.clone();
        Callback::from(move |m: f64| send(ToWorker::SetLoadMultiplier { multiplier: m }))
    };
    let on_step = {
        let send = send.clone();
        Callback::from(move |_| send(ToWorker::Step))
    };
    let on_restart = {
        let (send, seed_text) = (send.clone(), seed_text.clone());
        Callback::from(move |_| {
            send(ToWorker::Restart { seed: seed_text.trim().parse().ok() });
        })
    };
    let on_seed = {
        let seed_text = seed_text.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            seed_text.set(input.value());
        })
    };
    let on_change_text = {
        let change_text = change_text.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            change_text.set(input.value());
        })
    };
    let on_apply = {
        let (edited_side, change_text, dispatch) =
            (edited_side.clone(), change_text.clone(), edited_state.dispatcher());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let change = change_text.trim().to_owned();
            let (id, outcome) = match change.split_once('=') {
                Some((path, value)) => {
                    let (path, value) = (path.trim().to_owned(), value.trim().to_owned());
                    (Some(side::set(&edited_side(), path, value)), LiveOutcome::Waiting)
                }
                None => (
                    None,
                    LiveOutcome::Refused(format!(
                        "a change is PATH = VALUE, e.g. api.replicas = 4 (got `{change}`)"
                    )),
                ),
            };
            dispatch.dispatch(Action::LiveChange(LiveChange { change, id, outcome }));
        })
    };
    // The scaling curve is the edited variant's: its sweep runs on that
    // variant's worker alone. A cancel goes to both, so a sweep left
    // running on the other variant stops too.
    let on_run_sweep = {
        let (edited_side, dispatch) = (edited_side.clone(), edited_state.dispatcher());
        Callback::from(move |command: ToWorker| {
            if let ToWorker::Sweep { param, runs, duration_s } = &command {
                let inputs = crate::sweep_state::inputs(param, *runs, *duration_s);
                dispatch.dispatch(Action::SweepStarted(inputs));
            }
            edited_side().borrow().send(&command)
        })
    };
    let on_cancel_sweep = {
        let (send, dispatch) = (send.clone(), edited_state.dispatcher());
        Callback::from(move |()| {
            send(ToWorker::CancelSweep);
            dispatch.dispatch(Action::SweepCancelled);
        })
    };
    let on_sweep_form = {
        let sweep_form = sweep_form.clone();
        Callback::from(move |form: SweepForm| sweep_form.set(form))
    };
    // What the strip and the dashboard show: the variant being edited.
    let edited_names = Rc::new(edited_state.outline.node_ids());
    let comparing = side_b.borrow().is_some();
    // The shown variant's letter while comparing, and the name its exports
    // (the File menu's, the charts') start with.
    let variant = comparing.then(|| AttrValue::Static(if *editing_b { "B" } else { "A" }));
    let export_stem = AttrValue::from(crate::keep::export::variant_stem(
        &edited_side().borrow().current.good.0,
        variant.as_deref(),
    ));
    let selected_node = match &edited_state.selected {
        Some(Selection::Node(id)) => Some(id.clone()),
        Some(Selection::Call { node, .. }) => Some(node.clone()),
        _ => None,
    };
    // On a narrow screen the inspector is the Details view.
    let on_details = {
        let view = view.clone();
        Callback::from(move |()| view.set(View::Panel))
    };
    let component_list = html! {
        <ComponentList outline={edited_state.outline.clone()} selected={edited_state.selected.clone()}
            on_select={on_select.clone()} />
    };
    let last_window = edited_state.history.windows.last().cloned();
    let on_edit_b = {
        let editing_b = editing_b.clone();
        Callback::from(move |b: bool| editing_b.set(b))
    };
    // Judged once a window, for the strip and the canvas alike; a caller
    // flat out on a saturated callee is blamed on the callee.
    // A caller whose calls cross a partition in force is blamed on the cut.
    let saturated: Rc<Vec<insight::Saturation>> = {
        let windows = edited_state.history.windows.clone();
        let outline = edited_state.outline.clone();
        let partitions = edited_state.partitions.clone();
        use_memo((edited_state.history.version, partitions), move |(_, partitions)| {
            let mut found = insight::saturated_in(&windows[..], &outline);
            insight::mark_cuts(&mut found, &outline, partitions);
            found
        })
    };
    let load_ids: Rc<Vec<String>> =
        Rc::new(edited_state.outline.loads.iter().map(|l| l.id.clone()).collect());
    let lit = {
        let (picked, nodes, loads) = ((*picked).clone(), edited_names.clone(), load_ids.clone());
        use_memo((picked, nodes, loads), |(picked, nodes, loads)| {
            picked.as_ref().map(|t| crate::waterfall::lit_path(t, nodes, loads)).unwrap_or_default()
        })
    };
    let editor = html! {
        <section class="stage" aria-label="Topology and editor">
            <EditorBar outline={edited_state.outline.clone()} selected_node={selected_node.clone()}
                can_undo={edited_state.edits.can_undo} can_redo={edited_state.edits.can_redo}
                ready={state.ready} {comparing} editing_b={*editing_b} on_edit={on_edit.clone()}
                {on_undo} {on_redo} {on_compare} {on_close_compare} {on_edit_b} />
            <TopologyCanvas
                outline={edited_state.outline.clone()}
                snapshot={edited_state.snapshot.clone()}
                window={last_window}
                playing={edited_state.playing}
                selected={edited_state.selected.clone()}
                on_select={on_canvas_select}
                on_edit={on_canvas_edit}
                refusal={edited_state.canvas_refusal.clone()}
                scenario_key={state.scenario_key}
                saturated={saturated.clone()}
                partitions={edited_state.partitions.clone()}
                attach_to={selected_node.clone().map(AttrValue::from)}
                on_details={on_details}
                foot={notices.clone()}
                keeps={!editing_b_now}
                {lit} />
        </section>
    };
    let compare = comparing.then(|| {
        html! {
            <CompareView a={state.windows().clone()} b={state_b.windows().clone()}
                version={state.charted + state_b.charted} error_b={state_b.error.clone()}
                file_stem={AttrValue::from(crate::keep::export::stem(&side_a.borrow().current.good.0).to_owned())} />
        }
    });
    let sim_time = format::clock(state.sim_time_ns as f64 / 1e9);
    let scaling = html! {
        <SweepPanel ready={edited_state.ready} state={edited_state.sweep.clone()}
            hint={edited_state.scenario.as_ref().map(|s| AttrValue::from(s.sweep_hint.clone())).unwrap_or_default()}
            form={(*sweep_form).clone()} on_form={on_sweep_form} on_run={on_run_sweep} on_cancel={on_cancel_sweep}
            file_stem={export_stem.clone()} />
    };
    let on_dash_tab = {
        let dash_tab = dash_tab.clone();
        Callback::from(move |t: DashTab| dash_tab.set(t))
    };
    let side_tabs = {
        let handle = side_tab.clone();
        let on_pick = Callback::from(move |i: usize| handle.set(SideTab::ALL[i]));
        let current = SideTab::ALL.iter().position(|t| *t == *side_tab).unwrap_or(0);
        let tabs = SideTab::ALL.iter().map(|t| (t.id(), t.label())).collect::<Vec<_>>();
        html! { <TabBar label="Side panel" {tabs} {current} {on_pick} /> }
    };
    let view_tabs = View::ALL.iter().map(|&v| {
        let view = view.clone();
        let pressed = if *view == v { "true" } else { "false" };
        html! { <button id={format!("view-{}", v.key())} aria-pressed={pressed} onclick={Callback::from(move |_| view.set(v))}>{ v.label() }</button> }
    });
    let lesson = html! {
        <LessonPanel scenario={state.scenario.clone()} diverged={state.edits.can_undo} on_open={open.clone()} />
    };
    let on_pick = {
        let (picked, side_tab) = (picked.clone(), side_tab.clone());
        Callback::from(move |t: Option<Rc<scalesim_engine::trace::Trace>>| {
            if t.is_some() {
                side_tab.set(SideTab::Request);
            }
            picked.set(t);
        })
    };
    let on_tracing = {
        let (tracing, picked) = (tracing.clone(), picked.clone());
        Callback::from(move |on: bool| {
            if !on {
                picked.set(None);
            }
            tracing.set(on);
        })
    };
    let request_tab = html! {
        <RequestPanel picks={edited_state.picks.clone()} picked={(*picked).clone()} {on_pick}
            nodes={edited_names.clone()} loads={load_ids.clone()} tracing={*tracing} {on_tracing} />
    };
    let inspector_tab = html! {
        <>
            <nav aria-label="Components">{ component_list }</nav>
            <Inspector
                outline={edited_state.outline.clone()}
                selected={edited_state.selected.clone()}
                on_edit={on_edit.clone()}
                on_select={on_select.clone()}
                refusal={edited_state.edits.refusal.clone()} />
            <form class="change" onsubmit={on_apply} aria-label="Live change">
                <label for="change">{"Live change"}</label>
                <input id="change" type="text" placeholder="api.replicas = 4"
                    value={(*change_text).clone()} oninput={on_change_text} />
                <button id="apply" type="submit" disabled={!state.ready}>{"Apply"}</button>
            </form>
            if let Some(live) = &edited_state.live_change {
                <p class={classes!("change-outcome", matches!(live.outcome, LiveOutcome::Refused(_)).then_some("field-error"))}
                    role="status" data-testid="change-outcome">{ live.words() }</p>
            }
        </>
    };
    let source_tab = {
        let draft = source_draft.clone();
        let refusal = edited_state.edits.refusal.as_ref().filter(|(p, _)| p == side::SOURCE);
        html! {
            <SourcePanel {draft} side={edited_side()} file={edited_state.scenario.as_ref().map(|s| AttrValue::from(s.file.clone())).unwrap_or_default()}
                revision={Rc::as_ptr(&edited_state.outline) as usize}
                refusal={refusal.map(|(_, m)| AttrValue::from(m.clone()))} ready={edited_state.ready}
                stopped={edited_state.stopped.is_some()} />
        }
    };
    // The draft over A outlives a reload (not the first render's: a draft
    // left unrestored under a link stays kept).
    {
        let (first, side_a, editing_b) = (use_mut_ref(|| true), side_a.clone(), *editing_b);
        use_effect_with(source_draft.clone(), move |draft| {
            if !std::mem::take(&mut *first.borrow_mut()) && !editing_b {
                store::keep_draft(draft.kept(&side_a.borrow().current.good.0).as_ref());
            }
        });
    }
    let shown_multiplier = edited_state.shown_multiplier();
    // The charts come with the first scenario (or the worker's failure):
    // before it they are empty axes, and leaving them (their code, their
    // layout and their first drawing) out of the page's first frames lets
    // Play be enabled sooner. Their cells stand in meanwhile, as in the
    // start-up skeleton.
    let charts_shown = use_mut_ref(|| false);
    if state.scenario.is_some() || state.crashed.is_some() || state.error.is_some() {
        *charts_shown.borrow_mut() = true;
    }
    html! {
        <main class="workbench" data-view={view.key()} ondrop={on_drop.clone()} ondragover={on_drag_over.clone()}>
            <header class="topbar">
                <h1 class="brand">{"scalesim"}</h1>
                <LibraryPicker shown_file={shown_file.clone()} on_pick={open.clone()} />
                <span class="transport" role="group" aria-label="Playback">
                    <button id="play" class="primary" onclick={on_play.clone()} disabled={!state.ready || state.stopped.is_some()}
                        title={if state.stopped.is_some() {
                            "The run stopped: restart it to play again"
                        } else if state.ended {
                            "The run reached the scenario's duration: Play continues past it"
                        } else {
                            "Play or pause the run"
                        }}>
                        { if state.playing { "Pause" } else { "Play" } }
                    </button>
                    <button id="step" onclick={on_step} disabled={!state.ready} title="Advance one window">{"Step"}</button>
                    <button id="restart" onclick={on_restart.clone()} disabled={!state.ready}
                        title="Start this scenario over at time zero, with the seed given">{"Restart"}</button>
                </span>
                <SpeedPicker speed={*speed} on_change={on_speed} />
                <LoadSlider multiplier={shown_multiplier} on_change={on_load} />
                <span class="clock" title="Simulated time"><span data-testid="sim-time">{ sim_time }</span></span>
                <span class="menus">
                    <details class="menu">
                        <summary id="menu-run">{"Seed ▾"}</summary>
                        <div class="menu-body">
                            <label class="seed">{"Seed "}
                                <input id="seed" type="number" min="0" inputmode="numeric"
                                    placeholder={state.scenario.as_ref().map(|s| s.seed.to_string()).unwrap_or_default()}
                                    value={(*seed_text).clone()} oninput={on_seed} />
                            </label>
                            <p class="muted">{"Restart runs again from zero with this seed."}</p>
                            <button id="reset" onclick={on_reset} title="Restart the worker">{"Restart the worker"}</button>
                        </div>
                    </details>
                    <details class="menu">
                        <summary id="menu-share">{"Share ▾"}</summary>
                        <div class="menu-body">
                            <button id="share" onclick={on_share} disabled={!state.ready}
                                title="A link that opens this scenario, seed and load where you are now">{"Copy link"}</button>
                            <button id="embed-button" onclick={on_embed} disabled={!state.ready}
                                title="A player of this scenario for a web page or doc: preview, options and snippets">{"Embed…"}</button>
                            if let Some((url, status)) = &*share_text {
                                <div class="share-link">
                                    <input id="share-url" type="text" readonly=true value={url.clone()} aria-label="Share link" />
                                    <span data-testid="share-status">{ status.clone() }</span>
                                </div>
                            }
                        </div>
                    </details>
                    <FileMenu shown={edited_side()} variant={variant.clone()}
                        on_open_saved={open_saved.clone()} saved_version={*saved_version}
                        windows={edited_state.windows().clone()} nodes={edited_names.clone()}
                        ready={edited_state.ready} on_open_file={open_file.clone()} on_error={on_error.clone()} />
                </span>
            </header>
            <div class="strip">
                <FigureStrip name={state.scenario.as_ref().map(|s| AttrValue::from(s.name.clone())).unwrap_or_default()}
                    windows={edited_state.history.windows.clone()} version={edited_state.history.version}
                    names={edited_names.clone()} variant={variant.clone()}
                    events={edited_state.events} rolling={edited_state.rolling}
                    stopped={edited_state.stopped.is_some()}
                    saturated={saturated.clone()} />
            </div>
            <div class="notices" ref={notices}>
                <Alerts crashed={state.crashed.clone().or_else(|| state_b.crashed.clone())}
                    open_error={state.open_error.clone()} stopped={state.stopped.clone()} error={state.error.clone()}
                    multiplier={state.shown_multiplier()} on_respawn={on_respawn} on_restart={on_restart.clone()}
                    finished={state.ended.then_some(state.sim_time_ns as f64 / 1e9)} on_continue={on_play}
                    past_end={crate::end_notice::paused_past_end(state.sim_time_ns, state.end_ns, state.ended, state.playing)}
                    on_inspect={on_select.reform(|id| Some(Selection::Node(id)))}
                    started_over={edited_state.started_over.clone()} />
                // Where the edited document went when another opened.
                if let Some((name, with_draft)) = &*kept_notice {
                    <div class="notice kept" role="status" data-testid="kept">
                        { crate::keep::kept::notice(name, *with_draft) }
                        <button id="kept-back" onclick={on_kept_back}>{"Back to my edits"}</button>
                        <button id="kept-dismiss" onclick={on_dismiss_kept} aria-label="Dismiss">{"✕"}</button>
                    </div>
                }
            </div>
            <nav class="views" aria-label="Views">{ for view_tabs }</nav>
            { editor }
            <aside class="side" aria-label="Lesson and inspector">
                { side_tabs }
                <div class="side-body" role="tabpanel" aria-labelledby={side_tab.id()}>
                    { match *side_tab { SideTab::Lesson => lesson, SideTab::Inspector => inspector_tab, SideTab::Request => request_tab, SideTab::Source => source_tab } }
                </div>
            </aside>
            if *charts_shown.borrow() {
            <Dashboard windows={edited_state.windows().clone()} version={edited_state.charted * 2 + u64::from(*editing_b && comparing)} nodes={edited_names} loads={load_ids.clone()}
                snapshot={edited_state.snapshot.clone()} formulas={edited_state.formulas.clone()}
                changes={edited_state.changes.clone()}
                tab={*dash_tab} on_tab={on_dash_tab} {scaling} {compare} tracing={*tracing} {export_stem} />
            } else {
                <section class="dashboard" aria-label="Live charts">
                    <div class="dash-cell"></div><div class="dash-cell"></div><div class="dash-cell"></div>
                </section>
            }
            if let Some(request) = &*embed_request {
                <EmbedDialog request={request.clone()} on_close={on_close_embed} />
            }
        </main>
    }
}

/// Fetches a text file next to the page.
pub async fn fetch_text(url: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response =
        JsFuture::from(window.fetch_with_str(url)).await.map_err(|e| format!("{e:?}"))?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| "not a response")?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let text = response.text().map_err(|e| format!("{e:?}"))?;
    let text = JsFuture::from(text).await.map_err(|e| format!("{e:?}"))?;
    text.as_string().ok_or_else(|| "not text".to_owned())
}
