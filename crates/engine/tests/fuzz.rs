//! Fuzzing the scenario reader and the engine: every built-in scenario,
//! mutated thousands of ways (bytes dropped, inserted and replaced, lines
//! duplicated or cut, numbers changed or multiplied up to a hundredfold, strings
//! made thousands of characters long, async cycles with fan-out closed),
//! must be read or refused with a
//! message, never panic; what is accepted must run without panicking, with
//! time moving forward and requests conserved. Found cases live in
//! `tests/corpus/` and are replayed here as regression tests.

use std::panic::{AssertUnwindSafe, catch_unwind};

use scalesim_engine::rng::Rng;
use scalesim_engine::{Scenario, SimDuration, SimTime, Simulation};

/// Mutated scenarios tried.
const CASES: usize = 30_000;
/// Simulated time each accepted one runs.
const RUN: SimDuration = SimDuration::from_millis(300);

fn scenarios() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).unwrap_or_default()))
        .collect()
}

const PIECES: [&str; 14] = [
    "0",
    "-1",
    "1e308",
    "nan",
    "inf",
    "\"\"",
    "[",
    "]",
    "{",
    "}",
    "\"0ms\"",
    "\n[[node]]\n",
    "async",
    "999999999",
];

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..=rng.below(3) {
        if bytes.is_empty() {
            break;
        }
        let at = rng.below(bytes.len() as u64) as usize;
        match rng.below(9) {
            0 => {
                let end = (at + 1 + rng.below(20) as usize).min(bytes.len());
                bytes.drain(at..end);
            }
            1 => {
                let piece = PIECES[rng.below(PIECES.len() as u64) as usize];
                bytes.splice(at..at, piece.bytes());
            }
            2 => bytes[at] = b"0123456789.-=\"[]{}\n ,"[rng.below(21) as usize],
            3 => bytes.truncate(at),
            4 => {
                // Duplicate a line.
                let start = bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                let end = bytes[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |i| at + i + 1);
                let line = bytes[start..end].to_vec();
                bytes.splice(end..end, line);
            }
            6 => {
                // Lengthen a string (an id, a target) far past a name's
                // length.
                if let Some(q) = bytes[at..].iter().position(|&b| b == b'"') {
                    let long = vec![b'n'; 60 + rng.below(5_000) as usize];
                    bytes.splice(at + q + 1..at + q + 1, long);
                }
            }
            7 => {
                // Close an async cycle with a fan-out.
                bytes.extend_from_slice(
                    format!(
                        "\n[[node]]\nid = \"cyc\"\nkind = \"service\"\nservice_time = {{ dist = \"exp\", mean = \"1ms\" }}\n  [[node.call]]\n  to = \"cyc\"\n  mode = \"async\"\n  fanout = {}\n",
                        1 + rng.below(3)
                    )
                    .as_bytes(),
                );
            }
            8 => {
                // Ten or a hundred times the number (a load far past
                // capacity; more would only make the test slow).
                if let Some(d) = bytes[at..].iter().position(u8::is_ascii_digit) {
                    let zeros: &[u8] = if rng.below(3) == 0 { b"00" } else { b"0" };
                    bytes.splice(at + d + 1..at + d + 1, zeros.iter().copied());
                }
            }
            _ => {
                // Change a number in place.
                if let Some(d) = bytes[at..].iter().position(u8::is_ascii_digit) {
                    bytes[at + d] = b'0' + rng.below(10) as u8;
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Reads and, if accepted, runs a scenario; panics (the test fails) only
/// on a real defect.
fn exercise(name: &str, text: &str) -> bool {
    let read = catch_unwind(AssertUnwindSafe(|| Scenario::from_toml(name, text)));
    let Ok(read) = read else { panic!("reading panicked on:\n{text}") };
    let Ok(scenario) = read else { return false };
    let Ok(mut sim) = Simulation::new(scenario) else { return false };
    let ran = catch_unwind(AssertUnwindSafe(|| {
        let mut last = sim.now();
        let end = SimTime::ZERO + RUN;
        while sim.now() < end && sim.stalled().is_none() {
            let step = (sim.now() + SimDuration::from_millis(50)).min(end);
            sim.advance_until(step);
            assert!(sim.now() >= last, "time went back");
            last = sim.now();
        }
        assert!(sim.conserved(), "requests not conserved");
    }));
    if let Err(e) = ran {
        let why = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()));
        panic!("running panicked ({why:?}) on:\n{text}");
    }
    true
}

#[test]
fn mutated_scenarios_are_read_or_refused_and_run_without_panicking() {
    let files = scenarios();
    assert!(files.len() >= 30);
    let mut rng = Rng::seeded(20_261_122);
    let mut accepted = 0;
    for case in 0..CASES {
        let (name, text) = &files[case % files.len()];
        let mutated = mutate(text, &mut rng);
        accepted += usize::from(exercise(name, &mutated));
    }
    // The mutations must leave a fair share runnable, or the run half of
    // this test would test nothing.
    assert!(accepted > CASES / 10, "only {accepted} of {CASES} mutants ran");
}

#[test]
fn random_bytes_are_refused_with_a_message() {
    let mut rng = Rng::seeded(7);
    for _ in 0..2_000 {
        let len = rng.below(400) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| rng.below(256) as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        let read = catch_unwind(AssertUnwindSafe(|| Scenario::from_toml("noise", &text)));
        assert!(read.is_ok_and(|r| r.is_err_and(|e| !e.to_string().is_empty())));
    }
}

#[test]
fn the_corpus_of_found_cases_stays_fixed() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir}: {e}")).flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        exercise(&entry.path().display().to_string(), &text);
        n += 1;
    }
    assert!(n >= 7);
}
