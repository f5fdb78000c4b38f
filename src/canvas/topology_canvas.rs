//! The animated topology: components in two lanes (the request path and the
//! background), calls as edges (solid sync, dashed async through a queue,
//! thickness by traffic), requests as dots, and the mouse gestures that edit
//! it: select, move, drag across the lane boundary (switching the calls into
//! a component between sync and async), connect by dragging from a
//! component's handle to another, pan and zoom (two fingers pinch).
//!
//! Geometry, lanes, hit tests and traffic are `topology_layout`'s; the dots
//! are `dots`'. This file draws them on a canvas (about 30 frames a
//! second; every animation frame during a gesture) and turns pointer
//! gestures into [`Edit`]s.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use scalesim_engine::breaker::BreakerState;
use scalesim_engine::edit::Edit;
use scalesim_engine::order;
use scalesim_engine::outline::Outline;
use scalesim_engine::scenario::{Mode, NodeKind};
use scalesim_engine::{Snapshot, WindowReport};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

use crate::canvas::dots::{self, DotOutcome, DotPool, EdgeTraffic};
use crate::canvas::edge_hints;
use crate::canvas::gestures;
use crate::canvas::memory_gauge::{self, Flashes};
use crate::canvas::topology_layout::{
    self as tl, EdgeRef, ItemRef, Lane, Layout, NODE_H, NODE_W, PORT_R, Selection, View,
    lane_name_place,
};
use crate::canvas::viewport::{self, Room, Sides, Stage};
use crate::canvas::zone_drawing;
use crate::canvas::zones;
use crate::charts::chart_data;
use crate::insight::Saturation;
use crate::keep::positions::{self, KeptLayout};
use crate::keep::store;

/// A free finger's pointer id (the DOM reserves -1 for no pointer).
const NO_POINTER: i32 = -1;
/// Dots alive at most, and spawned a second at most: the drawing budget,
/// and few enough that dots on an edge stay apart (at 150 a second, three
/// edges of 140 px each carried 45 dots of 7 px, one solid bar).
const DOT_CAP: usize = 400;
const DOTS_PER_SECOND: f64 = 40.0;
/// Seconds a dot takes along an edge.
const DOT_TRAVEL_S: f64 = 0.9;
/// Frame times kept for the p95.
const FRAME_SAMPLES: usize = 600;
/// Wall milliseconds between drawn frames, except while a gesture is under
/// way (then every animation frame is drawn). About 30 a second: the dots
/// move as smoothly to the eye, and the main thread, which shares two cores
/// with the simulation worker and the compositor, has half the canvas work
/// (each drawn frame is a repaint and a commit of the whole canvas).
const MIN_FRAME_MS: f64 = 30.0;
/// While paused with nothing changed, one frame a second all the same: a
/// clip recorded while paused still gets frames.
const IDLE_FRAME_MS: f64 = 1000.0;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// What to draw.
    pub outline: Rc<Outline>,
    /// Node levels now (queue lengths, breakers).
    pub snapshot: Option<Rc<Snapshot>>,
    /// The last closed window (traffic and outcomes).
    pub window: Option<Rc<WindowReport>>,
    /// Dots move only while the run plays.
    pub playing: bool,
    pub selected: Option<Selection>,
    /// A press ended selecting something (or nothing), shown or not.
    pub on_select: Callback<gestures::Selected>,
    pub on_edit: Callback<Edit>,
    /// Changes when another scenario is opened: positions are forgotten and
    /// the view fits the new one.
    pub scenario_key: u64,
    /// The canvas's id.
    #[prop_or(AttrValue::Static("topology"))]
    pub id: AttrValue,
    /// Whether gestures edit (the embedded player only selects, pans and
    /// zooms).
    #[prop_or(true)]
    pub editable: bool,
    /// Saturated nodes, marked under their boxes.
    #[prop_or_default]
    pub saturated: Rc<Vec<Saturation>>,
    /// While paused with nothing changed, still draw a frame a second (a
    /// clip recorded while paused gets frames), woken by a timer in
    /// between. Without it (the embedded player) the loop requests no
    /// animation frame at all until something changes: an idle embed
    /// costs nothing.
    #[prop_or(true)]
    pub idle_redraw: bool,
    /// The pairs of zones partitioned now: their calls are drawn cut.
    #[prop_or_default]
    pub partitions: Rc<Vec<[String; 2]>>,
    /// A picked request's path, lit up (`canvas/trace_path`).
    #[prop_or_default]
    pub lit: Rc<crate::waterfall::LitPath>,
    /// The component the palette's new components connect to, named in
    /// the canvas's corner (over the canvas, so selecting never moves it).
    #[prop_or_default]
    pub attach_to: Option<AttrValue>,
    /// Shows the selected component's parameters: on a narrow screen, where
    /// the inspector is another view, a button over the canvas offers it.
    #[prop_or_default]
    pub on_details: Option<Callback<()>>,
    /// What the page lays over the canvas's foot (its notices): the view
    /// keeps the diagram above it (`topology_layout::covered_foot`).
    #[prop_or_default]
    pub foot: NodeRef,
    /// Why the worker refused the last gesture's edit, with the edit's
    /// number: the drawing goes back to the document (the component
    /// where it was) and the words show beside the component, over the
    /// canvas, so nothing moves to make room for them.
    #[prop_or_default]
    pub refusal: Option<(u64, AttrValue)>,
    /// The canvas draws the user's own work (the workbench's variant A):
    /// made with it, the first document is laid out from the drawing kept
    /// at the last visit (`keep/positions`: its places, and its view on a
    /// canvas of the size it was then); while it holds, the drawing is
    /// kept whenever its places or view change with no gesture under way.
    /// The player never sets it: an embed never touches the reader's
    /// storage.
    #[prop_or_default]
    pub keeps: bool,
}

/// A gesture under way.
#[derive(Clone, Debug)]
enum Drag {
    Pan {
        from: [f64; 2],
        pan: [f64; 2],
    },
    Move {
        item: usize,
        grab: [f64; 2],
        start: [f64; 2],
        moved: bool,
    },
    Connect {
        from: usize,
        to: [f64; 2],
    },
    /// Two fingers (`Scene::fingers`) zoom.
    Pinch,
}

/// A press on a component, a call or the background, until it ends.
#[derive(Clone, Debug)]
struct Press {
    /// What lay under it (`None`: the background).
    pressed: Option<Selection>,
    /// Where it came down, and the farthest it has gone from there, in
    /// screen pixels.
    at: [f64; 2],
    travelled: f64,
}

/// Everything the animation loop reads and the gestures change.
struct Scene {
    outline: Rc<Outline>,
    layout: Layout,
    remembered: HashMap<String, [f64; 2]>,
    /// See [`Props::keeps`]: the kept drawing until a document with items
    /// is laid out from it; then its view, until the next frame takes it.
    restore: Option<KeptLayout>,
    restore_view: Option<KeptLayout>,
    /// See [`Props::keeps`], with the drawing last kept: the layout's
    /// number (one more at each relayout), the view and the canvas's size.
    keeps: bool,
    layout_number: u64,
    kept: Option<(u64, View, [f64; 2])>,
    snapshot: Option<Rc<Snapshot>>,
    window: Option<Rc<WindowReport>>,
    saturated: Rc<Vec<Saturation>>,
    partitions: Rc<Vec<[String; 2]>>,
    /// What the network adds to the picture, worked out on layout:
    /// whether anything has a zone, whether any database is replicated,
    /// and the labels of calls across links. Without either, drawing
    /// costs what it did before zones.
    zoned: bool,
    replicated: bool,
    link_labels: Vec<(usize, String)>,
    /// A picked request's path.
    lit: Rc<crate::waterfall::LitPath>,
    traffic: Vec<EdgeTraffic>,
    /// `traffic` as the dots spawn it, each edge's within its room
    /// (`dots::within_room`): worked out when traffic or layout changes.
    spawning: Vec<EdgeTraffic>,
    playing: bool,
    selected: Option<Selection>,
    on_select: Callback<gestures::Selected>,
    on_edit: Callback<Edit>,
    editable: bool,
    zoom: f64,
    pan: [f64; 2],
    fit_pending: bool,
    /// After an edit: settle the view (`viewport::settle`): fit again if
    /// a component or the lane boundary left it and Fit shows everything,
    /// else keep the user's pan with the selected component in it.
    refit_if_hidden: bool,
    /// The selection changed: pan it into a view that does not show
    /// everything (once no gesture is under way).
    reveal_pending: bool,
    /// The sides of the canvas that components lie past, as last drawn:
    /// their edges fade and carry an arrow that pans toward them.
    hidden: Sides,
    /// The view is the one "Fit" gave (no zoom or pan since): it follows
    /// the notices over the canvas's foot as they come and go.
    fitted: bool,
    /// See [`Props::foot`], and the CSS pixels of the canvas it covers.
    foot: NodeRef,
    foot_inset: f64,
    /// The canvas or its foot changed size since the foot was measured
    /// (measuring reads layout, so it is not done every frame).
    measure_foot: bool,
    drag: Option<Drag>,
    /// The press under way, which selects when it ends
    /// (`gestures::selection_after`).
    press: Option<Press>,
    /// The component the last gesture moved, the view before it (a
    /// refused drop goes back to it too: the drop may have panned the
    /// dropped component into view), and the refusal last drawn back from
    /// ([`Props::refusal`]'s number).
    moved: Option<String>,
    view_before: Option<View>,
    refused: Option<u64>,
    /// Two pointers down on the canvas: their ids ([`NO_POINTER`] when
    /// free), and where each is now.
    fingers: [(i32, [f64; 2]); 2],
    pool: DotPool,
    last_ts: Option<f64>,
    draw_ms: Vec<f64>,
    interval_ms: Vec<f64>,
    frames: u64,
    key: u64,
    /// Something changed since the last drawn frame (props, a gesture, a
    /// zoom): draw even when paused.
    dirty: bool,
    /// The canvas's CSS size at the last drawn frame.
    drawn_size: [f64; 2],
    /// When the last frame was drawn (animation-frame time, ms).
    drawn_at: f64,
    /// See [`Props::idle_redraw`].
    idle_redraw: bool,
    /// The loop requested no next frame: [`touch`] wakes it.
    asleep: bool,
    /// The loop's frame callback, to wake it with.
    waker: Option<js_sys::Function>,
    /// With idle redraws, what wakes the sleeping loop for its next idle
    /// frame (a timer, not a frame requested 60 times a second).
    idle_wake: Option<gloo_timers::callback::Timeout>,
    /// When replicas were last killed for running out of memory.
    flashes: Flashes,
}

impl Scene {
    fn new(props: &Props) -> Scene {
        let mut scene = Scene {
            outline: props.outline.clone(),
            layout: Layout::default(),
            remembered: HashMap::new(),
            restore: if props.keeps { store::restored_layout() } else { None },
            restore_view: None,
            keeps: props.keeps,
            layout_number: 0,
            kept: None,
            snapshot: None,
            window: None,
            saturated: Rc::default(),
            partitions: Rc::default(),
            zoned: false,
            replicated: false,
            link_labels: Vec::new(),
            lit: Rc::default(),
            traffic: Vec::new(),
            spawning: Vec::new(),
            playing: false,
            selected: None,
            on_select: props.on_select.clone(),
            on_edit: props.on_edit.clone(),
            editable: props.editable,
            zoom: 1.0,
            pan: [0.0, 0.0],
            fit_pending: true,
            refit_if_hidden: false,
            reveal_pending: false,
            hidden: Sides::default(),
            fitted: false,
            foot: props.foot.clone(),
            foot_inset: 0.0,
            measure_foot: true,
            drag: None,
            press: None,
            moved: None,
            view_before: None,
            refused: props.refusal.as_ref().map(|r| r.0),
            fingers: [(NO_POINTER, [0.0; 2]); 2],
            pool: DotPool::new(DOT_CAP, DOTS_PER_SECOND, DOT_TRAVEL_S),
            last_ts: None,
            draw_ms: Vec::with_capacity(FRAME_SAMPLES),
            interval_ms: Vec::with_capacity(FRAME_SAMPLES),
            frames: 0,
            key: props.scenario_key,
            dirty: true,
            drawn_size: [0.0, 0.0],
            drawn_at: f64::NEG_INFINITY,
            idle_redraw: props.idle_redraw,
            asleep: false,
            waker: None,
            idle_wake: None,
            flashes: Flashes::default(),
        };
        scene.relayout();
        scene
    }

    /// Lays the outline out again, keeping every known item where it was.
    fn relayout(&mut self) {
        self.take_restore();
        self.layout = tl::layout(&self.outline, &self.remembered);
        self.layout_number += 1;
        self.zoned = zones::has_zones(&self.outline);
        self.replicated = self.outline.nodes.iter().any(|n| zones::followers(&n.params).is_some());
        self.link_labels = zones::link_labels(&self.layout, &self.outline);
        tl::remember(&mut self.remembered, &self.layout, &self.outline);
        self.pool.clear();
        self.update_traffic();
    }

    /// The first document with items to lay out takes the kept drawing's
    /// places for its own items, and its view for the first fit.
    fn take_restore(&mut self) {
        if self.outline.nodes.is_empty() && self.outline.loads.is_empty() {
            return;
        }
        let Some(kept) = self.restore.take() else { return };
        let outline = &self.outline;
        kept.remember_places(&mut self.remembered, |id| {
            outline.loads.iter().any(|l| l.id == id) || outline.nodes.iter().any(|n| n.id == id)
        });
        self.restore_view = Some(kept);
    }

    /// Keeps the drawing ([`Props::keeps`]) when it changed since it was
    /// last kept and no gesture is under way (a drop is kept once the
    /// document has it).
    fn keep_drawing(&mut self, size: [f64; 2]) {
        let now = (self.layout_number, self.view(), size);
        if !self.keeps || self.drag.is_some() || self.restore.is_some() || self.kept == Some(now) {
            return;
        }
        if let Some(drawing) = positions::stored(&self.layout, self.view(), size) {
            self.kept = Some(now);
            store::keep_layout(&drawing);
        }
    }

    fn update_traffic(&mut self) {
        self.traffic = match &self.window {
            Some(w) => tl::edge_traffic(&self.layout, &self.outline, w),
            None => vec![EdgeTraffic::default(); self.layout.edges.len()],
        };
        let lengths: Vec<f64> = self
            .layout
            .edges
            .iter()
            .map(|e| {
                let (a, b) = self.layout.segment(e);
                (b[0] - a[0]).hypot(b[1] - a[1])
            })
            .collect();
        self.spawning = dots::within_room(&self.traffic, &lengths, DOT_TRAVEL_S);
    }

    fn to_world(&self, p: [f64; 2]) -> [f64; 2] {
        [(p[0] - self.pan[0]) / self.zoom, (p[1] - self.pan[1]) / self.zoom]
    }

    /// Zooms by `factor` keeping screen point `at` still.
    fn zoom_at(&mut self, factor: f64, at: [f64; 2]) {
        self.show(viewport::zoomed_at(self.view(), factor, at));
    }

    /// Shows `view`, a zoom the user gave.
    fn show(&mut self, view: View) {
        self.fitted = false;
        (self.zoom, self.pan) = (view.zoom, view.pan);
    }

    /// Pointer `id` is down at `p` (`first`: none other is). A second
    /// finger starts a pinch (a component the first was moving goes
    /// back); a third is ignored. Whether either.
    fn finger_down(&mut self, id: i32, p: [f64; 2], first: bool) -> bool {
        if first {
            self.fingers = [(NO_POINTER, p); 2];
        }
        let Some(free) = self.fingers.iter_mut().find(|f| f.0 == NO_POINTER) else { return true };
        *free = (id, p);
        if self.fingers.iter().any(|f| f.0 == NO_POINTER) {
            return false;
        }
        if let Some(Drag::Move { item, start, .. }) = self.drag {
            self.layout.items[item].pos = start;
        }
        self.drag = Some(Drag::Pinch);
        self.press = None;
        true
    }

    /// Pointer `id` moved to `p`: in a pinch, the view follows its two
    /// fingers (`viewport::pinched`).
    fn finger_moved(&mut self, id: i32, p: [f64; 2]) {
        let from = [self.fingers[0].1, self.fingers[1].1];
        let Some(finger) = self.fingers.iter_mut().find(|f| f.0 == id) else { return };
        finger.1 = p;
        if matches!(self.drag, Some(Drag::Pinch)) {
            let to = [self.fingers[0].1, self.fingers[1].1];
            self.show(viewport::pinched(self.view(), from, to));
        }
    }

    fn view(&self) -> View {
        View { zoom: self.zoom, pan: self.pan }
    }

    /// What views are judged against on a canvas `size` CSS pixels.
    fn stage(&self, size: [f64; 2]) -> Stage {
        let (bounds, clear_to) = (self.framed(), self.clear_to());
        Stage { bounds, clear_to, size, top: LANE_NAME_BAND, foot: self.foot_inset }
    }

    /// The canvas's room for the edge hints, `size` CSS pixels.
    fn room(&self, size: [f64; 2]) -> Room {
        Room { size, top: LANE_NAME_BAND, foot: self.foot_inset }
    }

    /// The selected component's box, if a component or load is selected.
    fn focus(&self) -> Option<viewport::Corners> {
        let selected = self.selected.as_ref();
        let item = (0..self.layout.items.len()).find(|&i| self.layout.is_selected(i, selected))?;
        Some(self.layout.items[item].corners())
    }

    /// After an edit, a resize or a notice: the view `viewport::settle`
    /// gives; "fitted" when that is Fit's.
    fn settle(&mut self, size: [f64; 2]) {
        let stage = self.stage(size);
        let view = viewport::settle(&stage, self.view(), self.focus());
        if view != self.view() {
            self.fitted = view == stage.fit();
            (self.zoom, self.pan) = (view.zoom, view.pan);
        }
    }

    /// Pans the selected component into a view that does not show
    /// everything (one that does already shows it).
    fn reveal_selected(&mut self, size: [f64; 2]) {
        let stage = self.stage(size);
        if let Some(focus) = self.focus().filter(|_| !stage.shows_all(self.view())) {
            let view = viewport::reveal(&stage, self.view(), focus);
            self.fitted &= view == self.view();
            self.pan = view.pan;
        }
    }

    /// Pans to `view`'s pan as a drag would (`viewport::drag_pan`).
    fn pan_to(&mut self, view: View) {
        let held = viewport::drag_pan(&self.stage(self.drawn_size), view);
        self.fitted &= held.pan == self.pan;
        self.pan = held.pan;
    }

    /// What "Fit" frames: both lanes in the editor; the items alone in
    /// the player (an empty background lane does not take half of it).
    fn framed(&self) -> ([f64; 2], [f64; 2]) {
        if self.editable { self.layout.bounds() } else { self.layout.items_bounds() }
    }

    /// What nothing may cover (`Layout::clear_to`; in the player, which
    /// frames the items alone, all of them).
    fn clear_to(&self) -> f64 {
        if self.editable { self.layout.clear_to() } else { self.framed().1[1] }
    }

    /// Frames every item, below the band the request path's name takes
    /// at the top (so at any zoom the name covers no box) and above the
    /// notices over the foot.
    fn fit(&mut self, width: f64, height: f64) {
        let (framed, clear_to) = (self.framed(), self.clear_to());
        let view = tl::fit_view(framed, clear_to, [width, height], LANE_NAME_BAND, self.foot_inset);
        (self.zoom, self.pan, self.fitted) = (view.zoom, view.pan, true);
    }

    /// Measures what covers the canvas's foot; when that changed, a
    /// fitted view fits again (growing back when a notice goes) and any
    /// other fits only if something went under it.
    fn follow_foot(&mut self, canvas: &HtmlCanvasElement) {
        let inset = foot_inset(canvas, &self.foot);
        if (inset - self.foot_inset).abs() < 0.5 {
            return;
        }
        self.foot_inset = inset;
        self.dirty = true;
        if self.fitted {
            self.fit_pending = true;
        } else {
            self.refit_if_hidden = true;
        }
    }
}

/// The canvas component.
#[function_component(TopologyCanvas)]
pub fn topology_canvas(props: &Props) -> Html {
    let canvas_ref = use_node_ref();
    let scene = use_mut_ref(|| Scene::new(props));
    // Keep the scene in step with the props.
    {
        let scene = scene.clone();
        let (outline, key) = (props.outline.clone(), props.scenario_key);
        use_effect_with((outline, key), move |(outline, key)| {
            let mut s = touch(&scene);
            if s.key != *key {
                s.key = *key;
                s.flashes.clear();
                s.remembered.clear();
                s.fit_pending = true;
            }
            if !Rc::ptr_eq(&s.outline, outline) || s.fit_pending {
                s.view_before = None;
                s.outline = outline.clone();
                s.relayout();
                s.refit_if_hidden = true;
            }
        });
    }
    {
        let mut s = touch(&scene);
        s.snapshot = props.snapshot.clone();
        let now_ms = web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now());
        if let Some(snapshot) = props.snapshot.as_deref() {
            for (node, state) in snapshot.nodes.iter().enumerate() {
                if let Some(memory) = &state.memory {
                    s.flashes.observe(node, memory.restarts, now_ms);
                }
            }
        }
        let window_changed = match (&s.window, &props.window) {
            (Some(a), Some(b)) => !Rc::ptr_eq(a, b),
            (None, None) => false,
            _ => true,
        };
        s.window = props.window.clone();
        s.saturated = props.saturated.clone();
        s.partitions = props.partitions.clone();
        s.lit = props.lit.clone();
        if window_changed {
            s.update_traffic();
        }
        let refused = props.refusal.as_ref().map(|r| r.0);
        if refused.is_some() && refused != s.refused {
            // The document did not change: draw it again as it is.
            s.refused = refused;
            s.relayout();
            if let Some(view) = s.view_before.take() {
                (s.zoom, s.pan) = (view.zoom, view.pan);
            }
        }
        s.playing = props.playing;
        s.reveal_pending |= s.selected != props.selected;
        s.selected = props.selected.clone();
        s.on_select = props.on_select.clone();
        s.on_edit = props.on_edit.clone();
        if s.keeps != props.keeps {
            s.keeps = props.keeps;
            s.kept = None;
        }
        s.editable = props.editable;
        s.idle_redraw = props.idle_redraw;
    }
    // The animation loop, and a wheel listener that may prevent scrolling.
    {
        let (scene, canvas_ref) = (scene.clone(), canvas_ref.clone());
        use_effect_with((), move |_| {
            let alive = Rc::new(std::cell::Cell::new(true));
            let slot = start_loop(scene.clone(), canvas_ref.clone(), alive.clone());
            let resized = watch_size(&scene, &canvas_ref);
            let wheel = canvas_ref.cast::<HtmlCanvasElement>().map(|canvas| {
                let scene = scene.clone();
                // Not passive: the wheel zooms the canvas instead of
                // scrolling the page.
                let options = gloo_events::EventListenerOptions::enable_prevent_default();
                gloo_events::EventListener::new_with_options(
                    &canvas,
                    "wheel",
                    options,
                    move |e: &web_sys::Event| {
                        let Some(e) = e.dyn_ref::<web_sys::WheelEvent>() else { return };
                        if !wheel_zooms(&scene.borrow(), e) {
                            // The page scrolls past a player's diagram.
                            return;
                        }
                        e.prevent_default();
                        let factor = if e.delta_y() < 0.0 { 1.1 } else { 1.0 / 1.1 };
                        touch(&scene)
                            .zoom_at(factor, [f64::from(e.offset_x()), f64::from(e.offset_y())]);
                    },
                )
            });
            move || {
                alive.set(false);
                drop(wheel);
                drop(resized);
                // A sleeping loop has no frame pending to drop itself in.
                let mut s = scene.borrow_mut();
                s.waker = None;
                if s.asleep {
                    slot.borrow_mut().take();
                }
            }
        });
    }

    // The refusal's words until the next gesture or their close button.
    let dismissed = use_state_eq(|| None::<u64>);
    let note = props.refusal.clone().filter(|(seq, _)| *dismissed != Some(*seq));
    let dismiss = {
        let (dismissed, seq) = (dismissed.clone(), note.as_ref().map(|n| n.0));
        move || {
            if seq.is_some() {
                dismissed.set(seq);
            }
        }
    };
    let point = |e: &PointerEvent| [f64::from(e.offset_x()), f64::from(e.offset_y())];
    let on_down = {
        let (scene, dismiss) = (scene.clone(), dismiss.clone());
        Callback::from(move |e: PointerEvent| {
            if e.button() != 0 {
                return;
            }
            dismiss();
            if let Some(target) = e.target_dyn_into::<web_sys::Element>() {
                let _ = target.set_pointer_capture(e.pointer_id());
            }
            let mut s = touch(&scene);
            let screen = point(&e);
            if s.finger_down(e.pointer_id(), screen, e.is_primary()) {
                return;
            }
            let size = s.drawn_size;
            if let Some(side) = viewport::arrow_at(s.hidden, screen, s.room(size)) {
                let view = viewport::panned(s.view(), viewport::pan_toward(side, size));
                s.pan_to(view);
                return;
            }
            let w = s.to_world(screen);
            let tolerance = 7.0 / s.zoom;
            // What the press selects is decided when it ends: a click
            // shows what it selects, a drag selects what it moved quietly
            // (`gestures::selection_after`).
            let pressed = if let Some(from) = s.layout.port_at(w) {
                s.drag = Some(Drag::Connect { from, to: w });
                s.press = None;
                return;
            } else if let Some(item) = s.layout.item_at(w) {
                let start = s.layout.items[item].pos;
                s.drag = Some(Drag::Move {
                    item,
                    grab: [w[0] - start[0], w[1] - start[1]],
                    start,
                    moved: false,
                });
                s.layout.selection_of_item(item)
            } else if let Some(edge) = s.layout.edge_at(w, tolerance) {
                s.layout.selection_of_edge(edge)
            } else {
                s.drag = Some(Drag::Pan { from: screen, pan: s.pan });
                None
            };
            s.press = Some(Press { pressed, at: screen, travelled: 0.0 });
        })
    };
    let on_move = {
        let scene = scene.clone();
        Callback::from(move |e: PointerEvent| {
            let mut s = touch(&scene);
            let screen = point(&e);
            let w = s.to_world(screen);
            s.finger_moved(e.pointer_id(), screen);
            if let Some(press) = &mut s.press {
                let far = (screen[0] - press.at[0]).hypot(screen[1] - press.at[1]);
                press.travelled = press.travelled.max(far);
            }
            match s.drag.clone() {
                Some(Drag::Pan { from, pan }) => {
                    let to = [pan[0] + screen[0] - from[0], pan[1] + screen[1] - from[1]];
                    let zoom = s.zoom;
                    s.pan_to(View { zoom, pan: to });
                }
                Some(Drag::Move { item, grab, start, moved }) => {
                    let pos = [w[0] - grab[0], w[1] - grab[1]];
                    let moved = moved
                        || gestures::gesture((pos[0] - start[0]).hypot(pos[1] - start[1]) * s.zoom)
                            == gestures::Gesture::Drag;
                    if moved {
                        s.layout.items[item].pos = pos;
                    }
                    s.drag = Some(Drag::Move { item, grab, start, moved });
                }
                Some(Drag::Connect { from, .. }) => s.drag = Some(Drag::Connect { from, to: w }),
                _ => {}
            }
        })
    };
    let on_up = {
        let scene = scene.clone();
        Callback::from(move |e: PointerEvent| {
            let mut s = touch(&scene);
            for f in &mut s.fingers {
                if f.0 == e.pointer_id() {
                    f.0 = NO_POINTER;
                }
            }
            let w = s.to_world(point(&e));
            match s.drag.take() {
                Some(Drag::Move { item, moved: true, start, .. }) => {
                    finish_move(&mut s, item, start)
                }
                Some(Drag::Connect { from, .. }) => {
                    if let Some(edit) = gestures::connected(&s.layout, from, w) {
                        s.on_edit.emit(edit);
                    }
                }
                _ => {}
            }
            if let Some(Press { pressed, travelled, .. }) = s.press.take()
                && let Some(selection) =
                    gestures::selection_after(pressed, gestures::gesture(travelled))
            {
                s.on_select.emit(selection);
            }
        })
    };
    let on_key = {
        let scene = scene.clone();
        Callback::from(move |e: KeyboardEvent| {
            let mut s = touch(&scene);
            if let Some(delta) = viewport::key_pan(&e.key()).filter(|_| keys_pan(&s)) {
                e.prevent_default();
                let view = viewport::panned(s.view(), delta);
                s.pan_to(view);
                return;
            }
            if !s.editable && !matches!(e.key().as_str(), "+" | "=" | "-") {
                return;
            }
            match e.key().as_str() {
                "+" | "=" => s.zoom_at(1.2, [300.0, 200.0]),
                "-" => s.zoom_at(1.0 / 1.2, [300.0, 200.0]),
                "Delete" | "Backspace" => {
                    if let Some(sel) = &s.selected {
                        e.prevent_default();
                        s.on_edit.emit(gestures::deleted(sel));
                    }
                }
                _ => {}
            }
            let step = gestures::nudge(&e.key());
            let selected = s.selected.clone();
            let item =
                (0..s.layout.items.len()).find(|&i| s.layout.is_selected(i, selected.as_ref()));
            if let (Some(step), Some(item)) = (step, item) {
                e.prevent_default();
                let start = s.layout.items[item].pos;
                s.layout.items[item].pos = [start[0] + step[0], start[1] + step[1]];
                finish_move(&mut s, item, start);
            }
        })
    };
    let zoom_button = |factor: f64| {
        let scene = scene.clone();
        Callback::from(move |_| touch(&scene).zoom_at(factor, [300.0, 200.0]))
    };
    let on_fit = {
        let scene = scene.clone();
        Callback::from(move |_| touch(&scene).fit_pending = true)
    };
    html! {
        <div class="topology">
            <canvas id={props.id.clone()} ref={canvas_ref} tabindex="0"
                role="img"
                aria-label="Topology: components on the request path above, the background below. Select a component with the list below; arrow keys move it, Delete removes it. With nothing selected, arrow keys pan to components past the canvas's edges."
                onpointerdown={on_down} onpointermove={on_move} onpointerup={on_up} onkeydown={on_key} />
            if let Some((_, words)) = note {
                <p class="canvas-note error" role="alert" data-testid="canvas-refusal"
                    style={{ let [x, y] = note_place(&scene.borrow()); format!("left:{x:.0}px;top:{y:.0}px;max-width:{NOTE_WIDTH}px") }}>
                    { words }
                    <button class="close" aria-label="Dismiss" onclick={Callback::from(move |_| dismiss())}>{"×"}</button>
                </p>
            }
            <p class="visually-hidden" aria-live="polite">{network_words(&props.outline, &props.partitions)}</p>
            <div class="topology-tools">
                if let Some(id) = props.attach_to.clone() {
                    <span class="palette-target" data-testid="palette-target" title={format!("New components connect to {id}")}>
                        {"New components connect to "}<strong>{ id }</strong>
                    </span>
                }
                if let (Some(id), Some(on_details)) = (props.attach_to.clone(), props.on_details.clone()) {
                    <button class="details-link" id="show-details" onclick={on_details.reform(|_| ())}
                        aria-label={format!("Show the parameters of {id}")}>{"Details ›"}</button>
                }
                <span class="group" role="group" aria-label="Zoom">
                <button onclick={zoom_button(1.2)} aria-label="Zoom in">{"+"}</button>
                <button onclick={zoom_button(1.0 / 1.2)} aria-label="Zoom out">{"−"}</button>
                <button onclick={on_fit}>{"Fit"}</button>
                </span>
            </div>
        </div>
    }
}

/// The zones and the partitions in force, in words for assistive
/// technology (the canvas draws them).
fn network_words(outline: &Outline, partitions: &[[String; 2]]) -> String {
    let names = zones::zone_names(outline);
    if names.is_empty() {
        return String::new();
    }
    let mut words = format!("Zones: {}.", names.join(", "));
    for pair in partitions {
        words.push(' ');
        words.push_str(&zones::partition_label(pair));
        words.push('.');
    }
    words
}

/// Whether the arrow keys pan: something lies past an edge and no
/// component is selected to nudge (the player never nudges).
fn keys_pan(s: &Scene) -> bool {
    s.hidden.any() && (!s.editable || s.focus().is_none())
}

/// A component was dropped at its new place: the edit that keeps it there
/// (`gestures::dropped`), or back where it started when refused. It is
/// drawn there until the worker answers; where it stays is the
/// document's (a refused edit draws it back, `Props::refusal`), so
/// nothing is remembered here.
fn finish_move(s: &mut Scene, item: usize, start: [f64; 2]) {
    s.moved = s.layout.items.get(item).map(|it| it.id.clone());
    s.view_before = Some(s.view());
    match gestures::dropped(&s.layout, item) {
        Some(edit) => s.on_edit.emit(edit),
        None => s.layout.items[item].pos = start,
    }
}

/// Where the refusal's words go, in CSS pixels over the canvas: under the
/// component the gesture moved (above it near the foot), within the
/// canvas; at the top left without one.
fn note_place(s: &Scene) -> [f64; 2] {
    let [w, h] = s.drawn_size;
    let item = s.moved.as_ref().and_then(|id| s.layout.items.iter().find(|it| &it.id == id));
    let Some(item) = item else { return [8.0, LANE_NAME_BAND + 8.0] };
    let (lo, hi) = item.corners();
    let screen = |p: [f64; 2]| [p[0] * s.zoom + s.pan[0], p[1] * s.zoom + s.pan[1]];
    let (lo, hi) = (screen(lo), screen(hi));
    let below = hi[1] + 6.0;
    let top = if below + NOTE_HEIGHT <= h { below } else { (lo[1] - 6.0 - NOTE_HEIGHT).max(4.0) };
    [lo[0].min(w - NOTE_WIDTH - 8.0).max(8.0), top]
}

/// The refusal note's width and the height it is placed for (CSS px).
const NOTE_WIDTH: f64 = 320.0;
const NOTE_HEIGHT: f64 = 72.0;

/// A line from one point to another.
type Segment = ([f64; 2], [f64; 2]);
/// `(x, y, width, height, radius)`.
type RoundRect = (f64, f64, f64, f64, f64);

type LoopSlot = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// The scene, to change it: the next animation frame draws it (waking
/// the loop if it sleeps).
fn touch(scene: &RefCell<Scene>) -> std::cell::RefMut<'_, Scene> {
    let mut s = scene.borrow_mut();
    s.dirty = true;
    wake(&mut s);
    s
}

/// Wakes the loop if it sleeps: it requests the next animation frame.
fn wake(s: &mut Scene) {
    if s.asleep
        && let (Some(window), Some(waker)) = (web_sys::window(), s.waker.as_ref())
    {
        let _ = window.request_animation_frame(waker);
        s.asleep = false;
    }
}

/// Wakes the sleeping loop after [`IDLE_FRAME_MS`], for an idle redraw.
fn arm_idle_wake(scene: &Rc<RefCell<Scene>>) {
    let weak = Rc::downgrade(scene);
    let timer = gloo_timers::callback::Timeout::new(IDLE_FRAME_MS as u32, move || {
        if let Some(scene) = weak.upgrade() {
            wake(&mut scene.borrow_mut());
        }
    });
    scene.borrow_mut().idle_wake = Some(timer);
}

/// Whether a wheel event zooms the diagram. In the editor it always does;
/// in the player (not editable) only while the diagram has the focus or
/// Ctrl/⌘ is held (a pinch on a trackpad holds Ctrl), so a reader
/// scrolling the page past it is not caught.
fn wheel_zooms(s: &Scene, e: &web_sys::WheelEvent) -> bool {
    if s.editable || e.ctrl_key() || e.meta_key() {
        return true;
    }
    let focused = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    let target = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    matches!((focused, target), (Some(f), Some(t)) if f == t)
}

/// Wakes the loop when the canvas's box or what covers its foot changes
/// size (a sleeping loop would not notice), and has it measure the foot
/// again. The notices share the canvas's grid cell, aligned to its
/// bottom, so what they cover changes only with these sizes.
fn watch_size(scene: &Rc<RefCell<Scene>>, canvas: &NodeRef) -> Option<ResizeWatch> {
    let canvas = canvas.cast::<HtmlCanvasElement>()?;
    let foot = scene.borrow().foot.cast::<web_sys::Element>();
    let scene = scene.clone();
    let on_resize = Closure::<dyn FnMut()>::new(move || touch(&scene).measure_foot = true);
    let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok()?;
    observer.observe(&canvas);
    if let Some(foot) = foot {
        observer.observe(&foot);
    }
    Some(ResizeWatch { observer, _on_resize: on_resize })
}

/// CSS pixels of the canvas's foot that `foot` covers. Nothing when it is
/// fixed to the window (phones: the page scrolls from under it) or hidden,
/// which is when it has no offset parent.
fn foot_inset(canvas: &HtmlCanvasElement, foot: &NodeRef) -> f64 {
    let Some(foot) = foot.cast::<web_sys::HtmlElement>() else { return 0.0 };
    if foot.offset_parent().is_none() {
        return 0.0;
    }
    let rows = |r: web_sys::DomRect| [r.top(), r.top() + r.height()];
    tl::covered_foot(rows(canvas.get_bounding_client_rect()), rows(foot.get_bounding_client_rect()))
}

/// A size watch, undone when dropped.
struct ResizeWatch {
    observer: web_sys::ResizeObserver,
    _on_resize: Closure<dyn FnMut()>,
}

impl Drop for ResizeWatch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

fn start_loop(
    scene: Rc<RefCell<Scene>>,
    canvas: NodeRef,
    alive: Rc<std::cell::Cell<bool>>,
) -> LoopSlot {
    let slot: LoopSlot = Rc::new(RefCell::new(None));
    let next = slot.clone();
    let looped = scene.clone();
    *slot.borrow_mut() = Some(Closure::new(move |ts: f64| {
        let scene = &looped;
        if !alive.get() {
            // Unmounted: drop the closure (and with it the scene).
            next.borrow_mut().take();
            return;
        }
        if let Some(canvas) = canvas.cast::<HtmlCanvasElement>() {
            frame(&mut scene.borrow_mut(), &canvas, ts);
        }
        if scene.borrow().asleep {
            if scene.borrow().idle_redraw {
                arm_idle_wake(scene);
            }
            return;
        }
        if let (Some(window), Some(cb)) = (web_sys::window(), next.borrow().as_ref()) {
            let _ = window.request_animation_frame(cb.as_ref().unchecked_ref());
        }
    }));
    if let Some(cb) = slot.borrow().as_ref() {
        let waker: &js_sys::Function = cb.as_ref().unchecked_ref();
        scene.borrow_mut().waker = Some(waker.clone());
        if let Some(window) = web_sys::window() {
            let _ = window.request_animation_frame(waker);
        }
    }
    slot
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// One animation frame: advance the dots, draw, and keep frame times.
fn frame(s: &mut Scene, canvas: &HtmlCanvasElement, ts: f64) {
    if s.drag.is_none() && s.last_ts.is_some_and(|last| ts - last < MIN_FRAME_MS) {
        return;
    }
    let (css_w, css_h) = (f64::from(canvas.client_width()), f64::from(canvas.client_height()));
    let moving = s.playing || s.drag.is_some();
    let unchanged = !moving && !s.dirty && s.drawn_size == [css_w, css_h];
    if unchanged && (!s.idle_redraw || ts - s.drawn_at < IDLE_FRAME_MS) {
        // Paused and unchanged: the picture stands, and the page idles:
        // the loop sleeps until `touch` wakes it, or, with idle redraws,
        // a timer for the next idle frame.
        s.last_ts = None;
        s.asleep = true;
        return;
    }
    let started = now_ms();
    let dt = s.last_ts.map_or(0.0, |last| (ts - last) / 1000.0);
    if let Some(last) = s.last_ts {
        push_sample(&mut s.interval_ms, ts - last);
    }
    s.last_ts = Some(ts);
    if s.playing {
        s.pool.step(dt, &s.spawning);
    }
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    if css_w <= 0.0 || css_h <= 0.0 {
        return;
    }
    let (px_w, px_h) = ((css_w * dpr).round() as u32, (css_h * dpr).round() as u32);
    if canvas.width() != px_w || canvas.height() != px_h {
        canvas.set_width(px_w);
        canvas.set_height(px_h);
    }
    if std::mem::take(&mut s.measure_foot) {
        s.follow_foot(canvas);
    }
    // A window resized or a phone turned, or an edit: fit again if that
    // hid something and Fit shows everything (a view the user zoomed that
    // still shows everything is kept); on a phone, where Fit cannot, keep
    // the user's pan with the selected component in it.
    let resized = s.drawn_size != [css_w, css_h];
    if std::mem::take(&mut s.refit_if_hidden) || resized {
        s.settle([css_w, css_h]);
    }
    if s.drag.is_none() && std::mem::take(&mut s.reveal_pending) {
        s.reveal_selected([css_w, css_h]);
    }
    // The kept drawing's view, on a canvas of the size it was kept at,
    // in place of the fit of a freshly opened document.
    if let Some(view) = s.restore_view.take().and_then(|kept| kept.view_for([css_w, css_h])) {
        (s.zoom, s.pan) = (view.zoom, view.pan);
        s.fitted = view == s.stage([css_w, css_h]).fit();
        s.fit_pending = false;
    }
    if std::mem::take(&mut s.fit_pending) {
        s.fit(css_w, css_h);
    }
    let boxes = s.layout.items.iter().map(|it| it.corners());
    s.hidden = viewport::hidden_sides(boxes, s.view(), s.room([css_w, css_h]));
    let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    draw(s, &ctx, dpr, [css_w, css_h], ts);
    s.keep_drawing([css_w, css_h]);
    push_sample(&mut s.draw_ms, now_ms() - started);
    s.dirty = false;
    s.drawn_size = [css_w, css_h];
    s.drawn_at = ts;
    s.frames += 1;
    if s.frames.is_multiple_of(60) {
        publish_frame_stats(canvas, &s.draw_ms, &s.interval_ms);
    }
    // While playing, every tenth frame; while paused, frames are few and
    // each follows a change.
    if !moving || s.frames.is_multiple_of(10) {
        publish_layout(s, canvas);
    }
}

fn push_sample(samples: &mut Vec<f64>, v: f64) {
    if samples.len() == FRAME_SAMPLES {
        samples.remove(0);
    }
    samples.push(v);
}

fn p95(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    order::sort_by(&mut sorted, f64::total_cmp);
    sorted.get((sorted.len() as f64 * 0.95) as usize).or(sorted.last()).copied().unwrap_or(0.0)
}

/// Frame-time figures on the canvas as data attributes, for the end-to-end
/// measurement (and anyone curious in devtools).
fn publish_frame_stats(canvas: &HtmlCanvasElement, draw: &[f64], interval: &[f64]) {
    let _ = canvas.set_attribute("data-draw-p95-ms", &format!("{:.2}", p95(draw)));
    let _ = canvas.set_attribute("data-frame-p95-ms", &format!("{:.2}", p95(interval)));
    let _ = canvas.set_attribute("data-frames", &draw.len().to_string());
}

/// Where each item is on screen (CSS pixels from the canvas's corner) and in
/// which lane, as a data attribute: what end-to-end tests aim their drags
/// at.
fn publish_layout(s: &Scene, canvas: &HtmlCanvasElement) {
    let items: Vec<String> = s
        .layout
        .items
        .iter()
        .map(|it| {
            let x = it.pos[0] * s.zoom + s.pan[0];
            let y = it.pos[1] * s.zoom + s.pan[1];
            let lane = match it.lane {
                Lane::Sync => "sync",
                Lane::Async => "async",
            };
            format!("{{\"id\":{:?},\"x\":{x:.1},\"y\":{y:.1},\"lane\":\"{lane}\"}}", it.id)
        })
        .collect();
    let boundary = s.layout.lane_height * s.zoom + s.pan[1];
    let port_dx = NODE_W / 2.0 * s.zoom;
    let json = format!(
        "{{\"boundary\":{boundary:.1},\"zoom\":{:.3},\"port_dx\":{port_dx:.1},\"hidden\":[{}],\"items\":[{}]}}",
        s.zoom,
        hidden_json(s),
        items.join(",")
    );
    if canvas.get_attribute("data-layout").as_deref() != Some(json.as_str()) {
        let _ = canvas.set_attribute("data-layout", &json);
    }
    publish_network(s, canvas);
}

/// The sides components lie past and where each one's arrow is:
/// `{"side":"right","x":…,"y":…}`.
fn hidden_json(s: &Scene) -> String {
    let sides = s.hidden.list().map(|side| {
        let at = s.hidden.arrow(side, s.room(s.drawn_size)).unwrap_or_default();
        format!("{{\"side\":\"{}\",\"x\":{:.1},\"y\":{:.1}}}", side.name(), at[0], at[1])
    });
    sides.collect::<Vec<_>>().join(",")
}

/// The zones' regions on screen, the calls a partition cuts now and the
/// stale-read badges, as a data attribute (what end-to-end tests check
/// beside the pixels).
fn publish_network(s: &Scene, canvas: &HtmlCanvasElement) {
    if !s.zoned && !s.replicated {
        if canvas.has_attribute("data-network") {
            let _ = canvas.remove_attribute("data-network");
        }
        return;
    }
    let screen = |p: [f64; 2]| [p[0] * s.zoom + s.pan[0], p[1] * s.zoom + s.pan[1]];
    let regions: Vec<String> = zones::regions(&s.layout, &s.outline)
        .iter()
        .map(|r| {
            let (lo, hi) = (screen(r.lo), screen(r.hi));
            format!(
                "{{\"zone\":{:?},\"x\":{:.1},\"y\":{:.1},\"w\":{:.1},\"h\":{:.1}}}",
                r.zone,
                lo[0],
                lo[1],
                hi[0] - lo[0],
                hi[1] - lo[1]
            )
        })
        .collect();
    let cuts: Vec<String> = zones::cut_edges(&s.layout, &s.outline, &s.partitions)
        .iter()
        .map(|&i| {
            let (a, b) = s.layout.segment(&s.layout.edges[i]);
            let m = screen([(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0]);
            format!("{{\"x\":{:.1},\"y\":{:.1}}}", m[0], m[1])
        })
        .collect();
    let badges: Vec<String> = zones::badges(&s.layout, &s.outline, s.window.as_deref())
        .iter()
        .map(|(i, text, _)| format!("{{\"id\":{:?},\"text\":{:?}}}", s.layout.items[*i].id, text))
        .collect();
    let json = format!(
        "{{\"zones\":[{}],\"cuts\":[{}],\"badges\":[{}]}}",
        regions.join(","),
        cuts.join(","),
        badges.join(",")
    );
    if canvas.get_attribute("data-network").as_deref() != Some(json.as_str()) {
        let _ = canvas.set_attribute("data-network", &json);
    }
}

/// A component's stripe colour, by kind.
fn kind_colour(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Service => "#2f6fde",
        NodeKind::Database => "#8a4fd3",
        NodeKind::Cache => "#0e9384",
        NodeKind::Queue => "#c2710c",
        NodeKind::External => "#5b6472",
    }
}

/// A dot's colour: the charts' outcome colours, so green on the canvas is
/// the green band of the throughput chart.
fn outcome_colour(o: DotOutcome) -> String {
    let index = match o {
        DotOutcome::Ok => chart_data::OK,
        DotOutcome::Degraded => chart_data::DEGRADED,
        DotOutcome::Failed => chart_data::ERROR,
        DotOutcome::Rejected => chart_data::REJECTED,
    };
    let (r, g, b) = chart_data::colour(index);
    format!("rgb({r},{g},{b})")
}

/// Green when idle, through amber, to red when saturated.
fn utilization_colour(u: f64) -> String {
    let u = u.clamp(0.0, 1.0);
    let (r, g) =
        if u < 0.5 { (60.0 + 390.0 * u, 180.0) } else { (255.0, 180.0 - 260.0 * (u - 0.5)) };
    format!("rgba({:.0},{:.0},70,0.35)", r.min(255.0), g.max(40.0))
}

/// The canvas's neutral colours in the page's colour scheme (kinds, outcomes
/// and warnings keep theirs).
struct Theme {
    page: &'static str,
    sync_lane: &'static str,
    async_lane: &'static str,
    lane_label: &'static str,
    pill: &'static str,
    box_fill: &'static str,
    queue_track: &'static str,
    title: &'static str,
    detail: &'static str,
}

const LIGHT: Theme = Theme {
    page: "#ffffff",
    sync_lane: "#f3f6fb",
    async_lane: "#f7f3ec",
    lane_label: "#6b7480",
    pill: "#eef1f5",
    box_fill: "#ffffff",
    queue_track: "#e4e7ec",
    title: "#1d2330",
    detail: "#4a5260",
};

const DARK: Theme = Theme {
    page: "#11151f",
    sync_lane: "#161c2a",
    async_lane: "#1e1b18",
    lane_label: "#9aa3b2",
    pill: "#232a3a",
    box_fill: "#1b2130",
    queue_track: "#2e3648",
    title: "#e5e9f0",
    detail: "#b4bccb",
};

/// The theme the page's `prefers-color-scheme` asks for.
fn theme() -> &'static Theme {
    if crate::browser::dark_theme() { &DARK } else { &LIGHT }
}

fn draw(s: &Scene, ctx: &CanvasRenderingContext2d, dpr: f64, size: [f64; 2], ts: f64) {
    let css_w = size[0];
    let t = theme();
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.set_fill_style_str(t.page);
    ctx.fill_rect(0.0, 0.0, css_w, 10_000.0);
    let z = s.zoom;
    let _ = ctx.set_transform(dpr * z, 0.0, 0.0, dpr * z, dpr * s.pan[0], dpr * s.pan[1]);
    let left = -s.pan[0] / z;
    let width = css_w / z;

    // Lanes.
    let dragging_lane = match &s.drag {
        Some(Drag::Move { item, moved: true, .. }) => {
            let it = &s.layout.items[*item];
            let over = Lane::at(it.pos[1], s.layout.lane_height);
            (over != it.lane && matches!(it.item, ItemRef::Node(_))).then_some(over)
        }
        _ => None,
    };
    for (lane, top, fill, _) in lane_names(s, t) {
        ctx.set_fill_style_str(if dragging_lane == Some(lane) { "#e3ecff" } else { fill });
        // Each band runs on past the view, so no edge of the world shows.
        let (from, to) = match lane {
            Lane::Sync => (-10_000.0, s.layout.lane_height),
            Lane::Async => (top, top + 10_000.0),
        };
        ctx.fill_rect(left, from, width, to - from);
    }
    ctx.set_stroke_style_str("#9aa3ad");
    ctx.set_line_width(1.5 / z);
    set_dash(ctx, &[8.0, 6.0]);
    ctx.begin_path();
    ctx.move_to(left, s.layout.lane_height);
    ctx.line_to(left + width, s.layout.lane_height);
    ctx.stroke();
    set_dash(ctx, &[]);
    if s.zoned {
        zone_drawing::draw_regions(ctx, &zones::regions(&s.layout, &s.outline), z);
    }

    // Everything below is batched: one path per style, one fill or stroke
    // per path. A software canvas pays per call, not per shape.
    let visible = |x: f64| x + NODE_W >= left && x - NODE_W <= left + width;

    // Edges, bucketed by (async, width, selected).
    let max_rate = s.traffic.iter().map(|t| t.rate).fold(1.0, f64::max);
    let breakers: HashMap<(usize, usize), BreakerState> = s
        .snapshot
        .iter()
        .flat_map(|snap| snap.breakers.iter().map(|b| ((b.node, b.call), b.state)))
        .collect();
    let mut edge_groups: HashMap<(bool, u8, bool), Vec<Segment>> = HashMap::new();
    let mut heads = Vec::with_capacity(s.layout.edges.len());
    let mut glyphs = Vec::new();
    let mut breaker_dots: [Vec<[f64; 2]>; 3] = Default::default();
    for (i, edge) in s.layout.edges.iter().enumerate() {
        let (a, b) = s.layout.segment(edge);
        if !visible(a[0]) && !visible(b[0]) {
            continue;
        }
        let rate = s.traffic.get(i).map_or(0.0, |t| t.rate);
        let selected = match (&edge.what, &s.selected) {
            (EdgeRef::Call { call, .. }, Some(Selection::Call { node, call: c })) => {
                *call == *c && s.layout.items[edge.from].id == *node
            }
            _ => false,
        };
        let bucket = (6.0 * (rate / max_rate).sqrt()).round() as u8;
        edge_groups.entry((edge.mode == Mode::Async, bucket, selected)).or_default().push((a, b));
        heads.push((a, b));
        if edge.mode == Mode::Async && !matches!(edge.what, EdgeRef::Feed(_)) {
            // The queue an async call goes through: the callee's backlog.
            let queued = match s.layout.items[edge.to].item {
                ItemRef::Node(n) => {
                    s.snapshot.as_ref().and_then(|x| x.nodes.get(n)).map_or(0, |n| n.queued)
                }
                ItemRef::Load(_) => 0,
            };
            glyphs.push(([(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0], queued));
        }
        if let EdgeRef::Call { node, call } = edge.what
            && let Some(state) = breakers.get(&(node, call))
        {
            let p = [a[0] + (b[0] - a[0]) * 0.22, a[1] + (b[1] - a[1]) * 0.22];
            let k = match state {
                BreakerState::Closed => 0,
                BreakerState::HalfOpen => 1,
                BreakerState::Open => 2,
            };
            breaker_dots[k].push(p);
        }
    }
    for ((dashed, bucket, selected), segments) in &edge_groups {
        ctx.set_stroke_style_str(if *selected { "#1b5fd9" } else { "#7d8794" });
        ctx.set_line_width(1.2 + f64::from(*bucket));
        if *dashed {
            set_dash(ctx, &[7.0, 5.0]);
        }
        ctx.begin_path();
        for (a, b) in segments {
            ctx.move_to(a[0], a[1]);
            ctx.line_to(b[0], b[1]);
        }
        ctx.stroke();
        if *dashed {
            set_dash(ctx, &[]);
        }
    }
    ctx.set_fill_style_str("#7d8794");
    ctx.begin_path();
    for (a, b) in &heads {
        arrow_head(ctx, *a, *b);
    }
    ctx.fill();
    queue_glyphs(ctx, &glyphs);
    for (points, colour) in breaker_dots.iter().zip(["#1f9d55", "#d9a400", "#d6322e"]) {
        if points.is_empty() {
            continue;
        }
        ctx.set_fill_style_str(colour);
        ctx.begin_path();
        for p in points {
            ctx.move_to(p[0] + 6.0, p[1]);
            let _ = ctx.arc(p[0], p[1], 6.0, 0.0, std::f64::consts::TAU);
        }
        ctx.fill();
    }

    // Dots, one path per outcome colour.
    let mut dots: [Vec<[f64; 2]>; 4] = Default::default();
    for dot in s.pool.dots() {
        let Some(edge) = s.layout.edges.get(dot.edge) else { continue };
        let (a, b) = s.layout.segment(edge);
        let p = [a[0] + (b[0] - a[0]) * dot.t, a[1] + (b[1] - a[1]) * dot.t];
        let k = match dot.outcome {
            DotOutcome::Ok => 0,
            DotOutcome::Degraded => 1,
            DotOutcome::Failed => 2,
            DotOutcome::Rejected => 3,
        };
        dots[k].push(p);
    }
    for (points, outcome) in dots.iter().zip([
        DotOutcome::Ok,
        DotOutcome::Degraded,
        DotOutcome::Failed,
        DotOutcome::Rejected,
    ]) {
        if points.is_empty() {
            continue;
        }
        ctx.set_fill_style_str(&outcome_colour(outcome));
        ctx.begin_path();
        for p in points {
            ctx.move_to(p[0] + 3.6, p[1]);
            let _ = ctx.arc(p[0], p[1], 3.6, 0.0, std::f64::consts::TAU);
        }
        ctx.fill();
    }

    crate::canvas::trace_path::draw(ctx, &s.layout, &s.lit);

    // Over the dots, so a call's label and a partition's cut stay legible.
    if s.zoned {
        zone_drawing::draw_links(
            ctx,
            &s.layout,
            &s.outline,
            &s.link_labels,
            &s.partitions,
            t.page,
            z,
        );
    }
    if s.replicated {
        zone_drawing::draw_followers(ctx, &s.layout, &s.outline, t.box_fill);
    }
    // Components and loads.
    let pulse = 0.5 + 0.5 * (ts / 180.0).sin();
    let detailed = z >= 0.45;
    let mut titles: Vec<(String, [f64; 2])> = Vec::with_capacity(s.layout.items.len());
    let mut details: Vec<(String, [f64; 2])> = Vec::with_capacity(s.layout.items.len());
    let mut queue_labels: Vec<(String, [f64; 2])> = Vec::new();
    let mut warnings: Vec<(String, [f64; 2])> = Vec::new();
    let mut pills = Vec::new();
    let mut boxes = Vec::new();
    // Borders by style: (colour, width).
    let mut borders: HashMap<(String, u8), Vec<RoundRect>> = HashMap::new();
    let mut fills: [Vec<(f64, f64, f64, f64)>; 10] = Default::default();
    let mut stripes: HashMap<&'static str, Vec<(f64, f64)>> = HashMap::new();
    let mut queue_bars = Vec::new();
    let mut queue_fills: [Vec<(f64, f64, f64)>; 2] = Default::default();
    let mut ports = Vec::new();
    let mut gauges = Vec::new();
    for (i, it) in s.layout.items.iter().enumerate() {
        let (x, y) = (it.pos[0] - NODE_W / 2.0, it.pos[1] - NODE_H / 2.0);
        if !visible(it.pos[0]) {
            continue;
        }
        let selected = s.layout.is_selected(i, s.selected.as_ref());
        match it.item {
            ItemRef::Load(l) => {
                let rate = s.window.as_ref().and_then(|w| {
                    w.loads
                        .get(l)
                        .map(|r| r.requests.offered as f64 / (w.end_s - w.start_s).max(1e-9))
                });
                pills.push((x, y));
                let style =
                    if selected { ("#1b5fd9".to_owned(), 3) } else { ("#5b6472".to_owned(), 1) };
                borders.entry(style).or_default().push((x, y, NODE_W, NODE_H, NODE_H / 2.0));
                titles.push((it.id.clone(), [it.pos[0], it.pos[1] - 8.0]));
                // With several loads (tenants), each one's own p99 beside its
                // rate: the headline figures mix them.
                let p99 = s
                    .window
                    .as_ref()
                    .filter(|w| w.loads.len() > 1)
                    .and_then(|w| w.loads.get(l))
                    .filter(|r| r.latency_ms.count > 0)
                    .map(|r| crate::format::duration_ms(r.latency_ms.p99));
                let text = match (rate, p99) {
                    (Some(r), Some(p99)) => {
                        format!("{} · p99 {p99}", crate::format::rate_short(r))
                    }
                    (Some(r), None) => format!("users · {}", crate::format::rate_short(r)),
                    (None, _) => "users".to_owned(),
                };
                details.push((text, [it.pos[0], it.pos[1] + 10.0]));
            }
            ItemRef::Node(n) => {
                let node = &s.outline.nodes[n];
                let state = s.snapshot.as_ref().and_then(|x| x.nodes.get(n));
                if let Some(memory) = state.and_then(|st| st.memory.as_ref()) {
                    gauges.push((n, memory, [x, y, NODE_W, NODE_H]));
                }
                let report = s.window.as_ref().and_then(|w| w.nodes.get(n));
                let utilization = report.and_then(|r| r.utilization).unwrap_or(0.0);
                boxes.push((x, y));
                if utilization > 0.0 {
                    let h = (NODE_H - 4.0) * utilization.min(1.0);
                    let bucket = ((utilization * 10.0) as usize).min(9);
                    fills[bucket].push((x + 2.0, y + NODE_H - 2.0 - h, NODE_W - 4.0, h));
                }
                let saturated = s.saturated.iter().find(|x| x.node == n);
                let failing = report.is_some_and(|r| {
                    let bad = r.outcomes.error + r.outcomes.timeout + r.rejected;
                    r.arrivals > 0 && bad as f64 > 0.02 * r.arrivals as f64
                });
                let style = if failing {
                    (format!("rgba(214,50,46,{:.2})", 0.45 + 0.55 * pulse), 4)
                } else if selected {
                    ("#1b5fd9".to_owned(), 4)
                } else {
                    (kind_colour(node.kind).to_owned(), 2)
                };
                borders.entry(style).or_default().push((x, y, NODE_W, NODE_H, 8.0));
                if selected && failing {
                    borders.entry(("#1b5fd9".to_owned(), 1)).or_default().push((
                        x - 4.0,
                        y - 4.0,
                        NODE_W + 8.0,
                        NODE_H + 8.0,
                        10.0,
                    ));
                }
                stripes.entry(kind_colour(node.kind)).or_default().push((x + 1.0, y + 8.0));
                titles.push((node.id.clone(), [it.pos[0] + 2.0, it.pos[1] - 10.0]));
                if detailed {
                    let replicas = state.map_or(node.replicas, |s| s.replicas);
                    let mut detail = node.kind.to_string();
                    if replicas > 1 || matches!(node.kind, NodeKind::Service | NodeKind::Database) {
                        detail.push_str(&format!(" ×{replicas}"));
                    }
                    if let Some(busy) = report.and_then(|r| r.utilization) {
                        detail.push_str(&format!(" · {:.0}%", busy * 100.0));
                    }
                    if let Some(hits) = report.and_then(crate::insight::cache_hits) {
                        detail.push_str(&format!(" · {hits}"));
                    }
                    details.push((detail, [it.pos[0] + 2.0, it.pos[1] + 9.0]));
                }
                // Queue bar under the box.
                let queued = state.map_or(0, |s| s.queued);
                queue_bars.push((x, y + NODE_H + 4.0));
                if queued > 0 {
                    let fill = ((1.0 + queued as f64).ln() / (1.0 + 10_000f64).ln()).min(1.0);
                    queue_fills[usize::from(fill > 0.6)].push((
                        x,
                        y + NODE_H + 4.0,
                        NODE_W * fill.max(0.04),
                    ));
                    if detailed && saturated.is_none() {
                        let label = format!("{} queued", crate::format::quantity(queued as f64));
                        queue_labels.push((label, [x + NODE_W, y + NODE_H + 11.0]));
                    }
                }
                // Under its own queue bar, so it cannot be read as the
                // warning of the component above.
                if let Some(sat) = saturated {
                    let callee = sat.waiting_on.and_then(|c| s.outline.nodes.get(c));
                    let text = sat.label(callee.map(|c| c.id.as_str()));
                    warnings.push((text, [it.pos[0], y + NODE_H + 11.0]));
                }
            }
        }
        if !matches!(it.item, ItemRef::Node(n) if s.outline.nodes[n].kind == NodeKind::External) {
            ports.push(s.layout.port(i));
        }
    }
    ctx.set_fill_style_str(t.pill);
    ctx.begin_path();
    for (x, y) in &pills {
        let _ = ctx.round_rect_with_f64(*x, *y, NODE_W, NODE_H, NODE_H / 2.0);
    }
    ctx.fill();
    ctx.set_fill_style_str(t.box_fill);
    ctx.begin_path();
    for (x, y) in &boxes {
        let _ = ctx.round_rect_with_f64(*x, *y, NODE_W, NODE_H, 8.0);
    }
    ctx.fill();
    for (bucket, rects) in fills.iter().enumerate() {
        if rects.is_empty() {
            continue;
        }
        ctx.set_fill_style_str(&utilization_colour((bucket as f64 + 0.5) / 10.0));
        ctx.begin_path();
        for (x, y, w, h) in rects {
            ctx.rect(*x, *y, *w, *h);
        }
        ctx.fill();
    }
    for ((colour, width), shapes) in &borders {
        ctx.set_stroke_style_str(colour);
        ctx.set_line_width(f64::from(*width));
        ctx.begin_path();
        for (x, y, w, h, r) in shapes {
            let _ = ctx.round_rect_with_f64(*x, *y, *w, *h, *r);
        }
        ctx.stroke();
    }
    for (colour, at) in &stripes {
        ctx.set_fill_style_str(colour);
        ctx.begin_path();
        for (x, y) in at {
            ctx.rect(*x, *y, 4.0, NODE_H - 16.0);
        }
        ctx.fill();
    }
    ctx.set_fill_style_str(t.queue_track);
    ctx.begin_path();
    for (x, y) in &queue_bars {
        ctx.rect(*x, *y, NODE_W, 5.0);
    }
    ctx.fill();
    for (bars, colour) in queue_fills.iter().zip(["#c2710c", "#d6322e"]) {
        ctx.set_fill_style_str(colour);
        ctx.begin_path();
        for (x, y, w) in bars {
            ctx.rect(*x, *y, *w, 5.0);
        }
        ctx.fill();
    }
    ctx.set_fill_style_str(t.box_fill);
    ctx.set_stroke_style_str("#5b6472");
    ctx.set_line_width(1.5);
    ctx.begin_path();
    for p in &ports {
        ctx.move_to(p[0] + PORT_R - 3.0, p[1]);
        let _ = ctx.arc(p[0], p[1], PORT_R - 3.0, 0.0, std::f64::consts::TAU);
    }
    ctx.fill();
    ctx.stroke();
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    ctx.set_fill_style_str(t.title);
    // Names stay legible when zoomed out (100 components at "Fit"): never
    // under 9 screen pixels, squeezed into the box if need be.
    ctx.set_font(&format!("600 {:.2}px system-ui, sans-serif", 13f64.max(9.0 / z)));
    for (text, at) in &titles {
        let _ = ctx.fill_text_with_max_width(text, at[0], at[1], NODE_W - 14.0);
    }
    ctx.set_fill_style_str(t.detail);
    // The details (kind, replicas, utilization) too: never under 8 screen
    // pixels.
    ctx.set_font(&format!("{:.2}px system-ui, sans-serif", 11f64.max(8.0 / z)));
    for (text, at) in &details {
        let _ = ctx.fill_text_with_max_width(text, at[0], at[1], NODE_W - 14.0);
    }
    if detailed && s.replicated {
        let badges = zones::badges(&s.layout, &s.outline, s.window.as_deref());
        zone_drawing::draw_badges(ctx, &s.layout, &badges, z);
    }
    if !warnings.is_empty() {
        ctx.set_font(&format!("600 {:.2}px system-ui, sans-serif", 11f64.max(8.0 / z)));
        ctx.set_text_align("center");
        ctx.set_text_baseline("top");
        ctx.set_fill_style_str("#b91c1c");
        // A line a part ("saturated 1.24×", "100 queued"), each within the
        // component's width: a call's label beside the box stays clear.
        for (text, at) in &warnings {
            for (k, line) in text.split(" · ").enumerate() {
                let y = at[1] + 13.0 * k as f64;
                let _ = ctx.fill_text_with_max_width(line, at[0], y, NODE_W);
            }
        }
    }
    memory_gauge::draw(ctx, &gauges, &s.flashes, ts);
    if !queue_labels.is_empty() {
        ctx.set_font(&format!("{:.2}px system-ui, sans-serif", 10f64.max(8.0 / z)));
        ctx.set_text_align("right");
        ctx.set_text_baseline("top");
        for (text, at) in &queue_labels {
            let _ = ctx.fill_text(text, at[0], at[1]);
        }
    }

    if let Some(Drag::Connect { from, to }) = &s.drag {
        let a = s.layout.port(*from);
        ctx.set_stroke_style_str("#1b5fd9");
        ctx.set_line_width(2.0);
        set_dash(ctx, &[4.0, 4.0]);
        ctx.begin_path();
        ctx.move_to(a[0], a[1]);
        ctx.line_to(to[0], to[1]);
        ctx.stroke();
        set_dash(ctx, &[]);
    }
    let room = s.room(size);
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    edge_hints::draw_fades(ctx, s.hidden, room, t.page);
    draw_lane_names(s, t, ctx, dpr, css_w);
    zone_drawing::draw_partition_banner(ctx, &s.partitions, css_w);
    edge_hints::draw_arrows(ctx, s.hidden, room, t.box_fill);
    if s.fitted && s.hidden.any() {
        edge_hints::draw_drag_hint(ctx, room, t.box_fill, t.title);
    }
}

/// Screen pixels a lane's name takes at the lane's top.
const LANE_NAME_BAND: f64 = 26.0;

/// Each lane, its top (world units), its fill and its name.
fn lane_names(s: &Scene, t: &Theme) -> [(Lane, f64, &'static str, &'static str); 2] {
    [
        (Lane::Sync, 0.0, t.sync_lane, "REQUEST PATH (sync): the user waits for everything here"),
        (
            Lane::Async,
            s.layout.lane_height,
            t.async_lane,
            "BACKGROUND (async): handed over through a queue; the user does not wait",
        ),
    ]
}

/// The lanes' names, last and in screen pixels on a band of their lane's
/// colour: readable at any zoom and never covered by a box or an edge.
fn draw_lane_names(s: &Scene, t: &Theme, ctx: &CanvasRenderingContext2d, dpr: f64, css_w: f64) {
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.set_font("600 12px system-ui, sans-serif");
    ctx.set_text_align("left");
    ctx.set_text_baseline("top");
    for (lane, top, fill, label) in lane_names(s, t) {
        let at = top * s.zoom + s.pan[1];
        // The request path's name above its top edge when there is room
        // ("Fit" leaves it), so it sits over no box.
        let y = match lane {
            Lane::Sync if at >= LANE_NAME_BAND - 6.0 => at - LANE_NAME_BAND + 6.0,
            _ => at.max(0.0) + 6.0,
        };
        let width = |text: &str| ctx.measure_text(text).map_or(f64::INFINITY, |m| m.width());
        let short = label.split(':').next().unwrap_or(label);
        let (full, y) = lane_name_place(width(label), width(short), y, css_w, s.zoom);
        let label = if full { label } else { short };
        let w = width(label).min(css_w);
        ctx.set_fill_style_str(fill);
        ctx.fill_rect(8.0, y - 2.0, w + 8.0, 17.0);
        ctx.set_fill_style_str(t.lane_label);
        let _ = ctx.fill_text(label, 12.0, y);
    }
}

fn set_dash(ctx: &CanvasRenderingContext2d, segments: &[f64]) {
    let array = js_sys::Array::new();
    for s in segments {
        array.push(&JsValue::from_f64(*s));
    }
    let _ = ctx.set_line_dash(&array);
}

/// Adds an arrow head at `b` (pointing from `a`) to the current path.
fn arrow_head(ctx: &CanvasRenderingContext2d, a: [f64; 2], b: [f64; 2]) {
    let angle = (b[1] - a[1]).atan2(b[0] - a[0]);
    let size = 9.0;
    ctx.move_to(b[0], b[1]);
    ctx.line_to(b[0] - size * (angle - 0.4).cos(), b[1] - size * (angle - 0.4).sin());
    ctx.line_to(b[0] - size * (angle + 0.4).cos(), b[1] - size * (angle + 0.4).sin());
    ctx.close_path();
}

/// The queues async edges go through: small boxes whose slots fill with
/// the callee's backlog (a slot a power of ten).
fn queue_glyphs(ctx: &CanvasRenderingContext2d, glyphs: &[([f64; 2], u64)]) {
    if glyphs.is_empty() {
        return;
    }
    let (w, h) = (34.0, 14.0);
    ctx.set_fill_style_str("#fff7e8");
    ctx.set_stroke_style_str("#c2710c");
    ctx.set_line_width(1.5);
    ctx.begin_path();
    for (at, _) in glyphs {
        ctx.rect(at[0] - w / 2.0, at[1] - h / 2.0, w, h);
    }
    ctx.fill();
    ctx.stroke();
    ctx.set_fill_style_str("#c2710c");
    ctx.begin_path();
    for (at, queued) in glyphs {
        let filled =
            if *queued == 0 { 0 } else { (1.0 + (*queued as f64).log10()).min(4.0) as usize };
        for k in 0..filled {
            ctx.rect(at[0] + w / 2.0 - 8.0 * (k as f64 + 1.0), at[1] - h / 2.0 + 3.0, 6.0, h - 6.0);
        }
    }
    ctx.fill();
}
