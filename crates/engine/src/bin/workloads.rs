//! The benchmark workloads natively, as one JSON object of customers per
//! second: what the browser benchmark page is compared with in the same
//! run (`tests/e2e/bench.test.mjs`). Beside them, `paired_ratio`: the
//! engine over its bare loop on M/M/1 and on the tandem, timed in
//! back-to-back pairs (`workloads::paired_ratio`), the ratio that stays put
//! when the machine's speed does not; `paired_ratio_strict` the same
//! against the stricter bare loops (ziggurat exponentials, `f64` time). Criterion (`cargo bench`) gives the
//! careful absolute figures; this gives quick ones from the same code.
//!
//! `cargo run --release -p scalesim-engine --bin workloads -- 300000`
//!
//! With a second argument `strict-mm1`, only the paired ratio of M/M/1
//! against the strict bare loop, as `{"paired_ratio_strict_mm1": r}`, in
//! under a second: the end-to-end benchmark runs it at several memory
//! placements (BENCHMARKS.md, "Placements").
//!
//! A binary of the engine crate rather than an example: examples build
//! with the crate's dev-dependencies (criterion and its tree), which the
//! end-to-end benchmark would compile in release for nothing.

use std::time::Instant;

use scalesim_engine::workloads::{
    self, BARE_LOOPS, ENGINE_WORKLOADS, STRICT_BARE_LOOPS, best_rate, paired_ratio,
};

fn main() {
    let customers: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(300_000);
    let epoch = Instant::now();
    let clock = || epoch.elapsed().as_secs_f64() * 1e3;
    if std::env::args().nth(2).as_deref() == Some("strict-mm1") {
        let (_, bare) = STRICT_BARE_LOOPS[0];
        let (_, toml) = ENGINE_WORKLOADS[0];
        let engine = || workloads::engine(toml, customers);
        let ratio = paired_ratio(&clock, &|| bare(customers).0, &engine);
        println!("{{\"paired_ratio_strict_mm1\": {ratio:.3}}}");
        return;
    }
    let mut fields = Vec::new();
    for (name, bare) in BARE_LOOPS.iter().chain(&STRICT_BARE_LOOPS) {
        fields.push(format!("\"{name}\": {:.0}", best_rate(&clock, &|| bare(customers).0)));
    }
    for (name, toml) in ENGINE_WORKLOADS {
        let rate = best_rate(&clock, &|| workloads::engine(toml, customers));
        fields.push(format!("\"{name}\": {rate:.0}"));
    }
    // Against each baseline: the bare loop, and the stricter one with
    // ziggurat draws.
    for (key, loops) in [("paired_ratio", &BARE_LOOPS), ("paired_ratio_strict", &STRICT_BARE_LOOPS)]
    {
        let ratios: Vec<String> = loops
            .iter()
            .zip(ENGINE_WORKLOADS)
            .map(|(&(_, bare), (name, toml))| {
                let engine = || workloads::engine(toml, customers);
                let ratio = paired_ratio(&clock, &|| bare(customers).0, &engine);
                format!("\"{name}\": {ratio:.3}")
            })
            .collect();
        fields.push(format!("\"{key}\": {{{}}}", ratios.join(", ")));
    }
    println!("{{{}}}", fields.join(", "));
}
