//! What the canvas's gestures mean: a press that ends as a click or a
//! drag (`gesture`) and what it selects (`selection_after`), and as edits:
//! a component dropped at a new place (and into the other lane), a
//! connection dragged from a handle, a selection deleted, an arrow key's
//! nudge. Pure, so each rule is tested natively; the canvas component only
//! tracks the pointer and sends what these return.

use scalesim_engine::edit::Edit;
use scalesim_engine::scenario::Mode;

use crate::canvas::topology_layout::{ItemRef, Lane, Layout, Selection};

/// How far an arrow key moves the selected component, in world units.
pub const NUDGE: f64 = 20.0;

/// Screen pixels a press may travel and still be a click: a hand on a
/// mouse or a finger on glass moves a little while it presses.
pub const DRAG_THRESHOLD: f64 = 3.0;

/// What a press on the canvas turned out to be, judged by how far it went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gesture {
    /// Pressed and let go in place.
    Click,
    /// Moved past [`DRAG_THRESHOLD`]: a component moved or the view panned.
    Drag,
}

/// A press that went at most `travelled` screen pixels from where it came
/// down.
pub fn gesture(travelled: f64) -> Gesture {
    if travelled > DRAG_THRESHOLD { Gesture::Drag } else { Gesture::Click }
}

/// What a press ends by selecting, and whether the side panel turns to
/// show it in the Inspector.
#[derive(Clone, Debug, PartialEq)]
pub struct Selected {
    pub selection: Option<Selection>,
    pub shown: bool,
}

/// What a press on `pressed` (the component, load or call under it; `None`
/// on the background) selects once it ends as `gesture`. A click selects
/// it (on the background, clears the selection) and shows its parameters.
/// A drag selects what it moved, so Delete and the arrow keys act on it,
/// but leaves the side panel on its tab: a lesson saying what to drag stays
/// in view while the user drags it. A pan leaves the selection (`None`).
pub fn selection_after(pressed: Option<Selection>, gesture: Gesture) -> Option<Selected> {
    match (gesture, pressed) {
        (Gesture::Click, selection) => Some(Selected { selection, shown: true }),
        (Gesture::Drag, Some(moved)) => Some(Selected { selection: Some(moved), shown: false }),
        (Gesture::Drag, None) => None,
    }
}

/// The calls' mode that a lane stands for.
fn lane_mode(lane: Lane) -> Mode {
    match lane {
        Lane::Sync => Mode::Sync,
        Lane::Async => Mode::Async,
    }
}

/// Item `item` was dropped where the layout now has it: its new position,
/// and when a component crossed the lane boundary, every call into it
/// switched to that lane's mode (one undo step). `None`: a load dropped in
/// the background, which is refused (loads stay on the request path).
pub fn dropped(layout: &Layout, item: usize) -> Option<Edit> {
    let placed = layout.items.get(item)?;
    let to_lane = Lane::at(placed.pos[1], layout.lane_height);
    let position = [placed.pos[0].round(), placed.pos[1].round()];
    let moved = Edit::Move { id: placed.id.clone(), position };
    if to_lane == placed.lane {
        return Some(moved);
    }
    match placed.item {
        ItemRef::Node(_) => {
            let lane = Edit::SetLane { id: placed.id.clone(), mode: lane_mode(to_lane) };
            Some(Edit::Many { edits: vec![lane, moved] })
        }
        ItemRef::Load(_) => None,
    }
}

/// A connection dragged from item `from`'s handle and let go at `at` (world
/// units): a call to the component there, sync or async by its lane.
pub fn connected(layout: &Layout, from: usize, at: [f64; 2]) -> Option<Edit> {
    let to = layout.item_at(at).filter(|&t| t != from)?;
    let target = &layout.items[to];
    if !matches!(target.item, ItemRef::Node(_)) {
        return None;
    }
    Some(Edit::Connect {
        from: layout.items.get(from)?.id.clone(),
        to: target.id.clone(),
        mode: lane_mode(target.lane),
    })
}

/// Delete (or Backspace) on a selection: the component or load goes, or the
/// call.
pub fn deleted(selection: &Selection) -> Edit {
    match selection {
        Selection::Node(id) | Selection::Load(id) => Edit::Remove { id: id.clone() },
        Selection::Call { node, call } => Edit::Disconnect { from: node.clone(), call: *call },
    }
}

/// The move an arrow key (`KeyboardEvent.key`) asks for.
pub fn nudge(key: &str) -> Option<[f64; 2]> {
    match key {
        "ArrowLeft" => Some([-NUDGE, 0.0]),
        "ArrowRight" => Some([NUDGE, 0.0]),
        "ArrowUp" => Some([0.0, -NUDGE]),
        "ArrowDown" => Some([0.0, NUDGE]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

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
  [[node.call]]
  to = "mailer"
[[node]]
id = "mailer"
kind = "external"
latency = { dist = "exp", mean = "50ms" }
"#;

    fn two() -> Layout {
        layout(&of_text(TWO).expect("outline"), &HashMap::new())
    }

    fn at(l: &Layout, id: &str) -> usize {
        l.items.iter().position(|it| it.id == id).expect("item")
    }

    #[test]
    fn a_drop_in_the_same_lane_moves_and_across_it_switches_the_calls() {
        let mut l = two();
        let m = at(&l, "mailer");
        l.items[m].pos[0] += 33.4;
        let Some(Edit::Move { id, position }) = dropped(&l, m) else { panic!("a move") };
        assert_eq!(id, "mailer");
        assert_eq!(position[0], l.items[m].pos[0].round());
        l.items[m].pos[1] = l.lane_height + 80.0;
        assert_eq!(
            dropped(&l, m),
            Some(Edit::Many {
                edits: vec![
                    Edit::SetLane { id: "mailer".into(), mode: Mode::Async },
                    Edit::Move {
                        id: "mailer".into(),
                        position: [l.items[m].pos[0].round(), (l.lane_height + 80.0).round()]
                    },
                ]
            })
        );
        let u = at(&l, "users");
        l.items[u].pos[1] = l.lane_height + 80.0;
        assert_eq!(dropped(&l, u), None, "a load stays on the request path");
    }

    #[test]
    fn a_refused_drop_is_drawn_back_where_the_document_has_it() {
        // The canvas remembers nothing of a drop: laid out again from the
        // same document (the worker refused the edit), the component is
        // where it was; from the edited one, where it was dropped.
        let outline = of_text(TWO).expect("outline");
        let mut remembered = HashMap::new();
        let mut l = layout(&outline, &remembered);
        for it in &l.items {
            remembered.insert(it.id.clone(), it.pos);
        }
        let a = at(&l, "api");
        let start = l.items[a].pos;
        l.items[a].pos[1] = l.lane_height + 80.0;
        let Some(Edit::Many { edits }) = dropped(&l, a) else { panic!("lane and move") };
        assert_eq!(layout(&outline, &remembered).items[a].pos, start);
        assert!(matches!(edits[0], Edit::SetLane { .. }));
        // A move the worker applied is in the document, and drawn from it.
        l.items[a].pos = [start[0] + 140.0, start[1]];
        let Some(Edit::Move { position, .. }) = dropped(&l, a) else { panic!("a move") };
        let mut moved = outline.clone();
        let n = moved.nodes.iter().position(|n| n.id == "api").expect("api");
        moved.nodes[n].position = Some(position);
        assert_eq!(layout(&moved, &remembered).items[a].pos, position);
    }

    #[test]
    fn a_connection_goes_to_the_component_let_go_on_in_its_lanes_mode() {
        let l = two();
        let (api, mailer, users) = (at(&l, "api"), at(&l, "mailer"), at(&l, "users"));
        let edit = connected(&l, mailer, l.items[api].pos);
        assert_eq!(
            edit,
            Some(Edit::Connect { from: "mailer".into(), to: "api".into(), mode: Mode::Sync })
        );
        assert_eq!(connected(&l, api, l.items[api].pos), None, "not to itself");
        assert_eq!(connected(&l, api, l.items[users].pos), None, "not to a load");
        assert_eq!(connected(&l, api, [-9_999.0, -9_999.0]), None, "not to nothing");
    }

    #[test]
    fn a_click_shows_what_it_selects_and_a_drag_selects_what_it_moved_quietly() {
        assert_eq!(gesture(0.0), Gesture::Click);
        assert_eq!(gesture(DRAG_THRESHOLD), Gesture::Click, "a hand's tremor is a click");
        assert_eq!(gesture(DRAG_THRESHOLD + 0.5), Gesture::Drag);
        assert_eq!(gesture(80.0), Gesture::Drag);
        let api = Selection::Node("api".into());
        let shown = |selection| Some(Selected { selection, shown: true });
        assert_eq!(selection_after(Some(api.clone()), Gesture::Click), shown(Some(api.clone())));
        assert_eq!(selection_after(None, Gesture::Click), shown(None), "the background clears it");
        assert_eq!(
            selection_after(Some(api.clone()), Gesture::Drag),
            Some(Selected { selection: Some(api), shown: false }),
            "a moved component, selected without turning the side panel"
        );
        assert_eq!(selection_after(None, Gesture::Drag), None, "a pan");
        let call = Selection::Call { node: "api".into(), call: 0 };
        assert_eq!(selection_after(Some(call.clone()), Gesture::Click), shown(Some(call)));
    }

    #[test]
    fn delete_and_nudge() {
        assert_eq!(deleted(&Selection::Node("a".into())), Edit::Remove { id: "a".into() });
        assert_eq!(
            deleted(&Selection::Call { node: "a".into(), call: 2 }),
            Edit::Disconnect { from: "a".into(), call: 2 }
        );
        assert_eq!(nudge("ArrowUp"), Some([0.0, -NUDGE]));
        assert_eq!(nudge("a"), None);
    }
}
