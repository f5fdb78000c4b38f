//! `scalesim capacity`: the value of one parameter at which every
//! `[[expect]]` still holds, by bisection with replications (the plan is
//! the engine's `capacity` module; this runs the probes on every core).

use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use scalesim_engine::capacity::{Bisection, ParamRange};
use scalesim_engine::expect::{self, Verdict};
use scalesim_engine::scenario::diagnostics::lines_of;

use scalesim_engine::RunError;

use crate::{EXIT_FAILED, Failure, Overrides};

/// What `capacity` was asked to do.
pub struct Options {
    pub param: String,
    pub runs: u32,
    pub tolerance: Option<f64>,
    pub overrides: Overrides,
    pub json: bool,
}

/// One probe: the value, whether every expectation held, the verdicts.
struct Probe {
    value: f64,
    holds: bool,
    verdicts: Vec<Verdict>,
}

pub fn run(file: &PathBuf, options: &Options) -> ExitCode {
    match search(file, options) {
        Ok(code) => code,
        Err(failure) => failure.report(),
    }
}

fn search(file: &PathBuf, options: &Options) -> Result<ExitCode, Failure> {
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {name}: {e}"))?;
    let base = crate::scenario_from(&name, &text, &options.overrides)
        .map_err(|d| scalesim_engine::ScenarioError { diagnostics: d }.to_string())?;
    if base.expects.is_empty() {
        return Err(format!(
            "{name} has no [[expect]]: capacity is where its expectations stop holding"
        )
        .into());
    }
    let range = ParamRange::parse(&options.param, &base)?;
    let runs = options.runs.max(1);
    let probe = |value: f64| -> Result<Probe, Failure> {
        let scenarios = (0..runs)
            .map(|r| range.scenario_for(&base, value, r))
            .collect::<Result<Vec<_>, _>>()?;
        let measured = crate::parallel(&scenarios, |s| expect::measure_all(s).map(|(_, v)| v));
        let mut per_run = Vec::with_capacity(measured.len());
        for m in measured {
            per_run.push(m.map_err(|e| {
                let at = format!("{name}: at {} = {}", range.path, range.text_of(value));
                match e {
                    RunError::Overload { overload, .. } => {
                        Failure::Overload(format!("{at}: {overload}"))
                    }
                    other => Failure::CannotRun(format!("{at}: {other}")),
                }
            })?);
        }
        let verdicts: Vec<Verdict> = base
            .expects
            .iter()
            .enumerate()
            .map(|(i, spec)| expect::judge(spec, &per_run.iter().map(|v| v[i]).collect::<Vec<_>>()))
            .collect();
        Ok(Probe { value, holds: verdicts.iter().all(|v| v.passed), verdicts })
    };
    let mut probes = vec![probe(range.from)?, probe(range.to)?];
    let (at_from, at_to) = (probes[0].holds, probes[1].holds);
    let tolerance = options.tolerance.unwrap_or_else(|| range.default_tolerance());
    let integer = range.kind == scalesim_engine::capacity::ValueKind::Integer;
    let mut bisection = match (at_from, at_to) {
        (true, false) => Some(Bisection { good: range.from, bad: range.to, tolerance, integer }),
        (false, true) => Some(Bisection { good: range.to, bad: range.from, tolerance, integer }),
        _ => None,
    };
    if let Some(b) = bisection.as_mut() {
        while let Some(value) = b.next() {
            let p = probe(value)?;
            b.record(value, p.holds);
            probes.push(p);
        }
    }
    let lines = lines_of(&text, "expect");
    let at = |value: f64| probes.iter().find(|p| p.value == value);
    let result =
        Result_ { range: &range, runs, tolerance, bisection: bisection.as_ref(), at_from, at_to };
    let out = if options.json {
        json(&name, &base.scenario.name, &result, &probes, &lines, at)
    } else {
        text_report(&name, &base.scenario.name, &result, &probes, &lines, at)
    };
    print!("{out}");
    Ok(if !at_from && !at_to { ExitCode::from(EXIT_FAILED) } else { ExitCode::SUCCESS })
}

/// The search's outcome, for printing.
struct Result_<'a> {
    range: &'a ParamRange,
    runs: u32,
    tolerance: f64,
    bisection: Option<&'a Bisection>,
    at_from: bool,
    at_to: bool,
}

fn failing<'a>(probe: Option<&'a Probe>, lines: &'a [usize]) -> Vec<(&'a Verdict, usize)> {
    probe
        .map(|p| {
            p.verdicts
                .iter()
                .enumerate()
                .filter(|(_, v)| !v.passed)
                .map(|(i, v)| (v, lines.get(i).copied().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default()
}

fn words(v: &Verdict) -> String {
    let metric = expect::Metric::parse(&v.metric);
    match (v.actual, v.ci95.filter(|_| v.runs > 1)) {
        (Some(x), Some(ci)) => format!(
            "{}: {} ± {}, {}",
            v.expectation,
            expect::show(metric, x),
            expect::show(metric, ci),
            v.detail
        ),
        (Some(x), None) => format!("{}: {}, {}", v.expectation, expect::show(metric, x), v.detail),
        (None, _) => format!("{}: {}", v.expectation, v.detail),
    }
}

fn text_report<'a>(
    file: &str,
    name: &str,
    r: &Result_<'_>,
    probes: &'a [Probe],
    lines: &'a [usize],
    at: impl Fn(f64) -> Option<&'a Probe>,
) -> String {
    let range = r.range;
    let mut out = format!("{file}: {name}\n");
    let show = |v: f64| range.text_of(v);
    let seeds =
        format!("{} run{} a value, 95% intervals", r.runs, if r.runs == 1 { "" } else { "s" });
    match r.bisection {
        Some(b) => {
            let which = if b.highest() { "highest" } else { "lowest" };
            let _ = writeln!(
                out,
                "capacity of {}: {} (the {which} value at which every expectation holds; {seeds})",
                range.path,
                show(b.good)
            );
            let _ = writeln!(
                out,
                "  holds at {}, breaks at {}: the boundary is between them",
                show(b.good),
                show(b.bad)
            );
            let _ = writeln!(out, "  breaks first at {}:", show(b.bad));
            for (v, line) in failing(at(b.bad), lines) {
                let _ = writeln!(out, "    {}: {}", crate::check::place(file, line), words(v));
            }
        }
        None if r.at_from => {
            let _ = writeln!(
                out,
                "every expectation holds over the whole range of {} ({} to {}); widen it to find where one breaks",
                range.path,
                show(range.from),
                show(range.to)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "no value of {} from {} to {} meets every expectation",
                range.path,
                show(range.from),
                show(range.to)
            );
            for end in [range.from, range.to] {
                let _ = writeln!(out, "  at {}:", show(end));
                for (v, line) in failing(at(end), lines) {
                    let _ = writeln!(out, "    {}: {}", crate::check::place(file, line), words(v));
                }
            }
        }
    }
    let list: Vec<String> = probes
        .iter()
        .map(|p| format!("{} {}", show(p.value), if p.holds { "holds" } else { "breaks" }))
        .collect();
    let _ = writeln!(out, "  probes: {}", list.join(", "));
    let _ = writeln!(out, "  tolerance {}", show_tolerance(range, r.tolerance));
    out
}

/// The tolerance in the parameter's unit.
fn show_tolerance(range: &ParamRange, tolerance: f64) -> String {
    match range.kind {
        scalesim_engine::capacity::ValueKind::Duration => range.text_of(tolerance),
        _ => format!("{tolerance}"),
    }
}

fn json<'a>(
    file: &str,
    name: &str,
    r: &Result_<'_>,
    probes: &'a [Probe],
    lines: &'a [usize],
    at: impl Fn(f64) -> Option<&'a Probe>,
) -> String {
    let range = r.range;
    let breaks_first = |value: Option<f64>| -> Vec<serde_json::Value> {
        failing(value.and_then(&at), lines)
            .into_iter()
            .map(|(v, line)| {
                let mut j = serde_json::to_value(v).unwrap_or_default();
                j["line"] = line.into();
                j
            })
            .collect()
    };
    let doc = serde_json::json!({
        "file": file,
        "scenario": name,
        "param": range.path,
        "kind": range.kind,
        "from": range.text_of(range.from),
        "to": range.text_of(range.to),
        "runs": r.runs,
        "tolerance": r.tolerance,
        "direction": r.bisection.map(|b| if b.highest() { "highest" } else { "lowest" }),
        "value": r.bisection.map(|b| range.text_of(b.good)),
        "value_number": r.bisection.map(|b| b.good),
        "breaks_at": r.bisection.map(|b| range.text_of(b.bad)),
        "breaks_at_number": r.bisection.map(|b| b.bad),
        "holds_everywhere": r.at_from && r.at_to,
        "holds_nowhere": !r.at_from && !r.at_to,
        "breaks_first": breaks_first(r.bisection.map(|b| b.bad)),
        "probes": probes.iter().map(|p| serde_json::json!({
            "value": range.text_of(p.value), "holds": p.holds,
        })).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
