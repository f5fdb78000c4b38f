//! `scalesim check`: runs each file's `[[expect]]` assertions, once or over
//! replications, and reports them as text, JSON, JUnit XML or GitHub
//! workflow annotations, with the exit code CI acts on.

use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use scalesim_engine::Summary;
use scalesim_engine::expect::{self, ExpectSpec, LatencyField, Metric, Verdict};
use scalesim_engine::scenario::Diagnostic;
use scalesim_engine::scenario::diagnostics::lines_of;
use scalesim_engine::{RunError, Scenario};

use crate::{EXIT_CANNOT_RUN, EXIT_FAILED, EXIT_OVERLOAD, Overrides};

/// How `check` prints its results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line an expectation, for people.
    Text,
    /// One JSON object with every file and expectation.
    Json,
    /// JUnit XML: a test suite a file, a test case an expectation.
    Junit,
    /// GitHub Actions workflow commands: `::error file=…,line=…::…` on
    /// each failure, plain lines for the rest.
    Github,
}

/// What `check` was asked to do beyond the files.
pub struct Options {
    pub overrides: Overrides,
    pub runs: u32,
    pub format: Format,
    pub require_expect: bool,
}

/// One expectation's verdict and the line of its `[[expect]]`, with a
/// note when a latency bound held over too few of the requests
/// ([`survivor_note`]).
struct Checked {
    verdict: Verdict,
    line: usize,
    note: Option<String>,
}

/// What became of one file.
enum Outcome {
    /// Its expectations, judged.
    Checked(Vec<Checked>),
    /// It has no `[[expect]]` (a failure with `--require-expect`).
    NoExpectations,
    /// It cannot be read or run: every problem, with its line when known.
    CannotRun(Vec<Diagnostic>),
    /// A run stopped at the bound on work in flight: the overload in words
    /// (the nodes that grew and what would bound them).
    Overload(String),
}

struct FileReport {
    file: String,
    name: String,
    seeds: Vec<u64>,
    /// What the scenario runs but probably did not mean
    /// (`network::warnings`): `(key, message)`.
    warnings: Vec<(String, String)>,
    outcome: Outcome,
}

impl FileReport {
    fn failed(&self) -> usize {
        match &self.outcome {
            Outcome::Checked(c) => c.iter().filter(|c| !c.verdict.passed).count(),
            _ => 0,
        }
    }

    fn cannot_run(&self, require_expect: bool) -> bool {
        match self.outcome {
            Outcome::CannotRun(_) => true,
            Outcome::NoExpectations => require_expect,
            Outcome::Checked(_) | Outcome::Overload(_) => false,
        }
    }

    fn overloaded(&self) -> bool {
        matches!(self.outcome, Outcome::Overload(_))
    }
}

/// Checks every file; the exit code is 0 when every expectation holds, 1
/// when one does not, 2 when a file cannot run (or, with
/// `--require-expect`, has no expectations), 3 when a run stopped at the
/// bound on work in flight; the other files are still checked and the
/// worst code wins (3 over 2 over 1).
pub fn run(files: &[PathBuf], options: &Options) -> ExitCode {
    let reports: Vec<FileReport> = files.iter().map(|f| check_file(f, options)).collect();
    let failed: usize = reports.iter().map(FileReport::failed).sum();
    let broken = reports.iter().filter(|r| r.cannot_run(options.require_expect)).count();
    let overloaded = reports.iter().filter(|r| r.overloaded()).count();
    let code = if overloaded > 0 {
        EXIT_OVERLOAD
    } else if broken > 0 {
        EXIT_CANNOT_RUN
    } else if failed > 0 {
        EXIT_FAILED
    } else {
        0
    };
    // A scenario's warnings go where its format's reader looks: GitHub
    // annotations and the JSON carry them; for people (and JUnit) they go
    // to stderr, as every command prints them.
    if matches!(options.format, Format::Text | Format::Junit) {
        for r in &reports {
            for (key, message) in &r.warnings {
                eprintln!("scalesim: warning: {}: `{key}`: {message}", r.file);
            }
        }
    }
    let out = match options.format {
        Format::Text => text(&reports, options, false),
        Format::Github => text(&reports, options, true),
        Format::Json => json(&reports, options, code),
        Format::Junit => junit(&reports, options),
    };
    print!("{out}");
    ExitCode::from(code)
}

fn check_file(file: &PathBuf, options: &Options) -> FileReport {
    let name = file.display().to_string();
    let mut report = FileReport {
        file: name.clone(),
        name: String::new(),
        seeds: Vec::new(),
        warnings: Vec::new(),
        outcome: Outcome::NoExpectations,
    };
    let whole = |message: String| {
        vec![Diagnostic { file: name.clone(), line: 0, key: String::new(), message }]
    };
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            report.outcome = Outcome::CannotRun(whole(format!("cannot read the file: {e}")));
            return report;
        }
    };
    let scenario = match crate::scenario_quietly(&name, &text, &options.overrides) {
        Ok(s) => s,
        Err(e) => {
            report.outcome = Outcome::CannotRun(e);
            return report;
        }
    };
    report.name = scenario.scenario.name.clone();
    report.warnings = scalesim_engine::network::warnings(&scenario);
    if scenario.expects.is_empty() {
        return report;
    }
    let runs: Vec<Scenario> = (0..options.runs.max(1))
        .map(|r| {
            let mut s = scenario.clone();
            s.scenario.seed = scenario.scenario.seed.wrapping_add(u64::from(r));
            s
        })
        .collect();
    report.seeds = runs.iter().map(|s| s.scenario.seed).collect();
    let measured = crate::parallel(&runs, expect::measure_all);
    let mut per_run = Vec::with_capacity(measured.len());
    let mut summaries = Vec::with_capacity(measured.len());
    for m in measured {
        match m {
            Ok((summary, values)) => {
                per_run.push(values);
                summaries.push(summary);
            }
            Err(RunError::Invalid(e)) => {
                report.outcome = Outcome::CannotRun(e.diagnostics);
                return report;
            }
            Err(RunError::Overload { overload, .. }) => {
                report.outcome = Outcome::Overload(overload.to_string());
                return report;
            }
            Err(RunError::Stuck(reason)) => {
                report.outcome = Outcome::CannotRun(whole(reason));
                return report;
            }
        }
    }
    let lines = lines_of(&text, "expect");
    let checked = scenario
        .expects
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let samples: Vec<Option<f64>> = per_run.iter().map(|values| values[i]).collect();
            let verdict = expect::judge(spec, &samples);
            let missed = unanswered(spec, &summaries);
            let note =
                verdict.passed.then(|| survivor_note(spec, &scenario.expects, missed)).flatten();
            Checked { verdict, line: lines.get(i).copied().unwrap_or(0), note }
        })
        .collect();
    report.outcome = Outcome::Checked(checked);
    report
}

/// What the users of a latency expectation did not get, as mean shares of
/// their offered requests over the runs.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Unanswered {
    /// Ended in error, timeout or rejected.
    failed: f64,
    /// Still waiting when the run ended.
    waiting: f64,
}

/// [`Unanswered`] in the scope of a latency expectation over users (all
/// loads or one); `None` for any other expectation, or a ranged one (its
/// runs are measured apart).
fn unanswered(spec: &ExpectSpec, summaries: &[Summary]) -> Option<Unanswered> {
    let latency = matches!(Metric::parse(&spec.metric), Some(Metric::Latency(_)));
    if !latency || spec.node.is_some() || spec.from.is_some() || spec.to.is_some() {
        return None;
    }
    let mean_of = |metric: &str| {
        let same_users = ExpectSpec {
            metric: metric.to_owned(),
            load: spec.load.clone(),
            node: None,
            below: None,
            above: None,
            from: None,
            to: None,
        };
        let shares: Vec<f64> =
            summaries.iter().filter_map(|s| expect::measure(&same_users, s)).collect();
        (!shares.is_empty()).then(|| shares.iter().sum::<f64>() / shares.len() as f64)
    };
    let (failed, answered) = (mean_of("failure_rate")?, mean_of("success_rate")?);
    Some(Unanswered { failed, waiting: (1.0 - answered - failed).max(0.0) })
}

/// Requests still waiting at the end count towards a note from this share
/// (and when more waited than failed): a healthy run leaves its last
/// moments' requests in flight (about its latency over its duration), a
/// collapse without timeouts leaves a queue that grew.
const WAITING_NOTED: f64 = 0.01;

/// A user latency holds over the requests answered (ok or degraded) only:
/// when more went unanswered than the share its percentile leaves out (1%
/// for a p99; 1% for a mean or a max), the bound held over survivors, and
/// a run where nearly every request timed out, or waited in a queue that
/// grew without bound, can pass it. Said beside the verdict (it still
/// holds: shedding load fast is a design, not a bug), unless the file
/// bounds the same users' answered share, or their failures when none
/// were left waiting.
fn survivor_note(
    spec: &ExpectSpec,
    all: &[ExpectSpec],
    missed: Option<Unanswered>,
) -> Option<String> {
    let Some(Metric::Latency(field)) = Metric::parse(&spec.metric) else { return None };
    let left_out = match field {
        LatencyField::P50 => 0.5,
        LatencyField::P90 => 0.1,
        LatencyField::P999 => 0.001,
        LatencyField::P99 | LatencyField::Mean | LatencyField::Max => 0.01,
    };
    let bounds = |metrics: &[Metric]| {
        all.iter().any(|e| {
            Metric::parse(&e.metric).is_some_and(|m| metrics.contains(&m))
                && e.node.is_none()
                && (e.load.is_none() || e.load == spec.load)
        })
    };
    if bounds(&[Metric::SuccessRate]) {
        return None;
    }
    let failures =
        [Metric::FailureRate, Metric::ErrorRate, Metric::TimeoutRate, Metric::RejectedRate];
    let missed = missed?;
    // Waiting is the story when it outweighs the failures (a queue that
    // grew); otherwise those left waiting are mostly on their way to a
    // timeout, and bounding the failures covers them.
    let queue_grew = missed.waiting > WAITING_NOTED && missed.waiting > missed.failed;
    let failed = if bounds(&failures) { 0.0 } else { missed.failed };
    let waiting = if queue_grew { missed.waiting } else { 0.0 };
    if failed + waiting <= left_out {
        return None;
    }
    let of_load = spec.load.as_deref().map_or(String::new(), |l| format!(" of load {l}"));
    let percent = |share: f64| format!("{:.1}%", share * 100.0);
    let what = if waiting == 0.0 {
        format!(
            "{} of the requests{of_load} failed (error, timeout or rejected): bound the failures \
             too, e.g. metric = \"failure_rate\", below = 0.01",
            percent(failed)
        )
    } else if percent(failed) == percent(0.0) {
        format!(
            "{} of the requests{of_load} were still waiting when the run ended: bound the share \
             answered too, e.g. metric = \"success_rate\", above = 0.99",
            percent(waiting)
        )
    } else {
        format!(
            "{} of the requests{of_load} were not answered ({} failed: error, timeout or \
             rejected; {} still waiting when the run ended): bound the share answered too, e.g. \
             metric = \"success_rate\", above = 0.99",
            percent(failed + waiting),
            percent(failed),
            percent(waiting)
        )
    };
    Some(format!("{} counts answered requests only, and {what}", spec.metric))
}

/// The verdict in words: `p99 of all users < 250ms: 284.5 ms ± 3.1 ms,
/// 13.8% over the bound (250 ms)`, or with why it has no value.
///
/// Durations read in their own unit (`11.75 days`, not `1015069135 ms`);
/// the JSON keeps milliseconds.
fn summary(v: &Verdict) -> String {
    let detail = crate::report::readable_durations(&v.detail);
    match v.actual {
        Some(_) => format!("{}: {}, {detail}", v.expectation, measured(v)),
        None => format!("{}: {detail}", v.expectation),
    }
}

/// The measured value: `284.5 ms ± 3.1 ms`, `11.75 days ± 0.2 days`, or
/// `no value`.
fn measured(v: &Verdict) -> String {
    let metric = Metric::parse(&v.metric);
    let ci = v.ci95.filter(|_| v.runs > 1);
    match v.actual {
        None => "no value".to_owned(),
        Some(x) if v.unit == "ms" => {
            let unit = crate::report::TimeUnit::for_ms(x.abs());
            let value = |ms: f64| crate::report::readable_in(ms, unit);
            ci.map_or_else(|| value(x), |ci| format!("{} ± {}", value(x), value(ci)))
        }
        Some(x) => {
            let show = |v: f64| expect::show(metric, v);
            ci.map_or_else(|| show(x), |ci| format!("{} ± {}", show(x), show(ci)))
        }
    }
}

/// `file:line`, or the file alone when the line is unknown.
pub fn place(file: &str, line: usize) -> String {
    if line == 0 { file.to_owned() } else { format!("{file}:{line}") }
}

/// Text for people, or (with `github`) the same with each failure as a
/// workflow `::error` command, which GitHub shows on the file's line.
fn text(reports: &[FileReport], options: &Options, github: bool) -> String {
    let mut out = String::new();
    let (mut total, mut failed, mut broken, mut overloaded) = (0, 0, 0, 0);
    for r in reports {
        if github {
            for (key, message) in &r.warnings {
                let words = format!("`{key}`: {message}");
                let _ = writeln!(
                    out,
                    "{}",
                    annotation("warning", &r.file, 0, "scenario warning", &words)
                );
            }
        }
        match &r.outcome {
            Outcome::Overload(message) => {
                overloaded += 1;
                let _ = writeln!(out, "{}: overload", r.file);
                if github {
                    let _ =
                        writeln!(out, "{}", annotation("error", &r.file, 0, "overload", message));
                } else {
                    let _ = writeln!(out, "  {message}");
                }
            }
            Outcome::CannotRun(problems) => {
                broken += 1;
                let _ = writeln!(out, "{}: cannot run", r.file);
                for d in problems {
                    if github {
                        let _ = writeln!(
                            out,
                            "{}",
                            annotation(
                                "error",
                                &r.file,
                                d.line,
                                "scenario cannot run",
                                &problem_words(d)
                            )
                        );
                    } else {
                        let _ = writeln!(out, "  {d}");
                    }
                }
            }
            Outcome::NoExpectations => {
                let message = "no [[expect]] blocks: nothing to check";
                if options.require_expect {
                    broken += 1;
                }
                if github {
                    let level = if options.require_expect { "error" } else { "warning" };
                    let _ = writeln!(
                        out,
                        "{}",
                        annotation(level, &r.file, 0, "scalesim check", message)
                    );
                } else {
                    let refused =
                        if options.require_expect { " (refused: --require-expect)" } else { "" };
                    let _ = writeln!(out, "{}: {}\n  {message}{refused}", r.file, r.name);
                }
            }
            Outcome::Checked(checked) => {
                let seeds = match r.seeds.as_slice() {
                    [one] => format!("seed {one}"),
                    many => format!(
                        "{} runs, seeds {}..{}, ± = 95% interval",
                        many.len(),
                        many.first().copied().unwrap_or(0),
                        many.last().copied().unwrap_or(0)
                    ),
                };
                let _ = writeln!(out, "{}: {} ({seeds})", r.file, r.name);
                for c in checked {
                    total += 1;
                    let v = &c.verdict;
                    let words = summary(v);
                    if v.passed {
                        let _ = writeln!(out, "  ok    {words}");
                        if let Some(note) = &c.note {
                            if github {
                                let _ = writeln!(
                                    out,
                                    "{}",
                                    annotation(
                                        "warning",
                                        &r.file,
                                        c.line,
                                        "held over few requests",
                                        note
                                    )
                                );
                            } else {
                                let _ = writeln!(out, "        note: {note}");
                            }
                        }
                    } else {
                        failed += 1;
                        if github {
                            let _ = writeln!(
                                out,
                                "{}",
                                annotation("error", &r.file, c.line, "expectation failed", &words)
                            );
                        } else {
                            let _ = writeln!(out, "  FAIL  {}: {words}", place(&r.file, c.line));
                        }
                    }
                }
            }
        }
    }
    let _ = writeln!(
        out,
        "{total} expectation{}, {failed} failed{}{}",
        if total == 1 { "" } else { "s" },
        match broken {
            0 => String::new(),
            1 => ", 1 file could not be checked".to_owned(),
            n => format!(", {n} files could not be checked"),
        },
        match overloaded {
            0 => String::new(),
            1 => ", 1 stopped at the bound on work in flight (overload)".to_owned(),
            n => format!(", {n} stopped at the bound on work in flight (overload)"),
        }
    );
    out
}

/// A diagnostic without its file and line (an annotation carries those).
fn problem_words(d: &Diagnostic) -> String {
    if d.key.is_empty() { d.message.clone() } else { format!("`{}`: {}", d.key, d.message) }
}

/// A GitHub Actions workflow command: `::error file=F,line=L,title=T::M`.
pub fn annotation(level: &str, file: &str, line: usize, title: &str, message: &str) -> String {
    let mut props = format!("file={}", escape_property(file));
    if line > 0 {
        let _ = write!(props, ",line={line}");
    }
    let _ = write!(props, ",title={}", escape_property(title));
    format!("::{level} {props}::{}", escape_data(message))
}

/// The escaping GitHub's runner undoes in a command's message.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// The escaping GitHub's runner undoes in a command's properties.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn json(reports: &[FileReport], options: &Options, code: u8) -> String {
    let files: Vec<serde_json::Value> = reports
        .iter()
        .map(|r| {
            let (status, expectations, problems) = match &r.outcome {
                Outcome::Checked(c) => (
                    if c.iter().all(|c| c.verdict.passed) { "passed" } else { "failed" },
                    c.iter()
                        .map(|c| {
                            let mut v = serde_json::to_value(&c.verdict).unwrap_or_default();
                            v["line"] = c.line.into();
                            if let Some(note) = &c.note {
                                v["note"] = note.as_str().into();
                            }
                            v
                        })
                        .collect(),
                    Vec::new(),
                ),
                Outcome::NoExpectations => (
                    if options.require_expect { "refused" } else { "no_expectations" },
                    Vec::new(),
                    Vec::new(),
                ),
                Outcome::Overload(message) => (
                    "overload",
                    Vec::new(),
                    vec![serde_json::json!({"line": 0, "key": "", "message": message})],
                ),
                Outcome::CannotRun(d) => (
                    "cannot_run",
                    Vec::new(),
                    d.iter()
                        .map(|d| serde_json::json!({"line": d.line, "key": d.key, "message": d.message}))
                        .collect(),
                ),
            };
            serde_json::json!({
                "file": r.file, "scenario": r.name, "seeds": r.seeds, "status": status,
                "expectations": expectations, "problems": problems,
                "warnings": r.warnings.iter()
                    .map(|(key, message)| serde_json::json!({"key": key, "message": message}))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = serde_json::json!({
        "runs": options.runs,
        "expectations": reports.iter().map(|r| match &r.outcome { Outcome::Checked(c) => c.len(), _ => 0 }).sum::<usize>(),
        "failed": reports.iter().map(FileReport::failed).sum::<usize>(),
        "cannot_run": reports.iter().filter(|r| r.cannot_run(options.require_expect)).count(),
        "overload": reports.iter().filter(|r| r.overloaded()).count(),
        "exit_code": code,
        "files": files,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// JUnit XML: a `<testsuite>` a file, a `<testcase>` an expectation (with
/// `<failure>`); a file that cannot run is one test case with `<error>`.
fn junit(reports: &[FileReport], options: &Options) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    for r in reports {
        let mut cases = String::new();
        let (mut t, mut f, mut e, mut skipped) = (0, 0, 0, 0);
        let file = xml(&r.file);
        match &r.outcome {
            Outcome::Checked(checked) => {
                for c in checked {
                    t += 1;
                    let v = &c.verdict;
                    let _ = write!(
                        cases,
                        "    <testcase classname=\"{file}\" name=\"{}\" file=\"{file}\" line=\"{}\"",
                        xml(&v.expectation),
                        c.line
                    );
                    if v.passed {
                        let out = match &c.note {
                            Some(note) => format!("{}\nnote: {note}", summary(v)),
                            None => summary(v),
                        };
                        let _ =
                            writeln!(cases, "><system-out>{}</system-out></testcase>", xml(&out));
                    } else {
                        f += 1;
                        let message = summary(v);
                        let _ = writeln!(
                            cases,
                            ">\n      <failure message=\"{}\" type=\"expectation\">{}</failure>\n    </testcase>",
                            xml(&message),
                            xml(&format!("{}: {message}", place(&r.file, c.line)))
                        );
                    }
                }
            }
            Outcome::NoExpectations => {
                t += 1;
                let _ = write!(
                    cases,
                    "    <testcase classname=\"{file}\" name=\"expectations\" file=\"{file}\">"
                );
                if options.require_expect {
                    e += 1;
                    let _ = writeln!(
                        cases,
                        "<error message=\"no [[expect]] blocks (--require-expect)\" type=\"no_expectations\"/></testcase>"
                    );
                } else {
                    skipped += 1;
                    let _ =
                        writeln!(cases, "<skipped message=\"no [[expect]] blocks\"/></testcase>");
                }
            }
            Outcome::Overload(message) => {
                t += 1;
                e += 1;
                let _ = writeln!(
                    cases,
                    "    <testcase classname=\"{file}\" name=\"scenario can run\" file=\"{file}\">\n      <error message=\"{}\" type=\"overload\">{}</error>\n    </testcase>",
                    xml("a run stopped at the bound on work in flight (overload)"),
                    xml(message)
                );
            }
            Outcome::CannotRun(problems) => {
                t += 1;
                e += 1;
                let body: Vec<String> = problems.iter().map(|d| d.to_string()).collect();
                let first = problems.first().map(problem_words).unwrap_or_default();
                let _ = writeln!(
                    cases,
                    "    <testcase classname=\"{file}\" name=\"scenario can run\" file=\"{file}\" line=\"{}\">\n      <error message=\"{}\" type=\"cannot_run\">{}</error>\n    </testcase>",
                    problems.first().map_or(0, |d| d.line),
                    xml(&format!("{} problem(s): {first}", problems.len())),
                    xml(&body.join("\n"))
                );
            }
        }
        tests += t;
        failures += f;
        errors += e;
        let _ = write!(
            suites,
            "  <testsuite name=\"{file}\" tests=\"{t}\" failures=\"{f}\" errors=\"{e}\" skipped=\"{skipped}\">\n{cases}  </testsuite>\n"
        );
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"scalesim check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n{suites}</testsuites>\n"
    )
}

/// Text escaped for XML attributes and content; characters XML 1.0 cannot
/// hold are dropped.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(metric: &str, load: Option<&str>) -> ExpectSpec {
        ExpectSpec {
            metric: metric.to_owned(),
            load: load.map(str::to_owned),
            node: None,
            below: None,
            above: None,
            from: None,
            to: None,
        }
    }

    /// Shares failed and left waiting.
    fn missed(failed: f64, waiting: f64) -> Option<Unanswered> {
        Some(Unanswered { failed, waiting })
    }

    #[test]
    fn a_latency_bound_over_survivors_is_noted_past_its_percentiles_share() {
        let p99 = spec("p99", None);
        let note = survivor_note(&p99, std::slice::from_ref(&p99), missed(0.975, 0.0));
        assert!(note.is_some_and(|n| {
            n.starts_with("p99 counts answered requests only, and 97.5% of the requests failed")
        }));
        // Fewer failures than the 1% a p99 leaves out: nothing to say.
        assert_eq!(survivor_note(&p99, &[], missed(0.005, 0.0)), None);
        // A p50 leaves out half: 30% failed still leaves it about users.
        assert_eq!(survivor_note(&spec("p50", None), &[], missed(0.3, 0.0)), None);
        assert!(survivor_note(&spec("p50", None), &[], missed(0.6, 0.0)).is_some());
        // The file bounds the same users' failures: it says it already.
        let users = spec("p99", Some("users"));
        for rate in [spec("failure_rate", None), spec("success_rate", Some("users"))] {
            assert_eq!(survivor_note(&users, &[users.clone(), rate], missed(0.9, 0.0)), None);
        }
        let other = spec("failure_rate", Some("batch"));
        let note = survivor_note(&users, &[users.clone(), other], missed(0.9, 0.0));
        assert!(note.is_some_and(|n| n.contains("of the requests of load users failed")));
        // Not a user latency: no note.
        assert_eq!(survivor_note(&spec("throughput", None), &[], missed(0.9, 0.0)), None);
    }

    #[test]
    fn requests_left_waiting_are_noted_even_with_failures_bounded() {
        let p99 = spec("p99", None);
        let failures = spec("failure_rate", None);
        // A queue that grew without bound: half the requests still waiting,
        // none failed, so a failure bound holds too.
        let note = survivor_note(&p99, &[p99.clone(), failures.clone()], missed(0.0, 0.497));
        assert_eq!(
            note.as_deref(),
            Some(
                "p99 counts answered requests only, and 49.7% of the requests were still \
                 waiting when the run ended: bound the share answered too, e.g. metric = \
                 \"success_rate\", above = 0.99"
            )
        );
        // Failures too few to write are not written.
        let few = survivor_note(&p99, &[], missed(0.0003, 0.54));
        assert!(few.is_some_and(|n| n.contains("and 54.0% of the requests were still waiting")));
        let both = survivor_note(&p99, &[], missed(0.2, 0.3));
        assert!(both.is_some_and(|n| n.contains(
            "50.0% of the requests were not answered (20.0% \
             failed: error, timeout or rejected; 30.0% still waiting"
        )));
        // The share answered bounds both.
        assert_eq!(
            survivor_note(&p99, &[p99.clone(), spec("success_rate", None)], missed(0.2, 0.3)),
            None
        );
        // A healthy run's last requests in flight are not a queue that grew.
        assert_eq!(survivor_note(&spec("p999", None), &[], missed(0.0, 0.004)), None);
    }
}
