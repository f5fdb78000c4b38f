//! The canvas's view when the topology need not fit whole: on a narrow
//! canvas (a phone) "Fit" stops at a zoom where the components' names
//! read ([`zoom_floor`]) and the user pans to the rest, so the view after
//! an edit or a resize keeps the user's pan and the selected component in
//! sight rather than fitting again ([`settle`]); what lies past each edge
//! ([`hidden_sides`]) is shown by a fade and an arrow that pans toward it
//! ([`arrow_at`], [`pan_toward`]), and the arrow keys pan too; the
//! buttons, the wheel and two fingers zoom ([`zoomed_at`], [`pinched`]).
//! Pure, in
//! CSS pixels and world units, tested natively; `topology_canvas` draws
//! the hints and applies the views.

use crate::canvas::topology_layout::{self as tl, View};

/// A canvas narrower than this (CSS pixels) is a phone's: its fit has a
/// zoom floor. A laptop's canvas (923 px at 1280×720) is far wider.
pub const NARROW_CANVAS: f64 = 600.0;
/// The narrow canvas's zoom floor: a box 86 px wide, its name at 9 px in
/// full (chosen by looking at the library's widest designs at 390 px: at
/// 0.40 the names were squeezed to a smudge).
pub const NARROW_ZOOM_FLOOR: f64 = 0.65;
/// The lowest zoom "Fit" gives on a wide canvas (as before the floor).
const WIDE_ZOOM_FLOOR: f64 = 0.1;
/// The lowest and highest zoom the user may give (buttons, wheel, pinch).
pub const ZOOM_RANGE: [f64; 2] = [0.1, 4.0];
/// CSS pixels an arrow key pans by.
pub const KEY_PAN: f64 = 60.0;
/// An edge arrow's radius and its distance from the edge, CSS pixels.
pub const ARROW_R: f64 = 15.0;
const ARROW_INSET: f64 = 4.0;
/// CSS pixels kept between a revealed box and the canvas's edge.
const REVEAL_MARGIN: f64 = 24.0;
/// Pixels of a box past an edge before that side counts as hidden.
const HIDDEN_SLACK: f64 = 4.0;

/// A box's corners, `(top-left, bottom-right)`, world units.
pub type Corners = ([f64; 2], [f64; 2]);

/// A fit this close to the floor (a share of it) is kept: its names are
/// as large (9 px is their minimum either way), squeezed a little, and
/// nothing is cut (a player 342 px wide fits a three-box row at 0.63).
const NEAR_FLOOR: f64 = 0.9;

/// The lowest zoom "Fit" may give on a canvas `width` CSS pixels wide.
pub fn zoom_floor(width: f64) -> f64 {
    if width < NARROW_CANVAS { NARROW_ZOOM_FLOOR } else { WIDE_ZOOM_FLOOR }
}

/// The zoom "Fit" gives on a canvas `width` CSS pixels wide when
/// everything would fit at `fit`: the floor when `fit` is well below it.
pub fn floored(fit: f64, width: f64) -> f64 {
    let floor = zoom_floor(width);
    if fit >= floor * NEAR_FLOOR { fit } else { floor }
}

/// What a view is judged against: what "Fit" frames (`bounds`, with
/// `clear_to`, `Layout::clear_to`), the canvas's `size`, the band at its
/// `top` kept for the request path's name and the `foot` covered by
/// notices (CSS pixels).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stage {
    pub bounds: Corners,
    pub clear_to: f64,
    pub size: [f64; 2],
    pub top: f64,
    pub foot: f64,
}

impl Stage {
    /// The view "Fit" gives (`topology_layout::fit_view`).
    pub fn fit(&self) -> View {
        tl::fit_view(self.bounds, self.clear_to, self.size, self.top, self.foot)
    }

    /// Whether `view` shows everything "Fit" frames.
    pub fn shows_all(&self, view: View) -> bool {
        tl::in_view(self.bounds, self.clear_to, view, self.size, self.foot)
    }

    /// The room the diagram is kept in, per axis: `[low, high]` CSS px.
    fn room(&self, axis: usize) -> [f64; 2] {
        let foot = self.foot.clamp(0.0, self.size[1] / 2.0);
        if axis == 0 { [0.0, self.size[0]] } else { [0.0, self.size[1] - foot] }
    }

    /// The diagram's extent along an axis that must stay clear: the
    /// bounds across, down to `clear_to` (the empty drop band below may
    /// lie under a notice).
    fn extent(&self, axis: usize) -> [f64; 2] {
        if axis == 0 {
            [self.bounds.0[0], self.bounds.1[0]]
        } else {
            [self.bounds.0[1], self.clear_to]
        }
    }
}

/// The view after an edit, a resize or a notice: the same view while it
/// shows everything; else "Fit" when that shows everything; else (the
/// design does not fit at a readable zoom) the user's zoom and pan, moved
/// the least to keep the diagram over the canvas and `focus` (the
/// selected component's box) in sight.
pub fn settle(stage: &Stage, current: View, focus: Option<Corners>) -> View {
    if stage.shows_all(current) {
        return current;
    }
    let fit = stage.fit();
    if stage.shows_all(fit) {
        return fit;
    }
    let kept = contain(stage, current);
    focus.map_or(kept, |f| reveal(stage, kept, f))
}

/// The pan along one axis that keeps content spanning `[lo, hi]` screen
/// pixels at pan 0 inside `room` when it fits there, and over all of the
/// room when it is larger (no empty margin past either end).
fn clamp_axis(pan: f64, [lo, hi]: [f64; 2], [a, b]: [f64; 2]) -> f64 {
    let (x, y) = (a - lo, b - hi);
    pan.clamp(x.min(y), x.max(y))
}

/// `view` moved the least so the diagram stays inside the canvas along an
/// axis where it fits and covers it along one where it does not.
pub fn contain(stage: &Stage, view: View) -> View {
    let mut pan = view.pan;
    for (axis, p) in pan.iter_mut().enumerate() {
        let [lo, hi] = stage.extent(axis);
        *p = clamp_axis(*p, [lo * view.zoom, hi * view.zoom], stage.room(axis));
    }
    View { pan, ..view }
}

/// A pan the user drags to, held along each axis where the diagram is
/// larger than the canvas so it still covers it (dragging stops at the
/// last component); free along an axis where it fits, as it always was.
pub fn drag_pan(stage: &Stage, view: View) -> View {
    let mut pan = view.pan;
    for (axis, p) in pan.iter_mut().enumerate() {
        let [lo, hi] = stage.extent(axis);
        let (content, room) = ([lo * view.zoom, hi * view.zoom], stage.room(axis));
        if content[1] - content[0] > room[1] - room[0] {
            *p = clamp_axis(*p, content, room);
        }
    }
    View { pan, ..view }
}

/// `view` moved the least to show the box `focus` whole, with a margin
/// for its connect handle and clear of an edge's fade (its top-left first
/// when it is larger than the canvas).
pub fn reveal(stage: &Stage, view: View, focus: Corners) -> View {
    let mut pan = view.pan;
    for (axis, p) in pan.iter_mut().enumerate() {
        let [a, b] = stage.room(axis);
        let margin = REVEAL_MARGIN.min((b - a) / 4.0);
        let [a, b] = [a + margin, b - margin];
        let (lo, hi) = (focus.0[axis] * view.zoom, focus.1[axis] * view.zoom);
        if hi + *p > b {
            *p = b - hi;
        }
        if lo + *p < a {
            *p = a - lo;
        }
    }
    View { pan, ..view }
}

/// A side of the canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Left = 0,
    Right = 1,
    Up = 2,
    Down = 3,
}

impl Side {
    pub const ALL: [Side; 4] = [Side::Left, Side::Right, Side::Up, Side::Down];

    /// Its name, as `data-layout` publishes it.
    pub fn name(self) -> &'static str {
        ["left", "right", "up", "down"][self as usize]
    }

    /// The axis it is across: 0 (x) for left and right, 1 (y) for up and
    /// down.
    pub fn axis(self) -> usize {
        self as usize / 2
    }

    /// Whether it is the far end of its axis (right, down).
    pub fn far(self) -> bool {
        self as usize % 2 == 1
    }
}

/// The canvas as the hints see it: its `size`, the lane name's `top`
/// band and the `foot` its notices cover (CSS pixels).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Room {
    pub size: [f64; 2],
    pub top: f64,
    pub foot: f64,
}

impl Room {
    /// Where the room ends at the foot: above the notices (at most half
    /// the canvas, as `fit_view` counts them).
    pub fn bottom(self) -> f64 {
        self.size[1] - self.foot.clamp(0.0, self.size[1] / 2.0)
    }

    /// The room along `axis`, `[start, end]`: the width; the height
    /// between the `top` band and the foot.
    fn span(self, axis: usize) -> [f64; 2] {
        if axis == 0 { [0.0, self.size[0]] } else { [self.top, self.bottom()] }
    }
}

/// Which sides of the canvas have components past them, and for each,
/// where along that edge (CSS pixels: a `y` for left and right, an `x`
/// for up and down) the middle of those components is.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sides {
    along: [Option<f64>; 4],
}

impl Sides {
    /// Components past `side`, their middle `along` its edge.
    pub fn with(mut self, side: Side, along: f64) -> Sides {
        self.along[side as usize] = Some(along);
        self
    }

    pub fn has(self, side: Side) -> bool {
        self.along[side as usize].is_some()
    }

    pub fn any(self) -> bool {
        self.along.iter().any(Option::is_some)
    }

    /// The sides set, in [`Side::ALL`]'s order.
    pub fn list(self) -> impl Iterator<Item = Side> {
        Side::ALL.into_iter().filter(move |s| self.has(*s))
    }

    /// Where the arrow toward `side` sits (its centre, CSS pixels): at
    /// that edge, level with the components past it, kept inside the
    /// room between the `top` band and the `foot`.
    pub fn arrow(self, side: Side, room: Room) -> Option<[f64; 2]> {
        let along = self.along[side as usize]?;
        let edge = ARROW_R + ARROW_INSET;
        let (axis, mut at) = (side.axis(), [0.0; 2]);
        let [a, b] = room.span(axis);
        at[axis] = if side.far() { b - edge } else { a + edge };
        let [a, b] = room.span(1 - axis);
        at[1 - axis] = along.clamp(a + edge, (b - edge).max(a + edge));
        Some(at)
    }
}

/// The sides of `room` that some of `boxes` lie past in `view` (above
/// the canvas's top, not the name's band).
pub fn hidden_sides(boxes: impl IntoIterator<Item = Corners>, view: View, room: Room) -> Sides {
    let end = [room.size[0], room.bottom()];
    // Per side, the span across it of the boxes past it.
    let mut spans = [[f64::INFINITY, f64::NEG_INFINITY]; 4];
    for (lo, hi) in boxes {
        let (a, b) = (view.screen(lo), view.screen(hi));
        for (side, span) in Side::ALL.into_iter().zip(&mut spans) {
            let axis = side.axis();
            let past = if side.far() {
                b[axis] > end[axis] + HIDDEN_SLACK
            } else {
                a[axis] < -HIDDEN_SLACK
            };
            if past {
                *span = [span[0].min(a[1 - axis]), span[1].max(b[1 - axis])];
            }
        }
    }
    let mut sides = Sides::default();
    for (side, [lo, hi]) in Side::ALL.into_iter().zip(spans) {
        if lo <= hi {
            sides = sides.with(side, (lo + hi) / 2.0);
        }
    }
    sides
}

/// The arrow (of the `shown` sides) under screen point `p`, if any: a
/// little larger than drawn, for a finger.
pub fn arrow_at(shown: Sides, p: [f64; 2], room: Room) -> Option<Side> {
    shown.list().find(|&side| {
        shown.arrow(side, room).is_some_and(|c| (p[0] - c[0]).hypot(p[1] - c[1]) <= ARROW_R + 8.0)
    })
}

/// The pan an edge arrow asks for: most of the canvas toward `side`, so
/// what was past that edge comes in with some of what was in view.
pub fn pan_toward(side: Side, size: [f64; 2]) -> [f64; 2] {
    let [w, h] = [size[0] * 0.7, size[1] * 0.7];
    step_toward(side, [w, h])
}

/// The side an arrow key (`KeyboardEvent.key`) pans toward, and by how much.
pub fn key_pan(key: &str) -> Option<[f64; 2]> {
    let side = match key {
        "ArrowLeft" => Side::Left,
        "ArrowRight" => Side::Right,
        "ArrowUp" => Side::Up,
        "ArrowDown" => Side::Down,
        _ => return None,
    };
    Some(step_toward(side, [KEY_PAN, KEY_PAN]))
}

/// The change of pan that brings what is toward `side` into view by
/// `by` pixels (the diagram moves the other way).
fn step_toward(side: Side, by: [f64; 2]) -> [f64; 2] {
    let mut step = [0.0; 2];
    let axis = side.axis();
    step[axis] = if side.far() { -by[axis] } else { by[axis] };
    step
}

/// `view` panned by `delta` CSS pixels.
pub fn panned(view: View, delta: [f64; 2]) -> View {
    View { pan: [view.pan[0] + delta[0], view.pan[1] + delta[1]], ..view }
}

/// `view` zoomed by `factor` (within [`ZOOM_RANGE`]) about the screen
/// point `at`, which stays still.
pub fn zoomed_at(view: View, factor: f64, at: [f64; 2]) -> View {
    let zoom = (view.zoom * factor).clamp(ZOOM_RANGE[0], ZOOM_RANGE[1]);
    let k = zoom / view.zoom;
    let pan = [at[0] - (at[0] - view.pan[0]) * k, at[1] - (at[1] - view.pan[1]) * k];
    View { zoom, pan }
}

/// Two fingers.
pub type Fingers = [[f64; 2]; 2];

/// The view two fingers give that were at `from` over `view` and are now
/// at `to`: zoomed by how far apart they moved (within [`ZOOM_RANGE`])
/// about their midpoint, the diagram's point under it carried along as
/// the midpoint moves.
pub fn pinched(view: View, from: Fingers, to: Fingers) -> View {
    let gap = |f: Fingers| (f[0][0] - f[1][0]).hypot(f[0][1] - f[1][1]);
    let mid = |f: Fingers| [(f[0][0] + f[1][0]) / 2.0, (f[0][1] + f[1][1]) / 2.0];
    let factor = if gap(from) > 0.0 { gap(to) / gap(from) } else { 1.0 };
    let (a, b) = (mid(from), mid(to));
    panned(zoomed_at(view, factor, a), [b[0] - a[0], b[1] - a[1]])
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::canvas::topology_layout::{Layout, layout};

    /// The library's widest design: users and four components in a row.
    const RETRY_STORM: &str = include_str!("../../scenarios/retry-storm.toml");
    /// The canvas at 390×844 (Topology view) and at 1280×720.
    const PHONE: [f64; 2] = [370.0, 431.0];
    const LAPTOP: [f64; 2] = [923.0, 343.0];
    /// `topology_canvas`'s band for the request path's name.
    const TOP: f64 = 26.0;

    fn storm() -> Layout {
        let outline =
            scalesim_engine::outline::of_text(RETRY_STORM).unwrap_or_else(|e| panic!("{e}"));
        layout(&outline, &HashMap::new())
    }

    fn stage(l: &Layout, size: [f64; 2], foot: f64) -> Stage {
        Stage { bounds: l.bounds(), clear_to: l.clear_to(), size, top: TOP, foot }
    }

    fn room(size: [f64; 2], foot: f64) -> Room {
        Room { size, top: TOP, foot }
    }

    fn boxes(l: &Layout) -> Vec<Corners> {
        l.items.iter().map(|it| it.corners()).collect()
    }

    /// Item `id`'s box on screen.
    fn on_screen(l: &Layout, id: &str, v: View) -> ([f64; 2], [f64; 2]) {
        let it = l.items.iter().find(|it| it.id == id).unwrap_or_else(|| panic!("{id}"));
        let (a, b) = it.corners();
        (v.screen(a), v.screen(b))
    }

    fn shows(l: &Layout, id: &str, v: View, size: [f64; 2]) -> bool {
        let (a, b) = on_screen(l, id, v);
        a[0] >= 0.0 && b[0] <= size[0] && a[1] >= 0.0 && b[1] <= size[1]
    }

    #[test]
    fn the_floor_yields_to_a_fit_just_under_it() {
        assert_eq!(floored(0.40, PHONE[0]), NARROW_ZOOM_FLOOR);
        assert_eq!(floored(0.63, PHONE[0]), 0.63, "everything shows, names as large");
        assert_eq!(floored(0.9, PHONE[0]), 0.9);
        assert_eq!(floored(0.1, LAPTOP[0]), 0.1);
    }

    #[test]
    fn a_phone_fits_at_a_readable_zoom_from_the_users_on() {
        assert_eq!(zoom_floor(PHONE[0]), NARROW_ZOOM_FLOOR);
        assert_eq!(zoom_floor(LAPTOP[0]), 0.1);
        let l = storm();
        let s = stage(&l, PHONE, 0.0);
        let fit = s.fit();
        assert_eq!(fit.zoom, NARROW_ZOOM_FLOOR, "was 0.40 without the floor");
        assert!(!s.shows_all(fit), "the design is wider than the phone");
        assert!((fit.screen(l.bounds().0)[0]).abs() < 1e-9, "its left edge at the canvas's");
        assert!(shows(&l, "users", fit, PHONE) && shows(&l, "edge", fit, PHONE));
        assert!(!shows(&l, "db", fit, PHONE), "the database is a pan away");
        let hidden = hidden_sides(boxes(&l), fit, room(PHONE, 0.0));
        assert_eq!(hidden.list().collect::<Vec<_>>(), [Side::Right]);
        // Its arrow level with the row that runs on past the edge.
        let db = on_screen(&l, "db", fit);
        let arrow = hidden.arrow(Side::Right, room(PHONE, 0.0)).unwrap_or_default();
        assert_eq!(arrow, [PHONE[0] - ARROW_R - 4.0, (db.0[1] + db.1[1]) / 2.0]);
    }

    #[test]
    fn a_laptop_fits_everything_as_before() {
        let l = storm();
        let s = stage(&l, LAPTOP, 0.0);
        let fit = s.fit();
        let (lo, hi) = l.bounds();
        let by_width = LAPTOP[0] / (hi[0] - lo[0]);
        assert!((fit.zoom - by_width.min(1.6)).abs() < 1e-9, "{}", fit.zoom);
        assert!(s.shows_all(fit));
        assert!(!hidden_sides(boxes(&l), fit, room(LAPTOP, 0.0)).any());
        // Centred across, as always.
        let (a, b) = (fit.screen(lo)[0], fit.screen(hi)[0]);
        assert!((a - (LAPTOP[0] - b)).abs() < 1e-6);
    }

    #[test]
    fn after_an_edit_a_partial_view_keeps_the_users_pan() {
        let l = storm();
        let s = stage(&l, PHONE, 0.0);
        // The user panned to the database's end.
        let right_end = drag_pan(&s, panned(s.fit(), [-10_000.0, 0.0]));
        assert!(shows(&l, "db", right_end, PHONE));
        assert_eq!(settle(&s, right_end, None), right_end, "an edit does not fit again");
        // The focus (the component selected or just added) stays in view.
        let users = l.items[0].corners();
        let back = settle(&s, right_end, Some(users));
        assert!(shows(&l, "users", back, PHONE));
        assert_eq!(back.zoom, right_end.zoom);
        // A component added past the canvas's right edge comes into view.
        let fit = s.fit();
        let beyond = ([2_000.0, 60.0], [2_132.0, 118.0]);
        let wider = Stage { bounds: (s.bounds.0, [2_200.0, s.bounds.1[1]]), ..s };
        let shown = settle(&wider, fit, Some(beyond));
        let (a, b) = (shown.screen(beyond.0), shown.screen(beyond.1));
        assert!((b[0] - (PHONE[0] - 24.0)).abs() < 1e-9, "clear of the edge: {a:?} {b:?}");
    }

    #[test]
    fn a_view_that_can_show_everything_does() {
        let l = storm();
        // Turned to landscape, or a window widened: everything fits, so Fit.
        let s = stage(&l, LAPTOP, 0.0);
        let phone = stage(&l, PHONE, 0.0);
        let panned_to_db = drag_pan(&phone, panned(phone.fit(), [-10_000.0, 0.0]));
        assert!(!s.shows_all(panned_to_db));
        assert_eq!(settle(&s, panned_to_db, None), s.fit());
        // A view already showing everything stays as the user left it.
        let zoomed_out = View { zoom: 0.5, pan: [40.0, 60.0] };
        assert!(s.shows_all(zoomed_out));
        assert_eq!(settle(&s, zoomed_out, None), zoomed_out);
    }

    #[test]
    fn a_notice_over_the_foot_lifts_a_partial_view() {
        let l = storm();
        let s = stage(&l, PHONE, 0.0);
        // The user dragged the diagram down, its lowest box near the foot.
        let low = panned(s.fit(), [0.0, 150.0]);
        let noticed = Stage { foot: 60.0, ..s };
        let lifted = settle(&noticed, low, None);
        assert!(lifted.screen([0.0, l.clear_to()])[1] <= PHONE[1] - 60.0 + 1e-9);
        assert_eq!(lifted.pan[0], low.pan[0], "the sideways pan kept");
    }

    #[test]
    fn dragging_stops_at_the_designs_ends_only_where_it_overflows() {
        let l = storm();
        let s = stage(&l, PHONE, 0.0);
        let fit = s.fit();
        let far_right = drag_pan(&s, panned(fit, [-10_000.0, 0.0]));
        let (_, hi) = l.bounds();
        assert!(
            (far_right.screen(hi)[0] - PHONE[0]).abs() < 1e-9,
            "its right edge at the canvas's"
        );
        let far_left = drag_pan(&s, panned(fit, [10_000.0, 0.0]));
        assert_eq!(far_left.pan[0], fit.pan[0], "Fit starts at the left end");
        // Up and down the diagram fits: the drag is free, as on a laptop.
        assert_eq!(drag_pan(&s, panned(fit, [0.0, 500.0])).pan[1], fit.pan[1] + 500.0);
        let laptop = stage(&l, LAPTOP, 0.0);
        let moved = panned(laptop.fit(), [300.0, -200.0]);
        assert_eq!(drag_pan(&laptop, moved), moved);
    }

    #[test]
    fn edge_arrows_sit_on_hidden_sides_and_pan_toward_them() {
        let r = room(PHONE, 40.0);
        let shown = Sides::default().with(Side::Right, 100.0);
        assert_eq!(shown.arrow(Side::Right, r), Some([PHONE[0] - ARROW_R - 4.0, 100.0]));
        assert_eq!(shown.arrow(Side::Left, r), None);
        assert_eq!(arrow_at(shown, [PHONE[0] - 14.0, 95.0], r), Some(Side::Right));
        assert_eq!(arrow_at(shown, [20.0, 100.0], r), None, "no arrow on the left");
        assert_eq!(arrow_at(Sides::default(), [PHONE[0] - 19.0, 100.0], r), None);
        // Kept inside the room: under the lane name's band, above the foot.
        let high = Sides::default().with(Side::Left, -300.0).with(Side::Down, 1_000.0);
        assert_eq!(high.arrow(Side::Left, r), Some([19.0, TOP + 19.0]));
        assert_eq!(high.arrow(Side::Down, r), Some([PHONE[0] - 19.0, PHONE[1] - 40.0 - 19.0]));
        assert_eq!(pan_toward(Side::Right, PHONE), [-PHONE[0] * 0.7, 0.0]);
        assert_eq!(key_pan("ArrowLeft"), Some([KEY_PAN, 0.0]));
        assert_eq!(key_pan("ArrowDown"), Some([0.0, -KEY_PAN]));
        assert_eq!(key_pan("Enter"), None);
        assert_eq!(high.list().map(Side::name).collect::<Vec<_>>(), ["left", "down"]);
    }

    fn close(a: [f64; 2], b: [f64; 2]) -> bool {
        (a[0] - b[0]).abs() < 1e-9 && (a[1] - b[1]).abs() < 1e-9
    }

    /// The diagram's point at screen `p` in `view`.
    fn world(view: View, p: [f64; 2]) -> [f64; 2] {
        [0, 1].map(|i| (p[i] - view.pan[i]) / view.zoom)
    }

    #[test]
    fn a_zoom_keeps_its_point_still_within_the_range() {
        let v = View { zoom: 0.65, pan: [-40.0, 12.0] };
        let at = [200.0, 150.0];
        let z = zoomed_at(v, 1.2, at);
        assert!((z.zoom - 0.78).abs() < 1e-12);
        assert!(close(z.screen(world(v, at)), at));
        assert_eq!(zoomed_at(v, 100.0, at).zoom, ZOOM_RANGE[1]);
        assert_eq!(zoomed_at(v, 0.0, at).zoom, ZOOM_RANGE[0]);
    }

    #[test]
    fn two_fingers_zoom_about_their_midpoint_and_carry_it() {
        let v = View { zoom: 0.65, pan: [10.0, 20.0] };
        let from = [[100.0, 200.0], [200.0, 200.0]];
        // Spread twice as far apart about the same midpoint: twice the
        // zoom, the point between the fingers still between them.
        let spread = pinched(v, from, [[50.0, 200.0], [250.0, 200.0]]);
        assert!((spread.zoom - 1.3).abs() < 1e-12);
        let under = world(v, [150.0, 200.0]);
        assert!(close(spread.screen(under), [150.0, 200.0]));
        // Pinched in while both move right and down: the point follows.
        let moved = pinched(v, from, [[160.0, 260.0], [210.0, 260.0]]);
        assert!((moved.zoom - 0.325).abs() < 1e-12);
        assert!(close(moved.screen(under), [185.0, 260.0]));
        // Within the range however far the fingers go; fingers that
        // started together only pan.
        assert_eq!(pinched(v, from, [[0.0, 0.0], [9_000.0, 0.0]]).zoom, ZOOM_RANGE[1]);
        assert_eq!(pinched(v, from, [[150.0, 200.0], [150.0, 200.0]]).zoom, ZOOM_RANGE[0]);
        let together = [[150.0, 200.0], [150.0, 200.0]];
        assert_eq!(pinched(v, together, [[160.0, 200.0], [180.0, 200.0]]).zoom, v.zoom);
        assert_eq!(pinched(v, from, from), v);
    }
}
