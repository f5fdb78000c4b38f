//! Engine speed in customers (user requests) per second on three workloads,
//! beside bare binary-heap event loops doing the M/M/1 and the tandem's
//! work (with a `libm` logarithm a draw, and the stricter ones with ziggurat
//! draws and `f64` time), so the ratios read off one run. The workloads are `scalesim_engine::workloads`, which
//! the browser benchmark page runs too. See BENCHMARKS.md.
//!
//! `cargo bench -p scalesim-engine --bench engine`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scalesim_engine::workloads::{self, BARE_LOOPS, ENGINE_WORKLOADS, STRICT_BARE_LOOPS};

/// Customers per measured iteration.
const CUSTOMERS: u64 = 1_000_000;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("customers");
    group.sample_size(10);
    group.throughput(Throughput::Elements(CUSTOMERS));
    for &(name, bare) in BARE_LOOPS.iter().chain(&STRICT_BARE_LOOPS) {
        group.bench_function(name, |b| b.iter(|| black_box(bare(CUSTOMERS))));
    }
    for (name, toml) in ENGINE_WORKLOADS {
        group.bench_function(name, |b| b.iter(|| black_box(workloads::engine(toml, CUSTOMERS))));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
