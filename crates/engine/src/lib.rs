//! scalesim's simulation engine: a request-level discrete-event simulator.
//!
//! Sans-IO: no clock, no files, no threads, no web. The caller (the Web
//! Worker, the CLI, a test) owns time and output; the engine only turns a
//! configuration and a seed into exact, repeatable numbers.
//!
//! Start reading at [`sim::Simulation`]: `new` with a [`Scenario`], then
//! `advance_until` in steps, collecting [`WindowReport`]s, then `summary`.

// The scenario format lives in its own crate (built for size in the
// browser); its modules keep their paths here.
pub use scalesim_scenario::{
    autoscale, coordination, cost, edit, limits, memory, order, outcome, outline, scenario, schema,
    set, time,
};

pub mod arrival;
pub mod balancer;
pub mod breaker;
pub mod capacity;
pub mod dist;
pub mod event_queue;
pub mod expect;
pub mod formula;
pub mod log_histogram;
pub mod lru;
pub mod metrics;
pub mod model;
pub mod network;
pub mod otlp;
pub mod rate_limit;
pub mod retry;
pub mod rng;
pub mod sampler;
pub mod saturation;
pub mod sim;
pub mod slab;
pub mod sweep;
pub mod theory;
pub mod trace;
pub mod wait_queue;
pub mod workloads;
pub mod ziggurat;
pub mod zipf;

pub use dist::Distribution;
pub use metrics::{
    LatencyStats, LoadReport, NodeCounters, NodeReport, RequestCounts, Summary, WindowReport,
};
pub use outcome::Outcome;
/// The `rand_core` that [`rng::Rng`] implements, for drawing from it with the
/// `rand` ecosystem at a matching version.
pub use rand_core;
pub use scenario::{Scenario, ScenarioError};
pub use sim::{NodeGrowth, Overload, Run, RunError, Simulation, Snapshot};
pub use time::{SimDuration, SimTime};
