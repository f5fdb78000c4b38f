//! The CLI as a user runs it: the real binary, its output and exit codes.

use std::io::Write;
use std::process::Command;

const STATION: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/station.toml");

fn scalesim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_scalesim")).args(args).output().expect("the binary runs")
}

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("scalesim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::File::create(&path).unwrap().write_all(text.as_bytes()).unwrap();
    path
}

#[test]
fn run_json_has_the_spec_keys_and_is_deterministic() {
    let args = ["run", STATION, "--json", "--duration", "30s"];
    let a = scalesim(&args);
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert_eq!(a.stdout, scalesim(&args).stdout, "same seed, same output");
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    for key in [
        "scenario",
        "seed",
        "sim_time_s",
        "events",
        "requests",
        "latency_ms",
        "throughput_rps",
        "loads",
        "nodes",
        "cost_per_million",
    ] {
        assert!(v.get(key).is_some(), "missing `{key}`");
    }
    for key in ["offered", "ok", "degraded", "error", "timeout", "rejected", "in_flight"] {
        assert!(v["requests"].get(key).is_some(), "missing requests.{key}");
    }
    for key in ["mean", "p50", "p90", "p99", "p999", "max"] {
        assert!(v["latency_ms"].get(key).is_some(), "missing latency_ms.{key}");
    }
    for key in [
        "arrivals",
        "completed",
        "rejected",
        "utilization",
        "mean_queue",
        "max_queue",
        "latency_ms",
        "calls",
        "retries",
    ] {
        assert!(v["nodes"]["api"].get(key).is_some(), "missing nodes.api.{key}");
    }
    assert!(v["loads"]["users"]["requests"]["offered"].as_u64().unwrap() > 40_000);
    // M/M/2 at ρ = 0.75: 2.29 ms mean.
    let mean = v["latency_ms"]["mean"].as_f64().unwrap();
    assert!((mean - 2.29).abs() < 0.15, "mean {mean}");
}

#[test]
fn overrides_change_the_run() {
    let base = scalesim(&["run", STATION, "--json", "--duration", "20s"]);
    let more = scalesim(&[
        "run",
        STATION,
        "--json",
        "--duration",
        "20s",
        "--set",
        "api.workers=4",
        "--seed",
        "7",
    ]);
    assert!(more.status.success(), "{}", String::from_utf8_lossy(&more.stderr));
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_slice(&base.stdout).unwrap(),
        serde_json::from_slice(&more.stdout).unwrap(),
    );
    assert_eq!(b["seed"], 7);
    assert!(
        b["nodes"]["api"]["utilization"].as_f64().unwrap()
            < a["nodes"]["api"]["utilization"].as_f64().unwrap() * 0.6
    );
}

#[test]
fn human_summary_and_windows() {
    let out = scalesim(&["run", STATION, "--duration", "5s", "--windows"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("One service, two workers")
            && text.contains("latency ms")
            && text.contains("windows"),
        "{text}"
    );
    assert_eq!(
        text.lines().filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit())).count(),
        5,
        "{text}"
    );
}

#[test]
fn a_bad_file_lists_every_problem_with_line_key_and_suggestion() {
    let path = temp_file(
        "bad.toml",
        r#"[scenario]
name = "bad"

[[load]]
id = "users"
target = "apii"
rate = -5

[[node]]
id = "api"
kind = "service"
replcias = 2
service_time = { dist = "exp", mean = "1ms" }
  [[node.call]]
  to = "db"
  tiemout = "1s"
"#,
    );
    let out = scalesim(&["run", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml:12: `node[0].replcias`") && err.contains("did you mean `replicas`?"),
        "{err}"
    );
    assert!(
        err.contains("bad.toml:16: `node[0].call[0].tiemout`")
            && err.contains("did you mean `timeout`?"),
        "{err}"
    );
}

#[test]
fn meaning_problems_are_all_listed() {
    let path = temp_file(
        "cycle.toml",
        r#"[scenario]
name = "cycle"

[[load]]
id = "users"
target = "apii"
rate = -5

[[node]]
id = "api"
kind = "service"
service_time = { dist = "exp", mean = "1ms" }
  [[node.call]]
  to = "db"

[[node]]
id = "db"
kind = "service"
service_time = { dist = "lognormal", p50 = "5ms", p99 = "1ms" }
  [[node.call]]
  to = "api"
"#,
    );
    let out = scalesim(&["run", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("4 problems"), "{err}");
    assert!(
        err.contains(
            "cycle.toml:6: `load[0].target`: no node is called `apii`; did you mean `api`?"
        ),
        "{err}"
    );
    assert!(err.contains("cycle.toml:7: `load[0].rate`"), "{err}");
    assert!(err.contains("lognormal"), "{err}");
    assert!(err.contains("cycle (api → db → api)"), "{err}");
}

#[test]
fn bad_arguments_get_clear_messages() {
    let out = scalesim(&["run", STATION, "--duration", "5"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no unit"));
    let out = scalesim(&["run", STATION, "--set", "apx.workers=3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `api`?"));
    let out = scalesim(&["run", "/nonexistent.toml"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /nonexistent.toml"));
    let out = scalesim(&["run", STATION, "--set", "api.workers=many"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("api.workers"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn check_passes_holds_and_fails_breaches() {
    let ok = scalesim(&["check", STATION]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stdout));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("3 expectations, 0 failed"));

    let text = std::fs::read_to_string(STATION).unwrap()
        + "\n[[expect]]\nmetric = \"p99\"\nbelow = \"1ms\"\n\n[[expect]]\nmetric = \"throughput\"\nabove = 1000\n";
    let breach = scalesim(&["check", temp_file("breach.toml", &text).to_str().unwrap()]);
    assert_eq!(breach.status.code(), Some(1));
    let out = String::from_utf8_lossy(&breach.stdout);
    assert!(
        out.contains("FAIL  p99 of all users < 1ms") && out.contains("5 expectations, 1 failed"),
        "{out}"
    );
}

#[test]
fn check_refuses_a_bad_expectation_with_a_suggestion() {
    let text = std::fs::read_to_string(STATION).unwrap()
        + "\n[[expect]]\nmetric = \"pp99\"\nbelow = \"1ms\"\n\n[[expect]]\nmetric = \"utilization\"\nnode = \"apj\"\nbelow = \"1ms\"\n";
    let out = scalesim(&["check", temp_file("bad-expect.toml", &text).to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`expect[3].metric`: unknown metric `pp99`; did you mean `p99`?"),
        "{err}"
    );
    assert!(err.contains("no node is called `apj`; did you mean `api`?"), "{err}");
    assert!(err.contains("is a number, not a duration"), "{err}");
}

#[test]
fn sweep_draws_the_scaling_curve() {
    let out = scalesim(&[
        "sweep",
        STATION,
        "--param",
        "load.users.rate=500..2200:6",
        "--runs",
        "3",
        "--duration",
        "20s",
        "--json",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 6);
    let p99: Vec<f64> = points.iter().map(|p| p["p99_ms"]["mean"].as_f64().unwrap()).collect();
    assert!(p99.windows(2).all(|w| w[1] > w[0]), "p99 rises with load: {p99:?}");
    let goodput = points.last().unwrap()["goodput_rps"]["mean"].as_f64().unwrap();
    assert!((goodput - 2000.0).abs() < 60.0, "saturates at 2 workers / 1 ms: {goodput}");
    assert_eq!(points.iter().filter(|p| p["knee"] == true).count(), 1, "one knee");
    assert!(points[0]["p99_ms"]["ci95"].as_f64().unwrap() > 0.0, "replications give an interval");
    // Same seeds, same curve.
    let again = scalesim(&[
        "sweep",
        STATION,
        "--param",
        "load.users.rate=500..2200:6",
        "--runs",
        "3",
        "--duration",
        "20s",
        "--json",
    ]);
    assert_eq!(out.stdout, again.stdout);
}

#[test]
fn sweep_csv_and_bad_ranges() {
    let out = scalesim(&[
        "sweep",
        STATION,
        "--param",
        "api.workers=1..4:4",
        "--runs",
        "1",
        "--duration",
        "5s",
        "--csv",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("value,offered_rps,offered_rps_ci95,goodput_rps"), "{text}");
    assert_eq!(lines.len(), 5);
    assert!(lines[1].starts_with("1,"));
    for bad in ["api.workers", "api.workers=1..4", "api.workerz=1..4:4", "api.workers=0..4:4"] {
        let out = scalesim(&["sweep", STATION, "--param", bad, "--duration", "1s"]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn schema_describes_the_scenario_format() {
    let out = scalesim(&["schema"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["title"], "Scenario");
    let text = v.to_string();
    for word in [
        "service_time",
        "wait_for",
        "cancel_on_timeout",
        "decorrelated",
        "think_time",
        "least_outstanding",
    ] {
        assert!(text.contains(word), "schema lacks {word}");
    }
}

/// One worker, one second a request, a million requests a second.
const FLOOD: &str = "[scenario]\nname = \"flood\"\nduration = \"1h\"\n\n[[load]]\nid = \"users\"\ntarget = \"api\"\nrate = 1000000\n\n[[node]]\nid = \"api\"\nkind = \"service\"\nworkers = 1\nservice_time = { dist = \"const\", value = \"1s\" }\n";

#[test]
fn an_overload_stops_with_its_own_exit_code_and_names_the_node() {
    let path = temp_file("flood.toml", FLOOD);
    let out = scalesim(&["run", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("flood.toml: overload") && err.contains("`api`"), "{err}");
    assert!(err.contains("capacity") && err.contains("a simulated second"), "{err}");
    // The bound can be moved for a native run.
    let out = scalesim(&["run", path.to_str().unwrap(), "--max-in-flight", "100000"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("limit of 100,000 (about 9 MB)"), "{err}");
    // The JSON has what was measured until the stop, and why it stopped.
    let out = scalesim(&["run", path.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["overload"]["nodes"][0]["node"], "api");
    assert!(v["message"].as_str().is_some_and(|m| m.contains("overload")));
    // check and sweep say the same, with the same code.
    let text = FLOOD.to_owned() + "\n[[expect]]\nmetric = \"p99\"\nbelow = \"1s\"\n";
    let expecting = temp_file("flood-expect.toml", &text);
    let out = scalesim(&["check", expecting.to_str().unwrap(), STATION]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`api`"));
    let out = scalesim(&[
        "sweep",
        path.to_str().unwrap(),
        "--param",
        "api.workers=1..2:2",
        "--runs",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("at api.workers = 1: overload"), "{err}");
}

#[test]
fn exit_codes_are_documented_and_usage_has_its_own() {
    let help = scalesim(&["--help"]);
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    for code in ["0 ", "1 ", "2 ", "3 ", "64 "] {
        assert!(text.contains(&format!("  {code}")), "exit code {code}not in --help: {text}");
    }
    assert_eq!(scalesim(&["run", STATION, "--no-such-flag"]).status.code(), Some(64));
}

#[test]
fn a_sweep_past_the_step_limit_is_refused_at_once() {
    let started = std::time::Instant::now();
    let out =
        scalesim(&["sweep", STATION, "--param", "load.users.rate=1..100000:100000", "--runs", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(started.elapsed().as_secs() < 5);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("limit of 10000 steps") && err.contains(":100`"), "{err}");
}
