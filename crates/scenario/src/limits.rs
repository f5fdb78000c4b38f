//! Hard limits on what a scenario may ask for, so a hostile or mistaken file
//! is refused with a reason instead of freezing a tab or exhausting memory.

use crate::time::SimDuration;

/// Components in one scenario.
pub const MAX_NODES: usize = 2_000;
/// Replicas of one node.
pub const MAX_REPLICAS: u32 = 10_000;
/// Replicas of every node together (counting an autoscaler's `max`): each
/// replica holds a queue and counters in memory.
pub const MAX_TOTAL_REPLICAS: u64 = 100_000;
/// Workers of every replica of every node together (connections of a
/// database's pool, consumers of a queue): a bound on what the scenario
/// can serve at once.
pub const MAX_TOTAL_WORKERS: u64 = 10_000_000;
/// Characters of a node's or a load's id: a short name, as a path such as
/// `api.replicas` or a chart's legend shows it.
pub const MAX_ID_LEN: usize = 64;
/// Calls of every node together.
pub const MAX_CALLS: usize = 20_000;
/// `[[expect]]` blocks of one scenario.
pub const MAX_EXPECTS: usize = 1_000;
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
/// Zones of one scenario (links between them are at most every pair).
pub const MAX_ZONES: usize = 64;
/// Followers of one replicated database: each write draws a lag for each.
pub const MAX_FOLLOWERS: u32 = 100;
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

/// Units of work in flight at once in one run: tasks (a request's visit to
/// a node), calls awaiting answers or retries, broker messages, pending
/// answers and scheduled events, together. A run that reaches it stops with
/// an explanation (an overload: a queue fed faster than it drains, an async
/// cycle that multiplies, retries that pile up). Measured at the peak
/// (`BENCHMARKS.md`): about 120 bytes a unit natively, 240 MB in all, and
/// 233 MB of the worker's Wasm memory in the browser, well inside a tab.
pub const MAX_WORK_IN_FLIGHT: u64 = 2_000_000;
/// Bytes a unit of work in flight takes at the peak, natively (measured:
/// `BENCHMARKS.md`), for stating the bound's memory in the overload message.
pub const BYTES_PER_UNIT_OF_WORK: u64 = 120;

/// Points of one sweep's curve: far more than a chart can show (it draws at
/// most 2 000), few enough that every step's run finishes.
pub const MAX_SWEEP_STEPS: u32 = 10_000;

/// Why the limits exist, for the messages that cite one.
pub const WHY: &str =
    "a limit of scalesim's, so that no scenario can freeze the page or exhaust its memory";
