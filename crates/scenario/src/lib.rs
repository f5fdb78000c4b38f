//! The scalesim scenario format: what a scenario file may say, read with
//! messages a user can act on, validated, edited as text, outlined for the
//! editor, and described as a JSON Schema.
//!
//! Sans-IO, like the engine (which re-exports every module here under the
//! same names, so `scalesim_engine::scenario::Scenario` is this crate's).
//! It is a crate of its own for one reason: the browser bundle builds the
//! engine for speed and this for size, and serde's code for reading the
//! format, generated where the reading is, would otherwise be built for
//! speed too (about 50 kB gzipped; BENCHMARKS.md).
//!
//! Start reading at [`scenario::Scenario`] and [`scenario::diagnostics`].

pub mod autoscale;
pub mod breaker;
pub mod coordination;
pub mod cost;
pub mod dist;
mod document;
pub mod edit;
pub mod expect;
pub mod limits;
pub mod memory;
pub mod network;
pub mod order;
pub mod outcome;
pub mod outline;
pub mod rate_limit;
pub mod scenario;
pub mod schema;
pub mod set;
pub mod time;

pub use dist::Distribution;
pub use outcome::Outcome;
pub use scenario::{Scenario, ScenarioError};
pub use time::{SimDuration, SimTime};
