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

/// Fades each hidden side's edge into the page's colour (`page_rgb`,
/// "r,g,b"): the diagram visibly runs on under it.
pub fn draw_fades(ctx: &CanvasRenderingContext2d, hidden: Sides, room: Room, page_rgb: &str) {
    let [w, h] = room.size;
    for side in hidden.list() {
        // The band, and the gradient's line from inside to the edge.
        let (rect, from, to) = match side {
            Side::Left => ([0.0, 0.0, FADE, h], [FADE, 0.0], [0.0, 0.0]),
            Side::Right => ([w - FADE, 0.0, FADE, h], [w - FADE, 0.0], [w, 0.0]),
            Side::Up => ([0.0, 0.0, w, FADE], [0.0, FADE], [0.0, 0.0]),
            Side::Down => {
                let b = room.bottom();
                ([0.0, b - FADE, w, FADE], [0.0, b - FADE], [0.0, b])
            }
        };
        let gradient = ctx.create_linear_gradient(from[0], from[1], to[0], to[1]);
        let _ = gradient.add_color_stop(0.0, &format!("rgba({page_rgb},0)"));
        let _ = gradient.add_color_stop(1.0, &format!("rgba({page_rgb},0.9)"));
        ctx.set_fill_style_canvas_gradient(&gradient);
        ctx.fill_rect(rect[0], rect[1], rect[2], rect[3]);
    }
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
    let (d, s) = (4.0, 6.0);
    let [tip, a, b] = match side {
        Side::Left => [[-d, 0.0], [d, -s], [d, s]],
        Side::Right => [[d, 0.0], [-d, -s], [-d, s]],
        Side::Up => [[0.0, -d], [-s, d], [s, d]],
        Side::Down => [[0.0, d], [-s, -d], [s, -d]],
    };
    ctx.move_to(c[0] + a[0], c[1] + a[1]);
    ctx.line_to(c[0] + tip[0], c[1] + tip[1]);
    ctx.line_to(c[0] + b[0], c[1] + b[1]);
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
