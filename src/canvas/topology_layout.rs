//! Where the topology canvas draws things: the two lanes (the synchronous
//! request path above, the asynchronous background below), each component's
//! lane as the calls into it decide, positions (saved, remembered, or laid
//! out by depth), edges, and hit tests. Pure geometry in world units, tested
//! natively; `topology_canvas` draws it.

use std::collections::HashMap;

use scalesim_engine::WindowReport;
use scalesim_engine::order;
use scalesim_engine::outline::Outline;
use scalesim_engine::scenario::{Mode, NodeKind};

use crate::canvas::dots::EdgeTraffic;

/// Height of each lane, world units, for a small topology; lanes grow
/// with the largest column (see [`Layout::lane_height`]).
pub const LANE_HEIGHT: f64 = 300.0;
/// A component's box.
pub const NODE_W: f64 = 132.0;
pub const NODE_H: f64 = 58.0;
/// Radius of the connect handle on a box's right edge.
pub const PORT_R: f64 = 9.0;
/// Horizontal distance between columns.
const COLUMN: f64 = 180.0;
/// Vertical distance between boxes stacked in a lane.
const ROW: f64 = 84.0;
/// With zones, wider: room between two zones' regions for each one's
/// name above its boxes, and for a link's label on a call between them.
const ZONED_COLUMN: f64 = 240.0;
const ZONED_ROW: f64 = 116.0;

/// The spacing of laid-out boxes: `(column, row)`.
fn spacing(outline: &Outline) -> (f64, f64) {
    if crate::canvas::zones::has_zones(outline) { (ZONED_COLUMN, ZONED_ROW) } else { (COLUMN, ROW) }
}

/// Which lane a component sits in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lane {
    /// Reached from a user through sync calls: the user waits for it.
    Sync,
    /// Reached only through async calls or a queue: the user does not wait.
    Async,
}

impl Lane {
    /// The lane a world `y` falls in, lanes `h` high.
    pub fn at(y: f64, h: f64) -> Lane {
        if y < h { Lane::Sync } else { Lane::Async }
    }

    fn top(self, h: f64) -> f64 {
        match self {
            Lane::Sync => 0.0,
            Lane::Async => h,
        }
    }

    /// `y` moved into this lane (by whole lanes, then clamped), so a
    /// component keeps its place in the lane it moves to.
    fn clamp(self, y: f64, h: f64) -> f64 {
        let y = if Lane::at(y, h) == self {
            y
        } else {
            match self {
                Lane::Sync => y - h,
                Lane::Async => y + h,
            }
        };
        let (low, high) = self.bounds(h);
        y.clamp(low, high)
    }

    /// The highest and lowest centre a box may have in this lane.
    fn bounds(self, h: f64) -> (f64, f64) {
        (self.top(h) + NODE_H / 2.0 + 24.0, self.top(h) + h - NODE_H / 2.0 - 8.0)
    }
}

/// What a drawn item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemRef {
    /// `outline.nodes[i]`, also the node's index in windows and snapshots.
    Node(usize),
    /// `outline.loads[i]`.
    Load(usize),
}

/// One drawn item.
#[derive(Clone, Debug, PartialEq)]
pub struct Placed {
    pub item: ItemRef,
    pub id: String,
    pub lane: Lane,
    /// The centre of its box, world units.
    pub pos: [f64; 2],
}

impl Placed {
    /// Its box's corners, `(top-left, bottom-right)`, world units.
    pub fn corners(&self) -> ([f64; 2], [f64; 2]) {
        let [x, y] = self.pos;
        ([x - NODE_W / 2.0, y - NODE_H / 2.0], [x + NODE_W / 2.0, y + NODE_H / 2.0])
    }
}

/// Whether boxes centred at `a` and `b` do not overlap (they may touch).
pub fn apart(a: [f64; 2], b: [f64; 2]) -> bool {
    (a[0] - b[0]).abs() >= NODE_W || (a[1] - b[1]).abs() >= NODE_H
}

/// What an edge stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeRef {
    /// A load's requests into its target.
    Load(usize),
    /// `outline.nodes[node].calls[call]`.
    Call { node: usize, call: usize },
    /// A queue's deliveries, or a cache's reads on a miss.
    Feed(usize),
}

/// One drawn edge, between two placed items.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub what: EdgeRef,
    /// Indexes into [`Layout::items`].
    pub from: usize,
    pub to: usize,
    /// Async edges are drawn dashed through a queue.
    pub mode: Mode,
}

/// The whole picture.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    pub items: Vec<Placed>,
    pub edges: Vec<Edge>,
    /// Each lane's height: enough rows that the largest column stays
    /// about as tall as it is wide.
    pub lane_height: f64,
}

/// Each node's lane: sync when a user reaches it through sync calls (or
/// when nothing reaches it yet), async when every way in is async.
pub fn lanes(outline: &Outline) -> Vec<Lane> {
    let index: HashMap<&str, usize> =
        outline.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let reach = |sync_only: bool| {
        let mut seen = vec![false; outline.nodes.len()];
        let mut stack: Vec<usize> =
            outline.loads.iter().filter_map(|l| index.get(l.target.as_str()).copied()).collect();
        while let Some(n) = stack.pop() {
            if std::mem::replace(&mut seen[n], true) {
                continue;
            }
            let node = &outline.nodes[n];
            let calls = node.calls.iter().filter(|c| !sync_only || c.mode == Mode::Sync);
            let feed = node.feeds.as_deref().filter(|_| !sync_only || node.kind == NodeKind::Cache);
            for to in calls.map(|c| c.to.as_str()).chain(feed) {
                if let Some(&t) = index.get(to) {
                    stack.push(t);
                }
            }
        }
        seen
    };
    let (sync, any) = (reach(true), reach(false));
    (0..outline.nodes.len())
        .map(|i| if sync[i] || !any[i] { Lane::Sync } else { Lane::Async })
        .collect()
}

/// Depth of each node from the users (1 = called by a load), along any call.
fn depths(outline: &Outline) -> Vec<usize> {
    let index: HashMap<&str, usize> =
        outline.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let mut depth = vec![usize::MAX; outline.nodes.len()];
    let mut frontier: Vec<usize> =
        outline.loads.iter().filter_map(|l| index.get(l.target.as_str()).copied()).collect();
    let mut d = 1;
    while !frontier.is_empty() {
        let mut next = Vec::new();
        for n in frontier {
            if depth[n] != usize::MAX {
                continue;
            }
            depth[n] = d;
            let node = &outline.nodes[n];
            for to in node.calls.iter().map(|c| c.to.as_str()).chain(node.feeds.as_deref()) {
                if let Some(&t) = index.get(to) {
                    next.push(t);
                }
            }
        }
        frontier = next;
        d += 1;
    }
    depth.into_iter().map(|d| if d == usize::MAX { 1 } else { d }).collect()
}

/// Who calls each node: the loads that target it and the nodes that call
/// or feed it.
fn callers_of(outline: &Outline) -> Vec<Vec<Caller>> {
    let index: HashMap<&str, usize> =
        outline.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let mut callers: Vec<Vec<Caller>> = vec![Vec::new(); outline.nodes.len()];
    for (l, load) in outline.loads.iter().enumerate() {
        if let Some(&t) = index.get(load.target.as_str()) {
            callers[t].push(Caller::Load(l));
        }
    }
    for (n, node) in outline.nodes.iter().enumerate() {
        for to in node.calls.iter().map(|c| c.to.as_str()).chain(node.feeds.as_deref()) {
            if let Some(&t) = index.get(to) {
                callers[t].push(Caller::Node(n));
            }
        }
    }
    callers
}

/// The nodes of one column (`members`, at `depth`) in the order to place
/// them: by the mean height of their callers in earlier columns (the
/// barycenter rule of layered drawing, so edges between neighbouring
/// columns rarely cross); nodes with no placed caller keep the file's
/// order, after the others. With zones, a zone's nodes come together (in
/// the order zones are first named), so its region stays one block.
fn column_order(
    members: &[usize],
    callers: &[Vec<Caller>],
    depths: &[usize],
    node_y: &[Option<f64>],
    load_y: &[f64],
    zone_rank: &[usize],
) -> Vec<usize> {
    let depth = members.first().map_or(0, |&i| depths[i]);
    let mut keyed: Vec<(f64, usize)> = members
        .iter()
        .map(|&i| {
            let ys: Vec<f64> = callers[i]
                .iter()
                .filter_map(|c| match *c {
                    Caller::Load(l) => load_y.get(l).copied(),
                    Caller::Node(n) if depths[n] < depth => node_y[n],
                    Caller::Node(_) => None,
                })
                .collect();
            let key = if ys.is_empty() {
                f64::INFINITY
            } else {
                ys.iter().sum::<f64>() / ys.len() as f64
            };
            (key, i)
        })
        .collect();
    order::sort_by(&mut keyed, |a, b| {
        zone_rank[a.1].cmp(&zone_rank[b.1]).then(a.0.total_cmp(&b.0)).then(a.1.cmp(&b.1))
    });
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// Each node's zone as a rank: the order zones are first named (loads,
/// then nodes), nodes without a zone last; all 0 without zones.
fn zone_ranks(outline: &Outline) -> Vec<usize> {
    let names = crate::canvas::zones::zone_names(outline);
    outline
        .nodes
        .iter()
        .map(|n| {
            crate::canvas::zones::zone_in(&n.params)
                .and_then(|z| names.iter().position(|x| x == z))
                .unwrap_or(names.len())
        })
        .collect()
}

#[derive(Clone, Copy)]
enum Caller {
    Load(usize),
    Node(usize),
}

/// The first free place right of `at` in `lane` (lane height `h`): the
/// column one step right, from `at`'s height down, then the next column.
fn beside(
    at: [f64; 2],
    lane: Lane,
    h: f64,
    (column, row_h): (f64, f64),
    taken: &mut Vec<[f64; 2]>,
) -> [f64; 2] {
    let free = |x: f64, y: f64, taken: &[[f64; 2]]| {
        taken.iter().all(|p| apart([p[0], lane.clamp(p[1], h)], [x, y]))
    };
    for step in 1..=200 {
        let x = at[0] + column * f64::from((step - 1) / 4 + 1);
        let row = f64::from((step - 1) % 4);
        let y = lane.clamp(lane.clamp(at[1], h) + row * row_h, h);
        if free(x, y, taken) {
            taken.push([x, y]);
            return [x, y];
        }
    }
    let spot = [at[0] + column, lane.clamp(at[1], h)];
    taken.push(spot);
    spot
}

/// The first free place at or near `at` in `lane` (lane height `h`) among
/// the boxes at `taken`: `at` itself, the rows below and above it in its
/// column, then the same in each column to its right.
fn free_near(
    at: [f64; 2],
    lane: Lane,
    h: f64,
    (column, row_h): (f64, f64),
    taken: &mut Vec<[f64; 2]>,
) -> [f64; 2] {
    let (low, high) = lane.bounds(h);
    for step in 0..50 {
        let x = at[0] + column * f64::from(step);
        for k in 0..32 {
            let rows = f64::from(k / 2 + k % 2) * if k % 2 == 1 { 1.0 } else { -1.0 };
            let y = at[1] + rows * row_h;
            if (low..=high).contains(&y) && taken.iter().all(|p| apart(*p, [x, y])) {
                taken.push([x, y]);
                return [x, y];
            }
        }
    }
    taken.push(at);
    at
}

/// Places remembered beyond the drawing's own items, at most: a component
/// removed and brought back (an undo) finds its place again, while a long
/// session of renames and removals cannot grow the map without bound.
pub const SPARE_PLACES: usize = 64;

/// Remembers where `drawn` (the layout of `outline`) put each item whose
/// place the canvas chose, and forgets the places of items no longer drawn
/// once they number more than [`SPARE_PLACES`]. A place saved in the file
/// is not remembered: the file keeps it, and when an undo takes it out
/// again the item goes back to where the canvas drew it before.
pub fn remember(remembered: &mut HashMap<String, [f64; 2]>, drawn: &Layout, outline: &Outline) {
    let chosen = |it: &&Placed| match it.item {
        ItemRef::Node(i) => outline.nodes.get(i).is_some_and(|n| n.position.is_none()),
        ItemRef::Load(i) => outline.loads.get(i).is_some_and(|l| l.position.is_none()),
    };
    if remembered.len() > drawn.items.len() + SPARE_PLACES {
        remembered.retain(|id, _| drawn.items.iter().any(|it| it.id == *id));
    }
    for it in drawn.items.iter().filter(chosen) {
        remembered.insert(it.id.clone(), it.pos);
    }
}

/// Lays out an outline. A position saved in the scenario wins, then one in
/// `remembered` (where the canvas drew the item before), then a place by
/// depth; every node is then kept inside its lane. Callers remember the
/// result, so items stay put when the user edits.
pub fn layout(outline: &Outline, remembered: &HashMap<String, [f64; 2]>) -> Layout {
    let lanes = lanes(outline);
    let depths = depths(outline);
    let mut items = Vec::with_capacity(outline.loads.len() + outline.nodes.len());
    // Columns by depth; a depth with more boxes than a lane holds gets
    // several sub-columns, and later depths move right to make room.
    let mut counts: HashMap<(Lane, usize), usize> = HashMap::new();
    *counts.entry((Lane::Sync, 0)).or_default() += outline.loads.len();
    for (lane, depth) in lanes.iter().zip(&depths) {
        *counts.entry((*lane, *depth)).or_default() += 1;
    }
    // The lanes' height follows the largest column counting both lanes, so
    // moving a component between lanes (a drag) never moves the boundary.
    let mut column_sizes: HashMap<usize, usize> = HashMap::new();
    for ((_, depth), n) in &counts {
        *column_sizes.entry(*depth).or_default() += n;
    }
    let biggest = column_sizes.values().copied().max().unwrap_or(1) as f64;
    let (column, row_h) = spacing(outline);
    let min_rows = ((LANE_HEIGHT - 60.0) / row_h).floor();
    let per_lane = (biggest * column / row_h).sqrt().ceil().max(min_rows) as usize;
    let h = 60.0 + per_lane as f64 * row_h;
    let deepest = depths.iter().copied().max().unwrap_or(0);
    let mut column_x = Vec::with_capacity(deepest + 1);
    let mut x = 90.0;
    for depth in 0..=deepest {
        column_x.push(x);
        let widest = [Lane::Sync, Lane::Async]
            .iter()
            .map(|lane| counts.get(&(*lane, depth)).copied().unwrap_or(0).div_ceil(per_lane))
            .max()
            .unwrap_or(1)
            .max(1);
        x += widest as f64 * column;
    }
    // Places already taken (saved or remembered) are skipped, so a new
    // component never lands on an old one.
    let mut taken: Vec<[f64; 2]> = outline
        .loads
        .iter()
        .map(|l| l.position.or_else(|| remembered.get(&l.id).copied()))
        .chain(outline.nodes.iter().map(|n| n.position.or_else(|| remembered.get(&n.id).copied())))
        .flatten()
        .collect();
    let mut used: HashMap<(Lane, usize), usize> = HashMap::new();
    let mut auto = |lane: Lane, depth: usize, taken: &mut Vec<[f64; 2]>| loop {
        let k = used.entry((lane, depth)).or_default();
        let row = *k;
        *k += 1;
        let x = column_x.get(depth).copied().unwrap_or(90.0) + (row / per_lane) as f64 * column;
        let y = lane.top(h) + 70.0 + (row % per_lane) as f64 * row_h;
        let free = taken.iter().all(|p| apart([p[0], lane.clamp(p[1], h)], [x, y]));
        if free || row > 10_000 {
            taken.push([x, y]);
            break [x, y];
        }
    };
    for (i, load) in outline.loads.iter().enumerate() {
        let pos = load
            .position
            .or_else(|| remembered.get(&load.id).copied())
            .unwrap_or_else(|| auto(Lane::Sync, 0, &mut taken));
        items.push(Placed {
            item: ItemRef::Load(i),
            id: load.id.clone(),
            lane: Lane::Sync,
            pos: [pos[0], Lane::Sync.clamp(pos[1], h)],
        });
    }
    // Nodes are placed column by column, each column in the order of its
    // callers' heights (the barycenter rule of layered drawing), so edges
    // between neighbouring columns rarely cross.
    let mut placed: Vec<Option<[f64; 2]>> = outline
        .nodes
        .iter()
        .map(|n| n.position.or_else(|| remembered.get(&n.id).copied()))
        .collect();
    let load_y: Vec<f64> = items.iter().map(|it| it.pos[1]).collect();
    let callers = callers_of(outline);
    let zone_rank = zone_ranks(outline);
    let mut by_depth: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for (i, d) in depths.iter().enumerate() {
        by_depth.entry(*d).or_default().push(i);
    }
    // A component new to a drawn design goes right of a caller already
    // drawn, where the user is looking; others by depth.
    let drawn = placed.clone();
    for members in by_depth.values() {
        let node_y: Vec<Option<f64>> = placed.iter().map(|p| p.map(|p| p[1])).collect();
        for i in column_order(members, &callers, &depths, &node_y, &load_y, &zone_rank) {
            if placed[i].is_some() {
                continue;
            }
            let anchor = callers[i].iter().find_map(|c| match *c {
                Caller::Node(n) => drawn[n],
                Caller::Load(_) => None,
            });
            let spot = match anchor {
                Some(at) => beside(at, lanes[i], h, (column, row_h), &mut taken),
                None => auto(lanes[i], depths[i], &mut taken),
            };
            placed[i] = Some(spot);
        }
    }
    // A node whose place is in the other lane (its calls switched, by a
    // drag or an undo) keeps its place in the lane it moves to, unless
    // another box is there: then the nearest free place beside it.
    let raw: Vec<[f64; 2]> = (0..outline.nodes.len())
        .map(|i| placed[i].unwrap_or([90.0, lanes[i].top(h) + 70.0]))
        .collect();
    let crossed = |i: usize| Lane::at(raw[i][1], h) != lanes[i];
    let mut settled: Vec<[f64; 2]> = items.iter().map(|it| it.pos).collect();
    settled.extend(
        (0..raw.len()).filter(|&i| !crossed(i)).map(|i| [raw[i][0], lanes[i].clamp(raw[i][1], h)]),
    );
    for (i, node) in outline.nodes.iter().enumerate() {
        let lane = lanes[i];
        let at = [raw[i][0], lane.clamp(raw[i][1], h)];
        let pos =
            if crossed(i) { free_near(at, lane, h, (column, row_h), &mut settled) } else { at };
        items.push(Placed { item: ItemRef::Node(i), id: node.id.clone(), lane, pos });
    }
    let first_node = outline.loads.len();
    let node_at: HashMap<&str, usize> =
        outline.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), first_node + i)).collect();
    let mut edges = Vec::new();
    for (i, load) in outline.loads.iter().enumerate() {
        if let Some(&to) = node_at.get(load.target.as_str()) {
            edges.push(Edge { what: EdgeRef::Load(i), from: i, to, mode: Mode::Sync });
        }
    }
    for (n, node) in outline.nodes.iter().enumerate() {
        for (c, call) in node.calls.iter().enumerate() {
            if let Some(&to) = node_at.get(call.to.as_str()) {
                let what = EdgeRef::Call { node: n, call: c };
                edges.push(Edge { what, from: first_node + n, to, mode: call.mode });
            }
        }
        if let Some(&to) = node.feeds.as_deref().and_then(|f| node_at.get(f)) {
            let mode = if node.kind == NodeKind::Queue { Mode::Async } else { Mode::Sync };
            edges.push(Edge { what: EdgeRef::Feed(n), from: first_node + n, to, mode });
        }
    }
    Layout { items, edges, lane_height: h }
}

impl Layout {
    /// The item whose box holds world point `p`, topmost first.
    pub fn item_at(&self, p: [f64; 2]) -> Option<usize> {
        self.items.iter().rposition(|it| {
            (p[0] - it.pos[0]).abs() <= NODE_W / 2.0 && (p[1] - it.pos[1]).abs() <= NODE_H / 2.0
        })
    }

    /// Where an item's connect handle is.
    pub fn port(&self, item: usize) -> [f64; 2] {
        let p = self.items[item].pos;
        [p[0] + NODE_W / 2.0, p[1]]
    }

    /// The item whose connect handle is at `p`.
    pub fn port_at(&self, p: [f64; 2]) -> Option<usize> {
        (0..self.items.len()).rev().find(|&i| {
            let q = self.port(i);
            (p[0] - q[0]).hypot(p[1] - q[1]) <= PORT_R + 3.0
        })
    }

    /// An edge's end points: from the caller's right side to the callee's
    /// left side.
    pub fn segment(&self, edge: &Edge) -> ([f64; 2], [f64; 2]) {
        let (a, b) = (self.items[edge.from].pos, self.items[edge.to].pos);
        let dir = if b[0] >= a[0] { 1.0 } else { -1.0 };
        ([a[0] + dir * NODE_W / 2.0, a[1]], [b[0] - dir * NODE_W / 2.0, b[1]])
    }

    /// The edge passing within `tolerance` of `p`, nearest first.
    pub fn edge_at(&self, p: [f64; 2], tolerance: f64) -> Option<usize> {
        self.edges
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let (a, b) = self.segment(e);
                (i, distance_to_segment(p, a, b))
            })
            .filter(|(_, d)| *d <= tolerance)
            .min_by(|x, y| x.1.total_cmp(&y.1))
            .map(|(i, _)| i)
    }

    /// The box "Fit" shows: `(min, max)` corners, world units. Every
    /// component with a margin, the request path's label above them, and
    /// the lane boundary with a band of the background below it to drop a
    /// component into, even when the background is empty (an empty lane
    /// would otherwise take half the view).
    pub fn bounds(&self) -> ([f64; 2], [f64; 2]) {
        if self.items.is_empty() {
            return ([0.0, 0.0], [600.0, 2.0 * self.lane_height]);
        }
        let (lo, mut hi) = self.items_bounds();
        hi[1] = hi[1].max(self.lane_height + 1.5 * NODE_H);
        let mut lo = lo;
        lo[1] = lo[1].min(self.lane_height - NODE_H);
        (lo, hi)
    }

    /// The lowest world `y` nothing may cover: the components with their
    /// labels and the lane boundary with the background's name (not the
    /// empty band below it, which only receives drops).
    pub fn clear_to(&self) -> f64 {
        let boundary = self.lane_height + NODE_H / 2.0;
        if self.items.is_empty() { boundary } else { self.items_bounds().1[1].max(boundary) }
    }

    /// The box around the items alone (with room for their labels): what
    /// the embedded player frames, so an empty background lane does not
    /// take half of a small diagram.
    pub fn items_bounds(&self) -> ([f64; 2], [f64; 2]) {
        if self.items.is_empty() {
            return ([0.0, 0.0], [600.0, 2.0 * self.lane_height]);
        }
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for it in &self.items {
            lo[0] = lo[0].min(it.pos[0] - 0.75 * NODE_W);
            hi[0] = hi[0].max(it.pos[0] + 0.75 * NODE_W);
            lo[1] = lo[1].min(it.pos[1] - NODE_H / 2.0 - 40.0);
            hi[1] = hi[1].max(it.pos[1] + NODE_H / 2.0 + 24.0);
        }
        (lo, hi)
    }

    /// The item named `id` (a component's or load's id).
    #[cfg(test)]
    pub fn placed(&self, id: &str) -> Option<&Placed> {
        self.items.iter().find(|it| it.id == id)
    }

    /// The index of the item for node `i`.
    pub fn node_item(&self, i: usize) -> Option<usize> {
        self.items.iter().position(|it| it.item == ItemRef::Node(i))
    }
}

/// What the user has selected on the canvas (or in the component list).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    Node(String),
    Load(String),
    /// Call `call` of node `node`.
    Call {
        node: String,
        call: usize,
    },
}

impl Layout {
    /// What selecting item `i` selects.
    pub fn selection_of_item(&self, i: usize) -> Option<Selection> {
        let it = self.items.get(i)?;
        Some(match it.item {
            ItemRef::Node(_) => Selection::Node(it.id.clone()),
            ItemRef::Load(_) => Selection::Load(it.id.clone()),
        })
    }

    /// What selecting edge `e` selects: a call, or the item it starts at.
    pub fn selection_of_edge(&self, e: usize) -> Option<Selection> {
        let edge = self.edges.get(e)?;
        match edge.what {
            EdgeRef::Call { call, .. } => {
                Some(Selection::Call { node: self.items[edge.from].id.clone(), call })
            }
            _ => self.selection_of_item(edge.from),
        }
    }

    /// Whether item `i` is what `selection` names.
    pub fn is_selected(&self, i: usize, selection: Option<&Selection>) -> bool {
        self.selection_of_item(i).as_ref() == selection
    }
}

/// Each edge's traffic in `window`: a load's offered requests, a call's
/// share of its caller's calls (by probability × fan-out), a queue's
/// deliveries, a cache's misses; coloured by how the callee's visits (a
/// load: its users' requests) ended.
pub fn edge_traffic(layout: &Layout, outline: &Outline, window: &WindowReport) -> Vec<EdgeTraffic> {
    let span = (window.end_s - window.start_s).max(1e-9);
    let mix_of = |o: &scalesim_engine::outcome::OutcomeCounts| {
        [o.ok as f64, o.degraded as f64, (o.error + o.timeout) as f64, o.rejected as f64]
    };
    let node_mix = |item: usize| match layout.items[item].item {
        ItemRef::Node(n) => window.nodes.get(n).map_or([1.0, 0.0, 0.0, 0.0], |r| {
            let mut m = mix_of(&r.outcomes);
            m[3] += r.rejected as f64 - r.outcomes.rejected as f64;
            m[3] = m[3].max(0.0);
            m
        }),
        ItemRef::Load(_) => [1.0, 0.0, 0.0, 0.0],
    };
    layout
        .edges
        .iter()
        .map(|e| match e.what {
            EdgeRef::Load(l) => window.loads.get(l).map_or_else(EdgeTraffic::default, |r| {
                let q = &r.requests;
                EdgeTraffic {
                    rate: q.offered as f64 / span,
                    mix: [
                        q.ok as f64,
                        q.degraded as f64,
                        (q.error + q.timeout) as f64,
                        q.rejected as f64,
                    ],
                }
            }),
            EdgeRef::Call { node, call } => {
                let calls = &outline.nodes[node].calls;
                let total: f64 = calls.iter().map(|c| c.weight).sum();
                let share = if total > 0.0 { calls[call].weight / total } else { 0.0 };
                let made = window.nodes.get(node).map_or(0, |r| r.calls) as f64;
                EdgeTraffic { rate: made * share / span, mix: node_mix(e.to) }
            }
            EdgeRef::Feed(node) => {
                let r = window.nodes.get(node);
                let count = if outline.nodes[node].kind == NodeKind::Cache {
                    r.map_or(0, |r| r.counters.misses)
                } else {
                    r.map_or(0, |r| r.completed)
                };
                EdgeTraffic { rate: count as f64 / span, mix: node_mix(e.to) }
            }
        })
        .collect()
}

fn distance_to_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    };
    (p[0] - (a[0] + t * dx)).hypot(p[1] - (a[1] + t * dy))
}

/// A view of the world: screen = world × `zoom` + `pan`, in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    pub zoom: f64,
    pub pan: [f64; 2],
}

impl View {
    /// World point `p` on screen, CSS pixels.
    pub fn screen(self, p: [f64; 2]) -> [f64; 2] {
        [p[0] * self.zoom + self.pan[0], p[1] * self.zoom + self.pan[1]]
    }
}

/// The view "Fit" gives: `bounds` (world corners) as large as fits below
/// a `top` band (the request path's name) of a canvas `size` CSS pixels
/// and centred there, at a zoom between the canvas's floor
/// (`viewport::floored`: on a phone, names stay readable and a design
/// wider than the canvas starts at its left, where its users are, the
/// rest a pan away) and 1.6, with everything
/// above the world `y` `clear_to` (the components and the lane boundary,
/// not the empty band below it) also above a `foot` band (notices laid
/// over the canvas's foot, at most half the canvas: a taller notice does
/// not squeeze the diagram to nothing).
pub fn fit_view(
    bounds: ([f64; 2], [f64; 2]),
    clear_to: f64,
    size: [f64; 2],
    top: f64,
    foot: f64,
) -> View {
    let ((lo, hi), height) = (bounds, size[1]);
    let foot = foot.clamp(0.0, height / 2.0);
    let room = (height - top).max(1.0);
    let clear_room = (height - foot - top).max(1.0);
    let zoom = (size[0] / (hi[0] - lo[0]))
        .min(room / (hi[1] - lo[1]))
        .min(clear_room / (clear_to - lo[1]).max(1e-9))
        .clamp(0.1, 1.6);
    let zoom = crate::canvas::viewport::floored(zoom, size[0]);
    let centred = top - lo[1] * zoom + (room - (hi[1] - lo[1]) * zoom) / 2.0;
    View {
        zoom,
        pan: [
            -lo[0] * zoom + ((size[0] - (hi[0] - lo[0]) * zoom) / 2.0).max(0.0),
            centred.min(height - foot - clear_to * zoom).max(top - lo[1] * zoom),
        ],
    }
}

/// Whether `bounds` are all on a canvas `size` CSS pixels in `view`, and
/// what lies above `clear_to` above its `foot` band.
pub fn in_view(
    bounds: ([f64; 2], [f64; 2]),
    clear_to: f64,
    view: View,
    size: [f64; 2],
    foot: f64,
) -> bool {
    let (a, b) = (view.screen(bounds.0), view.screen(bounds.1));
    let clear = clear_to * view.zoom + view.pan[1];
    let foot = foot.clamp(0.0, size[1] / 2.0);
    a[0] >= -1.0
        && a[1] >= -1.0
        && b[0] <= size[0] + 1.0
        && b[1] <= size[1] + 1.0
        && clear <= size[1] - foot + 1.0
}

/// CSS pixels of a canvas's foot that an element laid over it (within its
/// width) covers: from the element's top (less a margin) to the canvas's
/// bottom, when their rows overlap (each as `[top, bottom]`); nothing for
/// an empty element.
pub fn covered_foot(canvas: [f64; 2], over: [f64; 2]) -> f64 {
    const MARGIN: f64 = 6.0;
    let ([ct, cb], [ot, ob]) = (canvas, over);
    if ob <= ot || ob <= ct || ot >= cb {
        return 0.0;
    }
    (cb - ot + MARGIN).clamp(0.0, cb - ct)
}

/// The zoom tools (+, −, Fit) at the canvas's top right: the width and the
/// height of the screen pixels they cover there, a lane's name kept clear.
pub const ZOOM_TOOLS_W: f64 = 130.0;
pub const ZOOM_TOOLS_H: f64 = 38.0;

/// Where a lane's name goes, in screen pixels: whether the full name
/// (`full_w` wide, else the short one, `short_w`) and at which `y`, on a
/// canvas `css_w` wide at `zoom`, the name wanted at `y`. Zoomed out or
/// narrow, the short name, which reaches past fewer boxes and fits a
/// phone; on the zoom tools' row a name keeps left of them, and when even
/// the short one cannot, it goes under them.
pub fn lane_name_place(full_w: f64, short_w: f64, y: f64, css_w: f64, zoom: f64) -> (bool, f64) {
    let beside_tools = y < ZOOM_TOOLS_H;
    let room = if beside_tools { css_w - ZOOM_TOOLS_W } else { css_w };
    let full = zoom >= 0.6 && full_w + 24.0 <= room;
    let width = if full { full_w } else { short_w };
    (full, if beside_tools && width + 24.0 > room { ZOOM_TOOLS_H } else { y })
}

#[cfg(test)]
mod tests {
    #[test]
    fn places_of_items_gone_are_kept_to_a_bound() {
        let outline = outline_of(CHAIN);
        let drawn = layout(&outline, &HashMap::new());
        let mut remembered = HashMap::from([("removed".to_owned(), [1.0, 2.0])]);
        remember(&mut remembered, &drawn, &outline);
        let drawn_ids = drawn.items.len();
        assert_eq!(remembered.len(), drawn_ids + 1, "a removed component's place, for an undo");
        for k in 0..=SPARE_PLACES {
            remembered.insert(format!("renamed{k}"), [0.0, 0.0]);
        }
        remember(&mut remembered, &drawn, &outline);
        assert_eq!(remembered.len(), drawn_ids, "past the bound, only what is drawn");
        assert!(drawn.items.iter().all(|it| remembered.get(&it.id) == Some(&it.pos)));
    }

    #[test]
    fn an_undone_move_goes_back_to_where_the_canvas_drew_it() {
        let outline = outline_of(CHAIN);
        let mut remembered = HashMap::new();
        let drawn = layout(&outline, &remembered);
        remember(&mut remembered, &drawn, &outline);
        let at = |l: &Layout| l.items.iter().find(|it| it.item == ItemRef::Node(0)).unwrap().pos;
        let before = at(&drawn);
        // The drop saves a place in the file (a `Move`)...
        let mut moved = outline.clone();
        let dropped = [before[0] + 200.0, before[1]];
        moved.nodes[0].position = Some(dropped);
        let drawn = layout(&moved, &remembered);
        remember(&mut remembered, &drawn, &moved);
        assert_eq!(at(&drawn), dropped);
        // ...and the undo takes it out: back where it was drawn.
        assert_eq!(at(&layout(&outline, &remembered)), before);
    }

    use super::*;
    use scalesim_engine::outline::of_text as outline;

    const CHAIN: &str = r#"
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
  to = "payments"
  [[node.call]]
  to = "email"
  mode = "async"
[[node]]
id = "payments"
kind = "service"
service_time = { dist = "exp", mean = "1ms" }
[[node]]
id = "email"
kind = "service"
service_time = { dist = "exp", mean = "1ms" }
  [[node.call]]
  to = "smtp"
[[node]]
id = "smtp"
kind = "external"
latency = { dist = "exp", mean = "1ms" }
[[node]]
id = "spare"
kind = "service"
service_time = { dist = "exp", mean = "1ms" }
"#;

    fn outline_of(text: &str) -> Outline {
        outline(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn lanes_follow_the_calls_in() {
        let o = outline_of(CHAIN);
        // api and payments are waited for; email and what it calls are not;
        // an unconnected component sits on the request path until wired.
        assert_eq!(lanes(&o), vec![Lane::Sync, Lane::Sync, Lane::Async, Lane::Async, Lane::Sync]);
        let l = layout(&o, &HashMap::new());
        for it in &l.items {
            assert_eq!(Lane::at(it.pos[1], l.lane_height), it.lane, "{} outside its lane", it.id);
        }
        assert_eq!(l.edges.len(), 4);
        assert!(l.edges.iter().any(|e| e.mode == Mode::Async));
    }

    #[test]
    fn positions_stay_put_and_lane_moves_keep_the_row() {
        let o = outline_of(CHAIN);
        let first = layout(&o, &HashMap::new());
        let remembered: HashMap<String, [f64; 2]> =
            first.items.iter().map(|it| (it.id.clone(), it.pos)).collect();
        // A new component does not move the others.
        let grown = CHAIN.to_owned()
            + "[[node]]\nid = \"new\"\nkind = \"service\"\nservice_time = { dist = \"exp\", mean = \"1ms\" }\n";
        let second = layout(&outline_of(&grown), &remembered);
        let new = second.placed("new").map(|x| x.pos).unwrap_or_default();
        for it in &first.items {
            assert!(apart(it.pos, new), "the new component covers {}", it.id);
        }
        for it in &first.items {
            let again = second.placed(&it.id).map(|x| x.pos);
            assert_eq!(again, Some(it.pos), "{} moved", it.id);
        }
        // A new component that api calls goes right of api, on no one.
        let called = grown.replacen(
            "  [[node.call]]\n  to = \"payments\"",
            "  [[node.call]]\n  to = \"new\"\n  [[node.call]]\n  to = \"payments\"",
            1,
        );
        assert_ne!(called, grown);
        let beside = layout(&outline_of(&called), &remembered);
        let pos = |l: &Layout, id: &str| l.placed(id).map(|x| x.pos);
        let (Some(api), Some(new)) = (pos(&beside, "api"), pos(&beside, "new")) else {
            panic!("api and new")
        };
        assert!(new[0] > api[0], "the new component is right of its caller");
        for it in beside.items.iter().filter(|it| it.id != "new") {
            assert!(apart(it.pos, new), "the new component covers {}", it.id);
        }
        // payments made async: it drops into the background, same column.
        let async_text =
            CHAIN.replacen("to = \"payments\"", "to = \"payments\"\n  mode = \"async\"", 1);
        let third = layout(&outline_of(&async_text), &remembered);
        let before = first.placed("payments").map(|x| x.pos);
        let after = third.placed("payments").map(|x| (x.lane, x.pos));
        let (Some(before), Some((lane, after))) = (before, after) else { panic!("payments") };
        assert_eq!(lane, Lane::Async);
        assert_eq!(before[0], after[0]);
        assert!((after[1] - before[1] - third.lane_height).abs() < 1e-9);
    }

    #[test]
    fn a_component_moved_back_across_the_lanes_lands_on_no_one() {
        // payments was dropped in the background right under `spare`'s
        // place, then its call made sync again (an undo): moved up by a
        // lane it would cover spare.
        let o = outline_of(CHAIN);
        let first = layout(&o, &HashMap::new());
        let mut remembered: HashMap<String, [f64; 2]> =
            first.items.iter().map(|it| (it.id.clone(), it.pos)).collect();
        let spare = first.placed("spare").map(|it| it.pos).unwrap_or_default();
        remembered.insert("payments".into(), [spare[0], spare[1] + first.lane_height]);
        let back = layout(&o, &remembered);
        for (k, a) in back.items.iter().enumerate() {
            for b in &back.items[k + 1..] {
                assert!(apart(a.pos, b.pos), "{} covers {}", a.id, b.id);
            }
        }
        let payments = back.placed("payments").map(|it| (it.lane, it.pos));
        let Some((lane, pos)) = payments else { panic!("payments") };
        assert_eq!(lane, Lane::Sync);
        assert_eq!(pos[0], spare[0], "beside spare, in its column");
        assert_eq!(back.placed("spare").map(|it| it.pos), Some(spare), "spare stays put");
    }

    #[test]
    fn traffic_splits_by_call_weight() {
        use scalesim_engine::{Scenario, SimDuration, SimTime, Simulation};
        let o = outline_of(CHAIN);
        let l = layout(&o, &HashMap::new());
        let scenario = Scenario::from_toml("t", CHAIN).unwrap_or_else(|e| panic!("{e}"));
        let mut sim = Simulation::new(scenario).unwrap_or_else(|e| panic!("{e}"));
        let windows = sim.advance_until(SimTime::ZERO + SimDuration::from_secs(20));
        let t = edge_traffic(&l, &o, &windows[19]);
        assert_eq!(t.len(), l.edges.len());
        // users → api at 10/s; api → payments and api → email each 10/s.
        for (edge, traffic) in l.edges.iter().zip(&t) {
            if matches!(edge.what, EdgeRef::Load(_) | EdgeRef::Call { node: 0, .. }) {
                assert!((traffic.rate - 10.0).abs() < 6.0, "{edge:?}: {traffic:?}");
            }
        }
        assert_eq!(l.selection_of_edge(1), Some(Selection::Call { node: "api".into(), call: 0 }));
    }

    /// Pairs of edges between the same two columns that cross.
    fn crossings(l: &Layout) -> usize {
        let segs: Vec<([f64; 2], [f64; 2])> =
            l.edges.iter().map(|e| (l.items[e.from].pos, l.items[e.to].pos)).collect();
        let mut n = 0;
        for (i, a) in segs.iter().enumerate() {
            for b in &segs[i + 1..] {
                let same_columns = (a.0[0] - b.0[0]).abs() < 1.0 && (a.1[0] - b.1[0]).abs() < 1.0;
                if same_columns && (a.0[1] - b.0[1]) * (a.1[1] - b.1[1]) < 0.0 {
                    n += 1;
                }
            }
        }
        n
    }

    #[test]
    fn columns_follow_their_callers_so_edges_do_not_cross() {
        // b calls x and a calls y, but the file lists x first: in file
        // order the two edges would cross.
        let text = r#"
[scenario]
name = "t"
[[load]]
id = "u"
target = "gw"
rate = 1
[[node]]
id = "gw"
kind = "service"
service_time = { dist = "exp", mean = "1ms" }
  [[node.call]]
  to = "a"
  [[node.call]]
  to = "b"
[[node]]
id = "x"
kind = "service"
service_time = { dist = "exp", mean = "1ms" }
[[node]]
id = "y"
kind = "service"
service_time = { dist = "exp", mean = "1ms" }
[[node]]
id = "a"
kind = "service"
service_time = { dist = "exp", mean = "1ms" }
  [[node.call]]
  to = "y"
[[node]]
id = "b"
kind = "service"
service_time = { dist = "exp", mean = "1ms" }
  [[node.call]]
  to = "x"
"#;
        let l = layout(&outline_of(text), &HashMap::new());
        let y = |id: &str| l.placed(id).map_or(0.0, |it| it.pos[1]);
        assert!(
            y("a") < y("b") && y("y") < y("x"),
            "a {} b {} y {} x {}",
            y("a"),
            y("b"),
            y("y"),
            y("x")
        );
        assert_eq!(crossings(&l), 0);
    }

    #[test]
    fn moving_a_component_between_lanes_keeps_the_boundary_still() {
        let before = layout(&outline_of(CHAIN), &HashMap::new());
        let text = CHAIN.replacen(
            "  [[node.call]]\n  to = \"payments\"",
            "  [[node.call]]\n  to = \"payments\"\n  mode = \"async\"",
            1,
        );
        let after = layout(&outline_of(&text), &HashMap::new());
        let lane = |l: &Layout, id: &str| l.placed(id).map(|it| it.lane);
        assert_ne!(lane(&before, "payments"), lane(&after, "payments"), "the call went async");
        assert_eq!(before.lane_height, after.lane_height);
    }

    #[test]
    fn a_hundred_components_do_not_overlap() {
        let mut text = CHAIN.to_owned();
        for i in 0..100 {
            text += &format!(
                "[[node]]\nid = \"n{i}\"\nkind = \"service\"\nservice_time = {{ dist = \"exp\", mean = \"1ms\" }}\n"
            );
        }
        let l = layout(&outline_of(&text), &HashMap::new());
        let (lo, hi) = l.bounds();
        let aspect = (hi[0] - lo[0]) / (hi[1] - lo[1]);
        assert!(aspect < 4.0, "a hundred components laid out {aspect:.1} times wider than high");
        for it in &l.items {
            let inside = (0..2).all(|k| it.pos[k] > lo[k] && it.pos[k] < hi[k]);
            assert!(inside, "{} outside the fitted view", it.id);
        }
        for (i, a) in l.items.iter().enumerate() {
            for b in &l.items[i + 1..] {
                assert!(apart(a.pos, b.pos), "{} and {} overlap", a.id, b.id);
            }
        }
    }

    #[test]
    fn hit_tests_find_boxes_ports_and_edges() {
        let l = layout(&outline_of(CHAIN), &HashMap::new());
        let api = l.node_item(0).unwrap_or_default();
        let p = l.items[api].pos;
        assert_eq!(l.item_at(p), Some(api));
        assert_eq!(l.item_at([p[0], p[1] - NODE_H]), None);
        assert_eq!(l.port_at(l.port(api)), Some(api));
        let (a, b) = l.segment(&l.edges[0]);
        let mid = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0 + 2.0];
        assert_eq!(l.edge_at(mid, 6.0), Some(0));
    }

    #[test]
    fn a_lane_name_keeps_clear_of_the_zoom_tools() {
        // The request path's name (370 px, short 140) on the tools' row.
        assert_eq!(lane_name_place(370.0, 140.0, 6.0, 920.0, 1.0), (true, 6.0));
        // 460 px wide: the full name would run under the tools.
        assert_eq!(lane_name_place(370.0, 140.0, 6.0, 460.0, 1.0), (false, 6.0));
        // Too narrow for even the short name beside them: under them.
        assert_eq!(lane_name_place(370.0, 140.0, 6.0, 280.0, 1.0), (false, ZOOM_TOOLS_H));
        // Below the tools' row, the canvas's whole width.
        assert_eq!(lane_name_place(370.0, 140.0, 120.0, 460.0, 1.0), (true, 120.0));
        assert_eq!(lane_name_place(370.0, 140.0, 120.0, 460.0, 0.5), (false, 120.0));
    }

    #[test]
    fn fit_keeps_the_diagram_above_what_covers_the_canvas_foot() {
        // The sync-chain-async picture at 1280×720: the canvas 923×343,
        // the Finished notice over its lowest 43 px.
        let l = layout(&outline_of(CHAIN), &HashMap::new());
        let (bounds, clear, size) = (l.bounds(), l.clear_to(), [923.0, 343.0]);
        assert_eq!(clear, bounds.1[1], "components in the background: all of it kept clear");
        let bottom = |v: View| bounds.1[1] * v.zoom + v.pan[1];
        let bare = fit_view(bounds, clear, size, 26.0, 0.0);
        assert!(in_view(bounds, clear, bare, size, 0.0));
        assert!(bottom(bare) > 300.0, "without a notice the diagram takes the height");
        assert!(!in_view(bounds, clear, bare, size, 43.0), "a notice would cover its foot");
        let fitted = fit_view(bounds, clear, size, 26.0, 43.0);
        assert!(in_view(bounds, clear, fitted, size, 43.0));
        assert!(bottom(fitted) <= 300.0 + 1e-9, "{}", bottom(fitted));
        assert!(bounds.0[1] * fitted.zoom + fitted.pan[1] >= 26.0 - 1e-9, "below the lane's name");
        // A notice taller than half the canvas takes at most half of it.
        assert_eq!(
            fit_view(bounds, clear, size, 26.0, 300.0),
            fit_view(bounds, clear, size, 26.0, 171.5)
        );
    }

    #[test]
    fn an_empty_background_band_may_lie_under_a_notice() {
        // A request path alone: the band below the boundary only takes
        // drops, so a notice over it costs the diagram no size.
        let text = CHAIN.replace("  mode = \"async\"\n", "");
        let l = layout(&outline_of(&text), &HashMap::new());
        assert!(l.items.iter().all(|it| it.lane == Lane::Sync));
        let (bounds, clear, size) = (l.bounds(), l.clear_to(), [923.0, 343.0]);
        assert!(clear < bounds.1[1]);
        let bare = fit_view(bounds, clear, size, 26.0, 0.0);
        let fitted = fit_view(bounds, clear, size, 26.0, 43.0);
        assert_eq!(fitted.zoom, bare.zoom);
        assert!(in_view(bounds, clear, fitted, size, 43.0));
        let boundary = l.lane_height * fitted.zoom + fitted.pan[1];
        assert!(boundary < 300.0, "the lane boundary above the notice: {boundary}");
    }

    #[test]
    fn what_covers_the_foot_is_measured_where_it_overlaps_the_canvas() {
        let canvas = [143.0, 486.0];
        // The Finished notice, 35 px high, 8 px above the canvas's bottom.
        assert_eq!(covered_foot(canvas, [443.0, 478.0]), 49.0);
        // Empty (no notice), or below the canvas: nothing.
        assert_eq!(covered_foot(canvas, [478.0, 478.0]), 0.0);
        assert_eq!(covered_foot(canvas, [500.0, 530.0]), 0.0);
        // Over the whole canvas: all of it, no more.
        assert_eq!(covered_foot(canvas, [100.0, 500.0]), 343.0);
    }
}
