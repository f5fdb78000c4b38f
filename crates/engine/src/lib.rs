//! scalesim's simulation engine: a request-level discrete-event simulator.
//!
//! Sans-IO: no clock, no files, no threads, no web. The caller (the Web
//! Worker, the CLI, a test) owns time and output; the engine only turns a
//! configuration and a seed into exact, repeatable numbers.
//!
//! Start reading at [`sim::Simulation`]: `new`, then `advance_until` in steps,
//! collecting [`metrics::WindowMetrics`], then `summary`.

pub mod arrival;
pub mod balancer;
pub mod dist;
pub mod event_queue;
pub mod limits;
pub mod metrics;
pub mod outcome;
pub mod retry;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod slab;
pub mod station;
pub mod theory;
pub mod time;

pub use dist::Distribution;
pub use metrics::{LatencyStats, Summary, WindowMetrics};
pub use sim::{Run, Simulation};
pub use station::{ConfigError, StationConfig};
pub use time::{SimDuration, SimTime};
