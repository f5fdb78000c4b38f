//! The Source tab's text as state: the scenario file as the worker holds
//! it, the user's draft over it, and what became of the draft last sent.
//! Pure, tested natively; the page only renders what this says.
//!
//! A draft is never lost to the run: while the user types, edits made
//! elsewhere (the canvas, the inspector, undo) update the file but not the
//! draft, and the tab says so; a draft the worker refuses stays (the page
//! shows the worker's reasons beside it) until the user applies a fixed one
//! or reverts. Nor to a reload: the page keeps the draft over variant A in
//! local storage ([`SourceDraft::kept`]) and restores it on the next visit
//! ([`SourceDraft::restored`]), to be checked by the worker again so its
//! problems show as before, while the run goes on with the last file that
//! could run. Nor to opening another document (a library pick, a file, a
//! saved entry, a share link): the draft is kept in File ▸ Saved with the
//! document it was written over (`keep::kept`), and comes back in the tab
//! with it ([`SourceDraft::switched`]).

/// A draft as kept between visits.
#[derive(Clone, Debug, PartialEq)]
pub struct KeptDraft {
    /// The file it was written over.
    pub file: String,
    pub text: String,
    /// The file had changed elsewhere since the draft was begun.
    pub moved: bool,
}

impl KeptDraft {
    /// As stored: a line `moved` or `same`, a line with the file's name,
    /// then the text (a format of its own: serde's derived code for it
    /// would weigh more in the bundle than the draft's whole feature).
    pub fn stored(&self) -> String {
        let moved = if self.moved { "moved" } else { "same" };
        format!("{moved}\n{}\n{}", self.file.replace('\n', " "), self.text)
    }

    /// Read back from [`KeptDraft::stored`]; `None` for anything else.
    pub fn read(stored: &str) -> Option<KeptDraft> {
        let (moved, rest) = stored.split_once('\n')?;
        let (file, text) = rest.split_once('\n')?;
        let moved = match moved {
            "moved" => true,
            "same" => false,
            _ => return None,
        };
        Some(KeptDraft { file: file.to_owned(), text: text.to_owned(), moved })
    }
}

/// The file and the draft over it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourceDraft {
    /// The document's text as last fetched from the worker.
    current: Option<String>,
    /// What `current` was when the draft was begun.
    base: Option<String>,
    /// The user's text, while it differs from `current`.
    draft: Option<String>,
    /// The draft last sent to the worker: when the file's text comes back
    /// as this, the draft is done.
    sent: Option<String>,
    /// A restored draft over a file not yet fetched: its base is the file
    /// as it arrives.
    rebase: bool,
    /// A restored draft whose file had changed elsewhere (or is another).
    moved_before: bool,
    /// A restored draft the worker has not checked yet.
    unchecked: bool,
}

impl SourceDraft {
    /// What the text area shows: the draft, else the file.
    pub fn shown(&self) -> &str {
        self.draft.as_deref().or(self.current.as_deref()).unwrap_or("")
    }

    /// Whether the file's text has arrived.
    pub fn loaded(&self) -> bool {
        self.current.is_some()
    }

    /// Whether the user has changed the text.
    pub fn dirty(&self) -> bool {
        self.draft.is_some()
    }

    /// Whether the file changed elsewhere since the draft was begun (then
    /// applying the draft undoes that change, which the tab says).
    pub fn moved(&self) -> bool {
        self.draft.is_some() && (self.moved_before || (!self.rebase && self.base != self.current))
    }

    /// The worker's text of the file arrived. The draft just sent is now
    /// the file: it is done.
    pub fn fetched(&mut self, text: String) {
        if self.sent.as_ref() == Some(&text) || self.draft.as_ref() == Some(&text) {
            self.revert();
        } else if std::mem::take(&mut self.rebase) {
            self.base = Some(text.clone());
        }
        self.current = Some(text);
    }

    /// The draft to keep for the next visit, written over `file`; `None`
    /// without a draft, or for one larger than a scenario may be (the
    /// worker would refuse it, and storage stays bounded).
    pub fn kept(&self, file: &str) -> Option<KeptDraft> {
        let text = self.draft.as_ref().filter(|t| t.len() <= MAX_TEXT_BYTES)?;
        Some(KeptDraft { file: file.to_owned(), text: text.clone(), moved: self.moved() })
    }

    /// A draft kept on an earlier visit, over the file `file` that opens
    /// now (a draft over another file reads as changed elsewhere).
    pub fn restored(kept: KeptDraft, file: &str) -> SourceDraft {
        SourceDraft {
            moved_before: kept.moved || kept.file != file,
            draft: Some(kept.text),
            rebase: true,
            unchecked: true,
            ..SourceDraft::default()
        }
    }

    /// The tab over another document just opened: empty until its text
    /// arrives, or the draft kept with it (a saved entry's), restored as
    /// after a reload so the worker checks it again.
    pub fn switched(kept: Option<KeptDraft>) -> SourceDraft {
        match kept {
            Some(kept) => {
                let file = kept.file.clone();
                SourceDraft::restored(kept, &file)
            }
            None => SourceDraft::default(),
        }
    }

    /// The restored draft the worker should check (once the file runs), so
    /// its problems show again.
    pub fn to_check(&self) -> Option<&str> {
        self.draft.as_deref().filter(|_| self.unchecked)
    }

    /// The restored draft went to the worker to be checked.
    pub fn checking(&mut self) {
        self.unchecked = false;
    }

    /// The user typed: `text` is the whole text area.
    pub fn typed(&mut self, text: String) {
        if self.current.as_ref() == Some(&text) {
            self.draft = None;
            self.base = None;
            return;
        }
        if self.draft.is_none() {
            self.base = self.current.clone();
        }
        self.draft = Some(text);
    }

    /// The user's text, while it differs from the file.
    pub fn draft(&self) -> Option<&str> {
        self.draft.as_deref()
    }

    /// `text` went to the worker: when the file's text comes back as it,
    /// the draft is done.
    pub fn sent(&mut self, text: String) {
        self.sent = Some(text);
    }

    /// Drops the draft: the text area shows the file again.
    pub fn revert(&mut self) {
        *self = SourceDraft { current: self.current.take(), ..SourceDraft::default() };
    }
}

/// The most a kept draft may hold: what a scenario file may.
const MAX_TEXT_BYTES: usize = scalesim_engine::limits::MAX_TEXT_BYTES;

/// A refusal read for the Source tab: its heading (`2 problems in the
/// scenario:`) and each problem with the line it cites (0 for a problem of
/// the whole file), the `file:LINE:` prefix taken off (the tab is the file).
pub fn problems(message: &str) -> (Option<&str>, Vec<(usize, &str)>) {
    let mut lines = message.lines().map(str::trim).filter(|l| !l.is_empty()).peekable();
    let heading = lines.next_if(|l| l.ends_with(':') && cited(l).is_none());
    (heading, lines.map(|l| cited(l).unwrap_or((0, l))).collect())
}

/// The line a diagnostic cites and its words, from its `file:LINE: `
/// prefix.
fn cited(diagnostic: &str) -> Option<(usize, &str)> {
    let (_file, rest) = diagnostic.split_once(':')?;
    let (line, words) = rest.split_once(':')?;
    let line = line.parse().ok().filter(|&n| n > 0)?;
    Some((line, words.trim_start()))
}

/// Where line `line` (from 1) of `text` is, as UTF-16 offsets of its start
/// and end (what a text area's selection takes); the end of the text for a
/// line past it.
pub fn line_span(text: &str, line: usize) -> (u32, u32) {
    let mut start = 0u32;
    for (i, l) in text.split('\n').enumerate() {
        let len = l.encode_utf16().count() as u32;
        if i + 1 == line {
            return (start, start + len);
        }
        start += len + 1;
    }
    let end = text.encode_utf16().count() as u32;
    (end, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_switch_starts_the_tab_over_or_on_the_draft_kept_with_the_document() {
        let mut tab = SourceDraft::switched(None);
        assert!(!tab.loaded() && !tab.dirty());
        let kept = KeptDraft { file: "a.toml".into(), text: "x = 2\n".into(), moved: false };
        tab = SourceDraft::switched(Some(kept));
        assert_eq!(tab.to_check(), Some("x = 2\n"));
        tab.fetched("x = 1\n".into());
        assert!(tab.dirty() && !tab.moved());
        assert_eq!(tab.shown(), "x = 2\n");
    }

    /// What the Apply button does: the draft, marked as sent.
    fn send(d: &mut SourceDraft) -> Option<String> {
        let text = d.draft()?.to_owned();
        d.sent(text.clone());
        Some(text)
    }

    fn loaded(text: &str) -> SourceDraft {
        let mut d = SourceDraft::default();
        d.fetched(text.to_owned());
        d
    }

    #[test]
    fn shows_the_file_until_the_user_types() {
        let mut d = SourceDraft::default();
        assert!(!d.loaded());
        assert_eq!(d.shown(), "");
        d.fetched("a = 1\n".into());
        assert_eq!(d.shown(), "a = 1\n");
        assert!(!d.dirty());
        d.typed("a = 2\n".into());
        assert_eq!(d.shown(), "a = 2\n");
        assert!(d.dirty());
        // Typing it back to the file is no draft.
        d.typed("a = 1\n".into());
        assert!(!d.dirty());
    }

    #[test]
    fn an_applied_draft_becomes_the_file() {
        let mut d = loaded("a = 1\n");
        d.typed("a = 2\n".into());
        assert_eq!(send(&mut d).as_deref(), Some("a = 2\n"));
        // Until the worker's text comes back, the draft is what shows.
        d.fetched("a = 1\n".into());
        assert_eq!(d.shown(), "a = 2\n");
        d.fetched("a = 2\n".into());
        assert!(!d.dirty());
        assert_eq!(d.shown(), "a = 2\n");
    }

    #[test]
    fn a_refused_draft_stays_and_can_be_sent_again() {
        let mut d = loaded("a = 1\n");
        d.typed("a = \n".into());
        send(&mut d);
        // Refused: the worker's file is unchanged, the draft stays.
        d.fetched("a = 1\n".into());
        assert_eq!(d.shown(), "a = \n");
        assert!(d.dirty());
        d.typed("a = 3\n".into());
        assert_eq!(send(&mut d).as_deref(), Some("a = 3\n"));
    }

    #[test]
    fn an_edit_elsewhere_keeps_the_draft_and_says_so() {
        let mut d = loaded("a = 1\n");
        d.typed("a = 1\nb = 2\n".into());
        assert!(!d.moved());
        // The inspector changed the file meanwhile.
        d.fetched("a = 5\n".into());
        assert_eq!(d.shown(), "a = 1\nb = 2\n");
        assert!(d.moved());
        d.revert();
        assert_eq!(d.shown(), "a = 5\n");
        assert!(!d.moved() && !d.dirty());
    }

    #[test]
    fn a_draft_outlives_a_reload_with_its_check() {
        let mut d = loaded("a = 1\n");
        assert_eq!(d.kept("f.toml"), None);
        d.typed("a = -5\n".into());
        let kept = d.kept("f.toml").unwrap();
        assert_eq!(
            kept,
            KeptDraft { file: "f.toml".into(), text: "a = -5\n".into(), moved: false }
        );
        // The next visit: the draft shows at once, over the file to come.
        let mut d = SourceDraft::restored(kept, "f.toml");
        assert_eq!(d.shown(), "a = -5\n");
        assert!(d.dirty() && !d.moved());
        assert_eq!(d.to_check(), Some("a = -5\n"));
        d.checking();
        assert_eq!(d.to_check(), None);
        d.fetched("a = 1\n".into());
        assert_eq!(d.shown(), "a = -5\n");
        assert!(!d.moved());
        // An edit elsewhere after the reload moves it, as before one.
        d.fetched("a = 7\n".into());
        assert!(d.moved());
        d.revert();
        assert!(!d.dirty() && !d.moved());
        assert_eq!(d.kept("f.toml"), None);
    }

    #[test]
    fn a_kept_draft_reads_back_as_stored() {
        for kept in [
            KeptDraft { file: "f.toml".into(), text: "a = 1\n\nb = \"x\"\n".into(), moved: false },
            KeptDraft { file: "my file.toml".into(), text: String::new(), moved: true },
        ] {
            assert_eq!(KeptDraft::read(&kept.stored()), Some(kept));
        }
        assert_eq!(KeptDraft::read("{\"file\":1}"), None);
        assert_eq!(KeptDraft::read("maybe\nf\nt"), None);
    }

    #[test]
    fn a_restored_draft_over_a_moved_or_other_file_says_so() {
        let kept = KeptDraft { file: "f.toml".into(), text: "b\n".into(), moved: true };
        let mut d = SourceDraft::restored(kept.clone(), "f.toml");
        d.fetched("a\n".into());
        assert!(d.moved());
        assert!(d.kept("f.toml").unwrap().moved);
        let d = SourceDraft::restored(KeptDraft { moved: false, ..kept }, "g.toml");
        assert!(d.moved());
    }

    #[test]
    fn a_restored_draft_already_applied_is_done() {
        let kept = KeptDraft { file: "f.toml".into(), text: "a = 2\n".into(), moved: false };
        let mut d = SourceDraft::restored(kept, "f.toml");
        d.fetched("a = 2\n".into());
        assert!(!d.dirty());
        assert_eq!(d.to_check(), None);
    }

    #[test]
    fn a_draft_too_large_for_a_file_is_not_kept() {
        let mut d = loaded("a = 1\n");
        d.typed("#".repeat(MAX_TEXT_BYTES + 1));
        assert_eq!(d.kept("f.toml"), None);
    }

    #[test]
    fn reads_the_lines_a_refusal_cites() {
        // As the worker words a file that cannot run.
        let message = "2 problems in the scenario:\n  \
                       shop.toml:5: `load \"u\".target`: no node is called `apu`; did you mean `api`?\n  \
                       shop.toml: the scenario needs at least one node";
        let (heading, list) = problems(message);
        assert_eq!(heading, Some("2 problems in the scenario:"));
        assert_eq!(
            list,
            [
                (5, "`load \"u\".target`: no node is called `apu`; did you mean `api`?"),
                (0, "shop.toml: the scenario needs at least one node"),
            ]
        );
        // A refusal in other words is shown whole.
        assert_eq!(problems("no worker"), (None, vec![(0, "no worker")]));
    }

    #[test]
    fn finds_a_line_in_utf16_offsets() {
        let text = "a = 1\n# é ü\nb = 2";
        assert_eq!(line_span(text, 1), (0, 5));
        assert_eq!(line_span(text, 2), (6, 11));
        assert_eq!(line_span(text, 3), (12, 17));
        assert_eq!(line_span(text, 9), (17, 17));
    }
}
