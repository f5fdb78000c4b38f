//! `scalesim edit` as a script runs it: the real binary on a commented
//! file, which changes in the edited lines only and still runs.

use std::process::Command;

const SYNC_CHAIN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/sync-chain.toml");

fn scalesim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_scalesim")).args(args).output().expect("the binary runs")
}

/// sync-chain.toml with a comment line and an end-of-line comment, in a
/// directory of its own.
fn commented(name: &str) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("scalesim-edit-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let text = std::fs::read_to_string(SYNC_CHAIN).expect("the scenario is readable");
    let text =
        format!("# Our checkout path.\n{}", text.replace("rate = 200\n", "rate = 200 # peak\n"));
    let path = dir.join("sync-chain.toml");
    std::fs::write(&path, &text).expect("the copy is written");
    (path, text)
}

/// The lines of `b` that differ from `a` line by line (the edits below keep
/// the line count, but one adds a line: compared around it).
fn changed(a: &str, b: &str) -> (Vec<String>, Vec<String>) {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let gone = a.iter().filter(|l| !b.contains(l)).map(|l| l.to_string()).collect();
    let new = b.iter().filter(|l| !a.contains(l)).map(|l| l.to_string()).collect();
    (gone, new)
}

#[test]
fn edit_changes_exactly_the_edited_lines_and_the_file_still_runs() {
    let (path, before) = commented("lines");
    let file = path.to_str().expect("a UTF-8 path");
    let out = scalesim(&[
        "edit",
        file,
        "--set",
        "api.service_time.mean=5ms",
        "--set",
        "load.users.rate=300",
        "--set",
        "api.call.1.mode=async",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty(), "the file is edited in place: nothing on stdout");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "edited {file}: node \"api\".service_time.mean \"3ms\" → \"5ms\", \
             load \"users\".rate 200 → 300, node \"api\".call[1].mode (not set) → \"async\"\n"
        ),
        "one line says what changed"
    );
    let after = std::fs::read_to_string(&path).expect("the edited file");
    let (gone, new) = changed(&before, &after);
    assert_eq!(
        gone,
        ["rate = 200 # peak", "service_time = { dist = \"exp\", mean = \"3ms\" }"],
        "{after}"
    );
    assert_eq!(
        new,
        [
            "rate = 300 # peak",
            "service_time = { dist = \"exp\", mean = \"5ms\" }",
            "  mode = \"async\""
        ],
        "{after}"
    );
    assert_eq!(before.lines().count() + 1, after.lines().count());
    assert!(
        after.contains("  to = \"recommendations\"\n  timeout = \"1s\"\n  mode = \"async\"\n"),
        "{after}"
    );

    let run = scalesim(&["run", file, "--json", "--duration", "20s"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&run.stdout).expect("JSON");
    assert!(summary["requests"]["offered"].as_u64().unwrap_or_default() > 1000);
}

#[test]
fn refused_edits_leave_the_file_and_say_what_run_says() {
    let (path, before) = commented("refused");
    let file = path.to_str().expect("a UTF-8 path");
    for (set, message) in [
        ("apii.replicas=2", "did you mean `api`?"),
        ("api.replicaz=2", "did you mean `replicas`?"),
        ("api.service_time.meen=5ms", "did you mean `mean`?"),
        ("api.workers=many", "`workers` must be a whole number of at least 1, not many"),
    ] {
        let edit = scalesim(&["edit", file, "--set", set]);
        let run = scalesim(&["run", file, "--set", set]);
        let stderr = String::from_utf8_lossy(&edit.stderr);
        // 2: the edit cannot run (1 is only an expectation failing).
        assert_eq!(edit.status.code(), Some(2), "{set}: {stderr}");
        assert!(stderr.contains(message), "{set}: {stderr}");
        assert_eq!(stderr, String::from_utf8_lossy(&run.stderr), "{set}: as `run --set` says it");
    }
    // A value of the right type that makes the scenario impossible.
    let edit = scalesim(&["edit", file, "--set", "load.users.rate=-5"]);
    assert_eq!(edit.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&edit.stderr).contains("`load \"users\".rate`"));
    assert_eq!(std::fs::read_to_string(&path).expect("the file"), before, "nothing written");
    // Usage (64, as for every command) and unreadable files (2).
    assert_eq!(scalesim(&["edit", file]).status.code(), Some(64));
    assert_eq!(scalesim(&["edit", file, "--set", "api.workers"]).status.code(), Some(64));
    assert_eq!(
        scalesim(&["edit", "/nonexistent.toml", "--set", "api.workers=2"]).status.code(),
        Some(2)
    );
}

#[test]
fn output_goes_elsewhere_when_asked() {
    let (path, before) = commented("output");
    let file = path.to_str().expect("a UTF-8 path");
    let copy = path.with_file_name("copy.toml");
    let out =
        scalesim(&["edit", file, "--set", "api.workers=64", "-o", copy.to_str().unwrap_or("")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(&path).expect("the file"), before, "the original is kept");
    let written = std::fs::read_to_string(&copy).expect("the copy");
    assert_eq!(written, before.replacen("workers = 200", "workers = 64", 1));
    let copy_name = copy.display();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("edited {file} into {copy_name}: node \"api\".workers 200 → 64\n")
    );
    let out = scalesim(&["edit", file, "--set", "api.workers=64", "-o", "-"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), written, "stdout carries the file alone");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("edited {file} onto standard output: node \"api\".workers 200 → 64\n")
    );
}
