//! Keeping and passing on the user's work: what the page opens with (a
//! share link, a library scenario named in the URL, the autosaved work, or
//! the demo), share links themselves, and the personal list of saved
//! scenarios in local storage.

use serde::{Deserialize, Serialize};

use crate::browser;
pub use crate::keep::kept::SavedScenario;
use crate::keep::kept::{self, Keep, Opened};
use crate::keep::positions::KeptLayout;
use crate::keep::share_link::{self, LinkError, Shared, Variant};
use crate::library;
use crate::page::app::{DEMO_FILE, DEMO_TOML};
use crate::side::{self, SideSlot};
use crate::source_draft::{KeptDraft, SourceDraft};
use crate::worker::protocol::ToWorker;

/// Where the saved list lives.
const SAVED_KEY: &str = "scalesim.saved.v1";
/// Where variant A's work is kept between visits.
const AUTOSAVE_KEY: &str = "scalesim.autosave.v1";
/// Where the Source tab's draft over variant A is kept between visits.
const DRAFT_KEY: &str = "scalesim.draft.v1";
/// Where the canvas's drawing of variant A is kept between visits
/// (`keep/positions`).
const LAYOUT_KEY: &str = "scalesim.layout.v1";

/// The autosaved work as stored.
#[derive(Serialize, Deserialize)]
struct Autosaved {
    file: String,
    toml: String,
    /// Whether it differs from what was opened (absent in older entries:
    /// unknown, so edited).
    #[serde(default = "unknown")]
    edited: bool,
    /// The saved entry it was opened from (or last kept as).
    #[serde(default)]
    saved_as: Option<String>,
}

fn unknown() -> bool {
    true
}

/// Keeps `(file, toml)`, opened as `opened`, as the work to reopen on the
/// next visit.
pub fn autosave(file: &str, toml: &str, opened: &Opened) {
    let kept = Autosaved {
        file: file.to_owned(),
        toml: toml.to_owned(),
        edited: kept::edited(opened, toml),
        saved_as: opened.saved_as.clone(),
    };
    if let Ok(json) = serde_json::to_string(&kept) {
        browser::save(AUTOSAVE_KEY, &json);
    }
}

/// Keeps the Source tab's draft over variant A (or forgets it: `None`).
pub fn keep_draft(draft: Option<&KeptDraft>) {
    match draft {
        Some(draft) => browser::save(DRAFT_KEY, &draft.stored()),
        None => browser::remove(DRAFT_KEY),
    };
}

/// The Source tab's draft kept from the last visit, over the user's own
/// work, when the page opens that (not a link or a library scenario named
/// in the URL).
pub fn restored_draft() -> Option<SourceDraft> {
    let ((file, _), _) = start_up_now()?;
    let kept = KeptDraft::read(&browser::load(DRAFT_KEY)?)?;
    Some(SourceDraft::restored(kept, &file))
}

/// Keeps where the canvas drew variant A's document, as
/// `keep/positions::stored` writes it (not in its file: the file's text
/// changes only by the user's edits).
pub fn keep_layout(drawing: &str) {
    browser::save(LAYOUT_KEY, drawing);
}

/// Where the canvas drew the user's own work at the last visit, when the
/// page opens that (not a link or a library scenario named in the URL);
/// `None` when nothing readable was kept.
pub fn restored_layout() -> Option<KeptLayout> {
    start_up_now()?;
    KeptLayout::read(&browser::load(LAYOUT_KEY)?)
}

/// Opens `(file, toml)` (from the saved entry `saved_as`, if so) in
/// `slot`, variant A, in place of its document, which is first kept in
/// the saved list, with the Source tab's `draft` over it, if edited or
/// drafted over (`kept::plan`; its scenario is called `title`).
/// `Ok(Some(name))`: the edits are in the list as `name`. `Err`: they
/// could not be kept, and nothing was opened.
pub async fn open_keeping(
    slot: &SideSlot,
    title: &str,
    (file, toml): (String, String),
    saved_as: Option<String>,
    draft: Option<String>,
) -> Result<Option<String>, String> {
    // Before its first load a worker has no text to give (and no edits).
    let asked = if slot.borrow().has_document() { side::text(slot).await } else { None };
    let now = asked.unwrap_or_else(|| slot.borrow().current.good.clone());
    let mut opened = slot.borrow().opened.clone();
    let name = keep(&mut opened, title, now, draft)?;
    slot.borrow_mut().opened = opened;
    side::open(slot, file, toml, saved_as);
    Ok(name)
}

/// Keeps `(file, toml)`, opened as `opened`, with `draft` over it, in the
/// saved list if `kept::plan` says so, before something else opens in its
/// place; `opened` then names the entry, so the work goes on under it if
/// nothing replaces it. `Err`: it could not be kept (say so; open nothing).
fn keep(
    opened: &mut Opened,
    title: &str,
    (file, toml): (String, String),
    draft: Option<String>,
) -> Result<Option<String>, String> {
    let name = match kept::plan(opened, title, &toml, draft.as_deref(), &saved()) {
        Keep::Nothing => return Ok(None),
        Keep::Already(name) => name,
        Keep::Save(name) => {
            let entry = SavedScenario { name: name.clone(), file, toml, draft };
            save_entry(entry).map_err(|why| {
                format!(
                    "Not opened: your edits could not be kept ({why}). Export them \
                     (File ▸ Export TOML) or delete a saved scenario, then open again."
                )
            })?;
            name
        }
    };
    opened.saved_as = Some(name.clone());
    Ok(Some(name))
}

/// Keeps the user's own work (the autosaved document and the Source tab's
/// draft over it) in the saved list when a share link or a library
/// scenario named in the URL opens in its place at start-up, as
/// [`open_keeping`] does for a pick: `Ok(Some((name, with a draft)))`
/// when it went there; `Err` when it could not be kept (then the link
/// must not open).
pub fn keep_own(own: &mut Own) -> Result<Option<(String, bool)>, String> {
    let ((file, toml), opened) = own;
    let draft = browser::load(DRAFT_KEY)
        .and_then(|stored| KeptDraft::read(&stored))
        .map(|d| KeptDraft { moved: d.moved || d.file != *file, ..d }.stored());
    let with_draft = draft.is_some();
    let title = scalesim_engine::scenario::Scenario::from_toml(file, toml)
        .map(|s| s.scenario.name)
        .unwrap_or_else(|_| crate::keep::export::stem(file).to_owned());
    let name = keep(opened, &title, (file.clone(), toml.clone()), draft)?;
    if name.is_some() {
        browser::remove(DRAFT_KEY);
    }
    Ok(name.map(|name| (name, with_draft)))
}

/// A scenario to open, and what to send once it has loaded.
pub type Opening = (String, String, Vec<ToWorker>);

/// What the page opens.
pub struct StartUp {
    /// The user's own scenario: autosaved work, else the demo.
    pub own: Own,
    /// A scenario to open over it.
    pub open: Option<Opening>,
    /// Variant B to compare it with (a link made while comparing).
    pub open_b: Option<Opening>,
    /// The link was made while editing B (only with `open_b`).
    pub editing_b: bool,
    /// Why a link could not be opened.
    pub message: Option<String>,
}

/// How a link's variant opens: its text at time zero, then its run
/// replayed to the shared time.
fn opening(variant: Variant) -> Opening {
    let Variant { file, toml, seed, time_ns, load, history, past_end } = variant;
    (file, toml, vec![ToWorker::Replay { seed, load, history, time_ns, past_end }])
}

/// The user's own scenario, `(file, toml)`, and what it was opened as.
pub type Own = ((String, String), Opened);

/// The user's own scenario: the autosaved work, else the demo.
fn own_work() -> Own {
    let demo = || ((DEMO_FILE.to_owned(), DEMO_TOML.to_owned()), Opened::new(DEMO_TOML, None));
    let kept =
        browser::load(AUTOSAVE_KEY).and_then(|json| serde_json::from_str::<Autosaved>(&json).ok());
    kept.map_or_else(demo, |a| {
        let edited = a.edited && a.toml != DEMO_TOML;
        let opened = Opened { text: (!edited).then(|| a.toml.clone()), saved_as: a.saved_as };
        ((a.file, a.toml), opened)
    })
}

/// What the page opens with when that needs nothing awaited (no share link
/// to decompress, no library scenario named in the URL to fetch): the
/// user's own work. `None` when [`start_up`] must decide.
pub fn start_up_now() -> Option<Own> {
    let waits =
        share_link::looks_like_link(&browser::hash()) || browser::query("scenario").is_some();
    (!waits).then(own_work)
}

/// Decides what the page opens with.
pub async fn start_up() -> StartUp {
    let own = own_work();
    let hash = browser::hash();
    if share_link::looks_like_link(&hash) {
        return match open_link(&hash).await {
            Ok(shared) => StartUp {
                own,
                open: Some(opening(shared.a)),
                open_b: shared.b.map(opening),
                editing_b: shared.editing_b,
                message: None,
            },
            Err(e) => StartUp {
                own,
                open: None,
                open_b: None,
                editing_b: false,
                message: Some(e.to_string()),
            },
        };
    }
    if let Some(name) = browser::query("scenario") {
        let known =
            library::LESSONS.iter().any(|l| l.file == name || l.cure == Some(name.as_str()));
        if known && let Ok(toml) = crate::page::app::fetch_text(&library::url(&name)).await {
            return StartUp {
                own,
                open: Some((name, toml, Vec::new())),
                open_b: None,
                editing_b: false,
                message: None,
            };
        }
        return StartUp {
            own,
            open: None,
            open_b: None,
            editing_b: false,
            message: Some(format!(
                "There is no built-in scenario called `{name}`; the library lists them."
            )),
        };
    }
    StartUp { own, open: None, open_b: None, editing_b: false, message: None }
}

/// The run a share link's fragment (without `#`) holds, decompressed and
/// read, or why it cannot be.
pub async fn open_link(hash: &str) -> Result<Shared, LinkError> {
    let compressed = share_link::unwrap_fragment(hash)?;
    let bytes = browser::decompress(&compressed, share_link::MAX_DECOMPRESSED).await.map_err(
        |e| match e {
            None => LinkError::TooBig,
            Some(_) => LinkError::Truncated,
        },
    )?;
    share_link::read_payload(&bytes)
}

/// The fragment (without `#`) of a link to `shared`.
pub async fn link_fragment(shared: &Shared) -> Result<String, String> {
    let compressed = browser::compress(&share_link::write_payload(shared)).await?;
    Ok(share_link::fragment(&compressed))
}

/// The link to the runs as they are now, from each side's worker (B while
/// comparing, and whether B is the one being edited): `(fragment, whether
/// it reproduces every figure)`.
pub async fn share_runs(
    a: &SideSlot,
    b: Option<&SideSlot>,
    editing_b: bool,
) -> Result<(String, bool), String> {
    let unrecorded = || "the simulation is not running; restart it to share".to_owned();
    let a = side::record(a).await.ok_or_else(unrecorded)?;
    let b = match b {
        Some(b) => Some(side::record(b).await.ok_or_else(unrecorded)?),
        None => None,
    };
    let complete = a.complete && b.as_ref().is_none_or(|b| b.complete);
    let editing_b = editing_b && b.is_some();
    let shared = Shared { a: a.run, b: b.map(|b| b.run), editing_b };
    Ok((link_fragment(&shared).await?, complete))
}

/// The personal list, newest first.
pub fn saved() -> Vec<SavedScenario> {
    browser::load(SAVED_KEY).and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default()
}

/// Saves (or replaces) `name` in the personal list.
pub fn save_as(name: &str, file: &str, toml: &str) -> Result<(), String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("give the scenario a name to save it under".to_owned());
    }
    save_entry(SavedScenario {
        name: name.to_owned(),
        file: file.to_owned(),
        toml: toml.to_owned(),
        draft: None,
    })
}

/// Saves (or replaces) `entry` in the personal list.
fn save_entry(entry: SavedScenario) -> Result<(), String> {
    let list = kept::with_saved(saved(), entry);
    let json = serde_json::to_string(&list).map_err(|e| e.to_string())?;
    if browser::save(SAVED_KEY, &json) {
        Ok(())
    } else {
        Err("the browser would not keep it (its storage is full or turned off)".to_owned())
    }
}

/// Removes `name` from the personal list.
pub fn delete(name: &str) {
    let mut list = saved();
    list.retain(|s| s.name != name);
    if let Ok(json) = serde_json::to_string(&list) {
        browser::save(SAVED_KEY, &json);
    }
}
