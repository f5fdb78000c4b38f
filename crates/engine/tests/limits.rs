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
    assert_refused(&text, "bytes; at most");
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
