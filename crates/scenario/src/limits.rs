//! Hard limits on what a scenario may ask for, so a hostile or mistaken file
//! is refused with a reason instead of freezing a tab or exhausting memory.

use crate::time::SimDuration;

/// Components in one scenario.
pub const MAX_NODES: usize = 2_000;
/// Replicas of one node.
pub const MAX_REPLICAS: u32 = 10_000;
/// Workers per replica.
pub const MAX_WORKERS: u32 = 100_000;
/// Parallel copies of one call.
pub const MAX_FANOUT: u32 = 10_000;
/// Tries of one call.
pub const MAX_ATTEMPTS: u32 = 100;
/// Requests per second of one load.
pub const MAX_RATE: f64 = 10_000_000.0;
/// Users of one closed-loop load.
pub const MAX_USERS: u32 = 10_000_000;
/// Simulated time of one run: a year.
pub const MAX_DURATION: SimDuration = SimDuration::from_secs(366 * 24 * 3600);
/// Windows in one run.
pub const MAX_WINDOWS: u64 = 1_000_000;
/// Distinct keys of one cache's key model.
pub const MAX_CACHE_KEYS: u64 = 1_000_000_000_000;
/// Keys one cache holds at once (each costs memory in the simulation).
pub const MAX_CACHE_CAPACITY: u64 = 10_000_000;
/// Events at one instant of simulated time before the run is declared
/// stuck: only a loop of zero-time steps (e.g. an async call back into a
/// service whose service time is zero) gets there.
pub const MAX_EVENTS_PER_INSTANT: u64 = 2_000_000;
/// Bytes of one scenario file: far more than any topology needs, little
/// enough to read in a moment.
pub const MAX_TEXT_BYTES: usize = 4 * 1024 * 1024;
/// Node visits one user request may cause: fan-outs and retry attempts
/// multiplied along the deepest path of calls.
pub const MAX_VISITS_PER_REQUEST: f64 = 1_000_000.0;

/// Why the limits exist, for the messages that cite one.
pub const WHY: &str =
    "a limit of scalesim's, so that no scenario can freeze the page or exhaust its memory";
