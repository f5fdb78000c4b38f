//! The built-in scenario library as the app lists it: each lesson's file
//! and its cure's. The files themselves are copied next to the page by
//! Trunk (`scenarios/`) and fetched when chosen, so the library costs the
//! first load nothing; the worker parses them and reports their title and
//! explanation.

/// One entry of the library.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lesson {
    /// What it teaches, in a few words (the picker's label).
    pub title: &'static str,
    /// The file showing the problem.
    pub file: &'static str,
    /// The file showing the cure, if there is one.
    pub cure: Option<&'static str>,
}

const fn lesson(title: &'static str, file: &'static str, cure: &'static str) -> Lesson {
    Lesson { title, file, cure: Some(cure) }
}

/// Every built-in scenario, the demo first.
pub const LESSONS: [Lesson; 24] = [
    Lesson { title: "Demo: an M/M/2 station", file: "station.toml", cure: None },
    Lesson { title: "Checkout (SPEC example)", file: "checkout.toml", cure: None },
    lesson("Latency compounds along a sync chain", "sync-chain.toml", "sync-chain-async.toml"),
    lesson(
        "A slow dependency exhausts a blocking pool",
        "pool-exhaustion.toml",
        "pool-exhaustion-nonblocking.toml",
    ),
    lesson("Retries at every layer multiply load", "retry-storm.toml", "retry-storm-budget.toml"),
    lesson(
        "Timeouts shorter than the p99 waste work",
        "timeout-waste.toml",
        "timeout-waste-cancel.toml",
    ),
    lesson(
        "Database contention: more connections, slower",
        "db-contention.toml",
        "db-contention-small-pool.toml",
    ),
    lesson(
        "A partner's rate limit does not scale with you",
        "rate-limited-partner.toml",
        "rate-limited-partner-queue.toml",
    ),
    lesson("Fan-out: your p99 is someone's normal", "fanout-tail.toml", "fanout-tail-hedged.toml"),
    lesson("Scaling out past the peak (USL)", "usl-retrograde.toml", "usl-retrograde-fewer.toml"),
    lesson(
        "An autoscaler reacts late to a spike",
        "autoscale-late.toml",
        "autoscale-late-headroom.toml",
    ),
    lesson(
        "A cache flush stampedes the database",
        "cache-stampede.toml",
        "cache-stampede-coalesced.toml",
    ),
    lesson("A noisy tenant slows every tenant", "noisy-tenant.toml", "noisy-tenant-limited.toml"),
    lesson(
        "Metastable failure after a spike",
        "metastable-retries.toml",
        "metastable-retries-budget.toml",
    ),
    lesson(
        "Observability at volume: logs and traces",
        "logging-cost.toml",
        "logging-cost-sampled.toml",
    ),
    lesson("Overload without load shedding", "load-shedding.toml", "load-shedding-bounded.toml"),
    lesson(
        "A sync call across regions sets the floor",
        "cross-region.toml",
        "cross-region-local.toml",
    ),
    lesson(
        "A partition hangs workers without timeouts",
        "partition.toml",
        "partition-timeouts.toml",
    ),
    lesson(
        "Read-your-writes after an async replica",
        "read-your-writes.toml",
        "read-your-writes-sync.toml",
    ),
    lesson("Two sources of truth drift", "two-sources.toml", "two-sources-streamed.toml"),
    lesson("Out of memory cascades", "oom-cascade.toml", "oom-cascade-shed.toml"),
    lesson("A leak degrades slowly", "memory-leak.toml", "memory-leak-fixed.toml"),
    lesson("More servers do not fix the model", "more-servers.toml", "more-servers-queue.toml"),
    lesson(
        "Change does not scale through a coordinating team",
        "team-change.toml",
        "team-change-owned.toml",
    ),
];

/// Where the page fetches a library file from (relative, so the site works
/// from any sub-path).
pub fn url(file: &str) -> String {
    format!("./scenarios/{file}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The library lists exactly the files in `scenarios/`, each once.
    #[test]
    fn the_library_lists_every_scenario_file() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|name| name.ends_with(".toml"))
                    .collect()
            })
            .unwrap_or_default();
        on_disk.sort();
        let mut listed: Vec<String> = LESSONS
            .iter()
            .flat_map(|l| std::iter::once(l.file).chain(l.cure))
            .map(str::to_owned)
            .collect();
        listed.sort();
        assert_eq!(listed, on_disk);
    }
}
