//! The workloads as Wasm exports, timed by the caller (Node's
//! `performance.now()`), profiled by `node --cpu-prof`.

use scalesim_engine::workloads::{self, BARE_LOOPS, ENGINE_WORKLOADS, STRICT_BARE_LOOPS};
use wasm_bindgen::prelude::*;

/// Runs workload `name` for about `customers` user requests; returns how
/// many it served.
#[wasm_bindgen]
pub fn run(name: &str, customers: u32) -> f64 {
    let customers = u64::from(customers);
    for (n, bare) in BARE_LOOPS.iter().chain(&STRICT_BARE_LOOPS) {
        if *n == name {
            return bare(customers).0 as f64;
        }
    }
    for (n, toml) in ENGINE_WORKLOADS {
        if n == name {
            return workloads::engine(toml, customers) as f64;
        }
    }
    -1.0
}
