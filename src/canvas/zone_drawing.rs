//! Drawing what `zones` computes: zones as tinted regions behind the
//! components (their names in the band above their boxes), a label on each
//! call across a link, a red cut with its words on the calls a partition
//! cuts while it lasts (the words in a band at the canvas's top right),
//! and on a replicated database its followers (cards
//! stacked behind its box) and the stale-read badge of the last window.
//! Called by `topology_canvas`'s `draw` in world coordinates.

use scalesim_engine::outline::Outline;
use web_sys::CanvasRenderingContext2d;

use crate::canvas::topology_layout::{ItemRef, Layout, NODE_H, NODE_W};
use crate::canvas::zones::{self, Region};

/// Each zone's hue (r, g, b), in the order zones are first named.
const HUES: [(u8, u8, u8); 5] =
    [(47, 111, 222), (14, 147, 132), (194, 113, 12), (138, 79, 211), (91, 100, 114)];

fn hue(i: usize, alpha: f64) -> String {
    let (r, g, b) = HUES[i % HUES.len()];
    format!("rgba({r},{g},{b},{alpha})")
}

/// The zones' regions, under everything else but the lanes.
pub fn draw_regions(ctx: &CanvasRenderingContext2d, regions: &[Region], zoom: f64) {
    for (i, r) in regions.iter().enumerate() {
        let (w, h) = (r.hi[0] - r.lo[0], r.hi[1] - r.lo[1]);
        ctx.set_fill_style_str(&hue(i, 0.07));
        ctx.set_stroke_style_str(&hue(i, 0.55));
        ctx.set_line_width(1.5 / zoom.max(0.3));
        ctx.begin_path();
        let _ = ctx.round_rect_with_f64(r.lo[0], r.lo[1], w, h, 12.0);
        ctx.fill();
        ctx.stroke();
    }
    ctx.set_text_align("left");
    ctx.set_text_baseline("top");
    // Legible zoomed out, yet never taller than the band above the boxes.
    ctx.set_font(&format!("700 {:.2}px system-ui, sans-serif", 12f64.max(9.0 / zoom).min(16.0)));
    for (i, r) in regions.iter().enumerate() {
        let at = r.label_at();
        ctx.set_fill_style_str(&hue(i, 0.95));
        let _ = ctx.fill_text_with_max_width(
            &format!("zone {}", r.zone),
            at[0],
            at[1],
            (r.hi[0] - r.lo[0] - 16.0).max(20.0),
        );
    }
}

/// Where a call's label goes: beside its midpoint, off the line on the
/// upper side (so a cut's cross at the midpoint stays clear of it).
fn label_spot(a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    let mid = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len = dx.hypot(dy).max(1e-9);
    let mut n = [-dy / len, dx / len];
    if n[1] > 0.0 {
        n = [-n[0], -n[1]];
    }
    [mid[0] + 22.0 * n[0], mid[1] + 16.0 * n[1] - 2.0]
}

/// Labels on calls across links, and a red cross on each call a
/// partition in force cuts (its label red too).
pub fn draw_links(
    ctx: &CanvasRenderingContext2d,
    layout: &Layout,
    outline: &Outline,
    labels: &[(usize, String)],
    partitions: &[[String; 2]],
    page: &str,
    zoom: f64,
) {
    let cuts = zones::cut_edges(layout, outline, partitions);
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    // Never under 9 screen pixels, as components' names.
    let size = 11f64.max(9.0 / zoom.max(0.1));
    ctx.set_font(&format!("600 {size:.2}px system-ui, sans-serif"));
    for (edge, text) in labels {
        let Some(e) = layout.edges.get(*edge) else { continue };
        let (a, b) = layout.segment(e);
        let at = label_spot(a, b);
        let cut = cuts.contains(edge);
        let width = ctx.measure_text(text).map_or(80.0, |m| m.width());
        ctx.set_fill_style_str(page);
        ctx.begin_path();
        let h = size + 5.0;
        let _ = ctx.round_rect_with_f64(
            at[0] - width / 2.0 - 5.0,
            at[1] - h / 2.0,
            width + 10.0,
            h,
            h / 2.0,
        );
        ctx.fill();
        ctx.set_fill_style_str(if cut { "#b91c1c" } else { "#4a5260" });
        let _ = ctx.fill_text(text, at[0], at[1]);
    }
    if cuts.is_empty() {
        return;
    }
    ctx.set_stroke_style_str("#d6322e");
    ctx.set_line_width(4.0);
    ctx.begin_path();
    for edge in &cuts {
        let (a, b) = layout.segment(&layout.edges[*edge]);
        let mid = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
        ctx.move_to(mid[0] - 8.0, mid[1] - 8.0);
        ctx.line_to(mid[0] + 8.0, mid[1] + 8.0);
        ctx.move_to(mid[0] + 8.0, mid[1] - 8.0);
        ctx.line_to(mid[0] - 8.0, mid[1] + 8.0);
    }
    ctx.stroke();
}

/// The partitions in force in words, in screen pixels at the canvas's
/// top right under the zoom buttons (drawn last, like the lanes' names:
/// legible at any zoom, never over a box): a red band a pair.
pub fn draw_partition_banner(
    ctx: &CanvasRenderingContext2d,
    partitions: &[[String; 2]],
    css_w: f64,
) {
    ctx.set_font("700 12px system-ui, sans-serif");
    ctx.set_text_align("right");
    ctx.set_text_baseline("middle");
    for (k, pair) in partitions.iter().enumerate() {
        let text = zones::partition_label(pair);
        let width = ctx.measure_text(&text).map_or(140.0, |m| m.width());
        let (right, y) = (css_w - 10.0, 50.0 + 24.0 * k as f64);
        ctx.set_fill_style_str("#fdecec");
        ctx.set_stroke_style_str("#d6322e");
        ctx.set_line_width(1.0);
        ctx.begin_path();
        let _ = ctx.round_rect_with_f64(right - width - 14.0, y - 10.0, width + 14.0, 20.0, 10.0);
        ctx.fill();
        ctx.stroke();
        ctx.set_fill_style_str("#b91c1c");
        let _ = ctx.fill_text(&text, right - 7.0, y);
    }
}

/// A replicated database's followers: up to three cards stacked behind
/// its box. Drawn before the boxes.
pub fn draw_followers(
    ctx: &CanvasRenderingContext2d,
    layout: &Layout,
    outline: &Outline,
    fill: &str,
) {
    for it in &layout.items {
        let ItemRef::Node(n) = it.item else { continue };
        let Some(count) = outline.nodes.get(n).and_then(|n| zones::followers(&n.params)) else {
            continue;
        };
        let (x, y) = (it.pos[0] - NODE_W / 2.0, it.pos[1] - NODE_H / 2.0);
        for k in (1..=count.min(3)).rev() {
            let d = 5.0 * f64::from(k);
            ctx.set_fill_style_str(fill);
            ctx.set_stroke_style_str("rgba(138,79,211,0.6)");
            ctx.set_line_width(1.2);
            ctx.begin_path();
            let _ = ctx.round_rect_with_f64(x + d, y - d, NODE_W, NODE_H, 8.0);
            ctx.fill();
            ctx.stroke();
        }
    }
}

/// The stale-read badges, inside the bottom of each replicated database's
/// box: red once any read was stale.
pub fn draw_badges(
    ctx: &CanvasRenderingContext2d,
    layout: &Layout,
    badges: &[(usize, String, Option<f64>)],
    zoom: f64,
) {
    // Never under 8 screen pixels, and never taller than the room left
    // at the bottom of the box (squeezed to its width if need be).
    ctx.set_font(&format!(
        "600 {:.2}px system-ui, sans-serif",
        10f64.max(8.0 / zoom.max(0.1)).min(12.0)
    ));
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    for (item, text, share) in badges {
        let p = layout.items[*item].pos;
        let at = [p[0] + 2.0, p[1] + 21.0];
        let stale = share.is_some_and(|s| s > 0.0);
        let width = ctx.measure_text(text).map_or(90.0, |m| m.width()).min(NODE_W - 12.0);
        ctx.set_fill_style_str(if stale { "#fdecec" } else { "#eef1f5" });
        ctx.begin_path();
        let _ = ctx.round_rect_with_f64(
            at[0] - width / 2.0 - 5.0,
            at[1] - 6.5,
            width + 10.0,
            13.0,
            6.5,
        );
        ctx.fill();
        ctx.set_fill_style_str(if stale { "#b91c1c" } else { "#4a5260" });
        let _ = ctx.fill_text_with_max_width(text, at[0], at[1], NODE_W - 12.0);
    }
}
