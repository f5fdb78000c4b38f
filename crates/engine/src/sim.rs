//! The simulation driver: the event loop, window boundaries, warm-up, and the
//! incremental `advance_until` API the worker and the CLI drive.

use std::collections::VecDeque;

use crate::event_queue::EventQueue;
use crate::metrics::{LatencyHistogram, LevelStats, Summary, TimeWeighted, WindowMetrics};
use crate::rng::Rng;
use crate::station::{ConfigError, StationConfig};
use crate::time::{SimDuration, SimTime};

/// What can happen at an instant.
#[derive(Clone, Copy, Debug)]
enum Event {
    /// A new request arrives. Stale generations (from before a rate change)
    /// are ignored, which is how a pending arrival is cancelled.
    Arrival { generation: u32 },
    /// A worker finishes the request that arrived at `arrived`.
    Departure { arrived: SimTime },
}

/// The window being measured: counters and levels since `start`.
#[derive(Clone, Debug)]
struct OpenWindow {
    start: SimTime,
    arrivals: u64,
    completed: u64,
    latency: LatencyHistogram,
    queue: TimeWeighted,
    busy: TimeWeighted,
}

impl OpenWindow {
    fn new(start: SimTime, queued: u64, busy: u64) -> Self {
        OpenWindow {
            start,
            arrivals: 0,
            completed: 0,
            latency: LatencyHistogram::new(),
            queue: TimeWeighted::new(start, queued),
            busy: TimeWeighted::new(start, busy),
        }
    }
}

/// The run after warm-up: the sum of its closed windows, so the event loop
/// measures everything once.
#[derive(Clone, Debug, Default)]
struct RunTotals {
    arrivals: u64,
    completed: u64,
    latency: LatencyHistogram,
    queue: LevelStats,
    busy: LevelStats,
}

impl RunTotals {
    fn add(&mut self, window: &OpenWindow, queue: &LevelStats, busy: &LevelStats) {
        self.arrivals += window.arrivals;
        self.completed += window.completed;
        self.latency.merge(&window.latency);
        self.queue.merge(queue);
        self.busy.merge(busy);
    }
}

/// A running single-station simulation. Deterministic: the same config
/// (seed included) and the same calls give the same numbers, natively and
/// in Wasm.
#[derive(Debug)]
pub struct Simulation {
    config: StationConfig,
    arrival_rng: Rng,
    service_rng: Rng,
    events: EventQueue<Event>,
    now: SimTime,
    event_count: u64,
    arrival_generation: u32,
    arrival_rate: f64,
    /// Arrival instants of the requests waiting, oldest first.
    waiting: VecDeque<SimTime>,
    busy: u32,
    window_index: u64,
    window: OpenWindow,
    /// The first window boundary at or after the configured warm-up: the
    /// summary covers whole windows only.
    warmup_end: SimTime,
    run: RunTotals,
    closed: Vec<WindowMetrics>,
}

impl Simulation {
    /// A simulation at time zero, or every reason the config cannot run.
    pub fn new(config: StationConfig) -> Result<Self, ConfigError> {
        let problems = config.problems();
        if !problems.is_empty() {
            return Err(ConfigError { problems });
        }
        let mut root = Rng::seeded(config.seed);
        let arrival_rng = root.fork(1);
        let service_rng = root.fork(2);
        let windows_in_warmup = config.warmup.as_nanos().div_ceil(config.window.as_nanos());
        let warmup_end =
            SimTime::from_nanos(windows_in_warmup.saturating_mul(config.window.as_nanos()));
        let mut sim = Simulation {
            arrival_rate: config.arrival_rate,
            warmup_end,
            config,
            arrival_rng,
            service_rng,
            events: EventQueue::new(),
            now: SimTime::ZERO,
            event_count: 0,
            arrival_generation: 0,
            waiting: VecDeque::new(),
            busy: 0,
            window_index: 0,
            window: OpenWindow::new(SimTime::ZERO, 0, 0),
            run: RunTotals::default(),
            closed: Vec::new(),
        };
        sim.schedule_arrival();
        Ok(sim)
    }

    /// The configuration this run started from.
    pub fn config(&self) -> &StationConfig {
        &self.config
    }

    /// Current simulated time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Events processed so far.
    pub fn event_count(&self) -> u64 {
        self.event_count
    }

    /// The arrival rate now in force (requests per second).
    pub fn arrival_rate(&self) -> f64 {
        self.arrival_rate
    }

    /// Changes the arrival rate from now on, live. Arrivals are Poisson, so
    /// the pending arrival is simply redrawn at the new rate.
    pub fn set_arrival_rate(&mut self, rate: f64) -> Result<(), ConfigError> {
        if !(rate.is_finite() && rate > 0.0) {
            return Err(ConfigError {
                problems: vec![format!(
                    "arrival rate must be a positive number, got {rate}"
                )],
            });
        }
        self.arrival_rate = rate;
        self.arrival_generation = self.arrival_generation.wrapping_add(1);
        self.schedule_arrival();
        Ok(())
    }

    /// Runs every event up to and including `until`, closing the windows that
    /// end on the way, and returns those windows.
    pub fn advance_until(&mut self, until: SimTime) -> Vec<WindowMetrics> {
        loop {
            let window_end = self.window.start + self.config.window;
            match self.events.peek_time() {
                Some(at) if at < window_end && at <= until => {
                    if let Some((at, event)) = self.events.pop() {
                        self.now = at;
                        self.event_count += 1;
                        self.handle(event);
                    }
                }
                _ if window_end <= until => {
                    self.now = window_end;
                    self.close_window();
                }
                _ => break,
            }
        }
        self.now = self.now.max(until);
        std::mem::take(&mut self.closed)
    }

    /// Runs for `span` more simulated time.
    pub fn advance_by(&mut self, span: SimDuration) -> Vec<WindowMetrics> {
        self.advance_until(self.now + span)
    }

    /// The run so far, after warm-up (the open window included).
    pub fn summary(&self) -> Summary {
        let mut run = self.run.clone();
        if self.window.start >= self.warmup_end {
            let mut open = self.window.clone();
            let queue = open.queue.take(open.start, self.now);
            let busy = open.busy.take(open.start, self.now);
            run.add(&open, &queue, &busy);
        }
        let span = SimDuration::from_nanos(run.queue.span_nanos);
        Summary {
            sim_time_s: self.now.as_secs_f64(),
            events: self.event_count,
            offered: run.arrivals,
            completed: run.completed,
            in_flight: self.waiting.len() as u64 + u64::from(self.busy),
            latency_ms: run.latency.stats(),
            throughput_rps: per_second(run.completed, span),
            mean_queue: run.queue.mean(),
            max_queue: run.queue.max,
            utilization: run.busy.mean() / f64::from(self.config.workers),
        }
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Arrival { generation } => {
                if generation != self.arrival_generation {
                    return;
                }
                self.schedule_arrival();
                self.window.arrivals += 1;
                if self.busy < self.config.workers {
                    self.start_service(self.now);
                } else {
                    self.waiting.push_back(self.now);
                    self.queue_changed();
                }
            }
            Event::Departure { arrived } => {
                let latency = self.now.since(arrived);
                self.window.completed += 1;
                self.window.latency.record(latency);
                self.busy -= 1;
                match self.waiting.pop_front() {
                    Some(next) => {
                        self.queue_changed();
                        self.start_service(next);
                    }
                    None => self.busy_changed(),
                }
            }
        }
    }

    fn schedule_arrival(&mut self) {
        let mean_gap = 1e9 / self.arrival_rate;
        let gap = -mean_gap * libm::log(self.arrival_rng.next_f64_open0());
        let at = self.now + SimDuration::from_nanos(libm::round(gap) as u64);
        self.events.schedule(
            at,
            Event::Arrival {
                generation: self.arrival_generation,
            },
        );
    }

    fn start_service(&mut self, arrived: SimTime) {
        self.busy += 1;
        self.busy_changed();
        let service = self.config.service.sample(&mut self.service_rng);
        self.events
            .schedule(self.now + service, Event::Departure { arrived });
    }

    fn queue_changed(&mut self) {
        let level = self.waiting.len() as u64;
        self.window.queue.set(self.now, level);
    }

    fn busy_changed(&mut self) {
        let level = u64::from(self.busy);
        self.window.busy.set(self.now, level);
    }

    fn close_window(&mut self) {
        let start = self.window.start;
        let queue = self.window.queue.take(start, self.now);
        let busy = self.window.busy.take(start, self.now);
        self.closed.push(WindowMetrics {
            index: self.window_index,
            start_s: start.as_secs_f64(),
            end_s: self.now.as_secs_f64(),
            arrivals: self.window.arrivals,
            completed: self.window.completed,
            latency_ms: self.window.latency.stats(),
            mean_queue: queue.mean(),
            max_queue: queue.max,
            utilization: busy.mean() / f64::from(self.config.workers),
        });
        if start >= self.warmup_end {
            self.run.add(&self.window, &queue, &busy);
        }
        self.window_index += 1;
        self.window = OpenWindow::new(self.now, self.waiting.len() as u64, u64::from(self.busy));
    }
}

fn per_second(count: u64, span: SimDuration) -> f64 {
    if span == SimDuration::ZERO {
        0.0
    } else {
        count as f64 / span.as_secs_f64()
    }
}

/// A finished run: every window and the summary, what the CLI prints and
/// what determinism is checked on.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Run {
    /// Every closed window, in order.
    pub windows: Vec<WindowMetrics>,
    /// The run after warm-up.
    pub summary: Summary,
}

impl Simulation {
    /// Runs `config` from zero to `duration`, one window at a time.
    pub fn run(config: StationConfig, duration: SimDuration) -> Result<Run, ConfigError> {
        let window = config.window;
        let mut sim = Simulation::new(config)?;
        let end = SimTime::ZERO + duration;
        let mut windows = Vec::new();
        while sim.now() < end {
            let step = (sim.now() + window).min(end);
            windows.extend(sim.advance_until(step));
        }
        Ok(Run {
            windows,
            summary: sim.summary(),
        })
    }
}
