//! Properties over many random valid scenarios: nothing panics, time never
//! goes back, every request is accounted for, and memory follows what is in
//! flight. The generator is seeded, so a failure names a case that replays.

use scalesim_engine::rng::Rng;
use scalesim_engine::{Scenario, SimDuration, SimTime, Simulation};

/// Cases to try; each runs a few simulated seconds.
const CASES: u64 = 300;

fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.below(items.len() as u64) as usize]
}

fn distribution(rng: &mut Rng) -> String {
    let ms = 1 + rng.below(20);
    match rng.below(6) {
        0 => format!(r#"{{ dist = "const", value = "{ms}ms" }}"#),
        1 => format!(r#"{{ dist = "exp", mean = "{ms}ms" }}"#),
        2 => format!(r#"{{ dist = "uniform", min = "{}us", max = "{ms}ms" }}"#, 1 + rng.below(900)),
        3 => format!(
            r#"{{ dist = "lognormal", p50 = "{ms}ms", p99 = "{}ms" }}"#,
            ms * (1 + rng.below(10))
        ),
        4 => format!(
            r#"{{ dist = "bimodal", fast = "{ms}ms", slow = "{}ms", slow_share = 0.0{} }}"#,
            ms * 20,
            1 + rng.below(9)
        ),
        _ => format!(
            r#"{{ dist = "pareto", scale = "{ms}ms", shape = 1.{}, max = "2s" }}"#,
            1 + rng.below(9)
        ),
    }
}

fn retry(rng: &mut Rng) -> String {
    let budget = if rng.below(2) == 0 {
        String::new()
    } else {
        format!(", budget = 0.{}", 1 + rng.below(5))
    };
    format!(
        r#"retry = {{ attempts = {}, backoff = "{}", base = "{}ms", jitter = "{}"{budget}, respect_retry_after = {} }}"#,
        1 + rng.below(4),
        pick(rng, &["none", "constant", "exponential"]),
        1 + rng.below(20),
        pick(rng, &["none", "full", "equal", "decorrelated"]),
        rng.below(2) == 0,
    )
}

/// A random topology whose sync calls only go to later nodes (so there is
/// no sync cycle), with async calls anywhere.
fn random_scenario(case: u64) -> String {
    let mut rng = Rng::seeded(case);
    let nodes = 1 + rng.below(6) as usize;
    let mut toml = format!(
        "[scenario]\nname = \"case {case}\"\nseed = {case}\nduration = \"{}s\"\nwindow = \"500ms\"\n",
        2 + rng.below(4)
    );
    for l in 0..1 + rng.below(2) {
        toml += &format!("\n[[load]]\nid = \"load{l}\"\ntarget = \"n0\"\n");
        if rng.below(4) == 0 {
            toml += &format!(
                "users = {}\nthink_time = {}\n",
                1 + rng.below(50),
                distribution(&mut rng)
            );
        } else {
            toml += &format!(
                "rate = {}\narrival = \"{}\"\n",
                10 + rng.below(3000),
                pick(&mut rng, &["poisson", "uniform", "bursty"])
            );
            if rng.below(3) == 0 {
                toml += &format!(
                    "pattern = {{ spike = {{ at = \"1s\", for = \"500ms\", multiplier = {} }} }}\n",
                    2 + rng.below(8)
                );
            }
        }
        if rng.below(2) == 0 {
            toml += &format!("timeout = \"{}ms\"\n{}\n", 5 + rng.below(500), retry(&mut rng));
        }
        if rng.below(4) == 0 {
            toml += &format!("work = {}.5\n", rng.below(3));
        }
        if rng.below(3) == 0 {
            toml += &format!("priority = {}\n", rng.below(3));
        }
    }
    // Kinds first, so a queue never delivers to another queue.
    let externals: Vec<bool> = (0..nodes).map(|n| n > 0 && rng.below(4) == 0).collect();
    let specials: Vec<u64> = (0..nodes).map(|_| rng.below(5)).collect();
    let is_queue = |m: usize| !externals[m] && specials[m] == 0 && nodes > 1;
    let mut key_caches = Vec::with_capacity(nodes);
    for n in 0..nodes {
        let external = externals[n];
        toml += &format!("\n[[node]]\nid = \"n{n}\"\n");
        let later = |rng: &mut Rng| n + 1 + rng.below((nodes - n - 1) as u64) as usize;
        let special = specials[n];
        key_caches.push(false);
        if external {
            toml += &format!(
                "kind = \"external\"\nlatency = {}\nerror_rate = 0.{}\n",
                distribution(&mut rng),
                rng.below(5)
            );
            if rng.below(3) == 0 {
                toml += &format!(
                    "rate_limit = {{ rate = {}, retry_after = \"{}ms\" }}\n",
                    1 + rng.below(500),
                    1 + rng.below(300)
                );
            }
            continue;
        }
        if is_queue(n) {
            let Some(to) = (0..nodes).map(|k| (n + 1 + k) % nodes).find(|&m| !is_queue(m)) else {
                toml += "kind = \"service\"\nservice_time = { dist = \"exp\", mean = \"1ms\" }\n";
                continue;
            };
            toml += &format!(
                "kind = \"queue\"\nto = \"n{to}\"\nconsumers = {}\nmax_deliveries = {}\ndelivery_timeout = \"{}ms\"\n",
                1 + rng.below(8),
                1 + rng.below(4),
                5 + rng.below(500),
            );
            if rng.below(2) == 0 {
                toml += &format!("capacity = {}\n", 1 + rng.below(100));
            }
            continue;
        }
        if special == 1 && n + 1 < nodes {
            toml += &format!("kind = \"cache\"\non_miss = \"n{}\"\n", later(&mut rng));
            if rng.below(3) == 0 {
                toml += &format!("hit_ratio = 0.{}\n", rng.below(10));
            } else {
                key_caches[n] = true;
                toml += &format!(
                    "keys = {}\nskew = 0.{}\ncapacity = {}\ncoalesce = {}\n",
                    1 + rng.below(500),
                    rng.below(20),
                    1 + rng.below(300),
                    rng.below(2) == 0
                );
                if rng.below(2) == 0 {
                    toml += &format!("ttl = \"{}ms\"\n", 1 + rng.below(1000));
                }
            }
            continue;
        }
        let database = special == 2;
        let (kind, concurrency) = if database {
            ("database", format!("pool = {}", 1 + rng.below(16)))
        } else {
            ("service", format!("workers = {}", 1 + rng.below(16)))
        };
        let replicas = 1 + rng.below(3);
        toml += &format!(
            "kind = \"{kind}\"\nreplicas = {replicas}\n{concurrency}\nbalancer = \"{}\"\nio = \"{}\"\nservice_time = {}\nerror_rate = 0.0{}\n",
            pick(&mut rng, &["round_robin", "random", "least_outstanding", "p2c"]),
            pick(&mut rng, &["blocking", "nonblocking"]),
            distribution(&mut rng),
            rng.below(3),
        );
        if rng.below(4) == 0 {
            toml += &format!(
                "coordination = {{ contention = 0.{}, coherency = 0.0{}, scope = \"{}\" }}\n",
                rng.below(5),
                rng.below(5),
                pick(&mut rng, &["replicas", "concurrency"])
            );
        }
        if rng.below(4) == 0 {
            toml += &format!(
                "autoscale = {{ min = 1, max = {}, target_utilization = 0.{}, interval = \"{}ms\", provision_delay = \"{}ms\" }}\n",
                replicas + rng.below(4),
                3 + rng.below(6),
                50 + rng.below(500),
                rng.below(1000)
            );
        }
        if rng.below(4) == 0 {
            toml += &format!(
                "rate_limit = {{ rate = {}, burst = {} }}\n",
                1 + rng.below(2000),
                1 + rng.below(100)
            );
        }
        if rng.below(4) == 0 {
            toml += &format!(
                "cost = {{ per_replica_hour = 0.{}, per_request = 0.00000{}, log_bytes_per_request = {} }}\n",
                rng.below(9),
                rng.below(9),
                rng.below(5000)
            );
        }
        if rng.below(2) == 0 {
            toml += &format!(
                "queue = {{ capacity = {}, discipline = \"{}\"{} }}\n",
                rng.below(50),
                pick(&mut rng, &["fifo", "lifo", "priority", "adaptive_lifo"]),
                if rng.below(2) == 0 {
                    format!(", max_wait = \"{}ms\"", 1 + rng.below(100))
                } else {
                    String::new()
                }
            );
        }
        for _ in 0..rng.below(4) {
            let sync = n + 1 < nodes && rng.below(4) != 0;
            let to = if sync {
                n + 1 + rng.below((nodes - n - 1) as u64) as usize
            } else {
                rng.below(nodes as u64) as usize
            };
            // A call back (to this node or an earlier one) closes a cycle:
            // mostly one that dies out, sometimes one that multiplies.
            let back = to <= n;
            let fanout = if back && rng.below(4) != 0 { 1 } else { 1 + rng.below(4) };
            toml += &format!(
                "  [[node.call]]\n  to = \"n{to}\"\n  mode = \"{}\"\n  fanout = {fanout}\n  wait_for = {}\n  probability = 0.{}\n  group = {}\n  fallback = \"{}\"\n  cancel_on_timeout = {}\n",
                if sync { "sync" } else { "async" },
                1 + rng.below(fanout),
                if back { 1 + rng.below(4) } else { 5 + rng.below(5) },
                rng.below(3),
                pick(&mut rng, &["fail", "degrade"]),
                rng.below(2) == 0,
            );
            if rng.below(2) == 0 {
                toml +=
                    &format!("  timeout = \"{}ms\"\n  {}\n", 1 + rng.below(200), retry(&mut rng));
            }
            if rng.below(4) == 0 {
                toml += &format!("  bulkhead = {}\n", 1 + rng.below(20));
            }
            if rng.below(4) == 0 {
                toml += &format!("  hedge = \"{}ms\"\n", 1 + rng.below(50));
            }
            if rng.below(4) == 0 {
                toml += &format!(
                    "  breaker = {{ failure_rate = 0.{}, window = \"{}ms\", min_calls = {}, open_for = \"{}ms\" }}\n",
                    1 + rng.below(9),
                    100 + rng.below(2000),
                    1 + rng.below(30),
                    10 + rng.below(1000)
                );
            }
        }
    }
    for _ in 0..rng.below(3) {
        let target = rng.below(nodes as u64) as usize;
        let effect = match rng.below(5) {
            0 => format!("{{ latency_add = \"{}ms\" }}", 1 + rng.below(100)),
            1 => format!("{{ error_rate = 0.{} }}", rng.below(10)),
            3 if !externals[target] => "{ replicas = 1 }".to_owned(),
            4 if key_caches[target] => "{ flush = true }".to_owned(),
            _ => "{ outage = true }".to_owned(),
        };
        toml += &format!(
            "\n[[fault]]\nat = \"{}ms\"\nduration = \"{}ms\"\ntarget = \"n{}\"\neffect = {effect}\n",
            rng.below(3000),
            1 + rng.below(2000),
            target
        );
    }
    toml
}

#[test]
fn random_valid_scenarios_keep_the_invariants() {
    let mut multiplying = 0;
    for case in 0..CASES {
        let text = random_scenario(case);
        // Async calls go anywhere, with fan-out: some close a cycle that
        // makes more messages than it receives, which must be refused by
        // name before it runs (it would grow without end).
        let scenario = match Scenario::from_toml(&format!("case {case}"), &text) {
            Ok(s) => s,
            Err(e)
                if e.diagnostics.iter().all(|d| d.message.contains("async calls form a cycle")) =>
            {
                assert!(e.to_string().contains("limit of scalesim"), "{e}");
                multiplying += 1;
                continue;
            }
            Err(e) => panic!("generator made an invalid case {case}: {e}\n{text}"),
        };
        let end = SimTime::ZERO + scenario.scenario.duration;
        let mut sim = Simulation::new(scenario).unwrap();
        let mut last = SimTime::ZERO;
        let mut step = 0u64;
        while sim.now() < end {
            if let Some(overload) = sim.overload() {
                assert!(overload.message().contains("overload"), "case {case}");
                break;
            }
            assert!(sim.stalled().is_none(), "case {case}: stuck: {:?}\n{text}", sim.stalled());
            step += 1;
            let next = (sim.now() + SimDuration::from_millis(1 + step % 97)).min(end);
            for w in sim.advance_until(next) {
                assert!(w.end_s >= w.start_s, "case {case}: window goes back");
            }
            assert!(sim.now() >= last, "case {case}: time went back");
            last = sim.now();
            assert!(sim.conserved(), "case {case}: conservation at {:?}\n{text}", sim.now());
        }
        let s = sim.summary();
        let r = &s.requests;
        assert_eq!(
            r.offered,
            r.ok + r.degraded + r.error + r.timeout + r.rejected + r.in_flight,
            "case {case}\n{text}"
        );
        let snapshot = sim.snapshot(50);
        assert!(snapshot.sample.len() <= 50);
    }
    assert!(multiplying < CASES / 3, "{multiplying} of {CASES} cases refused: too few ran");
    assert!(multiplying > 0, "no case closed a multiplying async cycle");
}
