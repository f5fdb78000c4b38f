//! Engine speed in customers per second, beside a bare binary-heap event loop
//! on the same M/M/1 workload, so the ratio reads off one run.
//!
//! `cargo bench -p scalesim-engine --profile native` (see BENCHMARKS.md).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scalesim_engine::rng::Rng;
use scalesim_engine::{Distribution, SimDuration, SimTime, Simulation, StationConfig};

/// Customers per measured iteration.
const CUSTOMERS: u64 = 1_000_000;

/// M/M/1 at ρ = 0.9: λ = 900/s, mean service 1 ms.
fn mm1_config() -> StationConfig {
    StationConfig {
        arrival_rate: 900.0,
        service: Distribution::Exp {
            mean: SimDuration::from_millis(1),
        },
        workers: 1,
        window: SimDuration::from_secs(1),
        warmup: SimDuration::ZERO,
        seed: 1,
    }
}

fn engine_mm1() -> u64 {
    let config = mm1_config();
    let span = SimDuration::from_secs_f64(CUSTOMERS as f64 / config.arrival_rate);
    let mut sim = Simulation::new(config).expect("valid config");
    sim.advance_until(SimTime::ZERO + span);
    sim.summary().completed
}

/// The physical limit: an M/M/1 queue on a bare `BinaryHeap` of
/// `(time, kind)` with no metrics beyond a latency sum.
fn bare_loop_mm1() -> u64 {
    let mut rng = Rng::seeded(1);
    let mut exp = |mean: f64| (-mean * rng.next_f64_open0().ln()) as u64;
    let (arrival_mean, service_mean) = (1e9 / 900.0, 1e6);
    let mut heap = BinaryHeap::new();
    let mut waiting = VecDeque::new();
    let mut busy = false;
    let (mut done, mut latency_sum) = (0u64, 0u64);
    heap.push(Reverse((exp(arrival_mean), 0u8, 0u64)));
    while let Some(Reverse((now, kind, arrived))) = heap.pop() {
        if kind == 0 {
            if done + waiting.len() as u64 + u64::from(busy) < CUSTOMERS {
                heap.push(Reverse((now + exp(arrival_mean), 0, 0)));
            }
            if busy {
                waiting.push_back(now);
            } else {
                busy = true;
                heap.push(Reverse((now + exp(service_mean), 1, now)));
            }
        } else {
            done += 1;
            latency_sum += now - arrived;
            match waiting.pop_front() {
                Some(a) => heap.push(Reverse((now + exp(service_mean), 1, a))),
                None => busy = false,
            }
        }
    }
    black_box(latency_sum);
    done
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("mm1_rho0.9");
    group.sample_size(10);
    group.throughput(Throughput::Elements(CUSTOMERS));
    group.bench_function("bare_heap_loop", |b| b.iter(|| black_box(bare_loop_mm1())));
    group.bench_function("engine", |b| b.iter(|| black_box(engine_mm1())));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
