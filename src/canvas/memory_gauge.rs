//! A replica's memory on the canvas: one thin bar a replica along the right
//! edge of its component, filled to its share of the memory limit (calm
//! below `gc_from`, amber past it where garbage collection slows service,
//! an empty red outline while the replica restarts after running out of
//! memory), and a red ring that fades over [`FLASH_MS`] when a replica is
//! killed, so a restart is seen as it happens.
//!
//! The geometry and the flash's timing are pure and tested natively;
//! `draw` (wasm32 only) paints them.

use std::collections::HashMap;

use scalesim_engine::sim::MemoryState;

/// How long the ring of a restart stays visible, in milliseconds.
pub const FLASH_MS: f64 = 1500.0;
/// Bars drawn at most; more replicas are grouped, each bar the fullest of
/// its group.
pub const MAX_BARS: usize = 8;
const BAR_W: f64 = 4.0;
const BAR_GAP: f64 = 2.0;

/// What a bar shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Band {
    /// Below `gc_from` of the limit.
    Calm,
    /// Past `gc_from`: service slowed by garbage collection.
    Slowed,
    /// Killed, restarting: holds nothing.
    Restarting,
}

/// One replica's (or group's) gauge: its box and how full it is (0–1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub fill: f64,
    pub band: Band,
}

/// The bars of a node whose box's right edge is at `right`, between `top`
/// and `top + height`, rightmost replica last.
pub fn bars(state: &MemoryState, right: f64, top: f64, height: f64) -> Vec<Bar> {
    let n = state.used_mb.len().min(state.restarting.len());
    if n == 0 || state.limit_mb <= 0.0 {
        return Vec::new();
    }
    let groups = n.min(MAX_BARS);
    let left = right - groups as f64 * (BAR_W + BAR_GAP);
    (0..groups)
        .map(|g| {
            let members = (g * n / groups)..((g + 1) * n / groups);
            let used = members.clone().map(|r| state.used_mb[r]).fold(0.0, f64::max);
            let restarting = members.clone().all(|r| state.restarting[r]);
            let band = if restarting {
                Band::Restarting
            } else if used > state.gc_mb {
                Band::Slowed
            } else {
                Band::Calm
            };
            Bar {
                x: left + g as f64 * (BAR_W + BAR_GAP),
                y: top,
                w: BAR_W,
                h: height,
                fill: (used / state.limit_mb).clamp(0.0, 1.0),
                band,
            }
        })
        .collect()
}

/// The words beside a node with restarting replicas, if any.
pub fn label(state: &MemoryState) -> Option<String> {
    let down = state.restarting.iter().filter(|r| **r).count();
    (down > 0).then(|| format!("{down} restarting · out of memory"))
}

/// When each node last had a replica killed, to draw the ring that fades.
#[derive(Clone, Debug, Default)]
pub struct Flashes {
    /// Node → (restarts seen, when the count last rose).
    seen: HashMap<usize, (u64, Option<f64>)>,
}

impl Flashes {
    /// Takes a node's restart count at `now_ms`: a count that rose since
    /// the last look starts its ring (the first look only remembers).
    pub fn observe(&mut self, node: usize, restarts: u64, now_ms: f64) {
        match self.seen.get_mut(&node) {
            Some((count, at)) => {
                if restarts > *count {
                    *at = Some(now_ms);
                }
                *count = restarts;
            }
            None => {
                self.seen.insert(node, (restarts, None));
            }
        }
    }

    /// How strongly the node's ring shows at `now_ms`: 1 when the restart
    /// was seen, fading to nothing over [`FLASH_MS`].
    pub fn strength(&self, node: usize, now_ms: f64) -> Option<f64> {
        let at = self.seen.get(&node)?.1?;
        let age = now_ms - at;
        (0.0..FLASH_MS).contains(&age).then(|| 1.0 - age / FLASH_MS)
    }

    /// Forgets every node (a new scenario).
    pub fn clear(&mut self) {
        self.seen.clear();
    }
}

/// Paints `gauges` (each a node's state and its box's top-left corner and
/// size) and the rings of recent restarts.
#[cfg(target_arch = "wasm32")]
pub fn draw(
    ctx: &web_sys::CanvasRenderingContext2d,
    gauges: &[(usize, &MemoryState, [f64; 4])],
    flashes: &Flashes,
    now_ms: f64,
) {
    for (node, state, [x, y, w, h]) in gauges {
        for bar in bars(state, x + w - 4.0, y + 6.0, h - 12.0) {
            ctx.set_fill_style_str("rgba(91,100,114,0.18)");
            ctx.fill_rect(bar.x, bar.y, bar.w, bar.h);
            match bar.band {
                Band::Restarting => {
                    ctx.set_stroke_style_str("#d6322e");
                    ctx.set_line_width(1.0);
                    ctx.stroke_rect(bar.x, bar.y, bar.w, bar.h);
                }
                band => {
                    let colour = if band == Band::Slowed { "#c2710c" } else { "#2f855a" };
                    let filled = bar.h * bar.fill;
                    ctx.set_fill_style_str(colour);
                    ctx.fill_rect(bar.x, bar.y + bar.h - filled, bar.w, filled);
                }
            }
        }
        if let Some(text) = label(state) {
            ctx.set_font("600 10px system-ui, sans-serif");
            ctx.set_text_align("center");
            ctx.set_text_baseline("bottom");
            ctx.set_fill_style_str("#b91c1c");
            // Clear of the ring a restart draws around the box.
            let _ = ctx.fill_text(&text, x + w / 2.0, y - 16.0);
        }
        if let Some(strength) = flashes.strength(*node, now_ms) {
            ctx.set_stroke_style_str(&format!("rgba(214,50,46,{:.2})", strength));
            ctx.set_line_width(3.0 + 5.0 * strength);
            let grow = 4.0 + 10.0 * (1.0 - strength);
            ctx.begin_path();
            let _ = ctx.round_rect_with_f64(
                x - grow,
                y - grow,
                w + 2.0 * grow,
                h + 2.0 * grow,
                8.0 + grow,
            );
            ctx.stroke();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(used: &[f64], restarting: &[bool]) -> MemoryState {
        MemoryState {
            limit_mb: 1000.0,
            gc_mb: 700.0,
            used_mb: used.to_vec(),
            restarting: restarting.to_vec(),
            restarts: 0,
        }
    }

    #[test]
    fn each_replica_is_a_bar_filled_to_its_share_of_the_limit() {
        let s = state(&[350.0, 800.0, 0.0], &[false, false, true]);
        let b = bars(&s, 100.0, 10.0, 40.0);
        assert_eq!(b.len(), 3);
        assert_eq!(
            b.iter().map(|b| b.band).collect::<Vec<_>>(),
            [Band::Calm, Band::Slowed, Band::Restarting]
        );
        assert_eq!((b[0].fill, b[1].fill, b[2].fill), (0.35, 0.8, 0.0));
        // Right to left from the edge, none past it.
        assert!(b.windows(2).all(|p| p[0].x < p[1].x));
        assert!(b[2].x + b[2].w <= 100.0);
        assert_eq!(label(&s).as_deref(), Some("1 restarting · out of memory"));
        assert_eq!(label(&state(&[1.0], &[false])), None);
    }

    #[test]
    fn many_replicas_are_grouped_by_their_fullest() {
        let used: Vec<f64> = (0..20).map(|i| i as f64 * 10.0).collect();
        let b = bars(&state(&used, &[false; 20]), 100.0, 0.0, 40.0);
        assert_eq!(b.len(), MAX_BARS);
        assert_eq!(b.last().unwrap().fill, 0.19);
        assert!(bars(&state(&[], &[]), 100.0, 0.0, 40.0).is_empty());
    }

    #[test]
    fn a_restart_rings_for_a_moment_then_fades() {
        let mut f = Flashes::default();
        f.observe(2, 3, 0.0);
        assert_eq!(f.strength(2, 0.0), None, "the first look only remembers");
        f.observe(2, 3, 500.0);
        assert_eq!(f.strength(2, 500.0), None);
        f.observe(2, 4, 1000.0);
        assert_eq!(f.strength(2, 1000.0), Some(1.0));
        assert!((f.strength(2, 1000.0 + FLASH_MS / 2.0).unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(f.strength(2, 1000.0 + FLASH_MS), None);
        f.clear();
        assert_eq!(f.strength(2, 1000.0), None);
    }
}
