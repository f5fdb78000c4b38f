//! One running variant as the page holds it: its worker, which owns the
//! scenario's document and its undo history, and a copy of the document's
//! text, fetched once edits settle (kept in local storage for variant A,
//! and what a crashed worker restarts with). The app has one (A), and a
//! second (B) while comparing.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use scalesim_engine::edit::Edit;
use yew::Callback;

use crate::keep::kept::Opened;
use crate::worker::client::SimWorker;
use crate::worker::protocol::{FromWorker, ToWorker};
use crate::worker::replay::Record;

/// Wall milliseconds after the last edit before the page fetches the
/// document's text to keep: a burst of edits (a slider dragged) costs one.
const KEEP_AFTER_MS: u32 = 300;

/// The scenario a side runs (or is asked to).
#[derive(Clone, Debug)]
pub struct Current {
    /// Last loaded, or fetched after edits: `(file, toml)`.
    pub good: (String, String),
    /// Sent, not yet confirmed.
    pub pending: Option<(String, String)>,
}

/// Where undo and redo stand, and the worker's last refusal of an edit:
/// `(path, message)`, the path empty when no one field is concerned.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EditStatus {
    pub can_undo: bool,
    pub can_redo: bool,
    pub refusal: Option<(String, String)>,
}

/// What a side tells its page.
pub enum SideEvent {
    /// A report from the worker.
    Report(FromWorker),
    /// The worker died (a trap, memory, a panic): its raw report. Nothing
    /// runs until the user restarts it.
    Crashed(String),
    /// Undo, redo or a refusal changed.
    Edits(EditStatus),
    /// What was being opened (a share link) was refused; the side's own
    /// scenario loads instead.
    OpenFailed(String),
}

/// One variant.
pub struct Side {
    worker: Option<SimWorker>,
    pub current: Current,
    /// What the document on screen was opened as: whether it is edited,
    /// and the saved entry it came from (`keep::kept`).
    pub opened: Opened,
    /// What the scenario being opened is opened as, once it loads (none
    /// for a crashed worker's restart, which goes on with the same work).
    opening_as: Option<Opened>,
    /// Where undo and redo stand, as the worker last said.
    can_undo: bool,
    can_redo: bool,
    /// The number the next edit is sent with.
    next_id: u64,
    /// Edits sent and not answered: `(id, the parameter it concerns)`.
    sent: Vec<(u64, String)>,
    /// The document's revision, as last applied, and as `current.good`
    /// holds it.
    revision: u64,
    kept_revision: u64,
    /// Fetches the text once edits settle.
    keep_timer: Option<gloo_timers::callback::Timeout>,
    /// Who waits for the document's text, in the order asked.
    texts: VecDeque<TextWaiter>,
    sink: Callback<SideEvent>,
    /// Commands to send once the scenario being opened has loaded (a share
    /// link's seed, load and time).
    after_load: Vec<ToWorker>,
    /// Opened once the worker is ready, after the side's own scenario (a
    /// share link, over the user's own work, which stays if it fails).
    opening: Option<(String, String)>,
    /// Keep every good text in local storage (variant A).
    autosave: bool,
    /// Whether any scenario has loaded yet.
    loaded_once: bool,
    /// Whether the worker now running has loaded a document (it answers
    /// `Text` only then).
    has_document: bool,
    /// Who waits for the worker's record of the run (a share link), in
    /// the order asked (the worker answers in order): each is resolved
    /// with its answer in its cell, or with none when the worker stops.
    recording: VecDeque<Waiter>,
    /// Opened from a share link (variant B of a shared comparison): it
    /// replays its own run, so it is not started over in step with A.
    pub from_link: bool,
    /// Whether a scenario that cannot run is replaced by the demo (the
    /// app's own work); an embedded player shows the error instead, and
    /// plays nothing unrelated under it.
    demo_fallback: bool,
    /// What the summary and traces downloads are named by, as the File
    /// menu said when it asked for them (`sync-chain-B` while comparing);
    /// the file's stem until then.
    pub export_stem: Option<String>,
}

/// One wait for a record: the promise's resolver and where the answer goes.
type Waiter = (js_sys::Function, Rc<RefCell<Option<Record>>>);
/// One wait for the document's text: `(file, toml)`.
type TextWaiter = (js_sys::Function, Rc<RefCell<Option<(String, String)>>>);

/// A shared handle on a side.
pub type SideSlot = Rc<RefCell<Side>>;

impl Side {
    /// A side that will run `(file, toml)` once [`spawn`] starts its worker.
    pub fn new(file: String, toml: String, sink: Callback<SideEvent>) -> SideSlot {
        Rc::new(RefCell::new(Side {
            worker: None,
            opened: Opened::new(&toml, None),
            opening_as: None,
            current: Current { good: (file, toml), pending: None },
            can_undo: false,
            can_redo: false,
            next_id: 0,
            sent: Vec::new(),
            revision: 0,
            kept_revision: 0,
            keep_timer: None,
            texts: VecDeque::new(),
            sink,
            after_load: Vec::new(),
            opening: None,
            autosave: false,
            loaded_once: false,
            has_document: false,
            recording: VecDeque::new(),
            from_link: false,
            demo_fallback: true,
            export_stem: None,
        }))
    }

    /// Never falls back to the demo when its scenario cannot run (the
    /// embedded player).
    pub fn without_demo_fallback(&mut self) {
        self.demo_fallback = false;
    }

    /// Keeps this side's work in local storage from now on.
    pub fn autosave(&mut self) {
        self.autosave = true;
    }

    /// Once the worker has loaded the side's own scenario, opens `(file,
    /// toml)` and then sends `after` (a share link).
    pub fn open_when_ready(&mut self, file: String, toml: String, after: Vec<ToWorker>) {
        self.opening_as = Some(Opened::new(&toml, None));
        self.opening = Some((file, toml));
        self.after_load = after;
    }

    fn keep(&self) {
        if self.autosave {
            let (file, toml) = &self.current.good;
            crate::keep::store::autosave(file, toml, &self.opened);
        }
    }

    /// Whether the worker runs with a document loaded: until then its text
    /// is `current.good`.
    pub fn has_document(&self) -> bool {
        self.worker.is_some() && self.has_document
    }

    /// Sends the user's edit (or undo, or redo) to the worker. The address
    /// no longer names what is on screen (a share link made before, a
    /// lesson named in it), so it is taken out: a reload opens the edited
    /// work, not what the address named over it.
    fn send_edit(&self, command: &ToWorker) {
        self.send(command);
        crate::browser::forget_opening();
    }

    /// Sends a command to the worker, if it runs.
    pub fn send(&self, command: &ToWorker) {
        if let Some(w) = &self.worker {
            w.send(command);
        }
    }

    fn status(&self, refusal: Option<(String, String)>) -> EditStatus {
        EditStatus { can_undo: self.can_undo, can_redo: self.can_redo, refusal }
    }

    /// A number for the next edit, remembering the parameter it concerns.
    fn new_id(&mut self, path: String) -> u64 {
        self.next_id += 1;
        self.sent.push((self.next_id, path));
        self.next_id
    }
}
/// A side that opens `(file, toml)` from a share link and then sends
/// `after` (its run's replay), with its worker started: variant B of a
/// shared comparison.
pub fn spawn_linked(
    file: String,
    toml: String,
    after: Vec<ToWorker>,
    sink: Callback<SideEvent>,
) -> SideSlot {
    let slot = Side::new(file.clone(), toml.clone(), sink);
    {
        let mut side = slot.borrow_mut();
        side.from_link = true;
        side.open_when_ready(file, toml, after);
    }
    spawn(&slot);
    slot
}

/// Opens another scenario (from the saved entry `saved_as`, if so): the
/// history starts afresh.
pub fn open(slot: &SideSlot, file: String, toml: String, saved_as: Option<String>) {
    let mut side = slot.borrow_mut();
    side.opening_as = Some(Opened::new(&toml, saved_as));
    side.current.pending = Some((file.clone(), toml.clone()));
    (side.can_undo, side.can_redo) = (false, false);
    side.sent.clear();
    let status = side.status(None);
    side.send(&ToWorker::Load { file, toml });
    let sink = side.sink.clone();
    drop(side);
    sink.emit(SideEvent::Edits(status));
}

/// Sends an editor's edit (one undo step).
pub fn edit(slot: &SideSlot, edit: Edit) {
    let path = match &edit {
        Edit::Set { path, .. } | Edit::Unset { path } => path.clone(),
        Edit::Rename { .. } => "rename".to_owned(),
        _ => String::new(),
    };
    let mut side = slot.borrow_mut();
    let id = side.new_id(path);
    side.send_edit(&ToWorker::Edit { edit, id });
}

/// The path a refusal of a canvas gesture's edit (a drop, a nudge) is
/// reported under: the canvas shows it beside the component, which goes
/// back where the document has it.
pub const CANVAS: &str = "canvas";

/// Sends a canvas gesture's edit (one undo step); a refusal is reported
/// under [`CANVAS`].
pub fn canvas_edit(slot: &SideSlot, edit: Edit) {
    let mut side = slot.borrow_mut();
    let id = side.new_id(CANVAS.to_owned());
    side.send_edit(&ToWorker::Edit { edit, id });
}

/// The path a refusal of the Source tab's text is reported under.
pub const SOURCE: &str = "source";

/// Sends the document's whole text, as written in the Source tab (one
/// undo step); a refusal is reported under [`SOURCE`].
pub fn set_text(slot: &SideSlot, toml: String) {
    let mut side = slot.borrow_mut();
    let id = side.new_id(SOURCE.to_owned());
    side.send_edit(&ToWorker::SetText { toml, id });
}

/// Asks the worker to read `toml` as the Source tab's text without
/// applying it (a draft restored after a reload): a refusal is reported
/// under [`SOURCE`], as an applied text's is.
pub fn check(slot: &SideSlot, toml: String) {
    let mut side = slot.borrow_mut();
    let id = side.new_id(SOURCE.to_owned());
    side.send(&ToWorker::Check { toml, id });
}

/// Sends a parameter change typed as `path = value` (one undo step); a
/// refusal is reported for the page, not for a field.
pub fn set(slot: &SideSlot, path: String, value: String) -> u64 {
    let mut side = slot.borrow_mut();
    let id = side.new_id(String::new());
    side.send_edit(&ToWorker::Edit { edit: Edit::Set { path, value }, id });
    id
}

/// What reproduces the side's run so far, from its worker (`None` when no
/// worker runs or it died meanwhile).
pub async fn record(slot: &SideSlot) -> Option<Record> {
    slot.borrow().worker.as_ref()?;
    let answer = Rc::new(RefCell::new(None));
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        slot.borrow_mut().recording.push_back((resolve, Rc::clone(&answer)));
    });
    slot.borrow().send(&ToWorker::Record);
    wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    answer.take()
}

/// Gives the worker's answer to the first who waits for one.
fn recorded(side: &mut Side, record: Option<Record>) {
    if let Some((resolve, answer)) = side.recording.pop_front() {
        *answer.borrow_mut() = record;
        let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
    }
}

/// Resolves everyone still waiting for a record or a text with none (the
/// worker stopped).
fn unrecorded(side: &mut Side) {
    for (resolve, _) in std::mem::take(&mut side.recording) {
        let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
    }
    for (resolve, _) in std::mem::take(&mut side.texts) {
        let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
    }
}

/// Goes back one edit.
pub fn undo(slot: &SideSlot) {
    let mut side = slot.borrow_mut();
    if side.can_undo {
        let id = side.new_id(String::new());
        side.send_edit(&ToWorker::Undo { id });
    }
}

/// Goes forward one undone edit.
pub fn redo(slot: &SideSlot) {
    let mut side = slot.borrow_mut();
    if side.can_redo {
        let id = side.new_id(String::new());
        side.send_edit(&ToWorker::Redo { id });
    }
}

/// The document's text now, `(file, toml)`, from the worker (`None` when
/// no worker runs or it died meanwhile).
pub async fn text(slot: &SideSlot) -> Option<(String, String)> {
    slot.borrow().worker.as_ref()?;
    let answer = Rc::new(RefCell::new(None));
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        slot.borrow_mut().texts.push_back((resolve, Rc::clone(&answer)));
    });
    slot.borrow().send(&ToWorker::Text);
    wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    answer.take()
}

/// Keeps the document's text (`revision`) and gives it to who waits.
fn got_text(side: &mut Side, file: &str, toml: &str, revision: u64) {
    if revision >= side.kept_revision {
        side.kept_revision = revision;
        side.current.good = (file.to_owned(), toml.to_owned());
        side.keep();
    }
    for (resolve, answer) in std::mem::take(&mut side.texts) {
        *answer.borrow_mut() = Some((file.to_owned(), toml.to_owned()));
        let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
    }
}

/// Fetches the document's text once edits have settled for
/// [`KEEP_AFTER_MS`] (a later edit puts it off).
fn keep_later(slot: &SideSlot) {
    let weak = Rc::downgrade(slot);
    let timer = gloo_timers::callback::Timeout::new(KEEP_AFTER_MS, move || {
        if let Some(slot) = weak.upgrade() {
            let side = slot.borrow();
            if side.revision > side.kept_revision {
                side.send(&ToWorker::Text);
            }
        }
    });
    slot.borrow_mut().keep_timer = Some(timer);
}

/// Starts a fresh worker for the side (terminating any previous one); when
/// it is ready it gets the side's last good scenario. A worker crash is
/// reported as [`SideEvent::Crashed`] and the side waits for [`respawn`],
/// keeping the scenario, so nothing the user did is lost.
pub fn spawn(slot: &SideSlot) {
    let sink = {
        let mut side = slot.borrow_mut();
        drop(side.worker.take());
        unrecorded(&mut side);
        side.has_document = false;
        side.sent.clear();
        (side.can_undo, side.can_redo) = (false, false);
        side.sink.clone()
    };
    let weak = Rc::downgrade(slot);
    let on_fail = sink.clone();
    let on_report = Callback::from(move |report: FromWorker| {
        let Some(slot) = weak.upgrade() else { return };
        let mut side = slot.borrow_mut();
        let mut status = None;
        match &report {
            FromWorker::Ready => {
                // A share link first; the side's own scenario if it fails.
                let (file, toml) = match side.opening.take() {
                    Some(opening) => {
                        side.current.pending = Some(opening.clone());
                        opening
                    }
                    None => side.current.good.clone(),
                };
                side.send(&ToWorker::Load { file, toml });
            }
            FromWorker::Loaded(info) => {
                side.loaded_once = true;
                side.has_document = true;
                if !info.edited {
                    // A new document: the worker counts its revisions anew.
                    (side.revision, side.kept_revision) = (0, 0);
                    (side.can_undo, side.can_redo) = (false, false);
                    status = Some(side.status(None));
                }
                let opened = side.current.pending.take().filter(|(f, _)| *f == info.file);
                if let Some(pending) = opened {
                    if let Some(opened) = side.opening_as.take() {
                        side.opened = opened;
                    }
                    side.current.good = pending;
                    for command in std::mem::take(&mut side.after_load) {
                        side.send(&command);
                    }
                }
                side.keep();
            }
            FromWorker::Summary { json } | FromWorker::Traces { json, .. } => {
                let what =
                    if matches!(report, FromWorker::Summary { .. }) { "summary" } else { "traces" };
                let stem = side
                    .export_stem
                    .clone()
                    .unwrap_or_else(|| crate::keep::export::stem(&side.current.good.0).to_owned());
                let name = format!("{stem}-{what}.json");
                if let Err(message) =
                    crate::browser::download_bytes(&name, "application/json", json.as_bytes())
                {
                    let sink = side.sink.clone();
                    drop(side);
                    sink.emit(SideEvent::Report(FromWorker::Error { message }));
                    return;
                }
            }
            FromWorker::Recorded { run, complete } => {
                let record = run.clone().map(|run| Record { run, complete: *complete });
                recorded(&mut side, record);
                return;
            }
            FromWorker::Error { message } if crate::crash::is_crash(message) => {
                // Not restarted into the same failure: the page says what
                // happened and offers a restart (`respawn`).
                unrecorded(&mut side);
                side.current.pending = None;
                side.opening_as = None;
                side.after_load.clear();
                drop(side.worker.take());
                let sink = side.sink.clone();
                drop(side);
                sink.emit(SideEvent::Crashed(message.clone()));
                return;
            }
            FromWorker::Applied { id, revision, can_undo, can_redo, .. } => {
                (side.can_undo, side.can_redo) = (*can_undo, *can_redo);
                side.revision = side.revision.max(*revision);
                side.sent.retain(|s| s.0 != *id);
                status = Some(side.status(None));
                drop(side);
                keep_later(&slot);
                side = slot.borrow_mut();
            }
            FromWorker::Refused { id, message } => {
                let sent = side.sent.iter().position(|s| s.0 == *id).map(|at| side.sent.remove(at));
                let path = sent.map(|(_, p)| p).unwrap_or_default();
                status = Some(side.status(Some((path, message.clone()))));
            }
            FromWorker::Text { file, toml, revision } => {
                got_text(&mut side, file, toml, *revision);
                return;
            }
            FromWorker::Error { message } => {
                let failed_open = side.current.pending.take().is_some();
                side.opening_as = None;
                side.after_load.clear();
                if !side.loaded_once {
                    // Nothing runs yet. A link that failed leaves the user's
                    // own work to load; own work that fails (a stale
                    // autosave) leaves the demo.
                    let retry = if failed_open {
                        true
                    } else if side.demo_fallback
                        && side.current.good.0 != crate::page::app::DEMO_FILE
                    {
                        side.current.good = (
                            crate::page::app::DEMO_FILE.to_owned(),
                            crate::page::app::DEMO_TOML.to_owned(),
                        );
                        side.opened = Opened::new(crate::page::app::DEMO_TOML, None);
                        true
                    } else {
                        false
                    };
                    if retry {
                        let (file, toml) = side.current.good.clone();
                        side.send(&ToWorker::Load { file, toml });
                    }
                    if failed_open {
                        let sink = side.sink.clone();
                        drop(side);
                        sink.emit(SideEvent::OpenFailed(format!(
                            "This link's scenario cannot run: {message} Your own work is kept."
                        )));
                        return;
                    }
                }
            }
            _ => {}
        }
        let sink = side.sink.clone();
        drop(side);
        if let Some(status) = status {
            sink.emit(SideEvent::Edits(status));
        }
        sink.emit(SideEvent::Report(report));
    });
    match SimWorker::spawn(on_report) {
        Ok(w) => slot.borrow_mut().worker = Some(w),
        Err(message) => on_fail.emit(SideEvent::Report(FromWorker::Error { message })),
    }
}

/// Starts a fresh worker on the side's last good scenario and, once it has
/// loaded, sends `after` (the speed and load to go on with).
pub fn respawn(slot: &SideSlot, after: Vec<ToWorker>) {
    {
        let mut side = slot.borrow_mut();
        let good = side.current.good.clone();
        side.open_when_ready(good.0, good.1, after);
        side.opening_as = None;
    }
    spawn(slot);
}

/// Stops the side's worker.
pub fn stop(slot: &SideSlot) {
    let mut side = slot.borrow_mut();
    drop(side.worker.take());
    unrecorded(&mut side);
}
