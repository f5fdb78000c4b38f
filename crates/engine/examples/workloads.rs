//! The benchmark workloads natively, as one JSON object of customers per
//! second: what the browser benchmark page is compared with in the same
//! run (`tests/e2e/bench.test.mjs`). Criterion (`cargo bench`) gives the
//! careful figures; this gives a quick one from the same code.
//!
//! `cargo run --release -p scalesim-engine --example workloads -- 300000`

use std::hint::black_box;
use std::time::Instant;

use scalesim_engine::workloads;

fn main() {
    let customers: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(300_000);
    let time = |f: &dyn Fn() -> u64| {
        // Best of several, as the page does.
        (0..workloads::BEST_OF)
            .map(|_| {
                let start = Instant::now();
                let n = black_box(f());
                n as f64 / start.elapsed().as_secs_f64()
            })
            .fold(0.0, f64::max)
    };
    let mut fields = vec![format!(
        "\"bare_heap_loop_mm1\": {:.0}",
        time(&|| black_box(workloads::bare_loop_mm1(customers)).0)
    )];
    fields.push(format!(
        "\"bare_heap_loop_tandem3\": {:.0}",
        time(&|| black_box(workloads::bare_loop_tandem3(customers)).0)
    ));
    for (name, toml) in workloads::ENGINE_WORKLOADS {
        fields.push(format!("\"{name}\": {:.0}", time(&|| workloads::engine(toml, customers))));
    }
    println!("{{{}}}", fields.join(", "));
}
