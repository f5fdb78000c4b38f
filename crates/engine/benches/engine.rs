//! Engine speed in customers (user requests) per second on three workloads,
//! beside a bare binary-heap event loop on the M/M/1 workload, so the ratio
//! reads off one run. See BENCHMARKS.md.
//!
//! `cargo bench -p scalesim-engine --bench engine`

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scalesim_engine::rng::Rng;
use scalesim_engine::{Scenario, SimDuration, Simulation};

/// Customers per measured iteration.
const CUSTOMERS: u64 = 1_000_000;

/// M/M/1 at ρ = 0.9: λ = 900/s, mean service 1 ms.
const MM1: &str = r#"
[scenario]
name = "bench: M/M/1"
seed = 1
[[load]]
id = "users"
target = "svc"
rate = 900
[[node]]
id = "svc"
kind = "service"
service_time = { dist = "exp", mean = "1ms" }
"#;

/// Three services in a non-blocking chain at ρ = 0.9, 0.6, 0.45.
const TANDEM: &str = r#"
[scenario]
name = "bench: tandem"
seed = 1
[[load]]
id = "users"
target = "a"
rate = 900
[[node]]
id = "a"
kind = "service"
io = "nonblocking"
service_time = { dist = "exp", mean = "1ms" }
  [[node.call]]
  to = "b"
[[node]]
id = "b"
kind = "service"
io = "nonblocking"
service_time = { dist = "exp", mean = "666us" }
  [[node.call]]
  to = "c"
[[node]]
id = "c"
kind = "service"
service_time = { dist = "exp", mean = "500us" }
"#;

/// Five nodes: a gateway calling an api (sync, timeout, retries), which
/// calls a database and, in parallel, a cache-like service and a flaky
/// third party with retries and a fallback.
const TOPOLOGY: &str = r#"
[scenario]
name = "bench: five nodes"
seed = 1
[[load]]
id = "users"
target = "gateway"
rate = 900
timeout = "2s"
[[node]]
id = "gateway"
kind = "service"
replicas = 2
workers = 64
service_time = { dist = "exp", mean = "200us" }
  [[node.call]]
  to = "api"
  timeout = "500ms"
  retry = { attempts = 2, backoff = "exponential", base = "10ms", jitter = "full" }
[[node]]
id = "api"
kind = "service"
replicas = 3
workers = 32
balancer = "p2c"
service_time = { dist = "lognormal", p50 = "2ms", p99 = "10ms" }
  [[node.call]]
  to = "db"
  group = 1
  [[node.call]]
  to = "profile"
  group = 1
  [[node.call]]
  to = "partner"
  timeout = "100ms"
  retry = { attempts = 3, backoff = "constant", base = "5ms", budget = 0.2 }
  fallback = "degrade"
[[node]]
id = "db"
kind = "service"
workers = 16
service_time = { dist = "exp", mean = "1ms" }
[[node]]
id = "profile"
kind = "service"
workers = 8
service_time = { dist = "exp", mean = "500us" }
[[node]]
id = "partner"
kind = "external"
latency = { dist = "exp", mean = "20ms" }
error_rate = 0.02
"#;

fn engine(toml: &str) -> u64 {
    let mut scenario = Scenario::from_toml("bench.toml", toml).expect("valid bench scenario");
    scenario.scenario.duration = SimDuration::from_secs_f64(CUSTOMERS as f64 / 900.0);
    scenario.scenario.window = SimDuration::from_secs(10);
    Simulation::run(scenario).expect("runs").summary.requests.offered
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
    let mut group = c.benchmark_group("customers");
    group.sample_size(10);
    group.throughput(Throughput::Elements(CUSTOMERS));
    group.bench_function("bare_heap_loop_mm1", |b| b.iter(|| black_box(bare_loop_mm1())));
    group.bench_function("engine_mm1", |b| b.iter(|| black_box(engine(MM1))));
    group.bench_function("engine_tandem3", |b| b.iter(|| black_box(engine(TANDEM))));
    group.bench_function("engine_topology5", |b| b.iter(|| black_box(engine(TOPOLOGY))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
