//! The Source tab's text as state: the scenario file as the worker holds
//! it, the user's draft over it, and what became of the draft last sent.
//! Pure, tested natively; the page only renders what this says.
//!
//! A draft is never lost to the run: while the user types, edits made
//! elsewhere (the canvas, the inspector, undo) update the file but not the
//! draft, and the tab says so; a draft the worker refuses stays (the page
//! shows the worker's reasons beside it) until the user applies a fixed one
//! or reverts.

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
        self.draft.is_some() && self.base != self.current
    }

    /// The worker's text of the file arrived. The draft just sent is now
    /// the file: it is done.
    pub fn fetched(&mut self, text: String) {
        if self.sent.as_ref() == Some(&text) || self.draft.as_ref() == Some(&text) {
            self.draft = None;
            self.base = None;
            self.sent = None;
        }
        self.current = Some(text);
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
        self.draft = None;
        self.base = None;
        self.sent = None;
    }
}

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
