//! Engine speed in customers (user requests) per second on three workloads,
//! beside a bare binary-heap event loop on the M/M/1 workload, so the ratio
//! reads off one run. The workloads are `scalesim_engine::workloads`, which
//! the browser benchmark page runs too. See BENCHMARKS.md.
//!
//! `cargo bench -p scalesim-engine --bench engine`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scalesim_engine::workloads::{self, ENGINE_WORKLOADS};

/// Customers per measured iteration.
const CUSTOMERS: u64 = 1_000_000;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("customers");
    group.sample_size(10);
    group.throughput(Throughput::Elements(CUSTOMERS));
    group.bench_function("bare_heap_loop_mm1", |b| {
        b.iter(|| black_box(workloads::bare_loop_mm1(CUSTOMERS)))
    });
    group.bench_function("bare_heap_loop_tandem3", |b| {
        b.iter(|| black_box(workloads::bare_loop_tandem3(CUSTOMERS)))
    });
    for (name, toml) in ENGINE_WORKLOADS {
        group.bench_function(name, |b| b.iter(|| black_box(workloads::engine(toml, CUSTOMERS))));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
