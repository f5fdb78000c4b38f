//! What the canvas draws of the network and replication: each zone as a
//! labelled region behind its components, the label on a call that
//! crosses zones (what the link adds and loses), which calls a partition
//! cuts while it lasts, and a replicated database's followers and its
//! stale-read badge. Pure geometry and text over the [`Layout`], tested
//! natively; `topology_canvas` draws it.

use scalesim_engine::WindowReport;
use scalesim_engine::outline::{Outline, OutlineLink};
use scalesim_engine::scenario::Mode;
use scalesim_engine::time::SimDuration;

use crate::canvas::topology_layout::{EdgeRef, ItemRef, Layout};

/// Room around a zone's boxes, world units: beside them, above them (the
/// zone's name sits there) and below (the queue bar under each box).
const PAD_SIDE: f64 = 14.0;
const PAD_TOP: f64 = 26.0;
const PAD_BOTTOM: f64 = 16.0;

/// A zone as drawn: the box around its components and loads.
#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    pub zone: String,
    /// Corners, world units.
    pub lo: [f64; 2],
    pub hi: [f64; 2],
}

impl Region {
    /// Where the zone's name goes: inside the region's top-left corner,
    /// in the band above its boxes (no box is ever under it).
    pub fn label_at(&self) -> [f64; 2] {
        [self.lo[0] + 8.0, self.lo[1] + 6.0]
    }
}

/// A zone as written on a component's or load's parameters (`zone = "eu"`).
pub fn zone_in(params: &[(String, String)]) -> Option<&str> {
    params.iter().find(|(k, _)| k == "zone").map(|(_, v)| v.as_str()).filter(|z| !z.is_empty())
}

/// Whether anything in the outline is placed in a zone.
pub fn has_zones(outline: &Outline) -> bool {
    outline.nodes.iter().any(|n| zone_in(&n.params).is_some())
        || outline.loads.iter().any(|l| zone_in(&l.params).is_some())
}

/// Every zone the outline names (components, loads, links), in the order
/// first named: the zone picker's choices.
pub fn zone_names(outline: &Outline) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let named = outline
        .loads
        .iter()
        .filter_map(|l| zone_in(&l.params))
        .chain(outline.nodes.iter().filter_map(|n| zone_in(&n.params)))
        .chain(outline.links.iter().flat_map(|l| l.between.iter().map(String::as_str)));
    for z in named {
        if !names.iter().any(|n| n == z) {
            names.push(z.to_owned());
        }
    }
    names
}

/// Each drawn item's zone (`None`: no zone).
pub fn item_zones<'a>(layout: &Layout, outline: &'a Outline) -> Vec<Option<&'a str>> {
    layout
        .items
        .iter()
        .map(|it| match it.item {
            ItemRef::Node(n) => outline.nodes.get(n).and_then(|n| zone_in(&n.params)),
            ItemRef::Load(l) => outline.loads.get(l).and_then(|l| zone_in(&l.params)),
        })
        .collect()
}

/// Each zone's region: the box around its members' boxes with room for
/// its name above and its queue bars below, in the order zones are first
/// named.
pub fn regions(layout: &Layout, outline: &Outline) -> Vec<Region> {
    let zones = item_zones(layout, outline);
    let mut out: Vec<Region> = Vec::new();
    for (it, zone) in layout.items.iter().zip(&zones) {
        let Some(zone) = zone else { continue };
        let (lo, hi) = it.corners();
        let (lo, hi) =
            ([lo[0] - PAD_SIDE, lo[1] - PAD_TOP], [hi[0] + PAD_SIDE, hi[1] + PAD_BOTTOM]);
        match out.iter_mut().find(|r| r.zone == *zone) {
            Some(r) => {
                r.lo = [r.lo[0].min(lo[0]), r.lo[1].min(lo[1])];
                r.hi = [r.hi[0].max(hi[0]), r.hi[1].max(hi[1])];
            }
            None => out.push(Region { zone: (*zone).to_owned(), lo, hi }),
        }
    }
    out
}

/// The link between zones `a` and `b`, either way round.
fn link<'a>(outline: &'a Outline, a: &str, b: &str) -> Option<&'a OutlineLink> {
    outline.links.iter().find(|l| {
        (l.between[0] == a && l.between[1] == b) || (l.between[0] == b && l.between[1] == a)
    })
}

/// The label of a call across a link: what it adds to the call (a sync
/// call pays the one-way latency out and back, an async hand-over once)
/// and the share lost each way, e.g. "+80 ms · 1% lost".
pub fn link_label(one_way_ms: f64, loss: f64, mode: Mode) -> String {
    let added = match mode {
        Mode::Sync => 2.0 * one_way_ms,
        Mode::Async => one_way_ms,
    };
    let mut text = format!("+{}", crate::format::duration_ms(added));
    if loss > 0.0 {
        text.push_str(&format!(" · {} lost", crate::format::share(loss)));
    }
    text
}

/// A call's own one-way latency as written (`latency = { dist = "const",
/// value = "5ms" }`, an exponential's mean or a log-normal's median), in
/// milliseconds; `None` when it has none or it cannot be read simply.
fn own_latency_ms(params: &[(String, String)]) -> Option<f64> {
    ["latency.value", "latency.mean", "latency.p50"].iter().find_map(|key| {
        let (_, v) = params.iter().find(|(k, _)| k == key)?;
        let d = SimDuration::parse(v).ok()?;
        Some(d.as_nanos() as f64 / 1e6)
    })
}

/// An edge's two zones, when both ends have one and they differ.
fn crossing<'a>(
    layout: &Layout,
    zones: &[Option<&'a str>],
    edge: usize,
) -> Option<(&'a str, &'a str)> {
    let e = layout.edges.get(edge)?;
    match (zones.get(e.from).copied().flatten(), zones.get(e.to).copied().flatten()) {
        (Some(a), Some(b)) if a != b => Some((a, b)),
        _ => None,
    }
}

/// The label on each edge that crosses zones over a link: `(edge, text)`.
/// A call with its own latency shows that instead of the link's.
pub fn link_labels(layout: &Layout, outline: &Outline) -> Vec<(usize, String)> {
    let zones = item_zones(layout, outline);
    (0..layout.edges.len())
        .filter_map(|i| {
            let (a, b) = crossing(layout, &zones, i)?;
            let link = link(outline, a, b);
            let edge = &layout.edges[i];
            let own = match edge.what {
                EdgeRef::Call { node, call } => outline
                    .nodes
                    .get(node)
                    .and_then(|n| n.calls.get(call))
                    .and_then(|c| own_latency_ms(&c.params)),
                _ => None,
            };
            let latency = own.or(link.map(|l| l.latency_ms))?;
            Some((i, link_label(latency, link.map_or(0.0, |l| l.loss), edge.mode)))
        })
        .collect()
}

/// The edges a partition between `partitions`' pairs of zones cuts now:
/// every edge between components (or a load) in the two zones.
pub fn cut_edges(layout: &Layout, outline: &Outline, partitions: &[[String; 2]]) -> Vec<usize> {
    if partitions.is_empty() {
        return Vec::new();
    }
    let zones = item_zones(layout, outline);
    (0..layout.edges.len())
        .filter(|&i| {
            crossing(layout, &zones, i).is_some_and(|(a, b)| {
                partitions.iter().any(|p| (p[0] == a && p[1] == b) || (p[0] == b && p[1] == a))
            })
        })
        .collect()
}

/// The words drawn beside a partition's cut, e.g. "partition eu ⟂ us".
pub fn partition_label(pair: &[String; 2]) -> String {
    format!("partitioned: {} ✕ {}", pair[0], pair[1])
}

/// A replicated database's followers, from its parameters
/// (`replication.followers`).
pub fn followers(params: &[(String, String)]) -> Option<u32> {
    params.iter().find(|(k, _)| k == "replication.followers").and_then(|(_, v)| v.parse().ok())
}

/// The stale-read badge of a replicated database: its share of stale
/// reads over the last window, "–" when it served no reads then.
pub fn stale_badge(share: Option<f64>) -> String {
    match share {
        Some(s) => format!("stale {}", crate::format::share(s)),
        None => "stale –".to_owned(),
    }
}

/// Each replicated database's badge text now: `(item, text, stale share)`.
pub fn badges(
    layout: &Layout,
    outline: &Outline,
    window: Option<&WindowReport>,
) -> Vec<(usize, String, Option<f64>)> {
    layout
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, it)| {
            let ItemRef::Node(n) = it.item else { return None };
            let followers = followers(&outline.nodes.get(n)?.params)?;
            // No reads in the window: no share, whatever the engine filled in.
            let share = window
                .and_then(|w| w.nodes.get(n))
                .and_then(|r| r.reads.filter(|reads| *reads > 0).and(r.stale_read_share));
            let text = format!("{followers} followers · {}", stale_badge(share));
            Some((i, text, share))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canvas::topology_layout::layout;
    use std::collections::HashMap;

    fn outline_of(text: &str) -> Outline {
        scalesim_engine::outline::of_text(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn partition() -> Outline {
        outline_of(include_str!("../../scenarios/partition.toml"))
    }

    fn overlap(a: &Region, b: &Region) -> bool {
        a.lo[0] < b.hi[0] && b.lo[0] < a.hi[0] && a.lo[1] < b.hi[1] && b.lo[1] < a.hi[1]
    }

    #[test]
    fn each_zone_is_a_region_around_its_members_and_regions_do_not_overlap() {
        let o = partition();
        let l = layout(&o, &HashMap::new());
        let r = regions(&l, &o);
        assert_eq!(r.iter().map(|r| r.zone.as_str()).collect::<Vec<_>>(), ["eu", "us"]);
        let zones = item_zones(&l, &o);
        for (it, z) in l.items.iter().zip(&zones) {
            let region = r.iter().find(|r| Some(r.zone.as_str()) == *z).expect("a region");
            let (lo, hi) = it.corners();
            assert!((0..2).all(|k| region.lo[k] < lo[k] && region.hi[k] > hi[k]), "{it:?}");
            // The name's band is above every box of the region.
            assert!(region.label_at()[1] + 14.0 <= lo[1], "{it:?}");
            // No other zone's region reaches this box.
            let b = Region { zone: String::new(), lo, hi };
            for other in r.iter().filter(|o| Some(o.zone.as_str()) != *z) {
                assert!(!overlap(other, &b), "{} covers {}", other.zone, it.id);
            }
        }
        assert!(!overlap(&r[0], &r[1]), "{r:?}");
    }

    #[test]
    fn the_layout_keeps_a_zone_together_in_a_column() {
        // Two zones interleaved in the file (a, b, a): the column holds
        // each zone's components next to each other.
        let o = outline_of(
            r#"
[scenario]
name = "t"
[network]
[[network.link]]
between = ["a", "b"]
latency = { dist = "const", value = "10ms" }
[[load]]
id = "u"
target = "api"
rate = 1
zone = "a"
[[node]]
id = "api"
kind = "service"
zone = "a"
service_time = { dist = "exp", mean = "1ms" }
  [[node.call]]
  to = "x1"
  [[node.call]]
  to = "y1"
  [[node.call]]
  to = "x2"
[[node]]
id = "x1"
kind = "service"
zone = "a"
service_time = { dist = "exp", mean = "1ms" }
[[node]]
id = "y1"
kind = "service"
zone = "b"
service_time = { dist = "exp", mean = "1ms" }
[[node]]
id = "x2"
kind = "service"
zone = "a"
service_time = { dist = "exp", mean = "1ms" }
"#,
        );
        let l = layout(&o, &HashMap::new());
        let y = |id: &str| l.placed(id).map_or(0.0, |it| it.pos[1]);
        let (a, b) = ([y("x1"), y("x2")], y("y1"));
        assert!(a.iter().all(|ya| *ya < b), "a {a:?} b {b:?}");
        // The column's b region is apart from a's (a also holds the
        // load and api, to the left).
        let r = regions(&l, &o);
        assert_eq!(r.len(), 2);
        let bottom_right = |id: &str| l.placed(id).map_or([0.0; 2], |it| it.corners().1);
        assert!(r[1].lo[1] > bottom_right("x2")[1], "{r:?}");
        assert!(r[1].lo[0] > bottom_right("api")[0], "{r:?}");
    }

    #[test]
    fn calls_across_zones_are_labelled_with_what_the_link_adds() {
        assert_eq!(link_label(40.0, 0.01, Mode::Sync), "+80 ms · 1% lost");
        assert_eq!(link_label(40.0, 0.0, Mode::Async), "+40 ms");
        let o = partition();
        let l = layout(&o, &HashMap::new());
        let labels = link_labels(&l, &o);
        // Only api → recommendations crosses (eu → us); the link's mean of a
        // log-normal with p50 40 ms and p99 60 ms is about 41 ms one way.
        assert_eq!(labels.len(), 1, "{labels:?}");
        let e = &l.edges[labels[0].0];
        assert_eq!(
            (l.items[e.from].id.as_str(), l.items[e.to].id.as_str()),
            ("api", "recommendations")
        );
        assert!(labels[0].1.starts_with("+8"), "{labels:?}");
        assert!(!labels[0].1.contains("lost"));
    }

    #[test]
    fn a_call_with_its_own_latency_shows_that() {
        let text = include_str!("../../scenarios/partition.toml").replace(
            "  [[node.call]]\n  to = \"recommendations\"",
            "  [[node.call]]\n  to = \"recommendations\"\n  latency = { dist = \"const\", value = \"5ms\" }",
        );
        let o = outline_of(&text);
        let l = layout(&o, &HashMap::new());
        assert_eq!(link_labels(&l, &o)[0].1, "+10 ms");
    }

    #[test]
    fn a_partition_cuts_the_calls_between_its_zones_and_only_those() {
        let o = partition();
        let l = layout(&o, &HashMap::new());
        assert!(cut_edges(&l, &o, &[]).is_empty());
        let cut = cut_edges(&l, &o, &[["eu".to_owned(), "us".to_owned()]]);
        assert_eq!(cut.len(), 1);
        let e = &l.edges[cut[0]];
        assert_eq!(l.items[e.to].id, "recommendations");
        // Either order; another pair cuts nothing.
        assert_eq!(cut_edges(&l, &o, &[["us".to_owned(), "eu".to_owned()]]), cut);
        assert!(cut_edges(&l, &o, &[["eu".to_owned(), "ap".to_owned()]]).is_empty());
        assert_eq!(partition_label(&["eu".to_owned(), "us".to_owned()]), "partitioned: eu ✕ us");
    }

    #[test]
    fn zones_are_listed_once_in_the_order_named() {
        let o = partition();
        assert!(has_zones(&o));
        assert_eq!(zone_names(&o), ["eu", "us"]);
        let plain = outline_of(include_str!("../../scenarios/read-your-writes.toml"));
        assert!(!has_zones(&plain));
        assert!(zone_names(&plain).is_empty());
    }

    #[test]
    fn replicated_databases_show_followers_and_the_stale_share() {
        let o = outline_of(include_str!("../../scenarios/read-your-writes.toml"));
        let profiles = o.nodes.iter().find(|n| n.id == "profiles").expect("profiles");
        assert_eq!(followers(&profiles.params), Some(2));
        assert_eq!(followers(&o.nodes[0].params), None);
        assert_eq!(stale_badge(Some(0.342)), "stale 34%");
        assert_eq!(stale_badge(None), "stale –");
        // Live: from the last window, "–" before any.
        let l = layout(&o, &HashMap::new());
        let before = badges(&l, &o, None);
        assert_eq!(before.len(), 1);
        assert_eq!(l.items[before[0].0].id, "profiles");
        assert_eq!(before[0].1, "2 followers · stale –");
        let scenario = scalesim_engine::Scenario::from_toml(
            "t.toml",
            include_str!("../../scenarios/read-your-writes.toml"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut sim = scalesim_engine::Simulation::new(scenario).unwrap_or_else(|e| panic!("{e}"));
        let windows = sim.advance_by(SimDuration::from_secs(3));
        let now = badges(&l, &o, windows.last());
        let share = now[0].2.expect("reads in the window");
        assert!(share > 0.0 && share < 0.5, "{share}");
        assert_eq!(now[0].1, format!("2 followers · {}", stale_badge(Some(share))));
    }
}
