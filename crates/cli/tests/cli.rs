//! The CLI as a user runs it: the real binary, its output and exit codes.

use std::process::Command;

fn scalesim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_scalesim"))
        .args(args)
        .output()
        .expect("the binary runs")
}

#[test]
fn station_json_is_deterministic_and_plausible() {
    let args = [
        "station",
        "--rate",
        "500",
        "--service",
        "1ms",
        "--workers",
        "1",
        "--duration",
        "200s",
        "--json",
    ];
    let a = scalesim(&args);
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert_eq!(a.stdout, scalesim(&args).stdout, "same seed, same output");
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    let mean = v["summary"]["latency_ms"]["mean"].as_f64().unwrap();
    // M/M/1 at ρ = 0.5: mean response 2 ms (≈1% standard error at 10⁵ requests).
    assert!((mean - 2.0).abs() < 0.1, "mean {mean}");
}

#[test]
fn bad_input_gets_a_clear_message_and_nonzero_exit() {
    let out = scalesim(&["station", "--service", "5"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no unit"));
    let out = scalesim(&["station", "--rate=-3", "--workers", "0"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("arrival_rate") && err.contains("workers"),
        "{err}"
    );
}
