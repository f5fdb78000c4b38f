//! Where the canvas drew variant A's document, kept between visits beside
//! the autosaved work: each component's and load's place (chosen by the
//! layout, dragged by the user, placed beside a caller) and the view over
//! them, so a reload draws the document where it was rather than laying it
//! out afresh. Kept in the browser's storage, never in the scenario file:
//! a file's text changes only by the user's edits. The embedded player
//! keeps nothing (it never touches the reader's storage).
//!
//! A line format of its own (no serde code in the bundle for it): a
//! header, the view (`view ZOOM PAN_X PAN_Y WIDTH HEIGHT`), then one
//! `ID X Y` a line (ids are short names: no spaces). Whatever cannot be
//! read is left out, never an error. Pure, native-tested.

use std::collections::HashMap;

use crate::canvas::topology_layout::{Layout, View};
use crate::canvas::viewport::ZOOM_RANGE;

/// The first line of a kept layout; another first line is not one.
const HEADER: &str = "scalesim-layout 1";

/// At most this many places are read: a kept entry is the document's own
/// items, so this only bounds a stale or hostile one.
pub const MAX_PLACES: usize = 4_096;

/// The view as it was kept, with the canvas's size it was kept at (CSS
/// pixels): on a canvas of another size it frames something else.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KeptView {
    pub view: View,
    pub size: [f64; 2],
}

/// A drawing as kept: items' places (world units) and the view.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KeptLayout {
    pub places: Vec<(String, [f64; 2])>,
    pub view: Option<KeptView>,
}

/// `layout` drawn in `view` on a canvas of `size`, as stored: the places
/// of its own items only (the document's now), so the entry stays as small
/// as the document. `None` for a drawing with no item (the page before its
/// document has loaded), which would only wipe out what was kept.
pub fn stored(layout: &Layout, view: View, size: [f64; 2]) -> Option<String> {
    if layout.items.is_empty() {
        return None;
    }
    let [px, py] = view.pan;
    let mut text = format!("{HEADER}\nview {} {px} {py} {} {}", view.zoom, size[0], size[1]);
    for it in &layout.items {
        text.push_str(&format!("\n{} {} {}", it.id, it.pos[0], it.pos[1]));
    }
    Some(text)
}

impl KeptLayout {
    /// A stored entry read back: `None` when it is not one. Lines that
    /// cannot be read (a number that is not one or not finite, a view
    /// with a zoom out of range) are left out.
    pub fn read(stored: &str) -> Option<KeptLayout> {
        let mut lines = stored.split('\n');
        if lines.next()? != HEADER {
            return None;
        }
        let mut kept = KeptLayout::default();
        for line in lines {
            if let Some(numbers) = line.strip_prefix("view ") {
                kept.view = view_of(numbers).or(kept.view);
                continue;
            }
            let Some((id, x, y)) = line.split_once(' ').and_then(|(id, xy)| {
                let (x, y) = xy.split_once(' ')?;
                Some((id, number(x)?, number(y)?))
            }) else {
                continue;
            };
            if !id.is_empty() && kept.places.len() < MAX_PLACES {
                kept.places.push((id.to_owned(), [x, y]));
            }
        }
        Some(kept)
    }

    /// Remembers the kept places of the document's items now (those
    /// `is_item` names: the places of components that are gone are
    /// dropped), as the canvas remembers places.
    pub fn remember_places(
        &self,
        remembered: &mut HashMap<String, [f64; 2]>,
        is_item: impl Fn(&str) -> bool,
    ) {
        for (id, place) in &self.places {
            if is_item(id) {
                remembered.insert(id.clone(), *place);
            }
        }
    }

    /// The kept view, when the canvas is the size it was kept at (within a
    /// pixel): on another it would frame something else, so the canvas
    /// fits the drawing instead.
    pub fn view_for(&self, size: [f64; 2]) -> Option<View> {
        let kept = self.view?;
        let same = (kept.size[0] - size[0]).abs() <= 1.0 && (kept.size[1] - size[1]).abs() <= 1.0;
        same.then_some(kept.view)
    }
}

/// `ZOOM PAN_X PAN_Y WIDTH HEIGHT`, all finite, the zoom in range and the
/// size positive.
fn view_of(numbers: &str) -> Option<KeptView> {
    let mut words = numbers.split(' ').map(number);
    let mut next = || words.next().flatten();
    let (zoom, pan, size) = (next()?, [next()?, next()?], [next()?, next()?]);
    let fits = (ZOOM_RANGE[0]..=ZOOM_RANGE[1]).contains(&zoom) && size[0] > 0.0 && size[1] > 0.0;
    (fits && words.next().is_none()).then_some(KeptView { view: View { zoom, pan }, size })
}

/// A word as a finite number.
fn number(word: &str) -> Option<f64> {
    word.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canvas::topology_layout::layout;
    use scalesim_engine::outline::of_text;

    const TWO: &str = r#"
[scenario]
name = "t"
[[load]]
id = "users"
target = "api"
rate = 10
[[node]]
id = "api"
kind = "service"
service_time = { dist = "exp", mean = "1ms" }
"#;

    fn view() -> View {
        View { zoom: 0.75, pan: [12.5, -3.0] }
    }

    #[test]
    fn a_drawing_reads_back_as_it_was_kept() {
        let drawn = layout(&of_text(TWO).expect("outline"), &HashMap::new());
        let text = stored(&drawn, view(), [800.0, 420.0]).expect("items drawn");
        let back = KeptLayout::read(&text).expect("read");
        let places: Vec<_> = drawn.items.iter().map(|it| (it.id.clone(), it.pos)).collect();
        assert_eq!(back.places, places, "the document's items");
        assert_eq!(back.view, Some(KeptView { view: view(), size: [800.0, 420.0] }));
        assert_eq!(back.view_for([800.0, 420.0]), Some(view()));
        assert_eq!(back.view_for([800.5, 419.2]), Some(view()), "within a pixel");
        assert_eq!(back.view_for([390.0, 420.0]), None, "another canvas fits instead");
        // The places feed the layout: the same drawing again.
        let mut remembered = HashMap::new();
        back.remember_places(&mut remembered, |_| true);
        let again = layout(&of_text(TWO).expect("outline"), &remembered);
        assert_eq!(again.items, drawn.items);
    }

    #[test]
    fn places_of_components_that_are_gone_are_dropped() {
        let kept = KeptLayout {
            places: vec![("api".into(), [1.0, 2.0]), ("gone".into(), [3.0, 4.0])],
            view: None,
        };
        let mut remembered = HashMap::from([("new".to_owned(), [7.0, 8.0])]);
        kept.remember_places(&mut remembered, |id| ["api", "new"].contains(&id));
        let expected = [("api".to_owned(), [1.0, 2.0]), ("new".to_owned(), [7.0, 8.0])];
        assert_eq!(remembered, HashMap::from(expected));
        assert_eq!(kept.view_for([800.0, 420.0]), None, "no view kept: fit");
    }

    #[test]
    fn what_cannot_be_read_is_left_out_without_an_error() {
        for bad in ["", "{}", "null", "scalesim-layout 2\napi 1 2", "api 1 2"] {
            assert_eq!(KeptLayout::read(bad), None, "{bad:?}");
        }
        let messy = "scalesim-layout 1\nview 99 0 0 800 400\napi NaN 2\ndb 1 inf\n\
                     cache 1\n 4 5\nok 5 -6\nview 1 0 0 -3 400\nweird 1 2 3\nview 1 0 0 8 9 10";
        let read = KeptLayout::read(messy).expect("header");
        assert_eq!(read.places, vec![("ok".to_owned(), [5.0, -6.0])]);
        assert_eq!(read.view, None, "a zoom out of range, a size below zero");
        let nothing = Layout::default();
        assert_eq!(stored(&nothing, view(), [800.0, 420.0]), None, "nothing drawn yet");
    }

    #[test]
    fn a_hostile_entry_is_read_to_a_bound() {
        let mut text = String::from(HEADER);
        for k in 0..MAX_PLACES + 50 {
            text.push_str(&format!("\nn{k} 1 2"));
        }
        assert_eq!(KeptLayout::read(&text).expect("read").places.len(), MAX_PLACES);
    }
}
