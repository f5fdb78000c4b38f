//! That the design goes on past the canvas's edges (on a phone, where
//! "Fit" keeps names readable rather than everything in view): each edge
//! with components past it (`viewport::hidden_sides`) fades the diagram
//! out and carries an arrow that pans toward them (`viewport::arrow_at`),
//! the way a carousel or a map says there is more; while the view is the
//! one Fit gave, a line at the foot says "Drag to see more", since an arrow
//! alone does not say that a finger can pan. Drawn in CSS pixels over the
//! diagram, under the lanes' names (fades) or over them (arrows).

use web_sys::CanvasRenderingContext2d;

use crate::canvas::viewport::{ARROW_R, Room, Side, Sides};

/// CSS pixels of an edge's fade.
const FADE: f64 = 36.0;

/// Strips of an edge's fade, each more opaque toward the edge.
const STRIPS: u8 = 12;

/// Fades each hidden side's edge into the page's colour (`page`): the
/// diagram visibly runs on under it. Drawn as strips of rising opacity
/// (a gradient's bindings cost the bundle more than they show).
pub fn draw_fades(ctx: &CanvasRenderingContext2d, hidden: Sides, room: Room, page: &str) {
    let end = [room.size[0], room.bottom()];
    let step = FADE / f64::from(STRIPS);
    ctx.set_fill_style_str(page);
    for k in 0..STRIPS {
        // Strip `k` from the inside, its depth into the fade.
        let (depth, alpha) = (f64::from(k) * step, 0.9 * f64::from(k + 1) / f64::from(STRIPS));
        ctx.set_global_alpha(alpha);
        for side in hidden.list() {
            let axis = side.axis();
            let (mut at, mut extent) = ([0.0; 2], room.size);
            at[axis] = if side.far() { end[axis] - FADE + depth } else { FADE - depth - step };
            extent[axis] = step;
            ctx.fill_rect(at[0], at[1], extent[0], extent[1]);
        }
    }
    ctx.set_global_alpha(1.0);
}

/// A round button with a chevron at each hidden side's edge.
pub fn draw_arrows(ctx: &CanvasRenderingContext2d, hidden: Sides, room: Room, fill: &str) {
    if !hidden.any() {
        return;
    }
    ctx.set_line_width(1.0);
    ctx.set_stroke_style_str("#5b6472");
    ctx.set_fill_style_str(fill);
    ctx.begin_path();
    for c in hidden.list().filter_map(|side| hidden.arrow(side, room)) {
        ctx.move_to(c[0] + ARROW_R, c[1]);
        let _ = ctx.arc(c[0], c[1], ARROW_R, 0.0, std::f64::consts::TAU);
    }
    ctx.fill();
    ctx.stroke();
    ctx.set_line_width(2.5);
    ctx.set_stroke_style_str("#1b5fd9");
    ctx.begin_path();
    for side in hidden.list() {
        if let Some(c) = hidden.arrow(side, room) {
            chevron(ctx, c, side);
        }
    }
    ctx.stroke();
}

/// A chevron pointing toward `side`, centred at `c`.
fn chevron(ctx: &CanvasRenderingContext2d, c: [f64; 2], side: Side) {
    let (axis, d) = (side.axis(), if side.far() { 4.0 } else { -4.0 });
    // Along the side's axis and across it, from the centre.
    let point = |along: f64, across: f64| {
        let mut p = c;
        p[axis] += along;
        p[1 - axis] += across;
        p
    };
    let [a, tip, b] = [point(-d, -6.0), point(d, 0.0), point(-d, 6.0)];
    ctx.move_to(a[0], a[1]);
    ctx.line_to(tip[0], tip[1]);
    ctx.line_to(b[0], b[1]);
}

/// "Drag to see more" on a pill at the foot's middle.
pub fn draw_drag_hint(ctx: &CanvasRenderingContext2d, room: Room, fill: &str, text: &str) {
    const LABEL: &str = "Drag to see more";
    ctx.set_font("600 12px system-ui, sans-serif");
    let width = ctx.measure_text(LABEL).map_or(110.0, |m| m.width());
    let (x, y) = (room.size[0] / 2.0, room.bottom() - 22.0);
    ctx.set_fill_style_str(fill);
    ctx.set_stroke_style_str("#5b6472");
    ctx.set_line_width(1.0);
    ctx.begin_path();
    let _ = ctx.round_rect_with_f64(x - width / 2.0 - 10.0, y - 11.0, width + 20.0, 22.0, 11.0);
    ctx.fill();
    ctx.stroke();
    ctx.set_fill_style_str(text);
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    let _ = ctx.fill_text(LABEL, x, y);
}
