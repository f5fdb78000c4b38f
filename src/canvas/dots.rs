//! The requests the topology canvas animates: dots drawn from a capped pool,
//! spawned on each edge in proportion to its traffic and coloured by how
//! that traffic ends. Below the pool's rate a dot is a request crossing an
//! edge (a second of simulated traffic spawned over a second), so a quiet
//! system shows single dots; above it the rate is capped, so drawing costs
//! the same at 100 and at 100 000 requests/s. Pure (its own small random
//! stream), tested natively.

/// How a dot's request ended, for its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DotOutcome {
    Ok,
    Degraded,
    Failed,
    Rejected,
}

/// One animated request on an edge.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dot {
    /// Index of its edge in the layout.
    pub edge: usize,
    /// How far along, 0 (caller) to 1 (callee).
    pub t: f64,
    pub outcome: DotOutcome,
}

/// An edge's traffic now: requests per second, and the shares that end
/// ok, degraded, failed (error or timeout) and rejected.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EdgeTraffic {
    pub rate: f64,
    pub mix: [f64; 4],
}

/// World units between neighbouring dots on an edge, at the least: three
/// of their diameters, so each reads as one moving request.
pub const DOT_SPACING: f64 = 22.0;

/// `traffic` as the pool should spawn it: each edge's rate capped at what
/// its length (`lengths`, world units) holds `DOT_SPACING` apart while a
/// dot takes `travel_s` to cross it, so a short edge between busy nodes
/// shows separate dots, not a solid bar.
pub fn within_room(traffic: &[EdgeTraffic], lengths: &[f64], travel_s: f64) -> Vec<EdgeTraffic> {
    traffic
        .iter()
        .zip(lengths)
        .map(|(t, len)| {
            let room = (len / DOT_SPACING).max(1.0) / travel_s.max(1e-3);
            EdgeTraffic { rate: t.rate.min(room), mix: t.mix }
        })
        .collect()
}

/// The pool.
#[derive(Clone, Debug)]
pub struct DotPool {
    dots: Vec<Dot>,
    cap: usize,
    /// Dots spawned a second, all edges together.
    per_second: f64,
    /// Seconds a dot takes along an edge.
    travel_s: f64,
    carry: f64,
    rng: u64,
}

impl DotPool {
    /// A pool of at most `cap` dots, spawning at most `per_second` dots a
    /// second.
    pub fn new(cap: usize, per_second: f64, travel_s: f64) -> DotPool {
        DotPool {
            dots: Vec::with_capacity(cap),
            cap,
            per_second,
            travel_s,
            carry: 0.0,
            rng: 0x9E37_79B9_7F4A_7C15,
        }
    }

    /// The dots alive.
    pub fn dots(&self) -> &[Dot] {
        &self.dots
    }

    /// Forgets every dot (the topology changed).
    pub fn clear(&mut self) {
        self.dots.clear();
    }

    /// Advances `dt` wall seconds: moves the dots, retires those that
    /// arrived, and spawns new ones on `edges` in proportion to their rate.
    pub fn step(&mut self, dt: f64, edges: &[EdgeTraffic]) {
        let dt = dt.clamp(0.0, 0.25);
        let travel = self.travel_s;
        self.dots.retain_mut(|d| {
            d.t += dt / travel;
            d.t < 1.0
        });
        self.dots.retain(|d| d.edge < edges.len());
        let total: f64 = edges.iter().map(|e| e.rate.max(0.0)).sum();
        if total <= 0.0 {
            return;
        }
        self.carry += self.per_second.min(total) * dt;
        while self.carry >= 1.0 {
            self.carry -= 1.0;
            if self.dots.len() >= self.cap {
                continue;
            }
            let mut pick = self.uniform() * total;
            let edge = edges
                .iter()
                .position(|e| {
                    pick -= e.rate.max(0.0);
                    pick < 0.0
                })
                .unwrap_or(edges.len() - 1);
            let mix = edges[edge].mix;
            let mut u = self.uniform() * mix.iter().sum::<f64>();
            let outcome =
                [DotOutcome::Ok, DotOutcome::Degraded, DotOutcome::Failed, DotOutcome::Rejected]
                    .into_iter()
                    .zip(mix)
                    .find(|(_, share)| {
                        u -= share;
                        u < 0.0
                    })
                    .map_or(DotOutcome::Ok, |(o, _)| o);
            let t = self.uniform() * 0.1;
            self.dots.push(Dot { edge, t, outcome });
        }
    }

    fn uniform(&mut self) -> f64 {
        // xorshift64*: plenty for picking dots.
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        (self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(rates: &[f64]) -> DotPool {
        let edges: Vec<EdgeTraffic> =
            rates.iter().map(|&rate| EdgeTraffic { rate, mix: [0.9, 0.0, 0.1, 0.0] }).collect();
        let mut pool = DotPool::new(300, 120.0, 0.8);
        for _ in 0..600 {
            pool.step(1.0 / 60.0, &edges);
        }
        pool
    }

    #[test]
    fn a_dot_a_request_up_to_the_cap_then_the_same_number_at_any_rate() {
        // 20 crossings a second, 0.8 s each: about 16 dots on the way.
        let slow = run(&[10.0, 10.0]).dots().len();
        assert!((10..=22).contains(&slow), "{slow}");
        let fast = run(&[1_000.0, 1_000.0]).dots().len();
        let faster = run(&[100_000.0, 100_000.0]).dots().len();
        assert_eq!(fast, faster);
        assert!(fast > 50 && fast <= 300, "{fast}");
    }

    #[test]
    fn dots_follow_traffic_and_outcomes() {
        let mut counts = [0usize; 2];
        let mut failed = 0;
        let edges = [
            EdgeTraffic { rate: 900.0, mix: [1.0, 0.0, 0.0, 0.0] },
            EdgeTraffic { rate: 100.0, mix: [0.0, 0.0, 1.0, 0.0] },
        ];
        let mut pool = DotPool::new(10_000, 600.0, 0.5);
        for _ in 0..600 {
            pool.step(1.0 / 60.0, &edges);
            for d in pool.dots().iter().filter(|d| d.t < 0.1 + 1.0 / 60.0 / 0.5) {
                counts[d.edge] += 1;
                failed += usize::from(d.outcome == DotOutcome::Failed);
            }
        }
        let share = counts[1] as f64 / (counts[0] + counts[1]) as f64;
        assert!((share - 0.1).abs() < 0.03, "{share}");
        assert_eq!(failed, counts[1]);
    }

    /// A 44-unit edge at 500 requests/s shows two dots on the way, a
    /// 440-unit one at 5 a second its 5 a second.
    #[test]
    fn short_busy_edges_keep_their_dots_apart() {
        let traffic = [
            EdgeTraffic { rate: 500.0, mix: [1.0, 0.0, 0.0, 0.0] },
            EdgeTraffic { rate: 5.0, mix: [1.0, 0.0, 0.0, 0.0] },
        ];
        let shown = within_room(&traffic, &[44.0, 440.0], 0.9);
        assert!((shown[0].rate * 0.9 - 2.0).abs() < 1e-9, "{shown:?}");
        assert_eq!(shown[1].rate, 5.0);
    }

    #[test]
    fn the_pool_is_capped_and_idle_edges_spawn_nothing() {
        let edges = [EdgeTraffic { rate: 1e6, mix: [1.0; 4] }];
        let mut pool = DotPool::new(5, 1000.0, 10.0);
        pool.step(0.2, &edges);
        assert_eq!(pool.dots().len(), 5);
        let mut idle = DotPool::new(5, 1000.0, 10.0);
        idle.step(0.2, &[EdgeTraffic::default()]);
        assert!(idle.dots().is_empty());
    }
}
