//! `scalesim sweep`: plans with the engine's `sweep` module, runs the points
//! on every core, prints the curve.

use std::fmt::Write;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use scalesim_engine::sweep::{self, SweepPoint, SweepSpec};
use scalesim_engine::{RunError, Simulation, Summary};

use crate::Failure;

pub fn run(
    file: &PathBuf,
    param: &str,
    runs: u32,
    overrides: &crate::Overrides,
    json: bool,
    csv: bool,
) -> Result<(), Failure> {
    let base = crate::load(file, overrides)?;
    let spec = SweepSpec::parse(param, runs)?;
    let steps = spec.step_count();
    let total = spec.run_count();
    // Each run's scenario is made when a thread takes it (a plan of every
    // step up front is what made a large sweep slow to start); both ends
    // are checked first, where a bad value usually is.
    for step in [0, steps - 1] {
        spec.scenario_for(&base, step, 0).map_err(|e| e.to_string())?;
    }
    let progress = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(total as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    progress.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {elapsed} (eta {eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let results: Mutex<Vec<(usize, usize, Summary)>> = Mutex::new(Vec::with_capacity(total));
    let failure: Mutex<Option<(usize, Failure)>> = Mutex::new(None);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(total);
    let fail = |i: usize, f: Failure| {
        stop.store(true, Ordering::Relaxed);
        let mut slot = failure.lock().unwrap_or_else(|p| p.into_inner());
        // The earliest run's failure is the one reported, whatever the
        // threads' order.
        if slot.as_ref().is_none_or(|(j, _)| i < *j) {
            *slot = Some((i, f));
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        break;
                    }
                    let (step, r) = (i / runs as usize, i % runs as usize);
                    let scenario = match spec.scenario_for(&base, step, r as u32) {
                        Ok(s) => s,
                        Err(e) => {
                            fail(i, Failure::CannotRun(e.to_string()));
                            break;
                        }
                    };
                    let outcome = Simulation::run_to_end(scenario);
                    progress.inc(1);
                    match outcome {
                        Ok(run) => results.lock().unwrap_or_else(|p| p.into_inner()).push((
                            step,
                            i,
                            run.summary,
                        )),
                        Err(RunError::Overload { overload, .. }) => fail(
                            i,
                            Failure::Overload(format!(
                                "{}: at {} = {}: {overload}",
                                file.display(),
                                spec.path,
                                spec.shown(spec.value(step))
                            )),
                        ),
                        Err(e) => fail(i, Failure::CannotRun(e.to_string())),
                    }
                }
            });
        }
    });
    progress.finish_and_clear();
    if let Some((_, failure)) = failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(failure);
    }
    let mut results = results.into_inner().unwrap_or_else(|p| p.into_inner());
    results.sort_by_key(|(_, i, _)| *i);
    let mut by_step: Vec<Vec<Summary>> = vec![Vec::new(); steps];
    for (step, _, summary) in results {
        by_step[step].push(summary);
    }
    let mut points = sweep::summarise(&spec, &by_step);
    sweep::mark_slos(&mut points, &base.expects, &by_step);
    let seeds: Vec<u64> =
        (0..runs).map(|r| base.scenario.seed.wrapping_add(u64::from(r))).collect();
    let out = if json {
        let mut points_json = serde_json::to_value(&points).map_err(|e| e.to_string())?;
        if let Some(list) = points_json.as_array_mut() {
            for (j, p) in list.iter_mut().zip(&points) {
                j["value_text"] = spec.text_of(p.value).into();
            }
        }
        let doc = serde_json::json!({
            "scenario": base.scenario.name, "param": spec.path, "kind": spec.kind, "runs": runs,
            "seeds": seeds,
            "slo_boundary": sweep::slo_boundary(&points).map(|i| points[i].value),
            "points": points_json,
        });
        serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())? + "\n"
    } else if csv {
        csv_table(&spec, &points)
    } else {
        let judged: Vec<String> = base
            .expects
            .iter()
            .filter(|e| e.from.is_none() && e.to.is_none())
            .map(|e| scalesim_engine::expect::judge(e, &[]).expectation)
            .collect();
        human_table(&base.scenario.name, &spec, &points, &seeds, &judged)
    };
    print!("{out}");
    Ok(())
}

fn csv_table(spec: &SweepSpec, points: &[SweepPoint]) -> String {
    let mut out = String::from(
        "value,offered_rps,offered_rps_ci95,goodput_rps,goodput_rps_ci95,p99_ms,p99_ms_ci95,error_share,error_share_ci95,unanswered_share,unanswered_share_ci95,cost_per_million,cost_per_million_ci95,knee,slo_met\n",
    );
    for p in points {
        // An absent p99 (no answered request) is an empty cell, not 0.
        let (p99, p99_ci) = p
            .p99_ms
            .map_or((String::new(), String::new()), |e| (e.mean.to_string(), e.ci95.to_string()));
        let _ = writeln!(
            out,
            "{},{},{},{},{},{p99},{p99_ci},{},{},{},{},{},{},{},{}",
            spec.text_of(p.value),
            p.offered_rps.mean,
            p.offered_rps.ci95,
            p.goodput_rps.mean,
            p.goodput_rps.ci95,
            p.error_share.mean,
            p.error_share.ci95,
            p.unanswered_share.mean,
            p.unanswered_share.ci95,
            p.cost_per_million.mean,
            p.cost_per_million.ci95,
            p.knee,
            p.slo_met.map_or(String::new(), |m| m.to_string())
        );
    }
    out
}

/// The curve for people: each value as a person reads it
/// ([`SweepSpec::shown`]; the CSV and JSON keep the exact value set), and
/// a heading that says which seeds every step ran with. The `[[expect]]`
/// column says whether the file's expectations hold or fail at each step,
/// and the first step where they stop holding is marked "expects fail":
/// an expectation may be a service level (fail = worse) or a lesson's
/// assertion of its problem (`throughput below 460`: fail = better), so
/// the words judge neither. A last line says what `expects` judges (the
/// expectations in words, `judged`), which the column alone does not. The
/// JSON and CSV keep their keys (`slo_met`, `slo_boundary`).
fn human_table(
    name: &str,
    spec: &SweepSpec,
    points: &[SweepPoint],
    seeds: &[u64],
    judged: &[String],
) -> String {
    let mut out = format!(
        "{name}: {} at {} values, {} at each (± = 95% CI)\n",
        spec.path,
        points.len(),
        runs_in_words(seeds)
    );
    let judged_column = points.first().is_some_and(|p| p.slo_met.is_some());
    let _ = writeln!(
        out,
        "{:>12} {:>18} {:>18} {:>20} {:>14} {:>14}{}",
        "value",
        "offered/s",
        "goodput/s",
        "p99 ms",
        "failed",
        "unanswered",
        if judged_column { " expects" } else { "" }
    );
    let boundary = sweep::slo_boundary(points);
    for (i, p) in points.iter().enumerate() {
        let p99 = match p.p99_ms {
            Some(e) => format!("{:>11.2} ±{:<8.2}", e.mean, e.ci95),
            None => format!("{:>20}", "no answers"),
        };
        let mut marks = Vec::new();
        if p.knee {
            marks.push("← knee");
        }
        if boundary == Some(i) {
            marks.push("← expects fail");
        }
        let _ = writeln!(
            out,
            "{:>12} {:>10.1} ±{:<7.1} {:>10.1} ±{:<7.1} {p99} {:>7.2}% ±{:<4.2} {:>7.2}% ±{:<4.2}{}{}",
            spec.shown(p.value),
            p.offered_rps.mean,
            p.offered_rps.ci95,
            p.goodput_rps.mean,
            p.goodput_rps.ci95,
            p.error_share.mean * 100.0,
            p.error_share.ci95 * 100.0,
            p.unanswered_share.mean * 100.0,
            p.unanswered_share.ci95 * 100.0,
            match p.slo_met {
                Some(true) => "    hold",
                Some(false) => "    fail",
                None => "",
            },
            if marks.is_empty() { String::new() } else { format!("  {}", marks.join(" ")) }
        );
    }
    if judged_column && !judged.is_empty() {
        let _ = writeln!(
            out,
            "expects: {} (hold: each inside its bound, its 95% interval over the runs)",
            judged.join("; ")
        );
    }
    out
}

/// "1 run (seed 42)", "3 runs (seeds 42, 43, 44)", "20 runs (seeds 42 to
/// 61)": the replications of every step, the same seeds at each.
fn runs_in_words(seeds: &[u64]) -> String {
    match seeds {
        [] => "no runs".to_owned(),
        [one] => format!("1 run (seed {one})"),
        [first, .., last] if seeds.len() > 4 => {
            format!("{} runs (seeds {first} to {last})", seeds.len())
        }
        _ => {
            let list: Vec<String> = seeds.iter().map(u64::to_string).collect();
            format!("{} runs (seeds {})", seeds.len(), list.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runs_of_a_step_are_said_with_their_seeds() {
        assert_eq!(runs_in_words(&[42]), "1 run (seed 42)");
        assert_eq!(runs_in_words(&[42, 43, 44]), "3 runs (seeds 42, 43, 44)");
        let many: Vec<u64> = (42..62).collect();
        assert_eq!(runs_in_words(&many), "20 runs (seeds 42 to 61)");
    }
}
