//! Undo and redo for the editor. Every edit is a new scenario text; the
//! history keeps the texts before each confirmed edit, so undo is "go back
//! to that text" (sent to the worker as a whole-scenario change). Edits are
//! matched to the worker's answers by id, so a refused edit leaves the
//! history as it was. Pure, tested natively.

/// Why an edit was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A new edit: it clears what could be redone.
    Edit,
    Undo,
    Redo,
}

/// The undo and redo stacks, and the edits awaiting the worker's answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EditHistory {
    undo: Vec<String>,
    redo: Vec<String>,
    /// `(id, why, the text before it, the text it goes back to)`.
    pending: Vec<(u64, Origin, String)>,
    next_id: u64,
}

/// Most steps kept.
const DEPTH: usize = 200;

impl EditHistory {
    /// Registers an edit about to be sent, made on `before`; returns its id.
    pub fn begin(&mut self, origin: Origin, before: &str) -> u64 {
        self.next_id += 1;
        self.pending.push((self.next_id, origin, before.to_owned()));
        self.next_id
    }

    /// The worker confirmed edit `id`.
    pub fn applied(&mut self, id: u64) {
        let Some(at) = self.pending.iter().position(|p| p.0 == id) else { return };
        let (_, origin, before) = self.pending.remove(at);
        match origin {
            Origin::Edit => {
                self.undo.push(before);
                self.redo.clear();
            }
            Origin::Undo => self.redo.push(before),
            Origin::Redo => self.undo.push(before),
        }
        if self.undo.len() > DEPTH {
            self.undo.remove(0);
        }
    }

    /// The worker refused edit `id`: an undo or redo goes back on its stack.
    pub fn refused(&mut self, id: u64, target: Option<String>) {
        let Some(at) = self.pending.iter().position(|p| p.0 == id) else { return };
        let (_, origin, _) = self.pending.remove(at);
        match (origin, target) {
            (Origin::Undo, Some(t)) => self.undo.push(t),
            (Origin::Redo, Some(t)) => self.redo.push(t),
            _ => {}
        }
    }

    /// The text to go back to, taken off the undo stack.
    pub fn take_undo(&mut self) -> Option<String> {
        self.undo.pop()
    }

    /// The text to go forward to, taken off the redo stack.
    pub fn take_redo(&mut self) -> Option<String> {
        self.redo.pop()
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Forgets everything (another scenario was opened).
    pub fn clear(&mut self) {
        *self = EditHistory { next_id: self.next_id, ..EditHistory::default() };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undo_and_redo_walk_the_texts() {
        let mut h = EditHistory::default();
        let a = h.begin(Origin::Edit, "v0");
        h.applied(a);
        let b = h.begin(Origin::Edit, "v1");
        h.applied(b);
        // now at v2
        let back = h.take_undo();
        assert_eq!(back.as_deref(), Some("v1"));
        let u = h.begin(Origin::Undo, "v2");
        h.applied(u);
        assert!(h.can_redo());
        let fwd = h.take_redo();
        assert_eq!(fwd.as_deref(), Some("v2"));
        let r = h.begin(Origin::Redo, "v1");
        h.applied(r);
        assert_eq!(h.take_undo().as_deref(), Some("v1"));
        // A new edit clears the redo stack.
        let u = h.begin(Origin::Undo, "v2");
        h.applied(u);
        let e = h.begin(Origin::Edit, "v1");
        h.applied(e);
        assert!(!h.can_redo());
    }

    #[test]
    fn refused_edits_change_nothing() {
        let mut h = EditHistory::default();
        let a = h.begin(Origin::Edit, "v0");
        h.refused(a, None);
        assert!(!h.can_undo());
        let a = h.begin(Origin::Edit, "v0");
        h.applied(a);
        let t = h.take_undo();
        let u = h.begin(Origin::Undo, "v1");
        h.refused(u, t);
        assert!(h.can_undo() && !h.can_redo());
    }
}
