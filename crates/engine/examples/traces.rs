//! What request tracing costs: each engine workload with traces on beside
//! the same workload with them off, timed in back-to-back pairs
//! (`workloads::paired_ratio`: the median of nine pairs' ratios, traced
//! over plain customers per second). See BENCHMARKS.md.
//!
//! `cargo run --release -p scalesim-engine --example traces -- 300000`
//! (`plain` or `traced` as a second argument runs that variant once, for
//! callgrind).

use std::time::Instant;

use scalesim_engine::workloads::{self, ENGINE_WORKLOADS, paired_ratio};

fn main() {
    let customers: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(300_000);
    match std::env::args().nth(2).as_deref() {
        Some("plain") => {
            for (_, toml) in ENGINE_WORKLOADS {
                println!("{}", workloads::engine(toml, customers));
            }
            return;
        }
        Some("traced") => {
            for (_, toml) in ENGINE_WORKLOADS {
                println!("{}", workloads::engine_traced(toml, customers));
            }
            return;
        }
        _ => {}
    }
    let epoch = Instant::now();
    let clock = || epoch.elapsed().as_secs_f64() * 1e3;
    let ratios: Vec<String> = ENGINE_WORKLOADS
        .iter()
        .map(|&(name, toml)| {
            let ratio = paired_ratio(&clock, &|| workloads::engine(toml, customers), &|| {
                workloads::engine_traced(toml, customers)
            });
            format!("\"{name}\": {ratio:.3}")
        })
        .collect();
    println!("{{\"traced_over_plain\": {{{}}}}}", ratios.join(", "));
}
