//! A picked request's path on the topology: which boxes and edges of the
//! layout it went through ([`lit_in`], pure, tested natively), and the
//! halo and the bright stroke the canvas draws under them (`draw`, in the
//! browser).

use crate::canvas::topology_layout::Layout;
use crate::waterfall::LitPath;

/// The layout's items and edges on a request's path.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lit {
    /// Indices into `Layout::items`.
    pub items: Vec<usize>,
    /// Indices into `Layout::edges`.
    pub edges: Vec<usize>,
}

/// Where `path` runs in `layout` (items by id; an edge when its two ends
/// are a call the request made).
pub fn lit_in(layout: &Layout, path: &LitPath) -> Lit {
    if path.is_empty() {
        return Lit::default();
    }
    let items = (0..layout.items.len())
        .filter(|&i| {
            let id = &layout.items[i].id;
            path.nodes.contains(id) || path.load.as_ref() == Some(id)
        })
        .collect();
    let edges = (0..layout.edges.len())
        .filter(|&e| {
            let edge = &layout.edges[e];
            let (from, to) = (&layout.items[edge.from].id, &layout.items[edge.to].id);
            path.calls.iter().any(|(a, b)| a == from && b == to)
        })
        .collect();
    Lit { items, edges }
}

/// The path's colour.
#[cfg(target_arch = "wasm32")]
const LIT: &str = "rgba(232, 89, 12, 0.9)";

/// Draws the path under the boxes: a thick stroke along its edges and a
/// halo around its boxes (world coordinates, as the canvas's transform is).
#[cfg(target_arch = "wasm32")]
pub fn draw(ctx: &web_sys::CanvasRenderingContext2d, layout: &Layout, path: &LitPath) {
    use crate::canvas::topology_layout::{NODE_H, NODE_W};
    let lit = lit_in(layout, path);
    if lit.items.is_empty() {
        return;
    }
    ctx.set_stroke_style_str(LIT);
    ctx.set_line_width(7.0);
    ctx.begin_path();
    for &e in &lit.edges {
        let (a, b) = layout.segment(&layout.edges[e]);
        ctx.move_to(a[0], a[1]);
        ctx.line_to(b[0], b[1]);
    }
    ctx.stroke();
    ctx.set_line_width(5.0);
    ctx.begin_path();
    for &i in &lit.items {
        let p = layout.items[i].pos;
        let (x, y) = (p[0] - NODE_W / 2.0 - 6.0, p[1] - NODE_H / 2.0 - 6.0);
        let _ = ctx.round_rect_with_f64(x, y, NODE_W + 12.0, NODE_H + 12.0, 12.0);
    }
    ctx.stroke();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canvas::topology_layout::layout;
    use std::collections::HashMap;

    #[test]
    fn the_path_lights_its_boxes_and_calls_only() {
        let outline =
            scalesim_engine::outline::of_text(include_str!("../../scenarios/sync-chain.toml"))
                .unwrap();
        let l = layout(&outline, &HashMap::new());
        let path = LitPath {
            load: Some(outline.loads[0].id.clone()),
            nodes: vec!["api".into(), "recommendations".into()],
            calls: vec![
                (outline.loads[0].id.clone(), "api".into()),
                ("api".into(), "recommendations".into()),
            ],
        };
        let lit = lit_in(&l, &path);
        let ids: Vec<&str> = lit.items.iter().map(|&i| l.items[i].id.as_str()).collect();
        assert_eq!(ids.len(), 3, "{ids:?}");
        assert!(ids.contains(&"recommendations") && !ids.contains(&"payments"));
        let edges: Vec<(&str, &str)> = lit
            .edges
            .iter()
            .map(|&e| (l.items[l.edges[e].from].id.as_str(), l.items[l.edges[e].to].id.as_str()))
            .collect();
        assert_eq!(edges.len(), 2, "{edges:?}");
        assert!(edges.contains(&("api", "recommendations")));
        assert_eq!(lit_in(&l, &LitPath::default()), Lit::default());
    }
}
