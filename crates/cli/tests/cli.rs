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
        err.contains("bad.toml:12: `node \"api\".replcias`")
            && err.contains("did you mean `replicas`?"),
        "{err}"
    );
    assert!(
        err.contains("bad.toml:16: `node \"api\".call[0].tiemout`")
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
            "cycle.toml:6: `load \"users\".target`: no node is called `apii`; did you mean `api`?"
        ),
        "{err}"
    );
    assert!(err.contains("cycle.toml:7: `load \"users\".rate`"), "{err}");
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
        out.contains(
            "breach.toml:42: p99 of all users < 1ms: 9.503 ms, 9.503 times the bound (1 ms)"
        ) && out.contains("5 expectations, 1 failed"),
        "{out}"
    );
}

#[test]
fn check_refuses_a_bad_expectation_with_a_suggestion() {
    let text = std::fs::read_to_string(STATION).unwrap()
        + "\n[[expect]]\nmetric = \"pp99\"\nbelow = \"1ms\"\n\n[[expect]]\nmetric = \"utilization\"\nnode = \"apj\"\nbelow = \"1ms\"\n";
    let out = scalesim(&["check", temp_file("bad-expect.toml", &text).to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stdout);
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
    // Zero runs is a usage error, as for `check` and `capacity`.
    let out = scalesim(&["sweep", STATION, "--param", "api.workers=1..4:4", "--runs", "0"]);
    assert_eq!(out.status.code(), Some(64));
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

/// 9 000 requests/s into a service that serves about 1 600/s, with users
/// who give up after a second: every request times out.
const COLLAPSE: &str = r#"
[scenario]
name = "Collapse: far past capacity"
seed = 7
duration = "20s"
warmup = "5s"

[[load]]
id = "users"
target = "api"
rate = 9000
timeout = "1s"

[[node]]
id = "api"
kind = "service"
workers = 8
service_time = { dist = "exp", mean = "5ms" }
"#;

#[test]
fn a_collapse_fails_latency_and_error_checks_and_has_no_latency() {
    let p99 = temp_file(
        "collapse-p99.toml",
        &format!("{COLLAPSE}\n[[expect]]\nmetric = \"p99\"\nbelow = \"250ms\"\n"),
    );
    let out = scalesim(&["check", p99.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("FAIL") && text.contains("no request was answered"), "{text}");
    assert!(!text.contains("0.0000"), "{text}");

    let errors = temp_file(
        "collapse-errors.toml",
        &format!("{COLLAPSE}\n[[expect]]\nmetric = \"error_rate\"\nbelow = 0.001\n"),
    );
    let out = scalesim(&["check", errors.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("FAIL") && text.contains("times the bound"), "{text}");

    let out = scalesim(&["run", p99.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["requests"]["ok"], 0);
    assert_eq!(v["latency_ms"]["count"], 0);
    for key in ["mean", "p50", "p90", "p99", "p999", "max"] {
        assert!(v["latency_ms"][key].is_null(), "latency_ms.{key} = {}", v["latency_ms"][key]);
    }
    let out = scalesim(&["run", p99.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("latency ms: no answers"), "{text}");
}

#[test]
fn a_queue_that_grew_without_bound_is_noted_and_fails_a_bound_on_the_share_answered() {
    // Twice what one worker serves and no timeout: nothing fails, half
    // the requests wait in the queue at the end, and those answered make a
    // p99 under a generous bound; so does a bound on failures.
    let piled = "[scenario]\nname = \"piled up\"\nduration = \"20s\"\n[[load]]\nid = \"users\"\ntarget = \"svc\"\nrate = 2000\n[[node]]\nid = \"svc\"\nkind = \"service\"\nservice_time = { dist = \"const\", value = \"1ms\" }\n[[expect]]\nmetric = \"p99\"\nbelow = \"20s\"\n[[expect]]\nmetric = \"failure_rate\"\nbelow = 0.01\n";
    let file = temp_file("piled-up.toml", piled);
    let out = scalesim(&["check", file.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains(
            "note: p99 counts answered requests only, and 49.7% of the requests were still \
             waiting when the run ended: bound the share answered too"
        ),
        "{text}"
    );
    let bounded = temp_file(
        "piled-up-bounded.toml",
        &format!("{piled}[[expect]]\nmetric = \"success_rate\"\nabove = 0.99\n"),
    );
    let out = scalesim(&["check", bounded.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(!text.contains("note:"), "{text}");
}

#[test]
fn a_near_collapse_passes_a_latency_bound_with_a_note_and_absent_values_have_no_interval() {
    // No warm-up: the first second's few answers make a p99 under the
    // timeout while 98% of requests time out.
    let near = COLLAPSE.replace("warmup = \"5s\"", "warmup = \"0s\"");
    let p99 = temp_file(
        "near-collapse.toml",
        &format!("{near}\n[[expect]]\nmetric = \"p99\"\nbelow = \"1100ms\"\n"),
    );
    let out = scalesim(&["check", p99.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "the bound holds over the answers: {text}");
    assert!(
        text.contains("note: p99 counts answered requests only, and 9")
            && text.contains("failure_rate"),
        "{text}"
    );
    let out = scalesim(&["check", p99.to_str().unwrap(), "--format", "github"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("::warning file="), "{text}");
    let out = scalesim(&["check", p99.to_str().unwrap(), "--format", "junit"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\nnote: p99 counts answered requests only"), "{text}");
    // Bounding the failures too: the failure bound fails, and no note.
    let bounded = temp_file(
        "near-collapse-bounded.toml",
        &format!(
            "{near}\n[[expect]]\nmetric = \"p99\"\nbelow = \"1100ms\"\n\n[[expect]]\nmetric = \"failure_rate\"\nbelow = 0.01\n"
        ),
    );
    let out = scalesim(&["check", bounded.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(!text.contains("note:"), "{text}");
    // A total collapse: no value, so no interval either (null, not 0).
    let total = temp_file(
        "collapse-json.toml",
        &format!("{COLLAPSE}\n[[expect]]\nmetric = \"p99\"\nbelow = \"250ms\"\n"),
    );
    let out = scalesim(&["check", total.to_str().unwrap(), "--runs", "2", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = &v["files"][0]["expectations"][0];
    assert!(e["actual"].is_null() && e["ci95"].is_null(), "{e}");
    assert_eq!(e["passed"], false);
}

#[test]
fn sweep_table_shows_values_as_people_read_them_and_its_seeds() {
    let out = scalesim(&[
        "sweep",
        STATION,
        "--param",
        "load.users.rate=50..400:4",
        "--runs",
        "2",
        "--duration",
        "2s",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("at 4 values, 2 runs (seeds 42, 43) at each"), "{text}");
    assert!(text.contains("       166.7 ") && text.contains("       283.3 "), "{text}");
    assert!(!text.contains("166.666"), "{text}");
    let out = scalesim(&[
        "sweep",
        STATION,
        "--param",
        "load.users.rate=50..400:4",
        "--runs",
        "1",
        "--duration",
        "2s",
        "--csv",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\n166.66666666666669,"), "the CSV keeps the value set: {text}");
}

/// The station with one expectation that holds and one that breaks.
fn station_with_a_breach() -> std::path::PathBuf {
    let text = std::fs::read_to_string(STATION).unwrap()
        + "\n[[expect]]\nmetric = \"p99\"\nbelow = \"5ms\"\n";
    temp_file("station-breach.toml", &text)
}

/// The line of the last `[[expect]]` in a file.
fn last_expect_line(path: &std::path::Path) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().enumerate().filter(|(_, l)| l.trim() == "[[expect]]").last().unwrap().0 + 1
}

#[test]
fn check_junit_is_well_formed_junit_xml() {
    let breach = station_with_a_breach();
    let out = scalesim(&[
        "check",
        "--format",
        "junit",
        STATION,
        breach.to_str().unwrap(),
        "/no/such.toml",
    ]);
    assert_eq!(out.status.code(), Some(2), "a file that cannot run wins over a breach");
    let text = String::from_utf8(out.stdout).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len(), 3);
    let mut total = 0;
    for suite in &suites {
        assert_eq!(suite.tag_name().name(), "testsuite");
        let cases: Vec<_> = suite.children().filter(|n| n.has_tag_name("testcase")).collect();
        let count =
            |tag: &str| cases.iter().filter(|c| c.children().any(|n| n.has_tag_name(tag))).count();
        let attr = |name: &str| suite.attribute(name).unwrap().parse::<usize>().unwrap();
        assert_eq!(attr("tests"), cases.len());
        assert_eq!(attr("failures"), count("failure"));
        assert_eq!(attr("errors"), count("error"));
        for case in &cases {
            assert!(case.attribute("name").is_some() && case.attribute("classname").is_some());
        }
        total += cases.len();
    }
    assert_eq!(root.attribute("tests").unwrap().parse::<usize>().unwrap(), total);
    assert_eq!(root.attribute("failures"), Some("1"));
    assert_eq!(root.attribute("errors"), Some("1"));
    let failure = doc.descendants().find(|n| n.has_tag_name("failure")).unwrap();
    let case = failure.parent().unwrap();
    assert_eq!(case.attribute("name"), Some("p99 of all users < 5ms"));
    assert_eq!(case.attribute("line").unwrap(), last_expect_line(&breach).to_string());
    assert!(failure.attribute("message").unwrap().contains("% over the bound (5 ms)"), "{text}");
}

#[test]
fn check_github_annotates_the_expect_line() {
    let breach = station_with_a_breach();
    let path = breach.to_str().unwrap();
    let out = scalesim(&["check", "--format", "github", path]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let commands: Vec<&str> = text.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(commands.len(), 1, "{text}");
    // `::error file=F,line=L,title=T::message`, with `:` and `,` escaped
    // in the properties.
    let rest = commands[0].strip_prefix("::error ").unwrap();
    let (props, message) = rest.split_once("::").unwrap();
    let props: Vec<(&str, &str)> = props.split(',').map(|p| p.split_once('=').unwrap()).collect();
    assert_eq!(props[0], ("file", path.replace(':', "%3A").as_str()));
    assert_eq!(props[1], ("line", last_expect_line(&breach).to_string().as_str()));
    assert_eq!(props[2].0, "title");
    assert!(
        message.starts_with("p99 of all users < 5ms: ") && message.contains("over the bound"),
        "{message}"
    );
    assert!(!message.contains('\n'));
}

#[test]
fn check_over_runs_reports_intervals_and_takes_overrides() {
    let out = scalesim(&[
        "check",
        STATION,
        "--runs",
        "5",
        "--format",
        "json",
        "--duration",
        "30s",
        "--seed",
        "3",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["runs"], 5);
    assert_eq!(v["exit_code"], 0);
    let file = &v["files"][0];
    assert_eq!(file["seeds"], serde_json::json!([3, 4, 5, 6, 7]));
    for e in file["expectations"].as_array().unwrap() {
        assert_eq!(e["runs"], 5);
        assert!(e["ci95"].as_f64().unwrap() > 0.0, "{e}");
        assert!(e["line"].as_u64().unwrap() > 0);
    }
    let out = scalesim(&["check", STATION, "--runs", "5"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("5 runs, seeds 42..46") && text.contains(" ± "), "{text}");
    // --set reaches the run: one worker cannot carry the load.
    let out = scalesim(&["check", STATION, "--set", "api.workers=1"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn check_exit_codes_are_distinct() {
    let ok = scalesim(&["check", STATION]).status.code();
    let failed = scalesim(&["check", station_with_a_breach().to_str().unwrap()]).status.code();
    let cannot_run = scalesim(&["check", "/no/such/file.toml"]).status.code();
    let bad = temp_file("bad-value.toml", "[scenario]\nname = \"x\"\nduration = 5\n");
    let bad_file = scalesim(&["check", bad.to_str().unwrap()]).status.code();
    let usage = scalesim(&["check", STATION, "--runs", "zero"]).status.code();
    let no_option = scalesim(&["check", "--frobnicate", STATION]).status.code();
    assert_eq!((ok, failed, cannot_run, bad_file), (Some(0), Some(1), Some(2), Some(2)));
    assert_eq!((usage, no_option), (Some(64), Some(64)));
    let help = scalesim(&["check", "--help"]);
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("Exit codes") && help.contains("64 usage"), "{help}");

    // A file with no expectations passes with a note, or is refused.
    let empty = temp_file(
        "no-expect.toml",
        std::fs::read_to_string(STATION).unwrap().split("[[expect]]").next().unwrap(),
    );
    let note = scalesim(&["check", empty.to_str().unwrap()]);
    assert_eq!(note.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&note.stdout).contains("no [[expect]]"));
    let refused = scalesim(&["check", "--require-expect", empty.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
}

/// A file with sixteen mistakes of every kind: unknown keys, values of the
/// wrong type, values out of range, names that do not exist, a bad kind, a
/// distribution without its parameter, bad expectations.
const FIFTEEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fifteen-mistakes.toml");

#[test]
fn every_mistake_of_a_file_is_listed_in_one_run_in_line_order_in_words() {
    let out = scalesim(&["run", FIFTEEN]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let expected = [
        (3, "`scenario.duration`: `duration` is a duration: write \"60s\""),
        (4, "`scenario.windwo`: unknown key; did you mean `window`?"),
        (8, "`load \"shoppers\".target`: no node is called `apii`; did you mean `api`?"),
        (9, "`load \"shoppers\".rate`: expected a positive number"),
        (10, "`load \"shoppers\".timeout`: `timeout` is a duration: write \"3s\""),
        (15, "`node \"api\".workers`: `workers` must be a whole number of at least 1, not -4"),
        (16, "`node \"api\".replcias`: unknown key; did you mean `replicas`?"),
        (21, "`node \"api\".call[0].tiemout`: unknown key; did you mean `timeout`?"),
        (22, "`node \"api\".call[0].probability`: expected a share between 0 and 1, got 1.5"),
        (23, "`node \"api\".call[0].mode`: `mode` must be one of `sync`, `async`, not `sometimes`"),
        (27, "`node \"db\".kind`: `kind` must be one of"),
        (28, "`node \"db\".service_time`: needs `p99`"),
        (33, "`node \"cache\".hit_ratio`: `hit_ratio` must be a number, not \"high\""),
        (34, "`node \"cache\".on_miss`: no node is called `nowhere`"),
        (37, "`expect[0].metric`: unknown metric `utilisation`; did you mean `utilization`?"),
        (42, "`expect[1].below`: `below` is a bound"),
    ];
    assert!(err.contains(&format!("{} problems in the scenario", expected.len())), "{err}");
    let lines: Vec<&str> = err.lines().skip(1).collect();
    assert_eq!(lines.len(), expected.len(), "{err}");
    for (line, (number, words)) in lines.iter().zip(expected) {
        assert!(
            line.contains(&format!("fifteen-mistakes.toml:{number}: {words}")),
            "{line}\n\n{err}"
        );
    }
    for rust in ["u32", "f64", "untagged", "expected a string", "node["] {
        assert!(!err.contains(rust), "`{rust}` in\n{err}");
    }
    assert!(err.contains("did you mean `database`?"), "{err}");
}

/// The station with its p99 bound only.
fn station_p99_only() -> std::path::PathBuf {
    let text = std::fs::read_to_string(STATION).unwrap();
    let head = text.split("[[expect]]").next().unwrap();
    temp_file(
        "station-p99.toml",
        &format!("{head}[[expect]]\nmetric = \"p99\"\nbelow = \"15ms\"\n"),
    )
}

/// Where the p99 bound breaks: `capacity` (bisection, 3 runs a probe,
/// held only when the 95% interval is under 15 ms) lands within 3% of the
/// highest load at which a sweep in steps of 10 req/s (same seeds, same
/// runs) has its mean p99 under 15 ms, and never above the first that
/// does not.
#[test]
fn capacity_finds_where_a_p99_bound_breaks_as_a_fine_sweep_does() {
    let file = station_p99_only();
    let path = file.to_str().unwrap();
    let common = ["--runs", "3", "--duration", "30s", "--json"];
    let mut args = vec!["sweep", path, "--param", "load.users.rate=1500..1800:31"];
    args.extend(common);
    let sweep = scalesim(&args);
    assert!(sweep.status.success(), "{}", String::from_utf8_lossy(&sweep.stderr));
    let sweep: serde_json::Value = serde_json::from_slice(&sweep.stdout).unwrap();
    let points = sweep["points"].as_array().unwrap();
    let under = |p: &serde_json::Value| p["p99_ms"]["mean"].as_f64().unwrap() < 15.0;
    let last_under =
        points.iter().take_while(|p| under(p)).last().unwrap()["value"].as_f64().unwrap();
    let first_over = last_under + 10.0;

    let mut args = vec!["capacity", path, "--param", "load.users.rate=1000..2000"];
    args.extend(common);
    let out = scalesim(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["direction"], "highest");
    let found = v["value_number"].as_f64().unwrap();
    assert!(
        found <= first_over && (found - last_under).abs() <= 0.03 * last_under,
        "capacity {found}, sweep: under 15 ms up to {last_under}"
    );
    let breaks = &v["breaks_first"][0];
    assert_eq!(breaks["metric"], "p99");
    assert!(breaks["line"].as_u64().unwrap() > 0);
    assert!(v["breaks_at_number"].as_f64().unwrap() - found <= 10.0 + 1e-9);

    // Capacity in units: the fewest workers that keep the bound.
    let out = scalesim(&["capacity", path, "--param", "api.workers=1..8", "--duration", "20s"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("capacity of api.workers: 2 (the lowest value"), "{text}");
    assert!(text.contains("breaks at 1"), "{text}");
}

#[test]
fn sweep_steps_whole_numbers_and_durations_marks_knee_and_expectations_and_absent_p99() {
    let file = station_p99_only();
    let path = file.to_str().unwrap();
    // Capacity rising: the knee is where too few workers break, not the first step.
    let out = scalesim(&[
        "sweep",
        path,
        "--param",
        "api.workers=1..7:4",
        "--runs",
        "2",
        "--duration",
        "20s",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.lines().nth(1).is_some_and(|h| h.ends_with(" expects")), "{text}");
    assert!(!text.contains("SLO"), "an expectation is not necessarily an SLO: {text}");
    let rows: Vec<&str> = text.lines().skip(2).collect();
    assert_eq!(rows.len(), 5, "{text}");
    // The last line says what the column judges.
    assert!(rows[4].starts_with("expects: p99 of all users < "), "{text}");
    for (row, value) in rows.iter().zip(["1", "3", "5", "7"]) {
        assert!(row.trim_start().starts_with(&format!("{value} ")), "whole numbers: {text}");
    }
    assert!(
        rows[0].contains(" fail ")
            && rows[0].contains("← knee")
            && rows[0].contains("← expects fail"),
        "{text}"
    );
    assert!(rows[1].ends_with(" hold") && !rows[1].contains("knee"), "{text}");

    // Durations can be swept; the expectations' boundary is marked where p99
    // passes 15 ms (JSON keeps its keys: `slo_met`, `slo_boundary`).
    let out = scalesim(&[
        "sweep",
        path,
        "--param",
        "api.service_time.mean=500us..2ms:4",
        "--runs",
        "2",
        "--duration",
        "20s",
        "--json",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "duration");
    let texts: Vec<&str> =
        v["points"].as_array().unwrap().iter().map(|p| p["value_text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["500us", "1ms", "1500us", "2ms"]);
    let met: Vec<bool> =
        v["points"].as_array().unwrap().iter().map(|p| p["slo_met"].as_bool().unwrap()).collect();
    assert_eq!(met, [true, true, false, false]);
    assert_eq!(v["slo_boundary"].as_f64(), Some(1_500_000.0));

    // A step where no request is answered has no p99: null, empty, "no answers".
    let collapse = temp_file("collapse-sweep.toml", COLLAPSE);
    let args = [
        "sweep",
        collapse.to_str().unwrap(),
        "--param",
        "load.users.rate=100..9000:3",
        "--runs",
        "2",
        "--duration",
        "10s",
    ];
    let json = scalesim(&[&args[..], &["--json"]].concat());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(v["points"][0]["p99_ms"]["mean"].as_f64().unwrap() > 0.0);
    assert!(v["points"][2]["p99_ms"].is_null(), "{}", v["points"][2]);
    let csv = String::from_utf8(scalesim(&[&args[..], &["--csv"]].concat()).stdout).unwrap();
    assert!(
        csv.lines().last().unwrap().starts_with("9000,")
            && csv.lines().last().unwrap().contains(",,,"),
        "{csv}"
    );
    let text = String::from_utf8(scalesim(&args).stdout).unwrap();
    assert!(text.lines().last().unwrap().contains("no answers"), "{text}");
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
    assert!(err.contains("limit of 100,000 (about 12 MB)"), "{err}");
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
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("flood-expect.toml: overload") && report.contains("`api`"), "{report}");
    assert!(report.contains("1 stopped at the bound on work in flight (overload)"), "{report}");
    let out = scalesim(&["check", expecting.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["exit_code"].as_u64(), v["overload"].as_u64()), (Some(3), Some(1)));
    assert_eq!(v["files"][0]["status"], "overload");
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

/// `run --traces` writes OTLP JSON: the protocol's field names, ids of 32
/// and 16 hex characters, times as decimal strings from the stated epoch,
/// and each trace a tree with one root whose spans sit inside their
/// parents.
#[test]
fn run_traces_writes_otlp_json_that_reads_back_as_trees() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/retry-storm.toml");
    let dir = std::env::temp_dir().join(format!("scalesim-cli-traces-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("traces.json");
    let out_arg = out.to_str().unwrap();
    let run = scalesim(&["run", file, "--duration", "30s", "--traces", out_arg]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(text.contains("where the p99 goes"), "{text}");
    let again = scalesim(&["run", file, "--duration", "30s", "--traces", out_arg]);
    let first = std::fs::read(&out).unwrap();
    assert!(again.status.success());
    assert_eq!(first, std::fs::read(&out).unwrap(), "same seed, same file");

    let doc: serde_json::Value = serde_json::from_slice(&first).unwrap();
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    let mut spans: std::collections::HashMap<String, Vec<serde_json::Value>> = Default::default();
    let resources = doc["resourceSpans"].as_array().expect("resourceSpans");
    assert!(!resources.is_empty());
    for r in resources {
        let attrs = r["resource"]["attributes"].as_array().unwrap();
        let attr = |k: &str| attrs.iter().find(|a| a["key"] == k).map(|a| a["value"].clone());
        assert!(attr("service.name").unwrap()["stringValue"].is_string());
        assert_eq!(attr("scalesim.epoch").unwrap()["stringValue"], "2000-01-01T00:00:00Z");
        for scope in r["scopeSpans"].as_array().expect("scopeSpans") {
            assert_eq!(scope["scope"]["name"], "scalesim");
            for span in scope["spans"].as_array().expect("spans") {
                let trace = span["traceId"].as_str().unwrap();
                assert!(hex(trace, 32), "traceId {trace}");
                assert!(hex(span["spanId"].as_str().unwrap(), 16));
                let parent = span["parentSpanId"].as_str().unwrap();
                assert!(parent.is_empty() || hex(parent, 16));
                assert!(span["name"].as_str().is_some_and(|n| !n.is_empty()));
                assert!((1..=5).contains(&span["kind"].as_u64().unwrap()));
                assert!(span["status"]["code"].as_u64().unwrap() <= 2);
                for a in span["attributes"].as_array().unwrap() {
                    let v = a["value"].as_object().unwrap();
                    assert_eq!(v.len(), 1);
                    let (kind, value) = v.iter().next().unwrap();
                    match kind.as_str() {
                        "stringValue" => assert!(value.is_string()),
                        "intValue" => assert!(value.as_str().unwrap().parse::<i64>().is_ok()),
                        "boolValue" => assert!(value.is_boolean()),
                        other => panic!("attribute value {other}"),
                    }
                }
                spans.entry(trace.to_owned()).or_default().push(span.clone());
            }
        }
    }
    assert!(spans.len() > 20, "{} traces", spans.len());
    let time = |s: &serde_json::Value, k: &str| s[k].as_str().unwrap().parse::<u64>().unwrap();
    let mut retried = 0;
    for (trace, spans) in &spans {
        let roots: Vec<_> = spans.iter().filter(|s| s["parentSpanId"] == "").collect();
        assert_eq!(roots.len(), 1, "trace {trace}: one root");
        let by_id: std::collections::HashMap<&str, &serde_json::Value> =
            spans.iter().map(|s| (s["spanId"].as_str().unwrap(), s)).collect();
        assert_eq!(by_id.len(), spans.len(), "span ids unique");
        for s in spans {
            let (start, end) = (time(s, "startTimeUnixNano"), time(s, "endTimeUnixNano"));
            assert!(start >= 946_684_800_000_000_000 && start <= end);
            let parent = s["parentSpanId"].as_str().unwrap();
            if !parent.is_empty() {
                let p = by_id.get(parent).unwrap_or_else(|| panic!("{trace}: parent {parent}"));
                assert!(time(p, "startTimeUnixNano") <= start && end <= time(p, "endTimeUnixNano"));
            }
            if s["name"].as_str().unwrap().contains("(attempt ") {
                retried += 1;
            }
        }
    }
    assert!(retried > 0, "the retry storm's traces show retries");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn run_traces_to_a_path_that_cannot_be_written_is_refused() {
    let out =
        scalesim(&["run", STATION, "--duration", "5s", "--traces", "/nonexistent/dir/t.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write traces"));
}

/// Across regions, `run --traces` names the network: spans `network → NODE`
/// and `network ← NODE` with phase `network` inside their attempts, and the
/// p99 split prints "on the network" first.
#[test]
fn run_traces_across_regions_names_the_network() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/cross-region.toml");
    let dir = std::env::temp_dir().join(format!("scalesim-cli-net-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("traces.json");
    let run = scalesim(&["run", file, "--duration", "20s", "--traces", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let text = String::from_utf8_lossy(&run.stdout);
    let p99 = text.split("where the p99 goes").nth(1).expect("the p99 split");
    let first = p99.lines().find(|l| l.trim_end().ends_with('%')).unwrap_or("");
    assert!(first.contains("on the network"), "{p99}");
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let spans: Vec<&serde_json::Value> = doc["resourceSpans"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["scopeSpans"].as_array().unwrap())
        .flat_map(|s| s["spans"].as_array().unwrap())
        .collect();
    let attr = |s: &serde_json::Value, k: &str| {
        s["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["key"] == k)
            .map(|a| a["value"].clone())
    };
    let network: Vec<_> = spans
        .iter()
        .filter(|s| attr(s, "scalesim.phase").unwrap()["stringValue"] == "network")
        .collect();
    assert!(network.iter().any(|s| s["name"] == "network → inventory"));
    assert!(network.iter().any(|s| s["name"] == "network ← inventory"));
    for s in &network {
        let ns: u64 =
            attr(s, "scalesim.network_ns").unwrap()["intValue"].as_str().unwrap().parse().unwrap();
        let t = |k: &str| s[k].as_str().unwrap().parse::<u64>().unwrap();
        assert_eq!(ns, t("endTimeUnixNano") - t("startTimeUnixNano"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_duration_shorter_than_the_warm_up_says_both() {
    let checkout = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/checkout.toml");
    let out = scalesim(&["run", checkout, "--duration", "10s"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("the warm-up (10s) must end before the run does (its duration is 10s)"),
        "{stderr}"
    );
}

#[test]
fn check_carries_a_scenarios_warnings_in_its_format() {
    let partition = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/partition.toml");
    let out = scalesim(&["check", partition, "--format", "github"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().any(|l| l.starts_with("::warning file=")
            && l.contains("title=scenario warning::`fault[0].effect.partition`")),
        "{text}"
    );
    let out = scalesim(&["check", partition, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"][0]["warnings"][0]["key"], "fault[0].effect.partition");
    let out = scalesim(&["check", partition]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("scalesim: warning: "));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("warning"));
}
