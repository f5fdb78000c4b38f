//! Undo and redo of the document the worker owns. Each step is the whole
//! text before an edit, so going back is "apply that text" (a
//! `replay::Change::Text`, which a share link replays like any change).
//! Bounded in steps and bytes; the oldest steps go first. Pure, tested
//! natively.

/// Most steps kept on either stack.
const DEPTH: usize = 200;
/// Most bytes of text kept on both stacks together.
const MAX_BYTES: usize = 16 * 1024 * 1024;

/// The texts to go back and forward to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Undo {
    back: Vec<String>,
    forward: Vec<String>,
}

impl Undo {
    /// An edit was applied to `before`: it can be undone, and nothing can
    /// be redone any more.
    pub fn edited(&mut self, before: String) {
        self.forward.clear();
        self.back.push(before);
        self.bound();
    }

    /// The text an undo goes to, taken off its stack (put it back with
    /// [`Undo::refused_back`] if it cannot be applied).
    pub fn take_back(&mut self) -> Option<String> {
        self.back.pop()
    }

    /// The text a redo goes to, taken off its stack.
    pub fn take_forward(&mut self) -> Option<String> {
        self.forward.pop()
    }

    /// An undo left `from`: a redo comes back to it.
    pub fn went_back(&mut self, from: String) {
        self.forward.push(from);
        self.bound();
    }

    /// A redo left `from`: an undo comes back to it.
    pub fn went_forward(&mut self, from: String) {
        self.back.push(from);
        self.bound();
    }

    /// An undo's text could not be applied: it stays to be undone.
    pub fn refused_back(&mut self, text: String) {
        self.back.push(text);
    }

    /// A redo's text could not be applied: it stays to be redone.
    pub fn refused_forward(&mut self, text: String) {
        self.forward.push(text);
    }

    pub fn can_undo(&self) -> bool {
        !self.back.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.forward.is_empty()
    }

    /// Forgets everything (another scenario was opened).
    pub fn clear(&mut self) {
        *self = Undo::default();
    }

    /// Drops the oldest steps past [`DEPTH`] or [`MAX_BYTES`].
    fn bound(&mut self) {
        let bytes = |v: &Vec<String>| v.iter().map(String::len).sum::<usize>();
        while self.back.len() > DEPTH
            || (bytes(&self.back) + bytes(&self.forward) > MAX_BYTES && !self.back.is_empty())
        {
            self.back.remove(0);
        }
        self.forward.truncate(DEPTH);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies `text` as the document would (an edit from `doc`).
    fn edit(undo: &mut Undo, doc: &mut String, text: &str) {
        undo.edited(std::mem::replace(doc, text.to_owned()));
    }

    fn go_back(undo: &mut Undo, doc: &mut String) {
        let to = undo.take_back().expect("something to undo");
        undo.went_back(std::mem::replace(doc, to));
    }

    fn go_forward(undo: &mut Undo, doc: &mut String) {
        let to = undo.take_forward().expect("something to redo");
        undo.went_forward(std::mem::replace(doc, to));
    }

    #[test]
    fn undo_and_redo_walk_the_texts_one_edit_a_step() {
        let (mut u, mut doc) = (Undo::default(), "v0".to_owned());
        edit(&mut u, &mut doc, "v1");
        edit(&mut u, &mut doc, "v2");
        go_back(&mut u, &mut doc);
        assert_eq!(doc, "v1");
        go_back(&mut u, &mut doc);
        assert_eq!(doc, "v0");
        assert!(!u.can_undo() && u.can_redo());
        go_forward(&mut u, &mut doc);
        go_forward(&mut u, &mut doc);
        assert_eq!(doc, "v2");
        assert!(!u.can_redo());
        go_back(&mut u, &mut doc);
        edit(&mut u, &mut doc, "v3");
        assert!(!u.can_redo(), "a new edit forgets what could be redone");
        go_back(&mut u, &mut doc);
        assert_eq!(doc, "v1");
    }

    #[test]
    fn a_refused_step_stays_where_it_was() {
        let (mut u, mut doc) = (Undo::default(), "v0".to_owned());
        edit(&mut u, &mut doc, "v1");
        let to = u.take_back().unwrap();
        u.refused_back(to);
        assert!(u.can_undo() && !u.can_redo());
        go_back(&mut u, &mut doc);
        let to = u.take_forward().unwrap();
        u.refused_forward(to);
        assert!(u.can_redo());
    }

    #[test]
    fn the_stacks_stay_bounded() {
        let (mut u, mut doc) = (Undo::default(), String::new());
        for i in 0..DEPTH + 50 {
            edit(&mut u, &mut doc, &i.to_string());
        }
        assert_eq!(u.back.len(), DEPTH);
        let big = "x".repeat(MAX_BYTES / 4);
        for _ in 0..8 {
            edit(&mut u, &mut doc, &big);
        }
        let held: usize = u.back.iter().map(String::len).sum();
        assert!(held <= MAX_BYTES, "{held} bytes held");
        assert!(u.can_undo());
    }
}
