//! Hostile and absurd scenarios are refused before they run, each with a
//! message naming the limit it breaks and why limits exist.

use scalesim_engine::{Scenario, Simulation, limits};

const HEAD: &str = "[scenario]\nname = \"absurd\"\n";

fn service(id: &str, extra: &str) -> String {
    format!(
        "[[node]]\nid = \"{id}\"\nkind = \"service\"\nservice_time = {{ dist = \"exp\", mean = \"1ms\" }}\n{extra}\n"
    )
}

fn load(rate: &str) -> String {
    format!("[[load]]\nid = \"users\"\ntarget = \"n0\"\nrate = {rate}\n")
}

/// The refusal's text, from reading or from starting the run.
fn refusal(text: &str) -> String {
    match Scenario::from_toml("absurd.toml", text).and_then(Simulation::new) {
        Ok(_) => panic!("accepted:\n{}", &text[..text.len().min(400)]),
        Err(e) => e.to_string(),
    }
}

fn assert_refused(text: &str, names: &str) {
    let message = refusal(text);
    assert!(message.contains(names), "`{names}` not in: {message}");
    assert!(message.contains("limit of scalesim"), "no reason in: {message}");
}

#[test]
fn a_million_nodes_is_refused_unread() {
    let mut text = String::from(HEAD) + &load("10");
    let node = service("n", "");
    while text.len() <= limits::MAX_TEXT_BYTES {
        text.push_str(&node);
    }
    // Just past the limit: in bytes, since in MB the two would read the same.
    assert_refused(&text, " bytes; at most 4194304 bytes");
    // Fewer, still too many: counted after reading.
    let mut text = String::from(HEAD) + &load("10");
    for i in 0..=limits::MAX_NODES {
        text.push_str(&service(&format!("n{i}"), ""));
    }
    assert_refused(&text, "nodes");
}

#[test]
fn absurd_rates_fanouts_and_durations_are_refused() {
    assert_refused(&(String::from(HEAD) + &load("1e9") + &service("n0", "")), "requests/s");
    let fanout = "  [[node.call]]\n  to = \"n1\"\n  fanout = 1000000\n";
    let text = String::from(HEAD) + &load("10") + &service("n0", fanout) + &service("n1", "");
    assert_refused(&text, "expected 1 to 10000");
    let years = "[scenario]\nname = \"absurd\"\nduration = \"87600h\"\n".to_owned();
    assert_refused(&(years + &load("10") + &service("n0", "")), "of simulated time");
    let fine_windows =
        "[scenario]\nname = \"absurd\"\nduration = \"8000h\"\nwindow = \"1ms\"\n".to_owned();
    assert_refused(&(fine_windows + &load("10") + &service("n0", "")), "windows");
}

#[test]
fn fanouts_legal_one_by_one_are_refused_when_they_multiply() {
    let call = |to: &str| format!("  [[node.call]]\n  to = \"{to}\"\n  fanout = 10000\n");
    let text = String::from(HEAD)
        + &load("10")
        + &service("n0", &call("n1"))
        + &service("n1", &call("n2"))
        + &service("n2", "");
    assert_refused(&text, "node visits");
    // One such fan-out is fine.
    let text = String::from(HEAD) + &load("10") + &service("n0", &call("n1")) + &service("n1", "");
    assert!(Scenario::from_toml("ok.toml", &text).and_then(Simulation::new).is_ok());
}

#[test]
fn a_deep_sync_cycle_is_found_and_named() {
    let mut text = String::from(HEAD) + &load("10");
    let depth = 1500;
    for i in 0..depth {
        let next = (i + 1) % depth;
        text.push_str(&service(
            &format!("n{i}"),
            &format!("  [[node.call]]\n  to = \"n{next}\"\n"),
        ));
    }
    let message = refusal(&text);
    assert!(message.contains("sync calls form a cycle"), "{}", &message[..message.len().min(300)]);
}

#[test]
fn ids_are_short_names() {
    let long = "n".repeat(40_000);
    let text = String::from(HEAD)
        + &format!("[[load]]\nid = \"users\"\ntarget = \"{long}x\"\nrate = 10\n")
        + &service(&long, "");
    let started = std::time::Instant::now();
    let message = refusal(&text);
    assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());
    assert!(
        message.contains("40000 characters long") && message.contains("at most 64"),
        "{message}"
    );
    assert!(message.len() < 2_000, "the id is not echoed whole: {} bytes", message.len());
    let text = String::from(HEAD) + &load("10") + &service("n0", "") + &service("my api", "");
    let message = refusal(&text);
    assert!(message.contains("contains ` `") && message.contains("`my-api`"), "{message}");
}

#[test]
fn totals_over_the_scenario_are_capped() {
    let mut text = String::from(HEAD) + &load("10");
    for i in 0..20 {
        text.push_str(&service(&format!("n{i}"), "replicas = 10000"));
    }
    assert_refused(&text, "200000 replicas in all");
    let mut text = String::from(HEAD) + &load("10");
    for i in 0..10 {
        text.push_str(&service(&format!("n{i}"), "replicas = 100\nworkers = 100000"));
    }
    assert_refused(&text, "100000000 workers in all");
    // At the limit is fine.
    let mut text = String::from(HEAD) + &load("10");
    for i in 0..10 {
        text.push_str(&service(&format!("n{i}"), "replicas = 10000"));
    }
    assert!(Scenario::from_toml("ok.toml", &text).and_then(Simulation::new).is_ok());
}

#[test]
fn an_async_cycle_that_multiplies_or_never_ends_is_refused() {
    let call = |to: &str, extra: &str| {
        format!("  [[node.call]]\n  to = \"{to}\"\n  mode = \"async\"\n  {extra}\n")
    };
    let cycle = |a: &str, b: &str| {
        String::from(HEAD)
            + &load("10")
            + &service("n0", &call("n1", a))
            + &service("n1", &call("n0", b))
    };
    let message = refusal(&cycle("fanout = 2", ""));
    assert!(message.contains("async calls form a cycle (n0 → n1 → n0)"), "{message}");
    assert!(message.contains("multiplies without end") && message.contains("2.000"), "{message}");
    let message = refusal(&cycle("", ""));
    assert!(message.contains("never ends"), "{message}");
    // One in two passes goes on: it dies out, and runs.
    let text = cycle("probability = 0.5", "");
    assert!(Scenario::from_toml("ok.toml", &text).and_then(Simulation::new).is_ok());
    // Through a queue node, and with fan-out × probability above one.
    let text = String::from(HEAD)
        + &load("10")
        + &service("n0", &call("q", "fanout = 3\n  probability = 0.5"))
        + "[[node]]\nid = \"q\"\nkind = \"queue\"\nto = \"n0\"\n";
    assert_refused(&text, "1.500ⁿ");
}

#[test]
fn only_a_validated_scenario_starts() {
    use scalesim_engine::scenario::Validated;
    let good = String::from(HEAD) + &load("10") + &service("n0", "");
    let scenario = Scenario::from_toml("ok.toml", &good).unwrap();
    // Edited after reading: validated again before it may start.
    let mut bad = scenario.clone();
    bad.loads[0].target = "n1".to_owned();
    let message = Validated::new(bad).unwrap_err().to_string();
    assert!(message.contains("no node is called `n1`; did you mean `n0`?"), "{message}");
    let validated = Validated::new(scenario.clone()).unwrap();
    assert_eq!(validated.scenario(), &scenario);
    let end = scalesim_engine::SimTime::ZERO + scalesim_engine::SimDuration::from_secs(5);
    let mut a = Simulation::start(validated).unwrap();
    let mut b = Simulation::new(scenario).unwrap();
    assert_eq!(a.advance_until(end), b.advance_until(end));
}

/// Each limit: accepted at the limit, refused one past it, with the limit,
/// the value and the reason in the message.
#[test]
fn every_limit_holds_at_the_limit_and_refuses_past_it() {
    let calling = |extra: &str| {
        String::from(HEAD)
            + &load("10")
            + &service("n0", &format!("  [[node.call]]\n  to = \"n1\"\n  {extra}\n"))
            + &service("n1", "")
    };
    let long_day = |d: &str| {
        format!("[scenario]\nname = \"absurd\"\nduration = \"{d}\"\nwindow = \"1h\"\n")
            + &load("10")
            + &service("n0", "")
    };
    let named =
        |id: String| String::from(HEAD) + &load("10") + &service("n0", "") + &service(&id, "");
    let many = |nodes: usize| {
        let mut text = String::from(HEAD) + &load("10");
        for i in 0..nodes {
            text.push_str(&service(&format!("n{i}"), "replicas = 10000"));
        }
        text
    };
    let cases: Vec<(String, String, &str)> = vec![
        (
            String::from(HEAD) + &load("10") + &service("n0", "replicas = 10000"),
            String::from(HEAD) + &load("10") + &service("n0", "replicas = 10001"),
            "expected 1 to 10000 replicas, got 10001",
        ),
        (
            String::from(HEAD) + &load("10") + &service("n0", "workers = 100000"),
            String::from(HEAD) + &load("10") + &service("n0", "workers = 100001"),
            "expected 1 to 100000 workers, got 100001",
        ),
        (calling("fanout = 10000"), calling("fanout = 10001"), "expected 1 to 10000, got 10001"),
        (
            calling("timeout = \"1s\"\n  retry = { attempts = 100 }"),
            calling("timeout = \"1s\"\n  retry = { attempts = 101 }"),
            "got 101",
        ),
        (
            String::from(HEAD) + &load("1e7") + &service("n0", ""),
            String::from(HEAD) + &load("1.1e7") + &service("n0", ""),
            "11000000 requests/s; at most 10000000",
        ),
        (long_day("8784h"), long_day("8785h"), "of simulated time; at most"),
        (named("n".repeat(64)), named("n".repeat(65)), "65 characters long"),
        (many(10), many(11), "110000 replicas in all"),
    ];
    for (at, past, words) in cases {
        if let Err(e) = Scenario::from_toml("at.toml", &at).and_then(Simulation::new) {
            panic!("refused at the limit ({words}): {e}");
        }
        assert_refused(&past, words);
    }
}
